"""Stable GUIDs of seeded rows: ``uuid5`` of ``kind:key``, so every fresh emulator hands out
the same ids and tests and docs can name the demo data.

Each route family keeps the namespace it was first published with, so no seeded id changes.
"""

from __future__ import annotations

import uuid

PRODUCTION_NAMESPACE = uuid.UUID("5f0d3a57-2f63-4b6c-9a1e-0c1b6f2a9d11")  # process/product/units
ASSET_NAMESPACE = uuid.UUID("5f0c7c38-6b1e-4f4e-9d55-0a55e7000000")
SOFTWARE_NAMESPACE = uuid.UUID("5f0c7c38-6b1e-4f4e-9d55-0a55e7000001")
ROOTCAUSE_NAMESPACE = uuid.UUID("5f0c7c38-6b1e-4f4e-9d55-0a55e7000002")
SCIM_NAMESPACE = uuid.UUID("5f0c7c38-6b1e-4f4e-9d55-0a55e7000003")


def seed_guid(kind: str, key: object, namespace: uuid.UUID = PRODUCTION_NAMESPACE) -> str:
    """The stable GUID (lower-case text) of a seeded object."""
    return str(uuid.uuid5(namespace, f"{kind}:{key}"))
