"""Box-build relations: internal ``PostProductRevisionRelation`` and its delete twin.

A relation says a parent revision contains ``Quantity`` units of a child product; the child is
named by one of its revisions (``ProductRevisionId``) and ``RevisionMask`` says which child
revisions are acceptable (``%`` / ``*`` wildcards; empty = any).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from pywats_emulator.routes._params import (
    bad_request,
    int_field,
    not_found,
    text_field,
)
from pywats_emulator.store import Store

_REVISION = (
    "SELECT r.product_revision_id, r.product_id, r.revision, p.part_number"
    " FROM product_revisions r JOIN products p USING (product_id)"
    " WHERE r.product_revision_id = ?"
)


def _revision(store: Store, body: Mapping[str, Any], name: str) -> dict[str, Any]:
    revision_id = text_field(body, name)
    if not revision_id:
        raise bad_request(f"The field '{name}' is required.")
    row = store.query_one(_REVISION, (revision_id.lower(),))
    if row is None:
        raise not_found(f"No product revision with id '{revision_id}'.")
    return dict(row)


def relation_json(row: Mapping[str, Any]) -> dict[str, Any]:
    """A ``product_revision_relations`` row as ``ProductRevisionRelation`` JSON (PascalCase)."""
    return {
        "ProductRevisionRelationId": row["relation_id"],
        "ParentProductRevisionId": row["parent_product_revision_id"],
        "ProductRevisionId": row["child_product_revision_id"],
        "PartNumber": row["child_part_number"],
        "Quantity": row["quantity"],
        "ItemNumber": row["item_number"],
        "RevisionMask": row["revision_mask"],
    }


def add_relation(store: Store, body: Mapping[str, Any]) -> dict[str, Any]:
    """Add a child to a parent revision's box build; answers the stored relation."""
    quantity = int_field(body, "Quantity")
    quantity = 1 if quantity is None else quantity
    if quantity < 1:
        raise bad_request("Quantity must be at least 1.")
    item_number, mask = text_field(body, "ItemNumber"), text_field(body, "RevisionMask")
    relation_id = str(uuid.uuid4())
    with store.transaction():
        parent = _revision(store, body, "ParentProductRevisionId")
        child = _revision(store, body, "ProductRevisionId")
        if parent["product_id"] == child["product_id"]:
            raise bad_request("A product cannot contain itself.")
        store.execute(
            "INSERT INTO product_revision_relations (relation_id, parent_product_revision_id,"
            " child_part_number, child_product_revision_id, revision_mask, quantity,"
            " item_number) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                relation_id,
                parent["product_revision_id"],
                child["part_number"],
                child["product_revision_id"],
                mask,
                quantity,
                item_number,
            ),
        )
        row = store.query_one(
            "SELECT * FROM product_revision_relations WHERE relation_id = ?", (relation_id,)
        )
    assert row is not None
    return relation_json(dict(row))


def delete_relation(store: Store, relation_id: str) -> None:
    """Remove one box-build relation; 404 when there is none with that id."""
    cursor = store.execute(
        "DELETE FROM product_revision_relations WHERE relation_id = ?", (relation_id.lower(),)
    )
    if cursor.rowcount == 0:
        raise not_found(f"No product revision relation with id '{relation_id}'.")
