"""
WhatsApp Cloud API webhooks in: verifying, the subscription handshake, and parsing.

Pure code: no network, no clock, no httpx. A webhook POST is handled in three steps, each
refusing with a typed :class:`~layanan_aduan.exceptions.MessagingError`:

1. :func:`verify_signature` checks ``X-Hub-Signature-256`` over the raw body bytes;
2. :func:`parse_webhook` turns the body into immutable values: every entry and every change
   of a batch, messages (text, image, document, and the answer picked from an interactive
   list or reply buttons), status callbacks for messages we sent, and value-level errors;
3. the caller ingests the messages idempotently (:mod:`layanan_aduan.drafts`).

:class:`WhatsAppWebhook` bundles the three with the settings. Message types this library does
not take (audio, stickers, reactions...) are returned as :class:`SkippedItem` and logged; an
item that is itself malformed is skipped the same way (``code="malformed_item"``) so that
the good messages of the same batch are kept, unless ``strict=True``. A body that is not a
webhook at all (not JSON, too large, too deep, wrong envelope) raises
:class:`~layanan_aduan.exceptions.WebhookPayloadError` with a ``code`` and a ``path``.

Log lines name codes, paths and message types only: WhatsApp message ids (``wamid.``) embed
the sender's telephone number, so they are personal data too.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final, Literal

import attrs
import pendulum

from layanan_aduan.adapters.whatsapp.config import WhatsAppConfig
from layanan_aduan.exceptions import (
    InvalidMessageError,
    MessagingConfigurationError,
    WebhookPayloadError,
    WebhookSignatureError,
    WebhookVerificationError,
)
from layanan_aduan.ports.inbound import (
    DeliveryStatus,
    InboundMessage,
    InteractiveReply,
    MediaRef,
    MessageContext,
    MessageKind,
    ParsedWebhook,
    PlatformErrorInfo,
    ReportedError,
    Sender,
    SkippedItem,
    StatusUpdate,
)

__all__ = [
    "DEFAULT_WEBHOOK_LIMITS",
    "SIGNATURE_HEADER",
    "DeliveryStatus",
    "InboundMessage",
    "InteractiveReply",
    "MediaRef",
    "MessageContext",
    "MessageKind",
    "ParsedWebhook",
    "PlatformErrorInfo",
    "ReportedError",
    "Sender",
    "SkippedItem",
    "StatusUpdate",
    "WebhookLimits",
    "WhatsAppWebhook",
    "answer_subscription",
    "compute_signature",
    "parse_webhook",
    "verify_signature",
]

_log = logging.getLogger("layanan_aduan.whatsapp")

SIGNATURE_HEADER: Final = "X-Hub-Signature-256"
_SIGNATURE_PREFIX: Final = "sha256="
_HEX64 = re.compile(r"[0-9a-f]{64}")
_WA_ID = re.compile(r"[0-9]{5,20}")
_USER_ID = re.compile(r"[^\s]{1,256}")
_SAFE_TOKEN = re.compile(r"[a-z_]{1,32}")
_TIMESTAMP = re.compile(r"[0-9]{1,11}")
_MAX_CHALLENGE = 1024


def _positive_int(_: object, attribute: attrs.Attribute[int], value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise MessagingConfigurationError(
            f"{attribute.name} harus berupa bilangan bulat positif.",
            f"{attribute.name} must be a positive integer.",
            field=attribute.name,
        )


@attrs.frozen
class WebhookLimits:
    """
    Bounds on a webhook body; anything beyond is refused as hostile.

    Attributes:
        max_body_bytes: Largest body accepted (3 MiB: the largest webhook reported, §1c).
        max_depth: Deepest nesting of arrays and objects (real payloads nest 8 deep).
        max_list_length: Most items in any array, or keys in any object, of the body.
        max_string_length: Longest string anywhere in the body (texts are 4096 at most).
    """

    max_body_bytes: int = attrs.field(default=3 * 1024 * 1024, validator=_positive_int)
    max_depth: int = attrs.field(default=32, validator=_positive_int)
    max_list_length: int = attrs.field(default=1000, validator=_positive_int)
    max_string_length: int = attrs.field(default=65536, validator=_positive_int)


DEFAULT_WEBHOOK_LIMITS: Final = WebhookLimits()


# --- signature and handshake ------------------------------------------------------------------


def _require_secret(secret: object, name: str) -> bytes:
    if not isinstance(secret, str) or not secret:
        raise MessagingConfigurationError(
            f"{name} belum diatur: webhook tidak dapat diverifikasi.",
            f"{name} is not set: the webhook cannot be verified.",
            field=name,
        )
    return secret.encode("utf-8")


def compute_signature(body: bytes, app_secret: str) -> str:
    """
    The ``X-Hub-Signature-256`` value for ``body``: ``sha256=`` and the HMAC-SHA256 in hex.

    >>> compute_signature(b"test", "secret")
    'sha256=0329a06b62cd16b33eb6792be8c60b158d89a2ee3a876fce9a881ebb488c0914'
    """
    key = _require_secret(app_secret, "app_secret")
    return _SIGNATURE_PREFIX + hmac.new(key, bytes(body), hashlib.sha256).hexdigest()


def verify_signature(body: bytes, signature: str | None, app_secret: str) -> None:
    """
    Check the ``X-Hub-Signature-256`` header against the raw body bytes.

    The HMAC is computed over the bytes exactly as received (never re-serialised JSON) and
    compared in constant time. The hex must be lowercase, as WhatsApp sends it.

    Args:
        body: The raw request body.
        signature: The header's value, or ``None`` when the header is absent.
        app_secret: The app secret from the App Dashboard.

    Raises:
        WebhookSignatureError: ``signature_missing`` (answer 401), ``signature_malformed``
            or ``signature_mismatch`` (answer 403).
        MessagingConfigurationError: ``app_secret`` is empty.

    >>> body = b'{"object":"whatsapp_business_account","entry":[]}'
    >>> sig = "sha256=dec6a680679a968e7e0319355b23599cbfc54502c0784668e9618baa0c633756"
    >>> verify_signature(body, sig, "test_app_secret")
    >>> verify_signature(body + b" ", sig, "test_app_secret")
    Traceback (most recent call last):
    ...
    layanan_aduan.exceptions.WebhookSignatureError: Tanda tangan webhook tidak cocok.
    """
    key = _require_secret(app_secret, "app_secret")
    if signature is None or not signature.strip():
        raise WebhookSignatureError(
            "Header X-Hub-Signature-256 tidak ada.",
            "The X-Hub-Signature-256 header is missing.",
            code="signature_missing",
            field=SIGNATURE_HEADER,
        )
    given = signature.strip()
    if not given.startswith(_SIGNATURE_PREFIX) or not _HEX64.fullmatch(
        given[len(_SIGNATURE_PREFIX) :]
    ):
        raise WebhookSignatureError(
            "Header X-Hub-Signature-256 tidak berbentuk sha256=<hex>.",
            "The X-Hub-Signature-256 header is not of the form sha256=<hex>.",
            code="signature_malformed",
            field=SIGNATURE_HEADER,
        )
    expected = hmac.new(key, bytes(body), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected.encode("ascii"), given[len(_SIGNATURE_PREFIX) :].encode()):
        raise WebhookSignatureError(
            "Tanda tangan webhook tidak cocok.",
            "The webhook signature does not match.",
            code="signature_mismatch",
            field=SIGNATURE_HEADER,
        )


def answer_subscription(params: Mapping[str, str], verify_token: str) -> str:
    """
    Answer the subscription handshake: return ``hub.challenge`` to send back with 200.

    WhatsApp calls ``GET <callback>?hub.mode=subscribe&hub.challenge=…&hub.verify_token=…``
    when the callback URL or the verify token is set in the App Dashboard.

    Raises:
        WebhookVerificationError: ``verification_mode_invalid``,
            ``verification_token_mismatch`` or ``verification_challenge_invalid``;
            answer 403.
        MessagingConfigurationError: ``verify_token`` is empty.

    >>> answer_subscription(
    ...     {"hub.mode": "subscribe", "hub.verify_token": "s3cret", "hub.challenge": "1158201444"},
    ...     "s3cret",
    ... )
    '1158201444'
    """
    expected = _require_secret(verify_token, "verify_token")
    if params.get("hub.mode") != "subscribe":
        raise WebhookVerificationError(
            "hub.mode harus bernilai subscribe.",
            "hub.mode must be subscribe.",
            code="verification_mode_invalid",
            field="hub.mode",
        )
    token = params.get("hub.verify_token")
    given = token.encode("utf-8", "surrogatepass") if isinstance(token, str) else b""
    if not hmac.compare_digest(expected, given):
        raise WebhookVerificationError(
            "hub.verify_token tidak cocok.",
            "hub.verify_token does not match.",
            code="verification_token_mismatch",
            field="hub.verify_token",
        )
    challenge = params.get("hub.challenge")
    if (
        not isinstance(challenge, str)
        or not 0 < len(challenge) <= _MAX_CHALLENGE
        or not challenge.isascii()
        or not challenge.isprintable()
    ):
        raise WebhookVerificationError(
            "hub.challenge tidak ada atau tidak sah.",
            "hub.challenge is missing or invalid.",
            code="verification_challenge_invalid",
            field="hub.challenge",
        )
    return challenge


# --- parsing ----------------------------------------------------------------------------------

_TYPE_NAMES = {
    "object": ("objek", "an object"),
    "list": ("daftar", "an array"),
    "string": ("teks", "a string"),
    "integer": ("bilangan bulat", "an integer"),
    "boolean": ("boolean", "a boolean"),
}


def _error(code: str, path: str, message: str, message_en: str, **details: Any) -> Exception:
    return WebhookPayloadError(message, message_en, code=code, field=path, details=details)


def _wrong_type(path: str, expected: str) -> Exception:
    name_id, name_en = _TYPE_NAMES[expected]
    return _error(
        "wrong_type",
        path,
        f"Nilai di {path} harus berupa {name_id}.",
        f"The value at {path} must be {name_en}.",
        expected=expected,
    )


def _missing(path: str) -> Exception:
    return _error(
        "missing_field",
        path,
        f"Nilai wajib di {path} tidak ada.",
        f"The required value at {path} is missing.",
    )


def _safe_token(value: object) -> str:
    return value if isinstance(value, str) and _SAFE_TOKEN.fullmatch(value) else "other"


def _check_size(size: int, limits: WebhookLimits) -> None:
    if size > limits.max_body_bytes:
        raise _error(
            "body_too_large",
            "$",
            f"Isi webhook melebihi batas {limits.max_body_bytes} bita.",
            f"The webhook body exceeds the limit of {limits.max_body_bytes} bytes.",
            size=size,
            limit=limits.max_body_bytes,
        )


def _decode(body: bytes, limits: WebhookLimits) -> object:
    _check_size(len(body), limits)
    if not body.strip():
        raise _error("empty_body", "$", "Isi webhook kosong.", "The webhook body is empty.")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise _error(
            "invalid_encoding",
            "$",
            "Isi webhook bukan UTF-8 yang sah.",
            "The webhook body is not valid UTF-8.",
        ) from None

    def refuse_constant(name: str) -> object:
        raise ValueError(name)

    try:
        document = json.loads(text, parse_constant=refuse_constant)
    except RecursionError:
        raise _too_deep(limits) from None
    except ValueError:
        # json.JSONDecodeError, NaN/Infinity, and integers beyond Python's digit limit.
        raise _error(
            "invalid_json",
            "$",
            "Isi webhook bukan JSON yang sah (rusak atau terpotong).",
            "The webhook body is not valid JSON (malformed or truncated).",
        ) from None
    _check_shape(document, limits)
    return document


def _too_deep(limits: WebhookLimits) -> Exception:
    return _error(
        "too_deep",
        "$",
        f"Muatan webhook bersarang lebih dari {limits.max_depth} tingkat.",
        f"The webhook payload nests deeper than {limits.max_depth} levels.",
        limit=limits.max_depth,
    )


def _check_shape(document: object, limits: WebhookLimits) -> None:
    # Iterative, so a hostile payload cannot exhaust the interpreter's stack.
    stack: list[tuple[object, int, str]] = [(document, 0, "$")]
    while stack:
        value, depth, path = stack.pop()
        if isinstance(value, str):
            if len(value) > limits.max_string_length:
                raise _error(
                    "string_too_long",
                    path,
                    f"Teks di {path} melebihi {limits.max_string_length} karakter.",
                    f"The string at {path} exceeds {limits.max_string_length} characters.",
                    limit=limits.max_string_length,
                )
            continue
        if not isinstance(value, dict | list):
            continue
        if depth >= limits.max_depth:
            raise _too_deep(limits)
        if len(value) > limits.max_list_length:
            raise _error(
                "too_many_items",
                path,
                f"Daftar atau objek di {path} melebihi {limits.max_list_length} butir.",
                f"The array or object at {path} has more than {limits.max_list_length} items.",
                limit=limits.max_list_length,
            )
        if isinstance(value, list):
            stack.extend((item, depth + 1, f"{path}[{i}]") for i, item in enumerate(value))
        else:
            for key, item in value.items():
                stack.append((key, depth + 1, path))
                stack.append((item, depth + 1, f"{path}.{_safe_token(key)}"))


def _obj(value: object, path: str) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise _wrong_type(path, "object")
    return value


def _list(value: object, path: str) -> list[Any]:
    if not isinstance(value, list):
        raise _wrong_type(path, "list")
    return value


def _opt_list(obj: Mapping[str, Any], key: str, path: str) -> list[Any]:
    value = obj.get(key)
    return [] if value is None else _list(value, f"{path}.{key}")


def _opt_str(obj: Mapping[str, Any], key: str, path: str) -> str | None:
    value = obj.get(key)
    if value is None:
        return None
    where = f"{path}.{key}"
    if not isinstance(value, str):
        raise _wrong_type(where, "string")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        # A lone surrogate escape (\ud800): valid JSON, but no text a person wrote.
        raise _error(
            "invalid_string",
            where,
            f"Teks di {where} mengandung karakter yang tidak sah.",
            f"The string at {where} contains invalid characters.",
        ) from None
    return value


def _req_str(obj: Mapping[str, Any], key: str, path: str) -> str:
    value = _opt_str(obj, key, path)
    if value is None or not value:
        raise _missing(f"{path}.{key}")
    return value


def _opt_bool(obj: Mapping[str, Any], key: str, path: str) -> bool:
    value = obj.get(key)
    if value is None:
        return False
    if not isinstance(value, bool):
        raise _wrong_type(f"{path}.{key}", "boolean")
    return value


def _timestamp(obj: Mapping[str, Any], key: str, path: str) -> pendulum.DateTime:
    value = obj.get(key)
    where = f"{path}.{key}"
    if value is None:
        raise _missing(where)
    # WhatsApp sends a string of epoch seconds; an integer is taken too.
    if isinstance(value, str) and _TIMESTAMP.fullmatch(value):
        seconds = int(value)
    elif isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 10**11:
        seconds = value
    else:
        raise _error(
            "invalid_timestamp",
            where,
            f"Stempel waktu di {where} bukan detik epoch yang sah.",
            f"The timestamp at {where} is not valid epoch seconds.",
        )
    return pendulum.from_timestamp(seconds, tz="UTC")


def _platform_error(raw: object, path: str) -> PlatformErrorInfo:
    obj = _obj(raw, path)
    code = obj.get("code")
    if code is None:
        raise _missing(f"{path}.code")
    if isinstance(code, bool) or not isinstance(code, int):
        raise _wrong_type(f"{path}.code", "integer")
    data = obj.get("error_data")
    details = None if data is None else _opt_str(_obj(data, f"{path}.error_data"), "details", path)
    return PlatformErrorInfo(
        code=code,
        title=_opt_str(obj, "title", path),
        message=_opt_str(obj, "message", path),
        details=details,
        href=_opt_str(obj, "href", path),
    )


def _platform_errors(obj: Mapping[str, Any], path: str) -> tuple[PlatformErrorInfo, ...]:
    return tuple(
        _platform_error(raw, f"{path}.errors[{i}]")
        for i, raw in enumerate(_opt_list(obj, "errors", path))
    )


@attrs.frozen
class _Contact:
    wa_id: str | None
    user_id: str | None
    parent_user_id: str | None
    username: str | None
    name: str | None


def _contact(raw: object, path: str) -> _Contact:
    obj = _obj(raw, path)
    profile_raw = obj.get("profile")
    profile = {} if profile_raw is None else _obj(profile_raw, f"{path}.profile")
    return _Contact(
        wa_id=_opt_str(obj, "wa_id", path),
        user_id=_opt_str(obj, "user_id", path),
        parent_user_id=_opt_str(obj, "parent_user_id", path),
        username=_opt_str(profile, "username", f"{path}.profile"),
        name=_opt_str(profile, "name", f"{path}.profile"),
    )


def _sender(obj: Mapping[str, Any], contacts: Sequence[_Contact], path: str) -> Sender:
    wa_id = _opt_str(obj, "from", path)
    user_id = _opt_str(obj, "from_user_id", path)
    contact: _Contact | None = None
    for candidate in contacts:
        if (user_id is not None and candidate.user_id == user_id) or (
            wa_id is not None and candidate.wa_id == wa_id
        ):
            contact = candidate
            break
    else:
        if wa_id is None and user_id is None and len(contacts) == 1:
            contact = contacts[0]
    if contact is not None:
        wa_id = wa_id if wa_id is not None else contact.wa_id
        user_id = user_id if user_id is not None else contact.user_id
    if not wa_id and not user_id:
        raise _error(
            "unknown_sender",
            path,
            f"Pengirim pesan di {path} tidak dikenali (tidak ada user_id maupun wa_id).",
            f"The sender of the message at {path} is unknown (no user_id and no wa_id).",
        )
    if wa_id is not None and not _WA_ID.fullmatch(wa_id):
        raise _error(
            "invalid_wa_id",
            f"{path}.from",
            f"wa_id di {path} bukan nomor WhatsApp yang sah.",
            f"The wa_id at {path} is not a valid WhatsApp number.",
        )
    if user_id is not None and not _USER_ID.fullmatch(user_id):
        raise _error(
            "invalid_user_id",
            f"{path}.from_user_id",
            f"user_id di {path} tidak sah.",
            f"The user_id at {path} is not valid.",
        )
    return Sender(
        user_id=user_id or None,
        wa_id=wa_id or None,
        parent_user_id=None if contact is None else contact.parent_user_id,
        username=None if contact is None else contact.username,
        profile_name=None if contact is None else contact.name,
    )


def _context(obj: Mapping[str, Any], path: str) -> MessageContext | None:
    raw = obj.get("context")
    if raw is None:
        return None
    where = f"{path}.context"
    ctx = _obj(raw, where)
    return MessageContext(
        replied_to_id=_opt_str(ctx, "id", where),
        replied_to_from=_opt_str(ctx, "from", where),
        forwarded=_opt_bool(ctx, "forwarded", where),
        frequently_forwarded=_opt_bool(ctx, "frequently_forwarded", where),
    )


def _media(obj: Mapping[str, Any], kind: MessageKind, path: str) -> MediaRef:
    where = f"{path}.{kind.value}"
    raw = obj.get(kind.value)
    if raw is None:
        raise _missing(where)
    media = _obj(raw, where)
    return MediaRef(
        media_id=_req_str(media, "id", where),
        mime_type=_opt_str(media, "mime_type", where),
        sha256=_opt_str(media, "sha256", where),
        caption=_opt_str(media, "caption", where),
        filename=_opt_str(media, "filename", where) if kind is MessageKind.DOCUMENT else None,
        url=_opt_str(media, "url", where),
    )


_REPLY_KINDS = ("list_reply", "button_reply")


def _interactive(obj: Mapping[str, Any], path: str) -> InteractiveReply | None:
    # The answer picked from a list or reply buttons; None for another interactive type
    # (a flow's answer, ...), which this library does not take.
    where = f"{path}.interactive"
    raw = obj.get("interactive")
    if raw is None:
        raise _missing(where)
    interactive = _obj(raw, where)
    kind = _req_str(interactive, "type", where)
    if kind not in _REPLY_KINDS:
        return None
    inner = f"{where}.{kind}"
    if interactive.get(kind) is None:
        raise _missing(inner)
    body = _obj(interactive[kind], inner)
    reply_id = _req_str(body, "id", inner)
    title = _req_str(body, "title", inner)
    description = _opt_str(body, "description", inner) if kind == "list_reply" else None
    picked: Literal["list_reply", "button_reply"] = (
        "list_reply" if kind == "list_reply" else "button_reply"
    )
    try:
        return InteractiveReply(picked, reply_id, title, description or None)
    except InvalidMessageError as e:
        raise _error(
            "invalid_interactive_reply",
            inner,
            f"Jawaban interaktif di {inner} tidak sah (terlalu panjang atau berisi karakter "
            "kendali).",
            f"The interactive reply at {inner} is not valid (too long, or control characters).",
            field=e.field,
        ) from None


@attrs.frozen
class _Change:
    phone_number_id: str | None
    business_account_id: str | None
    contacts: tuple[_Contact, ...]
    display_phone_number: str | None = None


def _message(raw: object, path: str, change: _Change) -> InboundMessage | SkippedItem:
    obj = _obj(raw, path)
    message_id = _req_str(obj, "id", path)
    raw_type = _req_str(obj, "type", path)
    try:
        kind = MessageKind(raw_type)
    except ValueError:
        try:
            sender_key: str | None = _sender(obj, change.contacts, path).key
        except WebhookPayloadError:
            sender_key = None
        try:
            codes = tuple(e.code for e in _platform_errors(obj, path))
        except WebhookPayloadError:
            codes = ()
        return SkippedItem(
            code="unsupported_message_type",
            path=path,
            item_type=_safe_token(raw_type),
            message_id=message_id,
            sender_key=sender_key,
            error_codes=codes,
        )
    sent_at = _timestamp(obj, "timestamp", path)
    sender = _sender(obj, change.contacts, path)
    text: str | None = None
    media: MediaRef | None = None
    reply: InteractiveReply | None = None
    if kind is MessageKind.INTERACTIVE:
        reply = _interactive(obj, path)
        if reply is None:
            return SkippedItem(
                code="unsupported_message_type",
                path=path,
                item_type=kind.value,
                message_id=message_id,
                sender_key=sender.key,
                error_codes=tuple(e.code for e in _platform_errors(obj, path)),
            )
    elif kind is MessageKind.TEXT:
        raw_text = obj.get("text")
        if raw_text is None:
            raise _missing(f"{path}.text")
        body = _opt_str(_obj(raw_text, f"{path}.text"), "body", f"{path}.text")
        if body is None:
            raise _missing(f"{path}.text.body")
        text = body
    else:
        media = _media(obj, kind, path)
    return InboundMessage(
        message_id=message_id,
        kind=kind,
        sender=sender,
        sent_at=sent_at,
        text=text,
        media=media,
        context=_context(obj, path),
        errors=_platform_errors(obj, path),
        phone_number_id=change.phone_number_id,
        business_account_id=change.business_account_id,
        display_phone_number=change.display_phone_number,
        reply=reply,
    )


def _status(raw: object, path: str, change: _Change) -> StatusUpdate | SkippedItem:
    obj = _obj(raw, path)
    message_id = _req_str(obj, "id", path)
    raw_status = _req_str(obj, "status", path)
    try:
        status = DeliveryStatus(raw_status)
    except ValueError:
        return SkippedItem(
            code="unsupported_status",
            path=path,
            item_type=_safe_token(raw_status),
            message_id=message_id,
        )
    return StatusUpdate(
        message_id=message_id,
        status=status,
        at=_timestamp(obj, "timestamp", path),
        recipient_id=_opt_str(obj, "recipient_id", path),
        recipient_user_id=_opt_str(obj, "recipient_user_id", path),
        callback_data=_opt_str(obj, "biz_opaque_callback_data", path),
        errors=_platform_errors(obj, path),
        phone_number_id=change.phone_number_id,
        display_phone_number=change.display_phone_number,
    )


class _Collector:
    def __init__(self, *, strict: bool) -> None:
        self.strict = strict
        self.messages: list[InboundMessage] = []
        self.statuses: list[StatusUpdate] = []
        self.errors: list[ReportedError] = []
        self.skipped: list[SkippedItem] = []

    def skip(self, item: SkippedItem) -> None:
        _log.info(
            "WhatsApp webhook item skipped: code=%s path=%s type=%s detail=%s",
            item.code,
            item.path,
            item.item_type,
            item.detail,
        )
        self.skipped.append(item)

    def malformed(self, error: WebhookPayloadError, path: str, item_type: str) -> None:
        if self.strict:
            raise error
        _log.warning("WhatsApp webhook item malformed: code=%s path=%s", error.code, error.path)
        self.skipped.append(
            SkippedItem(code="malformed_item", path=path, item_type=item_type, detail=error.code)
        )

    def result(self) -> ParsedWebhook:
        return ParsedWebhook(
            messages=tuple(self.messages),
            statuses=tuple(self.statuses),
            errors=tuple(self.errors),
            skipped=tuple(self.skipped),
        )


def _parse_change(
    raw: object, path: str, entry_id: str | None, only: str | None, out: _Collector
) -> None:
    change = _obj(raw, path)
    field = change.get("field")
    if not isinstance(field, str):
        raise _missing(f"{path}.field") if field is None else _wrong_type(f"{path}.field", "string")
    if field != "messages":
        out.skip(SkippedItem(code="unsupported_field", path=path, item_type=_safe_token(field)))
        return
    vpath = f"{path}.value"
    if change.get("value") is None:
        raise _missing(vpath)
    value = _obj(change["value"], vpath)
    metadata_raw = value.get("metadata")
    metadata = {} if metadata_raw is None else _obj(metadata_raw, f"{vpath}.metadata")
    phone_number_id = _opt_str(metadata, "phone_number_id", f"{vpath}.metadata")
    display = _opt_str(metadata, "display_phone_number", f"{vpath}.metadata")
    if only is not None and phone_number_id != only:
        out.skip(SkippedItem(code="other_phone_number", path=path, item_type=field))
        return
    contacts: list[_Contact] = []
    for i, item in enumerate(_opt_list(value, "contacts", vpath)):
        try:
            contacts.append(_contact(item, f"{vpath}.contacts[{i}]"))
        except WebhookPayloadError as e:
            out.malformed(e, f"{vpath}.contacts[{i}]", "contact")
    context = _Change(phone_number_id, entry_id, tuple(contacts), display)
    _take_items(value, vpath, "messages", out, lambda raw, p: _message(raw, p, context))
    _take_items(value, vpath, "statuses", out, lambda raw, p: _status(raw, p, context))
    _take_items(
        value,
        vpath,
        "errors",
        out,
        lambda raw, p: ReportedError(_platform_error(raw, p), p, phone_number_id),
    )


def _take_items(
    value: Mapping[str, Any],
    vpath: str,
    key: str,
    out: _Collector,
    parse: Callable[[object, str], InboundMessage | StatusUpdate | ReportedError | SkippedItem],
) -> None:
    item_type = {"messages": "message", "statuses": "status", "errors": "error"}[key]
    for i, raw in enumerate(_opt_list(value, key, vpath)):
        path = f"{vpath}.{key}[{i}]"
        try:
            item = parse(raw, path)
        except WebhookPayloadError as e:
            out.malformed(e, path, item_type)
            continue
        if isinstance(item, SkippedItem):
            out.skip(item)
        elif isinstance(item, InboundMessage):
            out.messages.append(item)
        elif isinstance(item, StatusUpdate):
            out.statuses.append(item)
        else:
            out.errors.append(item)


def parse_webhook(
    body: bytes,
    *,
    limits: WebhookLimits = DEFAULT_WEBHOOK_LIMITS,
    phone_number_id: str | None = None,
    strict: bool = False,
) -> ParsedWebhook:
    """
    Parse a webhook body into messages, status callbacks, errors and skipped items.

    Every entry and every change of a batch is read, in order. Verify the signature first
    (:func:`verify_signature`): parsing trusts nothing, but only a signed body is WhatsApp's.

    Args:
        body: The raw request body.
        limits: Bounds beyond which the body is refused as hostile.
        phone_number_id: When given, changes for other business numbers are skipped
            (``other_phone_number``).
        strict: Raise on the first malformed item instead of skipping it.

    Raises:
        WebhookPayloadError: The body is not a WhatsApp webhook: ``body_too_large``,
            ``empty_body``, ``invalid_encoding``, ``invalid_json``, ``too_deep``,
            ``too_many_items``, ``string_too_long``, ``unexpected_object``,
            ``wrong_type`` or ``missing_field`` in the envelope; with ``strict``, also a
            malformed item's code (``invalid_timestamp``, ``unknown_sender``...).

    >>> body = (
    ...     b'{"object":"whatsapp_business_account","entry":[{"id":"102290129340398",'
    ...     b'"changes":[{"field":"messages","value":{"messaging_product":"whatsapp",'
    ...     b'"metadata":{"phone_number_id":"106540352242922"},'
    ...     b'"contacts":[{"profile":{"name":"Budi Santoso"},"wa_id":"6281234567890"}],'
    ...     b'"messages":[{"from":"6281234567890","id":"wamid.HBgNNjI4MTIzNDU2","timestamp":'
    ...     b'"1760000000","type":"text","text":{"body":"Saya ingin melapor."}}]}}]}]}'
    ... )
    >>> parsed = parse_webhook(body)
    >>> [m] = parsed.messages
    >>> m.kind, m.text, m.sender.profile_name, m.sent_at.isoformat()
    (<MessageKind.TEXT: 'text'>, 'Saya ingin melapor.', 'Budi Santoso', '2025-10-09T08:53:20+00:00')
    >>> parse_webhook(body[:-3])
    Traceback (most recent call last):
    ...
    layanan_aduan.exceptions.WebhookPayloadError: Isi webhook bukan JSON yang sah (rusak atau terpotong).
    """  # noqa: E501 - a doctest's expected output is one line
    if not isinstance(body, bytes | bytearray | memoryview):
        raise TypeError(f"body must be bytes, not {type(body).__name__}")
    try:
        document = _decode(bytes(body), limits)
        root = _obj(document, "$")
        if root.get("object") != "whatsapp_business_account":
            raise _error(
                "unexpected_object",
                "$.object",
                "Webhook ini bukan dari WhatsApp Business Account.",
                "This webhook is not from a WhatsApp Business Account.",
            )
        if root.get("entry") is None:
            raise _missing("$.entry")
        out = _Collector(strict=strict)
        for e, raw_entry in enumerate(_list(root["entry"], "$.entry")):
            epath = f"entry[{e}]"
            entry = _obj(raw_entry, epath)
            entry_id = _opt_str(entry, "id", epath)
            if entry.get("changes") is None:
                raise _missing(f"{epath}.changes")
            for c, raw_change in enumerate(_list(entry["changes"], f"{epath}.changes")):
                _parse_change(raw_change, f"{epath}.changes[{c}]", entry_id, phone_number_id, out)
    except WebhookPayloadError as error:
        _log.warning("WhatsApp webhook refused: code=%s path=%s", error.code, error.path)
        raise
    return out.result()


# --- the bundle -------------------------------------------------------------------------------


@attrs.frozen(repr=False)
class WhatsAppWebhook:
    """
    The receiving end of a WhatsApp webhook: handshake, signature check and parsing.

    Attributes:
        app_secret: The app secret that signs bodies.
        verify_token: The token the subscription handshake must present.
        limits: Bounds on a body.
        phone_number_id: When given, only changes for this business number are taken.

    >>> hook = WhatsAppWebhook(app_secret="test_app_secret", verify_token="s3cret")
    >>> body = b'{"object":"whatsapp_business_account","entry":[]}'
    >>> hook.receive(body, compute_signature(body, "test_app_secret"))
    ParsedWebhook(messages=(), statuses=(), errors=(), skipped=())
    >>> hook.receive(body, None)
    Traceback (most recent call last):
    ...
    layanan_aduan.exceptions.WebhookSignatureError: Header X-Hub-Signature-256 tidak ada.
    >>> hook
    WhatsAppWebhook(app_secret=<hidden>, verify_token=<hidden>, phone_number_id=None)
    """

    app_secret: str
    verify_token: str
    limits: WebhookLimits = DEFAULT_WEBHOOK_LIMITS
    phone_number_id: str | None = None

    def __attrs_post_init__(self) -> None:
        _require_secret(self.app_secret, "app_secret")
        _require_secret(self.verify_token, "verify_token")

    @classmethod
    def from_config(
        cls, config: WhatsAppConfig, *, limits: WebhookLimits = DEFAULT_WEBHOOK_LIMITS
    ) -> WhatsAppWebhook:
        """
        Build from a :class:`~layanan_aduan.adapters.whatsapp.config.WhatsAppConfig`.

        Raises:
            MessagingConfigurationError: The config has no app secret or no verify token
                (``field`` names the missing setting).
        """
        secret = _require_secret(config.app_secret, "app_secret").decode("utf-8")
        token = _require_secret(config.verify_token, "verify_token").decode("utf-8")
        return cls(
            app_secret=secret,
            verify_token=token,
            limits=limits,
            phone_number_id=config.phone_number_id,
        )

    def answer_handshake(self, params: Mapping[str, str]) -> str:
        """
        Answer ``GET`` with ``hub.*`` query parameters (see :func:`answer_subscription`).
        """
        return answer_subscription(params, self.verify_token)

    def receive(self, body: bytes, signature: str | None, *, strict: bool = False) -> ParsedWebhook:
        """
        Check the size and the signature of a ``POST`` body, then parse it.

        The size is checked first so an oversized body is refused before it is hashed.

        Raises:
            WebhookPayloadError: See :func:`parse_webhook` (answer 200 or 400; WhatsApp
                retries anything else).
            WebhookSignatureError: See :func:`verify_signature` (answer 401 or 403).
        """
        if not isinstance(body, bytes | bytearray | memoryview):
            raise TypeError(f"body must be bytes, not {type(body).__name__}")
        try:
            _check_size(len(body), self.limits)
            verify_signature(body, signature, self.app_secret)
        except (WebhookPayloadError, WebhookSignatureError) as error:
            _log.warning("WhatsApp webhook refused: code=%s", error.code)
            raise
        return parse_webhook(
            body, limits=self.limits, phone_number_id=self.phone_number_id, strict=strict
        )

    def __repr__(self) -> str:
        return (
            "WhatsAppWebhook(app_secret=<hidden>, verify_token=<hidden>, "
            f"phone_number_id={self.phone_number_id!r})"
        )
