"""Quotations and their speakers.

Spans: curly (“ ”) and straight (") double quote marks, paired within a paragraph (a line);
a quote still open at the end of its paragraph runs to the paragraph's end. Apostrophes and
single quotes are never quote marks. Scare quotes — at most four words with no closing
punctuation inside (avoid “getting frozen” at) — are not quotations.

Speakers, in order:
1. an attribution right after the quote in the same sentence: a speech verb with the speaker
   before it ("…,” Aleksandr Lukashenko said / told X / he added) or after it ("…,” said the
   Belarusian leader); descriptors and pronouns resolve through ``kg.nlp.coref``;
2. an attribution before the quote in the same sentence ("X said: “…”", "According to X, “…”");
3. otherwise (continuations, quotes after reported speech): the latest person who was the
   subject of a clause or the speaker of a quote before this quote.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from kg.nlp.extensions import MentionAnn, QuoteAnn, doc_text
from kg.nlp.resources import Lexicon, lexicon

_MARKS = re.compile(r"[“”\"]")
_WORD = re.compile(r"[A-Za-z0-9]+(?:['’][a-z]+)?")
_PRONOUNS = {"he", "she"}
_GROUPS = {"side", "sides", "leaders", "participants", "parties", "delegation", "delegations"}
MAX_SCARE_WORDS = 4
_WINDOW = 16


def find_quote_spans(text: str) -> list[tuple[int, int, int, int]]:
    """(open mark, inner start, inner end, close mark or -1) of every quotation in ``text``.

    >>> t = 'He said: “We agree. Fully,” and left. They avoid “getting frozen” there.'
    >>> [t[s:e] for _, s, e, _ in find_quote_spans(t)]
    ['We agree. Fully']
    >>> t = '“First part,” he said. “Second part\\nNext paragraph.'
    >>> [t[s:e] for _, s, e, _ in find_quote_spans(t)]
    ['First part', 'Second part']
    """
    out: list[tuple[int, int, int, int]] = []
    pos = 0
    for line in text.split("\n"):
        line_start, line_end = pos, pos + len(line)
        pos = line_end + 1
        open_at = -1
        for m in _MARKS.finditer(line):
            c, p = m.group(), line_start + m.start()
            if c == "“" or (c == '"' and open_at < 0):
                if open_at >= 0:
                    out.append((open_at, open_at + 1, p, -1))
                open_at = p
            elif open_at >= 0:  # ” or a closing "
                out.append((open_at, open_at + 1, p, p))
                open_at = -1
        if open_at >= 0:
            out.append((open_at, open_at + 1, line_end, -1))
    result = []
    for open_at, s, e, close in out:
        while s < e and text[s].isspace():
            s += 1
        while e > s and (text[e - 1].isspace() or text[e - 1] == ","):
            e -= 1
        inner = text[s:e]
        if not _WORD.search(inner):
            continue
        if close >= 0 and is_scare_quote(inner, text, open_at):
            continue
        result.append((open_at, s, e, close))
    return result


def is_scare_quote(inner: str, text: str, open_at: int) -> bool:
    """Short quoted phrase inside a sentence ("avoid “getting frozen” at the present level")."""
    words = _WORD.findall(inner)
    if len(words) > MAX_SCARE_WORDS:
        return False
    if inner.rstrip()[-1:] in ".!?…":
        return False
    before = text[max(0, open_at - 3) : open_at].strip()
    if before.endswith(":"):
        return False
    # a short quote followed by a comma and an attribution ("“Never,” he said") is a quote
    close = text.find("”", open_at + 1)
    tail = text[open_at + 1 : close if close > 0 else open_at + 1 + len(inner) + 2]
    return not tail.rstrip().endswith(",")


class QuoteFinder:
    """Finds quotations and resolves their speakers."""

    def __init__(self, name: str, lex: Lexicon | None = None) -> None:
        self.name = name
        self.lex = lex or lexicon()
        self.speech = self.lex.speech_lemmas
        self.title_heads = {w for w, (kind, _) in self.lex.titles.items() if kind == "head"}

    def _is_speech_verb(self, tok: Token) -> bool:
        return (tok.lemma_.lower() in self.speech and tok.pos_ in ("VERB", "AUX")) or tok.lower_ in ("said", "told")

    def _mention_in(self, mentions: list[MentionAnn], starts: list[int], s: int, e: int) -> MentionAnn | None:
        """The first person/state mention (name or descriptor) inside characters [s, e)."""
        i = bisect_right(starts, s - 1)
        while i < len(mentions) and mentions[i].start < e:
            m = mentions[i]
            who = m.key.startswith("person/") or self.lex.is_state(m.key)
            if m.end <= e and m.kind in ("name", "descriptor") and who:
                return m
            i += 1
        return None

    def _speaker_in(self, doc: Doc, toks: list[Token], mentions: list[MentionAnn], starts: list[int],
                    timeline: list[tuple[int, str]], before: int) -> tuple[str | None, str]:
        """Resolve a speaker phrase (tokens): a mention, else a pronoun → the latest subject."""
        if not toks:
            return None, ""
        m = self._mention_in(mentions, starts, toks[0].idx, toks[-1].idx + len(toks[-1]))
        if m is not None:
            return m.key, "mention"
        for t in toks:
            if t.lower_ in _PRONOUNS:
                return latest(timeline, before), "pronoun"
        return None, ""

    def _subject_speaker(self, verb: Token, tok_mention: dict[int, MentionAnn], timeline: list[tuple[int, str]],
                         before: int) -> tuple[str | None, str] | None:
        """The speech verb's grammatical subject as a speaker; None when the parse has no subject.

        A subject that is a plain noun and no known title ("a senior diplomat") is an anonymous
        source: the speaker is None and no other rule may override it.
        """
        subj = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        if subj is None:
            return None
        for t in subj.subtree:
            m = tok_mention.get(t.i)
            if m is not None and (m.key.startswith("person/") or self.lex.is_state(m.key)):
                return m.key, "mention"
        if subj.lower_ in _PRONOUNS:
            return latest(timeline, before), "pronoun"
        if subj.pos_ == "NOUN" and subj.lower_ not in self.title_heads and subj.lower_ not in _GROUPS:
            return None, "anonymous"
        return None

    def __call__(self, doc: Doc) -> Doc:
        text = doc_text(doc)
        spans = find_quote_spans(text)
        idx = [t.idx for t in doc] if spans else []
        mentions: list[MentionAnn] = [m for m in doc._.kg_mentions or [] if m.kind != "nested"]
        quoted = [(s, e) for _, s, e, _ in spans]
        outside = [m for m in mentions if not any(s <= m.start < e for s, e in quoted)]
        starts = [m.start for m in outside]
        tok_mention = {i: m for m in outside for i in range(m.tok_start, m.tok_end)}
        # timeline of (position, person) events: subjects outside quotes, then quote speakers
        timeline = [(m.start, m.key) for m in outside if m.subject and m.key.startswith("person/")]
        quotes: list[QuoteAnn] = []
        prev_close = 0
        for n, (open_at, s, e, close) in enumerate(spans):
            speaker, how, cue = None, "", None
            para = text.count("\n", 0, open_at)
            next_open = spans[n + 1][0] if n + 1 < len(spans) else len(text)
            # 1. attribution after the quote
            if close >= 0:
                toks = self._tokens_after(doc, idx, close + 1, next_open)
                verb = next((t for t in toks if self._is_speech_verb(t)), None)
                if verb is not None:
                    cue = verb.text
                    found = self._subject_speaker(verb, tok_mention, timeline, open_at)
                    if found is not None and (found[0] or found[1] == "anonymous"):
                        speaker, how = found
                    else:
                        pre = [t for t in toks if t.i < verb.i and not t.is_punct]
                        post = [t for t in toks if t.i > verb.i and not t.is_punct]
                        speaker, how = self._speaker_in(doc, pre, outside, starts, timeline, open_at)
                        if speaker is None and not pre:
                            speaker, how = self._speaker_in(doc, post, outside, starts, timeline, open_at)
                    how = "after:" + how if speaker or how == "anonymous" else ""
            # 2. attribution before the quote in the same sentence
            if speaker is None and not how:
                toks = self._tokens_before(doc, idx, open_at, max(prev_close, text.rfind("\n", 0, open_at) + 1))
                intro = [t for t in toks if self._is_speech_verb(t) or t.lower_ == "according" or t.text == ":"]
                if intro:
                    verbs = [t for t in intro if self._is_speech_verb(t)]
                    found = self._subject_speaker(verbs[-1], tok_mention, timeline, open_at) if verbs else None
                    if found is not None and (found[0] or found[1] == "anonymous"):
                        speaker, h = found
                    else:
                        speaker, h = self._speaker_in(doc, toks, outside, starts, timeline, open_at)
                    if speaker or h == "anonymous":
                        how, cue = "before:" + h, intro[-1].text
            # 3. latest subject / speaker before the quote
            if speaker is None and not how.endswith("anonymous"):
                speaker = latest(timeline, open_at) or doc._.kg_actor
                how = "continuation" if speaker else ""
            quotes.append(QuoteAnn(s, e, speaker, cue, how, para))
            if speaker:
                timeline.append((s, speaker))
                timeline.sort()
            prev_close = close + 1 if close >= 0 else e
        doc._.kg_quotes = quotes
        return doc

    def _tokens_after(self, doc: Doc, idx: list[int], start: int, limit: int) -> list[Token]:
        """Tokens after a closing mark up to the end of that sentence (bounded)."""
        out: list[Token] = []
        i = bisect_left(idx, start)
        while i < len(doc) and len(out) < _WINDOW:
            tok = doc[i]
            if tok.idx >= limit or "\n" in tok.text:
                break
            if tok.text in (".", "!", "?", ";") or (tok.text == "," and any(self._is_speech_verb(t) for t in out)):
                break
            if not tok.is_space:
                out.append(tok)
            i += 1
        return out

    def _tokens_before(self, doc: Doc, idx: list[int], end: int, floor: int) -> list[Token]:
        """Tokens of the same sentence before an opening mark (bounded)."""
        out: list[Token] = []
        i = bisect_left(idx, end) - 1
        while i >= 0 and len(out) < 2 * _WINDOW:
            tok = doc[i]
            if tok.idx < floor or tok.text in (".", "!", "?") or "\n" in tok.text:
                break
            if not tok.is_space and tok.text not in ("“", '"'):
                out.append(tok)
            i -= 1
        out.reverse()
        return out


def latest(timeline: list[tuple[int, str]], before: int) -> str | None:
    """The person of the latest event before character ``before``."""
    best = None
    for pos, key in timeline:
        if pos >= before:
            break
        best = key
    return best


def quote_span(doc: Doc, q: QuoteAnn) -> Span | None:
    return doc.char_span(q.start, q.end, alignment_mode="expand")


@Language.factory("kg_quotes_v1", requires=["doc._.kg_mentions"], assigns=["doc._.kg_quotes"])
def make_quotes(nlp: Language, name: str) -> QuoteFinder:
    """Factory: quotations and speakers."""
    return QuoteFinder(name)
