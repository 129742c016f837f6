"""
Tests of the main job on the command line: ingest a payload file, list, run each step,
send, dead letters, the SLA sweep, and the bundled demo (in process and as a subprocess).
"""

from __future__ import annotations

import io
import json
import logging
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from layanan_aduan import examples
from layanan_aduan.adapters.whatsapp.inbound import compute_signature
from layanan_aduan.entrypoints.cli import main

NUMBER = "LAP/KNJP/2026/000001"


@pytest.fixture
def env(cli_env: Path) -> Path:
    return cli_env


def _run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    status = main(list(argv), stdout=out)
    return status, out.getvalue()


def _at(minutes: int) -> str:
    return f"2026-01-12T{9 + minutes // 60:02d}:{minutes % 60:02d}:00+07:00"


def test_payload_file_through_the_five_steps_and_the_dispatcher(env: Path) -> None:
    """A payload file becomes a report; each step by command; ``kirim`` prints the three
    notifications and the rating question once; ``daftar`` shows the report completed."""
    payload, media = str(env / "pesan.json"), str(env / "media")
    status, out = _run("terima", payload, "--media", media, "--waktu", _at(5))
    assert status == 0
    assert out.splitlines()[0].startswith(f"{NUMBER}\tdiajukan pemohon\tsubmit")
    status, out = _run("terima", payload, "--media", media, "--waktu", _at(6))
    assert "duplikat: 2" in out
    assert _run("terima-laporan", NUMBER, "--petugas", "p-01", "--waktu", _at(10))[0] == 0
    assert _run("teruskan", NUMBER, "--petugas", "p-01", "--waktu", _at(20))[0] == 0
    assert _run("arahan", NUMBER, "--petugas", "k-01", "--teks", "Cek.", "--waktu", _at(30))[0] == 0
    status, out = _run(
        "tindak-lanjut", NUMBER, "--petugas", "p-01", "--teks", "Sudah.", "--waktu", _at(40)
    )
    assert out == f"{NUMBER}\ttindak lanjut disampaikan\tnotifikasi: follow_up, rating_question\n"
    status, out = _run("kirim", "--waktu", _at(41))
    assert out.count("--- WhatsApp teks") == 3
    assert out.count("--- WhatsApp daftar interaktif") == 1
    assert out.endswith("terkirim: 4, dijadwalkan ulang: 0, gagal: 0\n")
    assert _run("kirim", "--waktu", _at(42))[1] == "terkirim: 0, dijadwalkan ulang: 0, gagal: 0\n"
    status, out = _run("daftar", "--json", "--waktu", _at(45))
    record = json.loads(out)
    assert (record["number"], record["state"], record["sla"]) == (NUMBER, "completed", "stopped")


def test_a_refused_step_is_one_indonesian_line_and_exit_2(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Forwarding before receiving exits 2 with one Indonesian line naming the code."""
    _run("terima", str(env / "pesan.json"), "--media", str(env / "media"), "--waktu", _at(5))
    capsys.readouterr()
    status, out = _run("teruskan", NUMBER, "--petugas", "p-01", "--waktu", _at(9))
    err = capsys.readouterr().err
    assert (status, out) == (2, "")
    assert err.count("\n") == 1
    assert err.startswith("layanan-aduan: galat: Tindakan 'forward'")
    assert err.rstrip().endswith("[transition_not_allowed]")


def test_without_the_section_head_a_forward_is_refused_and_nothing_changes(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """With no section head in the staff file the handover cannot be enqueued, so the step
    is refused."""
    _run("terima", str(env / "pesan.json"), "--media", str(env / "media"), "--waktu", _at(5))
    _run("terima-laporan", NUMBER, "--petugas", "p-01", "--waktu", _at(10))
    officers_only = env / "petugas.toml"
    staff = (env / "staf.toml").read_text(encoding="utf-8")
    officers_only.write_text("[[staff]]" + staff.split("[[staff]]")[1], "utf-8")
    capsys.readouterr()
    step = ("teruskan", NUMBER, "--petugas", "p-01", "--waktu", _at(20))
    assert _run(*step, "--staf", str(officers_only))[0] == 2
    assert capsys.readouterr().err.rstrip().endswith("[role_vacant]")
    assert "diterima petugas pelaksana" in _run("daftar", "--waktu", _at(21))[1]


@pytest.mark.parametrize(
    ("argv", "code"),
    [
        (("terima-laporan", NUMBER, "--petugas", "p-99"), "unknown_staff"),
        (("terima-laporan", NUMBER, "--petugas", "k-01"), "role_not_held"),
        (("terima-laporan", NUMBER, "--petugas", "p-01", "--staf", "/tidak/ada.toml"), None),
    ],
)
def test_a_step_by_someone_the_staff_file_does_not_allow_exits_2(
    env: Path, capsys: pytest.CaptureFixture[str], argv: tuple[str, ...], code: str | None
) -> None:
    """An id missing from the staff file, the section head taking an officer's step, and an
    unreadable staff file are each refused with exit 2 and change nothing."""
    _run("terima", str(env / "pesan.json"), "--media", str(env / "media"), "--waktu", _at(5))
    capsys.readouterr()
    assert _run(*argv, "--waktu", _at(10))[0] == 2
    err = capsys.readouterr().err
    assert err.rstrip().endswith(f"[{code or 'staff_file_unreadable'}]")
    assert "diajukan pemohon" in _run("daftar", "--waktu", _at(11))[1]


def test_a_staff_file_with_a_fault_names_its_path(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A Plh without dates in the staff file is refused naming staff[0].roles[0].from."""
    bad = env / "salah.toml"
    bad.write_text(
        '[[staff]]\nid = "plh"\nname = "Sari Dewi"\nroles = ["acting_section_head"]\n',
        "utf-8",
    )
    assert _run("daftar", "--staf", str(bad))[0] == 2
    err = capsys.readouterr().err
    assert "staff[0].roles[0].from" in err
    assert "[acting_without_dates]" in err


def test_signature_is_checked_when_asked(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """With an app secret a wrong signature is refused and a right one accepted."""
    payload = env / "pesan.json"
    body = payload.read_bytes()
    good = compute_signature(body, "rahasia-uji")
    args = ["terima", str(payload), "--app-secret", "rahasia-uji", "--waktu", _at(5)]
    assert _run(*args, "--tanda-tangan", "sha256=" + "0" * 64)[0] == 2
    assert "[" in capsys.readouterr().err
    assert _run(*args)[0] == 2
    status, out = _run(*args, "--tanda-tangan", good)
    assert status == 0
    assert "laporan: 1" in out


def test_sla_sweep_and_dead_letters_from_the_command_line(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``pantau`` enqueues the at-risk alert once; ``antrean-gagal`` lists none and refuses
    an unknown key with exit 2."""
    _run("terima", str(env / "pesan.json"), "--media", str(env / "media"), "--waktu", _at(5))
    status, out = _run("pantau", "--waktu", _at(160))
    assert status == 0
    assert out.splitlines()[-1] == "peringatan diantrekan: 1"
    assert _run("pantau", "--waktu", _at(161))[1] == "peringatan diantrekan: 0\n"
    assert _run("antrean-gagal")[1] == "antrean gagal: 0\n"
    assert _run("antrean-gagal", "--ulang", "tidak-ada")[0] == 2
    assert "[outbox_message_not_found]" in capsys.readouterr().err


def test_unreadable_payload_and_bad_instant_are_refused(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A missing file and an instant without a zone exit 2 with one line each."""
    assert _run("terima", str(env / "tidak-ada.json"))[0] == 2
    assert _run("daftar", "--waktu", "2026-01-12T09:00")[0] == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 2
    assert err[0].endswith("[unreadable_file]")
    assert err[1].endswith("[invalid_instant]")


def test_demo_is_deterministic_and_prints_each_notification() -> None:
    """The demo prints the acknowledgement, handover, follow-up, the rating question, the
    answer to the reporter's status question and the thanks for their rating, the same every
    run; the direction comes over WhatsApp."""
    status, first = _run("demo")
    assert status == 0
    assert first == _run("demo")[1]
    assert first.count("--- WhatsApp teks") == 5
    assert first.count("--- WhatsApp daftar interaktif") == 1
    assert "penilaian Anda untuk laporan/aduan nomor LAP/KNJP/2026/000001: 4 (Puas)" in first
    assert "memberi arahan lewat WhatsApp" in first
    assert "Status laporan/aduan Anda nomor LAP/KNJP/2026/000001" in first
    assert "paling lambat Senin, 12 Januari 2026 pukul 12.00 WIB" in first
    assert first.rstrip().endswith("SLA: selesai")


@pytest.mark.slow
def test_demo_runs_as_a_program() -> None:
    """``python -m layanan_aduan.entrypoints.cli demo`` runs in a fresh process."""
    done = subprocess.run(
        [sys.executable, "-m", "layanan_aduan.entrypoints.cli", "demo"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "LAP/KNJP/2026/000001" in done.stdout
    assert done.stdout.count("--- WhatsApp teks") == 5


def test_kirim_sends_through_the_cloud_api_configured_from_the_environment(
    env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``kirim --saluran whatsapp`` reads WHATSAPP_* and sends to the (loopback) Graph API,
    retrying a rate-limited send on a later run."""
    from layanan_aduan.testing.graph_server import LoopbackGraphApi, graph_error

    _run("terima", str(env / "pesan.json"), "--media", str(env / "media"), "--waktu", _at(5))
    with LoopbackGraphApi() as graph:
        monkeypatch.setenv("WHATSAPP_ACCESS_TOKEN", graph.access_token)
        monkeypatch.setenv("WHATSAPP_PHONE_NUMBER_ID", graph.phone_number_id)
        monkeypatch.setenv("WHATSAPP_GRAPH_BASE_URL", graph.base_url)
        monkeypatch.setenv("WHATSAPP_GRAPH_VERSION", graph.version)
        graph.enqueue(graph_error(130429, status=429, message="Rate limit hit"))
        status, out = _run("kirim", "--saluran", "whatsapp", "--waktu", _at(6))
        assert (status, out) == (0, "terkirim: 0, dijadwalkan ulang: 1, gagal: 0\n")
        status, out = _run("kirim", "--saluran", "whatsapp", "--waktu", _at(30))
        assert (status, out) == (0, "terkirim: 1, dijadwalkan ulang: 0, gagal: 0\n")
        sent = graph.sent_messages()
    assert sent[-1]["to"] == "6281234567890"
    assert sent[-1]["biz_opaque_callback_data"].endswith(":1:acknowledgement")


def test_a_dead_letter_is_listed_and_retried_from_the_command_line(
    env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A message WhatsApp refuses becomes a dead letter; ``antrean-gagal`` lists it,
    ``--ulang-semua`` puts it back and the next ``kirim`` delivers it."""
    from layanan_aduan.testing.graph_server import LoopbackGraphApi, graph_error

    stdin = io.StringIO((env / "pesan.json").read_text())
    assert main(["terima", "-", "--waktu", _at(5)], stdin=stdin, stdout=io.StringIO()) == 0
    with LoopbackGraphApi() as graph:
        monkeypatch.setenv("WHATSAPP_ACCESS_TOKEN", graph.access_token)
        monkeypatch.setenv("WHATSAPP_PHONE_NUMBER_ID", graph.phone_number_id)
        monkeypatch.setenv("WHATSAPP_GRAPH_BASE_URL", graph.base_url)
        monkeypatch.setenv("WHATSAPP_GRAPH_VERSION", graph.version)
        graph.enqueue(graph_error(100, status=400, message="Invalid parameter"))
        assert _run("kirim", "--saluran", "whatsapp", "--waktu", _at(6))[1].endswith("gagal: 1\n")
        status, out = _run("antrean-gagal", "--waktu", _at(7))
        assert status == 0
        key, attempts, error = out.splitlines()[0].split("\t")
        assert key.endswith(":1:acknowledgement")
        assert attempts == "percobaan 1"
        assert error.startswith("message_rejected: WhatsApp menolak pesan ini")
        assert out.splitlines()[-1] == "antrean gagal: 1"
        assert (
            _run("antrean-gagal", "--ulang-semua", "--waktu", _at(8))[1] == "diantrekan ulang: 1\n"
        )
        assert _run("kirim", "--saluran", "whatsapp", "--waktu", _at(9))[1].startswith(
            "terkirim: 1"
        )
    assert _run("antrean-gagal")[1] == "antrean gagal: 0\n"


# --- input edges (issue 10) -----------------------------------------------------------------


@pytest.mark.parametrize("errors", ["strict", "surrogateescape"])
def test_a_non_utf8_payload_on_stdin_is_one_line(
    env: Path, capsys: pytest.CaptureFixture[str], errors: str
) -> None:
    """`terima -` with bytes that are not UTF-8 is one coded line, whatever stdin's errors."""
    stdin = io.TextIOWrapper(io.BytesIO(b"\xff{}"), encoding="utf-8", errors=errors)
    assert main(["terima", "-"], stdin=stdin, stdout=io.StringIO()) == 2
    assert capsys.readouterr().err == (
        "layanan-aduan: galat: Isi webhook bukan UTF-8 yang sah. [invalid_encoding]\n"
    )


def test_surrogates_in_a_text_stdin_payload_are_one_line(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A text stdin holding lone surrogates (no bytes beneath) is refused as invalid_encoding."""
    assert main(["terima", "-"], stdin=io.StringIO("\ud800{}"), stdout=io.StringIO()) == 2
    assert capsys.readouterr().err.endswith("[invalid_encoding]\n")


def test_a_signed_payload_on_stdin_is_checked_over_its_bytes(env: Path) -> None:
    """`terima -` verifies the signature over the bytes sent, line ends included (CRLF)."""
    body = examples.whatsapp_webhook().replace(b",", b",\r\n")
    stdin = io.TextIOWrapper(io.BytesIO(body), encoding="utf-8")
    signature = compute_signature(body, "rahasia-uji")
    argv = ["terima", "-", "--app-secret", "rahasia-uji", "--tanda-tangan", signature]
    out = io.StringIO()
    status = main([*argv, "--waktu", _at(5)], stdin=stdin, stdout=out)
    assert status == 0
    assert "laporan: 1" in out.getvalue()


def test_a_non_utf8_payload_file_is_one_line(
    env: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A payload file that is not UTF-8 is one coded line (the parser's warning is not printed)."""
    # As in a terminal: no handler but Python's last resort (pytest's own would hide the bug).
    monkeypatch.setattr(logging.getLogger(), "handlers", [])
    bad = env / "rusak.json"
    bad.write_bytes(b"\xff{}")
    assert _run("terima", str(bad)) == (2, "")
    assert capsys.readouterr().err == (
        "layanan-aduan: galat: Isi webhook bukan UTF-8 yang sah. [invalid_encoding]\n"
    )


def test_a_non_utf8_staff_file_is_one_line(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A staff file that is not UTF-8 is refused as staff_file_unreadable, not a traceback."""
    bad = env / "staf-rusak.toml"
    bad.write_bytes(b'[[staff]]\nid = "\xff"\n')
    assert _run("daftar", "--staf", str(bad)) == (2, "")
    assert capsys.readouterr().err == (
        "layanan-aduan: galat: Berkas staf bukan teks UTF-8. [staff_file_unreadable]\n"
    )


def test_db_pointing_at_another_applications_file_is_refused_unchanged(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--db` naming another application's SQLite file is one line; the file keeps its bytes."""
    other = env / "lain.sqlite3"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE orders (id INTEGER PRIMARY KEY)")
    conn.close()
    before = other.read_bytes()
    assert _run("daftar", "--db", str(other)) == (2, "")
    assert capsys.readouterr().err.endswith("[foreign_database]\n")
    assert other.read_bytes() == before
    assert not (env / "lain.sqlite3-wal").exists()


def test_an_unreadable_schema_version_is_one_line(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A layanan_aduan_schema with a version that is not a number is schema_unreadable."""
    db = env / "aneh.sqlite3"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE layanan_aduan_schema (version TEXT, name TEXT)")
        conn.execute("INSERT INTO layanan_aduan_schema VALUES ('dua', 'x')")
    conn.close()
    assert _run("daftar", "--db", str(db)) == (2, "")
    assert capsys.readouterr().err.endswith("[schema_unreadable]\n")
