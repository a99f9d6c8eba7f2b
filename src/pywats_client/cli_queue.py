"""``pywats-client queue ls|show|retry|rm|export``: inspect and act on the pending queue.

Each command asks the running service through its control API; when no service answers it
opens the queue directory itself (taking the directory lock, so it cannot race a service).
"""

from __future__ import annotations

import os
import secrets
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from pywats_client.cli_common import echo_json, options_of, table_console, via_service_or_directory
from pywats_client.cli_errors import handles_errors
from pywats_client.cli_format import (
    entries_table,
    entry_lines,
    entry_to_dict,
    normalise_entry,
)
from pywats_client.control import ControlClient
from pywats_client.queue import EntryState, ReportQueue

queue_app = typer.Typer(help="Inspect and act on the pending report queue.", no_args_is_help=True)


class StateChoice(StrEnum):
    """Queue states accepted by ``queue ls --state``."""

    queued = "queued"
    processing = "processing"
    error = "error"
    parked = "parked"
    completed = "completed"


EntryId = Annotated[str, typer.Argument(help="The report id (GUID) of the queue entry.")]


@queue_app.command("ls")
@handles_errors
def list_entries(
    ctx: typer.Context,
    state: Annotated[
        StateChoice | None, typer.Option("--state", "-s", help="Only entries in this state.")
    ] = None,
    limit: Annotated[int | None, typer.Option(min=1, help="At most this many entries.")] = None,
) -> None:
    """List queue entries, oldest first."""
    options = options_of(ctx)

    async def online(client: ControlClient) -> list[dict[str, Any]]:
        raw = await client.queue_list(state.value if state else None)
        return [normalise_entry(item) for item in raw]

    def offline(queue: ReportQueue) -> list[dict[str, Any]]:
        wanted = EntryState(state.value) if state else None
        return [entry_to_dict(e) for e in queue.list(wanted, details=True, limit=limit)]

    entries = via_service_or_directory(options, online, offline)[:limit]
    if options.json:
        echo_json(entries)
        return
    title = f"{len(entries)} entr{'y' if len(entries) == 1 else 'ies'}"
    table_console().print(entries_table(entries, title))


@queue_app.command("show")
@handles_errors
def show_entry(ctx: typer.Context, entry_id: EntryId) -> None:
    """Show one entry: state, times, attempts, last error, source."""
    options = options_of(ctx)

    async def online(client: ControlClient) -> dict[str, Any]:
        return normalise_entry(await client.queue_show(entry_id))

    def offline(queue: ReportQueue) -> dict[str, Any]:
        return entry_to_dict(queue.get(entry_id))

    entry = via_service_or_directory(options, online, offline)
    if options.json:
        echo_json(entry)
        return
    for line in entry_lines(entry):
        typer.echo(line)


@queue_app.command("retry")
@handles_errors
def retry_entry(ctx: typer.Context, entry_id: EntryId) -> None:
    """Send an errored or parked entry again now."""

    async def online(client: ControlClient) -> dict[str, Any]:
        return normalise_entry(await client.queue_retry(entry_id))

    def offline(queue: ReportQueue) -> dict[str, Any]:
        return entry_to_dict(queue.retry(entry_id))

    entry = via_service_or_directory(options_of(ctx), online, offline)
    typer.echo(f"{entry.get('report_id', entry_id)} is {entry.get('state', 'queued')} again")


@queue_app.command("rm")
@handles_errors
def remove_entry(ctx: typer.Context, entry_id: EntryId) -> None:
    """Take an entry out of the queue (kept in the queue's removed/ folder, never deleted)."""

    async def online(client: ControlClient) -> str:
        answer = await client.queue_remove(entry_id)
        kept = answer.get("kept_at")
        return f"removed {entry_id}" + (f" (kept as {kept})" if kept else " (completed; deleted)")

    def offline(queue: ReportQueue) -> str:
        kept = queue.remove(entry_id)
        return f"removed {entry_id}" + (f" (kept as {kept})" if kept else " (completed; deleted)")

    typer.echo(via_service_or_directory(options_of(ctx), online, offline))


@queue_app.command("export")
@handles_errors
def export_entry(
    ctx: typer.Context,
    entry_id: EntryId,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="File or folder to write; '-' for stdout. Default: ./<id>.json"
        ),
    ] = None,
) -> None:
    """Write an entry's report (WSJF, exactly as queued) to a file."""

    async def online(client: ControlClient) -> bytes:
        return await client.queue_export(entry_id)

    def offline(queue: ReportQueue) -> bytes:
        return queue.read_payload(entry_id)

    payload = via_service_or_directory(options_of(ctx), online, offline)
    if output is not None and str(output) == "-":
        typer.echo(payload.decode("utf-8", "replace"), nl=False)
        return
    target = export_target(output, entry_id)
    write_file_atomically(target, payload)
    typer.echo(f"wrote {target} ({len(payload)} bytes)")


def export_target(output: Path | None, entry_id: str) -> Path:
    """Where ``queue export`` writes: the given file, ``<id>.json`` in a given folder or cwd."""
    if output is None:
        return Path.cwd() / f"{entry_id.lower()}.json"
    if output.is_dir():
        return output / f"{entry_id.lower()}.json"
    return output


def write_file_atomically(target: Path, data: bytes) -> None:
    """Write to a temp file beside ``target``, fsync, then rename over it."""
    temp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
    try:
        with temp.open("xb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, target)
    finally:
        temp.unlink(missing_ok=True)
