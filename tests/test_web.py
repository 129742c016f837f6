"""
The webhook app against a real server on loopback: uvicorn serves it from a thread of the test
process on a free port, httpx is the client. Handshake, signed and forged posts, hostile
bodies (typed 4xx, nothing stored), a redelivery storm, ingest of bodies stored before start,
health checks and the access log.
"""

from __future__ import annotations

import asyncio
import json
import logging
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pendulum
import pytest

from layanan_aduan.adapters.evidence_store import InMemoryEvidenceStore
from layanan_aduan.adapters.messaging import InMemoryMediaFetcher, InMemoryMessenger
from layanan_aduan.adapters.storage import SqliteStorage
from layanan_aduan.adapters.whatsapp.inbound import WebhookLimits, compute_signature
from layanan_aduan.clock import FixedClock
from layanan_aduan.domain.standard import KEJARI_JAKARTA_PUSAT
from layanan_aduan.entrypoints.web import create_app
from layanan_aduan.exceptions import MessagingConfigurationError
from layanan_aduan.ports import Storage
from layanan_aduan.service_layer import Services, compose
from layanan_aduan.testing.contracts import require_postgres_dsn

uvicorn = pytest.importorskip("uvicorn")

SECRET = "test_app_secret"  # noqa: S105 - a test app secret
TOKEN = "s3cret-verify"  # noqa: S105 - a test verify token
NUMBER_ID = "106540352242922"
T0 = pendulum.datetime(2026, 1, 12, 2, 5, tz="UTC")  # Monday 09:05 WIB
REPORT_TEXT = "Nama: Budi Santoso\nNIK: 3171010101900001\nDugaan pungutan liar di kelurahan."
LIMIT = 16 * 1024


def webhook(sender: str, message_id: str, *, number_id: str = NUMBER_ID) -> bytes:
    """A text message to the desk's business number, as WhatsApp sends it."""
    value = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "6281234567000", "phone_number_id": number_id},
        "contacts": [{"profile": {"name": "Pelapor"}, "wa_id": sender}],
        "messages": [
            {
                "from": sender,
                "id": message_id,
                "timestamp": str(int(T0.timestamp())),
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


def signed(body: bytes) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        "X-Hub-Signature-256": compute_signature(body, SECRET),
    }


class Loopback:
    """An ASGI app served by uvicorn in a thread, on a free port of 127.0.0.1."""

    def __init__(self, app: Any) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        config = uvicorn.Config(app, lifespan="on", access_log=False, log_config=None)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True
        )

    def __enter__(self) -> Loopback:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            assert time.monotonic() < deadline, "the server did not start"
            assert self.thread.is_alive(), "the server thread died"
            time.sleep(0.01)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)
        self.sock.close()


def eventually(check: Callable[[], bool], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "condition not reached in time"
        time.sleep(0.02)


def _compose(storage: Storage) -> Services:
    return compose(
        storage=storage,
        evidence=InMemoryEvidenceStore(),
        messenger=InMemoryMessenger(),
        media=InMemoryMediaFetcher(),
        clock=FixedClock(T0),
        standard=KEJARI_JAKARTA_PUSAT,
        business_numbers=(NUMBER_ID,),
    )


@pytest.fixture
def services(tmp_path: Path) -> Iterator[Services]:
    built = _compose(SqliteStorage.open(tmp_path / "web.sqlite3"))
    try:
        yield built
    finally:
        built.close()


@pytest.fixture
def server(services: Services) -> Iterator[Loopback]:
    app = create_app(
        services,
        app_secret=SECRET,
        verify_token=TOKEN,
        limits=WebhookLimits(max_body_bytes=LIMIT),
        ingest_interval=0.5,
    )
    with Loopback(app) as running:
        yield running


def reports(services: Services) -> int:
    return len(services.desk.list_reports())


def nothing_stored(services: Services) -> bool:
    return services.storage.webhooks.count() == 0 and reports(services) == 0


def refusal(response: httpx.Response, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    answer = response.json()
    assert answer["code"] == code
    assert answer["message"]
    assert answer["message_en"]
    assert answer["message"] != answer["message_en"]


# --- the handshake ------------------------------------------------------------------------------


def test_handshake_echoes_the_challenge_for_the_right_token(server: Loopback) -> None:
    """GET with the right verify token answers 200 with hub.challenge as plain text."""
    params = {"hub.mode": "subscribe", "hub.verify_token": TOKEN, "hub.challenge": "1158201444"}
    response = httpx.get(f"{server.url}/webhook", params=params)
    assert response.status_code == 200
    assert response.text == "1158201444"


@pytest.mark.parametrize(
    ("params", "code"),
    [
        (
            {"hub.mode": "subscribe", "hub.verify_token": "wrong", "hub.challenge": "1"},
            "verification_token_mismatch",
        ),
        ({"hub.mode": "subscribe", "hub.challenge": "1"}, "verification_token_mismatch"),
        (
            {"hub.mode": "unsubscribe", "hub.verify_token": TOKEN, "hub.challenge": "1"},
            "verification_mode_invalid",
        ),
        ({"hub.mode": "subscribe", "hub.verify_token": TOKEN}, "verification_challenge_invalid"),
    ],
)
def test_handshake_refusals_are_typed(server: Loopback, params: dict[str, str], code: str) -> None:
    """A wrong or missing token, another mode or no challenge: 403 with a typed answer."""
    refusal(httpx.get(f"{server.url}/webhook", params=params), 403, code)


def test_handshake_without_a_configured_token_is_refused(services: Services) -> None:
    """An app built without a verify token refuses every handshake."""
    app = create_app(services, app_secret=SECRET, verify_token=None)
    with Loopback(app) as running:
        params = {"hub.mode": "subscribe", "hub.verify_token": "", "hub.challenge": "1"}
        refusal(
            httpx.get(f"{running.url}/webhook", params=params), 403, "verification_not_configured"
        )


def test_an_app_without_secret_must_say_it_accepts_unsigned_bodies(services: Services) -> None:
    """No app secret and no allow_unsigned: the app is not built."""
    with pytest.raises(MessagingConfigurationError) as info:
        create_app(services, app_secret=None, verify_token=TOKEN)
    assert info.value.code == "missing_app_secret"


# --- posts --------------------------------------------------------------------------------------


def test_signed_post_is_stored_then_becomes_a_report(server: Loopback, services: Services) -> None:
    """A signed webhook is answered 200, stored, and ingested in the background."""
    body = webhook("6281234500001", "wamid.one")
    response = httpx.post(f"{server.url}/webhook", content=body, headers=signed(body))
    assert response.status_code == 200
    assert response.json() == {"received": True}
    assert services.storage.webhooks.count() == 1
    eventually(lambda: services.storage.webhooks.count(processed=True) == 1)
    [line] = services.desk.list_reports()
    assert line.number == "LAP/KNJP/2026/000001"
    stored = services.storage.webhooks.get(1)
    assert stored.body == b""  # ingested: its bytes (the sender's data) are forgotten
    assert stored.route == "KNJP"
    assert stored.received_at == T0


@pytest.mark.parametrize(
    ("headers", "status", "code"),
    [
        ({"Content-Type": "application/json"}, 401, "signature_missing"),
        (
            {"Content-Type": "application/json", "X-Hub-Signature-256": "sha256=" + "0" * 64},
            403,
            "signature_mismatch",
        ),
        (
            {"Content-Type": "application/json", "X-Hub-Signature-256": "md5=abc"},
            403,
            "signature_malformed",
        ),
    ],
)
def test_unsigned_and_forged_posts_store_nothing(
    server: Loopback, services: Services, headers: dict[str, str], status: int, code: str
) -> None:
    """Missing, forged or malformed signatures are refused before parsing; nothing stored."""
    body = webhook("6281234500001", "wamid.forged")
    refusal(httpx.post(f"{server.url}/webhook", content=body, headers=headers), status, code)
    assert nothing_stored(services)


def test_a_signature_for_other_bytes_is_forged(server: Loopback, services: Services) -> None:
    """A signature is checked over the raw bytes: one byte more breaks it."""
    body = webhook("6281234500001", "wamid.x")
    headers = signed(body)
    refusal(
        httpx.post(f"{server.url}/webhook", content=body + b" ", headers=headers),
        403,
        "signature_mismatch",
    )
    assert nothing_stored(services)


def test_oversized_bodies_are_refused_while_reading(server: Loopback, services: Services) -> None:
    """A declared or a streamed body beyond the limit: 413, nothing stored."""
    big = b"{" + b" " * (LIMIT + 10) + b"}"
    refusal(
        httpx.post(f"{server.url}/webhook", content=big, headers=signed(big)),
        413,
        "body_too_large",
    )

    def chunks() -> Iterator[bytes]:
        # No Content-Length: the server counts while it reads.
        for _ in range(LIMIT // 1024 + 4):
            yield b" " * 1024

    refusal(
        httpx.post(
            f"{server.url}/webhook",
            content=chunks(),
            headers={
                "Content-Type": "application/json",
                "X-Hub-Signature-256": "sha256=" + "0" * 64,
            },
        ),
        413,
        "body_too_large",
    )
    assert nothing_stored(services)


@pytest.mark.parametrize(
    ("body", "content_type", "status", "code"),
    [
        (
            b'{"object":"whatsapp_business_account","entry":[',
            "application/json",
            400,
            "invalid_json",
        ),
        (b"\xff\xfe\x00", "application/json", 400, "invalid_encoding"),
        (b'{"object":"page","entry":[]}', "application/json", 400, "unexpected_object"),
        (b"[" * 200 + b"]" * 200, "application/json", 400, "too_deep"),
        (b"", "application/json", 400, "empty_body"),
        (
            b'{"object":"whatsapp_business_account","entry":[]}',
            "text/plain",
            415,
            "unsupported_media_type",
        ),
        (
            b'{"object":"whatsapp_business_account","entry":[]}',
            "application/x-www-form-urlencoded",
            415,
            "unsupported_media_type",
        ),
    ],
)
def test_hostile_bodies_get_typed_refusals_and_store_nothing(
    server: Loopback,
    services: Services,
    body: bytes,
    content_type: str,
    status: int,
    code: str,
) -> None:
    """Signed but hostile bodies, and the wrong content type: typed 4xx, nothing stored."""
    headers = signed(body)
    headers["Content-Type"] = content_type
    refusal(httpx.post(f"{server.url}/webhook", content=body, headers=headers), status, code)
    assert nothing_stored(services)


def test_a_number_no_office_owns_is_refused_whole(server: Loopback, services: Services) -> None:
    """A webhook to another business number: 422 unknown_business_number, nothing stored."""
    body = webhook("6281234500001", "wamid.elsewhere", number_id="999999999999999")
    refusal(
        httpx.post(f"{server.url}/webhook", content=body, headers=signed(body)),
        422,
        "unknown_business_number",
    )
    assert nothing_stored(services)


def test_a_webhook_with_nothing_to_ingest_is_acknowledged_not_stored(
    server: Loopback, services: Services
) -> None:
    """An empty batch is a webhook: 200, and nothing is kept."""
    body = b'{"object":"whatsapp_business_account","entry":[]}'
    assert (
        httpx.post(f"{server.url}/webhook", content=body, headers=signed(body)).status_code == 200
    )
    assert nothing_stored(services)


def test_redelivery_storm_makes_one_report_each(server: Loopback, services: Services) -> None:
    """The same 100 webhooks, each delivered 5 times, all at once: 500 acknowledgements, 100
    reports, every stored body processed (SQLite)."""
    storm(server, services)


@pytest.mark.postgres
def test_redelivery_storm_on_postgres() -> None:
    """The same storm on PostgreSQL."""
    from layanan_aduan.adapters.storage import PostgresStorage

    storage = PostgresStorage.open(
        require_postgres_dsn(), schema=f"web_storm_{uuid.uuid4().hex[:12]}"
    )
    built = _compose(storage)
    try:
        app = create_app(built, app_secret=SECRET, verify_token=TOKEN, ingest_interval=0.5)
        with Loopback(app) as running:
            storm(running, built)
    finally:
        built.close()


def storm(server: Loopback, services: Services) -> None:
    bodies = [webhook(f"62812345{i:05d}", f"wamid.storm.{i}") for i in range(100)]

    async def storm() -> list[int]:
        limits = httpx.Limits(max_connections=50)
        async with httpx.AsyncClient(base_url=server.url, limits=limits, timeout=60) as client:
            posts = [
                client.post("/webhook", content=b, headers=signed(b))
                for _ in range(5)
                for b in bodies
            ]
            answers = await asyncio.gather(*posts)
        return [a.status_code for a in answers]

    statuses = asyncio.run(storm())
    assert statuses == [200] * 500
    eventually(lambda: services.storage.webhooks.count(processed=False) == 0, timeout=120)
    assert services.storage.webhooks.count() == 500
    numbers = [line.number for line in services.desk.list_reports()]
    assert len(numbers) == 100
    assert numbers == [f"LAP/KNJP/2026/{n:06d}" for n in range(1, 101)]


def test_bodies_stored_before_start_are_ingested_at_start(services: Services) -> None:
    """A body stored and never processed (a crash after the 200) becomes its report when the
    app starts again."""
    body = webhook("6281234500009", "wamid.before")
    services.storage.webhooks.record(body, route="KNJP", received_at=T0)
    app = create_app(services, app_secret=SECRET, verify_token=TOKEN, ingest_interval=60)
    with Loopback(app):
        eventually(lambda: services.storage.webhooks.count(processed=True) == 1)
    assert reports(services) == 1


# --- health and logs ----------------------------------------------------------------------------


def test_health_and_readiness(server: Loopback) -> None:
    """/healthz answers for the process; /readyz checks storage, evidence and messenger."""
    assert httpx.get(f"{server.url}/healthz").json() == {"status": "ok"}
    ready = httpx.get(f"{server.url}/readyz")
    assert ready.status_code == 200
    assert ready.json() == {
        "status": "ok",
        "checks": {"storage": "ok", "evidence": "ok", "messenger": "ok"},
    }


def test_readiness_fails_when_the_storage_is_gone(services: Services) -> None:
    """/readyz answers 503 with the failing check's code when the storage is closed."""
    app = create_app(services, app_secret=SECRET, verify_token=TOKEN)
    with Loopback(app) as running:
        services.storage.close()
        ready = httpx.get(f"{running.url}/readyz")
        assert httpx.get(f"{running.url}/healthz").status_code == 200
    assert ready.status_code == 503
    assert ready.json()["checks"]["storage"] == "storage_closed"


def test_access_log_is_one_json_line_without_tokens_or_numbers(
    server: Loopback, caplog: pytest.LogCaptureFixture
) -> None:
    """Each request is one JSON line: method, path, status, duration; no query string, no
    sender's number, and an unknown path is not echoed."""
    caplog.set_level(logging.INFO, logger="layanan_aduan.access")
    params = {"hub.mode": "subscribe", "hub.verify_token": TOKEN, "hub.challenge": "42"}
    httpx.get(f"{server.url}/webhook", params=params)
    body = webhook("6281234500077", "wamid.log")
    httpx.post(f"{server.url}/webhook", content=body, headers=signed(body))
    httpx.get(f"{server.url}/6281234500077")
    lines = [r.getMessage() for r in caplog.records if r.name == "layanan_aduan.access"]
    assert len(lines) == 3
    entries = [json.loads(line) for line in lines]
    assert [(e["method"], e["path"], e["status"]) for e in entries] == [
        ("GET", "/webhook", 200),
        ("POST", "/webhook", 200),
        ("GET", "(other)", 404),
    ]
    assert all(set(e) == {"method", "path", "status", "duration_ms"} for e in entries)
    everything = "\n".join(r.getMessage() for r in caplog.records)
    assert TOKEN not in everything
    assert "6281234500077" not in everything


def test_layani_without_app_secret_refuses_to_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`layanan-aduan layani` with no app secret in the environment: one Indonesian line, exit
    status 2, no server."""
    from layanan_aduan.entrypoints.cli import main

    monkeypatch.delenv("WHATSAPP_APP_SECRET", raising=False)
    status = main(["layani", "--db", str(tmp_path / "desk.sqlite3"), "--port", "1"])
    assert status == 2
    err = capsys.readouterr().err
    assert "app_secret belum diatur" in err
    assert "[missing_app_secret]" in err
