"""``pywats-client run`` is dispatched before typer loads; every other line goes to typer."""

from __future__ import annotations

from pathlib import Path

import pytest

from pywats.domains.report import WSJF_PATH as LIBRARY_WSJF_PATH
from pywats_client.__main__ import _plain_run as plain_run
from pywats_client.__main__ import main as module_main
from pywats_client.cli import RunCommand, parse_run_command
from pywats_client.uploader import WSJF_PATH


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["run"], RunCommand()),
        (["run", "--config", "a.json"], RunCommand(Path("a.json"))),
        (["run", "-c", "a.json", "--control-port", "0"], RunCommand(Path("a.json"), 0)),
        (["run", "--config=a.json", "--control-port=8080"], RunCommand(Path("a.json"), 8080)),
        (["--config", "g.json", "run"], RunCommand(Path("g.json"))),
        # run's own --config wins over the global one, as in typer
        (["-c", "g.json", "run", "-c", "r.json"], RunCommand(Path("r.json"))),
        (["--json", "--debug", "run"], RunCommand(debug=True)),
        (["run", "--control-port", "65535"], RunCommand(control_port=65535)),
    ],
)
def test_run_command_lines_are_recognised(args: list[str], expected: RunCommand) -> None:
    assert parse_run_command(args) == expected


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["status"],
        ["run", "--help"],
        ["--help", "run"],
        ["run", "run"],
        ["run", "--json"],
        ["--control-port", "1", "run"],
        ["run", "--control-port", "65536"],
        ["run", "--control-port", "-1"],
        ["run", "--control-port", "x"],
        ["run", "--control-port"],
        ["run", "--config"],
        ["run", "--config="],
        ["run", "--config", "--debug"],
        ["run", "-ca.json"],
        ["run", "--config", "*.json"],
        ["run", "extra"],
        ["queue", "run"],
    ],
)
def test_anything_else_is_left_to_typer(args: list[str]) -> None:
    assert parse_run_command(args) is None


def test_the_uploader_posts_to_the_library_s_wsjf_endpoint() -> None:
    assert WSJF_PATH == LIBRARY_WSJF_PATH


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["run", "--config", "a.json", "--control-port", "0"], RunCommand(Path("a.json"), 0)),
        (["run"], RunCommand()),
        (["run", "-c", "a.json"], None),  # the CLI's short option; argparse refuses it
        (["--config", "a.json", "run"], None),
        (["--debug", "run"], None),
        (["run", "--conf", "a.json"], None),  # argparse's abbreviations stay argparse's
    ],
)
def test_python_m_takes_only_plain_run_lines_past_argparse(
    args: list[str], expected: RunCommand | None
) -> None:
    assert plain_run(args) == expected


def test_python_m_still_answers_help_and_mistakes_through_argparse(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as helped:
        module_main(["run", "--help"])
    assert helped.value.code == 0
    assert "--control-port" in capsys.readouterr().out
    with pytest.raises(SystemExit) as refused:
        module_main(["run", "-c", "a.json"])
    assert refused.value.code == 2
    assert "unrecognized arguments: -c" in capsys.readouterr().err
