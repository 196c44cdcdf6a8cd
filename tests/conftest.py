"""Shared fixtures: the seed corpus built once per test session by the real `kg build`."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEED_CORPUS = ROOT / "corpus"


def kg_cli(*args: str, env: dict[str, str] | None = None, timeout: float = 600) -> subprocess.CompletedProcess:
    """Run the real `kg` command in a subprocess and capture its output."""
    return subprocess.run(
        [sys.executable, "-m", "kg.cli", *args], capture_output=True, text=True, timeout=timeout,
        env={**os.environ, **(env or {})}, cwd=ROOT,
    )


@pytest.fixture(scope="session")
def seed_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store built from corpus/ by `kg build` (read-only for tests: copy it before changing)."""
    store = tmp_path_factory.mktemp("seed") / "store"
    result = kg_cli("build", "--store", str(store), "--corpus", str(SEED_CORPUS), "--quiet")
    assert result.returncode == 0, result.stderr
    return store


@pytest.fixture
def seed_copy(seed_store: Path, tmp_path: Path) -> Path:
    """A private copy of the seed store that a test may rebuild or break."""
    target = tmp_path / "store"
    shutil.copytree(seed_store, target)
    return target


@pytest.fixture
def corpus_copy(tmp_path: Path) -> Path:
    """A private copy of the seed corpus that a test may edit."""
    target = tmp_path / "corpus"
    shutil.copytree(SEED_CORPUS, target)
    return target
