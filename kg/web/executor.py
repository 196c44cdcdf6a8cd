"""The query worker process: runs jobs one at a time and streams their answers over a pipe.

The parent (:mod:`kg.web.workers`) sends a pickled job; the worker answers with framed
messages, each a one-byte tag and a payload:

``A`` + n + JSON + bytes  a whole small answer in one message: header (``n`` bytes of JSON:
               status, ``content_type``, ``format`` …) and body; the worker is idle again
``H`` + JSON   a longer answer starts: its header
``D`` + bytes  a chunk of the serialised body (about 64 KiB; the pipe applies back-pressure)
``Z``          the longer answer is complete; the worker is idle again
``E`` + JSON   the job failed before any output: ``{"status": …, "message": …}``
``X`` + text   the job failed after output began (the parent aborts the response)

The worker keeps the generations it reads open between jobs. It is killed, not asked, when
a job outlives its deadline or its client leaves: nothing it holds needs cleaning up
(a write in progress leaves only an unsealed ``.tmp`` generation, removed by the next write).
"""

from __future__ import annotations

import json
import logging
import os
import signal
import struct
import sys
import uuid
from multiprocessing.connection import Connection

from kg.web.jobs import Job, JobError, StoreCache, perform

CHUNK_BYTES = 64 * 1024
SIZE = struct.Struct(">I")
log = logging.getLogger("kg.web.executor")


class PipeSink:
    """A file-like sink that frames what a serializer writes (see the module docstring)."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._header: bytes | None = None
        self._buffer = bytearray(b"D")
        self.started = False  # the client has been sent something

    def begin(self, info: dict[str, object]) -> None:
        self._header = json.dumps(info).encode()

    def _send_header(self) -> None:
        if self._header is not None:
            self._conn.send_bytes(b"H" + self._header)
            self._header = None
            self.started = True

    def write(self, data: bytes) -> int:
        self._buffer += data
        if len(self._buffer) > CHUNK_BYTES:
            self._send_header()
            self._conn.send_bytes(self._buffer)
            self._buffer = bytearray(b"D")
        return len(data)

    def flush(self) -> None:
        """File-like ``flush``: chunks are sent when full or at the end."""

    def finish(self) -> None:
        if self._header is not None:
            header, self._header = self._header, None
            self._conn.send_bytes(b"A" + SIZE.pack(len(header)) + header + self._buffer[1:])
            return
        if len(self._buffer) > 1:
            self._conn.send_bytes(self._buffer)
        self._conn.send_bytes(b"Z")


def _fail(conn: Connection, sink: PipeSink, status: int, message: str) -> None:
    if sink.started:
        conn.send_bytes(b"X" + message.encode())
    else:
        conn.send_bytes(b"E" + json.dumps({"status": status, "message": message}).encode())


def serve_one(conn: Connection, job: Job, stores: StoreCache) -> None:
    """Run one job and send its answer."""
    sink = PipeSink(conn)
    try:
        perform(job, sink, stores)
        sink.finish()
    except JobError as err:
        _fail(conn, sink, err.status, err.message)
    except (BrokenPipeError, ConnectionResetError):
        raise
    except Exception as err:  # a bug: say so briefly, keep the traceback in the server log
        incident = uuid.uuid4().hex[:12]
        log.error("query worker: internal error %s", incident, exc_info=err)
        _fail(conn, sink, 500, f"the query worker failed (incident {incident}, logged)")


def main(conn: Connection) -> None:
    """Worker loop: read a job, answer it, repeat until the parent closes the pipe."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the server's Ctrl-C is for the server
    if not logging.getLogger().handlers:
        logging.basicConfig(stream=sys.stderr, level=logging.WARNING,
                            format=f"[{os.getpid()}] %(levelname)s %(name)s: %(message)s")
    stores = StoreCache()
    while True:
        try:
            job = conn.recv()
            serve_one(conn, job, stores)
        except (EOFError, BrokenPipeError, ConnectionResetError, KeyboardInterrupt):
            return
