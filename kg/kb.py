"""The curated knowledge base of known entities, posts and tenures (``ontology/kb/*.tsv``).

Three tab-separated files, each with a header row; list-valued cells use ``|``:

* ``entities.tsv`` — key, type, label, aliases, adjectives, wikidata, parent, source
* ``posts.tsv`` — key, label, aliases, of, title, source
* ``tenures.tsv`` — post, holder, start, end, source  (ISO dates; empty end = still held)

The loader is strict: an unknown type, a duplicate key, a dangling reference or a bad date
raises ``KBError`` naming the file and line.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

from kg.records import ENTITY_TYPES

KB_DIR = Path(__file__).resolve().parent.parent / "ontology" / "kb"


class KBError(ValueError):
    """The knowledge base files are inconsistent."""


@dataclass(frozen=True)
class KnownEntity:
    key: str
    type: str
    label: str
    aliases: tuple[str, ...]
    adjectives: tuple[str, ...]
    wikidata: str | None
    parent: str | None
    source: str


@dataclass(frozen=True)
class Post:
    key: str
    label: str
    aliases: tuple[str, ...]
    of: str
    title: str
    source: str


@dataclass(frozen=True)
class Tenure:
    post: str
    holder: str
    start: date
    end: date | None
    source: str

    def covers(self, day: date) -> bool:
        """True when the post was held on ``day``."""
        return self.start <= day and (self.end is None or day <= self.end)


@dataclass(frozen=True)
class KnowledgeBase:
    entities: dict[str, KnownEntity]
    posts: dict[str, Post]
    tenures: tuple[Tenure, ...]
    _indexes: dict[str, dict[str, list[Tenure]]] = field(default_factory=dict, init=False, repr=False, compare=False)

    def holder(self, post_key: str, on: date) -> str | None:
        """The key of whoever held ``post_key`` on the given day, if the KB knows."""
        for tenure in self._tenures_by("post").get(post_key, ()):
            if tenure.covers(on):
                return tenure.holder
        return None

    def posts_held(self, person_key: str, on: date) -> list[Post]:
        """Posts the person held on the given day."""
        return [self.posts[t.post] for t in self._tenures_by("holder").get(person_key, ()) if t.covers(on)]

    def _tenures_by(self, attr: str) -> dict[str, list[Tenure]]:
        """Post or holder key → its tenures, in file order (built once: extraction asks per sentence)."""
        index = self._indexes.get(attr)
        if index is None:
            index = self._indexes[attr] = {}
            for tenure in self.tenures:
                index.setdefault(getattr(tenure, attr), []).append(tenure)
        return index


def _split(cell: str | None) -> tuple[str, ...]:
    return tuple(part.strip() for part in (cell or "").split("|") if part.strip())


def _rows(path: Path, required: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        missing = [c for c in required if c not in (reader.fieldnames or [])]
        if missing:
            raise KBError(f"{path}: missing column(s) {', '.join(missing)}")
        return [(n, {k: (v or "").strip() for k, v in row.items() if k}) for n, row in enumerate(reader, 2)]


def _date(path: Path, line: int, value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise KBError(f"{path}:{line}: bad date {value!r} (want YYYY-MM-DD)") from None


def load(kb_dir: Path = KB_DIR) -> KnowledgeBase:
    """Load and cross-check the knowledge base."""
    ent_path, post_path, ten_path = kb_dir / "entities.tsv", kb_dir / "posts.tsv", kb_dir / "tenures.tsv"
    entities: dict[str, KnownEntity] = {}
    for line, row in _rows(ent_path, ("key", "type", "label", "aliases", "adjectives", "wikidata", "parent")):
        if row["type"] not in ENTITY_TYPES:
            raise KBError(f"{ent_path}:{line}: unknown type {row['type']!r}")
        if row["key"] in entities:
            raise KBError(f"{ent_path}:{line}: duplicate key {row['key']!r}")
        entities[row["key"]] = KnownEntity(
            key=row["key"], type=row["type"], label=row["label"], aliases=_split(row["aliases"]),
            adjectives=_split(row["adjectives"]), wikidata=row["wikidata"] or None,
            parent=row["parent"] or None, source=row.get("source", ""),
        )
    for key, ent in entities.items():
        if ent.parent and ent.parent not in entities:
            raise KBError(f"{ent_path}: {key}: unknown parent {ent.parent!r}")
    posts: dict[str, Post] = {}
    for line, row in _rows(post_path, ("key", "label", "aliases", "of", "title")):
        if row["key"] in posts:
            raise KBError(f"{post_path}:{line}: duplicate key {row['key']!r}")
        if row["of"] not in entities:
            raise KBError(f"{post_path}:{line}: unknown entity {row['of']!r} in 'of'")
        posts[row["key"]] = Post(
            key=row["key"], label=row["label"], aliases=_split(row["aliases"]), of=row["of"],
            title=row["title"], source=row.get("source", ""),
        )
    tenures: list[Tenure] = []
    for line, row in _rows(ten_path, ("post", "holder", "start", "end")):
        if row["post"] not in posts:
            raise KBError(f"{ten_path}:{line}: unknown post {row['post']!r}")
        if row["holder"] not in entities:
            raise KBError(f"{ten_path}:{line}: unknown holder {row['holder']!r}")
        tenures.append(Tenure(
            post=row["post"], holder=row["holder"], start=_date(ten_path, line, row["start"]),
            end=_date(ten_path, line, row["end"]) if row["end"] else None, source=row.get("source", ""),
        ))
    return KnowledgeBase(entities=entities, posts=posts, tenures=tuple(tenures))


@lru_cache(maxsize=1)
def default() -> KnowledgeBase:
    """The project's knowledge base, loaded once per process."""
    return load()
