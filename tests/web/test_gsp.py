"""/store: the Graph Store Protocol — reads always, writes only when writable and authorised."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

import pytest
import rdflib
from flask.testing import FlaskClient

from kg import iris
from kg.config import Settings
from kg.web import create_app
from tests.web import graphdata

TOKEN = "unit-test-token"
TURTLE = b"<http://ex/s> <http://ex/p> 'o' ."


@pytest.fixture()
def writable(tmp_path: Path) -> FlaskClient:
    graphdata.build(tmp_path, graphdata.article_one())
    app = create_app(Settings(store=str(tmp_path), writable=True, update_token=TOKEN), {"TESTING": True})
    return app.test_client()


AUTH = {"Authorization": f"Bearer {TOKEN}"}


def test_get_a_named_graph(client: FlaskClient) -> None:
    url = "/store?" + urlencode({"graph": iris.article_graph("001")})
    response = client.get(url, headers={"Accept": "text/turtle"})
    assert response.status_code == 200 and response.mimetype == "text/turtle"
    graph = rdflib.Graph().parse(data=response.get_data(), format="turtle")
    assert (rdflib.URIRef(iris.article_iri("001")), rdflib.DCTERMS.title, None) in graph


def test_missing_graph_is_404_for_get_and_head(client: FlaskClient) -> None:
    assert client.get("/store?graph=http://ex/none").status_code == 404
    assert client.head("/store?graph=http://ex/none").status_code == 404


def test_head_existing_graph(client: FlaskClient) -> None:
    response = client.head("/store?" + urlencode({"graph": iris.KB_GRAPH}), headers={"Accept": "application/n-triples"})
    assert response.status_code == 200 and response.mimetype == "application/n-triples"


@pytest.mark.parametrize(("accept", "fmt"), [("application/n-quads", "nquads"), ("application/trig", "trig")])
def test_whole_dataset_keeps_the_graphs(client: FlaskClient, accept: str, fmt: str) -> None:
    response = client.get("/store", headers={"Accept": accept})
    assert response.status_code == 200
    dataset = rdflib.Dataset()
    dataset.parse(data=response.get_data(), format=fmt)
    assert {str(g.identifier) for g in dataset.graphs()} >= {iris.KB_GRAPH, iris.article_graph("001")}


def test_bad_graph_parameters(client: FlaskClient) -> None:
    assert client.get("/store?graph=not%20an%20iri").status_code == 400
    assert client.get("/store?graph=http://a/&default").status_code == 400
    assert client.get("/store?graph=http://a/", headers={"Accept": "text/csv"}).status_code in (404, 406)


def test_writes_refused_when_read_only(client: FlaskClient) -> None:
    for method in ("put", "post", "delete"):
        response = getattr(client, method)("/store?graph=http://ex/g", data=TURTLE, content_type="text/turtle")
        assert response.status_code == 403 and b"--writable" in response.get_data()


def test_writes_need_the_token(writable: FlaskClient) -> None:
    response = writable.put("/store?graph=http://ex/g", data=TURTLE, content_type="text/turtle")
    assert response.status_code == 401 and "Bearer" in response.headers["WWW-Authenticate"]
    response = writable.put("/store?graph=http://ex/g", data=TURTLE, content_type="text/turtle",
                            headers={"Authorization": "Bearer nope"})
    assert response.status_code == 401


def test_put_post_delete_cycle(writable: FlaskClient) -> None:
    url = "/store?graph=http://ex/g"
    assert writable.put(url, data=TURTLE, content_type="text/turtle", headers=AUTH).status_code == 201
    assert writable.put(url, data=TURTLE, content_type="text/turtle", headers=AUTH).status_code == 204
    more = b'<http://ex/s> <http://ex/p> "o2" .'
    assert writable.post(url, data=more, content_type="application/n-triples", headers=AUTH).status_code == 204
    body = writable.get(url, headers={"Accept": "application/n-triples"}).get_data(as_text=True)
    assert body.count("\n") == 2
    query = "SELECT (COUNT(*) AS ?n) { GRAPH <http://ex/g> { ?s ?p ?o } }"
    result = writable.get("/sparql?" + urlencode({"query": query})).get_json()
    assert result["results"]["bindings"][0]["n"]["value"] == "2"
    assert writable.delete(url, headers=AUTH).status_code == 204
    assert writable.delete(url, headers=AUTH).status_code == 404
    assert writable.get(url).status_code == 404


def test_post_creates_a_graph_with_a_location(writable: FlaskClient) -> None:
    response = writable.post("/store", data=TURTLE, content_type="text/turtle", headers=AUTH)
    assert response.status_code == 201
    location = response.headers["Location"]
    assert writable.get("/store?" + urlencode({"graph": location})).status_code == 200
    assert writable.get(location.removeprefix("http://localhost")).status_code == 200


def test_multipart_post_merges_every_part(writable: FlaskClient) -> None:
    from io import BytesIO

    data = {"a": (BytesIO(b"<http://ex/s> <http://ex/p> 1 ."), "a.ttl", "text/turtle"),
            "b": (BytesIO(b'<http://ex/s> <http://ex/p> "2" .'), "b.nt")}
    response = writable.post("/store?graph=http://ex/m", data=data, content_type="multipart/form-data", headers=AUTH)
    assert response.status_code == 201
    body = writable.get("/store?graph=http://ex/m", headers={"Accept": "application/n-triples"}).get_data()
    assert body.count(b"\n") == 2


@pytest.mark.parametrize(("data", "content_type", "status"), [
    (b"this is not turtle", "text/turtle", 400),
    (TURTLE, "image/png", 415),
    (TURTLE, "application/n-quads", 415),
    (TURTLE, None, 415),
])
def test_bad_payloads(writable: FlaskClient, data: bytes, content_type: str | None, status: int) -> None:
    response = writable.put("/store?graph=http://ex/bad", data=data, content_type=content_type, headers=AUTH)
    assert response.status_code == status, response.get_data()
    assert b"Traceback" not in response.get_data()


def test_default_graph_is_the_stored_default_graph(writable: FlaskClient) -> None:
    assert writable.put("/store?default", data=TURTLE, content_type="text/turtle", headers=AUTH).status_code == 204
    body = writable.get("/store?default", headers={"Accept": "application/n-triples"}).get_data(as_text=True)
    assert body.strip() == "<http://ex/s> <http://ex/p> \"o\" ."
