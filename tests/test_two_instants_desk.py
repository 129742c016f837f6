"""
The backdating attack of issue 10, through the desk's API and through the command line, on
every storage adapter: a report received at 09:00 (taken at 09:05) is late by 15:00; the four
staff steps entered at 15:00 claiming 09:10 to 09:30 are refused, or recorded as late entries,
and the report still shows its breach.
"""

from __future__ import annotations

import io
import json
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pendulum
import pytest

from layanan_aduan import examples
from layanan_aduan.adapters.evidence_store import InMemoryEvidenceStore
from layanan_aduan.adapters.messaging import InMemoryMediaFetcher, InMemoryMessenger
from layanan_aduan.adapters.staff import InMemoryStaffDirectory
from layanan_aduan.adapters.storage import InMemoryStorage, PostgresStorage, SqliteStorage
from layanan_aduan.adapters.whatsapp.inbound import parse_webhook
from layanan_aduan.clock import FixedClock
from layanan_aduan.domain.history import Event
from layanan_aduan.domain.staff import Assignment, StaffMember, StaffRole
from layanan_aduan.domain.worktime import SlaStatus
from layanan_aduan.entrypoints.cli import main
from layanan_aduan.exceptions import EventInstantError, ReportInputError
from layanan_aduan.ports import ReportProjection, Storage
from layanan_aduan.service_layer.bootstrap import Services, compose
from layanan_aduan.service_layer.desk import SlaState
from layanan_aduan.service_layer.report_stream import load_report
from layanan_aduan.testing.contracts import require_postgres_dsn

WIB = "Asia/Jakarta"
INGESTED = pendulum.datetime(2026, 1, 12, 9, 5, tz=WIB)  # Monday; the message came at 09:00
LATE = pendulum.datetime(2026, 1, 12, 15, tz=WIB)  # three working hours after 09:00 are gone
NUMBER = "LAP/KNJP/2026/000001"
REASON = "Dicatat belakangan: aplikasi tidak dapat dibuka pagi tadi."


def _claim(minutes: int) -> pendulum.DateTime:
    return INGESTED.set(minute=0).add(minutes=minutes)


def _staff() -> InMemoryStaffDirectory:
    def member(staff_id: str, phone: str, role: StaffRole) -> StaffMember:
        return StaffMember(
            staff_id, "Rina Wulandari", phone=phone, assignments=(Assignment(role, "KNJP"),)
        )

    return InMemoryStaffDirectory(
        {
            "KNJP": [
                member("petugas-01", "+6281311112222", StaffRole.OFFICER),
                member("kasi-intel-01", "+6281100002222", StaffRole.SECTION_HEAD),
            ]
        }
    )


@pytest.fixture(params=["memory", "sqlite", "postgres"])
def storage(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Storage]:
    if request.param == "memory":
        made: Storage = InMemoryStorage()
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


@pytest.fixture
def services(storage: Storage) -> Services:
    media = InMemoryMediaFetcher()
    media.put(examples.SCREENSHOT_MEDIA_ID, examples.screenshot_png(), "image/png")
    built = compose(
        storage=storage,
        evidence=InMemoryEvidenceStore(),
        messenger=InMemoryMessenger(),
        media=media,
        clock=FixedClock(INGESTED),
        staff=_staff(),
    )
    # The storage fixture closes the storage (and drops a PostgreSQL schema) afterwards.
    (step,) = built.desk.ingest(parse_webhook(examples.whatsapp_webhook())).steps
    assert step.number == NUMBER
    return built


def _clock(services: Services) -> FixedClock:
    clock = services.desk.clock
    assert isinstance(clock, FixedClock)
    return clock


def _unchanged(services: Services) -> Callable[[], None]:
    """A check that the report and the outbox are as they are now."""
    desk = services.desk
    report, outbox = desk.report(NUMBER), services.storage.outbox.list(limit=100).items

    def check() -> None:
        assert desk.report(NUMBER).events == report.events
        assert services.storage.outbox.list(limit=100).items == outbox

    return check


_STEPS: tuple[tuple[str, int, dict[str, Any]], ...] = (
    ("receive", 10, {"officer": "petugas-01"}),
    ("forward", 15, {"officer": "petugas-01"}),
    ("give_direction", 20, {"section_head": "kasi-intel-01", "direction": "Klarifikasi."}),
    ("deliver_follow_up", 30, {"officer": "petugas-01", "follow_up": "Sudah diklarifikasi."}),
)


def test_backdating_through_the_api_never_hides_the_breach(services: Services) -> None:
    """At 15:00 the four steps claim 09:10 to 09:30. Each claim more than five minutes before
    the last recorded instant is refused (nothing stored) unless it is an explicit late entry;
    the late entries keep the claims and the reason, and the report stays breached: in
    ``report.sla()``, in the listing (``stopped_late``), in the projection."""
    desk = services.desk
    _clock(services).set(LATE)
    for n, (step, minutes, who) in enumerate(_STEPS):
        act = getattr(desk, step)
        if n > 0:  # the first claim is within bounds: nothing was recorded since 09:05
            check = _unchanged(services)
            with pytest.raises(EventInstantError) as e:
                act(NUMBER, occurred_at=_claim(minutes), **who)
            assert e.value.code == "late_entry_required"
            check()
        reason = None if n == 0 else REASON
        act(NUMBER, occurred_at=_claim(minutes), late_entry_reason=reason, **who)
    report = desk.report(NUMBER)
    staff = report.events[-4:]
    assert [e.at.in_timezone(WIB).format("HH:mm") for e in staff] == [
        "09:10",
        "09:15",
        "09:20",
        "09:30",
    ]
    assert {e.recorded_at for e in staff} == {LATE}
    assert [e.late_entry_reason for e in staff] == [None, REASON, REASON, REASON]
    assert report.sla(LATE, desk.working_time).status is SlaStatus.BREACHED
    (line,) = desk.list_reports()
    assert (line.state, line.sla, line.sla.label) == (
        "completed",
        SlaState.STOPPED_LATE,
        "selesai, terlambat",
    )
    with services.storage.unit_of_work(read_only=True) as uow:
        stored = uow.reports.get(report.id)
    assert stored.projection.updated_at == LATE
    assert stored.projection.sla_stopped


def test_the_same_steps_taken_on_time_list_as_stopped(services: Services) -> None:
    """The control: the four steps recorded at 09:10 to 09:30 make the report ``stopped``."""
    desk = services.desk
    for step, minutes, who in _STEPS:
        _clock(services).set(_claim(minutes))
        getattr(desk, step)(NUMBER, **who)
    (line,) = desk.list_reports(at=LATE)
    assert line.sla is SlaState.STOPPED
    assert desk.report(NUMBER).sla(LATE, desk.working_time).status is SlaStatus.ON_TIME


@pytest.mark.parametrize(
    ("occurred", "reason", "code"),
    [
        (LATE.add(minutes=1), None, "instant_in_future"),
        (_claim(-1), REASON, "instant_before_previous_event"),
        (None, REASON, "late_entry_without_instant"),
        (_claim(10), " ", "late_entry_reason_required"),
    ],
)
def test_a_refused_claim_through_the_api_changes_nothing(
    services: Services, occurred: pendulum.DateTime | None, reason: str | None, code: str
) -> None:
    """A claim in the future, before the report's message, a late entry with no instant or an
    empty reason: each a typed refusal; neither the report nor the outbox changes."""
    _clock(services).set(LATE)
    check = _unchanged(services)
    with pytest.raises(ReportInputError) as e:
        services.desk.receive(
            NUMBER, officer="petugas-01", occurred_at=occurred, late_entry_reason=reason
        )
    assert e.value.code == code
    check()


def test_old_events_in_storage_load_and_take_new_steps(storage: Storage) -> None:
    """Events stored before the two instants existed (no ``recorded_at``) load from every
    adapter, verify against the stored anchor, and take a step recorded with both instants."""
    old = (Path(__file__).parent / "events_before_two_instants.jsonl").read_text("utf-8")
    events = [json.loads(text) for text in old.splitlines()[:2]]
    report_id = events[0]["report_id"]
    projection = ReportProjection(
        state="received",
        updated_at=Event.from_dict(events[-1]).at,
        number=NUMBER,
        office="KNJP",
        head_hash=events[-1]["hash"],
    )
    with storage.unit_of_work() as uow:
        uow.reports.append(report_id, 0, events, projection)
        uow.commit()
    clock = FixedClock(pendulum.datetime(2026, 1, 12, 9, 30, tz=WIB))
    built = compose(
        storage=storage,
        evidence=InMemoryEvidenceStore(),
        messenger=InMemoryMessenger(),
        media=InMemoryMediaFetcher(),
        clock=clock,
        staff=_staff(),
    )
    with storage.unit_of_work(read_only=True) as uow:
        loaded = load_report(uow.reports, report_id)
    assert [e.to_json() for e in loaded.events] == old.splitlines()[:2]
    built.desk.forward(NUMBER, officer="petugas-01", occurred_at=_claim(28))
    with storage.unit_of_work(read_only=True) as uow:
        stored = uow.reports.get(report_id)
        new = load_report(uow.reports, report_id)
    assert list(stored.events[:2]) == events
    assert stored.events[2]["recorded_at"] == "2026-01-12T02:30:00Z"
    assert (new.events[-1].at, new.events[-1].recorded_at) == (_claim(28), clock.now())


# --- the command line ---------------------------------------------------------------------

CONFIG = """\
[storage]
sqlite = "kantor.sqlite3"

[[staff]]
id = "p-01"
name = "Rina Wulandari"
phone = "+6281311112222"
roles = ["officer"]

[[staff]]
id = "k-01"
name = "Andi Pratama"
phone = "+6281100002222"
roles = ["section_head"]
"""


@pytest.fixture
def office(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Any]:
    """A configured office on the command line; gives ``run(*argv, at=instant)``, which runs a
    command with the system clock (the clock port) reading ``at``."""
    config = tmp_path / "kantor.toml"
    config.write_text(CONFIG, encoding="utf-8")
    for name in ("LAYANAN_ADUAN_DB", "LAYANAN_ADUAN_STAF", "WHATSAPP_APP_SECRET"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LAYANAN_ADUAN_KONFIGURASI", str(config))
    media = tmp_path / "media"
    media.mkdir()
    (media / examples.SCREENSHOT_MEDIA_ID).write_bytes(examples.screenshot_png())
    payload = tmp_path / "pesan.json"
    payload.write_bytes(examples.whatsapp_webhook())
    now = {"at": INGESTED}
    monkeypatch.setattr("layanan_aduan.clock.SystemClock.now", lambda self: now["at"])

    def run(*argv: str, at: pendulum.DateTime = LATE) -> tuple[int, str]:
        now["at"] = at
        out = io.StringIO()
        return main(list(argv), stdout=out), out.getvalue()

    assert run("terima", str(payload), "--media", str(media), at=INGESTED)[0] == 0
    return run


_CLI_STEPS: tuple[tuple[str, ...], ...] = (
    ("terima-laporan", NUMBER, "--petugas", "p-01"),
    ("teruskan", NUMBER, "--petugas", "p-01"),
    ("arahan", NUMBER, "--petugas", "k-01", "--teks", "Klarifikasi."),
    ("tindak-lanjut", NUMBER, "--petugas", "p-01", "--teks", "Sudah diklarifikasi."),
)
_CLAIMS = ("09:10", "09:15", "09:20", "09:30")


def _iso(hhmm: str) -> str:
    return f"2026-01-12T{hhmm}:00+07:00"


def test_backdating_through_the_command_line_never_hides_the_breach(
    office: Callable[..., Any], capsys: pytest.CaptureFixture[str]
) -> None:
    """In a configured office, ``--waktu`` cannot change data (exit 2, one line, nothing
    stored); ``--terjadi`` claims are bounded, and late entries (``--entri-terlambat``) keep
    the breach in ``daftar`` and show as such in ``riwayat``."""
    run = office
    capsys.readouterr()
    history = run("riwayat", NUMBER, "--json")[1]
    for step, hhmm in zip(_CLI_STEPS, _CLAIMS, strict=True):
        assert run(*step, "--waktu", _iso(hhmm)) == (2, "")
        err = capsys.readouterr().err
        assert err.count("\n") == 1
        assert err.startswith("layanan-aduan: galat: --waktu hanya untuk demo dan pengujian")
        assert err.rstrip().endswith("[fixed_clock_refused]")
    assert run("riwayat", NUMBER, "--json")[1] == history
    for n, (step, hhmm) in enumerate(zip(_CLI_STEPS, _CLAIMS, strict=True)):
        if n > 0:
            assert run(*step, "--terjadi", _iso(hhmm)) == (2, "")
            assert capsys.readouterr().err.rstrip().endswith("[late_entry_required]")
            late = ("--entri-terlambat", REASON)
        else:
            late = ()
        status, _ = run(*step, "--terjadi", _iso(hhmm), *late)
        assert status == 0, capsys.readouterr().err
    record = json.loads(run("daftar", "--json")[1])
    assert (record["state"], record["sla"]) == ("completed", "stopped_late")
    assert "selesai, terlambat" in run("daftar")[1]
    events = [json.loads(line) for line in run("riwayat", NUMBER, "--json")[1].splitlines()]
    assert [(e["action"], e["late_entry"]) for e in events] == [
        ("submit", False),
        ("receive", False),
        ("forward", True),
        ("give_direction", True),
        ("deliver_follow_up", True),
    ]
    assert [e["at"][11:16] for e in events[1:]] == list(_CLAIMS)
    assert {e["recorded_at"] for e in events[1:]} == {"2026-01-12T15:00:00+07:00"}
    assert events[0]["actor_id"] == "+62********890"
    text = run("riwayat", NUMBER)[1].splitlines()
    assert text[0] == f"riwayat {NUMBER}"
    assert text[3].startswith("3\tforward\tofficer p-01\tterjadi 2026-01-12 09:15:00 WIB")
    assert text[3].endswith(f"dicatat 2026-01-12 15:00:00 WIB\tentri terlambat: {REASON}")


def test_a_configured_office_still_reads_at_a_chosen_instant(
    office: Callable[..., Any], capsys: pytest.CaptureFixture[str]
) -> None:
    """``--waktu`` remains for what changes nothing: ``daftar`` and ``riwayat`` read at it."""
    run = office
    status, out = run("daftar", "--json", "--waktu", _iso("09:30"))
    assert status == 0
    assert json.loads(out)["sla"] == "on_time"
    assert json.loads(run("daftar", "--json")[1])["sla"] == "breached"
    assert run("riwayat", NUMBER, "--waktu", _iso("09:30"))[0] == 0
    assert run("pantau", "--waktu", _iso("09:30"))[0] == 2
    assert capsys.readouterr().err.rstrip().endswith("[fixed_clock_refused]")


def test_an_unconfigured_desk_keeps_waktu_for_the_demo_and_tests(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without a configuration ``--waktu`` still fixes the clock of every command."""
    monkeypatch.delenv("LAYANAN_ADUAN_KONFIGURASI", raising=False)
    db = str(tmp_path / "demo.sqlite3")
    payload = tmp_path / "pesan.json"
    payload.write_bytes(examples.whatsapp_webhook())
    out = io.StringIO()
    assert main(["terima", str(payload), "--db", db, "--waktu", _iso("09:05")], stdout=out) == 0
    assert NUMBER in out.getvalue()
