"""The gunicorn parts of ``kg serve``: the access log line is gunicorn's own (the worker is
exercised over real connections in tests/e2e/test_serve_keepalive.py)."""

from __future__ import annotations

import datetime
from types import SimpleNamespace

import pytest
from gunicorn.config import Config
from gunicorn.glogging import Logger, SafeAtoms

from kg.web.httpserver import ACCESS_LOG_FORMAT, AccessLogger


@pytest.mark.parametrize(("status", "sent"), [("200 OK", 1234), ("404 NOT FOUND", 0), ("503 UNAVAILABLE", None)])
def test_access_log_line_is_gunicorns(status: str, sent: int | None) -> None:
    response = SimpleNamespace(status=status, sent=sent, headers=[("Content-Type", "text/csv")])
    request = SimpleNamespace(headers=[("ACCEPT", "text/csv"), ("USER-AGENT", 'curl "8"')])
    environ = {"REMOTE_ADDR": "127.0.0.1", "REQUEST_METHOD": "GET", "RAW_URI": '/sparql?query="x"',
               "SERVER_PROTOCOL": "HTTP/1.1", "PATH_INFO": "/sparql", "QUERY_STRING": 'query="x"'}
    took = datetime.timedelta(seconds=1, microseconds=234_567)
    cfg = Config()

    def line(logger: type[Logger]) -> str:
        return ACCESS_LOG_FORMAT % SafeAtoms(logger(cfg).atoms(response, request, environ, took))

    assert line(AccessLogger) == line(Logger)
    assert line(AccessLogger).startswith('127.0.0.1 "GET /sparql?query=\\"x\\" HTTP/1.1" ')
