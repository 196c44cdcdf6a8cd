"""The `kg` command contract: outputs, exit codes and messages (real subprocesses)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import rdflib

from tests.conftest import SEED_CORPUS, kg_cli

SCHEMA_KEYS = {"article", "entities", "meetings", "quotes", "positions"}


def test_query_table_json_csv(seed_store: Path) -> None:
    table = kg_cli("query", "csto-positions-over-time", "--store", str(seed_store))
    assert table.returncode == 0, table.stderr
    header = table.stdout.splitlines()[0].split()
    assert header[:6] == ["date", "holder", "stance", "topic", "evidence", "article"]
    assert table.stdout.rstrip().endswith("rows)")

    as_json = kg_cli("query", "csto-positions-over-time", "--format", "json", "--store", str(seed_store))
    data = json.loads(as_json.stdout)
    assert data["head"]["vars"][:6] == ["date", "holder", "stance", "topic", "evidence", "article"]
    assert data["results"]["bindings"]

    as_csv = kg_cli("query", "csto-positions-over-time", "--format", "csv", "--store", str(seed_store))
    rows = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    assert len(rows) == len(data["results"]["bindings"])


def test_query_with_param_and_file(seed_store: Path, tmp_path: Path) -> None:
    result = kg_cli("query", "actor-positions-over-time", "--param", "actor=kg:person/alexander-lukashenko",
                    "--format", "json", "--store", str(seed_store))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["results"]["bindings"]
    rq = tmp_path / "count.rq"
    rq.write_text("#+ title: Count articles\n#+ description: How many articles.\n"
                  "SELECT (COUNT(?a) AS ?n) WHERE { ?a a <http://schema.org/NewsArticle> }\n", encoding="utf-8")
    result = kg_cli("query", str(rq), "--format", "csv", "--store", str(seed_store))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[1].strip() == "5"


def test_query_errors_are_clear(seed_store: Path) -> None:
    unknown = kg_cli("query", "no-such-query", "--store", str(seed_store))
    assert unknown.returncode == 1
    assert "no canned query 'no-such-query'" in unknown.stderr
    bad = kg_cli("query", "actor-positions-over-time", "--param", "actor=not an iri", "--store", str(seed_store))
    assert bad.returncode == 1
    assert "parameter 'actor'" in bad.stderr
    malformed = kg_cli("query", "x", "--param", "novalue", "--store", str(seed_store))
    assert malformed.returncode == 1
    assert "expected NAME=VALUE" in malformed.stderr
    for result in (unknown, bad, malformed):
        assert "Traceback" not in result.stderr


def test_commands_on_missing_store_say_so(tmp_path: Path) -> None:
    for args in (["stats"], ["dump"], ["query", "meetings-timeline"]):
        result = kg_cli(*args, "--store", str(tmp_path / "none"))
        assert result.returncode == 1
        assert "no graph built yet" in result.stderr
        assert "Traceback" not in result.stderr


def test_dump_to_file_parses(seed_store: Path, tmp_path: Path) -> None:
    out = tmp_path / "kg.trig"
    result = kg_cli("dump", "--format", "trig", "-o", str(out), "--store", str(seed_store))
    assert result.returncode == 0, result.stderr
    ds = rdflib.Dataset()
    ds.parse(out, format="trig")
    assert len(list(ds.graphs())) >= 7
    assert not (tmp_path / "kg.trig.part").exists()


def test_stats_json(seed_store: Path) -> None:
    result = kg_cli("stats", "--json", "--store", str(seed_store))
    stats = json.loads(result.stdout)
    assert stats["articles"] == 5
    assert stats["first_published"] == "2012-03-01"
    assert stats["last_published"] == "2018-04-06"
    assert stats["positions"] > 0 and stats["statements"] > 0 and stats["meetings"] >= 5


def test_extract_json_follows_schema() -> None:
    files = sorted(str(p) for p in (SEED_CORPUS / "articles").glob("*.txt"))[:2]
    result = kg_cli("extract", *files, "--json")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    for line, path in zip(lines, files, strict=True):
        obj = json.loads(line)
        assert set(obj) >= SCHEMA_KEYS
        assert obj["article"]["file"] == Path(path).name
        text = Path(path).read_text(encoding="utf-8")
        for quote in obj["quotes"]:
            assert text[quote["start"] : quote["end"]] == quote["text"]
        for position in obj["positions"]:
            ev = position["evidence"]
            assert text[ev["start"] : ev["end"]] == ev["text"]


def test_extract_needs_a_date_for_unknown_files(tmp_path: Path) -> None:
    article = tmp_path / "new.txt"
    article.write_text("MINSK - Alyaksandr Lukashenka said on Monday that Belarus supports the CSTO.\n", "utf-8")
    missing = kg_cli("extract", str(article), "--json", "--corpus", str(tmp_path))
    assert missing.returncode == 1
    assert "pass --published YYYY-MM-DD" in missing.stderr
    bad = kg_cli("extract", str(article), "--json", "--published", "31.02.2013")
    assert bad.returncode == 1
    assert "is not a YYYY-MM-DD date" in bad.stderr
    good = kg_cli("extract", str(article), "--json", "--published", "2013-02-28")
    assert good.returncode == 0, good.stderr
    assert json.loads(good.stdout)["article"]["published"] == "2013-02-28"


def test_eval_help_and_usage_errors() -> None:
    assert kg_cli("eval", "--help").returncode == 0
    assert kg_cli("no-such-command").returncode == 2
    assert kg_cli("build", "--jobs", "many").returncode == 2
