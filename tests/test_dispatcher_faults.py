"""
Fault test of the dispatcher: SIGKILL a dispatcher process mid-send on a SQLite file, restart
it, and check that every notification was delivered, none lost, and that duplicates stay
within what at-least-once delivery implies (at most one per kill).
"""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pendulum
import pytest

from layanan_aduan.adapters.storage import SqliteStorage
from layanan_aduan.messaging import OutboundMessage, Recipient
from layanan_aduan.ports import OutboxStatus

WORKER = Path(__file__).parent / "dispatcher_faults" / "worker.py"
TIMEOUT = 60.0
T0 = pendulum.datetime(2026, 1, 12, 2, tz="UTC")


def _lines(path: Path) -> list[str]:
    return path.read_text().split() if path.exists() else []


def _spawn(db: Path, record: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(  # noqa: S603 - our own worker script, arguments we built
        [sys.executable, str(WORKER), str(db), str(record)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.slow
def test_sigkilled_dispatcher_restarted_delivers_every_notification(tmp_path: Path) -> None:
    """Killed with SIGKILL three times at random moments while sending, then restarted, the
    dispatcher delivers all 40 notifications; each extra delivery is counted and stays
    within one per kill."""
    db, record = tmp_path / "outbox.sqlite3", tmp_path / "received.txt"
    keys = [f"r-{i:02d}:1:acknowledgement" for i in range(40)]
    storage = SqliteStorage.open(db)
    with storage.unit_of_work() as uow:
        for key in keys:
            message = OutboundMessage(Recipient(phone="+6281234567890"), key, text="Diterima.")
            uow.outbox.put(key, message.to_payload(), created_at=T0)
        uow.commit()
    storage.close()
    rng = random.Random(20260112)
    kills = 0
    for _ in range(3):
        target = len(_lines(record)) + rng.randint(2, 8)
        worker = _spawn(db, record)
        deadline = time.monotonic() + TIMEOUT
        while len(_lines(record)) < target and worker.poll() is None:
            assert time.monotonic() < deadline, "the worker made no progress"
            time.sleep(0.005)
        if worker.poll() is None:
            worker.send_signal(signal.SIGKILL)
            worker.communicate(timeout=TIMEOUT)
            assert worker.returncode == -signal.SIGKILL
            kills += 1
    final = _spawn(db, record)
    out, err = final.communicate(timeout=TIMEOUT)
    assert final.returncode == 0, err
    assert out.strip() == "idle"
    received = _lines(record)
    assert set(received) == set(keys)
    duplicates = len(received) - len(set(received))
    assert duplicates <= kills
    storage = SqliteStorage.open(db)
    try:
        assert storage.outbox.counts().get(OutboxStatus.SENT) == len(keys)
    finally:
        storage.close()
