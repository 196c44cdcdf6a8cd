"""Canned query files: strict header parsing, injection-safe binding, running."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pyoxigraph import Literal, NamedNode, Quad, QuerySolutions, Store, Variable

from kg.queries import (
    QUERIES_DIR,
    QueryError,
    QueryFileError,
    QueryNotFound,
    QueryParamError,
    list_queries,
    load_query,
    parse_query,
    resolve,
    run_canned,
)

GOOD = """\
#+ title: People by name
#+ description: Everybody called NAME,
#+   found by label.
#+ params:
#+   - name: who
#+     type: string
#+     default: "Alexander Lukashenko"
#+     description: the label
#+       to look for
#+   - name: since
#+     type: date
#+   - name: thing
#+     type: iri
#+     required: true
#+   - name: n
#+     type: integer
#+
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?s ?who ?since ?thing ?n WHERE { ?s rdfs:label ?who }
"""


def write(tmp_path: Path, text: str, name: str = "q") -> Path:
    path = tmp_path / f"{name}.rq"
    path.write_text(text, encoding="utf-8")
    return path


def test_parse_good_header(tmp_path: Path) -> None:
    query = parse_query(write(tmp_path, GOOD))
    assert query.name == "q"
    assert query.title == "People by name"
    assert query.description == "Everybody called NAME, found by label."
    who, since, thing, n = query.params
    assert (who.name, who.type, who.default, who.description) == ("who", "string", "Alexander Lukashenko",
                                                                 "the label to look for")
    assert (since.type, since.default, since.required) == ("date", None, False)
    assert thing.required and n.type == "integer"
    assert query.to_json()["parameters"][0] == {"name": "who", "type": "string", "default": "Alexander Lukashenko",
                                                "description": "the label to look for", "required": False}


BAD_HEADERS = [
    ("SELECT * {}\n", 1, "missing '#+ title:'"),
    ("#+ title: T\nSELECT * {}\n", 1, "missing '#+ description:'"),
    ("#+ title: T\n#+ description: D\n", 3, "no query after the header"),
    ("#+title: T\n#+ description: D\nSELECT * {}\n", 1, "followed by one space"),
    ("#+ title: T\n#+ title: U\n#+ description: D\nSELECT * {}\n", 2, "duplicate key 'title'"),
    ("#+ title: T\n#+ author: me\n#+ description: D\nSELECT * {}\n", 2, "unknown header key 'author'"),
    ("#+ title:\n#+ description: D\nSELECT * {}\n", 1, "must not be empty"),
    ("#+ title: T\n#+ description: D\n#+ params: x\nSELECT * {}\n", 3, "takes no value"),
    ("#+ title: T\n#+ description: D\n#+ params:\n#+   - name: x\n#+     colour: red\nSELECT ?x {}\n", 5,
     "unknown parameter key 'colour'"),
    ("#+ title: T\n#+ description: D\n#+ params:\n#+   - name: x\n#+     type: float\nSELECT ?x {}\n", 4,
     "unknown type 'float'"),
    ("#+ title: T\n#+ description: D\n#+ params:\n#+   - name: X\nSELECT ?X {}\n", 4, "must match"),
    ("#+ title: T\n#+ description: D\n#+ params:\n#+   - name: format\nSELECT ?format {}\n", 4, "reserved"),
    ("#+ title: T\n#+ description: D\n#+ params:\n#+   - name: x\n#+   - name: x\nSELECT ?x {}\n", 5,
     "duplicate parameter 'x'"),
    ("#+ title: T\n#+ description: D\n#+ params:\n#+   - name: x\n#+     type: date\n#+     default: 5 June\n"
     "SELECT ?x {}\n", 4, "bad default"),
    ("#+ title: T\n#+ description: D\n#+ params:\n#+   - name: x\n#+     required: yes\nSELECT ?x {}\n", 4,
     "required must be true or false"),
    ("#+ title: T\n#+ description: D\n#+ params:\n#+   - name: x\n#+     required: true\n#+     default: a\n"
     "SELECT ?x {}\n", 4, "cannot have a default"),
    ("#+ title: T\n#+ description: D\n#+ params:\n#+    - name: x\nSELECT ?x {}\n", 4, "unexpected indentation"),
    ("#+ title: T\n#+ description: D\n#+ params:\n#+   - name x\nSELECT ?x {}\n", 4, "expected 'key: value'"),
    ("#+ title: T\n#+ description: D\n#+ params:\n#+   - name: x\n#+ \tx: y\nSELECT ?x {}\n", 5, "tabs"),
]


@pytest.mark.parametrize(("text", "line", "message"), BAD_HEADERS)
def test_malformed_header_names_file_and_line(tmp_path: Path, text: str, line: int, message: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(QueryFileError) as info:
        parse_query(path)
    assert f"{path}:{line}:" in str(info.value)
    assert message in str(info.value)


@pytest.mark.parametrize(("body", "message"), [
    ("SELECT ?x WHERE {", "does not parse"),
    ("CONSTRUCT WHERE { ?x ?p ?o }", "must be a SELECT query"),
    ("SELECT ?y WHERE { ?z ?p ?y }", "does not occur as ?x"),
    ("SELECT ?y WHERE { ?x ?p ?y }", "projected"),
])
def test_query_body_is_checked(tmp_path: Path, body: str, message: str) -> None:
    header = "#+ title: T\n#+ description: D\n#+ params:\n#+   - name: x\n"
    with pytest.raises(QueryFileError, match=re.escape(message)):
        parse_query(write(tmp_path, header + body + "\n"))


def test_bind_defaults_and_values(tmp_path: Path) -> None:
    query = parse_query(write(tmp_path, GOOD))
    text, subs = query.bind({"thing": "kg:state/belarus", "since": "2013-06-05", "n": "+7"})
    assert text == query.text
    assert subs == {
        Variable("who"): Literal("Alexander Lukashenko"),
        Variable("since"): Literal("2013-06-05", datatype=NamedNode("http://www.w3.org/2001/XMLSchema#date")),
        Variable("thing"): NamedNode("https://w3id.org/kg-news/id/state/belarus"),
        Variable("n"): Literal("7", datatype=NamedNode("http://www.w3.org/2001/XMLSchema#integer")),
    }


def test_bind_leaves_empty_optional_parameters_unbound(tmp_path: Path) -> None:
    query = parse_query(write(tmp_path, GOOD))
    _, subs = query.bind({"thing": "https://example.org/x", "since": "  ", "who": ""})
    assert set(subs) == {Variable("who"), Variable("thing")}


@pytest.mark.parametrize(("params", "message"), [
    ({}, "parameter 'thing' is required"),
    ({"thing": "kg:x", "colour": "red"}, "unknown parameter 'colour'; query 'q' takes: who, since, thing, n"),
    ({"thing": "belarus"}, "parameter 'thing': 'belarus' is not an absolute IRI"),
    ({"thing": "http://a<b>"}, "not a valid IRI"),
    ({"thing": "<http://x> } ; DROP ALL ; #"}, "parameter 'thing'"),
    ({"thing": "kg:x", "since": "2013-02-30"}, "not a calendar date"),
    ({"thing": "kg:x", "since": "June 2013"}, "expected a date YYYY-MM-DD"),
    ({"thing": "kg:x", "n": "1.5"}, "expected an integer"),
])
def test_bind_rejects_bad_values_precisely(tmp_path: Path, params: dict[str, str], message: str) -> None:
    query = parse_query(write(tmp_path, GOOD))
    with pytest.raises(QueryParamError) as info:
        query.bind(params)
    assert message in str(info.value)


def test_string_values_cannot_inject(tmp_path: Path) -> None:
    store = Store()
    label = NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    store.add(Quad(NamedNode("http://ex/a"), label, Literal("A"), NamedNode("http://ex/g")))
    store.add(Quad(NamedNode("http://ex/b"), label, Literal('x" } UNION { ?s ?p ?who'), NamedNode("http://ex/g")))
    path = write(tmp_path, "#+ title: T\n#+ description: D\n#+ params:\n#+   - name: who\n"
                           "SELECT ?s ?who WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?who }\n")
    result = run_canned(store, str(path), {"who": 'x" } UNION { ?s ?p ?who'})
    assert isinstance(result, QuerySolutions)
    assert [row["s"].value for row in result] == ["http://ex/b"]  # matched as a literal, nothing injected


def test_load_query_by_name(tmp_path: Path) -> None:
    write(tmp_path, GOOD, "people-by-name")
    assert load_query(tmp_path, "people-by-name").title == "People by name"
    for bad in ("missing", "../q", "Q", "q.rq", ""):
        with pytest.raises(QueryNotFound):
            load_query(tmp_path, bad)


def test_errors_share_a_base_class() -> None:
    assert issubclass(QueryFileError, QueryError) and issubclass(QueryNotFound, QueryError)
    assert issubclass(QueryParamError, QueryError)


def test_resolve_accepts_a_path(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD, "mine")
    assert resolve(str(path)).name == "mine"
    with pytest.raises(QueryNotFound):
        resolve(str(tmp_path / "absent.rq"))


def test_shipped_queries_parse() -> None:
    queries = {q.name: q for q in list_queries(QUERIES_DIR)}
    assert set(queries) >= {"csto-positions-over-time", "actor-positions-over-time", "meetings-timeline",
                            "who-met-whom", "statements-by-speaker", "organisations-and-members", "topics-overview"}
    actor = queries["actor-positions-over-time"].params[0]
    assert (actor.name, actor.type, actor.default) == (
        "actor", "iri", "https://w3id.org/kg-news/id/person/alexander-lukashenko")


def test_headline_query_projection() -> None:
    text = load_query(QUERIES_DIR, "csto-positions-over-time").text
    result = Store().query(text, use_default_graph_as_union=True)
    assert isinstance(result, QuerySolutions)
    assert [v.value for v in result.variables] == ["date", "holder", "stance", "topic", "evidence", "article"]
