"""Running a converter over one source: ids, WSJF serialisation, and the error it raises.

:func:`run_conversion` is the one place a converter is called. It runs in the service
process for the trusted built-ins and inside a worker process (``workers.py``) for every
other converter; both paths give byte-identical results.
"""

from __future__ import annotations

import traceback
from dataclasses import dataclass
from typing import Any

from pywats_client.converters.base import ConversionError, SourceFile
from pywats_client.converters.ids import choose_report_id
from pywats_client.converters.registry import LoadedConverter


@dataclass(frozen=True, slots=True)
class ConvertedReport:
    """One report produced from a source: its final id and its WSJF bytes."""

    report_id: str
    payload: bytes


def _passes_through(loaded: LoadedConverter, reports: list[Any]) -> bool:
    """A one-report WSJF file keeping its id is queued byte for byte, as the station wrote it."""
    return len(reports) == 1 and bool(getattr(loaded.converter, "wsjf_passthrough", False))


def run_conversion(
    loaded: LoadedConverter,
    source: SourceFile,
    options: Any,
    source_sha256: str,
    nonce: str | None = None,
) -> list[ConvertedReport]:
    """Convert ``source`` and give every report its id (see ``ids.py``).

    Any exception from the converter becomes :class:`ConversionError` carrying the traceback.
    """
    from pywats.report import to_wsjf  # loads with the first file, not at service start-up

    try:
        reports = list(loaded.converter.convert(source, options))
        if not reports:
            raise ConversionError(f"{source.name}: the converter produced no report")
        converted = []
        for index, report in enumerate(reports):
            report_id = choose_report_id(
                report.id,
                source_sha256,
                index,
                preserves_ids=loaded.converter.preserves_ids,
                nonce=nonce,
            )
            if report_id == report.id and _passes_through(loaded, reports):
                converted.append(ConvertedReport(report_id, source.data))
                continue
            if report_id != report.id:
                report = report.model_copy(update={"id": report_id})
            converted.append(ConvertedReport(report_id, to_wsjf(report).encode("utf-8")))
        return converted
    except ConversionError as exc:
        if not exc.details:
            exc.details = traceback.format_exc()
        raise
    except Exception as exc:
        message = f"{type(exc).__name__}: {exc}"
        raise ConversionError(message, traceback.format_exc()) from exc
