"""The W3C SPARQL 1.1 query-evaluation subset, run through the HTTP endpoint: at least 95 % pass."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.web import w3c_query

pytestmark = pytest.mark.skipif(not w3c_query.SUITE.is_dir(), reason="W3C query tests not available")
PASS_RATE = 0.95


@pytest.fixture(scope="module")
def suite(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[w3c_query.Case], Path]:
    cases = w3c_query.cases()
    path = tmp_path_factory.mktemp("w3c-query")
    w3c_query.build_store(path, cases)
    return cases, path


def test_query_evaluation_over_http(suite, app_factory) -> None:
    cases, path = suite
    client = app_factory(path, max_request_bytes=100_000).test_client()

    def send(url: str, body: bytes, content_type: str, accept: str) -> tuple[int, str, bytes]:
        response = client.post(url, data=body, content_type=content_type, headers={"Accept": accept})
        return response.status_code, response.content_type or "", response.get_data()

    failures = {}
    for case in cases:
        problem = w3c_query.run(case, send)
        if problem is not None:
            failures[case.name] = problem
    rate = 1 - len(failures) / len(cases)
    report = "\n".join(f"{name}: {problem[:200]}" for name, problem in sorted(failures.items()))
    print(f"W3C query evaluation over HTTP: {len(cases) - len(failures)}/{len(cases)} ({rate:.1%})\n{report}")
    assert len(cases) >= 240
    assert rate >= PASS_RATE, f"{len(failures)} of {len(cases)} failed:\n{report}"
