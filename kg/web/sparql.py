"""``/sparql``: the SPARQL 1.1 Protocol query operation (https://www.w3.org/TR/sparql11-protocol/).

GET ``?query=``, POST ``application/x-www-form-urlencoded`` (``query=``) and POST
``application/sparql-query`` (the query is the body); ``default-graph-uri`` /
``named-graph-uri`` choose the dataset; ``format`` / ``output`` / ``results`` override
``Accept``. Unknown parameters are ignored. Updates are refused (read-only endpoint).
Without a query, a client that accepts RDF gets the service description.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask import Blueprint, Response, current_app, request, url_for
from pyoxigraph import NamedNode, serialize
from werkzeug.datastructures import CombinedMultiDict, MultiDict
from werkzeug.exceptions import BadRequest, Forbidden, RequestURITooLarge, UnsupportedMediaType

from kg.web import formats, graph, service
from kg.web.execute import Dataset, QueryOutput, run_query

bp = Blueprint("sparql", __name__)

FORMAT_PARAMS = ("format", "output", "results")
FORM = "application/x-www-form-urlencoded"
QUERY_BODY = "application/sparql-query"
UPDATE_BODY = "application/sparql-update"
READ_ONLY = "read-only endpoint: SPARQL Update is not accepted here"
Params = MultiDict[str, str] | CombinedMultiDict[str, str]


def _body_text() -> str:
    charset = request.mimetype_params.get("charset", "utf-8").lower()
    if charset not in ("utf-8", "utf8"):
        raise UnsupportedMediaType(f"the query must be sent as UTF-8, not {charset}")
    try:
        return request.get_data(cache=False).decode("utf-8")
    except UnicodeDecodeError as err:
        raise BadRequest(f"the request body is not valid UTF-8 ({err})") from None


def _operation() -> tuple[list[str], Params]:
    """The query strings sent and the parameters (dataset, format) that go with them."""
    if request.method in ("GET", "HEAD"):
        if "update" in request.args:
            raise Forbidden(READ_ONLY)
        return request.args.getlist("query"), request.args
    mimetype = request.mimetype
    if mimetype == FORM:
        params = CombinedMultiDict([request.args, request.form])
        if "update" in params:
            raise Forbidden(READ_ONLY)
        return params.getlist("query"), params
    if mimetype == UPDATE_BODY:
        raise Forbidden(READ_ONLY)
    if mimetype == QUERY_BODY:
        return [_body_text(), *request.args.getlist("query")], request.args
    sent = mimetype or "no Content-Type"
    raise UnsupportedMediaType(
        f"cannot read a query from {sent}: POST it as {FORM} (query=…) or as {QUERY_BODY} (the query is the body)")


def _iris(params: Params, name: str) -> tuple[str, ...]:
    values = params.getlist(name)
    for value in values:
        try:
            NamedNode(value)
        except ValueError as err:
            raise BadRequest(f"{name}: {value!r} is not a valid absolute IRI ({err})") from None
    return tuple(values)


def _requested_format(params: Params) -> str | None:
    for name in FORMAT_PARAMS:
        value = params.get(name)
        if value:
            return value
    return None


def _endpoint_url() -> str:
    """The endpoint's absolute URL (the service IRI and the base of relative IRIs in queries)."""
    return url_for("sparql.endpoint", _external=True)


def stream(output: QueryOutput, extra_headers: Iterable[tuple[str, str]] = ()) -> Response:
    """A streamed response for a serialised query result."""
    response = Response(output.chunks, content_type=output.content_type)
    response.headers["Vary"] = "Accept"
    for key, value in extra_headers:
        response.headers[key] = value
    return response


def _service_description(params: Params) -> Response:
    requested = _requested_format(params)
    if requested:
        fmt = formats.from_param(requested, formats.GRAPH)
        chosen = (fmt, fmt.media_type) if fmt else None
    else:
        chosen = formats.negotiate(formats.GRAPH, request.headers.get("Accept"))
    if chosen is None:
        raise BadRequest("missing query: send ?query=… (GET), query=… (POST form) or a "
                         f"{QUERY_BODY} body; ask for RDF (e.g. text/turtle) to get the service description")
    fmt, media_type = chosen
    prefixes = {"sd": service.SD} if fmt.name in ("turtle", "rdfxml") else None
    body = serialize(service.description(_endpoint_url()), format=fmt.ox, prefixes=prefixes)  # type: ignore[arg-type]
    response = Response(body, content_type=fmt.content_type(media_type))
    response.headers["Vary"] = "Accept"
    return response


@bp.route("/sparql", methods=["GET", "POST"], strict_slashes=False)
def endpoint() -> Response:
    """Answer one SPARQL query (or describe the service when there is none)."""
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    if limit and len(request.query_string) > limit:
        raise RequestURITooLarge(f"the URL is longer than {limit} bytes: POST long queries instead")
    queries, params = _operation()
    if len(queries) > 1:
        raise BadRequest("more than one query given: send exactly one")
    if not queries:
        return _service_description(params)
    query = queries[0]
    if not query.strip():
        raise BadRequest("empty query")
    dataset = Dataset(_iris(params, "default-graph-uri"), _iris(params, "named-graph-uri"))
    served = graph.current()
    output = run_query(served.store, query, dataset=dataset, accept=request.headers.get("Accept"),
                       requested_format=_requested_format(params), base_iri=_endpoint_url())
    return stream(output)
