"""Fuzzing the corpus loader (hypothesis): thousands of random and mutated corpora, no traceback.

Properties: ``load_corpus`` raises nothing but ``CorpusError`` (whose message names the
manifest or the articles folder); every problem is located (``manifest.tsv:`` or
``articles/``) and printable (no control characters or undecodable bytes reach a terminal);
every loaded article decoded exactly from its file; ``normalise`` keeps the length.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from kg.corpus import CorpusError, decode_article, load_corpus, normalise

FUZZ = settings(max_examples=800, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)

NAMES = ["a.txt", "b.txt", "c.txt", "d", "é.txt", "x y.txt", ".h.txt"]
HOSTILE_NAMES = ["", "../a.txt", "/etc/passwd", "a\\b.txt", "..", ".", "a\x00.txt", "a\x1b.txt", "sub/a.txt",
                 "a" * 300, "\udcff.txt", "a.txt ", " a.txt", "\u202e.txt"]
HEADER = b"file\tsource_url\tpublished\ttitle\n"
COLUMNS = ["file", "source_url", "published", "title", "id", "outlet", "date_note", "", "File", "file "]
PREFIXES = [b"", b"\xef\xbb\xbf", b"\xff\xfe", b"\x00", b"<!DOCTYPE html>", b"<p>", b"%PDF-", b"PK\x03\x04", b"\r\n"]

text_field = st.text(max_size=30) | st.sampled_from([
    "https://example.org/a", "http://x.org/<>", "ftp://x", "2012-03-01", "2013-02-31", "31.02.2013",
    "٢٠١٣-٠٢-٠١", "a", "x" * 201, "T\tU", "\r", "\x00",
])


# column → (plausible values, hostile values); rows take a plausible value 4 times in 5
VALUES = {
    "file": (st.sampled_from(NAMES[:3]), st.sampled_from(NAMES + HOSTILE_NAMES) | text_field),
    "source_url": (st.sampled_from(["https://example.org/a", "http://example.org/b?c=d"]), text_field),
    "published": (st.dates().map(lambda d: d.isoformat()), text_field),
    "title": (st.text(min_size=1, max_size=20), text_field),
    "id": (st.sampled_from(["", "a", "b", "x.y"]), st.sampled_from(["-bad", "a" * 201]) | text_field),
}


@st.composite
def value(draw, column: str) -> str:
    plausible, hostile = VALUES.get(column, (text_field, text_field))
    return draw(plausible if draw(st.integers(0, 4)) else hostile)


@st.composite
def manifests(draw) -> bytes:
    """A manifest built from plausible and hostile parts, then possibly mutated byte-wise."""
    if draw(st.integers(0, 9)) < 8:
        required = draw(st.permutations(["file", "source_url", "published", "title"]))
        header = [*required, *draw(st.lists(st.sampled_from(["id", "outlet", "date_note"]), max_size=3, unique=True))]
    else:
        header = draw(st.lists(st.sampled_from(COLUMNS), max_size=7))
    rows = []
    for _ in range(draw(st.integers(0, 8))):
        fields = [draw(value(column)) for column in header]
        if draw(st.integers(0, 9)) == 0:
            fields = fields[: draw(st.integers(0, len(fields)))] + draw(st.lists(text_field, max_size=2))
        rows.append("\t".join(fields))
    newline = draw(st.sampled_from(["\n"] * 6 + ["\r\n", "\r\n", "\r", "\n\n"]))
    text = newline.join(["\t".join(header), *rows]) + draw(st.sampled_from(["", newline]))
    data = draw(st.sampled_from([b""] * 6 + PREFIXES[:3])) + text.encode("utf-8", "surrogateescape")
    for _ in range(draw(st.integers(0, 3)) if draw(st.booleans()) else 0):
        at = draw(st.integers(0, len(data)))
        op = draw(st.sampled_from(["insert", "delete", "flip"]))
        byte = bytes([draw(st.integers(0, 255))])
        if op == "insert":
            data = data[:at] + byte + data[at:]
        elif at < len(data):
            data = data[:at] + (b"" if op == "delete" else byte) + data[at + 1:]
    return data


@st.composite
def articles(draw) -> dict[str, bytes | str]:
    """Article files: name → bytes, or ``"->target"`` for a symlink, or ``"dir"`` for a folder."""
    files: dict[str, bytes | str] = {}
    names = NAMES[:3] + draw(st.lists(st.sampled_from(NAMES[3:]), max_size=3, unique=True))
    for name in names:
        kind = draw(st.sampled_from(["text"] * 5 + ["bytes", "link", "dir", "missing"]))
        if kind == "bytes":
            files[name] = draw(st.binary(max_size=200))
        elif kind == "text":
            prefix = draw(st.sampled_from([b""] * 8 + PREFIXES))
            files[name] = prefix + draw(st.text(min_size=1, max_size=200)).encode("utf-8", "surrogatepass")
        elif kind == "link":
            files[name] = "->" + draw(st.sampled_from(["../outside.txt", "a.txt", "b.txt", "nowhere", "/dev/null"]))
        elif kind == "dir":
            files[name] = "dir"
    return files


def _materialise(root: Path, manifest: bytes | None, files: dict[str, bytes | str]) -> None:
    (root / "articles").mkdir()
    (root / "outside.txt").write_text("outside the corpus\n")
    if manifest is not None:
        (root / "manifest.tsv").write_bytes(manifest)
    for name, content in files.items():
        path = root / "articles" / name
        if content == "dir":
            path.mkdir()
        elif isinstance(content, str):
            os.symlink(content[2:], path)
        else:
            path.write_bytes(content)


def _check(root: Path) -> None:
    try:
        report = load_corpus(root)
    except CorpusError as err:
        assert str(err).startswith((str(root / "manifest.tsv"), str(root / "articles"))), str(err)
        event("manifest refused")
        return
    event(f"articles loaded: {min(len(report.articles), 2)}")
    event(f"problems: {min(len(report.problems), 3)}")
    for problem in report.problems:
        message = str(problem)
        assert message.startswith(("manifest.tsv:", "articles/")), message
        assert message.isprintable(), repr(message)
    for article in report.articles:
        raw = Path(root / "articles" / article.file).read_bytes()
        assert article.text == raw.decode("utf-8")
        assert len(normalise(article.text)) == len(article.text)


@FUZZ
@given(manifest=manifests(), files=articles())
def test_fuzz_structured_corpus(manifest: bytes, files: dict[str, bytes | str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        _materialise(Path(tmp), manifest, files)
        _check(Path(tmp))


@FUZZ
@given(manifest=st.none() | st.binary(max_size=400) | st.binary(max_size=400).map(HEADER.__add__), files=articles())
def test_fuzz_raw_manifest_bytes(manifest: bytes | None, files: dict[str, bytes | str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        _materialise(Path(tmp), manifest, files)
        _check(Path(tmp))


@settings(max_examples=2000, deadline=None, derandomize=True)
@given(data=st.binary(max_size=2000) | st.text(max_size=500).map(lambda t: t.encode("utf-8", "surrogatepass")))
def test_fuzz_decode_article(data: bytes) -> None:
    try:
        text = decode_article(data)
    except ValueError as err:
        assert str(err).startswith("article "), str(err)
        return
    assert text == data.decode("utf-8")
    assert len(normalise(text)) == len(text)


@settings(max_examples=2000, deadline=None, derandomize=True)
@given(text=st.text(alphabet=st.characters(codec=None), max_size=400))
def test_fuzz_normalise_keeps_length(text: str) -> None:
    assert len(normalise(text)) == len(text)
