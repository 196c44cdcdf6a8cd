"""Fault-test helpers: a warm ``kg build`` launcher, graph snapshots, a changed corpus."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pytest
import rdflib
from pyoxigraph import BlankNode, DefaultGraph, Quad, RdfFormat, serialize
from rdflib.compare import to_isomorphic

from kg.config import load_settings
from kg.store import GenerationStore, count_quads
from tests.conftest import ROOT

NEW_SENTENCE = "\nAlexander Lukashenko said Belarus would keep working with Russia in the CSTO.\n"
NEW_ARTICLE = "005_reliability.txt"
_ISO_DIGESTS: dict[str, str] = {}


@dataclass(frozen=True)
class Snapshot:
    """A served graph reduced to what must match exactly: quad count and per-graph digests."""

    quads: int
    graphs: dict[str, str]

    def differing(self, other: Snapshot) -> list[str]:
        """Names of the graphs that differ (for assertion messages)."""
        return sorted(g for g in self.graphs.keys() | other.graphs.keys() if self.graphs.get(g) != other.graphs.get(g))


def _digest(quads: list[Quad]) -> str:
    """Order-independent digest of one graph; blank nodes compared up to isomorphism."""
    triples = [Quad(q.subject, q.predicate, q.object, DefaultGraph()) for q in quads]
    data = serialize(triples, format=RdfFormat.N_TRIPLES) or b""
    raw = hashlib.sha256(b"\n".join(sorted(data.splitlines()))).hexdigest()
    if not any(isinstance(t, BlankNode) for q in quads for t in (q.subject, q.object)):
        return raw
    if raw not in _ISO_DIGESTS:  # same labels, same graph: skip the (slow) canonicalisation
        graph = rdflib.Graph()
        graph.parse(data=data, format="nt")
        _ISO_DIGESTS[raw] = f"iso:{to_isomorphic(graph).graph_digest()}"
    return _ISO_DIGESTS[raw]


def snapshot(store_dir: Path) -> Snapshot:
    """Snapshot of the generation ``store_dir`` serves, read the way servers read it."""
    store = GenerationStore(store_dir).open_read()
    by_graph: dict[str, list[Quad]] = defaultdict(list)
    for quad in store:
        by_graph[str(quad.graph_name)].append(quad)
    total = count_quads(store)
    assert total == sum(len(q) for q in by_graph.values())
    return Snapshot(total, {g: _digest(q) for g, q in by_graph.items()})


def store_leftovers(store_dir: Path) -> list[str]:
    """What a finished build must not leave: unsealed folders, CURRENT.tmp, never-served generations."""
    names = [p.name for p in (store_dir / "generations").iterdir() if p.name.endswith(".tmp")]
    current = GenerationStore(store_dir).current_name()
    orphans = [p.name for p in (store_dir / "generations").iterdir()
               if not p.name.endswith(".tmp") and p.name != current and not (store_dir / "retired" / p.name).exists()]
    return names + orphans + (["CURRENT.tmp"] if (store_dir / "CURRENT.tmp").exists() else [])


def changed_corpus(target: Path) -> Path:
    """A copy of the seed corpus in which every article changed and one was added."""
    shutil.copytree(ROOT / "corpus", target)
    articles = sorted((target / "articles").glob("*.txt"))
    for path in articles:
        path.write_text(path.read_text(encoding="utf-8") + NEW_SENTENCE, encoding="utf-8")
    source = articles[1].read_text(encoding="utf-8")
    (target / "articles" / NEW_ARTICLE).write_text(source.replace("1 March", "2 March"), encoding="utf-8")
    with (target / "manifest.tsv").open("a", encoding="utf-8") as fh:
        fh.write(f"{NEW_ARTICLE}\thttps://example.org/reliability\t2012-03-02\tA reliability test article\t\n")
    return target


@dataclass
class BuildRun:
    """One forked ``kg build``: exit status (negative: killed by that signal) and output."""

    status: int
    killed: bool
    seconds: float
    stdout: str
    stderr: str


class WarmBuilder:
    """Client of ``warm_builder.py``: real ``kg build`` runs forked from a warm parent."""

    def __init__(self, logs: Path) -> None:
        self.logs = logs
        self.model = load_settings().model
        self.proc = subprocess.Popen(
            [sys.executable, str(Path(__file__).with_name("warm_builder.py")), self.model],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        assert json.loads(self._readline()) == {"ready": True}
        self.runs = 0

    def _readline(self) -> str:
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"warm builder died (exit {self.proc.wait()})")
        return line

    def build(self, store: Path, corpus: Path, *extra: str, kill_after: float | None = None,
              fsize: int | None = None) -> BuildRun:
        """Run ``kg build --store STORE --corpus CORPUS --quiet EXTRA``; SIGKILL it after ``kill_after`` s."""
        self.runs += 1
        log = str(self.logs / f"build-{self.runs}")
        args = ["build", "--store", str(store), "--corpus", str(corpus), "--quiet", *extra]
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps({"args": args, "log": log, "kill_after": kill_after, "fsize": fsize}) + "\n")
        self.proc.stdin.flush()
        answer = json.loads(self._readline())
        out = Path(log + ".out").read_text(encoding="utf-8", errors="replace")
        err = Path(log + ".err").read_text(encoding="utf-8", errors="replace")
        return BuildRun(answer["status"], answer["killed"], answer["seconds"], out, err)

    def close(self) -> None:
        """Stop the parent (it exits when its input ends)."""
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.close()
        self.proc.wait(timeout=30)
        self.proc.stdout.close()


@pytest.fixture(scope="session")
def warm_builder(tmp_path_factory: pytest.TempPathFactory):
    """One warm builder for the whole session (spaCy loads once)."""
    builder = WarmBuilder(tmp_path_factory.mktemp("warm-builds"))
    yield builder
    builder.close()


@pytest.fixture(scope="session")
def new_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The changed corpus (read-only for tests)."""
    return changed_corpus(tmp_path_factory.mktemp("new-corpus") / "corpus")


@dataclass(frozen=True)
class Reference:
    """The graph before (seed) and after a complete build of ``new_corpus``, and its duration."""

    old: Snapshot
    new: Snapshot
    seconds: float


@pytest.fixture(scope="session")
def reference(seed_store: Path, new_corpus: Path, warm_builder: WarmBuilder,
              tmp_path_factory: pytest.TempPathFactory) -> Reference:
    """Build ``new_corpus`` over a copy of the seed store to completion, once."""
    store = tmp_path_factory.mktemp("reference") / "store"
    shutil.copytree(seed_store, store)
    run = warm_builder.build(store, new_corpus)
    assert run.status == 0, run.stderr
    assert "6 extracted, 0 unchanged" in run.stdout, run.stdout
    old, new = snapshot(seed_store), snapshot(store)
    assert old.quads != new.quads
    return Reference(old, new, run.seconds)
