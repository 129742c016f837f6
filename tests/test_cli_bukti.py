"""
The evidence pack from the command line: ``bukti`` writes it (JSON or HTML, masked unless a
section head or office head asks), ``periksa-bukti`` re-verifies the file offline with the
public key (exit 0 intact, 1 tampered, 2 usage).
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pendulum
import pytest

from layanan_aduan.adapters.holidays_id import indonesian_calendar
from layanan_aduan.adapters.office_config import load_office_config
from layanan_aduan.adapters.storage import SqliteStorage
from layanan_aduan.domain.report import Actor, Report, ReporterDetails
from layanan_aduan.domain.workflow import Role
from layanan_aduan.domain.worktime import WorkingTime
from layanan_aduan.entrypoints.cli import main
from layanan_aduan.service_layer.bootstrap import signing_from_config
from layanan_aduan.service_layer.report_stream import project, save_report
from layanan_aduan.service_layer.signing import HeadSigning

T0 = pendulum.datetime(2026, 1, 12, 9, tz="Asia/Jakarta")
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


def _store(path: Path, signing: HeadSigning | None, report_id: str) -> None:
    report = Report.submit(
        id=report_id,
        at=T0,
        actor=Actor("+6281234567890", Role.REPORTER),
        kind="aduan",
        details=ReporterDetails(name="Budi Santoso", nik="3171010101900001", phone="081234567890"),
        evidence=[b"%PDF-1.4\n%%EOF\n"],
        message="Dugaan pungli.",
    )
    report.receive(at=T0.add(minutes=5), actor=Actor("petugas-01", Role.OFFICER))
    report.forward(at=T0.add(minutes=10), actor=Actor("petugas-01", Role.OFFICER))
    report.give_direction(
        at=T0.add(minutes=40), actor=Actor("kasi-01", Role.SECTION_HEAD), direction="Klarifikasi."
    )
    working_time = WorkingTime(indonesian_calendar())
    with SqliteStorage.open(path) as storage, storage.unit_of_work() as uow:
        save_report(
            uow.reports, report, project(report, working_time, office="KNJP"), signing=signing
        )
        uow.commit()


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    return main(list(argv), stdout=out), out.getvalue()


@pytest.fixture
def office(tmp_path: Path) -> Path:
    """An office with a signing key, a staff file and one signed report (r-1)."""
    assert run("buat-kunci", str(tmp_path / "kunci.pem"))[0] == 0
    config_file = tmp_path / "kantor.toml"
    config_file.write_text(CONFIG, encoding="utf-8")
    (tmp_path / "staf.toml").write_text(STAFF, encoding="utf-8")
    _store(tmp_path / "aduan.sqlite3", signing_from_config(load_office_config(config_file)), "r-1")
    return config_file


def _pack(office: Path, *extra: str) -> tuple[int, str]:
    staff = str(office.parent / "staf.toml")
    return run("bukti", "r-1", "--konfigurasi", str(office), "--staf", staff, *extra)


def test_a_pack_written_by_bukti_verifies_with_the_public_key(office: Path) -> None:
    folder = office.parent
    target = folder / "bukti.json"
    status, out = _pack(office, "--keluaran", str(target))
    assert status == 0, out
    assert "4 peristiwa, data pribadi disamarkan" in out
    pack = json.loads(target.read_text(encoding="utf-8"))
    assert pack["format"] == "layanan-aduan/bukti/v1"
    assert "3171010101900001" not in target.read_text(encoding="utf-8")
    public = str(folder / "kunci.pem.pub")
    status, out = run("periksa-bukti", str(target), "--kunci-publik", public)
    assert status == 0, out
    assert out.strip().endswith("tanda tangan diperiksa: utuh")
    # Personal values are apart from what the hashes cover: every event re-hashes.
    assert "4 peristiwa, 4 di-hash ulang;" in out
    status, out = run("periksa-bukti", str(target))
    assert status == 0
    assert "tanda tangan tidak diperiksa" in out


def test_periksa_bukti_exits_1_on_an_edit(office: Path) -> None:
    folder = office.parent
    target = folder / "bukti.json"
    assert _pack(office, "--keluaran", str(target))[0] == 0
    pack = json.loads(target.read_text(encoding="utf-8"))
    pack["events"][1]["event"]["at"] = "2026-01-12T02:06:00Z"
    target.write_text(json.dumps(pack), encoding="utf-8")
    status, out = run("periksa-bukti", str(target), "--kunci-publik", str(folder / "kunci.pem.pub"))
    assert status == 1
    assert "TIDAK UTUH: peristiwa ke-2: isi peristiwa tidak cocok dengan hash-nya" in out
    status, out = run("periksa-bukti", str(target), "--json")
    assert status == 1
    assert json.loads(out)["findings"][0]["kind"] == "event_hash_mismatch"


def test_usage_errors_exit_2(office: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = office.parent
    not_json = folder / "x.json"
    not_json.write_text("{", encoding="utf-8")
    assert run("periksa-bukti", str(not_json))[0] == 2
    assert "[evidence_pack_invalid]" in capsys.readouterr().err
    assert run("periksa-bukti", str(folder / "missing.json"))[0] == 2
    other = folder / "other.json"
    other.write_text(json.dumps({"format": "layanan-aduan/checkpoint/v1"}), encoding="utf-8")
    assert run("periksa-bukti", str(other))[0] == 2
    assert _pack(office, "--keluaran", str(folder / "b.json"))[0] == 0
    assert run("periksa-bukti", str(folder / "b.json"), "--kunci-publik", str(not_json))[0] == 2
    with pytest.raises(SystemExit) as exited:
        run("periksa-bukti")
    assert exited.value.code == 2


def test_personal_data_needs_a_staff_id_whose_role_may_see_it(
    office: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _pack(office, "--tampilkan-data-pribadi")[0] == 2
    assert "[unknown_staff]" in capsys.readouterr().err
    assert _pack(office, "--tampilkan-data-pribadi", "--oleh", "petugas-01")[0] == 2
    assert "[role_not_held]" in capsys.readouterr().err
    status, out = _pack(office, "--tampilkan-data-pribadi", "--oleh", "kasi-01")
    assert status == 0
    pack = json.loads(out)
    assert pack["revealed_to"] == "kasi-01"
    vault = pack["events"][0]["event"]["personal_data"]
    assert vault["values"]["payload"]["details"]["nik"] == "3171010101900001"


def test_the_html_page(office: Path) -> None:
    status, out = _pack(office, "--html")
    assert status == 0
    assert out.startswith("<!DOCTYPE html>")
    assert "Bukti laporan r-1" in out
    assert "3171010101900001" not in out
