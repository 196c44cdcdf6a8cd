"""Every failure is a status and a short plain-text message: never a traceback."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from flask.testing import FlaskClient

from kg.web import execute


def assert_plain(response, status: int, *fragments: str) -> str:
    body = response.get_data(as_text=True)
    assert response.status_code == status, body
    assert response.mimetype == "text/plain"
    assert "Traceback" not in body and "File \"" not in body
    for fragment in fragments:
        assert fragment in body
    return body


def test_malformed_query_is_400_with_the_parser_message(client: FlaskClient) -> None:
    response = client.get("/sparql?" + urlencode({"query": "SELECT ?x WHERE {"}))
    assert_plain(response, 400, "malformed query", "error at 1:")


def test_malformed_query_by_post_is_400(client: FlaskClient) -> None:
    response = client.post("/sparql", data=b"SELEKT * {}", content_type="application/sparql-query")
    assert_plain(response, 400, "malformed query")


@pytest.mark.parametrize("query", ["", "   "])
def test_empty_query_is_400(client: FlaskClient, query: str) -> None:
    assert_plain(client.get("/sparql?" + urlencode({"query": query})), 400, "empty query")


def test_missing_query_is_400_when_rdf_not_acceptable(client: FlaskClient) -> None:
    response = client.post("/sparql", data={"default-graph-uri": "http://x/"}, headers={"Accept": "text/csv"})
    assert_plain(response, 400, "missing query")


def test_two_queries_are_400(client: FlaskClient) -> None:
    response = client.get("/sparql?query=ASK%7B%7D&query=SELECT%20*%20%7B%7D")
    assert_plain(response, 400, "more than one query")


@pytest.mark.parametrize("send", [
    lambda c: c.get("/sparql?" + urlencode({"query": "INSERT DATA { <a:a> <a:b> <a:c> }"})),
    lambda c: c.get("/sparql?" + urlencode({"update": "CLEAR ALL"})),
    lambda c: c.post("/sparql", data={"update": "CLEAR ALL"}),
    lambda c: c.post("/sparql", data=b"CLEAR ALL", content_type="application/sparql-update"),
    lambda c: c.post("/sparql", data=b"DROP SILENT ALL", content_type="application/sparql-query"),
    lambda c: c.post("/sparql", data={"query": "PREFIX ex: <http://ex/> DELETE WHERE { ?s ?p ?o }"}),
])
def test_updates_are_403(client: FlaskClient, send) -> None:
    assert_plain(send(client), 403, "read-only endpoint")


def test_service_is_refused(client: FlaskClient) -> None:
    query = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
    assert_plain(client.get("/sparql?" + urlencode({"query": query})), 400, "SERVICE is disabled")


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_wrong_method_is_405(client: FlaskClient, method: str) -> None:
    response = getattr(client, method)("/sparql?query=ASK%7B%7D")
    assert_plain(response, 405)
    assert set(response.headers["Allow"].replace(" ", "").split(",")) >= {"GET", "POST"}


@pytest.mark.parametrize(("content_type", "status"), [
    ("text/plain", 415), (None, 415), ("application/json", 415),
    ("application/sparql-query; charset=UTF-16", 415),
])
def test_unreadable_post_bodies(client: FlaskClient, content_type: str | None, status: int) -> None:
    response = client.post("/sparql", data=b"ASK {}", content_type=content_type)
    assert_plain(response, status)


def test_non_utf8_body_is_400(client: FlaskClient) -> None:
    response = client.post("/sparql", data=b"ASK { ?s ?p '\xff' }", content_type="application/sparql-query")
    assert_plain(response, 400, "UTF-8")


def test_large_direct_body_is_413(client: FlaskClient) -> None:
    query = "ASK {}" + " " * 30_000  # the test app allows 20 000 bytes
    response = client.post("/sparql", data=query.encode(), content_type="application/sparql-query")
    assert_plain(response, 413, "20000 bytes")


def test_large_form_body_is_413(client: FlaskClient) -> None:
    response = client.post("/sparql", data={"query": "ASK {}" + " " * 30_000})
    assert_plain(response, 413)


def test_long_url_is_414(client: FlaskClient) -> None:
    response = client.get("/sparql?" + urlencode({"query": "ASK {}" + " " * 30_000}))
    assert_plain(response, 414, "POST")


def test_unknown_path_is_404(client: FlaskClient) -> None:
    assert_plain(client.get("/nowhere"), 404)


@pytest.mark.parametrize("where", ["kg.web.execute.check_allowed", "kg.web.execute._run"])  # before / in a worker
def test_internal_error_is_a_short_500(client: FlaskClient, monkeypatch: pytest.MonkeyPatch,
                                       caplog: pytest.LogCaptureFixture, where: str) -> None:
    def explode(*args, **kwargs):
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(where, explode)
    response = client.get("/sparql?query=ASK%7B%7D")
    body = assert_plain(response, 500, "incident")
    assert "secret internal detail" not in body
    assert "secret internal detail" in caplog.text  # logged on the server, with its traceback


def test_bug_inside_a_query_worker_is_a_short_500(monkeypatch: pytest.MonkeyPatch,
                                                  caplog: pytest.LogCaptureFixture) -> None:
    """The worker reports an unexpected exception as a one-line 500; the traceback stays in the log."""
    import json
    from multiprocessing import Pipe

    from kg.web import executor
    from kg.web.jobs import QueryJob, StoreCache

    def explode(*args, **kwargs):
        raise KeyError("disk on fire")

    monkeypatch.setattr(executor, "perform", explode)
    parent, child = Pipe()
    executor.serve_one(child, QueryJob("ASK {}", "/nowhere"), StoreCache())
    message = parent.recv_bytes()
    assert message[:1] == b"E"
    error = json.loads(message[1:])
    assert error["status"] == 500 and "incident" in error["message"] and "disk on fire" not in error["message"]
    assert "disk on fire" in caplog.text


def test_bug_in_the_in_process_path_reaches_the_500_handler(client: FlaskClient, monkeypatch: pytest.MonkeyPatch,
                                                   caplog: pytest.LogCaptureFixture) -> None:
    from pyoxigraph import Store

    def explode(*args, **kwargs):
        raise KeyError("secret detail")

    monkeypatch.setattr(execute.jobs, "perform", explode)
    with client.application.test_request_context(), pytest.raises(KeyError):
        execute.run_query(Store(), "ASK {}")


def test_store_not_built_is_503(tmp_path, app_factory) -> None:
    client = app_factory(tmp_path / "empty").test_client()
    assert_plain(client.get("/sparql?query=ASK%7B%7D"), 503, "no graph built yet")
    assert_plain(client.get("/dump.ttl"), 503)
