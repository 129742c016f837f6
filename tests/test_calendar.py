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
    DEFAULT_OFFICE_SCHEDULE,
    DataPolicy,
    DayKind,
    HolidaySource,
    NonWorkingDay,
    OfficeCalendar,
    OfficeSchedule,
    Overrides,
    Reopening,
    SpecialHours,
    WorkingCalendar,
    WorkingInterval,
    YearHolidays,
)
from layanan_aduan.exceptions import CalendarDataMissingError, CalendarError, ValidationError

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


# --- a calendar on a fixed source -------------------------------------------------------------

HOLIDAY = NonWorkingDay(
    dt.date(2030, 1, 1), DayKind.NATIONAL_HOLIDAY, "Tahun Baru", "New Year", "SKB X"
)
LEAVE = NonWorkingDay(dt.date(2030, 1, 2), DayKind.JOINT_LEAVE, "Cuti bersama", "Joint leave")
GUESS = NonWorkingDay(
    dt.date(2030, 1, 3), DayKind.NATIONAL_HOLIDAY, "Idul Fitri", "Eid", estimated=True
)
SATURDAY_HOLIDAY = NonWorkingDay(
    dt.date(2030, 1, 5), DayKind.NATIONAL_HOLIDAY, "Libur Sabtu", "Saturday holiday"
)


def _calendar(
    overrides: Overrides | None = None,
    policy: DataPolicy = DataPolicy.PROVISIONAL,
    schedule: OfficeSchedule = DEFAULT_OFFICE_SCHEDULE,
    decreed: frozenset[int] = frozenset({2030}),
) -> tuple[OfficeCalendar, FixedSource]:
    source = FixedSource([HOLIDAY, LEAVE, GUESS, SATURDAY_HOLIDAY], set(decreed))
    assert isinstance(source, HolidaySource)
    return OfficeCalendar(schedule, source, overrides or Overrides(), policy), source


def test_estimated_date_in_a_decreed_year_is_provisional() -> None:
    """An estimated holiday makes its own date provisional, not the rest of the year."""
    cal, _ = _calendar()
    assert cal.schedule_for(GUESS.date).provisional
    assert not cal.schedule_for(dt.date(2030, 1, 7)).provisional


def test_strict_refuses_an_estimated_date() -> None:
    """Under the strict policy an estimated date raises, naming the estimate."""
    cal, _ = _calendar(policy=DataPolicy.STRICT)
    with pytest.raises(CalendarDataMissingError) as info:
        cal.schedule_for(GUESS.date)
    assert "perkiraan" in info.value.message
    assert not cal.schedule_for(dt.date(2030, 1, 7)).provisional


def test_overrides_close_a_day_with_their_reason() -> None:
    """A [closed] override closes a working day with its kind, name and legal basis."""
    extra = NonWorkingDay(
        dt.date(2030, 1, 8), DayKind.JOINT_LEAVE, "Cuti bersama", "Joint leave", "SKB Y"
    )
    cal, _ = _calendar(Overrides(closed=[extra]))
    assert cal.schedule_for(extra.date).closures == (extra,)


def test_override_duplicating_the_source_is_ignored() -> None:
    """A closed override of a date and kind the source already has leaves the source's entry."""
    same = NonWorkingDay(LEAVE.date, DayKind.JOINT_LEAVE, "Cuti (operator)", "Leave (operator)")
    local = NonWorkingDay(HOLIDAY.date, DayKind.LOCAL_OVERRIDE, "Rapat", "Meeting")
    cal, _ = _calendar(Overrides(closed=[same, local]))
    assert cal.schedule_for(LEAVE.date).closures == (LEAVE,)
    assert cal.schedule_for(HOLIDAY.date).closures == (HOLIDAY, local)


def test_reopened_day_is_a_working_day_with_a_note() -> None:
    """A reopened cuti bersama is open on its weekly hours, its reason as the note."""
    cal, _ = _calendar(Overrides(reopened=[Reopening(LEAVE.date, "Dibatalkan")]))
    day = cal.schedule_for(LEAVE.date)
    assert (day.intervals, day.closures, day.note) == (EIGHT_TO_FOUR, (), "Dibatalkan")
    assert LEAVE not in cal.non_working_days(2030)


def test_reopening_does_not_open_a_weekend() -> None:
    """Reopening a holiday that falls on a Saturday leaves the Saturday closed as akhir pekan."""
    cal, _ = _calendar(Overrides(reopened=[Reopening(SATURDAY_HOLIDAY.date, "Dibatalkan")]))
    day = cal.schedule_for(SATURDAY_HOLIDAY.date)
    assert [c.kind for c in day.closures] == [DayKind.WEEKEND]
    assert day.note is None


RAMADAN = SpecialHours.of(
    dt.date(2030, 1, 1),
    dt.date(2030, 1, 31),
    "Jam kerja Ramadan",
    days="08:00-15:00",
    friday="08:00-15:30",
)


def test_special_hours_replace_the_weekly_hours() -> None:
    """In a special-hours range Monday-Thursday and Friday take the special intervals."""
    cal, _ = _calendar(Overrides(special_hours=[RAMADAN]))
    monday, friday = cal.schedule_for(dt.date(2030, 1, 7)), cal.schedule_for(dt.date(2030, 1, 11))
    assert [i.isoformat() for i in monday.intervals] == ["08:00-15:00"]
    assert [i.isoformat() for i in friday.intervals] == ["08:00-15:30"]
    assert monday.note == friday.note == "Jam kerja Ramadan"
    assert cal.schedule_for(dt.date(2030, 2, 4)).intervals == EIGHT_TO_FOUR


def test_special_hours_keep_holidays_and_weekends_closed() -> None:
    """Special hours given for every day neither open a weekend nor a holiday."""
    cal, _ = _calendar(Overrides(special_hours=[RAMADAN]))
    assert not cal.is_working_day(dt.date(2030, 1, 6))
    assert not cal.is_working_day(HOLIDAY.date)


def test_special_hours_can_open_a_named_weekend_day() -> None:
    """A weekday named explicitly opens it in the range, holidays excepted."""
    saturday = SpecialHours.of(
        dt.date(2030, 1, 1), dt.date(2030, 1, 31), "Layanan Sabtu", saturday="08:00-12:00"
    )
    cal, _ = _calendar(Overrides(special_hours=[saturday]))
    day = cal.schedule_for(dt.date(2030, 1, 12))
    assert ([i.isoformat() for i in day.intervals], day.closures) == (["08:00-12:00"], ())
    assert [c.kind for c in cal.schedule_for(SATURDAY_HOLIDAY.date).closures] == [
        DayKind.NATIONAL_HOLIDAY
    ]


def test_later_special_hours_win() -> None:
    """Where two ranges cover a date the later one wins; elsewhere the earlier still applies."""
    half_day = SpecialHours.of(
        dt.date(2030, 1, 10), dt.date(2030, 1, 10), "Setengah hari", days="08:00-12:00"
    )
    cal, _ = _calendar(Overrides(special_hours=[RAMADAN, half_day]))
    assert cal.schedule_for(dt.date(2030, 1, 10)).note == "Setengah hari"
    assert cal.schedule_for(dt.date(2030, 1, 9)).note == "Jam kerja Ramadan"


def test_operator_can_declare_a_year_decreed() -> None:
    """decreed_years makes an undecreed year's answers, estimated dates included, final."""
    cal, _ = _calendar(decreed=frozenset())
    assert cal.schedule_for(dt.date(2030, 1, 7)).provisional
    confirmed, _ = _calendar(Overrides(decreed_years={2030}), decreed=frozenset())
    assert confirmed.is_decreed(2030)
    assert not confirmed.schedule_for(GUESS.date).provisional
    assert not confirmed.schedule_for(dt.date(2030, 1, 7)).provisional


def test_custom_schedule_with_a_break_in_wita() -> None:
    """An office in WITA with a lunch break answers with two intervals a day."""
    split = (
        WorkingInterval(dt.time(8), dt.time(12)),
        WorkingInterval(dt.time(13), dt.time(16, 30)),
    )
    schedule = OfficeSchedule("Asia/Makassar", (split,) * 5 + ((), ()))
    cal, _ = _calendar(schedule=schedule)
    assert cal.timezone == "Asia/Makassar"
    assert cal.schedule_for(dt.date(2030, 1, 7)).intervals == split


def test_source_is_asked_once_per_year() -> None:
    """The calendar caches each year: the source is asked once however often dates are."""
    cal, source = _calendar()
    for _ in range(3):
        cal.schedule_for(dt.date(2030, 1, 1))
        cal.non_working_days(2030)
    assert source.calls == [2030]


def test_non_working_days_lists_reasons_with_or_without_weekends() -> None:
    """The listing gives every non-weekend reason; weekends=True adds Saturdays and Sundays."""
    cal, _ = _calendar()
    assert cal.non_working_days(2030) == (HOLIDAY, LEAVE, GUESS, SATURDAY_HOLIDAY)
    with_weekends = cal.non_working_days(2030, weekends=True)
    assert sum(c.kind is DayKind.WEEKEND for c in with_weekends) == 104
    assert [c.kind for c in with_weekends if c.date == SATURDAY_HOLIDAY.date] == [
        DayKind.WEEKEND,
        DayKind.NATIONAL_HOLIDAY,
    ]


@pytest.mark.parametrize("year", [0, 10_000, -1])
def test_listing_refuses_a_year_out_of_range(year: int) -> None:
    """A year outside 1-9999 is refused with invalid_year."""
    cal, _ = _calendar()
    with pytest.raises(ValidationError) as info:
        cal.non_working_days(year)
    assert (info.value.code, info.value.field) == ("invalid_year", "year")


@given(st.sampled_from([1, 2, 1945, 2101, 5000, 9998, 9999]))
def test_extreme_years_answer(year: int) -> None:
    """Years python-holidays does not cover list no holidays and are provisional, never crash."""
    cal = _shared()
    assert cal.non_working_days(year) == ()
    assert not cal.is_decreed(year)
    assert cal.schedule_for(dt.date(year, 12, 31)).provisional


@given(st.dates())
def test_strict_raises_exactly_where_provisional(day: dt.date) -> None:
    """The strict policy raises for a date exactly when the default policy calls it provisional."""
    provisional = _shared().schedule_for(day).provisional
    strict = _strict()
    if provisional:
        with pytest.raises(CalendarDataMissingError):
            strict.schedule_for(day)
    else:
        assert strict.schedule_for(day) == _shared().schedule_for(day)


@given(st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2031, 12, 31)))
def test_schedule_for_is_pure(day: dt.date) -> None:
    """Asking twice, or asking a fresh calendar, gives the same schedule."""
    assert _shared().schedule_for(day) == _shared().schedule_for(day)
    assert indonesian_calendar().schedule_for(day) == _shared().schedule_for(day)


_STRICT: list[OfficeCalendar] = []


def _strict() -> OfficeCalendar:
    if not _STRICT:
        _STRICT.append(indonesian_calendar(policy=DataPolicy.STRICT))
    return _STRICT[0]


JANUARY_2030 = st.dates(min_value=dt.date(2030, 1, 1), max_value=dt.date(2030, 1, 31))


@st.composite
def january_overrides(draw: st.DrawFn) -> Overrides:
    """Closed and reopened days and a special-hours range, all in January 2030."""
    dates = draw(st.lists(JANUARY_2030, unique=True, max_size=6))
    cut = draw(st.integers(0, len(dates)))
    kind = st.sampled_from([DayKind.JOINT_LEAVE, DayKind.LOCAL_OVERRIDE])
    start = draw(JANUARY_2030)
    end = draw(st.dates(min_value=start, max_value=dt.date(2030, 1, 31)))
    weekday = draw(st.sampled_from(["monday", "saturday", "sunday", "friday"]))
    special = SpecialHours.of(
        start, end, "Jam khusus", days="09:00-11:00", **{weekday: "10:00-12:00"}
    )
    return Overrides(
        closed=[NonWorkingDay(d, draw(kind), "Tutup", "Closed") for d in dates[:cut]],
        reopened=[Reopening(d, "Buka") for d in dates[cut:]],
        special_hours=[special],
    )


@given(january_overrides(), JANUARY_2030)
def test_overrides_keep_every_schedule_consistent(overrides: Overrides, day: dt.date) -> None:
    """Under any overrides a date is open exactly when it has no closure; overrides are obeyed."""
    cal, _ = _calendar(overrides)
    schedule = cal.schedule_for(day)
    assert schedule.is_working_day == (not schedule.closures)
    if day in {d.date for d in overrides.closed}:
        assert not schedule.is_working_day
    if day in {r.date for r in overrides.reopened}:
        assert not any(c.kind is DayKind.NATIONAL_HOLIDAY for c in schedule.closures)
        assert LEAVE not in schedule.closures
    assert all(c.date == day for c in schedule.closures)
