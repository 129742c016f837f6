"""
The PostgreSQL storage adapter passes the storage contract, at both isolation levels.

Needs a server: ``eval "$(bash .ci/postgres.sh)"`` exports LAYANAN_ADUAN_TEST_POSTGRES_DSN.
Without it these tests skip locally and fail under CI.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pendulum
import psycopg
import pytest

from layanan_aduan.adapters.storage import Migration, PostgresStorage, SqlStaffDirectory
from layanan_aduan.adapters.storage._migrations import shipped
from layanan_aduan.exceptions import (
    ConcurrencyConflictError,
    SchemaVersionError,
    StorageError,
    StorageInputError,
    StorageUnavailableError,
)
from layanan_aduan.ports import ReportProjection
from layanan_aduan.testing.contracts import (
    StaffDirectoryContract,
    StaffRegistryFactory,
    StorageContract,
    StorageFactory,
    require_postgres_dsn,
)

pytestmark = pytest.mark.postgres

T0 = pendulum.datetime(2026, 1, 9, 9, tz="Asia/Jakarta")
KNOWN = len(shipped("postgres"))  # the newest shipped schema version


@pytest.fixture(scope="module")
def dsn() -> str:
    return require_postgres_dsn()


def _schema() -> str:
    return f"t_{uuid.uuid4().hex[:16]}"


_TABLES = (
    "reports, report_events, report_personal, report_evidence, report_audit, report_counters, "
    "outbox, inbox, staff_assignments, staff_members"
)


@pytest.fixture
def make_storage(dsn: str) -> Iterator[StorageFactory]:
    """
    Gives a storage in its own schema; asked again with the same options, empties that one.

    Emptying (TRUNCATE) instead of building a schema per hypothesis example keeps the model-based
    test fast; the storage is as empty as a new one (identities restart too).
    """
    built: dict[tuple[tuple[str, object], ...], PostgresStorage] = {}

    def make(**options: object) -> PostgresStorage:
        key = tuple(sorted(options.items()))
        storage = built.get(key)
        if storage is not None and not storage._closed:
            with storage.unit_of_work() as uow:
                uow.execute(f"TRUNCATE {_TABLES} RESTART IDENTITY")
                uow.commit()
            return storage
        storage = PostgresStorage.open(dsn, schema=_schema(), max_size=4, **options)  # type: ignore[arg-type]  # options are PostgresStorage.open's keywords
        built[key] = storage
        return storage

    yield make
    for storage in built.values():
        storage.close()
        # Drop with a fresh connection: the storage may have been closed by the test.
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{storage.schema}" CASCADE')


class TestPostgresStorage(StorageContract):
    adapter = PostgresStorage

    @pytest.fixture
    def storage_factory(self, make_storage: StorageFactory) -> StorageFactory:
        return make_storage


class TestPostgresStorageSerializable(StorageContract):
    adapter = PostgresStorage
    locks_refresh_snapshot = False

    @pytest.fixture
    def storage_factory(self, make_storage: StorageFactory) -> StorageFactory:
        return lambda: make_storage(isolation="serializable")  # type: ignore[call-arg]  # make_storage forwards keywords


class TestPostgresStaffDirectory(StaffDirectoryContract):
    adapter = SqlStaffDirectory

    @pytest.fixture
    def staff_factory(self, make_storage: StorageFactory) -> StaffRegistryFactory:
        def make() -> SqlStaffDirectory:
            storage = make_storage()
            assert isinstance(storage, PostgresStorage)
            return storage.staff_directory()

        return make


def test_repr_never_shows_the_dsn(make_storage: StorageFactory, dsn: str) -> None:
    """The DSN (which may hold a password) is not in the adapter's repr."""
    storage = make_storage()
    assert dsn not in repr(storage)
    assert "127.0.0.1" not in repr(storage)


def test_an_unreachable_server_is_unavailable() -> None:
    """A server that does not answer raises StorageUnavailableError, never a psycopg error."""
    with pytest.raises(StorageUnavailableError) as info:
        PostgresStorage.open("postgresql://nobody@127.0.0.1:1/none", timeout=1.0)
    assert isinstance(info.value.__cause__, Exception)
    assert not isinstance(info.value, psycopg.Error)


def test_a_newer_schema_is_refused(dsn: str, make_storage: StorageFactory) -> None:
    """A schema migrated by a newer library raises SchemaVersionError."""
    storage = make_storage()
    schema = storage.schema  # type: ignore[attr-defined]  # a PostgresStorage
    storage.close()
    v2 = Migration(KNOWN + 1, "future", "CREATE TABLE future (x integer);")
    PostgresStorage.open(dsn, schema=schema, migrations=[*shipped("postgres"), v2]).close()
    with pytest.raises(SchemaVersionError) as info:
        PostgresStorage.open(dsn, schema=schema)
    assert info.value.code == "schema_too_new"


def test_an_older_schema_is_upgraded(dsn: str, make_storage: StorageFactory) -> None:
    """Opening the shipped schema with a library that knows one more version migrates it,
    keeping data."""
    storage = make_storage()
    schema = storage.schema  # type: ignore[attr-defined]  # a PostgresStorage
    with storage.unit_of_work() as uow:
        uow.reports.append("r-1", 0, [{"seq": 1}], ReportProjection("submitted", T0))
        uow.commit()
    storage.close()
    v2 = Migration(KNOWN + 1, "tags", "CREATE TABLE report_tags (report_id text, tag text);")
    with PostgresStorage.open(dsn, schema=schema, migrations=[*shipped("postgres"), v2]) as s:
        assert s.schema_version() == KNOWN + 1
        with s.unit_of_work(read_only=True) as uow:
            assert uow.reports.get("r-1").version == 1


def test_a_failed_migration_changes_nothing(dsn: str, make_storage: StorageFactory) -> None:
    """A migration failing half-way is rolled back whole (PostgreSQL DDL is transactional)."""
    storage = make_storage()
    schema = storage.schema  # type: ignore[attr-defined]  # a PostgresStorage
    storage.close()
    broken = Migration(
        KNOWN + 1, "broken", "CREATE TABLE t (x integer); INSERT INTO nowhere VALUES (1);"
    )
    with pytest.raises(StorageError):
        PostgresStorage.open(dsn, schema=schema, migrations=[*shipped("postgres"), broken])
    with PostgresStorage.open(dsn, schema=schema) as s:
        assert s.schema_version() == KNOWN


def test_servers_starting_together_migrate_once(dsn: str) -> None:
    """Several storages opening one new schema at once all succeed, at the newest version."""
    import threading

    schema = _schema()
    opened: list[PostgresStorage] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(3)

    def open_one() -> None:
        barrier.wait()
        try:
            opened.append(PostgresStorage.open(dsn, schema=schema, max_size=1))
        except BaseException as e:
            errors.append(e)

    threads = [threading.Thread(target=open_one) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    try:
        assert errors == []
        assert [s.schema_version() for s in opened] == [KNOWN] * 3
    finally:
        for s in opened:
            s.close()
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def test_serialization_failures_are_conflicts(make_storage: StorageFactory) -> None:
    """Under serializable isolation a write skew surfaces as ConcurrencyConflictError."""
    storage = make_storage(isolation="serializable")  # type: ignore[call-arg]  # forwards keywords
    with storage.unit_of_work() as uow:
        uow.reports.append("r-1", 0, [{"seq": 1}], ReportProjection("submitted", T0))
        uow.reports.append("r-2", 0, [{"seq": 1}], ReportProjection("submitted", T0))
        uow.commit()
    first = storage.unit_of_work().__enter__()
    second = storage.unit_of_work().__enter__()
    try:
        # Each reads both reports' states, then changes a different one: a write skew.
        for uow in (first, second):
            uow.reports.by_state("submitted")
        first.reports.append("r-1", 1, [{"seq": 2}], ReportProjection("received", T0))
        second.reports.append("r-2", 1, [{"seq": 2}], ReportProjection("received", T0))
        first.commit()
        with pytest.raises(ConcurrencyConflictError) as info:
            second.commit()
        assert info.value.code == "serialization_conflict"
    finally:
        first.rollback()
        second.rollback()


def test_a_claim_never_collides_with_a_concurrent_claim(make_storage: StorageFactory) -> None:
    """
    Under serializable isolation, claim_due overlapping another claim refuses neither.

    ``pending`` stands for a second dispatcher caught inside its claim (the claim's own SQL, in
    a serializable transaction): it has read the due rows and leased ``k00``. A serializable
    ``claim_due`` then read ``k00`` and wrote ``k01``, which ``pending`` had read: a cycle that
    PostgreSQL broke by refusing one claim (40001), at random under load. Claims run at READ
    COMMITTED, so both commit and each message has one holder.
    """
    storage = make_storage(isolation="serializable")  # type: ignore[call-arg]  # forwards keywords
    with storage.unit_of_work() as uow:
        for i in range(3):
            uow.outbox.put(f"k{i:02d}", {}, created_at=T0)
        uow.commit()
    at = T0.add(minutes=1)
    pending = storage.unit_of_work().__enter__()
    try:
        [(key,)] = pending.execute(
            "SELECT key FROM outbox WHERE status = 'pending' AND next_attempt_at <= ? "
            "AND (claimed_until IS NULL OR claimed_until <= ?) "
            "ORDER BY next_attempt_at, position LIMIT 1 FOR UPDATE SKIP LOCKED",
            (at, at),
        ).fetchall()
        pending.execute(
            "UPDATE outbox SET claimed_until = ?, claim_token = 'other' WHERE key = ?",
            (at.add(minutes=5), key),
        )
        assert key == "k00"
        assert [m.key for m in storage.outbox.claim_due(at, limit=1)] == ["k01"]
        pending.commit()
    finally:
        pending.rollback()
    assert storage.outbox.get("k00").claim_token == "other"  # noqa: S105 - a lease token
    assert [m.key for m in storage.outbox.claim_due(at)] == ["k02"]


@pytest.mark.parametrize(
    ("options", "code"),
    [
        ({"schema": "Bad-Name"}, "invalid_schema_name"),
        ({"isolation": "dirty"}, "invalid_isolation"),
    ],
)
def test_bad_options_are_refused(options: dict[str, str], code: str) -> None:
    """Schema names outside [a-z0-9_] and unknown isolation levels are refused."""
    with pytest.raises(StorageInputError) as info:
        PostgresStorage("postgresql://unused", **options)  # type: ignore[arg-type]  # keywords
    assert info.value.code == code


def test_dropping_public_is_refused() -> None:
    """drop_schema refuses the public schema."""
    with pytest.raises(StorageInputError):
        PostgresStorage("postgresql://unused").drop_schema()
