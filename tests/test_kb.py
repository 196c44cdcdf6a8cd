"""The curated knowledge base loads, is consistent, and its loader names the file and line of a fault."""

from __future__ import annotations

import re
import shutil
from collections import defaultdict
from itertools import pairwise
from pathlib import Path

import pytest

from kg import kb
from kg.iris import slug
from kg.records import ENTITY_TYPES

KEY_PREFIX = {"Person": "person/", "State": "state/", "Organisation": "org/", "Place": "place/",
              "Document": "document/", "Programme": "programme/", "Award": "award/"}


@pytest.fixture(scope="module")
def base() -> kb.KnowledgeBase:
    return kb.load()


@pytest.fixture
def kb_copy(tmp_path: Path) -> Path:
    target = tmp_path / "kb"
    shutil.copytree(kb.KB_DIR, target)
    return target


def append(path: Path, row: list[str]) -> int:
    """Append a row; return its 1-based line number."""
    text = path.read_text(encoding="utf-8")
    path.write_text(text + "\t".join(row) + "\n", encoding="utf-8")
    return len(text.splitlines()) + 1


def test_load_succeeds(base: kb.KnowledgeBase) -> None:
    assert len(base.entities) > 250 and len(base.posts) > 50 and len(base.tenures) > 150


def test_keys_follow_the_conventions(base: kb.KnowledgeBase) -> None:
    for key, ent in base.entities.items():
        assert ent.type in ENTITY_TYPES
        prefix = KEY_PREFIX[ent.type]
        assert key.startswith(prefix), key
        assert key[len(prefix) :] == slug(key[len(prefix) :]), f"{key}: not a kg.iris.slug"
    for key in base.posts:
        assert key.startswith("post/") and key[5:] == slug(key[5:]), key


def test_every_qid_is_well_formed_and_sourced(base: kb.KnowledgeBase) -> None:
    for ent in base.entities.values():
        if ent.wikidata:
            assert re.fullmatch(r"Q[1-9]\d*", ent.wikidata), f"{ent.key}: {ent.wikidata}"
            assert ent.source.strip(), f"{ent.key}: QID without a source"


def test_no_qid_is_shared(base: kb.KnowledgeBase) -> None:
    seen: dict[str, str] = {}
    for ent in base.entities.values():
        if ent.wikidata:
            assert ent.wikidata not in seen, f"{ent.wikidata}: {seen.get(ent.wikidata)} and {ent.key}"
            seen[ent.wikidata] = ent.key


def test_no_surface_form_names_two_entities(base: kb.KnowledgeBase) -> None:
    forms: dict[str, set[str]] = defaultdict(set)
    for ent in base.entities.values():
        for form in (ent.label, *ent.aliases, *ent.adjectives):
            forms[form.lower()].add(ent.key)
    clashes = {f: keys for f, keys in forms.items() if len(keys) > 1}
    assert not clashes


def test_no_context_dependent_descriptors_as_aliases(base: kb.KnowledgeBase) -> None:
    banned = {"the president", "president", "the head of state", "head of state", "his counterpart",
              "the minister", "the prime minister", "the leader"}
    for ent in base.entities.values():
        assert not banned & {a.lower() for a in ent.aliases}, ent.key
    for post in base.posts.values():
        assert not banned & {a.lower() for a in post.aliases}, post.key


def test_tenures_do_not_overlap(base: kb.KnowledgeBase) -> None:
    """Single-holder posts: the next tenure starts no earlier than the previous one ended (a handover day
    may be shared), and every tenure but the last has ended."""
    by_post: dict[str, list[kb.Tenure]] = defaultdict(list)
    for tenure in base.tenures:
        by_post[tenure.post].append(tenure)
    for post, tenures in by_post.items():
        tenures.sort(key=lambda t: t.start)
        for t in tenures:
            assert t.end is None or t.start <= t.end, f"{post}: {t}"
        for prev, nxt in pairwise(tenures):
            assert prev.end is not None, f"{post}: {prev.holder} never ended but {nxt.holder} followed"
            assert nxt.start >= prev.end, f"{post}: {prev.holder} and {nxt.holder} overlap"


def test_tenures_resolve_holders_on_a_date(base: kb.KnowledgeBase) -> None:
    from datetime import date

    assert base.holder("post/president-of-russia", date(2010, 1, 1)) == "person/dmitry-medvedev"
    assert base.holder("post/president-of-russia", date(2013, 9, 23)) == "person/vladimir-putin"
    assert base.holder("post/president-of-kazakhstan", date(2020, 1, 1)) == "person/kassym-jomart-tokayev"
    assert base.holder("post/prime-minister-of-armenia", date(2019, 1, 1)) == "person/nikol-pashinyan"


@pytest.mark.parametrize(
    ("file", "row", "message"),
    [
        ("entities.tsv", ["state/belarus", "State", "Belarus again", "", "", "", "", "test"], "duplicate key"),
        ("entities.tsv", ["thing/x", "Thing", "X", "", "", "", "", "test"], "unknown type 'Thing'"),
        ("posts.tsv", ["post/president-of-belarus", "Dup", "", "state/belarus", "President", "test"], "duplicate key"),
        ("posts.tsv", ["post/x", "X", "", "state/atlantis", "King", "test"], "unknown entity 'state/atlantis'"),
        ("tenures.tsv", ["post/president-of-belarus", "person/alexander-lukashenko", "20 July 1994", "", "t"],
         "bad date '20 July 1994'"),
        ("tenures.tsv", ["post/president-of-belarus", "person/alexander-lukashenko", "1994-07-20", "2024-13-01", "t"],
         "bad date '2024-13-01'"),
        ("tenures.tsv", ["post/king-of-belarus", "person/alexander-lukashenko", "1994-07-20", "", "t"],
         "unknown post 'post/king-of-belarus'"),
        ("tenures.tsv", ["post/president-of-belarus", "person/nobody", "1994-07-20", "", "t"],
         "unknown holder 'person/nobody'"),
    ],
)
def test_faults_raise_kberror_with_file_and_line(kb_copy: Path, file: str, row: list[str], message: str) -> None:
    line = append(kb_copy / file, row)
    with pytest.raises(kb.KBError) as excinfo:
        kb.load(kb_copy)
    assert f"{kb_copy / file}:{line}: " in str(excinfo.value)
    assert message in str(excinfo.value)


def test_unknown_parent_is_reported(kb_copy: Path) -> None:
    append(kb_copy / "entities.tsv", ["org/x", "Organisation", "X", "", "", "", "org/nowhere", "test"])
    with pytest.raises(kb.KBError, match="unknown parent 'org/nowhere'"):
        kb.load(kb_copy)
