"""The cue matcher (``kg.nlp.patterns``) gives exactly spaCy's ``Matcher`` matches for the cue file."""

from __future__ import annotations

import pytest
from spacy.matcher import Matcher

from kg.nlp.patterns import CueMatcher, PatternError
from kg.nlp.resources import lexicon

TEXTS = [  # synthetic
    "“I don’t think Kazakhstan will stay out,” Lukashenko said, adding that the CSTO should not be isolated.",
    "Pashinyan declined on Wednesday to sign the declaration; there is no point in talking about it.",
    "The role of the CIS and its agencies is absolutely obvious, and we are against vain chatter.",
    "Moscow still regarded it as \"an ally\" and the door remains open for Belarus to join.",
    "We must weigh all the pros and cons before taking the next step, I doubt it is necessary.",
]


def test_same_matches_as_spacy(nlp):
    spacy_matcher, ours = Matcher(nlp.vocab), CueMatcher()
    for n, cue in enumerate(lexicon().cues):
        spacy_matcher.add(f"c{n}", [cue["pattern"]])
        ours.add(f"c{n}", cue["pattern"])
    total = 0
    for doc in nlp.pipe(TEXTS):
        want = sorted((nlp.vocab.strings[k], s, e) for k, s, e in spacy_matcher(doc))
        got = sorted(ours(doc))
        assert got == want
        total += len(got)
    assert total >= 15


def test_optional_tokens_give_every_length(nlp):
    matcher = CueMatcher()
    matcher.add("x", [{"LOWER": "very"}, {"LOWER": "very", "OP": "?"}, {"LOWER": "good"}])
    doc = nlp.make_doc("very very good")
    assert matcher(doc) == [("x", 0, 3), ("x", 1, 3)]


@pytest.mark.parametrize("pattern", [[{"LOWER": "a", "OP": "*"}], [{"SHAPE": "Xx"}], [{"LOWER": {"REGEX": "a"}}], []])
def test_unsupported_syntax_is_refused(pattern):
    with pytest.raises(PatternError):
        CueMatcher().add("x", pattern)
