"""Which store a location names: a directory (embedded Oxigraph) or an ``http(s)://`` SPARQL server."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, BinaryIO

from kg import store as kg_store
from kg.store import GenerationStore
from kg.vocab import PREFIXES

if TYPE_CHECKING:
    from kg.config import Settings


def is_remote(location: str) -> bool:
    """True when ``location`` is the URL of a SPARQL server rather than a store directory.

    >>> is_remote("http://localhost:7878"), is_remote("data/store")
    (True, False)
    """
    return location.startswith(("http://", "https://"))


def open_store(location: str, settings: Settings | None = None) -> GenerationStore:
    """The store at ``location``; both kinds offer ``update()`` yielding a writer.

    A remote store takes its endpoints from ``settings`` (default: the environment's).
    """
    if is_remote(location):
        from kg.remote import RemoteOptions, RemoteStore

        options = RemoteOptions.from_settings(location, settings) if settings is not None else None
        return RemoteStore(location, options)  # type: ignore[return-value]
    return GenerationStore(location)


def dump(store: Any, fmt: str, output: BinaryIO) -> None:
    """:func:`kg.store.dump` for either kind of store (a remote one in a single request)."""
    from kg.remote import RemoteStore

    if not isinstance(store, RemoteStore):
        kg_store.dump(store, fmt, output)
        return
    if fmt not in kg_store.DUMP_FORMATS:
        raise kg_store.StoreError(f"unknown dump format {fmt!r}; choose one of {', '.join(kg_store.DUMP_FORMATS)}")
    store.dump(output, kg_store.DUMP_FORMATS[fmt], prefixes=PREFIXES if fmt in ("ttl", "trig") else None)
