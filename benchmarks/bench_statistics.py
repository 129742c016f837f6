"""
Benchmark: ``rekap`` (period statistics) for a year of one office's reports.

Run from the repository root::

    python benchmarks/bench_statistics.py                 # 50,000 reports of 2025 on SQLite
    python benchmarks/bench_statistics.py --n 5000        # quicker
    eval "$(bash .ci/postgres.sh)"                        # to include PostgreSQL

Fill: ``--n`` reports of office KNJP received at random working instants of 2025 (fixed seed),
each taken through the procedure as the desk would record it (``Report`` actions, the
projection from the working-time engine), stored in units of work of 1,000 reports: a
fifth stop at some step (still open), a tenth are closed, a tenth wait for the reporter to
complete the requirements first, half of the completed ones are rated. Another office's
reports (a tenth as many) share the storage and must not be read.

Measured: :func:`layanan_aduan.service_layer.statistics.period_statistics` for the year 2025
(and the year before, for the comparison), read through the adapter's ``received_timelines``,
median of ``--repeat`` runs, with :func:`time.perf_counter`. The issue's target: under 2 s on
SQLite for 50,000 reports.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import sqlite3
import statistics
import tempfile
import time
import uuid
from pathlib import Path

import pendulum

from layanan_aduan.adapters.holidays_id import indonesian_calendar
from layanan_aduan.adapters.storage import PostgresStorage, SqliteStorage
from layanan_aduan.domain.periods import Period, PeriodKind
from layanan_aduan.domain.report import Actor, Report, ReporterDetails
from layanan_aduan.domain.worktime import WorkingTime
from layanan_aduan.ports import Storage
from layanan_aduan.service_layer.report_stream import project
from layanan_aduan.service_layer.statistics import period_statistics

TZ = "Asia/Jakarta"
REPORTER = Actor("+6281234567890", "reporter")
OFFICER = Actor("196801011990031001", "officer")
HEAD = Actor("197001011995031002", "section_head")
DETAILS = ReporterDetails(name="Budi Santoso", nik="3171010101900001", phone="081234567890")
PARTIAL = ReporterDetails(name="Budi Santoso", phone="081234567890")
PDF = b"%PDF-1.4\n%%EOF\n"
YEAR = 2025


def _report(rng: random.Random, start: pendulum.DateTime) -> Report:
    """One report received at ``start``, through a random part of the procedure."""
    t = [start]

    def later() -> pendulum.DateTime:
        t[0] = t[0].add(minutes=rng.randint(1, 150))
        return t[0]

    incomplete = rng.random() < 0.1
    report = Report.submit(
        id=str(uuid.UUID(int=rng.getrandbits(128))),
        at=start,
        actor=REPORTER,
        kind=rng.choice(["laporan", "aduan", "permohonan_informasi"]),
        details=PARTIAL if incomplete else DETAILS,
        message="Dugaan pungutan liar.",
        evidence=[PDF],
    )
    fate = rng.random()
    if fate < 0.05:
        report.close(at=later(), actor=OFFICER, reason="spam", note="")
        return report
    report.receive(at=later(), actor=OFFICER)
    if incomplete:
        report.request_completion(at=later(), actor=OFFICER)
        report.complete_requirements(at=later(), actor=REPORTER, details=DETAILS, evidence=[])
    if fate < 0.1:
        report.close(at=later(), actor=OFFICER, reason="out_of_scope", note="")
        return report
    steps = [
        lambda: report.forward(at=later(), actor=OFFICER),
        lambda: report.give_direction(at=later(), actor=HEAD, direction="Klarifikasi."),
        lambda: report.deliver_follow_up(at=later(), actor=OFFICER, follow_up="Selesai."),
    ]
    stop = rng.randint(0, 2) if fate < 0.3 else 3
    for act in steps[:stop]:
        act()
    if stop == 3 and rng.random() < 0.5:
        report.rate(
            at=later(), actor=REPORTER, rating=rng.randint(1, 5), message_id=f"wamid.{fate:.12f}"
        )
    return report


def _instants(rng: random.Random, wt: WorkingTime, n: int) -> list[pendulum.DateTime]:
    first = pendulum.datetime(YEAR, 1, 1, tz=TZ)
    seconds = 365 * 86_400
    out = []
    while len(out) < n:
        at = first.add(seconds=rng.randrange(seconds))
        if wt.is_open(at):
            out.append(at)
    return sorted(out)


def fill(storage: Storage, wt: WorkingTime, n: int, seed: int) -> float:
    """Store ``n`` reports of KNJP and ``n // 10`` of another office; return the seconds."""
    rng = random.Random(seed)
    started = time.perf_counter()
    for office, count in (("KNJP", n), ("KBDG", n // 10)):
        instants = _instants(rng, wt, count)
        for chunk in range(0, count, 1000):
            with storage.unit_of_work() as uow:
                for at in instants[chunk : chunk + 1000]:
                    report = _report(rng, at)
                    events = [e.to_dict() for e in report.collect_new_events()]
                    uow.reports.append(report.id, 0, events, project(report, wt, office=office))
                uow.commit()
    return time.perf_counter() - started


def bench(name: str, storage: Storage, wt: WorkingTime, n: int, repeat: int, seed: int) -> None:
    """Fill ``storage`` and time the year's statistics."""
    filled = fill(storage, wt, n, seed)
    period = Period.containing(PeriodKind.YEAR, pendulum.datetime(YEAR, 6, 1, tz=TZ), TZ)
    at = pendulum.datetime(YEAR + 1, 1, 15, tz=TZ)
    goal = pendulum.duration(hours=3)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        stats = period_statistics(
            storage, office="KNJP", working_time=wt, period=period, at=at, goal=goal
        )
        times.append(time.perf_counter() - start)
    if stats.received != n:
        raise SystemExit(f"counted {stats.received} reports, stored {n}")
    print(
        f"{name:<16} {n:>6} reports (filled in {filled:.0f} s)   rekap {YEAR}: "
        f"median {statistics.median(times):.2f} s, best {min(times):.2f} s of {repeat}   "
        f"(within goal {stats.sla.followed_up_within_goal:.1%}, breaches {stats.breaches.count})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=50_000, help="reports of the office in the year")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs (the median is shown)")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument(
        "--dsn",
        default=os.environ.get("LAYANAN_ADUAN_TEST_POSTGRES_DSN", ""),
        help="PostgreSQL DSN (default: $LAYANAN_ADUAN_TEST_POSTGRES_DSN)",
    )
    parser.add_argument("--adapters", default="sqlite,postgres", help="comma-separated adapters")
    args = parser.parse_args()
    wanted = set(args.adapters.split(","))
    print(
        f"Python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPUs; "
        f"SQLite {sqlite3.sqlite_version}"
    )
    wt = WorkingTime(indonesian_calendar())
    if "sqlite" in wanted:
        with (
            tempfile.TemporaryDirectory() as d,
            SqliteStorage.open(Path(d) / "bench.sqlite3") as sqlite_file,
        ):
            bench("sqlite", sqlite_file, wt, args.n, args.repeat, args.seed)
    if "postgres" in wanted:
        if not args.dsn:
            print("postgresql   skipped: no --dsn and no LAYANAN_ADUAN_TEST_POSTGRES_DSN")
            return
        schema = f"bench_{uuid.uuid4().hex[:12]}"
        pg = PostgresStorage.open(args.dsn, schema=schema)
        try:
            bench("postgresql", pg, wt, args.n, args.repeat, args.seed)
        finally:
            pg.drop_schema()


if __name__ == "__main__":
    main()
