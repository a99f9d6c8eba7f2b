"""Turning input files (WSJF, WSXF, WSTF) into queue entries.

WSJF input is stored byte for byte once it parses as a report (what the station wrote is
what the server gets). WSXF and WSTF are parsed with :mod:`pywats.report` and serialised to
WSJF with ``to_wsjf``. A report without an ``id`` gets one derived from the file's content
and position, so accepting the same file again is idempotent instead of duplicating it.
Anything unreadable raises :class:`~pywats_client.errors.InputFileError` and leaves the file
alone for the caller to quarantine.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from pywats.exceptions import ReportError
from pywats.report import UURReport, UUTReport, ensure_valid, parse_wsjf, to_wsjf
from pywats.report.wstf import parse_wstf
from pywats.report.wsxf import parse_wsxf
from pywats_client.errors import InputFileError
from pywats_client.queue.entries import AcceptResult
from pywats_client.queue.envelope import sha256_hex
from pywats_client.queue.naming import normalize_report_id
from pywats_client.queue.store import ReportQueue

# Namespace for ids derived from file content (uuid5): fixed so the derivation is stable.
_DERIVED_ID_NAMESPACE = uuid.UUID("6c1f3a52-9d0e-4b7a-8f25-3e4d5c6b7a80")
_SUFFIX_FORMATS = {".json": "wsjf", ".wsjf": "wsjf", ".xml": "wsxf", ".wsxf": "wsxf"}
_WSTF_SUFFIXES = frozenset({".txt", ".wstf", ".tsv"})


class InputFormat(StrEnum):
    """Report file formats the queue accepts."""

    WSJF = "wsjf"
    WSXF = "wsxf"
    WSTF = "wstf"


@dataclass(frozen=True, slots=True)
class PreparedReport:
    """One report from an input file, ready for :meth:`ReportQueue.accept`."""

    report_id: str
    payload: bytes


def detect_format(path: Path, data: bytes) -> InputFormat:
    """The format of ``data``: by file suffix first, else by the first non-blank byte."""
    suffix = path.suffix.lower()
    if suffix in _SUFFIX_FORMATS:
        return InputFormat(_SUFFIX_FORMATS[suffix])
    if suffix in _WSTF_SUFFIXES:
        return InputFormat.WSTF
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if head == b"{":
        return InputFormat.WSJF
    if head == b"<":
        return InputFormat.WSXF
    return InputFormat.WSTF


def prepare_reports(path: Path, data: bytes, *, validate: bool = False) -> list[PreparedReport]:
    """Parse ``data`` (read from ``path``) into WSJF payloads with report ids.

    ``validate=True`` also applies :func:`pywats.report.ensure_valid`, refusing reports the
    server would reject; by default the server decides (rejections are parked with its text).
    """
    fmt = detect_format(path, data)
    try:
        reports = _parse(path, fmt, data)
        if validate:
            for report in reports:
                ensure_valid(report)
    except ReportError as exc:
        raise InputFileError(
            str(path), f"not a readable {fmt.value.upper()} report: {exc}"
        ) from exc
    if not reports:
        raise InputFileError(str(path), f"no report found in the {fmt.value.upper()} file")
    if fmt is InputFormat.WSJF and reports[0].id is not None:
        return [PreparedReport(_checked_id(path, reports[0].id), data)]
    digest = sha256_hex(data)
    prepared = []
    for position, report in enumerate(reports):
        report_id = report.id or str(uuid.uuid5(_DERIVED_ID_NAMESPACE, f"{digest}:{position}"))
        with_id = report if report.id else report.model_copy(update={"id": report_id})
        prepared.append(
            PreparedReport(_checked_id(path, report_id), to_wsjf(with_id).encode("utf-8"))
        )
    return prepared


def _parse(path: Path, fmt: InputFormat, data: bytes) -> list[UUTReport | UURReport]:
    if fmt is InputFormat.WSJF:
        return [parse_wsjf(data)]
    if fmt is InputFormat.WSXF:
        return [parse_wsxf(data)]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputFileError(str(path), f"WSTF text is not UTF-8: {exc}") from None
    return list(parse_wstf(text))


def _checked_id(path: Path, raw: str) -> str:
    try:
        return normalize_report_id(raw)
    except ReportError as exc:
        raise InputFileError(str(path), str(exc)) from exc


def accept_file(
    queue: ReportQueue,
    path: Path | str,
    *,
    source: Mapping[str, Any] | None = None,
    validate: bool = False,
) -> list[AcceptResult]:
    """Read a report file and accept every report in it; the caller keeps its file.

    Returns one result per report (WSTF files may hold several). If a limit refuses a later
    report of a multi-report file, the earlier ones stay accepted; accepting the file again
    later is idempotent for them. The envelope's ``source`` records the input path, format
    and SHA-256 plus anything in ``source``.
    """
    input_path = Path(path)
    try:
        data = input_path.read_bytes()
    except OSError as exc:
        raise InputFileError(str(input_path), f"cannot read: {exc.strerror}") from None
    prepared = prepare_reports(input_path, data, validate=validate)
    audit = {
        "path": str(input_path),
        "format": detect_format(input_path, data).value,
        "sha256": sha256_hex(data),
        **(source or {}),
    }
    return [
        queue.accept(report.payload, report.report_id, source={**audit, "index": index})
        for index, report in enumerate(prepared)
    ]
