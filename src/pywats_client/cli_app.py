"""The typer application behind ``pywats-client`` (see :mod:`pywats_client.cli`).

Commands: ``run``, ``status``, ``submit FILE...``, ``queue ls|show|retry|rm|export``,
``config path|show|set|validate``, ``test-connection``, ``doctor``. Global options:
``--config PATH``, ``--json``, ``--debug``. Exit codes and examples: ``docs/cli.md``.

The CLI reaches a running service only through its control API
(:class:`pywats_client.control.ControlClient`); without one, queue commands open the queue
directory themselves.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any

import typer

from pywats_client.cli import run_in_foreground
from pywats_client.cli_common import (
    CliOptions,
    call_service,
    echo_json,
    load_cli_config,
    open_offline_queue,
    options_of,
    service_is_down,
)
from pywats_client.cli_config import config_app
from pywats_client.cli_connection import test_connection
from pywats_client.cli_doctor import doctor
from pywats_client.cli_errors import CliFailure, handles_errors
from pywats_client.cli_format import counts_line
from pywats_client.cli_queue import queue_app
from pywats_client.cli_submit import report_outcomes, submit_files
from pywats_client.control import ControlClient, ControlError
from pywats_client.converters.cli import app as converters_app
from pywats_client.converters.cli import reconvert_command

app = typer.Typer(
    name="pywats-client",
    help="The pywats station service and its operator tools.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.add_typer(queue_app, name="queue")
app.add_typer(config_app, name="config")
app.add_typer(converters_app, name="converters")
app.command("reconvert")(reconvert_command)
app.command("test-connection")(test_connection)
app.command("doctor")(doctor)


@app.callback()
def global_options(
    ctx: typer.Context,
    config: Annotated[
        Path | None,
        typer.Option(
            "--config",
            "-c",
            help="Config file (default: $PYWATS_CLIENT_CONFIG, else the per-user default).",
        ),
    ] = None,
    json_output: Annotated[
        bool, typer.Option("--json", help="Machine-readable JSON output.")
    ] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks on errors.")] = False,
) -> None:
    """The pywats station service and its operator tools."""
    ctx.obj = CliOptions(config=config, json=json_output, debug=debug)


# ---------------------------------------------------------------------- run


@app.command("run")
@handles_errors
def run(
    ctx: typer.Context,
    config: Annotated[
        Path | None,
        typer.Option("--config", "-c", help="Config file (same as the global --config)."),
    ] = None,
    control_port: Annotated[
        int | None,
        typer.Option(
            min=0, max=65535, help="Control API port instead of the config's (0 = any free)."
        ),
    ] = None,
) -> None:
    """Run the station service in the foreground until Ctrl+C / SIGTERM."""
    config_path = config if config is not None else options_of(ctx).config
    raise typer.Exit(run_in_foreground(config_path, control_port))


# ---------------------------------------------------------------------- status


def status_lines(status: Mapping[str, Any]) -> list[str]:
    """The human-readable ``status`` report from the control API's ``GET /status``."""
    lines = [f"service: {status.get('state', 'unknown')} (pid {status.get('pid', '?')})"]
    health = status.get("health") or {}
    if health:
        reasons = "; ".join(str(r) for r in health.get("reasons") or [])
        lines.append(f"health: {health.get('status')}" + (f" ({reasons})" if reasons else ""))
    lines.append(f"accepting: {'yes' if status.get('accepting') else 'no'}")
    lines.append(f"queue: {counts_line(status.get('queue') or {})}")
    in_flight, concurrency = status.get("uploads_in_flight"), status.get("concurrency")
    if in_flight is not None:
        lines.append(f"uploads in flight: {in_flight} of {concurrency}")
    for key in ("server_url", "server_name", "clock_skew_seconds", "last_upload_error"):
        if status.get(key) is not None:
            lines.append(f"{key.replace('_', ' ')}: {status[key]}")
    for task in status.get("tasks") or []:
        extra = f", last error: {task['error']}" if task.get("error") else ""
        lines.append(
            f"task {task.get('name')}: {task.get('state')} "
            f"(restarts {task.get('restarts', 0)}{extra})"
        )
    return lines


def _offline_counts(options: CliOptions) -> dict[str, int] | None:
    try:
        queue = open_offline_queue(load_cli_config(options))
    except Exception:  # noqa: BLE001 - counts are a courtesy; the exit code already says "down"
        return None
    try:
        return queue.counts()
    finally:
        queue.close()


@app.command("status")
@handles_errors
def status(ctx: typer.Context) -> None:
    """Show the running service's state, queue counts and tasks (exit 3 if not running)."""
    options = options_of(ctx)

    async def ask(client: ControlClient) -> dict[str, Any]:
        return {**await client.status(), "health": await client.health()}

    try:
        answer = call_service(options, ask)
    except ControlError as exc:
        if not service_is_down(exc):
            raise
        counts = _offline_counts(options)
        if options.json:
            echo_json({"state": "not running", "queue": counts})
        elif counts is not None:
            typer.echo(f"queue (read from the directory): {counts_line(counts)}")
        raise CliFailure(
            "the service is not running", "start it with `pywats-client run`", 3
        ) from None
    if options.json:
        echo_json(answer)
        return
    for line in status_lines(answer):
        typer.echo(line)


# ---------------------------------------------------------------------- submit


@app.command("submit")
@handles_errors
def submit(
    ctx: typer.Context,
    files: Annotated[
        list[Path], typer.Argument(help="WSJF (.json), WSXF (.xml) or WSTF (.txt) report files.")
    ],
) -> None:
    """Accept report files into the queue; the files themselves stay where they are."""
    options = options_of(ctx)
    outcomes = submit_files(options, files)
    raise typer.Exit(report_outcomes(options, outcomes))
