"""
The console's failed logins (:class:`layanan_aduan.ports.passwords.LoginFailures`) in memory
and in the ``console_login_failures`` table of a SQL storage.

A staff id is cut to 64 characters (as the console does); each call is its own transaction.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

import pendulum

from layanan_aduan.adapters.storage import _common as c
from layanan_aduan.exceptions import InvalidTypeError

if TYPE_CHECKING:
    from layanan_aduan.adapters.storage._sql import SqlStorage

__all__ = ["MemoryLoginFailures", "SqlLoginFailures"]

_STAFF_ID_MAX = 64


def _key(staff_id: object) -> str:
    if not isinstance(staff_id, str):
        raise InvalidTypeError(
            "Id staf harus berupa teks.",
            "The staff id must be a string.",
            code="invalid_type",
            field="staff_id",
        )
    return staff_id[:_STAFF_ID_MAX]


class MemoryLoginFailures:
    """
    Failed logins in memory (one process).
    """

    def __init__(self, check_open: Callable[[], None]) -> None:
        self._check_open = check_open
        self._rows: dict[str, list[pendulum.DateTime]] = {}
        self._lock = threading.Lock()

    def recent(self, staff_id: str, *, after: dt.datetime) -> list[pendulum.DateTime]:
        key = _key(staff_id)
        since = c.utc(after, "after")
        self._check_open()
        with self._lock:
            return sorted(t for t in self._rows.get(key, ()) if t > since)

    def record(self, staff_id: str, *, at: dt.datetime, forget_before: dt.datetime) -> None:
        key = _key(staff_id)
        instant = c.utc(at, "at")
        cutoff = c.utc(forget_before, "forget_before")
        self._check_open()
        with self._lock:
            for other in list(self._rows):
                kept = [t for t in self._rows[other] if t > cutoff]
                if kept:
                    self._rows[other] = kept
                else:
                    del self._rows[other]
            self._rows.setdefault(key, []).append(instant)

    def clear(self, staff_id: str) -> None:
        key = _key(staff_id)
        self._check_open()
        with self._lock:
            self._rows.pop(key, None)


class SqlLoginFailures:
    """
    Failed logins in the ``console_login_failures`` table of a SQL storage.
    """

    def __init__(self, storage: SqlStorage) -> None:
        self._storage = storage

    def recent(self, staff_id: str, *, after: dt.datetime) -> list[pendulum.DateTime]:
        key = _key(staff_id)
        since = c.utc(after, "after")
        with self._storage.unit_of_work(read_only=True) as uow:
            d = uow._dialect
            rows = uow.execute(
                "SELECT failed_at FROM console_login_failures WHERE staff_id = ? "
                "AND failed_at > ? ORDER BY failed_at",
                (key, d.instant(since)),
            ).fetchall()
            return [d.read_instant(r[0]) for r in rows]

    def record(self, staff_id: str, *, at: dt.datetime, forget_before: dt.datetime) -> None:
        key = _key(staff_id)
        instant = c.utc(at, "at")
        cutoff = c.utc(forget_before, "forget_before")
        with self._storage.unit_of_work() as uow:
            d = uow._dialect
            uow.execute(
                "DELETE FROM console_login_failures WHERE failed_at <= ?", (d.instant(cutoff),)
            )
            uow.execute(
                "INSERT INTO console_login_failures (staff_id, failed_at) VALUES (?, ?)",
                (key, d.instant(instant)),
            )
            uow.commit()

    def clear(self, staff_id: str) -> None:
        key = _key(staff_id)
        with self._storage.unit_of_work() as uow:
            uow.execute("DELETE FROM console_login_failures WHERE staff_id = ?", (key,))
            uow.commit()
