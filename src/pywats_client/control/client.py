"""The one way the CLI and the GUI talk to a running station service.

Async only (the CLI wraps calls in ``asyncio.run``; the GUI runs them on its qasync loop).
Every call has a timeout, authenticates with the token from the service's 0600 token file, and
turns failures into :class:`ControlError` with a message fit for a one-line CLI error.
"""

from __future__ import annotations

from pathlib import Path
from types import TracebackType
from typing import Any

import httpx

from pywats.exceptions import WatsError


class ControlError(WatsError):
    """The service could not be reached, or refused the request."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class ControlClient:
    """Client of the local control API (``/health``, ``/metrics``, ``/status``, queue, config)."""

    def __init__(
        self,
        token: str,
        *,
        base_url: str = "http://127.0.0.1:8765",
        unix_socket: Path | None = None,
        timeout: float = 10.0,
    ) -> None:
        transport = httpx.AsyncHTTPTransport(uds=str(unix_socket)) if unix_socket else None
        self._http = httpx.AsyncClient(
            base_url="http://control" if unix_socket else base_url,
            headers={"Authorization": f"Bearer {token}"},
            timeout=timeout,
            transport=transport,
        )

    def __repr__(self) -> str:
        return f"ControlClient(base_url={str(self._http.base_url)!r})"

    async def __aenter__(self) -> ControlClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    async def _call(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, str] | None = None,
        json: Any = None,
        content: bytes | None = None,
        headers: dict[str, str] | None = None,
        ok: tuple[int, ...] = (200,),
    ) -> httpx.Response:
        try:
            response = await self._http.request(
                method, path, params=params, json=json, content=content, headers=headers
            )
        except httpx.TimeoutException:
            raise ControlError(f"the service did not answer {method} {path} in time") from None
        except httpx.TransportError as exc:
            raise ControlError(f"cannot reach the service ({exc}); is it running?") from None
        if response.status_code not in ok:
            raise ControlError(_error_text(response), response.status_code)
        return response

    async def health(self) -> dict[str, Any]:
        """``GET /health``: ``{"status": "ok"|"degraded"|"error", "reasons": [...]}``."""
        response = await self._call("GET", "/health", ok=(200, 503))
        data: dict[str, Any] = response.json()
        return data

    async def metrics(self) -> str:
        """``GET /metrics``: Prometheus text exposition."""
        return (await self._call("GET", "/metrics")).text

    async def status(self) -> dict[str, Any]:
        """``GET /status``: service state, queue counts, tasks, converters."""
        data: dict[str, Any] = (await self._call("GET", "/status")).json()
        return data

    async def queue_list(self, state: str | None = None) -> list[dict[str, Any]]:
        """``GET /queue``: entries, optionally of one state (queued, error, parked, …)."""
        params = {"state": state} if state else None
        data: list[dict[str, Any]] = (await self._call("GET", "/queue", params=params)).json()
        return data

    async def queue_show(self, entry_id: str) -> dict[str, Any]:
        """``GET /queue/{id}``: one entry with its metadata, attempts and last error."""
        data: dict[str, Any] = (await self._call("GET", f"/queue/{entry_id}")).json()
        return data

    async def queue_retry(self, entry_id: str) -> dict[str, Any]:
        """``POST /queue/{id}/retry``: make an errored or parked entry due now."""
        data: dict[str, Any] = (await self._call("POST", f"/queue/{entry_id}/retry")).json()
        return data

    async def queue_remove(self, entry_id: str) -> dict[str, Any]:
        """``DELETE /queue/{id}``: an operator removes an entry (kept aside, never destroyed)."""
        data: dict[str, Any] = (await self._call("DELETE", f"/queue/{entry_id}")).json()
        return data

    async def queue_export(self, entry_id: str) -> bytes:
        """``GET /queue/{id}/export``: the report as WSJF bytes."""
        return (await self._call("GET", f"/queue/{entry_id}/export")).content

    async def submit(self, data: bytes, filename: str) -> list[dict[str, Any]]:
        """``POST /queue/submit``: accept a WSJF/WSXF/WSTF file's reports into the queue."""
        response = await self._call(
            "POST",
            "/queue/submit",
            content=data,
            headers={"X-Filename": filename, "Content-Type": "application/octet-stream"},
        )
        accepted: list[dict[str, Any]] = response.json()
        return accepted

    async def config_get(self) -> dict[str, Any]:
        """``GET /config``: the running configuration (secrets redacted)."""
        data: dict[str, Any] = (await self._call("GET", "/config")).json()
        return data

    async def config_set(self, changes: dict[str, Any]) -> dict[str, Any]:
        """``PATCH /config``: validate and apply changes; a 400 names the offending field."""
        data: dict[str, Any] = (await self._call("PATCH", "/config", json=changes)).json()
        return data


def _error_text(response: httpx.Response) -> str:
    try:
        message = response.json().get("error")
    except (ValueError, AttributeError):
        message = None
    return f"service answered {response.status_code}: {message or response.text[:200]}"
