"""Models of the report endpoints: submission result, header rows, query options.

The report documents themselves (UUT/UUR) live in :mod:`pywats.report`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from pydantic import Field as PydanticField
from pydantic import ValidationError

from pywats._core.odata import Field, Filter, ODataQuery, field, literal
from pywats.exceptions import UnexpectedResponseError
from pywats.models._base import ApiModel, PascalModel

HeaderQuery = ODataQuery
"""Options of ``GET /api/Report/Query/Header`` (``$top`` at most 10,000; server default 10)."""


class InsertReportResult(ApiModel):
    """Answer to a report submission: ``id`` as sent, ``uuid`` as stored, legacy ``report_id``."""

    id: UUID = PydanticField(alias="ID")
    uuid: UUID | None = None
    report_id: int | None = PydanticField(default=None, alias="Report_ID")


def insert_result_from(data: Any, *, method: str = "POST", path: str = "") -> InsertReportResult:
    """Read an ``InsertReportResult`` from the server's JSON.

    The server answers one object or a one-element array; the id is read from ``ID``, else
    ``id``, else ``uuid``.
    """
    item = data[0] if isinstance(data, list) and len(data) == 1 else data
    if isinstance(item, dict):
        ident = item.get("ID") or item.get("id") or item.get("uuid")
        if ident is not None:
            try:
                return InsertReportResult.model_validate({**item, "ID": ident})
            except ValidationError as exc:
                raise UnexpectedResponseError(
                    f"bad InsertReportResult: {exc.errors()[0]['msg']}", method=method, path=path
                ) from None
    raise UnexpectedResponseError(
        f"expected an InsertReportResult, got {str(data)[:200]!r}", method=method, path=path
    )


class HeaderSubUnit(ApiModel):
    """A sub-unit listed in a header (``$expand=subUnits`` / ``uurSubUnits``)."""

    part_type: str | None = None
    serial_number: str | None = None
    part_number: str | None = None
    revision: str | None = None


class HeaderMiscInfo(ApiModel):
    """A misc-info row of a header (``$expand=miscInfo`` / ``uurMiscInfo``)."""

    description: str | None = None
    value: str | None = None


class ReportHeader(ApiModel):
    """One row of ``GET /api/Report/Query/Header`` (UUT ``report_type="T"`` or UUR ``"R"``)."""

    uuid: UUID
    serial_number: str | None = None
    part_number: str | None = None
    revision: str | None = None
    batch_number: str | None = None
    report_type: str | None = None
    start: datetime | None = None
    result: str | None = None
    user_name: str | None = None
    station_name: str | None = None
    location: str | None = None
    purpose: str | None = None
    process_code: int | None = None
    process_name: str | None = None
    comment: str | None = None
    error_message: str | None = None
    execution_time: float | None = None
    sw_filename: str | None = None
    sw_version: str | None = None
    test_socket_index: int | None = None
    error_code: int | None = None
    fixture_id: str | None = None
    run: int | None = None
    passed_in_run: int | None = None
    receive_count: int | None = None
    report_size: int | None = None
    time_stamp: int | None = None
    caused_uut_failure: str | None = None
    caused_uut_failure_path: str | None = None
    referenced_uut: UUID | None = None
    sub_units: list[HeaderSubUnit] | None = None
    misc_info: list[HeaderMiscInfo] | None = None
    uur_sub_units: list[HeaderSubUnit] | None = None
    uur_misc_info: list[HeaderMiscInfo] | None = None


class ReportProcessingState(PascalModel):
    """Server-side processing state of a received report (internal ``GetReportState``)."""

    uuid: UUID = PydanticField(alias="uuid")
    state: str | None = None
    process_at_utc: datetime | None = None
    receive_date: datetime | None = None
    receive_count: int | None = None
    last_attempt: datetime | None = None
    attempts: int | None = None


class MiscInfoData(ApiModel):
    """A misc-info pair in a ``HeaderByMiscInfo`` row."""

    description: str | None = None
    data: str | None = None


class MiscInfoHeader(ApiModel):
    """One row of ``GET /api/Report/Query/HeaderByMiscInfo``."""

    uuid: UUID
    serial_number: str | None = None
    part_number: str | None = None
    start: datetime | None = None
    result: str | None = None
    process_code: int | None = None
    process_name: str | None = None
    misc_data: list[MiscInfoData] | None = None


__all__ = [
    "Field",
    "Filter",
    "HeaderMiscInfo",
    "HeaderQuery",
    "HeaderSubUnit",
    "InsertReportResult",
    "MiscInfoData",
    "MiscInfoHeader",
    "ReportHeader",
    "ReportProcessingState",
    "field",
    "insert_result_from",
    "literal",
]
