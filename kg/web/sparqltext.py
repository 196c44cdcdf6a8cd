r"""Lexical checks on SPARQL text, made before a query reaches the engine.

The text is reduced to a *skeleton*: comments, string literals and IRIs are blanked out
(left to right, as a lexer would), so that keywords inside them do not count. Codepoint
escapes (``\u0053``) are decoded first, as SPARQL §19.2 allows; when in doubt, a check
errs towards finding a keyword.

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
"""

from __future__ import annotations

import re

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


def _unescape(match: re.Match[str]) -> str:
    code = int(match.group(1) or match.group(2), 16)
    return chr(code) if code <= 0x10FFFF else "\ufffd"


def skeleton(text: str) -> str:
    """The query with comments, strings and IRIs replaced by a space."""
    return _BLANKED.sub(" ", _ESCAPE.sub(_unescape, text))


def operation(text: str) -> str | None:
    """The first keyword after the prologue (``SELECT``, ``INSERT`` …), upper-cased, or None."""
    skel = skeleton(text)
    prologue = _PROLOGUE.match(skel)
    word = _WORD.match(skel, prologue.end() if prologue else 0)
    return word.group(0).upper() if word else None


def is_update(text: str) -> bool:
    """True when the text is (or starts like) a SPARQL Update request."""
    return operation(text) in UPDATE_KEYWORDS


def _has_keyword(text: str, keyword: str) -> bool:
    pattern = re.compile(rf"(?<![\w:?$\-]){keyword}(?![\w:\-])", re.IGNORECASE)
    return pattern.search(skeleton(text)) is not None


def uses_service(text: str) -> bool:
    """True when the query contains a ``SERVICE`` clause (a federated call to another endpoint)."""
    return _has_keyword(text, "SERVICE")


def has_dataset_clause(text: str) -> bool:
    """True when the query names its own dataset with ``FROM`` / ``FROM NAMED``."""
    return _has_keyword(text, "FROM")
