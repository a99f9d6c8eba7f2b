"""The built-in file converters: WSJF, WSXF and WSTF, all through :mod:`pywats.report`."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import BaseModel

from pywats.exceptions import ReportError
from pywats_client.converters.base import ConversionError, SourceFile

if TYPE_CHECKING:
    from pywats_client.converters.base import AnyReport

# The parsers (the report model, defusedxml) are imported inside ``_parse``: a service
# watching folders loads them with the first file, not at start-up.

BUILTIN_VERSION = "1.0"


class _ReportFileConverter:
    """Shared shape of the three report-format converters (no options, ids preserved)."""

    name: ClassVar[str]
    version: ClassVar[str] = BUILTIN_VERSION
    patterns: ClassVar[tuple[str, ...]]
    options_model: ClassVar[type[BaseModel] | None] = None
    preserves_ids: ClassVar[bool] = True
    label: ClassVar[str]

    def convert(self, source: SourceFile, options: Any) -> Iterable[AnyReport]:
        """The reports in ``source``; a malformed file raises :class:`ConversionError`."""
        try:
            reports = self._parse(source)
        except ReportError as exc:
            raise ConversionError(
                f"{source.name}: not a readable {self.label} report: {exc}"
            ) from None
        if not reports:
            raise ConversionError(f"{source.name}: no report found in the {self.label} file")
        return reports

    def _parse(self, source: SourceFile) -> list[AnyReport]:
        raise NotImplementedError


class WsjfConverter(_ReportFileConverter):
    """WSJF (WATS JSON) files, one report each; queued byte for byte when the id is kept."""

    name = "wsjf"
    wsjf_passthrough: ClassVar[bool] = True
    patterns = ("*.json", "*.wsjf")
    label = "WSJF"

    def _parse(self, source: SourceFile) -> list[AnyReport]:
        from pywats.report import parse_wsjf

        return [parse_wsjf(source.data)]


class WsxfConverter(_ReportFileConverter):
    """WSXF (WATS XML) files, one report each."""

    name = "wsxf"
    patterns = ("*.xml", "*.wsxf")
    label = "WSXF"

    def _parse(self, source: SourceFile) -> list[AnyReport]:
        from pywats.report.wsxf import parse_wsxf

        return [parse_wsxf(source.data)]


class WstfConverter(_ReportFileConverter):
    """WSTF (WATS tab-separated text) files, one report per UUT in the file."""

    name = "wstf"
    patterns = ("*.txt", "*.wstf")
    label = "WSTF"

    def _parse(self, source: SourceFile) -> list[AnyReport]:
        from pywats.report.wstf import parse_wstf

        return list(parse_wstf(source.text()))
