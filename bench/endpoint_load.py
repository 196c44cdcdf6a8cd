"""Bounded HTTP load on the SPARQL endpoint: ``kg serve`` next to ``oxigraph serve-read-only``.

Both servers get a private copy of the same store and run one after the other on 127.0.0.1
(the machine is shared, so never at the same time). N client threads, each with a keep-alive
connection, send a seeded random mix of the canned queries (``queries/*.rq``, parameters
bound by a trailing ``VALUES``) and ad-hoc selective queries (lookups of entities found in the
graph, ASK, small aggregates) for at most D seconds and at most R requests in all. Canned
queries that take over a second on their own are left out (and listed): they measure the
query, not the endpoint.
Prints requests, throughput, p50/p95/p99 latency and errors per server::

    python -m bench.endpoint_load --store data/store --clients 16 --duration 30 --max-requests 50000

With ``--latency`` it measures instead, per query, the single-client p50/p95 of a request with
next to nothing to evaluate (the fixed cost), of selective lookups (one triple, an entity's
triples, DESCRIBE, one meeting's participants) and of the
queries of ``--queries-dir`` (``*.rq``, as written) that take under a second, then the throughput of
``--clients`` clients sending the one-triple lookup; both servers in alternating rounds (so a busy spell
of the shared machine hits both), with the server CPU time per request (all its
processes), which load on the machine barely changes::

    python -m bench.endpoint_load --store data/store --latency --rounds 2 --requests 200

Exit code 1 if a server answered with an error (non-200) or a request failed.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from bench import http_load

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
ACCEPTS = ["application/sparql-results+json"] * 6 + ["application/sparql-results+xml", "text/csv"]


@dataclass(frozen=True)
class Request:
    kind: str  # canned | adhoc
    query: str
    accept: str
    post: bool


@dataclass
class Stats:
    server: str
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    by_kind: dict[str, list[float]] = field(default_factory=dict)
    elapsed: float = 0.0

    def summary(self) -> dict[str, float | int | str]:
        ms = sorted(x * 1000 for x in self.latencies) or [0.0]

        def pct(p: float) -> float:
            return round(ms[min(len(ms) - 1, int(p * len(ms)))], 2)

        return {"server": self.server, "requests": len(self.latencies), "errors": len(self.errors),
                "throughput_rps": round(len(self.latencies) / self.elapsed, 1) if self.elapsed else 0.0,
                "p50_ms": pct(0.50), "p95_ms": pct(0.95), "p99_ms": pct(0.99),
                "mean_ms": round(statistics.fmean(ms), 2),
                **{f"{kind}_p50_ms": round(sorted(v)[len(v) // 2] * 1000, 2) for kind, v in self.by_kind.items() if v}}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait(port: int, proc: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited:\n{log.read_text()[-3000:]}")
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        try:
            conn.request("GET", "/query?query=ASK%7B%7D" if "oxigraph" in str(proc.args) else "/sparql?query=ASK%7B%7D")
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        finally:
            conn.close()
        time.sleep(0.2)
    raise RuntimeError(f"server did not start:\n{log.read_text()[-3000:]}")


@contextlib.contextmanager
def server(name: str, store: Path, workdir: Path, workers: int) -> Iterator[tuple[int, str]]:
    """Start ``kg`` or ``oxigraph`` on a copy of ``store``; yield (port, query path)."""
    port = free_port()
    copy = workdir / name
    shutil.copytree(store, copy)
    log = workdir / f"{name}.log"
    if name == "kg":
        args = [str(BIN / "kg"), "serve", "--store", str(copy), "--host", "127.0.0.1", "--port", str(port),
                "--workers", str(workers)]
        path = "/sparql"
    else:
        generation = (copy / "CURRENT").read_text().strip()
        args = [str(BIN / "oxigraph"), "serve-read-only", "--location", str(copy / "generations" / generation),
                "--bind", f"127.0.0.1:{port}", "--union-default-graph", "--timeout-s", "30"]
        path = "/query"
    with open(log, "wb") as out:
        proc = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, start_new_session=True, cwd=ROOT)
    try:
        _wait(port, proc, log)
        yield port, path
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def _send(conn: http.client.HTTPConnection, path: str, req: Request) -> tuple[int, bytes]:
    headers = {"Accept": req.accept}
    if req.post:
        body = urllib.parse.urlencode({"query": req.query})
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request("POST", path, body=body, headers=headers)
    else:
        conn.request("GET", f"{path}?{urllib.parse.urlencode({'query': req.query})}", headers=headers)
    response = conn.getresponse()
    return response.status, response.read()


def canned_queries(queries_dir: Path) -> list[str]:
    """The canned queries as written, parameters unbound (so over every actor, speaker …): plain
    SPARQL that any server runs (kg binds parameters by substitution, which others lack)."""
    from kg.queries import list_queries

    return [query.text for query in list_queries(queries_dir)]


def adhoc_queries(subjects: list[str]) -> list[str]:
    """Selective lookups of the given subjects, and a few small aggregates."""
    out = []
    for s in subjects:
        out += [f"SELECT ?p ?o WHERE {{ <{s}> ?p ?o }} LIMIT 100",
                f"ASK {{ <{s}> ?p ?o }}",
                f"SELECT ?x ?p WHERE {{ ?x ?p <{s}> }} LIMIT 50",
                f"SELECT ?l WHERE {{ <{s}> <http://www.w3.org/2000/01/rdf-schema#label> ?l }}"]
    out += ["SELECT ?t (COUNT(*) AS ?n) WHERE { ?s a ?t } GROUP BY ?t ORDER BY DESC(?n) LIMIT 10",
            "SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE { ?a a <http://schema.org/NewsArticle> }"]
    return out


def _timed(port: int, path: str, query: str) -> tuple[float, int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    started = time.perf_counter()
    try:
        status, body = _send(conn, path, Request("setup", query, "application/sparql-results+json", False))
    finally:
        conn.close()
    return time.perf_counter() - started, status, body


def workload(port: int, path: str, queries_dir: Path, seed: int, size: int = 2000,
             slow_seconds: float = 1.0, canned_share: float = 0.3) -> tuple[list[Request], list[str]]:
    """A seeded list of requests, and the canned queries left out for taking over ``slow_seconds`` alone."""
    _, status, body = _timed(port, path, "SELECT DISTINCT ?s WHERE { ?s a ?t } ORDER BY ?s LIMIT 300")
    if status != 200:
        raise RuntimeError(f"cannot list subjects: {status} {body[:300]!r}")
    subjects = [b["s"]["value"] for b in json.loads(body)["results"]["bindings"] if b["s"]["type"] == "uri"]
    rng = random.Random(seed)
    canned, slow = [], []
    for text in canned_queries(queries_dir):
        took, status, _ = _timed(port, path, text)
        (canned if status == 200 and took < slow_seconds else slow).append(text)
    slow_names = [next((line[len("#+ title:"):].strip() for line in t.splitlines() if line.startswith("#+ title:")),
                       t[:60]) for t in slow]
    adhoc = adhoc_queries(subjects)
    requests = []
    for _ in range(size):
        kind = "canned" if canned and rng.random() < canned_share else "adhoc"
        query = rng.choice(canned if kind == "canned" else adhoc)
        requests.append(Request(kind, query, rng.choice(ACCEPTS), rng.random() < 0.3))
    return requests, slow_names


def load(name: str, port: int, path: str, requests: list[Request], clients: int, duration: float,
         max_requests: int) -> Stats:
    """Run ``clients`` threads until ``duration`` seconds or ``max_requests`` requests in all."""
    stats = Stats(name, by_kind={"canned": [], "adhoc": []})
    lock = threading.Lock()
    counter = iter(range(max_requests))
    deadline = time.monotonic() + duration

    def client(index: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        try:
            while time.monotonic() < deadline:
                with lock:
                    n = next(counter, None)
                if n is None:
                    return
                req = requests[(n * 7919 + index) % len(requests)]
                started = time.perf_counter()
                try:
                    status, body = _send(conn, path, req)
                    ok = status == 200 and body
                    error = None if ok else f"{status} {body[:200]!r} for {req.query[:120]!r}"
                except (OSError, http.client.HTTPException) as err:
                    error = f"{type(err).__name__}: {err} for {req.query[:120]!r}"
                    conn.close()
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                took = time.perf_counter() - started
                with lock:
                    stats.latencies.append(took)
                    stats.by_kind[req.kind].append(took)
                    if error:
                        stats.errors.append(error)
        finally:
            conn.close()

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(duration + 120)
    stats.elapsed = time.monotonic() - started
    return stats


def run(store: Path, *, clients: int = 16, duration: float = 30.0, max_requests: int = 50_000,
        servers: tuple[str, ...] = ("kg", "oxigraph"), workers: int = 4, seed: int = 7,
        queries_dir: Path = ROOT / "queries", canned_share: float = 0.3) -> list[dict]:
    """Load each server in turn; return one summary per server."""
    results = []
    requests: list[Request] | None = None
    slow: list[str] = []
    with tempfile.TemporaryDirectory(prefix="kg-load-") as tmp:
        for name in servers:
            with server(name, store, Path(tmp), workers) as (port, path):
                if requests is None:  # chosen on the first server, then the same for every server
                    requests, slow = workload(port, path, queries_dir, seed, canned_share=canned_share)
                for req in requests[:20]:  # warm up
                    _timed(port, path, req.query)
                stats = load(name, port, path, requests, clients, duration, max_requests)
            summary = stats.summary()
            summary["first_errors"] = stats.errors[:5]
            summary["slow_canned_left_out"] = slow
            results.append(summary)
    return results


def table(results: list[dict]) -> str:
    keys = ["requests", "errors", "throughput_rps", "p50_ms", "p95_ms", "p99_ms", "mean_ms", "canned_p50_ms",
            "adhoc_p50_ms"]
    lines = [f"{'':16}" + "".join(f"{r['server']:>14}" for r in results)]
    for key in keys:
        lines.append(f"{key:16}" + "".join(f"{r.get(key, '-')!s:>14}" for r in results))
    return "\n".join(lines)


RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
KGO = "https://w3id.org/kg-news/ontology#"


def selective_queries(endpoint: http_load.Endpoint) -> dict[str, str]:
    """Named selective queries about one person and one meeting of the served graph."""
    def first(query: str) -> str:
        _, status, body = _timed(endpoint.port, endpoint.path, query)
        rows = json.loads(body)["results"]["bindings"] if status == 200 else []
        if not rows:
            raise RuntimeError(f"no answer to {query!r}: {status} {body[:200]!r}")
        return next(iter(rows[0].values()))["value"]

    person = first("SELECT ?s WHERE { ?s a <http://schema.org/Person> } ORDER BY ?s LIMIT 1 OFFSET 50")
    meeting = first(f"SELECT ?m WHERE {{ ?m a <{KGO}Meeting> }} ORDER BY ?m LIMIT 1")
    return {
        # next to nothing to evaluate: the fixed cost of a request (HTTP, checks, a tiny answer)
        "fixed-cost": "ASK { <urn:kg:bench:none> <urn:kg:bench:none> <urn:kg:bench:none> }",
        "one-triple": f"SELECT ?l WHERE {{ <{person}> <{RDFS_LABEL}> ?l }}",
        "entity-spo": f"SELECT * WHERE {{ <{person}> ?p ?o }}",
        "describe": f"DESCRIBE <{person}>",
        "entity-card": f"CONSTRUCT {{ <{person}> ?p ?o }} WHERE {{ <{person}> ?p ?o }}",
        "meeting": f"SELECT ?other ?label WHERE {{ GRAPH ?g {{ <{meeting}> <{KGO}participant> ?other . "
                   f"OPTIONAL {{ ?other <{RDFS_LABEL}> ?label }} }} }}",
    }


def _percentiles(seconds: list[float]) -> tuple[float, float]:
    ms = sorted(x * 1000 for x in seconds) or [0.0]
    return round(ms[len(ms) // 2], 2), round(ms[min(len(ms) - 1, int(0.95 * len(ms)))], 2)


def latency(store: Path, *, rounds: int = 2, requests: int = 200, clients: int = 16, seconds: float = 10.0,
            queries_dir: Path = ROOT / "bench" / "queries") -> list[dict]:
    """Per query: single-client p50/p95 and server CPU ms per request on kg and oxigraph, then
    ``clients``-client throughput on the one-triple lookup; rounds alternate the servers."""
    with tempfile.TemporaryDirectory(prefix="kg-latency-") as tmp:
        work = Path(tmp)
        shutil.copytree(store, work / "store")
        generation = (store / "CURRENT").read_text().strip()
        shutil.copytree(store / "generations" / generation, work / "oxigraph")
        starts = {"kg": lambda: http_load.kg_serve(work / "store", work / "kg.log"),
                  "oxigraph": lambda: http_load.oxigraph_serve(work / "oxigraph", work / "oxigraph.log")}
        queries: dict[str, str] = {}
        samples: dict[tuple[str, str], list[float]] = {}
        cpu: dict[tuple[str, str], list[float]] = {}
        errors: dict[tuple[str, str], str] = {}
        for _ in range(rounds):
            for name, start in starts.items():
                with start() as endpoint:
                    if not queries:
                        queries = selective_queries(endpoint)
                        for path in sorted(queries_dir.glob("*.rq")):  # any query form, as written
                            text = path.read_text(encoding="utf-8")
                            took, status, _ = _timed(endpoint.port, endpoint.path, text)
                            if status == 200 and took < 1.0:
                                queries[f"{queries_dir.name}/{path.name}"] = text
                    for label, text in queries.items():
                        before = http_load.cpu_seconds(endpoint.pid)
                        result = http_load.sequential(endpoint, text, requests, 60)
                        used = http_load.cpu_seconds(endpoint.pid) - before
                        samples.setdefault((name, label), []).extend(result.latencies)
                        cpu.setdefault((name, label), []).append(used / max(1, result.requests + 1))
                        if result.errors:
                            errors[(name, label)] = result.first_error
                    result = http_load.concurrent(endpoint, [queries["one-triple"]], clients, seconds, 1_000_000)
                    samples.setdefault((name, f"{clients} clients"), []).extend(result.latencies)
                    cpu.setdefault((name, f"{clients} clients"), []).append(result.throughput)
                    if result.errors:
                        errors[(name, f"{clients} clients")] = result.first_error
    rows = []
    for label in [*queries, f"{clients} clients"]:  # the last: the one-triple lookup from every client
        row: dict = {"query": label}
        for name in starts:
            p50, p95 = _percentiles(samples.get((name, label), []))
            row[f"{name}_p50_ms"], row[f"{name}_p95_ms"] = p50, p95
            values = cpu.get((name, label), [0.0])
            if label.endswith("clients"):
                row[f"{name}_rps"] = round(statistics.median(values), 1)
            else:
                row[f"{name}_cpu_ms"] = round(statistics.median(values) * 1000, 2)
            if (name, label) in errors:
                row[f"{name}_error"] = errors[(name, label)]
        row["p50_ratio"] = round(row["kg_p50_ms"] / row["oxigraph_p50_ms"], 2) if row["oxigraph_p50_ms"] else None
        rows.append(row)
    return rows


def latency_table(rows: list[dict]) -> str:
    """The rows of :func:`latency` as a Markdown table."""
    lines = ["| query | kg p50 ms | kg p95 ms | oxigraph p50 ms | oxigraph p95 ms | p50 ratio | "
             "kg CPU ms/req (or req/s) | oxigraph CPU ms/req (or req/s) |", "|---" * 8 + "|"]
    for r in rows:
        kg_cpu = r.get("kg_cpu_ms", r.get("kg_rps"))
        ox_cpu = r.get("oxigraph_cpu_ms", r.get("oxigraph_rps"))
        lines.append(f"| {r['query']} | {r['kg_p50_ms']} | {r['kg_p95_ms']} | {r['oxigraph_p50_ms']} | "
                     f"{r['oxigraph_p95_ms']} | {r['p50_ratio']}× | {kg_cpu} | {ox_cpu} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", default=os.environ.get("KG_STORE", str(ROOT / "data" / "store")))
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--duration", type=float, default=30.0, help="seconds per server")
    parser.add_argument("--max-requests", type=int, default=50_000, help="per server")
    parser.add_argument("--workers", type=int, default=4, help="kg serve --workers")
    parser.add_argument("--servers", default="kg,oxigraph")
    parser.add_argument("--canned-share", type=float, default=0.3, help="fraction of canned queries (default 0.3)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument("--latency", action="store_true", help="per-query single-client latency instead of a mix")
    parser.add_argument("--rounds", type=int, default=2, help="--latency: rounds, alternating the servers")
    parser.add_argument("--requests", type=int, default=200, help="--latency: requests per query and round")
    parser.add_argument("--queries-dir", default=str(ROOT / "bench" / "queries"),
                        help="--latency: *.rq queries to time too (those under a second)")
    args = parser.parse_args(argv)
    store = Path(args.store)
    if not (store / "CURRENT").is_file():
        parser.error(f"{store}: no built store (run `kg build` first, or pass --store)")
    if args.latency:
        rows = latency(store, rounds=args.rounds, requests=args.requests, clients=args.clients,
                       seconds=min(args.duration, 30.0), queries_dir=Path(args.queries_dir))
        print(json.dumps(rows, indent=2) if args.json else latency_table(rows))
        return 1 if any(key.endswith("_error") for r in rows for key in r) else 0
    results = run(store, clients=args.clients, duration=args.duration, max_requests=args.max_requests,
                  servers=tuple(args.servers.split(",")), workers=args.workers, canned_share=args.canned_share)
    print(json.dumps(results, indent=2) if args.json else table(results))
    if results and results[0]["slow_canned_left_out"] and not args.json:
        print("canned queries left out (over 1 s alone): " + "; ".join(results[0]["slow_canned_left_out"]))
    for r in results:
        for error in r["first_errors"]:
            print(f"{r['server']}: {error}", file=sys.stderr)
    return 1 if any(r["errors"] for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
