"""The query worker pool: answers stream over pipes, runaway or orphaned workers are killed."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from kg.web.jobs import QueryJob
from kg.web.workers import JobFailed, Pool, QueryTimeout, StreamAborted


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
