"""Accept / Accept-Encoding parsing and the format tables."""

from __future__ import annotations

import pytest

from kg.web import formats
from kg.web.negotiation import accepts_encoding, best_match, parse_accept, quality


def test_no_header_accepts_anything() -> None:
    assert best_match(["a/b", "c/d"], None) == "a/b"
    assert best_match(["a/b"], "") == "a/b"


def test_q_values_decide() -> None:
    offers = ["application/sparql-results+json", "text/csv"]
    assert best_match(offers, "application/sparql-results+json;q=0.2, text/csv") == "text/csv"
    assert best_match(offers, "text/csv;q=0.3, */*;q=0.5") == "application/sparql-results+json"


def test_most_specific_range_wins() -> None:
    ranges = parse_accept("text/*;q=0.3, text/csv;q=0.9, */*;q=0.1")
    assert quality(ranges, "text/csv") == 0.9
    assert quality(ranges, "text/turtle") == 0.3
    assert quality(ranges, "application/json") == 0.1


def test_q_zero_refuses() -> None:
    assert best_match(["text/csv"], "text/csv;q=0") is None
    assert best_match(["text/csv", "a/b"], "*/*, text/csv;q=0") == "a/b"


def test_malformed_elements_are_skipped() -> None:
    assert best_match(["text/csv"], "garbage, text/csv;q=abc, text/csv;q=0.5") == "text/csv"
    assert parse_accept("*/json") == []


def test_media_type_parameters_are_ignored() -> None:
    assert best_match(["text/turtle"], "text/turtle;charset=utf-8;q=0.8") == "text/turtle"


@pytest.mark.parametrize(("header", "expected"), [
    (None, False), ("", False), ("gzip", True), ("deflate, gzip;q=0.5", True), ("gzip;q=0", False),
    ("*", True), ("*;q=0", False), ("identity", False), ("br, *;q=0.1", True),
])
def test_accept_encoding(header: str | None, expected: bool) -> None:
    assert accepts_encoding(header, "gzip") is expected


@pytest.mark.parametrize(("value", "kind", "name"), [
    ("json", formats.RESULTS, "json"), ("JSON", formats.RESULTS, "json"), ("csv", formats.RESULTS, "csv"),
    ("text/tab-separated-values", formats.RESULTS, "tsv"), ("application/xml", formats.RESULTS, "xml"),
    ("json", formats.GRAPH, "jsonld"), ("xml", formats.GRAPH, "rdfxml"), ("nt", formats.GRAPH, "ntriples"),
    ("text/turtle; charset=utf-8", formats.GRAPH, "turtle"), ("ttl", formats.GRAPH, "turtle"),
])
def test_format_parameter(value: str, kind: tuple[formats.Format, ...], name: str) -> None:
    fmt = formats.from_param(value, kind)
    assert fmt is not None and fmt.name == name


def test_unknown_format_parameter() -> None:
    assert formats.from_param("turtle", formats.RESULTS) is None
    assert formats.from_param("yaml", formats.GRAPH) is None


def test_aliases_answer_with_the_media_type_asked_for() -> None:
    fmt, media = formats.negotiate(formats.RESULTS, "application/json")
    assert (fmt.name, media) == ("json", "application/json")
    fmt, media = formats.negotiate(formats.GRAPH, "*/*")
    assert (fmt.name, media) == ("turtle", "text/turtle")
    assert fmt.content_type(media) == "text/turtle; charset=utf-8"
