"""SHACL validation of article graphs: clean graphs pass, each kind of breakage is named precisely."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pyoxigraph as ox
import pytest

from kg.corpus import sha256_text
from kg.mapper import article_quads
from kg.records import Article, ArticleRecords, Entity, Evidence, Meeting, Position, Quote, Role
from kg.validate import validate_quads, validate_triples

KGO = "https://w3id.org/kg-news/ontology#"
OA = "http://www.w3.org/ns/oa#"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
TEXT = (
    "Aleksandr Lukashenko met with Sergei Shoigu in Minsk. "
    '"We are in favor of stepping up cooperation in the CSTO," the President said. '
    "Belarus supports a common air defence system."
)


def span(fragment: str) -> tuple[int, int]:
    start = TEXT.index(fragment)
    return start, start + len(fragment)


def records() -> ArticleRecords:
    """A small hand-built article: two entities of each kind we emit, a meeting, a quote, two positions."""
    article = Article(
        id="900_test", file="900_test.txt", url="https://example.org/news/1", published=date(2013, 6, 5),
        title="Lukashenko meets Shoigu", text=TEXT, sha256=sha256_text(TEXT), outlet="BelTA",
    )
    q_start, q_end = span("We are in favor of stepping up cooperation in the CSTO,")
    sent = span("Belarus supports a common air defence system.")
    return ArticleRecords(
        article=article,
        entities=(
            Entity("person/alexander-lukashenko", "Alexander Lukashenko", "Person", "Q2866",
                   ("Aleksandr Lukashenko", "the President"), (span("Aleksandr Lukashenko"),), True),
            Entity("person/sergei-shoigu", "Sergei Shoigu", "Person", "Q32024", (), (span("Sergei Shoigu"),), True),
            Entity("state/belarus", "Belarus", "State", "Q184", (), (span("Belarus supports"),), True),
            Entity("place/minsk", "Minsk", "Place", "Q2280", (), (span("Minsk"),), True),
            Entity("org/collective-security-treaty-organization", "Collective Security Treaty Organization",
                   "Organisation", "Q318693", ("CSTO",), (span("CSTO"),), True),
            Entity("org/csto-collective-security-council", "CSTO Collective Security Council", "Organisation",
                   parent="org/collective-security-treaty-organization"),
        ),
        roles=(
            Role("person/alexander-lukashenko", "post/president-of-belarus", "President of Belarus", "state/belarus"),
        ),
        meetings=(
            Meeting("meeting/900_test-0", "Lukashenko meets Shoigu", "bilateral", "2013-06-05", "day",
                    place="place/minsk", participants=("person/alexander-lukashenko", "person/sergei-shoigu"),
                    span=span("Aleksandr Lukashenko met with Sergei Shoigu in Minsk.")),
        ),
        quotes=(Quote(TEXT[q_start:q_end], q_start, q_end, "person/alexander-lukashenko", True, "said",
                      "meeting/900_test-0"),),
        positions=(
            Position("person/alexander-lukashenko", "state/belarus", "org/collective-security-treaty-organization",
                     "csto-integration", "support", "2013-06-05", Evidence(q_start, q_end, TEXT[q_start:q_end]),
                     "in favor of", 0.9, quote=0),
            Position(None, "state/belarus", None, "air-defence", "support", "2013-06-05",
                     Evidence(*sent, TEXT[sent[0] : sent[1]]), "supports", 0.75),
        ),
        extractor={"kg": "test"},
    )


@pytest.fixture(scope="module")
def quads() -> list[ox.Quad]:
    return article_quads(records(), input_hash="h1")


def replace(quads: list[ox.Quad], predicate: str, subject_has: str, obj: Callable[[ox.Quad], object]) -> list[ox.Quad]:
    """Swap the object of matching quads (pred IRI, subject IRI containing ``subject_has``)."""
    return [
        ox.Quad(q.subject, q.predicate, obj(q), q.graph_name)  # type: ignore[arg-type]
        if q.predicate.value == predicate and subject_has in q.subject.value else q
        for q in quads
    ]


def drop(quads: list[ox.Quad], predicate: str, subject_has: str) -> list[ox.Quad]:
    return [q for q in quads if not (q.predicate.value == predicate and subject_has in q.subject.value)]


ENGINES = ["pyshacl", "fast"]


@pytest.mark.parametrize("engine", ENGINES)
def test_clean_graph_validates(quads: list[ox.Quad], engine: str) -> None:
    assert validate_quads(quads, engine=engine) == []  # type: ignore[arg-type]


def broken_variants(quads: list[ox.Quad]) -> dict[str, tuple[list[ox.Quad], list[str]]]:
    """name -> (broken quads, the exact violations expected)."""
    pos0 = "kg:position/900_test-0"
    q_start, q_end = span("We are in favor of stepping up cooperation in the CSTO,")
    return {
        "no stance": (
            drop(quads, KGO + "stance", "position/900_test-0"),
            [f"position {pos0}: stance must be exactly one of kgo:support, kgo:oppose, kgo:neutral, kgo:mixed"],
        ),
        "stance outside the four": (
            replace(quads, KGO + "stance", "position/900_test-0", lambda q: ox.NamedNode(KGO + "maybe")),
            [f"position {pos0}: stance must be exactly one of kgo:support, kgo:oppose, kgo:neutral, kgo:mixed"
             " (value: kgo:maybe)"],
        ),
        "evidence start >= end": (
            replace(quads, OA + "start", "position/900_test-1/evidence",
                    lambda q: ox.Literal("500", datatype=ox.NamedNode(XSD + "nonNegativeInteger"))),
            ["position selector kg:position/900_test-1/evidence#position: start must be less than end"
             ' (value: "500"^^xsd:nonNegativeInteger)'],
        ),
        "entity without label": (
            drop(quads, RDFS_LABEL, "id/state/belarus"),
            ["entity kg:state/belarus: entity must have exactly one non-empty rdfs:label"],
        ),
        "confidence above 1": (
            replace(quads, KGO + "confidence", "position/900_test-1",
                    lambda q: ox.Literal("1.50", datatype=ox.NamedNode(XSD + "decimal"))),
            ['position kg:position/900_test-1: confidence must be exactly one xsd:decimal in [0, 1]'
             ' (value: "1.50"^^xsd:decimal)'],
        ),
        "topic outside the scheme": (
            replace(quads, KGO + "topic", "position/900_test-0",
                    lambda q: ox.NamedNode("https://w3id.org/kg-news/topic/no-such-topic")),
            [f"position {pos0}: topic is not in the topic scheme (value: topic:no-such-topic)"],
        ),
        "meeting kind outside the list": (
            replace(quads, KGO + "meetingKind", "meeting/900_test-0", lambda q: ox.NamedNode(KGO + "party")),
            ["meeting kg:meeting/900_test-0: meetingKind must be exactly one of kgo:session, kgo:summit,"
             " kgo:conference, kgo:bilateral, kgo:reception, kgo:talks, kgo:meeting (value: kgo:party)"],
        ),
        "precision disagrees with date": (
            replace(quads, KGO + "datePrecision", "meeting/900_test-0", lambda q: ox.Literal("month")),
            ["meeting kg:meeting/900_test-0: startDate and datePrecision must come together and agree"
             " (day: xsd:date, month: xsd:gYearMonth, year: xsd:gYear)"],
        ),
        "ill-typed date": (
            replace(quads, KGO + "date", "position/900_test-0",
                    lambda q: ox.Literal("2013-06", datatype=ox.NamedNode(XSD + "date"))),
            [f"position {pos0}: date must be at most one valid xsd:date, xsd:gYearMonth or xsd:gYear"
             ' (value: "2013-06"^^xsd:date)'],
        ),
        "exact does not quote the text": (
            replace(quads, OA + "exact", "statement/900_test-0/evidence", lambda q: ox.Literal("something else")),
            [f"evidence kg:statement/900_test-0/evidence: exact does not match the article text at"
             f" [{q_start}, {q_end})"],
        ),
        "statement without evidence": (
            drop(quads, KGO + "evidence", "statement/900_test-0"),
            ["statement kg:statement/900_test-0: statement must have exactly one kgo:Evidence"],
        ),
        "position with neither holder nor on-behalf-of": (
            drop(quads, KGO + "onBehalfOf", "position/900_test-1"),
            ["position kg:position/900_test-1: position must have a holder or an onBehalfOf"],
        ),
    }


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("name", list(broken_variants([]).keys()))
def test_broken_variant_gives_a_precise_violation(quads: list[ox.Quad], name: str, engine: str) -> None:
    broken, expected = broken_variants(quads)[name]
    assert validate_quads(broken, engine=engine) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("name", list(broken_variants([]).keys()))
def test_triples_give_the_same_violations_as_quads(quads: list[ox.Quad], name: str, engine: str) -> None:
    broken, expected = broken_variants(quads)[name]
    triples = [(q.subject, q.predicate, q.object) for q in broken]
    assert validate_triples(triples, engine=engine) == expected  # type: ignore[arg-type]


def test_quads_from_two_graphs_are_reported(quads: list[ox.Quad]) -> None:
    other = ox.Quad(quads[0].subject, quads[0].predicate, quads[0].object, ox.NamedNode("https://example.org/g"))
    messages = validate_quads([*quads, other], engine="fast")
    assert messages[0].startswith("graph: quads span 2 graphs")


def test_unknown_engine_is_refused(quads: list[ox.Quad]) -> None:
    with pytest.raises(ValueError, match="unknown validation engine"):
        validate_quads(quads, engine="nope")  # type: ignore[arg-type]


def test_validate_store_checks_every_article_graph(quads: list[ox.Quad]) -> None:
    from kg.validate import validate_store

    store = ox.Store()
    store.extend(quads)
    store.add(ox.Quad(ox.NamedNode("https://example.org/s"), ox.NamedNode("https://example.org/p"),
                      ox.Literal("not an article graph"), ox.NamedNode("https://w3id.org/kg-news/graph/kb")))
    assert validate_store(store) == []
    store.remove(next(iter(store.quads_for_pattern(None, ox.NamedNode(KGO + "stance"), None, None))))
    messages = validate_store(store, engine="fast")
    assert len(messages) == 1 and messages[0].startswith("article 900_test: position kg:position/900_test-")
