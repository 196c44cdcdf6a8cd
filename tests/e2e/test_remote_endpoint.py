"""``kg serve --store http://…``: the endpoint in front of a real ``oxigraph serve`` answers like
the same endpoint in front of the embedded store (same seed build), with the same safety rules."""

from __future__ import annotations

import csv
import io
import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from pyoxigraph import (
    CanonicalizationAlgorithm,
    Dataset,
    NamedNode,
    Quad,
    QueryResultsFormat,
    QuerySolutions,
    RdfFormat,
    parse,
    parse_query_results,
)

from kg.queries import QUERIES_DIR, list_queries
from kg.remote import BUILD_GRAPH, Endpoints, RemoteOptions, RemoteStore, request
from kg.store import GenerationStore
from tests.conftest import kg_cli
from tests.e2e.live import Proxy, free_port, kg_server, oxigraph_server, recording_proxy

FLAGS = ("--query-timeout", "10", "--max-results", "200", "--workers", "2", "--threads", "2")
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


@pytest.fixture(scope="module")
def proxy(seed_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Proxy]:
    """A live ``oxigraph serve`` holding the seed build (and a build id), behind a recording proxy."""
    location = tmp_path_factory.mktemp("remote") / "db"
    with oxigraph_server(location, "--timeout-s", "15") as server:
        data = io.BytesIO()
        GenerationStore(seed_store).open_read().dump(data, RdfFormat.N_QUADS)
        loaded = request("POST", server.url + "/store", body=data.getvalue(),
                         headers={"Content-Type": "application/n-quads"})
        assert loaded.status in (200, 201, 204), loaded.read()
        loaded.close()
        RemoteStore(server.url, RemoteOptions(Endpoints.resolve(server.url))).mark_build()
        with recording_proxy(server.url) as recorder:
            yield recorder


@pytest.fixture(scope="module")
def remote(proxy: Proxy, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with kg_server(proxy.url, *FLAGS, log_dir=tmp_path_factory.mktemp("remote-logs")) as base:
        yield base


@pytest.fixture(scope="module")
def embedded(seed_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with kg_server(seed_store, *FLAGS, log_dir=tmp_path_factory.mktemp("embedded-logs")) as base:
        yield base


def get(url: str, accept: str | None = None) -> tuple[int, dict[str, str], bytes]:
    req = urllib.request.Request(url, headers={"Accept": accept} if accept else {})
    try:
        with urllib.request.urlopen(req, timeout=60) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


def sparql(base: str, query: str, accept: str | None = None, **params: str) -> tuple[int, dict[str, str], bytes]:
    return get(f"{base}/sparql?" + urllib.parse.urlencode({"query": query, **params}), accept)


def rows(body: bytes, fmt: QueryResultsFormat) -> list[str]:
    """The solutions as sorted strings, blank nodes blanked (their labels are arbitrary)."""
    solutions = parse_query_results(body, fmt)
    assert isinstance(solutions, QuerySolutions)
    names = [v.value for v in solutions.variables]
    out = []
    for row in solutions:
        terms = [row[name] for name in names]
        out.append(" ".join("_:b" if type(t).__name__ == "BlankNode" else str(t) for t in terms))
    return sorted(out)


def graph(body: bytes, fmt: RdfFormat) -> set[Quad]:
    """The quads (without the remote build graph), blank nodes canonically named."""
    dataset = Dataset(q for q in parse(body, format=fmt) if q.graph_name != NamedNode(BUILD_GRAPH))
    dataset.canonicalize(CanonicalizationAlgorithm.UNSTABLE)
    return set(dataset)


def test_every_canned_query_returns_the_same_rows(remote: str, embedded: str) -> None:
    queries = list_queries(QUERIES_DIR)
    assert len(queries) >= 5
    for query in queries:
        ours = get(f"{remote}/queries/{query.name}?format=json")
        theirs = get(f"{embedded}/queries/{query.name}?format=json")
        assert ours[0] == theirs[0] == 200, (query.name, ours[2][:300])
        expected = rows(theirs[2], QueryResultsFormat.JSON)
        assert expected, query.name  # the comparison means something
        assert rows(ours[2], QueryResultsFormat.JSON) == expected, query.name
        assert json.loads(ours[2])["head"] == json.loads(theirs[2])["head"]


SELECT = "SELECT ?s ?label WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label } ORDER BY ?s ?label"


@pytest.mark.parametrize(("accept", "fmt"), [("application/sparql-results+json", QueryResultsFormat.JSON),
                                             ("application/sparql-results+xml", QueryResultsFormat.XML),
                                             ("text/tab-separated-values", QueryResultsFormat.TSV)])
def test_select_in_each_format(remote: str, embedded: str, accept: str, fmt: QueryResultsFormat) -> None:
    ours, theirs = sparql(remote, SELECT, accept), sparql(embedded, SELECT, accept)
    assert ours[0] == theirs[0] == 200, ours[2][:300]
    assert ours[1]["Content-Type"] == theirs[1]["Content-Type"]
    assert ours[1]["X-KG-Max-Results"] == "200"
    assert len(rows(ours[2], fmt)) == 200  # capped
    assert rows(ours[2], fmt) == rows(theirs[2], fmt)


def test_select_as_csv_and_ask(remote: str, embedded: str) -> None:
    ours, theirs = sparql(remote, SELECT, format="csv"), sparql(embedded, SELECT, format="csv")
    assert ours[0] == 200 and ours[1]["Content-Type"] == "text/csv; charset=utf-8"
    assert list(csv.reader(io.StringIO(ours[2].decode()))) == list(csv.reader(io.StringIO(theirs[2].decode())))
    for query, answer in [("ASK { ?s a <http://schema.org/Person> }", True), ("ASK { ?s a <urn:nothing> }", False)]:
        status, headers, body = sparql(remote, query, "application/sparql-results+xml")
        assert status == 200 and headers["Content-Type"] == "application/sparql-results+xml"
        assert bool(parse_query_results(body, QueryResultsFormat.XML)) is answer


CONSTRUCT = "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH <https://w3id.org/kg-news/graph/ontology> { ?s ?p ?o } }"


@pytest.mark.parametrize(("accept", "fmt"), [("text/turtle", RdfFormat.TURTLE),
                                             ("application/n-triples", RdfFormat.N_TRIPLES),
                                             ("application/rdf+xml", RdfFormat.RDF_XML),
                                             ("application/ld+json", RdfFormat.JSON_LD)])
def test_construct_in_each_format(remote: str, embedded: str, accept: str, fmt: RdfFormat) -> None:
    query = CONSTRUCT + " LIMIT 150"
    ours, theirs = sparql(remote, query, accept), sparql(embedded, query, accept)
    assert ours[0] == theirs[0] == 200, ours[2][:300]
    assert ours[1]["Content-Type"] == theirs[1]["Content-Type"]
    assert len(graph(ours[2], fmt)) == 150
    assert graph(ours[2], fmt) == graph(theirs[2], fmt)


def test_construct_is_capped_like_the_embedded_endpoint(remote: str, embedded: str) -> None:
    query = "CONSTRUCT WHERE { ?s ?p ?o }"
    ours, theirs = sparql(remote, query, "application/n-triples"), sparql(embedded, query, "application/n-triples")
    assert ours[0] == 200 and ours[1]["X-KG-Max-Results"] == "200"
    assert ours[2].count(b"\n") == theirs[2].count(b"\n") == 200


def test_service_outside_the_allowlist_never_reaches_the_remote(remote: str, proxy: Proxy) -> None:
    query = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
    status, _, body = sparql(remote, query)
    assert status == 400 and b"SERVICE is disabled" in body
    assert proxy.seen  # the remote was asked other things …
    assert not any(b"SERVICE" in urllib.parse.unquote_to_bytes(sent) for _, _, sent in proxy.seen)  # … never this


def test_updates_are_refused_and_not_forwarded(remote: str, proxy: Proxy) -> None:
    status, _, body = sparql(remote, "INSERT DATA { <urn:a> <urn:b> <urn:c> }")
    assert status == 403, body
    assert not any(b"INSERT" in urllib.parse.unquote_to_bytes(sent) for _, _, sent in proxy.seen)


def test_a_slow_query_times_out_with_503(remote: str) -> None:
    status, headers, body = sparql(remote, SLOW)
    assert status == 503, body
    assert b"query timed out: stopped after 10 s" in body and headers["Retry-After"] == "5"


def test_a_rejected_query_is_a_400_with_the_servers_words(remote: str) -> None:
    status, _, body = sparql(remote, "SELECT ?x WHERE { ?x ?y }")
    assert status == 400 and body.startswith(b"400 Bad Request: query rejected by the remote store: ")


def test_unreachable_remote_is_a_503(remote: str, proxy: Proxy) -> None:
    proxy.hook = lambda method, path, body: True  # the remote drops every connection
    try:
        status, _, body = sparql(remote, SELECT)
    finally:
        proxy.hook = None
    assert status == 503 and b"unavailable" in body
    assert sparql(remote, SELECT)[0] == 200  # back when the remote is


def test_dumps_hold_the_same_graph(remote: str, embedded: str) -> None:
    for ext, fmt in [("nq", RdfFormat.N_QUADS), ("trig", RdfFormat.TRIG), ("ttl", RdfFormat.TURTLE)]:
        ours, theirs = get(f"{remote}/dump.{ext}"), get(f"{embedded}/dump.{ext}")
        assert ours[0] == theirs[0] == 200
        assert ours[1]["Content-Type"] == theirs[1]["Content-Type"]
        assert ours[1]["X-KG-Generation"].startswith("build-")
        expected = graph(theirs[2], fmt)
        got = graph(ours[2], fmt)
        if fmt == RdfFormat.TURTLE:  # merged triples: the build graph's two triples come along
            assert len(got - expected) == 2 and expected <= got
        else:
            assert got == expected


def test_graph_store_reads(remote: str, embedded: str) -> None:
    url = "/store?graph=" + urllib.parse.quote("https://w3id.org/kg-news/graph/ontology", safe="")
    ours, theirs = get(remote + url, "text/turtle"), get(embedded + url, "text/turtle")
    assert ours[0] == theirs[0] == 200
    assert graph(ours[2], RdfFormat.TURTLE) == graph(theirs[2], RdfFormat.TURTLE)
    missing = get(remote + "/store?graph=" + urllib.parse.quote("https://example.org/none", safe=""))
    assert missing[0] == 404 and b"no graph <https://example.org/none>" in missing[2]


def test_pages_render(remote: str) -> None:
    status, _, body = get(remote + "/", "text/html")
    assert status == 200 and b"Overview" in body
    status, _, body = get(remote + "/dumps", "text/html")
    assert status == 200 and b"generation <code>build-" in body
    status, _, body = get(remote + "/id/person/alexander-lukashenko", "text/html")
    assert status == 200 and b"Lukashenko" in body


def test_serve_refuses_an_unreachable_remote_store() -> None:
    url = f"http://127.0.0.1:{free_port()}"
    result = kg_cli("serve", "--store", url, "--port", str(free_port()), timeout=60)
    assert result.returncode == 1
    assert f"kg: error: remote store {url}/query: connection refused" in result.stderr


def test_serve_refuses_writable_mode_on_a_remote_store() -> None:
    url = f"http://127.0.0.1:{free_port()}"
    result = kg_cli("serve", "--store", url, "--port", str(free_port()), "--writable", "--no-auth", timeout=60)
    assert result.returncode == 1
    assert "--writable is not available with a remote store; write to the remote server itself" in result.stderr
