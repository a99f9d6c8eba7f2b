"""SQL access of the asset routes: wire dicts in, wire dicts out."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pywats_emulator.routes._asset_params import dump_body, load_body
from pywats_emulator.store import Store


class AssetStore:
    """Reads and writes the ``asset_types``, ``asset_assets`` and ``asset_log`` tables."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def _with_parent_serial(self, asset: dict[str, Any]) -> dict[str, Any]:
        parent_id = asset.get("parentAssetId")
        parent = self.store.query_one(
            "SELECT serial_number FROM asset_assets WHERE asset_id = ?", (parent_id,)
        )
        asset["parentSerialNumber"] = str(parent[0]) if parent else None
        return asset

    def asset_by_id(self, asset_id: str | None) -> dict[str, Any] | None:
        """The asset with this id (case-insensitive GUID), or ``None``."""
        row = self.store.query_one(
            "SELECT body FROM asset_assets WHERE lower(asset_id) = lower(?)", (asset_id,)
        )
        return self._with_parent_serial(load_body(row[0])) if row else None

    def asset_by_serial(self, serial_number: str | None) -> dict[str, Any] | None:
        """The asset with this serial number (case-insensitive), or ``None``."""
        row = self.store.query_one(
            "SELECT body FROM asset_assets WHERE serial_number = ?", (serial_number,)
        )
        return self._with_parent_serial(load_body(row[0])) if row else None

    def all_assets(self) -> list[dict[str, Any]]:
        """Every asset (unordered)."""
        rows = self.store.query("SELECT body FROM asset_assets")
        return [self._with_parent_serial(load_body(r[0])) for r in rows]

    def children_of(self, asset_id: str) -> list[dict[str, Any]]:
        """Direct children of an asset, by serial number."""
        rows = self.store.query(
            "SELECT body FROM asset_assets WHERE parent_asset_id = ? ORDER BY serial_number",
            (asset_id,),
        )
        return [self._with_parent_serial(load_body(r[0])) for r in rows]

    def parent_map(self) -> dict[str, str | None]:
        """Asset id → parent asset id, for tree walks."""
        rows = self.store.query("SELECT asset_id, parent_asset_id FROM asset_assets")
        return {str(r[0]): (str(r[1]) if r[1] is not None else None) for r in rows}

    def put_asset(self, asset: Mapping[str, Any]) -> None:
        """Insert or replace an asset (derived fields are not stored)."""
        stored = {
            k: v
            for k, v in asset.items()
            if k not in ("parentSerialNumber", "assetType", "assetChildren")
        }
        self.store.execute(
            "INSERT INTO asset_assets (asset_id, serial_number, parent_asset_id, body)"
            " VALUES (?, ?, ?, ?) ON CONFLICT(asset_id) DO UPDATE SET"
            " serial_number = excluded.serial_number,"
            " parent_asset_id = excluded.parent_asset_id, body = excluded.body",
            (
                stored["assetId"],
                stored["serialNumber"],
                stored.get("parentAssetId"),
                dump_body(stored),
            ),
        )

    def delete_asset(self, asset_id: str, new_parent_id: str | None) -> None:
        """Delete an asset and its log; its children move up to ``new_parent_id``."""
        with self.store.transaction() as conn:
            rows = conn.execute(
                "SELECT body FROM asset_assets WHERE parent_asset_id = ?", (asset_id,)
            ).fetchall()
            for row in rows:
                child = {**load_body(row[0]), "parentAssetId": new_parent_id}
                conn.execute(
                    "UPDATE asset_assets SET parent_asset_id = ?, body = ? WHERE asset_id = ?",
                    (new_parent_id, dump_body(child), child["assetId"]),
                )
            conn.execute("DELETE FROM asset_log WHERE asset_id = ?", (asset_id,))
            conn.execute("DELETE FROM asset_assets WHERE asset_id = ?", (asset_id,))

    def type_by_id(self, type_id: str | None) -> dict[str, Any] | None:
        """The asset type with this id (case-insensitive GUID), or ``None``."""
        row = self.store.query_one(
            "SELECT body FROM asset_types WHERE lower(type_id) = lower(?)", (type_id,)
        )
        return load_body(row[0]) if row else None

    def all_types(self) -> list[dict[str, Any]]:
        """Every asset type (unordered)."""
        return [load_body(r[0]) for r in self.store.query("SELECT body FROM asset_types")]

    def put_type(self, asset_type: Mapping[str, Any]) -> None:
        """Insert or replace an asset type."""
        self.store.execute(
            "INSERT INTO asset_types (type_id, type_name, body) VALUES (?, ?, ?)"
            " ON CONFLICT(type_id) DO UPDATE SET type_name = excluded.type_name,"
            " body = excluded.body",
            (asset_type["typeId"], asset_type["typeName"], dump_body(asset_type)),
        )

    def add_log(self, record: Mapping[str, Any]) -> None:
        """Append a log record (its ``logId`` is assigned here)."""
        cursor = self.store.execute(
            "INSERT INTO asset_log (asset_id, body) VALUES (?, ?)",
            (record["assetId"], dump_body(record)),
        )
        log_id = cursor.lastrowid
        self.store.execute(
            "UPDATE asset_log SET body = ? WHERE log_id = ?",
            (dump_body({"logId": log_id, **record}), log_id),
        )

    def all_logs(self) -> list[dict[str, Any]]:
        """Every log record (unordered)."""
        return [load_body(r[0]) for r in self.store.query("SELECT body FROM asset_log")]
