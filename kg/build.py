"""Incremental build: corpus → extraction → quads → validated → a new store generation.

An article is re-extracted only when its *input hash* changed: the text, its manifest row,
or the extractor (kg's version, the model, the knowledge base, the NLP rules and the mapper).
Articles that fail to load or validate are reported and skipped; their previous graph, if
any, stays. Articles no longer in the manifest lose their graph. Everything happens in an
unsealed generation, so an interrupted build changes nothing that is served.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache

from pyoxigraph import NamedNode, Quad, RdfFormat, parse

import kg
from kg import iris, kb, mapper
from kg.backends import open_store
from kg.config import PROJECT_ROOT, Settings
from kg.corpus import CorpusError, Problem, load_corpus
from kg.records import Article, ArticleRecords
from kg.store import StoreError, Writer
from kg.vocab import KGO

ONTOLOGY_FILES = ("kg.ttl", "topics.ttl")
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

    def summary(self) -> str:
        return (
            f"{self.articles} articles: {len(self.extracted)} extracted, {self.unchanged} unchanged, "
            f"{len(self.removed)} removed, {len(self.problems)} skipped with problems; "
            f"serving {self.generation or 'nothing'} ({self.seconds:.1f}s)"
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


def reference_graphs() -> dict[str, list[Quad]]:
    """The ontology + topic scheme graph and the knowledge-base graph, each tagged with its hash."""
    onto_graph = NamedNode(iris.ONTOLOGY_GRAPH)
    onto: list[Quad] = []
    for name in ONTOLOGY_FILES:
        data = (PROJECT_ROOT / "ontology" / name).read_bytes()
        onto.extend(Quad(q.subject, q.predicate, q.object, onto_graph) for q in parse(data, format=RdfFormat.TURTLE))
    onto_digest = _hash_files("ontology", (f"ontology/{name}" for name in ONTOLOGY_FILES))
    kb_digest = _hash_files("kb", ("ontology/kb/*.tsv", "kg/mapper.py"))
    return {
        iris.ONTOLOGY_GRAPH: _tagged(onto, iris.ONTOLOGY_GRAPH, onto_digest),
        iris.KB_GRAPH: _tagged(mapper.kb_quads(kb.default()), iris.KB_GRAPH, kb_digest),
    }


def _update_reference_graphs(writer: Writer) -> None:
    for graph_iri, quads in reference_graphs().items():
        if writer.graph_hash(graph_iri) != quads[-1].object.value:
            writer.replace_graph(graph_iri, quads)


def _extracted(todo: list[Article], model: str, jobs: int,
               executor: str = "local") -> Iterator[tuple[Article, ArticleRecords | str]]:
    """(article, records or why extraction failed) for each article of ``todo``, in order.

    Extraction runs in batches; if it raises, the articles not yet done are redone one at a
    time so that one article that breaks the pipeline is reported instead of stopping the
    build. An error that hits every one of several articles alike is not about the articles
    (a missing model, say) and stops the build.
    """
    if not todo:  # nothing to extract: do not even load the pipeline
        return
    if executor != "local":
        from kg.distributed import extract_distributed

        yield from extract_distributed(todo, model=model, executor=executor, workers=jobs)
        return
    from kg.extract import extract_all

    done = 0
    try:
        for records in extract_all(todo, model=model, n_process=jobs):
            yield records.article, records
            done += 1
        return
    except Exception:  # any error: retried one article at a time just below
        pass
    remaining = todo[done:]
    failures: list[str] = []
    for article in remaining:
        try:
            (records,) = list(extract_all([article], model=model))
        except Exception as err:  # reported as a located problem
            failures.append(f"extraction failed: {type(err).__name__}: {err}")
            if len(failures) == len(remaining) > 1 and len(set(failures)) == 1:
                raise BuildError(f"{failures[0]} (for every article)") from None
            yield article, failures[-1]
        else:
            yield article, records


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


def _build(
    settings: Settings,
    *,
    strict: bool,
    jobs: int,
    executor: str,
    progress: Callable[[Iterable, int], Iterable] | None,
    started: float,
) -> BuildReport:
    from kg.validate import validate_quads

    corpus = load_corpus(settings.corpus)
    report = BuildReport(articles=len(corpus.articles), problems=list(corpus.problems))
    if strict and report.problems:
        raise BuildError(str(report.problems[0]))
    fingerprint = extractor_fingerprint(settings.model)
    store = open_store(settings.store)
    with store.update() as writer:
        existing = writer.article_hashes()
        hashes = {a.id: input_hash(a, fingerprint) for a in corpus.articles}
        todo = [a for a in corpus.articles if existing.get(a.id) != hashes[a.id]]
        report.unchanged = len(corpus.articles) - len(todo)
        for gone in sorted(set(existing) - corpus.listed_ids):
            writer.remove_graph(iris.article_graph(gone))
            report.removed.append(gone)
        results: Iterable[tuple[Article, ArticleRecords | str]] = _extracted(todo, settings.model, jobs, executor)
        if progress is not None:
            results = progress(results, len(todo))
        for article, records in results:
            problem = records if isinstance(records, str) else None
            if not isinstance(records, str):
                try:
                    quads = mapper.article_quads(records, hashes[article.id])
                    violations = validate_quads(quads, engine="fast")
                except Exception as err:  # reported as a located problem
                    problem = f"cannot turn the extraction into RDF: {type(err).__name__}: {err}"
                else:
                    problem = "graph fails the SHACL shapes: " + violations[0] if violations else None
            if problem is not None:
                if strict:
                    raise BuildError(f"articles/{article.file}: {problem}")
                report.problems.append(Problem(f"articles/{article.file}", problem))
                continue
            writer.replace_graph(iris.article_graph(article.id), quads)
            report.extracted.append(article.id)
        _update_reference_graphs(writer)
    report.generation = store.current_name()
    report.seconds = time.monotonic() - started
    return report

