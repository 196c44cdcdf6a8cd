"""Shared fixtures: the pipeline is loaded once per test session."""

from __future__ import annotations

from datetime import date

import pytest

from kg.records import Article


@pytest.fixture(scope="session")
def nlp():
    from kg.extract import _pipeline

    return _pipeline()  # the same per-process pipeline extract/extract_all use


@pytest.fixture(scope="session")
def run(nlp):
    """Run the pipeline on a text anchored at a publication date; returns the Doc."""
    from kg.nlp.pipeline import make_doc

    def _run(text: str, published: date | None = date(2013, 9, 23)):
        return nlp(make_doc(nlp, text, published))

    return _run


@pytest.fixture(scope="session")
def records(nlp):
    """Extract records from a text (as an Article published on ``published``)."""
    from kg.corpus import sha256_text
    from kg.extract import extract

    def _records(text: str, published: date = date(2013, 9, 23), article_id: str = "t1"):
        art = Article(id=article_id, file=f"{article_id}.txt", url="https://example.org/a", published=published,
                      title=text.split("\n", 1)[0][:80], text=text, sha256=sha256_text(text))
        return extract(art, nlp)

    return _records
