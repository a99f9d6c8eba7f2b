"""File names carry the index: they must round-trip and reject anything else."""

from __future__ import annotations

import pytest

from pywats.exceptions import ReportFormatError
from pywats_client.queue.naming import (
    EntryName,
    EntryState,
    is_temp_name,
    normalize_report_id,
    parse_entry_name,
    temp_name_for,
)

RID = "0b7c3f5e-8f7a-4d55-9a43-2f4c1c0d9e11"


@pytest.mark.parametrize("state", list(EntryState))
def test_name_round_trips_for_every_state(state: EntryState) -> None:
    name = EntryName(1_790_000_000_123_456, RID, 4321, 1_790_000_000_999, state)
    assert parse_entry_name(name.filename) == name


def test_names_sort_by_acceptance_time() -> None:
    early = EntryName(999_999_999_999, RID, 1, 1, EntryState.QUEUED).filename
    late = EntryName(1_000_000_000_000, RID, 1, 1, EntryState.QUEUED).filename
    assert sorted([late, early]) == [early, late]


@pytest.mark.parametrize(
    "bad",
    [
        "notes.txt",
        f"1790000000123456_{RID}_12_34.done",
        f"1790000000123456_{RID.upper()}_12_34.queued",
        f"179000000012345_{RID}_12_34.queued",
        f"1790000000123456_{RID}_x_34.queued",
        f"1790000000123456_{RID}_12.queued",
        "1790000000123456_zzzzzzzz-8f7a-4d55-9a43-2f4c1c0d9e11_12_34.queued",
        ".queued",
    ],
)
def test_foreign_names_are_not_entries(bad: str) -> None:
    assert parse_entry_name(bad) is None


def test_temp_names_are_recognised() -> None:
    final = EntryName(1, RID, 1, 1, EntryState.QUEUED).filename
    temp = temp_name_for(final, "ab12")
    assert is_temp_name(temp)
    assert parse_entry_name(temp) is None
    assert not is_temp_name(final)


def test_report_id_is_normalised_to_lower_case() -> None:
    assert normalize_report_id(RID.upper()) == RID


@pytest.mark.parametrize("bad", ["", "not-a-guid", "../../etc/passwd", 42, None])
def test_bad_report_id_raises_report_format_error(bad: object) -> None:
    with pytest.raises(ReportFormatError, match="GUID"):
        normalize_report_id(bad)
