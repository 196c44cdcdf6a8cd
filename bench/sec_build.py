"""Extraction and build: kg's build vs bare ``nlp.pipe``; parallel extraction; incremental rebuilds;
per-article cost of build's non-NLP steps; peak RSS of a build."""

from __future__ import annotations

import importlib.util

from bench.gen_corpus import write_corpus
from bench.measure import Child, run_task, run_tasks
from bench.report import Context, Row, fmt_s, ratio

SECTION = "build"


def _has(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:
        return False


def _mb(child: Child) -> str:
    return f"{child.max_rss_mb:,.0f} MB"


def run(ctx: Context, articles: int) -> None:
    """All build measurements; with ``--quick`` independent children run two at a time."""
    corpus = ctx.work / "corpus"
    store = ctx.work / "build-store"
    words = write_corpus(corpus, articles, ctx.seed)
    size = f"{articles} art., {words // 1000}k words"
    n_parts = min(articles, 2 if ctx.quick else 100)
    model = ("--model", ctx.model)
    build_args = ["build", "--corpus", str(corpus), "--store", str(store), *model]
    pipe, parts = run_tasks(
        ["pipe", "--corpus", str(corpus), *model],
        ["parts", "--articles", str(n_parts), "--seed", str(ctx.seed), "--store", str(ctx.work / "parts-store")],
        parallel=ctx.quick)
    if not pipe.ok:
        ctx.skip("bare nlp.pipe baseline", f"spaCy model {ctx.model!r} did not run ({pipe.why()})")
    _parts(ctx, n_parts, parts, pipe if pipe.ok else None)
    if not _has("kg.extract"):
        ctx.skip("kg build / extract_all / incremental / build memory", "kg.extract is not there yet")
        return
    build, one = run_tasks(build_args, ["extract", "--corpus", str(corpus), *model, "--jobs", "1"],
                           parallel=ctx.quick)
    if not build.ok:
        ctx.skip("kg build", build.why())
        return
    if build.data.get("problems"):
        ctx.notes.append(f"kg build skipped {build.data['problems']} synthetic article(s) with problems; first: "
                         f"{build.data['first_problem']}")
    again, two = run_tasks(build_args, ["extract", "--corpus", str(corpus), *model, "--jobs", "2"],
                           parallel=ctx.quick)
    write_corpus(corpus, articles + 1, ctx.seed)  # the same articles plus one
    added = run_task(*build_args)
    build_s = build.data["seconds"]
    bare_s = pipe.data["load_s"] + pipe.data["pipe_s"] if pipe.ok else float("nan")
    ctx.add(Row(SECTION, size, "throughput (incl. model load)", "kg.build.build",
                f"{words / build_s:,.0f} words/s ({fmt_s(build_s)})", "bare nlp.pipe, same model, texts, batch size",
                f"{words / bare_s:,.0f} words/s ({fmt_s(bare_s)})" if pipe.ok else "-", ratio(build_s, bare_s)))
    if pipe.ok:
        ctx.add(Row("memory", size, "peak RSS of a build", "kg build (child process)", _mb(build),
                    "bare nlp.pipe (child process)", _mb(pipe), ratio(build.max_rss_mb, pipe.max_rss_mb)))
    if one.ok and two.ok:
        ctx.add(Row(SECTION, size, "extract_all wall time", "n_process=2", fmt_s(two.data["seconds"]),
                    "n_process=1", fmt_s(one.data["seconds"]), ratio(two.data["seconds"], one.data["seconds"])))
    else:
        ctx.skip("extract_all n_process=1 vs 2", (two if one.ok else one).why())
    for child, label in ((again, "rebuild, nothing changed"), (added, "rebuild, one article added")):
        if child.ok:
            ctx.add(Row(SECTION, size, label, f"kg build ({child.data['extracted']} extracted)",
                        f"{fmt_s(child.data['seconds'])} ({fmt_s(child.seconds)} with process start)", "full build",
                        fmt_s(build_s), ratio(child.data["seconds"], build_s)))
        else:
            ctx.skip(label, child.why())


def _parts(ctx: Context, n: int, parts: Child, pipe: Child | None) -> None:
    """Where a build's time goes besides NLP, per article, on perfect synthetic records."""
    if not parts.ok:
        ctx.skip("build parts", parts.why())
        return
    d = parts.data
    per_doc = pipe.data["pipe_s"] / pipe.data["docs"] if pipe else float("nan")
    base, base_value = ("bare nlp.pipe per article", fmt_s(per_doc)) if pipe else ("-", "-")
    size = f"{n} art., {d['quads'] // n} quads/art."
    steps = [("mapper.article_quads", d["mapper_s"])]
    steps += [(f"validate_quads(engine={e!r})" + (" as kg build" if e == "fast" else ""), s)
              for e, s in d["validate_s"].items()]
    steps += [("Writer.replace_graph", d["write_s"])]
    for name, seconds in steps:
        ctx.add(Row("build parts", size, "per-article cost", name, fmt_s(seconds / n), base, base_value,
                    ratio(seconds / n, per_doc)))
    if d["invalid"]:
        ctx.notes.append(f"build parts: {d['invalid']} of {n} synthetic article graphs failed validate_quads")
