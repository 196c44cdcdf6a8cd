"""Records → RDF quads, one named graph per article. Pure: no I/O, deterministic output.

The graph pattern (every IRI minted by ``kg.iris``; ``<a>`` the article, ``<g>`` its graph):

* ``<a> a schema:NewsArticle, prov:Entity`` with identifier, title, datePublished, source URL,
  articleBody, content hash; ``<g> prov:wasDerivedFrom <a>``.
* entities: types by kind, ``rdfs:label``, ``skos:altLabel`` (surface forms), ``owl:sameAs wd:Q…``,
  ``gaf:denotedBy <a#char=s,e>`` per mention, ``kgo:mentionedIn <a>``.
* posts: ``org:Post`` with ``org:postIn`` and ``org:heldBy`` (bounded by the article's date).
* meetings: ``kgo:Meeting`` (⊑ schema:Event, sem:Event) with kind, date + precision, place,
  convening body, participants, super-event, evidence.
* statements: ``kgo:Statement`` (⊑ schema:Quotation) with verbatim text, speaker, direct,
  cue, meeting, evidence.
* positions: ``kgo:Position`` with holder, on-behalf-of, target, topic, stance, date, cue,
  confidence, evidence, the statement it was expressed in.
* evidence: ``kgo:Evidence`` (⊑ oa:SpecificResource) with a TextPositionSelector (start/end)
  and a TextQuoteSelector (exact/prefix/suffix) over the article.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from pyoxigraph import Literal, NamedNode, Quad
from rdflib import URIRef
from rdflib import namespace as rdf_ns

from kg import iris, vocab
from kg.kb import KnowledgeBase, KnownEntity
from kg.records import ArticleRecords, Entity, Evidence, Meeting, Position, Quote, Role

CONTEXT_CHARS = 32


@cache
def _node(iri: str) -> NamedNode:
    return NamedNode(iri)


def node(term: str | NamedNode) -> NamedNode:
    """A pyoxigraph NamedNode for an IRI (cached: the same few hundred terms recur)."""
    return term if isinstance(term, NamedNode) else _node(str(term))


class _Terms:
    """A namespace whose terms come out as pyoxigraph NamedNodes, each made once.

    rdflib builds and checks a new URIRef on every ``KGO.x``, a good part of the mapper's time.
    Unknown terms of a closed namespace still raise, as rdflib's do.
    """

    def __init__(self, namespace: Any) -> None:
        self._namespace = namespace
        self._items: dict[str, NamedNode] = {}

    def __getattr__(self, name: str) -> NamedNode:
        if name.startswith("__"):
            raise AttributeError(name)
        term = node(getattr(self._namespace, name))
        setattr(self, name, term)  # found as a plain attribute from now on
        return term

    def __getitem__(self, name: str) -> NamedNode:
        term = self._items.get(name)
        if term is None:
            term = self._items[name] = node(self._namespace[name])
        return term


DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SKOS, XSD = (
    _Terms(getattr(rdf_ns, n)) for n in ("DCTERMS", "FOAF", "OWL", "PROV", "RDF", "RDFS", "SKOS", "XSD"))
GAF, KGO, OA, ORG, SCHEMA, SEM, TIME, TOPIC, WD = (
    _Terms(getattr(vocab, n)) for n in ("GAF", "KGO", "OA", "ORG", "SCHEMA", "SEM", "TIME", "TOPIC", "WD"))

TYPE_CLASSES: dict[str, tuple[NamedNode, ...]] = {
    "Person": (SCHEMA.Person, FOAF.Person),
    "State": (KGO.State, SCHEMA.Country),
    "Organisation": (KGO.Organisation, ORG.FormalOrganization, SCHEMA.Organization),
    "Place": (KGO.Place, SCHEMA.Place),
    "Document": (KGO.Document, SCHEMA.CreativeWork),
    "Programme": (KGO.Programme,),
    "Award": (KGO.Award,),
}
DATE_TYPES = {"day": XSD.date, "month": XSD.gYearMonth, "year": XSD.gYear}


def text(value: str) -> Literal:
    return Literal(value)


def typed(value: object, datatype: NamedNode) -> Literal:
    return Literal(str(value), datatype=node(datatype))


def date_literal(value: str, precision: str | None) -> Literal:
    """``2013-06-05`` as xsd:date, ``2013-06`` as xsd:gYearMonth, ``2013`` as xsd:gYear."""
    return typed(value, DATE_TYPES.get(precision or "day", XSD.date))


def precision_of(iso: str) -> str:
    """Precision of an ISO date string by its shape.

    >>> [precision_of(d) for d in ("2013-06-05", "2013-06", "2013")]
    ['day', 'month', 'year']
    """
    return {10: "day", 7: "month", 4: "year"}.get(len(iso), "day")


Triple = tuple[NamedNode, NamedNode, NamedNode | Literal]


class _Graph:
    """Collects the triples of one named graph (quads are made once, at the end)."""

    def __init__(self, graph_iri: str) -> None:
        self.graph = node(graph_iri)
        self.triples: list[Triple] = []

    def add(self, s: NamedNode, p: NamedNode, o: NamedNode | Literal | URIRef) -> None:
        self.triples.append((s, p, node(o) if isinstance(o, URIRef) else o))

    @property
    def quads(self) -> list[Quad]:
        return in_graph(self.graph, self.triples)

    def add_opt(self, s: NamedNode, p: NamedNode, key: str | None) -> None:
        if key:
            self.add(s, p, node(iris.entity_iri(key)))


def _evidence(g: _Graph, owner: str, article: NamedNode, article_text: str, ev: Evidence) -> NamedNode:
    ev_node = node(owner + "/evidence")
    pos, quote = node(owner + "/evidence#position"), node(owner + "/evidence#quote")
    g.add(ev_node, RDF.type, KGO.Evidence)
    g.add(ev_node, RDF.type, OA.SpecificResource)
    g.add(ev_node, OA.hasSource, article)
    g.add(ev_node, OA.hasSelector, pos)
    g.add(ev_node, OA.hasSelector, quote)
    g.add(pos, RDF.type, OA.TextPositionSelector)
    g.add(pos, OA.start, typed(ev.start, XSD.nonNegativeInteger))
    g.add(pos, OA.end, typed(ev.end, XSD.nonNegativeInteger))
    g.add(quote, RDF.type, OA.TextQuoteSelector)
    g.add(quote, OA.exact, text(ev.text))
    g.add(quote, OA.prefix, text(article_text[max(0, ev.start - CONTEXT_CHARS) : ev.start]))
    g.add(quote, OA.suffix, text(article_text[ev.end : ev.end + CONTEXT_CHARS]))
    return ev_node


def _describe(g: _Graph, ent: Entity | KnownEntity) -> NamedNode:
    """Type, label, aliases, Wikidata link and parent of an entity (article or KB)."""
    s = node(iris.entity_iri(ent.key))
    for cls in TYPE_CLASSES[ent.type]:
        g.add(s, RDF.type, cls)
    g.add(s, RDFS.label, text(ent.label))
    for alias in ent.aliases:
        if alias != ent.label:
            g.add(s, SKOS.altLabel, text(alias))
    if ent.wikidata:
        g.add(s, OWL.sameAs, WD[ent.wikidata])
    if ent.parent:
        g.add(s, RDF.type, KGO.Body)
        g.add(s, ORG.unitOf, node(iris.entity_iri(ent.parent)))
    return s


def _entity(g: _Graph, article: NamedNode, article_iri: str, ent: Entity) -> None:
    s = _describe(g, ent)
    g.add(s, KGO.mentionedIn, article)
    g.add(article, SCHEMA.mentions, s)
    for start, end in ent.mentions:
        g.add(s, GAF.denotedBy, node(f"{article_iri}#char={start},{end}"))


def _role(g: _Graph, role: Role) -> None:
    post = node(iris.entity_iri(role.post))
    holder = node(iris.entity_iri(role.holder))
    g.add(post, RDF.type, ORG.Post)
    g.add(post, RDF.type, KGO.Post)
    g.add(post, RDFS.label, text(role.post_label))
    g.add_opt(post, ORG.postIn, role.organisation)
    g.add(post, ORG.heldBy, holder)
    g.add(holder, ORG.holds, post)


def _meeting(g: _Graph, article: NamedNode, records: ArticleRecords, m: Meeting) -> None:
    s = node(iris.entity_iri(m.key))
    for cls in (KGO.Meeting, SCHEMA.Event, SEM.Event):
        g.add(s, RDF.type, cls)
    g.add(s, RDFS.label, text(m.label))
    g.add(s, KGO.meetingKind, KGO[m.kind])
    if m.date:
        g.add(s, SCHEMA.startDate, date_literal(m.date, m.date_precision))
        g.add(s, KGO.datePrecision, text(m.date_precision or "day"))
    g.add_opt(s, SCHEMA.location, m.place)
    g.add_opt(s, KGO.convenedBy, m.body)
    for p in m.participants:
        g.add_opt(s, KGO.participant, p)
    g.add_opt(s, SCHEMA.superEvent, m.parent)
    g.add(s, KGO.article, article)
    if m.span:
        start, end = m.span
        ev = Evidence(start, end, records.article.text[start:end])
        g.add(s, KGO.evidence, _evidence(g, s.value, article, records.article.text, ev))


def _statement(g: _Graph, article: NamedNode, records: ArticleRecords, n: int, q: Quote) -> None:
    s = node(iris.entity_iri(iris.item_key("statement", records.article.id, n)))
    g.add(s, RDF.type, KGO.Statement)
    g.add(s, RDF.type, SCHEMA.Quotation)
    g.add(s, SCHEMA.text, text(q.text))
    g.add_opt(s, KGO.speaker, q.speaker)
    g.add(s, KGO.direct, typed("true" if q.direct else "false", XSD.boolean))
    if q.cue:
        g.add(s, KGO.cue, text(q.cue))
    g.add_opt(s, KGO.madeAt, q.meeting)
    g.add(s, KGO.article, article)
    ev = Evidence(q.start, q.end, records.article.text[q.start : q.end])
    g.add(s, KGO.evidence, _evidence(g, s.value, article, records.article.text, ev))


def _position(g: _Graph, article: NamedNode, records: ArticleRecords, n: int, p: Position) -> None:
    article_id = records.article.id
    s = node(iris.entity_iri(iris.item_key("position", article_id, n)))
    g.add(s, RDF.type, KGO.Position)
    holder_label = records.label(p.holder) or records.label(p.on_behalf_of) or "unknown"
    g.add(s, RDFS.label, text(f"{holder_label}: {p.stance} ({p.topic})"))
    g.add_opt(s, KGO.holder, p.holder)
    g.add_opt(s, KGO.onBehalfOf, p.on_behalf_of)
    g.add_opt(s, KGO.target, p.target)
    g.add(s, KGO.topic, TOPIC[p.topic])
    g.add(s, KGO.stance, KGO[p.stance])
    if p.date:
        g.add(s, KGO.date, date_literal(p.date, precision_of(p.date)))
    g.add(s, KGO.cue, text(p.cue))
    g.add(s, KGO.confidence, typed(f"{p.confidence:.2f}", XSD.decimal))
    g.add(s, KGO.article, article)
    g.add(s, KGO.evidence, _evidence(g, s.value, article, records.article.text, p.evidence))
    if p.quote is not None:
        g.add(s, KGO.expressedIn, node(iris.entity_iri(iris.item_key("statement", article_id, p.quote))))


def in_graph(graph: NamedNode, triples: list[Triple]) -> list[Quad]:
    """``triples`` as quads of ``graph``."""
    return [Quad(s, p, o, graph) for s, p, o in triples]


def article_quads(records: ArticleRecords, input_hash: str | None = None) -> list[Quad]:
    """All quads for one article, in its own named graph.

    ``input_hash`` fingerprints everything the graph was derived from (text, manifest row,
    extractor version); incremental builds compare it to skip unchanged articles.
    """
    return in_graph(*article_triples(records, input_hash))


def article_triples(records: ArticleRecords, input_hash: str | None = None) -> tuple[NamedNode, list[Triple]]:
    """(named graph, triples) of ``article_quads``: a build validates the triples before making quads."""
    art = records.article
    article_iri = iris.article_iri(art.id)
    g = _Graph(iris.article_graph(art.id))
    a = node(article_iri)
    g.add(a, RDF.type, SCHEMA.NewsArticle)
    g.add(a, RDF.type, PROV.Entity)
    g.add(a, DCTERMS.identifier, text(art.id))
    g.add(a, DCTERMS.title, text(art.title))
    g.add(a, SCHEMA.datePublished, typed(art.published.isoformat(), XSD.date))
    g.add(a, DCTERMS.source, node(art.url))
    g.add(a, SCHEMA.articleBody, text(art.text))
    g.add(a, KGO.contentHash, text(art.sha256))
    if input_hash:
        g.add(a, KGO.inputHash, text(input_hash))
    if art.outlet:
        g.add(a, DCTERMS.publisher, text(art.outlet))
    g.add(g.graph, PROV.wasDerivedFrom, a)
    for name, version in sorted(records.extractor.items()):
        g.add(g.graph, KGO.extractor, text(f"{name} {version}"))
    for ent in records.entities:
        _entity(g, a, article_iri, ent)
    for role in records.roles:
        _role(g, role)
    for meeting in records.meetings:
        _meeting(g, a, records, meeting)
    for n, quote in enumerate(records.quotes):
        _statement(g, a, records, n, quote)
    for n, position in enumerate(records.positions):
        _position(g, a, records, n, position)
    return g.graph, g.triples


def kb_quads(kb: KnowledgeBase) -> list[Quad]:
    """The curated knowledge base (entities, posts, tenures) as quads in the KB graph."""
    g = _Graph(iris.KB_GRAPH)
    for known in kb.entities.values():
        _describe(g, known)
    for post in kb.posts.values():
        s = node(iris.entity_iri(post.key))
        g.add(s, RDF.type, ORG.Post)
        g.add(s, RDF.type, KGO.Post)
        g.add(s, RDFS.label, text(post.label))
        for alias in post.aliases:
            g.add(s, SKOS.altLabel, text(alias))
        g.add(s, ORG.postIn, node(iris.entity_iri(post.of)))
    for tenure in kb.tenures:
        t = node(iris.entity_iri(f"{tenure.post}/tenure/{iris.slug(tenure.holder)}-{tenure.start.isoformat()}"))
        interval = node(t.value + "#interval")
        holder, post = node(iris.entity_iri(tenure.holder)), node(iris.entity_iri(tenure.post))
        g.add(post, ORG.heldBy, holder)
        g.add(holder, ORG.holds, post)
        g.add(t, RDF.type, ORG.Membership)
        g.add(t, ORG.member, holder)
        g.add(t, ORG.role, post)
        g.add(t, ORG.organization, node(iris.entity_iri(kb.posts[tenure.post].of)))
        g.add(t, ORG.memberDuring, interval)
        g.add(interval, RDF.type, TIME.Interval)
        for prop, day, fragment in ((TIME.hasBeginning, tenure.start, "#start"), (TIME.hasEnd, tenure.end, "#end")):
            if day is None:
                continue
            instant = node(t.value + fragment)
            g.add(interval, prop, instant)
            g.add(instant, RDF.type, TIME.Instant)
            g.add(instant, TIME.inXSDDate, typed(day.isoformat(), XSD.date))
    return g.quads
