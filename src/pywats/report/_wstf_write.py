"""Write WSJF wire trees of UUT reports as WSTF text (no I/O).

Only what WSTF can hold is written (see docs/report-formats-mapping.md); text that would
break the layout (TAB, CR, LF, or a misc-info name that is a reserved header key) raises
:class:`~pywats.exceptions.ReportFormatError` naming the JSON path.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

from pywats.exceptions import ReportFormatError
from pywats.report import _wstf_layout as w
from pywats.report._xml_map import encode_float

Tree = Mapping[str, Any]

_FOOTER_ONLY: Final = frozenset(w.FOOTER_KEYS)
_MULTI_STEP_TYPES: Final = frozenset({"ET_MNLT", "ET_MPFT", "ET_MSVT", "MultiNumericLimitTest"})
_MEASUREMENT_KEYS: Final = ("numericMeas", "stringMeas", "booleanMeas")


def cell(value: str, where: str, column: str = "") -> str:
    """A field value, refused when it contains a character that ends a field or a line."""
    if any(ch in value for ch in "\t\r\n"):
        field = f" ({column})" if column else ""
        raise ReportFormatError(f"WSTF fields cannot contain TAB, CR or LF{field}", where)
    return value


def write_reports(trees: Sequence[Tree]) -> str:
    """All reports, one UUT block each, LF line ends."""
    lines: list[str] = []
    for index, tree in enumerate(trees):
        _write_report(lines, tree, f"reports[{index}]")
    return "".join(f"{line}\n" for line in lines)


def _write_report(lines: list[str], tree: Tree, where: str) -> None:
    if tree.get("type") != "T":
        raise ReportFormatError("WSTF carries only UUT (test) reports", f"{where}.type")
    sections: dict[str, Tree] = {
        w.REPORT: tree,
        w.UUT: tree.get("uut") or {},
        w.SEQUENCE: (tree.get("root") or {}).get("seqCall") or {},
    }
    lines.append(w.HEADER_START)
    for key, spec in w.HEADER_FIELDS.items():
        if key not in _FOOTER_ONLY:
            _header_line(lines, key, spec, sections, where)
    for i, info in enumerate(tree.get("miscInfos") or ()):
        _misc_line(lines, info, f"{where}.miscInfos[{i}]")
    for i, unit in enumerate(tree.get("subUnits") or ()):
        fields = [unit.get(k) or "" for k in ("partType", "pn", "sn", "rev")]
        lines.append(
            "\t".join([w.SUB_UNIT_KEY, *(cell(f, f"{where}.subUnits[{i}]") for f in fields)])
        )
    lines.append(w.STEP_DATA_START)
    lines.append("\t".join(w.COLUMNS))
    root = tree.get("root")
    for i, child in enumerate((root or {}).get("steps") or ()):
        _step_rows(lines, child, f"{where}.root.steps[{i}]")
    lines.append(w.STEP_DATA_END)
    for key in w.FOOTER_KEYS:
        _header_line(lines, key, w.HEADER_FIELDS[key], sections, where)
    lines.append(w.UUT_END)


def _header_line(
    lines: list[str], key: str, spec: w.HeaderField, sections: Mapping[str, Tree], where: str
) -> None:
    section, wire_key, kind = spec
    value = sections[section].get(wire_key)
    if value is None:
        return
    if kind == w.INTEGER:
        text = str(int(value))
    elif kind == w.NUMBER:
        text = encode_float(float(value))
    elif kind == w.RESULT:
        text = w.STATUS_OF_LETTER.get(str(value), str(value))
    else:
        text = str(value)
    lines.append(f"{key}\t{cell(text, f'{where}.{wire_key}')}")


def _misc_line(lines: list[str], info: Tree, where: str) -> None:
    description = str(info.get("description") or "")
    if not description.strip() or description != description.strip():
        raise ReportFormatError("a WSTF misc-info name must be non-blank and unpadded", where)
    if description in w.RESERVED_KEYS or description in w.MARKERS:
        raise ReportFormatError(f"{description!r} is a reserved WSTF header key", where)
    text = info.get("text")
    if text is None and info.get("numeric") is not None:
        text = str(info["numeric"])  # WSTF has text values only
    if text:
        lines.append(f"{cell(description, where)}\t{cell(str(text), where)}")


def _step_rows(lines: list[str], step: Tree, where: str) -> None:
    kinds = [key for key in _MEASUREMENT_KEYS if step.get(key)]
    if len(kinds) > 1:
        raise ReportFormatError("a WSTF step holds one kind of measurement", where)
    if kinds:
        _test_rows(lines, step, kinds[0], where)
    elif step.get("seqCall") is not None or step.get("stepType") in w.SEQUENCE_STEP_TYPES:
        lines.append(_row(w.SEQUENCE_CALL, step, where, {}))
        for i, child in enumerate(step.get("steps") or ()):
            _step_rows(lines, child, f"{where}.steps[{i}]")
        lines.append(_row(w.END_SEQUENCE_CALL, step, where, _step_columns(step, where), name=""))
    else:
        lines.append(_row(w.ACTION, step, where, _step_columns(step, where)))


def _step_columns(step: Tree, where: str) -> dict[str, str]:
    columns: dict[str, str] = {}
    if step.get("status") is not None:
        columns["StepStatus"] = w.STATUS_OF_LETTER.get(step["status"], str(step["status"]))
    if step.get("totTime") is not None:
        columns["StepExecutionTime"] = encode_float(float(step["totTime"]))
    if step.get("reportText") is not None:
        columns["ReportText"] = step["reportText"]
    if step.get("errorCode") is not None:
        columns["StepErrorCode"] = str(int(step["errorCode"]))
    if step.get("errorMessage") is not None:
        columns["StepErrorMessage"] = step["errorMessage"]
    return columns


def _row(
    step_type: str, step: Tree, where: str, columns: Mapping[str, str], name: str | None = None
) -> str:
    step_name = (step.get("name") or "") if name is None else name
    values = {"StepType": step_type, "StepName": step_name, **columns}
    # Every column is written on every line, as the official converter requires.
    return "\t".join(cell(values.get(column, ""), where, column) for column in w.COLUMNS)


def _test_rows(lines: list[str], step: Tree, kind: str, where: str) -> None:
    measurements: list[Tree] = list(step[kind])
    multi = len(measurements) > 1 or step.get("stepType") in _MULTI_STEP_TYPES
    step_type = w.WSTF_TYPE_OF_KIND[(kind, multi)]
    step_columns = _step_columns(step, where)
    for i, meas in enumerate(measurements):
        meas_where = f"{where}.{kind}[{i}]"
        columns = _measurement_columns(kind, meas)
        if multi:
            status = meas.get("status")
            if status is not None:
                columns["StepStatus"] = w.STATUS_OF_LETTER.get(status, str(status))
            columns["MeasureName"] = meas.get("name") or ""
            if i == 0:
                columns.update({k: v for k, v in step_columns.items() if k != "StepStatus"})
        else:
            columns.update(step_columns)
            if meas.get("name") is not None:
                columns["MeasureName"] = meas["name"]
        lines.append(_row(step_type, step, meas_where, columns))


def _measurement_columns(kind: str, meas: Tree) -> dict[str, str]:
    columns: dict[str, str] = {}
    if kind == "booleanMeas":
        outcome = {"P": "TRUE", "F": "FALSE"}.get(meas.get("status") or "")
        if outcome:
            columns["Value"] = outcome
        return columns
    if meas.get("compOp") is not None:
        columns["CompOperator"] = meas["compOp"]
    if kind == "stringMeas":
        for key, column in (("value", "Value"), ("limit", "LowLimit")):
            if meas.get(key) is not None:
                columns[column] = meas[key]
        return columns
    for key, column in (("value", "Value"), ("lowLimit", "LowLimit"), ("highLimit", "HighLimit")):
        if meas.get(key) is not None:
            columns[column] = encode_float(float(meas[key]))
    if meas.get("unit") is not None:
        columns["Unit"] = meas["unit"]
    return columns
