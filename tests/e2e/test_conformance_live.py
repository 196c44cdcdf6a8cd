"""The W3C Protocol, Graph Store Protocol and Service Description suites, run by the npm
``rdf-test-suite`` runner against the real ``kg serve --writable --no-auth`` on 127.0.0.1."""

from __future__ import annotations

import re
import subprocess
import urllib.request
from collections.abc import Iterator

import pytest

from kg.config import PROJECT_ROOT
from kg.store import GenerationStore
from tests.e2e.live import CLIENTS, kg_server, node_missing, require_node_clients

SUITE = PROJECT_ROOT.parent / "shared" / "conformance" / "w3c-protocol"
PUBLISHED = "https://w3c.github.io/rdf-tests/sparql/sparql11/"
pytestmark = [
    pytest.mark.slow,  # ~1 min; tests/web/test_w3c_protocol.py replays the same manifests in the default run
    pytest.mark.skipif(node_missing() is not None, reason=node_missing() or ""),
    pytest.mark.skipif(not SUITE.is_dir(), reason="W3C protocol tests not available"),
]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    require_node_clients()
    store = tmp_path_factory.mktemp("conformance") / "store"
    with GenerationStore(store).update():
        pass
    with kg_server(store, "--writable", "--no-auth", "--workers", "2") as base:
        yield base


def run_suite(manifest: str, options: str) -> tuple[int, int, str]:
    result = subprocess.run(
        ["npx", "--no-install", "rdf-test-suite", "stub-engine.js", PUBLISHED + manifest,
         "-m", f"{PUBLISHED}~{SUITE}/", "-i", options],
        cwd=CLIENTS, capture_output=True, text=True, timeout=600,
    )
    output = result.stdout + result.stderr
    match = re.search(r"(\d+) / (\d+) tests succeeded", output)
    assert match, output[-3000:]
    return int(match.group(1)), int(match.group(2)), output


def test_protocol_34_of_34(server: str) -> None:
    passed, total, output = run_suite("protocol/manifest.ttl", f'{{"protocolEndpoint":"{server}/sparql"}}')
    assert (passed, total) == (34, 34), output[-3000:]


def test_graph_store_protocol_13_of_13(server: str) -> None:
    passed, total, output = run_suite("graph-store-protocol/manifest.ttl",
                                      f'{{"graphStoreEndpoint":"{server}/store"}}')
    assert (passed, total) == (13, 13), output[-3000:]


def test_service_description_3_of_3(server: str) -> None:
    passed, total, output = run_suite("service-description/manifest.ttl",
                                      f'{{"serviceDescriptionEndpoint":"{server}/sparql"}}')
    assert (passed, total) == (3, 3), output[-3000:]


def test_server_still_answers_after_the_suites(server: str) -> None:
    with urllib.request.urlopen(server + "/sparql?query=ASK%7B%7D", timeout=10) as resp:
        assert resp.status == 200
