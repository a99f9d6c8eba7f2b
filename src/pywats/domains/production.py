"""The WATS production domain (``wats.production``): units, box builds, serial numbers,
batches, unit verification, barcode identification and the MES test workflow."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Literal

from pywats.domains._arguments import multipart_body, path_segment
from pywats.domains._base import AsyncDomain
from pywats.exceptions import InvalidArgumentError, UnexpectedResponseError
from pywats.models.production import (
    BarcodeIdentifier,
    BatchSaveResult,
    ChildUnitCheck,
    ProductionBatch,
    SerialNumber,
    SerialNumberType,
    SerialNumberUploadResult,
    Unit,
    UnitChange,
    UnitPhase,
    UnitPhaseInfo,
    UnitsSaveResult,
    UnitVerificationGrade,
    parse_serial_numbers,
)

SerialFileFormat = Literal["XML", "CSV"]


class AsyncProductionDomain(AsyncDomain):
    """Async access to the WATS production endpoints (``/api/Production/...`` and friends)."""

    # ------------------------------------------------------------------ units

    async def get_unit(self, serial_number: str, part_number: str) -> Unit:
        """Get a unit with its sub-units.

        Calls ``GET /api/Production/Unit/{serialNumber}/{partNumber}``.
        """
        path = f"/api/Production/Unit/{path_segment(serial_number)}/{path_segment(part_number)}"
        return await self._request_found(Unit, "GET", path)

    async def save_units(self, units: Sequence[Unit]) -> UnitsSaveResult:
        """Add or update units by serial number (``PUT /api/Production/Units``).

        Units the server refuses are listed in the result's ``errors``; the others are saved.
        """
        path = "/api/Production/Units"
        body = [unit.to_wire() for unit in units]
        return await self._request_model(UnitsSaveResult, "PUT", path, json=body)

    async def set_unit_phase(
        self, serial_number: str, part_number: str, phase: UnitPhase | int
    ) -> None:
        """Set a unit's phase (``PUT /api/Production/SetUnitPhase``)."""
        params = {"serialNumber": serial_number, "partNumber": part_number, "phase": int(phase)}
        await self._http.request_text("PUT", "/api/Production/SetUnitPhase", params=params)

    async def set_unit_process(
        self, serial_number: str, part_number: str, process_name: str
    ) -> None:
        """Set a unit's current process by name (``PUT /api/Production/SetUnitProcess``)."""
        params = {
            "serialNumber": serial_number,
            "partNumber": part_number,
            "processName": process_name,
        }
        await self._http.request_text("PUT", "/api/Production/SetUnitProcess", params=params)

    async def add_child_unit(
        self,
        parent_serial_number: str,
        parent_part_number: str,
        child_serial_number: str,
        child_part_number: str,
        *,
        check_part_number: bool = False,
        check_revision: bool = False,
    ) -> None:
        """Fit a finalized child unit into a parent (``POST /api/Production/AddChildUnit``).

        With ``check_part_number`` the child must be in the parent revision's box build;
        with ``check_revision`` its revision must also match the box-build mask.
        """
        params = {
            "parentSerialNumber": parent_serial_number,
            "parentPartNumber": parent_part_number,
            "childSerialNumber": child_serial_number,
            "childPartNumber": child_part_number,
            "checkPartNumber": check_part_number,
            "checkRevision": check_revision,
        }
        await self._http.request_text("POST", "/api/Production/AddChildUnit", params=params)

    async def remove_child_unit(
        self,
        parent_serial_number: str,
        parent_part_number: str,
        child_serial_number: str,
        child_part_number: str,
    ) -> None:
        """Remove a parent/child relation (``POST /api/Production/RemoveChildUnit``)."""
        params = {
            "parentSerialNumber": parent_serial_number,
            "parentPartNumber": parent_part_number,
            "childSerialNumber": child_serial_number,
            "childPartNumber": child_part_number,
        }
        await self._http.request_text("POST", "/api/Production/RemoveChildUnit", params=params)

    async def check_child_units(
        self, parent_serial_number: str, parent_part_number: str
    ) -> ChildUnitCheck:
        """Check a parent's children against its box build.

        Calls ``GET /api/Production/CheckChildUnits``.
        """
        path = "/api/Production/CheckChildUnits"
        params = {
            "parentSerialNumber": parent_serial_number,
            "parentPartNumber": parent_part_number,
        }
        return await self._request_model(ChildUnitCheck, "GET", path, params=params)

    async def get_unit_changes(self, max_count: int = 100) -> list[UnitChange]:
        """Pending unit-change records, oldest first (``GET /api/Production/Units/Changes``)."""
        if max_count < 1:
            raise InvalidArgumentError("max_count must be at least 1")
        path = "/api/Production/Units/Changes"
        return await self._request_list(UnitChange, "GET", path, params={"maxCount": max_count})

    async def delete_unit_change(self, change_id: int) -> None:
        """Acknowledge a handled unit change (``DELETE /api/Production/Units/Changes/{id}``)."""
        await self._http.request_text("DELETE", f"/api/Production/Units/Changes/{int(change_id)}")

    async def verify_unit(
        self, serial_number: str, part_number: str | None = None
    ) -> UnitVerificationGrade:
        """Grade a unit against its verification rule (``GET /api/Production/UnitVerification``)."""
        path = "/api/Production/UnitVerification"
        params = {"serialNumber": serial_number, "partNumber": part_number}
        return await self._request_model(UnitVerificationGrade, "GET", path, params=params)

    async def save_batches(self, batches: Sequence[ProductionBatch]) -> BatchSaveResult:
        """Add or update production batches (``PUT /api/Production/Batches``)."""
        path = "/api/Production/Batches"
        body = [batch.to_wire() for batch in batches]
        return await self._request_model(BatchSaveResult, "PUT", path, json=body)

    async def get_unit_phases(self) -> list[UnitPhaseInfo]:
        """Internal: the unit-phase catalogue (``GET /api/internal/Mes/GetUnitPhases``)."""
        path = "/api/internal/Mes/GetUnitPhases"
        return await self._request_list(UnitPhaseInfo, "GET", path)

    # ------------------------------------------------------------------ serial numbers

    async def get_serial_number_types(self) -> list[SerialNumberType]:
        """List serial-number pools (``GET /api/Production/SerialNumbers/Types``)."""
        path = "/api/Production/SerialNumbers/Types"
        return await self._request_list(SerialNumberType, "GET", path)

    async def take_serial_numbers(
        self,
        serial_number_type: str,
        quantity: int,
        *,
        ref_sn: str | None = None,
        ref_pn: str | None = None,
        station_name: str | None = None,
        only_in_sequence: bool = False,
    ) -> list[str]:
        """Allocate free numbers from a pool (``POST /api/Production/SerialNumbers/Take``).

        The server never hands a number out twice; when the pool runs short it returns
        fewer than ``quantity`` (with ``only_in_sequence``: one gap-free run, or none).
        """
        if quantity < 1:
            raise InvalidArgumentError("quantity must be at least 1")
        params = {
            "serialNumberType": serial_number_type,
            "quantity": quantity,
            "refSN": ref_sn,
            "refPN": ref_pn,
            "stationName": station_name,
            "onlyInSequence": only_in_sequence,
            "format": "XML",
        }
        # A POST that allocates must not be retried blindly: a lost answer would leak numbers.
        text = await self._http.request_text(
            "POST", "/api/Production/SerialNumbers/Take", params=params, idempotent=False
        )
        return parse_serial_numbers(text)

    async def reserve_serial_numbers(
        self,
        serial_number_type: str,
        quantity: int,
        *,
        station_name: str | None = None,
        ref_sn: str | None = None,
        ref_pn: str | None = None,
        only_in_sequence: bool = False,
    ) -> list[str]:
        """Internal: reserve numbers for a station's local pool, as the official client does.

        Calls ``POST /api/Internal/Production/GetAndReserveNewSerialNumbers`` with
        ``requestType`` ``Reserve``; the answer's ``sn`` holds a ``SerialNumbers`` XML document.
        """
        if quantity < 1:
            raise InvalidArgumentError("quantity must be at least 1")
        path = "/api/Internal/Production/GetAndReserveNewSerialNumbers"
        request = {
            "requestType": "Reserve",
            "serialNumberType": serial_number_type,
            "batchSize": quantity,
            "onlyInSequence": only_in_sequence,
            "refSN": ref_sn,
            "refPN": ref_pn,
            "stationName": station_name,
        }
        data = await self._http.request_json("POST", path, json={"sn": request}, idempotent=False)
        if not isinstance(data, dict) or not isinstance(data.get("sn"), str):
            raise UnexpectedResponseError("expected {'sn': '<xml>'}", method="POST", path=path)
        return parse_serial_numbers(data["sn"])

    async def get_serial_numbers_by_reference(
        self,
        serial_number_type: str,
        *,
        ref_sn: str | None = None,
        ref_pn: str | None = None,
        start_date: datetime | None = None,
        end_date: datetime | None = None,
    ) -> list[SerialNumber]:
        """Taken numbers bound to a reference SN and/or PN.

        Calls ``GET /api/Production/SerialNumbers/ByReference``.
        """
        path = "/api/Production/SerialNumbers/ByReference"
        params = {
            "serialNumberType": serial_number_type,
            "refSN": ref_sn,
            "refPN": ref_pn,
            "startDate": start_date,
            "endDate": end_date,
        }
        return await self._request_list(SerialNumber, "GET", path, params=params)

    async def get_serial_numbers_by_range(
        self,
        serial_number_type: str,
        start_address: str,
        end_address: str,
        *,
        start_date: datetime | None = None,
        end_date: datetime | None = None,
    ) -> list[SerialNumber]:
        """Numbers of a pool between two addresses, taken or free.

        Calls ``GET /api/Production/SerialNumbers/ByRange``.
        """
        path = "/api/Production/SerialNumbers/ByRange"
        params = {
            "serialNumberType": serial_number_type,
            "startAddress": start_address,
            "endAddress": end_address,
            "startDate": start_date,
            "endDate": end_date,
        }
        return await self._request_list(SerialNumber, "GET", path, params=params)

    async def export_serial_numbers(
        self,
        serial_number_type: str,
        file_format: SerialFileFormat = "XML",
        *,
        start_address: str | None = None,
        end_address: str | None = None,
        start_date: datetime | None = None,
        end_date: datetime | None = None,
    ) -> bytes:
        """Export a pool as an XML or CSV file (``GET /api/Production/SerialNumbers``)."""
        params: dict[str, Any] = {
            "serialNumberType": serial_number_type,
            "format": file_format,
            "startAddress": start_address,
            "endAddress": end_address,
            "startDate": start_date,
            "endDate": end_date,
        }
        return await self._http.request_bytes("GET", "/api/Production/SerialNumbers", params=params)

    async def upload_serial_numbers(
        self,
        serial_number_type: str,
        data: bytes,
        file_format: SerialFileFormat = "XML",
        *,
        filename: str | None = None,
    ) -> SerialNumberUploadResult:
        """Add numbers to a pool from an XML or CSV file (``PUT /api/Production/SerialNumbers``).

        The file goes as multipart form data; numbers already in the pool are left alone.
        """
        path = "/api/Production/SerialNumbers"
        kind = "application/xml" if file_format == "XML" else "text/csv"
        name = filename or f"serialnumbers.{file_format.lower()}"
        body, headers = multipart_body("file", name, data, kind)
        params = {"serialNumberType": serial_number_type, "format": file_format}
        return await self._request_model(
            SerialNumberUploadResult, "PUT", path, params=params, content=body, headers=headers
        )

    # ------------------------------------------------------------------ barcodes

    async def get_barcode_identifiers(self) -> list[BarcodeIdentifier]:
        """List barcode rules (``GET /api/BarcodeIdentifiers/BarcodeIdentifiers``)."""
        path = "/api/BarcodeIdentifiers/BarcodeIdentifiers"
        return await self._request_list(BarcodeIdentifier, "GET", path)

    async def save_barcode_identifier(self, identifier: BarcodeIdentifier) -> BarcodeIdentifier:
        """Add (no ``id``) or update a barcode rule.

        Calls ``PUT /api/BarcodeIdentifiers/BarcodeIdentifier``.
        """
        path = "/api/BarcodeIdentifiers/BarcodeIdentifier"
        return await self._request_model(BarcodeIdentifier, "PUT", path, json=identifier.to_wire())

    async def delete_barcode_identifier(self, identifier_id: int) -> None:
        """Delete a barcode rule (``DELETE /api/BarcodeIdentifiers/BarcodeIdentifier/{id}``)."""
        path = f"/api/BarcodeIdentifiers/BarcodeIdentifier/{int(identifier_id)}"
        await self._http.request_text("DELETE", path)

    async def identify_barcode(self, code: str) -> BarcodeIdentifier:
        """Parse a scanned code into SN/PN/revision/batch/process.

        Calls ``GET /api/BarcodeIdentifiers/IdentifyBarcode``; the returned rule's fields hold
        the values extracted from ``code``.
        """
        path = "/api/BarcodeIdentifiers/IdentifyBarcode"
        return await self._request_model(BarcodeIdentifier, "GET", path, params={"code": code})

    # ------------------------------------------------------------------ MES workflow

    async def start_test(
        self,
        serial_number: str,
        part_number: str,
        *,
        operator_name: str | None = None,
        station_name: str | None = None,
        status: int | None = None,
    ) -> bool:
        """Start the unit's 'Test' workflow activity (``GET /api/Workflow/StartTest``).

        False when the unit is unknown, has no workflow, or is not waiting for a test.
        """
        params = {
            "serialNumber": serial_number,
            "partNumber": part_number,
            "operatorName": operator_name,
            "stationName": station_name,
            "status": status,
        }
        return await self._workflow("/api/Workflow/StartTest", params)

    async def end_test(
        self,
        serial_number: str,
        part_number: str,
        *,
        passed: bool = True,
        operator_name: str | None = None,
        station_name: str | None = None,
        status: int | None = None,
    ) -> bool:
        """End the unit's 'Test' workflow activity (``GET /api/Workflow/EndTest``)."""
        params = {
            "serialNumber": serial_number,
            "partNumber": part_number,
            "passed": passed,
            "operatorName": operator_name,
            "stationName": station_name,
            "status": status,
        }
        return await self._workflow("/api/Workflow/EndTest", params)

    async def _workflow(self, path: str, params: dict[str, Any]) -> bool:
        data = await self._http.request_json("GET", path, params=params)
        if not isinstance(data, bool):
            raise UnexpectedResponseError("expected true or false", method="GET", path=path)
        return data
