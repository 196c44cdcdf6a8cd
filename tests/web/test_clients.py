"""Real clients over real HTTP: SPARQLWrapper and rdflib's SPARQLStore."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import rdflib
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import JSON, TURTLE, SPARQLWrapper
from werkzeug.serving import make_server

from kg import iris

ARTICLES = "SELECT ?a WHERE { ?a a <http://schema.org/NewsArticle> } ORDER BY ?a"


@pytest.fixture()
def endpoint(store_dir: Path, app_factory) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, app_factory(store_dir), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/sparql"
    finally:
        server.shutdown()
        thread.join(5)
        server.server_close()


def test_sparqlwrapper_json(endpoint: str) -> None:
    client = SPARQLWrapper(endpoint)
    client.setQuery(ARTICLES)
    client.setReturnFormat(JSON)
    result = client.query().convert()
    found = [b["a"]["value"] for b in result["results"]["bindings"]]
    assert found == [iris.article_iri("001"), iris.article_iri("002")]


def test_sparqlwrapper_post_and_construct(endpoint: str) -> None:
    client = SPARQLWrapper(endpoint)
    client.setMethod("POST")
    client.setQuery("CONSTRUCT WHERE { ?a a <http://schema.org/NewsArticle> }")
    client.setReturnFormat(TURTLE)
    body = client.query().convert()
    graph = rdflib.Graph().parse(data=body, format="turtle")
    assert len(graph) == 2


def test_rdflib_sparqlstore(endpoint: str) -> None:
    graph = rdflib.Graph(store=SPARQLStore(endpoint))
    rows = list(graph.query(ARTICLES))
    assert [str(row.a) for row in rows] == [iris.article_iri("001"), iris.article_iri("002")]
