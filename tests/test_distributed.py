"""`kg build --executor dask|tcp://…`: extraction on a real local Dask cluster, with workers that die."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import cloudpickle
import dask
import pytest
from distributed import Client, WorkerPlugin
from pyoxigraph import CanonicalizationAlgorithm, Dataset

from kg.build import BuildError
from kg.corpus import load_corpus
from kg.distributed import extract_distributed, local_cluster, scheduler_address
from kg.extract import DEFAULT_MODEL, extract_all
from kg.records import Article, ArticleRecords
from kg.store import GenerationStore, count_quads
from tests.conftest import SEED_CORPUS, kg_cli

# The plugins below run inside the worker processes, which cannot import this test module.
cloudpickle.register_pickle_by_value(sys.modules[__name__])


def canonical_quads(store: Path) -> set[str]:
    """The store's quads with blank nodes canonically labelled (RDFC-1.0), as N-Quads lines."""
    dataset = Dataset(GenerationStore(store).open_read())
    dataset.canonicalize(CanonicalizationAlgorithm.RDFC_1_0)
    return {str(quad) for quad in dataset}


def change_one_article(corpus: Path) -> None:
    """Edit one article so that a rebuild has something to extract."""
    path = sorted((corpus / "articles").glob("*.txt"))[0]
    path.write_text(path.read_text(encoding="utf-8") + "\nThe talks ended late.\n", encoding="utf-8")


def test_distributed_build_makes_the_same_graph_as_a_local_build(seed_store: Path, corpus_copy: Path,
                                                                  tmp_path: Path) -> None:
    store = tmp_path / "store"
    result = kg_cli("build", "--store", str(store), "--corpus", str(corpus_copy), "--quiet",
                    "--executor", "dask", "--jobs", "2")
    assert result.returncode == 0, result.stderr
    assert "5 extracted" in result.stdout
    assert canonical_quads(store) == canonical_quads(seed_store)


@pytest.mark.parametrize("executor", ["spark://127.0.0.1:7077", "tcp://127.0.0.1", "dask://:8786",
                                      "tcp://127.0.0.1:99999", "dask:"])
@pytest.mark.parametrize("changed", [True, False], ids=["one article changed", "nothing to extract"])
def test_bad_executor_is_refused_and_the_store_kept(executor: str, changed: bool, seed_copy: Path,
                                                    corpus_copy: Path) -> None:
    if changed:
        change_one_article(corpus_copy)
    before = GenerationStore(seed_copy).current_name()
    result = kg_cli("build", "--store", str(seed_copy), "--corpus", str(corpus_copy), "--quiet",
                    "--executor", executor)
    assert result.returncode == 1, result.stderr
    expected = f"unknown executor {executor!r}: use local, dask, dask://HOST:PORT or tcp://HOST:PORT"
    assert f"build stopped, served graph unchanged: {expected}" in result.stderr
    assert GenerationStore(seed_copy).current_name() == before


def test_unreachable_scheduler_is_a_clear_error_and_the_store_kept(seed_copy: Path, corpus_copy: Path) -> None:
    change_one_article(corpus_copy)
    store = GenerationStore(seed_copy)
    before, quads = store.current_name(), count_quads(store.open_read())
    result = kg_cli("build", "--store", str(seed_copy), "--corpus", str(corpus_copy), "--quiet",
                    "--executor", "dask://127.0.0.1:9")  # port 9 (discard): nothing listens there
    assert result.returncode == 1, result.stderr
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:9 within 10s" in result.stderr
    assert "Traceback" not in result.stderr
    assert store.current_name() == before
    assert count_quads(store.open_read()) == quads


def test_error_on_every_article_stops_the_build_and_keeps_the_store(seed_copy: Path, corpus_copy: Path) -> None:
    before = GenerationStore(seed_copy).current_name()  # another model: every article is extracted again
    result = kg_cli("build", "--store", str(seed_copy), "--corpus", str(corpus_copy), "--quiet",
                    "--executor", "dask", "--jobs", "1", "--model", "no_such_model")
    assert result.returncode == 1, result.stderr
    assert "spaCy model 'no_such_model' is not installed" in result.stderr
    assert "(for every article)" in result.stderr
    assert "Compute Failed" not in result.stderr  # the workers' own logs stay quiet: kg reports
    assert GenerationStore(seed_copy).current_name() == before


@pytest.mark.parametrize(("executor", "address"), [
    ("dask", None), ("dask://10.1.2.3:8786", "tcp://10.1.2.3:8786"), ("tcp://sched.example:8786/", "tcp://sched.example:8786"),
    ("tcp://[::1]:8786", "tcp://[::1]:8786"),
])
def test_scheduler_address_forms(executor: str, address: str | None) -> None:
    assert scheduler_address(executor) == address


def test_bad_executor_is_refused_before_any_work() -> None:
    with pytest.raises(BuildError, match="unknown executor 'ray'"):
        next(extract_distributed([], model=DEFAULT_MODEL, executor="ray"))


class KillOnce(WorkerPlugin):
    """Kill the worker process that starts the ``nth`` extraction task of the run, once (marker files)."""

    def __init__(self, markers: Path, nth: int) -> None:
        self.markers, self.nth = str(markers), nth

    def transition(self, key: str, start: str, finish: str, **kwargs: object) -> None:
        if finish != "executing" or not str(key).startswith("kg-extract-"):
            return
        Path(self.markers, str(key)).touch()
        if len(os.listdir(self.markers)) < self.nth:
            return
        try:
            os.close(os.open(Path(self.markers).with_suffix(".killed"), os.O_CREAT | os.O_EXCL | os.O_WRONLY))
        except FileExistsError:
            return
        os._exit(1)


class KillArticle(WorkerPlugin):
    """Kill the worker process every time it starts a task whose first article is ``article_id``."""

    def __init__(self, article_id: str) -> None:
        self.prefix = f"kg-extract-{article_id}-"

    def transition(self, key: str, start: str, finish: str, **kwargs: object) -> None:
        if finish == "executing" and str(key).startswith(self.prefix):
            os._exit(1)


@pytest.fixture(scope="module")
def cluster() -> Iterator[Client]:
    """A real local cluster: 2 worker processes under nannies (a dead worker is restarted)."""
    with (dask.config.set({"distributed.scheduler.allowed-failures": 1}), local_cluster(2) as local,
          Client(local) as client):
        yield client


@pytest.fixture(scope="module")
def seed_articles() -> list[Article]:
    return load_corpus(SEED_CORPUS).articles


@pytest.fixture(scope="module")
def local_records(seed_articles: list[Article]) -> dict[str, ArticleRecords]:
    return {r.article.id: r for r in extract_all(seed_articles, model=DEFAULT_MODEL)}


def test_worker_killed_mid_run_loses_and_duplicates_no_article(
        cluster: Client, seed_articles: list[Article], local_records: dict[str, ArticleRecords],
        tmp_path: Path) -> None:
    markers = tmp_path / "started"
    markers.mkdir()
    cluster.register_plugin(KillOnce(markers, nth=3), name="kill-once")
    try:  # 5 articles in 3 tasks: the third starts when one has finished
        results = list(extract_distributed(seed_articles, model=DEFAULT_MODEL,
                                           executor=cluster.scheduler.address, batch_size=2))
    finally:
        cluster.unregister_worker_plugin("kill-once")
    assert markers.with_suffix(".killed").exists()  # a worker did die running a task
    assert sorted(a.id for a, _ in results) == sorted(local_records)
    assert {a.id: r for a, r in results} == local_records


def entity_keys(records: ArticleRecords) -> list[str]:
    """A ``then`` for the workers: what the build would do with the records, shrunk to a testable value."""
    return [entity.key for entity in records.entities]


def test_then_runs_on_the_workers_and_its_result_comes_back(
        cluster: Client, seed_articles: list[Article], local_records: dict[str, ArticleRecords]) -> None:
    results = dict((a.id, r) for a, r in extract_distributed(
        seed_articles, model=DEFAULT_MODEL, executor=cluster.scheduler.address, then=entity_keys))
    assert results == {i: entity_keys(r) for i, r in local_records.items()}
    assert any(results.values())


@pytest.mark.slow  # four worker deaths and restarts
def test_article_that_keeps_killing_workers_is_a_problem_not_a_crash(
        cluster: Client, seed_articles: list[Article], local_records: dict[str, ArticleRecords]) -> None:
    deadly = seed_articles[0].id
    cluster.register_plugin(KillArticle(deadly), name="kill-article")
    try:
        results = dict((a.id, r) for a, r in extract_distributed(
            seed_articles, model=DEFAULT_MODEL, executor=cluster.scheduler.address, batch_size=2))
    finally:
        cluster.unregister_worker_plugin("kill-article")
    assert sorted(results) == sorted(local_records)
    assert results.pop(deadly) == "extraction failed: KilledWorker: every worker that ran it died (2 tries)"
    assert results == {i: r for i, r in local_records.items() if i != deadly}
