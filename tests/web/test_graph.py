"""The served generation: ``CURRENT`` is read again only when it changed, and every change is seen."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from werkzeug.exceptions import ServiceUnavailable

from kg.web.graph import ServedGraph


@pytest.fixture()
def store(tmp_path: Path) -> Path:
    for name in ("gen-000001", "gen-000002"):
        (tmp_path / "generations" / name).mkdir(parents=True)
    (tmp_path / "CURRENT").write_text("gen-000001\n")
    return tmp_path


def age(path: Path, seconds: float) -> None:
    """Make ``path`` look modified ``seconds`` ago."""
    then = time.time() - seconds
    os.utime(path, (then, then))


def test_an_unchanged_pointer_is_not_read_again(store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    served = ServedGraph(str(store))
    age(store / "CURRENT", 60)
    first = served.current()
    reads: list[int] = []
    real = served.generations.current_name
    monkeypatch.setattr(served.generations, "current_name", lambda: reads.append(1) or real())
    assert served.current() is first and served.current().generation == "gen-000001"
    assert reads == []


def test_a_switch_is_seen_by_the_next_request(store: Path) -> None:
    served = ServedGraph(str(store))
    age(store / "CURRENT", 60)
    assert served.current().generation == "gen-000001"
    (store / "CURRENT.tmp").write_text("gen-000002\n")
    os.replace(store / "CURRENT.tmp", store / "CURRENT")  # as a build switches
    assert served.current().generation == "gen-000002"


def test_a_rewrite_in_place_within_a_clock_tick_is_seen(store: Path) -> None:
    served = ServedGraph(str(store))
    assert served.current().generation == "gen-000001"
    stat = os.stat(store / "CURRENT")
    (store / "CURRENT").write_text("gen-000002\n")  # same inode, same size
    os.utime(store / "CURRENT", ns=(stat.st_atime_ns, stat.st_mtime_ns))  # and the same mtime
    assert served.current().generation == "gen-000002"


def test_a_pointer_gone_bad_is_a_503(store: Path) -> None:
    served = ServedGraph(str(store))
    age(store / "CURRENT", 60)
    served.current()
    (store / "CURRENT").write_text("gen-000009\n")
    age(store / "CURRENT", 60)
    with pytest.raises(ServiceUnavailable):
        served.current()

