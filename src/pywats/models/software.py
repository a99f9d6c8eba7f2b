"""Pydantic models of the WATS software distribution domain.

Packages move Draft → Pending → Released → Revoked; files carry .NET-style flag attributes.
"""

from __future__ import annotations

from datetime import datetime
from enum import IntFlag, StrEnum

from pydantic import Field

from pywats.models._base import ApiModel
from pywats.models.asset import Setting


class PackageStatus(StrEnum):
    """Status of a software package (internal calls number them 0–3 in this order)."""

    DRAFT = "Draft"
    PENDING = "Pending"
    RELEASED = "Released"
    REVOKED = "Revoked"


class FileAttribute(IntFlag):
    """Installation flags of a package file; the server names them, OR-able."""

    NONE = 0
    EXECUTE_ONCE = 1
    EXECUTE_ALWAYS = 2
    TOP_LEVEL_FILE = 4
    OVERWRITE_NEVER = 8
    OVERWRITE_ON_NEW_PACKAGE_VERSION = 16
    EXECUTE_ONCE_PER_VERSION = 32


#: Server spelling of each single :class:`FileAttribute` flag.
FILE_ATTRIBUTE_NAMES: dict[FileAttribute, str] = {
    FileAttribute.EXECUTE_ONCE: "ExecuteOnce",
    FileAttribute.EXECUTE_ALWAYS: "ExecuteAlways",
    FileAttribute.TOP_LEVEL_FILE: "TopLevelFile",
    FileAttribute.OVERWRITE_NEVER: "OverwriteNever",
    FileAttribute.OVERWRITE_ON_NEW_PACKAGE_VERSION: "OverwriteOnNewPackageVersion",
    FileAttribute.EXECUTE_ONCE_PER_VERSION: "ExecuteOncePerVersion",
}


def file_attribute_text(attribute: FileAttribute) -> str:
    """Render flags as the server does: ``"ExecuteOnce, TopLevelFile"`` or ``"None"``."""
    names = [name for flag, name in FILE_ATTRIBUTE_NAMES.items() if flag in attribute]
    return ", ".join(names) if names else "None"


def parse_file_attribute(text: str) -> FileAttribute | None:
    """Parse comma-separated flag names case-insensitively; ``None`` when a name is unknown."""
    by_lower = {name.lower(): flag for flag, name in FILE_ATTRIBUTE_NAMES.items()}
    by_lower["none"] = FileAttribute.NONE
    result = FileAttribute.NONE
    for part in text.split(","):
        flag = by_lower.get(part.strip().lower())
        if flag is None:
            return None
        result |= flag
    return result


class Package(ApiModel):
    """A software package (``name`` required on create; version is assigned by the server)."""

    package_id: str | None = None
    name: str
    install_on_root: bool | None = None
    version: int | None = None
    description: str | None = None
    root_directory: str | None = None
    tags: list[Setting] | None = None
    modified: datetime | None = None
    modified_by: str | None = None
    status: PackageStatus | None = None
    priority: int | None = None
    virtual_folder_id: str | None = None
    created: datetime | None = None
    created_by: str | None = None
    released: datetime | None = None
    released_by: str | None = None
    revoked: datetime | None = None
    revoked_by: str | None = None


class PackageFile(ApiModel):
    """Metadata of one file in a package (the server spells ``Description`` in PascalCase)."""

    package_file_id: str
    name: str
    package_folder_name: str | None = None
    attributes: str | None = None
    description: str | None = Field(default=None, alias="Description")


class VirtualFolder(ApiModel):
    """A Production Manager virtual folder."""

    id: str
    parent_id: str | None = None
    name: str
    description: str | None = None


__all__ = [
    "FILE_ATTRIBUTE_NAMES",
    "FileAttribute",
    "Package",
    "PackageFile",
    "PackageStatus",
    "VirtualFolder",
    "file_attribute_text",
    "parse_file_attribute",
]
