"""Loading converters: built-ins, files, entry points; broken ones do not stop the others."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conv_helpers import write_user_converter

from pywats_client.converters import registry as registry_module
from pywats_client.converters.base import (
    ConverterLoadError,
    ConverterNotFoundError,
    SourceFile,
)
from pywats_client.converters.registry import (
    ConverterSpec,
    check_contract,
    load_registry,
    load_spec,
)


def test_builtins_load_and_are_trusted() -> None:
    registry = load_registry(use_entry_points=False)
    assert sorted(registry.converters) == ["csv", "wsjf", "wstf", "wsxf"]
    assert registry.broken == []
    assert registry.get("wsjf").trusted


def test_file_converter_loads_with_validated_options(tmp_path: Path) -> None:
    path = write_user_converter(tmp_path)
    registry = load_registry([path], use_entry_points=False)
    loaded = registry.get("lines")
    assert (loaded.version, loaded.trusted, loaded.spec) == (
        "2.1",
        False,
        ConverterSpec("file", str(path)),
    )
    options = loaded.parse_options({"station": "ST-9"})
    reports = list(loaded.converter.convert(SourceFile(path, b"S1;1.5\nS2;2\n"), options))
    assert [r.sn for r in reports] == ["S1", "S2"]
    assert reports[0].machine_name == "ST-9"
    with pytest.raises(ConverterLoadError, match="bad options: station"):
        loaded.parse_options({"station": 5})


def test_broken_files_are_listed_and_the_rest_still_loads(tmp_path: Path) -> None:
    good = write_user_converter(tmp_path)
    syntax = tmp_path / "syntax.py"
    syntax.write_text("def broken(:\n")
    no_object = tmp_path / "empty.py"
    no_object.write_text("x = 1\n")
    not_a_converter = tmp_path / "wrong.py"
    not_a_converter.write_text("CONVERTER = object()\n")
    missing = tmp_path / "missing.py"
    registry = load_registry(
        [syntax, good, no_object, not_a_converter, missing], use_entry_points=False
    )
    assert "lines" in registry.converters
    errors = {Path(b.spec.target).name: b.error for b in registry.broken}
    assert "SyntaxError" in errors["syntax.py"]
    assert "defines no CONVERTER" in errors["empty.py"]
    assert "name must be a non-empty string" in errors["wrong.py"]
    assert "not found" in errors["missing.py"]


def test_a_second_converter_with_a_taken_name_is_refused(tmp_path: Path) -> None:
    first = write_user_converter(tmp_path, "a.py")
    second = write_user_converter(tmp_path, "b.py")
    registry = load_registry([first, second], use_entry_points=False)
    assert registry.get("lines").spec.target == str(first)
    assert "already taken" in registry.broken[0].error


def test_unknown_converter_name_is_a_typed_error() -> None:
    registry = load_registry(use_entry_points=False)
    with pytest.raises(ConverterNotFoundError, match="no converter named 'nope'"):
        registry.get("nope")


def test_options_for_a_converter_without_options_are_refused() -> None:
    with pytest.raises(ConverterLoadError, match="takes no options"):
        load_registry(use_entry_points=False).get("wsjf").parse_options({"x": 1})


class _EntryPoint:
    def __init__(self, name: str, value: Any) -> None:
        self.name = name
        self._value = value

    def load(self) -> Any:
        if isinstance(self._value, Exception):
            raise self._value
        return self._value


class _PluginConverter:
    name = "plugin"
    version = "0.1"
    patterns = ("*.plg",)

    def convert(self, source: SourceFile, options: Any) -> list[Any]:
        return []


def test_entry_points_are_loaded_and_a_failing_one_is_broken(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    points = [_EntryPoint("plugin", _PluginConverter), _EntryPoint("bad", ImportError("no mod"))]
    monkeypatch.setattr(registry_module, "entry_points", lambda group: points)
    registry = load_registry()
    plugin = registry.get("plugin")
    assert plugin.spec == ConverterSpec("entry_point", "plugin")
    # A class is instantiated; missing optional attributes get their defaults.
    assert plugin.converter.options_model is None
    assert plugin.converter.preserves_ids is False
    assert any("ImportError: no mod" in b.error for b in registry.broken)


def test_contract_check_lists_every_problem() -> None:
    class Bad:
        name = ""
        version = 3
        patterns = "*.x"
        options_model = dict
        preserves_ids = "yes"

    with pytest.raises(ConverterLoadError) as caught:
        check_contract(Bad(), "test")
    message = str(caught.value)
    for part in ("name", "version", "patterns", "convert", "options_model", "preserves_ids"):
        assert part in message


def test_unknown_builtin_and_entry_point_specs_fail_cleanly() -> None:
    with pytest.raises(ConverterLoadError, match="no built-in"):
        load_spec(ConverterSpec("builtin", "nope"))
    with pytest.raises(ConverterLoadError, match="no entry point"):
        load_spec(ConverterSpec("entry_point", "surely-not-installed"))
