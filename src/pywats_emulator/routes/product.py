"""Product routes: products, revisions, OData query, WSBF BOMs, vendors and product groups.

Tables (see ``_product_store.SCHEMA``): ``products``, ``product_revisions``,
``product_vendors``, ``product_groups``, ``product_group_filters``, ``bom_items`` and
``product_revision_relations`` (box-build children, read by the production routes).
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from pywats_emulator.http import json_response, read_json
from pywats_emulator.routes._odata import select_rows
from pywats_emulator.routes._params import (
    bad_request,
    body_list,
    body_object,
    field,
    guarded,
    not_found,
    optional_bool,
    optional_str,
    required_str,
)
from pywats_emulator.routes._product_groups import add_group_filter, groups_of
from pywats_emulator.routes._product_relations import add_relation, delete_relation
from pywats_emulator.routes._product_store import (
    SCHEMA,
    find_product,
    find_revision,
    product_json,
    product_view,
    replace_bom,
    revision_json,
    save_product,
    save_revision,
    seed_products,
)
from pywats_emulator.routes._product_wsbf import WsbfError, parse_wsbf
from pywats_emulator.state import EmulatorState
from pywats_emulator.store import Store

__all__ = ["SCHEMA", "query_products", "routes", "seed"]

QUERY_FIELDS = ("partNumber", "name", "category", "nonSerial", "state", "description")


def seed(store: Store) -> None:
    """Demo products (incl. the part numbers of the shared report exports), vendors, groups."""
    seed_products(store)


def query_products(rows: list[dict[str, Any]], params: Any) -> list[dict[str, Any]]:
    """Apply ``$filter``, ``$orderby``, ``$skip`` and ``$top`` to ``ProductView`` rows."""
    chosen = select_rows(rows, params, [("partNumber", False)], fields=QUERY_FIELDS)
    return [dict(row) for row in chosen]


class ProductRoutes:
    """Handlers bound to one emulator state (each wrapped by ``guarded`` when routed)."""

    def __init__(self, state: EmulatorState) -> None:
        self.state = state
        self.store = state.store

    def routes(self) -> list[Route]:
        """The route table: each handler below, wrapped by ``guarded``."""
        return [
            Route("/api/product/query", guarded(self.query), methods=["GET"]),
            Route("/api/product/bom", guarded(self.put_bom), methods=["PUT"]),
            Route("/api/product/revision", guarded(self.put_revision), methods=["PUT"]),
            Route("/api/product/vendors", guarded(self.get_vendors), methods=["GET"]),
            Route("/api/product/vendors", guarded(self.put_vendors), methods=["PUT"]),
            Route("/api/product/vendors", guarded(self.delete_vendors), methods=["DELETE"]),
            Route(
                "/api/product/productgroupfilter", guarded(self.post_group_filter), methods=["POST"]
            ),
            Route(
                "/api/product/productgroupsbyproduct",
                guarded(self.groups_by_product),
                methods=["GET"],
            ),
            Route("/api/product", guarded(self.put_product), methods=["PUT"]),
            Route("/api/products", guarded(self.put_products), methods=["PUT"]),
            Route("/api/products/revisions", guarded(self.put_revisions), methods=["PUT"]),
            Route("/api/internal/product/bom", guarded(self.get_bom), methods=["GET"]),
            Route(
                "/api/internal/product/postproductrevisionrelation",
                guarded(self.post_relation),
                methods=["POST"],
            ),
            Route(
                "/api/internal/product/deleteproductrevisionrelation",
                guarded(self.delete_relation),
                methods=["DELETE"],
            ),
            Route("/api/product/{pn}", guarded(self.get_product), methods=["GET"]),
            Route("/api/product/{pn}/{rev}", guarded(self.get_revision), methods=["GET"]),
        ]

    async def get_product(self, request: Request) -> Response:
        """``GET /api/product/{pn}``."""
        return json_response(
            product_json(self.store, find_product(self.store, _path(request, "pn")))
        )

    async def get_revision(self, request: Request) -> Response:
        """``GET /api/product/{pn}/{rev}``."""
        row = find_revision(self.store, _path(request, "pn"), _path(request, "rev"))
        return json_response(revision_json(row))

    async def query(self, request: Request) -> Response:
        """``GET /api/product/query``."""
        rows = [product_view(dict(r)) for r in self.store.query("SELECT * FROM products")]
        return json_response(query_products(rows, request.query_params))

    async def put_product(self, request: Request) -> Response:
        """``PUT /api/product``."""
        body = body_object(await read_json(request), "Product")
        return json_response(save_product(self.store, body))

    async def put_products(self, request: Request) -> Response:
        """``PUT /api/products``."""
        bodies = body_list(await read_json(request), "Product")
        with self.store.transaction():
            saved = [save_product(self.store, body) for body in bodies]
        return json_response(saved)

    async def put_revision(self, request: Request) -> Response:
        """``PUT /api/product/revision``."""
        body = body_object(await read_json(request), "ProductRevision")
        return json_response(save_revision(self.store, body))

    async def put_revisions(self, request: Request) -> Response:
        """``PUT /api/products/revisions``."""
        bodies = body_list(await read_json(request), "ProductRevision")
        with self.store.transaction():
            saved = [save_revision(self.store, body) for body in bodies]
        return json_response(saved)

    async def put_bom(self, request: Request) -> Response:
        """``PUT /api/product/bom``."""
        try:
            bom = parse_wsbf(await request.body())
        except WsbfError as exc:
            raise bad_request(str(exc)) from None
        count = replace_bom(self.store, bom)
        return json_response(
            {"partNumber": bom.part_number, "revision": bom.revision, "componentCount": count}
        )

    async def get_bom(self, request: Request) -> Response:
        """``GET /api/internal/product/bom``."""
        params = request.query_params
        revision = find_revision(
            self.store, required_str(params, "partNumber"), required_str(params, "revision")
        )
        rows = self.store.query(
            "SELECT * FROM bom_items WHERE product_revision_id = ? ORDER BY bom_item_id",
            (revision["product_revision_id"],),
        )
        return json_response([_bom_item(dict(row)) for row in rows])

    async def post_relation(self, request: Request) -> Response:
        """``POST /api/internal/product/postproductrevisionrelation``."""
        body = body_object(await read_json(request), "ProductRevisionRelation")
        return json_response(add_relation(self.store, body))

    async def delete_relation(self, request: Request) -> Response:
        """``DELETE /api/internal/product/deleteproductrevisionrelation``."""
        relation_id = required_str(request.query_params, "productRevisionRelationId")
        delete_relation(self.store, relation_id)
        return json_response(None)

    async def get_vendors(self, request: Request) -> Response:
        """``GET /api/product/vendors``."""
        rows = self.store.query("SELECT vendor_name FROM product_vendors ORDER BY vendor_name")
        return json_response([{"VendorName": row["vendor_name"]} for row in rows])

    async def put_vendors(self, request: Request) -> Response:
        """``PUT /api/product/vendors``."""
        names = _vendor_names(await read_json(request))
        with self.store.transaction():
            for name in names:
                self.store.execute("INSERT OR IGNORE INTO product_vendors VALUES (?)", (name,))
        return json_response(None, status=200)

    async def delete_vendors(self, request: Request) -> Response:
        """``DELETE /api/product/vendors``."""
        names = _vendor_names(await read_json(request))
        with self.store.transaction():
            for name in names:
                self.store.execute("DELETE FROM product_vendors WHERE vendor_name = ?", (name,))
        return json_response(None, status=200)

    async def post_group_filter(self, request: Request) -> Response:
        """``POST /api/product/productgroupfilter``."""
        params = request.query_params
        group_name = required_str(params, "productGroup")
        part_number = required_str(params, "partNumber")
        group = self.store.query_one(
            "SELECT product_group_id FROM product_groups WHERE name = ?", (group_name,)
        )
        if group is None:
            raise not_found(f"Product group '{group_name}' was not found.")
        find_product(self.store, part_number)
        add_group_filter(
            self.store,
            group["product_group_id"],
            part_number,
            optional_str(params, "revision"),
            bool(optional_bool(params, "exclude")),
        )
        return json_response(None, status=200)

    async def groups_by_product(self, request: Request) -> Response:
        """``GET /api/product/productgroupsbyproduct``."""
        params = request.query_params
        part_number = find_product(self.store, required_str(params, "partNumber"))["part_number"]
        return json_response(groups_of(self.store, part_number, optional_str(params, "revision")))


def _path(request: Request, name: str) -> str:
    return str(request.path_params[name])


def _vendor_names(data: Any) -> list[str]:
    names = []
    for item in body_list(data, "Vendor"):
        name = field(item, "VendorName")
        if not isinstance(name, str) or not name.strip():
            raise bad_request("Every vendor needs a non-empty VendorName.")
        names.append(name.strip())
    return names


def _bom_item(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "bomItemId": row["bom_item_id"],
        "productRevisionId": row["product_revision_id"],
        "componentRef": row["component_ref"],
        "partNumber": row["part_number"],
        "revision": row["revision"],
        "description": row["description"],
        "quantity": row["quantity"],
        "functionBlock": row["function_block"],
        "manufacturer": None,
        "manufacturerPn": None,
        "vendor": None,
        "vendorPn": None,
    }


def routes(state: EmulatorState) -> list[Route]:
    """The product routes bound to ``state``'s store."""
    return ProductRoutes(state).routes()
