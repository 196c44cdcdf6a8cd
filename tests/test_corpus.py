"""Corpus loading: every bad input gets a located message and the rest still loads."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.corpus import CorpusError, load_corpus, normalise

HEADER = "file\tsource_url\tpublished\ttitle\n"
GOOD = "MINSK, 1 March (BelTA) - President of Belarus Alexander Lukashenko met with Nikolai Patrushev.\n"


def make_corpus(root: Path, rows: list[str], files: dict[str, bytes]) -> Path:
    (root / "articles").mkdir(parents=True)
    (root / "manifest.tsv").write_text(HEADER + "".join(r + "\n" for r in rows), encoding="utf-8")
    for name, data in files.items():
        (root / "articles" / name).write_bytes(data)
    return root


def row(name: str, published: str = "2012-03-01", url: str = "https://example.org/a", title: str = "T") -> str:
    return f"{name}\t{url}\t{published}\t{title}"


def messages(report) -> list[str]:
    return [str(p) for p in report.problems]


def test_seed_corpus_loads_clean() -> None:
    report = load_corpus(Path(__file__).resolve().parent.parent / "corpus")
    assert report.problems == []
    assert len(report.articles) == 5
    published = {a.id: a.published.isoformat() for a in report.articles}
    assert published["001_42b2b26ee32dc11b"] == "2012-03-01"
    assert all(len(a.sha256) == 64 for a in report.articles)


def test_good_article_fields(tmp_path: Path) -> None:
    corpus = make_corpus(tmp_path, [row("a.txt")], {"a.txt": GOOD.encode()})
    (article,) = load_corpus(corpus).articles
    assert article.id == "a"
    assert article.text == GOOD
    assert article.published.isoformat() == "2012-03-01"


@pytest.mark.parametrize(
    ("manifest_row", "files", "expected"),
    [
        (row("missing.txt"), {}, "manifest.tsv:2 (missing.txt): file 'missing.txt' not found"),
        (row("a.txt", published="31.02.2013"), {"a.txt": GOOD.encode()}, "is not a YYYY-MM-DD date"),
        (row("a.txt", published="2013-02-31"), {"a.txt": GOOD.encode()}, "'2013-02-31' is not a real calendar date"),
        (row("a.txt", url="ftp://x"), {"a.txt": GOOD.encode()}, "source_url 'ftp://x' is not an http(s) URL"),
        (row("a.txt", title=""), {"a.txt": GOOD.encode()}, "title is empty"),
        (row("a.txt"), {"a.txt": b""}, "article is empty"),
        (row("a.txt"), {"a.txt": b"  \n\t\n"}, "article is empty"),
        (row("a.txt"), {"a.txt": b"caf\xe9 au lait"}, "article is not UTF-8 (byte 0xe9 at offset 3)"),
        (row("a.txt"), {"a.txt": b"\x00\x01\x02binary"}, "article looks binary"),
        (row("a.txt"), {"a.txt": b"<!DOCTYPE html><html><body>x</body></html>"}, "article is an HTML page"),
        (row("../etc/passwd"), {}, "must be a plain file name inside articles/"),
        (row(".hidden.txt"), {".hidden.txt": GOOD.encode()}, "must be a plain file name"),
    ],
)
def test_bad_rows_are_reported_with_location(tmp_path: Path, manifest_row: str, files: dict, expected: str) -> None:
    corpus = make_corpus(tmp_path, [manifest_row, row("ok.txt")], {**files, "ok.txt": GOOD.encode()})
    report = load_corpus(corpus)
    assert [a.id for a in report.articles] == ["ok"], "the good article must still load"
    assert len(report.problems) == 1
    assert expected in messages(report)[0]
    assert messages(report)[0].startswith("manifest.tsv:2")


def test_duplicates_and_unlisted(tmp_path: Path) -> None:
    corpus = make_corpus(
        tmp_path,
        [row("a.txt"), row("a.txt")],
        {"a.txt": GOOD.encode(), "stray.txt": GOOD.encode()},
    )
    report = load_corpus(corpus)
    got = messages(report)
    assert "manifest.tsv:3: file 'a.txt' already listed on line 2" in got
    assert "articles/stray.txt: file is not listed in manifest.tsv" in got
    assert [a.id for a in report.articles] == ["a"]


def test_duplicate_id_column(tmp_path: Path) -> None:
    (tmp_path / "articles").mkdir()
    (tmp_path / "manifest.tsv").write_text(
        "id\tfile\tsource_url\tpublished\ttitle\n"
        "x\ta.txt\thttps://e.org/a\t2012-01-01\tA\n"
        "x\tb.txt\thttps://e.org/b\t2012-01-02\tB\n",
        encoding="utf-8",
    )
    for name in ("a.txt", "b.txt"):
        (tmp_path / "articles" / name).write_text(GOOD, encoding="utf-8")
    report = load_corpus(tmp_path)
    assert messages(report) == ["manifest.tsv:3: duplicate id 'x' (first on line 2)"]


def test_symlink_out_of_corpus_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "secret.txt"
    outside.write_text(GOOD, encoding="utf-8")
    corpus = make_corpus(tmp_path / "c", [row("a.txt")], {})
    (corpus / "articles" / "a.txt").symlink_to(outside)
    report = load_corpus(corpus)
    assert report.articles == []
    assert "symlink out of the corpus folder" in messages(report)[0]


def test_missing_manifest_and_columns(tmp_path: Path) -> None:
    (tmp_path / "articles").mkdir()
    with pytest.raises(CorpusError, match="manifest not found"):
        load_corpus(tmp_path)
    (tmp_path / "manifest.tsv").write_text("file\tpublished\n", encoding="utf-8")
    with pytest.raises(CorpusError, match=r"manifest.tsv:1: missing column\(s\): source_url, title"):
        load_corpus(tmp_path)


def test_bom_is_accepted_and_offsets_kept(tmp_path: Path) -> None:
    corpus = make_corpus(tmp_path, [row("a.txt")], {"a.txt": "\ufeff".encode() + GOOD.encode()})
    (article,) = load_corpus(corpus).articles
    assert article.text.startswith("\ufeff")
    assert normalise(article.text).startswith(" MINSK")


def test_normalise_keeps_length_and_blanks_boilerplate() -> None:
    text = "/ / News\n01.03.2012\n\n  • 7\nHe said: «We agree»\u00a0today.\r\n"
    clean = normalise(text)
    assert len(clean) == len(text)
    assert "News" not in clean and "•" not in clean
    assert "01.03.2012" in clean
    assert "“We agree” today." in clean
