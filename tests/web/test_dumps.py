"""Whole-graph dumps: formats, headers, gzip."""

from __future__ import annotations

import gzip

import pytest
import rdflib
from flask.testing import FlaskClient

from kg import iris

LUKASHENKO = rdflib.URIRef("https://w3id.org/kg-news/id/person/alexander-lukashenko")
ARTICLE_GRAPHS = {iris.article_graph("001"), iris.article_graph("002")}


@pytest.mark.parametrize(("ext", "media_type", "rdflib_format"), [
    ("ttl", "text/turtle", "turtle"), ("nt", "application/n-triples", "nt"),
])
def test_triple_dumps(client: FlaskClient, ext: str, media_type: str, rdflib_format: str) -> None:
    response = client.get(f"/dump.{ext}")
    assert response.status_code == 200
    assert response.mimetype == media_type
    assert response.headers["Content-Disposition"] == f"attachment; filename=kg.{ext}"
    graph = rdflib.Graph().parse(data=response.get_data(), format=rdflib_format)
    assert (LUKASHENKO, rdflib.RDFS.label, rdflib.Literal("Alexander Lukashenko")) in graph
    article = rdflib.URIRef(iris.article_iri("001"))
    assert (article, rdflib.RDF.type, rdflib.URIRef("http://schema.org/NewsArticle")) in graph


@pytest.mark.parametrize(("ext", "media_type", "rdflib_format"), [
    ("nq", "application/n-quads", "nquads"), ("trig", "application/trig", "trig"),
])
def test_quad_dumps_keep_article_graphs(client: FlaskClient, ext: str, media_type: str, rdflib_format: str) -> None:
    response = client.get(f"/dump.{ext}")
    assert response.status_code == 200
    assert response.mimetype == media_type
    dataset = rdflib.Dataset()
    dataset.parse(data=response.get_data(), format=rdflib_format)
    names = {str(g.identifier) for g in dataset.graphs()}
    assert names >= ARTICLE_GRAPHS | {iris.KB_GRAPH}
    article_graph = dataset.graph(rdflib.URIRef(iris.article_graph("001")))
    assert (rdflib.URIRef(iris.article_iri("001")), rdflib.DCTERMS.title,
            rdflib.Literal("Lukashenko meets Patrushev")) in article_graph


def test_gzip_when_asked(client: FlaskClient) -> None:
    response = client.get("/dump.nt", headers={"Accept-Encoding": "gzip, deflate"})
    assert response.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response.headers["Vary"]
    plain = client.get("/dump.nt").get_data()
    assert gzip.decompress(response.get_data()) == plain
    assert "Content-Encoding" not in client.get("/dump.nt", headers={"Accept-Encoding": "gzip;q=0"}).headers


def test_no_other_dump_paths(client: FlaskClient) -> None:
    for path in ("/dump.txt", "/dump.ttl/../etc/passwd", "/dump..ttl", "/dump.json"):
        assert client.get(path).status_code == 404


def test_dump_is_streamed(client: FlaskClient) -> None:
    response = client.get("/dump.nq", buffered=False)
    assert response.is_streamed
    response.close()
