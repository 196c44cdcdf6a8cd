"""Date expressions resolved against the publication date — never against today.

"on 5 June" takes the year that puts it nearest the publication date (a report of last
December published in January is last year's); "on Monday" (also "agreed Tuesday") is the
latest Monday on or before publication, "next Monday" the first after it; "01.03.2012" is
day.month.year; "May 2018" keeps month precision and "in 2018" year precision. Without a
publication date, an expression without a year stays unresolved.

>>> from datetime import date
>>> resolve("5 June", date(2013, 6, 5))
('2013-06-05', 'day')
>>> resolve("28 December", date(2014, 1, 3))
('2013-12-28', 'day')
>>> resolve("01.03.2012", None)
('2012-03-01', 'day')
>>> resolve("on Monday", date(2024, 3, 7))
('2024-03-04', 'day')
>>> resolve("May 2018", date(2018, 4, 6))
('2018-05', 'month')
>>> resolve("June 5", None) is None
True
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from spacy.language import Language
from spacy.tokens import Doc

from kg.iris import mint_key
from kg.nlp.extensions import DateAnn, doc_text, published
from kg.nlp.resources import Lexicon, lexicon

MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7, "august": 8,
    "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10,
    "nov": 11, "dec": 12,
}
WEEKDAYS = {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6}
_MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December|" \
         r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?"
_ORD = r"(?:st|nd|rd|th)?"
_PATTERNS = [
    ("iso", r"\b(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})\b"),
    ("num", r"\b(?P<d>\d{1,2})[./](?P<m>\d{1,2})[./](?P<y>\d{4})\b"),
    ("dmy", rf"\b(?P<d>\d{{1,2}}){_ORD}\s+(?:of\s+)?(?P<mon>{_MONTH})(?:,?\s+(?P<y>\d{{4}})\b)?"),
    ("mdy", rf"\b(?P<mon>{_MONTH})\s+(?P<d>\d{{1,2}}){_ORD}\b(?:,?\s+(?P<y>\d{{4}})\b)?"),
    ("my", rf"\b(?P<mon>{_MONTH})\s+(?:of\s+)?(?P<y>(?:19|20)\d{{2}})\b"),
    ("wd", r"\b(?:(?P<dir>on|last|this|next)\s+)?(?P<wd>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"
           r"(?!,?\s+(?:\d|January|February|March|April|May|June|July|August|September|October|November|December))"),
    ("rel", r"\b(?P<rel>today|yesterday|tomorrow)\b"),
    ("y", r"\b(?:in|since|until|by|of)\s+(?P<y>(?:19|20)\d{2})\b"),
]
# Every pattern starts at a word boundary with one of these characters: testing that first lets
# the scan skip most positions without trying each pattern there (same matches, a third of the time).
_FIRST = r"\b(?=[\dJFMASONDTWolntyisub])"
DATE_RE = re.compile(_FIRST + "(?:" + "|".join(f"(?P<{name}>{pat.replace('(?P<', f'(?P<{name}_')})"
                                              for name, pat in _PATTERNS) + ")")
# "MINSK, 1 March (BelTA) –", "ASTANA, May 29 (Reuters) -", "TASHKENT (AFP) -", "YEREVAN, November 23. /TASS/.",
# "ASTANA. 01.03.2012. KAZINFORM -", "MINSK --"
DATELINE = re.compile(
    r"^\s*(?P<place>[A-Z][A-Z'-]+(?: [A-Z][A-Z'-]+){0,2})\s*[,.]?\s*(?P<date>[^()/\n-]{3,30}?)?\s*[.,]?\s*"
    r"(?:\((?P<agency>[^)\n]{2,40})\)|/(?P<agency2>[^/\n]{2,20})/\.?|(?P<agency3>[A-Z]{3,15}))?\s*"
    # the story starts after a dash, or right after an agency closed by a full stop ("/TASS/.", "ARMENPRESS.")
    r"(?:[-–—]{1,2}\s|(?<=/\.)\s+(?=[A-Z])|(?<=[A-Z]{3}\.)\s+(?=[A-Z][a-z]))",
    re.MULTILINE,
)


def dateline(text: str) -> re.Match | None:
    """The dateline at the top of an article, if any ("MINSK, 1 March (BelTA) –")."""
    m = DATELINE.search(text[:600])
    if m is None:
        return None
    bare = not (m.group("date") or m.group("agency") or m.group("agency2") or m.group("agency3"))
    if bare and " " in m.group("place").strip():  # "CIS AND NATO - …" is a headline, not a dateline
        return None
    return m


def _year_for(month: int, day: int, anchor: date) -> int | None:
    """The year that puts (month, day) closest to the anchor."""
    best = None
    for year in (anchor.year - 1, anchor.year, anchor.year + 1):
        try:
            cand = date(year, month, day)
        except ValueError:
            continue
        dist = abs((cand - anchor).days)
        if best is None or dist < best[0]:
            best = (dist, year)
    return best[1] if best else None


def _iso(y: int, m: int, d: int) -> str | None:
    try:
        return date(y, m, d).isoformat()
    except ValueError:
        return None


def _from_match(g: dict[str, str | None], kind: str, anchor: date | None, future: bool) -> tuple[str, str] | None:
    def get(name: str) -> str | None:
        return g.get(f"{kind}_{name}")

    if kind in ("iso", "num"):
        y, m, d = int(get("y")), int(get("m")), int(get("d"))
        iso = _iso(y, m, d)
        return (iso, "day") if iso else None
    if kind in ("dmy", "mdy"):
        m = MONTHS[get("mon").rstrip(".").lower()]
        d = int(get("d"))
        if get("y"):
            y = int(get("y"))
        elif anchor is not None:
            y = _year_for(m, d, anchor)
        else:
            return None
        iso = _iso(y, m, d) if y else None
        return (iso, "day") if iso else None
    if kind == "my":
        return f"{int(get('y')):04d}-{MONTHS[get('mon').rstrip('.').lower()]:02d}", "month"
    if kind == "y":
        return f"{int(get('y')):04d}", "year"
    if anchor is None:
        return None
    if kind == "wd":
        wd = WEEKDAYS[get("wd").lower()]
        if future or get("dir") == "next":
            delta = (wd - anchor.weekday()) % 7 or 7
            return (anchor + timedelta(days=delta)).isoformat(), "day"
        return (anchor - timedelta(days=(anchor.weekday() - wd) % 7)).isoformat(), "day"
    if kind == "rel":
        shift = {"today": 0, "yesterday": -1, "tomorrow": 1}[get("rel").lower()]
        return (anchor + timedelta(days=shift)).isoformat(), "day"
    return None


def resolve(expr: str, anchor: date | None, *, future: bool = False) -> tuple[str, str] | None:
    """(ISO value, precision) of the first date expression in ``expr``, or None."""
    found = find_dates(expr, anchor, future=future)
    return (found[0].value, found[0].precision) if found else None


def find_dates(text: str, anchor: date | None, *, future: bool = False) -> list[DateAnn]:
    """Every resolvable date expression in ``text``."""
    out = []
    for m in DATE_RE.finditer(text):
        kind = m.lastgroup if m.lastgroup in dict(_PATTERNS) else next(k for k, _ in _PATTERNS if m.group(k))
        value = _from_match(m.groupdict(), kind, anchor, future)
        if value:
            out.append(DateAnn(m.start(), m.end(), value[0], value[1]))
    return out


class DateTagger:
    """Resolves date expressions and reads the dateline ("MINSK, 1 March (BelTA) –")."""

    def __init__(self, name: str, lex: Lexicon | None = None) -> None:
        self.name = name
        self.lex = lex or lexicon()

    def __call__(self, doc: Doc) -> Doc:
        anchor = published(doc)
        text = doc_text(doc)
        doc._.kg_dates = find_dates(text, anchor)
        doc._.kg_dateline = None
        m = dateline(text)
        if m:
            place_text = m.group("place").strip().title()
            key = self.lex.lookup(place_text) or mint_key("Place", place_text)
            dates = find_dates((m.group("date") or "").title(), anchor)  # "SEPTEMBER 3" as "September 3"
            ann = None
            if dates:
                d = dates[0]
                ann = DateAnn(m.start("date") + d.start, m.start("date") + d.end, d.value, d.precision)
            doc._.kg_dateline = (key, ann, m.start("place"), m.end("place"))
        return doc


@Language.factory("kg_dates_v1", assigns=["doc._.kg_dates", "doc._.kg_dateline"])
def make_dates(nlp: Language, name: str) -> DateTagger:
    """Factory: date expressions and the dateline."""
    return DateTagger(name)
