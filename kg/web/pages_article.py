"""The evidence view of an article: its text with every extracted span highlighted.

Spans (the evidence of positions, statements and meetings, and each entity mention) may
overlap, so the text is cut at every span boundary into segments; each segment knows the
spans covering it. Each span gets an anchor (``position-3``, ``statement-0``,
``meeting-1``, ``char=120,140`` for a mention), so ``/id/article/<id>#position-3`` scrolls
to the span and ``static/article.js`` highlights it.

>>> segs = segments("Belarus supports it.", [Span(0, 7, "mention", "char=0,7"), Span(0, 20, "position", "position-0")])
>>> [(s.text, [sp.anchor for sp in s.spans]) for s in segs]
[('Belarus', ['char=0,7', 'position-0']), (' supports it.', ['position-0'])]
>>> [sp.anchor for sp in segs[0].starts]
['char=0,7', 'position-0']
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import pairwise

from kg import iris
from kg.web.pages_data import Row, Value, rows, with_labels
from kg.web.pages_links import evidence_anchor, local_path


@dataclass(frozen=True)
class Span:
    """A highlighted stretch of the article text."""

    start: int
    end: int
    kind: str  # position | statement | meeting | mention
    anchor: str
    css: str = ""
    title: str = ""
    href: str | None = None


@dataclass
class Segment:
    """A piece of text covered by the same spans; ``starts`` are the spans beginning here."""

    text: str
    spans: list[Span] = field(default_factory=list)
    starts: list[Span] = field(default_factory=list)

    @property
    def anchors(self) -> str:
        return " ".join(s.anchor for s in self.spans)

    @property
    def classes(self) -> str:
        return " ".join(dict.fromkeys(f"hl-{s.kind} {s.css}".strip() for s in self.spans))

    @property
    def link(self) -> Span | None:
        """The mention (entity link) covering this segment, if any."""
        return next((s for s in self.spans if s.kind == "mention" and s.href), None)

    @property
    def title(self) -> str:
        return " · ".join(s.title for s in self.spans if s.title)


def segments(text: str, spans: list[Span]) -> list[Segment]:
    """Cut ``text`` at every span boundary; spans outside the text are dropped."""
    valid = [s for s in spans if 0 <= s.start < s.end <= len(text)]
    cuts = sorted({0, len(text), *(s.start for s in valid), *(s.end for s in valid)})
    out = []
    for start, end in pairwise(cuts):
        covering = [s for s in valid if s.start <= start and end <= s.end]
        starting = [s for s in valid if s.start == start]
        out.append(Segment(text[start:end], covering, starting))
    return out


@dataclass
class ArticleView:
    """Everything the evidence view shows."""

    iri: str
    meta: Row
    segments: list[Segment]
    positions: list[Row]
    statements: list[Row]
    meetings: list[Row]
    entities: list[Row]


_ITEMS = """
SELECT DISTINCT ?item ?kind ?start ?end ?label ?stance ?topic ?holder ?speaker ?direct ?text WHERE {
  GRAPH $g {
    ?item kgo:evidence ?ev ; a ?type .
    ?ev oa:hasSelector ?sel . ?sel oa:start ?start ; oa:end ?end .
    VALUES (?type ?kind) { (kgo:Position "position") (kgo:Statement "statement") (kgo:Meeting "meeting") }
    OPTIONAL { ?item rdfs:label ?label }
    OPTIONAL { ?item kgo:stance ?stanceIri BIND(STRAFTER(STR(?stanceIri), "#") AS ?stance) }
    OPTIONAL { ?item kgo:topic ?topic }
    OPTIONAL { ?item kgo:holder ?person }
    OPTIONAL { ?item kgo:onBehalfOf ?state }
    BIND(COALESCE(?person, ?state) AS ?holder)
    OPTIONAL { ?item kgo:speaker ?speaker }
    OPTIONAL { ?item kgo:direct ?direct }
    OPTIONAL { ?item schema:text ?text }
  }
} ORDER BY ?start"""

_MENTIONS = """
SELECT DISTINCT ?e ?m ?type WHERE {
  GRAPH $g { ?e gaf:denotedBy ?m ; a ?type . VALUES ?type { schema:Person kgo:State kgo:Organisation kgo:Place
             kgo:Document kgo:Programme kgo:Award } }
}"""


def _merge(found: list[Row], key: str) -> list[Row]:
    """One row per ``key`` value: the first value seen for each column (OPTIONAL joins repeat items)."""
    merged: dict[str, Row] = {}
    for row in found:
        item = merged.setdefault(row[key].value, {})
        for k, v in row.items():
            item.setdefault(k, v)
    return list(merged.values())


def _local_name(iri: str) -> str:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _item_spans(items: list[Row], article_id: str) -> list[Span]:
    """Spans of the positions, statements and meetings; each row also gets its ``anchor``."""
    spans = []
    for row in items:
        anchor = evidence_anchor(row["item"].value, article_id)
        row["anchor"] = Value(anchor)
        css = f"stance-{row['stance'].value}" if "stance" in row else ""
        title = row["label"].value if "label" in row else row["kind"].value
        spans.append(Span(int(row["start"].value), int(row["end"].value), row["kind"].value, anchor, css, title))
    return spans


def _mention_spans(mentions: list[Row]) -> tuple[list[Span], list[Row]]:
    """Spans of the entity mentions (``#char=start,end``) and the entities mentioned, by name."""
    spans, entities = [], {}
    for row in mentions:
        offsets = row["m"].value.rpartition("#char=")[2].split(",")
        if len(offsets) != 2 or not all(x.isdigit() for x in offsets):
            continue
        start, end = int(offsets[0]), int(offsets[1])
        entity = row["e"]
        css = f"type-{_local_name(row['type'].value).lower()}"
        spans.append(Span(start, end, "mention", f"char={start},{end}", css, entity.text, local_path(entity.value)))
        entities.setdefault(entity.value, {"e": entity, "type": row["type"]})
    return spans, sorted(entities.values(), key=lambda r: r["e"].text.lower())


def article_view(iri: str, article_id: str) -> ArticleView | None:
    """The evidence view of the article ``iri``, or None if there is no such article."""
    meta = rows("SELECT ?title ?published ?source ?publisher ?body WHERE { $a a schema:NewsArticle ; "
                "schema:articleBody ?body . OPTIONAL { $a dcterms:title ?title } "
                "OPTIONAL { $a schema:datePublished ?published } OPTIONAL { $a dcterms:source ?source } "
                "OPTIONAL { $a dcterms:publisher ?publisher } } LIMIT 1", a=iri)
    if not meta:
        return None
    graph_iri = iris.article_graph(article_id)
    items = with_labels(_merge(rows(_ITEMS, g=graph_iri), "item"))
    mention_spans, entities = _mention_spans(with_labels(rows(_MENTIONS, limit=20000, g=graph_iri)))
    unique = {span.anchor: span for span in reversed(_item_spans(items, article_id) + mention_spans)}
    spans = sorted(unique.values(), key=lambda sp: (sp.start, -sp.end))
    by_kind = {k: [r for r in items if r["kind"].value == k] for k in ("position", "statement", "meeting")}
    return ArticleView(iri, meta[0], segments(meta[0]["body"].value, spans), by_kind["position"],
                       by_kind["statement"], by_kind["meeting"], entities)
