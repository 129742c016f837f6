"""
The password port: checks a staff member's console password without handing out its hash.

Adapter: :class:`layanan_aduan.adapters.passwords.PasswordFile` (a private TOML file of
staff id to scrypt hash).
"""

from __future__ import annotations

import datetime as dt
from typing import Protocol, runtime_checkable

import pendulum

__all__ = ["LoginFailures", "PasswordStore"]


@runtime_checkable
class PasswordStore(Protocol):
    """
    Port: whether a password is a staff member's console password.
    """

    def check(self, staff_id: str, password: str) -> bool | None:
        """
        ``True`` when ``password`` is the one set for ``staff_id``, ``False`` when it is
        not, ``None`` when no password is set for ``staff_id`` (the caller spends the same
        time either way: an adapter hashes a dummy then).
        """
        ...


@runtime_checkable
class LoginFailures(Protocol):
    """
    Port: the console's failed logins per staff id, shared by every process of the storage
    (so a lock-out holds whichever process serves the next attempt).

    Adapters: ``InMemoryStorage.login_failures``, ``SqliteStorage.login_failures`` and
    ``PostgresStorage.login_failures`` (the ``console_login_failures`` table).
    """

    def recent(self, staff_id: str, *, after: dt.datetime) -> list[pendulum.DateTime]:
        """
        The instants of ``staff_id``'s failures strictly after ``after``, oldest first.
        """
        ...

    def record(self, staff_id: str, *, at: dt.datetime, forget_before: dt.datetime) -> None:
        """
        Record a failure of ``staff_id`` at ``at``, forgetting every failure (of any id)
        at or before ``forget_before``.
        """
        ...

    def clear(self, staff_id: str) -> None:
        """
        Forget every failure of ``staff_id`` (after a successful login).
        """
        ...
