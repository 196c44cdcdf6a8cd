"""kg.web.result_cache: complete results replayed, partial ones never kept, bounded in bytes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from kg.web.execute import QueryOutput
from kg.web.result_cache import ResultCache


class Producer:
    """Counts how often the query really ran."""

    def __init__(self, chunks: list[bytes], fail_after: int | None = None) -> None:
        self.chunks = chunks
        self.fail_after = fail_after
        self.calls = 0

        self.closed = False

    def _stream(self) -> Iterator[bytes]:
        try:
            for n, chunk in enumerate(self.chunks):
                if self.fail_after is not None and n == self.fail_after:
                    raise RuntimeError("query timed out")
                yield chunk
        finally:
            self.closed = True

    def __call__(self) -> QueryOutput:
        self.calls += 1
        return QueryOutput("text/csv; charset=utf-8", "csv", self._stream(), {"format": "csv"})


def read(output: QueryOutput) -> bytes:
    return b"".join(output.chunks)


def test_second_read_is_replayed_with_the_same_bytes_and_type() -> None:
    cache = ResultCache()
    run = Producer([b"a,b\r\n", b"1,2\r\n"])
    first = cache.output(("gen-000001", "q"), run)
    assert read(first) == b"a,b\r\n1,2\r\n"
    second = cache.output(("gen-000001", "q"), run)
    assert (second.content_type, second.format) == (first.content_type, first.format)
    assert read(second) == b"a,b\r\n1,2\r\n"
    assert second.info == {"format": "csv", "cached": True}
    assert run.calls == 1
    assert (cache.hits, cache.misses) == (1, 1)


def test_another_generation_or_parameter_runs_the_query_again() -> None:
    cache = ResultCache()
    run = Producer([b"x"])
    for key in (("gen-000001", "q", "actor=a"), ("gen-000002", "q", "actor=a"), ("gen-000002", "q", "actor=b")):
        assert read(cache.output(key, run)) == b"x"
    assert run.calls == 3


def test_a_result_that_fails_halfway_is_not_kept() -> None:
    cache = ResultCache()
    run = Producer([b"a", b"b", b"c"], fail_after=2)
    with pytest.raises(RuntimeError):
        read(cache.output(("g", "q"), run))
    assert len(cache) == 0
    run.fail_after = None
    assert read(cache.output(("g", "q"), run)) == b"abc"
    assert run.calls == 2


def test_a_result_abandoned_by_the_client_is_not_kept() -> None:
    cache = ResultCache()
    run = Producer([b"a", b"b"])
    chunks = cache.output(("g", "q"), run).chunks
    assert next(iter(chunks)) == b"a"
    chunks.close()  # type: ignore[attr-defined]  # the WSGI server closes the body when the client leaves
    assert len(cache) == 0
    assert run.closed  # the query behind it is stopped too


def test_an_entry_larger_than_the_limit_streams_but_is_not_kept() -> None:
    cache = ResultCache(max_bytes=100, max_entry_bytes=4)
    run = Producer([b"abc", b"def"])
    assert read(cache.output(("g", "big"), run)) == b"abcdef"
    assert len(cache) == 0


def test_least_recently_used_entries_go_first() -> None:
    cache = ResultCache(max_bytes=10, max_entry_bytes=10)
    for name in ("a", "b"):
        read(cache.output(("g", name), Producer([b"12345"])))
    read(cache.output(("g", "a"), Producer([b"unused"])))  # a hit: "a" is now the most recent
    read(cache.output(("g", "c"), Producer([b"12345"])))
    kept = Producer([b"12345"])
    read(cache.output(("g", "a"), kept))
    assert kept.calls == 0
    evicted = Producer([b"12345"])
    read(cache.output(("g", "b"), evicted))
    assert evicted.calls == 1
