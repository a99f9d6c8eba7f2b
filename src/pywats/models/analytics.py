"""Pydantic models for the analytics domain (``/api/App/...``)."""

from __future__ import annotations
