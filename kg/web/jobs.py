"""Jobs: plain-value descriptions of store work, and the code that performs them.

A job crosses a process boundary (it is pickled to a query worker, :mod:`kg.web.executor`),
so it holds only strings, tuples and numbers; :func:`perform` runs where the store is open
and writes the serialised answer to a :class:`Sink`. Nothing here imports Flask.

Failures the client caused (a bad query, an unacceptable format, a missing graph) raise
:class:`JobError` with the HTTP status to answer with.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from pyoxigraph import (
    DefaultGraph,
    NamedNode,
    Quad,
    QueryBoolean,
    QuerySolutions,
    QueryTriples,
    RdfFormat,
    Store,
    Variable,
    parse,
    serialize,
)

from kg.vocab import PREFIXES
from kg.web import formats, sparqltext
from kg.web.formats import Format

_PREFIXED = {RdfFormat.TURTLE, RdfFormat.RDF_XML, RdfFormat.TRIG}
Result = QuerySolutions | QueryBoolean | QueryTriples


class JobError(Exception):
    """A failure to answer with ``status`` and a one-line ``message``."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class Sink(Protocol):
    """Where a job writes: first :meth:`begin` (status and headers), then the body bytes."""

    def begin(self, info: dict[str, object]) -> None: ...

    def write(self, data: bytes) -> int: ...


@dataclass(frozen=True)
class QueryJob:
    """Evaluate a SPARQL query on one sealed generation and serialise the result."""

    query: str
    store_path: str
    default_graphs: tuple[str, ...] | None = None  # None: no protocol dataset
    named_graphs: tuple[str, ...] = ()
    accept: str | None = None
    requested_format: str | None = None
    substitutions: tuple[tuple[str, str], ...] = ()  # (variable name, N-Triples term)
    base_iri: str | None = None
    max_results: int = 0  # 0: no cap


@dataclass(frozen=True)
class GraphJob:
    """Graph Store read: one graph (``graph`` IRI, or None for the default graph) or, with
    ``dataset``, every graph. ``head`` answers the status and Content-Type only."""

    store_path: str
    graph: str | None = None
    dataset: bool = False
    accept: str | None = None
    requested_format: str | None = None
    head: bool = False


@dataclass(frozen=True)
class UpdateJob:
    """Apply a SPARQL Update as a new generation of the store at ``store_root``."""

    store_root: str
    update: str
    base_iri: str | None = None


@dataclass(frozen=True)
class GraphWriteJob:
    """Graph Store write (``PUT`` replaces, ``POST`` merges, ``DELETE`` drops) as a new generation."""

    store_root: str
    method: str
    graph: str | None  # None: the default graph
    payloads: tuple[tuple[str, bytes], ...] = field(default=(), repr=False)  # (media type, body)
    base_iri: str | None = None


Job = QueryJob | GraphJob | UpdateJob | GraphWriteJob


# -- queries ---------------------------------------------------------------------------------

def parse_term(ntriples: str) -> object:
    """One RDF term from its N-Triples form (how substitutions cross the process boundary)."""
    triple = next(iter(parse(f"<urn:kg:s> <urn:kg:p> {ntriples} .", format=RdfFormat.N_TRIPLES)))
    return triple.object


def _options(job: QueryJob, query: str) -> dict[str, object]:
    options: dict[str, object] = {"base_iri": job.base_iri}
    if job.substitutions:
        options["substitutions"] = {Variable(name): parse_term(term) for name, term in job.substitutions}
    if job.default_graphs is not None:
        options["default_graph"] = [NamedNode(g) for g in job.default_graphs]
        options["named_graphs"] = [NamedNode(g) for g in job.named_graphs]
    elif not sparqltext.has_dataset_clause(query):
        options["use_default_graph_as_union"] = True
    return options


def evaluate(store: Store, job: QueryJob) -> Result:
    """Evaluate the job's query; without a dataset the default graph is the union of all graphs.

    A protocol dataset replaces the query's own (``FROM``); graphs it does not name are
    invisible, as the protocol requires. A SELECT gets an outer ``LIMIT`` of at most
    ``max_results`` (when that rewrite does not parse, the query runs as written).
    """
    options = _options(job, job.query)
    text = job.query
    if job.max_results and sparqltext.operation(text) == "SELECT":
        capped = sparqltext.cap_limit(text, job.max_results)
        if capped is not None:
            try:
                return store.query(capped, **options)  # type: ignore[arg-type]
            except SyntaxError:
                pass
    try:
        return store.query(text, **options)  # type: ignore[arg-type]
    except SyntaxError as err:
        raise JobError(400, f"malformed query: {err}") from None
    except (ValueError, TypeError, RuntimeError) as err:
        raise JobError(400, f"query rejected: {err}") from None


def choose_among(kind: tuple[Format, ...], what: str, accept: str | None, requested: str | None) -> tuple[Format, str]:
    """The format of ``kind`` named by ``requested``, else the best fit for ``accept`` (406 if none)."""
    if requested:
        fmt = formats.from_param(requested, kind)
        if fmt is None:
            raise JobError(406, f"cannot serialise {what} as {requested!r}; formats: {formats.names(kind)}")
        return fmt, fmt.media_type
    chosen = formats.negotiate(kind, accept)
    if chosen is None:
        offered = ", ".join(media for media, _ in formats.offers(kind))
        raise JobError(406, f"none of the acceptable media types ({accept}) fits {what}; offered: {offered}")
    return chosen


def choose_format(result: Result, accept: str | None, requested: str | None) -> tuple[Format, str]:
    """The serialisation for ``result``: the ``format`` parameter if given, else ``Accept``."""
    if isinstance(result, QueryTriples):
        return choose_among(formats.GRAPH_OR_DATASET, "a graph (CONSTRUCT/DESCRIBE)", accept, requested)
    return choose_among(formats.RESULTS, "SELECT/ASK results", accept, requested)


def _prefixes(fmt: Format) -> dict[str, str] | None:
    return PREFIXES if fmt.ox in _PREFIXED else None


def run_query_job(store: Store, job: QueryJob, sink: Sink) -> None:
    """Evaluate, negotiate and serialise a query to ``sink``."""
    result = evaluate(store, job)
    fmt, media_type = choose_format(result, job.accept, job.requested_format)
    info: dict[str, object] = {"content_type": fmt.content_type(media_type), "format": fmt.name}
    if job.max_results and not isinstance(result, QueryBoolean):
        info["max_results"] = job.max_results
    sink.begin(info)
    try:
        if isinstance(result, QueryTriples):
            triples = itertools.islice(result, job.max_results) if job.max_results else result
            serialize(triples, sink, fmt.ox, prefixes=_prefixes(fmt))  # type: ignore[arg-type]
        else:
            result.serialize(sink, fmt.ox)  # type: ignore[arg-type]
    except (ValueError, RuntimeError) as err:  # evaluation errors surface while serialising
        raise JobError(400, f"query failed: {err}") from None


# -- graph store reads -----------------------------------------------------------------------

def run_graph_job(store: Store, job: GraphJob, sink: Sink) -> None:
    """Serialise one graph (or the whole dataset) of ``store`` to ``sink``."""
    if job.dataset:
        fmt, media_type = choose_among(formats.DATASET, "a dataset", job.accept, job.requested_format)
    else:
        fmt, media_type = choose_among(formats.GRAPH_OR_DATASET, "a graph", job.accept, job.requested_format)
    graph = DefaultGraph() if job.graph is None else NamedNode(job.graph)
    if not job.dataset and isinstance(graph, NamedNode) and not store.contains_named_graph(graph):
        raise JobError(404, f"no graph <{job.graph}> in the store")
    sink.begin({"content_type": fmt.content_type(media_type), "format": fmt.name})
    if job.head:
        return
    if job.dataset:
        store.dump(sink, fmt.ox, prefixes=_prefixes(fmt))  # type: ignore[arg-type]
    else:
        triples = (q.triple for q in store.quads_for_pattern(None, None, None, graph))
        serialize(triples, sink, fmt.ox, prefixes=_prefixes(fmt))  # type: ignore[arg-type]


# -- writes ----------------------------------------------------------------------------------

def _locked_update(root: str):
    """Enter ``GenerationStore(root).update()``; a concurrent build or write is a 503."""
    from kg.store import GenerationStore, StoreError  # only writers need kg.store

    context = GenerationStore(root).update()
    try:
        writer = context.__enter__()
    except StoreError as err:
        raise JobError(503, f"the store is being updated by another process; retry later ({err})") from None
    return context, writer


def _check_update(update: str, base_iri: str | None) -> None:
    """Reject a malformed update before a generation is made for it (by running it on an empty store)."""
    try:
        Store().update(update, base_iri=base_iri)
    except SyntaxError as err:
        raise JobError(400, f"malformed update: {err}") from None
    except (ValueError, TypeError, RuntimeError, OSError):
        pass  # evaluation problems show up again (and are reported) on the real store


def run_update_job(job: UpdateJob, sink: Sink) -> None:
    """Apply a SPARQL Update in a new generation, sealed only if it succeeds."""
    _check_update(job.update, job.base_iri)
    context, writer = _locked_update(job.store_root)
    try:
        try:
            writer.store.update(job.update, base_iri=job.base_iri)
        except SyntaxError as err:
            raise JobError(400, f"malformed update: {err}") from None
        except (ValueError, TypeError, RuntimeError) as err:
            raise JobError(400, f"update rejected: {err}") from None
        writer.changed += 1
    except BaseException as err:
        context.__exit__(type(err), err, err.__traceback__)
        raise
    context.__exit__(None, None, None)
    sink.begin({"status": 204})


def _parse_payload(media_type: str, body: bytes, base_iri: str | None, graph: NamedNode | DefaultGraph) -> list[Quad]:
    fmt = RdfFormat.from_media_type(media_type) if media_type else None
    if fmt is None or fmt.supports_datasets:
        raise JobError(415, f"cannot read a graph from {media_type or 'no Content-Type'}: send Turtle, "
                            "N-Triples, RDF/XML or JSON-LD")
    try:
        return [Quad(t.subject, t.predicate, t.object, graph)
                for t in parse(body, format=fmt, base_iri=base_iri)]  # type: ignore[union-attr]
    except SyntaxError as err:
        raise JobError(400, f"the {fmt.name} payload does not parse: {err}") from None
    except (ValueError, OSError) as err:
        raise JobError(400, f"the payload cannot be read: {err}") from None


def run_graph_write_job(job: GraphWriteJob, sink: Sink) -> None:
    """Replace, merge into or drop one graph, as a new generation; ``begin`` tells the status."""
    graph: NamedNode | DefaultGraph = DefaultGraph() if job.graph is None else NamedNode(job.graph)
    quads = [q for media, body in job.payloads for q in _parse_payload(media, body, job.base_iri, graph)]
    context, writer = _locked_update(job.store_root)
    try:
        store: Store = writer.store
        existed = True if job.graph is None else store.contains_named_graph(graph)  # type: ignore[arg-type]
        if job.method == "DELETE" and not existed:
            raise JobError(404, f"no graph <{job.graph}> in the store")
        if job.method in ("PUT", "DELETE"):
            if isinstance(graph, DefaultGraph):
                store.clear_graph(graph)
            elif existed:
                store.remove_graph(graph)
        if job.method != "DELETE":
            if isinstance(graph, NamedNode) and not quads:
                store.add_graph(graph)
            store.extend(quads)
        writer.changed += 1
    except BaseException as err:
        context.__exit__(type(err), err, err.__traceback__)
        raise
    context.__exit__(None, None, None)
    sink.begin({"status": 204 if existed else 201})


# -- dispatch ----------------------------------------------------------------------------------

class StoreCache:
    """Read-only stores by generation directory; keeps the most recent few open."""

    def __init__(self, keep: int = 2) -> None:
        self._open: dict[str, Store] = {}
        self._keep = keep

    def get(self, path: str) -> Store:
        store = self._open.pop(path, None)
        if store is None:
            store = self._open_current(path)
        self._open[path] = store
        while len(self._open) > self._keep:
            del self._open[next(iter(self._open))]
        return store

    @staticmethod
    def _open_current(path: str) -> Store:
        """Open ``path``; if a newer build already pruned it, open the generation now served."""
        try:
            return Store.read_only(path)
        except OSError:
            generation = Path(path)
            pointer = generation.parent.parent / "CURRENT"
            if generation.exists() or not pointer.is_file():
                raise
            return Store.read_only(str(generation.parent / pointer.read_text(encoding="ascii").strip()))


def perform(job: Job, sink: Sink, stores: StoreCache) -> None:
    """Run ``job``, writing its answer to ``sink``; raises :class:`JobError` for client errors."""
    try:
        if isinstance(job, QueryJob):
            run_query_job(stores.get(job.store_path), job, sink)
        elif isinstance(job, GraphJob):
            run_graph_job(stores.get(job.store_path), job, sink)
        elif isinstance(job, UpdateJob):
            run_update_job(job, sink)
        else:
            run_graph_write_job(job, sink)
    except OSError as err:
        raise JobError(503, f"the graph store could not be read: {err}") from None
