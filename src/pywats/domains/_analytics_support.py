"""Pure helpers of the analytics domain (no I/O): measurement paths and filters."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pywats.exceptions import InvalidArgumentError
from pywats.models.analytics import WatsFilter

PATH_SEPARATOR = "\u00b6"


def measurement_path(*steps: str, measurement: str | None = None) -> str:
    """Join step names from the root sequence into a WATS measurement path.

    ``measurement`` names one measurement of a multi-measurement step (``…¶¶name``).
    """
    names = [step.strip() for step in steps]
    if not names or not all(names):
        raise InvalidArgumentError("a measurement path needs at least one non-blank step name")
    path = PATH_SEPARATOR.join(names)
    return f"{path}{PATH_SEPARATOR * 2}{measurement}" if measurement else path


def normalise_measurement_paths(paths: str | Sequence[str]) -> str:
    """The ``measurementPaths`` parameter: paths joined by ``;``.

    A path written with ``/`` between steps and ``::`` before a measurement name is
    converted to the ``¶`` / ``¶¶`` form WATS uses.
    """
    items = [paths] if isinstance(paths, str) else list(paths)
    converted = []
    for item in items:
        for part in item.split(";"):
            text = part.strip()
            if not text:
                continue
            if PATH_SEPARATOR not in text:
                text = text.replace("::", PATH_SEPARATOR * 2).replace("/", PATH_SEPARATOR)
            converted.append(text)
    if not converted:
        raise InvalidArgumentError("give at least one measurement path")
    return ";".join(converted)


def filter_body(wats_filter: WatsFilter | None) -> dict[str, Any]:
    """The JSON body for ``wats_filter`` (an empty object when none is given)."""
    return {} if wats_filter is None else wats_filter.to_wire()


def require_product_and_operation(wats_filter: WatsFilter | None, endpoint: str) -> WatsFilter:
    """Check the two filter fields WATS requires for measurement and step statistics."""
    if wats_filter is None or not wats_filter.part_number or not wats_filter.test_operation:
        raise InvalidArgumentError(f"{endpoint} needs a filter with part_number and test_operation")
    return wats_filter
