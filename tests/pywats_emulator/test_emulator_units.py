"""Pure pieces of the emulator: credentials, read-back shaping, header columns, paths."""

from __future__ import annotations

import base64
import json

from pywats.report import parse_wsjf
from pywats_emulator.auth import AuthRegistry, basic_token, decode_pair, encode_basic
from pywats_emulator.connections import ConnectionRegistry
from pywats_emulator.demo import demo_uur, demo_uut
from pywats_emulator.readback import ReadOptions, ServerFacts, readback
from pywats_emulator.reportdata import header_columns, header_expansions, utc_key
from pywats_emulator.submission import wats_path


def test_basic_token_and_pairs() -> None:
    assert basic_token("Basic abc") == "abc"
    assert basic_token("basic   abc ") == "abc"
    assert basic_token("Bearer abc") is None
    assert basic_token("Basic") is None
    assert basic_token(None) is None
    assert decode_pair(encode_basic("001122334455", "p:w")) == ("001122334455", "p:w")
    assert decode_pair("not base64!") is None
    assert decode_pair(base64.b64encode(b"no colon").decode()) is None
    assert decode_pair(base64.b64encode(b"\xff:\xfe").decode()) is None


def test_registry_identities() -> None:
    registry = AuthRegistry("TOKEN", {"alice": "pw"}, "REG")
    assert registry.identify("TOKEN") is not None
    assert registry.identify(encode_basic("alice", "pw")).kind == "user"  # type: ignore[union-attr]
    assert registry.identify(encode_basic("alice", "bad")) is None
    code = registry.issue_passcode("aabbccddeeff")
    station = registry.identify(encode_basic("AABBCCDDEEFF", code))
    assert station is not None
    assert (station.kind, station.name) == ("client", "AABBCCDDEEFF")
    assert registry.may_register("REG")
    assert registry.identify("REG") is None
    assert not registry.may_register(None)
    registry.reset()
    assert registry.identify(encode_basic("AABBCCDDEEFF", code)) is None
    assert registry.identify("TOKEN") is not None


def test_unknown_connections_cannot_be_aborted() -> None:
    registry = ConnectionRegistry()
    assert registry.abort(("127.0.0.1", 1)) is False
    assert registry.abort(None) is False
    assert len(registry) == 0


def test_header_columns_of_a_failed_unit() -> None:
    report = demo_uut(1, failing_step=3)
    report["root"]["steps"][2]["causedUUTFailure"] = True
    body = json.dumps(report)
    columns = header_columns(parse_wsjf(body), body)
    assert columns["caused_uut_failure"] == "Voltage 3"
    assert columns["caused_uut_failure_path"] == "MainSequence Callback/Voltage 3"
    assert columns["sw_filename"] == "demo.seq"
    assert columns["start_utc"] == "2026-01-05T08:01:00.000000Z"
    assert columns["report_size"] >= 1


def test_header_columns_of_a_repair() -> None:
    uut = demo_uut(1)
    uur = demo_uur(1, uut)
    uur["uur"]["refUUT"] = uut["id"].upper()
    body = json.dumps(uur)
    columns = header_columns(parse_wsjf(body), body)
    assert columns["ref_uut"] == uut["id"]
    assert columns["operator"] == "tech1"


def test_utc_key_is_fixed_width_and_sortable() -> None:
    from datetime import datetime, timedelta, timezone

    east = datetime(2026, 1, 1, 1, 0, tzinfo=timezone(timedelta(hours=2)))
    assert utc_key(east) == "2025-12-31T23:00:00.000000Z"
    assert utc_key(datetime(2026, 1, 1)) == "2026-01-01T00:00:00.000000Z"


def test_readback_fills_and_orders() -> None:
    body = {"zExtra": 1, "id": "x", "type": "T", "root": {"id": 1}, "uut": {"user": "u"}}
    facts = ServerFacts(origin="MAC", start_utc="2026-01-01T00:00:00Z", product_name="Board")
    out = readback(body, facts, ReadOptions())
    assert list(out)[:3] == ["type", "id", "pn"]
    assert list(out)[-1] == "zExtra"
    assert (out["origin"], out["productName"], out["startUTC"]) == (
        "MAC", "Board", "2026-01-01T00:00:00Z",
    )  # fmt: skip
    assert out["uut"]["user"] == "u"
    assert out["uut"]["fixtureId"] is None
    assert "refUURs" not in out["uut"]
    assert "uur" not in out


def test_readback_strips_chart_data_on_request() -> None:
    chart = {"chartType": "Line", "series": [{"name": "s", "xdata": "1;2", "ydata": "3;4"}]}
    body = {"type": "T", "root": {"id": 1, "steps": [{"id": 2, "chart": chart}]}}
    facts = ServerFacts(origin=None, start_utc=None)
    out = readback(body, facts, ReadOptions(include_chart_data=False))
    series = out["root"]["steps"][0]["chart"]["series"][0]
    assert (series["xdata"], series["ydata"]) == (None, None)
    assert body["root"]["steps"][0]["chart"]["series"][0]["xdata"] == "1;2"  # input untouched


def test_header_expansions_of_repairs_use_uur_names() -> None:
    uur = demo_uur(1, demo_uut(1))
    expanded = header_expansions(uur, {"uursubunits", "uurmiscinfo", "subunits"})
    assert set(expanded) == {"uurSubUnits", "uurMiscInfo"}
    assert expanded["uurSubUnits"][0]["serialNumber"] == "DEMO000001"


def test_wats_paths() -> None:
    report = parse_wsjf(json.dumps(demo_uut(1)))
    assert wats_path(report, "root.steps[1]") == "root -> step Voltage 2"
    assert (
        wats_path(report, "root.steps[0].numericMeas[0].value")
        == "root -> step Voltage 1 -> numericMeas -> value"
    )
    assert wats_path(report, "root.steps[9]") == "root -> step #9"
    assert wats_path(report, "uut.user") == "uut.user"
