"""The gunicorn worker and access logger ``kg serve`` runs (:mod:`kg.serve`).

:class:`KeepAliveWorker` is gunicorn's threaded worker (``gthread``) with one change: after
answering a keep-alive request, the request thread waits a moment (:data:`LINGER_SECONDS`) for
the client's next request on that connection and answers it itself. Plain ``gthread`` hands
every kept-alive connection back to its main thread's poller, which hands the next request to
a pool thread again: two thread wake-ups (and the main loop's work) per request, which on a
busy machine is much of a small query's time. A thread lingers only while it is not needed
elsewhere: it gives the connection back to the poller as soon as another connection's
request is waiting and every thread is busy, and it looks at least every
:data:`SLICE_SECONDS`.

:class:`AccessLogger` writes the same access log line as gunicorn's logger for
:data:`ACCESS_LOG_FORMAT`, but builds only the fields that format uses (gunicorn's builds
one per request header, response header and environ entry, per request).
"""

from __future__ import annotations

import select
import threading
import time
from typing import Any

from gunicorn.glogging import Logger
from gunicorn.workers.gthread import ThreadWorker

#: how long a request thread waits for the next request on a keep-alive connection
LINGER_SECONDS = 0.025
#: how often a lingering thread checks whether a thread is needed elsewhere
SLICE_SECONDS = 0.005
#: the access log line: client, request line, status, body bytes, milliseconds
ACCESS_LOG_FORMAT = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms'


class KeepAliveWorker(ThreadWorker):
    """``gthread``, but a request thread answers a client's next keep-alive request itself when it
    comes at once (see the module docstring)."""

    def init_process(self) -> None:
        self._counts = threading.Lock()
        self._queued = 0  # connections handed to the pool, not yet taken by a thread
        self._busy = 0  # threads handling (or lingering on) a connection
        self._threads = self.cfg.threads
        super().init_process()

    def enqueue_req(self, conn: Any) -> None:
        with self._counts:
            self._queued += 1
        super().enqueue_req(conn)

    def handle(self, conn: Any) -> Any:
        with self._counts:
            self._queued -= 1
            self._busy += 1
        try:
            keep = super().handle(conn)
            while keep is True and self.alive and not conn.is_http2 and self._next_request_soon(conn):
                keep = super().handle(conn)
            return keep
        finally:
            with self._counts:
                self._busy -= 1

    def _needed_elsewhere(self) -> bool:
        return self._queued > 0 and self._busy >= self._threads

    def _next_request_soon(self, conn: Any) -> bool:
        """True when the connection has more to read (a request, or its end) within the linger time
        and no other connection needs this thread meanwhile."""
        if conn.parser.unreader.buf.getvalue():  # already read ahead
            return True
        poller = select.poll()
        poller.register(conn.sock, select.POLLIN)
        deadline = time.monotonic() + LINGER_SECONDS
        while not self._needed_elsewhere():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            if poller.poll(max(1, int(min(SLICE_SECONDS, remaining) * 1000))):
                return True
        return False


class AccessLogger(Logger):
    """gunicorn's logger, building only the access log fields of :data:`ACCESS_LOG_FORMAT`."""

    def atoms(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> dict[str, Any]:
        status = resp.status
        if isinstance(status, str):
            status = status.split(None, 1)[0]
        sent = getattr(resp, "sent", None)
        return {
            "h": environ.get("REMOTE_ADDR", "-"),
            "r": f"{environ['REQUEST_METHOD']} {environ['RAW_URI']} {environ['SERVER_PROTOCOL']}",
            "s": status,
            "b": str(sent) if sent is not None else "-",
            "M": request_time.seconds * 1000 + request_time.microseconds // 1000,
        }
