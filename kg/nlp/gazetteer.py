"""Gazetteer ruler: known names from the KB (and data files) as entities BEFORE ``ner``.

Acronyms and short forms match case-sensitively (``US`` is not ``us``), other aliases
case-insensitively. Matches become ``doc.ents`` with ``kb_id_`` set to the entity key, so the
statistical ``ner`` predicts around them and can no longer merge "Belarus" into a person's
name or call "Belarus" an ORG. Titles before a name and country adjectives are *blocked* for
``ner`` so they never become part of an entity. Matches nested inside a longer match
("CSTO" in "CSTO Collective Security Council") are kept in ``doc.spans["kg_nested"]``.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from kg.nlp.resources import TYPE_TO_LABEL, Lexicon, lexicon

NESTED_KEY = "kg_nested"
_ANY_CASE = "|any-case"


class Gazetteer:
    """PhraseMatcher over KB labels and aliases."""

    def __init__(self, nlp: Language, name: str, lex: Lexicon | None = None) -> None:
        self.name = name
        self.lex = lex or lexicon()
        self.exact = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.folded = PhraseMatcher(nlp.vocab, attr="LOWER")
        exact: dict[str, list] = {}
        folded: dict[str, list] = {}
        for alias, key, case_sensitive in self.lex.gazetteer:
            target = exact if case_sensitive else folded
            target.setdefault(key, []).append(alias)
        make = nlp.make_doc
        for key, aliases in exact.items():
            self.exact.add(key, [make(a) for a in dict.fromkeys(aliases)])
        for key, aliases in folded.items():
            capital = [a for a in dict.fromkeys(aliases) if not a[:1].islower()]
            lower = [a for a in dict.fromkeys(aliases) if a[:1].islower()]
            if capital:
                self.folded.add(key, [make(a.lower()) for a in capital])
            if lower:
                self.folded.add(key + _ANY_CASE, [make(a) for a in lower])
        self.title_words = {w for w, (kind, _) in self.lex.titles.items() if kind == "head" and " " not in w}
        self.title_words -= {"head", "chief", "state", "representative", "general"}

    def __call__(self, doc: Doc) -> Doc:
        strings = doc.vocab.strings
        spans = []
        for matcher in (self.exact, self.folded):
            for match_id, start, end in matcher(doc):
                key = strings[match_id]
                any_case = key.endswith(_ANY_CASE)
                key = key.removesuffix(_ANY_CASE)
                info = self.lex.info(key)
                if info is None:
                    continue
                # a capitalised alias matched case-insensitively must still start with a capital
                first = doc[start]
                if matcher is self.folded and not any_case and not first.text[:1].isupper():
                    continue
                spans.append(Span(doc, start, end, label=TYPE_TO_LABEL.get(info.type, "ORG"), kb_id=key))
        kept = filter_spans(spans)
        kept_set = {(s.start, s.end) for s in kept}
        nested = []
        for s in spans:
            outer = _covering(kept, s)
            # a name inside a news outlet's name ("France" in "France 24") is no mention
            if (s.start, s.end) not in kept_set and s.kb_id_ != outer and outer not in self.lex.media:
                nested.append(s)
        doc.spans[NESTED_KEY] = nested
        doc.set_ents(kept, blocked=self._blocked(doc, kept), default="unmodified")
        return doc

    def _blocked(self, doc: Doc, kept: list[Span]) -> list[Span]:
        """Title words before a capitalised name and country adjectives: never entity tokens."""
        covered = set()
        for s in kept:
            covered.update(range(s.start, s.end))
        blocked = []
        n = len(doc)
        for tok in doc:
            i = tok.i
            if i in covered or not (tok.is_title or tok.is_upper):
                continue
            low = tok.lower_
            if (low in self.title_words and i + 1 < n and doc[i + 1].is_title) or self.lex.state_of_adjective(low):
                blocked.append(doc[i : i + 1])
        return blocked


def _covering(kept: list[Span], span: Span) -> str | None:
    for s in kept:
        if s.start <= span.start and span.end <= s.end:
            return s.kb_id_
    return None


@Language.factory("kg_gazetteer_v1", requires=["token.orth"], assigns=["doc.ents", "doc.spans"])
def make_gazetteer(nlp: Language, name: str) -> Gazetteer:
    """Factory: the KB gazetteer ruler (place it before ``ner``)."""
    return Gazetteer(nlp, name)
