"""kill -9 during `kg build`: the served graph is always the previous or the new complete one.

Each run copies the built seed store, starts a real `kg build` of a corpus in which every
article changed and one was added, and SIGKILLs it after a delay drawn from its own slice
of the build duration (measured on the complete builds as the test goes, so that the delays
cover the whole build: start-up, checkpoint, extraction, writes, flush, seal, switch). Some
runs kill the next build too. Then the
served graph must equal, quad count and per-graph isomorphism, the seed graph or the
graph a complete build produces, and a follow-up build must finish and serve the latter.
Kills at each step of the store's switch itself are in ``test_kill_store_steps.py``.
"""

from __future__ import annotations

import random
import shutil
import signal
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.reliability.conftest import Reference, WarmBuilder, snapshot, store_leftovers


def _phase(store: Path, killed: bool) -> str:
    """Where the build was when it died, judged from what it left in the store."""
    names = {p.name for p in (store / "generations").iterdir()}
    if not killed:
        return "build finished first"
    if (store / "CURRENT").read_text().strip() != "gen-000001":
        return "killed after the switch"
    if any(n.endswith(".tmp") for n in names):
        return "killed with an unsealed generation"
    if "gen-000002" in names:
        return "killed between seal and switch"
    return "killed before the checkpoint"


def _kill_runs(runs: int, seed: int, seed_store: Path, corpus: Path, builder: WarmBuilder,
               reference: Reference, tmp_path: Path) -> Counter:
    rng = random.Random(seed)
    durations = [reference.seconds]  # of complete builds; the machine's load may change meanwhile
    slices = list(range(runs))
    rng.shuffle(slices)
    outcomes: Counter = Counter()
    for run, part in enumerate(slices):
        store = tmp_path / f"store-{run}"
        shutil.copytree(seed_store, store)
        span = statistics.median(durations[-5:])
        delays = [span * (part + rng.random()) / runs]
        if rng.random() < 0.3:
            delays.append(rng.uniform(0.0, span))
        for delay in delays:
            result = builder.build(store, corpus, kill_after=delay)
            if not result.killed:
                assert result.status == 0, result.stderr
            served = snapshot(store)
            assert served in (reference.old, reference.new), (
                f"run {run}, kill after {delay:.2f}s: mixed graph; differs from the old graph in "
                f"{served.differing(reference.old)} and from the new one in {served.differing(reference.new)}"
            )
            outcomes[f"{'old' if served == reference.old else 'new'} graph, {_phase(store, result.killed)}"] += 1
        result = builder.build(store, corpus)
        assert result.status == 0, result.stderr
        assert "Traceback" not in result.stderr
        assert snapshot(store) == reference.new, f"run {run}: the follow-up build did not produce the new graph"
        if "6 extracted" in result.stdout:
            durations.append(result.seconds)
        assert store_leftovers(store) == []
        shutil.rmtree(store)
    print(f"kill outcomes over {runs} runs: {dict(outcomes)}")
    return outcomes


def test_kill_build_5_runs(seed_store: Path, new_corpus: Path, warm_builder: WarmBuilder,
                           reference: Reference, tmp_path: Path) -> None:
    outcomes = _kill_runs(5, 20240501, seed_store, new_corpus, warm_builder, reference, tmp_path)
    assert sum(outcomes.values()) >= 5


@pytest.mark.slow
def test_kill_build_20_runs(seed_store: Path, new_corpus: Path, warm_builder: WarmBuilder,
                            reference: Reference, tmp_path: Path) -> None:
    outcomes = _kill_runs(20, 7, seed_store, new_corpus, warm_builder, reference, tmp_path)
    assert sum(n for kind, n in outcomes.items() if kind.startswith("old")) >= 1, "no kill landed before the switch"


def test_kill_cold_kg_build_process(seed_store: Path, new_corpus: Path, warm_builder: WarmBuilder,
                                    reference: Reference, tmp_path: Path) -> None:
    """The plain `kg build` command (cold start, its own process) killed mid-build, then finished."""
    store = tmp_path / "store"
    shutil.copytree(seed_store, store)
    args = [sys.executable, "-m", "kg.cli", "build", "--store", str(store), "--corpus", str(new_corpus), "--quiet"]
    proc = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while not store_leftovers(store) and proc.poll() is None:
        assert time.monotonic() < deadline
        time.sleep(0.01)
    time.sleep(0.5)
    proc.kill()
    assert proc.wait() == -signal.SIGKILL
    assert snapshot(store) == reference.old, "killed while extracting: the old graph must be served"
    assert store_leftovers(store), "the killed build leaves its unsealed generation for the next build to remove"
    # The follow-up runs from the warm builder so that it uses the same extractor fingerprint
    # as the reference (other engineers may be editing kg/nlp while the suite runs).
    result = warm_builder.build(store, new_corpus)
    assert result.status == 0, result.stderr
    assert snapshot(store) == reference.new
    assert store_leftovers(store) == []
