"""Results and dumps are streamed: bounded memory, many chunks, the producer stops when the client leaves."""

from __future__ import annotations

import json
import threading
import time
import tracemalloc
from pathlib import Path
from urllib.parse import urlencode

import pytest
from pyoxigraph import Literal, NamedNode, Quad

from kg.store import GenerationStore
from kg.web.streaming import ChunkReader, ChunkStream

ROWS = 100_000


@pytest.fixture(scope="module")
def big_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("big")
    graph, p = NamedNode("https://example.org/graph/big"), NamedNode("https://example.org/p")
    quads = (Quad(NamedNode(f"https://example.org/s/{i}"), p, Literal(f"value number {i}"), graph) for i in range(ROWS))
    with GenerationStore(path).update() as writer:
        writer.replace_graph(graph.value, quads)
    return path


def test_chunks_and_gzip() -> None:
    assert list(ChunkStream(lambda out: [out.write(b"ab") for _ in range(5)], chunk_bytes=4).start()) == [
        b"abab", b"abab", b"ab"]
    import gzip
    stream = ChunkStream(lambda out: out.write(b"x" * 100_000), gzip=True).start()
    assert gzip.decompress(b"".join(stream)) == b"x" * 100_000


def test_error_before_output_is_raised_by_start() -> None:
    def fail(out: ChunkStream) -> None:
        raise ValueError("nope")

    with pytest.raises(ValueError, match="nope"):
        ChunkStream(fail).start()


def test_close_stops_the_producer() -> None:
    stopped = threading.Event()

    def endless(out: ChunkStream) -> None:
        try:
            while True:
                out.write(b"x" * 1024)
        finally:
            stopped.set()

    stream = ChunkStream(endless, chunk_bytes=1024).start()
    next(stream)
    stream.close()
    assert stopped.wait(5), "the producer kept running after close()"


def test_chunk_reader() -> None:
    reader = ChunkReader(iter([b"ab", b"", b"cde"]))
    assert reader.read() == b"abcde"


@pytest.mark.slow
def test_100k_rows_stream_in_bounded_memory(big_store: Path, app_factory) -> None:
    client = app_factory(big_store).test_client()
    query = "SELECT ?s ?o WHERE { ?s <https://example.org/p> ?o }"
    tracemalloc.start()
    try:
        started = time.perf_counter()
        response = client.get("/sparql?" + urlencode({"query": query}), buffered=False)
        assert response.status_code == 200
        chunks, size, tail = 0, 0, b""
        for chunk in response.response:
            chunks += 1
            size += len(chunk)
            tail = (tail + chunk)[-200:]
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
        response.close()
    assert tail.endswith(b"]}}")
    assert size > 5_000_000 and chunks > 50
    assert peak < size / 4, f"peak Python memory {peak} for a {size}-byte response"
    assert elapsed < 20, f"100k rows took {elapsed:.1f}s"


@pytest.mark.slow
def test_100k_rows_parse_back(big_store: Path, app_factory) -> None:
    client = app_factory(big_store).test_client()
    response = client.get("/sparql?" + urlencode({"query": "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"}))
    assert json.loads(response.get_data())["results"]["bindings"][0]["n"]["value"] == str(ROWS)
    csv_body = client.get("/sparql?" + urlencode({"query": "SELECT ?s { ?s ?p ?o }", "format": "csv"})).get_data()
    assert csv_body.count(b"\r\n") == ROWS + 1


@pytest.mark.slow
def test_client_leaving_early_stops_the_query(big_store: Path, app_factory) -> None:
    client = app_factory(big_store).test_client()
    before = threading.active_count()
    response = client.get("/dump.nt", buffered=False)
    next(iter(response.response))
    response.close()
    deadline = time.monotonic() + 5
    while threading.active_count() > before and time.monotonic() < deadline:
        time.sleep(0.05)
    assert threading.active_count() <= before
