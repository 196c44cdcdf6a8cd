"""Positions: who supports or opposes what, on which topic, read from stance cues.

A sentence (an elliptical one such as "I doubt it" joins the sentence it completes) carries a
position when it asserts a stance cue and has an identifiable holder.

* **Cues** are token patterns kept as data (``data/stance_cues.jsonl``: "in favor of", "deems it
  necessary", "should", "need to", "refused to", "no point", "will never hinder" …, matched by
  ``kg.nlp.patterns``) and, when no pattern matches, evaluative words (``data/polarity.tsv``).
  Where cues overlap, the more specific one wins. A cue inside a relative clause, a noun's
  modifier ("a conference on preventing terrorism"), a condition ("whether we want it") or a
  forecast ("is set to join") asserts nothing. A negation before a cue, or on a clause that
  governs it ("no plans to join … or to sign", "I don't think Kazakhstan will stay out"), flips
  it; an oppose cue whose object is a threat ("condemned terrorism", "cannot allow extremists to
  cross", ``data/threats.tsv``) is support.
* **Stance**: support and oppose cues on one target give "mixed" when the sentence contrasts them
  ("but", "unfortunately"), when they are equally strong, or with a restricting cue ("compatible
  with", "nothing more"); a neutral cue ("needed time to assess") wins when it is the strongest.
* **Holder**: the speaker of a quotation (for an anonymous source, the state it speaks of);
  otherwise the subject of the cue's clause or of the reporting verb ("X said that …", "according
  to X", "…, X said", "…, President X at the session"), the maker of "the statement" in the next
  sentence, or — free indirect speech — the holder of the previous sentence in the paragraph (a
  deontic cue also continues the previous paragraph). Collective or joint subjects ("analysts",
  "Zelenskiy and Putin agreed", ``data/collectives.txt``) hold no position; a third party's will
  quoted by the speaker ("they are ready to …") is not the speaker's. A state that only acts
  ("Belarus contributed to …", "offered tuition") holds a position only through a stance cue.
* **Target**: each cue attaches to the nearest (in the dependency tree) organisation or state of
  the sentence, a name in the cue's own phrase and an organisation winning close calls, so "join
  NATO, and … join the CSTO" gives two positions and "valued its partnership with Russia but would
  not enter any military bloc" gives Russia and no target. National bodies stand for their state
  ("the Kremlin" → Russia), an acting capital for its state ("Moscow's interpretation",
  ``data/capitals.tsv``), a sub-body not in subject position for its organisation; a state that
  joins an organisation in its own clause yields to it. Names that only frame a topic ("on Syria
  issue", "Russia-led", "sanctions against Russia", "the republics in eastern Ukraine") are no
  targets. Anaphors (``data/anaphors.tsv``: "the organization", "the ally", "the decision", "our
  Belarusian partners", "membership") compete with the names; without any, the target comes from
  discourse: the interlocutor's state for "bilateral relations", the paragraph's latest target,
  and for quotations the speaker's previous target or the organisation the article is about.
* **Topic**: the most specific concept of ``ontology/topics.ttl`` whose keyword
  (``data/topic_keywords.tsv`` + the scheme's hidden labels) sits near the cue or in the target's
  name; else the target organisation's topic; else bilateral relations when a state target's
  sentence says so; else the paragraph's or the article's dominant specific topic; else a general
  keyword; else the topic of the article's organisation.
"""

from __future__ import annotations

import itertools
import re
from bisect import bisect_right
from dataclasses import dataclass, field

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from kg.kb import KnowledgeBase
from kg.kb import default as default_kb
from kg.nlp.coref import Coref, recent_person
from kg.nlp.extensions import MentionAnn, PositionAnn, QuoteAnn, doc_lemmas, doc_lowers, doc_text, published
from kg.nlp.patterns import CueMatcher
from kg.nlp.resources import DATA_DIR, Lexicon, _read_tsv, lexicon
from kg.topics import Topic
from kg.topics import default as default_topics

_NEGATORS = {"not", "n't", "n’t", "never", "no", "cannot", "neither", "nor", "nothing", "hardly", "without"}
_NEG_RAISERS = {"think", "believe", "expect", "suppose", "see"}  # "I don't think X will stay out"
_STATEMENT_NOUNS = {"statement", "remark", "remarks", "announcement"}
_EXPLETIVES = {"it", "there", "this", "that", "which", "what", "who"}
_CONTRAST = {"but", "however", "although", "though", "unfortunately", "whereas"}
_ANAPHOR_DETS = {"the", "our", "this", "its", "that", "their", "a", "these", "those", "his", "her", "your"}
_FRAME_AFTER = {"issue", "issues", "question", "problem", "crisis", "situation", "conflict", "settlement", "war"}
_FRAME_BEFORE = {"regards", "regarding", "concerning", "on"}
_JOINING = {"join", "participation", "membership", "accession", "accede", "entry", "member"}
_STANCE_NOUNS = {"position", "stance", "policy", "course", "approach", "attitude", "line", "view", "choice"}
_FORECASTS = {"expect", "set", "due", "schedule", "likely", "poise", "slate"}
_FRAME_VERBS = {"comment", "speak", "talk", "refer", "ask", "touch", "discuss"}
_COMPOUND_MODIFIERS = {"led", "backed", "based", "brokered", "sponsored", "dominated", "controlled"}
_GENERIC_DETS = {"any", "no"}
_SPEECH_EXTRA = {"said", "told", "says", "added"}
_JOIN_LEMMAS = ("join", "accede")
# Topics that the target decides (keys are top-level KB/minted organisation keys).
TARGET_TOPICS = {
    "org/collective-security-treaty-organization": "csto-integration",
    "org/commonwealth-of-independent-states": "cis-integration",
    "org/union-state": "union-state-integration",
    "org/eurasian-economic-union": "economic-integration",
    "org/eurasian-customs-union": "economic-integration",
    "org/single-economic-space": "economic-integration",
    "org/eurasian-economic-community": "economic-integration",
    "org/nato": "dialogue-with-the-west",
    "org/organization-for-security-and-co-operation-in-europe": "dialogue-with-the-west",
    "org/european-union": "dialogue-with-the-west",
    "organisation/european-union": "dialogue-with-the-west",
    "state/united-states": "dialogue-with-the-west",
    "org/shanghai-cooperation-organisation": "regional-security",
    "organisation/shanghai-cooperation-organisation": "regional-security",
}
# Keyword topics specific enough to win over a target's topic, most specific first.
FUNCTIONAL = ("air-defence", "peacekeeping", "border-security", "counter-terrorism", "information-security",
              "non-proliferation", "election-monitoring", "enlargement", "conflict-resolution", "military-cooperation")
MAX_TARGETS = 3
MAX_ATTACH = 7  # a cue attaches to a name at most this many dependency arcs away
MAX_KEYWORD_DISTANCE = 5
ORG_BONUS = 1.0  # arcs an organisation may be farther from the cue than a state and still win
SUBTREE_BONUS = 1.5  # arcs a name inside the cue's own phrase ("sign an agreement with the EU") may be farther
MAX_SHORT = 5  # an elliptical sentence ("I doubt it") has at most this many words


@dataclass
class Cue:
    """One stance cue in a sentence."""

    start: int  # token offsets
    end: int
    stance: str
    confidence: float
    text: str
    deontic: bool = False
    pattern: bool = True
    generic: bool = False  # its object is "any bloc": a position without a named target
    agentive: bool = False  # states the subject's own will ("ready to", "hope"): not the speaker's for "they"
    inverted: bool = False  # "rejected the criticism": support only for a named target, else against the object
    deed: bool = False  # an act rather than a statement ("offer", "host")


@dataclass
class Candidate:
    """A name in a sentence that can be a target."""

    key: str  # the target key (state for national bodies and acting capitals, top organisation …)
    mention: MentionAnn
    root: int  # token index of the mention's syntactic root
    subject: bool = False


@dataclass
class _Context:
    """What earlier sentences tell later ones."""

    holder: str | None = None  # holder of the latest attributed sentence
    holder_para: int = -1
    holder_sent: int = -1
    targets: dict[int, str] = field(default_factory=dict)  # paragraph → latest target
    last_target: str | None = None
    last_target_para: int = -1
    last_target_holder: str | None = None
    last_org: str | None = None


class PositionFinder:
    """Finds stated positions."""

    def __init__(self, nlp: Language, name: str, lex: Lexicon | None = None, kb: KnowledgeBase | None = None,
                 topics: dict[str, Topic] | None = None) -> None:
        self.name = name
        self.lex = lex or lexicon()
        self.kb = kb or default_kb()
        self.topics = topics or default_topics()
        self.coref = Coref("coref", self.lex, self.kb)
        self.matcher = CueMatcher()
        self.cues: dict[str, dict] = {}
        for n, cue in enumerate(self.lex.cues):
            cid = f"cue{n}"
            self.cues[cid] = cue
            self.matcher.add(cid, cue["pattern"])
        self.keywords: list[tuple[list[str], str, bool]] = []  # words, topic, specific
        for topic in self.topics.values():
            for kw in topic.keywords:
                self.keywords.append((kw.split(), topic.id, topic.id in FUNCTIONAL))
        for row in _read_tsv("topic_keywords.tsv"):
            if row["topic"] in self.topics:
                specific = row.get("strength", "") != "generic" and row["topic"] in FUNCTIONAL
                self.keywords.append((row["keyword"].split(), row["topic"], specific))
        generic = {row["keyword"] for row in _read_tsv("topic_keywords.tsv") if row.get("strength") == "generic"}
        self.keywords = [(w, t, s and " ".join(w) not in generic) for w, t, s in self.keywords]
        self.keywords.sort(key=lambda x: -len(x[0]))
        self.by_first: dict[str, list[tuple[list[str], str, bool]]] = {}
        for kw in self.keywords:
            self.by_first.setdefault(kw[0][0], []).append(kw)
        rows = _read_tsv("polarity.tsv")
        self.polarity = {row["word"]: int(row["polarity"]) for row in rows}
        self.predicative = frozenset(row["word"] for row in rows if row.get("use") == "predicative")
        self.threats = frozenset(row["word"] for row in _read_tsv("threats.tsv"))
        self.anaphors = {row["word"]: row["kind"] for row in _read_tsv("anaphors.tsv")}
        self.capitals: dict[str, str] = {}
        for row in _read_tsv("capitals.tsv"):
            city, state = self.lex.lookup(row["city"]), self.lex.lookup(row["state"])
            if city and state:
                self.capitals[city] = state
        self.meeting_nouns = frozenset(self.lex.meeting_words)
        lines = (DATA_DIR / "collectives.txt").read_text(encoding="utf-8").splitlines()
        self.collectives = frozenset(ln.strip() for ln in lines if ln.strip() and not ln.startswith("#"))

    # -- cues ----------------------------------------------------------------------------------
    def _sentence_cues(self, doc: Doc, sent: Span, hits: list[tuple[int, int, dict]]) -> list[Cue]:
        """Pattern cues of a sentence (most specific first wins), negation and threat objects applied."""
        chosen: list[tuple[int, int, dict]] = []
        taken: set[int] = set()
        for start, end, cue in sorted(hits, key=lambda h: (-h[2].get("priority", 1), -(h[1] - h[0]), h[0])):
            if taken & set(range(start, end)):
                continue
            chosen.append((start, end, cue))
            taken.update(range(start, end))
        owner = {i: n for n, (s, e, _) in enumerate(chosen) for i in range(s, e)}
        out = []
        for n, (start, end, cue) in enumerate(chosen):
            if cue.get("modal") and self._modal_redundant(doc, start, end, owner, n):
                continue
            if cue["stance"] not in ("mixed", "neutral") and not self._asserted(doc[start], owner):
                continue
            stance = cue["stance"]
            if not cue.get("fixed") and self._negated(doc, start, end, sent):
                stance = cue.get("negated_stance") or {"support": "oppose", "oppose": "support"}.get(stance, stance)
            if stance == "none":
                continue  # "attended" says nothing; "has not attended" does
            inverted = False
            if stance == "oppose" and cue.get("invertible"):
                found = self._threat_object(doc, start, end, sent, bool(cue.get("combat")))
                if found:  # "condemned terrorism", "cannot allow extremists to cross", "rejected the criticism"
                    stance, inverted = "support", found == "bad"
            out.append(Cue(start, end, stance, cue["confidence"], cue["cue"], bool(cue.get("deontic")),
                           generic=self._generic_object(doc, start, end, sent), agentive=bool(cue.get("agentive")),
                           deed=bool(cue.get("deed")), inverted=inverted))
        return sorted(out, key=lambda c: c.start)

    def _polar_cues(self, sent: Span, holder_subject: set[int]) -> list[Cue]:
        """Evaluative words of a sentence (outside its subject phrase and noun modifiers), negation applied."""
        out = []
        doc = sent.doc
        lowers, lemmas = doc_lowers(doc), doc_lemmas(doc)
        skip = -1
        for i in range(sent.start, sent.end):
            if i <= skip:
                continue
            word = lowers[i]
            pol = self.polarity.get(word) or self.polarity.get(lemmas[i].lower())
            end = i + 1
            if end < sent.end:
                pair = f"{word} {lowers[end]}"
                if pair in self.polarity:
                    pol, word, end, skip = self.polarity[pair], pair, i + 2, i + 1
            if not pol or i in holder_subject:
                continue
            tok = doc[i]
            if not self._asserted(tok, {}):
                continue
            if word in self.predicative and tok.dep_ not in ("acomp", "attr", "oprd", "conj"):
                continue  # "this is dangerous", not "the most dangerous trend"
            if not _NEGATORS.isdisjoint(lowers[max(sent.start, i - 3) : i]):
                pol = -pol
            out.append(Cue(i, end, "support" if pol > 0 else "oppose", 0.5, word, pattern=False))
        return out

    @staticmethod
    def _asserted(tok: Token, cue_owner: dict[int, int]) -> bool:
        """Is the cue asserted, not inside a relative clause, a noun's modifier ("a conference on
        preventing terrorism", "issues of international importance"), a condition ("whether we want
        it") or a forecast ("is set to join", "are expected to join")?"""
        if tok.pos_ == "ADJ" and tok.dep_ == "amod" and tok.head.lemma_ not in _STANCE_NOUNS:
            tok = tok.head  # "talks on deeper integration": judge the noun it modifies
        while tok.dep_ == "conj" and tok.head is not tok and tok.pos_ == tok.head.pos_:
            tok = tok.head  # "on preventing and fighting terrorism": judge the first conjunct
        head = tok.head
        predicative = head.head.dep_ in ("attr", "oprd", "acomp", "appos", "ROOT") and tok.pos_ == "NOUN"
        if tok.pos_ in ("VERB", "NOUN") and tok.dep_ in ("pobj", "pcomp") and head.dep_ == "prep" \
                and head.head.pos_ in ("NOUN", "PROPN") and head.head.i not in cue_owner and not predicative:
            return False  # "a conference on preventing terrorism", not "an event of epoch-making significance"
        for _ in range(8):
            if tok.pos_ != "NOUN" and any(c.dep_ == "mark" and c.lower_ in ("whether", "if") for c in tok.children):
                return False
            dep, head = tok.dep_, tok.head
            if dep == "relcl" or (dep == "acl" and head.pos_ in ("NOUN", "PROPN") and head.i not in cue_owner):
                return False
            if dep == "xcomp" and head.lemma_ in _FORECASTS and head.i not in cue_owner:
                return False
            if head is tok or dep in ("ROOT", "ccomp", "advcl", "parataxis"):
                return True
            tok = head
        return True

    @staticmethod
    def _modal_redundant(doc: Doc, start: int, end: int, owner: dict[int, int], own: int) -> bool:
        """A modal whose verb is itself a cue ("should not be isolated", "have to join") adds nothing."""
        verb = doc[start].head if doc[start].dep_ in ("aux", "auxpass") else doc[end - 1]
        return owner.get(verb.i, own) != own

    def _negated(self, doc: Doc, start: int, end: int, sent: Span) -> bool:
        """A negator just before the cue, after its auxiliary, or on a clause that governs it."""
        lo = max(sent.start, start - 4)
        if any(doc[k].lower_ in _NEGATORS for k in range(lo, start)):
            return True
        if end < sent.end and doc[end].lower_ in ("not", "n't", "n’t", "never") and doc[start].pos_ == "AUX":
            return True
        tok = doc[start]
        for _ in range(5):
            if any(c.dep_ == "neg" or (c.dep_ == "det" and c.lower_ == "no") for c in tok.children):
                return True
            own_subject = any(c.dep_ in ("nsubj", "nsubjpass") for c in tok.children)
            if (tok.dep_ in ("xcomp", "acl") or (tok.dep_ == "conj" and not own_subject)
                    or (tok.dep_ == "ccomp" and tok.head.lemma_ in _NEG_RAISERS)):
                tok = tok.head
                continue
            break
        return False

    def _threat_object(self, doc: Doc, start: int, end: int, sent: Span, combat: bool) -> str | None:
        """Does the cue act on a threat ("fight against terrorism", "allow extremists to cross"), or
        (``combat``: "fight with the monopoly") on anything bad — but not on an actor's act ("rejected
        new European Union sanctions" opposes the EU)?"""
        for i in range(start, end):
            tok = doc[i]
            if tok.pos_ in ("VERB", "ADP", "AUX") or tok.lower_ == "against":
                region = [t for t in (tok.subtree if tok.pos_ != "AUX" else tok.head.subtree) if t.i >= end]
                if any(t.ent_type_ in ("ORG", "GPE") and t.ent_kb_id_ and t.dep_ in ("compound", "poss", "amod", "nmod")
                       for t in region[:8]):
                    return None  # "European Union sanctions", "Azerbaijan's aggression": an actor's act
                for t in region:
                    if t.lower_ in self.threats or t.lemma_ in self.threats:
                        return "threat"
                    if combat and self.polarity.get(t.lower_, 0) < 0:
                        return "bad"
        window = doc[end : min(sent.end, end + 4)]
        return "threat" if any(t.lower_ in self.threats for t in window) else None

    def _generic_object(self, doc: Doc, start: int, end: int, sent: Span) -> bool:
        """Is the cue's object a quantified class of blocs ("enter any military bloc")?"""
        for tok in doc[start : min(sent.end, end + 4)]:
            if tok.lower_ in _GENERIC_DETS and tok.i >= start + 1:
                head = tok.head
                return self.anaphors.get(head.lower_) == "org" or head.lower_ in ("structure", "structures")
            if tok.is_punct:
                break
        return False

    # -- holder --------------------------------------------------------------------------------
    def _collective(self, tok: Token) -> bool:
        """A plural or anonymous human subject ("analysts", "the leaders of Russia, …")."""
        return tok.lower_ in self.collectives or (tok.tag_ == "NNS" and tok.lemma_ in self.collectives)

    def _subject_holder(self, doc: Doc, tok: Token, ent_at: dict[int, MentionAnn]) -> tuple[str | None, float, bool]:
        """The subject of the clause governing ``tok``: (person or state, confidence, stop searching)."""
        head = tok
        for _ in range(6):
            subjects = [c for c in head.children if c.dep_ in ("nsubj", "nsubjpass") and c.lower_ not in _EXPLETIVES]
            people = {ent_at[t.i].key for subj in subjects for t in subj.subtree
                      if t.i in ent_at and ent_at[t.i].key.startswith("person/")}
            if len(subjects) > 1 and len(people) > 1:
                return None, 0.0, True  # a misparsed coordination of two people: a joint act
            for subj in subjects:
                found = [ent_at[t.i] for t in subj.subtree if t.i in ent_at]
                persons = list(dict.fromkeys(m.key for m in found if m.key.startswith("person/")))
                actors = {m.key for m in found if m.key.startswith("person/") or self.lex.is_state(m.key)}
                if len(actors) > 1 and any(c.dep_ == "conj" for c in subj.subtree):
                    return None, 0.0, True  # "Zelenskiy and Putin agreed", "Armenia and Kyrgyzstan are …": joint
                if persons:
                    return persons[0], 1.0, True
                if self._collective(subj) and not self._embedded(head):
                    return None, 0.0, True
                head_m = ent_at.get(subj.i)
                state = None
                if head_m is not None:
                    state = head_m.key if self.lex.is_state(head_m.key) else self.capitals.get(head_m.key)
                if state:
                    # "X noted that Belarus is …": the person whose speech frames the state's position
                    upper = head.head
                    if upper is not head and head.dep_ in ("ccomp", "xcomp", "advcl", "conj"):
                        speaker, conf, _ = self._subject_holder(doc, upper, ent_at)
                        if speaker and speaker.startswith("person/"):
                            return speaker, conf, True
                    return state, 1.0, True
                if subj.lower_ in ("he", "she"):
                    who = recent_person(doc, subj.idx, subject_only=True) or recent_person(doc, subj.idx)
                    return who, 0.85, True
            if subjects and not self._embedded(head):
                return None, 0.0, False
            if head.head is head:
                break
            head = head.head
        return None, 0.0, False

    @staticmethod
    def _embedded(head: Token) -> bool:
        """Is this clause reported by a higher one ("X said that the member states would …")?"""
        return head.dep_ in ("ccomp", "xcomp", "advcl", "conj") and head.head is not head

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

    def _trailing_attribution(self, sent: Span, ent_at: dict[int, MentionAnn]) -> str | None:
        """ "<claim>, President X at the session …": a person named after the claim's last comma."""
        commas = [t.i for t in sent if t.text == ","]
        if not commas:
            return None
        for t in sent.doc[commas[-1] + 1 : sent.end]:
            m = ent_at.get(t.i)
            if m is not None and m.key.startswith("person/"):
                verbs = [v for v in sent.doc[commas[-1] + 1 : sent.end] if v.pos_ == "VERB"]
                return m.key if not verbs or verbs[0].lemma_ in self.lex.speech_lemmas else None
            if t.pos_ == "VERB":
                return None
        return None

    def _reported_holder(self, doc: Doc, sent: Span, ent_at: dict[int, MentionAnn],
                         cue_tokens: list[int]) -> tuple[str | None, float, bool]:
        """The holder of a sentence outside quotes and whether it was read from the sentence itself."""
        low = doc_lowers(doc)[sent.start : min(sent.end, sent.start + 6)]
        if "according" in low:
            k = sent.start + low.index("according")
            for t in doc[k : min(sent.end, k + 8)]:
                m = ent_at.get(t.i)
                if m and (m.key.startswith("person/") or self.lex.is_state(m.key)):
                    return m.key, 0.9, True
        if "words" in low and ("his" in low or "her" in low):
            who = recent_person(doc, sent.start_char, subject_only=True)
            if who:
                return who, 0.8, True
        stop = False
        for i in cue_tokens:
            holder, conf, stop = self._subject_holder(doc, doc[i], ent_at)
            if holder or stop:
                break
        else:
            holder, conf = None, 0.0
        if holder is None and not stop:
            holder, conf, stop = self._subject_holder(doc, sent.root, ent_at)
        if holder:
            return holder, conf, True
        if stop:
            return None, 0.0, True
        first = ent_at.get(sent.start)
        if first and first.key.startswith("person/") and not any(t.pos_ in ("VERB", "AUX") for t in sent):
            return first.key, 0.85, True  # a headline: "Lukashenko in favor of tighter cooperation"
        trailing = self._trailing_attribution(sent, ent_at)
        if trailing:
            return trailing, 0.8, True
        speaker = self._unparsed_subject(sent, ent_at)
        if speaker:
            return speaker, 0.8, True
        return self._statement_maker(doc, sent, ent_at), 0.85, False

    def _unparsed_subject(self, sent: Span, ent_at: dict[int, MentionAnn]) -> str | None:
        """A person name right before the main speech verb that the parser did not take as its subject."""
        root = sent.root
        if root.lemma_ not in self.lex.speech_lemmas or any(c.dep_ in ("nsubj", "nsubjpass") for c in root.children):
            return None
        m = ent_at.get(root.i - 1)
        return m.key if m is not None and m.key.startswith("person/") and m.subject else None

    # -- targets -------------------------------------------------------------------------------
    def _target_key(self, doc: Doc, m: MentionAnn) -> str | None:
        """The target a name stands for, or None when it cannot be one."""
        key = m.key
        if key in self.lex.media:
            return None
        if key in self.capitals:
            tok = doc[m.tok_end - 1]
            acting = tok.dep_ in ("nsubj", "nsubjpass", "poss") or (m.tok_end < len(doc) and
                                                                   doc[m.tok_end].lower_ in ("'s", "’s"))
            governed = tok.dep_ == "pobj" and tok.head.lower_ in ("with", "to", "against", "towards", "from")
            return self.capitals[key] if acting or governed else None
        info = self.lex.info(key)
        etype = info.type if info else {"organisation": "Organisation", "state": "State"}.get(key.split("/")[0])
        if etype == "State":
            return key
        if etype != "Organisation":
            return None
        if info and info.parent and self.lex.is_state(info.parent):
            return info.parent  # a national body stands for its state ("the Russian army")
        return key

    def _framed(self, doc: Doc, m: MentionAnn, sent: Span) -> bool:
        """A name that only frames a topic ("on Syria issue", "in what regards Syria", "Russia-led")."""
        after = doc[m.tok_end] if m.tok_end < sent.end else None
        if after is not None and after.lower_ in _FRAME_AFTER:
            return True
        if after is not None and after.text in ("-", "–") and m.tok_end + 1 < sent.end \
                and doc[m.tok_end + 1].lower_ in _COMPOUND_MODIFIERS:
            return True
        before = doc[m.tok_start - 1] if m.tok_start > sent.start else None
        if before is not None and before.lower_ in _FRAME_BEFORE and m.tok_end < sent.end \
                and doc[m.tok_end].lower_ in _FRAME_AFTER:
            return True
        if before is not None and before.lower_ in ("regards", "regarding", "concerning"):
            return True
        root = doc[m.tok_start : m.tok_end].root
        if root.dep_ == "pobj" and root.head.lower_ in ("against", "on", "from") and self.lex.is_state(m.key) and \
                (self.polarity.get(root.head.head.lower_, 0) < 0 or root.head.head.lemma_ in self.threats):
            return True  # the victim or source of something bad: "sanctions against Russia", "threats from Afghanistan"
        if root.dep_ == "pobj" and root.head.lower_ == "of" and root.head.head.lower_ in self.meeting_nouns:
            venue = root.head.head  # "told a meeting of the Security Council", "said at the session of X"
            speech = {"dobj": venue.head, "dative": venue.head, "pobj": venue.head.head}.get(venue.dep_)
            if speech is not None and (speech.lemma_ in self.lex.speech_lemmas or speech.lower_ in _SPEECH_EXTRA):
                return True
        if self.lex.is_state(m.key) and root.dep_ == "pobj" and root.head.lower_ == "in" \
                and root.head.head.pos_ == "NOUN":
            return True  # a place of something, not an actor: "the republics in eastern Ukraine"
        for anc in doc[m.tok_start].ancestors:  # "When commenting on the role of the CIS observers, …"
            if anc.i < sent.start:
                break
            if anc.lemma_ in _FRAME_VERBS and anc.tag_ in ("VBG", "VBN") and anc.dep_ in ("advcl", "pcomp"):
                return True
            if anc.dep_ in ("ROOT", "ccomp"):
                break
        return False

    def _candidates(self, doc: Doc, sent: Span, mentions: list[MentionAnn], exclude: set[str]) -> list[Candidate]:
        """Organisations and states named in the sentence that can be targets."""
        out: list[Candidate] = []
        for m in mentions:
            if m.start < sent.start_char or m.end > sent.end_char or m.kind == "nested":
                continue
            key = self._target_key(doc, m)
            if key is None or key in exclude or self._framed(doc, m, sent):
                continue
            root = doc[m.tok_start : m.tok_end].root
            subject = root.dep_ in ("nsubj", "nsubjpass")
            if not subject and self.lex.top(key) != key and not self.lex.is_state(key):
                key = self.lex.top(key) or key  # a body not in focus stands for its organisation
            if key in exclude:
                continue
            out.append(Candidate(key, m, root.i, subject))
        return out

    @staticmethod
    def _distance(a: Token, b: Token) -> int:
        """Number of dependency arcs between two tokens of one sentence."""
        up_a = [a, *a.ancestors]
        depth = {t.i: n for n, t in enumerate(up_a)}
        for n, t in enumerate([b, *b.ancestors]):
            if t.i in depth:
                return n + depth[t.i]
        return 1 << 10

    def _attach(self, doc: Doc, cue: Cue, cands: list[Candidate], limit: int = MAX_ATTACH) -> Candidate | None:
        """The candidate nearest to the cue in the dependency tree; an organisation beats a state that is
        at most one arc nearer ("if Armenia decides to join the Customs Union, … never hinder it")."""
        scored = []
        for c in cands:
            d = min(self._distance(doc[i], doc[c.root]) - SUBTREE_BONUS * doc[i].is_ancestor(doc[c.root])
                    for i in range(cue.start, cue.end))
            if d <= limit:
                state = self.lex.is_state(c.key)
                bonus = ORG_BONUS * (not state and c.mention.kind not in ("anaphor:thing", "anaphor:act"))
                scored.append((d - bonus, state, c.mention.start, c))
        if not scored:
            return None
        best = min(scored, key=lambda x: x[:3])[3]
        return self._joined(doc, best, cands) or best

    def _joined(self, doc: Doc, joiner: Candidate, cands: list[Candidate]) -> Candidate | None:
        """The organisation a state joins in its own clause ("if Armenia decides on participation in our
        organization"): the organisation is the target, the state only the joiner."""
        if not self.lex.is_state(joiner.key) or doc[joiner.root].dep_ not in ("nsubj", "nsubjpass"):
            return None
        clause = doc[joiner.root].head
        words = {t.lemma_ for t in clause.subtree}
        if not words & _JOINING:
            return None
        inside = {t.i for t in clause.subtree}
        return next((c for c in cands if c.root in inside and not self.lex.is_state(c.key)), None)

    def _coordinated(self, doc: Doc, cands: list[Candidate], first: str) -> list[str]:
        """The first target plus targets listed with it ("the UN, the OSCE, and NATO")."""
        ordered = sorted((c for c in cands if not c.mention.kind.startswith("anaphor")), key=lambda c: c.mention.start)
        out = [first]
        for a, b in itertools.pairwise(ordered):
            between = doc_text(doc)[a.mention.end : b.mention.start].lower().replace("as well as", ",")
            if re.fullmatch(r"[\s,]*(?:(?:and|or|the)\s*)*", between) and (a.key in out or b.key in out):
                for k in (a.key, b.key):
                    if k not in out:
                        out.append(k)
        return out[:MAX_TARGETS]

    def _anaphors(self, doc: Doc, sent: Span, mentions: list[MentionAnn], exclude: set[str], focus: str | None,
                  ctx: _Context, para: int) -> list[Candidate]:
        """Candidates from phrases that refer back ("the organization", "the ally", "the decision",
        "the rapid reaction forces" after "the Collective Rapid Reaction Forces")."""
        out: list[Candidate] = []
        named = self._named_tokens(mentions, sent)
        lowers = doc_lowers(doc)
        for i in range(sent.start, sent.end):
            kind = self.anaphors.get(lowers[i])
            if kind is None or i in named:
                continue
            t = doc[i]
            if t.pos_ not in ("NOUN", "PROPN"):
                continue
            dets = {c.lower_ for c in t.children if c.dep_ in ("det", "poss")}
            if kind != "member" and not dets & _ANAPHOR_DETS and not (t.i > 0 and doc[t.i - 1].lower_ in _ANAPHOR_DETS):
                continue
            nxt = doc[t.i + 1].lower_ if t.i + 1 < len(doc) else ""
            after = next((k for k in range(t.i + 2, min(len(doc), t.i + 4)) if k in named), None)
            if kind in ("org", "member") and (nxt == "of" or (nxt in ("with", "in") and after is not None)):
                continue  # "the union of Belarus and Russia", "the organization of elections", "membership in the CSTO"
            key = self._resolve_anaphor(doc, t, kind, mentions, exclude, focus, ctx, para)
            if key and key not in exclude:
                out.append(Candidate(key, MentionAnn(t.idx, t.idx + len(t), t.i, t.i + 1, key, f"anaphor:{kind}"), t.i,
                                     t.dep_ in ("nsubj", "nsubjpass")))
        out += self._repeated_names(doc, sent, mentions, exclude)
        return out

    def _resolve_anaphor(self, doc: Doc, t: Token, kind: str, mentions: list[MentionAnn], exclude: set[str],
                         focus: str | None, ctx: _Context, para: int) -> str | None:
        """The key an anaphor of the given kind refers to ("our Belarusian partners": the adjective's state)."""
        for c in t.children:
            state = self.lex.state_of_adjective(c.text) if c.dep_ in ("amod", "compound") else None
            if state:
                return state
        if kind in ("org", "member"):
            return self._recent_org(doc, t, mentions) or focus
        if kind in ("state", "act"):
            # "the ally": the latest state named; "the decision": a state that just acted (a clause subject
            # in this or the previous sentence)
            floor = doc[t.sent.start - 1].sent.start_char if kind == "act" and t.sent.start > 0 else -1
            best = None
            for m in mentions:
                if m.start >= t.idx:
                    break
                key = self._target_key(doc, m)
                if key is None or not self.lex.is_state(key) or key in exclude:
                    continue
                if kind == "state" or (m.start >= floor and doc[m.tok_end - 1].dep_ in ("nsubj", "nsubjpass")):
                    best = key
            if best:
                return best
            if kind == "state":
                return None
        # "the issue", "the deal": the latest target of the discourse, organisations first
        for cand in (ctx.targets.get(para), ctx.last_org, ctx.last_target, focus):
            if cand and cand not in exclude:
                return cand
        return None

    def _recent_org(self, doc: Doc, t: Token, mentions: list[MentionAnn]) -> str | None:
        """The organisation named last in the two sentences before ``t``'s ("…joining the Customs Union. If
        Armenia decides on participation in our organization …")."""
        sent = t.sent
        first = sent
        for _ in range(2):
            if first.start == 0:
                break
            first = doc[first.start - 1].sent
        best = None
        for m in mentions:
            if m.start >= sent.start_char:
                break
            if m.start < first.start_char or m.kind == "nested" or m.key in self.lex.media:
                continue
            info = self.lex.info(m.key)
            org = (info and info.type == "Organisation") or m.key.startswith("organisation/")
            if org and not (info and info.parent and self.lex.is_state(info.parent)):
                best = self.lex.top(m.key) or m.key
        return best

    @staticmethod
    def _named_tokens(mentions: list[MentionAnn], sent: Span) -> set[int]:
        """Tokens of the sentence inside a name (remembered per sentence: asked twice per unit)."""
        cache = sent.doc.user_data.setdefault("kg_named", {})
        named = cache.get((sent.start, sent.end))
        if named is None:
            named = cache[sent.start, sent.end] = {i for m in mentions if sent.start_char <= m.start < sent.end_char
                                                   for i in range(m.tok_start, m.tok_end)}
        return named

    def _repeated_names(self, doc: Doc, sent: Span, mentions: list[MentionAnn], exclude: set[str]) -> list[Candidate]:
        """A lower-case repetition of the last words of an organisation named before ("the rapid reaction
        forces" after "the Collective Rapid Reaction Forces")."""
        out: list[Candidate] = []
        named = self._named_tokens(mentions, sent)
        words = doc_lowers(doc)[sent.start : sent.end]
        present = set(words)
        for m, tail in self._name_tails(doc, mentions):
            if m.start >= sent.start_char:
                break
            if tail[-1] not in present:
                continue
            for k in range(len(words) - len(tail) + 1):
                i = sent.start + k
                if words[k : k + len(tail)] == tail and i not in named and doc[i].is_lower:
                    key = self._target_key(doc, m)
                    if key and key not in exclude:
                        phrase = doc[i : i + len(tail)]
                        subject = phrase.root.dep_ in ("nsubj", "nsubjpass")
                        key = key if subject else self.lex.top(key) or key
                        ann = MentionAnn(phrase.start_char, phrase.end_char, i, i + len(tail), key, "anaphor:org")
                        out.append(Candidate(key, ann, phrase.root.i, subject))
        return out

    def _name_tails(self, doc: Doc, mentions: list[MentionAnn]) -> list[tuple[MentionAnn, list[str]]]:
        """(mention, last two or three lower-case words) of the organisations named in the doc, in order."""
        cached = doc.user_data.get("kg_tails")
        if cached is None:
            cached = []
            for m in mentions:
                info = self.lex.info(m.key)
                if not info or info.type != "Organisation" or m.key in self.lex.media or m.tok_end - m.tok_start < 2:
                    continue
                tail = [t.lower_ for t in doc[max(m.tok_start, m.tok_end - 3) : m.tok_end]]
                if tail[0] not in ("of", "the"):
                    cached.append((m, tail))
            doc.user_data["kg_tails"] = cached
        return cached

    def _discourse_target(self, doc: Doc, sent: Span, mentions: list[MentionAnn], exclude: set[str],
                          focus: str | None, ctx: _Context, para: int, holder: str, quoted: bool) -> str | None:
        """A target for a sentence that names none and has no anaphor."""
        if self._reciprocal(sent):  # "bilateral relations", "we have heard each other": the interlocutor's state
            other = self._other_party(doc, holder, sent.start_char, exclude)
            if other:
                return other
        if para in ctx.targets and ctx.targets[para] not in exclude:
            return ctx.targets[para]
        text = doc_text(doc)
        para_start = text.rfind("\n", 0, sent.start_char) + 1
        before = [m for m in mentions if para_start <= m.start < sent.start_char and m.kind != "nested"]
        for m in reversed(before):
            key = self._target_key(doc, m)
            if key and key not in exclude:
                return key if self.lex.is_state(key) else self.lex.top(key) or key
        if quoted and ctx.last_target and ctx.last_target_holder == holder and para - ctx.last_target_para <= 2 \
                and ctx.last_target not in exclude:
            return ctx.last_target  # the speech goes on about the same target
        if quoted and focus and focus not in exclude:
            return focus
        return None

    def _reciprocal(self, sent: Span) -> bool:
        """Does the sentence speak of both sides ("bilateral", "each other", "joint work")?"""
        words = [t.lower_ for t in sent]
        return any(self.anaphors.get(w) == "other" for w in words) or any(
            a == "each" and b == "other" for a, b in itertools.pairwise(words))

    def _other_party(self, doc: Doc, holder: str, before: int, exclude: set[str]) -> str | None:
        """The state of the latest other person mentioned (the holder's interlocutor)."""
        day = published(doc)
        for m in reversed(doc._.kg_mentions or []):
            if m.start >= before or not m.key.startswith("person/") or m.key == holder:
                continue
            state = self.on_behalf_of(doc, m.key, day)
            if state and state not in exclude:
                return state
        return None

    # -- topics --------------------------------------------------------------------------------
    def _keyword_hits(self, sent: Span) -> list[tuple[int, int, str, bool]]:
        """(start, end, topic, specific) of the topic keywords in a sentence (longest first, no overlaps).
        "join" is enlargement only when one joins an actor ("join the CSTO", "see Belarus join"), not "the fight"."""
        cache = sent.doc.user_data.setdefault("kg_keywords", {})
        if sent.start in cache:
            return cache[sent.start]
        lowers, lemmas = doc_lowers(sent.doc), doc_lemmas(sent.doc)
        toks = [lowers[i] if lemmas[i] not in _JOIN_LEMMAS or not self._idiomatic_join(sent.doc[i]) else ""
                for i in range(sent.start, sent.end)]
        hits: list[tuple[int, int, str, bool]] = []
        used: set[int] = set()
        for k, word in enumerate(toks):
            for words, tid, specific in self.by_first.get(word, ()):
                n = len(words)
                if toks[k : k + n] == words and not used & set(range(k, k + n)):
                    hits.append((sent.start + k, sent.start + k + n, tid, specific))
                    used.update(range(k, k + n))
                    break
        cache[sent.start] = hits
        return hits

    def _themes(self, doc: Doc, starts: list[int]) -> tuple[dict[int, list[str]], str | None]:
        """Specific topics named in each paragraph and the article's dominant one (twice, and most hits)."""
        by_para: dict[int, list[str]] = {}
        counts: dict[str, int] = {}
        for sent in doc.sents:
            para = bisect_right(starts, sent.start_char)
            for _s, _e, tid, specific in self._keyword_hits(sent):
                if specific:
                    by_para.setdefault(para, []).append(tid)
                    counts[tid] = counts.get(tid, 0) + 1
        best = max(counts, key=lambda t: counts[t]) if counts else None
        dominant = best is not None and counts[best] >= 2 and 2 * counts[best] > sum(counts.values())
        return by_para, best if dominant else None

    @staticmethod
    def _idiomatic_join(tok: Token) -> bool:
        """ "join the fight", "join efforts": a verb of joining whose object is no actor."""
        if tok.lemma_ not in _JOIN_LEMMAS:
            return False
        obj = next((c for c in tok.children if c.dep_ == "dobj"), None)
        return obj is not None and obj.pos_ == "NOUN" and obj.ent_type_ == "" and obj.lower_ not in ("us", "them")

    def _topic(self, doc: Doc, sent: Span, target: Candidate | str | None, cues: list[Cue], default: str,
               theme: str | None = None) -> str:
        """A specific keyword near the cue or in the target's name; else the target's topic (an
        organisation's, or bilateral relations when the sentence says so); else the paragraph's or
        article's theme; else a general keyword; else the article's organisation's topic."""
        key = target.key if isinstance(target, Candidate) else target
        anchors = [doc[i] for c in cues for i in range(c.start, c.end)]
        inside: set[int] = set()
        if isinstance(target, Candidate):
            anchors.append(doc[target.root])
            inside = set(range(target.mention.tok_start, target.mention.tok_end))
        near: list[tuple[float, str, bool]] = []
        for start, end, tid, specific in self._keyword_hits(sent):
            in_name = bool(inside & set(range(start, end)))
            if in_name and not specific:
                continue
            d = 0 if in_name else min((self._distance(doc[start], a) for a in anchors), default=0)
            near.append((d, tid, specific))
        specific = sorted((d, FUNCTIONAL.index(t), t) for d, t, s in near if s and d <= MAX_KEYWORD_DISTANCE)
        if specific:
            named = {t for _d, _n, t in specific}
            narrow = [t for _d, _n, t in specific if not any(t in self._broader(o) for o in named)]
            return narrow[0]  # the most specific concept: "air defense" within "defense ministries"
        general = sorted((d, t) for d, t, s in near if not s and d <= MAX_KEYWORD_DISTANCE)
        top = self.lex.top(key) if key else None
        if top in TARGET_TOPICS:
            return TARGET_TOPICS[top]
        state = bool(key and self.lex.is_state(key))
        if state and any(t == "bilateral-relations" for _d, t, _s in near):
            return "bilateral-relations"
        if theme:
            return theme
        if general:
            return general[0][1]
        return default if not state or default != "regional-security" else "bilateral-relations"

    def _broader(self, topic: str) -> set[str]:
        """All broader concepts of a topic in the SKOS scheme."""
        out: set[str] = set()
        todo = list(self.topics[topic].broader) if topic in self.topics else []
        while todo:
            t = todo.pop()
            if t not in out:
                out.add(t)
                todo.extend(self.topics[t].broader if t in self.topics else ())
        return out

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

    # -- stance --------------------------------------------------------------------------------
    @staticmethod
    def _stance(cues: list[Cue], contrast: bool) -> Cue:
        """The cue that decides the stance (its stance replaced by "mixed" when the cues conflict)."""
        best = max(cues, key=lambda c: c.confidence)
        stances = {c.stance for c in cues}
        if "mixed" in stances:
            return next(c for c in cues if c.stance == "mixed")
        if stances >= {"support", "oppose"}:
            top = {st: max(c.confidence for c in cues if c.stance == st) for st in ("support", "oppose")}
            if contrast or abs(top["support"] - top["oppose"]) < 0.1:
                return Cue(best.start, best.end, "mixed", best.confidence, best.text)
            side = "support" if top["support"] > top["oppose"] else "oppose"
            return max((c for c in cues if c.stance == side), key=lambda c: c.confidence)
        return best

    # -- sentences -----------------------------------------------------------------------------
    @staticmethod
    def _headlines(doc: Doc) -> set[int]:
        """Start tokens of title lines: whole lines without final punctuation before the story."""
        out = set()
        text = doc_text(doc)
        for sent in doc.sents:
            body = text[sent.start_char : sent.end_char].strip()
            if not body:
                continue
            if body[-1] in ".!?”\"":
                break
            s, e = sent.start_char, sent.end_char
            if (s == 0 or text[s - 1] == "\n") and (e >= len(text) or "\n" in text[e - 1 : e + 1]):
                out.add(sent.start)
        return out

    def _units(self, doc: Doc, quotes: list[QuoteAnn]) -> list[tuple[Span, Span]]:
        """(cue sentence, evidence span) pairs: an elliptical sentence ("I doubt it") joins the one it completes."""
        text = doc_text(doc)
        sents = [s for s in doc.sents if text[s.start_char : s.end_char].strip()]
        spans = [(q.start, q.end) for q in quotes]
        units: list[tuple[Span, Span]] = []
        for n, sent in enumerate(sents):
            words = [t for t in sent if not t.is_punct and not t.is_space]
            inside = [(a, b) for a, b in spans if a < sent.end_char and sent.start_char < b]
            quoted = [t for t in words if any(a <= t.idx < b for a, b in inside)] if inside else []
            words = quoted or words  # "I doubt it," Lukashenko said: the words of the quotation
            prev = sents[n - 1] if n else None
            elliptic = (prev is not None and 0 < len(words) <= MAX_SHORT and words[-1].lower_ in ("it", "so", "that")
                        and "\n" not in text[prev.end_char - 1 : sent.start_char])
            if elliptic and units and units[-1][0] is prev:
                units[-1] = (sent, doc[prev.start : sent.end])
                continue
            units.append((sent, sent))
        return units

    # -- component ---------------------------------------------------------------------------
    def __call__(self, doc: Doc) -> Doc:
        day = published(doc)
        doc.user_data["kg_named"] = {}  # _named_tokens of this run
        mentions = [m for m in doc._.kg_mentions or [] if m.kind in ("name", "descriptor", "nested")]
        ent_at = {i: m for m in mentions if m.kind != "nested" for i in range(m.tok_start, m.tok_end)}
        quotes: list[QuoteAnn] = doc._.kg_quotes or []
        meetings = doc._.kg_meetings or []
        main_body = self.lex.top(meetings[0].body) if meetings and meetings[0].body else None
        focus = self._focus(mentions) or main_body
        default_topic = TARGET_TOPICS.get(focus or "", "regional-security")
        when = meetings[0].date if meetings and meetings[0].precision == "day" else (day.isoformat() if day else None)
        sent_starts = [s.start for s in doc.sents]
        cue_hits: dict[int, list[tuple[int, int, dict]]] = {}
        for cid, start, end in self.matcher(doc):
            first = sent_starts[bisect_right(sent_starts, start) - 1]
            cue_hits.setdefault(first, []).append((start, end, self.cues[cid]))
        headlines = self._headlines(doc)
        positions: list[PositionAnn] = []
        ctx = _Context()
        text = doc_text(doc)
        starts = paragraph_starts(text)
        para_themes, doc_theme = self._themes(doc, starts)
        last_stance: dict[str, str] = {}
        for n, (cue_sent, unit) in enumerate(self._units(doc, quotes)):
            para = bisect_right(starts, unit.start_char)
            qi = next((k for k, q in enumerate(quotes) if q.start < cue_sent.end_char and cue_sent.start_char < q.end),
                      None)
            cues = self._sentence_cues(doc, cue_sent, cue_hits.get(cue_sent.start, []))
            if not cues:
                subject_toks = {t.i for c in cue_sent.root.children if c.dep_ in ("nsubj", "nsubjpass")
                                for t in c.subtree}
                cues = self._polar_cues(cue_sent, subject_toks)
            holder, hconf = self._holder(doc, cue_sent, qi, quotes, ent_at, cues, ctx, para, n)
            if holder is None:
                continue
            cues = self._holders_cues(doc, cue_sent, cues, holder, qi is not None)
            if not cues:
                continue
            if cue_sent.start in headlines and any(t.pos_ in ("VERB", "AUX") for t in cue_sent):
                continue  # a headline that reports an act repeats the story's lede
            ctx.holder, ctx.holder_para, ctx.holder_sent = holder, para, n
            for cue in cues:
                if cue.stance == "same":  # "The same applies to …"
                    cue.stance = last_stance.get(holder, "support")
            behalf = self.on_behalf_of(doc, holder, day)
            exclude = {holder, behalf} - {None}
            cands = self._candidates(doc, unit, mentions, exclude)
            cands += self._anaphors(doc, unit, mentions, exclude, focus, ctx, para)
            groups, anchors = self._group(doc, cues, cands)
            if not groups:
                target = self._discourse_target(doc, unit, mentions, exclude, focus, ctx, para, holder, qi is not None)
                groups = {target: list(cues)}
            contrast = not _CONTRAST.isdisjoint(doc_lowers(doc)[unit.start : unit.end])
            tconf = 1.0 if anchors else 0.7
            for key, group in groups.items():
                if key not in anchors:  # "against vain chatter": no target in the sentence, the stance is on the object
                    group = [Cue(c.start, c.end, "oppose", c.confidence, c.text) if c.inverted else c for c in group]
                decisive = self._stance(group, contrast)
                targets = self._coordinated(doc, cands, key) if key is not None else [None]
                for target in targets:
                    anchor = anchors.get(target) or target
                    named = para_themes.get(para, [])
                    theme = max(named, key=named.count) if named else doc_theme
                    topic = self._topic(doc, unit, anchor, group, default_topic, theme)
                    if target is None and any(c.generic for c in group):
                        topic = "foreign-relations"  # "will not enter any military bloc": non-alignment
                    conf = round(min(1.0, decisive.confidence * hconf * tconf), 3)
                    positions.append(PositionAnn(holder, behalf, target, topic, decisive.stance, unit.start_char,
                                                 unit.end_char, decisive.text, conf, qi, when))
                last_stance[holder] = decisive.stance
                if key is not None:
                    ctx.targets[para] = key
                    ctx.last_target, ctx.last_target_para, ctx.last_target_holder = key, para, holder
                    if not self.lex.is_state(key):
                        ctx.last_org = key
        doc._.kg_positions = positions
        return doc

    def _holder(self, doc: Doc, sent: Span, qi: int | None, quotes: list[QuoteAnn], ent_at: dict[int, MentionAnn],
                cues: list[Cue], ctx: _Context, para: int, n: int) -> tuple[str | None, float]:
        """The holder of a sentence and its confidence; updates the speech context."""
        explicit = False
        if qi is not None:
            holder = quotes[qi].speaker
            hconf = 0.95 if quotes[qi].how.startswith(("after", "before")) else 0.8
            explicit = holder is not None
            if holder is None and quotes[qi].how.endswith("anonymous"):
                holder, hconf = self._anonymous_state(doc, sent, ent_at), 0.6
        else:
            cue_tokens = [c.start for c in cues] or [sent.root.i]
            holder, hconf, explicit = self._reported_holder(doc, sent, ent_at, cue_tokens)
            if holder is None and not explicit:
                holder, hconf = self._free_indirect(ctx, para, n, cues), 0.7
        if explicit and holder and holder.startswith("person/"):
            ctx.holder, ctx.holder_para, ctx.holder_sent = holder, para, n
        elif explicit and holder is None:
            ctx.holder = None
        return holder, hconf

    def _holders_cues(self, doc: Doc, sent: Span, cues: list[Cue], holder: str, quoted: bool) -> list[Cue]:
        """The cues that state the holder's own position."""
        out = []
        state = self.lex.is_state(holder)
        for cue in cues:
            if state and not quoted and (not cue.pattern or cue.deed):
                continue  # a state's deed ("Belarus contributed to enhancing …", "offered tuition") is no statement
            if quoted and cue.agentive and self._third_party(doc[cue.start]):
                continue  # "They are even ready to finance …": someone else's will, reported by the speaker
            out.append(cue)
        return out

    @staticmethod
    def _third_party(tok: Token) -> bool:
        """Is the subject of the cue's clause a third person ("they", "he")?"""
        for _ in range(4):
            subj = next((c for c in tok.children if c.dep_ in ("nsubj", "nsubjpass")), None)
            if subj is not None:
                return subj.lower_ in ("they", "he", "she", "everyone", "someone")
            if tok.head is tok:
                return False
            tok = tok.head
        return False

    def _group(self, doc: Doc, cues: list[Cue], cands: list[Candidate]) -> tuple[dict[str | None, list[Cue]],
                                                                                 dict[str | None, Candidate]]:
        """Cues grouped by the target each attaches to; cues near no name join every group."""
        groups: dict[str | None, list[Cue]] = {}
        anchors: dict[str | None, Candidate] = {}
        loose: list[Cue] = []
        for cue in cues:
            if cue.generic:
                groups.setdefault(None, []).append(cue)
                continue
            if cue.stance == "mixed" and any(c.stance != "mixed" for c in cues):
                loose.append(cue)  # "… in those spheres which are compatible with X": qualifies the claim
                continue
            cand = self._attach(doc, cue, cands)
            if cand is None:
                loose.append(cue)
            else:
                groups.setdefault(cand.key, []).append(cue)
                anchors.setdefault(cand.key, cand)
        if loose and not anchors and cands:  # far from every name: the sentence's best name
            cand = self._attach(doc, loose[0], cands, limit=1 << 10)
            if cand is not None:
                groups.setdefault(cand.key, []).extend(loose)
                anchors[cand.key] = cand
                loose = []
        for key in anchors:
            groups[key].extend(c for c in loose if c not in groups[key])
        if loose and not groups:
            return {}, {}
        return groups, anchors

    def _anonymous_state(self, doc: Doc, sent: Span, ent_at: dict[int, MentionAnn]) -> str | None:
        """An anonymous source's quotation voices the state it speaks of ("Uzbekistan has always …")."""
        for t in sent:
            m = ent_at.get(t.i)
            if m is not None and self.lex.is_state(m.key) and t.dep_ in ("nsubj", "nsubjpass"):
                return m.key
        return None

    @staticmethod
    def _free_indirect(ctx: _Context, para: int, n: int, cues: list[Cue]) -> str | None:
        """Free indirect speech: the holder of the previous sentence (a deontic cue also after a paragraph break)."""
        if ctx.holder is None or n - ctx.holder_sent > 2:
            return None
        if ctx.holder_para == para:
            return ctx.holder
        if ctx.holder_para == para - 1 and any(c.deontic for c in cues):
            return ctx.holder
        return None

    def _focus(self, mentions: list[MentionAnn]) -> str | None:
        """The organisation the article is most about (most mentions, top-level, no national bodies)."""
        counts: dict[str, int] = {}
        for m in mentions:
            info = self.lex.info(m.key)
            if ((info and info.type == "Organisation") or m.key.startswith("organisation/")) \
                    and m.key not in self.lex.media and not (info and info.parent and self.lex.is_state(info.parent)):
                top = self.lex.top(m.key) or m.key
                counts[top] = counts.get(top, 0) + 1
        return max(counts, key=lambda k: counts[k]) if counts else None


def paragraph_starts(text: str) -> list[int]:
    """Character offsets where the non-empty lines (paragraphs) of a text start."""
    out, pos = [], 0
    for line in text.split("\n"):
        if line.strip():
            out.append(pos)
        pos += len(line) + 1
    return out


@Language.factory("kg_positions_v1", requires=["doc._.kg_quotes", "doc._.kg_mentions"], assigns=["doc._.kg_positions"])
def make_positions(nlp: Language, name: str) -> PositionFinder:
    """Factory: positions from stance cues."""
    return PositionFinder(nlp, name)
