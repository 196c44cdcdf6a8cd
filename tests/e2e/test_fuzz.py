"""Property: whatever a client sends — random or mutated queries, parameters, headers, bodies,
methods — the endpoint answers with a status below 500 and never a traceback.

The requests go through the whole app, query worker processes included (Flask test client),
thousands of them; a shorter run hits the real gunicorn server.
"""

from __future__ import annotations

import http.client
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.config import Settings
from kg.web import create_app
from tests.e2e.live import kg_server
from tests.web import graphdata

SEEDS = [
    "SELECT * WHERE { ?s ?p ?o } LIMIT 10",
    "PREFIX schema: <http://schema.org/> SELECT ?a ?t WHERE { ?a a schema:NewsArticle ; "
    "<http://purl.org/dc/terms/title> ?t } ORDER BY ?a",
    "ASK { <https://w3id.org/kg-news/id/person/alexander-lukashenko> ?p ?o }",
    "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } } LIMIT 5",
    "DESCRIBE <https://w3id.org/kg-news/id/person/alexander-lukashenko>",
    "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g HAVING (COUNT(*) > 1)",
    'SELECT ?x WHERE { ?x <http://www.w3.org/2000/01/rdf-schema#label> ?l FILTER(REGEX(?l, "^A", "i")) }',
    "SELECT (STRLEN(STR(?o)) AS ?n) WHERE { ?s ?p ?o } ORDER BY DESC(?n) LIMIT 3 OFFSET 1",
    "SELECT * WHERE { VALUES ?x { 1 2 3 } BIND(?x * 2 AS ?y) OPTIONAL { ?x ?p ?o } MINUS { ?x ?q 4 } }",
    "SELECT * WHERE { ?s <http://www.w3.org/2004/02/skos/core#broader>+ ?o }",
    "BASE <http://example.org/> PREFIX : <#> SELECT * FROM <g> FROM NAMED <h> WHERE { GRAPH ?g { :a ?p ?o } }",
    "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
    "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
    'SELECT ("\\u0053ERVICE" AS ?x) {} # SERVICE',
]
TOKENS = ["{", "}", "(", ")", "<", ">", "?x", "$y", "'", '"', '"""', "#", ".", ";", ",", "*", "+", "\\", "SELECT",
          "WHERE", "SERVICE", "GRAPH", "FILTER", "LIMIT 1", "LIMIT 99999999999999999999", "UNION", "OPTIONAL",
          "VALUES", "BIND", "AS", "a", "^^", "@en", "_:b", "[]", "()", "<<", ">>", "\x00", "\u2028", "𝔘", "\ufeff",
          "INSERT", "DELETE", "LOAD", "CLEAR ALL", "DROP", "FROM", "NAMED", "BASE <rel>", "PREFIX p: <x:>"]
ACCEPTS = [None, "*/*", "application/sparql-results+json", "application/sparql-results+xml", "text/csv",
           "text/tab-separated-values", "text/turtle", "application/n-triples", "application/ld+json",
           "application/rdf+xml", "application/trig", "text/html", "application/json;q=0", "*/*;q=0",
           "text/*;q=0.5, application/*;q=abc", ";;;,,,", "image/png"]
FORMATS = ["json", "xml", "csv", "tsv", "turtle", "ttl", "nt", "jsonld", "rdfxml", "html", "", "../../etc/passwd"]
CONTENT_TYPES = ["application/sparql-query", "application/sparql-update", "application/x-www-form-urlencoded",
                 "application/sparql-query; charset=latin-1", "text/plain", "multipart/form-data; boundary=x",
                 "text/turtle", "application/n-triples", "", "application/sparql-query; charset=utf-8"]
ALPHABET = "".join(chr(c) for c in range(1, 128)) + "éßЖ中𝔘\u2028\u00a0\ufeff\ufffd"
SAFE_TEXT = st.text(alphabet=ALPHABET, max_size=60)
HEADER_TEXT = st.text(alphabet="".join(chr(c) for c in range(32, 127)), max_size=40)


@st.composite
def mutated_query(draw: st.DrawFn) -> str:
    if draw(st.integers(0, 9)) == 0:
        return draw(st.text(alphabet=ALPHABET, max_size=200))
    text = draw(st.sampled_from(SEEDS))
    for _ in range(draw(st.integers(0, 4))):
        position = draw(st.integers(0, len(text)))
        action = draw(st.integers(0, 3))
        if action == 0:
            text = text[:position] + draw(st.sampled_from(TOKENS)) + text[position:]
        elif action == 1:
            end = min(len(text), position + draw(st.integers(1, 12)))
            text = text[:position] + text[end:]
        elif action == 2:
            text = text[:position] + draw(SAFE_TEXT) + text[position:]
        else:
            text = text[:position] + " " + draw(st.sampled_from(SEEDS)) + text[position:]
    return text


@dataclass(frozen=True)
class Call:
    method: str
    path: str
    params: list[tuple[str, str]]
    headers: dict[str, str]
    content_type: str | None
    body: bytes | None


@st.composite
def calls(draw: st.DrawFn) -> Call:
    query = draw(mutated_query())
    params: list[tuple[str, str]] = []
    for _ in range(draw(st.integers(0, 3))):
        name = draw(st.sampled_from(["format", "output", "results", "default-graph-uri", "named-graph-uri",
                                     "timeout", "using-graph-uri", "graph", "default", "query", "update"]))
        value = draw(st.one_of(st.sampled_from(FORMATS), SAFE_TEXT,
                               st.sampled_from(["https://w3id.org/kg-news/graph/kb", "urn:x", "http://ex/g"])))
        params.append((name, value))
    headers = {}
    accept = draw(st.one_of(st.sampled_from(ACCEPTS), HEADER_TEXT))
    if accept is not None:
        headers["Accept"] = accept
    if draw(st.booleans()):
        headers["Accept-Encoding"] = draw(st.sampled_from(["gzip", "identity", "*;q=0", "br"]))
    shape = draw(st.integers(0, 6))
    path = draw(st.sampled_from(["/sparql", "/sparql/", "/store", "/store/x/y.ttl"])) if shape == 6 else "/sparql"
    if shape in (0, 1):
        return Call("GET", path, [("query", query), *params], headers, None, None)
    if shape == 2:
        form = urllib.parse.urlencode([(draw(st.sampled_from(["query", "update"])), query), *params])
        return Call("POST", path, [], headers, "application/x-www-form-urlencoded", form.encode())
    if shape in (3, 4):
        body = query.encode() if draw(st.integers(0, 4)) else draw(st.binary(max_size=100))
        return Call("POST", path, params, headers, draw(st.sampled_from(CONTENT_TYPES)), body)
    if shape == 5:
        return Call("HEAD", path, [("query", query), *params], headers, None, None)
    method = draw(st.sampled_from(["GET", "HEAD", "PUT", "POST", "DELETE", "OPTIONS", "PATCH"]))
    return Call(method, path, params, headers, draw(st.sampled_from(CONTENT_TYPES)), draw(st.binary(max_size=80)))


@pytest.fixture(scope="module")
def fuzz_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("fuzz")
    graphdata.build(path, graphdata.article_one(), graphdata.article_two())
    return path


@pytest.fixture(scope="module")
def client(fuzz_store: Path) -> FlaskClient:
    app = create_app(Settings(store=str(fuzz_store), max_results=500, query_timeout=20), {"TESTING": True})
    return app.test_client()


def check(status: int, body: bytes) -> None:
    assert status < 500, body[:500]
    assert b"Traceback" not in body and b'File "' not in body


def send(client: FlaskClient, call: Call) -> None:
    url = call.path + ("?" + urllib.parse.urlencode(call.params) if call.params else "")
    response = client.open(url, method=call.method, headers=call.headers, content_type=call.content_type,
                           data=call.body)
    check(response.status_code, response.get_data())


@settings(max_examples=1200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                    HealthCheck.too_slow], database=None)
@given(call=calls())
def test_no_5xx_for_any_request(client: FlaskClient, call: Call) -> None:
    send(client, call)


@pytest.mark.slow
@settings(max_examples=20_000, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                      HealthCheck.too_slow], database=None)
@given(call=calls())
def test_no_5xx_for_any_request_long(client: FlaskClient, call: Call) -> None:
    send(client, call)


@pytest.fixture(scope="module")
def live(fuzz_store: Path) -> Iterator[str]:
    with kg_server(fuzz_store, "--workers", "2", "--max-results", "500") as base:
        yield base.removeprefix("http://")


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow], database=None)
@given(call=calls())
def test_no_5xx_from_the_real_server(live: str, call: Call) -> None:
    connection = http.client.HTTPConnection(live, timeout=60)
    try:
        url = call.path + ("?" + urllib.parse.urlencode(call.params) if call.params else "")
        headers = dict(call.headers)
        if call.content_type is not None:
            headers["Content-Type"] = call.content_type
        connection.request(call.method, url, body=call.body, headers=headers)
        response = connection.getresponse()
        check(response.status, response.read())
    finally:
        connection.close()
