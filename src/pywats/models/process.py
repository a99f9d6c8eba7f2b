"""Pydantic models of the WATS process domain."""

from __future__ import annotations
