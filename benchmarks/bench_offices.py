"""
Benchmark: one office's listing and SLA sweep with 1 office vs 500 offices in one database.

Run from the repository root::

    eval "$(bash .ci/postgres.sh)"                 # a throwaway PostgreSQL on loopback
    python benchmarks/bench_offices.py             # 500 offices x 200 reports, PostgreSQL, SQLite
    python benchmarks/bench_offices.py --offices 100 --reports 100 --repeat 3   # quicker

A regional or national deployment keeps many offices in one database. This script measures what
one office's desk pays for its two office-wide reads, in the same run:

- ``list_reports()``: every report of the office with its SLA status;
- ``sweep_sla()``: the at-risk and breached queries of the office and, for each hit, the check
  that its alert is already queued (the sweep is run once first, so the timed runs are the
  steady state every later sweep sees).

First with only that office in a fresh database (the anchor), then with ``--offices - 1`` other
offices of ``--reports`` reports each added to the same database. The reports are written through
the storage port with their real projections (the domain's SLA instants; a third at risk, a third
breached, a third stopped at the sweep's instant). Each figure is the median of ``--repeat`` runs
(``time.perf_counter``). The target: with 500 offices the office's listing and sweep cost at most
1.5 times what they cost alone.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import attrs
import pendulum

from layanan_aduan.adapters.evidence_store import InMemoryEvidenceStore
from layanan_aduan.adapters.holidays_id import indonesian_calendar
from layanan_aduan.adapters.messaging import InMemoryMediaFetcher, InMemoryMessenger
from layanan_aduan.adapters.staff import InMemoryStaffDirectory
from layanan_aduan.adapters.storage import PostgresStorage, SqliteStorage
from layanan_aduan.adapters.storage._common import canonical_json
from layanan_aduan.adapters.storage._sql import _projection_params
from layanan_aduan.clock import FixedClock
from layanan_aduan.domain.report import Actor, Report, ReporterDetails
from layanan_aduan.domain.staff import Assignment, StaffMember, StaffRole
from layanan_aduan.domain.standard import KEJARI_JAKARTA_PUSAT
from layanan_aduan.domain.worktime import WorkingTime
from layanan_aduan.ports import Storage
from layanan_aduan.service_layer import compose
from layanan_aduan.service_layer.report_stream import assign_report_number, project, save_report

T0 = pendulum.datetime(2026, 1, 12, 8, tz="Asia/Jakarta")
SWEEP_AT = T0.add(hours=4, minutes=30)
OFFICER = Actor("196801011990031001", "officer")
PDF = b"%PDF-1.4\n%%EOF\n"
WORKING_TIME = WorkingTime(indonesian_calendar())


def populate(storage: Storage, office: str, n: int) -> None:
    """``n`` real reports of ``office`` (numbered, projected with the domain's SLA instants): a
    third stopped (received and closed), two thirds running, submitted between 08:00 and 11:20
    so that the sweep finds some at risk and some breached."""
    with storage.unit_of_work() as uow:
        for report in _reports(n):
            assign_report_number(uow.reports, report, office=office, year=2026)
            save_report(uow.reports, report, project(report, WORKING_TIME, office=office))
        uow.commit()


def _reports(n: int) -> Iterator[Report]:
    for i in range(n):
        at = T0.add(seconds=(i * 12_000) // max(n, 1))
        phone = f"+62812{(i * 7919) % 10**8:08d}"
        report = Report.submit(
            id=str(uuid.uuid4()),
            at=at,
            actor=Actor(phone, "reporter"),
            kind="aduan",
            details=ReporterDetails(name="Budi Santoso", nik="3171010101900001", phone=phone),
            message="Dugaan pungutan liar.",
            evidence=[PDF],
        )
        if i % 3 == 0:
            report.receive(at=at.add(minutes=1), actor=OFFICER)
            report.close(at=at.add(minutes=2), actor=OFFICER, reason="duplicate")
        yield report


def fill(storage: Storage, offices: int, n: int) -> None:
    """The other offices, bulk-loaded: each gets copies of the same ``n`` reports' event streams
    and projections under its own office code, ids and numbers, written with one
    ``executemany`` per table and office into the adapter's own tables (the port writes one
    report at a time, which would make filling 100,000 reports the longest part of the run).
    Only the measured office's reports are ever loaded (and verified); the copies give the
    database its size and its index selectivity, which is what the measured queries pay for."""
    template = []
    for report in _reports(n):
        events = [canonical_json(e.to_dict(), "event") for e in report.collect_new_events()]
        template.append((events, project(report, WORKING_TIME, office="X")))
    for k in range(offices):
        code = f"K{k:04d}"
        with storage.unit_of_work() as uow:
            sql = uow  # a SqlUnitOfWork: execute/executemany in the adapter's dialect
            d = sql._dialect  # type: ignore[attr-defined]
            rows, event_rows = [], []
            for i, (events, projection) in enumerate(template, start=1):
                report_id = str(uuid.uuid4())
                copy = attrs.evolve(projection, office=code, number=f"LAP/{code}/2026/{i:06d}")
                rows.append((report_id, len(events), *_projection_params(d, copy)))
                event_rows += [(report_id, seq, e) for seq, e in enumerate(events, start=1)]
            sql.executemany(  # type: ignore[attr-defined]
                "INSERT INTO reports (report_id, version, state, number, office, reporter_phone, "
                "reporter_user_id, received_at, updated_at, head_hash, sla_deadline, "
                "sla_at_risk_from, sla_breached_from, sla_paused, sla_stopped, kind) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
            sql.executemany(  # type: ignore[attr-defined]
                "INSERT INTO report_events (report_id, seq, payload) VALUES (?, ?, ?)", event_rows
            )
            uow.commit()


def measure(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def office_costs(storage: Storage, repeat: int) -> tuple[float, float, int]:
    services = compose(
        storage=storage,
        evidence=InMemoryEvidenceStore(),
        messenger=InMemoryMessenger(),
        media=InMemoryMediaFetcher(),
        clock=FixedClock(SWEEP_AT),
        staff=InMemoryStaffDirectory(
            {
                KEJARI_JAKARTA_PUSAT.office.code: [
                    StaffMember(
                        "kasi-intel-01",
                        "Andi Pratama",
                        phone="+6281100002222",
                        assignments=(Assignment(StaffRole.SECTION_HEAD, "KNJP"),),
                    )
                ]
            }
        ),
        standard=KEJARI_JAKARTA_PUSAT,
        working_time=WORKING_TIME,
    )
    desk = services.desk
    desk.sweep_sla()  # the alerts are queued once; the timed sweeps are the steady state
    listing = measure(desk.list_reports, repeat)
    sweep = measure(desk.sweep_sla, repeat)
    return listing, sweep, len(desk.list_reports())


@contextmanager
def sqlite_storage() -> Iterator[Storage]:
    with tempfile.TemporaryDirectory() as tmp:
        storage = SqliteStorage.open(Path(tmp) / "offices.sqlite3")
        try:
            yield storage
        finally:
            storage.close()


@contextmanager
def postgres_storage(dsn: str) -> Iterator[Storage]:
    schema = f"bench_offices_{uuid.uuid4().hex[:10]}"
    storage = PostgresStorage.open(dsn, schema=schema)
    try:
        yield storage
    finally:
        storage.close()
        import psycopg

        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


def run(name: str, make: Callable[[], object], offices: int, reports: int, repeat: int) -> None:
    with make() as storage:  # type: ignore[attr-defined]
        populate(storage, KEJARI_JAKARTA_PUSAT.office.code, reports)
        alone_list, alone_sweep, count = office_costs(storage, repeat)
        start = time.perf_counter()
        fill(storage, offices - 1, reports)
        filled = time.perf_counter() - start
        many_list, many_sweep, count_after = office_costs(storage, repeat)
    if not count == count_after == reports:
        raise SystemExit(f"the office's listing changed: {count} then {count_after} reports")
    total = offices * reports
    print(f"\n{name}: {offices} offices x {reports} reports = {total:,} reports")
    print(f"  (filling the other offices took {filled:.1f} s)")
    print(f"  {'':<22}{'1 office':>12}{f'{offices} offices':>14}{'ratio':>8}")
    for label, alone, many in (
        ("list_reports()", alone_list, many_list),
        ("sweep_sla()", alone_sweep, many_sweep),
    ):
        print(f"  {label:<22}{alone * 1000:>10.2f} ms{many * 1000:>11.2f} ms{many / alone:>7.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[1])
    parser.add_argument("--offices", type=int, default=500)
    parser.add_argument("--reports", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--dsn", default=os.environ.get("LAYANAN_ADUAN_TEST_POSTGRES_DSN"))
    parser.add_argument("--skip-sqlite", action="store_true")
    args = parser.parse_args()
    if args.dsn:
        run(
            "PostgreSQL",
            lambda: postgres_storage(args.dsn),
            args.offices,
            args.reports,
            args.repeat,
        )
    else:
        print("PostgreSQL skipped: no --dsn and no $LAYANAN_ADUAN_TEST_POSTGRES_DSN")
    if not args.skip_sqlite:
        run("SQLite", sqlite_storage, args.offices, args.reports, args.repeat)


if __name__ == "__main__":
    main()
