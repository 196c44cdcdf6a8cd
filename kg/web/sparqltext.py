r"""Lexical checks and rewrites on SPARQL text, made before a query reaches the engine.

The text is reduced to a *skeleton*: comments, string literals and IRIs are blanked out
(left to right, as a lexer would), so that keywords inside them do not count. Codepoint
escapes (``\u0053``) are decoded first, as SPARQL §19.2 allows; when in doubt, a check
errs towards finding a keyword. Rewrites (:func:`cap_limit`, :func:`add_using`) work on a
*mask* instead: the same blanking, but keeping every character's position.

>>> operation("PREFIX ex: <http://ex/select> # SELECT\nINSERT DATA { ex:a ex:b 'SELECT' }")
'INSERT'
>>> uses_service('SELECT * { ?s ?p "SERVICE <http://x>" }')
False
>>> uses_service("SELECT * { ?s ?p ?o . SERVICE <http://x> { ?s ?p ?o } }")
True
>>> uses_service("SELECT ?service { ?service ex:service ?o }")
False
>>> has_dataset_clause("SELECT * FROM <http://g> { ?s ?p ?o }")
True
>>> cap_limit("SELECT * { ?s ?p ?o }", 10)
'SELECT * { ?s ?p ?o }\nLIMIT 10'
>>> cap_limit("SELECT * { ?s ?p ?o } LIMIT 5 # LIMIT 99", 10) is None
True
>>> cap_limit("SELECT * { { SELECT * {} LIMIT 1 } } ORDER BY ?s LIMIT 500 OFFSET 2", 10)
'SELECT * { { SELECT * {} LIMIT 1 } } ORDER BY ?s LIMIT 10 OFFSET 2'
>>> add_using("INSERT { ?s a <urn:x> } WHERE { ?s ?p ?o }", ["urn:g"], [])
'INSERT { ?s a <urn:x> } USING <urn:g> WHERE { ?s ?p ?o }'
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from typing import TypeVar

UPDATE_KEYWORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}
)
QUERY_KEYWORDS = frozenset({"SELECT", "CONSTRUCT", "DESCRIBE", "ASK"})

_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_BLANKED = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*(?:"""|$)'
    r"|'''(?:[^'\\]|\\.|'(?!''))*(?:'''|$)"
    r'|"(?:[^"\\\n\r]|\\.)*"'
    r"|'(?:[^'\\\n\r]|\\.)*'"
    r"|<[^<>\"{}|^`\\\x00-\x20]*>"
    r"|#[^\n\r]*",
    re.DOTALL,
)
_PROLOGUE = re.compile(r"\s*(?:(?:PREFIX\s+[^\s:]*:|BASE)\s*)*", re.IGNORECASE)
_WORD = re.compile(r"[A-Za-z]+")
_VALUES_TAIL = re.compile(r"\bVALUES\s*(?:[?$]\w+|\([^()]*\))\s*\{[^{}]*\}\s*$", re.IGNORECASE)
_LIMIT_TAIL = re.compile(r"\bLIMIT\s+(\d+)(\s+OFFSET\s+\d+)?\s*$", re.IGNORECASE)
_OFFSET_LIMIT_TAIL = re.compile(r"\bOFFSET\s+\d+\s+LIMIT\s+(\d+)\s*$", re.IGNORECASE)
#: texts up to this long have what is found in them remembered (:func:`by_text`) …
MEMO_MAX_CHARS = 4096
#: … by each function, for this many texts (the least recently used are forgotten)
MEMO_ENTRIES = 256
R = TypeVar("R")


def by_text(fn: Callable[..., R]) -> Callable[..., R]:
    """Remember ``fn``'s answers for short texts: a pure function of a query text, which the
    same text (a client's repeated lookup, a page's query) meets on every request."""
    remembered = functools.lru_cache(maxsize=MEMO_ENTRIES)(fn)

    @functools.wraps(fn)
    def lookup(text: str, *args: object) -> R:
        return remembered(text, *args) if len(text) <= MEMO_MAX_CHARS else fn(text, *args)

    return lookup


def _unescape(match: re.Match[str]) -> str:
    code = int(match.group(1) or match.group(2), 16)
    return chr(code) if code <= 0x10FFFF else "\ufffd"


def skeleton(text: str) -> str:
    """The query with comments, strings and IRIs replaced by a space."""
    return _BLANKED.sub(" ", _ESCAPE.sub(_unescape, text))


def mask(text: str) -> str:
    """The text with comments, strings and IRIs blanked, every other character where it was."""
    return _BLANKED.sub(lambda m: " " * len(m.group(0)), text)


@by_text
def operation(text: str) -> str | None:
    """The first keyword after the prologue (``SELECT``, ``INSERT`` …), upper-cased, or None."""
    skel = skeleton(text)
    prologue = _PROLOGUE.match(skel)
    word = _WORD.match(skel, prologue.end() if prologue else 0)
    return word.group(0).upper() if word else None


def is_update(text: str) -> bool:
    """True when the text is (or starts like) a SPARQL Update request."""
    return operation(text) in UPDATE_KEYWORDS


def _keyword(keyword: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w:?$\-]){keyword}(?![\w:\-])", re.IGNORECASE)


def _has_keyword(text: str, keyword: str) -> bool:
    return _keyword(keyword).search(skeleton(text)) is not None


@by_text
def uses_service(text: str) -> bool:
    """True when the query contains a ``SERVICE`` clause (a federated call to another endpoint)."""
    return _has_keyword(text, "SERVICE")


def uses_load(text: str) -> bool:
    """True when an update contains ``LOAD`` (the server would fetch a document)."""
    return _has_keyword(text, "LOAD")


@by_text
def has_dataset_clause(text: str) -> bool:
    """True when the query names its own dataset with ``FROM`` / ``FROM NAMED``."""
    return _has_keyword(text, "FROM")


def has_update_dataset_clause(text: str) -> bool:
    """True when an update names its own dataset with ``USING`` or ``WITH``."""
    return _has_keyword(text, "USING") or _has_keyword(text, "WITH")


def _body_end(masked: str) -> int:
    """Where the solution modifiers end: before a trailing ``VALUES`` block, else the end."""
    values = _VALUES_TAIL.search(masked)
    return values.start() if values else len(masked.rstrip())


@by_text
def cap_limit(query: str, cap: int) -> str | None:
    """The SELECT ``query`` with its outermost ``LIMIT`` at most ``cap``, or None if it already is.

    A best-effort rewrite: the result may fail to parse (the caller then runs the original).
    """
    masked = mask(query)
    end = _body_end(masked)
    head = masked[:end]
    match = _LIMIT_TAIL.search(head) or _OFFSET_LIMIT_TAIL.search(head)
    if match:
        if int(match.group(1)) <= cap:
            return None
        return query[:match.start(1)] + str(cap) + query[match.end(1):]
    if end == len(masked.rstrip()):
        return f"{query}\nLIMIT {cap}"
    return f"{query[:end]}\nLIMIT {cap}\n{query[end:]}"


def add_using(update: str, graphs: Sequence[str], named: Sequence[str]) -> str:
    """``update`` with ``USING``/``USING NAMED`` clauses (protocol ``using-graph-uri`` …) before each
    top-level ``WHERE`` of a ``DELETE``/``INSERT`` operation (not ``DELETE WHERE``)."""
    clause = " ".join([*(f"USING <{g}>" for g in graphs), *(f"USING NAMED <{g}>" for g in named)])
    masked = mask(update)
    inserts: list[int] = []
    depth = 0
    for match in re.finditer(r"[{}]|\bWHERE\b|\bDELETE\b|\bINSERT\b", masked, re.IGNORECASE):
        token = match.group(0)
        if token == "{":
            depth += 1
        elif token == "}":
            depth -= 1
        elif token.upper() == "WHERE" and depth == 0:
            before = masked[:match.start()].rstrip()
            if not before.upper().endswith("DELETE"):
                inserts.append(match.start())
    for position in reversed(inserts):
        update = update[:position] + clause + " " + update[position:]
    return update
