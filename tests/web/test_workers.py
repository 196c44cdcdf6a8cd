"""The query worker pool: answers stream over pipes, runaway or orphaned workers are killed; warm
workers start with the served generation open, are reused across requests, are still killed and
replaced when a query runs away, and follow a switch of generation."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from kg.web.jobs import QueryJob
from kg.web.workers import JobFailed, Pool, QueryTimeout, StreamAborted
from tests.web import graphdata

CROSS_JOIN = "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
COUNT = "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"


@pytest.fixture()
def pool():
    pool = Pool(2)
    yield pool
    pool.close()


def generation(store_dir: Path) -> str:
    return str(store_dir / "generations" / (store_dir / "CURRENT").read_text().strip())


def run(pool: Pool, job: QueryJob, timeout: float = 30) -> tuple[dict, bytes]:
    execution = pool.submit(job, timeout).start()
    return execution.info, b"".join(execution)


def test_small_and_large_answers(pool: Pool, store_dir: Path) -> None:
    info, body = run(pool, QueryJob("ASK { ?s ?p ?o }", generation(store_dir), requested_format="json"))
    assert info["format"] == "json" and body == b'{"head":{},"boolean":true}'
    info, body = run(pool, QueryJob("SELECT * { ?s ?p ?o }", generation(store_dir), requested_format="tsv"))
    assert body.count(b"\n") > 1000 and len(body) > 64 * 1024  # several chunks


def test_errors_before_output(pool: Pool, store_dir: Path) -> None:
    with pytest.raises(JobFailed) as err:
        run(pool, QueryJob("SELECT ?x {", generation(store_dir)))
    assert err.value.status == 400 and "malformed query" in err.value.message
    with pytest.raises(JobFailed) as err:
        run(pool, QueryJob("ASK {}", generation(store_dir), accept="text/turtle"))
    assert err.value.status == 406


def test_timeout_kills_the_worker(pool: Pool, store_dir: Path) -> None:
    job = QueryJob("SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }", generation(store_dir))
    execution = pool.submit(job, 0.5)
    pid = execution._worker.pid
    with pytest.raises(QueryTimeout):
        execution.start()
    time.sleep(0.2)
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    info, _ = run(pool, QueryJob("ASK {}", generation(store_dir)))
    assert info["content_type"]


def test_a_worker_dying_mid_job_is_a_503(pool: Pool, store_dir: Path) -> None:
    job = QueryJob("SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }", generation(store_dir))
    execution = pool.submit(job, 30)
    os.kill(execution._worker.pid, signal.SIGKILL)
    with pytest.raises(JobFailed) as err:
        execution.start()
    assert err.value.status == 503


def test_leaving_early_frees_the_slot(pool: Pool, store_dir: Path) -> None:
    job = QueryJob("SELECT * { ?a ?b ?c . ?d ?e ?f }", generation(store_dir), requested_format="csv")
    for _ in range(4):  # more than the pool size: each early close must free its worker
        execution = pool.submit(job, 30).start()
        next(iter(execution))
        execution.close()
    info, _ = run(pool, QueryJob("ASK {}", generation(store_dir)), timeout=5)
    assert info


def test_mid_stream_timeout_aborts_the_stream(pool: Pool, store_dir: Path) -> None:
    job = QueryJob("SELECT * { ?a ?b ?c . ?d ?e ?f }", generation(store_dir), requested_format="tsv")
    execution = pool.submit(job, 4.0).start()
    with pytest.raises(StreamAborted):
        for _ in execution:
            time.sleep(0.1)


def test_pool_survives_a_fork_server_restart(pool: Pool, store_dir: Path) -> None:
    run(pool, QueryJob("ASK {}", generation(store_dir)))
    pool.close()
    info, _ = run(pool, QueryJob("ASK {}", generation(store_dir)))
    assert info



def open_files(pid: int, directory: str) -> int:
    fds = Path(f"/proc/{pid}/fd")
    return sum(1 for fd in fds.iterdir() if os.readlink(fd).startswith(directory + os.sep))


def gone(pid: int) -> bool:
    """True once ``pid`` no longer exists (the kill is immediate; the reaping may take a moment)."""
    for _ in range(500):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.01)
    return False


def answer(pool: Pool, job: QueryJob, timeout: float = 30) -> tuple[int, bytes]:
    execution = pool.submit(job, timeout)
    pid = execution._worker.pid
    return pid, b"".join(execution.start())


def test_warm_up_starts_every_worker_with_the_generation_open(pool: Pool, store_dir: Path) -> None:
    gen = generation(store_dir)
    pool.warm_up(QueryJob("ASK {}", gen))
    assert len(pool._idle) == pool.size == pool._count
    for worker in pool._idle:
        assert open_files(worker.pid, gen) > 0


def test_warm_up_with_a_failing_job_still_leaves_usable_workers(pool: Pool, store_dir: Path, tmp_path: Path) -> None:
    pool.warm_up(QueryJob("ASK {}", str(tmp_path / "no-such-generation")))
    assert len(pool._idle) == pool.size == pool._count
    _, body = answer(pool, QueryJob("ASK { ?s ?p ?o }", generation(store_dir), requested_format="json"))
    assert b"true" in body


def test_workers_are_reused_across_requests(pool: Pool, store_dir: Path) -> None:
    pool.warm_up(QueryJob("ASK {}", generation(store_dir)))
    pids = {answer(pool, QueryJob(COUNT, generation(store_dir), requested_format="csv"))[0] for _ in range(6)}
    assert pids <= {worker.pid for worker in pool._idle} and len(pool._idle) == 2


def test_a_runaway_query_on_a_warm_worker_is_killed_and_replaced(pool: Pool, store_dir: Path) -> None:
    gen = generation(store_dir)
    pool.warm_up(QueryJob("ASK {}", gen))
    warm = {worker.pid for worker in pool._idle}
    execution = pool.submit(QueryJob(CROSS_JOIN, gen), 0.5)
    victim = execution._worker.pid
    with pytest.raises(QueryTimeout) as err:
        execution.start()
    assert err.value.status == 503
    assert gone(victim)
    assert pool._count == 1  # the slot is free again
    pids = {answer(pool, QueryJob(COUNT, gen, requested_format="csv"))[0] for _ in range(3)}
    assert victim not in pids and pids & (warm - {victim})
    pool.submit(QueryJob(COUNT, gen), 30).close()  # both slots usable
    assert pool._count <= pool.size


def test_warm_workers_follow_a_new_generation(pool: Pool, store_dir: Path, tmp_path: Path) -> None:
    newer = tmp_path / "newer"
    graphdata.build(newer, graphdata.article_one())
    pool.warm_up(QueryJob("ASK {}", generation(store_dir)))
    _, old = answer(pool, QueryJob(COUNT, generation(store_dir), requested_format="csv"))
    _, new = answer(pool, QueryJob(COUNT, generation(newer), requested_format="csv"))
    assert old != new
    assert int(new.split()[-1]) < int(old.split()[-1])
