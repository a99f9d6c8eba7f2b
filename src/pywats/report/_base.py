"""The pydantic base shared by every WSJF object."""

from __future__ import annotations

from collections.abc import Callable, Set
from typing import Any, Self

from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel

# Per model class: every field with its default, computed once (see ``_from_trusted``).
_DEFAULTS: dict[type[BaseModel], dict[str, Any]] = {}

# The slot setters of BaseModel's four instance slots, looked up once: calling them
# directly is cheaper than ``object.__setattr__``, which searches the type each time.
_SetSlot = Callable[[object, object], None]
_SET_DICT: _SetSlot = BaseModel.__dict__["__dict__"].__set__
_SET_FIELDS_SET: _SetSlot = BaseModel.__dict__["__pydantic_fields_set__"].__set__
_SET_EXTRA: _SetSlot = BaseModel.__dict__["__pydantic_extra__"].__set__
_SET_PRIVATE: _SetSlot = BaseModel.__dict__["__pydantic_private__"].__set__
_new_instance = object.__new__


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
        return cls._from_full_dict({**defaults, **fields}, fields.keys())

    @classmethod
    def _from_full_dict(cls, values: dict[str, Any], set_names: Set[str]) -> Self:
        """An instance owning ``values`` — every field, in declaration order — as its
        ``__dict__``; ``set_names`` are the fields that count as set (copied).

        For builder hot paths that write the whole field dict in one literal.
        """
        instance = _new_instance(cls)
        _SET_DICT(instance, values)
        _SET_FIELDS_SET(instance, set(set_names))
        _SET_EXTRA(instance, {})
        _SET_PRIVATE(instance, None)
        return instance
