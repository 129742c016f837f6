"""
The PostgreSQL storage adapter: one database shared by several application servers.

Needs the ``postgres`` extra (``pip install 'layanan-aduan[postgres]'``: psycopg 3 and
psycopg_pool); without it, importing this module (or ``PostgresStorage`` from
:mod:`layanan_aduan.adapters.storage`) raises
:class:`~layanan_aduan.exceptions.MissingDependencyError` (code ``missing_extra``).

Open it with :meth:`PostgresStorage.open`; the schema is created or upgraded on open, under an
advisory lock so several servers starting at once migrate it exactly once.

Concurrency: a step locks its report row (``SELECT ... FOR UPDATE``) and checks the version it
was decided on; a second officer acting on the same report waits for the first, then gets
``ConcurrencyConflictError``. Report numbers come from a counter row updated in the same
transaction (gap-free: a rolled-back step gives its number back). Writing units of work run at
``READ COMMITTED`` by default; ``isolation="serializable"`` is also supported, and PostgreSQL's
serialization failures and deadlocks are raised as ``ConcurrencyConflictError`` (code
``serialization_conflict``): retry the unit of work. Read-only units of work run at
``REPEATABLE READ READ ONLY`` (one consistent snapshot). The outbox dispatcher claims messages
with ``FOR UPDATE SKIP LOCKED`` at ``READ COMMITTED`` whatever the isolation, so several
dispatchers never claim the same message and never refuse each other's claims.

Tables live in the schema given by ``schema`` (default ``public``), created if missing, so one
database can hold several independent storages.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any

import pendulum

from layanan_aduan.adapters.storage import _common as c
from layanan_aduan.adapters.storage._migrations import Migration, shipped
from layanan_aduan.adapters.storage._sql import Dialect, SqlStorage, SqlUnitOfWork, UniqueViolation
from layanan_aduan.exceptions import StorageError, StorageInputError, missing_extra
from layanan_aduan.ports import FieldCipher

try:
    import psycopg
    import psycopg_pool
    from psycopg import errors as pg_errors
except ImportError as e:  # the postgres extra is not installed
    raise missing_extra(getattr(e, "name", None) or "psycopg", "postgres") from e

__all__ = ["PostgresStorage"]

_SCHEMA_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")
_ISOLATION = {"read committed": "READ COMMITTED", "serializable": "SERIALIZABLE"}
_CONSTRAINTS = {
    "reports_report_id_key": "reports.report_id",
    "reports_number_key": "reports.number",
    "report_events_pkey": "report_events.report_id",
    "outbox_key_key": "outbox.key",
    "inbox_pkey": "inbox.message_id",
}


class _PostgresDialect(Dialect):
    name = "postgres"
    for_update = " FOR UPDATE"
    skip_locked = " FOR UPDATE SKIP LOCKED"

    def __init__(self, schema: str, isolation: str) -> None:
        self.schema = schema
        self.isolation = isolation

    def sql(self, text: str) -> str:
        return text.replace("?", "%s")

    def instant(self, value: pendulum.DateTime) -> Any:
        u = c.utc(value, "instant")
        return dt.datetime(
            u.year, u.month, u.day, u.hour, u.minute, u.second, u.microsecond, tzinfo=dt.UTC
        )

    def read_instant(self, value: Any) -> pendulum.DateTime:
        return c.utc(value, "instant")

    # One array parameter instead of a placeholder a value.
    any_of_chunk = 10_000

    def any_of(self, column: str, values: Sequence[Any]) -> tuple[str, tuple[Any, ...]]:
        return f"{column} = ANY(?)", (list(values),)

    def read_plain_instant(self, value: Any) -> dt.datetime:
        # timestamptz comes back from the driver as an aware datetime already.
        instant: dt.datetime = value
        return instant

    def begin(self, *, read_only: bool) -> str:
        if read_only:
            return "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"
        return f"BEGIN ISOLATION LEVEL {self.isolation}"

    def begin_claim(self) -> str:
        # Always READ COMMITTED, whatever the storage's isolation. The claim is the queue
        # pattern PostgreSQL's row locks are made for: FOR UPDATE SKIP LOCKED skips rows
        # another claim holds, and on a row a concurrent claim updated and committed after this
        # statement's snapshot, READ COMMITTED re-checks the WHERE clause (lease) against the
        # committed row, so two claims never share a message. Under SERIALIZABLE every claim
        # reads all due rows and writes some that the others read, so PostgreSQL refuses all but
        # one of the overlapping claims (40001, "identification as a pivot"), and under load a
        # dispatcher lost every one of its retries at random. The claim writes only the lease
        # (claimed_until, claim_token), which no unit of work decides on.
        return "BEGIN ISOLATION LEVEL READ COMMITTED"

    def is_driver_error(self, error: BaseException) -> bool:
        return isinstance(error, (psycopg.Error, psycopg_pool.PoolTimeout))

    def translate(self, error: Exception) -> Exception:
        if isinstance(error, psycopg_pool.PoolTimeout):
            return c.unavailable("pool_timeout")
        sqlstate = getattr(error, "sqlstate", None)
        if isinstance(error, pg_errors.UniqueViolation):
            name = error.diag.constraint_name or ""
            return UniqueViolation(_CONSTRAINTS.get(name, name))
        if isinstance(error, (pg_errors.SerializationFailure, pg_errors.DeadlockDetected)):
            return c.serialization_conflict(sqlstate)
        if isinstance(error, pg_errors.LockNotAvailable):
            return c.busy(0)
        if isinstance(error, psycopg.OperationalError) or (sqlstate or "").startswith("08"):
            return c.unavailable(sqlstate or type(error).__name__)
        # Driver messages can quote values (personal data): keep only the SQLSTATE.
        return StorageError(
            "Penyimpanan PostgreSQL gagal menjalankan perintah.",
            "PostgreSQL storage failed to run a statement.",
            code="database_error",
            details={"sqlstate": sqlstate, "driver_error": type(error).__name__},
        )

    def table_exists(self, conn: Any, table: str) -> bool:
        row = conn.execute(
            "SELECT 1 FROM information_schema.tables WHERE table_schema = %s AND table_name = %s",
            (self.schema, table),
        ).fetchone()
        return row is not None

    def run_script(self, conn: Any, script: str) -> None:
        conn.execute(script)

    def lock_name(self, uow: SqlUnitOfWork, name: str) -> None:
        # Transaction-scoped: released at commit or rollback, and by the server if the
        # connection dies. A key space of its own, apart from the migration lock.
        space = f"layanan_aduan:{self.schema}:names"
        uow.execute("SELECT pg_advisory_xact_lock(hashtext(?), hashtext(?))", (space, name))

    def lock_schema(self, conn: Any) -> None:
        conn.execute(
            "SELECT pg_advisory_xact_lock(hashtext(%s))", (f"layanan_aduan:{self.schema}",)
        )
        conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{self.schema}"')


class PostgresStorage(SqlStorage):
    """
    Reports, outbox and inbox in a PostgreSQL database, through a connection pool.

    Build it with :meth:`open`; use it as a context manager or call :meth:`close`. Thread-safe.
    """

    def __init__(
        self,
        dsn: str,
        *,
        schema: str = "public",
        isolation: str = "read committed",
        min_size: int = 1,
        max_size: int = 10,
        timeout: float = 10.0,
        migrations: Sequence[Migration] | None = None,
        cipher: FieldCipher | None = None,
    ) -> None:
        super().__init__(cipher)
        if not _SCHEMA_NAME.fullmatch(schema):
            raise StorageInputError(
                "Nama skema harus huruf kecil, angka dan garis bawah.",
                "The schema name must be lowercase letters, digits and underscores.",
                code="invalid_schema_name",
                field="schema",
            )
        if isolation not in _ISOLATION:
            raise StorageInputError(
                "Tingkat isolasi harus 'read committed' atau 'serializable'.",
                "The isolation level must be 'read committed' or 'serializable'.",
                code="invalid_isolation",
                field="isolation",
            )
        self._dsn = dsn
        self.schema = schema
        self.isolation = isolation
        self._dialect = _PostgresDialect(schema, _ISOLATION[isolation])
        self._migrations = tuple(shipped("postgres") if migrations is None else migrations)
        self._timeout = timeout
        self._pool = psycopg_pool.ConnectionPool(
            dsn,
            min_size=min_size,
            max_size=max_size,
            timeout=timeout,
            open=False,
            check=psycopg_pool.ConnectionPool.check_connection,
            kwargs={"autocommit": True, "options": f"-c search_path={schema}"},
            name="layanan-aduan",
        )

    @classmethod
    def open(
        cls,
        dsn: str,
        *,
        schema: str = "public",
        isolation: str = "read committed",
        min_size: int = 1,
        max_size: int = 10,
        timeout: float = 10.0,
        migrations: Sequence[Migration] | None = None,
        cipher: FieldCipher | None = None,
    ) -> PostgresStorage:
        """
        Connect to the database at ``dsn`` and bring the schema up to date.

        Args:
            dsn: A libpq connection string or URL. Never logged: it may hold a password.
            schema: The PostgreSQL schema that holds the tables (created if missing).
            isolation: ``"read committed"`` (default) or ``"serializable"`` for writers.
            min_size: Connections the pool keeps open.
            max_size: Connections the pool may open.
            timeout: Seconds to wait for a connection before ``StorageUnavailableError``.
            migrations: The schema migrations to apply (default: the ones shipped).
            cipher: What seals personal data at rest and makes its blind indexes
                (:class:`~layanan_aduan.adapters.field_cipher.AesGcmFieldCipher` with a
                personal-data key); without one, :class:`PlainFieldCipher` keeps it readable.

        Raises:
            SchemaVersionError: The schema is from a newer library version, or not ours.
            StorageUnavailableError: The server cannot be reached.
        """
        storage = cls(
            dsn,
            schema=schema,
            isolation=isolation,
            min_size=min_size,
            max_size=max_size,
            timeout=timeout,
            migrations=migrations,
            cipher=cipher,
        )
        try:
            storage._pool.open(wait=True, timeout=timeout)
        except (psycopg.Error, psycopg_pool.PoolTimeout) as e:
            storage._pool.close()
            raise c.unavailable("connect") from e
        storage._start()
        return storage

    def __repr__(self) -> str:
        # The DSN may carry a password: never shown.
        return f"PostgresStorage(schema={self.schema!r}, closed={self._closed})"

    def drop_schema(self) -> None:
        """
        Delete every table of this storage (``DROP SCHEMA ... CASCADE``; ``public`` is refused).

        For tests and throwaway storages; the storage is closed afterwards.
        """
        if self.schema == "public":
            raise StorageInputError(
                "Skema public tidak dihapus.",
                "The public schema is not dropped.",
                code="invalid_schema_name",
                field="schema",
            )
        with self.unit_of_work() as uow:
            uow.execute(f'DROP SCHEMA "{self.schema}" CASCADE')
            uow.commit()
        self.close()

    def _acquire(self) -> Any:
        try:
            return self._pool.getconn()
        except (psycopg.Error, psycopg_pool.PoolTimeout) as e:
            raise self._dialect.translate(e) from e

    def _release(self, conn: Any, *, broken: bool) -> None:
        if broken and not conn.closed:
            conn.close()
        self._pool.putconn(conn)

    def _close_connections(self) -> None:
        self._pool.close()
