"""
Retention and the data subject's rights from the command line.

- ``retensi``: list the office's reports due for erasure under its retention policy (number,
  office, when it ended, since when it is due, what is due; never personal data). A dry run by
  default; ``--jalankan --oleh ID`` erases them (an officer in the staff directory). Every run
  is recorded; ``--riwayat`` shows the past runs. ``--tahan NOMOR --alasan TEKS`` puts a report
  under a legal hold (never due), ``--lepas NOMOR --alasan TEKS`` takes it off (both need
  ``--oleh``: the section head, acting section head or office head).
- ``ekspor-subjek --telepon +62... | --wa-id ID [--keluaran BERKAS]``: everything held about
  one reporter as JSON (``layanan-aduan/akses-subjek/v1``), on standard output or in a file
  readable by its owner only (mode 0600).
- ``hapus-subjek --telepon ... | --wa-id ... --rujukan TEKS --petugas ID [--dasar DASAR]``:
  erase every ended report
  of one reporter at this office; refused, nothing changed, while one is open or held.

Every command takes ``--en`` for its messages in English, and the desk's options
(``--konfigurasi``, ``--db``, ``--staf``, ...). The lookup value is never logged; it is shown
masked.
"""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    import pendulum

__all__ = ["register"]

EXIT_OK = 0


def _say(args: argparse.Namespace, text_id: str, text_en: str) -> str:
    return text_en if getattr(args, "en", False) else text_id


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    """
    Add ``retensi``, ``ekspor-subjek`` and ``hapus-subjek``.
    """
    from layanan_aduan.entrypoints._meja import _common

    p = subparsers.add_parser(
        "retensi", help="laporan yang masa simpan data pribadinya habis (uji coba bawaan)"
    )
    group = p.add_mutually_exclusive_group()
    group.add_argument(
        "--jalankan", action="store_true", help="hapus data pribadi yang jatuh tempo (perlu --oleh)"
    )
    group.add_argument("--riwayat", action="store_true", help="tampilkan pelaksanaan sebelumnya")
    group.add_argument("--tahan", metavar="NOMOR", help="tahan laporan (legal hold): tidak dihapus")
    group.add_argument("--lepas", metavar="NOMOR", help="cabut penahanan laporan")
    p.add_argument(
        "--oleh",
        "--petugas",
        dest="oleh",
        metavar="ID",
        help="id staf: petugas untuk --jalankan; Kasi, Plh Kasi atau Kajari untuk --tahan/--lepas",
    )
    p.add_argument("--alasan", metavar="TEKS", help="alasan penahanan atau pencabutannya")
    p.add_argument("--rujukan", metavar="TEKS", help="nomor perkara atau surat (opsional)")
    p.add_argument("--json", action="store_true", help="satu objek JSON (kunci bahasa Inggris)")
    p.add_argument("--batas", type=int, default=20, metavar="N", help="riwayat: paling banyak N")
    p.add_argument("--en", action="store_true", help="pesan dalam bahasa Inggris")
    _common(p)
    p.set_defaults(run=_run_retention)

    p = subparsers.add_parser(
        "ekspor-subjek", help="semua data tentang satu pelapor sebagai JSON (hak akses subjek)"
    )
    _lookup(p)
    p.add_argument("--keluaran", metavar="BERKAS", help="tulis ke berkas ini, mode 0600")
    p.add_argument("--en", action="store_true", help="pesan dalam bahasa Inggris")
    _common(p)
    p.set_defaults(run=_run_export, read_only=True)

    p = subparsers.add_parser(
        "hapus-subjek", help="hapus data pribadi semua laporan selesai dari satu pelapor"
    )
    _lookup(p)
    p.add_argument(
        "--dasar",
        choices=("subject_request", "consent_withdrawn", "unlawfully_obtained"),
        default="subject_request",
        help="dasar penghapusan: permintaan subjek (bawaan), persetujuan ditarik, melawan hukum",
    )
    p.add_argument(
        "--rujukan", required=True, metavar="TEKS", help="nomor atau tanggal surat permintaan"
    )
    p.add_argument(
        "--petugas", "--oleh", dest="oleh", required=True, metavar="ID", help="id staf petugas"
    )
    p.add_argument("--en", action="store_true", help="pesan dalam bahasa Inggris")
    _common(p)
    p.set_defaults(run=_run_erase_subject)


def _lookup(parser: argparse.ArgumentParser) -> None:
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--telepon", metavar="+62...", help="nomor telepon pelapor (E.164)")
    group.add_argument("--wa-id", dest="wa_id", metavar="ID", help="id pengguna WhatsApp pelapor")


def _local(instant: pendulum.DateTime, tz: str) -> str:
    from layanan_aduan.domain.standard import zone_name

    here = instant.in_timezone(tz)
    return f"{here.format('YYYY-MM-DD HH:mm')} {zone_name(tz, here)}"


def _run_retention(args: argparse.Namespace, stdin: TextIO, stdout: TextIO) -> int:
    from layanan_aduan.entrypoints._meja import _services

    if args.riwayat:
        return _history(args, stdout)
    if args.tahan or args.lepas:
        return _hold(args, stdout)
    from layanan_aduan.service_layer.retention import run_retention

    with _services(args, reproject_on_start=False) as services:
        desk = services.desk
        tz = desk.standard.office.schedule.timezone
        outcome = run_retention(desk, actor_id=args.oleh, dry_run=not args.jalankan)
    run = outcome.run
    if args.json:
        record = {
            "run_id": run.run_id,
            "dry_run": run.dry_run,
            "policy": run.policy,
            "counts": run.counts,
            "due": [
                {
                    "number": d.number,
                    "report_id": d.report_id,
                    "office": d.office,
                    "ended_at": d.ended_at.isoformat(),
                    "due_since": d.due_since.isoformat(),
                    "scope": d.scope,
                }
                for d in outcome.due
            ],
            "erased": [d.number or d.report_id for d in outcome.erased],
            "failed": [{"report": d.number or d.report_id, "code": c} for d, c in outcome.failed],
            "held": list(outcome.held),
        }
        print(json.dumps(record, ensure_ascii=False, sort_keys=True), file=stdout)
        return EXIT_OK
    scopes = {
        "personal_data": _say(args, "data pribadi dan berkas bukti", "personal data and evidence"),
        "evidence": _say(args, "berkas bukti", "evidence files"),
    }
    for d in outcome.due:
        print(
            f"{d.number or d.report_id}\t{d.office}\t"
            f"{_say(args, 'berakhir', 'ended')} {_local(d.ended_at, tz)}\t"
            f"{_say(args, 'jatuh tempo sejak', 'due since')} {_local(d.due_since, tz)}\t"
            f"{scopes[d.scope]}",
            file=stdout,
        )
    for d, code in outcome.failed:
        print(f"{_say(args, 'GAGAL', 'FAILED')}\t{d.number or d.report_id}\t[{code}]", file=stdout)
    counts = run.counts
    policy = run.policy
    if run.dry_run:
        head = _say(
            args,
            "retensi (uji coba, tidak ada yang dihapus; --jalankan untuk menghapus)",
            "retention (dry run, nothing erased; --jalankan to erase)",
        )
    else:
        head = _say(args, "retensi dijalankan", "retention run")
    print(
        f"{head}: {counts['due']} {_say(args, 'jatuh tempo', 'due')}, "
        f"{counts['erased']} {_say(args, 'dihapus', 'erased')}, "
        f"{counts['failed']} {_say(args, 'gagal', 'failed')}, "
        f"{counts['held']} {_say(args, 'ditahan', 'held')}, "
        f"{counts['unreadable']} {_say(args, 'tidak terbaca', 'unreadable')}; "
        f"{_say(args, 'kebijakan', 'policy')} {policy['personal_data_days']}/"
        f"{policy['evidence_days']} {_say(args, 'hari', 'days')}; "
        f"{_say(args, 'dicatat sebagai pelaksanaan', 'recorded as run')} #{run.run_id}",
        file=stdout,
    )
    return EXIT_OK


def _history(args: argparse.Namespace, stdout: TextIO) -> int:
    from layanan_aduan.entrypoints._meja import _services

    with _services(args, reproject_on_start=False) as services:
        desk = services.desk
        tz = desk.standard.office.schedule.timezone
        runs = services.storage.retention_runs.recent(office=desk.office, limit=args.batas)
    for run in runs:
        if args.json:
            record = {
                "run_id": run.run_id,
                "started_at": run.started_at.isoformat(),
                "finished_at": run.finished_at.isoformat(),
                "actor_id": run.actor_id,
                "office": run.office,
                "dry_run": run.dry_run,
                "policy": run.policy,
                "counts": run.counts,
                "reports": list(run.reports),
            }
            print(json.dumps(record, ensure_ascii=False, sort_keys=True), file=stdout)
            continue
        kind = _say(args, "uji coba", "dry run") if run.dry_run else _say(args, "hapus", "erase")
        print(
            f"#{run.run_id}\t{_local(run.started_at, tz)}\t{kind}\t{run.actor_id}\t"
            f"{_say(args, 'jatuh tempo', 'due')} {run.counts.get('due', 0)}\t"
            f"{_say(args, 'dihapus', 'erased')} {run.counts.get('erased', 0)}\t"
            + ", ".join(str(r.get("number") or r.get("report_id")) for r in run.reports),
            file=stdout,
        )
    if not runs and not args.json:
        print(_say(args, "belum ada pelaksanaan retensi", "no retention run yet"), file=stdout)
    return EXIT_OK


def _hold(args: argparse.Namespace, stdout: TextIO) -> int:
    from layanan_aduan.entrypoints._meja import _services
    from layanan_aduan.exceptions import ValidationError
    from layanan_aduan.service_layer.retention import place_legal_hold, release_legal_hold

    if not args.alasan:
        raise ValidationError(
            "--alasan wajib diisi untuk --tahan dan --lepas.",
            "--alasan is required with --tahan and --lepas.",
            code="invalid_reason",
            field="alasan",
        )
    act = place_legal_hold if args.tahan else release_legal_hold
    with _services(args, reproject_on_start=False) as services:
        hold = act(
            services.desk,
            args.tahan or args.lepas,
            actor_id=args.oleh,
            reason=args.alasan,
            reference=args.rujukan,
        )
    shown = hold.number or hold.report_id
    if hold.held:
        said = _say(
            args, "ditahan (tidak akan dihapus retensi)", "held (never erased by retention)"
        )
    else:
        said = _say(args, "penahanan dicabut", "hold released")
    print(f"{shown}: {said} ({hold.actor_id})", file=stdout)
    return EXIT_OK


def _shown_lookup(args: argparse.Namespace) -> str:
    from layanan_aduan.privacy import mask

    return mask(args.telepon) if args.telepon else mask(args.wa_id)


def _run_export(args: argparse.Namespace, stdin: TextIO, stdout: TextIO) -> int:
    from layanan_aduan.entrypoints._meja import _services
    from layanan_aduan.service_layer.subject_rights import export_subject

    with _services(args, reproject_on_start=False) as services:
        export = export_subject(services.desk, phone=args.telepon, user_id=args.wa_id)
    text = json.dumps(export, ensure_ascii=False, sort_keys=True, indent=2) + "\n"
    if not args.keluaran:
        stdout.write(text)
        return EXIT_OK
    from layanan_aduan._files import write_private

    try:
        # Created 0600 (and made so when it existed): the file holds one person's data.
        write_private(args.keluaran, text)
    except OSError as e:
        from layanan_aduan.exceptions import ValidationError

        raise ValidationError(
            f"Berkas keluaran tidak dapat ditulis ({e.strerror or type(e).__name__}).",
            f"The output file cannot be written ({e.strerror or type(e).__name__}).",
            code="output_unwritable",
            field="keluaran",
        ) from None
    print(
        f"{_say(args, 'ekspor subjek', 'subject export')} {_shown_lookup(args)}: "
        f"{len(export['reports'])} {_say(args, 'laporan', 'reports')} -> {args.keluaran} (0600)",
        file=stdout,
    )
    return EXIT_OK


def _run_erase_subject(args: argparse.Namespace, stdin: TextIO, stdout: TextIO) -> int:
    from layanan_aduan.entrypoints._meja import _services
    from layanan_aduan.service_layer.subject_rights import erase_subject

    with _services(args, reproject_on_start=False) as services:
        done = erase_subject(
            services.desk,
            phone=args.telepon,
            user_id=args.wa_id,
            actor_id=args.oleh,
            basis=args.dasar,
            reference=args.rujukan,
        )
    for name in done.erased:
        print(f"{name}\t{_say(args, 'dihapus', 'erased')}", file=stdout)
    for name in done.already_erased:
        print(f"{name}\t{_say(args, 'sudah dihapus sebelumnya', 'erased before')}", file=stdout)
    for name, code in done.failed:
        print(f"{name}\t{_say(args, 'GAGAL', 'FAILED')} [{code}]", file=stdout)
    print(
        f"{_say(args, 'hapus subjek', 'subject erasure')} {_shown_lookup(args)}: "
        f"{len(done.erased)} {_say(args, 'dihapus', 'erased')}, "
        f"{len(done.failed)} {_say(args, 'gagal', 'failed')}, "
        f"{done.other_offices} {_say(args, 'laporan di kantor lain', 'reports at other offices')}",
        file=stdout,
    )
    return EXIT_OK
