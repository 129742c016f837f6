"""
``layanan-aduan rekap``: the office's statistics for a period (see docs/statistics.md).

``--periode`` (``hari``, ``minggu``, ``bulan`` (bawaan), ``kuartal``, ``tahun``) and
``--mulai TANGGAL`` (a date ``YYYY-MM-DD`` inside the period, in the office's time zone;
default: today) choose the period; the figures are as of now. Output: a table in Indonesian;
``--json`` one JSON object (English keys, durations in seconds); ``--csv BERKAS`` a CSV file
(UTF-8 with a BOM, so Excel opens it as it is: one row per figure); ``--html BERKAS`` a one-page
report for the head of office with charts (needs the ``charts`` extra). It takes the desk
commands' options (``--konfigurasi``, ``--db``, ``--waktu``, ``--staf``, ``--overrides``). A
progress bar shows on a terminal (with the ``progress`` extra), never in a pipe.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from layanan_aduan._files import write_private
from layanan_aduan.exceptions import ValidationError
from layanan_aduan.service_layer.statistics import csv_rows

if TYPE_CHECKING:
    from layanan_aduan.domain.statistics import DurationSummary, PeriodStatistics

__all__ = ["register", "table"]

_PERIODS = ("hari", "minggu", "bulan", "kuartal", "tahun")
_KIND_LABELS = {
    "laporan": "laporan",
    "aduan": "aduan",
    "permohonan_informasi": "permohonan informasi",
}
_STATE_LABELS = {
    "submitted": "menunggu diterima petugas",
    "received": "menunggu diteruskan",
    "awaiting_completion": "menunggu pelapor melengkapi",
    "forwarded": "menunggu arahan Kepala Seksi",
    "directed": "menunggu tindak lanjut",
}
_STEP_LABELS = {
    "receipt": "penerimaan petugas",
    "direction": "arahan Kepala Seksi",
    "follow_up": "tindak lanjut",
}
_REASON_LABELS = {
    "spam": "spam",
    "duplicate": "duplikat",
    "not_a_report": "bukan laporan",
    "out_of_scope": "bukan wewenang",
    "abandoned": "persyaratan tidak dilengkapi",
    "other": "alasan lain",
}


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    """
    Add the ``rekap`` subcommand.
    """
    from layanan_aduan.entrypoints._meja import _common

    p = subparsers.add_parser("rekap", help="rekap statistik laporan kantor untuk satu periode")
    p.add_argument("--periode", choices=_PERIODS, default="bulan", help="panjang periode")
    p.add_argument(
        "--mulai",
        metavar="TANGGAL",
        help="tanggal (YYYY-MM-DD) di dalam periode, zona waktu kantor (bawaan: hari ini)",
    )
    p.add_argument("--json", action="store_true", help="satu objek JSON (kunci bahasa Inggris)")
    p.add_argument("--csv", metavar="BERKAS", help="tulis CSV (UTF-8 dengan BOM, untuk Excel)")
    p.add_argument("--html", metavar="BERKAS", help="tulis laporan HTML satu halaman dengan grafik")
    _common(p)
    p.set_defaults(run=_run, read_only=True)


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValidationError(
            f"--mulai harus tanggal YYYY-MM-DD, mis. 2026-01-31 (diberikan {text[:20]!r})",
            f"--mulai must be a date YYYY-MM-DD, e.g. 2026-01-31 (given {text[:20]!r})",
            code="invalid_date",
            field="mulai",
        ) from None


@contextmanager
def _progress(stream: TextIO) -> Iterator[Callable[[int], None] | None]:
    """
    A progress callback drawing a bar on a terminal (``rich``, the ``progress`` extra); none
    in a pipe or without the extra.
    """
    if not stream.isatty():
        yield None
        return
    try:
        from rich.progress import Progress, SpinnerColumn, TextColumn
    except ImportError:
        yield None
        return
    with Progress(
        SpinnerColumn(), TextColumn("membaca laporan: {task.completed}"), transient=True
    ) as bar:
        task = bar.add_task("rekap", total=None)
        yield lambda n: bar.advance(task, n)


def _run(args: argparse.Namespace, stdin: TextIO, stdout: TextIO) -> int:
    import pendulum

    from layanan_aduan.domain.periods import PeriodKind
    from layanan_aduan.entrypoints._meja import _services
    from layanan_aduan.service_layer.statistics import desk_statistics

    kind = PeriodKind.from_label(args.periode)
    day = None if args.mulai is None else _date(args.mulai)
    if args.html:
        from layanan_aduan.entrypoints._rekap_html import require_charts

        require_charts()
    with _services(args, reproject_on_start=False) as services:
        desk = services.desk
        tz = desk.standard.office.schedule.timezone
        containing = None
        if day is not None:
            containing = pendulum.datetime(day.year, day.month, day.day, 12, tz=tz)
        with _progress(sys.stderr) as progress:
            stats = desk_statistics(desk, kind, containing=containing, progress=progress)
        office_name = desk.standard.office.name
    if args.csv:
        _write_csv(Path(args.csv), stats)
    if args.html:
        from layanan_aduan.entrypoints._rekap_html import render_html

        write_private(args.html, render_html(stats, office_name=office_name))
    if args.json:
        print(json.dumps(stats.to_dict(), ensure_ascii=False), file=stdout)
    elif not (args.csv or args.html):
        print(table(stats, office_name=office_name), file=stdout)
    return 0


def _write_csv(path: Path, stats: PeriodStatistics) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows(csv_rows(stats))
    # utf-8-sig writes the BOM by which Excel knows the file is UTF-8.
    write_private(path, buffer.getvalue(), encoding="utf-8-sig")


def _hours(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    minutes = round(seconds / 60)
    return f"{minutes // 60} j {minutes % 60:02d} m"


def _share(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:.1f}%".replace(".", ",")


def _durations(label: str, summary: DurationSummary) -> str:
    return (
        f"  {label:<30} {summary.count:>6}   median {_hours(summary.median):>10}   "
        f"p90 {_hours(summary.p90):>10}   maks {_hours(summary.max):>10}"
    )


def table(stats: PeriodStatistics, *, office_name: str = "") -> str:
    """
    The statistics as a table in Indonesian, for the terminal.
    """
    s = stats
    prev = s.previous
    lines = [
        f"Rekap {s.period.kind.label} {s.period.label}"
        + (f" - {office_name}" if office_name else ""),
        f"Periode {s.period.start.format('YYYY-MM-DD')} s.d. "
        f"{s.period.end.subtract(days=1).format('YYYY-MM-DD')} ({s.period.timezone}); "
        f"data per {s.at.isoformat()}",
        "",
        f"Laporan diterima                 {s.received:>6}"
        + (f"   (periode sebelumnya {prev.received})" if prev is not None else ""),
    ]
    lines += [f"  {_KIND_LABELS.get(k, k):<30} {v:>6}" for k, v in s.by_kind.items()]
    lines += [f"  melalui {k:<22} {v:>6}" for k, v in s.by_channel.items()]
    lines += [
        f"Selesai ditindaklanjuti          {s.completed:>6}",
        f"Ditutup                          {s.closed:>6}",
    ]
    lines += [
        f"  {_REASON_LABELS.get(k, k):<30} {v:>6}" for k, v in s.closed_by_reason.items() if v
    ]
    lines += [
        f"Masih terbuka                    {s.open:>6}",
        "",
        "Tindak lanjut dalam tenggat      "
        f"{_share(s.sla.followed_up_within_goal):>6}"
        + (
            f"   (periode sebelumnya {_share(prev.sla.followed_up_within_goal)})"
            if prev is not None
            else ""
        ),
        f"  selesai tepat waktu            {s.sla.completed_on_time:>6}",
        f"  selesai terlambat              {s.sla.completed_late:>6}",
        f"  terbuka, masih dalam tenggat   {s.sla.open_on_time:>6}",
        f"  terbuka, lewat tenggat         {s.sla.open_overdue:>6}",
        "",
        "Waktu kerja sejak diterima sampai",
    ]
    lines += [_durations(_STEP_LABELS[k], v) for k, v in s.time_to.items()]
    lines.append("Waktu kerja per langkah")
    lines += [_durations(_STEP_LABELS[k], v) for k, v in s.step_time.items()]
    lines += ["", f"Terlambat                        {s.breaches.count:>6}"]
    lines.append(_durations("lewat tenggat", s.breaches.late))
    lines += [
        f"  {_STATE_LABELS.get(k, k):<30} {v:>6}" for k, v in s.breaches.by_cause.items() if v
    ]
    lines += [
        "",
        f"Menunggu pelapor melengkapi      {s.pauses.reports:>6}   "
        f"({s.pauses.pauses} kali, masih menunggu {s.pauses.waiting_now})",
        _durations("lama menunggu", s.pauses.paused_time),
        "",
        f"Penilaian pelapor                {s.ratings.count:>6}   rata-rata "
        + ("-" if s.ratings.mean is None else f"{s.ratings.mean:.2f}".replace(".", ",")),
        "  " + "   ".join(f"{k}: {v}" for k, v in s.ratings.distribution.items()),
    ]
    return "\n".join(lines)
