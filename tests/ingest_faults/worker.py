"""
A desk process for tests/test_ingest_faults.py: waits for the go file, ingests one webhook body
and prints what it made as JSON.

Usage: worker.py CONFIG_JSON, with ``sqlite`` (a path) or ``postgres``/``schema``, ``body``
(a file), ``go`` (a file to wait for) and ``media`` (a file with the screenshot).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import pendulum

from layanan_aduan import examples
from layanan_aduan.adapters.evidence_store import InMemoryEvidenceStore
from layanan_aduan.adapters.messaging import InMemoryMediaFetcher, InMemoryMessenger
from layanan_aduan.adapters.storage import PostgresStorage, SqliteStorage
from layanan_aduan.adapters.whatsapp.inbound import parse_webhook
from layanan_aduan.clock import FixedClock
from layanan_aduan.ports import Storage
from layanan_aduan.service_layer.bootstrap import compose


def main() -> None:
    config = json.loads(sys.argv[1])
    storage: Storage
    if "sqlite" in config:
        storage = SqliteStorage.open(config["sqlite"])
    else:
        storage = PostgresStorage.open(config["postgres"], schema=config["schema"], max_size=2)
    media = InMemoryMediaFetcher()
    media.put(examples.SCREENSHOT_MEDIA_ID, examples.screenshot_png(), "image/png")
    services = compose(
        storage=storage,
        evidence=InMemoryEvidenceStore(),
        messenger=InMemoryMessenger(),
        media=media,
        clock=FixedClock(pendulum.datetime(2026, 1, 12, 2, 5, tz="UTC")),
    )
    body = Path(config["body"]).read_bytes()
    parsed = parse_webhook(body)
    go = Path(config["go"])
    while not go.exists():
        time.sleep(0.001)
    result = services.desk.ingest(parsed)
    print(json.dumps({"reports": [s.report_id for s in result.steps]}))
    services.close()


if __name__ == "__main__":
    main()
