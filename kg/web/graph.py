"""The served graph: the sealed generation named by the store's ``CURRENT`` pointer.

Every request asks :meth:`ServedGraph.current`; it checks ``CURRENT`` (a ``stat``: the file is
re-read only when it changed, see :class:`_Pointer`) and hands out a :class:`StoreHandle` on
that generation. Queries pass the handle to
:func:`kg.web.execute.run_query`, which runs them in worker processes that open the
generation read-only themselves; a switch to a new generation (a build, or a write in
``--writable`` mode) is seen by the next request, while answers already streaming keep
reading the generation they started on. Code that needs the store in this process (dumps,
statistics) uses the handle like a pyoxigraph ``Store``: it opens the generation read-only
here on first use. Nothing is opened before the first request, so a server that forks
workers after creating the app never shares a RocksDB handle across processes.

With a remote store (an ``http(s)://`` URL) the served "generation" is the id of the last
build recorded on the server (:data:`kg.remote.BUILD_GRAPH`, re-read at most once every
``REMOTE_RECHECK_SECONDS``) and the handle is the :class:`kg.remote.RemoteStore` itself:
queries are forwarded to the server (:mod:`kg.web.remote_query`).
"""

from __future__ import annotations

import logging
import os
import threading
import time
from dataclasses import dataclass
from typing import Any

from flask import current_app, has_app_context
from pyoxigraph import Store
from werkzeug.exceptions import NotImplemented as NotImplementedHTTP
from werkzeug.exceptions import ServiceUnavailable

from kg.backends import is_remote
from kg.config import Settings, load_settings
from kg.remote import RemoteOptions, RemoteStore
from kg.store import GenerationStore, StoreError

log = logging.getLogger("kg.web")
#: how long a remote store's build id is trusted before it is asked again
REMOTE_RECHECK_SECONDS = 1.0


class StoreHandle:
    """A sealed generation: its directory, and a read-only ``Store`` opened on first use.

    Attribute access the handle does not define (``query``, ``dump``, ``quads_for_pattern`` …)
    goes to that store, so in-process code can use the handle as a pyoxigraph ``Store``.
    """

    def __init__(self, root: str, generation: str, path: str) -> None:
        self.root = root
        self.generation = generation
        self.path = path
        self._store: Store | None = None
        self._lock = threading.Lock()

    @property
    def store(self) -> Store:
        """The generation opened read-only in this process (503 if it cannot be)."""
        with self._lock:
            if self._store is None:
                try:
                    self._store = Store.read_only(self.path)
                except OSError as err:
                    log.error("cannot open generation %s: %s", self.path, err)
                    raise ServiceUnavailable("the graph store is unavailable (see the server log)") from None
            return self._store

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self.store, name)

    def __repr__(self) -> str:
        return f"<StoreHandle {self.path}>"


@dataclass(frozen=True)
class Served:
    """A generation name and the handle on it (a remote store: its build id and the store)."""

    generation: str
    store: StoreHandle | RemoteStore


_UNAVAILABLE = "the graph store is unavailable (see the server log)"
#: a ``CURRENT`` modified less than this long before it was read is read again next time: file
#: timestamps are coarse (a clock tick), so a rewrite within the same tick could keep its mtime
SETTLE_SECONDS = 0.1


class _Pointer:
    """When ``CURRENT`` was last read: its ``stat`` signature then, if that signature identifies the
    content (so an unchanged signature means an unchanged file, and no read is needed)."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._signature: tuple[int, int, int, int] | None = None

    def stat(self) -> tuple[tuple[int, int, int, int], float] | None:
        """``CURRENT``'s signature and modification time now (None if it cannot be read)."""
        try:
            st = os.stat(self.path)
        except OSError:
            return None
        return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns), st.st_mtime

    def unchanged(self) -> bool:
        """True when ``CURRENT`` is the file last :meth:`remember`-ed (then nothing needs reading)."""
        stat = self.stat()
        return stat is not None and stat[0] == self._signature

    def remember(self, stat: tuple[tuple[int, int, int, int], float] | None) -> None:
        """Trust ``stat`` (taken before reading the content now served) from now on, unless the
        file was too fresh."""
        settled = stat is not None and time.time() - stat[1] > SETTLE_SECONDS
        self._signature = stat[0] if settled and stat is not None else None


class ServedGraph:
    """Hands out the generation currently being served."""

    def __init__(self, store_dir: str) -> None:
        self.remote = is_remote(store_dir)
        self.location = store_dir
        self._store: GenerationStore | RemoteStore | None = None if self.remote else GenerationStore(store_dir)
        self._lock = threading.Lock()
        self._served: Served | None = None
        self._checked = 0.0
        self._pointer = None if self.remote else _Pointer(os.path.join(store_dir, "CURRENT"))

    @property
    def generations(self) -> GenerationStore | RemoteStore:
        """The store: a directory of generations, or a remote server (set up from the app's settings)."""
        if self._store is None:
            self._store = RemoteStore(self.location, RemoteOptions.from_settings(self.location, _settings()))
        return self._store

    @property
    def root(self) -> str:
        """The store directory (what writes in ``--writable`` mode update); 501 for a remote store."""
        if self.remote:
            raise NotImplementedHTTP("this endpoint does not write to a remote store: send writes to the "
                                     "remote server itself")
        return str(self.generations.path)

    def current(self) -> Served:
        """The served generation, as of ``CURRENT`` now (a remote store: as of its build graph).

        Raises 503 Service Unavailable (the details go to the log, not to the client).
        """
        if self.remote:
            return self._current_remote()
        assert isinstance(self.generations, GenerationStore) and self._pointer is not None
        served = self._served
        if served is not None and self._pointer.unchanged():
            return served  # a sealed generation never changes, and CURRENT still names it
        stat = self._pointer.stat()  # before the read: a change after it shows next time
        name = self._current_name("generation", "run `kg build`")
        with self._lock:
            if self._served is None or self._served.generation != name:
                path = str(self.generations.generations / name)
                self._served = Served(name, StoreHandle(self.root, name, path))
            self._pointer.remember(stat)
            return self._served

    def _current_name(self, what: str, how_to_build: str) -> str:
        """The name of what the store serves now; 503 if it cannot be read or nothing was built."""
        try:
            name = self.generations.current_name()
        except StoreError as err:
            log.error("cannot read the served %s: %s", what, err)
            raise ServiceUnavailable(_UNAVAILABLE) from None
        if name is None:
            raise ServiceUnavailable(f"no graph built yet: {how_to_build}, then retry")
        return name

    def _current_remote(self) -> Served:
        with self._lock:
            if self._served is not None and time.monotonic() - self._checked < REMOTE_RECHECK_SECONDS:
                return self._served
        assert isinstance(self.generations, RemoteStore)
        name = self._current_name("build", f"run `kg build --store {self.generations.path}`")
        with self._lock:
            if self._served is None or self._served.generation != name:
                self._served = Served(name, self.generations)
            self._checked = time.monotonic()
            return self._served


def _settings() -> Settings:
    return current_app.config["KG_SETTINGS"] if has_app_context() else load_settings()


def current() -> Served:
    """The served generation for the app handling this request."""
    graph: ServedGraph = current_app.extensions["kg.graph"]
    return graph.current()


def served_graph() -> ServedGraph:
    """The app's :class:`ServedGraph`."""
    return current_app.extensions["kg.graph"]
