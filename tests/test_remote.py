"""kg.remote: the remote store backend, against real ``oxigraph serve`` processes."""

from __future__ import annotations

import http.server
import io
import shutil
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from pyoxigraph import (
    BlankNode,
    CanonicalizationAlgorithm,
    Dataset,
    Literal,
    NamedNode,
    Quad,
    RdfFormat,
    Store,
    parse,
    serialize,
)

from kg import iris
from kg import store as kg_store
from kg.remote import BUILD_GRAPH, Endpoints, RemoteOptions, RemoteStore
from kg.store import GenerationStore, StoreError
from kg.vocab import KGO
from tests.conftest import SEED_CORPUS, kg_cli
from tests.e2e.live import Oxigraph, free_port, oxigraph_server, recording_proxy, start_oxigraph

DCT_ID = NamedNode("http://purl.org/dc/terms/identifier")
_ARTICLE_GRAPHS = f"""SELECT ?g (COUNT(?h) AS ?n) WHERE {{ GRAPH ?g {{ ?article <{KGO.inputHash}> ?h }}
  FILTER(STRSTARTS(STR(?g), "{iris.GRAPH_BASE}article/")) }} GROUP BY ?g"""


def remote(url: str, write: str = "gsp", timeout: float = 30.0) -> RemoteStore:
    return RemoteStore(url, RemoteOptions(Endpoints.resolve(url), write=write, timeout=timeout))


@pytest.fixture
def oxigraph(tmp_path: Path) -> Iterator[Oxigraph]:
    with oxigraph_server(tmp_path / "db") as server:
        yield server


def canonical(quads: object) -> set[Quad]:
    """The quads with blank nodes canonically named, minus the build graph (for comparisons).

    They pass through an Oxigraph store first, which reads every integer type as xsd:integer
    (so does the embedded store); other servers, Virtuoso for one, keep xsd:nonNegativeInteger.
    """
    normalised = Store()
    normalised.extend(q for q in quads if q.graph_name != NamedNode(BUILD_GRAPH))  # type: ignore[attr-defined]
    dataset = Dataset(normalised)
    dataset.canonicalize(CanonicalizationAlgorithm.UNSTABLE)
    return set(dataset)


def remote_quads(store: RemoteStore) -> set[Quad]:
    out = io.BytesIO()
    store.dump(out, RdfFormat.N_QUADS)
    return canonical(parse(out.getvalue(), format=RdfFormat.N_QUADS))


def differences(got: set[Quad], expected: set[Quad]) -> list[str]:
    """A few quads on either side only, readable (for assertion messages)."""
    return [f"+ {q}" for q in sorted(map(str, got - expected))[:4]] + \
           [f"- {q}" for q in sorted(map(str, expected - got))[:4]] + [f"{len(got - expected)}/{len(expected - got)}"]


def embedded_quads(store_dir: Path) -> set[Quad]:
    return canonical(GenerationStore(store_dir).open_read())


def article_quads(article_id: str, digest: str) -> list[Quad]:
    graph = NamedNode(iris.article_graph(article_id))
    article = NamedNode(iris.article_iri(article_id))
    return [
        Quad(article, DCT_ID, Literal(article_id), graph),
        Quad(article, NamedNode(str(KGO.inputHash)), Literal(digest), graph),
        Quad(article, NamedNode("http://example.org/note"), BlankNode(), graph),
        Quad(graph, NamedNode(str(KGO.inputHash)), Literal(digest), graph),
    ]


@pytest.mark.parametrize("write", ["gsp", "update"])
def test_writer_replaces_hashes_and_removes_graphs(oxigraph: Oxigraph, write: str) -> None:
    store = remote(oxigraph.url, write)
    assert store.current_name() is None
    with pytest.raises(StoreError, match="no graph built yet"):
        store.open_read()
    graph = iris.article_graph("a1")
    with store.update() as writer:
        assert writer.article_hashes() == {}
        writer.replace_graph(graph, article_quads("a1", "old"))
        sent = serialize(article_quads("a1", "h1"), format=RdfFormat.N_QUADS)  # as a build worker sends it
        writer.replace_graph(graph, sent)  # replaces, never merges
        writer.remove_graph(iris.article_graph("absent"))
        assert writer.changed == 2
        assert writer.article_hashes() == {"a1": "h1"}
        assert writer.graph_hash(graph) == "h1"
        assert writer.graph_hash(iris.article_graph("absent")) is None
    first = store.current_name()
    assert first is not None and first.startswith("build-")
    assert remote_quads(store) == canonical(article_quads("a1", "h1"))
    merged = io.BytesIO()
    kg_store.dump(store, "nt", merged)  # the graph-by-graph dump of kg.store works on a remote store too
    triples = [q for q in parse(merged.getvalue(), format=RdfFormat.N_TRIPLES) if q.subject != NamedNode(BUILD_GRAPH)]
    assert canonical(triples) == canonical(Quad(q.subject, q.predicate, q.object) for q in article_quads("a1", "h1"))
    with store.update():
        pass  # nothing changed: the build id stays
    assert store.current_name() == first
    with store.update() as writer:
        writer.remove_graph(graph)
        assert writer.changed == 1
    assert store.current_name() not in (None, first)
    assert remote_quads(store) == set()


def test_refused_connection_is_a_store_error() -> None:
    url = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(StoreError, match=rf"remote store {url}/query: connection refused"):
        remote(url).current_name()


@pytest.fixture
def failing_server() -> Iterator[str]:
    """A server answering every request with 500 and a message."""
    class Handler(http.server.BaseHTTPRequestHandler):
        def _fail(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            body = b"boom: the disk is on fire\n" + b"x" * 5000
            self.send_response(500)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_POST = do_PUT = do_GET = do_DELETE = _fail

        def log_message(self, format: str, *args: object) -> None:
            """Quiet."""

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_http_error_quotes_status_and_start_of_message(failing_server: str) -> None:
    store = remote(failing_server)
    with pytest.raises(StoreError) as caught:
        store.put_graph("http://example.org/g", b"")
    message = str(caught.value)
    assert message.startswith(f"remote store {failing_server}/store: HTTP 500")
    assert "replacing graph <http://example.org/g>" in message and "boom: the disk is on fire" in message
    assert len(message) < 600  # only the start of the server's answer


def test_silent_server_times_out() -> None:
    with socket.socket() as listener:  # accepts connections (backlog) but never answers
        listener.bind(("127.0.0.1", 0))
        listener.listen(4)
        url = f"http://127.0.0.1:{listener.getsockname()[1]}"
        with pytest.raises(StoreError, match=rf"remote store {url}/query: timed out"):
            remote(url, timeout=0.3).current_name()


def _build(store: str, corpus: Path) -> tuple[int, str]:
    result = kg_cli("build", "--store", store, "--corpus", str(corpus), "--quiet")
    return result.returncode, result.stdout + result.stderr


def test_build_into_remote_equals_embedded_build(oxigraph: Oxigraph, seed_store: Path) -> None:
    code, output = _build(oxigraph.url, SEED_CORPUS)
    assert code == 0, output
    store = remote(oxigraph.url)
    build_id = store.current_name()
    assert build_id is not None and f"serving {build_id}" in output
    got, expected = remote_quads(store), embedded_quads(seed_store)
    assert got == expected, differences(got, expected)
    code, output = _build(oxigraph.url, SEED_CORPUS)
    assert code == 0 and "0 extracted, 5 unchanged" in output, output
    assert store.current_name() == build_id  # nothing changed, same build


def test_killed_server_stops_the_build_and_a_rerun_completes(tmp_path: Path, corpus_copy: Path,
                                                             seed_store: Path) -> None:
    location = tmp_path / "db"
    server = start_oxigraph(location)
    port = int(server.url.rsplit(":", 1)[1])
    article_puts: list[str] = []

    def kill_at_second_article(method: str, path: str, body: bytes) -> bool:
        if method == "PUT" and "graph%2Farticle%2F" in path:
            article_puts.append(path)
            if len(article_puts) == 2:
                server.kill()  # the server dies while the build writes its second article
                return True
        return False

    try:
        with recording_proxy(server.url, kill_at_second_article) as proxy:
            code, output = _build(proxy.url, corpus_copy)
        assert code == 1, output
        assert "build stopped, a remote store keeps the graphs already written: " \
               f"remote store {proxy.url}/store: the server closed the " \
               "connection while sending PUT to it; 1 graph(s) were already replaced" in output
        code, output = _build(server.url, corpus_copy)  # the server is down: refused, said plainly
        assert code == 1 and f"remote store {server.url}/query: connection refused" in output, output

        server = start_oxigraph(location, port)
        store = remote(server.url)
        assert store.current_name() is None  # no build ever completed
        assert len(list(store.query(_ARTICLE_GRAPHS))) == 1  # type: ignore[arg-type]
        code, output = _build(server.url, corpus_copy)
        assert code == 0 and "4 extracted, 1 unchanged" in output, output
        counts = {row["g"].value: int(row["n"].value) for row in store.query(_ARTICLE_GRAPHS)}  # type: ignore
        assert len(counts) == 5 and set(counts.values()) == {1}
        got, expected = remote_quads(store), embedded_quads(seed_store)
        assert got == expected, differences(got, expected)
    finally:
        server.kill()


VIRTUOSO_INI = """[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql}
DisableUnixSocket = 1
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
[HTTPServer]
ServerPort = 127.0.0.1:{http}
ServerRoot = /var/lib/virtuoso-opensource-7/vsp
ServerThreads = 4
[SPARQL]
ResultSetMaxRows = 1000000
"""


@pytest.fixture
def virtuoso(tmp_path: Path) -> Iterator[str]:
    """A real Virtuoso (Debian's virtuoso-opensource) whose anonymous SPARQL user may write."""
    if not shutil.which("virtuoso-t") or not shutil.which("isql-vt"):
        pytest.skip("Virtuoso not installed (apt-get install virtuoso-opensource-7)")
    sql, http = free_port(), free_port()
    (tmp_path / "virtuoso.ini").write_text(VIRTUOSO_INI.format(dir=tmp_path, sql=sql, http=http))
    with open(tmp_path / "out.log", "wb") as log:
        proc = subprocess.Popen(["virtuoso-t", "-f", "-c", str(tmp_path / "virtuoso.ini")], cwd=tmp_path,
                                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{http}"
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(url + "/sparql?query=ASK%7B%7D", timeout=5).read()
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError((tmp_path / "out.log").read_text()) from None
                time.sleep(0.5)
        grant = subprocess.run(["isql-vt", f"127.0.0.1:{sql}", "dba", "dba", 'exec=GRANT SPARQL_UPDATE TO "SPARQL";'],
                               capture_output=True, text=True, timeout=60)
        assert grant.returncode == 0, grant.stdout + grant.stderr
        yield url
    finally:
        proc.kill()
        proc.wait()


def graph_quads(store: RemoteStore) -> set[Quad]:
    """Our graphs on the server, read with standard queries only (one CONSTRUCT per graph)."""
    names = store.query(f'SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} '
                        f'FILTER(STRSTARTS(STR(?g), "{iris.GRAPH_BASE}")) }}')
    quads = []
    for row in names:  # type: ignore[union-attr]
        graph = row["g"]
        triples = store.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} }}")
        quads += [Quad(t.subject, t.predicate, t.object, graph) for t in triples]  # type: ignore[union-attr]
    return canonical(quads)


def test_build_into_virtuoso_equals_embedded_build(virtuoso: str, seed_store: Path) -> None:
    settings = {"KG_REMOTE_QUERY": "/sparql", "KG_REMOTE_UPDATE": "/sparql", "KG_REMOTE_GSP": "/sparql-graph-crud",
                "KG_REMOTE_WRITE": "gsp", "KG_REMOTE_UNION_PARAM": "none"}
    result = kg_cli("build", "--store", virtuoso, "--corpus", str(SEED_CORPUS), "--quiet", env=settings)
    assert result.returncode == 0, result.stderr
    endpoints = Endpoints.resolve(virtuoso, "/sparql", "/sparql", "/sparql-graph-crud")
    store = RemoteStore(virtuoso, RemoteOptions(endpoints, union_param=""))
    got, expected = graph_quads(store), embedded_quads(seed_store)
    assert got == expected, differences(got, expected)
    assert store.current_name() is not None
    again = kg_cli("build", "--store", virtuoso, "--corpus", str(SEED_CORPUS), "--quiet", env=settings)
    assert again.returncode == 0 and "0 extracted, 5 unchanged" in again.stdout, again.stderr
