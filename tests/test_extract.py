"""kg.extract: the spaCy-free facade, the JSON contract and extraction on the seed corpus."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from operator import attrgetter

import pytest

from kg.config import PROJECT_ROOT
from kg.corpus import load_corpus, sha256_text
from kg.extract import extract, extract_all, to_json
from kg.records import DATE_PRECISIONS, ENTITY_TYPES, STANCES, Article, ArticleRecords
from kg.topics import default as default_topics


@pytest.fixture(scope="module")
def seeds() -> list[Article]:
    return load_corpus(PROJECT_ROOT / "corpus").articles


@pytest.fixture(scope="module")
def seed_records(seeds) -> list[ArticleRecords]:
    return list(extract_all(seeds))


def test_importing_extract_does_not_import_spacy():
    code = "import sys, kg.extract; print('spacy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_extract_all_streams_in_order(seeds, seed_records):
    assert [r.article.id for r in seed_records] == [a.id for a in seeds]
    stream = extract_all(iter(seeds))
    first = next(stream)
    assert first.article.id == seeds[0].id


def test_extract_all_in_two_processes_matches_one(seeds, seed_records):
    multi = list(extract_all(seeds[:3], n_process=2, batch_size=1))
    assert [to_json(r) for r in multi] == [to_json(r) for r in seed_records[:3]]


def test_extract_each_runs_then_in_the_workers_in_input_order(seeds):
    from kg.extract import extract_each

    # attrgetter pickles; the worker returns just the id, not the records
    ids = list(extract_each(seeds[:3], attrgetter("article.id"), n_process=2, batch_size=1))
    assert ids == [a.id for a in seeds[:3]]


@pytest.mark.parametrize("n_process", [1, 2])
def test_extract_each_reports_the_one_article_that_breaks_extraction(seeds, monkeypatch, n_process):
    from kg.extract import ExtractionFailed, extract_each

    bad = seeds[1].id

    def flaky(articles, *, model=None, n_process=1, batch_size=16):
        for article in articles:
            if article.id == bad:
                raise RuntimeError(f"choked on {article.id}")
            yield ArticleRecords(article=article)

    monkeypatch.setattr("kg.extract.extract_all", flaky)  # forked workers inherit it
    out = list(extract_each(seeds[:4], attrgetter("article.id"), n_process=n_process, batch_size=4))
    assert out == [seeds[0].id, ExtractionFailed(f"extraction failed: RuntimeError: choked on {bad}"),
                   seeds[2].id, seeds[3].id]


def _is_span(value) -> bool:
    ints = isinstance(value, list) and len(value) == 2 and all(isinstance(v, int) for v in value)
    return ints and value[0] <= value[1]


def _is_date(value, precision) -> bool:
    if value is None:
        return precision is None or precision in DATE_PRECISIONS
    width = {"day": 10, "month": 7, "year": 4}[precision]
    return isinstance(value, str) and len(value) == width


def test_json_has_exactly_the_schema_keys_and_types(seeds, seed_records):
    topic_labels = {t.label for t in default_topics().values()}
    for art, rec in zip(seeds, seed_records, strict=True):
        obj = to_json(rec)
        assert set(obj) == {"article", "entities", "meetings", "quotes", "positions"}
        assert obj["article"] == {"id": art.id, "file": art.file, "published": art.published.isoformat(),
                                  "title": art.title, "url": art.url}
        labels = {e["label"] for e in obj["entities"]}
        for e in obj["entities"]:
            assert {"iri", "label", "type", "wikidata", "aliases", "mentions"} <= set(e)
            assert e["type"] in ENTITY_TYPES
            assert e["wikidata"] is None or (e["wikidata"].startswith("Q") and e["wikidata"][1:].isdigit())
            assert all(isinstance(a, str) for a in e["aliases"])
            assert all(_is_span(m) for m in e["mentions"])
        for m in obj["meetings"]:
            assert {"iri", "label", "date", "date_precision", "place", "body", "participants"} <= set(m)
            assert _is_date(m["date"], m["date_precision"])
            assert all(v is None or v in labels for v in (m["place"], m["body"]))
            assert all(p in labels for p in m["participants"])
        for q in obj["quotes"]:
            assert {"text", "start", "end", "speaker", "direct"} <= set(q)
            assert art.text[q["start"] : q["end"]] == q["text"]
            assert q["speaker"] is None or q["speaker"] in labels
            assert isinstance(q["direct"], bool)
        for p in obj["positions"]:
            assert {"holder", "on_behalf_of", "target", "topic", "stance", "date", "evidence", "cue",
                    "confidence"} <= set(p)
            assert p["stance"] in STANCES
            assert p["topic"] in topic_labels
            assert all(v is None or v in labels for v in (p["holder"], p["on_behalf_of"], p["target"]))
            ev = p["evidence"]
            assert set(ev) == {"start", "end", "text"} and art.text[ev["start"] : ev["end"]] == ev["text"]
            assert 0.0 <= p["confidence"] <= 1.0 and isinstance(p["cue"], str)
            assert p["date"] is None or len(p["date"]) in (4, 7, 10)


def test_entity_mentions_slice_the_original_text(seeds, seed_records):
    for art, rec in zip(seeds, seed_records, strict=True):
        for ent in rec.entities:
            for s, e in ent.mentions:
                assert art.text[s:e].strip() == art.text[s:e] and art.text[s:e]


def test_seed_quotes_all_found_with_speakers(seed_records):
    # 53 quotations in the five seeds (54 quote pairs minus one scare quote)
    assert sum(len(r.quotes) for r in seed_records) == 53
    assert all(q.speaker for r in seed_records for q in r.quotes)
    patrushev = [q for r in seed_records for q in r.quotes if q.speaker == "person/nikolai-patrushev"]
    sargsyan = [q for r in seed_records for q in r.quotes if q.speaker == "person/serzh-sargsyan"]
    assert len(patrushev) == 1 and len(sargsyan) == 2


def test_seed_states_are_states_and_blocs_found(seed_records):
    for rec in seed_records:
        by_key = {e.key: e for e in rec.entities}
        for key in ("state/belarus", "state/russia", "state/tajikistan", "state/kazakhstan"):
            if key in by_key:
                assert by_key[key].type == "State"
        assert "person/alexander-lukashenko" in by_key
        assert len({e.key for e in rec.entities}) == len(rec.entities)


def test_seed_meetings_have_date_place_body(seed_records):
    for rec in seed_records:
        assert rec.meetings, rec.article.id
        main = rec.meetings[0]
        assert main.date == rec.article.published.isoformat()
        assert main.place is not None


def test_extract_single_article_synthetic():
    # synthetic
    text = ("Putin and Tokayev meet in Moscow\n\n"
            "Vladimir Putin met with Kazakh President Kassym-Jomart Tokayev in Moscow on 5 June. "
            "“We support the Eurasian Economic Union,” the Kazakh leader said.")
    art = Article(id="syn1", file="syn1.txt", url="https://example.org/x", published=date(2023, 6, 6),
                  title="t", text=text, sha256=sha256_text(text))
    rec = extract(art)
    obj = to_json(rec)
    assert obj["quotes"][0]["speaker"] == "Kassym-Jomart Tokayev"
    (meeting,) = obj["meetings"]
    assert (meeting["date"], meeting["place"]) == ("2023-06-05", "Moscow")
    assert {"Vladimir Putin", "Kassym-Jomart Tokayev"} <= set(meeting["participants"])
    pos = obj["positions"][0]
    assert (pos["holder"], pos["on_behalf_of"], pos["target"], pos["stance"]) == (
        "Kassym-Jomart Tokayev", "Kazakhstan", "Eurasian Economic Union", "support")
    assert pos["topic"] == "EAEU / economic integration"
