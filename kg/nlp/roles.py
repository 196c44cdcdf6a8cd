"""Roles: titles attached to named persons, resolved to posts.

Reads the title immediately before a person's name ("President of Belarus Aleksandr
Lukashenko", "Russian Defense Minister Sergei Shoigu", "his Armenian counterpart Serzh
Sargsyan") or in an appositive after it ("Nikolai Patrushev, Secretary of the Security Council
of Russia,"). A title the KB knows resolves to its post; otherwise a post key is minted from a
canonical label ("Kazakh President" → ``post/president-of-kazakhstan``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from spacy.language import Language
from spacy.tokens import Doc, Token

from kg.nlp.extensions import MentionAnn, RoleAnn, published
from kg.nlp.resources import Lexicon, PostInfo, lexicon, normalise_title, post_key_for

HEAD, MOD, GOV, OF, THE, ADJ, ENT, CAP, DASH, OTHER = "T", "M", "G", "O", "D", "A", "E", "C", "H", "X"
GOV_WORDS = {"state", "government", "delegation", "delegations"}


@dataclass
class Title:
    """A title phrase read from tokens."""

    start: int  # token offsets
    end: int
    core: str  # canonical core title ("President", "Defense Minister")
    org: str | None  # the state/organisation the title is "of"
    text: str
    counterpart: bool = False


class TitleReader:
    """Classifies tokens and reads title phrases around names and in descriptors."""

    def __init__(self, lex: Lexicon) -> None:
        self.lex = lex
        self.heads = {w: canon for w, (kind, canon) in lex.titles.items() if kind == "head" and " " not in w}
        self.mods = {w for w, (kind, _) in lex.titles.items() if kind == "mod"} | {"prime"}

    def cls(self, tok: Token, ent_at: dict[int, MentionAnn]) -> str:
        low = tok.lower_
        if tok.i in ent_at:
            return ENT
        if low in self.heads or (low.endswith("s") and low[:-1] in self.heads and low != "heads"):
            return HEAD
        if low in self.mods:
            return MOD
        if low in GOV_WORDS:
            return GOV
        if low == "of":
            return OF
        if low == "the":
            return THE
        if low in ("-", "–", "—"):
            return DASH
        if self.lex.state_of_adjective(tok.text) and (tok.is_title or tok.is_upper):
            return ADJ
        if tok.is_title and not tok.is_sent_start and tok.pos_ in ("PROPN", "NOUN", "ADJ"):
            return CAP
        return OTHER

    def before(self, doc: Doc, end: int, ent_at: dict[int, MentionAnn], lo: int) -> Title | None:
        """The title ending right before token ``end`` (a name), if any."""
        k = end - 1
        start = end
        while k >= lo:
            c = self.cls(doc[k], ent_at)
            if c == ENT:
                m = ent_at[k]
                k0 = m.tok_start
                prev = doc[k0 - 1].lower_ if k0 > lo else ""
                if prev == "of" or (prev == "the" and k0 - 2 >= lo and doc[k0 - 2].lower_ == "of"):
                    start, k = k0, k0 - 1
                    continue
                if start == end:  # an entity right before the name is not a title
                    break
                start = k0
                break
            if c == ADJ:
                start = k
                break
            if c in (HEAD, MOD, GOV, CAP):
                start, k = k, k - 1
                continue
            if c == OF and start < end:
                start, k = k, k - 1
                continue
            if c == THE and start < end and k - 1 >= lo and doc[k - 1].lower_ == "of":
                start, k = k, k - 1
                continue
            break
        while start < end and self.cls(doc[start], ent_at) in (OF, THE, DASH, GOV):
            start += 1
        return self._make(doc, start, end, ent_at)

    def after(self, doc: Doc, begin: int, ent_at: dict[int, MentionAnn], hi: int) -> Title | None:
        """The appositive title starting at token ``begin`` ("Secretary of the Security Council of Russia")."""
        k = begin
        if k < hi and doc[k].lower_ == "the":
            k += 1
        start = k
        end = k
        while k < hi:
            c = self.cls(doc[k], ent_at)
            if c == ENT:
                k = end = ent_at[k].tok_end
                continue
            if c in (HEAD, MOD, GOV, ADJ, CAP):
                k += 1
                end = k
                continue
            if c in (OF, THE, DASH) and end > start:
                k += 1
                continue
            break
        if end <= start or self.cls(doc[start], ent_at) not in (HEAD, MOD, ADJ, ENT):
            return None
        return self._make(doc, start, end, ent_at)

    def _make(self, doc: Doc, start: int, end: int, ent_at: dict[int, MentionAnn]) -> Title | None:
        if start >= end:
            return None
        core: list[str] = []
        org: str | None = None
        counterpart = False
        k = start
        while k < end:
            tok = doc[k]
            c = self.cls(tok, ent_at)
            if c == ENT:
                org = org or ent_at[k].key
                k = ent_at[k].tok_end
                continue
            if c == ADJ and org is None:
                org = self.lex.state_of_adjective(tok.text)
            elif c == HEAD:
                if tok.lower_ == "counterpart":
                    counterpart = True
                else:
                    core.append(tok.text)
            elif (c == GOV or tok.lower_ in GOV_WORDS) and core and doc[k - 1].lower_ == "of":
                core.extend(["of", tok.text])  # "head of state" (before MOD: "state" is also a modifier)
            elif c == MOD:
                core.append(tok.text)
            k += 1
        if not core and not counterpart:
            return None
        if not any(self.cls(doc[i], ent_at) == HEAD for i in range(start, end)):
            return None
        text = doc[start:end].text
        canon = " ".join(w.capitalize() if w != "of" else w for w in " ".join(core).lower().split())
        canon = {"Leader": "President", "Head of State": "President"}.get(canon, canon)
        return Title(start, end, canon, org, text, counterpart)

    def post(self, title: Title, day: date | None, like: PostInfo | None = None) -> PostInfo | None:
        """Resolve a title to a KB post or a minted one (``like``: the post a counterpart mirrors)."""
        lex = self.lex
        key = lex.find_post(title.text)
        if key is None and ("–" in title.text or "-" in title.text):
            for part in title.text.replace("–", "-").split(" - "):
                key = key or lex.find_post(part)
        if key:
            return lex.posts[key]
        core = title.core
        if title.counterpart:
            if like is None:
                return None
            core = like.title
        org = title.org
        if org is None:
            return PostInfo(post_key_for(core), core, None, core)
        org_label = lex.info(org).label if lex.info(org) else org.split("/")[-1]
        label = f"{core} of {org_label}"
        key = lex.find_post(label)
        if key is None:
            for post in lex.posts.values():
                if post.of == org and normalise_title(post.title) == normalise_title(core):
                    key = post.key
                    break
        if key:
            return lex.posts[key]
        return PostInfo(post_key_for(label), label, org, core)


class RoleTagger:
    """Finds roles of named persons."""

    def __init__(self, name: str, lex: Lexicon | None = None) -> None:
        self.name = name
        self.lex = lex or lexicon()
        self.reader = TitleReader(self.lex)

    def __call__(self, doc: Doc) -> Doc:
        mentions: list[MentionAnn] = doc._.kg_mentions or []
        ent_at = {i: m for m in mentions if m.kind != "nested" for i in range(m.tok_start, m.tok_end)}
        day = published(doc)
        roles: list[RoleAnn] = []
        posts_of: dict[str, PostInfo] = {}
        for m in mentions:
            if m.kind != "name" or not m.key.startswith("person/"):
                continue
            sent = doc[m.tok_start].sent
            title = self.reader.before(doc, m.tok_start, ent_at, sent.start)
            if title is None and m.tok_end + 1 < sent.end and doc[m.tok_end].text == ",":
                title = self.reader.after(doc, m.tok_end + 1, ent_at, sent.end)
            if title is None:
                continue
            like = None
            if title.counterpart:
                like = self._subject_post(doc, sent, mentions, posts_of, day)
            post = self.reader.post(title, day, like)
            if post is None:
                continue
            posts_of.setdefault(m.key, post)
            tspan = doc[title.start : title.end]
            roles.append(RoleAnn(m.key, post.key, post.label, post.of, tspan.start_char, tspan.end_char, title.text))
            if not m.subject and any(t.dep_ in ("nsubj", "nsubjpass") for t in tspan):
                m.subject = True
        doc._.kg_roles = roles
        return doc

    def _subject_post(self, doc: Doc, sent, mentions, posts_of, day) -> PostInfo | None:
        """The post of the sentence's subject (for "his Armenian counterpart")."""
        for m in mentions:
            if sent.start <= m.tok_start < sent.end and m.subject:
                if m.key in posts_of:
                    return posts_of[m.key]
                if day is not None:
                    from kg.kb import default

                    held = default().posts_held(m.key, day)
                    if held:
                        p = held[0]
                        return PostInfo(p.key, p.label, p.of, p.title, True)
        return PostInfo("post/president", "President", None, "President")


@Language.factory("kg_roles_v1", requires=["doc._.kg_mentions"], assigns=["doc._.kg_roles"])
def make_roles(nlp: Language, name: str) -> RoleTagger:
    """Factory: roles of named persons."""
    return RoleTagger(name)
