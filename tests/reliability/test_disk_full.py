"""A full disk (or a file-size limit) during a build: a clean error, exit 1, the graph intact.

Two ways to run out of space: a small tmpfs mounted for the test (needs root and mount
rights; skipped with the reason otherwise) filled to leave a given amount free, and a
`RLIMIT_FSIZE` limit with SIGXFSZ ignored, so that writes fail with EFBIG (works anywhere).
The amounts are chosen so that the failure hits the checkpoint of the served generation and
the writes of the new one. After freeing space, the next build serves the new graph.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.reliability.conftest import Reference, WarmBuilder, snapshot, store_leftovers

PHASE = r"(?:copying gen-\d{6} to generation gen-\d{6}|writing generation gen-\d{6})"


def _size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


@pytest.fixture
def small_fs(tmp_path: Path, seed_store: Path):
    """A tmpfs a little larger than the seed store, unmounted afterwards; skip if mount is not allowed."""
    mount_point = tmp_path / "mnt"
    mount_point.mkdir()
    size_kb = _size(seed_store) // 1024 + 32 * 1024
    try:
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_kb}k", "tmpfs", str(mount_point)],
                              capture_output=True, text=True, timeout=30)
    except OSError as err:
        pytest.skip(f"cannot run mount: {err}")
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here (needs root and mount rights): {done.stderr.strip()}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", str(mount_point)], check=True, timeout=30)


def _fill(mount_point: Path, leave_kb: int) -> Path:
    stats = os.statvfs(mount_point)
    filler = mount_point / "filler"
    with open(filler, "wb") as fh:
        fh.write(b"\0" * max(0, stats.f_bavail * stats.f_frsize - leave_kb * 1024))
    return filler


def _assert_clean_failure(run, store: Path, reason: str, reference: Reference) -> None:
    assert run.status == 1, run.stderr
    assert "Traceback" not in run.stderr
    pattern = rf"kg: error: build stopped, served graph unchanged: {re.escape(str(store))}: {reason} while {PHASE}: "
    assert re.search(pattern, run.stderr), run.stderr
    assert snapshot(store) == reference.old
    assert store_leftovers(store) == []
    assert store.joinpath("CURRENT").read_text() == "gen-000001\n"


@pytest.mark.parametrize("free_kb", [0, 256])
def test_disk_full_during_build(free_kb: int, small_fs: Path, seed_store: Path, new_corpus: Path,
                                warm_builder: WarmBuilder, reference: Reference) -> None:
    store = small_fs / "store"
    shutil.copytree(seed_store, store)
    filler = _fill(small_fs, free_kb)
    run = warm_builder.build(store, new_corpus)
    _assert_clean_failure(run, store, "disk full", reference)
    assert run.stderr.rstrip().endswith("No space left on device")

    filler.unlink()
    run = warm_builder.build(store, new_corpus)
    assert run.status == 0, run.stderr
    assert snapshot(store) == reference.new


@pytest.mark.parametrize("limit_kb", [16, 256])
def test_file_size_limit_during_build(limit_kb: int, tmp_path: Path, seed_store: Path, new_corpus: Path,
                                      warm_builder: WarmBuilder, reference: Reference) -> None:
    store = tmp_path / "store"
    shutil.copytree(seed_store, store)
    run = warm_builder.build(store, new_corpus, fsize=limit_kb * 1024)
    _assert_clean_failure(run, store, "file size limit reached", reference)
    assert run.stderr.rstrip().endswith("File too large")

    run = warm_builder.build(store, new_corpus)
    assert run.status == 0, run.stderr
    assert snapshot(store) == reference.new
