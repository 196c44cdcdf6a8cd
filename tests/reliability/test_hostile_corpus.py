"""Hostile and broken corpus input: each gets its exact, located message; the rest still loads.

Every case puts one bad input next to a good article ``ok.txt`` and asserts the complete
list of problems (exact strings) and that ``ok`` still loads. What the build does with the
same inputs (exit 1, other graphs untouched) is in ``test_hostile_build.py``.
"""

from __future__ import annotations

import os
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import pytest

from kg.corpus import MAX_ARTICLE_BYTES, CorpusError, load_corpus, normalise, read_manifest

HEADER = "file\tsource_url\tpublished\ttitle"
GOOD = "MINSK, 1 March (BelTA) - President of Belarus Alexander Lukashenko met with Nikolai Patrushev.\n"
OK_ROW = "ok.txt\thttps://example.org/ok\t2012-03-01\tOK"


def row(name: str = "a.txt", published: str = "2012-03-01", url: str = "https://example.org/a",
        title: str = "T") -> str:
    return f"{name}\t{url}\t{published}\t{title}"


def corpus(root: Path, rows: list[str], files: dict[str, bytes], header: str = HEADER) -> Path:
    """A corpus with ``rows`` then the good row, ``files`` plus the good article."""
    (root / "articles").mkdir(parents=True)
    text = "\n".join([header, *rows, OK_ROW]) + "\n"
    (root / "manifest.tsv").write_bytes(text.encode("utf-8", "surrogateescape"))
    for name, data in {**files, "ok.txt": GOOD.encode()}.items():
        (root / "articles" / name).write_bytes(data)
    return root


def problems(root: Path) -> list[str]:
    report = load_corpus(root)
    assert "ok" in [a.id for a in report.articles], "the good article must still load"
    return [str(p) for p in report.problems]


BIG_PREFIX = GOOD * 100  # > 8 kB, so a later NUL is not in the binary sniffing window
ARTICLE_CASES: dict[str, tuple[bytes, str]] = {
    "latin-1 bytes": (b"caf\xe9 au lait\n",
                      "article is not UTF-8 (byte 0xe9 at offset 3) on line 1; save it as UTF-8"),
    "bad byte on line 2": (b"first line\nsecond \xff line\n",
                           "article is not UTF-8 (byte 0xff at offset 18) on line 2; save it as UTF-8"),
    "truncated UTF-8": ("Minsk \u2013".encode()[:-1],
                        "article is not UTF-8 (byte 0xe2 at offset 6) on line 1; save it as UTF-8"),
    "UTF-16 with BOM": ("Minsk".encode("utf-16"),
                        "article is not UTF-8 (byte 0xff at offset 0); it is UTF-16 text, save it as UTF-8"),
    "NUL bytes at the start": (b"\x00\x01\x02binary", "article looks binary (NUL byte at offset 0), not UTF-8 text"),
    "NUL byte later": (BIG_PREFIX.encode() + b"\x00tail",
                       f"article contains a NUL byte at offset {len(BIG_PREFIX)} (a corrupted or binary file)"),
    "all byte values": (bytes(range(256)), "article looks binary (NUL byte at offset 0), not UTF-8 text"),
    "PNG image": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
                  "article is a PNG image, not plain text; save the article text as UTF-8"),
    "PDF": (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n",
            "article is a PDF document, not plain text; save the article text as UTF-8"),
    "docx": (b"PK\x03\x04\x14\x00\x06\x00",
             "article is a ZIP archive (e.g. a .docx), not plain text; save the article text as UTF-8"),
    "HTML page": (b"<!DOCTYPE html><html><body>x</body></html>",
                  "article is an HTML page, not plain text; save the article text only"),
    "HTML after blank lines": (b"\n\n  <html lang='en'><p>x</p></html>",
                               "article is an HTML page, not plain text; save the article text only"),
    "HTML fragment": (b"<div class='news'>Minsk</div>",
                      "article is an HTML page, not plain text; save the article text only"),
    "empty": (b"", "article is empty"),
    "whitespace only": (b"  \n\t\r\n", "article is empty"),
    "BOM and whitespace": ("\ufeff  \n".encode(), "article has no text"),
    "no-break spaces only": ("\u00a0\u00a0\n".encode(), "article has no text"),
    "just over the size limit": (b"x" * (MAX_ARTICLE_BYTES + 1),
                                 f"article is {MAX_ARTICLE_BYTES + 1} bytes; the limit is {MAX_ARTICLE_BYTES}"),
}


@pytest.mark.parametrize("case", list(ARTICLE_CASES))
def test_bad_article_bytes(case: str, tmp_path: Path) -> None:
    data, message = ARTICLE_CASES[case]
    root = corpus(tmp_path, [row()], {"a.txt": data})
    assert problems(root) == [f"manifest.tsv:2 (a.txt): {message}"]


ACCEPTED_TEXTS = {
    "UTF-8 BOM": "\ufeff" + GOOD,
    "CRLF line ends": GOOD.replace("\n", "\r\n") * 3,
    "bare CR line ends": GOOD.replace("\n", "\r") * 3,
    "control characters": "Minsk\x07 \x1b[31m said\x0c" + GOOD,
    "BOM in the middle and odd spaces": GOOD + "\ufeff\u200b\u2009\u202f" + GOOD,
    "angle brackets in text": "<<Belarus>> and Russia: a < b > c\n" + GOOD,
    "exactly the size limit": (GOOD * (MAX_ARTICLE_BYTES // len(GOOD) + 1))[:MAX_ARTICLE_BYTES],
}


@pytest.mark.parametrize("case", list(ACCEPTED_TEXTS))
def test_accepted_texts_keep_offsets(case: str, tmp_path: Path) -> None:
    text = ACCEPTED_TEXTS[case]
    root = corpus(tmp_path, [row()], {"a.txt": text.encode()})
    report = load_corpus(root)
    assert report.problems == []
    article = next(a for a in report.articles if a.id == "a")
    assert article.text == text, "the text is stored exactly as decoded"
    assert len(normalise(article.text)) == len(text), "offsets into the normalised text stay valid"


def test_crlf_normalises_like_lf() -> None:
    assert normalise("a\r\nb") == "a\n\nb"
    assert normalise(GOOD.replace("\n", "\r\n")).split() == normalise(GOOD).split()


def test_50_mb_article_is_refused_unread(tmp_path: Path) -> None:
    root = corpus(tmp_path, [row()], {})
    with open(root / "articles" / "a.txt", "wb") as fh:
        fh.truncate(50 * 1024 * 1024)
    tracemalloc.start()
    started = time.monotonic()
    try:
        found = problems(root)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert found == [f"manifest.tsv:2 (a.txt): article is 52428800 bytes; the limit is {MAX_ARTICLE_BYTES}"]
    assert time.monotonic() - started < 2
    assert peak < 4 * 1024 * 1024, f"{peak} bytes allocated: the file was read"


PLAIN = "must be a plain file name inside articles/"
ROW_CASES: dict[str, tuple[str, str]] = {
    "date 31.02.2013": (row(published="31.02.2013"),
                        "manifest.tsv:2 (a.txt): published '31.02.2013' is not a YYYY-MM-DD date"),
    "date 2013-02-31": (row(published="2013-02-31"),
                        "manifest.tsv:2 (a.txt): published '2013-02-31' is not a real calendar date"),
    "date 2013-2-3": (row(published="2013-2-3"),
                      "manifest.tsv:2 (a.txt): published '2013-2-3' is not a YYYY-MM-DD date"),
    "date year 0": (row(published="0000-01-01"),
                    "manifest.tsv:2 (a.txt): published '0000-01-01' is not a real calendar date"),
    "date in Arabic-Indic digits": (row(published="٢٠١٣-٠٢-٠١"),
                                    "manifest.tsv:2 (a.txt): published '٢٠١٣-٠٢-٠١' is not a YYYY-MM-DD date"),
    "date missing": (row(published=""), "manifest.tsv:2 (a.txt): published '' is not a YYYY-MM-DD date"),
    "url ftp": (row(url="ftp://x"), "manifest.tsv:2 (a.txt): source_url 'ftp://x' is not an http(s) URL"),
    "url with space": (row(url="https://example.org/a b"),
                       "manifest.tsv:2 (a.txt): source_url 'https://example.org/a b' is not an http(s) URL"),
    "url not an IRI": (row(url="https://example.org/<x>"),
                       "manifest.tsv:2 (a.txt): source_url 'https://example.org/<x>' is not a valid IRI "
                       "(Invalid IRI code point '<')"),
    "title empty": (row(title=""), "manifest.tsv:2 (a.txt): title is empty"),
    "traversal ../": (row("../y.txt"), f"manifest.tsv:2 (../y.txt): file '../y.txt' {PLAIN}"),
    "absolute path": (row("/etc/passwd"), f"manifest.tsv:2 (/etc/passwd): file '/etc/passwd' {PLAIN}"),
    "backslashes": (row("..\\..\\y.txt"), f"manifest.tsv:2 (..\\..\\y.txt): file '..\\\\..\\\\y.txt' {PLAIN}"),
    "subfolder": (row("sub/a.txt"), f"manifest.tsv:2 (sub/a.txt): file 'sub/a.txt' {PLAIN}"),
    "dot-dot": (row(".."), f"manifest.tsv:2 (..): file '..' {PLAIN}"),
    "hidden file": (row(".a.txt"), f"manifest.tsv:2 (.a.txt): file '.a.txt' {PLAIN}"),
    "escape sequence in name": (row("a\x1b[2J.txt"), f"manifest.tsv:2 (a\\x1b[2J.txt): file 'a\\x1b[2J.txt' {PLAIN}"),
    "NUL in name": (row("a\x00.txt"), "manifest.tsv:2: NUL byte at column 2"),
    "name too long": (row("a" * 300 + ".txt"),
                      "manifest.tsv:2 (" + "a" * 80 + "…): file name is longer than 255 bytes"),
    "no file": (row(""), "manifest.tsv:2 (no file): file is empty"),
    "missing file": (row("missing.txt"), "manifest.tsv:2 (missing.txt): file 'missing.txt' not found in articles/"),
    "bad id": ("x.txt\thttps://example.org/a\t2012-03-01\tT\t../../x",
               "manifest.tsv:2 (x.txt): id '../../x' must be letters, digits, '_', '.' or '-' (at most 200)"),
    "too many fields": (row() + "\tsurplus", "manifest.tsv:2: 5 fields, the header has 4 (a tab inside a value?)"),
    "too few fields": ("a.txt\thttps://example.org/a\t2012-03-01 T",
                       "manifest.tsv:2: 3 fields, the header has 4 (a missing tab?)"),
    "latin-1 title": (row(title="Caf\udce9"),
                      "manifest.tsv:2: not UTF-8 (byte 0xe9 at column 43); save the manifest as UTF-8"),
    "carriage return inside": (row(title="T\rU"), "manifest.tsv:2: carriage return inside the line at column 41"),
    "line over 64 kB": (row(title="T" * 70_000), "manifest.tsv:2: line is longer than 65536 bytes"),
}


@pytest.mark.parametrize("case", list(ROW_CASES))
def test_bad_manifest_rows(case: str, tmp_path: Path) -> None:
    manifest_row, message = ROW_CASES[case]
    header = HEADER + ("\tid" if case == "bad id" else "")
    good = {"a.txt": GOOD.encode(), "x.txt": GOOD.encode()}
    root = corpus(tmp_path, [manifest_row], good, header=header)
    if case == "bad id":
        (root / "manifest.tsv").write_text(f"{header}\n{manifest_row}\n{OK_ROW}\t\n{row()}\t\n", encoding="utf-8")
    found = problems(root)
    assert found[0] == message
    assert all(p.endswith(": file is not listed in manifest.tsv") for p in found[1:]), found


def test_bad_rows_keep_their_ids_listed(tmp_path: Path) -> None:
    """A row that cannot be used still protects the graph its id already has (build keeps it)."""
    root = corpus(tmp_path, [row("a.txt", title="Caf\udce9"), row("b.txt", published="x")], {"a.txt": b"x"})
    assert {"a", "b", "ok"} <= load_corpus(root).listed_ids


def test_trailing_empty_fields_and_blank_lines_are_accepted(tmp_path: Path) -> None:
    root = corpus(tmp_path, [row() + "\t\t", "", "   "], {"a.txt": GOOD.encode()})
    assert problems(root) == []


def test_manifest_with_crlf_and_bom(tmp_path: Path) -> None:
    root = corpus(tmp_path, [row()], {"a.txt": GOOD.encode()})
    data = (root / "manifest.tsv").read_bytes().replace(b"\n", b"\r\n")
    (root / "manifest.tsv").write_bytes(b"\xef\xbb\xbf" + data)
    assert problems(root) == []
    assert sorted(a.id for a in load_corpus(root).articles) == ["a", "ok"]


def test_duplicate_files_and_conflicting_ids(tmp_path: Path) -> None:
    header = HEADER + "\tid"
    root = corpus(tmp_path, [], {"a.txt": GOOD.encode(), "b.txt": GOOD.encode(), "c.txt": GOOD.encode()},
                  header=header)
    (root / "manifest.tsv").write_text("\n".join([
        header,
        row("a.txt") + "\t",          # id a
        row("a.txt") + "\tz",         # same file again, other id
        row("b.txt") + "\ta",         # other file, same id as line 2
        row("c.txt") + "\tb",         # id b: conflicts with nothing
        OK_ROW + "\t",
    ]) + "\n", encoding="utf-8")
    assert problems(root) == [
        "manifest.tsv:3: file 'a.txt' already listed on line 2",
        "manifest.tsv:4: duplicate id 'a' (first on line 2)",
    ]
    assert sorted(a.id for a in load_corpus(root).articles) == ["a", "b", "ok"]


def _symlink_case(tmp_path: Path, make: Callable[[Path, Path], None]) -> list[str]:
    root = corpus(tmp_path / "c", [row()], {"inside.txt": GOOD.encode(), ".inside.txt": GOOD.encode()})
    (root / "manifest.tsv").write_text(
        (root / "manifest.tsv").read_text(encoding="utf-8") + row("inside.txt") + "\n", encoding="utf-8")
    make(root / "articles" / "a.txt", tmp_path)
    return problems(root)


SYMLINK_CASES: dict[str, tuple[Callable[[Path, Path], None], list[str]]] = {
    "out of the corpus": (
        lambda link, tmp: (tmp.joinpath("secret.txt").write_text(GOOD), link.symlink_to(tmp / "secret.txt")),
        ["manifest.tsv:2 (a.txt): file 'a.txt' is a symlink out of the corpus folder (articles/)"]),
    "to /etc/passwd": (lambda link, tmp: link.symlink_to("/etc/passwd"),
                       ["manifest.tsv:2 (a.txt): file 'a.txt' is a symlink out of the corpus folder (articles/)"]),
    "to /dev/zero": (lambda link, tmp: link.symlink_to("/dev/zero"),
                     ["manifest.tsv:2 (a.txt): file 'a.txt' is a symlink out of the corpus folder (articles/)"]),
    "to the manifest": (lambda link, tmp: link.symlink_to("../manifest.tsv"),
                        ["manifest.tsv:2 (a.txt): file 'a.txt' is a symlink out of the corpus folder (articles/)"]),
    "relative ../../": (lambda link, tmp: (tmp.joinpath("s.txt").write_text(GOOD), link.symlink_to("../../s.txt")),
                        ["manifest.tsv:2 (a.txt): file 'a.txt' is a symlink out of the corpus folder (articles/)"]),
    "broken": (lambda link, tmp: link.symlink_to("nowhere.txt"),
               ["manifest.tsv:2 (a.txt): file 'a.txt' is a broken or looping symlink"]),
    "loop": (lambda link, tmp: link.symlink_to("a.txt"),
             ["manifest.tsv:2 (a.txt): file 'a.txt' is a broken or looping symlink"]),
    "inside the folder (fine)": (lambda link, tmp: link.symlink_to("inside.txt"), []),
    "to a hidden file inside (fine)": (lambda link, tmp: link.symlink_to(".inside.txt"), []),
    "directory instead of a file": (lambda link, tmp: link.mkdir(),
                                    ["manifest.tsv:2 (a.txt): file 'a.txt' is a directory, not a text file"]),
    "named pipe (must not block)": (lambda link, tmp: os.mkfifo(link),
                                    ["manifest.tsv:2 (a.txt): file 'a.txt' is not a regular file"]),
}


@pytest.mark.parametrize("case", list(SYMLINK_CASES))
def test_symlinks_and_special_files(case: str, tmp_path: Path) -> None:
    make, expected = SYMLINK_CASES[case]
    assert _symlink_case(tmp_path, make) == expected


@pytest.mark.skipif(os.geteuid() == 0, reason="runs as root: root reads files whatever their mode, "
                    "so an unreadable file cannot be simulated with chmod")
def test_unreadable_file(tmp_path: Path) -> None:  # pragma: no cover - not run as root
    root = corpus(tmp_path, [row()], {"a.txt": GOOD.encode()})
    (root / "articles" / "a.txt").chmod(0)
    assert problems(root) == ["manifest.tsv:2 (a.txt): cannot read file 'a.txt': Permission denied"]


def test_unlisted_files_with_hostile_names(tmp_path: Path) -> None:
    root = corpus(tmp_path, [], {})
    os.close(os.open(os.path.join(os.fsencode(root / "articles"), b"\xff\x1b[2J.txt"), os.O_CREAT | os.O_WRONLY))
    (root / "articles" / "drafts").mkdir()
    (root / "articles" / ".DS_Store").write_bytes(b"\x00")
    assert problems(root) == [
        "articles/drafts: file is not listed in manifest.tsv",
        "articles/\\udcff\\x1b[2J.txt: file is not listed in manifest.tsv",
    ]


MANIFEST_ERRORS: dict[str, tuple[bytes, str]] = {
    "empty": (b"", "manifest is empty (expected a header: file, source_url, published, title)"),
    "UTF-16": ((HEADER + "\n").encode("utf-16"), "manifest is UTF-16 text; save it as UTF-8"),
    "header not UTF-8": (b"file\tsource_url\tpublished\tt\xeftle\n", "1: header is not UTF-8 (byte 0xef at column 28)"),
    "wrong header": (b"name\turl\tdate\theadline\n", "1: missing column(s): file, source_url, published, title"),
    "comma-separated": (b"file,source_url,published,title\n",
                        "1: missing column(s): file, source_url, published, title; the manifest must be tab-separated"),
    "duplicate column": ((HEADER + "\ttitle\n").encode(), "1: duplicate column(s): title"),
    "bare CR line ends": ((HEADER + "\r" + OK_ROW + "\r").encode(),
                          "1: lines end in bare carriage returns; save with LF or CRLF line ends"),
    "binary": (bytes(range(256)) * 4, "1: missing column(s): file, source_url, published, title"),
    "huge header": (b"x" * 100_000, "1: header is longer than 65536 bytes"),
}


@pytest.mark.parametrize("case", list(MANIFEST_ERRORS))
def test_unusable_manifest_is_one_clear_error(case: str, tmp_path: Path) -> None:
    data, message = MANIFEST_ERRORS[case]
    (tmp_path / "articles").mkdir()
    (tmp_path / "manifest.tsv").write_bytes(data)
    manifest = tmp_path / "manifest.tsv"
    expected = f"{manifest}:{message}" if message[0].isdigit() else f"{manifest}: {message}"
    with pytest.raises(CorpusError) as caught:
        load_corpus(tmp_path)
    assert str(caught.value) == expected


def test_manifest_that_is_a_directory(tmp_path: Path) -> None:
    (tmp_path / "articles").mkdir()
    (tmp_path / "manifest.tsv").mkdir()
    with pytest.raises(CorpusError, match=r"manifest.tsv: (cannot read the manifest: Is a directory|manifest is not)"):
        load_corpus(tmp_path)


def test_read_manifest_skips_broken_rows(tmp_path: Path) -> None:
    """``kg extract`` reads dates and titles from the manifest: broken rows are simply absent."""
    root = corpus(tmp_path, [row("a.txt", title="Caf\udce9"), row("b.txt")], {})
    assert [r["file"] for _, r in read_manifest(root)] == ["b.txt", "ok.txt"]


def _big_manifest(root: Path, rows: int) -> Path:
    """``rows`` rows, one in 10,000 naming a file that exists."""
    lines = [row(f"{n:06d}.txt", url=f"https://example.org/{n}") for n in range(rows)]
    return corpus(root, lines, {f"{n:06d}.txt": GOOD.encode() for n in range(0, rows, 10_000)})


def test_100k_row_manifest_loads_in_seconds(tmp_path: Path) -> None:
    """100,000 rows, most naming files that do not exist: every row reported, in seconds."""
    root = _big_manifest(tmp_path, 100_000)
    started = time.monotonic()
    report = load_corpus(root)
    seconds = time.monotonic() - started
    assert len(report.articles) == 11
    assert len(report.problems) == 99_990
    assert str(report.problems[0]) == "manifest.tsv:3 (000001.txt): file '000001.txt' not found in articles/"
    assert seconds < 30, f"{seconds:.1f}s (about 3 s on an idle machine)"


def test_manifest_memory_is_per_problem_not_per_byte(tmp_path: Path) -> None:
    """The manifest is streamed: memory grows with the problems kept (well under 1 kB each), not with its size."""
    root = _big_manifest(tmp_path, 5_000)
    long_rows = "".join(row(f"long{n}.txt", title="T" * 60_000) + "\n" for n in range(300))
    with open(root / "manifest.tsv", "a", encoding="utf-8") as fh:
        fh.write(long_rows)  # 18 MB of titles
    tracemalloc.start()
    try:
        report = load_corpus(root)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(report.problems) == 4_999 + 300
    assert peak < 5_300 * 1024 + 2 * 1024 * 1024, f"{peak / 2**20:.1f} MiB"
