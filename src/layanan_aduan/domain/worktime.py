"""
The working-time engine: deadlines, elapsed working time and the SLA clock.

:class:`WorkingTime` reads a :class:`~layanan_aduan.domain.calendar.WorkingCalendar` and
answers, for instants, the questions of the service standard ("followed up within 3 hours
of working time"). Its semantics, pinned by ``tests/test_worktime.py`` and
``tests/test_worktime_properties.py``:

- **Half-open working intervals** ``[open, close)``. With 08:00-16:00 an instant at
  08:00:00 is inside working time and one at 16:00:00 is not: a report received at
  16:00:00 starts counting at the next opening.
- **The deadline is the earliest instant at which the budget is used up.** Wednesday
  13:00 + 3 h is Wednesday 16:00, not Thursday 08:00 (pandas' ``CustomBusinessHour``
  answers the next morning). A positive budget therefore always ends inside an interval
  or exactly at its close: ``open < deadline <= close``.
- **A zero budget** returns the start itself when it lies in a working interval or at
  its close, and the next opening otherwise. So a deadline never lies in closed time,
  and both ``elapsed(t, add(t, d)) == d`` and ``add(add(t, a), b) == add(t, a + b)``
  hold for every ``a, b >= 0`` (clamping an instant at 16:00 forward would break the
  latter for ``b == 0``).
- **Breached only when greater**: a goal is breached when the working time elapsed is
  greater than the goal; exactly the goal is still on time (though critical).
- **Time zones**: instants are stdlib aware datetimes or pendulum DateTimes in any zone;
  naive datetimes are refused with :class:`~layanan_aduan.exceptions.NaiveDatetimeError`
  (never assumed UTC). Results are pendulum DateTimes in the office's time zone, to the
  microsecond. The same instant written in UTC, WIB, WITA or WIT gives the same answer.
- **Provisional**: a result is ``provisional`` when any local date it consulted (from
  the start's date to the result's date, both included) is provisional in the calendar
  (a year with no decree yet, an estimated Islamic date).

How it is fast: the engine converts each year's working intervals, once and lazily, into
UTC epoch microseconds with prefix sums of working time, and answers every query with
:func:`bisect.bisect_right` over that timeline, so an elapsed-time query over five years
costs what one over a day costs. Years are cached for the life of the engine (the
calendar's answers must not change meanwhile); one engine may be shared by many threads:
reads take no lock, and extending the timeline by a year happens under a lock and
publishes a new immutable timeline. The timeline spans the years queried so far and those
in between, unless that would exceed 50 years: an instant far from the others (a typo
such as 9026) gets a timeline of its own years, so it never makes the engine compute
thousands of years (an elapsed-time query across them still does, as asked).

>>> import datetime as dt
>>> import pendulum
>>> from layanan_aduan.domain.calendar import DaySchedule, WorkingInterval
>>> class MonToFri:
...     timezone = "Asia/Jakarta"
...     def schedule_for(self, day):
...         hours = (WorkingInterval(dt.time(8), dt.time(16)),) if day.weekday() < 5 else ()
...         return DaySchedule(day, hours)
>>> engine = WorkingTime(MonToFri())
>>> wib = "Asia/Jakarta"
>>> engine.add(pendulum.datetime(2026, 1, 7, 13, tz=wib), dt.timedelta(hours=3)).at.isoformat()
'2026-01-07T16:00:00+07:00'
>>> engine.add(pendulum.datetime(2026, 1, 9, 15, tz=wib), dt.timedelta(hours=3)).at.isoformat()
'2026-01-12T10:00:00+07:00'
>>> engine.is_open(pendulum.datetime(2026, 1, 7, 8, tz=wib))
True
>>> engine.is_open(pendulum.datetime(2026, 1, 7, 16, tz=wib))
False
"""

from __future__ import annotations

import datetime as dt
import enum
import math
import threading
import zoneinfo
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable

import attrs
import pendulum

from layanan_aduan.domain.calendar import DaySchedule, NonWorkingDay, WorkingCalendar
from layanan_aduan.exceptions import (
    CalendarError,
    InstantOrderError,
    InstantOutOfRangeError,
    InvalidDurationError,
    InvalidThresholdError,
    NaiveDatetimeError,
    NotAnInstantError,
    NoWorkingTimeError,
)

__all__ = [
    "DEFAULT_SLA_GOAL",
    "DEFAULT_SLA_THRESHOLDS",
    "MAX_DURATION",
    "MAX_YEAR",
    "MIN_YEAR",
    "NO_WORKING_TIME_HORIZON",
    "Deadline",
    "SlaInstants",
    "SlaReport",
    "SlaStatus",
    "SlaThresholds",
    "WorkingDuration",
    "WorkingTime",
    "duration_from_hours",
    "epoch_us",
    "from_epoch_us",
]

MIN_YEAR = 1
"""First local year the engine computes (the first of :class:`datetime.date`)."""

MAX_YEAR = 9998
"""Last local year the engine computes (one short of :class:`datetime.date`'s last)."""

NO_WORKING_TIME_HORIZON = dt.timedelta(days=732)
"""A forward search that finds no working time in this span raises NoWorkingTimeError."""

DEFAULT_SLA_GOAL = dt.timedelta(hours=3)
"""The service standard's goal: followed up within 3 hours of working time."""

MAX_DURATION = dt.timedelta(hours=10_000)
"""
The longest budget or goal the engine takes: 10,000 hours of working time, about five years of
an office open 8 hours a weekday (some 1,950 working hours a year after holidays). A longer one
is refused before anything is computed, so one query never builds thousands of years.
"""

_US = 1_000_000
_ONE_US = dt.timedelta(microseconds=1)
_DAY_US = 86_400 * _US
_DateTime = pendulum.DateTime
_EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()
_HORIZON_US = NO_WORKING_TIME_HORIZON // _ONE_US
_MAX_DURATION_US = MAX_DURATION // _ONE_US
_OFFSET_MEMO_SIZE = 65_536
_ZONE_MEMO_SIZE = 256
_MAX_SPAN_YEARS = 50
_BUDGET_MEMO_SIZE = 256
_HOUR_MEMO_SIZE = 65_536
_HOUR_US = 3600 * _US
_timedelta = dt.timedelta
# tzinfo types whose offsets are pure functions of the local wall time (safe to memoise per day).
_MEMO_ZONES = (dt.timezone, zoneinfo.ZoneInfo, pendulum.FixedTimezone)


# --- values ----------------------------------------------------------------------------------


@attrs.frozen
class Deadline:
    """
    The instant a working-time budget is used up.

    Attributes:
        at: The deadline, in the office's time zone.
        provisional: True when a day consulted to find it is provisional in the calendar.
    """

    at: pendulum.DateTime
    provisional: bool = False


_new_object = object.__new__
_set_at = Deadline.__dict__["at"].__set__
_set_provisional = Deadline.__dict__["provisional"].__set__


@attrs.frozen
class WorkingDuration:
    """
    An amount of working time.

    Attributes:
        duration: The working time (a :class:`pendulum.Duration`, a ``timedelta``).
        provisional: True when a day consulted to measure it is provisional.
    """

    duration: pendulum.Duration
    provisional: bool = False


class SlaStatus(enum.Enum):
    """
    Where an SLA clock stands against its goal.

    ``ON_TIME`` below the at-risk threshold; ``AT_RISK`` from the at-risk threshold;
    ``CRITICAL`` from the critical threshold up to the goal itself; ``BREACHED`` only when
    the working time elapsed is greater than the goal. A stopped clock is either
    ``ON_TIME`` or ``BREACHED``: once the follow-up is done it can no longer be at risk.
    """

    ON_TIME = "on_time"
    AT_RISK = "at_risk"
    CRITICAL = "critical"
    BREACHED = "breached"

    @property
    def label(self) -> str:
        """
        The Indonesian name of the status.
        """
        return _STATUS_LABELS[self][0]

    @property
    def label_en(self) -> str:
        """
        The English name of the status.
        """
        return _STATUS_LABELS[self][1]


_STATUS_LABELS = {
    SlaStatus.ON_TIME: ("tepat waktu", "on time"),
    SlaStatus.AT_RISK: ("berisiko", "at risk"),
    SlaStatus.CRITICAL: ("kritis", "critical"),
    SlaStatus.BREACHED: ("terlambat", "breached"),
}


@attrs.frozen
class SlaThresholds:
    """
    Fractions of the goal from which a running clock is at risk and critical.

    Both are compared with ``>=`` (half the goal used is already at risk), and must
    satisfy ``0 < at_risk <= critical <= 1``.

    >>> SlaThresholds(at_risk=0.6, critical=0.9).critical
    0.9
    >>> SlaThresholds(at_risk=0.8, critical=0.5)
    Traceback (most recent call last):
    ...
    layanan_aduan.exceptions.InvalidThresholdError: Ambang SLA harus memenuhi ...
    """

    at_risk: float = 0.5
    critical: float = 0.75

    def __attrs_post_init__(self) -> None:
        ok = all(
            isinstance(v, int | float) and not isinstance(v, bool)
            for v in (self.at_risk, self.critical)
        )
        if not (ok and 0 < self.at_risk <= self.critical <= 1):
            raise InvalidThresholdError(
                "Ambang SLA harus memenuhi 0 < berisiko <= kritis <= 1 "
                f"(diberikan {self.at_risk!r} dan {self.critical!r}).",
                "SLA thresholds must satisfy 0 < at_risk <= critical <= 1 "
                f"(given {self.at_risk!r} and {self.critical!r}).",
                field="thresholds",
            )


DEFAULT_SLA_THRESHOLDS = SlaThresholds()
"""At risk from 50% of the goal, critical from 75%."""


@attrs.frozen
class SlaReport:
    """
    An SLA clock read at one instant, with the reasons its deadline moved.

    Attributes:
        started_at: When the clock started (e.g. the report was received).
        at: The instant the clock was read.
        stopped_at: When the clock stopped (the follow-up), if it has by ``at``.
        goal: The working-time goal.
        deadline: When the goal is used up, moved later by pauses.
        elapsed: Working time used from ``started_at`` to ``stopped_at`` or ``at``,
            pauses excluded.
        remaining: ``goal - elapsed``, never below zero.
        overrun: ``elapsed - goal``, never below zero.
        fraction_used: ``elapsed / goal`` (may exceed 1).
        status: On time, at risk, critical or breached.
        provisional: True when a day consulted is provisional in the calendar.
        closures: Non-working days (and why) from the start's date to the deadline's.
        special_hours: Open days in that span that carry a calendar note: special hours
            (a half day, Ramadan hours) or a day reopened against the holiday source.
        pauses: The merged pauses between ``started_at`` and the deadline.
        thresholds: The thresholds the status was computed with.
    """

    started_at: pendulum.DateTime
    at: pendulum.DateTime
    stopped_at: pendulum.DateTime | None
    goal: pendulum.Duration
    deadline: pendulum.DateTime
    elapsed: pendulum.Duration
    remaining: pendulum.Duration
    overrun: pendulum.Duration
    fraction_used: float
    status: SlaStatus
    provisional: bool
    closures: tuple[NonWorkingDay, ...]
    special_hours: tuple[DaySchedule, ...]
    pauses: tuple[tuple[pendulum.DateTime, pendulum.DateTime], ...]
    thresholds: SlaThresholds

    @property
    def percentage_used(self) -> float:
        """
        ``fraction_used`` as a percentage (may exceed 100).
        """
        return self.fraction_used * 100

    @property
    def is_breached(self) -> bool:
        """
        True when the working time elapsed is greater than the goal.
        """
        return self.status is SlaStatus.BREACHED

    def explain(self, language: str = "id") -> str:
        """
        Say in words where the clock stands and why the deadline is where it is.

        Args:
            language: ``"id"`` (Indonesian, the default) or ``"en"``.
        """
        en = language == "en"
        goal, used = _words(self.goal, en), _words(self.elapsed, en)
        pct = f"{self.percentage_used:.0f}%"
        status = self.status.label_en if en else self.status.label
        lines = [
            (
                f"Deadline {self.deadline.isoformat()}: {goal} of working time"
                f" from {self.started_at.isoformat()}."
                if en
                else f"Tenggat {self.deadline.isoformat()}: {goal} waktu kerja"
                f" sejak {self.started_at.isoformat()}."
            ),
            (
                f"Used {used} ({pct}), status: {status}."
                if en
                else f"Terpakai {used} ({pct}), status: {status}."
            ),
        ]
        days: list[tuple[dt.date, str]] = []
        for c in self.closures:
            kind = c.kind.label_en if en else c.kind.label
            name = c.name_en if en else c.name
            basis = f"; {c.legal_basis}" if c.legal_basis else ""
            head = "Closed" if en else "Libur"
            days.append((c.date, f"{head} {c.date.isoformat()}: {name} ({kind}{basis})."))
        for d in self.special_hours:
            hours = ", ".join(i.isoformat() for i in d.intervals)
            head = "Working hours" if en else "Jam kerja"
            note = f" ({d.note})" if d.note else ""
            days.append((d.date, f"{head} {d.date.isoformat()}: {hours}{note}."))
        lines.extend(line for _, line in sorted(days, key=lambda day: day[0]))
        for start, end in self.pauses:
            head = "Paused" if en else "Jeda"
            lines.append(f"{head} {start.isoformat()} - {end.isoformat()}.")
        if self.provisional:
            lines.append(
                "Provisional: it rests on calendar data not yet fixed by a decree."
                if en
                else "Sementara: bergantung pada data kalender yang belum ditetapkan keputusan."
            )
        return "\n".join(lines)


_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def epoch_us(instant: dt.datetime) -> int:
    """
    The aware ``instant`` as UTC epoch microseconds, the engine's own unit.

    >>> epoch_us(dt.datetime(2026, 1, 9, 15, tzinfo=dt.timezone(dt.timedelta(hours=7))))
    1767945600000000

    Raises:
        NaiveDatetimeError: ``instant`` has no time zone.
        NotAnInstantError: ``instant`` is not a datetime.
    """
    return _instant_us(instant, "instant")


def from_epoch_us(us: int) -> dt.datetime:
    """
    The UTC epoch microsecond ``us`` as a plain aware datetime in UTC (exact, no float).

    >>> from_epoch_us(1767945600000001)
    datetime.datetime(2026, 1, 9, 8, 0, 0, 1, tzinfo=datetime.timezone.utc)
    """
    return _EPOCH + dt.timedelta(microseconds=us)


@attrs.frozen
class SlaInstants:
    """
    An SLA clock read at one instant, as integers: what a projection stores and a sweep
    compares. :meth:`WorkingTime.sla_instants` returns it; its figures are those of
    :meth:`WorkingTime.sla` for the same arguments.

    Every instant is in UTC epoch microseconds (:func:`from_epoch_us` turns one into a
    datetime; the properties without ``_us`` do so).

    Attributes:
        started_us: When the clock started.
        at_us: When it was read.
        stopped_us: When it stopped for good, if it had by ``at_us``; else ``None``.
        goal_us: The goal, in microseconds of working time.
        deadline_us: When the goal is used up, moved later by pauses.
        elapsed_us: Working time used, pauses excluded.
        status: On time, at risk, critical or breached, as :meth:`WorkingTime.sla` says.
        provisional: True when a day consulted is provisional in the calendar.
        at_risk_from_us: For a clock that has not stopped: the first instant, from
            ``at_us`` on, at which it is at risk (or critical) if it runs on without another
            pause; ``at_us`` itself when it already is (or is breached). ``None`` once
            stopped.
        breached_from_us: Likewise, the first instant at which the working time elapsed is
            greater than the goal; ``at_us`` when already breached. ``None`` once stopped.
    """

    started_us: int
    at_us: int
    stopped_us: int | None
    goal_us: int
    deadline_us: int
    elapsed_us: int
    status: SlaStatus
    provisional: bool
    at_risk_from_us: int | None
    breached_from_us: int | None

    @property
    def deadline(self) -> dt.datetime:
        """
        The deadline as an aware datetime in UTC.
        """
        return from_epoch_us(self.deadline_us)

    @property
    def at_risk_from(self) -> dt.datetime | None:
        """
        ``at_risk_from_us`` as an aware datetime in UTC, or ``None``.
        """
        us = self.at_risk_from_us
        return None if us is None else from_epoch_us(us)

    @property
    def breached_from(self) -> dt.datetime | None:
        """
        ``breached_from_us`` as an aware datetime in UTC, or ``None``.
        """
        us = self.breached_from_us
        return None if us is None else from_epoch_us(us)


def _words(d: dt.timedelta, en: bool) -> str:
    total = dt.timedelta.__floordiv__(d, dt.timedelta(seconds=1))
    h, rest = divmod(total, 3600)
    m, s = divmod(rest, 60)
    units = ("h", "min", "s") if en else ("jam", "menit", "detik")
    parts = [f"{v} {u}" for v, u in zip((h, m, s), units, strict=True) if v]
    return " ".join(parts) if parts else f"0 {units[2]}"


# --- the precomputed timeline ---------------------------------------------------------------


@attrs.frozen
class _Year:
    """
    One local year of the calendar, in UTC epoch microseconds.
    """

    intervals: tuple[tuple[int, int], ...]
    provisional: tuple[tuple[int, int], ...]
    notable: tuple[tuple[int, int, DaySchedule], ...]


@attrs.frozen
class _Timeline:
    """
    Working intervals of the local years ``first..last``, merged and with prefix sums.

    ``before[i]`` is the working time of intervals ``0..i-1``; ``after[i]`` that of
    ``0..i``; ``shifts[i]`` is ``starts[i] - before[i]``, so that the position of an
    instant ``t`` inside interval ``i`` is ``t - shifts[i]``. Positions are relative to
    this timeline: never mix two timelines' positions.
    ``opens[i]`` turns a position inside interval ``i`` into local wall time with integer
    arithmetic only: ``(year, month, day, day_shift, at_shift)`` where, for a position ``p``
    in the interval, ``p + day_shift`` is the microsecond of that local day and
    ``p + at_shift`` the UTC epoch microsecond. ``None`` when the interval does not lie on
    one local date at one UTC offset (then the general conversion is used).
    """

    first: int
    last: int
    lo: int
    hi: int
    starts: tuple[int, ...]
    ends: tuple[int, ...]
    before: tuple[int, ...]
    after: tuple[int, ...]
    shifts: tuple[int, ...]
    opens: tuple[tuple[int, int, int, int, int] | None, ...]
    prov_starts: tuple[int, ...]
    prov_ends: tuple[int, ...]
    notable_ends: tuple[int, ...]
    notable: tuple[tuple[int, int, DaySchedule], ...]

    def position(self, t: int) -> int:
        """
        Working time from the timeline's origin to ``t``.
        """
        i = bisect_right(self.starts, t) - 1
        if i < 0:
            return 0
        end = self.ends[i]
        return self.before[i] + (t if t < end else end) - self.starts[i]

    def provisional(self, lo: int, hi: int) -> bool:
        """
        True when a provisional day overlaps the closed span ``[lo, hi]``.
        """
        i = bisect_right(self.prov_starts, hi) - 1
        return i >= 0 and self.prov_ends[i] > lo

    def notable_between(self, lo: int, hi: int) -> list[DaySchedule]:
        """
        Days with closures or special hours overlapping the closed span ``[lo, hi]``.
        """
        out = []
        for day_start, _end, schedule in self.notable[bisect_right(self.notable_ends, lo) :]:
            if day_start > hi:
                break
            out.append(schedule)
        return out


_ZoneMemo = tuple[dt.tzinfo, dict[int, int], dict[int, dict[int, Deadline]]]


@attrs.frozen
class _Clock:
    """
    The figures of an SLA clock, as integers (UTC epoch microseconds), before presentation.
    """

    started: int
    at: int
    stopped: int | None
    goal: int
    elapsed: int
    deadline: int
    status: SlaStatus
    provisional: bool
    spans: list[tuple[int, int]]
    timeline: _Timeline


def _budget_us(goal_us: int, fraction: float) -> int:
    """
    The least whole number of microseconds ``k`` with ``k / goal_us >= fraction``, compared
    as the status is (floats), so the two agree to the microsecond.
    """
    k = math.ceil(goal_us * fraction)
    while k > 0 and (k - 1) / goal_us >= fraction:
        k -= 1
    while k / goal_us < fraction:
        k += 1
    return k


def _merge(pairs: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for s, e in sorted(pairs):
        if e <= s:
            continue
        if out and s <= out[-1][1]:
            if e > out[-1][1]:
                out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
    return out


def _instant_us(value: object, field: str) -> int:
    if not isinstance(value, dt.datetime):
        raise NotAnInstantError(
            f"'{field}' harus berupa waktu (datetime) dengan zona waktu,"
            f" bukan {type(value).__name__}.",
            f"'{field}' must be a datetime with a time zone, not {type(value).__name__}.",
            field=field,
        )
    offset = value.utcoffset()
    if offset is None:
        raise NaiveDatetimeError(
            f"Waktu pada '{field}' tidak memiliki zona waktu; berikan waktu dengan zona"
            " waktu, mis. 2026-01-09T15:00:00+07:00.",
            f"'{field}' is a naive datetime; give an instant with a time zone,"
            " e.g. 2026-01-09T15:00:00+07:00.",
            field=field,
        )
    # Integer arithmetic: exact to the microsecond, and far cheaper than subtracting datetimes.
    local = (
        (value.toordinal() - _EPOCH_ORDINAL) * 86_400
        + value.hour * 3600
        + value.minute * 60
        + value.second
    ) * _US + value.microsecond
    return local - dt.timedelta.__floordiv__(offset, _ONE_US)


def _duration_us(value: object, field: str, *, positive: bool) -> int:
    if type(value) is dt.timedelta:
        us: int = value // _ONE_US
    elif isinstance(value, dt.timedelta) and not (
        isinstance(value, pendulum.Duration) and (value.years or value.months)
    ):
        # timedelta's own floor division: pendulum.Duration overrides it (and .seconds).
        us = dt.timedelta.__floordiv__(value, _ONE_US)
    else:
        raise InvalidDurationError(
            f"'{field}' harus berupa durasi (timedelta) dalam hari, jam, menit atau detik.",
            f"'{field}' must be a duration (timedelta) in days, hours, minutes or seconds.",
            field=field,
        )
    if us > _MAX_DURATION_US:
        raise _too_long(field)
    if us > 0 or (us == 0 and not positive):
        return us
    if positive:
        raise InvalidDurationError(
            f"'{field}' harus lebih dari nol.", f"'{field}' must be positive.", field=field
        )
    raise InvalidDurationError(
        f"'{field}' tidak boleh negatif.", f"'{field}' must not be negative.", field=field
    )


def _too_long(field: str) -> InvalidDurationError:
    limit = MAX_DURATION // dt.timedelta(hours=1)
    return InvalidDurationError(
        f"'{field}' melebihi batas {limit} jam waktu kerja.",
        f"'{field}' exceeds the limit of {limit} hours of working time.",
        code="duration_too_long",
        field=field,
        details={"max_hours": limit},
    )


def duration_from_hours(hours: float, field: str = "hours") -> dt.timedelta:
    """
    The working-time goal of ``hours`` hours, refusing what the engine would not take.

    The value is rounded to the microsecond (the engine's precision), as
    ``timedelta(hours=...)`` rounds it.

    >>> duration_from_hours(1.5)
    datetime.timedelta(seconds=5400)

    Args:
        hours: A number of hours of working time.
        field: The input's name for the errors' ``field``.

    Raises:
        InvalidDurationError: ``duration_not_finite`` for NaN or infinity,
            ``invalid_duration`` when not positive or not a number, ``duration_too_short``
            below one microsecond, ``duration_too_long`` beyond :data:`MAX_DURATION`.
    """
    if isinstance(hours, bool) or not isinstance(hours, int | float):
        raise InvalidDurationError(
            f"'{field}' harus berupa bilangan jam.",
            f"'{field}' must be a number of hours.",
            field=field,
        )
    if not math.isfinite(hours):
        raise InvalidDurationError(
            f"'{field}' harus bilangan terhingga.",
            f"'{field}' must be a finite number.",
            code="duration_not_finite",
            field=field,
        )
    if hours <= 0:
        raise InvalidDurationError(
            f"'{field}' harus lebih dari nol.", f"'{field}' must be positive.", field=field
        )
    # Compared before timedelta() is built: 1e20 hours would overflow it.
    if hours > MAX_DURATION / dt.timedelta(hours=1):
        raise _too_long(field)
    if hours * 3_600_000_000 < 1:
        raise InvalidDurationError(
            f"'{field}' kurang dari satu mikrodetik.",
            f"'{field}' is less than one microsecond.",
            code="duration_too_short",
            field=field,
        )
    return dt.timedelta(hours=hours)


def _order(first: int, then: int, field: str, first_name: str, then_name: str) -> None:
    if first > then:
        raise InstantOrderError(
            f"'{first_name}' jatuh setelah '{then_name}'.",
            f"'{first_name}' lies after '{then_name}'.",
            field=field,
        )


# --- the engine ------------------------------------------------------------------------------


class WorkingTime:
    """
    Deadlines, elapsed working time and SLA clocks over a working calendar.

    Args:
        calendar: Any :class:`~layanan_aduan.domain.calendar.WorkingCalendar`; its
            ``schedule_for`` is asked once per date, lazily, a year at a time.

    Raises:
        CalendarError: ``unknown_timezone`` when the calendar's time zone is not an IANA
            name pendulum knows.
    """

    def __init__(self, calendar: WorkingCalendar) -> None:
        name = calendar.timezone
        try:
            zone = pendulum.timezone(name)
        except (ValueError, KeyError) as e:
            raise CalendarError(
                f"Zona waktu kantor tidak dikenal: {name!r}.",
                f"Unknown office time zone: {name!r}.",
                code="unknown_timezone",
                field="timezone",
            ) from e
        self._calendar = calendar
        self._name = name
        self._zone = zone
        self._lock = threading.Lock()
        self._years: dict[int, _Year] = {}
        self._timeline: _Timeline | None = None
        # id(tzinfo) -> (tzinfo, {local date ordinal: UTC epoch microsecond of that local
        # midnight} for days whose UTC offset is constant (see _us()), {budget: {local hour
        # (ordinal * 24 + hour): the deadline of every start in that hour}} for the hours
        # wholly in closed time (see _remember_hour())).
        self._zone_memos: dict[int, _ZoneMemo] = {}
        # Positive budgets seen (stdlib timedeltas, by value) and their microseconds.
        self._budgets: dict[dt.timedelta, int] = {}
        self._fingerprint: tuple[str | None] | None = None

    def __repr__(self) -> str:
        tl = self._timeline
        cached = f"{tl.first}..{tl.last}" if tl is not None else "none"
        return f"WorkingTime(timezone={self._name!r}, cached_years={cached})"

    @property
    def timezone(self) -> str:
        """
        The IANA time zone of the office; every result is expressed in it.
        """
        return self._name

    @property
    def calendar(self) -> WorkingCalendar:
        """
        The calendar this engine reads.
        """
        return self._calendar

    @property
    def calendar_fingerprint(self) -> str | None:
        """
        The fingerprint of the calendar (computed once): what a stored projection records to
        tell whether another calendar would place its deadline elsewhere. ``None`` when the
        calendar gives none (see
        :func:`~layanan_aduan.domain.calendar_fingerprint.calendar_fingerprint`).
        """
        if self._fingerprint is None:
            from layanan_aduan.domain.calendar_fingerprint import calendar_fingerprint

            self._fingerprint = (calendar_fingerprint(self._calendar),)
        return self._fingerprint[0]

    # --- public operations --------------------------------------------------------------

    def add(self, start: dt.datetime, duration: dt.timedelta) -> Deadline:  # noqa: PLR0912, PLR0915 - inlined hot path
        """
        Return the deadline: the earliest instant at which ``duration`` of working time
        counted from ``start`` is used up.

        Working intervals are half-open ``[open, close)``: from 16:00:00 counting starts
        at the next opening. A positive ``duration`` ends in ``(open, close]`` of some
        interval: 13:00 + 3 h is 16:00 the same day, not 08:00 the next. A zero
        ``duration`` returns ``start`` when it lies in ``[open, close]`` of an interval,
        else the next opening.

        Args:
            start: An aware instant (stdlib or pendulum), in any time zone.
            duration: Working time to add, ``>= 0`` and at most :data:`MAX_DURATION`.

        Raises:
            NaiveDatetimeError: ``start`` has no time zone.
            NotAnInstantError: ``start`` is not a datetime.
            InvalidDurationError: ``duration`` is negative or not a timedelta; code
                ``duration_too_long`` beyond :data:`MAX_DURATION`.
            NoWorkingTimeError: the calendar has no working time within
                :data:`NO_WORKING_TIME_HORIZON` of where the search stands.
            InstantOutOfRangeError: the deadline would fall after year :data:`MAX_YEAR`.
        """
        # The common case (an instant whose zone and day are memoised, a positive stdlib
        # timedelta seen before, a deadline inside the cached timeline on a regular interval)
        # is inlined: method calls would double its cost. Everything else takes the general
        # path below, which computes the same answer.
        tl = self._timeline
        try:
            tz = start.tzinfo
            entry = self._zone_memos.get(id(tz))
            # The budget by value: a new timedelta(hours=3) per call is the usual caller.
            d = self._budgets.get(duration) if type(duration) is _timedelta else None
            if entry is not None and entry[0] is tz and d is not None and tl is not None:
                ordinal = start.toordinal()
                # A start in an hour wholly in closed time (a night, a weekend, a holiday)
                # counts from the next opening: one deadline for the whole hour.
                hours = entry[2].get(d)
                if hours is not None:
                    known = hours.get(ordinal * 24 + start.hour)
                    if known is not None:
                        return known
                midnight = entry[1].get(ordinal)
                if midnight is not None:
                    t = (
                        midnight
                        + (start.hour * 3600 + start.minute * 60 + start.second) * _US
                        + start.microsecond
                    )
                    if tl.lo <= t < tl.hi:
                        i = bisect_right(tl.starts, t) - 1
                        after = tl.after
                        closed = i < 0 or t >= tl.ends[i]
                        if not closed:
                            # Inside interval i the position is t - shift; a deadline in the
                            # same interval needs no search.
                            target = t - tl.shifts[i] + d
                            j = i if target <= after[i] else bisect_left(after, target, i + 1)
                        else:
                            # Closed time, its hour not remembered yet (or only partly
                            # closed): counted from the next opening, then remembered.
                            target = d if i < 0 else after[i] + d
                            j = bisect_left(after, target, i + 1)
                        if 0 <= j < len(after):
                            opening = tl.opens[j]
                            if opening is not None:
                                of_day = opening[3] + target
                                if of_day < _DAY_US:
                                    sec = of_day // _US
                                    at = opening[4] + target
                                    prov_starts = tl.prov_starts
                                    if prov_starts and at >= prov_starts[0]:
                                        k = bisect_right(prov_starts, at) - 1
                                        provisional = tl.prov_ends[k] > t
                                    else:
                                        provisional = False
                                    # Deadline built through its slots, not attrs' frozen
                                    # __init__: a tenth of the cost of a deadline.
                                    deadline = _new_object(Deadline)
                                    _set_at(
                                        deadline,
                                        _DateTime(
                                            opening[0],
                                            opening[1],
                                            opening[2],
                                            sec // 3600,
                                            sec // 60 % 60,
                                            sec % 60,
                                            of_day % _US,
                                            self._zone,
                                        ),
                                    )
                                    _set_provisional(deadline, provisional)
                                    if closed:
                                        self._remember_hour(start, t, d, tl, deadline, at)
                                    return deadline
        except AttributeError:
            pass  # not a datetime: the general path refuses it with a typed error
        t = self._us(start, "start")
        d = _duration_us(duration, "duration", positive=False)
        if d > 0 and type(duration) is _timedelta:  # immutable and hashed by value
            budgets = self._budgets
            if len(budgets) >= _BUDGET_MEMO_SIZE:
                budgets.clear()
            budgets[duration] = d
        at, tl, j = self._add_us(t, d)
        deadline = Deadline(self._local(tl, j, at), tl.provisional(t, at))
        if d > 0:
            self._remember_hour(start, t, d, tl, deadline, at)
        return deadline

    def elapsed(
        self,
        start: dt.datetime,
        end: dt.datetime,
        *,
        pauses: Iterable[tuple[dt.datetime, dt.datetime]] = (),
    ) -> WorkingDuration:
        """
        Return the working time between ``start`` and ``end``, pauses excluded.

        The working time of ``[start, end)`` intersected with the working intervals; the
        clock stops during each pause ``(pause_start, pause_end)``. Pauses may overlap
        each other and reach outside ``[start, end]``: they are merged and clipped.

        Raises:
            InstantOrderError: ``start`` is after ``end``, or a pause starts after it ends.
            NaiveDatetimeError: an instant has no time zone.
        """
        a = self._us(start, "start")
        b = self._us(end, "end")
        _order(a, b, "start", "start", "end")
        spans = self._pauses_us(pauses)
        tl = self._cover(a, b)
        used = tl.position(b) - tl.position(a)
        for ps, pe in spans:
            lo, hi = max(ps, a), min(pe, b)
            if lo < hi:
                used -= tl.position(hi) - tl.position(lo)
        return WorkingDuration(pendulum.Duration(microseconds=used), tl.provisional(a, b))

    def meter(self, start: dt.datetime, end: dt.datetime) -> Callable[[dt.datetime], int]:
        """
        A working-time meter over ``[start, end]``: a function that gives, for an instant in
        that span, the working time (whole microseconds) from a fixed origin up to it. Only
        differences of its answers mean anything: ``m(b) - m(a)`` is
        ``elapsed(a, b).duration`` in microseconds. For many measures over one span (period
        statistics) it saves building the answer of :meth:`elapsed` each time.

        >>> from layanan_aduan.adapters.holidays_id import indonesian_calendar
        >>> wt = WorkingTime(indonesian_calendar())
        >>> m = wt.meter(
        ...     pendulum.datetime(2026, 1, 5, tz="Asia/Jakarta"),
        ...     pendulum.datetime(2026, 1, 10, tz="Asia/Jakarta"),
        ... )
        >>> a = pendulum.datetime(2026, 1, 5, 15, tz="Asia/Jakarta")
        >>> (m(a.add(days=1)) - m(a)) / 3_600_000_000
        8.0

        Raises:
            InstantOrderError: ``start`` is after ``end``, or an instant measured lies outside
                the span.
        """
        lo = self._us(start, "start")
        hi = self._us(end, "end")
        _order(lo, hi, "start", "start", "end")
        tl = self._cover(lo, hi)

        def position(instant: dt.datetime) -> int:
            t = self._us(instant, "instant")
            _order(lo, t, "instant", "start", "instant")
            _order(t, hi, "instant", "instant", "end")
            return tl.position(t)

        return position

    def is_open(self, instant: dt.datetime) -> bool:
        """
        True when ``instant`` lies inside working time (``open <= instant < close``).
        """
        t = self._us(instant, "instant")
        tl = self._cover(t, t)
        i = bisect_right(tl.starts, t) - 1
        return i >= 0 and t < tl.ends[i]

    def next_opening(self, instant: dt.datetime) -> pendulum.DateTime:
        """
        Return the first instant of working time at or after ``instant``.

        An instant already inside working time is returned itself (in the office's time
        zone); one at a closing (16:00:00) or in closed time gives the next opening.

        Raises:
            NoWorkingTimeError: no working time within :data:`NO_WORKING_TIME_HORIZON`.
        """
        t = self._us(instant, "instant")
        tl = self._cover(t, t)
        chunk = 1
        while True:
            i = bisect_right(tl.starts, t) - 1
            if i >= 0 and t < tl.ends[i]:
                return self._to_datetime(t)
            if i + 1 < len(tl.starts):
                return self._to_datetime(tl.starts[i + 1])
            tl, chunk = self._forward(tl, t, chunk)

    def next_closing(self, instant: dt.datetime) -> pendulum.DateTime:
        """
        Return the end of the working interval ``instant`` lies in, or else of the next one.

        Raises:
            NoWorkingTimeError: no working time within :data:`NO_WORKING_TIME_HORIZON`.
        """
        t = self._us(instant, "instant")
        tl = self._cover(t, t)
        chunk = 1
        while True:
            i = bisect_right(tl.starts, t) - 1
            if i >= 0 and t < tl.ends[i]:
                return self._to_datetime(tl.ends[i])
            if i + 1 < len(tl.starts):
                return self._to_datetime(tl.ends[i + 1])
            tl, chunk = self._forward(tl, t, chunk)

    def sla(
        self,
        started_at: dt.datetime,
        at: dt.datetime,
        *,
        goal: dt.timedelta = DEFAULT_SLA_GOAL,
        pauses: Iterable[tuple[dt.datetime, dt.datetime]] = (),
        stopped_at: dt.datetime | None = None,
        thresholds: SlaThresholds = DEFAULT_SLA_THRESHOLDS,
    ) -> SlaReport:
        """
        Read an SLA clock started at ``started_at`` at the instant ``at``.

        The clock runs in working time only, stops during ``pauses`` (e.g. while the office
        waits for the reporter; an ongoing pause is passed as ``(pause_start, at)``), and
        stops for good at ``stopped_at`` if that is not after ``at``. The deadline is the
        earliest instant at which ``goal`` of unpaused working time is used up.

        Args:
            started_at: When the clock started.
            at: When it is read (``>= started_at``).
            goal: The working-time goal, ``> 0`` and at most :data:`MAX_DURATION` (3 hours
                by default).
            pauses: ``(start, end)`` pairs during which the clock stops.
            stopped_at: When the clock stopped (``>= started_at``), if it has.
            thresholds: When a running clock becomes at risk and critical.

        Raises:
            InstantOrderError: ``at`` or ``stopped_at`` before ``started_at``, or a pause
                that starts after it ends.
            InvalidDurationError: ``goal`` is not positive; code ``duration_too_long`` beyond
                :data:`MAX_DURATION`.
        """
        c = self._clock(
            started_at, at, goal=goal, pauses=pauses, stopped_at=stopped_at, thresholds=thresholds
        )
        s, deadline, tl, spans = c.started, c.deadline, c.timeline, c.spans
        days = tl.notable_between(s, deadline)
        shown_pauses = tuple(
            (self._to_datetime(max(ps, s)), self._to_datetime(min(pe, deadline)))
            for ps, pe in spans
            if max(ps, s) < min(pe, deadline)
        )
        goal_us, used = c.goal, c.elapsed
        return SlaReport(
            started_at=self._to_datetime(s),
            at=self._to_datetime(c.at),
            stopped_at=None if c.stopped is None else self._to_datetime(c.stopped),
            goal=pendulum.Duration(microseconds=goal_us),
            deadline=self._to_datetime(deadline),
            elapsed=pendulum.Duration(microseconds=used),
            remaining=pendulum.Duration(microseconds=max(goal_us - used, 0)),
            overrun=pendulum.Duration(microseconds=max(used - goal_us, 0)),
            fraction_used=used / goal_us,
            status=c.status,
            provisional=c.provisional,
            closures=tuple(closure for d in days for closure in d.closures),
            special_hours=tuple(d for d in days if d.note is not None and d.intervals),
            pauses=shown_pauses,
            thresholds=thresholds,
        )

    def sla_instants(
        self,
        started_at: dt.datetime,
        at: dt.datetime,
        *,
        goal: dt.timedelta = DEFAULT_SLA_GOAL,
        pauses: Iterable[tuple[dt.datetime, dt.datetime]] = (),
        stopped_at: dt.datetime | None = None,
        thresholds: SlaThresholds = DEFAULT_SLA_THRESHOLDS,
    ) -> SlaInstants:
        """
        Read an SLA clock as :meth:`sla` does, and return only its instants, as integers.

        The lean call for projections and sweeps: the same deadline, elapsed working time,
        status and provisional mark as :meth:`sla` (same arguments, same refusals), without
        the explanation (closures, special hours, pauses) and without building a date-time
        object; plus the instants from which a clock that runs on from ``at`` is at risk and
        breached (see :class:`SlaInstants`). Instants are UTC epoch microseconds.

        Raises:
            InstantOrderError, InvalidDurationError: As :meth:`sla`.
            NoWorkingTimeError, InstantOutOfRangeError: As :meth:`add`, for the instants at
                which a running clock turns at risk and breached.

        >>> import pendulum
        >>> from layanan_aduan.domain.calendar import OfficeCalendar, OfficeSchedule
        >>> from layanan_aduan.domain.calendar import YearHolidays
        >>> class NoHolidays:
        ...     def non_working_days(self, year):
        ...         return YearHolidays(year, decreed=True)
        >>> engine = WorkingTime(OfficeCalendar(OfficeSchedule(), NoHolidays()))
        >>> t0 = pendulum.datetime(2026, 1, 7, 9, tz="Asia/Jakarta")
        >>> clock = engine.sla_instants(t0, t0.add(hours=2))
        >>> clock.status.value, clock.elapsed_us // 60_000_000
        ('at_risk', 120)
        >>> print(clock.deadline, clock.at_risk_from, clock.breached_from)
        2026-01-07 05:00:00+00:00 2026-01-07 04:00:00+00:00 2026-01-07 05:00:00.000001+00:00
        """
        c = self._clock(
            started_at, at, goal=goal, pauses=pauses, stopped_at=stopped_at, thresholds=thresholds
        )
        risk_from = breach_from = None
        if c.stopped is None:
            used, goal_us, now = c.elapsed, c.goal, c.at
            if used > goal_us:
                risk_from = breach_from = now
            else:
                risk_us = _budget_us(goal_us, thresholds.at_risk)
                risk_from = now if used >= risk_us else self._add_us(now, risk_us - used)[0]
                breach_from = self._add_us(now, goal_us - used + 1)[0]
        return SlaInstants(
            started_us=c.started,
            at_us=c.at,
            stopped_us=c.stopped,
            goal_us=c.goal,
            deadline_us=c.deadline,
            elapsed_us=c.elapsed,
            status=c.status,
            provisional=c.provisional,
            at_risk_from_us=risk_from,
            breached_from_us=breach_from,
        )

    # --- internals -------------------------------------------------------------------------

    def _clock(
        self,
        started_at: dt.datetime,
        at: dt.datetime,
        *,
        goal: dt.timedelta,
        pauses: Iterable[tuple[dt.datetime, dt.datetime]],
        stopped_at: dt.datetime | None,
        thresholds: SlaThresholds,
    ) -> _Clock:
        s = self._us(started_at, "started_at")
        now = self._us(at, "at")
        _order(s, now, "at", "started_at", "at")
        stop = None if stopped_at is None else self._us(stopped_at, "stopped_at")
        if stop is not None:
            _order(s, stop, "stopped_at", "started_at", "stopped_at")
        goal_us = _duration_us(goal, "goal", positive=True)
        spans = self._pauses_us(pauses)
        stopped = stop is not None and stop <= now
        end = stop if stop is not None and stopped else now

        tl = self._cover(s, end)
        used = tl.position(end) - tl.position(s)
        for ps, pe in spans:
            lo, hi = max(ps, s), min(pe, end)
            if lo < hi:
                used -= tl.position(hi) - tl.position(lo)

        deadline = self._deadline_with_pauses(s, goal_us, spans)
        tl = self._cover(s, max(deadline, end))
        fraction = used / goal_us
        if used > goal_us:
            status = SlaStatus.BREACHED
        elif stopped:
            status = SlaStatus.ON_TIME
        elif fraction >= thresholds.critical:
            status = SlaStatus.CRITICAL
        elif fraction >= thresholds.at_risk:
            status = SlaStatus.AT_RISK
        else:
            status = SlaStatus.ON_TIME
        return _Clock(
            started=s,
            at=now,
            stopped=end if stopped else None,
            goal=goal_us,
            elapsed=used,
            deadline=deadline,
            status=status,
            provisional=tl.provisional(s, max(deadline, end)),
            spans=spans,
            timeline=tl,
        )

    def _remember_hour(  # noqa: PLR0917 - an internal step of add(), named by position there
        self, start: dt.datetime, t: int, d: int, tl: _Timeline, deadline: Deadline, at: int
    ) -> None:
        """
        Remember ``deadline`` for every start in the local hour of ``start`` (in its own time
        zone) when that hour lies wholly in one closed gap of the timeline: all of them count
        ``d`` from the same opening, so they share the instant; and when no provisional day
        ends inside the hour, they share the provisional mark too.
        """
        entry = self._zone_memos.get(id(start.tzinfo))
        if entry is None or entry[0] is not start.tzinfo:
            return
        midnight = entry[1].get(start.toordinal())
        if midnight is None:  # the day's offset changes: hours are not one span each
            return
        begin = midnight + start.hour * _HOUR_US
        end = begin + _HOUR_US
        i = bisect_right(tl.starts, begin) - 1
        if not (0 <= i < len(tl.starts) - 1 and tl.ends[i] <= begin <= t < end <= tl.starts[i + 1]):
            return
        k = bisect_right(tl.prov_starts, at) - 1
        if k >= 0 and begin < tl.prov_ends[k] < end:
            return
        by_budget = entry[2]
        hours = by_budget.get(d)
        if hours is None:
            if len(by_budget) >= _BUDGET_MEMO_SIZE:
                by_budget.clear()
            hours = by_budget[d] = {}
        if len(hours) >= _HOUR_MEMO_SIZE:
            hours.clear()
        hours[start.toordinal() * 24 + start.hour] = deadline

    def _add_us(self, t: int, d: int) -> tuple[int, _Timeline, int]:
        """
        Return the deadline, the timeline that found it and the index of its interval.
        """
        tl = self._timeline
        if tl is None or not tl.lo <= t < tl.hi:
            tl = self._cover(t, t)
        chunk = 1
        while True:
            starts = tl.starts
            i = bisect_right(starts, t) - 1
            if d == 0:
                if i >= 0 and t <= tl.ends[i]:
                    return t, tl, i
                if i + 1 < len(starts):
                    return starts[i + 1], tl, i + 1
            else:
                end = tl.ends[i] if i >= 0 else 0
                pos = 0 if i < 0 else tl.before[i] + (t if t < end else end) - starts[i]
                target = pos + d
                j = bisect_left(tl.after, target)
                if j < len(starts):
                    return starts[j] + target - tl.before[j], tl, j
            if t + d >= _year_start_us(MAX_YEAR + 1, self._zone):
                raise self._beyond_range()
            tl, chunk = self._forward(tl, t, chunk)

    def _deadline_with_pauses(self, s: int, goal_us: int, spans: list[tuple[int, int]]) -> int:
        cur, remaining = s, goal_us
        for ps, pe in spans:
            if pe <= cur:
                continue
            if ps > cur:
                candidate, tl, _ = self._add_us(cur, remaining)
                if candidate <= ps:
                    return candidate
                # add() is the earliest use-up, so less than `remaining` fits before ps.
                remaining -= tl.position(ps) - tl.position(cur)
            cur = pe
        return self._add_us(cur, remaining)[0]

    def _pauses_us(
        self, pauses: Iterable[tuple[dt.datetime, dt.datetime]]
    ) -> list[tuple[int, int]]:
        spans = []
        for n, pair in enumerate(pauses):
            field = f"pauses[{n}]"
            try:
                start, end = pair
            except (TypeError, ValueError) as e:
                raise NotAnInstantError(
                    f"'{field}' harus berupa pasangan (awal, akhir).",
                    f"'{field}' must be a (start, end) pair.",
                    field=field,
                ) from e
            ps, pe = self._us(start, field), self._us(end, field)
            _order(ps, pe, field, f"{field}[0]", f"{field}[1]")
            spans.append((ps, pe))
        return _merge(spans)

    def _us(self, value: object, field: str) -> int:
        """
        Return the aware ``value`` as UTC epoch microseconds (refusing naive values).

        The fast path reads the day's UTC offset from a memo keyed by ``id(tzinfo)``:
        pendulum's ``Timezone.__hash__`` and ``ZoneInfo.utcoffset()`` on a datetime
        subclass each cost more than the whole deadline search. The memo entry holds the
        tzinfo itself, so its id cannot be reused by another object while it is cached.
        """
        if isinstance(value, dt.datetime):
            tz = value.tzinfo
            entry = self._zone_memos.get(id(tz))
            if entry is not None and entry[0] is tz:
                midnight = entry[1].get(value.toordinal())
                if midnight is not None:
                    return (
                        midnight
                        + (value.hour * 3600 + value.minute * 60 + value.second) * _US
                        + value.microsecond
                    )
        return self._us_slow(value, field)

    def _us_slow(self, value: object, field: str) -> int:
        t = _instant_us(value, field)  # refuses anything but an aware datetime
        tz = getattr(value, "tzinfo", None)
        if not isinstance(value, dt.datetime) or not isinstance(tz, _MEMO_ZONES):
            return t
        memos = self._zone_memos
        entry = memos.get(id(tz))
        if entry is None or entry[0] is not tz:
            if len(memos) >= _ZONE_MEMO_SIZE:
                memos.clear()
            entry = memos[id(tz)] = (tz, {}, {})
        days = entry[1]
        if len(days) >= _OFFSET_MEMO_SIZE:
            days.clear()
        ordinal = value.toordinal()
        offset = _day_offset(tz, ordinal)
        if offset is not None:
            days[ordinal] = (ordinal - _EPOCH_ORDINAL) * _DAY_US - offset
        return t

    def _local(self, tl: _Timeline, j: int, t: int) -> pendulum.DateTime:
        """
        Return ``t``, which lies in ``[open, close]`` of interval ``j``, in local time.
        """
        opening = tl.opens[j]
        if opening is not None:
            year, month, day, day_shift, _ = opening
            of_day = day_shift + tl.before[j] + t - tl.starts[j]
            if of_day < _DAY_US:
                # Floor divisions, not divmod(): this is the hot path of every deadline.
                sec = of_day // _US
                return _DateTime(
                    year,
                    month,
                    day,
                    sec // 3600,
                    sec // 60 % 60,
                    sec % 60,
                    of_day % _US,
                    self._zone,
                )
        return self._to_datetime(t)

    def _cover(self, lo: int, hi: int) -> _Timeline:
        tl = self._timeline
        if tl is not None and tl.lo <= lo and hi < tl.hi:
            return tl
        return self._extend(self._local_year(lo), self._local_year(hi))

    def _forward(self, tl: _Timeline, t: int, chunk: int) -> tuple[_Timeline, int]:
        idle_since = max(t, tl.ends[-1]) if tl.ends else t
        if tl.hi - idle_since > _HORIZON_US:
            raise NoWorkingTimeError(
                "Kalender kantor tidak memiliki jam kerja dalam dua tahun"
                f" setelah {self._to_datetime(idle_since).isoformat()}.",
                "The office calendar has no working time within two years"
                f" after {self._to_datetime(idle_since).isoformat()}.",
                details={"timezone": self._name},
            )
        if tl.last >= MAX_YEAR:
            raise self._beyond_range()
        return self._extend(tl.first, min(MAX_YEAR, tl.last + chunk)), chunk * 2

    def _beyond_range(self) -> InstantOutOfRangeError:
        return InstantOutOfRangeError(
            f"Hasilnya jatuh setelah tahun {MAX_YEAR}.",
            f"The result falls after the year {MAX_YEAR}.",
        )

    def _local_year(self, t: int) -> int:
        secs = t // _US
        try:
            return dt.datetime.fromtimestamp(secs, tz=self._zone).year
        except (OverflowError, OSError, ValueError):
            raise InstantOutOfRangeError(
                f"Waktu di luar rentang tahun {MIN_YEAR}-{MAX_YEAR}.",
                f"Instant outside the years {MIN_YEAR}-{MAX_YEAR}.",
            ) from None

    def _extend(self, first: int, last: int) -> _Timeline:
        if first < MIN_YEAR or last > MAX_YEAR:
            raise InstantOutOfRangeError(
                f"Waktu di luar rentang tahun {MIN_YEAR}-{MAX_YEAR}.",
                f"Instant outside the years {MIN_YEAR}-{MAX_YEAR}.",
                details={"first_year": first, "last_year": last},
            )
        with self._lock:
            tl = self._timeline
            if tl is not None:
                if tl.first <= first and last <= tl.last:
                    return tl
                lo, hi = min(first, tl.first), max(last, tl.last)
                # A far-away instant (a typo like 9026) gets a timeline of its own years
                # instead of every year in between; the years stay cached either way.
                if hi - lo < _MAX_SPAN_YEARS:
                    first, last = lo, hi
            for year in range(first, last + 1):
                if year not in self._years:
                    self._years[year] = self._build_year(year)
            tl = self._join(first, last)
            self._timeline = tl
            return tl

    def _build_year(self, year: int) -> _Year:
        zone = self._zone
        intervals: list[tuple[int, int]] = []
        provisional: list[tuple[int, int]] = []
        notable: list[tuple[int, int, DaySchedule]] = []
        day = dt.date(year, 1, 1)
        day_start = _local_us(day, dt.time(0), zone)
        while day.year == year:
            following = day + dt.timedelta(days=1)
            day_end = _local_us(following, dt.time(0), zone)
            schedule = self._calendar.schedule_for(day)
            for interval in sorted(schedule.intervals):
                s = _local_us(day, interval.start, zone)
                e = day_end if interval.end == dt.time(0) else _local_us(day, interval.end, zone)
                intervals.append((s, e))
            if schedule.provisional:
                provisional.append((day_start, day_end))
            if schedule.closures or schedule.note is not None:
                notable.append((day_start, day_end, schedule))
            day, day_start = following, day_end
        return _Year(tuple(_merge(intervals)), tuple(_merge(provisional)), tuple(notable))

    def _join(self, first: int, last: int) -> _Timeline:
        years = [self._years[y] for y in range(first, last + 1)]
        merged = _merge(i for y in years for i in y.intervals)
        before, after, total = [], [], 0
        for s, e in merged:
            before.append(total)
            total += e - s
            after.append(total)
        opens = tuple(self._opening(s, e, b) for (s, e), b in zip(merged, before, strict=True))
        prov = _merge(p for y in years for p in y.provisional)
        notable = [n for y in years for n in y.notable]
        return _Timeline(
            first=first,
            last=last,
            lo=_year_start_us(first, self._zone),
            hi=_year_start_us(last + 1, self._zone),
            starts=tuple(s for s, _ in merged),
            ends=tuple(e for _, e in merged),
            before=tuple(before),
            after=tuple(after),
            shifts=tuple(s - b for (s, _), b in zip(merged, before, strict=True)),
            opens=opens,
            prov_starts=tuple(s for s, _ in prov),
            prov_ends=tuple(e for _, e in prov),
            notable_ends=tuple(e for _, e, _ in notable),
            notable=tuple(notable),
        )

    def _opening(self, start: int, end: int, before: int) -> tuple[int, int, int, int, int] | None:
        first, last = self._to_datetime(start), self._to_datetime(end - 1)
        if first.date() != last.date() or first.utcoffset() != last.utcoffset():
            return None
        sod = ((first.hour * 60 + first.minute) * 60 + first.second) * _US + first.microsecond
        return first.year, first.month, first.day, sod - before, start - before

    def _to_datetime(self, t: int) -> pendulum.DateTime:
        secs, micro = divmod(t, _US)
        try:
            local = dt.datetime.fromtimestamp(secs, tz=self._zone)
        except (OverflowError, OSError, ValueError):
            raise self._beyond_range() from None
        return pendulum.DateTime(
            local.year,
            local.month,
            local.day,
            local.hour,
            local.minute,
            local.second,
            micro,
            tzinfo=self._zone,
            fold=local.fold,
        )


def _day_offset(tz: dt.tzinfo, ordinal: int) -> int | None:
    """
    Return ``tz``'s UTC offset in microseconds on the local date ``ordinal``, or ``None``
    when it differs anywhere in that day (a DST change) or the zone gives none (naive).

    Probed at every hour and at the last microsecond, in both folds: offsets change at
    most a few times a year, never twice within an hour.
    """
    try:
        day = dt.date.fromordinal(ordinal)
        probes = [dt.datetime.combine(day, dt.time(h), tzinfo=tz) for h in range(24)]
        probes.append(dt.datetime.combine(day, dt.time.max, tzinfo=tz))
        seen = {p.replace(fold=f).utcoffset() for p in probes for f in (0, 1)}
    except (OverflowError, ValueError):
        return None
    if len(seen) != 1:
        return None
    (offset,) = seen
    return None if offset is None else dt.timedelta.__floordiv__(offset, _ONE_US)


def _local_us(day: dt.date, time: dt.time, zone: dt.tzinfo) -> int:
    return _instant_us(dt.datetime.combine(day, time, tzinfo=zone), "day")


def _year_start_us(year: int, zone: dt.tzinfo) -> int:
    return _local_us(dt.date(year, 1, 1), dt.time(0), zone)
