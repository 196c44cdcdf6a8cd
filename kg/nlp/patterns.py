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

from collections.abc import Callable
from operator import attrgetter
from typing import Any

from spacy.attrs import LEMMA, LOWER, ORTH
from spacy.tokens import Doc, Token

_STRING_ATTRS = {"ORTH": "text", "LOWER": "lower_", "LEMMA": "lemma_", "POS": "pos_", "TAG": "tag_"}
_FLAG_ATTRS = {"IS_PUNCT": "is_punct", "IS_ALPHA": "is_alpha"}

Predicate = Callable[[Token], bool]
MAX_CACHE = 200_000  # distinct (word, form, lemma) hash triples remembered


class PatternError(ValueError):
    """A cue pattern uses syntax this matcher does not support."""


def _value_test(attr: str, spec: Any) -> Predicate:
    """A test of a token's string attribute ``attr`` (a key of ``_STRING_ATTRS``)."""
    get = attrgetter(_STRING_ATTRS[attr])
    if isinstance(spec, str):
        return lambda t: get(t) == spec
    if isinstance(spec, dict) and set(spec) == {"IN"}:
        values = frozenset(spec["IN"])
        return lambda t: get(t) in values
    if isinstance(spec, dict) and set(spec) == {"NOT_IN"}:
        values = frozenset(spec["NOT_IN"])
        return lambda t: get(t) not in values
    raise PatternError(f"unsupported value for {attr}: {spec!r}")


def _all(tests: list[Predicate]) -> Predicate:
    """One predicate for all of ``tests`` (most token patterns have one)."""
    if len(tests) == 1:
        return tests[0]
    if len(tests) == 2:
        first, second = tests
        return lambda t: first(t) and second(t)
    return lambda t: all(test(t) for test in tests)


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
            tests.append(_value_test(key, value))
        elif key in _FLAG_ATTRS:
            get, want = attrgetter(_FLAG_ATTRS[key]), bool(value)
            tests.append(lambda t, get=get, want=want: get(t) is want)
        else:
            raise PatternError(f"unsupported attribute {key!r}")
    return _all(tests), optional


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
        self._cache: dict[tuple[int, int, int], tuple[int, ...]] = {}

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

    def _candidates(self, doc: Doc, key: tuple[int, int, int]) -> tuple[int, ...]:
        """Patterns that may start at a token with these (lower, orth, lemma) hashes (cached)."""
        found = self._cache.get(key)
        if found is None:
            if len(self._cache) > MAX_CACHE:
                self._cache.clear()
            lower, orth, lemma = (doc.vocab.strings[h] for h in key)
            found = tuple(sorted({*self.anywhere, *self.by_lower.get(lower, ()), *self.by_orth.get(orth, ()),
                                  *self.by_lemma.get(lemma, ())}))
            self._cache[key] = found
        return found

    def __call__(self, doc: Doc) -> list[tuple[str, int, int]]:
        """Every match: (pattern key, start token, end token), like spaCy's Matcher (all lengths)."""
        out: list[tuple[str, int, int]] = []
        n = len(doc)
        # Hashes from one array, not three string lookups per token: most tokens start no pattern.
        columns = doc.to_array([LOWER, ORTH, LEMMA]).T.tolist()
        for i, hashes in enumerate(zip(*columns, strict=True)):
            for p in self._candidates(doc, hashes):
                key, compiled = self.patterns[p]
                for end in self._ends(doc, compiled, 0, i, n):
                    out.append((key, i, end))
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
