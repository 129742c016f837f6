"""
Values of the working calendar, and the port the working-time engine reads.

A day's working time is a tuple of half-open intervals of local wall-clock time,
``[start, end)``: with the default 08:00-16:00 schedule an instant at 08:00:00 is
inside working time and one at 16:00:00 is not.

This module is the contract between the calendar (which days are closed, and why;
special hours) and the working-time engine (:mod:`layanan_aduan.domain.worktime`).
"""

from __future__ import annotations

import datetime as dt
import enum
import itertools
from typing import Protocol, runtime_checkable

import attrs

__all__ = [
    "DEFAULT_OFFICE_SCHEDULE",
    "DayKind",
    "DaySchedule",
    "NonWorkingDay",
    "OfficeSchedule",
    "WorkingCalendar",
    "WorkingInterval",
]


class DayKind(enum.Enum):
    """
    Why a day is not a working day.
    """

    WEEKEND = "weekend"
    NATIONAL_HOLIDAY = "national_holiday"
    JOINT_LEAVE = "joint_leave"
    LOCAL_OVERRIDE = "local_override"

    @property
    def label(self) -> str:
        """
        The Indonesian name of the kind, as the service standard says it.
        """
        return _KIND_LABELS[self][0]

    @property
    def label_en(self) -> str:
        """
        The English name of the kind.
        """
        return _KIND_LABELS[self][1]


_KIND_LABELS = {
    DayKind.WEEKEND: ("akhir pekan", "weekend"),
    DayKind.NATIONAL_HOLIDAY: ("libur nasional", "national holiday"),
    DayKind.JOINT_LEAVE: ("cuti bersama", "joint leave"),
    DayKind.LOCAL_OVERRIDE: ("libur lokal", "local override"),
}


@attrs.frozen
class NonWorkingDay:
    """
    One reason a date is closed.

    Attributes:
        date: The closed date (local to the office).
        kind: Weekend, national holiday, joint leave (cuti bersama) or a local override.
        name: Indonesian name, e.g. ``"Isra Mikraj Nabi Muhammad SAW"``.
        name_en: English name.
        legal_basis: The decree that makes the day closed, or ``None`` (weekends).
        estimated: True when the date itself is not yet fixed by a decree (e.g. an
            Islamic date computed ahead), so results that depend on it are provisional.
    """

    date: dt.date
    kind: DayKind
    name: str
    name_en: str
    legal_basis: str | None = None
    estimated: bool = False


def _check_interval(instance: WorkingInterval, _a: attrs.Attribute[dt.time], end: dt.time) -> None:
    if instance.start.tzinfo is not None or end.tzinfo is not None:
        raise ValueError("working intervals are local wall-clock times without tzinfo")
    if not (instance.start < end or end == dt.time(0)):
        raise ValueError(f"interval start {instance.start} must be before its end {end}")


@attrs.frozen(order=True)
class WorkingInterval:
    """
    Half-open interval ``[start, end)`` of local wall-clock time on one day.

    ``end == time(0)`` means midnight at the end of the day.
    """

    start: dt.time
    end: dt.time = attrs.field(validator=_check_interval)

    @property
    def seconds(self) -> int:
        """
        Length of the interval in seconds.
        """
        end = 86_400 if self.end == dt.time(0) else _secs(self.end)
        return end - _secs(self.start)


def _secs(t: dt.time) -> int:
    return t.hour * 3600 + t.minute * 60 + t.second


@attrs.frozen
class DaySchedule:
    """
    The working time of one local date.

    Attributes:
        date: The local date.
        intervals: Sorted, non-overlapping working intervals; empty on a closed day.
        closures: Why the day is closed (may hold several reasons, e.g. a holiday on a
            Sunday); empty on a working day.
        provisional: True when the answer rests on data not yet fixed by a decree
            (a year with no decree yet, or an estimated date).
        note: Why the hours differ from the weekly schedule (special hours), if they do.
    """

    date: dt.date
    intervals: tuple[WorkingInterval, ...]
    closures: tuple[NonWorkingDay, ...] = ()
    provisional: bool = False
    note: str | None = None

    @property
    def is_working_day(self) -> bool:
        """
        True when the office is open at some time on this date.
        """
        return bool(self.intervals)


def _weekly_default() -> tuple[tuple[WorkingInterval, ...], ...]:
    day = (WorkingInterval(dt.time(8), dt.time(16)),)
    return (day, day, day, day, day, (), ())


@attrs.frozen
class OfficeSchedule:
    """
    An office's ordinary week.

    Attributes:
        timezone: IANA time zone of the office (``Asia/Jakarta`` WIB, ``Asia/Makassar``
            WITA, ``Asia/Jayapura`` WIT).
        weekly: Seven tuples of working intervals, Monday first. Several intervals a day
            model a break.
    """

    timezone: str = "Asia/Jakarta"
    weekly: tuple[tuple[WorkingInterval, ...], ...] = attrs.field(factory=_weekly_default)

    @weekly.validator
    def _check_weekly(
        self, _a: attrs.Attribute[object], value: tuple[tuple[WorkingInterval, ...], ...]
    ) -> None:
        if len(value) != 7:
            raise ValueError("weekly needs seven days, Monday first")
        for day in value:
            for a, b in itertools.pairwise(day):
                if not (a.end != dt.time(0) and a.end <= b.start):
                    raise ValueError("a day's intervals must be sorted and must not overlap")


DEFAULT_OFFICE_SCHEDULE = OfficeSchedule()
"""08:00-16:00 Monday to Friday, Asia/Jakarta (WIB): the Kejari Jakarta Pusat standard."""


@runtime_checkable
class WorkingCalendar(Protocol):
    """
    Port: what the working-time engine needs to know of a calendar.

    ``schedule_for`` must be a pure function of its date for the life of the object
    (the engine caches its answers). Under a strict policy it raises
    :class:`layanan_aduan.exceptions.CalendarError` for a date whose year has no
    decreed data; under the default policy it answers with ``provisional=True``.
    """

    @property
    def timezone(self) -> str:
        """
        IANA time zone of the office.
        """
        ...

    def schedule_for(self, day: dt.date) -> DaySchedule:
        """
        Return the working time of the local date ``day``.
        """
        ...
