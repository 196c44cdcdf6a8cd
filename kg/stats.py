"""Counts of what the graph holds (``kg stats``, the home page)."""

from __future__ import annotations

from pyoxigraph import Store

from kg.store import count_quads
from kg.vocab import sparql_prefixes

_COUNTS = {
    "articles": "?x a schema:NewsArticle",
    "people": "?x a schema:Person",
    "states": "?x a kgo:State",
    "organisations": "?x a kgo:Organisation",
    "places": "?x a kgo:Place",
    "meetings": "?x a kgo:Meeting",
    "statements": "?x a kgo:Statement",
    "positions": "?x a kgo:Position",
}
_QUERY = sparql_prefixes() + "SELECT " + " ".join(
    f"(COUNT(DISTINCT ?{name}) AS ?n_{name})" for name in _COUNTS
) + " WHERE { " + " UNION ".join(
    "{ GRAPH ?g { " + pattern.replace("?x", f"?{name}") + " } "
    'FILTER(STRSTARTS(STR(?g), "https://w3id.org/kg-news/graph/article/")) }'
    for name, pattern in _COUNTS.items()
) + " }"
_DATES = sparql_prefixes() + (
    "SELECT (MIN(?d) AS ?first) (MAX(?d) AS ?last) WHERE { GRAPH ?g { ?a schema:datePublished ?d } }"
)


def graph_stats(store: Store) -> dict[str, int | str | None]:
    """Entity, meeting, statement and position counts, date range and size of the graph."""
    row = next(iter(store.query(_QUERY)))
    stats: dict[str, int | str | None] = {name: int(row[f"n_{name}"].value) for name in _COUNTS}
    dates = next(iter(store.query(_DATES)))
    stats["first_published"] = dates["first"].value if dates["first"] else None
    stats["last_published"] = dates["last"].value if dates["last"] else None
    stats["quads"] = count_quads(store)
    return stats
