"""
The ``layanan-aduan`` command line.

Each subcommand lives in its own module that exposes ``register(subparsers)``;
this module only builds the parser and turns refusals into one-line Indonesian
messages with exit status 2 (never a traceback).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import NoReturn, TextIO

from layanan_aduan.exceptions import LayananAduanError

__all__ = ["CommandParser", "main"]

EXIT_OK = 0
EXIT_USAGE = 2
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, what a shell reports for a killed writer


class CommandParser(argparse.ArgumentParser):
    """
    An ``ArgumentParser`` whose refusals are one Indonesian line and exit status 2.
    """

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: galat: {_translate(message)}\n")


_ARGPARSE_ID = (
    ("unrecognized arguments", "argumen tidak dikenal"),
    ("the following arguments are required", "argumen berikut wajib diisi"),
    ("invalid choice", "pilihan tidak valid"),
    ("expected one argument", "perlu satu argumen"),
    ("invalid int value", "bukan bilangan bulat"),
    ("invalid float value", "bukan bilangan"),
    ("argument", "argumen"),
    ("choose from", "pilih dari"),
)


def _translate(message: str) -> str:
    for en, id_ in _ARGPARSE_ID:
        message = message.replace(en, id_)
    return message


def build_parser() -> CommandParser:
    """
    Build the parser with every subcommand registered.
    """
    # Imported here so that importing the CLI module builds nothing.
    from layanan_aduan.entrypoints import commands

    parser = CommandParser(
        prog="layanan-aduan",
        description="Layanan laporan dan aduan masyarakat melalui WhatsApp (Kejaksaan).",
    )
    sub = parser.add_subparsers(
        dest="command", required=True, metavar="PERINTAH", parser_class=CommandParser
    )
    for register in commands.REGISTRY:
        register(sub)
    return parser


def main(
    argv: Sequence[str] | None = None, *, stdin: TextIO | None = None, stdout: TextIO | None = None
) -> int:
    """
    Run the command line; returns the exit status.
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    out = stdout if stdout is not None else sys.stdout
    inp = stdin if stdin is not None else sys.stdin
    try:
        status: int = args.run(args, inp, out)
    except LayananAduanError as e:
        print(f"layanan-aduan: galat: {e.message} [{e.code}]", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        # The reader went away (`... | head`): stop quietly, as Unix tools do. Point stdout at
        # devnull so the interpreter's final flush does not raise again.
        if stdout is None:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    return status


if __name__ == "__main__":
    raise SystemExit(main())
