"""Write a WSJF wire tree (plain dicts) as a WSXF document (no I/O).

The layout follows the server's own exports: ``Report`` children in the order ``UUT``/``UUR``,
``Process``, ``MiscInfo``, ``ReportUnitHierarchy``, ``Step``, then assets, additional data and
repair data; inside a step ``Loop``, ``ReportText``, payload elements, then nested steps.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any, Final

from pywats.exceptions import ReportFormatError
from pywats.report import _xml_map as m

Tree = Mapping[str, Any]

# XML 1.0 cannot carry these at all, not even as character references.
_ILLEGAL_XML_CHARS: Final = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_ATTR_ESCAPES: Final = str.maketrans(
    {
        "&": "&amp;",
        "<": "&lt;",
        ">": "&gt;",
        '"': "&quot;",
        "\n": "&#10;",
        "\r": "&#13;",
        "\t": "&#9;",
    }
)
# Parsers turn a literal CR in text into LF; the reference keeps it.
_TEXT_ESCAPES: Final = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})


def _checked(text: str, where: str) -> str:
    bad = _ILLEGAL_XML_CHARS.search(text)
    if bad is not None:
        raise ReportFormatError(
            f"character U+{ord(bad.group()):04X} cannot be written in XML", where
        )
    return text


class _Writer:
    """Accumulates the document text; tracks the report-wide measurement order number."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.meas_order = 0

    def open(self, tag: str, attrs: Iterable[tuple[str, str]], where: str, *, empty: bool) -> None:
        out = self.parts
        out.append(f"<{tag}")
        for name, value in attrs:
            out.append(f' {name}="{_checked(value, where).translate(_ATTR_ESCAPES)}"')
        out.append(" />" if empty else ">")

    def close(self, tag: str) -> None:
        self.parts.append(f"</{tag}>")

    def text_element(
        self, tag: str, text: str, where: str, attrs: Iterable[tuple[str, str]] = ()
    ) -> None:
        self.open(tag, attrs, where, empty=False)
        self.parts.append(_checked(text, where).translate(_TEXT_ESCAPES))
        self.close(tag)


def attrs_from(tree: Tree, rows: Iterable[m.Row]) -> list[tuple[str, str]]:
    """The XML attributes for the keys of ``tree`` listed in ``rows`` (``None`` values left out)."""
    out: list[tuple[str, str]] = []
    for xml_name, key, codec in rows:
        value = tree.get(key)
        if value is not None:
            out.append((xml_name, m.encode_value(value, codec)))
        elif codec == m.EMPTY_IS_NONE and key in tree:
            # The server's own spelling of an explicit null for these attributes.
            out.append((xml_name, ""))
    return out


def write_document(report: Tree) -> str:
    """The complete WSXF document (declaration, ``Reports`` root, one ``Report``)."""
    writer = _Writer()
    writer.parts.append('<?xml version="1.0" encoding="utf-8"?>')
    writer.open("Reports", [("xmlns", m.WSXF_NAMESPACE)], "Reports", empty=False)
    _write_report(writer, report)
    writer.close("Reports")
    return "".join(writer.parts)


def _write_report(w: _Writer, report: Tree) -> None:
    where = "report"
    kind = report.get("type")
    words = {letter: word for word, letter in m.REPORT_TYPE_WORDS.items()}
    if kind not in words:
        raise ReportFormatError(f"report type must be T or R, got {kind!r}", "type")
    w.open(
        "Report", [("type", words[kind]), *attrs_from(report, m.REPORT_ATTRS)], where, empty=False
    )
    if kind == "T" and report.get("uut") is not None:
        _write_header_with_comment(w, "UUT", report["uut"], m.UUT_ATTRS, "uut")
    if kind == "R" and report.get("uur") is not None:
        _write_uur(w, report["uur"])
    w.open("Process", attrs_from(report, m.PROCESS_ATTRS), where, empty=True)
    for i, info in enumerate(report.get("miscInfos") or ()):
        _write_misc_info(w, info, i)
    for i, unit in enumerate(report.get("subUnits") or ()):
        w.open(
            "ReportUnitHierarchy", attrs_from(unit, m.SUB_UNIT_ATTRS), f"subUnits[{i}]", empty=True
        )
    if report.get("root") is not None:
        write_step(w, report["root"], "root", 0)
    for i, asset in enumerate(report.get("assets") or ()):
        w.open("Asset", attrs_from(asset, m.ASSET_ATTRS), f"assets[{i}]", empty=True)
    for i, block in enumerate(report.get("additionalData") or ()):
        write_additional_data(w, "AdditionalData", block, i, f"additionalData[{i}]")
    _write_repair_data(w, report)
    w.close("Report")


def _write_header_with_comment(
    w: _Writer, tag: str, header: Tree, rows: tuple[m.Row, ...], where: str
) -> None:
    comment = header.get("comment")
    attrs = attrs_from(header, rows)
    if comment is None:
        w.open(tag, attrs, where, empty=True)
        return
    w.open(tag, attrs, where, empty=False)
    w.text_element("Comment", comment, f"{where}.comment")
    w.close(tag)


def _write_uur(w: _Writer, uur: Tree) -> None:
    w.open("UUR", attrs_from(uur, m.UUR_ATTRS), "uur", empty=False)
    if uur.get("comment") is not None:
        w.text_element("Comment", uur["comment"], "uur.comment")
    w.open("Process", attrs_from(uur, m.PROCESS_ATTRS), "uur", empty=True)
    for i, child in enumerate(uur.get("children") or ()):
        w.text_element("Children", m.encode_value(child, m.GUID), f"uur.children[{i}]")
    w.close("UUR")


def _write_misc_info(w: _Writer, info: Tree, index: int) -> None:
    where = f"miscInfos[{index}]"
    attrs = [*attrs_from(info, m.MISC_INFO_ATTRS), ("idx", str(index)), ("order_no", str(index))]
    text = info.get("text")
    if text is None:
        w.open("MiscInfo", attrs, where, empty=True)
    else:
        w.text_element("MiscInfo", text, f"{where}.text", attrs)


def _write_repair_data(w: _Writer, report: Tree) -> None:
    """``Failures`` linked to their unit by ``PartIdx``, then ``Binary`` attachments."""
    attachments: list[tuple[int | None, Tree, str]] = []
    failure_idx = 0
    for u, unit in enumerate(report.get("subUnits") or ()):
        for f, failure in enumerate(unit.get("failures") or ()):
            where = f"subUnits[{u}].failures[{f}]"
            if unit.get("idx") is None:
                raise ReportFormatError("a sub-unit with failures needs idx in WSXF", where)
            attrs = [
                ("PartIdx", str(unit["idx"])),
                ("Idx", str(failure_idx)),
                *attrs_from(failure, m.FAILURE_ATTRS),
            ]
            _write_failure(w, failure, attrs, where)
            for a, data in enumerate(failure.get("attachments") or ()):
                attachments.append((failure_idx, data, f"{where}.attachments[{a}]"))
            failure_idx += 1
    for b, data in enumerate(report.get("binaryData") or ()):
        attachments.append((None, data, f"binaryData[{b}]"))
    for index, (owner, data, where) in enumerate(attachments):
        _write_binary(w, owner, index, data, where)


def _write_failure(w: _Writer, failure: Tree, attrs: list[tuple[str, str]], where: str) -> None:
    comment = failure.get("comment")
    if comment is None:
        w.open("Failures", attrs, where, empty=True)
        return
    w.open("Failures", attrs, where, empty=False)
    w.text_element("Comment", comment, f"{where}.comment")
    w.close("Failures")


def _write_binary(w: _Writer, owner: int | None, index: int, data: Tree, where: str) -> None:
    attrs = [] if owner is None else [("FailIdx", str(owner))]
    attrs.append(("BinaryDataIndex", str(index)))
    w.open("Binary", attrs, where, empty=False)
    payload = str(data.get("data") or "")
    data_attrs = attrs_from(data, m.BINARY_DATA_ATTRS)
    data_attrs.append(("size", str(_base64_size(payload))))
    w.text_element("Data", payload, f"{where}.data", data_attrs)
    w.close("Binary")


def _base64_size(payload: str) -> int:
    """Decoded byte count of a base64 text, without decoding it."""
    stripped = payload.strip()
    return max(0, len(stripped) * 3 // 4 - stripped[-2:].count("="))


def _step_indexes(steps: list[Tree]) -> list[int]:
    """``StepIndex`` per sibling: loop iterations share their summary's position."""
    indexes: list[int] = []
    position = -1
    for step in steps:
        loop = step.get("loop")
        if not (loop and loop.get("idx") is not None) or position < 0:
            position += 1
        indexes.append(position)
    return indexes


def write_step(w: _Writer, step: Tree, where: str, step_index: int) -> None:
    """One ``<Step>`` with its payload and sub-steps."""
    attrs = attrs_from(step, m.STEP_ATTRS)
    attrs.append(("StepIndex", str(step_index)))
    w.open("Step", attrs, where, empty=False)
    if step.get("loop") is not None:
        w.open("Loop", attrs_from(step["loop"], m.LOOP_ATTRS), f"{where}.loop", empty=True)
    if step.get("reportText") is not None:
        w.text_element("ReportText", step["reportText"], f"{where}.reportText")
    _write_measurements(w, step, where)
    _write_payloads(w, step, where)
    children: list[Tree] = list(step.get("steps") or ())
    for i, (child, index) in enumerate(zip(children, _step_indexes(children), strict=True)):
        write_step(w, child, f"{where}.steps[{i}]", index)
    w.close("Step")


_MEASUREMENT_KINDS: Final = (
    ("numericMeas", "NumericLimit", m.NUMERIC_ATTRS),
    ("stringMeas", "StringValue", m.STRING_ATTRS),
    ("booleanMeas", "PassFail", m.BOOLEAN_ATTRS),
)


def _write_measurements(w: _Writer, step: Tree, where: str) -> None:
    for key, tag, rows in _MEASUREMENT_KINDS:
        for i, meas in enumerate(step.get(key) or ()):
            attrs = attrs_from(meas, rows)
            attrs.append(("MeasIndex", str(i)))
            attrs.append(("MeasOrderNumber", str(w.meas_order)))
            w.meas_order += 1
            w.open(tag, attrs, f"{where}.{key}[{i}]", empty=True)


def _write_payloads(w: _Writer, step: Tree, where: str) -> None:
    seq_call = step.get("seqCall")
    if seq_call is not None:
        attrs = attrs_from(seq_call, m.SEQ_CALL_ATTRS)
        w.open("SequenceCall", [*attrs, ("MeasIndex", "0")], f"{where}.seqCall", empty=True)
    for key, tag, rows in (
        ("callExe", "Callexe", m.CALL_EXE_ATTRS),
        ("messagePopup", "MessagePopup", m.MESSAGE_POPUP_ATTRS),
    ):
        if step.get(key) is not None:
            attrs = attrs_from(step[key], rows)
            w.open(tag, [*attrs, ("MeasIndex", "0")], f"{where}.{key}", empty=True)
    if step.get("chart") is not None:
        _write_chart(w, step["chart"], f"{where}.chart")
    attachment = step.get("attachment")
    if attachment is not None:
        payload = str(attachment.get("data") or "")
        attrs = attrs_from(attachment, m.ATTACHMENT_ATTRS)
        attrs.append(("Size", str(_base64_size(payload))))
        w.text_element("Attachment", payload, f"{where}.attachment", attrs)
    for i, block in enumerate(step.get("additionalResults") or ()):
        write_additional_data(w, "AdditionalResults", block, i, f"{where}.additionalResults[{i}]")


def _write_chart(w: _Writer, chart: Tree, where: str) -> None:
    w.open("Chart", [("idx", "0"), *attrs_from(chart, m.CHART_ATTRS)], where, empty=False)
    for i, series in enumerate(chart.get("series") or ()):
        series_where = f"{where}.series[{i}]"
        w.open("Series", attrs_from(series, m.SERIES_ATTRS), series_where, empty=False)
        for axis in ("ydata", "xdata"):
            if series.get(axis) is not None:
                w.text_element(axis, series[axis], f"{series_where}.{axis}")
        w.close("Series")
    w.close("Chart")


def write_additional_data(w: _Writer, tag: str, block: Tree, index: int, where: str) -> None:
    """``AdditionalData``/``AdditionalResults`` with one ``<Prop>`` per property."""
    attrs = attrs_from(block, (("Name", "name", m.STR),))
    attrs.append(("Idx", str(index)))
    w.open(tag, attrs, where, empty=False)
    for i, prop in enumerate(block.get("props") or ()):
        _write_prop(w, prop, f"{where}.props[{i}]")
    w.close(tag)


def _write_prop(w: _Writer, prop: Tree, where: str) -> None:
    w.open("Prop", attrs_from(prop, m.PROP_ATTRS), where, empty=False)
    for i, child in enumerate(prop.get("props") or ()):
        _write_prop(w, child, f"{where}.props[{i}]")
    array = prop.get("array")
    if array is not None:
        w.open("Array", attrs_from(array, m.PROP_ARRAY_ATTRS), f"{where}.array", empty=False)
        for i, item in enumerate(array.get("indexes") or ()):
            _write_array_index(w, item, f"{where}.array.indexes[{i}]")
        w.close("Array")
    w.close("Prop")


def _write_array_index(w: _Writer, item: Tree, where: str) -> None:
    attrs = attrs_from(item, (("Text", "text", m.STR),))
    positions = item.get("indexes")
    if positions is not None:
        attrs.append(("Indexes", ";".join(str(int(p)) for p in positions)))
    w.open("Index", attrs, where, empty=False)
    if item.get("value") is not None:
        _write_prop(w, item["value"], f"{where}.value")
    w.close("Index")
