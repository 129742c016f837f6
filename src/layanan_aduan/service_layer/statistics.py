"""
Period statistics of an office, read from storage (the ``rekap`` command's engine).

:func:`period_statistics` reads the reports of one office received in a period and in the
period before it, page by page (:meth:`ReportRepository.received_timelines
<layanan_aduan.ports.ReportRepository.received_timelines>`: a query per thousand reports,
giving of each event only the few values statistics read, extracted by the database), and
folds them with
:func:`~layanan_aduan.domain.statistics.compute_statistics`. :func:`desk_statistics` does the
same with a desk's storage, calendar, goal and clock.

>>> import pendulum
>>> from layanan_aduan.adapters.storage import InMemoryStorage
>>> from layanan_aduan.adapters.holidays_id import indonesian_calendar
>>> from layanan_aduan.domain.periods import Period, PeriodKind
>>> from layanan_aduan.domain.worktime import WorkingTime
>>> at = pendulum.datetime(2026, 2, 2, 9, tz="Asia/Jakarta")
>>> stats = period_statistics(
...     InMemoryStorage(),
...     office="KNJP",
...     working_time=WorkingTime(indonesian_calendar()),
...     period=Period.containing(PeriodKind.MONTH, at.subtract(days=5), "Asia/Jakarta"),
...     at=at,
...     goal=pendulum.duration(hours=3),
... )
>>> stats.period.label, stats.received, stats.sla.followed_up_within_goal, stats.previous.received
('2026-01', 0, None, 0)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from layanan_aduan.domain.periods import Period, PeriodKind
from layanan_aduan.domain.statistics import (
    PeriodStatistics,
    ReportFacts,
    compute_statistics,
    plain_utc,
    row_facts,
)
from layanan_aduan.ports import MAX_PAGE_SIZE, Storage

if TYPE_CHECKING:
    from layanan_aduan.domain.worktime import WorkingTime
    from layanan_aduan.service_layer.desk import Desk

__all__ = ["Progress", "csv_rows", "desk_statistics", "period_statistics"]

#: Told how many more reports were read, after each page.
Progress = Callable[[int], None]


def _facts(
    storage: Storage,
    office: str | None,
    period: Period,
    at: dt.datetime,
    progress: Progress | None,
) -> Iterator[ReportFacts]:
    at = plain_utc(at)  # read once for every report: a stdlib datetime compares fastest
    with storage.unit_of_work(read_only=True) as uow:
        cursor: str | None = None
        while True:
            page = uow.reports.received_timelines(
                period.start, period.end, office=office, limit=MAX_PAGE_SIZE, after=cursor
            )
            for timeline in page.items:
                facts = row_facts(timeline.rows, at)
                if facts is not None:
                    yield facts
            if progress is not None:
                progress(len(page.items))
            cursor = page.next_cursor
            if cursor is None:
                return


def period_statistics(
    storage: Storage,
    *,
    office: str | None,
    working_time: WorkingTime,
    period: Period,
    at: dt.datetime,
    goal: dt.timedelta,
    progress: Progress | None = None,
) -> PeriodStatistics:
    """
    The statistics of ``office``'s reports received in ``period``, as known at ``at``, with
    those of the period before as ``previous``.

    Args:
        storage: Where the reports are.
        office: The office's code (``None``: every report in the storage).
        working_time: The office's working-time engine (its calendar in force).
        period: The period (in the office's time zone).
        at: The instant the figures are as of (events recorded later are not counted).
        goal: The completion time (the service standard's 3 working hours).
        progress: Told how many reports were read after each page (for a progress bar).
    """

    def one(p: Period, previous: PeriodStatistics | None) -> PeriodStatistics:
        return compute_statistics(
            _facts(storage, office, p, at, progress),
            period=p,
            working_time=working_time,
            at=at,
            goal=goal,
            office=office,
            previous=previous,
        )

    return one(period, one(period.previous(), None))


def desk_statistics(
    desk: Desk,
    kind: PeriodKind,
    *,
    containing: dt.datetime | None = None,
    progress: Progress | None = None,
) -> PeriodStatistics:
    """
    The statistics of the desk's office for the period of ``kind`` containing ``containing``
    (default: now, by the desk's clock), as of now, with the desk's calendar and goal.
    """
    now = desk.clock.now()
    timezone = desk.standard.office.schedule.timezone
    return period_statistics(
        desk.storage,
        office=desk.office,
        working_time=desk.working_time,
        period=Period.containing(kind, now if containing is None else containing, timezone),
        at=now,
        goal=desk.standard.completion_time,
        progress=progress,
    )


def csv_rows(stats: PeriodStatistics) -> list[list[str]]:
    """
    The statistics as CSV rows: a header, then one row per figure (``figure``, ``value``, the
    previous period's ``previous``), English figure names; durations in seconds.
    """
    current = _flat(stats.to_dict())
    previous = {} if stats.previous is None else _flat(stats.previous.to_dict())
    rows = [["figure", "value", "previous"]]
    for key, value in current.items():
        if key.startswith(("previous.", "series.", "follow_up_histogram.")):
            continue
        rows.append([key, _cell(value), _cell(previous.get(key))])
    return rows


def _flat(value: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for k, v in value.items():
            out.update(_flat(v, f"{prefix}{k}."))
        return out
    if isinstance(value, list):
        return {f"{prefix}{i}": v for i, v in enumerate(value)}
    return {prefix.rstrip("."): value}


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)
