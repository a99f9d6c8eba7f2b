"""Product tables: schema, demo data, and the reads and writes the product routes need."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from pywats_emulator.routes._params import bad_request, field, fits_int64, not_found, row_or_404
from pywats_emulator.routes._product_groups import seed_groups
from pywats_emulator.routes._product_wsbf import WsbfBom
from pywats_emulator.routes._seed_ids import seed_guid
from pywats_emulator.store import Store

SCHEMA = """
CREATE TABLE IF NOT EXISTS products (
    product_id TEXT PRIMARY KEY,
    part_number TEXT NOT NULL UNIQUE COLLATE NOCASE,
    name TEXT,
    description TEXT,
    non_serial INTEGER NOT NULL DEFAULT 0,
    state INTEGER NOT NULL DEFAULT 1,
    xml_data TEXT,
    category_id TEXT,
    category_name TEXT
);
CREATE TABLE IF NOT EXISTS product_revisions (
    product_revision_id TEXT PRIMARY KEY,
    product_id TEXT NOT NULL REFERENCES products(product_id) ON DELETE CASCADE,
    revision TEXT NOT NULL COLLATE NOCASE,
    name TEXT,
    description TEXT,
    state INTEGER NOT NULL DEFAULT 1,
    xml_data TEXT,
    UNIQUE (product_id, revision)
);
CREATE TABLE IF NOT EXISTS product_vendors (
    vendor_name TEXT PRIMARY KEY COLLATE NOCASE
);
CREATE TABLE IF NOT EXISTS product_groups (
    product_group_id TEXT PRIMARY KEY,
    number INTEGER NOT NULL UNIQUE,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE
);
CREATE TABLE IF NOT EXISTS product_group_filters (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    product_group_id TEXT NOT NULL REFERENCES product_groups(product_group_id) ON DELETE CASCADE,
    part_number TEXT NOT NULL COLLATE NOCASE,
    revision TEXT COLLATE NOCASE,
    exclude INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS bom_items (
    bom_item_id INTEGER PRIMARY KEY AUTOINCREMENT,
    product_revision_id TEXT NOT NULL
        REFERENCES product_revisions(product_revision_id) ON DELETE CASCADE,
    component_ref TEXT,
    part_number TEXT NOT NULL,
    revision TEXT,
    quantity REAL,
    description TEXT,
    function_block TEXT
);
CREATE TABLE IF NOT EXISTS product_revision_relations (
    relation_id TEXT PRIMARY KEY,
    parent_product_revision_id TEXT NOT NULL
        REFERENCES product_revisions(product_revision_id) ON DELETE CASCADE,
    child_part_number TEXT NOT NULL COLLATE NOCASE,
    child_product_revision_id TEXT
        REFERENCES product_revisions(product_revision_id) ON DELETE CASCADE,
    revision_mask TEXT,
    quantity INTEGER NOT NULL DEFAULT 1,
    item_number TEXT
);
"""

# (part number, name, category, non-serial, revisions)
SEED_PRODUCTS: tuple[tuple[str, str, str, bool, tuple[str, ...]], ...] = (
    ("PCBA-1000", "Controller board", "PCB", False, ("A", "B")),
    ("PCBA-2000", "Power board", "PCB", False, ("1",)),
    ("MODULE-100", "Controller module", "Module", False, ("A",)),
    ("CABLE-10", "Ribbon cable", "Cable", True, ("1",)),
    ("4494394418", "TestStand demo board", "PCB", False, ("03",)),
    ("PRODUCTION-TEST-MODULE", "Production Test Module", "Module", False, ("A",)),
    ("FATPartNo", "Acceptance test product", "PCB", False, ("Rev1",)),
)
SEED_VENDORS = ("Acme Components", "Nordic Parts", "Volt Semiconductors")
# parent (pn, rev) -> children (pn, child revision, revision mask, quantity)
SEED_BOX_BUILDS = {
    ("MODULE-100", "A"): (("PCBA-1000", "B", "B", 1), ("PCBA-2000", "1", None, 1)),
}
SEED_BOM = (
    ("R1;R2", "RES-10K", "1", 2.0, "Resistor 10 kOhm", "Power"),
    ("C1", "CAP-100N", "1", 1.0, "Capacitor 100 nF", "Power"),
    ("U1", "MCU-32", "C", 1.0, "Microcontroller", "Core"),
)


def seed_products(store: Store) -> None:
    """Insert the demo products, vendors, groups, the module box build and one BOM."""
    _seed_catalogue(store)
    for vendor in SEED_VENDORS:
        store.execute("INSERT INTO product_vendors (vendor_name) VALUES (?)", (vendor,))
    seed_groups(store)
    _seed_box_builds(store)
    _seed_bom(store, revision_guid("PCBA-1000", "B"))


def _seed_catalogue(store: Store) -> None:
    for part_number, name, category, non_serial, revisions in SEED_PRODUCTS:
        product_id = seed_guid("product", part_number)
        store.execute(
            "INSERT INTO products (product_id, part_number, name, non_serial, state,"
            " category_name) VALUES (?, ?, ?, ?, 1, ?)",
            (product_id, part_number, name, int(non_serial), category),
        )
        for revision in revisions:
            store.execute(
                "INSERT INTO product_revisions (product_revision_id, product_id, revision, name,"
                " state) VALUES (?, ?, ?, ?, 1)",
                (revision_guid(part_number, revision), product_id, revision, f"Rev {revision}"),
            )


def _seed_box_builds(store: Store) -> None:
    for (parent, parent_rev), children in SEED_BOX_BUILDS.items():
        for index, (child, child_rev, mask, quantity) in enumerate(children):
            store.execute(
                "INSERT INTO product_revision_relations (relation_id, parent_product_revision_id,"
                " child_part_number, child_product_revision_id, revision_mask, quantity,"
                " item_number) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    seed_guid("relation", f"{parent}/{child}"),
                    revision_guid(parent, parent_rev),
                    child,
                    revision_guid(child, child_rev),
                    mask,
                    quantity,
                    str(index + 1),
                ),
            )


def _seed_bom(store: Store, revision_id: str) -> None:
    store.executemany(
        "INSERT INTO bom_items (product_revision_id, component_ref, part_number, revision,"
        " quantity, description, function_block) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [(revision_id, *item) for item in SEED_BOM],
    )


def revision_guid(part_number: str, revision: str) -> str:
    """The GUID of a seeded revision."""
    return seed_guid("revision", f"{part_number}/{revision}")


# ----------------------------------------------------------------------------- JSON shapes


def revision_json(row: Mapping[str, Any]) -> dict[str, Any]:
    """A joined revision row (with ``part_number``) as ``ProductRevision`` JSON."""
    return {
        "productRevisionId": row["product_revision_id"],
        "productId": row["product_id"],
        "revision": row["revision"],
        "name": row["name"],
        "description": row["description"],
        "state": row["state"],
        "xmlData": row["xml_data"],
        "PartNumber": row["part_number"],
        "tags": [],
    }


def product_json(store: Store, row: Mapping[str, Any]) -> dict[str, Any]:
    """A ``products`` row as ``Product`` JSON, with its revisions."""
    revisions = store.query(
        "SELECT r.*, p.part_number FROM product_revisions r JOIN products p USING (product_id)"
        " WHERE r.product_id = ? ORDER BY r.revision",
        (row["product_id"],),
    )
    return {
        "productId": row["product_id"],
        "partNumber": row["part_number"],
        "name": row["name"],
        "description": row["description"],
        "nonSerial": bool(row["non_serial"]),
        "state": row["state"],
        "xmlData": row["xml_data"],
        "productCategoryId": row["category_id"],
        "productCategoryName": row["category_name"],
        "revisions": [revision_json(dict(r)) for r in revisions],
        "tags": [],
    }


def product_view(row: Mapping[str, Any]) -> dict[str, Any]:
    """A ``products`` row as a ``ProductView`` (``GET /api/Product/Query``)."""
    return {
        "partNumber": row["part_number"],
        "name": row["name"],
        "category": row["category_name"],
        "nonSerial": bool(row["non_serial"]),
        "state": row["state"],
        "description": row["description"],
    }


# ----------------------------------------------------------------------------- lookups


def find_product(store: Store, part_number: str) -> dict[str, Any]:
    """A product row by part number (any case) or a 404."""
    return row_or_404(
        store,
        "SELECT * FROM products WHERE part_number = ?",
        (part_number,),
        f"Product '{part_number}' was not found.",
    )


def find_revision(store: Store, part_number: str, revision: str) -> dict[str, Any]:
    """A revision row (joined with its part number) or a 404."""
    return row_or_404(
        store,
        "SELECT r.*, p.part_number FROM product_revisions r JOIN products p USING (product_id)"
        " WHERE p.part_number = ? AND r.revision = ?",
        (part_number, revision),
        f"Revision '{revision}' of product '{part_number}' was not found.",
    )


# ----------------------------------------------------------------------------- writes

_PRODUCT_COLUMNS = {
    "name": ("name", str),
    "description": ("description", str),
    "nonSerial": ("non_serial", bool),
    "state": ("state", int),
    "xmlData": ("xml_data", str),
    "productCategoryName": ("category_name", str),
    "productCategoryId": ("category_id", str),
}
_REVISION_COLUMNS = {
    "name": ("name", str),
    "description": ("description", str),
    "state": ("state", int),
    "xmlData": ("xml_data", str),
}


def save_product(store: Store, body: Mapping[str, Any]) -> dict[str, Any]:
    """Insert or update one product from ``Product`` JSON; fields left out keep their value."""
    part_number = _text(body, "partNumber", required=True)
    product_id = _text(body, "productId")
    values = _columns(body, _PRODUCT_COLUMNS)
    with store.transaction():
        if product_id:
            existing = store.query_one(
                "SELECT * FROM products WHERE product_id = ?", (product_id.lower(),)
            )
            if existing is None:
                raise not_found(f"No product with productId '{product_id}'.")
        else:
            existing = store.query_one(
                "SELECT * FROM products WHERE part_number = ?", (part_number,)
            )
        if existing is None:
            product_id = str(uuid.uuid4())
            _insert(
                store, "products", {"product_id": product_id, "part_number": part_number, **values}
            )
        else:
            product_id = str(existing["product_id"])
            _update(
                store, "products", "product_id", product_id, {"part_number": part_number, **values}
            )
        row = store.query_one("SELECT * FROM products WHERE product_id = ?", (product_id,))
    assert row is not None
    return product_json(store, dict(row))


def save_revision(store: Store, body: Mapping[str, Any]) -> dict[str, Any]:
    """Insert or update one revision from ``ProductRevision`` JSON."""
    revision = _text(body, "revision", required=True)
    values = _columns(body, _REVISION_COLUMNS)
    with store.transaction():
        product_id = _revision_owner(store, body)
        revision_id = _text(body, "productRevisionId")
        if revision_id:
            existing = store.query_one(
                "SELECT * FROM product_revisions WHERE product_revision_id = ?",
                (revision_id.lower(),),
            )
            if existing is None:
                raise not_found(f"No product revision with id '{revision_id}'.")
        else:
            existing = store.query_one(
                "SELECT * FROM product_revisions WHERE product_id = ? AND revision = ?",
                (product_id, revision),
            )
        if existing is None:
            revision_id = str(uuid.uuid4())
            _insert(
                store,
                "product_revisions",
                {
                    "product_revision_id": revision_id,
                    "product_id": product_id,
                    "revision": revision,
                    **values,
                },
            )
        else:
            revision_id = str(existing["product_revision_id"])
            _update(
                store,
                "product_revisions",
                "product_revision_id",
                revision_id,
                {"revision": revision, **values},
            )
        row = store.query_one(
            "SELECT r.*, p.part_number FROM product_revisions r JOIN products p USING (product_id)"
            " WHERE r.product_revision_id = ?",
            (revision_id,),
        )
    assert row is not None
    return revision_json(dict(row))


def replace_bom(store: Store, bom: WsbfBom) -> int:
    """Replace the BOM lines of the revision ``bom`` names; returns how many were stored."""
    with store.transaction():
        revision = find_revision(store, bom.part_number, bom.revision)
        revision_id = revision["product_revision_id"]
        store.execute("DELETE FROM bom_items WHERE product_revision_id = ?", (revision_id,))
        for item in bom.components:
            store.execute(
                "INSERT INTO bom_items (product_revision_id, component_ref, part_number,"
                " revision, quantity, description, function_block) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    revision_id,
                    item.references,
                    item.part_number,
                    item.revision,
                    item.quantity,
                    item.description,
                    item.function_block,
                ),
            )
    return len(bom.components)


def _revision_owner(store: Store, body: Mapping[str, Any]) -> str:
    product_id = _text(body, "productId")
    if product_id:
        row = store.query_one(
            "SELECT product_id FROM products WHERE product_id = ?", (product_id.lower(),)
        )
        if row is None:
            raise not_found(f"No product with productId '{product_id}'.")
        return str(row["product_id"])
    part_number = _text(body, "partNumber")
    if not part_number:
        raise bad_request("A product revision needs productId or PartNumber.")
    return str(find_product(store, part_number)["product_id"])


def _text(body: Mapping[str, Any], name: str, *, required: bool = False) -> str | None:
    value = field(body, name)
    if value is not None and not isinstance(value, str):
        raise bad_request(f"The field '{name}' must be a string.")
    if required and not (value and value.strip()):
        raise bad_request(f"The field '{name}' is required.")
    return value


def _columns(body: Mapping[str, Any], spec: Mapping[str, tuple[str, type]]) -> dict[str, Any]:
    present = {key.lower(): key for key in body}
    values: dict[str, Any] = {}
    for name, (column, kind) in spec.items():
        key = present.get(name.lower())
        if key is None:
            continue
        value = body[key]
        if value is None and kind is not str:
            continue  # NOT NULL flags: null means "leave as is"
        if value is not None and not _is_kind(value, kind):
            raise bad_request(f"The field '{name}' must be of type {kind.__name__}.")
        values[column] = int(value) if kind is bool else value
    return values


def _is_kind(value: Any, kind: type) -> bool:
    if kind is int:
        return isinstance(value, int) and not isinstance(value, bool) and fits_int64(value)
    return isinstance(value, kind)


def _insert(store: Store, table: str, values: Mapping[str, Any]) -> None:
    columns = ", ".join(values)
    marks = ", ".join("?" for _ in values)
    store.execute(f"INSERT INTO {table} ({columns}) VALUES ({marks})", tuple(values.values()))


def _update(store: Store, table: str, key: str, key_value: str, values: Mapping[str, Any]) -> None:
    assignments = ", ".join(f"{column} = ?" for column in values)
    store.execute(
        f"UPDATE {table} SET {assignments} WHERE {key} = ?", (*values.values(), key_value)
    )
