"""The WATS product domain (``wats.product``): products, revisions, BOMs, vendors, groups."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from pywats._core.odata import Filter
from pywats.domains._arguments import path_segment
from pywats.domains._base import AsyncDomain
from pywats.models.product import (
    Bom,
    BomItem,
    Product,
    ProductGroup,
    ProductRevision,
    ProductRevisionRelation,
    ProductView,
    Vendor,
)

_XML = {"Content-Type": "application/xml"}


class AsyncProductDomain(AsyncDomain):
    """Async access to the WATS product endpoints (``/api/Product...``)."""

    async def get_product(self, part_number: str) -> Product:
        """Get a product with its revisions (``GET /api/Product/{partNumber}``)."""
        path = f"/api/Product/{path_segment(part_number)}"
        return await self._request_found(Product, "GET", path)

    async def get_product_revision(self, part_number: str, revision: str) -> ProductRevision:
        """Get one revision (``GET /api/Product/{partNumber}/{revision}``)."""
        path = f"/api/Product/{path_segment(part_number)}/{path_segment(revision)}"
        return await self._request_found(ProductRevision, "GET", path)

    async def query_products(
        self,
        filter: str | Filter | None = None,  # noqa: A002 - the OData option is called $filter
        *,
        top: int | None = None,
        skip: int | None = None,
        orderby: str | None = None,
    ) -> list[ProductView]:
        """List products (``GET /api/Product/Query``) with OData options.

        ``filter`` is an OData expression such as ``"partNumber eq 'PCBA-1000'"`` or a
        :class:`pywats._core.odata.Filter`. The server returns at most 1000 rows when ``top``
        is not given.
        """
        path = "/api/Product/Query"
        params = {
            "$filter": None if filter is None else str(filter),
            "$top": top,
            "$skip": skip,
            "$orderby": orderby,
        }
        return await self._request_list(ProductView, "GET", path, params=params)

    async def save_product(self, product: Product) -> Product:
        """Add (no ``product_id``) or update a product (``PUT /api/Product``)."""
        path = "/api/Product"
        return await self._request_model(Product, "PUT", path, json=product.to_wire())

    async def save_products(self, products: Sequence[Product]) -> list[Product]:
        """Add or update several products at once (``PUT /api/Products``)."""
        path = "/api/Products"
        body = [product.to_wire() for product in products]
        return await self._request_list(Product, "PUT", path, json=body)

    async def save_product_revision(self, revision: ProductRevision) -> ProductRevision:
        """Add (no ``product_revision_id``) or update a revision (``PUT /api/Product/Revision``).

        The product is found by ``product_id`` or, failing that, by ``part_number``.
        """
        path = "/api/Product/Revision"
        return await self._request_model(ProductRevision, "PUT", path, json=revision.to_wire())

    async def save_product_revisions(
        self, revisions: Sequence[ProductRevision]
    ) -> list[ProductRevision]:
        """Add or update several revisions at once (``PUT /api/Products/Revisions``)."""
        path = "/api/Products/Revisions"
        body = [revision.to_wire() for revision in revisions]
        return await self._request_list(ProductRevision, "PUT", path, json=body)

    async def put_bom(self, bom: Bom) -> None:
        """Insert or replace a revision's BOM from WSBF XML (``PUT /api/Product/BOM``)."""
        await self._http.request_text(
            "PUT", "/api/Product/BOM", content=bom.to_wsbf(), headers=_XML
        )

    async def get_bom(self, part_number: str, revision: str) -> list[BomItem]:
        """Internal: the stored BOM lines of a revision (``GET /api/internal/Product/Bom``)."""
        path = "/api/internal/Product/Bom"
        params = {"partNumber": part_number, "revision": revision}
        return await self._request_list(BomItem, "GET", path, params=params)

    async def add_box_build_relation(
        self, relation: ProductRevisionRelation
    ) -> ProductRevisionRelation:
        """Internal: add a child line to a revision's box build.

        Calls ``POST /api/internal/Product/PostProductRevisionRelation``; the server's
        ``AddChildUnit`` checks units against these lines.
        """
        path = "/api/internal/Product/PostProductRevisionRelation"
        return await self._request_model(
            ProductRevisionRelation, "POST", path, json=relation.to_wire()
        )

    async def delete_box_build_relation(self, relation_id: UUID | str) -> None:
        """Internal: remove a box-build line.

        Calls ``DELETE /api/internal/Product/DeleteProductRevisionRelation``.
        """
        params = {"productRevisionRelationId": str(relation_id)}
        await self._http.request_text(
            "DELETE", "/api/internal/Product/DeleteProductRevisionRelation", params=params
        )

    async def get_vendors(self) -> list[Vendor]:
        """List vendors (``GET /api/Product/Vendors``)."""
        path = "/api/Product/Vendors"
        return await self._request_list(Vendor, "GET", path)

    async def add_vendors(self, vendor_names: Sequence[str]) -> None:
        """Add the vendors that do not exist yet (``PUT /api/Product/Vendors``)."""
        body = [Vendor(vendor_name=name).to_wire() for name in vendor_names]
        await self._http.request_text("PUT", "/api/Product/Vendors", json=body)

    async def delete_vendors(self, vendor_names: Sequence[str]) -> None:
        """Delete vendors by name (``DELETE /api/Product/Vendors``, body array)."""
        body = [Vendor(vendor_name=name).to_wire() for name in vendor_names]
        await self._http.request_text("DELETE", "/api/Product/Vendors", json=body)

    async def add_product_group_filter(
        self,
        product_group: str,
        part_number: str,
        *,
        revision: str | None = None,
        exclude: bool = False,
    ) -> None:
        """Include (or ``exclude``) a part number [+ revision] in a product group.

        Calls ``POST /api/Product/ProductGroupFilter``.
        """
        params = {
            "productGroup": product_group,
            "partNumber": part_number,
            "revision": revision,
            "exclude": exclude,
        }
        await self._http.request_text("POST", "/api/Product/ProductGroupFilter", params=params)

    async def get_product_groups_by_product(
        self, part_number: str, *, revision: str | None = None
    ) -> list[ProductGroup]:
        """Product groups a part number [+ revision] belongs to.

        Calls ``GET /api/Product/ProductGroupsByProduct``.
        """
        path = "/api/Product/ProductGroupsByProduct"
        params = {"partNumber": part_number, "revision": revision}
        return await self._request_list(ProductGroup, "GET", path, params=params)
