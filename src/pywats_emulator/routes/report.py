"""Report domain (wats-rest-api.md §3.1): submit, read back, query headers, attachments."""

from __future__ import annotations

import base64
import binascii
import io
import json
import zipfile
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from pywats.report import report_from_dict
from pywats.report.wsxf import to_wsxf

from ..catalog import Catalog
from ..certificate import certificate_lines, render_pdf
from ..http import (
    BadRequest,
    error_response,
    json_response,
    query_bool,
    query_int,
    query_params,
    read_json,
)
from ..odata import ODataError, compile_filter, compile_orderby
from ..readback import ReadOptions, ServerFacts, readback
from ..reportdata import (
    header_expansions,
    header_record,
    iter_step_dicts,
    normalise_id,
    origin_for,
    uur_binaries,
)
from ..reportstore import SCHEMA as REPORTS_SCHEMA
from ..reportstore import delete_reports, find_report, query_headers, repairs_of, save_report
from ..state import EmulatorState
from ..submission import Report, ReportRejected, SubmitRules, check_wsjf, check_wsxf

SCHEMA = REPORTS_SCHEMA
DEFAULT_TOP = 10
MAX_TOP = 10000
EXPANDABLE = frozenset(
    {"subunits", "miscinfo", "assets", "attachments", "uursubunits", "uurmiscinfo",
     "uurattachments"}
)  # fmt: skip


def _not_found(report_id: str) -> Response:
    return error_response(404, f"Report '{report_id}' was not found.")


class ReportRoutes:
    """Handlers bound to one emulator state."""

    def __init__(self, state: EmulatorState) -> None:
        self.state = state
        self.catalog = Catalog(state.store)

    def _rules(self) -> SubmitRules:
        config = self.state.config
        return SubmitRules(
            processes=self.catalog.process if self.catalog.has_processes() else None,
            repair_types=self.catalog.repair_type if config.check_repair_types else None,
            loop_counters=config.loop_counters,
        )

    def _origin(self, request: Request) -> str:
        identity = request.scope.get("state", {}).get("identity")
        if identity is None:
            return origin_for("token", "anonymous")
        return origin_for(identity.kind, identity.name)

    def _save(self, request: Request, report: Report, body: str, fmt: str) -> Response:
        stored = save_report(
            self.state.store,
            report,
            body,
            origin=self._origin(request),
            received_at=self.state.now_iso(),
            fmt=fmt,
        )
        return json_response({"ID": stored.id, "uuid": stored.id, "Report_ID": stored.seq})

    async def submit_wsjf(self, request: Request) -> Response:
        """``POST /api/Report/WSJF``."""
        data = await request.body()
        try:
            report = check_wsjf(data, self._rules())
        except ReportRejected as exc:
            return error_response(400, exc.message)
        return self._save(request, report, data.decode("utf-8"), "wsjf")

    async def submit_wsxf(self, request: Request) -> Response:
        """``POST /api/Report/WSXF`` (stored converted to WSJF)."""
        data = await request.body()
        try:
            report = check_wsxf(data, self._rules())
        except ReportRejected as exc:
            return error_response(400, exc.message)
        body = report.model_dump_json(by_alias=True, exclude_unset=True)
        return self._save(request, report, body, "wsxf")

    def _facts(self, row: Any, body: dict[str, Any]) -> ServerFacts:
        found = body.get("uur")
        uur: dict[str, Any] = found if isinstance(found, dict) else {}
        return ServerFacts(
            origin=row["origin"],
            product_name=self.catalog.product_name(row["pn"]),
            process_name=self.catalog.process_name(row["process_code"]),
            uur_process_name=self.catalog.process_name(_int_or_none(uur.get("processCode"))),
            start_utc=row["start_utc"].replace(".000000Z", "Z") if row["start_utc"] else None,
            ref_uurs=repairs_of(self.state.store, row["id"]) if row["type"] == "T" else (),
        )

    def _read_options(self, request: Request) -> ReadOptions:
        level = query_int(request, "detailLevel", 7)
        if level is None or not 0 <= level <= 7:
            raise BadRequest("detailLevel must be between 0 and 7.")
        return ReadOptions(
            detail_level=level,
            include_attachments=query_bool(request, "includeAttachments", True),
            include_chart_data=query_bool(request, "includeChartdata", True),
        )

    async def get_wsjf(self, request: Request) -> Response:
        """``GET /api/Report/Wsjf/{id}``."""
        report_id = request.path_params["id"]
        row = find_report(self.state.store, report_id)
        if row is None:
            return _not_found(report_id)
        options = self._read_options(request)
        body = json.loads(row["body"])
        return json_response(readback(body, self._facts(row, body), options))

    async def get_wsxf(self, request: Request) -> Response:
        """``GET /api/Report/Wsxf/{id}``: the stored report written as WSXF."""
        report_id = request.path_params["id"]
        row = find_report(self.state.store, report_id)
        if row is None:
            return _not_found(report_id)
        body = json.loads(row["body"])
        tree = readback(body, self._facts(row, body), self._read_options(request))
        xml = to_wsxf(report_from_dict(tree))
        return Response(xml.encode("utf-8"), media_type="application/xml; charset=utf-8")

    async def query_header(self, request: Request) -> Response:
        """``GET /api/Report/Query/Header`` with ``$filter $top $skip $orderby $expand``."""
        params = query_params(request)
        try:
            compiled = compile_filter(params.get("$filter", ""))
            order_by = compile_orderby(params.get("$orderby"))
        except ODataError as exc:
            return error_response(400, f"The query specified in the URI is not valid. {exc}")
        where, values = compiled.sql, list(compiled.params)
        report_type = params.get("reportType")
        if report_type:
            where = f"({where}) AND type = ?"
            values.append("T" if report_type.upper() in ("U", "T") else report_type.upper())
        top = query_int(request, "$top", DEFAULT_TOP) or 0
        skip = query_int(request, "$skip", 0) or 0
        if top < 0 or skip < 0:
            raise BadRequest("$top and $skip must not be negative.")
        if top > MAX_TOP:
            raise BadRequest(f"The limit of '{MAX_TOP}' for Top query has been exceeded.")
        expand = _expand_set(params.get("$expand"))
        rows = query_headers(
            self.state.store, where, values, order_by, top=top, skip=skip, with_body=bool(expand)
        )
        records = []
        for row in rows:
            record = header_record(row)
            if expand:
                record.update(header_expansions(json.loads(row["body"]), expand))
            records.append(record)
        return json_response(_select(records, params.get("$select")))

    async def header_by_misc_info(self, request: Request) -> Response:
        """``GET /api/Report/Query/HeaderByMiscInfo`` (``data`` or pywats' ``stringValue``)."""
        params = query_params(request)
        description = params.get("description")
        value = params.get("data") or params.get("stringValue")
        conditions = ["1"]
        values: list[Any] = []
        if description is not None or value is not None:
            inner = []
            if description is not None:
                inner.append("json_extract(m.value, '$.description') = ?")
                values.append(description)
            if value is not None:
                inner.append(
                    "COALESCE(json_extract(m.value, '$.text'), "
                    "CAST(json_extract(m.value, '$.numeric') AS TEXT)) = ?"
                )
                values.append(value)
            conditions.append(
                "EXISTS (SELECT 1 FROM json_each(reports.body, '$.miscInfos') AS m WHERE "
                + " AND ".join(inner)
                + ")"
            )
        for name, column in (("processCode", "process_code"), ("serialNumber", "sn")):
            if params.get(name):
                conditions.append(f"{column} = ?")
                values.append(params[name])
        top = query_int(request, "$top", 1000) or 0
        rows = query_headers(
            self.state.store,
            " AND ".join(conditions),
            values,
            "start_utc DESC, seq DESC",
            top=top,
            skip=0,
            with_body=True,
        )
        return json_response([_misc_header(row) for row in rows])

    async def attachment(self, request: Request) -> Response:
        """``GET /api/Report/Attachment?reportId=&stepId=|attachmentId=``."""
        params = query_params(request)
        report_id, step_id = params.get("reportId"), params.get("stepId")
        attachment_id = params.get("attachmentId")
        if report_id is None and attachment_id is not None:
            report_id = self._report_holding(attachment_id)
        if report_id is None:
            raise BadRequest("reportId is required.")
        row = find_report(self.state.store, report_id)
        if row is None:
            return _not_found(report_id)
        files = _attachments(json.loads(row["body"]))
        key = f"step:{step_id}" if step_id is not None else f"id:{(attachment_id or '').lower()}"
        found = files.get(key)
        if found is None:
            return error_response(404, "Attachment was not found.")
        name, content_type, data = found
        return Response(
            data,
            media_type=content_type or "application/octet-stream",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )

    def _report_holding(self, attachment_id: str) -> str | None:
        row = self.state.store.query_one(
            "SELECT id FROM reports WHERE type = 'R' AND instr(lower(body), ?) > 0",
            (attachment_id.lower(),),
        )
        return str(row["id"]) if row is not None else None

    async def attachments_zip(self, request: Request) -> Response:
        """``GET /api/Report/Attachments/{id}``: every attachment of a report as a zip."""
        report_id = request.path_params["id"]
        row = find_report(self.state.store, report_id)
        if row is None:
            return _not_found(report_id)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for key, (name, _, data) in sorted(_attachments(json.loads(row["body"])).items()):
                archive.writestr(f"{key.split(':', 1)[1]}_{name}", data)
        return Response(buffer.getvalue(), media_type="application/zip")

    async def certificate(self, request: Request) -> Response:
        """``GET /api/Report/Certificate/{id}``: a one-page PDF naming the report."""
        report_id = request.path_params["id"]
        row = find_report(self.state.store, report_id)
        if row is None:
            return _not_found(report_id)
        pdf = render_pdf(certificate_lines(header_record(row)))
        return Response(pdf, media_type="application/pdf")

    async def from_storage(self, request: Request) -> Response:
        """``GET /api/internal/Report/GetFromStorage?uuid=``: the report exactly as stored."""
        report_id = query_params(request).get("uuid")
        if not report_id:
            raise BadRequest("uuid is required.")
        row = find_report(self.state.store, report_id)
        if row is None:
            return _not_found(report_id)
        return Response(row["body"].encode("utf-8"), media_type="application/json")

    async def delete_reports(self, request: Request) -> Response:
        """``POST /api/internal/Report/DeleteReports``: body = array of report ids."""
        ids = await read_json(request)
        if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
            raise BadRequest("The body must be a JSON array of report ids.")
        deleted = delete_reports(self.state.store, [normalise_id(i) for i in ids])
        return json_response({"Deleted": deleted})

    async def report_state(self, request: Request) -> Response:
        """``GET /api/internal/Report/GetReportState/{id}``: processed synchronously."""
        report_id = request.path_params["id"]
        row = self.state.store.query_one(
            "SELECT id, received_at, receive_count FROM reports WHERE id = ?",
            (normalise_id(report_id),),
        )
        if row is None:
            return _not_found(report_id)
        return json_response({
            "uuid": row["id"], "State": "Processed", "ProcessAtUtc": row["received_at"],
            "ReceiveDate": row["received_at"], "ReceiveCount": row["receive_count"],
            "LastAttempt": row["received_at"], "Attempts": 1,
        })  # fmt: skip


def _int_or_none(value: Any) -> int | None:
    return value if isinstance(value, int) else None


def _expand_set(raw: str | None) -> set[str]:
    if not raw:
        return set()
    names = {part.strip().lower() for part in raw.split(",") if part.strip()}
    unknown = names - EXPANDABLE
    if unknown:
        raise BadRequest(
            f"The query specified in the URI is not valid. Cannot $expand "
            f"'{', '.join(sorted(unknown))}'."
        )
    return names


def _select(records: list[dict[str, Any]], raw: str | None) -> list[dict[str, Any]]:
    if not raw:
        return records
    wanted = {part.strip().lower() for part in raw.split(",") if part.strip()}
    return [{k: v for k, v in record.items() if k.lower() in wanted} for record in records]


def _misc_header(row: Any) -> dict[str, Any]:
    record = header_record(row)
    body = json.loads(row["body"])
    misc = [
        {"description": m.get("description"), "data": m.get("text")}
        for m in body.get("miscInfos") or [] if isinstance(m, dict)
    ]  # fmt: skip
    return {
        "serialNumber": record["serialNumber"], "partNumber": record["partNumber"],
        "start": record["start"], "result": record["result"], "uuid": record["uuid"],
        "processCode": record["processCode"], "processName": record["processName"],
        "miscData": misc,
    }  # fmt: skip


def _decode(data: Any) -> bytes:
    if not isinstance(data, str):
        return b""
    try:
        return base64.b64decode(data, validate=False)
    except (binascii.Error, ValueError):
        return data.encode("utf-8")


def _attachments(body: dict[str, Any]) -> dict[str, tuple[str, str | None, bytes]]:
    """Attachments keyed ``step:<id>`` (UUT steps) or ``id:<guid>`` (UUR binary data)."""
    found: dict[str, tuple[str, str | None, bytes]] = {}
    for step in iter_step_dicts(body.get("root")):
        item = step.get("attachment")
        if isinstance(item, dict):
            name = str(item.get("name") or f"step{step.get('id')}")
            content = _decode(item.get("data"))
            found[f"step:{step.get('id')}"] = (name, item.get("contentType"), content)
    for index, item in enumerate(uur_binaries(body)):
        key = str(item.get("id") or index).lower()
        found[f"id:{key}"] = (
            str(item.get("name") or key),
            item.get("contentType"),
            _decode(item.get("data")),
        )
    return found


def routes(state: EmulatorState) -> list[Route]:
    """The report endpoints."""
    handlers = ReportRoutes(state)
    return [
        Route("/api/report/wsjf", handlers.submit_wsjf, methods=["POST"]),
        Route("/api/report/wsxf", handlers.submit_wsxf, methods=["POST"]),
        Route("/api/report/wsjf/{id}", handlers.get_wsjf, methods=["GET"]),
        Route("/api/report/wsxf/{id}", handlers.get_wsxf, methods=["GET"]),
        Route("/api/report/query/header", handlers.query_header, methods=["GET"]),
        Route("/api/report/query/headerbymiscinfo", handlers.header_by_misc_info,
              methods=["GET"]),
        Route("/api/report/attachment", handlers.attachment, methods=["GET"]),
        Route("/api/report/attachments/{id}", handlers.attachments_zip, methods=["GET"]),
        Route("/api/report/certificate/{id}", handlers.certificate, methods=["GET"]),
        Route("/api/internal/report/getfromstorage", handlers.from_storage, methods=["GET"]),
        Route("/api/internal/report/deletereports", handlers.delete_reports, methods=["POST"]),
        Route("/api/internal/report/getreportstate/{id}", handlers.report_state,
              methods=["GET"]),
    ]  # fmt: skip
