"""Extraction on a Dask distributed cluster: ``kg build --executor dask|tcp://HOST:PORT``.

Articles are sharded into batches, one Dask task per batch; each worker process loads the
spaCy pipeline once (``kg.extract._pipeline`` caches it per process). A batch whose task
raises, or whose workers kept dying (``KilledWorker`` after the scheduler's
``distributed.scheduler.allowed-failures``), is redone one article per task, so only the
article that breaks extraction is reported. Tasks of a worker that dies are rescheduled by
the scheduler; every article is yielded exactly once whatever happens to the workers.
"""

from __future__ import annotations

import logging
import re
import threading
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from typing import TYPE_CHECKING, TypeVar

from kg.records import Article, ArticleRecords

if TYPE_CHECKING:
    from distributed import Client, LocalCluster

T = TypeVar("T")
BATCH_SIZE = 16
RETRIES = 2  # a task that raises is rerun this many times before its batch is split
CONNECT_TIMEOUT = 10.0  # seconds to reach an existing scheduler
EXECUTORS = "local, dask, dask://HOST:PORT or tcp://HOST:PORT"
_ADDRESS = re.compile(r"(?:dask|tcp)://(?P<host>\[[0-9A-Fa-f:.]+\]|[^\s:/\[\]]+):(?P<port>\d{1,5})/?")
_EXTRACT_LOCK = threading.Lock()  # one spaCy pipeline per process: threads of a worker take turns


def scheduler_address(executor: str) -> str | None:
    """``tcp://HOST:PORT`` of the scheduler ``executor`` names, or None for a local cluster (``dask``).

    >>> scheduler_address("dask://10.0.0.5:8786")
    'tcp://10.0.0.5:8786'
    >>> scheduler_address("dask") is None
    True
    """
    if executor == "dask":
        return None
    match = _ADDRESS.fullmatch(executor)
    if match is None or not 0 < int(match["port"]) < 65536:
        from kg.build import BuildError

        raise BuildError(f"unknown executor {executor!r}: use {EXECUTORS}")
    return f"tcp://{match['host']}:{int(match['port'])}"


def _extract_batch(articles: list[Article], model: str, batch_size: int,
                   then: Callable[[ArticleRecords], T] | None) -> list[ArticleRecords] | list[T]:
    """The Dask task: records (or ``then`` of the records) of ``articles``, in order (runs on a worker)."""
    from kg.extract import extract_all

    with _EXTRACT_LOCK:
        records = list(extract_all(articles, model=model, batch_size=batch_size))
    return records if then is None else [then(r) for r in records]


def _task_key(articles: list[Article], model: str, then: object) -> str:
    """A key fixed by the task's input, so a rescheduled task is the same task, never a second one."""
    from dask.base import tokenize

    return f"kg-extract-{articles[0].id}-{len(articles)}-{tokenize(model, then, articles)}"


def _failure(err: BaseException) -> str:
    from distributed import KilledWorker

    if isinstance(err, KilledWorker):
        return f"extraction failed: KilledWorker: every worker that ran it died ({err.allowed_failures + 1} tries)"
    return f"extraction failed: {type(err).__name__}: {err}"


def _quiet(stack: ExitStack) -> None:
    """Silence Dask's own log lines (tracebacks of a lost connection...) until ``stack`` closes: kg reports."""
    for name in ("distributed", "distributed.client"):  # Dask's logging config sets both
        logger = logging.getLogger(name)
        stack.callback(logger.setLevel, logger.level)
        logger.setLevel(logging.CRITICAL)


def local_cluster(workers: int) -> LocalCluster:
    """A cluster of ``workers`` single-threaded worker processes on 127.0.0.1, each under a nanny that restarts it."""
    from distributed import LocalCluster

    return LocalCluster(
        n_workers=max(1, workers), threads_per_worker=1, processes=True, host="127.0.0.1",
        dashboard_address=None, silence_logs=logging.CRITICAL,  # kg reports failed articles itself
        # no dashboard; the scheduler's HTTP routes on a free port, not 8787 (another cluster may hold it)
        scheduler_kwargs={"dashboard": False, "dashboard_address": "127.0.0.1:0"},
    )


def _connect(stack: ExitStack, address: str | None, workers: int) -> Client:
    from distributed import Client

    from kg.build import BuildError

    if address is None:
        return stack.enter_context(Client(stack.enter_context(local_cluster(workers))))
    try:
        client = stack.enter_context(Client(address, timeout=CONNECT_TIMEOUT))
    except (OSError, TimeoutError) as err:
        raise BuildError(f"cannot reach the Dask scheduler at {address} within {CONNECT_TIMEOUT:g}s ({err})") from None
    try:
        client.wait_for_workers(1, timeout=CONNECT_TIMEOUT)
    except TimeoutError:
        raise BuildError(f"no Dask worker joined the scheduler at {address} within {CONNECT_TIMEOUT:g}s") from None
    return client


def extract_distributed(todo: list[Article], *, model: str, executor: str, workers: int = 1,
                        batch_size: int = BATCH_SIZE, then: Callable[[ArticleRecords], T] | None = None,
                        ) -> Iterator[tuple[Article, ArticleRecords | T | str]]:
    """(article, records or why extraction failed) for each article of ``todo``, once each, in any order.

    ``executor`` is ``dask`` (a local cluster of ``workers`` processes, shut down at the end)
    or the address of an existing scheduler. ``then``, if given, runs on the worker and its
    result replaces the records (it and its result must pickle; a ``then`` that raises counts
    as a failure of the article's extraction). Raises ``BuildError`` for a bad executor, an
    unreachable scheduler, or an error that hits every one of several articles alike.
    """
    address = scheduler_address(executor)
    if not todo:
        return
    with ExitStack() as stack:
        _quiet(stack)
        client = _connect(stack, address, workers)
        yield from _run(client, todo, model, batch_size, then)


def _run(client: Client, todo: list[Article], model: str, batch_size: int,
         then: Callable[[ArticleRecords], T] | None) -> Iterator[tuple[Article, ArticleRecords | T | str]]:
    from distributed import as_completed

    from kg.build import BuildError

    batches = (todo[i:i + batch_size] for i in range(0, len(todo), batch_size))
    retry_alone: deque[list[Article]] = deque()  # articles of failed batches, one per task, before new batches
    inputs: dict[str, list[Article]] = {}  # task key → its articles, for the tasks in flight
    pending = as_completed(loop=client.loop)

    def fill() -> None:
        # One task per worker thread: a worker that dies takes only its running task with it,
        # so no innocent queued task is charged with its death (``allowed-failures``).
        while len(inputs) < max(1, sum(client.nthreads().values())):
            articles = retry_alone.popleft() if retry_alone else next(batches, None)
            if articles is None:
                return
            future = client.submit(_extract_batch, articles, model, batch_size, then, pure=False, retries=RETRIES,
                                   key=_task_key(articles, model, then))
            inputs[future.key] = articles
            pending.add(future)

    fill()
    seen: set[str] = set()
    failures: list[str] = []
    for future in pending:
        articles = inputs.pop(future.key)
        outcome: list[ArticleRecords] | list[T] | list[str]
        if future.status == "finished":
            outcome = future.result()
        elif future.status == "cancelled":
            lost = f"the Dask scheduler at {client.scheduler.address} dropped task {future.key}"
            raise BuildError(f"{lost}: did it stop?")
        elif len(articles) > 1:  # find the article that breaks extraction: one task each
            retry_alone.extend([article] for article in articles)
            fill()
            continue
        else:
            failures.append(_failure(future.exception()))
            if len(failures) == len(todo) > 1 and len(set(failures)) == 1:
                raise BuildError(f"{failures[0]} (for every article)")
            outcome = [failures[-1]]
        fill()
        for article, result in zip(articles, outcome, strict=True):
            if article.id not in seen:  # one key, one result: cannot happen, but never yield an article twice
                seen.add(article.id)
                yield article, result
