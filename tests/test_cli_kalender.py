"""
The ``layanan-aduan kalender`` command: listing, JSON lines, overrides, refusals.
"""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from layanan_aduan.entrypoints.cli import main


def _run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    status = main(list(argv), stdout=out)
    return status, out.getvalue()


def _json(*argv: str) -> list[dict[str, object]]:
    status, text = _run("kalender", *argv, "--json")
    assert status == 0
    return [json.loads(line) for line in text.splitlines()]


def test_human_listing_is_indonesian() -> None:
    """The listing names each day with its weekday, kind label, name and legal basis."""
    status, text = _run("kalender", "2026")
    assert status == 0
    assert text.startswith("Hari tidak bekerja tahun 2026 (Asia/Jakarta)\n")
    assert "Dasar hukum: Keputusan Bersama Menteri Agama" in text
    line = next(x for x in text.splitlines() if x.startswith("2026-01-16"))
    assert line.startswith("2026-01-16  Jumat   libur nasional  Isra Mikraj Nabi Muhammad  ")
    assert line.endswith("  SKB 1497/2025, 2/2025, 5/2025")
    assert text.rstrip().endswith("Jumlah: 17 libur nasional, 8 cuti bersama.")
    assert "Perhatian" not in text


def test_json_lines_have_english_keys() -> None:
    """--json prints one object a line with English keys and values."""
    rows = _json("2025")
    assert len(rows) == 28
    (row,) = [r for r in rows if r["date"] == "2025-08-18"]
    assert row == {
        "date": "2025-08-18",
        "kind": "joint_leave",
        "name": "Cuti Bersama Hari Kemerdekaan Republik Indonesia",
        "name_en": "Independence Day Joint Holiday",
        "legal_basis": (
            "SKB 933/2025, 1/2025, 3/2025 (perubahan atas SKB 1017/2024, 2/2024, 2/2024)"
        ),
        "estimated": False,
        "provisional": False,
    }


def test_election_day_2024() -> None:
    """The 2024 election day is listed as libur nasional under Keppres 10/2024."""
    (row,) = [r for r in _json("2024") if r["date"] == "2024-02-14"]
    assert (row["kind"], row["legal_basis"]) == ("national_holiday", "Keppres 10/2024")


def test_weekends_on_request() -> None:
    """--akhir-pekan adds every Saturday and Sunday; a Sunday holiday is listed twice."""
    rows = _json("2026", "--akhir-pekan")
    assert sum(r["kind"] == "weekend" for r in rows) == 104
    assert [r["kind"] for r in rows if r["date"] == "2026-03-22"] == [
        "weekend",
        "national_holiday",
    ]
    status, text = _run("kalender", "2026", "--akhir-pekan")
    assert status == 0
    assert "104 akhir pekan" in text


def test_undecreed_year_is_marked_provisional() -> None:
    """2028 is listed with a warning; every row is provisional, Islamic dates estimated."""
    status, text = _run("kalender", "2028")
    assert status == 0
    assert "belum ditetapkan SKB; daftar ini sementara" in text
    assert "Hari Raya Idul Fitri (perkiraan) " in text
    assert "Tahun Baru Masehi (sementara) " in text
    assert all(x.endswith("  -") for x in text.splitlines() if x.startswith("2028-"))
    rows = _json("2028")
    assert all(r["provisional"] for r in rows)
    assert any(r["estimated"] for r in rows)


def test_overrides_file_adds_a_one_line_cuti_bersama(tmp_path: Path) -> None:
    """A one-line [closed] entry in --overrides appears as cuti bersama."""
    path = tmp_path / "libur.toml"
    path.write_text('[closed]\n2026-08-18 = "Cuti bersama HUT RI ke-81"\n', encoding="utf-8")
    (row,) = [r for r in _json("2026", "--overrides", str(path)) if r["date"] == "2026-08-18"]
    assert (row["kind"], row["name"], row["legal_basis"]) == (
        "joint_leave",
        "Cuti bersama HUT RI ke-81",
        None,
    )


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["kalender", "2028", "--ketat"], "[calendar_data_missing]"),
        (["kalender", "10000"], "[invalid_year]"),
        (["kalender", "0"], "[invalid_year]"),
        (["kalender", "2026", "--overrides", "/nonexistent/libur.toml"], "tidak ditemukan"),
    ],
)
def test_refusals_are_one_indonesian_line(
    argv: list[str], needle: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A refused request prints one Indonesian line on stderr and exits 2."""
    status, text = _run(*argv)
    err = capsys.readouterr().err
    assert (status, text) == (2, "")
    assert err.count("\n") == 1
    assert err.startswith("layanan-aduan: galat: ")
    assert needle in err


def test_bad_overrides_file_names_the_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An overrides file with a bad date is refused with its code, exit 2."""
    path = tmp_path / "libur.toml"
    path.write_text('[closed]\n2026-02-30 = "Libur"\n', encoding="utf-8")
    status, _ = _run("kalender", "2026", "--overrides", str(path))
    assert status == 2
    assert "[invalid_date]" in capsys.readouterr().err


@pytest.mark.parametrize("argv", [["kalender", "abc"], ["kalender"], ["kalender", "2026", "-x"]])
def test_usage_errors_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    """An unparseable year, a missing one or an unknown option exits 2 with one line."""
    with pytest.raises(SystemExit) as info:
        main(argv, stdout=io.StringIO())
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "galat:" in err
    assert "Traceback" not in err


@pytest.mark.slow
def test_console_script_runs() -> None:
    """The installed console script lists a year as JSON lines."""
    script = shutil.which("layanan-aduan", path=str(Path(sys.executable).parent))
    assert script is not None
    done = subprocess.run(  # noqa: S603 (a fixed argv to the project's own script)
        [script, "kalender", "2026", "--json"],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(rows) == 25
    assert rows[0]["date"] == "2026-01-01"
