"""Two ways to put an N-Quads file into Oxigraph: kg's store writer and pyoxigraph's bulk loader."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import groupby
from pathlib import Path

from pyoxigraph import RdfFormat, Store, parse

from kg.store import GenerationStore


@dataclass(frozen=True)
class LoadResult:
    quads: int
    graphs: int
    seconds: float  # until the store is complete (kg's writer: its compacted copy is served)
    served_seconds: float = 0.0  # kg's writer: until the written generation is served, before compaction
    compaction_seconds: float = 0.0  # kg's writer: of ``seconds``, making and serving the compacted copy


def graph_runs(nquads: Path, chunk: int = 1 << 24) -> Iterator[tuple[str, bytes]]:
    """(graph IRI, its lines) for each graph of an N-Quads file in which every line names its graph
    and each graph's lines are contiguous (as ``bench.gen_graph`` writes them); otherwise ValueError."""
    seen: set[str] = set()
    with open(nquads, "rb") as fh:
        data, more = b"", True
        while more:
            block = fh.read(chunk)
            more = bool(block)
            data += block
            start = 0
            while (run := _run(data, start, final=not more)) is not None:
                graph, end = run
                if graph in seen:
                    raise ValueError(f"{nquads}: the lines of graph {graph} are not contiguous")
                seen.add(graph)
                yield graph, data[start:end]
                start = end
            data = data[start:]
    if data:
        raise ValueError(f"{nquads}: the last line has no end of line")


def _run(data: bytes, start: int, final: bool) -> tuple[str, int] | None:
    """(graph, end) of the run of lines from ``start`` that end with the same `` <graph> .``, or None
    if the data may end inside it. Cheap in Python: the run's end is found with ``rfind`` in a
    window that doubles until the line after it names another graph; a count checks every line."""
    eol = data.find(b"\n", start)
    if eol < 0:
        return None
    words = data[start:eol].rsplit(b" ", 2)
    if len(words) != 3 or words[2] != b"." or not words[1].startswith(b"<"):
        raise ValueError(f"a line without a graph IRI: {data[start:eol][:200]!r}")
    suffix = b" " + words[1] + b" .\n"
    window = 1 << 16
    while True:
        end = data.rfind(suffix, start, min(max(start + window, eol + 1), len(data))) + len(suffix)
        after = data.find(b"\n", end)
        if after < 0:  # the run reaches the end of the data
            if not final:
                return None
            break
        if not data.endswith(suffix, end, after + 1):
            break
        window *= 2
    if data.count(b"\n", start, end) != data.count(suffix, start, end):
        raise ValueError(f"the lines of graph {words[1].decode()} are not contiguous")
    return words[1][1:-1].decode(), end


def load_kg(nquads: Path, store_dir: Path) -> LoadResult:
    """kg's path: one ``GenerationStore.update()`` with ``Writer.replace_graphs`` over the named graphs,
    each given as its N-Quads lines (as ``kg build`` workers send them; splitting the file counts as
    kg's time) loaded in chunks by two threads (``bulk_load`` each), fsync and switch; then the compacted copy
    (checkpoint, ``Store.optimize()``, fsync, switch)."""
    started = time.perf_counter()
    counts = {"quads": 0, "graphs": 0}

    def graphs() -> Iterator[tuple[str, bytes]]:
        for graph, data in graph_runs(nquads):
            counts["quads"] += data.count(b"\n")
            counts["graphs"] += 1
            yield graph, data

    store = GenerationStore(store_dir)
    with store.update() as writer:
        writer.replace_graphs(graphs())
    done = time.perf_counter()
    if store.compaction_problem is not None:
        raise RuntimeError(f"kg's writer did not compact: {store.compaction_problem}")
    served = (store.served_at or done) - started
    return LoadResult(counts["quads"], counts["graphs"], done - started, served, store.compaction_seconds or 0.0)


def bulk_load(nquads: Path, store_dir: Path) -> LoadResult:
    """The baseline: ``pyoxigraph.Store.bulk_load`` of the same file into a fresh store."""
    started = time.perf_counter()
    store = Store(str(store_dir))
    store.bulk_load(path=str(nquads), format=RdfFormat.N_QUADS)
    store.flush()
    seconds = time.perf_counter() - started
    graphs = sum(1 for _ in store.named_graphs())
    return LoadResult(len(store), graphs, seconds)


def load_extend(nquads: Path, store_dir: Path) -> LoadResult:
    """An alternative for kg's writer: the same replace-per-graph, with ``Store.extend`` (one
    transaction per graph) instead of batched ``bulk_load`` (new SST files per batch)."""
    started = time.perf_counter()
    store = Store(str(store_dir))
    quads = graphs = 0
    for graph, group in groupby(parse(path=str(nquads), format=RdfFormat.N_QUADS), key=lambda q: q.graph_name):
        batch = list(group)
        if store.contains_named_graph(graph):
            store.remove_graph(graph)
        store.extend(batch)
        quads += len(batch)
        graphs += 1
    store.flush()
    return LoadResult(quads, graphs, time.perf_counter() - started)
