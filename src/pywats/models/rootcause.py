"""Pydantic models of the WATS root-cause ticket domain."""

from __future__ import annotations
