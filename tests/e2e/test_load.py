"""A short, bounded run of ``bench.endpoint_load`` against the real server: zero errors.

No wall-clock assertions: the figures depend on the machine (``python -m bench.endpoint_load``
prints them next to ``oxigraph serve-read-only``).
"""

from __future__ import annotations

from pathlib import Path

from bench import endpoint_load


def test_bounded_load_has_no_errors(seed_store: Path) -> None:
    (result,) = endpoint_load.run(seed_store, clients=16, duration=8, max_requests=600, servers=("kg",), workers=2)
    assert result["requests"] > 0
    assert result["errors"] == 0, result["first_errors"]


def test_latency_comparison_runs_both_servers_on_the_same_queries(seed_store: Path, tmp_path: Path) -> None:
    queries = tmp_path / "queries"
    queries.mkdir()
    (queries / "types.rq").write_text("SELECT ?t (COUNT(*) AS ?n) { ?s a ?t } GROUP BY ?t", encoding="utf-8")
    rows = endpoint_load.latency(seed_store, rounds=1, requests=5, clients=2, seconds=1, queries_dir=queries)
    labels = [row["query"] for row in rows]
    assert labels == ["fixed-cost", "one-triple", "entity-spo", "describe", "entity-card", "meeting",
                      "queries/types.rq", "2 clients"]
    for row in rows:
        assert not [key for key in row if key.endswith("_error")], row
        assert row["kg_p50_ms"] > 0 and row["oxigraph_p50_ms"] > 0 and row["p50_ratio"] > 0
    assert rows[-1]["kg_rps"] > 0 and rows[-1]["oxigraph_rps"] > 0
    assert "| one-triple |" in endpoint_load.latency_table(rows)
