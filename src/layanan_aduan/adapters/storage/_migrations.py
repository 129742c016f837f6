"""
Versioned schema migrations: numbered SQL files shipped in ``migrations/<dialect>/``.

A database records the versions applied in the table ``layanan_aduan_schema``. Opening a storage
applies the missing ones in order, in one transaction; a database whose version is newer than
the newest shipped migration is refused, as is one that has our tables without that record, one
whose record is not a version number, and an SQLite file of another application.

>>> [(m.version, m.name) for m in shipped("sqlite")]
[(1, 'initial'), (2, 'offices'), (3, 'report_kind'), (4, 'staff'), (5, 'outbox_claim'),
 (6, 'head_signature'), (7, 'projection_calendar'), (8, 'replies_and_floods'),
 (9, 'received_webhooks'), (10, 'personal_vault'), (11, 'retention'),
 (12, 'append_ordered_history'), (13, 'console_login_failures')]
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from importlib import resources

import attrs

from layanan_aduan.exceptions import SchemaVersionError, StorageInputError

__all__ = ["SCHEMA_TABLE", "Migration", "check_sequence", "shipped"]

SCHEMA_TABLE = "layanan_aduan_schema"

_DIALECTS = ("sqlite", "postgres")
_FILE = re.compile(r"(\d{4})_([a-z0-9_]+)\.sql")


@attrs.frozen
class Migration:
    """
    One schema step: its version number (1, 2, ...), a short name, and the SQL that applies it.
    """

    version: int
    name: str
    sql: str = attrs.field(repr=False)


def shipped(dialect: str) -> tuple[Migration, ...]:
    """
    The migrations shipped for ``dialect`` (``"sqlite"`` or ``"postgres"``), oldest first.

    Public as ``layanan_aduan.adapters.storage.shipped_migrations``.

    Raises:
        StorageInputError: ``dialect`` is not one the library ships (code ``unknown_dialect``).
    """
    if dialect not in _DIALECTS:
        raise StorageInputError(
            "Dialek basis data tidak dikenal; pilih sqlite atau postgres.",
            "Unknown database dialect; choose sqlite or postgres.",
            code="unknown_dialect",
            field="dialect",
        )
    folder = resources.files("layanan_aduan.adapters.storage").joinpath("migrations", dialect)
    found = []
    for entry in folder.iterdir():
        match = _FILE.fullmatch(entry.name)
        if match:
            found.append(Migration(int(match[1]), match[2], entry.read_text(encoding="utf-8")))
    migrations = tuple(sorted(found, key=lambda m: m.version))
    check_sequence(migrations)
    return migrations


def check_sequence(migrations: Sequence[Migration]) -> None:
    """
    Refuse a migration list that is not numbered 1, 2, 3, ... without gaps.
    """
    versions = [m.version for m in migrations]
    if versions != list(range(1, len(versions) + 1)):
        raise ValueError(f"migrations must be numbered 1..n without gaps, got {versions}")


def too_new(found: int, known: int) -> SchemaVersionError:
    """
    The database was written by a newer version of the library.
    """
    return SchemaVersionError(
        f"Skema basis data versi {found} lebih baru daripada yang dikenal pustaka ini "
        f"(versi {known}); perbarui layanan-aduan.",
        f"The database schema is version {found}, newer than this library knows "
        f"(version {known}); upgrade layanan-aduan.",
        details={"found": found, "known": known},
    )


def unknown_schema() -> SchemaVersionError:
    """
    The database has tables of our names but no record of our migrations.
    """
    return SchemaVersionError(
        "Basis data berisi tabel yang tidak dibuat oleh layanan-aduan.",
        "The database holds tables that layanan-aduan did not create.",
        code="schema_unknown",
    )


def read_version(value: object) -> int:
    """
    The schema version recorded, from ``max(version)`` (``None`` for an empty table).

    Raises:
        SchemaVersionError: ``schema_unreadable`` when the record is not a whole number ``>= 0``
            (a table of our name that another hand wrote).
    """
    if value is None:
        return 0
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    raise schema_unreadable()


def schema_unreadable() -> SchemaVersionError:
    """
    The database's record of our migrations cannot be read as a version number.
    """
    return SchemaVersionError(
        f"Catatan versi skema ({SCHEMA_TABLE}) tidak dapat dibaca sebagai nomor versi.",
        f"The schema version record ({SCHEMA_TABLE}) cannot be read as a version number.",
        code="schema_unreadable",
    )


def foreign_database() -> SchemaVersionError:
    """
    The file holds another application's tables and no record of our migrations.
    """
    return SchemaVersionError(
        "Berkas ini basis data aplikasi lain (berisi tabel, tanpa catatan skema "
        "layanan-aduan); tidak diubah. Pilih berkas baru atau kosong.",
        "This file is another application's database (it has tables but no layanan-aduan "
        "schema record); it was left unchanged. Choose a new or empty file.",
        code="foreign_database",
    )
