"""AsyncRootCauseDomain against the real emulator over HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from pywats.client import WATS, AsyncWATS
from pywats.domains.rootcause import AsyncRootCauseDomain
from pywats.exceptions import BadRequestError, InvalidArgumentError, NotFoundError
from pywats.models.asset import Setting
from pywats.models.rootcause import (
    Ticket,
    TicketAttachment,
    TicketPriority,
    TicketStatus,
    TicketUpdate,
    TicketView,
    UpdateType,
)
from pywats_emulator.routes.rootcause import rootcause_seed_id
from pywats_emulator.testing import EmulatorHandle

NOW = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
OPEN_ID = rootcause_seed_id("ticket", "2")
SOLVED_ID = rootcause_seed_id("ticket", "3")


@pytest.fixture
async def rootcause(emulator: EmulatorHandle) -> AsyncIterator[AsyncRootCauseDomain]:
    emulator.set_clock(lambda: NOW)
    async with AsyncWATS(base_url=emulator.base_url, token=emulator.token, retries=0) as wats:
        yield wats.rootcause


async def test_get_ticket(rootcause: AsyncRootCauseDomain) -> None:
    ticket = await rootcause.get_ticket(OPEN_ID)
    assert (ticket.ticket_number, ticket.status, ticket.priority) == (
        2,
        TicketStatus.OPEN,
        TicketPriority.MEDIUM,
    )
    assert ticket.tags == [Setting(key="Line", value="2")]
    with pytest.raises(NotFoundError):
        await rootcause.get_ticket("no-such-ticket")
    with pytest.raises(InvalidArgumentError):
        await rootcause.get_ticket("")


async def test_create_with_attachment_and_download(rootcause: AsyncRootCauseDomain) -> None:
    picture = b"\x89PNG\r\n\x1a\n" + bytes(200)
    attachment_id = await rootcause.upload_attachment(picture, "scope.png", "image/png")
    ticket = Ticket(
        subject="Solder bridge on U7",
        priority=TicketPriority.HIGH,
        update=TicketUpdate(
            content="See scope picture",
            attachments=[TicketAttachment(attachment_id=attachment_id)],
        ),
    )
    created = await rootcause.create_ticket(ticket)
    assert (created.ticket_number, created.owner, created.status) == (
        4,
        "emulator",
        TicketStatus.OPEN,
    )
    assert created.created_utc == NOW
    history = created.history or []
    assert history[0].attachments == [
        TicketAttachment(attachment_id=attachment_id, filename="scope.png")
    ]
    assert await rootcause.download_attachment(attachment_id) == picture
    assert await rootcause.download_attachment(attachment_id, file_name="copy.png") == picture
    with pytest.raises(NotFoundError):
        await rootcause.download_attachment("missing")
    with pytest.raises(InvalidArgumentError):
        await rootcause.create_ticket(Ticket(subject=" "))
    with pytest.raises(BadRequestError, match="must have the status Open"):
        await rootcause.create_ticket(Ticket(subject="x", status=TicketStatus.SOLVED))


async def test_update_ticket(rootcause: AsyncRootCauseDomain) -> None:
    ticket = await rootcause.get_ticket(OPEN_ID)
    ticket.assignee = "emulator"
    ticket.status = TicketStatus.IN_PROGRESS
    ticket.update = TicketUpdate(content="Oven sensor replaced", update_type=UpdateType.PROGRESS)
    updated = await rootcause.update_ticket(ticket)
    assert updated.progress == "Oven sensor replaced"
    assert [h.update_type for h in updated.history or []] == [
        UpdateType.CONTENT,
        UpdateType.PROPERTIES,
        UpdateType.PROGRESS,
    ]
    assert updated.updated_utc == NOW
    with pytest.raises(InvalidArgumentError):
        await rootcause.update_ticket(Ticket(subject="no id"))
    with pytest.raises(NotFoundError):
        await rootcause.update_ticket(Ticket(ticket_id="gone", subject="x"))


async def test_get_tickets(rootcause: AsyncRootCauseDomain) -> None:
    everything = await rootcause.get_tickets()
    assert [t.ticket_number for t in everything] == [1, 2, 3]
    mine = await rootcause.get_tickets(view=TicketView.ASSIGNED)
    assert [t.ticket_number for t in mine] == [1, 3]
    active = await rootcause.get_tickets(TicketStatus.OPEN | TicketStatus.IN_PROGRESS)
    assert [t.ticket_number for t in active] == [1, 2]
    found = await rootcause.get_tickets(search_string="label")
    assert [t.ticket_number for t in found] == [3]
    with pytest.raises(InvalidArgumentError):
        await rootcause.get_tickets(TicketStatus(0))
    with pytest.raises(InvalidArgumentError, match="view must be one of 0, 1, 2"):
        await rootcause.get_tickets(view=7)  # type: ignore[arg-type]


async def test_archive_tickets(rootcause: AsyncRootCauseDomain) -> None:
    archived = await rootcause.archive_tickets([SOLVED_ID])
    assert archived is not None
    assert archived.status is TicketStatus.ARCHIVED
    with pytest.raises(BadRequestError, match="not solved"):
        await rootcause.archive_tickets([OPEN_ID])
    with pytest.raises(InvalidArgumentError):
        await rootcause.archive_tickets([])


def test_sync_twin_creates_and_lists(emulator: EmulatorHandle) -> None:
    with WATS(base_url=emulator.base_url, token=emulator.token, retries=0) as wats:
        created = wats.rootcause.create_ticket(Ticket(subject="From a station"))
        mine = wats.rootcause.get_tickets(TicketStatus.OPEN, TicketView.FOLLOWING)
    assert [t.ticket_id for t in mine] == [created.ticket_id]
