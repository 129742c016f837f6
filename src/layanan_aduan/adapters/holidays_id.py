"""
Indonesia's libur nasional and cuti bersama from python-holidays, with their legal basis.

:class:`PythonHolidaysSource` implements the
:class:`~layanan_aduan.domain.calendar.HolidaySource` port with
``holidays.country_holidays("ID", categories=("public", "government"))``: the
``public`` category gives the libur nasional (election days included), ``government``
the cuti bersama a government office observes (the default category, public only,
would be wrong for it). Names come in Indonesian and English; a name python-holidays
marks "(perkiraan)" / "(estimated)" gives ``estimated=True`` with the marker removed.

The legal basis of each day of 2020 to 2027 (the SKB of that year and its revisions,
or the Keppres of an election day) comes from a table bundled with the library; those
years are ``decreed``. A date that table fixes is not estimated, whatever python-holidays
says (it still labels 2027's Idul Fitri "estimated" although SKB 1205/2026 fixed it).

:func:`indonesian_calendar` composes the usual calendar:

>>> import datetime as dt
>>> cal = indonesian_calendar()
>>> day = cal.schedule_for(dt.date(2026, 1, 16))
>>> [(c.kind.label, c.name, c.legal_basis) for c in day.closures]
[('libur nasional', 'Isra Mikraj Nabi Muhammad', 'SKB 1497/2025, 2/2025, 5/2025')]
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from layanan_aduan.adapters._closed_days_id import CLOSED_DAYS_DIGEST, shipped_year
from layanan_aduan.adapters._decrees_id import DECREED_YEARS, YearDecree, year_decree
from layanan_aduan.domain.calendar import (
    DEFAULT_OFFICE_SCHEDULE,
    DataPolicy,
    DayKind,
    NonWorkingDay,
    OfficeCalendar,
    OfficeSchedule,
    Overrides,
    YearHolidays,
)

__all__ = [
    "CLOSED_DAYS_DIGEST",
    "DECREED_YEARS",
    "PythonHolidaysSource",
    "YearDecree",
    "indonesian_calendar",
]

_CATEGORIES = (("public", DayKind.NATIONAL_HOLIDAY), ("government", DayKind.JOINT_LEAVE))
_ESTIMATED_ID = " (perkiraan)"
_ESTIMATED_EN = " (estimated)"
# python-holidays 0.109 spells the Indonesian "pengganti" (replacement) as "Pegangti".
_SPELLING = (("Pegangti ", "Pengganti "),)


def _strip(name: str, marker: str) -> tuple[str, bool]:
    if name.endswith(marker):
        return name[: -len(marker)].strip(), True
    return name, False


def _fix(name: str) -> str:
    for wrong, right in _SPELLING:
        name = name.replace(wrong, right)
    return name


def _pair(
    names_id: list[str], names_en: list[str], translate: Callable[[str], str] | None
) -> list[tuple[str, str]]:
    """
    Pair each Indonesian name of a date with its English name.

    python-holidays joins the names of one date in alphabetical order of each language,
    so the two lists need not be in the same order: translate where the catalogue can,
    and pair what is left in order.
    """
    if len(names_id) == 1 and len(names_en) == 1:
        return [(names_id[0], names_en[0])]
    left = list(names_en)
    pairs: list[tuple[str, str | None]] = []
    for name in names_id:
        match = None
        if translate is not None:
            base, estimated = _strip(name, _ESTIMATED_ID)
            wanted = translate(base) + (_ESTIMATED_EN if estimated else "")
            match = wanted if wanted in left else None
        if match is not None:
            left.remove(match)
        pairs.append((name, match))
    return [(name, en if en is not None else (left.pop(0) if left else name)) for name, en in pairs]


class PythonHolidaysSource:
    """
    Adapter: Indonesia's national holidays and cuti bersama from python-holidays.

    Implements :class:`~layanan_aduan.domain.calendar.HolidaySource`. Answers every
    year from 1 to 9999: python-holidays covers 1946 to 2100; other years have no
    holidays and are not decreed. Years 2020 to 2027 are decreed and carry their legal
    basis. Each year is computed once per process and shared by every instance: the data
    is fixed, and a new calendar (a test's, a worker's) then finds a year already loaded.

    The decreed years are read from data shipped with the library, computed beforehand
    from python-holidays and the decree table (identical answers, without importing
    python-holidays: see :mod:`layanan_aduan.adapters._closed_days_id` and
    :data:`CLOSED_DAYS_DIGEST`); ``precomputed=False`` computes them from python-holidays
    instead.

    Args:
        precomputed: Read the decreed years from the shipped data (the default).

    >>> import datetime as dt
    >>> source = PythonHolidaysSource()
    >>> year = source.non_working_days(2025)
    >>> year.decreed, len(year.days)
    (True, 28)
    >>> [(d.name, d.kind.value) for d in year.days if d.date == dt.date(2025, 8, 18)]
    [('Cuti Bersama Hari Kemerdekaan Republik Indonesia', 'joint_leave')]
    >>> source.non_working_days(2028).decreed
    False
    """

    def __init__(self, *, precomputed: bool = True) -> None:
        self._precomputed = precomputed

    def __repr__(self) -> str:
        return (
            "PythonHolidaysSource()"
            if self._precomputed
            else "PythonHolidaysSource(precomputed=False)"
        )

    @property
    def precomputed(self) -> bool:
        """
        True when the decreed years come from the shipped data, not python-holidays.
        """
        return self._precomputed

    @property
    def data_version(self) -> str:
        """
        What this source's answers rest on: python-holidays' version and a digest of the
        decree table shipped with this library. It changes with a new holiday data release
        or a decree added for a year (what a calendar fingerprint records). With the shipped
        closed days (the default), their digest too: regenerated data is another calendar.

        >>> PythonHolidaysSource().data_version.startswith("python-holidays ")
        True
        >>> "closed days sha256:" in PythonHolidaysSource().data_version
        True
        """
        if self._precomputed:
            return f"{_data_version()}; closed days {CLOSED_DAYS_DIGEST}"
        return _data_version()

    def decree(self, year: int) -> YearDecree | None:
        """
        The decrees behind ``year``'s holidays, or ``None`` for a year without one here.
        """
        return year_decree(year)

    def non_working_days(self, year: int) -> YearHolidays:
        """
        Return ``year``'s libur nasional and cuti bersama.
        """
        if self._precomputed:
            shipped = shipped_year(year)
            if shipped is not None:
                return shipped
        return _load(year)


@functools.cache
def _data_version() -> str:
    import hashlib
    from importlib.metadata import version

    # attrs reprs of frozen values (dates, strings, tuples) are deterministic across processes.
    table = "\n".join(repr(year_decree(y)) for y in DECREED_YEARS)
    digest = hashlib.sha256(table.encode("utf-8")).hexdigest()[:16]
    return f"python-holidays {version('holidays')}; decrees {digest}"


@functools.cache
def _load(year: int) -> YearHolidays:
    """
    Compute ``year``'s holidays from python-holidays (once per process: the value is frozen).

    ``tools/regenerate_closed_days.py`` writes the shipped data of the decreed years with it.
    """
    # Imported on first use: nothing is loaded when this module is imported.
    import holidays
    from holidays.countries.indonesia import Indonesia

    decree = year_decree(year)
    if not Indonesia.start_year <= year <= Indonesia.end_year:
        return YearHolidays(year, (), decreed=decree is not None)
    bases = {
        DayKind.NATIONAL_HOLIDAY: dict(decree.national_holidays) if decree else {},
        DayKind.JOINT_LEAVE: dict(decree.joint_leave) if decree else {},
    }
    days: list[NonWorkingDay] = []
    for category, kind in _CATEGORIES:
        in_id = holidays.country_holidays("ID", years=year, categories=(category,), language="id")
        in_en = holidays.country_holidays(
            "ID", years=year, categories=(category,), language="en_US"
        )
        translate = getattr(in_en, "tr", None)
        for day in sorted(in_id):
            pairs = _pair(in_id.get_list(day), in_en.get_list(day), translate)
            for raw_id, raw_en in pairs:
                name, est_id = _strip(raw_id, _ESTIMATED_ID)
                name_en, est_en = _strip(raw_en, _ESTIMATED_EN)
                basis = bases[kind].get(day)
                days.append(
                    NonWorkingDay(
                        date=day,
                        kind=kind,
                        name=_fix(name),
                        name_en=name_en,
                        legal_basis=basis,
                        estimated=(est_id or est_en) and basis is None,
                    )
                )
    return YearHolidays(year, days, decreed=decree is not None)


def indonesian_calendar(
    schedule: OfficeSchedule = DEFAULT_OFFICE_SCHEDULE,
    overrides: Overrides | None = None,
    policy: DataPolicy = DataPolicy.PROVISIONAL,
) -> OfficeCalendar:
    """
    The working calendar of an Indonesian government office.

    Closed on Saturdays and Sundays (or whatever ``schedule`` closes), libur nasional and
    cuti bersama (from python-holidays, with their legal basis), and the ``overrides``.

    Args:
        schedule: The office's week and time zone (default 08:00-16:00 Monday to Friday,
            Asia/Jakarta).
        overrides: The operator's closed days, reopened days and special hours.
        policy: ``PROVISIONAL`` (default) marks answers in undecreed years provisional;
            ``STRICT`` refuses them.

    >>> import datetime as dt
    >>> cal = indonesian_calendar(policy=DataPolicy.STRICT)
    >>> cal.is_working_day(dt.date(2025, 8, 18))
    False
    >>> cal.is_working_day(dt.date(2028, 1, 3))
    Traceback (most recent call last):
    ...
    layanan_aduan.exceptions.CalendarDataMissingError: Hari libur nasional dan cuti bersama tahun 2028 belum ditetapkan (SKB); kebijakan ketat tidak menebak.
    """  # noqa: E501 (a doctest's expected traceback line cannot be wrapped)
    return OfficeCalendar(
        schedule=schedule,
        source=PythonHolidaysSource(),
        overrides=overrides if overrides is not None else Overrides(),
        policy=policy,
    )
