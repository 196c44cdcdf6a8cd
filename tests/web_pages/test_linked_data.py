"""Every IRI of ours dereferences: HTML for browsers, RDF by content negotiation."""

from __future__ import annotations

import json
import re

import pytest
import rdflib
from flask.testing import FlaskClient

LUKASHENKO = "https://w3id.org/kg-news/id/person/alexander-lukashenko"


@pytest.mark.parametrize("accept", [None, "text/html", "*/*", "text/html,application/xhtml+xml,*/*;q=0.8"])
def test_browsers_get_html(client: FlaskClient, accept: str | None) -> None:
    response = client.get("/id/person/alexander-lukashenko", headers={"Accept": accept} if accept else {})
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert response.headers["Vary"] == "Accept"
    page = response.get_data(as_text=True)
    assert "<h1>Alexander Lukashenko</h1>" in page
    assert f"<code class=\"iri\">{LUKASHENKO}</code>" in page, "the canonical IRI"
    assert 'href="https://www.wikidata.org/wiki/Q2866"' in page


@pytest.mark.parametrize(("accept", "fmt", "mimetype"), [
    ("text/turtle", "turtle", "text/turtle"),
    ("application/n-triples", "nt", "application/n-triples"),
    ("application/ld+json", "json-ld", "application/ld+json"),
    ("application/rdf+xml", "xml", "application/rdf+xml"),
])
def test_machines_get_rdf(client: FlaskClient, accept: str, fmt: str, mimetype: str) -> None:
    response = client.get("/id/person/alexander-lukashenko", headers={"Accept": accept})
    assert response.status_code == 200 and response.mimetype == mimetype
    assert response.headers["Vary"] == "Accept"
    graph = rdflib.Graph().parse(data=response.get_data(), format=fmt)
    subject = rdflib.URIRef(LUKASHENKO)
    assert (subject, rdflib.RDFS.label, rdflib.Literal("Alexander Lukashenko")) in graph
    assert {s for s in graph.subjects()} == {subject}


def test_format_parameter_and_position_description_include_evidence(client: FlaskClient) -> None:
    response = client.get("/id/position/001-0?format=ttl")
    assert response.mimetype == "text/turtle"
    graph = rdflib.Graph().parse(data=response.get_data(), format="turtle")
    exact = rdflib.URIRef("http://www.w3.org/ns/oa#exact")
    assert any(True for _ in graph.triples((None, exact, None))), "the evidence selector travels with it"
    jsonld = client.get("/id/position/001-0", headers={"Accept": "application/json"})
    assert jsonld.mimetype == "application/json" and json.loads(jsonld.get_data())


def test_unacceptable_and_unknown(client: FlaskClient) -> None:
    assert client.get("/id/person/alexander-lukashenko", headers={"Accept": "image/png"}).status_code == 406
    assert client.get("/id/person/alexander-lukashenko?format=pdf").status_code == 406
    missing = client.get("/id/person/nobody-at-all")
    assert missing.status_code == 404 and "Nothing is known" in missing.get_data(as_text=True)
    assert client.get("/id/person/nobody-at-all", headers={"Accept": "text/turtle"}).status_code == 404
    assert client.get("/id/person/bad%20iri%3E").status_code == 404


def test_position_statement_meeting_pages_link_to_the_evidence(client: FlaskClient) -> None:
    position = client.get("/id/position/001-0").get_data(as_text=True)
    assert "stance-support" in position and 'href="/id/article/001#position-0"' in position
    assert 'href="/topic/csto-integration"' in position and 'href="/id/statement/001-0"' in position
    statement = client.get("/id/statement/001-0").get_data(as_text=True)
    assert "We are in favor of strengthening the CSTO," in statement
    assert 'href="/id/article/001#statement-0"' in statement and 'href="/id/position/001-0"' in statement
    meeting = client.get("/id/meeting/001-0").get_data(as_text=True)
    assert 'href="/id/person/nikolai-patrushev"' in meeting and 'href="/id/place/minsk"' in meeting
    assert 'href="/id/article/001#meeting-0"' in meeting


def test_entity_page_shows_positions_meetings_and_sentences(client: FlaskClient) -> None:
    page = client.get("/id/person/alexander-lukashenko").get_data(as_text=True)
    assert 'id="held"' in page, "positions-over-time chart"
    assert page.count('class="mark"') == 2 * 2
    assert 'href="/id/meeting/001-0"' in page, "meetings"
    assert "<mark>Alexander Lukashenko</mark>" in page, "sentences that mention it"
    assert re.search(r'href="/id/article/00[12]#char=\d+,\d+"', page)
    belarus = client.get("/id/state/belarus").get_data(as_text=True)
    assert belarus.count('class="mark"') == 2 * 4, "positions stated on its behalf"
    csto = client.get("/id/org/collective-security-treaty-organization").get_data(as_text=True)
    assert 'id="about"' in csto, "positions targeting it"


def test_article_is_the_evidence_view(client: FlaskClient) -> None:
    page = client.get("/id/article/001").get_data(as_text=True)
    for anchor in ("position-0", "position-1", "position-2", "statement-0", "meeting-0"):
        assert f'id="{anchor}"' in page
    span = re.search(r'<span class="hl [^"]*" data-anchors="([^"]*position-1[^"]*)"[^>]*>([^<]*)', page)
    assert span and "Belarus suggests reforming the" in span.group(2)
    assert re.search(r'id="char=\d+,\d+"', page), "entity mentions are anchors too"
    assert 'href="/id/person/alexander-lukashenko"' in page
    assert 'src="/static/kg.js"' in page


def test_topic_page(client: FlaskClient) -> None:
    page = client.get("/topic/csto-integration").get_data(as_text=True)
    assert "<h1>CSTO integration</h1>" in page
    assert 'href="/topic/csto-reform"' in page, "narrower topics"
    assert page.count('class="mark"') >= 2 * 2
    turtle = client.get("/topic/csto-integration", headers={"Accept": "text/turtle"})
    assert turtle.mimetype == "text/turtle" and b"skos:prefLabel" in turtle.get_data()


def test_other_resources_get_a_generic_page(client: FlaskClient) -> None:
    page = client.get("/id/position/001-0/evidence").get_data(as_text=True)
    assert "Referred to by" in page and 'href="/id/position/001-0"' in page
