"""
The desk as an ASGI application: the WhatsApp webhook, health checks, and background work.

Needs the ``web`` extra (``pip install 'layanan-aduan[web]'``: Starlette, and uvicorn to run
it). :func:`create_app` builds a Starlette app that another system mounts or that
``layanan-aduan layani`` runs:

- ``GET /webhook``: the subscription handshake (``hub.mode``, ``hub.verify_token`` compared in
  constant time, ``hub.challenge`` echoed);
- ``POST /webhook``: the content type, the size (while reading) and ``X-Hub-Signature-256``
  over the raw bytes are checked before anything is parsed; the body is routed to its office by
  business number and stored (:class:`~layanan_aduan.service_layer.webhook_intake.WebhookIntake`)
  before the 200, and ingested by a background task of the same process. At start-up and every
  ``ingest_interval`` seconds every stored body still unprocessed is ingested, so a crash after
  the 200 loses nothing;
- ``GET /healthz``: the process answers; ``GET /readyz``: the storage, the evidence store and
  (when it has a ``ping``) the messenger answer.
- ``/konsol``: the officer console (:mod:`layanan_aduan.entrypoints.console`), when ``console``
  settings are given.

Every refusal is a JSON object with a stable ``code``, an Indonesian ``message`` and an English
``message_en``, and stores nothing. Each request is logged as one JSON line on the
``layanan_aduan.access`` logger: method, path (never the query string, which carries the verify
token), status and duration; no body, no number, no name.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time as _time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping, MutableMapping
from typing import TYPE_CHECKING, Any, Final, NoReturn

from layanan_aduan.exceptions import (
    LayananAduanError,
    MessagingConfigurationError,
    StorageError,
    UnknownBusinessNumberError,
    WebhookPayloadError,
    WebhookSignatureError,
    WebhookVerificationError,
    missing_extra,
)

if TYPE_CHECKING:
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response

    from layanan_aduan.adapters.whatsapp.inbound import WebhookLimits
    from layanan_aduan.clock import Clock
    from layanan_aduan.entrypoints.console import ConsoleSettings
    from layanan_aduan.ports import EvidenceStore, Messenger, Storage
    from layanan_aduan.service_layer.bootstrap import Services
    from layanan_aduan.service_layer.dispatcher import Dispatcher
    from layanan_aduan.service_layer.routing import OfficeRouter
    from layanan_aduan.service_layer.webhook_intake import WebhookIntake

__all__ = ["WEBHOOK_PATH", "create_app"]

WEBHOOK_PATH: Final = "/webhook"
_KNOWN_PATHS: Final = frozenset(
    {
        WEBHOOK_PATH,
        "/healthz",
        "/readyz",
        "/konsol/",
        "/konsol/masuk",
        "/konsol/keluar",
        "/konsol/rekap",
    }
)
_JSON_TYPES: Final = frozenset({"application/json"})

_access = logging.getLogger("layanan_aduan.access")
_log = logging.getLogger("layanan_aduan.web")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def _require_starlette() -> None:
    try:
        import starlette  # noqa: F401
    except ImportError as e:
        raise missing_extra("starlette", "web") from e


def _status_of(error: LayananAduanError) -> int:
    if isinstance(error, WebhookSignatureError):
        return 401 if error.code == "signature_missing" else 403
    if isinstance(error, WebhookVerificationError):
        return 403
    if isinstance(error, WebhookPayloadError):
        return {"body_too_large": 413, "unsupported_media_type": 415}.get(error.code, 400)
    if isinstance(error, UnknownBusinessNumberError):
        return 422
    if isinstance(error, StorageError):
        # WhatsApp retries anything but a 200: the body comes back when the storage does.
        return 503
    return 400


def _refusal(error: LayananAduanError) -> Response:
    from starlette.responses import JSONResponse

    return JSONResponse(
        {"code": error.code, "message": error.message, "message_en": error.message_en},
        status_code=_status_of(error),
    )


def _too_large(limit: int) -> WebhookPayloadError:
    return WebhookPayloadError(
        f"Isi webhook melebihi batas {limit} bita; tidak ada yang disimpan.",
        f"The webhook body exceeds the limit of {limit} bytes; nothing was stored.",
        code="body_too_large",
        field="$",
        details={"limit": limit},
    )


def _wrong_content_type() -> WebhookPayloadError:
    return WebhookPayloadError(
        "Webhook harus dikirim sebagai application/json; tidak ada yang disimpan.",
        "A webhook must be sent as application/json; nothing was stored.",
        code="unsupported_media_type",
        field="Content-Type",
    )


async def _read_limited(request: Request, limit: int) -> bytes:
    """
    The body, refused as soon as it is known to exceed ``limit`` (before reading it whole).
    """
    declared = request.headers.get("content-length")
    if declared is not None:
        if not declared.strip().isdigit():
            raise WebhookPayloadError(
                "Header Content-Length tidak sah.",
                "The Content-Length header is invalid.",
                code="invalid_content_length",
                field="Content-Length",
            )
        if int(declared) > limit:
            raise _too_large(limit)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _too_large(limit)
        chunks.append(chunk)
    return b"".join(chunks)


def _logged_path(path: str) -> str:
    """
    The path as logged: a known one, a console report's page by its template, else ``(other)``.
    """
    if path in _KNOWN_PATHS:
        return path
    parts = path.split("/")
    if parts[1:3] == ["konsol", "laporan"] and len(parts) > 3 and parts[3]:
        if len(parts) == 4:
            return "/konsol/laporan/{id}"
        if parts[4:] == ["langkah"]:
            return "/konsol/laporan/{id}/langkah"
        if len(parts) == 6 and parts[4] == "bukti":
            return "/konsol/laporan/{id}/bukti/{sha256}"
    return "(other)"


class _AccessLog:
    """
    ASGI middleware: one JSON line per HTTP request, without query strings or bodies.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = _time.perf_counter()
        status = 500

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            path = scope.get("path", "")
            line = {
                "method": str(scope.get("method", ""))[:16],
                # Any other path is whatever a client typed: never echoed into the log.
                "path": _logged_path(path),
                "status": status,
                "duration_ms": round((_time.perf_counter() - started) * 1000, 3),
            }
            _access.info(json.dumps(line, separators=(",", ":")))


class _Background:
    """
    The work the app does beside its requests: ingesting stored webhooks, and optionally the
    dispatchers and the SLA sweeps, each on its own interval, each in a worker thread.
    """

    def __init__(
        self,
        intake: WebhookIntake,
        *,
        ingest_interval: float,
        dispatchers: Iterable[Dispatcher],
        dispatch_interval: float,
        sla_interval: float | None,
    ) -> None:
        self.intake = intake
        self.ingest_interval = ingest_interval
        self.dispatchers = tuple(dispatchers)
        self.dispatch_interval = dispatch_interval
        self.sla_interval = sla_interval
        self.wake = asyncio.Event()
        self.stopping = asyncio.Event()
        self.tasks: list[asyncio.Task[None]] = []

    async def _every(
        self, interval: float, work: Callable[[], object], name: str, wake: asyncio.Event | None
    ) -> None:
        from starlette.concurrency import run_in_threadpool

        while not self.stopping.is_set():
            if wake is not None:
                wake.clear()
            try:
                await run_in_threadpool(work)
            except LayananAduanError as e:
                _log.warning("%s failed: %s", name, e.code)
            except Exception as e:  # a background loop must outlive one bad round
                _log.error("%s failed: %s", name, type(e).__name__)
            waiters = [asyncio.ensure_future(self.stopping.wait())]
            if wake is not None:
                waiters.append(asyncio.ensure_future(wake.wait()))
            _, pending = await asyncio.wait(
                waiters, timeout=interval, return_when=asyncio.FIRST_COMPLETED
            )
            for p in pending:
                p.cancel()

    def start(self) -> None:
        # Fresh for each start: an app may be started again (in another event loop).
        self.wake = asyncio.Event()
        self.stopping = asyncio.Event()
        self.tasks = []
        self.tasks.append(
            asyncio.create_task(
                self._every(self.ingest_interval, self.intake.process_pending, "ingest", self.wake)
            )
        )
        for dispatcher in self.dispatchers:
            self.tasks.append(
                asyncio.create_task(
                    self._every(self.dispatch_interval, dispatcher.run_once, "dispatch", None)
                )
            )
        if self.sla_interval is not None:
            for desk in self.intake.router.desks.values():
                self.tasks.append(
                    asyncio.create_task(self._every(self.sla_interval, desk.sweep_sla, "sla", None))
                )

    async def stop(self) -> None:
        # Each loop finishes the round it is in (a dispatcher's batch is sent or released by
        # its own bookkeeping) and then stops; nothing is cancelled mid-transaction.
        self.stopping.set()
        if self.tasks:
            await asyncio.gather(*self.tasks, return_exceptions=True)


class _GroupRecorder:
    """
    Stores the bodies of concurrent requests together: one transaction, one flush to disk.

    Each request queues its routed body and awaits its id; one task takes everything queued
    while the previous write was running and writes it in one transaction. With one writer per
    process, SQLite's lock sees the recorder and the ingest loop only, never a crowd.
    """

    def __init__(self, intake: WebhookIntake, max_batch: int = 256) -> None:
        self.intake = intake
        self.max_batch = max_batch
        self.queue: asyncio.Queue[tuple[bytes, str, asyncio.Future[int]]] | None = None
        self.task: asyncio.Task[None] | None = None

    async def record(self, body: bytes, route: str) -> int:
        if self.queue is None or self.task is None or self.task.done():
            # Started on first use, in the server's own event loop.
            self.queue = asyncio.Queue()
            self.task = asyncio.create_task(self._run(self.queue))
        done: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        await self.queue.put((body, route, done))
        return await done

    async def _run(self, queue: asyncio.Queue[tuple[bytes, str, asyncio.Future[int]]]) -> None:
        from starlette.concurrency import run_in_threadpool

        while True:
            batch = [await queue.get()]
            while len(batch) < self.max_batch and not queue.empty():
                batch.append(queue.get_nowait())
            try:
                ids = await run_in_threadpool(
                    self.intake.record_many, [(body, route) for body, route, _ in batch]
                )
            except Exception as e:  # every waiting request answers with the error
                for _, _, done in batch:
                    if not done.done():
                        done.set_exception(e)
            else:
                for (_, _, done), webhook_id in zip(batch, ids, strict=True):
                    if not done.done():
                        done.set_result(webhook_id)

    async def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.task


class _Endpoints:
    """
    The request handlers of the app.
    """

    def __init__(
        self,
        *,
        intake: WebhookIntake,
        background: _Background,
        app_secret: str | None,
        verify_token: str | None,
        max_bytes: int,
        pings: list[tuple[str, Callable[[], None] | None]],
    ) -> None:
        self.intake = intake
        self.recorder = _GroupRecorder(intake)
        self.background = background
        self.app_secret = app_secret
        self.verify_token = verify_token
        self.max_bytes = max_bytes
        self.pings: list[tuple[str, Callable[[], None]]] = [
            (name, ping) for name, ping in pings if ping is not None
        ]

    async def handshake(self, request: Request) -> Response:
        from starlette.responses import PlainTextResponse

        from layanan_aduan.adapters.whatsapp.inbound import answer_subscription

        if not self.verify_token:
            return _refusal(
                WebhookVerificationError(
                    "Token verifikasi belum diatur: pendaftaran webhook ditolak.",
                    "No verify token is set: the webhook subscription is refused.",
                    code="verification_not_configured",
                    field="hub.verify_token",
                )
            )
        params: Mapping[str, str] = dict(request.query_params)
        try:
            challenge = answer_subscription(params, self.verify_token)
        except LayananAduanError as e:
            return _refusal(e)
        return PlainTextResponse(challenge)

    async def receive(self, request: Request) -> Response:
        from starlette.responses import JSONResponse

        from layanan_aduan.adapters.whatsapp.inbound import SIGNATURE_HEADER, verify_signature

        try:
            media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
            if media_type not in _JSON_TYPES:
                raise _wrong_content_type()
            body = await _read_limited(request, self.max_bytes)
            if self.app_secret:
                verify_signature(body, request.headers.get(SIGNATURE_HEADER), self.app_secret)
            # Parsing a body of at most max_bytes takes a millisecond or so: done on the event
            # loop, it saves two thread hand-offs per request (each of them a wait for the GIL
            # while an ingest runs).
            route = self.intake.route(body)
            if route is not None:
                await self.recorder.record(body, route)
        except LayananAduanError as e:
            _log.warning("webhook refused: %s", e.code)
            return _refusal(e)
        if route is not None:
            self.background.wake.set()
        return JSONResponse({"received": True})

    async def healthz(self, request: Request) -> Response:
        from starlette.responses import JSONResponse

        return JSONResponse({"status": "ok"})

    def _check_ready(self) -> dict[str, str]:
        checks: dict[str, str] = {}
        for name, ping in self.pings:
            try:
                ping()
            except LayananAduanError as e:
                checks[name] = e.code
            except Exception as e:  # a readiness probe reports, it does not crash
                checks[name] = type(e).__name__
            else:
                checks[name] = "ok"
        return checks

    async def readyz(self, request: Request) -> Response:
        from starlette.concurrency import run_in_threadpool
        from starlette.responses import JSONResponse

        checks = await run_in_threadpool(self._check_ready)
        ready = all(v == "ok" for v in checks.values())
        return JSONResponse(
            {"status": "ok" if ready else "unavailable", "checks": checks},
            status_code=200 if ready else 503,
        )


def _unknown_console_office(office: str) -> NoReturn:
    raise MessagingConfigurationError(
        "Kantor konsol tidak ada di antara meja layanan aplikasi.",
        "The console's office is not among the app's desks.",
        field="console.office",
        code="console_office_unknown",
        details={"office": office[:64]},
    )


def create_app(
    target: Services | OfficeRouter,
    *,
    app_secret: str | None,
    verify_token: str | None,
    allow_unsigned: bool = False,
    storage: Storage | None = None,
    clock: Clock | None = None,
    evidence: EvidenceStore | None = None,
    messenger: Messenger | None = None,
    limits: WebhookLimits | None = None,
    ingest_interval: float = 30.0,
    dispatchers: Iterable[Dispatcher] = (),
    dispatch_interval: float = 5.0,
    sla_interval: float | None = None,
    console: ConsoleSettings | None = None,
) -> Starlette:
    """
    Build the ASGI app for one desk (:class:`Services`) or several (:class:`OfficeRouter`).

    Args:
        target: What :func:`~layanan_aduan.service_layer.bootstrap.bootstrap` built, or a
            router over the desks of several offices (which then share ``storage``).
        app_secret: The app secret that signs webhook bodies. Every ``POST`` must carry a
            valid ``X-Hub-Signature-256``.
        verify_token: The token of the subscription handshake (``None``: the handshake is
            refused).
        allow_unsigned: Accept unsigned bodies when no ``app_secret`` is given (for a test
            bench only; never on a public address).
        storage: Where received bodies are kept (default: the desks' storage).
        clock: The clock (default: the first desk's).
        evidence: The evidence store ``/readyz`` pings (default: the first desk's).
        messenger: The messenger ``/readyz`` pings when it has ``ping`` (default: that of
            ``target``'s dispatcher, when ``target`` is :class:`Services`).
        limits: Bounds on a webhook body (the WhatsApp adapter's defaults: 3 MiB...).
        ingest_interval: Seconds between runs that ingest stored bodies not yet processed
            (each ``POST`` also wakes the ingest at once).
        dispatchers: Dispatchers to run every ``dispatch_interval`` seconds in the app's
            process (``layanan-aduan layani`` passes the desk's).
        dispatch_interval: Seconds between dispatcher runs.
        sla_interval: Seconds between SLA sweeps of every desk (``None``: no sweeps here).
        console: Serve the officer console at ``/konsol`` with these settings
            (:mod:`layanan_aduan.entrypoints.console`; needs the ``console`` extra). With
            several desks, ``console.office`` names the one it serves (default: the first).

    Raises:
        MissingDependencyError: Starlette is not installed (extra ``web``).
        MessagingConfigurationError: No ``app_secret`` and ``allow_unsigned`` not set.
    """
    _require_starlette()
    from starlette.applications import Starlette
    from starlette.routing import BaseRoute, Mount, Route

    from layanan_aduan.adapters.whatsapp.inbound import (
        DEFAULT_WEBHOOK_LIMITS,
        parse_webhook,
    )
    from layanan_aduan.service_layer.routing import OfficeRouter
    from layanan_aduan.service_layer.webhook_intake import WebhookIntake

    if not app_secret and not allow_unsigned:
        raise MessagingConfigurationError(
            "app_secret belum diatur: webhook tanpa tanda tangan tidak diterima "
            "(allow_unsigned=True hanya untuk pengujian).",
            "app_secret is not set: unsigned webhooks are not accepted "
            "(allow_unsigned=True is for tests only).",
            field="app_secret",
            code="missing_app_secret",
        )
    if isinstance(target, OfficeRouter):
        router = target
        if not router.desks:
            raise MessagingConfigurationError(
                "Router tidak memiliki meja layanan satu pun.",
                "The router has no desk.",
                field="target",
                code="no_desks",
            )
        first = next(iter(router.desks.values()))
    else:
        router = OfficeRouter([target.desk])
        first = target.desk
        storage = target.storage if storage is None else storage
        messenger = target.dispatcher.messenger if messenger is None else messenger
    storage = first.storage if storage is None else storage
    clock = first.clock if clock is None else clock
    evidence = first.evidence if evidence is None else evidence
    body_limits = DEFAULT_WEBHOOK_LIMITS if limits is None else limits
    max_bytes = body_limits.max_body_bytes

    intake = WebhookIntake(
        router, storage, clock, lambda body: parse_webhook(body, limits=body_limits)
    )
    background = _Background(
        intake,
        ingest_interval=ingest_interval,
        dispatchers=dispatchers,
        dispatch_interval=dispatch_interval,
        sla_interval=sla_interval,
    )

    endpoints = _Endpoints(
        intake=intake,
        background=background,
        app_secret=app_secret or None,
        verify_token=verify_token or None,
        max_bytes=max_bytes,
        pings=[
            ("storage", storage.ping),
            ("evidence", evidence.ping),
            ("messenger", getattr(messenger, "ping", None)),
        ],
    )

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        background.start()
        try:
            yield
        finally:
            # uvicorn has finished the requests in flight: every body they took is stored.
            await endpoints.recorder.stop()
            await background.stop()

    routes: list[BaseRoute] = [
        Route(WEBHOOK_PATH, endpoints.handshake, methods=["GET"]),
        Route(WEBHOOK_PATH, endpoints.receive, methods=["POST"]),
        Route("/healthz", endpoints.healthz, methods=["GET"]),
        Route("/readyz", endpoints.readyz, methods=["GET"]),
    ]
    if console is not None:
        from layanan_aduan.entrypoints.console import CONSOLE_PATH, create_console

        desk = first
        if console.office is not None:
            desk = router.desks.get(console.office) or _unknown_console_office(console.office)
        routes.append(Mount(CONSOLE_PATH, app=create_console(desk, console)))
    app = Starlette(
        routes=routes,
        lifespan=lifespan,
    )
    app.state.intake = intake
    app.add_middleware(_AccessLog)
    return app
