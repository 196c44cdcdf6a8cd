"""Incremental build: corpus → extraction → quads → validated → a new store generation.

An article is re-extracted only when its *input hash* changed: the text, its manifest row,
or the extractor (kg's version, the model, the knowledge base, the NLP rules and the mapper).
Articles that fail to load or validate are reported and skipped; their previous graph, if
any, stays; one whose graph cannot be made or fails the shapes is remembered
(``build-problems.json`` in the store folder) and re-reported, not re-extracted, until it or
kg changes. Articles no longer in the manifest lose their graph. Everything happens in an
unsealed generation, so an interrupted build changes nothing that is served; a build with
nothing to do reads the served generation only (no pipeline, no copy).

With ``jobs`` > 1, extraction, mapping and validation run in forked worker processes that
send back N-Quads; the parent only writes.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache, partial
from typing import TYPE_CHECKING

from pyoxigraph import NamedNode, Quad, RdfFormat, parse, serialize

import kg
from kg import iris, kb, mapper
from kg.backends import is_remote, open_store
from kg.config import PROJECT_ROOT, Settings
from kg.corpus import CorpusError, CorpusReport, Problem, load_corpus
from kg.extract import pipeline_error, warm_worker
from kg.records import Article, ArticleRecords
from kg.store import GenerationStore, StoreError, Writer
from kg.vocab import KGO

if TYPE_CHECKING:
    from multiprocessing.pool import Pool

    from kg.remote import RemoteWriter

ONTOLOGY_FILES = ("kg.ttl", "topics.ttl")
WARM_MAX = 16  # an update extracting at most this many articles uses the worker warmed while planning
# Everything whose change must trigger re-extraction of every article.
_FINGERPRINT_GLOBS = ("ontology/kb/*.tsv", "ontology/topics.ttl", "kg/nlp/**/*", "kg/mapper.py", "kg/extract.py")


class BuildError(RuntimeError):
    """The build stopped (``--strict`` and a problem, or the store failed)."""


@dataclass
class BuildReport:
    """What a build did."""

    articles: int = 0
    extracted: list[str] = field(default_factory=list)
    unchanged: int = 0
    removed: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    generation: str | None = None
    seconds: float = 0.0
    compaction_seconds: float | None = None  # the served generation is a compacted copy of the build's
    compaction_problem: str | None = None  # why a compaction that was due did not happen

    def summary(self) -> str:
        compaction = ""
        if self.compaction_seconds is not None:
            compaction = f", compacted in {self.compaction_seconds:.1f}s"
        elif self.compaction_problem is not None:
            compaction = f", not compacted: {self.compaction_problem}"
        return (
            f"{self.articles} articles: {len(self.extracted)} extracted, {self.unchanged} unchanged, "
            f"{len(self.removed)} removed, {len(self.problems)} skipped with problems; "
            f"serving {self.generation or 'nothing'} ({self.seconds:.1f}s{compaction})"
        )


def _hash_files(seed: str, globs: Iterable[str]) -> str:
    digest = hashlib.sha256(seed.encode())
    for pattern in globs:
        for path in sorted(PROJECT_ROOT.glob(pattern)):
            if path.is_file() and path.suffix != ".pyc":
                digest.update(str(path.relative_to(PROJECT_ROOT)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


@lru_cache(maxsize=4)
def extractor_fingerprint(model: str) -> str:
    """Hash of everything that shapes extraction output, so a change forces a rebuild."""
    return _hash_files(f"kg {kg.__version__} model {model}", _FINGERPRINT_GLOBS)


def input_hash(article: Article, fingerprint: str) -> str:
    """Fingerprint of one article's inputs: text, manifest row, extractor."""
    row = [article.sha256, article.file, article.url, article.published.isoformat(), article.title,
           article.outlet, fingerprint]
    return hashlib.sha256(json.dumps(row).encode()).hexdigest()


def _tagged(quads: list[Quad], graph_iri: str, digest: str) -> list[Quad]:
    graph = NamedNode(graph_iri)
    return [*quads, Quad(graph, NamedNode(str(KGO.inputHash)), mapper.text(digest), graph)]


def _reference_hashes() -> dict[str, str]:
    """Graph IRI → hash of the files each reference graph is made from (cheap: no parsing)."""
    return {
        iris.ONTOLOGY_GRAPH: _hash_files("ontology", (f"ontology/{name}" for name in ONTOLOGY_FILES)),
        iris.KB_GRAPH: _hash_files("kb", ("ontology/kb/*.tsv", "kg/mapper.py")),
    }


def reference_graphs() -> dict[str, list[Quad]]:
    """The ontology + topic scheme graph and the knowledge-base graph, each tagged with its hash."""
    onto_graph = NamedNode(iris.ONTOLOGY_GRAPH)
    onto: list[Quad] = []
    for name in ONTOLOGY_FILES:
        data = (PROJECT_ROOT / "ontology" / name).read_bytes()
        onto.extend(Quad(q.subject, q.predicate, q.object, onto_graph) for q in parse(data, format=RdfFormat.TURTLE))
    digests = _reference_hashes()
    return {
        iris.ONTOLOGY_GRAPH: _tagged(onto, iris.ONTOLOGY_GRAPH, digests[iris.ONTOLOGY_GRAPH]),
        iris.KB_GRAPH: _tagged(mapper.kb_quads(kb.default()), iris.KB_GRAPH, digests[iris.KB_GRAPH]),
    }


def _stale_reference_graphs(reader: Writer | RemoteWriter) -> list[str]:
    return [iri for iri, digest in _reference_hashes().items() if reader.graph_hash(iri) != digest]


def _update_reference_graphs(writer: Writer | RemoteWriter) -> None:
    stale = _stale_reference_graphs(writer)
    if stale:
        for graph_iri, quads in reference_graphs().items():
            if graph_iri in stale:
                writer.replace_graph(graph_iri, quads)


# -- articles that cannot be stored -----------------------------------------------------------
# An article whose extraction maps to no valid graph is skipped, and would be extracted again
# by every build. Such outcomes are remembered in the store folder, keyed by the input hash
# and everything else that decides them (mapping, vocabulary, shapes, validation), so an
# unchanged article is re-reported without being extracted again.
PROBLEMS_FILE = "build-problems.json"
Remembered = dict[str, list[str]]  # article id → [problem key, problem]
# Besides the extractor: what turns records into a valid graph or a problem.
_VALIDATION_GLOBS = ("ontology/*.ttl", "kg/build.py", "kg/iris.py", "kg/kb.py", "kg/records.py", "kg/topics.py",
                     "kg/validate.py", "kg/vocab.py")


@lru_cache(maxsize=4)
def _problem_fingerprint(fingerprint: str) -> str:
    return _hash_files(fingerprint, _VALIDATION_GLOBS)


def _problem_key(digest: str, fingerprint: str) -> str:
    return hashlib.sha256(f"{digest} {_problem_fingerprint(fingerprint)}".encode()).hexdigest()


def _load_problems(store: GenerationStore) -> Remembered:
    """Article id → [problem key, problem] remembered for a local store (nothing for a remote one)."""
    if not isinstance(store, GenerationStore):
        return {}
    try:
        data = json.loads((store.path / PROBLEMS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {k: v for k, v in data.items() if isinstance(v, list) and len(v) == 2} if isinstance(data, dict) else {}


def _save_problems(store: GenerationStore, problems: Remembered) -> None:
    """Write the remembered problems (atomically; losing them only costs a re-extraction)."""
    if not isinstance(store, GenerationStore) or not store.path.is_dir():
        return
    path = store.path / PROBLEMS_FILE
    tmp = path.with_name(path.name + ".tmp")
    with contextlib.suppress(OSError):
        if problems:
            tmp.write_text(json.dumps(problems, sort_keys=True, indent=0), encoding="utf-8")
            os.replace(tmp, path)
        else:
            path.unlink(missing_ok=True)


# -- extraction -------------------------------------------------------------------------------
CANNOT_MAP = "cannot turn the extraction into RDF: "
FAILS_SHAPES = "graph fails the SHACL shapes: "


def article_graph(records: ArticleRecords, fingerprint: str, wire: bool = False) -> list[Quad] | bytes | str:
    """The validated graph of one article (N-Quads when ``wire``, to cross a process), or its problem."""
    from kg.validate import validate_triples

    try:
        graph, triples = mapper.article_triples(records, input_hash(records.article, fingerprint))
        violations = validate_triples(triples, engine="fast")
    except Exception as err:  # reported as a located problem
        return f"{CANNOT_MAP}{type(err).__name__}: {err}"
    if violations:
        return f"{FAILS_SHAPES}{violations[0]}"
    quads = mapper.in_graph(graph, triples)
    return (serialize(quads, format=RdfFormat.N_QUADS) or b"") if wire else quads


def _extracted(todo: list[Article], model: str, jobs: int, fingerprint: str, executor: str = "local",
               pool: Pool | None = None, map_here: bool = False) -> Iterator[tuple[Article, list[Quad] | bytes | str]]:
    """(article, its validated graph or its problem) for each article of ``todo``.

    Locally, extraction, mapping and validation run in ``jobs`` processes (``pool``) and the
    results come back in order; one article that breaks the pipeline is reported instead of
    stopping the build. An error that hits every one of several articles alike is not about
    the articles (a missing model, say) and stops the build. With ``map_here``, ``pool`` only
    extracts and this process maps and validates: a worker that is still loading the pipeline
    then need not also load the shapes, which this process has loaded in the meantime.
    """
    if not todo:  # nothing to extract: do not even load the pipeline
        return
    if executor != "local":
        from kg.distributed import extract_distributed

        for article, records in extract_distributed(todo, model=model, executor=executor, workers=jobs):
            yield article, records if isinstance(records, str) else article_graph(records, fingerprint)
        return
    from kg.extract import ExtractionFailed, extract_each

    wire = pool is not None or jobs > 1
    then = _records_as_they_are if map_here else partial(article_graph, fingerprint=fingerprint, wire=wire)
    failures: set[str] = set()
    failed = 0
    for article, result in zip(todo, extract_each(todo, then, model=model, n_process=jobs, pool=pool), strict=True):
        if isinstance(result, ArticleRecords):
            result = article_graph(result, fingerprint)
        if isinstance(result, ExtractionFailed):
            failed += 1
            failures.add(result.message)
            yield article, result.message
        else:  # quads, N-Quads from a worker (the writer hands them to Oxigraph unparsed), or a problem
            yield article, result
    if failed == len(todo) > 1 and len(failures) == 1:
        raise BuildError(f"{failures.pop()} (for every article)")


def _records_as_they_are(records: ArticleRecords) -> ArticleRecords:
    return records


# -- the build --------------------------------------------------------------------------------

def build(
    settings: Settings,
    *,
    strict: bool = False,
    jobs: int = 1,
    executor: str = "local",
    progress: Callable[[Iterable, int], Iterable] | None = None,
) -> BuildReport:
    """Build or update the graph in ``settings.store`` from ``settings.corpus``.

    Raises :class:`BuildError` (the served graph unchanged) when the corpus or the store is
    unusable, the disk fills up, or ``strict`` and anything is wrong with any article.
    """
    started = time.monotonic()
    try:
        return _build(settings, strict=strict, jobs=jobs, executor=executor, progress=progress, started=started)
    except (StoreError, CorpusError, OSError) as err:
        raise BuildError(str(err)) from None


@dataclass
class _Plan:
    """What a build has to do, given the corpus and what a store holds."""

    hashes: dict[str, str]
    todo: list[Article]
    gone: list[str]
    known: list[tuple[Article, str]]  # unchanged articles with a remembered problem
    stale_reference: list[str]

    @property
    def nothing(self) -> bool:
        return not (self.todo or self.gone or self.stale_reference)


def _plan(reader: Writer | RemoteWriter, articles: list[Article], listed: set[str], fingerprint: str,
          remembered: Remembered) -> _Plan:
    existing = reader.article_hashes()
    hashes = {a.id: input_hash(a, fingerprint) for a in articles}
    todo: list[Article] = []
    known: list[tuple[Article, str]] = []
    for a in articles:
        if existing.get(a.id) == hashes[a.id]:
            continue
        memo = remembered.get(a.id)
        if memo is not None and memo[0] == _problem_key(hashes[a.id], fingerprint):
            known.append((a, memo[1]))
        else:
            todo.append(a)
    return _Plan(hashes, todo, sorted(set(existing) - listed), known, _stale_reference_graphs(reader))


def _served_plan(store: GenerationStore, corpus: CorpusReport, fingerprint: str,
                 remembered: Remembered) -> tuple[_Plan, str | None] | None:
    """The plan against the served generation, read without copying it (None: remote or none served),
    and the name of that generation (None if a switch happened while it was read)."""
    if not isinstance(store, GenerationStore) or not store.exists():
        return None
    name = store.current_name()
    served = store.open_read()
    try:
        plan = _plan(Writer(served), corpus.articles, corpus.listed_ids, fingerprint, remembered)
    finally:
        del served  # closed before any worker process is forked
    return plan, name if store.current_name() == name else None


def _build(
    settings: Settings,
    *,
    strict: bool,
    jobs: int,
    executor: str,
    progress: Callable[[Iterable, int], Iterable] | None,
    started: float,
) -> BuildReport:
    if executor != "local":  # a bad --executor is refused even when there is nothing to extract
        from kg.distributed import scheduler_address

        scheduler_address(executor)
    with contextlib.ExitStack() as stack:
        # An update of a built store usually extracts a few articles: a worker loads the pipeline
        # on the other core while this process reads the corpus and plans.
        warm = stack.enter_context(warm_worker(settings.model)) if _likely_update(settings, executor) else None
        corpus = load_corpus(settings.corpus)
        report = BuildReport(articles=len(corpus.articles), problems=list(corpus.problems))
        if strict and report.problems:
            raise BuildError(str(report.problems[0]))
        fingerprint = extractor_fingerprint(settings.model)
        store = open_store(settings.store, settings)
        remembered = _load_problems(store)
        served = _served_plan(store, corpus, fingerprint, remembered)
        plan, planned_from = served if served is not None else (None, None)
        if plan is not None and plan.nothing:  # an unchanged rebuild: no pipeline, no new generation
            _report_known(report, plan, strict)
            report.unchanged = len(corpus.articles) - len(plan.known)
            report.generation = store.current_name()
            report.seconds = time.monotonic() - started
            return report
        local_jobs = jobs if executor == "local" and (plan is None or plan.todo) else 1
        pool = _extraction_pool(stack, warm, plan, settings.model, local_jobs)
        writer = stack.enter_context(store.update())
        if pool is not None and pool is warm:  # it has been loading the pipeline until now
            _load_shapes()  # meanwhile: its graphs are mapped and validated here (see _extracted)
            problem = pipeline_error(warm, settings.model)
            if problem is not None:
                raise BuildError(f"extraction failed: {problem} (for every article)")
        # Under the build lock CURRENT cannot move: if it still names the generation the plan was
        # read from, the writer holds a copy of exactly that (sealed) generation.
        if plan is None or planned_from is None or store.current_name() != planned_from:
            plan = _plan(writer, corpus.articles, corpus.listed_ids, fingerprint, remembered)
        _report_known(report, plan, strict)
        report.unchanged = len(corpus.articles) - len(plan.todo) - len(plan.known)
        for gone in plan.gone:
            writer.remove_graph(iris.article_graph(gone))
            report.removed.append(gone)
        results: Iterable[tuple[Article, list[Quad] | bytes | str]] = _extracted(
            plan.todo, settings.model, jobs, fingerprint, executor, pool, map_here=pool is not None and pool is warm)
        if progress is not None:
            results = progress(results, len(plan.todo))
        # Extraction runs as the writer pulls the graphs; Oxigraph writes each chunk of graphs on
        # other threads while the next ones are being extracted.
        writer.replace_graphs(_graphs_to_store(results, report, remembered, plan, fingerprint, strict))
        _update_reference_graphs(writer)
    _save_problems(store, {k: v for k, v in remembered.items() if k in corpus.listed_ids})
    report.compaction_seconds, report.compaction_problem = store.compaction_seconds, store.compaction_problem
    report.generation = store.current_name()
    report.seconds = time.monotonic() - started
    return report


def _graphs_to_store(results: Iterable[tuple[Article, list[Quad] | bytes | str]], report: BuildReport,
                     remembered: Remembered, plan: _Plan, fingerprint: str,
                     strict: bool) -> Iterator[tuple[str, list[Quad] | bytes]]:
    """(graph IRI, graph) of each article extracted; each problem reported (and remembered) instead."""
    for article, outcome in results:
        if isinstance(outcome, str):
            if strict:
                raise BuildError(f"articles/{article.file}: {outcome}")
            report.problems.append(Problem(f"articles/{article.file}", outcome))
            if outcome.startswith((CANNOT_MAP, FAILS_SHAPES)):  # decided by the input alone
                remembered[article.id] = [_problem_key(plan.hashes[article.id], fingerprint), outcome]
            continue
        remembered.pop(article.id, None)
        report.extracted.append(article.id)
        yield iris.article_graph(article.id), outcome


def _likely_update(settings: Settings, executor: str) -> bool:
    """Whether the build writes to a local store that already serves a graph."""
    return executor == "local" and not is_remote(settings.store) and GenerationStore(settings.store).has_pointer()


def _load_shapes() -> None:
    """Import and parse the SHACL shapes (once per process)."""
    from kg.validate import validate_quads

    validate_quads([], engine="fast")


def _extraction_pool(stack: contextlib.ExitStack, warm: Pool | None, plan: _Plan | None, model: str,
                     jobs: int) -> Pool | None:
    """The worker processes extraction runs in (None: this process), entered on ``stack``.

    A few articles go to ``warm``, the worker that has been loading the pipeline meanwhile
    (whether it could is for the caller to ask, as late as possible); otherwise it is stopped
    and ``jobs`` workers share a pipeline loaded here.
    """
    from kg.extract import workers

    if warm is not None and plan is not None and 0 < len(plan.todo) <= WARM_MAX:
        return warm
    if warm is not None:
        warm.terminate()
    _load_shapes()  # before any worker is forked, so they share the parsed shapes
    try:  # the workers load the pipeline: a missing model fails here
        return stack.enter_context(workers(model, jobs))
    except Exception as err:
        raise BuildError(f"extraction failed: {type(err).__name__}: {err} (for every article)") from None


def _report_known(report: BuildReport, plan: _Plan, strict: bool) -> None:
    """Re-report the remembered problems of unchanged articles."""
    for article, problem in plan.known:
        if strict:
            raise BuildError(f"articles/{article.file}: {problem}")
        report.problems.append(Problem(f"articles/{article.file}", problem))
