"""The W3C SPARQL 1.1 query-evaluation tests (../shared/conformance/w3c-query), run over HTTP.

Every data file of the suite is loaded into one store, each into the named graph whose IRI
is the file's published URL. A test then sends its query to ``/sparql`` with the protocol
dataset it needs (``default-graph-uri`` = its ``qt:data`` files, ``named-graph-uri`` = its
``qt:graphData`` files) and compares the answer with the expected result: SELECT results as
a multiset of solutions up to blank-node renaming, graphs by isomorphism, CSV/TSV as text.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import rdflib
from pyoxigraph import NamedNode, Quad, RdfFormat, parse
from rdflib.compare import isomorphic
from rdflib.query import Result

from kg.config import PROJECT_ROOT
from kg.store import GenerationStore
from kg.web import sparqltext

SUITE = PROJECT_ROOT.parent / "shared" / "conformance" / "w3c-query"
BASE = "https://w3c.github.io/rdf-tests/sparql/sparql11/"
MF = rdflib.Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
QT = rdflib.Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-query#")
RS = rdflib.Namespace("http://www.w3.org/2001/sw/DataAccess/tests/result-set#")
XSD_STRING = rdflib.XSD.string
EMPTY_GRAPH = "urn:kg:test:empty"
#: send(path, body, content_type, accept) -> (status, content type, body)
Send = Callable[[str, bytes, str, str], tuple[int, str, bytes]]


@dataclass(frozen=True)
class Case:
    name: str
    kind: str  # QueryEvaluationTest | NegativeSyntaxTest11 | CSVResultFormatTest
    query: Path
    data: tuple[str, ...]
    graph_data: tuple[str, ...]
    result: Path | None


def _local(iri: str) -> Path:
    return SUITE / iri[len(BASE):]


def cases() -> list[Case]:
    """Every test of every folder's manifest."""
    found = []
    for manifest in sorted(SUITE.glob("*/manifest.ttl")):
        folder = manifest.parent.name
        graph = rdflib.Graph().parse(manifest, format="turtle", publicID=f"{BASE}{folder}/manifest.ttl")
        entries = next(graph.objects(None, MF.entries), None)
        if entries is None:
            continue
        for test in rdflib.collection.Collection(graph, entries):
            kind = str(graph.value(test, rdflib.RDF.type)).rsplit("#", 1)[-1]
            action = graph.value(test, MF.action)
            result = graph.value(test, MF.result)
            if kind == "NegativeSyntaxTest11":
                query, data, graph_data = action, (), ()
            else:
                query = graph.value(action, QT.query)
                data = tuple(sorted(str(d) for d in graph.objects(action, QT.data)))
                graph_data = tuple(sorted(str(d) for d in graph.objects(action, QT.graphData)))
            found.append(Case(f"{folder}/{graph.value(test, MF.name)}", kind, _local(str(query)), data, graph_data,
                              _local(str(result)) if result is not None else None))
    return found


def build_store(path: Path, tests: list[Case]) -> None:
    """One generation holding every data file in the named graph of its IRI."""
    files = sorted({iri for case in tests for iri in (*case.data, *case.graph_data)})
    with GenerationStore(path).update() as writer:
        for iri in files:
            local = _local(iri)
            fmt = RdfFormat.from_extension(local.suffix[1:])
            triples = parse(path=str(local), format=fmt, base_iri=iri)
            writer.replace_graph(iri, [Quad(t.subject, t.predicate, t.object, NamedNode(iri)) for t in triples])


NUMERIC = {rdflib.XSD[t] for t in ("integer", "decimal", "float", "double", "int", "long", "short", "byte",
                                     "nonNegativeInteger", "positiveInteger", "negativeInteger",
                                     "nonPositiveInteger", "unsignedInt", "unsignedLong")}


def _norm(term: rdflib.term.Node | None) -> object:
    """A comparable form of a term: plain and xsd:string literals alike, numbers by value."""
    if isinstance(term, rdflib.Literal):
        if term.datatype == XSD_STRING:
            return rdflib.Literal(str(term))
        if term.datatype in NUMERIC:
            try:
                return ("number", term.datatype, float(term))
            except ValueError:
                return term
    return term


def _rows(result: Result) -> list[dict[str, rdflib.term.Node]]:
    return [{str(k): _norm(v) for k, v in row.asdict().items() if v is not None} for row in result]


def _published(path: Path) -> str:
    return BASE + str(path.relative_to(SUITE))


def _result_set_graph(path: Path) -> tuple[list[dict], bool | None]:
    graph = rdflib.Graph().parse(path, format="turtle" if path.suffix == ".ttl" else "xml", publicID=_published(path))
    result_set = next(graph.subjects(rdflib.RDF.type, RS.ResultSet))
    boolean = graph.value(result_set, RS.boolean)
    if boolean is not None:
        return [], boolean.toPython()
    rows = []
    for solution in graph.objects(result_set, RS.solution):
        rows.append({str(graph.value(b, RS.variable)): _norm(graph.value(b, RS.value))
                     for b in graph.objects(solution, RS.binding)})
    return rows, None


def _expected(path: Path) -> tuple[list[dict], bool | None]:
    suffix = path.suffix
    if suffix in (".ttl", ".rdf"):
        return _result_set_graph(path)
    fmt = {".srx": "xml", ".srj": "json", ".tsv": "tsv", ".csv": "csv"}[suffix]
    result = Result.parse(io.BytesIO(path.read_bytes()), format=fmt)
    if result.type == "ASK":
        return [], bool(result.askAnswer)
    return _rows(result), None


def _same_solutions(actual: list[dict], expected: list[dict]) -> bool:
    """Multiset equality up to a consistent renaming of blank nodes."""
    if len(actual) != len(expected):
        return False

    def shape(row: dict) -> frozenset:
        return frozenset((k, "_:" if isinstance(v, rdflib.BNode) else v) for k, v in row.items())

    if Counter(map(shape, actual)) != Counter(map(shape, expected)):
        return False
    if not any(isinstance(v, rdflib.BNode) for row in expected for v in row.values()):
        return True
    return _match(list(actual), list(expected), {})


def _match(actual: list[dict], expected: list[dict], mapping: dict) -> bool:
    if not expected:
        return True
    want = expected[0]
    for i, row in enumerate(actual):
        if row.keys() != want.keys():
            continue
        trial = dict(mapping)
        ok = True
        for key, value in want.items():
            got = row[key]
            if isinstance(value, rdflib.BNode) and isinstance(got, rdflib.BNode):
                if trial.setdefault(value, got) != got or list(trial.values()).count(got) > 1:
                    ok = False
                    break
            elif value != got:
                ok = False
                break
        if ok and _match(actual[:i] + actual[i + 1:], expected[1:], trial):
            return True
    return False


def _csv_rows(body: str, tsv: bool) -> Counter:
    """CSV/TSV rows as a multiset of (column, value) sets, blank nodes relabelled in order of appearance."""
    rows = list(csv.reader(io.StringIO(body), delimiter="\t" if tsv else ","))
    header, labels = rows[0], {}
    found = Counter()
    for row in rows[1:]:
        cells = []
        for name, value in zip(header, row, strict=False):
            if value.startswith("_:"):
                value = labels.setdefault(value, f"_:b{len(labels)}")
            cells.append((name, value))
        found[frozenset(cells)] += 1
    return found


def run(case: Case, send: Send) -> str | None:
    """Run one test through ``send``; None if it passed, else what went wrong."""
    text = case.query.read_text(encoding="utf-8")
    query_iri = BASE + str(case.query.relative_to(SUITE))
    body = f"BASE <{query_iri}>\n{text}".encode()
    if case.kind == "NegativeSyntaxTest11":
        status, _, answer = send("/sparql", body, "application/sparql-query", "*/*")
        return None if 400 <= status < 500 else f"expected 4xx, got {status}"
    params = [("default-graph-uri", d) for d in case.data or (EMPTY_GRAPH,)]
    params += [("named-graph-uri", g) for g in case.graph_data]
    if sparqltext.has_dataset_clause(text):
        params = []  # the query names its dataset (FROM): the graphs are in the store under those IRIs
    path = "/sparql?" + urlencode(params)
    assert case.result is not None
    if case.kind == "CSVResultFormatTest":
        tsv = case.result.suffix == ".tsv"
        accept = "text/tab-separated-values" if tsv else "text/csv"
        status, _, answer = send(path, body, "application/sparql-query", accept)
        if status != 200:
            return f"status {status}: {answer[:300]!r}"
        same = _csv_rows(answer.decode(), tsv) == _csv_rows(case.result.read_text(encoding="utf-8"), tsv)
        return None if same else f"CSV differs:\n{answer.decode()[:500]}"
    if case.result.suffix in (".ttl", ".rdf", ".nt") and not _is_result_set(case.result):
        status, _, answer = send(path, body, "application/sparql-query", "application/n-triples")
        if status != 200:
            return f"status {status}: {answer[:300]!r}"
        actual = rdflib.Graph().parse(data=answer, format="nt")
        fmt = {".ttl": "turtle", ".rdf": "xml", ".nt": "nt"}[case.result.suffix]
        expected = rdflib.Graph().parse(case.result, format=fmt, publicID=_published(case.result))
        return None if isomorphic(actual, expected) else "graphs differ"
    status, _, answer = send(path, body, "application/sparql-query", "application/sparql-results+json")
    if status != 200:
        return f"status {status}: {answer[:300]!r}"
    data = json.loads(answer)
    rows, boolean = _expected(case.result)
    if boolean is not None:
        return None if data.get("boolean") is boolean else f"expected {boolean}, got {data.get('boolean')}"
    actual = _rows(Result.parse(io.BytesIO(answer), format="json"))
    return None if _same_solutions(actual, rows) else f"solutions differ: got {actual[:5]}, expected {rows[:5]}"


def _is_result_set(path: Path) -> bool:
    if path.suffix == ".nt":
        return False
    text = path.read_text(encoding="utf-8", errors="replace")
    return "result-set#" in text and "ResultSet" in text
