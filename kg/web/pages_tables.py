"""Result rows → table cells for the HTML pages: labels for IRIs, links, evidence links.

A row that has an ``article`` IRI and an evidence text (``evidence`` or ``text``) gets a
link from that text to the span in the article's evidence view.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kg.web.pages_data import Row, Value, evidence_items, with_labels
from kg.web.pages_links import evidence_href, is_external

EVIDENCE_COLUMNS = ("evidence", "text")
LONG_CHARS = 80


@dataclass(frozen=True)
class Cell:
    """One table cell: text, optional link, sort key and CSS class."""

    text: str = ""
    href: str | None = None
    title: str | None = None
    sort: str | None = None
    css: str = ""

    @property
    def external(self) -> bool:
        return is_external(self.href)


@dataclass
class TableView:
    """Columns and cells of a results table, plus the evidence link of each row."""

    columns: list[str]
    rows: list[list[Cell]] = field(default_factory=list)
    evidence: list[str | None] = field(default_factory=list)
    truncated: bool = False


def cell(value: Value | None, link: str | None = None) -> Cell:
    """The cell showing ``value`` (``link`` overrides the value's own link)."""
    if value is None:
        return Cell(css="empty")
    text = " ".join(value.text.split())
    if value.is_iri:
        return Cell(text, link or value.href, value.value, text.lower(), "iri")
    if value.is_number:
        return Cell(text, link, None, value.value, "num")
    css = "long" if len(text) > LONG_CHARS else ""
    if value.datatype and value.datatype.endswith(("#date", "#gYear", "#gYearMonth", "#dateTime")):
        css = "date"
    return Cell(text, link, None, None, css)


def evidence_links(rows: list[Row]) -> list[str | None]:
    """For each row, the link to its evidence span (None when the row has no evidence)."""
    pairs = []
    for row in rows:
        article = row.get("article")
        text = next((row[c] for c in EVIDENCE_COLUMNS if c in row and not row[c].is_iri), None)
        pairs.append((article.value, text.value) if article is not None and article.is_iri and text else None)
    found = evidence_items(p for p in pairs if p)
    return [evidence_href(found[p], p[0]) if p and p in found else None for p in pairs]


def table(variables: list[str], rows: list[Row], truncated: bool = False) -> TableView:
    """The table of a SELECT result, with labels looked up and evidence linked."""
    labelled = with_labels(rows)
    links = evidence_links(rows)
    view = TableView(list(variables), evidence=links, truncated=truncated)
    for row, link in zip(labelled, links, strict=True):
        view.rows.append([_evidence_cell(row.get(v), link) if v in EVIDENCE_COLUMNS and link else cell(row.get(v))
                          for v in variables])
    return view


def _evidence_cell(value: Value | None, link: str) -> Cell:
    base = cell(value)
    return Cell(base.text, link, base.title, base.sort, "long evidence")
