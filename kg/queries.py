"""Canned SPARQL queries: ``queries/*.rq`` files with a strict metadata header.

A canned query is a trusted, reviewed SELECT query kept in the repository (datasette's
idea); the web layer lists and runs them, ``kg query`` runs them from the shell. Each
file starts with a header of ``#+`` lines in a small, strict subset of YAML (grlc style);
the SPARQL query follows the header. The ``#+`` lines are SPARQL comments, so the whole
file can be pasted into any SPARQL editor::

    #+ title: Positions of one actor over time
    #+ description: Every position the actor held, or that was stated on behalf of
    #+   the actor, in date order.
    #+ params:
    #+   - name: actor
    #+     type: iri
    #+     default: https://w3id.org/kg-news/id/person/alexander-lukashenko
    #+     description: IRI of a person or a state
    PREFIX kgo: <https://w3id.org/kg-news/ontology#>
    SELECT ?actor ?position WHERE { ?position kgo:holder ?actor }

Rules (a violation raises :class:`QueryFileError` naming the file and line):

* The header is the run of lines starting with ``#+`` at the top of the file. Each is
  ``#+`` alone (ignored) or ``#+`` + one space + content, indented with spaces only.
* Top-level keys (no indent): ``title`` and ``description`` (both required, non-empty) and
  ``params`` (optional, empty value, followed by its list). A line indented two or more
  spaces under ``title``/``description`` continues that text (joined with one space).
* Each parameter starts with ``  - name: NAME`` (two spaces, dash) and continues with
  ``    key: value`` lines (four spaces); a six-space line continues the previous value.
  Keys: ``name`` (``[a-z][a-z0-9_]*``, not ``format``), ``type`` (``iri`` | ``string`` |
  ``date`` | ``integer``; default ``string``), ``default``, ``description``, ``required``
  (``true``/``false``; default ``false``; a required parameter has no default).
* A value may be wrapped in matching single or double quotes, which are removed.
* No key may repeat; unknown keys are errors. Defaults must be valid for their type.
* The query must be a SELECT query that parses, and each parameter ``?NAME`` must be one
  of its projected variables (pyoxigraph substitutes only projected variables).

Binding is injection-safe: a value is validated for its type, turned into an RDF term
(``iri`` → IRI, ``string`` → plain literal, ``date`` → ``xsd:date``, ``integer`` →
``xsd:integer``) and handed to Oxigraph as a *substitution* for the variable — it is never
pasted into the query text. An ``iri`` value may be a full IRI or a prefixed name using
one of the project prefixes (``kg:person/alexander-lukashenko``). A parameter left empty
takes its default; without a default it stays unbound and matches anything.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from pyoxigraph import Literal, NamedNode, QueryBoolean, QuerySolutions, QueryTriples, Store, Variable

from kg.config import PROJECT_ROOT
from kg.vocab import PREFIXES

QUERIES_DIR = PROJECT_ROOT / "queries"
NAME_PATTERN = re.compile(r"^[a-z0-9-]+$")
PARAM_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
PARAM_TYPES = ("iri", "string", "date", "integer")
PARAM_KEYS = ("name", "type", "default", "description", "required")
RESERVED_PARAMS = frozenset({"format"})
XSD = "http://www.w3.org/2001/XMLSchema#"
_KEY_VALUE = re.compile(r"^([a-z_]+):(?:\s+(.*))?$")
_ABSOLUTE_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$")
_PREFIXED = re.compile(r"^([A-Za-z][\w.-]*)?:(?!//)(.*)$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_INTEGER = re.compile(r"^[+-]?\d{1,30}$")

Term = NamedNode | Literal


class QueryError(Exception):
    """Base class of the errors below; the message is meant for the user."""


class QueryFileError(QueryError, ValueError):
    """A canned query file is malformed; the message names the file and line."""


class QueryNotFound(QueryError, LookupError):
    """No canned query has that name."""


class QueryParamError(QueryError, ValueError):
    """A parameter value is missing, unknown or invalid for its type."""


@dataclass(frozen=True)
class QueryParam:
    """One declared parameter of a canned query."""

    name: str
    type: str = "string"
    default: str | None = None
    description: str = ""
    required: bool = False

    def term(self, raw: str) -> Term:
        """The RDF term for a raw value, validated for the parameter's type."""
        value = raw.strip()
        if self.type == "iri":
            return _iri(self.name, value)
        if self.type == "date":
            if not _DATE.match(value):
                raise QueryParamError(f"parameter {self.name!r}: expected a date YYYY-MM-DD, got {raw!r}")
            try:
                date.fromisoformat(value)
            except ValueError:
                raise QueryParamError(f"parameter {self.name!r}: {raw!r} is not a calendar date") from None
            return Literal(value, datatype=NamedNode(XSD + "date"))
        if self.type == "integer":
            if not _INTEGER.match(value):
                raise QueryParamError(f"parameter {self.name!r}: expected an integer, got {raw!r}")
            return Literal(str(int(value)), datatype=NamedNode(XSD + "integer"))
        return Literal(value)

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "type": self.type, "default": self.default,
                "description": self.description, "required": self.required}


def _iri(name: str, value: str) -> NamedNode:
    prefixed = _PREFIXED.match(value)
    if prefixed and (prefixed.group(1) or "") in PREFIXES:
        value = PREFIXES[prefixed.group(1) or ""] + prefixed.group(2)
    hint = "give a full IRI (https://…) or a prefixed name such as kg:person/alexander-lukashenko"
    if not _ABSOLUTE_IRI.match(value):
        raise QueryParamError(f"parameter {name!r}: {value!r} is not an absolute IRI; {hint}")
    try:
        return NamedNode(value)
    except ValueError as err:
        raise QueryParamError(f"parameter {name!r}: {value!r} is not a valid IRI ({err}); {hint}") from None


@dataclass(frozen=True)
class CannedQuery:
    """A parsed ``.rq`` file: metadata, parameters and the query text."""

    name: str
    path: Path
    title: str
    description: str
    params: tuple[QueryParam, ...]
    text: str = field(repr=False)

    def bind(self, params: Mapping[str, str]) -> tuple[str, dict[Variable, Term]]:
        """The query text and the substitutions for ``params`` (name → raw value)."""
        declared = {p.name: p for p in self.params}
        unknown = sorted(set(params) - set(declared))
        if unknown:
            takes = ", ".join(declared) or "no parameters"
            raise QueryParamError(f"unknown parameter {unknown[0]!r}; query {self.name!r} takes: {takes}")
        substitutions: dict[Variable, Term] = {}
        for param in self.params:
            raw = params.get(param.name)
            if raw is None or not raw.strip():
                raw = param.default
            if raw is None:
                if param.required:
                    raise QueryParamError(f"parameter {param.name!r} is required ({param.description})")
                continue
            substitutions[Variable(param.name)] = param.term(raw)
        return self.text, substitutions

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "title": self.title, "description": self.description,
                "parameters": [p.to_json() for p in self.params]}


class _Header:
    """Line-by-line parser of the ``#+`` header (see the module docstring)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.top: dict[str, str] = {}
        self.params: list[dict[str, str]] = []
        self.param_lines: list[int] = []
        self.last: tuple[dict[str, str], str] | None = None
        self.in_params = False

    def fail(self, line: int, message: str) -> QueryFileError:
        return QueryFileError(f"{self.path}:{line}: {message}")

    def key_value(self, line: int, text: str) -> tuple[str, str]:
        match = _KEY_VALUE.match(text)
        if not match:
            raise self.fail(line, f"expected 'key: value', got {text!r}")
        value = (match.group(2) or "").strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        return match.group(1), value

    def put(self, line: int, target: dict[str, str], key: str, value: str) -> None:
        if key in target:
            raise self.fail(line, f"duplicate key {key!r}")
        target[key] = value
        self.last = (target, key)

    def feed(self, line: int, raw: str) -> None:
        content = raw[2:].rstrip()
        if not content:
            return
        if not content.startswith(" "):
            raise self.fail(line, "a header line is '#+' followed by one space")
        content = content[1:]
        if "\t" in content:
            raise self.fail(line, "indent header lines with spaces, not tabs")
        indent = len(content) - len(content.lstrip(" "))
        text = content.strip()
        if indent == 0:
            self._top(line, text)
        elif self.in_params and indent == 2 and text.startswith("- "):
            self.params.append({})
            self.param_lines.append(line)
            key, value = self.key_value(line, text[2:].strip())
            self._param_key(line, key, value)
        elif self.in_params and indent == 4 and self.params:
            self._param_key(line, *self.key_value(line, text))
        elif self.last is not None and indent >= 2 and (not self.in_params or indent >= 6):
            target, key = self.last
            target[key] = f"{target[key]} {text}".strip()
        else:
            raise self.fail(line, f"unexpected indentation ({indent} spaces)")

    def _top(self, line: int, text: str) -> None:
        key, value = self.key_value(line, text)
        if key not in ("title", "description", "params"):
            raise self.fail(line, f"unknown header key {key!r} (known: title, description, params)")
        if key == "params":
            if value:
                raise self.fail(line, "'params:' takes no value; list the parameters on the lines below")
            if "params" in self.top:
                raise self.fail(line, "duplicate key 'params'")
            self.top["params"] = ""
            self.in_params, self.last = True, None
            return
        if not value:
            raise self.fail(line, f"{key!r} must not be empty")
        self.in_params = False
        self.put(line, self.top, key, value)

    def _param_key(self, line: int, key: str, value: str) -> None:
        if key not in PARAM_KEYS:
            raise self.fail(line, f"unknown parameter key {key!r} (known: {', '.join(PARAM_KEYS)})")
        self.put(line, self.params[-1], key, value)


def _param(header: _Header, line: int, spec: dict[str, str], seen: set[str]) -> QueryParam:
    name = spec.get("name", "")
    if not PARAM_NAME.match(name):
        raise header.fail(line, f"parameter name {name!r} must match [a-z][a-z0-9_]*")
    if name in RESERVED_PARAMS:
        raise header.fail(line, f"parameter name {name!r} is reserved")
    if name in seen:
        raise header.fail(line, f"duplicate parameter {name!r}")
    seen.add(name)
    ptype = spec.get("type", "string")
    if ptype not in PARAM_TYPES:
        raise header.fail(line, f"parameter {name!r}: unknown type {ptype!r} (known: {', '.join(PARAM_TYPES)})")
    required = spec.get("required", "false")
    if required not in ("true", "false"):
        raise header.fail(line, f"parameter {name!r}: required must be true or false")
    param = QueryParam(name, ptype, spec.get("default") or None, spec.get("description", ""), required == "true")
    if param.required and param.default is not None:
        raise header.fail(line, f"parameter {name!r}: a required parameter cannot have a default")
    if param.default is not None:
        try:
            param.term(param.default)
        except QueryParamError as err:
            raise header.fail(line, f"bad default: {err}") from None
    return param


_DUMMY: dict[str, Term] = {
    "iri": NamedNode("urn:x-kg:check"),
    "string": Literal(""),
    "integer": Literal("0", datatype=NamedNode(XSD + "integer")),
    "date": Literal("2000-01-01", datatype=NamedNode(XSD + "date")),
}


@cache
def _empty_store() -> Store:
    return Store()


def _check_query(path: Path, first_line: int, text: str, params: tuple[QueryParam, ...]) -> None:
    for param in params:
        if not re.search(rf"[?$]{param.name}\b", text):
            raise QueryFileError(f"{path}: parameter {param.name!r} does not occur as ?{param.name} in the query")
    substitutions = {Variable(p.name): _DUMMY[p.type] for p in params}
    try:
        result = _empty_store().query(text, substitutions=substitutions or None)
    except SyntaxError as err:
        raise QueryFileError(f"{path}:{first_line}: the query does not parse: {err}") from None
    except (RuntimeError, ValueError) as err:
        raise QueryFileError(f"{path}: {err} (parameters must be projected variables)") from None
    if not isinstance(result, QuerySolutions):
        raise QueryFileError(f"{path}: a canned query must be a SELECT query")


def parse_query(path: Path, name: str | None = None) -> CannedQuery:
    """Parse one ``.rq`` file (see the module docstring for the header rules)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise QueryFileError(f"{path}: cannot read: {err}") from None
    lines = text.splitlines()
    header = _Header(path)
    body_start = 0
    while body_start < len(lines) and lines[body_start].startswith("#+"):
        header.feed(body_start + 1, lines[body_start])
        body_start += 1
    for key in ("title", "description"):
        if key not in header.top:
            raise header.fail(1, f"missing '#+ {key}:' header line")
    if not "\n".join(lines[body_start:]).strip():
        raise header.fail(body_start + 1, "no query after the header")
    seen: set[str] = set()
    specs = zip(header.param_lines, header.params, strict=True)
    params = tuple(_param(header, line, spec, seen) for line, spec in specs)
    _check_query(path, body_start + 1, text, params)
    return CannedQuery(name or path.stem, path, header.top["title"], header.top["description"], params, text)


def load_query(queries_dir: Path | str, name: str) -> CannedQuery:
    """The canned query called ``name`` (``queries_dir/name.rq``)."""
    if not NAME_PATTERN.match(name):
        raise QueryNotFound(f"no canned query {name!r}: names are lower-case letters, digits and hyphens")
    path = Path(queries_dir) / f"{name}.rq"
    if not path.is_file():
        raise QueryNotFound(f"no canned query {name!r} (see the list at /queries)")
    return parse_query(path, name)


def list_queries(queries_dir: Path | str) -> list[CannedQuery]:
    """All canned queries in ``queries_dir``, by name."""
    paths = sorted(Path(queries_dir).glob("*.rq"))
    return [parse_query(p) for p in paths if NAME_PATTERN.match(p.stem)]


def resolve(name_or_file: str, queries_dir: Path | str = QUERIES_DIR) -> CannedQuery:
    """A canned query by name, or the ``.rq`` file at a path (for ``kg query``)."""
    if name_or_file.endswith(".rq") or "/" in name_or_file:
        path = Path(name_or_file)
        if not path.is_file():
            raise QueryNotFound(f"no such query file: {path}")
        return parse_query(path)
    return load_query(queries_dir, name_or_file)


def run_canned(store: Store, name: str, params: Mapping[str, str],
               queries_dir: Path | str = QUERIES_DIR) -> QuerySolutions | QueryBoolean | QueryTriples:
    """Run a canned query (by name or ``.rq`` path) over the union of all graphs of ``store``."""
    query = resolve(name, queries_dir)
    text, substitutions = query.bind(params)
    return store.query(text, use_default_graph_as_union=True, substitutions=substitutions or None)
