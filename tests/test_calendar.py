"""
OfficeCalendar: weekly hours, holidays with every reason, special hours, data policy.
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from layanan_aduan.adapters.holidays_id import indonesian_calendar
from layanan_aduan.domain.calendar import (
    DataPolicy,
    DayKind,
    NonWorkingDay,
    OfficeCalendar,
    WorkingCalendar,
    WorkingInterval,
    YearHolidays,
)
from layanan_aduan.exceptions import CalendarDataMissingError, CalendarError

EIGHT_TO_FOUR = (WorkingInterval(dt.time(8), dt.time(16)),)


class FixedSource:
    """A holiday source with the days given, decreed for the years given."""

    def __init__(self, days: list[NonWorkingDay], decreed: set[int]) -> None:
        self.days = days
        self.decreed = decreed
        self.calls: list[int] = []

    def non_working_days(self, year: int) -> YearHolidays:
        self.calls.append(year)
        return YearHolidays(
            year, [d for d in self.days if d.date.year == year], decreed=year in self.decreed
        )


@pytest.fixture(scope="module")
def calendar() -> OfficeCalendar:
    return indonesian_calendar()


def test_is_a_working_calendar(calendar: OfficeCalendar) -> None:
    """OfficeCalendar satisfies the WorkingCalendar port the engine reads."""
    assert isinstance(calendar, WorkingCalendar)
    assert calendar.timezone == "Asia/Jakarta"


def test_ordinary_weekday_is_open_eight_to_four(calendar: OfficeCalendar) -> None:
    """A plain Wednesday is open 08:00-16:00 with no closure, not provisional."""
    day = calendar.schedule_for(dt.date(2026, 1, 7))
    assert day.intervals == EIGHT_TO_FOUR
    assert day.closures == ()
    assert not day.provisional
    assert day.note is None


def test_isra_mikraj_2026_is_closed_with_its_legal_basis(calendar: OfficeCalendar) -> None:
    """Friday 16 January 2026 is closed as libur nasional under SKB 1497/2025."""
    day = calendar.schedule_for(dt.date(2026, 1, 16))
    assert not day.is_working_day
    assert [(c.kind, c.legal_basis) for c in day.closures] == [
        (DayKind.NATIONAL_HOLIDAY, "SKB 1497/2025, 2/2025, 5/2025")
    ]


def test_holiday_on_a_sunday_has_both_reasons(calendar: OfficeCalendar) -> None:
    """Sunday 17 August 2025 is closed as akhir pekan and as libur nasional."""
    day = calendar.schedule_for(dt.date(2025, 8, 17))
    assert [c.kind.label for c in day.closures] == ["akhir pekan", "libur nasional"]
    assert day.closures[0].name == "Minggu"


def test_2028_is_provisional(calendar: OfficeCalendar) -> None:
    """A working day of 2028 (no decree yet) is answered, marked provisional."""
    day = calendar.schedule_for(dt.date(2028, 1, 3))
    assert day.is_working_day
    assert day.provisional
    assert not calendar.is_decreed(2028)


def test_strict_policy_refuses_2028() -> None:
    """Under the strict policy a date of an undecreed year raises calendar_data_missing."""
    strict = indonesian_calendar(policy=DataPolicy.STRICT)
    with pytest.raises(CalendarDataMissingError) as info:
        strict.schedule_for(dt.date(2028, 1, 3))
    err = info.value
    assert isinstance(err, CalendarError)
    assert (err.code, err.field, err.details["year"]) == ("calendar_data_missing", "date", 2028)
    assert "2028" in err.message
    assert "belum ditetapkan" in err.message
    assert strict.schedule_for(dt.date(2026, 1, 7)).is_working_day


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)))
def test_schedule_is_consistent(day: dt.date) -> None:
    """Every date is open exactly when it has no closure; weekends are never open."""
    schedule = _shared().schedule_for(day)
    assert schedule.date == day
    assert schedule.is_working_day == (not schedule.closures)
    if day.weekday() >= 5:
        assert not schedule.is_working_day
        assert schedule.closures[0].kind is DayKind.WEEKEND
    assert schedule.provisional == (not 2020 <= day.year <= 2027)


_CAL: list[OfficeCalendar] = []


def _shared() -> OfficeCalendar:
    if not _CAL:
        _CAL.append(indonesian_calendar())
    return _CAL[0]
