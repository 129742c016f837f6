"""
Concurrent webhooks of one sender, in separate processes on one database: WhatsApp delivers the
text and the screenshot sent after it in two webhooks, often at the same moment. They make one
report on every adapter (a per-sender lock inside the ingest unit of work; SQLite serialises its
writers anyway).
"""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from layanan_aduan import examples
from layanan_aduan.adapters.storage import PostgresStorage, SqliteStorage
from layanan_aduan.ports import Storage
from layanan_aduan.testing.contracts import require_postgres_dsn

pytestmark = pytest.mark.slow

WORKER = Path(__file__).parent / "ingest_faults" / "worker.py"
TRIALS = 4


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[dict[str, Any]]:
    if request.param == "sqlite":
        path = str(tmp_path / "aduan.sqlite3")
        SqliteStorage.open(path).close()
        yield {"sqlite": path}
        return
    dsn = require_postgres_dsn()
    schema = f"i_{uuid.uuid4().hex[:16]}"
    PostgresStorage.open(dsn, schema=schema, max_size=1).close()
    yield {"postgres": dsn, "schema": schema}
    PostgresStorage.open(dsn, schema=schema, max_size=1).drop_schema()


def _open(config: dict[str, Any]) -> Storage:
    if "sqlite" in config:
        return SqliteStorage.open(config["sqlite"])
    return PostgresStorage.open(config["postgres"], schema=config["schema"], max_size=1)


def _halves(sender: str, trial: int) -> tuple[bytes, bytes]:
    """The bundled webhook split in two: its text and its screenshot, from ``sender``."""
    document = json.loads(examples.whatsapp_webhook())
    value = document["entry"][0]["changes"][0]["value"]
    value["contacts"][0]["wa_id"] = sender
    bodies = []
    for i, message in enumerate(value["messages"]):
        one = json.loads(json.dumps(document))
        item = dict(message, id=f"wamid.T{trial}.{i}", **{"from": sender})
        one["entry"][0]["changes"][0]["value"]["messages"] = [item]
        bodies.append(json.dumps(one).encode())
    return bodies[0], bodies[1]


def test_two_webhooks_of_one_sender_at_once_make_one_report(
    backend: dict[str, Any], tmp_path: Path
) -> None:
    """In every trial, two processes ingesting a sender's text and screenshot at the same
    moment leave exactly one report, holding both."""
    for trial in range(TRIALS):
        sender = f"62812300{trial:05d}"
        text, image = _halves(sender, trial)
        go = tmp_path / f"go-{trial}"
        workers = []
        for name, body in (("text", text), ("image", image)):
            file = tmp_path / f"{name}-{trial}.json"
            file.write_bytes(body)
            config = {**backend, "body": str(file), "go": str(go)}
            workers.append(
                subprocess.Popen(  # noqa: S603 - our own worker script, arguments we built
                    [sys.executable, str(WORKER), json.dumps(config)],
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    text=True,
                )
            )
        go.touch()
        for w in workers:
            _, err = w.communicate(timeout=120)
            assert w.returncode == 0, err
        with _open(backend) as storage, storage.unit_of_work(read_only=True) as uow:
            mine = uow.reports.by_reporter(phone=f"+{sender}").items
            assert len(mine) == 1, f"trial {trial}: {len(mine)} reports"
            assert uow.reports.get(mine[0].report_id).version == 2
