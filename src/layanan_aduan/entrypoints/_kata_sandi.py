"""
``layanan-aduan kata-sandi ID``: set a staff member's officer-console password.

The password is read without echo from the terminal (asked twice), or as one line from
standard input when that is not a terminal; it is never an argument (arguments show in the
process list and the shell's history). Only its scrypt hash is stored, in the password file
(``--berkas``, else ``$LAYANAN_ADUAN_KATA_SANDI``, else ``./kata-sandi.toml``), mode 0600.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
from typing import Any, Final, TextIO

from layanan_aduan.exceptions import ConsoleAuthError

__all__ = ["DEFAULT_PASSWORD_FILE", "ENV_PASSWORD_FILE", "register"]

# Names of a variable and a file, not passwords (bandit's S105 reads them as such).
ENV_PASSWORD_FILE: Final = "LAYANAN_ADUAN_KATA_SANDI"  # noqa: S105
DEFAULT_PASSWORD_FILE: Final = "kata-sandi.toml"  # noqa: S105


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    """
    Add ``kata-sandi``.
    """
    p = subparsers.add_parser(
        "kata-sandi",
        help="atur kata sandi konsol petugas seorang staf (dibaca tanpa gema dari stdin)",
    )
    p.add_argument("staff_id", metavar="ID", help="id staf di direktori staf kantor")
    p.add_argument(
        "--berkas",
        metavar="BERKAS",
        help=f"berkas kata sandi (bawaan: ${ENV_PASSWORD_FILE}, atau ./{DEFAULT_PASSWORD_FILE})",
    )
    p.set_defaults(run=_run)


def _read(stdin: TextIO) -> str:
    if stdin.isatty():
        first = getpass.getpass("Kata sandi baru: ")
        second = getpass.getpass("Ulangi kata sandi: ")
        if first != second:
            raise ConsoleAuthError(
                "Kedua kata sandi tidak sama; tidak ada yang diubah.",
                "The two passwords differ; nothing was changed.",
                code="password_invalid",
                field="password",
            )
        return first
    return stdin.readline().rstrip("\r\n")


def _run(args: argparse.Namespace, stdin: TextIO, stdout: TextIO) -> int:
    from layanan_aduan.adapters.passwords import PasswordFile, check_new_password

    path = args.berkas or os.environ.get(ENV_PASSWORD_FILE) or DEFAULT_PASSWORD_FILE
    password = check_new_password(_read(stdin))
    PasswordFile(path).set(args.staff_id, password)
    print(json.dumps({"event": "password_set", "file": str(path)}), file=stdout)
    return 0
