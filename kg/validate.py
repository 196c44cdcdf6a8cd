"""Validation of article graphs (SHACL, ``ontology/shapes.ttl``) and of the ontology files.

``validate_quads`` checks ONE article graph, as ``kg.mapper.article_quads`` emits it, and returns
human-readable violations (an empty list means valid), e.g.::

    position kg:position/000_x-3: stance must be exactly one of kgo:support, ... (value: kgo:maybe)

Two engines read the same shapes file (parsed once per process):

* ``"pyshacl"`` (the default, the reference): full SHACL Core by pyshacl over an rdflib Graph
  made from the quads through N-Triples. About 150 ms for an article graph of ~800 triples.
* ``"fast"``: a small interpreter of exactly the SHACL Core subset ``shapes.ttl`` uses, run
  over the pyoxigraph quads themselves (no rdflib). A few milliseconds per article; it refuses
  to load shapes that use anything else, and the tests check that both engines report the same
  violations, so a build can validate every article with it and keep pyshacl for spot checks.

Both add checks SHACL cannot state without the rest of the project: the topic is one of
``ontology/topics.ttl``, and every evidence span lies inside the article text and quotes it.

``validate_store`` runs ``validate_quads`` over every article graph of a store.
``validate_ontology`` checks that ``kg.ttl``, ``shapes.ttl`` and ``topics.ttl`` parse and that
every KGO term of ``kg.vocab`` is defined in ``kg.ttl`` with a label and a comment.
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Literal as TypingLiteral

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SH, XSD
from rdflib.term import Node

from kg import iris
from kg.vocab import KGO, OA, PREFIXES, SCHEMA, TOPIC

ONTOLOGY_DIR = Path(__file__).resolve().parent.parent / "ontology"
ONTOLOGY_FILE = ONTOLOGY_DIR / "kg.ttl"
SHAPES_FILE = ONTOLOGY_DIR / "shapes.ttl"
TOPICS_FILE = ONTOLOGY_DIR / "topics.ttl"

Engine = TypingLiteral["pyshacl", "fast"]
OxTerm = ox.NamedNode | ox.BlankNode | ox.Literal
Triple = tuple[ox.NamedNode | ox.BlankNode, ox.NamedNode, OxTerm]  # as kg.mapper.article_triples makes them

# Longest namespaces first, so the most specific prefix wins.
_PREFIXES = sorted(((iri, p) for p, iri in PREFIXES.items()), key=lambda item: -len(item[0]))
_TERM_KINDS = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.NamedIndividual)
_XSD_STRING = str(XSD.string)
_RDF_TYPE = str(RDF.type)


# --------------------------------------------------------------------------------------------
# Rendering
# --------------------------------------------------------------------------------------------


def short(term: Node | OxTerm | str) -> str:
    """A compact rendering of an rdflib or pyoxigraph term for messages.

    >>> short(URIRef("https://w3id.org/kg-news/id/state/belarus"))
    'kg:state/belarus'
    >>> short(ox.Literal("1.5", datatype=ox.NamedNode(str(XSD.decimal))))
    '"1.5"^^xsd:decimal'
    >>> short(Literal("day"))
    '"day"'
    """
    if isinstance(term, Literal | ox.Literal):
        lexical = str(term) if isinstance(term, Literal) else term.value
        text = lexical if len(lexical) <= 60 else lexical[:57] + "..."
        lang = term.language
        datatype = term.datatype.value if isinstance(term, ox.Literal) else term.datatype
        if lang:
            return f'"{text}"@{lang}'
        if datatype and str(datatype) != _XSD_STRING:
            return f'"{text}"^^{short(str(datatype))}'
        return f'"{text}"'
    if isinstance(term, BNode | ox.BlankNode):
        return f"_:{term if isinstance(term, BNode) else term.value}"
    iri = term.value if isinstance(term, ox.NamedNode) else str(term)
    for namespace, prefix in _PREFIXES:
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    return f"<{iri}>"


def _line(kind: str, focus: Node | OxTerm, message: str, value: Node | OxTerm | None) -> str:
    text = f"{kind} {short(focus)}: {message}"
    return text + (f" (value: {short(value)})" if value is not None and value != focus else "")


# --------------------------------------------------------------------------------------------
# The shapes, parsed once
# --------------------------------------------------------------------------------------------

# Constraint parameters the fast engine understands (anything else in shapes.ttl is refused).
_SUPPORTED = {
    SH.path, SH.message, SH.property, SH.targetClass, SH.targetSubjectsOf, SH.minCount, SH.maxCount,
    SH.datatype, SH.nodeKind, SH.pattern, SH.minLength, SH["in"], SH.hasValue, SH["class"], SH.minInclusive,
    SH.maxInclusive, SH.lessThan, SH["or"], SH.qualifiedValueShape, SH.qualifiedMinCount, SH.qualifiedMaxCount,
}
_IGNORED = {RDF.type, RDFS.label, RDFS.comment, SH.name, SH.description}


def _ox(term: Node) -> OxTerm:
    """An rdflib term of the shapes graph as a pyoxigraph term (for comparing with data)."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype or XSD.string)))
    raise ValueError(f"shapes.ttl: unsupported term {term!r} in a parameter")


@dataclass
class _Shape:
    """One shape, its parameters pre-digested for the fast engine."""

    node: Node
    kind: str
    message: str | None
    path: str | None
    properties: list[_Shape] = field(default_factory=list)
    members: list[_Shape] = field(default_factory=list)  # sh:or
    qualified: _Shape | None = None
    qualified_min: int | None = None
    qualified_max: int | None = None
    in_values: frozenset[OxTerm] = frozenset()
    has_value: list[OxTerm] = field(default_factory=list)
    pattern: re.Pattern[str] | None = None
    datatypes: list[str] = field(default_factory=list)
    node_kinds: list[Node] = field(default_factory=list)
    classes: list[str] = field(default_factory=list)
    min_length: int | None = None
    min_count: int | None = None
    max_count: int | None = None
    min_inclusive: Decimal | None = None
    max_inclusive: Decimal | None = None
    less_than: list[str] = field(default_factory=list)
    targets_class: list[str] = field(default_factory=list)
    targets_subjects_of: list[str] = field(default_factory=list)
    checks_values: bool = False  # any value-node constraint at all (most property shapes have none)


@dataclass(frozen=True)
class _Shapes:
    graph: Graph
    kind: dict[Node, str]  # any shape -> the kind of node its node shape checks ("position")
    roots: tuple[_Shape, ...]  # node shapes with targets, for the fast engine


def _compile(graph: Graph, node: Node, kind: str, kinds: dict[Node, str]) -> _Shape:
    kinds.setdefault(node, kind)
    params: dict[Node, list[Node]] = defaultdict(list)
    for p, o in graph.predicate_objects(node):
        if p in _IGNORED:
            continue
        if p not in _SUPPORTED:
            raise ValueError(f"shapes.ttl: {short(p)} on {node} is not supported by the fast engine")
        params[p].append(o)

    def one(p: URIRef) -> Node | None:
        return params[p][0] if params.get(p) else None

    def integer(p: URIRef) -> int | None:
        v = one(p)
        return int(str(v)) if v is not None else None

    def number(p: URIRef) -> Decimal | None:
        v = one(p)
        return Decimal(str(v)) if v is not None else None

    path = one(SH.path)
    if path is not None and not isinstance(path, URIRef):
        raise ValueError(f"shapes.ttl: only predicate paths are supported ({node})")
    for dt in params.get(SH.datatype, []):
        if str(dt) not in _LEXICAL:
            raise ValueError(f"shapes.ttl: datatype {dt} is not supported by the fast engine")
    for nk in params.get(SH.nodeKind, []):
        if nk not in _NODE_KINDS:
            raise ValueError(f"shapes.ttl: sh:nodeKind {nk} is not supported by the fast engine")
    shape = _Shape(
        node=node, kind=kind, message=str(one(SH.message)) if one(SH.message) is not None else None,
        path=str(path) if path is not None else None,
        datatypes=[str(d) for d in params.get(SH.datatype, [])], node_kinds=list(params.get(SH.nodeKind, [])),
        classes=[str(c) for c in params.get(SH["class"], [])], min_length=integer(SH.minLength),
        min_count=integer(SH.minCount), max_count=integer(SH.maxCount),
        min_inclusive=number(SH.minInclusive), max_inclusive=number(SH.maxInclusive),
        less_than=[str(o) for o in params.get(SH.lessThan, [])],
        qualified_min=integer(SH.qualifiedMinCount), qualified_max=integer(SH.qualifiedMaxCount),
        targets_class=[str(c) for c in params.get(SH.targetClass, [])],
        targets_subjects_of=[str(c) for c in params.get(SH.targetSubjectsOf, [])],
        has_value=[_ox(v) for v in params.get(SH.hasValue, [])],
        pattern=re.compile(str(one(SH.pattern))) if one(SH.pattern) is not None else None,
    )
    shape.properties = [_compile(graph, p, kind, kinds) for p in params.get(SH.property, [])]
    for lst in params.get(SH["or"], []):
        shape.members = [_compile(graph, m, kind, kinds) for m in Collection(graph, lst)]
    qualified = one(SH.qualifiedValueShape)
    if qualified is not None:
        shape.qualified = _compile(graph, qualified, kind, kinds)
    for lst in params.get(SH["in"], []):
        shape.in_values = frozenset(_ox(v) for v in Collection(graph, lst))
    shape.checks_values = bool(
        shape.datatypes or shape.node_kinds or shape.pattern is not None or shape.min_length is not None
        or shape.in_values or shape.classes or shape.min_inclusive is not None or shape.max_inclusive is not None
        or shape.members)
    return shape


@lru_cache(maxsize=1)
def _shapes(path: Path = SHAPES_FILE) -> _Shapes:
    """The SHACL shapes graph, parsed once per process, with kind labels and compiled shapes."""
    graph = Graph().parse(path, format="turtle")
    kinds: dict[Node, str] = {}
    roots = []
    for shape in sorted(graph.subjects(RDF.type, SH.NodeShape), key=str):
        label = str(graph.value(shape, RDFS.label) or "node")
        roots.append(_compile(graph, shape, label, kinds))
    return _Shapes(graph, kinds, tuple(roots))


# --------------------------------------------------------------------------------------------
# Data: quads -> an rdflib Graph (pyshacl) or an index (fast engine and extra checks)
# --------------------------------------------------------------------------------------------


@contextmanager
def _quiet(logger_name: str) -> Iterator[None]:
    """Silence a logger for a moment (rdflib logs a traceback per ill-typed literal)."""
    logger = logging.getLogger(logger_name)
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)


def to_rdflib(quads: Iterable[ox.Quad]) -> Graph:
    """The triples of ``quads`` as an rdflib Graph (through N-Triples, not term by term)."""
    return _rdflib([q.triple for q in quads])


def _rdflib(triples: list[ox.Triple]) -> Graph:
    data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
    with _quiet("rdflib.term"):
        return Graph().parse(data=data.decode("utf-8"), format="nt")


class _Index:
    """Subject -> predicate IRI -> objects, and class IRI -> instances, over pyoxigraph terms."""

    def __init__(self, triples: Iterable[Triple]) -> None:
        # Plain dicts and one access per term: this loop is a good part of a fast validation.
        self.out: dict[OxTerm, dict[str, list[OxTerm]]] = {}
        self.instances: dict[str, list[OxTerm]] = {}
        self.subjects_of: dict[str, list[OxTerm]] = {}
        self.types: dict[OxTerm, set[str]] = {}  # node -> its rdf:type IRIs
        seen = set()
        for triple in triples:
            if triple in seen:
                continue
            seen.add(triple)
            s, predicate, o = triple
            p = predicate.value
            by_predicate = self.out.get(s)  # type: ignore[call-overload]
            if by_predicate is None:
                by_predicate = self.out[s] = {}  # type: ignore[index]
            values = by_predicate.get(p)
            if values is None:
                by_predicate[p] = [o]
            else:
                values.append(o)
            if p == _RDF_TYPE and isinstance(o, ox.NamedNode):
                cls = o.value
                self.instances.setdefault(cls, []).append(s)  # type: ignore[arg-type]
                self.types.setdefault(s, set()).add(cls)  # type: ignore[arg-type]
            self.subjects_of.setdefault(p, []).append(s)  # type: ignore[arg-type]

    def objects(self, s: OxTerm, p: str) -> list[OxTerm]:
        node = self.out.get(s)
        return node.get(p, []) if node else []

    def value(self, s: OxTerm, p: str) -> OxTerm | None:
        objs = self.objects(s, p)
        return objs[0] if objs else None

    def has_type(self, s: OxTerm, cls: str) -> bool:
        return cls in self.types.get(s, ())


# --------------------------------------------------------------------------------------------
# The fast engine
# --------------------------------------------------------------------------------------------

_DATE = re.compile(r"-?\d{4,}-\d{2}-\d{2}(Z|[+-]\d{2}:\d{2})?")
_DECIMAL = str(XSD.decimal)


def _matches(pattern: str) -> Callable[[str], bool]:
    """Does a whole lexical form match ``pattern``?"""
    fullmatch = re.compile(pattern).fullmatch
    return lambda v: fullmatch(v) is not None


_LEXICAL: dict[str, Callable[[str], bool]] = {
    str(XSD.string): lambda v: True,
    str(XSD.boolean): lambda v: v in ("true", "false", "1", "0"),
    _DECIMAL: _matches(r"[+-]?(\d+(\.\d*)?|\.\d+)"),
    str(XSD.integer): _matches(r"[+-]?\d+"),
    str(XSD.nonNegativeInteger): _matches(r"\+?\d+|-0+"),
    str(XSD.gYear): _matches(r"-?\d{4,}(Z|[+-]\d{2}:\d{2})?"),
    str(XSD.gYearMonth): _matches(r"-?\d{4,}-(0[1-9]|1[0-2])(Z|[+-]\d{2}:\d{2})?"),
    str(XSD.date): lambda v: _DATE.fullmatch(v) is not None and _valid_date(v),
}


def _valid_date(value: str) -> bool:
    try:
        date.fromisoformat(value[:10])
    except ValueError:
        return False
    return True


def _datatype_ok(value: OxTerm, datatype: str) -> bool:
    if not isinstance(value, ox.Literal) or value.language or value.datatype.value != datatype:
        return False
    return _LEXICAL[datatype](value.value)


def _number(value: OxTerm) -> Decimal | None:
    if not isinstance(value, ox.Literal) or not _LEXICAL[_DECIMAL](value.value):
        return None
    try:
        return Decimal(value.value)
    except InvalidOperation:
        return None


_NODE_KINDS: dict[Node, tuple[type, ...]] = {
    SH.IRI: (ox.NamedNode,), SH.Literal: (ox.Literal,), SH.BlankNode: (ox.BlankNode,),
    SH.BlankNodeOrIRI: (ox.NamedNode, ox.BlankNode), SH.IRIOrLiteral: (ox.NamedNode, ox.Literal),
    SH.BlankNodeOrLiteral: (ox.BlankNode, ox.Literal),
}


def _value_errors(shape: _Shape, value: OxTerm, data: _Index) -> bool:
    """True when ``value`` violates one of the value-node constraints of ``shape``."""
    for dt in shape.datatypes:
        if not _datatype_ok(value, dt):
            return True
    for nk in shape.node_kinds:
        if not isinstance(value, _NODE_KINDS[nk]):
            return True
    if shape.pattern is not None and (isinstance(value, ox.BlankNode) or not shape.pattern.search(value.value)):
        return True
    if shape.min_length is not None and (isinstance(value, ox.BlankNode) or len(value.value) < shape.min_length):
        return True
    if shape.in_values and value not in shape.in_values:
        return True
    for cls in shape.classes:
        if not data.has_type(value, cls):
            return True
    if shape.min_inclusive is not None or shape.max_inclusive is not None:
        x = _number(value)
        if x is None:
            return True
        if shape.min_inclusive is not None and x < shape.min_inclusive:
            return True
        if shape.max_inclusive is not None and x > shape.max_inclusive:
            return True
    return bool(shape.members) and not any(_conforms(m, value, data) for m in shape.members)


def _conforms(shape: _Shape, focus: OxTerm, data: _Index) -> bool:
    return not _check(shape, focus, data, stop_at_first=True)


def _check(shape: _Shape, focus: OxTerm, data: _Index, stop_at_first: bool = False) -> list[tuple]:
    """Violations of ``shape`` at ``focus``: (shape, focus, value or None) triples."""
    found: list[tuple] = []
    if shape.path is None:  # node shape: the focus node is the value node
        if shape.checks_values and _value_errors(shape, focus, data):
            found.append((shape, focus, None))
        for prop in shape.properties:
            found += _check(prop, focus, data, stop_at_first)
            if found and stop_at_first:
                return found
        return found
    values = data.objects(focus, shape.path)
    if shape.min_count is not None and len(values) < shape.min_count:
        found.append((shape, focus, None))
    if shape.max_count is not None and len(values) > shape.max_count:
        found.append((shape, focus, None))
    for hv in shape.has_value:
        if hv not in values:
            found.append((shape, focus, None))
    if shape.checks_values:
        for value in values:
            if _value_errors(shape, value, data):
                found.append((shape, focus, value))
    for other in shape.less_than:
        for value in values:
            x = _number(value)
            for bound in data.objects(focus, other):
                y = _number(bound)
                if x is None or y is None or not x < y:
                    found.append((shape, focus, value))
    if shape.qualified is not None:
        count = sum(1 for v in values if _conforms(shape.qualified, v, data))
        if (shape.qualified_min is not None and count < shape.qualified_min) or (
            shape.qualified_max is not None and count > shape.qualified_max
        ):
            found.append((shape, focus, None))
    for prop in shape.properties:
        for value in values:
            found += _check(prop, value, data, stop_at_first)
    return found


def _targets(shape: _Shape, data: _Index) -> list[OxTerm]:
    focus: dict[OxTerm, None] = {}
    for cls in shape.targets_class:
        focus.update(dict.fromkeys(data.instances.get(cls, [])))
    for pred in shape.targets_subjects_of:
        focus.update(dict.fromkeys(data.subjects_of.get(pred, [])))
    return list(focus)


def _fast_messages(data: _Index) -> list[str]:
    messages = []
    for root in _shapes().roots:
        for focus in _targets(root, data):
            for shape, node, value in _check(root, focus, data):
                text = shape.message or f"violates {short(shape.node)}"
                messages.append(_line(shape.kind, node, text, value))
    return messages


# --------------------------------------------------------------------------------------------
# pyshacl
# --------------------------------------------------------------------------------------------


def _pyshacl_messages(data: Graph) -> list[str]:
    from pyshacl import validate as shacl_validate  # about a second to import; the fast engine does without

    shapes = _shapes()
    conforms, report, _ = shacl_validate(
        data, shacl_graph=shapes.graph, inference="none", inplace=True, advanced=False, allow_warnings=False,
    )
    if conforms:
        return []
    assert isinstance(report, Graph)
    messages = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        focus = report.value(result, SH.focusNode)
        source = report.value(result, SH.sourceShape)
        message = report.value(result, SH.resultMessage)
        kind = shapes.kind.get(source, "node") if source is not None else "node"
        text = str(message) if message is not None else f"violates {short(source) if source else 'a shape'}"
        messages.append(_line(kind, focus if focus is not None else URIRef("?"), text, report.value(result, SH.value)))
    return messages


# --------------------------------------------------------------------------------------------
# Checks beyond the shapes
# --------------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _topic_ids() -> frozenset[str]:
    from kg import topics

    return frozenset(topics.default())


_POSITION, _TOPIC, _EVIDENCE = str(KGO.Position), str(KGO.topic), str(KGO.Evidence)
_HAS_SOURCE, _ARTICLE_BODY, _HAS_SELECTOR = str(OA.hasSource), str(SCHEMA.articleBody), str(OA.hasSelector)
_POSITION_SELECTOR, _QUOTE_SELECTOR = str(OA.TextPositionSelector), str(OA.TextQuoteSelector)
_START, _END, _EXACT = str(OA.start), str(OA.end), str(OA.exact)


def _extra_messages(data: _Index) -> list[str]:
    """Known topics; evidence spans inside the article text and quoting it exactly."""
    messages = []
    topic_ns, topic_ids = str(TOPIC), _topic_ids()
    texts: dict[int, str] = {}  # each .value of the article body literal is a fresh copy: one per body
    for position in data.instances.get(_POSITION, []):
        for topic in data.objects(position, _TOPIC):
            tid = topic.value[len(topic_ns) :] if isinstance(topic, ox.NamedNode) else ""
            if topic.value.startswith(topic_ns) and tid not in topic_ids:
                messages.append(_line("position", position, "topic is not in the topic scheme", topic))
    for evidence in data.instances.get(_EVIDENCE, []):
        source = data.value(evidence, _HAS_SOURCE)
        body = data.value(source, _ARTICLE_BODY) if source is not None else None
        if not isinstance(body, ox.Literal):
            continue
        text = texts.get(id(body))
        if text is None:
            text = texts[id(body)] = body.value
        start = end = exact = None
        for selector in data.objects(evidence, _HAS_SELECTOR):
            if data.has_type(selector, _POSITION_SELECTOR):
                s, e = data.value(selector, _START), data.value(selector, _END)
                if s is not None and e is not None and s.value.isdigit() and e.value.isdigit():
                    start, end = int(s.value), int(e.value)
            elif data.has_type(selector, _QUOTE_SELECTOR):
                x = data.value(selector, _EXACT)
                exact = x.value if x is not None else None
        if start is None or end is None or start >= end:
            continue
        if end > len(text):
            messages.append(_line("evidence", evidence, f"end {end} is past the end of the article text ({len(text)})",
                                  None))
        elif exact is not None and text[start:end] != exact:
            messages.append(_line("evidence", evidence, f"exact does not match the article text at [{start}, {end})",
                                  None))
    return messages


# --------------------------------------------------------------------------------------------
# Entry points
# --------------------------------------------------------------------------------------------


def validate_quads(quads: Iterable[ox.Quad], engine: Engine = "pyshacl") -> list[str]:
    """Violations of ONE article graph against the shapes, sorted (empty list: valid)."""
    quads = list(quads)
    messages = []
    graphs = {q.graph_name for q in quads}
    if len(graphs) > 1:
        names = ", ".join(sorted(short(g) if isinstance(g, ox.NamedNode) else "default" for g in graphs))
        messages.append(f"graph: quads span {len(graphs)} graphs, expected one article graph ({names})")
    triples = [(q.subject, q.predicate, q.object) for q in quads]  # each access builds a new term: once
    return sorted(set(messages + _messages(triples, engine)))


def validate_triples(triples: Iterable[Triple], engine: Engine = "pyshacl") -> list[str]:
    """``validate_quads`` of ONE article graph's (subject, predicate, object) terms, as the mapper
    makes them (cheaper than reading the terms back out of quads)."""
    return sorted(set(_messages(list(triples), engine)))


def _messages(triples: list[Triple], engine: Engine) -> list[str]:
    index = _Index(triples)
    if engine == "pyshacl":
        messages = _pyshacl_messages(_rdflib([ox.Triple(*t) for t in triples]))
    elif engine == "fast":
        messages = _fast_messages(index)
    else:
        raise ValueError(f"unknown validation engine {engine!r} (pyshacl or fast)")
    return messages + _extra_messages(index)


def validate_store(store: ox.Store, engine: Engine = "pyshacl") -> list[str]:
    """Violations of every article graph in ``store``, each prefixed with ``article <id>:``."""
    messages = []
    graphs = sorted(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode))
    for graph_iri in graphs:
        article_id = iris.article_id_of_graph(graph_iri)
        if article_id is None:
            continue
        quads = list(store.quads_for_pattern(None, None, None, ox.NamedNode(graph_iri)))
        messages += [f"article {article_id}: {m}" for m in validate_quads(quads, engine=engine)]
    return messages


def kgo_terms() -> list[str]:
    """The local names of every term declared in ``kg.vocab.KGO``."""
    return [name for name in KGO.__annotations__ if not name.startswith("_")]


def validate_ontology(directory: Path = ONTOLOGY_DIR) -> list[str]:
    """Problems with the ontology files: parse errors, KGO terms undefined or without label/comment."""
    problems: list[str] = []
    graphs: dict[str, Graph] = {}
    for name in ("kg.ttl", "shapes.ttl", "topics.ttl"):
        try:
            graphs[name] = Graph().parse(directory / name, format="turtle")
        except Exception as exc:  # any parser or I/O error is a finding
            problems.append(f"{name}: does not parse: {exc}")
    onto = graphs.get("kg.ttl")
    if onto is None:
        return problems
    ns, terms = str(KGO._NS), kgo_terms()
    if (None, RDF.type, OWL.Ontology) not in onto:
        problems.append("kg.ttl: no owl:Ontology header")
    for name in terms:
        term = URIRef(ns + name)
        if not set(_TERM_KINDS) & set(onto.objects(term, RDF.type)):
            problems.append(f"kg.ttl: kgo:{name} is not declared (owl:Class, owl:*Property or owl:NamedIndividual)")
            continue
        for prop, what in ((RDFS.label, "rdfs:label"), (RDFS.comment, "rdfs:comment")):
            if not any(str(v).strip() for v in onto.objects(term, prop)):
                problems.append(f"kg.ttl: kgo:{name} has no {what}")
    declared = {str(s)[len(ns) :] for s in onto.subjects() if isinstance(s, URIRef) and str(s).startswith(ns)}
    for extra in sorted(declared - set(terms)):
        problems.append(f"kg.ttl: kgo:{extra} is not in kg.vocab.KGO (add it there or remove it here)")
    shapes = graphs.get("shapes.ttl")
    if shapes is not None:
        used = {str(o)[len(ns) :] for o in shapes.all_nodes() if isinstance(o, URIRef) and str(o).startswith(ns)}
        for name in sorted(used - set(terms)):
            problems.append(f"shapes.ttl: uses kgo:{name}, which kg.vocab.KGO lacks")
    return problems


__all__ = ["Engine", "Triple", "kgo_terms", "short", "to_rdflib", "validate_ontology", "validate_quads",
           "validate_store", "validate_triples"]
