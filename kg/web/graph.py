"""The served graph: one read-only Oxigraph store per process, swapped when a build finishes.

Every request asks :meth:`ServedGraph.current`; it re-reads the store's ``CURRENT`` pointer
(one small file read) and, when a build has sealed a new generation, opens that generation
read-only and drops its reference to the old one. Requests still streaming from the old
generation keep their own reference, so a swap never cuts a response short. The store is
opened lazily, on the first request, so a server that forks workers after creating the app
never shares a RocksDB handle across processes.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

from flask import current_app
from pyoxigraph import Store
from werkzeug.exceptions import ServiceUnavailable

from kg.store import GenerationStore, StoreError

log = logging.getLogger("kg.web")


@dataclass(frozen=True)
class Served:
    """A generation name and the read-only store opened on it."""

    generation: str
    store: Store


class ServedGraph:
    """Hands out the store of the generation currently being served."""

    def __init__(self, store_dir: str) -> None:
        self.generations = GenerationStore(store_dir)
        self._lock = threading.Lock()
        self._served: Served | None = None

    def current(self) -> Served:
        """The served generation, (re)opened if a build switched ``CURRENT`` since the last call.

        Raises 503 Service Unavailable (the details go to the log, not to the client).
        """
        try:
            name = self.generations.current_name()
        except StoreError as err:
            log.error("cannot read the served generation: %s", err)
            raise ServiceUnavailable("the graph store is unavailable (see the server log)") from None
        if name is None:
            raise ServiceUnavailable("no graph built yet: run `kg build`, then retry")
        with self._lock:
            if self._served is None or self._served.generation != name:
                self._served = Served(name, self._open(name))
            return self._served

    def _open(self, name: str) -> Store:
        try:
            return Store.read_only(str(self.generations.generations / name))
        except OSError as err:
            log.error("cannot open generation %s of %s: %s", name, self.generations.path, err)
            raise ServiceUnavailable("the graph store is unavailable (see the server log)") from None


def current() -> Served:
    """The served generation for the app handling this request."""
    graph: ServedGraph = current_app.extensions["kg.graph"]
    return graph.current()
