"""The SPARQL 1.1 Service Description of the endpoint (https://www.w3.org/TR/sparql11-service-description/)."""

from __future__ import annotations

from pyoxigraph import BlankNode, Literal, NamedNode, Triple

from kg.web import formats

SD = "http://www.w3.org/ns/sparql-service-description#"
RDF_TYPE = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
RDFS_COMMENT = NamedNode("http://www.w3.org/2000/01/rdf-schema#comment")
DCTERMS_TITLE = NamedNode("http://purl.org/dc/terms/title")
# W3C format IRIs (https://www.w3.org/ns/formats/) where pyoxigraph's differ
FORMAT_IRIS = {"jsonld": "http://www.w3.org/ns/formats/JSON-LD"}


def _sd(term: str) -> NamedNode:
    return NamedNode(SD + term)


def description(endpoint: str) -> list[Triple]:
    """Triples describing the read-only endpoint at ``endpoint`` (its absolute URL)."""
    service, dataset, default_graph = BlankNode(), BlankNode(), BlankNode()
    triples = [
        Triple(service, RDF_TYPE, _sd("Service")),
        Triple(service, _sd("endpoint"), NamedNode(endpoint)),
        Triple(service, DCTERMS_TITLE, Literal("kg: political news knowledge graph", language="en")),
        Triple(service, _sd("supportedLanguage"), _sd("SPARQL11Query")),
        Triple(service, _sd("feature"), _sd("UnionDefaultGraph")),
        Triple(service, RDFS_COMMENT, Literal(
            "Read-only: SPARQL Update and SERVICE (federated query) are refused.", language="en")),
        Triple(service, _sd("defaultDataset"), dataset),
    ]
    for fmt in (*formats.RESULTS, *formats.GRAPH):
        iri = FORMAT_IRIS.get(fmt.name, fmt.ox.iri)
        triples.append(Triple(service, _sd("resultFormat"), NamedNode(iri)))
    triples += [
        Triple(dataset, RDF_TYPE, _sd("Dataset")),
        Triple(dataset, _sd("defaultGraph"), default_graph),
        Triple(default_graph, RDF_TYPE, _sd("Graph")),
        Triple(default_graph, RDFS_COMMENT, Literal(
            "Without default-graph-uri/named-graph-uri, the default graph is the union of all named "
            "graphs: one graph per article plus the knowledge-base graph.", language="en")),
    ]
    return triples
