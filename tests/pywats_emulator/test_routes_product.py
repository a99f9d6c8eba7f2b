"""Product routes of the emulator over raw HTTP, plus the pure OData and WSBF helpers."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pywats_emulator.routes._odata import (
    ODataError,
    apply_orderby,
    parse_filter,
    parse_orderby,
)
from pywats_emulator.routes._product_wsbf import WsbfError, parse_wsbf
from pywats_emulator.testing import EmulatorHandle

FIELDS = ("partNumber", "name", "state", "nonSerial")
ROWS: list[Mapping[str, Any]] = [
    {"partNumber": "PCBA-1000", "name": "Controller", "state": 1, "nonSerial": False},
    {"partNumber": "pcba-2000", "name": "O'Brien board", "state": 0, "nonSerial": False},
    {"partNumber": "CABLE-10", "name": None, "state": 1, "nonSerial": True},
]
WSBF = (
    '<BOM xmlns="http://wats.virinco.com/schemas/WATS/wsbf" Partnumber="PCBA-1000"'
    ' Revision="A" Desc="Controller BOM">'
    '<Component Number="RES-1K" Rev="2" Qty="3" Desc="Resistor" Ref="R1;R2;R3"'
    ' FunctionBlock="Input"/><Component Number="IC-7"/></BOM>'
)


@pytest.fixture
def api(emulator: EmulatorHandle) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=emulator.base_url, headers=emulator.auth_headers) as client:
        yield client


def _matching(expression: str) -> list[str]:
    predicate = parse_filter(expression, FIELDS)
    return [row["partNumber"] for row in ROWS if predicate(row)]


# ------------------------------------------------------------------ pure helpers


def test_odata_filter_comparisons_and_logic() -> None:
    assert _matching("partNumber eq 'pcba-1000'") == ["PCBA-1000"]
    assert _matching("state eq 1 and not nonSerial eq true") == ["PCBA-1000"]
    assert _matching("(state lt 1 or nonSerial eq true)") == ["pcba-2000", "CABLE-10"]
    assert _matching("name eq null") == ["CABLE-10"]
    assert _matching("name eq 'O''Brien board'") == ["pcba-2000"]


def test_odata_filter_string_functions() -> None:
    assert _matching("startswith(partNumber,'PCBA')") == ["PCBA-1000", "pcba-2000"]
    assert _matching("contains(Name, 'BRIEN')") == ["pcba-2000"]
    assert _matching("endswith(partNumber,'-10')") == ["CABLE-10"]


@pytest.mark.parametrize(
    "expression",
    ["colour eq 'red'", "partNumber eq", "partNumber like 'x'", "(state eq 1", "state eq 1 )"],
)
def test_odata_filter_errors(expression: str) -> None:
    with pytest.raises(ODataError):
        parse_filter(expression, FIELDS)


@given(st.text(alphabet="abnotreqgl ()',-0123456789partNumbercontains", max_size=60))
def test_odata_filter_never_fails_with_anything_but_odata_error(expression: str) -> None:
    try:
        predicate = parse_filter(expression, FIELDS)
    except ODataError:
        return
    for row in ROWS:
        with contextlib.suppress(ODataError):
            assert isinstance(predicate(row), bool)


def test_odata_orderby() -> None:
    order = parse_orderby("state desc, partNumber", FIELDS)
    assert order == [("state", True), ("partNumber", False)]
    ordered = [row["partNumber"] for row in apply_orderby(ROWS, order)]
    assert ordered == ["CABLE-10", "PCBA-1000", "pcba-2000"]
    with pytest.raises(ODataError):
        parse_orderby("state sideways", FIELDS)


def test_wsbf_parse_reads_bom_and_components() -> None:
    bom = parse_wsbf(WSBF)
    assert (bom.part_number, bom.revision, bom.description) == ("PCBA-1000", "A", "Controller BOM")
    first = bom.components[0]
    assert (first.part_number, first.quantity, first.references) == ("RES-1K", 3.0, "R1;R2;R3")
    assert bom.components[1].quantity is None


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ("<BOM", "well-formed"),
        ("<Parts/>", "root element"),
        ('<BOM Revision="A"/>', "Partnumber"),
        ('<BOM Partnumber="P" Revision="A"><Component Qty="1"/></BOM>', "Number"),
        ('<BOM Partnumber="P" Revision="A"><Component Number="X" Qty="two"/></BOM>', "Qty"),
    ],
)
def test_wsbf_parse_errors(document: str, message: str) -> None:
    with pytest.raises(WsbfError, match=message):
        parse_wsbf(document)


# ------------------------------------------------------------------ products and revisions


def test_get_product_with_revisions_any_case(api: httpx.Client) -> None:
    response = api.get("/api/Product/pcba-1000")
    assert response.status_code == 200
    product = response.json()
    assert product["partNumber"] == "PCBA-1000"
    assert [r["revision"] for r in product["revisions"]] == ["A", "B"]
    assert product["revisions"][0]["PartNumber"] == "PCBA-1000"


def test_get_unknown_product_is_404(api: httpx.Client) -> None:
    response = api.get("/api/Product/NOPE-1")
    assert response.status_code == 404
    assert "NOPE-1" in response.json()["Message"]


def test_get_revision_and_unknown_revision(api: httpx.Client) -> None:
    revision = api.get("/api/Product/PCBA-1000/B").json()
    assert revision["revision"] == "B"
    assert revision["productId"] == api.get("/api/Product/PCBA-1000").json()["productId"]
    assert api.get("/api/Product/PCBA-1000/Z").status_code == 404


def test_query_filters_orders_and_pages(api: httpx.Client) -> None:
    pcb = api.get("/api/Product/Query", params={"$filter": "category eq 'PCB'"}).json()
    assert {p["partNumber"] for p in pcb} == {"PCBA-1000", "PCBA-2000", "4494394418", "FATPartNo"}
    page = api.get(
        "/api/Product/Query", params={"$orderby": "partNumber desc", "$top": "2", "$skip": "1"}
    ).json()
    assert [p["partNumber"] for p in page] == ["PCBA-2000", "PCBA-1000"]
    bad = api.get("/api/Product/Query", params={"$filter": "colour eq 'red'"})
    assert bad.status_code == 400
    assert "colour" in bad.json()["Message"]
    mismatch = api.get("/api/Product/Query", params={"$filter": "state gt 'x'"})
    assert mismatch.status_code == 400
    assert "compare" in mismatch.json()["Message"]


def test_put_product_creates_then_updates(api: httpx.Client) -> None:
    created = api.put("/api/Product", json={"partNumber": "NEW-1", "name": "New"}).json()
    assert created["productId"]
    assert created["state"] == 1
    updated = api.put(
        "/api/Product",
        json={"productId": created["productId"], "partNumber": "NEW-1", "description": "d"},
    ).json()
    assert updated["name"] == "New"  # left out: kept
    assert updated["description"] == "d"
    assert api.get("/api/Product/new-1").json()["description"] == "d"


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"name": "no part number"}, 400),
        ({"partNumber": "X", "nonSerial": "yes"}, 400),
        ({"partNumber": "X", "productId": "00000000-0000-0000-0000-000000000009"}, 404),
        (["not", "an", "object"], 400),
    ],
)
def test_put_product_rejects_bad_bodies(api: httpx.Client, body: object, status: int) -> None:
    response = api.put("/api/Product", json=body)
    assert response.status_code == status
    assert response.json()["Message"]


def test_put_product_with_malformed_json_is_400(api: httpx.Client) -> None:
    response = api.put(
        "/api/Product", content=b"{nope", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400


def test_bulk_products_and_revisions(api: httpx.Client) -> None:
    saved = api.put(
        "/api/Products", json=[{"partNumber": "BULK-1"}, {"partNumber": "BULK-2", "state": 0}]
    ).json()
    assert [p["partNumber"] for p in saved] == ["BULK-1", "BULK-2"]
    revisions = api.put(
        "/api/Products/Revisions",
        json=[{"PartNumber": "BULK-1", "revision": "A"}, {"partNumber": "BULK-2", "revision": "1"}],
    ).json()
    assert [r["PartNumber"] for r in revisions] == ["BULK-1", "BULK-2"]
    assert api.get("/api/Product/BULK-2/1").status_code == 200


def test_bulk_products_is_all_or_nothing(api: httpx.Client) -> None:
    response = api.put("/api/Products", json=[{"partNumber": "OK-1"}, {"name": "broken"}])
    assert response.status_code == 400
    assert api.get("/api/Product/OK-1").status_code == 404


def test_put_revision_creates_updates_and_checks_the_product(api: httpx.Client) -> None:
    created = api.put(
        "/api/Product/Revision", json={"PartNumber": "PCBA-2000", "revision": "2", "name": "two"}
    ).json()
    assert created["PartNumber"] == "PCBA-2000"
    again = api.put(
        "/api/Product/Revision",
        json={"productId": created["productId"], "revision": "2", "state": 0},
    ).json()
    assert again["productRevisionId"] == created["productRevisionId"]
    assert again["state"] == 0
    assert again["name"] == "two"
    missing = api.put("/api/Product/Revision", json={"PartNumber": "NOPE", "revision": "1"})
    assert missing.status_code == 404
    orphan = api.put("/api/Product/Revision", json={"revision": "1"})
    assert orphan.status_code == 400


# ------------------------------------------------------------------ BOM, vendors, groups


def test_put_bom_replaces_the_revision_bom(api: httpx.Client) -> None:
    response = api.put(
        "/api/Product/BOM", content=WSBF, headers={"Content-Type": "application/xml"}
    )
    assert response.status_code == 200
    assert response.json()["componentCount"] == 2
    items = api.get(
        "/api/internal/Product/Bom", params={"partNumber": "PCBA-1000", "revision": "A"}
    ).json()
    assert [(i["partNumber"], i["componentRef"], i["quantity"]) for i in items] == [
        ("RES-1K", "R1;R2;R3", 3.0),
        ("IC-7", None, None),
    ]


def test_put_bom_errors(api: httpx.Client) -> None:
    bad_xml = api.put("/api/Product/BOM", content="<BOM", headers={"Content-Type": "text/xml"})
    assert bad_xml.status_code == 400
    unknown = WSBF.replace('Revision="A"', 'Revision="Q"')
    assert api.put("/api/Product/BOM", content=unknown).status_code == 404


def test_seeded_bom_and_bom_parameters(api: httpx.Client) -> None:
    items = api.get(
        "/api/internal/Product/Bom", params={"partNumber": "PCBA-1000", "revision": "B"}
    ).json()
    assert [i["componentRef"] for i in items] == ["R1;R2", "C1", "U1"]
    missing = api.get("/api/internal/Product/Bom", params={"partNumber": "PCBA-1000"})
    assert missing.status_code == 400
    assert "revision" in missing.json()["Message"]


def test_vendors_add_list_delete(api: httpx.Client) -> None:
    initial = [v["VendorName"] for v in api.get("/api/Product/Vendors").json()]
    assert "Acme Components" in initial
    added = api.put(
        "/api/Product/Vendors", json=[{"VendorName": "Zeta"}, {"vendorName": "acme components"}]
    )
    assert added.status_code == 200
    after_add = [v["VendorName"] for v in api.get("/api/Product/Vendors").json()]
    assert after_add == sorted([*initial, "Zeta"])
    api.request("DELETE", "/api/Product/Vendors", json=[{"VendorName": "ZETA"}])
    assert [v["VendorName"] for v in api.get("/api/Product/Vendors").json()] == initial
    assert api.put("/api/Product/Vendors", json=[{"VendorName": ""}]).status_code == 400


def test_product_groups_by_product_and_filters(api: httpx.Client) -> None:
    def groups(part_number: str, revision: str | None = None) -> list[str]:
        params = {"partNumber": part_number} | ({"revision": revision} if revision else {})
        response = api.get("/api/Product/ProductGroupsByProduct", params=params)
        return [g["name"] for g in response.json()]

    assert groups("PCBA-1000") == ["All products", "PCBA"]
    assert groups("PCBA-1000", "A") == ["All products"]  # PCBA excludes revision A
    assert groups("CABLE-10") == ["All products"]
    added = api.post(
        "/api/Product/ProductGroupFilter",
        params={"productGroup": "modules", "partNumber": "CABLE-10"},
    )
    assert added.status_code == 200
    assert groups("CABLE-10") == ["All products", "Modules"]
    api.post(
        "/api/Product/ProductGroupFilter",
        params={
            "productGroup": "Modules",
            "partNumber": "CABLE-10",
            "revision": "1",
            "exclude": "true",
        },
    )
    assert groups("CABLE-10", "1") == ["All products"]


def test_product_group_errors(api: httpx.Client) -> None:
    no_group = api.post(
        "/api/Product/ProductGroupFilter", params={"productGroup": "Nope", "partNumber": "CABLE-10"}
    )
    assert no_group.status_code == 404
    no_product = api.get("/api/Product/ProductGroupsByProduct", params={"partNumber": "NOPE"})
    assert no_product.status_code == 404
    no_param = api.get("/api/Product/ProductGroupsByProduct")
    assert no_param.status_code == 400


def test_product_routes_require_authentication(emulator: EmulatorHandle) -> None:
    with httpx.Client(base_url=emulator.base_url) as client:
        assert client.get("/api/Product/PCBA-1000").status_code == 401


def _revision_id(api: httpx.Client, part_number: str, revision: str) -> str:
    return str(api.get(f"/api/Product/{part_number}/{revision}").json()["productRevisionId"])


def test_box_build_relations_add_and_delete(api: httpx.Client) -> None:
    parent = _revision_id(api, "PCBA-1000", "A")
    child = _revision_id(api, "CABLE-10", "1")
    response = api.post(
        "/api/internal/Product/PostProductRevisionRelation",
        json={
            "ParentProductRevisionId": parent,
            "ProductRevisionId": child,
            "Quantity": 2,
            "RevisionMask": "1%",
        },
    )
    assert response.status_code == 200, response.text
    relation = response.json()
    assert (relation["PartNumber"], relation["Quantity"]) == ("CABLE-10", 2)
    relation_id = relation["ProductRevisionRelationId"]
    params = {"productRevisionRelationId": relation_id}
    assert (
        api.delete("/api/internal/Product/DeleteProductRevisionRelation", params=params)
    ).status_code == 200
    again = api.delete("/api/internal/Product/DeleteProductRevisionRelation", params=params)
    assert again.status_code == 404


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"ProductRevisionId": "child"}, 400),
        ({"ParentProductRevisionId": "parent", "ProductRevisionId": "nope"}, 404),
        ({"ParentProductRevisionId": "parent", "ProductRevisionId": "child", "Quantity": 0}, 400),
        ({"ParentProductRevisionId": "parent", "ProductRevisionId": "parent"}, 400),
    ],
)
def test_box_build_relation_errors(api: httpx.Client, body: dict[str, object], status: int) -> None:
    ids = {
        "parent": _revision_id(api, "PCBA-1000", "A"),
        "child": _revision_id(api, "CABLE-10", "1"),
    }
    resolved = {key: ids.get(str(value), value) for key, value in body.items()}
    response = api.post("/api/internal/Product/PostProductRevisionRelation", json=resolved)
    assert response.status_code == status
    assert response.json()["Message"]


def test_product_group_filters_feed_the_analytics_groups(api: httpx.Client) -> None:
    # One set of product groups serves /api/Product and /api/App.
    app_groups = api.get("/api/App/ProductGroups").json()
    assert [g["productGroupName"] for g in app_groups] == ["PCBA", "Modules", "All products"]
    api.post(
        "/api/Product/ProductGroupFilter",
        params={"productGroup": "Modules", "partNumber": "CABLE-10"},
    )
    detailed = api.get("/api/App/ProductGroups", params={"includeFilters": "true"}).json()
    assert [f["partNumber"] for f in detailed[1]["filters"]] == ["MOD-*", "*MODULE*", "CABLE-10"]
    # An exclude filter or a revision-bound include is not a part-number pattern for analytics.
    assert [f["partNumber"] for f in detailed[0]["filters"]] == ["PCB-*", "PCBA-*", "4494394418"]
