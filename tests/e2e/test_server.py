"""End to end: the real `kg serve` process over the seed graph, queried over HTTP."""

from __future__ import annotations

import csv
import io
import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import rdflib

from tests.e2e.live import kg_server

CSTO_ARTICLE_DATES = {"2012-03-01", "2012-05-15", "2013-06-05", "2013-09-23"}


@pytest.fixture(scope="module")
def server(seed_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with kg_server(seed_store, "--workers", "2", log_dir=tmp_path_factory.mktemp("server")) as base:
        yield base


def get(url: str, accept: str | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers={"Accept": accept} if accept else {})
    try:
        with urllib.request.urlopen(request, timeout=30) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


def sparql(base: str, query: str, accept: str = "application/sparql-results+json") -> dict:
    status, _, body = get(f"{base}/sparql?{urllib.parse.urlencode({'query': query})}", accept)
    assert status == 200, body
    return json.loads(body)


def test_select_over_http(server: str) -> None:
    result = sparql(server, "PREFIX schema: <http://schema.org/> "
                            "SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE { ?a a schema:NewsArticle }")
    assert result["results"]["bindings"][0]["n"]["value"] == "5"


def test_post_form_query(server: str) -> None:
    data = urllib.parse.urlencode({"query": "ASK { ?s ?p ?o }"}).encode()
    request = urllib.request.Request(f"{server}/sparql", data=data, headers={
        "Content-Type": "application/x-www-form-urlencoded", "Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request, timeout=30) as resp:
        assert json.loads(resp.read())["boolean"] is True


def test_turtle_dump_parses_with_rdflib(server: str) -> None:
    status, headers, body = get(f"{server}/dump.ttl")
    assert status == 200
    assert headers["Content-Type"].startswith("text/turtle")
    graph = rdflib.Graph().parse(data=body, format="turtle")
    lukashenko = rdflib.URIRef("https://w3id.org/kg-news/id/person/alexander-lukashenko")
    assert (lukashenko, rdflib.RDFS.label, rdflib.Literal("Alexander Lukashenko")) in graph
    assert len(graph) > 1000


def test_nquads_dump_keeps_article_graphs(server: str) -> None:
    status, _, body = get(f"{server}/dump.nq")
    assert status == 200
    ds = rdflib.Dataset()
    ds.parse(data=body, format="nquads")
    names = {str(g.identifier) for g in ds.graphs()}
    assert sum(n.startswith("https://w3id.org/kg-news/graph/article/") for n in names) == 5


def test_headline_canned_query_covers_all_csto_articles(server: str) -> None:
    status, _, body = get(f"{server}/queries/csto-positions-over-time", "text/csv")
    assert status == 200, body
    rows = list(csv.DictReader(io.StringIO(body.decode())))
    assert rows, "no positions on CSTO integration"
    assert set(rows[0]) >= {"date", "holder", "stance", "topic", "evidence", "article"}
    assert {r["date"][:10] for r in rows} >= CSTO_ARTICLE_DATES
    assert all(r["evidence"].strip() for r in rows), "every position carries its evidence sentence"
    dates = [r["date"] for r in rows]
    assert dates == sorted(dates), "date-ordered"


def test_malformed_query_is_400_with_message(server: str) -> None:
    status, _, body = get(f"{server}/sparql?query=SELECT%20%3Fx%20WHERE%20%7B")
    assert status == 400
    assert b"Traceback" not in body
    assert body.strip()


def test_unknown_canned_query_is_404(server: str) -> None:
    status, _, body = get(f"{server}/queries/no-such-query")
    assert status == 404
    assert b"no-such-query" in body
