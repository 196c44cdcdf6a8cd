"""Manifest + article files → validated, normalised ``Article`` records.

``corpus/manifest.tsv`` is tab-separated with a header and the columns ``file``,
``source_url``, ``published`` (``YYYY-MM-DD``) and ``title``; optional ``id`` (default: the
file name without ``.txt``) and ``outlet``. Article files live in ``corpus/articles/``.

Every problem is reported with its location (``manifest.tsv:4`` or the article file) and
the offending article is skipped; the rest of the corpus still loads.

Normalisation never changes the length of the text: ``Article.text`` is the file exactly as
decoded (offsets in the graph point into it) and ``normalise`` gives a same-length copy for
the NLP pipeline, with boilerplate lines blanked and odd characters turned into spaces or
plain quote marks.
"""

from __future__ import annotations

import csv
import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from kg.records import Article

REQUIRED_COLUMNS = ("file", "source_url", "published", "title")
MAX_ARTICLE_BYTES = 5_000_000
MAX_MANIFEST_ROWS = 1_000_000
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,199}$")
_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)
# Lines that are page furniture, not text: "/ / News", "• 7", a lone bullet or rule.
_BOILERPLATE = re.compile(r"(?m)^[ \t]*(?:/[ \t]*/[ \t]*News|[•·▪][ \t]*\d*|[-–—_=*]{3,})[ \t]*$")
_CHAR_MAP = str.maketrans({
    "\ufeff": " ", "\u00a0": " ", "\u200b": " ", "\u2009": " ", "\u202f": " ", "\t": " ",
    "\r": "\n", "\x00": " ", "«": "“", "»": "”", "„": "“", "‟": "“", "″": '"',
    "\u2018": "'", "\u201b": "'", "\u2032": "'", "\u2013": "-", "\u2014": "-",
})
_CONTROL = re.compile(r"[\x01-\x08\x0b\x0c\x0e-\x1f\x7f]")


class CorpusError(ValueError):
    """A corpus problem that stops loading altogether (no manifest, unreadable folder)."""


@dataclass(frozen=True)
class Problem:
    """One located problem: where it is and what is wrong."""

    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


@dataclass
class CorpusReport:
    """The articles that loaded and the problems found on the way."""

    articles: list[Article]
    problems: list[Problem]
    listed_ids: set[str] = field(default_factory=set)


def normalise(text: str) -> str:
    """Same-length clean copy of ``text`` for the NLP pipeline.

    >>> normalise("/ / News\\n\\u00a0• 7\\nIt\\u2019s «fine»\\ttoo")
    '        \\n    \\nIt’s “fine” too'
    >>> normalise("x\\ufeffy\\x00z")
    'x y z'
    """
    clean = _CONTROL.sub(" ", text.translate(_CHAR_MAP))
    return _BOILERPLATE.sub(lambda m: " " * len(m.group(0)), clean)


def sha256_text(text: str) -> str:
    """Content hash of an article's text (what incremental builds compare)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _parse_date(value: str) -> date:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError(f"published {value!r} is not a YYYY-MM-DD date")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"published {value!r} is not a real calendar date") from None


def decode_article(data: bytes) -> str:
    """Decode an article file, or raise ValueError saying precisely why it is not text."""
    if not data.strip():
        raise ValueError("article is empty")
    if b"\x00" in data[:8192]:
        raise ValueError("article looks binary (NUL bytes), not UTF-8 text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise ValueError(f"article is not UTF-8 (byte 0x{data[err.start]:02x} at offset {err.start})") from None
    head = text.lstrip("\ufeff \n\r\t")[:200].lower()
    if head.startswith(("<!doctype html", "<html")) or "<html" in head:
        raise ValueError("article is an HTML page, not plain text; save the article text only")
    if not text.strip("\ufeff \n\r\t"):
        raise ValueError("article has no text")
    return text


def _resolve_file(articles_dir: Path, name: str) -> Path:
    """The article path for a manifest file name, refusing anything outside ``articles_dir``."""
    if not name:
        raise ValueError("file is empty")
    if "/" in name or "\\" in name or name.startswith(".") or "\x00" in name:
        raise ValueError(f"file {name!r} must be a plain file name inside articles/")
    path = articles_dir / name
    if path.is_symlink():
        target = path.resolve()
        if articles_dir.resolve() not in target.parents:
            raise ValueError(f"file {name!r} is a symlink out of the corpus folder")
    if not path.is_file():
        raise ValueError(f"file {name!r} not found in {articles_dir}")
    return path


def read_manifest(corpus_dir: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (line number, row) from the manifest; raise CorpusError if it is unusable."""
    manifest = corpus_dir / "manifest.tsv"
    if not manifest.is_file():
        raise CorpusError(f"{manifest}: manifest not found")
    try:
        fh = manifest.open(encoding="utf-8-sig", newline="")
        with fh:
            reader = csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
            missing = [c for c in REQUIRED_COLUMNS if c not in (reader.fieldnames or [])]
            if missing:
                raise CorpusError(f"{manifest}:1: missing column(s): {', '.join(missing)}")
            for n, row in enumerate(reader, start=2):
                if n - 1 > MAX_MANIFEST_ROWS:
                    raise CorpusError(f"{manifest}:{n}: more than {MAX_MANIFEST_ROWS} rows")
                yield n, {k: (v or "").strip() for k, v in row.items() if k is not None}
    except UnicodeDecodeError as err:
        raise CorpusError(f"{manifest}: not UTF-8 (byte offset {err.start})") from None


def row_id(row: dict[str, str]) -> str:
    """The article id of a manifest row: its ``id`` column, else the file name without ``.txt``."""
    name = row.get("file", "")
    return row.get("id") or (name[:-4] if name.endswith(".txt") else name)


def load_article(articles_dir: Path, row: dict[str, str]) -> Article:
    """One manifest row → Article, or ValueError with a precise message."""
    name = row.get("file", "")
    path = _resolve_file(articles_dir, name)
    article_id = row_id(row)
    if not _ID.match(article_id):
        raise ValueError(f"id {article_id!r} must be letters, digits, '_', '.' or '-'")
    published = _parse_date(row.get("published", ""))
    url = row.get("source_url", "")
    if not _URL.match(url):
        raise ValueError(f"source_url {url!r} is not an http(s) URL")
    title = row.get("title", "")
    if not title:
        raise ValueError("title is empty")
    size = path.stat().st_size
    if size > MAX_ARTICLE_BYTES:
        raise ValueError(f"article is {size} bytes; the limit is {MAX_ARTICLE_BYTES}")
    text = decode_article(path.read_bytes())
    return Article(
        id=article_id, file=name, url=url, published=published, title=title, text=text,
        sha256=sha256_text(text), outlet=row.get("outlet") or None,
    )


def load_corpus(corpus_dir: Path) -> CorpusReport:
    """Load every article the manifest lists; report (and skip) what is wrong."""
    corpus_dir = Path(corpus_dir)
    articles_dir = corpus_dir / "articles"
    if not articles_dir.is_dir():
        raise CorpusError(f"{articles_dir}: articles folder not found")
    report = CorpusReport(articles=[], problems=[])
    seen_ids: dict[str, int] = {}
    seen_files: dict[str, int] = {}
    for line, row in read_manifest(corpus_dir):
        where = f"manifest.tsv:{line}"
        name = row.get("file", "")
        if name in seen_files:
            report.problems.append(Problem(where, f"file {name!r} already listed on line {seen_files[name]}"))
            continue
        seen_files[name] = line
        report.listed_ids.add(row_id(row))
        try:
            article = load_article(articles_dir, row)
        except ValueError as err:
            report.problems.append(Problem(f"{where} ({name or 'no file'})", str(err)))
            continue
        if article.id in seen_ids:
            first = seen_ids[article.id]
            report.problems.append(Problem(where, f"duplicate id {article.id!r} (first on line {first})"))
            continue
        seen_ids[article.id] = line
        report.articles.append(article)
    listed = set(seen_files)
    for path in sorted(articles_dir.iterdir()):
        if path.name not in listed and not path.name.startswith("."):
            report.problems.append(Problem(f"articles/{path.name}", "file is not listed in manifest.tsv"))
    return report
