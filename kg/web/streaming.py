"""Stream what a serializer writes, chunk by chunk, without building the response in memory.

pyoxigraph serializers write into a file-like object and return only when done.
:class:`ChunkStream` runs such a serializer in a background thread, hands its output over
in chunks through a small bounded queue (so a slow client slows the serializer down rather
than filling memory) and stops it when the client goes away (:meth:`ChunkStream.close`).

pyoxigraph result iterators may only be used by the thread that created them, so the
producer evaluates the query itself, in the background thread; it can pass facts learnt
on the way (the negotiated content type) back through :attr:`ChunkStream.info`.
"""

from __future__ import annotations

import io
import queue
import threading
import traceback
import zlib
from collections.abc import Callable, Iterator

CHUNK_BYTES = 64 * 1024
QUEUE_CHUNKS = 8
_POLL_SECONDS = 0.5
_DONE = object()


class StreamCancelled(Exception):
    """Raised inside the serializer thread once the consumer has gone away."""


class _Failure:
    def __init__(self, error: BaseException) -> None:
        self.error = error


def _release_frames(err: BaseException) -> None:
    """Keep the traceback as text and drop its frames here, in the producer thread.

    The frames hold pyoxigraph objects that must not be freed by another thread.
    """
    seen: set[int] = set()
    current: BaseException | None = err
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if current.__traceback__ is not None:
            text = "".join(traceback.format_tb(current.__traceback__))
            current.add_note(f"(in the streaming thread)\n{text.rstrip()}")
            current.__traceback__ = None
        current = current.__cause__ or current.__context__


class ChunkStream:
    """Iterate over the bytes ``produce(self)`` writes to this stream; optionally gzip them.

    >>> list(ChunkStream(lambda out: out.write(b"hello")).start())
    [b'hello']
    """

    def __init__(self, produce: Callable[[ChunkStream], object], *, gzip: bool = False,
                 chunk_bytes: int = CHUNK_BYTES) -> None:
        self._produce = produce
        self.info: dict[str, str] = {}
        self._chunk_bytes = chunk_bytes
        self._queue: queue.Queue[object] = queue.Queue(maxsize=QUEUE_CHUNKS)
        self._cancelled = threading.Event()
        self._buffer = bytearray()
        self._zip = zlib.compressobj(6, zlib.DEFLATED, 31) if gzip else None
        self._thread = threading.Thread(target=self._run, name="kg-stream", daemon=True)
        self._first: bytes | None = None
        self._finished = False

    # -- producer side (background thread) ------------------------------------------------
    def write(self, data: bytes) -> int:
        """File-like ``write`` used by the serializer."""
        if self._cancelled.is_set():
            raise StreamCancelled("client went away")
        self._buffer += self._zip.compress(data) if self._zip else data
        if len(self._buffer) >= self._chunk_bytes:
            self._put(bytes(self._buffer))
            self._buffer.clear()
        return len(data)

    def flush(self) -> None:
        """File-like ``flush``: a no-op, chunks are sent when full."""

    def _put(self, item: object) -> None:
        while True:
            if self._cancelled.is_set():
                raise StreamCancelled("client went away")
            try:
                self._queue.put(item, timeout=_POLL_SECONDS)
                return
            except queue.Full:
                continue

    def _run(self) -> None:
        try:
            self._produce(self)
            if self._zip:
                self._buffer += self._zip.flush()
            if self._buffer:
                self._put(bytes(self._buffer))
            self._put(_DONE)
        except StreamCancelled:
            return
        except BaseException as err:  # handed to the consumer, which re-raises it
            _release_frames(err)
            try:
                self._put(_Failure(err))
            except StreamCancelled:
                return

    # -- consumer side (request thread) ---------------------------------------------------
    def start(self) -> ChunkStream:
        """Start the serializer and wait for its first chunk.

        Errors that happen before any output (a bad query, an unreadable store) are raised
        here, while an error response can still be sent.
        """
        self._thread.start()
        self._first = self._next_chunk()
        return self

    def _next_chunk(self) -> bytes | None:
        if self._finished:
            return None
        item = self._queue.get()
        if item is _DONE:
            self._finished = True
            return None
        if isinstance(item, _Failure):
            self._finished = True
            raise item.error
        assert isinstance(item, bytes)
        return item

    def __iter__(self) -> Iterator[bytes]:
        return self

    def __next__(self) -> bytes:
        if self._first is not None:
            first, self._first = self._first, None
            return first
        chunk = self._next_chunk()
        if chunk is None:
            raise StopIteration
        return chunk

    def close(self) -> None:
        """Stop the serializer (called by the WSGI server when the response ends or the client leaves)."""
        self._cancelled.set()
        self._finished = True


class ChunkReader(io.RawIOBase):
    """A readable binary file over an iterator of chunks (to parse a result stream as it arrives)."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        super().__init__()
        self._chunks = chunks
        self._pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        while not self._pending:
            chunk = next(self._chunks, None)
            if chunk is None:
                return 0
            self._pending = chunk
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size


class WholeBody:
    """An iterator over one complete body that also offers it whole (``body``), so the
    response can carry a Content-Length and go out in one write.

    >>> list(WholeBody(b"abc")), WholeBody(b"").body
    ([b'abc'], b'')
    """

    def __init__(self, body: bytes) -> None:
        self.body = body
        self._sent = not body

    def __iter__(self) -> Iterator[bytes]:
        return self

    def __next__(self) -> bytes:
        if self._sent:
            raise StopIteration
        self._sent = True
        return self.body
