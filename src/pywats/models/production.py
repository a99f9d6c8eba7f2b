"""Pydantic models of the WATS production domain: units, phases, serial numbers, batches,
unit verification and barcode identification."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from enum import IntEnum
from typing import Any
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from pydantic import ConfigDict, Field
from pydantic.alias_generators import to_pascal

from pywats.exceptions import UnexpectedResponseError
from pywats.models._base import ApiModel

__all__ = [
    "BarcodeIdentifier",
    "BatchSaveResult",
    "BoxBuildRequirement",
    "ChildUnitCheck",
    "ChildUnitStatus",
    "ProductionBatch",
    "SerialNumber",
    "SerialNumberType",
    "SerialNumberUploadResult",
    "Unit",
    "UnitChange",
    "UnitPhase",
    "UnitPhaseInfo",
    "UnitSaveError",
    "UnitVerificationGrade",
    "UnitVerificationResult",
    "UnitsSaveResult",
    "parse_serial_numbers",
]


class UnitPhase(IntEnum):
    """Unit phase ids (bit values; the ``*_QUEUED`` ones combine a phase with 4096)."""

    UNKNOWN = 1
    UNDER_PRODUCTION = 2
    PRODUCTION_REPAIR = 4
    SERVICE_REPAIR = 8
    FINALIZED = 16
    SCRAPPED = 32
    EXTENDED_TEST = 64
    CUSTOMIZATION = 128
    REPAIRED = 256
    MISSING = 512
    IN_STORAGE = 1024
    SHIPPED = 2048
    UNDER_PRODUCTION_QUEUED = 4098
    PRODUCTION_REPAIR_QUEUED = 4100
    SERVICE_REPAIR_QUEUED = 4104


class Unit(ApiModel):
    """A produced unit (serial number of a part number), with its box-build sub-units."""

    serial_number: str
    part_number: str
    revision: str | None = None
    parent_serial_number: str | None = None
    parent_part_number: str | None = None
    batch_number: str | None = None
    serial_date: datetime | None = None
    current_location: str | None = None
    xml_data: str | None = None
    unit_phase_id: int | None = None
    unit_phase: str | None = None
    process_code: str | None = None
    tags: list[Any] = Field(default_factory=list)
    product: dict[str, Any] | None = None
    product_revision: dict[str, Any] | None = None
    sub_units: list[Unit] = Field(default_factory=list)


class UnitSaveError(ApiModel):
    """Why one unit of a ``PUT /api/Production/Units`` call was refused."""

    serial_number: str | None = None
    part_number: str | None = None
    message: str


class UnitsSaveResult(ApiModel):
    """Outcome of ``PUT /api/Production/Units``."""

    insert_count: int = 0
    update_count: int = 0
    error_count: int = 0
    errors: list[UnitSaveError] = Field(default_factory=list)


class UnitChange(ApiModel):
    """A pending unit-change record for integrations (``GET /api/Production/Units/Changes``)."""

    id: int
    unit_serial_number: str
    new_parent_serial_number: str | None = None
    new_part_number: str | None = None
    new_revision: str | None = None
    new_unit_phase_id: int | None = None


class ProductionBatch(ApiModel):
    """A production batch."""

    batch_number: str
    batch_size: int | None = None


class BatchSaveResult(ApiModel):
    """Outcome of ``PUT /api/Production/Batches``."""

    insert_count: int = 0
    update_count: int = 0


class SerialNumberType(ApiModel):
    """A serial-number pool; ``identifier`` 0 = serial number, 1 = MAC address, 2 = IMEI."""

    name: str
    description: str | None = None
    format: str | None = None
    reg_ex: str | None = None
    identifier: int = 0
    identifier_name: str | None = None


class SerialNumber(ApiModel):
    """One number of a pool as the list endpoints return it."""

    serial_number: str
    serial_number_type: str | None = None
    taken: bool = False
    taken_date: datetime | None = None
    reserved: bool = False
    reserved_date: datetime | None = None
    ref_sn: str | None = Field(default=None, alias="refSN")
    ref_pn: str | None = Field(default=None, alias="refPN")
    station_name: str | None = None


class SerialNumberUploadResult(ApiModel):
    """Outcome of ``PUT /api/Production/SerialNumbers``: how many numbers were new."""

    insert_count: int = 0


class UnitVerificationResult(ApiModel):
    """One required process in a unit verification."""

    process_code: int
    process_name: str | None = None
    process_index: int | None = None
    status: str | None = None
    start_utc: datetime | None = None
    station_name: str | None = None
    total_count: int = 0
    non_passed_count: int = 0
    repair_count: int = 0


class UnitVerificationGrade(ApiModel):
    """The verdict of ``GET /api/Production/UnitVerification``."""

    status: str | None = None
    grade: str | None = None
    all_processes_executed_in_correct_order: bool = False
    all_processes_passed_first_run: bool = False
    all_processes_passed_any_run: bool = False
    all_processes_passed_last_run: bool = False
    no_repairs: bool = False
    results: list[UnitVerificationResult] = Field(default_factory=list)


class ChildUnitStatus(ApiModel):
    """One direct child in a box-build check."""

    serial_number: str
    part_number: str
    revision: str | None = None
    unit_phase_id: int | None = None
    ok: bool = False
    message: str | None = None


class BoxBuildRequirement(ApiModel):
    """One line of the parent's box build and how many matching children are fitted."""

    part_number: str
    revision_mask: str | None = None
    quantity: int = 1
    found: int = 0
    ok: bool = False


class ChildUnitCheck(ApiModel):
    """Outcome of ``GET /api/Production/CheckChildUnits``."""

    parent_serial_number: str
    parent_part_number: str
    revision: str | None = None
    ok: bool = False
    children: list[ChildUnitStatus] = Field(default_factory=list)
    requirements: list[BoxBuildRequirement] = Field(default_factory=list)


class BarcodeIdentifier(ApiModel):
    """A barcode rule; from ``IdentifyBarcode`` its fields hold the extracted values."""

    id: int | None = None
    pattern: str
    serial_number: str | None = None
    part_number: str | None = None
    revision: str | None = None
    batch_number: str | None = None
    process: str | None = None
    order: int | None = None
    description: str | None = None


class UnitPhaseInfo(ApiModel):
    """An entry of the internal phase catalogue (PascalCase on the wire)."""

    model_config = ConfigDict(alias_generator=to_pascal)

    unit_phase_id: int
    code: str | None = None
    name: str
    description: str | None = None


def parse_serial_numbers(text: str) -> list[str]:
    """Serial numbers from a Take/Reserve answer: ``<SerialNumbers><SN id=…/>`` XML,
    a JSON array of strings, or CSV (first column)."""
    stripped = text.strip()
    if not stripped:
        return []
    if stripped.startswith("<"):
        try:
            root = fromstring(stripped)
        except (ParseError, DefusedXmlException) as exc:
            raise UnexpectedResponseError(f"serial numbers are not valid XML: {exc}") from None
        return [element.get("id", "") for element in root.iter() if _local(element.tag) == "SN"]
    if stripped.startswith("["):
        try:
            data = json.loads(stripped)
        except ValueError as exc:
            raise UnexpectedResponseError(f"serial numbers are not valid JSON: {exc}") from None
        if not isinstance(data, list) or not all(isinstance(item, str) for item in data):
            raise UnexpectedResponseError("serial numbers JSON is not an array of strings")
        return list(data)
    return [row[0].strip() for row in csv.reader(io.StringIO(stripped)) if row and row[0].strip()]


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]
