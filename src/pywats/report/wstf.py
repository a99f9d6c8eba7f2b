"""WSTF (WATS Standard Text Format) reading and writing.

WSTF is the tab-delimited text the WATS Client converts from a watched folder (there is no
REST endpoint for it). A file holds one or more UUT blocks::

    --Header-Start--         key<TAB>value lines, Subunit lines, misc infos
    --Step-Data-Start--      optional column-title line, then one line per step/measurement
    --Step-Data-End--        footer: UUTStatus, ErrorCode, ErrorMessage, ExecutionTime
    --UUT-End--

``SequenceCall`` / ``EndSequenceCall`` lines nest steps; consecutive ``Multiple…`` lines with
the same step name form one multi-measurement step; an empty ``StepStatus`` is computed from
value, operator and limits with :mod:`pywats.report.compare`. What WSTF cannot carry is listed
in ``docs/report-formats-mapping.md``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pywats.exceptions import ReportFormatError
from pywats.report._wstf_read import read_block, split_blocks
from pywats.report._wstf_write import write_reports
from pywats.report.models import UUTReport
from pywats.report.wsjf import report_from_dict, report_to_dict


def parse_wstf(text: str) -> list[UUTReport]:
    """Read every UUT of a WSTF file, in file order.

    Raises :class:`~pywats.exceptions.ReportFormatError` with ``location`` ``line L, column C``
    for a missing marker, an unbalanced ``SequenceCall``, an unknown step type, a value of the
    wrong kind, or a status that is empty and cannot be computed.
    """
    if not isinstance(text, str):
        raise ReportFormatError(f"WSTF input must be str, not {type(text).__name__}")
    reports: list[UUTReport] = []
    for block in split_blocks(text):
        report = report_from_dict(read_block(block))
        if not isinstance(report, UUTReport):  # pragma: no cover - read_block writes type T
            raise ReportFormatError("WSTF holds test reports only", f"line {block.start_line}")
        reports.append(report)
    return reports


def to_wstf(reports: Iterable[UUTReport]) -> str:
    """Write UUT reports as one WSTF text (one block per report, LF line ends).

    Fields WSTF has no place for are left out (see the mapping document). Raises
    :class:`~pywats.exceptions.ReportFormatError` for a repair report, for text with TAB, CR
    or LF, and for a misc info whose name is a reserved header key.
    """
    trees = [_wire_tree(report) for report in reports]
    try:
        return write_reports(trees)
    except RecursionError:
        raise ReportFormatError("steps are nested too deeply") from None


def _wire_tree(report: UUTReport) -> dict[str, Any]:
    try:
        return report_to_dict(report)
    except (RecursionError, ValueError) as exc:  # pydantic: "maximum serialization depth"
        raise ReportFormatError(f"the report cannot be serialised: {exc}") from None


__all__ = ["parse_wstf", "to_wstf"]
