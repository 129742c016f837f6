"""
Logging in to the officer console: who may, and the lock-out after repeated failures.

:class:`ConsoleLogin` checks a staff id and password against the office's staff directory
(the source of truth: a reporter's number, or anyone the directory does not list, cannot log
in) and a :class:`~layanan_aduan.ports.passwords.PasswordStore`. After ``max_failures``
failed logins for one staff id within ``window`` (read on the injected clock), that id is
refused with ``login_locked`` until the oldest failure of the window is ``window`` old, even
with the right password. Every refusal is logged by its code and the masked staff id only.

>>> import pendulum
>>> from layanan_aduan.adapters.staff import InMemoryStaffDirectory
>>> from layanan_aduan.clock import FixedClock
>>> from layanan_aduan.domain.staff import Assignment, StaffMember, StaffRole
>>> class Passwords:
...     def check(self, staff_id, password):
...         return password == "benar-sekali-1" if staff_id == "petugas-01" else None
>>> officer = StaffMember("petugas-01", "Rina Wulandari", phone="+6281311112222",
...                       assignments=(Assignment(StaffRole.OFFICER, "KNJP"),))
>>> clock = FixedClock(pendulum.datetime(2026, 1, 12, 2, 5, tz="UTC"))
>>> login = ConsoleLogin(InMemoryStaffDirectory({"KNJP": [officer]}), "KNJP", "Asia/Jakarta",
...                      Passwords(), clock, max_failures=2)
>>> login.log_in("petugas-01", "benar-sekali-1").staff_id
'petugas-01'
>>> for _ in range(2):
...     try:
...         login.log_in("petugas-01", "salah")
...     except ConsoleAuthError as e:
...         print(e.code)
login_failed
login_failed
>>> login.log_in("petugas-01", "benar-sekali-1")
Traceback (most recent call last):
...
layanan_aduan.exceptions.ConsoleAuthError: Terlalu banyak percobaan masuk yang gagal...
>>> clock.advance(pendulum.duration(minutes=15))
>>> login.log_in("petugas-01", "benar-sekali-1").staff_id
'petugas-01'
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import threading
from collections import deque
from typing import Final

import pendulum

from layanan_aduan.clock import Clock
from layanan_aduan.domain.staff import StaffMember, StaffRole
from layanan_aduan.exceptions import ConsoleAuthError
from layanan_aduan.ports.passwords import LoginFailures, PasswordStore
from layanan_aduan.ports.staff import StaffDirectory
from layanan_aduan.privacy import mask

__all__ = ["DEFAULT_LOCKOUT_WINDOW", "DEFAULT_MAX_FAILURES", "ConsoleLogin"]

DEFAULT_MAX_FAILURES: Final = 5
DEFAULT_LOCKOUT_WINDOW: Final = dt.timedelta(minutes=15)
_MAX_TRACKED: Final = 10_000
_STAFF_ID_MAX: Final = 64

_log = logging.getLogger("layanan_aduan.console")


def _failed() -> ConsoleAuthError:
    return ConsoleAuthError(
        "Id staf atau kata sandi salah.",
        "Wrong staff id or password.",
        code="login_failed",
        field="staff_id",
    )


class ConsoleLogin:
    """
    Checks logins to one office's console and locks out a staff id after repeated failures.
    """

    def __init__(
        self,
        staff: StaffDirectory,
        office: str,
        timezone: str,
        passwords: PasswordStore,
        clock: Clock,
        *,
        max_failures: int = DEFAULT_MAX_FAILURES,
        window: dt.timedelta = DEFAULT_LOCKOUT_WINDOW,
        failures: LoginFailures | None = None,
    ) -> None:
        self.staff = staff
        self.office = office
        self.timezone = timezone
        self.passwords = passwords
        self.clock = clock
        self.max_failures = max_failures
        self.window = window
        self._failures: dict[str, deque[pendulum.DateTime]] = {}
        self._lock = threading.Lock()
        #: Where failures are counted across processes (``None``: in this process only).
        self.shared = failures

    def _count(self, key: str, now: pendulum.DateTime) -> deque[pendulum.DateTime]:
        if self.shared is not None:
            return deque(self.shared.recent(key, after=now - self.window))
        with self._lock:
            return deque(self._recent(key, now))

    def _fail(self, key: str, now: pendulum.DateTime) -> None:
        if self.shared is not None:
            self.shared.record(key, at=now, forget_before=now - self.window)
            return
        with self._lock:
            if len(self._failures) >= _MAX_TRACKED and key not in self._failures:
                self._failures.pop(next(iter(self._failures)))
            failures = self._recent(key, now)
            failures.append(now)
            self._failures[key] = failures

    def _succeed(self, key: str) -> None:
        if self.shared is not None:
            self.shared.clear(key)
            return
        with self._lock:
            self._failures.pop(key, None)

    def _recent(self, key: str, now: pendulum.DateTime) -> deque[pendulum.DateTime]:
        failures = self._failures.get(key, deque())
        while failures and now - failures[0] >= self.window:
            failures.popleft()
        return failures

    def _refuse(self, key: str, error: ConsoleAuthError) -> ConsoleAuthError:
        _log.warning("console login refused: %s (staff %s)", error.code, mask(key))
        return error

    def roles(self, member: StaffMember) -> frozenset[StaffRole]:
        """
        The directory roles ``member`` holds in the office at the clock's instant.
        """
        return frozenset(member.roles_at(self.office, self.clock.now(), self.timezone))

    def member(self, staff_id: str) -> StaffMember | None:
        """
        The directory's member ``staff_id`` when they hold a role in the office now, else ``None``.
        """
        member = self.staff.member(self.office, staff_id)
        return member if member is not None and self.roles(member) else None

    def log_in(self, staff_id: str, password: str) -> StaffMember:
        """
        The member logging in, or refused.

        Raises:
            ConsoleAuthError: ``login_failed`` or ``login_locked``.
        """
        key = staff_id.strip()[:_STAFF_ID_MAX]
        now = self.clock.now()
        failures = self._count(key, now)
        if len(failures) >= self.max_failures:
            wait = self.window - (now - failures[-self.max_failures])
            seconds = max(1, math.ceil(wait.total_seconds()))
            raise self._refuse(
                key,
                ConsoleAuthError(
                    "Terlalu banyak percobaan masuk yang gagal; coba lagi "
                    f"{math.ceil(seconds / 60)} menit lagi.",
                    f"Too many failed logins; try again in {math.ceil(seconds / 60)} minutes.",
                    code="login_locked",
                    field="staff_id",
                    details={"retry_after_seconds": seconds},
                ),
            )
        member = self.member(key) if key else None
        ok = self.passwords.check(key, password) if member is not None else None
        if member is None or ok is not True:
            if member is None:
                # The same work as a known id: nobody learns which ids exist by the time taken.
                self.passwords.check("", password)
            self._fail(key, now)
            raise self._refuse(key, _failed())
        self._succeed(key)
        _log.info("console login: staff %s", mask(key))
        return member
