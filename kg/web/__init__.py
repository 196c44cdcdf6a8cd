"""The web app: a standard SPARQL 1.1 endpoint, dumps and canned queries over the served graph.

``create_app`` follows the Flask application-factory pattern; each concern is a blueprint
(``sparql``, ``dumps``, ``canned``). Query execution lives behind one function
(:func:`kg.web.execute.run_query`).
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Response

from kg.config import Settings, load_settings
from kg.web import canned, dumps, errors, sparql
from kg.web.graph import ServedGraph

CSP = "default-src 'self'; script-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'"


def _security_headers(response: Response) -> Response:
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    if response.mimetype == "text/html":
        response.headers.setdefault("Content-Security-Policy", CSP)
    return response


def create_app(settings: Settings | None = None, test_config: dict[str, Any] | None = None) -> Flask:
    """Build the Flask app serving ``settings.store`` (settings from the environment if None)."""
    settings = settings or load_settings()
    app = Flask(__name__)
    app.config.from_mapping(
        KG_SETTINGS=settings,
        KG_QUERIES=str(settings.queries),
        MAX_CONTENT_LENGTH=settings.max_request_bytes,
        MAX_FORM_MEMORY_SIZE=settings.max_request_bytes,
    )
    if test_config:
        app.config.update(test_config)
    app.extensions["kg.graph"] = ServedGraph(settings.store)
    errors.register(app)
    app.register_blueprint(sparql.bp)
    app.register_blueprint(dumps.bp)
    app.register_blueprint(canned.bp)
    app.after_request(_security_headers)
    return app
