"""SCIM routes of the emulator, driven with raw httpx over real HTTP."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pywats.domains.scim import scim_eq
from pywats.models.scim import ERROR_SCHEMA, LIST_RESPONSE_SCHEMA, PATCH_OP_SCHEMA
from pywats_emulator.routes._scim_filter import ScimFilterError, page, parse_scim_filter
from pywats_emulator.routes._scim_users import ScimRuleError, apply_patch, provisioning_token
from pywats_emulator.routes.scim import scim_seed_id
from pywats_emulator.testing import EmulatorHandle

NOW = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
ANN = "ann.operator@example.com"
ANN_ID = scim_seed_id(ANN)
SCIM_JSON = {"Content-Type": "application/scim+json"}


@pytest.fixture
def api(emulator: EmulatorHandle) -> Iterator[httpx.Client]:
    emulator.set_clock(lambda: NOW)
    with httpx.Client(base_url=emulator.base_url, headers=emulator.auth_headers) as client:
        yield client


def _patch(*operations: dict[str, Any]) -> dict[str, Any]:
    return {"schemas": [PATCH_OP_SCHEMA], "Operations": list(operations)}


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


# ---------------------------------------------------------------- pure logic

USERS = [
    {
        "userName": "Ann",
        "active": True,
        "name": {"familyName": "Smith"},
        "emails": [{"value": "a@x.io"}],
    },
    {"userName": "bob", "active": False, "emails": [{"value": "b@y.io"}, {"value": "b@x.io"}]},
]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('userName eq "ann"', ["Ann"]),
        ('userName ne "ann"', ["bob"]),
        ("active eq false", ["bob"]),
        ('emails.value ew "@x.io"', ["Ann", "bob"]),
        ('name.familyName sw "sm" and active eq true', ["Ann"]),
        ('not (userName co "o") or name.familyName pr', ["Ann"]),
        ("name.familyName eq null", ["bob"]),
        ('(userName eq "bob") or (userName eq "ann")', ["Ann", "bob"]),
        ('userName gt "azz"', ["bob"]),
    ],
)
def test_scim_filter(text: str, expected: list[str]) -> None:
    predicate = parse_scim_filter(text)
    assert [u["userName"] for u in USERS if predicate(u)] == expected


@pytest.mark.parametrize(
    "text", ["userName eq", 'userName xx "a"', '(userName eq "a"', '"a" eq "a"', "a eq b"]
)
def test_scim_filter_rejects_bad_syntax(text: str) -> None:
    with pytest.raises(ScimFilterError):
        parse_scim_filter(text)


@given(st.text(min_size=1, max_size=30))
def test_library_scim_eq_parses_in_the_emulator(user_name: str) -> None:
    """``scim_eq`` quoting survives the emulator's parser for any user name."""
    predicate = parse_scim_filter(scim_eq("userName", user_name))
    assert predicate({"userName": user_name})
    assert not predicate({"userName": user_name + "x"})


def test_page_is_one_based() -> None:
    items = list("abcde")
    assert page(items, None, None) == (items, 1)
    assert page(items, 2, 2) == (["b", "c"], 2)
    assert page(items, 0, -1) == ([], 1)
    assert page(items, 9, 5) == ([], 9)


def test_apply_patch_replaces_and_adds() -> None:
    user = {"userName": "a", "levels": ["L1"], "meta": {"created": "x"}}
    patched = apply_patch(
        user,
        _patch(
            {"op": "Replace", "path": "fullName", "value": "Ann A"},
            {"op": "replace", "path": "levels", "value": "L1;L2"},
            {"op": "replace", "path": "active", "value": "false"},
            {"op": "replace", "path": "roles", "value": "Operator;Viewer"},
        ),
        NOW,
    )
    assert patched["displayName"] == "Ann A"
    assert patched["levels"] == ["L1", "L2"]
    assert patched["active"] is False
    assert patched["roles"] == ["Operator", "Viewer"]
    assert patched["meta"] == {"created": "x", "lastModified": "2026-12-01T08:00:00Z"}
    for body, text in [
        (_patch({"op": "add", "path": "roles", "value": "x"}), "Only 'replace'"),
        (_patch({"op": "replace", "path": "userName", "value": "x"}), "cannot be patched"),
        (_patch({"op": "replace", "path": "active", "value": 3}), "true or false"),
        ({"Operations": [{"op": "replace"}]}, "schemas must list"),
        ({"schemas": [PATCH_OP_SCHEMA], "Operations": []}, "non-empty"),
    ]:
        with pytest.raises(ScimRuleError, match=text):
            apply_patch(user, body, NOW)


def test_provisioning_token_is_a_signed_jwt() -> None:
    answer = provisioning_token("secret", "ann", NOW, 30)
    header, claims, signature = answer["token"].split(".")
    assert json.loads(_unb64(header)) == {"alg": "HS256", "typ": "JWT"}
    payload = json.loads(_unb64(claims))
    assert payload["exp"] - payload["iat"] == 30 * 86400
    expected = hmac.new(b"secret", f"{header}.{claims}".encode(), hashlib.sha256).digest()
    assert _unb64(signature) == expected
    assert answer["expiresUtc"] == "2026-12-31T08:00:00Z"
    with pytest.raises(ScimRuleError):
        provisioning_token("secret", "ann", NOW, 0)


# ---------------------------------------------------------------- HTTP


def test_token_endpoint(api: httpx.Client) -> None:
    response = api.get("/api/SCIM/v2/Token")
    assert response.headers["content-type"] == "application/scim+json"
    assert response.json()["expiresUtc"] == "2027-03-01T08:00:00Z"
    assert (
        api.get("/api/SCIM/v2/Token", params={"duration": 7}).json()["expiresUtc"]
        == "2026-12-08T08:00:00Z"
    )
    assert api.get("/api/SCIM/v2/Token", params={"duration": -1}).status_code == 400


def test_list_users_paging_and_filter(api: httpx.Client) -> None:
    listing = api.get("/api/SCIM/v2/Users").json()
    assert listing["schemas"] == [LIST_RESPONSE_SCHEMA]
    assert (listing["totalResults"], listing["itemsPerPage"], listing["startIndex"]) == (3, 3, 1)
    assert [u["userName"] for u in listing["Resources"]] == [
        ANN,
        "bob.engineer@example.com",
        "carl.former@example.com",
    ]
    second = api.get("/api/SCIM/v2/Users", params={"startIndex": 2, "count": 1}).json()
    assert (second["totalResults"], second["itemsPerPage"], second["startIndex"]) == (3, 1, 2)
    assert second["Resources"][0]["userName"] == "bob.engineer@example.com"
    found = api.get("/api/SCIM/v2/Users", params={"filter": f'userName eq "{ANN.upper()}"'}).json()
    assert [u["id"] for u in found["Resources"]] == [ANN_ID]
    inactive = api.get("/api/SCIM/v2/Users", params={"filter": "active eq false"}).json()
    assert inactive["totalResults"] == 1
    bad = api.get("/api/SCIM/v2/Users", params={"filter": "userName eq"})
    assert bad.status_code == 400
    assert bad.json()["scimType"] == "invalidFilter"
    assert bad.json()["schemas"] == [ERROR_SCHEMA]


def test_create_user(api: httpx.Client) -> None:
    body = {
        "schemas": [],
        "userName": "dana@example.com",
        "name": {"givenName": "Dana"},
        "id": "mine",
    }
    response = api.post("/api/SCIM/v2/Users", content=json.dumps(body), headers=SCIM_JSON)
    assert response.status_code == 201
    created = response.json()
    assert created["id"] != "mine"
    assert created["active"] is True
    assert created["meta"]["created"] == "2026-12-01T08:00:00Z"
    assert created["meta"]["location"] == f"/api/SCIM/v2/Users/{created['id']}"
    again = api.post("/api/SCIM/v2/Users", json={"userName": "DANA@example.com"})
    assert again.status_code == 409
    assert again.json()["scimType"] == "uniqueness"
    assert api.post("/api/SCIM/v2/Users", json={"displayName": "x"}).status_code == 400
    assert (
        api.post("/api/SCIM/v2/Users", json={"userName": "e", "active": "yes"}).status_code == 400
    )


def test_get_user_by_id_and_by_name(api: httpx.Client) -> None:
    by_id = api.get(f"/api/SCIM/v2/Users/{ANN_ID}").json()
    assert by_id["name"]["familyName"] == "Operator"
    by_name = api.get(f"/api/SCIM/v2/Users/userName={ANN}").json()
    assert by_name["id"] == ANN_ID
    missing = api.get("/api/SCIM/v2/Users/userName=nobody")
    assert missing.status_code == 404
    assert missing.json()["Message"] == "User 'nobody' was not found."
    assert api.get("/api/SCIM/v2/Users/nope").status_code == 404


def test_patch_user(api: httpx.Client) -> None:
    body = _patch(
        {"op": "replace", "path": "email", "value": "ann@new.example.com"},
        {"op": "replace", "path": "productGroups", "value": "PCBA;Cables"},
        {"op": "replace", "path": "active", "value": False},
    )
    patched = api.patch(
        f"/api/SCIM/v2/Users/{ANN_ID}", content=json.dumps(body), headers=SCIM_JSON
    ).json()
    assert patched["emails"] == [{"value": "ann@new.example.com", "type": "work", "primary": True}]
    assert patched["productGroups"] == ["PCBA", "Cables"]
    assert patched["active"] is False
    assert api.get(f"/api/SCIM/v2/Users/{ANN_ID}").json() == patched
    wrong = api.patch(
        f"/api/SCIM/v2/Users/{ANN_ID}", json=_patch({"op": "remove", "path": "email"})
    )
    assert wrong.status_code == 400
    assert api.patch("/api/SCIM/v2/Users/nope", json=body).status_code == 404


def test_delete_user(api: httpx.Client) -> None:
    assert api.delete(f"/api/SCIM/v2/Users/{ANN_ID}").status_code == 204
    assert api.get(f"/api/SCIM/v2/Users/{ANN_ID}").status_code == 404
    assert api.delete(f"/api/SCIM/v2/Users/{ANN_ID}").status_code == 404


def test_scim_routes_need_auth(emulator: EmulatorHandle) -> None:
    with httpx.Client(base_url=emulator.base_url) as anonymous:
        assert anonymous.get("/api/SCIM/v2/Users").status_code == 401
