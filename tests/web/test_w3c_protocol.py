"""Replay the W3C SPARQL 1.1 Protocol tests (../shared/conformance) against the app.

Query tests must pass as written. Update tests expecting success are skipped: the endpoint
is read-only (their 2xx expectation does not apply); the bad_* update tests expect a 4xx and
run as written.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import rdflib
from flask.testing import FlaskClient
from pyoxigraph import NamedNode, Quad, RdfFormat, parse

from kg.config import PROJECT_ROOT
from kg.store import GenerationStore

SUITE = PROJECT_ROOT.parent / "shared" / "conformance" / "w3c-protocol" / "protocol"
MF = rdflib.Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = rdflib.Namespace("http://www.w3.org/2011/http#")
CNT = rdflib.Namespace("http://www.w3.org/2011/content#")
HTS = rdflib.Namespace("http://www.w3.org/2011/http-statusCodes#")
UT = rdflib.Namespace("http://www.w3.org/2009/sparql/tests/test-update#")

pytestmark = pytest.mark.skipif(not (SUITE / "manifest.ttl").is_file(), reason="W3C protocol tests not available")


def _manifest() -> rdflib.Graph:
    base = "https://w3c.github.io/rdf-tests/sparql/sparql11/protocol/manifest.ttl"
    return rdflib.Graph().parse(SUITE / "manifest.ttl", format="turtle", publicID=base)


def _tests() -> list[tuple[str, rdflib.term.Node]]:
    if not (SUITE / "manifest.ttl").is_file():
        return []
    graph = _manifest()
    entries = next(graph.objects(None, MF.entries))
    return [(str(graph.value(t, MF.name)), t) for t in rdflib.collection.Collection(graph, entries)]


@pytest.fixture(scope="module")
def manifest() -> rdflib.Graph:
    return _manifest()


@pytest.fixture(scope="module")
def kasei_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """data1..3.nt, each in the named graph the manifest names it by."""
    path = tmp_path_factory.mktemp("w3c")
    with GenerationStore(path).update() as writer:
        for n in (1, 2, 3):
            graph = f"http://kasei.us/2009/09/sparql/data/data{n}.rdf"
            triples = parse(path=str(SUITE / f"data{n}.nt"), format=RdfFormat.N_TRIPLES)
            writer.replace_graph(graph, [Quad(t.subject, t.predicate, t.object, NamedNode(graph)) for t in triples])
    return path


def _requests(graph: rdflib.Graph, test: rdflib.term.Node) -> list[rdflib.term.Node]:
    connection = graph.value(test, MF.action)
    return list(rdflib.collection.Collection(graph, graph.value(connection, HT.requests)))


def _is_update(graph: rdflib.Graph, request: rdflib.term.Node) -> bool:
    headers = graph.value(request, HT.headers)
    header_nodes = rdflib.collection.Collection(graph, headers) if headers else []
    values = [str(graph.value(h, HT.fieldValue)) for h in header_nodes]
    chars = str(graph.value(graph.value(request, HT.body), CNT.chars)) if graph.value(request, HT.body) else ""
    return ("update=" in str(graph.value(request, HT.absolutePath)) or chars.startswith("update=")
            or any("sparql-update" in v for v in values))


def _status_ok(status: int, expected: set[rdflib.term.Node]) -> bool:
    classes = {HTS[f"StatusCode{status // 100}xx"]}
    return bool(classes & expected)


def _check_format(response, fmt: str, boolean: rdflib.term.Node | None) -> None:
    body = response.get_data()
    if fmt == "boolean":
        value = (json.loads(body)["boolean"] if response.mimetype.endswith("json")
                 else ET.fromstring(body).find("{http://www.w3.org/2005/sparql-results#}boolean").text == "true")
        if boolean is not None:
            assert value is boolean.toPython()
    elif fmt == "tabular":
        assert response.mimetype in ("application/sparql-results+json", "application/sparql-results+xml",
                                     "text/csv", "text/tab-separated-values")
    elif fmt == "RDF":
        rdflib.Graph().parse(data=body, format={"text/turtle": "turtle", "application/n-triples": "nt",
                                                "application/rdf+xml": "xml"}[response.mimetype])


@pytest.mark.parametrize(("name", "test"), _tests(), ids=lambda v: str(v).rsplit("#", 1)[-1] if "#" in str(v) else "")
def test_w3c_protocol(name: str, test: rdflib.term.Node, manifest: rdflib.Graph, kasei_store: Path,
                      app_factory) -> None:
    client: FlaskClient = app_factory(kasei_store).test_client()
    requests = _requests(manifest, test)
    sends_update = any(_is_update(manifest, r) for r in requests)
    for request in requests:
        expected = set(manifest.objects(manifest.value(request, HT.resp), MF.expectedStatus))
        if sends_update and HTS.StatusCode2xx in expected:
            pytest.skip("read-only endpoint: updates are refused with 403")
        headers = {}
        header_list = manifest.value(request, HT.headers)
        if header_list is not None:
            for header in rdflib.collection.Collection(manifest, header_list):
                headers[str(manifest.value(header, HT.fieldName))] = str(manifest.value(header, HT.fieldValue))
        body = manifest.value(request, HT.body)
        data = str(manifest.value(body, CNT.chars)).encode() if body is not None else None
        path = str(manifest.value(request, HT.absolutePath)).replace("/sparql/", "/sparql", 1)
        content_type = headers.pop("content-type", None)
        response = client.open(path, method=str(manifest.value(request, HT.methodName)), data=data,
                               headers=headers, content_type=content_type)
        assert _status_ok(response.status_code, expected), f"{name}: {response.status_code} {response.get_data()!r}"
        assert b"Traceback" not in response.get_data()
        fmt = manifest.value(manifest.value(request, HT.resp), MF.expectedFormat)
        if fmt is not None:
            _check_format(response, str(fmt), manifest.value(manifest.value(request, HT.resp), MF.expectedBoolean))
