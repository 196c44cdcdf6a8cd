"""The generation store: atomic switch, nothing served changes until a build succeeds."""

from __future__ import annotations

import errno
import io
import os
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
import rdflib
from pyoxigraph import BlankNode, Literal, NamedNode, Quad, RdfFormat, Store, serialize

from kg.store import ARTICLE_HASHES_QUERY, GenerationStore, StoreError, _OnePrefixHeader, count_quads, dump
from kg.vocab import PREFIXES

G1, G2 = "https://w3id.org/kg-news/graph/article/a", "https://w3id.org/kg-news/graph/article/b"


def quads(graph: str, n: int) -> list[Quad]:
    g = NamedNode(graph)
    return [Quad(NamedNode(f"https://w3id.org/kg-news/id/x/{i}"), NamedNode("http://schema.org/name"),
                 Literal(f"thing {i}"), g) for i in range(n)]


def test_empty_store_reports_clearly(tmp_path: Path) -> None:
    store = GenerationStore(tmp_path / "s")
    assert not store.exists()
    with pytest.raises(StoreError, match="no graph built yet"):
        store.open_read()


def test_update_seals_and_switches(tmp_path: Path) -> None:
    store = GenerationStore(tmp_path)
    with store.update() as w:
        w.replace_graph(G1, quads(G1, 3))
    assert store.current_name() == "gen-000001"
    with store.update() as w:
        w.replace_graph(G1, quads(G1, 2))
        w.replace_graph(G2, quads(G2, 4))
    assert store.current_name() == "gen-000002"
    assert count_quads(store.open_read()) == 6


def test_failed_update_leaves_served_graph_intact(tmp_path: Path) -> None:
    store = GenerationStore(tmp_path)
    with store.update() as w:
        w.replace_graph(G1, quads(G1, 3))
    with pytest.raises(RuntimeError, match="boom"), store.update() as w:
        w.replace_graph(G1, quads(G1, 10))
        raise RuntimeError("boom")
    assert store.current_name() == "gen-000001"
    assert count_quads(store.open_read()) == 3
    assert not list((tmp_path / "generations").glob("*.tmp"))


def test_stale_unsealed_generation_is_cleaned(tmp_path: Path) -> None:
    store = GenerationStore(tmp_path)
    with store.update() as w:
        w.replace_graph(G1, quads(G1, 1))
    stale = tmp_path / "generations" / "gen-000002.tmp"
    stale.mkdir()
    (stale / "junk").write_text("half-written")
    with store.update() as w:
        w.replace_graph(G2, quads(G2, 1))
    assert not stale.exists()
    assert count_quads(store.open_read()) == 2


def test_no_change_keeps_generation(tmp_path: Path) -> None:
    store = GenerationStore(tmp_path)
    with store.update() as w:
        w.replace_graph(G1, quads(G1, 1))
    with store.update():
        pass
    assert store.current_name() == "gen-000001"


def test_old_generations_pruned_and_readers_unaffected(tmp_path: Path) -> None:
    store = GenerationStore(tmp_path, grace_seconds=0)
    with store.update() as w:
        w.replace_graph(G1, quads(G1, 1))
    reader = store.open_read()
    for n in range(2, 5):
        with store.update() as w:
            w.replace_graph(G1, quads(G1, n))
    names = sorted(p.name for p in (tmp_path / "generations").iterdir())
    assert names == ["gen-000003", "gen-000004"]
    assert count_quads(reader) == 1, "an open reader keeps its generation"
    assert count_quads(store.open_read()) == 4


def test_concurrent_build_refused(tmp_path: Path) -> None:
    store = GenerationStore(tmp_path)
    with store.update() as w:
        w.replace_graph(G1, quads(G1, 1))
        with pytest.raises(StoreError, match="another build is running"), GenerationStore(tmp_path).update():
            pass


def test_article_hashes_and_remove(tmp_path: Path) -> None:
    store = GenerationStore(tmp_path)
    g = NamedNode(G1)
    a = NamedNode("https://w3id.org/kg-news/id/article/a")
    with store.update() as w:
        w.replace_graph(G1, [
            Quad(a, NamedNode("https://w3id.org/kg-news/ontology#inputHash"), Literal("h1"), g),
            Quad(a, NamedNode("http://purl.org/dc/terms/identifier"), Literal("a"), g),
        ])
        assert w.article_hashes() == {"a": "h1"}
        w.remove_graph(G1)
        assert w.article_hashes() == {}


def test_article_hashes_answer_what_the_hashes_query_asks(tmp_path: Path) -> None:
    """Writer.article_hashes (index lookups) and ARTICLE_HASHES_QUERY agree, traps included."""
    store = GenerationStore(tmp_path)
    h, ident = NamedNode("https://w3id.org/kg-news/ontology#inputHash"), NamedNode("http://purl.org/dc/terms/identifier")

    def node(name: str) -> NamedNode:
        return NamedNode(f"https://w3id.org/kg-news/id/article/{name}")

    other = "https://w3id.org/kg-news/graph/kb"
    graphs = {
        G1: [Quad(node("a"), h, Literal("h1"), NamedNode(G1)), Quad(node("a"), ident, Literal("a"), NamedNode(G1))],
        G2: [Quad(node("b"), h, Literal("h2"), NamedNode(G2)),  # hash and identifier on different subjects
             Quad(node("c"), ident, Literal("c"), NamedNode(G2)), Quad(node("d"), ident, Literal("d"), NamedNode(G2))],
        other: [Quad(node("e"), h, Literal("h3"), NamedNode(other)),
                Quad(node("e"), ident, Literal("e"), NamedNode(other))],
    }
    with store.update() as w:
        for graph, qs in graphs.items():
            w.replace_graph(graph, qs)
        w.store.add(Quad(node("f"), h, Literal("h4")))  # default graph
        w.store.add(Quad(node("f"), ident, Literal("f")))
        by_query = {row["id"].value: row["hash"].value for row in w.store.query(ARTICLE_HASHES_QUERY)}
        assert w.article_hashes() == by_query == {"a": "h1"}


class _Counting:
    """A real Store that counts the calls the Writer makes to some of its methods."""

    def __init__(self, store: Store, fail_bulk: bool = False) -> None:
        self.real, self.fail_bulk = store, fail_bulk
        self.calls: dict[str, int] = {"bulk_load": 0, "optimize": 0}
        self.loaded = threading.Event()  # set when a bulk_load has returned
        self.threads: set[int] = set()  # that called bulk_load

    def __getattr__(self, name: str):
        return getattr(self.real, name)

    def bulk_load(self, data, fmt) -> None:
        self.calls["bulk_load"] += 1
        self.threads.add(threading.get_ident())
        if self.fail_bulk:
            raise OSError("IO error: No space left on device: While appending to file: /x/000031.sst")
        self.real.bulk_load(data, fmt)
        self.loaded.set()

    def optimize(self) -> None:
        self.calls["optimize"] += 1
        self.real.optimize()


def _hash_quad(graph: str, value: str) -> Quad:
    return Quad(NamedNode(graph), NamedNode("https://w3id.org/kg-news/ontology#inputHash"), Literal(value),
                NamedNode(graph))


def test_writes_are_batched_and_reads_see_pending_graphs(tmp_path: Path) -> None:
    store = GenerationStore(tmp_path)
    with store.update() as w:
        w.replace_graph(G1, [*quads(G1, 5), _hash_quad(G1, "old")])
    g3 = G2 + "-3"
    with store.update() as w:
        counting = w.store = _Counting(w.store)
        w.batch_quads = 12
        w.replace_graph(G1, quads(G1, 2))  # was stored: removed now, rewritten with the batch
        w.replace_graph(G2, quads(G2, 4))
        w.replace_graph(G2, quads(G2, 3))  # replaces the pending one
        w.replace_graph(g3, [*quads(g3, 1), _hash_quad(g3, "new")])
        assert counting.calls["bulk_load"] == 0
        assert (w.graph_hash(G1), w.graph_hash(g3)) == (None, "new")
        w.remove_graph(g3)
        assert w.graph_hash(g3) is None
        w.replace_graphs((f"{G2}-{i}", quads(f"{G2}-{i}", 4)) for i in range(2))  # the 5 pending, then a stream
        assert counting.calls["bulk_load"] == 2
        w.replace_graph(g3, quads(g3, 6))
        assert count_quads(w.store) == 19, "writer.store writes what is pending first"
        assert counting.calls["bulk_load"] == 3
    served = store.open_read()
    assert count_quads(served) == 19
    assert {g.value for g in served.named_graphs()} == {G1, G2, g3, f"{G2}-0", f"{G2}-1"}
    assert len(list(served.quads_for_pattern(None, None, None, NamedNode(G2)))) == 3


def test_graphs_given_as_nquads_bytes_are_written_like_quads(tmp_path: Path) -> None:
    store = GenerationStore(tmp_path)
    sent = [*quads(G1, 3), _hash_quad(G1, "h1")]
    with store.update() as w:
        w.replace_graph(G1, serialize(sent, format=RdfFormat.N_QUADS))
        w.replace_graph(G2, quads(G2, 2))
        assert (w.graph_hash(G1), w.written) == ("h1", 6), "a pending graph given as bytes is read back"
    with store.update() as w:
        w.replace_graph(G2, serialize(quads(G2, 1), format=RdfFormat.N_QUADS))  # replaces a stored graph
    assert set(store.open_read()) == {*sent, *quads(G2, 1)}


def _watch_checkpoints(monkeypatch: pytest.MonkeyPatch, optimize: Callable[[GenerationStore], None] | None = None,
                       ) -> list[_Counting]:
    """Every store ``GenerationStore._checkpoint`` opens, counting calls; ``optimize`` runs instead of compacting."""
    seen: list[_Counting] = []
    real = GenerationStore._checkpoint

    def checkpoint(self: GenerationStore, current: str | None, work: Path) -> Store:
        seen.append(_Counting(real(self, current, work)))
        if optimize is not None:
            seen[-1].optimize = lambda: optimize(self)  # type: ignore[method-assign]
        return seen[-1]  # type: ignore[return-value]

    monkeypatch.setattr(GenerationStore, "_checkpoint", checkpoint)
    return seen


def test_big_updates_are_served_then_compacted_small_ones_not(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("kg.store.OPTIMIZE_QUADS", 10)
    store = GenerationStore(tmp_path)
    while_compacting: list[tuple[str | None, int]] = []

    def optimize(gs: GenerationStore) -> None:  # what a reader sees while the compaction runs
        while_compacting.append((gs.current_name(), count_quads(gs.open_read())))
        seen[-1].calls["optimize"] += 1
        seen[-1].real.optimize()

    seen = _watch_checkpoints(monkeypatch, optimize)
    timed: list[tuple[float | None, float | None]] = []
    for n in (10, 9):
        with store.update() as w:
            w.replace_graph(G1, quads(G1, n))
        timed.append((store.served_at, store.compaction_seconds))
    # the first update: written to gen-000001 and served; then a copy compacted, gen-000002, served
    assert [s.calls["optimize"] for s in seen] == [0, 1, 0]
    assert while_compacting == [("gen-000001", 10)], "the written graph is served before the compaction"
    assert timed[0][0] is not None and timed[0][1] is not None and timed[0][1] > 0, "the compaction's time is reported"
    assert timed[1][0] is not None and timed[1][1] is None
    assert store.compaction_problem is None
    assert store.current_name() == "gen-000003"
    assert count_quads(store.open_read()) == 9
    retired = sorted(p.name for p in (tmp_path / "retired").iterdir())
    assert retired == ["gen-000001", "gen-000002"], "the uncompacted generation is retired like any other"


@pytest.mark.parametrize(("failure", "problem"), [
    (OSError(errno.ENOSPC, "No space left on device"),
     "{store}: disk full while compacting gen-000001 into gen-000002: No space left on device"),
    (KeyboardInterrupt(), "compaction interrupted"),
])
def test_a_failed_compaction_leaves_the_written_graph_served(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                            failure: BaseException, problem: str) -> None:
    monkeypatch.setattr("kg.store.OPTIMIZE_QUADS", 10)

    def optimize(gs: GenerationStore) -> None:
        raise failure

    _watch_checkpoints(monkeypatch, optimize)
    store = GenerationStore(tmp_path)
    with store.update() as w:
        w.replace_graph(G1, quads(G1, 10))
    assert store.compaction_problem == problem.format(store=tmp_path)
    assert (store.compaction_seconds, store.current_name()) == (None, "gen-000001")
    assert count_quads(store.open_read()) == 10
    assert sorted(p.name for p in (tmp_path / "generations").iterdir()) == ["gen-000001"], "no half-compacted copy"
    monkeypatch.undo()
    with store.update() as w:  # the next build goes on from it
        w.replace_graph(G2, quads(G2, 1))
    assert count_quads(store.open_read()) == 11


def test_disk_full_while_writing_the_last_batch(tmp_path: Path) -> None:
    store = GenerationStore(tmp_path)
    with store.update() as w:
        w.replace_graph(G1, quads(G1, 3))
    with pytest.raises(StoreError) as caught, store.update() as w:
        w.store = _Counting(w.store, fail_bulk=True)
        w.replace_graph(G2, quads(G2, 4))
    assert str(caught.value) == f"{tmp_path}: disk full while writing generation gen-000002: No space left on device"
    assert store.current_name() == "gen-000001"
    assert count_quads(store.open_read()) == 3
    assert sorted(p.name for p in (tmp_path / "generations").iterdir()) == ["gen-000001"]


def test_replace_graphs_loads_chunks_while_the_graphs_are_made(tmp_path: Path) -> None:
    store = GenerationStore(tmp_path)
    with store.update() as w:
        w.replace_graphs([(G1, quads(G1, 3)), (G2, quads(G2, 2))])
    pulled: list[str] = []
    loaded_early: list[bool] = []

    def graphs():
        for i in range(40):
            graph = f"{G2}-{i}"
            pulled.append(graph)
            yield graph, quads(graph, 100) if i % 2 else serialize(quads(graph, 100), format=RdfFormat.N_QUADS)
            if i == 12:  # three chunks of 400 quads made: the first is loaded while more graphs are made
                loaded_early.append(counting.loaded.wait(timeout=60))
        yield G1, quads(G1, 1)  # replaces a stored graph

    with store.update() as w:
        counting = w.store = _Counting(w.store)
        w.chunk_quads = 400
        w.replace_graphs(graphs())
        assert (counting.calls["bulk_load"], len(pulled), w.written, w.changed) == (11, 40, 4001, 41)
    assert loaded_early == [True]
    assert threading.get_ident() not in counting.threads, "chunks are loaded off the thread that makes the graphs"
    served = store.open_read()
    assert count_quads(served) == 4003
    assert len(list(served.quads_for_pattern(None, None, None, NamedNode(G1)))) == 1
    assert all(len(list(served.quads_for_pattern(None, None, None, NamedNode(f"{G2}-{i}")))) == 100 for i in range(40))


def test_disk_full_in_a_chunk_stops_the_graphs_early(tmp_path: Path) -> None:
    store = GenerationStore(tmp_path)
    with store.update() as w:
        w.replace_graph(G1, quads(G1, 3))
    pulled: list[int] = []

    def graphs():
        for i in range(200):
            pulled.append(i)
            yield f"{G2}-{i}", quads(f"{G2}-{i}", 10)

    with pytest.raises(StoreError, match="disk full while writing generation gen-000002"), store.update() as w:
        w.store = _Counting(w.store, fail_bulk=True)
        w.chunk_quads = 10
        w.replace_graphs(graphs())
    assert len(pulled) < 200, "graphs are no longer made once a load failed"
    assert store.current_name() == "gen-000001"
    assert count_quads(store.open_read()) == 3


class _Stop(Exception):
    pass


@pytest.mark.parametrize("chunk_quads", [1000, 1_000_000])
@pytest.mark.parametrize("how", ["error", "twice"])
def test_replace_graphs_stops_on_what_its_graphs_raise(tmp_path: Path, how: str, chunk_quads: int) -> None:
    """An exception while making the graphs comes out as it is, and the update is thrown away."""
    store = GenerationStore(tmp_path)
    with store.update() as w:
        w.replace_graph(G1, quads(G1, 3))

    def graphs():
        for i in range(3):
            yield f"{G2}-{i}", quads(f"{G2}-{i}", 2000)
        if how == "error":
            raise _Stop("the extraction stopped")
        yield f"{G2}-0", quads(f"{G2}-0", 1)

    expected = (_Stop, "the extraction stopped") if how == "error" else (ValueError, "given twice")
    with pytest.raises(expected[0], match=expected[1]), store.update() as w:
        w.chunk_quads = chunk_quads  # chunks are being loaded when it raises, or none yet
        w.replace_graphs(graphs())
    assert store.current_name() == "gen-000001"
    assert count_quads(store.open_read()) == 3


def test_disk_full_while_streaming_graphs(tmp_path: Path) -> None:
    store = GenerationStore(tmp_path)
    with store.update() as w:
        w.replace_graph(G1, quads(G1, 3))
    with pytest.raises(StoreError, match="disk full while writing generation gen-000002"), store.update() as w:
        w.store = _Counting(w.store, fail_bulk=True)
        w.replace_graphs([(G2, quads(G2, 4))])
    assert store.current_name() == "gen-000001"
    assert count_quads(store.open_read()) == 3

def test_turtle_dump_merges_graphs_with_one_prefix_header(tmp_path: Path) -> None:
    store = GenerationStore(tmp_path)
    shared = Quad(BlankNode("b1"), NamedNode("http://schema.org/name"), Literal("shared"))
    with store.update() as w:
        for graph in (G1, G2):
            w.replace_graph(graph, [*quads(graph, 3), Quad(shared.subject, shared.predicate, shared.object,
                                                           NamedNode(graph))])
        w.store.add(Quad(NamedNode("https://w3id.org/kg-news/id/x/9"), NamedNode("http://schema.org/knows"),
                         BlankNode("b1")))
    out = io.BytesIO()
    dump(store.open_read(), "ttl", out)
    text = out.getvalue().decode()
    assert text.count("@prefix kgo: ") == 1 and text.count("@prefix ") == len(PREFIXES)
    graph = rdflib.Graph().parse(data=text, format="turtle")
    assert len(graph) == 5, "3 things (in both graphs), the shared blank node's name, the default graph's triple"
    assert len(set(graph.subjects(rdflib.URIRef("http://schema.org/name"), rdflib.Literal("shared")))) == 1


def test_prefix_lines_are_skipped_whatever_the_write_sizes() -> None:
    turtle = b"@prefix a: <http://a/> .\n@prefix bb: <http://b/> .\na:x bb:p 1 .\n"
    for size in (1, 3, 7, len(turtle)):
        out = io.BytesIO()
        sink = _OnePrefixHeader(out)
        for _ in range(3):
            sink.next_graph()
            for start in range(0, len(turtle), size):
                assert sink.write(turtle[start:start + size]) == len(turtle[start:start + size])
            sink.flush()
        sink.end_graph()
        assert out.getvalue() == turtle + b"a:x bb:p 1 .\n" * 2, size


@pytest.mark.parametrize(("fmt", "rdflib_format", "expect"), [
    ("ttl", "turtle", 3), ("nt", "nt", 3), ("nq", "nquads", 3), ("trig", "trig", 3),
])
def test_dump_formats_parse(tmp_path: Path, fmt: str, rdflib_format: str, expect: int) -> None:
    store = GenerationStore(tmp_path)
    with store.update() as w:
        w.replace_graph(G1, quads(G1, 3))
    out = io.BytesIO()
    dump(store.open_read(), fmt, out)
    ds = rdflib.Dataset()
    ds.parse(data=out.getvalue(), format=rdflib_format)
    assert len(list(ds.quads((None, None, None, None)))) == expect
    if fmt in ("nq", "trig"):
        assert rdflib.URIRef(G1) in {c.identifier for c in ds.graphs()}


def test_dump_rejects_unknown_format(tmp_path: Path) -> None:
    store = GenerationStore(tmp_path)
    with store.update() as w:
        w.replace_graph(G1, quads(G1, 1))
    with pytest.raises(StoreError, match="unknown dump format"):
        dump(store.open_read(), "xml", io.BytesIO())


# -- faults: disk full, interrupted switch, damaged pointer, readers racing a build -------------

class _FullDisk:
    """A stand-in for a pyoxigraph Store whose writes fail like RocksDB on a full disk."""

    def __getattr__(self, name: str):
        def fail(*args, **kwargs):
            raise OSError("IO error: No space left on device: While appending to file: /x/000012.sst: "
                          "No space left on device")
        return fail


def test_disk_full_while_writing_is_a_clean_store_error(tmp_path: Path) -> None:
    store = GenerationStore(tmp_path)
    with store.update() as w:
        w.replace_graph(G1, quads(G1, 3))
    with pytest.raises(StoreError) as caught, store.update() as w:
        w.store = _FullDisk()  # type: ignore[assignment]
        w.replace_graph(G2, quads(G2, 1))
    assert str(caught.value) == f"{tmp_path}: disk full while writing generation gen-000002: No space left on device"
    assert store.current_name() == "gen-000001"
    assert count_quads(store.open_read()) == 3
    assert sorted(p.name for p in (tmp_path / "generations").iterdir()) == ["gen-000001"]


@pytest.mark.parametrize(("step", "action"), [("_switch", "switching to"), ("_checkpoint", "copying gen-000001 to")])
def test_disk_full_while_switching_or_copying(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, step: str,
                                              action: str) -> None:
    import errno

    store = GenerationStore(tmp_path)
    with store.update() as w:
        w.replace_graph(G1, quads(G1, 3))

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(GenerationStore, step, full)
    with pytest.raises(StoreError) as caught, store.update() as w:
        w.replace_graph(G1, quads(G1, 5))
    assert str(caught.value) == f"{tmp_path}: disk full while {action} generation gen-000002: No space left on device"
    assert store.current_name() == "gen-000001"
    assert sorted(p.name for p in (tmp_path / "generations").iterdir()) == ["gen-000001"]
    monkeypatch.undo()
    with store.update() as w:
        w.replace_graph(G1, quads(G1, 5))
    assert count_quads(store.open_read()) == 5


@pytest.mark.parametrize("content", [b"gen-000009\n", b"../../etc\n", b"\xff\xfe", b""])
def test_damaged_current_pointer_is_reported(tmp_path: Path, content: bytes) -> None:
    store = GenerationStore(tmp_path)
    with store.update() as w:
        w.replace_graph(G1, quads(G1, 1))
    (tmp_path / "CURRENT").write_bytes(content)
    with pytest.raises(StoreError, match="CURRENT"):
        store.open_read()
    with pytest.raises(StoreError, match="CURRENT"), store.update():
        pass


def test_orphan_generation_is_removed_and_never_served(tmp_path: Path) -> None:
    """A generation sealed by a build killed before its switch: the next build removes it."""
    store = GenerationStore(tmp_path)
    with store.update() as w:
        w.replace_graph(G1, quads(G1, 1))
    orphan = tmp_path / "generations" / "gen-000002"
    orphan.mkdir()
    (tmp_path / "CURRENT.tmp").write_text("gen-000002\n")
    assert store.current_name() == "gen-000001"
    with store.update() as w:
        w.replace_graph(G1, quads(G1, 2))
    assert store.current_name() == "gen-000003"
    assert not orphan.exists() and not (tmp_path / "CURRENT.tmp").exists()
    assert sorted(p.name for p in (tmp_path / "generations").iterdir()) == ["gen-000001", "gen-000003"]


def test_replaced_generations_are_kept_for_the_grace_period(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = GenerationStore(tmp_path)
    for n in range(1, 5):
        with store.update() as w:
            w.replace_graph(G1, quads(G1, n))
    gens = tmp_path / "generations"
    assert sorted(p.name for p in gens.iterdir()) == ["gen-000001", "gen-000002", "gen-000003", "gen-000004"]
    old = 1_000_000_000
    os.utime(tmp_path / "retired" / "gen-000001", (old, old))
    at_checkpoint: list[list[str]] = []
    real = GenerationStore._checkpoint

    def checkpoint(self: GenerationStore, current: str | None, work: Path) -> Store:
        at_checkpoint.append(sorted(p.name for p in gens.iterdir()))
        return real(self, current, work)

    monkeypatch.setattr(GenerationStore, "_checkpoint", checkpoint)
    with store.update() as w:
        w.replace_graph(G1, quads(G1, 9))
    assert at_checkpoint == [["gen-000002", "gen-000003", "gen-000004"]], "past its grace: removed before the write"
    assert sorted(p.name for p in gens.iterdir()) == ["gen-000002", "gen-000003", "gen-000004", "gen-000005"]
    assert sorted(p.name for p in (tmp_path / "retired").iterdir()) == ["gen-000002", "gen-000003", "gen-000004"]


def test_open_read_retries_when_its_generation_is_pruned_meanwhile(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    store = GenerationStore(tmp_path, grace_seconds=0)
    with store.update() as w:
        w.replace_graph(G1, quads(G1, 1))
    real = Store.read_only
    calls = []

    def racing(path: str):
        calls.append(path)
        if len(calls) == 1:  # a build switches and prunes between reading CURRENT and opening
            with GenerationStore(tmp_path, grace_seconds=0).update() as w:
                w.replace_graph(G1, quads(G1, 2))
            with GenerationStore(tmp_path, grace_seconds=0).update() as w:
                w.replace_graph(G1, quads(G1, 3))
        return real(path)

    monkeypatch.setattr("kg.store.Store.read_only", racing)
    assert count_quads(store.open_read()) == 3
    assert calls[0].endswith("gen-000001") and calls[-1].endswith("gen-000003")
