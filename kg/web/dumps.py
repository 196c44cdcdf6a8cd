"""Whole-graph dumps at stable URLs: ``/dump.ttl``, ``/dump.nt`` (merged triples),
``/dump.nq``, ``/dump.trig`` (quads, with one named graph per article).

Streamed as they are serialised; gzip-compressed on the fly when ``Accept-Encoding``
allows it. The URL is the only input: there is no path to traverse. A remote store's dump
is one Graph Store ``GET`` of its dataset, re-serialised as it streams (:func:`kg.backends.dump`).
"""

from __future__ import annotations

from flask import Blueprint, Response, request

from kg.backends import dump as dump_store
from kg.web import graph
from kg.web.negotiation import accepts_encoding
from kg.web.streaming import ChunkStream

bp = Blueprint("dumps", __name__)

MEDIA_TYPES = {
    "ttl": "text/turtle; charset=utf-8",
    "nt": "application/n-triples",
    "nq": "application/n-quads",
    "trig": "application/trig",
}


@bp.get("/dump.<any(ttl, nt, nq, trig):ext>")
def dump(ext: str) -> Response:
    """Stream the served graph in the format named by the extension."""
    served = graph.current()
    gzip = accepts_encoding(request.headers.get("Accept-Encoding"), "gzip")
    chunks = ChunkStream(lambda out: dump_store(served.store, ext, out), gzip=gzip).start()
    response = Response(chunks, content_type=MEDIA_TYPES[ext])
    response.headers["Content-Disposition"] = f"attachment; filename=kg.{ext}"
    response.headers["Vary"] = "Accept-Encoding"
    response.headers["X-KG-Generation"] = served.generation
    if gzip:
        response.headers["Content-Encoding"] = "gzip"
    return response
