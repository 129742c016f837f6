"""
Values of the working calendar, and the port the working-time engine reads.

A day's working time is a tuple of half-open intervals of local wall-clock time,
``[start, end)``: with the default 08:00-16:00 schedule an instant at 08:00:00 is
inside working time and one at 16:00:00 is not.

This module is the contract between the calendar (which days are closed, and why;
special hours) and the working-time engine (:mod:`layanan_aduan.domain.worktime`).
It also holds the calendar itself, :class:`OfficeCalendar`: an office's weekly
schedule, a :class:`HolidaySource` port (national holidays and cuti bersama, e.g.
:class:`layanan_aduan.adapters.holidays_id.PythonHolidaysSource`), the operator's
:class:`Overrides` and a :class:`DataPolicy` for years with no decree yet.
"""

from __future__ import annotations

import datetime as dt
import enum
import itertools
import re
import unicodedata
from collections.abc import Iterable
from typing import Protocol, runtime_checkable

import attrs

from layanan_aduan.exceptions import CalendarDataMissingError, OverridesError, ValidationError

__all__ = [
    "DEFAULT_OFFICE_SCHEDULE",
    "DataPolicy",
    "DayKind",
    "DaySchedule",
    "HolidaySource",
    "NonWorkingDay",
    "OfficeCalendar",
    "OfficeSchedule",
    "Overrides",
    "Reopening",
    "SpecialHours",
    "WorkingCalendar",
    "WorkingInterval",
    "YearHolidays",
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

    @classmethod
    def parse(cls, text: str) -> WorkingInterval:
        """
        Parse ``"HH:MM-HH:MM"`` (seconds optional; ``.`` also separates hours and minutes,
        as Indonesian texts write ``08.00``; an end of ``24:00`` is midnight).

        Raises:
            ValidationError: ``invalid_interval`` when the text is not such an interval or
                its start is not before its end.

        >>> WorkingInterval.parse("08.00-15.30")
        WorkingInterval(start=datetime.time(8, 0), end=datetime.time(15, 30))
        >>> WorkingInterval.parse("16:00-24:00").seconds
        28800
        """
        m = _INTERVAL_RE.fullmatch(text.strip()) if isinstance(text, str) else None
        if m is None:
            raise _interval_error(text)
        h1, m1, s1, h2, m2, s2 = (int(g) if g else 0 for g in m.groups())
        if h1 > 23 or m1 > 59 or s1 > 59 or m2 > 59 or s2 > 59 or h2 > 24:
            raise _interval_error(text)
        if h2 == 24:
            if m2 or s2:
                raise _interval_error(text)
            h2 = 0
        try:
            return cls(dt.time(h1, m1, s1), dt.time(h2, m2, s2))
        except ValueError:
            raise _interval_error(text) from None

    def isoformat(self) -> str:
        """
        The interval as ``parse`` reads it, e.g. ``"08:00-16:00"`` (midnight end: ``24:00``).

        >>> WorkingInterval(dt.time(8), dt.time(0)).isoformat()
        '08:00-24:00'
        """
        end = "24:00" if self.end == dt.time(0) else _hhmm(self.end)
        return f"{_hhmm(self.start)}-{end}"


_INTERVAL_RE = re.compile(
    r"(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?\s*[-\u2013]\s*(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?",
    re.ASCII,
)


def _hhmm(t: dt.time) -> str:
    return t.strftime("%H:%M:%S" if t.second else "%H:%M")


def _interval_error(text: object) -> ValidationError:
    shown = repr(text)[:40]
    return ValidationError(
        f"Jam kerja {shown} tidak valid: tulis seperti '08:00-16:00' (awal sebelum akhir).",
        f"Working hours {shown} are not valid: write them like '08:00-16:00' (start before end).",
        code="invalid_interval",
    )


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


# --- the calendar -----------------------------------------------------------------------------


class DataPolicy(enum.Enum):
    """
    What the calendar does with a year that has no decreed data yet.

    Attributes:
        PROVISIONAL: Compute with what is known (weekends, the holidays the source
            already has, the operator's overrides) and mark every answer that rests on
            such a year, or on an estimated date, ``provisional=True``. The default.
        STRICT: Refuse: raise :class:`~layanan_aduan.exceptions.CalendarDataMissingError`
            wherever the answer would be provisional.
    """

    PROVISIONAL = "provisional"
    STRICT = "strict"


def _by_date(days: Iterable[NonWorkingDay]) -> tuple[NonWorkingDay, ...]:
    return tuple(sorted(days, key=lambda d: d.date))


@attrs.frozen
class YearHolidays:
    """
    One year's national holidays and cuti bersama, as a :class:`HolidaySource` knows them.

    Attributes:
        year: The year.
        days: The year's libur nasional and cuti bersama, sorted by date (never weekends;
            a date may appear more than once when two holidays fall on it).
        decreed: True when the year's joint decree (SKB) is known to the source, so the
            list is final; False for a year with no decree data yet.
    """

    year: int
    days: tuple[NonWorkingDay, ...] = attrs.field(default=(), converter=_by_date)
    decreed: bool = False

    @days.validator
    def _check_days(self, _a: attrs.Attribute[object], value: tuple[NonWorkingDay, ...]) -> None:
        for day in value:
            if day.date.year != self.year:
                raise ValueError(f"{day.date} is not in {self.year}")
            if day.kind is DayKind.WEEKEND:
                raise ValueError("a holiday source lists holidays, not weekends")


@runtime_checkable
class HolidaySource(Protocol):
    """
    Port: where the national holidays and cuti bersama of a year come from.

    The adapter for Indonesia is
    :class:`layanan_aduan.adapters.holidays_id.PythonHolidaysSource`. An implementation
    must answer every year from 1 to 9999 without error (an empty, undecreed
    :class:`YearHolidays` where it knows nothing), and give the same answer for the same
    year for the life of the object.
    """

    def non_working_days(self, year: int) -> YearHolidays:
        """
        Return the year's holidays and cuti bersama (not its weekends).
        """
        ...


Intervals = tuple[WorkingInterval, ...]
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WEEKDAY_NAMES = (
    ("Senin", "Monday"),
    ("Selasa", "Tuesday"),
    ("Rabu", "Wednesday"),
    ("Kamis", "Thursday"),
    ("Jumat", "Friday"),
    ("Sabtu", "Saturday"),
    ("Minggu", "Sunday"),
)


def _overrides_error(code: str, field: str | None, message: str, message_en: str) -> OverridesError:
    return OverridesError(message, message_en, code=code, field=field)


def _check_intervals(value: Intervals, field: str) -> None:
    if not value:
        raise _overrides_error(
            "empty_hours",
            field,
            "Jam khusus tidak boleh kosong; untuk menutup kantor gunakan [closed].",
            "Special hours must not be empty; to close the office use [closed].",
        )
    for a, b in itertools.pairwise(value):
        if not (a.end != dt.time(0) and a.end <= b.start):
            raise _overrides_error(
                "overlapping_intervals",
                field,
                "Jam kerja dalam satu hari harus berurutan dan tidak tumpang tindih.",
                "A day's working intervals must be sorted and must not overlap.",
            )


def _to_intervals(value: Intervals | Iterable[WorkingInterval | str] | str) -> Intervals:
    items = [value] if isinstance(value, str) else list(value)
    return tuple(WorkingInterval.parse(v) if isinstance(v, str) else v for v in items)


def _check_text(value: str | None, field: str, what: str, what_en: str) -> None:
    if not isinstance(value, str) or not value.strip():
        raise _overrides_error(
            "empty_text",
            field,
            f"{what} wajib diisi.",
            f"{what_en} is required.",
        )
    # Texts end up on one line of CLI output and in TOML files: no control characters,
    # no lone surrogates (which cannot be written as UTF-8).
    if any(unicodedata.category(c) in ("Cc", "Cs") for c in value):
        raise _overrides_error(
            "invalid_text",
            field,
            f"{what} memuat karakter kendali yang tidak diizinkan.",
            f"{what_en} contains control characters, which are not allowed.",
        )


@attrs.frozen
class SpecialHours:
    """
    Working hours that replace the weekly schedule for a range of dates.

    The range ``[start, end]`` is inclusive. ``weekdays`` gives intervals per weekday
    (Monday first; ``None`` keeps the weekly hours of that weekday); ``days`` gives one
    set of intervals for every other weekday that is ordinarily open (so a Ramadan range
    never opens a weekend). A weekday given explicitly is open in the range even when the
    week ordinarily closes it. Closed days (holidays, cuti bersama, ``[closed]``
    overrides) stay closed: special hours change hours, not closures.

    Build one from strings with :meth:`of`.

    Attributes:
        start: First date of the range.
        end: Last date of the range (inclusive).
        note: Why the hours differ, in Indonesian (shown as ``DaySchedule.note``).
        days: Intervals for every ordinarily open weekday not in ``weekdays``.
        weekdays: Seven entries, Monday first: intervals, or ``None``.
    """

    start: dt.date
    end: dt.date
    note: str
    days: Intervals | None = None
    weekdays: tuple[Intervals | None, ...] = (None,) * 7

    def __attrs_post_init__(self) -> None:
        if self.start > self.end:
            raise _overrides_error(
                "invalid_range",
                "to",
                f"Rentang jam khusus terbalik: {self.start} sesudah {self.end}.",
                f"Special-hours range is reversed: {self.start} is after {self.end}.",
            )
        _check_text(self.note, "note", "Keterangan (note) jam khusus", "The special-hours note")
        if len(self.weekdays) != 7:
            raise ValueError("weekdays needs seven entries, Monday first")
        if self.days is None and all(w is None for w in self.weekdays):
            raise _overrides_error(
                "missing_hours",
                None,
                "Jam khusus perlu 'days' atau jam per hari (monday, tuesday, ...).",
                "Special hours need 'days' or hours per weekday (monday, tuesday, ...).",
            )
        if self.days is not None:
            _check_intervals(self.days, "days")
        for name, hours in zip(_WEEKDAYS, self.weekdays, strict=True):
            if hours is not None:
                _check_intervals(hours, name)

    @classmethod
    def of(
        cls,
        start: dt.date,
        end: dt.date,
        note: str,
        *,
        days: Iterable[WorkingInterval | str] | str | None = None,
        **weekdays: Iterable[WorkingInterval | str] | str,
    ) -> SpecialHours:
        """
        Build special hours from interval strings, e.g. ``friday="08:00-15:30"``.

        Raises:
            ValidationError: An interval is not valid, or a keyword is not a weekday.

        >>> import datetime as dt
        >>> ramadan = SpecialHours.of(
        ...     dt.date(2026, 2, 19), dt.date(2026, 3, 19), "Jam kerja Ramadan",
        ...     days="08:00-15:00", friday="08:00-15:30",
        ... )
        >>> week = DEFAULT_OFFICE_SCHEDULE.weekly
        >>> monday, friday, saturday = (dt.date(2026, 2, d) for d in (23, 27, 28))
        >>> [i.isoformat() for i in ramadan.intervals_for(monday, week[0])]
        ['08:00-15:00']
        >>> [i.isoformat() for i in ramadan.intervals_for(friday, week[4])]
        ['08:00-15:30']
        >>> ramadan.intervals_for(saturday, week[5]) is None  # not ordinarily open: unchanged
        True
        """
        unknown = sorted(set(weekdays) - set(_WEEKDAYS))
        if unknown:
            raise _overrides_error(
                "unknown_key",
                unknown[0],
                f"Hari {unknown[0]!r} tidak dikenal; pakai monday ... sunday atau days.",
                f"Unknown day {unknown[0]!r}; use monday ... sunday or days.",
            )
        return cls(
            start,
            end,
            note,
            days=None if days is None else _to_intervals(days),
            weekdays=tuple(
                _to_intervals(weekdays[w]) if w in weekdays else None for w in _WEEKDAYS
            ),
        )

    def covers(self, day: dt.date) -> bool:
        """
        True when ``day`` lies in ``[start, end]``.
        """
        return self.start <= day <= self.end

    def intervals_for(self, day: dt.date, ordinary: Intervals) -> Intervals | None:
        """
        The hours of ``day`` under these special hours, given its ordinary weekly hours.

        ``None`` when these special hours do not change that day (outside the range, or a
        weekday neither named nor ordinarily open).
        """
        if not self.covers(day):
            return None
        explicit = self.weekdays[day.weekday()]
        if explicit is not None:
            return explicit
        if self.days is not None and ordinary:
            return self.days
        return None


@attrs.frozen
class Reopening:
    """
    A decreed non-working day on which the office works after all.

    Attributes:
        date: The date.
        reason: Why, in Indonesian (e.g. the revision that deleted a cuti bersama).
    """

    date: dt.date
    reason: str

    def __attrs_post_init__(self) -> None:
        _check_text(self.reason, f"reopened.{self.date}", "Alasan pembukaan", "The reason")


def _check_unique(dates: Iterable[dt.date], table: str) -> None:
    seen: set[dt.date] = set()
    for d in dates:
        if d in seen:
            raise _overrides_error(
                "duplicate_date",
                f"{table}.{d}",
                f"Tanggal {d} tercantum dua kali di [{table}].",
                f"Date {d} is listed twice in [{table}].",
            )
        seen.add(d)


def _by_reopen_date(items: Iterable[Reopening]) -> tuple[Reopening, ...]:
    return tuple(sorted(items, key=lambda r: r.date))


def _special_tuple(items: Iterable[SpecialHours]) -> tuple[SpecialHours, ...]:
    return tuple(items)


def _year_set(items: Iterable[int]) -> frozenset[int]:
    return frozenset(items)


@attrs.frozen
class Overrides:
    """
    An operator's changes to the calendar, without a library upgrade.

    Read them from TOML with :func:`layanan_aduan.domain.overrides.parse_overrides`, or
    build them in code and combine them with :meth:`merge`.

    Attributes:
        closed: Extra non-working days (one per date): a cuti bersama announced at short
            notice (``kind=JOINT_LEAVE``), a local closure (``LOCAL_OVERRIDE``), ...
            A closed day whose date and kind the holiday source already has is ignored
            (the source's entry, with its legal basis, stands).
        reopened: Decreed days on which the office works after all (the weekend is not
            reopened by this: give that weekday special hours).
        special_hours: Hours that replace the weekly schedule for date ranges; where two
            ranges cover a date, the later one in this tuple wins.
        decreed_years: Years the operator declares complete (the decree is out and the
            overrides carry it), so their answers are not provisional.
    """

    closed: tuple[NonWorkingDay, ...] = attrs.field(default=(), converter=_by_date)
    reopened: tuple[Reopening, ...] = attrs.field(default=(), converter=_by_reopen_date)
    special_hours: tuple[SpecialHours, ...] = attrs.field(default=(), converter=_special_tuple)
    decreed_years: frozenset[int] = attrs.field(default=frozenset(), converter=_year_set)

    def __attrs_post_init__(self) -> None:
        _check_unique((d.date for d in self.closed), "closed")
        _check_unique((r.date for r in self.reopened), "reopened")
        for day in self.closed:
            field = f"closed.{day.date}"
            if day.kind is DayKind.WEEKEND:
                raise _overrides_error(
                    "invalid_kind",
                    f"{field}.kind",
                    "Jenis 'weekend' tidak dapat ditambahkan; akhir pekan ditentukan jadwal.",
                    "Kind 'weekend' cannot be added; weekends come from the schedule.",
                )
            _check_text(day.name, f"{field}.name", "Nama hari libur", "The closed day's name")
            _check_text(day.name_en, f"{field}.name_en", "Nama (Inggris)", "The English name")
            if day.legal_basis is not None:
                _check_text(day.legal_basis, f"{field}.legal_basis", "Dasar hukum", "The basis")
        both = {d.date for d in self.closed} & {r.date for r in self.reopened}
        if both:
            first = min(both)
            raise _overrides_error(
                "conflicting_override",
                f"reopened.{first}",
                f"Tanggal {first} tidak dapat sekaligus ditutup dan dibuka kembali.",
                f"Date {first} cannot be both closed and reopened.",
            )
        for year in self.decreed_years:
            if not (isinstance(year, int) and 1 <= year <= 9999):
                raise _overrides_error(
                    "invalid_year",
                    "decreed_years",
                    f"Tahun {year!r} tidak valid (1 sampai 9999).",
                    f"Year {year!r} is not valid (1 to 9999).",
                )

    def merge(self, other: Overrides) -> Overrides:
        """
        Combine with ``other``; where they disagree on a date, ``other`` wins.

        A date ``other`` closes is no longer reopened, and the other way round; special
        hours of ``other`` come after (so win over) those of ``self``.

        >>> import datetime as dt
        >>> day = dt.date(2025, 8, 18)
        >>> a = Overrides(closed=[NonWorkingDay(day, DayKind.JOINT_LEAVE, "Cuti", "Leave")])
        >>> b = Overrides(reopened=[Reopening(day, "Dibatalkan")])
        >>> a.merge(b).closed, a.merge(b).reopened[0].reason
        ((), 'Dibatalkan')
        """
        taken = {d.date for d in other.closed} | {r.date for r in other.reopened}
        return Overrides(
            closed=[d for d in self.closed if d.date not in taken] + list(other.closed),
            reopened=[r for r in self.reopened if r.date not in taken] + list(other.reopened),
            special_hours=self.special_hours + other.special_hours,
            decreed_years=self.decreed_years | other.decreed_years,
        )


NO_OVERRIDES = Overrides()


@attrs.frozen
class _Year:
    decreed: bool
    confirmed: bool
    closures: dict[dt.date, tuple[NonWorkingDay, ...]]
    reopened: dict[dt.date, str]


_DECREED_KINDS = (DayKind.NATIONAL_HOLIDAY, DayKind.JOINT_LEAVE)


def _check_year(year: int) -> None:
    if isinstance(year, bool) or not isinstance(year, int) or not 1 <= year <= 9999:
        raise ValidationError(
            f"Tahun {year!r} tidak valid (1 sampai 9999).",
            f"Year {year!r} is not valid (1 to 9999).",
            code="invalid_year",
            field="year",
        )


@attrs.frozen(eq=False)
class OfficeCalendar:
    """
    An office's working calendar: its week, the holidays of a source, its overrides.

    Implements :class:`WorkingCalendar`. A date is closed when the week closes it (kind
    ``WEEKEND``), when the source lists a libur nasional or cuti bersama on it, or when
    the overrides close it; every reason is kept (a holiday on a Sunday has two).
    Answers are cached per year and never change for the life of the object.

    Attributes:
        schedule: The office's ordinary week and time zone.
        source: Where the year's holidays come from (a :class:`HolidaySource`).
        overrides: The operator's closed days, reopened days and special hours.
        policy: What to do with a year that has no decree yet (:class:`DataPolicy`).
    """

    schedule: OfficeSchedule
    source: HolidaySource
    overrides: Overrides = NO_OVERRIDES
    policy: DataPolicy = DataPolicy.PROVISIONAL
    _years: dict[int, _Year] = attrs.field(init=False, factory=dict, repr=False)

    @property
    def timezone(self) -> str:
        """
        IANA time zone of the office.
        """
        return self.schedule.timezone

    def _year(self, year: int) -> _Year:
        cached = self._years.get(year)
        if cached is not None:
            return cached
        data = self.source.non_working_days(year)
        reopened = {r.date: r.reason for r in self.overrides.reopened if r.date.year == year}
        closures: dict[dt.date, list[NonWorkingDay]] = {}
        for day in data.days:
            if day.date.year == year and day.date not in reopened:
                closures.setdefault(day.date, []).append(day)
        for day in self.overrides.closed:
            if day.date.year != year:
                continue
            known = closures.setdefault(day.date, [])
            if not any(k.kind is day.kind for k in known):
                known.append(day)
        result = _Year(
            decreed=data.decreed or year in self.overrides.decreed_years,
            confirmed=year in self.overrides.decreed_years,
            closures={d: tuple(v) for d, v in closures.items() if v},
            reopened=reopened,
        )
        # A concurrent first call may build the same value twice; both are equal.
        self._years[year] = result
        return result

    def is_decreed(self, year: int) -> bool:
        """
        True when the year's holidays are final (decreed in the source, or declared
        complete by the overrides). Never raises for a year from 1 to 9999.
        """
        _check_year(year)
        return self._year(year).decreed

    def schedule_for(self, day: dt.date) -> DaySchedule:
        """
        Return the working time of the local date ``day`` and, when closed, every reason.

        Raises:
            CalendarDataMissingError: Under ``DataPolicy.STRICT``, when the answer would
                be provisional (no decree for the year, or an estimated date).
        """
        year = self._year(day.year)
        ordinary = self.schedule.weekly[day.weekday()]
        intervals, note = ordinary, None
        for special in reversed(self.overrides.special_hours):
            changed = special.intervals_for(day, ordinary)
            if changed is not None:
                intervals, note = changed, special.note
                break
        reasons = year.closures.get(day, ())
        if not intervals:
            name, name_en = _WEEKDAY_NAMES[day.weekday()]
            reasons = (NonWorkingDay(day, DayKind.WEEKEND, name, name_en), *reasons)
        if day in year.reopened and note is None and not reasons:
            note = year.reopened[day]
        estimated = any(r.estimated for r in reasons) and not year.confirmed
        provisional = not year.decreed or estimated
        if provisional and self.policy is DataPolicy.STRICT:
            raise _data_missing(day, year.decreed)
        return DaySchedule(
            date=day,
            intervals=() if reasons else intervals,
            closures=reasons,
            provisional=provisional,
            note=note,
        )

    def is_working_day(self, day: dt.date) -> bool:
        """
        True when the office is open at some time on ``day``.
        """
        return self.schedule_for(day).is_working_day

    def closed_days(self, year: int, *, weekends: bool = False) -> tuple[DaySchedule, ...]:
        """
        The schedules of the closed dates of ``year``, sorted by date.

        Args:
            year: The year (1 to 9999).
            weekends: Also give the dates closed only by the week (``WEEKEND``); by
                default only dates with a holiday, cuti bersama or local closure.

        Raises:
            ValidationError: ``invalid_year`` for a year outside 1 to 9999.
            CalendarDataMissingError: Under ``DataPolicy.STRICT``, for a year with no
                decree (or with an estimated date).
        """
        _check_year(year)
        found: list[DaySchedule] = []
        day = dt.date(year, 1, 1)
        while True:
            schedule = self.schedule_for(day)
            if any(weekends or c.kind is not DayKind.WEEKEND for c in schedule.closures):
                found.append(schedule)
            if day.month == 12 and day.day == 31:
                return tuple(found)
            day += dt.timedelta(days=1)

    def non_working_days(self, year: int, *, weekends: bool = False) -> tuple[NonWorkingDay, ...]:
        """
        Every reason a date of ``year`` is closed, sorted by date.

        Args:
            year: The year (1 to 9999).
            weekends: Also list the ``WEEKEND`` reasons; by default only libur nasional,
                cuti bersama and local closures are listed.

        Raises:
            ValidationError: ``invalid_year`` for a year outside 1 to 9999.
            CalendarDataMissingError: Under ``DataPolicy.STRICT``, for a year with no
                decree (or with an estimated date).
        """
        return tuple(
            c
            for schedule in self.closed_days(year, weekends=weekends)
            for c in schedule.closures
            if weekends or c.kind is not DayKind.WEEKEND
        )


def _data_missing(day: dt.date, decreed: bool) -> CalendarDataMissingError:
    if decreed:
        message = (
            f"Tanggal {day} bergantung pada hari libur yang masih perkiraan; "
            "kebijakan ketat tidak menebak."
        )
        message_en = (
            f"Date {day} depends on an estimated holiday; the strict policy does not guess."
        )
    else:
        message = (
            f"Hari libur nasional dan cuti bersama tahun {day.year} belum ditetapkan (SKB); "
            "kebijakan ketat tidak menebak."
        )
        message_en = (
            f"The national holidays and joint leave of {day.year} are not decreed yet; "
            "the strict policy does not guess."
        )
    return CalendarDataMissingError(
        message, message_en, field="date", details={"year": day.year, "date": day.isoformat()}
    )
