"""Where an IRI leads in the web interface: our resources to local pages, others outside.

Our IRIs (``https://w3id.org/kg-news/id/<key>``) are served at ``/id/<key>``; topics at
``/topic/<name>``; an article's named graph leads to the article's evidence view. Wikidata
entities lead to their Wikidata page. Ontology terms have no page (None).

>>> local_path("https://w3id.org/kg-news/id/person/alexander-lukashenko")
'/id/person/alexander-lukashenko'
>>> local_path("https://w3id.org/kg-news/id/article/001#char=3,9")
'/id/article/001#char=3,9'
>>> local_path("https://w3id.org/kg-news/topic/csto-integration")
'/topic/csto-integration'
>>> local_path("https://w3id.org/kg-news/graph/article/001")
'/id/article/001'
>>> local_path("https://example.org/x") is None
True
>>> href("http://www.wikidata.org/entity/Q2866")
'https://www.wikidata.org/wiki/Q2866'
>>> href("https://w3id.org/kg-news/ontology#support") is None
True
>>> href("javascript:alert(1)") is None
True
>>> short("https://w3id.org/kg-news/ontology#support")
'kgo:support'
>>> evidence_anchor("https://w3id.org/kg-news/id/position/000_abc-12", "000_abc")
'position-12'
>>> evidence_href("https://w3id.org/kg-news/id/statement/000_abc-3", "https://w3id.org/kg-news/id/article/000_abc")
'/id/article/000_abc#statement-3'
"""

from __future__ import annotations

from urllib.parse import quote

from kg import iris
from kg.vocab import BASE, PREFIXES, TOPIC, WD

TOPIC_BASE = str(TOPIC)
ONTOLOGY_BASE = BASE + "ontology"
ARTICLE_GRAPH_BASE = iris.GRAPH_BASE + "article/"
WIKIDATA_ENTITY = str(WD)
WIKIDATA_PAGE = "https://www.wikidata.org/wiki/"
_WEB = ("http://", "https://")


def _path(prefix: str, rest: str) -> str:
    key, hash_, fragment = rest.partition("#")
    return prefix + quote(key, safe="/") + (hash_ + quote(fragment, safe="=,-_.") if hash_ else "")


def local_path(iri: str) -> str | None:
    """The local page of one of our IRIs, or None."""
    if iri.startswith(iris.ID_BASE):
        return _path("/id/", iri[len(iris.ID_BASE):])
    if iri.startswith(TOPIC_BASE):
        return _path("/topic/", iri[len(TOPIC_BASE):])
    if iri.startswith(ARTICLE_GRAPH_BASE):
        return _path("/id/article/", iri[len(ARTICLE_GRAPH_BASE):])
    return None


def href(iri: str) -> str | None:
    """Where a link to ``iri`` should point: a local page, a Wikidata page, the web IRI, or None."""
    local = local_path(iri)
    if local is not None:
        return local
    if iri.startswith(WIKIDATA_ENTITY):
        return WIKIDATA_PAGE + quote(iri[len(WIKIDATA_ENTITY):], safe="")
    if iri.startswith(BASE):
        return None  # ontology terms, schemes: no page
    return iri if iri.startswith(_WEB) else None


def is_external(url: str | None) -> bool:
    """True for a link that leaves this server."""
    return bool(url) and url.startswith(_WEB)  # type: ignore[union-attr]


def short(iri: str) -> str:
    """``iri`` written with one of the project prefixes when one fits."""
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and iri != namespace:
            return f"{prefix}:{iri[len(namespace):]}"
    return iri


def evidence_anchor(item_iri: str, article_id: str) -> str:
    """Anchor of a position/statement/meeting in its article's evidence view.

    ``position/<article>-<n>`` gives ``position-<n>``; any other key gives the key with
    ``/`` replaced by ``-``.
    """
    key = iris.local_key(item_iri) or item_iri
    kind, _, rest = key.partition("/")
    stem, _, n = rest.rpartition("-")
    if stem == article_id and n.isdigit():
        return f"{kind}-{n}"
    return key.replace("/", "-")


def article_id(article_iri: str) -> str:
    """The id of an article from its IRI."""
    key = iris.local_key(article_iri) or ""
    return key.removeprefix("article/")


def evidence_href(item_iri: str, article_iri: str) -> str | None:
    """Link to the evidence span of an item inside its article's evidence view."""
    page = local_path(article_iri)
    if page is None:
        return None
    return f"{page}#{evidence_anchor(item_iri, article_id(article_iri))}"
