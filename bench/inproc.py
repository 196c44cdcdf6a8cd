"""Queries run in-process with pyoxigraph, in one child process that is killed if a query runs away.

The child (``python -m bench.inproc JOBS.json STORE COUNT BUDGET``) opens the generation
read-only and, per job, runs a warm-up then up to COUNT timed runs of ``Store.query`` (union
default graph) + serialization to SPARQL JSON / N-Triples, starting none after BUDGET seconds.
A canned job binds its parameter defaults as substitutions, as ``kg.queries.run_canned`` does.
It prints a JSON line when each job starts, after each run and when the job ends; the parent
kills it when it is silent for too long (one run past the query timeout), records a timeout
for that job and restarts the child on the jobs left.
"""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from bench.http_load import LoadResult
from bench.measure import ROOT


@dataclass(frozen=True)
class Job:
    key: str
    text: str
    canned: str | None = None


def run_all(gen_dir: Path, jobs: list[Job], count: int, budget: float, hard_timeout: float,
            spec: Path) -> dict[str, LoadResult]:
    """Latencies per job key; a run taking over ``hard_timeout`` s is recorded as a timeout of its job."""
    results: dict[str, LoadResult] = {}
    remaining = list(jobs)
    while remaining:
        spec.write_text(json.dumps([asdict(j) for j in remaining]), encoding="utf-8")
        proc = subprocess.Popen(
            [sys.executable, "-m", "bench.inproc", str(spec), str(gen_dir), str(count), str(budget)],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
        lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=_pump, args=(proc, lines), daemon=True).start()
        current = remaining[0].key
        while True:
            try:
                line = lines.get(timeout=hard_timeout)
            except queue.Empty:
                os.killpg(proc.pid, signal.SIGKILL)
                results[current] = LoadResult(errors=1, timeouts=1, first_error=f"no answer in {hard_timeout:.0f} s")
                break
            if line is None:
                break
            msg = json.loads(line)
            if "start" in msg:
                current = msg["start"]
            elif "key" in msg:
                results[msg["key"]] = LoadResult(latencies=msg["latencies"])
        proc.wait()
        if proc.returncode not in (0, -signal.SIGKILL) and current not in results:
            results[current] = LoadResult(errors=1, first_error=(proc.stderr.read() if proc.stderr else "")[-300:])
        remaining = [j for j in remaining if j.key not in results]
    return results


def _pump(proc: subprocess.Popen, lines: queue.Queue) -> None:
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.startswith("{"):
            lines.put(line)
    lines.put(None)


def _child(spec: Path, gen_dir: str, count: int, budget: float) -> None:
    from pyoxigraph import QueryResultsFormat, QueryTriples, RdfFormat, Store, serialize

    store = Store.read_only(gen_dir)
    for job in json.loads(spec.read_text(encoding="utf-8")):
        print(json.dumps({"start": job["key"]}), flush=True)
        text, substitutions = job["text"], None
        if job["canned"]:
            from kg.queries import QUERIES_DIR, load_query

            text, substitutions = load_query(QUERIES_DIR, job["canned"]).bind({})
        latencies: list[float] = []
        started = time.perf_counter()
        for _ in range(count + 1):
            t0 = time.perf_counter()
            answer = store.query(text, use_default_graph_as_union=True, substitutions=substitutions or None)
            if isinstance(answer, QueryTriples):
                serialize(answer, format=RdfFormat.N_TRIPLES)
            else:
                answer.serialize(format=QueryResultsFormat.JSON)
            latencies.append(time.perf_counter() - t0)
            print(json.dumps({"run": job["key"]}), flush=True)
            if time.perf_counter() - started > budget:
                break
        print(json.dumps({"key": job["key"], "latencies": latencies[1:] or latencies}), flush=True)


if __name__ == "__main__":
    _child(Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]), float(sys.argv[4]))
