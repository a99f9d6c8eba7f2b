"""Finding and loading converters: built-ins, the ``pywats.converters`` entry-point group and
Python files named in the config.

Loading never raises for one bad converter: it lands in :attr:`ConverterRegistry.broken`
with the reason (shown by status and health) and the others load normally. A
:class:`ConverterSpec` says where a converter came from in a picklable form, so a worker
process can load the very same converter again.
"""

from __future__ import annotations

import hashlib
import importlib.util
import sys
import traceback
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from pathlib import Path
from types import ModuleType
from typing import Any, Literal

from pydantic import BaseModel, ValidationError

from pywats_client.converters.base import (
    Converter,
    ConverterLoadError,
    ConverterNotFoundError,
)
from pywats_client.converters.builtin import WsjfConverter, WstfConverter, WsxfConverter
from pywats_client.converters.table import TableConverter

ENTRY_POINT_GROUP = "pywats.converters"
FILE_ATTRIBUTE = "CONVERTER"
BUILTINS: dict[str, type[Any]] = {
    "wsjf": WsjfConverter,
    "wsxf": WsxfConverter,
    "wstf": WstfConverter,
    "csv": TableConverter,
}


@dataclass(frozen=True, slots=True)
class ConverterSpec:
    """Where a converter comes from: ``builtin`` name, ``entry_point`` name or ``file`` path."""

    kind: Literal["builtin", "entry_point", "file"]
    target: str

    def describe(self) -> str:
        """Human text, e.g. ``file /opt/conv/acme.py``."""
        return f"{self.kind} {self.target}"


@dataclass(frozen=True, slots=True)
class LoadedConverter:
    """A converter that passed the contract check, with its origin."""

    spec: ConverterSpec
    converter: Converter

    @property
    def name(self) -> str:
        return self.converter.name

    @property
    def version(self) -> str:
        return self.converter.version

    @property
    def trusted(self) -> bool:
        """Built-ins run in the service process (fast path); everything else in a worker."""
        return self.spec.kind == "builtin"

    def parse_options(self, options: Mapping[str, Any]) -> BaseModel | None:
        """Validate watch-folder options against the converter's model."""
        return parse_options(self.converter, options)


@dataclass(frozen=True, slots=True)
class BrokenConverter:
    """A converter that could not be loaded, and why."""

    spec: ConverterSpec
    error: str


@dataclass
class ConverterRegistry:
    """The converters available to the service, by name, plus the broken ones."""

    converters: dict[str, LoadedConverter] = field(default_factory=dict)
    broken: list[BrokenConverter] = field(default_factory=list)

    def get(self, name: str) -> LoadedConverter:
        """The converter called ``name``; :class:`ConverterNotFoundError` otherwise."""
        try:
            return self.converters[name]
        except KeyError:
            known = ", ".join(sorted(self.converters)) or "none"
            broken = [b.error for b in self.broken if name in b.spec.target]
            hint = f" (load failed: {broken[0]})" if broken else ""
            raise ConverterNotFoundError(
                f"no converter named {name!r}{hint}; loaded: {known}"
            ) from None

    def add(self, loaded: LoadedConverter) -> None:
        """Register ``loaded``; a second converter with the same name is refused as broken."""
        if loaded.name in self.converters:
            first = self.converters[loaded.name].spec.describe()
            self.broken.append(
                BrokenConverter(loaded.spec, f"name {loaded.name!r} already taken by {first}")
            )
            return
        self.converters[loaded.name] = loaded


def check_contract(candidate: Any, origin: str) -> Converter:
    """``candidate`` (or an instance of it, if it is a class) if it meets the contract."""
    obj = candidate() if isinstance(candidate, type) else candidate
    problems = []
    for attr in ("name", "version"):
        if not isinstance(getattr(obj, attr, None), str) or not getattr(obj, attr):
            problems.append(f"{attr} must be a non-empty string")
    patterns = getattr(obj, "patterns", None)
    if not isinstance(patterns, tuple) or not all(isinstance(p, str) for p in patterns):
        problems.append("patterns must be a tuple of glob strings")
    if not callable(getattr(obj, "convert", None)):
        problems.append("convert(source, options) is missing")
    model = getattr(obj, "options_model", None)
    if model is not None and not (isinstance(model, type) and issubclass(model, BaseModel)):
        problems.append("options_model must be a pydantic model class or None")
    if not isinstance(getattr(obj, "preserves_ids", False), bool):
        problems.append("preserves_ids must be a bool")
    if problems:
        raise ConverterLoadError(f"{origin}: not a converter: {'; '.join(problems)}")
    for attr, default in (("options_model", None), ("preserves_ids", False)):
        if not hasattr(obj, attr):
            setattr(obj, attr, default)
    return obj  # type: ignore[no-any-return]


def parse_options(converter: Converter, options: Mapping[str, Any]) -> BaseModel | None:
    """Options validated by the converter's model; errors name the converter and field."""
    model = converter.options_model
    if model is None:
        if options:
            raise ConverterLoadError(f"converter {converter.name!r} takes no options")
        return None
    try:
        return model.model_validate(dict(options))
    except ValidationError as exc:
        lines = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or '(options)'}: {e['msg']}" for e in exc.errors()
        )
        raise ConverterLoadError(f"converter {converter.name!r}: bad options: {lines}") from None


def _module_from_file(path: Path) -> ModuleType:
    digest = hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:12]
    module_name = f"pywats_converter_{digest}"
    if module_name in sys.modules:
        return sys.modules[module_name]
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None or spec.loader is None:
        raise ConverterLoadError(f"{path}: not an importable Python file")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[module_name]
        raise
    return module


def load_spec(spec: ConverterSpec) -> LoadedConverter:
    """Load one converter; any failure becomes :class:`ConverterLoadError` with the reason."""
    try:
        candidate = _resolve(spec)
        return LoadedConverter(spec, check_contract(candidate, spec.describe()))
    except ConverterLoadError:
        raise
    except Exception as exc:
        last = traceback.format_exception_only(exc)[-1].strip()
        raise ConverterLoadError(f"{spec.describe()}: cannot load: {last}") from exc


def _resolve(spec: ConverterSpec) -> Any:
    if spec.kind == "builtin":
        if spec.target not in BUILTINS:
            raise ConverterLoadError(f"no built-in converter {spec.target!r}")
        return BUILTINS[spec.target]
    if spec.kind == "file":
        path = Path(spec.target)
        if not path.is_file():
            raise ConverterLoadError(f"converter file not found: {path}")
        module = _module_from_file(path)
        if not hasattr(module, FILE_ATTRIBUTE):
            raise ConverterLoadError(f"{path}: defines no {FILE_ATTRIBUTE} object")
        return getattr(module, FILE_ATTRIBUTE)
    for entry in entry_points(group=ENTRY_POINT_GROUP):
        if entry.name == spec.target:
            return entry.load()
    raise ConverterLoadError(f"no entry point {spec.target!r} in group {ENTRY_POINT_GROUP}")


def discover_specs(
    files: Iterable[Path] = (), *, use_entry_points: bool = True
) -> list[ConverterSpec]:
    """Built-ins, then entry points, then files: the order in which names are claimed."""
    specs = [ConverterSpec("builtin", name) for name in BUILTINS]
    if use_entry_points:
        names = sorted({entry.name for entry in entry_points(group=ENTRY_POINT_GROUP)})
        specs += [ConverterSpec("entry_point", name) for name in names]
    specs += [ConverterSpec("file", str(path)) for path in files]
    return specs


def load_registry(
    files: Iterable[Path] = (), *, use_entry_points: bool = True
) -> ConverterRegistry:
    """Load every converter; failures are collected in ``broken``, never raised."""
    registry = ConverterRegistry()
    for spec in discover_specs(files, use_entry_points=use_entry_points):
        try:
            registry.add(load_spec(spec))
        except ConverterLoadError as exc:
            registry.broken.append(BrokenConverter(spec, str(exc)))
    return registry
