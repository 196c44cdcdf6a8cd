"""Entity resolution after ``ner``: clean spans, correct labels, resolve every name to a key.

* Titles, articles and country adjectives are trimmed off names ("President Putin" → "Putin").
* Known names (KB, data files) resolve to their key, whatever ``ner`` called them; a country
  is always a State.
* Person names resolve through transliteration-tolerant skeletons (Aleksandr/Alexander/
  Alyaksandr Lukashenko/Lukashenka) and a bare surname resolves to the person already named
  with that surname in the article.
* Anything else keeps its NER type and a stable minted key (``kg.iris.mint_key``).

Writes ``doc.ents`` (clean, with ``kb_id_`` = key), ``doc._.kg_mentions`` and
``doc._.kg_catalog`` (key → EntityInfo for minted entities).
"""

from __future__ import annotations

import re

from spacy.attrs import ORTH
from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from kg.iris import mint_key
from kg.nlp.extensions import MentionAnn
from kg.nlp.gazetteer import NESTED_KEY
from kg.nlp.resources import TYPE_TO_LABEL, EntityInfo, Lexicon, lexicon, skeleton

NER_TYPES = {"PERSON": "Person", "ORG": "Organisation", "GPE": "Place", "LOC": "Place"}
_STRIP_WORDS = {"the", "a", "an", "our", "their", "his", "her", "its", "mr", "mr.", "mrs", "ms", "dr", "dr.",
                "'s", "’s"}
_NAME_STOP = {"'s", "’s", "'", "’", ",", ".", "-", "–"}
_SUBJECT_DEPS = {"nsubj", "nsubjpass", "csubj"}
_INITIAL_NAME = re.compile(r"^[A-Z]\.\s?[A-Z][a-z]+(?:-[A-Z][a-z]+)?$")
# words that make a name an organisation, not a person
ORG_WORDS = {
    "council", "committee", "ministry", "organization", "organisation", "union", "bank", "party", "agency",
    "company", "corporation", "association", "fund", "forces", "army", "group", "assembly", "parliament",
    "government", "office", "service", "institute", "university", "academy", "commission", "court", "federation",
    "republic", "state", "states", "league", "alliance", "bloc", "front", "movement", "center", "centre",
    "conference", "forum", "treaty", "community", "news", "times", "post", "press", "tv", "radio", "security",
    "cooperation", "co-operation", "economic", "national", "international", "foundation", "board", "duma",
}


def is_subject(tok: Token, end: int | None = None) -> bool:
    """True when ``tok`` (a mention's root) is the subject of its clause, also via an appositive,
    or when the mention (ending at token ``end``) is directly followed by a finite verb."""
    if end is not None:
        doc = tok.doc
        k = end
        while k < len(doc) and doc[k].pos_ == "ADV":
            k += 1
        if k < len(doc) and doc[k].tag_ in ("VBD", "VBZ", "VBP", "MD"):
            return True
    seen = 0
    while seen < 4:
        if tok.dep_ in _SUBJECT_DEPS:
            return True
        if tok.dep_ in ("compound", "appos", "flat", "poss") and tok.head is not tok:
            tok, seen = tok.head, seen + 1
            continue
        # "President of Belarus Aleksandr Lukashenko said": the name hangs off the subject title
        return tok.dep_ == "pobj" and tok.head.lower_ == "of" and tok.head.head.dep_ in _SUBJECT_DEPS
    return False


class EntityResolver:
    """Turns ``doc.ents`` into resolved mentions."""

    def __init__(self, name: str, lex: Lexicon | None = None) -> None:
        self.name = name
        self.lex = lex or lexicon()
        self.title_words = set(self.lex.titles)
        self.heads = {w for w, (kind, _) in self.lex.titles.items() if kind == "head"}

    def _trim(self, span: Span) -> Span | None:
        start, end = span.start, span.end
        doc = span.doc
        person = span.label_ == "PERSON"
        while start < end and (
            doc[start].lower_ in _STRIP_WORDS
            or doc[start].lower_ in self.heads
            or (person and doc[start].lower_ in self.title_words)  # not "Security" of "Security Council"
            or self.lex.state_of_adjective(doc[start].text)
            or doc[start].is_punct
        ):
            start += 1
        while end > start and (doc[end - 1].lower_ in _NAME_STOP or doc[end - 1].is_punct):
            end -= 1
        if start >= end:
            return None
        out = doc[start:end]
        if not any(t.is_title or t.is_upper or t.like_num for t in out):
            return None
        if not any(t.pos_ == "PROPN" for t in out):
            return None
        if len(out) == 1 and not out[0].is_upper and out[0].lower_.endswith(("ing", "ed")):
            return None  # "the Participating states"
        if all(t.lower_ in self.title_words or t.is_stop for t in out):
            return None
        return out

    def _titled_name(self, span: Span) -> bool:
        """A 2–4 word capitalised name right after a person title and with no organisation word."""
        if span.start == 0 or not 2 <= len([t for t in span if not t.is_punct]) <= 4:
            return False
        prev = span.doc[span.start - 1].lower_
        if prev not in self.heads or prev in ("head", "chief"):
            return False
        return all((t.is_title or t.is_punct) and t.lower_ not in ORG_WORDS for t in span)

    def _person(self, span: Span, persons: list[tuple[str, str]]) -> str:
        """Key of a person name; ``persons`` is [(last skeleton, key)] of full names already seen."""
        words = [w for w in re.split(r"[\s.]+", span.text) if w]
        key = self.lex.lookup(span.text)
        if key and self.lex.entities[key].type == "Person":
            return key
        if len(words) == 2 and len(words[0]) == 1:  # "N.Nazarbayev", "A. Lukashenko": initial + surname
            last = skeleton(words[1])
            cands = [k for skel, k in reversed(persons) if skel == last]
            cands += self.lex.person_last.get(last, [])
            for cand in cands:
                info = self.lex.info(cand)
                first = (info.label if info else cand.split("/", 1)[1]).split()[0]
                if first[:1].lower() == words[0].lower():
                    return cand
        if len(words) >= 2:
            full = self.lex.person_full.get((skeleton(words[0]), skeleton(words[-1])))
            if full:
                return full
        last = skeleton(words[-1])
        if len(words) == 1:
            for skel, pkey in reversed(persons):
                if skel == last:
                    return pkey
            known = self.lex.person_last.get(last, [])
            if len(known) == 1:
                return known[0]
        return mint_key("Person", span.text)

    def _consistent_types(self, resolved: list[tuple[Span, str, str]],
                          catalog: dict[str, EntityInfo]) -> list[tuple[Span, str, str]]:
        """A minted name that is a known place or state elsewhere in the article is that place ("the
        coastal city of Qingdao" tagged PERSON, "QINGDAO" in the dateline)."""
        places = {span.text.lower(): (key, etype) for span, key, etype in resolved
                  if etype in ("Place", "State") and (key in self.lex.entities or key.startswith("place/"))}
        out = []
        for span, key, etype in resolved:
            found = places.get(span.text.lower())
            if found and key != found[0] and key not in self.lex.entities:
                catalog.pop(key, None)
                key, etype = found
            out.append((span, key, etype))
        return out

    @staticmethod
    def _repeated_surnames(doc: Doc, resolved: list[tuple[Span, str, str]]) -> list[tuple[Span, str, str]]:
        """Bare surnames ``ner`` missed that repeat a person named in full before ("Zelenskiy also rejected …")."""
        surnames: dict[int, tuple[str, int]] = {}  # surname (orth id) → (key, token after the full name)
        for span, key, etype in resolved:
            if etype == "Person" and len(span) > 1 and span[-1].is_title:
                surnames.setdefault(span[-1].orth, (key, span.end))
        if not surnames:
            return []
        covered = {i for span, _, _ in resolved for i in range(span.start, span.end)}
        covered |= {i for e in doc.ents for i in range(e.start, e.end)}
        out = []
        for i, orth in enumerate(doc.to_array(ORTH).tolist()):
            found = surnames.get(orth)
            if found and i not in covered and doc[i].pos_ == "PROPN" and i >= found[1]:
                out.append((doc[i : i + 1], found[0], "Person"))
        return out

    def __call__(self, doc: Doc) -> Doc:
        lex = self.lex
        catalog: dict[str, EntityInfo] = {}
        resolved: list[tuple[Span, str, str]] = []  # span, key, type
        pending_surnames: list[tuple[Span, str]] = []
        persons: list[tuple[str, str]] = []
        for ent in doc.ents:
            if ent.kb_id_:
                info = lex.info(ent.kb_id_)
                if info:
                    span = ent
                    if ent[0].lower_ in ("the", "our") and len(ent) > 1 and info.type != "Organisation":
                        span = ent[1:]
                    resolved.append((span, info.key, info.type))
                    if info.type == "Person":
                        persons.append((skeleton(span[-1].text), info.key))
                continue
            etype = NER_TYPES.get(ent.label_)
            if etype is None:
                continue
            span = self._trim(ent)
            if span is None:
                continue
            if etype != "Person" and (self._titled_name(span) or _INITIAL_NAME.match(span.text)):
                etype = "Person"  # "Kazakh President Kassym-Jomart Tokayev" or "N.Nazarbayev" tagged ORG
            key = lex.lookup(span.text)
            if key is not None:
                info = lex.info(key)
                resolved.append((span, key, info.type if info else etype))
                continue
            single = len([t for t in span if not t.is_punct]) == 1 and "." not in span.text
            if single and (etype == "Person" or not span[0].is_upper):
                pending_surnames.append((span, etype))  # a bare surname, perhaps tagged ORG/GPE
                continue
            if etype == "Person":
                key = self._person(span, persons)
                persons.append((skeleton(span[-1].text), key))
            else:
                if etype == "Organisation" and span.text.isupper() and len(span.text) > 3 and lex.lookup(span.text):
                    continue
                key = mint_key(etype, span.text)
            if key not in lex.entities and key not in catalog:
                catalog[key] = EntityInfo(key, etype, span.text)
            resolved.append((span, key, etype))
        person_at = {key: s.start for s, key, etype in reversed(resolved) if etype == "Person"}
        for span, etype in pending_surnames:
            prior = [p for p in persons if person_at.get(p[1], 1 << 30) < span.start]
            if etype == "Person":
                key = self._person(span, prior or persons)
            else:
                last = skeleton(span.text)
                key = next((k for skel, k in reversed(prior or persons) if skel == last), None)
                if key is None:
                    key = mint_key(etype, span.text)
                else:
                    etype = "Person"
            if key not in lex.entities and key not in catalog:
                catalog[key] = EntityInfo(key, etype, span.text)
            resolved.append((span, key, etype))
        resolved += self._repeated_surnames(doc, resolved)
        resolved = self._consistent_types(resolved, catalog)
        resolved.sort(key=lambda r: r[0].start)
        mentions = [
            MentionAnn(s.start_char, s.end_char, s.start, s.end, key, "name", is_subject(s.root, s.end))
            for s, key, _ in resolved
        ]
        for nested in doc.spans.get(NESTED_KEY, []):
            info = lex.info(nested.kb_id_)
            if info and info.type in ("State", "Organisation"):
                mentions.append(MentionAnn(nested.start_char, nested.end_char, nested.start, nested.end, info.key,
                                           "nested"))
        mentions.sort(key=lambda m: (m.start, m.end))
        ents = []
        last_end = -1
        for s, key, etype in resolved:
            if s.start >= last_end:
                ents.append(Span(doc, s.start, s.end, label=TYPE_TO_LABEL.get(etype, "ORG"), kb_id=key))
                last_end = s.end
        taken = {i for e in ents for i in range(e.start, e.end)}
        others = [e for e in doc.ents if e.label_ not in NER_TYPES and not e.kb_id_
                  and not any(i in taken for i in range(e.start, e.end))]
        doc.ents = sorted(ents + others, key=lambda e: e.start)
        doc._.kg_mentions = mentions
        doc._.kg_catalog = catalog
        return doc


@Language.factory("kg_entities_v1", requires=["doc.ents"], assigns=["doc.ents", "doc._.kg_mentions"])
def make_entities(nlp: Language, name: str) -> EntityResolver:
    """Factory: entity cleaning and resolution (place it after ``ner``)."""
    return EntityResolver(name)
