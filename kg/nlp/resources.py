"""Lexical resources for the pipeline: the KB plus the data files in ``kg/nlp/data``.

Everything here is spaCy-free and built once per process (``lexicon()``). It answers:
which key does this surface form denote, is this a country, which state does this adjective
name, which KB post does this title denote, and which KB person does this (transliterated)
name denote.
"""

from __future__ import annotations

import csv
import json
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from kg.iris import mint_key, slug
from kg.kb import KnowledgeBase
from kg.kb import default as default_kb

DATA_DIR = Path(__file__).resolve().parent / "data"

# spaCy NER labels our gazetteer uses for each entity type.
TYPE_TO_LABEL = {
    "Person": "PERSON", "State": "GPE", "Organisation": "ORG", "Place": "LOC",
    "Document": "LAW", "Programme": "PRODUCT", "Award": "WORK_OF_ART",
}
_LEADING = re.compile(r"^(?:the|our|this|that)\s+", re.IGNORECASE)


@dataclass(frozen=True)
class EntityInfo:
    """What the pipeline knows about an entity key."""

    key: str
    type: str
    label: str
    wikidata: str | None = None
    parent: str | None = None
    known: bool = False


@dataclass(frozen=True)
class PostInfo:
    """A post: KB post or a title built from text."""

    key: str
    label: str
    of: str | None
    title: str
    known: bool = False


@dataclass
class Lexicon:
    """Alias, adjective, country, title and post indexes."""

    entities: dict[str, EntityInfo] = field(default_factory=dict)
    exact: dict[str, str] = field(default_factory=dict)  # case-sensitive alias -> key
    folded: dict[str, str] = field(default_factory=dict)  # lower-case alias -> key
    adjectives: dict[str, str] = field(default_factory=dict)  # lower adjective -> state key
    posts: dict[str, PostInfo] = field(default_factory=dict)
    post_aliases: dict[str, str] = field(default_factory=dict)  # lower alias -> post key
    person_full: dict[tuple[str, str], str] = field(default_factory=dict)  # (first, last) skeletons
    person_last: dict[str, list[str]] = field(default_factory=dict)  # last-name skeleton -> keys
    titles: dict[str, tuple[str, str]] = field(default_factory=dict)  # word -> (kind, canon)
    speech_lemmas: frozenset[str] = frozenset()
    meeting_words: dict[str, str] = field(default_factory=dict)
    cues: list[dict] = field(default_factory=list)
    media: frozenset[str] = frozenset()  # keys of news outlets
    gazetteer: list[tuple[str, str, bool]] = field(default_factory=list)  # (alias, key, case-sensitive)

    def lookup(self, surface: str) -> str | None:
        """The key a surface form denotes (exact, then case-folded, then without 'the')."""
        text = " ".join(surface.split())
        for cand in (text, _LEADING.sub("", text)):
            if cand in self.exact:
                return self.exact[cand]
            if not cand.isupper() and cand.lower() in self.folded:
                return self.folded[cand.lower()]
        if text.isupper() and len(text) > 3 and text.lower() in self.folded:
            return self.folded[text.lower()]  # "MINSK" in a dateline
        return None

    def state_of_adjective(self, word: str) -> str | None:
        """``"Belarusian"`` → ``state/belarus``."""
        return self.adjectives.get(word.lower().rstrip("'’"))

    def is_state(self, key: str | None) -> bool:
        info = self.entities.get(key or "")
        return bool(info and info.type == "State")

    def info(self, key: str | None) -> EntityInfo | None:
        return self.entities.get(key or "")

    def top(self, key: str | None) -> str | None:
        """The top-level organisation of a body (CSTO Collective Security Council → CSTO)."""
        seen = 0
        while key and seen < 5:
            info = self.entities.get(key)
            if not info or not info.parent or self.is_state(info.parent):
                return key
            key, seen = info.parent, seen + 1
        return key

    def state_of(self, key: str | None) -> str | None:
        """The state an entity belongs to (itself for a state, a body's parent state)."""
        seen = 0
        while key and seen < 5:
            info = self.entities.get(key)
            if not info:
                return None
            if info.type == "State":
                return key
            key, seen = info.parent, seen + 1
        return None

    def find_post(self, title: str) -> str | None:
        """KB post key for a title text ("Russian Defense Minister"), if known."""
        norm = normalise_title(title)
        return self.post_aliases.get(norm)


def skeleton(word: str) -> str:
    """Transliteration-tolerant key of a name word: first letter + consonants.

    >>> skeleton("Lukashenko") == skeleton("Lukashenka")
    True
    >>> skeleton("Aleksandr") == skeleton("Alexander") == skeleton("Alyaksandr") == skeleton("Aliaksandr")
    True
    >>> skeleton("Sergei") == skeleton("Sergey")
    True
    """
    text = unicodedata.normalize("NFKD", word).encode("ascii", "ignore").decode().lower()
    text = re.sub(r"[^a-z]", "", text).replace("x", "ks").replace("kh", "h").replace("ck", "k")
    if not text:
        return ""
    head, rest = text[0], re.sub(r"[aeiouyjw]", "", text[1:])
    rest = re.sub(r"(.)\1+", r"\1", rest)
    return head + rest


def normalise_title(text: str) -> str:
    """Lower-case title with articles dropped and spelling variants unified."""
    text = _LEADING.sub("", " ".join(text.split())).lower()
    text = text.replace("defence", "defense").replace("organisation", "organization").replace("–", "-")
    text = re.sub(r"\s*-\s*", " - ", text)
    return text


def _read_tsv(name: str) -> list[dict[str, str]]:
    with (DATA_DIR / name).open(encoding="utf-8") as fh:
        lines = [ln for ln in fh if ln.strip() and not ln.startswith("#")]
    return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(lines, delimiter="\t")]


def _split(cell: str) -> list[str]:
    return [p.strip() for p in cell.split("|") if p.strip()]


def _case_sensitive(alias: str) -> bool:
    """Acronyms and short all-caps forms must match case-sensitively ("US" is not "us")."""
    letters = [c for c in alias if c.isalpha()]
    return not any(c.islower() for c in letters) or len(alias) <= 3


def build_lexicon(kb: KnowledgeBase) -> Lexicon:
    """Build all indexes from the KB and the data files (KB wins on conflicts)."""
    lex = Lexicon()

    def add_alias(alias: str, key: str, *, gazetteer: bool = True) -> None:
        alias = " ".join(alias.split())
        if not alias:
            return
        lex.exact.setdefault(alias, key)
        if not _case_sensitive(alias):
            lex.folded.setdefault(alias.lower(), key)
        if gazetteer:
            lex.gazetteer.append((alias, key, _case_sensitive(alias)))

    for ent in kb.entities.values():
        lex.entities[ent.key] = EntityInfo(ent.key, ent.type, ent.label, ent.wikidata, ent.parent, known=True)
        for alias in (ent.label, *ent.aliases):
            add_alias(alias, ent.key)
        if ent.type == "State":
            for adj in ent.adjectives:
                lex.adjectives.setdefault(adj.lower().rstrip("'’"), ent.key)
        if ent.type == "Person":
            for name in (ent.label, *ent.aliases):
                parts = name.split()
                if len(parts) >= 2:
                    lex.person_full.setdefault((skeleton(parts[0]), skeleton(parts[-1])), ent.key)
                if parts:
                    keys = lex.person_last.setdefault(skeleton(parts[-1]), [])
                    if ent.key not in keys:
                        keys.append(ent.key)

    for row in _read_tsv("countries.tsv"):
        name = row["name"]
        key = lex.lookup(name)
        if key is None or not lex.is_state(key):
            key = mint_key("State", name)
            lex.entities.setdefault(key, EntityInfo(key, "State", name))
        for alias in (name, *_split(row["aliases"])):
            if lex.lookup(alias) is None:
                add_alias(alias, key)
        for adj in _split(row["adjectives"]):
            lex.adjectives.setdefault(adj.lower(), key)

    for row in _read_tsv("extra_entities.tsv"):
        label, etype = row["label"], row["type"]
        key = lex.lookup(label) or mint_key(etype, label)
        lex.entities.setdefault(key, EntityInfo(key, etype, label))
        for alias in (label, *_split(row["aliases"])):
            if lex.lookup(alias) is None:
                add_alias(alias, key)

    for post in kb.posts.values():
        lex.posts[post.key] = PostInfo(post.key, post.label, post.of, post.title, known=True)
        for alias in (post.label, *post.aliases):
            lex.post_aliases.setdefault(normalise_title(alias), post.key)

    for row in _read_tsv("titles.tsv"):
        lex.titles[row["word"]] = (row["kind"], row["canon"])
    lines = (DATA_DIR / "speech_verbs.txt").read_text(encoding="utf-8").splitlines()
    lex.speech_lemmas = frozenset(ln.strip() for ln in lines if ln.strip() and not ln.startswith("#"))
    lex.meeting_words = {row["word"]: row["kind"] for row in _read_tsv("meeting_nouns.tsv")}
    outlets = (DATA_DIR / "media.txt").read_text(encoding="utf-8").splitlines()
    lex.media = frozenset(
        lex.lookup(o.strip()) or mint_key("Organisation", o.strip())
        for o in outlets if o.strip() and not o.startswith("#")
    )
    with (DATA_DIR / "stance_cues.jsonl").open(encoding="utf-8") as fh:
        lex.cues = [json.loads(ln) for ln in fh if ln.strip()]
    return lex


def post_key_for(label: str) -> str:
    """Key minted for a post the KB does not know."""
    return "post/" + slug(label)


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """The lexicon of the project's KB, built once per process."""
    return build_lexicon(default_kb())
