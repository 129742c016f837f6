"""
Hypothesis properties of the working-time engine, on random calendars and the real one.
"""

from __future__ import annotations

import datetime as dt
import functools
import zoneinfo

import pendulum
from hypothesis import assume, given
from hypothesis import strategies as st

from layanan_aduan.adapters.holidays_id import indonesian_calendar
from layanan_aduan.domain.calendar import DayKind, DaySchedule, NonWorkingDay, WorkingInterval
from layanan_aduan.domain.worktime import SlaStatus, WorkingTime
from layanan_aduan.testing.strategies import instants

UTC = dt.UTC
US = dt.timedelta(microseconds=1)
ZONES = ("Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura", "UTC", "Europe/Berlin")


class RandomCalendar:
    """
    A calendar built from drawn data: a week of intervals, closed dates, provisional years.
    """

    def __init__(
        self,
        timezone: str,
        weekly: tuple[tuple[WorkingInterval, ...], ...],
        closed: frozenset[dt.date],
        provisional_years: frozenset[int],
    ) -> None:
        self._timezone = timezone
        self.weekly = weekly
        self.closed = closed
        self.provisional_years = provisional_years

    @property
    def timezone(self) -> str:
        return self._timezone

    def schedule_for(self, day: dt.date) -> DaySchedule:
        provisional = day.year in self.provisional_years
        if day in self.closed:
            closure = NonWorkingDay(day, DayKind.LOCAL_OVERRIDE, "tutup", "closed")
            return DaySchedule(day, (), (closure,), provisional)
        return DaySchedule(day, self.weekly[day.weekday()], (), provisional)

    def __repr__(self) -> str:
        return (
            f"RandomCalendar({self._timezone!r}, {self.weekly!r}, closed={sorted(self.closed)!r},"
            f" provisional_years={sorted(self.provisional_years)!r})"
        )


def _minute(m: int) -> dt.time:
    return dt.time(0) if m == 1440 else dt.time(m // 60, m % 60)


@st.composite
def day_hours(draw: st.DrawFn) -> tuple[WorkingInterval, ...]:
    """Up to three sorted intervals of a day, to the minute; they may touch or reach midnight."""
    n = draw(st.integers(0, 3))
    cuts = sorted(draw(st.lists(st.integers(0, 1440), min_size=2 * n, max_size=2 * n)))
    return tuple(
        WorkingInterval(_minute(a), _minute(b))
        for a, b in zip(cuts[::2], cuts[1::2], strict=True)
        if a < b
    )


def _weekly_minutes(weekly: tuple[tuple[WorkingInterval, ...], ...]) -> int:
    return sum(i.seconds for day in weekly for i in day) // 60


@st.composite
def calendars(draw: st.DrawFn) -> RandomCalendar:
    """Random office calendars with at least four working hours a week."""
    weekly = tuple(draw(day_hours()) for _ in range(7))
    assume(_weekly_minutes(weekly) >= 240)
    closed = draw(st.frozensets(st.dates(dt.date(2019, 12, 1), dt.date(2028, 2, 1)), max_size=40))
    provisional = draw(st.frozensets(st.integers(2019, 2029), max_size=3))
    return RandomCalendar(draw(st.sampled_from(ZONES[:3] + ZONES[4:])), weekly, closed, provisional)


budgets = st.builds(
    dt.timedelta,
    seconds=st.integers(0, 20 * 3600),
    microseconds=st.sampled_from([0, 0, 1, 999_999]),
)
positive_budgets = budgets.filter(lambda d: d > dt.timedelta(0))


@functools.cache
def real_engine() -> WorkingTime:
    """One engine over the Indonesian calendar, shared by the examples (as in production)."""
    return WorkingTime(indonesian_calendar())


def reference_add(
    calendar: RandomCalendar, start: dt.datetime, budget: dt.timedelta
) -> dt.datetime:
    """The deadline found by walking the calendar day by day: slow, obviously right."""
    zone = zoneinfo.ZoneInfo(calendar.timezone)
    # Plain stdlib arithmetic in UTC: pendulum's own would drop a stdlib tzinfo.
    t = dt.datetime.combine(start.date(), start.time(), tzinfo=start.tzinfo).astimezone(UTC)
    day = start.astimezone(zone).date() - dt.timedelta(days=1)
    remaining = budget
    for _ in range(3000):
        for iv in calendar.schedule_for(day).intervals:
            opens = dt.datetime.combine(day, iv.start, tzinfo=zone).astimezone(UTC)
            close_day = day + dt.timedelta(days=1) if iv.end == dt.time(0) else day
            closes = dt.datetime.combine(close_day, iv.end, tzinfo=zone).astimezone(UTC)
            if closes < t or closes <= opens:
                continue
            if budget == dt.timedelta(0):
                return t if opens <= t else opens
            begin = max(opens, t)
            if remaining <= closes - begin:
                return begin + remaining
            remaining -= closes - begin
        day += dt.timedelta(days=1)
    raise AssertionError("the reference found no deadline")


# --- against the reference ---------------------------------------------------------------------


@given(calendars(), instants(min_year=2020, max_year=2027), budgets)
def test_add_matches_a_day_by_day_walk(
    calendar: RandomCalendar, start: pendulum.DateTime, budget: dt.timedelta
) -> None:
    """The bisected timeline gives the deadline a day-by-day walk of the calendar gives."""
    deadline = WorkingTime(calendar).add(start, budget)
    assert deadline.at == reference_add(calendar, start, budget)
    assert deadline.at.timezone_name == calendar.timezone


@given(calendars(), instants(min_year=2020, max_year=2027), budgets)
def test_provisional_when_a_consulted_day_is(
    calendar: RandomCalendar, start: pendulum.DateTime, budget: dt.timedelta
) -> None:
    """A deadline is provisional exactly when a date from the start's to its own is."""
    deadline = WorkingTime(calendar).add(start, budget)
    first = start.in_timezone(calendar.timezone).date()
    last = deadline.at.date()
    days = (first + dt.timedelta(days=n) for n in range((last - first).days + 1))
    assert deadline.provisional == any(d.year in calendar.provisional_years for d in days)


# --- invariants, on random calendars and the real one ------------------------------------------

engines = st.one_of(st.just(None), calendars())


def _engine(calendar: RandomCalendar | None) -> WorkingTime:
    return real_engine() if calendar is None else WorkingTime(calendar)


@given(engines, instants(), budgets)
def test_a_deadline_never_falls_outside_working_time(
    calendar: RandomCalendar | None, start: pendulum.DateTime, budget: dt.timedelta
) -> None:
    """A positive budget ends in (open, close] of an interval; a zero one in [open, close]."""
    engine = _engine(calendar)
    deadline = engine.add(start, budget).at
    assert deadline >= start
    if budget > dt.timedelta(0):
        assert engine.is_open(deadline - US)
    else:
        assert engine.is_open(deadline) or engine.is_open(deadline - US)


@given(engines, instants(), budgets)
def test_elapsed_to_the_deadline_is_the_budget(
    calendar: RandomCalendar | None, start: pendulum.DateTime, budget: dt.timedelta
) -> None:
    """elapsed(t, add(t, d)) == d."""
    engine = _engine(calendar)
    assert engine.elapsed(start, engine.add(start, budget).at).duration == budget


@given(engines, instants(), instants(), budgets)
def test_add_is_monotonic_in_the_start(
    calendar: RandomCalendar | None,
    a: pendulum.DateTime,
    b: pendulum.DateTime,
    budget: dt.timedelta,
) -> None:
    """A later start never gives an earlier deadline."""
    engine = _engine(calendar)
    early, late = sorted((a, b))
    assert engine.add(early, budget).at <= engine.add(late, budget).at


@given(engines, instants(), budgets, budgets)
def test_add_is_monotonic_in_the_budget(
    calendar: RandomCalendar | None, start: pendulum.DateTime, x: dt.timedelta, y: dt.timedelta
) -> None:
    """A larger budget never gives an earlier deadline."""
    engine = _engine(calendar)
    small, large = sorted((x, y))
    assert engine.add(start, small).at <= engine.add(start, large).at


@given(engines, instants(), budgets, budgets)
def test_adding_in_two_steps_is_adding_the_sum(
    calendar: RandomCalendar | None, start: pendulum.DateTime, a: dt.timedelta, b: dt.timedelta
) -> None:
    """add(add(t, a), b) == add(t, a + b), zero budgets included."""
    engine = _engine(calendar)
    assert engine.add(engine.add(start, a).at, b).at == engine.add(start, a + b).at


@given(engines, st.lists(instants(), min_size=3, max_size=3))
def test_elapsed_is_additive_over_any_split_point(
    calendar: RandomCalendar | None, points: list[pendulum.DateTime]
) -> None:
    """elapsed(a, m) + elapsed(m, b) == elapsed(a, b) for a <= m <= b."""
    engine = _engine(calendar)
    a, m, b = sorted(points)
    whole = engine.elapsed(a, b).duration
    assert engine.elapsed(a, m).duration + engine.elapsed(m, b).duration == whole
    assert dt.timedelta(0) <= whole <= b - a


@given(engines, instants(), budgets, st.sampled_from(ZONES))
def test_results_do_not_depend_on_the_input_zone(
    calendar: RandomCalendar | None, start: pendulum.DateTime, budget: dt.timedelta, zone: str
) -> None:
    """The same instant written in another zone (pendulum or stdlib) gives the same answers."""
    engine = _engine(calendar)
    moved = start.in_timezone(zone)
    stdlib = dt.datetime.fromtimestamp(start.timestamp(), tz=zoneinfo.ZoneInfo(zone)).replace(
        microsecond=start.microsecond
    )
    expected = engine.add(start, budget)
    assert engine.add(moved, budget) == expected
    assert engine.add(stdlib, budget) == expected
    assert engine.is_open(moved) == engine.is_open(start) == engine.is_open(stdlib)
    assert engine.next_opening(moved) == engine.next_opening(start)


@given(engines, instants())
def test_next_opening_is_the_first_working_instant(
    calendar: RandomCalendar | None, instant: pendulum.DateTime
) -> None:
    """The next opening is open, not before the instant, with no working time in between."""
    engine = _engine(calendar)
    opening = engine.next_opening(instant)
    assert opening >= instant
    assert engine.is_open(opening)
    assert engine.elapsed(instant, opening).duration == dt.timedelta(0)
    assert engine.next_closing(instant) > opening


pause_lists = st.lists(st.tuples(instants(), instants()).map(sorted), max_size=4)


@given(engines, instants(), instants(), pause_lists)
def test_pauses_never_increase_elapsed_time(
    calendar: RandomCalendar | None,
    a: pendulum.DateTime,
    b: pendulum.DateTime,
    pauses: list[list[pendulum.DateTime]],
) -> None:
    """Pauses only take working time away, and their order does not matter."""
    engine = _engine(calendar)
    start, end = sorted((a, b))
    pairs = [(p[0], p[1]) for p in pauses]
    paused = engine.elapsed(start, end, pauses=pairs).duration
    assert dt.timedelta(0) <= paused <= engine.elapsed(start, end).duration
    assert engine.elapsed(start, end, pauses=pairs[::-1]).duration == paused


@given(engines, instants(), instants(), pause_lists, st.integers(1, 10 * 3600))
def test_the_sla_deadline_uses_up_the_goal_outside_pauses(
    calendar: RandomCalendar | None,
    a: pendulum.DateTime,
    b: pendulum.DateTime,
    pauses: list[list[pendulum.DateTime]],
    goal_seconds: int,
) -> None:
    """The SLA deadline is where unpaused working time reaches the goal; statuses agree."""
    engine = _engine(calendar)
    start, read = sorted((a, b))
    pairs = [(p[0], p[1]) for p in pauses]
    goal = dt.timedelta(seconds=goal_seconds)
    report = engine.sla(start, read, goal=goal, pauses=pairs)
    assert engine.elapsed(start, report.deadline, pauses=pairs).duration == goal
    assert report.elapsed == engine.elapsed(start, read, pauses=pairs).duration
    assert report.remaining + report.elapsed - report.overrun == goal
    assert (report.status is SlaStatus.BREACHED) == (report.elapsed > goal)
    if report.is_breached:
        assert read > report.deadline
