"""
The command-line frame: refusals in Indonesian with exit status 2, and quiet ends of pipes.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from layanan_aduan.entrypoints.cli import main


def test_unknown_option_is_one_indonesian_line_and_exit_2(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """An unknown option is refused with one Indonesian line on stderr and status 2."""
    with pytest.raises(SystemExit) as exc:
        main(["kalender", "2026", "--tidak-ada"], stdout=io.StringIO())
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "argumen tidak dikenal: --tidak-ada" in err
    assert "Traceback" not in err


def test_missing_command_is_refused_in_indonesian(capsys: pytest.CaptureFixture[str]) -> None:
    """Running with no subcommand names what is required, in Indonesian."""
    with pytest.raises(SystemExit) as exc:
        main([], stdout=io.StringIO())
    assert exc.value.code == 2
    assert "wajib diisi" in capsys.readouterr().err


@pytest.mark.slow
def test_closed_pipe_ends_quietly(tmp_path: Path) -> None:
    """A reader that stops early (`| head -1`) ends the command without a traceback."""
    # Far more output than a pipe buffers (64 KiB), so the writer meets the closed pipe.
    batch = "".join(f"2026-01-{d:02d}T10:00:00+07:00\n" for d in range(1, 29)) * 300
    instants = tmp_path / "instants.txt"
    instants.write_text(batch)
    read_end, write_end = os.pipe()
    with instants.open("rb") as stdin:
        proc = subprocess.Popen(
            [sys.executable, "-m", "layanan_aduan.entrypoints.cli", "tenggat", "--json", "-"],
            stdin=stdin,
            stdout=write_end,
            stderr=subprocess.PIPE,
        )
    os.close(write_end)
    with os.fdopen(read_end, "rb") as reader:
        assert reader.readline().startswith(b"{")
    _, err = proc.communicate(timeout=120)
    assert b"Traceback" not in err
    assert proc.returncode == 141
