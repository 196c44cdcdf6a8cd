"""Start the real ``kg serve`` (gunicorn) on a free loopback port for a test, and stop it after."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from tests.conftest import ROOT

CLIENTS = ROOT / "tests" / "clients"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def kg_server(store: Path, *args: str, env: dict[str, str] | None = None, log_dir: Path | None = None) -> Iterator[str]:
    """``kg serve --store STORE ARGS`` on 127.0.0.1; yields its base URL (``http://127.0.0.1:PORT``)."""
    port = free_port()
    log_path = (log_dir or store.parent) / f"kg-serve-{port}.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "kg.cli", "serve", "--store", str(store), "--host", "127.0.0.1",
             "--port", str(port), *args],
            cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})},
            start_new_session=True,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            wait_until_up(base, proc, log_path)
            yield base
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


def wait_until_up(base: str, proc: subprocess.Popen, log_path: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            urllib.request.urlopen(base + "/sparql?query=ASK%7B%7D", timeout=5).read()
            return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"server did not start:\n{log_path.read_text()}") from None
            time.sleep(0.2)


def node_missing() -> str | None:
    """Why the Node clients cannot run (None when they can). Only a missing node/npm is a skip."""
    if not shutil.which("node") or not shutil.which("npm"):
        return "node/npm not installed: the Comunica and rdf-test-suite tests need Node.js"
    return None


def require_node_clients() -> None:
    """Fail clearly if node is there but the locked clients were not installed."""
    if not (CLIENTS / "node_modules" / ".kg-installed").is_file():
        raise AssertionError("Node test clients not installed: run .ci/setup-node.sh (npm ci in tests/clients)")
