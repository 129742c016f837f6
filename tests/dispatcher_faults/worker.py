"""
A dispatcher in its own process, for the dispatcher fault test (run by
tests/test_dispatcher_faults.py, not by pytest).

Usage: ``python worker.py DB RECORD``. It dispatches the outbox of the SQLite file ``DB`` with
a messenger that appends each message's idempotency key to the file ``RECORD`` (flushed and
fsynced: what a recipient would have received) and then pauses a little before answering, so
that a SIGKILL often lands between a send and its mark. Leases last one second, so a restarted
dispatcher takes over the messages a killed one held. It exits when nothing is pending.
"""

from __future__ import annotations

import os
import sys
import time

from layanan_aduan.adapters.storage import SqliteStorage
from layanan_aduan.clock import SystemClock
from layanan_aduan.messaging import OutboundMessage, SendResult
from layanan_aduan.ports import OutboxStatus
from layanan_aduan.service_layer.dispatcher import Dispatcher, RetryPolicy


class RecordingMessenger:
    """
    Appends each key it sends to a file, durably, then pauses.
    """

    channel = "file"

    def __init__(self, path: str) -> None:
        self.path = path

    def send(self, message: OutboundMessage) -> SendResult:
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, (message.idempotency_key + "\n").encode())
            os.fsync(fd)
        finally:
            os.close(fd)
        time.sleep(0.02)
        return SendResult("file." + message.idempotency_key, message.idempotency_key, self.channel)

    def ping(self) -> None:
        return None


def main(db: str, record: str) -> None:
    storage = SqliteStorage.open(db)
    dispatcher = Dispatcher(
        storage.outbox,
        RecordingMessenger(record),
        SystemClock(),
        policy=RetryPolicy(base_delay=0.1, max_delay=0.5),
        batch_size=5,
        lease_seconds=1,
    )
    while storage.outbox.counts().get(OutboxStatus.PENDING, 0):
        dispatcher.run(max_iterations=10, until_idle=False, idle_sleep=0.1)
    storage.close()
    print("idle", flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
