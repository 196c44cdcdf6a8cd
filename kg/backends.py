"""Which store a location names: a directory (embedded Oxigraph) or an ``http(s)://`` SPARQL server."""

from __future__ import annotations

from kg.store import GenerationStore


def is_remote(location: str) -> bool:
    """True when ``location`` is the URL of a SPARQL server rather than a store directory."""
    return location.startswith(("http://", "https://"))


def open_store(location: str) -> GenerationStore:
    """The store at ``location``; both kinds offer ``update()`` yielding a writer."""
    if is_remote(location):
        from kg.remote import RemoteStore

        return RemoteStore(location)  # type: ignore[return-value]
    return GenerationStore(location)
