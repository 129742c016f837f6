"""
Retention and the subject's rights from the command line: ``retensi`` (dry run by default,
each run recorded, ``--riwayat``, legal holds), ``ekspor-subjek`` (JSON, a 0600 file, the
lookup never shown whole) and ``hapus-subjek`` (refused while a report is open).
"""

from __future__ import annotations

import io
import json
import stat
from pathlib import Path

import pendulum
import pytest

from layanan_aduan.adapters.holidays_id import indonesian_calendar
from layanan_aduan.adapters.storage import SqliteStorage
from layanan_aduan.domain.report import Actor, Report, ReporterDetails
from layanan_aduan.domain.workflow import Role
from layanan_aduan.domain.worktime import WorkingTime
from layanan_aduan.entrypoints.cli import main
from layanan_aduan.service_layer.report_stream import assign_report_number, project, save_report

T0 = pendulum.datetime(2026, 1, 12, 9, tz="Asia/Jakarta")
LATER = "2028-02-01T09:00:00+07:00"  # past two years after the end
PHONE = "+6281234567890"
NIK = "3171010101900001"
OFFICER = Actor("petugas-01", Role.OFFICER)
STAFF = """
[[staff]]
id = "petugas-01"
name = "Rina Wulandari"
phone = "+6281311112222"
roles = ["officer"]

[[staff]]
id = "kasi-01"
name = "Andi Pratama"
phone = "+6281100002222"
roles = ["section_head"]
"""


def _report(report_id: str, *, done: bool) -> Report:
    report = Report.submit(
        id=report_id,
        at=T0,
        actor=Actor(PHONE, Role.REPORTER),
        kind="aduan",
        details=ReporterDetails(name="Budi Santoso", nik=NIK, phone=PHONE),
        evidence=[b"%PDF-1.4\n%%EOF\n"],
        message="Dugaan pungli.",
    )
    if done:
        report.close(at=T0.add(minutes=5), actor=OFFICER, reason="duplicate")
    return report


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """A SQLite file with one closed report (LAP/KNJP/2026/000001) and a staff file."""
    path = tmp_path / "aduan.sqlite3"
    (tmp_path / "staf.toml").write_text(STAFF, encoding="utf-8")
    working_time = WorkingTime(indonesian_calendar())
    with SqliteStorage.open(path) as storage, storage.unit_of_work() as uow:
        report = _report("r-1", done=True)
        assign_report_number(uow.reports, report, office="KNJP", year=2026)
        save_report(uow.reports, report, project(report, working_time, office="KNJP"))
        uow.commit()
    return path


def _open_report(db: Path) -> None:
    working_time = WorkingTime(indonesian_calendar())
    with SqliteStorage.open(db) as storage, storage.unit_of_work() as uow:
        report = _report("r-2", done=False)
        assign_report_number(uow.reports, report, office="KNJP", year=2026)
        save_report(uow.reports, report, project(report, working_time, office="KNJP"))
        uow.commit()


def run(db: Path, *argv: str, at: str = LATER) -> tuple[int, str]:
    out = io.StringIO()
    common = ["--db", str(db), "--staf", str(db.parent / "staf.toml"), "--waktu", at]
    return main([*argv, *common], stdout=out), out.getvalue()


def test_retensi_is_a_dry_run_by_default_and_every_run_is_recorded(db: Path) -> None:
    """Without --jalankan nothing is erased; the due report is listed by number without
    personal data; --riwayat shows the runs newest first."""
    status, out = run(db, "retensi", at="2026-06-01T09:00:00+07:00")
    assert status == 0
    assert "0 jatuh tempo" in out
    status, out = run(db, "retensi")
    assert status == 0
    assert "LAP/KNJP/2026/000001\tKNJP\tberakhir 2026-01-12 09:05 WIB" in out
    assert "jatuh tempo sejak 2028-01-12 09:05 WIB" in out
    assert "uji coba" in out
    assert NIK not in out
    assert PHONE not in out
    status, out = run(db, "retensi", "--riwayat")
    assert status == 0
    lines = out.splitlines()
    assert lines[0].startswith("#2\t")
    assert "LAP/KNJP/2026/000001" in lines[0]
    assert lines[1].startswith("#1\t")
    status, out = run(db, "retensi", "--riwayat", "--json")
    assert [json.loads(line)["run_id"] for line in out.splitlines()] == [2, 1]


def test_retensi_json_and_english(db: Path) -> None:
    """--json gives one object with English keys; --en gives English messages."""
    status, out = run(db, "retensi", "--json")
    assert status == 0
    record = json.loads(out)
    assert record["dry_run"] is True
    assert record["counts"]["due"] == 1
    assert record["due"][0]["scope"] == "personal_data"
    status, out = run(db, "retensi", "--en")
    assert "retention (dry run, nothing erased" in out


def test_retensi_jalankan_needs_an_authorised_actor(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A real run by someone who is not an officer is refused with one line and exit 2;
    nothing is recorded."""
    status, _ = run(db, "retensi", "--jalankan", "--oleh", "kasi-01")
    assert status == 2
    assert "[role_not_held]" in capsys.readouterr().err
    status, out = run(db, "retensi", "--riwayat")
    assert "belum ada pelaksanaan retensi" in out


def test_legal_hold_from_the_command_line(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--tahan keeps the report out of the due list until --lepas; both need a reason."""
    status, _ = run(db, "retensi", "--tahan", "LAP/KNJP/2026/000001", "--oleh", "kasi-01")
    assert status == 2
    assert "[invalid_reason]" in capsys.readouterr().err
    status, out = run(
        db, "retensi", "--tahan", "LAP/KNJP/2026/000001", "--oleh", "kasi-01", "--alasan", "Sidik"
    )
    assert status == 0
    assert "ditahan" in out
    status, out = run(db, "retensi", "--json")
    assert json.loads(out)["held"] == ["LAP/KNJP/2026/000001"]
    assert json.loads(out)["due"] == []
    status, out = run(
        db, "retensi", "--lepas", "LAP/KNJP/2026/000001", "--oleh", "kasi-01", "--alasan", "Usai"
    )
    assert status == 0
    assert json.loads(run(db, "retensi", "--json")[1])["counts"]["due"] == 1


def test_ekspor_subjek_writes_a_private_file_and_never_shows_the_lookup(
    db: Path, tmp_path: Path
) -> None:
    """The export goes to a 0600 file (even one that existed with wider modes); the summary
    shows the number masked."""
    target = tmp_path / "subjek.json"
    target.write_text("lama", encoding="utf-8")
    target.chmod(0o644)
    status, out = run(db, "ekspor-subjek", "--telepon", PHONE, "--keluaran", str(target))
    assert status == 0
    assert PHONE not in out
    assert "+62********890" in out
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    export = json.loads(target.read_text(encoding="utf-8"))
    assert export["format"] == "layanan-aduan/akses-subjek/v1"
    assert [r["number"] for r in export["reports"]] == ["LAP/KNJP/2026/000001"]
    status, out = run(db, "ekspor-subjek", "--wa-id", "budi.s")
    assert status == 0
    assert json.loads(out)["reports"] == []


def test_ekspor_subjek_needs_one_lookup(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Neither or both lookups are a usage error; a bad number is refused without showing
    it."""
    with pytest.raises(SystemExit):
        run(db, "ekspor-subjek")
    status, _ = run(db, "ekspor-subjek", "--telepon", "08123456789012")
    assert status == 2
    assert "08123456789012" not in capsys.readouterr().err


def test_hapus_subjek_refuses_while_a_report_is_open(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """With an open report of the reporter the erasure is refused, naming it; the closed one
    stays as it was."""
    _open_report(db)
    status, _ = run(
        db, "hapus-subjek", "--telepon", PHONE, "--rujukan", "S-1", "--petugas", "petugas-01"
    )
    assert status == 2
    err = capsys.readouterr().err
    assert "[report_still_open]" in err
    assert "LAP/KNJP/2026/000002" in err
    assert PHONE not in err


def test_retensi_jalankan_erases_and_records_the_run(db: Path) -> None:
    """An officer's run erases the due report (its history records the erasure), lists it in
    the run's record, and the next dry run finds nothing due."""
    status, out = run(db, "retensi", "--jalankan", "--oleh", "petugas-01")
    assert status == 0
    assert "retensi dijalankan: 1 jatuh tempo, 1 dihapus, 0 gagal" in out
    status, out = run(db, "retensi", "--riwayat", "--json")
    last = json.loads(out.splitlines()[0])
    assert last["dry_run"] is False
    assert last["actor_id"] == "petugas-01"
    assert [r["number"] for r in last["reports"]] == ["LAP/KNJP/2026/000001"]
    assert json.loads(run(db, "retensi", "--json")[1])["counts"]["due"] == 0
    status, out = run(db, "riwayat", "LAP/KNJP/2026/000001")
    assert "erase_personal_data" in out


def test_hapus_subjek_erases_every_ended_report(db: Path) -> None:
    """With every report of the reporter ended, an officer erases them all; the reporter is
    then not found by their number."""
    status, out = run(
        db,
        "hapus-subjek",
        "--telepon",
        PHONE,
        "--dasar",
        "consent_withdrawn",
        "--rujukan",
        "Surat S-1/2026",
        "--petugas",
        "petugas-01",
        at="2026-02-01T09:00:00+07:00",
    )
    assert status == 0
    assert "LAP/KNJP/2026/000001\tdihapus" in out
    assert PHONE not in out
    status, out = run(db, "riwayat", "LAP/KNJP/2026/000001", "--json")
    assert json.loads(out.splitlines()[-1])["action"] == "erase_personal_data"
    status, out = run(db, "ekspor-subjek", "--telepon", PHONE)
    assert json.loads(out)["reports"] == []
