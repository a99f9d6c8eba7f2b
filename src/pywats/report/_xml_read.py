"""Read a parsed WSXF element tree into the WSJF wire tree (plain dicts, no I/O).

The result has exactly the keys and value types that WSJF uses, so the report model validates
it the same way it validates a JSON document. Element paths in errors look like
``Reports/Report/Step/Step[3]/NumericLimit[1]@NumericValue``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from xml.etree.ElementTree import Element

from pywats.exceptions import ReportFormatError
from pywats.report import _xml_map as m

Tree = dict[str, Any]


def local_name(tag: str) -> str:
    """The element name without its ``{namespace}`` prefix."""
    return tag.rpartition("}")[2]


def read_attrs(elem: Element, rows: tuple[m.Row, ...], where: str) -> Tree:
    """Decode the attributes listed in ``rows``; absent attributes are left out."""
    lookup = m.attribute_lookup(rows)
    out: Tree = {}
    for name, text in elem.attrib.items():
        spec = lookup.get(name)
        if spec is not None:
            key, codec = spec
            # Most attributes are plain text: skip the decoder call for them.
            out[key] = text if codec == m.STR else m.decode_value(text, codec, where, name)
    return out


def read_report_element(report: Element, where: str) -> Tree:
    """Turn one ``<Report>`` element into a WSJF report tree."""
    kind = report.attrib.get("type")
    report_type = m.REPORT_TYPE_WORDS.get(kind or "")
    if report_type is None:
        raise ReportFormatError(f"report type must be UUT or UUR, got {kind!r}", f"{where}@type")
    tree: Tree = {"type": report_type}
    tree.update(read_attrs(report, m.REPORT_ATTRS, where))
    children = _ChildIndex(report, where)
    process = children.single("Process")
    if process is not None:
        tree.update(read_attrs(process, m.PROCESS_ATTRS, children.path(process)))
    _read_header_lists(tree, children)
    if report_type == "T":
        _read_uut_parts(tree, children)
    else:
        uur = children.single("UUR")
        if uur is not None:
            tree["uur"] = _read_uur_header(uur, children.path(uur))
    _read_repair_data(tree, children)
    return tree


def _read_header_lists(tree: Tree, children: _ChildIndex) -> None:
    """Misc infos, sub-units, assets and additional data of the report header."""
    _put_list(
        tree, "miscInfos", [_read_misc_info(e, children.path(e)) for e in children.all("MiscInfo")]
    )
    hierarchy = children.all("ReportUnitHierarchy")
    # PartInfo is the older way to list sub-units; it only counts when nothing newer is there.
    unit_rows = m.SUB_UNIT_ATTRS if hierarchy else m.PART_INFO_ATTRS
    _put_list(
        tree,
        "subUnits",
        [read_attrs(e, unit_rows, children.path(e)) for e in hierarchy or children.all("PartInfo")],
    )
    _put_list(
        tree,
        "assets",
        [read_attrs(e, m.ASSET_ATTRS, children.path(e)) for e in children.all("Asset")],
    )
    _put_list(
        tree,
        "additionalData",
        [read_additional_data(e, children.path(e)) for e in children.all("AdditionalData")],
    )


def _put_list(tree: Tree, key: str, items: list[Any]) -> None:
    """WSXF has no empty list: zero elements leave the key out."""
    if items:
        tree[key] = items


class _ChildIndex:
    """Children of one element grouped by local name, remembering each one's path."""

    def __init__(self, parent: Element, where: str) -> None:
        self._where = where
        self._by_name: dict[str, list[Element]] = {}
        self._paths: dict[int, str] = {}
        for child in parent:
            name = local_name(child.tag)
            group = self._by_name.setdefault(name, [])
            self._paths[id(child)] = f"{where}/{name}[{len(group)}]"
            group.append(child)

    def all(self, name: str) -> list[Element]:
        return self._by_name.get(name, [])

    def single(self, name: str) -> Element | None:
        found = self.all(name)
        if len(found) > 1:
            raise ReportFormatError(f"more than one <{name}> element", self._where)
        return found[0] if found else None

    def path(self, elem: Element) -> str:
        return self._paths[id(elem)]


def _text_of(elem: Element) -> str | None:
    return elem.text


def _read_misc_info(elem: Element, where: str) -> Tree:
    info = read_attrs(elem, m.MISC_INFO_ATTRS, where)
    text = _text_of(elem)
    if text is not None:
        info["text"] = text
    return info


def _read_uut_parts(tree: Tree, children: _ChildIndex) -> None:
    uut = children.single("UUT")
    if uut is not None:
        where = children.path(uut)
        header = read_attrs(uut, m.UUT_ATTRS, where)
        _add_comment(header, uut)
        tree["uut"] = header
    steps = children.all("Step")
    if len(steps) > 1:
        raise ReportFormatError("a UUT report has exactly one root <Step>", children.path(steps[1]))
    if steps:
        tree["root"] = read_step(steps[0], children.path(steps[0]))


def _add_comment(target: Tree, elem: Element) -> None:
    comments = [c.text or "" for c in elem if local_name(c.tag) == "Comment"]
    if comments:
        target["comment"] = "\n".join(comments)


def _read_repair_data(tree: Tree, children: _ChildIndex) -> None:
    """``<Failures>`` into their sub-units, ``<Binary>`` into failures or ``binaryData``."""
    failures_by_idx = _attach_failures(tree.get("subUnits", []), children)
    report_binaries: list[Tree] = []
    for binary in children.all("Binary"):
        where = children.path(binary)
        data = _read_binary(binary, where)
        fail_idx = binary.attrib.get("FailIdx")
        if fail_idx is None:
            report_binaries.append(data)
            continue
        failure = failures_by_idx.get(m.decode_value(fail_idx, m.INT, f"{where}@FailIdx"))
        if failure is None:
            raise ReportFormatError(f"no <Failures> with Idx={fail_idx}", f"{where}@FailIdx")
        failure.setdefault("attachments", []).append(data)
    if report_binaries:
        tree["binaryData"] = report_binaries


def _read_uur_header(elem: Element, where: str) -> Tree:
    header = read_attrs(elem, m.UUR_ATTRS, where)
    _add_comment(header, elem)
    inner = _ChildIndex(elem, where)
    process = inner.single("Process")
    if process is not None:
        header.update(read_attrs(process, m.PROCESS_ATTRS, inner.path(process)))
    kids = [
        m.decode_value((c.text or "").strip(), m.GUID, inner.path(c)) for c in inner.all("Children")
    ]
    if kids:
        header["children"] = kids
    return header


def _attach_failures(sub_units: list[Tree], children: _ChildIndex) -> dict[int, Tree]:
    """Move each report-level ``<Failures>`` into the sub-unit its ``PartIdx`` names."""
    by_unit_idx = {unit["idx"]: unit for unit in sub_units if "idx" in unit}
    by_failure_idx: dict[int, Tree] = {}
    for elem in children.all("Failures"):
        where = children.path(elem)
        failure = read_attrs(elem, m.FAILURE_ATTRS, where)
        _add_comment(failure, elem)
        part_idx = m.decode_value(elem.attrib.get("PartIdx", "0"), m.INT, f"{where}@PartIdx")
        unit = by_unit_idx.get(part_idx)
        if unit is None:
            raise ReportFormatError(
                f"no <ReportUnitHierarchy> with Idx={part_idx}", f"{where}@PartIdx"
            )
        unit.setdefault("failures", []).append(failure)
        fail_idx = elem.attrib.get("Idx")
        if fail_idx is not None:
            by_failure_idx[m.decode_value(fail_idx, m.INT, f"{where}@Idx")] = failure
    return by_failure_idx


def _read_binary(elem: Element, where: str) -> Tree:
    inner = _ChildIndex(elem, where)
    data_elem = inner.single("Data")
    if data_elem is None:
        raise ReportFormatError("<Binary> needs a <Data> child", where)
    data = read_attrs(data_elem, m.BINARY_DATA_ATTRS, inner.path(data_elem))
    data["data"] = (data_elem.text or "").strip()
    return data


def read_step(elem: Element, where: str) -> Tree:
    """Turn one ``<Step>`` element (and its sub-steps) into a WSJF step tree."""
    step = read_attrs(elem, m.STEP_ATTRS, where)
    counts: dict[str, int] = {}
    numeric: list[tuple[int, Tree]] = []
    strings: list[tuple[int, Tree]] = []
    booleans: list[tuple[int, Tree]] = []
    sub_steps: list[Tree] = []
    for child in elem:
        name = local_name(child.tag)
        position = counts.get(name, 0)
        counts[name] = position + 1
        child_where = f"{where}/{name}[{position}]"
        if name == "Step":
            sub_steps.append(read_step(child, child_where))
        elif name == "NumericLimit":
            numeric.append(_read_measurement(child, m.NUMERIC_ATTRS, child_where))
        elif name == "StringValue":
            strings.append(_read_measurement(child, m.STRING_ATTRS, child_where))
        elif name == "PassFail":
            booleans.append(_read_measurement(child, m.BOOLEAN_ATTRS, child_where))
        else:
            _read_step_payload(step, name, child, child_where)
    for key, found in (
        ("numericMeas", numeric),
        ("stringMeas", strings),
        ("booleanMeas", booleans),
    ):
        if found:
            step[key] = [meas for _, meas in sorted(found, key=lambda pair: pair[0])]
    if sub_steps:
        step["steps"] = sub_steps
    return step


def _read_measurement(elem: Element, rows: tuple[m.Row, ...], where: str) -> tuple[int, Tree]:
    """A measurement and its ``MeasIndex`` (order within the step; document order if absent)."""
    meas = read_attrs(elem, rows, where)
    index_text = elem.attrib.get("MeasIndex")
    index = 0 if index_text is None else m.decode_value(index_text, m.INT, f"{where}@MeasIndex")
    return index, meas


def _read_step_payload(step: Tree, name: str, elem: Element, where: str) -> None:
    if name in _STEP_PAYLOAD_KEYS:
        key = _STEP_PAYLOAD_KEYS[name]
        if key in step:
            raise ReportFormatError(f"more than one <{name}> in a step", where)
        step[key] = _PAYLOAD_READERS[name](elem, where)
    elif name == "AdditionalResults":
        step.setdefault("additionalResults", []).append(read_additional_data(elem, where))
    # PropertyLoader and unknown elements have no WSJF counterpart and are skipped.


def _read_chart(elem: Element, where: str) -> Tree:
    chart = read_attrs(elem, m.CHART_ATTRS, where)
    inner = _ChildIndex(elem, where)
    series: list[Tree] = []
    for series_elem in inner.all("Series"):
        series_where = inner.path(series_elem)
        item = read_attrs(series_elem, m.SERIES_ATTRS, series_where)
        points = _ChildIndex(series_elem, series_where)
        for axis in ("xdata", "ydata"):
            axis_elem = points.single(axis)
            if axis_elem is not None:
                item[axis] = axis_elem.text or ""
        series.append(item)
    _put_list(chart, "series", series)
    return chart


def _read_attachment(elem: Element, where: str) -> Tree:
    attachment = read_attrs(elem, m.ATTACHMENT_ATTRS, where)
    attachment["data"] = (elem.text or "").strip()
    return attachment


def _read_report_text(elem: Element, where: str) -> str:
    return elem.text or ""


_INDEX_ATTRS: tuple[m.Row, ...] = (("Text", "text", m.STR),)
_PayloadReader = Callable[[Element, str], Any]


def _rows_reader(rows: tuple[m.Row, ...]) -> _PayloadReader:
    def read(elem: Element, where: str) -> Tree:
        return read_attrs(elem, rows, where)

    return read


_STEP_PAYLOAD_KEYS: dict[str, str] = {
    "Loop": "loop",
    "ReportText": "reportText",
    "SequenceCall": "seqCall",
    "Callexe": "callExe",
    "MessagePopup": "messagePopup",
    "Chart": "chart",
    "Attachment": "attachment",
}
_PAYLOAD_READERS: dict[str, _PayloadReader] = {
    "Loop": _rows_reader(m.LOOP_ATTRS),
    "ReportText": _read_report_text,
    "SequenceCall": _rows_reader(m.SEQ_CALL_ATTRS),
    "Callexe": _rows_reader(m.CALL_EXE_ATTRS),
    "MessagePopup": _rows_reader(m.MESSAGE_POPUP_ATTRS),
    "Chart": _read_chart,
    "Attachment": _read_attachment,
}


def read_additional_data(elem: Element, where: str) -> Tree:
    """``<AdditionalData>``/``<AdditionalResults>``: a name and a tree of ``<Prop>`` elements."""
    block: Tree = {}
    name = elem.attrib.get("Name")
    if name is not None:
        block["name"] = name
    _put_list(
        block, "props", [_read_prop(c, f"{where}/Prop[{i}]") for i, c in enumerate(_props_of(elem))]
    )
    return block


def _props_of(elem: Element) -> list[Element]:
    return [c for c in elem if local_name(c.tag) == "Prop"]


def _read_prop(elem: Element, where: str) -> Tree:
    prop = read_attrs(elem, m.PROP_ATTRS, where)
    children = _props_of(elem)
    if children:
        prop["props"] = [_read_prop(c, f"{where}/Prop[{i}]") for i, c in enumerate(children)]
    for child in elem:
        if local_name(child.tag) == "Array":
            prop["array"] = _read_prop_array(child, f"{where}/Array")
    return prop


def _read_prop_array(elem: Element, where: str) -> Tree:
    array = read_attrs(elem, m.PROP_ARRAY_ATTRS, where)
    indexes: list[Tree] = []
    items = [c for c in elem if local_name(c.tag) == "Index"]
    for i, item in enumerate(items):
        item_where = f"{where}/Index[{i}]"
        entry = read_attrs(item, _INDEX_ATTRS, item_where)
        positions = item.attrib.get("Indexes") or ""
        _put_list(
            entry,
            "indexes",
            [m.decode_value(p, m.INT, f"{item_where}@Indexes") for p in positions.split(";") if p],
        )
        values = _props_of(item)
        if values:
            entry["value"] = _read_prop(values[0], f"{item_where}/Prop[0]")
        indexes.append(entry)
    _put_list(array, "indexes", indexes)
    return array
