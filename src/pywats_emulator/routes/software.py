"""Software distribution routes (wats-rest-api.md §3.7) plus the internal file download.

Packages are wire dicts in ``software_packages``; their files (real bytes, unpacked from the
uploaded zip) live in ``software_files``. Rules are in :mod:`._software_logic`.
"""

from __future__ import annotations

import uuid
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from pywats.models.software import FileAttribute, file_attribute_text, parse_file_attribute
from pywats_emulator.http import json_response, read_json
from pywats_emulator.routes._asset_params import (
    attachment_disposition,
    caller_name,
    check_tags,
)
from pywats_emulator.routes._multipart import uploaded_file
from pywats_emulator.routes._params import (
    RouteError,
    bad_request,
    body_object,
    guarded,
    not_found,
    optional_bool,
    optional_int,
    optional_str,
    required_str,
)
from pywats_emulator.routes._software_logic import (
    DELETABLE,
    SoftwareRuleError,
    available_updates,
    canonical_status,
    check_transition,
    has_tag,
    read_zip,
    revoked_installed,
    split_ids,
    split_tag,
)
from pywats_emulator.routes._software_store import SCHEMA, SoftwareStore, seed_software
from pywats_emulator.state import EmulatorState
from pywats_emulator.store import Store

# Fields only the server sets.
_SERVER_FIELDS = (
    "packageId",
    "version",
    "status",
    "created",
    "createdBy",
    "released",
    "releasedBy",
    "revoked",
    "revokedBy",
)

# Broken package rules are the caller's fault: 400 with the rule's message.
_RULE_ERRORS: dict[type[Exception], int] = {SoftwareRuleError: 400}


def seed(store: Store) -> None:
    """Insert the demo virtual folders and packages."""
    seed_software(SoftwareStore(store))


def _file_wire(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "packageFileId": row["file_id"],
        "name": row["name"],
        "packageFolderName": row["folder"],
        "attributes": file_attribute_text(FileAttribute(int(row["attributes"]))),
        "Description": row.get("description"),
    }


class SoftwareRoutes:
    """Handlers of the software endpoints."""

    def __init__(self, state: EmulatorState) -> None:
        self.state = state
        self.db = SoftwareStore(state.store)

    def _package(self, package_id: str) -> dict[str, Any]:
        found = self.db.package(package_id)
        if found is None:
            raise not_found(f"Package '{package_id}' was not found.")
        return found

    async def create_package(self, request: Request) -> Response:
        body = body_object(await read_json(request), "Package")
        check_tags(body.get("tags"))
        name = str(body.get("name") or "").strip()
        if not name:
            raise bad_request("The package name is required.")
        now, user = self.state.now_iso(), caller_name(request)
        package = {k: v for k, v in body.items() if k not in _SERVER_FIELDS}
        package.update(
            packageId=str(uuid.uuid4()),
            name=name,
            version=self.db.next_version(name),
            status="Draft",
            created=now,
            createdBy=user,
            modified=now,
            modifiedBy=user,
        )
        self.db.put_package(package)
        return json_response(package)

    async def get_package(self, request: Request) -> Response:
        return json_response(self._package(request.path_params["id"]))

    async def update_package(self, request: Request) -> Response:
        package = self._package(request.path_params["id"])
        body = body_object(await read_json(request), "Package")
        check_tags(body.get("tags"))
        if package["status"] == "Draft":
            changes = {k: v for k, v in body.items() if k not in _SERVER_FIELDS}
            if "name" in changes and not str(changes["name"] or "").strip():
                raise bad_request("The package name is required.")
        else:
            changes = {"tags": body["tags"]} if "tags" in body else {}
        package.update(changes, modified=self.state.now_iso(), modifiedBy=caller_name(request))
        if body.get("status") and canonical_status(str(body["status"])) != package["status"]:
            self._change_status(package, canonical_status(str(body["status"])), request)
        self.db.put_package(package)
        return Response(status_code=200)

    def _change_status(self, package: dict[str, Any], status: str, request: Request) -> None:
        check_transition(package["status"], status)
        now, user = self.state.now_iso(), caller_name(request)
        package["status"] = status
        if status == "Released":
            package.update(released=now, releasedBy=user)
        elif status == "Revoked":
            package.update(revoked=now, revokedBy=user)

    def _delete(self, package: dict[str, Any]) -> Response:
        if package["status"] not in DELETABLE:
            raise bad_request(
                f"Package '{package['name']}' version {package['version']} is"
                f" {package['status']}; only Draft or Revoked packages can be deleted."
            )
        self.db.delete_package(package["packageId"])
        return Response(status_code=200)

    async def delete_package(self, request: Request) -> Response:
        return self._delete(self._package(request.path_params["id"]))

    async def package_by_name(self, request: Request) -> Response:
        params = request.query_params
        name = required_str(params, "name")
        status = canonical_status(required_str(params, "status"))
        version = optional_int(params, "version")
        candidates = [
            p
            for p in self.db.packages(name)
            if p["status"] == status and (version is None or p["version"] == version)
        ]
        if not candidates:
            raise not_found(f"No {status} package named '{name}' was found.")
        return json_response(candidates[-1])

    async def delete_package_by_name(self, request: Request) -> Response:
        params = request.query_params
        name = required_str(params, "name")
        version = optional_int(params, "version")
        if version is None:
            raise bad_request("The parameter 'version' is required.")
        found = [p for p in self.db.packages(name) if p["version"] == version]
        if not found:
            raise not_found(f"Package '{name}' version {version} was not found.")
        return self._delete(found[0])

    async def package_files(self, request: Request) -> Response:
        package = self._package(request.path_params["id"])
        return json_response([_file_wire(row) for row in self.db.files(package["packageId"])])

    async def all_packages(self, request: Request) -> Response:
        return json_response(self.db.packages())

    async def packages_by_tag(self, request: Request) -> Response:
        params = request.query_params
        name, value = split_tag(required_str(params, "tag"))
        value = optional_str(params, "value") or value  # pywats sends the value separately
        status = canonical_status(required_str(params, "status"))
        matches = [
            p
            for p in self.db.packages()
            if p["status"] == status and has_tag(p.get("tags"), name, value)
        ]
        return json_response(matches)

    async def package_status(self, request: Request) -> Response:
        package = self._package(request.path_params["id"])
        self._change_status(
            package, canonical_status(required_str(request.query_params, "status")), request
        )
        self.db.put_package(package)
        return json_response(package)

    async def virtual_folders(self, request: Request) -> Response:
        return json_response(self.db.virtual_folders())

    async def file_attribute(self, request: Request) -> Response:
        file_id = request.path_params["id"]
        row = self.db.file(file_id)
        if row is None:
            raise not_found(f"Package file '{file_id}' was not found.")
        text = optional_str(request.query_params, "attribute")
        if text is None and await request.body():
            text = str(body_object(await read_json(request), "attributes").get("attributes", ""))
        attribute = parse_file_attribute(text or "")
        if attribute is None or text is None:
            raise bad_request(f"The file attribute '{text}' is not valid.")
        self.db.set_attributes(row["file_id"], int(attribute))
        return Response(status_code=200)

    async def upload_zip(self, request: Request) -> Response:
        package = self._package(request.path_params["id"])
        if package["status"] != "Draft":
            raise RouteError(
                400, f"Package is {package['status']}; only Draft packages take files."
            )
        upload = uploaded_file(
            await request.body(), request.headers.get("content-type", ""), "file"
        )
        entries = read_zip(upload.content)
        self.db.replace_files(
            package["packageId"], entries, bool(optional_bool(request.query_params, "cleanInstall"))
        )
        return Response(status_code=200)

    async def available_packages(self, request: Request) -> Response:
        installed = split_ids(required_str(request.query_params, "installedPackages"))
        return json_response(available_updates(self.db.packages(), installed))

    async def revoked_packages(self, request: Request) -> Response:
        params = request.query_params
        installed = split_ids(required_str(params, "installedPackages"))
        revoked_only = bool(optional_bool(params, "includeRevokedOnly"))
        return json_response(revoked_installed(self.db.packages(), installed, revoked_only))

    async def download_file(self, request: Request) -> Response:
        file_id = required_str(request.query_params, "repositoryFolderFileId")
        row = self.db.file(file_id)
        if row is None:
            raise not_found(f"Package file '{file_id}' was not found.")
        return Response(
            bytes(row["content"]),
            media_type="application/octet-stream",
            headers={"Content-Disposition": attachment_disposition(str(row["name"]))},
        )


def routes(state: EmulatorState) -> list[Route]:
    """The software endpoints (paths lower-case; the app matches case-insensitively)."""
    h = SoftwareRoutes(state)
    table = [
        ("/api/software/package", h.create_package, "POST"),
        ("/api/software/package/fileattribute/{id}", h.file_attribute, "POST"),
        ("/api/software/package/uploadzip/{id}", h.upload_zip, "POST"),
        ("/api/software/package/{id}", h.get_package, "GET"),
        ("/api/software/package/{id}", h.update_package, "PUT"),
        ("/api/software/package/{id}", h.delete_package, "DELETE"),
        ("/api/software/packagebyname", h.package_by_name, "GET"),
        ("/api/software/packagebyname", h.delete_package_by_name, "DELETE"),
        ("/api/software/packagefiles/{id}", h.package_files, "GET"),
        ("/api/software/packages", h.all_packages, "GET"),
        ("/api/software/packagesbytag", h.packages_by_tag, "GET"),
        ("/api/software/packagestatus/{id}", h.package_status, "POST"),
        ("/api/software/virtualfolders", h.virtual_folders, "GET"),
        ("/api/internal/software/downloadfile", h.download_file, "GET"),
        ("/api/internal/software/getavailablepackages", h.available_packages, "GET"),
        ("/api/internal/software/getrevokedpackages", h.revoked_packages, "GET"),
    ]
    return [
        Route(path, guarded(fn, statuses=_RULE_ERRORS), methods=[verb]) for path, fn, verb in table
    ]


__all__ = ["SCHEMA", "routes", "seed"]
