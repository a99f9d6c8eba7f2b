"""``converters ls|show|test`` and ``reconvert`` through the typer sub-app."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from conv_helpers import write_user_converter, wsjf_bytes
from typer.testing import CliRunner

from pywats.report import parse_wsjf
from pywats_client.converters.cli import app
from pywats_client.queue import QueueLimits, ReportQueue

runner = CliRunner()


def _config(tmp_path: Path) -> Path:
    inbox = tmp_path / "in"
    (inbox / "Done").mkdir(parents=True, exist_ok=True)
    config = {
        "server_url": "http://127.0.0.1:9",
        "queue_dir": str(tmp_path / "queue"),
        "limits": {"min_free_bytes": 0},
        "watch_folders": [
            {"path": str(inbox), "converter": "wsjf", "post_process": "move",
             "move_to": str(inbox / "Done")}
        ],
    }  # fmt: skip
    path = tmp_path / "client.json"
    path.write_text(json.dumps(config))
    return path


def test_ls_lists_builtins_and_broken_files(tmp_path: Path) -> None:
    broken = tmp_path / "broken.py"
    broken.write_text("import not_a_module_anywhere\n")
    result = runner.invoke(
        app, ["ls", "--json", "--converter-file", str(broken), "-c", str(_config(tmp_path))]
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert {r["name"] for r in rows} >= {"wsjf", "wsxf", "wstf", "csv"}
    [bad] = [r for r in rows if r["error"]]
    assert "not_a_module_anywhere" in bad["error"]


def test_show_prints_the_options_schema(tmp_path: Path) -> None:
    result = runner.invoke(app, ["show", "csv", "-c", str(_config(tmp_path))])
    assert result.exit_code == 0, result.output
    details = json.loads(result.output)
    assert "group_by" in details["options_schema"]["properties"]
    missing = runner.invoke(app, ["show", "nope", "-c", str(_config(tmp_path))])
    assert missing.exit_code == 1
    assert "no converter named 'nope'" in missing.output


def test_test_command_prints_reports_without_queuing(tmp_path: Path) -> None:
    config = _config(tmp_path)
    source = tmp_path / "x.lines"
    source.write_text("S1;1.5\n")
    converter = write_user_converter(tmp_path / "conv")
    result = runner.invoke(
        app,
        ["test", str(source), "--converter", "lines", "--options", '{"station": "ST-T"}',
         "--converter-file", str(converter), "--json", "-c", str(config)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    [report] = json.loads(result.output)
    assert parse_wsjf(report["wsjf"]).machine_name == "ST-T"
    assert report["problems"] == []
    assert not (tmp_path / "queue").exists()
    bad = tmp_path / "bad.json"
    bad.write_text("{")
    failed = runner.invoke(app, ["test", str(bad), "-c", str(config)])
    assert failed.exit_code == 1
    assert "not a readable WSJF report" in failed.output


def test_reconvert_dry_run_then_real_makes_new_reports(tmp_path: Path) -> None:
    config = _config(tmp_path)
    done = tmp_path / "in" / "Done"
    own_id = "11111111-2222-4333-8444-555555555555"
    (done / "a.json").write_bytes(wsjf_bytes("A", own_id))
    dry = runner.invoke(app, ["reconvert", "--dry-run", "--json", "-c", str(config)])
    assert dry.exit_code == 0, dry.output
    [planned] = json.loads(dry.output)["sources"]
    assert planned["report_ids"][0] != own_id  # a NEW report
    assert not (tmp_path / "queue").exists()
    real = runner.invoke(app, ["reconvert", "--json", "-c", str(config), str(done / "a.json")])
    assert real.exit_code == 0, real.output
    outcome = json.loads(real.output)
    [new_id] = outcome["sources"][0]["report_ids"]
    with ReportQueue(tmp_path / "queue", limits=QueueLimits(min_free_bytes=0)) as queue:
        entry = queue.get(new_id)
    assert entry.meta is not None
    assert entry.meta.source["reconversion_nonce"] == outcome["nonce"]
    assert entry.meta.source["reconverted"] is True
    assert (done / "a.json").exists()  # the source stays where it was
    future = runner.invoke(
        app, ["reconvert", "--dry-run", "--since", "2999-01-01", "-c", str(config)]
    )
    assert future.output.strip() == "no source selected"


def test_reconvert_reads_sources_inside_zip_archives(tmp_path: Path) -> None:
    config = _config(tmp_path)
    done = tmp_path / "in" / "Done"
    archive = done / "sources_2026-11-23_000000_000000.zip"
    with zipfile.ZipFile(archive, "w") as packed:
        packed.writestr("z1.json", wsjf_bytes("Z1"))
        packed.writestr("z2.json", wsjf_bytes("Z2"))
        packed.writestr("notes.md", "not a source")
    result = runner.invoke(app, ["reconvert", "--json", "-c", str(config)])
    assert result.exit_code == 0, result.output
    sources = json.loads(result.output)["sources"]
    assert [s["source"] for s in sources] == [f"{archive}!z1.json", f"{archive}!z2.json"]
    new_ids = [s["report_ids"][0] for s in sources]
    with ReportQueue(tmp_path / "queue", limits=QueueLimits(min_free_bytes=0)) as queue:
        metas = [queue.get(report_id).meta for report_id in new_ids]
    assert [m.source["archive"] for m in metas if m is not None] == [str(archive)] * 2
    assert [parse_wsjf(queue_payload).sn for queue_payload in _payloads(tmp_path, new_ids)] == [
        "Z1",
        "Z2",
    ]


def _payloads(tmp_path: Path, ids: list[str]) -> list[bytes]:
    with ReportQueue(tmp_path / "queue", limits=QueueLimits(min_free_bytes=0)) as queue:
        return [queue.read_payload(report_id) for report_id in ids]
