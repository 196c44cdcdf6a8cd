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
import itertools
import os
import queue
import re
import shutil
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from pyoxigraph import DefaultGraph, NamedNode, Quad, QuerySolutions, RdfFormat, Store, parse, serialize

from kg import iris
from kg.vocab import KGO, PREFIXES

DUMP_FORMATS: dict[str, RdfFormat] = {
    "ttl": RdfFormat.TURTLE,
    "nt": RdfFormat.N_TRIPLES,
    "nq": RdfFormat.N_QUADS,
    "trig": RdfFormat.TRIG,
}
QUAD_FORMATS = {"nq", "trig"}
ARTICLE_HASHES_QUERY = f"""SELECT ?id ?hash WHERE {{ GRAPH ?g {{ ?a <{KGO.inputHash}> ?hash ;
  <http://purl.org/dc/terms/identifier> ?id }} FILTER(STRSTARTS(STR(?g), "{iris.GRAPH_BASE}article/")) }}"""
_INPUT_HASH = NamedNode(str(KGO.inputHash))
_IDENTIFIER = NamedNode("http://purl.org/dc/terms/identifier")


class StoreError(RuntimeError):
    """The store cannot be opened or updated; the message says why."""


_GENERATION = re.compile(r"gen-([0-9]{6,})")
# How long a replaced generation stays on disk for servers still reading it; longer than
# any query timeout.
RETIRED_GRACE_SECONDS = 600.0
# Quads a Writer keeps pending (as N-Quads bytes, ~200 B a quad) before one Store.bulk_load, which
# parses them in Rust. Oxigraph's bulk loader cuts its own input into batches of this size.
BATCH_QUADS = 1_000_000
# Writer.replace_graphs cuts its graphs into bulk_loads of about this many quads, LOAD_THREADS at
# once: on 1M quads, 2 threads of 125k-quad chunks took 13.6 s where one bulk_load took 24.1 s
# (one load parses, then sorts and writes; two overlap). The last chunk is what is still to be
# written when a build's extraction ends.
CHUNK_QUADS = 200_000
LOAD_THREADS = 2
# An update that wrote at least this many quads is followed by a compacted copy (Store.optimize()),
# served after it: compaction costs 30-45% of the write time; queries are 1.5-2.3x faster afterwards
# (3M quads streamed into one bulk_load; bulk_load leaves each batch's files on their own level).
# Smaller updates skip it, so the generation keeps sharing most of its files (hard links) with the
# one it replaces.
OPTIMIZE_QUADS = 200_000
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

    Graph writes go through ``Store.bulk_load``, so Oxigraph parses them in Rust and writes a few
    new RocksDB files per batch instead of per graph (a per-graph writer was slow and left
    thousands of files that slow queries down). :meth:`replace_graphs` streams a sequence of
    graphs into one ``bulk_load``, which parses the next batch while it writes the last (as it
    does for one big file). :meth:`replace_graph` removes the old graph at once but keeps the new
    one as N-Quads bytes until about ``batch_quads`` are pending, then writes them all. The
    generation is unsealed until the update ends, so a write that fails half-way is thrown away
    with it. Reads through the Writer see pending graphs; ``writer.store`` writes pending graphs
    out first, so direct use of the store sees every change made so far.

    An OSError from the store (disk full, I/O error) comes out as a :class:`StoreError`.
    """

    def __init__(self, store: Store, failure: Callable[[OSError], StoreError] | None = None,
                 batch_quads: int = BATCH_QUADS) -> None:
        self._store: Store | None = store
        self.changed = 0
        self.written = 0  # quads written or pending, for :meth:`GenerationStore.update`'s compaction rule
        self.batch_quads = batch_quads
        self.chunk_quads = CHUNK_QUADS
        self._pending: dict[str, tuple[bytes, int]] = {}  # graph IRI -> (its N-Quads, how many lines)
        self._pending_quads = 0
        self._failure = failure or (lambda err: write_failure(err, "writing the store"))

    @property
    def store(self) -> Store:
        """The generation's Oxigraph store, with every pending graph written to it."""
        self.flush_pending()
        return self._store  # type: ignore[return-value]

    @store.setter
    def store(self, store: Store) -> None:
        self._store = store

    def close(self) -> None:
        """Forget pending quads and drop the store handle so RocksDB closes even if the caller keeps the Writer."""
        self._pending.clear()
        self._pending_quads = 0
        self._store = None

    def flush_pending(self) -> None:
        """Write the pending graphs with one ``bulk_load``."""
        if not self._pending:
            return
        data = b"".join(graph for graph, _ in self._pending.values())
        self._pending.clear()  # so the graphs are in memory once while Oxigraph loads them
        self._pending_quads = 0
        try:
            self._store.bulk_load(data, RdfFormat.N_QUADS)  # type: ignore[union-attr]
        except OSError as err:
            raise self._failure(err) from None

    def article_hashes(self) -> dict[str, str]:
        """Article id → content hash of every article graph in the store."""
        self.flush_pending()
        store = self._store
        assert store is not None
        # What ARTICLE_HASHES_QUERY asks, by two index lookups: ~40% faster than the query planner's join.
        found: dict[str, str] = {}
        try:
            for quad in store.quads_for_pattern(None, _INPUT_HASH, None, None):
                graph = quad.graph_name
                if isinstance(graph, NamedNode) and iris.article_id_of_graph(graph.value) is not None:
                    for ident in store.quads_for_pattern(quad.subject, _IDENTIFIER, None, graph):
                        found[ident.object.value] = quad.object.value
        except OSError as err:
            raise self._failure(err) from None
        return found

    def graph_hash(self, graph_iri: str) -> str | None:
        """The ``kgo:inputHash`` the named graph records about itself, if any."""
        graph, hash_iri = NamedNode(graph_iri), NamedNode(str(KGO.inputHash))
        if graph_iri in self._pending:  # parsed again only here, for the few graphs read back
            return next((q.object.value for q in parse(self._pending[graph_iri][0], format=RdfFormat.N_QUADS)
                         if q.subject == graph and q.predicate == hash_iri), None)
        try:
            for quad in self._store.quads_for_pattern(graph, hash_iri, None, graph):  # type: ignore[union-attr]
                return quad.object.value
        except OSError as err:
            raise self._failure(err) from None
        return None

    def replace_graph(self, graph_iri: str, quads: Iterable[Quad] | bytes) -> None:
        """Drop the named graph and write ``quads`` (all in that graph) in its place.

        ``quads`` may also be the graph as N-Quads bytes (what ``pyoxigraph.serialize`` writes, as
        ``kg build`` workers send it): kept as it is, and parsed only by Oxigraph when written.
        Oxigraph names blank nodes afresh in each batch (a label is one node within a batch), so
        graphs must not share blank nodes; kg's never do.
        """
        data, lines = self._replacing(graph_iri, quads)
        self._pending[graph_iri] = (data, lines)
        self._pending_quads += lines
        if self._pending_quads >= self.batch_quads:
            self.flush_pending()

    def replace_graphs(self, graphs: Iterable[tuple[str, Iterable[Quad] | bytes]]) -> None:
        """:meth:`replace_graph` for each (graph IRI, quads) pair, in chunks loaded while more come.

        ``graphs`` is consumed here (a generator may do the work that makes each graph); every
        ``chunk_quads`` quads go to one of ``LOAD_THREADS`` threads as one ``bulk_load`` of
        N-Quads bytes. Oxigraph releases the GIL while it parses, sorts and writes a chunk, so
        this runs on another core while the next graphs are made, two chunks load at once, and
        only the last chunk is left to write when the graphs end. An exception from ``graphs``
        ends the update and comes out as it is (after the chunks being loaded are done). Each
        graph may come once: its quads may still be loading when a second copy would replace
        them. A blank node label names one node within a chunk (kg's graphs have none in common).
        """
        self.flush_pending()
        loader = _ChunkLoader(self._store, LOAD_THREADS)  # type: ignore[arg-type]
        seen: set[str] = set()
        chunk: list[bytes] = []
        size = 0
        try:
            for graph_iri, quads in graphs:
                if graph_iri in seen:
                    raise ValueError(f"graph <{graph_iri}> given twice to one replace_graphs call")
                seen.add(graph_iri)
                data, lines = self._replacing(graph_iri, quads)
                chunk.append(data)
                size += lines
                if size >= self.chunk_quads:
                    if not loader.put(b"".join(chunk)):
                        break  # a load failed: said below
                    chunk, size = [], 0
            else:
                if chunk:
                    loader.put(b"".join(chunk))
        finally:
            failure = loader.close()
        if isinstance(failure, OSError):
            raise self._failure(failure) from None
        if failure is not None:
            raise failure

    def _replacing(self, graph_iri: str, quads: Iterable[Quad] | bytes) -> tuple[bytes, int]:
        """Drop the graph; its new N-Quads and their line count, counted as written."""
        self._drop(graph_iri)
        data = quads if isinstance(quads, bytes) else serialize(quads, format=RdfFormat.N_QUADS) or b""
        lines = data.count(b"\n")
        self.written += lines
        self.changed += 1
        return data, lines

    def remove_graph(self, graph_iri: str) -> None:
        """Drop a named graph if it exists."""
        if self._drop(graph_iri):
            self.changed += 1

    def _drop(self, graph_iri: str) -> bool:
        """Remove the graph from the pending batch and from the store; whether it was there."""
        pending = self._pending.pop(graph_iri, None)
        if pending is not None:
            self._pending_quads -= pending[1]
        graph = NamedNode(graph_iri)
        try:
            stored = self._store.contains_named_graph(graph)  # type: ignore[union-attr]
            if stored:
                self._store.remove_graph(graph)  # type: ignore[union-attr]
        except OSError as err:
            raise self._failure(err) from None
        return stored or pending is not None


class _ChunkLoader:
    """Threads that ``bulk_load`` N-Quads chunks into one store, as many at once as there are threads.

    ``put`` waits while every thread is busy and one chunk is queued (memory stays bounded).
    The first error a load raises stops the loading; ``close`` waits for the threads and
    returns it.
    """

    def __init__(self, store: Store, threads: int) -> None:
        self._store = store
        self._queue: queue.Queue[bytes | None] = queue.Queue(maxsize=1)
        self.error: BaseException | None = None
        self._threads = [threading.Thread(target=self._run, name=f"kg-load-{i}", daemon=True) for i in range(threads)]
        for thread in self._threads:
            thread.start()

    def _run(self) -> None:
        while (data := self._queue.get()) is not None:
            if self.error is None:
                try:
                    self._store.bulk_load(data, RdfFormat.N_QUADS)
                except BaseException as err:  # handed to the caller by close()
                    self.error = self.error or err

    def put(self, data: bytes) -> bool:
        """Queue one chunk; False (and nothing queued) once a load has failed."""
        if self.error is not None:
            return False
        self._queue.put(data)
        return True

    def close(self) -> BaseException | None:
        """Wait for the queued chunks to be loaded and the threads to end; the first error, if any."""
        for _ in self._threads:
            self._queue.put(None)
        for thread in self._threads:
            thread.join()
        return self.error


class GenerationStore:
    """A directory of sealed Oxigraph generations with an atomic ``CURRENT`` pointer."""

    def __init__(self, path: str | os.PathLike[str], grace_seconds: float = RETIRED_GRACE_SECONDS) -> None:
        self.path = Path(path)
        self.generations = self.path / "generations"
        self.retired = self.path / "retired"
        self.grace_seconds = grace_seconds
        # The last update: when its graph was first served (time.perf_counter()), and its
        # compaction's time, or why there was none although it was due (None: not due).
        self.served_at: float | None = None
        self.compaction_seconds: float | None = None
        self.compaction_problem: str | None = None

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

    def has_pointer(self) -> bool:
        """Whether ``CURRENT`` is there, unread (cheap; :meth:`exists` also checks what it names)."""
        return (self.path / "CURRENT").is_file()

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
        the next build removes ``*.tmp`` leftovers and unserved generations (before it writes,
        with the replaced generations past their grace). Running out of
        disk space (or any other OSError from the store) raises :class:`StoreError`, after
        the unsealed generation is removed.

        An update that wrote ``OPTIMIZE_QUADS`` or more is then compacted (:meth:`_compact`)
        while the new graph is already being served.
        """
        self.compaction_seconds = self.compaction_problem = self.served_at = None
        with self._lock():
            try:
                self.generations.mkdir(parents=True, exist_ok=True)
                self._clean_unsealed()
                current = self.current_name()
                name = self._next_name()  # before pruning: a name is never used twice
                # Generations past their grace go first: their space is free for the new one, and a
                # small update does not wait for a big deletion after its switch.
                with contextlib.suppress(OSError):  # as after the switch: a failed removal is retried next time
                    self._prune(keep={current} if current else set())
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
                writer.flush_pending()
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
            self._serve(work, name, current)
            self.served_at = time.perf_counter()
            if writer.written >= OPTIMIZE_QUADS:
                self._compact(name)

    def _serve(self, work: Path, name: str, current: str | None) -> None:
        """Seal the written generation ``work`` as ``name`` and switch ``CURRENT`` from ``current`` to it."""
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

    def _compact(self, served: str) -> None:
        """Serve a compacted copy of the just-served generation ``served`` (why: ``OPTIMIZE_QUADS``).

        The new graph is served first, uncompacted; then a checkpoint of it (hard links) is
        compacted, sealed and switched in like any generation. A failure or Ctrl-C here
        leaves ``served`` served as it is and says why in ``compaction_problem``: nothing the
        build wrote is lost.
        """
        name = self._next_name()
        work = self.generations / (name + ".tmp")
        started = time.perf_counter()
        try:
            self._compacted_copy(served, work)
            self._serve(work, name, served)
        except (OSError, StoreError, KeyboardInterrupt) as err:
            self._discard(work)
            if isinstance(err, KeyboardInterrupt):
                self.compaction_problem = "compaction interrupted"
            elif isinstance(err, OSError):
                self.compaction_problem = str(write_failure(err, f"compacting {served} into {name}", str(self.path)))
            else:
                self.compaction_problem = str(err)
            return
        self.compaction_seconds = time.perf_counter() - started

    def _compacted_copy(self, served: str, work: Path) -> None:
        """Checkpoint ``served`` to ``work`` and compact it there (closed on return, even on failure)."""
        store = self._checkpoint(served, work)
        try:
            store.optimize()
            store.flush()
        finally:
            del store  # closes it, even while a traceback holds this frame


def count_quads(store: Store) -> int:
    """Number of quads in the whole dataset (one COUNT query)."""
    result = store.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert isinstance(result, QuerySolutions)
    return int(next(iter(result))["n"].value)


class _OnePrefixHeader:
    """Passes writes on to ``output``, minus the ``@prefix`` lines that ``Store.dump`` starts each
    graph's Turtle with, except for the first graph that has any triples."""

    def __init__(self, output: BinaryIO) -> None:
        self.output = output
        self.started = False  # something (so the prefix lines) has been written
        self.head: bytes | None = None  # the start of this graph, until its prefix lines are skipped

    def next_graph(self) -> None:
        self.end_graph()
        self.head = b"" if self.started else None

    def end_graph(self) -> None:
        if self.head:  # a graph that ended with what looked like the start of a prefix line
            self.output.write(self.head)
        self.head = None

    def write(self, data: bytes) -> int:
        size = len(data)
        if self.head is not None:
            head = self.head + bytes(data)
            while head.startswith(b"@prefix "):
                end = head.find(b"\n")
                if end < 0:
                    break
                head = head[end + 1:]
            if head.startswith(b"@prefix ") or b"@prefix ".startswith(head):  # need more bytes to decide
                self.head = head
                return size
            data, self.head = head, None
        if data:
            self.output.write(data)
            self.started = True
        return size

    def flush(self) -> None:
        """Nothing: the output is flushed by its owner (and a pending head must not leak out early)."""


def dump(store: Store, fmt: str, output: BinaryIO) -> None:
    """Write the graph to ``output``: quads with their graphs for nq/trig, the merged triples otherwise.

    Everything is streamed by Oxigraph, so memory stays flat whatever the size of the graph.
    The merged triples are written graph after graph (default graph first): a triple stated in
    several graphs (an entity's label in every article that mentions it) is written once per
    graph. That is legal, since a graph is a set, at the price of a bigger file; removing the
    duplicates would need memory that grows with the graph.
    """
    if fmt not in DUMP_FORMATS:
        raise StoreError(f"unknown dump format {fmt!r}; choose one of {', '.join(DUMP_FORMATS)}")
    prefixes = PREFIXES if fmt in ("ttl", "trig") else None
    if fmt in QUAD_FORMATS:
        store.dump(output, DUMP_FORMATS[fmt], prefixes=prefixes)
        return
    sink = _OnePrefixHeader(output)
    for graph in itertools.chain([DefaultGraph()], store.named_graphs()):
        sink.next_graph()
        store.dump(sink, DUMP_FORMATS[fmt], from_graph=graph, prefixes=prefixes)
    sink.end_graph()
