"""Deterministic demo processes and repair configurations of a fresh emulator.

Codes follow the examples seen on real servers (10 SW Debug, 50 PCBA test, 90 Burn In test,
100 End of line test, 500 Repair, 510 RMA Repair); GUIDs are derived with ``uuid5`` so every
fresh emulator hands out the same ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pywats_emulator.routes._seed_ids import seed_guid


@dataclass(frozen=True)
class SeedProcess:
    """One row of the ``processes`` table."""

    code: int
    name: str
    description: str
    index: int
    kind: str  # "test", "repair" or "wip"
    active: bool = True


SEED_PROCESSES = (
    SeedProcess(10, "SW Debug", "Software debugging runs", 10, "test"),
    SeedProcess(50, "PCBA test", "Functional test of the assembled board", 20, "test"),
    SeedProcess(60, "ICT", "In-circuit test (retired)", 25, "test", active=False),
    SeedProcess(90, "Burn In test", "Extended run at temperature", 30, "test"),
    SeedProcess(100, "End of line test", "Final test before packing", 40, "test"),
    SeedProcess(200, "Assembly", "Box-build assembly", 50, "wip"),
    SeedProcess(300, "Packing", "Packing for shipment", 60, "wip"),
    SeedProcess(500, "Repair", "Production repair", 70, "repair"),
    SeedProcess(510, "RMA Repair", "Service repair of returned units", 80, "repair"),
)

# category -> selectable fail codes, per repair process code
_FAIL_CODES: dict[int, dict[str, tuple[str, ...]]] = {
    500: {
        "Component": ("Burned Component", "Missing Component", "Wrong Component"),
        "Soldering": ("Short circuit", "Open joint", "Cold joint"),
        "No failure found": ("Retest passed",),
    },
    510: {
        "Customer damage": ("Physical damage", "Water damage"),
        "Component": ("Burned Component", "Worn out"),
    },
}

_MISC_INFOS: dict[int, tuple[tuple[str, str | None], ...]] = {
    500: (("Repair bench", None), ("Rework time (min)", r"^\d+$")),
    510: (("RMA number", r"^RMA-\d{6}$"),),
}


def repair_config(code: int) -> dict[str, Any]:
    """The ``RepairType`` JSON (PascalCase) of a seeded repair process."""
    categories = [
        _category(code, order, name, codes)
        for order, (name, codes) in enumerate(_FAIL_CODES[code].items())
    ]
    misc_infos = [
        {
            "GUID": seed_guid(f"misc:{code}", description),
            "Description": description,
            "InputMask": None,
            "ValidRegex": regex,
            "Status": 1,
            "SortOrder": order,
            "AllowedValues": None,
        }
        for order, (description, regex) in enumerate(_MISC_INFOS[code])
    ]
    return {
        "Description": f"Repair configuration of process {code}",
        "UUTRequired": 1,
        "CompRefMask": r"^[A-Z]{1,3}\d{1,4}$",
        "CompRefMaskDescription": "Reference designator such as R12 or U1",
        "BomConstraint": 1,
        "BOMRequired": 1,
        "VendorRequired": 2,
        "Categories": categories,
        "MiscInfos": misc_infos,
    }


def _category(code: int, order: int, name: str, codes: tuple[str, ...]) -> dict[str, Any]:
    children = [
        _fail_code(seed_guid(f"failcode:{code}:{name}", child), child, child_order, True, [])
        for child_order, child in enumerate(codes)
    ]
    return _fail_code(seed_guid(f"category:{code}", name), name, order, False, children)


def _fail_code(
    guid: str, description: str, order: int, selectable: bool, children: list[dict[str, Any]]
) -> dict[str, Any]:
    return {
        "GUID": guid,
        "Selectable": selectable,
        "Description": description,
        "SortOrder": order,
        "FailureType": 0,
        "ImageConstraint": 1,
        "Status": 1,
        "Failcodes": children,
    }


def repair_codes() -> tuple[int, ...]:
    """Codes of the seeded repair processes that carry a repair configuration."""
    return tuple(_FAIL_CODES)
