"""The SKOS topic scheme (``ontology/topics.ttl``): ids, labels and matching keywords."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rdflib import Graph
from rdflib.namespace import RDF, SKOS

from kg.vocab import TOPIC

TOPICS_FILE = Path(__file__).resolve().parent.parent / "ontology" / "topics.ttl"


@dataclass(frozen=True)
class Topic:
    id: str
    label: str
    broader: tuple[str, ...]
    keywords: tuple[str, ...]


def load(path: Path = TOPICS_FILE) -> dict[str, Topic]:
    """Topic id (e.g. ``csto-integration``) → Topic, from the SKOS file."""
    graph = Graph().parse(path, format="turtle")
    prefix = str(TOPIC)
    topics: dict[str, Topic] = {}
    for concept in graph.subjects(RDF.type, SKOS.Concept):
        topic_id = str(concept)[len(prefix) :]
        topics[topic_id] = Topic(
            id=topic_id,
            label=str(graph.value(concept, SKOS.prefLabel)),
            broader=tuple(sorted(str(b)[len(prefix) :] for b in graph.objects(concept, SKOS.broader))),
            keywords=tuple(sorted(str(k) for k in graph.objects(concept, SKOS.hiddenLabel))),
        )
    return topics


@lru_cache(maxsize=1)
def default() -> dict[str, Topic]:
    """The project's topics, loaded once per process."""
    return load()
