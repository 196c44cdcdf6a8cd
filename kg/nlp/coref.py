"""Descriptors and salience: "the Belarusian head of state", "the President", "his Armenian
counterpart", "the Russian Defense Minister" → the person meant.

Resolution order for a descriptor:
1. a post the KB knows ("Belarusian leader" is an alias of the President of Belarus) → the
   holder on the article's date (``KnowledgeBase.holder``);
2. a post read from a role in this article (same post, or same title of the same state);
3. a bare title ("the President", "the head of state") → the article's main actor if he
   holds such a title, else the most recently mentioned person who does.

The main actor is the person named most often (ties: named first). Also exports the helpers
quotes and positions use to resolve a speaker/holder phrase and pronouns.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

from spacy.language import Language
from spacy.tokens import Doc

from kg.kb import KnowledgeBase
from kg.kb import default as default_kb
from kg.nlp.entities import is_subject
from kg.nlp.extensions import MentionAnn, RoleAnn, published
from kg.nlp.resources import Lexicon, PostInfo, lexicon, normalise_title
from kg.nlp.roles import ADJ, ENT, GOV, GOV_WORDS, HEAD, MOD, OF, THE, TitleReader

_DETS = {"the", "his", "her", "its", "their", "our"}
_PRONOUNS = {"he": "Person", "she": "Person", "him": "Person", "her": "Person"}


def title_matches(core: str, post: PostInfo | None) -> bool:
    """Does a descriptor's core title ("President", "Minister") fit the post?"""
    if post is None:
        return False
    want = normalise_title(core)
    have = normalise_title(post.title)
    if want == have or want in have.split() or have in want:
        return True
    return want == "president" and normalise_title(post.label).startswith("president")


class Coref:
    """Adds descriptor mentions and finds the main actor."""

    def __init__(self, name: str, lex: Lexicon | None = None, kb: KnowledgeBase | None = None) -> None:
        self.name = name
        self.lex = lex or lexicon()
        self.kb = kb or default_kb()
        self.reader = TitleReader(self.lex)

    # -- posts and holders -------------------------------------------------------------------
    def posts_of(self, doc: Doc, person: str, day: date | None) -> list[PostInfo]:
        """Posts a person holds according to this article's roles and the KB."""
        posts = [self.lex.posts.get(r.post) or PostInfo(r.post, r.post_label, r.organisation, r.title or r.post_label)
                 for r in (doc._.kg_roles or []) if r.holder == person]
        if day is not None:
            posts += [self.lex.posts[p.key] for p in self.kb.posts_held(person, day)]
        return posts

    def holder(self, doc: Doc, post: PostInfo, day: date | None) -> str | None:
        """Who holds ``post``: a role read in this article, else the KB tenure at the date."""
        for role in doc._.kg_roles or []:
            if role.post == post.key:
                return role.holder
        if post.known and day is not None:
            who = self.kb.holder(post.key, day)
            if who:
                return who
        if post.of:
            for role in doc._.kg_roles or []:
                held = self.lex.posts.get(role.post) or PostInfo(role.post, role.post_label, role.organisation,
                                                                 role.title)
                if role.organisation == post.of and title_matches(post.title, held):
                    return role.holder
        return None

    def main_actor(self, doc: Doc) -> str | None:
        counts: Counter[str] = Counter()
        first: dict[str, int] = {}
        for m in doc._.kg_mentions or []:
            if m.kind == "name" and m.key.startswith("person/"):
                counts[m.key] += 1
                first.setdefault(m.key, m.start)
        if not counts:
            return None
        return min(counts, key=lambda k: (-counts[k], first[k]))

    def resolve_title(self, doc: Doc, title, before: int, actor: str | None, day: date | None) -> str | None:
        """The person a descriptor's title denotes."""
        like = None
        if title.counterpart:
            subj = recent_person(doc, before, subject_only=True)
            posts = self.posts_of(doc, subj, day) if subj else []
            like = posts[0] if posts else PostInfo("post/president", "President", None, "President")
            if title.org is None:
                return None
        post = self.reader.post(title, day, like)
        if title.org is not None or title.counterpart or (post and post.known):
            return self.holder(doc, post, day) if post else None
        # bare title: the main actor if the title fits him, else the latest person it fits
        core = title.core
        if actor and any(title_matches(core, p) for p in self.posts_of(doc, actor, day)):
            return actor
        best = None
        for m in doc._.kg_mentions or []:
            if m.start >= before:
                break
            if m.key.startswith("person/") and any(title_matches(core, p) for p in self.posts_of(doc, m.key, day)):
                best = m.key
        return best

    # -- component ---------------------------------------------------------------------------
    def __call__(self, doc: Doc) -> Doc:
        mentions: list[MentionAnn] = doc._.kg_mentions or []
        day = published(doc)
        actor = self.main_actor(doc)
        doc._.kg_actor = actor
        ent_at = {i: m for m in mentions if m.kind != "nested" for i in range(m.tok_start, m.tok_end)}
        role_tokens: set[int] = set()
        for r in doc._.kg_roles or []:
            span = doc.char_span(r.start, r.end, alignment_mode="expand")
            if span is not None:
                role_tokens.update(range(span.start, span.end))
        heads = self.reader.heads
        added: list[MentionAnn] = []
        n = len(doc)
        for tok in doc:
            low = tok.lower_
            if low not in heads and low != "side":
                continue
            i = tok.i
            if i in ent_at or i in role_tokens:
                continue
            if low == "side":
                adj = doc[i - 1] if i > 0 else None
                state = self.lex.state_of_adjective(adj.text) if adj is not None else None
                if state and i > 1 and doc[i - 2].lower_ == "the":
                    added.append(MentionAnn(doc[i - 2].idx, tok.idx + len(tok), i - 2, i + 1, state, "descriptor",
                                            is_subject(tok)))
                continue
            # extend left over modifiers, one adjective/entity pre-modifier and a determiner
            start = i
            k = i - 1
            while k >= 0 and self.reader.cls(doc[k], ent_at) in (MOD, HEAD) and k not in role_tokens:
                start, k = k, k - 1
            if k >= 1 and doc[k].lower_ in ("'s", "’s") and (k - 1) in ent_at and self.lex.is_state(ent_at[k - 1].key):
                k -= 1  # "Kazakhstan's president"
            if k >= 0 and self.reader.cls(doc[k], ent_at) in (ADJ, ENT):
                start = ent_at[k].tok_start if k in ent_at else k
                k = start - 1
            det = k >= 0 and doc[k].lower_ in _DETS
            if det:
                start = k
            # extend right over "of (the) ENTITY" and "of state"
            end = i + 1
            if end + 1 < n and doc[end].lower_ == "of":
                j = end + 1
                if j < n and self.reader.cls(doc[j], ent_at) == THE:
                    j += 1
                if j < n and j in ent_at:
                    end = ent_at[j].tok_end
                elif j < n and (self.reader.cls(doc[j], ent_at) == GOV or doc[j].lower_ in GOV_WORDS):
                    end = j + 1  # "head of state" ("state" is also a title modifier)
            if not det and not (start < i and self.reader.cls(doc[start], ent_at) in (ADJ, ENT)):
                continue
            if low.endswith("s") and low not in ("ambassadors",) and low[:-1] in heads:
                continue
            if end < n and end in ent_at and ent_at[end].key.startswith("person/"):
                continue  # a title before a name: a role, not a descriptor
            if start > 1 and doc[start - 1].text == "," and (start - 2) in ent_at:
                continue  # an appositive
            if any(self.reader.cls(doc[j], ent_at) == OF for j in range(start, end)) and doc[end - 1].lower_ == "of":
                continue
            title = self.reader._make(doc, start + (1 if det else 0), end, ent_at)
            if title is None:
                continue
            key = self.resolve_title(doc, title, doc[start].idx, actor, day)
            if key is None:
                continue
            m = MentionAnn(doc[start].idx, doc[end - 1].idx + len(doc[end - 1]), start, end, key, "descriptor",
                           is_subject(tok, end))
            added.append(m)
            ent_at.update({j: m for j in range(start, end)})
        if added:
            mentions = sorted(mentions + added, key=lambda m: (m.start, m.end))
            doc._.kg_mentions = mentions
        return doc


def recent_person(doc: Doc, before: int, *, subject_only: bool = False, exclude: list[tuple[int, int]] | None = None,
                  after: int = -1) -> str | None:
    """The last person mentioned before character ``before`` (optionally only subjects)."""
    best = None
    for m in doc._.kg_mentions or []:
        if m.start >= before:
            break
        if m.start < after or not m.key.startswith("person/") or m.kind == "pronoun":
            continue
        if subject_only and not m.subject:
            continue
        if exclude and any(s <= m.start < e for s, e in exclude):
            continue
        best = m.key
    return best


def roles_of(doc: Doc, key: str) -> list[RoleAnn]:
    return [r for r in doc._.kg_roles or [] if r.holder == key]


@Language.factory("kg_coref_v1", requires=["doc._.kg_mentions", "doc._.kg_roles"], assigns=["doc._.kg_mentions"])
def make_coref(nlp: Language, name: str) -> Coref:
    """Factory: descriptor resolution and the main actor."""
    return Coref(name)
