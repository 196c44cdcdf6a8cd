"""The per-Doc copies of token strings and text that the components share."""

from __future__ import annotations

from kg.nlp.extensions import doc_lemmas, doc_lowers, doc_text

TEXT = "MINSK, 1 March (BelTA) – President Lukashenko met the CSTO leaders.\nThey joined talks on Syria."


def test_copies_match_the_tokens(run) -> None:
    doc = run(TEXT)
    assert doc_text(doc) == doc.text == TEXT
    assert doc_lowers(doc) == [t.lower_ for t in doc]
    assert doc_lemmas(doc) == [t.lemma_ for t in doc]


def test_text_of_a_doc_not_made_by_make_doc(nlp) -> None:
    doc = nlp.make_doc("Two  spaces and\na line break ")
    assert doc_text(doc) == "Two  spaces and\na line break "
