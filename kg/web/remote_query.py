"""Queries and Graph Store reads forwarded to a remote store (:class:`kg.remote.RemoteStore`).

The same rules as the embedded path (:mod:`kg.web.execute`): the text is checked first (no
update, no ``SERVICE`` outside the allow-list) and never reaches the server when refused;
the format is negotiated here (406 as usual); without a protocol dataset or ``FROM`` the
default graph is the union of all graphs (the server's union parameter); a SELECT gets the
same outer ``LIMIT`` cap, a CONSTRUCT/DESCRIBE is cut after ``max_results`` triples.

SELECT/ASK results are relayed as the server sends them (asked for in the client's
format); graphs are asked for as N-Triples and re-serialised while they stream, so they
read exactly like the embedded endpoint's (prefixes included). Nothing is buffered. The
query timeout bounds the wait for the first bytes (503 then, like the embedded path) and
the whole answer (the connection is dropped past it). A server that cannot be reached is
a 503; one that rejects the query a 400 with its message; any other failure a 502.
"""

from __future__ import annotations

import itertools
import logging
import time
from collections.abc import Iterator, Mapping
from typing import Any

from pyoxigraph import RdfFormat, parse, serialize

from kg.remote import CHUNK_BYTES, RemoteStore, Response, request, shown, values_clause
from kg.store import StoreError
from kg.vocab import PREFIXES
from kg.web import formats, sparqltext
from kg.web.execute import Dataset, QueryOutput, SparqlError, _settings, check_allowed
from kg.web.formats import Format
from kg.web.jobs import JobError, choose_among
from kg.web.streaming import ChunkStream
from kg.web.workers import QueryTimeout, StreamAborted

log = logging.getLogger("kg.web")
ERROR_BYTES = 300
_UNAVAILABLE = "the graph store is unavailable (see the server log)"
_PREFIXED = {RdfFormat.TURTLE, RdfFormat.RDF_XML, RdfFormat.TRIG}


def _negotiate(kind: tuple[Format, ...], what: str, accept: str | None, requested: str | None) -> tuple[Format, str]:
    try:
        return choose_among(kind, what, accept, requested)
    except JobError as err:
        raise SparqlError(err.status, err.message) from None


def _unavailable(err: StoreError, timeout: float) -> SparqlError:
    """503 for a server that cannot be reached or answers too slowly (details to the log)."""
    if "timed out" in str(err):
        return SparqlError(503, QueryTimeout(timeout).message)
    log.error("remote store unavailable: %s", err)
    return SparqlError(503, _UNAVAILABLE)


def _refused(response: Response) -> SparqlError:
    """The error for a non-2xx answer: 400 with the server's words for a rejected query, else 502."""
    try:
        text = " ".join(response.read(ERROR_BYTES).decode("utf-8", "replace").split())
    except StoreError:
        text = ""
    finally:
        response.close()
    if response.status in (400, 406, 415):
        return SparqlError(400, f"query rejected by the remote store: {text or f'HTTP {response.status}'}")
    log.error("remote store %s answered HTTP %s: %s", shown(response.url), response.status, text)
    return SparqlError(502, f"the remote store failed (HTTP {response.status}); see the server log")


class _Relay:
    """The body of a remote answer, chunk by chunk, until the deadline (then the connection drops)."""

    def __init__(self, response: Response, first: bytes, deadline: float, timeout: float) -> None:
        self.response = response
        self._first: bytes | None = first
        self._deadline = deadline
        self._timeout = timeout

    def __iter__(self) -> Iterator[bytes]:
        return self

    def __next__(self) -> bytes:
        if self._first:
            first, self._first = self._first, None
            return first
        try:
            chunk = self.response.read(deadline=self._deadline)
        except (StoreError, TimeoutError) as err:
            self.close()
            raise StreamAborted(f"remote answer stopped: {err}") from None
        if not chunk:
            self.close()
            raise StopIteration
        return chunk

    def close(self) -> None:
        """Drop the connection to the server (the client left, or the answer is complete)."""
        self.response.close()


def _first_chunk(response: Response, deadline: float, timeout: float) -> bytes:
    """Wait for the answer's first bytes (a query that computes before it answers is still running)."""
    try:
        return response.read(deadline=deadline)
    except TimeoutError:
        response.close()
        raise SparqlError(503, QueryTimeout(timeout).message) from None
    except StoreError as err:
        response.close()
        raise _unavailable(err, timeout) from None


def _reserialised(response: Response, source: RdfFormat, fmt: Format, limit: int,
                  deadline: float, timeout: float, info: dict[str, Any]) -> QueryOutput:
    """Parse the server's N-Triples/N-Quads as they arrive and write them out in ``fmt`` (at most ``limit``)."""
    def produce(out: ChunkStream) -> None:
        out.info.update(info)
        try:
            items: Any = parse(_DeadlineFile(response, deadline), format=source)
            if source == RdfFormat.N_TRIPLES:
                items = (quad.triple for quad in items)
            if limit:
                items = itertools.islice(items, limit)
            serialize(items, out, fmt.ox, prefixes=PREFIXES if fmt.ox in _PREFIXED else None)  # type: ignore[arg-type]
        finally:
            response.close()

    try:
        chunks = ChunkStream(produce).start()
    except StoreError as err:
        raise _unavailable(err, timeout) from None
    except SyntaxError as err:
        raise SparqlError(502, f"the remote store sent unreadable RDF: {err}") from None
    return QueryOutput(str(info["content_type"]), str(info["format"]), chunks, info)


class _DeadlineFile:
    """A readable file over a remote body whose reads stop at ``deadline`` (for the parsers)."""

    def __init__(self, response: Response, deadline: float) -> None:
        self.response = response
        self.deadline = deadline

    def read(self, size: int = -1) -> bytes:
        try:
            return self.response.read(size if size and size > 0 else CHUNK_BYTES, deadline=self.deadline)
        except TimeoutError:
            raise StoreError(f"remote store {shown(self.response.url)}: timed out (query deadline)") from None

    def readinto(self, buffer: Any) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def forward_query(store: RemoteStore, query: str, *, dataset: Dataset | None = None, accept: str | None = None,
                  requested_format: str | None = None, substitutions: Mapping[Any, Any] | None = None,
                  base_iri: str | None = None) -> QueryOutput:
    """:func:`kg.web.execute.run_query` for a remote store (same checks, errors and output)."""
    settings = _settings()
    check_allowed(query, settings.service_allowlist)
    operation = sparqltext.operation(query)
    graph_result = operation in ("CONSTRUCT", "DESCRIBE")
    if graph_result:
        fmt, media_type = _negotiate(formats.GRAPH_OR_DATASET, "a graph (CONSTRUCT/DESCRIBE)", accept,
                                     requested_format)
    else:
        fmt, media_type = _negotiate(formats.RESULTS, "SELECT/ASK results", accept, requested_format)
    text = (f"BASE <{base_iri}>\n" if base_iri else "") + query
    if substitutions:
        text += values_clause(substitutions)
    cap = settings.max_results
    capped = sparqltext.cap_limit(text, cap) if cap and operation == "SELECT" else None
    info: dict[str, Any] = {"content_type": fmt.content_type(media_type), "format": fmt.name}
    if cap and operation != "ASK":
        info["max_results"] = cap
    timeout = settings.query_timeout
    deadline = time.monotonic() + timeout
    union = not dataset and not sparqltext.has_dataset_clause(query)
    server_accept = "application/n-triples" if graph_result else fmt.media_type
    for attempt in [capped, text] if capped else [text]:
        assert attempt is not None
        try:
            response = store.send_query(attempt, server_accept, union=union,
                                        default_graphs=dataset.default_graphs if dataset else (),
                                        named_graphs=dataset.named_graphs if dataset else (), timeout=timeout)
        except StoreError as err:
            raise _unavailable(err, timeout) from None
        if 200 <= response.status < 300:
            break
        error = _refused(response)
        if not (attempt is capped and error.code == 400):  # a cap that does not parse: run the query as written
            raise error
    if graph_result:
        return _reserialised(response, RdfFormat.N_TRIPLES, fmt, cap, deadline, timeout, info)
    sent = response.header("Content-Type").split(";")[0].strip().lower()
    if sent not in (fmt.media_type, *fmt.aliases):
        response.close()
        log.error("remote store %s answered %r when asked for %s", shown(response.url), sent, fmt.media_type)
        raise SparqlError(502, f"the remote store answered {sent or 'no Content-Type'} instead of {fmt.media_type}")
    first = _first_chunk(response, deadline, timeout)
    return QueryOutput(str(info["content_type"]), fmt.name, _Relay(response, first, deadline, timeout), info)


def forward_graph(store: RemoteStore, *, graph: str | None, dataset: bool = False, accept: str | None = None,
                  requested_format: str | None = None, head: bool = False) -> QueryOutput:
    """:func:`kg.web.execute.read_graph` for a remote store: a Graph Store ``GET`` on the server."""
    if dataset:
        fmt, media_type = _negotiate(formats.DATASET, "a dataset", accept, requested_format)
        params: dict[str, str] = {}
    else:
        fmt, media_type = _negotiate(formats.GRAPH_OR_DATASET, "a graph", accept, requested_format)
        params = {"default": ""} if graph is None else {"graph": graph}
    source = RdfFormat.N_QUADS if dataset else RdfFormat.N_TRIPLES
    timeout = _settings().query_timeout
    deadline = time.monotonic() + timeout
    try:
        response = request("GET", store.endpoints.gsp, params=params, headers={"Accept": source.media_type},
                           timeout=timeout)
    except StoreError as err:
        raise _unavailable(err, timeout) from None
    if response.status == 404 and graph is not None:
        response.close()
        raise SparqlError(404, f"no graph <{graph}> in the store")
    if not 200 <= response.status < 300:
        raise _refused(response)
    info: dict[str, Any] = {"content_type": fmt.content_type(media_type), "format": fmt.name}
    if head:
        response.close()
        return QueryOutput(str(info["content_type"]), fmt.name, iter(()), info)
    return _reserialised(response, source, fmt, 0, deadline, timeout, info)
