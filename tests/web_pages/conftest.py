"""Fixtures: the web tests' tiny hand-made graph plus an article full of markup, and a client."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kg.config import Settings
from kg.records import Article, ArticleRecords, Entity, Evidence, Position, Quote
from kg.web import create_app
from tests.web import graphdata

HOSTILE = '<script>alert("kg")</script>'
HOSTILE_KEY = "person/evil-script"
HOSTILE_TEXT = f"{HOSTILE} said the CSTO must grow. \"We back the CSTO <b>fully</b>,\" {HOSTILE} said."


def hostile_article() -> ArticleRecords:
    """An article whose title, text, entity label and quotes all contain HTML."""
    text = HOSTILE_TEXT
    first = text.index(HOSTILE)
    quote = 'We back the CSTO <b>fully</b>,'
    q_start = text.index(quote)
    sentence = f"{HOSTILE} said the CSTO must grow."
    entity = Entity(key=HOSTILE_KEY, label=HOSTILE, type="Person", aliases=(HOSTILE,),
                    mentions=((first, first + len(HOSTILE)),))
    csto = Entity(key=graphdata.CSTO, label="Collective Security Treaty Organization", type="Organisation",
                  aliases=("CSTO",), mentions=((text.index("CSTO"), text.index("CSTO") + 4),), known=True)
    article = Article(id="003", file="003.txt", url="https://example.org/news/003?a=1&b='2'",
                      published=date(2014, 1, 2), title=f"Title with {HOSTILE}", text=text,
                      sha256=hashlib.sha256(text.encode()).hexdigest(), outlet="<i>Outlet</i>")
    return ArticleRecords(
        article=article, entities=(entity, csto),
        quotes=(Quote(quote, q_start, q_start + len(quote), HOSTILE_KEY, True, "said"),),
        positions=(Position(HOSTILE_KEY, None, graphdata.CSTO, "csto-integration", "support", "2014-01-02",
                            Evidence(first, first + len(sentence), sentence), "must", 0.5, quote=0),),
        extractor={"kg-test": "1"},
    )


@pytest.fixture(scope="session")
def pages_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("pages-store")
    graphdata.build(path, graphdata.article_one(), graphdata.article_two(), hostile_article())
    return path


@pytest.fixture(scope="session")
def app(pages_store: Path) -> Flask:
    return create_app(Settings(store=str(pages_store)), {"TESTING": True})


@pytest.fixture()
def client(app: Flask) -> FlaskClient:
    return app.test_client()
