r"""Recognise queries whose evaluation produces output at every step (the in-thread fast path).

A query is *streaming-cheap* when it is one triple pattern and nothing else: ``ASK`` or
``SELECT`` (``*`` or plain variables, optional ``LIMIT``), or ``DESCRIBE`` of constant IRIs
without ``WHERE``. (Not ``CONSTRUCT``: it drops duplicate triples, and the same triple read
from many graphs would be work without output.) The pattern's
variables must be distinct and no path, ``FILTER``, ``OPTIONAL``, ``FROM``, ``SERVICE``,
``ORDER BY``, ``DISTINCT``, ``OFFSET`` or blank node may appear. Evaluating such a query is
one index range scan in which every entry read is an answer (a ``DESCRIBE`` reads the
resource's triples, and those of blank nodes reached from them), so the work done is
proportional to the output written. :mod:`kg.web.execute` relies on that: it runs these
queries in the request thread with an output budget, and a query over budget is abandoned
and rerun in a killable worker. Anything this module cannot read is simply not cheap.

>>> is_cheap("SELECT * WHERE { <http://ex/a> ?p ?o }")
True
>>> is_cheap("PREFIX ex: <http://ex/> ASK { ex:a a ?t . }")
True
>>> is_cheap("SELECT ?o { <http://ex/a> <http://ex/p> ?o } LIMIT 10")
True
>>> is_cheap("DESCRIBE <http://ex/a> <http://ex/b>")
True
>>> is_cheap("CONSTRUCT { <http://ex/a> ?p ?o } WHERE { <http://ex/a> ?p ?o . }")
False
>>> is_cheap("SELECT ?x { ?x <http://ex/p> ?x }")  # repeated variable: a filtering scan
False
>>> is_cheap("SELECT * { <http://ex/a> <http://ex/p>* ?o }")  # a path
False
>>> is_cheap("SELECT * { <http://ex/a> ?p ?o } ORDER BY ?o")
False
>>> is_cheap("SELECT * { ?s ?p ?o } OFFSET 1000000")
False
>>> is_cheap('SELECT * { ?s ?p "# } ORDER BY ?s" }')
True
>>> is_cheap('SELECT * { ?s ?p "\\u0022 } ORDER BY ?s { ?x ?y \\u0022" }')
False
"""

from __future__ import annotations

import re

from kg.web.sparqltext import by_text

_TOKEN = re.compile(
    r"""(?P<ws>\s+|\#[^\n\r]*)
    |(?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
    |(?P<var>[?$][A-Za-z0-9_\u00b7\u00c0-\U000effff]+)
    |(?P<literal>(?:"(?:[^"\\\n\r]|\\.)*"|'(?:[^'\\\n\r]|\\.)*')
        (?:@[A-Za-z]+(?:-[A-Za-z0-9]+)*|\^\^(?:<[^<>"{}|^`\\\x00-\x20]*>|[A-Za-z][\w.-]*:[\w-]+))?)
    |(?P<number>[+-]?(?:\d+(?:\.\d+)?|\.\d+)(?:[eE][+-]?\d+)?(?![\w.:]))
    |(?P<pname>(?:[A-Za-z][\w-]*(?:\.[\w-]+)*)?:(?:[\w-]+(?:\.[\w-]+)*)?(?![\w.:%\\]))
    |(?P<word>[A-Za-z]+(?![\w:]))
    |(?P<punct>[{}.*])
    """,
    re.VERBOSE,
)
_CONSTANT = {"iri", "pname"}
_OBJECT = {"iri", "pname", "literal", "number", "var"}


def tokens(text: str) -> list[tuple[str, str]] | None:
    """The query as (kind, text) pairs, keywords upper-cased; None if a character is not understood.

    >>> tokens("ASK { ?s a <x> }")
    [('word', 'ASK'), ('punct', '{'), ('var', '?s'), ('word', 'A'), ('iri', '<x>'), ('punct', '}')]
    >>> tokens("SELECT (COUNT(*) AS ?n) {}") is None
    True
    """
    out: list[tuple[str, str]] = []
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:
            return None
        position = match.end()
        kind = match.lastgroup or ""
        if kind == "ws":
            continue
        value = match.group(0)
        if kind == "word":
            value = value.upper()
            if value in ("TRUE", "FALSE"):
                kind = "literal"
        out.append((kind, value))
    return out


class _Reader:
    """A cursor over tokens for the small grammar of cheap queries."""

    def __init__(self, items: list[tuple[str, str]]) -> None:
        self.items = items
        self.at = 0

    def peek(self) -> tuple[str, str]:
        return self.items[self.at] if self.at < len(self.items) else ("end", "")

    def take(self, kind: str, value: str | None = None) -> str | None:
        """The next token's text if it is of ``kind`` (and ``value``), consuming it; else None."""
        got_kind, got = self.peek()
        if got_kind != kind or (value is not None and got != value):
            return None
        self.at += 1
        return got

    def keyword(self, word: str) -> bool:
        return self.take("word", word) is not None

    def done(self) -> bool:
        return self.at == len(self.items)


def _pattern(r: _Reader) -> tuple[str, ...] | None:
    """``{ s p o [.] }`` with distinct variables; the three terms, or None."""
    if not r.take("punct", "{"):
        return None
    kind, subject = r.peek()
    if kind not in _CONSTANT | {"var"}:
        return None
    r.at += 1
    if r.take("word", "A"):
        predicate = "a"
    else:
        kind, predicate = r.peek()
        if kind not in _CONSTANT | {"var"}:
            return None
        r.at += 1
    kind, obj = r.peek()
    if kind not in _OBJECT:
        return None
    r.at += 1
    r.take("punct", ".")
    if not r.take("punct", "}"):
        return None
    variables = [t for t in (subject, predicate, obj) if t[:1] in "?$"]
    if len({v[1:] for v in variables}) != len(variables):
        return None
    return subject, predicate, obj


def _limit(r: _Reader) -> bool:
    """An optional ``LIMIT n`` (never ``OFFSET``, which reads entries without answering them)."""
    if r.keyword("LIMIT"):
        return r.take("number") is not None
    return True


def _query(r: _Reader) -> bool:
    if r.keyword("ASK"):
        r.keyword("WHERE")
        return _pattern(r) is not None and _limit(r)
    if r.keyword("SELECT"):
        if not r.take("punct", "*"):
            if r.take("var") is None:
                return False
            while r.take("var") is not None:
                pass
        r.keyword("WHERE")
        return _pattern(r) is not None and _limit(r)
    if r.keyword("DESCRIBE"):
        described = 0
        while r.peek()[0] in _CONSTANT:
            r.at += 1
            described += 1
        return described > 0
    return False


@by_text
def is_cheap(query: str) -> bool:
    """True when ``query`` is one of the single-pattern forms described in the module docstring."""
    if "\\" in query:  # codepoint escapes (\u0053) apply before parsing, anywhere: not worth reading
        return False
    items = tokens(query)
    if not items:
        return False
    r = _Reader(items)
    while r.peek()[1] in ("PREFIX", "BASE"):
        if r.keyword("PREFIX") and r.take("pname") is None:
            return False
        r.keyword("BASE")
        if r.take("iri") is None:
            return False
    return _query(r) and r.done()
