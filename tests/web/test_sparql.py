"""/sparql: the SPARQL 1.1 Protocol query operation, formats and negotiation."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from urllib.parse import urlencode

import pytest
import rdflib
from flask.testing import FlaskClient

from kg import iris
from tests.web import graphdata

ARTICLES = "PREFIX schema: <http://schema.org/> SELECT ?a ?title WHERE { ?a a schema:NewsArticle ; " \
           "<http://purl.org/dc/terms/title> ?title } ORDER BY ?a"
CONSTRUCT = ("PREFIX schema: <http://schema.org/> "
             "CONSTRUCT { ?a a schema:NewsArticle } WHERE { ?a a schema:NewsArticle }")
SRX = "{http://www.w3.org/2005/sparql-results#}"
ARTICLE_1 = iris.article_iri("001")
ARTICLE_2 = iris.article_iri("002")


def get(client: FlaskClient, query: str, accept: str | None = None, **params: str):
    headers = {"Accept": accept} if accept else {}
    return client.get("/sparql?" + urlencode({"query": query, **params}), headers=headers)


def bindings(response) -> list[dict[str, str]]:
    data = json.loads(response.get_data())
    return [{k: v["value"] for k, v in row.items()} for row in data["results"]["bindings"]]


def test_get_select_json(client: FlaskClient) -> None:
    response = get(client, ARTICLES)
    assert response.status_code == 200
    assert response.content_type == "application/sparql-results+json"
    assert [row["a"] for row in bindings(response)] == [ARTICLE_1, ARTICLE_2]


def test_post_form(client: FlaskClient) -> None:
    response = client.post("/sparql", data={"query": ARTICLES})
    assert response.status_code == 200
    assert len(bindings(response)) == 2


def test_post_direct(client: FlaskClient) -> None:
    response = client.post("/sparql", data=ARTICLES.encode(), content_type="application/sparql-query")
    assert response.status_code == 200
    assert len(bindings(response)) == 2


def test_post_direct_with_utf8_charset(client: FlaskClient) -> None:
    response = client.post("/sparql", data=b"ASK { ?s ?p \"Lukashenko\" }",
                           content_type="application/sparql-query; charset=UTF-8")
    assert response.status_code == 200


def test_select_xml(client: FlaskClient) -> None:
    response = get(client, ARTICLES, "application/sparql-results+xml")
    assert response.content_type == "application/sparql-results+xml"
    root = ET.fromstring(response.get_data())
    assert [v.get("name") for v in root.iter(SRX + "variable")] == ["a", "title"]
    assert [u.text for u in root.iter(SRX + "uri")] == [ARTICLE_1, ARTICLE_2]


def test_select_csv(client: FlaskClient) -> None:
    response = get(client, ARTICLES, "text/csv")
    assert response.content_type == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [r["a"] for r in rows] == [ARTICLE_1, ARTICLE_2]
    assert rows[1]["title"] == "Lukashenko doubts"


def test_select_tsv(client: FlaskClient) -> None:
    response = get(client, ARTICLES, "text/tab-separated-values")
    assert response.content_type == "text/tab-separated-values; charset=utf-8"
    lines = response.get_data(as_text=True).splitlines()
    assert lines[0] == "?a\t?title"
    assert lines[1].split("\t") == [f"<{ARTICLE_1}>", '"Lukashenko meets Patrushev"']


@pytest.mark.parametrize(("accept", "parse"), [
    ("application/sparql-results+json", lambda b: json.loads(b)["boolean"]),
    ("application/sparql-results+xml", lambda b: ET.fromstring(b).find(SRX + "boolean").text == "true"),
])
def test_ask(client: FlaskClient, accept: str, parse) -> None:
    response = get(client, "ASK { ?s a <http://schema.org/NewsArticle> }", accept)
    assert response.status_code == 200
    assert parse(response.get_data()) is True


@pytest.mark.parametrize(("accept", "rdflib_format"), [
    ("text/turtle", "turtle"), ("application/n-triples", "nt"),
    ("application/ld+json", "json-ld"), ("application/rdf+xml", "xml"),
])
def test_construct_formats(client: FlaskClient, accept: str, rdflib_format: str) -> None:
    response = get(client, CONSTRUCT, accept)
    assert response.status_code == 200
    assert response.mimetype == accept
    graph = rdflib.Graph().parse(data=response.get_data(), format=rdflib_format)
    subjects = set(graph.subjects(rdflib.RDF.type, rdflib.URIRef("http://schema.org/NewsArticle")))
    assert subjects == {rdflib.URIRef(ARTICLE_1), rdflib.URIRef(ARTICLE_2)}


def test_describe_defaults_to_turtle(client: FlaskClient) -> None:
    response = get(client, f"DESCRIBE <{ARTICLE_1}>")
    assert response.mimetype == "text/turtle"
    graph = rdflib.Graph().parse(data=response.get_data(), format="turtle")
    assert (rdflib.URIRef(ARTICLE_1), rdflib.DCTERMS.title, rdflib.Literal("Lukashenko meets Patrushev")) in graph


def test_turtle_uses_project_prefixes_and_plain_literals(client: FlaskClient) -> None:
    query = f"CONSTRUCT WHERE {{ <{ARTICLE_1}> <http://purl.org/dc/terms/title> ?t }}"
    body = get(client, query, "text/turtle").get_data(as_text=True)
    assert "@prefix dcterms:" in body
    assert "xsd:string" not in body and "XMLSchema#string" not in body


def test_default_graph_is_union_of_named_graphs(client: FlaskClient) -> None:
    rows = bindings(get(client, "SELECT (COUNT(DISTINCT ?g) AS ?n) { GRAPH ?g { ?s ?p ?o } }"))
    assert int(rows[0]["n"]) == 4  # ontology, KB and two articles
    label = "ASK { <https://w3id.org/kg-news/id/person/alexander-lukashenko> ?p ?o }"
    assert json.loads(get(client, label).get_data())["boolean"] is True


def test_default_graph_uri_restricts_the_dataset(client: FlaskClient) -> None:
    response = get(client, ARTICLES, **{"default-graph-uri": iris.article_graph("002")})
    assert [row["a"] for row in bindings(response)] == [ARTICLE_2]
    graphs = get(client, "SELECT ?g { GRAPH ?g { ?s ?p ?o } }", **{"default-graph-uri": iris.article_graph("002")})
    assert bindings(graphs) == []  # no named-graph-uri: no named graphs


def test_named_graph_uri(client: FlaskClient) -> None:
    query = "SELECT ?g (COUNT(*) AS ?n) { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } } GROUP BY ?g"
    response = get(client, query, **{"named-graph-uri": iris.article_graph("001")})
    rows = bindings(response)
    assert [row.get("g") for row in rows] == [iris.article_graph("001")]  # the default graph is empty


def test_dataset_parameters_in_post_form_and_url(client: FlaskClient) -> None:
    url = "/sparql?" + urlencode({"default-graph-uri": iris.article_graph("001")})
    response = client.post(url, data={"query": ARTICLES})
    assert [row["a"] for row in bindings(response)] == [ARTICLE_1]


def test_from_clause_in_query_is_honoured(client: FlaskClient) -> None:
    query = ARTICLES.replace("SELECT ?a ?title", f"SELECT ?a ?title FROM <{iris.article_graph('002')}>")
    assert [row["a"] for row in bindings(get(client, query))] == [ARTICLE_2]


def test_bad_dataset_iri_is_400(client: FlaskClient) -> None:
    response = get(client, ARTICLES, **{"default-graph-uri": "not an iri"})
    assert response.status_code == 400
    assert b"default-graph-uri" in response.get_data()


# -- negotiation ------------------------------------------------------------------------

@pytest.mark.parametrize(("accept", "expected"), [
    ("text/csv;q=0.5, application/sparql-results+xml;q=0.9", "application/sparql-results+xml"),
    ("text/csv, application/sparql-results+json;q=0.1", "text/csv"),
    ("application/json", "application/json"),
    ("text/*", "text/csv"),
    ("*/*", "application/sparql-results+json"),
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "application/xml"),
])
def test_accept_q_values(client: FlaskClient, accept: str, expected: str) -> None:
    response = get(client, ARTICLES, accept)
    assert response.status_code == 200
    assert response.mimetype == expected


@pytest.mark.parametrize(("fmt", "expected"), [
    ("json", "application/sparql-results+json"), ("xml", "application/sparql-results+xml"),
    ("csv", "text/csv"), ("tsv", "text/tab-separated-values"), ("text/csv", "text/csv"),
])
def test_format_parameter_overrides_accept(client: FlaskClient, fmt: str, expected: str) -> None:
    response = get(client, ARTICLES, "application/sparql-results+xml", format=fmt)
    assert response.mimetype == expected


def test_sparqlwrapper_style_parameters(client: FlaskClient) -> None:
    response = get(client, ARTICLES, "application/sparql-results+json",
                   format="json", output="json", results="json", timeout="0", unknown="x")
    assert response.status_code == 200
    assert len(bindings(response)) == 2


def test_output_parameter_for_graphs(client: FlaskClient) -> None:
    response = get(client, CONSTRUCT, None, output="ntriples")
    assert response.mimetype == "application/n-triples"
    response = get(client, CONSTRUCT, None, format="json")
    assert response.mimetype == "application/ld+json"


def test_not_acceptable_is_406_with_message(client: FlaskClient) -> None:
    response = get(client, ARTICLES, "text/turtle")
    assert response.status_code == 406
    body = response.get_data(as_text=True)
    assert "SELECT" in body and "text/csv" in body
    response = get(client, CONSTRUCT, "text/csv")
    assert response.status_code == 406


def test_unknown_format_parameter_is_406(client: FlaskClient) -> None:
    response = get(client, ARTICLES, None, format="turtle")
    assert response.status_code == 406
    assert "json" in response.get_data(as_text=True)


def test_vary_accept(client: FlaskClient) -> None:
    assert "Accept" in get(client, ARTICLES).headers["Vary"]


# -- service description -------------------------------------------------------------------

SD = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")


@pytest.mark.parametrize(("accept", "fmt"), [(None, "turtle"), ("text/turtle", "turtle"),
                                             ("application/ld+json", "json-ld"), ("application/rdf+xml", "xml")])
def test_service_description(client: FlaskClient, accept: str | None, fmt: str) -> None:
    response = client.get("/sparql", headers={"Accept": accept} if accept else {})
    assert response.status_code == 200
    graph = rdflib.Graph().parse(data=response.get_data(), format=fmt)
    service = graph.value(predicate=rdflib.RDF.type, object=SD.Service)
    assert service is not None
    assert graph.value(service, SD.endpoint) == rdflib.URIRef("http://localhost/sparql")
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in graph
    result_formats = set(graph.objects(service, SD.resultFormat))
    assert rdflib.URIRef("http://www.w3.org/ns/formats/SPARQL_Results_JSON") in result_formats
    assert rdflib.URIRef("http://www.w3.org/ns/formats/Turtle") in result_formats


def test_missing_query_without_rdf_accept_is_400(client: FlaskClient) -> None:
    response = client.get("/sparql", headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 400
    assert "missing query" in response.get_data(as_text=True)


def test_head_request(client: FlaskClient) -> None:
    response = client.head("/sparql?" + urlencode({"query": ARTICLES}))
    assert response.status_code == 200
    assert response.content_type == "application/sparql-results+json"


def test_reloads_when_a_new_generation_is_served(tmp_path, app_factory) -> None:
    graphdata.build(tmp_path, graphdata.article_one())
    client = app_factory(tmp_path).test_client()
    assert len(bindings(get(client, ARTICLES))) == 1
    graphdata.build(tmp_path, graphdata.article_one(), graphdata.article_two())
    assert len(bindings(get(client, ARTICLES))) == 2


def test_trailing_slash_is_the_same_endpoint(client: FlaskClient) -> None:
    response = client.get("/sparql/", headers={"Accept": "text/turtle"})
    graph = rdflib.Graph().parse(data=response.get_data(), format="turtle")
    assert set(graph.objects(None, SD.endpoint)) == {rdflib.URIRef("http://localhost/sparql")}
    assert get(client, ARTICLES).status_code == 200


def test_relative_iris_resolve_against_the_endpoint(client: FlaskClient) -> None:
    response = get(client, "CONSTRUCT { <s> <p> 1 } WHERE {}", "application/n-triples")
    assert response.get_data(as_text=True).startswith("<http://localhost/s> <http://localhost/p>")
