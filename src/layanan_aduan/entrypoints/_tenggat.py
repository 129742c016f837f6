"""
``layanan-aduan tenggat INSTANT...``: the deadline of each instant, in working time.

Each INSTANT is an ISO 8601 date and time **with** an offset (``2026-01-09T15:00:00+07:00``,
``2026-01-09T08:00:00Z``); ``-`` reads more instants from standard input, one a line.
The default goal is the service standard's 3 hours of working time (``--jam`` for
another), on the Indonesian calendar (08:00-16:00 Monday to Friday, Asia/Jakarta,
except libur nasional and cuti bersama).

Output: one deadline a line, ISO 8601 with the office's offset, followed by
``(sementara)`` when it rests on a year with no decree yet. With ``--json``, one object
a line with English keys: ``received_at`` and ``deadline`` (ISO 8601, office time zone),
``provisional``, ``goal_hours``, ``timezone``.

A bad instant (unparseable, without an offset, a date alone) gives one Indonesian line
on standard error naming its position; the other instants are still answered, and the
exit status is 2 at the end. The failed instant prints nothing on standard output:
match batch answers by ``received_at`` with ``--json``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, TextIO

from layanan_aduan.exceptions import LayananAduanError, ValidationError

if TYPE_CHECKING:
    import pendulum

__all__ = ["register"]

EXIT_OK = 0
EXIT_BAD_INPUT = 2
#: Longest line read from standard input (an instant is about 32 bytes); longer is refused.
MAX_LINE_BYTES = 1024
_ZONES = {"WIB": "Asia/Jakarta", "WITA": "Asia/Makassar", "WIT": "Asia/Jayapura"}


def _hours(text: str) -> float:
    try:
        value = float(text.replace(",", "."))  # Indonesian writes 1,5 jam
    except ValueError:
        raise argparse.ArgumentTypeError(f"bukan bilangan: {text!r}") from None
    # Range and finiteness are the engine's to refuse (duration_from_hours), with a code.
    return value


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    """
    Add the ``tenggat`` subcommand.
    """
    parser = subparsers.add_parser(
        "tenggat",
        help="tenggat tindak lanjut (jam kerja) untuk setiap waktu penerimaan",
        description=(
            "Cetak tenggat tindak lanjut setiap waktu penerimaan: waktu ditambah jam kerja "
            "(bawaan 3 jam, 08.00-16.00 Senin-Jumat kecuali libur nasional dan cuti "
            "bersama). Waktu ditulis ISO 8601 dengan zona waktu, mis. "
            "2026-01-09T15:00:00+07:00; '-' membaca waktu dari masukan standar, satu per baris."
        ),
    )
    parser.add_argument(
        "instants", metavar="WAKTU", nargs="+", help="waktu penerimaan ISO 8601, atau '-'"
    )
    parser.add_argument(
        "--jam",
        type=_hours,
        default=3.0,
        metavar="N",
        help="lama tenggat dalam jam kerja (bawaan 3; pecahan boleh, mis. 1,5)",
    )
    parser.add_argument(
        "--json", action="store_true", help="satu objek JSON per baris (kunci bahasa Inggris)"
    )
    parser.add_argument(
        "--overrides", metavar="BERKAS", help="berkas TOML berisi libur tambahan dan jam khusus"
    )
    parser.add_argument(
        "--zona",
        default="WIB",
        metavar="ZONA",
        help="zona waktu kantor: WIB (bawaan), WITA, WIT atau nama IANA",
    )
    parser.add_argument(
        "--ketat",
        action="store_true",
        dest="strict",
        help="tolak tahun yang belum ditetapkan SKB (tanpa hasil sementara)",
    )
    parser.set_defaults(run=run)


def _inputs(instants: list[str], stdin: TextIO) -> Iterator[tuple[str, str | LayananAduanError]]:
    """
    Yield (position, text) for each instant; ``-`` streams the non-blank lines of stdin.

    A line that is not UTF-8 or longer than :data:`MAX_LINE_BYTES` comes as its refusal instead
    of its text, so the other lines are still answered.
    """
    read_stdin = False
    for n, text in enumerate(instants, start=1):
        if text != "-":
            yield f"argumen {n}", text.strip()
        elif not read_stdin:
            read_stdin = True
            for line_no, line in _stdin_lines(stdin):
                if isinstance(line, LayananAduanError) or line.strip():
                    yield (
                        f"baris {line_no}",
                        line if isinstance(line, LayananAduanError) else line.strip(),
                    )


def _stdin_lines(stdin: TextIO) -> Iterator[tuple[int, str | LayananAduanError]]:
    buffer = getattr(stdin, "buffer", None)
    if buffer is not None:
        # Bytes, decoded here line by line: one bad line is refused, not the whole stream.
        line_no = 0
        while raw := buffer.readline(MAX_LINE_BYTES + 1):
            line_no += 1
            if len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n"):
                while (rest := buffer.readline(MAX_LINE_BYTES)) and not rest.endswith(b"\n"):
                    pass  # skip the rest of the line in bounded pieces
                yield line_no, _too_long()
                continue
            try:
                yield line_no, raw.decode("utf-8")
            except UnicodeDecodeError:
                yield line_no, _not_utf8()
        return
    lines = enumerate(stdin, start=1)
    line_no = 0
    while True:
        try:
            line_no, line = next(lines)
        except StopIteration:
            return
        except UnicodeDecodeError:
            # A strict text stream cannot go on past bytes it cannot decode.
            yield line_no + 1, _not_utf8()
            return
        if len(line) > MAX_LINE_BYTES:
            yield line_no, _too_long()
        elif not _is_utf8(line):
            yield line_no, _not_utf8()
        else:
            yield line_no, line


def _is_utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # surrogates: bytes that were not UTF-8
        return False
    return True


def _not_utf8() -> LayananAduanError:
    return ValidationError(
        "baris ini bukan teks UTF-8 yang sah",
        "this line is not valid UTF-8 text",
        code="invalid_encoding",
        field="instant",
    )


def _too_long() -> LayananAduanError:
    return ValidationError(
        f"baris lebih dari {MAX_LINE_BYTES} bita",
        f"the line is longer than {MAX_LINE_BYTES} bytes",
        code="line_too_long",
        field="instant",
    )


def parse_instant(text: str) -> pendulum.DateTime:
    """
    Parse an ISO 8601 date-time; refusals raise LayananAduanError with an Indonesian message.
    """
    import pendulum

    from layanan_aduan.exceptions import NaiveDatetimeError

    try:
        # exact=True: a bare time is a Time (never completed with today's date).
        parsed = pendulum.parse(text, exact=True, tz=None)
    except ValueError:  # pendulum's ParserError is a ValueError
        parsed = None
    if not isinstance(parsed, pendulum.DateTime):
        raise ValidationError(
            "bukan tanggal dan jam ISO 8601, mis. 2026-01-09T15:00:00+07:00",
            "not an ISO 8601 date and time, e.g. 2026-01-09T15:00:00+07:00",
            code="invalid_instant",
            field="instant",
        )
    if parsed.tzinfo is None:
        raise NaiveDatetimeError(
            "waktu tanpa zona waktu tidak diterima; tambahkan offset, mis. +07:00 atau Z",
            "a time without a time zone is not accepted; add an offset, e.g. +07:00 or Z",
            field="instant",
        )
    return parsed


def run(args: argparse.Namespace, stdin: TextIO, stdout: TextIO) -> int:
    """
    Print the deadline of each instant; returns 2 when any instant was refused.
    """
    from layanan_aduan.adapters.holidays_id import indonesian_calendar
    from layanan_aduan.adapters.overrides_file import load_overrides
    from layanan_aduan.domain.calendar import DataPolicy, OfficeSchedule
    from layanan_aduan.domain.worktime import WorkingTime, duration_from_hours

    goal = duration_from_hours(args.jam, "jam")
    calendar = indonesian_calendar(
        schedule=OfficeSchedule(timezone=_ZONES.get(args.zona.upper(), args.zona)),
        overrides=load_overrides(args.overrides) if args.overrides else None,
        policy=DataPolicy.STRICT if args.strict else DataPolicy.PROVISIONAL,
    )
    engine = WorkingTime(calendar)
    goal_hours: float | int = int(args.jam) if args.jam.is_integer() else args.jam
    status = EXIT_OK
    for position, text in _inputs(args.instants, stdin):
        try:
            if isinstance(text, LayananAduanError):
                raise text
            received = parse_instant(text)
            deadline = engine.add(received, goal)
        except LayananAduanError as e:
            print(
                f"layanan-aduan tenggat: galat: {position}: {e.message} [{e.code}]",
                file=sys.stderr,
            )
            status = EXIT_BAD_INPUT
            continue
        if args.json:
            record = {
                "received_at": received.in_timezone(engine.timezone).isoformat(),
                "deadline": deadline.at.isoformat(),
                "provisional": deadline.provisional,
                "goal_hours": goal_hours,
                "timezone": engine.timezone,
            }
            print(json.dumps(record), file=stdout)
        else:
            mark = "  (sementara)" if deadline.provisional else ""
            print(f"{deadline.at.isoformat()}{mark}", file=stdout)
    return status
