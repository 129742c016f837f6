"""
Benchmark: complete five-step cases through each storage adapter.

Run from the repository root::

    python benchmarks/bench_storage.py                    # 300 cases per adapter
    python benchmarks/bench_storage.py --n 1000 --threads 4
    eval "$(bash .ci/postgres.sh)"                        # to include PostgreSQL

Each case is what the desk does for one report, one unit of work per step, as shipped:

1. submit: allocate the report number, save the report and its projection (SLA instants from
   the working-time engine), put the acknowledgement in the outbox, commit;
2. to 5. receive, forward, give the direction, deliver the follow-up: load the report (its
   history verified), act, save, put a notification in the outbox, commit.

Adapters: in-memory (the baseline), SQLite on a file in a temporary directory with the
adapter's shipped settings (WAL, ``synchronous=FULL``: an fsync per commit), and PostgreSQL
at ``--dsn`` (default ``$LAYANAN_ADUAN_TEST_POSTGRES_DSN``; skipped without one) on its own
schema, dropped afterwards. It prints cases per second and the p50/p99 latency of one step
(a whole unit of work, commit included), measured with :func:`time.perf_counter`.
``--threads`` runs cases in parallel threads sharing one storage.
"""

from __future__ import annotations

import argparse
import os
import platform
import sqlite3
import statistics
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import pendulum

from layanan_aduan.adapters.holidays_id import indonesian_calendar
from layanan_aduan.adapters.storage import InMemoryStorage, PostgresStorage, SqliteStorage
from layanan_aduan.domain.report import Actor, Report, ReporterDetails
from layanan_aduan.domain.worktime import WorkingTime
from layanan_aduan.ports import Storage
from layanan_aduan.service_layer.report_stream import (
    assign_report_number,
    load_report,
    project,
    save_report,
)

T0 = pendulum.datetime(2026, 1, 12, 8, tz="Asia/Jakarta")
REPORTER = Actor("+6281234567890", "reporter")
OFFICER = Actor("196801011990031001", "officer")
HEAD = Actor("197001011995031002", "section_head")
DETAILS = ReporterDetails(name="Budi Santoso", nik="3171010101900001", phone="081234567890")
PDF = b"%PDF-1.4\n%%EOF\n"

Act = Callable[[Report, pendulum.DateTime], None]
STEPS: list[Act] = [
    lambda r, at: r.receive(at=at, actor=OFFICER),
    lambda r, at: r.forward(at=at, actor=OFFICER),
    lambda r, at: r.give_direction(at=at, actor=HEAD, direction="Lakukan klarifikasi."),
    lambda r, at: r.deliver_follow_up(at=at, actor=OFFICER, follow_up="Sudah ditindaklanjuti."),
]


def run_case(storage: Storage, wt: WorkingTime, latencies: list[float]) -> None:
    """
    One report through the five steps, one unit of work per step.
    """
    rid = str(uuid.uuid4())
    start = time.perf_counter()
    with storage.unit_of_work() as uow:
        report = Report.submit(
            id=rid, at=T0, actor=REPORTER, kind="aduan", details=DETAILS, evidence=[PDF]
        )
        number = assign_report_number(uow.reports, report, office="KNJP", year=2026)
        save_report(uow.reports, report, project(report, wt, office="KNJP"))
        uow.outbox.put(f"{rid}:1", {"template": "ack", "number": number}, created_at=T0)
        uow.commit()
    latencies.append(time.perf_counter() - start)
    for i, act in enumerate(STEPS, start=2):
        at = T0.add(minutes=10 * i)
        start = time.perf_counter()
        with storage.unit_of_work() as uow:
            report = load_report(uow.reports, rid)
            act(report, at)
            save_report(uow.reports, report, project(report, wt, office="KNJP"))
            uow.outbox.put(f"{rid}:{i}", {"template": f"step{i}"}, created_at=at, report_id=rid)
            uow.commit()
        latencies.append(time.perf_counter() - start)


def bench(name: str, storage: Storage, wt: WorkingTime, n: int, threads: int) -> None:
    """
    Run ``n`` cases on ``storage`` in ``threads`` threads and print the figures.
    """
    run_case(storage, wt, [])  # warm-up: caches, connections, the engine's timeline
    shares = [n // threads + (1 if i < n % threads else 0) for i in range(threads)]
    lists: list[list[float]] = [[] for _ in shares]  # one list per thread: no lock needed

    def work(share: int, out: list[float]) -> None:
        for _ in range(share):
            run_case(storage, wt, out)

    workers = [
        threading.Thread(target=work, args=(k, out)) for k, out in zip(shares, lists, strict=True)
    ]
    start = time.perf_counter()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    elapsed = time.perf_counter() - start
    latencies = sorted(x for out in lists for x in out)
    p50 = statistics.median(latencies) * 1000
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000
    print(
        f"{name:<16} {n:>6} cases {n / elapsed:>9.1f} cases/s   "
        f"step p50 {p50:>7.2f} ms   p99 {p99:>7.2f} ms   ({len(latencies)} steps, "
        f"{threads} thread{'s' if threads > 1 else ''})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=300, help="cases per adapter")
    parser.add_argument("--threads", type=int, default=1, help="threads sharing one storage")
    parser.add_argument(
        "--dsn",
        default=os.environ.get("LAYANAN_ADUAN_TEST_POSTGRES_DSN", ""),
        help="PostgreSQL DSN (default: $LAYANAN_ADUAN_TEST_POSTGRES_DSN)",
    )
    parser.add_argument(
        "--adapters", default="memory,sqlite,postgres", help="comma-separated adapters to run"
    )
    args = parser.parse_args()
    wanted = set(args.adapters.split(","))

    print(
        f"Python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPUs; "
        f"SQLite {sqlite3.sqlite_version}"
    )
    wt = WorkingTime(indonesian_calendar())
    if "memory" in wanted:
        with InMemoryStorage() as memory:
            bench("in-memory", memory, wt, args.n, args.threads)
    if "sqlite" in wanted:
        with (
            tempfile.TemporaryDirectory() as d,
            SqliteStorage.open(Path(d) / "bench.sqlite3") as sqlite_file,
        ):
            bench("sqlite", sqlite_file, wt, args.n, args.threads)
    if "postgres" in wanted:
        if not args.dsn:
            print("postgresql   skipped: no --dsn and no LAYANAN_ADUAN_TEST_POSTGRES_DSN")
            return
        schema = f"bench_{uuid.uuid4().hex[:12]}"
        pg = PostgresStorage.open(args.dsn, schema=schema, max_size=max(2, args.threads))
        try:
            with pg.unit_of_work(read_only=True) as uow:
                server = uow.execute("SHOW server_version").fetchone()[0]
            bench(f"postgresql {server.split()[0]}", pg, wt, args.n, args.threads)
        finally:
            pg.drop_schema()


if __name__ == "__main__":
    main()
