"""
Faults across processes, each test asserting that nothing committed was lost.

Workers are separate Python processes (tests/storage_faults/worker.py) on one SQLite file or
one PostgreSQL database: two officers racing on one report, and processes SIGKILLed inside a
unit of work, right after a commit, and at random moments of a stream of commits.
"""

from __future__ import annotations

import json
import random
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pendulum
import pytest

from layanan_aduan.adapters.holidays_id import indonesian_calendar
from layanan_aduan.adapters.storage import PostgresStorage, SqliteStorage
from layanan_aduan.domain.history import Event, verify
from layanan_aduan.domain.report import Actor, Report, ReporterDetails
from layanan_aduan.domain.worktime import WorkingTime
from layanan_aduan.ports import OutboxStatus, ReportProjection, Storage
from layanan_aduan.service_layer.report_stream import load_report, project, save_report
from layanan_aduan.testing.contracts import require_postgres_dsn

pytestmark = pytest.mark.slow

WORKER = Path(__file__).parent / "storage_faults" / "worker.py"
T0 = pendulum.datetime(2026, 1, 9, 9, tz="Asia/Jakarta")
DETAILS = ReporterDetails(name="Budi Santoso", nik="3171010101900001", phone="081234567890")
TIMEOUT = 60.0


class Backend:
    """
    One storage shared by the test and its workers, reopened at will (as after a restart).
    """

    def __init__(self, config: dict[str, Any], opener: Callable[[], Storage]) -> None:
        self.config = config
        self.open = opener


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    if request.param == "sqlite":
        path = str(tmp_path / "aduan.sqlite3")
        SqliteStorage.open(path).close()
        yield Backend({"sqlite": path}, lambda: SqliteStorage.open(path))
        with sqlite3.connect(path) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        conn.close()
        return
    dsn = require_postgres_dsn()
    schema = f"t_{uuid.uuid4().hex[:16]}"
    PostgresStorage.open(dsn, schema=schema, max_size=1).close()
    yield Backend(
        {"postgres": dsn, "schema": schema},
        lambda: PostgresStorage.open(dsn, schema=schema, max_size=2),
    )
    PostgresStorage.open(dsn, schema=schema, max_size=1).drop_schema()


@pytest.fixture(scope="module")
def working_time() -> WorkingTime:
    return WorkingTime(indonesian_calendar())


def _submit(backend: Backend, working_time: WorkingTime, rid: str = "r-1") -> None:
    report = Report.submit(
        id=rid,
        at=T0,
        actor=Actor("+6281234567890", "reporter"),
        kind="aduan",
        details=DETAILS,
        evidence=[b"%PDF-1.4\n%%EOF\n"],
    )
    with backend.open() as storage, storage.unit_of_work() as uow:
        save_report(uow.reports, report, project(report, working_time))
        uow.commit()


def _spawn(backend: Backend, tmp_path: Path, **options: Any) -> subprocess.Popen[str]:
    config = {**backend.config, "dir": str(tmp_path), "report_id": "r-1", **options}
    return subprocess.Popen(  # noqa: S603 - our own worker script, arguments we built
        [sys.executable, str(WORKER), json.dumps(config)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_for(path: Path, *workers: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + TIMEOUT
    while not path.exists():
        for w in workers:
            if w.poll() is not None:
                pytest.fail(f"worker exited early ({w.returncode}): {w.stderr.read()}")  # type: ignore[union-attr]  # stderr is a pipe
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {path.name}")
        time.sleep(0.01)


def _kill(worker: subprocess.Popen[str]) -> str:
    worker.send_signal(signal.SIGKILL)
    out, _ = worker.communicate(timeout=TIMEOUT)
    assert worker.returncode == -signal.SIGKILL
    return out


def _check_report(storage: Storage, version: int) -> None:
    """The report is at ``version`` and its history verifies (load_report verifies it)."""
    with storage.unit_of_work(read_only=True) as uow:
        report = load_report(uow.reports, "r-1")
    assert report.version == version
    assert verify(report.events, version=version, head=report.head_hash).ok


def test_two_processes_at_once_one_wins(
    backend: Backend, working_time: WorkingTime, tmp_path: Path
) -> None:
    """Two processes do step 2 on one report at once: one saves, one conflicts, one step kept."""
    _submit(backend, working_time)
    workers = [
        _spawn(backend, tmp_path, mode="race", name=n, officer=f"19680101199003100{i}")
        for i, n in enumerate(("a", "b"), start=1)
    ]
    for name in ("a", "b"):
        _wait_for(tmp_path / f"{name}.ready", *workers)
    (tmp_path / "go").touch()
    results = []
    for w in workers:
        out, err = w.communicate(timeout=TIMEOUT)
        assert w.returncode == 0, err
        results.append(out.strip())
    assert sorted(results) == ["conflict", "saved"]
    with backend.open() as storage:
        _check_report(storage, 2)
        assert storage.outbox.counts()[OutboxStatus.PENDING] == 1


def test_killed_inside_a_transaction_leaves_the_report_before_the_step(
    backend: Backend, working_time: WorkingTime, tmp_path: Path
) -> None:
    """SIGKILL after writing a step but before commit: after restart the step is wholly absent."""
    _submit(backend, working_time)
    worker = _spawn(backend, tmp_path, mode="pause")
    _wait_for(tmp_path / "paused", worker)
    _kill(worker)
    with backend.open() as storage:
        _check_report(storage, 1)
        assert storage.outbox.counts()[OutboxStatus.PENDING] == 0
        # Nothing is left locked: the step can be performed now.
        with storage.unit_of_work() as uow:
            report = load_report(uow.reports, "r-1")
            report.receive(at=T0.add(minutes=6), actor=Actor("196801011990031001", "officer"))
            save_report(uow.reports, report, project(report, working_time))
            uow.commit()
        _check_report(storage, 2)


def test_killed_right_after_commit_keeps_the_step(
    backend: Backend, working_time: WorkingTime, tmp_path: Path
) -> None:
    """SIGKILL just after a commit returned: after restart the step and its message are there."""
    _submit(backend, working_time)
    worker = _spawn(backend, tmp_path, mode="committed")
    _wait_for(tmp_path / "committed", worker)
    assert _kill(worker).strip() == "saved"
    with backend.open() as storage:
        _check_report(storage, 2)
        assert storage.outbox.get("step:r-1:2").payload == {"by": "196801011990031001"}


def _genesis(storage: Storage) -> None:
    event = Event.record(
        None,
        report_id="r-1",
        action="note",
        actor_id="196801011990031001",
        actor_role="officer",
        at=T0,
        from_state=None,
        to_state="noted",
        payload={"n": 1},
    )
    with storage.unit_of_work() as uow:
        uow.reports.append(
            "r-1", 0, [event.to_dict()], ReportProjection("noted", T0, head_hash=event.hash)
        )
        uow.commit()


def test_killed_at_random_moments_nothing_is_lost(backend: Backend, tmp_path: Path) -> None:
    """A process committing steps is SIGKILLed at random moments: each step is whole or absent."""
    rng = random.Random(4)
    with backend.open() as storage:
        _genesis(storage)
    confirmed = 1
    for _ in range(3):
        worker = _spawn(backend, tmp_path, mode="loop")
        target = confirmed + rng.randint(3, 25)
        while True:
            line = worker.stdout.readline()  # type: ignore[union-attr]  # stdout is a pipe
            assert line, worker.stderr.read()  # type: ignore[union-attr]  # stderr is a pipe
            if int(line) >= target:
                break
        time.sleep(rng.uniform(0, 0.02))
        printed = [int(n) for n in _kill(worker).split()]
        confirmed = max([target, *printed])
        with backend.open() as storage, storage.unit_of_work(read_only=True) as uow:
            stored = uow.reports.get("r-1")
            events = [Event.from_dict(e) for e in stored.events]
            n = stored.version
            # Every step whose commit returned is there; at most the one in flight besides.
            assert confirmed <= n <= confirmed + 1
            assert [e.seq for e in events] == list(range(1, n + 1))
            assert verify(events, version=n, head=stored.projection.head_hash).ok
            keys = {f"step:r-1:{seq}" for seq in range(2, n + 1)}
            assert {storage.outbox.get(k).key for k in keys} == keys
            assert storage.outbox.counts()[OutboxStatus.PENDING] == n - 1
        confirmed = n
