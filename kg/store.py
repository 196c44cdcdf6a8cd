"""The graph store: embedded Oxigraph on disk as a series of sealed generations.

Layout of a store directory::

    CURRENT                 name of the generation being served (replaced atomically)
    generations/gen-000007  a sealed Oxigraph (RocksDB) store, never written again
    generations/gen-000008.tmp   a build in progress (removed if the build dies)
    build.lock              held by the one process allowed to build

A build checkpoints the current generation (``Store.backup`` hard-links RocksDB files, so
this is cheap), applies its per-article changes to the copy, and only then switches
``CURRENT``. Readers open sealed generations read-only, so a build that is killed at any
point leaves the served graph untouched; the next build cleans up and starts over.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from pyoxigraph import NamedNode, Quad, QuerySolutions, RdfFormat, Store, serialize

from kg import iris
from kg.vocab import KGO, PREFIXES

KEEP_GENERATIONS = 2
DUMP_FORMATS: dict[str, RdfFormat] = {
    "ttl": RdfFormat.TURTLE,
    "nt": RdfFormat.N_TRIPLES,
    "nq": RdfFormat.N_QUADS,
    "trig": RdfFormat.TRIG,
}
QUAD_FORMATS = {"nq", "trig"}
_HASHES = f"""SELECT ?id ?hash WHERE {{ GRAPH ?g {{ ?a <{KGO.inputHash}> ?hash ;
  <http://purl.org/dc/terms/identifier> ?id }} FILTER(STRSTARTS(STR(?g), "{iris.GRAPH_BASE}article/")) }}"""


class StoreError(RuntimeError):
    """The store cannot be opened or updated; the message says why."""


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class Writer:
    """Changes to an unsealed generation. Obtained from :meth:`GenerationStore.update`."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.changed = 0

    def close(self) -> None:
        """Drop the store handle so RocksDB closes even if the caller keeps the Writer."""
        self.store = None  # type: ignore[assignment]

    def article_hashes(self) -> dict[str, str]:
        """Article id → content hash of every article graph in the store."""
        return {row["id"].value: row["hash"].value for row in self.store.query(_HASHES)}

    def replace_graph(self, graph_iri: str, quads: Iterable[Quad]) -> None:
        """Drop the named graph and write ``quads`` in its place."""
        graph = NamedNode(graph_iri)
        if self.store.contains_named_graph(graph):
            self.store.remove_graph(graph)
        self.store.bulk_extend(quads)
        self.changed += 1

    def remove_graph(self, graph_iri: str) -> None:
        """Drop a named graph if it exists."""
        graph = NamedNode(graph_iri)
        if self.store.contains_named_graph(graph):
            self.store.remove_graph(graph)
            self.changed += 1


class GenerationStore:
    """A directory of sealed Oxigraph generations with an atomic ``CURRENT`` pointer."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.generations = self.path / "generations"

    # -- reading -------------------------------------------------------------------------
    def current_name(self) -> str | None:
        """Name of the served generation, or None when nothing was ever built."""
        try:
            name = (self.path / "CURRENT").read_text(encoding="ascii").strip()
        except FileNotFoundError:
            return None
        if not name or not (self.generations / name).is_dir():
            raise StoreError(f"{self.path}: CURRENT points to missing generation {name!r}")
        return name

    def exists(self) -> bool:
        return self.current_name() is not None

    def open_read(self) -> Store:
        """The served generation, opened read-only."""
        name = self.current_name()
        if name is None:
            raise StoreError(f"{self.path}: no graph built yet (run `kg build --store {self.path}`)")
        try:
            return Store.read_only(str(self.generations / name))
        except OSError as err:
            raise StoreError(f"{self.path}: cannot open generation {name}: {err}") from None

    # -- writing -------------------------------------------------------------------------
    @contextlib.contextmanager
    def _lock(self) -> Iterator[None]:
        self.path.mkdir(parents=True, exist_ok=True)
        with open(self.path / "build.lock", "w") as fh:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise StoreError(f"{self.path}: another build is running on this store") from None
            yield

    def _next_name(self) -> str:
        numbers = [int(p.name[4:10]) for p in self.generations.glob("gen-*") if p.name[4:10].isdigit()]
        return f"gen-{max(numbers, default=0) + 1:06d}"

    def _clean_unsealed(self) -> None:
        for stale in self.generations.glob("*.tmp"):
            shutil.rmtree(stale, ignore_errors=True)

    def _prune(self, keep: str) -> None:
        sealed = sorted(p for p in self.generations.glob("gen-*") if not p.name.endswith(".tmp"))
        for old in sealed[:-KEEP_GENERATIONS]:
            if old.name != keep:
                shutil.rmtree(old, ignore_errors=True)

    def _switch(self, name: str) -> None:
        tmp = self.path / "CURRENT.tmp"
        with open(tmp, "w", encoding="ascii") as fh:
            fh.write(name + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.path / "CURRENT")
        _fsync_dir(self.path)

    @contextlib.contextmanager
    def update(self) -> Iterator[Writer]:
        """Open a new generation for writing; seal and serve it only if the block succeeds.

        Yields a :class:`Writer`. If nothing changed, the new generation is thrown away and
        the served one stays as it is.
        """
        with self._lock():
            self.generations.mkdir(parents=True, exist_ok=True)
            self._clean_unsealed()
            name = self._next_name()
            work = self.generations / (name + ".tmp")
            current = self.current_name()
            if current is None:
                store = Store(str(work))
            else:
                Store.read_only(str(self.generations / current)).backup(str(work))
                store = Store(str(work))
            writer = Writer(store)
            try:
                yield writer
                store.flush()
            except BaseException:
                writer.close()
                del store
                shutil.rmtree(work, ignore_errors=True)
                raise
            changed = writer.changed
            writer.close()
            del store
            if not changed and current is not None:
                shutil.rmtree(work, ignore_errors=True)
                return
            final = self.generations / name
            os.replace(work, final)
            _fsync_dir(self.generations)
            self._switch(name)
            self._prune(keep=name)


def count_quads(store: Store) -> int:
    """Number of quads in the whole dataset (one COUNT query)."""
    result = store.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert isinstance(result, QuerySolutions)
    return int(next(iter(result))["n"].value)


def dump(store: Store, fmt: str, output: BinaryIO) -> None:
    """Write the graph to ``output``: quads with their graphs for nq/trig, the merged triples otherwise."""
    if fmt not in DUMP_FORMATS:
        raise StoreError(f"unknown dump format {fmt!r}; choose one of {', '.join(DUMP_FORMATS)}")
    prefixes = PREFIXES if fmt in ("ttl", "trig") else None
    if fmt in QUAD_FORMATS:
        store.dump(output, DUMP_FORMATS[fmt], prefixes=prefixes)
        return
    triples = store.query("CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")
    serialize(triples, output, DUMP_FORMATS[fmt], prefixes=prefixes)
