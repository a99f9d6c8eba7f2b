"""Barcode identification: turn a scanned code into SN / PN / revision / batch / process.

No I/O. A rule's ``pattern`` must match the whole code; a field's value comes from the
pattern's named group of the same name (``(?P<SerialNumber>...)``) or, failing that, from the
rule's own regex for that field (its first group, else the whole match).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

FIELDS = ("serialNumber", "partNumber", "revision", "batchNumber", "process")


class BarcodeRuleError(Exception):
    """A rule holds an invalid regular expression."""


def check_rule(rule: Mapping[str, Any]) -> None:
    """Raise :class:`BarcodeRuleError` when the pattern or a field regex does not compile."""
    for name in ("pattern", *FIELDS):
        value = rule.get(name)
        if value:
            try:
                re.compile(value)
            except re.error as exc:
                raise BarcodeRuleError(f"{name} is not a valid regular expression: {exc}") from None


def identify(code: str, rules: Sequence[Mapping[str, Any]]) -> dict[str, Any] | None:
    """The first rule (by ``order``) matching ``code``, its fields holding extracted values."""
    for rule in sorted(rules, key=lambda r: (r.get("order") or 0, r.get("id") or 0)):
        match = re.fullmatch(rule["pattern"], code)
        if match is None:
            continue
        groups = {name.lower(): value for name, value in match.groupdict().items()}
        result = dict(rule)
        for name in FIELDS:
            result[name] = _extract(code, name, groups, rule.get(name))
        return result
    return None


def _extract(code: str, name: str, groups: Mapping[str, str | None], own: str | None) -> Any:
    if name.lower() in groups:
        return groups[name.lower()]
    if not own:
        return None
    found = re.search(own, code)
    if found is None:
        return None
    return found.group(1) if found.groups() else found.group(0)
