"""Reading WSBF (the WATS BOM XML format) sent to ``PUT /api/Product/BOM``. No I/O."""

from __future__ import annotations

from dataclasses import dataclass, field
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring


class WsbfError(Exception):
    """The document is not a readable WSBF BOM."""


@dataclass(frozen=True)
class WsbfComponent:
    """One ``Component`` element."""

    part_number: str
    revision: str | None
    quantity: float | None
    description: str | None
    references: str | None
    function_block: str | None


@dataclass(frozen=True)
class WsbfBom:
    """The ``BOM`` root: which revision, and its components."""

    part_number: str
    revision: str
    description: str | None
    components: list[WsbfComponent] = field(default_factory=list)


def parse_wsbf(data: bytes | str) -> WsbfBom:
    """Parse a WSBF document (namespace optional); :class:`WsbfError` says what is wrong."""
    try:
        root = fromstring(data)
    except (ParseError, DefusedXmlException) as exc:
        raise WsbfError(f"The BOM is not well-formed XML: {exc}") from None
    if _local(root.tag) != "BOM":
        raise WsbfError(f"The root element must be BOM, not {_local(root.tag)}.")
    part_number = _required(root, "Partnumber")
    revision = _required(root, "Revision")
    components = [
        _component(element, index)
        for index, element in enumerate(child for child in root if _local(child.tag) == "Component")
    ]
    return WsbfBom(part_number, revision, root.get("Desc"), components)


def _component(element: Element, index: int) -> WsbfComponent:
    number = element.get("Number")
    if not number:
        raise WsbfError(f"Component {index} has no Number attribute.")
    quantity_text = element.get("Qty")
    try:
        quantity = float(quantity_text) if quantity_text else None
    except ValueError:
        raise WsbfError(f"Component {index} has a non-numeric Qty '{quantity_text}'.") from None
    return WsbfComponent(
        part_number=number,
        revision=element.get("Rev"),
        quantity=quantity,
        description=element.get("Desc"),
        references=element.get("Ref"),
        function_block=element.get("FunctionBlock"),
    )


def _required(element: Element, name: str) -> str:
    value = element.get(name)
    if not value:
        raise WsbfError(f"The BOM element has no {name} attribute.")
    return value


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]
