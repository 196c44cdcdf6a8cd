"""Synthetic news corpus in kg's corpus format, for throughput benchmarks (never for quality).

Each article is made from templates with randomised slots: a dateline and meeting lead, direct
quotations with the speech verb before or after, descriptor and pronoun continuations,
reported speech, stance statements (support / oppose / sceptical / mixed / neutral) and
background sentences, in the style of one of several outlets (BelTA, Reuters, AP, RFE/RL with
the "Lukashenka" spelling, TASS). Article ``i`` depends only on ``(seed, i)``, so a bigger
corpus extends a smaller one with the same seed. The generator also returns the ground truth
(mentions, quotes, positions, meetings) that ``bench.gen_graph`` turns into records.

    python -m bench.gen_corpus --articles 200 --out /tmp/corpus --seed 1
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from bench.world import (
    BACKGROUND,
    MEETING_KINDS,
    MONTHS,
    QUOTE_CUES,
    QUOTE_FILLERS,
    REPORTED_CLAUSES,
    RFERL_BACKGROUND,
    SPEECH_VERBS,
    STATEMENT_CUES,
    WEEKDAYS,
    WIRE_BACKGROUND,
    Actor,
    TopicPhrases,
    World,
    world,
)
from kg import topics
from kg.iris import slug

FIRST_DAY = date(1995, 1, 1)
LAST_DAY = date(2025, 12, 31)
MIN_WORDS, MAX_WORDS = 250, 900
MANIFEST_HEADER = ("file", "source_url", "published", "title", "outlet")
# style name → (weight, outlet column, URL host, dateline place format)
STYLES = {
    "belta": (0.35, "synthetic-belta-style", "belta.synthetic.example"),
    "reuters": (0.2, "synthetic-reuters-style", "reuters.synthetic.example"),
    "ap": (0.1, "synthetic-ap-style", "apnews.synthetic.example"),
    "rferl": (0.15, "synthetic-rferl-style", "rferl.synthetic.example"),
    "tass": (0.2, "synthetic-tass-style", "tass.synthetic.example"),
}
_SLOT = re.compile(r"(\{\w+\})")


@dataclass(frozen=True)
class Mention:
    key: str
    start: int
    end: int
    surface: str


@dataclass(frozen=True)
class QuoteAnn:
    start: int
    end: int
    speaker: str
    direct: bool
    cue: str
    meeting: int | None


@dataclass(frozen=True)
class PositionAnn:
    holder: str | None
    on_behalf_of: str | None
    target: str
    topic: str
    stance: str
    cue: str
    confidence: float
    start: int
    end: int
    quote: int | None


@dataclass(frozen=True)
class MeetingAnn:
    kind: str
    label: str
    day: date
    place: str
    body: str | None
    participants: tuple[str, ...]
    start: int
    end: int


@dataclass
class SynthArticle:
    """One generated article with the facts a perfect extractor would read from it."""

    id: str
    file: str
    url: str
    published: date
    title: str
    outlet: str
    style: str
    text: str = ""
    mentions: list[Mention] = field(default_factory=list)
    quotes: list[QuoteAnn] = field(default_factory=list)
    positions: list[PositionAnn] = field(default_factory=list)
    meetings: list[MeetingAnn] = field(default_factory=list)
    introduced: list[str] = field(default_factory=list)

    def manifest_row(self) -> str:
        return "\t".join((self.file, self.url, self.published.isoformat(), self.title, self.outlet))


class _Text:
    """Appends text while recording where each named entity landed."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.pos = 0
        self.mentions: list[Mention] = []

    def add(self, s: str) -> None:
        self.parts.append(s)
        self.pos += len(s)

    def at_sentence_start(self) -> bool:
        tail = "".join(self.parts[-2:])
        return not tail or tail.endswith(("\n", ". ", "- ", "— ", "“", ' "', ": "))

    def name(self, key: str, surface: str) -> None:
        if surface.startswith("the "):
            self.add("The " if self.at_sentence_start() else "the ")
            surface = surface[4:]
        start = self.pos
        self.add(surface)
        self.mentions.append(Mention(key, start, self.pos, surface))

    def fill(self, template: str, slots: dict[str, str | tuple[str, str]]) -> None:
        """Write ``template`` with ``{slot}``s replaced; (key, surface) slots become mentions."""
        for piece in _SLOT.split(template):
            if piece.startswith("{") and piece.endswith("}") and piece[1:-1] in slots:
                value = slots[piece[1:-1]]
                if isinstance(value, tuple):
                    self.name(*value)
                elif "{" in value:
                    self.fill(value, slots)
                else:
                    self.add(value)
            elif piece:
                self.add(piece)

    def text(self) -> str:
        return "".join(self.parts)


_THE_STATE_WORDS = ("Republic", "Federation", "United", "Union")
_THE_PLACE_WORDS = ("Post-Soviet", "post-Soviet", "Euro-Atlantic", "European", "ex-USSR")


def _definite(a: Actor, surface: str) -> str:
    """``surface`` with a leading "the " when the name needs one ("the Russian Federation")."""
    if surface.startswith("the ") or surface.isupper() or surface == "BelTA":
        return surface
    first = surface.split()[0]
    if (a.type in ("Organisation", "Programme", "Document")
            or (a.type == "State" and any(w in surface for w in _THE_STATE_WORDS))
            or (a.type == "Place" and first in _THE_PLACE_WORDS)):
        return "the " + surface
    return surface


class _Writer:
    """Composes one article in one outlet's style."""

    def __init__(self, rng: random.Random, w: World, style: str, published: date) -> None:
        self.rng, self.w, self.style, self.published = rng, w, style, published
        self.t = _Text()
        self.quotes: list[QuoteAnn] = []
        self.positions: list[PositionAnn] = []
        self.meetings: list[MeetingAnn] = []
        self.introduced: list[str] = []
        self.last_speaker: str | None = None
        self.words = 0
        self.open, self.close = ("“", "”") if style in ("belta", "tass") else ('"', '"')
        self.topics = rng.sample(w.topics, k=rng.randint(1, 3))

    # -- naming -------------------------------------------------------------------------------
    def actor(self, key: str) -> Actor:
        return self.w.actors[key]

    def full_name(self, a: Actor) -> str:
        if self.style == "rferl" and a.rferl_names:
            return self.rng.choice(a.rferl_names)
        if self.style == "belta" and len(a.names) > 1:
            return a.names[1]
        return a.names[0]

    def surname(self, a: Actor) -> str:
        return a.rferl_surname if self.style == "rferl" and a.rferl_surname else a.surname

    def person(self, key: str, *, subject: bool = True) -> None:
        """Refer to a person: full title + name the first time, then surname, descriptor or name."""
        a = self.actor(key)
        if key not in self.introduced:
            self.introduced.append(key)
            if self.style == "belta" and a.post_label:
                self.t.add(a.post_label + " ")
            elif a.descriptors:
                self.t.add(self.rng.choice(a.descriptors)[4:] + " ")
            self.t.name(key, self.full_name(a))
            return
        choice = self.rng.random()
        if choice < 0.35 and a.descriptors:
            d = self.rng.choice(a.descriptors)
            self.t.add(d[0].upper() + d[1:] if subject else d)
        elif choice < 0.8:
            self.t.name(key, self.surname(a))
        else:
            self.t.name(key, self.full_name(a))

    def named(self, key: str) -> tuple[str, str]:
        """(key, surface) for a name slot, with "the " where English wants it."""
        a = self.actor(key)
        return key, _definite(a, self.rng.choice(a.names))

    def pick_person(self, exclude: tuple[str, ...] = ()) -> str:
        while True:
            key = self.rng.choices(self.w.persons, self.w.person_weights)[0]
            if key not in exclude:
                return key

    def pick_state(self) -> str:
        return self.rng.choices(self.w.states, self.w.state_weights)[0]

    def state_of(self, key: str) -> str:
        return self.actor(key).state or "state/belarus"

    # -- sentences ------------------------------------------------------------------------------
    def day_phrase(self, day: date) -> str:
        if self.style == "belta":
            return f"on {day.day} {MONTHS[day.month - 1]}"
        if self.style in ("reuters", "ap"):
            return f"on {WEEKDAYS[day.weekday()]}"
        return f"on {MONTHS[day.month - 1]} {day.day}"

    def dateline(self, place: str, day: date) -> None:
        city = self.actor(place).label.upper()
        month = MONTHS[day.month - 1]
        if self.style == "belta":
            self.t.add(f"{city}, {day.day} {month} (BelTA) - ")
        elif self.style == "reuters":
            self.t.add(f"{city}, {month} {day.day} (Reuters) - ")
        elif self.style == "tass":
            self.t.add(f"{city}, {month} {day.day}. /TASS/. ")
        elif self.style == "ap":
            self.t.add(f"{city} (AP) — ")

    def lead(self, host: str, guest: str) -> None:
        """The meeting sentence: who met whom, where, when (a Meeting annotation)."""
        rng = self.rng
        kind = rng.choice(MEETING_KINDS)
        day = max(FIRST_DAY, self.published - timedelta(days=rng.choice((0, 0, 1, 1, 2))))
        state = self.state_of(host)
        place = rng.choice(self.w.places)
        body = rng.choice(self.w.bodies) if kind in ("session", "summit") else None
        self.dateline(place, day)
        start = self.t.pos
        self.person(host)
        if body:
            self.t.add(" took part in the " + ("session" if kind == "session" else "summit") + " of the ")
            self.t.name(*self.named(body))
            label = f"{'Session' if kind == 'session' else 'Summit'} of the {self.actor(body).label}"
            participants: tuple[str, ...] = (host, state)
        else:
            verb = {"reception": " received ", "talks": " held talks with "}.get(kind, " met with ")
            self.t.add(verb)
            self.person(guest, subject=False)
            label = f"Meeting of {self.actor(host).label} and {self.actor(guest).label}"
            participants = (host, guest)
        self.t.add(" in ")
        self.t.name(*self.named(place))
        self.t.add(f" {self.day_phrase(day)}.")
        self.meetings.append(MeetingAnn(kind, label, day, place, body, participants, start, self.t.pos))

    def topic_slots(self, topic: TopicPhrases) -> tuple[dict[str, str | tuple[str, str]], str]:
        target = self.rng.choice(topic.targets)
        slots: dict[str, str | tuple[str, str]] = {
            "T": self.named(target), "np": self.rng.choice(topic.nps), "vp": self.rng.choice(topic.vps),
        }
        return slots, target

    def quote_body(self, speaker: str) -> tuple[list[tuple[int, int, tuple | None]], int, int]:
        """1–3 quoted sentences, maybe one with a stance cue; returns sentence spans + quote span."""
        rng = self.rng
        n = rng.choice((1, 1, 2, 2, 3))
        stance_at = rng.randrange(n) if rng.random() < 0.6 else -1
        spans: list[tuple[int, int, tuple | None]] = []
        start = self.t.pos
        for i in range(n):
            if i:
                self.t.add(" ")
            s0 = self.t.pos
            if i == stance_at:
                topic = rng.choice(self.topics)
                slots, target = self.topic_slots(topic)
                tpl, cue, stance, conf = rng.choice(QUOTE_CUES)
                self.t.fill(tpl, slots)
                spans.append((s0, self.t.pos, (topic.topic, target, cue, stance, conf)))
            else:
                slots = {"S": self.named(self.state_of(speaker)), "O": self.named(rng.choice(self.w.organisations)),
                         "n": str(rng.randint(2, 40))}
                self.t.fill(rng.choice(QUOTE_FILLERS), slots)
                spans.append((s0, self.t.pos, None))
        return spans, start, self.t.pos

    def record_quote(self, speaker: str, spans: list, start: int, end: int, cue: str, direct: bool = True) -> None:
        qn = len(self.quotes)
        self.quotes.append(QuoteAnn(start, end, speaker, direct, cue, 0 if self.meetings else None))
        for s0, s1, stance in spans:
            if stance:
                topic, target, pcue, st, conf = stance
                self.positions.append(PositionAnn(speaker, self.state_of(speaker), target, topic, st, pcue, conf,
                                                  s0, s1, qn))
        self.last_speaker = speaker

    def quote_after(self, speaker: str, pronoun: bool = False) -> None:
        """“…,” said the Belarusian leader.  /  “…,” he added."""
        self.t.add(self.open)
        spans, start, end = self.quote_body(speaker)
        # turn the final full stop into a comma, keeping offsets: the quote ends before it
        self.t.parts[-1] = self.t.parts[-1][:-1] + ","
        end -= 1
        spans[-1] = (spans[-1][0], spans[-1][1] - 1, spans[-1][2])
        self.t.add(self.close + " ")
        verb = self.rng.choice(SPEECH_VERBS)
        if pronoun:
            self.t.add(f"{self.actor(speaker).pronoun} {verb}.")
        elif self.rng.random() < 0.5:
            self.t.add(verb + " ")
            self.person(speaker, subject=False)
            self.t.add(".")
        else:
            self.person(speaker, subject=False)
            self.t.add(" told reporters." if self.style in ("reuters", "ap") and self.rng.random() < 0.3
                       else f" {verb}.")
        self.record_quote(speaker, spans, start, end, verb)

    def quote_before(self, speaker: str) -> None:
        """Lukashenko stressed: “…”"""
        self.person(speaker)
        verb = self.rng.choice(SPEECH_VERBS)
        self.t.add(f" {verb}: {self.open}")
        spans, start, end = self.quote_body(speaker)
        self.t.add(self.close)
        self.record_quote(speaker, spans, start, end, verb)

    def reported(self, speaker: str) -> None:
        """According to the President, …  /  He noted that …"""
        rng = self.rng
        if rng.random() < 0.5:
            self.t.add("According to ")
            self.person(speaker, subject=False)
            self.t.add(", ")
            cue = "according to"
        else:
            if speaker == self.last_speaker:
                self.t.add(self.actor(speaker).pronoun.capitalize())
            else:
                self.person(speaker)
            cue = rng.choice(SPEECH_VERBS)
            self.t.add(f" {cue} that ")
        start = self.t.pos
        self.t.fill(rng.choice(REPORTED_CLAUSES), {"S": self.named(self.state_of(speaker))})
        end = self.t.pos
        self.t.add(".")
        self.record_quote(speaker, [], start, end, cue, direct=False)

    def statement(self) -> None:
        """A stance sentence about a person or a state: “Belarus is in favor of …”."""
        rng = self.rng
        topic = rng.choice(self.topics)
        slots, target = self.topic_slots(topic)
        tpl, cue, stance, conf = rng.choice(STATEMENT_CUES)
        start = self.t.pos
        if rng.random() < 0.35:
            state = self.pick_state()
            slots["H"] = self.named(state)
            holder, behalf = None, state
        else:
            holder = rng.choice(self.introduced) if self.introduced and rng.random() < 0.7 else self.pick_person()
            behalf = self.state_of(holder)
            head, _, rest = tpl.partition("{H}")
            self.t.add(head)
            self.person(holder)
            tpl = rest
        self.t.fill(tpl, slots)
        self.positions.append(PositionAnn(holder, behalf, target, topic.topic, stance, cue, conf,
                                          start, self.t.pos, None))

    def background(self) -> None:
        rng = self.rng
        bank = BACKGROUND
        if self.style in ("reuters", "ap") and rng.random() < 0.3:
            bank = WIRE_BACKGROUND
        elif self.style == "rferl" and rng.random() < 0.4:
            bank = RFERL_BACKGROUND
        s1 = self.pick_state()
        s2 = self.pick_state()
        slots: dict[str, str | tuple[str, str]] = {
            "S": self.named(s1), "S2": self.named(s2 if s2 != s1 else "state/russia"),
            "O": self.named(rng.choice(self.w.organisations)), "P": self.named(rng.choice(self.w.places)),
            "R": self.named(rng.choice(("place/post-soviet-space", "place/europe", "state/afghanistan",
                                        "state/syria", "place/donbass", "state/ukraine"))),
            "year": str(rng.randint(1992, self.published.year)), "n": str(rng.randint(2, 60)),
            "d": str(rng.randint(0, 9)), "month": rng.choice(MONTHS),
        }
        text = rng.choice(bank)
        self.t.fill(text[0].upper() + text[1:] if text[0] != "{" else text, slots)

    # -- structure -----------------------------------------------------------------------------
    def paragraph(self) -> None:
        rng = self.rng
        for i in range(rng.choice((1, 2, 2, 3))):
            if i:
                self.t.add(" ")
            roll = rng.random()
            speakers = self.introduced or [self.pick_person()]
            speaker = rng.choice(speakers[:3]) if rng.random() < 0.8 else self.pick_person(tuple(speakers))
            if roll < 0.22:
                self.quote_after(speaker)
            elif roll < 0.34:
                self.quote_before(speaker)
            elif roll < 0.44 and self.last_speaker:
                self.quote_after(self.last_speaker, pronoun=True)
            elif roll < 0.56:
                self.reported(speaker)
            elif roll < 0.74:
                self.statement()
            else:
                self.background()

    def trailer(self) -> None:
        rng = self.rng
        journalist = f"{rng.choice(('Andrei', 'Maria', 'Tom', 'Olga', 'Guy', 'Vladimir', 'Anna'))} " + \
            rng.choice(("Makarov", "Balmforth", "Wright", "Petrova", "Faulconbridge", "Soldatkin", "Ivanova"))
        editor = rng.choice(("Mark Heinrich", "Alison Williams", "Kevin Liffey", "Gareth Jones"))
        endings = {
            "reuters": f"(Reporting by {journalist}; Editing by {editor})",
            "ap": f"Associated Press writer {journalist} in Moscow contributed to this report.",
            "rferl": "With reporting by RFE/RL's Belarus Service",
        }
        if self.style in endings:
            self.t.add("\n\n" + endings[self.style])


def _title(w: _Writer, host: str, guest: str) -> str:
    a, b = w.actor(host), w.actor(guest)
    meeting = w.meetings[0]
    topic = topics.default()[w.topics[0].topic].label
    if w.style == "belta":
        verb = {"session": "attends session of", "summit": "attends summit of"}.get(meeting.kind)
        tail = w.actor(meeting.body).label if meeting.body else b.names[0]
        return f"{w.full_name(a)} {verb or 'meets with'} {tail}"
    if w.style == "tass":
        return f"{a.surname} and {b.surname} discuss {topic} in {w.actor(meeting.place).label}"
    if w.style == "rferl":
        return f"{w.surname(a)} says {topic} remains on the agenda"
    return f"{a.surname} backs {topic} after talks with {b.surname}"


def generate_article(seed: int, index: int, w: World | None = None) -> SynthArticle:
    """Article ``index`` of the corpus with ``seed`` (depends on nothing else)."""
    w = w or world()
    rng = random.Random(f"kg-bench/{seed}/{index}")
    style = rng.choices(list(STYLES), [s[0] for s in STYLES.values()])[0]
    _, outlet, host_name = STYLES[style]
    published = FIRST_DAY + timedelta(days=rng.randrange((LAST_DAY - FIRST_DAY).days + 1))
    wr = _Writer(rng, w, style, published)
    host = wr.pick_person()
    guest = wr.pick_person((host,))
    target_words = rng.randint(MIN_WORDS, MAX_WORDS - 40)
    wr.lead(host, guest)
    title = _title(wr, host, guest)
    head = title + "\n\n"
    # the title goes first in the text (as in the seed articles); shift nothing: write it first
    body = wr.t
    wr.t = _Text()
    wr.t.add(head)
    for part in body.parts:
        wr.t.add(part)
    shift = len(head)
    wr.t.mentions = [Mention(m.key, m.start + shift, m.end + shift, m.surface) for m in body.mentions]
    m = wr.meetings[0]
    wr.meetings[0] = MeetingAnn(m.kind, m.label, m.day, m.place, m.body, m.participants, m.start + shift, m.end + shift)
    wr.words = len(wr.t.text().split())
    while wr.words < target_words:
        first_part = len(wr.t.parts)
        wr.t.add("\n\n")
        wr.paragraph()
        wr.words += len("".join(wr.t.parts[first_part:]).split())
    wr.trailer()
    wr.t.add("\n")
    article_id = f"syn{index:07d}"
    return SynthArticle(
        id=article_id, file=article_id + ".txt", outlet=outlet, style=style, published=published, title=title,
        url=f"https://{host_name}/{published:%Y/%m/%d}/{slug(title)[:60]}-{index}", text=wr.t.text(),
        mentions=wr.t.mentions, quotes=wr.quotes, positions=wr.positions, meetings=wr.meetings,
        introduced=wr.introduced,
    )


def generate(seed: int, count: int, start: int = 0) -> Iterator[SynthArticle]:
    """Articles ``start .. start+count-1``."""
    w = world()
    for i in range(start, start + count):
        yield generate_article(seed, i, w)


def write_corpus(out: Path, articles: int, seed: int, start: int = 0) -> int:
    """Write ``manifest.tsv`` + ``articles/*.txt`` (articles ``start`` … ``start+articles-1``);
    returns the number of words written."""
    (out / "articles").mkdir(parents=True, exist_ok=True)
    words = 0
    rows = ["\t".join(MANIFEST_HEADER)]
    for art in generate(seed, articles, start):
        (out / "articles" / art.file).write_text(art.text, encoding="utf-8")
        rows.append(art.manifest_row())
        words += len(art.text.split())
    (out / "manifest.tsv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return words


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, required=True, help="number of articles")
    parser.add_argument("--out", type=Path, required=True, help="corpus directory to create")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    words = write_corpus(args.out, args.articles, args.seed)
    print(f"{args.articles} articles, {words} words → {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
