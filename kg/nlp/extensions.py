"""Doc extensions our components write, declared once, and the small annotation classes.

Annotations are plain dataclasses with character offsets into the Doc text (which has the
same length as ``Article.text``), so ``records_from_doc`` can turn them into records
without reading tokens again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from spacy.attrs import LEMMA, LOWER
from spacy.tokens import Doc


@dataclass
class MentionAnn:
    """One mention of an entity: a name, a nested acronym, a descriptor or a pronoun."""

    start: int
    end: int
    tok_start: int
    tok_end: int
    key: str
    kind: str = "name"  # name | nested | descriptor | pronoun
    subject: bool = False  # the mention is the subject of its clause


@dataclass
class RoleAnn:
    """A title attached to a named person."""

    holder: str
    post: str
    post_label: str
    organisation: str | None
    start: int
    end: int
    title: str = ""


@dataclass
class QuoteAnn:
    """A quotation (inner text offsets) and its resolved speaker."""

    start: int
    end: int
    speaker: str | None
    cue: str | None = None
    how: str = ""  # how the speaker was found (after, before, pronoun, continuation, paragraph)
    paragraph: int = 0
    direct: bool = True


@dataclass
class DateAnn:
    """A date expression resolved against the publication date."""

    start: int
    end: int
    value: str
    precision: str


@dataclass
class MeetingAnn:
    """A meeting reported by the article."""

    kind: str
    start: int
    end: int
    date: str | None = None
    precision: str | None = None
    place: str | None = None
    body: str | None = None
    participants: list[str] = field(default_factory=list)
    parent: int | None = None  # index of the parent meeting
    label: str = ""


@dataclass
class PositionAnn:
    """A stance read from a sentence."""

    holder: str | None
    on_behalf_of: str | None
    target: str | None
    topic: str
    stance: str
    start: int
    end: int
    cue: str
    confidence: float
    quote: int | None = None
    date: str | None = None


_TEXT, _LOWERS, _LEMMAS = "kg_text", "kg_lowers", "kg_lemmas"  # user_data keys of the per-Doc copies below
EXTENSIONS: dict[str, object] = {
    "kg_published": None,  # datetime.date set before the pipeline runs (None: no anchor)
    "kg_mentions": None,  # list[MentionAnn], text order
    "kg_roles": None,  # list[RoleAnn]
    "kg_quotes": None,  # list[QuoteAnn]
    "kg_dates": None,  # list[DateAnn]
    "kg_meetings": None,  # list[MeetingAnn]
    "kg_positions": None,  # list[PositionAnn]
    "kg_dateline": None,  # (place key or None, DateAnn or None) from a "MINSK, 1 March (BelTA) –" line
    "kg_actor": None,
    "kg_catalog": None,  # key -> EntityInfo for entities minted from this doc  # the article's main actor (person key)
}


def register() -> None:
    """Declare our Doc extensions (idempotent)."""
    for name, default in EXTENSIONS.items():
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=default)


def doc_text(doc: Doc) -> str:
    """The Doc's text, built once (``Doc.text`` joins every token on each access)."""
    text = doc.user_data.get(_TEXT)
    if text is None:
        text = doc.user_data[_TEXT] = doc.text
    return text


def doc_lowers(doc: Doc) -> list[str]:
    """``Token.lower_`` of every token, read once per Doc (each access builds a Token and a string)."""
    return _token_strings(doc, _LOWERS, LOWER)


def doc_lemmas(doc: Doc) -> list[str]:
    """``Token.lemma_`` of every token, read once per Doc (call it after the lemmatizer)."""
    return _token_strings(doc, _LEMMAS, LEMMA)


def _token_strings(doc: Doc, key: str, attr: int) -> list[str]:
    values = doc.user_data.get(key)
    if values is None:
        strings = doc.vocab.strings
        values = doc.user_data[key] = [strings[h] for h in doc.to_array(attr).tolist()]
    return values


def keep_text(doc: Doc, text: str) -> None:
    """Remember the text ``doc`` was made from, for :func:`doc_text`."""
    doc.user_data[_TEXT] = text


def published(doc: Doc) -> date | None:
    """The publication date the doc was anchored to, if any."""
    value = doc._.kg_published
    return value if isinstance(value, date) else None


register()
