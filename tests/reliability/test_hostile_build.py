"""`kg build` on a corpus full of hostile input: report and skip, exit 1, nothing else lost.

The seed corpus gets one good new article (with CRLF line ends, whose offsets are checked
in the graph), one seed article overwritten by an HTML page, and a row or file for each
kind of bad input. The build must list every problem, keep the old graph of the broken
seed article, leave the other seed graphs exactly as they were, and add the new one.
``--strict`` must stop at the first problem and change nothing. A 100,000-row manifest
must not make the build take minutes.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest
from pyoxigraph import NamedNode

from kg import iris
from kg.store import GenerationStore
from tests.conftest import SEED_CORPUS
from tests.reliability.conftest import WarmBuilder, snapshot

SEED_IDS = sorted(p.stem for p in (SEED_CORPUS / "articles").glob("*.txt"))
URL = "https://example.org/hostile"
CRLF = "005_crlf.txt"


def _row(name: str, published: str = "2013-06-05", url: str = URL, title: str = "T") -> str:
    return f"{name}\t{url}\t{published}\t{title}\t"


@pytest.fixture(scope="module")
def hostile_corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """The corpus, and the exact `kg: skipped ...` lines the build must print."""
    root = tmp_path_factory.mktemp("hostile") / "corpus"
    shutil.copytree(SEED_CORPUS, root)
    art = root / "articles"
    text = (art / f"{SEED_IDS[3]}.txt").read_text(encoding="utf-8")
    (art / CRLF).write_bytes(text.replace("\n", "\r\n").encode())
    (art / f"{SEED_IDS[2]}.txt").write_text("<!DOCTYPE html><html><body>moved</body></html>", encoding="utf-8")
    (art / "latin1.txt").write_bytes(b"Lukashenko met the caf\xe9 owner.\n")
    (art / "nul.txt").write_bytes(b"Minsk\x00\x00\x00")
    (art / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    (art / "empty.txt").write_bytes(b"")
    (art / "bom-only.txt").write_bytes(b"\xef\xbb\xbf\r\n")
    with open(art / "huge.txt", "wb") as fh:
        fh.truncate(50 * 1024 * 1024)
    (art / "folder.txt").mkdir()
    (tmp_path_factory.getbasetemp() / "secret.txt").write_text("secret\n", encoding="utf-8")
    (art / "escape.txt").symlink_to(tmp_path_factory.getbasetemp() / "secret.txt")
    (art / "005_crlf").write_text(text, encoding="utf-8")
    (art / "stray.txt").write_text(text, encoding="utf-8")
    seed_lines = len((root / "manifest.tsv").read_text(encoding="utf-8").splitlines())
    html_line = next(n for n, line in enumerate((root / "manifest.tsv").read_text(encoding="utf-8").splitlines(), 1)
                     if line.startswith(f"{SEED_IDS[2]}.txt\t"))
    latin1, crlf = seed_lines + 2, seed_lines + 1
    rows = [  # manifest row, what follows "manifest.tsv:LINE" in the message (None: loads fine)
        (_row(CRLF), None),
        (_row("latin1.txt"),
         " (latin1.txt): article is not UTF-8 (byte 0xe9 at offset 22) on line 1; save it as UTF-8"),
        (_row("nul.txt"), " (nul.txt): article looks binary (NUL byte at offset 5), not UTF-8 text"),
        (_row("image.txt"), " (image.txt): article is a PNG image, not plain text; save the article text as UTF-8"),
        (_row("empty.txt"), " (empty.txt): article is empty"),
        (_row("bom-only.txt"), " (bom-only.txt): article has no text"),
        (_row("huge.txt"), " (huge.txt): article is 52428800 bytes; the limit is 1000000"),
        (_row("folder.txt"), " (folder.txt): file 'folder.txt' is a directory, not a text file"),
        (_row("escape.txt"), " (escape.txt): file 'escape.txt' is a symlink out of the corpus folder (articles/)"),
        (_row("../manifest.tsv"),
         " (../manifest.tsv): file '../manifest.tsv' must be a plain file name inside articles/"),
        (_row("/etc/passwd"), " (/etc/passwd): file '/etc/passwd' must be a plain file name inside articles/"),
        (_row("missing.txt"), " (missing.txt): file 'missing.txt' not found in articles/"),
        (_row("latin1.txt", published="2013-06-06"), f": file 'latin1.txt' already listed on line {latin1}"),
        (_row("stray.txt", published="31.02.2013"), " (stray.txt): published '31.02.2013' is not a YYYY-MM-DD date"),
        (_row("005_crlf"), f": duplicate id '005_crlf' (first on line {crlf})"),
        (_row(CRLF, title="Caf\udce9"), ": not UTF-8 (byte 0xe9 at column 56); save the manifest as UTF-8"),
        (_row(CRLF) + "\textra", ": 6 fields, the header has 5 (a tab inside a value?)"),
    ]
    with open(root / "manifest.tsv", "ab") as fh:
        for manifest_row, _ in rows:
            fh.write(manifest_row.encode("utf-8", "surrogateescape") + b"\n")
    expected = [f"kg: skipped manifest.tsv:{seed_lines + n}{message}"
                for n, (_, message) in enumerate(rows, 1) if message is not None]
    expected.append(f"kg: skipped manifest.tsv:{html_line} ({SEED_IDS[2]}.txt): "
                    "article is an HTML page, not plain text; save the article text only")
    return root, expected


def test_hostile_corpus_build(hostile_corpus: tuple[Path, list[str]], seed_store: Path, warm_builder: WarmBuilder,
                              tmp_path: Path) -> None:
    corpus, expected = hostile_corpus
    store = tmp_path / "store"
    shutil.copytree(seed_store, store)
    before = snapshot(store)
    run = warm_builder.build(store, corpus)
    assert run.status == 1, run.stderr
    assert "Traceback" not in run.stderr
    skipped = run.stderr.splitlines()
    assert sorted(skipped) == sorted(expected)
    assert "skipped with problems; serving gen-000002" in run.stdout, run.stdout
    assert f"{len(expected)} skipped" in run.stdout

    after = snapshot(store)
    broken = f"<{iris.article_graph(SEED_IDS[2])}>"
    assert after.graphs[broken] == before.graphs[broken], "the skipped article keeps its previous graph"
    if "4 unchanged" in run.stdout:  # else kg/nlp changed since the seed build: all were re-extracted
        assert {g: d for g, d in after.graphs.items() if g in before.graphs} == before.graphs
    assert set(before.graphs) < set(after.graphs)
    assert _offsets_match(store, "005_crlf", (corpus / "articles" / CRLF).read_bytes().decode()) > 0


def _offsets_match(store: Path, article_id: str, text: str) -> int:
    """Check every evidence selector of the article's graph against the text; return how many."""
    graph = NamedNode(iris.article_graph(article_id))
    query = f"""PREFIX oa: <http://www.w3.org/ns/oa#>
    SELECT ?start ?end ?exact WHERE {{ GRAPH {graph} {{
      ?ev oa:hasSelector ?pos, ?quote . ?pos oa:start ?start ; oa:end ?end . ?quote oa:exact ?exact }} }}"""
    rows = list(GenerationStore(store).open_read().query(query))
    for row in rows:
        start, end = int(row["start"].value), int(row["end"].value)
        assert text[start:end] == row["exact"].value
    assert "\r\n" in text
    return len(rows)


def test_hostile_corpus_strict(hostile_corpus: tuple[Path, list[str]], seed_store: Path, warm_builder: WarmBuilder,
                               tmp_path: Path) -> None:
    corpus, expected = hostile_corpus
    store = tmp_path / "store"
    shutil.copytree(seed_store, store)
    run = warm_builder.build(store, corpus, "--strict")
    assert run.status == 1
    first = min(expected, key=lambda line: int(line.split(":")[2].split()[0]))
    problem = first.removeprefix("kg: skipped ")
    assert run.stderr == f"kg: error: build stopped, served graph unchanged: {problem}\n"
    assert GenerationStore(store).current_name() == "gen-000001"
    assert not (store / "generations" / "gen-000002").exists()


def test_100k_row_manifest_build(seed_store: Path, warm_builder: WarmBuilder, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(SEED_CORPUS, corpus)
    with open(corpus / "manifest.tsv", "a", encoding="utf-8") as fh:
        fh.writelines(_row(f"m{n:06d}.txt") + "\n" for n in range(100_000))
    store = tmp_path / "store"
    shutil.copytree(seed_store, store)
    started = time.monotonic()
    run = warm_builder.build(store, corpus)
    seconds = time.monotonic() - started
    assert run.status == 1
    assert "Traceback" not in run.stderr
    assert len(run.stderr.splitlines()) == 100_000
    last = "kg: skipped manifest.tsv:100006 (m099999.txt): file 'm099999.txt' not found in articles/"
    assert run.stderr.splitlines()[-1] == last
    assert "5 articles:" in run.stdout
    assert seconds < 120, f"{seconds:.0f}s (about 10 s on an idle machine)"
    assert {f"<{iris.article_graph(a)}>" for a in SEED_IDS} <= set(snapshot(store).graphs)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes on this platform")
def test_fifo_does_not_block_the_build(seed_store: Path, warm_builder: WarmBuilder, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(SEED_CORPUS, corpus)
    os.mkfifo(corpus / "articles" / "pipe.txt")
    with open(corpus / "manifest.tsv", "a", encoding="utf-8") as fh:
        fh.write(_row("pipe.txt") + "\n")
    store = tmp_path / "store"
    shutil.copytree(seed_store, store)
    run = warm_builder.build(store, corpus)
    assert run.status == 1
    assert "kg: skipped manifest.tsv:7 (pipe.txt): file 'pipe.txt' is not a regular file" in run.stderr
