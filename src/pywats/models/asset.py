"""Pydantic models of the WATS asset domain (test equipment, fixtures).

Wire names are the server's camelCase (``assetId``, ``typeId``…); attributes are snake_case.
The one PascalCase field the server uses, ``ClientId``, keeps that alias.
"""

from __future__ import annotations

from datetime import datetime
from enum import IntEnum

from pydantic import Field

from pywats.models._base import ApiModel


class AssetState(IntEnum):
    """Life-cycle state of an asset (``PUT /api/Asset/State``)."""

    UNKNOWN = 0
    IN_OPERATION = 1
    IN_TRANSIT = 2
    IN_MAINTENANCE = 3
    IN_CALIBRATION = 4
    IN_STORAGE = 5
    SCRAPPED = 6


class AssetLogType(IntEnum):
    """Kind of an asset log record."""

    MESSAGE = 0
    REGISTER = 1
    UPDATE = 2
    RESET_COUNT = 3
    CALIBRATION = 4
    MAINTENANCE = 5
    STATE_CHANGE = 6
    COUNT = 7
    OTHER = 8


class AlarmState(IntEnum):
    """Alarm level of an asset's status."""

    OK = 0
    WARNING = 1
    ALARM = 2


class IntervalMode(IntEnum):
    """How an asset type's calibration/maintenance interval is managed (WATS 25.3+)."""

    NORMAL = 0
    UNLIMITED = -1
    EXTERNAL = -2


class Setting(ApiModel):
    """A key/value tag; ``change`` on save: 0 none, 1 add, 2 update, 3 delete."""

    key: str
    value: str | None = None
    change: int | None = None


class AssetType(ApiModel):
    """An asset type: limits and intervals shared by its assets (``typeName`` required)."""

    type_id: str | None = None
    type_name: str
    running_count_limit: int | None = None
    total_count_limit: int | None = None
    maintenance_interval: float | None = None
    calibration_interval: float | None = None
    warning_threshold: float | None = None
    alarm_threshold: float | None = None
    is_readonly: bool | None = None
    icon: str | None = None


class AssetLog(ApiModel):
    """One record of an asset's log."""

    log_id: int | None = None
    asset_id: str | None = None
    serial_number: str | None = None
    date: datetime | None = None
    user: str | None = None
    type: int | None = None
    property: str | None = None
    value: str | None = None
    comment: str | None = None


class Asset(ApiModel):
    """A piece of test equipment or a fixture (``serialNumber`` and ``typeId`` required on save)."""

    asset_id: str | None = None
    parent_asset_id: str | None = None
    serial_number: str
    parent_serial_number: str | None = None
    asset_name: str | None = None
    part_number: str | None = None
    revision: str | None = None
    type_id: str | None = None
    client_id: int | None = Field(default=None, alias="ClientId")
    state: AssetState | None = None
    description: str | None = None
    location: str | None = None
    first_seen_date: datetime | None = None
    last_seen_date: datetime | None = None
    last_maintenance_date: datetime | None = None
    next_maintenance_date: datetime | None = None
    last_calibration_date: datetime | None = None
    next_calibration_date: datetime | None = None
    total_count: int | None = None
    running_count: int | None = None
    tags: list[Setting] | None = None
    asset_children: list[Asset] | None = None
    asset_type: AssetType | None = None
    asset_log: list[AssetLog] | None = None
    xml_data: str | None = None


class AssetMessage(ApiModel):
    """Body of ``POST /api/Asset/Message``."""

    content: str


class AssetStatus(ApiModel):
    """Current status and alarm state of an asset (``GET /api/Asset/Status``).

    ``*_overdue_days`` is positive when a calibration or maintenance is late, negative while
    it is still ahead, and ``None`` when the asset has no due date. The reference types this
    object only loosely, so every field is optional and unknown server fields are kept.
    """

    asset_id: str | None = None
    serial_number: str | None = None
    state: AssetState | None = None
    alarm_state: AlarmState | None = None
    message: str | None = None
    running_count: int | None = None
    running_count_limit: int | None = None
    total_count: int | None = None
    total_count_limit: int | None = None
    next_calibration_date: datetime | None = None
    calibration_overdue_days: float | None = None
    next_maintenance_date: datetime | None = None
    maintenance_overdue_days: float | None = None


__all__ = [
    "AlarmState",
    "Asset",
    "AssetLog",
    "AssetLogType",
    "AssetMessage",
    "AssetState",
    "AssetStatus",
    "AssetType",
    "IntervalMode",
    "Setting",
]
