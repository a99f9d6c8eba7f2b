"""Shape a stored WSJF report the way the server returns it (report-formats.md §9).

Pure: takes the stored JSON tree and server-side facts, returns the read-back JSON tree.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .reportdata import iter_step_dicts

HEADER_ORDER = (
    "type", "id", "pn", "sn", "rev", "productName", "processCode", "processCodeFormat",
    "processName", "result", "machineName", "location", "purpose", "origin", "start",
    "startUTC", "root", "uut", "uur", "miscInfos", "subUnits", "assets", "assetStats",
    "binaryData", "additionalData",
)  # fmt: skip
ALWAYS_ARRAYS = ("miscInfos", "subUnits", "assets", "assetStats", "additionalData")
IDENTIFYING = ("type", "id", "pn", "sn", "rev", "processCode", "result", "start", "startUTC")
UUT_NULLS = (
    "execTime", "testSocketIndex", "batchSN", "comment", "errorCode", "errorMessage",
    "fixtureId", "user", "batchFailCount", "batchLoopIndex", "stepIdCausedUUTFailure",
)  # fmt: skip
UUR_NULLS = (
    "comment", "user", "processCode", "processName", "refUUT", "confirmDate",
    "finalizeDate", "execTime", "parent", "children",
)  # fmt: skip


@dataclass(frozen=True)
class ServerFacts:
    """What the server knows about a stored report beyond its submitted body."""

    origin: str | None
    start_utc: str | None
    product_name: str | None = None
    process_name: str | None = None
    uur_process_name: str | None = None
    ref_uurs: Sequence[Mapping[str, Any]] = ()


@dataclass(frozen=True)
class ReadOptions:
    """Query options of ``GET /api/Report/Wsjf/{id}``."""

    detail_level: int = 7
    include_attachments: bool = True
    include_chart_data: bool = True


def readback(body: Mapping[str, Any], facts: ServerFacts, options: ReadOptions) -> dict[str, Any]:
    """The read-back JSON tree: header in schema order, server fields filled, nulls emitted."""
    source = copy.deepcopy(dict(body))
    is_uut = source.get("type") != "R"
    filled = {
        "productName": source.get("productName") or facts.product_name,
        "processCodeFormat": source.get("processCodeFormat"),
        "processName": source.get("processName") or facts.process_name,
        "origin": facts.origin,
        "startUTC": source.get("startUTC") or facts.start_utc,
    }
    out: dict[str, Any] = {}
    for key in HEADER_ORDER:
        if (key in ("root", "uut") and not is_uut) or (key == "uur" and is_uut):
            continue
        if key == "binaryData" and not source.get(key):
            continue
        if key in filled:
            out[key] = filled[key]
        elif key in ALWAYS_ARRAYS:
            out[key] = source.get(key) or []
        else:
            out[key] = source.get(key)
    out.update((k, v) for k, v in source.items() if k not in out and k not in HEADER_ORDER)
    _fill_extension(out, is_uut, facts)
    if options.detail_level <= 0:
        return {key: out.get(key) for key in IDENTIFYING}
    if not options.include_attachments:
        _strip_attachments(out)
    if not options.include_chart_data:
        _strip_charts(out)
    return out


def _fill_extension(out: dict[str, Any], is_uut: bool, facts: ServerFacts) -> None:
    key, nulls = ("uut", UUT_NULLS) if is_uut else ("uur", UUR_NULLS)
    extension = out.get(key)
    if not isinstance(extension, dict):
        extension = {}
    filled = {name: extension.get(name) for name in nulls}
    filled.update(extension)
    if is_uut and facts.ref_uurs:
        filled["refUURs"] = [dict(r) for r in facts.ref_uurs]
    if not is_uut and not filled.get("processName"):
        filled["processName"] = facts.uur_process_name
    out[key] = filled


def _strip_attachments(out: dict[str, Any]) -> None:
    for step in iter_step_dicts(out.get("root")):
        attachment = step.get("attachment")
        if isinstance(attachment, dict):
            attachment["data"] = None
    for binary in out.get("binaryData") or []:
        if isinstance(binary, dict):
            binary["data"] = None
    for sub in out.get("subUnits") or []:
        for failure in (sub or {}).get("failures") or []:
            for attachment in (failure or {}).get("attachments") or []:
                if isinstance(attachment, dict):
                    attachment["data"] = None


def _strip_charts(out: dict[str, Any]) -> None:
    for step in iter_step_dicts(out.get("root")):
        chart = step.get("chart")
        if isinstance(chart, dict):
            for series in chart.get("series") or []:
                if isinstance(series, dict):
                    series["xdata"] = None
                    series["ydata"] = None
