"""The benchmark suite: generators are deterministic and produce valid input; `bench.run --quick` runs.

No timing is asserted anywhere: these tests check that the benchmark works, not how fast kg is.
"""

from __future__ import annotations

import subprocess
import sys
from itertools import groupby
from pathlib import Path

import pytest
from pyoxigraph import CanonicalizationAlgorithm, Dataset, NamedNode, RdfFormat, Store, parse

from bench.gen_corpus import generate_article, write_corpus
from bench.gen_graph import write_graph
from bench.load import bulk_load, graph_runs, load_kg
from bench.measure import parse_size
from bench.report import HEADER, RESULTS
from kg import iris
from kg.corpus import load_corpus
from kg.store import GenerationStore
from tests.conftest import ROOT


def _tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_corpus_generator_is_deterministic_and_loads(tmp_path: Path) -> None:
    write_corpus(tmp_path / "a", 6, seed=7)
    write_corpus(tmp_path / "b", 6, seed=7)
    write_corpus(tmp_path / "c", 6, seed=8)
    assert _tree(tmp_path / "a") == _tree(tmp_path / "b")
    assert _tree(tmp_path / "a") != _tree(tmp_path / "c")
    report = load_corpus(tmp_path / "a")
    assert report.problems == []
    assert len(report.articles) == 6
    assert all(a.outlet and a.outlet.startswith("synthetic-") for a in report.articles)


def test_bigger_corpus_extends_smaller_one(tmp_path: Path) -> None:
    write_corpus(tmp_path / "small", 3, seed=1)
    write_corpus(tmp_path / "big", 4, seed=1)
    small, big = _tree(tmp_path / "small"), _tree(tmp_path / "big")
    assert all(big[name] == data for name, data in small.items() if name.startswith("articles/"))


def test_article_ground_truth_points_into_the_text() -> None:
    for index in range(20):
        art = generate_article(3, index)
        assert 250 <= len(art.text.split()) <= 1000
        for m in art.mentions:
            assert art.text[m.start : m.end] == m.surface
        for span in [*art.quotes, *art.positions, *art.meetings]:
            assert 0 <= span.start < span.end <= len(art.text)


def test_graph_generator_is_deterministic(tmp_path: Path) -> None:
    one = write_graph(tmp_path / "one.nq", 12_000, seed=5)
    two = write_graph(tmp_path / "two.nq", 12_000, seed=5, jobs=2)
    assert (tmp_path / "one.nq").read_bytes() == (tmp_path / "two.nq").read_bytes()
    assert one.triples >= 12_000 and one.articles >= 1
    assert two.triples == one.triples


def test_generated_graph_parses_and_article_graphs_validate(tmp_path: Path) -> None:
    validate = pytest.importorskip("kg.validate")
    path = tmp_path / "g.nq"
    stats = write_graph(path, 10_000, seed=2)
    quads = list(parse(path=str(path), format=RdfFormat.N_QUADS))
    assert len(quads) == stats.triples
    article_graphs = 0
    for graph, group in groupby(quads, key=lambda q: q.graph_name):
        assert isinstance(graph, NamedNode)
        if iris.article_id_of_graph(graph.value) is None:
            continue
        article_graphs += 1
        assert validate.validate_quads(list(group)) == [], graph.value
    assert article_graphs == stats.articles


def test_graph_runs_split_the_file_graph_by_graph_and_load_kg_writes_it_all(tmp_path: Path) -> None:
    path = tmp_path / "g.nq"
    write_graph(path, 5_000, seed=3)
    expected = [(g.value, len(list(group)))
                for g, group in groupby(parse(path=str(path), format=RdfFormat.N_QUADS), key=lambda q: q.graph_name)]
    assert [(g, data.count(b"\n")) for g, data in graph_runs(path, chunk=4096)] == expected
    loaded = load_kg(path, tmp_path / "kg")
    assert (loaded.quads, loaded.graphs) == (sum(n for _, n in expected), len(expected))
    bulk_load(path, tmp_path / "bulk")
    kg_written = Dataset(GenerationStore(tmp_path / "kg").open_read())
    bulk_loaded = Dataset(Store(str(tmp_path / "bulk")))
    for dataset in (kg_written, bulk_loaded):  # both loaders name blank nodes afresh
        dataset.canonicalize(CanonicalizationAlgorithm.UNSTABLE)
    assert set(kg_written) == set(bulk_loaded)


def test_graph_runs_refuses_a_graph_split_in_two(tmp_path: Path) -> None:
    path = tmp_path / "g.nq"
    path.write_bytes(b"<s> <p> <o> <g1> .\n<s> <p> <o2> <g2> .\n<s> <p> <o3> <g1> .\n")
    with pytest.raises(ValueError, match="not contiguous"):
        list(graph_runs(path))


@pytest.mark.parametrize(("text", "value"), [("20k", 20_000), ("1m", 1_000_000), ("2.5M", 2_500_000),
                                             ("1e6", 1_000_000), ("1500", 1500)])
def test_parse_size(text: str, value: int) -> None:
    assert parse_size(text) == value


def test_quick_run_prints_its_table_and_writes_nothing() -> None:
    before = RESULTS.read_bytes() if RESULTS.exists() else None
    result = subprocess.run([sys.executable, "-m", "bench.run", "--quick", "--no-write"], cwd=ROOT,
                            capture_output=True, text=True, timeout=1200)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "| " + " | ".join(HEADER) + " |" in result.stdout
    assert "| dump | 10k triples | N-Quads dump: memory as the output grows |" in result.stdout
    assert (RESULTS.read_bytes() if RESULTS.exists() else None) == before


def test_memory_track_passes_bytes_on_and_notes_rss_as_they_grow(tmp_path: Path) -> None:
    from bench.tasks import _MemoryTrack

    path = tmp_path / "out.bin"
    with path.open("wb") as fh:
        track = _MemoryTrack(fh, every=100)
        for _ in range(10):
            track.write(b"x" * 60)
    assert path.read_bytes() == b"x" * 600
    assert [at for at, _ in track.samples] == [60, 180, 300, 420, 540]
    assert all(rss > 0 for _, rss in track.samples)
    assert track.rss_after(0.5) == track.samples[2][1]  # the first sample at 300 of 600 bytes or later
    assert track.rss_after(0.95) is None  # no sample was taken after 570 bytes


def test_dump_memory_by_size_compares_the_largest_graph_with_the_smallest(tmp_path: Path) -> None:
    from bench.measure import Child
    from bench.report import Context
    from bench.sec_store import dump_memory_by_size

    ctx = Context(work=tmp_path, quick=True, seed=1, model="", requests=1, clients=1, duration=1, budget=1,
                  query_timeout=1, rows=[], notes=[])
    dump_memory_by_size(ctx, {1_000_000: ("1M triples", Child(1.0, 100.0, 0))})
    assert ctx.rows == []  # one size: nothing to compare
    dump_memory_by_size(ctx, {10_000_000: ("10M triples", Child(1.0, 230.0, 0)),
                              1_000_000: ("1M triples", Child(1.0, 100.0, 0)),
                              3_000_000: ("3M triples", Child(1.0, 150.0, 0))})
    (row,) = ctx.rows
    assert (row.size, row.measure, row.value, row.base_value) == (
        "10M triples vs 1M triples", "N-Quads dump: peak RSS for 10× the triples", "230 MB", "100 MB")
    assert row.ratio == pytest.approx(2.3)
