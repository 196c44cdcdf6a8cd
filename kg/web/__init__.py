"""The web app: a standard SPARQL 1.1 endpoint, dumps and canned queries over the served graph.

``create_app`` follows the Flask application-factory pattern; each concern is a blueprint
(``sparql``, ``gsp``, ``dumps``, ``canned``). Query execution lives behind one function
(:func:`kg.web.execute.run_query`), which runs queries in killable worker processes
(:mod:`kg.web.workers`); ``/sparql`` queries are answered in front of Flask by
:mod:`kg.web.express`, which leaves everything else to it. Writes are off unless the
settings make the app writable (:mod:`kg.web.auth`); CORS headers only for configured
origins (:mod:`kg.web.cors`).
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Response

from kg.config import Settings, load_settings
from kg.web import auth, canned, cors, dumps, errors, express, gsp, pages, sparql
from kg.web.graph import ServedGraph

CSP = "default-src 'self'; script-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'"


def security_headers(mimetype: str) -> list[tuple[str, str]]:
    """The security headers of every response with this media type."""
    headers = [("X-Content-Type-Options", "nosniff")]
    if mimetype == "text/html":
        headers.append(("Content-Security-Policy", CSP))
    return headers


def _security_headers(response: Response) -> Response:
    for key, value in security_headers(response.mimetype):
        response.headers.setdefault(key, value)
    return response


def create_app(settings: Settings | None = None, test_config: dict[str, Any] | None = None) -> Flask:
    """Build the Flask app serving ``settings.store`` (settings from the environment if None).

    Raises :class:`kg.web.auth.ConfigError` for unsafe write settings.
    """
    settings = settings or load_settings()
    auth.check_settings(settings)
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
    app.register_blueprint(gsp.bp)
    app.register_blueprint(dumps.bp)
    app.register_blueprint(canned.bp)
    pages.register(app)  # HTML pages: home, analyses, editor, dumps page, /id/ Linked Data
    app.after_request(_security_headers)
    cors.register(app)
    app.wsgi_app = express.ExpressLane(app)  # type: ignore[method-assign]
    return app
