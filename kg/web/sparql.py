"""``/sparql``: the SPARQL 1.1 Protocol query and update operations (https://www.w3.org/TR/sparql11-protocol/).

Queries: GET ``?query=``, POST ``application/x-www-form-urlencoded`` (``query=``) and POST
``application/sparql-query`` (the query is the body); ``default-graph-uri`` /
``named-graph-uri`` choose the dataset; ``format`` / ``output`` / ``results`` override
``Accept``. Unknown parameters are ignored (SPARQLWrapper sends several).

Updates (only with ``kg serve --writable``, and a bearer token unless ``--no-auth``): POST
form ``update=`` or POST ``application/sparql-update``; ``using-graph-uri`` /
``using-named-graph-uri`` set the dataset of the WHERE clauses. Each update request becomes
one new generation of the store. Read-only servers answer updates with 403.

Without a query, a client that accepts RDF gets the service description.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from flask import Blueprint, Response, current_app, request, url_for
from pyoxigraph import NamedNode, serialize
from werkzeug.datastructures import CombinedMultiDict, MultiDict
from werkzeug.exceptions import BadRequest, Forbidden, RequestURITooLarge, UnsupportedMediaType

from kg.config import Settings
from kg.web import auth, formats, graph, service, sparqltext
from kg.web.execute import Dataset, QueryOutput, run_query, run_update
from kg.web.streaming import WholeBody

bp = Blueprint("sparql", __name__)

FORMAT_PARAMS = ("format", "output", "results")
FORM = "application/x-www-form-urlencoded"
QUERY_BODY = "application/sparql-query"
UPDATE_BODY = "application/sparql-update"
Params = MultiDict[str, str] | CombinedMultiDict[str, str]


@dataclass(frozen=True)
class Operation:
    """What a request asks for: queries or updates (normally exactly one) and their parameters."""

    queries: list[str]
    updates: list[str]
    params: Params


def _settings() -> Settings:
    return current_app.config["KG_SETTINGS"]


def _body_text(kind: str) -> str:
    charset = request.mimetype_params.get("charset", "utf-8").lower()
    if charset not in ("utf-8", "utf8"):
        raise UnsupportedMediaType(f"the {kind} must be sent as UTF-8, not {charset}")
    try:
        return request.get_data(cache=False).decode("utf-8")
    except UnicodeDecodeError as err:
        raise BadRequest(f"the request body is not valid UTF-8 ({err})") from None


def _operation() -> Operation:
    """The query or update strings sent and the parameters that go with them."""
    if request.method in ("GET", "HEAD"):
        if "update" in request.args:
            if not _settings().writable:
                raise Forbidden(auth.READ_ONLY.format(what="SPARQL Update"))
            raise BadRequest(f"SPARQL Update must be sent with POST ({FORM} update=… or {UPDATE_BODY})")
        return Operation(request.args.getlist("query"), [], request.args)
    mimetype = request.mimetype
    if mimetype == FORM:
        params = CombinedMultiDict([request.args, request.form])
        return Operation(params.getlist("query"), params.getlist("update"), params)
    if mimetype == UPDATE_BODY:
        if not _settings().writable:
            raise Forbidden(auth.READ_ONLY.format(what="SPARQL Update"))
        return Operation([], [_body_text("update")], request.args)
    if mimetype == QUERY_BODY:
        return Operation([_body_text("query"), *request.args.getlist("query")], [], request.args)
    sent = mimetype or "no Content-Type"
    raise UnsupportedMediaType(
        f"cannot read a query from {sent}: POST it as {FORM} (query=…) or as {QUERY_BODY} (the query is the body)")


def iris(params: Params, name: str) -> tuple[str, ...]:
    """The values of parameter ``name``, each checked to be an absolute IRI (400 if not)."""
    values = params.getlist(name)
    for value in values:
        try:
            NamedNode(value)
        except ValueError as err:
            raise BadRequest(f"{name}: {value!r} is not a valid absolute IRI ({err})") from None
    return tuple(values)


def requested_format(params: Params) -> str | None:
    """The format asked for by a ``format`` / ``output`` / ``results`` parameter, if any."""
    for name in FORMAT_PARAMS:
        value = params.get(name)
        if value:
            return value
    return None


def endpoint_url() -> str:
    """The endpoint's absolute URL (the service IRI and the base of relative IRIs in queries)."""
    return url_for("sparql.endpoint", _external=True)


def answer_headers(output: QueryOutput, extra_headers: Iterable[tuple[str, str]] = ()) -> list[tuple[str, str]]:
    """The headers of a query answer besides its Content-Type and Content-Length."""
    headers = [("Vary", "Accept")]
    if output.info and output.info.get("max_results"):
        headers.append(("X-KG-Max-Results", str(output.info["max_results"])))
    headers.extend(extra_headers)
    return headers


def stream(output: QueryOutput, extra_headers: Iterable[tuple[str, str]] = ()) -> Response:
    """A streamed response for a serialised query result (a whole one is sent with its Content-Length)."""
    body = output.chunks.body if isinstance(output.chunks, WholeBody) else output.chunks
    response = Response(body, content_type=output.content_type)
    for key, value in answer_headers(output, extra_headers):
        response.headers[key] = value
    return response


def _service_description(params: Params) -> Response:
    requested = requested_format(params)
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
    settings = _settings()
    triples = service.description(endpoint_url(), writable=settings.writable,
                                  federated=bool(settings.service_allowlist))
    body = serialize(triples, format=fmt.ox, prefixes=prefixes)  # type: ignore[arg-type]
    response = Response(body, content_type=fmt.content_type(media_type))
    response.headers["Vary"] = "Accept"
    return response


def _update(op: Operation) -> Response:
    auth.require_write("SPARQL Update")
    if op.queries:
        raise BadRequest("send either query or update, not both")
    if len(op.updates) > 1:
        raise BadRequest("more than one update given: send exactly one")
    text = op.updates[0]
    if not text.strip():
        raise BadRequest("empty update")
    using, using_named = iris(op.params, "using-graph-uri"), iris(op.params, "using-named-graph-uri")
    if using or using_named:
        if sparqltext.has_update_dataset_clause(text):
            raise BadRequest("using-graph-uri/using-named-graph-uri cannot be combined with USING or WITH "
                             "in the update")
        text = sparqltext.add_using(text, using, using_named)
    status = run_update(graph.served_graph().root, text, base_iri=endpoint_url())
    return Response(status=status)


def _query(op: Operation) -> Response:
    if len(op.queries) > 1:
        raise BadRequest("more than one query given: send exactly one")
    query = op.queries[0]
    if not query.strip():
        raise BadRequest("empty query")
    if sparqltext.is_update(query):
        if not _settings().writable:
            raise Forbidden(auth.READ_ONLY.format(what="SPARQL Update"))
        raise BadRequest(f"this is an update: send it as update=… or as {UPDATE_BODY}")
    dataset = Dataset(iris(op.params, "default-graph-uri"), iris(op.params, "named-graph-uri"))
    served = graph.current()
    output = run_query(served.store, query, dataset=dataset, accept=request.headers.get("Accept"),
                       requested_format=requested_format(op.params), base_iri=endpoint_url())
    return stream(output, [("X-KG-Generation", served.generation)])


@bp.route("/sparql", methods=["GET", "POST"], strict_slashes=False)
def endpoint() -> Response:
    """Answer one SPARQL query or update (or describe the service when there is neither)."""
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    if limit and len(request.query_string) > limit:
        raise RequestURITooLarge(f"the URL is longer than {limit} bytes: POST long queries instead")
    op = _operation()
    if op.updates:
        return _update(op)
    if not op.queries:
        return _service_description(op.params)
    return _query(op)
