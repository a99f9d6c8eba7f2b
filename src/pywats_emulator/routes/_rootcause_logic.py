"""RootCause ticket rules without I/O: validation, applying an update, list filtering.

Tickets are wire dicts (camelCase). ``status`` is one flag per ticket (1 Open … 32 Archived);
list queries OR flags together.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

OPEN, IN_PROGRESS, ON_HOLD, SOLVED, CLOSED, ARCHIVED = 1, 2, 4, 8, 16, 32
STATUS_NAMES = {
    OPEN: "Open",
    IN_PROGRESS: "In progress",
    ON_HOLD: "On hold",
    SOLVED: "Solved",
    CLOSED: "Closed",
    ARCHIVED: "Archived",
}
ALL_STATUSES = 63
PRIORITIES = (0, 1, 2)
VIEW_ASSIGNED, VIEW_FOLLOWING, VIEW_ALL = 0, 1, 2
UPDATE_CONTENT, UPDATE_PROGRESS, UPDATE_PROPERTIES = 0, 1, 2
# Fields a client may set; the rest (ids, owner, times, history) belong to the server.
EDITABLE = ("subject", "status", "priority", "assignee", "team", "tags", "progress", "reportUuid")


class TicketRuleError(Exception):
    """A ticket request breaks a rule; the message is the server's answer."""


def check_ticket(ticket: Mapping[str, Any]) -> None:
    """Raise unless the ticket's subject, status, priority and assignment are acceptable."""
    if not str(ticket.get("subject") or "").strip():
        raise TicketRuleError("The ticket subject is required.")
    status = ticket.get("status")
    if status not in STATUS_NAMES:
        raise TicketRuleError(f"The ticket status {status!r} is not one of 1, 2, 4, 8, 16, 32.")
    if ticket.get("priority") not in PRIORITIES:
        raise TicketRuleError(f"The ticket priority {ticket.get('priority')!r} is not 0, 1 or 2.")
    if not ticket.get("assignee") and status != OPEN:
        raise TicketRuleError("An unassigned ticket must have the status Open.")


def property_changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> str | None:
    """A history line describing status/priority/assignee changes, or ``None``."""
    lines = []
    if before.get("status") != after.get("status"):
        old, new = STATUS_NAMES.get(before.get("status", 0)), STATUS_NAMES.get(after["status"])
        lines.append(f"Status: {old} -> {new}")
    if before.get("priority") != after.get("priority"):
        lines.append(f"Priority: {before.get('priority')} -> {after.get('priority')}")
    if before.get("assignee") != after.get("assignee"):
        lines.append(f"Assignee: {before.get('assignee') or '-'} -> {after.get('assignee') or '-'}")
    return "; ".join(lines) or None


def attachment_ids(update: Mapping[str, Any]) -> list[str]:
    """The attachment ids an update cites (raises for malformed references)."""
    refs = update.get("attachments") or []
    if not isinstance(refs, list):
        raise TicketRuleError("The update's attachments must be a list.")
    ids = []
    for ref in refs:
        if not isinstance(ref, dict) or not ref.get("attachmentId"):
            raise TicketRuleError("Each attachment needs an attachmentId.")
        ids.append(str(ref["attachmentId"]))
    return ids


def followers(ticket: Mapping[str, Any]) -> set[str]:
    """Users following a ticket: its owner and everyone who wrote in its history."""
    users = {str(ticket.get("owner") or "")}
    users.update(str(u.get("updateUser") or "") for u in ticket.get("history") or [])
    users.discard("")
    return users


def _matches_search(ticket: Mapping[str, Any], text: str) -> bool:
    needle = text.lower()
    haystack = [str(ticket.get("subject") or ""), str(ticket.get("ticketNumber") or "")]
    haystack += [str(t.get("value") or "") for t in ticket.get("tags") or []]
    return any(needle in item.lower() for item in haystack)


def select_tickets(
    tickets: Iterable[Mapping[str, Any]],
    *,
    status_flags: int,
    view: int,
    user: str,
    search: str | None,
) -> list[Mapping[str, Any]]:
    """Tickets whose status is in ``status_flags`` and that ``view`` shows to ``user``."""
    chosen = []
    for ticket in tickets:
        if not int(ticket.get("status") or 0) & status_flags:
            continue
        if view == VIEW_ASSIGNED and (ticket.get("assignee") or "").lower() != user.lower():
            continue
        if view == VIEW_FOLLOWING and user not in followers(ticket):
            continue
        if search and not _matches_search(ticket, search):
            continue
        chosen.append(ticket)
    return sorted(chosen, key=lambda t: int(t.get("ticketNumber") or 0))
