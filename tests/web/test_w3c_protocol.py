"""Replay the W3C SPARQL 1.1 Protocol (34) and Graph Store Protocol (13) tests against the app.

The app runs writable without a token (as ``kg serve --writable --no-auth`` on 127.0.0.1
does for conformance runners), so every test runs as written. A read-only app answers the
update tests' writes with 403 (and passes all the query tests).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from flask.testing import FlaskClient

from kg.store import GenerationStore
from tests.web import http_manifest
from tests.web.http_manifest import Response

PROTOCOL = http_manifest.SUITE / "protocol" / "manifest.ttl"
GSP = http_manifest.SUITE / "graph-store-protocol" / "manifest.ttl"
pytestmark = pytest.mark.skipif(not PROTOCOL.is_file(), reason="W3C protocol tests not available")


def _tests(manifest: Path) -> list[http_manifest.Test]:
    return http_manifest.load(manifest) if manifest.is_file() else []


@pytest.fixture(scope="module")
def empty_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("w3c")
    with GenerationStore(path).update():
        pass
    return path


@pytest.fixture(scope="module")
def writable(empty_store: Path):
    from kg.config import Settings
    from kg.web import create_app

    app = create_app(Settings(store=str(empty_store), writable=True, no_auth=True), {"TESTING": True})
    return app.test_client()


def sender(client: FlaskClient):
    def send(method: str, path: str, headers: dict[str, str], body: bytes | None) -> Response:
        content_type = headers.pop("content-type", None)
        response = client.open(path, method=method, data=body, headers=headers, content_type=content_type)
        return Response(response.status_code, {k.lower(): v for k, v in response.headers.items()},
                        response.get_data())
    return send


@pytest.mark.parametrize("test", _tests(PROTOCOL), ids=lambda t: t.name)
def test_w3c_protocol(test: http_manifest.Test, writable: FlaskClient) -> None:
    http_manifest.run(test, sender(writable), "/sparql/", "/sparql")


@pytest.mark.parametrize("test", _tests(GSP), ids=lambda t: t.name)
def test_w3c_graph_store_protocol(test: http_manifest.Test, writable: FlaskClient) -> None:
    http_manifest.run(test, sender(writable), "/gsp", "http://localhost/store")


def test_counts() -> None:
    assert len(_tests(PROTOCOL)) == 34
    assert len(_tests(GSP)) == 13


def test_read_only_app_refuses_the_update_tests_with_403(empty_store: Path, app_factory) -> None:
    client = app_factory(empty_store).test_client()
    update = next(t for t in _tests(PROTOCOL) if t.name == "update_post_direct")
    response = sender(client)("POST", "/sparql", dict(update.steps[0].headers), update.steps[0].body.encode())
    assert response.status == 403
