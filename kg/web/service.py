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


def _comment(writable: bool, federated: bool) -> str:
    update = ("SPARQL Update is accepted with the server's bearer token." if writable
              else "Read-only: SPARQL Update is refused.")
    service = ("SERVICE may call only the allow-listed endpoints." if federated
               else "SERVICE (federated query) is refused.")
    return f"{update} {service} Queries are stopped at the server's timeout and capped in size."


def description(endpoint: str, *, writable: bool = False, federated: bool = False) -> list[Triple]:
    """Triples describing the endpoint at ``endpoint`` (its absolute URL)."""
    service, dataset, default_graph = BlankNode(), BlankNode(), BlankNode()
    triples = [
        Triple(service, RDF_TYPE, _sd("Service")),
        Triple(service, _sd("endpoint"), NamedNode(endpoint)),
        Triple(service, DCTERMS_TITLE, Literal("kg: political news knowledge graph", language="en")),
        Triple(service, _sd("supportedLanguage"), _sd("SPARQL11Query")),
        Triple(service, _sd("feature"), _sd("UnionDefaultGraph")),
        Triple(service, RDFS_COMMENT, Literal(_comment(writable, federated), language="en")),
        Triple(service, _sd("defaultDataset"), dataset),
    ]
    if writable:
        triples.append(Triple(service, _sd("supportedLanguage"), _sd("SPARQL11Update")))
    if federated:
        triples.append(Triple(service, _sd("feature"), _sd("BasicFederatedQuery")))
    for fmt in (*formats.RESULTS, *formats.GRAPH_OR_DATASET):
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
