"""Who may write: read-only by default; with ``--writable`` a bearer token on every write.

``kg serve --writable`` turns on SPARQL Update at ``/sparql`` and Graph Store writes at
``/store``; each write must carry ``Authorization: Bearer $KG_UPDATE_TOKEN``.
``--writable --no-auth`` (for conformance runners that cannot send headers) is accepted
only when the server is bound to a loopback address, and logs a warning.

>>> is_loopback("127.0.0.1"), is_loopback("::1"), is_loopback("localhost"), is_loopback("0.0.0.0")
(True, True, True, False)
"""

from __future__ import annotations

import hmac
import ipaddress
import logging

from flask import current_app, request
from werkzeug.datastructures import WWWAuthenticate
from werkzeug.exceptions import Forbidden, Unauthorized

from kg.config import Settings

log = logging.getLogger("kg.web")
READ_ONLY = "read-only endpoint: start the server with --writable to accept {what}"


class ConfigError(ValueError):
    """Settings that must not be served (e.g. writable without authentication on a public address)."""


def is_loopback(host: str) -> bool:
    """True for ``localhost`` and loopback addresses (127.0.0.0/8, ::1)."""
    if host.strip("[]").lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_settings(settings: Settings) -> list[str]:
    """Raise :class:`ConfigError` for unsafe write settings; return warnings to show."""
    if settings.no_auth and not settings.writable:
        raise ConfigError("--no-auth only makes sense with --writable")
    if not settings.writable:
        return []
    if settings.no_auth:
        if not is_loopback(settings.host):
            raise ConfigError(f"--writable --no-auth is refused on {settings.host}: bind to 127.0.0.1 (or ::1), "
                              "or set KG_UPDATE_TOKEN and drop --no-auth")
        return [f"WARNING: writable without authentication on {settings.host}: anyone on this machine "
                "can change the graph"]
    if not settings.update_token:
        raise ConfigError("--writable needs a token: set KG_UPDATE_TOKEN (or use --no-auth on a loopback address)")
    return []


def require_write(what: str) -> None:
    """Abort the request unless this server accepts writes and the request is authorised."""
    settings: Settings = current_app.config["KG_SETTINGS"]
    if not settings.writable:
        raise Forbidden(READ_ONLY.format(what=what))
    if settings.no_auth:
        return
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    expected = settings.update_token or ""
    if scheme.lower() != "bearer" or not expected or not hmac.compare_digest(token.strip().encode(), expected.encode()):
        raise Unauthorized(f"{what} needs 'Authorization: Bearer <token>' with the server's KG_UPDATE_TOKEN",
                           www_authenticate=WWWAuthenticate("Bearer", {"realm": "kg"}))
