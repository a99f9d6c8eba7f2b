"""The pydantic base shared by every WSJF object."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel


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
