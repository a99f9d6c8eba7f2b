"""The subsystem end to end against a real durable queue (no server involved)."""

from __future__ import annotations

import hashlib
import shutil
import zipfile
from pathlib import Path
from typing import Any

import pytest
from conv_helpers import (
    files_in,
    wait_until,
    write_user_converter,
    wsjf_bytes,
    wstf_bytes,
    wsxf_bytes,
)

from pywats_client.converters import ConvertersSettings, ConverterSubsystem, FolderSettings
from pywats_client.converters.folder import FolderRuntime
from pywats_client.converters.pipeline import SourceContext, correlation_id_for
from pywats_client.converters.postprocess import read_kept
from pywats_client.converters.registry import load_registry
from pywats_client.converters.stats import ConverterStats
from pywats_client.queue import QueueLimits, ReportQueue


class FakeMonotonic:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _settings(folder: Path, **extra: Any) -> ConvertersSettings:
    options: dict[str, Any] = {"stable_seconds": 0.05, "rescan_seconds": 0.2, **extra}
    converter = options.pop("converter", "wsjf")
    folders = [FolderSettings(path=folder, converter=converter, **options)]
    return ConvertersSettings(folders=folders, use_entry_points=False)


async def _run_until(subsystem: ConverterSubsystem, condition: Any) -> None:
    subsystem.start()
    try:
        await wait_until(condition)
    finally:
        await subsystem.stop()


@pytest.mark.parametrize("action", ["delete", "move", "zip", "archive", "keep"])
async def test_post_process_actions_run_after_durable_acceptance(
    action: str, tmp_path: Path, queue: ReportQueue
) -> None:
    inbox = tmp_path / "in"
    inbox.mkdir()
    for serial in ("A", "B"):
        (inbox / f"{serial}.json").write_bytes(wsjf_bytes(serial))
    extra = {"archive_dir": tmp_path / "archive"} if action == "archive" else {}
    subsystem = ConverterSubsystem(_settings(inbox, post_process=action, **extra), queue)
    await _run_until(
        subsystem,
        lambda: (
            subsystem.stats.converters.get("wsjf") is not None
            and subsystem.stats.converters["wsjf"].files_converted == 2
        ),
    )
    assert queue.counts()["queued"] == 2
    done = inbox / "Done"
    expected = {
        "delete": (files_in(inbox), []),
        "move": (files_in(done), ["A.json", "B.json"]),
        "archive": (files_in(tmp_path / "archive"), ["A.json", "B.json"]),
        "keep": (files_in(inbox), ["A.json", "B.json"]),
    }
    if action == "zip":
        [archive] = files_in(done)
        with zipfile.ZipFile(done / archive) as packed:
            assert sorted(packed.namelist()) == ["A.json", "B.json"]
    else:
        got, want = expected[action]
        assert got == want


async def test_kept_sources_are_not_converted_again_after_a_restart(
    tmp_path: Path, queue: ReportQueue
) -> None:
    inbox = tmp_path / "in"
    inbox.mkdir()
    (inbox / "A.json").write_bytes(wsjf_bytes("A"))
    settings = _settings(inbox, post_process="keep", stable_seconds=0)
    ctx = SourceContext(
        settings.folders[0], load_registry(use_entry_points=False).get("wsjf"), None, queue
    )
    first = FolderRuntime(settings.folders[0], ctx, None, ConverterStats(), use_events=False)
    assert await first.scan_once() == 1
    await first.drain()
    restarted = FolderRuntime(settings.folders[0], ctx, None, ConverterStats(), use_events=False)
    restarted._kept = read_kept(settings.folders[0].kept_ledger())  # what run() loads
    assert await restarted.scan_once() == 0


async def test_bad_files_of_each_format_go_to_error_with_a_reason(
    tmp_path: Path, queue: ReportQueue
) -> None:
    inbox = tmp_path / "in"
    inbox.mkdir()
    bad = {
        "bad.json": b'{"type": "T", "id": ',
        "bad.xml": b"<Report><oops",
        "bad.txt": b"not\ta\twstf\tfile\n",
        "empty.json": b"",
    }
    for name, data in bad.items():
        (inbox / name).write_bytes(data)
    (inbox / "good.xml").write_bytes(wsxf_bytes("X1"))
    (inbox / "good.txt").write_bytes(wstf_bytes("T1", "T2"))
    folders = [
        FolderSettings(path=inbox, converter=name, stable_seconds=0.05, rescan_seconds=0.2)
        for name in ("wsjf", "wsxf", "wstf")
    ]
    subsystem = ConverterSubsystem(
        ConvertersSettings(folders=folders, use_entry_points=False), queue
    )
    await _run_until(subsystem, lambda: files_in(inbox) == [])
    error = inbox / "Error"
    assert files_in(error) == sorted([*bad, *(f"{name}.error" for name in bad)])
    reason = (error / "bad.xml.error").read_text()
    assert "converter: wsxf 1.0" in reason
    assert "not a readable WSXF report" in reason
    assert "empty file (zero bytes)" in (error / "empty.json.error").read_text()
    assert files_in(inbox / "Done") == ["good.txt", "good.xml"]
    assert queue.counts()["queued"] == 3
    stats = subsystem.status()["stats"]["converters"]
    assert stats["wstf"]["files_failed"] == 1
    assert stats["wstf"]["reports_accepted"] == 2


async def test_a_slowly_written_file_is_not_converted_early(
    tmp_path: Path, queue: ReportQueue
) -> None:
    inbox = tmp_path / "in"
    inbox.mkdir()
    folder = FolderSettings(path=inbox, converter="wsjf", stable_seconds=2.0)
    clock = FakeMonotonic()
    ctx = SourceContext(folder, load_registry(use_entry_points=False).get("wsjf"), None, queue)
    runtime = FolderRuntime(folder, ctx, None, ConverterStats(), monotonic=clock, use_events=False)
    content = wsjf_bytes("SLOW")
    target = inbox / "slow.json"
    step = len(content) // 5 + 1
    for offset in range(0, len(content), step):  # one chunk per (fake) 1.5 s: 6 s in total
        with target.open("ab") as handle:
            handle.write(content[offset : offset + step])
        assert await runtime.scan_once() == 0
        clock.now += 1.5
    assert await runtime.scan_once() == 0  # unchanged for 1.5 s < 2 s
    clock.now += 0.5
    assert await runtime.scan_once() == 1
    await runtime.drain()
    assert files_in(inbox / "Done") == ["slow.json"]
    assert len(queue.list()) == 1


async def test_polling_mode_processes_every_file_without_events(
    tmp_path: Path, queue: ReportQueue
) -> None:
    inbox = tmp_path / "in"
    inbox.mkdir()
    for number in range(39):
        (inbox / f"r{number:02}.json").write_bytes(wsjf_bytes(f"P{number}"))
    long_unicode_name = "ü" * 60 + "测试" * 20 + ".JSON"
    (inbox / long_unicode_name).write_bytes(wsjf_bytes("P-unicode"))
    settings = _settings(inbox, polling=True, poll_seconds=0.05, rescan_seconds=3600)
    wakes: list[int] = []
    subsystem = ConverterSubsystem(
        settings, queue, use_events=False, on_accepted=lambda: wakes.append(1)
    )
    await _run_until(subsystem, lambda: len(files_in(inbox / "Done")) == 40)
    assert subsystem.status()["folders"][0]["state"] == "polling"
    assert len(queue.list()) == 40
    assert len(wakes) == 40  # the uploader is told about each newly accepted source
    assert long_unicode_name in files_in(inbox / "Done")


async def test_a_refusing_queue_leaves_the_source_in_place_until_it_accepts_again(
    tmp_path: Path,
) -> None:
    inbox = tmp_path / "in"
    inbox.mkdir()
    for serial in ("A", "B", "C"):
        (inbox / f"{serial}.json").write_bytes(wsjf_bytes(serial))
    limits = QueueLimits(max_pending_count=2, min_free_bytes=0)
    with ReportQueue(tmp_path / "q", limits=limits) as small_queue:
        folder = FolderSettings(path=inbox, converter="wsjf", stable_seconds=0)
        clock = FakeMonotonic()
        ctx = SourceContext(
            folder, load_registry(use_entry_points=False).get("wsjf"), None, small_queue
        )
        stats = ConverterStats()
        runtime = FolderRuntime(folder, ctx, None, stats, monotonic=clock, use_events=False)
        await runtime.scan_once()
        await runtime.drain()
        assert len(files_in(inbox)) == 1  # the refused one stays where it was
        assert stats.refusals == 1
        assert await runtime.scan_once() == 0  # backing off: not offered again yet
        for _ in range(2):
            claimed = small_queue.claim_next()
            assert claimed is not None
            small_queue.complete(claimed.report_id)
        clock.now += 10
        assert await runtime.scan_once() == 1
        await runtime.drain()
        assert files_in(inbox) == []
        assert len(files_in(inbox / "Done")) == 3


async def test_a_hanging_user_converter_is_timed_out_and_the_next_file_proceeds(
    tmp_path: Path, queue: ReportQueue
) -> None:
    inbox = tmp_path / "in"
    inbox.mkdir()
    (inbox / "a-hang.lines").write_text("HANG\n")
    (inbox / "b-ok.lines").write_text("S1;1\nS2;2\n")
    settings = ConvertersSettings(
        folders=[
            FolderSettings(
                path=inbox,
                converter="lines",
                stable_seconds=0.05,
                timeout_seconds=1.0,
                max_concurrency=1,
                options={"station": "ST-U"},
            )
        ],
        converter_files=[write_user_converter(tmp_path / "conv")],
        use_entry_points=False,
        worker_processes=1,
    )
    subsystem = ConverterSubsystem(settings, queue)
    await _run_until(subsystem, lambda: files_in(inbox) == [])
    assert "timed out after 1 s" in (inbox / "Error" / "a-hang.lines.error").read_text()
    assert files_in(inbox / "Done") == ["b-ok.lines"]
    assert len(queue.list()) == 2
    counters = subsystem.stats.converters["lines"]
    assert (counters.files_timed_out, counters.files_converted) == (1, 1)
    assert 'pywats_converter_files_timed_out_total{converter="lines"} 1' in (
        subsystem.prometheus_lines()
    )


async def test_broken_converters_and_folders_show_in_status_and_do_not_stop_others(
    tmp_path: Path, queue: ReportQueue
) -> None:
    good, orphan, not_a_folder = tmp_path / "good", tmp_path / "orphan", tmp_path / "file"
    good.mkdir()
    not_a_folder.write_text("a file where a folder should be")
    (good / "A.json").write_bytes(wsjf_bytes("A"))
    broken_file = tmp_path / "broken.py"
    broken_file.write_text("raise ImportError('missing vendor lib')\n")
    settings = ConvertersSettings(
        folders=[
            FolderSettings(path=orphan, converter="vendor"),
            FolderSettings(path=good, converter="csv", options={"nonsense": 1}),
            FolderSettings(path=not_a_folder, converter="wsjf"),
            FolderSettings(path=good, converter="wsjf", stable_seconds=0.05),
        ],
        converter_files=[broken_file],
        use_entry_points=False,
    )
    subsystem = ConverterSubsystem(settings, queue)
    await _run_until(
        subsystem,
        lambda: files_in(good / "Done") == ["A.json"] and len(subsystem.health_problems()) == 4,
    )
    problems = subsystem.health_problems()
    assert any("missing vendor lib" in p for p in problems)
    assert any("no converter named 'vendor'" in p for p in problems)
    assert any("bad options" in p for p in problems)
    states = [f["state"] for f in subsystem.status()["folders"]]
    assert states.count("error") == 3
    assert any(f"watch folder {not_a_folder} not running: FileExistsError" in p for p in problems)


async def test_a_source_seen_again_after_acceptance_creates_no_duplicate(
    tmp_path: Path, queue: ReportQueue
) -> None:
    """What a crash between acceptance and the move looks like: the file is still there."""
    inbox = tmp_path / "in"
    inbox.mkdir()
    data = wstf_bytes("D1", "D2")
    (inbox / "multi.txt").write_bytes(data)
    folder = FolderSettings(path=inbox, converter="wstf", stable_seconds=0)
    ctx = SourceContext(folder, load_registry(use_entry_points=False).get("wstf"), None, queue)
    runtime = FolderRuntime(folder, ctx, None, ConverterStats(), use_events=False)
    await runtime.scan_once()
    await runtime.drain()
    ids = sorted(e.report_id for e in queue.list())
    shutil.copy(inbox / "Done" / "multi.txt", inbox / "multi.txt")
    await runtime.scan_once()
    await runtime.drain()
    assert sorted(e.report_id for e in queue.list()) == ids
    assert files_in(inbox / "Done") == ["multi-1.txt", "multi.txt"]
    meta = queue.get(ids[0]).meta
    assert meta is not None
    sha = hashlib.sha256(data).hexdigest()
    assert meta.correlation_id == correlation_id_for(sha)
    assert meta.source["sha256"] == sha
    assert meta.source["converter"] == "wstf"
    assert meta.source["converter_version"] == "1.0"
    assert meta.source["path"] == str(inbox / "multi.txt")
    assert meta.source["count"] == 2


async def test_same_report_id_with_different_content_goes_to_error(
    tmp_path: Path, queue: ReportQueue
) -> None:
    inbox = tmp_path / "in"
    inbox.mkdir()
    rid = "0d9c1b2a-3e4f-4a5b-8c6d-7e8f90a1b2c3"
    (inbox / "a.json").write_bytes(wsjf_bytes("A", rid))
    folder = FolderSettings(path=inbox, converter="wsjf", stable_seconds=0)
    ctx = SourceContext(folder, load_registry(use_entry_points=False).get("wsjf"), None, queue)
    runtime = FolderRuntime(folder, ctx, None, ConverterStats(), use_events=False)
    await runtime.scan_once()
    await runtime.drain()
    (inbox / "b.json").write_bytes(wsjf_bytes("B", rid))
    await runtime.scan_once()
    await runtime.drain()
    assert files_in(inbox / "Error") == ["b.json", "b.json.error"]
    assert len(queue.list()) == 1


async def test_a_thousand_files_dropped_at_once_are_each_queued_exactly_once(
    tmp_path: Path, queue: ReportQueue
) -> None:
    inbox = tmp_path / "in"
    inbox.mkdir()
    template = wsjf_bytes("T")
    ids = set()
    for number in range(1000):
        rid = f"00000000-0000-4000-8000-{number:012d}"
        (inbox / f"r{number:04}.json").write_bytes(
            template.replace(
                template[template.index(b'"id"') :].split(b",", 1)[0], f'"id": "{rid}"'.encode()
            )
        )
        ids.add(rid)
    subsystem = ConverterSubsystem(_settings(inbox, max_concurrency=8), queue)
    await _run_until(subsystem, lambda: len(files_in(inbox / "Done")) == 1000)
    assert {e.report_id for e in queue.list()} == ids
    assert files_in(inbox) == []
