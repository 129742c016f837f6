"""
The Indonesian working calendar behind workalendar's ``Calendar`` interface.

For systems that already count working days with workalendar:
:class:`IndonesianWorkalendar` wraps an
:class:`~layanan_aduan.domain.calendar.OfficeCalendar`, so ``is_working_day``,
``is_holiday``, ``holidays(year)``, ``add_working_days``, ``sub_working_days`` and
``get_working_days_delta`` answer with the office's weekends, libur nasional, cuti
bersama and overrides (a reopened day is a working day; special hours that open a
Saturday make it one).

Like every workalendar calendar it counts whole **dates**: a datetime counts by its own
date. For instants and hours use the working-time engine.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from itertools import groupby
from typing import Any

from workalendar.core import SAT, SUN, Calendar, cleaned_date

from layanan_aduan.domain.calendar import OfficeCalendar
from layanan_aduan.exceptions import ValidationError

__all__ = ["IndonesianWorkalendar"]


def _dates(days: Iterable[Any] | None) -> frozenset[dt.date]:
    return frozenset(cleaned_date(d) for d in days) if days else frozenset()


class IndonesianWorkalendar(Calendar):  # type: ignore[misc]  # workalendar is untyped
    """
    Indonesia (government office): weekends, libur nasional, cuti bersama.

    Args:
        calendar: The office calendar to answer from; by default
            :func:`~layanan_aduan.adapters.holidays_id.indonesian_calendar` (built
            when the object is, not at import).
        language: ``"id"`` (default) for Indonesian holiday labels, ``"en"`` for English.

    ``holidays(year)`` lists each closed date that is not a weekend once, its names joined
    by ``"; "``, and needs its ``year`` (workalendar's default, the current year, would
    read the wall clock, which this library never does).

    >>> import datetime as dt
    >>> cal = IndonesianWorkalendar()
    >>> cal.is_working_day(dt.date(2026, 1, 16))
    False
    >>> cal.add_working_days(dt.date(2026, 1, 15), 1)
    datetime.date(2026, 1, 19)
    >>> cal.get_working_days_delta(dt.date(2026, 1, 1), dt.date(2026, 1, 31))
    20
    >>> cal.get_holiday_label(dt.date(2025, 8, 18))
    'Cuti Bersama Hari Kemerdekaan Republik Indonesia'
    """

    WEEKEND_DAYS = (SAT, SUN)
    include_new_years_day = False

    def __init__(self, calendar: OfficeCalendar | None = None, *, language: str = "id") -> None:
        super().__init__()
        if calendar is None:
            from layanan_aduan.adapters.holidays_id import indonesian_calendar

            calendar = indonesian_calendar()
        if language not in ("id", "en"):
            raise ValidationError(
                f"Bahasa {language!r} tidak didukung; pilih 'id' atau 'en'.",
                f"Language {language!r} is not supported; choose 'id' or 'en'.",
                code="unsupported_language",
                field="language",
            )
        self.calendar = calendar
        self.language = language

    def __repr__(self) -> str:
        return f"IndonesianWorkalendar(calendar={self.calendar!r}, language={self.language!r})"

    def get_weekend_days(self) -> tuple[int, ...]:
        """
        The weekdays the office's ordinary week closes (Monday is 0).
        """
        return tuple(i for i, hours in enumerate(self.calendar.schedule.weekly) if not hours)

    def get_calendar_holidays(self, year: int) -> list[tuple[dt.date, str]]:
        """
        The year's closed dates other than weekends, with their names.
        """
        found = []
        for day, group in groupby(self.calendar.non_working_days(year), key=lambda d: d.date):
            names = [d.name if self.language == "id" else d.name_en for d in group]
            found.append((day, "; ".join(dict.fromkeys(names))))
        return found

    def holidays(self, year: int | None = None) -> list[tuple[dt.date, str]]:
        """
        The year's closed dates other than weekends, sorted, as ``(date, label)``.

        Raises:
            ValidationError: ``year_required`` when no year is given.
        """
        if not year:
            raise ValidationError(
                "Tahun wajib diberikan: pustaka ini tidak membaca jam sistem.",
                "A year is required: this library does not read the system clock.",
                code="year_required",
                field="year",
            )
        result: list[tuple[dt.date, str]] = super().holidays(year)
        return result

    def is_working_day(
        self,
        day: dt.date,
        extra_working_days: Iterable[dt.date] | None = None,
        extra_holidays: Iterable[dt.date] | None = None,
    ) -> bool:
        """
        True when the office is open on ``day``.

        ``extra_working_days`` win over ``extra_holidays``, which win over the calendar,
        as in workalendar.
        """
        day = cleaned_date(day)
        if day in _dates(extra_working_days):
            return True
        if day in _dates(extra_holidays):
            return False
        return self.calendar.is_working_day(day)
