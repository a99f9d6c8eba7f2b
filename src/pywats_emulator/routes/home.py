"""``GET /``: a read-only, auto-refreshing HTML list of received reports (no auth)."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from ..reportdata import RESULT_WORDS
from ..state import EmulatorState

SCHEMA = ""
REFRESH_SECONDS = 5
SHOWN = 200
COLUMNS = ("Received", "Type", "Result", "Part number", "Serial number", "Station")


def render_page(title: str, rows: Sequence[Sequence[str]], total: int) -> str:
    """The page's HTML; every value is escaped."""
    head = "".join(f"<th>{escape(c)}</th>" for c in COLUMNS)
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(value)}</td>" for value in row) + "</tr>" for row in rows
    )
    empty = "" if rows else f'<tr><td colspan="{len(COLUMNS)}">No reports yet.</td></tr>'
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8">'
        f'<meta http-equiv="refresh" content="{REFRESH_SECONDS}">'
        f"<title>{escape(title)}</title>"
        "<style>body{font-family:sans-serif}table{border-collapse:collapse}"
        "td,th{border:1px solid #ccc;padding:2px 8px;text-align:left}</style></head><body>"
        f"<h1>{escape(title)}</h1><p>{total} report(s) received; newest first.</p>"
        f"<table><thead><tr>{head}</tr></thead><tbody>{body}{empty}</tbody></table>"
        "</body></html>"
    )


def routes(state: EmulatorState) -> list[Route]:
    """The home page."""

    async def home(_: Request) -> Response:
        store = state.store
        total = store.query_one("SELECT COUNT(*) FROM reports")
        found = store.query(
            "SELECT received_at, type, result, pn, sn, machine_name FROM reports "
            "ORDER BY received_at DESC, seq DESC LIMIT ?",
            (SHOWN,),
        )
        rows = [
            (
                str(r["received_at"]),
                "UUT" if r["type"] == "T" else "UUR",
                RESULT_WORDS.get(r["result"] or "", str(r["result"] or "")),
                str(r["pn"] or ""),
                str(r["sn"] or ""),
                str(r["machine_name"] or ""),
            )
            for r in found
        ]
        title = f"{state.config.server_name} {state.config.server_version}"
        return HTMLResponse(render_page(title, rows, total[0] if total else 0))

    return [Route("/", home, methods=["GET"])]
