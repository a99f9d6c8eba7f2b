"""Pydantic models of the WATS software distribution domain."""

from __future__ import annotations
