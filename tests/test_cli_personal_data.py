"""
Personal data on the command line: ``hapus-data`` erases an ended report's personal data (and
refuses an open report or a stranger, exit 2, nothing changed); ``kunci-data segel-ulang`` moves a
database to a new key while ``riwayat`` keeps reading it.
"""

from __future__ import annotations

import io
import sqlite3
from pathlib import Path

import pytest

from layanan_aduan.entrypoints.cli import main

NUMBER = "LAP/KNJP/2026/000001"
NIK = "3171010101900001"


@pytest.fixture
def env(cli_env: Path) -> Path:
    return cli_env


def _run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    status = main(list(argv), stdout=out)
    return status, out.getvalue()


def _at(minutes: int) -> str:
    return f"2026-01-12T{9 + minutes // 60:02d}:{minutes % 60:02d}:00+07:00"


def _raw(env: Path) -> bytes:
    files = [env / f"aduan.sqlite3{suffix}" for suffix in ("", "-wal", "-shm")]
    return b"".join(f.read_bytes() for f in files if f.exists())


def _vault(env: Path) -> list[str]:
    with sqlite3.connect(env / "aduan.sqlite3") as conn:
        return [r[0] for r in conn.execute("SELECT key_id FROM report_personal")]


def test_hapus_data_erases_an_ended_report_only(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An open report and a section head are refused; the officer erases the closed report, and
    riwayat still shows its steps, without the reporter."""
    payload, media = str(env / "pesan.json"), str(env / "media")
    assert _run("terima", payload, "--media", media, "--waktu", _at(5))[0] == 0
    erase = ("hapus-data", NUMBER, "--dasar", "subject_request", "--rujukan", "Surat 7/2026")
    assert _run(*erase, "--petugas", "p-01", "--waktu", _at(6))[0] == 2
    assert capsys.readouterr().err.rstrip().endswith("[report_not_ended]")
    assert _run("tutup", NUMBER, "--petugas", "p-01", "--alasan", "spam", "--waktu", _at(7))[0] == 0
    assert _run(*erase, "--petugas", "k-01", "--waktu", _at(8))[0] == 2
    assert "[role_not_held]" in capsys.readouterr().err
    before = _run("riwayat", NUMBER)[1]
    assert len(_vault(env)) == 2  # the submission, and the closing note (staff text)
    status, out = _run(*erase, "--petugas", "p-01", "--waktu", _at(9))
    assert status == 0, out
    assert "data pribadi dihapus (permintaan subjek data)" in out
    assert "1 berkas bukti" in out
    assert _vault(env) == []
    status, after = _run("riwayat", NUMBER)
    assert status == 0
    assert "erase_personal_data" in after
    assert after.count("\n") == before.count("\n") + 1
    raw = _raw(env)
    assert NIK.encode() not in raw


def test_segel_ulang_moves_the_database_to_the_key(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A database started without a key is sealed under the office's new key by
    kunci-data segel-ulang; afterwards nothing is readable without the key file."""
    payload, media = str(env / "pesan.json"), str(env / "media")
    assert _run("terima", payload, "--media", media, "--waktu", _at(5))[0] == 0
    assert _vault(env) == ["plain"]
    keys = env / "data.keys"
    assert _run("kunci-data", "buat", str(keys))[0] == 0
    office = env / "kantor.toml"
    office.write_text(
        f'[storage]\nsqlite = "{env / "aduan.sqlite3"}"\n\n[personal_data]\nkey_file = "{keys}"\n',
        encoding="utf-8",
    )
    status, out = _run("kunci-data", "segel-ulang", "--konfigurasi", str(office), "--batch", "1")
    assert status == 0, out
    assert "tidak ada lagi yang tersegel kunci lama" in out
    assert _vault(env) != ["plain"]
    raw = _raw(env)
    assert NIK.encode() not in raw
    assert _run("riwayat", NUMBER, "--konfigurasi", str(office))[0] == 0
    capsys.readouterr()
    assert _run("riwayat", NUMBER)[0] != 0  # without the key: refused, typed
    assert "[personal_data_key_unknown]" in capsys.readouterr().err
