"""RootCause routes of the emulator, driven with raw httpx over real HTTP."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from pywats.domains._arguments import multipart_body
from pywats_emulator.routes._rootcause_logic import (
    TicketRuleError,
    check_ticket,
    followers,
    property_changes,
    select_tickets,
)
from pywats_emulator.routes.rootcause import rootcause_seed_id
from pywats_emulator.testing import EmulatorHandle

NOW = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
IN_PROGRESS_ID = rootcause_seed_id("ticket", "1")
OPEN_ID = rootcause_seed_id("ticket", "2")
SOLVED_ID = rootcause_seed_id("ticket", "3")


@pytest.fixture
def api(emulator: EmulatorHandle) -> Iterator[httpx.Client]:
    emulator.set_clock(lambda: NOW)
    with httpx.Client(base_url=emulator.base_url, headers=emulator.auth_headers) as client:
        yield client


def _numbers(tickets: Sequence[Mapping[str, Any]]) -> list[int]:
    return [int(t["ticketNumber"]) for t in tickets]


def _upload(api: httpx.Client, name: str, data: bytes) -> str:
    body, headers = multipart_body("file", name, data, "text/plain")
    response = api.post("/api/RootCause/Attachment", content=body, headers=headers)
    assert response.status_code == 200
    return str(response.json())


# ---------------------------------------------------------------- pure logic


def test_check_ticket_rules() -> None:
    check_ticket({"subject": "s", "status": 1, "priority": 0})
    check_ticket({"subject": "s", "status": 2, "priority": 2, "assignee": "bob"})
    cases = [
        ({"subject": " ", "status": 1, "priority": 0}, "subject is required"),
        ({"subject": "s", "status": 3, "priority": 0}, "status 3"),
        ({"subject": "s", "status": 1, "priority": 5}, "priority 5"),
        ({"subject": "s", "status": 2, "priority": 0}, "must have the status Open"),
    ]
    for ticket, message in cases:
        with pytest.raises(TicketRuleError, match=message):
            check_ticket(ticket)


def test_property_changes_and_followers() -> None:
    before = {"status": 1, "priority": 0, "assignee": None}
    after = {"status": 2, "priority": 0, "assignee": "bob"}
    assert property_changes(before, after) == "Status: Open -> In progress; Assignee: - -> bob"
    assert property_changes(before, before) is None
    ticket = {"owner": "ann", "history": [{"updateUser": "bob"}, {"updateUser": None}]}
    assert followers(ticket) == {"ann", "bob"}


def test_select_tickets_by_flags_view_and_search() -> None:
    tickets = [
        {"ticketNumber": 2, "status": 1, "owner": "ann", "subject": "Oven drift"},
        {"ticketNumber": 1, "status": 2, "owner": "bob", "assignee": "ANN", "subject": "Fixture"},
        {"ticketNumber": 3, "status": 8, "owner": "bob", "tags": [{"key": "k", "value": "oven"}]},
    ]
    pick = select_tickets
    assert _numbers(pick(tickets, status_flags=63, view=2, user="x", search=None)) == [1, 2, 3]
    assert _numbers(pick(tickets, status_flags=1 | 8, view=2, user="x", search=None)) == [2, 3]
    assert _numbers(pick(tickets, status_flags=63, view=0, user="ann", search=None)) == [1]
    assert _numbers(pick(tickets, status_flags=63, view=1, user="ann", search=None)) == [2]
    assert _numbers(pick(tickets, status_flags=63, view=2, user="x", search="OVEN")) == [2, 3]


# ---------------------------------------------------------------- HTTP


def test_get_ticket(api: httpx.Client) -> None:
    ticket = api.get("/api/RootCause/Ticket", params={"ticketId": IN_PROGRESS_ID}).json()
    assert ticket["subject"] == "ICT fixture FIX-0001 gives intermittent opens"
    assert ticket["history"][0]["updateUser"] == "emulator"
    missing = api.get("/api/RootCause/Ticket", params={"ticketId": "nope"})
    assert missing.status_code == 404
    assert missing.json() == {"Message": "Ticket 'nope' was not found."}
    assert api.get("/api/RootCause/Ticket").status_code == 400


def test_create_ticket_with_first_update(api: httpx.Client) -> None:
    attachment = _upload(api, "log.txt", b"trace")
    body = {
        "subject": "New failure mode",
        "priority": 2,
        "reportUuid": "0b5e7f3c-0000-4000-8000-000000000001",
        "tags": [{"key": "Line", "value": "3"}],
        "ticketNumber": 999,
        "owner": "someone else",
        "update": {"content": "Seen on 3 units", "attachments": [{"attachmentId": attachment}]},
    }
    created = api.post("/api/RootCause/Ticket", json=body).json()
    assert (created["ticketNumber"], created["status"], created["owner"]) == (4, 1, "emulator")
    assert created["createdUtc"] == "2026-12-01T08:00:00Z"
    [entry] = created["history"]
    assert entry["content"] == "Seen on 3 units"
    assert entry["attachments"] == [{"attachmentId": attachment, "filename": "log.txt"}]
    assert "update" not in created


@pytest.mark.parametrize(
    ("body", "text"),
    [
        ({"priority": 1}, "subject is required"),
        ({"subject": "s", "status": 2}, "must have the status Open"),
        ({"subject": "s", "update": {"attachments": [{"attachmentId": "nope"}]}}, "does not exist"),
        ({"subject": "s", "update": {"content": "x", "updateType": 7}}, "update type 7"),
        ({"subject": "s", "update": "text"}, "must be an object"),
        ({"subject": "s", "tags": {"key": "a"}}, "tags must"),
    ],
)
def test_create_ticket_refusals(api: httpx.Client, body: dict[str, Any], text: str) -> None:
    response = api.post("/api/RootCause/Ticket", json=body)
    assert response.status_code == 400
    assert text in response.json()["Message"]


def test_update_ticket_records_changes(api: httpx.Client) -> None:
    ticket = api.get("/api/RootCause/Ticket", params={"ticketId": OPEN_ID}).json()
    change = {
        "ticketId": OPEN_ID,
        "assignee": "emulator",
        "status": 2,
        "update": {"content": "Checking the thermocouple", "updateType": 1},
    }
    updated = api.put("/api/RootCause/Ticket", json=change).json()
    assert (updated["status"], updated["assignee"], updated["progress"]) == (
        2,
        "emulator",
        "Checking the thermocouple",
    )
    assert [h["updateType"] for h in updated["history"]] == [0, 2, 1]
    assert (
        updated["history"][1]["content"] == "Status: Open -> In progress; Assignee: - -> emulator"
    )
    assert updated["subject"] == ticket["subject"]
    unassign = api.put("/api/RootCause/Ticket", json={"ticketId": OPEN_ID, "assignee": None})
    assert unassign.status_code == 400
    assert api.put("/api/RootCause/Ticket", json={"subject": "x"}).status_code == 400
    assert api.put("/api/RootCause/Ticket", json={"ticketId": "nope"}).status_code == 404


def test_list_tickets_by_status_view_and_search(api: httpx.Client) -> None:
    def numbers(**params: Any) -> list[int]:
        return _numbers(api.get("/api/RootCause/Tickets", params=params).json())

    assert numbers(status=63, view=2) == [1, 2, 3]
    assert numbers(status=1 | 2, view=2) == [1, 2]
    assert numbers(status=63, view=0) == [1, 3]
    assert numbers(status=63, view=1) == [1]
    assert numbers(status=63, view=2, searchString="oven") == [2]
    assert api.get("/api/RootCause/Tickets", params={"view": 2}).status_code == 400
    assert api.get("/api/RootCause/Tickets", params={"status": 1, "view": 5}).status_code == 400


def test_archive_only_solved(api: httpx.Client) -> None:
    refused = api.post("/api/RootCause/ArchiveTickets", json=[SOLVED_ID, OPEN_ID])
    assert refused.status_code == 400
    assert refused.json() == {"Message": "Ticket 2 is not solved."}
    archived = api.post("/api/RootCause/ArchiveTickets", json=[SOLVED_ID]).json()
    assert (archived["ticketId"], archived["status"]) == (SOLVED_ID, 32)
    assert api.post("/api/RootCause/ArchiveTickets", json=["nope"]).status_code == 404
    assert api.post("/api/RootCause/ArchiveTickets", json=[]).status_code == 400


def test_attachments_round_trip(api: httpx.Client) -> None:
    data = bytes(range(256)) * 3
    attachment = _upload(api, "scope.png", data)
    fetched = api.get("/api/RootCause/Attachment", params={"attachmentId": attachment})
    assert fetched.content == data
    assert 'filename="scope.png"' in fetched.headers["content-disposition"]
    renamed = api.get(
        "/api/RootCause/Attachment", params={"attachmentId": attachment, "fileName": "x.png"}
    )
    assert 'filename="x.png"' in renamed.headers["content-disposition"]
    assert api.get("/api/RootCause/Attachment", params={"attachmentId": "nope"}).status_code == 404
    odd = _upload(api, 'måling "1".txt', b"x")
    odd_download = api.get("/api/RootCause/Attachment", params={"attachmentId": odd})
    assert odd_download.headers["content-disposition"] == (
        "attachment; filename=\"m_ling _1_.txt\"; filename*=UTF-8''m%C3%A5ling%20%221%22.txt"
    )
    empty = api.post(
        "/api/RootCause/Attachment",
        content=b"",
        headers={"Content-Type": "application/octet-stream"},
    )
    assert empty.status_code == 400


def test_rootcause_routes_need_auth(emulator: EmulatorHandle) -> None:
    with httpx.Client(base_url=emulator.base_url) as anonymous:
        response = anonymous.get("/api/RootCause/Tickets", params={"status": 63, "view": 2})
        assert response.status_code == 401
