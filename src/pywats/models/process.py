"""Pydantic models of the WATS process domain.

Processes (also called operations) are site-configured codes such as 50 "PCBA test" or
500 "Repair". The public list (``GET /api/App/Processes``) is camelCase; the internal lists
(``/api/internal/Process/...``) are PascalCase, so those models carry explicit aliases.
"""

from __future__ import annotations

from collections.abc import Iterator
from uuid import UUID

from pydantic import ConfigDict, Field
from pydantic.alias_generators import to_pascal

from pywats.models._base import ApiModel

__all__ = [
    "FailCode",
    "Process",
    "ProcessDetail",
    "RepairMiscInfo",
    "RepairType",
]


class Process(ApiModel):
    """One entry of the public process list (``GET /api/App/Processes``)."""

    code: int
    name: str
    description: str | None = None
    is_test_operation: bool = False
    is_repair_operation: bool = False
    is_wip_operation: bool = False
    process_index: int | None = None
    state: int | None = None


class ProcessDetail(ApiModel):
    """A process as the internal API describes it, with its GUID (PascalCase on the wire)."""

    model_config = ConfigDict(alias_generator=to_pascal)

    code: int
    process_id: UUID | None = Field(default=None, alias="ProcessID")
    name: str
    description: str | None = None
    process_index: int | None = None
    state: int | None = None
    properties: str | None = None
    is_test_operation: bool = False
    is_wip_operation: bool = Field(default=False, alias="IsWIPOperation")
    is_repair_operation: bool = False


class FailCode(ApiModel):
    """A node of a repair fail-code tree: categories at the top, selectable codes below."""

    model_config = ConfigDict(alias_generator=to_pascal)

    guid: UUID | None = Field(default=None, alias="GUID")
    selectable: bool = True
    description: str
    sort_order: int | None = None
    failure_type: int | None = None
    image_constraint: int | None = None
    status: int | None = None
    failcodes: list[FailCode] = Field(default_factory=list)


class RepairMiscInfo(ApiModel):
    """A predefined misc-info field a repair report of this operation asks for."""

    model_config = ConfigDict(alias_generator=to_pascal)

    guid: UUID | None = Field(default=None, alias="GUID")
    description: str
    input_mask: str | None = None
    valid_regex: str | None = None
    status: int | None = None
    sort_order: int | None = None
    allowed_values: str | None = None


class RepairType(ApiModel):
    """The repair configuration of a repair operation (``RepairType``, PascalCase)."""

    model_config = ConfigDict(alias_generator=to_pascal)

    description: str | None = None
    uut_required: int | None = Field(default=None, alias="UUTRequired")
    comp_ref_mask: str | None = None
    comp_ref_mask_description: str | None = None
    bom_constraint: int | None = None
    bom_required: int | None = Field(default=None, alias="BOMRequired")
    vendor_required: int | None = None
    categories: list[FailCode] = Field(default_factory=list)
    misc_infos: list[RepairMiscInfo] = Field(default_factory=list)

    def fail_codes(self) -> Iterator[tuple[str, str]]:
        """Yield every selectable ``(category, code)`` pair a UUR failure may use."""
        for category in self.categories:
            yield from _selectable_codes(category.description, category.failcodes)

    def has_fail_code(self, category: str, code: str) -> bool:
        """Whether ``category``/``code`` is a selectable fail code of this configuration."""
        return (category, code) in set(self.fail_codes())


def _selectable_codes(category: str, nodes: list[FailCode]) -> Iterator[tuple[str, str]]:
    for node in nodes:
        if node.selectable:
            yield category, node.description
        yield from _selectable_codes(category, node.failcodes)
