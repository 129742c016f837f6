"""
A loopback HTTP server that answers like the WhatsApp Cloud (Graph) API, for tests.

It listens on ``127.0.0.1`` on an ephemeral port, in a background thread, and answers:

- ``POST /{version}/{phone_number_id}/messages``: a send (text, template, or an interactive
  list, whose limits it checks as WhatsApp does: Graph error 131009 beyond them); success
  answers carry a fresh ``wamid``; a wrong bearer token gets Graph error 190 (HTTP 401);
- ``GET /{version}/{phone_number_id}``: the business number (what ``ping()`` reads);
- ``GET /{version}/{media_id}``: media metadata with a download URL on this server; an
  unknown id gets Graph error 100 (HTTP 400), as WhatsApp answers it;
- ``GET /download/{media_id}``: the media bytes, only with the bearer token; media added
  with :meth:`LoopbackGraphApi.add_streamed_media` are generated while they are sent (a
  100 MiB download costs the server a piece at a time), with or without a ``Content-Length``.

Scripted answers (:meth:`LoopbackGraphApi.enqueue`) come first: Graph errors, 5xx, slow
answers (timeouts), malformed JSON, dropped connections. Every request is recorded.

>>> from layanan_aduan.adapters.whatsapp.cloud_api import WhatsAppCloudApi
>>> from layanan_aduan.messaging import OutboundMessage, Recipient
>>> with LoopbackGraphApi() as graph, WhatsAppCloudApi(graph.config()) as api:
...     graph.enqueue(graph_error(131047))
...     try:
...         api.send(OutboundMessage(Recipient(phone="+6281234567890"), "k1", text="Halo"))
...     except Exception as e:
...         print(e.code)
...     print(api.send(OutboundMessage(Recipient(phone="+6281234567890"), "k1", text="Halo")))
outside_customer_service_window
SendResult(provider_message_id='wami******************0001', idempotency_key='k1', channel='whatsapp_cloud')
"""  # noqa: E501 - a doctest's expected output is one line

from __future__ import annotations

import collections
import hashlib
import json
import threading
from collections.abc import Callable, Iterable, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, urlsplit

import attrs

from layanan_aduan.adapters.whatsapp.config import WhatsAppConfig

__all__ = [
    "LoopbackGraphApi",
    "RecordedRequest",
    "ScriptedResponse",
    "dropped_connection",
    "graph_error",
    "malformed_json",
    "slow",
]

_ROUTES = ("messages", "phone_number", "media", "download")


@attrs.frozen
class ScriptedResponse:
    """
    One answer the server gives instead of its default.

    Attributes:
        status: The HTTP status.
        body: The raw body (``json`` is used when ``None``).
        json: A JSON body.
        headers: Extra headers, e.g. ``{"Retry-After": "7"}``.
        delay: Seconds to wait before answering (to provoke client timeouts).
        drop: Close the connection without answering.
    """

    status: int = 200
    body: bytes | None = None
    json: Any = None
    headers: Mapping[str, str] = attrs.field(factory=dict)
    delay: float = 0.0
    drop: bool = False


def graph_error(
    code: int,
    *,
    status: int = 400,
    message: str = "Graph API error",
    subcode: int | None = None,
    headers: Mapping[str, str] | None = None,
) -> ScriptedResponse:
    """
    A Graph API error answer: ``{"error": {"message", "type", "code", "fbtrace_id", ...}}``.
    """
    error: dict[str, Any] = {
        "message": f"(#{code}) {message}",
        "type": "OAuthException",
        "code": code,
        "error_data": {"messaging_product": "whatsapp", "details": message},
        "fbtrace_id": "AloopbackTrace01",
    }
    if subcode is not None:
        error["error_subcode"] = subcode
    return ScriptedResponse(status=status, json={"error": error}, headers=dict(headers or {}))


def slow(seconds: float, then: ScriptedResponse | None = None) -> ScriptedResponse:
    """
    An answer delayed by ``seconds`` (the default success, or ``then``).
    """
    base = then or ScriptedResponse(status=0)
    return attrs.evolve(base, delay=seconds)


def malformed_json(status: int = 200) -> ScriptedResponse:
    """
    An answer whose body is not JSON.
    """
    return ScriptedResponse(
        status=status,
        body=b'{"messages": [{"id": "wamid.',
        headers={"Content-Type": "application/json"},
    )


def dropped_connection() -> ScriptedResponse:
    """
    No answer: the connection is closed.
    """
    return ScriptedResponse(drop=True)


@attrs.frozen
class RecordedRequest:
    """
    A request the server received.
    """

    method: str
    path: str
    query: Mapping[str, tuple[str, ...]]
    headers: Mapping[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        """
        The body decoded as JSON.
        """
        return json.loads(self.body)


@attrs.frozen
class _StreamedMedia:
    chunks: Callable[[], Iterable[bytes]]
    mime_type: str
    size: int | None
    reported_sha256: str | None


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    api: LoopbackGraphApi


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        return

    def do_GET(self) -> None:
        self.server.api._handle(self)

    def do_POST(self) -> None:
        self.server.api._handle(self)


def _text_within(value: object, limit: int) -> bool:
    return isinstance(value, str) and 0 < len(value) <= limit


def _valid_list(interactive: dict[str, Any]) -> bool:  # noqa: PLR0911 - one answer per rule
    # An interactive list as the Cloud API accepts it: body 1-1024, button 1-20, header and
    # footer 60, 1-10 sections (titled when several) of 1-10 rows in all, ids unique and 200,
    # titles 24, descriptions 72.
    if interactive.get("type") != "list":
        return False
    body, action = interactive.get("body"), interactive.get("action")
    if not isinstance(body, dict) or not _text_within(body.get("text"), 1024):
        return False
    for part in ("header", "footer"):
        if part in interactive and not _text_within(interactive[part].get("text"), 60):
            return False
    if not isinstance(action, dict) or not _text_within(action.get("button"), 20):
        return False
    sections = action.get("sections")
    if not isinstance(sections, list) or not 1 <= len(sections) <= 10:
        return False
    rows = [row for section in sections for row in section.get("rows", [])]
    if not 1 <= len(rows) <= 10 or len({row.get("id") for row in rows}) != len(rows):
        return False
    if len(sections) > 1 and not all(_text_within(x.get("title"), 24) for x in sections):
        return False
    return all(
        _text_within(row.get("id"), 200)
        and _text_within(row.get("title"), 24)
        and ("description" not in row or _text_within(row["description"], 72))
        for row in rows
    )


class LoopbackGraphApi:
    """
    A Graph API double on loopback; use it as a context manager (or :meth:`start`/:meth:`stop`).

    Attributes:
        access_token: The bearer token it accepts.
        phone_number_id: The business number it serves.
        version: The Graph API version in its paths.
    """

    def __init__(
        self,
        *,
        access_token: str = "loopback-test-token",  # noqa: S107 - a test double's own token
        phone_number_id: str = "106540352242922",
        version: str = "v25.0",
    ) -> None:
        self.access_token = access_token
        self.phone_number_id = phone_number_id
        self.version = version
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._queues: dict[str, collections.deque[ScriptedResponse]] = {
            r: collections.deque() for r in _ROUTES
        }
        self._requests: list[RecordedRequest] = []
        self._media: dict[str, tuple[bytes, str, str | None]] = {}
        self._streamed: dict[str, _StreamedMedia] = {}
        self._sent = 0
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # --- lifecycle ----------------------------------------------------------------------------

    def start(self) -> LoopbackGraphApi:
        """
        Listen on ``127.0.0.1`` (an ephemeral port) and serve in a daemon thread.
        """
        server = _Server(("127.0.0.1", 0), _Handler)
        server.api = self
        self._server = server
        # A short poll interval keeps stop() quick: shutdown waits for one poll.
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.02}, name="loopback-graph-api"
        )
        self._thread.daemon = True
        self._thread.start()
        return self

    def stop(self) -> None:
        """
        Stop serving; delayed answers in progress are cut short.
        """
        self._stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None

    def __enter__(self) -> LoopbackGraphApi:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        """
        ``http://127.0.0.1:<port>``.
        """
        if self._server is None:
            raise RuntimeError("the loopback Graph API is not started")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def config(self, **overrides: Any) -> WhatsAppConfig:
        """
        A :class:`WhatsAppConfig` pointing at this server (``overrides`` replace fields).
        """
        settings: dict[str, Any] = {
            "access_token": self.access_token,
            "phone_number_id": self.phone_number_id,
            "app_secret": "loopback-app-secret",
            "verify_token": "loopback-verify-token",
            "base_url": self.base_url,
            "version": self.version,
            "timeout": 5.0,
        }
        settings.update(overrides)
        return WhatsAppConfig(**settings)

    # --- scripting ----------------------------------------------------------------------------

    def enqueue(self, *responses: ScriptedResponse, route: str = "messages") -> None:
        """
        Answer the next requests on ``route`` with ``responses``, in order.

        Routes: ``messages``, ``phone_number`` (ping), ``media`` (metadata), ``download``.
        A ``status`` of 0 means "the default answer" (used by :func:`slow`).
        """
        if route not in self._queues:
            raise ValueError(f"unknown route {route!r}; one of {_ROUTES}")
        with self._lock:
            self._queues[route].extend(responses)

    def add_media(
        self,
        media_id: str,
        content: bytes,
        mime_type: str,
        *,
        reported_sha256: str | None = None,
    ) -> None:
        """
        Serve a media file under ``media_id`` (its hash defaults to the content's, in hex).
        """
        with self._lock:
            self._media[media_id] = (bytes(content), mime_type, reported_sha256)

    def add_streamed_media(
        self,
        media_id: str,
        chunks: Callable[[], Iterable[bytes]],
        mime_type: str,
        *,
        size: int | None,
        reported_sha256: str | None = None,
    ) -> None:
        """
        Serve the bytes ``chunks()`` yields under ``media_id``, generated while they are sent.

        With ``size`` the metadata's ``file_size`` and the download's ``Content-Length`` say
        it (and the bytes must add up to it); with ``None`` neither is sent and the download
        ends when the server closes the connection, so a client learns the size only by
        reading. The metadata carries ``reported_sha256`` when given, else no hash.
        """
        with self._lock:
            self._streamed[media_id] = _StreamedMedia(chunks, mime_type, size, reported_sha256)

    @property
    def requests(self) -> tuple[RecordedRequest, ...]:
        """
        Every request received, in order.
        """
        with self._lock:
            return tuple(self._requests)

    def sent_messages(self) -> tuple[Any, ...]:
        """
        The JSON bodies of the send requests received.
        """
        return tuple(r.json for r in self.requests if r.path.endswith("/messages"))

    # --- answering ----------------------------------------------------------------------------

    def _route(self, method: str, path: str) -> tuple[str, str | None]:
        parts = path.strip("/").split("/")
        if method == "GET" and len(parts) == 2 and parts[0] == "download":
            return "download", parts[1]
        if len(parts) < 2 or parts[0] != self.version:
            return "unknown", None
        if method == "POST" and parts[1:] == [self.phone_number_id, "messages"]:
            return "messages", None
        if method == "GET" and parts[1:] == [self.phone_number_id]:
            return "phone_number", None
        if method == "GET" and len(parts) == 2:
            return "media", parts[1]
        return "unknown", None

    def _handle(self, handler: _Handler) -> None:
        url = urlsplit(handler.path)
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        request = RecordedRequest(
            method=handler.command,
            path=url.path,
            query={k: tuple(v) for k, v in parse_qs(url.query).items()},
            headers={k.lower(): v for k, v in handler.headers.items()},
            body=body,
        )
        route, item = self._route(handler.command, url.path)
        with self._lock:
            self._requests.append(request)
            queue = self._queues.get(route)
            scripted = queue.popleft() if queue else None
        if scripted is not None and scripted.delay and self._stopping.wait(scripted.delay):
            return
        if scripted is not None and scripted.drop:
            handler.close_connection = True
            return
        if scripted is not None and scripted.status != 0:
            self._write(handler, scripted)
            return
        self._write(handler, self._default(route, item, request))

    def _authorised(self, request: RecordedRequest) -> bool:
        return request.headers.get("authorization") == f"Bearer {self.access_token}"

    def _default(  # noqa: PLR0911 - one answer per route
        self, route: str, item: str | None, request: RecordedRequest
    ) -> ScriptedResponse | _StreamedMedia:
        if route == "unknown":
            return graph_error(2500, status=404, message="Unknown path components")
        if not self._authorised(request):
            if route == "download":
                return ScriptedResponse(status=401, body=b"Unauthorized")
            return graph_error(190, status=401, message="Invalid OAuth access token")
        if route == "messages":
            return self._send(request)
        if route == "phone_number":
            return ScriptedResponse(
                json={
                    "id": self.phone_number_id,
                    "display_phone_number": "6281100001111",
                    "verified_name": "Kejaksaan Negeri Jakarta Pusat",
                }
            )
        assert item is not None  # noqa: S101 - media routes carry an id
        with self._lock:
            media = self._media.get(item)
            streamed = self._streamed.get(item)
        if streamed is not None:
            return self._streamed_answer(route, item, streamed)
        if media is None:
            return graph_error(100, message="Unsupported get request", subcode=33)
        content, mime_type, reported = media
        if route == "download":
            return ScriptedResponse(body=content, headers={"Content-Type": mime_type})
        return ScriptedResponse(
            json={
                "messaging_product": "whatsapp",
                "url": f"{self.base_url}/download/{item}",
                "mime_type": mime_type,
                "sha256": reported or hashlib.sha256(content).hexdigest(),
                "file_size": len(content),
                "id": item,
            }
        )

    def _streamed_answer(
        self, route: str, item: str, streamed: _StreamedMedia
    ) -> ScriptedResponse | _StreamedMedia:
        if route == "download":
            return streamed
        meta: dict[str, Any] = {
            "messaging_product": "whatsapp",
            "url": f"{self.base_url}/download/{item}",
            "mime_type": streamed.mime_type,
            "id": item,
        }
        if streamed.size is not None:
            meta["file_size"] = streamed.size
        if streamed.reported_sha256 is not None:
            meta["sha256"] = streamed.reported_sha256
        return ScriptedResponse(json=meta)

    def _send(self, request: RecordedRequest) -> ScriptedResponse:
        try:
            payload = json.loads(request.body)
        except ValueError:
            return graph_error(100, message="Invalid JSON")
        if not isinstance(payload, dict) or payload.get("messaging_product") != "whatsapp":
            return graph_error(100, message="Invalid parameter")
        to, recipient = payload.get("to"), payload.get("recipient")
        if not (isinstance(to, str) and to) and not (isinstance(recipient, str) and recipient):
            return graph_error(100, message="Invalid parameter")
        kind = payload.get("type")
        if kind not in ("text", "template", "interactive") or not isinstance(
            payload.get(kind), dict
        ):
            return graph_error(100, message="Invalid parameter")
        if kind == "interactive" and not _valid_list(payload["interactive"]):
            return graph_error(131009, message="Parameter value is not valid")
        with self._lock:
            self._sent += 1
            number = self._sent
        contact = {"input": to, "wa_id": to} if to else {"input": recipient, "user_id": recipient}
        return ScriptedResponse(
            json={
                "messaging_product": "whatsapp",
                "contacts": [contact],
                "messages": [{"id": f"wamid.loopback{number:012d}"}],
            }
        )

    @staticmethod
    def _write(handler: _Handler, response: ScriptedResponse | _StreamedMedia) -> None:
        if isinstance(response, _StreamedMedia):
            LoopbackGraphApi._write_stream(handler, response)
            return
        if response.body is not None:
            body = response.body
            content_type = "application/octet-stream"
        else:
            body = json.dumps(response.json).encode("utf-8")
            content_type = "application/json"
        try:
            handler.send_response(response.status)
            headers = {"Content-Type": content_type, **response.headers}
            for name, value in headers.items():
                handler.send_header(name, value)
            handler.send_header("Content-Length", str(len(body)))
            handler.end_headers()
            handler.wfile.write(body)
        except OSError:
            # The client gave up (a timeout test): nothing left to answer.
            return

    @staticmethod
    def _write_stream(handler: _Handler, media: _StreamedMedia) -> None:
        try:
            handler.send_response(200)
            handler.send_header("Content-Type", media.mime_type)
            if media.size is not None:
                handler.send_header("Content-Length", str(media.size))
            else:
                handler.send_header("Connection", "close")
                handler.close_connection = True
            handler.end_headers()
            for chunk in media.chunks():
                handler.wfile.write(chunk)
        except OSError:
            # The client stopped reading (a file refused as too large): nothing left to send.
            handler.close_connection = True
            return
