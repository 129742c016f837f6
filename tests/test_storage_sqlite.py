"""
The SQLite storage adapter passes the storage contract; its file, settings and migrations.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pendulum
import pytest

from layanan_aduan.adapters.storage import Migration, SqliteStorage
from layanan_aduan.adapters.storage._migrations import shipped
from layanan_aduan.exceptions import (
    SchemaVersionError,
    StorageError,
    StorageInputError,
    StorageUnavailableError,
)
from layanan_aduan.ports import ReportProjection
from layanan_aduan.testing.contracts import StorageContract, StorageFactory

T0 = pendulum.datetime(2026, 1, 9, 9, tz="Asia/Jakarta")
KNOWN = len(shipped("sqlite"))  # the newest shipped schema version


class TestSqliteStorage(StorageContract):
    adapter = SqliteStorage

    @pytest.fixture
    def storage_factory(self, tmp_path_factory: pytest.TempPathFactory) -> Iterator[StorageFactory]:
        built: list[SqliteStorage] = []

        def make() -> SqliteStorage:
            path = tmp_path_factory.mktemp("sqlite") / "aduan.sqlite3"
            built.append(SqliteStorage.open(path))
            return built[-1]

        yield make
        for storage in built:
            storage.close()


def _create(storage: SqliteStorage, report_id: str = "r-1") -> None:
    with storage.unit_of_work() as uow:
        uow.reports.append(report_id, 0, [{"seq": 1}], ReportProjection("submitted", T0))
        uow.commit()


def test_connections_use_the_documented_durability_settings(tmp_path: Path) -> None:
    """Every connection runs in WAL mode with synchronous=FULL, foreign keys and a busy timeout."""
    with SqliteStorage.open(tmp_path / "a.sqlite3", busy_timeout=2.5) as storage:
        conn = storage._acquire()
        try:
            assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
            assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
            assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
            assert conn.execute("PRAGMA busy_timeout").fetchone()[0] == 2500
        finally:
            storage._release(conn, broken=False)


def test_data_survives_reopening(tmp_path: Path) -> None:
    """A committed report is there after the storage is closed and the file opened again."""
    path = tmp_path / "a.sqlite3"
    with SqliteStorage.open(path) as storage:
        _create(storage)
    with SqliteStorage.open(path) as storage, storage.unit_of_work(read_only=True) as uow:
        assert uow.reports.get("r-1").events == ({"seq": 1},)


def test_an_older_file_is_upgraded_keeping_its_data(tmp_path: Path) -> None:
    """Opening a file of the shipped schema with a library that knows one more version
    migrates it."""
    path = tmp_path / "a.sqlite3"
    with SqliteStorage.open(path) as storage:
        _create(storage)
        assert storage.schema_version() == KNOWN
    v2 = Migration(
        KNOWN + 1, "report_tags", "CREATE TABLE report_tags (report_id TEXT, tag TEXT);\n"
    )
    with SqliteStorage.open(path, migrations=[*shipped("sqlite"), v2]) as storage:
        assert storage.schema_version() == KNOWN + 1
        with storage.unit_of_work(read_only=True) as uow:
            assert uow.reports.get("r-1").version == 1
            assert uow.execute("SELECT count(*) FROM report_tags").fetchone()[0] == 0


def test_a_failed_migration_changes_nothing(tmp_path: Path) -> None:
    """A migration that fails half-way leaves the file at its previous version, data intact."""
    path = tmp_path / "a.sqlite3"
    with SqliteStorage.open(path) as storage:
        _create(storage)
    broken = Migration(
        KNOWN + 1, "broken", "CREATE TABLE t (x INTEGER);\nINSERT INTO nowhere VALUES (1);\n"
    )
    with pytest.raises(StorageError):
        SqliteStorage.open(path, migrations=[*shipped("sqlite"), broken])
    with SqliteStorage.open(path) as storage:
        assert storage.schema_version() == KNOWN
        with storage.unit_of_work(read_only=True) as uow:
            assert uow.reports.get("r-1").version == 1
            tables = uow.execute("SELECT name FROM sqlite_master WHERE name = 't'").fetchall()
            assert tables == []


def test_a_newer_file_is_refused(tmp_path: Path) -> None:
    """A file whose schema is newer than the library knows raises SchemaVersionError."""
    path = tmp_path / "a.sqlite3"
    v2 = Migration(KNOWN + 1, "future", "CREATE TABLE future (x INTEGER);\n")
    SqliteStorage.open(path, migrations=[*shipped("sqlite"), v2]).close()
    with pytest.raises(SchemaVersionError) as info:
        SqliteStorage.open(path)
    assert info.value.code == "schema_too_new"
    assert info.value.details == {"found": KNOWN + 1, "known": KNOWN}
    assert "upgrade" in info.value.message_en


def test_foreign_tables_are_refused(tmp_path: Path) -> None:
    """A database holding a 'reports' table that we did not create is refused."""
    path = tmp_path / "other.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE reports (id INTEGER)")
    conn.close()
    with pytest.raises(SchemaVersionError) as info:
        SqliteStorage.open(path)
    assert info.value.code == "schema_unknown"


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_another_applications_database_is_refused_and_left_unchanged(tmp_path: Path) -> None:
    """A SQLite file with tables but no layanan_aduan_schema is refused and not written to."""
    path = tmp_path / "other.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
        conn.execute("INSERT INTO customers (name) VALUES ('x')")
    conn.close()
    before = _files(tmp_path)
    with pytest.raises(SchemaVersionError) as info:
        SqliteStorage.open(path)
    assert info.value.code == "foreign_database"
    # Byte for byte, and no -wal or -shm beside it: not even the journal mode changed.
    assert _files(tmp_path) == before


def test_an_empty_file_is_taken_as_a_new_database(tmp_path: Path) -> None:
    """An existing empty file (as `touch` makes) is accepted and gets our schema."""
    path = tmp_path / "empty.sqlite3"
    path.touch()
    with SqliteStorage.open(path) as storage:
        assert storage.schema_version() == KNOWN


@pytest.mark.parametrize("version", ["'abc'", "2.5", "-1", "x'00'"])
def test_a_schema_record_that_is_not_a_version_is_refused(tmp_path: Path, version: str) -> None:
    """A layanan_aduan_schema whose version is not a whole number gives schema_unreadable."""
    path = tmp_path / "a.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE layanan_aduan_schema (version, name TEXT)")
        conn.execute(f"INSERT INTO layanan_aduan_schema VALUES ({version}, 'x')")  # noqa: S608 - test constant
    conn.close()
    with pytest.raises(SchemaVersionError) as info:
        SqliteStorage.open(path)
    assert info.value.code == "schema_unreadable"
    with sqlite3.connect(path) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    conn.close()
    assert tables == {"layanan_aduan_schema"}


def test_a_schema_table_without_a_version_column_is_refused(tmp_path: Path) -> None:
    """A layanan_aduan_schema table of another shape is schema_unreadable, not a driver error."""
    path = tmp_path / "a.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE layanan_aduan_schema (nomor INTEGER)")
    conn.close()
    with pytest.raises(SchemaVersionError) as info:
        SqliteStorage.open(path)
    assert info.value.code == "schema_unreadable"


def test_a_file_that_is_not_a_database_is_refused(tmp_path: Path) -> None:
    """Opening a file that is not SQLite raises SchemaVersionError, never sqlite3.DatabaseError."""
    path = tmp_path / "notes.txt"
    path.write_bytes(b"this is not a database, just some text " * 200)
    with pytest.raises(SchemaVersionError) as info:
        SqliteStorage.open(path)
    assert info.value.code == "not_a_database"
    assert isinstance(info.value.__cause__, sqlite3.DatabaseError)


def test_an_unreachable_path_is_unavailable(tmp_path: Path) -> None:
    """A path in a missing directory raises StorageUnavailableError."""
    with pytest.raises(StorageUnavailableError):
        SqliteStorage.open(tmp_path / "missing" / "a.sqlite3")


@pytest.mark.parametrize("path", ["", ":memory:", "file:a.db?mode=memory"])
def test_in_memory_paths_are_refused(path: str) -> None:
    """SQLite's in-memory and URI paths are refused: InMemoryStorage is the in-memory adapter."""
    with pytest.raises(StorageInputError) as info:
        SqliteStorage(path)
    assert info.value.code == "invalid_path"


def test_migration_lists_must_be_numbered_without_gaps(tmp_path: Path) -> None:
    """A migration list with a gap is refused before the file is touched."""
    with pytest.raises(ValueError, match="without gaps"):
        SqliteStorage.open(tmp_path / "a.sqlite3", migrations=[Migration(2, "x", "")])


def test_a_locked_database_is_reported_busy(tmp_path: Path) -> None:
    """A writer that cannot get the write lock within busy_timeout raises storage_busy."""
    path = tmp_path / "a.sqlite3"
    with SqliteStorage.open(path, busy_timeout=0.1) as storage:
        holder = sqlite3.connect(path, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        try:
            with pytest.raises(StorageUnavailableError) as info:
                _create(storage)
            assert info.value.code == "storage_busy"
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        _create(storage)


def test_the_constructor_does_no_io(tmp_path: Path) -> None:
    """Building the object touches no file: only open() does."""
    path = tmp_path / "a.sqlite3"
    storage = SqliteStorage(path)
    assert not path.exists()
    assert "closed=True" in repr(storage)


def test_upgrading_a_version_1_file_gives_old_rows_their_office_and_kind(tmp_path: Path) -> None:
    """Upgrading a version-1 file keeps every row, gives outbox and inbox rows their report's
    office (version 2) and reports the kind of their first event (version 3)."""
    path = tmp_path / "a.sqlite3"
    with SqliteStorage.open(path, migrations=shipped("sqlite")[:1]) as storage:
        with storage.unit_of_work() as uow:
            # The adapter of today writes today's columns: a version-1 row is written by hand.
            uow.execute(
                "INSERT INTO reports (report_id, version, state, office, updated_at, sla_paused, "
                "sla_stopped) VALUES ('r-1', 1, 'submitted', 'KNJP', "
                "'2026-01-12T02:00:00.000000Z', 0, 0)"
            )
            uow.execute(
                "INSERT INTO report_events (report_id, seq, payload) VALUES ('r-1', 1, "
                '\'{"payload":{"kind":"aduan"},"seq":1}\')'
            )
            uow.execute(
                "INSERT INTO outbox (key, report_id, payload, created_at, status, attempts, "
                "next_attempt_at) VALUES ('r-1:1:ack', 'r-1', '{}', '2026-01-12T02:00:00.000000Z', "
                "'pending', 0, '2026-01-12T02:00:00.000000Z')"
            )
            uow.execute(
                "INSERT INTO inbox (message_id, report_id, received_at) "
                "VALUES ('wamid.A', 'r-1', '2026-01-12T02:00:00.000000Z')"
            )
            uow.commit()
        assert storage.schema_version() == 1
    with SqliteStorage.open(path) as storage:
        assert storage.schema_version() == KNOWN
        [message] = storage.outbox.claim_due(T0.add(years=1), office="KNJP")
        assert message.key == "r-1:1:ack"
        assert message.office == "KNJP"
        assert storage.outbox.claim_due(T0.add(years=1), office="KMKS") == []
        with storage.unit_of_work(read_only=True) as uow:
            stored = uow.reports.get("r-1").projection
            assert (stored.office, stored.kind) == ("KNJP", "aduan")
            row = uow.execute("SELECT office FROM inbox WHERE message_id = 'wamid.A'").fetchone()
            assert row[0] == "KNJP"
