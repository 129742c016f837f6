"""
A fixed sample of an office's reports for the ``rekap`` documentation and its tests.

:func:`sample_statistics` takes 240 reports of office KNJP (January 2026 and December 2025,
a fixed seed) through the procedure as the desk records it, stores them in memory and
computes January's statistics as of 15 February 2026, with December's as the previous
period. ``tools/render_samples.py`` writes from it the sample CSV (``docs/samples/``) and
the picture of the HTML report (``docs/images/``); a test checks that the committed CSV is
what the code produces, so the sample cannot drift from the code.

>>> stats = sample_statistics()
>>> stats.period.label, stats.received, stats.previous.received
('2026-01', 120, 120)
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections.abc import Callable

import pendulum

from layanan_aduan.adapters.holidays_id import indonesian_calendar
from layanan_aduan.adapters.storage import InMemoryStorage
from layanan_aduan.domain.periods import Period, PeriodKind
from layanan_aduan.domain.report import Actor, Report, ReporterDetails
from layanan_aduan.domain.statistics import PeriodStatistics
from layanan_aduan.domain.worktime import WorkingTime
from layanan_aduan.service_layer.report_stream import project
from layanan_aduan.service_layer.statistics import period_statistics

__all__ = ["SAMPLE_OFFICE", "SAMPLE_OFFICE_NAME", "sample_statistics"]

SAMPLE_OFFICE = "KNJP"
SAMPLE_OFFICE_NAME = "Kejaksaan Negeri Jakarta Pusat (contoh)"
_TZ = "Asia/Jakarta"
_SEED = 2026
_PER_MONTH = 120
# Made-up people: the statistics never read them, the sample shows none.
_REPORTER = Actor("+6281200000001", "reporter")
_OFFICER = Actor("196801011990031001", "officer")
_HEAD = Actor("197001011995031002", "section_head")
_DETAILS = ReporterDetails(name="Contoh Pelapor", nik="3171010101900001", phone="081200000001")
_PARTIAL = ReporterDetails(name="Contoh Pelapor", phone="081200000001")


def _report(rng: random.Random, start: pendulum.DateTime) -> Report:
    t = [start]

    def later() -> pendulum.DateTime:
        t[0] = t[0].add(minutes=rng.randint(5, 120))
        return t[0]

    incomplete = rng.random() < 0.1
    report = Report.submit(
        id=str(uuid.UUID(int=rng.getrandbits(128))),
        at=start,
        actor=_REPORTER,
        kind=rng.choice(["laporan", "aduan", "aduan", "permohonan_informasi"]),
        details=_PARTIAL if incomplete else _DETAILS,
        message="Contoh laporan.",
        evidence=[b"%PDF-1.4\n%%EOF\n"],
    )
    fate = rng.random()
    if fate < 0.05:
        report.close(at=later(), actor=_OFFICER, reason=rng.choice(["spam", "duplicate"]), note="")
        return report
    report.receive(at=later(), actor=_OFFICER)
    if incomplete:
        report.request_completion(at=later(), actor=_OFFICER)
        report.complete_requirements(at=later(), actor=_REPORTER, details=_DETAILS, evidence=[])
    if fate < 0.1:
        report.close(at=later(), actor=_OFFICER, reason="out_of_scope", note="")
        return report
    steps: list[Callable[[], object]] = [
        lambda: report.forward(at=later(), actor=_OFFICER),
        lambda: report.give_direction(at=later(), actor=_HEAD, direction="Klarifikasi."),
        lambda: report.deliver_follow_up(at=later(), actor=_OFFICER, follow_up="Selesai."),
    ]
    stop = rng.randint(0, 2) if fate < 0.2 else 3
    for act in steps[:stop]:
        act()
    if stop == 3 and rng.random() < 0.6:
        report.rate(
            at=later(),
            actor=_REPORTER,
            rating=rng.choice([3, 4, 4, 5, 5, 5, 2]),
            message_id=f"wamid.sample.{rng.getrandbits(32)}",
        )
    return report


def _instants(
    rng: random.Random, wt: WorkingTime, month: pendulum.DateTime
) -> list[pendulum.DateTime]:
    seconds = (month.add(months=1) - month).in_seconds()
    out: list[pendulum.DateTime] = []
    while len(out) < _PER_MONTH:
        at = month.add(seconds=rng.randrange(seconds))
        if wt.is_open(at):
            out.append(at)
    return sorted(out)


def sample_statistics() -> PeriodStatistics:
    """
    January 2026's statistics of the sample office, as of 15 February 2026 09:00 (Jakarta),
    with December 2025's as the previous period. The same on every run.
    """
    rng = random.Random(_SEED)  # noqa: S311 - a fixed sample, not a secret
    wt = WorkingTime(indonesian_calendar())
    storage = InMemoryStorage()
    with storage.unit_of_work() as uow:
        for month in (
            pendulum.datetime(2025, 12, 1, tz=_TZ),
            pendulum.datetime(2026, 1, 1, tz=_TZ),
        ):
            for at in _instants(rng, wt, month):
                report = _report(rng, at)
                events = [e.to_dict() for e in report.collect_new_events()]
                uow.reports.append(report.id, 0, events, project(report, wt, office=SAMPLE_OFFICE))
        uow.commit()
    return period_statistics(
        storage,
        office=SAMPLE_OFFICE,
        working_time=wt,
        period=Period.containing(PeriodKind.MONTH, pendulum.datetime(2026, 1, 15, tz=_TZ), _TZ),
        at=pendulum.datetime(2026, 2, 15, 9, tz=_TZ),
        goal=dt.timedelta(hours=3),
    )
