"""Fixtures: a tiny store built from hand-made records, the app, and its test client."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kg.config import Settings
from kg.web import create_app
from tests.web import graphdata


@pytest.fixture(scope="session")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("store")
    graphdata.build(path, graphdata.article_one(), graphdata.article_two())
    return path


@pytest.fixture()
def app(store_dir: Path) -> Flask:
    app = create_app(Settings(store=str(store_dir), max_request_bytes=20_000), {"TESTING": True})
    return app


@pytest.fixture()
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture()
def app_factory():
    """Build an app over any store directory."""
    def make(path: Path, **settings) -> Flask:
        return create_app(Settings(store=str(path), **settings), {"TESTING": True})
    return make
