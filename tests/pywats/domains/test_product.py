"""AsyncProductDomain against the real emulator over HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from pywats._core.odata import field
from pywats.client import AsyncWATS
from pywats.domains.product import AsyncProductDomain
from pywats.exceptions import (
    BadRequestError,
    InvalidArgumentError,
    NotFoundError,
    UnexpectedResponseError,
)
from pywats.models.product import (
    Bom,
    BomComponent,
    Product,
    ProductRevision,
    ProductRevisionRelation,
)
from pywats.models.production import Unit, UnitPhase
from pywats_emulator.routes._product_wsbf import parse_wsbf
from pywats_emulator.testing import EmulatorHandle


@pytest.fixture
async def product(emulator: EmulatorHandle) -> AsyncIterator[AsyncProductDomain]:
    async with AsyncWATS(base_url=emulator.base_url, token=emulator.token, retries=0) as wats:
        yield wats.product


async def test_get_product_and_revision(product: AsyncProductDomain) -> None:
    board = await product.get_product("PCBA-1000")
    assert board.name == "Controller board"
    assert [r.revision for r in board.revisions] == ["A", "B"]
    revision = await product.get_product_revision("PCBA-1000", "B")
    assert revision.product_id == board.product_id
    assert revision.part_number == "PCBA-1000"


async def test_missing_product_and_revision_raise_not_found(product: AsyncProductDomain) -> None:
    with pytest.raises(NotFoundError):
        await product.get_product("NO-SUCH-PN")
    with pytest.raises(NotFoundError):
        await product.get_product_revision("PCBA-1000", "ZZ")


async def test_part_numbers_with_reserved_characters_are_escaped(
    product: AsyncProductDomain,
) -> None:
    saved = await product.save_product(Product(part_number="A+B #1?x=%", name="odd"))
    assert (await product.get_product("A+B #1?x=%")).product_id == saved.product_id
    with pytest.raises(InvalidArgumentError):
        await product.get_product("A/B")
    with pytest.raises(InvalidArgumentError):
        await product.get_product_revision("PCBA-1000", " ")


async def test_query_products_with_text_and_builder_filters(product: AsyncProductDomain) -> None:
    pcbs = await product.query_products("category eq 'PCB'", orderby="partNumber", top=2)
    assert [p.part_number for p in pcbs] == ["4494394418", "FATPartNo"]
    non_serial = await product.query_products(field("nonSerial").eq(True))
    assert [p.part_number for p in non_serial] == ["CABLE-10"]
    assert len(await product.query_products(skip=1)) == len(await product.query_products()) - 1


async def test_query_products_with_a_bad_filter_raises_bad_request(
    product: AsyncProductDomain,
) -> None:
    with pytest.raises(BadRequestError) as caught:
        await product.query_products("colour eq 'red'")
    assert "colour" in caught.value.server_message


async def test_save_product_then_update(product: AsyncProductDomain) -> None:
    created = await product.save_product(
        Product(part_number="LIB-1", name="Library board", product_category_name="PCB")
    )
    assert created.product_id is not None
    created.description = "updated"
    updated = await product.save_product(created)
    assert updated.product_id == created.product_id
    assert (await product.get_product("LIB-1")).description == "updated"


async def test_save_products_and_revisions_in_bulk(product: AsyncProductDomain) -> None:
    saved = await product.save_products([Product(part_number="B-1"), Product(part_number="B-2")])
    assert [p.part_number for p in saved] == ["B-1", "B-2"]
    revisions = await product.save_product_revisions(
        [
            ProductRevision(part_number="B-1", revision="A"),
            ProductRevision(product_id=saved[1].product_id, revision="X"),
        ]
    )
    assert [(r.part_number, r.revision) for r in revisions] == [("B-1", "A"), ("B-2", "X")]


async def test_save_product_revision_needs_an_existing_product(
    product: AsyncProductDomain,
) -> None:
    revision = await product.save_product_revision(
        ProductRevision(part_number="PCBA-2000", revision="2", description="second")
    )
    assert revision.product_revision_id is not None
    assert (await product.get_product_revision("PCBA-2000", "2")).description == "second"
    with pytest.raises(NotFoundError):
        await product.save_product_revision(ProductRevision(part_number="NONE", revision="1"))


async def test_put_bom_then_read_it_back(product: AsyncProductDomain) -> None:
    bom = Bom(
        part_number="PCBA-2000",
        revision="1",
        description="power",
        components=[
            BomComponent(part_number="FUSE-2A", quantity=1, references=["F1"]),
            BomComponent(part_number="CAP-10U", quantity=2.5, references=["C1", "C2"]),
        ],
    )
    await product.put_bom(bom)
    items = await product.get_bom("PCBA-2000", "1")
    assert [(i.part_number, i.component_ref, i.quantity) for i in items] == [
        ("FUSE-2A", "F1", 1.0),
        ("CAP-10U", "C1;C2", 2.5),
    ]


def test_bom_to_wsbf_is_read_back_by_a_wsbf_reader() -> None:
    bom = Bom(
        part_number="P&1",
        revision="A",
        components=[BomComponent(part_number="R<1>", quantity=4, references=["R1"])],
    )
    parsed = parse_wsbf(bom.to_wsbf())
    assert parsed.part_number == "P&1"
    assert parsed.components[0].part_number == "R<1>"
    assert parsed.components[0].quantity == 4.0


async def test_put_bom_for_unknown_revision_raises_not_found(product: AsyncProductDomain) -> None:
    with pytest.raises(NotFoundError):
        await product.put_bom(Bom(part_number="PCBA-2000", revision="99"))


async def test_vendors_round_trip(product: AsyncProductDomain) -> None:
    await product.add_vendors(["Library Vendor"])
    names = [v.vendor_name for v in await product.get_vendors()]
    assert "Library Vendor" in names
    await product.delete_vendors(["Library Vendor", "Nordic Parts"])
    remaining = [v.vendor_name for v in await product.get_vendors()]
    assert remaining == ["Acme Components", "Volt Semiconductors"]


async def test_product_groups(product: AsyncProductDomain) -> None:
    names = [g.name for g in await product.get_product_groups_by_product("PCBA-2000")]
    assert names == ["All products", "PCBA"]
    await product.add_product_group_filter("PCBA", "PCBA-2000", revision="1", exclude=True)
    excluded = await product.get_product_groups_by_product("PCBA-2000", revision="1")
    assert [g.name for g in excluded] == ["All products"]
    with pytest.raises(NotFoundError):
        await product.add_product_group_filter("No group", "PCBA-2000")


async def test_empty_and_malformed_answers_become_typed_errors() -> None:
    # Real servers answer some lookups with 200 and an empty body; the emulator never does,
    # so this server quirk is played by a transport that answers like that server.
    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/EMPTY"):
            return httpx.Response(200, content=b"")
        return httpx.Response(200, json={"name": "no part number"})

    transport = httpx.MockTransport(answer)
    async with AsyncWATS(
        base_url="http://127.0.0.1:1", token="dG9rZW4=", transport=transport
    ) as wats:
        with pytest.raises(NotFoundError):
            await wats.product.get_product("EMPTY")
        with pytest.raises(UnexpectedResponseError) as caught:
            await wats.product.get_product("BROKEN")
        assert "partNumber" in str(caught.value)


async def test_box_build_relation_drives_add_child_unit(emulator: EmulatorHandle) -> None:
    async with AsyncWATS(base_url=emulator.base_url, token=emulator.token, retries=0) as wats:
        kit = await wats.product.save_product(Product(part_number="KIT-1"))
        kit_rev = await wats.product.save_product_revision(
            ProductRevision(product_id=kit.product_id, revision="A")
        )
        cable = await wats.product.get_product_revision("CABLE-10", "1")
        assert kit_rev.product_revision_id is not None
        assert cable.product_revision_id is not None
        relation = await wats.product.add_box_build_relation(
            ProductRevisionRelation(
                parent_product_revision_id=kit_rev.product_revision_id,
                product_revision_id=cable.product_revision_id,
                revision_mask="1",
            )
        )
        assert relation.part_number == "CABLE-10"
        await wats.production.save_units(
            [
                Unit(serial_number="KIT-0001", part_number="KIT-1", revision="A"),
                Unit(
                    serial_number="C-1",
                    part_number="CABLE-10",
                    revision="1",
                    unit_phase_id=UnitPhase.FINALIZED,
                ),
            ]
        )
        await wats.production.add_child_unit(
            "KIT-0001", "KIT-1", "C-1", "CABLE-10", check_part_number=True, check_revision=True
        )
        assert (await wats.production.check_child_units("KIT-0001", "KIT-1")).ok
        await wats.production.remove_child_unit("KIT-0001", "KIT-1", "C-1", "CABLE-10")
        assert relation.product_revision_relation_id is not None
        await wats.product.delete_box_build_relation(relation.product_revision_relation_id)
        with pytest.raises(BadRequestError):
            await wats.production.add_child_unit(
                "KIT-0001", "KIT-1", "C-1", "CABLE-10", check_part_number=True
            )
        with pytest.raises(NotFoundError):
            await wats.product.delete_box_build_relation(relation.product_revision_relation_id)
