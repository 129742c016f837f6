"""
The WhatsApp Cloud API over httpx: sending messages, fetching media, a health check.

Install the ``whatsapp`` extra (``pip install 'layanan-aduan[whatsapp]'``); without it,
importing this module raises :class:`~layanan_aduan.exceptions.MissingDependencyError`
(code ``missing_extra``) saying so. The adapter
implements the :class:`~layanan_aduan.messaging.Messenger` and
:class:`~layanan_aduan.messaging.MediaFetcher` ports. Graph API errors become the library's
errors (:func:`map_graph_error`): rate limits and outages are retryable
(:class:`~layanan_aduan.exceptions.MessagingRetryLaterError`, with ``retry_after`` when the
API gives one); 131047 asks for the approved template instead of text
(:class:`~layanan_aduan.exceptions.OutsideCustomerServiceWindowError`); 131062 asks for the
telephone number instead of the user id.

The HTTP client is built on first use (never at import or construction), and the access
token is sent per request, never kept in a ``repr`` or written to a log.
"""

from __future__ import annotations

import json
import os
import re
import threading
from collections.abc import Mapping
from types import TracebackType
from typing import Any, Final
from urllib.parse import urlsplit

from layanan_aduan.adapters.whatsapp.config import WhatsAppConfig
from layanan_aduan.exceptions import (
    InvalidRecipientError,
    MediaFetchError,
    MediaNotFoundError,
    MessageRejectedError,
    MessagingAuthError,
    MessagingError,
    MessagingRateLimitedError,
    MessagingRetryLaterError,
    MessagingUnavailableError,
    OutsideCustomerServiceWindowError,
    RecipientIdNotSupportedError,
    RecipientUnreachableError,
    missing_extra,
)
from layanan_aduan.media import FetchedMedia, media_too_large
from layanan_aduan.messaging import InteractiveList, OutboundMessage, SendResult

try:
    import httpx
except ImportError as e:  # the whatsapp extra is not installed
    raise missing_extra("httpx", "whatsapp") from e

__all__ = [
    "AUTH_CODES",
    "INVALID_RECIPIENT_CODES",
    "RATE_LIMIT_CODES",
    "UNAVAILABLE_CODES",
    "WhatsAppCloudApi",
    "map_graph_error",
]

#: Throughput (130429), pair (131056), spam (131048), WABA (80007) and app (4) rate limits.
RATE_LIMIT_CODES: Final = frozenset({4, 80007, 130429, 131048, 131056})
#: Token refused, expired or lacking permission.
AUTH_CODES: Final = frozenset({0, 10, 190, 131005, *range(200, 300)})
#: Transient failures on WhatsApp's side: unknown, service, generic, unavailable, maintenance.
UNAVAILABLE_CODES: Final = frozenset({1, 2, 131000, 131016, 131057})
#: The recipient cannot take this message: it is the sender (131021), or not allowed (131030).
INVALID_RECIPIENT_CODES: Final = frozenset({131021, 131030})
_OUTSIDE_WINDOW = 131047
_UNDELIVERABLE = 131026
_USER_ID_NOT_SUPPORTED = 131062
_MEDIA_ID = re.compile(r"[A-Za-z0-9_\-]{1,128}")
_CHUNK = 64 * 1024


def _retry_after(headers: Mapping[str, str]) -> float | None:
    value = headers.get("retry-after")
    if value is not None and value.strip().isdigit():
        return float(int(value.strip()))
    usage = headers.get("x-business-use-case-usage")
    if usage:
        # {"<business id>": [{"type": "whatsapp", "estimated_time_to_regain_access": <minutes>}]}
        try:
            parsed = json.loads(usage)
        except ValueError:
            return None
        minutes = [
            entry.get("estimated_time_to_regain_access")
            for entries in (parsed.values() if isinstance(parsed, dict) else [])
            if isinstance(entries, list)
            for entry in entries
            if isinstance(entry, dict)
        ]
        waits = [m for m in minutes if isinstance(m, int) and not isinstance(m, bool) and m > 0]
        if waits:
            return float(max(waits) * 60)
    return None


def map_graph_error(
    status: int,
    body: object,
    headers: Mapping[str, str] | None = None,
) -> MessagingError:
    """
    The library's error for a Graph API error answer.

    The Graph error ``code`` decides first (Meta asks clients to build on it, not on HTTP
    statuses), then the HTTP status. ``details`` carry ``http_status``, ``graph_code``,
    ``graph_subcode`` and ``fbtrace_id``, never the API's free text.

    Args:
        status: The HTTP status.
        body: The decoded JSON answer, or ``None`` when it was not JSON.
        headers: The answer's headers (lowercase names), for ``Retry-After``.

    >>> error = {"error": {"code": 131047, "message": "(#131047) Re-engagement message"}}
    >>> type(map_graph_error(400, error)).__name__
    'OutsideCustomerServiceWindowError'
    >>> limited = map_graph_error(429, {"error": {"code": 130429}}, {"retry-after": "7"})
    >>> limited.code, limited.retryable, limited.retry_after
    ('rate_limited', True, 7.0)
    >>> map_graph_error(503, None).code
    'messaging_unavailable'
    """
    graph = body.get("error") if isinstance(body, dict) else None
    graph = graph if isinstance(graph, dict) else {}
    raw_code = graph.get("code")
    code = raw_code if isinstance(raw_code, int) and not isinstance(raw_code, bool) else None
    subcode = graph.get("error_subcode")
    trace = graph.get("fbtrace_id")
    details: dict[str, Any] = {"http_status": status, "graph_code": code}
    if isinstance(subcode, int) and not isinstance(subcode, bool):
        details["graph_subcode"] = subcode
    if isinstance(trace, str) and len(trace) <= 64:
        details["fbtrace_id"] = trace
    lowered = {k.lower(): v for k, v in (headers or {}).items()}
    shown = f" (kode {code})" if code is not None else f" (HTTP {status})"
    shown_en = f" (code {code})" if code is not None else f" (HTTP {status})"

    cls, message, message_en, field = _ERRORS[_classify(status, code)]
    if issubclass(cls, MessagingRetryLaterError):
        return cls(
            message.format(shown=shown),
            message_en.format(shown=shown_en),
            retry_after=_retry_after(lowered),
            field=field,
            details=details,
        )
    return cls(
        message.format(shown=shown), message_en.format(shown=shown_en), field=field, details=details
    )


def _classify(status: int, code: int | None) -> str:  # noqa: PLR0911 - one answer per row of the table
    if code == _OUTSIDE_WINDOW:
        return "outside_window"
    if code == _USER_ID_NOT_SUPPORTED:
        return "user_id_not_supported"
    if status == 429 or code in RATE_LIMIT_CODES:
        return "rate_limited"
    if code in AUTH_CODES or (code is None and status in (401, 403)):
        return "auth"
    if status >= 500 or code in UNAVAILABLE_CODES or not 400 <= status < 500:
        return "unavailable"
    if code == _UNDELIVERABLE:
        return "unreachable"
    if code in INVALID_RECIPIENT_CODES:
        return "invalid_recipient"
    return "rejected"


_ERRORS: Final[dict[str, tuple[type[MessagingError], str, str, str | None]]] = {
    "outside_window": (
        OutsideCustomerServiceWindowError,
        "Di luar jendela layanan 24 jam: kirim templat yang sudah disetujui.",
        "Outside the 24-hour customer-service window: send an approved template.",
        None,
    ),
    "user_id_not_supported": (
        RecipientIdNotSupportedError,
        "Pesan ini tidak dapat dikirim ke user id; kirim ke nomor telepon.",
        "This message cannot be sent to a user id; send it to the telephone number.",
        "recipient",
    ),
    "rate_limited": (
        MessagingRateLimitedError,
        "Batas laju WhatsApp tercapai; coba lagi nanti{shown}.",
        "WhatsApp rate limit hit; retry later{shown}.",
        None,
    ),
    "auth": (
        MessagingAuthError,
        "Token akses WhatsApp ditolak; perbarui token{shown}.",
        "The WhatsApp access token was refused; renew it{shown}.",
        None,
    ),
    "unavailable": (
        MessagingUnavailableError,
        "Layanan WhatsApp sedang tidak tersedia; coba lagi nanti{shown}.",
        "The WhatsApp service is unavailable; retry later{shown}.",
        None,
    ),
    "unreachable": (
        RecipientUnreachableError,
        "Pesan tidak dapat diantar ke penerima untuk saat ini{shown}.",
        "The message cannot be delivered to the recipient for now{shown}.",
        "recipient",
    ),
    "invalid_recipient": (
        InvalidRecipientError,
        "Penerima tidak dapat menerima pesan ini{shown}.",
        "The recipient cannot receive this message{shown}.",
        "recipient",
    ),
    "rejected": (
        MessageRejectedError,
        "WhatsApp menolak pesan ini{shown}.",
        "WhatsApp refused this message{shown}.",
        None,
    ),
}


def _transport_error(error: httpx.HTTPError, *, ambiguous: bool) -> MessagingUnavailableError:
    if isinstance(error, httpx.ConnectError | httpx.ConnectTimeout):
        return MessagingUnavailableError(
            "Tidak dapat terhubung ke WhatsApp Cloud API.",
            "Cannot connect to the WhatsApp Cloud API.",
            code="messaging_connection_failed",
            details={"ambiguous": False, "error": type(error).__name__},
        )
    if isinstance(error, httpx.TimeoutException):
        return MessagingUnavailableError(
            "WhatsApp Cloud API tidak menjawab tepat waktu.",
            "The WhatsApp Cloud API did not answer in time.",
            code="messaging_timeout",
            details={"ambiguous": ambiguous, "error": type(error).__name__},
        )
    return MessagingUnavailableError(
        "Hubungan dengan WhatsApp Cloud API terputus.",
        "The connection to the WhatsApp Cloud API failed.",
        details={"ambiguous": ambiguous, "error": type(error).__name__},
    )


def _malformed(*, ambiguous: bool, status: int) -> MessagingUnavailableError:
    return MessagingUnavailableError(
        "Jawaban WhatsApp Cloud API tidak dapat dibaca.",
        "The WhatsApp Cloud API's answer cannot be read.",
        code="malformed_response",
        details={"ambiguous": ambiguous, "http_status": status},
    )


def _list_payload(interactive: InteractiveList) -> dict[str, Any]:
    # The Cloud API's interactive list object; absent optional parts are left out.
    sections = []
    for section in interactive.sections:
        rows = []
        for row in section.rows:
            item = {"id": row.id, "title": row.title}
            if row.description is not None:
                item["description"] = row.description
            rows.append(item)
        spec: dict[str, Any] = {"rows": rows}
        if section.title is not None:
            spec["title"] = section.title
        sections.append(spec)
    payload: dict[str, Any] = {"type": "list"}
    if interactive.header is not None:
        payload["header"] = {"type": "text", "text": interactive.header}
    payload["body"] = {"text": interactive.body}
    if interactive.footer is not None:
        payload["footer"] = {"text": interactive.footer}
    payload["action"] = {"button": interactive.button, "sections": sections}
    return payload


def _json(response: httpx.Response) -> object:
    try:
        return response.json()
    except ValueError:  # json.JSONDecodeError and UnicodeDecodeError are both ValueErrors
        return None


class WhatsAppCloudApi:
    """
    The WhatsApp Cloud API: a :class:`~layanan_aduan.messaging.Messenger` and a
    :class:`~layanan_aduan.messaging.MediaFetcher`.

    Thread-safe. Close it (or use it as a context manager) to release its connections; a
    client passed in is left for its owner to close. Fetched media are streamed into private
    temporary files under ``spool_dir`` (default: the system's temporary directory).

    >>> api = WhatsAppCloudApi(
    ...     WhatsAppConfig(access_token="EAAG-secret", phone_number_id="106540352242922")
    ... )
    >>> api
    WhatsAppCloudApi(phone_number_id='106540352242922', base_url='https://graph.facebook.com', version='v25.0')
    """  # noqa: E501 - a doctest's expected output is one line

    channel = "whatsapp_cloud"

    def __init__(
        self,
        config: WhatsAppConfig,
        *,
        client: httpx.Client | None = None,
        spool_dir: str | os.PathLike[str] | None = None,
    ) -> None:
        self.config = config
        self.spool_dir = spool_dir
        self._client = client
        self._owns_client = client is None
        self._lock = threading.Lock()

    @classmethod
    def from_env(
        cls,
        environ: Mapping[str, str] | None = None,
        *,
        client: httpx.Client | None = None,
        spool_dir: str | os.PathLike[str] | None = None,
    ) -> WhatsAppCloudApi:
        """
        The adapter configured from ``WHATSAPP_*`` environment variables
        (see :meth:`WhatsAppConfig.from_env`); nothing connects yet.

        Raises:
            MessagingConfigurationError: A required variable is unset or a value is invalid.
        """
        return cls(WhatsAppConfig.from_env(environ), client=client, spool_dir=spool_dir)

    # --- plumbing -----------------------------------------------------------------------------

    def _http(self) -> httpx.Client:
        with self._lock:
            if self._client is None:
                self._client = httpx.Client(
                    timeout=httpx.Timeout(self.config.timeout), follow_redirects=False
                )
            return self._client

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.config.access_token}"}

    def _request(
        self, method: str, url: str, *, ambiguous: bool, **kwargs: Any
    ) -> tuple[httpx.Response, object]:
        try:
            response = self._http().request(method, url, headers=self._headers(), **kwargs)
        except httpx.HTTPError as e:
            raise _transport_error(e, ambiguous=ambiguous) from e
        body = _json(response)
        if not response.is_success:
            raise map_graph_error(response.status_code, body, response.headers)
        if not isinstance(body, dict):
            raise _malformed(ambiguous=ambiguous, status=response.status_code)
        return response, body

    def close(self) -> None:
        """
        Release the HTTP connections (only those of a client this adapter built).
        """
        with self._lock:
            client, self._client = self._client, None
        if client is not None and self._owns_client:
            client.close()

    def __enter__(self) -> WhatsAppCloudApi:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return (
            f"WhatsAppCloudApi(phone_number_id={self.config.phone_number_id!r}, "
            f"base_url={self.config.base_url!r}, version={self.config.version!r})"
        )

    # --- Messenger ----------------------------------------------------------------------------

    @staticmethod
    def payload(message: OutboundMessage) -> dict[str, Any]:
        """
        The JSON body the Cloud API is sent for ``message``.

        The telephone number goes in ``to`` when known, else the user id in ``recipient``;
        the idempotency key goes in ``biz_opaque_callback_data``, which status callbacks
        echo back. An interactive list goes as ``"type": "interactive"`` with
        ``"interactive": {"type": "list", ...}`` (header and footer as text when given, a
        row's description only when it has one).

        >>> from layanan_aduan.messaging import Recipient, TemplateRef
        >>> WhatsAppCloudApi.payload(OutboundMessage(
        ...     Recipient(user_id="ID.13491208655302741918"), "lap-1:ack",
        ...     template=TemplateRef("aduan_tanda_terima", "id", ("LAP-2026-000123",)),
        ... ))
        {'messaging_product': 'whatsapp', 'recipient_type': 'individual', 'recipient': 'ID.13491208655302741918', 'biz_opaque_callback_data': 'lap-1:ack', 'type': 'template', 'template': {'name': 'aduan_tanda_terima', 'language': {'code': 'id'}, 'components': [{'type': 'body', 'parameters': [{'type': 'text', 'text': 'LAP-2026-000123'}]}]}}
        """  # noqa: E501 - a doctest's expected output is one line
        body: dict[str, Any] = {"messaging_product": "whatsapp", "recipient_type": "individual"}
        recipient = message.recipient
        if recipient.phone is not None:
            body["to"] = recipient.phone.removeprefix("+")
        else:
            body["recipient"] = recipient.user_id
        body["biz_opaque_callback_data"] = message.idempotency_key
        if message.reply_to is not None:
            body["context"] = {"message_id": message.reply_to}
        if message.text is not None:
            body["type"] = "text"
            body["text"] = {"preview_url": False, "body": message.text}
        elif message.interactive is not None:
            body["type"] = "interactive"
            body["interactive"] = _list_payload(message.interactive)
        else:
            template = message.template
            assert template is not None  # noqa: S101 - a message holds text, a template or a list
            spec: dict[str, Any] = {"name": template.name, "language": {"code": template.language}}
            if template.parameters:
                parameters = [{"type": "text", "text": p} for p in template.parameters]
                spec["components"] = [{"type": "body", "parameters": parameters}]
            body["type"] = "template"
            body["template"] = spec
        return body

    def send(self, message: OutboundMessage) -> SendResult:
        """
        Send ``message``; answer the ``wamid`` WhatsApp gave it.

        Raises:
            MessagingRetryLaterError: Rate limits, outages, timeouts, refused connections,
                token problems, 131026; ``details["ambiguous"]`` is true when the message
                may have been sent anyway (a timeout after the request was written).
            OutsideCustomerServiceWindowError: 131047; send the approved template instead.
            RecipientIdNotSupportedError: 131062; send to the telephone number instead.
            MessageRejectedError: Any other refusal of the message as it stands.
        """
        _, body = self._request(
            "POST", self.config.messages_url, json=self.payload(message), ambiguous=True
        )
        assert isinstance(body, dict)  # noqa: S101 - _request answers a JSON object
        messages = body.get("messages")
        first = messages[0] if isinstance(messages, list) and messages else None
        provider_id = first.get("id") if isinstance(first, dict) else None
        if not isinstance(provider_id, str) or not provider_id:
            raise _malformed(ambiguous=True, status=200)
        return SendResult(provider_id, message.idempotency_key, self.channel)

    def ping(self) -> None:
        """
        Check that the API answers and the token may read the business number.

        Raises:
            MessagingError: As :meth:`send` maps it (auth, outage, timeout...).
        """
        url = f"{self.config.api_root}/{self.config.phone_number_id}"
        _, body = self._request("GET", url, params={"fields": "id"}, ambiguous=False)
        assert isinstance(body, dict)  # noqa: S101 - _request answers a JSON object
        if body.get("id") != self.config.phone_number_id:
            raise _malformed(ambiguous=False, status=200)

    # --- MediaFetcher -------------------------------------------------------------------------

    def _trusted(self, url: str) -> bool:
        parts = urlsplit(url)
        base = urlsplit(self.config.base_url)
        if parts.username or parts.password:
            return False
        same_origin = (parts.scheme, parts.netloc) == (base.scheme, base.netloc)
        return same_origin or (
            parts.scheme == "https" and parts.hostname in self.config.media_hosts
        )

    def fetch(self, media_id: str, *, max_bytes: int | None = None) -> FetchedMedia:
        """
        Fetch an inbound media file: its id gives a short-lived URL, downloaded with the token.

        The download is streamed into a private temporary file
        (:class:`~layanan_aduan.media.FetchedMedia`; close it when done), hashed on the way.
        The size limit is checked against the metadata's ``file_size`` and the answer's
        ``Content-Length`` before anything is read, and on every piece while reading.

        Args:
            media_id: The media id from the webhook (valid for 7 days).
            max_bytes: Refuse files larger than this (capped by ``config.max_media_bytes``).

        Raises:
            MediaNotFoundError: The id is malformed, unknown or expired.
            MediaTooLargeError: The file is larger than the limit.
            MediaFetchError: The API pointed to a URL the token may not be sent to, or
                described the media in a way that cannot be read.
            MessagingRetryLaterError: Outages, timeouts, rate limits, an expired URL, a
                temporary file that cannot be written.
        """
        limit = self.config.max_media_bytes
        if max_bytes is not None:
            limit = min(limit, max_bytes)
        if not isinstance(media_id, str) or not _MEDIA_ID.fullmatch(media_id):
            raise MediaNotFoundError(
                "Id media tidak sah.",
                "The media id is not valid.",
                code="media_id_invalid",
                field="media_id",
            )
        url = f"{self.config.api_root}/{media_id}"
        try:
            _, meta = self._request(
                "GET",
                url,
                params={"phone_number_id": self.config.phone_number_id},
                ambiguous=False,
            )
        except MessageRejectedError as e:
            graph_code = e.details.get("graph_code")
            status = e.details.get("http_status")
            if status == 404 or (graph_code == 100 and status == 400):
                raise MediaNotFoundError(
                    "Media tidak ditemukan atau sudah kedaluwarsa.",
                    "The media was not found or has expired.",
                    field="media_id",
                    details=e.details,
                ) from e
            raise
        assert isinstance(meta, dict)  # noqa: S101 - _request answers a JSON object
        download_url = meta.get("url")
        if not isinstance(download_url, str) or not download_url:
            raise MediaFetchError(
                "Jawaban media WhatsApp tidak berisi URL.",
                "The WhatsApp media answer holds no URL.",
                code="media_answer_malformed",
            )
        size = meta.get("file_size")
        if isinstance(size, int) and not isinstance(size, bool) and size > limit:
            raise media_too_large(limit, size)
        if not self._trusted(download_url):
            raise MediaFetchError(
                "URL media bukan milik WhatsApp; token tidak dikirim ke sana.",
                "The media URL is not WhatsApp's; the token is not sent there.",
                code="media_url_untrusted",
            )
        reported_mime = meta.get("mime_type")
        reported = meta.get("sha256")
        return self._download(
            download_url,
            limit,
            media_id=media_id,
            mime_type=reported_mime if isinstance(reported_mime, str) and reported_mime else None,
            reported_sha256=reported if isinstance(reported, str) else None,
        )

    def _download(
        self,
        url: str,
        limit: int,
        *,
        media_id: str,
        mime_type: str | None,
        reported_sha256: str | None,
    ) -> FetchedMedia:
        try:
            # Redirects are followed; httpx drops the Authorization header on a redirect to
            # another origin, so the token stays with WhatsApp's hosts.
            with self._http().stream(
                "GET", url, headers=self._headers(), follow_redirects=True
            ) as response:
                if response.status_code in (401, 403, 404, 410):
                    # The URL lives 5 minutes: fetching the id again gives a fresh one.
                    raise MessagingUnavailableError(
                        "URL media sudah kedaluwarsa; ambil ulang.",
                        "The media URL has expired; fetch again.",
                        code="media_url_expired",
                        details={"http_status": response.status_code, "ambiguous": False},
                    )
                if not response.is_success:
                    response.read()
                    raise map_graph_error(response.status_code, _json(response), response.headers)
                declared = response.headers.get("content-length")
                if declared is not None and declared.isdigit() and int(declared) > limit:
                    raise media_too_large(limit, int(declared))
                content_type = response.headers.get("content-type", "")
                return FetchedMedia(
                    media_id,
                    response.iter_bytes(_CHUNK),
                    mime_type or content_type.split(";")[0].strip() or "application/octet-stream",
                    max_bytes=limit,
                    reported_sha256=reported_sha256,
                    directory=self.spool_dir,
                )
        except httpx.HTTPError as e:
            raise _transport_error(e, ambiguous=False) from e
