"""Manifest + article files → validated, normalised ``Article`` records.

``corpus/manifest.tsv`` is tab-separated with a header and the columns ``file``,
``source_url``, ``published`` (``YYYY-MM-DD``) and ``title``; optional ``id`` (default: the
file name without ``.txt``) and ``outlet``. Article files live in ``corpus/articles/``.

Every problem is reported with its location (``manifest.tsv:4`` or ``articles/x.txt``) and
the offending row or file is skipped; the rest of the corpus still loads. Only a manifest
that cannot be read at all (missing, empty, UTF-16, no usable header, more than
``MAX_MANIFEST_ROWS`` rows) raises :class:`CorpusError`. The manifest is streamed line by
line and article sizes are checked before reading, so huge or hostile input costs little.

Normalisation never changes the length of the text: ``Article.text`` is the file exactly as
decoded (offsets in the graph point into it) and ``normalise`` gives a same-length copy for
the NLP pipeline, with boilerplate lines blanked and odd characters turned into spaces or
plain quote marks.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from pyoxigraph import NamedNode

from kg.records import Article

REQUIRED_COLUMNS = ("file", "source_url", "published", "title")
# 1 MB: several times the longest press-conference transcript, and spaCy's default
# max_length (1,000,000 characters). Extraction time and memory grow faster than linearly
# with length (about 70 s and 1 GB for 300 kB), so larger files are refused unread.
MAX_ARTICLE_BYTES = 1_000_000
MAX_MANIFEST_ROWS = 1_000_000
MAX_LINE_BYTES = 65_536
MAX_NAME_BYTES = 255
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,199}$")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)
# Lines that are page furniture, not text: "/ / News", "• 7", a lone bullet or rule.
_BOILERPLATE = re.compile(r"(?m)^[ \t]*(?:/[ \t]*/[ \t]*News|[•·▪][ \t]*\d*|[-–—_=*]{3,})[ \t]*$")
_CHAR_MAP = str.maketrans({
    "\ufeff": " ", "\u00a0": " ", "\u200b": " ", "\u2009": " ", "\u202f": " ", "\t": " ",
    "\r": "\n", "\x00": " ", "«": "“", "»": "”", "„": "“", "‟": "“", "″": '"',
    "\u2018": "'", "\u201b": "'", "\u2032": "'", "\u2013": "-", "\u2014": "-",
})
_CONTROL = re.compile(r"[\x01-\x08\x0b\x0c\x0e-\x1f\x7f]")
_HTML = re.compile(r"<(?:!doctype\s+html|html|head|body|meta|div|p|script|style|table|title)[\s>/]", re.IGNORECASE)
# Leading bytes of document formats that people save instead of the article text.
_MAGIC = (
    (b"%PDF-", "a PDF document"), (b"PK\x03\x04", "a ZIP archive (e.g. a .docx)"),
    (b"\xd0\xcf\x11\xe0", "an old Word/Office document"), (b"{\\rtf", "an RTF document"),
    (b"\x89PNG", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"), (b"GIF8", "a GIF image"),
    (b"\x1f\x8b", "a gzip archive"), (b"\x7fELF", "a program"),
)
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


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
    """The articles that loaded and the problems found on the way.

    ``listed_ids`` holds the id of every manifest row, loadable or not, so a build never
    drops the graph of an article whose row or file is (perhaps only briefly) broken.
    """

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


def shown(value: str, limit: int = 80) -> str:
    """``value`` made safe to print: control characters escaped, long values cut.

    >>> shown("a\\x1b[31m.txt")
    'a\\\\x1b[31m.txt'
    >>> shown("x" * 100, limit=5)
    'xxxxx…'
    """
    if len(value) <= limit and value.isprintable():
        return value
    cut = value[:limit]
    safe = "".join(c if c.isprintable() else repr(c)[1:-1] for c in cut)
    return safe + ("…" if len(value) > limit else "")


def _q(value: str) -> str:
    """A quoted, printable rendering of a user-supplied value for messages."""
    return repr(value if len(value) <= 80 else value[:80] + "…")


def _parse_date(value: str) -> date:
    if not _DATE.fullmatch(value):
        raise ValueError(f"published {_q(value)} is not a YYYY-MM-DD date")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"published {_q(value)} is not a real calendar date") from None


def _check_url(url: str) -> None:
    if not _URL.match(url):
        raise ValueError(f"source_url {_q(url)} is not an http(s) URL")
    try:
        NamedNode(url)
    except ValueError as err:
        raise ValueError(f"source_url {_q(url)} is not a valid IRI ({err})") from None


def decode_article(data: bytes) -> str:
    """Decode an article file, or raise ValueError saying precisely why it is not text.

    >>> decode_article(b"\\xef\\xbb\\xbfHello")
    '\\ufeffHello'
    >>> decode_article(b"%PDF-1.7 ...")
    Traceback (most recent call last):
    ValueError: article is a PDF document, not plain text; save the article text as UTF-8
    """
    if not data.strip():
        raise ValueError("article is empty")
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            raise ValueError(f"article is {kind}, not plain text; save the article text as UTF-8")
    nul = data.find(b"\x00")
    if data.startswith(_UTF16_BOMS):
        raise ValueError(f"article is not UTF-8 (byte 0x{data[0]:02x} at offset 0); it is UTF-16 text, "
                         "save it as UTF-8")
    if 0 <= nul < 8192:
        raise ValueError(f"article looks binary (NUL byte at offset {nul}), not UTF-8 text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        raise ValueError(f"article is not UTF-8 (byte 0x{data[err.start]:02x} at offset {err.start}) "
                         f"on line {line}; save it as UTF-8") from None
    if nul >= 0:
        raise ValueError(f"article contains a NUL byte at offset {nul} (a corrupted or binary file)")
    if _HTML.match(text.lstrip("\ufeff \n\r\t")) or "<html" in text[:1000].lower():
        raise ValueError("article is an HTML page, not plain text; save the article text only")
    if not text.strip("\ufeff \n\r\t\x0b\x0c\u00a0\u200b"):
        raise ValueError("article has no text")
    return text


def _read_limited(path: str, name: str) -> bytes:
    """The bytes of a regular file of at most ``MAX_ARTICLE_BYTES``, checked before reading."""
    flags = os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW | os.O_CLOEXEC
    try:
        fd = os.open(path, flags)
    except OSError as err:
        raise ValueError(f"cannot read file {_q(name)}: {err.strerror or err}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise ValueError(f"file {_q(name)} is not a regular file")
        if info.st_size > MAX_ARTICLE_BYTES:
            raise ValueError(f"article is {info.st_size} bytes; the limit is {MAX_ARTICLE_BYTES}")
        chunks, total = [], 0
        while total <= MAX_ARTICLE_BYTES and (chunk := os.read(fd, min(1 << 20, MAX_ARTICLE_BYTES + 1 - total))):
            chunks.append(chunk)
            total += len(chunk)
    except OSError as err:
        raise ValueError(f"cannot read file {_q(name)}: {err.strerror or err}") from None
    finally:
        os.close(fd)
    if total > MAX_ARTICLE_BYTES:
        raise ValueError(f"article is over {MAX_ARTICLE_BYTES} bytes (it grew while being read)")
    return b"".join(chunks)


def _resolve_file(articles_dir: Path, name: str) -> str:
    """The path to read for a manifest file name, refusing anything outside ``articles_dir``."""
    if not name:
        raise ValueError("file is empty")
    if "/" in name or "\\" in name or name.startswith(".") or not name.isprintable():
        raise ValueError(f"file {_q(name)} must be a plain file name inside articles/")
    if len(name.encode("utf-8", "surrogateescape")) > MAX_NAME_BYTES:
        raise ValueError(f"file name is longer than {MAX_NAME_BYTES} bytes")
    path = os.path.join(articles_dir, name)
    try:
        info = os.lstat(path)
        if stat.S_ISLNK(info.st_mode):
            try:
                target = Path(path).resolve(strict=True)
            except (OSError, RuntimeError):
                raise ValueError(f"file {_q(name)} is a broken or looping symlink") from None
            if articles_dir.resolve() not in target.parents:
                raise ValueError(f"file {_q(name)} is a symlink out of the corpus folder (articles/)")
            path, info = str(target), os.lstat(target)
    except FileNotFoundError:
        raise ValueError(f"file {_q(name)} not found in articles/") from None
    except OSError as err:
        raise ValueError(f"cannot read file {_q(name)}: {err.strerror or err}") from None
    if stat.S_ISDIR(info.st_mode):
        raise ValueError(f"file {_q(name)} is a directory, not a text file")
    if not stat.S_ISREG(info.st_mode):
        raise ValueError(f"file {_q(name)} is not a regular file")
    return path


@dataclass(frozen=True)
class _Line:
    """One manifest data line: its fields by column, or why it cannot be used."""

    number: int
    row: dict[str, str]
    problem: str | None = None


def _raw_lines(fh) -> Iterator[tuple[int, bytes, bool]]:
    """(line number, bytes without the line end, too long) for each line, memory-bounded."""
    number = 0
    while raw := fh.readline(MAX_LINE_BYTES + 1):
        number += 1
        too_long = len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n")
        if too_long:
            while (rest := fh.readline(MAX_LINE_BYTES)) and not rest.endswith(b"\n"):
                pass
        if raw.endswith(b"\n"):
            raw = raw[:-1]
        if raw.endswith(b"\r"):
            raw = raw[:-1]
        yield number, raw, too_long


def _line_problem(raw: bytes, too_long: bool) -> str | None:
    if too_long:
        return f"line is longer than {MAX_LINE_BYTES} bytes"
    if (nul := raw.find(b"\x00")) >= 0:
        return f"NUL byte at column {nul + 1}"
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as err:
        return f"not UTF-8 (byte 0x{raw[err.start]:02x} at column {err.start + 1}); save the manifest as UTF-8"
    if (cr := raw.find(b"\r")) >= 0:
        return f"carriage return inside the line at column {cr + 1}"
    return None


def _header(manifest: Path, raw: bytes | None) -> list[str]:
    where = f"{manifest}:1"
    if raw is None:
        raise CorpusError(f"{manifest}: manifest is empty (expected a header: {', '.join(REQUIRED_COLUMNS)})")
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    if b"\r" in raw:
        raise CorpusError(f"{where}: lines end in bare carriage returns; save with LF or CRLF line ends")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise CorpusError(f"{where}: header is not UTF-8 (byte 0x{raw[err.start]:02x} at column "
                          f"{err.start + 1})") from None
    columns = [c.strip() for c in text.split("\t")]
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        hint = "; the manifest must be tab-separated" if "\t" not in text and "," in text else ""
        raise CorpusError(f"{where}: missing column(s): {', '.join(missing)}{hint}")
    duplicated = sorted({c for c in columns if c and columns.count(c) > 1})
    if duplicated:
        raise CorpusError(f"{where}: duplicate column(s): {', '.join(duplicated)}")
    return columns


def _manifest_lines(corpus_dir: Path) -> Iterator[_Line]:
    """Stream the manifest's data lines; raise CorpusError if the manifest is unusable."""
    manifest = corpus_dir / "manifest.tsv"
    try:
        fh = manifest.open("rb")
    except FileNotFoundError:
        raise CorpusError(f"{manifest}: manifest not found") from None
    except OSError as err:
        raise CorpusError(f"{manifest}: cannot read the manifest: {err.strerror or err}") from None
    with fh:
        try:
            if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
                raise CorpusError(f"{manifest}: manifest is not a regular file")
            if fh.peek(2)[:2] in _UTF16_BOMS:
                raise CorpusError(f"{manifest}: manifest is UTF-16 text; save it as UTF-8")
            lines = _raw_lines(fh)
            first = next(lines, None)
            if first is not None and first[2]:
                raise CorpusError(f"{manifest}:1: header is longer than {MAX_LINE_BYTES} bytes")
            columns = _header(manifest, first[1] if first else None)
            width = len(columns)
            for number, raw, too_long in lines:
                if number - 1 > MAX_MANIFEST_ROWS:
                    raise CorpusError(f"{manifest}:{number}: more than {MAX_MANIFEST_ROWS} rows")
                text = raw.decode("utf-8", "surrogateescape")
                if not text.strip():
                    continue
                values = text.split("\t")
                row = {c: v.strip() for c, v in zip(columns, values, strict=False) if c}
                problem = _line_problem(raw, too_long)
                if problem is None and len(values) != width and any(v.strip() for v in values[width:]):
                    problem = f"{len(values)} fields, the header has {width} (a tab inside a value?)"
                elif problem is None and len(values) < width:
                    problem = f"{len(values)} fields, the header has {width} (a missing tab?)"
                yield _Line(number, row, problem)
        except OSError as err:
            raise CorpusError(f"{manifest}: cannot read the manifest: {err.strerror or err}") from None


def read_manifest(corpus_dir: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (line number, row) for each usable manifest row; raise CorpusError if it is unusable."""
    for line in _manifest_lines(Path(corpus_dir)):
        if line.problem is None:
            yield line.number, line.row


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
        raise ValueError(f"id {_q(article_id)} must be letters, digits, '_', '.' or '-' (at most 200)")
    published = _parse_date(row.get("published", ""))
    url = row.get("source_url", "")
    _check_url(url)
    title = row.get("title", "")
    if not title:
        raise ValueError("title is empty")
    text = decode_article(_read_limited(path, name))
    return Article(
        id=article_id, file=name, url=url, published=published, title=title, text=text,
        sha256=sha256_text(text), outlet=row.get("outlet") or None,
    )


def load_corpus(corpus_dir: Path) -> CorpusReport:
    """Load every article the manifest lists; report (and skip) what is wrong.

    The first row that lists a file or an id wins; later rows with the same file or id are
    reported. Files in ``articles/`` that no row lists are reported (hidden files are not).
    """
    corpus_dir = Path(corpus_dir)
    articles_dir = corpus_dir / "articles"
    if not articles_dir.is_dir():
        raise CorpusError(f"{articles_dir}: articles folder not found")
    report = CorpusReport(articles=[], problems=[])
    seen_ids: dict[str, int] = {}
    seen_files: dict[str, int] = {}
    listed_files: set[str] = set()
    for line in _manifest_lines(corpus_dir):
        name = line.row.get("file", "")
        where = f"manifest.tsv:{line.number}"
        report.listed_ids.add(row_id(line.row))
        listed_files.add(name)
        if line.problem is not None:
            report.problems.append(Problem(where, line.problem))
            continue
        if name in seen_files:
            report.problems.append(Problem(where, f"file {_q(name)} already listed on line {seen_files[name]}"))
            continue
        seen_files[name] = line.number
        try:
            article = load_article(articles_dir, line.row)
        except ValueError as err:
            report.problems.append(Problem(f"{where} ({shown(name) or 'no file'})", str(err)))
            continue
        if article.id in seen_ids:
            first = seen_ids[article.id]
            report.problems.append(Problem(where, f"duplicate id {_q(article.id)} (first on line {first})"))
            continue
        seen_ids[article.id] = line.number
        report.articles.append(article)
    try:
        on_disk = sorted(os.listdir(articles_dir))
    except OSError as err:
        raise CorpusError(f"{articles_dir}: cannot list the articles folder: {err.strerror or err}") from None
    for entry in on_disk:
        if entry not in listed_files and not entry.startswith("."):
            report.problems.append(Problem(f"articles/{shown(entry)}", "file is not listed in manifest.tsv"))
    return report
