"""
The fingerprint of a working calendar: a stable hex digest of everything its answers rest on.

A stored SLA projection records the fingerprint of the calendar it was computed with, so the
desk can tell which stored deadlines an other calendar would place elsewhere (see
:mod:`layanan_aduan.service_layer.reprojection`). The fingerprint of an
:class:`~layanan_aduan.domain.calendar.OfficeCalendar` covers:

- the office's week (every interval of every weekday) and its time zone;
- the :class:`~layanan_aduan.domain.calendar.DataPolicy`;
- the holiday source's data: its ``data_version`` when it has one (python-holidays' version
  and a digest of the shipped decree table, for
  :class:`~layanan_aduan.adapters.holidays_id.PythonHolidaysSource`), else a digest of its
  answers for the years :data:`CONTENT_YEARS`;
- the overrides: closed days (date, kind, names, legal basis), reopened days and their reasons,
  special hours, decreed years.

It is a SHA-256 over canonical JSON (sorted keys, no set or hash order), so two processes,
machines or Python versions give the same digest for the same calendar.

>>> import datetime as dt
>>> from layanan_aduan.domain.calendar import (
...     DEFAULT_OFFICE_SCHEDULE, DayKind, NonWorkingDay, OfficeCalendar, Overrides, YearHolidays,
... )
>>> class NoHolidays:
...     data_version = "none"
...     def non_working_days(self, year):
...         return YearHolidays(year, (), decreed=True)
>>> plain = OfficeCalendar(DEFAULT_OFFICE_SCHEDULE, NoHolidays())
>>> leave = NonWorkingDay(dt.date(2025, 8, 18), DayKind.JOINT_LEAVE, "Cuti bersama", "Leave")
>>> closed = OfficeCalendar(DEFAULT_OFFICE_SCHEDULE, NoHolidays(), Overrides(closed=[leave]))
>>> len(calendar_fingerprint(plain)), calendar_fingerprint(plain) == calendar_fingerprint(closed)
(64, False)
>>> calendar_fingerprint(plain) == calendar_fingerprint(
...     OfficeCalendar(DEFAULT_OFFICE_SCHEDULE, NoHolidays()))
True
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from layanan_aduan.domain.calendar import (
    HolidaySource,
    NonWorkingDay,
    OfficeCalendar,
    Overrides,
    WorkingCalendar,
    WorkingInterval,
)

__all__ = ["CONTENT_YEARS", "FINGERPRINT_FORMAT", "calendar_fingerprint", "source_version"]

FINGERPRINT_FORMAT = 1
"""Bumped when what the fingerprint covers changes (every open report is then re-projected)."""

CONTENT_YEARS = range(1990, 2101)
"""The years whose answers identify a holiday source that names no ``data_version``."""


def _digest(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, ensure_ascii=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("ascii")).hexdigest()


def _hours(intervals: tuple[WorkingInterval, ...] | None) -> list[str] | None:
    return None if intervals is None else [i.isoformat() for i in intervals]


def _day(day: NonWorkingDay) -> list[Any]:
    return [
        day.date.isoformat(),
        day.kind.value,
        day.name,
        day.name_en,
        day.legal_basis,
        day.estimated,
    ]


def _overrides(overrides: Overrides) -> dict[str, Any]:
    return {
        "closed": [_day(d) for d in overrides.closed],
        "reopened": [[r.date.isoformat(), r.reason] for r in overrides.reopened],
        # Order matters: a later range wins over an earlier one on the dates both cover.
        "special_hours": [
            [
                s.start.isoformat(),
                s.end.isoformat(),
                s.note,
                _hours(s.days),
                [_hours(w) for w in s.weekdays],
            ]
            for s in overrides.special_hours
        ],
        "decreed_years": sorted(overrides.decreed_years),
    }


def source_version(source: HolidaySource) -> str:
    """
    What identifies the data of a holiday source: its ``data_version`` (a non-empty string)
    when it names one, else a digest of its answers for :data:`CONTENT_YEARS`.

    A source's ``data_version`` must change whenever any of its answers does (a new data
    release, a decree added for a year that was provisional).
    """
    version = getattr(source, "data_version", None)
    if isinstance(version, str) and version:
        return version
    years = [source.non_working_days(y) for y in CONTENT_YEARS]
    return "content:" + _digest([[y.year, y.decreed, [_day(d) for d in y.days]] for y in years])


def calendar_fingerprint(calendar: WorkingCalendar) -> str | None:
    """
    The fingerprint (64 lowercase hex digits) of ``calendar``, or ``None`` when it cannot be
    known: a calendar that is neither an :class:`OfficeCalendar` nor names its own
    ``fingerprint``.
    """
    if not isinstance(calendar, OfficeCalendar):
        own = getattr(calendar, "fingerprint", None)
        return own if isinstance(own, str) and own else None
    schedule = calendar.schedule
    return _digest(
        {
            "format": FINGERPRINT_FORMAT,
            "timezone": schedule.timezone,
            "weekly": [_hours(day) for day in schedule.weekly],
            "policy": calendar.policy.value,
            "source": source_version(calendar.source),
            "overrides": _overrides(calendar.overrides),
        }
    )
