"""The queries to benchmark: kg's canned queries and bench's reference set.

Both sets run every time: the canned ones are what users run; the reference set
(``bench/queries``) stays fixed, so endpoint overheads compare across runs and kg versions.

A canned query runs two ways: as kg serves it (``/queries/<name>``, defaults bound by
``kg.queries`` as Oxigraph *substitutions*) and as plain SPARQL text any endpoint accepts, with
the defaults as a ``VALUES`` clause (same results). The clause goes where substitution binds
the variable first: in front of the first ``GRAPH ?g {`` (the canned queries' innermost
pattern), else at the end. The plain text is what ``/sparql`` and ``oxigraph serve`` get.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bench.measure import ROOT

CANNED_DIR = ROOT / "queries"
REFERENCE_DIR = Path(__file__).resolve().parent / "queries"
LIGHT_QUERY = ("SELECT ?label WHERE { <https://w3id.org/kg-news/id/state/belarus> "
               "<http://www.w3.org/2000/01/rdf-schema#label> ?label } LIMIT 1")


@dataclass(frozen=True)
class NamedQuery:
    name: str
    text: str
    canned: bool = False
    params: bool = False


def _reference() -> list[NamedQuery]:
    return [NamedQuery("ref/" + p.stem, p.read_text(encoding="utf-8")) for p in sorted(REFERENCE_DIR.glob("*.rq"))]


def _canned() -> list[NamedQuery]:
    from kg.queries import list_queries

    queries = []
    for q in list_queries(CANNED_DIR):
        text, substitutions = q.bind({})
        if substitutions:
            names = " ".join(f"?{v.value}" for v in substitutions)
            terms = " ".join(str(t) for t in substitutions.values())
            values = f"VALUES ({names}) {{ ({terms}) }}"
            if "GRAPH ?g {" in text:
                text = text.replace("GRAPH ?g {", f"{values}\n      GRAPH ?g {{", 1)
            else:
                text = f"{text.rstrip()}\n{values}\n"
        queries.append(NamedQuery(q.name, text, canned=True, params=bool(substitutions)))
    return queries


def reference() -> list[NamedQuery]:
    """bench's fixed reference set (``bench/queries``, names ``ref/…``): comparable from run to run,
    written to avoid the union-default-graph duplicates, and the mix of the concurrent runs."""
    return _reference()


def benchmark_queries() -> tuple[str, list[NamedQuery]]:
    """(where they came from, the queries): kg's canned queries, then the reference set."""
    try:
        canned = _canned()
    except ImportError:
        canned = []
    source = f"{len(canned)} canned (kg.queries, queries/*.rq) + " if canned else "no canned queries yet; "
    return source + f"{len(_reference())} reference (bench/queries)", canned + _reference()
