"""The results table: rows of (measured, baseline, ratio), printed and appended to bench/RESULTS.md."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
HEADER = ("section", "size", "measure", "measured", "value", "baseline (same run)", "value", "cost ratio")
TITLE = "kg benchmark"


@dataclass(frozen=True)
class Row:
    """One comparison. ``ratio`` is measured cost ÷ baseline cost (time, RSS, or inverse throughput):
    above 1 the measured path is slower or bigger than its baseline."""

    section: str
    size: str
    measure: str
    measured: str
    value: str
    baseline: str = "-"
    base_value: str = "-"
    ratio: float | None = None

    def cells(self) -> tuple[str, ...]:
        ratio = "-" if self.ratio is None or math.isnan(self.ratio) else f"{self.ratio:.2f}×"
        return (self.section, self.size, self.measure, self.measured, self.value, self.baseline, self.base_value,
                ratio)


def fmt_s(seconds: float) -> str:
    if math.isnan(seconds):
        return "-"
    if seconds < 1:
        return f"{seconds * 1000:.1f} ms"
    return f"{seconds:.1f} s"


def fmt_rate(value: float, unit: str) -> str:
    return f"{value:,.0f} {unit}/s"


def ratio(cost: float, base: float) -> float | None:
    return cost / base if base and not math.isnan(base) and not math.isnan(cost) else None


def table(rows: list[Row]) -> str:
    """A Markdown table (pipes in cells escaped)."""
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    for row in rows:
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in row.cells()) + " |")
    return "\n".join(lines)


def render(env: dict[str, str], options: str, rows: list[Row], notes: list[str]) -> str:
    """One run's block: heading, machine, versions, options, table, notes (skips and caveats)."""
    parts = [
        f"## {TITLE} — {env['date']}",
        "",
        f"- machine: {env['machine']}",
        f"- versions: {env['versions']}",
        f"- run: `{options}`",
        "",
        table(rows),
    ]
    if notes:
        parts += ["", *(f"- {n}" for n in notes)]
    return "\n".join(parts) + "\n"


def append(block: str, path: Path = RESULTS) -> None:
    """Append a run to the results file, keeping earlier runs."""
    if not path.exists():
        path.write_text("# Benchmark results\n\nAppended by `python -m bench.run`; newest last. "
                        "Cost ratio = measured ÷ baseline (time, memory or 1/throughput); "
                        "above 1 means the measured path costs more.\n\n", encoding="utf-8")
    with path.open("a", encoding="utf-8") as fh:
        fh.write("\n" + block)


@dataclass
class Context:
    """What every section needs: options, a scratch directory, and where results go."""

    work: Path
    quick: bool
    seed: int
    model: str
    requests: int
    clients: int
    duration: float
    budget: float
    query_timeout: float
    rows: list[Row]
    notes: list[str]

    def add(self, row: Row) -> None:
        self.rows.append(row)
        log(f"  {row.measure}: {row.measured} {row.value} | {row.baseline} {row.base_value}")

    def skip(self, section: str, reason: str) -> None:
        note = f"skipped {section}: {reason}"
        self.notes.append(note)
        log(note)


def log(message: str) -> None:
    """Progress on stderr (stdout carries the table)."""
    import sys

    print(message, file=sys.stderr, flush=True)
