"""WSJF (JSON) reading and writing.

Parsing runs in pydantic-core (Rust) straight from the JSON text; any failure — bad JSON,
wrong types, truncation, nesting deeper than the JSON reader allows — becomes a
:class:`~pywats.exceptions.ReportFormatError` that names the JSON path or text position.
Writing emits only the fields that were set, so a parsed report is written back with the
same keys, nulls and spellings it came with.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Annotated, Any

from pydantic import Field, TypeAdapter, ValidationError
from pydantic_core import ErrorDetails

from pywats.exceptions import ReportFormatError
from pywats.report._wsjf_fast import uut_json
from pywats.report.models import UURReport, UUTReport

_REPORT_ADAPTER: TypeAdapter[UUTReport | UURReport] = TypeAdapter(
    Annotated[UUTReport | UURReport, Field(discriminator="type")]
)
_LINE_COLUMN = re.compile(r"\s*at line (\d+) column (\d+)$")
_TAG_ERRORS = frozenset({"union_tag_invalid", "union_tag_not_found"})


def parse_wsjf(data: str | bytes) -> UUTReport | UURReport:
    """Read one WSJF report (``type`` ``"T"`` → :class:`UUTReport`, ``"R"`` → :class:`UURReport`).

    Raises :class:`~pywats.exceptions.ReportFormatError` when the text is not valid JSON
    or does not fit the WSJF model; ``location`` holds the JSON path (e.g.
    ``root.steps[3].numericMeas[0].value``) or ``line L, column C``.
    """
    if not isinstance(data, str | bytes | bytearray):
        raise ReportFormatError(f"WSJF input must be str or bytes, not {type(data).__name__}")
    if data[:1] == "\ufeff" or data[:3] == b"\xef\xbb\xbf":
        data = data[1:] if isinstance(data, str) else data[3:]  # Windows tools write a BOM
    try:
        return _REPORT_ADAPTER.validate_json(data)
    except ValidationError as exc:
        raise _format_error(exc) from None
    except RecursionError:
        raise ReportFormatError("report nesting is too deep") from None


def report_from_dict(data: Any) -> UUTReport | UURReport:
    """Build a report from an already decoded JSON tree (same rules as :func:`parse_wsjf`)."""
    try:
        return _REPORT_ADAPTER.validate_python(data)
    except ValidationError as exc:
        raise _format_error(exc) from None
    except RecursionError:
        raise ReportFormatError("report nesting is too deep") from None


def to_wsjf(report: UUTReport | UURReport, *, indent: int | None = None) -> str:
    """Write a report as WSJF text (compact unless ``indent`` is given)."""
    require_report(report, "to_wsjf")
    if indent is None and isinstance(report, UUTReport):
        text = uut_json(report)
        if text is not None:
            return text
    return report.model_dump_json(by_alias=True, exclude_unset=True, indent=indent)


def require_report(report: object, caller: str) -> None:
    """Raise :class:`~pywats.exceptions.ReportFormatError` unless ``report`` is a report model."""
    if not isinstance(report, UUTReport | UURReport):
        raise ReportFormatError(
            f"{caller}() needs a UUTReport or UURReport, got {type(report).__name__}"
        )


def report_to_dict(report: UUTReport | UURReport) -> dict[str, Any]:
    """The report as its WSJF JSON tree: exactly what :func:`to_wsjf` writes, decoded.

    Going through the JSON text keeps the two identical, including non-finite numbers
    (written as ``"NaN"``/``"Infinity"`` strings, which pydantic's ``mode="json"`` dump
    would leave as floats).
    """
    tree: dict[str, Any] = json.loads(to_wsjf(report))
    return tree


def json_path(loc: Sequence[int | str]) -> str:
    """Render a pydantic error location as a JSON path: ``root.steps[3].numericMeas[1]``."""
    parts: list[str] = []
    for item in loc:
        if isinstance(item, int):
            parts.append(f"[{item}]")
        else:
            parts.append(f".{item}" if parts else str(item))
    return "".join(parts)


def _format_error(exc: ValidationError) -> ReportFormatError:
    errors = exc.errors(include_url=False)
    first = errors[0]
    if first["type"] == "json_invalid":
        return _json_syntax_error(first)
    loc = list(first["loc"])
    if first["type"] in _TAG_ERRORS or (not loc and first["type"].endswith("type")):
        return ReportFormatError(
            'a WSJF report is a JSON object whose \'type\' is "T" (UUT) or "R" (UUR)',
            "type" if first["type"] in _TAG_ERRORS else "",
        )
    if loc and loc[0] in ("T", "R"):
        loc = loc[1:]  # drop the discriminator tag pydantic puts first
    more = f" (and {len(errors) - 1} more problem(s))" if len(errors) > 1 else ""
    return ReportFormatError(f"{first['msg']}{more}", json_path(loc))


def _json_syntax_error(error: ErrorDetails) -> ReportFormatError:
    detail = str((error.get("ctx") or {}).get("error", error["msg"]))
    match = _LINE_COLUMN.search(detail)
    if match is None:
        return ReportFormatError(f"invalid JSON: {detail}")
    message = detail[: match.start()]
    return ReportFormatError(
        f"invalid JSON: {message}", f"line {match.group(1)}, column {match.group(2)}"
    )


__all__ = [
    "json_path",
    "parse_wsjf",
    "report_from_dict",
    "report_to_dict",
    "require_report",
    "to_wsjf",
]
