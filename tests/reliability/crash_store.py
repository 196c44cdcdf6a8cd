"""Run one store update and SIGKILL this process at a chosen step (test-only fault injection).

Usage: ``python crash_store.py STORE STEP VERSION`` (pruning without grace period). The
update replaces two named graphs with content tagged ``VERSION``. Steps, in the order
``GenerationStore.update`` runs them: ``prune`` (before the checkpoint, an old generation
renamed to ``*.old.tmp``, not yet removed), ``prune-half`` (half of its files removed),
``checkpoint`` (after the backup), ``write`` (after the first of two graph writes), ``flush``
(flushed, before the fsync of the files), ``sealed`` (renamed to ``gen-N``, CURRENT not
written), ``current-tmp`` (``CURRENT.tmp`` written and synced, not yet renamed),
``switched`` (CURRENT renamed), ``compacting`` (the update counts as big enough to compact:
killed once the checkpoint of the compacted copy is made), and ``none``.
The hooks live here, not in kg: production code has no test switches.
"""

from __future__ import annotations

import os
import shutil
import signal
import sys
from pathlib import Path

from pyoxigraph import Literal, NamedNode, Quad

from kg import store as kg_store

GRAPHS = ("https://w3id.org/kg-news/graph/article/a", "https://w3id.org/kg-news/graph/article/b")


def quads(graph: str, version: str, n: int = 50) -> list[Quad]:
    """``n`` quads in ``graph`` that say which version wrote them."""
    g = NamedNode(graph)
    return [Quad(NamedNode(f"{graph}/thing/{i}"), NamedNode("http://schema.org/name"), Literal(f"{version} {i}"), g)
            for i in range(n)]


def die() -> None:
    """What a power cut or `kill -9` does: no cleanup of any kind."""
    os.kill(os.getpid(), signal.SIGKILL)


def install(step: str) -> None:
    """Patch kg.store so that this process dies at ``step``."""
    real_replace, real_rmtree = os.replace, shutil.rmtree
    real_checkpoint, real_fsync_tree = kg_store.GenerationStore._checkpoint, kg_store._fsync_tree
    calls = {"replace": 0}

    def replace(src, dst, *args, **kwargs):
        calls["replace"] += 1
        if step == "current-tmp" and str(dst).endswith("CURRENT"):
            die()
        real_replace(src, dst, *args, **kwargs)
        if step == "sealed" and calls["replace"] == 1:
            die()
        if step == "switched" and str(dst).endswith("CURRENT"):
            die()
        if step == "prune" and str(dst).endswith(".old.tmp"):
            die()

    def checkpoint(self, current, work):
        result = real_checkpoint(self, current, work)
        calls["checkpoint"] = calls.get("checkpoint", 0) + 1
        if step == "checkpoint" or (step == "compacting" and calls["checkpoint"] == 2):
            die()
        return result

    def fsync_tree(path):
        if step == "flush":
            die()
        real_fsync_tree(path)

    def rmtree(path, *args, **kwargs):
        if step == "prune-half" and str(path).endswith(".old.tmp"):
            files = sorted(Path(path).iterdir())
            for f in files[: len(files) // 2]:
                f.unlink()
            die()
        real_rmtree(path, *args, **kwargs)

    if step == "compacting":
        kg_store.OPTIMIZE_QUADS = 1  # type: ignore[misc]
    kg_store.os.replace = replace  # type: ignore[attr-defined]
    kg_store.GenerationStore._checkpoint = checkpoint  # type: ignore[method-assign]
    kg_store._fsync_tree = fsync_tree
    kg_store.shutil.rmtree = rmtree  # type: ignore[attr-defined]


def main() -> None:
    path, step, version = sys.argv[1:4]
    install(step)
    with kg_store.GenerationStore(path, grace_seconds=0).update() as writer:
        writer.replace_graph(GRAPHS[0], quads(GRAPHS[0], version))
        if step == "write":
            die()
        writer.replace_graph(GRAPHS[1], quads(GRAPHS[1], version, 30))


if __name__ == "__main__":
    main()
