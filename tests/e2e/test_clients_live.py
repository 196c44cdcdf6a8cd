"""Real SPARQL clients against the real ``kg serve`` over the seed graph: SPARQLWrapper (GET and
POST; SELECT, ASK, CONSTRUCT), rdflib's SPARQLStore (which asks for XML) and Comunica (npm)."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import rdflib
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import JSON, TURTLE, XML, SPARQLWrapper

from tests.e2e.live import CLIENTS, kg_server, node_missing, require_node_clients

SCHEMA = "http://schema.org/"
ARTICLES = f"SELECT ?a WHERE {{ ?a a <{SCHEMA}NewsArticle> }} ORDER BY ?a"
LUKASHENKO = "https://w3id.org/kg-news/id/person/alexander-lukashenko"
ASK = f"ASK {{ <{LUKASHENKO}> ?p ?o }}"
CONSTRUCT = f"CONSTRUCT {{ ?a a <{SCHEMA}NewsArticle> }} WHERE {{ ?a a <{SCHEMA}NewsArticle> }}"


@pytest.fixture(scope="module")
def endpoint(seed_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with kg_server(seed_store, "--workers", "2", log_dir=tmp_path_factory.mktemp("clients")) as base:
        yield base + "/sparql"


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_sparqlwrapper_select(endpoint: str, method: str) -> None:
    client = SPARQLWrapper(endpoint)
    client.setMethod(method)
    client.setQuery(ARTICLES)
    client.setReturnFormat(JSON)
    rows = client.query().convert()["results"]["bindings"]
    assert len(rows) == 5
    assert all(row["a"]["value"].startswith("https://w3id.org/kg-news/id/article/") for row in rows)


@pytest.mark.parametrize(("method", "fmt"), [("GET", JSON), ("POST", XML)])
def test_sparqlwrapper_ask(endpoint: str, method: str, fmt: str) -> None:
    client = SPARQLWrapper(endpoint)
    client.setMethod(method)
    client.setQuery(ASK)
    client.setReturnFormat(fmt)
    result = client.query().convert()
    value = result["boolean"] if fmt == JSON else result.getElementsByTagName("boolean")[0].firstChild.data == "true"
    assert value is True


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_sparqlwrapper_construct(endpoint: str, method: str) -> None:
    client = SPARQLWrapper(endpoint)
    client.setMethod(method)
    client.setQuery(CONSTRUCT)
    client.setReturnFormat(TURTLE)
    graph = rdflib.Graph().parse(data=client.query().convert(), format="turtle")
    assert len(graph) == 5


@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")  # inside SPARQLWrapper
def test_sparqlwrapper_rdfxml_construct(endpoint: str) -> None:
    client = SPARQLWrapper(endpoint)
    client.setQuery(CONSTRUCT)
    client.setReturnFormat(XML)  # SPARQLWrapper parses RDF/XML into an rdflib Graph
    graph = client.query().convert()
    assert len(graph) == 5


def test_rdflib_sparqlstore(endpoint: str) -> None:
    graph = rdflib.Graph(store=SPARQLStore(endpoint))  # asks for SPARQL XML results by default
    rows = list(graph.query(ARTICLES))
    assert len(rows) == 5
    assert graph.query(ASK).askAnswer is True
    label = graph.value(rdflib.URIRef(LUKASHENKO), rdflib.RDFS.label)
    assert str(label) == "Alexander Lukashenko"
    constructed = graph.query(CONSTRUCT).graph
    assert len(constructed) == 5


def comunica(endpoint: str, query: str) -> dict:
    require_node_clients()
    result = subprocess.run(["node", "comunica-query.js", endpoint, query], cwd=CLIENTS,
                            capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout)


@pytest.mark.skipif(node_missing() is not None, reason=node_missing() or "")
def test_comunica(endpoint: str) -> None:
    rows = comunica(endpoint, ARTICLES)["bindings"]
    assert len(rows) == 5
    assert comunica(endpoint, ASK) == {"boolean": True}
    quads = comunica(endpoint, CONSTRUCT)["quads"]
    assert len(quads) == 5 and all(q.endswith(f"{SCHEMA}NewsArticle") for q in quads)
