"""A small token-pattern matcher for the stance cues, indexed by the first token.

The cue patterns (``data/stance_cues.jsonl``) use a subset of spaCy's ``Matcher`` syntax: per
token ``ORTH``/``LOWER``/``LEMMA``/``POS``/``TAG`` as a string or ``{"IN": […]}``/``{"NOT_IN":
[…]}``, ``IS_PUNCT``/``IS_ALPHA``, ``{}`` for any token, and ``"OP": "?"``. spaCy's ``Matcher``
tests every pattern at every token; with ~80 patterns that cost more than the rest of our
components together. Here a pattern is only tried where its first token's word or lemma occurs,
so the cost grows with the number of candidate starts, not with the number of patterns. Matches
are the same as spaCy's for this subset (all lengths, every start).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from spacy.tokens import Doc, Token

_STRING_ATTRS = {"ORTH": "text", "LOWER": "lower_", "LEMMA": "lemma_", "POS": "pos_", "TAG": "tag_"}
_FLAG_ATTRS = {"IS_PUNCT": "is_punct", "IS_ALPHA": "is_alpha"}

Predicate = Callable[[Token], bool]
MAX_CACHE = 200_000  # distinct (word, form, lemma) triples remembered


class PatternError(ValueError):
    """A cue pattern uses syntax this matcher does not support."""


def _value_test(attr: str, spec: Any) -> Callable[[str], bool]:
    if isinstance(spec, str):
        return lambda v: v == spec
    if isinstance(spec, dict) and set(spec) == {"IN"}:
        values = frozenset(spec["IN"])
        return lambda v: v in values
    if isinstance(spec, dict) and set(spec) == {"NOT_IN"}:
        values = frozenset(spec["NOT_IN"])
        return lambda v: v not in values
    raise PatternError(f"unsupported value for {attr}: {spec!r}")


def compile_token(spec: dict[str, Any]) -> tuple[Predicate, bool]:
    """(predicate, optional) for one token pattern."""
    tests: list[Predicate] = []
    optional = False
    for key, value in spec.items():
        if key == "OP":
            if value != "?":
                raise PatternError(f"unsupported operator {value!r}")
            optional = True
        elif key in _STRING_ATTRS:
            name, test = _STRING_ATTRS[key], _value_test(key, value)
            tests.append(lambda t, name=name, test=test: test(getattr(t, name)))
        elif key in _FLAG_ATTRS:
            name, want = _FLAG_ATTRS[key], bool(value)
            tests.append(lambda t, name=name, want=want: getattr(t, name) is want)
        else:
            raise PatternError(f"unsupported attribute {key!r}")
    return (lambda t: all(test(t) for test in tests)), optional


def _anchors(spec: dict[str, Any]) -> tuple[str, frozenset[str]] | None:
    """The (attribute, values) a first token must have, for the index; None: any token."""
    for key in ("LOWER", "LEMMA", "ORTH"):
        value = spec.get(key)
        if isinstance(value, str):
            return key, frozenset([value])
        if isinstance(value, dict) and set(value) == {"IN"}:
            return key, frozenset(value["IN"])
    return None


class CueMatcher:
    """Finds (pattern id, start, end) of token patterns in a Doc."""

    def __init__(self) -> None:
        self.patterns: list[tuple[str, list[tuple[Predicate, bool]]]] = []
        self.by_lower: dict[str, list[int]] = {}
        self.by_lemma: dict[str, list[int]] = {}
        self.by_orth: dict[str, list[int]] = {}
        self.anywhere: list[int] = []
        self._cache: dict[tuple[str, str, str], tuple[int, ...]] = {}

    def add(self, key: str, pattern: list[dict[str, Any]]) -> None:
        """Add one pattern under ``key``."""
        if not pattern:
            raise PatternError(f"{key}: empty pattern")
        compiled = [compile_token(spec) for spec in pattern]
        n = len(self.patterns)
        self.patterns.append((key, compiled))
        self._cache.clear()
        anchor = None if compiled[0][1] else _anchors(pattern[0])
        if anchor is None:
            self.anywhere.append(n)
            return
        attr, values = anchor
        index = {"LOWER": self.by_lower, "LEMMA": self.by_lemma, "ORTH": self.by_orth}[attr]
        for v in values:
            index.setdefault(v, []).append(n)

    def _candidates(self, tok: Token) -> Iterable[int]:
        """Patterns that may start at ``tok`` (cached by word form and lemma)."""
        key = (tok.lower_, tok.text, tok.lemma_)
        found = self._cache.get(key)
        if found is None:
            if len(self._cache) > MAX_CACHE:
                self._cache.clear()
            found = tuple(sorted({*self.anywhere, *self.by_lower.get(key[0], ()), *self.by_orth.get(key[1], ()),
                                  *self.by_lemma.get(key[2], ())}))
            self._cache[key] = found
        return found

    def __call__(self, doc: Doc) -> list[tuple[str, int, int]]:
        """Every match: (pattern key, start token, end token), like spaCy's Matcher (all lengths)."""
        out: list[tuple[str, int, int]] = []
        n = len(doc)
        for tok in doc:
            for p in self._candidates(tok):
                key, compiled = self.patterns[p]
                for end in self._ends(doc, compiled, 0, tok.i, n):
                    out.append((key, tok.i, end))
        return sorted(set(out), key=lambda m: (m[1], m[2], m[0]))

    def _ends(self, doc: Doc, compiled: list[tuple[Predicate, bool]], k: int, i: int, n: int) -> list[int]:
        """End positions of matches of ``compiled[k:]`` starting at token ``i``."""
        if k == len(compiled):
            return [i]
        test, optional = compiled[k]
        ends: list[int] = []
        if i < n and test(doc[i]):
            ends += self._ends(doc, compiled, k + 1, i + 1, n)
        if optional:
            ends += self._ends(doc, compiled, k + 1, i, n)
        return ends
