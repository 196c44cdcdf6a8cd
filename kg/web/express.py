"""The express lane: ``/sparql`` queries answered without Flask's request machinery.

For a one-triple lookup, Flask's request context, routing, form parsing, response object and
hooks cost about as much CPU as the query itself. :class:`ExpressLane` wraps the app's WSGI
callable and answers the common case on its own: a ``GET`` or ``POST`` (form or
``application/sparql-query``) to ``/sparql`` with exactly one query, no dataset or update
parameter and no CORS ``Origin``, whose query is read-only and calls no other endpoint. It
runs the same checks and the same execution (the fast path, else a query worker: see
:mod:`kg.web.execute`), and answers with the same status, headers and body as the Flask view.

Everything else goes to Flask unchanged (a body already read is handed on), so each rule and
each message stays in one place: a request the lane does not take, or whose query fails
before a worker ran it (then it runs again there, within the fast path's bounded cost). An
error from a worker (a timeout, a query the engine rejects) is answered by Flask's own error
handlers and response hooks. The lane repeats the work of the app's own response hooks
(security headers; CORS requests it leaves to Flask): should the app gain other request
hooks, it steps aside and Flask answers everything.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qsl

from flask import Flask, Request
from werkzeug.datastructures import MultiDict
from werkzeug.http import parse_options_header

from kg.config import Settings
from kg.web import execute, sparqltext
from kg.web.graph import ServedGraph, StoreHandle
from kg.web.jobs import QueryJob
from kg.web.sparql import FORM, QUERY_BODY, answer_headers, requested_format
from kg.web.streaming import WholeBody

#: parameters that take a request off the express lane (they change what is asked)
_FLASK_PARAMS = frozenset({"update", "default-graph-uri", "named-graph-uri"})
#: how many distinct (scheme, host, script) endpoint URLs are remembered
_BASES = 16
_UTF8 = ({}, {"charset": "utf-8"}, {"charset": "utf8"})

Environ = dict[str, Any]
StartResponse = Callable[..., Any]


class ExpressLane:
    """WSGI middleware answering ``/sparql`` queries before Flask (see the module docstring)."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.flask = app.wsgi_app
        self.settings: Settings = app.config["KG_SETTINGS"]
        self.graph: ServedGraph = app.extensions["kg.graph"]
        self._bases: dict[tuple[str, ...], str] = {}
        self._hooks = self._hook_count()  # the response hooks whose work the lane repeats (see _bypassed)

    def _hook_count(self) -> int:
        return sum(map(len, self.app.after_request_funcs.values()))

    def _bypassed(self) -> bool:
        """True when the app has request hooks the lane does not know: then Flask answers everything."""
        return any(self.app.before_request_funcs.values()) or self._hook_count() != self._hooks

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        prepared = None
        if (environ.get("PATH_INFO") == "/sparql" and environ.get("REQUEST_METHOD") in ("GET", "POST")
                and not self._bypassed()):
            try:
                prepared = self._job(environ)
            except Exception:  # whatever it is, Flask meets it again and answers as it always does
                prepared = None
        if prepared is None:
            return self.flask(environ, start_response)
        generation, job, store = prepared
        try:
            output = execute.answer_in_thread(job, store)
        except Exception:  # a client error: Flask finds it again (within the fast path's budget)
            return self.flask(environ, start_response)
        try:
            output = output or execute.run_in_worker(job, self.settings)
        except Exception as err:  # the worker has run: answered here, by Flask's error handlers
            return self._error(environ, start_response, err)
        from kg.web import security_headers  # the package imports this module

        headers = [("Content-Type", output.content_type)]
        if isinstance(output.chunks, WholeBody):
            headers.append(("Content-Length", str(len(output.chunks.body))))
        headers += [*answer_headers(output, [("X-KG-Generation", generation)]),
                    *security_headers(output.content_type.split(";")[0].strip())]
        start_response("200 OK", headers)
        return output.chunks

    def _error(self, environ: Environ, start_response: StartResponse, err: Exception) -> Iterable[bytes]:
        """The response Flask gives when the view raises ``err``."""
        with self.app.request_context(environ):
            response = self.app.finalize_request(self.app.handle_user_exception(err))
        return response(environ, start_response)

    def _params(self, environ: Environ) -> tuple[list[tuple[str, str]], str | None] | None:
        """The request's parameters and, for ``application/sparql-query``, the body's query."""
        limit = self.app.config["MAX_CONTENT_LENGTH"]
        query_string = environ.get("QUERY_STRING", "")
        if limit and len(query_string) > limit:
            return None
        params = parse_qsl(query_string, keep_blank_values=True)
        if environ["REQUEST_METHOD"] == "GET":
            return params, None
        mimetype, options = parse_options_header(environ.get("CONTENT_TYPE", ""))
        options = {key: value.lower() for key, value in options.items()}
        length = environ.get("CONTENT_LENGTH", "")
        if mimetype not in (FORM, QUERY_BODY) or options not in _UTF8 or not length.isdigit():
            return None
        if limit and int(length) > limit:
            return None
        body = environ["wsgi.input"].read(int(length))
        environ["wsgi.input"] = io.BytesIO(body)  # for Flask, should the request go there after all
        if len(body) != int(length):
            return None
        if mimetype == QUERY_BODY:
            return params, body.decode("utf-8")
        return params + parse_qsl(body.decode("ascii"), keep_blank_values=True), None

    def _job(self, environ: Environ) -> tuple[str, QueryJob, StoreHandle] | None:
        """The served generation, the checked query job and its store, or None to leave it to Flask."""
        if self.settings.cors_origins and "HTTP_ORIGIN" in environ:
            return None
        parsed = self._params(environ)
        if parsed is None:
            return None
        params, body_query = parsed
        queries = [value for name, value in params if name == "query"]
        if body_query is not None:
            queries.insert(0, body_query)
        if len(queries) != 1 or any(name in _FLASK_PARAMS for name, _ in params):
            return None
        query = queries[0]
        if not query.strip() or "\ufffd" in query or sparqltext.is_update(query):
            return None
        execute.check_allowed(query, self.settings.service_allowlist)
        served = self.graph.current()
        if not isinstance(served.store, StoreHandle):
            return None
        job = execute.query_job(served.store.path, query, self.settings, accept=environ.get("HTTP_ACCEPT"),
                                requested_format=requested_format(MultiDict(params)), base_iri=self._base(environ))
        return served.generation, job, served.store

    def _base(self, environ: Environ) -> str:
        """The endpoint's absolute URL as the Flask view computes it (``url_for``), remembered."""
        key = tuple(str(environ.get(name, "")) for name in
                    ("wsgi.url_scheme", "HTTP_HOST", "SERVER_NAME", "SERVER_PORT", "SCRIPT_NAME"))
        base = self._bases.get(key)
        if base is None:
            adapter = self.app.create_url_adapter(Request(environ))
            assert adapter is not None
            base = adapter.build("sparql.endpoint", {}, force_external=True)
            if len(self._bases) < _BASES:
                self._bases[key] = base
        return base
