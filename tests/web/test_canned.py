"""/queries: listing, running (HTML, JSON, CSV) and the .rq source of canned queries."""

from __future__ import annotations

import csv
import io
import json
from html.parser import HTMLParser
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from kg import iris

HEADLINE = "csto-positions-over-time"
SHIPPED = {"csto-positions-over-time", "actor-positions-over-time", "meetings-timeline", "who-met-whom",
           "statements-by-speaker", "organisations-and-members", "topics-overview"}


class _Cells(HTMLParser):
    """Collects the text of <td> cells, row by row."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self._in_cell = False

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag == "tr":
            self.rows.append([])
        elif tag == "td":
            self._in_cell = True
            self.rows[-1].append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "td":
            self._in_cell = False

    def handle_data(self, data: str) -> None:
        if self._in_cell:
            self.rows[-1][-1] += data


def table_rows(html: str) -> list[list[str]]:
    parser = _Cells()
    parser.feed(html)
    return [row for row in parser.rows if row]


def csv_rows(response) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def test_list_as_json(client: FlaskClient) -> None:
    response = client.get("/queries", headers={"Accept": "application/json"})
    assert response.mimetype == "application/json"
    listing = {q["name"]: q for q in response.get_json()}
    assert set(listing) >= SHIPPED
    actor = listing["actor-positions-over-time"]
    assert actor["title"] and actor["description"]
    param = actor["parameters"][0]
    assert param.items() >= {
        "name": "actor", "type": "iri", "default": "https://w3id.org/kg-news/id/person/alexander-lukashenko",
    }.items()
    assert param["description"]


def test_list_as_html_by_default(client: FlaskClient) -> None:
    response = client.get("/queries")
    assert response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert "Positions on CSTO integration over time" in html
    assert f'href="/queries/{HEADLINE}"' in html
    assert "<script" not in html and "//cdn" not in html
    assert "Content-Security-Policy" in response.headers


def test_headline_query_columns_and_order(client: FlaskClient) -> None:
    response = client.get(f"/queries/{HEADLINE}", headers={"Accept": "application/sparql-results+json"})
    assert response.mimetype == "application/sparql-results+json"
    data = json.loads(response.get_data())
    assert data["head"]["vars"] == ["date", "holder", "stance", "topic", "evidence", "article"]
    rows = [{k: v["value"] for k, v in b.items()} for b in data["results"]["bindings"]]
    assert [(r["date"], r["holder"], r["stance"], r["topic"]) for r in rows] == [
        ("2012-05-15", "Alexander Lukashenko", "oppose", "Peacekeeping and crisis response"),  # target: the CSTO
        ("2013-06-05", "Alexander Lukashenko", "support", "CSTO integration"),
        ("2013-06-05", "Belarus", "support", "CSTO reform"),  # narrower topic, holder only a state
    ]
    assert rows[1]["evidence"] == '"We are in favor of strengthening the CSTO," Alexander Lukashenko said.'
    assert rows[0]["article"] == iris.article_iri("002")
    assert all(b["article"]["type"] == "uri" for b in data["results"]["bindings"])
    assert not any("Union State" in r["topic"] for r in rows)


def test_headline_query_as_csv(client: FlaskClient) -> None:
    response = client.get(f"/queries/{HEADLINE}", headers={"Accept": "text/csv"})
    assert response.mimetype == "text/csv"
    rows = csv_rows(response)
    assert list(rows[0]) == ["date", "holder", "stance", "topic", "evidence", "article"]
    assert [r["date"] for r in rows] == sorted(r["date"] for r in rows)


def test_headline_query_as_html_table(client: FlaskClient) -> None:
    response = client.get(f"/queries/{HEADLINE}")
    assert response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert "<th>date</th><th>holder</th><th>stance</th><th>topic</th><th>evidence</th><th>article</th>" in html
    rows = table_rows(html)
    assert rows[0][:3] == ["2012-05-15", "Alexander Lukashenko", "oppose"]
    assert rows[1][4] == '"We are in favor of strengthening the CSTO," Alexander Lukashenko said.'
    assert "&#34;We are in favor" in html  # escaped
    assert "3 rows" in html
    assert f'href="/queries/{HEADLINE}?format=csv"' in html


@pytest.mark.parametrize(("fmt", "media_type"), [
    ("csv", "text/csv"), ("json", "application/sparql-results+json"), ("tsv", "text/tab-separated-values"),
    ("xml", "application/sparql-results+xml"), ("html", "text/html"),
])
def test_format_parameter(client: FlaskClient, fmt: str, media_type: str) -> None:
    response = client.get(f"/queries/{HEADLINE}?format={fmt}", headers={"Accept": "application/json"})
    assert response.status_code == 200
    assert response.mimetype == media_type


def test_application_json_gets_sparql_json(client: FlaskClient) -> None:
    response = client.get(f"/queries/{HEADLINE}", headers={"Accept": "application/json"})
    assert json.loads(response.get_data())["head"]["vars"][0] == "date"


def test_actor_default_and_state_actor(client: FlaskClient) -> None:
    default = csv_rows(client.get("/queries/actor-positions-over-time?format=csv"))
    assert {r["holder"] for r in default} == {"Alexander Lukashenko"}
    assert len(default) == 2
    belarus = csv_rows(client.get("/queries/actor-positions-over-time?format=csv&actor=kg:state/belarus"))
    assert len(belarus) == 4
    assert {r["onBehalfOf"] for r in belarus} == {"Belarus"}
    full = csv_rows(client.get("/queries/actor-positions-over-time",
                               query_string={"format": "csv", "actor": iris.entity_iri("state/belarus")}))
    assert full == belarus


def test_empty_parameter_takes_the_default(client: FlaskClient) -> None:
    assert len(csv_rows(client.get("/queries/actor-positions-over-time?format=csv&actor="))) == 2


def test_optional_parameter(client: FlaskClient) -> None:
    everyone = csv_rows(client.get("/queries/statements-by-speaker?format=csv"))
    assert len(everyone) == 2
    nobody = csv_rows(client.get("/queries/statements-by-speaker?format=csv&speaker=kg:person/nikolai-patrushev"))
    assert nobody == []


def test_html_form_shows_parameters(client: FlaskClient) -> None:
    html = client.get("/queries/actor-positions-over-time?actor=kg:state/belarus").get_data(as_text=True)
    assert 'name="actor"' in html and 'value="kg:state/belarus"' in html
    assert "actor=kg%3Astate%2Fbelarus&amp;format=csv" in html


@pytest.mark.parametrize(("url", "fragment"), [
    ("/queries/actor-positions-over-time?actor=not%20an%20iri", "'actor'"),
    ("/queries/actor-positions-over-time?actor=%3E%20%7D%20UNION%20%7B%20?s%20?p%20?o", "'actor'"),
    ("/queries/actor-positions-over-time?actr=kg:state/belarus", "unknown parameter 'actr'"),
    ("/queries/actor-positions-over-time?actor=kg:state/belarus&actor=kg:state/russia", "given 2 times"),
])
def test_bad_parameter_is_400(client: FlaskClient, url: str, fragment: str) -> None:
    response = client.get(url)
    assert response.status_code == 400
    assert response.mimetype == "text/plain"
    assert fragment in response.get_data(as_text=True)


@pytest.mark.parametrize("name", ["no-such-query", "Bad_Name", "..."])
def test_unknown_query_is_404(client: FlaskClient, name: str) -> None:
    response = client.get(f"/queries/{name}")
    assert response.status_code == 404
    assert "no canned query" in response.get_data(as_text=True)
    assert name in response.get_data(as_text=True)


def test_no_path_traversal(client: FlaskClient) -> None:
    for path in ("/queries/..%2Fpyproject", "/queries/../pyproject.toml", "/queries/%2e%2e.rq"):
        assert client.get(path).status_code == 404


def test_source(client: FlaskClient) -> None:
    response = client.get(f"/queries/{HEADLINE}.rq")
    assert response.mimetype == "application/sparql-query"
    text = response.get_data(as_text=True)
    assert text.startswith("#+ title:")
    assert "SELECT ?date ?holder ?stance ?topic ?evidence ?article" in text
    assert client.get("/queries/nothing.rq").status_code == 404


def test_not_acceptable(client: FlaskClient) -> None:
    assert client.get(f"/queries/{HEADLINE}", headers={"Accept": "text/turtle"}).status_code == 406
    assert client.get(f"/queries/{HEADLINE}?format=yaml").status_code == 406
    assert client.get("/queries", headers={"Accept": "text/csv"}).status_code == 406


@pytest.mark.parametrize("name", sorted(SHIPPED))
def test_every_shipped_query_runs(client: FlaskClient, name: str) -> None:
    response = client.get(f"/queries/{name}?format=json")
    assert response.status_code == 200, response.get_data(as_text=True)
    assert json.loads(response.get_data())["results"]["bindings"], f"{name} found nothing in the test graph"
    assert client.get(f"/queries/{name}").status_code == 200


def test_html_table_is_capped(client: FlaskClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("kg.web.canned.HTML_ROWS", 1)
    html = client.get(f"/queries/{HEADLINE}").get_data(as_text=True)
    assert len(table_rows(html)) == 1
    assert "more exist" in html


def test_malformed_query_file_is_reported_not_crashed(app_factory, store_dir: Path, tmp_path: Path) -> None:
    (tmp_path / "broken.rq").write_text("#+ title: Broken\nSELECT * {}\n")
    app = app_factory(store_dir)
    app.config["KG_QUERIES"] = str(tmp_path)
    response = app.test_client().get("/queries/broken")
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    assert "broken.rq:1" in body and "description" in body and "Traceback" not in body


def test_results_are_cached_per_generation(tmp_path: Path, app_factory) -> None:
    from tests.web import graphdata

    graphdata.build(tmp_path, graphdata.article_one())
    client = app_factory(tmp_path).test_client()
    url = "/queries/statements-by-speaker?format=csv"
    first = client.get(url)
    body = first.get_data()  # kept only once the whole result has been sent
    again = client.get(url)
    assert (first.headers["X-KG-Cache"], again.headers["X-KG-Cache"]) == ("miss", "hit")
    assert again.get_data() == body
    assert again.headers["Content-Length"] == str(len(first.get_data()))
    assert client.get(url + "&unused=1").status_code == 400  # parameters are checked before the cache
    assert client.get("/queries/statements-by-speaker?format=json").headers["X-KG-Cache"] == "miss"
    graphdata.build(tmp_path, graphdata.article_two())  # a new generation: the cached rows are stale
    after = client.get(url)
    assert after.headers["X-KG-Cache"] == "miss"
    assert len(csv_rows(after)) > len(csv_rows(first))


def test_cache_can_be_switched_off(store_dir: Path, app_factory) -> None:
    client = app_factory(store_dir, canned_cache_bytes=0).test_client()
    for _ in range(2):
        assert client.get("/queries/topics-overview?format=csv").headers["X-KG-Cache"] == "off"
