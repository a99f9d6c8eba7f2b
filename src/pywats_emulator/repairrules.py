"""Repair-type rules for submitted repair reports (report-formats.md §2.3, §8.1, §8.3 rule 5).

A repair operation's ``RepairType`` (PascalCase JSON, as ``GetRepairOperations`` returns it)
lists fail-code categories with their selectable codes and the predefined misc-info
descriptions, each optionally with a ``ValidRegex``. Pure: the caller looks the type up.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from pywats.report import UURReport


def _named(items: Any) -> Iterable[Mapping[str, Any]]:
    return (item for item in items or () if isinstance(item, Mapping))


def fail_codes(repair_type: Mapping[str, Any]) -> dict[str, set[str]]:
    """Category description → descriptions of its selectable fail codes (any depth)."""
    found: dict[str, set[str]] = {}
    for category in _named(repair_type.get("Categories")):
        codes: set[str] = set()
        pending = list(_named(category.get("Failcodes")))
        while pending:
            code = pending.pop()
            if code.get("Selectable", True):
                codes.add(str(code.get("Description")))
            pending.extend(_named(code.get("Failcodes")))
        found[str(category.get("Description"))] = codes
    return found


def repair_problems(report: UURReport, repair_type: Mapping[str, Any]) -> list[str]:
    """Fail codes and misc infos the repair type does not define, one message each."""
    code = report.process_code
    problems: list[str] = []
    known = fail_codes(repair_type)
    for unit_index, unit in enumerate(report.sub_units or []):
        for failure_index, failure in enumerate(unit.failures or []):
            where = f"subUnits[{unit_index}].failures[{failure_index}]"
            codes = known.get(failure.category or "")
            if codes is None:
                problems.append(
                    f"{where}: Category '{failure.category}' is not defined for repair type {code}."
                )
            elif failure.code not in codes:
                problems.append(
                    f"{where}: Fail code '{failure.code}' is not defined in category "
                    f"'{failure.category}' of repair type {code}."
                )
    problems.extend(_misc_info_problems(report, repair_type))
    return problems


def _misc_info_problems(report: UURReport, repair_type: Mapping[str, Any]) -> list[str]:
    definitions = {
        str(item.get("Description")): item.get("ValidRegex")
        for item in _named(repair_type.get("MiscInfos"))
    }
    problems = []
    for index, info in enumerate(report.misc_infos or []):
        where = f"miscInfos[{index}]"
        if info.description not in definitions:
            problems.append(
                f"{where}: Misc info '{info.description}' is not defined for repair type "
                f"{report.process_code}."
            )
            continue
        pattern = definitions[info.description]
        value = info.text if info.text is not None else str(info.numeric or "")
        if pattern and re.search(str(pattern), value) is None:
            problems.append(f"{where}: '{value}' does not match the required format.")
    return problems
