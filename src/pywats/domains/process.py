"""The WATS process domain (``wats.process``): test, repair and WIP operation codes."""

from __future__ import annotations

from urllib.parse import quote
from uuid import UUID

from pydantic import TypeAdapter

from pywats.domains._base import AsyncDomain
from pywats.domains._parsing import parse_as
from pywats.exceptions import UnexpectedResponseError
from pywats.models.process import Process, ProcessDetail, RepairType

_REPAIR_MAP = TypeAdapter(dict[int, RepairType])


class AsyncProcessDomain(AsyncDomain):
    """Async access to the WATS process endpoints (public list and internal details)."""

    async def get_processes(
        self,
        *,
        include_test_operations: bool | None = None,
        include_repair_operations: bool | None = None,
        include_wip_operations: bool | None = None,
        include_inactive_processes: bool | None = None,
    ) -> list[Process]:
        """List processes (``GET /api/App/Processes``).

        Without arguments the server returns the active test, repair and WIP operations.
        """
        path = "/api/App/Processes"
        params = {
            "includeTestOperations": include_test_operations,
            "includeRepairOperations": include_repair_operations,
            "includeWipOperations": include_wip_operations,
            "includeInactiveProcesses": include_inactive_processes,
        }
        return await self._request_list(Process, "GET", path, params=params)

    async def get_process_details(self) -> list[ProcessDetail]:
        """Internal: every process with its GUID (``GET /api/internal/Process/GetProcesses``)."""
        path = "/api/internal/Process/GetProcesses"
        return await self._request_list(ProcessDetail, "GET", path)

    async def get_process_detail(self, process_id: UUID | str) -> ProcessDetail:
        """Internal: one process by GUID (``GET /api/internal/Process/GetProcess/{id}``)."""
        path = f"/api/internal/Process/GetProcess/{quote(str(process_id), safe='')}"
        return await self._request_found(ProcessDetail, "GET", path)

    async def get_repair_operations(self) -> dict[int, RepairType]:
        """Internal: repair configurations by process code, with fail-code trees.

        Calls ``GET /api/internal/Process/GetRepairOperations``; a station needs these to
        build repair reports whose failure categories and codes the server accepts.
        """
        path = "/api/internal/Process/GetRepairOperations"
        data = await self._http.request_json("GET", path)
        if data is None:
            return {}
        if not isinstance(data, dict):
            raise UnexpectedResponseError("expected a JSON object", method="GET", path=path)
        return parse_as(_REPAIR_MAP, data, "GET", path)

    async def get_repair_operation(
        self, process_id: UUID | str, *, process_code: int | None = None
    ) -> RepairType:
        """Internal: one repair configuration by repair process GUID.

        Calls ``GET /api/internal/Process/GetRepairOperation/{id}``; ``process_id`` is the
        repair process GUID (see :meth:`get_process_details`).
        """
        path = f"/api/internal/Process/GetRepairOperation/{quote(str(process_id), safe='')}"
        return await self._request_found(
            RepairType, "GET", path, params={"processCode": process_code}
        )
