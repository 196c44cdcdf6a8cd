"""``/analyses``: the canned queries of ``queries/*.rq`` as pages with a form, a chart and a table.

Each page runs its query with the parameters of the form (defaults filled in), draws
positions over time when the result has ``date`` and ``stance`` columns, and links to the
same result as CSV / JSON / TSV (``/queries/<name>?format=…``), to the SPARQL source and
to the query editor.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

from flask import Blueprint, current_app, render_template, request, url_for
from markupsafe import Markup
from pyoxigraph import Variable
from werkzeug.exceptions import HTTPException, NotFound

from kg.queries import CannedQuery, QueryError, QueryNotFound, list_queries, load_query
from kg.web import charts, pages_stats
from kg.web.execute import Term
from kg.web.pages_data import Result, Row, rows, run_select
from kg.web.pages_tables import TableView, table

bp = Blueprint("analyses", __name__)

HEADLINE = "csto-positions-over-time"
ROW_LIMIT = 2000
CHART_ROWS = ("holder", "onBehalfOf", "actor", "topic", "target", "speakerName")
DOWNLOADS = (("CSV", "csv"), ("JSON", "json"), ("TSV", "tsv"))


def queries_dir() -> Path:
    return Path(current_app.config["KG_QUERIES"])


@bp.get("/analyses")
def index() -> str:
    """The catalogue of canned queries."""
    queries = sorted(list_queries(queries_dir()), key=lambda q: q.name != HEADLINE)
    return render_template("analyses.html", queries=queries, headline=HEADLINE)


def editor_text(query: CannedQuery, substitutions: dict[Variable, Term]) -> str:
    """The query text to open in the editor, with the bound parameters as a trailing VALUES clause."""
    if not substitutions:
        return query.text
    names = " ".join(f"?{var.value}" for var in substitutions)
    values = " ".join(str(term) for term in substitutions.values())
    return f"{query.text.rstrip()}\nVALUES ({names}) {{ ({values}) }}\n"


def run_analysis(query: CannedQuery, params: dict[str, str]) -> tuple[Result, TableView]:
    """The result of a canned query and its table (labels, evidence links), cached per generation."""
    def compute(_served: object) -> tuple[Result, TableView]:
        text, substitutions = query.bind(params)
        result = run_select(text, substitutions, ROW_LIMIT)
        return result, table(result.variables, result.rows, result.truncated)
    key = "analysis:" + query.name + "?" + urlencode(sorted(params.items()))
    return pages_stats.cached(key, compute)  # type: ignore[no-any-return]


def chart_rows_column(variables: list[str], result_rows: list[Row], requested: str | None) -> str | None:
    """Which column the chart's rows come from: the requested one, else the first that varies."""
    candidates = [c for c in CHART_ROWS if c in variables]
    if requested in candidates:
        return requested
    for column in candidates:
        if len({r[column].text for r in result_rows if column in r}) > 1:
            return column
    return candidates[0] if candidates else None


def positions_chart(view: TableView, result_rows: list[Row], by: str, chart_id: str = "chart") -> Markup:
    """The timeline of a positions result (rows from column ``by``)."""
    column = {name: i for i, name in enumerate(view.columns)}
    detail_col = "topic" if by != "topic" and "topic" in column else "holder" if "holder" in column else None
    points = []
    for cells, row, link in zip(view.rows, result_rows, view.evidence, strict=True):
        if "date" not in row or "stance" not in row:
            continue
        points.append(charts.Point(
            date=row["date"].value, row=cells[column[by]].text or "unknown", stance=row["stance"].value,
            quote=row["evidence"].value if "evidence" in row else "", href=link,
            detail=cells[column[detail_col]].text if detail_col else ""))
    return charts.timeline(points, chart_id=chart_id, row_name=by)


def iri_suggestions() -> list[Row]:
    """People, states and organisations that the articles mention, for IRI parameters."""
    return rows("""
        SELECT ?e (MIN(STR(?l)) AS ?label) WHERE {
          { ?e a schema:Person } UNION { ?e a kgo:State } UNION { ?e a kgo:Organisation }
          ?e kgo:mentionedIn ?a ; rdfs:label ?l .
        } GROUP BY ?e ORDER BY ?label""", limit=500)


def _params(query: CannedQuery) -> dict[str, str]:
    declared = {p.name for p in query.params}
    return {k: v for k, v in request.args.items() if k in declared}


@bp.get("/analyses/<name>")
def analysis(name: str) -> tuple[str, int]:
    """One canned query: its form, and its result as a chart and a table."""
    try:
        query = load_query(queries_dir(), name)
    except QueryNotFound as err:
        raise NotFound(str(err)) from None
    params = _params(query)
    values = {p.name: params.get(p.name, p.default or "") for p in query.params}
    error, substitutions = None, {}
    result, view = Result([], []), TableView([])
    try:
        substitutions = query.bind(params)[1]
        result, view = run_analysis(query, params)
    except QueryError as err:
        error = str(err)
    except HTTPException as err:
        error = err.description or err.name
    by = chart_rows_column(result.variables, result.rows, request.args.get("by"))
    chart = positions_chart(view, result.rows, by) if by and {"date", "stance"} <= set(result.variables) else None
    given = [(p.name, params[p.name]) for p in query.params if params.get(p.name)]
    downloads = [(label, url_for("canned.run", name=name) + "?" + urlencode([*given, ("format", fmt)]), fmt)
                 for label, fmt in DOWNLOADS]
    by_links = [(c, url_for(".analysis", name=name) + "?" + urlencode([*given, ("by", c)]))
                for c in CHART_ROWS if c in result.variables and chart]
    editor = url_for("pages.editor") + "?" + urlencode({"query": editor_text(query, substitutions)})
    suggestions = iri_suggestions() if any(p.type == "iri" for p in query.params) else []
    page = render_template(
        "analysis.html", query=query, values=values, error=error, view=view, chart=chart, by=by,
        by_links=by_links, downloads=downloads, editor_url=editor, suggestions=suggestions)
    return page, 400 if error else 200
