"""Graph generation, loading (kg store writer vs ``bulk_load``) and dumps (``kg.store.dump`` vs ``Store.dump``)."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from bench.gen_graph import write_graph
from bench.measure import Child, run_task
from bench.report import Context, Row, fmt_rate, fmt_s, ratio
from kg.store import OPTIMIZE_QUADS, GenerationStore

MAX_EXTEND_TRIPLES = 2_000_000  # the Store.extend alternative load is skipped above this size


def generate(ctx: Context, triples: int, size: str) -> Path:
    """Write the synthetic graph (in-process, streamed) and report triples/s."""
    out = ctx.work / f"graph-{size}.nq"
    stats = write_graph(out, triples, ctx.seed, jobs=1)
    ctx.add(Row("generate", size, "synthetic graph → N-Quads", "bench.gen_graph (kg.mapper inside)",
                f"{fmt_rate(stats.triples_per_s, 'triples')} ({fmt_s(stats.seconds)}, {stats.articles:,} articles, "
                f"{stats.bytes / 1e6:,.0f} MB)", "of which kg.mapper.article_quads",
                f"{fmt_s(stats.mapper_s)} ({stats.mapper_s / stats.seconds:.0%} of the time)", None))
    return out


@dataclass(frozen=True)
class Loaded:
    """The kg-written store, and a copy of it compacted with ``Store.optimize()`` (if that ran)."""

    store: Path
    optimized: Path | None


def load(ctx: Context, nq: Path, size: str, triples: int) -> Loaded | None:
    """Load with kg's writer (the store later sections use) and with ``bulk_load``; compare."""
    store = ctx.work / f"store-{size}"
    bulk_dir = ctx.work / f"bulk-{size}"
    kg = run_task("load-kg", "--nq", str(nq), "--store", str(store))
    bulk = run_task("bulk-load", "--nq", str(nq), "--store", str(bulk_dir))
    shutil.rmtree(bulk_dir, ignore_errors=True)
    if not kg.ok:
        ctx.skip(f"load {size}", kg.why())
        return None
    k = kg.data
    value = f"{fmt_rate(k['quads'] / k['seconds'], 'quads')} ({fmt_s(k['seconds'])}, {k['graphs']:,} graphs)"
    if bulk.ok:
        b = bulk.data
        base = f"{fmt_rate(b['quads'] / b['seconds'], 'quads')} ({fmt_s(b['seconds'])})"
        how = "GenerationStore.update + Writer.replace_graphs of N-Quads bytes (chunks bulk_loaded by 2 threads)"
        if k.get("compaction_seconds"):  # bulk_load does not compact: kg serves before it compacts
            served = k["served_seconds"]
            ctx.add(Row("load", size, "load N-Quads into Oxigraph, until the graph is served", how,
                        f"{fmt_rate(k['quads'] / served, 'quads')} ({fmt_s(served)}, {k['graphs']:,} graphs)",
                        "pyoxigraph Store.bulk_load", base, ratio(served, b["seconds"])))
            ctx.add(Row("load", size, "… until its compacted copy is served",
                        f"the same, then checkpoint + Store.optimize() + switch ({fmt_s(k['compaction_seconds'])})",
                        value, "pyoxigraph Store.bulk_load", base, ratio(k["seconds"], b["seconds"])))
        else:
            ctx.add(Row("load", size, "load N-Quads into Oxigraph", how,
                        value, "pyoxigraph Store.bulk_load", base, ratio(k["seconds"], b["seconds"])))
        ctx.add(Row("memory", size, "peak RSS of the load", "kg writer", f"{kg.max_rss_mb:,.0f} MB",
                    "bulk_load", f"{bulk.max_rss_mb:,.0f} MB", ratio(kg.max_rss_mb, bulk.max_rss_mb)))
        if triples <= MAX_EXTEND_TRIPLES:
            _extend(ctx, nq, size, bulk)
    else:
        ctx.skip(f"bulk_load baseline {size}", bulk.why())
    gen = generation(store)
    ctx.notes.append(f"load {size}: the kg-written generation has {sum(1 for _ in gen.iterdir()):,} files, "
                     f"{_du(gen) / 1e6:,.0f} MB on disk")
    if k["quads"] >= OPTIMIZE_QUADS:
        ctx.notes.append(f"load {size}: kg's writer served a compacted copy of the generation itself "
                         f"(Store.optimize() after ≥ {OPTIMIZE_QUADS:,} quads), so there is no separate optimized "
                         "copy to compare with")
        return Loaded(store, None)
    return Loaded(store, _optimized_copy(ctx, store, size, k["seconds"]))


def _extend(ctx: Context, nq: Path, size: str, bulk: Child) -> None:
    ext_dir = ctx.work / f"extend-{size}"
    ext = run_task("load-extend", "--nq", str(nq), "--store", str(ext_dir))
    shutil.rmtree(ext_dir, ignore_errors=True)
    if ext.ok:
        e, b = ext.data, bulk.data
        ctx.add(Row("load", size, "load N-Quads into Oxigraph", "alternative: remove_graph + Store.extend per graph",
                    f"{fmt_rate(e['quads'] / e['seconds'], 'quads')} ({fmt_s(e['seconds'])})",
                    "pyoxigraph Store.bulk_load", f"{fmt_rate(b['quads'] / b['seconds'], 'quads')}",
                    ratio(e["seconds"], b["seconds"])))


def generation(store: Path) -> Path:
    gs = GenerationStore(store)
    return gs.generations / (gs.current_name() or "")


def _optimized_copy(ctx: Context, store: Path, size: str, load_s: float) -> Path | None:
    """Copy the store and compact its generation with ``Store.optimize()`` (what a build could do last)."""
    copy = ctx.work / f"optimized-{size}"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(store, copy)
    child = run_task("optimize", "--store", str(generation(copy)))
    if not child.ok:
        ctx.skip(f"Store.optimize() {size}", child.why())
        shutil.rmtree(copy, ignore_errors=True)
        return None
    ctx.add(Row("load", size, "compact after the load", "Store.optimize() on the kg-written generation",
                f"{fmt_s(child.data['seconds'])} ({child.data['files_before']:,} → {child.data['files_after']:,} "
                "files)", "kg load", fmt_s(load_s), ratio(child.data["seconds"], load_s)))
    return copy


def _du(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def _warm(store: Path) -> None:
    """Read the served generation's files once, so that neither dump of a pair pays for a cold page cache."""
    for path in generation(store).iterdir():
        with open(path, "rb") as fh:
            while fh.read(1 << 20):
                pass


def _dump(ctx: Context, store: Path, how: str, fmt: str) -> Child:
    out = ctx.work / f"dump.{how}.{fmt}"
    _warm(store)
    child = run_task("dump", "--store", str(store), "--how", how, "--format", fmt, "--out", str(out))
    out.unlink(missing_ok=True)
    return child


def dumps(ctx: Context, loaded: Loaded, size: str) -> Child | None:
    """Turtle and N-Quads via kg.store.dump vs pyoxigraph Store.dump, each in its own process;
    how the N-Quads dump's memory follows its output; then the N-Quads dump of the compacted copy.
    Returns kg's N-Quads dump (for :func:`dump_memory_by_size`)."""
    store = loaded.store
    nquads: Child | None = None
    for label, kg_fmt, ox_fmt, ox_label in (
        ("N-Quads dump", "nq", "nq", "Store.dump N-Quads"),
        ("Turtle dump (merged triples)", "ttl", "trig", "Store.dump TriG (streamed, all graphs)"),
    ):
        kg, ox = _dump(ctx, store, "kg", kg_fmt), _dump(ctx, store, "pyoxigraph", ox_fmt)
        if not (kg.ok and ox.ok):
            ctx.skip(f"{label} {size}", (ox if kg.ok else kg).why())
            continue
        if kg_fmt == "nq":
            nquads = kg
        ctx.add(Row("dump", size, label, f"kg.store.dump {kg_fmt}",
                    f"{fmt_s(kg.data['seconds'])}, {kg.data['bytes'] / 1e6:,.0f} MB out", ox_label,
                    f"{fmt_s(ox.data['seconds'])}, {ox.data['bytes'] / 1e6:,.0f} MB out",
                    ratio(kg.data["seconds"], ox.data["seconds"])))
        ctx.add(Row("dump", size, f"{label}: peak RSS", f"kg.store.dump {kg_fmt}", f"{kg.max_rss_mb:,.0f} MB",
                    ox_label, f"{ox.max_rss_mb:,.0f} MB", ratio(kg.max_rss_mb, ox.max_rss_mb)))
    early = nquads.data.get("rss_mb_after_10pct") if nquads is not None else None
    if nquads is not None and early:
        ctx.add(Row("dump", size, "N-Quads dump: memory as the output grows", "kg.store.dump nq: peak RSS",
                    f"{nquads.max_rss_mb:,.0f} MB", "the same dump once 10% of it was written", f"{early:,.0f} MB",
                    ratio(nquads.max_rss_mb, early)))
    if loaded.optimized is not None:
        before, after = _dump(ctx, store, "pyoxigraph", "nq"), _dump(ctx, loaded.optimized, "pyoxigraph", "nq")
        if before.ok and after.ok:
            ctx.add(Row("dump", size, "N-Quads dump", "Store.dump, kg-written generation",
                        fmt_s(before.data["seconds"]), "Store.dump, same after Store.optimize()",
                        fmt_s(after.data["seconds"]), ratio(before.data["seconds"], after.data["seconds"])))
    return nquads


def dump_memory_by_size(ctx: Context, dumped: dict[int, tuple[str, Child]]) -> None:
    """Peak RSS of kg's N-Quads dump on the largest graph of the run against the smallest."""
    if len(dumped) < 2:
        return
    (small_size, small), (big_size, big) = dumped[min(dumped)], dumped[max(dumped)]
    ctx.add(Row("dump", f"{big_size} vs {small_size}",
                f"N-Quads dump: peak RSS for {max(dumped) / min(dumped):g}× the triples",
                f"kg.store.dump nq, {big_size}", f"{big.max_rss_mb:,.0f} MB", f"the same, {small_size}",
                f"{small.max_rss_mb:,.0f} MB", ratio(big.max_rss_mb, small.max_rss_mb)))
