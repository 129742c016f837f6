"""
The command-line frame: refusals in Indonesian with exit status 2, and quiet ends of pipes.
"""

from __future__ import annotations

import io
import logging
import os
import signal
import subprocess
import sys
import warnings
from collections.abc import Callable
from pathlib import Path

import pytest

from layanan_aduan.entrypoints import _kalender
from layanan_aduan.entrypoints.cli import MAX_KEPT_LOG_LINES, main
from layanan_aduan.exceptions import ValidationError


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


# --- input edges (issue 10) -----------------------------------------------------------------


def test_a_non_utf8_argument_is_one_line_and_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    """An argument Python surrogate-escaped (bytes that are not UTF-8) is one coded line."""
    status = main(["terima-laporan", "X", "--petugas", "\udcff"], stdout=io.StringIO())
    assert status == 2
    assert capsys.readouterr().err == (
        "layanan-aduan: galat: argumen ke-4 bukan teks UTF-8 yang sah [invalid_encoding]\n"
    )


@pytest.mark.slow
def test_non_utf8_bytes_in_argv_are_refused_before_anything_runs(tmp_path: Path) -> None:
    """Real argv bytes that are not UTF-8 end with one line and status 2; no database is made."""
    db = tmp_path / "aduan.sqlite3"
    command = [sys.executable, "-m", "layanan_aduan.entrypoints.cli", "terima-laporan", "X"]
    proc = subprocess.run(  # noqa: S603 - our own interpreter and module
        [*command, "--db", str(db), "--petugas", b"\xff"],  # bytes: exactly what a shell passes
        capture_output=True,
        check=False,
    )
    assert proc.returncode == 2
    assert proc.stderr.count(b"\n") == 1
    assert b"[invalid_encoding]" in proc.stderr
    assert not db.exists()


class _CtrlC(io.StringIO):
    """Standard input whose reader presses Ctrl-C at the first line."""

    def __next__(self) -> str:
        raise KeyboardInterrupt


def test_ctrl_c_ends_quietly_with_130(capsys: pytest.CaptureFixture[str]) -> None:
    """A KeyboardInterrupt during a command is one line ("dihentikan") and status 130."""
    assert main(["tenggat", "-"], stdin=_CtrlC(), stdout=io.StringIO()) == 130
    assert capsys.readouterr().err == "layanan-aduan: dihentikan\n"


@pytest.mark.slow
def test_sigint_to_the_console_command_ends_quietly_with_130() -> None:
    """SIGINT while `tenggat -` waits for its next line ends with one line and status 130."""
    proc = subprocess.Popen(
        [sys.executable, "-u", "-m", "layanan_aduan.entrypoints.cli", "tenggat", "-"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdin is not None
    assert proc.stdout is not None
    proc.stdin.write(b"2026-01-09T15:00:00+07:00\n")
    proc.stdin.flush()
    # Its answer on stdout means the command is running and back to reading standard input.
    assert proc.stdout.readline() == b"2026-01-12T10:00:00+07:00\n"
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130
    assert err == b"layanan-aduan: dihentikan\n"


def _noisy_run(fail: bool) -> Callable[..., int]:
    def run(args: object, stdin: object, stdout: object) -> int:
        log = logging.getLogger("layanan_aduan.test")
        try:
            raise ZeroDivisionError("inside")
        except ZeroDivisionError:
            log.warning("first line\nsecond line", exc_info=True)
        warnings.warn("a Python\nwarning", UserWarning, stacklevel=1)
        log.info("only with --verbose")
        if fail:
            raise ValidationError("ditolak", "refused", code="refused_here")
        return 0

    return run


def test_library_warnings_are_one_line_each_without_traceback(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Log records and Python warnings during a command print as single lines, no traceback."""
    monkeypatch.setattr(_kalender, "run", _noisy_run(fail=False))
    assert main(["kalender", "2026"], stdout=io.StringIO()) == 0
    assert capsys.readouterr().err.splitlines() == [
        "layanan-aduan: peringatan: first line second line",
        "layanan-aduan: peringatan: UserWarning: a Python warning",
    ]


def test_a_refusal_stays_one_line_whatever_was_logged(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Warnings logged by a command that is then refused are dropped: the refusal is one line."""
    # As in a terminal: no handler but Python's last resort (pytest's own would hide the bug).
    monkeypatch.setattr(logging.getLogger(), "handlers", [])
    monkeypatch.setattr(_kalender, "run", _noisy_run(fail=True))
    assert main(["kalender", "2026"], stdout=io.StringIO()) == 2
    assert capsys.readouterr().err == "layanan-aduan: galat: ditolak [refused_here]\n"


@pytest.mark.parametrize("argv", [["-v", "kalender", "2026"], ["kalender", "2026", "--verbose"]])
def test_verbose_shows_info_records_and_tracebacks(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, argv: list[str]
) -> None:
    """-v/--verbose, before or after the subcommand, prints INFO records and tracebacks."""
    monkeypatch.setattr(_kalender, "run", _noisy_run(fail=False))
    assert main(argv, stdout=io.StringIO()) == 0
    err = capsys.readouterr().err
    assert "only with --verbose" in err
    assert "Traceback" in err
    assert "ZeroDivisionError: inside" in err


def test_logging_is_restored_after_a_command(monkeypatch: pytest.MonkeyPatch) -> None:
    """A command leaves the root logger's handlers and level as it found them."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    monkeypatch.setattr(_kalender, "run", _noisy_run(fail=True))
    main(["-v", "kalender", "2026"], stdout=io.StringIO())
    main(["kalender", "2026"], stdout=io.StringIO())
    assert (root.handlers, root.level) == (handlers, level)


def test_kept_warnings_are_bounded(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Beyond MAX_KEPT_LOG_LINES, warnings are counted, not kept (bounded memory)."""

    def run(args: object, stdin: object, stdout: object) -> int:
        for n in range(MAX_KEPT_LOG_LINES + 5):
            logging.getLogger("layanan_aduan.test").warning("w%d", n)
        return 0

    monkeypatch.setattr(_kalender, "run", run)
    assert main(["kalender", "2026"], stdout=io.StringIO()) == 0
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == MAX_KEPT_LOG_LINES + 1
    assert lines[-1] == "layanan-aduan: peringatan: 5 catatan lain tidak ditampilkan"


def test_a_multi_line_refusal_is_printed_on_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A refusal whose message has several lines (a configuration's problems) is one line."""
    config = tmp_path / "kantor.toml"
    config.write_bytes(b"\xff")
    status = main(["daftar", "--konfigurasi", str(config), "--db", str(tmp_path / "a.sqlite3")])
    assert status == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.endswith("bukan teks UTF-8. [invalid_configuration]\n")
