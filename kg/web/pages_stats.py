"""Facts about the served generation that are costly to compute, cached per generation.

A generation is sealed, so anything computed from it stays true until the next build.
The home page's counts (:func:`kg.stats.graph_stats`) and the dump sizes of the dumps page
are computed once per process and generation. Dump sizes are measured by serialising each
dump format into a counting sink in a background thread (the same code the dump URLs
stream); a page waits briefly and otherwise says they are being measured. Canned-query
results shown on the pages are cached the same way (at most ``MAX_ENTRIES`` entries).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flask import current_app

from kg import backends
from kg.stats import graph_stats
from kg.web import graph
from kg.web.graph import Served, ServedGraph

log = logging.getLogger("kg.web")
DUMP_FORMATS = ("ttl", "nt", "nq", "trig")
MAX_ENTRIES = 64
_lock = threading.Lock()
_cache: dict[tuple[str, str, str], Any] = {}
_running: dict[tuple[str, str, str], threading.Thread] = {}


def _key(what: str) -> tuple[str, str, str]:
    served_graph: ServedGraph = current_app.extensions["kg.graph"]
    return (str(served_graph.generations.path), graph.current().generation, what)


def cached(what: str, compute: Callable[[Served], Any]) -> Any:
    """``compute(served)`` once per store, generation and ``what``."""
    key = _key(what)
    with _lock:
        if key in _cache:
            return _cache[key]
    value = compute(graph.current())
    with _lock:
        _put(key, value)
    return value


def _put(key: tuple[str, str, str], value: Any) -> None:
    """Cache ``value``, forgetting other generations of the same store and the oldest entries."""
    for old in [k for k in _cache if k[0] == key[0] and k[1] != key[1]]:
        del _cache[old]
    _cache[key] = value
    while len(_cache) > MAX_ENTRIES:
        del _cache[next(iter(_cache))]


def home_stats() -> dict[str, int | str | None]:
    """Counts and date range of the served graph."""
    return cached("stats", lambda served: graph_stats(served.store))


class _Counter:
    """A write-only file that counts bytes and newlines."""

    def __init__(self) -> None:
        self.bytes = 0
        self.lines = 0

    def write(self, data: bytes) -> int:
        self.bytes += len(data)
        self.lines += data.count(b"\n")
        return len(data)

    def flush(self) -> None:
        """Nothing to flush."""


@dataclass(frozen=True)
class DumpInfo:
    """Size of one dump format and how many triples (or quads) it holds."""

    ext: str
    bytes: int
    statements: int


def _measure(served: Served) -> dict[str, DumpInfo]:
    sizes: dict[str, _Counter] = {}
    for ext in DUMP_FORMATS:
        sizes[ext] = _Counter()
        backends.dump(served.store, ext, sizes[ext])
    counts = {"ttl": sizes["nt"].lines, "nt": sizes["nt"].lines, "nq": sizes["nq"].lines, "trig": sizes["nq"].lines}
    return {ext: DumpInfo(ext, sizes[ext].bytes, counts[ext]) for ext in DUMP_FORMATS}


def dump_sizes(wait: float = 3.0) -> dict[str, DumpInfo] | None:
    """Sizes of the dumps of the served generation; None while they are still being measured."""
    key = _key("dumps")
    served = graph.current()
    with _lock:
        if key in _cache:
            return _cache[key]  # type: ignore[no-any-return]
        thread = _running.get(key)
        if thread is None:
            def run() -> None:
                try:
                    value = _measure(served)
                except Exception:  # logged; the page then says the sizes are unknown
                    log.exception("measuring the dumps failed")
                    value = {}
                with _lock:
                    _put(key, value)
                    _running.pop(key, None)
            thread = threading.Thread(target=run, name="kg-dump-sizes", daemon=True)
            _running[key] = thread
            thread.start()
    thread.join(wait)
    with _lock:
        return _cache.get(key)  # type: ignore[no-any-return]


def built_at() -> datetime | None:
    """When the served generation was switched in (the mtime of ``CURRENT``), in UTC."""
    served_graph: ServedGraph = current_app.extensions["kg.graph"]
    try:
        mtime = (Path(served_graph.generations.path) / "CURRENT").stat().st_mtime
    except OSError:
        return None
    return datetime.fromtimestamp(mtime, UTC)
