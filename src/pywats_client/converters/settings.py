"""Validated settings of the converter subsystem (an extension of ``ClientConfig``).

``ClientConfig.watch_folders`` and ``ClientConfig.converters`` hold what a user writes in the
config file; :func:`settings_from_client_config` turns them into these models, which add the
derived paths (``Done/``, ``Error/``, the KEEP ledger) the subsystem works with.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from pywats_client.config import ClientConfig, WatchFolder

PostProcess = Literal["delete", "move", "zip", "keep", "archive"]


class FolderRetention(BaseModel):
    """How long processed sources are kept in ``Done/`` and the archive folder."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    max_age_days: float | None = Field(default=30.0, ge=0)
    max_bytes: int | None = Field(default=5 * 1024**3, ge=0)


class FolderSettings(BaseModel):
    """One watched folder."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    path: Path
    converter: str = Field(min_length=1)
    patterns: tuple[str, ...] | None = Field(
        default=None, description="glob patterns; the converter's own patterns when unset"
    )
    options: dict[str, Any] = Field(default_factory=dict)
    post_process: PostProcess = "move"
    done_dir: Path | None = Field(default=None, description="default: <path>/Done")
    error_dir: Path | None = Field(default=None, description="default: <path>/Error")
    archive_dir: Path | None = None
    stable_seconds: float = Field(default=2.0, ge=0, le=3600)
    rescan_seconds: float = Field(default=30.0, gt=0, le=86400)
    polling: bool = Field(default=False, description="no file-system events; rescan only")
    poll_seconds: float = Field(default=2.0, gt=0, le=3600)
    max_concurrency: int = Field(default=4, ge=1, le=64)
    timeout_seconds: float = Field(default=60.0, gt=0, le=3600)
    retention: FolderRetention = Field(default_factory=FolderRetention)

    @model_validator(mode="after")
    def _archive_needs_folder(self) -> FolderSettings:
        if self.post_process == "archive" and self.archive_dir is None:
            raise ValueError("post_process 'archive' needs archive_dir")
        return self

    @property
    def done_path(self) -> Path:
        """Where MOVE puts sources (and ZIP its archives)."""
        return self.done_dir or self.path / "Done"

    @property
    def error_path(self) -> Path:
        """Where failed sources go, each with a ``.error`` text beside it."""
        return self.error_dir or self.path / "Error"

    def kept_ledger(self) -> Path:
        """The KEEP mode's record of sources already converted (a hidden file)."""
        return self.path / ".pywats-kept"


class ConvertersSettings(BaseModel):
    """The whole converter subsystem."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    folders: list[FolderSettings] = Field(default_factory=list)
    converter_files: list[Path] = Field(default_factory=list)
    use_entry_points: bool = True
    worker_processes: int = Field(default=2, ge=1, le=64)
    max_tasks_per_worker: int = Field(default=1000, ge=1)


def folder_from_watch_folder(folder: WatchFolder) -> FolderSettings:
    """The subsystem's view of one ``ClientConfig.watch_folders`` item."""
    return FolderSettings(
        path=folder.path,
        converter=folder.converter,
        patterns=None if folder.pattern == "*" else (folder.pattern,),
        options=dict(folder.options),
        post_process=folder.post_process,
        done_dir=folder.move_to,
        error_dir=folder.error_dir,
        archive_dir=folder.archive_dir,
        stable_seconds=folder.stable_seconds,
        rescan_seconds=folder.rescan_seconds,
        polling=folder.polling,
        poll_seconds=folder.poll_seconds,
        max_concurrency=folder.max_concurrency,
        timeout_seconds=folder.timeout_seconds,
        retention=FolderRetention(
            max_age_days=folder.retention.max_age_days, max_bytes=folder.retention.max_bytes
        ),
    )


def settings_from_client_config(config: ClientConfig) -> ConvertersSettings:
    """Converter settings from the service config's ``watch_folders`` and ``converters``."""
    return ConvertersSettings(
        folders=[folder_from_watch_folder(f) for f in config.watch_folders],
        converter_files=list(config.converters.converter_files),
        use_entry_points=config.converters.use_entry_points,
        worker_processes=config.converters.worker_processes,
        max_tasks_per_worker=config.converters.max_tasks_per_worker,
    )
