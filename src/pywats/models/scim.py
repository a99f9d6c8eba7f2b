"""Pydantic models of the WATS SCIM user domain."""

from __future__ import annotations
