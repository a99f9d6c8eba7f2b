"""The service config: validation names the bad field, files round-trip, tokens stay secret."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import pytest

from pywats.exceptions import ConfigurationError
from pywats_client.config import (
    CONFIG_ENV_VAR,
    ClientConfig,
    default_config_path,
    load_config,
    parse_config,
    read_token,
    reload_config,
    resolve_config_path,
    save_config,
    write_token,
)
from pywats_client.errors import ClientConfigError

MINIMAL = {"server_url": "https://wats.example.com/"}


def _problems(data: dict[str, Any]) -> list[str]:
    with pytest.raises(ClientConfigError) as caught:
        parse_config(data)
    return caught.value.problems


def test_minimal_config_gets_documented_defaults() -> None:
    config = parse_config(MINIMAL)
    assert config.server_url == "https://wats.example.com"
    assert config.concurrency == 5
    assert config.shutdown.graceful_timeout_seconds == 60
    assert config.shutdown.force_timeout_seconds == 60
    assert config.log_format == "plain"
    assert config.control_api.host == "127.0.0.1"
    assert config.queue_dir.name == "queue"
    assert config.watch_folders == []


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({**MINIMAL, "colour": "red"}, "colour"),
        ({"server_url": ""}, "server_url"),
        ({"server_url": "   "}, "server_url"),
        ({"server_url": "ftp://x"}, "server_url"),
        ({}, "server_url"),
        ({**MINIMAL, "concurrency": 0}, "concurrency"),
        ({**MINIMAL, "concurrency": "five"}, "concurrency"),
        ({**MINIMAL, "log_format": "xml"}, "log_format"),
        ({**MINIMAL, "control_api": {"port": 70000}}, "control_api.port"),
        ({**MINIMAL, "backoff": {"base_seconds": -1}}, "backoff.base_seconds"),
        ({**MINIMAL, "backoff": {"cap_seconds": 2, "base_seconds": 5}}, "backoff"),
        ({**MINIMAL, "limits": {"max_pending_count": 0}}, "limits.max_pending_count"),
        ({**MINIMAL, "shutdown": {"graceful_timeout_seconds": 0}}, "shutdown.graceful"),
        ({**MINIMAL, "limits": {"max_bytes": 1}}, "limits.max_bytes"),
        (
            {
                **MINIMAL,
                "watch_folders": [{"path": "in", "converter": "csv", "post_process": "archive"}],
            },
            "watch_folders.0",
        ),
        (
            {**MINIMAL, "watch_folders": [{"path": "in", "converter": ""}]},
            "watch_folders.0.converter",
        ),
    ],
)
def test_bad_values_are_rejected_naming_the_field(data: dict[str, Any], field: str) -> None:
    problems = _problems(data)
    assert any(p.startswith(field) for p in problems), problems


def test_config_error_is_a_pywats_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="server_url"):
        parse_config({"server_url": ""})


def test_queue_pieces_are_built_from_the_settings() -> None:
    config = parse_config(
        {
            **MINIMAL,
            "backoff": {"base_seconds": 2, "cap_seconds": 30, "retry_burst": 4},
            "limits": {"max_pending_count": 7, "min_free_bytes": 0},
            "retention": {"max_age_days": 1, "max_count": None},
        }
    )
    assert config.backoff.to_policy().cap == 30
    assert config.backoff.to_budget(now=0).burst == 4
    assert config.limits.to_queue_limits().max_pending_count == 7
    retention = config.retention.to_policy()
    assert retention.max_age_seconds == 86400
    assert retention.max_count is None


def test_save_then_load_round_trips(tmp_path: Path) -> None:
    config = parse_config(
        {
            **MINIMAL,
            "queue_dir": str(tmp_path / "q"),
            "watch_folders": [
                {"path": str(tmp_path / "in"), "converter": "csv", "post_process": "delete"}
            ],
        }
    )
    path = save_config(config, tmp_path / "conf" / "client.json")
    assert load_config(path) == config
    assert json.loads(path.read_text())["server_url"] == "https://wats.example.com"


def test_relative_paths_resolve_against_the_config_folder(tmp_path: Path) -> None:
    path = tmp_path / "client.json"
    path.write_text(
        json.dumps(
            {
                **MINIMAL,
                "queue_dir": "data/queue",
                "token_file": "token.txt",
                "watch_folders": [{"path": "in", "converter": "csv", "move_to": "done"}],
            }
        )
    )
    config = load_config(path)
    assert config.queue_dir == tmp_path / "data" / "queue"
    assert config.token_file == tmp_path / "token.txt"
    assert config.watch_folders[0].move_to == tmp_path / "done"


def test_toml_config_is_read(tmp_path: Path) -> None:
    path = tmp_path / "client.toml"
    path.write_text('server_url = "http://127.0.0.1:8080"\nconcurrency = 2\n')
    assert load_config(path).concurrency == 2


@pytest.mark.parametrize("content", ["{not json", "[1, 2]"])
def test_unreadable_config_files_raise_typed_errors(tmp_path: Path, content: str) -> None:
    path = tmp_path / "client.json"
    path.write_text(content)
    with pytest.raises(ClientConfigError, match=str(path.name)):
        load_config(path)


def test_missing_config_file_says_where_it_looked(tmp_path: Path) -> None:
    with pytest.raises(ClientConfigError, match="not found"):
        load_config(tmp_path / "absent.json")


def test_config_path_precedence(tmp_path: Path) -> None:
    env = {CONFIG_ENV_VAR: str(tmp_path / "env.json")}
    assert resolve_config_path(tmp_path / "arg.json", env) == tmp_path / "arg.json"
    assert resolve_config_path(None, env) == tmp_path / "env.json"
    assert resolve_config_path(None, {}) == default_config_path()
    assert default_config_path().name == "client.json"


def test_token_file_is_private_and_token_never_shown(tmp_path: Path) -> None:
    token_path = write_token(tmp_path / "token", "c2VjcmV0LXRva2Vu")
    if sys.platform != "win32":
        assert (token_path.stat().st_mode & 0o777) == 0o600
    token = read_token(token_path)
    assert token.get_secret_value() == "c2VjcmV0LXRva2Vu"
    assert "c2VjcmV0" not in repr(token)
    assert "c2VjcmV0" not in str(token)
    config = parse_config({**MINIMAL, "token_file": str(token_path)})
    assert "c2VjcmV0" not in repr(config)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permission bits")
def test_world_readable_token_file_is_refused(tmp_path: Path) -> None:
    token_path = write_token(tmp_path / "token", "abc")
    os.chmod(token_path, 0o644)
    with pytest.raises(ClientConfigError, match="chmod 600"):
        read_token(token_path)


def test_empty_or_missing_token_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ClientConfigError, match="empty"):
        write_token(tmp_path / "t", "  ")
    with pytest.raises(ClientConfigError, match="cannot read"):
        read_token(tmp_path / "missing")


def test_reload_returns_the_new_config_or_keeps_the_old(tmp_path: Path) -> None:
    path = tmp_path / "client.json"
    path.write_text(json.dumps(MINIMAL))
    current = load_config(path)
    path.write_text(json.dumps({**MINIMAL, "concurrency": 9, "log_format": "json"}))
    outcome = reload_config(path, current)
    assert outcome.changed
    assert outcome.config.concurrency == 9
    assert outcome.changed_fields == ("concurrency", "log_format")
    path.write_text(json.dumps({**MINIMAL, "concurrency": -1}))
    kept = reload_config(path, outcome.config)
    assert not kept.changed
    assert kept.config is outcome.config
    assert kept.error is not None
    assert "concurrency" in kept.error
    unchanged = reload_config(path.with_name("absent.json"), current)
    assert unchanged.config is current
    assert unchanged.error is not None


def test_config_is_immutable() -> None:
    config = parse_config(MINIMAL)
    with pytest.raises(ValueError, match="frozen"):
        config.concurrency = 3  # type: ignore[misc]
    assert isinstance(config, ClientConfig)
