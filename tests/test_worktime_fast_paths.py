"""
The engine's fast paths (goal cached by value, deadlines of closed time memoised) and the lean
SLA call give exactly the answers of the general path and of the full SLA report.
"""

from __future__ import annotations

import datetime as dt
import functools

import pendulum
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from layanan_aduan.adapters.holidays_id import indonesian_calendar
from layanan_aduan.domain.calendar import DayKind, DaySchedule, NonWorkingDay, WorkingInterval
from layanan_aduan.domain.worktime import (
    SlaInstants,
    SlaStatus,
    SlaThresholds,
    WorkingTime,
    epoch_us,
    from_epoch_us,
)
from layanan_aduan.exceptions import LayananAduanError
from layanan_aduan.testing.strategies import instants

US = dt.timedelta(microseconds=1)


class DrawnCalendar:
    """A week of intervals, closed dates and provisional years drawn by hypothesis."""

    def __init__(
        self,
        timezone: str,
        weekly: tuple[tuple[WorkingInterval, ...], ...],
        closed: frozenset[dt.date],
        provisional_years: frozenset[int],
    ) -> None:
        self.timezone = timezone
        self.weekly = weekly
        self.closed = closed
        self.provisional_years = provisional_years

    def schedule_for(self, day: dt.date) -> DaySchedule:
        provisional = day.year in self.provisional_years
        if day in self.closed:
            closure = NonWorkingDay(day, DayKind.LOCAL_OVERRIDE, "tutup", "closed")
            return DaySchedule(day, (), (closure,), provisional)
        return DaySchedule(day, self.weekly[day.weekday()], (), provisional)

    def __repr__(self) -> str:
        return (
            f"DrawnCalendar({self.timezone!r}, {self.weekly!r}, closed={sorted(self.closed)!r},"
            f" provisional_years={sorted(self.provisional_years)!r})"
        )


@st.composite
def calendars(draw: st.DrawFn) -> DrawnCalendar:
    """Calendars of 2025-2027 with some working time each week (intervals on the hour or the
    half hour, so some hours are partly closed), closures and provisional years."""
    halves = st.lists(st.integers(0, 48), min_size=2, max_size=4, unique=True).map(sorted)

    def time(half: int) -> dt.time:
        return dt.time(0) if half == 48 else dt.time(half // 2, 30 * (half % 2))

    def day(cuts: list[int]) -> tuple[WorkingInterval, ...]:
        return tuple(
            WorkingInterval(time(a), time(b)) for a, b in zip(cuts[::2], cuts[1::2], strict=False)
        )

    weekly = tuple(day(draw(halves)) for _ in range(7))
    assume(any(weekly))
    closed = draw(st.frozensets(st.dates(dt.date(2025, 12, 1), dt.date(2026, 3, 1)), max_size=30))
    provisional = draw(st.frozensets(st.integers(2025, 2027), max_size=2))
    zone = draw(st.sampled_from(["Asia/Jakarta", "Asia/Jayapura", "Europe/Berlin"]))
    return DrawnCalendar(zone, weekly, closed, provisional)


starts = st.lists(
    st.datetimes(min_value=dt.datetime(2025, 12, 1), max_value=dt.datetime(2026, 3, 1)).map(
        lambda d: d.replace(tzinfo=dt.UTC)
    ),
    min_size=1,
    max_size=40,
)
hours = st.sampled_from([1, 3, 3, 3, 8, 24])


@functools.cache
def real_engine() -> WorkingTime:
    """One warm engine over the Indonesian calendar, as a long-running service keeps."""
    return WorkingTime(indonesian_calendar())


# --- add(): the same deadline however the goal is passed, warm or cold --------------------------


@given(calendars(), starts, st.lists(hours, min_size=1, max_size=3))
def test_a_new_timedelta_per_call_gives_the_general_paths_answers(
    calendar: DrawnCalendar, times: list[dt.datetime], goals: list[int]
) -> None:
    """A warm engine given a new timedelta each call answers as the general path does."""
    warm, general = WorkingTime(calendar), WorkingTime(calendar)
    for n, start in enumerate(times * 2):  # the second round finds everything memoised
        h = goals[n % len(goals)]
        # pendulum.Duration is not a plain timedelta: it always takes the general path.
        expected = general.add(start, pendulum.duration(hours=h))
        assert warm.add(start, dt.timedelta(hours=h)) == expected
        local = start.astimezone(pendulum.timezone(calendar.timezone))
        assert warm.add(local, dt.timedelta(hours=h)) == expected


@given(
    calendars(),
    st.datetimes(min_value=dt.datetime(2025, 12, 20), max_value=dt.datetime(2026, 1, 10)),
    st.lists(st.integers(0, 3599), min_size=2, max_size=12),
    st.sampled_from(["UTC", "Asia/Jakarta", "Asia/Kolkata"]),
)
def test_starts_in_one_hour_get_their_own_answers(
    calendar: DrawnCalendar, hour: dt.datetime, seconds: list[int], zone: str
) -> None:
    """Many starts in one hour (closed, open or partly both) answer as the general path does."""
    warm, general = WorkingTime(calendar), WorkingTime(calendar)
    base = pendulum.instance(hour.replace(minute=0, second=0, microsecond=0), tz=zone)
    for second in seconds * 2:
        start = base.add(seconds=second)
        expected = general.add(start, pendulum.duration(hours=3))
        assert warm.add(start, dt.timedelta(hours=3)) == expected


@given(instants(min_year=2026, max_year=2028), hours)
def test_the_real_calendar_answers_alike_warm_and_through_the_general_path(
    start: pendulum.DateTime, h: int
) -> None:
    """On the Indonesian calendar (provisional 2028 included) warm and general answers agree."""
    engine = real_engine()
    fresh = engine.add(start, dt.timedelta(hours=h))
    again = engine.add(start, dt.timedelta(hours=h))
    assert fresh == again == engine.add(start, pendulum.duration(hours=h))
    assert fresh.at.timezone_name == "Asia/Jakarta"
    assert isinstance(fresh.at, pendulum.DateTime)


def test_a_closed_gap_with_a_provisional_day_in_it() -> None:
    """Starts in one closed gap share a deadline but not its provisional mark."""
    week = ((WorkingInterval(dt.time(8), dt.time(16)),),) * 5 + ((), ())
    # 2025 provisional, 2026 not; closed from 29 December 2025 to 2 January 2026.
    closed = frozenset(dt.date(2025, 12, 29) + dt.timedelta(days=n) for n in range(5))
    engine = WorkingTime(DrawnCalendar("Asia/Jakarta", week, closed, frozenset({2025})))
    wib = "Asia/Jakarta"
    in_2025 = engine.add(pendulum.datetime(2025, 12, 30, 9, tz=wib), dt.timedelta(hours=3))
    in_2026 = engine.add(pendulum.datetime(2026, 1, 2, 9, tz=wib), dt.timedelta(hours=3))
    again = engine.add(pendulum.datetime(2025, 12, 31, 9, tz=wib), dt.timedelta(hours=3))
    assert in_2025.at == in_2026.at == again.at == pendulum.datetime(2026, 1, 5, 11, tz=wib)
    assert (in_2025.provisional, in_2026.provisional, again.provisional) == (True, False, True)


def test_an_hour_across_a_provisional_boundary_is_not_shared() -> None:
    """Starts in one hour of another zone (IST, +05:30) on both sides of the office's midnight
    into a decreed year keep their own provisional marks, however often they are asked."""
    week = ((WorkingInterval(dt.time(8), dt.time(16)),),) * 5 + ((), ())
    closed = frozenset(dt.date(2025, 12, 29) + dt.timedelta(days=n) for n in range(5))
    engine = WorkingTime(DrawnCalendar("Asia/Jakarta", week, closed, frozenset({2025})))
    ist = "Asia/Kolkata"  # 22:30 IST on 31 December is midnight in Jakarta
    for _ in range(3):
        before = engine.add(pendulum.datetime(2025, 12, 31, 22, 10, tz=ist), dt.timedelta(hours=3))
        after = engine.add(pendulum.datetime(2025, 12, 31, 22, 50, tz=ist), dt.timedelta(hours=3))
        assert before.at == after.at == pendulum.datetime(2026, 1, 5, 11, tz="Asia/Jakarta")
        assert (before.provisional, after.provisional) == (True, False)


def test_bad_budgets_are_still_refused_after_good_ones() -> None:
    """A cached budget never lets a negative or oversized one through."""
    engine = real_engine()
    start = pendulum.datetime(2026, 1, 7, 9, tz="Asia/Jakarta")
    engine.add(start, dt.timedelta(hours=3))
    for bad in (dt.timedelta(hours=-3), dt.timedelta(hours=10_001), pendulum.duration(years=1)):
        with pytest.raises(LayananAduanError) as raised:
            engine.add(start, bad)
        assert raised.value.code in {"invalid_duration", "duration_too_long"}


# --- sla_instants(): the figures of sla(), and when the clock turns ------------------------------


@st.composite
def clocks(draw: st.DrawFn) -> dict[str, object]:
    """Arguments of an SLA reading: start, reading, pauses, a stop, a goal and thresholds."""
    base = draw(instants(min_year=2026, max_year=2027))
    offsets = sorted(draw(st.lists(st.integers(0, 5 * 86_400), min_size=2, max_size=6)))
    at = base.add(seconds=offsets[-1])
    pauses = [
        (base.add(seconds=a), base.add(seconds=b))
        for a, b in zip(offsets[1:-1:2], offsets[2:-1:2], strict=False)
    ]
    ongoing = draw(st.booleans()) and len(offsets) > 2
    if ongoing:
        pauses.append((base.add(seconds=offsets[-2]), at))
    stop = draw(st.none() | st.integers(0, 6 * 86_400).map(lambda s: base.add(seconds=s)))
    risk = draw(st.floats(0.05, 1.0))
    return {
        "started_at": base,
        "at": at,
        "pauses": pauses,
        "stopped_at": stop,
        "goal": dt.timedelta(seconds=draw(st.integers(1, 30 * 3600))),
        "thresholds": SlaThresholds(risk, draw(st.floats(risk, 1.0))),
    }


def _reading(kwargs: dict[str, object]) -> tuple[dict[str, object], dt.datetime, dt.datetime]:
    rest = dict(kwargs)
    started_at, at = rest.pop("started_at"), rest.pop("at")
    assert isinstance(started_at, dt.datetime)
    assert isinstance(at, dt.datetime)
    return rest, started_at, at


@given(clocks())
def test_sla_instants_are_the_figures_of_sla(kwargs: dict[str, object]) -> None:
    """Deadline, elapsed, goal, status, stop and provisional mark are those of the full report."""
    rest, started_at, at = _reading(kwargs)
    engine = real_engine()
    report = engine.sla(started_at, at, **rest)  # type: ignore[arg-type]
    lean = engine.sla_instants(started_at, at, **rest)  # type: ignore[arg-type]
    assert isinstance(lean, SlaInstants)
    assert (lean.started_us, lean.at_us) == (epoch_us(report.started_at), epoch_us(report.at))
    assert lean.deadline_us == epoch_us(report.deadline)
    assert lean.deadline == report.deadline
    assert lean.elapsed_us * US == report.elapsed
    assert lean.goal_us * US == report.goal
    assert (lean.status, lean.provisional) == (report.status, report.provisional)
    stopped = None if report.stopped_at is None else epoch_us(report.stopped_at)
    assert lean.stopped_us == stopped


@given(clocks())
def test_the_clock_turns_at_risk_and_breached_at_the_instants_given(
    kwargs: dict[str, object],
) -> None:
    """Read later with the same pauses, the clock is at risk from at_risk_from and breached from
    breached_from, and not a microsecond before (unless it already was at the reading)."""
    rest, started_at, at = _reading(kwargs)
    engine = real_engine()
    lean = engine.sla_instants(started_at, at, **rest)  # type: ignore[arg-type]
    if lean.stopped_us is not None:
        assert (lean.at_risk_from_us, lean.breached_from_us) == (None, None)
        return
    assert lean.at_risk_from_us is not None
    assert lean.breached_from_us is not None
    assume(rest["stopped_at"] is None)  # a later stop would change the clock read later

    def status(us: int) -> SlaStatus:
        return engine.sla(started_at, from_epoch_us(us), **rest).status  # type: ignore[arg-type]

    risky = {SlaStatus.AT_RISK, SlaStatus.CRITICAL, SlaStatus.BREACHED}
    assert lean.at_risk_from_us >= lean.at_us
    assert status(lean.at_risk_from_us) in risky
    if lean.at_risk_from_us > lean.at_us:
        assert status(lean.at_risk_from_us - 1) is SlaStatus.ON_TIME
    assert status(lean.breached_from_us) is SlaStatus.BREACHED
    if lean.breached_from_us > lean.at_us:
        assert status(lean.breached_from_us - 1) is not SlaStatus.BREACHED
    assert (lean.at_risk_from_us == lean.at_us) == (lean.status is not SlaStatus.ON_TIME)
    assert (lean.breached_from_us == lean.at_us) == (lean.status is SlaStatus.BREACHED)
    assert lean.at_risk_from == from_epoch_us(lean.at_risk_from_us)
    assert lean.breached_from == from_epoch_us(lean.breached_from_us)


@given(clocks(), st.integers(-3 * 86_400, 3 * 86_400))
def test_sla_instants_refuses_what_sla_refuses(kwargs: dict[str, object], shift: int) -> None:
    """A reading before the start (or a stop before it) is refused alike by both calls."""
    rest, started_at, at = _reading(kwargs)
    at = at - dt.timedelta(seconds=shift + 5 * 86_400)
    engine = real_engine()
    outcomes = []
    for call in (engine.sla, engine.sla_instants):
        try:
            call(started_at, at, **rest)  # type: ignore[arg-type]
            outcomes.append(None)
        except LayananAduanError as error:
            outcomes.append((type(error), error.code, error.field))
    assert outcomes[0] == outcomes[1]


def test_sla_instants_of_a_stopped_and_of_a_breached_clock() -> None:
    """A stopped clock has no alert instants; a breached one is at risk and breached already."""
    engine = real_engine()
    t0 = pendulum.datetime(2026, 1, 7, 9, tz="Asia/Jakarta")
    stopped = engine.sla_instants(t0, t0.add(hours=5), stopped_at=t0.add(hours=1))
    assert (stopped.status, stopped.stopped_us) == (SlaStatus.ON_TIME, epoch_us(t0.add(hours=1)))
    assert (stopped.at_risk_from, stopped.breached_from) == (None, None)
    late = engine.sla_instants(t0, t0.add(hours=5))
    assert late.status is SlaStatus.BREACHED
    assert late.at_risk_from == late.breached_from == t0.add(hours=5)


# --- the integer instants --------------------------------------------------------------------


@given(instants(min_year=2020, max_year=2027), st.integers(0, 999_999))
def test_epoch_microseconds_round_trip(start: pendulum.DateTime, micro: int) -> None:
    """epoch_us and from_epoch_us are exact inverses, in any zone, to the microsecond."""
    instant = start.replace(microsecond=micro)
    us = epoch_us(instant)
    assert from_epoch_us(us) == instant
    assert from_epoch_us(us).tzinfo is dt.UTC
    assert epoch_us(from_epoch_us(us)) == us


def test_epoch_us_refuses_naive_instants() -> None:
    """A naive datetime is refused with naive_datetime, as everywhere in the engine."""
    with pytest.raises(LayananAduanError) as raised:
        epoch_us(dt.datetime(2026, 1, 9, 15))
    assert raised.value.code == "naive_datetime"
