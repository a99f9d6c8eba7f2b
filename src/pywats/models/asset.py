"""Pydantic models of the WATS asset domain."""

from __future__ import annotations
