"""
The durable five-step case the step benchmarks share (``bench_steps.py``,
``bench_personal_data.py``): our desk through its public service layer, with a clock that
moves a minute a step.

A complete WhatsApp message (text with name and NIK, and a screenshot) is ingested into a
numbered report, then ``receive``, ``forward``, ``give_direction`` and ``deliver_follow_up``,
each a unit of work of its own. Webhooks are parsed outside the timing (:meth:`Desk.webhooks`);
evidence goes to an in-memory store and notifications stay in the outbox (no dispatcher), so
what a case costs is the step path.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import uuid
from pathlib import Path
from typing import cast

import pendulum

from layanan_aduan import examples
from layanan_aduan.adapters.evidence_store import InMemoryEvidenceStore
from layanan_aduan.adapters.holidays_id import indonesian_calendar
from layanan_aduan.adapters.messaging import InMemoryMediaFetcher, InMemoryMessenger
from layanan_aduan.adapters.staff import InMemoryStaffDirectory
from layanan_aduan.adapters.storage import SqliteStorage
from layanan_aduan.adapters.whatsapp import parse_webhook
from layanan_aduan.clock import FixedClock
from layanan_aduan.domain.report import Actor, Report, ReporterDetails
from layanan_aduan.domain.staff import Assignment, StaffMember, StaffRole
from layanan_aduan.domain.worktime import WorkingTime
from layanan_aduan.ports import FieldCipher, Storage
from layanan_aduan.ports.inbound import ParsedWebhook
from layanan_aduan.service_layer.bootstrap import Services, compose
from layanan_aduan.service_layer.report_stream import (
    assign_report_number,
    project,
    save_report,
)

T0 = pendulum.datetime(2026, 1, 12, 2, 0, tz="UTC")  # Monday 09:00 WIB
BUSINESS_NUMBER = "106540352242922"
MEDIA_ID = "1480000000000001"
OFFICE = "KNJP"
NAME, NIK = "Budi Santoso", "3171010101900001"
STEP = pendulum.duration(minutes=1)
WORKING_TIME = WorkingTime(indonesian_calendar())


def staff() -> InMemoryStaffDirectory:
    """Two officers and the section head of the office."""

    def member(staff_id: str, name: str, phone: str, role: StaffRole) -> StaffMember:
        return StaffMember(staff_id, name, phone=phone, assignments=(Assignment(role, OFFICE),))

    return InMemoryStaffDirectory(
        {
            OFFICE: [
                member("petugas-01", "Rina Wulandari", "+6281311112222", StaffRole.OFFICER),
                member("petugas-02", "Dedi Kurniawan", "+6281311113333", StaffRole.OFFICER),
                member("kasi-intel-01", "Andi Pratama", "+6281100002222", StaffRole.SECTION_HEAD),
            ]
        }
    )


def webhook(case: int, at: pendulum.DateTime) -> ParsedWebhook:
    """The bundled example (text with name and NIK, and a screenshot) from sender ``case``."""
    document = json.loads(examples.whatsapp_webhook())
    value = document["entry"][0]["changes"][0]["value"]
    sender = f"62819{case:08d}"
    value["contacts"][0]["wa_id"] = sender
    for n, message in enumerate(value["messages"]):
        message.update({"from": sender, "id": f"wamid.bench.{case}.{n}"})
        message["timestamp"] = str(at.int_timestamp)
    return parse_webhook(json.dumps(document).encode())


class Desk:
    """Our desk on a storage, with a clock that moves a minute a step."""

    def __init__(self, storage: Storage) -> None:
        media = InMemoryMediaFetcher()
        media.put(MEDIA_ID, examples.screenshot_png(), "image/png")
        self.clock = FixedClock(T0)
        self.storage = storage
        self.services: Services = compose(
            business_numbers=(BUSINESS_NUMBER,),
            storage=self.storage,
            evidence=InMemoryEvidenceStore(),
            messenger=InMemoryMessenger(),
            media=media,
            clock=self.clock,
            staff=staff(),
            working_time=WORKING_TIME,
        )
        self.cases = 0
        self.kinds: dict[str, str] = {}  # number -> kind, so a timed step reads nothing else

    @classmethod
    def sqlite(cls, path: Path, *, cipher: FieldCipher | None = None) -> Desk:
        """A desk on a SQLite file with the adapter's own settings (WAL, synchronous=FULL)."""
        return cls(SqliteStorage.open(path, cipher=cipher))

    def webhooks(self, n: int) -> list[ParsedWebhook]:
        """The next ``n`` cases' webhooks, parsed (outside the timing)."""
        at = self.clock.now()
        return [webhook(self.cases + k, at.add(minutes=5 * k)) for k in range(n)]

    def case(self, parsed: ParsedWebhook) -> None:
        """One report through the five steps."""
        desk = self.services.desk
        (made,) = desk.ingest(parsed).steps
        number = made.number
        assert number is not None  # noqa: S101 - a complete message is numbered at once
        self.clock.advance(STEP)
        desk.receive(number, officer="petugas-01")
        self.clock.advance(STEP)
        desk.forward(number, officer="petugas-01", summary="Dugaan pungli di kelurahan.")
        self.clock.advance(STEP)
        desk.give_direction(number, section_head="kasi-intel-01", direction="Klarifikasi.")
        self.clock.advance(STEP)
        desk.deliver_follow_up(number, officer="petugas-02", follow_up="Sudah diklarifikasi.")
        self.clock.advance(STEP)
        self.cases += 1

    def pragmas(self) -> tuple[str, int]:
        """The journal mode and ``synchronous`` level of a SQLite desk's connection."""
        storage = cast("SqliteStorage", self.storage)
        with contextlib.closing(sqlite3.connect(storage.path)) as conn:
            mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
        # synchronous is per connection: read it from the adapter's own connection.
        with storage.unit_of_work(read_only=True) as uow:
            level = uow.execute("PRAGMA synchronous").fetchone()[0]
        return str(mode).lower(), int(level)

    def long_report(self, events: int, *, note: str = "") -> tuple[str, str]:
        """
        A received report with ``events`` events, saved at once; its number and id.

        Every event after the first two corrects the kind (with ``note``, a staff text kept
        in the personal-data vault, when one is given).
        """
        at = self.clock.now()
        reporter = Actor("+6281299990000", "reporter")
        officer = Actor("petugas-01", "officer")
        report = Report.submit(
            id=str(uuid.uuid4()),
            at=at,
            actor=reporter,
            kind="aduan",
            details=ReporterDetails(name=NAME, nik=NIK, phone="081299990000"),
            message="Dugaan pungutan liar di kantor kelurahan.",
            evidence=[examples.screenshot_png()],
        )
        report.receive(at=at, actor=officer)
        for n in range(events - 2):
            kind = "laporan" if n % 2 == 0 else "aduan"
            report.correct_kind(at=at, actor=officer, kind=kind, note=note)
        with self.storage.unit_of_work() as uow:
            number = assign_report_number(uow.reports, report, office=OFFICE, year=at.year)
            save_report(uow.reports, report, project(report, WORKING_TIME, office=OFFICE))
            uow.commit()
        self.clock.advance(STEP)
        self.kinds[number] = str(report.kind)
        return number, report.id

    def step_on(self, number: str) -> None:
        """One more officer's step on the report: correct its kind back and forth."""
        kind = "aduan" if self.kinds[number] == "laporan" else "laporan"
        self.services.desk.correct_kind(number, officer="petugas-01", kind=kind)
        self.kinds[number] = kind
        self.clock.advance(STEP)

    def close(self) -> None:
        self.services.close()
