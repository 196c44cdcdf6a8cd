"""kill -9 at every step of a store update, including the pruning, the switch of CURRENT and the compaction.

Random kills during a build rarely land in the few milliseconds of the switch, so this test
kills a store update deterministically at each step (``crash_store.py``) and checks that the
served graph is the previous or the new one as the step implies, never a mix; that a reader
can open it; and that the next update cleans up and serves its own graph.
"""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from kg.store import GenerationStore
from tests.conftest import ROOT
from tests.reliability.conftest import snapshot, store_leftovers
from tests.reliability.crash_store import GRAPHS, quads

HELPER = Path(__file__).with_name("crash_store.py")
# step → which graph is served after the kill
STEPS = {
    "prune": "old", "prune-half": "old", "checkpoint": "old", "write": "old", "flush": "old", "sealed": "old",
    "current-tmp": "old", "switched": "new", "compacting": "new",
}


def update(store: Path, step: str, version: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(HELPER), str(store), step, version], cwd=ROOT,
                          capture_output=True, text=True, timeout=120, env={"PYTHONPATH": str(ROOT)})


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    """A store serving v2 with v1 still kept (so there is one to prune), and snapshots of v1-v3."""
    snaps = {}
    for version in ("v1", "v2", "v3"):
        store = tmp_path_factory.mktemp(version) / "store"
        write(store, version)
        snaps[version] = snapshot(store)
    store = tmp_path_factory.mktemp("base") / "store"
    write(store, "v1")
    write(store, "v2")
    return store, snaps


def write(store: Path, version: str) -> None:
    """A complete update in this process, as the next build would do it."""
    with GenerationStore(store, grace_seconds=0).update() as writer:
        for graph, n in zip(GRAPHS, (50, 30), strict=True):
            writer.replace_graph(graph, quads(graph, version, n))


@pytest.mark.parametrize("step", list(STEPS))
def test_kill_at_step(step: str, base: tuple[Path, dict], tmp_path: Path) -> None:
    source, versions = base
    store = tmp_path / "store"
    shutil.copytree(source, store)
    assert snapshot(store) == versions["v2"]

    killed = update(store, step, "v3")
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    expected = versions["v2"] if STEPS[step] == "old" else versions["v3"]
    assert snapshot(store) == expected

    write(store, "v1")
    assert snapshot(store) == versions["v1"]
    assert store_leftovers(store) == []
    sealed = sorted(p.name for p in (store / "generations").iterdir())
    assert len(sealed) == 2, f"the new generation and the one it replaced, no orphans: {sealed}"
