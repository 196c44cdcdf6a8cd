"""The result and graph formats the endpoint speaks, with their media types and short names.

A SELECT or ASK query answers in a *results* format, CONSTRUCT or DESCRIBE in a *graph*
format (N-Quads and TriG are accepted too: a graph is a dataset with only a default graph);
a whole dataset (the Graph Store's ``GET /store``) in a *dataset* format. Clients choose
one with ``Accept`` or with a ``format`` / ``output`` / ``results`` parameter holding a
short name (``json``, ``csv``, ``turtle`` …) or a media type.

>>> from_param("json", GRAPH).name
'jsonld'
>>> from_param("application/sparql-results+xml; charset=utf-8", RESULTS).name
'xml'
>>> fmt, media_type = negotiate(RESULTS, "text/csv;q=0.5, application/json;q=0.9")
>>> fmt.name, media_type
('json', 'application/json')
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field

from pyoxigraph import QueryResultsFormat, RdfFormat

from kg.web.negotiation import best_match

UTF8 = "; charset=utf-8"
#: Accept headers up to this long have their outcome remembered (the last 256 seen)
_REMEMBERED_ACCEPT = 512


@dataclass(frozen=True)
class Format:
    """One serialisation: its short name, canonical media type, other accepted media types."""

    name: str
    media_type: str
    ox: QueryResultsFormat | RdfFormat = field(repr=False)
    aliases: tuple[str, ...] = field(default=(), repr=False)
    names: tuple[str, ...] = field(default=(), repr=False)

    def content_type(self, media_type: str | None = None) -> str:
        """The Content-Type header for a response sent as ``media_type`` (default: canonical)."""
        chosen = media_type or self.media_type
        return chosen + UTF8 if chosen.startswith("text/") else chosen


RESULTS: tuple[Format, ...] = (
    Format("json", "application/sparql-results+json", QueryResultsFormat.JSON,
           ("application/json",), ("json", "srj")),
    Format("xml", "application/sparql-results+xml", QueryResultsFormat.XML,
           ("application/xml", "text/xml"), ("xml", "srx")),
    Format("csv", "text/csv", QueryResultsFormat.CSV, (), ("csv",)),
    Format("tsv", "text/tab-separated-values", QueryResultsFormat.TSV, (), ("tsv",)),
)
GRAPH: tuple[Format, ...] = (
    Format("turtle", "text/turtle", RdfFormat.TURTLE, ("application/x-turtle",), ("turtle", "ttl")),
    Format("ntriples", "application/n-triples", RdfFormat.N_TRIPLES, ("text/plain",),
           ("ntriples", "nt", "n-triples")),
    Format("jsonld", "application/ld+json", RdfFormat.JSON_LD, ("application/json",),
           ("jsonld", "json-ld", "json")),
    Format("rdfxml", "application/rdf+xml", RdfFormat.RDF_XML, ("application/xml", "text/xml"),
           ("rdfxml", "rdf", "xml", "rdf-xml")),
)
DATASET: tuple[Format, ...] = (
    Format("trig", "application/trig", RdfFormat.TRIG, ("application/x-trig",), ("trig",)),
    Format("nquads", "application/n-quads", RdfFormat.N_QUADS, ("text/x-nquads",), ("nquads", "nq", "n-quads")),
)
#: what a CONSTRUCT/DESCRIBE result or one graph can be sent as: graph formats first
GRAPH_OR_DATASET: tuple[Format, ...] = GRAPH + DATASET


def offers(formats: Sequence[Format]) -> list[tuple[str, Format]]:
    """(media type, format) pairs in server preference order: canonical types first, then aliases."""
    pairs = [(f.media_type, f) for f in formats]
    pairs += [(alias, f) for f in formats for alias in f.aliases]
    return pairs


def negotiate(formats: Sequence[Format], accept: str | None) -> tuple[Format, str] | None:
    """The format and media type the ``Accept`` header prefers, or None when none is acceptable."""
    if isinstance(formats, tuple) and (accept is None or len(accept) <= _REMEMBERED_ACCEPT):
        return _negotiated(formats, accept)  # the same few Accept headers come again and again
    return _negotiate(formats, accept)


def _negotiate(formats: Sequence[Format], accept: str | None) -> tuple[Format, str] | None:
    pairs = offers(formats)
    chosen = best_match([media for media, _ in pairs], accept)
    if chosen is None:
        return None
    return next(f for media, f in pairs if media == chosen), chosen


_negotiated = functools.lru_cache(maxsize=256)(_negotiate)


def from_param(value: str, formats: Sequence[Format]) -> Format | None:
    """The format named by a ``format`` parameter (short name or media type), or None."""
    wanted = value.split(";")[0].strip().lower()
    for f in formats:
        if wanted in f.names or wanted == f.media_type or wanted in f.aliases:
            return f
    return None


def names(formats: Sequence[Format]) -> str:
    """The short names of ``formats``, for error messages."""
    return ", ".join(f.name for f in formats)
