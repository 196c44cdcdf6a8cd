"""``/store``: the SPARQL 1.1 Graph Store HTTP Protocol (https://www.w3.org/TR/sparql11-http-rdf-update/).

Graphs are named indirectly (``/store?graph=IRI``, ``/store?default``) or directly (the
graph whose IRI is the request URL, e.g. ``/store/person/1.ttl``). ``GET``/``HEAD`` read a
graph (404 if it does not exist); ``GET /store`` alone returns the whole dataset as TriG or
N-Quads. ``?default`` is the store's own default graph (a built graph keeps everything in
named graphs: the SPARQL endpoint's default graph is their union).

With ``kg serve --writable`` (and the bearer token): ``PUT`` replaces a graph (201 if new,
else 204), ``POST`` merges into it (``multipart/form-data`` parts too), ``DELETE`` drops it
(404 if absent), and ``POST /store`` creates a new graph and returns its IRI in
``Location``. Each write is one new generation of the store.
"""

from __future__ import annotations

import uuid

from flask import Blueprint, Response, current_app, request, url_for
from pyoxigraph import NamedNode
from werkzeug.exceptions import BadRequest, UnsupportedMediaType

from kg.config import Settings
from kg.web import auth, graph
from kg.web.execute import read_graph, write_graph
from kg.web.sparql import iris, requested_format, stream

bp = Blueprint("gsp", __name__)
METHODS = ["GET", "HEAD", "PUT", "POST", "DELETE"]


def _target(rest: str | None) -> tuple[str | None, bool]:
    """(graph IRI or None for the default graph, whether the request names a graph at all)."""
    named = "graph" in request.args
    default = "default" in request.args
    if rest is not None:
        if named or default:
            raise BadRequest("a graph named by the URL path takes no ?graph= or ?default")
        try:
            NamedNode(request.base_url)
        except ValueError as err:
            raise BadRequest(f"the request URL is not a valid graph IRI ({err})") from None
        return request.base_url, True
    if named and default:
        raise BadRequest("give either ?graph=IRI or ?default, not both")
    if default:
        return None, True
    if named:
        values = iris(request.args, "graph")
        if len(values) != 1:
            raise BadRequest("give exactly one ?graph=IRI")
        return values[0], True
    return None, False


def _payloads() -> tuple[tuple[str, bytes], ...]:
    settings: Settings = current_app.config["KG_SETTINGS"]
    request.max_content_length = settings.max_upload_bytes
    if request.mimetype == "multipart/form-data":
        parts = tuple((f.mimetype or _guess(f.filename), f.read()) for f in request.files.values())
        if not parts:
            raise BadRequest("the multipart/form-data request holds no files")
        return parts
    if request.mimetype in ("", "application/x-www-form-urlencoded"):
        raise UnsupportedMediaType("send the graph with its RDF media type as Content-Type (e.g. text/turtle)")
    return ((request.mimetype, request.get_data(cache=False)),)


def _guess(filename: str | None) -> str:
    from pyoxigraph import RdfFormat

    ext = (filename or "").rpartition(".")[2]
    fmt = RdfFormat.from_extension(ext) if ext else None
    return fmt.media_type if fmt else ""


def _read(target: str | None, names_graph: bool) -> Response:
    served = graph.current()
    output = read_graph(served.store, graph=target, dataset=not names_graph, accept=request.headers.get("Accept"),
                        requested_format=requested_format(request.args), head=request.method == "HEAD")
    return stream(output, [("X-KG-Generation", served.generation)])


def _write(target: str | None, names_graph: bool) -> Response:
    auth.require_write("Graph Store writes")
    root = graph.served_graph().root
    if request.method == "DELETE":
        if not names_graph:
            raise BadRequest("DELETE needs ?graph=IRI or ?default")
        if target is not None:  # a missing graph is a 404 without making a new generation
            read_graph(graph.current().store, graph=target, head=True, requested_format="nt")
        return Response(status=write_graph(root, "DELETE", target))
    if not names_graph:
        if request.method != "POST":
            raise BadRequest("PUT needs ?graph=IRI or ?default")
        created = url_for("gsp.direct", rest=uuid.uuid4().hex, _external=True)
        write_graph(root, "POST", created, _payloads(), base_iri=created)
        return Response(status=201, headers={"Location": created})
    status = write_graph(root, request.method, target, _payloads(), base_iri=target or request.base_url)
    return Response(status=status)


@bp.route("/store", methods=METHODS, strict_slashes=False)
def indirect() -> Response:
    """A graph named by ``?graph=`` / ``?default`` (or the whole store)."""
    target, names_graph = _target(None)
    if request.method in ("GET", "HEAD"):
        return _read(target, names_graph)
    return _write(target, names_graph)


@bp.route("/store/<path:rest>", methods=METHODS)
def direct(rest: str) -> Response:
    """The graph whose IRI is this URL."""
    target, _ = _target(rest)
    if request.method in ("GET", "HEAD"):
        return _read(target, True)
    return _write(target, True)
