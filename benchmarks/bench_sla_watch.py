"""
Benchmark: the SLA watch over 100,000 open reports of one office (issue 12).

Run from the repository root::

    eval "$(bash .ci/postgres.sh)"                 # optional: a throwaway PostgreSQL on loopback
    python benchmarks/bench_sla_watch.py           # SQLite, and PostgreSQL when its DSN is set
    python benchmarks/bench_sla_watch.py --reports 20000 --repeat 3   # quicker

One office holds ``--reports`` open reports: by default 70 % on time, 20 % at risk and 10 %
breached at the sweep's instant (``--at-risk``, ``--breached``). Every alert of the at-risk and
breached reports is already in the outbox (sent), except for ``--unqueued`` of them, whose alerts
the first sweep queues. In the same run, on each database, it times:

- ``bare SQL``: the sweep's rows (report id and the two SLA instants of the office's reports at
  risk or breached) fetched with one ``SELECT`` on the adapter's own driver connection, no
  port, no objects built: the floor;
- ``bare SQL, full rows``: every column of the same rows (what the listings fetch), for context;
- ``port sla_due``: :meth:`ReportRepository.sla_due`, the sweep's query through the port;
- ``sweep_sla, steady``: the whole ``Desk.sweep_sla()`` when every alert is queued already
  (what every sweep but the first sees);
- ``sweep_sla, first run``: the whole sweep when ``--unqueued`` reports still need their
  alerts (each one loaded, verified, re-checked with the current calendar and alerted in its own
  unit of work); its alerts are deleted again before the next repetition;
- ``before: listings + get``: what the sweep did before issue 12, through the same ports: the
  paged ``at_risk`` and ``breached`` listings (full projections, pendulum instants) and one
  ``Outbox.get`` per alert key.

How the office is filled: a template of real reports (``Report.submit`` at every minute of the
morning, projected with the domain's SLA engine) is classified at the sweep's instant; the
``--unqueued`` reports are real reports saved through the storage port
(``assign_report_number`` + ``save_report``), since the first sweep loads and verifies them;
the rest are copies of template streams and projections under their own ids and numbers,
written with one ``executemany`` per table into the adapter's own tables (through the unit of
work's connection: the port writes one report at a time, which would make the fill the
longest part of the run). The copies are never loaded: their alerts are queued. Their outbox
rows (status ``sent``) are bulk-written the same way.

Each figure is the median of ``--repeat`` runs (``time.perf_counter``); the ratios divide by the
bare fetch of the sweep's rows. The issue's target: the steady sweep at most 0.5 s on SQLite
and at most 4 times the bare SQL fetch.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import attrs
import pendulum

from layanan_aduan.adapters.evidence_store import InMemoryEvidenceStore
from layanan_aduan.adapters.holidays_id import indonesian_calendar
from layanan_aduan.adapters.messaging import InMemoryMediaFetcher, InMemoryMessenger
from layanan_aduan.adapters.staff import InMemoryStaffDirectory
from layanan_aduan.adapters.storage import PostgresStorage, SqliteStorage
from layanan_aduan.adapters.storage._common import canonical_json
from layanan_aduan.adapters.storage._sql import SqlStorage
from layanan_aduan.clock import FixedClock
from layanan_aduan.domain.report import Actor, Report, ReporterDetails
from layanan_aduan.domain.staff import Assignment, StaffMember, StaffRole
from layanan_aduan.domain.standard import KEJARI_JAKARTA_PUSAT
from layanan_aduan.domain.worktime import WorkingTime
from layanan_aduan.ports import ReportProjection
from layanan_aduan.service_layer import compose
from layanan_aduan.service_layer.desk import Desk
from layanan_aduan.service_layer.report_stream import assign_report_number, project, save_report

OFFICE = KEJARI_JAKARTA_PUSAT.office.code
T0 = pendulum.datetime(2026, 1, 12, 8, tz="Asia/Jakarta")  # a Monday
SWEEP_AT = T0.add(hours=4, minutes=30)
PDF = b"%PDF-1.4\n%%EOF\n"
WORKING_TIME = WorkingTime(indonesian_calendar())
_AT_RISK = ("sla_at_risk",)
_BREACHED = ("sla_breached", "service_complaint_channel")
_SWEEP_ROWS = (
    "SELECT report_id, sla_at_risk_from, sla_breached_from FROM reports "
    "WHERE office = ? AND (sla_at_risk_from <= ? OR sla_breached_from <= ?) ORDER BY position"
)
_FULL_ROWS = (
    "SELECT * FROM reports "
    "WHERE office = ? AND (sla_at_risk_from <= ? OR sla_breached_from <= ?) ORDER BY position"
)


def _report(report_id: str, minute: int, i: int) -> Report:
    phone = f"+62812{(i * 7919) % 10**8:08d}"
    return Report.submit(
        id=report_id,
        at=T0.add(minutes=minute),
        actor=Actor(phone, "reporter"),
        kind="aduan",
        details=ReporterDetails(name="Budi Santoso", nik="3171010101900001", phone=phone),
        message="Dugaan pungutan liar.",
        evidence=[PDF],
    )


def _template() -> dict[str, list[tuple[int, list[str], ReportProjection]]]:
    """Real reports submitted at every minute from 08:00 to 12:29, by their SLA class at
    the sweep's instant, each with its encoded events and projection."""
    classes: dict[str, list[tuple[int, list[str], ReportProjection]]] = {
        "on_time": [],
        "at_risk": [],
        "breached": [],
    }
    for minute in range(270):
        report = _report(str(uuid.uuid4()), minute, minute)
        events = [canonical_json(e.to_dict(), "event") for e in report.collect_new_events()]
        p = project(report, WORKING_TIME, office=OFFICE)
        kind = (
            "breached"
            if p.is_breached(SWEEP_AT)
            else "at_risk"
            if p.is_at_risk(SWEEP_AT)
            else "on_time"
        )
        classes[kind].append((minute, events, p))
    if not all(classes.values()):
        raise SystemExit(f"the template lacks a class: { {k: len(v) for k, v in classes.items()} }")
    return classes


@attrs.frozen
class Filled:
    due: int
    unqueued_keys: tuple[str, ...]


def fill(storage: SqlStorage, n: int, at_risk: float, breached: float, unqueued: int) -> Filled:
    classes = _template()
    counts = {"breached": int(n * breached), "at_risk": int(n * at_risk)}
    counts["on_time"] = n - counts["breached"] - counts["at_risk"]
    plan = [k for k, c in counts.items() for _ in range(c)]
    # Spread the classes over the positions, as arrivals interleave in a real office.
    random.Random(12).shuffle(plan)
    real = [i for i, k in enumerate(plan) if k != "on_time"][:unqueued]
    real_set = set(real)
    unqueued_keys: list[str] = []
    # The real reports, through the port (numbers 1..unqueued).
    with storage.unit_of_work() as uow:
        for j, i in enumerate(real):
            kind = plan[i]
            minute = classes[kind][j % len(classes[kind])][0]
            report = _report(f"real-{i:07d}", minute, i)
            assign_report_number(uow.reports, report, office=OFFICE, year=2026)
            save_report(uow.reports, report, project(report, WORKING_TIME, office=OFFICE))
            unqueued_keys += [
                f"{report.id}:{k}" for k in (_AT_RISK if kind == "at_risk" else _BREACHED)
            ]
        uow.commit()
    # The copies, in chunks, straight into the tables.
    d = storage._dialect
    chunk = 20_000
    for start in range(0, n, chunk):
        rows: list[tuple[Any, ...]] = []
        event_rows: list[tuple[Any, ...]] = []
        outbox_rows: list[tuple[Any, ...]] = []
        for i in range(start, min(n, start + chunk)):
            if i in real_set:
                continue
            kind = plan[i]
            _, events, p = classes[kind][i % len(classes[kind])]
            report_id = f"copy-{i:07d}"
            rows.append(
                (
                    report_id,
                    len(events),
                    p.state,
                    f"LAP/{OFFICE}/2026/{100_000 + i:07d}",
                    OFFICE,
                    p.reporter_phone,
                    d.instant_or_none(p.received_at),
                    d.instant(p.updated_at),
                    p.head_hash,
                    d.instant_or_none(p.sla_deadline),
                    d.instant_or_none(p.sla_at_risk_from),
                    d.instant_or_none(p.sla_breached_from),
                    p.sla_paused,
                    p.sla_stopped,
                    p.kind,
                    p.calendar_fingerprint,
                )
            )
            event_rows += [(report_id, seq, e) for seq, e in enumerate(events, start=1)]
            if kind != "on_time":
                for k in _AT_RISK if kind == "at_risk" else _BREACHED:
                    key = f"{report_id}:{k}"
                    at = d.instant(SWEEP_AT.subtract(minutes=5))
                    payload = json.dumps({"to": "+6281100002222", "notification": k})
                    outbox_rows.append((key, report_id, payload, at, "sent", 0, at, at, OFFICE))
        with storage.unit_of_work() as uow:
            uow.executemany(
                "INSERT INTO reports (report_id, version, state, number, office, reporter_phone, "
                "received_at, updated_at, head_hash, sla_deadline, sla_at_risk_from, "
                "sla_breached_from, sla_paused, sla_stopped, kind, calendar_fingerprint) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
            uow.executemany(
                "INSERT INTO report_events (report_id, seq, payload) VALUES (?, ?, ?)", event_rows
            )
            uow.executemany(
                "INSERT INTO outbox (key, report_id, payload, created_at, status, attempts, "
                "next_attempt_at, sent_at, office) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                outbox_rows,
            )
            uow.commit()
    with storage.unit_of_work() as uow:
        uow.execute("ANALYZE")
        uow.commit()
    return Filled(counts["at_risk"] + counts["breached"], tuple(unqueued_keys))


def desk_for(storage: SqlStorage) -> Desk:
    services = compose(
        storage=storage,
        evidence=InMemoryEvidenceStore(),
        messenger=InMemoryMessenger(),
        media=InMemoryMediaFetcher(),
        clock=FixedClock(SWEEP_AT),
        staff=InMemoryStaffDirectory(
            {
                OFFICE: [
                    StaffMember(
                        "kasi-intel-01",
                        "Andi Pratama",
                        phone="+6281100002222",
                        assignments=(Assignment(StaffRole.SECTION_HEAD, OFFICE),),
                    )
                ]
            }
        ),
        standard=KEJARI_JAKARTA_PUSAT,
        working_time=WORKING_TIME,
    )
    return services.desk


def bare(storage: SqlStorage, sql: str) -> int:
    with storage.unit_of_work(read_only=True) as uow:
        t = storage._dialect.instant(SWEEP_AT)
        conn = uow.connection()
        rows = conn.execute(storage._dialect.sql(sql), (OFFICE, t, t)).fetchall()
    return len(rows)


def port_query(storage: SqlStorage) -> int:
    with storage.unit_of_work(read_only=True) as uow:
        return len(uow.reports.sla_due(SWEEP_AT, office=OFFICE))


def before(storage: SqlStorage) -> int:
    """The sweep's steady state before issue 12: paged listings, then one get per key."""
    from layanan_aduan.exceptions import OutboxMessageNotFoundError

    def every(fetch: Callable[[str | None], Any]) -> list[Any]:
        items: list[Any] = []
        after = None
        while True:
            page = fetch(after)
            items.extend(page.items)
            if page.next_cursor is None:
                return items
            after = page.next_cursor

    with storage.unit_of_work(read_only=True) as uow:
        r = uow.reports
        risky = every(lambda a: r.at_risk(SWEEP_AT, office=OFFICE, limit=500, after=a))
        late = every(lambda a: r.breached(SWEEP_AT, office=OFFICE, limit=500, after=a))
    todo = 0
    for summaries, kinds in ((risky, _AT_RISK), (late, _BREACHED)):
        for s in summaries:
            for k in kinds:
                try:
                    storage.outbox.get(f"{s.report_id}:{k}")
                except OutboxMessageNotFoundError:
                    todo += 1
    return todo


def timed(fn: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def run(name: str, storage: SqlStorage, args: argparse.Namespace) -> None:
    start = time.perf_counter()
    filled = fill(storage, args.reports, args.at_risk, args.breached, args.unqueued)
    print(
        f"\n{name}: {args.reports:,} open reports of one office, {filled.due:,} at risk or breached"
    )
    print(
        f"  (filled in {time.perf_counter() - start:.1f} s; "
        f"{len(filled.unqueued_keys)} alerts unqueued)"
    )
    desk = desk_for(storage)
    figures: dict[str, list[float]] = {}

    def record(label: str, fn: Callable[[], object], expect: object) -> None:
        seconds, result = timed(fn)
        if result != expect:
            raise SystemExit(f"{label}: expected {expect!r}, got {result!r}")
        figures.setdefault(label, []).append(seconds)

    for _ in range(args.repeat):
        record("bare SQL", lambda: bare(storage, _SWEEP_ROWS), filled.due)
        record("bare SQL, full rows", lambda: bare(storage, _FULL_ROWS), filled.due)
        record("port sla_due", lambda: port_query(storage), filled.due)
        # First run: the unqueued alerts are queued now (each report loaded and re-checked).
        record("sweep_sla, first run", lambda: len(desk.sweep_sla()), len(filled.unqueued_keys))
        record("sweep_sla, steady", lambda: len(desk.sweep_sla()), 0)
        if not args.skip_before:
            record("before: listings + get", lambda: before(storage), 0)
        # Take the first run's alerts back out, for the next repetition's first run.
        with storage.unit_of_work() as uow:
            uow.executemany(
                "DELETE FROM outbox WHERE key = ?", [(k,) for k in filled.unqueued_keys]
            )
            uow.commit()
    floor = statistics.median(figures["bare SQL"])
    print(f"  {'':<26}{'median':>12}{'÷ bare SQL':>12}")
    for label, values in figures.items():
        m = statistics.median(values)
        print(f"  {label:<26}{m * 1000:>9.1f} ms{m / floor:>11.2f}x")
    if "before: listings + get" in figures:
        then = statistics.median(figures["before: listings + get"])
        now = statistics.median(figures["sweep_sla, steady"])
        print(f"  steady sweep vs before: {then / now:.1f}x faster")
    first = statistics.median(figures["sweep_sla, first run"])
    steady = statistics.median(figures["sweep_sla, steady"])
    n_first = len(filled.unqueued_keys)
    print(
        "  first run beyond the steady state: "
        f"{(first - steady) / max(n_first, 1) * 1000:.2f} ms an alert"
    )


@contextmanager
def sqlite_storage() -> Iterator[SqlStorage]:
    with tempfile.TemporaryDirectory() as tmp:
        storage = SqliteStorage.open(Path(tmp) / "sla_watch.sqlite3")
        try:
            yield storage
        finally:
            storage.close()


@contextmanager
def postgres_storage(dsn: str) -> Iterator[SqlStorage]:
    schema = f"bench_sla_{uuid.uuid4().hex[:10]}"
    storage = PostgresStorage.open(dsn, schema=schema)
    try:
        yield storage
    finally:
        storage.close()
        import psycopg

        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[1])
    parser.add_argument("--reports", type=int, default=100_000)
    parser.add_argument("--at-risk", type=float, default=0.2)
    parser.add_argument("--breached", type=float, default=0.1)
    parser.add_argument("--unqueued", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-before", action="store_true", help="do not time the old path")
    parser.add_argument("--dsn", default=os.environ.get("LAYANAN_ADUAN_TEST_POSTGRES_DSN"))
    parser.add_argument("--skip-sqlite", action="store_true")
    args = parser.parse_args()
    if not args.skip_sqlite:
        with sqlite_storage() as storage:
            run("SQLite", storage, args)
    if args.dsn:
        with postgres_storage(args.dsn) as storage:
            run("PostgreSQL", storage, args)
    else:
        print("\nPostgreSQL skipped: no --dsn and no $LAYANAN_ADUAN_TEST_POSTGRES_DSN")


if __name__ == "__main__":
    main()
