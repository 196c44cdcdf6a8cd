"""The OWL ontology, the SHACL shapes and the topic scheme agree with kg.vocab and kg.records."""

from __future__ import annotations

import pyoxigraph
import pytest
from rdflib import Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SH, SKOS

from kg.records import MEETING_KINDS, STANCES
from kg.validate import ONTOLOGY_FILE, SHAPES_FILE, TOPICS_FILE, kgo_terms, validate_ontology
from kg.vocab import KGO, ORG, PROV, SCHEMA, SEM

KINDS = {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.NamedIndividual}


@pytest.fixture(scope="module")
def onto() -> Graph:
    return Graph().parse(ONTOLOGY_FILE, format="turtle")


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return Graph().parse(SHAPES_FILE, format="turtle")


def test_validate_ontology_is_clean() -> None:
    assert validate_ontology() == []


@pytest.mark.parametrize("path", [ONTOLOGY_FILE, SHAPES_FILE, TOPICS_FILE], ids=lambda p: p.name)
def test_turtle_files_parse_with_rdflib_and_oxigraph(path) -> None:
    assert len(Graph().parse(path, format="turtle")) > 0
    assert list(pyoxigraph.parse(path=str(path), format=pyoxigraph.RdfFormat.TURTLE))


@pytest.mark.parametrize("name", kgo_terms())
def test_every_kgo_term_is_defined_with_label_and_comment(onto: Graph, name: str) -> None:
    term = URIRef(str(KGO._NS) + name)
    assert KINDS & set(onto.objects(term, RDF.type)), f"kgo:{name} has no OWL kind"
    assert str(onto.value(term, RDFS.label) or "").strip(), f"kgo:{name} has no rdfs:label"
    assert str(onto.value(term, RDFS.comment) or "").strip(), f"kgo:{name} has no rdfs:comment"


def test_kg_ttl_defines_nothing_outside_the_vocab(onto: Graph) -> None:
    ns = str(KGO._NS)
    declared = {str(s)[len(ns) :] for s in onto.subjects() if isinstance(s, URIRef) and str(s).startswith(ns)}
    assert declared == set(kgo_terms())


def test_ontology_header(onto: Graph) -> None:
    header = URIRef("https://w3id.org/kg-news/ontology")
    assert (header, RDF.type, OWL.Ontology) in onto
    assert onto.value(header, OWL.versionInfo) is not None
    assert not list(onto.objects(header, OWL.imports)), "no remote imports"


@pytest.mark.parametrize("name", STANCES)
def test_stance_individuals(onto: Graph, name: str) -> None:
    term = KGO[name]
    for cls in (KGO.Stance, SKOS.Concept, OWL.NamedIndividual):
        assert (term, RDF.type, cls) in onto
    assert onto.value(term, SKOS.inScheme) is not None


@pytest.mark.parametrize("name", MEETING_KINDS)
def test_meeting_kind_individuals(onto: Graph, name: str) -> None:
    term = KGO[name]
    for cls in (KGO.MeetingKind, SKOS.Concept, OWL.NamedIndividual):
        assert (term, RDF.type, cls) in onto
    assert onto.value(term, SKOS.inScheme) is not None


@pytest.mark.parametrize(
    ("sub", "sup"),
    [
        (KGO.Meeting, SCHEMA.Event), (KGO.Meeting, SEM.Event), (KGO.Statement, SCHEMA.Quotation),
        (KGO.Statement, PROV.Entity), (KGO.State, SCHEMA.Country), (KGO.Organisation, ORG.FormalOrganization),
        (KGO.Body, ORG.OrganizationalUnit), (KGO.Evidence, URIRef("http://www.w3.org/ns/oa#SpecificResource")),
        (KGO.Stance, SKOS.Concept), (KGO.MeetingKind, SKOS.Concept),
    ],
)
def test_class_alignments(onto: Graph, sub: URIRef, sup: URIRef) -> None:
    assert (sub, RDFS.subClassOf, sup) in onto


@pytest.mark.parametrize(
    ("sub", "sup"),
    [
        (KGO.speaker, PROV.wasAttributedTo), (KGO.topic, URIRef("http://purl.org/dc/terms/subject")),
        (KGO.convenedBy, SCHEMA.organizer), (KGO.participant, SEM.hasActor),
    ],
)
def test_property_alignments(onto: Graph, sub: URIRef, sup: URIRef) -> None:
    assert (sub, RDFS.subPropertyOf, sup) in onto


def _sh_in(shapes: Graph, path: URIRef) -> set[str]:
    for prop in shapes.subjects(SH.path, path):
        lst = shapes.value(prop, SH["in"])
        if lst is not None:
            return {str(v) for v in Collection(shapes, lst)}
    raise AssertionError(f"no sh:in for {path}")


def test_shapes_closed_lists_match_the_ontology(shapes: Graph) -> None:
    assert _sh_in(shapes, KGO.stance) == {str(KGO[s]) for s in STANCES}
    assert _sh_in(shapes, KGO.meetingKind) == {str(KGO[k]) for k in MEETING_KINDS}
