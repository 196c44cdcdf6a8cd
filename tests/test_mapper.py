"""kg.mapper: records -> one named graph per article, deterministic, typed, with evidence selectors."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pyoxigraph as ox
import pytest

from kg import iris, kb
from kg.corpus import sha256_text
from kg.mapper import article_quads, article_triples, in_graph, kb_quads
from kg.records import MEETING_KINDS, Article, ArticleRecords, Entity, Evidence, Meeting, Position, Quote

XSD = "http://www.w3.org/2001/XMLSchema#"
OA = "http://www.w3.org/ns/oa#"
KGO = "https://w3id.org/kg-news/ontology#"
SCHEMA = "http://schema.org/"
TIME = "http://www.w3.org/2006/time#"
ORG = "http://www.w3.org/ns/org#"
TEXT = "Lukashenko met Sargsyan in Sochi. \"Belarus will never hinder Armenia,\" he said."


def records(**changes: object) -> ArticleRecords:
    article = Article(id="901_map", file="901_map.txt", url="https://example.org/a", published=date(2013, 9, 23),
                      title="Sochi", text=TEXT, sha256=sha256_text(TEXT))
    q = TEXT.index("Belarus will never")
    qe = TEXT.index(",\" he")
    base = ArticleRecords(
        article=article,
        entities=(
            Entity("person/alexander-lukashenko", "Alexander Lukashenko", "Person", "Q2866", ("Lukashenko",),
                   ((0, 10),), True),
            Entity("state/armenia", "Armenia", "State", "Q399", (),
                   ((TEXT.index("Armenia"), TEXT.index("Armenia") + 7),)),
        ),
        meetings=(
            Meeting("meeting/901_map-0", "CSTO session", "session", "2013-09-23", "day"),
            Meeting("meeting/901_map-1", "talks", "talks", "2013-09", "month", parent="meeting/901_map-0"),
            Meeting("meeting/901_map-2", "visit", "bilateral", "2013", "year"),
        ),
        quotes=(Quote(TEXT[q:qe], q, qe, "person/alexander-lukashenko", True, "said", "meeting/901_map-0"),),
        positions=(Position("person/alexander-lukashenko", None, "state/armenia", "enlargement", "support",
                            "2013-09-23", Evidence(q, qe, TEXT[q:qe]), "will never hinder", 0.8, quote=0),),
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def objects(quads: list[ox.Quad], subject: str, predicate: str) -> list[ox.Term]:
    return [q.object for q in quads if q.subject.value == subject and q.predicate.value == predicate]


@pytest.fixture(scope="module")
def quads() -> list[ox.Quad]:
    return article_quads(records(), input_hash="abc")


def test_one_named_graph(quads: list[ox.Quad]) -> None:
    assert {q.graph_name for q in quads} == {ox.NamedNode(iris.article_graph("901_map"))}
    graph = iris.article_graph("901_map")
    assert objects(quads, graph, "http://www.w3.org/ns/prov#wasDerivedFrom") == [
        ox.NamedNode(iris.article_iri("901_map"))
    ]


def test_triples_are_the_quads_before_the_graph_is_added(quads: list[ox.Quad]) -> None:
    graph, triples = article_triples(records(), input_hash="abc")
    assert graph == ox.NamedNode(iris.article_graph("901_map"))
    assert in_graph(graph, triples) == quads


def test_deterministic(quads: list[ox.Quad]) -> None:
    again = article_quads(records(), input_hash="abc")
    assert again == quads
    serialised = [ox.serialize(article_quads(records(), input_hash="abc"), format=ox.RdfFormat.N_QUADS)
                  for _ in range(2)]
    assert serialised[0] == serialised[1]


@pytest.mark.parametrize(
    ("meeting", "lexical", "datatype", "precision"),
    [("meeting/901_map-0", "2013-09-23", "date", "day"), ("meeting/901_map-1", "2013-09", "gYearMonth", "month"),
     ("meeting/901_map-2", "2013", "gYear", "year")],
)
def test_meeting_dates_typed_by_precision(quads, meeting, lexical, datatype, precision) -> None:
    s = iris.entity_iri(meeting)
    assert objects(quads, s, SCHEMA + "startDate") == [ox.Literal(lexical, datatype=ox.NamedNode(XSD + datatype))]
    assert objects(quads, s, KGO + "datePrecision") == [ox.Literal(precision)]


def test_article_date_and_position_day_date(quads: list[ox.Quad]) -> None:
    a = iris.article_iri("901_map")
    day = ox.NamedNode(XSD + "date")
    assert objects(quads, a, SCHEMA + "datePublished") == [ox.Literal("2013-09-23", datatype=day)]
    p = iris.entity_iri("position/901_map-0")
    assert objects(quads, p, KGO + "date") == [ox.Literal("2013-09-23", datatype=ox.NamedNode(XSD + "date"))]


def test_position_month_date_is_gyearmonth() -> None:
    rec = records()
    rec = replace(rec, positions=(replace(rec.positions[0], date="2013-09"),))
    p = iris.entity_iri("position/901_map-0")
    assert objects(article_quads(rec), p, KGO + "date") == [
        ox.Literal("2013-09", datatype=ox.NamedNode(XSD + "gYearMonth"))
    ]


def test_evidence_selectors(quads: list[ox.Quad]) -> None:
    q = TEXT.index("Belarus will never")
    qe = TEXT.index(",\" he")
    for owner in ("statement/901_map-0", "position/901_map-0"):
        ev = iris.entity_iri(owner) + "/evidence"
        assert objects(quads, iris.entity_iri(owner), KGO + "evidence") == [ox.NamedNode(ev)]
        assert ox.NamedNode(OA + "SpecificResource") in objects(quads, ev, "http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
        assert objects(quads, ev, OA + "hasSource") == [ox.NamedNode(iris.article_iri("901_map"))]
        position, quote = ev + "#position", ev + "#quote"
        assert set(objects(quads, ev, OA + "hasSelector")) == {ox.NamedNode(position), ox.NamedNode(quote)}
        nni = ox.NamedNode(XSD + "nonNegativeInteger")
        assert objects(quads, position, OA + "start") == [ox.Literal(str(q), datatype=nni)]
        assert objects(quads, position, OA + "end") == [ox.Literal(str(qe), datatype=nni)]
        assert objects(quads, quote, OA + "exact") == [ox.Literal(TEXT[q:qe])]
        assert objects(quads, quote, OA + "prefix") == [ox.Literal(TEXT[max(0, q - 32) : q])]
        assert objects(quads, quote, OA + "suffix") == [ox.Literal(TEXT[qe : qe + 32])]


def test_mentions_use_char_fragments(quads: list[ox.Quad]) -> None:
    s = iris.entity_iri("person/alexander-lukashenko")
    assert objects(quads, s, "http://groundedannotationframework.org/gaf#denotedBy") == [
        ox.NamedNode(iris.article_iri("901_map") + "#char=0,10")
    ]


def test_kb_quads_for_tenures() -> None:
    quads = kb_quads(kb.default())
    assert {q.graph_name for q in quads} == {ox.NamedNode(iris.KB_GRAPH)}
    t = iris.entity_iri("post/president-of-russia/tenure/person-dmitry-medvedev-2008-05-07")
    assert objects(quads, t, ORG + "member") == [ox.NamedNode(iris.entity_iri("person/dmitry-medvedev"))]
    assert objects(quads, t, ORG + "role") == [ox.NamedNode(iris.entity_iri("post/president-of-russia"))]
    assert objects(quads, t, ORG + "organization") == [ox.NamedNode(iris.entity_iri("state/russia"))]
    interval = t + "#interval"
    assert objects(quads, interval, TIME + "hasBeginning") == [ox.NamedNode(t + "#start")]
    assert objects(quads, t + "#start", TIME + "inXSDDate") == [
        ox.Literal("2008-05-07", datatype=ox.NamedNode(XSD + "date"))
    ]
    end = ox.Literal("2012-05-07", datatype=ox.NamedNode(XSD + "date"))
    assert objects(quads, t + "#end", TIME + "inXSDDate") == [end]
    open_ended = iris.entity_iri("post/president-of-belarus/tenure/person-alexander-lukashenko-1994-07-20")
    assert objects(quads, open_ended + "#interval", TIME + "hasEnd") == []
    assert kb_quads(kb.default()) == quads


@pytest.mark.parametrize("kind", MEETING_KINDS)
def test_every_meeting_kind_maps_and_passes_the_shapes(kind: str) -> None:
    from kg.validate import validate_quads

    meeting = Meeting("meeting/901_map-0", "a gathering", kind, "2013-09-23", "day")
    graph = article_quads(records(meetings=(meeting,)))
    assert objects(graph, iris.entity_iri(meeting.key), "https://w3id.org/kg-news/ontology#meetingKind") == [
        ox.NamedNode("https://w3id.org/kg-news/ontology#" + kind)]
    assert validate_quads(graph, engine="fast") == []
