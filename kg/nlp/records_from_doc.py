"""Doc → ``ArticleRecords``: the only place that reads our Doc annotations for output.

Texts (quotes, evidence, aliases) are sliced from ``Article.text`` (the original), using the
offsets of the normalised copy the pipeline ran on (same length).
"""

from __future__ import annotations

from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc

from kg.iris import item_key
from kg.nlp.resources import EntityInfo, Lexicon, lexicon
from kg.records import Article, ArticleRecords, Entity, Evidence, Meeting, Position, Quote, Role

EXTRACTOR = "kg.nlp v1"


def _info(key: str, lex: Lexicon, catalog: dict[str, EntityInfo]) -> EntityInfo:
    info = lex.info(key) or catalog.get(key)
    if info is not None:
        return info
    prefix = key.split("/", 1)[0]
    etype = {"person": "Person", "state": "State", "place": "Place", "org": "Organisation",
             "organisation": "Organisation"}.get(prefix, "Organisation")
    return EntityInfo(key, etype, key.split("/", 1)[-1].replace("-", " ").title())


@lru_cache(maxsize=4)
def _model_name(nlp: Language) -> str:
    """"en_core_web_sm-3.7.1" (``Language.meta`` rebuilds its dict, labels included, on every access)."""
    meta = nlp.meta
    return f"{meta.get('lang', 'en')}_{meta.get('name', '?')}-{meta.get('version', '?')}"


def doc_to_records(doc: Doc, article: Article, nlp: Language | None = None,
                   lex: Lexicon | None = None) -> ArticleRecords:
    """Turn an annotated Doc of ``article`` into records."""
    lex = lex or lexicon()
    text = article.text
    catalog: dict[str, EntityInfo] = doc._.kg_catalog or {}
    mentions = [m for m in doc._.kg_mentions or [] if m.kind != "pronoun"]
    by_key: dict[str, list] = {}
    for m in mentions:
        by_key.setdefault(m.key, []).append(m)
    meetings_ann = doc._.kg_meetings or []
    quotes_ann = doc._.kg_quotes or []
    positions_ann = doc._.kg_positions or []
    roles_ann = doc._.kg_roles or []
    # keys only referenced (an on_behalf_of state never named) are not entities of the article;
    # their labels come from the KB (see kg.extract.to_json)

    entities = []
    for key, ms in by_key.items():
        info = _info(key, lex, catalog)
        names = [text[m.start : m.end] for m in ms if m.kind == "name"]
        label = info.label
        if not info.known and names:
            label = max(names, key=len)
        surfaces = list(dict.fromkeys(text[m.start : m.end] for m in ms))
        aliases = tuple(s for s in surfaces if s != label)
        spans = tuple(sorted({(m.start, m.end) for m in ms}))
        entities.append(Entity(key=key, label=label, type=info.type, wikidata=info.wikidata, aliases=aliases,
                               mentions=spans, known=info.known, parent=info.parent))
    entities.sort(key=lambda e: (e.mentions[0][0] if e.mentions else 1 << 30, e.key))
    labels = {e.key: e.label for e in entities}

    def label_of(key: str | None) -> str | None:
        return None if key is None else labels.get(key) or _info(key, lex, catalog).label


    meeting_keys = [item_key("meeting", article.id, n + 1) for n in range(len(meetings_ann))]
    meetings = []
    for n, mt in enumerate(meetings_ann):
        body = label_of(mt.body)
        place = label_of(mt.place)
        label = mt.kind.capitalize() + (f" of {body}" if body else "")
        if not body and mt.participants:
            label += " of " + " and ".join(label_of(p) or p for p in mt.participants[:3])
        if place:
            label += f", {place}"
        if mt.date:
            label += f", {mt.date}"
        meetings.append(Meeting(
            key=meeting_keys[n], label=label, kind=mt.kind, date=mt.date, date_precision=mt.precision,
            place=mt.place, body=mt.body, participants=tuple(dict.fromkeys(mt.participants)),
            span=(mt.start, mt.end), parent=meeting_keys[mt.parent] if mt.parent is not None else None,
        ))
    main_meeting = meeting_keys[0] if meeting_keys else None
    quotes = tuple(
        Quote(text=text[q.start : q.end], start=q.start, end=q.end, speaker=q.speaker, direct=q.direct, cue=q.cue,
              meeting=main_meeting)
        for q in quotes_ann
    )
    positions = tuple(
        Position(holder=p.holder, on_behalf_of=p.on_behalf_of, target=p.target, topic=p.topic, stance=p.stance,
                 date=p.date, evidence=Evidence(p.start, p.end, text[p.start : p.end]), cue=p.cue,
                 confidence=p.confidence, quote=p.quote)
        for p in positions_ann
    )
    roles = tuple(Role(r.holder, r.post, r.post_label, r.organisation, (r.start, r.end)) for r in roles_ann)
    extractor = {"extractor": EXTRACTOR}
    if nlp is not None:
        extractor["model"] = _model_name(nlp)
    return ArticleRecords(article=article, entities=tuple(entities), roles=roles, meetings=tuple(meetings),
                          quotes=quotes, positions=positions, extractor=extractor)
