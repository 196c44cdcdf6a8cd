"""The gold standard (tests/gold) and the scorer (kg.evaluate)."""

from __future__ import annotations

import csv
import json
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from kg import evaluate as ev
from kg.corpus import load_corpus, sha256_text
from kg.records import Article, ArticleRecords, Entity, Evidence, Meeting, Position, Quote

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "tests" / "gold"
SYNTHETIC = GOLD / "synthetic"
L = "Alexander Lukashenko"

TEXT = (
    "Lukashenko met Vladimir Putin in Minsk on 5 June.\n"
    "“We support the CSTO,” Aleksandr Lukashenko said. “But we are against vain chatter!” he added.\n"
    "Nobody wants “getting frozen” here.\n"
)


def _span(needle: str) -> dict[str, Any]:
    start = TEXT.index(needle)
    return {"start": start, "end": start + len(needle), "text": needle}


def _mentions(*names: str) -> list[list[Any]]:
    out = []
    for name in names:
        start = TEXT.index(name)
        out.append([start, start + len(name), name])
    return out


def mini_gold_data() -> dict[str, Any]:
    """A small gold document for ``TEXT``, written the way the real gold files are."""
    return {
        "format": ev.GOLD_FORMAT,
        "article": {"id": "t1", "file": "t1.txt", "published": "2013-06-05", "sha256": sha256_text(TEXT)},
        "synthetic": True,
        "entities": [
            {"label": L, "type": "Person", "kb": "person/alexander-lukashenko",
             "aliases": ["Lukashenko", "Aleksandr Lukashenko"], "descriptors": ["the Belarusian leader"],
             "mentions": _mentions("Lukashenko", "Aleksandr Lukashenko")},
            {"label": "Vladimir Putin", "type": "Person", "kb": "person/vladimir-putin", "aliases": ["Vladimir Putin"],
             "mentions": _mentions("Vladimir Putin")},
            {"label": "Minsk", "type": "Place", "kb": "place/minsk", "aliases": ["Minsk"],
             "mentions": _mentions("Minsk")},
            {"label": "Collective Security Treaty Organization", "type": "Organisation",
             "kb": "org/collective-security-treaty-organization", "aliases": ["CSTO"], "mentions": _mentions("CSTO")},
        ],
        "meetings": [
            {"id": "m1", "label": "Lukashenko meets Putin", "kind": "meeting", "date": "2013-06-05",
             "date_precision": "day", "place": "Minsk", "body": None, "participants": [L, "Vladimir Putin"],
             "evidence": [_span("Lukashenko met Vladimir Putin in Minsk on 5 June")]},
        ],
        "quotes": [
            {**_span("We support the CSTO,"), "speaker": L, "direct": True, "attribution": "name"},
            {**_span("But we are against vain chatter!"), "speaker": L, "direct": True, "attribution": "pronoun"},
        ],
        "scare_quotes": [_span("getting frozen")],
        "positions": [
            {"holder": L, "on_behalf_of": "Belarus", "target": "Collective Security Treaty Organization",
             "topic": "csto-integration", "stance": "support", "evidence": _span("We support the CSTO"),
             "cue": "We support", "date": "2013-06-05"},
            {"holder": L, "on_behalf_of": "Belarus", "target": None, "topic": "dialogue-with-the-west",
             "stance": "oppose", "evidence": _span("But we are against vain chatter!"), "cue": "against",
             "date": "2013-06-05", "voice": "state"},
        ],
    }


def mini_article(text: str = TEXT) -> Article:
    return Article(id="t1", file="t1.txt", url="https://example.org/t1", published=date(2013, 6, 5), title="t",
                   text=text, sha256=sha256_text(text))


def mini_gold() -> ev.GoldArticle:
    return ev.parse_gold(mini_gold_data(), mini_article(), "mini.json")


def perfect(gold: ev.GoldArticle, article: Article) -> ArticleRecords:
    """Records that say exactly what the gold says (KB keys where known, labels otherwise)."""
    key = {e.label: e.kb or f"local/{e.label}" for e in gold.entities}
    entities = tuple(Entity(key=key[e.label], label=e.label, type=e.type, mentions=e.mentions, known=bool(e.kb))
                     for e in gold.entities)
    meetings = tuple(
        Meeting(key=m.id, label=m.label, kind=m.kind, date=m.date, date_precision=m.date_precision,
                place=key.get(m.place or "", m.place), body=key.get(m.body or "", m.body),
                participants=tuple(key.get(p, p) for p in m.participants),
                span=(m.evidence[0].start, m.evidence[0].end) if m.evidence else None)
        for m in gold.meetings)
    quotes = tuple(Quote(text=q.text, start=q.start, end=q.end, speaker=key.get(q.speaker or "", q.speaker))
                   for q in gold.quotes)
    positions = tuple(
        Position(holder=key.get(p.holder or "", p.holder), on_behalf_of=p.on_behalf_of,
                 target=p.target, topic=p.topic, stance=p.stance, date=p.date,
                 evidence=Evidence(p.evidence.start, p.evidence.end, p.evidence.text), cue=p.cue, confidence=1.0)
        for p in gold.positions)
    return ArticleRecords(article=article, entities=entities, meetings=meetings, quotes=quotes, positions=positions)


def seed_gold() -> tuple[list[ev.GoldArticle], dict[str, Article]]:
    articles = {a.id: a for a in load_corpus(ROOT / "corpus").articles}
    return ev.load_gold(GOLD, articles.values()), articles


def synthetic_gold() -> tuple[list[ev.GoldArticle], dict[str, Article]]:
    articles = {a.id: a for a in ev.load_synthetic(SYNTHETIC)}
    return ev.load_gold(SYNTHETIC, articles.values()), articles


# --------------------------------------------------------------------------- the gold files


@pytest.mark.parametrize("loader", [seed_gold, synthetic_gold], ids=["seeds", "synthetic"])
def test_every_gold_file_loads_and_references_are_valid(loader) -> None:
    gold, articles = loader()
    assert {g.id for g in gold} == set(articles)
    assert ev.check_references(gold) == []
    for g in gold:
        text = articles[g.id].text
        for ent in g.entities:
            for start, end in ent.mentions:
                assert ev.normalise(text[start:end]) in {ev.normalise(n) for n in (ent.label, *ent.aliases)}
        for q in g.quotes:
            assert text[q.start - 1] in "“\"" and text[q.end] in "”\"", q.text
        for s in g.scare_quotes:
            assert len(s.text.split()) <= 4


def test_gold_covers_the_five_seeds() -> None:
    gold, _ = seed_gold()
    assert len(gold) == 5
    assert sum(len(g.quotes) for g in gold) == 53
    assert all(g.meetings and g.positions and not g.synthetic for g in gold)


def test_synthetic_passages_are_marked_and_sized() -> None:
    gold, articles = synthetic_gold()
    assert 10 <= len(gold) <= 14
    with (SYNTHETIC / ev.SYNTHETIC_MANIFEST).open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    assert {r["synthetic"] for r in rows} == {"yes"}
    for g in gold:
        art = articles[g.id]
        assert g.synthetic
        assert art.text.split("\n", 1)[0] == art.title
        assert 80 <= len(art.text.split("\n", 1)[1].split()) <= 250
        assert 2002 <= art.published.year <= 2024
    assert not set(articles) & {a.id for a in load_corpus(ROOT / "corpus").articles}  # never in corpus/


# --------------------------------------------------------------------------- loading errors


def test_bad_gold_offset_raises_a_precise_error(tmp_path: Path) -> None:
    data = mini_gold_data()
    data["quotes"][1]["start"] += 1
    path = tmp_path / "t1.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ev.GoldError) as err:
        ev.load_gold(tmp_path, [mini_article()])
    message = str(err.value)
    assert str(path) in message and "quotes[1]" in message
    assert "'But we are against vain chatter!'" in message and "article[" in message


def test_changed_article_text_is_reported() -> None:
    with pytest.raises(ev.GoldError, match="changed since annotation"):
        ev.parse_gold(mini_gold_data(), mini_article(TEXT + "x"), "mini.json")


def test_gold_for_unknown_article_is_reported(tmp_path: Path) -> None:
    (tmp_path / "t1.json").write_text(json.dumps(mini_gold_data()), encoding="utf-8")
    with pytest.raises(ev.GoldError, match="not in the corpus"):
        ev.load_gold(tmp_path, [])


def test_unknown_reference_and_stance_are_reported() -> None:
    data = mini_gold_data()
    data["quotes"][0]["speaker"] = "Nobody"
    with pytest.raises(ev.GoldError, match=r"quotes\[0\]: 'Nobody' is not an entity label"):
        ev.parse_gold(data, mini_article(), "mini.json")
    data = mini_gold_data()
    data["positions"][0]["stance"] = "in favour"
    with pytest.raises(ev.GoldError, match=r"positions\[0\]: unknown stance"):
        ev.parse_gold(data, mini_article(), "mini.json")


# --------------------------------------------------------------------------- scoring


def test_perfect_match_scores_one_on_the_mini_gold() -> None:
    gold = mini_gold()
    report = ev.score([gold], [perfect(gold, mini_article())])
    for prf in (report.entities, report.meetings, report.quotes, report.positions):
        assert (prf.precision, prf.recall, prf.f1) == (1.0, 1.0, 1.0)
    for ratio in (report.quote_speaker, report.position_stance, report.meeting_date, report.meeting_place,
                  report.meeting_body, report.mentions, report.csto_cis_mentions):
        assert ratio.value == 1.0
    assert report.failures() == []
    assert not report.misses and not report.false_hits and not report.wrong


@pytest.mark.parametrize("loader", [seed_gold, synthetic_gold], ids=["seeds", "synthetic"])
def test_perfect_records_score_one_on_the_real_gold(loader) -> None:
    gold, articles = loader()
    report = ev.score(gold, [perfect(g, articles[g.id]) for g in gold])
    assert report.failures() == []
    assert report.entities.f1 == report.quotes.f1 == report.positions.f1 == report.meetings.f1 == 1.0
    assert report.state_type.value == 1.0 and report.csto_cis_mentions.value == 1.0


def test_duplicate_entity_lowers_precision() -> None:
    gold = mini_gold()
    rec = perfect(gold, mini_article())
    alias = Entity(key="local/aleksandr-lukashenko", label="Aleksandr Lukashenko", type="Person")
    report = ev.score([gold], [replace(rec, entities=(*rec.entities, alias))])
    assert report.entities.recall == 1.0
    assert report.entities.precision == pytest.approx(4 / 5)
    assert [f.detail for f in report.false_hits] == ["duplicate of 'Alexander Lukashenko' (unresolved alias)"]
    assert any("entities F1" in f for f in report.failures())


def test_unresolved_descriptor_counts_as_duplicate_and_wrong_type_is_reported() -> None:
    gold = mini_gold()
    rec = perfect(gold, mini_article())
    entities = [replace(e, type="State") if e.label == "Minsk" else e for e in rec.entities]
    entities.append(Entity(key="local/leader", label="The Belarusian leader", type="Person"))
    report = ev.score([gold], [replace(rec, entities=tuple(entities))])
    assert "duplicate" in report.false_hits[0].detail
    assert report.entity_type.value == pytest.approx(3 / 4)
    assert [w.category for w in report.wrong] == ["entity.type"]


def test_wrong_speaker_lowers_speaker_accuracy() -> None:
    gold = mini_gold()
    rec = perfect(gold, mini_article())
    quotes = (rec.quotes[0], replace(rec.quotes[1], speaker="person/vladimir-putin"))
    report = ev.score([gold], [replace(rec, quotes=quotes)])
    assert report.quotes.recall == 1.0
    assert report.quote_speaker.value == 0.5
    assert report.speaker_by_attribution["pronoun"].value == 0.0
    assert report.wrong[0].detail == "predicted 'Vladimir Putin', gold 'Alexander Lukashenko'"
    assert any(f.startswith("quote speaker right 0.500") for f in report.failures())


def test_unresolved_descriptor_is_not_a_right_speaker() -> None:
    gold = mini_gold()
    rec = perfect(gold, mini_article())
    report = ev.score([gold], [replace(rec, quotes=(replace(rec.quotes[0], speaker="the Belarusian leader"),))])
    assert report.quote_speaker.value == 0.0


def test_quote_needs_half_the_gold_span_and_scare_quotes_are_false_hits() -> None:
    gold = mini_gold()
    rec = perfect(gold, mini_article())
    q0 = gold.quotes[0]
    short = Quote(text="We", start=q0.start, end=q0.start + 2, speaker=L)
    scare = gold.scare_quotes[0]
    frozen = Quote(text=scare.text, start=scare.start, end=scare.end, speaker=None)
    report = ev.score([gold], [replace(rec, quotes=(short, rec.quotes[1], frozen))])
    assert report.quotes.recall == 0.5 and report.quotes.precision == pytest.approx(1 / 3)
    assert report.scare_quotes_extracted == 1
    assert {f.detail for f in report.false_hits} == {"scare quote", "not a gold quotation"}


def test_reported_speech_is_not_scored_as_a_quote() -> None:
    gold = mini_gold()
    rec = perfect(gold, mini_article())
    indirect = Quote(text="Lukashenko met Vladimir Putin", start=0, end=29, speaker=L, direct=False)
    report = ev.score([gold], [replace(rec, quotes=(*rec.quotes, indirect))])
    assert report.quotes.precision == 1.0


def test_wrong_stance_lowers_stance_accuracy() -> None:
    gold = mini_gold()
    rec = perfect(gold, mini_article())
    positions = (rec.positions[0], replace(rec.positions[1], stance="support"))
    report = ev.score([gold], [replace(rec, positions=positions)])
    assert report.positions.f1 == 1.0
    assert report.position_stance.value == 0.5
    assert any(f.startswith("stance right 0.500") for f in report.failures())


def test_position_match_needs_holder_target_and_overlapping_evidence() -> None:
    gold = mini_gold()
    rec = perfect(gold, mini_article())
    first = rec.positions[0]
    wrong_target = replace(first, target="person/vladimir-putin")
    elsewhere = replace(first, evidence=Evidence(0, 10, TEXT[:10]))
    by_state = replace(rec.positions[1], holder="state/belarus")  # gold voice "state": the state may hold it
    report = ev.score([gold], [replace(rec, positions=(wrong_target, elsewhere, by_state))])
    assert report.positions.matched == 1
    assert report.positions.recall == 0.5 and report.positions.precision == pytest.approx(1 / 3)
    assert [f.category for f in report.misses] == ["position"]


def test_meeting_with_wrong_date_fails_the_bar() -> None:
    gold = mini_gold()
    rec = perfect(gold, mini_article())
    report = ev.score([gold], [replace(rec, meetings=(replace(rec.meetings[0], date="2024-06-05"),))])
    assert report.meetings.f1 == 1.0  # matched on its evidence span
    assert report.meeting_date.value == 0.0 and report.meeting_place.value == 1.0
    assert "meeting date right 0.000 < 1.00" in report.failures()


def test_missing_article_counts_everything_as_missed() -> None:
    gold = mini_gold()
    report = ev.score([gold], [])
    assert report.entities.recall == 0.0 and report.quotes.recall == 0.0
    assert "no extraction" in report.notes[0]
    assert "quote speaker right: nothing matched to measure (bar 0.98)" in report.failures()


def test_thresholds_can_be_overridden_and_are_checked() -> None:
    gold = mini_gold()
    rec = perfect(gold, mini_article())
    report = ev.score([gold], [replace(rec, positions=rec.positions[:1])])
    assert any("positions recall" in f for f in report.failures())
    assert report.failures({"positions_recall": 0.5}) == []
    assert report.failures(ev.Thresholds(positions_recall=None)) == []
    with pytest.raises(ValueError, match="unknown threshold"):
        report.failures({"recall": 0.5})


def test_report_formats_and_serialises() -> None:
    gold = mini_gold()
    rec = perfect(gold, mini_article())
    report = ev.score([gold], [replace(rec, quotes=rec.quotes[:1])])
    text = report.format()
    assert "entities" in text and "FAIL quotes found 0.500 < 0.98" in text and "[quote] t1@" in text
    data = json.loads(json.dumps(report.to_dict()))
    assert data["quotes"]["recall"] == 0.5 and data["articles"][0]["article"] == "t1"
    assert data["misses"][0]["category"] == "quote" and data["failures"]


def test_main_exit_codes(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    gold = mini_gold()
    good = ev.score([gold], [perfect(gold, mini_article())])
    bad = ev.score([gold], [])
    monkeypatch.setattr(ev, "evaluate", lambda *a, **k: good)
    assert ev.main(["--model", "x"]) == 0
    assert "bars: all met" in capsys.readouterr().out
    monkeypatch.setattr(ev, "evaluate", lambda *a, **k: bad)
    assert ev.main(["--json", "--model", "x"]) == 1
    assert json.loads(capsys.readouterr().out)["failures"]

    def broken(*a: Any, **k: Any) -> ev.EvalReport:
        raise ev.GoldError("g.json: quotes[0]: text 'a' != article[0:1] 'b'")

    monkeypatch.setattr(ev, "evaluate", broken)
    assert ev.main(["--model", "x"]) == 2
    assert "quotes[0]" in capsys.readouterr().err


# --------------------------------------------------------------------------- end to end (spaCy, a few seconds)


@pytest.mark.parametrize("gold_dir", [GOLD, SYNTHETIC], ids=["seeds", "synthetic"])
def test_evaluate_runs_the_extractor_end_to_end(gold_dir: Path) -> None:
    report = ev.evaluate(gold_dir)
    gold = (seed_gold if gold_dir == GOLD else synthetic_gold)()[0]
    assert [a.article for a in report.articles] == [g.id for g in gold]
    assert report.quotes.n_gold == sum(len(g.quotes) for g in gold)
    assert report.positions.n_gold == sum(len(g.positions) for g in gold)
    assert report.entities.n_pred > 0 and report.quotes.n_pred > 0
    assert isinstance(report.failures(), list)
