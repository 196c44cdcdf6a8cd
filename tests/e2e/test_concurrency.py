"""Readers never see a half-written graph: while writes switch generations under a running
server, every answer comes entirely from one generation (the old or the new one)."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from pyoxigraph import Literal, NamedNode, Quad

from kg.store import GenerationStore, StoreError
from tests.e2e.live import kg_server

GRAPH = "urn:kg:test:versions"
TRIPLES = 200
QUERY = (f"SELECT (COUNT(*) AS ?n) (MIN(STR(?v)) AS ?lo) (MAX(STR(?v)) AS ?hi) "
         f"WHERE {{ GRAPH <{GRAPH}> {{ ?s <urn:kg:test:version> ?v }} }}")


def write_version(store: Path, version: int) -> None:
    quads = [Quad(NamedNode(f"urn:kg:test:s{i}"), NamedNode("urn:kg:test:version"), Literal(f"v{version:04d}"),
                  NamedNode(GRAPH)) for i in range(TRIPLES)]
    with GenerationStore(store).update() as writer:
        writer.replace_graph(GRAPH, quads)


def test_readers_see_old_or_new_never_half(tmp_path: Path) -> None:
    store = tmp_path / "store"
    write_version(store, 0)
    answers: list[tuple[int, str, str]] = []
    failures: list[str] = []
    with kg_server(store, "--workers", "2") as base:
        url = f"{base}/sparql?{urllib.parse.urlencode({'query': QUERY})}"
        done = threading.Event()

        def read() -> None:
            while not done.is_set():
                try:
                    request = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
                    with urllib.request.urlopen(request, timeout=30) as resp:
                        row = json.loads(resp.read())["results"]["bindings"][0]
                    answers.append((int(row["n"]["value"]), row["lo"]["value"], row["hi"]["value"]))
                except Exception as err:  # every failure is reported below
                    failures.append(repr(err))

        readers = [threading.Thread(target=read) for _ in range(4)]
        for reader in readers:
            reader.start()
        try:
            for version in range(1, 9):
                try:
                    write_version(store, version)
                except StoreError as err:  # pragma: no cover - nothing else writes here
                    pytest.fail(str(err))
        finally:
            done.set()
            for reader in readers:
                reader.join(30)
    assert not failures, failures[:3]
    assert answers
    seen = set()
    for n, lo, hi in answers:
        assert n == TRIPLES and lo == hi, f"a mixed answer: {n} triples, versions {lo}..{hi}"
        seen.add(lo)
    assert len(seen) > 1, "the readers never saw a new generation"


def test_a_write_during_a_build_gets_a_clear_error(tmp_path: Path) -> None:
    """Builds and server writes share the store's build lock: whoever comes second is told."""
    store = tmp_path / "store"
    write_version(store, 0)
    update = b"INSERT DATA { GRAPH <urn:kg:test:other> { <urn:a> <urn:b> 'c' } }"
    with kg_server(store, "--workers", "2", "--writable", "--no-auth") as base:
        def post() -> tuple[int, bytes]:
            request = urllib.request.Request(f"{base}/sparql", data=update,
                                             headers={"Content-Type": "application/sparql-update"})
            try:
                with urllib.request.urlopen(request, timeout=30) as resp:
                    return resp.status, resp.read()
            except urllib.error.HTTPError as err:
                return err.code, err.read()

        with GenerationStore(store).update() as writer:  # a build in progress
            writer.replace_graph(GRAPH, [])
            status, body = post()
            assert status == 503 and b"another" in body, body
        status, body = post()
        assert status == 204, body
