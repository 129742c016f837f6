"""
``layanan-aduan periksa-konfigurasi [BERKAS]``: check an office configuration file and print
every problem at once, each with its line; exit status 0 when the file is good, 2 when not.
"""

from __future__ import annotations

import argparse
import os
from typing import Any, TextIO

__all__ = ["register"]

EXIT_OK = 0
EXIT_PROBLEMS = 2


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    """
    Add the ``periksa-konfigurasi`` subcommand.
    """
    from layanan_aduan.adapters.office_config import ENV_CONFIG

    p = subparsers.add_parser(
        "periksa-konfigurasi", help="periksa berkas konfigurasi kantor; tampilkan semua masalah"
    )
    p.add_argument(
        "berkas", nargs="?", metavar="BERKAS", help=f"berkas TOML (bawaan: ${ENV_CONFIG})"
    )
    p.add_argument("--en", action="store_true", help="pesan dalam bahasa Inggris")
    p.set_defaults(run=_run_check)


def _run_check(args: argparse.Namespace, stdin: TextIO, stdout: TextIO) -> int:
    from layanan_aduan.adapters.office_config import (
        ENV_CONFIG,
        check_office_config,
        load_office_config,
    )
    from layanan_aduan.exceptions import ConfigurationError, ConfigurationProblem

    path = args.berkas or os.environ.get(ENV_CONFIG)
    if not path:
        raise ConfigurationError(
            [
                ConfigurationProblem(
                    "",
                    None,
                    "config_file_missing",
                    f"Berikan berkas konfigurasi (BERKAS atau ${ENV_CONFIG}).",
                    f"Give a configuration file (BERKAS or ${ENV_CONFIG}).",
                )
            ]
        )
    language = "en" if args.en else "id"
    problems = check_office_config(path)
    for problem in problems:
        print(f"{path}: {problem.localized(language)} [{problem.code}]", file=stdout)
    if problems:
        return EXIT_PROBLEMS
    config = load_office_config(path)
    signed = _signing_line(config, language) + _personal_data_line(config, language)
    office = config.standard.office
    goal = config.standard.completion_time
    hours = goal.total_seconds() / 3600
    if language == "en":
        line = f"{path}: good: {office.name} ({office.code}), goal {hours:g} working hours"
    else:
        line = f"{path}: baik: {office.name} ({office.code}), tenggat {hours:g} jam kerja"
    print(line + signed, file=stdout)
    return EXIT_OK


def _signing_line(config: Any, language: str) -> str:
    # The key itself is read too (the file's text, or the variable's value): a key that cannot
    # sign is a problem of the configuration, found now rather than at the first report.
    from layanan_aduan.service_layer.bootstrap import signing_from_config

    signing = signing_from_config(config)
    if signing is None or signing.signer is None:
        return ""
    key_id = signing.signer.key_id
    return f", signed with key {key_id}" if language == "en" else f", tanda tangan kunci {key_id}"


def _personal_data_line(config: Any, language: str) -> str:
    # The keys are read too, as the signing key is: a key file or variable that holds no
    # valid key is found now rather than at the first report.
    from layanan_aduan.adapters.field_cipher import field_cipher_from_config

    cipher = field_cipher_from_config(config)
    if not cipher.encrypts:
        if language == "en":
            return ", personal data NOT encrypted at rest (no [personal_data] key)"
        return ", data pribadi TIDAK dienkripsi (tidak ada kunci [personal_data])"
    key_id = cipher.key_id
    if language == "en":
        return f", personal data sealed with key {key_id}"
    return f", data pribadi disegel kunci {key_id}"
