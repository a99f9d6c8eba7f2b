"""``GET /api/Report/Query/Header``: the OData subset over real HTTP, and its compiler."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pywats_emulator.demo import demo_uur, demo_uut
from pywats_emulator.odata import ODataError, compile_filter, compile_orderby, tokenize
from pywats_emulator.reportstore import SCHEMA as REPORTS_SCHEMA
from pywats_emulator.store import Store
from pywats_emulator.testing import EmulatorHandle

BASE = datetime(2026, 1, 10, 12, 0, tzinfo=UTC)


def unit(number: int, **changes: Any) -> dict[str, Any]:
    """Report ``number`` starts ``number`` days after BASE; odd numbers fail."""
    report = demo_uut(
        number,
        sn=f"SN-{number:03d}",
        start=BASE + timedelta(days=number),
        failing_step=1 if number % 2 else None,
        pn="PN-A" if number <= 3 else "PN-B",
    )
    report.update(changes)
    return report


@pytest.fixture
async def http(emulator: EmulatorHandle) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(
        base_url=emulator.base_url, headers=emulator.auth_headers, timeout=30
    ) as client:
        for number in range(1, 13):
            response = await client.post("/api/Report/WSJF", content=json.dumps(unit(number)))
            assert response.status_code == 200, response.text
        yield client


async def query(http: httpx.AsyncClient, **params: str) -> list[dict[str, Any]]:
    response = await http.get("/api/Report/Query/Header", params=params)
    assert response.status_code == 200, response.text
    result: list[dict[str, Any]] = response.json()
    return result


def serials(headers: list[dict[str, Any]]) -> list[str]:
    return [h["serialNumber"] for h in headers]


async def test_default_is_ten_newest_by_start(http: httpx.AsyncClient) -> None:
    headers = await query(http)
    assert serials(headers) == [f"SN-{n:03d}" for n in range(12, 2, -1)]
    first = headers[0]
    assert first["start"] == "2026-01-22T12:00:00Z"
    assert (first["reportType"], first["result"], first["partNumber"]) == ("T", "Passed", "PN-B")
    assert first["processName"] is None or first["processName"] == "SW Debug"
    assert "subUnits" not in first


async def test_eq_and_or_parentheses(http: httpx.AsyncClient) -> None:
    one = await query(http, **{"$filter": "serialNumber eq 'SN-004' and partNumber eq 'PN-B'"})
    assert serials(one) == ["SN-004"]
    either = await query(
        http, **{"$filter": "(serialNumber eq 'SN-001' or serialNumber eq 'sn-002') and "
                            "reportType eq 'T'", "$orderby": "serialNumber"}
    )  # fmt: skip
    assert serials(either) == ["SN-001", "SN-002"]


async def test_result_words_ne_not_and_in(http: httpx.AsyncClient) -> None:
    failed = await query(http, **{"$filter": "result eq 'Failed'", "$top": "100"})
    assert sorted(serials(failed)) == [f"SN-{n:03d}" for n in range(1, 13, 2)]
    passed = await query(http, **{"$filter": "result ne 'Failed'", "$top": "100"})
    negated = await query(http, **{"$filter": "not (result eq 'Failed')", "$top": "100"})
    assert serials(passed) == serials(negated)
    assert len(passed) == 6
    listed = await query(
        http, **{"$filter": "serialNumber in ('SN-003', 'SN-005')", "$orderby": "start asc"}
    )
    assert serials(listed) == ["SN-003", "SN-005"]


async def test_start_ranges(http: httpx.AsyncClient) -> None:
    window = await query(
        http,
        **{
            "$filter": "start ge 2026-01-13T12:00:00Z and start lt 2026-01-15T12:00:00Z",
            "$orderby": "start",
        },
    )
    assert serials(window) == ["SN-003", "SN-004"]
    after = await query(http, **{"$filter": "start gt 2026-01-21T12:00:00+00:00"})
    upto = await query(http, **{"$filter": "start le 2026-01-12T12:00:00Z", "$top": "50"})
    assert serials(after) == ["SN-012"]
    assert sorted(serials(upto)) == ["SN-001", "SN-002"]


async def test_string_functions(http: httpx.AsyncClient) -> None:
    contains = await query(http, **{"$filter": "contains(serialNumber, '01')", "$top": "50"})
    starts = await query(http, **{"$filter": "startswith(partNumber, 'PN-A')", "$top": "50"})
    ends = await query(http, **{"$filter": "endswith(serialNumber, '2')", "$top": "50"})
    assert sorted(serials(contains)) == ["SN-001", "SN-010", "SN-011", "SN-012"]
    assert sorted(serials(starts)) == ["SN-001", "SN-002", "SN-003"]
    assert sorted(serials(ends)) == ["SN-002", "SN-012"]


async def test_top_skip_orderby(http: httpx.AsyncClient) -> None:
    page = await query(http, **{"$orderby": "serialNumber asc", "$top": "3", "$skip": "4"})
    assert serials(page) == ["SN-005", "SN-006", "SN-007"]
    newest_stamp = await query(http, **{"$orderby": "timestamp desc", "$top": "1"})
    assert serials(newest_stamp) == ["SN-012"]


async def test_expand_select_and_lambda(http: httpx.AsyncClient) -> None:
    expanded = await query(
        http,
        **{
            "$filter": "serialNumber eq 'SN-002'",
            "$expand": "subunits,miscinfo,assets,attachments",
        },
    )
    assert expanded[0]["subUnits"] == [
        {"partType": "PSU", "serialNumber": "PSU000002", "partNumber": "PSU-7", "revision": "A"}
    ]
    assert expanded[0]["miscInfo"] == [{"description": "Firmware", "value": "1.4.2"}]
    assert (expanded[0]["assets"], expanded[0]["attachments"]) == ([], [])
    selected = await query(http, **{"$select": "uuid,serialNumber", "$top": "1"})
    assert set(selected[0]) == {"uuid", "serialNumber"}
    by_sub = await query(http, **{"$filter": "subUnits/any(s: s/serialNumber eq 'PSU000007')"})
    assert serials(by_sub) == ["SN-007"]


async def test_repairs_and_report_type(http: httpx.AsyncClient) -> None:
    uur = demo_uur(1, unit(1))
    assert (await http.post("/api/Report/WSJF", content=json.dumps(uur))).status_code == 200
    repairs = await query(http, **{"$filter": "reportType eq 'R'", "$expand": "uurSubUnits"})
    assert [h["uuid"] for h in repairs] == [uur["id"]]
    assert repairs[0]["referencedUut"] == unit(1)["id"]
    assert repairs[0]["uurSubUnits"][0]["serialNumber"] == "SN-001"
    pywats_style = await http.get("/api/Report/Query/Header", params={"reportType": "R"})
    assert [h["uuid"] for h in pywats_style.json()] == [uur["id"]]


@pytest.mark.parametrize(
    ("params", "fragment"),
    [
        ({"$filter": "nosuchfield eq 'x'"}, "Could not find a property"),
        ({"$filter": "serialNumber eq"}, "Unexpected end"),
        ({"$filter": "serialNumber eq 'x' garbage"}, "Syntax error"),
        ({"$filter": "start ge 'yesterday'"}, "not a valid date-time"),
        ({"$filter": "result eq 'Great'"}, "not a report result"),
        ({"$filter": "serialNumber add 'x'"}, "Unsupported operator"),
        ({"$orderby": "partNumber"}, "cannot be used in $orderby"),
        ({"$top": "10001"}, "Top query has been exceeded"),
        ({"$top": "ten"}, "not valid for $top"),
        ({"$expand": "steps"}, "Cannot $expand"),
    ],
)
async def test_bad_queries_are_400(
    http: httpx.AsyncClient, params: dict[str, str], fragment: str
) -> None:
    response = await http.get("/api/Report/Query/Header", params=params)
    assert response.status_code == 400
    assert fragment in response.json()["Message"]


def test_compiler_output_is_parameterised() -> None:
    compiled = compile_filter("serialNumber eq 'O''Brien' or processCode ge 10")
    assert compiled.sql == "(sn COLLATE NOCASE = ? OR process_code >= ?)"
    assert compiled.params == ["O'Brien", 10]
    assert compile_filter("  ").sql == "1"
    guid = compile_filter("uuid eq 5F0C9A7E-2D41-4C3B-9E8A-0B6F1D2C3A4E")
    assert guid.params == ["5f0c9a7e-2d41-4c3b-9e8a-0b6f1d2c3a4e"]
    assert compile_filter("contains(comment, '50%_x')").params == ["%50\\%\\_x%"]
    assert compile_filter("comment eq null").sql == "comment IS NULL"
    assert compile_orderby("start asc, uuid desc") == "start_utc ASC, id DESC, seq DESC"


def test_tokenizer_rejects_unknown_characters() -> None:
    assert [t.kind for t in tokenize("a eq 1.5")] == ["name", "name", "number"]
    with pytest.raises(ODataError, match="position 5"):
        tokenize("a eq #")
    with pytest.raises(ODataError, match="Nested any"):
        compile_filter("subUnits/any(s: subUnits/any(t: t/sn eq 'x'))")


VOCABULARY = [
    "serialNumber", "start", "result", "processCode", "reportType", "eq", "ne", "ge", "lt",
    "and", "or", "not", "in", "(", ")", ",", "'x'", "'O''B'", "'Passed'", "'T'", "10", "1.5",
    "2026-01-01T00:00:00Z", "null", "true", "contains", "startswith", "subUnits/any", "s:",
    "s/partNumber", "bogus", "#",
]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(VOCABULARY), max_size=12))
def test_any_filter_compiles_to_runnable_sql_or_raises_odata_error(words: list[str]) -> None:
    text = " ".join(words)
    try:
        compiled = compile_filter(text)
    except ODataError:
        return
    with Store() as store:
        store.executescript(REPORTS_SCHEMA)
        store.query(f"SELECT COUNT(*) FROM reports WHERE {compiled.sql}", compiled.params)
