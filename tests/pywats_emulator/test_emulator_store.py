"""The SQLite store, the database lifecycle and the HTML page."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import httpx
import pytest

from pywats_emulator.demo import demo_uut
from pywats_emulator.lifecycle import create_schema, discover_route_modules, seed_if_empty
from pywats_emulator.routes.home import render_page
from pywats_emulator.store import Store
from pywats_emulator.testing import EmulatorHandle


def test_file_store_uses_wal_and_keeps_data(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "db.sqlite"
    with Store(path) as store:
        assert store.journal_mode == "wal"
        store.executescript("CREATE TABLE t (v INTEGER)")
        store.execute("INSERT INTO t VALUES (?)", (1,))
    with Store(path) as reopened:
        assert [r["v"] for r in reopened.query("SELECT v FROM t")] == [1]


def test_memory_store_and_transactions() -> None:
    with Store() as store:
        assert store.journal_mode == "memory"
        store.executescript("CREATE TABLE t (v INTEGER PRIMARY KEY AUTOINCREMENT, n TEXT)")

        def insert_then_fail() -> None:
            with store.transaction():
                store.execute("INSERT INTO t (n) VALUES ('lost')")
                raise RuntimeError("roll back")

        with pytest.raises(RuntimeError):
            insert_then_fail()
        with store.transaction(), store.transaction():
            store.execute("INSERT INTO t (n) VALUES ('kept')")
        assert [r["n"] for r in store.query("SELECT n FROM t")] == ["kept"]
        store.executemany("INSERT INTO t (n) VALUES (?)", [("a",), ("b",)])
        assert store.query_one("SELECT COUNT(*) FROM t")[0] == 3  # type: ignore[index]
        store.clear_all()
        store.execute("INSERT INTO t (n) VALUES ('fresh')")
        assert [tuple(r) for r in store.query("SELECT v, n FROM t")] == [(1, "fresh")]


def test_store_is_safe_across_threads() -> None:
    with Store() as store:
        store.executescript("CREATE TABLE t (n INTEGER)")

        def insert(offset: int) -> None:
            for n in range(200):
                store.execute("INSERT INTO t VALUES (?)", (offset + n,))

        threads = [threading.Thread(target=insert, args=(k * 1000,)) for k in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert store.query_one("SELECT COUNT(DISTINCT n) FROM t")[0] == 800  # type: ignore[index]


def test_seed_runs_once_per_database(tmp_path: Path) -> None:
    modules = discover_route_modules(["process"])
    with Store(tmp_path / "db.sqlite") as store:
        create_schema(store, modules)
        assert seed_if_empty(store, modules) is True
        assert seed_if_empty(store, modules) is False
        count = store.query_one("SELECT COUNT(*) FROM processes")
        assert count is not None
        assert count[0] > 0


async def test_home_page_lists_reports_newest_first_escaped(emulator: EmulatorHandle) -> None:
    older, newer = demo_uut(1), demo_uut(2, sn="<script>alert(1)</script>")
    async with httpx.AsyncClient(base_url=emulator.base_url, headers=emulator.auth_headers) as c:
        for report in (older, newer):
            assert (await c.post("/api/Report/WSJF", content=json.dumps(report))).status_code == 200
    async with httpx.AsyncClient(base_url=emulator.base_url) as anonymous:
        page = await anonymous.get("/")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    html = page.text
    assert '<meta http-equiv="refresh"' in html
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert html.index("&lt;script&gt;") < html.index("DEMO000001")
    assert "2 report(s) received" in html


def test_empty_page_says_so() -> None:
    html = render_page("T & Co", [], 0)
    assert "No reports yet." in html
    assert "<title>T &amp; Co</title>" in html


async def test_admin_reports_and_reset(emulator: EmulatorHandle) -> None:
    async with httpx.AsyncClient(base_url=emulator.base_url, headers=emulator.auth_headers) as c:
        await c.post("/api/Report/WSJF", content=json.dumps(demo_uut(1)))
        await c.post("/api/Report/WSJF", content=json.dumps(demo_uut(2)))
        listed = (await c.get("/_emulator/reports")).json()
        assert listed["count"] == 2
        assert [r["serialNumber"] for r in listed["reports"]] == ["DEMO000002", "DEMO000001"]
        assert listed["reports"][0]["receivedAt"]
        assert (await c.post("/_emulator/reset")).json() == {"reset": True}
        assert (await c.get("/_emulator/reports")).json() == {"count": 0, "reports": []}
        processes = await c.get("/api/App/Processes")
    assert processes.status_code == 200
    assert processes.json()
