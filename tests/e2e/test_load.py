"""A short, bounded run of ``bench.endpoint_load`` against the real server: zero errors.

No wall-clock assertions: the figures depend on the machine (``python -m bench.endpoint_load``
prints them next to ``oxigraph serve-read-only``).
"""

from __future__ import annotations

from pathlib import Path

from bench import endpoint_load


def test_bounded_load_has_no_errors(seed_store: Path) -> None:
    (result,) = endpoint_load.run(seed_store, clients=16, duration=8, max_requests=600, servers=("kg",), workers=2)
    assert result["requests"] > 0
    assert result["errors"] == 0, result["first_errors"]
