"""Linked Data: every ``https://w3id.org/kg-news/id/<key>`` IRI dereferences at ``/id/<key>``.

Browsers get an HTML page (``Accept: text/html``, or ``*/*``); machines asking for RDF get
the resource's description in Turtle, JSON-LD, N-Triples or RDF/XML (``Accept`` or
``?format=``). The description is the resource's own triples plus those of its evidence
and selectors. Topics (``https://w3id.org/kg-news/topic/<name>``) are served the same way
at ``/topic/<name>``. Articles get the evidence view.
"""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request
from werkzeug.exceptions import NotAcceptable, NotFound

from kg import iris
from kg.web import charts, formats, graph
from kg.web import pages_entity as entity
from kg.web.execute import run_query
from kg.web.negotiation import best_match
from kg.web.pages_article import article_view
from kg.web.pages_data import PREFIXES_TEXT, iri_term
from kg.web.pages_links import TOPIC_BASE, WIKIDATA_ENTITY, short

bp = Blueprint("linked_data", __name__)

HTML = "text/html"
DESCRIBE = """CONSTRUCT { ?s ?p ?o } WHERE {
  { VALUES ?s { $e } ?s ?p ?o }
  UNION { $e kgo:evidence ?s . ?s ?p ?o }
  UNION { $e kgo:evidence/oa:hasSelector ?s . ?s ?p ?o }
}"""
LABELS = ("rdfs:label", "dcterms:title", "skos:prefLabel")
KIND_NAMES = {"position": "Position", "statement": "Statement", "meeting": "Meeting", "article": "Article",
              "topic": "Topic"}
RDF_LINKS = (("Turtle", "turtle"), ("JSON-LD", "jsonld"), ("N-Triples", "ntriples"), ("RDF/XML", "rdfxml"))


def wanted_format() -> tuple[str | None, str | None] | None:
    """(media type, format name) of the RDF to answer with, or None for the HTML page (406 if nothing fits)."""
    requested = request.args.get("format")
    if requested:
        if requested.lower() in ("html", HTML):
            return None
        fmt = formats.from_param(requested, formats.GRAPH)
        if fmt is None:
            raise NotAcceptable(f"unknown format {requested!r}; use html or {formats.names(formats.GRAPH)}")
        return None, fmt.name
    offers = [HTML, *(media for media, _ in formats.offers(formats.GRAPH))]
    chosen = best_match(offers, request.headers.get("Accept"))
    if chosen is None:
        raise NotAcceptable(f"this resource is available as {', '.join(offers)}")
    return None if chosen == HTML else (chosen, None)


def describe(iri: str, media_type: str | None, name: str | None) -> Response:
    """The RDF description of ``iri`` as ``media_type`` or in the format called ``name``."""
    text = PREFIXES_TEXT + DESCRIBE.replace("$e", iri_term(iri))
    output = run_query(graph.current().store, text, accept=media_type, requested_format=name)
    response = Response(output.chunks, content_type=output.content_type)
    response.headers["Vary"] = "Accept"
    return response


def _html(page: str, status: int = 200) -> Response:
    response = Response(page, status=status, content_type="text/html; charset=utf-8")
    response.headers["Vary"] = "Accept"
    return response


def _not_found(iri: str) -> Response:
    return _html(render_template("not_found.html", iri=iri), 404)


def _common(iri: str, type_iris: list[str], kind: str) -> dict[str, object]:
    props = entity.props(iri)
    label = next((v for p in LABELS for v in props.all(p)), None)
    type_names = [entity.ENTITY_TYPES[t] for t in type_iris if t in entity.ENTITY_TYPES]
    if not type_names:
        type_names = [KIND_NAMES.get(kind) or (short(type_iris[0]) if type_iris else "Resource")]
    return {"iri": iri, "title": label.value if label else short(iri), "types": type_names,
            "rdf_links": RDF_LINKS, "props": props,
            "wikidata": [v for v in props.all("owl:sameAs") if v.value.startswith(WIKIDATA_ENTITY)]}


def _entity_page(iri: str, context: dict[str, object]) -> str:
    found = entity.positions(iri)
    units, parents = entity.structure(iri)
    held = entity.timeline_points(found, "holder", "topic")
    about = entity.timeline_points(found, "target", "holder")
    return render_template(
        "entity.html", **context, roles=entity.roles(iri), posts=entity.posts_in(iri), units=units,
        parents=parents, meetings=entity.meetings(iri), positions=found, statements=entity.statements(iri),
        mentions=entity.mentions(iri),
        held_chart=charts.timeline(held, chart_id="held", title="Positions held over time", row_name="topic"),
        about_chart=charts.timeline(about, chart_id="about", title="Positions about it", row_name="holder"))


def _page(iri: str, key: str) -> Response:
    type_iris = entity.types(iri)
    kind = entity.page_kind(type_iris)
    if kind == "generic" and not type_iris and not entity.exists(iri):
        return _not_found(iri)
    if kind == "article":
        view = article_view(iri, key.removeprefix("article/"))
        if view is None:
            return _not_found(iri)
        return _html(render_template("article.html", **_common(iri, type_iris, kind), view=view))
    context = _common(iri, type_iris, kind)
    if kind == "entity":
        return _html(_entity_page(iri, context))
    if kind == "position":
        return _html(render_template("position.html", **context, evidence=entity.evidence(iri)))
    if kind == "statement":
        return _html(render_template("statement.html", **context, evidence=entity.evidence(iri),
                                     positions=entity.expressed_positions(iri)))
    if kind == "meeting":
        return _html(render_template("meeting.html", **context, evidence=entity.evidence(iri),
                                     statements=entity.meeting_statements(iri), parts=entity.sub_events(iri)))
    if kind == "topic":
        return _topic_page(iri, context)
    return _html(render_template("generic.html", **context, inbound=entity.inbound(iri)))


def _topic_page(iri: str, context: dict[str, object]) -> Response:
    found = entity.topic_positions(iri)
    points = entity.timeline_points(found, "topic", "holder")
    chart = charts.timeline(points, chart_id="topic", title="Positions on this topic over time")
    narrower = entity.inbound(iri)
    return _html(render_template("topic.html", **context, positions=found, chart=chart,
                                 narrower=[r for r in narrower if r["p"].value.endswith("#broader")]))


def _serve(iri: str, key: str) -> Response:
    try:
        iri_term(iri)
    except ValueError:
        raise NotFound(f"not a valid resource IRI: {iri}") from None
    wanted = wanted_format()
    if wanted is None:
        return _page(iri, key)
    if not entity.exists(iri):
        raise NotFound(f"nothing is known about {iri}")
    return describe(iri, *wanted)


@bp.get("/id/<path:key>")
def resource(key: str) -> Response:
    """Dereference ``https://w3id.org/kg-news/id/<key>``."""
    return _serve(iris.ID_BASE + key, key)


@bp.get("/topic/<path:name>")
def topic(name: str) -> Response:
    """Dereference ``https://w3id.org/kg-news/topic/<name>``."""
    return _serve(TOPIC_BASE + name, "topic/" + name)
