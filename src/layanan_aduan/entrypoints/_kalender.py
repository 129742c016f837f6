"""
``layanan-aduan kalender YEAR``: the year's non-working days, with kind, name and legal basis.

Human output is Indonesian; ``--json`` prints one JSON object a line with English keys
(``date``, ``kind``, ``name``, ``name_en``, ``legal_basis``, ``estimated``,
``provisional``).
"""

from __future__ import annotations

import argparse
import json
from typing import Any, TextIO

__all__ = ["register"]

_WEEKDAYS = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")


def _mark(provisional: bool, estimated: bool) -> str:
    if estimated:
        return " (perkiraan)"
    return " (sementara)" if provisional else ""


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    """
    Add the ``kalender`` subcommand.
    """
    parser = subparsers.add_parser(
        "kalender",
        help="daftar hari tidak bekerja dalam satu tahun",
        description=(
            "Daftar hari tidak bekerja dalam satu tahun (libur nasional, cuti bersama, "
            "libur lokal) dengan jenis, nama dan dasar hukumnya."
        ),
    )
    parser.add_argument("year", metavar="TAHUN", type=int, help="tahun, misalnya 2026")
    parser.add_argument(
        "--json", action="store_true", help="satu objek JSON per baris (kunci bahasa Inggris)"
    )
    parser.add_argument(
        "--overrides", metavar="BERKAS", help="berkas TOML berisi libur tambahan dan jam khusus"
    )
    parser.add_argument(
        "--akhir-pekan", action="store_true", dest="weekends", help="sertakan Sabtu dan Minggu"
    )
    parser.add_argument(
        "--ketat",
        action="store_true",
        dest="strict",
        help="tolak tahun yang belum ditetapkan SKB (tanpa data sementara)",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace, _stdin: TextIO, stdout: TextIO) -> int:
    """
    List the non-working days of ``args.year``; refusals raise LayananAduanError.
    """
    from layanan_aduan.adapters.holidays_id import PythonHolidaysSource
    from layanan_aduan.adapters.overrides_file import load_overrides
    from layanan_aduan.domain.calendar import (
        DEFAULT_OFFICE_SCHEDULE,
        DataPolicy,
        DayKind,
        OfficeCalendar,
        Overrides,
    )

    overrides = load_overrides(args.overrides) if args.overrides else Overrides()
    source = PythonHolidaysSource()
    calendar = OfficeCalendar(
        schedule=DEFAULT_OFFICE_SCHEDULE,
        source=source,
        overrides=overrides,
        policy=DataPolicy.STRICT if args.strict else DataPolicy.PROVISIONAL,
    )
    days = calendar.closed_days(args.year, weekends=args.weekends)
    rows = [
        (schedule, reason)
        for schedule in days
        for reason in schedule.closures
        if args.weekends or reason.kind is not DayKind.WEEKEND
    ]
    if args.json:
        for schedule, reason in rows:
            record = {
                "date": reason.date.isoformat(),
                "kind": reason.kind.value,
                "name": reason.name,
                "name_en": reason.name_en,
                "legal_basis": reason.legal_basis,
                "estimated": reason.estimated,
                "provisional": schedule.provisional,
            }
            print(json.dumps(record, ensure_ascii=False), file=stdout)
        return 0

    decree = source.decree(args.year)
    print(f"Hari tidak bekerja tahun {args.year} ({calendar.timezone})", file=stdout)
    if decree is not None:
        print(f"Dasar hukum: {decree.title} ({decree.decree})", file=stdout)
        for revision in decree.revisions:
            print(f"  diubah: {revision}", file=stdout)
        for act in decree.other_acts:
            print(f"  terkait: {act}", file=stdout)
    if not calendar.is_decreed(args.year):
        print(
            f"Perhatian: libur nasional dan cuti bersama tahun {args.year} belum ditetapkan "
            "SKB; daftar ini sementara.",
            file=stdout,
        )
    print(file=stdout)
    names = [
        reason.name + _mark(schedule.provisional, reason.estimated) for schedule, reason in rows
    ]
    width = max(map(len, names), default=0)
    for (_, reason), name in zip(rows, names, strict=True):
        print(
            f"{reason.date.isoformat()}  {_WEEKDAYS[reason.date.weekday()]:<6}  "
            f"{reason.kind.label:<14}  {name:<{width}}  {reason.legal_basis or '-'}",
            file=stdout,
        )
    counts = {
        kind: len({r.date for _, r in rows if r.kind is kind})
        for kind in (
            DayKind.NATIONAL_HOLIDAY,
            DayKind.JOINT_LEAVE,
            DayKind.LOCAL_OVERRIDE,
            DayKind.WEEKEND,
        )
    }
    summary = ", ".join(f"{n} {kind.label}" for kind, n in counts.items() if n)
    print(f"\nJumlah: {summary or 'tidak ada'}.", file=stdout)
    return 0
