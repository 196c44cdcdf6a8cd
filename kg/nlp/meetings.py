"""Meetings the article reports: kind, date, place, convening body, participants, sub-meetings.

A meeting mention is a meeting noun ("session", "summit", "meeting", "talks", "reception"…)
or the verb "meet (with)". Mentions of other events — past ("five years ago", "reminded that
during the session"), future ("will take place", "due in May") or dated far from publication —
are not reported meetings and are skipped. The first reported mention is the main meeting;
later mentions are the same meeting unless they name another body, or a person met "on the
sidelines"/"also met with" a person while the main meeting is a session or summit: that is a
bilateral sub-meeting with ``parent`` = the main meeting.

Body: an organisation after "session of (the)" or before the noun ("CSTO Collective Security
Council session"). Place: "in <place>", a place before the noun ("the Moscow summit") or the
dateline. Date: a date in the same sentence, else the dateline's, else the publication date.
"""

from __future__ import annotations

from datetime import date

from spacy.language import Language
from spacy.tokens import Doc, Span

from kg.nlp.coref import recent_person
from kg.nlp.extensions import DateAnn, MeetingAnn, MentionAnn, published
from kg.nlp.resources import Lexicon, lexicon

_NOT_NOW = {
    "will", "shall", "due", "upcoming", "next", "forthcoming", "scheduled", "planned", "plans", "plan",
    "ago", "previous", "latest", "last", "earlier", "former", "remind", "reminded", "recall", "recalled",
    "recalling", "future", "would", "intends", "expected", "host", "organized", "organised",
}
_SIDELINES = {"sidelines", "margins", "also", "separately", "bilateral"}
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

    def _is_place(self, key: str) -> bool:
        info = self.lex.info(key)
        return bool(info and info.type in ("Place", "State")) or key.startswith("place/")

    def _is_org(self, key: str) -> bool:
        info = self.lex.info(key)
        return bool(info and info.type == "Organisation") or key.startswith("organisation/")

    def __call__(self, doc: Doc) -> Doc:
        day = published(doc)
        mentions: list[MentionAnn] = doc._.kg_mentions or []
        quotes = [(q.start, q.end) for q in doc._.kg_quotes or []]
        dates: list[DateAnn] = doc._.kg_dates or []
        ent_at = {i: m for m in mentions if m.kind != "nested" for i in range(m.tok_start, m.tok_end)}
        found: list[MeetingAnn] = []
        for tok in doc:
            low = tok.lower_
            is_verb = tok.lemma_ == "meet" and tok.pos_ == "VERB"
            if not is_verb and (low not in self.words or tok.pos_ not in ("NOUN", "PROPN")):
                continue
            if any(s <= tok.idx < e for s, e in quotes):
                continue
            sent = tok.sent
            if not self._reported(doc, tok, sent, dates, day):
                continue
            kind = "meeting" if is_verb else self.words[low]
            m = MeetingAnn(kind, sent.start_char, sent.end_char)
            self._attributes(doc, tok, sent, ent_at, dates, m, is_verb)
            found.append(m)
        doc._.kg_meetings = self._merge(doc, found, day)
        return doc

    def _reported(self, doc: Doc, tok, sent: Span, dates: list[DateAnn], day: date | None) -> bool:
        words = {t.lower_ for t in sent} | {t.lemma_ for t in sent}
        if words & _NOT_NOW:
            return False
        if any(t.like_num and t.text.endswith(("th", "st", "nd", "rd")) for t in doc[max(0, tok.i - 2) : tok.i + 1]):
            return False  # "the 26th session" is a numbered past/future session
        if tok.lower_ not in ("meet", "met", "meets", "meeting", "meetings") and tok.lemma_ == "meet":
            return False
        if day is not None:
            for d in dates:
                if sent.start_char <= d.start < sent.end_char and not _date_covers(d, day):
                    return False
        return True

    def _attributes(self, doc: Doc, tok, sent: Span, ent_at, dates, m: MeetingAnn, is_verb: bool) -> None:
        i = tok.i
        # body and place before the noun: "CSTO Collective Security Council session", "the Moscow summit"
        k = i - 1
        while k >= sent.start and (k in ent_at or (doc[k].pos_ in ("ADJ", "PROPN", "NUM") and doc[k].is_title)):
            if k in ent_at:
                key = ent_at[k].key
                if self._is_org(key) and m.body is None:
                    m.body = key
                elif self._is_place(key) and m.place is None:
                    m.place = key
                k = ent_at[k].tok_start - 1
            else:
                k -= 1
        # after the noun: "of (the) BODY", "in PLACE", "with PERSON"
        j = i + 1
        end = sent.end
        state_place: str | None = None
        while j < end:
            t = doc[j]
            if j > i + 10:
                break  # attributes sit near the noun
            if t.lower_ == "of" and m.body is None and not is_verb and j == i + 1:
                n = j + 1
                while n < end and doc[n].lower_ in ("the", "a"):
                    n += 1
                if n in ent_at and self._is_org(ent_at[n].key):
                    m.body = ent_at[n].key
            elif t.lower_ == "in" and m.place is None and j + 1 < end:
                n = j + 1
                if doc[n].lower_ == "the":
                    n += 1
                if n in ent_at and self._is_place(ent_at[n].key):
                    key = ent_at[n].key
                    if not self.lex.is_state(key):
                        m.place = key  # a city or region
                    elif state_place is None:
                        state_place = key  # "in Belarus": only if no city is named
            j += 1
        if m.place is None:
            m.place = state_place
        for d in dates:
            if sent.start_char <= d.start < sent.end_char and m.date is None:
                m.date, m.precision = d.value, d.precision
        # participants: the subject and the people met
        if is_verb:
            subj = next((c for c in tok.children if c.dep_ in ("nsubj", "nsubjpass")), None)
            who = None
            if subj is not None:
                if subj.i in ent_at:
                    who = ent_at[subj.i].key
                elif subj.lower_ in ("he", "she"):
                    who = recent_person(doc, subj.idx, subject_only=True) or recent_person(doc, subj.idx)
            if who and who.startswith("person/"):
                m.participants.append(who)
            for t in doc[i + 1 : sent.end]:
                if t.i in ent_at and ent_at[t.i].key.startswith("person/") and ent_at[t.i].key not in m.participants:
                    m.participants.append(ent_at[t.i].key)
            m.kind = "meeting"
            m.label = _MEET_PERSON if self._met_person(doc, tok, sent, ent_at) else _MEET_GROUP
        elif tok.lower_ == "meeting" and i + 1 < len(doc) and doc[i + 1].lower_ == "with":
            for t in doc[i + 1 : sent.end]:
                if t.i in ent_at and ent_at[t.i].key.startswith("person/") and ent_at[t.i].key not in m.participants:
                    m.participants.append(ent_at[t.i].key)
            m.label = _MEET_PERSON if self._met_person(doc, tok, sent, ent_at) else _MEET_GROUP
        elif m.kind in ("session", "summit", "conference"):
            m.label = _SESSION
        else:
            m.label = _OTHER

    @staticmethod
    def _met_person(doc: Doc, tok, sent: Span, ent_at) -> bool:
        """Is what follows "met (with)" / "meeting with" a named person (not "the ministers")?"""
        k = tok.i + 1
        while k < sent.end and doc[k].lower_ in ("with", "the", "his", "her", "also", "on", "separately"):
            k += 1
        if k < sent.end and k in ent_at and ent_at[k].key.startswith("person/"):
            return True
        # "met with his Armenian counterpart Serzh Sargsyan": a title then a name
        for j in range(k, min(sent.end, k + 5)):
            if j in ent_at:
                return ent_at[j].key.startswith("person/")
        return False

    def _merge(self, doc: Doc, found: list[MeetingAnn], day: date | None) -> list[MeetingAnn]:
        """Group mentions into meetings: a session/summit, a leader's meeting with its delegations
        (child of the session), bilateral meetings with named people (children of the session)."""
        if not found:
            return []
        sessions = [m for m in found if m.label == _SESSION]
        out: list[MeetingAnn] = []
        if sessions:
            main = sessions[0]
            out.append(main)
            group: MeetingAnn | None = None
            for m in found:
                if m is main:
                    continue
                if m.label == _SESSION or (m.label == _OTHER and group is None):
                    other_body = (m.body is not None and main.body is not None
                                  and self.lex.top(m.body) != self.lex.top(main.body))
                    if other_body:
                        out.append(m)
                    else:
                        _absorb(main, m)
                elif m.label == _MEET_PERSON:
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
            main = found[0]
            out.append(main)
            for m in found[1:]:
                if main.body is not None and m.body is not None and self.lex.top(m.body) != self.lex.top(main.body):
                    out.append(m)
                else:
                    _absorb(main, m)
        dateline = doc._.kg_dateline
        for m in out:
            m.label = ""
            if m.place is None and dateline and dateline[0] and m.parent is None:
                m.place = dateline[0]
            if m.date is None and dateline and dateline[1] is not None:
                m.date, m.precision = dateline[1].value, dateline[1].precision
            if m.date is None and day is not None:
                m.date, m.precision = day.isoformat(), "day"
        self._participants(doc, out)
        return out

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
