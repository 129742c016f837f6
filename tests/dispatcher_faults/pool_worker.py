"""
One of several dispatchers sharing one outbox, for the dispatcher pool fault test (run by
tests/test_dispatcher_faults.py, not by pytest).

Usage: ``python pool_worker.py STORE RECORD NAME``. ``STORE`` is ``sqlite:PATH`` or
``postgres:SCHEMA`` (the server is the one LAYANAN_ADUAN_TEST_POSTGRES_DSN names: a DSN may
hold a password, so it is never an argument). The messenger appends ``KEY NAME`` to the file
``RECORD`` (flushed and fsynced: what a recipient would have received) and then takes
``SEND_SECONDS`` to answer, so a SIGKILL often lands between a send and its mark. A batch of
``BATCH`` messages takes longer than the ``LEASE`` seconds a lease lasts, so dispatchers take
over the unsent tails of each other's batches. It exits when nothing is pending, printing
what it did as one JSON line.
"""

from __future__ import annotations

import json
import os
import sys
import time

import attrs

from layanan_aduan.adapters.storage import PostgresStorage, SqliteStorage
from layanan_aduan.clock import SystemClock
from layanan_aduan.messaging import OutboundMessage, SendResult
from layanan_aduan.ports import OutboxStatus
from layanan_aduan.service_layer.dispatcher import Dispatcher, DispatchSummary, RetryPolicy

SEND_SECONDS = 0.25
LEASE = 2
BATCH = 20


class SlowRecordingMessenger:
    """
    Appends each key it sends, with the dispatcher's name, to a file, durably; then waits.
    """

    channel = "file"

    def __init__(self, path: str, name: str) -> None:
        self.path, self.name = path, name

    def send(self, message: OutboundMessage) -> SendResult:
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, f"{message.idempotency_key} {self.name}\n".encode())
            os.fsync(fd)
        finally:
            os.close(fd)
        time.sleep(SEND_SECONDS)
        return SendResult("file." + message.idempotency_key, message.idempotency_key, self.channel)

    def ping(self) -> None:
        return None


def main(store: str, record: str, name: str) -> None:
    kind, _, where = store.partition(":")
    storage: SqliteStorage | PostgresStorage
    if kind == "sqlite":
        storage = SqliteStorage.open(where)
    else:
        storage = PostgresStorage.open(
            os.environ["LAYANAN_ADUAN_TEST_POSTGRES_DSN"], schema=where, max_size=2
        )
    dispatcher = Dispatcher(
        storage.outbox,
        SlowRecordingMessenger(record, name),
        SystemClock(),
        policy=RetryPolicy(base_delay=0.1, max_delay=0.5),
        batch_size=BATCH,
        lease_seconds=LEASE,
    )
    total = DispatchSummary()
    while storage.outbox.counts().get(OutboxStatus.PENDING, 0):
        total = total + dispatcher.run(max_iterations=10, until_idle=False, idle_sleep=0.05)
    storage.close()
    print(json.dumps(attrs.asdict(total)), flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3])
