"""Start the real ``kg serve`` (gunicorn) on a free loopback port for a test, and stop it after;
likewise a real ``oxigraph serve`` (a remote store) and a recording proxy in front of it."""

from __future__ import annotations

import contextlib
import http.client
import http.server
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from tests.conftest import ROOT

CLIENTS = ROOT / "tests" / "clients"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def kg_server(store: Path | str, *args: str, env: dict[str, str] | None = None,
              log_dir: Path | None = None) -> Iterator[str]:
    """``kg serve --store STORE ARGS`` on 127.0.0.1; yields its base URL (``http://127.0.0.1:PORT``).

    STORE may be a remote store's URL (then give ``log_dir``).
    """
    port = free_port()
    log_path = (log_dir or Path(store).parent) / f"kg-serve-{port}.log"
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


OXIGRAPH = Path(sys.executable).parent / "oxigraph"


@dataclass
class Oxigraph:
    """A running ``oxigraph serve`` process."""

    proc: subprocess.Popen
    url: str
    log_path: Path

    def kill(self) -> None:
        """SIGKILL the server (as a crash would) and reap it."""
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()


def start_oxigraph(location: Path, port: int | None = None, *args: str) -> Oxigraph:
    """``oxigraph serve --location LOCATION`` on 127.0.0.1 (a free port unless given); waits until it answers."""
    port = port or free_port()
    log_path = location.parent / f"oxigraph-{port}.log"
    with open(log_path, "ab") as log:
        proc = subprocess.Popen([str(OXIGRAPH), "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}",
                                 *args], stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    server = Oxigraph(proc, f"http://127.0.0.1:{port}", log_path)
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(server.url + "/query?query=ASK%7B%7D", timeout=5).read()
            return server
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            if proc.poll() is not None or time.monotonic() > deadline:
                server.kill()
                raise RuntimeError(f"oxigraph did not start:\n{log_path.read_text()}") from None
            time.sleep(0.1)


@contextlib.contextmanager
def oxigraph_server(location: Path, *args: str) -> Iterator[Oxigraph]:
    """A real ``oxigraph serve`` for the duration of the block (killed after)."""
    server = start_oxigraph(location, None, *args)
    try:
        yield server
    finally:
        server.kill()


@dataclass
class Proxy:
    """An HTTP proxy on 127.0.0.1 that records every request it forwards to ``target``.

    ``hook(method, path, body)`` runs before forwarding; when it returns True the request is
    not forwarded and the client's connection is dropped.
    """

    target: str
    hook: Callable[[str, str, bytes], bool] | None = None
    seen: list[tuple[str, str, bytes]] = field(default_factory=list)
    url: str = ""


@contextlib.contextmanager
def recording_proxy(target: str, hook: Callable[[str, str, bytes], bool] | None = None) -> Iterator[Proxy]:
    """Run a :class:`Proxy` to ``target`` for the duration of the block."""
    proxy = Proxy(target, hook)
    host, port = target.removeprefix("http://").split(":")

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _forward(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            proxy.seen.append((self.command, self.path, body))
            if proxy.hook is not None and proxy.hook(self.command, self.path, body):
                self.close_connection = True
                return
            upstream = http.client.HTTPConnection(host, int(port), timeout=60)
            try:
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection")}
                upstream.request(self.command, self.path, body=body or None, headers=headers)
                answer = upstream.getresponse()
                data = answer.read()
            except OSError:
                self.close_connection = True
                return
            finally:
                upstream.close()
            self.send_response(answer.status, answer.reason)
            for key, value in answer.getheaders():
                if key.lower() not in ("transfer-encoding", "connection", "content-length"):
                    self.send_header(key, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _forward

        def log_message(self, format: str, *args: object) -> None:
            """Quiet."""

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    proxy.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield proxy
    finally:
        server.shutdown()
        server.server_close()
