"""``/queries``: the canned queries of ``queries/*.rq``, listed and run with parameters.

``GET /queries`` lists them (HTML, or JSON under ``Accept: application/json``);
``GET /queries/<name>?param=value`` runs one (an HTML table by default; SPARQL JSON, XML,
CSV or TSV by ``Accept`` or ``?format=``); ``GET /queries/<name>.rq`` returns its text.
The HTML table is a view over the same SPARQL JSON stream any client gets, so the page
keeps working when query execution moves out of process.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, jsonify, render_template, request, stream_template, url_for
from pyoxigraph import BlankNode, Literal, NamedNode, QueryResultsFormat, QuerySolutions, parse_query_results
from werkzeug.exceptions import BadRequest, NotAcceptable

from kg.queries import CannedQuery, QueryFileError, QueryNotFound, QueryParamError, list_queries, load_query
from kg.vocab import PREFIXES
from kg.web import formats, graph
from kg.web.errors import text_response
from kg.web.execute import QueryOutput, run_query
from kg.web.negotiation import best_match
from kg.web.result_cache import ResultCache
from kg.web.sparql import stream
from kg.web.streaming import ChunkReader

bp = Blueprint("canned", __name__)

HTML = "text/html"
HTML_ROWS = 1000
_LINKABLE = ("http://", "https://")


def _queries_dir() -> Path:
    return Path(current_app.config["KG_QUERIES"])


@bp.errorhandler(QueryNotFound)
def _not_found(err: QueryNotFound) -> Response:
    return text_response(404, f"404 Not Found: {err}")


@bp.errorhandler(QueryParamError)
def _bad_param(err: QueryParamError) -> Response:
    return text_response(400, f"400 Bad Request: {err}")


@bp.errorhandler(QueryFileError)
def _bad_file(err: QueryFileError) -> Response:
    current_app.logger.error("canned query file error: %s", err)
    return text_response(500, f"500 Internal Server Error: a canned query file is malformed: {err}")


@bp.get("/queries")
def index() -> Response | str:
    """The list of canned queries."""
    queries = list_queries(_queries_dir())
    requested = request.args.get("format")
    view = requested or best_match([HTML, "application/json"], request.headers.get("Accept"))
    if view in ("json", "application/json"):
        return jsonify([q.to_json() for q in queries])
    if view in ("html", HTML):
        return render_template("queries.html", queries=queries)
    raise NotAcceptable("the query list is available as text/html or application/json")


@bp.get("/queries/<name>.rq")
def source(name: str) -> Response:
    """The SPARQL text of a canned query, header included."""
    query = load_query(_queries_dir(), name)
    return Response(query.text, content_type="application/sparql-query; charset=utf-8")


def _params() -> dict[str, str]:
    params: dict[str, str] = {}
    for key, values in request.args.lists():
        if key == "format":
            continue
        if len(values) > 1:
            raise BadRequest(f"parameter {key!r} given {len(values)} times: give it once")
        params[key] = values[0]
    return params


def _view() -> str | None:
    """The media type to answer with; None for the HTML page."""
    requested = request.args.get("format")
    if requested:
        if requested.lower() in ("html", HTML):
            return None
        fmt = formats.from_param(requested, formats.RESULTS)
        if fmt is None:
            raise NotAcceptable(f"unknown format {requested!r}; use html, {formats.names(formats.RESULTS)}")
        return fmt.media_type
    offers = [HTML, *(media for media, _ in formats.offers(formats.RESULTS))]
    chosen = best_match(offers, request.headers.get("Accept"))
    if chosen is None:
        raise NotAcceptable(f"canned query results are available as {', '.join(offers)}")
    return None if chosen == HTML else chosen


def _cache() -> ResultCache | None:
    """This server process's cache of canned-query results, or None when it is switched off."""
    limit = current_app.config["KG_SETTINGS"].canned_cache_bytes
    if limit <= 0:
        return None
    return current_app.extensions.setdefault("kg.result_cache", ResultCache(max_bytes=limit,
                                                                            max_entry_bytes=max(1, limit // 8)))


def _result(query: CannedQuery, params: dict[str, str], **how: Any) -> tuple[QueryOutput, str]:
    """Run the bound query on the served generation, through the cache; (output, ``X-KG-Cache`` value).

    A bad parameter raises :class:`QueryParamError` (400) before anything runs or is looked up.
    """
    text, substitutions = query.bind(params)
    served = graph.current()
    cache = _cache()
    if cache is None:
        return run_query(served.store, text, substitutions=substitutions, **how), "off"
    key = (served.generation, query.name, hashlib.sha256(text.encode()).hexdigest(),
           urlencode(sorted(params.items())), repr(sorted(how.items())))
    output = cache.output(key, lambda: run_query(served.store, text, substitutions=substitutions, **how))
    return output, "hit" if (output.info or {}).get("cached") else "miss"


@bp.get("/queries/<name>")
def run(name: str) -> Response:
    """Run a canned query with the parameters given in the URL."""
    query = load_query(_queries_dir(), name)
    params = _params()
    view = _view()
    if view is not None:
        output, cached = _result(query, params, accept=view)
        return stream(output, [("X-KG-Cache", cached)])
    output, _ = _result(query, params, requested_format="json")
    solutions = parse_query_results(ChunkReader(output.chunks), QueryResultsFormat.JSON)
    assert isinstance(solutions, QuerySolutions)
    table = Table(solutions, output.chunks, HTML_ROWS)
    page = stream_template("query.html", query=query, params=params, table=table,
                           downloads=download_links(query, params))
    return Response(page, content_type="text/html; charset=utf-8")


@dataclass(frozen=True)
class Cell:
    """One table cell: the text to show and, for web IRIs, a link."""

    text: str
    href: str | None = None


def cell(term: object) -> Cell:
    """Display form of an RDF term: IRIs shortened with the project prefixes and linked."""
    if term is None:
        return Cell("")
    if isinstance(term, Literal):
        return Cell(term.value)
    if isinstance(term, BlankNode):
        return Cell(f"_:{term.value}")
    if isinstance(term, NamedNode):
        iri = term.value
        short = next((f"{p}:{iri[len(ns):]}" for p, ns in PREFIXES.items() if iri.startswith(ns) and iri != ns), iri)
        return Cell(short, iri if iri.startswith(_LINKABLE) else None)
    return Cell(str(term))


class Table:
    """Rows of a result for the HTML view, at most ``limit`` of them; ``truncated`` tells if more existed."""

    def __init__(self, solutions: QuerySolutions, chunks: Iterator[bytes], limit: int) -> None:
        self.variables = [v.value for v in solutions.variables]
        self._solutions = solutions
        self._chunks = chunks
        self.limit = limit
        self.count = 0
        self.truncated = False

    def __iter__(self) -> Iterator[list[Cell]]:
        try:
            for solution in self._solutions:
                if self.count >= self.limit:
                    self.truncated = True
                    break
                self.count += 1
                yield [cell(solution[v]) for v in self.variables]
        finally:
            self._solutions = iter(())  # type: ignore[assignment]  # free the pyoxigraph iterator in this thread
            close = getattr(self._chunks, "close", None)
            if close:
                close()


def download_links(query: CannedQuery, params: dict[str, str]) -> list[tuple[str, str]]:
    """(format, URL) pairs for the result formats, repeating the non-empty parameters given."""
    given = [(p.name, params[p.name]) for p in query.params if params.get(p.name)]
    base = url_for("canned.run", name=query.name)
    return [(f.name, f"{base}?{urlencode([*given, ('format', f.name)])}") for f in formats.RESULTS]
