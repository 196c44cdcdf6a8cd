"""Queries: kg's /sparql (and /queries/<name>) over HTTP vs ``oxigraph serve-read-only`` vs pyoxigraph
in-process, sequential p50/p95 per query and a bounded concurrent run."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from urllib.parse import quote

from pyoxigraph import RdfFormat, Store

from bench import http_load
from bench.http_load import Endpoint, LoadResult
from bench.inproc import Job, run_all
from bench.measure import percentile
from bench.queryset import LIGHT_QUERY, NamedQuery, benchmark_queries, reference
from bench.report import Context, Row, ratio
from bench.sec_store import Loaded, generation
from kg import iris

MAX_CONCURRENT_REQUESTS = 200_000
RDFLIB_MAX_TRIPLES = 1_000_000  # rdflib-endpoint holds the graph in Python objects: "for the record" at 1M only


class Server:
    """A server started for the benchmark, restarted when a timed-out query may still be running in it."""

    def __init__(self, factory: Callable[[], AbstractContextManager[Endpoint]]) -> None:
        self.factory = factory
        self.cm: AbstractContextManager[Endpoint] | None = None
        self.endpoint = self.start()

    def start(self) -> Endpoint:
        self.cm = self.factory()
        return self.cm.__enter__()

    def stop(self) -> None:
        if self.cm is not None:
            self.cm.__exit__(None, None, None)
            self.cm = None

    def after(self, result: LoadResult) -> LoadResult:
        """Restart if a request timed out (its query may still hold a worker)."""
        if result.timeouts:
            self.stop()
            self.endpoint = self.start()
        return result


def _ms(values: list[float], pct: float) -> float:
    return percentile(values, pct) * 1000


def _lat(result: LoadResult) -> str:
    if not result.latencies:
        return f"failed: {result.first_error or 'no result'}"
    text = f"{_ms(result.latencies, 50):,.1f} / {_ms(result.latencies, 95):,.1f} ms"
    return text + (f", {result.errors} errors (first: {result.first_error})" if result.errors else "")


def _p50(result: LoadResult) -> float:
    return _ms(result.latencies, 50)


def _kg_available() -> str | None:
    """None if kg's web app can be served, else why not."""
    try:
        from kg.web import create_app  # noqa: F401
    except ImportError as err:
        return f"kg.web.create_app is not there yet ({err})"
    return None


def run(ctx: Context, loaded: Loaded, size: str, triples: int) -> None:
    source, queries = benchmark_queries()
    if ctx.quick:  # a smoke test: a few of each kind
        queries = [q for q in queries if not q.name.startswith("ref/")][:3] + \
                  [q for q in queries if q.name.startswith("ref/")][:3]
        source += ", 3 + 3 of them with --quick"
    ctx.notes.append(
        f"query {size}: {source} queries; p50 / p95 over up to {ctx.requests} sequential requests after a warm-up "
        f"(none started after {ctx.budget:.0f} s); query timeout {ctx.query_timeout:.0f} s in every backend. "
        "/sparql and oxigraph serve get the same text (parameter defaults as a VALUES clause where substitution "
        "binds them); /queries/<name> answers from kg's result cache after its first request; it "
        "and in-process 'canned' bind them as Oxigraph substitutions, as kg.queries.run_canned does. "
        "HTTP results as SPARQL JSON / N-Triples; in-process = query + serialize to the same format")
    gen_dir = generation(loaded.store)
    _duplicates(ctx, gen_dir, size)
    copy = ctx.work / f"oxigraph-copy-{size}"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(gen_dir, copy)
    servers: dict[str, Server] = {}
    try:
        try:
            servers["ox"] = Server(lambda: http_load.oxigraph_serve(copy, ctx.work / "oxigraph.log",
                                                                    int(ctx.query_timeout)))
        except RuntimeError as err:
            ctx.skip(f"oxigraph serve {size}", str(err))
        why_not = _kg_available()
        if why_not:
            ctx.skip(f"kg /sparql over HTTP {size}", why_not)
        else:
            try:
                servers["kg"] = Server(lambda: http_load.kg_serve(loaded.store, ctx.work / "kg-serve.log",
                                                                  int(ctx.query_timeout)))
            except RuntimeError as err:
                ctx.skip(f"kg serve {size}", str(err))
        kg_p50: dict[str, LoadResult] = {}
        for q in queries:
            kg_p50[q.name] = _one_query(ctx, servers, loaded, q, size)
        _concurrent(ctx, servers, size)
        for server in servers.values():
            server.stop()
        if triples <= RDFLIB_MAX_TRIPLES:
            _rdflib_pass(ctx, gen_dir, queries, kg_p50, size)
    finally:
        for server in servers.values():
            server.stop()
        shutil.rmtree(copy, ignore_errors=True)


_DUPLICATES = (
    ("rdfs:label", "<http://www.w3.org/2000/01/rdf-schema#label>"),
    ("rdf:type", "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"),
)


def _duplicates(ctx: Context, gen_dir: Path, size: str) -> None:
    """How often one triple matches over the union default graph (once per graph that repeats it)."""
    store = Store.read_only(str(gen_dir))
    for name, predicate in _DUPLICATES:
        union = f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s {predicate} ?o }}"
        distinct = f"SELECT (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?s ?o WHERE {{ ?s {predicate} ?o }} }}"
        counts = [int(next(iter(store.query(q, use_default_graph_as_union=True)))["n"].value)  # type: ignore[index]
                  for q in (union, distinct)]
        top = f"""SELECT ?s (COUNT(*) AS ?n) WHERE {{ ?s {predicate} ?o }} GROUP BY ?s ?o ORDER BY DESC(?n) LIMIT 1"""
        worst = next(iter(store.query(top, use_default_graph_as_union=True)), None)
        most = f"; one triple of {iris.local_key(worst['s'].value)} matches {worst['n'].value}×" if worst else ""  # type: ignore[index]
        ctx.add(Row("query", size, f"{name} matches over the union default graph", "rows a pattern sees",
                    f"{counts[0]:,}{most}", "distinct triples", f"{counts[1]:,}", ratio(counts[0], counts[1])))
    del store


def _http(ctx: Context, server: Server, query: str) -> LoadResult:
    result = http_load.sequential(server.endpoint, query, ctx.requests, ctx.budget,
                                  timeout=ctx.query_timeout + 10)
    return server.after(result)


def _local(ctx: Context, store: Path, job: Job) -> LoadResult:
    return run_all(generation(store), [job], ctx.requests, ctx.budget, ctx.query_timeout + 5,
                   ctx.work / "job.json")[job.key]


def _one_query(ctx: Context, servers: dict[str, Server], loaded: Loaded, q: NamedQuery, size: str) -> LoadResult:
    """One query on every backend, back to back (so a noisy neighbour hits all of them alike); kg's result."""
    local_text = _local(ctx, loaded.store, Job(q.name, q.text))
    http = {k: _http(ctx, s, q.text) for k, s in servers.items()}
    measure = f"{q.name}: /sparql p50 / p95"
    if "kg" in http:
        if "ox" in http:
            ctx.add(Row("query", size, measure, "kg /sparql", _lat(http["kg"]), "oxigraph serve-read-only",
                        _lat(http["ox"]), ratio(_p50(http["kg"]), _p50(http["ox"]))))
        ctx.add(Row("query", size, measure, "kg /sparql", _lat(http["kg"]), "pyoxigraph in-process",
                    _lat(local_text), ratio(_p50(http["kg"]), _p50(local_text))))
    elif "ox" in http:
        ctx.add(Row("query", size, measure, "oxigraph serve-read-only", _lat(http["ox"]),
                    "pyoxigraph in-process", _lat(local_text), ratio(_p50(http["ox"]), _p50(local_text))))
    else:
        ctx.add(Row("query", size, measure, "pyoxigraph in-process", _lat(local_text)))
    if loaded.optimized is not None and local_text.latencies:
        optimized = _local(ctx, loaded.optimized, Job(q.name, q.text))
        ctx.add(Row("query", size, f"{q.name}: in-process p50 / p95", "kg-written generation", _lat(local_text),
                    "same after Store.optimize()", _lat(optimized), ratio(_p50(local_text), _p50(optimized))))
    if q.canned and "kg" in servers:
        mine = _local(ctx, loaded.store, Job(q.name, q.text, q.name)) if q.params else local_text
        canned = _http(ctx, servers["kg"], "/queries/" + quote(q.name))
        ctx.add(Row("query", size, f"{q.name}: canned p50 / p95", f"kg /queries/{q.name} (result cache)",
                    _lat(canned), "in-process run_canned (substitutions)", _lat(mine), ratio(_p50(canned), _p50(mine))))
    return http.get("kg", LoadResult())


def _rdflib_pass(ctx: Context, gen_dir: Path, queries: list[NamedQuery], kg: dict[str, LoadResult],
                 size: str) -> None:
    """rdflib-endpoint on the same graph, for the record: one request per query, after every other
    measurement (it cannot cancel a query: a runaway one keeps a thread busy until it ends)."""
    nq = ctx.work / f"rdflib-{size}.nq"
    try:
        with open(nq, "wb") as out:
            Store.read_only(str(gen_dir)).dump(out, RdfFormat.N_QUADS)
        started = time.perf_counter()
        with http_load.rdflib_endpoint_serve(nq, ctx.work / "rdflib-endpoint.log") as endpoint:
            loading = time.perf_counter() - started
            ctx.notes.append(f"rdflib-endpoint {size}: loading the N-Quads took {loading:,.0f} s; "
                             "one request per query, client timeout "
                             f"{ctx.query_timeout:.0f} s; the ratio is rdflib-endpoint ÷ kg /sparql")
            for q in queries:
                result = http_load.sequential(endpoint, q.text, 1, 0, timeout=ctx.query_timeout)
                mine = kg.get(q.name, LoadResult())
                ctx.add(Row("query", size, f"{q.name}: /sparql p50", "rdflib-endpoint", _lat(result),
                            "kg /sparql", _lat(mine),
                            ratio(_p50(result), _p50(mine)) if result.latencies and mine.latencies else None))
    except RuntimeError as err:
        ctx.skip(f"rdflib-endpoint {size}", str(err))
    finally:
        nq.unlink(missing_ok=True)


def _concurrent(ctx: Context, servers: dict[str, Server], size: str) -> None:
    """The reference set as a mix (canned queries may just time out), then a one-triple lookup."""
    if not servers:
        return
    mix = reference()
    for label, texts in ((f"mix of the {len(mix)} reference queries", [q.text for q in mix]),
                         ("one-triple lookup", [LIGHT_QUERY])):
        runs = {k: s.after(http_load.concurrent(s.endpoint, texts, ctx.clients, ctx.duration,
                                                MAX_CONCURRENT_REQUESTS, timeout=ctx.query_timeout + 10))
                for k, s in servers.items()}
        measure = f"{ctx.clients} clients × {ctx.duration:.0f} s, {label}"

        def show(r: LoadResult) -> str:
            return f"{r.throughput:,.1f} req/s, {_lat(r)}" + ("" if r.errors else ", 0 errors")

        if "kg" in runs and "ox" in runs:
            kg, ox = runs["kg"], runs["ox"]
            ctx.add(Row("query load", size, measure, "kg /sparql", show(kg), "oxigraph serve-read-only", show(ox),
                        ratio(ox.throughput, kg.throughput)))
        else:
            for key, r in runs.items():
                ctx.add(Row("query load", size, measure, servers[key].endpoint.name, show(r)))
