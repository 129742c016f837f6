"""
Erasure of a report's personal data, end to end through the desk, on memory, SQLite and
PostgreSQL with personal data sealed by AES-GCM: nothing of the reporter is left in the raw
database (file, WAL and free pages; ``pg_dump``), the history still verifies, the listing still
shows the report, and a copy of the database without the key reveals no personal field.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pendulum
import pytest

from layanan_aduan import examples
from layanan_aduan.adapters.data_keys import StaticKeyring
from layanan_aduan.adapters.evidence_store import FilesystemEvidenceStore, InMemoryEvidenceStore
from layanan_aduan.adapters.field_cipher import AesGcmFieldCipher, PlainFieldCipher
from layanan_aduan.adapters.messaging import InMemoryMediaFetcher, InMemoryMessenger
from layanan_aduan.adapters.staff import InMemoryStaffDirectory
from layanan_aduan.adapters.storage import InMemoryStorage, PostgresStorage, SqliteStorage
from layanan_aduan.adapters.whatsapp.inbound import parse_webhook
from layanan_aduan.clock import FixedClock
from layanan_aduan.domain.history import Event, verify
from layanan_aduan.domain.report import Report
from layanan_aduan.domain.staff import Assignment, StaffMember, StaffRole
from layanan_aduan.domain.workflow import ReportState
from layanan_aduan.exceptions import (
    PersonalDataUnreadableError,
    ReportInputError,
    StaffAuthorizationError,
    TransitionNotAllowedError,
)
from layanan_aduan.ports import OutboxStatus, Storage
from layanan_aduan.service_layer.bootstrap import compose
from layanan_aduan.service_layer.desk import SlaState
from layanan_aduan.testing.contracts import require_postgres_dsn

PNG = examples.screenshot_png()
BODY = examples.whatsapp_webhook()
MEDIA_ID = "1480000000000001"
T0 = pendulum.datetime(2026, 1, 12, 2, 5, tz="UTC")  # Monday 09:05 WIB
KEY = bytes(range(32))
NAME, NIK, PHONE = "Budi Santoso", "3171010101900001", "6281234567890"


def _forms(value: str) -> list[bytes]:
    """Every way the library could have written ``value``: UTF-8, JSON-escaped, UTF-16."""
    forms = {value, json.dumps(value)[1:-1], json.dumps(value, ensure_ascii=True)[1:-1]}
    if value.isdigit():
        forms |= {"+" + value, "0" + value[2:]}  # E.164 and the national form
    out = [f.encode() for f in forms]
    out += [value.encode("utf-16-le"), value.encode("utf-16-be")]
    return out


PERSONAL = [form for value in (NAME, NIK, PHONE) for form in _forms(value)]


def _staff() -> InMemoryStaffDirectory:
    def member(staff_id: str, name: str, phone: str, role: StaffRole) -> StaffMember:
        return StaffMember(staff_id, name, phone=phone, assignments=(Assignment(role, "KNJP"),))

    return InMemoryStaffDirectory(
        {
            "KNJP": [
                member("petugas-01", "Rina Wulandari", "+6281311112222", StaffRole.OFFICER),
                member("kasi-intel-01", "Andi Pratama", "+6281100002222", StaffRole.SECTION_HEAD),
            ]
        }
    )


class World:
    """A desk on one storage kind, with the raw bytes of its database at hand."""

    def __init__(self, kind: str, tmp_path: Path) -> None:
        self.kind = kind
        self.tmp_path = tmp_path
        self.cipher = AesGcmFieldCipher(StaticKeyring([KEY]))
        self.db = tmp_path / "aduan.sqlite3"
        self.schema = f"erasure_{uuid.uuid4().hex[:12]}"
        self.storage = self._open(self.cipher)
        evidence_root = tmp_path / "bukti"
        self.evidence = (
            InMemoryEvidenceStore()
            if kind == "memory"
            else FilesystemEvidenceStore.open(evidence_root, now=T0)
        )
        media = InMemoryMediaFetcher()
        media.put(MEDIA_ID, PNG, "image/png")
        self.services = compose(
            business_numbers=("106540352242922",),
            storage=self.storage,
            evidence=self.evidence,
            messenger=InMemoryMessenger(),
            media=media,
            clock=FixedClock(T0),
            staff=_staff(),
        )

    def _open(self, cipher: AesGcmFieldCipher | PlainFieldCipher) -> Storage:
        if self.kind == "memory":
            return InMemoryStorage(cipher=cipher)
        if self.kind == "sqlite":
            return SqliteStorage.open(self.db, cipher=cipher)
        return PostgresStorage.open(
            require_postgres_dsn(), schema=self.schema, max_size=2, cipher=cipher
        )

    def advance(self, minutes: int) -> None:
        clock = self.services.desk.clock
        assert isinstance(clock, FixedClock)
        clock.advance(pendulum.duration(minutes=minutes))

    def raw(self) -> bytes:
        """The database as a thief with a copy would read it: files, or a plain pg_dump."""
        if self.kind == "sqlite":
            files = [self.db, Path(f"{self.db}-wal"), Path(f"{self.db}-shm")]
            return b"".join(f.read_bytes() for f in files if f.exists())
        if self.kind == "postgres":
            pg_dump = shutil.which("pg_dump") or "/usr/lib/postgresql/15/bin/pg_dump"
            done = subprocess.run(  # noqa: S603 - the server's own pg_dump, fixed arguments
                [pg_dump, "--schema", self.schema, require_postgres_dsn()],
                check=True,
                capture_output=True,
                timeout=60,
            )
            return done.stdout
        pytest.skip("an in-memory storage has no bytes at rest")

    def sealed(self) -> list[bytes]:
        """The vault entries as stored (sealed tokens), read with plain SQL."""
        query = "SELECT sealed FROM report_personal"
        if self.kind == "sqlite":
            with sqlite3.connect(self.db) as conn:
                rows = conn.execute(query).fetchall()
        else:
            import psycopg

            with psycopg.connect(require_postgres_dsn()) as conn:
                table = f"{self.schema}.report_personal"  # a generated schema name
                rows = conn.execute(f"SELECT sealed FROM {table}").fetchall()  # noqa: S608
        return [str(r[0]).rsplit(":", 1)[-1].encode() for r in rows]

    def close(self) -> None:
        if isinstance(self.storage, PostgresStorage):
            self.storage.drop_schema()
        self.services.close()


@pytest.fixture(
    params=["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)],
)
def world(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[World]:
    built = World(request.param, tmp_path)
    yield built
    built.close()


def _completed(world: World) -> str:
    """The example webhook (name, NIK, screenshot) taken through the five steps."""
    desk = world.services.desk
    (step,) = desk.ingest(parse_webhook(BODY)).steps
    number = step.number
    assert number is not None
    for officer_step in ("receive", "forward"):
        world.advance(10)
        getattr(desk, officer_step)(number, officer="petugas-01")
    world.advance(10)
    desk.give_direction(number, section_head="kasi-intel-01", direction=f"Panggil {NAME}.")
    world.advance(10)
    desk.deliver_follow_up(number, officer="petugas-01", follow_up=f"Yth. {NAME}, sudah.")
    world.services.dispatcher.run()
    return number


def _leaks(raw: bytes) -> list[bytes]:
    return [form for form in PERSONAL if form in raw]


def test_a_copy_of_the_database_without_the_key_reveals_no_personal_field(world: World) -> None:
    """With a personal-data key, the raw database never holds the name, NIK or telephone."""
    _completed(world)
    assert _leaks(world.raw()) == []


def test_erasure_leaves_no_trace_and_the_history_verifies(world: World) -> None:
    """After erasure nothing of the reporter is stored (even encrypted), the history verifies,
    lists what went, and the listing keeps the number and the SLA."""
    number = _completed(world)
    desk = world.services.desk
    with world.storage.unit_of_work(read_only=True) as uow:
        stored = uow.reports.get_by_number(number)
    sealed_before = [e["personal_data"] for e in stored.events if "personal_data" in e]
    assert sealed_before
    tokens = [] if world.kind == "memory" else world.sealed()
    assert len(tokens) == (0 if world.kind == "memory" else len(sealed_before))
    world.advance(60 * 24 * 400)
    result = desk.erase_personal_data(
        number, officer="petugas-01", basis="retention", reference="KEP-12/2027"
    )
    assert result.vault_entries == len(sealed_before)
    assert result.evidence_deleted == (stored_digest := _digest())
    assert not world.evidence.contains(stored_digest[0])
    if world.kind == "sqlite":
        assert result.log_truncated is True
    with world.storage.unit_of_work(read_only=True) as uow:
        after = uow.reports.get_by_number(number)
        assert uow.reports.by_reporter(phone="+" + PHONE).items == ()
        line = uow.reports.list_all().items[0]
    events = [Event.from_dict(e) for e in after.events]
    check = verify(events, version=after.version, head=after.projection.head_hash)
    assert check.ok
    assert check.erased == result.erasure.erased_seqs
    report = Report.from_events(events, number=number)
    assert report.is_erased
    assert report.state is ReportState.COMPLETED
    assert report.details.is_empty
    assert report.message == ""
    assert report.erasure == result.erasure
    assert (line.projection.number, line.projection.sla_stopped) == (number, True)
    assert line.projection.sla_deadline is not None
    # Followed up on time: an erasure a year later does not make it read as late.
    assert [r.sla for r in desk.list_reports()] == [SlaState.STOPPED]
    with world.storage.unit_of_work(read_only=True) as uow:
        messages = [m for m in world.storage.outbox.list(limit=100).items]
    assert messages
    assert all(m.payload == {"erased": True} for m in messages)
    assert all(m.provider_message_id is None for m in messages)
    assert all(m.status is not OutboxStatus.PENDING for m in messages)
    if world.kind != "memory":
        raw = world.raw()
        assert _leaks(raw) == []
        # Not even the sealed vault entries are left (secure_delete, the WAL truncated), nor
        # the WhatsApp message ids (which embed the sender's number): the inbox keeps their index.
        assert [t for t in tokens if t in raw] == []
        assert b"wamid.CONTOH.0001" not in raw


def _digest() -> tuple[str, ...]:
    import hashlib

    return (hashlib.sha256(PNG).hexdigest(),)


def test_an_erasure_is_refused_while_open_twice_and_by_a_non_officer(world: World) -> None:
    """Refusals are typed and change nothing: an open report, a section head, a bad basis, an
    empty reference, and a second erasure."""
    desk = world.services.desk
    (step,) = desk.ingest(parse_webhook(BODY)).steps
    number = step.number
    assert number is not None

    def version() -> int:
        with world.storage.unit_of_work(read_only=True) as uow:
            return uow.reports.get_by_number(number).version

    before = version()
    with pytest.raises(TransitionNotAllowedError) as info:
        desk.erase_personal_data(number, officer="petugas-01", basis="retention", reference="X")
    assert info.value.code == "report_not_ended"
    desk.close(number, officer="petugas-01", reason="spam")
    closed = version()
    with pytest.raises(StaffAuthorizationError):
        desk.erase_personal_data(number, officer="kasi-intel-01", basis="retention", reference="X")
    with pytest.raises(ReportInputError) as bad:
        desk.erase_personal_data(number, officer="petugas-01", basis="bosan", reference="X")
    assert bad.value.code == "invalid_erasure_basis"
    with pytest.raises(ReportInputError) as empty:
        desk.erase_personal_data(number, officer="petugas-01", basis="retention", reference=" ")
    assert empty.value.code == "erasure_reference_required"
    assert version() == closed > before
    desk.erase_personal_data(
        number, officer="petugas-01", basis="subject_request", reference="Surat 1/2026"
    )
    with pytest.raises(TransitionNotAllowedError) as twice:
        desk.erase_personal_data(
            number, officer="petugas-01", basis="subject_request", reference="Surat 1/2026"
        )
    assert twice.value.code == "personal_data_already_erased"
    assert version() == closed + 1


def test_without_the_key_the_vault_does_not_open(world: World) -> None:
    """The same database opened without the key (or with another) refuses to read a report's
    personal data with a typed error; with the key everything works."""
    if world.kind == "memory":
        pytest.skip("an in-memory storage cannot be reopened")
    number = _completed(world)
    world.storage.close()
    for cipher in (PlainFieldCipher(), AesGcmFieldCipher(StaticKeyring([bytes(32)]))):
        other = world._open(cipher)
        try:
            with other.unit_of_work(read_only=True) as uow:
                with pytest.raises(PersonalDataUnreadableError):
                    uow.reports.get_by_number(number)
                assert uow.reports.list_all().items[0].projection.number == number
        finally:
            other.close()
    again = world._open(world.cipher)
    try:
        with again.unit_of_work(read_only=True) as uow:
            stored = uow.reports.get_by_number(number)
            assert uow.reports.by_reporter(phone="+" + PHONE).items
        report = Report.from_events([Event.from_dict(e) for e in stored.events], number=number)
        assert (report.details.name, report.details.nik) == (NAME, NIK)
    finally:
        world.storage = again
