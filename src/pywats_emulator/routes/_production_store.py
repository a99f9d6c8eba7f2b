"""Production tables: schema, demo data, units and their change records."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pywats_emulator.routes._params import bad_request, field, not_found, row_or_404
from pywats_emulator.store import Store

SCHEMA = """
CREATE TABLE IF NOT EXISTS units (
    serial_number TEXT NOT NULL COLLATE NOCASE,
    part_number TEXT NOT NULL COLLATE NOCASE,
    revision TEXT,
    parent_serial_number TEXT COLLATE NOCASE,
    parent_part_number TEXT COLLATE NOCASE,
    batch_number TEXT,
    serial_date TEXT,
    current_location TEXT,
    xml_data TEXT,
    unit_phase_id INTEGER NOT NULL DEFAULT 2,
    process_code INTEGER,
    workflow_activity TEXT,
    PRIMARY KEY (serial_number, part_number)
);
CREATE TABLE IF NOT EXISTS unit_changes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    unit_serial_number TEXT NOT NULL,
    unit_part_number TEXT NOT NULL,
    new_parent_serial_number TEXT,
    new_part_number TEXT,
    new_revision TEXT,
    new_unit_phase_id INTEGER,
    changed_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS production_batches (
    batch_number TEXT PRIMARY KEY COLLATE NOCASE,
    batch_size INTEGER
);
CREATE TABLE IF NOT EXISTS serial_number_types (
    name TEXT PRIMARY KEY COLLATE NOCASE,
    description TEXT,
    format TEXT,
    reg_ex TEXT,
    identifier INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS serial_numbers (
    type_name TEXT NOT NULL COLLATE NOCASE
        REFERENCES serial_number_types(name) ON DELETE CASCADE,
    address INTEGER NOT NULL,
    serial_number TEXT NOT NULL COLLATE NOCASE,
    taken_at TEXT,
    reserved_at TEXT,
    ref_sn TEXT COLLATE NOCASE,
    ref_pn TEXT COLLATE NOCASE,
    station_name TEXT,
    PRIMARY KEY (type_name, address),
    UNIQUE (type_name, serial_number)
);
CREATE TABLE IF NOT EXISTS barcode_identifiers (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    pattern TEXT NOT NULL,
    serial_number TEXT,
    part_number TEXT,
    revision TEXT,
    batch_number TEXT,
    process TEXT,
    sort_order INTEGER NOT NULL DEFAULT 0,
    description TEXT
);
CREATE TABLE IF NOT EXISTS unit_verification_rules (
    part_number TEXT PRIMARY KEY COLLATE NOCASE,
    process_codes TEXT NOT NULL
);
"""

PHASES = {
    1: "Unknown",
    2: "Under production",
    4: "Production repair",
    8: "Service repair",
    16: "Finalized",
    32: "Scrapped",
    64: "Extended test",
    128: "Customization",
    256: "Repaired",
    512: "Missing",
    1024: "In storage",
    2048: "Shipped",
    4098: "Under production - queued",
    4100: "Production repair - queued",
    4104: "Service repair - queued",
}
FINALIZED = 16
SEED_TIME = "2026-01-05T08:00:00Z"

# serial, part number, revision, phase, parent serial, workflow activity
SEED_UNITS = (
    ("PCB-000001", "PCBA-1000", "B", 16, "MOD-0001", None),
    ("PCB-000002", "PCBA-1000", "B", 16, None, None),
    ("PCB-000003", "PCBA-1000", "B", 2, None, "Test"),
    ("PWR-0001", "PCBA-2000", "1", 16, None, None),
    ("MOD-0001", "MODULE-100", "A", 2, None, "Test"),
)
SEED_TYPES = (
    ("SerialNumber", "Board serial numbers", "PCB-######", r"PCB-\d{6}", 0),
    ("MacAddress", "Ethernet MAC addresses", "XXXXXXXXXXXX", r"[0-9A-F]{12}", 1),
)
MAC_BASE = 0x0050C2000000


def seed_production(store: Store) -> None:
    """Demo units (a module with one board fitted), number pools, barcode rules, one rule."""
    for serial, part_number, revision, phase, parent, activity in SEED_UNITS:
        store.execute(
            "INSERT INTO units (serial_number, part_number, revision, unit_phase_id,"
            " parent_serial_number, parent_part_number, workflow_activity, serial_date,"
            " batch_number) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'BATCH-1')",
            (
                serial,
                part_number,
                revision,
                phase,
                parent,
                parent and "MODULE-100",
                activity,
                SEED_TIME,
            ),
        )
    store.execute("INSERT INTO production_batches VALUES ('BATCH-1', 100)")
    _seed_number_pools(store)
    _seed_barcode_rules(store)
    store.execute("INSERT INTO unit_verification_rules VALUES ('PCBA-1000', '50,90,100')")


def _seed_number_pools(store: Store) -> None:
    store.executemany("INSERT INTO serial_number_types VALUES (?, ?, ?, ?, ?)", SEED_TYPES)
    boards = [("SerialNumber", n, f"PCB-{n:06d}") for n in range(1, 501)]
    macs = [("MacAddress", MAC_BASE + n, f"{MAC_BASE + n:012X}") for n in range(256)]
    store.executemany(
        "INSERT INTO serial_numbers (type_name, address, serial_number) VALUES (?, ?, ?)",
        boards + macs,
    )
    # The three seeded boards came from the pool, taken for the module.
    store.execute(
        "UPDATE serial_numbers SET taken_at = ?, ref_sn = 'MOD-0001', ref_pn = 'MODULE-100',"
        " station_name = 'SEED-STATION' WHERE type_name = 'SerialNumber' AND address <= 3",
        (SEED_TIME,),
    )


def _seed_barcode_rules(store: Store) -> None:
    store.executemany(
        "INSERT INTO barcode_identifiers (pattern, serial_number, part_number, revision,"
        " batch_number, process, sort_order, description) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                r"(?P<PartNumber>[^;]+);(?P<SerialNumber>[^;]+);(?P<Revision>[^;]*)",
                None,
                None,
                None,
                None,
                None,
                1,
                "PN;SN;REV label",
            ),
            (r"PCB-\d{6}", r"(PCB-\d{6})", None, None, None, None, 2, "Bare board serial"),
        ],
    )


def phase_name(phase_id: int) -> str:
    """The display name of a unit phase id."""
    return PHASES.get(phase_id, "Unknown")


def parse_phase(value: str) -> int:
    """A phase given as its numeric id or its name (any case)."""
    text = value.strip()
    if text.isdigit() and len(text) < 6 and int(text) in PHASES:
        return int(text)
    for phase_id, name in PHASES.items():
        if name.lower() == text.lower():
            return phase_id
    raise bad_request(f"'{value}' is not a unit phase.")


def find_unit(store: Store, serial_number: str, part_number: str) -> dict[str, Any]:
    """A unit row or a 404."""
    return row_or_404(
        store,
        "SELECT * FROM units WHERE serial_number = ? AND part_number = ?",
        (serial_number, part_number),
        f"Unit '{serial_number}' of product '{part_number}' was not found.",
    )


def unit_json(store: Store, row: Mapping[str, Any], depth: int = 0) -> dict[str, Any]:
    """A unit row as ``Unit`` JSON, with its sub-units (box-build children)."""
    children = store.query(
        "SELECT * FROM units WHERE parent_serial_number = ? AND parent_part_number = ?"
        " ORDER BY part_number, serial_number",
        (row["serial_number"], row["part_number"]),
    )
    product = store.query_one(
        "SELECT name FROM products WHERE part_number = ?", (row["part_number"],)
    )
    return {
        "serialNumber": row["serial_number"],
        "partNumber": row["part_number"],
        "revision": row["revision"],
        "parentSerialNumber": row["parent_serial_number"],
        "parentPartNumber": row["parent_part_number"],
        "batchNumber": row["batch_number"],
        "serialDate": row["serial_date"],
        "currentLocation": row["current_location"],
        "xmlData": row["xml_data"],
        "unitPhaseId": row["unit_phase_id"],
        "unitPhase": phase_name(row["unit_phase_id"]),
        "processCode": None if row["process_code"] is None else str(row["process_code"]),
        "tags": [],
        "product": None
        if product is None
        else {"partNumber": row["part_number"], "name": product["name"]},
        "productRevision": None if row["revision"] is None else {"revision": row["revision"]},
        "subUnits": [] if depth > 8 else [unit_json(store, dict(c), depth + 1) for c in children],
    }


def record_change(store: Store, unit: Mapping[str, Any], now: str) -> None:
    """Append a ``UnitChange`` for integrations polling ``GET /api/Production/Units/Changes``."""
    store.execute(
        "INSERT INTO unit_changes (unit_serial_number, unit_part_number,"
        " new_parent_serial_number, new_part_number, new_revision, new_unit_phase_id,"
        " changed_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            unit["serial_number"],
            unit["part_number"],
            unit["parent_serial_number"],
            unit["part_number"],
            unit["revision"],
            unit["unit_phase_id"],
            now,
        ),
    )


def change_json(row: Mapping[str, Any]) -> dict[str, Any]:
    """A ``unit_changes`` row as ``UnitChange`` JSON."""
    return {
        "id": row["id"],
        "unitSerialNumber": row["unit_serial_number"],
        "newParentSerialNumber": row["new_parent_serial_number"],
        "newPartNumber": row["new_part_number"],
        "newRevision": row["new_revision"],
        "newUnitPhaseId": row["new_unit_phase_id"],
    }


_UNIT_FIELDS = {
    "revision": "revision",
    "batchNumber": "batch_number",
    "serialDate": "serial_date",
    "currentLocation": "current_location",
    "xmlData": "xml_data",
    "parentSerialNumber": "parent_serial_number",
    "parentPartNumber": "parent_part_number",
}


def save_unit(store: Store, body: Mapping[str, Any], now: str) -> str:
    """Insert or update one unit from ``Unit`` JSON; returns ``"insert"`` or ``"update"``.

    Raises ``RouteError`` (400/404) for a missing key field, an unknown product or revision.
    """
    serial, part_number = _text(body, "serialNumber"), _text(body, "partNumber")
    if not serial or not part_number:
        raise bad_request("serialNumber and partNumber are required.")
    product = store.query_one(
        "SELECT product_id, part_number FROM products WHERE part_number = ?", (part_number,)
    )
    if product is None:
        raise not_found(f"Product '{part_number}' was not found.")
    values: dict[str, Any] = {
        column: _text(body, name) for name, column in _UNIT_FIELDS.items() if _has(body, name)
    }
    phase = field(body, "unitPhaseId")
    if phase is not None:
        values["unit_phase_id"] = parse_phase(str(phase))
    _check_revision(store, product["product_id"], part_number, values.get("revision"))
    existing = store.query_one(
        "SELECT * FROM units WHERE serial_number = ? AND part_number = ?", (serial, part_number)
    )
    if existing is None:
        store.execute(
            "INSERT INTO units (serial_number, part_number) VALUES (?, ?)",
            (serial, product["part_number"]),
        )
    if values:
        assignments = ", ".join(f"{column} = ?" for column in values)
        store.execute(
            f"UPDATE units SET {assignments} WHERE serial_number = ? AND part_number = ?",
            (*values.values(), serial, part_number),
        )
    record_change(store, find_unit(store, serial, part_number), now)
    return "insert" if existing is None else "update"


def _check_revision(store: Store, product_id: str, part_number: str, revision: Any) -> None:
    if revision is None:
        return
    row = store.query_one(
        "SELECT 1 FROM product_revisions WHERE product_id = ? AND revision = ?",
        (product_id, revision),
    )
    if row is None:
        raise not_found(f"Revision '{revision}' of product '{part_number}' was not found.")


def _has(body: Mapping[str, Any], name: str) -> bool:
    return any(key.lower() == name.lower() for key in body)


def _text(body: Mapping[str, Any], name: str) -> str | None:
    value = field(body, name)
    if value is None:
        return None
    if not isinstance(value, str | int | float):
        raise bad_request(f"The field '{name}' must be a string.")
    return str(value)
