"""Reports: submit WSJF/WSXF, read them back, query headers, fetch attachments and exports."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import quote
from uuid import UUID

from pywats.domains._base import AsyncDomain
from pywats.exceptions import (
    BadRequestError,
    InvalidArgumentError,
    ReportRejectedError,
    UnexpectedResponseError,
)
from pywats.models.report import (
    HeaderQuery,
    InsertReportResult,
    MiscInfoHeader,
    ReportHeader,
    ReportProcessingState,
    field,
    insert_result_from,
)
from pywats.report import UURReport, UUTReport, parse_wsjf, to_wsjf

WSJF_PATH = "/api/Report/WSJF"
WSXF_PATH = "/api/Report/WSXF"
_JSON = {"Content-Type": "application/json"}
_XML = {"Content-Type": "application/xml", "Accept": "application/xml"}


def report_id_text(report_id: UUID | str) -> str:
    """A report id as the canonical GUID text; anything else is an :class:`InvalidArgumentError`."""
    try:
        return str(report_id if isinstance(report_id, UUID) else UUID(str(report_id).strip()))
    except ValueError:
        raise InvalidArgumentError(f"not a report id (GUID): {report_id!r}") from None


def _readback_params(
    detail_level: int | None, include_chartdata: bool | None, include_attachments: bool | None
) -> dict[str, Any]:
    if detail_level is not None and not 0 <= detail_level <= 7:
        raise InvalidArgumentError(f"detail_level must be 0..7, got {detail_level}")
    return {
        "detailLevel": detail_level,
        "includeChartdata": include_chartdata,
        "includeAttachments": include_attachments,
    }


class AsyncReportDomain(AsyncDomain):
    """Test (UUT) and repair (UUR) reports: ``wats.report``."""

    async def submit(self, report: UUTReport | UURReport) -> InsertReportResult:
        """Submit a report model as WSJF (``POST /api/Report/WSJF``).

        Retried on transport errors, 429 and 5xx: the report ``id`` makes the server keep one
        copy however often it is received. A 400 raises :class:`ReportRejectedError` holding
        the server's validation text.
        """
        return await self.submit_wsjf(to_wsjf(report))

    async def submit_wsjf(self, data: str | bytes) -> InsertReportResult:
        """Submit a WSJF JSON document as is (``POST /api/Report/WSJF``)."""
        return await self._submit(WSJF_PATH, data, _JSON)

    async def submit_wsxf(self, data: str | bytes) -> InsertReportResult:
        """Submit a WSXF XML document as is (``POST /api/Report/WSXF``)."""
        return await self._submit(WSXF_PATH, data, _XML | {"Accept": "application/json"})

    async def _submit(
        self, path: str, data: str | bytes, headers: Mapping[str, str]
    ) -> InsertReportResult:
        if not data or (isinstance(data, str) and not data.strip()):
            raise InvalidArgumentError("report document is empty")
        try:
            answer = await self._http.request_json(
                "POST", path, content=data, headers=headers, idempotent=True
            )
        except BadRequestError as exc:
            raise ReportRejectedError(
                exc.status_code,
                exc.server_message,
                method=exc.method,
                path=exc.path,
                correlation_id=exc.correlation_id,
            ) from None
        return insert_result_from(answer, path=path)

    async def get_wsjf(
        self,
        report_id: UUID | str,
        *,
        detail_level: int | None = None,
        include_chartdata: bool | None = None,
        include_attachments: bool | None = None,
    ) -> str:
        """A stored report as WSJF JSON text (``GET /api/Report/Wsjf/{id}``)."""
        path = f"/api/Report/Wsjf/{report_id_text(report_id)}"
        params = _readback_params(detail_level, include_chartdata, include_attachments)
        return await self._http.request_text("GET", path, params=params)

    async def get(
        self,
        report_id: UUID | str,
        *,
        detail_level: int | None = None,
        include_chartdata: bool | None = None,
        include_attachments: bool | None = None,
    ) -> UUTReport | UURReport:
        """A stored report parsed into the report model (``GET /api/Report/Wsjf/{id}``)."""
        text = await self.get_wsjf(
            report_id,
            detail_level=detail_level,
            include_chartdata=include_chartdata,
            include_attachments=include_attachments,
        )
        return parse_wsjf(text)

    async def get_wsxf(
        self,
        report_id: UUID | str,
        *,
        detail_level: int | None = None,
        include_chartdata: bool | None = None,
        include_attachments: bool | None = None,
        include_indexes: bool | None = None,
    ) -> str:
        """A stored report as WSXF XML text (``GET /api/Report/Wsxf/{id}``)."""
        path = f"/api/Report/Wsxf/{report_id_text(report_id)}"
        params = _readback_params(detail_level, include_chartdata, include_attachments)
        params["includeIndexes"] = include_indexes
        return await self._http.request_text("GET", path, params=params, headers=_XML)

    async def query_headers(self, query: HeaderQuery | None = None) -> list[ReportHeader]:
        """Report headers matching an OData query (``GET /api/Report/Query/Header``).

        Without a query the server returns its default: the 10 newest by start.
        """
        path = "/api/Report/Query/Header"
        params = query.to_params() if query is not None else None
        return await self._request_list(ReportHeader, "GET", path, params=params)

    async def headers_for_unit(
        self, serial_number: str, part_number: str | None = None, *, top: int = 100
    ) -> list[ReportHeader]:
        """Newest-first headers of one unit (``GET /api/Report/Query/Header``)."""
        condition = field("serialNumber").eq(serial_number)
        if part_number is not None:
            condition = condition & field("partNumber").eq(part_number)
        query = HeaderQuery(filter=condition, top=top, orderby="start desc")
        return await self.query_headers(query)

    async def query_headers_by_misc_info(
        self,
        description: str,
        data: str | None = None,
        *,
        process_code: int | None = None,
        serial_number: str | None = None,
    ) -> list[MiscInfoHeader]:
        """Headers by misc-info description/value (``GET /api/Report/Query/HeaderByMiscInfo``)."""
        path = "/api/Report/Query/HeaderByMiscInfo"
        params = {
            "description": description,
            "data": data,
            "processCode": process_code,
            "serialNumber": serial_number,
        }
        return await self._request_list(MiscInfoHeader, "GET", path, params=params)

    async def processing_state_internal(self, report_id: UUID | str) -> ReportProcessingState:
        """Server-side processing state of a received report.

        ⚠ internal endpoint ``GET /api/internal/Report/GetReportState/{id}``.
        """
        path = f"/api/internal/Report/GetReportState/{report_id_text(report_id)}"
        return await self._request_model(ReportProcessingState, "GET", path)

    async def get_attachment(
        self,
        report_id: UUID | str,
        *,
        step_id: int | None = None,
        attachment_id: UUID | str | None = None,
    ) -> bytes:
        """One attachment (``GET /api/Report/Attachment``).

        A UUT attachment is found by ``step_id``, a UUR attachment by ``attachment_id``.
        """
        if (step_id is None) == (attachment_id is None):
            raise InvalidArgumentError("give exactly one of step_id or attachment_id")
        params = {
            "reportId": report_id_text(report_id),
            "stepId": step_id,
            "attachmentId": None if attachment_id is None else str(attachment_id),
        }
        return await self._http.request_bytes("GET", "/api/Report/Attachment", params=params)

    async def get_attachments_zip(self, report_id: UUID | str) -> bytes:
        """All attachments of a report as a zip (``GET /api/Report/Attachments/{id}``)."""
        path = f"/api/Report/Attachments/{report_id_text(report_id)}"
        return await self._http.request_bytes("GET", path)

    async def get_certificate(self, report_id: UUID | str) -> bytes:
        """The report certificate, a PDF (``GET /api/Report/Certificate/{id}``)."""
        path = f"/api/Report/Certificate/{report_id_text(report_id)}"
        return await self._http.request_bytes("GET", path)

    async def export_certificates(
        self,
        wats_filter: Mapping[str, Any],
        *,
        header_data_only: bool = False,
        as_individual_files: bool = False,
        email: str | None = None,
    ) -> Any:
        """Queue a background certificate export (``POST /api/Export/Certificate``).

        ``wats_filter`` is a ``PublicWatsFilter`` JSON object; the answer is the server's
        description of the queued export.
        """
        params = {
            "headerDataOnly": header_data_only,
            "asIndividualFiles": as_individual_files,
            "email": email,
        }
        return await self._http.request_json(
            "POST", "/api/Export/Certificate", params=params, json=dict(wats_filter)
        )

    async def list_exports(self) -> list[str]:
        """Names of the exports the caller created (``GET /api/Export/List``)."""
        data = await self._http.request_json("GET", "/api/Export/List")
        if data is None:
            return []
        if not isinstance(data, list):
            raise UnexpectedResponseError(
                "expected a list of names", method="GET", path="/api/Export/List"
            )
        return [str(name) for name in data]

    async def download_export(self, file_name: str) -> bytes:
        """Download one export zip (``GET /api/Export/{fileName}``)."""
        if not file_name.strip():
            raise InvalidArgumentError("file_name must not be empty")
        return await self._http.request_bytes("GET", f"/api/Export/{quote(file_name, safe='')}")
