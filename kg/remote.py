"""A remote SPARQL server as the graph store: writes with the Graph Store Protocol (or SPARQL
Update), reads with the SPARQL 1.1 Protocol. Works with any standard server; defaults fit
``oxigraph serve`` (``/query``, ``/update``, ``/store`` under the store URL).

Each article graph is replaced in one request (``PUT /store?graph=IRI``, or one
``DROP SILENT GRAPH …; INSERT {…} WHERE {}`` update), which standard servers apply atomically, so
a build killed half way leaves every graph either old or new; a re-run finishes the job
(the per-graph input hashes say what is left). After a successful build the graph
:data:`BUILD_GRAPH` names the build (``dcterms:identifier``): what ``current_name`` returns
and what the web endpoint reports as the served generation.

:class:`RemoteStore` also acts as a small read-only pyoxigraph ``Store`` (``query``,
``dump``), so ``kg query``/``kg dump``/``kg stats`` and the web pages work unchanged.
Every failure (refused, reset, timed out, an HTTP error) is a :class:`kg.store.StoreError`
naming the URL, the status and the start of the server's answer.

>>> endpoints = Endpoints.resolve("http://localhost:7878")
>>> endpoints.query, endpoints.gsp
('http://localhost:7878/query', 'http://localhost:7878/store')
>>> Endpoints.resolve("http://h:3030/ds/", query="query", update="update", gsp="data").gsp
'http://h:3030/ds/data'
"""

from __future__ import annotations

import base64
import contextlib
import http.client
import io
import secrets
import socket
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, BinaryIO
from urllib.parse import urlencode, urljoin, urlsplit, urlunsplit

from pyoxigraph import (
    NamedNode,
    Quad,
    QueryBoolean,
    QueryResultsFormat,
    QuerySolutions,
    RdfFormat,
    Triple,
    parse,
    parse_query_results,
    serialize,
)

from kg import iris
from kg.store import ARTICLE_HASHES_QUERY, StoreError
from kg.vocab import KGO

if TYPE_CHECKING:
    from kg.config import Settings

#: the graph naming the last successful build (its ``dcterms:identifier``)
BUILD_GRAPH = iris.GRAPH_BASE + "build"
_DCT = "http://purl.org/dc/terms/"
_BUILD_ID = f"SELECT ?id WHERE {{ GRAPH <{BUILD_GRAPH}> {{ <{BUILD_GRAPH}> <{_DCT}identifier> ?id }} }} LIMIT 1"
ERROR_BYTES = 300
CHUNK_BYTES = 64 * 1024
WRITE_METHODS = ("gsp", "update")
Result = QuerySolutions | QueryBoolean | Iterator[Triple]


@dataclass(frozen=True)
class Endpoints:
    """Where to send queries, updates and Graph Store requests."""

    query: str
    update: str
    gsp: str

    @classmethod
    def resolve(cls, base: str, query: str = "", update: str = "", gsp: str = "") -> Endpoints:
        """Each endpoint as given (a URL, or a path relative to ``base``), oxigraph's by default."""
        root = base if base.endswith("/") else base + "/"
        return cls(urljoin(root, query or "query"), urljoin(root, update or "update"), urljoin(root, gsp or "store"))


@dataclass(frozen=True)
class RemoteOptions:
    """How to talk to the server (from :class:`kg.config.Settings`)."""

    endpoints: Endpoints
    write: str = "gsp"  # "gsp": PUT/DELETE per graph; "update": one DROP + INSERT request per graph
    union_param: str = "union-default-graph"  # query parameter asking for the union default graph; "" none
    timeout: float = 30.0

    @classmethod
    def from_settings(cls, location: str, settings: Settings) -> RemoteOptions:
        """The options the ``remote_*`` settings (and the query timeout) describe."""
        if settings.remote_write not in WRITE_METHODS:
            raise StoreError(f"remote_write must be one of {', '.join(WRITE_METHODS)}, not {settings.remote_write!r}")
        endpoints = Endpoints.resolve(location, settings.remote_query, settings.remote_update, settings.remote_gsp)
        union = "" if settings.remote_union_param.lower() in ("", "none") else settings.remote_union_param
        return cls(endpoints, settings.remote_write, union, settings.query_timeout)


def shown(url: str) -> str:
    """``url`` without credentials, for messages.

    >>> shown("http://me:secret@host:7878/query")
    'http://host:7878/query'
    """
    parts = urlsplit(url)
    host = parts.hostname or ""
    netloc = f"[{host}]" if ":" in host else host
    if parts.port:
        netloc += f":{parts.port}"
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, ""))


class Response:
    """A streamed HTTP answer: ``status``, ``headers``, and the body read chunk by chunk."""

    def __init__(self, conn: http.client.HTTPConnection, raw: http.client.HTTPResponse, url: str) -> None:
        self.conn = conn
        self.raw = raw
        self.url = url
        self.status = raw.status

    def header(self, name: str) -> str:
        """The value of header ``name`` ("" if absent)."""
        return self.raw.getheader(name) or ""

    def read(self, size: int = CHUNK_BYTES, deadline: float | None = None) -> bytes:
        """Up to ``size`` bytes (b"" at the end); a read past ``deadline`` raises :class:`TimeoutError`."""
        if deadline is not None:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("deadline passed")
            if self.conn.sock is not None:
                self.conn.sock.settimeout(remaining)
        try:
            return self.raw.read1(size) if size > 0 else self.raw.read()
        except (OSError, http.client.HTTPException) as err:
            raise _failure(err, "reading the answer of", self.url) from None

    def chunks(self, deadline: float | None = None) -> Iterator[bytes]:
        """The rest of the body, chunk by chunk."""
        while chunk := self.read(CHUNK_BYTES, deadline):
            yield chunk

    def file(self) -> BinaryIO:
        """The body as a readable file (for parsers)."""
        return io.BufferedReader(_Raw(self), CHUNK_BYTES)  # type: ignore[arg-type]

    def close(self) -> None:
        """Drop the connection (the server stops sending)."""
        self.raw.close()
        self.conn.close()


class _Raw(io.RawIOBase):
    """A raw readable file over a :class:`Response` body."""

    def __init__(self, response: Response) -> None:
        super().__init__()
        self.response = response

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.response.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def _failure(err: BaseException, action: str, url: str) -> StoreError:
    if isinstance(err, TimeoutError | socket.timeout):
        what = "timed out"
    elif isinstance(err, ConnectionRefusedError):
        what = "connection refused (is the server running?)"
    elif isinstance(err, ConnectionResetError | http.client.RemoteDisconnected | BrokenPipeError):
        what = "the server closed the connection"
    elif isinstance(err, http.client.IncompleteRead):
        what = "the answer was cut short"
    else:
        what = str(err) or type(err).__name__
    return StoreError(f"remote store {shown(url)}: {what} while {action} it")


def request(method: str, url: str, *, body: bytes | None = None, headers: Mapping[str, str] | None = None,
            params: Mapping[str, str] | Iterable[tuple[str, str]] = (), timeout: float = 30.0) -> Response:
    """Send one request and return the answer once its headers arrived (any status)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise StoreError(f"not an http(s) URL: {shown(url)}")
    query = urlencode(list(params.items()) if isinstance(params, Mapping) else list(params))
    target = (parts.path or "/") + ("?" + parts.query if parts.query else "")
    if query:
        target += ("&" if parts.query else "?") + query
    send = {"User-Agent": "kg-remote", **(headers or {})}
    if parts.username is not None:
        token = f"{parts.username}:{parts.password or ''}".encode()
        send["Authorization"] = "Basic " + base64.b64encode(token).decode("ascii")
    kind = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    conn = kind(parts.hostname, parts.port, timeout=timeout)
    try:
        conn.request(method, target, body=body, headers=send)
        raw = conn.getresponse()
    except (OSError, http.client.HTTPException) as err:
        conn.close()
        raise _failure(err, f"sending {method} to", url) from None
    return Response(conn, raw, url)


def check(response: Response, action: str) -> Response:
    """``response`` if it succeeded (2xx); otherwise a StoreError quoting the server's answer."""
    if 200 <= response.status < 300:
        return response
    try:
        text = response.read(ERROR_BYTES).decode("utf-8", "replace")
    except StoreError:
        text = ""
    finally:
        response.close()
    message = " ".join(text.split())
    raise StoreError(f"remote store {shown(response.url)}: HTTP {response.status} {response.raw.reason} while "
                     f"{action}" + (f": {message}" if message else ""))


def values_clause(substitutions: Mapping[Any, Any]) -> str:
    """A trailing ``VALUES`` block binding each variable to its term (portable substitutions).

    >>> from pyoxigraph import Variable
    >>> values_clause({Variable("a"): NamedNode("http://x")})
    '\\nVALUES (?a) { (<http://x>) }\\n'
    """
    names = " ".join(f"?{var.value}" for var in substitutions)
    terms = " ".join(str(term) for term in substitutions.values())
    return f"\nVALUES ({names}) {{ ({terms}) }}\n"


def _ntriples(quads: Iterable[Quad] | bytes) -> bytes:
    """The graph's triples as N-Triples; ``quads`` may be N-Quads bytes (see :meth:`kg.store.Writer.replace_graph`)."""
    if isinstance(quads, bytes):
        quads = parse(quads, format=RdfFormat.N_QUADS)
    return serialize((q.triple for q in quads), format=RdfFormat.N_TRIPLES) or b""


class RemoteWriter:
    """Changes to the remote store, one graph per request (see :class:`kg.store.Writer`)."""

    def __init__(self, store: RemoteStore) -> None:
        self.store = store
        self.changed = 0

    def article_hashes(self) -> dict[str, str]:
        """Article id → content hash of every article graph on the server."""
        solutions = self.store.query(ARTICLE_HASHES_QUERY)
        assert isinstance(solutions, QuerySolutions)
        return {row["id"].value: row["hash"].value for row in solutions}

    def graph_hash(self, graph_iri: str) -> str | None:
        """The ``kgo:inputHash`` the named graph records about itself, if any."""
        graph = NamedNode(graph_iri)
        solutions = self.store.query(f"SELECT ?h WHERE {{ GRAPH {graph} {{ {graph} <{KGO.inputHash}> ?h }} }} LIMIT 1")
        assert isinstance(solutions, QuerySolutions)
        return next((row["h"].value for row in solutions), None)

    def replace_graph(self, graph_iri: str, quads: Iterable[Quad] | bytes) -> None:
        """Replace the named graph with ``quads`` (or its N-Quads bytes) in one request."""
        self.store.put_graph(graph_iri, _ntriples(quads))
        self.changed += 1

    def replace_graphs(self, graphs: Iterable[tuple[str, Iterable[Quad] | bytes]]) -> None:
        """:meth:`replace_graph` for each (graph IRI, quads) pair, as ``graphs`` yields them."""
        for graph_iri, quads in graphs:
            self.replace_graph(graph_iri, quads)

    def remove_graph(self, graph_iri: str) -> None:
        """Drop a named graph if it exists."""
        if self.store.has_graph(graph_iri):
            self.store.drop_graph(graph_iri)
            self.changed += 1


class RemoteStore:
    """A SPARQL server used as the graph store (writer and read-only ``Store`` in one)."""

    def __init__(self, location: str, options: RemoteOptions | None = None) -> None:
        if options is None:
            from kg.config import load_settings

            options = RemoteOptions.from_settings(location, load_settings())
        self.location = location
        self.path = shown(location)  # what messages and caches call the store
        self.options = options
        self.endpoints = options.endpoints
        # as GenerationStore's; kg never compacts a remote store
        self.compaction_seconds: float | None = None
        self.compaction_problem: str | None = None

    def __repr__(self) -> str:
        return f"<RemoteStore {self.path}>"

    # -- protocol requests -----------------------------------------------------------------
    def send_query(self, query: str, accept: str, *, union: bool = False, default_graphs: Iterable[str] = (),
                   named_graphs: Iterable[str] = (), timeout: float | None = None) -> Response:
        """POST ``query`` (SPARQL 1.1 Protocol); the answer whatever its status, body unread."""
        params = [("default-graph-uri", g) for g in default_graphs] + [("named-graph-uri", g) for g in named_graphs]
        if union and self.options.union_param:
            params.append((self.options.union_param, "true"))
        body = urlencode([("query", query), *params]).encode()
        return request("POST", self.endpoints.query, body=body, timeout=timeout or self.options.timeout,
                       headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": accept})

    def _update(self, update: str, action: str) -> None:
        # the form-encoded variant of the protocol: every server takes it (Virtuoso 7 no other)
        check(request("POST", self.endpoints.update, body=urlencode({"update": update}).encode(),
                      timeout=self.options.timeout, headers={"Content-Type": "application/x-www-form-urlencoded"}),
              action).close()

    def put_graph(self, graph_iri: str, ntriples: bytes) -> None:
        """Replace one named graph atomically (GSP ``PUT``, or one DROP + INSERT update)."""
        action = f"replacing graph <{graph_iri}> in"
        if self.options.write == "update":  # INSERT … WHERE {}, not INSERT DATA: Virtuoso 7 refuses blank nodes there
            self._update(f"DROP SILENT GRAPH <{graph_iri}> ;\nINSERT {{ GRAPH <{graph_iri}> {{\n"
                         + ntriples.decode() + "} } WHERE {}", action)
            return
        check(request("PUT", self.endpoints.gsp, body=ntriples, params={"graph": graph_iri},
                      headers={"Content-Type": "application/n-triples"}, timeout=self.options.timeout),
              action).close()

    def drop_graph(self, graph_iri: str) -> None:
        """Drop one named graph (absent already: nothing happens)."""
        action = f"dropping graph <{graph_iri}> in"
        if self.options.write == "update":
            self._update(f"DROP SILENT GRAPH <{graph_iri}>", action)
            return
        response = request("DELETE", self.endpoints.gsp, params={"graph": graph_iri}, timeout=self.options.timeout)
        if response.status == 404:
            response.close()
            return
        check(response, action).close()

    def has_graph(self, graph_iri: str) -> bool:
        """Whether the server holds a non-empty graph ``graph_iri``."""
        solutions = self.query(f"SELECT ?s WHERE {{ GRAPH <{graph_iri}> {{ ?s ?p ?o }} }} LIMIT 1")
        assert isinstance(solutions, QuerySolutions)  # not ASK: Virtuoso 7 answers it in a non-standard JSON
        return any(True for _ in solutions)

    # -- a read-only pyoxigraph Store ------------------------------------------------------
    def query(self, query: str, *, use_default_graph_as_union: bool = False,
              substitutions: Mapping[Any, Any] | None = None, default_graph: Any = None,
              named_graphs: Any = None, base_iri: str | None = None) -> Result:
        """Like ``pyoxigraph.Store.query``; a CONSTRUCT/DESCRIBE gives an iterator of triples.

        Triples are parsed as they arrive. Substitutions become a trailing ``VALUES`` block.
        """
        from kg.web.sparqltext import operation

        text = (f"BASE <{base_iri}>\n" if base_iri else "") + query
        if substitutions:
            text += values_clause(substitutions)
        graph_result = operation(query) in ("CONSTRUCT", "DESCRIBE")
        accept = "application/n-triples" if graph_result else "application/sparql-results+json"
        defaults = [g.value for g in default_graph] if isinstance(default_graph, list) else []
        named = [g.value for g in named_graphs or ()]
        response = check(self.send_query(text, accept, union=use_default_graph_as_union, default_graphs=defaults,
                                          named_graphs=named), f"querying {self.path} through")
        if graph_result:
            return _triples(response)
        try:  # read whole: solutions are small here (the web endpoint streams them, kg.web.remote_query)
            data = b"".join(response.chunks())
        finally:
            response.close()
        try:
            return parse_query_results(data, QueryResultsFormat.JSON)
        except (SyntaxError, ValueError) as err:
            raise StoreError(f"remote store {shown(response.url)}: unreadable query results: {err}") from None

    def named_graphs(self) -> Iterator[NamedNode]:
        """The named graphs on the server (one query)."""
        solutions = self.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
        assert isinstance(solutions, QuerySolutions)
        return (row["g"] for row in solutions)  # type: ignore[misc]

    def dump(self, output: BinaryIO, format: RdfFormat, *, prefixes: Mapping[str, str] | None = None,
             from_graph: Any = None) -> None:
        """Write one graph (``from_graph``: a ``NamedNode`` or ``DefaultGraph``) or the whole dataset to
        ``output`` with one Graph Store ``GET``; the dataset in a triple format is its merged triples."""
        if from_graph is None:
            params, source, what = {}, RdfFormat.N_QUADS, "the dataset"
        elif isinstance(from_graph, NamedNode):
            params, source, what = {"graph": from_graph.value}, RdfFormat.N_TRIPLES, f"graph {from_graph}"
        else:
            params, source, what = {"default": ""}, RdfFormat.N_TRIPLES, "the default graph"
        response = request("GET", self.endpoints.gsp, params=params, headers={"Accept": source.media_type},
                           timeout=self.options.timeout)
        if response.status == 404 and from_graph is not None:  # an absent graph is an empty one
            response.close()
            return
        check(response, f"reading {what} of {self.path} from")
        try:
            if format == source and not prefixes:
                for chunk in response.chunks():
                    output.write(chunk)
                return
            quads: Iterator[Any] = parse(response.file(), format=source)
            if not format.supports_datasets:
                quads = (quad.triple for quad in quads)
            serialize(quads, output, format, prefixes=prefixes)  # type: ignore[arg-type]
        except SyntaxError as err:
            raise StoreError(f"remote store {shown(response.url)}: unreadable {what}: {err}") from None
        finally:
            response.close()

    # -- the store protocol of kg.build ------------------------------------------------------
    def current_name(self) -> str | None:
        """The id of the last successful build on the server, or None when there is none."""
        solutions = self.query(_BUILD_ID)
        assert isinstance(solutions, QuerySolutions)
        return next((row["id"].value for row in solutions), None)

    def exists(self) -> bool:
        """Whether a build has completed on the server."""
        return self.current_name() is not None

    def open_read(self) -> RemoteStore:
        """This store, for reading (the same object: every read is a request)."""
        if not self.exists():
            raise StoreError(f"{self.path}: no graph built yet (run `kg build --store {self.path}`)")
        return self

    @contextlib.contextmanager
    def update(self) -> Iterator[RemoteWriter]:
        """Yield a writer; after the block succeeds, record a new build id if anything changed.

        There is no transaction across graphs: a failure leaves the graphs written so far
        in place (each complete), says how many, and the next build finishes the work.
        """
        writer = RemoteWriter(self)
        try:
            had_build = self.exists()
            yield writer
        except StoreError as err:
            done = f"; {writer.changed} graph(s) were already replaced, each completely; run the build again to " \
                   "finish" if writer.changed else ""
            raise StoreError(f"{err}{done}") from None
        if writer.changed or not had_build:
            self.mark_build()

    def mark_build(self) -> str:
        """Record a new build id in :data:`BUILD_GRAPH` (after a build, or after loading data by hand)."""
        now = datetime.now(UTC)
        build_id = f"build-{now:%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}"
        graph = NamedNode(BUILD_GRAPH)
        stamp = f'"{now.isoformat(timespec="seconds")}"^^<http://www.w3.org/2001/XMLSchema#dateTime>'
        body = f'{graph} <{_DCT}identifier> "{build_id}" .\n{graph} <{_DCT}modified> {stamp} .\n'
        self.put_graph(BUILD_GRAPH, body.encode())
        return build_id


def _triples(response: Response) -> Iterator[Triple]:
    try:
        yield from (quad.triple for quad in parse(response.file(), format=RdfFormat.N_TRIPLES))
    except SyntaxError as err:
        raise StoreError(f"remote store {shown(response.url)}: unreadable graph: {err}") from None
    finally:
        response.close()

