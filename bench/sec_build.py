"""Extraction and build: kg's build vs bare ``nlp.pipe``; ``--jobs 2`` vs ``--jobs 1``; incremental
rebuilds (nothing changed, one article added); per-article cost of build's non-NLP steps; peak RSS.

The corpus size is ``bench.run --articles N``. Every build runs as ``kg build`` does, in its own
process, so model load and process start count as they would for a user.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import statistics

from bench.gen_corpus import write_corpus
from bench.measure import Child, run_task, run_tasks
from bench.report import Context, Row, fmt_s, ratio

SECTION = "build"
# Adding one article takes a few seconds, within this machine's run-to-run noise (±1 s): it is
# measured this many times, alternating with its bare parse, and the medians compared.
ADD_ONE_REPEATS = 3


def _has(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:
        return False


def _mb(child: Child) -> str:
    return f"{child.max_rss_mb:,.0f} MB"


def _bare_s(pipe: Child) -> float:
    return pipe.data["import_s"] + pipe.data["load_s"] + pipe.data["pipe_s"]


def run(ctx: Context, articles: int) -> None:
    """All build measurements; with ``--quick`` independent children run two at a time."""
    corpus, added_corpus = ctx.work / "corpus", ctx.work / "corpus-added"
    words = write_corpus(corpus, articles, ctx.seed)
    write_corpus(added_corpus, 1, ctx.seed, start=articles)  # the article the last rebuild adds, alone
    size = f"{articles} art., {words // 1000}k words"
    n_parts = min(articles, 2 if ctx.quick else 100)
    model = ("--model", ctx.model)
    pipe, parts = run_tasks(
        ["pipe", "--corpus", str(corpus), *model],
        ["parts", "--articles", str(n_parts), "--seed", str(ctx.seed), "--store", str(ctx.work / "parts-store")],
        parallel=ctx.quick)
    if not pipe.ok:
        ctx.skip("bare nlp.pipe baseline", f"spaCy model {ctx.model!r} did not run ({pipe.why()})")
    _parts(ctx, n_parts, parts, pipe if pipe.ok else None)
    if not _has("kg.extract"):
        ctx.skip("kg build / parallel / incremental / build memory", "kg.extract is not there yet")
        return
    store = ctx.work / "build-store"

    def build(jobs: int, where: str = str(store)) -> list[str]:
        return ["build", "--corpus", str(corpus), "--store", where, *model, "--jobs", str(jobs)]

    one, two = run_tasks(build(1), build(2, str(ctx.work / "build-store-2")), parallel=ctx.quick)
    if not one.ok:
        ctx.skip("kg build", one.why())
        return
    if one.data.get("problems"):
        ctx.notes.append(f"kg build skipped {one.data['problems']} synthetic article(s) with problems; first: "
                         f"{one.data['first_problem']}")
    _full(ctx, size, words, one, pipe if pipe.ok else None)
    loops = str(1_000_000 if ctx.quick else 20_000_000)
    spin = run_tasks(["spin", "--jobs", "1", "--loops", loops], ["spin", "--jobs", "2", "--loops", loops])
    _parallel(ctx, size, one, two, spin)
    again = run_task(*build(1))
    write_corpus(corpus, articles + 1, ctx.seed)  # the same articles plus one
    added: list[Child] = []
    bare_one: list[Child] = []
    for i in range(1 if ctx.quick else ADD_ONE_REPEATS):
        copy = ctx.work / f"build-store-add-{i}"  # each time into the store as the full build left it
        shutil.rmtree(copy, ignore_errors=True)
        shutil.copytree(store, copy)
        os.sync()  # else writing back the copy's dirty pages lands in the timed build
        added.append(run_task(*build(1, str(copy))))
        bare_one.append(run_task("pipe", "--corpus", str(added_corpus), *model))
        shutil.rmtree(copy, ignore_errors=True)
    _incremental(ctx, size, one, again, added, bare_one)


def _full(ctx: Context, size: str, words: int, one: Child, pipe: Child | None) -> None:
    build_s = one.data["seconds"]
    bare_s = _bare_s(pipe) if pipe else float("nan")
    ctx.add(Row(SECTION, size, "throughput (incl. model load)", "kg build --jobs 1",
                f"{words / build_s:,.0f} words/s ({fmt_s(build_s)})",
                "bare spaCy (import, load, nlp.pipe), same texts, batch size",
                f"{words / bare_s:,.0f} words/s ({fmt_s(bare_s)})" if pipe else "-", ratio(build_s, bare_s)))
    if pipe is None:
        return
    ctx.add(Row(SECTION, size, "CPU time (process + workers, incl. start)", "kg build --jobs 1",
                fmt_s(one.data["cpu_s"]), "bare nlp.pipe", fmt_s(pipe.data["cpu_s"]),
                ratio(one.data["cpu_s"], pipe.data["cpu_s"])))
    ctx.add(Row("memory", size, "peak RSS of a build", "kg build --jobs 1 (child process)", _mb(one),
                "bare nlp.pipe (child process)", _mb(pipe), ratio(one.max_rss_mb, pipe.max_rss_mb)))


def _parallel(ctx: Context, size: str, one: Child, two: Child, spin: list[Child]) -> None:
    if not two.ok:
        ctx.skip("kg build --jobs 2", two.why())
        return
    one_s, two_s = one.data["seconds"], two.data["seconds"]
    ctx.add(Row(SECTION, size, "parallel build wall time", "kg build --jobs 2",
                f"{fmt_s(two_s)} ({one_s / two_s:.2f}× faster; CPU {fmt_s(two.data['cpu_s'])}, "
                f"{fmt_s(two.data['parent_cpu_s'])} of it in the parent)",
                "kg build --jobs 1", f"{fmt_s(one_s)} (CPU {fmt_s(one.data['cpu_s'])})", ratio(two_s, one_s)))
    if all(c.ok for c in spin):  # what two processes could gain on this machine right now
        one_s, two_s = spin[0].data["seconds"] * 2, spin[1].data["seconds"]
        ctx.add(Row(SECTION, "control", "2 processes vs 1, same work each", "pure-Python loop, 2 processes",
                    f"{fmt_s(two_s)} for 2 loops ({one_s / two_s:.2f}× the throughput)",
                    "1 process, 1 loop (×2)", fmt_s(one_s), ratio(two_s, one_s)))
    ctx.add(Row("memory", size, "peak RSS of a build", "kg build --jobs 2 (largest process)", _mb(two),
                "kg build --jobs 1", _mb(one), ratio(two.max_rss_mb, one.max_rss_mb)))


def _incremental(ctx: Context, size: str, one: Child, again: Child, added: list[Child], bare_one: list[Child]) -> None:
    build_s = one.data["seconds"]
    if again.ok:
        again_s = again.data["seconds"]
        ctx.add(Row(SECTION, size, "rebuild, nothing changed", f"kg build ({again.data['extracted']} extracted)",
                    f"{fmt_s(again_s)} = {100 * again_s / build_s:.2f}% ({fmt_s(again.seconds)} with process start)",
                    "full build", fmt_s(build_s), ratio(again_s, build_s)))
    else:
        ctx.skip("rebuild, nothing changed", again.why())
    failed = next((c for c in added if not c.ok), None)
    if failed is not None:
        ctx.skip("rebuild, one article added", failed.why())
        return
    failed = next((c for c in bare_one if not c.ok), None)
    if failed is not None:
        ctx.skip("rebuild, one article added: bare parse", failed.why())
        return
    added_s = [c.data["seconds"] for c in added]
    bare_s = [_bare_s(c) for c in bare_one]
    mid, bare_mid = statistics.median(added_s), statistics.median(bare_s)
    runs = f"median of {len(added_s)}: " if len(added_s) > 1 else ""
    ctx.add(Row(SECTION, size, "rebuild, one article added",
                f"kg build ({added[0].data['extracted']} extracted), {runs}{_runs(added_s)}",
                f"{fmt_s(mid)} = bare + {mid - bare_mid:.1f} s",
                f"bare spaCy: import, load model, nlp.pipe that article, {runs}{_runs(bare_s)}",
                fmt_s(bare_mid), ratio(mid, bare_mid)))


def _runs(seconds: list[float]) -> str:
    """The individual runs, e.g. ``3.1/3.7/4.1 s``."""
    return "/".join(f"{s:.1f}" for s in seconds) + " s"


def _parts(ctx: Context, n: int, parts: Child, pipe: Child | None) -> None:
    """Where a build's time goes besides NLP, per article, on perfect synthetic records."""
    if not parts.ok:
        ctx.skip("build parts", parts.why())
        return
    d = parts.data
    per_doc = pipe.data["pipe_s"] / pipe.data["docs"] if pipe else float("nan")
    base, base_value = ("bare nlp.pipe per article", fmt_s(per_doc)) if pipe else ("-", "-")
    size = f"{n} art., {d['quads'] // n} quads/art."
    steps = [("mapper.article_triples + in_graph", d["mapper_s"])]
    steps += [(f"validate_triples(engine={e!r})" + (" as kg build" if e == "fast" else ""), s)
              for e, s in d["validate_s"].items()]
    steps += [("Writer.replace_graphs + seal (chunks bulk_loaded by 2 threads)", d["write_s"] + d["seal_s"])]
    for name, seconds in steps:
        ctx.add(Row("build parts", size, "per-article cost", name, fmt_s(seconds / n), base, base_value,
                    ratio(seconds / n, per_doc)))
    if d["invalid"]:
        ctx.notes.append(f"build parts: {d['invalid']} of {n} synthetic article graphs failed validate_quads")
