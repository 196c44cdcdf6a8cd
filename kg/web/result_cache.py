"""Serialised results of canned queries, kept per served generation.

A canned query is a fixed text: with the same parameters, format and generation it gives
the same bytes. Every canned query aggregates over the whole graph (seconds at millions
of triples), and the same few URLs are fetched again and again by pages and analysts, so
the bytes are kept in memory and replayed (whole, with a Content-Length) until the served generation changes (a build or
a write seals a new generation, so a stale entry is never served: its key names the old
generation). Only complete results are kept: a stream that fails or is abandoned halfway
is not stored. Entries larger than ``max_entry_bytes`` are never stored; the least recently
used entries go first when the total passes ``max_bytes``.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Any

from kg.web.execute import QueryOutput
from kg.web.streaming import WholeBody

Key = tuple[str, ...]


@dataclass(frozen=True)
class _Entry:
    content_type: str
    format: str
    body: bytes
    info: dict[str, Any] | None
    size: int


class ResultCache:
    """A thread-safe LRU of complete serialised results, bounded in bytes.

    >>> cache = ResultCache(max_bytes=100, max_entry_bytes=10)
    >>> made = []
    >>> def produce():
    ...     made.append(1)
    ...     return QueryOutput("text/csv", "csv", iter([b"a\\r\\n", b"1\\r\\n"]))
    >>> b"".join(cache.output(("gen-1", "q"), produce).chunks)
    b'a\\r\\n1\\r\\n'
    >>> b"".join(cache.output(("gen-1", "q"), produce).chunks), len(made)
    (b'a\\r\\n1\\r\\n', 1)
    """

    def __init__(self, max_bytes: int = 64 << 20, max_entry_bytes: int = 8 << 20) -> None:
        self.max_bytes = max_bytes
        self.max_entry_bytes = max_entry_bytes
        self.hits = 0
        self.misses = 0
        self._entries: OrderedDict[Key, _Entry] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    def output(self, key: Key, produce: Callable[[], QueryOutput]) -> QueryOutput:
        """The cached result for ``key``, or ``produce()``'s, stored once fully read."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
                self.hits += 1
        if entry is not None:
            info = dict(entry.info or {}, cached=True)
            return QueryOutput(entry.content_type, entry.format, WholeBody(entry.body), info)
        self.misses += 1
        output = produce()
        return replace(output, chunks=self._tee(key, output))

    def _tee(self, key: Key, output: QueryOutput) -> Iterator[bytes]:
        kept: list[bytes] | None = []
        size = 0
        try:
            for chunk in output.chunks:
                if kept is not None:
                    size += len(chunk)
                    if size > self.max_entry_bytes:
                        kept = None
                    else:
                        kept.append(chunk)
                yield chunk
        finally:  # the client left or the query failed: stop the producer too
            close = getattr(output.chunks, "close", None)
            if close is not None:
                close()
        if kept is not None:  # reached only when the whole result was read without error
            self._put(key, _Entry(output.content_type, output.format, b"".join(kept), output.info, size))

    def _put(self, key: Key, entry: _Entry) -> None:
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._size -= old.size
            self._entries[key] = entry
            self._size += entry.size
            while self._size > self.max_bytes and self._entries:
                _, dropped = self._entries.popitem(last=False)
                self._size -= dropped.size

    def clear(self) -> None:
        """Forget every entry."""
        with self._lock:
            self._entries.clear()
            self._size = 0
