"""
Tests of how ``terima`` reads its input (issue 9): a payload file's size is checked before it
is read, standard input is read as raw bytes whatever the locale, and media files named by id
are checked for size before they are read.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from layanan_aduan import examples
from layanan_aduan.adapters.whatsapp.inbound import DEFAULT_WEBHOOK_LIMITS, compute_signature
from layanan_aduan.entrypoints.cli import main

AT = "2026-01-12T09:05:00+07:00"
SECRET = "rahasia-uji"  # noqa: S105 - a test app secret


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("LAYANAN_ADUAN_DB", str(tmp_path / "aduan.sqlite3"))
    monkeypatch.delenv("WHATSAPP_APP_SECRET", raising=False)
    monkeypatch.delenv("LAYANAN_ADUAN_STAF", raising=False)
    monkeypatch.delenv("LAYANAN_ADUAN_KONFIGURASI", raising=False)
    return tmp_path


def run(*argv: str, stdin: io.TextIOBase | None = None) -> tuple[int, str]:
    out = io.StringIO()
    status = main(list(argv), stdin=stdin, stdout=out)  # type: ignore[arg-type]
    return status, out.getvalue()


def test_a_payload_file_over_the_limit_is_refused_by_its_size(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A 4 GiB payload file is refused from its size alone (the message gives it, which a
    bounded read could not know), in one line with exit status 2; nothing is taken."""
    big = env / "besar.json"
    with big.open("wb") as f:
        f.truncate(4 * 1024**3)  # sparse: no disk is used
    assert run("terima", str(big), "--waktu", AT) == (2, "")
    limit = DEFAULT_WEBHOOK_LIMITS.max_body_bytes
    assert capsys.readouterr().err == (
        f"layanan-aduan: galat: berkas '{big}' melebihi batas {limit} bita "
        f"({4 * 1024**3} bita) [body_too_large]\n"
    )
    assert run("daftar", "--waktu", AT) == (0, "belum ada laporan\n")


def test_a_payload_file_at_the_limit_is_read(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A file of exactly the limit passes the size check and reaches the parser."""
    edge = env / "pas.json"
    body = examples.whatsapp_webhook()
    edge.write_bytes(body + b" " * (DEFAULT_WEBHOOK_LIMITS.max_body_bytes - len(body)))
    status, out = run("terima", str(edge), "--waktu", AT)
    assert status == 0
    assert "laporan: 1" in out


def test_stdin_over_the_limit_is_refused_after_a_bounded_read(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A body on standard input longer than the limit is read one byte past it and refused."""
    big = io.BytesIO(b"{" + b" " * (DEFAULT_WEBHOOK_LIMITS.max_body_bytes + 100) + b"}")
    stdin = io.TextIOWrapper(big, encoding="utf-8")
    assert run("terima", "-", "--waktu", AT, stdin=stdin) == (2, "")
    assert capsys.readouterr().err.endswith("[body_too_large]\n")
    assert big.tell() == DEFAULT_WEBHOOK_LIMITS.max_body_bytes + 1


def test_a_media_file_over_the_limit_is_not_read(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A media file (``--media DIR``) larger than any evidence is refused from its size: the
    report records the evidence as missing."""
    media = env / "media"
    media.mkdir()
    with (media / examples.SCREENSHOT_MEDIA_ID).open("wb") as f:
        f.truncate(4 * 1024**3)
    payload = env / "pesan.json"
    payload.write_bytes(examples.whatsapp_webhook())
    status, out = run("terima", str(payload), "--media", str(media), "--waktu", AT)
    assert status == 0
    assert "notifikasi: acknowledgement, missing_requirements" in out
    assert "media not fetched: media_too_large" in capsys.readouterr().err


def _c_locale() -> dict[str, str]:
    """The environment of a shell whose locale is C, without UTF-8 mode or an I/O encoding."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("LC_", "LANG", "PYTHONIOENCODING", "PYTHONUTF8"))
    }
    env.update(LC_ALL="C", PYTHONUTF8="0")
    return env


def _terima(env: dict[str, str], body: bytes, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(  # noqa: S603 - our own command line, arguments we built
        [sys.executable, "-m", "layanan_aduan.entrypoints.cli", "terima", "-", *args],
        input=body,
        env=env,
        capture_output=True,
        timeout=120,
        check=False,
    )


@pytest.mark.slow
def test_a_signed_non_ascii_body_is_accepted_in_the_c_locale(tmp_path: Path) -> None:
    """With LC_ALL=C (stdin decoded as ASCII by Python), a correctly signed body holding
    non-ASCII text is checked over its bytes and taken."""
    env = _c_locale()
    env["LAYANAN_ADUAN_DB"] = str(tmp_path / "aduan.sqlite3")
    probe = subprocess.run(
        [sys.executable, "-c", "import sys; print(sys.stdin.encoding)"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert probe.stdout.strip() == "ascii"  # the locale the test is about
    body = examples.whatsapp_webhook().replace(b"Saya dimintai", "Saya — dimintai ü".encode())
    signature = compute_signature(body, SECRET)
    done = _terima(env, body, "--app-secret", SECRET, "--tanda-tangan", signature, "--waktu", AT)
    assert done.returncode == 0, done.stderr
    assert b"laporan: 1," in done.stdout
    assert b"Traceback" not in done.stderr


@pytest.mark.slow
def test_non_utf8_bytes_on_stdin_are_one_line_in_the_c_locale(tmp_path: Path) -> None:
    """Bytes that are not UTF-8 on standard input are one coded line and exit status 2."""
    env = _c_locale()
    env["LAYANAN_ADUAN_DB"] = str(tmp_path / "aduan.sqlite3")
    done = _terima(env, b"\xff{}", "--waktu", AT)
    assert done.returncode == 2
    assert done.stdout == b""
    assert done.stderr == (
        b"layanan-aduan: galat: Isi webhook bukan UTF-8 yang sah. [invalid_encoding]\n"
    )
