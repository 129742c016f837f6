"""
The ``layanan-aduan tenggat`` command: deadlines, JSON lines, batches, refusals.
"""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from layanan_aduan.entrypoints._tenggat import MAX_LINE_BYTES
from layanan_aduan.entrypoints.cli import main


def _run(*argv: str, stdin: str = "") -> tuple[int, str]:
    out = io.StringIO()
    status = main(["tenggat", *argv], stdin=io.StringIO(stdin), stdout=out)
    return status, out.getvalue()


def test_prints_the_deadline_of_each_instant() -> None:
    """Each instant gives its deadline, ISO 8601 with the office's offset, in order."""
    status, out = _run(
        "2026-01-09T15:00:00+07:00", "2026-01-07T16:00:00+07:00", "2026-01-07T06:00:00Z"
    )
    assert status == 0
    assert out.splitlines() == [
        "2026-01-12T10:00:00+07:00",
        "2026-01-08T11:00:00+07:00",
        "2026-01-07T16:00:00+07:00",
    ]


def test_issue_examples() -> None:
    """The issue's five examples, through the command line."""
    status, out = _run(
        "2026-01-09T15:00+07:00",
        "2026-01-07T16:00+07:00",
        "2026-01-07T13:00+07:00",
        "2026-01-10T10:00+07:00",
        "2026-01-16T10:00+07:00",
    )
    assert status == 0
    assert out.split() == [
        "2026-01-12T10:00:00+07:00",
        "2026-01-08T11:00:00+07:00",
        "2026-01-07T16:00:00+07:00",
        "2026-01-12T11:00:00+07:00",
        "2026-01-19T11:00:00+07:00",
    ]


def test_json_lines() -> None:
    """--json prints one object a line with the received instant in the office zone."""
    status, out = _run("2026-01-09T08:00:00Z", "--json")
    assert status == 0
    assert [json.loads(line) for line in out.splitlines()] == [
        {
            "received_at": "2026-01-09T15:00:00+07:00",
            "deadline": "2026-01-12T10:00:00+07:00",
            "provisional": False,
            "goal_hours": 3,
            "timezone": "Asia/Jakarta",
        }
    ]


def test_other_goal_in_hours_with_a_decimal_comma() -> None:
    """--jam sets another goal; Indonesian decimal commas are understood."""
    status, out = _run("2026-01-07T09:00+07:00", "--jam", "1,5", "--json")
    assert status == 0
    record = json.loads(out)
    assert (record["deadline"], record["goal_hours"]) == ("2026-01-07T10:30:00+07:00", 1.5)
    assert _run("2026-01-07T09:00+07:00", "--jam", "8")[1] == "2026-01-08T09:00:00+07:00\n"


def test_provisional_deadlines_are_marked() -> None:
    """A deadline in a year with no decree yet is marked (sementara) / provisional."""
    status, out = _run("2027-12-31T15:00:00+07:00")
    assert (status, out) == (0, "2028-01-03T10:00:00+07:00  (sementara)\n")
    assert json.loads(_run("2027-12-31T15:00:00+07:00", "--json")[1])["provisional"] is True


def test_strict_refuses_undecreed_years_line_by_line(capsys: pytest.CaptureFixture[str]) -> None:
    """--ketat refuses an instant whose answer would be provisional, and answers the others."""
    status, out = _run("--ketat", "2028-03-01T09:00+07:00", "2026-03-02T09:00+07:00")
    assert status == 2
    assert out == "2026-03-02T12:00:00+07:00\n"
    assert "[calendar_data_missing]" in capsys.readouterr().err


def test_batch_from_standard_input(capsys: pytest.CaptureFixture[str]) -> None:
    """'-' reads instants one a line; blank lines are skipped; bad lines do not stop the rest."""
    stdin = "2026-01-16T10:00:00+07:00\n\nbukan waktu\n2026-01-10T03:00:00Z\n"
    status, out = _run("-", "--json", stdin=stdin)
    assert status == 2
    assert [json.loads(line)["deadline"] for line in out.splitlines()] == [
        "2026-01-19T11:00:00+07:00",
        "2026-01-12T11:00:00+07:00",
    ]
    err = capsys.readouterr().err.splitlines()
    assert err == [
        "layanan-aduan tenggat: galat: baris 3: bukan tanggal dan jam ISO 8601, "
        "mis. 2026-01-09T15:00:00+07:00 [invalid_instant]"
    ]


def _bytes_stdin(data: bytes, errors: str) -> io.TextIOWrapper:
    """A standard input over ``data`` decoded as a terminal's would be, with ``errors``."""
    return io.TextIOWrapper(io.BytesIO(data), encoding="utf-8", errors=errors)


@pytest.mark.parametrize("errors", ["strict", "surrogateescape"])
def test_non_utf8_lines_on_stdin_are_refused_by_position(
    capsys: pytest.CaptureFixture[str], errors: str
) -> None:
    """A stdin line that is not UTF-8 is one coded line by position; the others are answered."""
    data = b"2026-01-09T15:00:00+07:00\n\xff\xfe\n\n2026-01-07T13:00:00+07:00\n"
    out = io.StringIO()
    status = main(["tenggat", "-"], stdin=_bytes_stdin(data, errors), stdout=out)
    assert status == 2
    assert out.getvalue().splitlines() == [
        "2026-01-12T10:00:00+07:00",
        "2026-01-07T16:00:00+07:00",
    ]
    assert capsys.readouterr().err == (
        "layanan-aduan tenggat: galat: baris 2: baris ini bukan teks UTF-8 yang sah "
        "[invalid_encoding]\n"
    )


def test_non_utf8_text_without_bytes_beneath_is_refused(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A text stream holding surrogates (undecodable bytes) is refused line by line too."""
    status, out = _run("-", stdin="\udcff\n2026-01-07T13:00:00+07:00\n")
    assert (status, out) == (2, "2026-01-07T16:00:00+07:00\n")
    assert "baris 1: baris ini bukan teks UTF-8 yang sah [invalid_encoding]" in (
        capsys.readouterr().err
    )


@pytest.mark.parametrize("errors", ["strict", None])
def test_an_overlong_stdin_line_is_refused_and_skipped(
    capsys: pytest.CaptureFixture[str], errors: str | None
) -> None:
    """A line longer than MAX_LINE_BYTES is refused by position; reading goes on after it."""
    data = b"x" * (3 * MAX_LINE_BYTES) + b"\n2026-01-07T13:00:00+07:00\n"
    stdin = _bytes_stdin(data, errors) if errors else io.StringIO(data.decode())
    out = io.StringIO()
    assert main(["tenggat", "-"], stdin=stdin, stdout=out) == 2
    assert out.getvalue() == "2026-01-07T16:00:00+07:00\n"
    assert capsys.readouterr().err == (
        f"layanan-aduan tenggat: galat: baris 1: baris lebih dari {MAX_LINE_BYTES} bita "
        "[line_too_long]\n"
    )


@pytest.mark.parametrize(
    ("instant", "code"),
    [
        ("2026-01-09T15:00:00", "naive_datetime"),
        ("2026-01-09", "invalid_instant"),
        ("15:00+07:00", "invalid_instant"),
        ("P1D", "invalid_instant"),
        ("besok pagi", "invalid_instant"),
        ("9998-12-31T15:00+07:00", "instant_out_of_range"),
    ],
)
def test_bad_instants_give_one_indonesian_line_and_status_2(
    capsys: pytest.CaptureFixture[str], instant: str, code: str
) -> None:
    """A refused instant gives one line on stderr naming its position, no traceback."""
    status, out = _run("2026-01-07T09:00+07:00", instant)
    assert status == 2
    assert out == "2026-01-07T12:00:00+07:00\n"
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1
    assert err.startswith("layanan-aduan tenggat: galat: argumen 2: ")
    assert err.rstrip().endswith(f"[{code}]")
    assert "Traceback" not in err


def test_naive_instants_are_refused_in_indonesian(capsys: pytest.CaptureFixture[str]) -> None:
    """A time without an offset is never assumed to be UTC or WIB."""
    assert _run("2026-01-09T15:00") == (2, "")
    assert "tanpa zona waktu tidak diterima" in capsys.readouterr().err


@pytest.mark.parametrize(
    "argv",
    [
        ["--tidak-ada", "2026-01-09T15:00+07:00"],
        ["--jam", "nol", "2026-01-09T15:00+07:00"],
        [],
    ],
)
def test_bad_options_exit_2_with_one_line(
    capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    """Unknown options, a --jam that is not a number and a missing instant exit with status 2."""
    with pytest.raises(SystemExit) as info:
        main(["tenggat", *argv], stdout=io.StringIO())
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "galat" in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("jam", "code"),
    [
        ("1e20", "duration_too_long"),  # was an OverflowError traceback
        ("1.5e7", "duration_too_long"),  # was 41 s and 1.8 GB of timeline
        ("10000,5", "duration_too_long"),
        ("1e-300", "duration_too_short"),  # was silently a zero goal
        ("2e-10", "duration_too_short"),
        ("inf", "duration_not_finite"),
        ("nan", "duration_not_finite"),
        ("0", "invalid_duration"),
        ("-1", "invalid_duration"),
    ],
)
def test_goals_out_of_range_are_one_line_with_a_code(
    capsys: pytest.CaptureFixture[str], jam: str, code: str
) -> None:
    """A --jam that is huge, below a microsecond, not finite or not positive is one coded line."""
    assert _run("--jam", jam, "2026-01-09T15:00+07:00") == (2, "")
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("layanan-aduan: galat: ")
    assert err.rstrip().endswith(f"[{code}]")


def test_the_longest_goal_is_answered() -> None:
    """A goal of exactly the documented maximum (10,000 hours) still gets its deadline."""
    status, out = _run("--jam", "10000", "2026-01-09T15:00+07:00")
    assert status == 0
    assert out.startswith("2031-")


def test_office_zone(capsys: pytest.CaptureFixture[str]) -> None:
    """--zona WITA counts 08:00-16:00 WITA and answers in +08:00; an unknown zone exits 2."""
    assert _run("--zona", "WITA", "2026-01-09T15:00+08:00") == (0, "2026-01-12T10:00:00+08:00\n")
    assert _run("--zona", "Asia/Jayapura", "2026-01-09T15:00+09:00")[1] == (
        "2026-01-12T10:00:00+09:00\n"
    )
    assert main(["tenggat", "--zona", "Mars/Olympus", "2026-01-09T15:00+07:00"]) == 2
    assert "[unknown_timezone]" in capsys.readouterr().err


def test_overrides_file(tmp_path: Path) -> None:
    """A short-notice closure in the overrides file moves the deadline."""
    file = tmp_path / "libur.toml"
    file.write_text('[closed]\n2026-01-12 = "Cuti bersama mendadak"\n', encoding="utf-8")
    status, out = _run("2026-01-09T15:00+07:00", "--overrides", str(file))
    assert (status, out) == (0, "2026-01-13T10:00:00+07:00\n")


def test_missing_overrides_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A missing overrides file is one Indonesian line and status 2."""
    status, _ = _run("2026-01-09T15:00+07:00", "--overrides", str(tmp_path / "tidak-ada.toml"))
    assert status == 2
    assert "[overrides_file_not_found]" in capsys.readouterr().err


@pytest.mark.slow
def test_console_script_reads_a_batch_from_stdin() -> None:
    """The installed console script answers a batch on stdin and reports a bad line."""
    script = shutil.which("layanan-aduan", path=str(Path(sys.executable).parent))
    assert script is not None
    done = subprocess.run(  # noqa: S603 (a fixed argv to the project's own script)
        [script, "tenggat", "-"],
        input="2026-01-09T15:00:00+07:00\n2026-01-09T15:00:00\n",
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 2
    assert done.stdout == "2026-01-12T10:00:00+07:00\n"
    assert done.stderr.count("\n") == 1
    assert "baris 2" in done.stderr
    assert "Traceback" not in done.stderr
