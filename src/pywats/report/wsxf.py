"""WSXF (WATS Standard XML Format) reading and writing.

:func:`parse_wsxf` reads one ``<Report>`` into the same model :func:`~pywats.report.parse_wsjf`
produces; :func:`to_wsxf` writes a model back. The mapping between the two formats, and the
fields one format cannot carry, are described in ``docs/report-formats-mapping.md``.

XML is parsed by :mod:`defusedxml` with DTDs, entity declarations and external references
refused, so entity-expansion bombs and external-entity reads fail with
:class:`~pywats.exceptions.ReportFormatError` before any expansion happens.
"""

from __future__ import annotations

from typing import Any
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as safe_etree
from defusedxml import DefusedXmlException

from pywats.exceptions import ReportFormatError
from pywats.report._xml_read import local_name, read_report_element
from pywats.report._xml_write import write_document
from pywats.report.models import UURReport, UUTReport
from pywats.report.wsjf import report_from_dict, report_to_dict


def parse_wsxf(data: str | bytes) -> UUTReport | UURReport:
    """Read a WSXF document holding one report.

    The root is ``<Reports>`` with exactly one ``<Report>`` (a bare ``<Report>`` root is also
    accepted). Raises :class:`~pywats.exceptions.ReportFormatError` for malformed XML
    (``location`` = ``line L, column C``), for values of the wrong type (``location`` = the
    element path, e.g. ``Reports/Report[0]/Step[0]/Step[2]/NumericLimit[0]@NumericValue``)
    and for DTDs/entities, which WSXF never needs.
    """
    root = _parse_xml(data)
    report, where = _the_report(root)
    try:
        tree = read_report_element(report, where)
    except RecursionError:
        raise ReportFormatError("steps are nested too deeply", where) from None
    return report_from_dict(tree)


def to_wsxf(report: UUTReport | UURReport) -> str:
    """Write a report as a WSXF document (``<Reports>`` root, one ``<Report>``).

    WSXF has no ``null`` and no empty list, so :func:`parse_wsxf` of the result equals the
    report up to :func:`comparable_tree`. Raises
    :class:`~pywats.exceptions.ReportFormatError` for text that XML 1.0 cannot hold
    (control characters other than TAB, CR and LF).
    """
    tree = _wire_tree(report)
    try:
        return write_document(tree)
    except RecursionError:
        raise ReportFormatError("steps are nested too deeply") from None


def _wire_tree(report: UUTReport | UURReport) -> dict[str, Any]:
    try:
        return report_to_dict(report)
    except (RecursionError, ValueError) as exc:  # pydantic: "maximum serialization depth"
        raise ReportFormatError(f"the report cannot be serialised: {exc}") from None


def comparable_tree(report: UUTReport | UURReport) -> dict[str, Any]:
    """The WSJF wire tree without what WSXF cannot tell apart: ``null`` keys and empty lists.

    An absent XML attribute, a JSON ``null`` and an omitted key read the same, and zero
    elements are both "no list" and "empty list"; comparing reports across the two formats
    therefore compares these trees.
    """
    pruned = _prune(report_to_dict(report))
    return pruned if isinstance(pruned, dict) else {}


def _prune(value: Any) -> Any:
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            kept = _prune(item)
            if kept is not None and kept != []:
                out[key] = kept
        return out
    if isinstance(value, list):
        return [_prune(item) for item in value]
    return value


def _parse_xml(data: str | bytes) -> Element:
    if not isinstance(data, str | bytes | bytearray):
        raise ReportFormatError(f"WSXF input must be str or bytes, not {type(data).__name__}")
    try:
        root: Element = safe_etree.fromstring(data, forbid_dtd=True)
    except ParseError as exc:
        line, column = exc.position
        message = str(exc).split(":", 1)[0]
        raise ReportFormatError(
            f"malformed XML: {message}", f"line {line}, column {column + 1}"
        ) from None
    except DefusedXmlException as exc:
        raise ReportFormatError(f"refused XML construct: {exc}") from None
    except ValueError as exc:
        raise ReportFormatError(f"unreadable XML: {exc}") from None
    return root


def _the_report(root: Element) -> tuple[Element, str]:
    name = local_name(str(root.tag))
    if name == "Report":
        return root, "Report"
    if name != "Reports":
        raise ReportFormatError(f"root element must be <Reports>, got <{name}>", name)
    reports = [c for c in root if local_name(c.tag) == "Report"]
    if len(reports) != 1:
        raise ReportFormatError(f"expected exactly one <Report>, found {len(reports)}", "Reports")
    return reports[0], "Reports/Report[0]"


__all__ = ["comparable_tree", "parse_wsxf", "to_wsxf"]
