"""Writing SPARQL results for the terminal: aligned table, SPARQL JSON or CSV."""

from __future__ import annotations

from typing import BinaryIO

from pyoxigraph import Literal, QueryBoolean, QueryResultsFormat, QuerySolutions, RdfFormat, serialize

from kg.vocab import PREFIXES

_FORMATS = {"json": QueryResultsFormat.JSON, "csv": QueryResultsFormat.CSV}


def term_text(term: object) -> str:
    """A term as a person reads it: literal values bare, IRIs shortened with our prefixes."""
    if term is None:
        return ""
    if isinstance(term, Literal):
        return term.value
    value = getattr(term, "value", str(term))
    for prefix, iri in PREFIXES.items():
        if value.startswith(iri) and len(value) > len(iri):
            return f"{prefix}:{value[len(iri):]}"
    return value


def table(solutions: QuerySolutions, max_width: int = 60) -> str:
    """An aligned plain-text table of SELECT results."""
    names = [v.value for v in solutions.variables]
    rows = [[" ".join(term_text(row[name]).split())[:max_width] for name in names] for row in solutions]
    widths = [max([len(n), *(len(r[i]) for r in rows)]) for i, n in enumerate(names)]
    lines = ["  ".join(n.ljust(w) for n, w in zip(names, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines) + "\n"


def write_results(result: object, fmt: str, out: BinaryIO) -> None:
    """Write SELECT/ASK/CONSTRUCT results to ``out`` as ``table``, ``json`` or ``csv``."""
    if isinstance(result, QuerySolutions):
        if fmt == "table":
            out.write(table(result).encode())
        else:
            result.serialize(out, _FORMATS[fmt])
    elif isinstance(result, QueryBoolean):
        if fmt == "table":
            out.write(b"true\n" if bool(result) else b"false\n")
        else:
            result.serialize(out, _FORMATS[fmt])
    else:  # a graph: Turtle reads best in a terminal, N-Triples suits machines
        serialize(result, out, RdfFormat.TURTLE if fmt == "table" else RdfFormat.N_TRIPLES, prefixes=PREFIXES)
    out.flush()
