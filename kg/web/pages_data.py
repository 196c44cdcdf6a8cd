"""Small SPARQL helpers for the HTML pages: run a query, get rows of plain values.

Every page query goes through :func:`kg.web.execute.run_query` (the one place a query
meets the store), asks for SPARQL JSON and reads at most ``limit`` rows. Values are plain
frozen dataclasses, so nothing from pyoxigraph outlives the request thread.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from string import Template

from pyoxigraph import BlankNode, Literal, NamedNode, QueryResultsFormat, QuerySolutions, Variable, parse_query_results

from kg.vocab import sparql_prefixes
from kg.web import graph
from kg.web.execute import Term, run_query
from kg.web.pages_links import href, local_path, short
from kg.web.streaming import ChunkReader

PREFIXES_TEXT = sparql_prefixes()
XSD = "http://www.w3.org/2001/XMLSchema#"
_NUMERIC = {XSD + t for t in ("integer", "decimal", "double", "float", "int", "long", "nonNegativeInteger")}
_VALUES_CHUNK = 400


@dataclass(frozen=True)
class Value:
    """One RDF term of a result row, as plain strings."""

    value: str
    kind: str = "literal"  # "iri", "literal" or "bnode"
    datatype: str | None = None
    lang: str | None = None
    label: str | None = None  # a human label found for an IRI

    @property
    def is_iri(self) -> bool:
        return self.kind == "iri"

    @property
    def is_number(self) -> bool:
        return self.datatype in _NUMERIC

    @property
    def text(self) -> str:
        """What to show: the label, a short form of an IRI, or the literal."""
        if self.label:
            return self.label
        if self.kind == "iri":
            return short(self.value)
        if self.kind == "bnode":
            return f"_:{self.value}"
        return self.value.strip()

    @property
    def href(self) -> str | None:
        return href(self.value) if self.kind == "iri" else None

    @property
    def local(self) -> str | None:
        return local_path(self.value) if self.kind == "iri" else None

    def __str__(self) -> str:
        return self.value


Row = dict[str, Value]


@dataclass
class Result:
    """Rows of a SELECT result; ``truncated`` tells whether more rows existed than were read."""

    variables: list[str]
    rows: list[Row]
    truncated: bool = False


def to_value(term: object) -> Value | None:
    """A :class:`Value` for a pyoxigraph term (None for an unbound variable)."""
    if term is None:
        return None
    if isinstance(term, NamedNode):
        return Value(term.value, "iri")
    if isinstance(term, BlankNode):
        return Value(term.value, "bnode")
    if isinstance(term, Literal):
        return Value(term.value, "literal", term.datatype.value, term.language)
    return Value(str(term), "literal")


def query(text: str, limit: int = 5000) -> Result:
    """Run a SELECT query (the project prefixes are prepended) and read up to ``limit`` rows."""
    return run_select(PREFIXES_TEXT + text, None, limit)


def run_select(text: str, substitutions: Mapping[Variable, Term] | None = None, limit: int = 5000) -> Result:
    """Run a SELECT query as given over the served graph and read up to ``limit`` rows."""
    output = run_query(graph.current().store, text, requested_format="json", substitutions=substitutions or None)
    try:
        solutions = parse_query_results(ChunkReader(output.chunks), QueryResultsFormat.JSON)
        if not isinstance(solutions, QuerySolutions):
            return Result([], [])
        variables = [v.value for v in solutions.variables]
        rows: list[Row] = []
        truncated = False
        for solution in solutions:
            if len(rows) >= limit:
                truncated = True
                break
            row = {}
            for var in variables:
                value = to_value(solution[var])
                if value is not None:
                    row[var] = value
            rows.append(row)
        del solutions
        return Result(variables, rows, truncated)
    finally:
        close = getattr(output.chunks, "close", None)
        if close:
            close()


def rows(text: str, limit: int = 5000, **iris: str) -> list[Row]:
    """The rows of :func:`query`; each ``$name`` in ``text`` is replaced by the IRI given as ``name``.

    The IRIs are validated (ValueError for a bad one) and written as ``<…>``, so a value can
    never change the shape of the query.
    """
    if iris:
        text = Template(text).substitute({name: iri_term(value) for name, value in iris.items()})
    return query(text, limit).rows


def iri_term(value: str) -> str:
    """``<value>`` for a SPARQL text, validated (ValueError for a bad IRI)."""
    return str(NamedNode(value))


def literal_term(value: str) -> str:
    """A SPARQL string literal, escaped."""
    return str(Literal(value))


def _chunks(items: list[str], size: int = _VALUES_CHUNK) -> Iterable[list[str]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def labels(iri_values: Iterable[str]) -> dict[str, str]:
    """A human label (rdfs:label, dcterms:title or skos:prefLabel) for each IRI that has one."""
    wanted = []
    for iri in dict.fromkeys(iri_values):
        try:
            wanted.append(iri_term(iri))
        except ValueError:
            continue
    found: dict[str, str] = {}
    for chunk in _chunks(wanted):
        text = (
            f"SELECT ?s (MIN(STR(?l)) AS ?label) WHERE {{ VALUES ?s {{ {' '.join(chunk)} }} "
            "{ ?s rdfs:label ?l } UNION { ?s dcterms:title ?l } UNION { ?s skos:prefLabel ?l } } GROUP BY ?s"
        )
        for row in rows(text, limit=len(chunk)):
            if "label" in row:
                found[row["s"].value] = row["label"].value
    return found


def with_labels(result_rows: list[Row]) -> list[Row]:
    """The rows with a label attached to every IRI value that has one."""
    found = labels(v.value for row in result_rows for v in row.values() if v.is_iri)
    if not found:
        return result_rows
    return [{k: (Value(v.value, v.kind, v.datatype, v.lang, found.get(v.value)) if v.is_iri else v)
             for k, v in row.items()} for row in result_rows]


def evidence_items(pairs: Iterable[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """For (article IRI, exact evidence text) pairs: the position/statement/meeting with that evidence."""
    wanted = dict.fromkeys(pairs)
    texts = list(dict.fromkeys(literal_term(exact) for _, exact in wanted))
    found: dict[tuple[str, str], str] = {}
    for chunk in _chunks(texts, 200):
        text = (  # selector first: Oxigraph then starts from the few literals given
            f"SELECT ?a ?x (MIN(STR(?item)) AS ?it) WHERE {{ VALUES ?x {{ {' '.join(chunk)} }} "
            "?sel oa:exact ?x . ?ev oa:hasSelector ?sel ; oa:hasSource ?a . ?item kgo:evidence ?ev } GROUP BY ?a ?x"
        )
        for row in rows(text, limit=10 * len(chunk)):
            key = (row["a"].value, row["x"].value)
            if "it" in row and key in wanted:
                found[key] = row["it"].value
    return found
