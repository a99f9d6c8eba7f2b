"""Admission and retention decisions over plain numbers."""

from __future__ import annotations

import pytest

from pywats.exceptions import ConfigurationError
from pywats_client.queue import QueueLimits, RefusalKind, RetentionPolicy
from pywats_client.queue.limits import CompletedItem, admission_refusal, completed_to_prune

LIMITS = QueueLimits(max_pending_count=10, max_pending_bytes=1000, min_free_bytes=500)


def _refusal(count: int = 0, size: int = 0, incoming: int = 10, free: int = 10_000) -> object:
    decision = admission_refusal(
        LIMITS, pending_count=count, pending_bytes=size, incoming_bytes=incoming, free_bytes=free
    )
    return None if decision is None else decision.kind


def test_room_everywhere_accepts() -> None:
    assert _refusal() is None


@pytest.mark.parametrize(
    ("kwargs", "kind"),
    [
        ({"count": 10}, RefusalKind.COUNT),
        ({"size": 995}, RefusalKind.BYTES),
        ({"free": 505}, RefusalKind.DISK),
    ],
)
def test_each_limit_refuses_with_its_kind(kwargs: dict[str, int], kind: RefusalKind) -> None:
    assert _refusal(**kwargs) is kind


def test_refusal_message_names_the_numbers() -> None:
    decision = admission_refusal(
        LIMITS, pending_count=10, pending_bytes=0, incoming_bytes=1, free_bytes=10_000
    )
    assert decision is not None
    assert "10 pending" in decision.message


def test_disabled_caps_never_refuse() -> None:
    open_limits = QueueLimits(max_pending_count=None, max_pending_bytes=None, min_free_bytes=0)
    decision = admission_refusal(
        open_limits, pending_count=10**9, pending_bytes=10**15, incoming_bytes=1, free_bytes=1
    )
    assert decision is None


@pytest.mark.parametrize(
    "kwargs", [{"max_pending_count": 0}, {"max_pending_bytes": -1}, {"min_free_bytes": -1}]
)
def test_bad_limits_are_rejected(kwargs: dict[str, int]) -> None:
    with pytest.raises(ConfigurationError):
        QueueLimits(**kwargs)


def _items(*ages_and_sizes: tuple[int, int]) -> list[CompletedItem]:
    return [CompletedItem(f"r{i}", ms, size) for i, (ms, size) in enumerate(ages_and_sizes)]


def test_retention_prunes_by_age_oldest_first() -> None:
    policy = RetentionPolicy(max_age_seconds=10, max_count=None, max_bytes=None)
    items = _items((5_000, 1), (1_000, 1), (15_000, 1))
    assert completed_to_prune(items, policy, now_ms=20_000) == ["r1", "r0"]


def test_retention_prunes_by_count_and_bytes() -> None:
    by_count = RetentionPolicy(max_age_seconds=None, max_count=1, max_bytes=None)
    by_bytes = RetentionPolicy(max_age_seconds=None, max_count=None, max_bytes=150)
    items = _items((1, 100), (2, 100), (3, 100))
    assert completed_to_prune(items, by_count, now_ms=10) == ["r0", "r1"]
    assert completed_to_prune(items, by_bytes, now_ms=10) == ["r0", "r1"]


def test_retention_within_policy_prunes_nothing() -> None:
    assert completed_to_prune(_items((1, 1)), RetentionPolicy(), now_ms=2) == []
