"""Error responses: every failure answers with a status and a short plain-text message.

No traceback ever reaches a client. HTTP errors keep their status (and headers such as
``Allow`` on 405); a store that cannot be read gives 503; anything unexpected is logged
with its traceback on the server and answered with a one-line 500. Server paths and
internal messages stay in the log.
"""

from __future__ import annotations

import logging
import uuid

from flask import Flask, Response, current_app
from werkzeug.exceptions import HTTPException

from kg.store import StoreError

log = logging.getLogger("kg.web")


def text_response(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    """A ``text/plain`` response carrying ``message``."""
    body = message if message.endswith("\n") else message + "\n"
    return Response(body, status=status, headers=headers, content_type="text/plain; charset=utf-8")


def _http_error(err: HTTPException) -> Response:
    code = err.code or 500
    if code == 413:
        limit = current_app.config.get("MAX_CONTENT_LENGTH")
        message = f"request too large: the limit is {limit} bytes"
    else:
        message = err.description or err.name
    headers = {k: v for k, v in err.get_headers() if k.lower() not in ("content-type", "content-length")}
    return text_response(code, f"{code} {err.name}: {message}", headers)


def _store_error(err: StoreError) -> Response:
    log.error("store unavailable: %s", err)
    return text_response(503, "503 Service Unavailable: the graph store is unavailable (see the server log)")


def _internal_error(err: Exception) -> Response:
    incident = uuid.uuid4().hex[:12]
    log.error("internal error %s", incident, exc_info=err)
    return text_response(500, f"500 Internal Server Error: the server failed (incident {incident}, logged)")


def register(app: Flask) -> None:
    """Install the error handlers on ``app``."""
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(StoreError, _store_error)
    app.register_error_handler(Exception, _internal_error)
