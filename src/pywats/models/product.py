"""Pydantic models of the WATS product domain."""

from __future__ import annotations
