"""WATS wildcard patterns, shared by the route modules.

WATS filters (product groups, levels, revision masks, analytics text fields) treat ``*`` and
``%`` as "any run of characters" and compare without regard to case.
"""

from __future__ import annotations

import fnmatch


def wildcard_match(pattern: str, value: str) -> bool:
    """Case-insensitive match where ``*`` and ``%`` stand for any run of characters."""
    translated = pattern.replace("%", "*").lower()
    # Only * is a wildcard in WATS; fnmatch's [ and ? must match themselves.
    escaped = translated.replace("[", "[[]").replace("?", "[?]")
    return fnmatch.fnmatchcase(value.lower(), escaped)


def split_patterns(text: str) -> tuple[str, ...]:
    """The non-empty, stripped items of a ``;``-separated pattern list."""
    return tuple(item.strip() for item in text.split(";") if item.strip())
