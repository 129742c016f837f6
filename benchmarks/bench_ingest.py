"""
Benchmark: the cost of ingesting one message with 0 and with 10,000 open reports in the office.

Run from the repository root::

    python benchmarks/bench_ingest.py                 # SQLite; PostgreSQL too when its DSN is set
    python benchmarks/bench_ingest.py --open 2000 --messages 50

Each timed message is a new sender's text (a new report: the desk looks the sender's open
reports up, takes the per-sender lock, numbers the report, projects its SLA, puts the
acknowledgement and the missing-requirements notice in the outbox, records the inbox, commits).
The office is measured twice in the same run: empty, then holding ``--open`` reports of other
senders awaiting completion or not yet received (bulk-loaded into the adapter's tables, as
bench_offices.py does). Before, the desk read every report awaiting completion office-wide for
each message (18 ms at 0, 97 ms at 2,000, 277 ms at 6,000); the target is within 1.5 times.
Figures are medians of the per-message times (``time.perf_counter``).
"""

from __future__ import annotations

import argparse
import json
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

from layanan_aduan import examples
from layanan_aduan.adapters.evidence_store import InMemoryEvidenceStore
from layanan_aduan.adapters.holidays_id import indonesian_calendar
from layanan_aduan.adapters.messaging import InMemoryMediaFetcher, InMemoryMessenger
from layanan_aduan.adapters.storage import PostgresStorage, SqliteStorage
from layanan_aduan.adapters.storage._common import canonical_json
from layanan_aduan.adapters.storage._sql import _projection_params
from layanan_aduan.adapters.whatsapp import parse_webhook
from layanan_aduan.clock import FixedClock
from layanan_aduan.domain.report import Actor, Report, ReporterDetails
from layanan_aduan.domain.worktime import WorkingTime
from layanan_aduan.ports import Storage
from layanan_aduan.service_layer import compose
from layanan_aduan.service_layer.report_stream import project

T0 = pendulum.datetime(2026, 1, 12, 2, 5, tz="UTC")
WORKING_TIME = WorkingTime(indonesian_calendar())


def fill(storage: Storage, n: int) -> None:
    """``n`` open reports of KNJP from ``n`` other senders, half awaiting completion."""
    report = Report.submit(
        id="template",
        at=T0.subtract(hours=1),
        actor=Actor("+6281200000000", "reporter"),
        kind="aduan",
        details=ReporterDetails(name="Budi Santoso", phone="081200000000"),
        message="Dugaan pungutan liar.",
    )
    events = [canonical_json(e.to_dict(), "event") for e in report.collect_new_events()]
    base = project(report, WORKING_TIME, office="KNJP")
    with storage.unit_of_work() as uow:
        d = uow._dialect  # type: ignore[attr-defined]
        rows, event_rows = [], []
        for i in range(n):
            report_id = str(uuid.uuid4())
            state = "awaiting_completion" if i % 2 else "submitted"
            copy = attrs.evolve(
                base,
                state=state,
                number=f"LAP/KNJP/2025/{i + 1:06d}",
                reporter_phone=f"+62813{i:08d}",
            )
            rows.append((report_id, len(events), *_projection_params(d, copy)))
            event_rows += [(report_id, seq, e) for seq, e in enumerate(events, start=1)]
        uow.executemany(  # type: ignore[attr-defined]
            "INSERT INTO reports (report_id, version, state, number, office, reporter_phone, "
            "reporter_user_id, received_at, updated_at, head_hash, sla_deadline, "
            "sla_at_risk_from, sla_breached_from, sla_paused, sla_stopped, kind) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        uow.executemany(  # type: ignore[attr-defined]
            "INSERT INTO report_events (report_id, seq, payload) VALUES (?, ?, ?)", event_rows
        )
        uow.commit()


def _message(i: int, tag: str) -> bytes:
    document = json.loads(examples.whatsapp_webhook())
    value = document["entry"][0]["changes"][0]["value"]
    sender = f"62819{i:08d}"
    value["contacts"][0]["wa_id"] = sender
    text = dict(value["messages"][0], id=f"wamid.{tag}.{i}", **{"from": sender})
    text["text"] = {"body": f"Nama: Budi\nDugaan pungli nomor {i}."}
    value["messages"] = [text]
    return json.dumps(document).encode()


def measure(storage: Storage, messages: int, tag: str) -> float:
    services = compose(
        storage=storage,
        evidence=InMemoryEvidenceStore(),
        messenger=InMemoryMessenger(),
        media=InMemoryMediaFetcher(),
        clock=FixedClock(T0),
        working_time=WORKING_TIME,
    )
    bodies = [parse_webhook(_message(i, tag)) for i in range(messages)]
    times = []
    for parsed in bodies:
        start = time.perf_counter()
        services.desk.ingest(parsed)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


@contextmanager
def sqlite_storage() -> Iterator[Storage]:
    with tempfile.TemporaryDirectory() as tmp:
        storage = SqliteStorage.open(Path(tmp) / "ingest.sqlite3")
        try:
            yield storage
        finally:
            storage.close()


@contextmanager
def postgres_storage(dsn: str) -> Iterator[Storage]:
    schema = f"bench_ingest_{uuid.uuid4().hex[:10]}"
    storage = PostgresStorage.open(dsn, schema=schema)
    try:
        yield storage
    finally:
        storage.drop_schema()
        storage.close()


def run(name: str, make: Callable[[], object], open_reports: int, messages: int) -> None:
    with make() as empty:  # type: ignore[attr-defined]
        alone = measure(empty, messages, "a")
    with make() as busy:  # type: ignore[attr-defined]
        fill(busy, open_reports)
        crowded = measure(busy, messages, "b")
    print(f"{name}: one new sender's message, median of {messages}")
    print(f"  0 open reports        {alone * 1000:8.2f} ms")
    print(
        f"  {open_reports:,} open reports {crowded * 1000:8.2f} ms   ratio {crowded / alone:.2f}x"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[1])
    parser.add_argument("--open", type=int, default=10_000, dest="open_reports")
    parser.add_argument("--messages", type=int, default=100)
    parser.add_argument("--dsn", default=os.environ.get("LAYANAN_ADUAN_TEST_POSTGRES_DSN"))
    args = parser.parse_args()
    run("SQLite", sqlite_storage, args.open_reports, args.messages)
    if args.dsn:
        run("PostgreSQL", lambda: postgres_storage(args.dsn), args.open_reports, args.messages)
    else:
        print("PostgreSQL skipped: no --dsn and no $LAYANAN_ADUAN_TEST_POSTGRES_DSN")


if __name__ == "__main__":
    main()
