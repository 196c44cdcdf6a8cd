"""Positions: who supports or opposes what, on which topic, read from stance cues.

Cues are token patterns kept as data (``data/stance_cues.jsonl``: "in favor of", "deems it
necessary", "would be desirable", "we support", "ready to", "against", "I doubt it",
"hinder"…). A negation just before a cue flips it ("will never hinder" = support, "should not be
isolated" = support, "we don't support" = oppose). Opposite cues in one sentence give "mixed".

Holder: the speaker when the cue is inside a quotation; otherwise the subject of the clause
("Lukashenko is in favor of…", "Belarus suggests…", "he believes…"). ``on_behalf_of`` is the
state the holder represents at the date (KB posts/tenures, roles read in the article, or the
state itself). Target: the organisation (preferred) or state the cue's clause is about, then
the sentence, then the quotation, then "the organization" (the latest organisation named),
then the body of the article's main meeting. Topic: the target's topic (CSTO → CSTO
integration…), else keywords of the topic scheme, else the article's main topic.
"""

from __future__ import annotations

import itertools
import re

from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span, Token

from kg.kb import KnowledgeBase
from kg.kb import default as default_kb
from kg.nlp.coref import Coref, recent_person
from kg.nlp.extensions import MentionAnn, PositionAnn, QuoteAnn, published
from kg.nlp.resources import Lexicon, _read_tsv, lexicon
from kg.topics import Topic
from kg.topics import default as default_topics

_NEGATORS = {"not", "n't", "n’t", "never", "no", "cannot", "neither", "nor", "nothing", "hardly", "without"}
_STATEMENT_NOUNS = {"statement", "remark", "remarks", "announcement"}
_EXPLETIVES = {"it", "there", "this", "that", "which", "what", "who"}
_ANAPHORIC_ORGS = {"organization", "organisation", "alliance", "bloc", "association", "union", "commonwealth",
                   "community", "system"}
# Topics that the target decides (keys are top-level KB/minted organisation keys).
TARGET_TOPICS = {
    "org/collective-security-treaty-organization": "csto-integration",
    "org/commonwealth-of-independent-states": "cis-integration",
    "org/union-state": "union-state-integration",
    "org/eurasian-economic-union": "economic-integration",
    "org/eurasian-customs-union": "economic-integration",
    "org/single-economic-space": "economic-integration",
    "org/nato": "dialogue-with-the-west",
    "org/organization-for-security-and-co-operation-in-europe": "dialogue-with-the-west",
    "organisation/european-union": "dialogue-with-the-west",
    "state/united-states": "dialogue-with-the-west",
    "organisation/shanghai-cooperation-organisation": "regional-security",
}
# Keyword topics specific enough to win over a target's topic, most specific first.
FUNCTIONAL = ("air-defence", "peacekeeping", "border-security", "counter-terrorism", "information-security",
              "non-proliferation", "election-monitoring", "enlargement", "conflict-resolution", "military-cooperation")
MAX_TARGETS = 3
_ANAPHORIC_DETS = {"the", "our", "this", "its", "that"}


class PositionFinder:
    """Finds stated positions."""

    def __init__(self, nlp: Language, name: str, lex: Lexicon | None = None, kb: KnowledgeBase | None = None,
                 topics: dict[str, Topic] | None = None) -> None:
        self.name = name
        self.lex = lex or lexicon()
        self.kb = kb or default_kb()
        self.topics = topics or default_topics()
        self.coref = Coref("coref", self.lex, self.kb)
        self.matcher = Matcher(nlp.vocab)
        self.cues: dict[str, dict] = {}
        for n, cue in enumerate(self.lex.cues):
            cid = f"cue{n}"
            self.cues[cid] = cue
            self.matcher.add(cid, [cue["pattern"]])
        self.keywords: list[tuple[list[str], str]] = []
        for topic in self.topics.values():
            for kw in topic.keywords:
                self.keywords.append((kw.split(), topic.id))
        for row in _read_tsv("topic_keywords.tsv"):
            if row["topic"] in self.topics:
                self.keywords.append((row["keyword"].split(), row["topic"]))
        self.keywords.sort(key=lambda x: -len(x[0]))
        self.polarity = {row["word"]: int(row["polarity"]) for row in _read_tsv("polarity.tsv")}

    # -- helpers -------------------------------------------------------------------------------
    def _negated(self, doc: Doc, start: int, sent: Span) -> bool:
        lo = max(sent.start, start - 4)
        return any(doc[k].lower_ in _NEGATORS for k in range(lo, start)) or (
            start + 1 < sent.end and doc[start + 1].lower_ in ("not", "n't", "n’t") and doc[start].pos_ == "AUX")

    def _subject_holder(self, doc: Doc, tok: Token, ent_at: dict[int, MentionAnn]) -> tuple[str | None, float]:
        """The subject of the clause governing ``tok``: a person (preferred) or a state."""
        head = tok
        for _ in range(6):
            subjects = [c for c in head.children if c.dep_ in ("nsubj", "nsubjpass") and c.lower_ not in _EXPLETIVES]
            for subj in subjects:
                found = [ent_at[t.i].key for t in subj.subtree if t.i in ent_at]
                person = next((k for k in found if k.startswith("person/")), None)
                if person:
                    return person, 1.0
                head_m = ent_at.get(subj.i)
                if head_m is not None and (self.lex.is_state(head_m.key) or head_m.key.startswith("state/")):
                    # "X noted that Belarus is …": the person whose speech frames the state's position
                    upper = head.head
                    if upper is not head and head.dep_ in ("ccomp", "xcomp", "advcl", "conj"):
                        speaker, conf = self._subject_holder(doc, upper, ent_at)
                        if speaker and speaker.startswith("person/"):
                            return speaker, conf
                    return head_m.key, 1.0
                if subj.lower_ in ("he", "she"):
                    who = recent_person(doc, subj.idx, subject_only=True) or recent_person(doc, subj.idx)
                    return who, 0.85
            if subjects:
                return None, 0.0
            if head.head is head:
                break
            head = head.head
        return None, 0.0

    def _statement_maker(self, doc: Doc, sent: Span, ent_at: dict[int, MentionAnn]) -> str | None:
        """ "<claim>. X made the statement …": the subject of the next sentence if it says so."""
        if sent.end >= len(doc):
            return None
        nxt = doc[sent.end].sent
        if not any(t.lemma_ in _STATEMENT_NOUNS for t in nxt):
            return None
        inside = {id(m): m for i, m in ent_at.items() if nxt.start <= i < nxt.end}
        for m in sorted(inside.values(), key=lambda m: m.start):
            if m.subject and m.key.startswith("person/"):
                return m.key
        return None

    def _targets(self, mentions: list[MentionAnn], s: int, e: int, exclude: set[str]) -> list[str]:
        """Organisations, then states, named (maximally: no nested names) between characters s and e."""
        out = []
        for m in mentions:
            if m.start < s or m.end > e or m.key in exclude or m.kind == "nested" or m.key in self.lex.media:
                continue
            info = self.lex.info(m.key)
            etype = info.type if info else ("Organisation" if m.key.startswith("organisation/") else "")
            if etype == "Organisation" or etype == "State" or m.key.startswith("state/"):
                out.append(m.key)
        orgs = [k for k in out if not self.lex.is_state(k) and not k.startswith("state/")]
        states = [k for k in out if k not in orgs]
        return list(dict.fromkeys(orgs + states))

    def _coordinated(self, doc: Doc, mentions: list[MentionAnn], first: str, cands: list[str]) -> list[str]:
        """The first target plus targets listed with it ("the UN, the OSCE, and NATO")."""
        spans = {m.key: m for m in mentions if m.key in cands and m.kind != "nested"}
        out = [first]
        ordered = sorted(spans.values(), key=lambda m: m.start)
        for a, b in itertools.pairwise(ordered):
            between = doc.text[a.end : b.start].lower().replace("as well as", ",")
            if re.fullmatch(r"[\s,]*(?:(?:and|or|the)\s*)*", between) and (a.key in out or b.key in out):
                for k in (a.key, b.key):
                    if k not in out:
                        out.append(k)
        return out[:MAX_TARGETS]

    def _other_party(self, doc: Doc, holder: str, before: int, day) -> str | None:
        """For "bilateral relations": the state of the latest other person mentioned."""
        best = None
        for m in doc._.kg_mentions or []:
            if m.start >= before:
                break
            if m.key.startswith("person/") and m.key != holder:
                best = m.key
        return self.on_behalf_of(doc, best, day) if best else None

    def _anaphoric_org(self, doc: Doc, sent: Span, mentions: list[MentionAnn]) -> str | None:
        """ "the organization", "our integration association" → the latest organisation named before it."""
        for t in sent:
            if t.lower_ in _ANAPHORIC_ORGS and t.i > 0 and doc[t.i - 1].lower_ in _ANAPHORIC_DETS | {"integration"}:
                best = None
                for m in mentions:
                    if m.start >= t.idx:
                        break
                    info = self.lex.info(m.key)
                    if ((info and info.type == "Organisation") or m.key.startswith("organisation/")) \
                            and m.kind != "nested" and m.key not in self.lex.media:
                        best = self.lex.top(m.key)
                return best
        return None

    def _topic(self, sent_text: str, target: str | None, default: str) -> str:
        """Functional keywords first, then the target's topic, then other keywords, then a default."""
        low = " " + " ".join(sent_text.lower().replace(",", " ").replace(".", " ").split()) + " "
        hits: dict[str, int] = {}
        for words, tid in self.keywords:
            if f" {' '.join(words)} " in low:
                hits[tid] = hits.get(tid, 0) + len(words)
        for tid in FUNCTIONAL:
            if tid in hits:
                return tid
        top = self.lex.top(target) if target else None
        if top in TARGET_TOPICS:
            return TARGET_TOPICS[top]
        if hits:
            return max(hits, key=lambda t: hits[t])
        if target and (self.lex.is_state(target) or target.startswith("state/")):
            return "bilateral-relations"
        return default

    def on_behalf_of(self, doc: Doc, holder: str | None, day) -> str | None:
        """The state a holder represents at the date."""
        if holder is None:
            return None
        if self.lex.is_state(holder) or holder.startswith("state/"):
            return holder
        for post in self.coref.posts_of(doc, holder, day):
            state = self.lex.state_of(post.of)
            if state:
                return state
        return None

    def _polarity(self, sent: Span) -> list[tuple[int, int, str]]:
        """(token index, polarity, word) of evaluative words in the sentence, negation applied."""
        out = []
        toks = list(sent)
        for k, tok in enumerate(toks):
            word = tok.lower_
            pol = self.polarity.get(word) or self.polarity.get(tok.lemma_.lower())
            if k + 1 < len(toks):
                pair = f"{word} {toks[k + 1].lower_}"
                pol = self.polarity.get(pair, pol)
                if pair in self.polarity:
                    word = pair
            if not pol:
                continue
            if any(t.lower_ in _NEGATORS for t in toks[max(0, k - 3) : k]):
                pol = -pol
            out.append((tok.i, pol, word))
        return out

    def _reported_holder(self, doc: Doc, sent: Span, ent_at: dict[int, MentionAnn],
                         cue_tokens: list[int]) -> tuple[str | None, float]:
        """The holder of a sentence outside quotes: the subject of a cue's clause, "according to X",
        "in his words", a headline that starts with a name, or the maker of "the statement"."""
        low = [t.lower_ for t in sent[:6]]
        if "according" in low:
            k = sent.start + low.index("according")
            for t in doc[k : min(sent.end, k + 8)]:
                m = ent_at.get(t.i)
                if m and (m.key.startswith("person/") or self.lex.is_state(m.key)):
                    return m.key, 0.9
        if "words" in low and ("his" in low or "her" in low):
            who = recent_person(doc, sent.start_char, subject_only=True)
            if who:
                return who, 0.8
        for i in cue_tokens:
            holder, conf = self._subject_holder(doc, doc[i], ent_at)
            if holder:
                return holder, conf
        holder, conf = self._subject_holder(doc, sent.root, ent_at)
        if holder:
            return holder, conf
        first = ent_at.get(sent.start)
        if first and first.key.startswith("person/") and not any(t.pos_ in ("VERB", "AUX") for t in sent):
            return first.key, 0.85  # a headline: "Lukashenko in favor of tighter cooperation"
        return self._statement_maker(doc, sent, ent_at), 0.85

    # -- component ---------------------------------------------------------------------------
    def __call__(self, doc: Doc) -> Doc:
        day = published(doc)
        mentions = [m for m in doc._.kg_mentions or [] if m.kind in ("name", "descriptor", "nested")]
        ent_at = {i: m for m in mentions if m.kind != "nested" for i in range(m.tok_start, m.tok_end)}
        quotes: list[QuoteAnn] = doc._.kg_quotes or []
        meetings = doc._.kg_meetings or []
        main_body = self.lex.top(meetings[0].body) if meetings and meetings[0].body else None
        focus = self._focus(mentions) or main_body
        default_topic = TARGET_TOPICS.get(focus or "", "regional-security")
        when = meetings[0].date if meetings and meetings[0].precision == "day" else (day.isoformat() if day else None)
        cue_hits: dict[int, list[tuple[int, int, dict]]] = {}
        for match_id, start, end in self.matcher(doc):
            sent_start = doc[start].sent.start
            cue_hits.setdefault(sent_start, []).append((start, end, self.cues[doc.vocab.strings[match_id]]))
        positions: list[PositionAnn] = []
        last_target: dict[int, str] = {}  # paragraph number -> latest target
        text = doc.text
        for sent in doc.sents:
            if not sent.text.strip():
                continue
            hits = cue_hits.get(sent.start, [])
            polar = self._polarity(sent)
            if not hits and not polar:
                continue
            qi = next((n for n, q in enumerate(quotes) if q.start < sent.end_char and sent.start_char < q.end), None)
            if qi is not None:
                holder = quotes[qi].speaker
                hconf = 0.95 if quotes[qi].how.startswith(("after", "before")) else 0.8
            else:
                cue_tokens = [h[0] for h in hits] + [p[0] for p in polar]
                holder, hconf = self._reported_holder(doc, sent, ent_at, cue_tokens)
            if holder is None:
                continue
            # stance: pattern cues (with negation), else the evaluative words
            votes: list[tuple[str, float, str]] = []
            for start, _end, cue in hits:
                stance = cue["stance"]
                if self._negated(doc, start, sent):
                    stance = cue.get("negated_stance") or {"support": "oppose", "oppose": "support"}.get(stance, stance)
                votes.append((stance, cue["confidence"], cue["cue"]))
            if not votes:
                for _i, pol, word in polar:
                    votes.append(("support" if pol > 0 else "oppose", 0.5, word))
            stances = {v[0] for v in votes}
            contrast = any(t.lower_ in ("but", "however", "although", "though", "unfortunately") for t in sent)
            if stances >= {"support", "oppose"}:
                counts = {st: sum(1 for v in votes if v[0] == st) for st in ("support", "oppose")}
                majority = "oppose" if counts["oppose"] >= counts["support"] else "support"
                stance = "mixed" if contrast else majority
            else:
                stance = votes[0][0]
            best = max((v for v in votes if v[0] == stance or stance == "mixed"), key=lambda v: v[1])
            behalf = self.on_behalf_of(doc, holder, day)
            exclude = {holder, behalf} - {None}
            para = text.count("\n", 0, sent.start_char)
            targets = self._targets(mentions, sent.start_char, sent.end_char, exclude)
            if targets:
                targets = self._coordinated(doc, mentions, targets[0], targets)
            tconf = 1.0
            if not targets and any(t.lower_ == "bilateral" for t in sent):
                other = self._other_party(doc, holder, sent.start_char, day)
                targets, tconf = ([other] if other and other not in exclude else []), 0.8
            if not targets:
                org = self._anaphoric_org(doc, sent, mentions)
                targets, tconf = ([org] if org and org not in exclude else []), 0.85
            if not targets and para in last_target and last_target[para] not in exclude:
                targets, tconf = [last_target[para]], 0.75
            if not targets:
                para_start = text.rfind("\n", 0, sent.start_char) + 1
                targets, tconf = self._targets(mentions, para_start, sent.start_char, exclude)[-1:], 0.7
            if not targets and qi is not None and focus and focus not in exclude:
                targets, tconf = [focus], 0.6
            if not targets:
                targets, tconf = [None], 0.5
            for target in targets:
                topic = self._topic(sent.text, target, default_topic)
                conf = round(min(1.0, best[1] * hconf * tconf), 3)
                positions.append(PositionAnn(holder, behalf, target, topic, stance, sent.start_char, sent.end_char,
                                             best[2], conf, qi, when))
            if targets[0] is not None:
                last_target[para] = targets[0]
        doc._.kg_positions = positions
        return doc

    def _focus(self, mentions: list[MentionAnn]) -> str | None:
        """The organisation the article is most about (most mentions, top-level)."""
        counts: dict[str, int] = {}
        for m in mentions:
            info = self.lex.info(m.key)
            if ((info and info.type == "Organisation") or m.key.startswith("organisation/")) \
                    and m.key not in self.lex.media:
                top = self.lex.top(m.key) or m.key
                counts[top] = counts.get(top, 0) + 1
        return max(counts, key=lambda k: counts[k]) if counts else None


@Language.factory("kg_positions_v1", requires=["doc._.kg_quotes", "doc._.kg_mentions"], assigns=["doc._.kg_positions"])
def make_positions(nlp: Language, name: str) -> PositionFinder:
    """Factory: positions from stance cues."""
    return PositionFinder(nlp, name)
