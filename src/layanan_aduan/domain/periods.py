"""
Reporting periods: a day, a week, a month, a quarter or a year in the office's time zone.

A :class:`Period` is the half-open span ``[start, end)`` of local calendar time: a report
belongs to the period that contains the instant it was received, so a report received at
15:59:59 on the last working day of a month belongs to that month, and one received at
00:00 on the first of the next month to the next. Weeks start on Monday (ISO 8601).

>>> import pendulum
>>> at = pendulum.datetime(2026, 1, 30, 15, 59, tz="Asia/Jakarta")
>>> month = Period.containing(PeriodKind.MONTH, at, "Asia/Jakarta")
>>> month.label, month.start.isoformat(), month.end.isoformat()
('2026-01', '2026-01-01T00:00:00+07:00', '2026-02-01T00:00:00+07:00')
>>> month.previous().label, month.contains(at), month.contains(month.end)
('2025-12', True, False)
>>> Period.containing(PeriodKind.QUARTER, at, "Asia/Jakarta").label
'2026-Q1'
>>> [p.label for p in Period.containing(PeriodKind.MONTH, at, "Asia/Jakarta").parts()][:2]
['2026-W01', '2026-W02']
"""

from __future__ import annotations

import datetime as dt
import enum

import attrs
import pendulum

from layanan_aduan.exceptions import ValidationError

__all__ = ["Period", "PeriodKind"]


class PeriodKind(enum.StrEnum):
    """
    How long a reporting period is.
    """

    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"

    @property
    def label(self) -> str:
        """
        The Indonesian name (hari, minggu, bulan, kuartal, tahun).
        """
        return _LABELS[self]

    @classmethod
    def from_label(cls, text: str) -> PeriodKind:
        """
        The kind named in Indonesian (``bulan``) or English (``month``).

        Raises:
            ValidationError: code ``invalid_period`` for any other name.
        """
        for kind in cls:
            if text in (kind.value, kind.label):
                return kind
        raise ValidationError(
            f"Periode tidak dikenal: {text[:20]!r} (hari, minggu, bulan, kuartal, tahun).",
            f"Unknown period: {text[:20]!r} (day, week, month, quarter, year).",
            code="invalid_period",
            field="period",
        )


_LABELS = {
    PeriodKind.DAY: "hari",
    PeriodKind.WEEK: "minggu",
    PeriodKind.MONTH: "bulan",
    PeriodKind.QUARTER: "kuartal",
    PeriodKind.YEAR: "tahun",
}

# The shorter periods a period's compliance chart is drawn in.
_PARTS = {
    PeriodKind.DAY: None,
    PeriodKind.WEEK: PeriodKind.DAY,
    PeriodKind.MONTH: PeriodKind.WEEK,
    PeriodKind.QUARTER: PeriodKind.WEEK,
    PeriodKind.YEAR: PeriodKind.MONTH,
}


def _first_day(kind: PeriodKind, day: dt.date) -> dt.date:
    if kind is PeriodKind.DAY:
        return day
    if kind is PeriodKind.WEEK:
        return day - dt.timedelta(days=day.weekday())
    if kind is PeriodKind.MONTH:
        return day.replace(day=1)
    if kind is PeriodKind.QUARTER:
        return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    return dt.date(day.year, 1, 1)


def _next_day(kind: PeriodKind, first: dt.date) -> dt.date:
    if kind is PeriodKind.DAY:
        return first + dt.timedelta(days=1)
    if kind is PeriodKind.WEEK:
        return first + dt.timedelta(days=7)
    months = {PeriodKind.MONTH: 1, PeriodKind.QUARTER: 3, PeriodKind.YEAR: 12}[kind]
    index = first.year * 12 + first.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def _midnight(day: dt.date, timezone: str) -> pendulum.DateTime:
    return pendulum.datetime(day.year, day.month, day.day, tz=timezone)


@attrs.frozen
class Period:
    """
    A reporting period: the local calendar span ``[start, end)`` in ``timezone``.

    Made by :meth:`containing`; ``start`` and ``end`` are local midnights.
    """

    kind: PeriodKind
    start: pendulum.DateTime
    end: pendulum.DateTime
    timezone: str

    @classmethod
    def containing(cls, kind: PeriodKind, instant: dt.datetime, timezone: str) -> Period:
        """
        The period of ``kind`` that contains ``instant`` (read in ``timezone``).
        """
        local = pendulum.instance(instant).in_timezone(timezone)
        first = _first_day(kind, local.date())
        return cls._of(kind, first, timezone)

    @classmethod
    def _of(cls, kind: PeriodKind, first: dt.date, timezone: str) -> Period:
        start = _midnight(first, timezone)
        return cls(kind, start, _midnight(_next_day(kind, first), timezone), timezone)

    def contains(self, instant: dt.datetime) -> bool:
        """
        True when ``start <= instant < end``.
        """
        return self.start <= instant < self.end

    def previous(self) -> Period:
        """
        The period of the same kind just before this one.
        """
        return Period.containing(self.kind, self.start.subtract(days=1), self.timezone)

    def parts(self) -> tuple[Period, ...]:
        """
        The shorter periods the compliance chart shows: days of a week, weeks of a month or
        quarter (the first and last may reach outside it), months of a year; a day has none.
        """
        kind = _PARTS[self.kind]
        if kind is None:
            return ()
        parts = [Period.containing(kind, self.start, self.timezone)]
        while parts[-1].end < self.end:
            parts.append(Period._of(kind, parts[-1].end.date(), self.timezone))
        return tuple(parts)

    @property
    def label(self) -> str:
        """
        A short stable name: ``2026-01-09``, ``2026-W02`` (ISO week), ``2026-01``, ``2026-Q1``,
        ``2026``.
        """
        s = self.start
        if self.kind is PeriodKind.DAY:
            return s.format("YYYY-MM-DD")
        if self.kind is PeriodKind.WEEK:
            year, week, _ = s.date().isocalendar()
            return f"{year}-W{week:02d}"
        if self.kind is PeriodKind.MONTH:
            return s.format("YYYY-MM")
        if self.kind is PeriodKind.QUARTER:
            return f"{s.year}-Q{(s.month - 1) // 3 + 1}"
        return str(s.year)

    def to_dict(self) -> dict[str, str]:
        """
        The period as JSON values (instants in ISO 8601 with the office's offset).
        """
        return {
            "kind": self.kind.value,
            "label": self.label,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "timezone": self.timezone,
        }
