"""The pydantic base shared by every WSJF object."""

from __future__ import annotations

from typing import Any, Self

from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel

# Per model class: every field with its default, computed once (see ``_from_trusted``).
_DEFAULTS: dict[type[BaseModel], dict[str, Any]] = {}


class WsjfModel(BaseModel):
    """Base of all WSJF models: snake_case attributes, camelCase wire aliases.

    Unknown wire properties are kept (``extra="allow"``) and written back unchanged.
    Serialisation uses the fields that were *set*, so an absent key stays absent and an
    explicit ``null`` stays ``null``. Non-finite numbers are written as the strings
    ``"NaN"``, ``"Infinity"`` and ``"-Infinity"`` (pydantic reads them back as floats).
    """

    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        extra="allow",
        ser_json_inf_nan="strings",
        revalidate_instances="never",
    )

    @classmethod
    def _from_trusted(cls, fields: dict[str, Any]) -> Self:
        """An instance from values the caller has already type-checked (snake_case names).

        Does what ``model_construct`` does for these models — whose fields all have plain
        defaults — without its per-field alias search, which dominates when a builder
        creates thousands of steps. Only the given names count as set.
        """
        defaults = _DEFAULTS.get(cls)
        if defaults is None:
            defaults = {name: info.get_default() for name, info in cls.model_fields.items()}
            _DEFAULTS[cls] = defaults
        instance = cls.__new__(cls)
        object.__setattr__(instance, "__dict__", {**defaults, **fields})
        object.__setattr__(instance, "__pydantic_fields_set__", set(fields))
        object.__setattr__(instance, "__pydantic_extra__", {})
        object.__setattr__(instance, "__pydantic_private__", None)
        return instance
