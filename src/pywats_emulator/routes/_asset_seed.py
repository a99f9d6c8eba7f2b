"""Deterministic demo assets: one test station carrying instruments and a fixture with a cable.

Ids are UUID5 values so every fresh emulator has the same ones; tests import them from here.
"""

from __future__ import annotations

from typing import Any

from pywats_emulator.routes._asset_store import AssetStore
from pywats_emulator.routes._seed_ids import ASSET_NAMESPACE, seed_guid


def seed_id(kind: str, name: str) -> str:
    """The stable GUID of a seeded row."""
    return seed_guid(kind, name, ASSET_NAMESPACE)


SEED_TYPES: list[dict[str, Any]] = [
    {
        "typeName": "Test station",
        "maintenanceInterval": 365.0,
        "warningThreshold": 80.0,
        "alarmThreshold": 100.0,
        "isReadonly": True,
        "icon": "station",
    },
    {
        "typeName": "Instrument",
        "calibrationInterval": 365.0,
        "maintenanceInterval": 180.0,
        "warningThreshold": 80.0,
        "alarmThreshold": 100.0,
        "isReadonly": False,
        "icon": "instrument",
    },
    {
        "typeName": "Fixture",
        "runningCountLimit": 1000,
        "totalCountLimit": 100000,
        "maintenanceInterval": 90.0,
        "warningThreshold": 80.0,
        "alarmThreshold": 100.0,
        "isReadonly": False,
        "icon": "fixture",
    },
    {
        "typeName": "Cable",
        "runningCountLimit": 5000,
        "warningThreshold": 90.0,
        "alarmThreshold": 100.0,
        "isReadonly": False,
        "icon": "cable",
    },
]

# (serial, type, parent serial, name, extra fields)
_SEED_ASSETS: list[tuple[str, str, str | None, str, dict[str, Any]]] = [
    ("STATION-01", "Test station", None, "ICT station 1", {"location": "Line 1"}),
    (
        "DMM-0001",
        "Instrument",
        "STATION-01",
        "Bench multimeter",
        {
            "partNumber": "DMM-6500",
            "lastCalibrationDate": "2026-01-15T08:00:00Z",
            "nextCalibrationDate": "2027-01-15T08:00:00Z",
        },
    ),
    (
        "PSU-0001",
        "Instrument",
        "STATION-01",
        "Programmable supply",
        {
            "partNumber": "PSU-30V",
            "lastCalibrationDate": "2025-06-01T08:00:00Z",
            "nextCalibrationDate": "2026-06-01T08:00:00Z",
        },
    ),
    (
        "FIX-0001",
        "Fixture",
        "STATION-01",
        "Bed of nails A",
        {
            "runningCount": 850,
            "totalCount": 12850,
            "lastMaintenanceDate": "2026-09-01T08:00:00Z",
            "nextMaintenanceDate": "2026-11-30T08:00:00Z",
        },
    ),
    ("CABLE-0001", "Cable", "FIX-0001", "Probe cable", {"runningCount": 120, "totalCount": 4120}),
]

SEED_DATE = "2026-01-01T00:00:00Z"


def seed_assets(db: AssetStore) -> None:
    """Insert the demo types and assets, each with its registration log record."""
    for asset_type in SEED_TYPES:
        db.put_type({"typeId": seed_id("type", asset_type["typeName"]), **asset_type})
    for serial, type_name, parent, name, extra in _SEED_ASSETS:
        asset: dict[str, Any] = {
            "assetId": seed_id("asset", serial),
            "parentAssetId": seed_id("asset", parent) if parent else None,
            "serialNumber": serial,
            "assetName": name,
            "typeId": seed_id("type", type_name),
            "state": 1,
            "runningCount": 0,
            "totalCount": 0,
            "firstSeenDate": SEED_DATE,
            "lastSeenDate": SEED_DATE,
            **extra,
        }
        db.put_asset(asset)
        db.add_log(
            {
                "assetId": asset["assetId"],
                "serialNumber": serial,
                "date": SEED_DATE,
                "user": "seed",
                "type": 1,
                "comment": "Asset registered",
            }
        )
