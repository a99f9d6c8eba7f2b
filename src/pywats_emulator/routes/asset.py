"""Asset routes (wats-rest-api.md §3.6): assets, types, counts, calibration, maintenance, log.

Every asset, type and log record is kept as its wire dict (camelCase JSON) next to the few
columns that are looked up; the rules live in :mod:`._asset_logic`, OData in :mod:`._asset_odata`.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from pywats_emulator.http import json_response, read_json
from pywats_emulator.routes._asset_logic import (
    asset_status,
    counts_after,
    descendants,
    next_due,
)
from pywats_emulator.routes._asset_params import (
    caller_name,
    check_tags,
    date_param,
)
from pywats_emulator.routes._asset_seed import seed_assets
from pywats_emulator.routes._asset_store import AssetStore
from pywats_emulator.routes._dates import iso
from pywats_emulator.routes._odata import select_rows
from pywats_emulator.routes._params import (
    RouteError,
    bad_request,
    body_object,
    guarded,
    not_found,
    optional_bool,
    optional_int,
    optional_str,
)
from pywats_emulator.state import EmulatorState
from pywats_emulator.store import Store

SCHEMA = """
CREATE TABLE IF NOT EXISTS asset_types (
    type_id TEXT PRIMARY KEY,
    type_name TEXT NOT NULL COLLATE NOCASE,
    body TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS asset_assets (
    asset_id TEXT PRIMARY KEY,
    serial_number TEXT NOT NULL UNIQUE COLLATE NOCASE,
    parent_asset_id TEXT,
    body TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS asset_log (
    log_id INTEGER PRIMARY KEY AUTOINCREMENT,
    asset_id TEXT NOT NULL,
    body TEXT NOT NULL
);
"""

LOG_MESSAGE, LOG_REGISTER, LOG_UPDATE, LOG_RESET_COUNT = 0, 1, 2, 3
LOG_CALIBRATION, LOG_MAINTENANCE, LOG_STATE_CHANGE = 4, 5, 6
STATES = range(7)
# Fields PUT /api/Asset may not change: they have their own endpoints.
_MANAGED_FIELDS = (
    "assetId",
    "runningCount",
    "totalCount",
    "firstSeenDate",
    "lastCalibrationDate",
    "nextCalibrationDate",
    "lastMaintenanceDate",
    "nextMaintenanceDate",
)
_NESTED_FIELDS = ("assetChildren", "assetType", "assetLog", "parentSerialNumber")


def seed(store: Store) -> None:
    """Insert the demo asset types and assets (a station with instruments and a fixture)."""
    seed_assets(AssetStore(store))


class AssetRoutes:
    """Handlers of the asset endpoints over one :class:`AssetStore`."""

    def __init__(self, state: EmulatorState) -> None:
        self.state = state
        self.db = AssetStore(state.store)

    def _find(self, params: Mapping[str, str]) -> dict[str, Any]:
        asset_id, serial = optional_str(params, "id"), optional_str(params, "serialNumber")
        if asset_id is None and serial is None:
            raise bad_request("Either 'id' or 'serialNumber' is required.")
        found = self.db.asset_by_id(asset_id) if asset_id else self.db.asset_by_serial(serial)
        if found is None:
            raise not_found(f"Asset '{asset_id or serial}' was not found.")
        return found

    def _log(self, asset: Mapping[str, Any], request: Request, kind: int, **fields: Any) -> None:
        self.db.add_log(
            {
                "assetId": asset["assetId"],
                "serialNumber": asset["serialNumber"],
                "date": self.state.now_iso(),
                "user": caller_name(request),
                "type": kind,
                **{k: v for k, v in fields.items() if v is not None},
            }
        )

    async def list_assets(self, request: Request) -> Response:
        return json_response(
            select_rows(self.db.all_assets(), request.query_params, [("assetId", False)])
        )

    async def get_asset(self, request: Request) -> Response:
        key = request.path_params["key"]
        asset = self.db.asset_by_id(key) or self.db.asset_by_serial(key)
        if asset is None:
            raise not_found(f"Asset '{key}' was not found.")
        asset["assetType"] = self.db.type_by_id(str(asset.get("typeId")))
        asset["assetChildren"] = self.db.children_of(asset["assetId"])
        return json_response(asset)

    def _resolve_parent(self, body: Mapping[str, Any]) -> str | None:
        parent_id, parent_sn = body.get("parentAssetId"), body.get("parentSerialNumber")
        if not parent_id and not parent_sn:
            return None
        parent = self.db.asset_by_id(parent_id) if parent_id else self.db.asset_by_serial(parent_sn)
        if parent is None:
            raise bad_request(f"The parent asset '{parent_id or parent_sn}' does not exist.")
        return str(parent["assetId"])

    def _validated_asset(self, body: dict[str, Any]) -> dict[str, Any]:
        if not str(body.get("serialNumber") or "").strip():
            raise bad_request("The asset's serialNumber is required.")
        if not body.get("typeId"):
            raise bad_request("The asset's typeId is required.")
        if self.db.type_by_id(str(body["typeId"])) is None:
            raise bad_request(f"The asset type '{body['typeId']}' does not exist.")
        check_tags(body.get("tags"))
        state = body.get("state", 1)
        if state not in STATES:
            raise bad_request(f"The asset state {state!r} is not valid (0-6).")
        return {k: v for k, v in body.items() if k not in _NESTED_FIELDS}

    async def save_asset(self, request: Request) -> Response:
        raw = body_object(await read_json(request), "Asset")
        body = self._validated_asset(raw)
        existing = self.db.asset_by_id(str(body["assetId"])) if body.get("assetId") else None
        by_serial = self.db.asset_by_serial(str(body["serialNumber"]))
        if by_serial is not None and (
            existing is None or by_serial["assetId"] != existing["assetId"]
        ):
            serial = body["serialNumber"]
            raise RouteError(409, f"An asset with serial number '{serial}' already exists.")
        parent_id = self._resolve_parent(raw)
        if existing is None:
            saved = self._new_asset(body, parent_id)
        else:
            kept = {k: existing.get(k) for k in _MANAGED_FIELDS if existing.get(k) is not None}
            saved = {**existing, **body, **kept, "parentAssetId": parent_id}
        if parent_id is not None and saved["assetId"] in self._ancestors(parent_id):
            raise bad_request("An asset cannot be its own ancestor.")
        if existing is None:
            self._log(saved, request, LOG_REGISTER, comment="Asset registered")
        else:
            self._log(saved, request, LOG_UPDATE, comment="Asset updated")
        self.db.put_asset(saved)
        return json_response(self.db.asset_by_id(saved["assetId"]))

    def _ancestors(self, asset_id: str) -> list[str]:
        chain: list[str] = []
        current: str | None = asset_id
        while current is not None and current not in chain:
            chain.append(current)
            found = self.db.asset_by_id(current)
            current = found.get("parentAssetId") if found else None
        return chain

    def _new_asset(self, body: dict[str, Any], parent_id: str | None) -> dict[str, Any]:
        now = self.state.now_iso()
        managed = dict.fromkeys(_MANAGED_FIELDS)
        return {
            **body,
            **managed,
            "assetId": str(body.get("assetId") or uuid.uuid4()),
            "parentAssetId": parent_id,
            "state": body.get("state", 1),
            "runningCount": 0,
            "totalCount": 0,
            "firstSeenDate": now,
            "lastSeenDate": now,
        }

    async def delete_asset(self, request: Request) -> Response:
        asset = self._find(request.query_params)
        self.db.delete_asset(asset["assetId"], asset.get("parentAssetId"))
        return Response(status_code=200)

    async def _register_service(self, request: Request, kind: int, external: bool) -> Response:
        params = request.query_params
        asset = self._find(params)
        label = "Calibration" if kind == LOG_CALIBRATION else "Maintenance"
        done = date_param(params, "fromDate" if external else "dateTime") or self.state.clock()
        if external:
            due = date_param(params, "toDate")
            if due is None:
                raise bad_request("The parameter 'toDate' is required.")
        else:
            asset_type = self.db.type_by_id(str(asset.get("typeId"))) or {}
            due = next_due(done, asset_type.get(f"{label.lower()}Interval"))
        asset[f"last{label}Date"] = iso(done)
        asset[f"next{label}Date"] = iso(due) if due else None
        self.db.put_asset(asset)
        self._log(
            asset, request, kind, comment=optional_str(params, "comment") or f"{label} registered"
        )
        return Response(status_code=200)

    async def calibration(self, request: Request) -> Response:
        return await self._register_service(request, LOG_CALIBRATION, external=False)

    async def calibration_external(self, request: Request) -> Response:
        return await self._register_service(request, LOG_CALIBRATION, external=True)

    async def maintenance(self, request: Request) -> Response:
        return await self._register_service(request, LOG_MAINTENANCE, external=False)

    async def maintenance_external(self, request: Request) -> Response:
        return await self._register_service(request, LOG_MAINTENANCE, external=True)

    async def count(self, request: Request) -> Response:
        params = request.query_params
        asset = self._find(params)
        increment = optional_int(params, "incrementBy")
        new_total = optional_int(params, "totalCount")
        if increment is None and new_total is None:
            raise bad_request("Either 'incrementBy' or 'totalCount' is required.")
        targets = [asset]
        if bool(optional_bool(params, "incrementChildren")):
            ids = descendants(self.db.parent_map(), asset["assetId"], 0)
            targets += [a for a in (self.db.asset_by_id(i) for i in ids) if a is not None]
        for target in targets:
            running, total = counts_after(
                int(target.get("runningCount") or 0),
                int(target.get("totalCount") or 0),
                increment_by=increment,
                new_total=new_total,
            )
            target.update(runningCount=running, totalCount=total, lastSeenDate=self.state.now_iso())
            self.db.put_asset(target)
        return Response(status_code=200)

    async def _set_count(self, request: Request, name: str) -> Response:
        params = request.query_params
        asset = self._find(params)
        value = optional_int(params, name)
        if value is None or value < 0:
            raise bad_request(f"The parameter '{name}' is required (a non-negative integer).")
        asset[name] = value
        self.db.put_asset(asset)
        self._log(asset, request, LOG_UPDATE, property=name, value=str(value))
        return Response(status_code=200)

    async def set_running_count(self, request: Request) -> Response:
        return await self._set_count(request, "runningCount")

    async def set_total_count(self, request: Request) -> Response:
        return await self._set_count(request, "totalCount")

    async def reset_running_count(self, request: Request) -> Response:
        asset = self._find(request.query_params)
        asset["runningCount"] = 0
        self.db.put_asset(asset)
        comment = optional_str(request.query_params, "comment") or "Running count reset"
        self._log(asset, request, LOG_RESET_COUNT, comment=comment)
        return Response(status_code=200)

    async def set_state(self, request: Request) -> Response:
        params = request.query_params
        state = optional_int(params, "state")
        if state is None or state not in STATES:
            raise bad_request("The parameter 'state' is required (0-6).")
        asset = self._find(params)
        asset["state"] = state
        self.db.put_asset(asset)
        self._log(asset, request, LOG_STATE_CHANGE, property="state", value=str(state))
        return Response(status_code=200)

    async def message(self, request: Request) -> Response:
        body = body_object(await read_json(request), "AssetMessage")
        params = dict(request.query_params)
        if (
            not optional_str(params, "id")
            and not optional_str(params, "serialNumber")
            and body.get("assetId")
        ):
            params["id"] = str(body["assetId"])  # pywats sends the id in the body
        asset = self._find(params)
        content = body.get("content") or body.get("comment")
        if not isinstance(content, str) or not content.strip():
            raise bad_request("The message content is required.")
        self._log(asset, request, LOG_MESSAGE, comment=content)
        return Response(status_code=200)

    async def status(self, request: Request) -> Response:
        asset = self._find(request.query_params)
        asset_type = self.db.type_by_id(str(asset.get("typeId")))
        return json_response(asset_status(asset, asset_type, self.state.clock()))

    async def sub_assets(self, request: Request) -> Response:
        params = request.query_params
        asset = self._find(params)
        level = optional_int(params, "level") or 0
        if level < 0:
            raise bad_request("The parameter 'level' must be 0 (all) or more.")
        ids = descendants(self.db.parent_map(), asset["assetId"], level)
        return json_response([a for a in (self.db.asset_by_id(i) for i in ids) if a])

    async def log(self, request: Request) -> Response:
        return json_response(
            select_rows(self.db.all_logs(), request.query_params, [("date", True), ("logId", True)])
        )

    async def list_types(self, request: Request) -> Response:
        return json_response(
            select_rows(self.db.all_types(), request.query_params, [("typeName", False)])
        )

    async def save_type(self, request: Request) -> Response:
        body = body_object(await read_json(request), "AssetType")
        if not str(body.get("typeName") or "").strip():
            raise bad_request("The asset type's typeName is required.")
        existing = self.db.type_by_id(str(body["typeId"])) if body.get("typeId") else None
        if existing is not None and existing.get("isReadonly"):
            raise bad_request(f"The asset type '{existing['typeName']}' is read-only.")
        saved = {**(existing or {}), **body, "typeId": str(body.get("typeId") or uuid.uuid4())}
        self.db.put_type(saved)
        return json_response(saved)


def routes(state: EmulatorState) -> list[Route]:
    """The asset endpoints (paths lower-case; the app matches case-insensitively)."""
    h = AssetRoutes(state)
    table = [
        ("/api/asset", h.list_assets, "GET"),
        ("/api/asset", h.save_asset, "PUT"),
        ("/api/asset", h.delete_asset, "DELETE"),
        ("/api/asset/calibration", h.calibration, "POST"),
        ("/api/asset/calibration/external", h.calibration_external, "POST"),
        ("/api/asset/maintenance", h.maintenance, "POST"),
        ("/api/asset/maintenance/external", h.maintenance_external, "POST"),
        ("/api/asset/count", h.count, "PUT"),
        ("/api/asset/setrunningcount", h.set_running_count, "PUT"),
        ("/api/asset/settotalcount", h.set_total_count, "PUT"),
        ("/api/asset/resetrunningcount", h.reset_running_count, "POST"),
        ("/api/asset/state", h.set_state, "PUT"),
        ("/api/asset/message", h.message, "POST"),
        ("/api/asset/status", h.status, "GET"),
        ("/api/asset/subassets", h.sub_assets, "GET"),
        ("/api/asset/log", h.log, "GET"),
        ("/api/asset/types", h.list_types, "GET"),
        ("/api/asset/types", h.save_type, "PUT"),
        ("/api/asset/{key}", h.get_asset, "GET"),
    ]
    return [Route(path, guarded(fn), methods=[verb]) for path, fn, verb in table]


__all__ = ["SCHEMA", "routes", "seed"]
