"""
Deadlines follow the calendar: the calendar fingerprint, re-projection after each kind of
calendar change on every adapter (memory, SQLite, PostgreSQL), the reporter told once, the
``hitung-ulang`` command and the sweep's re-check against the current calendar.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import pendulum
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from layanan_aduan.adapters.evidence_store import InMemoryEvidenceStore
from layanan_aduan.adapters.holidays_id import indonesian_calendar
from layanan_aduan.adapters.messaging import InMemoryMediaFetcher, InMemoryMessenger
from layanan_aduan.adapters.staff import InMemoryStaffDirectory
from layanan_aduan.adapters.storage import InMemoryStorage, SqliteStorage
from layanan_aduan.clock import FixedClock
from layanan_aduan.domain.calendar import (
    DEFAULT_OFFICE_SCHEDULE,
    DataPolicy,
    DayKind,
    NonWorkingDay,
    OfficeCalendar,
    OfficeSchedule,
    Overrides,
    Reopening,
    SpecialHours,
    YearHolidays,
)
from layanan_aduan.domain.calendar_fingerprint import calendar_fingerprint
from layanan_aduan.domain.report import Actor, Report, ReporterDetails
from layanan_aduan.domain.staff import Assignment, StaffMember, StaffRole
from layanan_aduan.domain.standard import KEJARI_JAKARTA_PUSAT
from layanan_aduan.domain.worktime import SlaStatus, WorkingTime
from layanan_aduan.entrypoints.cli import main
from layanan_aduan.exceptions import ValidationError
from layanan_aduan.notifications import NotificationKind
from layanan_aduan.ports import Storage
from layanan_aduan.service_layer.bootstrap import Services, compose
from layanan_aduan.service_layer.report_stream import (
    assign_report_number,
    load_report,
    project,
    save_report,
)
from layanan_aduan.testing.contracts import require_postgres_dsn

WIB = "Asia/Jakarta"
OFFICE = "KNJP"
GOAL = KEJARI_JAKARTA_PUSAT.completion_time
# Friday 9 January 2026, 14:00 WIB: 2 working hours left that day, the third on Monday.
SUBMITTED = pendulum.datetime(2026, 1, 9, 14, tz=WIB)
MONDAY = dt.date(2026, 1, 12)
MONDAY_9 = pendulum.datetime(2026, 1, 12, 9, tz=WIB)
TUESDAY_9 = pendulum.datetime(2026, 1, 13, 9, tz=WIB)


@attrs.frozen
class FakeSource:
    """A holiday source whose data and data version a test chooses (a new release, a decree)."""

    days: tuple[NonWorkingDay, ...] = ()
    data_version: str = "test-1"

    def non_working_days(self, year: int) -> YearHolidays:
        return YearHolidays(year, tuple(d for d in self.days if d.date.year == year), decreed=True)


@attrs.frozen
class UnversionedSource:
    """A holiday source that names no data version: its answers identify it."""

    days: tuple[NonWorkingDay, ...] = ()

    def non_working_days(self, year: int) -> YearHolidays:
        return YearHolidays(year, tuple(d for d in self.days if d.date.year == year), decreed=True)


def calendar(source: Any = None, overrides: Overrides | None = None) -> WorkingTime:
    return WorkingTime(
        OfficeCalendar(
            DEFAULT_OFFICE_SCHEDULE,
            FakeSource() if source is None else source,
            Overrides() if overrides is None else overrides,
        )
    )


LEAVE = NonWorkingDay(MONDAY, DayKind.JOINT_LEAVE, "Cuti bersama (contoh)", "Joint leave")
DECREED_LEAVE = attrs.evolve(LEAVE, legal_basis="SKB 1/2026, 2/2026, 3/2026")


# --- the fingerprint -------------------------------------------------------------------------


def test_fingerprint_is_the_same_in_another_process() -> None:
    """The fingerprint is a stable digest: a fresh interpreter computes the same one."""
    overrides = Overrides(
        closed=[LEAVE],
        reopened=[Reopening(dt.date(2026, 3, 20), "Dibuka")],
        special_hours=[SpecialHours.of(MONDAY, MONDAY, "Rapat", days="10:00-12:00")],
        decreed_years=[2028, 2029, 2030],
    )
    here = calendar_fingerprint(indonesian_calendar(overrides=overrides))
    code = (
        "import datetime as dt\n"
        "from layanan_aduan.adapters.holidays_id import indonesian_calendar\n"
        "from layanan_aduan.domain.calendar import *\n"
        "from layanan_aduan.domain.calendar_fingerprint import calendar_fingerprint\n"
        "d = dt.date(2026, 1, 12)\n"
        "o = Overrides(closed=[NonWorkingDay(d, DayKind.JOINT_LEAVE, 'Cuti bersama (contoh)',"
        " 'Joint leave')], reopened=[Reopening(dt.date(2026, 3, 20), 'Dibuka')],"
        " special_hours=[SpecialHours.of(d, d, 'Rapat', days='10:00-12:00')],"
        " decreed_years=[2030, 2029, 2028])\n"
        "print(calendar_fingerprint(indonesian_calendar(overrides=o)))\n"
    )
    there = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONHASHSEED": "12345", "PATH": ""},
    ).stdout.strip()
    assert here is not None
    assert len(here) == 64
    assert there == here


def test_every_kind_of_calendar_change_changes_the_fingerprint() -> None:
    """Overrides (closed, reopened, special hours, decreed years), the week, the zone, the
    policy and the holiday data (by version, or by content without one) each count."""
    base = OfficeCalendar(DEFAULT_OFFICE_SCHEDULE, FakeSource())
    variants = [
        attrs.evolve(base, overrides=Overrides(closed=[LEAVE])),
        attrs.evolve(base, overrides=Overrides(reopened=[Reopening(MONDAY, "Dibuka")])),
        attrs.evolve(
            base,
            overrides=Overrides(
                special_hours=[SpecialHours.of(MONDAY, MONDAY, "R", days="10:00-12:00")]
            ),
        ),
        attrs.evolve(base, overrides=Overrides(decreed_years=[2030])),
        attrs.evolve(base, schedule=OfficeSchedule(timezone="Asia/Makassar")),
        attrs.evolve(base, policy=DataPolicy.STRICT),
        attrs.evolve(base, source=FakeSource(data_version="test-2")),
        OfficeCalendar(DEFAULT_OFFICE_SCHEDULE, UnversionedSource()),
        OfficeCalendar(DEFAULT_OFFICE_SCHEDULE, UnversionedSource((LEAVE,))),
    ]
    prints = [calendar_fingerprint(c) for c in [base, *variants]]
    assert len(set(prints)) == len(prints)
    again = OfficeCalendar(DEFAULT_OFFICE_SCHEDULE, UnversionedSource((LEAVE,)))
    assert calendar_fingerprint(again) == prints[-1]
    assert calendar(FakeSource()).calendar_fingerprint == prints[0]


def test_a_calendar_without_a_fingerprint_reprojects_nothing() -> None:
    """A bare WorkingCalendar gives no fingerprint: nothing can be compared, nothing moves."""

    class Bare:
        timezone = WIB

        def schedule_for(self, day: dt.date) -> Any:
            return OfficeCalendar(DEFAULT_OFFICE_SCHEDULE, FakeSource()).schedule_for(day)

    engine = WorkingTime(Bare())
    assert engine.calendar_fingerprint is None
    services = _compose(InMemoryStorage(), engine)
    result = services.desk.reproject()
    assert (result.calendar, result.reports) == (None, ())


# --- re-projection on every adapter ----------------------------------------------------------


def _staff() -> InMemoryStaffDirectory:
    head = StaffMember(
        "kasi-intel-01",
        "Andi Pratama",
        phone="+6281100002222",
        assignments=(Assignment(StaffRole.SECTION_HEAD, OFFICE),),
    )
    return InMemoryStaffDirectory({OFFICE: [head]})


def _compose(
    storage: Storage, working_time: WorkingTime, at: pendulum.DateTime = SUBMITTED, **kw: Any
) -> Services:
    return compose(
        storage=storage,
        evidence=InMemoryEvidenceStore(),
        messenger=InMemoryMessenger(),
        media=InMemoryMediaFetcher(),
        clock=FixedClock(at),
        staff=_staff(),
        working_time=working_time,
        **kw,
    )


def _store(storage: Storage, working_time: WorkingTime, at: pendulum.DateTime = SUBMITTED) -> str:
    """Submit one report at ``at`` and store it projected with ``working_time``."""
    report = Report.submit(
        id=f"r-{uuid.uuid4().hex[:12]}",
        at=at,
        actor=Actor("+6281234567890", "reporter"),
        kind="aduan",
        details=ReporterDetails(
            name="Budi Santoso", nik="3171010101900001", phone="+6281234567890"
        ),
        message="Dugaan pungli.",
        evidence=[b"%PDF-1.4\n%%EOF\n"],
    )
    with storage.unit_of_work() as uow:
        assign_report_number(uow.reports, report, office=OFFICE, year=at.year)
        save_report(uow.reports, report, project(report, working_time, office=OFFICE))
        uow.commit()
    return report.id


@pytest.fixture(params=["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def storage(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Storage]:
    if request.param == "memory":
        yield InMemoryStorage()
        return
    if request.param == "sqlite":
        s: Any = SqliteStorage.open(tmp_path / "db.sqlite3")
        yield s
        s.close()
        return
    from layanan_aduan.adapters.storage import PostgresStorage

    pg = PostgresStorage.open(require_postgres_dsn(), schema=f"t_{uuid.uuid4().hex[:16]}")
    yield pg
    pg.drop_schema()
    pg.close()


def _outbox_kinds(storage: Storage) -> list[str]:
    return [m.payload["notification"] for m in storage.outbox.list(limit=1000).items]


# (before, after, expected new deadline, the reason's kind, told?)
CHANGES: dict[str, tuple[WorkingTime, WorkingTime, pendulum.DateTime, str, bool]] = {
    "override_closed_day": (
        calendar(),
        calendar(overrides=Overrides(closed=[LEAVE])),
        TUESDAY_9,
        "closed",
        True,
    ),
    "override_reopened_day": (
        calendar(FakeSource((DECREED_LEAVE,))),
        calendar(FakeSource((DECREED_LEAVE,)), Overrides(reopened=[Reopening(MONDAY, "Batal")])),
        MONDAY_9,
        "reopened",
        False,
    ),
    "override_special_hours": (
        calendar(),
        calendar(
            overrides=Overrides(
                special_hours=[SpecialHours.of(MONDAY, MONDAY, "Upacara", days="10:00-12:00")]
            )
        ),
        pendulum.datetime(2026, 1, 12, 11, tz=WIB),
        "special_hours",
        False,
    ),
    "new_decree_in_the_holiday_data": (
        calendar(FakeSource(data_version="2026-provisional")),
        calendar(FakeSource((DECREED_LEAVE,), data_version="2026-decreed")),
        TUESDAY_9,
        "closed",
        True,
    ),
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_a_desk_started_with_a_changed_calendar_reprojects_open_reports(
    storage: Storage, change: str
) -> None:
    """After each kind of calendar change the stored deadline moves to where the domain puts
    it, the reason is named, the reporter is told only of a later deadline caused by a
    closure, and running again changes nothing."""
    before, after, expected, reason_kind, told = CHANGES[change]
    rid = _store(storage, before)
    stopped = _store(storage, before)
    with storage.unit_of_work() as uow:  # a stopped clock is not re-projected
        report = load_report(uow.reports, stopped)
        report.close(
            at=SUBMITTED.add(minutes=5), actor=Actor("petugas-01", "officer"), reason="spam"
        )
        save_report(uow.reports, report, project(report, before, office=OFFICE))
        uow.commit()
    old = _projection(storage, rid)
    assert old.calendar_fingerprint == before.calendar_fingerprint
    desk = _compose(storage, after, reproject_on_start=False).desk

    dry = desk.reproject(apply=False)
    assert [r.report_id for r in dry.reports] == [rid]
    (item,) = dry.moved
    assert (item.old_deadline, item.new_deadline) == (old.sla_deadline, expected)
    assert [r.kind for r in item.reasons] == [reason_kind]
    assert _projection(storage, rid) == old  # a dry run stores nothing
    assert _outbox_kinds(storage).count("deadline_moved") == 0

    _compose(storage, after, at=SUBMITTED.add(minutes=10))  # desk start re-projects
    now = _projection(storage, rid)
    assert now.sla_deadline == expected
    assert now.calendar_fingerprint == after.calendar_fingerprint
    with storage.unit_of_work(read_only=True) as uow:
        assert uow.reports.get(rid).version == 1  # the history is untouched
        domain = load_report(uow.reports, rid).sla(SUBMITTED, after, goal=GOAL)
    assert domain.deadline == now.sla_deadline
    assert _outbox_kinds(storage).count("deadline_moved") == (1 if told else 0)
    assert desk.reproject().reports == ()
    with storage.unit_of_work(read_only=True) as uow:
        (record,) = uow.reports.audit_records(rid)
        assert uow.reports.audit_records(stopped) == ()
    assert record["kind"] == "sla_reprojected"
    assert record["old_calendar"] == before.calendar_fingerprint
    assert record["new_calendar"] == after.calendar_fingerprint
    assert record["new_deadline"] == expected.in_timezone("UTC").isoformat()
    assert [r["kind"] for r in record["reasons"]] == [reason_kind]
    assert record["recorded_at"] == SUBMITTED.add(minutes=10).in_timezone("UTC").isoformat()


def _projection(storage: Storage, report_id: str) -> Any:
    with storage.unit_of_work(read_only=True) as uow:
        return uow.reports.get(report_id).projection


def test_the_reporter_is_told_once_with_the_reason_and_the_new_deadline(
    storage: Storage,
) -> None:
    """The deadline_moved notice names the new deadline and the closure, once: a later run
    (even over a projection whose calendar is unknown again) puts nothing new."""
    rid = _store(storage, calendar())
    after = calendar(overrides=Overrides(closed=[LEAVE]))
    result = _compose(storage, after, reproject_on_start=False).desk.reproject()
    (notice,) = result.notices
    assert notice.kind is NotificationKind.DEADLINE_MOVED
    message = storage.outbox.get(notice.key)
    text = message.payload["text"]
    assert "Selasa, 13 Januari 2026 pukul 09.00 WIB" in text
    assert "2026-01-12 Cuti bersama (contoh)" in text
    assert message.payload["recipient"]["phone"] == "+6281234567890"
    (item,) = result.reports
    assert (
        item.reasons[0].describe() == "2026-01-12: Cuti bersama (contoh) (cuti bersama; override)"
    )
    # A row whose fingerprint is unknown (stored before fingerprints) is re-projected again...
    with storage.unit_of_work() as uow:
        stored = uow.reports.get(rid)
        uow.reports.append(rid, 1, [], attrs.evolve(stored.projection, calendar_fingerprint=None))
        uow.commit()
    again = _compose(storage, after, reproject_on_start=False).desk.reproject()
    # ... but the reporter already heard of that deadline.
    assert [r.report_id for r in again.reports] == [rid]
    assert again.notices == ()
    assert _outbox_kinds(storage).count("deadline_moved") == 1


def test_batches_cover_every_stale_report_and_bad_sizes_are_refused() -> None:
    """Re-projection pages through the stale reports; a batch size outside 1..1000 is refused
    before anything changes."""
    storage = InMemoryStorage()
    ids = [_store(storage, calendar()) for _ in range(5)]
    desk = _compose(
        storage, calendar(overrides=Overrides(closed=[LEAVE])), reproject_on_start=False
    ).desk
    for bad in (0, 1001, True):
        with pytest.raises(ValidationError) as info:
            desk.reproject(batch_size=bad)
        assert info.value.code == "invalid_batch_size"
    assert _outbox_kinds(storage).count("deadline_moved") == 0
    result = desk.reproject(batch_size=2)
    assert [r.report_id for r in result.reports] == ids
    assert len(result.notices) == 5


def test_a_report_that_cannot_be_reprojected_does_not_hold_back_the_others() -> None:
    """A report whose history fails its check is reported as a failure, left as stored, and
    the other reports are re-projected."""
    storage = InMemoryStorage()
    bad = _store(storage, calendar())
    good = _store(storage, calendar())
    with storage.unit_of_work() as uow:
        stored = uow.reports.get(bad)
        uow.reports.append(bad, 1, [], attrs.evolve(stored.projection, head_hash="0" * 64))
        uow.commit()
    after = calendar(overrides=Overrides(closed=[LEAVE]))
    result = _compose(storage, after, reproject_on_start=False).desk.reproject()
    assert [r.report_id for r in result.reports] == [good]
    assert result.failures == ((bad, "history_tampered"),)
    assert _projection(storage, bad).calendar_fingerprint != after.calendar_fingerprint


# --- the command -----------------------------------------------------------------------------


def _cli(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(list(args), stdout=out)
    return code, out.getvalue()


def test_hitung_ulang_shows_then_applies_a_short_notice_cuti_bersama(tmp_path: Path) -> None:
    """Without --jalankan the command shows what would move and why, changing nothing; with
    it the deadline moves and the reporter is told; --json gives one object per report."""
    db = tmp_path / "desk.sqlite3"
    storage = SqliteStorage.open(db)
    rid = _store(storage, WorkingTime(indonesian_calendar()))
    storage.close()
    overrides = tmp_path / "libur.toml"
    overrides.write_text('[closed]\n2026-01-12 = "Cuti bersama (contoh)"\n', encoding="utf-8")
    common = (
        "--db",
        str(db),
        "--overrides",
        str(overrides),
        "--waktu",
        "2026-01-09T14:30:00+07:00",
    )

    code, out = _cli("hitung-ulang", *common)
    assert code == 0
    lines = out.splitlines()
    assert lines[0].endswith("2026-01-12 09:00 WIB -> 2026-01-13 09:00 WIB\tberpindah")
    assert lines[1] == "\t2026-01-12: Cuti bersama (contoh) (cuti bersama; override)"
    assert lines[-1].startswith("uji coba: 1 laporan dihitung ulang, 1 tenggat akan berpindah")

    code, out = _cli("hitung-ulang", *common, "--json")
    record = json.loads(out.splitlines()[0])
    assert record["report_id"] == rid
    assert record["new_deadline"] == "2026-01-13T09:00:00+07:00"
    assert record["reasons"][0]["override"] is True

    code, out = _cli("hitung-ulang", *common, "--jalankan")
    assert code == 0
    assert "pelapor diberi tahu" in out
    assert out.splitlines()[-1] == "dihitung ulang: 1 laporan, 1 tenggat berpindah"
    code, out = _cli("hitung-ulang", *common)
    assert out.splitlines() == [
        "uji coba: 0 laporan dihitung ulang, 0 tenggat akan berpindah; "
        "jalankan dengan --jalankan untuk menyimpan"
    ]


def test_desk_commands_with_new_overrides_reproject_before_they_list_or_sweep(
    tmp_path: Path,
) -> None:
    """A desk command started with --overrides re-projects first: pantau on Monday noon sends no
    breach for a deadline the new cuti bersama moved to Tuesday, and daftar shows Tuesday."""
    db = tmp_path / "desk.sqlite3"
    storage = SqliteStorage.open(db)
    _store(storage, WorkingTime(indonesian_calendar()))
    storage.close()
    overrides = tmp_path / "libur.toml"
    overrides.write_text('[closed]\n2026-01-12 = "Cuti bersama (contoh)"\n', encoding="utf-8")
    staff = tmp_path / "staf.toml"
    staff.write_text(
        '[[staff]]\nid = "kasi"\nname = "Andi Pratama"\nphone = "+6281233334444"\n'
        'roles = ["section_head"]\n',
        encoding="utf-8",
    )
    monday_noon = ("--db", str(db), "--staf", str(staff), "--waktu", "2026-01-12T12:00:00+07:00")
    code, out = _cli("pantau", *monday_noon, "--overrides", str(overrides))
    # Two of the three working hours are used (Friday), Monday is closed: at risk, not breached.
    assert code == 0
    assert out.splitlines()[-1] == "peringatan diantrekan: 1"
    assert "sla_at_risk" in out
    code, out = _cli("daftar", *monday_noon, "--overrides", str(overrides))
    assert "tenggat 2026-01-13 09:00 WIB" in out
    # Without the overrides the desk re-projects back to Monday 09:00: now the breach is real.
    code, out = _cli("pantau", *monday_noon)
    assert "sla_breached" in out


def test_hitung_ulang_refuses_a_broken_overrides_file_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A bad overrides file is a one-line Indonesian refusal with exit status 2."""
    bad = tmp_path / "libur.toml"
    bad.write_text("[closed]\n2026-02-30 = 'Libur'\n", encoding="utf-8")
    code, _ = _cli("hitung-ulang", "--db", str(tmp_path / "x.sqlite3"), "--overrides", str(bad))
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert len(err) == 1
    assert "tidak valid" in err[0]


# --- the sweep re-checks with the current calendar -------------------------------------------


_DAYS = [MONDAY + dt.timedelta(days=n) for n in range(-3, 6)]


@st.composite
def _overrides(draw: st.DrawFn) -> Overrides:
    closed = draw(st.lists(st.sampled_from(_DAYS), unique=True, max_size=4))
    rest = [d for d in _DAYS if d not in closed]
    special = draw(st.lists(st.sampled_from(rest), unique=True, max_size=2))
    hours = draw(st.sampled_from(["08:00-09:00", "10:00-12:00", "13:00-16:00"]))
    return Overrides(
        closed=[NonWorkingDay(d, DayKind.JOINT_LEAVE, "Cuti bersama", "Leave") for d in closed],
        special_hours=[SpecialHours.of(d, d, "Jam khusus", days=hours) for d in special],
    )


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    first=_overrides(),
    second=_overrides(),
    submitted_minutes=st.integers(0, 4 * 24 * 60),
    swept_minutes=st.integers(0, 6 * 24 * 60),
)
def test_the_sweep_never_alerts_on_a_report_the_domain_says_is_on_time(
    first: Overrides, second: Overrides, submitted_minutes: int, swept_minutes: int
) -> None:
    """Whatever overrides are added between projection and sweep, every alert the sweep
    queues is one the domain's SLA status with the current calendar calls for."""
    storage = InMemoryStorage()
    at = pendulum.datetime(2026, 1, 8, 0, tz=WIB).add(minutes=submitted_minutes)
    projected_with = calendar(overrides=first)
    rid = _store(storage, projected_with, at)
    current = calendar(overrides=first.merge(second))
    swept = at.add(minutes=swept_minutes)
    desk = _compose(storage, current, at=swept, reproject_on_start=False).desk
    entries = desk.sweep_sla()
    with storage.unit_of_work(read_only=True) as uow:
        status = load_report(uow.reports, rid).sla(swept, current, goal=GOAL).status
    kinds = {e.kind for e in entries}
    if status is SlaStatus.ON_TIME:
        assert kinds == set()
    if NotificationKind.SLA_BREACHED in kinds:
        assert status is SlaStatus.BREACHED
    if NotificationKind.SLA_AT_RISK in kinds:
        assert status is not SlaStatus.ON_TIME


def test_a_sweep_on_a_stale_breach_stores_the_current_projection() -> None:
    """A report the stored projection calls breached but the current calendar does not gets no
    alert, and its projection is replaced with the current calendar's."""
    storage = InMemoryStorage()
    rid = _store(storage, calendar())
    current = calendar(overrides=Overrides(closed=[LEAVE]))
    monday_noon = pendulum.datetime(2026, 1, 12, 12, tz=WIB)
    desk = _compose(storage, current, at=monday_noon, reproject_on_start=False).desk
    assert _projection(storage, rid).is_breached(monday_noon)
    assert desk.sweep_sla() == ()
    now = _projection(storage, rid)
    assert now.sla_deadline == TUESDAY_9
    assert now.calendar_fingerprint == current.calendar_fingerprint
    assert _outbox_kinds(storage) == []


def test_a_signed_desk_reprojects_and_its_reports_still_verify(storage: Storage) -> None:
    """Re-projection saves a new projection: on a desk that signs its heads, the saved head is
    signed again, so the report loads under the same key afterwards (no
    ``head_signature_missing``)."""
    pytest.importorskip("cryptography")
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from layanan_aduan.adapters.signing_keys import Ed25519Signer
    from layanan_aduan.service_layer.signing import HeadSigning

    signing = HeadSigning(signer=Ed25519Signer(Ed25519PrivateKey.generate()))
    before, after, expected, _, _ = CHANGES[next(iter(CHANGES))]
    rid = _store(storage, before)
    with storage.unit_of_work() as uow:  # sign the stored head, as a signing desk would have
        save_report(
            uow.reports,
            load_report(uow.reports, rid),
            project(load_report(uow.reports, rid), before, office=OFFICE),
            signing=signing,
        )
        uow.commit()
    _compose(storage, after, at=SUBMITTED.add(minutes=10), signing=signing)  # re-projects
    assert _projection(storage, rid).sla_deadline == expected
    with storage.unit_of_work(read_only=True) as uow:
        assert load_report(uow.reports, rid, signing=signing).version == 1
