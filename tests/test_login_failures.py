"""
The console's failed logins shared through storage (:class:`LoginFailures`): one contract on
memory, SQLite and PostgreSQL, and a lock-out that holds across two consoles (two processes)
of one storage.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pendulum
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from layanan_aduan.adapters.staff import InMemoryStaffDirectory
from layanan_aduan.adapters.storage import InMemoryStorage, PostgresStorage, SqliteStorage
from layanan_aduan.clock import FixedClock
from layanan_aduan.domain.staff import Assignment, StaffMember, StaffRole
from layanan_aduan.exceptions import ConsoleAuthError, InvalidTypeError, NaiveDatetimeError
from layanan_aduan.ports.passwords import LoginFailures
from layanan_aduan.service_layer.console_login import ConsoleLogin
from layanan_aduan.testing.contracts import require_postgres_dsn

T0 = pendulum.datetime(2026, 1, 12, 2, 5, tz="UTC")
WINDOW = pendulum.duration(minutes=15)

Store = InMemoryStorage | SqliteStorage | PostgresStorage


@pytest.fixture(
    params=["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)],
)
def storage(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    opened: Store
    if request.param == "memory":
        opened = InMemoryStorage()
    elif request.param == "sqlite":
        opened = SqliteStorage.open(tmp_path / "aduan.db")
    else:
        opened = PostgresStorage.open(
            require_postgres_dsn(), schema=f"t_{uuid.uuid4().hex[:12]}", max_size=2
        )
    yield opened
    if isinstance(opened, PostgresStorage):
        opened.drop_schema()
    opened.close()


def test_every_storage_has_the_port(storage: Store) -> None:
    """Each storage offers login failures that satisfy the port."""
    assert isinstance(storage.login_failures, LoginFailures)


def test_failures_are_counted_per_id_within_the_window(storage: Store) -> None:
    """Recent failures are those strictly after the instant asked, oldest first, per id."""
    failures = storage.login_failures
    for minutes in (0, 5, 10):
        at = T0.add(minutes=minutes)
        failures.record("petugas-01", at=at, forget_before=at - WINDOW)
    failures.record("kasi-intel", at=T0, forget_before=T0 - WINDOW)
    assert failures.recent("petugas-01", after=T0.subtract(seconds=1)) == [
        T0,
        T0.add(minutes=5),
        T0.add(minutes=10),
    ]
    assert failures.recent("petugas-01", after=T0) == [T0.add(minutes=5), T0.add(minutes=10)]
    assert failures.recent("kasi-intel", after=T0.subtract(minutes=1)) == [T0]
    assert failures.recent("orang-lain", after=T0.subtract(minutes=1)) == []


def test_old_failures_are_forgotten_and_a_success_clears(storage: Store) -> None:
    """A new failure deletes every failure at or before its cut-off; clear forgets one id."""
    failures = storage.login_failures
    failures.record("kasi-intel", at=T0, forget_before=T0 - WINDOW)
    failures.record("petugas-01", at=T0, forget_before=T0 - WINDOW)
    later = T0.add(minutes=20)
    failures.record("petugas-01", at=later, forget_before=later - WINDOW)
    epoch = pendulum.datetime(2000, 1, 1, tz="UTC")
    assert failures.recent("petugas-01", after=epoch) == [later]
    assert failures.recent("kasi-intel", after=epoch) == []
    failures.clear("petugas-01")
    assert failures.recent("petugas-01", after=epoch) == []


def test_bad_input_is_refused(storage: Store) -> None:
    """A naive instant or a staff id that is not text is refused and nothing is stored."""
    failures = storage.login_failures
    with pytest.raises(NaiveDatetimeError):
        failures.record("petugas-01", at=T0.naive(), forget_before=T0 - WINDOW)
    with pytest.raises(InvalidTypeError):
        failures.record(7, at=T0, forget_before=T0 - WINDOW)  # type: ignore[arg-type]
    assert failures.recent("petugas-01", after=T0 - WINDOW) == []


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(offsets=st.lists(st.integers(min_value=0, max_value=3600), min_size=1, max_size=8))
def test_recent_is_the_sorted_failures_after_the_instant_in_memory(offsets: list[int]) -> None:
    """For any failures inside the window, recent returns exactly those after the instant,
    sorted (the model the SQL adapters are checked against above)."""
    failures = InMemoryStorage().login_failures
    instants = [T0.add(seconds=s) for s in offsets]
    for at in instants:
        failures.record("petugas-01", at=at, forget_before=T0.subtract(days=1))
    middle = T0.add(seconds=1800)
    assert failures.recent("petugas-01", after=middle) == sorted(t for t in instants if t > middle)


OFFICER = StaffMember(
    "petugas-01",
    "Rina Wulandari",
    phone="+6281311112222",
    assignments=(Assignment(StaffRole.OFFICER, "KNJP"),),
)


class _Passwords:
    def check(self, staff_id: str, password: str) -> bool | None:
        return password == "benar-sekali-1" if staff_id == "petugas-01" else None  # noqa: S105


def test_a_lockout_holds_in_every_console_of_one_storage(storage: Store) -> None:
    """Failures made on one console (process) lock the id on another sharing the storage,
    until the window has passed; a success then clears the count for both."""
    clock = FixedClock(T0)
    directory = InMemoryStaffDirectory({"KNJP": [OFFICER]})

    def console() -> ConsoleLogin:
        return ConsoleLogin(
            directory,
            "KNJP",
            "Asia/Jakarta",
            _Passwords(),
            clock,
            max_failures=3,
            window=WINDOW,
            failures=storage.login_failures,
        )

    first, second = console(), console()
    for login in (first, second, first):
        with pytest.raises(ConsoleAuthError) as failed:
            login.log_in("petugas-01", "salah")
        assert failed.value.code == "login_failed"
    with pytest.raises(ConsoleAuthError) as locked:
        second.log_in("petugas-01", "benar-sekali-1")
    assert locked.value.code == "login_locked"
    assert locked.value.details["retry_after_seconds"] == 15 * 60
    clock.advance(WINDOW)
    assert second.log_in("petugas-01", "benar-sekali-1").staff_id == "petugas-01"
    epoch = pendulum.datetime(2000, 1, 1, tz="UTC")
    assert storage.login_failures.recent("petugas-01", after=epoch) == []
