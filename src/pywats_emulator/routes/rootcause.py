"""RootCause ticket routes (wats-rest-api.md §3.9): tickets, updates, attachments, archiving.

Tickets are wire dicts in ``rootcause_tickets`` (history included); attachments are raw bytes
in ``rootcause_attachments``. Rules are in :mod:`._rootcause_logic`.
"""

from __future__ import annotations

import uuid
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from pywats_emulator.http import json_response, read_json
from pywats_emulator.routes._asset_params import (
    attachment_disposition,
    caller_name,
    check_tags,
    dump_body,
    load_body,
)
from pywats_emulator.routes._multipart import uploaded_file
from pywats_emulator.routes._params import (
    bad_request,
    body_object,
    guarded,
    not_found,
    optional_int,
    optional_str,
    required_str,
)
from pywats_emulator.routes._rootcause_logic import (
    ALL_STATUSES,
    ARCHIVED,
    EDITABLE,
    OPEN,
    SOLVED,
    UPDATE_CONTENT,
    UPDATE_PROPERTIES,
    TicketRuleError,
    attachment_ids,
    check_ticket,
    property_changes,
    select_tickets,
)
from pywats_emulator.routes._seed_ids import ROOTCAUSE_NAMESPACE, seed_guid
from pywats_emulator.state import EmulatorState
from pywats_emulator.store import Store

SCHEMA = """
CREATE TABLE IF NOT EXISTS rootcause_tickets (
    ticket_id TEXT PRIMARY KEY,
    ticket_number INTEGER NOT NULL UNIQUE,
    body TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS rootcause_attachments (
    attachment_id TEXT PRIMARY KEY,
    filename TEXT NOT NULL,
    content_type TEXT NOT NULL,
    content BLOB NOT NULL
);
"""

SEED_DATE = "2026-01-01T00:00:00Z"
# (subject, status, priority, owner, assignee, tags)
_SEED_TICKETS = [
    (
        "ICT fixture FIX-0001 gives intermittent opens",
        2,
        2,
        "emulator",
        "emulator",
        [("Line", "1")],
    ),
    ("Burn-in oven temperature drift", 1, 1, "qa", None, [("Line", "2")]),
    ("Wrong label printed on PCBA-100", 8, 0, "qa", "emulator", []),
]


def rootcause_seed_id(kind: str, name: str) -> str:
    """The stable GUID of a seeded RootCause row."""
    return seed_guid(kind, name, ROOTCAUSE_NAMESPACE)


def seed(store: Store) -> None:
    """Insert three demo tickets (in progress, open/unassigned, solved)."""
    for number, (subject, status, priority, owner, assignee, tags) in enumerate(_SEED_TICKETS, 1):
        ticket_id = rootcause_seed_id("ticket", str(number))
        ticket = {
            "ticketId": ticket_id,
            "ticketNumber": number,
            "subject": subject,
            "status": status,
            "priority": priority,
            "owner": owner,
            "assignee": assignee,
            "team": "Test engineering",
            "tags": [{"key": k, "value": v} for k, v in tags],
            "createdUtc": SEED_DATE,
            "updatedUtc": SEED_DATE,
            "history": [
                {
                    "updateId": rootcause_seed_id("update", str(number)),
                    "updateUtc": SEED_DATE,
                    "updateUser": owner,
                    "content": subject,
                    "updateType": UPDATE_CONTENT,
                    "attachments": [],
                }
            ],
        }
        store.execute(
            "INSERT INTO rootcause_tickets (ticket_id, ticket_number, body) VALUES (?, ?, ?)",
            (ticket_id, number, dump_body(ticket)),
        )


# Broken ticket rules are the caller's fault: 400 with the rule's message.
_RULE_ERRORS: dict[type[Exception], int] = {TicketRuleError: 400}


class RootCauseRoutes:
    """Handlers of the RootCause endpoints."""

    def __init__(self, state: EmulatorState) -> None:
        self.state = state
        self.store = state.store

    def _ticket(self, ticket_id: str) -> dict[str, Any]:
        row = self.store.query_one(
            "SELECT body FROM rootcause_tickets WHERE lower(ticket_id) = lower(?)", (ticket_id,)
        )
        if row is None:
            raise not_found(f"Ticket '{ticket_id}' was not found.")
        return load_body(row[0])

    def _save(self, ticket: dict[str, Any]) -> None:
        self.store.execute(
            "INSERT INTO rootcause_tickets (ticket_id, ticket_number, body) VALUES (?, ?, ?)"
            " ON CONFLICT(ticket_id) DO UPDATE SET body = excluded.body",
            (ticket["ticketId"], ticket["ticketNumber"], dump_body(ticket)),
        )

    def _history_entry(
        self, request: Request, content: str | None, kind: int, attachments: list[dict[str, Any]]
    ) -> dict[str, Any]:
        return {
            "updateId": str(uuid.uuid4()),
            "updateUtc": self.state.now_iso(),
            "updateUser": caller_name(request),
            "content": content,
            "updateType": kind,
            "attachments": attachments,
        }

    def _cited_attachments(self, update: dict[str, Any]) -> list[dict[str, Any]]:
        cited = []
        for attachment_id in attachment_ids(update):
            row = self.store.query_one(
                "SELECT attachment_id, filename FROM rootcause_attachments"
                " WHERE lower(attachment_id) = lower(?)",
                (attachment_id,),
            )
            if row is None:
                raise TicketRuleError(f"The attachment '{attachment_id}' does not exist.")
            cited.append({"attachmentId": row[0], "filename": row[1]})
        return cited

    def _apply_update(self, request: Request, ticket: dict[str, Any], update: Any) -> None:
        if update is None:
            return
        if not isinstance(update, dict):
            raise TicketRuleError("The ticket's update must be an object.")
        kind = update.get("updateType", UPDATE_CONTENT)
        if kind not in (0, 1, 2, 3):
            raise TicketRuleError(f"The update type {kind!r} is not 0-3.")
        if kind == 1 and update.get("content"):
            ticket["progress"] = update["content"]
        entry = self._history_entry(
            request, update.get("content"), kind, self._cited_attachments(update)
        )
        ticket.setdefault("history", []).append(entry)

    async def create_ticket(self, request: Request) -> Response:
        body = body_object(await read_json(request), "Ticket")
        check_tags(body.get("tags"))
        ticket: dict[str, Any] = {k: body[k] for k in EDITABLE if k in body}
        ticket.setdefault("status", OPEN)
        ticket.setdefault("priority", 0)
        check_ticket(ticket)
        row = self.store.query_one("SELECT max(ticket_number) FROM rootcause_tickets")
        now = self.state.now_iso()
        ticket.update(
            ticketId=str(uuid.uuid4()),
            ticketNumber=int(row[0] or 0) + 1 if row else 1,
            owner=caller_name(request),
            origin=body.get("origin"),
            createdUtc=now,
            updatedUtc=now,
            history=[],
        )
        self._apply_update(request, ticket, body.get("update"))
        self._save(ticket)
        return json_response(ticket)

    async def update_ticket(self, request: Request) -> Response:
        body = body_object(await read_json(request), "Ticket")
        if not body.get("ticketId"):
            raise bad_request("The ticketId is required.")
        ticket = self._ticket(str(body["ticketId"]))
        check_tags(body.get("tags"))
        before = dict(ticket)
        ticket.update({k: body[k] for k in EDITABLE if k in body})
        check_ticket(ticket)
        changes = property_changes(before, ticket)
        if changes:
            ticket["history"].append(self._history_entry(request, changes, UPDATE_PROPERTIES, []))
        self._apply_update(request, ticket, body.get("update"))
        ticket["updatedUtc"] = self.state.now_iso()
        self._save(ticket)
        return json_response(ticket)

    async def get_ticket(self, request: Request) -> Response:
        return json_response(self._ticket(required_str(request.query_params, "ticketId")))

    async def list_tickets(self, request: Request) -> Response:
        params = request.query_params
        status = optional_int(params, "status")
        view = optional_int(params, "view")
        if status is None or not 0 < status <= ALL_STATUSES:
            raise bad_request("The parameter 'status' is required (flags 1-63).")
        if view not in (0, 1, 2):
            raise bad_request("The parameter 'view' is required (0 assigned, 1 following, 2 all).")
        tickets = [load_body(r[0]) for r in self.store.query("SELECT body FROM rootcause_tickets")]
        chosen = select_tickets(
            tickets,
            status_flags=status,
            view=view,
            user=caller_name(request),
            search=optional_str(params, "searchString"),
        )
        return json_response(chosen)

    async def archive_tickets(self, request: Request) -> Response:
        ids = await read_json(request)
        if not isinstance(ids, list) or not ids or not all(isinstance(i, str) for i in ids):
            raise bad_request("The body must be a non-empty array of ticket ids.")
        tickets = [self._ticket(i) for i in ids]
        for ticket in tickets:
            if ticket["status"] != SOLVED:
                raise TicketRuleError(f"Ticket {ticket['ticketNumber']} is not solved.")
        for ticket in tickets:
            ticket["status"] = ARCHIVED
            ticket["updatedUtc"] = self.state.now_iso()
            ticket["history"].append(
                self._history_entry(request, "Status: Solved -> Archived", UPDATE_PROPERTIES, [])
            )
            self._save(ticket)
        return json_response(tickets[-1])

    async def upload_attachment(self, request: Request) -> Response:
        content_type = request.headers.get("content-type", "")
        upload = uploaded_file(await request.body(), content_type, "file")
        attachment_id = str(uuid.uuid4())
        self.store.execute(
            "INSERT INTO rootcause_attachments (attachment_id, filename, content_type, content)"
            " VALUES (?, ?, ?, ?)",
            (attachment_id, upload.filename or "attachment", upload.content_type, upload.content),
        )
        return json_response(attachment_id)

    async def download_attachment(self, request: Request) -> Response:
        attachment_id = required_str(request.query_params, "attachmentId")
        row = self.store.query_one(
            "SELECT * FROM rootcause_attachments WHERE lower(attachment_id) = lower(?)",
            (attachment_id,),
        )
        if row is None:
            raise not_found(f"Attachment '{attachment_id}' was not found.")
        name = optional_str(request.query_params, "fileName") or row["filename"]
        return Response(
            bytes(row["content"]),
            media_type=row["content_type"],
            headers={"Content-Disposition": attachment_disposition(str(name))},
        )


def routes(state: EmulatorState) -> list[Route]:
    """The RootCause endpoints (paths lower-case; the app matches case-insensitively)."""
    h = RootCauseRoutes(state)
    table = [
        ("/api/rootcause/archivetickets", h.archive_tickets, "POST"),
        ("/api/rootcause/attachment", h.download_attachment, "GET"),
        ("/api/rootcause/attachment", h.upload_attachment, "POST"),
        ("/api/rootcause/ticket", h.get_ticket, "GET"),
        ("/api/rootcause/ticket", h.create_ticket, "POST"),
        ("/api/rootcause/ticket", h.update_ticket, "PUT"),
        ("/api/rootcause/tickets", h.list_tickets, "GET"),
    ]
    return [
        Route(path, guarded(fn, statuses=_RULE_ERRORS), methods=[verb]) for path, fn, verb in table
    ]


__all__ = ["SCHEMA", "rootcause_seed_id", "routes", "seed"]
