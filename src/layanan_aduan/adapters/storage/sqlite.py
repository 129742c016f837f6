"""
The SQLite storage adapter: the embedded default, one database file, standard library only.

Open it with :meth:`SqliteStorage.open`; the schema is created or upgraded on open (an older file
is migrated, a file from a newer version of the library is refused with ``SchemaVersionError``).
A new or empty file is taken; a file of another application (tables, but no
``layanan_aduan_schema``) is refused with ``SchemaVersionError`` (code ``foreign_database``) before
anything writes to it, so its bytes stay as they were.

Durability and concurrency settings, applied to every connection:

- ``journal_mode=WAL``: readers never block the writer nor the writer the readers, and a crash
  (even SIGKILL mid-commit) leaves the file at the last committed transaction.
- ``synchronous=FULL``: the WAL is flushed to disk at every commit, so a committed step survives
  a power cut, not only a process crash. (``NORMAL`` is faster but may lose the last commits on
  power loss; reports are legal records, so the library chooses ``FULL``.)
- ``busy_timeout``: a writer waits this long (default 5 s) for another writer before the
  unit of work fails with ``StorageUnavailableError`` (code ``storage_busy``).
- ``foreign_keys=ON``.
- ``page_size=2048`` for a new file (SQLite's default is 4096): each commit writes every page it
  dirtied whole to the WAL, and a step dirties one page in each table and index it touches, so
  smaller pages halve the bytes a step writes. An existing file keeps its page size.
- ``secure_delete=ON``: a deleted row's bytes are overwritten with zeros in the database pages,
  so erased personal data does not linger in free pages; :meth:`SqliteStorage.checkpoint_truncate`
  then empties the WAL, which still holds the pages as they were before the deletion.

Files: the database is created mode 0600 before SQLite opens it, and SQLite gives its ``-wal``,
``-shm`` (and ``-journal``) files the database file's mode, so all are the service account's alone
whatever the umask. An existing database (or ``-wal``/``-shm``) open to the group or others is
made private on open (0644 becomes 0600), with a warning logged on ``layanan_aduan.files``; one
another user owns is refused with ``FilePermissionError`` (code ``file_permissions``). See
:mod:`layanan_aduan._files`.

Writing units of work start with ``BEGIN IMMEDIATE``: writers take the database's write lock at
the start, so two writers never deadlock on a lock upgrade; they queue, and each still checks
the report version it was given (optimistic concurrency between officers).

>>> import pathlib, tempfile, pendulum
>>> from layanan_aduan.ports import ReportProjection
>>> path = pathlib.Path(tempfile.mkdtemp()) / "aduan.sqlite3"
>>> at = pendulum.datetime(2026, 1, 9, 9, tz="Asia/Jakarta")
>>> with SqliteStorage.open(path) as storage:
...     with storage.unit_of_work() as uow:
...         version = uow.reports.append("r-1", 0, [{"kind": "received"}],
...                                      ReportProjection("received", at))
...         uow.commit()
...     storage.schema_version() == len(shipped("sqlite"))
True
>>> with SqliteStorage.open(path) as storage, storage.unit_of_work(read_only=True) as uow:
...     uow.reports.get("r-1").version
1
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pendulum

from layanan_aduan._files import check_private, private_file
from layanan_aduan.adapters.storage import _common as c
from layanan_aduan.adapters.storage._migrations import (
    SCHEMA_TABLE,
    Migration,
    foreign_database,
    shipped,
    unknown_schema,
)
from layanan_aduan.adapters.storage._sql import Dialect, SqlStorage, UniqueViolation
from layanan_aduan.exceptions import SchemaVersionError, StorageError, StorageInputError
from layanan_aduan.ports import FieldCipher

__all__ = ["SqliteStorage"]

_MAX_IDLE = 4
#: The page size of a new database file (bytes). A step dirties a page in each B-tree it touches
#: (the report's row and its indexes, the events, the vault, the outbox, the inbox), and the WAL
#: takes each dirtied page whole: 2 KiB pages halve the bytes a step writes against SQLite's
#: 4 KiB default, for as many pages and the same commit time (benchmarks/README.md).
PAGE_SIZE = 2048


class _SqliteDialect(Dialect):
    name = "sqlite"
    writer_holds_lock = True  # writing units of work start with BEGIN IMMEDIATE

    # One JSON parse an event: json_extract with several paths gives a JSON array text.
    event_row_column = (
        "json_extract(payload, '$.action', '$.to_state', '$.at', '$.recorded_at', "
        "'$.actor_role', '$.payload.kind', '$.payload.channel.medium', '$.payload.reason', "
        "'$.payload.rating')"
    )

    def read_event_rows(self, values: list[Any]) -> list[Sequence[Any]]:
        # One parse for the whole batch: far cheaper than a json.loads a row.
        rows: list[Sequence[Any]] = json.loads(f"[{','.join(values)}]")
        return rows

    def __init__(self, busy_timeout: float) -> None:
        self.busy_timeout = busy_timeout

    def sql(self, text: str) -> str:
        return text

    def instant(self, value: pendulum.DateTime) -> Any:
        return c.instant_text(value)

    def read_instant(self, value: Any) -> pendulum.DateTime:
        return c.parse_instant_text(value)

    def read_plain_instant(self, value: Any) -> dt.datetime:
        # Fixed-width UTC text ending in "Z": the C parser reads it (about 0.1 µs).
        return dt.datetime.fromisoformat(value)

    def begin(self, *, read_only: bool) -> str:
        return "BEGIN" if read_only else "BEGIN IMMEDIATE"

    def is_driver_error(self, error: BaseException) -> bool:
        return isinstance(error, sqlite3.Error)

    def translate(self, error: Exception) -> Exception:
        text = str(error).lower()
        name = getattr(error, "sqlite_errorname", type(error).__name__)
        if isinstance(error, sqlite3.IntegrityError) and "unique constraint failed" in text:
            # "UNIQUE constraint failed: reports.number" -> "reports.number"
            return UniqueViolation(text.split(":", 1)[1].split(",")[0].strip())
        if "locked" in text or "busy" in text:
            return c.busy(self.busy_timeout)
        if "not a database" in text:
            return SchemaVersionError(
                "Berkas ini bukan basis data SQLite.",
                "This file is not an SQLite database.",
                code="not_a_database",
            )
        if "unable to open" in text or "disk i/o" in text or "readonly" in text:
            return c.unavailable(name)
        return StorageError(
            "Penyimpanan SQLite gagal menjalankan perintah.",
            "SQLite storage failed to run a statement.",
            code="database_error",
            details={"driver_error": name},
        )

    def table_exists(self, conn: Any, table: str) -> bool:
        row = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)
        ).fetchone()
        return row is not None

    def lock_schema(self, conn: Any) -> None:
        # BEGIN IMMEDIATE already holds the database's write lock: migrators are serialised.
        return

    def run_script(self, conn: Any, script: str) -> None:
        # executescript() would COMMIT the migration transaction first: run statement by statement.
        statement = ""
        for line in script.splitlines(keepends=True):
            statement += line
            if sqlite3.complete_statement(statement):
                conn.execute(statement)
                statement = ""
        if statement.strip() and not all(
            ln.strip().startswith("--") or not ln.strip() for ln in statement.splitlines()
        ):
            raise ValueError("migration script ends with an incomplete statement")


class SqliteStorage(SqlStorage):
    """
    Reports, outbox and inbox in one SQLite file (see the module docstring for its settings).

    Build it with :meth:`open`; use it as a context manager or call :meth:`close`. Safe to share
    between threads (each unit of work takes its own connection) and between processes on one
    machine (SQLite's file locks). Not for network file systems.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        busy_timeout: float = 5.0,
        migrations: Sequence[Migration] | None = None,
        cipher: FieldCipher | None = None,
    ) -> None:
        super().__init__(cipher)
        text = os.fspath(path)
        if not text or text == ":memory:" or text.startswith("file:"):
            raise StorageInputError(
                "Berikan path berkas SQLite (untuk data di memori pakai InMemoryStorage).",
                "Give an SQLite file path (for data in memory use InMemoryStorage).",
                code="invalid_path",
                field="path",
            )
        self.path = text
        self._busy_timeout = busy_timeout
        self._dialect = _SqliteDialect(busy_timeout)
        self._migrations = tuple(shipped("sqlite") if migrations is None else migrations)
        self._idle: list[sqlite3.Connection] = []
        self._lock = threading.Lock()

    @classmethod
    def open(
        cls,
        path: str | os.PathLike[str],
        *,
        busy_timeout: float = 5.0,
        migrations: Sequence[Migration] | None = None,
        cipher: FieldCipher | None = None,
    ) -> SqliteStorage:
        """
        Open (creating if needed) the database file at ``path`` and bring its schema up to date.

        Args:
            path: The database file. Its directory must exist.
            busy_timeout: Seconds a writer waits for another writer.
            migrations: The schema migrations to apply (default: the ones shipped). A system that
                extends the schema passes the shipped ones followed by its own.
            cipher: What seals personal data at rest and makes its blind indexes
                (:class:`~layanan_aduan.adapters.field_cipher.AesGcmFieldCipher` with a
                personal-data key); without one, :class:`PlainFieldCipher` keeps it readable.

        Raises:
            SchemaVersionError: The file is from a newer library version (``schema_too_new``),
                another application's (``foreign_database``, left unchanged), or not ours.
            StorageUnavailableError: The file cannot be opened.
        """
        storage = cls(path, busy_timeout=busy_timeout, migrations=migrations, cipher=cipher)
        storage._refuse_foreign_file()
        storage._make_private()
        storage._start()
        return storage

    def _make_private(self) -> None:
        """
        Create the database file 0600 before SQLite does (SQLite would use 0644 less the umask,
        and gives the ``-wal``/``-shm`` files the database's mode); make an existing database and
        its ``-wal``/``-shm`` private again (warning) or refuse them (another user's).
        """
        try:
            private_file(self.path, what="basis data")
            for suffix in ("-wal", "-shm", "-journal"):
                with contextlib.suppress(FileNotFoundError):
                    check_private(self.path + suffix, what="basis data")
        except OSError as e:
            raise c.unavailable(type(e).__name__) from e

    def _refuse_foreign_file(self) -> None:
        """
        Refuse an existing file that holds tables but no record of our migrations.

        Read on a read-only connection before :meth:`_connect` runs: switching the journal mode
        to WAL already rewrites the file's header, and another application's file must be left
        exactly as it was.
        """
        try:
            if os.path.getsize(self.path) == 0:
                return  # an empty file is a new database
        except OSError:
            return  # a new file (or an unreachable path, which _connect reports)
        uri = Path(self.path).absolute().as_uri() + "?mode=ro"
        try:
            conn = sqlite3.connect(uri, uri=True, timeout=self._busy_timeout)
        except sqlite3.Error as e:
            raise self._dialect.translate(e) from e
        try:
            rows = conn.execute(
                "SELECT name FROM sqlite_master WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
            ).fetchall()
        except sqlite3.Error as e:
            raise self._dialect.translate(e) from e
        finally:
            conn.close()
        names = {row[0] for row in rows}
        if not names or SCHEMA_TABLE in names:
            return
        # Our table names without our record keep their own code (schema_unknown).
        raise unknown_schema() if "reports" in names else foreign_database()

    def __repr__(self) -> str:
        return f"SqliteStorage(path={self.path!r}, closed={self._closed})"

    def _connect(self) -> sqlite3.Connection:
        try:
            conn = sqlite3.connect(
                self.path,
                timeout=self._busy_timeout,
                isolation_level=None,
                check_same_thread=False,
            )
        except sqlite3.Error as e:
            raise self._dialect.translate(e) from e
        try:
            # Only a new (empty) file takes it: an existing file keeps the page size it has.
            conn.execute(f"PRAGMA page_size={PAGE_SIZE}")
            mode = conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
            conn.execute("PRAGMA synchronous=FULL")
            conn.execute("PRAGMA foreign_keys=ON")
            conn.execute("PRAGMA secure_delete=ON")
            conn.execute(f"PRAGMA busy_timeout={int(self._busy_timeout * 1000)}")
        except sqlite3.Error as e:
            conn.close()
            translated = self._dialect.translate(e)
            if isinstance(translated, UniqueViolation):
                raise c.unavailable("pragma") from e
            raise translated from e
        if str(mode).lower() != "wal":
            conn.close()
            raise c.unavailable("wal_unsupported")
        return conn

    def checkpoint_truncate(self) -> bool:
        """
        Copy the WAL into the database file and truncate the WAL to zero bytes
        (``PRAGMA wal_checkpoint(TRUNCATE)``); True when it did.

        Call it after deleting personal data: ``secure_delete`` zeroes the deleted bytes in the
        database pages, but the WAL still holds earlier images of those pages until it is
        checkpointed and truncated. It waits up to the busy timeout for other connections'
        readers and writers; False when one still held an older snapshot (the WAL may then
        keep the old pages: call it again later).

        Raises:
            StorageStateError: The storage is closed.
            StorageUnavailableError: The database cannot be reached.
        """
        self._check_open()
        conn = self._acquire()
        broken = False
        try:
            busy, _log_frames, _checkpointed = conn.execute(
                "PRAGMA wal_checkpoint(TRUNCATE)"
            ).fetchone()
        except sqlite3.Error as e:
            broken = True
            raise self._dialect.translate(e) from e
        finally:
            self._release(conn, broken=broken)
        return not busy

    def _acquire(self) -> sqlite3.Connection:
        with self._lock:
            if self._idle:
                return self._idle.pop()
        return self._connect()

    def _release(self, conn: Any, *, broken: bool) -> None:
        with self._lock:
            if not broken and not self._closed and len(self._idle) < _MAX_IDLE:
                self._idle.append(conn)
                return
        conn.close()

    def _close_connections(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for conn in idle:
            conn.close()
