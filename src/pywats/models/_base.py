"""Shared pydantic configuration for API models.

WATS speaks camelCase JSON (and PascalCase on some internal endpoints); Python code uses
snake_case. :class:`ApiModel` generates camelCase aliases, accepts both spellings on input,
keeps unknown server fields (``extra="allow"``) so nothing is lost on a round trip, and
:meth:`ApiModel.to_wire` dumps by alias without ``None`` fields.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel, to_pascal


class ApiModel(BaseModel):
    """Base of API models: camelCase aliases, snake_case attributes, unknown fields kept."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        validate_by_name=True,
        validate_by_alias=True,
        extra="allow",
    )

    def to_wire(self) -> dict[str, Any]:
        """The JSON object to send: aliases, ``None`` fields dropped."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)


class PascalModel(ApiModel):
    """API model whose wire names are PascalCase (several internal endpoints)."""

    model_config = ConfigDict(alias_generator=to_pascal)
