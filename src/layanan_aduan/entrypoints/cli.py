"""
The ``layanan-aduan`` command line.

Each subcommand lives in its own module that exposes ``register(subparsers)``;
this module only builds the parser and turns refusals into one-line Indonesian
messages with exit status 2 (never a traceback). An argument that is not UTF-8
text is refused the same way; Ctrl-C ends the command with one line
(``dihentikan``) and exit status 130.

Logging while a command runs: records of level WARNING and above are kept, one line
each, and printed on standard error when the command ends, unless it ends with a
refusal (then the refusal's one line says what went wrong). ``-v``/``--verbose``
prints every record from INFO up as it happens, with its logger and any traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import sys
import warnings
from collections.abc import Iterator, Sequence
from typing import NoReturn, TextIO

from layanan_aduan.exceptions import LayananAduanError, ValidationError

__all__ = ["CommandParser", "main"]

EXIT_OK = 0
EXIT_USAGE = 2
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, what a shell reports for a killed writer
EXIT_INTERRUPTED = 130  # 128 + SIGINT, what a shell reports for Ctrl-C
#: Log lines kept for the end of a command; beyond this they are only counted (bounded memory).
MAX_KEPT_LOG_LINES = 100


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
    verbose_help = "tampilkan catatan log (INFO ke atas) beserta traceback-nya"
    parser.add_argument("-v", "--verbose", action="store_true", help=verbose_help)
    for command in sub.choices.values():
        # SUPPRESS: a subcommand without -v leaves the main parser's value alone.
        command.add_argument(
            "-v", "--verbose", action="store_true", default=argparse.SUPPRESS, help=verbose_help
        )
    return parser


def main(
    argv: Sequence[str] | None = None, *, stdin: TextIO | None = None, stdout: TextIO | None = None
) -> int:
    """
    Run the command line; returns the exit status.
    """
    try:
        return _main(argv, stdin, stdout)
    except KeyboardInterrupt:
        print("layanan-aduan: dihentikan", file=sys.stderr)
        return EXIT_INTERRUPTED


def _main(argv: Sequence[str] | None, stdin: TextIO | None, stdout: TextIO | None) -> int:
    arguments = sys.argv[1:] if argv is None else list(argv)
    out = stdout if stdout is not None else sys.stdout
    inp = stdin if stdin is not None else sys.stdin
    kept: _KeptLines | None = None
    try:
        _check_arguments(arguments)
        args = build_parser().parse_args(arguments)
        with _logging(verbose=args.verbose) as kept:
            status: int = args.run(args, inp, out)
    except LayananAduanError as e:
        print(f"layanan-aduan: galat: {_one_line(e.message)} [{e.code}]", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        # The reader went away (`... | head`): stop quietly, as Unix tools do. Point stdout at
        # devnull so the interpreter's final flush does not raise again.
        if stdout is None:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    if kept is not None:
        kept.print_to(sys.stderr)
    return status


def _check_arguments(arguments: Sequence[str]) -> None:
    """
    Refuse an argument that is not UTF-8 text (Python hands such bytes over as surrogates).
    """
    for n, argument in enumerate(arguments, start=1):
        try:
            argument.encode("utf-8")
        except UnicodeEncodeError:
            # The argument itself is not shown: it cannot be printed, and may be personal data.
            raise ValidationError(
                f"argumen ke-{n} bukan teks UTF-8 yang sah",
                f"argument {n} is not valid UTF-8 text",
                code="invalid_encoding",
                field="argv",
                details={"position": n},
            ) from None


def _one_line(message: str) -> str:
    return " ".join(message.split())


_LEVEL_WORDS = {
    logging.DEBUG: "debug",
    logging.INFO: "info",
    logging.WARNING: "peringatan",
    logging.ERROR: "galat",
    logging.CRITICAL: "galat",
}


class _OneLineFormatter(logging.Formatter):
    """
    One line a record, without traceback: ``layanan-aduan: peringatan: ...``.
    """

    def format(self, record: logging.LogRecord) -> str:
        word = _LEVEL_WORDS.get(record.levelno, record.levelname.lower())
        return f"layanan-aduan: {word}: {_one_line(record.getMessage())}"


class _KeptLines(logging.Handler):
    """
    Keeps formatted records (at most MAX_KEPT_LOG_LINES) to print when the command ends.
    """

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.setFormatter(_OneLineFormatter())
        self.lines: list[str] = []
        self.dropped = 0

    def emit(self, record: logging.LogRecord) -> None:
        if len(self.lines) < MAX_KEPT_LOG_LINES:
            self.lines.append(self.format(record))
        else:
            self.dropped += 1

    def print_to(self, stream: TextIO) -> None:
        for line in self.lines:
            print(line, file=stream)
        if self.dropped:
            print(
                f"layanan-aduan: peringatan: {self.dropped} catatan lain tidak ditampilkan",
                file=stream,
            )


def _show_warning(  # noqa: PLR0917 - the signature warnings.showwarning must have
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    file: TextIO | None = None,
    line: str | None = None,
) -> None:
    # A Python warning becomes one log record (not two lines with the source line).
    logging.getLogger("py.warnings").warning("%s: %s", category.__name__, message)


@contextlib.contextmanager
def _logging(*, verbose: bool) -> Iterator[_KeptLines | None]:
    """
    Route log records and Python warnings for one command; restore everything afterwards.
    """
    root = logging.getLogger()
    level = root.level
    handler: logging.Handler
    if verbose:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(
            logging.Formatter("layanan-aduan: %(levelname)s %(name)s: %(message)s")
        )
        if root.getEffectiveLevel() > logging.INFO:
            root.setLevel(logging.INFO)
        kept = None
    else:
        handler = kept = _KeptLines()
    root.addHandler(handler)
    try:
        with warnings.catch_warnings():
            warnings.showwarning = _show_warning
            yield kept
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


if __name__ == "__main__":
    raise SystemExit(main())
