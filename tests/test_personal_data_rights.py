"""
Retention runs, legal holds and the subject's rights in the service layer, on memory, SQLite
and PostgreSQL: what is due, dry runs and real runs recorded, refusals that change nothing, and
a subject access export that holds everything about one reporter.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pendulum
import pytest

from layanan_aduan.adapters.evidence_store import InMemoryEvidenceStore
from layanan_aduan.adapters.holidays_id import indonesian_calendar
from layanan_aduan.adapters.messaging import InMemoryMediaFetcher, InMemoryMessenger
from layanan_aduan.adapters.staff import InMemoryStaffDirectory, staff_from_mapping
from layanan_aduan.adapters.storage import InMemoryStorage, PostgresStorage, SqliteStorage
from layanan_aduan.clock import FixedClock
from layanan_aduan.domain.evidence import EvidenceFile
from layanan_aduan.domain.history import verify
from layanan_aduan.domain.report import Actor, Report, ReporterDetails
from layanan_aduan.domain.retention import ErasureDue, RetentionPolicy
from layanan_aduan.domain.workflow import Role
from layanan_aduan.domain.worktime import WorkingTime
from layanan_aduan.exceptions import (
    LayananAduanError,
    ReportNotFoundError,
    RetentionRefusedError,
    StaffAuthorizationError,
    ValidationError,
)
from layanan_aduan.ports import Storage
from layanan_aduan.service_layer.bootstrap import compose
from layanan_aduan.service_layer.desk import Desk
from layanan_aduan.service_layer.report_stream import (
    assign_report_number,
    load_report,
    project,
    save_report,
)
from layanan_aduan.service_layer.retention import (
    holds,
    place_legal_hold,
    release_legal_hold,
    retention_candidates,
    run_retention,
)
from layanan_aduan.service_layer.subject_rights import erase_subject, export_subject
from layanan_aduan.testing.contracts import require_postgres_dsn

WIB = "Asia/Jakarta"
T0 = pendulum.datetime(2026, 1, 12, 9, tz=WIB)  # Monday 09:00
OFFICER = Actor("petugas-01", Role.OFFICER)
HEAD = Actor("kasi-intel-01", Role.SECTION_HEAD)
NIK = "3171010101900001"
PHONE = "+6281234567890"
OTHER_PHONE = "+6281298765432"
NAME = "Budi Santoso"


def pdf(report_id: str) -> bytes:
    """A small PDF of one report's own (so its digest is that report's alone)."""
    return b"%PDF-1.4\n% " + report_id.encode() + b"\n%%EOF\n"


def keep_evidence(*report_ids: str) -> InMemoryEvidenceStore:
    """An evidence store holding the PDFs of the reports named."""
    store = InMemoryEvidenceStore()
    for rid in report_ids:
        store.put(pdf(rid))
    return store


def digest(report_id: str) -> str:
    """The digest of one report's PDF."""
    return EvidenceFile.from_bytes(pdf(report_id)).sha256


STAFF = staff_from_mapping(
    {
        "staff": [
            {"id": "petugas-01", "name": "Rina", "phone": "+6281311112222", "roles": ["officer"]},
            {
                "id": "kasi-intel-01",
                "name": "Andi",
                "phone": "+6281100002222",
                "roles": ["section_head"],
            },
        ]
    },
    office="KNJP",
)
WORKING_TIME = WorkingTime(indonesian_calendar())


def build_report(
    report_id: str, *, phone: str = PHONE, end: str | None = "complete", minutes: int = 0
) -> Report:
    """A report submitted at T0 + ``minutes``: completed, closed, or left open."""
    start = T0.add(minutes=minutes)
    report = Report.submit(
        id=report_id,
        at=start,
        recorded_at=start,
        kind="aduan",
        actor=Actor(phone, Role.REPORTER),
        details=ReporterDetails(name=NAME, nik=NIK, phone=phone),
        message=f"Saya {NAME}, NIK {NIK}: dugaan pungli.",
        evidence=[pdf(report_id)],
    )
    if end == "close":
        report.close(at=start.add(minutes=5), actor=OFFICER, reason="duplicate")
        return report
    report.receive(at=start.add(minutes=5), actor=OFFICER)
    if end is None:
        return report
    report.forward(at=start.add(minutes=10), actor=OFFICER)
    report.give_direction(at=start.add(minutes=20), actor=HEAD, direction="Klarifikasi.")
    report.deliver_follow_up(at=start.add(minutes=30), actor=OFFICER, follow_up="Sudah.")
    return report


def store(storage: Storage, report: Report, office: str = "KNJP") -> str:
    """Store a report with a number; return the number."""
    with storage.unit_of_work() as uow:
        number = assign_report_number(uow.reports, report, office=office, year=2026)
        save_report(uow.reports, report, project(report, WORKING_TIME, office=office))
        uow.commit()
    return number


def make_desk(storage: Storage, at: pendulum.DateTime, **changes: Any) -> Desk:
    """A desk of KNJP on ``storage`` at a fixed instant, with its staff."""
    evidence = changes.pop("evidence", None) or InMemoryEvidenceStore()
    return compose(
        storage=storage,
        evidence=evidence,
        messenger=InMemoryMessenger(),
        media=InMemoryMediaFetcher(),
        clock=FixedClock(at),
        staff=InMemoryStaffDirectory({"KNJP": STAFF}),
        working_time=WORKING_TIME,
        reproject_on_start=False,
        **changes,
    ).desk


@pytest.fixture(params=["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def storage(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Storage]:
    """A new storage of each adapter."""
    made: Storage
    if request.param == "memory":
        made = InMemoryStorage()
    elif request.param == "sqlite":
        made = SqliteStorage.open(tmp_path / "aduan.sqlite3")
    else:
        made = PostgresStorage.open(
            require_postgres_dsn(), schema=f"t_{uuid.uuid4().hex[:16]}", max_size=2
        )
    yield made
    if isinstance(made, PostgresStorage):
        made.drop_schema()
    made.close()


class Recorder:
    """An eraser that records what it was asked to erase, refusing the ids it is told to."""

    def __init__(self, refuse: frozenset[str] = frozenset()) -> None:
        self.calls: list[tuple[str, str, str, str, str]] = []
        self.refuse = refuse

    def __call__(
        self, desk: Desk, due: ErasureDue, actor_id: str, basis: str, reference: str
    ) -> None:
        if due.report_id in self.refuse:
            raise RetentionRefusedError("ditolak", "refused", code="report_still_open")
        self.calls.append((due.report_id, due.scope, actor_id, basis, reference))


@pytest.fixture
def stored(storage: Storage) -> dict[str, str]:
    """Three ended reports (two completed, one closed) and one open, by id -> number."""
    out = {}
    for rid, end, minutes in (
        ("r-done", "complete", 0),
        ("r-closed", "close", 10),
        ("r-open", None, 20),
        ("r-other", "complete", 30),
    ):
        phone = OTHER_PHONE if rid == "r-other" else PHONE
        out[rid] = store(storage, build_report(rid, end=end, minutes=minutes, phone=phone))
    return out


def test_candidates_end_at_the_clock_stop_and_open_reports_never_end(
    storage: Storage, stored: dict[str, str]
) -> None:
    """A completed or closed report ends at its SLA clock's stop; an open one is not listed."""
    desk = make_desk(storage, T0.add(days=1))
    found, unreadable = retention_candidates(desk)
    assert unreadable == ()
    ends = {c.report_id: c.ended_at for c in found}
    assert set(ends) == {"r-done", "r-closed", "r-other"}
    assert ends["r-done"] == T0.add(minutes=30)
    assert ends["r-closed"] == T0.add(minutes=15)
    assert not any(c.held or c.erased for c in found)


def test_a_dry_run_lists_what_is_due_changes_nothing_and_is_recorded(
    storage: Storage, stored: dict[str, str]
) -> None:
    """Before end + period nothing is due; after it, a dry run lists the ended reports, erases
    nothing, and its record names them by id and number only."""
    early = run_retention(make_desk(storage, T0.add(days=729)))
    assert early.due == ()
    desk = make_desk(storage, T0.add(days=731))
    eraser = Recorder()
    outcome = run_retention(desk, erase=eraser)
    assert eraser.calls == []
    assert {d.report_id for d in outcome.due} == {"r-done", "r-closed", "r-other"}
    run = outcome.run
    assert run.dry_run
    assert run.actor_id == "system"
    assert run.policy == {"personal_data_days": 730, "evidence_days": 730}
    assert run.counts == {
        "ended": 3,
        "due": 3,
        "held": 0,
        "erased": 0,
        "failed": 0,
        "unreadable": 0,
    }
    assert {r["number"] for r in run.reports} == {
        stored[k] for k in ("r-done", "r-closed", "r-other")
    }
    text = repr(run.reports)
    assert NIK not in text
    assert PHONE not in text
    assert NAME not in text
    history = storage.retention_runs.recent()
    assert [r.run_id for r in history] == [outcome.run.run_id, early.run.run_id]
    assert history[0] == outcome.run


def test_a_real_run_needs_an_authorised_actor_and_refuses_without_changing_anything(
    storage: Storage, stored: dict[str, str]
) -> None:
    """A real run by nobody, an unknown id or someone who is not an officer (the section head)
    is refused; nothing is erased and no run is recorded."""
    desk = make_desk(storage, T0.add(days=731))
    eraser = Recorder()
    for actor in (None, "nobody", "kasi-intel-01"):
        with pytest.raises(StaffAuthorizationError):
            run_retention(desk, actor_id=actor, dry_run=False, erase=eraser)
    assert eraser.calls == []
    assert storage.retention_runs.recent() == []


def test_a_real_run_erases_each_due_report_and_records_failures(
    storage: Storage, stored: dict[str, str]
) -> None:
    """Each due report goes to the eraser with a basis and a reference; a refusal is counted
    and the rest go on; the record lists only what was erased."""
    desk = make_desk(storage, T0.add(days=731))
    eraser = Recorder(refuse=frozenset({"r-closed"}))
    outcome = run_retention(desk, actor_id="petugas-01", dry_run=False, erase=eraser)
    assert {c[0] for c in eraser.calls} == {"r-done", "r-other"}
    assert all(c[1] == "personal_data" and c[2] == "petugas-01" for c in eraser.calls)
    assert all(c[3] == "retention" for c in eraser.calls)
    assert all(c[4].startswith("retensi 2028-01-") and "730 hari" in c[4] for c in eraser.calls)
    assert all(len(c[4]) <= 300 for c in eraser.calls)
    assert [(d.report_id, code) for d, code in outcome.failed] == [
        ("r-closed", "report_still_open")
    ]
    assert outcome.run.counts["erased"] == 2
    assert outcome.run.counts["failed"] == 1
    assert not outcome.run.dry_run
    assert {r["report_id"] for r in outcome.run.reports} == {"r-done", "r-other"}


def test_evidence_is_due_before_personal_data_under_a_shorter_period(
    storage: Storage, stored: dict[str, str]
) -> None:
    """With evidence kept 30 days and personal data 730, at day 31 only evidence is due, and
    only for reports whose files are still kept."""
    evidence = keep_evidence("r-done", "r-other")
    policy = RetentionPolicy(personal_data_days=730, evidence_days=30)
    desk = make_desk(storage, T0.add(days=31), evidence=evidence)
    outcome = run_retention(desk, policy=policy)
    assert {(d.report_id, d.scope) for d in outcome.due} == {
        ("r-done", "evidence"),
        ("r-other", "evidence"),
    }
    bare = make_desk(storage, T0.add(days=31))
    assert run_retention(bare, policy=policy).due == ()


def test_a_held_report_is_never_due_until_released(
    storage: Storage, stored: dict[str, str]
) -> None:
    """A legal hold keeps a report out of every run; releasing it makes it due again; both are
    recorded in its audit log with who and why."""
    desk = make_desk(storage, T0.add(days=800))
    number = stored["r-done"]
    hold = place_legal_hold(
        desk, number, actor_id="kasi-intel-01", reason="Penyidikan berjalan", reference="B-12"
    )
    assert hold.held
    assert hold.number == number
    outcome = run_retention(desk)
    assert "r-done" not in {d.report_id for d in outcome.due}
    assert outcome.held == (number,)
    assert outcome.run.counts["held"] == 1
    release_legal_hold(desk, number, actor_id="kasi-intel-01", reason="Perkara selesai")
    assert "r-done" in {d.report_id for d in run_retention(desk).due}
    with storage.unit_of_work(read_only=True) as uow:
        records = uow.reports.audit_records("r-done")
    assert [(r["kind"], r["held"]) for r in records] == [
        ("legal_hold", True),
        ("legal_hold", False),
    ]


def test_hold_refusals_change_nothing(storage: Storage, stored: dict[str, str]) -> None:
    """Holding twice, releasing what is not held, an officer, an empty reason or an unknown
    report are refused with typed errors, and the audit log stays as it was."""
    desk = make_desk(storage, T0.add(days=1))
    number = stored["r-done"]
    with pytest.raises(RetentionRefusedError) as info:
        release_legal_hold(desk, number, actor_id="kasi-intel-01", reason="x")
    assert info.value.code == "not_held"
    with pytest.raises(StaffAuthorizationError):
        place_legal_hold(desk, number, actor_id="petugas-01", reason="x")
    with pytest.raises(ValidationError):
        place_legal_hold(desk, number, actor_id="kasi-intel-01", reason="  ")
    with pytest.raises(ReportNotFoundError):
        place_legal_hold(desk, "LAP/KNJP/2026/999999", actor_id="kasi-intel-01", reason="x")
    place_legal_hold(desk, number, actor_id="kasi-intel-01", reason=f"NIK {NIK} disidik")
    with pytest.raises(RetentionRefusedError) as info:
        place_legal_hold(desk, number, actor_id="kasi-intel-01", reason="lagi")
    assert info.value.code == "already_held"
    with storage.unit_of_work(read_only=True) as uow:
        records = uow.reports.audit_records("r-done")
    assert len(records) == 1
    assert NIK not in records[0]["reason"]


def test_a_real_run_erases_through_the_desk_and_the_history_still_verifies(
    storage: Storage, stored: dict[str, str]
) -> None:
    """With the desk's own erasure, a run erases every due report (the erasure event in the
    history, which still verifies; the evidence file deleted), records them, and a second
    run finds nothing due."""
    evidence = keep_evidence("r-done", "r-closed", "r-other", "r-open")
    desk = make_desk(storage, T0.add(days=800), evidence=evidence)
    outcome = run_retention(desk, actor_id="petugas-01", dry_run=False)
    assert outcome.failed == ()
    assert {d.report_id for d in outcome.erased} == {"r-done", "r-closed", "r-other"}
    assert outcome.run.counts["erased"] == 3
    with storage.unit_of_work(read_only=True) as uow:
        report = load_report(uow.reports, "r-done")
        stored_report = uow.reports.get("r-done")
    assert report.is_erased
    assert report.events[-1].action == "erase_personal_data"
    assert report.events[-1].payload["basis"] == "retention"
    check = verify(report.events, version=stored_report.version)
    assert check.ok
    assert not evidence.contains(digest("r-done"))
    assert evidence.contains(digest("r-open"))
    again = run_retention(desk)
    assert again.due == ()
    assert again.run.counts["ended"] == 3


def test_evidence_alone_is_not_erased_by_the_desk(storage: Storage, stored: dict[str, str]) -> None:
    """An evidence-only due (a shorter evidence period) is refused per report by the desk's
    eraser (erasure_unavailable), counted as failed; nothing is erased."""
    evidence = keep_evidence("r-done", "r-closed", "r-other")
    policy = RetentionPolicy(personal_data_days=730, evidence_days=30)
    desk = make_desk(storage, T0.add(days=31), evidence=evidence)
    outcome = run_retention(desk, actor_id="petugas-01", dry_run=False, policy=policy)
    assert {code for _, code in outcome.failed} == {"erasure_unavailable"}
    assert outcome.erased == ()
    assert evidence.contains(digest("r-done"))


def test_a_subject_erased_on_request_is_no_longer_found(
    storage: Storage, stored: dict[str, str]
) -> None:
    """A subject's erasure through the desk records the ground and the request; afterwards
    an export by their number finds nothing held."""
    desk = make_desk(storage, T0.add(days=1))
    assert len(export_subject(desk, phone=OTHER_PHONE)["reports"]) == 1
    done = erase_subject(
        desk, phone=OTHER_PHONE, actor_id="petugas-01", reference="Permintaan (S-2)"
    )
    assert done.erased == (stored["r-other"],)
    with storage.unit_of_work(read_only=True) as uow:
        report = load_report(uow.reports, "r-other")
    assert report.events[-1].payload["basis"] == "subject_request"
    assert report.events[-1].payload["reference"] == "Permintaan (S-2)"
    assert export_subject(desk, phone=OTHER_PHONE)["reports"] == []


def test_refusals_are_typed(storage: Storage) -> None:
    """Every refusal of this module is a LayananAduanError with a stable code."""
    desk = make_desk(storage, T0)
    with pytest.raises(LayananAduanError) as info:
        run_retention(desk, actor_id="nobody", dry_run=False)
    assert info.value.code == "unknown_staff"


# --- the subject's rights ---------------------------------------------------------------------


def _notify(storage: Storage, report_id: str, key: str, phone: str, text: str) -> None:
    with storage.unit_of_work() as uow:
        uow.outbox.put(
            key,
            {"recipient": {"phone": phone, "user_id": None}, "text": text, "notification": "ack"},
            created_at=T0,
            report_id=report_id,
            office="KNJP",
        )
        uow.commit()


def test_an_export_holds_everything_about_one_reporter(
    storage: Storage, stored: dict[str, str]
) -> None:
    """The export lists the reporter's reports (not another's) with identity, both instants
    of every event, evidence digests and the notifications with their status; a message to
    staff shows no text."""
    _notify(storage, "r-done", "k-ack", PHONE, "Laporan Anda diterima.")
    _notify(storage, "r-done", "k-staff", "+6281100002222", f"Laporan baru dari {NAME}")
    _notify(storage, "r-other", "k-other", OTHER_PHONE, "Laporan lain.")
    storage.outbox.mark_sent("k-ack", at=T0.add(minutes=1))
    desk = make_desk(storage, T0.add(days=1), evidence=keep_evidence("r-done"))
    export = export_subject(desk, phone=PHONE)
    assert export["format"] == "layanan-aduan/akses-subjek/v1"
    assert export["subject"] == {"phone": PHONE, "whatsapp_user_id": None}
    reports = {r["report_id"]: r for r in export["reports"]}
    assert set(reports) == {"r-done", "r-closed", "r-open"}
    done = reports["r-done"]
    assert done["number"] == stored["r-done"]
    assert done["details"]["nik"] == NIK
    assert NIK in done["message"]
    assert done["ended_at"] == "2026-01-12T02:30:00Z"
    assert not done["erased"]
    assert not done["legal_hold"]
    first = done["events"][0]
    assert first["action"] == first["event"]["action"] == "submit"
    assert first["at"] == first["recorded_at"] == "2026-01-12T02:00:00Z"
    assert [e["action"] for e in done["events"]][-1] == "deliver_follow_up"
    assert done["evidence"][0]["kept"] is True
    assert len(done["evidence"][0]["sha256"]) == 64
    notes = {n["key"]: n for n in done["notifications"]}
    assert notes["k-ack"]["to"] == "subject"
    assert notes["k-ack"]["status"] == "sent"
    assert notes["k-ack"]["text"] == "Laporan Anda diterima."
    assert notes["k-staff"]["to"] == "staff"
    assert notes["k-staff"]["text"] is None
    assert reports["r-open"]["ended_at"] is None


def test_an_export_of_nobody_holds_nothing_and_a_lookup_is_needed(storage: Storage) -> None:
    """An unknown reporter's export has no reports; no lookup or a bad number is refused."""
    desk = make_desk(storage, T0)
    assert export_subject(desk, phone="+6289999999999")["reports"] == []
    with pytest.raises(ValidationError) as info:
        export_subject(desk)
    assert info.value.code == "lookup_missing"
    with pytest.raises(LayananAduanError) as info:
        export_subject(desk, phone="0812-bukan")
    assert "0812" not in str(info.value)


def test_subject_erasure_refuses_while_a_report_is_open(
    storage: Storage, stored: dict[str, str]
) -> None:
    """One open report of the reporter refuses the whole erasure, listing it; nothing is
    erased."""
    desk = make_desk(storage, T0.add(days=1))
    eraser = Recorder()
    with pytest.raises(RetentionRefusedError) as info:
        erase_subject(desk, phone=PHONE, actor_id="petugas-01", reference="S-1", erase=eraser)
    assert info.value.code == "report_still_open"
    assert info.value.details["open"] == [stored["r-open"]]
    assert PHONE not in str(info.value)
    assert eraser.calls == []


def test_subject_erasure_erases_every_ended_report_of_the_reporter(
    storage: Storage, stored: dict[str, str]
) -> None:
    """With every report ended, each one of the reporter (and no other's) is erased with the
    stated basis and reference, by an authorised actor."""
    desk = make_desk(storage, T0.add(days=1))
    eraser = Recorder()
    with pytest.raises(StaffAuthorizationError):
        erase_subject(
            desk, phone=OTHER_PHONE, actor_id="kasi-intel-01", reference="x", erase=eraser
        )
    with pytest.raises(ValidationError):
        erase_subject(desk, phone=OTHER_PHONE, actor_id="petugas-01", reference=" ", erase=eraser)
    assert eraser.calls == []
    done = erase_subject(
        desk,
        phone=OTHER_PHONE,
        actor_id="petugas-01",
        reference="Permintaan penghapusan subjek data (S-1/2026)",
        erase=eraser,
    )
    assert done.erased == (stored["r-other"],)
    assert eraser.calls == [
        (
            "r-other",
            "personal_data",
            "petugas-01",
            "subject_request",
            "Permintaan penghapusan subjek data (S-1/2026)",
        )
    ]
    with pytest.raises(ValidationError) as info:
        erase_subject(desk, phone=OTHER_PHONE, actor_id="petugas-01", reference="x", basis="bosan")
    assert info.value.code == "invalid_erasure_basis"
    with pytest.raises(ValidationError):
        erase_subject(desk, phone=OTHER_PHONE, actor_id="petugas-01", reference="y" * 301)
    assert len(eraser.calls) == 1


def test_subject_erasure_refuses_a_held_report_and_nobody(
    storage: Storage, stored: dict[str, str]
) -> None:
    """A report under a legal hold refuses the erasure; a reporter with no report here is
    refused as no_reports; nothing is erased."""
    desk = make_desk(storage, T0.add(days=1))
    place_legal_hold(desk, stored["r-other"], actor_id="kasi-intel-01", reason="Penyidikan")
    eraser = Recorder()
    with pytest.raises(RetentionRefusedError) as info:
        erase_subject(desk, phone=OTHER_PHONE, actor_id="petugas-01", reference="x", erase=eraser)
    assert info.value.code == "legal_hold"
    with pytest.raises(RetentionRefusedError) as info:
        erase_subject(
            desk, phone="+6289999999999", actor_id="petugas-01", reference="x", erase=eraser
        )
    assert info.value.code == "no_reports"
    assert eraser.calls == []


def test_a_report_that_does_not_verify_is_never_erased(tmp_path: Path) -> None:
    """A report whose stored history was edited is counted unreadable, listed by number, and
    never handed to the eraser; the others still are."""
    import sqlite3

    path = tmp_path / "aduan.sqlite3"
    with SqliteStorage.open(path) as storage:
        store(storage, build_report("r-good", end="close"))
        bad = store(storage, build_report("r-bad", end="close", minutes=1))
    with sqlite3.connect(path) as conn:
        conn.execute(
            "UPDATE report_events SET payload = replace(payload, 'duplicate', 'spam') "
            "WHERE report_id = 'r-bad'"
        )
    with SqliteStorage.open(path) as storage:
        desk = make_desk(storage, T0.add(days=800))
        eraser = Recorder()
        outcome = run_retention(desk, actor_id="petugas-01", dry_run=False, erase=eraser)
        assert [c[0] for c in eraser.calls] == ["r-good"]
        assert [name for name, _ in outcome.unreadable] == [bad]
        assert outcome.run.counts["unreadable"] == 1


def test_holds_reads_each_reports_hold(storage: Storage, stored: dict[str, str]) -> None:
    """holds() answers the current hold of each report asked, None for one never held."""
    desk = make_desk(storage, T0.add(days=1))
    place_legal_hold(desk, stored["r-done"], actor_id="kasi-intel-01", reason="Sidik")
    found = holds(desk, [stored["r-done"], "r-closed"])
    assert found[0] is not None
    assert found[0].held
    assert found[0].actor_id == "kasi-intel-01"
    assert found[1] is None
