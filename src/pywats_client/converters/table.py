"""A configurable CSV/table converter: columns map to report fields, one report per row group.

Every row is one measurement. Rows whose ``group_by`` columns hold the same values form one
report (in order of first appearance); its header fields come from the group's first row
(``columns``) or from fixed values (``constants``). See ``docs/converters.md`` for a worked
example.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from pywats.exceptions import ReportError
from pywats_client.converters.base import ConversionError, SourceFile

if TYPE_CHECKING:
    from pywats.report import UUTBuilder
    from pywats_client.converters.base import AnyReport

HeaderField = Literal[
    "pn", "sn", "rev", "process_code", "station", "location", "purpose", "start", "operator",
    "result",
]  # fmt: skip
_REQUIRED_HEADER = ("pn", "sn", "rev", "process_code", "station", "location", "purpose", "start")
_PASS_WORDS = {"pass": True, "passed": True, "true": True, "fail": False, "failed": False}
_PASS_WORDS["false"] = False
Row = Mapping[str, str]


class TableOptions(BaseModel):
    """Options of the ``csv`` converter (validated when the converter is loaded)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    delimiter: str = Field(default=",", min_length=1, max_length=1)
    encoding: str = "utf-8-sig"
    group_by: tuple[str, ...] = Field(default=("sn",), min_length=1)
    columns: dict[HeaderField, str] = Field(default_factory=dict)
    constants: dict[HeaderField, str] = Field(default_factory=dict)
    step_column: str = "step"
    value_column: str = "value"
    low_column: str | None = None
    high_column: str | None = None
    unit_column: str | None = None
    comp_op_column: str | None = None
    status_column: str | None = None
    start_format: str | None = Field(
        default=None, description="strptime format of the start column; ISO 8601 when unset"
    )

    @field_validator("encoding")
    @classmethod
    def _known_encoding(cls, value: str) -> str:
        try:
            "".encode(value)
        except LookupError:
            raise ValueError(f"unknown encoding {value!r}") from None
        return value

    @model_validator(mode="after")
    def _header_complete(self) -> TableOptions:
        missing = [f for f in _REQUIRED_HEADER if f not in self.columns and f not in self.constants]
        if missing:
            raise ValueError(f"map these report fields to a column or constant: {missing}")
        return self

    def data_columns(self) -> list[str]:
        """Every column the mapping reads (checked against the file's header row)."""
        optional = (self.low_column, self.high_column, self.unit_column, self.comp_op_column)
        named = [*self.group_by, *self.columns.values(), self.step_column, self.value_column]
        named += [c for c in (*optional, self.status_column) if c]
        return list(dict.fromkeys(named))


class TableConverter:
    """CSV/table files → UUT reports, driven entirely by :class:`TableOptions`."""

    name: ClassVar[str] = "csv"
    version: ClassVar[str] = "1.0"
    patterns: ClassVar[tuple[str, ...]] = ("*.csv",)
    options_model: ClassVar[type[BaseModel] | None] = TableOptions
    preserves_ids: ClassVar[bool] = False

    def convert(self, source: SourceFile, options: Any) -> Iterable[AnyReport]:
        """One report per row group of ``source``."""
        if not isinstance(options, TableOptions):
            raise ConversionError("the csv converter needs TableOptions")
        rows = read_rows(source, options)
        groups = group_rows(rows, options.group_by)
        if not groups:
            raise ConversionError(f"{source.name}: the table has no data rows")
        return [build_report(group, options, source.name) for group in groups]


def read_rows(source: SourceFile, options: TableOptions) -> list[tuple[int, Row]]:
    """The data rows with their 1-based line numbers; a missing column is an error."""
    reader = csv.DictReader(io.StringIO(source.text(options.encoding)), delimiter=options.delimiter)
    header = reader.fieldnames or []
    missing = [c for c in options.data_columns() if c not in header]
    if missing:
        raise ConversionError(f"{source.name}: columns missing from the header row: {missing}")
    return [
        (reader.line_num, row) for row in reader if any((v or "").strip() for v in row.values())
    ]


def group_rows(
    rows: list[tuple[int, Row]], group_by: tuple[str, ...]
) -> list[list[tuple[int, Row]]]:
    """Rows grouped by their ``group_by`` values, groups in order of first appearance."""
    groups: dict[tuple[str, ...], list[tuple[int, Row]]] = {}
    for line, row in rows:
        key = tuple((row.get(column) or "").strip() for column in group_by)
        groups.setdefault(key, []).append((line, row))
    return list(groups.values())


def _header_value(field: str, row: Row, options: TableOptions) -> str | None:
    column = options.columns.get(field)  # type: ignore[call-overload]
    if column is not None:
        value = (row.get(column) or "").strip()
        return value or None
    constant: str | None = options.constants.get(field)  # type: ignore[call-overload]
    return constant


def _parse_start(text: str, options: TableOptions, where: str) -> datetime:
    try:
        if options.start_format:
            moment = datetime.strptime(text, options.start_format)
        else:
            moment = datetime.fromisoformat(text)
    except ValueError as exc:
        raise ConversionError(f"{where}: bad start time {text!r}: {exc}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _required(field: str, row: Row, options: TableOptions, where: str) -> str:
    value = _header_value(field, row, options)
    if value is None:
        raise ConversionError(f"{where}: no value for report field {field!r}")
    return value


def build_report(group: list[tuple[int, Row]], options: TableOptions, name: str) -> AnyReport:
    """One UUT report from one row group (header from the first row, a step per row)."""
    from pywats.report import UUTBuilder  # the report model loads with the first file

    line, first = group[0]
    where = f"{name} line {line}"
    try:
        process_code = int(_required("process_code", first, options, where))
    except ValueError:
        raise ConversionError(f"{where}: process_code is not an integer") from None
    try:
        builder = UUTBuilder(
            pn=_required("pn", first, options, where),
            sn=_required("sn", first, options, where),
            rev=_required("rev", first, options, where),
            process_code=process_code,
            station=_required("station", first, options, where),
            location=_required("location", first, options, where),
            purpose=_required("purpose", first, options, where),
            start=_parse_start(_required("start", first, options, where), options, where),
            operator=_header_value("operator", first, options),
            result=_header_value("result", first, options),
        )
        for _line, row in group:
            _add_step(builder, row, options)
        return builder.build()
    except ReportError as exc:
        raise ConversionError(f"{name} rows from line {line}: {exc}") from None


def _optional_float(row: Row, column: str | None) -> float | None:
    text = (row.get(column) or "").strip() if column else ""
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        raise ConversionError(f"column {column!r} holds {text!r}, not a number") from None


def _add_step(builder: UUTBuilder, row: Row, options: TableOptions) -> None:
    step_name = (row.get(options.step_column) or "").strip() or "Step"
    value = (row.get(options.value_column) or "").strip()
    status = (row.get(options.status_column) or "").strip() if options.status_column else ""
    extra: dict[str, Any] = {"status": status} if status else {}
    comp_op = (row.get(options.comp_op_column) or "").strip() if options.comp_op_column else ""
    try:
        number = float(value)
    except ValueError:
        number = None
    if number is not None:
        unit = (row.get(options.unit_column) or "").strip() if options.unit_column else ""
        builder.numeric(
            step_name,
            number,
            low=_optional_float(row, options.low_column),
            high=_optional_float(row, options.high_column),
            comp_op=comp_op or None,
            unit=unit or None,
            **extra,
        )
    elif value.lower() in _PASS_WORDS:
        builder.pass_fail(step_name, passed=_PASS_WORDS[value.lower()], **extra)
    else:
        builder.string(step_name, value, comp_op=comp_op or None, **extra)
