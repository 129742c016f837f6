"""
The signed history from the command line.

- ``buat-kunci BERKAS``: a new Ed25519 signing key (mode 0600) and its public key
  (``BERKAS.pub``, for auditors);
- ``tandatangani-ulang``: sign the current heads with the configured key after verifying them
  (``--termasuk-tanpa-tanda-tangan`` once, when signing is turned on for an existing database;
  after a key rotation, heads signed with an old key listed in ``[signing] public_keys``);
- ``titik-periksa``: write a signed checkpoint (JSON) of the office's report heads;
- ``verifikasi``: check a whole database with public keys only (``--kunci-publik``), and
  against a checkpoint (``--titik-periksa``): exit status 0 when everything verifies, 1 when
  tampering is found, 2 on a usage error.
"""

from __future__ import annotations

import argparse
import contextlib
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from layanan_aduan._files import write_private

if TYPE_CHECKING:
    from layanan_aduan.ports import Storage
    from layanan_aduan.service_layer.signing import HeadSigning

__all__ = ["register"]

EXIT_OK = 0
EXIT_TAMPERED = 1


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    """
    Add the signing subcommands.
    """
    from layanan_aduan.entrypoints._meja import _common

    p = subparsers.add_parser("buat-kunci", help="buat kunci tanda tangan Ed25519 baru")
    p.add_argument("berkas", metavar="BERKAS", help="berkas kunci privat (publiknya: BERKAS.pub)")
    p.set_defaults(run=_run_generate)

    p = subparsers.add_parser(
        "tandatangani-ulang", help="tandatangani ulang ujung riwayat dengan kunci sekarang"
    )
    p.add_argument(
        "--termasuk-tanpa-tanda-tangan",
        action="store_true",
        help="juga laporan yang belum bertanda tangan (sekali, saat tanda tangan mulai dipakai)",
    )
    _common(p)
    p.set_defaults(run=_run_resign)

    p = subparsers.add_parser("titik-periksa", help="tulis titik periksa bertanda tangan (JSON)")
    p.add_argument("--keluaran", metavar="BERKAS", help="tulis ke berkas ini (bawaan: stdout)")
    _common(p)
    p.set_defaults(run=_run_checkpoint)

    p = subparsers.add_parser(
        "verifikasi", help="periksa seluruh basis data dengan kunci publik (dan titik periksa)"
    )
    p.add_argument(
        "--kunci-publik",
        action="append",
        required=True,
        metavar="PATH",
        help="kunci publik: berkas PEM, folder, atau keyring TOML (boleh berulang)",
    )
    p.add_argument("--titik-periksa", metavar="BERKAS", help="berkas titik periksa (JSON)")
    p.add_argument("--kantor", metavar="KODE", help="hanya laporan kantor ini")
    p.add_argument("--json", action="store_true", help="hasil sebagai satu objek JSON")
    _common(p)
    p.set_defaults(run=_run_verify)


def _run_generate(args: argparse.Namespace, stdin: TextIO, stdout: TextIO) -> int:
    from layanan_aduan.adapters.signing_keys import generate_key_file

    signer = generate_key_file(args.berkas)
    print(f"kunci {signer.key_id}: {args.berkas} (privat, 0600), {args.berkas}.pub", file=stdout)
    return EXIT_OK


def _desk_signing(args: argparse.Namespace) -> tuple[Storage, HeadSigning, str]:
    from layanan_aduan.entrypoints._meja import _services
    from layanan_aduan.exceptions import SigningKeyError

    services = _services(args)
    signing = services.desk.signing
    if signing is None or signing.signer is None:
        services.close()
        raise SigningKeyError(
            "Konfigurasi kantor tidak memiliki [signing] (key_file atau key_env).",
            "The office configuration has no [signing] (key_file or key_env).",
            code="signing_key_missing",
            field="signing",
        )
    return services.storage, signing, services.desk.office


def _run_resign(args: argparse.Namespace, stdin: TextIO, stdout: TextIO) -> int:
    from layanan_aduan.service_layer.anchoring import resign_heads

    storage, signing, office = _desk_signing(args)
    with contextlib.closing(storage):
        done = resign_heads(
            storage, signing, office=office, unsigned=args.termasuk_tanpa_tanda_tangan
        )
    key_id = signing.signer.key_id if signing.signer is not None else "-"
    print(
        f"{office}: {done.signed} baru ditandatangani, {done.resigned} ditandatangani ulang, "
        f"{done.unchanged} sudah dengan kunci {key_id}",
        file=stdout,
    )
    return EXIT_OK


def _run_checkpoint(args: argparse.Namespace, stdin: TextIO, stdout: TextIO) -> int:
    from layanan_aduan.entrypoints._meja import _clock
    from layanan_aduan.service_layer.anchoring import export_checkpoint

    storage, signing, office = _desk_signing(args)
    with contextlib.closing(storage):
        checkpoint = export_checkpoint(storage, signing, office=office, clock=_clock(args))
    text = json.dumps(checkpoint.to_dict(), ensure_ascii=False, indent=1) + "\n"
    if args.keluaran:
        write_private(args.keluaran, text)
        print(
            f"titik periksa {office}: {checkpoint.report_count} laporan, akar "
            f"{checkpoint.root[:16]}..., kunci {checkpoint.key_id} -> {args.keluaran}",
            file=stdout,
        )
    else:
        stdout.write(text)
    return EXIT_OK


def _read_checkpoint(path: str) -> Any:
    from layanan_aduan.domain.seal import Checkpoint
    from layanan_aduan.exceptions import CheckpointFormatError

    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise CheckpointFormatError(
            "Berkas titik periksa tidak dapat dibaca sebagai JSON.",
            "The checkpoint file cannot be read as JSON.",
            field="titik_periksa",
        ) from None
    return Checkpoint.from_dict(data)


def _open_storage(args: argparse.Namespace) -> Storage:
    from layanan_aduan.adapters.storage import SqliteStorage
    from layanan_aduan.entrypoints._meja import _config, _db_path
    from layanan_aduan.exceptions import StorageUnavailableError

    config = _config(args)
    path = _db_path(args, config)
    if path is None and config is not None:
        from layanan_aduan.adapters.storage import PostgresStorage

        return PostgresStorage.open(
            config.storage.postgres_dsn(), schema=config.storage.postgres_schema
        )
    if path is None or not path.is_file():
        # An auditor's mistyped path must not become a new, empty (and "intact") database.
        raise StorageUnavailableError(
            "Berkas basis data tidak ditemukan; berikan --db BERKAS.",
            "The database file was not found; give --db FILE.",
            code="database_not_found",
            field="db",
        )
    return SqliteStorage.open(path)


def _run_verify(args: argparse.Namespace, stdin: TextIO, stdout: TextIO) -> int:
    from layanan_aduan.adapters.signing_keys import load_keyring
    from layanan_aduan.service_layer.anchoring import verify_storage

    keyring = load_keyring(args.kunci_publik)
    checkpoint = None if args.titik_periksa is None else _read_checkpoint(args.titik_periksa)
    with contextlib.closing(_open_storage(args)) as storage:
        result = verify_storage(storage, keyring, office=args.kantor, checkpoint=checkpoint)
    if args.json:
        print(json.dumps(result.to_dict(), ensure_ascii=False, sort_keys=True), file=stdout)
    else:
        for finding in result.findings:
            print(f"TIDAK UTUH: {finding.message}", file=stdout)
        against = (
            ""
            if checkpoint is None
            else f"; titik periksa {checkpoint.office} ({checkpoint.report_count} laporan)"
        )
        verdict = "utuh" if result.ok else f"{len(result.findings)} temuan"
        print(f"{result.reports} laporan diperiksa{against}: {verdict}", file=stdout)
    return EXIT_OK if result.ok else EXIT_TAMPERED
