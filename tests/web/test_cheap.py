"""Which queries may run in the request thread: single triple patterns only, read as a lexer would."""

from __future__ import annotations

import pytest

from kg.web.cheap import is_cheap

E = "<https://w3id.org/kg-news/id/person/x>"


@pytest.mark.parametrize("query", [
    f"SELECT * WHERE {{ {E} ?p ?o }}",
    f"select ?p ?o where {{ {E} ?p ?o . }} limit 100",
    f"SELECT ?l {{ {E} <http://www.w3.org/2000/01/rdf-schema#label> ?l }}",
    f"ASK {{ {E} a ?t }}",
    f"ASK WHERE {{ ?s ?p {E} }}",
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\nBASE <http://ex/>\nSELECT ?s { ?s rdfs:label 'Minsk'@en }",
    'SELECT ?s { ?s <http://ex/p> "1"^^<http://www.w3.org/2001/XMLSchema#integer> }',
    "PREFIX xsd: <http://www.w3.org/2001/XMLSchema#> SELECT ?s { ?s <http://ex/p> \"1\"^^xsd:integer }",
    "SELECT ?s { ?s <http://ex/p> 42 }",
    "SELECT ?s { ?s <http://ex/p> true }",
    f"DESCRIBE {E}",
    f"PREFIX ex: <http://ex/> DESCRIBE ex:a ex:b {E}",
    "# a comment { ?a ?b ?c . ?d ?e ?f }\nSELECT * { ?s ?p ?o } # ORDER BY ?s",
    'SELECT * { ?s ?p "text with } ORDER BY ?s and # and { braces" }',
    "SELECT * { <http://ex/a#frag> ?p ?o }",
])
def test_single_pattern_queries_are_cheap(query: str) -> None:
    assert is_cheap(query)


@pytest.mark.parametrize("query", [
    f"SELECT * {{ {E} ?p ?o . ?o ?q ?r }}",  # a join
    f"SELECT * {{ {E} ?p ?o ; ?q ?r }}",  # two patterns, shorthand
    f"SELECT * {{ {E} ?p ?o , ?r }}",
    f"SELECT * {{ {E} <http://ex/p>+ ?o }}",  # paths
    f"SELECT * {{ {E} <http://ex/p>/<http://ex/q> ?o }}",
    f"SELECT * {{ {E} ^<http://ex/p> ?o }}",
    f"SELECT * {{ {E} <http://ex/p>|<http://ex/q> ?o }}",
    "SELECT ?x { ?x <http://ex/p> ?x }",  # a repeated variable filters the scan
    "SELECT ?x { ?x ?x ?o }",
    "SELECT * { ?x <http://ex/p> $x }",
    f"SELECT * {{ {E} ?p ?o FILTER(?o > 3) }}",
    f"SELECT * {{ {E} ?p ?o OPTIONAL {{ ?o ?q ?r }} }}",
    f"SELECT * {{ {{ {E} ?p ?o }} UNION {{ ?o ?p {E} }} }}",
    f"SELECT * {{ GRAPH ?g {{ {E} ?p ?o }} }}",
    f"SELECT * {{ {E} ?p ?o }} ORDER BY ?o",
    f"SELECT DISTINCT ?p {{ {E} ?p ?o }}",
    f"SELECT REDUCED ?p {{ {E} ?p ?o }}",
    f"SELECT * {{ {E} ?p ?o }} LIMIT 10 OFFSET 5",
    f"SELECT * {{ {E} ?p ?o }} OFFSET 5",
    f"SELECT (COUNT(*) AS ?n) {{ {E} ?p ?o }}",
    f"SELECT ?p {{ {E} ?p ?o }} GROUP BY ?p",
    f"SELECT * FROM <http://g> {{ {E} ?p ?o }}",
    f"SELECT * {{ SERVICE <http://remote/sparql> {{ {E} ?p ?o }} }}",
    f"SELECT * {{ {E} ?p ?o }} VALUES ?o {{ 1 }}",
    f"SELECT * {{ {E} ?p ?o BIND(1 AS ?x) }}",
    f"SELECT * {{ {{ SELECT * {{ {E} ?p ?o }} ORDER BY ?o }} }}",
    "SELECT * { [] ?p ?o }",  # blank nodes
    "SELECT * { _:b ?p ?o }",
    "SELECT * { ?s ?p [ ?q ?r ] }",
    f"SELECT * {{ << {E} ?p ?o >> ?q ?r }}",
    f"DESCRIBE ?x WHERE {{ ?x ?p {E} }}",
    "DESCRIBE ?x",
    f"CONSTRUCT {{ {E} ?p ?o }} WHERE {{ {E} ?p ?o . }}",  # drops duplicates: reads without writing
    f"CONSTRUCT WHERE {{ {E} ?p ?o }} LIMIT 5",
    f"INSERT DATA {{ {E} <http://ex/p> 1 }}",
    f"SELECT * {{ {E} ?p ?o }} \\u004FRDER BY ?o",  # codepoint escapes apply anywhere
    'SELECT * { ?s ?p "\\u0022 } ORDER BY ?s { ?x ?y \\u0022" }',
    'SELECT * { ?s ?p """long } ORDER BY ?s { string""" }',
    f"SELECT * {{ {E} ?p ?o }}}}",
    f"SELECT * {{ {E} ?p ?o",
    f"BASE SELECT * {{ {E} ?p ?o }}",
    "PREFIX ex: SELECT * { ex:a ?p ?o }",
    "",
    "SELECT",
])
def test_anything_else_is_not(query: str) -> None:
    assert not is_cheap(query)
