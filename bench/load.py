"""Two ways to put an N-Quads file into Oxigraph: kg's store writer and pyoxigraph's bulk loader."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import groupby
from pathlib import Path

from pyoxigraph import NamedNode, Quad, RdfFormat, Store, parse

from kg.store import GenerationStore


@dataclass(frozen=True)
class LoadResult:
    quads: int
    graphs: int
    seconds: float


def load_kg(nquads: Path, store_dir: Path) -> LoadResult:
    """kg's path: one ``GenerationStore.update()`` with ``Writer.replace_graphs`` over the named graphs
    (batched ``bulk_extend``, then ``Store.optimize()``, fsync and switch), as ``kg build`` writes."""
    started = time.perf_counter()
    counts = {"quads": 0, "graphs": 0}

    def graphs() -> Iterator[tuple[str, list[Quad]]]:
        for graph, group in groupby(parse(path=str(nquads), format=RdfFormat.N_QUADS), key=lambda q: q.graph_name):
            assert isinstance(graph, NamedNode)
            batch = list(group)
            counts["quads"] += len(batch)
            counts["graphs"] += 1
            yield graph.value, batch

    with GenerationStore(store_dir).update() as writer:
        writer.replace_graphs(graphs())
    return LoadResult(counts["quads"], counts["graphs"], time.perf_counter() - started)


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
    transaction per graph) instead of ``bulk_extend`` (new SST files per graph)."""
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
