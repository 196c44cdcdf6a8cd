"""The lexical checks made before a query reaches the engine."""

from __future__ import annotations

import pytest

from kg.web.sparqltext import has_dataset_clause, is_update, operation, uses_service


@pytest.mark.parametrize("text", [
    "INSERT DATA { <a> <b> <c> }",
    "PREFIX ex: <http://ex/> DELETE WHERE { ?s ?p ?o }",
    "# comment SELECT\nBASE <http://x/> PREFIX : <http://y/> CLEAR ALL",
    "load <http://example.org/data.ttl>",
    "WITH <http://g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "DROP SILENT ALL ; INSERT DATA { <a> <b> <c> }",
])
def test_updates_are_recognised(text: str) -> None:
    assert is_update(text)


@pytest.mark.parametrize("text", [
    "SELECT * { ?s ?p 'INSERT' }",
    "PREFIX insert: <http://ex/> ASK { ?s insert:x ?o }",
    "# INSERT DATA\nCONSTRUCT WHERE { ?s ?p ?o }",
    "DESCRIBE <http://ex/DELETE>",
])
def test_queries_are_not_updates(text: str) -> None:
    assert not is_update(text)


def test_operation_keyword() -> None:
    assert operation("  prefix ex: <http://ex/>\nselect * {}") == "SELECT"
    assert operation("") is None


@pytest.mark.parametrize("text", [
    "SELECT * { SERVICE <http://evil/> { ?s ?p ?o } }",
    "SELECT * { service silent <http://evil/> { ?s ?p ?o } }",
    "SELECT * { ?s ?p ?o.SERVICE ?endpoint { ?s ?p ?o } }",
    "SELECT * { \\u0053ERVICE <http://evil/> { ?s ?p ?o } }",
    "SELECT * { ?s ?p '''x''' SERVICE <http://evil/> {} }",
    "SELECT * { FILTER(?a<?b) SERVICE <http://evil/> {} }",
])
def test_service_is_found(text: str) -> None:
    assert uses_service(text)


@pytest.mark.parametrize("text", [
    "SELECT * { ?s ?p 'SERVICE' }",
    'SELECT * { ?s ?p """a\nSERVICE <x> {}""" }',
    "SELECT * { ?s <http://ex/SERVICE> ?o }",
    "SELECT ?service { ?service ex:service service:x }",
    "SELECT * { ?s ?p ?o } # SERVICE <http://evil/>",
])
def test_service_in_strings_iris_names_and_comments_is_ignored(text: str) -> None:
    assert not uses_service(text)


def test_dataset_clause() -> None:
    assert has_dataset_clause("SELECT * FROM NAMED <http://g> { GRAPH ?g { ?s ?p ?o } }")
    assert not has_dataset_clause("SELECT ?from { ?from ex:from 'FROM' }")
