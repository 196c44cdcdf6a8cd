"""Query execution: the one place a SPARQL query meets the store.

:func:`run_query` checks the text (read-only, no ``SERVICE``), evaluates it over the served
dataset, negotiates the result format for the query form and returns a stream of the
serialised result. Apart from the store handle its inputs are plain values (query text,
dataset IRIs, the Accept header, the format parameter, substitutions) and its output is a
content type and a byte stream, so it can later move into a pool of killable worker
processes (per-query timeouts, result caps), each with its own read-only handle on the
served generation, without its callers changing.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import BinaryIO

from pyoxigraph import (
    BlankNode,
    Literal,
    NamedNode,
    QueryBoolean,
    QuerySolutions,
    QueryTriples,
    RdfFormat,
    Store,
    Triple,
    Variable,
    serialize,
)
from werkzeug.exceptions import BadRequest, Forbidden, NotAcceptable

from kg.vocab import PREFIXES
from kg.web import formats, sparqltext
from kg.web.formats import Format
from kg.web.streaming import ChunkStream

Term = NamedNode | BlankNode | Literal | Triple
Result = QuerySolutions | QueryBoolean | QueryTriples
_PREFIXED = {RdfFormat.TURTLE, RdfFormat.RDF_XML}


@dataclass(frozen=True)
class Dataset:
    """A protocol-specified dataset (``default-graph-uri`` / ``named-graph-uri``)."""

    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.default_graphs or self.named_graphs)


@dataclass
class QueryOutput:
    """A serialised result on its way out: its Content-Type and a stream of bytes."""

    content_type: str
    format: str
    chunks: Iterator[bytes]


def check_allowed(query: str) -> None:
    """Refuse updates (403) and federated queries (400) before they reach the engine."""
    if sparqltext.is_update(query):
        raise Forbidden("read-only endpoint: SPARQL Update is not accepted here")
    if sparqltext.uses_service(query):
        raise BadRequest("SERVICE is disabled: this endpoint does not call other endpoints")


def evaluate(store: Store, query: str, dataset: Dataset | None = None,
             substitutions: Mapping[Variable, Term] | None = None, base_iri: str | None = None) -> Result:
    """Evaluate ``query``; without a dataset the default graph is the union of all graphs.

    A protocol dataset replaces the query's own (``FROM``); graphs it does not name are
    invisible, as the protocol requires. A query with ``FROM`` and no protocol dataset gets
    exactly the graphs it names.

    Relative IRIs in the query resolve against ``base_iri`` (the endpoint URL, as the
    protocol suggests) unless the query declares its own ``BASE``.
    """
    options: dict[str, object] = {"substitutions": dict(substitutions) if substitutions else None,
                                  "base_iri": base_iri}
    if dataset:
        options["default_graph"] = [NamedNode(g) for g in dataset.default_graphs]
        options["named_graphs"] = [NamedNode(g) for g in dataset.named_graphs]
    elif not sparqltext.has_dataset_clause(query):
        options["use_default_graph_as_union"] = True
    try:
        return store.query(query, **options)  # type: ignore[arg-type]
    except SyntaxError as err:
        raise BadRequest(f"malformed query: {err}") from None
    except (ValueError, RuntimeError) as err:
        raise BadRequest(f"query rejected: {err}") from None


def choose_format(result: Result, accept: str | None, requested: str | None) -> tuple[Format, str]:
    """The serialisation for ``result``: the ``format`` parameter if given, else ``Accept``."""
    kind = formats.GRAPH if isinstance(result, QueryTriples) else formats.RESULTS
    what = "a graph (CONSTRUCT/DESCRIBE)" if kind is formats.GRAPH else "SELECT/ASK results"
    if requested:
        fmt = formats.from_param(requested, kind)
        if fmt is None:
            raise NotAcceptable(f"cannot serialise {what} as {requested!r}; formats: {formats.names(kind)}")
        return fmt, fmt.media_type
    chosen = formats.negotiate(kind, accept)
    if chosen is None:
        offered = ", ".join(media for media, _ in formats.offers(kind))
        raise NotAcceptable(f"none of the acceptable media types ({accept}) fits {what}; offered: {offered}")
    return chosen


def _serialize(result: Result, fmt: Format, output: BinaryIO) -> None:
    if isinstance(result, QueryTriples):
        prefixes = PREFIXES if fmt.ox in _PREFIXED else None
        serialize(result, output, fmt.ox, prefixes=prefixes)  # type: ignore[arg-type]
    else:
        result.serialize(output, fmt.ox)  # type: ignore[arg-type]


def run_query(store: Store, query: str, *, dataset: Dataset | None = None, accept: str | None = None,
              requested_format: str | None = None, substitutions: Mapping[Variable, Term] | None = None,
              base_iri: str | None = None) -> QueryOutput:
    """Check, evaluate and serialise ``query``; raises HTTP errors (400/403/406) with readable messages.

    Evaluation and serialisation run in the stream's background thread (pyoxigraph result
    iterators cannot cross threads); errors found before any output is produced are raised here.
    """
    check_allowed(query)

    def produce(stream: ChunkStream) -> None:
        result = evaluate(store, query, dataset, substitutions, base_iri)
        fmt, media_type = choose_format(result, accept, requested_format)
        stream.info.update(content_type=fmt.content_type(media_type), format=fmt.name)
        _serialize(result, fmt, stream)  # type: ignore[arg-type]

    chunks = ChunkStream(produce).start()
    return QueryOutput(chunks.info["content_type"], chunks.info["format"], chunks)
