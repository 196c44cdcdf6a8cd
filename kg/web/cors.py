"""Cross-origin requests (CORS), off unless origins are configured (``kg serve --cors ORIGIN``).

With ``*`` any web page may query the endpoints (as public SPARQL endpoints usually allow);
otherwise only the listed origins. Browsers send writes' ``Authorization`` header only when
the preflight allows it, which it does for configured origins.
"""

from __future__ import annotations

from flask import Flask, Response, request

from kg.config import Settings

ALLOW_HEADERS = "Accept, Authorization, Content-Type"
EXPOSE_HEADERS = "Content-Disposition, Location, Retry-After, X-KG-Cache, X-KG-Generation, X-KG-Max-Results"
MAX_AGE = "86400"


def _allowed(settings: Settings, origin: str) -> str | None:
    if "*" in settings.cors_origins:
        return "*"
    return origin if origin in settings.cors_origins else None


def register(app: Flask) -> None:
    """Add CORS headers to every response of ``app`` (and answer preflights) per its settings."""
    settings: Settings = app.config["KG_SETTINGS"]
    if not settings.cors_origins:
        return

    @app.after_request
    def _cors(response: Response) -> Response:
        origin = request.headers.get("Origin")
        allowed = _allowed(settings, origin) if origin else None
        if allowed is None:
            return response
        response.headers["Access-Control-Allow-Origin"] = allowed
        if allowed != "*":
            response.vary.add("Origin")
        response.headers["Access-Control-Expose-Headers"] = EXPOSE_HEADERS
        if request.method == "OPTIONS":
            methods = response.headers.get("Allow") or "GET, HEAD, POST, OPTIONS"
            response.headers["Access-Control-Allow-Methods"] = methods
            response.headers["Access-Control-Allow-Headers"] = ALLOW_HEADERS
            response.headers["Access-Control-Max-Age"] = MAX_AGE
        return response
