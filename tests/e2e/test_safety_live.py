"""The real server survives hostile queries: runaway queries are killed at the timeout, limits
hold, outbound calls are refused, writes need the token, and it keeps answering afterwards."""

from __future__ import annotations

import http.client
import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.e2e.live import free_port, kg_server

CROSS_JOIN_COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
CROSS_JOIN_ROWS = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
TIMEOUT = 2
TOKEN = "test-token-not-a-secret"


def request(url: str, data: bytes | None = None, headers: dict[str, str] | None = None,
            method: str | None = None, timeout: float = 60) -> tuple[int, dict[str, str], bytes]:
    req = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


def query_url(base: str, query: str, **params: str) -> str:
    return f"{base}/sparql?{urllib.parse.urlencode({'query': query, **params})}"


@pytest.fixture(scope="module")
def server(seed_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    store = tmp_path_factory.mktemp("safety") / "store"
    subprocess.run(["cp", "-a", str(seed_store), str(store)], check=True)
    with kg_server(store, "--workers", "2", "--query-timeout", str(TIMEOUT), "--max-results", "50",
                   "--writable", env={"KG_UPDATE_TOKEN": TOKEN}) as base:
        yield base


def test_runaway_count_is_stopped_at_the_timeout_and_the_server_answers_next(server: str) -> None:
    started = time.monotonic()
    status, headers, body = request(query_url(server, CROSS_JOIN_COUNT), headers={"Accept": "application/json"})
    elapsed = time.monotonic() - started
    assert status == 503, body
    assert b"timed out" in body and b"Traceback" not in body
    assert headers.get("Retry-After")
    assert elapsed < TIMEOUT + 10
    status, _, body = request(query_url(server, "ASK { ?s ?p ?o }"), headers={"Accept": "application/json"})
    assert status == 200 and json.loads(body)["boolean"] is True


def test_runaway_stream_is_cut_at_the_timeout(server: str) -> None:
    """A query that streams rows for minutes: capped at --max-results rows, so it ends quickly."""
    status, _, body = request(query_url(server, CROSS_JOIN_ROWS), headers={"Accept": "text/csv"})
    assert status == 200
    assert body.count(b"\r\n") == 51  # header + 50 rows


def test_runaway_construct_is_stopped_mid_stream(server: str) -> None:
    """Without a row cap in force (CONSTRUCT with a huge template), the stream is cut at the timeout."""
    query = "CONSTRUCT { ?a ?b ?c } WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i FILTER(?c = ?i && ?a = ?g && ?b = ?h) }"
    started = time.monotonic()
    status, _, body = request(query_url(server, query), headers={"Accept": "application/n-triples"})
    assert time.monotonic() - started < TIMEOUT + 10
    assert status in (200, 503)  # 503 before the first byte; after it the connection is dropped
    assert b"Traceback" not in body
    status, _, _ = request(query_url(server, "ASK {}"))
    assert status == 200


def test_concurrent_runaways_do_not_block_selective_queries(server: str) -> None:
    import threading

    results: list[int] = []
    threads = [threading.Thread(target=lambda: results.append(request(query_url(server, CROSS_JOIN_COUNT))[0]))
               for _ in range(3)]
    for thread in threads:
        thread.start()
    time.sleep(0.5)
    status, _, _ = request(query_url(server, "ASK { ?s ?p ?o }"), timeout=TIMEOUT + 10)
    assert status == 200
    for thread in threads:
        thread.join(60)
    assert results == [503, 503, 503]


def test_service_is_refused(server: str) -> None:
    query = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{free_port()}/sparql> {{ ?s ?p ?o }} }}"
    status, _, body = request(query_url(server, query))
    assert status == 400 and b"SERVICE" in body


def test_request_size_limits(server: str) -> None:
    big = "ASK {}" + " " * 2_000_000
    headers = {"Content-Type": "application/sparql-query"}
    status, _, body = request(f"{server}/sparql", data=big.encode(), headers=headers)
    assert status == 413, body
    connection = http.client.HTTPConnection(server.removeprefix("http://"), timeout=30)
    connection.request("GET", "/sparql?query=" + "x" * 20_000)
    assert connection.getresponse().status in (400, 414)
    connection.close()


def test_writes_need_the_token(server: str) -> None:
    update = b"INSERT DATA { GRAPH <urn:kg:test> { <urn:a> <urn:b> 'c' } }"
    headers = {"Content-Type": "application/sparql-update"}
    status, response_headers, body = request(f"{server}/sparql", data=update, headers=headers)
    assert status == 401 and "Bearer" in response_headers.get("WWW-Authenticate", "")
    status, _, _ = request(f"{server}/sparql", data=update, headers={**headers, "Authorization": "Bearer wrong"})
    assert status == 401
    status, _, body = request(f"{server}/sparql", data=update, headers={**headers, "Authorization": f"Bearer {TOKEN}"})
    assert status == 204, body
    status, _, body = request(query_url(server, "ASK { GRAPH <urn:kg:test> { <urn:a> <urn:b> 'c' } }"),
                              headers={"Accept": "application/json"})
    assert json.loads(body)["boolean"] is True
    status, _, _ = request(f"{server}/store?graph=urn:kg:test", method="DELETE")
    assert status == 401
    status, _, _ = request(f"{server}/store?graph=urn:kg:test", method="DELETE",
                           headers={"Authorization": f"Bearer {TOKEN}"})
    assert status == 204


def test_load_is_refused(server: str) -> None:
    update = f"LOAD <http://127.0.0.1:{free_port()}/data.ttl>".encode()
    status, _, body = request(f"{server}/sparql", data=update, headers={
        "Content-Type": "application/sparql-update", "Authorization": f"Bearer {TOKEN}"})
    assert status == 400 and b"LOAD" in body


@pytest.mark.parametrize(("args", "env", "message"), [
    (["--writable"], {"KG_UPDATE_TOKEN": ""}, "KG_UPDATE_TOKEN"),
    (["--writable", "--no-auth", "--host", "0.0.0.0"], {}, "refused"),
    (["--no-auth"], {}, "--writable"),
])
def test_unsafe_write_settings_are_refused(seed_store: Path, args: list[str], env: dict[str, str],
                                           message: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "kg.cli", "serve", "--store", str(seed_store), "--port", str(free_port()), *args],
        cwd=ROOT, capture_output=True, text=True, timeout=60, env={**os.environ, **env})
    assert result.returncode == 1
    assert message in result.stderr
