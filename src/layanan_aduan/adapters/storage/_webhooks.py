"""
The received-webhook store (:class:`layanan_aduan.ports.ReceivedWebhooks`) in memory and SQL.

Bodies are kept as the exact bytes received. Each call is its own transaction; the SQL one
retries a serialization conflict (every call is whole, so replaying it is safe).
"""

from __future__ import annotations

import base64
import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

import attrs
import pendulum

from layanan_aduan.adapters.storage import _common as c
from layanan_aduan.exceptions import (
    ConcurrencyConflictError,
    InvalidTypeError,
    StorageInputError,
    WebhookNotFoundError,
)
from layanan_aduan.ports.personal_data import FieldCipher
from layanan_aduan.ports.storage import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, ReceivedWebhook

if TYPE_CHECKING:
    from layanan_aduan.adapters.storage._sql import SqlStorage, SqlUnitOfWork

__all__ = ["MemoryReceivedWebhooks", "SqlReceivedWebhooks"]

T = TypeVar("T")

_ATTEMPTS = 5
_COLUMNS = "webhook_id, route, received_at, body, processed_at"


_TAG = b"layanan-aduan/"
_SEALED = _TAG + b"sealed:"
_PLAIN = _TAG + b"plain:"


def seal_body(cipher: FieldCipher, route: str, body: bytes) -> bytes:
    """
    A body as stored: sealed for its route when ``cipher`` encrypts (it holds the sender's
    number, name and words), else as received.
    """
    if not cipher.encrypts:
        # Tagged only when it could be read as tagged (a body that starts with our tag).
        return _PLAIN + body if body.startswith(_TAG) else body
    text = base64.b64encode(body).decode("ascii")
    return _SEALED + cipher.seal(text, f"received_webhooks/{route}").encode("ascii")


def open_body(cipher: FieldCipher, route: str, stored: bytes) -> bytes:
    """
    The body :func:`seal_body` stored, as received.
    """
    if stored.startswith(_PLAIN):
        return stored[len(_PLAIN) :]
    if not stored.startswith(_SEALED):
        return stored
    sealed = stored[len(_SEALED) :].decode("ascii")
    return base64.b64decode(cipher.open(sealed, f"received_webhooks/{route}"))


def _not_found(webhook_id: int) -> WebhookNotFoundError:
    return WebhookNotFoundError(
        f"Webhook yang diterima dengan id {webhook_id} tidak ditemukan.",
        f"No received webhook with id {webhook_id}.",
        field="webhook_id",
    )


def _check_record(body: object, route: object) -> bytes:
    if not isinstance(body, bytes | bytearray | memoryview):
        raise InvalidTypeError(
            "Isi webhook harus berupa bita.", "The webhook body must be bytes.", field="body"
        )
    if not isinstance(route, str) or not route or len(route) > 4096:
        raise StorageInputError(
            "Rute webhook harus teks yang tidak kosong.",
            "The webhook route must be a non-empty text.",
            field="route",
        )
    return bytes(body)


def _check_limit(limit: object) -> int:
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_PAGE_SIZE:
        raise StorageInputError(
            f"limit harus bilangan bulat 1 sampai {MAX_PAGE_SIZE}.",
            f"limit must be an integer from 1 to {MAX_PAGE_SIZE}.",
            field="limit",
        )
    return limit


def _check_id(webhook_id: object) -> int:
    if isinstance(webhook_id, bool) or not isinstance(webhook_id, int):
        raise InvalidTypeError(
            "webhook_id harus bilangan bulat.", "webhook_id must be an integer.", field="webhook_id"
        )
    return webhook_id


class MemoryReceivedWebhooks:
    """
    Received webhooks held in memory (for :class:`InMemoryStorage`); safe between threads.
    """

    def __init__(self, check_open: Callable[[], None]) -> None:
        self._check_open = check_open
        self._lock = threading.Lock()
        self._rows: dict[int, ReceivedWebhook] = {}
        self._next = 1

    def record(self, body: bytes, *, route: str, received_at: pendulum.DateTime) -> int:
        [webhook_id] = self.record_many([(body, route)], received_at=received_at)
        return webhook_id

    def record_many(
        self, bodies: Sequence[tuple[bytes, str]], *, received_at: pendulum.DateTime
    ) -> list[int]:
        checked = [(_check_record(body, route), route) for body, route in bodies]
        at = c.utc(received_at, "received_at")
        self._check_open()
        ids = []
        with self._lock:
            for data, route in checked:
                webhook_id = self._next
                self._next += 1
                self._rows[webhook_id] = ReceivedWebhook(webhook_id, route, at, data)
                ids.append(webhook_id)
        return ids

    def unprocessed(
        self, *, limit: int = DEFAULT_PAGE_SIZE, after: int | None = None
    ) -> list[ReceivedWebhook]:
        n = _check_limit(limit)
        start = 0 if after is None else _check_id(after)
        self._check_open()
        with self._lock:
            waiting = [
                w for w in self._rows.values() if w.processed_at is None and w.webhook_id > start
            ]
        return sorted(waiting, key=lambda w: w.webhook_id)[:n]

    def mark_processed(self, webhook_id: int, *, at: pendulum.DateTime) -> None:
        key = _check_id(webhook_id)
        instant = c.utc(at, "at")
        self._check_open()
        with self._lock:
            row = self._rows.get(key)
            if row is None:
                raise _not_found(key)
            if row.processed_at is None:
                self._rows[key] = attrs.evolve(row, processed_at=instant, body=b"")

    def get(self, webhook_id: int) -> ReceivedWebhook:
        key = _check_id(webhook_id)
        self._check_open()
        with self._lock:
            row = self._rows.get(key)
        if row is None:
            raise _not_found(key)
        return row

    def count(self, *, processed: bool | None = None) -> int:
        self._check_open()
        with self._lock:
            rows = list(self._rows.values())
        if processed is None:
            return len(rows)
        return sum(1 for w in rows if (w.processed_at is not None) == processed)


class SqlReceivedWebhooks:
    """
    Received webhooks in the ``received_webhooks`` table of a SQL storage.
    """

    def __init__(self, storage: SqlStorage) -> None:
        self._storage = storage

    def _transact(self, work: Callable[[SqlUnitOfWork], T]) -> T:
        for attempt in range(1, _ATTEMPTS + 1):
            try:
                with self._storage.unit_of_work() as uow:
                    result = work(uow)
                    uow.commit()
                    return result
            except ConcurrencyConflictError as e:
                if e.code != "serialization_conflict" or attempt == _ATTEMPTS:
                    raise
        raise AssertionError("unreachable: the last attempt returns or raises")

    @staticmethod
    def _row(uow: SqlUnitOfWork, row: Sequence[Any]) -> ReceivedWebhook:
        d = uow._dialect
        return ReceivedWebhook(
            webhook_id=int(row[0]),
            route=str(row[1]),
            received_at=d.read_instant(row[2]),
            body=open_body(uow._storage.cipher, str(row[1]), bytes(row[3])),
            processed_at=d.read_instant_or_none(row[4]),
        )

    def record(self, body: bytes, *, route: str, received_at: pendulum.DateTime) -> int:
        [webhook_id] = self.record_many([(body, route)], received_at=received_at)
        return webhook_id

    def record_many(
        self, bodies: Sequence[tuple[bytes, str]], *, received_at: pendulum.DateTime
    ) -> list[int]:
        checked = [(_check_record(body, route), route) for body, route in bodies]
        at = c.utc(received_at, "received_at")

        def insert(uow: SqlUnitOfWork) -> list[int]:
            instant = uow._dialect.instant(at)
            cipher = uow._storage.cipher
            ids = []
            for data, route in checked:
                row = uow.execute(
                    "INSERT INTO received_webhooks (route, received_at, body) VALUES (?, ?, ?) "
                    "RETURNING webhook_id",
                    (route, instant, seal_body(cipher, route, data)),
                ).fetchone()
                ids.append(int(row[0]))
            return ids

        return self._transact(insert)

    def unprocessed(
        self, *, limit: int = DEFAULT_PAGE_SIZE, after: int | None = None
    ) -> list[ReceivedWebhook]:
        n = _check_limit(limit)
        start = 0 if after is None else _check_id(after)
        with self._storage.unit_of_work(read_only=True) as uow:
            rows = uow.execute(
                f"SELECT {_COLUMNS} FROM received_webhooks "  # noqa: S608 - constant columns
                "WHERE processed_at IS NULL AND webhook_id > ? ORDER BY webhook_id LIMIT ?",
                (start, n),
            ).fetchall()
            return [self._row(uow, r) for r in rows]

    def mark_processed(self, webhook_id: int, *, at: pendulum.DateTime) -> None:
        key = _check_id(webhook_id)
        instant = c.utc(at, "at")

        def mark(uow: SqlUnitOfWork) -> None:
            found = uow.execute(
                "SELECT processed_at FROM received_webhooks WHERE webhook_id = ?", (key,)
            ).fetchone()
            if found is None:
                raise _not_found(key)
            uow.execute(
                "UPDATE received_webhooks SET processed_at = ?, body = ? "
                "WHERE webhook_id = ? AND processed_at IS NULL",
                (uow._dialect.instant(instant), b"", key),
            )

        self._transact(mark)

    def get(self, webhook_id: int) -> ReceivedWebhook:
        key = _check_id(webhook_id)
        with self._storage.unit_of_work(read_only=True) as uow:
            row = uow.execute(
                f"SELECT {_COLUMNS} FROM received_webhooks WHERE webhook_id = ?",  # noqa: S608 - constant columns
                (key,),
            ).fetchone()
            if row is None:
                raise _not_found(key)
            return self._row(uow, row)

    def count(self, *, processed: bool | None = None) -> int:
        where = {
            None: "",
            True: " WHERE processed_at IS NOT NULL",
            False: " WHERE processed_at IS NULL",
        }[processed]
        with self._storage.unit_of_work(read_only=True) as uow:
            row = uow.execute(f"SELECT count(*) FROM received_webhooks{where}").fetchone()  # noqa: S608 - constant clause
        return int(row[0])
