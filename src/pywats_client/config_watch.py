"""Config changes while the service runs: from the file (polled) or from ``PATCH /config``.

A new file that does not validate is ignored with a logged reason and the running config
stays. Valid changes are applied at once where that is safe (concurrency, log level and
format, ping interval, backoff, limits, retention, shutdown timeouts); the others (server URL,
token file, queue folder, control API, station name, watch folders) are logged as taking
effect after a restart.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pywats_client.config import (
    ClientConfig,
    changed_fields,
    parse_config,
    reload_config,
    save_config,
)
from pywats_client.logging_setup import set_level

if TYPE_CHECKING:
    from pywats_client.service import AsyncClientService

log = logging.getLogger(__name__)

POLL_SECONDS = 2.0
LIVE_FIELDS = frozenset(
    {
        "concurrency",
        "log_level",
        "log_format",
        "ping_interval_seconds",
        "backoff",
        "limits",
        "retention",
        "shutdown",
        "request_timeout_seconds",
    }
)
FileSignature = tuple[int, int] | None


def file_signature(path: Path) -> FileSignature:
    """``(mtime_ns, size)`` of a file, or ``None`` when it is missing."""
    try:
        info = path.stat()
    except OSError:
        return None
    return (info.st_mtime_ns, info.st_size)


def merge_changes(current: Mapping[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    """``current`` with ``changes`` applied; nested objects (sections) merge key by key."""
    merged = dict(current)
    for key, value in changes.items():
        old = merged.get(key)
        if isinstance(old, Mapping) and isinstance(value, Mapping):
            merged[key] = merge_changes(old, value)
        else:
            merged[key] = value
    return merged


def restart_needed(fields: tuple[str, ...]) -> list[str]:
    """The changed fields that only a restart applies."""
    return [name for name in fields if name not in LIVE_FIELDS]


class ConfigWatcher:
    """Polls the config file and applies valid changes to the running service."""

    def __init__(
        self,
        service: AsyncClientService,
        *,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        poll_seconds: float = POLL_SECONDS,
    ) -> None:
        self._service = service
        self._sleep = sleep
        self._poll = poll_seconds
        self._seen = file_signature(service.config_path)
        self.last_error: str | None = None

    async def run(self) -> None:
        """Check the file every ``poll_seconds`` until cancelled."""
        while True:
            await self._sleep(self._poll)
            await self.check_once()

    async def check_once(self) -> None:
        """Reload the file if it changed since the last look."""
        signature = file_signature(self._service.config_path)
        if signature == self._seen:
            return
        self._seen = signature
        outcome = await asyncio.to_thread(
            reload_config, self._service.config_path, self._service.config
        )
        if outcome.error is not None:
            self.last_error = outcome.error
            log.error("config file changed but is invalid; keeping the running config: %s",
                      outcome.error)  # fmt: skip
            return
        self.last_error = None
        if outcome.changed:
            apply_config(self._service, outcome.config, outcome.changed_fields)

    async def patch(self, changes: Mapping[str, Any]) -> ClientConfig:
        """Validate ``changes`` against the running config, persist atomically, then apply.
        Raises :class:`ClientConfigError` naming each bad field."""
        service = self._service
        current = service.config.model_dump(mode="json")
        path = service.config_path
        new = parse_config(merge_changes(current, changes), base_dir=path.parent.absolute())
        await asyncio.to_thread(save_config, new, path)
        self._seen = file_signature(path)
        fields = changed_fields(service.config, new)
        if fields:
            apply_config(service, new, fields)
        return new


def apply_config(service: AsyncClientService, new: ClientConfig, fields: tuple[str, ...]) -> None:
    """Make ``new`` the running config and apply the live fields among ``fields``."""
    service.replace_config(new)
    queue = service.queue
    if "concurrency" in fields:
        service.uploader.set_concurrency(new.concurrency)
    if "log_format" in fields:
        service.configure_logging()
    elif "log_level" in fields:
        set_level(new.log_level)
    if "backoff" in fields:
        queue.backoff = new.backoff.to_policy()
        queue.retry_budget = new.backoff.to_budget(time.time())
    if "limits" in fields:
        queue.limits = new.limits.to_queue_limits()
    if "retention" in fields:
        queue.retention = new.retention.to_policy()
    later = restart_needed(fields)
    log.info("config applied: %s changed", ", ".join(fields))
    if later:
        log.warning("config: %s take effect after a restart", ", ".join(later))
