"""``pywats-client config path|show|set|validate``.

``set`` edits the raw JSON file (so relative paths stay relative and nothing else is
rewritten), validates the result with the service's own model before anything is written, and
writes atomically; when a service is running the change goes through its ``PATCH /config`` so
it is applied at once.
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any

import typer

from pywats_client.cli_common import control_client, echo_json, note, options_of, service_is_down
from pywats_client.cli_errors import CliFailure, ExitCode, handles_errors
from pywats_client.config import ClientConfig, load_config, parse_config
from pywats_client.control import ControlError
from pywats_client.errors import ClientConfigError

config_app = typer.Typer(help="Show, change and check the station config.", no_args_is_help=True)

REDACTED = "********"


def parse_value(text: str) -> Any:
    """A command-line value: JSON when it parses (numbers, true/false, null, lists), else text."""
    try:
        return json.loads(text)
    except ValueError:
        return text


def key_parts(key: str) -> list[str]:
    """``limits.min_free_bytes`` → ``["limits", "min_free_bytes"]`` (refuses empty parts)."""
    parts = key.split(".")
    if not key or any(not part for part in parts):
        raise CliFailure(
            f"bad config key {key!r}", "use dotted names like limits.min_free_bytes", 2
        )
    return parts


def with_change(data: Mapping[str, Any], parts: list[str], value: Any) -> dict[str, Any]:
    """A copy of ``data`` with the nested key set (intermediate objects created as needed)."""
    result = dict(data)
    node = result
    for part in parts[:-1]:
        child = node.get(part)
        if child is None:
            child = {}
        elif not isinstance(child, dict):
            raise CliFailure(f"{part} is not a section", "set a leaf key, not inside a value", 2)
        node[part] = child = dict(child)
        node = child
    node[parts[-1]] = value
    return result


def nested_change(parts: list[str], value: Any) -> dict[str, Any]:
    """The change as a nested object, the body of ``PATCH /config``."""
    change: dict[str, Any] = {parts[-1]: value}
    for part in reversed(parts[:-1]):
        change = {part: change}
    return change


_SECRET_WORDS = ("password", "secret", "passcode")


def redacted(data: Mapping[str, Any]) -> dict[str, Any]:
    """The config for display, any secret-looking value masked (``token_file`` is a path and
    stays visible; the token itself is never in the config)."""
    shown: dict[str, Any] = {}
    for key, value in data.items():
        lowered = key.lower()
        if isinstance(value, Mapping):
            shown[key] = redacted(value)
        elif lowered == "token" or any(word in lowered for word in _SECRET_WORDS):
            shown[key] = REDACTED
        else:
            shown[key] = value
    return shown


def _read_raw(path: Path) -> dict[str, Any]:
    if path.suffix == ".toml":
        raise CliFailure(f"{path} is TOML", "edit TOML configs by hand", ExitCode.BAD_CONFIG)
    try:
        data = json.loads(path.read_bytes())
    except FileNotFoundError:
        return {}
    except (ValueError, UnicodeDecodeError) as exc:
        raise ClientConfigError(f"{path} is not valid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise ClientConfigError(f"{path} must hold an object at the top level")
    return data


def write_json_atomically(path: Path, data: Mapping[str, Any]) -> None:
    """Write ``data`` as JSON: temp file beside it, fsync, rename over the old file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        with temp.open("x", encoding="utf-8") as handle:
            handle.write(json.dumps(data, indent=2) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    finally:
        temp.unlink(missing_ok=True)


@config_app.command("path")
@handles_errors
def show_path(ctx: typer.Context) -> None:
    """Print which config file is used (``--config``, ``$PYWATS_CLIENT_CONFIG`` or default)."""
    path = options_of(ctx).config_path
    typer.echo(str(path))
    if not path.exists():
        note("(the file does not exist yet; create it with `pywats-client config set`)")


def _token_state(config: ClientConfig) -> str:
    if config.token_file is None:
        return "not configured"
    return "set" if config.token_file.is_file() else f"missing ({config.token_file})"


@config_app.command("show")
@handles_errors
def show_config(ctx: typer.Context) -> None:
    """Print the validated config (the token is never shown)."""
    options = options_of(ctx)
    config = load_config(options.config_path)
    data = redacted(config.model_dump(mode="json"))
    data["token"] = REDACTED if _token_state(config) == "set" else _token_state(config)
    if options.json:
        echo_json(data)
        return
    typer.echo(f"# {options.config_path}")
    typer.echo(json.dumps(data, indent=2))


@config_app.command("set")
@handles_errors
def set_value(
    ctx: typer.Context,
    key: Annotated[str, typer.Argument(help="Dotted key, e.g. limits.min_free_bytes.")],
    value: Annotated[str, typer.Argument(help="JSON value (number, true, null…) or text.")],
) -> None:
    """Change one key; validated before writing, written atomically."""
    options = options_of(ctx)
    path = options.config_path
    parts = key_parts(key)
    parsed = parse_value(value)
    new_raw = with_change(_read_raw(path), parts, parsed)
    parse_config(new_raw, base_dir=path.parent.absolute())
    if _set_through_service(path, nested_change(parts, parsed)):
        typer.echo(f"set {key} = {json.dumps(parsed)} (applied by the running service)")
        return
    write_json_atomically(path, new_raw)
    typer.echo(f"set {key} = {json.dumps(parsed)} in {path}")


def _set_through_service(path: Path, change: dict[str, Any]) -> bool:
    """PATCH the running service (it persists and applies); ``False`` when none answers."""
    try:
        config = parse_config(_read_raw(path), base_dir=path.parent.absolute())
    except ClientConfigError:
        return False

    async def patch() -> None:
        async with control_client(config) as client:
            await client.config_set(change)

    try:
        asyncio.run(patch())
    except ControlError as exc:
        if service_is_down(exc):
            return False
        if exc.status == 400:
            raise CliFailure(str(exc), "the service refused the value", 5) from None
        raise
    return True


@config_app.command("validate")
@handles_errors
def validate_config(
    ctx: typer.Context,
    file: Annotated[
        Path | None, typer.Argument(help="Config file to check (default: the one in use).")
    ] = None,
) -> None:
    """Check a config file; lists every problem. Exit 5 if invalid."""
    path = file if file is not None else options_of(ctx).config_path
    try:
        config = load_config(path)
    except ClientConfigError as exc:
        for problem in exc.problems:
            typer.echo(f"  {problem}")
        headline = str(exc).splitlines()[0]
        raise CliFailure(headline, "fix the fields listed above", ExitCode.BAD_CONFIG) from None
    typer.echo(f"{path}: valid (server {config.server_url}, queue {config.queue_dir})")
