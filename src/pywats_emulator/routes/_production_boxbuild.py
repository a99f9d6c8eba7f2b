"""Box builds: attaching child units to a parent and checking a parent's children.

The parent revision's box build is read from ``product_revision_relations`` (owned by the
product routes): which child part numbers, how many, and which revisions (mask, ``%``/``*``
wildcards) are allowed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pywats_emulator.routes._params import RouteError, bad_request, not_found
from pywats_emulator.routes._patterns import wildcard_match
from pywats_emulator.routes._production_store import FINALIZED, find_unit, record_change
from pywats_emulator.store import Store


def revision_mask_matches(mask: str | None, revision: str | None) -> bool:
    """Whether ``revision`` fits ``mask`` (no mask fits everything; ``%`` / ``*`` wildcards)."""
    if not mask:
        return True
    if revision is None:
        return False
    return wildcard_match(mask, revision)


def box_build(store: Store, part_number: str, revision: str | None) -> list[dict[str, Any]]:
    """Children a parent revision needs (``child_part_number``, ``revision_mask``, ``quantity``)."""
    rows = store.query(
        "SELECT rel.child_part_number, rel.revision_mask, rel.quantity"
        " FROM product_revision_relations rel"
        " JOIN product_revisions r ON r.product_revision_id = rel.parent_product_revision_id"
        " JOIN products p ON p.product_id = r.product_id"
        " WHERE p.part_number = ? AND r.revision = ? ORDER BY rel.item_number",
        (part_number, revision),
    )
    return [dict(row) for row in rows]


def _ancestors(store: Store, unit: Mapping[str, Any]) -> set[tuple[str, str]]:
    seen: set[tuple[str, str]] = set()
    current: Mapping[str, Any] | None = unit
    while current is not None and current["parent_serial_number"]:
        key = (current["parent_serial_number"].lower(), current["parent_part_number"].lower())
        if key in seen:
            break
        seen.add(key)
        row = store.query_one(
            "SELECT * FROM units WHERE serial_number = ? AND part_number = ?", key
        )
        current = None if row is None else dict(row)
    return seen


def _check_against_box_build(
    store: Store, parent: Mapping[str, Any], child: Mapping[str, Any], check_revision: bool
) -> None:
    needed = box_build(store, parent["part_number"], parent["revision"])
    wanted = [n for n in needed if n["child_part_number"].lower() == child["part_number"].lower()]
    if not wanted:
        raise bad_request(
            f"Part number '{child['part_number']}' is not in the box build of"
            f" '{parent['part_number']}' revision '{parent['revision']}'."
        )
    if check_revision and not revision_mask_matches(wanted[0]["revision_mask"], child["revision"]):
        raise bad_request(
            f"Revision '{child['revision']}' does not match the box-build revision mask"
            f" '{wanted[0]['revision_mask']}'."
        )
    fitted = store.query_one(
        "SELECT COUNT(*) AS n FROM units WHERE parent_serial_number = ?"
        " AND parent_part_number = ? AND part_number = ?",
        (parent["serial_number"], parent["part_number"], child["part_number"]),
    )
    if fitted is not None and fitted["n"] >= wanted[0]["quantity"]:
        raise bad_request(f"The parent already holds {fitted['n']} of '{child['part_number']}'.")


def add_child(
    store: Store,
    parent_key: tuple[str, str],
    child_key: tuple[str, str],
    checks: tuple[bool, bool],
    now: str,
) -> None:
    """Attach a finalized child to a parent (``checks`` = check part number, check revision)."""
    with store.transaction():
        parent = find_unit(store, *parent_key)
        child = find_unit(store, *child_key)
        if child["unit_phase_id"] != FINALIZED:
            raise bad_request(f"Child unit '{child['serial_number']}' is not finalized.")
        if child["parent_serial_number"]:
            raise RouteError(
                409,
                f"Child unit '{child['serial_number']}' already has a parent "
                f"'{child['parent_serial_number']}'.",
            )
        child_id = (child["serial_number"].lower(), child["part_number"].lower())
        parent_id = (parent["serial_number"].lower(), parent["part_number"].lower())
        if child_id == parent_id or child_id in _ancestors(store, parent):
            raise bad_request("Adding this child would create a cycle.")
        if checks[0]:
            _check_against_box_build(store, parent, child, checks[1])
        store.execute(
            "UPDATE units SET parent_serial_number = ?, parent_part_number = ?"
            " WHERE serial_number = ? AND part_number = ?",
            (parent["serial_number"], parent["part_number"], *child_key),
        )
        record_change(store, find_unit(store, *child_key), now)


def remove_child(
    store: Store, parent_key: tuple[str, str], child_key: tuple[str, str], now: str
) -> None:
    """Detach a child from its parent; 404 when that relation does not exist."""
    with store.transaction():
        parent = find_unit(store, *parent_key)
        child = find_unit(store, *child_key)
        if (child["parent_serial_number"] or "").lower() != parent["serial_number"].lower() or (
            child["parent_part_number"] or ""
        ).lower() != parent["part_number"].lower():
            raise not_found(
                f"Unit '{child['serial_number']}' is not a child of '{parent['serial_number']}'."
            )
        store.execute(
            "UPDATE units SET parent_serial_number = NULL, parent_part_number = NULL"
            " WHERE serial_number = ? AND part_number = ?",
            child_key,
        )
        record_change(store, find_unit(store, *child_key), now)


def check_children(store: Store, parent_key: tuple[str, str]) -> dict[str, Any]:
    """Compare a parent's direct children with its box build (phase, PN, revision, count)."""
    parent = find_unit(store, *parent_key)
    needed = box_build(store, parent["part_number"], parent["revision"])
    rows = store.query(
        "SELECT * FROM units WHERE parent_serial_number = ? AND parent_part_number = ?"
        " ORDER BY part_number, serial_number",
        (parent["serial_number"], parent["part_number"]),
    )
    masks = {n["child_part_number"].lower(): n["revision_mask"] for n in needed}
    children = [_child_check(dict(row), masks) for row in rows]
    requirements = []
    for need in needed:
        found = sum(
            1 for c in children if c["partNumber"].lower() == need["child_part_number"].lower()
        )
        requirements.append(
            {
                "partNumber": need["child_part_number"],
                "revisionMask": need["revision_mask"],
                "quantity": need["quantity"],
                "found": found,
                "ok": found == need["quantity"],
            }
        )
    return {
        "parentSerialNumber": parent["serial_number"],
        "parentPartNumber": parent["part_number"],
        "revision": parent["revision"],
        "ok": all(c["ok"] for c in children) and all(r["ok"] for r in requirements),
        "children": children,
        "requirements": requirements,
    }


def _child_check(child: Mapping[str, Any], masks: Mapping[str, str | None]) -> dict[str, Any]:
    key = child["part_number"].lower()
    if key not in masks:
        message = "Part number is not in the box build."
    elif not revision_mask_matches(masks[key], child["revision"]):
        message = f"Revision does not match mask '{masks[key]}'."
    elif child["unit_phase_id"] != FINALIZED:
        message = "Unit is not finalized."
    else:
        message = ""
    return {
        "serialNumber": child["serial_number"],
        "partNumber": child["part_number"],
        "revision": child["revision"],
        "unitPhaseId": child["unit_phase_id"],
        "ok": not message,
        "message": message,
    }
