"""Pydantic models of the WATS RootCause domain (problem tickets)."""

from __future__ import annotations

from datetime import datetime
from enum import IntEnum, IntFlag

from pywats.models._base import ApiModel
from pywats.models.asset import Setting


class TicketStatus(IntFlag):
    """Ticket status; flags are OR-ed together to list several statuses at once."""

    OPEN = 1
    IN_PROGRESS = 2
    ON_HOLD = 4
    SOLVED = 8
    CLOSED = 16
    ARCHIVED = 32


#: Every status at once, for ``get_tickets``.
ALL_TICKET_STATUSES = TicketStatus(63)


class TicketPriority(IntEnum):
    """Ticket priority."""

    LOW = 0
    MEDIUM = 1
    HIGH = 2


class TicketView(IntEnum):
    """Which tickets ``GET /api/RootCause/Tickets`` lists, seen from the calling user."""

    ASSIGNED = 0
    FOLLOWING = 1
    ALL = 2


class UpdateType(IntEnum):
    """Kind of a ticket update."""

    CONTENT = 0
    PROGRESS = 1
    PROPERTIES = 2
    NOTIFICATION = 3


class TicketAttachment(ApiModel):
    """Reference to an uploaded attachment (upload first, then cite its id in an update)."""

    attachment_id: str
    filename: str | None = None


class TicketUpdate(ApiModel):
    """One entry of a ticket's history, or the update to apply on save."""

    update_id: str | None = None
    update_utc: datetime | None = None
    update_user: str | None = None
    content: str | None = None
    update_type: UpdateType | None = None
    attachments: list[TicketAttachment] | None = None


class Ticket(ApiModel):
    """A RootCause ticket."""

    ticket_id: str | None = None
    ticket_number: int | None = None
    progress: str | None = None
    owner: str | None = None
    assignee: str | None = None
    subject: str | None = None
    status: TicketStatus | None = None
    priority: TicketPriority | None = None
    report_uuid: str | None = None
    created_utc: datetime | None = None
    updated_utc: datetime | None = None
    team: str | None = None
    origin: str | None = None
    tags: list[Setting] | None = None
    history: list[TicketUpdate] | None = None
    update: TicketUpdate | None = None


__all__ = [
    "ALL_TICKET_STATUSES",
    "Ticket",
    "TicketAttachment",
    "TicketPriority",
    "TicketStatus",
    "TicketUpdate",
    "TicketView",
    "UpdateType",
]
