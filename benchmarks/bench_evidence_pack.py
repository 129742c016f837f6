"""
Benchmark: the evidence pack of one report with 1,000 events (and one with 5).

Run from the repository root (the ``dev`` or ``signing`` extra for the key)::

    python benchmarks/bench_evidence_pack.py              # memory and SQLite
    python benchmarks/bench_evidence_pack.py --repeat 3   # quicker
    LAYANAN_ADUAN_TEST_POSTGRES_DSN=... python benchmarks/bench_evidence_pack.py --postgres

The long report is submitted, then the reporter adds to it 998 times (each addition is an
event) and an officer receives it: 1,000 events. Every head is signed (Ed25519), so building
the pack verifies the chain and the head signature and signs the pack. It times, each the
median of ``--repeat`` runs with the garbage collector paused:

- ``load``: loading the report alone (:func:`load_report_by_number`: the chain and the
  signature verified, the report rebuilt from its events), for comparison;
- ``build``: :func:`build_evidence_pack` (load, verify chain and signature, mask, SLA,
  outbox, sign), masked and revealed;
- ``json``: writing it as canonical JSON;
- ``verify``: :func:`verify_evidence_pack` of the parsed JSON with the public key;
- ``html``: :func:`render_evidence_html`.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pendulum
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from layanan_aduan.adapters.evidence_store import InMemoryEvidenceStore
from layanan_aduan.adapters.holidays_id import indonesian_calendar
from layanan_aduan.adapters.messaging import InMemoryMediaFetcher, InMemoryMessenger
from layanan_aduan.adapters.signing_keys import Ed25519Signer, Keyring
from layanan_aduan.adapters.staff import InMemoryStaffDirectory, staff_from_mapping
from layanan_aduan.adapters.storage import InMemoryStorage, PostgresStorage, SqliteStorage
from layanan_aduan.clock import FixedClock
from layanan_aduan.domain.history import canonical_json
from layanan_aduan.domain.report import Actor, Report, ReporterDetails
from layanan_aduan.domain.workflow import Role
from layanan_aduan.domain.worktime import WorkingTime
from layanan_aduan.ports import Storage
from layanan_aduan.service_layer.bootstrap import compose
from layanan_aduan.service_layer.evidence_check import verify_evidence_pack
from layanan_aduan.service_layer.evidence_html import render_evidence_html
from layanan_aduan.service_layer.evidence_pack import build_evidence_pack
from layanan_aduan.service_layer.report_stream import (
    assign_report_number,
    load_report_by_number,
    project,
    save_report,
)
from layanan_aduan.service_layer.signing import HeadSigning

T0 = pendulum.datetime(2026, 1, 12, 8, tz="Asia/Jakarta")
REPORTER = Actor("+6281234567890", Role.REPORTER)
DETAILS = ReporterDetails(name="Budi Santoso", nik="3171010101900001", phone="081234567890")
STAFF = staff_from_mapping(
    {
        "staff": [
            {
                "id": "kasi-01",
                "name": "Andi Pratama",
                "phone": "+6281100002222",
                "roles": ["section_head"],
            }
        ]
    },
    office="KNJP",
)


def _report(events: int) -> Report:
    report = Report.submit(
        id=f"r-{events}",
        at=T0,
        actor=REPORTER,
        kind="aduan",
        details=DETAILS,
        message="Dugaan pungutan liar di loket.",
        evidence=[b"%PDF-1.4\n%%EOF\n"],
    )
    for i in range(events - 2):
        report.add_to_submission(
            at=T0.add(seconds=i + 1), actor=REPORTER, message=f"Tambahan keterangan ke-{i + 1}."
        )
    report.receive(at=T0.add(seconds=events), actor=Actor("petugas-01", Role.OFFICER))
    return report


def _timed(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    times = []
    result = None
    for _ in range(repeat):
        gc.collect()
        gc.disable()
        try:
            start = time.perf_counter()
            result = fn()
            times.append(time.perf_counter() - start)
        finally:
            gc.enable()
    return statistics.median(times), result


def _bench(name: str, storage: Storage, events: int, repeat: int) -> None:
    signer = Ed25519Signer(Ed25519PrivateKey.generate())
    signing = HeadSigning(signer=signer)
    working_time = WorkingTime(indonesian_calendar())
    report = _report(events)
    with storage.unit_of_work() as uow:
        number = assign_report_number(uow.reports, report, office="KNJP", year=2026)
        save_report(
            uow.reports, report, project(report, working_time, office="KNJP"), signing=signing
        )
        uow.commit()
    desk = compose(
        storage=storage,
        evidence=InMemoryEvidenceStore(),
        messenger=InMemoryMessenger(),
        media=InMemoryMediaFetcher(),
        clock=FixedClock(T0.add(hours=2)),
        signing=signing,
        staff=InMemoryStaffDirectory({"KNJP": STAFF}),
        working_time=working_time,
        reproject_on_start=False,
    ).desk

    def load() -> Report:
        with storage.unit_of_work(read_only=True) as uow:
            return load_report_by_number(uow.reports, number, signing=signing)

    loaded, _ = _timed(load, repeat)
    build, pack = _timed(lambda: build_evidence_pack(desk, number), repeat)
    reveal, _ = _timed(
        lambda: build_evidence_pack(desk, number, reveal_personal_data=True, viewer="kasi-01"),
        repeat,
    )
    write, text = _timed(lambda: canonical_json(pack), repeat)
    parsed = json.loads(text)
    keys = Keyring([signer.public_key()])
    check, result = _timed(lambda: verify_evidence_pack(parsed, keys), repeat)
    if not result.ok:
        raise SystemExit(f"the pack does not verify: {result.findings}")
    page, html = _timed(lambda: render_evidence_html(pack), repeat)
    print(
        f"{name:9} {events:5} events  load {loaded * 1000:8.1f} ms  build {build * 1000:8.1f} ms"
        f"  (revealed {reveal * 1000:8.1f})"
        f"  json {write * 1000:6.1f} ms  verify {check * 1000:7.1f} ms  html {page * 1000:6.1f} ms"
        f"  [{len(text) / 1024:.0f} KiB JSON, {len(html) / 1024:.0f} KiB HTML]"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--postgres", action="store_true", help="also PostgreSQL (DSN from env)")
    args = parser.parse_args()
    print(f"Python {platform.python_version()} on {platform.machine()}, median of {args.repeat}")
    with tempfile.TemporaryDirectory() as folder:
        for events in (5, 1000):
            _bench("memory", InMemoryStorage(), events, args.repeat)
            with SqliteStorage.open(Path(folder) / f"bench-{events}.sqlite3") as sqlite:
                _bench("sqlite", sqlite, events, args.repeat)
            if args.postgres:
                dsn = os.environ["LAYANAN_ADUAN_TEST_POSTGRES_DSN"]
                pg = PostgresStorage.open(dsn, schema=f"b_{uuid.uuid4().hex[:12]}")
                try:
                    _bench("postgres", pg, events, args.repeat)
                finally:
                    pg.drop_schema()
                    pg.close()


if __name__ == "__main__":
    main()
