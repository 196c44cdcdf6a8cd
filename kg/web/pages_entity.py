"""What a resource page shows: small, selective SPARQL queries about one IRI.

Every function takes the IRI and returns labelled rows (see :mod:`kg.web.pages_data`);
``$e`` in a query is the resource, validated and written as ``<…>``.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from kg.web import charts
from kg.web.pages_data import Row, Value, iri_term, rows, with_labels
from kg.web.pages_links import article_id, evidence_href, short

ENTITY_TYPES = {
    "http://schema.org/Person": "Person",
    "https://w3id.org/kg-news/ontology#State": "State",
    "https://w3id.org/kg-news/ontology#Body": "Body",
    "https://w3id.org/kg-news/ontology#Organisation": "Organisation",
    "https://w3id.org/kg-news/ontology#Place": "Place",
    "https://w3id.org/kg-news/ontology#Document": "Document",
    "https://w3id.org/kg-news/ontology#Programme": "Programme",
    "https://w3id.org/kg-news/ontology#Award": "Award",
}
PAGE_KINDS = {
    "https://w3id.org/kg-news/ontology#Position": "position",
    "https://w3id.org/kg-news/ontology#Statement": "statement",
    "https://w3id.org/kg-news/ontology#Meeting": "meeting",
    "http://schema.org/NewsArticle": "article",
    "http://www.w3.org/2004/02/skos/core#Concept": "topic",
    **dict.fromkeys(ENTITY_TYPES, "entity"),
}
SNIPPET_ARTICLES = 12
SNIPPETS_PER_ARTICLE = 3
SNIPPET_MAX = 320


@dataclass
class Props:
    """The distinct (predicate, object) pairs of a resource, objects labelled."""

    pairs: list[tuple[Value, Value]] = field(default_factory=list)

    def all(self, predicate: str) -> list[Value]:
        """Objects of ``predicate`` (a prefixed name such as ``kgo:holder``)."""
        return [o for p, o in self.pairs if short(p.value) == predicate]

    def first(self, predicate: str) -> Value | None:
        found = self.all(predicate)
        return found[0] if found else None


def types(iri: str) -> list[str]:
    """The rdf:type IRIs of ``iri``."""
    return [r["t"].value for r in rows("SELECT DISTINCT ?t WHERE { $e a ?t }", e=iri)]


def exists(iri: str) -> bool:
    """Whether the graph says anything about ``iri`` (as subject or object)."""
    return bool(rows("SELECT ?p WHERE { { $e ?p ?o } UNION { ?s ?p $e } } LIMIT 1", e=iri))


def page_kind(type_iris: list[str]) -> str:
    """Which page template fits a resource with these types."""
    for type_iri, kind in PAGE_KINDS.items():
        if type_iri in type_iris:
            return kind
    return "generic"


def props(iri: str, limit: int = 3000) -> Props:
    """Every distinct (predicate, object) of ``iri`` with labels."""
    found = with_labels(rows("SELECT DISTINCT ?p ?o WHERE { $e ?p ?o } ORDER BY ?p ?o", limit=limit, e=iri))
    return Props([(r["p"], r["o"]) for r in found])


def inbound(iri: str, limit: int = 200) -> list[Row]:
    """Resources that point at ``iri`` (subject, predicate), labelled."""
    return with_labels(rows("SELECT DISTINCT ?s ?p WHERE { ?s ?p $e } ORDER BY ?p ?s", limit=limit, e=iri))


def roles(iri: str) -> list[Row]:
    """Posts held by a person, with the organisation and tenure dates when the KB knows them."""
    return with_labels(rows("""
        SELECT DISTINCT ?post ?org ?start ?end WHERE {
          $e org:holds ?post .
          OPTIONAL { ?post org:postIn ?org }
          OPTIONAL { ?m org:member $e ; org:role ?post ; org:memberDuring ?i .
                     OPTIONAL { ?i time:hasBeginning/time:inXSDDate ?start }
                     OPTIONAL { ?i time:hasEnd/time:inXSDDate ?end } }
        } ORDER BY DESC(?start)""", limit=200, e=iri))


def posts_in(iri: str) -> list[Row]:
    """Posts in an organisation or state and who held them (from the KB tenures)."""
    return with_labels(rows("""
        SELECT DISTINCT ?post ?holder ?start ?end WHERE {
          ?post org:postIn $e .
          OPTIONAL { ?m org:role ?post ; org:member ?holder ; org:memberDuring ?i .
                     OPTIONAL { ?i time:hasBeginning/time:inXSDDate ?start }
                     OPTIONAL { ?i time:hasEnd/time:inXSDDate ?end } }
        } ORDER BY ?post DESC(?start)""", limit=300, e=iri))


def structure(iri: str) -> tuple[list[Row], list[Row]]:
    """(bodies of this organisation, organisations this body belongs to)."""
    units = with_labels(rows("SELECT DISTINCT ?x WHERE { ?x org:unitOf $e } ORDER BY ?x", limit=300, e=iri))
    parents = with_labels(rows("SELECT DISTINCT ?x WHERE { $e org:unitOf ?x }", limit=20, e=iri))
    return units, parents


def meetings(iri: str) -> list[Row]:
    """Meetings the entity took part in, convened or hosted, in date order."""
    return with_labels(rows("""
        SELECT ?meeting (SAMPLE(?d) AS ?date) (SAMPLE(?k) AS ?kind) (SAMPLE(?src) AS ?article)
               (GROUP_CONCAT(DISTINCT ?r; separator=", ") AS ?roles) WHERE {
          { ?meeting kgo:participant $e BIND("participant" AS ?r) }
          UNION { ?meeting kgo:convenedBy $e BIND("convening body" AS ?r) }
          UNION { ?meeting schema:location $e BIND("place" AS ?r) }
          ?meeting a kgo:Meeting .
          OPTIONAL { ?meeting schema:startDate ?d } OPTIONAL { ?meeting kgo:meetingKind ?k }
          OPTIONAL { ?meeting kgo:article ?src }
        } GROUP BY ?meeting ORDER BY (!BOUND(?date)) STR(?date)""", limit=500, e=iri))


_POSITIONS = """
SELECT ?position ?role (SAMPLE(?when) AS ?date) (SAMPLE(?st) AS ?stance) (SAMPLE(?t) AS ?topic)
       (SAMPLE(?h) AS ?holder) (SAMPLE(?tg) AS ?target) (SAMPLE(?x) AS ?evidence) (SAMPLE(?src) AS ?article) WHERE {
  %s
  ?position a kgo:Position ; kgo:stance ?stanceIri ; kgo:topic ?t ; kgo:article ?src ;
            kgo:evidence/oa:hasSelector/oa:exact ?x .
  OPTIONAL { ?position kgo:date ?pd } OPTIONAL { ?src schema:datePublished ?pub }
  OPTIONAL { ?position kgo:holder ?hp } OPTIONAL { ?position kgo:onBehalfOf ?hs }
  OPTIONAL { ?position kgo:target ?tg }
  BIND(COALESCE(?pd, ?pub) AS ?when) BIND(COALESCE(?hp, ?hs) AS ?h)
  BIND(STRAFTER(STR(?stanceIri), "#") AS ?st)
} GROUP BY ?position ?role ORDER BY STR(?date) ?position"""


def positions(iri: str) -> list[Row]:
    """Positions the entity holds (or that are stated on its behalf) and positions targeting it."""
    pattern = ('{ ?position kgo:holder $e BIND("holder" AS ?role) } UNION '
               '{ ?position kgo:onBehalfOf $e BIND("holder" AS ?role) } UNION '
               '{ ?position kgo:target $e BIND("target" AS ?role) }')
    found = _dedupe(rows(_POSITIONS % pattern, limit=3000, e=iri))
    return _linked(with_labels(found), "position")


def topic_positions(iri: str) -> list[Row]:
    """Positions on a topic or any narrower topic."""
    pattern = '?topicIri skos:broader* $e . ?position kgo:topic ?topicIri . BIND("topic" AS ?role)'
    return _linked(with_labels(rows(_POSITIONS % pattern, limit=3000, e=iri)), "position")


def _dedupe(found: list[Row]) -> list[Row]:
    """One row per (position, role): holder and on-behalf-of may both name the entity."""
    seen: set[tuple[str, str]] = set()
    out = []
    for row in found:
        key = (row["position"].value, row["role"].value)
        if key not in seen:
            seen.add(key)
            out.append(row)
    return out


def statements(iri: str) -> list[Row]:
    """Statements by a speaker, in date order, with their evidence links."""
    found = with_labels(rows("""
        SELECT ?statement (SAMPLE(?x) AS ?text) (SAMPLE(?dir) AS ?direct) (SAMPLE(?m) AS ?meeting)
               (SAMPLE(?src) AS ?article) (SAMPLE(?when) AS ?date) WHERE {
          ?statement kgo:speaker $e ; a kgo:Statement ; schema:text ?x ; kgo:article ?src .
          OPTIONAL { ?statement kgo:direct ?dir }
          OPTIONAL { ?statement kgo:madeAt ?m . OPTIONAL { ?m schema:startDate ?md } }
          OPTIONAL { ?src schema:datePublished ?pub }
          BIND(COALESCE(?md, ?pub) AS ?when)
        } GROUP BY ?statement ORDER BY STR(?date) ?statement""", limit=1000, e=iri))
    return _linked(found, "statement")


def timeline_points(found: list[Row], role: str, by: str) -> list[charts.Point]:
    """Chart points for the positions of one role, rows taken from column ``by``."""
    detail = "holder" if by == "topic" else "topic"
    return [charts.Point(r["date"].value, r[by].text if by in r else "unknown", r["stance"].value,
                         r["evidence"].value, r["evidence_href"].value if "evidence_href" in r else None,
                         r[detail].text if detail in r else "")
            for r in found if r["role"].value == role and "date" in r and "stance" in r]


@dataclass
class Snippet:
    """A sentence mentioning the entity, split around the mention."""

    before: str
    mention: str
    after: str
    href: str


@dataclass
class Mentions:
    """Articles mentioning an entity, newest first, with a few sentences each."""

    article: Value
    date: str
    count: int
    snippets: list[Snippet]


def _valid_iris(candidates: Iterable[str]) -> list[str]:
    out = []
    for iri in candidates:
        try:
            out.append(iri_term(iri))
        except ValueError:
            continue
    return out


def _bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence around ``text[start:end]`` (at most SNIPPET_MAX characters)."""
    left = max(text.rfind(mark, max(0, start - SNIPPET_MAX), start) for mark in (". ", "\n", "? ", "! ", "“"))
    left = left + 1 if left >= 0 else max(0, start - SNIPPET_MAX // 2)
    stops = [i for i in (text.find(mark, end, end + SNIPPET_MAX) for mark in (". ", "\n", "? ", "! ")) if i >= 0]
    right = min(stops) + 1 if stops else min(len(text), end + SNIPPET_MAX // 2)
    return left, right


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def mentions(iri: str) -> list[Mentions]:
    """Where the entity is mentioned: articles (newest first) and the sentences that mention it."""
    found = rows("SELECT DISTINCT ?m WHERE { $e gaf:denotedBy ?m }", limit=20000, e=iri)
    spans: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for row in found:
        article, _, offsets = row["m"].value.partition("#char=")
        parts = offsets.split(",")
        if len(parts) == 2 and all(p.isdigit() for p in parts):
            spans[article].append((int(parts[0]), int(parts[1])))
    if not spans:
        return []
    values = " ".join(_valid_iris(spans))
    meta = with_labels(rows(f"""
        SELECT ?a ?date ?body WHERE {{ VALUES ?a {{ {values} }} ?a schema:datePublished ?date .
          OPTIONAL {{ ?a schema:articleBody ?body }} }} ORDER BY DESC(?date)""", limit=len(spans)))
    out = []
    for i, row in enumerate(meta):
        article = row["a"].value
        snippets: list[Snippet] = []
        body = row["body"].value if "body" in row and i < SNIPPET_ARTICLES else None
        seen: set[tuple[int, int]] = set()
        for start, end in sorted(spans[article]):
            if body is None or len(snippets) >= SNIPPETS_PER_ARTICLE or end > len(body):
                break
            left, right = _bounds(body, start, end)
            if (left, right) in seen:
                continue
            seen.add((left, right))
            snippets.append(Snippet(_squash(body[left:start]).lstrip(), body[start:end],
                                    _squash(body[end:right]).rstrip(),
                                    f"/id/article/{article_id(article)}#char={start},{end}"))
        out.append(Mentions(row["a"], row["date"].value, len(spans[article]), snippets))
    return out


def meeting_statements(iri: str) -> list[Row]:
    """Statements made at a meeting, with speaker and evidence link."""
    found = with_labels(rows("""
        SELECT ?statement (SAMPLE(?sp) AS ?speaker) (SAMPLE(?x) AS ?text) (SAMPLE(?src) AS ?article) WHERE {
          ?statement kgo:madeAt $e ; schema:text ?x ; kgo:article ?src . OPTIONAL { ?statement kgo:speaker ?sp }
        } GROUP BY ?statement ORDER BY ?statement""", limit=500, e=iri))
    return _linked(found, "statement")


def expressed_positions(iri: str) -> list[Row]:
    """Positions read from a statement."""
    found = with_labels(rows("""
        SELECT ?position (SAMPLE(?st) AS ?stance) (SAMPLE(?t) AS ?topic) (SAMPLE(?src) AS ?article) WHERE {
          ?position kgo:expressedIn $e ; kgo:stance ?s ; kgo:topic ?t ; kgo:article ?src .
          BIND(STRAFTER(STR(?s), "#") AS ?st)
        } GROUP BY ?position ORDER BY ?position""", limit=500, e=iri))
    return _linked(found, "position")


def sub_events(iri: str) -> list[Row]:
    """Meetings that are part of this one."""
    return with_labels(rows("SELECT DISTINCT ?x ?date WHERE { ?x schema:superEvent $e . "
                            "OPTIONAL { ?x schema:startDate ?date } } ORDER BY ?x", limit=200, e=iri))


def evidence(iri: str) -> Row | None:
    """The evidence span of a position, statement or meeting: exact text, offsets, article."""
    found = with_labels(rows("""
        SELECT ?exact ?start ?end ?article WHERE {
          $e kgo:evidence ?ev . ?ev oa:hasSource ?article ; oa:hasSelector ?q, ?p .
          ?q oa:exact ?exact . ?p oa:start ?start ; oa:end ?end .
        } LIMIT 1""", e=iri))
    if not found:
        return None
    row = found[0]
    link = evidence_href(iri, row["article"].value)
    if link:
        row["href"] = Value(link)
    return row


def _linked(found: list[Row], column: str) -> list[Row]:
    for row in found:
        link = evidence_href(row[column].value, row["article"].value) if "article" in row else None
        if link:
            row["evidence_href"] = Value(link)
    return found
