"""A tiny, hand-made graph for the web tests: built from records, without spaCy."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

from pyoxigraph import Literal, NamedNode, Quad, RdfFormat, parse

from kg import iris, kb, mapper
from kg.config import PROJECT_ROOT
from kg.records import Article, ArticleRecords, Entity, Evidence, Meeting, Position, Quote
from kg.store import GenerationStore
from kg.vocab import SKOS, TOPIC

LUKASHENKO = "person/alexander-lukashenko"
PATRUSHEV = "person/nikolai-patrushev"
BELARUS = "state/belarus"
CSTO = "org/collective-security-treaty-organization"
CSC = "org/csto-collective-security-council"
MINSK = "place/minsk"

TEXT_1 = (
    "Belarus President Alexander Lukashenko met with Nikolai Patrushev in Minsk on 5 June. "
    "\"We are in favor of strengthening the CSTO,\" Alexander Lukashenko said. "
    "Belarus suggests reforming the CSTO Collective Security Council. "
    "Belarus deems it necessary to deepen the Union State."
)
TEXT_2 = (
    "Alexander Lukashenko said he doubts the CSTO can act quickly. "
    "\"I doubt it works as it should,\" Lukashenko said in Minsk."
)


def _span(text: str, part: str) -> tuple[int, int]:
    start = text.index(part)
    return start, start + len(part)


def _evidence(text: str, part: str) -> Evidence:
    start, end = _span(text, part)
    return Evidence(start, end, part)


def _article(article_id: str, published: date, title: str, text: str) -> Article:
    return Article(
        id=article_id, file=f"{article_id}.txt", url=f"https://example.org/news/{article_id}",
        published=published, title=title, text=text,
        sha256=hashlib.sha256(text.encode()).hexdigest(), outlet="BelTA",
    )


def _entities(text: str, *keys: str) -> tuple[Entity, ...]:
    known = kb.default().entities
    out = []
    for key in keys:
        ent = known[key]
        surface = ent.label if ent.label in text else ent.aliases[0] if ent.aliases else ent.label
        mentions = (_span(text, surface),) if surface in text else ()
        out.append(Entity(key=key, label=ent.label, type=ent.type, wikidata=ent.wikidata,
                          aliases=(surface,), mentions=mentions, known=True, parent=ent.parent))
    return tuple(out)


def article_one() -> ArticleRecords:
    """Lukashenko meets Patrushev; a quote; positions on CSTO integration and the Union State."""
    text = TEXT_1
    quote_text = "We are in favor of strengthening the CSTO,"
    q_start, q_end = _span(text, quote_text)
    meeting = Meeting(
        key="meeting/001-0", label="Lukashenko meets Patrushev", kind="bilateral",
        date="2013-06-05", date_precision="day", place=MINSK,
        participants=(LUKASHENKO, PATRUSHEV), span=_span(text, text.split(". ")[0]),
    )
    return ArticleRecords(
        article=_article("001", date(2013, 6, 5), "Lukashenko meets Patrushev", text),
        entities=_entities(text, LUKASHENKO, PATRUSHEV, BELARUS, CSTO, CSC, MINSK),
        meetings=(meeting,),
        quotes=(Quote(quote_text, q_start, q_end, LUKASHENKO, True, "said", "meeting/001-0"),),
        positions=(
            Position(LUKASHENKO, BELARUS, CSTO, "csto-integration", "support", "2013-06-05",
                     _evidence(text, "\"We are in favor of strengthening the CSTO,\" Alexander Lukashenko said."),
                     "in favor of", 0.9, quote=0),
            Position(None, BELARUS, CSC, "csto-reform", "support", "2013-06-05",
                     _evidence(text, "Belarus suggests reforming the CSTO Collective Security Council."),
                     "suggests", 0.7),
            Position(None, BELARUS, "org/union-state", "union-state-integration", "support", "2013-06-05",
                     _evidence(text, "Belarus deems it necessary to deepen the Union State."),
                     "deems it necessary", 0.8),
        ),
        extractor={"kg-test": "1"},
    )


def article_two() -> ArticleRecords:
    """An earlier article: a sceptical position targeting the CSTO under another topic."""
    text = TEXT_2
    quote_text = "I doubt it works as it should,"
    q_start, q_end = _span(text, quote_text)
    return ArticleRecords(
        article=_article("002", date(2012, 5, 15), "Lukashenko doubts", text),
        entities=_entities(text, LUKASHENKO, CSTO, MINSK),
        quotes=(Quote(quote_text, q_start, q_end, LUKASHENKO, True, "said"),),
        positions=(
            Position(LUKASHENKO, BELARUS, CSTO, "peacekeeping", "oppose", "2012-05-15",
                     _evidence(text, "Alexander Lukashenko said he doubts the CSTO can act quickly."),
                     "I doubt it", 0.6),
        ),
        extractor={"kg-test": "1"},
    )


def ontology_quads() -> list[Quad]:
    """The ontology and topic scheme (as the build loads them), plus a test-only topic
    narrower than CSTO integration."""
    graph = NamedNode(iris.ONTOLOGY_GRAPH)
    quads = [
        Quad(t.subject, t.predicate, t.object, graph)
        for name in ("kg.ttl", "topics.ttl")
        for t in parse(path=str(PROJECT_ROOT / "ontology" / name), format=RdfFormat.TURTLE)
    ]
    reform = NamedNode(TOPIC["csto-reform"])
    quads.append(Quad(reform, NamedNode(SKOS.broader), NamedNode(TOPIC["csto-integration"]), graph))
    quads.append(Quad(reform, NamedNode(SKOS.prefLabel), Literal("CSTO reform", language="en"), graph))
    return quads


def build(store_dir: Path, *articles: ArticleRecords) -> None:
    """Write the ontology, the KB graph and ``articles`` (one graph each) as a new generation."""
    with GenerationStore(store_dir).update() as writer:
        writer.replace_graph(iris.ONTOLOGY_GRAPH, ontology_quads())
        writer.replace_graph(iris.KB_GRAPH, mapper.kb_quads(kb.default()))
        for records in articles:
            writer.replace_graph(iris.article_graph(records.article.id), mapper.article_quads(records))
