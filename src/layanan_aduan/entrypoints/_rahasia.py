"""
Confidential reports from the command line.

- ``buka-identitas NOMOR --oleh ID --alasan TEKS``: the section head (Kasi Intel) or the
  acting section head (Plh), as the staff directory says at the clock's instant, unseals a
  confidential report's identity, stating why; recorded as the event ``unseal_identity`` with
  the reason. An officer, a stranger or an empty reason is refused and nothing changes.
"""

from __future__ import annotations

import argparse
from typing import Any, TextIO

__all__ = ["register"]

EXIT_OK = 0


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    """
    Add ``buka-identitas``.
    """
    from layanan_aduan.entrypoints._meja import _common

    p = subparsers.add_parser(
        "buka-identitas",
        help="buka identitas pelapor laporan rahasia (hanya Kasi atau Plh Kasi, dengan alasan)",
    )
    p.add_argument("laporan", metavar="NOMOR", help="nomor laporan (atau id)")
    p.add_argument("--oleh", required=True, metavar="ID", help="id staf (Kasi atau Plh Kasi)")
    p.add_argument("--alasan", required=True, metavar="TEKS", help="alasan membuka identitas")
    _common(p)
    p.set_defaults(run=_run_unseal)


def _run_unseal(args: argparse.Namespace, stdin: TextIO, stdout: TextIO) -> int:
    from layanan_aduan.entrypoints._meja import _services

    with _services(args) as services:
        result = services.desk.unseal_identity(
            args.laporan, section_head=args.oleh, reason=args.alasan
        )
    print(f"{result.number}\tidentitas pelapor dibuka\t{result.actions[-1]}", file=stdout)
    return EXIT_OK
