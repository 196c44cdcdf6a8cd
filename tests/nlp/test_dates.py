"""Date expressions against the publication date (never the current year)."""

from __future__ import annotations

from datetime import date

import pytest

from kg.nlp.dates import find_dates, resolve


@pytest.mark.parametrize(
    ("expr", "anchor", "expected"),
    [
        ("on 5 June", date(2013, 6, 5), ("2013-06-05", "day")),
        ("on 23 September", date(2013, 9, 24), ("2013-09-23", "day")),
        ("on 30 December", date(2014, 1, 2), ("2013-12-30", "day")),
        ("on 2 January", date(2013, 12, 30), ("2014-01-02", "day")),
        ("01.03.2012", date(2012, 3, 1), ("2012-03-01", "day")),
        ("15 May 2012", date(2020, 1, 1), ("2012-05-15", "day")),
        ("May 15, 2012", None, ("2012-05-15", "day")),
        ("June 5th", date(2019, 6, 7), ("2019-06-05", "day")),
        ("in May 2018", date(2018, 4, 6), ("2018-05", "month")),
        ("in 2018", date(2018, 4, 6), ("2018", "year")),
        ("on Monday", date(2024, 3, 7), ("2024-03-04", "day")),
        ("yesterday", date(2024, 3, 1), ("2024-02-29", "day")),
        ("2012-05-15", None, ("2012-05-15", "day")),
    ],
)
def test_resolve(expr, anchor, expected):
    assert resolve(expr, anchor) == expected


def test_no_year_and_no_anchor_stays_unresolved():
    assert resolve("on 5 June", None) is None
    assert resolve("on Monday", None) is None


def test_never_the_current_year():
    value, _ = resolve("on 5 June", date(2003, 6, 1))
    assert value == "2003-06-05"


def test_future_weekday():
    assert resolve("on Monday", date(2024, 3, 7), future=True) == ("2024-03-11", "day")


def test_modal_may_is_not_a_date():
    assert find_dates("It may be that we may meet soon.", date(2020, 1, 1)) == []


def test_offsets_point_into_text():
    text = "The summit in Sochi on 23 September ended."
    (d,) = find_dates(text, date(2013, 9, 23))
    assert text[d.start : d.end] == "23 September"


def test_dateline(run):
    # synthetic
    doc = run("Headline\n\nMINSK, 1 March (BelTA) - The talks began.", date(2012, 3, 1))
    place, ann, *_ = doc._.kg_dateline
    assert place == "place/minsk"
    assert (ann.value, ann.precision) == ("2012-03-01", "day")


@pytest.mark.parametrize(
    ("line", "place", "date_text", "agency"),
    [
        ("YEREVAN, November 23. /TASS/. Armenian Prime Minister", "YEREVAN", "November 23", "TASS"),
        ("TASHKENT, December 11. /TASS/. Uzbekistan will", "TASHKENT", "December 11", "TASS"),
        ("YEREVAN, SEPTEMBER 3, ARMENPRESS. President of", "YEREVAN", "SEPTEMBER 3", None),
        ("ASTANA. 01.03.2012. KAZINFORM - President", "ASTANA", "01.03.2012", None),
        ("MINSK -- Belarusian leader", "MINSK", None, None),
    ],
)
def test_dateline_styles(line, place, date_text, agency):
    from kg.nlp.dates import dateline

    m = dateline("Headline\n\n" + line)
    assert m is not None and m.group("place") == place
    assert (m.group("date") or "").startswith(date_text or "")
    assert m.group("agency2") == agency or agency is None


def test_dateline_date_in_capitals(run):
    # synthetic
    doc = run("Headline\n\nYEREVAN, SEPTEMBER 3, ARMENPRESS. Serzh Sargsyan spoke.", date(2013, 9, 3))
    _place, ann, *_ = doc._.kg_dateline
    assert (ann.value, ann.precision) == ("2013-09-03", "day")


def test_bare_and_next_weekdays():
    assert resolve("agreed Tuesday to turn the treaty", date(2002, 5, 14)) == ("2002-05-14", "day")
    assert resolve("next Monday", date(2024, 3, 7)) == ("2024-03-11", "day")
    assert find_dates("on Monday, 5 June", date(2013, 6, 5))[0].value == "2013-06-05"  # the weekday names the date
