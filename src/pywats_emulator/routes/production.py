"""Production routes: units, phases, box builds, unit changes, verification, batches,
serial numbers, barcode identifiers and the MES test workflow.

Tables: see ``_production_store.SCHEMA`` (``units``, ``unit_changes``, ``production_batches``,
``serial_number_types``, ``serial_numbers``, ``barcode_identifiers``,
``unit_verification_rules``). Reads ``products``/``product_revisions``/
``product_revision_relations`` (product routes), ``processes`` and ``reports``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from pywats_emulator.http import json_response, read_json
from pywats_emulator.routes._params import (
    RouteError,
    bad_request,
    body_list,
    body_object,
    field,
    guarded,
    int_field,
    not_found,
    optional_bool,
    optional_str,
    parse_int,
    required_int,
    required_str,
    text_field,
)
from pywats_emulator.routes._production_barcode import BarcodeRuleError, check_rule, identify
from pywats_emulator.routes._production_boxbuild import add_child, check_children, remove_child
from pywats_emulator.routes._production_serial_routes import SerialNumberRoutes, now_text
from pywats_emulator.routes._production_store import (
    PHASES,
    SCHEMA,
    change_json,
    find_unit,
    parse_phase,
    record_change,
    save_unit,
    seed_production,
    unit_json,
)
from pywats_emulator.routes._production_verify import RequiredProcess, UnitRun, grade_unit
from pywats_emulator.routes.process import find_process
from pywats_emulator.state import EmulatorState
from pywats_emulator.store import Store

__all__ = ["SCHEMA", "routes", "seed"]

BARCODES = "/api/barcodeidentifiers"


def seed(store: Store) -> None:
    """Demo units, serial-number pools, barcode rules and a verification rule."""
    seed_production(store)


def _key(params: Mapping[str, str], serial: str, part: str) -> tuple[str, str]:
    return required_str(params, serial), required_str(params, part)


def _parent_key(params: Mapping[str, str]) -> tuple[str, str]:
    # [S] names first; pywats sends serialNumber/partNumber for CheckChildUnits.
    serial = optional_str(params, "parentSerialNumber") or optional_str(params, "serialNumber")
    part = optional_str(params, "parentPartNumber") or optional_str(params, "partNumber")
    if not serial or not part:
        raise bad_request(
            "The parameters 'parentSerialNumber' and 'parentPartNumber' are required."
        )
    return serial, part


def verification(store: Store, serial: str, part_number: str | None) -> dict[str, Any]:
    """Grade a unit's test history (``GET /api/Production/UnitVerification``)."""
    sql = "SELECT * FROM reports WHERE sn = ?" + (" AND pn = ?" if part_number else "")
    reports = [
        dict(r) for r in store.query(sql, (serial, part_number) if part_number else (serial,))
    ]
    if not reports:
        raise not_found(f"No test data was found for unit '{serial}'.")
    pn = part_number or reports[0]["pn"]
    runs = [
        UnitRun(
            r["process_code"],
            r["result"] == "P",
            r["start_utc"] or r["start"] or "",
            r["machine_name"],
        )
        for r in reports
        if r["type"] == "T" and r["process_code"] is not None
    ]
    repairs: dict[int, int] = {}
    for report in reports:
        if report["type"] == "R":
            code = (json.loads(report["body"]).get("uur") or {}).get("processCode")
            if isinstance(code, int):
                repairs[code] = repairs.get(code, 0) + 1
    return grade_unit(_required_processes(store, pn, runs), runs, repairs)


def _required_processes(
    store: Store, part_number: str, runs: list[UnitRun]
) -> list[RequiredProcess]:
    rule = store.query_one(
        "SELECT process_codes FROM unit_verification_rules WHERE part_number = ?", (part_number,)
    )
    codes = (
        {int(code) for code in rule["process_codes"].split(",")}
        if rule is not None
        else {run.process_code for run in runs}
    )
    rows = store.query("SELECT code, name, process_index FROM processes")
    known = {row["code"]: row for row in rows}
    required = [
        RequiredProcess(
            code,
            known[code]["name"] if code in known else str(code),
            known[code]["process_index"] if code in known else code,
        )
        for code in codes
    ]
    return sorted(required, key=lambda process: (process.index, process.code))


def _barcode_json(row: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "id": row["id"],
        "pattern": row["pattern"],
        "serialNumber": row["serial_number"],
        "partNumber": row["part_number"],
        "revision": row["revision"],
        "batchNumber": row["batch_number"],
        "process": row["process"],
        "order": row["sort_order"],
        "description": row["description"],
    }


def _save_barcode(store: Store, body: Mapping[str, Any]) -> dict[str, Any]:
    names = ("pattern", "serialNumber", "partNumber", "revision", "batchNumber", "process")
    values: dict[str, Any] = {name: text_field(body, name) for name in names}
    if not values["pattern"]:
        raise bad_request("A barcode identifier needs a pattern.")
    try:
        check_rule(values)
    except BarcodeRuleError as exc:
        raise bad_request(str(exc)) from None
    order = int_field(body, "order") or 0
    row = (*values.values(), order, text_field(body, "description"))
    rule_id = int_field(body, "id")
    with store.transaction():
        if rule_id:
            cursor = store.execute(
                "UPDATE barcode_identifiers SET pattern = ?, serial_number = ?, part_number = ?,"
                " revision = ?, batch_number = ?, process = ?, sort_order = ?, description = ?"
                " WHERE id = ?",
                (*row, rule_id),
            )
            if cursor.rowcount == 0:
                raise not_found(f"Barcode identifier {rule_id} was not found.")
        else:
            rule_id = store.execute(
                "INSERT INTO barcode_identifiers (pattern, serial_number, part_number, revision,"
                " batch_number, process, sort_order, description) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                row,
            ).lastrowid
        saved = store.query_one("SELECT * FROM barcode_identifiers WHERE id = ?", (rule_id,))
    assert saved is not None
    return _barcode_json(dict(saved))


class UnitRoutes:
    """Handlers bound to one emulator state (each wrapped by ``guarded`` when routed)."""

    def __init__(self, state: EmulatorState) -> None:
        self.state = state
        self.store = state.store

    def routes(self) -> list[Route]:
        return [
            Route("/api/production/unit/{sn}/{pn}", guarded(self.get_unit), methods=["GET"]),
            Route("/api/production/units", guarded(self.put_units), methods=["PUT"]),
            Route("/api/production/setunitphase", guarded(self.set_phase), methods=["PUT"]),
            Route("/api/production/setunitprocess", guarded(self.set_process), methods=["PUT"]),
            Route("/api/production/addchildunit", guarded(self.add_child_unit), methods=["POST"]),
            Route(
                "/api/production/removechildunit", guarded(self.remove_child_unit), methods=["POST"]
            ),
            Route(
                "/api/production/checkchildunits", guarded(self.check_child_units), methods=["GET"]
            ),
            Route("/api/production/units/changes", guarded(self.list_changes), methods=["GET"]),
            Route(
                "/api/production/units/changes/{id}",
                guarded(self.delete_change),
                methods=["DELETE"],
            ),
            Route("/api/production/unitverification", guarded(self.verify), methods=["GET"]),
            Route("/api/production/batches", guarded(self.put_batches), methods=["PUT"]),
            Route("/api/internal/mes/getunitphases", guarded(self.unit_phases), methods=["GET"]),
        ]

    async def get_unit(self, request: Request) -> Response:
        """``GET /api/production/unit/{sn}/{pn}``."""
        unit = find_unit(self.store, request.path_params["sn"], request.path_params["pn"])
        return json_response(unit_json(self.store, unit))

    async def put_units(self, request: Request) -> Response:
        """``PUT /api/production/units``."""
        bodies = body_list(await read_json(request), "Unit")
        counts = {"insert": 0, "update": 0}
        errors = []
        for body in bodies:
            try:
                with self.store.transaction():
                    counts[save_unit(self.store, body, now_text(self.state))] += 1
            except RouteError as exc:
                errors.append(
                    {
                        "serialNumber": field(body, "serialNumber"),
                        "partNumber": field(body, "partNumber"),
                        "message": exc.message,
                    }
                )
        return json_response(
            {
                "insertCount": counts["insert"],
                "updateCount": counts["update"],
                "errorCount": len(errors),
                "errors": errors,
            }
        )

    async def set_phase(self, request: Request) -> Response:
        """``PUT /api/production/setunitphase``."""
        params = request.query_params
        key = _key(params, "serialNumber", "partNumber")
        phase = parse_phase(required_str(params, "phase"))
        with self.store.transaction():
            find_unit(self.store, *key)
            self.store.execute(
                "UPDATE units SET unit_phase_id = ? WHERE serial_number = ? AND part_number = ?",
                (phase, *key),
            )
            record_change(self.store, find_unit(self.store, *key), now_text(self.state))
        return json_response(None)

    async def set_process(self, request: Request) -> Response:
        """``PUT /api/production/setunitprocess``."""
        params = request.query_params
        key = _key(params, "serialNumber", "partNumber")
        name = optional_str(params, "processName") or required_str(params, "processCode")
        process = find_process(self.store, name)
        if process is None:
            raise bad_request(f"Process '{name}' was not found.")
        find_unit(self.store, *key)
        self.store.execute(
            "UPDATE units SET process_code = ? WHERE serial_number = ? AND part_number = ?",
            (process["code"], *key),
        )
        return json_response(None)

    async def add_child_unit(self, request: Request) -> Response:
        """``POST /api/production/addchildunit``."""
        params = request.query_params
        checks = (
            bool(optional_bool(params, "checkPartNumber")),
            bool(optional_bool(params, "checkRevision")),
        )
        child = _key(params, "childSerialNumber", "childPartNumber")
        add_child(self.store, _parent_key(params), child, checks, now_text(self.state))
        return json_response(None)

    async def remove_child_unit(self, request: Request) -> Response:
        """``POST /api/production/removechildunit``."""
        params = request.query_params
        child = _key(params, "childSerialNumber", "childPartNumber")
        remove_child(self.store, _parent_key(params), child, now_text(self.state))
        return json_response(None)

    async def check_child_units(self, request: Request) -> Response:
        """``GET /api/production/checkchildunits``."""
        return json_response(check_children(self.store, _parent_key(request.query_params)))

    async def list_changes(self, request: Request) -> Response:
        """``GET /api/production/units/changes``."""
        top = required_int(request.query_params, "maxCount")
        if top < 1:
            raise bad_request("maxCount must be at least 1.")
        rows = self.store.query("SELECT * FROM unit_changes ORDER BY id LIMIT ?", (top,))
        return json_response([change_json(dict(row)) for row in rows])

    async def delete_change(self, request: Request) -> Response:
        """``DELETE /api/production/units/changes/{id}``."""
        change_id = parse_int(request.path_params["id"], "id")
        if self.store.execute("DELETE FROM unit_changes WHERE id = ?", (change_id,)).rowcount == 0:
            raise not_found(f"Unit change {change_id} was not found.")
        return Response(status_code=204)

    async def verify(self, request: Request) -> Response:
        """``GET /api/production/unitverification``."""
        params = request.query_params
        grade = verification(
            self.store, required_str(params, "serialNumber"), optional_str(params, "partNumber")
        )
        return json_response(grade)

    async def put_batches(self, request: Request) -> Response:
        """``PUT /api/production/batches``."""
        bodies = body_list(await read_json(request), "ProductionBatch")
        counts = {"insertCount": 0, "updateCount": 0}
        with self.store.transaction():
            for body in bodies:
                number, size = text_field(body, "batchNumber"), int_field(body, "batchSize")
                if not number:
                    raise bad_request("Every batch needs a batchNumber.")
                old = self.store.query_one(
                    "SELECT 1 FROM production_batches WHERE batch_number = ?", (number,)
                )
                self.store.execute(
                    "INSERT INTO production_batches VALUES (?, ?) ON CONFLICT"
                    " (batch_number) DO UPDATE SET batch_size = excluded.batch_size",
                    (number, size),
                )
                counts["updateCount" if old else "insertCount"] += 1
        return json_response(counts)

    async def unit_phases(self, request: Request) -> Response:
        """``GET /api/internal/mes/getunitphases``."""
        return json_response(
            [
                {
                    "UnitPhaseId": pid,
                    "Code": name.replace(" ", ""),
                    "Name": name,
                    "Description": name,
                }
                for pid, name in PHASES.items()
            ]
        )


class BarcodeWorkflowRoutes:
    """Handlers bound to one emulator state (each wrapped by ``guarded`` when routed)."""

    def __init__(self, state: EmulatorState) -> None:
        self.state = state
        self.store = state.store

    def routes(self) -> list[Route]:
        return [
            Route(f"{BARCODES}/barcodeidentifiers", guarded(self.list_rules), methods=["GET"]),
            Route(f"{BARCODES}/barcodeidentifier", guarded(self.put_rule), methods=["PUT"]),
            Route(
                f"{BARCODES}/barcodeidentifier/{{id}}",
                guarded(self.delete_rule),
                methods=["DELETE"],
            ),
            Route(f"{BARCODES}/identifybarcode", guarded(self.identify_code), methods=["GET"]),
            Route("/api/workflow/starttest", guarded(self.start_test), methods=["GET"]),
            Route("/api/workflow/endtest", guarded(self.end_test), methods=["GET"]),
        ]

    async def list_rules(self, request: Request) -> Response:
        """``GET /api/barcodeidentifiers/barcodeidentifiers``."""
        rows = self.store.query("SELECT * FROM barcode_identifiers ORDER BY sort_order, id")
        return json_response([_barcode_json(dict(row)) for row in rows])

    async def put_rule(self, request: Request) -> Response:
        """``PUT /api/barcodeidentifiers/barcodeidentifier``."""
        body = body_object(await read_json(request), "BarcodeIdentifier")
        return json_response(_save_barcode(self.store, body))

    async def delete_rule(self, request: Request) -> Response:
        """``DELETE /api/barcodeidentifiers/barcodeidentifier/{id}``."""
        rule_id = parse_int(request.path_params["id"], "id")
        if (
            self.store.execute("DELETE FROM barcode_identifiers WHERE id = ?", (rule_id,)).rowcount
            == 0
        ):
            raise not_found(f"Barcode identifier {rule_id} was not found.")
        return json_response(None)

    async def identify_code(self, request: Request) -> Response:
        """``GET /api/barcodeidentifiers/identifybarcode``."""
        code = required_str(request.query_params, "code")
        rules = [
            _barcode_json(dict(r)) for r in self.store.query("SELECT * FROM barcode_identifiers")
        ]
        found = identify(code, rules)
        if found is None:
            raise not_found(f"No barcode identifier matches '{code}'.")
        return json_response(found)

    async def start_test(self, request: Request) -> Response:
        """``GET /api/workflow/starttest``."""
        return json_response(_advance(self.store, request.query_params, "Test", "Testing"))

    async def end_test(self, request: Request) -> Response:
        """``GET /api/workflow/endtest``."""
        passed = optional_bool(request.query_params, "passed") is not False
        return json_response(
            _advance(
                self.store, request.query_params, "Testing", "Completed" if passed else "Repair"
            )
        )


def _advance(store: Store, params: Mapping[str, str], current: str, following: str) -> bool:
    """Move a unit's workflow from ``current`` to ``following``; False when it is elsewhere."""
    key = _key(params, "serialNumber", "partNumber")
    cursor = store.execute(
        "UPDATE units SET workflow_activity = ? WHERE serial_number = ? AND part_number = ?"
        " AND workflow_activity = ?",
        (following, *key, current),
    )
    return cursor.rowcount == 1


def routes(state: EmulatorState) -> list[Route]:
    """Every production route bound to ``state``."""
    return [
        *SerialNumberRoutes(state).routes(),
        *UnitRoutes(state).routes(),
        *BarcodeWorkflowRoutes(state).routes(),
    ]
