"""Pure conversions between a submitted report, its stored row and what the API returns.

No I/O here: the report route module feeds parsed reports and database rows in.
"""

from __future__ import annotations

import functools
import sqlite3
import uuid
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

from pywats.report import Step, UURReport, UUTReport

RESULT_WORDS = {"P": "Passed", "F": "Failed", "E": "Error", "T": "Terminated"}
RESULT_LETTERS = {word.lower(): letter for letter, word in RESULT_WORDS.items()}

# Header columns of the ``reports`` table that come straight from a submitted report.
HEADER_COLUMNS = (
    "id", "type", "pn", "sn", "rev", "process_code", "process_name", "result",
    "machine_name", "location", "purpose", "start", "start_utc", "operator", "batch_sn",
    "comment", "exec_time", "error_code", "error_message", "fixture_id", "test_socket_index",
    "sw_filename", "sw_version", "ref_uut", "caused_uut_failure", "caused_uut_failure_path",
    "report_size",
)  # fmt: skip


def utc_key(moment: datetime) -> str:
    """The sortable UTC text stored in ``start_utc``: fixed width, microseconds, ``Z``."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def normalise_id(report_id: str) -> str:
    """Report ids are GUIDs; stored and compared in lower case as WSJF returns them."""
    return report_id.strip().lower()


@functools.lru_cache(maxsize=1024)
def origin_for(kind: str, name: str) -> str:
    """``origin`` of a report: the MAC for a station, a stable GUID for a token or user."""
    if kind == "client":
        return name
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"pywats-emulator:{kind}:{name}"))


def header_columns(report: UUTReport | UURReport, body: str) -> dict[str, Any]:
    """The indexed header values of a parsed (already validated) report."""
    start = report.start.datetime if report.start is not None else None
    if report.start_utc is not None:
        start = report.start_utc.datetime
    columns: dict[str, Any] = {
        "id": normalise_id(report.id or ""),
        "type": report.type,
        "pn": report.pn,
        "sn": report.sn,
        "rev": report.rev,
        "process_code": report.process_code,
        "process_name": report.process_name,
        "result": report.result,
        "machine_name": report.machine_name,
        "location": report.location,
        "purpose": report.purpose,
        "start": str(report.start) if report.start is not None else None,
        "start_utc": utc_key(start) if start is not None else None,
        "report_size": max(1, round(len(body.encode("utf-8")) / 1024)),
    }
    columns.update(_uut_columns(report) if isinstance(report, UUTReport) else _uur_columns(report))
    return columns


def _uut_columns(report: UUTReport) -> dict[str, Any]:
    info = report.uut
    seq_call = report.root.seq_call if report.root is not None else None
    failed_path = _failing_step_path(report)
    return {
        "operator": info.user if info else None,
        "batch_sn": info.batch_sn if info else None,
        "comment": info.comment if info else None,
        "exec_time": info.exec_time if info else None,
        "error_code": info.error_code if info else None,
        "error_message": info.error_message if info else None,
        "fixture_id": info.fixture_id if info else None,
        "test_socket_index": info.test_socket_index if info else None,
        "sw_filename": seq_call.name if seq_call else None,
        "sw_version": seq_call.version if seq_call else None,
        "ref_uut": None,
        "caused_uut_failure": failed_path[-1] if failed_path else None,
        "caused_uut_failure_path": "/".join(failed_path) if failed_path else None,
    }


def _uur_columns(report: UURReport) -> dict[str, Any]:
    info = report.uur
    return {
        "operator": info.user if info else None,
        "batch_sn": None,
        "comment": info.comment if info else None,
        "exec_time": info.exec_time if info else None,
        "error_code": None,
        "error_message": None,
        "fixture_id": None,
        "test_socket_index": None,
        "sw_filename": None,
        "sw_version": None,
        "ref_uut": normalise_id(info.ref_uut) if info and info.ref_uut else None,
        "caused_uut_failure": None,
        "caused_uut_failure_path": None,
    }


def _failing_step_path(report: UUTReport) -> list[str]:
    """Names from the root to the step that failed the unit (by id, else by flag)."""
    if report.root is None or report.result == "P":
        return []  # a passed unit has no failing step; skip walking big trees
    wanted = report.uut.step_id_caused_uut_failure if report.uut else None
    pending: list[tuple[Step, tuple[str, ...]]] = [(report.root, ())]
    while pending:
        step, parents = pending.pop()
        path = (*parents, step.name or "")
        if (wanted and step.id == wanted) or step.caused_uut_failure:
            return list(path)
        pending.extend((child, path) for child in reversed(step.children))
    return []


def header_record(row: Mapping[str, Any] | sqlite3.Row) -> dict[str, Any]:
    """A stored row as the OData ``ReportHeader`` (wats-rest-api.md §6.2)."""
    start_utc = row["start_utc"]
    return {
        "uuid": row["id"],
        "serialNumber": row["sn"],
        "partNumber": row["pn"],
        "revision": row["rev"],
        "batchNumber": row["batch_sn"],
        "reportType": row["type"],
        "start": f"{start_utc[:19]}Z" if start_utc else None,
        "result": RESULT_WORDS.get(row["result"] or "", row["result"]),
        "userName": row["operator"],
        "stationName": row["machine_name"],
        "location": row["location"],
        "purpose": row["purpose"],
        "measuresDeleted": False,
        "timeStamp": row["seq"],
        "processCode": row["process_code"],
        "processName": row["process_name"],
        "comment": row["comment"],
        "errorMessage": row["error_message"],
        "executionTime": row["exec_time"],
        "swFilename": row["sw_filename"],
        "swVersion": row["sw_version"],
        "testSocketIndex": row["test_socket_index"],
        "errorCode": row["error_code"],
        "fixtureId": row["fixture_id"],
        "run": row["run"],
        "passedInRun": row["passed_in_run"],
        "receiveCount": row["receive_count"],
        "reportSize": row["report_size"],
        "causedUutFailure": row["caused_uut_failure"],
        "causedUutFailurePath": row["caused_uut_failure_path"],
        "referencedUut": row["ref_uut"],
    }


def header_expansions(body: Mapping[str, Any], expand: set[str]) -> dict[str, Any]:
    """The ``$expand`` parts of a header, taken from the stored WSJF body."""
    is_uut = body.get("type") == "T"
    out: dict[str, Any] = {}
    subs = [s for s in body.get("subUnits") or [] if isinstance(s, dict)]
    miscs = [m for m in body.get("miscInfos") or [] if isinstance(m, dict)]
    misc = [{"description": m.get("description"), "value": _misc_value(m)} for m in miscs]
    if "subunits" in expand and is_uut:
        out["subUnits"] = [
            {"partType": s.get("partType"), "serialNumber": s.get("sn"),
             "partNumber": s.get("pn"), "revision": s.get("rev")} for s in subs
        ]  # fmt: skip
    if "uursubunits" in expand and not is_uut:
        out["uurSubUnits"] = [
            {"serialNumber": s.get("sn"), "partNumber": s.get("pn"), "revision": s.get("rev")}
            for s in subs
        ]
    if "miscinfo" in expand and is_uut:
        out["miscInfo"] = misc
    if "uurmiscinfo" in expand and not is_uut:
        out["uurMiscInfo"] = misc
    if "assets" in expand and is_uut:
        out["assets"] = [_asset_header(a) for a in body.get("assets") or [] if isinstance(a, dict)]
    if "attachments" in expand and is_uut:
        out["attachments"] = [
            {"stepId": step.get("id"), "filename": (step.get("attachment") or {}).get("name")}
            for step in iter_step_dicts(body.get("root"))
            if isinstance(step.get("attachment"), dict)
        ]
    if "uurattachments" in expand and not is_uut:
        out["uurAttachments"] = [
            {"id": b.get("id"), "filename": b.get("name")} for b in uur_binaries(body)
        ]
    return out


def _misc_value(misc: Mapping[str, Any]) -> Any:
    text = misc.get("text")
    return text if text is not None else misc.get("numeric")


def _asset_header(asset: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "serialNumber": asset.get("assetSN"),
        "runningCount": asset.get("usageCount"),
        "runningCountExceeded": None,
        "totalCount": None,
        "totalCountExceeded": None,
        "daysSinceMaintenance": None,
        "maintenanceDaysOverdue": None,
        "daysSinceCalibration": None,
        "calibrationDaysOverdue": None,
    }


def iter_step_dicts(step: Any) -> Iterator[dict[str, Any]]:
    """Every step object of a WSJF step tree (depth first, iteratively: trees can be deep)."""
    pending = [step]
    while pending:
        current = pending.pop()
        if not isinstance(current, dict):
            continue
        yield current
        children = current.get("steps")
        if isinstance(children, list):
            pending.extend(reversed(children))


def uur_binaries(body: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Report-level ``binaryData`` plus failure attachments of a repair report."""
    found = [b for b in body.get("binaryData") or [] if isinstance(b, dict)]
    for sub in body.get("subUnits") or []:
        for failure in (sub or {}).get("failures") or []:
            found.extend(a for a in (failure or {}).get("attachments") or [] if isinstance(a, dict))
    return found
