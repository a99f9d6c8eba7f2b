"""The WATS RootCause domain (``wats.rootcause``): problem tickets, their history and files.

To attach a file to a ticket, upload it first (:meth:`AsyncRootCauseDomain.upload_attachment`)
and cite the returned id in the ``update`` of a create or update call.
"""

from __future__ import annotations

import uuid

from pywats.domains._arguments import as_enum, multipart_body, require_text
from pywats.domains._base import AsyncDomain
from pywats.domains._parsing import parse_model
from pywats.exceptions import InvalidArgumentError, UnexpectedResponseError
from pywats.models.rootcause import ALL_TICKET_STATUSES, Ticket, TicketStatus, TicketView

TicketId = str | uuid.UUID


class AsyncRootCauseDomain(AsyncDomain):
    """Async access to the WATS RootCause ticket endpoints."""

    async def get_ticket(self, ticket_id: TicketId) -> Ticket:
        """One ticket with its history (``GET /api/RootCause/Ticket?ticketId=``)."""
        path = "/api/RootCause/Ticket"
        params = {"ticketId": require_text(str(ticket_id), "ticket_id")}
        return await self._request_model(Ticket, "GET", path, params=params)

    async def create_ticket(self, ticket: Ticket) -> Ticket:
        """Create a ticket (``POST /api/RootCause/Ticket``); the caller becomes its owner.

        ``ticket.update`` (optional) becomes the first history entry. An unassigned ticket
        must stay Open.
        """
        require_text(ticket.subject or "", "ticket.subject")
        path = "/api/RootCause/Ticket"
        return await self._request_model(Ticket, "POST", path, json=ticket.to_wire())

    async def update_ticket(self, ticket: Ticket) -> Ticket:
        """Change a ticket's status, assignee, priority… and append ``ticket.update``.

        Calls ``PUT /api/RootCause/Ticket``; ``ticket.ticket_id`` names the ticket.
        """
        if not ticket.ticket_id:
            raise InvalidArgumentError("ticket.ticket_id is required to update a ticket")
        path = "/api/RootCause/Ticket"
        return await self._request_model(Ticket, "PUT", path, json=ticket.to_wire())

    async def get_tickets(
        self,
        status: TicketStatus = ALL_TICKET_STATUSES,
        view: TicketView = TicketView.ALL,
        search_string: str | None = None,
    ) -> list[Ticket]:
        """Tickets with any of the ``status`` flags, as ``view`` shows them to the caller.

        Calls ``GET /api/RootCause/Tickets``; ``search_string`` narrows by subject text.
        """
        flags = int(as_enum(TicketStatus, status, "status"))
        if not 0 < flags <= int(ALL_TICKET_STATUSES):
            raise InvalidArgumentError("status must hold at least one ticket status flag")
        path = "/api/RootCause/Tickets"
        params = {
            "status": flags,
            "view": int(as_enum(TicketView, view, "view")),
            "searchString": search_string,
        }
        return await self._request_list(Ticket, "GET", path, params=params)

    async def archive_tickets(self, ticket_ids: list[TicketId]) -> Ticket | None:
        """Archive solved tickets (``POST /api/RootCause/ArchiveTickets``).

        Returns the ticket object the server answers with (the last one archived), if any.
        """
        if not ticket_ids:
            raise InvalidArgumentError("ticket_ids must name at least one ticket")
        path = "/api/RootCause/ArchiveTickets"
        body = [str(t) for t in ticket_ids]
        data = await self._http.request_json("POST", path, json=body)
        return None if data is None else parse_model(Ticket, data, "POST", path)

    async def upload_attachment(
        self, data: bytes, file_name: str, content_type: str = "application/octet-stream"
    ) -> str:
        """Upload a file for a ticket update; returns its attachment id.

        Calls ``POST /api/RootCause/Attachment`` (multipart form field ``file``).
        """
        require_text(file_name, "file_name")
        path = "/api/RootCause/Attachment"
        body, headers = multipart_body("file", file_name, data, content_type)
        answer = await self._http.request_json("POST", path, content=body, headers=headers)
        if not isinstance(answer, str) or not answer:
            raise UnexpectedResponseError("expected an attachment id", method="POST", path=path)
        return answer

    async def download_attachment(
        self, attachment_id: TicketId, file_name: str | None = None
    ) -> bytes:
        """A ticket attachment's bytes (``GET /api/RootCause/Attachment``)."""
        params = {
            "attachmentId": require_text(str(attachment_id), "attachment_id"),
            "fileName": file_name,
        }
        return await self._http.request_bytes("GET", "/api/RootCause/Attachment", params=params)
