"""``pywats-client submit FILE...``: accept WSJF/WSXF/WSTF files into the queue.

Through the running service (``POST /queue/submit``) when one answers, else straight into the
queue directory with :func:`pywats_client.queue.intake.accept_file`. The caller always keeps
its files: a bad or refused file is reported and left where it is, while the good ones are
accepted. A rich progress bar shows on a terminal when more than one file is given.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from pywats.exceptions import WatsError
from pywats_client.cli_common import (
    CliOptions,
    control_client,
    echo_json,
    load_cli_config,
    open_offline_queue,
    service_is_down,
)
from pywats_client.cli_errors import CliFailure, ExitCode, classify_error
from pywats_client.cli_format import accept_line, accept_to_dict, normalise_entry
from pywats_client.config import ClientConfig
from pywats_client.control import ControlClient, ControlError
from pywats_client.queue import ReportQueue


@dataclass
class FileOutcome:
    """What happened to one input file."""

    path: Path
    accepted: list[dict[str, Any]] = field(default_factory=list)
    failure: CliFailure | None = None
    service_down: bool = False

    def to_dict(self) -> dict[str, Any]:
        """The ``--json`` shape of this outcome."""
        error = None if self.failure is None else self.failure.message
        return {
            "file": str(self.path),
            "accepted": self.accepted,
            "error": error,
            "exit_code": ExitCode.OK if self.failure is None else self.failure.code,
        }


def submit_exit_code(outcomes: Sequence[FileOutcome]) -> int:
    """0 if every file was accepted; else the most telling failure code.

    A refusal (4) or a down service (3) outranks a bad file (1): it says the queue, not the
    file, is the problem."""
    codes = {o.failure.code for o in outcomes if o.failure is not None}
    for code in (ExitCode.REFUSED, ExitCode.SERVICE_DOWN, ExitCode.BAD_CONFIG):
        if code in codes:
            return int(code)
    return int(ExitCode.FAILURE) if codes else int(ExitCode.OK)


def _progress(total: int, enabled: bool, console: Console | None = None) -> Progress:
    console = console or Console(stderr=True)
    return Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=console,
        transient=True,
        disable=not (enabled and total > 1 and console.is_terminal),
    )


# Files in flight at once through the control API: overlaps reading, HTTP and the
# service's fsyncs without flooding a station's service.
ONLINE_CONCURRENCY = 4


async def _submit_one_online(client: ControlClient, path: Path) -> FileOutcome:
    outcome = FileOutcome(path)
    try:
        data = await asyncio.to_thread(path.read_bytes)
        answer = await client.submit(data, path.name)
        outcome.accepted = [{"file": str(path), **normalise_entry(item)} for item in answer]
    except ControlError as exc:
        # A service that went away is decided for the whole batch by the caller.
        outcome.failure = classify_error(exc) if service_is_down(exc) else _submit_refusal(exc)
        outcome.service_down = service_is_down(exc)
    except OSError as exc:
        outcome.failure = classify_error(exc)
    return outcome


async def _submit_online(
    client: ControlClient, files: Sequence[Path], advance: Callable[[], None]
) -> list[FileOutcome]:
    """Submit every file (a few at a time); outcomes in the order of ``files``. Raises
    :class:`ControlError` if the service stopped answering, so the caller can fall back."""
    slots = asyncio.Semaphore(ONLINE_CONCURRENCY)

    async def one(path: Path) -> FileOutcome:
        async with slots:
            outcome = await _submit_one_online(client, path)
        advance()
        return outcome

    outcomes = await asyncio.gather(*(one(path) for path in files))
    down = next((o for o in outcomes if o.service_down), None)
    if down is not None and down.failure is not None:
        raise ControlError(down.failure.message)
    return list(outcomes)


def _submit_refusal(exc: ControlError) -> CliFailure:
    failure = classify_error(exc)
    if exc.status in (400, 415, 422):
        failure.hint = "check that the file is a WSJF, WSXF or WSTF report"
    return failure


def _submit_offline(
    queue: ReportQueue, files: Sequence[Path], advance: Callable[[], None]
) -> list[FileOutcome]:
    from pywats_client.queue.intake import accept_file  # the report parsers load on demand

    outcomes = []
    for path in files:
        outcome = FileOutcome(path)
        try:
            results = accept_file(queue, path, source={"via": "pywats-client submit"})
            outcome.accepted = [accept_to_dict(str(path), r) for r in results]
        except (WatsError, OSError) as exc:
            outcome.failure = classify_error(exc)
        outcomes.append(outcome)
        advance()
    return outcomes


async def _online_batch(
    config: ClientConfig, files: Sequence[Path], advance: Callable[[], None]
) -> list[FileOutcome]:
    async with control_client(config) as client:
        await client.health()
        return await _submit_online(client, files, advance)


def submit_files(
    options: CliOptions, files: Sequence[Path], console: Console | None = None
) -> list[FileOutcome]:
    """Accept every file, through the service when it runs, else into the queue directory.

    ``console`` (stderr by default) shows the progress bar when it is a terminal."""
    config = load_cli_config(options)
    with _progress(len(files), enabled=not options.json, console=console) as progress:

        def note(text: str) -> None:
            # Through the progress console, so the line does not tear the live bar.
            progress.console.print(text, markup=False, highlight=False, soft_wrap=True)

        task = progress.add_task("submitting", total=len(files))

        def advance() -> None:
            progress.advance(task)

        try:
            outcomes = asyncio.run(_online_batch(config, files, advance))
        except ControlError as exc:
            if not service_is_down(exc):
                raise
        else:
            note("(via the running service)")
            return outcomes
        progress.reset(task)
        note(f"(service not running: accepting into the queue directory {config.queue_dir})")
        queue = open_offline_queue(config)
        try:
            return _submit_offline(queue, files, advance)
        finally:
            queue.close()


def report_outcomes(options: CliOptions, outcomes: Sequence[FileOutcome]) -> int:
    """Print what happened to each file; return the exit code."""
    if options.json:
        echo_json([o.to_dict() for o in outcomes])
    for outcome in outcomes:
        if outcome.failure is not None:
            typer.echo(f"{outcome.path}: {outcome.failure.line()}", err=True)
        elif not options.json:
            for item in outcome.accepted:
                typer.echo(accept_line(item))
    accepted = sum(len(o.accepted) for o in outcomes)
    failed = sum(1 for o in outcomes if o.failure is not None)
    if not options.json:
        typer.echo(
            f"{accepted} report(s) accepted from {len(outcomes) - failed} file(s)"
            + (f"; {failed} file(s) not accepted and left in place" if failed else "")
        )
    return submit_exit_code(outcomes)
