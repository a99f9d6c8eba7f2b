"""``pywats-client converters ls|show|test`` and ``pywats-client reconvert`` (a typer sub-app).

Mount it in ``pywats_client/cli.py`` with::

    from pywats_client.converters.cli import app as converters_app, reconvert_command
    app.add_typer(converters_app, name="converters")
    app.command("reconvert")(reconvert_command)
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from pywats.exceptions import WatsError
from pywats_client.config import load_config
from pywats_client.converters import commands
from pywats_client.converters.base import ConverterError
from pywats_client.converters.registry import ConverterRegistry, load_registry
from pywats_client.converters.scan import matches
from pywats_client.converters.settings import ConvertersSettings, settings_from_client_config
from pywats_client.queue import ReportQueue

app = typer.Typer(help="Converters: list, inspect and try them on a file.", no_args_is_help=True)

ConfigOption = Annotated[
    Path | None, typer.Option("--config", "-c", help="Client config file (default: as for run).")
]
ConverterFiles = Annotated[
    list[Path] | None,
    typer.Option("--converter-file", help="Also load a converter from this Python file."),
]
JsonFlag = Annotated[bool, typer.Option("--json", help="Machine-readable JSON output.")]


def _config_path(ctx: typer.Context, explicit: Path | None) -> Path | None:
    # The main CLI puts its global --config into ctx.obj; an option here wins.
    return explicit or getattr(ctx.find_root().obj, "config", None)


def _settings(ctx: typer.Context, config: Path | None, required: bool) -> ConvertersSettings:
    path = _config_path(ctx, config)
    try:
        return settings_from_client_config(load_config(path))
    except WatsError:
        if required:
            raise
        return ConvertersSettings()


def _registry(settings: ConvertersSettings, extra: list[Path] | None) -> ConverterRegistry:
    return load_registry([*settings.converter_files, *(extra or [])])


def _fail(exc: Exception) -> typer.Exit:
    typer.echo(f"error: {exc}", err=True)
    return typer.Exit(1)


def _print(data: Any, as_json: bool, text: str) -> None:
    typer.echo(json.dumps(data, indent=2, ensure_ascii=False) if as_json else text)


@app.command("ls")
def list_command(
    ctx: typer.Context,
    config: ConfigOption = None,
    converter_file: ConverterFiles = None,
    as_json: JsonFlag = False,
) -> None:
    """List the converters that loaded, and those that did not (with the reason)."""
    rows = commands.converter_rows(_registry(_settings(ctx, config, False), converter_file))
    lines = [
        f"{r['name']:<16} {r['version']:<8} {r['origin']}" if r["error"] is None
        else f"{'BROKEN':<16} {'':<8} {r['origin']}: {r['error']}"
        for r in rows
    ]  # fmt: skip
    _print(rows, as_json, "\n".join(lines))


@app.command("show")
def show_command(
    ctx: typer.Context,
    name: str,
    config: ConfigOption = None,
    converter_file: ConverterFiles = None,
) -> None:
    """Show one converter: origin, patterns and its options' JSON schema."""
    registry = _registry(_settings(ctx, config, False), converter_file)
    try:
        details = commands.converter_details(registry, name)
    except WatsError as exc:
        raise _fail(exc) from None
    _print(details, True, "")


@app.command("test")
def try_command(
    ctx: typer.Context,
    file: Path,
    converter: Annotated[str, typer.Option("--converter", help="Converter name.")] = "",
    options: Annotated[str, typer.Option("--options", help="Converter options as JSON.")] = "{}",
    config: ConfigOption = None,
    converter_file: ConverterFiles = None,
    as_json: JsonFlag = False,
) -> None:
    """Run a converter on FILE and print the reports (WSJF); nothing is queued."""
    settings = _settings(ctx, config, False)
    registry = _registry(settings, converter_file)
    try:
        name = converter or _guess_converter(registry, settings, file)
        results = commands.preview_conversion(registry, name, file, json.loads(options))
    except (WatsError, json.JSONDecodeError) as exc:
        raise _fail(exc) from None
    text = "\n".join(
        f"# report {r['report_id']}" + "".join(f"\n# problem: {p}" for p in r["problems"])
        + f"\n{r['wsjf']}"
        for r in results
    )  # fmt: skip
    _print(results, as_json, text)


def _guess_converter(registry: ConverterRegistry, settings: ConvertersSettings, file: Path) -> str:
    for folder in settings.folders:
        if file.resolve().parent == folder.path.resolve():
            return folder.converter
    for loaded in registry.converters.values():
        if matches(file.name, loaded.converter.patterns):
            return loaded.name
    raise ConverterError(f"no converter matches {file.name}; give --converter")


def _date(text: str | None) -> datetime | None:
    if text is None:
        return None
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def reconvert_command(
    ctx: typer.Context,
    files: Annotated[list[Path] | None, typer.Argument(help="Archived sources.")] = None,
    since: Annotated[str | None, typer.Option(help="ISO date/time, inclusive.")] = None,
    until: Annotated[str | None, typer.Option(help="ISO date/time, exclusive.")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Convert, queue nothing.")] = False,
    config: ConfigOption = None,
    as_json: JsonFlag = False,
) -> None:
    """Convert Done/ or archived sources again into NEW reports and queue them."""
    try:
        client_config = load_config(_config_path(ctx, config))
        settings = settings_from_client_config(client_config)
        registry = _registry(settings, None)
        items = commands.select_sources(
            settings, registry, files=files or [], since=_date(since), until=_date(until)
        )
        if dry_run:
            outcome = commands.reconvert(settings, registry, None, items, dry_run=True)
        else:
            with ReportQueue(
                client_config.queue_dir, limits=client_config.limits.to_queue_limits()
            ) as queue:
                outcome = commands.reconvert(settings, registry, queue, items)
    except (WatsError, ValueError) as exc:
        raise _fail(exc) from None
    lines = [
        f"{'would queue' if dry_run else 'queued'} {len(s.get('report_ids', []))} report(s) "
        f"from {s['source']}" + (f" - FAILED: {s['error']}" if "error" in s else "")
        for s in outcome["sources"]
    ]
    _print(outcome, as_json, "\n".join(lines) or "no source selected")


app.command("reconvert")(reconvert_command)
