"""
Erasing one report's personal data from the command line (UU 27/2022).

- ``hapus-data NOMOR --petugas ID --dasar DASAR --rujukan TEKS``: an officer (as the staff
  directory says at the clock's instant) erases the personal data of an ended report, on a basis
  (``retention``, ``subject_request``, ``consent_withdrawn``, ``unlawfully_obtained``) with the
  reference of the decision or request; recorded as the event ``erase_personal_data``. The
  history still verifies; an open report, a second erasure or a stranger is refused and nothing
  changes. See :mod:`layanan_aduan.service_layer.erasure`.
"""

from __future__ import annotations

import argparse
from typing import Any, TextIO

__all__ = ["register"]

EXIT_OK = 0


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    """
    Add ``hapus-data``.
    """
    from layanan_aduan.domain.erasure import ErasureBasis
    from layanan_aduan.entrypoints._meja import _common

    p = subparsers.add_parser(
        "hapus-data",
        help="hapus data pribadi satu laporan yang sudah selesai (riwayatnya tetap terverifikasi)",
    )
    p.add_argument("laporan", metavar="NOMOR", help="nomor laporan (atau id)")
    p.add_argument("--petugas", required=True, metavar="ID", help="id staf petugas pelaksana")
    p.add_argument(
        "--dasar",
        required=True,
        choices=[b.value for b in ErasureBasis],
        help="dasar penghapusan",
    )
    p.add_argument(
        "--rujukan", required=True, metavar="TEKS", help="nomor keputusan atau surat permintaan"
    )
    _common(p)
    p.set_defaults(run=_run_erase)


def _run_erase(args: argparse.Namespace, stdin: TextIO, stdout: TextIO) -> int:
    from layanan_aduan.entrypoints._meja import _services

    with _services(args, reproject_on_start=False) as services:
        result = services.desk.erase_personal_data(
            args.laporan, officer=args.petugas, basis=args.dasar, reference=args.rujukan
        )
    erasure = result.erasure
    print(
        f"{result.number}\tdata pribadi dihapus ({erasure.basis.label})\t"
        f"{len(erasure.erased_seqs)} peristiwa, {len(result.evidence_deleted)} berkas bukti",
        file=stdout,
    )
    return EXIT_OK
