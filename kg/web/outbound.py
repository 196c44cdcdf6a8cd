"""Outbound calls: ``SERVICE`` in queries and ``LOAD`` in updates, refused unless allow-listed.

pyoxigraph follows ``SERVICE <http://…>`` and ``LOAD <http://…>`` to any address, and its
Python API has no hook to intercept them (``Store.query`` takes no service handler in 0.5),
so they are checked before evaluation. A cheap lexical check (:mod:`kg.web.sparqltext`,
keywords outside strings, IRIs and comments) finds every candidate; with an empty
allow-list that is the whole check. With an allow-list, the text is parsed (rdflib's SPARQL
parser, prefixes resolved) and every ``SERVICE``/``LOAD`` target must be an allow-listed IRI
exactly; a variable target, or text the parser cannot read, is refused.
"""

from __future__ import annotations

from collections.abc import Iterable

from werkzeug.exceptions import BadRequest

from kg.web import sparqltext


def _walk(node: object, names: set[str], found: list[object]) -> list[object]:
    from rdflib.plugins.sparql.parserutils import CompValue

    if isinstance(node, CompValue):
        if node.name in names:
            found.append(node.get("term") if node.name == "ServiceGraphPattern" else node.get("iri"))
        for value in node.values():
            _walk(value, names, found)
    elif isinstance(node, list | tuple):
        for value in node:
            _walk(value, names, found)
    return found


def service_targets(query: str) -> list[object]:
    """The ``SERVICE`` targets of ``query`` (IRIs as rdflib terms, or variables); raises ValueError."""
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        algebra = translateQuery(parseQuery(query)).algebra
    except Exception as err:  # any parser failure means "cannot verify"
        raise ValueError(str(err).splitlines()[0] if str(err) else type(err).__name__) from None
    return _walk(algebra, {"ServiceGraphPattern"}, [])


def load_targets(update: str) -> list[object]:
    """The documents an update would ``LOAD``; raises ValueError when the text does not parse."""
    from rdflib.plugins.sparql.algebra import translateUpdate
    from rdflib.plugins.sparql.parser import parseUpdate

    try:
        algebra = translateUpdate(parseUpdate(update)).algebra
    except Exception as err:  # any parser failure means "cannot verify"
        raise ValueError(str(err).splitlines()[0] if str(err) else type(err).__name__) from None
    return _walk(algebra, {"Load"}, [])


def _check(targets: Iterable[object], allowlist: tuple[str, ...], what: str) -> None:
    from rdflib import URIRef

    for target in targets:
        if not isinstance(target, URIRef):
            raise BadRequest(f"{what} with a variable target is not allowed")
        if str(target) not in allowlist:
            raise BadRequest(f"{what} <{target}> is not allowed: this endpoint only calls {', '.join(allowlist)}")


def check_query(query: str, allowlist: tuple[str, ...]) -> None:
    """Raise 400 if ``query`` would call an endpoint outside ``allowlist``."""
    if not sparqltext.uses_service(query):
        return
    if not allowlist:
        raise BadRequest("SERVICE is disabled: this endpoint does not call other endpoints")
    try:
        targets = service_targets(query)
    except ValueError as err:
        raise BadRequest(f"SERVICE could not be checked against the allow-list: {err}") from None
    _check(targets, allowlist, "SERVICE")


def check_update(update: str, allowlist: tuple[str, ...]) -> None:
    """Raise 400 if ``update`` would LOAD from, or call, an address outside ``allowlist``."""
    uses_load = sparqltext.uses_load(update)
    uses_service = sparqltext.uses_service(update)
    if not (uses_load or uses_service):
        return
    if not allowlist:
        what = "LOAD" if uses_load else "SERVICE"
        raise BadRequest(f"{what} is disabled: this endpoint does not fetch from other addresses")
    try:
        targets = load_targets(update)
    except ValueError as err:
        raise BadRequest(f"LOAD/SERVICE could not be checked against the allow-list: {err}") from None
    _check(targets, allowlist, "LOAD")
    if uses_service:
        raise BadRequest("SERVICE inside an update is not allowed")
