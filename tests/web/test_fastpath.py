"""The in-thread fast path: cheap queries skip the worker round trip, with the same answers and errors."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from flask.testing import FlaskClient

from kg.web import execute, fastpath, workers

ARTICLE = "https://w3id.org/kg-news/id/article/001"
CHEAP = [
    ("SELECT * WHERE { ?s ?p ?o } LIMIT 50", "application/sparql-results+json"),
    (f"SELECT * WHERE {{ <{ARTICLE}> ?p ?o }}", "application/sparql-results+json"),
    ("SELECT ?o WHERE { ?s a ?o } LIMIT 3", "text/csv"),
    ("ASK { ?s a ?t }", "application/sparql-results+xml"),
    (f"DESCRIBE <{ARTICLE}>", "application/n-triples"),
    (f"DESCRIBE <{ARTICLE}>", "text/turtle"),
]


@pytest.fixture()
def submitted(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """The jobs handed to worker processes during the test."""
    jobs: list[object] = []
    real = workers.Pool.submit

    def spy(self: workers.Pool, job: object, timeout: float) -> workers.Execution:
        jobs.append(job)
        return real(self, job, timeout)

    monkeypatch.setattr(workers.Pool, "submit", spy)
    return jobs


def get(client: FlaskClient, query: str, accept: str, **params: str) -> tuple[int, str, bytes, str | None]:
    response = client.get("/sparql?" + urlencode({"query": query, **params}), headers={"Accept": accept})
    return response.status_code, response.content_type, response.get_data(), response.headers.get("Content-Length")


@pytest.mark.parametrize(("query", "accept"), CHEAP)
def test_cheap_queries_skip_the_workers_with_the_same_answer(
        client: FlaskClient, submitted: list[object], monkeypatch: pytest.MonkeyPatch, query: str, accept: str) -> None:
    status, content_type, body, length = get(client, query, accept)
    assert status == 200 and body
    assert submitted == []
    assert length == str(len(body))  # sent whole
    monkeypatch.setattr(fastpath, "BUDGET_BYTES", 0)  # the same query through a worker
    assert get(client, query, accept)[:3] == (status, content_type, body)
    assert len(submitted) == 1


def test_over_budget_answers_come_from_a_worker_in_full(
        client: FlaskClient, submitted: list[object], monkeypatch: pytest.MonkeyPatch) -> None:
    query = "SELECT * WHERE { ?s ?p ?o } LIMIT 1000"
    _, _, whole, _ = get(client, query, "text/tab-separated-values")
    assert submitted == []
    monkeypatch.setattr(fastpath, "BUDGET_BYTES", 100)
    status, _, body, _ = get(client, query, "text/tab-separated-values")
    assert status == 200 and body == whole and len(body) > 100
    assert len(submitted) == 1


def test_other_queries_and_protocol_datasets_go_to_a_worker(client: FlaskClient, submitted: list[object]) -> None:
    assert get(client, "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }", "text/csv")[0] == 200
    assert get(client, "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 5", "application/n-triples")[0] == 200
    assert get(client, "SELECT * { ?s ?p ?o }", "text/csv", **{"default-graph-uri": "urn:x:nothing"})[0] == 200
    assert len(submitted) == 3


@pytest.mark.parametrize(("query", "accept", "status", "message"), [
    ("ASK { ?s ?p ?o }", "text/turtle", 406, b"none of the acceptable media types"),
    ("SELECT * { ?s ?p ?o } LIMIT -1", "text/csv", 400, b"malformed query"),
    ("SELECT * { ?s <relative> ?o }", "text/csv", 200, b""),  # resolved against the endpoint
])
def test_errors_are_those_of_the_worker_path(
        client: FlaskClient, submitted: list[object], monkeypatch: pytest.MonkeyPatch,
        query: str, accept: str, status: int, message: bytes) -> None:
    fast = get(client, query, accept)
    assert fast[0] == status and message in fast[2]
    assert submitted == []
    monkeypatch.setattr(fastpath, "BUDGET_BYTES", 0)
    assert get(client, query, accept)[:3] == fast[:3]


def test_result_cap_holds_on_the_fast_path(app_factory, store_dir, submitted: list[object]) -> None:
    client = app_factory(store_dir, max_results=2).test_client()
    status, _, body, _ = get(client, "SELECT * { ?s ?p ?o }", "text/csv")
    assert status == 200 and body.count(b"\r\n") == 3
    assert submitted == []


def test_an_unopenable_generation_is_left_to_the_worker_path(
        client: FlaskClient, submitted: list[object], monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(self):
        raise execute.SparqlError(503, "cannot open")

    monkeypatch.setattr("kg.web.graph.StoreHandle.store", property(broken))
    status, _, body, _ = get(client, "ASK { ?s ?p ?o }", "application/sparql-results+json")
    assert status == 200 and b"true" in body
    assert len(submitted) == 1
