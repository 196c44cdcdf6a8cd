"""Query execution: the one place a SPARQL query (or write) meets the store.

:func:`run_query` checks the text (no update, no ``SERVICE`` outside the allow-list), then
hands a plain-value job (:mod:`kg.web.jobs`) to a killable worker process
(:mod:`kg.web.workers`) that evaluates it on the served generation, negotiates the format
and streams the serialised bytes back. It returns a content type and that byte stream.
The per-query timeout, result cap and allow-list come from the app's settings.

Cheap queries (one triple pattern, :mod:`kg.web.cheap`) skip the round trip to a worker:
:mod:`kg.web.fastpath` answers them in the request thread within an output budget, and
hands any that outgrow it to a worker. Answers that arrive whole (the fast path's, and a
worker's single-message ones) are returned as :class:`kg.web.streaming.WholeBody`, so
the response can carry a Content-Length.

The express lane (:mod:`kg.web.express`) takes the same steps itself, without Flask:
:func:`check_allowed`, :func:`query_job`, :func:`answer_in_thread`, then :func:`run_in_worker`.

Given a plain pyoxigraph ``Store`` instead of a served generation, the job runs in this
process (in a streaming thread, without a timeout): the seam a remote-store backend can
take over later without its callers changing.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from flask import current_app, has_app_context
from pyoxigraph import BlankNode, Literal, NamedNode, Store, Triple, Variable
from werkzeug.exceptions import HTTPException, default_exceptions

from kg.config import Settings
from kg.remote import RemoteStore
from kg.web import fastpath, jobs, outbound, sparqltext
from kg.web.graph import StoreHandle
from kg.web.jobs import GraphJob, GraphWriteJob, Job, JobError, QueryJob, StoreCache, UpdateJob
from kg.web.streaming import ChunkStream, WholeBody
from kg.web.workers import Execution, JobFailed, QueryTimeout, pool

Term = NamedNode | BlankNode | Literal | Triple


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
    info: dict[str, Any] | None = None


class SparqlError(HTTPException):
    """An HTTP error with any status code and a readable description."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.code = status if status in default_exceptions or status >= 500 else 400
        if status == 503:
            self.retry_after = 5

    def get_headers(self, environ=None, scope=None) -> list[tuple[str, str]]:  # type: ignore[override]
        headers = super().get_headers(environ, scope)
        if getattr(self, "retry_after", None):
            headers.append(("Retry-After", str(self.retry_after)))
        return headers


def _settings() -> Settings:
    if has_app_context():
        return current_app.config["KG_SETTINGS"]
    return Settings()


def check_allowed(query: str, allowlist: tuple[str, ...] = ()) -> None:
    """Refuse updates (403) and ``SERVICE`` calls outside the allow-list (400)."""
    if sparqltext.is_update(query):
        raise SparqlError(403, "read-only endpoint: SPARQL Update is not accepted here")
    outbound.check_query(query, allowlist)


class _StreamSink:
    """A :class:`kg.web.jobs.Sink` writing into a :class:`ChunkStream` (the in-process path)."""

    def __init__(self, stream: ChunkStream) -> None:
        self.stream = stream

    def begin(self, info: dict[str, object]) -> None:
        self.stream.info.update(info)  # type: ignore[arg-type]

    def write(self, data: bytes) -> int:
        return self.stream.write(data)

    def flush(self) -> None:
        """Nothing to flush."""


class _OneStore(StoreCache):
    """The store cache of the in-process path: always the store given."""

    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store

    def get(self, path: str) -> Store:
        return self.store


def _run(job: Job, store: Store | None, timeout: float, settings: Settings | None = None) -> Execution | ChunkStream:
    """Run ``job`` in a worker process (``store`` None) or in this process; wait for its header."""
    if store is not None:
        try:
            return ChunkStream(lambda out: jobs.perform(job, _StreamSink(out), _OneStore(store))).start()
        except JobError as err:
            raise SparqlError(err.status, err.message) from None
    execution = pool((settings or _settings()).threads).submit(job, timeout)
    try:
        return execution.start()
    except QueryTimeout as err:
        raise SparqlError(503, err.message) from None
    except JobFailed as err:
        raise SparqlError(err.status, err.message) from None


def _terms(substitutions: Mapping[Variable, Term] | None) -> tuple[tuple[str, str], ...]:
    return tuple((var.value, str(term)) for var, term in (substitutions or {}).items())


def query_job(store_path: str, query: str, settings: Settings, *, dataset: Dataset | None = None,
              accept: str | None = None, requested_format: str | None = None,
              substitutions: Mapping[Variable, Term] | None = None, base_iri: str | None = None) -> QueryJob:
    """The job evaluating ``query`` on the generation at ``store_path`` under ``settings``' result cap."""
    return QueryJob(
        query=query, store_path=store_path,
        default_graphs=dataset.default_graphs if dataset else None,
        named_graphs=dataset.named_graphs if dataset else (),
        accept=accept, requested_format=requested_format, substitutions=_terms(substitutions),
        base_iri=base_iri, max_results=settings.max_results,
    )


def answer_in_thread(job: QueryJob, store: StoreHandle) -> QueryOutput | None:
    """The whole answer to ``job`` from the fast path (:mod:`kg.web.fastpath`), or None when the
    job is not eligible or outgrew the budget (then a worker must run it).

    The job must have passed :func:`check_allowed`; client errors raise :class:`JobError`.
    """
    if not fastpath.eligible(job):
        return None
    answered = fastpath.answer(job, store)
    if answered is None:
        return None
    info, body = answered
    return QueryOutput(str(info["content_type"]), str(info["format"]), WholeBody(body), info)


def run_query(store: StoreHandle | Store | RemoteStore, query: str, *, dataset: Dataset | None = None,
              accept: str | None = None, requested_format: str | None = None,
              substitutions: Mapping[Variable, Term] | None = None, base_iri: str | None = None) -> QueryOutput:
    """Check, evaluate and serialise ``query``; raises HTTP errors (400/403/406/503) with readable messages.

    Errors found before any output is produced are raised here; the returned stream is
    closed by the WSGI server when the response ends (or the client leaves).
    """
    if isinstance(store, RemoteStore):
        from kg.web import remote_query

        return remote_query.forward_query(store, query, dataset=dataset, accept=accept, base_iri=base_iri,
                                          requested_format=requested_format, substitutions=substitutions)
    settings = _settings()
    check_allowed(query, settings.service_allowlist)
    job = query_job(store.path if isinstance(store, StoreHandle) else "", query, settings, dataset=dataset,
                    accept=accept, requested_format=requested_format, substitutions=substitutions,
                    base_iri=base_iri)
    if isinstance(store, StoreHandle):
        try:
            output = answer_in_thread(job, store)
        except JobError as err:
            raise SparqlError(err.status, err.message) from None
        if output is not None:
            return output
    return _output(_run(job, None if isinstance(store, StoreHandle) else store, settings.query_timeout))


def run_in_worker(job: QueryJob, settings: Settings) -> QueryOutput:
    """The answer to a checked ``job`` (:func:`check_allowed`) from a query worker; raises HTTP
    errors (400/406/503) with readable messages, as :func:`run_query` does."""
    return _output(_run(job, None, settings.query_timeout, settings))


def _output(chunks: Execution | ChunkStream) -> QueryOutput:
    info = dict(chunks.info)
    whole = chunks.whole if isinstance(chunks, Execution) else None
    body = WholeBody(whole) if whole is not None else chunks
    return QueryOutput(str(info["content_type"]), str(info["format"]), body, info)


def read_graph(store: StoreHandle | RemoteStore, *, graph: str | None, dataset: bool = False, accept: str | None = None,
               requested_format: str | None = None, head: bool = False) -> QueryOutput:
    """Stream one graph (None: the default graph), or with ``dataset`` all of them (Graph Store GET)."""
    if isinstance(store, RemoteStore):
        from kg.web import remote_query

        return remote_query.forward_graph(store, graph=graph, dataset=dataset, accept=accept,
                                          requested_format=requested_format, head=head)
    job = GraphJob(store.path, graph, dataset, accept, requested_format, head)
    chunks = _run(job, None, _settings().query_timeout)
    info = dict(chunks.info)
    return QueryOutput(str(info["content_type"]), str(info["format"]), chunks, info)


def _write(job: UpdateJob | GraphWriteJob) -> int:
    chunks = _run(job, None, _settings().query_timeout)
    status = int(chunks.info.get("status", 204))
    for _ in chunks:  # the end marker frees the worker
        pass
    return status


def run_update(store_root: str, update: str, *, base_iri: str | None = None) -> int:
    """Apply a SPARQL Update as a new generation (atomic: readers see the old or the new graph)."""
    outbound.check_update(update, _settings().service_allowlist)
    return _write(UpdateJob(store_root, update, base_iri))


def write_graph(store_root: str, method: str, graph: str | None, payloads: tuple[tuple[str, bytes], ...] = (),
                base_iri: str | None = None) -> int:
    """Graph Store write as a new generation; returns the HTTP status (201 created, 204 otherwise)."""
    return _write(GraphWriteJob(store_root, method, graph, payloads, base_iri))
