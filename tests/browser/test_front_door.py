"""The web front door in a real browser: home, the headline analysis with its chart and table,
entity pages, the evidence view and the query editor, at 1280 and 390 pixels wide."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

from tests.browser.conftest import PHONE, screenshot

HEADLINE = "/analyses/csto-positions-over-time"


def no_horizontal_scroll(page) -> None:
    """The document itself fits the viewport (wide tables and charts scroll inside their boxes)."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"page is {width}px wide"


def test_home_page(page, server: str) -> None:
    page.goto(server + "/")
    assert page.title() == "Overview · kg news graph"
    assert page.locator("h1").inner_text() == "Political news as a knowledge graph"
    assert page.locator(".stat").count() == 6
    assert "5 articles published 2012-03-01 – 2018-04-06" in page.locator(".lead").first.inner_text()
    assert page.locator(".chart-wide .mark").count() > 20, "the headline chart"
    assert server + "/sparql" in page.locator("code.endpoint").inner_text()
    screenshot(page, "home")
    page.set_viewport_size(PHONE)
    no_horizontal_scroll(page)
    screenshot(page, "home")


def test_headline_analysis_through_its_form(page, server: str) -> None:
    page.goto(server + "/")
    page.get_by_role("link", name="All analyses").click()
    page.get_by_role("link", name="Positions on CSTO integration over time").click()
    page.get_by_role("button", name="Run analysis").click()
    page.wait_for_url(re.compile(r"/analyses/csto-positions-over-time\?"))
    marks = page.locator(".chart-wide .mark")
    rows = page.locator("table.data tbody tr")
    assert marks.count() == rows.count() > 20, "one marker per table row"
    assert {"2012-03-01", "2012-05-15", "2013-06-05", "2013-09-23"} <= set(
        page.locator("table.data tbody td:first-child").all_inner_texts())

    screenshot(page, "positions-chart", element=".chart-card")
    screenshot(page, "analysis")
    page.locator(".chart-card").scroll_into_view_if_needed()
    marks.nth(1).hover()
    tip = page.locator(".chart-tip")
    tip.wait_for(state="visible")
    quote = marks.nth(1).get_attribute("data-quote")
    assert quote and quote[:40] in tip.inner_text(), "hovering shows the quote"
    screenshot(page, "positions-chart-hover", full_page=False)

    downloads = {a.inner_text(): a.get_attribute("href") for a in page.locator(".toolbar .links a").all()}
    assert downloads["CSV"].endswith("format=csv") and downloads["JSON"].endswith("format=json")
    editor_url = downloads["Open in editor"]
    assert "csto-integration" in parse_qs(urlparse(editor_url).query)["query"][0]

    page.locator(".toggle a", has_text="topic").click()
    assert page.locator(".chart-svg .row-label").count() > 2, "rows by topic"

    page.set_viewport_size(PHONE)
    no_horizontal_scroll(page)
    assert page.locator(".chart-narrow .mark").first.is_visible(), "the compact chart on phones"
    screenshot(page, "positions-chart", element=".chart-card")
    screenshot(page, "analysis", full_page=False)


def test_marker_opens_the_evidence_view(page, server: str) -> None:
    page.goto(server + HEADLINE)
    mark = page.locator(".chart-wide .mark").nth(3)
    href = mark.get_attribute("href")
    assert href and re.fullmatch(r"/id/article/[\w-]+#position-\d+", href)
    quote = mark.get_attribute("data-quote")
    mark.click()
    page.wait_for_url(re.compile(re.escape(href) + "$"))
    target = page.locator("#article-text .is-target")
    assert target.count() >= 1, "the span is highlighted"
    highlighted = " ".join("".join(target.all_inner_texts()).split())
    assert " ".join(quote.split())[:60] in highlighted
    assert target.first.is_visible()
    screenshot(page, "evidence-view", full_page=False)


def test_entity_page_and_its_sentences(page, server: str) -> None:
    page.goto(server + "/analyses/actor-positions-over-time")
    assert page.locator("#param-actor").input_value().endswith("/person/alexander-lukashenko"), "default filled in"
    page.locator("table.data tbody a", has_text="Alexander Lukashenko").first.click()
    page.wait_for_url(re.compile(r"/id/person/alexander-lukashenko$"))
    assert page.locator("h1").inner_text() == "Alexander Lukashenko"
    assert page.locator(".kicker").inner_text() == "PERSON"
    assert "Q2866" in page.locator(".iri-line").inner_text()
    assert page.locator("#held .mark").count() > 10, "positions over time"
    assert page.locator("#meetings tbody tr").count() >= 5
    assert "President of Belarus" in page.locator(".facts").inner_text()
    screenshot(page, "entity")
    page.set_viewport_size(PHONE)
    no_horizontal_scroll(page)
    screenshot(page, "entity", full_page=False)
    page.set_viewport_size({"width": 1280, "height": 900})

    sentence = page.locator("#mentions a.sentence").first
    href = sentence.get_attribute("href")
    assert href and re.search(r"#char=\d+,\d+$", href)
    mention = sentence.locator("mark").inner_text()
    sentence.click()
    page.wait_for_url(re.compile(re.escape(href) + "$"))
    assert page.locator("#article-text .is-target").first.inner_text() == mention


def test_sortable_table(page, server: str) -> None:
    page.goto(server + "/entities?type=state")
    header = page.locator("th", has_text="Mentions")
    header.locator("button").click()
    header.locator("button").click()
    assert header.get_attribute("aria-sort") == "descending"
    counts = [int(t) for t in page.locator("tbody td:nth-child(3)").all_inner_texts()]
    assert counts == sorted(counts, reverse=True) and len(counts) > 3
    page.locator("th", has_text="Name").locator("button").click()
    names = [t.lower() for t in page.locator("tbody td:first-child").all_inner_texts()]
    assert names == sorted(names)


def test_editor_runs_a_query(page, server: str) -> None:
    page.goto(server + "/")
    page.get_by_role("link", name="Query editor").click()  # "Editor" on phones
    assert "PREFIX kgo: <https://w3id.org/kg-news/ontology#>" in page.locator("#query").input_value()
    query = ("PREFIX schema: <http://schema.org/>\n"
             "SELECT DISTINCT ?article ?date WHERE { ?article a schema:NewsArticle ; schema:datePublished ?date }\n"
             "ORDER BY ?date")
    page.locator("#query").fill(query)
    page.get_by_role("button", name="Run query").click()
    rows = page.locator("#results tbody tr")
    rows.nth(4).wait_for()
    assert rows.count() == 5
    assert page.locator("#status").inner_text().startswith("5 rows")
    assert parse_qs(urlparse(page.url).query)["query"] == [query], "the query is in the URL"
    link = page.locator("#results tbody a").first
    assert link.get_attribute("href").startswith("/id/article/")
    assert page.locator("#dl-csv").get_attribute("href").startswith("/sparql?query=")
    screenshot(page, "editor", full_page=False)

    page.goto(page.url)  # the URL reproduces the query and runs it
    page.locator("#results tbody tr").nth(4).wait_for()
    assert page.locator("#query").input_value() == query


def test_editor_shows_an_inline_error(page, server: str, watch) -> None:
    watch.expect_error_status("/sparql", 400)
    page.goto(server + "/editor")
    page.locator("#query").fill("SELECT ?x WHERE { ?x ?y ")
    page.locator("#query").press("Control+Enter")
    error = page.locator("#error")
    error.wait_for(state="visible")
    assert "400" in error.inner_text() or "400" in page.locator("#status").inner_text()
    assert "malformed" in error.inner_text().lower() or "parse" in error.inner_text().lower()
    assert page.locator("#results table").count() == 0
    assert "^" in page.locator("#error pre.error-at").inner_text(), "the error position is pointed at"
    screenshot(page, "editor-error", full_page=False)


def test_dumps_page(page, server: str) -> None:
    page.goto(server + "/dumps")
    for _ in range(60):  # sizes are measured once per server process, in the background
        if "measuring" not in page.locator("table.data").inner_text():
            break
        page.wait_for_timeout(500)
        page.reload()
    rows = page.locator("table.data tbody tr")
    assert rows.count() == 4
    text = page.locator("table.data").inner_text()
    assert "triples" in text and "quads" in text and " kB" in text
    assert "UTC" in page.locator(".meta-line").inner_text()
