"""Stable IRI minting. Same input, same IRI, on every machine and every run.

>>> slug("Aleksandr  Lukashenko")
'aleksandr-lukashenko'
>>> slug("Serž Sargsjan (President)")
'serz-sargsjan-president'
>>> mint_key("Person", "Nikolai Patrushev")
'person/nikolai-patrushev'
>>> entity_iri("state/belarus")
'https://w3id.org/kg-news/id/state/belarus'
>>> article_graph("000_3066456fff862dfe")
'https://w3id.org/kg-news/graph/article/000_3066456fff862dfe'
>>> local_key("https://w3id.org/kg-news/id/state/belarus")
'state/belarus'
"""

from __future__ import annotations

import re
import unicodedata

from kg.vocab import BASE

ID_BASE = BASE + "id/"
GRAPH_BASE = BASE + "graph/"
KB_GRAPH = GRAPH_BASE + "kb"
ONTOLOGY_GRAPH = GRAPH_BASE + "ontology"

_NON_SLUG = re.compile(r"[^a-z0-9]+")


def slug(text: str) -> str:
    """Lowercase ASCII words joined by hyphens; never empty."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return _NON_SLUG.sub("-", ascii_text.lower()).strip("-") or "x"


def mint_key(entity_type: str, surface: str) -> str:
    """The key for an entity not in the knowledge base, from its type and surface form."""
    return f"{entity_type.lower()}/{slug(surface)}"


def entity_iri(key: str) -> str:
    """IRI of an entity, post, meeting, statement or position from its key."""
    return ID_BASE + key


def article_iri(article_id: str) -> str:
    """IRI of the article itself."""
    return ID_BASE + "article/" + article_id


def article_graph(article_id: str) -> str:
    """IRI of the named graph holding what was extracted from one article."""
    return GRAPH_BASE + "article/" + article_id


def article_id_of_graph(graph_iri: str) -> str | None:
    """The article id of an article graph IRI, or None for any other graph."""
    prefix = GRAPH_BASE + "article/"
    return graph_iri[len(prefix) :] if graph_iri.startswith(prefix) else None


def local_key(iri: str) -> str | None:
    """The key of one of our resource IRIs, or None for a foreign IRI."""
    return iri[len(ID_BASE) :] if iri.startswith(ID_BASE) else None


def item_key(kind: str, article_id: str, n: int) -> str:
    """Key of the n-th meeting/statement/position of an article: ``kind/article-n``."""
    return f"{kind}/{article_id}-{n}"
