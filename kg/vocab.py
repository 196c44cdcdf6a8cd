"""Vocabularies used in the graph, as rdflib namespaces (a typo'd KGO term fails loudly).

``KGO`` is our ontology (``ontology/kg.ttl`` defines every term listed here; a test
checks the two agree). The others are the standard vocabularies we reuse.
"""

from __future__ import annotations

from rdflib import Namespace
from rdflib.namespace import DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SKOS, XSD, DefinedNamespace

BASE = "https://w3id.org/kg-news/"


class KGO(DefinedNamespace):
    """The kg ontology: only terms no standard vocabulary provides."""

    _NS = Namespace(BASE + "ontology#")
    _fail = True

    # classes
    State: object
    Organisation: object
    Body: object
    Place: object
    Document: object
    Programme: object
    Award: object
    Post: object
    Meeting: object
    Statement: object
    Position: object
    Evidence: object
    Stance: object
    MeetingKind: object
    # object properties
    holder: object
    onBehalfOf: object
    target: object
    topic: object
    stance: object
    evidence: object
    expressedIn: object
    speaker: object
    madeAt: object
    meetingKind: object
    convenedBy: object
    participant: object
    mentionedIn: object
    article: object
    # datatype properties
    date: object
    datePrecision: object
    cue: object
    confidence: object
    direct: object
    contentHash: object
    inputHash: object
    extractor: object
    # individuals: stances and meeting kinds
    support: object
    oppose: object
    neutral: object
    mixed: object
    session: object
    summit: object
    conference: object
    bilateral: object
    reception: object
    talks: object
    meeting: object


SCHEMA = Namespace("http://schema.org/")
ORG = Namespace("http://www.w3.org/ns/org#")
OA = Namespace("http://www.w3.org/ns/oa#")
SEM = Namespace("http://semanticweb.cs.vu.nl/2009/11/sem/")
GAF = Namespace("http://groundedannotationframework.org/gaf#")
WD = Namespace("http://www.wikidata.org/entity/")
TIME = Namespace("http://www.w3.org/2006/time#")
SH = Namespace("http://www.w3.org/ns/shacl#")
TOPIC = Namespace(BASE + "topic/")
ID = Namespace(BASE + "id/")
GRAPH = Namespace(BASE + "graph/")

PREFIXES: dict[str, str] = {
    "kgo": str(KGO._NS),
    "kg": str(ID),
    "topic": str(TOPIC),
    "schema": str(SCHEMA),
    "org": str(ORG),
    "oa": str(OA),
    "sem": str(SEM),
    "gaf": str(GAF),
    "prov": str(PROV),
    "dcterms": str(DCTERMS),
    "skos": str(SKOS),
    "foaf": str(FOAF),
    "owl": str(OWL),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "xsd": str(XSD),
    "wd": str(WD),
    "time": str(TIME),
}


def sparql_prefixes() -> str:
    """PREFIX declarations for every namespace above, one per line."""
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())
