"""Pydantic models of the WATS product domain: products, revisions, BOMs, vendors, groups."""

from __future__ import annotations

from uuid import UUID
from xml.etree import ElementTree

from pydantic import Field

from pywats.models._base import ApiModel, PascalModel

__all__ = [
    "WSBF_NAMESPACE",
    "Bom",
    "BomComponent",
    "BomItem",
    "Product",
    "ProductGroup",
    "ProductRevision",
    "ProductRevisionRelation",
    "ProductView",
    "Setting",
    "Vendor",
]

WSBF_NAMESPACE = "http://wats.virinco.com/schemas/WATS/wsbf"


class Setting(ApiModel):
    """A tag (key/value) on a product or revision; ``change`` says how to apply it."""

    key: str
    value: str | None = None
    change: int | None = None


class ProductRevision(ApiModel):
    """One revision of a product (``ProductRevision``)."""

    product_revision_id: UUID | None = None
    product_id: UUID | None = None
    revision: str
    name: str | None = None
    description: str | None = None
    state: int | None = None
    xml_data: str | None = None
    # [S] spells this one with a capital P.
    part_number: str | None = Field(default=None, alias="PartNumber")
    tags: list[Setting] = Field(default_factory=list)


class Product(ApiModel):
    """A product (part number) with its revisions (``Product``); ``state`` 1 = active."""

    product_id: UUID | None = None
    part_number: str
    name: str | None = None
    description: str | None = None
    non_serial: bool = False
    state: int | None = None
    xml_data: str | None = None
    product_category_id: UUID | None = None
    product_category_name: str | None = None
    revisions: list[ProductRevision] = Field(default_factory=list)
    tags: list[Setting] = Field(default_factory=list)


class ProductRevisionRelation(PascalModel):
    """A box-build line (internal, PascalCase): the parent revision holds ``quantity`` units of
    the child product named by one of its revisions; ``revision_mask`` limits the child
    revisions accepted (``%``/``*`` wildcards)."""

    product_revision_relation_id: UUID | None = None
    parent_product_revision_id: UUID
    product_revision_id: UUID
    part_number: str | None = None
    quantity: int = 1
    item_number: str | None = None
    revision_mask: str | None = None


class ProductView(ApiModel):
    """A row of ``GET /api/Product/Query``."""

    part_number: str
    name: str | None = None
    category: str | None = None
    non_serial: bool = False
    state: int | None = None


class Vendor(ApiModel):
    """A component vendor (``{"VendorName": ...}`` on the wire)."""

    vendor_name: str = Field(alias="VendorName")


class ProductGroup(ApiModel):
    """A product group a part number belongs to."""

    product_group_id: UUID | None = None
    name: str


class BomItem(ApiModel):
    """One stored BOM line of a revision (internal ``GET /api/internal/Product/Bom``)."""

    bom_item_id: int | None = None
    product_revision_id: UUID | None = None
    component_ref: str | None = None
    part_number: str
    revision: str | None = None
    description: str | None = None
    quantity: float | None = None
    function_block: str | None = None
    manufacturer: str | None = None
    manufacturer_pn: str | None = None
    vendor: str | None = None
    vendor_pn: str | None = None


class BomComponent(ApiModel):
    """A ``Component`` of a WSBF BOM: a part number placed at one or more references."""

    part_number: str
    revision: str | None = None
    quantity: float | None = None
    description: str | None = None
    references: list[str] = Field(default_factory=list)
    function_block: str | None = None


class Bom(ApiModel):
    """A bill of materials of one product revision, sent as WSBF XML."""

    part_number: str
    revision: str
    description: str | None = None
    components: list[BomComponent] = Field(default_factory=list)

    def to_wsbf(self) -> str:
        """The WSBF XML document (``PUT /api/Product/BOM`` body)."""
        root = ElementTree.Element(
            "BOM",
            _attributes(Partnumber=self.part_number, Revision=self.revision, Desc=self.description),
        )
        root.set("xmlns", WSBF_NAMESPACE)
        for component in self.components:
            quantity = None if component.quantity is None else _number_text(component.quantity)
            attributes = _attributes(
                Number=component.part_number,
                Rev=component.revision,
                Qty=quantity,
                Desc=component.description,
                Ref=";".join(component.references) if component.references else None,
                FunctionBlock=component.function_block,
            )
            ElementTree.SubElement(root, "Component", attributes)
        return ElementTree.tostring(root, encoding="unicode")


def _attributes(**values: str | None) -> dict[str, str]:
    return {name: value for name, value in values.items() if value is not None}


def _number_text(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(value)
