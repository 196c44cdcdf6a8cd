"""Paragraph boundaries: a line break always starts a new sentence (headline, dateline and
paragraphs never run together), and so does the story after a dateline ("MINSK, 1 March
(BelTA) – …"). Runs before the parser, which respects preset boundaries."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from kg.nlp.dates import dateline
from kg.nlp.extensions import doc_text


def mark_paragraphs(doc: Doc) -> Doc:
    """Set ``is_sent_start`` on the first token after every line break."""
    after_break = False
    for tok in doc:
        if tok.is_space:
            if "\n" in tok.text:
                after_break = True
            continue
        if after_break and tok.i > 0:
            tok.is_sent_start = True
        after_break = "\n" in tok.whitespace_
    m = dateline(doc_text(doc))
    if m:  # "MINSK, 1 March (BelTA) – President …": the story starts after the dash
        span = doc.char_span(m.end(), m.end() + 1, alignment_mode="expand")
        if span is not None and span.start > 0:
            doc[span.start].is_sent_start = True
    return doc


@Language.factory("kg_paragraphs_v1", assigns=["token.is_sent_start"])
def make_paragraphs(nlp: Language, name: str):
    """Factory: line breaks start sentences (place it before the parser)."""
    return mark_paragraphs
