"""Strict comparison of two JSON trees that names the first difference.

Used to prove lossless round-trips: keys must match exactly (an absent key differs from a
``null`` one), strings exactly (trailing blanks count), and ``true`` never equals ``1``.
Integers and floats compare by value, since JSON has a single number type.
"""

from __future__ import annotations

import math
from typing import Any


def first_difference(expected: Any, actual: Any, path: str = "$") -> str | None:
    """Describe the first place where two JSON trees differ, or None if they are equal."""
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return f"{path}: expected an object, got {_kind(actual)}"
        return _dict_difference(expected, actual, path)
    if isinstance(expected, list):
        if not isinstance(actual, list):
            return f"{path}: expected an array, got {_kind(actual)}"
        if len(expected) != len(actual):
            return f"{path}: expected {len(expected)} items, got {len(actual)}"
        for index, (left, right) in enumerate(zip(expected, actual, strict=True)):
            found = first_difference(left, right, f"{path}[{index}]")
            if found:
                return found
        return None
    if _scalar_equal(expected, actual):
        return None
    return f"{path}: expected {expected!r}, got {actual!r}"


def _dict_difference(expected: dict[str, Any], actual: dict[str, Any], path: str) -> str | None:
    missing = [key for key in expected if key not in actual]
    if missing:
        return f"{path}: missing key {missing[0]!r}"
    extra = [key for key in actual if key not in expected]
    if extra:
        return f"{path}: unexpected key {extra[0]!r}"
    for key, value in expected.items():
        found = first_difference(value, actual[key], f"{path}.{key}")
        if found:
            return found
    return None


def _scalar_equal(left: Any, right: Any) -> bool:
    if isinstance(left, bool) or isinstance(right, bool):
        return type(left) is type(right) and left == right
    if isinstance(left, int | float) and isinstance(right, int | float):
        if isinstance(left, float) and isinstance(right, float) and math.isnan(left):
            return math.isnan(right)
        return left == right
    return type(left) is type(right) and bool(left == right)


def _kind(value: Any) -> str:
    return "null" if value is None else type(value).__name__


__all__ = ["first_difference"]
