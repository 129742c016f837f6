"""
``layanan-aduan hitung-ulang``: re-project the open reports' deadlines with the current calendar.

By default a dry run: it shows, for every open report stored with another calendar (new
overrides, a new holiday data release, a decree for a year that was provisional), its old and
new deadline and why (the closed days, reopened days and special hours that place the new one,
each with its name, legal basis and ``override`` when the operator's overrides set it), and
changes nothing. ``--jalankan`` saves the new projections and tells each reporter whose deadline
a closure moved later (once). ``--json`` prints one JSON object per report. It takes the desk
commands' options (``--konfigurasi``, ``--db``, ``--waktu``, ``--staf``, ``--overrides``); the
desk does not re-project on its own before the command shows what would move.
"""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    import pendulum

    from layanan_aduan.service_layer.reprojection import ReprojectedReport

__all__ = ["register"]


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    """
    Add the ``hitung-ulang`` subcommand.
    """
    from layanan_aduan.entrypoints._meja import _common

    p = subparsers.add_parser(
        "hitung-ulang",
        help="hitung ulang tenggat laporan terbuka dengan kalender sekarang (uji coba bawaan)",
    )
    p.add_argument(
        "--jalankan",
        action="store_true",
        help="simpan tenggat baru dan beri tahu pelapor (tanpa ini: hanya menampilkan)",
    )
    p.add_argument("--json", action="store_true", help="satu objek JSON per laporan")
    _common(p)
    p.set_defaults(run=_run)


def _shown(instant: pendulum.DateTime | None, tz: str) -> str:
    from layanan_aduan.domain.standard import zone_name

    if instant is None:
        return "-"
    local = instant.in_timezone(tz)
    return f"{local.format('YYYY-MM-DD HH:mm')} {zone_name(tz, local)}"


def _record(item: ReprojectedReport, tz: str) -> dict[str, Any]:
    return {
        "report_id": item.report_id,
        "number": item.number,
        "old_deadline": None
        if item.old_deadline is None
        else item.old_deadline.in_timezone(tz).isoformat(),
        "new_deadline": None
        if item.new_deadline is None
        else item.new_deadline.in_timezone(tz).isoformat(),
        "moved": item.moved,
        "old_calendar": item.old_calendar,
        "reasons": [
            {
                "date": r.date.isoformat(),
                "kind": r.kind,
                "day_kind": None if r.day_kind is None else r.day_kind.value,
                "name": r.name,
                "name_en": r.name_en,
                "legal_basis": r.legal_basis,
                "override": r.override,
            }
            for r in item.reasons
        ],
        "notice": None if item.notice is None else item.notice.key,
    }


def _run(args: argparse.Namespace, stdin: TextIO, stdout: TextIO) -> int:
    from layanan_aduan.entrypoints._meja import _services

    with _services(args, reproject_on_start=False) as services:
        desk = services.desk
        tz = desk.standard.office.schedule.timezone
        result = desk.reproject(apply=args.jalankan)
    if args.json:
        for item in result.reports:
            print(json.dumps(_record(item, tz), ensure_ascii=False), file=stdout)
        return 0
    for item in result.reports:
        name = item.number or item.report_id
        head = "berpindah" if item.moved else "tetap"
        print(
            f"{name}\t{_shown(item.old_deadline, tz)} -> {_shown(item.new_deadline, tz)}\t{head}",
            file=stdout,
        )
        if item.moved:
            for reason in item.reasons:
                print(f"\t{reason.describe()}", file=stdout)
        if item.notice is not None:
            print(f"\tpelapor diberi tahu: {item.notice.key}", file=stdout)
    moved = len(result.moved)
    if args.jalankan:
        summary = f"dihitung ulang: {len(result.reports)} laporan, {moved} tenggat berpindah"
    else:
        summary = (
            f"uji coba: {len(result.reports)} laporan dihitung ulang, {moved} tenggat akan "
            "berpindah; jalankan dengan --jalankan untuk menyimpan"
        )
    if result.conflicts:
        summary += f"; {len(result.conflicts)} berubah bersamaan (coba lagi)"
    for report_id, code in result.failures:
        print(f"{report_id}\ttidak dapat dihitung ulang [{code}]", file=stdout)
    if result.failures:
        summary += f"; {len(result.failures)} gagal"
    print(summary, file=stdout)
    return 0
