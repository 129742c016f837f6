"""
Benchmark: sustained signed webhooks per second on loopback, the latency of the 200, and the
lag until each becomes a report.

Run from the repository root::

    python benchmarks/bench_webhooks.py              # SQLite; PostgreSQL too when its DSN is set
    python benchmarks/bench_webhooks.py --count 2000 --rate 800

The server is the webhook app (:func:`layanan_aduan.entrypoints.web.create_app`) under uvicorn
in a child process (this script with ``--serve``), with the system clock, one desk of Kejari
Jakarta Pusat and an in-memory messenger. The client (httpx, asyncio) sends ``--count``
signed webhooks, each a new sender's report, at ``--rate`` per second with at most
``--concurrency`` in flight, and times each 200. The lag of each webhook is read back from the
storage: ``processed_at - received_at`` of its stored body, both stamped by the server's clock
(the body is ingested, its report numbered and its notifications queued, and then marked
processed). "Lost" counts webhooks answered 200 whose body is not stored, or never processed.
Target (issue 14): at least 500 acknowledged per second with p99 under 100 ms on SQLite, none
lost.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

SECRET = "bench-secret"  # noqa: S105 - a benchmark app secret
NUMBER_ID = "106540352242922"
TEXT = "Nama: Budi Santoso\nNIK: 3171010101900001\nDugaan pungutan liar di kelurahan."


def _open_storage(spec: str) -> Any:
    from layanan_aduan.adapters.storage import PostgresStorage, SqliteStorage

    kind, _, where = spec.partition(":")
    if kind == "sqlite":
        return SqliteStorage.open(where)
    dsn, _, schema = where.rpartition("#")
    return PostgresStorage.open(dsn, schema=schema)


def serve(spec: str, port: int) -> None:
    """The child process: the app on ``port`` over the storage ``spec``."""
    import uvicorn

    from layanan_aduan.adapters.evidence_store import InMemoryEvidenceStore
    from layanan_aduan.adapters.messaging import InMemoryMediaFetcher, InMemoryMessenger
    from layanan_aduan.clock import SystemClock
    from layanan_aduan.entrypoints.web import create_app
    from layanan_aduan.service_layer import compose

    services = compose(
        storage=_open_storage(spec),
        evidence=InMemoryEvidenceStore(),
        messenger=InMemoryMessenger(),
        media=InMemoryMediaFetcher(),
        clock=SystemClock(),
        business_numbers=(NUMBER_ID,),
    )
    app = create_app(services, app_secret=SECRET, verify_token=SECRET, ingest_interval=1.0)
    uvicorn.run(app, host="127.0.0.1", port=port, access_log=False, log_level="warning")
    services.close()


def _body(run: str, i: int, at: int) -> bytes:
    sender = f"6281{i:09d}"
    value = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "6281212313170", "phone_number_id": NUMBER_ID},
        "contacts": [{"profile": {"name": "Pelapor"}, "wa_id": sender}],
        "messages": [
            {
                "from": sender,
                "id": f"wamid.{run}.{i}",
                "timestamp": str(at),
                "type": "text",
                "text": {"body": TEXT},
            }
        ],
    }
    document = {
        "object": "whatsapp_business_account",
        "entry": [{"id": "1", "changes": [{"field": "messages", "value": value}]}],
    }
    return json.dumps(document).encode()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def _load(url: str, bodies: list[bytes], rate: float, concurrency: int) -> dict[str, Any]:
    import httpx

    from layanan_aduan.adapters.whatsapp.inbound import compute_signature

    latencies: list[float] = []
    statuses: list[int] = []
    gate = asyncio.Semaphore(concurrency)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=60) as client:

        async def one(i: int, body: bytes) -> None:
            headers = {
                "Content-Type": "application/json",
                "X-Hub-Signature-256": compute_signature(body, SECRET),
            }
            async with gate:
                began = time.perf_counter()
                response = await client.post("/webhook", content=body, headers=headers)
                latencies.append(time.perf_counter() - began)
                statuses.append(response.status_code)

        started = time.perf_counter()
        tasks = []
        for i, body in enumerate(bodies):
            delay = started + i / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(one(i, body)))
        await asyncio.gather(*tasks)
        elapsed = time.perf_counter() - started
    return {"latencies": latencies, "statuses": statuses, "elapsed": elapsed}


def _quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def run(spec: str, count: int, rate: float, concurrency: int) -> dict[str, Any]:
    import httpx

    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(  # noqa: S603 - this script
        [sys.executable, __file__, "--serve", spec, "--port", str(port)]
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                raise SystemExit("the server did not start")
            time.sleep(0.1)
        run_id = uuid.uuid4().hex[:8]
        now = int(time.time())  # noqa: TID251 - the payload's own claim, as WhatsApp sends it
        bodies = [_body(run_id, i, now) for i in range(count)]
        result = asyncio.run(_load(url, bodies, rate, concurrency))
        acknowledged = result["statuses"].count(200)
        # Wait until every stored body is processed (or give up after a minute).
        storage = _open_storage(spec)
        try:
            deadline = time.monotonic() + 120
            while storage.webhooks.count(processed=False) and time.monotonic() < deadline:
                time.sleep(0.2)
            stored = storage.webhooks.count()
            lags = []
            after = None
            while True:
                page = _all_bodies(storage, after)
                if not page:
                    break
                for w in page:
                    if w.processed_at is not None:
                        lags.append((w.processed_at - w.received_at).total_seconds())
                after = page[-1].webhook_id
        finally:
            storage.close()
    finally:
        server.terminate()
        server.wait(timeout=60)
    latencies = result["latencies"]
    return {
        "storage": spec.partition(":")[0],
        "sent": count,
        "acknowledged": acknowledged,
        "per_second": round(acknowledged / result["elapsed"], 1),
        "p50_ms": round(statistics.median(latencies) * 1000, 2),
        "p99_ms": round(_quantile(latencies, 0.99) * 1000, 2),
        "lag_p50_ms": round(statistics.median(lags) * 1000, 1) if lags else None,
        "lag_p99_ms": round(_quantile(lags, 0.99) * 1000, 1) if lags else None,
        "lost": acknowledged - len(lags) + max(0, acknowledged - stored),
    }


def _all_bodies(storage: Any, after: int | None) -> list[Any]:
    """Every stored body after ``after`` (processed or not), by id, a page at a time."""
    found = []
    webhook_id = (after or 0) + 1
    for _ in range(1000):
        try:
            found.append(storage.webhooks.get(webhook_id))
        except LookupError:
            break
        webhook_id += 1
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--serve", metavar="STORAGE", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--count", type=int, default=3000, help="webhooks to send (3000)")
    parser.add_argument("--rate", type=float, default=600.0, help="webhooks per second (600)")
    parser.add_argument("--concurrency", type=int, default=64, help="most in flight (64)")
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.port)
        return
    specs = []
    with tempfile.TemporaryDirectory() as tmp:
        specs.append(f"sqlite:{Path(tmp) / 'bench.sqlite3'}")
        dsn = os.environ.get("LAYANAN_ADUAN_TEST_POSTGRES_DSN")
        if dsn:
            specs.append(f"postgres:{dsn}#bench_webhooks_{uuid.uuid4().hex[:8]}")
        for spec in specs:
            print(json.dumps(run(spec, args.count, args.rate, args.concurrency)), flush=True)


if __name__ == "__main__":
    main()
