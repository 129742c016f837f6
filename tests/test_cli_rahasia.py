"""
Confidential reports on the command line: ``riwayat`` shows a sealed reporter as
``[dirahasiakan]``, ``buka-identitas`` unseals by the section head with a reason and refuses anyone
else (exit 2, nothing changes).
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from layanan_aduan.entrypoints.cli import main

NUMBER = "LAP/KNJP/2026/000001"


@pytest.fixture
def env(cli_env: Path) -> Path:
    payload = cli_env / "pesan.json"
    document = json.loads(payload.read_bytes())
    text = document["entry"][0]["changes"][0]["value"]["messages"][0]["text"]
    text["body"] = "RAHASIA\n" + text["body"]
    payload.write_text(json.dumps(document), encoding="utf-8")
    return cli_env


def _run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    status = main(list(argv), stdout=out)
    return status, out.getvalue()


def _at(minutes: int) -> str:
    return f"2026-01-12T{9 + minutes // 60:02d}:{minutes % 60:02d}:00+07:00"


def test_the_section_head_unseals_and_others_are_refused(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """riwayat shows the sealed reporter as [dirahasiakan]; an officer and an empty reason are
    refused with exit 2 and change nothing; the section head unseals with a reason."""
    payload, media = str(env / "pesan.json"), str(env / "media")
    assert _run("terima", payload, "--media", media, "--waktu", _at(5))[0] == 0
    status, history = _run("riwayat", NUMBER)
    assert status == 0
    assert "reporter [dirahasiakan]" in history
    capsys.readouterr()
    refused = ("buka-identitas", NUMBER, "--oleh", "p-01", "--alasan", "Ingin tahu.")
    assert _run(*refused, "--waktu", _at(6))[0] == 2
    assert capsys.readouterr().err.rstrip().endswith("[role_not_held]")
    empty = ("buka-identitas", NUMBER, "--oleh", "k-01", "--alasan", "  ")
    assert _run(*empty, "--waktu", _at(6))[0] == 2
    assert capsys.readouterr().err.rstrip().endswith("[unseal_reason_required]")
    assert _run("riwayat", NUMBER)[1] == history
    opened = ("buka-identitas", NUMBER, "--oleh", "k-01", "--alasan", "Klarifikasi.")
    status, out = _run(*opened, "--waktu", _at(7))
    assert (status, out) == (0, f"{NUMBER}\tidentitas pelapor dibuka\tunseal_identity\n")
    history = _run("riwayat", NUMBER)[1]
    assert "[dirahasiakan]" not in history
    assert "unseal_identity\tsection_head k-01" in history
