"""Every route of the app, fuzzed: random path segments, query strings, methods and headers.

Whatever arrives, the answer is a deliberate status below 500 with no traceback in it.
"""

from __future__ import annotations

import re
import urllib.parse

from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

CANNED = ["csto-positions-over-time", "actor-positions-over-time", "meetings-timeline", "who-met-whom",
          "statements-by-speaker", "organisations-and-members", "topics-overview"]
KEYS = ["person/alexander-lukashenko", "state/belarus", "org/collective-security-treaty-organization",
        "article/900_web", "position/900_web-0", "statement/900_web-0", "meeting/900_web-0"]
PARAM_NAMES = ["actor", "speaker", "query", "format", "output", "type", "rows", "page", "graph", "default", "x"]
NASTY = ["", "<script>alert(1)</script>", "../../etc/passwd", "%00", "\x00", "'; DROP", "kg:", "kg:person/x",
         "https://w3id.org/kg-news/id/person/alexander-lukashenko", "1e309", "-1", "9" * 40, "é" * 300,
         "SELECT * WHERE { ?s ?p ?o }", "}", "\"", "\\", "\u202e", "%", "%%", "%zz"]

text = st.one_of(st.sampled_from(NASTY), st.text(max_size=60))
segment = st.one_of(st.sampled_from(CANNED + KEYS + NASTY), st.text(min_size=1, max_size=40))


def _fill(rule: str, draw_segment) -> str:
    return re.sub(r"<[^>]+>", lambda _m: urllib.parse.quote(draw_segment(), safe="/"), rule)


@st.composite
def requests(draw, rules: list[str]):
    rule = draw(st.sampled_from(rules))
    path = _fill(rule, lambda: draw(segment))
    params = draw(st.lists(st.tuples(st.sampled_from(PARAM_NAMES), text), max_size=4))
    method = draw(st.sampled_from(["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH"]))
    accept = draw(st.sampled_from(["*/*", "text/html", "application/json", "text/csv", "text/turtle",
                                   "application/sparql-results+json", "image/png", "", "text/*;q=0.x"]))
    body = draw(st.one_of(st.none(), st.binary(max_size=200), text.map(str.encode)))
    ctype = draw(st.sampled_from(["application/x-www-form-urlencoded", "application/sparql-query",
                                  "text/turtle", "multipart/form-data", "application/octet-stream"]))
    return method, path, params, accept, body, ctype


def _routes(app: Flask) -> list[str]:
    return sorted({r.rule for r in app.url_map.iter_rules() if not r.rule.startswith("/static")} | {"/no/such/route"})


def test_every_route_answers_without_server_errors(app: Flask) -> None:
    rules = _routes(app)
    client = app.test_client()
    assert {"/sparql", "/queries/<name>", "/id/<path:key>", "/"} <= set(rules)

    @settings(max_examples=1500, deadline=None, suppress_health_check=list(HealthCheck))
    @given(requests(rules))
    def probe(req) -> None:
        method, path, params, accept, body, ctype = req
        query = urllib.parse.urlencode(params)
        response = client.open(f"{path}?{query}" if query else path, method=method, data=body,
                               headers={"Accept": accept, "Content-Type": ctype})
        data = response.get_data()
        assert response.status_code < 500, (method, path, params, response.status_code, data[:300])
        assert b"Traceback" not in data

    probe()
