"""The station service's configuration: one validated pydantic model, stored as JSON.

Where the file lives: an explicit path wins, then the ``PYWATS_CLIENT_CONFIG`` environment
variable, then :func:`default_config_path` (the platform's per-user config folder). Relative
paths inside the file are resolved against the file's own folder. The API token is never in
the config: it sits in its own file (mode 0600 on POSIX) named by ``token_file`` and is read
with :func:`read_token` into a :class:`pydantic.SecretStr`, which hides it from ``repr`` and
logs.
"""

from __future__ import annotations

import json
import os
import secrets
import stat
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from pywats_client.errors import ClientConfigError
from pywats_client.queue import BackoffPolicy, QueueLimits, RetentionPolicy, RetryBudget

CONFIG_ENV_VAR = "PYWATS_CLIENT_CONFIG"
APP_NAME = "pywats"
_IS_WINDOWS = sys.platform == "win32"

PositiveSeconds = Annotated[float, Field(gt=0, le=7 * 24 * 3600)]


def _resolve_path(value: Path, info: ValidationInfo) -> Path:
    base = (info.context or {}).get("base_dir")
    value = value.expanduser()
    if base is not None and not value.is_absolute():
        return Path(base) / value
    return value


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class BackoffSettings(_Section):
    """Retry timing: capped exponential backoff with full jitter, plus a global retry budget."""

    base_seconds: PositiveSeconds = 5.0
    factor: float = Field(default=2.0, ge=1.0, le=10.0)
    cap_seconds: PositiveSeconds = 3600.0
    min_delay_seconds: PositiveSeconds = 1.0
    retry_burst: int = Field(default=10, ge=1, le=10_000)
    retries_per_second: float = Field(default=1.0, gt=0, le=1000)

    @model_validator(mode="after")
    def _ordered(self) -> BackoffSettings:
        if not self.min_delay_seconds <= self.base_seconds <= self.cap_seconds:
            raise ValueError("need min_delay_seconds <= base_seconds <= cap_seconds")
        return self

    def to_policy(self) -> BackoffPolicy:
        """The queue's backoff policy."""
        return BackoffPolicy(
            base=self.base_seconds,
            factor=self.factor,
            cap=self.cap_seconds,
            min_delay=self.min_delay_seconds,
        )

    def to_budget(self, now: float) -> RetryBudget:
        """A fresh retry budget (token bucket) starting full at ``now``."""
        return RetryBudget(burst=self.retry_burst, per_second=self.retries_per_second, now=now)


class LimitSettings(_Section):
    """When new input is refused (``None`` disables a cap)."""

    max_pending_count: int | None = Field(default=100_000, ge=1)
    max_pending_bytes: int | None = Field(default=10 * 1024**3, ge=1)
    min_free_bytes: int = Field(default=256 * 1024**2, ge=0)

    def to_queue_limits(self) -> QueueLimits:
        """The queue's admission limits."""
        return QueueLimits(
            max_pending_count=self.max_pending_count,
            max_pending_bytes=self.max_pending_bytes,
            min_free_bytes=self.min_free_bytes,
        )


class RetentionSettings(_Section):
    """How much delivered history is kept before the oldest completed files are deleted."""

    max_age_days: float | None = Field(default=7.0, ge=0)
    max_count: int | None = Field(default=10_000, ge=0)
    max_bytes: int | None = Field(default=1024**3, ge=0)

    def to_policy(self) -> RetentionPolicy:
        """The queue's retention policy."""
        age = None if self.max_age_days is None else self.max_age_days * 86400.0
        return RetentionPolicy(
            max_age_seconds=age, max_count=self.max_count, max_bytes=self.max_bytes
        )


class ControlApiSettings(_Section):
    """The local control API the GUI and CLI talk to."""

    host: str = Field(default="127.0.0.1", min_length=1)
    port: int = Field(default=8765, ge=1, le=65535)


class ShutdownSettings(_Section):
    """Two-phase stop: finish in-flight uploads within ``graceful_timeout_seconds``, then
    abandon them (they stay on disk) within ``force_timeout_seconds``."""

    graceful_timeout_seconds: PositiveSeconds = 60.0
    force_timeout_seconds: PositiveSeconds = 60.0


class FolderRetention(_Section):
    """How long processed sources are kept in ``Done/`` and the archive (never the queue)."""

    max_age_days: float | None = Field(default=30.0, ge=0)
    max_bytes: int | None = Field(default=5 * 1024**3, ge=0)


class WatchFolder(_Section):
    """A folder whose new files a converter turns into reports."""

    path: Path
    converter: str = Field(min_length=1)
    pattern: str = Field(default="*", min_length=1)
    options: dict[str, Any] = Field(default_factory=dict)
    post_process: Literal["delete", "move", "zip", "keep", "archive"] = "move"
    move_to: Path | None = None  # MOVE/ZIP target; default <path>/Done
    error_dir: Path | None = None  # default <path>/Error
    archive_dir: Path | None = None  # required by ARCHIVE
    stable_seconds: float = Field(default=2.0, ge=0, le=3600)
    rescan_seconds: float = Field(default=30.0, gt=0, le=86400)
    polling: bool = False  # for shares that deliver no file-system events
    poll_seconds: float = Field(default=2.0, gt=0, le=3600)
    max_concurrency: int = Field(default=4, ge=1, le=64)
    timeout_seconds: float = Field(default=60.0, gt=0, le=3600)
    retention: FolderRetention = Field(default_factory=FolderRetention)

    @field_validator("path", "move_to", "error_dir", "archive_dir")
    @classmethod
    def _relative_to_config(cls, value: Path | None, info: ValidationInfo) -> Path | None:
        return None if value is None else _resolve_path(value, info)

    @model_validator(mode="after")
    def _archive_needs_folder(self) -> WatchFolder:
        if self.post_process == "archive" and self.archive_dir is None:
            raise ValueError("post_process 'archive' needs archive_dir")
        return self


class ConverterSettings(_Section):
    """Where converters come from and how user converters are isolated."""

    converter_files: list[Path] = Field(default_factory=list)
    use_entry_points: bool = True
    worker_processes: int = Field(default=2, ge=1, le=64)
    max_tasks_per_worker: int = Field(default=1000, ge=1)

    @field_validator("converter_files")
    @classmethod
    def _relative_to_config(cls, value: list[Path], info: ValidationInfo) -> list[Path]:
        return [_resolve_path(path, info) for path in value]


def _default_queue_dir() -> Path:
    import platformdirs  # only for the defaults: a service with explicit paths never loads it

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / "queue"


class ClientConfig(BaseModel):
    """Everything the station service needs; unknown keys are errors."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    server_url: str
    token_file: Path | None = None
    station_name: str | None = Field(default=None, min_length=1, max_length=100)
    queue_dir: Path = Field(default_factory=_default_queue_dir)
    concurrency: int = Field(default=5, ge=1, le=64)
    request_timeout_seconds: PositiveSeconds = 60.0
    ping_interval_seconds: float = Field(default=60.0, ge=1, le=86400)
    backoff: BackoffSettings = Field(default_factory=BackoffSettings)
    limits: LimitSettings = Field(default_factory=LimitSettings)
    retention: RetentionSettings = Field(default_factory=RetentionSettings)
    control_api: ControlApiSettings = Field(default_factory=ControlApiSettings)
    shutdown: ShutdownSettings = Field(default_factory=ShutdownSettings)
    log_format: Literal["plain", "json"] = "plain"
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    watch_folders: list[WatchFolder] = Field(default_factory=list)
    converters: ConverterSettings = Field(default_factory=ConverterSettings)

    @field_validator("server_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("must not be empty")
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError("must be an http:// or https:// URL with a host")
        return value.rstrip("/")

    @field_validator("queue_dir", "token_file")
    @classmethod
    def _relative_to_config(cls, value: Path | None, info: ValidationInfo) -> Path | None:
        return None if value is None else _resolve_path(value, info)


# ---------------------------------------------------------------------- locating and loading


def default_config_path() -> Path:
    """The per-user config file: ``<platform config dir>/pywats/client.json``."""
    import platformdirs

    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / "client.json"


def resolve_config_path(
    explicit: Path | str | None = None, environ: Mapping[str, str] | None = None
) -> Path:
    """The config file to use: ``explicit``, else ``$PYWATS_CLIENT_CONFIG``, else the default."""
    if explicit is not None:
        return Path(explicit)
    env_value = (os.environ if environ is None else environ).get(CONFIG_ENV_VAR, "").strip()
    return Path(env_value) if env_value else default_config_path()


def _problems(exc: ValidationError) -> list[str]:
    lines = []
    for error in exc.errors():
        where = ".".join(str(part) for part in error["loc"]) or "(top level)"
        lines.append(f"{where}: {error['msg']}")
    return lines


def parse_config(data: Mapping[str, Any], base_dir: Path | None = None) -> ClientConfig:
    """Validate a config mapping; :class:`ClientConfigError` lists every bad field."""
    try:
        return ClientConfig.model_validate(dict(data), context={"base_dir": base_dir})
    except ValidationError as exc:
        raise ClientConfigError("invalid client config", _problems(exc)) from None


def load_config(path: Path | str | None = None) -> ClientConfig:
    """Read and validate the config file (JSON, or TOML when the name ends in ``.toml``)."""
    config_path = resolve_config_path(path)
    try:
        raw = config_path.read_bytes()
    except FileNotFoundError:
        raise ClientConfigError(f"config file not found: {config_path}") from None
    except OSError as exc:
        raise ClientConfigError(f"cannot read config file {config_path}: {exc}") from None
    data = _decode_config(raw, config_path)
    if not isinstance(data, dict):
        raise ClientConfigError(f"{config_path} must hold an object at the top level")
    return parse_config(data, base_dir=config_path.parent.absolute())


def _decode_config(raw: bytes, config_path: Path) -> Any:
    """The file's JSON (or TOML, by name) value; tomllib loads only for a TOML file."""
    try:
        if config_path.suffix != ".toml":
            return json.loads(raw)
        import tomllib

        try:
            return tomllib.loads(raw.decode())
        except tomllib.TOMLDecodeError as exc:
            raise ClientConfigError(f"{config_path} is not valid JSON/TOML: {exc}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ClientConfigError(f"{config_path} is not valid JSON/TOML: {exc}") from None


def save_config(config: ClientConfig, path: Path | str | None = None) -> Path:
    """Write ``config`` as JSON atomically (temp file, fsync, rename); return the path."""
    config_path = resolve_config_path(path)
    text = json.dumps(config.model_dump(mode="json"), indent=2) + "\n"
    _write_atomically(config_path, text.encode("utf-8"), mode=0o644)
    return config_path


def _write_atomically(path: Path, data: bytes, mode: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), mode)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


# ---------------------------------------------------------------------- the token file


def write_token(path: Path | str, token: str) -> Path:
    """Store the API token in its own file, readable by the owner only (0600 on POSIX)."""
    if not token.strip():
        raise ClientConfigError("the token must not be empty")
    token_path = Path(path)
    _write_atomically(token_path, token.strip().encode("utf-8") + b"\n", mode=0o600)
    if not _IS_WINDOWS:
        token_path.chmod(0o600)
    return token_path


def read_token(path: Path | str) -> SecretStr:
    """Read the API token; refuse a file other users can read (POSIX) or an empty one."""
    token_path = Path(path)
    try:
        if not _IS_WINDOWS and stat.S_IMODE(token_path.stat().st_mode) & 0o077:
            raise ClientConfigError(
                f"token file {token_path} is readable by other users; run: chmod 600 {token_path}"
            )
        token = token_path.read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise ClientConfigError(f"cannot read token file {token_path}: {exc.strerror}") from None
    if not token:
        raise ClientConfigError(f"token file {token_path} is empty")
    return SecretStr(token)


# ---------------------------------------------------------------------- reloading


@dataclass(frozen=True, slots=True)
class ReloadOutcome:
    """Result of a reload: the config to use now, whether it changed, and why it did not."""

    config: ClientConfig
    changed: bool
    changed_fields: tuple[str, ...] = ()
    error: str | None = None


def changed_fields(old: ClientConfig, new: ClientConfig) -> tuple[str, ...]:
    """Top-level fields whose values differ (the service decides what needs a restart)."""
    return tuple(
        name for name in ClientConfig.model_fields if getattr(old, name) != getattr(new, name)
    )


def reload_config(path: Path | str, current: ClientConfig) -> ReloadOutcome:
    """Load ``path`` again: the new config if valid, else keep ``current`` and say why."""
    try:
        new = load_config(path)
    except ClientConfigError as exc:
        return ReloadOutcome(current, changed=False, error=str(exc))
    fields = changed_fields(current, new)
    return ReloadOutcome(new if fields else current, changed=bool(fields), changed_fields=fields)
