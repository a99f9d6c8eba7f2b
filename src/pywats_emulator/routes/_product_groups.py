"""Product groups: one set of tables for the product API and the analytics filters.

A group (``product_groups``) has a GUID for ``/api/Product/...``, a number for
``/api/App/ProductGroups`` and a name. Its ``product_group_filters`` rows name part-number
patterns (WATS wildcards), optionally one revision, and whether they include or exclude.
The product routes own the tables and the seed; the analytics routes read them through
:func:`analytics_groups`.
"""

from __future__ import annotations

from typing import Any

from pywats_emulator.routes._patterns import wildcard_match
from pywats_emulator.routes._seed_ids import seed_guid
from pywats_emulator.store import Store

# (number, name, filters: (part-number pattern, revision or None, exclude)). The number is the
# id of ``/api/App/ProductGroups``; specific groups come first because a report's analytics
# ``productGroup`` dimension is its first matching group.
SEED_GROUPS: tuple[tuple[int, str, tuple[tuple[str, str | None, bool], ...]], ...] = (
    (
        1,
        "PCBA",
        (
            ("PCB-*", None, False),
            ("PCBA-*", None, False),
            ("4494394418", None, False),
            ("PCBA-1000", "A", True),
        ),
    ),
    (2, "Modules", (("MOD-*", None, False), ("*MODULE*", None, False))),
    (3, "All products", (("*", None, False),)),
)


def seed_groups(store: Store) -> None:
    """Insert the demo product groups and their filters."""
    for number, name, filters in SEED_GROUPS:
        group_id = seed_guid("productgroup", name)
        store.execute(
            "INSERT INTO product_groups (product_group_id, number, name) VALUES (?, ?, ?)",
            (group_id, number, name),
        )
        for pattern, revision, exclude in filters:
            add_group_filter(store, group_id, pattern, revision, exclude)


def add_group_filter(
    store: Store, group_id: str, part_number: str, revision: str | None, exclude: bool
) -> None:
    """Add an include or exclude filter to a product group."""
    store.execute(
        "INSERT INTO product_group_filters (product_group_id, part_number, revision, exclude)"
        " VALUES (?, ?, ?, ?)",
        (group_id, part_number, revision, int(exclude)),
    )


def groups_of(store: Store, part_number: str, revision: str | None) -> list[dict[str, Any]]:
    """Groups with an include filter matching PN[+rev] and no matching exclude filter."""
    rows = store.query(
        "SELECT g.product_group_id, g.name, f.part_number, f.revision, f.exclude"
        " FROM product_groups g JOIN product_group_filters f USING (product_group_id)"
    )
    matching = [row for row in rows if _filter_matches(row, part_number, revision)]
    excluded = {row["product_group_id"] for row in matching if row["exclude"]}
    groups = {
        row["product_group_id"]: row["name"]
        for row in matching
        if row["product_group_id"] not in excluded
    }
    return [
        {"productGroupId": group_id, "name": name}
        for group_id, name in sorted(groups.items(), key=lambda item: item[1])
    ]


def _filter_matches(row: Any, part_number: str, revision: str | None) -> bool:
    if not wildcard_match(row["part_number"], part_number):
        return False
    wanted = row["revision"]
    return wanted is None or (revision is not None and wanted.lower() == revision.lower())


def analytics_groups(store: Store) -> list[tuple[int, str, tuple[str, ...]]]:
    """``(number, name, part-number patterns)`` per group, by number, for the analytics filters.

    Analytics match a report by part number alone, so only include filters without a revision
    count there.
    """
    rows = store.query(
        "SELECT g.number, g.name, f.part_number FROM product_groups g"
        " LEFT JOIN product_group_filters f ON f.product_group_id = g.product_group_id"
        " AND f.exclude = 0 AND f.revision IS NULL ORDER BY g.number, f.id"
    )
    groups: dict[int, tuple[str, list[str]]] = {}
    for row in rows:
        _, patterns = groups.setdefault(row["number"], (row["name"], []))
        if row["part_number"] is not None:
            patterns.append(row["part_number"])
    return [(number, name, tuple(patterns)) for number, (name, patterns) in groups.items()]
