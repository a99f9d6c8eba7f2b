"""The WATS asset domain (``wats.asset``): test equipment, fixtures, their counts and service.

Most calls name one asset by ``asset_id`` **or** ``serial_number`` (exactly one of them).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from urllib.parse import quote

from pywats._core.odata import ODataQuery
from pywats.domains._arguments import as_enum, iso_param
from pywats.domains._base import AsyncDomain
from pywats.domains._parsing import parse_list, parse_model
from pywats.exceptions import InvalidArgumentError
from pywats.models.asset import Asset, AssetLog, AssetMessage, AssetState, AssetStatus, AssetType

AssetId = str | uuid.UUID


def asset_selector(asset_id: str | uuid.UUID | None, serial_number: str | None) -> dict[str, str]:
    """The ``id`` / ``serialNumber`` query parameters naming one asset (exactly one given)."""
    if (asset_id is None) == (serial_number is None):
        raise InvalidArgumentError("give exactly one of asset_id or serial_number")
    if asset_id is not None:
        return {"id": str(asset_id)}
    if not str(serial_number).strip():
        raise InvalidArgumentError("serial_number must not be blank")
    return {"serialNumber": str(serial_number)}


class AsyncAssetDomain(AsyncDomain):
    """Async access to the WATS asset endpoints."""

    async def query_assets(self, query: ODataQuery | None = None) -> list[Asset]:
        """List assets (``GET /api/Asset``); OData ``$filter``/``$orderby``/``$top``/``$skip``.

        The server returns at most 1000 rows by default, ordered by ``assetId``.
        """
        path = "/api/Asset"
        params = query.to_params() if query else None
        return parse_list(
            Asset, await self._http.request_json("GET", path, params=params), "GET", path
        )

    async def get_asset(self, asset_id_or_serial: AssetId) -> Asset:
        """Get one asset, with its type and direct children (``GET /api/Asset/{assetId}``).

        The server resolves the path segment as an asset id or a serial number.
        """
        key = str(asset_id_or_serial)
        if not key.strip():
            raise InvalidArgumentError("asset_id_or_serial must not be blank")
        path = f"/api/Asset/{quote(key, safe='')}"
        return parse_model(Asset, await self._http.request_json("GET", path), "GET", path)

    async def save_asset(self, asset: Asset) -> Asset:
        """Create (no ``asset_id``) or update an asset (``PUT /api/Asset``).

        ``type_id`` is required. Counts and calibration/maintenance dates are not changed by a
        save; use :meth:`update_count`, :meth:`register_calibration` and friends.
        """
        if not asset.type_id:
            raise InvalidArgumentError("asset.type_id is required to save an asset")
        path = "/api/Asset"
        return await self._request_model(Asset, "PUT", path, json=asset.to_wire())

    async def delete_asset(
        self, *, asset_id: AssetId | None = None, serial_number: str | None = None
    ) -> None:
        """Delete an asset and its log; children move to its parent (``DELETE /api/Asset``)."""
        params = asset_selector(asset_id, serial_number)
        await self._http.request_json("DELETE", "/api/Asset", params=params)

    async def _service(
        self,
        path: str,
        asset_id: AssetId | None,
        serial_number: str | None,
        extra: dict[str, str | None],
    ) -> None:
        params = {**asset_selector(asset_id, serial_number), **extra}
        await self._http.request_json("POST", path, params=params)

    async def register_calibration(
        self,
        *,
        asset_id: AssetId | None = None,
        serial_number: str | None = None,
        date_time: datetime | None = None,
        comment: str | None = None,
    ) -> None:
        """Register a calibration, by default now (``POST /api/Asset/Calibration``).

        The server sets the next due date from the asset type's calibration interval.
        """
        extra = {"dateTime": iso_param(date_time), "comment": comment}
        await self._service("/api/Asset/Calibration", asset_id, serial_number, extra)

    async def register_external_calibration(
        self,
        *,
        to_date: datetime,
        asset_id: AssetId | None = None,
        serial_number: str | None = None,
        from_date: datetime | None = None,
        comment: str | None = None,
    ) -> None:
        """Register a calibration whose next date is managed externally.

        Calls ``POST /api/Asset/Calibration/External`` (WATS 25.3+): ``from_date`` is when it
        was done (default now), ``to_date`` when the next one is due.
        """
        extra = {"fromDate": iso_param(from_date), "toDate": iso_param(to_date), "comment": comment}
        await self._service("/api/Asset/Calibration/External", asset_id, serial_number, extra)

    async def register_maintenance(
        self,
        *,
        asset_id: AssetId | None = None,
        serial_number: str | None = None,
        date_time: datetime | None = None,
        comment: str | None = None,
    ) -> None:
        """Register a maintenance, by default now (``POST /api/Asset/Maintenance``)."""
        extra = {"dateTime": iso_param(date_time), "comment": comment}
        await self._service("/api/Asset/Maintenance", asset_id, serial_number, extra)

    async def register_external_maintenance(
        self,
        *,
        to_date: datetime,
        asset_id: AssetId | None = None,
        serial_number: str | None = None,
        from_date: datetime | None = None,
        comment: str | None = None,
    ) -> None:
        """Register a maintenance with an externally managed next date.

        Calls ``POST /api/Asset/Maintenance/External`` (WATS 25.3+).
        """
        extra = {"fromDate": iso_param(from_date), "toDate": iso_param(to_date), "comment": comment}
        await self._service("/api/Asset/Maintenance/External", asset_id, serial_number, extra)

    async def update_count(
        self,
        *,
        asset_id: AssetId | None = None,
        serial_number: str | None = None,
        increment_by: int | None = None,
        total_count: int | None = None,
        increment_children: bool | None = None,
    ) -> None:
        """Count uses of an asset (``PUT /api/Asset/Count``).

        ``increment_by`` adds to both running and total count; ``total_count`` sets a new
        total and applies the difference to the running count. ``increment_children``
        applies the same change to every descendant.
        """
        if increment_by is None and total_count is None:
            raise InvalidArgumentError("give increment_by or total_count")
        params = {
            **asset_selector(asset_id, serial_number),
            "incrementBy": increment_by,
            "totalCount": total_count,
            "incrementChildren": increment_children,
        }
        await self._http.request_json("PUT", "/api/Asset/Count", params=params)

    async def set_running_count(
        self,
        running_count: int,
        *,
        asset_id: AssetId | None = None,
        serial_number: str | None = None,
    ) -> None:
        """Set the running count (``PUT /api/Asset/SetRunningCount``, WATS 25.3+)."""
        if running_count < 0:
            raise InvalidArgumentError("running_count must not be negative")
        params = {**asset_selector(asset_id, serial_number), "runningCount": running_count}
        await self._http.request_json("PUT", "/api/Asset/SetRunningCount", params=params)

    async def set_total_count(
        self, total_count: int, *, asset_id: AssetId | None = None, serial_number: str | None = None
    ) -> None:
        """Set the total count (``PUT /api/Asset/SetTotalCount``, WATS 25.3+)."""
        if total_count < 0:
            raise InvalidArgumentError("total_count must not be negative")
        params = {**asset_selector(asset_id, serial_number), "totalCount": total_count}
        await self._http.request_json("PUT", "/api/Asset/SetTotalCount", params=params)

    async def reset_running_count(
        self,
        *,
        asset_id: AssetId | None = None,
        serial_number: str | None = None,
        comment: str | None = None,
    ) -> None:
        """Reset the running count to 0 (``POST /api/Asset/ResetRunningCount``)."""
        await self._service(
            "/api/Asset/ResetRunningCount", asset_id, serial_number, {"comment": comment}
        )

    async def set_state(
        self,
        state: AssetState,
        *,
        asset_id: AssetId | None = None,
        serial_number: str | None = None,
    ) -> None:
        """Set the asset's state (``PUT /api/Asset/State``)."""
        params = {
            **asset_selector(asset_id, serial_number),
            "state": int(as_enum(AssetState, state, "state")),
        }
        await self._http.request_json("PUT", "/api/Asset/State", params=params)

    async def post_message(
        self, content: str, *, asset_id: AssetId | None = None, serial_number: str | None = None
    ) -> None:
        """Append a message to the asset's log (``POST /api/Asset/Message``)."""
        if not content.strip():
            raise InvalidArgumentError("content must not be blank")
        params = asset_selector(asset_id, serial_number)
        body = AssetMessage(content=content).to_wire()
        await self._http.request_json("POST", "/api/Asset/Message", params=params, json=body)

    async def get_status(
        self,
        *,
        asset_id: AssetId | None = None,
        serial_number: str | None = None,
        translate: bool | None = None,
        culture_code: str | None = None,
    ) -> AssetStatus:
        """Current status and alarm state of an asset (``GET /api/Asset/Status``)."""
        path = "/api/Asset/Status"
        params = {
            **asset_selector(asset_id, serial_number),
            "translate": translate,
            "cultureCode": culture_code,
        }
        return await self._request_model(AssetStatus, "GET", path, params=params)

    async def get_sub_assets(
        self,
        *,
        asset_id: AssetId | None = None,
        serial_number: str | None = None,
        level: int = 0,
    ) -> list[Asset]:
        """Descendants of an asset (``GET /api/Asset/SubAssets``); level 0 = all, 1 = children."""
        if level < 0:
            raise InvalidArgumentError("level must be 0 (all descendants) or more")
        path = "/api/Asset/SubAssets"
        params = {**asset_selector(asset_id, serial_number), "level": level}
        return await self._request_list(Asset, "GET", path, params=params)

    async def query_log(self, query: ODataQuery | None = None) -> list[AssetLog]:
        """Asset log records, newest first (``GET /api/Asset/Log``); OData options apply."""
        path = "/api/Asset/Log"
        params = query.to_params() if query else None
        return await self._request_list(AssetLog, "GET", path, params=params)

    async def query_types(self, query: ODataQuery | None = None) -> list[AssetType]:
        """List asset types by name (``GET /api/Asset/Types``); OData options apply."""
        path = "/api/Asset/Types"
        params = query.to_params() if query else None
        return await self._request_list(AssetType, "GET", path, params=params)

    async def save_type(self, asset_type: AssetType) -> AssetType:
        """Create (no ``type_id``) or update an asset type (``PUT /api/Asset/Types``)."""
        if not asset_type.type_name.strip():
            raise InvalidArgumentError("asset_type.type_name must not be blank")
        path = "/api/Asset/Types"
        return await self._request_model(AssetType, "PUT", path, json=asset_type.to_wire())
