"""kg.backends: a location names an embedded store directory or a remote SPARQL server."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.backends import is_remote, open_store
from kg.config import Settings, load_settings
from kg.remote import RemoteStore
from kg.store import GenerationStore, StoreError


def test_a_directory_opens_the_embedded_store(tmp_path: Path) -> None:
    store = open_store(str(tmp_path / "store"))
    assert isinstance(store, GenerationStore) and store.current_name() is None


def test_a_url_opens_a_remote_store_with_the_settings_endpoints() -> None:
    settings = Settings(remote_query="/ds/query", remote_update="http://other:3030/ds/update", remote_gsp="data",
                        remote_write="update", remote_union_param="none", query_timeout=7.0)
    store = open_store("https://me:secret@example.org:3030/ds", settings)
    assert isinstance(store, RemoteStore)
    assert store.endpoints.query == "https://me:secret@example.org:3030/ds/query"
    assert store.endpoints.update == "http://other:3030/ds/update"
    assert store.endpoints.gsp == "https://me:secret@example.org:3030/ds/data"
    assert (store.options.write, store.options.union_param, store.options.timeout) == ("update", "", 7.0)
    assert store.path == "https://example.org:3030/ds"  # what messages show: no credentials


def test_remote_defaults_fit_oxigraph_serve_and_come_from_the_environment() -> None:
    settings = load_settings({"KG_REMOTE_GSP": "/rdf-graphs/service"})
    store = open_store("http://localhost:7878", settings)
    assert isinstance(store, RemoteStore)
    assert store.endpoints.query == "http://localhost:7878/query"
    assert store.endpoints.update == "http://localhost:7878/update"
    assert store.endpoints.gsp == "http://localhost:7878/rdf-graphs/service"
    assert store.options.union_param == "union-default-graph"


def test_an_unknown_write_method_is_refused() -> None:
    with pytest.raises(StoreError, match="remote_write must be one of gsp, update, not 'post'"):
        open_store("http://localhost:7878", Settings(remote_write="post"))


@pytest.mark.parametrize(("location", "remote"), [("http://h:1/x", True), ("https://h", True), ("data/store", False),
                                                    ("/abs/http://x", False), ("httpdir", False)])
def test_is_remote(location: str, remote: bool) -> None:
    assert is_remote(location) is remote
