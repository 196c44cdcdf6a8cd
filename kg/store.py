"""The graph store: embedded Oxigraph on disk as a series of sealed generations.

Layout of a store directory::

    CURRENT                 name of the generation being served (replaced atomically)
    generations/gen-000007  a sealed Oxigraph (RocksDB) store, never written again
    generations/gen-000008.tmp   a build in progress (removed if the build dies)
    retired/gen-000006      marker: when gen-000006 stopped being served (its mtime)
    build.lock              held by the one process allowed to build

A build checkpoints the current generation (``Store.backup`` hard-links RocksDB files, so
this is cheap), applies its per-article changes to the copy, and only then switches
``CURRENT``. Readers open sealed generations read-only, so a build that is killed at any
point leaves the served graph untouched; the next build cleans up and starts over. After a
switch, the new generation and the one it replaced are kept, and so is any generation
retired less than ``RETIRED_GRACE_SECONDS`` ago (servers may still be reading it); older
ones, and generations sealed by a build killed before its switch, are removed. Running
out of disk space is a :class:`StoreError`, never a half-written generation.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import re
import shutil
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from pyoxigraph import NamedNode, Quad, QuerySolutions, RdfFormat, Store, serialize

from kg import iris
from kg.vocab import KGO, PREFIXES

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


_GENERATION = re.compile(r"gen-([0-9]{6,})")
# How long a replaced generation stays on disk for servers still reading it; longer than
# any query timeout.
RETIRED_GRACE_SECONDS = 600.0
# (errno, strerror, what it means) for the write failures that mean "out of space".
_SPACE_ERRORS = (
    (errno.ENOSPC, "No space left on device", "disk full"),
    (errno.EDQUOT, "Disk quota exceeded", "disk quota exceeded"),
    (errno.EFBIG, "File too large", "file size limit reached"),
)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_tree(path: Path) -> None:
    """fsync every file of a generation and the folder itself (cheap for unchanged hard links)."""
    for child in path.iterdir():
        if child.is_file():
            fd = os.open(child, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
    _fsync_dir(path)


def write_failure(err: OSError, action: str, where: str = "") -> StoreError:
    """A StoreError for an OSError (Python's or RocksDB's) met while ``action``.

    >>> str(write_failure(OSError("IO error: No space left on device: While appending"), "writing gen-000002"))
    'disk full while writing gen-000002: No space left on device'
    """
    text = str(err)
    prefix = f"{where}: " if where else ""
    for code, phrase, meaning in _SPACE_ERRORS:
        if err.errno == code or phrase in text:
            return StoreError(f"{prefix}{meaning} while {action}: {phrase}")
    return StoreError(f"{prefix}failed while {action}: {text}")


class Writer:
    """Changes to an unsealed generation. Obtained from :meth:`GenerationStore.update`.

    An OSError from the store (disk full, I/O error) comes out as a :class:`StoreError`.
    """

    def __init__(self, store: Store, failure: Callable[[OSError], StoreError] | None = None) -> None:
        self.store = store
        self.changed = 0
        self._failure = failure or (lambda err: write_failure(err, "writing the store"))

    def close(self) -> None:
        """Drop the store handle so RocksDB closes even if the caller keeps the Writer."""
        self.store = None  # type: ignore[assignment]

    def article_hashes(self) -> dict[str, str]:
        """Article id → content hash of every article graph in the store."""
        try:
            return {row["id"].value: row["hash"].value for row in self.store.query(_HASHES)}
        except OSError as err:
            raise self._failure(err) from None

    def graph_hash(self, graph_iri: str) -> str | None:
        """The ``kgo:inputHash`` the named graph records about itself, if any."""
        graph = NamedNode(graph_iri)
        try:
            for quad in self.store.quads_for_pattern(graph, NamedNode(str(KGO.inputHash)), None, graph):
                return quad.object.value
        except OSError as err:
            raise self._failure(err) from None
        return None

    def replace_graph(self, graph_iri: str, quads: Iterable[Quad]) -> None:
        """Drop the named graph and write ``quads`` in its place."""
        graph = NamedNode(graph_iri)
        try:
            if self.store.contains_named_graph(graph):
                self.store.remove_graph(graph)
            self.store.bulk_extend(quads)
        except OSError as err:
            raise self._failure(err) from None
        self.changed += 1

    def remove_graph(self, graph_iri: str) -> None:
        """Drop a named graph if it exists."""
        graph = NamedNode(graph_iri)
        try:
            if self.store.contains_named_graph(graph):
                self.store.remove_graph(graph)
                self.changed += 1
        except OSError as err:
            raise self._failure(err) from None


class GenerationStore:
    """A directory of sealed Oxigraph generations with an atomic ``CURRENT`` pointer."""

    def __init__(self, path: str | os.PathLike[str], grace_seconds: float = RETIRED_GRACE_SECONDS) -> None:
        self.path = Path(path)
        self.generations = self.path / "generations"
        self.retired = self.path / "retired"
        self.grace_seconds = grace_seconds

    # -- reading -------------------------------------------------------------------------
    def current_name(self) -> str | None:
        """Name of the served generation, or None when nothing was ever built."""
        try:
            name = (self.path / "CURRENT").read_bytes().decode("ascii").strip()
        except FileNotFoundError:
            return None
        except (OSError, UnicodeDecodeError) as err:
            raise StoreError(f"{self.path}: cannot read CURRENT: {err}") from None
        if not _GENERATION.fullmatch(name) or not (self.generations / name).is_dir():
            raise StoreError(f"{self.path}: CURRENT points to missing generation {name!r}")
        return name

    def exists(self) -> bool:
        """Whether a generation has been built and is being served."""
        return self.current_name() is not None

    def open_read(self) -> Store:
        """The served generation, opened read-only.

        If a build switches and prunes generations between reading ``CURRENT`` and opening
        the generation, the open is retried on the new ``CURRENT``.
        """
        for _ in range(5):
            name = self.current_name()
            if name is None:
                raise StoreError(f"{self.path}: no graph built yet (run `kg build --store {self.path}`)")
            try:
                return Store.read_only(str(self.generations / name))
            except OSError as err:
                try:
                    moved = self.current_name() != name
                except StoreError:
                    moved = False
                if not moved:
                    raise StoreError(f"{self.path}: cannot open generation {name}: {err}") from None
        raise StoreError(f"{self.path}: the served generation keeps changing; retry")

    # -- writing -------------------------------------------------------------------------
    @contextlib.contextmanager
    def _lock(self) -> Iterator[None]:
        try:
            self.path.mkdir(parents=True, exist_ok=True)
            fh = open(self.path / "build.lock", "a")  # noqa: SIM115 - closed below
        except OSError as err:
            raise StoreError(f"{self.path}: cannot create the store: {err.strerror or err}") from None
        with fh:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise StoreError(f"{self.path}: another build is running on this store") from None
            yield

    def _numbers(self) -> list[int]:
        return [int(m.group(1)) for p in self.generations.iterdir() if (m := _GENERATION.match(p.name))]

    def _next_name(self) -> str:
        return f"gen-{max(self._numbers(), default=0) + 1:06d}"

    def _discard(self, path: Path) -> None:
        """Remove a generation folder; rename it to ``*.tmp`` first so a half-removed one never looks sealed."""
        if not path.name.endswith(".tmp") and path.exists():
            trash = path.with_name(path.name + ".old.tmp")
            with contextlib.suppress(OSError):
                os.replace(path, trash)
                path = trash
        shutil.rmtree(path, ignore_errors=True)

    def _clean_unsealed(self) -> None:
        """Remove what killed builds left: unsealed generations, checkpoint staging, CURRENT.tmp."""
        for stale in self.generations.glob("*.tmp"):
            shutil.rmtree(stale, ignore_errors=True)
        with contextlib.suppress(FileNotFoundError):
            (self.path / "CURRENT.tmp").unlink()

    def _retire(self, name: str) -> None:
        """Note that ``name`` is about to stop being served (the marker's mtime says when)."""
        self.retired.mkdir(exist_ok=True)
        (self.retired / name).touch()

    def _prune(self, keep: set[str]) -> None:
        """Remove the sealed generations that no reader can still be using.

        ``keep`` (the new generation and the one it replaced) stays, and so does any
        generation retired less than ``grace_seconds`` ago: a server may still be answering
        a query from it, and Oxigraph does not fail cleanly on a store whose files were
        deleted under it (a query can spin forever). Generations that were never served
        (sealed by a build killed before its switch) go at once.
        """
        now = time.time()
        for path in sorted(self.generations.iterdir()):
            if not _GENERATION.fullmatch(path.name) or path.name in keep:
                continue
            marker = self.retired / path.name
            try:
                if now - marker.stat().st_mtime < self.grace_seconds:
                    continue
            except FileNotFoundError:
                pass
            self._discard(path)
            with contextlib.suppress(FileNotFoundError):
                marker.unlink()
        if self.retired.is_dir():
            for marker in self.retired.iterdir():
                if not (self.generations / marker.name).exists():
                    marker.unlink()

    def _checkpoint(self, current: str | None, work: Path) -> Store:
        """A writable copy of the served generation (or an empty store) at ``work``."""
        if current is not None:
            Store.read_only(str(self.generations / current)).backup(str(work))
        return Store(str(work))

    def _switch(self, name: str) -> None:
        tmp = self.path / "CURRENT.tmp"
        with open(tmp, "w", encoding="ascii") as fh:
            fh.write(name + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.path / "CURRENT")
        # CURRENT now names the new generation; a failing directory sync cannot undo that.
        with contextlib.suppress(OSError):
            _fsync_dir(self.path)

    @contextlib.contextmanager
    def update(self) -> Iterator[Writer]:
        """Open a new generation for writing; seal and serve it only if the block succeeds.

        Yields a :class:`Writer`. If nothing changed, the new generation is thrown away and
        the served one stays as it is. Steps, each safe to be killed at: checkpoint the
        served generation to ``gen-N.tmp``; apply the block's changes; flush; fsync every
        file; rename to ``gen-N``; write and fsync ``CURRENT.tmp``; rename it over
        ``CURRENT``; prune. Until the rename over ``CURRENT`` nothing served changes, and
        the next build removes ``*.tmp`` leftovers and unserved generations. Running out of
        disk space (or any other OSError from the store) raises :class:`StoreError`, after
        the unsealed generation is removed.
        """
        with self._lock():
            try:
                self.generations.mkdir(parents=True, exist_ok=True)
                self._clean_unsealed()
                current = self.current_name()
                name = self._next_name()
            except OSError as err:
                raise write_failure(err, "preparing a new generation", str(self.path)) from None
            work = self.generations / (name + ".tmp")
            try:
                store = self._checkpoint(current, work)
            except OSError as err:
                self._discard(work)
                self._discard(work.with_name(work.name + ".tmp"))
                action = f"copying {current} to generation {name}" if current else f"creating generation {name}"
                raise write_failure(err, action, str(self.path)) from None
            writer = Writer(store, lambda err: write_failure(err, f"writing generation {name}", str(self.path)))
            try:
                yield writer
                changed = bool(writer.changed) or current is None
                if changed:
                    try:
                        store.flush()
                    except OSError as err:
                        raise write_failure(err, f"writing generation {name}", str(self.path)) from None
            except BaseException:
                writer.close()
                store = None
                self._discard(work)
                raise
            writer.close()
            store = None
            if not changed:
                self._discard(work)
                return
            final = self.generations / name
            try:
                _fsync_tree(work)
                os.replace(work, final)
                _fsync_dir(self.generations)
            except OSError as err:
                self._discard(work)
                self._discard(final)
                raise write_failure(err, f"sealing generation {name}", str(self.path)) from None
            try:
                if current is not None:
                    self._retire(current)
                self._switch(name)
            except OSError as err:
                with contextlib.suppress(FileNotFoundError):
                    (self.path / "CURRENT.tmp").unlink()
                if self.current_name() != name:
                    self._discard(final)
                    raise write_failure(err, f"switching to generation {name}", str(self.path)) from None
            with contextlib.suppress(OSError):
                self._prune(keep={name, current or name})


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
