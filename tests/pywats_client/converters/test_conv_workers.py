"""User converters run in worker processes: crashes, hangs and exceptions stay contained."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from conv_helpers import write_user_converter

from pywats.report import parse_wsjf
from pywats_client.converters.base import ConversionError, ConversionTimeoutError
from pywats_client.converters.ids import derived_report_id
from pywats_client.converters.registry import ConverterSpec
from pywats_client.converters.workers import ConversionTask, WorkerPool


@pytest.fixture
async def pool() -> AsyncIterator[WorkerPool]:
    workers = WorkerPool(size=1, timeout=30.0, max_tasks=3)
    try:
        yield workers
    finally:
        workers.close()


def _task(spec: ConverterSpec, text: str, options: dict[str, str] | None = None) -> ConversionTask:
    data = text.encode()
    sha = hashlib.sha256(data).hexdigest()
    return ConversionTask(spec, "in/x.lines", data, options or {}, sha)


async def test_worker_converts_and_derives_ids(pool: WorkerPool, tmp_path: Path) -> None:
    spec = ConverterSpec("file", str(write_user_converter(tmp_path)))
    task = _task(spec, "S1;1\nS2;2\n", {"station": "W"})
    reports = await pool.convert(task)
    assert [r.report_id for r in reports] == [
        derived_report_id(task.source_sha256, 0),
        derived_report_id(task.source_sha256, 1),
    ]
    assert parse_wsjf(reports[1].payload).machine_name == "W"


async def test_hung_converter_is_killed_and_the_next_file_proceeds(
    pool: WorkerPool, tmp_path: Path
) -> None:
    spec = ConverterSpec("file", str(write_user_converter(tmp_path)))
    with pytest.raises(ConversionTimeoutError, match=r"timed out after 0\.5 s"):
        await pool.convert(_task(spec, "HANG\n"), timeout=0.5)
    assert pool.restarts == 1
    assert len(await pool.convert(_task(spec, "S3;3\n"))) == 1


async def test_crashing_converter_process_is_replaced(pool: WorkerPool, tmp_path: Path) -> None:
    spec = ConverterSpec("file", str(write_user_converter(tmp_path)))
    with pytest.raises(ConversionError, match="process died \\(exit code 3\\)"):
        await pool.convert(_task(spec, "CRASH\n"))
    assert len(await pool.convert(_task(spec, "S4;4\n"))) == 1


async def test_converter_exception_carries_its_traceback(pool: WorkerPool, tmp_path: Path) -> None:
    spec = ConverterSpec("file", str(write_user_converter(tmp_path)))
    with pytest.raises(ConversionError) as caught:
        await pool.convert(_task(spec, "RAISE\n"))
    assert "RuntimeError: converter bug on purpose" in str(caught.value)
    assert "Traceback" in caught.value.details
    assert "line_converter.py" in caught.value.details


async def test_bad_options_and_load_failures_come_back_as_errors(
    pool: WorkerPool, tmp_path: Path
) -> None:
    spec = ConverterSpec("file", str(write_user_converter(tmp_path)))
    with pytest.raises(ConversionError, match="bad options"):
        await pool.convert(_task(spec, "S1;1\n", {"station": []}))  # type: ignore[dict-item]
    with pytest.raises(ConversionError, match="not found"):
        await pool.convert(_task(ConverterSpec("file", str(tmp_path / "gone.py")), "x"))


async def test_workers_are_recycled_after_max_tasks(pool: WorkerPool, tmp_path: Path) -> None:
    spec = ConverterSpec("file", str(write_user_converter(tmp_path)))
    for serial in range(4):
        await pool.convert(_task(spec, f"S{serial};1\n"))
    assert pool.restarts == 1  # max_tasks=3: the worker was replaced once, cleanly
