"""Serial-number routes of the production domain (types, take, reserve, lists, export, upload)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from pywats_emulator.http import json_response, read_json
from pywats_emulator.routes._multipart import uploaded_file
from pywats_emulator.routes._params import (
    bad_request,
    body_object,
    field,
    guarded,
    lookup,
    optional_bool,
    optional_str,
    parse_bool,
    parse_int,
    required_int,
    text_field,
)
from pywats_emulator.routes._production_serials import (
    Allocation,
    allocate,
    find_type,
    normalise,
    parse_upload,
    serial_json,
    store_uploaded,
    to_csv,
    to_xml,
    type_json,
)
from pywats_emulator.state import EmulatorState
from pywats_emulator.store import Store


def now_text(state: EmulatorState) -> str:
    """The emulator clock as ISO 8601 UTC with a ``Z``."""
    return state.clock().astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _first(params: Mapping[str, str], *names: str) -> str | None:
    """The first present of several spellings (spec names first, pywats names after)."""
    for name in names:
        value = optional_str(params, name)
        if value is not None:
            return value
    return None


def _type_name(params: Mapping[str, str]) -> str:
    name = _first(params, "serialNumberType", "typeName")
    if name is None:
        raise bad_request("The parameter 'serialNumberType' is required.")
    return name


def _format(params: Mapping[str, str], default: str | None) -> str:
    fmt = (optional_str(params, "format") or default or "").lower()
    if fmt not in ("xml", "csv"):
        raise bad_request("The parameter 'format' must be XML or CSV.")
    return fmt


def _date_clause(params: Mapping[str, str], column: str) -> tuple[str, list[str]]:
    clause, values = "", []
    start, end = _first(params, "startDate", "fromDate"), _first(params, "endDate", "toDate")
    if start:
        clause += f" AND {column} >= ?"
        values.append(start)
    if end:
        clause += f" AND {column} <= ?"
        values.append(end)
    return clause, values


def _range_rows(store: Store, params: Mapping[str, str], need_range: bool) -> list[Any]:
    type_row = find_type(store, _type_name(params))
    identifier = int(type_row["identifier"])
    start = _first(params, "startAddress", "from")
    end = _first(params, "endAddress", "to")
    if need_range and (start is None or end is None):
        raise bad_request("The parameters 'startAddress' and 'endAddress' are required.")
    sql, values = "SELECT * FROM serial_numbers WHERE type_name = ?", [type_row["name"]]
    if start is not None:
        sql += " AND serial_number >= ?"
        values.append(normalise(identifier, start))
    if end is not None:
        sql += " AND serial_number <= ?"
        values.append(normalise(identifier, end))
    dates, date_values = _date_clause(params, "taken_at")
    return store.query(sql + dates + " ORDER BY address", (*values, *date_values))


def _allocation_from_query(params: Mapping[str, str]) -> Allocation:
    return Allocation(
        type_name=_type_name(params),
        quantity=required_int(params, "quantity"),
        ref_sn=optional_str(params, "refSN"),
        ref_pn=optional_str(params, "refPN"),
        station_name=optional_str(params, "stationName"),
        only_in_sequence=bool(optional_bool(params, "onlyInSequence")),
    )


def _allocation_from_body(data: Any) -> Allocation:
    request = body_object(field(body_object(data, "request"), "sn"), "SerialNumbers")
    request_type = str(field(request, "requestType") or "Take").lower()
    if request_type not in ("take", "reserve"):
        raise bad_request("requestType must be Take or Reserve.")
    type_name = text_field(request, "serialNumberType")
    if not type_name:
        raise bad_request("serialNumberType is required.")
    in_sequence = field(request, "onlyInSequence")
    return Allocation(
        type_name=type_name,
        quantity=parse_int(str(field(request, "batchSize") or "0"), "batchSize"),
        ref_sn=text_field(request, "refSN"),
        ref_pn=text_field(request, "refPN"),
        station_name=text_field(request, "stationName"),
        only_in_sequence=parse_bool(str(in_sequence), "onlyInSequence")
        if in_sequence is not None
        else False,
        reserve=request_type == "reserve",
    )


class SerialNumberRoutes:
    """Handlers bound to one emulator state (each wrapped by ``guarded`` when routed)."""

    def __init__(self, state: EmulatorState) -> None:
        self.state = state
        self.store = state.store

    def routes(self) -> list[Route]:
        """The route table: each handler below, wrapped by ``guarded``."""
        base = "/api/production/serialnumbers"
        reserve = "/api/internal/production/getandreservenewserialnumbers"
        return [
            Route(f"{base}/types", guarded(self.types), methods=["GET"]),
            Route(f"{base}/take", guarded(self.take), methods=["POST"]),
            Route(f"{base}/byreference", guarded(self.by_reference), methods=["GET"]),
            Route(f"{base}/byrange", guarded(self.by_range), methods=["GET"]),
            Route(base, guarded(self.export), methods=["GET"]),
            Route(base, guarded(self.upload), methods=["PUT"]),
            Route(reserve, guarded(self.reserve), methods=["POST"]),
        ]

    async def types(self, request: Request) -> Response:
        """``GET /api/production/serialnumbers/types``."""
        rows = self.store.query("SELECT * FROM serial_number_types ORDER BY name")
        return json_response([type_json(dict(row)) for row in rows])

    async def take(self, request: Request) -> Response:
        """``POST /api/production/serialnumbers/take``."""
        params = request.query_params
        fmt = _format(params, "xml")
        allocation = _allocation_from_query(params)
        rows = allocate(self.store, allocation, now_text(self.state))
        if fmt == "csv":
            return Response(to_csv(rows, header=False), media_type="text/csv")
        document = to_xml(rows, allocation.type_name, "Take")
        return Response(document, media_type="application/xml")

    async def reserve(self, request: Request) -> Response:
        """``POST /api/internal/production/getandreservenewserialnumbers``."""
        allocation = _allocation_from_body(await read_json(request))
        rows = allocate(self.store, allocation, now_text(self.state))
        kind = "Reserve" if allocation.reserve else "Take"
        return json_response({"sn": to_xml(rows, allocation.type_name, kind)})

    async def by_reference(self, request: Request) -> Response:
        """``GET /api/production/serialnumbers/byreference``."""
        params = request.query_params
        type_row = find_type(self.store, _type_name(params))
        sql = "SELECT * FROM serial_numbers WHERE type_name = ? AND taken_at IS NOT NULL"
        values: list[Any] = [type_row["name"]]
        for column, names in (
            ("ref_sn", ("refSN", "referenceSerialNumber")),
            ("ref_pn", ("refPN", "referencePartNumber")),
        ):
            value = _first(params, *names)
            if value is not None:
                sql += f" AND {column} = ?"
                values.append(value)
        dates, date_values = _date_clause(params, "taken_at")
        rows = self.store.query(sql + dates + " ORDER BY address", (*values, *date_values))
        return json_response([serial_json(dict(row)) for row in rows])

    async def by_range(self, request: Request) -> Response:
        """``GET /api/production/serialnumbers/byrange``."""
        rows = _range_rows(self.store, request.query_params, need_range=True)
        return json_response([serial_json(dict(row)) for row in rows])

    async def export(self, request: Request) -> Response:
        """``GET /api/production/serialnumbers``."""
        params = request.query_params
        fmt = _format(params, None)
        rows = [dict(row) for row in _range_rows(self.store, params, need_range=False)]
        name = _type_name(params)
        if fmt == "csv":
            return Response(to_csv(rows, header=True), media_type="text/csv")
        return Response(to_xml(rows, name, "Export"), media_type="application/xml")

    async def upload(self, request: Request) -> Response:
        """``PUT /api/production/serialnumbers``."""
        params = request.query_params
        type_row = find_type(self.store, _type_name(params))
        fmt = _format(params, None)
        content_type = lookup(request.headers, "content-type") or ""
        data = uploaded_file(await request.body(), content_type).content
        added = store_uploaded(self.store, type_row, parse_upload(data, fmt))
        return json_response({"insertCount": added})
