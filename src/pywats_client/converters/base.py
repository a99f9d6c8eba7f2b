"""The converter contract: what a converter is, what it gets and the errors around it.

A converter is any object with the attributes of :class:`Converter` (a structural
``Protocol``, no base class to inherit). It receives a :class:`SourceFile` (the file's path
and its bytes, read once by the service) and its validated options, and yields reports.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeAlias, runtime_checkable

from pydantic import BaseModel

from pywats.exceptions import WatsError

if TYPE_CHECKING:
    from pywats.report import UURReport, UUTReport

    AnyReport: TypeAlias = UUTReport | UURReport


def __getattr__(name: str) -> Any:
    """``AnyReport`` at run time, built on first use: the report model loads only once a
    file is converted, not when a service with watch folders starts."""
    if name == "AnyReport":
        from pywats.report import UURReport, UUTReport

        return UUTReport | UURReport
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class ConverterError(WatsError):
    """Root of the converter subsystem's errors."""


class ConverterLoadError(ConverterError):
    """A converter cannot be loaded: import failed, contract not met or bad options."""


class ConverterNotFoundError(ConverterError):
    """No loaded converter has the requested name."""


class ConversionError(ConverterError):
    """A converter failed on one source file; ``details`` holds the traceback text."""

    def __init__(self, message: str, details: str = "") -> None:
        self.details = details
        super().__init__(message)


class ConversionTimeoutError(ConversionError):
    """A converter ran longer than the per-file timeout and its worker was killed."""


@dataclass(frozen=True, slots=True)
class SourceFile:
    """One input file as a converter sees it: where it was and its exact bytes."""

    path: Path
    data: bytes

    @property
    def name(self) -> str:
        """The file name without folders."""
        return self.path.name

    def text(self, encoding: str = "utf-8-sig") -> str:
        """The bytes decoded (BOM-tolerant UTF-8 by default); bad bytes raise ConversionError."""
        try:
            return self.data.decode(encoding)
        except (UnicodeDecodeError, LookupError) as exc:
            raise ConversionError(f"{self.name} is not {encoding} text: {exc}") from None


@runtime_checkable
class Converter(Protocol):
    """What the service needs from a converter.

    - ``name``: unique key used by watch-folder configs (``"wsjf"``, ``"csv"``, ...);
    - ``version``: recorded in every report's audit trail;
    - ``patterns``: default glob patterns of the files it reads (``("*.json",)``);
    - ``options_model``: a pydantic model for its options, or ``None`` if it takes none;
    - ``preserves_ids``: ``True`` when the input carries report ids the station chose
      (WSJF/WSXF/WSTF); otherwise every id is derived from the source (see ``ids.py``);
    - ``convert(source, options)``: the reports in ``source``; raise to fail the file.
    """

    name: str
    version: str
    patterns: tuple[str, ...]
    options_model: type[BaseModel] | None
    preserves_ids: bool

    def convert(self, source: SourceFile, options: Any) -> Iterable[AnyReport]:
        """Turn one source file into reports."""
        ...
