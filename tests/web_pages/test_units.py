"""Pure helpers: span segmentation, the SVG timeline, link mapping."""

from __future__ import annotations

from kg.web import charts
from kg.web.pages_article import Span, segments
from kg.web.pages_links import evidence_anchor, href, local_path


def test_segments_cover_the_text_exactly_once() -> None:
    text = "abcdefghij"
    spans = [Span(2, 6, "position", "position-0"), Span(4, 8, "statement", "statement-0"),
             Span(4, 5, "mention", "char=4,5", href="/id/x"), Span(9, 30, "mention", "char=9,30")]
    segs = segments(text, spans)
    assert "".join(s.text for s in segs) == text
    assert [s.text for s in segs] == ["ab", "cd", "e", "f", "gh", "ij"]
    assert [s.anchors for s in segs][2] == "position-0 statement-0 char=4,5"
    assert segs[2].link is not None and segs[2].link.href == "/id/x"
    assert [sp.anchor for s in segs for sp in s.starts] == ["position-0", "statement-0", "char=4,5"]


def test_timeline_rows_columns_and_markers() -> None:
    points = [charts.Point("2013-06-05", "Belarus", "support", "a", "/a"),
              charts.Point("2013-06-05", "Belarus", "oppose", "b", "/b"),
              charts.Point("2012-05-15", "Russia", "mixed", "c", None),
              charts.Point("2012-05", "Russia", "neutral", "d", None)]
    svg = str(charts.timeline(points))
    assert svg.startswith('<div class="chart-wide"><svg') and svg.count('class="mark"') == 2 * 4
    assert ">5 Jun<" in svg and ">15 May<" in svg and ">May<" in svg
    paths = {charts.marker_path(s, 0, 0) for s in charts.STANCES}
    assert len(paths) == 4, "every stance has its own marker shape"
    assert str(charts.timeline([])) == ""


def test_timeline_bins_many_dates_by_month_then_year() -> None:
    days = [charts.Point(f"2013-{m:02d}-{d:02d}", "X", "support") for m in range(1, 4) for d in range(1, 11)]
    assert ">Feb<" in str(charts.timeline(days)) and ">10 Feb<" not in str(charts.timeline(days))
    years = [charts.Point(f"{y}-01-01", "X", "support") for y in range(1990, 2020)]
    assert ">1990<" in str(charts.timeline(years))


def test_many_rows_are_capped_with_a_note() -> None:
    points = [charts.Point("2013-01-01", f"actor {i}", "support") for i in range(charts.MAX_ROWS + 5)]
    svg = str(charts.timeline(points))
    assert svg.count('class="row-label"') == 2 * charts.MAX_ROWS and "5 more holder rows" in svg


def test_links() -> None:
    assert local_path("https://w3id.org/kg-news/id/place/minsk") == "/id/place/minsk"
    assert local_path("https://w3id.org/kg-news/id/x y") == "/id/x%20y"
    assert href("https://w3id.org/kg-news/scheme/meeting-kind") is None
    assert href("https://president.gov.by/en/x") == "https://president.gov.by/en/x"
    assert evidence_anchor("https://w3id.org/kg-news/id/meeting/summit-2013", "001") == "meeting-summit-2013"
