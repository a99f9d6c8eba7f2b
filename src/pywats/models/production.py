"""Pydantic models of the WATS production domain."""

from __future__ import annotations
