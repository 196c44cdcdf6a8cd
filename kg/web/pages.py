"""The web front door: home page, query editor, dumps page and entity/article lists.

:func:`register` installs these pages, the canned-query pages (:mod:`kg.web.pages_catalogue`)
and the Linked Data pages (:mod:`kg.web.linked_data`) on an app. Pages read the served graph
with small SPARQL queries (:mod:`kg.web.pages_data`); all data is escaped by Jinja; scripts
are static files (the app's CSP forbids inline script).
"""

from __future__ import annotations

from flask import Blueprint, Flask, render_template, request, url_for
from werkzeug.exceptions import HTTPException, NotFound

from kg.queries import list_queries, load_query
from kg.vocab import PREFIXES, sparql_prefixes
from kg.web import charts, graph, linked_data, pages_catalogue, pages_stats
from kg.web.pages_data import rows, with_labels
from kg.web.pages_links import short

bp = Blueprint("pages", __name__)

EDITOR_EXAMPLE = """
# Stated positions on CSTO integration, newest first
SELECT DISTINCT ?date ?holder ?stance ?evidence WHERE {
  ?position a kgo:Position ;
            kgo:topic topic:csto-integration ;
            kgo:stance ?stanceIri ;
            kgo:evidence/oa:hasSelector/oa:exact ?evidence .
  OPTIONAL { ?position kgo:holder/rdfs:label ?holder }
  OPTIONAL { ?position kgo:date ?date }
  BIND(STRAFTER(STR(?stanceIri), "#") AS ?stance)
}
ORDER BY DESC(?date)
LIMIT 50
"""
EXAMPLES = (
    ("Count everything by type", "SELECT ?type (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?type }\n"
     "GROUP BY ?type ORDER BY DESC(?n)\nLIMIT 25\n"),
    ("Positions by stance and topic", "SELECT ?topic ?stance (COUNT(DISTINCT ?p) AS ?n) WHERE {\n"
     "  ?p a kgo:Position ; kgo:topic ?topic ; kgo:stance ?stance .\n}\nGROUP BY ?topic ?stance ORDER BY DESC(?n)\n"),
    ("Who spoke at which meeting", "SELECT DISTINCT ?meeting ?speaker WHERE {\n"
     "  ?s a kgo:Statement ; kgo:madeAt ?meeting ; kgo:speaker ?speaker .\n}\nLIMIT 100\n"),
    ("Describe Alexander Lukashenko (CONSTRUCT)", "CONSTRUCT { ?person ?p ?o } WHERE {\n"
     "  BIND(kg:person\\/alexander-lukashenko AS ?person)\n  ?person ?p ?o .\n"
     "  FILTER(?p != gaf:denotedBy)\n}\n"),
)
ENTITY_TABS = {
    "person": ("People", "schema:Person"),
    "state": ("States", "kgo:State"),
    "organisation": ("Organisations", "kgo:Organisation"),
    "place": ("Places", "kgo:Place"),
    "other": ("Documents & programmes", "kgo:Document kgo:Programme kgo:Award"),
}
DUMPS = (
    ("ttl", "Turtle", "text/turtle", "merged triples, with prefixes"),
    ("nt", "N-Triples", "application/n-triples", "merged triples, one per line"),
    ("nq", "N-Quads", "application/n-quads", "quads: one named graph per article"),
    ("trig", "TriG", "application/trig", "quads: one named graph per article, with prefixes"),
)


def register(app: Flask) -> None:
    """Install the HTML pages and their template helpers on ``app``."""
    app.register_blueprint(bp)
    app.register_blueprint(pages_catalogue.bp)
    app.register_blueprint(linked_data.bp)
    app.add_template_global(charts.stance_icon, "stance_icon")
    app.add_template_global(short, "short_iri")


def _headline() -> dict[str, object]:
    """The headline analysis (positions on CSTO integration) for the home page."""
    try:
        query = load_query(pages_catalogue.queries_dir(), pages_catalogue.HEADLINE)
        result, view = pages_catalogue.run_analysis(query, {})
    except (OSError, ValueError, LookupError, HTTPException):
        return {}
    chart = pages_catalogue.positions_chart(view, result.rows, "holder", "home-chart")
    return {"query": query, "chart": chart, "count": len(result.rows)}


@bp.get("/")
def home() -> str:
    """What the graph holds, where to start, and how to query it from code."""
    articles = rows("""
        SELECT ?a ?title ?date WHERE { ?a a schema:NewsArticle ; schema:datePublished ?date .
          OPTIONAL { ?a dcterms:title ?title } } ORDER BY DESC(?date) LIMIT 8""")
    return render_template(
        "home.html", stats=pages_stats.home_stats(), headline=_headline(), articles=articles,
        queries=list_queries(pages_catalogue.queries_dir()),
        endpoint=url_for("sparql.endpoint", _external=True), base=url_for("pages.home", _external=True))


@bp.get("/editor")
def editor() -> str:
    """The SPARQL editor; ``?query=`` fills it (the page runs it with static/editor.js)."""
    query = request.args.get("query") or sparql_prefixes() + EDITOR_EXAMPLE
    examples = [(title, url_for(".editor", query=sparql_prefixes() + "\n" + text)) for title, text in EXAMPLES]
    return render_template("editor.html", query=query, examples=examples,
                           queries=list_queries(pages_catalogue.queries_dir()),
                           endpoint=url_for("sparql.endpoint"), prefixes=PREFIXES)


@bp.get("/dumps")
def dumps() -> str:
    """Each dump format with its size, triple count and the time of the last build."""
    served = graph.current()
    return render_template("dumps_page.html", dumps=DUMPS, sizes=pages_stats.dump_sizes(),
                           built=pages_stats.built_at(), generation=served.generation,
                           base=url_for("pages.home", _external=True).rstrip("/"))


@bp.get("/entities")
def entities() -> str:
    """People, states, organisations, places… mentioned in the articles, most mentioned first."""
    tab = request.args.get("type", "person")
    if tab not in ENTITY_TABS:
        raise NotFound(f"no entity list {tab!r}; choose one of {', '.join(ENTITY_TABS)}")
    types = ENTITY_TABS[tab][1]
    found = rows(f"""
        SELECT ?e ?label ?articles ?mentions ?positions WHERE {{
          {{ SELECT ?e (MIN(STR(?l)) AS ?label) (COUNT(DISTINCT ?a) AS ?articles) WHERE {{
              VALUES ?t {{ {types} }} ?e a ?t ; kgo:mentionedIn ?a ; rdfs:label ?l }} GROUP BY ?e }}
          OPTIONAL {{ SELECT ?e (COUNT(DISTINCT ?m) AS ?mentions) WHERE {{
              VALUES ?t {{ {types} }} ?e a ?t ; gaf:denotedBy ?m }} GROUP BY ?e }}
          OPTIONAL {{ SELECT ?e (COUNT(DISTINCT ?p) AS ?positions) WHERE {{
              ?p a kgo:Position . {{ ?p kgo:holder ?e }} UNION {{ ?p kgo:onBehalfOf ?e }} }} GROUP BY ?e }}
        }} ORDER BY DESC(?mentions) ?label LIMIT 2000""")
    return render_template("entities.html", tabs=ENTITY_TABS, tab=tab, entities=found)


@bp.get("/articles")
def articles() -> str:
    """Every article, newest first, with what was extracted from it."""
    found = with_labels(rows("""
        SELECT ?a ?title ?date ?publisher ?positions ?statements ?meetings WHERE {
          ?a a schema:NewsArticle ; schema:datePublished ?date .
          OPTIONAL { ?a dcterms:title ?title } OPTIONAL { ?a dcterms:publisher ?publisher }
          OPTIONAL { SELECT ?a (COUNT(DISTINCT ?p) AS ?positions) WHERE {
              ?p a kgo:Position ; kgo:article ?a } GROUP BY ?a }
          OPTIONAL { SELECT ?a (COUNT(DISTINCT ?s) AS ?statements) WHERE {
              ?s a kgo:Statement ; kgo:article ?a } GROUP BY ?a }
          OPTIONAL { SELECT ?a (COUNT(DISTINCT ?m) AS ?meetings) WHERE {
              ?m a kgo:Meeting ; kgo:article ?a } GROUP BY ?a }
        } ORDER BY DESC(?date) ?a LIMIT 2000"""))
    return render_template("articles.html", articles=found)
