"""A pool of killable query worker processes, one per request thread of this server process.

pyoxigraph cannot interrupt a running query, so every query (and write) runs in a worker
process (:mod:`kg.web.executor`) that opens the served generation read-only. The request
thread sends the job, then relays the serialised bytes the worker streams back over its
pipe. A job that outlives its deadline has its worker killed (``SIGKILL``) and answered
with 503; the slot is refilled with a fresh worker on the next request.

Workers are forked by this process's fork server (:mod:`kg.web.forkserver`), which has
already imported the executor, so a replacement starts in milliseconds and never inherits
this process's threads or locks. ``kg serve`` starts every worker before the first request,
each with the served generation already open (:meth:`Pool.warm_up`), and workers serve one
job after another. There is one pool per process, shared by every app in it; after a fork
it starts afresh.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from multiprocessing.connection import Connection

from kg.web.executor import SIZE
from kg.web.forkserver import PID
from kg.web.jobs import Job

log = logging.getLogger("kg.web")
DRAIN_SECONDS = 0.05
DRAIN_BYTES = 4 * 1024 * 1024
WARM_SECONDS = 20.0


class JobFailed(Exception):
    """The job failed before any output: answer ``status`` with ``message``."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class QueryTimeout(JobFailed):
    """The job ran past its deadline and its worker was killed."""

    def __init__(self, timeout: float) -> None:
        super().__init__(503, f"query timed out: stopped after {timeout:g} s (the server's --query-timeout)")


class StreamAborted(Exception):
    """The job failed after its response had begun; the connection must be dropped."""


class ForkServer:
    """The fork server process of this process, started on first use and restarted if it died."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._control: socket.socket | None = None
        self._process: subprocess.Popen[bytes] | None = None

    def _start(self) -> socket.socket:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
        self._process = subprocess.Popen(
            [sys.executable, "-c", "from kg.web.forkserver import main; main()", str(theirs.fileno())],
            pass_fds=[theirs.fileno()], env=env, stdin=subprocess.DEVNULL, close_fds=True)
        theirs.close()
        self._control = ours
        atexit.register(self.stop)
        return ours

    def fork(self) -> tuple[int, Connection]:
        """A new worker: its pid and our end of its pipe."""
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        with self._lock:
            for attempt in (1, 2):
                control = self._control or self._start()
                try:
                    socket.send_fds(control, [b"F"], [theirs.fileno()])
                    answer = control.recv(PID.size, socket.MSG_WAITALL)
                    if len(answer) == PID.size:
                        break
                except OSError:
                    pass
                self.stop()
                if attempt == 2:
                    theirs.close()
                    ours.close()
                    raise JobFailed(503, "cannot start a query worker (see the server log)")
        theirs.close()
        return PID.unpack(answer)[0], Connection(ours.detach())

    def stop(self) -> None:
        """Close the control socket; the fork server exits and its workers are killed."""
        if self._control is not None:
            self._control.close()
            self._control = None
        if self._process is not None:
            try:
                self._process.wait(5)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
            self._process = None


class Worker:
    """One worker process and our end of its pipe."""

    def __init__(self, server: ForkServer) -> None:
        self.pid, self.conn = server.fork()

    def kill(self) -> None:
        """Stop the process at once, whatever it is doing (the fork server reaps it)."""
        with contextlib.suppress(OSError):
            os.kill(self.pid, signal.SIGKILL)
        self.conn.close()


class Pool:
    """Up to ``size`` workers, each running one job at a time."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.server = ForkServer()
        self._idle: list[Worker] = []
        self._count = 0
        self._ready = threading.Condition()

    def _acquire(self, deadline: float) -> Worker:
        with self._ready:
            while not self._idle and self._count >= self.size:
                remaining = deadline - time.monotonic()
                if remaining <= 0 or not self._ready.wait(remaining):
                    raise JobFailed(503, f"all {self.size} query workers are busy; retry later")
            if self._idle:
                return self._idle.pop()
            self._count += 1
        try:
            return Worker(self.server)
        except BaseException:
            self._lost()
            raise

    def _release(self, worker: Worker) -> None:
        with self._ready:
            self._idle.append(worker)
            self._ready.notify()

    def _lost(self) -> None:
        with self._ready:
            self._count -= 1
            self._ready.notify()

    def discard(self, worker: Worker) -> None:
        """Kill ``worker`` and free its slot."""
        worker.kill()
        self._lost()

    def warm_up(self, job: Job | None = None, timeout: float = WARM_SECONDS) -> None:
        """Start every worker now (so the first requests do not wait for a fork).

        With ``job`` (a query on the served generation), each new worker runs it once, all
        at the same time: so they open that generation now rather than on a request.
        """
        with self._ready:
            missing = self.size - self._count
            self._count += missing
        started: list[Worker] = []
        for _ in range(missing):
            try:
                started.append(Worker(self.server))
            except BaseException:
                for worker in started:
                    self._release(worker)
                for _ in range(missing - len(started)):  # this slot and those never started
                    self._lost()
                raise
        if job is None:
            for worker in started:
                self._release(worker)
            return
        sent: list[Worker] = []
        for worker in started:
            try:
                worker.conn.send(job)
            except (OSError, ValueError):
                self.discard(worker)
                continue
            sent.append(worker)
        deadline = time.monotonic() + timeout
        for worker in sent:
            with contextlib.suppress(JobFailed, StreamAborted):
                for _ in Execution(self, worker, deadline, timeout).start():
                    pass

    def submit(self, job: Job, timeout: float) -> Execution:
        """Send ``job`` to a free worker; the execution's :meth:`Execution.start` waits for its answer."""
        deadline = time.monotonic() + timeout
        worker = self._acquire(deadline)
        try:
            worker.conn.send(job)
        except (OSError, ValueError):
            self.discard(worker)
            raise JobFailed(503, "a query worker stopped unexpectedly; retry") from None
        return Execution(self, worker, deadline, timeout)

    def close(self) -> None:
        """Stop the fork server: every worker, idle or busy, is killed."""
        with self._ready:
            idle, self._idle = self._idle, []
        for worker in idle:
            self.discard(worker)
        self.server.stop()


class Execution:
    """The answer to one job: :meth:`start` gives its header, iterating gives the body bytes."""

    def __init__(self, pool: Pool, worker: Worker, deadline: float, timeout: float) -> None:
        self._pool = pool
        self._worker: Worker | None = worker
        self._deadline = deadline
        self._timeout = timeout
        self._whole: bytes | None = None
        self.info: dict[str, object] = {}

    def _receive(self) -> bytes:
        worker = self._worker
        assert worker is not None
        remaining = self._deadline - time.monotonic()
        try:
            ready = remaining > 0 and worker.conn.poll(remaining)
            if not ready:
                self._drop()
                raise QueryTimeout(self._timeout)
            return worker.conn.recv_bytes()
        except (EOFError, OSError):
            self._drop()
            log.error("query worker %s died while running a job", worker.pid)
            raise JobFailed(503, "the query worker stopped unexpectedly (out of memory?); retry") from None

    def _done(self) -> None:
        worker, self._worker = self._worker, None
        if worker is not None:
            self._pool._release(worker)

    def _drop(self) -> None:
        worker, self._worker = self._worker, None
        if worker is not None:
            self._pool.discard(worker)

    def start(self) -> Execution:
        """Wait for the answer's header; raise :class:`JobFailed` if the job failed or timed out."""
        message = self._receive()
        tag, payload = message[:1], message[1:]
        if tag == b"H":
            self.info = json.loads(payload)
            return self
        if tag == b"A":
            size = SIZE.unpack_from(payload)[0]
            self.info = json.loads(payload[SIZE.size:SIZE.size + size])
            self._whole = payload[SIZE.size + size:]
            self._done()
            return self
        self._done()
        if tag == b"E":
            error = json.loads(payload)
            raise JobFailed(int(error["status"]), str(error["message"]))
        raise JobFailed(500, f"unexpected message from a query worker: {tag!r}")

    @property
    def whole(self) -> bytes | None:
        """The complete body when the answer came in one message and none of it was read yet."""
        return self._whole if self._worker is None else None

    def __iter__(self) -> Iterator[bytes]:
        return self

    def __next__(self) -> bytes:
        if self._whole is not None:
            whole, self._whole = self._whole, None
            if whole:
                return whole
        if self._worker is None:
            raise StopIteration
        try:
            message = self._receive()
        except JobFailed as err:
            raise StreamAborted(err.message) from None
        tag = message[:1]
        if tag == b"D":
            return message[1:]
        self._done()
        if tag == b"Z":
            raise StopIteration
        raise StreamAborted(message[1:].decode("utf-8", "replace"))

    def close(self) -> None:
        """Stop reading: a nearly finished answer is drained, anything longer has its worker killed."""
        worker = self._worker
        if worker is None:
            return
        drained = 0
        try:
            while drained < DRAIN_BYTES and worker.conn.poll(DRAIN_SECONDS):
                message = worker.conn.recv_bytes()
                if message[:1] in (b"Z", b"X"):
                    self._done()
                    return
                drained += len(message)
        except (EOFError, OSError):
            pass
        self._drop()

    def __del__(self) -> None:
        if getattr(self, "_worker", None) is not None:
            self.close()


_pools: dict[int, Pool] = {}
_pools_lock = threading.Lock()


def pool(size: int) -> Pool:
    """This process's pool, grown to at least ``size`` workers (created afresh after a fork)."""
    pid = os.getpid()
    with _pools_lock:
        current = _pools.get(pid)
        if current is None:
            _pools.clear()
            current = _pools[pid] = Pool(size)
        elif current.size < size:
            current.size = size
        return current
