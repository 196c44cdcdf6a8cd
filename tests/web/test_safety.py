"""Safety of the endpoint: timeouts kill the work, results are capped, outbound calls and
writes are refused unless configured, CORS only for configured origins."""

from __future__ import annotations

import time
from pathlib import Path
from urllib.parse import urlencode

import pytest
from flask.testing import FlaskClient

from kg.config import Settings
from kg.web import auth, create_app, outbound
from kg.web.auth import ConfigError

CROSS_JOIN = "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def app_client(store: Path, **settings) -> FlaskClient:
    return create_app(Settings(store=str(store), **settings), {"TESTING": True}).test_client()


def test_timeout_kills_the_query_and_the_next_one_runs(store_dir: Path) -> None:
    client = app_client(store_dir, query_timeout=1)
    started = time.monotonic()
    response = client.get("/sparql?" + urlencode({"query": CROSS_JOIN}))
    assert response.status_code == 503 and b"timed out" in response.get_data()
    assert response.headers["Retry-After"]
    assert time.monotonic() - started < 10
    assert client.get("/sparql?query=ASK%7B%7D").status_code == 200


def test_results_are_capped(store_dir: Path) -> None:
    client = app_client(store_dir, max_results=7)
    response = client.get("/sparql?" + urlencode({"query": "SELECT * { ?s ?p ?o }", "format": "csv"}))
    assert response.headers["X-KG-Max-Results"] == "7"
    assert response.get_data().count(b"\r\n") == 8
    limited = client.get("/sparql?" + urlencode({"query": "SELECT * { ?s ?p ?o } LIMIT 3", "format": "csv"}))
    assert limited.get_data().count(b"\r\n") == 4
    graph = client.get("/sparql?" + urlencode({"query": "CONSTRUCT WHERE { ?s ?p ?o }", "format": "nt"}))
    assert graph.get_data().count(b"\n") == 7


def test_service_allow_list(store_dir: Path) -> None:
    allowed = "http://127.0.0.1:9/sparql"
    outbound.check_query("PREFIX e: <http://127.0.0.1:9/> SELECT * { SERVICE e:sparql { ?s ?p ?o } }", (allowed,))
    with pytest.raises(Exception, match="not allowed"):
        outbound.check_query("SELECT * { SERVICE <http://169.254.169.254/> { ?s ?p ?o } }", (allowed,))
    with pytest.raises(Exception, match="variable"):
        outbound.check_query("SELECT * { SERVICE ?x { ?s ?p ?o } }", (allowed,))
    with pytest.raises(Exception, match="disabled"):
        outbound.check_query(f"SELECT * {{ SERVICE <{allowed}> {{ ?s ?p ?o }} }}", ())
    outbound.check_query('SELECT * { ?s ?p "SERVICE <http://x/>" }', ())
    with pytest.raises(Exception, match="disabled"):
        outbound.check_query("SELECT * { \\u0053ERVICE <http://x/> { ?s ?p ?o } }", ())


def test_load_allow_list() -> None:
    with pytest.raises(Exception, match="LOAD is disabled"):
        outbound.check_update("LOAD <http://169.254.169.254/latest>", ())
    with pytest.raises(Exception, match="not allowed"):
        outbound.check_update("LOAD <http://169.254.169.254/latest>", ("http://ok/",))
    outbound.check_update("LOAD <http://ok/>", ("http://ok/",))
    outbound.check_update("INSERT DATA { <urn:a> <urn:b> 'LOAD <http://x/>' }", ())


def test_service_description_tells_the_mode(store_dir: Path) -> None:
    read_only = app_client(store_dir).get("/sparql", headers={"Accept": "text/turtle"}).get_data(as_text=True)
    assert "SPARQL11Update" not in read_only
    writable = app_client(store_dir, writable=True, no_auth=True)
    assert "SPARQL11Update" in writable.get("/sparql", headers={"Accept": "text/turtle"}).get_data(as_text=True)


@pytest.mark.parametrize(("settings", "message"), [
    ({"writable": True}, "KG_UPDATE_TOKEN"),
    ({"writable": True, "no_auth": True, "host": "0.0.0.0"}, "refused"),
    ({"writable": True, "no_auth": True, "host": "192.168.1.5"}, "refused"),
    ({"no_auth": True}, "--writable"),
])
def test_unsafe_settings_are_refused(store_dir: Path, settings: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        create_app(Settings(store=str(store_dir), **settings))


def test_no_auth_on_loopback_warns() -> None:
    warnings = auth.check_settings(Settings(writable=True, no_auth=True, host="::1"))
    assert warnings and "without authentication" in warnings[0]


def test_token_never_shown() -> None:
    assert "secret-value" not in repr(Settings(update_token="secret-value"))


def test_update_with_using_parameters(tmp_path: Path) -> None:
    from tests.web import graphdata

    graphdata.build(tmp_path, graphdata.article_one())
    client = app_client(tmp_path, writable=True, no_auth=True)
    setup = "INSERT DATA { GRAPH <http://ex/a> { <http://ex/s> a <http://ex/T> } }"
    assert client.post("/sparql", data={"update": setup}).status_code == 204
    update = "INSERT { GRAPH <http://ex/out> { ?s a <http://ex/Copied> } } WHERE { ?s a <http://ex/T> }"
    response = client.post("/sparql?" + urlencode({"using-graph-uri": "http://ex/a"}), data=update.encode(),
                           content_type="application/sparql-update")
    assert response.status_code == 204
    ask = "ASK { GRAPH <http://ex/out> { <http://ex/s> a <http://ex/Copied> } }"
    assert client.get("/sparql?" + urlencode({"query": ask})).get_json()["boolean"] is True
    conflict = client.post("/sparql?" + urlencode({"using-graph-uri": "http://ex/a"}),
                           data=b"WITH <http://ex/a> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
                           content_type="application/sparql-update")
    assert conflict.status_code == 400


def test_update_sent_as_a_query_is_400_when_writable(store_dir: Path) -> None:
    client = app_client(store_dir, writable=True, no_auth=True)
    response = client.get("/sparql?" + urlencode({"query": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"}))
    assert response.status_code == 400 and b"update=" in response.get_data()


def test_cors_off_by_default(client: FlaskClient) -> None:
    response = client.get("/sparql?query=ASK%7B%7D", headers={"Origin": "https://yasgui.example"})
    assert "Access-Control-Allow-Origin" not in response.headers


def test_cors_for_configured_origins(store_dir: Path) -> None:
    client = app_client(store_dir, cors_origins=("https://yasgui.example",))
    response = client.get("/sparql?query=ASK%7B%7D", headers={"Origin": "https://yasgui.example"})
    assert response.headers["Access-Control-Allow-Origin"] == "https://yasgui.example"
    assert "Origin" in response.headers["Vary"]
    other = client.get("/sparql?query=ASK%7B%7D", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in other.headers
    preflight = client.options("/sparql", headers={"Origin": "https://yasgui.example",
                                                   "Access-Control-Request-Method": "POST"})
    assert preflight.status_code == 200
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    assert "Authorization" in preflight.headers["Access-Control-Allow-Headers"]


def test_cors_any_origin(store_dir: Path) -> None:
    client = app_client(store_dir, cors_origins=("*",))
    response = client.get("/sparql?query=ASK%7B%7D", headers={"Origin": "https://any.example"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"
