"""
Examples of the working-time engine: deadlines, elapsed time, opening hours, SLA clocks.
"""

from __future__ import annotations

import datetime as dt
import threading
import zoneinfo
from collections import Counter
from collections.abc import Callable, Iterable

import pendulum
import pytest

from layanan_aduan.adapters.holidays_id import indonesian_calendar
from layanan_aduan.domain.calendar import (
    DataPolicy,
    DayKind,
    DaySchedule,
    NonWorkingDay,
    WorkingCalendar,
    WorkingInterval,
)
from layanan_aduan.domain.worktime import (
    DEFAULT_SLA_GOAL,
    MAX_DURATION,
    Deadline,
    SlaStatus,
    SlaThresholds,
    WorkingTime,
    duration_from_hours,
)
from layanan_aduan.exceptions import (
    CalendarDataMissingError,
    CalendarError,
    InstantOrderError,
    InstantOutOfRangeError,
    InvalidDurationError,
    InvalidThresholdError,
    NaiveDatetimeError,
    NotAnInstantError,
    NoWorkingTimeError,
    ValidationError,
)

WIB, WITA, WIT = "Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura"
H3 = dt.timedelta(hours=3)
OFFICE = (WorkingInterval(dt.time(8), dt.time(16)),)
WITH_BREAK = (
    WorkingInterval(dt.time(8), dt.time(12)),
    WorkingInterval(dt.time(13), dt.time(16)),
)
ISRA_MIKRAJ = NonWorkingDay(
    dt.date(2026, 1, 16), DayKind.NATIONAL_HOLIDAY, "Isra Mikraj", "Isra' and Mi'raj", "SKB"
)


class WeekCalendar:
    """
    A small calendar for tests: one day's hours on weekdays, closed dates, provisional years.
    """

    def __init__(
        self,
        timezone: str = WIB,
        hours: tuple[WorkingInterval, ...] = OFFICE,
        *,
        days: Iterable[int] = range(5),
        closed: Iterable[NonWorkingDay] = (),
        provisional_years: Iterable[int] = (),
        special: dict[dt.date, tuple[WorkingInterval, ...]] | None = None,
    ) -> None:
        self._timezone = timezone
        self.hours = hours
        self.days = frozenset(days)
        self.closed = {c.date: c for c in closed}
        self.provisional_years = frozenset(provisional_years)
        self.special = dict(special or {})
        self.asked: Counter[dt.date] = Counter()

    @property
    def timezone(self) -> str:
        return self._timezone

    def schedule_for(self, day: dt.date) -> DaySchedule:
        self.asked[day] += 1
        provisional = day.year in self.provisional_years
        if day in self.closed:
            return DaySchedule(day, (), (self.closed[day],), provisional)
        if day in self.special:
            return DaySchedule(day, self.special[day], (), provisional, note="jam khusus")
        if day.weekday() not in self.days:
            closure = NonWorkingDay(day, DayKind.WEEKEND, "akhir pekan", "weekend")
            return DaySchedule(day, (), (closure,), provisional)
        return DaySchedule(day, self.hours, (), provisional)


def at(
    year: int,
    month: int,
    day: int,
    hour: int = 0,
    minute: int = 0,
    second: int = 0,
    *,
    tz: str = WIB,
) -> pendulum.DateTime:
    """An aware instant in ``tz`` (WIB by default)."""
    return pendulum.datetime(year, month, day, hour, minute, second, tz=tz)


@pytest.fixture(scope="module")
def real() -> WorkingTime:
    """The engine over the Indonesian calendar (python-holidays, default policy)."""
    return WorkingTime(indonesian_calendar())


@pytest.fixture
def office() -> WorkingTime:
    """A WIB office, 08:00-16:00 Monday to Friday, closed for Isra Mikraj 2026."""
    return WorkingTime(WeekCalendar(closed=[ISRA_MIKRAJ]))


ISSUE_EXAMPLES = [
    (at(2026, 1, 9, 15), "2026-01-12T10:00:00+07:00"),  # Friday afternoon
    (at(2026, 1, 7, 16), "2026-01-08T11:00:00+07:00"),  # 16:00 counts from the next opening
    (at(2026, 1, 7, 13), "2026-01-07T16:00:00+07:00"),  # used up at the closing itself
    (at(2026, 1, 10, 10), "2026-01-12T11:00:00+07:00"),  # a Saturday
    (at(2026, 1, 16, 10), "2026-01-19T11:00:00+07:00"),  # Isra Mikraj
]


# --- the issue's examples ------------------------------------------------------------------


@pytest.mark.parametrize(("received", "expected"), ISSUE_EXAMPLES)
def test_issue_examples_on_the_indonesian_calendar(
    real: WorkingTime, received: pendulum.DateTime, expected: str
) -> None:
    """The deadlines the issue lists come out of the real calendar, not provisional."""
    deadline = real.add(received, H3)
    assert deadline.at.isoformat() == expected
    assert deadline.provisional is False


@pytest.mark.parametrize(("received", "expected"), ISSUE_EXAMPLES)
def test_issue_examples_on_a_test_calendar(
    office: WorkingTime, received: pendulum.DateTime, expected: str
) -> None:
    """The engine gives the issue's deadlines from any calendar with the same days."""
    assert office.add(received, H3).at.isoformat() == expected


def test_result_is_a_pendulum_datetime_in_the_office_zone(office: WorkingTime) -> None:
    """Deadlines are pendulum DateTimes expressed in the office's time zone."""
    deadline = office.add(at(2026, 1, 7, 9, tz="UTC"), H3)
    assert isinstance(deadline, Deadline)
    assert isinstance(deadline.at, pendulum.DateTime)
    assert deadline.at.timezone_name == WIB
    assert deadline.at.isoformat() == "2026-01-08T11:00:00+07:00"


# --- half-open intervals ---------------------------------------------------------------------


def test_opening_instant_is_inside_and_closing_instant_is_outside(office: WorkingTime) -> None:
    """08:00:00 is working time, 15:59:59.999999 too, 16:00:00 is not."""
    assert office.is_open(at(2026, 1, 7, 8))
    assert office.is_open(pendulum.datetime(2026, 1, 7, 15, 59, 59, 999_999, tz=WIB))
    assert not office.is_open(at(2026, 1, 7, 16))
    assert not office.is_open(pendulum.datetime(2026, 1, 7, 7, 59, 59, 999_999, tz=WIB))


def test_a_second_past_the_hour_lands_the_next_morning(office: WorkingTime) -> None:
    """13:00:01 + 3 h is 08:00:01 the next working day: precision is kept to the second."""
    assert office.add(at(2026, 1, 7, 13, 0, 1), H3).at == at(2026, 1, 8, 8, 0, 1)


def test_microseconds_are_kept(office: WorkingTime) -> None:
    """Deadlines and elapsed times keep microseconds."""
    start = pendulum.datetime(2026, 1, 7, 9, 0, 0, 123_456, tz=WIB)
    deadline = office.add(start, dt.timedelta(microseconds=1))
    assert deadline.at == pendulum.datetime(2026, 1, 7, 9, 0, 0, 123_457, tz=WIB)
    assert office.elapsed(start, deadline.at).duration == dt.timedelta(microseconds=1)


def test_next_opening_of_an_open_instant_is_itself(office: WorkingTime) -> None:
    """Inside working time the next opening is the instant itself, in the office zone."""
    instant = at(2026, 1, 7, 3, 30, tz="UTC")
    assert office.next_opening(instant) == instant
    assert office.next_opening(instant).timezone_name == WIB


def test_next_opening_at_a_closing_and_over_a_weekend(office: WorkingTime) -> None:
    """From a closing the next opening is the next morning; from Friday night, Monday."""
    assert office.next_opening(at(2026, 1, 7, 16)) == at(2026, 1, 8, 8)
    assert office.next_opening(at(2026, 1, 9, 16)) == at(2026, 1, 12, 8)
    assert office.next_opening(at(2026, 1, 15, 18)) == at(2026, 1, 19, 8)


def test_next_closing(office: WorkingTime) -> None:
    """The next closing is the end of the current interval, or else of the next one."""
    assert office.next_closing(at(2026, 1, 7, 9)) == at(2026, 1, 7, 16)
    assert office.next_closing(at(2026, 1, 7, 16)) == at(2026, 1, 8, 16)
    assert office.next_closing(at(2026, 1, 10, 9)) == at(2026, 1, 12, 16)


# --- zero budget -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        (at(2026, 1, 7, 9), at(2026, 1, 7, 9)),  # inside: itself
        (at(2026, 1, 7, 16), at(2026, 1, 7, 16)),  # at a closing: itself
        (at(2026, 1, 7, 17), at(2026, 1, 8, 8)),  # closed: the next opening
        (at(2026, 1, 10, 10), at(2026, 1, 12, 8)),  # Saturday: Monday's opening
    ],
)
def test_zero_budget(
    office: WorkingTime, start: pendulum.DateTime, expected: pendulum.DateTime
) -> None:
    """A zero budget keeps a start in [open, close] and moves any other to the next opening."""
    assert office.add(start, dt.timedelta(0)).at == expected


# --- breaks, special hours and other offices ---------------------------------------------------


@pytest.fixture
def with_break() -> WorkingTime:
    """A WIB office with a lunch break: 08:00-12:00 and 13:00-16:00."""
    return WorkingTime(WeekCalendar(hours=WITH_BREAK))


def test_deadline_skips_the_break(with_break: WorkingTime) -> None:
    """Working time does not run during the break."""
    assert with_break.add(at(2026, 1, 7, 11), dt.timedelta(hours=2)).at == at(2026, 1, 7, 14)
    assert with_break.add(at(2026, 1, 7, 12, 30), H3).at == at(2026, 1, 7, 16)
    assert not with_break.is_open(at(2026, 1, 7, 12, 30))
    assert with_break.next_opening(at(2026, 1, 7, 12)) == at(2026, 1, 7, 13)


def test_a_budget_used_up_at_the_break_ends_at_the_break(with_break: WorkingTime) -> None:
    """11:00 + 1 h is 12:00, the start of the break, not 13:00 when it ends."""
    assert with_break.add(at(2026, 1, 7, 11), dt.timedelta(hours=1)).at == at(2026, 1, 7, 12)


def test_elapsed_over_a_day_with_a_break(with_break: WorkingTime) -> None:
    """A whole day with a break holds 7 hours of working time."""
    elapsed = with_break.elapsed(at(2026, 1, 7), at(2026, 1, 8))
    assert elapsed.duration == dt.timedelta(hours=7)


def test_special_hours_are_followed() -> None:
    """A date with special hours (a half day) closes at its own time."""
    calendar = WeekCalendar(
        special={dt.date(2026, 1, 7): (WorkingInterval(dt.time(8), dt.time(12)),)}
    )
    engine = WorkingTime(calendar)
    assert engine.add(at(2026, 1, 7, 11), dt.timedelta(hours=2)).at == at(2026, 1, 8, 9)
    report = engine.sla(at(2026, 1, 7, 11), at(2026, 1, 7, 11))
    assert [d.date for d in report.special_hours] == [dt.date(2026, 1, 7)]
    assert "Jam kerja 2026-01-07: 08:00-12:00 (jam khusus)." in report.explain()
    assert "Working hours 2026-01-07: 08:00-12:00 (jam khusus)." in report.explain("en")


@pytest.mark.parametrize(("zone", "offset"), [(WITA, "+08:00"), (WIT, "+09:00")])
def test_offices_in_wita_and_wit_count_their_own_hours(zone: str, offset: str) -> None:
    """An office in WITA or WIT opens at 08:00 local time and answers in its own offset."""
    engine = WorkingTime(WeekCalendar(timezone=zone))
    deadline = engine.add(at(2026, 1, 9, 15, tz=zone), H3)
    assert deadline.at.isoformat() == f"2026-01-12T10:00:00{offset}"
    # 08:00 WIB is 09:00 WITA / 10:00 WIT: already open there.
    assert engine.is_open(at(2026, 1, 7, 8, tz=WIB))


@pytest.mark.parametrize("zone", ["UTC", WIB, WITA, WIT, "America/New_York"])
def test_the_same_instant_in_any_zone_gives_the_same_answer(office: WorkingTime, zone: str) -> None:
    """Results depend on the instant, not on the zone it is written in."""
    instant = at(2026, 1, 9, 15)
    expected = office.add(instant, H3)
    assert office.add(instant.in_timezone(zone), H3) == expected
    stdlib = dt.datetime.fromtimestamp(instant.timestamp(), tz=zoneinfo.ZoneInfo(zone))
    assert office.add(stdlib, H3) == expected
    fixed = dt.datetime.fromtimestamp(instant.timestamp(), tz=dt.timezone(dt.timedelta(hours=7)))
    assert office.add(fixed, H3) == expected


def test_an_office_in_a_zone_with_daylight_saving() -> None:
    """Across a DST change the engine counts real elapsed time and local opening hours."""
    engine = WorkingTime(WeekCalendar(timezone="Europe/Berlin", days=range(7)))
    # 2026-03-29: clocks go from 02:00 CET to 03:00 CEST; the office still opens at 08:00.
    deadline = engine.add(at(2026, 3, 28, 15, tz="Europe/Berlin"), H3)
    assert deadline.at.isoformat() == "2026-03-29T10:00:00+02:00"
    day = engine.elapsed(
        at(2026, 3, 29, 0, tz="Europe/Berlin"), at(2026, 3, 30, tz="Europe/Berlin")
    )
    assert day.duration == dt.timedelta(hours=8)
    # An input written on the DST day itself, in the office zone (no offset memo for it).
    assert engine.is_open(pendulum.datetime(2026, 3, 29, 8, tz="Europe/Berlin"))


def test_an_office_open_around_the_clock() -> None:
    """Intervals up to midnight join the next day's: the deadline is wall-clock time."""
    engine = WorkingTime(
        WeekCalendar(hours=(WorkingInterval(dt.time(0), dt.time(0)),), days=range(7))
    )
    start = at(2026, 12, 31, 22, 30)
    assert engine.add(start, dt.timedelta(hours=25)).at == at(2027, 1, 1, 23, 30)
    assert engine.add(at(2026, 1, 7, 22), dt.timedelta(hours=2)).at == at(2026, 1, 8)
    assert engine.next_closing(start) > at(2027, 12, 31)


# --- elapsed and pauses ------------------------------------------------------------------------


def test_elapsed_over_a_weekend_and_a_holiday(office: WorkingTime) -> None:
    """Thursday 15:00 to Monday 09:00 across Isra Mikraj is two hours of working time."""
    elapsed = office.elapsed(at(2026, 1, 15, 15), at(2026, 1, 19, 9))
    assert elapsed.duration == dt.timedelta(hours=2)
    assert elapsed.provisional is False


def test_elapsed_of_an_empty_span_is_zero(office: WorkingTime) -> None:
    """From an instant to itself no working time passes."""
    assert office.elapsed(at(2026, 1, 7, 9), at(2026, 1, 7, 9)).duration == dt.timedelta(0)


def test_elapsed_refuses_a_start_after_the_end(office: WorkingTime) -> None:
    """A reversed span is refused with a typed error naming the field."""
    with pytest.raises(InstantOrderError) as info:
        office.elapsed(at(2026, 1, 7, 10), at(2026, 1, 7, 9))
    assert info.value.code == "instant_order"
    assert info.value.field == "start"
    assert str(info.value) == "'start' jatuh setelah 'end'."
    assert info.value.message_en == "'start' lies after 'end'."
    assert isinstance(info.value, ValidationError)
    assert isinstance(info.value, CalendarError)


def test_pauses_stop_the_clock_and_may_overlap(office: WorkingTime) -> None:
    """Overlapping pauses are merged; parts outside the span or outside hours do not count."""
    pauses = [
        (at(2026, 1, 7, 9), at(2026, 1, 7, 10)),
        (at(2026, 1, 7, 9, 30), at(2026, 1, 7, 11)),  # overlaps the first
        (at(2026, 1, 7, 15), at(2026, 1, 7, 20)),  # reaches past the span and the closing
        (at(2026, 1, 5), at(2026, 1, 6)),  # before the span
    ]
    elapsed = office.elapsed(at(2026, 1, 7, 8), at(2026, 1, 7, 18), pauses=pauses)
    assert elapsed.duration == dt.timedelta(hours=5)


def test_a_pause_that_ends_before_it_starts_is_refused(office: WorkingTime) -> None:
    """A reversed pause is refused and names its position."""
    with pytest.raises(InstantOrderError) as info:
        office.elapsed(
            at(2026, 1, 7, 8), at(2026, 1, 7, 18), pauses=[(at(2026, 1, 7, 11), at(2026, 1, 7, 10))]
        )
    assert info.value.field == "pauses[0]"


def test_a_pause_that_is_not_a_pair_is_refused(office: WorkingTime) -> None:
    """Each pause must be a (start, end) pair."""
    with pytest.raises(NotAnInstantError) as info:
        office.elapsed(
            at(2026, 1, 7, 8),
            at(2026, 1, 7, 18),
            pauses=[(at(2026, 1, 7, 9),)],  # type: ignore[list-item]  # the refused input
        )
    assert info.value.field == "pauses[0]"


# --- refusals ------------------------------------------------------------------------------


def test_naive_datetimes_are_refused_in_indonesian(office: WorkingTime) -> None:
    """A naive datetime is never assumed to be UTC: it is refused with a clear message."""
    naive = dt.datetime(2026, 1, 7, 9)
    with pytest.raises(NaiveDatetimeError) as info:
        office.add(naive, H3)
    assert info.value.code == "naive_datetime"
    assert info.value.field == "start"
    assert "tidak memiliki zona waktu" in str(info.value)
    assert "naive" in info.value.message_en


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda e, n: e.elapsed(at(2026, 1, 7), n), "end"),
        (lambda e, n: e.is_open(n), "instant"),
        (lambda e, n: e.next_opening(n), "instant"),
        (lambda e, n: e.next_closing(n), "instant"),
        (lambda e, n: e.sla(at(2026, 1, 7), n), "at"),
        (lambda e, n: e.sla(at(2026, 1, 7), at(2026, 1, 8), stopped_at=n), "stopped_at"),
        (lambda e, n: e.elapsed(at(2026, 1, 7), at(2026, 1, 8), pauses=[(n, n)]), "pauses[0]"),
    ],
)
def test_every_operation_refuses_naive_instants(
    office: WorkingTime, call: Callable[[WorkingTime, dt.datetime], object], field: str
) -> None:
    """Every entry point refuses a naive datetime and names the argument."""
    with pytest.raises(NaiveDatetimeError) as info:
        call(office, dt.datetime(2026, 1, 7, 9))
    assert info.value.field == field


@pytest.mark.parametrize("value", [dt.date(2026, 1, 7), "2026-01-07T09:00:00+07:00", 1767751200])
def test_values_that_are_not_datetimes_are_refused(office: WorkingTime, value: object) -> None:
    """Dates, strings and numbers are not instants."""
    with pytest.raises(NotAnInstantError) as info:
        office.add(value, H3)  # type: ignore[arg-type]  # the refused input
    assert isinstance(info.value, TypeError)
    assert info.value.code == "not_an_instant"


@pytest.mark.parametrize(
    "duration", [dt.timedelta(seconds=-1), pendulum.duration(months=1), 3, "3h"]
)
def test_bad_budgets_are_refused(office: WorkingTime, duration: object) -> None:
    """Negative budgets, calendar months and non-durations are refused."""
    with pytest.raises(InvalidDurationError) as info:
        office.add(at(2026, 1, 7, 9), duration)  # type: ignore[arg-type]  # the refused input
    assert info.value.field == "duration"


def test_an_office_with_an_empty_week_never_loops() -> None:
    """With no working time at all, searches stop with a typed error instead of looping."""
    engine = WorkingTime(WeekCalendar(days=()))
    for call in (
        lambda: engine.add(at(2026, 1, 7), H3),
        lambda: engine.add(at(2026, 1, 7), dt.timedelta(0)),
        lambda: engine.next_opening(at(2026, 1, 7)),
        lambda: engine.next_closing(at(2026, 1, 7)),
        lambda: engine.sla(at(2026, 1, 7), at(2026, 1, 8)),
    ):
        with pytest.raises(NoWorkingTimeError) as info:
            call()
        assert info.value.code == "no_working_time"
    assert not engine.is_open(at(2026, 1, 7, 9))
    assert engine.elapsed(at(2026, 1, 7), at(2027, 1, 7)).duration == dt.timedelta(0)


def test_a_long_closure_is_crossed() -> None:
    """A closure shorter than the search horizon (a year) is crossed, not refused."""
    closed = [
        NonWorkingDay(dt.date(2026, 1, 1) + dt.timedelta(days=n), DayKind.LOCAL_OVERRIDE, "x", "x")
        for n in range(365)
    ]
    engine = WorkingTime(WeekCalendar(closed=closed))
    assert engine.add(at(2026, 1, 1), H3).at == at(2027, 1, 1, 11)


def test_instants_beyond_the_supported_years_are_refused(office: WorkingTime) -> None:
    """The engine covers local years 1 to 9998 and says so instead of overflowing."""
    with pytest.raises(InstantOutOfRangeError):
        office.add(pendulum.datetime(9998, 12, 31, 15, tz=WIB), H3)
    with pytest.raises(InstantOutOfRangeError):
        office.is_open(dt.datetime(9999, 6, 1, tzinfo=dt.UTC))


def test_an_unknown_office_time_zone_is_refused() -> None:
    """A calendar whose time zone pendulum does not know is refused when the engine is built."""
    with pytest.raises(CalendarError) as info:
        WorkingTime(WeekCalendar(timezone="Asia/Atlantis"))
    assert info.value.code == "unknown_timezone"


# --- provisional answers ------------------------------------------------------------------------


def test_answers_that_touch_a_provisional_year_are_provisional() -> None:
    """A deadline or elapsed time is provisional when a day it consulted is."""
    engine = WorkingTime(WeekCalendar(provisional_years=[2028]))
    assert engine.add(at(2027, 12, 30, 9), H3).provisional is False
    assert engine.add(at(2027, 12, 31, 15), H3).provisional is True
    assert engine.elapsed(at(2027, 12, 1), at(2028, 1, 1)).provisional is True  # midnight
    assert engine.elapsed(at(2027, 12, 1), at(2027, 12, 31, 23)).provisional is False


def test_the_real_calendar_marks_undecreed_years_provisional(real: WorkingTime) -> None:
    """On the Indonesian calendar, 2028 has no decree yet: its answers are provisional."""
    deadline = real.add(at(2027, 12, 31, 15), H3)
    assert deadline.at == at(2028, 1, 3, 10)
    assert deadline.provisional is True


def test_a_strict_calendar_refuses_undecreed_years() -> None:
    """Under the strict policy the calendar's refusal reaches the caller unchanged."""
    engine = WorkingTime(indonesian_calendar(policy=DataPolicy.STRICT))
    assert engine.add(at(2026, 1, 9, 15), H3).at == at(2026, 1, 12, 10)
    with pytest.raises(CalendarDataMissingError):
        engine.add(at(2028, 3, 1, 9), H3)


# --- the SLA clock ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("read_at", "status", "percentage"),
    [
        (at(2026, 1, 7, 9), SlaStatus.ON_TIME, 0),
        (at(2026, 1, 7, 10, 29, 59), SlaStatus.ON_TIME, 49.99),
        (at(2026, 1, 7, 10, 30), SlaStatus.AT_RISK, 50),
        (at(2026, 1, 7, 11, 15), SlaStatus.CRITICAL, 75),
        (at(2026, 1, 7, 12), SlaStatus.CRITICAL, 100),  # exactly the goal: not breached
        (at(2026, 1, 7, 12, 0, 1), SlaStatus.BREACHED, 100.01),
    ],
)
def test_status_thresholds_and_breach_only_when_greater(
    office: WorkingTime, read_at: pendulum.DateTime, status: SlaStatus, percentage: float
) -> None:
    """At risk from 50%, critical from 75%, breached only when elapsed exceeds the goal."""
    report = office.sla(at(2026, 1, 7, 9), read_at)
    assert report.status is status
    assert report.percentage_used == pytest.approx(percentage, abs=0.01)
    assert report.is_breached is (status is SlaStatus.BREACHED)
    assert report.deadline == at(2026, 1, 7, 12)
    assert report.goal == DEFAULT_SLA_GOAL


def test_remaining_and_overrun(office: WorkingTime) -> None:
    """Remaining never goes below zero; the overrun says by how much the goal was passed."""
    running = office.sla(at(2026, 1, 7, 9), at(2026, 1, 7, 10))
    assert (running.elapsed, running.remaining, running.overrun) == (
        dt.timedelta(hours=1),
        dt.timedelta(hours=2),
        dt.timedelta(0),
    )
    late = office.sla(at(2026, 1, 7, 9), at(2026, 1, 8, 9))
    assert (late.elapsed, late.remaining, late.overrun) == (
        dt.timedelta(hours=8),
        dt.timedelta(0),
        dt.timedelta(hours=5),
    )
    assert late.status is SlaStatus.BREACHED


def test_thresholds_are_configurable(office: WorkingTime) -> None:
    """Custom thresholds move where a clock turns at risk and critical."""
    thresholds = SlaThresholds(at_risk=0.25, critical=0.5)
    start = at(2026, 1, 7, 9)
    assert office.sla(start, at(2026, 1, 7, 9, 45), thresholds=thresholds).status is (
        SlaStatus.AT_RISK
    )
    assert office.sla(start, at(2026, 1, 7, 10, 30), thresholds=thresholds).status is (
        SlaStatus.CRITICAL
    )


@pytest.mark.parametrize(("at_risk", "critical"), [(0.8, 0.5), (0, 0.5), (0.5, 1.5), (True, 1)])
def test_invalid_thresholds_are_refused(at_risk: float, critical: float) -> None:
    """Thresholds must satisfy 0 < at_risk <= critical <= 1."""
    with pytest.raises(InvalidThresholdError) as info:
        SlaThresholds(at_risk=at_risk, critical=critical)
    assert info.value.field == "thresholds"


def test_other_goals(office: WorkingTime) -> None:
    """A goal of another length sets its own deadline; a zero goal is refused."""
    report = office.sla(at(2026, 1, 7, 9), at(2026, 1, 7, 9), goal=dt.timedelta(hours=8))
    assert report.deadline == at(2026, 1, 8, 9)
    with pytest.raises(InvalidDurationError) as info:
        office.sla(at(2026, 1, 7, 9), at(2026, 1, 7, 9), goal=dt.timedelta(0))
    assert info.value.field == "goal"


def test_pauses_move_the_deadline_and_are_explained(office: WorkingTime) -> None:
    """A pause while waiting for the reporter stops the clock and pushes the deadline."""
    pause = (at(2026, 1, 7, 10), at(2026, 1, 8, 9))
    report = office.sla(at(2026, 1, 7, 9), at(2026, 1, 8, 10), pauses=[pause])
    assert report.elapsed == dt.timedelta(hours=2)
    assert report.deadline == at(2026, 1, 8, 11)
    assert report.pauses == (pause,)
    assert "Jeda 2026-01-07T10:00:00+07:00 - 2026-01-08T09:00:00+07:00." in report.explain()


def test_an_ongoing_pause_stops_the_clock_at_the_reading(office: WorkingTime) -> None:
    """An open pause passed as (pause start, reading) counts as if it ended at the reading."""
    read = at(2026, 1, 7, 15)
    report = office.sla(at(2026, 1, 7, 9), read, pauses=[(at(2026, 1, 7, 10), read)])
    assert report.elapsed == dt.timedelta(hours=1)
    # 1 h used before the pause, 1 h from 15:00 to the closing, the last hour next morning.
    assert report.deadline == at(2026, 1, 8, 9)


def test_a_pause_right_at_the_deadline_does_not_move_it(office: WorkingTime) -> None:
    """A pause that starts when the goal is used up leaves the deadline where it is."""
    report = office.sla(
        at(2026, 1, 7, 9), at(2026, 1, 7, 9), pauses=[(at(2026, 1, 7, 12), at(2026, 1, 7, 13))]
    )
    assert report.deadline == at(2026, 1, 7, 12)
    assert report.pauses == ()


def test_a_stopped_clock_is_on_time_or_breached(office: WorkingTime) -> None:
    """Once the follow-up is done, the clock cannot be at risk any more."""
    start = at(2026, 1, 7, 9)
    done = office.sla(start, at(2026, 1, 9, 9), stopped_at=at(2026, 1, 7, 11, 50))
    assert done.status is SlaStatus.ON_TIME
    assert done.elapsed == dt.timedelta(hours=2, minutes=50)
    assert done.stopped_at == at(2026, 1, 7, 11, 50)
    late = office.sla(start, at(2026, 1, 9, 9), stopped_at=at(2026, 1, 7, 12, 0, 1))
    assert late.status is SlaStatus.BREACHED


def test_a_stop_after_the_reading_is_not_yet_a_stop(office: WorkingTime) -> None:
    """A stopped_at later than the reading instant leaves the clock running at the reading."""
    report = office.sla(at(2026, 1, 7, 9), at(2026, 1, 7, 11, 30), stopped_at=at(2026, 1, 7, 15))
    assert report.stopped_at is None
    assert report.status is SlaStatus.CRITICAL


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"at": at(2026, 1, 7, 8)}, "at"),
        ({"at": at(2026, 1, 7, 10), "stopped_at": at(2026, 1, 7, 8)}, "stopped_at"),
    ],
)
def test_sla_refuses_a_reading_or_stop_before_the_start(
    office: WorkingTime, kwargs: dict[str, pendulum.DateTime], field: str
) -> None:
    """A clock cannot be read or stopped before it started."""
    with pytest.raises(InstantOrderError) as info:
        office.sla(at(2026, 1, 7, 9), **kwargs)  # type: ignore[arg-type]  # mypy cannot match kwargs
    assert info.value.field == field


def test_the_report_explains_why_the_deadline_moved(real: WorkingTime) -> None:
    """The report lists the closures between start and deadline, with their legal basis."""
    report = real.sla(at(2026, 1, 16, 10), at(2026, 1, 19, 10))
    assert report.deadline == at(2026, 1, 19, 11)
    assert [(c.date.day, c.kind) for c in report.closures] == [
        (16, DayKind.NATIONAL_HOLIDAY),
        (17, DayKind.WEEKEND),
        (18, DayKind.WEEKEND),
    ]
    text = report.explain()
    assert "Libur 2026-01-16: Isra Mikraj Nabi Muhammad (libur nasional; SKB " in text
    assert "status: berisiko" in text
    english = report.explain("en")
    assert "Closed 2026-01-17: Saturday (weekend)." in english
    assert "status: at risk" in english


def test_status_labels_in_indonesian_and_english() -> None:
    """Each status reads in Indonesian first, English beside it."""
    assert [(s.label, s.label_en) for s in SlaStatus] == [
        ("tepat waktu", "on time"),
        ("berisiko", "at risk"),
        ("kritis", "critical"),
        ("terlambat", "breached"),
    ]


# --- the cache and threads -----------------------------------------------------------------


def test_each_date_is_asked_once_and_long_spans_cost_no_walk() -> None:
    """The calendar is asked once per date; later queries only search the cached timeline."""
    calendar = WeekCalendar()
    engine = WorkingTime(calendar)
    five_years = engine.elapsed(at(2024, 1, 1), at(2028, 12, 31, 23))
    assert five_years.duration == engine.elapsed(at(2024, 1, 1), at(2028, 12, 31, 23)).duration
    engine.add(at(2026, 5, 5, 9), dt.timedelta(hours=1000))
    assert max(calendar.asked.values()) == 1
    assert "cached_years=2024..2028" in repr(engine)


def test_one_engine_is_shared_safely_by_threads() -> None:
    """Threads extending a fresh engine's timeline at once get the single-threaded answers."""
    starts = [at(2020 + n % 8, 1 + n % 12, 1 + n % 28, n % 24) for n in range(200)]
    expected = [WorkingTime(WeekCalendar()).add(s, H3) for s in starts]
    shared = WorkingTime(WeekCalendar())
    results: list[list[Deadline]] = []
    barrier = threading.Barrier(4)

    def work() -> None:
        barrier.wait()
        results.append([shared.add(s, H3) for s in starts])

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [expected] * 4


def test_the_engine_reads_any_working_calendar() -> None:
    """The test calendar satisfies the port the engine is written against."""
    assert isinstance(WeekCalendar(), WorkingCalendar)
    assert WorkingTime(WeekCalendar(timezone=WITA)).timezone == WITA


def test_a_far_away_instant_does_not_build_the_years_in_between() -> None:
    """An instant centuries away is answered from its own years, not every year in between."""
    calendar = WeekCalendar()
    engine = WorkingTime(calendar)
    engine.add(at(2026, 1, 9, 15), H3)
    assert engine.add(at(9026, 1, 6, 15), H3).at == at(9026, 1, 9, 10)  # Friday to Monday
    assert engine.add(at(2026, 1, 9, 15), H3).at == at(2026, 1, 12, 10)
    assert {day.year for day in calendar.asked} == {2026, 9026}


def test_repeated_and_first_calls_agree() -> None:
    """The memoised path of a repeated call gives exactly the first call's deadline."""
    engine = WorkingTime(WeekCalendar(provisional_years=[2027]))
    for start in (at(2026, 1, 9, 15), at(2026, 12, 31, 14), at(2026, 1, 7, 13)):
        first = engine.add(start, H3)
        again = engine.add(start, H3)
        other_type = engine.add(start, pendulum.duration(hours=3))
        assert first == again == other_type
        assert hash(first) == hash(again)
        assert repr(again) == repr(first)
    assert engine.add(at(2026, 12, 31, 14), H3).provisional is True


# --- the longest budget ---------------------------------------------------------------------


def test_budgets_beyond_the_maximum_are_refused_before_computing() -> None:
    """A budget or goal over MAX_DURATION is refused with duration_too_long, no year built."""
    calendar = WeekCalendar()
    engine = WorkingTime(calendar)
    too_long = MAX_DURATION + dt.timedelta(microseconds=1)
    with pytest.raises(InvalidDurationError) as add_error:
        engine.add(at(2026, 1, 7, 9), too_long)
    with pytest.raises(InvalidDurationError) as sla_error:
        engine.sla(at(2026, 1, 7, 9), at(2026, 1, 7, 10), goal=too_long)
    assert add_error.value.code == sla_error.value.code == "duration_too_long"
    assert add_error.value.details == {"max_hours": 10_000}
    assert not calendar.asked


def test_the_maximum_budget_itself_is_taken() -> None:
    """Exactly MAX_DURATION is a valid budget: 10,000 hours is 1,250 eight-hour days."""
    engine = WorkingTime(WeekCalendar())
    deadline = engine.add(at(2026, 1, 5, 8), MAX_DURATION)
    assert engine.elapsed(at(2026, 1, 5, 8), deadline.at).duration == MAX_DURATION


@pytest.mark.parametrize(
    ("hours", "code"),
    [
        (1e20, "duration_too_long"),
        (10_000.000001, "duration_too_long"),
        (1e-300, "duration_too_short"),
        (2e-10, "duration_too_short"),  # 0.72 microseconds: not rounded up to one
        (float("inf"), "duration_not_finite"),
        (float("nan"), "duration_not_finite"),
        (0.0, "invalid_duration"),
        (-3, "invalid_duration"),
        (True, "invalid_duration"),
    ],
)
def test_hours_the_engine_would_not_take_are_refused(hours: float, code: str) -> None:
    """duration_from_hours refuses each unusable number of hours with its own code."""
    with pytest.raises(InvalidDurationError) as info:
        duration_from_hours(hours, "jam")
    assert (info.value.code, info.value.field) == (code, "jam")


def test_hours_become_a_duration_to_the_microsecond() -> None:
    """Fractions of an hour are kept to the microsecond, and the maximum itself is taken."""
    assert duration_from_hours(1.5) == dt.timedelta(minutes=90)
    assert duration_from_hours(3e-10) == dt.timedelta(microseconds=1)
    assert duration_from_hours(10_000) == MAX_DURATION
