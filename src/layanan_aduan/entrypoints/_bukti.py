"""
The evidence pack of one report from the command line.

- ``bukti NOMOR [--html] [--keluaran BERKAS] [--tampilkan-data-pribadi --oleh ID]``: the
  report's pack as canonical JSON (``layanan-aduan/bukti/v1``; signed when the office has a
  key), or as a readable HTML page; personal data masked unless ``--tampilkan-data-pribadi``
  with ``--oleh`` naming a staff member whose role (looked up in the staff directory) may see
  it. Read-only: the desk does not re-project on start.
- ``periksa-bukti BERKAS [--kunci-publik PEM] [--json]``: re-verify a pack's JSON offline;
  exit status 0 when intact, 1 when something was changed, 2 on a usage error (a file that
  is not a pack, a key that cannot be read).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any, TextIO

from layanan_aduan._files import write_private

__all__ = ["register"]

EXIT_OK = 0
EXIT_TAMPERED = 1


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    """
    Add ``bukti`` and ``periksa-bukti``.
    """
    from layanan_aduan.entrypoints._meja import _common

    p = subparsers.add_parser("bukti", help="berkas bukti satu laporan (JSON atau HTML)")
    p.add_argument("laporan", metavar="NOMOR", help="nomor laporan (atau id)")
    p.add_argument("--html", action="store_true", help="halaman HTML yang dapat dicetak")
    p.add_argument("--keluaran", metavar="BERKAS", help="tulis ke berkas ini (bawaan: stdout)")
    p.add_argument(
        "--tampilkan-data-pribadi",
        action="store_true",
        help="tampilkan data pribadi pelapor (hanya Kasi, Plh Kasi, atau Kajari; perlu --oleh)",
    )
    p.add_argument("--oleh", metavar="ID", help="id staf yang meminta data pribadi")
    _common(p)
    p.set_defaults(run=_run_pack, read_only=True)

    p = subparsers.add_parser(
        "periksa-bukti", help="periksa ulang berkas bukti (JSON) tanpa basis data"
    )
    p.add_argument("berkas", metavar="BERKAS", help="berkas bukti JSON")
    p.add_argument(
        "--kunci-publik",
        action="append",
        metavar="PEM",
        help="kunci publik kantor (berkas PEM, folder, atau keyring TOML; boleh berulang)",
    )
    p.add_argument("--json", action="store_true", help="hasil sebagai satu objek JSON")
    p.set_defaults(run=_run_check)


def _run_pack(args: argparse.Namespace, stdin: TextIO, stdout: TextIO) -> int:
    from layanan_aduan.domain.history import canonical_json
    from layanan_aduan.entrypoints._meja import _services
    from layanan_aduan.service_layer.evidence_html import render_evidence_html
    from layanan_aduan.service_layer.evidence_pack import build_evidence_pack

    with _services(args, reproject_on_start=False) as services:
        pack = build_evidence_pack(
            services.desk,
            args.laporan,
            reveal_personal_data=args.tampilkan_data_pribadi,
            viewer=args.oleh,
        )
    text = render_evidence_html(pack) if args.html else canonical_json(pack) + "\n"
    if args.keluaran:
        write_private(args.keluaran, text)
        what = "HTML" if args.html else "JSON"
        shown = "data pribadi ditampilkan" if pack["revealed_to"] else "data pribadi disamarkan"
        print(
            f"bukti {pack['number'] or pack['report_id']}: {len(pack['events'])} peristiwa, "
            f"{shown} -> {args.keluaran} ({what})",
            file=stdout,
        )
    else:
        stdout.write(text)
    return EXIT_OK


def _read_pack(path: str) -> Any:
    from layanan_aduan.exceptions import EvidencePackFormatError

    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise EvidencePackFormatError(
            "Berkas bukti tidak dapat dibaca sebagai JSON.",
            "The evidence pack cannot be read as JSON.",
            field="berkas",
        ) from None


def _run_check(args: argparse.Namespace, stdin: TextIO, stdout: TextIO) -> int:
    from layanan_aduan.adapters.signing_keys import load_keyring
    from layanan_aduan.service_layer.evidence_check import verify_evidence_pack

    data = _read_pack(args.berkas)
    keyring = load_keyring(args.kunci_publik) if args.kunci_publik else None
    result = verify_evidence_pack(data, keyring)
    if args.json:
        print(json.dumps(result.to_dict(), ensure_ascii=False, sort_keys=True), file=stdout)
        return EXIT_OK if result.ok else EXIT_TAMPERED
    for finding in result.findings:
        print(f"TIDAK UTUH: {finding.message}", file=stdout)
    signatures = (
        "tanda tangan diperiksa"
        if result.signatures_checked
        else "tanda tangan tidak diperiksa (tanpa --kunci-publik)"
    )
    masked = (
        f", {len(result.masked)} disamarkan (tidak dapat di-hash ulang)" if result.masked else ""
    )
    verdict = "utuh" if result.ok else f"{len(result.findings)} temuan"
    print(
        f"bukti {result.report_id}: {result.events} peristiwa, {result.rehashed} di-hash ulang"
        f"{masked}; {signatures}: {verdict}",
        file=stdout,
    )
    return EXIT_OK if result.ok else EXIT_TAMPERED
