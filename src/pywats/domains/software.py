"""The WATS software distribution domain (``wats.software``).

Packages are created in Draft, filled with a zip, then moved Draft → Pending → Released (and
later Revoked). Stations fetch released files through the internal download endpoint.
"""

from __future__ import annotations

import io
import uuid
import zipfile
from urllib.parse import quote

from pywats.domains._arguments import as_enum, multipart_body, require_text
from pywats.domains._base import AsyncDomain
from pywats.domains._parsing import parse_list, parse_model
from pywats.exceptions import InvalidArgumentError, UnexpectedResponseError
from pywats.models.software import (
    FileAttribute,
    Package,
    PackageFile,
    PackageStatus,
    VirtualFolder,
    file_attribute_text,
)

PackageId = str | uuid.UUID


def _segment(value: PackageId, name: str) -> str:
    return quote(require_text(str(value), name), safe="")


def _id_list(ids: list[PackageId]) -> str:
    if not ids:
        raise InvalidArgumentError("give at least one installed package id")
    return ",".join(require_text(str(i), "package id") for i in ids)


def zip_package_files(files: list[tuple[PackageFile, bytes]]) -> bytes:
    """A deflated zip holding each file at ``<packageFolderName>/<name>`` (no I/O)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for meta, content in files:
            folder = (meta.package_folder_name or "").strip("/")
            archive.writestr(f"{folder}/{meta.name}" if folder else meta.name, content)
    return buffer.getvalue()


class AsyncSoftwareDomain(AsyncDomain):
    """Async access to the WATS software distribution endpoints."""

    async def get_packages(self) -> list[Package]:
        """All software packages (``GET /api/Software/Packages``)."""
        path = "/api/Software/Packages"
        return parse_list(Package, await self._http.request_json("GET", path), "GET", path)

    async def get_package(self, package_id: PackageId) -> Package:
        """One package by id (``GET /api/Software/Package/{id}``)."""
        path = f"/api/Software/Package/{_segment(package_id, 'package_id')}"
        return parse_model(Package, await self._http.request_json("GET", path), "GET", path)

    async def create_package(self, package: Package) -> Package:
        """Create a package in Draft (``POST /api/Software/Package``).

        The server assigns the id and the version (previous version of the same name + 1).
        """
        require_text(package.name, "package.name")
        path = "/api/Software/Package"
        return await self._request_model(Package, "POST", path, json=package.to_wire())

    async def update_package(self, package_id: PackageId, package: Package) -> None:
        """Overwrite a package (``PUT /api/Software/Package/{id}``).

        A Draft takes every field; a Pending or Released package only its status and tags.
        """
        path = f"/api/Software/Package/{_segment(package_id, 'package_id')}"
        await self._http.request_json("PUT", path, json=package.to_wire())

    async def delete_package(self, package_id: PackageId) -> None:
        """Delete a Draft or Revoked package (``DELETE /api/Software/Package/{id}``)."""
        path = f"/api/Software/Package/{_segment(package_id, 'package_id')}"
        await self._http.request_json("DELETE", path)

    async def get_package_by_name(
        self, name: str, status: PackageStatus, version: int | None = None
    ) -> Package:
        """A package by name and status, the highest version unless one is given.

        Calls ``GET /api/Software/PackageByName``.
        """
        path = "/api/Software/PackageByName"
        params = {
            "name": require_text(name, "name"),
            "status": as_enum(PackageStatus, status, "status").value,
            "version": version,
        }
        return await self._request_model(Package, "GET", path, params=params)

    async def delete_package_by_name(self, name: str, version: int) -> None:
        """Delete a Draft or Revoked package by name and version.

        Calls ``DELETE /api/Software/PackageByName``.
        """
        params = {"name": require_text(name, "name"), "version": version}
        await self._http.request_json("DELETE", "/api/Software/PackageByName", params=params)

    async def get_packages_by_tag(
        self, tag_name: str, tag_value: str, status: PackageStatus
    ) -> list[Package]:
        """Packages with a tag (name case-sensitive, value not) and a status.

        Calls ``GET /api/Software/PackagesByTag`` with ``tag=<name>=<value>``.
        """
        if "=" in require_text(tag_name, "tag_name"):
            raise InvalidArgumentError("tag_name must not contain '='")
        path = "/api/Software/PackagesByTag"
        params = {
            "tag": f"{tag_name}={tag_value}",
            "status": as_enum(PackageStatus, status, "status").value,
        }
        return await self._request_list(Package, "GET", path, params=params)

    async def set_package_status(self, package_id: PackageId, status: PackageStatus) -> Package:
        """Move a package to another status (``POST /api/Software/PackageStatus/{id}``).

        Allowed: Draft → Pending, Pending → Draft or Released, Released → Revoked.
        """
        path = f"/api/Software/PackageStatus/{_segment(package_id, 'package_id')}"
        params = {"status": as_enum(PackageStatus, status, "status").value}
        return await self._request_model(Package, "POST", path, params=params)

    async def get_package_files(self, package_id: PackageId) -> list[PackageFile]:
        """File metadata of a package (``GET /api/Software/PackageFiles/{id}``)."""
        path = f"/api/Software/PackageFiles/{_segment(package_id, 'package_id')}"
        return parse_list(PackageFile, await self._http.request_json("GET", path), "GET", path)

    async def set_file_attribute(
        self, package_file_id: PackageId, attribute: FileAttribute
    ) -> None:
        """Set a package file's attributes (``POST /api/Software/Package/FileAttribute/{id}``)."""
        path = f"/api/Software/Package/FileAttribute/{_segment(package_file_id, 'package_file_id')}"
        params = {"attribute": file_attribute_text(as_enum(FileAttribute, attribute, "attribute"))}
        await self._http.request_json("POST", path, params=params)

    async def upload_zip(
        self,
        package_id: PackageId,
        data: bytes,
        *,
        clean_install: bool = False,
        file_name: str = "package.zip",
    ) -> None:
        """Upload a Draft package's files as a zip (``POST /api/Software/Package/UploadZip/{id}``).

        Every file must sit inside a folder of the zip. ``clean_install`` first deletes the
        package's current files; otherwise files with the same path are replaced.
        """
        if not data:
            raise InvalidArgumentError("data must be a non-empty zip archive")
        path = f"/api/Software/Package/UploadZip/{_segment(package_id, 'package_id')}"
        body, headers = multipart_body("file", file_name, data, "application/zip")
        params = {"cleanInstall": clean_install}
        await self._http.request_json("POST", path, params=params, content=body, headers=headers)

    async def get_virtual_folders(self) -> list[VirtualFolder]:
        """Production Manager virtual folders (``GET /api/Software/VirtualFolders``)."""
        path = "/api/Software/VirtualFolders"
        return parse_list(VirtualFolder, await self._http.request_json("GET", path), "GET", path)

    async def download_file(self, package_file_id: PackageId) -> bytes:
        """Internal: one package file's bytes (``GET /api/internal/Software/DownloadFile``).

        The endpoint the official client's package downloader uses on a station.
        """
        params = {"repositoryFolderFileId": require_text(str(package_file_id), "package_file_id")}
        return await self._http.request_bytes(
            "GET", "/api/internal/Software/DownloadFile", params=params
        )

    async def get_available_packages(self, installed: list[PackageId]) -> list[Package]:
        """Internal: newer Released versions of the installed packages.

        Calls ``GET /api/internal/Software/GetAvailablePackages`` (``installedPackages`` is a
        comma-separated id list); a station's updater uses it to find what to install.
        """
        path = "/api/internal/Software/GetAvailablePackages"
        params = {"installedPackages": _id_list(installed)}
        return await self._request_list(Package, "GET", path, params=params)

    async def get_revoked_packages(
        self, installed: list[PackageId], *, include_revoked_only: bool = False
    ) -> list[str]:
        """Internal: which installed package ids were revoked (and should be removed).

        Calls ``GET /api/internal/Software/GetRevokedPackages``. Without
        ``include_revoked_only`` the answer also names ids the server no longer knows.
        """
        path = "/api/internal/Software/GetRevokedPackages"
        params = {
            "installedPackages": _id_list(installed),
            "includeRevokedOnly": include_revoked_only,
        }
        data = await self._http.request_json("GET", path, params=params)
        if data is None:
            return []
        if not isinstance(data, list) or not all(isinstance(item, str) for item in data):
            raise UnexpectedResponseError("expected an array of ids", method="GET", path=path)
        return data

    async def download_package_zip(self, package_id: PackageId) -> bytes:
        """Internal: every file of a package, zipped by folder.

        Lists the files (``GET /api/Software/PackageFiles/{id}``) and fetches each with
        ``GET /api/internal/Software/DownloadFile``; the zip is built here, in memory.
        """
        files = await self.get_package_files(package_id)
        contents = [(meta, await self.download_file(meta.package_file_id)) for meta in files]
        return zip_package_files(contents)
