"""SPARQL over HTTP on 127.0.0.1: start/stop servers, sequential and bounded concurrent clients."""

from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from bench.measure import ROOT, oxigraph_cli

HOST = "127.0.0.1"
REQUEST_TIMEOUT = 120.0
TRUNCATED = 599  # our marker: HTTP 200 with an incomplete body
_GRAPH_FORM = re.compile(r"^\s*(CONSTRUCT|DESCRIBE)\b", re.IGNORECASE | re.MULTILINE)


@dataclass(frozen=True)
class Endpoint:
    name: str
    port: int
    path: str
    pid: int = 0  # the server's process (group leader), for CPU accounting


def cpu_seconds(pid: int) -> float:
    """User + system CPU time used so far by the processes of ``pid``'s process group (Linux)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rpartition(")")[2].split()
        except OSError:
            continue
        if int(fields[2]) == pid:  # pgrp
            total += int(fields[11]) + int(fields[12])
    return total / ticks


@dataclass
class LoadResult:
    """Outcome of a batch of requests."""

    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    timeouts: int = 0
    seconds: float = 0.0
    first_error: str = ""

    @property
    def requests(self) -> int:
        return len(self.latencies) + self.errors

    @property
    def throughput(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def _complete(body: bytes, content_type: str) -> bool:
    """False when a 200 response was cut short (oxigraph streams, then appends an error on timeout)."""
    tail = body[-64:].rstrip()
    if "json" in content_type:
        return tail.endswith(b"}")
    if "n-triples" in content_type or "n-quads" in content_type:
        return not tail or tail.endswith(b".")
    return True


def accept_for(query: str) -> str:
    """The Accept header for a query: N-Triples for CONSTRUCT/DESCRIBE, SPARQL JSON otherwise."""
    return "application/n-triples" if _GRAPH_FORM.search(query) else "application/sparql-results+json"


class Client:
    """One keep-alive connection posting form-encoded SPARQL queries."""

    def __init__(self, endpoint: Endpoint, timeout: float = REQUEST_TIMEOUT) -> None:
        self.endpoint = endpoint
        self.timeout = timeout
        self.conn: http.client.HTTPConnection | None = None

    def query(self, query: str) -> tuple[int, int]:
        """POST a form-encoded query to the endpoint: (status, body bytes)."""
        body = urllib.parse.urlencode({"query": query})
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": accept_for(query)}
        return self.request("POST", self.endpoint.path, body, headers)

    def get(self, path: str) -> tuple[int, int]:
        """GET a path (e.g. a canned query) asking for SPARQL JSON results."""
        return self.request("GET", path, None, {"Accept": "application/sparql-results+json"})

    def request(self, method: str, path: str, body: str | None, headers: dict[str, str]) -> tuple[int, int]:
        """(status, body bytes); reconnects once if the server closed the connection."""
        for attempt in (0, 1):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(HOST, self.endpoint.port, timeout=self.timeout)
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                data = response.read()
                if response.getheader("Connection", "").lower() == "close":
                    self.close()
                if response.status == 200 and not _complete(data, response.getheader("Content-Type", "")):
                    return TRUNCATED, len(data)
                return response.status, len(data)
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.close()
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def _timed(client: Client, query: str, result: LoadResult) -> None:
    """One request; a query starting with "/" is a GET of that path, anything else a SPARQL POST."""
    t0 = time.perf_counter()
    try:
        status, _ = client.get(query) if query.startswith("/") else client.query(query)
    except (OSError, http.client.HTTPException) as err:
        client.close()
        result.errors += 1
        result.timeouts += isinstance(err, TimeoutError)
        result.first_error = result.first_error or repr(err)
        return
    if status == 200:
        result.latencies.append(time.perf_counter() - t0)
    else:
        result.errors += 1
        reason = "200 with a truncated body (server cancelled the query)" if status == TRUNCATED else f"HTTP {status}"
        result.first_error = result.first_error or reason


def sequential(endpoint: Endpoint, query: str, count: int, max_seconds: float,
               timeout: float = REQUEST_TIMEOUT) -> LoadResult:
    """A warm-up then ``count`` requests one after another; no new request after ``max_seconds``.

    If the warm-up alone used up the time, it is the one sample reported.
    """
    client = Client(endpoint, timeout)
    warm, result = LoadResult(), LoadResult()
    started = time.perf_counter()
    _timed(client, query, warm)
    for _ in range(count):
        if time.perf_counter() - started > max_seconds:
            break
        _timed(client, query, result)
    if not result.requests:
        result = warm
    result.seconds = time.perf_counter() - started
    client.close()
    return result


def concurrent(endpoint: Endpoint, queries: list[str], clients: int, seconds: float, max_requests: int,
               timeout: float = REQUEST_TIMEOUT) -> LoadResult:
    """``clients`` threads cycling through ``queries`` until ``seconds`` pass or ``max_requests`` are sent."""
    result = LoadResult()
    lock = threading.Lock()
    sent = [0]
    deadline = time.perf_counter() + seconds

    def worker(offset: int) -> None:
        client = Client(endpoint, timeout)
        mine = LoadResult()
        i = offset
        while time.perf_counter() < deadline:
            with lock:
                if sent[0] >= max_requests:
                    break
                sent[0] += 1
            _timed(client, queries[i % len(queries)], mine)
            i += 1
        client.close()
        with lock:
            result.latencies.extend(mine.latencies)
            result.errors += mine.errors
            result.timeouts += mine.timeouts
            result.first_error = result.first_error or mine.first_error

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(n,), daemon=True) for n in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + timeout + 5)
    result.seconds = time.perf_counter() - started
    return result


def _wait_ready(endpoint: Endpoint, proc: subprocess.Popen, log: Path, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    client = Client(endpoint)
    while True:
        try:
            status, _ = client.query("ASK {}")
            if status == 200:
                client.close()
                return
        except OSError:
            client.close()
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"{endpoint.name} did not start: {log.read_text(errors='replace')[-2000:]}")
        time.sleep(0.2)


@contextmanager
def _server(name: str, cmd: list[str], port: int, path: str, log: Path,
            ready_timeout: float = 90) -> Iterator[Endpoint]:
    with open(log, "wb") as fh:
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=fh, stderr=subprocess.STDOUT, start_new_session=True)
    endpoint = Endpoint(name, port, path, proc.pid)
    try:
        _wait_ready(endpoint, proc, log, ready_timeout)
        yield endpoint
    finally:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
        except ProcessLookupError:
            pass


def kg_serve(store: Path, log: Path, timeout_s: int = 30) -> AbstractContextManager[Endpoint]:
    """``python -m kg.cli serve`` on a free 127.0.0.1 port (kg's default workers)."""
    port = free_port()
    cmd = [sys.executable, "-m", "kg.cli", "serve", "--store", str(store), "--host", HOST, "--port", str(port),
           "--query-timeout", str(timeout_s)]
    return _server("kg serve", cmd, port, "/sparql", log)


def rdflib_endpoint_serve(nq: Path, log: Path) -> AbstractContextManager[Endpoint]:
    """``rdflib-endpoint serve`` of an N-Quads file (rdflib ``Dataset``, default graph = union, as kg)."""
    cli = Path(sys.executable).with_name("rdflib-endpoint")
    if not cli.exists():
        raise RuntimeError("rdflib-endpoint is not installed (pip install 'rdflib-endpoint[cli]')")
    port = free_port()
    cmd = [str(cli), "serve", str(nq), "--host", HOST, "--port", str(port)]
    return _server("rdflib-endpoint", cmd, port, "/", log, ready_timeout=3600)


def oxigraph_serve(location: Path, log: Path, timeout_s: int = 30) -> AbstractContextManager[Endpoint]:
    """``oxigraph serve-read-only`` over a copy of the generation, default graph = union (as kg)."""
    cli = oxigraph_cli()
    if cli is None:
        raise RuntimeError("the oxigraph server binary is not installed (pip package `oxigraph`)")
    port = free_port()
    cmd = [str(cli), "serve-read-only", "--location", str(location), "--bind", f"{HOST}:{port}",
           "--union-default-graph", "--timeout-s", str(timeout_s)]
    return _server("oxigraph serve", cmd, port, "/query", log)
