"""Server-side SVG charts: positions over time as a dot-matrix timeline. No JavaScript needed.

Columns are dates (or months, or years when there are many), in order; rows are actors or
topics; each position is one marker whose colour *and* shape give its stance (▲ support,
▼ oppose, ◆ mixed, ● neutral). Markers that share a cell are laid out side by side. Every
marker links to its evidence and carries a ``<title>`` (the native tooltip) and ``data-``
attributes that ``static/kg.js`` turns into a richer tooltip. All text is escaped.

>>> svg = timeline([Point("2013-06-05", "<b>Belarus</b>", "support", "quote & more", "/id/article/1#position-0")])
>>> "&lt;b&gt;Belarus&lt;/b&gt;" in svg and "<b>" not in svg
True
>>> 'href="/id/article/1#position-0"' in svg
True
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup

STANCES = ("support", "oppose", "mixed", "neutral")
COLOURS = {"support": "#0a6bb0", "oppose": "#c2410c", "mixed": "#9d3d8f", "neutral": "#5b6470"}
OTHER_COLOUR = "#334155"
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

STEP = 18  # distance between marker centres
PER_ROW = 6  # markers side by side in one cell before wrapping
MAX_DAY_COLUMNS = 14
MAX_MONTH_COLUMNS = 24
MAX_ROWS = 30
TARGET_WIDTH = 1140
LEGEND_H = 34
HEAD_H = 44
RIGHT = 16
CHAR_W = 7.4
MARK_R = 7.0
QUOTE_CHARS = 320


@dataclass(frozen=True)
class Point:
    """One position to draw."""

    date: str  # ISO date, year-month or year
    row: str  # the actor or topic it belongs to
    stance: str
    quote: str = ""
    href: str | None = None
    detail: str = ""  # e.g. the topic when rows are actors


def marker_path(stance: str, x: float, y: float, r: float = 6.0) -> str:
    """SVG path data of the marker for ``stance`` centred on (x, y).

    >>> marker_path("support", 10, 10, 6)
    'M10.0 4.0L16.0 15.0L4.0 15.0Z'
    """
    if stance == "support":
        return f"M{x:.1f} {y - r:.1f}L{x + r:.1f} {y + r * 5 / 6:.1f}L{x - r:.1f} {y + r * 5 / 6:.1f}Z"
    if stance == "oppose":
        return f"M{x:.1f} {y + r:.1f}L{x + r:.1f} {y - r * 5 / 6:.1f}L{x - r:.1f} {y - r * 5 / 6:.1f}Z"
    if stance == "mixed":
        return f"M{x:.1f} {y - r:.1f}L{x + r:.1f} {y:.1f}L{x:.1f} {y + r:.1f}L{x - r:.1f} {y:.1f}Z"
    if stance == "neutral":
        k = r * 0.85
        return f"M{x - k:.1f} {y:.1f}a{k:.1f} {k:.1f} 0 1 0 {2 * k:.1f} 0a{k:.1f} {k:.1f} 0 1 0 {-2 * k:.1f} 0Z"
    k = r * 0.75
    return f"M{x - k:.1f} {y - k:.1f}h{2 * k:.1f}v{2 * k:.1f}h{-2 * k:.1f}Z"


def stance_icon(stance: str, size: int = 14) -> Markup:
    """A small inline SVG marker for ``stance`` (for tables, legends and badges)."""
    half = size / 2
    colour = COLOURS.get(stance, OTHER_COLOUR)
    return Markup(
        '<svg class="stance-icon" width="{s}" height="{s}" viewBox="0 0 {s} {s}" aria-hidden="true" focusable="false">'
        '<path d="{d}" fill="{c}"/></svg>'
    ).format(s=size, d=marker_path(stance, half, half, half - 1), c=colour)


def _granularity(dates: Sequence[str]) -> int:
    """How many characters of the ISO date make a column: 10 (day), 7 (month) or 4 (year)."""
    if len({d[:10] for d in dates}) <= MAX_DAY_COLUMNS:
        return 10
    if len({d[:7] for d in dates}) <= MAX_MONTH_COLUMNS:
        return 7
    return 4


def column_label(key: str) -> tuple[str, str]:
    """Two lines naming a column: ``('5 Jun', '2013')``, ``('Jun', '2013')`` or ``('2013', '')``.

    >>> column_label("2013-06-05"), column_label("2013-06"), column_label("2013")
    (('5 Jun', '2013'), ('Jun', '2013'), ('2013', ''))
    """
    parts = key.split("-")
    try:
        if len(parts) == 3:
            return f"{int(parts[2])} {MONTHS[int(parts[1]) - 1]}", parts[0]
        if len(parts) == 2:
            return MONTHS[int(parts[1]) - 1], parts[0]
    except (ValueError, IndexError):
        pass
    return key or "no date", ""


def _clip(text: str, chars: int) -> str:
    return text if len(text) <= chars else text[: max(1, chars - 1)].rstrip() + "…"


def _stance_order(stance: str) -> int:
    return STANCES.index(stance) if stance in STANCES else len(STANCES)


@dataclass(frozen=True)
class Shape:
    """How roomy a rendering is: the wide one fills a desktop card, the compact one suits a phone."""

    per_row: int  # markers side by side in a cell before wrapping
    target_width: int  # columns stretch until the chart is this wide (0: never)
    max_left: int  # widest room for row labels
    min_col: float


WIDE = Shape(PER_ROW, TARGET_WIDTH, 240, 72.0)
COMPACT = Shape(4, 0, 150, 60.0)


class _Layout:
    """Columns, rows and sizes of a timeline."""

    def __init__(self, points: Sequence[Point], shape: Shape) -> None:
        self.per_row = shape.per_row
        self.width_chars = _granularity([p.date for p in points])
        self.columns = sorted({p.date[: self.width_chars] for p in points})
        counts = Counter(p.row for p in points)
        ranked = sorted(counts, key=lambda row: (-counts[row], row.lower()))
        self.rows = ranked[:MAX_ROWS]
        self.hidden_rows = len(ranked) - len(self.rows)
        shown = set(self.rows)
        self.cells: dict[tuple[str, str], list[Point]] = defaultdict(list)
        for p in sorted(points, key=lambda p: (p.date, _stance_order(p.stance))):
            if p.row in shown:
                self.cells[(p.row, p.date[: self.width_chars])].append(p)
        longest = max((len(r) for r in self.rows), default=4)
        self.left = int(min(max(longest * CHAR_W + 24, 96), shape.max_left))
        self.label_chars = int((self.left - 20) / CHAR_W)
        widest = max((min(len(c), self.per_row) for c in self.cells.values()), default=1)
        needed = widest * STEP + 18
        share = (shape.target_width - self.left - RIGHT) / max(1, len(self.columns))
        self.col_w = max(needed, min(share, 260.0), shape.min_col)
        self.band_h = {row: max(
            [34.0] + [math.ceil(len(self.cells[(row, c)]) / self.per_row) * STEP + 14 for c in self.columns
                      if (row, c) in self.cells]) for row in self.rows}
        self.top = LEGEND_H + HEAD_H
        self.width = int(max(self.left + len(self.columns) * self.col_w + RIGHT, _legend_width(points)))
        self.height = int(self.top + sum(self.band_h.values()) + 10)


def _legend_width(points: Sequence[Point]) -> float:
    return sum(18 + len(f"{s} ({n})") * CHAR_W + 24 for s, n in Counter(p.stance for p in points).items())


def _legend(points: Sequence[Point]) -> list[Markup]:
    counts = Counter(p.stance for p in points)
    stances = [s for s in STANCES if counts[s]] + sorted(s for s in counts if s not in STANCES)
    parts, x = [], 0.0
    for stance in stances:
        colour = COLOURS.get(stance, OTHER_COLOUR)
        label = f"{stance} ({counts[stance]})"
        parts.append(Markup('<path d="{d}" fill="{c}"/><text x="{tx:.1f}" y="21" class="legend-text">{t}</text>')
                     .format(d=marker_path(stance, x + 7, 17), c=colour, tx=x + 18, t=label))
        x += 18 + len(label) * CHAR_W + 24
    return parts


def _mark(p: Point, x: float, y: float, category: str) -> Markup:
    colour = COLOURS.get(p.stance, OTHER_COLOUR)
    quote = _clip(" ".join(p.quote.split()), QUOTE_CHARS)
    head = " · ".join(part for part in (p.date, p.row, p.detail, p.stance) if part)
    body = Markup('<path d="{d}" fill="{c}" stroke="#fff" stroke-width="1"/><title>{t}</title>').format(
        d=marker_path(p.stance, x, y, MARK_R), c=colour, t=f"{head}\n{quote}" if quote else head)
    attrs = Markup('class="mark" data-date="{d}" data-row="{r}" data-detail="{dt}" data-stance="{s}" '
                   'data-quote="{q}" data-category="{cat}"').format(
        d=p.date, r=p.row, dt=p.detail, s=p.stance, q=quote, cat=category)
    if p.href:
        return Markup('<a href="{h}" {a}>{b}</a>').format(h=p.href, a=attrs, b=body)
    return Markup('<g tabindex="0" {a}>{b}</g>').format(a=attrs, b=body)


def _svg(points: Sequence[Point], lay: _Layout, chart_id: str, title: str, row_name: str) -> Markup:
    out: list[Markup] = [Markup(
        '<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg" id="{id}" viewBox="0 0 {w} {h}" width="{w}" '
        'height="{h}" role="img" aria-labelledby="{id}-title {id}-desc" font-size="12">'
        '<title id="{id}-title">{t}</title><desc id="{id}-desc">{n} positions in {c} columns by {r}; marker '
        'shape and colour give the stance.</desc>').format(
        id=chart_id, w=lay.width, h=lay.height, t=title, n=len(points), c=len(lay.columns), r=row_name)]
    out.append(Markup('<g class="legend">{}</g>').format(Markup("").join(_legend(points))))
    out.append(Markup('<text x="{x}" y="{y}" text-anchor="end" class="corner-label">{r} ↓   date →</text>').format(
        x=lay.left - 12, y=LEGEND_H + 30, r=row_name))
    y = float(lay.top)
    per_row = lay.per_row
    for i, row in enumerate(lay.rows):
        band = lay.band_h[row]
        if i % 2 == 0:
            out.append(Markup('<rect x="0" y="{y:.1f}" width="{w}" height="{h:.1f}" fill="#f4f6f9"/>').format(
                y=y, w=lay.width, h=band))
        out.append(Markup('<text x="{x}" y="{y:.1f}" text-anchor="end" dominant-baseline="middle" '
                          'class="row-label">{t}<title>{full}</title></text>').format(
            x=lay.left - 12, y=y + band / 2, t=_clip(row, lay.label_chars), full=row))
        for j, column in enumerate(lay.columns):
            cell = lay.cells.get((row, column), [])
            rows_used = math.ceil(len(cell) / per_row)
            cx = lay.left + (j + 0.5) * lay.col_w
            y0 = y + (band - rows_used * STEP) / 2 + STEP / 2
            for k, p in enumerate(cell):
                line, pos = divmod(k, per_row)
                in_line = min(per_row, len(cell) - line * per_row)
                out.append(_mark(p, cx + (pos - (in_line - 1) / 2) * STEP, y0 + line * STEP, row_name))
        y += band
    for j, column in enumerate(lay.columns):
        x = lay.left + j * lay.col_w
        first, second = column_label(column)
        out.append(Markup('<line x1="{x:.1f}" y1="{t}" x2="{x:.1f}" y2="{b:.1f}" stroke="#d5dbe3"/>'
                          '<text x="{cx:.1f}" y="{y1}" text-anchor="middle" class="col-label">{a}</text>'
                          '<text x="{cx:.1f}" y="{y2}" text-anchor="middle" class="col-sub">{b2}</text>').format(
            x=x, t=LEGEND_H + 8, b=y, cx=x + lay.col_w / 2, y1=LEGEND_H + 22, y2=LEGEND_H + 37, a=first, b2=second))
    right = lay.left + len(lay.columns) * lay.col_w
    out.append(Markup('<line x1="{x:.1f}" y1="{t}" x2="{x:.1f}" y2="{b:.1f}" stroke="#d5dbe3"/>').format(
        x=right, t=LEGEND_H + 8, b=y))
    out.append(Markup("</svg>"))
    return Markup("").join(out)


def timeline(points: Sequence[Point], *, chart_id: str = "chart", title: str = "Positions over time",
             row_name: str = "holder") -> Markup:
    """The timeline of ``points`` (an empty Markup when there are none).

    Two renderings of the same chart: a wide one for desktops and a compact one for phones
    (``kg.css`` shows one of them by the viewport width); each scrolls sideways when needed.
    """
    if not points:
        return Markup("")
    wide = _Layout(points, WIDE)
    out = Markup('<div class="chart-wide">{}</div><div class="chart-narrow">{}</div>').format(
        _svg(points, wide, chart_id, title, row_name),
        _svg(points, _Layout(points, COMPACT), chart_id + "-compact", title, row_name))
    if wide.hidden_rows:
        out += Markup('<p class="chart-note">{n} more {r} rows not drawn (the table lists every row).</p>').format(
            n=wide.hidden_rows, r=row_name)
    return out
