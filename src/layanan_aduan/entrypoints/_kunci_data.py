"""
The keys that seal personal data at rest, from the command line (``kunci-data``).

- ``kunci-data buat BERKAS``: a new key file (mode 0600, never over an existing file) holding
  one key, current;
- ``kunci-data putar BERKAS``: a new key made current, the old ones kept so stored values
  still open; prints the new key id. Stored data is then re-sealed under the new key by the
  storage's re-sealing command, after which the old key is retired;
- ``kunci-data segel-ulang [--konfigurasi ...]``: re-seal what the desk's storage keeps under
  the current key and re-index its reporters, while the service runs (see
  :mod:`layanan_aduan.service_layer.key_rotation`);
- ``kunci-data pensiun BERKAS KEY_ID``: drop an old (not current) key.

Output names key ids only, never a key.
"""

from __future__ import annotations

import argparse
from typing import Any, TextIO

__all__ = ["register"]

EXIT_OK = 0


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    """
    Add the ``kunci-data`` subcommand and its actions.
    """
    from layanan_aduan.entrypoints._meja import _common
    from layanan_aduan.entrypoints.cli import CommandParser

    p = subparsers.add_parser(
        "kunci-data", help="kunci data pribadi: buat, putar, pensiunkan (berkas kunci 0600)"
    )
    actions = p.add_subparsers(
        dest="aksi", required=True, metavar="AKSI", parser_class=CommandParser
    )
    verbose_help = "tampilkan catatan log (INFO ke atas) beserta traceback-nya"

    a = actions.add_parser("buat", help="buat berkas kunci data pribadi baru (mode 0600)")
    a.add_argument("berkas", metavar="BERKAS", help="berkas kunci (TOML); tidak ditimpa")
    a.set_defaults(run=_run_generate)

    a = actions.add_parser("putar", help="tambah kunci baru sebagai kunci sekarang")
    a.add_argument("berkas", metavar="BERKAS", help="berkas kunci (TOML)")
    a.set_defaults(run=_run_rotate)

    a = actions.add_parser(
        "segel-ulang",
        help="segel ulang data pribadi tersimpan dengan kunci sekarang (layanan tetap berjalan)",
    )
    a.add_argument(
        "--batch", type=int, default=500, metavar="N", help="nilai per unit kerja (bawaan 500)"
    )
    _common(a)
    a.set_defaults(run=_run_reseal)

    a = actions.add_parser("pensiun", help="hapus kunci lama (bukan kunci sekarang)")
    a.add_argument("berkas", metavar="BERKAS", help="berkas kunci (TOML)")
    a.add_argument("key_id", metavar="ID_KUNCI", help="id kunci lama yang dihapus")
    a.set_defaults(run=_run_retire)

    for action in actions.choices.values():
        # As the main parser does for every command: -v after the action too.
        action.add_argument(
            "-v", "--verbose", action="store_true", default=argparse.SUPPRESS, help=verbose_help
        )


def _run_generate(args: argparse.Namespace, stdin: TextIO, stdout: TextIO) -> int:
    from layanan_aduan.adapters.data_keys import generate_data_key_file

    ring = generate_data_key_file(args.berkas)
    print(f"kunci data {ring.current_key_id}: {args.berkas} (0600)", file=stdout)
    print(
        "Simpan salinan berkas ini di tempat aman: tanpa kunci, data pribadi yang tersegel "
        "tidak dapat dibaca lagi.",
        file=stdout,
    )
    return EXIT_OK


def _run_rotate(args: argparse.Namespace, stdin: TextIO, stdout: TextIO) -> int:
    from layanan_aduan.adapters.data_keys import rotate_data_key_file

    ring = rotate_data_key_file(args.berkas)
    old = sorted(ring.key_ids - {ring.current_key_id})
    print(f"kunci data baru {ring.current_key_id}: {args.berkas}", file=stdout)
    print(f"kunci lama tetap dipegang: {', '.join(old)}", file=stdout)
    print(
        "Nilai baru disegel dengan kunci baru; data tersimpan tetap terbaca dengan kunci lama. "
        "Jalankan ulang layanan, segel ulang data tersimpan (kunci-data segel-ulang "
        f"--konfigurasi ...), lalu pensiunkan kunci lama (kunci-data pensiun {args.berkas} "
        "ID_KUNCI).",
        file=stdout,
    )
    return EXIT_OK


def _run_reseal(args: argparse.Namespace, stdin: TextIO, stdout: TextIO) -> int:
    from layanan_aduan.entrypoints._meja import _services
    from layanan_aduan.exceptions import ValidationError

    if args.batch < 1:
        raise ValidationError(
            "--batch harus bilangan bulat 1 atau lebih.",
            "--batch must be an integer of 1 or more.",
            code="invalid_batch",
            field="batch",
        )
    with _services(args, reproject_on_start=False, warn_unencrypted=True) as services:
        result = services.desk.reseal_personal_data(batch=args.batch)
    print(
        f"kunci data {result.key_id}: {result.resealed} nilai disegel ulang, "
        f"{result.reindexed} laporan diindeks ulang",
        file=stdout,
    )
    if result.remaining:
        left = ", ".join(f"{k}: {n}" for k, n in sorted(result.remaining.items()))
        print(f"masih tersegel kunci lain: {left}", file=stdout)
    else:
        print("tidak ada lagi yang tersegel kunci lama: kunci lama boleh dipensiunkan", file=stdout)
    return EXIT_OK


def _run_retire(args: argparse.Namespace, stdin: TextIO, stdout: TextIO) -> int:
    from layanan_aduan.adapters.data_keys import retire_data_key

    ring = retire_data_key(args.berkas, args.key_id)
    print(
        f"kunci data {args.key_id} dipensiunkan: {args.berkas} "
        f"(kunci sekarang {ring.current_key_id}, {len(ring.key_ids)} kunci dipegang)",
        file=stdout,
    )
    return EXIT_OK
