"""Backoff and the retry budget are pure: driven by explicit failures, times and RNGs."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pywats.exceptions import ConfigurationError
from pywats_client.queue import BackoffPolicy, RetryBudget, backoff_ceiling, backoff_delay

POLICY = BackoffPolicy(base=5.0, factor=2.0, cap=3600.0, min_delay=1.0)


def test_ceiling_doubles_from_base_then_stays_at_cap() -> None:
    ceilings = [backoff_ceiling(n, POLICY) for n in range(1, 12)]
    assert ceilings[:5] == [5.0, 10.0, 20.0, 40.0, 80.0]
    assert ceilings[-1] == 3600.0
    assert backoff_ceiling(10_000, POLICY) == 3600.0


@given(failures=st.integers(min_value=1, max_value=100_000), seed=st.integers(0, 2**32))
def test_delay_is_within_floor_and_ceiling(failures: int, seed: int) -> None:
    delay = backoff_delay(failures, POLICY, random.Random(seed))
    assert POLICY.min_delay <= delay <= backoff_ceiling(failures, POLICY)


def test_delays_are_jittered_and_reproducible_with_a_seed() -> None:
    first = [backoff_delay(8, POLICY, random.Random(3)) for _ in range(3)]
    rng = random.Random(11)
    spread = {round(backoff_delay(8, POLICY, rng), 6) for _ in range(50)}
    assert first[0] == first[1] == first[2]
    assert len(spread) == 50


@pytest.mark.parametrize(
    "kwargs",
    [{"base": 0.5, "min_delay": 1.0}, {"cap": 1.0}, {"factor": 0.5}, {"min_delay": 0.0}],
)
def test_inconsistent_policy_is_rejected(kwargs: dict[str, float]) -> None:
    with pytest.raises(ConfigurationError):
        BackoffPolicy(**kwargs)


def test_budget_releases_a_burst_then_one_per_interval() -> None:
    budget = RetryBudget(burst=3, per_second=0.5, now=100.0)
    assert [budget.try_take(100.0) for _ in range(4)] == [True, True, True, False]
    assert budget.seconds_until_token(100.0) == pytest.approx(2.0)
    assert not budget.try_take(101.0)
    assert budget.try_take(102.0)
    assert not budget.try_take(102.0)


def test_budget_never_holds_more_than_its_burst() -> None:
    budget = RetryBudget(burst=2, per_second=10.0, now=0.0)
    assert budget.available(1_000_000.0) == 2.0


def test_budget_ignores_a_clock_that_steps_back() -> None:
    budget = RetryBudget(burst=1, per_second=1.0, now=50.0)
    assert budget.try_take(50.0)
    assert not budget.try_take(10.0)
    assert budget.try_take(51.0)


@pytest.mark.parametrize(("burst", "rate"), [(0, 1.0), (1, 0.0)])
def test_bad_budget_is_rejected(burst: int, rate: float) -> None:
    with pytest.raises(ConfigurationError):
        RetryBudget(burst=burst, per_second=rate)
