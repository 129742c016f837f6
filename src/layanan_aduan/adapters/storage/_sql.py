"""
The SQL shared by the SQLite and PostgreSQL adapters.

Both speak the same schema (``migrations/``) and the same statements; a :class:`Dialect` supplies
what differs: placeholders, how instants and booleans travel, row locks, transaction statements
and the translation of driver errors. SQL here is written with ``?`` placeholders.
"""

from __future__ import annotations

import abc
import contextlib
import datetime as dt
import threading
from collections.abc import Callable, Iterator, Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self, TypeVar

import pendulum

from layanan_aduan.adapters.field_cipher import PlainFieldCipher
from layanan_aduan.adapters.storage import _common as c
from layanan_aduan.adapters.storage._logins import SqlLoginFailures
from layanan_aduan.adapters.storage._migrations import (
    SCHEMA_TABLE,
    Migration,
    check_sequence,
    read_version,
    schema_unreadable,
    too_new,
    unknown_schema,
)
from layanan_aduan.adapters.storage._retention import SqlRetentionRuns
from layanan_aduan.adapters.storage._webhooks import SqlReceivedWebhooks
from layanan_aduan.exceptions import ConcurrencyConflictError, StorageError
from layanan_aduan.ports import (
    FieldCipher,
    OutboxMessage,
    OutboxStatus,
    Page,
    PersonalErasure,
    ReportEvents,
    ReportProjection,
    ReportSummary,
    ReportTimeline,
    SenderActivity,
    SlaDue,
    StoredReport,
)

if TYPE_CHECKING:
    from layanan_aduan.adapters.storage._staff import SqlStaffDirectory

_REPORT_COLUMNS = (
    "position, report_id, version, state, number, office, reporter_phone, reporter_user_id, "
    "received_at, updated_at, head_hash, sla_deadline, sla_at_risk_from, sla_breached_from, "
    "sla_paused, sla_stopped, kind, head_signature, head_key_id, calendar_fingerprint, "
    "sla_stopped_at"
)
# The projection's columns, in the order of ``_projection_params`` and of ``_REPORT_COLUMNS[3:]``.
_PROJECTION_COLUMNS = tuple(column.strip() for column in _REPORT_COLUMNS.split(",")[3:])
# Dispatcher calls retry PostgreSQL serialization failures this many times in all.
_DISPATCH_ATTEMPTS = 5

T = TypeVar("T")

# Statements after which a report row read earlier in the unit of work may be out of date.
_ROW_CHANGING = ("UPDATE", "DELETE", "ROLLBACK")

_OUTBOX_COLUMNS = (
    "position, key, report_id, payload, created_at, status, attempts, next_attempt_at, "
    "claimed_until, last_error, sent_at, office, claim_token, provider_message_id"
)


class UniqueViolation(Exception):
    """
    A unique constraint refused a write; ``tag`` names it as ``table.column``.
    """

    def __init__(self, tag: str) -> None:
        super().__init__(tag)
        self.tag = tag


class Dialect(abc.ABC):
    """
    What differs between SQL databases.
    """

    name: str
    for_update: str = ""
    skip_locked: str = ""
    #: True when a writing transaction holds the database's write lock from its first
    #: statement (SQLite's ``BEGIN IMMEDIATE``): no other writer can change a row it has read,
    #: so a step may write from the report row its own load read instead of reading it again.
    writer_holds_lock: bool = False

    @abc.abstractmethod
    def sql(self, text: str) -> str:
        """
        Adapt ``?`` placeholders to the driver's.
        """

    @abc.abstractmethod
    def instant(self, value: pendulum.DateTime) -> Any:
        """
        An instant as a statement parameter.
        """

    @abc.abstractmethod
    def read_instant(self, value: Any) -> pendulum.DateTime:
        """
        An instant read from a row.
        """

    @abc.abstractmethod
    def begin(self, *, read_only: bool) -> str:
        """
        The statement that starts a transaction.
        """

    def begin_claim(self) -> str:
        """
        The statement that starts an outbox claim (``claim_due``): a writing transaction.

        A database whose row locks re-check the claim's conditions against the newest committed
        row (PostgreSQL at ``READ COMMITTED``) overrides this, so that concurrent claims skip
        each other's rows instead of refusing each other.
        """
        return self.begin(read_only=False)

    @abc.abstractmethod
    def translate(self, error: Exception) -> Exception:
        """
        Our error for a driver error (a :class:`UniqueViolation` for unique constraints).
        """

    @abc.abstractmethod
    def is_driver_error(self, error: BaseException) -> bool:
        """
        True for the driver's own exceptions.
        """

    @abc.abstractmethod
    def table_exists(self, conn: Any, table: str) -> bool:
        """
        True when ``table`` exists where this storage keeps its tables.
        """

    @abc.abstractmethod
    def run_script(self, conn: Any, script: str) -> None:
        """
        Run a migration script inside the current transaction.
        """

    def lock_name(self, uow: SqlUnitOfWork, name: str) -> None:
        """
        Hold a named exclusive lock until the transaction ends (see ``UnitOfWork.lock``). The
        default suits a dialect whose writers are serialised already.
        """
        return

    @abc.abstractmethod
    def lock_schema(self, conn: Any) -> None:
        """
        Serialise concurrent migrators inside the migration transaction (if needed).
        """

    #: How many values one :meth:`any_of` condition takes.
    any_of_chunk: int = 900

    def any_of(self, column: str, values: Sequence[Any]) -> tuple[str, tuple[Any, ...]]:
        """
        A condition true when ``column`` is one of ``values`` (at most :attr:`any_of_chunk`),
        and its parameters. The default is an ``IN`` list, one placeholder a value.
        """
        return f"{column} IN ({', '.join('?' * len(values))})", tuple(values)

    #: The ``FROM`` of the event-row query, and the one column giving an event's row
    #: (:func:`layanan_aduan.domain.statistics.event_row`) from its ``payload``.
    event_rows_from: str = "report_events"
    event_row_column: str

    def read_event_rows(self, values: list[Any]) -> list[Sequence[Any]]:
        """
        The event rows from the values of :attr:`event_row_column`, in order.
        """
        return values

    def read_plain_instant(self, value: Any) -> dt.datetime:
        """
        An instant read from a row as a plain aware ``datetime`` (no pendulum object): what
        the SLA watch's bulk query compares. Dialects override it with their cheapest read.
        """
        return self.read_instant(value)

    def read_instant_or_none(self, value: Any) -> pendulum.DateTime | None:
        return None if value is None else self.read_instant(value)

    def instant_or_none(self, value: pendulum.DateTime | None) -> Any:
        return None if value is None else self.instant(value)


class SqlStorage(abc.ABC):
    """
    Base of the SQL adapters: units of work, the dispatcher's outbox, migrations, health check.
    """

    _dialect: Dialect
    _migrations: tuple[Migration, ...]

    def __init__(self, cipher: FieldCipher | None = None) -> None:
        self.cipher: FieldCipher = PlainFieldCipher() if cipher is None else cipher
        self._closed = True
        self._outbox = SqlOutbox(self)
        self._webhooks = SqlReceivedWebhooks(self)
        self._login_failures = SqlLoginFailures(self)
        self._retention_runs = SqlRetentionRuns(self)
        self._close_lock = threading.Lock()

    # -- connections, supplied by each adapter --------------------------------------------------

    @abc.abstractmethod
    def _acquire(self) -> Any:
        """
        A connection in autocommit mode, for one unit of work.
        """

    @abc.abstractmethod
    def _release(self, conn: Any, *, broken: bool) -> None:
        """
        Give a connection back (``broken``: it failed mid-transaction, discard it).
        """

    @abc.abstractmethod
    def _close_connections(self) -> None:
        """
        Close every connection.
        """

    # -- public surface ---------------------------------------------------------------------------

    def unit_of_work(self, *, read_only: bool = False) -> SqlUnitOfWork:
        """
        Start a unit of work (see :class:`layanan_aduan.ports.UnitOfWork`).
        """
        self._check_open()
        return SqlUnitOfWork(self, read_only=read_only)

    @property
    def outbox(self) -> SqlOutbox:
        """
        The dispatcher's view of the outbox (see :class:`layanan_aduan.ports.Outbox`).
        """
        return self._outbox

    @property
    def login_failures(self) -> SqlLoginFailures:
        """
        The console's failed logins (see :class:`layanan_aduan.ports.passwords.LoginFailures`).
        """
        return self._login_failures

    @property
    def webhooks(self) -> SqlReceivedWebhooks:
        """
        The webhook bodies received (see :class:`layanan_aduan.ports.ReceivedWebhooks`).
        """
        return self._webhooks

    @property
    def retention_runs(self) -> SqlRetentionRuns:
        """
        The record of retention runs (see :class:`layanan_aduan.ports.RetentionRuns`).
        """
        return self._retention_runs

    def sealed_by_key(self) -> dict[str, int]:
        """
        How many stored values each key id seals (see :class:`~layanan_aduan.ports.Resealable`).
        """
        cipher = self.cipher
        counts: dict[str, int] = {}
        with self.unit_of_work(read_only=True) as uow:
            for key_id, n in uow.execute(
                "SELECT key_id, count(*) FROM report_personal GROUP BY key_id"
            ).fetchall():
                counts[str(key_id)] = counts.get(str(key_id), 0) + int(n)
            for (payload,) in uow.execute("SELECT payload FROM outbox").fetchall():
                key_id = "plain" if payload.startswith("{") else cipher.sealed_key_id(payload)
                counts[key_id] = counts.get(key_id, 0) + 1
        return counts

    def unindexed_reporters(self, *, limit: int = 500) -> list[str]:
        """
        Reports whose reporter keys are not indexed under the current key (see
        :class:`~layanan_aduan.ports.Resealable`).
        """
        cipher = self.cipher
        if not cipher.encrypts:
            return []
        prefix = f"{cipher.key_id}:%"
        with self.unit_of_work(read_only=True) as uow:
            rows = uow.execute(
                "SELECT report_id FROM reports WHERE (reporter_phone IS NOT NULL AND "
                "reporter_phone NOT LIKE ?) OR (reporter_user_id IS NOT NULL AND "
                "reporter_user_id NOT LIKE ?) ORDER BY position LIMIT ?",
                (prefix, prefix, limit),
            ).fetchall()
        return [str(r[0]) for r in rows]

    def reseal_personal(self, *, batch: int = 500) -> int:
        """
        Re-seal up to ``batch`` vault entries and outbox payloads not sealed under the current
        key, in one unit of work (see :class:`~layanan_aduan.ports.Resealable`).
        """
        cipher = self.cipher
        if not cipher.encrypts:
            return 0
        current = cipher.key_id
        done = 0
        with self.unit_of_work() as uow:
            rows = uow.execute(
                "SELECT report_id, seq, sealed FROM report_personal WHERE key_id <> ? "
                "ORDER BY report_id, seq LIMIT ?",
                (current, batch),
            ).fetchall()
            for report_id, seq, sealed in rows:
                context = c.vault_context(report_id, int(seq))
                fresh = cipher.seal(cipher.open(sealed, context), context)
                uow.execute(
                    "UPDATE report_personal SET sealed = ?, key_id = ? "
                    "WHERE report_id = ? AND seq = ?",
                    (fresh, current, report_id, seq),
                )
            done += len(rows)
            prefix = f"v1:{current}:"
            messages = uow.execute(
                "SELECT key, payload FROM outbox WHERE payload NOT LIKE ? ORDER BY position "
                "LIMIT ?",
                (prefix + "%", max(batch - done, 0)),
            ).fetchall()
            for key, payload in messages:
                text = c.open_payload_text(cipher, key, payload)
                uow.execute(
                    "UPDATE outbox SET payload = ? WHERE key = ?",
                    (c.seal_payload(cipher, key, text), key),
                )
            done += len(messages)
            uow.commit()
        return done

    def ping(self) -> None:
        """
        Health check: run ``SELECT 1``; raise ``StorageUnavailableError`` when it fails.
        """
        with self.unit_of_work(read_only=True) as uow:
            uow.execute("SELECT 1").fetchall()

    def close(self) -> None:
        """
        Close every connection; later calls raise ``StorageStateError``. Closing twice is harmless.
        """
        with self._close_lock:
            if self._closed:
                return
            self._closed = True
            self._close_connections()

    def schema_version(self) -> int:
        """
        The schema version recorded in the database.
        """
        with self.unit_of_work(read_only=True) as uow:
            row = uow.execute(f"SELECT max(version) FROM {SCHEMA_TABLE}").fetchone()  # noqa: S608 - constant
        return read_version(row[0])

    def staff_directory(self) -> SqlStaffDirectory:
        """
        The offices' staff directory kept in this database (tables ``staff_members`` and
        ``staff_assignments``; see :class:`layanan_aduan.ports.StaffRegistry`).
        """
        from layanan_aduan.adapters.storage._staff import SqlStaffDirectory

        return SqlStaffDirectory(self)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _check_open(self) -> None:
        if self._closed:
            raise c.storage_closed()

    def _start(self) -> None:
        """
        Mark the storage open and bring its schema up to date; close it again when that fails.
        """
        self._closed = False
        try:
            self._migrate(self._migrations)
        except BaseException:
            self.close()
            raise

    def _migrate(self, migrations: Sequence[Migration]) -> None:
        check_sequence(migrations)
        known = len(migrations)
        with self.unit_of_work() as uow:
            conn = uow.connection()
            d = self._dialect
            try:
                d.lock_schema(conn)
                fresh = not d.table_exists(conn, SCHEMA_TABLE)
                if fresh and d.table_exists(conn, "reports"):
                    raise unknown_schema()
                if fresh:
                    conn.execute(
                        f"CREATE TABLE {SCHEMA_TABLE} "
                        "(version INTEGER PRIMARY KEY, name TEXT NOT NULL)"
                    )
                try:
                    found = conn.execute(f"SELECT max(version) FROM {SCHEMA_TABLE}").fetchone()  # noqa: S608 - constant
                except Exception as e:
                    # A table of our name without a version column.
                    if d.is_driver_error(e):
                        raise schema_unreadable() from e
                    raise
                current = read_version(found[0])
                if current > known:
                    raise too_new(current, known)
                for m in migrations[current:]:
                    d.run_script(conn, m.sql)
                    conn.execute(
                        d.sql(f"INSERT INTO {SCHEMA_TABLE} (version, name) VALUES (?, ?)"),  # noqa: S608 - constant
                        (m.version, m.name),
                    )
            except StorageError:
                raise
            except Exception as e:
                if d.is_driver_error(e):
                    raise _plain(d.translate(e)) from e
                raise
            uow.commit()


def _plain(error: Exception) -> Exception:
    """
    A unique violation outside the places that expect one is an ordinary storage error.
    """
    if isinstance(error, UniqueViolation):
        return StorageError(
            "Penyimpanan menolak data ganda.",
            "The storage refused duplicate data.",
            code="unique_violation",
            details={"constraint": error.tag},
        )
    return error


class SqlUnitOfWork:
    """
    One database transaction on one connection (see :class:`layanan_aduan.ports.UnitOfWork`).
    """

    def __init__(self, storage: SqlStorage, *, read_only: bool, claim: bool = False) -> None:
        self._storage = storage
        self._dialect = storage._dialect
        self.read_only = read_only
        self._claim = claim  # an outbox claim: started by Dialect.begin_claim
        self._conn: Any = None
        self._finished = False
        self._broken = False
        self._savepoints = 0
        self._reports = SqlReportRepository(self)
        self._outbox = SqlOutboxWriter(self)
        self._inbox = SqlInbox(self)

    @property
    def reports(self) -> SqlReportRepository:
        return self._reports

    @property
    def outbox(self) -> SqlOutboxWriter:
        return self._outbox

    @property
    def inbox(self) -> SqlInbox:
        return self._inbox

    def __enter__(self) -> Self:
        self._storage._check_open()
        conn = self._storage._acquire()
        try:
            d = self._dialect
            conn.execute(d.begin_claim() if self._claim else d.begin(read_only=self.read_only))
        except Exception as e:
            self._storage._release(conn, broken=True)
            if self._dialect.is_driver_error(e):
                raise _plain(self._dialect.translate(e)) from e
            raise
        self._conn = conn
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if not self._finished:
            self.rollback()

    def connection(self) -> Any:
        """
        The open connection (checked: not finished).
        """
        if self._finished:
            raise c.unit_finished()
        if self._conn is None:
            raise c.unit_not_started()
        return self._conn

    def lock(self, name: str) -> None:
        c.check_text(name, "name")
        self.check_writable()
        self._dialect.lock_name(self, name)

    def check_writable(self) -> None:
        self.connection()
        if self.read_only:
            raise c.read_only()

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        """
        Run one statement; driver errors come out translated.
        """
        conn = self.connection()
        if sql.startswith(_ROW_CHANGING):
            self._reports.forget_rows()
        try:
            return conn.execute(self._dialect.sql(sql), tuple(params))
        except Exception as e:
            if self._dialect.is_driver_error(e):
                raise self._dialect.translate(e) from e
            raise

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        conn = self.connection()
        if sql.startswith(_ROW_CHANGING):
            self._reports.forget_rows()
        try:
            conn.cursor().executemany(self._dialect.sql(sql), [tuple(r) for r in rows])
        except Exception as e:
            if self._dialect.is_driver_error(e):
                raise self._dialect.translate(e) from e
            raise

    @contextlib.contextmanager
    def savepoint(self) -> Iterator[None]:
        """
        Undo everything inside the block when it raises, keeping the transaction usable.
        """
        self._savepoints += 1
        name = f"sp{self._savepoints}"
        self.execute(f"SAVEPOINT {name}")
        try:
            yield
        except BaseException:
            with contextlib.suppress(StorageError, UniqueViolation):
                self.execute(f"ROLLBACK TO SAVEPOINT {name}")
                self.execute(f"RELEASE SAVEPOINT {name}")
            raise
        self.execute(f"RELEASE SAVEPOINT {name}")

    def commit(self) -> None:
        """
        Commit; on failure everything is rolled back and the error is raised.
        """
        self.connection()
        try:
            self.execute("COMMIT")
        except BaseException as e:
            self._broken = True
            self.rollback()
            if isinstance(e, UniqueViolation):
                raise _plain(e) from e
            raise
        self._finish()

    def rollback(self) -> None:
        """
        Roll back and give the connection back; harmless when already finished.
        """
        if self._finished or self._conn is None:
            self._finished = True
            return
        try:
            self._conn.execute("ROLLBACK")
        except Exception as e:
            if not self._dialect.is_driver_error(e):
                raise
            self._broken = True
        self._finish()

    def _finish(self) -> None:
        self._finished = True
        conn, self._conn = self._conn, None
        self._storage._release(conn, broken=self._broken)


def _projection(d: Dialect, row: Sequence[Any]) -> ReportProjection:
    return ReportProjection(
        state=row[3],
        number=row[4],
        office=row[5],
        # Columns 6 and 7 hold blind indexes: lookup keys, not the reporter's data.
        received_at=d.read_instant_or_none(row[8]),
        updated_at=d.read_instant(row[9]),
        head_hash=row[10],
        sla_deadline=d.read_instant_or_none(row[11]),
        sla_at_risk_from=d.read_instant_or_none(row[12]),
        sla_breached_from=d.read_instant_or_none(row[13]),
        sla_paused=bool(row[14]),
        sla_stopped=bool(row[15]),
        kind=row[16],
        head_signature=row[17],
        head_key_id=row[18],
        calendar_fingerprint=row[19],
        sla_stopped_at=d.read_instant_or_none(row[20]),
    )


def _same(value: Any, stored: Any) -> bool:
    # Whether a column keeps its stored value: same type family and equal (``True`` is stored
    # as 1 by SQLite; an instant is compared as the driver gives it back).
    if value is None or stored is None:
        return value is None and stored is None
    return bool(value == stored)


def _projection_params(d: Dialect, p: ReportProjection, step: c.SealedStep) -> tuple[Any, ...]:
    return (
        p.state,
        p.number,
        p.office,
        step.phone_index,
        step.user_index,
        d.instant_or_none(p.received_at),
        d.instant(p.updated_at),
        p.head_hash,
        d.instant_or_none(p.sla_deadline),
        d.instant_or_none(p.sla_at_risk_from),
        d.instant_or_none(p.sla_breached_from),
        p.sla_paused,
        p.sla_stopped,
        p.kind,
        p.head_signature,
        p.head_key_id,
        p.calendar_fingerprint,
        d.instant_or_none(p.sla_stopped_at),
    )


def _received_clauses(d: Dialect, f: c.ReportFilter, clauses: list[str], params: list[Any]) -> None:
    # Instants are stored in a form whose order is time order (text on SQLite): compare them.
    if f.received_from is not None:
        clauses.append("received_at IS NOT NULL AND received_at >= ?")
        params.append(d.instant(f.received_from))
    if f.received_before is not None:
        clauses.append("received_at IS NOT NULL AND received_at < ?")
        params.append(d.instant(f.received_before))


class SqlReportRepository(c.RepositoryChecks):
    """
    Reports over SQL (see :class:`layanan_aduan.ports.ReportRepository`).
    """

    def __init__(self, uow: SqlUnitOfWork) -> None:
        self._uow = uow
        self._d = uow._dialect
        # Report rows this unit of work read, by report id, while no statement since could
        # have changed them (see ``Dialect.writer_holds_lock``): a step's save writes from the
        # row its load read, one statement fewer a step.
        self._read_rows: dict[str, Sequence[Any]] = {}

    def forget_rows(self) -> None:
        """
        Drop the report rows kept from reads (a statement may have changed them).
        """
        self._read_rows.clear()

    @property
    def _cipher(self) -> FieldCipher:
        return self._uow._storage.cipher

    def _find(self, column: str, value: str, after: int) -> StoredReport | None:
        row = self._uow.execute(
            f"SELECT {_REPORT_COLUMNS} FROM reports WHERE {column} = ?",  # noqa: S608 - constant columns
            (value,),
        ).fetchone()
        if row is None:
            return None
        report_id = row[1]
        if self._d.writer_holds_lock and not self._uow.read_only:
            self._read_rows[report_id] = row
        found = self._uow.execute(
            "SELECT e.seq, e.payload, p.sealed FROM report_events e "
            "LEFT JOIN report_personal p ON p.report_id = e.report_id AND p.seq = e.seq "
            "WHERE e.report_id = ? AND e.seq > ? ORDER BY e.seq",
            (report_id, after),
        ).fetchall()
        load = c.load_json
        events = c.open_vault(
            self._cipher,
            report_id,
            [load(r[1]) for r in found],
            after + 1,
            ((int(r[0]), r[2]) for r in found if r[2] is not None),
        )
        return StoredReport(report_id, int(row[2]), _projection(self._d, row), events)

    def _write(
        self,
        report_id: str,
        expected_version: int,
        step: c.SealedStep,
        projection: ReportProjection,
    ) -> int:
        self._uow.check_writable()
        try:
            with self._uow.savepoint():
                return self._append(report_id, expected_version, step, projection)
        except UniqueViolation as e:
            if e.tag == "reports.number" and projection.number is not None:
                raise c.duplicate_number(projection.number) from e
            # Another writer created the report or appended first (the savepoint undid ours).
            row = self._uow.execute(
                "SELECT version FROM reports WHERE report_id = ?", (report_id,)
            ).fetchone()
            actual = expected_version + 1 if row is None else int(row[0])
            raise c.conflict(report_id, expected_version, actual) from e

    def _append(
        self, report_id: str, expected: int, step: c.SealedStep, p: ReportProjection
    ) -> int:
        # Three statements a step: read the row (locked), update only the columns that changed
        # (an index whose columns are not set is not rewritten), insert the events. The unique
        # indexes on report_id, number and (report_id, seq) refuse what the reads do not check;
        # ``_write`` turns their refusal into a conflict or a duplicate number. Where the
        # writer holds the lock since the transaction began, the row the step's load read
        # (kept while nothing changed it) stands for the read: two statements a step.
        u, d = self._uow, self._d
        row = self._read_rows.pop(report_id, None)
        if row is None:
            row = u.execute(
                f"SELECT {_REPORT_COLUMNS} FROM reports WHERE report_id = ?{d.for_update}",  # noqa: S608 - constant columns
                (report_id,),
            ).fetchone()
        actual = 0 if row is None else int(row[2])
        if row is None and expected > 0:
            raise c.report_not_found("report_id", report_id)
        if actual != expected:
            raise c.conflict(report_id, expected, actual)
        encoded = step.events
        version = expected + len(encoded)
        params = _projection_params(d, p, step)
        if row is None:
            cur = u.execute(
                "INSERT INTO reports (report_id, version, state, number, office, reporter_phone, "
                "reporter_user_id, received_at, updated_at, head_hash, sla_deadline, "
                "sla_at_risk_from, sla_breached_from, sla_paused, sla_stopped, kind, "
                "head_signature, head_key_id, calendar_fingerprint, sla_stopped_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (report_id) DO NOTHING",
                (report_id, version, *params),
            )
        else:
            changed = [
                (column, value)
                for column, value, old in zip(_PROJECTION_COLUMNS, params, row[3:], strict=True)
                if not _same(value, old)
            ]
            sets = "".join(f", {column} = ?" for column, _ in changed)
            cur = u.execute(
                f"UPDATE reports SET version = ?{sets} WHERE report_id = ? AND version = ?",  # noqa: S608 - constant columns
                (version, *(value for _, value in changed), report_id, expected),
            )
        if cur.rowcount != 1:
            raise c.conflict(report_id, expected, expected + 1)
        u.executemany(
            "INSERT INTO report_events (report_id, seq, payload) VALUES (?, ?, ?)",
            [(report_id, expected + i, e) for i, e in enumerate(encoded, start=1)],
        )
        if step.personal:
            u.executemany(
                "INSERT INTO report_personal (report_id, seq, sealed, key_id) VALUES (?, ?, ?, ?)",
                [(report_id, seq, sealed, key_id) for seq, sealed, key_id in step.personal],
            )
        if step.evidence:
            u.executemany(
                "INSERT INTO report_evidence (report_id, sha256) VALUES (?, ?) "
                "ON CONFLICT (report_id, sha256) DO NOTHING",
                [(report_id, digest) for digest in sorted(step.evidence)],
            )
        return version

    def _erase(self, report_id: str) -> PersonalErasure:
        u = self._uow
        u.check_writable()
        cur = u.execute(
            "UPDATE reports SET reporter_phone = NULL, reporter_user_id = NULL WHERE report_id = ?",
            (report_id,),
        )
        if cur.rowcount != 1:
            raise c.report_not_found("report_id", report_id)
        cur = u.execute("DELETE FROM report_personal WHERE report_id = ?", (report_id,))
        erased = int(cur.rowcount)
        digests = [
            str(r[0])
            for r in u.execute(
                "DELETE FROM report_evidence WHERE report_id = ? RETURNING sha256", (report_id,)
            ).fetchall()
        ]
        orphaned = tuple(
            sorted(
                digest
                for digest in digests
                if u.execute(
                    "SELECT 1 FROM report_evidence WHERE sha256 = ? LIMIT 1", (digest,)
                ).fetchone()
                is None
            )
        )
        # Its inbox entries stay (a redelivery is still known), under a blind index of their
        # message id, which embeds the sender's number.
        cipher = self._cipher
        for (message_id,) in u.execute(
            "SELECT message_id FROM inbox WHERE report_id = ?", (report_id,)
        ).fetchall():
            u.execute(
                "UPDATE inbox SET message_id = ? WHERE message_id = ?",
                (cipher.blind_index(message_id, c.MESSAGE_INDEX), message_id),
            )
        # Its notifications held the reporter's number and words: kept as a record that they
        # were sent, without them; one still pending is given up.
        u.execute(
            "UPDATE outbox SET payload = ?, provider_message_id = NULL, claimed_until = NULL, "
            "claim_token = NULL, last_error = CASE WHEN status = 'pending' THEN ? "
            "ELSE last_error END, status = CASE WHEN status = 'pending' THEN 'dead' "
            "ELSE status END WHERE report_id = ?",
            (c.canonical_json(c.ERASED_PAYLOAD, "payload"), c.ERASED_ERROR, report_id),
        )
        return PersonalErasure(erased, orphaned)

    def _sla_due(self, at: pendulum.DateTime, office: str | None) -> tuple[SlaDue, ...]:
        # Three narrow columns through the SLA indexes on (office, instant); instants are read
        # as plain datetimes: no projection, no pendulum object per row.
        d = self._d
        t = d.instant(at)
        of_office = "" if office is None else "office = ? AND "
        rows = self._uow.execute(
            "SELECT report_id, sla_at_risk_from, sla_breached_from FROM reports "  # noqa: S608 - constant clause
            f"WHERE {of_office}(sla_at_risk_from <= ? OR sla_breached_from <= ?) "
            "ORDER BY position",
            (*(() if office is None else (office,)), t, t),
        ).fetchall()
        read = d.read_plain_instant
        return tuple(
            SlaDue(
                r[0],
                None if r[1] is None else read(r[1]),
                None if r[2] is None else read(r[2]),
            )
            for r in rows
        )

    def _add_audit(self, report_id: str, text: str, recorded_at: pendulum.DateTime) -> int:
        u = self._uow
        u.check_writable()
        if u.execute("SELECT 1 FROM reports WHERE report_id = ?", (report_id,)).fetchone() is None:
            raise c.report_not_found("report_id", report_id)
        row = u.execute(
            "INSERT INTO report_audit (report_id, seq, recorded_at, payload) "
            "SELECT ?, COALESCE(MAX(seq), 0) + 1, ?, ? FROM report_audit WHERE report_id = ? "
            "RETURNING seq",
            (report_id, self._d.instant(recorded_at), text, report_id),
        ).fetchone()
        return int(row[0])

    def _audit(self, report_id: str) -> list[tuple[int, pendulum.DateTime, str]]:
        rows = self._uow.execute(
            "SELECT seq, recorded_at, payload FROM report_audit WHERE report_id = ? ORDER BY seq",
            (report_id,),
        ).fetchall()
        return [(int(r[0]), self._d.read_instant(r[1]), r[2]) for r in rows]

    def _next_number(self, office: str, year: int) -> int:
        self._uow.check_writable()
        row = self._uow.execute(
            "INSERT INTO report_counters (office, year, last_value) VALUES (?, ?, 1) "
            "ON CONFLICT (office, year) DO UPDATE SET last_value = report_counters.last_value + 1 "
            "RETURNING last_value",
            (office, year),
        ).fetchone()
        return int(row[0])

    def _select(self, f: c.ReportFilter, limit: int, start: int) -> Page[ReportSummary]:
        rows = self._rows(f, limit, start)
        items = tuple(ReportSummary(r[1], int(r[2]), _projection(self._d, r)) for r in rows[:limit])
        cursor = c.encode_cursor(int(rows[limit - 1][0])) if len(rows) > limit else None
        return Page(items, cursor)

    def _select_events(self, f: c.ReportFilter, limit: int, start: int) -> Page[ReportEvents]:
        fetched = self._rows(f, limit, start, columns="position, report_id")
        rows = fetched[:limit]
        events: dict[str, list[dict[str, Any]]] = {r[1]: [] for r in rows}
        if rows:
            marks = ", ".join("?" for _ in rows)
            found = self._uow.execute(
                f"SELECT report_id, payload FROM report_events WHERE report_id IN ({marks}) "  # noqa: S608 - placeholders only
                "ORDER BY report_id, seq",
                [r[1] for r in rows],
            ).fetchall()
            load = c.load_json
            for report_id, payload in found:
                events[report_id].append(load(payload))
        items = tuple(ReportEvents(r[1], tuple(events[r[1]])) for r in rows)
        cursor = c.encode_cursor(int(rows[-1][0])) if len(fetched) > limit else None
        return Page(items, cursor)

    def _select_timelines(self, f: c.ReportFilter, limit: int, start: int) -> Page[ReportTimeline]:
        # Only the few values statistics read, extracted by the database from each event's
        # JSON: no whole event crosses into Python, no dict per event.
        d = self._d
        fetched = self._rows(f, limit, start, columns="position, report_id")
        rows = fetched[:limit]
        found: dict[str, list[Sequence[Any]]] = {r[1]: [] for r in rows}
        ids = [r[1] for r in rows]
        for i in range(0, len(ids), d.any_of_chunk):
            condition, params = d.any_of("report_id", ids[i : i + d.any_of_chunk])
            fetched_rows = self._uow.execute(
                f"SELECT report_id, {d.event_row_column} FROM {d.event_rows_from} "  # noqa: S608 - constant clauses
                f"WHERE {condition} ORDER BY report_id, seq",
                params,
            ).fetchall()
            values = d.read_event_rows([r[1] for r in fetched_rows])
            for (report_id, _), row in zip(fetched_rows, values, strict=True):
                found[report_id].append(row)
        items = tuple(ReportTimeline(r[1], tuple(found[r[1]])) for r in rows)
        cursor = c.encode_cursor(int(rows[-1][0])) if len(fetched) > limit else None
        return Page(items, cursor)

    def _rows(
        self, f: c.ReportFilter, limit: int, start: int, *, columns: str = _REPORT_COLUMNS
    ) -> list[Any]:
        d = self._d
        clauses = ["position > ?"]
        params: list[Any] = [start]
        if f.office is not None:
            clauses.append("office = ?")
            params.append(f.office)
        if f.state is not None:
            clauses.append("state = ?")
            params.append(f.state)
        reporter = [
            (column, keys)
            for column, keys in (("reporter_phone", f.phone), ("reporter_user_id", f.user_id))
            if keys is not None
        ]
        if reporter:
            clauses.append(
                "("
                + " OR ".join(
                    f"{column} IN ({', '.join('?' for _ in keys)})" for column, keys in reporter
                )
                + ")"
            )
            params += [key for _, keys in reporter for key in keys]
        if f.at_risk_at is not None:
            t = d.instant(f.at_risk_at)
            clauses.append(
                "sla_at_risk_from IS NOT NULL AND sla_at_risk_from <= ? "
                "AND (sla_breached_from IS NULL OR sla_breached_from > ?)"
            )
            params += [t, t]
        if f.breached_at is not None:
            clauses.append("sla_breached_from IS NOT NULL AND sla_breached_from <= ?")
            params.append(d.instant(f.breached_at))
        if f.kind is not None:
            clauses.append("kind = ?")
            params.append(f.kind)
        if f.open_only:
            clauses.append("sla_stopped = ?")
            params.append(False)
        if f.due_before is not None:
            clauses.append("sla_stopped = ? AND sla_deadline IS NOT NULL AND sla_deadline < ?")
            params += [False, d.instant(f.due_before)]
        if f.stale_for is not None:
            clauses.append("(calendar_fingerprint IS NULL OR calendar_fingerprint <> ?)")
            params.append(f.stale_for)
        _received_clauses(d, f, clauses, params)
        rows: list[Any] = self._uow.execute(
            f"SELECT {columns} FROM reports WHERE {' AND '.join(clauses)} "  # noqa: S608 - columns and clauses are constants, values are parameters
            "ORDER BY position LIMIT ?",
            (*params, limit + 1),
        ).fetchall()
        return rows


def _message(d: Dialect, row: Sequence[Any], cipher: FieldCipher) -> OutboxMessage:
    return OutboxMessage(
        key=row[1],
        report_id=row[2],
        payload=c.load_json(c.open_payload_text(cipher, row[1], row[3])),
        created_at=d.read_instant(row[4]),
        status=OutboxStatus(row[5]),
        attempts=int(row[6]),
        next_attempt_at=d.read_instant(row[7]),
        claimed_until=d.read_instant_or_none(row[8]),
        last_error=row[9],
        sent_at=d.read_instant_or_none(row[10]),
        office=row[11],
        claim_token=row[12],
        provider_message_id=row[13],
    )


class SqlOutboxWriter(c.OutboxWriterChecks):
    """
    The outbox inside a unit of work (see :class:`layanan_aduan.ports.OutboxWriter`).
    """

    def __init__(self, uow: SqlUnitOfWork) -> None:
        self._uow = uow

    def _insert(self, message: OutboxMessage, text: str) -> bool:
        self._uow.check_writable()
        d, m = self._uow._dialect, message
        cipher = self._uow._storage.cipher
        cur = self._uow.execute(
            "INSERT INTO outbox (key, report_id, payload, created_at, status, attempts, "
            "next_attempt_at, office) VALUES (?, ?, ?, ?, 'pending', 0, ?, ?) "
            "ON CONFLICT (key) DO NOTHING",
            (
                m.key,
                m.report_id,
                c.seal_payload(cipher, m.key, text),
                d.instant(m.created_at),
                d.instant(m.next_attempt_at),
                m.office,
            ),
        )
        if cur.rowcount == 1:
            return True
        row = self._uow.execute("SELECT payload FROM outbox WHERE key = ?", (m.key,)).fetchone()
        if row is None or c.open_payload_text(cipher, m.key, row[0]) != text:
            raise c.idempotency_conflict(m.key)
        return False


class SqlInbox(c.InboxChecks):
    """
    Handled inbound message ids (see :class:`layanan_aduan.ports.Inbox`).
    """

    def __init__(self, uow: SqlUnitOfWork) -> None:
        self._uow = uow

    @property
    def _cipher(self) -> FieldCipher:
        return self._uow._storage.cipher

    def _record(  # noqa: PLR0917 - the checked arguments of record() in order
        self,
        message_id: str,
        instant: pendulum.DateTime,
        report_id: str | None,
        office: str | None,
        sender: str | None,
        throttled: bool,
    ) -> bool:
        self._uow.check_writable()
        cur = self._uow.execute(
            "INSERT INTO inbox (message_id, report_id, received_at, office, sender, throttled) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (message_id) DO NOTHING",
            (message_id, report_id, self._uow._dialect.instant(instant), office, sender, throttled),
        )
        return bool(cur.rowcount == 1)

    def _activity(
        self, sender: str, since: pendulum.DateTime, office: str | None
    ) -> SenderActivity:
        # The index inbox_sender (office, sender, received_at) answers it.
        of_office = "" if office is None else "office = ? AND "
        sql = (
            "SELECT count(*), COALESCE(SUM(CASE WHEN throttled THEN 1 ELSE 0 END), 0) "  # noqa: S608 - a constant clause; values are parameters
            f"FROM inbox WHERE {of_office}sender = ? AND received_at > ?"
        )
        row = self._uow.execute(
            sql, (*(() if office is None else (office,)), sender, self._uow._dialect.instant(since))
        ).fetchone()
        return SenderActivity(int(row[0]), int(row[1]))

    def _report_of(self, message_id: str) -> str | None:
        row = self._uow.execute(
            "SELECT report_id FROM inbox WHERE message_id = ?", (message_id,)
        ).fetchone()
        return None if row is None else row[0]

    def _seen(self, message_id: str) -> bool:
        row = self._uow.execute("SELECT 1 FROM inbox WHERE message_id = ?", (message_id,))
        return row.fetchone() is not None


class SqlOutbox(c.OutboxChecks):
    """
    The dispatcher's outbox over SQL (see :class:`layanan_aduan.ports.Outbox`).
    """

    def __init__(self, storage: SqlStorage) -> None:
        self._storage = storage

    def _row(self, uow: SqlUnitOfWork, key: str, *, lock: bool) -> Sequence[Any]:
        lock_clause = uow._dialect.for_update if lock else ""
        row = uow.execute(
            f"SELECT {_OUTBOX_COLUMNS} FROM outbox WHERE key = ?{lock_clause}",  # noqa: S608 - constant columns
            (key,),
        ).fetchone()
        if row is None:
            raise c.outbox_not_found(key)
        return tuple(row)

    def _transact(self, work: Callable[[SqlUnitOfWork], T], *, claim: bool = False) -> T:
        """
        Run ``work`` in its own writing transaction, retrying serialization conflicts.

        Each dispatcher call is one whole transaction inside the adapter, so retrying it is safe
        (unlike a caller's unit of work, whose decisions the adapter cannot replay). ``claim``:
        the transaction is a ``claim_due`` (see :meth:`Dialect.begin_claim`).
        """
        for attempt in range(1, _DISPATCH_ATTEMPTS + 1):
            try:
                with SqlUnitOfWork(self._storage, read_only=False, claim=claim) as uow:
                    result = work(uow)
                    uow.commit()
                    return result
            except ConcurrencyConflictError as e:
                if e.code != "serialization_conflict" or attempt == _DISPATCH_ATTEMPTS:
                    raise
        raise AssertionError("unreachable: the last attempt returns or raises")

    def _claim_due(
        self,
        instant: pendulum.DateTime,
        until: pendulum.DateTime,
        limit: int,
        office: str | None,
        token: str,
    ) -> list[OutboxMessage]:
        def claim(uow: SqlUnitOfWork) -> list[OutboxMessage]:
            d = uow._dialect
            t = d.instant(instant)
            of_office = "" if office is None else "AND office = ? "
            rows = uow.execute(
                f"SELECT {_OUTBOX_COLUMNS} FROM outbox WHERE status = 'pending' {of_office}"  # noqa: S608 - constant columns and clauses
                "AND next_attempt_at <= ? AND (claimed_until IS NULL OR claimed_until <= ?) "
                f"ORDER BY next_attempt_at, position LIMIT ?{d.skip_locked}",
                (*(() if office is None else (office,)), t, t, limit),
            ).fetchall()
            lease = d.instant(until)
            uow.executemany(
                "UPDATE outbox SET claimed_until = ?, claim_token = ? WHERE key = ?",
                [(lease, token, r[1]) for r in rows],
            )
            return [
                _message(d, (*r[:8], lease, *r[9:12], token, *r[13:]), self._storage.cipher)
                for r in rows
            ]

        return self._transact(claim, claim=True)

    def _renew(self, key: str, token: str, until: pendulum.DateTime) -> bool:
        def renew(uow: SqlUnitOfWork) -> bool:
            # One conditional update: it cannot interleave with another dispatcher's claim.
            cursor = uow.execute(
                "UPDATE outbox SET claimed_until = ? "
                "WHERE key = ? AND status = 'pending' AND claim_token = ?",
                (uow._dialect.instant(until), key, token),
            )
            if cursor.rowcount == 1:
                return True
            self._row(uow, key, lock=False)  # raises when there is no such message
            return False

        return self._transact(renew)

    def _mark_sent(
        self, key: str, instant: pendulum.DateTime, provider_message_id: str | None
    ) -> OutboxMessage:
        def sent(uow: SqlUnitOfWork) -> OutboxMessage:
            row = self._row(uow, key, lock=True)
            outcome = c.sent_outcome(OutboxStatus(row[5]), row[13], provider_message_id)
            if outcome == "keep":
                return _message(uow._dialect, row, self._storage.cipher)
            if outcome == "fill":
                uow.execute(
                    "UPDATE outbox SET provider_message_id = ? WHERE key = ?",
                    (provider_message_id, key),
                )
            else:
                uow.execute(
                    "UPDATE outbox SET status = 'sent', sent_at = ?, claimed_until = NULL, "
                    "claim_token = NULL, provider_message_id = ? WHERE key = ?",
                    (uow._dialect.instant(instant), provider_message_id, key),
                )
            return _message(uow._dialect, self._row(uow, key, lock=False), self._storage.cipher)

        return self._transact(sent)

    def _by_provider_id(self, provider_message_id: str, office: str | None) -> OutboxMessage | None:
        # The index outbox_provider_message (office, provider_message_id) answers it.
        of_office = "" if office is None else "office = ? AND "
        with self._storage.unit_of_work(read_only=True) as uow:
            row = uow.execute(
                f"SELECT {_OUTBOX_COLUMNS} FROM outbox "  # noqa: S608 - constant columns and clause
                f"WHERE {of_office}provider_message_id = ? ORDER BY position DESC LIMIT 1",
                (*(() if office is None else (office,)), provider_message_id),
            ).fetchone()
            return None if row is None else _message(uow._dialect, row, self._storage.cipher)

    def _mark_failed(
        self,
        key: str,
        text: str,
        nxt: pendulum.DateTime | None,
        max_attempts: int,
        token: str | None,
    ) -> OutboxMessage:
        def failed(uow: SqlUnitOfWork) -> OutboxMessage:
            d = uow._dialect
            row = self._row(uow, key, lock=True)
            if not c.failure_outcome(key, OutboxStatus(row[5]), row[12], token):
                return _message(d, row, self._storage.cipher)
            attempts = int(row[6]) + 1
            dead = nxt is None or attempts >= max_attempts
            uow.execute(
                "UPDATE outbox SET attempts = ?, last_error = ?, claimed_until = NULL, "
                "claim_token = NULL, status = ?, next_attempt_at = ? WHERE key = ?",
                (
                    attempts,
                    text,
                    (OutboxStatus.DEAD if dead else OutboxStatus.PENDING).value,
                    row[7] if nxt is None else d.instant(nxt),
                    key,
                ),
            )
            return _message(d, self._row(uow, key, lock=False), self._storage.cipher)

        return self._transact(failed)

    def _list(
        self,
        status: OutboxStatus | None,
        office: str | None,
        limit: int,
        start: int,
        report_id: str | None,
    ) -> Page[OutboxMessage]:
        clauses: list[str] = ["position > ?"]
        params: list[Any] = [start]
        if report_id is not None:
            # Read through the index on (report_id, position): the report's rows only.
            clauses.insert(0, "report_id = ?")
            params.insert(0, report_id)
        if status is not None:
            clauses.append("status = ?")
            params.append(status.value)
        if office is not None:
            clauses.append("office = ?")
            params.append(office)
        with self._storage.unit_of_work(read_only=True) as uow:
            rows = uow.execute(
                f"SELECT {_OUTBOX_COLUMNS} FROM outbox WHERE {' AND '.join(clauses)} "  # noqa: S608 - constant columns and clauses
                "ORDER BY position LIMIT ?",
                (*params, limit + 1),
            ).fetchall()
            items = tuple(_message(uow._dialect, r, self._storage.cipher) for r in rows[:limit])
        cursor = c.encode_cursor(int(rows[limit - 1][0])) if len(rows) > limit else None
        return Page(items, cursor)

    def _retry(self, key: str, instant: pendulum.DateTime) -> OutboxMessage:
        def retry(uow: SqlUnitOfWork) -> OutboxMessage:
            row = self._row(uow, key, lock=True)
            status = OutboxStatus(row[5])
            if status is not OutboxStatus.DEAD:
                raise c.outbox_transition(key, status, "retry")
            if row[9] == c.ERASED_ERROR:
                raise c.erased_message(key)
            uow.execute(
                "UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = ?, "
                "claimed_until = NULL, claim_token = NULL WHERE key = ?",
                (uow._dialect.instant(instant), key),
            )
            return _message(uow._dialect, self._row(uow, key, lock=False), self._storage.cipher)

        return self._transact(retry)

    def _get(self, key: str) -> OutboxMessage:
        with self._storage.unit_of_work(read_only=True) as uow:
            return _message(uow._dialect, self._row(uow, key, lock=False), self._storage.cipher)

    def _stored_keys(self, keys: list[str]) -> frozenset[str]:
        # One read transaction, the keys asked in chunks through the unique index on key.
        found: set[str] = set()
        with self._storage.unit_of_work(read_only=True) as uow:
            d = uow._dialect
            for i in range(0, len(keys), d.any_of_chunk):
                condition, params = d.any_of("key", keys[i : i + d.any_of_chunk])
                rows = uow.execute(
                    f"SELECT key FROM outbox WHERE {condition}",  # noqa: S608 - a placeholder condition
                    params,
                ).fetchall()
                found.update(r[0] for r in rows)
        return frozenset(found)

    def _counts(self, office: str | None) -> dict[OutboxStatus, int]:
        result = dict.fromkeys(OutboxStatus, 0)
        where, params = ("", ()) if office is None else (" WHERE office = ?", (office,))
        with self._storage.unit_of_work(read_only=True) as uow:
            for status, n in uow.execute(
                f"SELECT status, count(*) FROM outbox{where} GROUP BY status",  # noqa: S608 - constant clause
                params,
            ).fetchall():
                result[OutboxStatus(status)] = int(n)
        return result
