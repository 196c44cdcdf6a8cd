"""Pipeline assembly: what ``load_pipeline`` skips must not change how text is tokenised."""

from __future__ import annotations

import pytest
import spacy

from kg.config import PROJECT_ROOT
from kg.nlp.pipeline import DEFAULT_TOKENIZER_MODELS, split_slashes


def _settings(tokenizer) -> dict:
    def pattern(func):
        return None if func is None else func.__self__.pattern

    return {"rules": tokenizer.rules, "prefix": pattern(tokenizer.prefix_search),
            "suffix": pattern(tokenizer.suffix_search), "infix": pattern(tokenizer.infix_finditer),
            "token_match": pattern(tokenizer.token_match), "url_match": pattern(tokenizer.url_match),
            "faster_heuristics": tokenizer.faster_heuristics}


@pytest.mark.parametrize("model", sorted(DEFAULT_TOKENIZER_MODELS))
def test_skipped_tokenizer_file_holds_the_default_tokenizer(model: str) -> None:
    """The saved tokenizer ``load_pipeline`` does not read equals the one the model's config makes."""
    saved = spacy.load(model, exclude=["senter"])
    default = spacy.load(model, exclude=["senter", "tokenizer"])
    assert _settings(saved.tokenizer) == _settings(default.tokenizer)
    split_slashes(saved)
    split_slashes(default)
    texts = [p.read_text(encoding="utf-8") for p in sorted((PROJECT_ROOT / "corpus" / "articles").glob("*.txt"))]
    texts.append("YEREVAN, November 23. /TASS/. RFE/RL and Belta/Reuters reported it (see https://x.org/a/b).")
    assert len(texts) > 1
    for text in texts:
        assert [t.text for t in saved.make_doc(text)] == [t.text for t in default.make_doc(text)]


def test_pipeline_splits_slashes_off_word_edges(nlp) -> None:
    words = [t.text for t in nlp.make_doc("MINSK, 5 May. /BelTA/. RFE/RL said.")]
    assert words[5:9] == ["/", "BelTA", "/", "."]

