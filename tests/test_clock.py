"""
The clock port's test double: a fixed clock that can be advanced and set.
"""

from __future__ import annotations

import datetime as dt

import pendulum
import pytest
from hypothesis import given

from layanan_aduan.clock import Clock, FixedClock
from layanan_aduan.exceptions import NaiveDatetimeError, NotAnInstantError
from layanan_aduan.testing.strategies import instants

START = pendulum.datetime(2026, 1, 12, 9, 5, tz="Asia/Jakarta")


def test_fixed_clock_is_a_clock() -> None:
    """A FixedClock satisfies the Clock port."""
    assert isinstance(FixedClock(START), Clock)


@given(instants(), instants())
def test_set_moves_the_clock_to_any_aware_instant(
    first: pendulum.DateTime, then: dt.datetime
) -> None:
    """set() puts the clock at the given instant, earlier or later, and now() answers it."""
    clock = FixedClock(first)
    clock.set(then)
    assert clock.now() == then
    assert isinstance(clock.now(), pendulum.DateTime)


def test_set_takes_a_stdlib_aware_datetime() -> None:
    """An aware stdlib datetime is accepted and answered as a pendulum DateTime."""
    clock = FixedClock(START)
    clock.set(dt.datetime(2026, 2, 1, 1, 0, tzinfo=dt.UTC))
    assert clock.now() == pendulum.datetime(2026, 2, 1, 1, 0, tz="UTC")
    assert isinstance(clock.now(), pendulum.DateTime)


def test_set_refuses_a_naive_datetime_and_keeps_the_time() -> None:
    """A naive datetime is refused with naive_datetime and the clock does not move."""
    clock = FixedClock(START)
    with pytest.raises(NaiveDatetimeError) as info:
        clock.set(dt.datetime(2026, 2, 1, 8, 0))
    assert info.value.code == "naive_datetime"
    assert info.value.field == "instant"
    assert info.value.message_en
    assert clock.now() == START


def test_set_refuses_what_is_not_a_datetime() -> None:
    """A value that is not a datetime (an ISO string) is refused with not_an_instant."""
    clock = FixedClock(START)
    with pytest.raises(NotAnInstantError) as info:
        clock.set("2026-02-01T08:00:00+07:00")  # type: ignore[arg-type]
    assert info.value.code == "not_an_instant"
    assert clock.now() == START
