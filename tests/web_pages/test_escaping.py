"""Data is text, never markup: a literal containing <script> renders as text everywhere."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from tests.web_pages.conftest import HOSTILE

ESCAPED = "&lt;script&gt;alert(&#34;kg&#34;)&lt;/script&gt;"
URLS = ["/id/person/evil-script", "/id/article/003", "/id/position/003-0", "/id/statement/003-0",
        "/analyses/statements-by-speaker", "/analyses/actor-positions-over-time?actor=kg:person/evil-script",
        "/analyses/csto-positions-over-time", "/entities", "/articles", "/", "/topic/csto-integration",
        "/id/org/collective-security-treaty-organization"]


@pytest.mark.parametrize("url", URLS)
def test_script_literal_renders_as_text(client: FlaskClient, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert HOSTILE not in page, "the literal must not reach the page as markup"
    assert "<b>fully</b>" not in page and "<i>Outlet</i>" not in page
    assert ESCAPED in page or "&lt;script&gt;" in page


def test_chart_tooltips_and_titles_are_escaped(client: FlaskClient) -> None:
    page = client.get("/analyses/actor-positions-over-time?actor=kg:person/evil-script").get_data(as_text=True)
    assert 'class="mark"' in page
    assert f'data-quote="{ESCAPED} said the CSTO must grow."' in page


def test_editor_textarea_cannot_be_closed_by_the_query(client: FlaskClient) -> None:
    page = client.get("/editor?query=%3C/textarea%3E%3Cscript%3Ealert(1)%3C/script%3E").get_data(as_text=True)
    assert "</textarea><script>" not in page
    assert "&lt;/textarea&gt;&lt;script&gt;alert(1)&lt;/script&gt;</textarea>" in page
