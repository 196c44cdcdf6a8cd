"""Replay W3C HTTP-in-RDF test manifests (SPARQL Protocol, Graph Store Protocol) against a client.

Each test is an ``ht:Connection`` with a list of ``ht:Request``s and their expected
responses (status or status class, ``Content-Type``, ``Location``, an RDF body compared by
isomorphism, a boolean). As the ``rdf-test-suite`` runner does, protocol tests first load
their ``ut:graphData`` with ``DROP SILENT ALL ; INSERT DATA {…}`` and Graph Store tests
first DELETE every graph they address.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import rdflib
from rdflib.compare import isomorphic

from kg.config import PROJECT_ROOT

SUITE = PROJECT_ROOT.parent / "shared" / "conformance" / "w3c-protocol"
BASE = "https://w3c.github.io/rdf-tests/sparql/sparql11/"
MF = rdflib.Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = rdflib.Namespace("http://www.w3.org/2011/http#")
CNT = rdflib.Namespace("http://www.w3.org/2011/content#")
HTS = rdflib.Namespace("http://www.w3.org/2011/http-statusCodes#")
UT = rdflib.Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
STATUS = {"OK": 200, "Created": 201, "NoContent": 204, "NotFound": 404}
RDF_PARSERS = {"text/turtle": "turtle", "application/n-triples": "nt", "application/rdf+xml": "xml",
               "application/ld+json": "json-ld"}


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes


#: send(method, path, headers, body) -> response
Send = Callable[[str, str, dict[str, str], bytes | None], Response]


@dataclass
class Step:
    method: str
    path: str
    headers: dict[str, str]
    body: str | None
    statuses: set[int] = field(default_factory=set)
    classes: set[int] = field(default_factory=set)
    expected_headers: dict[str, str] = field(default_factory=dict)
    expected_body: str | None = None
    expected_format: str | None = None
    expected_boolean: bool | None = None
    location_variable: str | None = None


@dataclass
class Test:
    name: str
    steps: list[Step]
    graph_data: list[tuple[Path, str]]


def _headers(graph: rdflib.Graph, node: rdflib.term.Node) -> dict[str, str]:
    found = {}
    for headers in graph.objects(node, HT.headers):
        for header in rdflib.collection.Collection(graph, headers):
            found[str(graph.value(header, HT.fieldName)).lower()] = str(graph.value(header, HT.fieldValue))
    return found


def _step(graph: rdflib.Graph, request: rdflib.term.Node) -> Step:
    body = graph.value(request, HT.body)
    step = Step(str(graph.value(request, HT.methodName)), str(graph.value(request, HT.absolutePath)),
                _headers(graph, request), str(graph.value(body, CNT.chars)) if body is not None else None)
    response = graph.value(request, HT.resp)
    for status in graph.objects(response, MF.expectedStatus):
        name = str(status).rsplit("#", 1)[-1]
        if name.startswith("StatusCode"):
            step.classes.add(int(name[len("StatusCode")]))
        else:
            step.statuses.add(STATUS[name])
    step.expected_headers = _headers(graph, response)
    expected_body = graph.value(response, HT.body)
    if expected_body is not None:
        step.expected_body = str(graph.value(expected_body, CNT.chars))
    fmt = graph.value(response, MF.expectedFormat)
    step.expected_format = str(fmt) if fmt is not None else None
    boolean = graph.value(response, MF.expectedBoolean)
    step.expected_boolean = boolean.toPython() if boolean is not None else None
    location = graph.value(response, MF.expectedLocation)
    step.location_variable = str(location) if location is not None else None
    return step


def load(manifest: Path) -> list[Test]:
    """The tests of ``manifest`` and of the manifests it includes, in order."""
    folder = manifest.parent.name
    graph = rdflib.Graph().parse(manifest, format="turtle", publicID=f"{BASE}{folder}/{manifest.name}")
    tests: list[Test] = []
    for include in graph.objects(None, MF.include):
        for item in rdflib.collection.Collection(graph, include):
            tests += load(manifest.parent / str(item).rsplit("/", 1)[-1])
    for entries in graph.objects(None, MF.entries):
        for test in rdflib.collection.Collection(graph, entries):
            connection = graph.value(test, MF.action)
            requests = rdflib.collection.Collection(graph, graph.value(connection, HT.requests))
            data = [(manifest.parent / str(graph.value(d, UT.graph)).rsplit("/", 1)[-1],
                     str(graph.value(d, rdflib.RDFS.label))) for d in graph.objects(test, UT.graphData)]
            tests.append(Test(str(test).rsplit("#", 1)[-1], [_step(graph, r) for r in requests], data))
    return tests


def _load_data(test: Test, send: Send, endpoint: str) -> None:
    groups = []
    for path, graph_iri in test.graph_data:
        groups.append(f"GRAPH <{graph_iri}> {{ {path.read_text(encoding='utf-8')} }}")
    update = f"DROP SILENT ALL ;\nINSERT DATA {{ {' '.join(groups)} }}"
    response = send("POST", endpoint, {"content-type": "application/sparql-update"}, update.encode())
    assert response.status < 300, f"loading graph data failed: {response.status} {response.body!r}"


def _check_format(step: Step, response: Response) -> None:
    media = response.headers.get("content-type", "").split(";")[0].strip()
    if step.expected_format == "boolean":
        value = (json.loads(response.body)["boolean"] if media.endswith("json") else
                 ET.fromstring(response.body).find("{http://www.w3.org/2005/sparql-results#}boolean").text == "true")
        if step.expected_boolean is not None:
            assert value is step.expected_boolean, f"expected {step.expected_boolean}, got {value}"
    elif step.expected_format == "tabular":
        assert media in ("application/sparql-results+json", "application/sparql-results+xml", "text/csv",
                         "text/tab-separated-values"), media
    elif step.expected_format == "RDF":
        rdflib.Graph().parse(data=response.body, format=RDF_PARSERS[media])


def run(test: Test, send: Send, prefix: str, endpoint: str) -> None:
    """Replay ``test``: manifest paths starting with ``prefix`` go to ``endpoint``; raises AssertionError."""
    if test.graph_data:
        _load_data(test, send, endpoint)
    templates: dict[str, str] = {}
    if prefix == "/gsp":
        variables = [s.location_variable for s in test.steps if s.location_variable]
        for path in {s.path for s in test.steps if s.path != "/gsp" and not any(v in s.path for v in variables)}:
            send("DELETE", endpoint + path[len(prefix):], {}, None)
    for step in test.steps:
        path = step.path
        for variable, value in templates.items():
            path = path.replace(variable, value)
        url = endpoint + path[len(prefix):] if path.startswith(prefix) else path
        body = step.body
        if body is not None and step.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
            body = body.replace("\n", "")
        response = send(step.method, url, dict(step.headers), body.encode() if body is not None else None)
        assert b"Traceback" not in response.body
        ok = response.status in step.statuses or response.status // 100 in step.classes
        assert ok, f"{step.method} {url}: got {response.status} {response.body[:300]!r}"
        if step.location_variable:
            templates[step.location_variable] = response.headers["location"]
        for name, value in step.expected_headers.items():
            actual = response.headers.get(name, "")
            if name == "content-type":
                assert actual.split(";")[0].strip() == value.split(";")[0].strip(), f"{name}: {actual}"
            else:
                assert actual == value, f"{name}: {actual}"
        if step.expected_body is not None:
            media = response.headers.get("content-type", "").split(";")[0].strip()
            actual_graph = rdflib.Graph().parse(data=response.body, format=RDF_PARSERS[media], publicID=url)
            expected_graph = rdflib.Graph().parse(data=step.expected_body, format="turtle", publicID=url)
            assert isomorphic(actual_graph, expected_graph), f"body differs: {response.body[:500]!r}"
        if step.expected_format:
            _check_format(step, response)
