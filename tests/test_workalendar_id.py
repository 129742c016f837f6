"""
IndonesianWorkalendar: workalendar's Calendar interface over the office calendar.
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st
from workalendar.core import Calendar

from layanan_aduan.adapters.holidays_id import indonesian_calendar
from layanan_aduan.adapters.workalendar_id import IndonesianWorkalendar
from layanan_aduan.domain.calendar import (
    DataPolicy,
    OfficeSchedule,
    Overrides,
    Reopening,
    SpecialHours,
    WorkingInterval,
)
from layanan_aduan.exceptions import CalendarDataMissingError, ValidationError

DATES = st.dates(min_value=dt.date(2019, 1, 1), max_value=dt.date(2029, 12, 31))


@pytest.fixture(scope="module")
def cal() -> IndonesianWorkalendar:
    return IndonesianWorkalendar()


_SHARED: list[IndonesianWorkalendar] = []


def _shared() -> IndonesianWorkalendar:
    if not _SHARED:
        _SHARED.append(IndonesianWorkalendar())
    return _SHARED[0]


def test_is_a_workalendar_calendar(cal: IndonesianWorkalendar) -> None:
    """The adapter is a workalendar Calendar with Saturday and Sunday as its weekend."""
    assert isinstance(cal, Calendar)
    assert cal.get_weekend_days() == (5, 6)
    assert cal.name.startswith("Indonesia")


def test_holidays_of_2026(cal: IndonesianWorkalendar) -> None:
    """holidays(2026) lists the 25 libur nasional and cuti bersama dates, sorted, labelled."""
    days = cal.holidays(2026)
    assert len(days) == 25
    assert days == sorted(days)
    assert days[1] == (dt.date(2026, 1, 16), "Isra Mikraj Nabi Muhammad")
    assert cal.is_holiday(dt.date(2026, 12, 24))
    assert not cal.is_holiday(dt.date(2026, 1, 17))


def test_two_names_on_one_date_share_a_label() -> None:
    """Two holidays on one date are one entry, their names joined (13 May 2021)."""
    labels = dict(IndonesianWorkalendar(language="en").holidays(2021))
    assert labels[dt.date(2021, 5, 13)] == "Eid al-Fitr; Ascension Day"


def test_holidays_needs_a_year(cal: IndonesianWorkalendar) -> None:
    """holidays() without a year is refused rather than read the wall clock."""
    with pytest.raises(ValidationError) as info:
        cal.holidays()
    assert info.value.code == "year_required"


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (dt.date(2026, 1, 15), 1, dt.date(2026, 1, 19)),  # over Isra Mikraj and a weekend
        (dt.date(2025, 8, 15), 1, dt.date(2025, 8, 19)),  # over 17 (Sun) and 18 Aug 2025
        (dt.date(2026, 3, 17), 1, dt.date(2026, 3, 25)),  # Nyepi, Idul Fitri and its leave
        (dt.date(2026, 3, 25), -1, dt.date(2026, 3, 17)),
    ],
)
def test_add_working_days(
    cal: IndonesianWorkalendar, start: dt.date, days: int, expected: dt.date
) -> None:
    """add_working_days skips weekends, libur nasional and cuti bersama."""
    assert cal.add_working_days(start, days) == expected


def test_sub_working_days_and_delta(cal: IndonesianWorkalendar) -> None:
    """sub_working_days mirrors add; the delta counts March 2026's working days."""
    assert cal.sub_working_days(dt.date(2026, 1, 19), 1) == dt.date(2026, 1, 15)
    # March 2026: 22 weekdays less Nyepi 18-19, leave 20, 23, 24 (21-22 fall on a weekend).
    assert cal.get_working_days_delta(dt.date(2026, 3, 1), dt.date(2026, 3, 31)) == 17
    assert cal.get_working_days_delta(dt.date(2026, 3, 31), dt.date(2026, 3, 1)) == 17


def test_datetimes_count_by_their_date(cal: IndonesianWorkalendar) -> None:
    """A datetime counts by its date; keep_datetime keeps the time."""
    start = dt.datetime(2026, 1, 15, 10, 30)
    assert cal.add_working_days(start, 1) == dt.date(2026, 1, 19)
    assert cal.add_working_days(start, 1, keep_datetime=True) == dt.datetime(2026, 1, 19, 10, 30)


def test_extra_days_follow_workalendar_priority(cal: IndonesianWorkalendar) -> None:
    """extra_working_days win over extra_holidays, which win over the calendar."""
    holiday, workday = dt.date(2026, 1, 16), dt.date(2026, 1, 15)
    assert cal.is_working_day(holiday, extra_working_days=[holiday])
    assert not cal.is_working_day(workday, extra_holidays=[workday])
    assert cal.is_working_day(workday, extra_working_days=[workday], extra_holidays=[workday])


def test_overrides_reach_workalendar() -> None:
    """A reopened cuti bersama works; special hours that open Saturdays make them working days."""
    saturdays = SpecialHours.of(
        dt.date(2026, 1, 1), dt.date(2026, 1, 31), "Layanan Sabtu", saturday="08:00-12:00"
    )
    overrides = Overrides(
        reopened=[Reopening(dt.date(2026, 12, 24), "Tetap buka")], special_hours=[saturdays]
    )
    cal = IndonesianWorkalendar(indonesian_calendar(overrides=overrides))
    assert cal.is_working_day(dt.date(2026, 12, 24))
    assert not cal.is_holiday(dt.date(2026, 12, 24))
    assert cal.is_working_day(dt.date(2026, 1, 10))
    assert not cal.is_working_day(dt.date(2026, 2, 7))


def test_weekend_follows_the_schedule() -> None:
    """An office open Monday to Saturday has only Sunday as its weekend."""
    day = (WorkingInterval(dt.time(8), dt.time(16)),)
    schedule = OfficeSchedule(weekly=(day,) * 6 + ((),))
    cal = IndonesianWorkalendar(indonesian_calendar(schedule))
    assert cal.get_weekend_days() == (6,)
    assert cal.is_working_day(dt.date(2026, 1, 10))


def test_strict_calendar_refuses_undecreed_years() -> None:
    """Over a strict calendar, workalendar calls on 2028 raise calendar_data_missing."""
    cal = IndonesianWorkalendar(indonesian_calendar(policy=DataPolicy.STRICT))
    assert cal.is_working_day(dt.date(2027, 1, 4))
    with pytest.raises(CalendarDataMissingError):
        cal.is_working_day(dt.date(2028, 1, 3))
    with pytest.raises(CalendarDataMissingError):
        cal.holidays(2028)


def test_unknown_language_is_refused() -> None:
    """A label language other than id or en is refused."""
    with pytest.raises(ValidationError) as info:
        IndonesianWorkalendar(language="jv")
    assert (info.value.code, info.value.field) == ("unsupported_language", "language")


@given(DATES)
def test_agrees_with_the_office_calendar(day: dt.date) -> None:
    """is_working_day equals the office calendar's; is_holiday means a non-weekend closure."""
    cal = _shared()
    schedule = cal.calendar.schedule_for(day)
    assert cal.is_working_day(day) == schedule.is_working_day
    assert cal.is_holiday(day) == any(c.kind.value != "weekend" for c in schedule.closures)


@given(DATES, st.integers(0, 40))
def test_add_then_delta_counts_back(day: dt.date, n: int) -> None:
    """Adding n working days lands on a working day n working days away."""
    cal = _shared()
    end = cal.add_working_days(day, n)
    assert cal.get_working_days_delta(day, end) == n
    assert n == 0 or cal.is_working_day(end)


@given(DATES, st.integers(0, 40))
def test_sub_inverts_add_on_working_days(day: dt.date, n: int) -> None:
    """From a working day, adding then subtracting n working days returns to it."""
    cal = _shared()
    start = cal.add_working_days(day, 1)
    assert cal.sub_working_days(cal.add_working_days(start, n), n) == start
