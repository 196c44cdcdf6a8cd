"""HTTP content negotiation: ``Accept`` and ``Accept-Encoding`` with q-values (RFC 9110 §12).

>>> best_match(["application/json", "text/csv"], "text/csv;q=0.9, application/*;q=0.5")
'text/csv'
>>> best_match(["text/turtle"], "application/json") is None
True
>>> best_match(["a/x", "a/y"], "*/*")
'a/x'
>>> accepts_encoding("gzip;q=0, *;q=0.5", "gzip")
False
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class MediaRange:
    """One element of an ``Accept`` header, e.g. ``text/*;q=0.5``."""

    type: str
    subtype: str
    q: float

    def specificity(self, media_type: str) -> int | None:
        """2 for an exact match, 1 for ``type/*``, 0 for ``*/*``, None when it does not match."""
        kind, _, sub = media_type.partition("/")
        if self.type == "*":
            return 0
        if self.type != kind:
            return None
        if self.subtype == "*":
            return 1
        return 2 if self.subtype == sub else None


def _q(params: list[str]) -> float | None:
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() == "q":
            try:
                q = float(value.strip())
            except ValueError:
                return None
            return min(max(q, 0.0), 1.0)
    return 1.0


def parse_accept(header: str | None) -> list[MediaRange]:
    """The media ranges of an ``Accept`` header; no header (or an empty one) accepts anything.

    Malformed elements are skipped, as RFC 9110 lets a server do.
    """
    if header is None or not header.strip():
        return [MediaRange("*", "*", 1.0)]
    ranges = []
    for element in header.split(","):
        media, *params = element.split(";")
        kind, slash, sub = media.strip().lower().partition("/")
        q = _q(params)
        if not slash or not kind or not sub or q is None or (kind == "*" and sub != "*"):
            continue
        ranges.append(MediaRange(kind, sub, q))
    return ranges


def quality(ranges: Sequence[MediaRange], media_type: str) -> float:
    """The q-value the client gives ``media_type``: that of the most specific matching range."""
    best, best_q = -1, 0.0
    for rng in ranges:
        spec = rng.specificity(media_type.lower())
        if spec is not None and spec > best:
            best, best_q = spec, rng.q
    return best_q


def best_match(offers: Sequence[str], header: str | None) -> str | None:
    """The offer the client prefers most (ties go to the earlier offer), or None if none is acceptable."""
    ranges = parse_accept(header)
    chosen, chosen_q = None, 0.0
    for offer in offers:
        q = quality(ranges, offer)
        if q > chosen_q:
            chosen, chosen_q = offer, q
    return chosen


def accepts_encoding(header: str | None, coding: str) -> bool:
    """True when ``Accept-Encoding`` allows ``coding`` (e.g. ``gzip``) with a q-value above zero."""
    if not header:
        return False
    star: float | None = None
    for element in header.split(","):
        name, *params = element.split(";")
        name = name.strip().lower()
        q = _q(params)
        if q is None:
            continue
        if name == coding:
            return q > 0
        if name == "*":
            star = q
    return bool(star)
