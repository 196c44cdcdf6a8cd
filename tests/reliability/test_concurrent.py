"""Builds while readers query: every answer comes from one complete generation.

A reader thread keeps opening the served generation the way servers do
(``GenerationStore.open_read``) and counting its quads, while three builds run one after
the other (new corpus, seed corpus, new corpus again). Every count must be that of a
complete generation (the one before or after a build), never an error or something in
between; a reader that opened the seed
generation before the builds still answers from it (replaced generations stay on disk for
``RETIRED_GRACE_SECONDS``, so no query runs on deleted files).
"""

from __future__ import annotations

import shutil
import threading
from collections import Counter
from pathlib import Path

from kg.store import GenerationStore, StoreError, count_quads
from tests.conftest import SEED_CORPUS
from tests.reliability.conftest import Reference, WarmBuilder, snapshot, store_leftovers


def test_queries_during_builds(seed_store: Path, new_corpus: Path, warm_builder: WarmBuilder,
                               reference: Reference, tmp_path: Path) -> None:
    store = tmp_path / "store"
    shutil.copytree(seed_store, store)
    early = GenerationStore(store).open_read()
    served = [count_quads(early)]  # the count of each complete generation, in order
    seen: Counter = Counter()
    errors: list[str] = []
    stop = threading.Event()

    def reader() -> None:
        while not stop.is_set():
            try:
                seen[count_quads(GenerationStore(store).open_read())] += 1
            except (StoreError, OSError) as err:
                errors.append(str(err))

    threads = [threading.Thread(target=reader) for _ in range(2)]
    for thread in threads:
        thread.start()
    try:
        for corpus in (new_corpus, SEED_CORPUS, new_corpus):
            run = warm_builder.build(store, corpus)
            assert run.status == 0, run.stderr
            served.append(count_quads(GenerationStore(store).open_read()))
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    print(f"reader answers: {dict(seen)}")
    assert errors == []
    assert set(seen) <= set(served), f"a reader saw a count no complete generation has: {seen} vs {served}"
    assert len(set(seen)) >= 2, "the readers should have seen the old and the new graphs"
    assert served[0] == reference.old.quads and served[-1] == reference.new.quads
    assert sum(seen.values()) > 50
    assert count_quads(early) == reference.old.quads, "a reader keeps answering from its generation"
    assert snapshot(store) == reference.new
    assert GenerationStore(store).current_name() == "gen-000004"
    assert sorted(p.name for p in (store / "retired").iterdir()) == ["gen-000001", "gen-000002", "gen-000003"]
    assert store_leftovers(store) == []
