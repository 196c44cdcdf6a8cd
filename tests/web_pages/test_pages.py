"""The HTML front door over the tiny graph: home, analyses, editor, dumps, lists."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import pytest
from flask.testing import FlaskClient

from kg.queries import QUERIES_DIR, list_queries, load_query
from kg.web.pages_catalogue import editor_text

PAGES = ["/", "/analyses", "/analyses/csto-positions-over-time", "/analyses/actor-positions-over-time",
         "/editor", "/dumps", "/entities", "/entities?type=organisation", "/articles",
         "/id/person/alexander-lukashenko", "/id/article/001", "/id/position/001-0", "/id/statement/001-0",
         "/id/meeting/001-0", "/topic/csto-integration", "/queries", "/queries/csto-positions-over-time"]


def html(client: FlaskClient, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    assert response.mimetype == "text/html"
    return response.get_data(as_text=True)


@pytest.mark.parametrize("url", PAGES)
def test_pages_render_under_the_csp(client: FlaskClient, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 200
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    page = response.get_data(as_text=True)
    assert not re.search(r"<script(?![^>]*\ssrc=)", page), "inline script would be blocked by the CSP"
    assert not re.search(r"\son[a-z]+\s*=", page), "inline event handlers would be blocked by the CSP"
    assert 'style="' not in page, "inline styles would be blocked by the CSP"
    assert "https://cdn" not in page and "//fonts." not in page
    assert 'href="/analyses"' in page and 'href="/editor"' in page, "the common navigation is there"


def test_home_shows_what_the_graph_holds(client: FlaskClient) -> None:
    page = html(client, "/")
    assert "3 articles</a> published 2012-05-15 – 2014-01-02" in page
    for label in ("People", "States", "Organisations", "Meetings", "Statements", "Positions"):
        assert f'<span class="stat-label">{label}</span>' in page
    assert "http://localhost/sparql" in page, "the endpoint URL for scripts"
    assert "curl http://localhost/sparql" in page and "urllib.request" in page
    assert 'href="/analyses/csto-positions-over-time"' in page
    assert 'class="chart-svg"' in page, "the headline chart"


def test_catalogue_lists_every_canned_query(client: FlaskClient) -> None:
    page = html(client, "/analyses")
    for query in list_queries(QUERIES_DIR):
        assert f'href="/analyses/{query.name}"' in page
        assert f'href="/queries/{query.name}.rq"' in page
        assert f"/queries/{query.name}?format=csv" in page


def test_headline_analysis_draws_chart_and_table(client: FlaskClient) -> None:
    page = html(client, "/analyses/csto-positions-over-time")
    rows = re.findall(r"<tr>\s*<td", page)
    marks = re.findall(r'class="mark"', page)
    assert len(rows) == len(marks) // 2 == 4, "a marker per position on CSTO integration, a narrower topic or target"
    assert page.count('data-stance="support"') == 2 * 3 and page.count('data-stance="oppose"') == 2 * 1
    assert 'href="/id/article/001#position-0"' in page, "markers and evidence cells open the evidence view"
    assert '/queries/csto-positions-over-time?format=csv' in page and '?format=json' in page
    editor = re.search(r'href="(/editor\?query=[^"]+)"', page)
    assert editor and "csto-integration" in parse_qs(urlparse(editor.group(1).replace("&amp;", "&")).query)["query"][0]


def test_analysis_form_is_filled_with_defaults(client: FlaskClient) -> None:
    page = html(client, "/analyses/actor-positions-over-time")
    assert 'name="actor" value="https://w3id.org/kg-news/id/person/alexander-lukashenko"' in page
    assert '<datalist id="suggest-actor">' in page
    page = html(client, "/analyses/actor-positions-over-time?actor=kg:state/belarus")
    assert 'value="kg:state/belarus"' in page
    assert page.count('class="mark"') == 2 * 4, "Belarus: four positions on its behalf (wide and compact chart)"


def test_bad_parameter_is_shown_inline(client: FlaskClient) -> None:
    page = html(client, "/analyses/actor-positions-over-time?actor=not%20an%20iri", 400)
    assert 'class="error" role="alert"' in page and "not an absolute IRI" in page


def test_unknown_analysis_is_404(client: FlaskClient) -> None:
    assert client.get("/analyses/no-such-query").status_code == 404


def test_open_in_editor_text_gives_the_same_rows(app) -> None:
    from pyoxigraph import Store

    from kg.store import GenerationStore

    store = Store.read_only(str(GenerationStore(app.config["KG_SETTINGS"].store).generations / "gen-000001"))
    query = load_query(QUERIES_DIR, "actor-positions-over-time")
    text, substitutions = query.bind({"actor": "kg:state/belarus"})
    bound = list(store.query(text, substitutions=substitutions, use_default_graph_as_union=True))
    edited = list(store.query(editor_text(query, substitutions), use_default_graph_as_union=True))
    assert len(bound) == len(edited) == 4
    assert {str(r["evidence"]) for r in bound} == {str(r["evidence"]) for r in edited}


def test_editor_prefills_prefixes_and_takes_the_query_from_the_url(client: FlaskClient) -> None:
    page = html(client, "/editor")
    assert "PREFIX kgo: &lt;https://w3id.org/kg-news/ontology#&gt;" in page
    assert 'src="/static/editor.js"' in page and 'data-endpoint="/sparql"' in page
    page = html(client, "/editor?query=ASK%20%7B%3Cx%3E%20%3Fp%20%3Fo%7D")
    assert "ASK {&lt;x&gt; ?p ?o}</textarea>" in page


def test_dumps_page_states_sizes_counts_and_build_time(client: FlaskClient) -> None:
    page = html(client, "/dumps")
    assert "Last build:" in page and "UTC" in page and "gen-000001" in page
    for ext in ("ttl", "nt", "nq", "trig"):
        body = client.get(f"/dump.{ext}").get_data()
        assert f'title="{len(body):,} bytes"' in page, ext
    triples = len(client.get("/dump.nt").get_data().splitlines())
    quads = len(client.get("/dump.nq").get_data().splitlines())
    assert f"{triples:,} triples" in page and f"{quads:,} quads" in page


def test_entity_and_article_lists(client: FlaskClient) -> None:
    people = html(client, "/entities")
    assert 'href="/id/person/alexander-lukashenko"' in people
    assert 'href="/id/state/belarus"' in html(client, "/entities?type=state")
    assert client.get("/entities?type=nonsense").status_code == 404
    articles = html(client, "/articles")
    assert 'href="/id/article/001"' in articles and 'href="/id/article/002"' in articles


def test_other_templates_still_render_with_the_new_base(client: FlaskClient) -> None:
    for url in ("/queries", "/queries/csto-positions-over-time"):
        page = html(client, url)
        assert '<link rel="stylesheet" href="/static/kg.css">' in page and 'aria-current="page"' in page
