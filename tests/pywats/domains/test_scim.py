"""AsyncScimDomain against the real emulator over HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from pywats.client import WATS, AsyncWATS
from pywats.domains.scim import AsyncScimDomain, scim_eq
from pywats.exceptions import BadRequestError, ConflictError, InvalidArgumentError, NotFoundError
from pywats.models.scim import ScimEmail, ScimName, ScimPatchOperation, ScimUser
from pywats_emulator.routes.scim import scim_seed_id
from pywats_emulator.testing import EmulatorHandle

NOW = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
ANN = "ann.operator@example.com"


@pytest.fixture
async def scim(emulator: EmulatorHandle) -> AsyncIterator[AsyncScimDomain]:
    emulator.set_clock(lambda: NOW)
    async with AsyncWATS(base_url=emulator.base_url, token=emulator.token, retries=0) as wats:
        yield wats.scim


def test_scim_eq_quotes_values() -> None:
    assert scim_eq("userName", 'a"b') == 'userName eq "a\\"b"'
    assert scim_eq("active", False) == "active eq false"
    with pytest.raises(InvalidArgumentError):
        scim_eq(" ", "x")


async def test_create_token(scim: AsyncScimDomain) -> None:
    token = await scim.create_token(30)
    assert token.token is not None
    assert token.token.count(".") == 2
    assert token.expires_utc == datetime(2026, 12, 31, 8, tzinfo=UTC)
    assert (await scim.create_token()).expires_utc == datetime(2027, 3, 1, 8, tzinfo=UTC)
    with pytest.raises(InvalidArgumentError):
        await scim.create_token(0)


async def test_get_users_pages_and_filters(scim: AsyncScimDomain) -> None:
    first = await scim.get_users(count=2)
    assert (first.total_results, first.items_per_page, first.start_index) == (3, 2, 1)
    assert [u.user_name for u in first.resources] == [ANN, "bob.engineer@example.com"]
    only = await scim.get_users(scim_eq("userName", ANN.upper()))
    assert [u.id for u in only.resources] == [scim_seed_id(ANN)]
    everyone = await scim.get_all_users(page_size=1)
    assert len(everyone) == 3
    active = await scim.get_all_users(scim_eq("active", True))
    assert {u.user_name for u in active} == {ANN, "bob.engineer@example.com"}
    with pytest.raises(BadRequestError, match="filter"):
        await scim.get_users("userName eq")
    with pytest.raises(InvalidArgumentError):
        await scim.get_users(start_index=0)


async def test_user_life_cycle(scim: AsyncScimDomain) -> None:
    user = ScimUser(
        user_name="dana@example.com",
        name=ScimName(given_name="Dana", family_name="Tester"),
        emails=[ScimEmail(value="dana@example.com", type="work", primary=True)],
    )
    created = await scim.create_user(user)
    assert created.id
    assert created.active is True
    assert created.meta is not None
    assert created.meta.created == NOW
    with pytest.raises(ConflictError):
        await scim.create_user(user)
    assert (await scim.get_user(created.id)).name == user.name
    assert (await scim.get_user_by_name("dana@example.com")).id == created.id
    patched = await scim.patch_user(
        created.id,
        [
            ScimPatchOperation(path="fullName", value="Dana T."),
            ScimPatchOperation(path="levels", value="Site A;Site B"),
            ScimPatchOperation(path="active", value=False),
        ],
    )
    assert (patched.display_name, patched.active) == ("Dana T.", False)
    assert patched.model_extra == {"levels": ["Site A", "Site B"]}
    await scim.delete_user(created.id)
    with pytest.raises(NotFoundError):
        await scim.get_user(created.id)


async def test_scim_argument_and_not_found_errors(scim: AsyncScimDomain) -> None:
    with pytest.raises(NotFoundError):
        await scim.get_user_by_name("nobody@example.com")
    with pytest.raises(NotFoundError):
        await scim.delete_user("no-such-id")
    with pytest.raises(InvalidArgumentError):
        await scim.patch_user(scim_seed_id(ANN), [])
    with pytest.raises(InvalidArgumentError):
        await scim.patch_user(scim_seed_id(ANN), [ScimPatchOperation(path="userName", value="x")])
    with pytest.raises(InvalidArgumentError):
        await scim.get_user("")


def test_sync_twin_finds_user_by_name(emulator: EmulatorHandle) -> None:
    with WATS(base_url=emulator.base_url, token=emulator.token, retries=0) as wats:
        user = wats.scim.get_user_by_name(ANN)
    assert (user.id, user.display_name) == (scim_seed_id(ANN), "Ann Operator")
