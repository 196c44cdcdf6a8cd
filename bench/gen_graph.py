"""Synthetic graph in kg's own ontology, written as N-Quads, built the way ``kg build`` builds it.

Articles come from ``bench.gen_corpus`` (same seed → same articles); their ground truth becomes
``kg.records.ArticleRecords`` and goes through ``kg.mapper.article_quads``, so every article graph
has exactly the pattern a real build produces (entities, posts, meetings, statements, positions,
evidence). The reference graphs (ontology + topic scheme, knowledge base) come first, from
``kg.build.reference_graphs``. Generation stops at the first article boundary at or past
``--triples``. ``--store DIR`` then loads the file into a ``kg.store.GenerationStore``.

    python -m bench.gen_graph --triples 1000000 --out /tmp/g1m.nq [--store /tmp/store] [--jobs 2]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from multiprocessing import Pool
from pathlib import Path

from pyoxigraph import BlankNode, NamedNode, Quad, RdfFormat, parse, serialize

from bench.gen_corpus import SynthArticle, generate_article
from bench.measure import parse_size
from bench.world import World, world
from kg import iris, kb, mapper
from kg.build import ONTOLOGY_FILES, extractor_fingerprint, input_hash, reference_graphs
from kg.config import PROJECT_ROOT, Settings
from kg.corpus import sha256_text
from kg.records import Article, ArticleRecords, Entity, Evidence, Meeting, Position, Quote, Role

EXTRACTOR = {"kg-bench-synthetic": "1"}
CHUNK = 16


@dataclass
class GraphStats:
    """What a generation run produced and where the time went."""

    articles: int = 0
    triples: int = 0
    bytes: int = 0
    seconds: float = 0.0
    text_s: float = 0.0
    mapper_s: float = 0.0
    serialize_s: float = 0.0

    @property
    def triples_per_s(self) -> float:
        return self.triples / self.seconds if self.seconds else 0.0


def to_records(art: SynthArticle, w: World) -> ArticleRecords:
    """The records a perfect extractor would produce for ``art``."""
    article = Article(id=art.id, file=art.file, url=art.url, published=art.published, title=art.title,
                      text=art.text, sha256=sha256_text(art.text), outlet=art.outlet)
    spans: dict[str, list] = defaultdict(list)
    for m in art.mentions:
        spans[m.key].append(m)
    entities = []
    for key, ms in spans.items():
        a = w.actors[key]
        entities.append(Entity(
            key=key, label=a.label, type=a.type, wikidata=a.wikidata, aliases=tuple(sorted({m.surface for m in ms})),
            mentions=tuple((m.start, m.end) for m in ms), known=a.known, parent=a.parent,
        ))
    roles = [Role(holder=k, post=w.actors[k].post or "", post_label=w.actors[k].post_label or "",
                  organisation=w.actors[k].post_org) for k in art.introduced if w.actors[k].post]
    meetings = [
        Meeting(key=iris.item_key("meeting", art.id, n), label=m.label, kind=m.kind, date=m.day.isoformat(),
                date_precision="day", place=m.place, body=m.body, participants=m.participants, span=(m.start, m.end))
        for n, m in enumerate(art.meetings)
    ]
    quotes = [
        Quote(text=art.text[q.start:q.end], start=q.start, end=q.end, speaker=q.speaker, direct=q.direct, cue=q.cue,
              meeting=meetings[q.meeting].key if q.meeting is not None else None)
        for q in art.quotes
    ]
    day = art.meetings[0].day.isoformat() if art.meetings else art.published.isoformat()
    positions = [
        Position(holder=p.holder, on_behalf_of=p.on_behalf_of, target=p.target, topic=p.topic, stance=p.stance,
                 date=day, evidence=Evidence(p.start, p.end, art.text[p.start:p.end]), cue=p.cue,
                 confidence=p.confidence, quote=p.quote)
        for p in art.positions
    ]
    return ArticleRecords(article=article, entities=tuple(entities), roles=tuple(roles), meetings=tuple(meetings),
                          quotes=tuple(quotes), positions=tuple(positions), extractor=dict(EXTRACTOR))


def reference_quads() -> list[Quad]:
    """The ontology + topic-scheme graph and the KB graph, as ``kg build`` writes them.

    Uses ``kg.build.reference_graphs``; if that fails (it passes ``to_graph=`` to
    ``pyoxigraph.parse``, which 0.5.13 lacks) the same graphs are assembled here, untagged.
    """
    try:
        quads = [q for graph in reference_graphs().values() for q in graph]
    except TypeError:
        onto = NamedNode(iris.ONTOLOGY_GRAPH)
        quads = [Quad(t.subject, t.predicate, t.object, onto)
                 for name in ONTOLOGY_FILES for t in parse(path=str(PROJECT_ROOT / "ontology" / name))]
        quads += mapper.kb_quads(kb.default())
    return _stable_blank_nodes(quads)


def _stable_blank_nodes(quads: list[Quad]) -> list[Quad]:
    """Rename the parser's random blank nodes b0, b1, … in order of appearance (same bytes every run)."""
    names: dict[BlankNode, BlankNode] = {}

    def rename(term):  # type: ignore[no-untyped-def]
        if isinstance(term, BlankNode):
            return names.setdefault(term, BlankNode(f"b{len(names)}"))
        return term

    return [Quad(rename(q.subject), q.predicate, rename(q.object), q.graph_name) for q in quads]


def article_nquads(seed: int, index: int, fingerprint: str) -> tuple[bytes, int, float, float, float]:
    """N-Quads of article ``index``: (bytes, triples, text s, mapper s, serialize s)."""
    t0 = time.perf_counter()
    w = world()
    art = generate_article(seed, index, w)
    records = to_records(art, w)
    t1 = time.perf_counter()
    quads = mapper.article_quads(records, input_hash(records.article, fingerprint))
    t2 = time.perf_counter()
    data = serialize(quads, format=RdfFormat.N_QUADS) or b""
    return data, len(quads), t1 - t0, t2 - t1, time.perf_counter() - t2


def _chunk(args: tuple[int, int, str]) -> tuple[bytes, int, int, float, float, float]:
    seed, start, fingerprint = args
    parts, triples, text_s, mapper_s, ser_s = [], 0, 0.0, 0.0, 0.0
    for i in range(start, start + CHUNK):
        data, n, a, b, c = article_nquads(seed, i, fingerprint)
        parts.append(data)
        triples += n
        text_s, mapper_s, ser_s = text_s + a, mapper_s + b, ser_s + c
    return b"".join(parts), triples, CHUNK, text_s, mapper_s, ser_s


def _chunks(seed: int, fingerprint: str) -> Iterator[tuple[int, int, str]]:
    start = 0
    while True:
        yield seed, start, fingerprint
        start += CHUNK


def write_graph(out: Path, triples: int, seed: int = 1, jobs: int = 1) -> GraphStats:
    """Write reference graphs + article graphs until at least ``triples`` quads; stream to ``out``."""
    stats = GraphStats()
    started = time.perf_counter()
    fingerprint = extractor_fingerprint(Settings().model)
    world()
    with open(out, "wb") as fh:
        quads = reference_quads()
        data = serialize(quads, format=RdfFormat.N_QUADS) or b""
        fh.write(data)
        stats.triples += len(quads)
        stats.bytes += len(data)
        pool = Pool(jobs) if jobs > 1 else None
        try:
            results = pool.imap(_chunk, _chunks(seed, fingerprint)) if pool else map(_chunk, _chunks(seed, fingerprint))
            for data, n, count, text_s, mapper_s, ser_s in results:
                if stats.triples >= triples:
                    break
                if stats.triples + n > triples:  # finish exactly at the first article boundary past the target
                    data, n, count = _trim(data, triples - stats.triples)
                fh.write(data)
                stats.triples += n
                stats.bytes += len(data)
                stats.articles += count
                stats.text_s, stats.mapper_s, stats.serialize_s = (
                    stats.text_s + text_s, stats.mapper_s + mapper_s, stats.serialize_s + ser_s)
        finally:
            if pool:
                pool.terminate()
    stats.seconds = time.perf_counter() - started
    return stats


def _trim(data: bytes, wanted: int) -> tuple[bytes, int, int]:
    """Keep whole article graphs of a chunk until ``wanted`` quads are reached."""
    lines = data.splitlines(keepends=True)
    kept, graphs, last_graph = 0, 0, b""
    for line in lines:
        graph = line.rsplit(b" ", 2)[-2]
        if graph != last_graph:
            if kept >= wanted:
                break
            graphs += 1
            last_graph = graph
        kept += 1
    return b"".join(lines[:kept]), kept, graphs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=parse_size, required=True, help="target size, e.g. 1m, 250k, 1e6")
    parser.add_argument("--out", type=Path, required=True, help="N-Quads file to write")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=1, help="generator processes (output is identical)")
    parser.add_argument("--store", type=Path, help="also load the file into this kg store directory")
    args = parser.parse_args(argv)
    stats = write_graph(args.out, args.triples, args.seed, args.jobs)
    print(f"{stats.triples} triples in {stats.articles} articles, {stats.bytes / 1e6:.1f} MB, {stats.seconds:.1f}s "
          f"({stats.triples_per_s:,.0f} triples/s; per core: text {stats.text_s:.1f}s, mapper {stats.mapper_s:.1f}s, "
          f"serialize {stats.serialize_s:.1f}s) → {args.out}", file=sys.stderr)
    if args.store:
        from bench.load import load_kg

        result = load_kg(args.out, args.store)
        print(f"loaded {result.quads} quads in {result.graphs} graphs into {args.store} in {result.seconds:.1f}s "
              f"({result.quads / result.seconds:,.0f} quads/s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
