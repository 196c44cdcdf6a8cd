"""Meetings the article reports: kind, date, place, convening body, participants, sub-meetings.

A meeting mention is a meeting noun ("session", "summit", "meeting", "talks", "reception"…), the
verb "meet (with)", "receive" with a person as object (a reception), or leaders gathering
("The leaders of Russia, Belarus and Kazakhstan signed …", "Leaders of the SCO gathered …": a
summit). "Press/news conference" and "briefing" are no meetings. Mentions of other events — past
("five years ago", "reminded that during the session"), future ("will take place", "due in
May") or dated far from publication — are not reported meetings and are skipped; only words of
the mention's own clause count ("the planned withdrawal" does not make a summit planned, "last
Friday" is a date).

The first reported session or summit is the main meeting; other mentions are the same meeting
unless they name another body, or a person met "on the sidelines"/"also met with"/"held separate
talks with" a person while the main meeting is a session or summit: that is a bilateral
sub-meeting with ``parent`` = the main meeting. Without a session, mentions that agree on date,
place and company are one meeting ("talks with Putin" and "Lukashenka and Putin met last Friday
in Sochi for talks"); a meeting with a group ("a meeting with senior officials in Minsk on
February 10") is another.

Body: an organisation after "session of (the)" or before the noun ("CSTO Collective Security
Council session"), the article's organisation for "a summit of a Russia-led security alliance",
or "leaders of X". "A meeting of <a body>" is a session. Place: "in <place>" ("in the Black Sea
resort of Sochi" → Sochi), a place before the noun ("the Moscow summit") or the dateline; an
online meeting ("held via videoconference") has none. Date: a date in the mention's sentence,
else the lede's, else the dateline's, else the publication date.
"""

from __future__ import annotations

from datetime import date

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from kg.nlp.coref import recent_person
from kg.nlp.extensions import DateAnn, MeetingAnn, MentionAnn, doc_lemmas, doc_lowers, published
from kg.nlp.resources import Lexicon, lexicon

_NOT_NOW = {  # in the mention's clause
    "will", "shall", "due", "scheduled", "planned", "plans", "plan", "ago", "remind", "reminded", "recall", "recalled",
    "recalling", "would", "intends", "expected", "organized", "organised", "preparation", "preparations",
    "prepare", "initiative", "proposal", "idea", "intention", "hope", "hoped", "hopes", "want", "seek",
}
_NOT_NOW_MODIFIERS = {  # only as modifiers of the meeting noun ("the next summit", not "next to Putin")
    "upcoming", "next", "forthcoming", "previous", "latest", "last", "earlier", "former", "future",
}
_SIDELINES = {"sidelines", "margins", "also", "separately", "bilateral", "separate"}
_NOT_MEETINGS = {"press", "news", "video"}  # "press conference", "news conference"
_ONLINE = {"videoconference", "video-conference", "online", "teleconference", "virtually"}
_HUMANS = {"delegation", "participant", "official", "minister", "leader", "head", "member", "representative",
           "journalist", "reporter", "student", "veteran", "people", "public", "team", "staff", "group", "governor"}
_LEADERS = {"leaders", "presidents", "heads", "ministers"}
_GATHER = {"gather", "meet", "sign", "agree", "convene", "assemble"}
_TRIGGER_LEMMAS = _GATHER | {"meet", "receive"}  # verbs _trigger looks at
_NOT_VENUES = {"crisis", "conflict", "war", "situation", "elections", "campaign", "interest", "troops"}
_VENUE_NOUNS = {"resort", "city", "town", "capital", "village", "region", "port"}
_ORG_WORDS = {"alliance", "bloc", "organization", "organisation", "union", "grouping", "association", "body"}
MAX_DAYS_APART = 7


def _date_covers(ann: DateAnn, day: date) -> bool:
    """Does a (possibly coarse) date cover ``day`` within a week?"""
    if ann.precision == "day":
        return abs((date.fromisoformat(ann.value) - day).days) <= MAX_DAYS_APART
    if ann.precision == "month":
        return ann.value == day.isoformat()[:7]
    return ann.value == str(day.year)


_SESSION, _MEET_PERSON, _MEET_GROUP, _OTHER = "session", "meet-person", "meet-group", "other"


def _absorb(into: MeetingAnn, m: MeetingAnn) -> None:
    """Merge a coreferent mention's attributes into a meeting."""
    into.body = into.body or m.body
    into.place = into.place or m.place
    if into.date is None:
        into.date, into.precision = m.date, m.precision
    for p in m.participants:
        if p not in into.participants:
            into.participants.append(p)


class MeetingFinder:
    """Finds the meetings an article reports."""

    def __init__(self, name: str, lex: Lexicon | None = None) -> None:
        self.name = name
        self.lex = lex or lexicon()
        self.words = self.lex.meeting_words
        self.human_nouns = {w for w, (kind, _) in self.lex.titles.items() if kind == "head"} | _HUMANS

    def _is_place(self, key: str) -> bool:
        info = self.lex.info(key)
        return bool(info and info.type in ("Place", "State")) or key.startswith("place/")

    def _is_org(self, key: str) -> bool:
        info = self.lex.info(key)
        return (bool(info and info.type == "Organisation") or key.startswith("organisation/")) \
            and key not in self.lex.media

    def _trigger(self, tok: Token, ent_at: dict[int, MentionAnn]) -> str | None:
        """The kind of meeting a token announces, or None."""
        low = tok.lower_
        if tok.pos_ == "VERB":
            if tok.lemma_ in _GATHER and self._leaders_subject(tok):
                subj = next((c for c in tok.children if c.dep_ == "nsubj"), None)
                return "session" if subj is not None and subj.lower_ == "ministers" else "summit"
            if tok.lemma_ == "meet" and self._met_someone(tok, ent_at):
                return "meeting"
            if tok.lemma_ == "receive" and self._person_object(tok, ent_at):
                return "reception"
            return None
        if low not in self.words or tok.pos_ not in ("NOUN", "PROPN"):
            return None
        if tok.i > 0 and tok.doc[tok.i - 1].lower_ in _NOT_MEETINGS:
            return None
        if tok.dep_ == "pobj" and tok.head.lower_ == "for" and tok.head.head.pos_ == "NOUN":
            return None  # "the only format for negotiations", "preparations for the summit": no event
        return self.words[low]

    def _met_someone(self, tok: Token, ent_at: dict[int, MentionAnn]) -> bool:
        """ "met (with) X", "X and Y met" — not "did not meet the standards"."""
        if any(c.dep_ == "neg" for c in tok.children):
            return False
        obj = next((c for c in tok.children if c.dep_ == "dobj"), None)
        if obj is None:
            return True
        return any(t.i in ent_at for t in obj.subtree) or obj.lemma_ in self.human_nouns

    @staticmethod
    def _person_object(tok: Token, ent_at: dict[int, MentionAnn]) -> bool:
        obj = next((c for c in tok.children if c.dep_ == "dobj"), None)
        return obj is not None and any(t.i in ent_at and ent_at[t.i].key.startswith("person/") for t in obj.subtree)

    @staticmethod
    def _leaders_subject(tok: Token) -> bool:
        """ "The leaders of Russia, … signed", "Leaders of the SCO gathered": heads of state meeting."""
        while tok.dep_ == "conj" and tok.head is not tok:
            tok = tok.head
        subj = next((c for c in tok.children if c.dep_ == "nsubj"), None)
        if subj is None or subj.lower_ not in _LEADERS:
            return False  # "the leaders agreed" refers back to people already named
        return any(c.dep_ in ("compound", "amod") or (c.dep_ == "prep" and c.lower_ == "of") for c in subj.children)

    def __call__(self, doc: Doc) -> Doc:
        day = published(doc)
        mentions: list[MentionAnn] = doc._.kg_mentions or []
        quotes = [(q.start, q.end) for q in doc._.kg_quotes or []]
        dates: list[DateAnn] = doc._.kg_dates or []
        ent_at = {i: m for m in mentions if m.kind != "nested" for i in range(m.tok_start, m.tok_end)}
        focus = self._focus(mentions)
        found: list[MeetingAnn] = []
        lowers, lemmas = doc_lowers(doc), doc_lemmas(doc)
        for i, (low, lemma) in enumerate(zip(lowers, lemmas, strict=True)):
            if low not in self.words and lemma not in _TRIGGER_LEMMAS:
                continue  # no trigger (see _trigger): most tokens, without building them
            tok = doc[i]
            kind = self._trigger(tok, ent_at)
            if kind is None:
                continue
            if any(s <= tok.idx < e for s, e in quotes):
                continue
            sent = tok.sent
            if not self._reported(doc, tok, sent, dates, day):
                continue
            m = MeetingAnn(kind, sent.start_char, sent.end_char)
            self._attributes(doc, tok, sent, ent_at, dates, m, focus)
            found.append(m)
        doc._.kg_meetings = self._merge(doc, found, day)
        return doc

    def _focus(self, mentions: list[MentionAnn]) -> str | None:
        """The organisation the article names most (top level, no national bodies)."""
        counts: dict[str, int] = {}
        for m in mentions:
            info = self.lex.info(m.key)
            if self._is_org(m.key) and not (info and info.parent and self.lex.is_state(info.parent)):
                top = self.lex.top(m.key) or m.key
                counts[top] = counts.get(top, 0) + 1
        return max(counts, key=lambda k: counts[k]) if counts else None

    @staticmethod
    def _own_tokens(tok: Token) -> list[Token]:
        """Tokens of the mention's own clause: its phrase, its heads and the clause head's children."""
        toks: list[Token] = list(tok.subtree) if tok.pos_ != "VERB" else [tok, *tok.children]
        toks += list(tok.ancestors)
        clause = tok if tok.pos_ in ("VERB", "AUX") else next((a for a in tok.ancestors if a.pos_ in ("VERB", "AUX")),
                                                              None)
        if clause is not None:
            toks += list(clause.children)
        return toks

    def _own_words(self, tok: Token, dates: list[DateAnn]) -> set[str]:
        """Words (and lemmas) of the mention's own clause, without dates and other nouns' modifiers."""
        out: set[str] = set()
        for t in self._own_tokens(tok):
            if any(d.start <= t.idx < d.end for d in dates):
                continue  # "last Friday" is a date, not a past meeting
            if t.dep_ == "amod" and t.head.i != tok.i:
                continue  # "the planned withdrawal" says nothing about the summit
            out.update((t.lower_, t.lemma_))
        return out

    def _reported(self, doc: Doc, tok: Token, sent: Span, dates: list[DateAnn], day: date | None) -> bool:
        if self._own_words(tok, dates) & _NOT_NOW:
            return False
        modifiers = [c for c in tok.children if not any(d.start <= c.idx < d.end for d in dates)]
        if any(c.lower_ in _NOT_NOW_MODIFIERS for c in modifiers):
            return False  # "the next summit", "the latest session"
        if any(t.like_num and t.text.endswith(("th", "st", "nd", "rd")) for t in doc[max(0, tok.i - 2) : tok.i + 1]):
            return False  # "the 26th session" is a numbered past/future session
        if tok.lemma_ == "meet" and tok.lower_ not in ("meet", "met", "meets", "meeting", "meetings"):
            return False
        if day is not None:
            own = {t.idx for t in self._own_tokens(tok)}
            for d in dates:
                if sent.start_char <= d.start < sent.end_char and not _date_covers(d, day) and \
                        any(d.start <= i < d.end for i in own):
                    return False  # "the summit in May 2018" (not "…, an alliance formed in 1999")
        return True

    def _attributes(self, doc: Doc, tok: Token, sent: Span, ent_at: dict[int, MentionAnn], dates: list[DateAnn],
                    m: MeetingAnn, focus: str | None) -> None:
        i = tok.i
        is_verb = tok.pos_ == "VERB"
        # body and place before the noun: "CSTO Collective Security Council session", "the Moscow summit"
        k = i - 1
        while not is_verb and k >= sent.start and (k in ent_at or (doc[k].pos_ in ("ADJ", "PROPN", "NUM")
                                                                  and doc[k].is_title)):
            if k in ent_at:
                key = ent_at[k].key
                if self._is_org(key) and m.body is None:
                    m.body = key
                elif self._is_place(key) and m.place is None:
                    m.place = key
                k = ent_at[k].tok_start - 1
            else:
                k -= 1
        # after the noun: "of (the) BODY", "in PLACE"
        j = i + 1
        end = sent.end
        state_place: str | None = None
        while j < end and j <= i + 10:  # attributes sit near the noun
            t = doc[j]
            if t.lower_ == "of" and m.body is None and not is_verb and j == i + 1:
                self._body_after_of(doc, j + 1, end, ent_at, m, focus)
            elif t.lower_ == "in" and m.place is None and j + 1 < end:
                key = self._place_after_in(doc, j + 1, end, ent_at)
                if key is not None and not self.lex.is_state(key):
                    m.place = key  # a city or region
                elif key is not None and state_place is None:
                    state_place = key  # "in Belarus": only if no city is named
            j += 1
        if m.place is None and not is_verb:  # "speaking in Moscow after talks with Medvedev"
            clause = next((a for a in tok.ancestors if a.pos_ == "VERB"), None)
            for prep in (clause.children if clause is not None else ()):
                if prep.lower_ == "in" and prep.i < i and prep.i + 1 < end:
                    key = self._place_after_in(doc, prep.i + 1, end, ent_at)
                    if key is not None and not self.lex.is_state(key):
                        m.place = key
        if m.place is None:
            m.place = state_place
        if any(t.lower_ in _ONLINE for t in sent):
            m.place, m.label = None, "online"
        if m.body is None and not is_verb:
            for c in tok.children:  # "the bloc's annual summit", "the CSTO's session"
                if c.dep_ == "poss" and c.i in ent_at and self._is_org(ent_at[c.i].key):
                    m.body = ent_at[c.i].key
                elif c.dep_ == "poss" and c.lower_ in _ORG_WORDS:
                    m.body = focus
        if m.body is None and m.kind in ("summit", "session"):
            m.body = self._leaders_body(doc, sent, ent_at)
        for d in dates:
            if sent.start_char <= d.start < sent.end_char and m.date is None:
                m.date, m.precision = d.value, d.precision
        self._participants_and_label(doc, tok, sent, ent_at, m)

    def _body_after_of(self, doc: Doc, n: int, end: int, ent_at: dict[int, MentionAnn], m: MeetingAnn,
                       focus: str | None) -> None:
        """ "session of the CSTO …" → the CSTO; "summit of a Russia-led security alliance" → the article's bloc."""
        while n < end and doc[n].lower_ in ("the", "a", "an"):
            n += 1
        if n in ent_at and self._is_org(ent_at[n].key):
            m.body = ent_at[n].key
            if m.kind == "meeting":
                m.kind = "session"  # "a meeting of the Supreme Eurasian Economic Council"
            return
        for t in doc[n : min(end, n + 7)]:
            if t.lower_ in _ORG_WORDS and t.pos_ == "NOUN":
                m.body = focus
                return
            compound = t.text in ("-", "–") or (t.i > 0 and doc[t.i - 1].text in ("-", "–"))  # "Russia-led"
            if not compound and (t.pos_ in ("VERB", "ADP") or t.is_punct):
                return

    def _place_after_in(self, doc: Doc, n: int, end: int, ent_at: dict[int, MentionAnn]) -> str | None:
        """The place after "in" ("in the Black Sea resort of Sochi" → Sochi; not "the crisis in Ukraine")."""
        if doc[n - 2].lower_ in _NOT_VENUES:
            return None
        if n < end and doc[n].lower_ == "the":
            n += 1
        if n not in ent_at or not self._is_place(ent_at[n].key):
            return None
        key = ent_at[n].key
        k = ent_at[n].tok_end
        if k + 2 < end and doc[k].lower_ in _VENUE_NOUNS and doc[k + 1].lower_ == "of" and (k + 2) in ent_at \
                and self._is_place(ent_at[k + 2].key):
            return ent_at[k + 2].key
        return key

    def _leaders_body(self, doc: Doc, sent: Span, ent_at: dict[int, MentionAnn]) -> str | None:
        """ "Leaders of the SCO gathered …", "SCO leaders meet …": the organisation whose leaders meet."""
        for t in sent:
            if t.lower_ not in _LEADERS:
                continue
            if t.i + 2 < sent.end and doc[t.i + 1].lower_ == "of":
                n = t.i + 2 + (doc[t.i + 2].lower_ == "the")
                if n in ent_at and self._is_org(ent_at[n].key):
                    return ent_at[n].key
            if t.i - 1 in ent_at and self._is_org(ent_at[t.i - 1].key):
                return ent_at[t.i - 1].key
        return None

    def _participants_and_label(self, doc: Doc, tok: Token, sent: Span, ent_at: dict[int, MentionAnn],
                                m: MeetingAnn) -> None:
        """Participants (the subject and the people met) and how the mention groups with others."""
        i = tok.i
        online = m.label == "online"
        if tok.pos_ == "VERB" and m.kind != "summit":
            subj = next((c for c in tok.children if c.dep_ in ("nsubj", "nsubjpass")), None)
            for who in self._subject_people(doc, subj, ent_at):
                if who not in m.participants:
                    m.participants.append(who)
            for t in doc[i + 1 : sent.end]:
                if t.i in ent_at and ent_at[t.i].key.startswith("person/") and ent_at[t.i].key not in m.participants:
                    m.participants.append(ent_at[t.i].key)
            if m.kind == "meeting" and any(t.lower_ == "talks" for t in doc[i + 1 : min(sent.end, i + 12)]):
                m.kind = "talks"  # "met … for talks"
            m.label = _MEET_PERSON if self._met_person(doc, tok, sent, ent_at) else _MEET_GROUP
        elif m.kind in ("meeting", "talks") and (tok.dep_ == "dobj" or doc[i + 1 : i + 2].text.lower() == "with"):
            head = tok.head if tok.dep_ in ("dobj", "nsubj", "pobj") else None
            subj_people: list[str] = []
            if head is not None and head.pos_ == "VERB":  # "Xi and Putin held talks", "he held a meeting with X"
                subj = next((c for c in head.children if c.dep_ in ("nsubj", "nsubjpass")), None)
                subj_people = self._subject_people(doc, subj, ent_at)
                m.participants.extend(p for p in subj_people if p not in m.participants)
            for t in doc[i + 1 : sent.end]:
                if t.i in ent_at and ent_at[t.i].key.startswith("person/") and ent_at[t.i].key not in m.participants:
                    m.participants.append(ent_at[t.i].key)
            named = len(subj_people) > 1 or self._met_person(doc, tok, sent, ent_at)
            m.label = _MEET_PERSON if named else (_MEET_GROUP if doc[i + 1 : i + 2].text.lower() == "with" else _OTHER)
        elif m.kind in ("session", "summit", "conference"):
            m.label = _SESSION
        else:
            m.label = _OTHER
        if online:
            m.label += "|online"

    @staticmethod
    def _subject_people(doc: Doc, subj: Token | None, ent_at: dict[int, MentionAnn]) -> list[str]:
        """The persons a subject names ("Lukashenka and Putin", "he")."""
        if subj is None:
            return []
        out = [ent_at[t.i].key for t in subj.subtree if t.i in ent_at and ent_at[t.i].key.startswith("person/")]
        if not out and subj.lower_ in ("he", "she"):
            who = recent_person(doc, subj.idx, subject_only=True) or recent_person(doc, subj.idx)
            out = [who] if who else []
        return list(dict.fromkeys(out))

    @staticmethod
    def _met_person(doc: Doc, tok: Token, sent: Span, ent_at: dict[int, MentionAnn]) -> bool:
        """Is who was met ("met (with) X", "meeting with X", "received X", "X and Y met") a named person,
        not a group ("the ministers", "senior officials")?"""
        def person_in(t: Token) -> bool:
            return any(x.i in ent_at and ent_at[x.i].key.startswith("person/") for x in t.subtree)

        subj = next((c for c in tok.children if c.dep_ == "nsubj"), None)
        if subj is not None and len({ent_at[t.i].key for t in subj.subtree if t.i in ent_at
                                     and ent_at[t.i].key.startswith("person/")}) > 1:
            return True  # "Lukashenka and Putin met …"
        for c in tok.children:
            if c.dep_ in ("dobj", "pobj") and person_in(c):
                return True
            if c.dep_ == "prep" and c.lower_ == "with" and any(person_in(g) for g in c.children):
                return True
        k = tok.i + 1
        while k < sent.end and doc[k].lower_ in ("with", "the", "his", "her", "also", "on", "separately"):
            k += 1
        return k < sent.end and k in ent_at and ent_at[k].key.startswith("person/")

    @staticmethod
    def _sideline(doc: Doc, m: MeetingAnn) -> bool:
        """Is the mention a bilateral meeting beside the main one ("also met", "on the sidelines")?"""
        return any(t.lower_ in _SIDELINES for t in doc.char_span(m.start, m.end, alignment_mode="expand") or [])

    @staticmethod
    def _compatible(a: MeetingAnn, b: MeetingAnn) -> bool:
        """Can two mentions (no session among them) be one meeting?"""
        if a.date and b.date and a.precision == b.precision == "day" and a.date != b.date:
            return False
        if a.place and b.place and a.place != b.place:
            return False
        la, lb = a.label.split("|")[0], b.label.split("|")[0]
        if (la == _MEET_GROUP) == (lb == _MEET_GROUP):
            return True
        # a meeting with officials is not the talks with a named counterpart
        named = a if lb == _MEET_GROUP else b
        return not (named.label.startswith(_MEET_PERSON) or named.participants[1:])

    def _merge(self, doc: Doc, found: list[MeetingAnn], day: date | None) -> list[MeetingAnn]:
        """Group mentions into meetings: a session/summit, a leader's meeting with its delegations
        (child of the session), bilateral meetings with named people (children of the session)."""
        if not found:
            return []
        sessions = [m for m in found if m.label.startswith(_SESSION)]
        out: list[MeetingAnn] = []
        if sessions:
            main = sessions[0]
            out.append(main)
            group: MeetingAnn | None = None
            for m in found:
                if m is main:
                    continue
                label = m.label.split("|")[0]
                if label == _SESSION or (label == _OTHER and group is None and not self._sideline(doc, m)):
                    other_body = (m.body is not None and main.body is not None
                                  and self.lex.top(m.body) != self.lex.top(main.body))
                    if other_body:
                        out.append(m)
                    else:
                        if main.body is None and m.body is not None and label == _SESSION:
                            main.kind = m.kind  # "at Yerevan summit" … "the CSTO Collective Security Council session"
                        _absorb(main, m)
                elif label == _MEET_PERSON or (label == _OTHER and self._sideline(doc, m) and m.participants):
                    others = set(m.participants) - set(main.participants[:1])
                    same = next((b for b in out[1:] if b.kind == "bilateral" and set(b.participants) & others), None)
                    if same is not None:
                        _absorb(same, m)
                        continue
                    m.kind, m.parent = "bilateral", 0
                    out.append(m)
                elif group is None:
                    m.kind, m.parent = "meeting", 0
                    group = m
                    out.append(m)
                else:
                    _absorb(group, m)
            for child in out[1:]:
                if child.parent == 0:
                    if child.kind == "meeting":
                        child.body = child.body or main.body
                    child.place = child.place or main.place
                    if child.date is None:
                        child.date, child.precision = main.date, main.precision
            if main.date is None and group is not None and group.date:
                main.date, main.precision = group.date, group.precision
        else:
            for m in found:
                same = next((o for o in out if o.parent is None and self._compatible(o, m)
                             and not (o.body and m.body and self.lex.top(o.body) != self.lex.top(m.body))), None)
                if same is None:
                    out.append(m)
                    continue
                _absorb(same, m)
                if m.kind in ("talks", "reception") and same.kind == "meeting":
                    same.kind = m.kind
                if same.label.startswith(_MEET_GROUP) and m.label.startswith(_MEET_PERSON):
                    same.label = m.label
        self._fill_dates_and_places(doc, out, day)
        self._participants(doc, out)
        for m in out:
            m.label = ""
        return out

    def _fill_dates_and_places(self, doc: Doc, meetings: list[MeetingAnn], day: date | None) -> None:
        """Dates and places the mentions left open: the lede's date, the dateline, the publication date."""
        dateline = doc._.kg_dateline
        lede = self._lede_date(doc, day)
        for n, m in enumerate(meetings):
            online = "online" in m.label
            if m.place is None and not online and dateline and dateline[0] and m.parent is None:
                m.place = dateline[0]
            if m.date is None and n == 0 and lede is not None:
                m.date, m.precision = lede.value, lede.precision
            if m.date is None and dateline and dateline[1] is not None:
                m.date, m.precision = dateline[1].value, dateline[1].precision
            if m.date is None and day is not None:
                m.date, m.precision = day.isoformat(), "day"
            if m.parent is not None and m.place is None and not online:
                m.place = meetings[m.parent].place  # a meeting beside a summit is where the summit is

    @staticmethod
    def _lede_date(doc: Doc, day: date | None) -> DateAnn | None:
        """The day-precise date of the story's first sentence, when it is near publication ("agreed on Monday")."""
        dateline = doc._.kg_dateline
        start = dateline[3] if dateline else 0
        lede = next((s for s in doc.sents if s.start_char > start and s.text.strip() and s.text.strip()[-1] in ".\"”"),
                    None)
        if lede is None:
            return None
        for d in doc._.kg_dates or []:
            if lede.start_char <= d.start < lede.end_char and d.precision == "day" \
                    and (day is None or _date_covers(d, day)):
                return d
        return None

    def _participants(self, doc: Doc, meetings: list[MeetingAnn]) -> None:
        """Speakers and clause subjects outside quotes take part in the main meeting (and in the
        leader's meeting with its delegations)."""
        main = meetings[0]
        quotes = doc._.kg_quotes or []
        spans = [(q.start, q.end) for q in quotes]
        people: list[str] = []
        for q in quotes:
            if q.speaker and q.speaker.startswith("person/"):
                people.append(q.speaker)
        for m in doc._.kg_mentions or []:
            person = m.key.startswith("person/") and m.kind in ("name", "descriptor") and m.subject
            if person and not any(s <= m.start < e for s, e in spans):
                people.append(m.key)
        actor = doc._.kg_actor
        if actor:
            people.insert(0, actor)
        for meeting in [main] + [m for m in meetings if m.kind == "meeting" and m.parent == 0]:
            for p in people:
                if p not in meeting.participants:
                    meeting.participants.append(p)
            if actor in meeting.participants:
                meeting.participants.remove(actor)
                meeting.participants.insert(0, actor)


@Language.factory("kg_meetings_v1", requires=["doc._.kg_mentions", "doc._.kg_dates"], assigns=["doc._.kg_meetings"])
def make_meetings(nlp: Language, name: str) -> MeetingFinder:
    """Factory: meetings."""
    return MeetingFinder(name)
