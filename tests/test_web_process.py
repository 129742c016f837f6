"""
``layanan-aduan layani`` as a process on loopback: a kill -9 right after the 200s loses
nothing (the stored bodies become their reports on restart), and SIGTERM stops it gracefully
(requests in flight are answered and stored, the dispatcher's round is finished, exit 0).
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from layanan_aduan.adapters.storage import SqliteStorage
from layanan_aduan.adapters.whatsapp.inbound import compute_signature
from layanan_aduan.ports import OutboxStatus

pytest.importorskip("uvicorn")

pytestmark = pytest.mark.slow

SECRET = "process-test-secret"  # noqa: S105 - a test app secret
DISPLAY = "6281212313170"  # Kejari Jakarta Pusat's number, the default desk's
T0 = 1768183200  # Monday 12 January 2026, 09:00 WIB
REPORT_TEXT = "Nama: Budi Santoso\nNIK: 3171010101900001\nDugaan pungutan liar di kelurahan."


def webhook(i: int) -> bytes:
    sender = f"62812345{i:05d}"
    value = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": DISPLAY, "phone_number_id": "106540352242922"},
        "contacts": [{"profile": {"name": "Pelapor"}, "wa_id": sender}],
        "messages": [
            {
                "from": sender,
                "id": f"wamid.proc.{i}",
                "timestamp": str(T0),
                "type": "text",
                "text": {"body": REPORT_TEXT},
            }
        ],
    }
    document = {
        "object": "whatsapp_business_account",
        "entry": [{"id": "1", "changes": [{"field": "messages", "value": value}]}],
    }
    return json.dumps(document).encode()


def headers(body: bytes) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        "X-Hub-Signature-256": compute_signature(body, SECRET),
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Service:
    """One ``layanan-aduan layani`` process on a free loopback port."""

    def __init__(self, db: Path, out: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "WHATSAPP_APP_SECRET": SECRET, "WHATSAPP_VERIFY_TOKEN": "tok"}
        self.out = out.open("ab")
        self.process = subprocess.Popen(  # noqa: S603 - our own command line
            [
                sys.executable,
                "-m",
                "layanan_aduan.entrypoints.cli",
                "layani",
                "--db",
                str(db),
                "--port",
                str(self.port),
                "--waktu",
                "2026-01-12T09:05:00+07:00",
                "--interval-kirim",
                "0.2",
                "--interval-pantau",
                "1",
                "--interval-terima",
                "0.5",
            ],
            env=env,
            stdout=self.out,
            stderr=self.out,
        )
        deadline = time.monotonic() + 60
        while True:
            assert self.process.poll() is None, out.read_text(errors="replace")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "layani did not start"
            time.sleep(0.05)

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        code = self.process.wait(timeout=60)
        self.out.close()
        return code


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "layani.sqlite3"


@pytest.fixture
def out(tmp_path: Path) -> Path:
    return tmp_path / "layani.out"


def post_all(url: str, bodies: list[bytes]) -> list[int]:
    async def run() -> list[int]:
        async with httpx.AsyncClient(base_url=url, timeout=60) as client:
            answers = await asyncio.gather(
                *(client.post("/webhook", content=b, headers=headers(b)) for b in bodies)
            )
        return [a.status_code for a in answers]

    return asyncio.run(run())


def report_count(db: Path) -> int:
    with SqliteStorage.open(db) as storage, storage.unit_of_work(read_only=True) as uow:
        return len(uow.reports.list_all(limit=1000).items)


def wait_processed(db: Path, expected: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while True:
        with SqliteStorage.open(db) as storage:
            done = storage.webhooks.count(processed=True)
        if done == expected:
            return
        assert time.monotonic() < deadline, f"{done} of {expected} processed"
        time.sleep(0.1)


def test_kill_9_after_the_200s_loses_nothing(db: Path, out: Path) -> None:
    """50 webhooks acknowledged, then SIGKILL at once: every body is stored, and after a
    restart each becomes exactly one report."""
    bodies = [webhook(i) for i in range(50)]
    service = Service(db, out)
    try:
        assert post_all(service.url, bodies) == [200] * 50
    finally:
        service.process.kill()
        service.process.wait(timeout=30)
        service.out.close()
    with SqliteStorage.open(db) as storage:
        assert storage.webhooks.count() == 50
        pending_at_kill = storage.webhooks.count(processed=False)
    again = Service(db, out)
    try:
        wait_processed(db, 50)
    finally:
        assert again.stop() == 0
    assert report_count(db) == 50
    # The redelivery WhatsApp makes of what it saw unanswered changes nothing either.
    third = Service(db, out)
    try:
        assert post_all(third.url, bodies[:10]) == [200] * 10
        wait_processed(db, 60)
    finally:
        assert third.stop() == 0
    assert report_count(db) == 50
    print(f"unprocessed at the kill: {pending_at_kill} of 50")


def test_sigterm_finishes_in_flight_requests_and_stops_cleanly(db: Path, out: Path) -> None:
    """SIGTERM while webhooks are arriving: every request answered 200 was stored, the process
    exits 0, and no outbox message is left leased by a dispatcher cut mid-round."""
    service = Service(db, out)
    answered: list[int] = []
    stop = threading.Event()

    def sender() -> None:
        i = 0
        with httpx.Client(base_url=service.url, timeout=30) as client:
            while not stop.is_set():
                body = webhook(i)
                try:
                    response = client.post("/webhook", content=body, headers=headers(body))
                except httpx.TransportError:
                    break  # the server stopped listening
                if response.status_code == 200:
                    answered.append(i)
                i += 1

    thread = threading.Thread(target=sender)
    thread.start()
    time.sleep(1.5)
    code = service.stop()
    stop.set()
    thread.join(timeout=30)
    assert code == 0
    assert answered
    lines = out.read_text(errors="replace").splitlines()
    assert any('"event": "stopped"' in line for line in lines)
    with SqliteStorage.open(db) as storage:
        assert storage.webhooks.count() == len(answered)
        leased = [
            m
            for m in storage.outbox.list(status=OutboxStatus.PENDING, limit=1000).items
            if m.claim_token is not None
        ]
    assert leased == []
    again = Service(db, out)
    try:
        wait_processed(db, len(answered))
    finally:
        assert again.stop() == 0
    assert report_count(db) == len(answered)
