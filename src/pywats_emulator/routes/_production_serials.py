"""Serial-number pools: allocation (take / reserve), listings, XML/CSV export and upload.

Allocation is one SQL ``UPDATE ... RETURNING`` inside an immediate transaction, so two
concurrent requests can never receive the same number. Formatting and parsing helpers at the
bottom do no I/O.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from xml.etree import ElementTree
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from pywats_emulator.routes._params import bad_request, fits_int64, row_or_404
from pywats_emulator.store import Store

IDENTIFIER_NAMES = {0: "SerialNumber", 1: "MACAddress", 2: "IMEI"}
_FREE = "taken_at IS NULL AND reserved_at IS NULL"


@dataclass(frozen=True)
class Allocation:
    """What a take or reserve request asks for."""

    type_name: str
    quantity: int
    ref_sn: str | None = None
    ref_pn: str | None = None
    station_name: str | None = None
    only_in_sequence: bool = False
    reserve: bool = False


def find_type(store: Store, name: str) -> dict[str, Any]:
    """A serial-number type row by name (any case) or a 404."""
    return row_or_404(
        store,
        "SELECT * FROM serial_number_types WHERE name = ?",
        (name,),
        f"Serial number type '{name}' was not found.",
    )


def type_json(row: Mapping[str, Any]) -> dict[str, Any]:
    """A ``serial_number_types`` row as ``SerialNumberType`` JSON."""
    return {
        "name": row["name"],
        "description": row["description"],
        "format": row["format"],
        "regEx": row["reg_ex"],
        "identifier": row["identifier"],
        "identifierName": IDENTIFIER_NAMES.get(row["identifier"], "Unknown"),
    }


def serial_json(row: Mapping[str, Any]) -> dict[str, Any]:
    """A ``serial_numbers`` row as JSON for the list endpoints."""
    return {
        "serialNumber": row["serial_number"],
        "serialNumberType": row["type_name"],
        "taken": row["taken_at"] is not None,
        "takenDate": row["taken_at"],
        "reserved": row["reserved_at"] is not None,
        "reservedDate": row["reserved_at"],
        "refSN": row["ref_sn"],
        "refPN": row["ref_pn"],
        "stationName": row["station_name"],
    }


def allocate(store: Store, request: Allocation, now: str) -> list[dict[str, Any]]:
    """Take or reserve free numbers atomically; returns the rows handed out, by address.

    Fewer than asked are returned when the pool runs short; with ``only_in_sequence`` the
    numbers form one gap-free run or nothing is handed out.
    """
    if request.quantity < 1:
        raise bad_request("quantity must be at least 1.")
    column = "reserved_at" if request.reserve else "taken_at"
    chosen = _sequence_clause() if request.only_in_sequence else _first_free_clause()
    sql = (
        f"UPDATE serial_numbers SET {column} = ?, ref_sn = ?, ref_pn = ?, station_name = ?"
        f" WHERE type_name = ? AND {_FREE} AND address IN ({chosen}) RETURNING *"
    )
    params = (now, request.ref_sn, request.ref_pn, request.station_name, request.type_name)
    with store.transaction() as conn:
        find_type(store, request.type_name)
        rows = conn.execute(sql, (*params, *_clause_params(request))).fetchall()
    return sorted((dict(row) for row in rows), key=lambda row: row["address"])


def _first_free_clause() -> str:
    return (
        f"SELECT address FROM serial_numbers WHERE type_name = ? AND {_FREE}"
        " ORDER BY address LIMIT ?"
    )


def _sequence_clause() -> str:
    # The lowest start address whose next ``quantity`` addresses all exist and are free.
    start = (
        "SELECT a.address FROM serial_numbers a WHERE a.type_name = ?"
        " AND a.taken_at IS NULL AND a.reserved_at IS NULL"
        " AND (SELECT COUNT(*) FROM serial_numbers b WHERE b.type_name = a.type_name"
        " AND b.address BETWEEN a.address AND a.address + ? - 1"
        " AND b.taken_at IS NULL AND b.reserved_at IS NULL) = ?"
        " ORDER BY a.address LIMIT 1"
    )
    return (
        f"SELECT address FROM serial_numbers WHERE type_name = ?"
        f" AND address BETWEEN ({start}) AND ({start}) + ? - 1"
    )


def _clause_params(request: Allocation) -> tuple[Any, ...]:
    if not request.only_in_sequence:
        return (request.type_name, request.quantity)
    start = (request.type_name, request.quantity, request.quantity)
    return (request.type_name, *start, *start, request.quantity)


def run_lengths(addresses: Sequence[int]) -> list[int]:
    """For each address, the length of the gap-free run starting there (the ``seq`` value)."""
    lengths = [1] * len(addresses)
    for index in range(len(addresses) - 2, -1, -1):
        if addresses[index + 1] == addresses[index] + 1:
            lengths[index] = lengths[index + 1] + 1
    return lengths


def to_xml(rows: Sequence[Mapping[str, Any]], type_name: str, request_type: str) -> str:
    """A ``<SerialNumbers>`` document with one ``<SN>`` per row."""
    root = ElementTree.Element(
        "SerialNumbers", {"requestType": request_type, "serialNumberType": type_name}
    )
    seqs = run_lengths([row["address"] for row in rows])
    for row, seq in zip(rows, seqs, strict=True):
        attributes = {"id": row["serial_number"], "seq": str(seq)}
        optional = {
            "taken": row["taken_at"] or row["reserved_at"],
            "refSN": row["ref_sn"],
            "refPN": row["ref_pn"],
            "refStn": row["station_name"],
        }
        attributes.update({key: value for key, value in optional.items() if value})
        ElementTree.SubElement(root, "SN", attributes)
    return ElementTree.tostring(root, encoding="unicode")


def to_csv(rows: Sequence[Mapping[str, Any]], *, header: bool) -> str:
    """Serial numbers as CSV: only the numbers, or a full listing with a header line."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    if header:
        writer.writerow(["SerialNumber", "Taken", "RefSN", "RefPN", "StationName"])
    for row in rows:
        if header:
            writer.writerow(
                [
                    row["serial_number"],
                    row["taken_at"] or "",
                    row["ref_sn"] or "",
                    row["ref_pn"] or "",
                    row["station_name"] or "",
                ]
            )
        else:
            writer.writerow([row["serial_number"]])
    return buffer.getvalue()


def normalise(identifier: int, serial_number: str) -> str:
    """MAC numbers are compared as bare upper-case hex; others as given (trimmed)."""
    text = serial_number.strip()
    if identifier == 1:
        return re.sub(r"[-:\s]", "", text).upper()
    return text


def address_of(identifier: int, serial_number: str) -> int:
    """The numeric address of a number: hex value for MACs, trailing digits otherwise."""
    if identifier == 1:
        try:
            return int(normalise(1, serial_number), 16)
        except ValueError:
            raise bad_request(f"'{serial_number}' is not a MAC address.") from None
    digits = re.search(r"(\d+)$", serial_number.strip())
    if digits is None:
        raise bad_request(f"'{serial_number}' has no numeric part to order it by.")
    address = int(digits.group(1))
    if not fits_int64(address):
        raise bad_request(f"'{serial_number}' has a numeric part too large to store.")
    return address


def parse_upload(data: bytes, fmt: str) -> list[str]:
    """Serial numbers of an uploaded XML or CSV file (CSV: first column, header optional)."""
    text = data.decode("utf-8-sig", errors="replace")
    if fmt == "xml":
        try:
            root = fromstring(text)
        except (ParseError, DefusedXmlException) as exc:
            raise bad_request(f"The serial number file is not valid XML: {exc}") from None
        return [sn.get("id", "") for sn in root.iter() if sn.tag.rsplit("}", 1)[-1] == "SN"]
    numbers = [row[0].strip() for row in csv.reader(io.StringIO(text)) if row and row[0].strip()]
    if numbers and numbers[0].lower().replace(" ", "") in ("serialnumber", "sn", "id"):
        numbers = numbers[1:]
    return numbers


def store_uploaded(store: Store, type_row: Mapping[str, Any], numbers: Iterable[str]) -> int:
    """Add numbers to a pool (existing ones are left alone); returns how many were new."""
    identifier = int(type_row["identifier"])
    pattern = type_row["reg_ex"]
    added = 0
    with store.transaction():
        for raw in numbers:
            number = normalise(identifier, raw)
            if pattern and not re.fullmatch(pattern, number):
                raise bad_request(f"'{raw}' does not match the format of {type_row['name']}.")
            cursor = store.execute(
                "INSERT OR IGNORE INTO serial_numbers (type_name, address, serial_number)"
                " VALUES (?, ?, ?)",
                (type_row["name"], address_of(identifier, number), number),
            )
            added += cursor.rowcount
    return added
