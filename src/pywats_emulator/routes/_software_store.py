"""SQL access and seed data of the software routes."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from pywats_emulator.routes._asset_params import dump_body, load_body
from pywats_emulator.routes._seed_ids import SOFTWARE_NAMESPACE, seed_guid
from pywats_emulator.routes._software_logic import ZipEntry
from pywats_emulator.store import Store

SCHEMA = """
CREATE TABLE IF NOT EXISTS software_packages (
    package_id TEXT PRIMARY KEY,
    name TEXT NOT NULL COLLATE NOCASE,
    version INTEGER NOT NULL,
    status TEXT NOT NULL,
    body TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS software_files (
    file_id TEXT PRIMARY KEY,
    package_id TEXT NOT NULL,
    folder TEXT NOT NULL,
    name TEXT NOT NULL,
    attributes INTEGER NOT NULL DEFAULT 0,
    description TEXT,
    content BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS software_virtual_folders (
    id TEXT PRIMARY KEY,
    body TEXT NOT NULL
);
"""


def software_seed_id(kind: str, name: str) -> str:
    """The stable GUID of a seeded software row."""
    return seed_guid(kind, name, SOFTWARE_NAMESPACE)


class SoftwareStore:
    """Reads and writes the ``software_*`` tables."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def package(self, package_id: str) -> dict[str, Any] | None:
        """One package by id (case-insensitive GUID), or ``None``."""
        row = self.store.query_one(
            "SELECT body FROM software_packages WHERE lower(package_id) = lower(?)",
            (package_id,),
        )
        return load_body(row[0]) if row else None

    def packages(self, name: str | None = None) -> list[dict[str, Any]]:
        """Every package (of one name, case-insensitive), by name then version."""
        sql = "SELECT body FROM software_packages"
        params: tuple[str, ...] = ()
        if name is not None:
            sql, params = sql + " WHERE name = ?", (name,)
        rows = self.store.query(sql + " ORDER BY name, version", params)
        return [load_body(r[0]) for r in rows]

    def next_version(self, name: str) -> int:
        """One more than the highest version of ``name`` (1 for a new name)."""
        row = self.store.query_one(
            "SELECT max(version) FROM software_packages WHERE name = ?", (name,)
        )
        return int(row[0] or 0) + 1 if row else 1

    def put_package(self, package: Mapping[str, Any]) -> None:
        """Insert or replace a package."""
        self.store.execute(
            "INSERT INTO software_packages (package_id, name, version, status, body)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT(package_id) DO UPDATE SET"
            " name = excluded.name, version = excluded.version, status = excluded.status,"
            " body = excluded.body",
            (
                package["packageId"],
                package["name"],
                package["version"],
                package["status"],
                dump_body(package),
            ),
        )

    def delete_package(self, package_id: str) -> None:
        """Delete a package and its files."""
        with self.store.transaction() as conn:
            conn.execute("DELETE FROM software_files WHERE package_id = ?", (package_id,))
            conn.execute("DELETE FROM software_packages WHERE package_id = ?", (package_id,))

    def files(self, package_id: str) -> list[dict[str, Any]]:
        """File rows of a package (without content), by folder and name."""
        rows = self.store.query(
            "SELECT file_id, folder, name, attributes, description FROM software_files"
            " WHERE package_id = ? ORDER BY folder, name",
            (package_id,),
        )
        return [dict(r) for r in rows]

    def file(self, file_id: str) -> dict[str, Any] | None:
        """One file row with content, or ``None``."""
        row = self.store.query_one(
            "SELECT * FROM software_files WHERE lower(file_id) = lower(?)", (file_id,)
        )
        return dict(row) if row else None

    def set_attributes(self, file_id: str, attributes: int) -> None:
        """Store a file's attribute flags."""
        self.store.execute(
            "UPDATE software_files SET attributes = ? WHERE file_id = ?", (attributes, file_id)
        )

    def replace_files(self, package_id: str, entries: list[ZipEntry], clean: bool) -> None:
        """Store uploaded files; same folder+name replaces, ``clean`` drops the rest first."""
        with self.store.transaction() as conn:
            if clean:
                conn.execute("DELETE FROM software_files WHERE package_id = ?", (package_id,))
            for entry in entries:
                conn.execute(
                    "DELETE FROM software_files WHERE package_id = ? AND folder = ? AND name = ?",
                    (package_id, entry.folder, entry.name),
                )
                conn.execute(
                    "INSERT INTO software_files (file_id, package_id, folder, name, content)"
                    " VALUES (?, ?, ?, ?, ?)",
                    (str(uuid.uuid4()), package_id, entry.folder, entry.name, entry.content),
                )

    def virtual_folders(self) -> list[dict[str, Any]]:
        """Every virtual folder, by name."""
        rows = self.store.query("SELECT body FROM software_virtual_folders")
        return sorted((load_body(r[0]) for r in rows), key=lambda f: str(f.get("name")))


SEED_DATE = "2026-01-01T00:00:00Z"
_SEED_FOLDERS = [("Production", None, "Packages for the factory"), ("Line 1", "Production", None)]
# (name, version, status, tag pairs, files: (folder, name, attributes, content))
_SEED_PACKAGES: list[
    tuple[str, int, str, list[tuple[str, str]], list[tuple[str, str, int, bytes]]]
] = [
    (
        "StationTools",
        1,
        "Released",
        [("Station", "ICT"), ("Site", "Oslo")],
        [
            ("tools", "setup.bat", 1, b"@echo off\r\necho installing StationTools 1\r\n"),
            ("tools/docs", "readme.txt", 0, b"StationTools version 1\n"),
        ],
    ),
    (
        "StationTools",
        2,
        "Draft",
        [("Station", "ICT")],
        [("tools", "setup.bat", 1, b"@echo off\r\necho installing StationTools 2\r\n")],
    ),
    (
        "Firmware",
        1,
        "Pending",
        [("Product", "PCBA-100")],
        [("fw", "image.bin", 8, bytes(range(256)))],
    ),
]


def seed_software(db: SoftwareStore) -> None:
    """Insert the demo virtual folders and packages (with real file contents)."""
    for name, parent, description in _SEED_FOLDERS:
        virtual = {
            "id": software_seed_id("folder", name),
            "parentId": software_seed_id("folder", parent) if parent else None,
            "name": name,
            "description": description,
        }
        db.store.execute(
            "INSERT INTO software_virtual_folders (id, body) VALUES (?, ?)",
            (virtual["id"], dump_body(virtual)),
        )
    for name, version, status, tags, files in _SEED_PACKAGES:
        package_id = software_seed_id("package", f"{name}/{version}")
        db.put_package(_seed_package(package_id, name, version, status, tags))
        for folder, file_name, attributes, content in files:
            db.store.execute(
                "INSERT INTO software_files (file_id, package_id, folder, name, attributes,"
                " content) VALUES (?, ?, ?, ?, ?, ?)",
                (
                    software_seed_id("file", f"{name}/{version}/{folder}/{file_name}"),
                    package_id,
                    folder,
                    file_name,
                    attributes,
                    content,
                ),
            )


def _seed_package(
    package_id: str, name: str, version: int, status: str, tags: list[tuple[str, str]]
) -> dict[str, Any]:
    released = status in ("Released", "Revoked")
    return {
        "packageId": package_id,
        "name": name,
        "version": version,
        "status": status,
        "description": f"{name} version {version}",
        "installOnRoot": False,
        "rootDirectory": f"C:\\WATS\\{name}",
        "priority": 0,
        "virtualFolderId": software_seed_id("folder", "Line 1"),
        "tags": [{"key": k, "value": v} for k, v in tags],
        "created": SEED_DATE,
        "createdBy": "seed",
        "modified": SEED_DATE,
        "modifiedBy": "seed",
        "released": SEED_DATE if released else None,
        "releasedBy": "seed" if released else None,
        "revoked": None,
        "revokedBy": None,
    }
