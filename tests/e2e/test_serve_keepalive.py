"""The real ``kg serve`` on one keep-alive connection: whole answers (fast path and worker), a
streamed one, a runaway query killed with 503, errors, and the connection still good after each."""

from __future__ import annotations

import http.client
import json
import socket
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

import pytest

from tests.e2e.live import kg_server

CROSS_JOIN = "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


@pytest.fixture(scope="module")
def port(seed_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    with kg_server(seed_store, "--workers", "2", "--threads", "2", "--query-timeout", "3",
                   log_dir=tmp_path_factory.mktemp("keepalive")) as base:
        yield int(base.rsplit(":", 1)[1])


def ask(conn: http.client.HTTPConnection, query: str, accept: str) -> http.client.HTTPResponse:
    conn.request("GET", "/sparql?" + urllib.parse.urlencode({"query": query}), headers={"Accept": accept})
    return conn.getresponse()


def test_one_connection_serves_every_kind_of_answer(port: int) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        for _ in range(2):
            cheap = ask(conn, "SELECT * { ?s a ?t } LIMIT 5", "application/sparql-results+json")
            body = cheap.read()
            assert cheap.status == 200 and cheap.getheader("Content-Length") == str(len(body))
            assert len(json.loads(body)["results"]["bindings"]) == 5

            counted = ask(conn, "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }", "text/csv")  # a worker's whole answer
            assert counted.status == 200 and int(counted.read().split()[-1]) > 1000

            # cheap, but over the in-thread budget: streamed from a worker instead
            streamed = ask(conn, "SELECT * { ?s ?p ?o } LIMIT 5000", "text/tab-separated-values")
            assert streamed.status == 200 and streamed.getheader("Transfer-Encoding") == "chunked"
            rows = streamed.read().splitlines()
            assert len(rows) == 5001 and all(row.count(b"\t") == 2 for row in rows)

            runaway = ask(conn, CROSS_JOIN, "text/csv")
            assert runaway.status == 503 and b"timed out" in runaway.read()
            assert runaway.getheader("Retry-After")

            malformed = ask(conn, "SELECT * { ?s ?p }", "text/csv")
            assert malformed.status == 400 and b"malformed query" in malformed.read()
    finally:
        conn.close()


def test_more_connections_than_threads_are_all_answered(port: int) -> None:
    """Four keep-alive connections in turn on a process with two threads: a thread waiting for
    its connection's next request gives way to the others."""
    conns = [http.client.HTTPConnection("127.0.0.1", port, timeout=30) for _ in range(4)]
    try:
        for _ in range(5):
            for conn in conns:
                answer = ask(conn, "ASK { ?s ?p ?o }", "application/sparql-results+json")
                assert answer.status == 200 and json.loads(answer.read())["boolean"] is True
    finally:
        for conn in conns:
            conn.close()


def read_answer(reader: BinaryIO) -> tuple[int, bytes]:
    """One HTTP/1.1 response with a Content-Length from ``reader``: its status and body."""
    status = int(reader.readline().split()[1])
    length = 0
    while (line := reader.readline().strip()):
        name, _, value = line.decode("latin-1").partition(":")
        if name.lower() == "content-length":
            length = int(value)
    return status, reader.read(length)


def test_pipelined_requests_are_answered_in_order(port: int) -> None:
    queries = ["SELECT * { ?s a ?t } LIMIT 1", "SELECT * { ?s a ?t } LIMIT 2"]
    raw = "".join(f"GET /sparql?{urllib.parse.urlencode({'query': q})} HTTP/1.1\r\nHost: x\r\nAccept: text/csv\r\n\r\n"
                  for q in queries)
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock, sock.makefile("rb") as reader:
        sock.sendall(raw.encode("ascii"))
        for expected_rows in (2, 3):  # the header row and the solutions
            status, body = read_answer(reader)
            assert status == 200 and len(body.splitlines()) == expected_rows
