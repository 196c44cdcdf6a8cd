"""The in-thread fast path: cheap queries answered by the request thread itself.

Handing a job to a worker process costs two process wake-ups (job out, answer back),
which on a busy machine is most of a small query's time. The queries :mod:`kg.web.cheap`
recognises do work proportional to the output they write, so they run here, in the
request thread, against the generation opened read-only in this process, with an output
budget (:data:`BUDGET_BYTES`). An answer within the budget is sent whole; a query that
outgrows it is abandoned (its cost so far bounded by the budget) and the caller runs it in
a killable worker as usual. So no query runs here for longer than it takes to write the
budget, and no answer held here is larger: the timeout, the result cap, the ``SERVICE``
policy and the memory bound all still hold. What the fast path gives up is crash
isolation for these queries: a crash inside the engine itself would end this server
process (gunicorn starts a new one) instead of one worker.
"""

from __future__ import annotations

from werkzeug.exceptions import HTTPException

from kg.web import cheap, jobs
from kg.web.graph import StoreHandle
from kg.web.jobs import QueryJob, StoreCache

#: the most a fast-path answer may hold; a larger one is left to a worker (0 turns the fast path off)
BUDGET_BYTES = 256 * 1024


class OverBudget(Exception):
    """The answer outgrew :data:`BUDGET_BYTES`."""


class _BudgetSink:
    """A :class:`kg.web.jobs.Sink` keeping at most ``budget`` bytes."""

    def __init__(self, budget: int) -> None:
        self.budget = budget
        self.info: dict[str, object] = {}
        self.parts: list[bytes] = []
        self.size = 0
        self.over = False

    def begin(self, info: dict[str, object]) -> None:
        self.info = info

    def write(self, data: bytes) -> int:
        self.size += len(data)
        if self.size > self.budget:
            self.over = True
            raise OverBudget(f"answer larger than {self.budget} bytes")
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        """Nothing to flush."""


class _Opened(StoreCache):
    """The store cache of the fast path: the handle's store, opened in this process."""

    def __init__(self, handle: StoreHandle) -> None:
        super().__init__()
        self.handle = handle

    def get(self, path: str) -> object:  # type: ignore[override]
        return self.handle.store


def eligible(job: QueryJob) -> bool:
    """True when ``job`` may run in the request thread: a cheap query on the store's own dataset."""
    return BUDGET_BYTES > 0 and job.default_graphs is None and cheap.is_cheap(job.query)


def answer(job: QueryJob, handle: StoreHandle) -> tuple[dict[str, object], bytes] | None:
    """The header and whole body of an eligible ``job``, or None to run it in a worker instead.

    Client errors (a malformed query, an unacceptable format) raise :class:`kg.web.jobs.JobError`,
    as in a worker.
    """
    sink = _BudgetSink(BUDGET_BYTES)
    try:
        jobs.perform(job, sink, _Opened(handle))
    except HTTPException:  # the generation cannot be opened here: the worker path reports it
        return None
    except Exception:
        if sink.over:  # however the serializer reported our OverBudget
            return None
        raise
    return sink.info, b"".join(sink.parts)
