"""Plain frozen dataclasses: the seam between NLP and RDF.

Everything upstream (``kg.corpus``, ``kg.nlp``, ``kg.extract``) produces these records;
everything downstream (``kg.mapper``, ``kg.store``, ``kg.web``) consumes them and never
imports spaCy. Offsets are character offsets into ``Article.text`` (end exclusive).
Entities are referred to by ``key``: the knowledge-base key of a known entity (e.g.
``person/alexander-lukashenko``) or a key minted from the surface form for an unknown one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

Span = tuple[int, int]

ENTITY_TYPES = ("Person", "State", "Organisation", "Place", "Document", "Programme", "Award")
STANCES = ("support", "oppose", "neutral", "mixed")
#: the closed set of kgo:MeetingKind individuals (ontology/kg.ttl, ontology/shapes.ttl)
MEETING_KINDS = ("session", "summit", "conference", "bilateral", "reception", "talks", "meeting")
DATE_PRECISIONS = ("day", "month", "year")


@dataclass(frozen=True)
class Article:
    """One validated, normalised article of the corpus."""

    id: str
    file: str
    url: str
    published: date
    title: str
    text: str
    sha256: str
    outlet: str | None = None


@dataclass(frozen=True)
class Role:
    """A post held by a person at the article's date ("Secretary of the Security Council")."""

    holder: str
    post: str
    post_label: str
    organisation: str | None = None
    span: Span | None = None


@dataclass(frozen=True)
class Entity:
    """A real-world entity mentioned in one article, resolved to a canonical key."""

    key: str
    label: str
    type: str
    wikidata: str | None = None
    aliases: tuple[str, ...] = ()
    mentions: tuple[Span, ...] = ()
    known: bool = False
    parent: str | None = None


@dataclass(frozen=True)
class Meeting:
    """A meeting, session or summit reported by the article."""

    key: str
    label: str
    kind: str
    date: str | None
    date_precision: str | None
    place: str | None = None
    body: str | None = None
    participants: tuple[str, ...] = ()
    span: Span | None = None
    parent: str | None = None


@dataclass(frozen=True)
class Quote:
    """A direct quotation (or reported statement) with its resolved speaker."""

    text: str
    start: int
    end: int
    speaker: str | None
    direct: bool = True
    cue: str | None = None
    meeting: str | None = None


@dataclass(frozen=True)
class Evidence:
    """The sentence a fact was read from."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Position:
    """A stated position: who is for or against what, on which topic, when, and why we think so."""

    holder: str | None
    on_behalf_of: str | None
    target: str | None
    topic: str
    stance: str
    date: str | None
    evidence: Evidence
    cue: str
    confidence: float
    quote: int | None = None


@dataclass(frozen=True)
class ArticleRecords:
    """Everything extracted from one article."""

    article: Article
    entities: tuple[Entity, ...] = ()
    roles: tuple[Role, ...] = ()
    meetings: tuple[Meeting, ...] = ()
    quotes: tuple[Quote, ...] = ()
    positions: tuple[Position, ...] = ()
    extractor: dict[str, str] = field(default_factory=dict)

    def entity(self, key: str | None) -> Entity | None:
        """The entity with ``key``, or None."""
        if key is None:
            return None
        for ent in self.entities:
            if ent.key == key:
                return ent
        return None

    def label(self, key: str | None) -> str | None:
        """The canonical label of the entity with ``key`` (None passes through)."""
        ent = self.entity(key)
        return ent.label if ent else None
