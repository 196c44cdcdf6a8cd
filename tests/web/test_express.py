"""The express lane: cheap /sparql queries answered before Flask, with Flask's exact response;
everything else (errors included) left to Flask."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

import pytest
from flask import Flask
from werkzeug.test import Client, TestResponse

from kg.web import fastpath
from kg.web.express import ExpressLane

ARTICLE = "https://w3id.org/kg-news/id/article/001"
FORM = "application/x-www-form-urlencoded"
Send = Callable[[Client], TestResponse]


def get(query: str, accept: str = "application/sparql-results+json", **params: str) -> Send:
    return lambda c: c.get("/sparql?" + urlencode({"query": query, **params}), headers={"Accept": accept})


def post_form(query: str, accept: str = "application/sparql-results+json", content_type: str = FORM,
              **params: str) -> Send:
    return lambda c: c.post("/sparql", data=urlencode({"query": query, **params}),
                            headers={"Accept": accept, "Content-Type": content_type})


def post_body(query: str, content_type: str = "application/sparql-query", **params: str) -> Send:
    return lambda c: c.post("/sparql?" + urlencode(params), data=query.encode("utf-8"),
                            headers={"Accept": "text/csv", "Content-Type": content_type})


ANSWERED = {
    "GET json": get(f"SELECT * WHERE {{ <{ARTICLE}> ?p ?o }}"),
    "GET csv": get("SELECT ?o WHERE { ?s a ?o } LIMIT 3", "text/csv"),
    "GET format parameter": get("SELECT * { ?s ?p ?o } LIMIT 2", "text/csv", format="", output="tsv"),
    "POST form": post_form("ASK { ?s a ?t }", "application/sparql-results+xml"),
    "POST form utf-8": post_form("SELECT * { ?s ?p ?o } LIMIT 2", content_type=FORM + "; charset=UTF-8"),
    "POST query body": post_body("SELECT ?s { ?s a ?t } LIMIT 2"),
    "DESCRIBE turtle": get(f"DESCRIBE <{ARTICLE}>", "text/turtle"),
    "relative IRI": get("SELECT * WHERE { <x> ?p ?o }"),
    "worker": get("SELECT (COUNT(*) AS ?n) { ?s ?p ?o }", "text/csv"),
    "worker, graph": post_form(f"CONSTRUCT {{ <{ARTICLE}> ?p ?o }} WHERE {{ <{ARTICLE}> ?p ?o }}", "text/turtle"),
    "worker, streamed": get("SELECT * { ?s ?p ?o } ORDER BY ?s ?p ?o LIMIT 5000", "text/csv"),
}
WORKER_ERRORS = {
    "malformed": get("SELECT * WHERE { ?s ?p . ?x }"),
    "unacceptable format": get("SELECT (COUNT(*) AS ?n) { ?s ?p ?o }", "image/png"),
}
LEFT_TO_FLASK = {
    "update": get("INSERT DATA { <urn:a> <urn:b> <urn:c> }"),
    "update as a parameter": lambda c: c.get("/sparql?update=CLEAR%20ALL"),
    "SERVICE": get("SELECT * { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"),
    "undeclared prefix (cheap)": get("SELECT * WHERE { ex:a ?p ?o }"),
    "unacceptable format": get("SELECT * { ?s ?p ?o } LIMIT 1", "image/png"),
    "two queries": lambda c: c.get("/sparql?query=ASK%7B%7D&query=ASK%7B%7D"),
    "empty query": get(" "),
    "dataset parameter": get("SELECT * { ?s ?p ?o } LIMIT 1", **{"default-graph-uri": ARTICLE}),
    "latin-1 body": post_body("ASK {}", "application/sparql-query; charset=latin-1"),
    "other media type": post_form("ASK { ?s ?p ?o }", content_type="text/plain"),
    "HEAD": lambda c: c.head("/sparql?query=ASK%7B%3Fs%20%3Fp%20%3Fo%7D"),
    "trailing slash": lambda c: c.get("/sparql/?query=ASK%7B%3Fs%20%3Fp%20%3Fo%7D"),
    "no query": lambda c: c.get("/sparql", headers={"Accept": "text/csv"}),
}


@pytest.fixture()
def lane(app: Flask) -> ExpressLane:
    assert isinstance(app.wsgi_app, ExpressLane)
    return app.wsgi_app


def responses(lane: ExpressLane, send: Send, monkeypatch: pytest.MonkeyPatch) -> tuple[TestResponse, TestResponse, int]:
    """The response through the lane, Flask's own response, and how often the lane passed to Flask."""
    passed: list[int] = []
    flask = lane.flask
    monkeypatch.setattr(lane, "flask", lambda environ, start: passed.append(1) or flask(environ, start))
    through = send(Client(lane))
    return through, send(Client(flask)), len(passed)


def same(a: TestResponse, b: TestResponse) -> bool:
    return (a.status, a.get_data(), a.headers.to_wsgi_list()) == (b.status, b.get_data(), b.headers.to_wsgi_list())


@pytest.mark.parametrize("name", ANSWERED)
def test_cheap_queries_get_flasks_exact_response_without_flask(
        lane: ExpressLane, monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    through, flask, passed = responses(lane, ANSWERED[name], monkeypatch)
    assert passed == 0
    assert through.status_code == 200 and through.get_data()
    assert same(through, flask)


@pytest.mark.parametrize("name", WORKER_ERRORS)
def test_worker_errors_get_flasks_error_response(lane: ExpressLane, monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    through, flask, passed = responses(lane, WORKER_ERRORS[name], monkeypatch)
    assert passed == 0 and through.status_code in (400, 406)
    assert same(through, flask)


@pytest.mark.parametrize("name", LEFT_TO_FLASK)
def test_everything_else_is_left_to_flask(lane: ExpressLane, monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    through, flask, passed = responses(lane, LEFT_TO_FLASK[name], monkeypatch)
    assert passed == 1
    assert same(through, flask)


def test_over_budget_answers_come_from_a_worker(lane: ExpressLane, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fastpath, "BUDGET_BYTES", 100)
    through, flask, passed = responses(lane, get("SELECT * { ?s ?p ?o } LIMIT 50", "text/csv"), monkeypatch)
    assert passed == 0 and through.status_code == 200 and len(through.get_data().splitlines()) == 51
    assert same(through, flask)


def test_the_result_cap_holds(app_factory, store_dir, monkeypatch: pytest.MonkeyPatch) -> None:
    lane = app_factory(store_dir, max_results=2).wsgi_app
    through, flask, passed = responses(lane, get("SELECT * { ?s ?p ?o }", "text/csv"), monkeypatch)
    assert passed == 0 and same(through, flask)
    assert through.headers["X-KG-Max-Results"] == "2" and len(through.get_data().splitlines()) == 3


def test_cors_requests_are_left_to_flask(app_factory, store_dir, monkeypatch: pytest.MonkeyPatch) -> None:
    lane = app_factory(store_dir, cors_origins=("https://app.example",)).wsgi_app
    send = lambda c: c.get("/sparql?query=ASK%7B%3Fs%20%3Fp%20%3Fo%7D", headers={"Origin": "https://app.example"})  # noqa: E731
    through, flask, passed = responses(lane, send, monkeypatch)
    assert passed == 1 and same(through, flask)
    assert through.headers["Access-Control-Allow-Origin"] == "https://app.example"


def test_an_oversized_body_is_left_to_flask(lane: ExpressLane, monkeypatch: pytest.MonkeyPatch) -> None:
    query = "ASK { ?s ?p ?o } #" + "x" * 30_000  # over the app's 20 000-byte limit
    through, flask, passed = responses(lane, post_form(query), monkeypatch)
    assert passed == 1 and through.status_code == 413 and same(through, flask)


def test_an_app_with_new_request_hooks_is_left_to_flask(app: Flask, lane: ExpressLane,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[str] = []
    app.before_request(lambda: seen.append("before") and None)
    through, flask, passed = responses(lane, get("ASK { ?s ?p ?o }"), monkeypatch)
    assert passed == 1 and seen == ["before", "before"] and same(through, flask)
