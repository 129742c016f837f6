"""
The signed history from the command line: a key, a checkpoint, an auditor's verification
with the public key only (exit 0 intact, 1 tampered, 2 usage), and the one-time re-signing.
"""

from __future__ import annotations

import io
import json
import sqlite3
from pathlib import Path

import pendulum
import pytest

from layanan_aduan.adapters.holidays_id import indonesian_calendar
from layanan_aduan.adapters.office_config import load_office_config
from layanan_aduan.adapters.storage import SqliteStorage
from layanan_aduan.domain.history import Event
from layanan_aduan.domain.report import Actor, Report, ReporterDetails
from layanan_aduan.domain.workflow import Role
from layanan_aduan.domain.worktime import WorkingTime
from layanan_aduan.entrypoints.cli import main
from layanan_aduan.service_layer.bootstrap import signing_from_config
from layanan_aduan.service_layer.report_stream import project, save_report
from layanan_aduan.service_layer.signing import HeadSigning

T0 = pendulum.datetime(2026, 1, 12, 9, tz="Asia/Jakarta")
DETAILS = ReporterDetails(name="Budi Santoso", nik="3171010101900001", phone="081234567890")

CONFIG = """
[office]
code = "KNJP"
name = "Kejaksaan Negeri Jakarta Pusat"
address = "Jl. Merdeka 1"
telephone = "(021) 1234567"
whatsapp = "0811-1000-2000"
website = "https://kejari-jakpus.kejaksaan.go.id"

[storage]
sqlite = "aduan.sqlite3"

[signing]
key_file = "kunci.pem"
"""


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    return main(list(argv), stdout=out), out.getvalue()


def _directed(report_id: str) -> Report:
    report = Report.submit(
        id=report_id,
        at=T0,
        actor=Actor("+6281234567890", Role.REPORTER),
        kind="aduan",
        details=DETAILS,
        evidence=[b"%PDF-1.4\n%%EOF\n"],
        message="Dugaan pungli.",
    )
    report.receive(at=T0.add(minutes=5), actor=Actor("petugas-01", Role.OFFICER))
    report.forward(at=T0.add(minutes=10), actor=Actor("petugas-01", Role.OFFICER))
    report.give_direction(
        at=T0.add(minutes=40), actor=Actor("kasi-01", Role.SECTION_HEAD), direction="Klarifikasi."
    )
    return report


@pytest.fixture
def office(tmp_path: Path) -> Path:
    """An office with a signing key, a configuration and two signed reports."""
    status, out = run("buat-kunci", str(tmp_path / "kunci.pem"))
    assert status == 0
    assert "kunci.pem.pub" in out
    config_file = tmp_path / "kantor.toml"
    config_file.write_text(CONFIG, encoding="utf-8")
    signing = signing_from_config(load_office_config(config_file))
    _store(tmp_path / "aduan.sqlite3", signing, "r-1", "r-2")
    return config_file


def _store(path: Path, signing: HeadSigning | None, *ids: str) -> None:
    working_time = WorkingTime(indonesian_calendar())
    with SqliteStorage.open(path) as storage, storage.unit_of_work() as uow:
        for report_id in ids:
            report = _directed(report_id)
            projection = project(report, working_time, office="KNJP")
            save_report(uow.reports, report, projection, signing=signing)
        uow.commit()


def _rewrite_direction(path: Path, report_id: str) -> None:
    # The insider's rewrite, in the file itself: step 4 changed, re-hashed, head updated.
    with sqlite3.connect(path) as conn:
        row = conn.execute(
            "SELECT payload FROM report_events WHERE report_id = ? AND seq = 4", (report_id,)
        ).fetchone()
        data = json.loads(row[0])
        data["actor_id"] = "kasi-lain-99"
        data["payload"]["direction"] = "Hentikan."
        data["hash"] = Event.from_dict(data).compute_hash()
        conn.execute(
            "UPDATE report_events SET payload = ? WHERE report_id = ? AND seq = 4",
            (json.dumps(data), report_id),
        )
        conn.execute(
            "UPDATE reports SET head_hash = ? WHERE report_id = ?", (data["hash"], report_id)
        )
    conn.close()


def test_an_auditor_verifies_with_the_public_key_and_finds_the_rewrite(office: Path) -> None:
    """The checkpoint is written by the desk; the auditor, with the public key and the file
    only, gets exit 0 before the rewrite and 1 after, with the report named."""
    folder = office.parent
    db, public, checkpoint = folder / "aduan.sqlite3", folder / "kunci.pem.pub", folder / "cp.json"
    status, out = run("titik-periksa", "--konfigurasi", str(office), "--keluaran", str(checkpoint))
    assert status == 0, out
    assert "2 laporan" in out
    saved = json.loads(checkpoint.read_text(encoding="utf-8"))
    assert saved["office"] == "KNJP"
    assert saved["report_count"] == 2
    assert {h["version"] for h in saved["heads"]} == {4}
    verify = ("verifikasi", "--db", str(db), "--kunci-publik", str(public))
    status, out = run(*verify, "--titik-periksa", str(checkpoint))
    assert status == 0, out
    assert out.strip().endswith("utuh")
    _rewrite_direction(db, "r-2")
    status, out = run(*verify, "--titik-periksa", str(checkpoint))
    assert status == 1
    assert "TIDAK UTUH: laporan r-2: tanda tangan ujung riwayatnya tidak cocok" in out
    assert "r-1" not in out
    status, out = run(*verify, "--json")
    assert status == 1
    result = json.loads(out)
    assert result["ok"] is False
    assert [f["kind"] for f in result["findings"]] == ["head_signature_invalid"]


def test_usage_errors_exit_2(office: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A missing database, an unreadable checkpoint and a missing public key are one
    Indonesian line and exit status 2; a mistyped database path creates no file."""
    folder = office.parent
    public = str(folder / "kunci.pem.pub")
    missing = folder / "salah.sqlite3"
    assert run("verifikasi", "--db", str(missing), "--kunci-publik", public)[0] == 2
    assert not missing.exists()
    assert "database_not_found" in capsys.readouterr().err
    (folder / "cp.json").write_text("{", encoding="utf-8")
    db = str(folder / "aduan.sqlite3")
    args = ("verifikasi", "--db", db, "--kunci-publik", public)
    assert run(*args, "--titik-periksa", str(folder / "cp.json"))[0] == 2
    assert "checkpoint_invalid" in capsys.readouterr().err
    assert run("verifikasi", "--db", db, "--kunci-publik", str(folder / "x.pub"))[0] == 2
    assert "key_file_unreadable" in capsys.readouterr().err
    assert run("buat-kunci", str(folder / "kunci.pem"))[0] == 2
    assert "key_file_exists" in capsys.readouterr().err


def test_heads_stored_before_signing_are_signed_once(
    office: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A report saved before signing stops the checkpoint and the re-signing until the
    operator asks for the unsigned ones too; afterwards everything verifies."""
    folder = office.parent
    _store(folder / "aduan.sqlite3", None, "r-0")
    config = ("--konfigurasi", str(office))
    assert run("titik-periksa", *config)[0] == 2
    assert "head_signature_missing" in capsys.readouterr().err
    assert run("tandatangani-ulang", *config)[0] == 2
    status, out = run("tandatangani-ulang", *config, "--termasuk-tanpa-tanda-tangan")
    assert status == 0
    assert out.startswith("KNJP: 1 baru ditandatangani, 0 ditandatangani ulang, 2 sudah")
    public = str(folder / "kunci.pem.pub")
    db = str(folder / "aduan.sqlite3")
    assert run("verifikasi", "--db", db, "--kunci-publik", public)[0] == 0


def test_an_auditor_verifies_a_postgresql_database(tmp_path: Path) -> None:
    """On PostgreSQL (the configuration names the DSN's variable), the audit is 0 before the
    insider's rewrite and 1 after."""
    import uuid

    from layanan_aduan.adapters.storage import PostgresStorage
    from layanan_aduan.testing.contracts import require_postgres_dsn

    dsn = require_postgres_dsn()
    schema = f"t_{uuid.uuid4().hex[:16]}"
    run("buat-kunci", str(tmp_path / "kunci.pem"))
    config_file = tmp_path / "kantor.toml"
    config_file.write_text(
        CONFIG.replace(
            'sqlite = "aduan.sqlite3"',
            f'postgres_dsn_env = "LAYANAN_ADUAN_TEST_POSTGRES_DSN"\npostgres_schema = "{schema}"',
        ),
        encoding="utf-8",
    )
    signing = signing_from_config(load_office_config(config_file))
    working_time = WorkingTime(indonesian_calendar())
    with PostgresStorage.open(dsn, schema=schema, max_size=1) as storage:
        try:
            with storage.unit_of_work() as uow:
                report = _directed("r-1")
                projection = project(report, working_time, office="KNJP")
                save_report(uow.reports, report, projection, signing=signing)
                uow.commit()
            args = ("verifikasi", "--konfigurasi", str(config_file))
            args += ("--kunci-publik", str(tmp_path / "kunci.pem.pub"))
            assert run(*args)[0] == 0
            with storage.unit_of_work() as uow:
                row = uow.execute(  # type: ignore[attr-defined]  # a SQL unit of work
                    "SELECT payload FROM report_events WHERE report_id = 'r-1' AND seq = 4"
                ).fetchone()
                data = json.loads(row[0])
                data["payload"]["direction"] = "Hentikan."
                data["hash"] = Event.from_dict(data).compute_hash()
                uow.execute(  # type: ignore[attr-defined]  # a SQL unit of work
                    "UPDATE report_events SET payload = ? WHERE report_id = 'r-1' AND seq = 4",
                    (json.dumps(data),),
                )
                uow.execute(  # type: ignore[attr-defined]  # a SQL unit of work
                    "UPDATE reports SET head_hash = ?", (data["hash"],)
                )
                uow.commit()
            status, out = run(*args)
            assert status == 1
            assert "laporan r-1: tanda tangan ujung riwayatnya tidak cocok" in out
        finally:
            storage.drop_schema()


def test_the_configuration_check_reads_the_key(
    office: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """periksa-konfigurasi names the signing key's id when it can sign, and refuses a key file
    that holds no key, in one line with exit status 2."""
    status, out = run("periksa-konfigurasi", str(office))
    assert status == 0
    assert ", tanda tangan kunci " in out
    key = office.parent / "kunci.pem"
    key.write_text("bukan kunci", encoding="utf-8")
    assert run("periksa-konfigurasi", str(office))[0] == 2
    assert "key_invalid" in capsys.readouterr().err
    key.chmod(0o644)
    status, out = run("periksa-konfigurasi", str(office))
    assert status == 2
    assert "[key_file_permissions]" in out
