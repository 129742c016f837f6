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
from time import gmtime as _gmtime
from typing import Any, Final, Literal, NamedTuple

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
_USER_ID = re.compile(r"[^\s]{1,256}")
_SAFE_TOKEN = re.compile(r"[a-z_]{1,32}")
_MAX_CHALLENGE = 1024
_DateTime = pendulum.DateTime
_UTC = pendulum.UTC


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


_Path = str | tuple[Any, str | int]
"""
Where a value lies in the body: a string, or ``(parent path, key or index)``, written out
by :func:`_at` only when something is reported (building every node's path string used to be
half the cost of parsing a good body).
"""


def _at(path: _Path) -> str:
    """The path as errors and skipped items name it: ``entry[0].changes[0].value``."""
    steps: list[str] = []
    while isinstance(path, tuple):
        path, step = path
        steps.append(f"[{step}]" if isinstance(step, int) else f".{step}")
    return path + "".join(reversed(steps))


def _error(code: str, path: _Path, message: str, message_en: str, **details: Any) -> Exception:
    return WebhookPayloadError(message, message_en, code=code, field=_at(path), details=details)


def _wrong_type(path: _Path, expected: str) -> Exception:
    name_id, name_en = _TYPE_NAMES[expected]
    where = _at(path)
    return _error(
        "wrong_type",
        where,
        f"Nilai di {where} harus berupa {name_id}.",
        f"The value at {where} must be {name_en}.",
        expected=expected,
    )


def _missing(path: _Path) -> Exception:
    where = _at(path)
    return _error(
        "missing_field",
        where,
        f"Nilai wajib di {where} tidak ada.",
        f"The required value at {where} is missing.",
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


def _refuse_constant(name: str) -> object:
    raise ValueError(name)


# One decoder for every body (json.loads with an option builds a new one per call); as
# json.loads(text, parse_constant=...), minus the byte-order-mark check: a BOM is no JSON
# value, so the decoder refuses it all the same.
_DECODER = json.JSONDecoder(parse_constant=_refuse_constant)


def _decode(body: bytes, limits: WebhookLimits) -> object:
    _check_size(len(body), limits)
    if not body or body.isspace():  # as `not body.strip()`, without copying the body
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

    try:
        document = _DECODER.decode(text)
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
    if not _small_enough(text, limits):
        _check_shape(document, limits, strings=len(text) > limits.max_string_length)
    return document


def _too_deep(limits: WebhookLimits) -> Exception:
    return _error(
        "too_deep",
        "$",
        f"Muatan webhook bersarang lebih dari {limits.max_depth} tingkat.",
        f"The webhook payload nests deeper than {limits.max_depth} levels.",
        limit=limits.max_depth,
    )


def _check_shape(document: object, limits: WebhookLimits, *, strings: bool = True) -> None:
    # The walk that names the path of what is wrong builds a path string for every node:
    # half the cost of parsing a good body. A good body takes the walk without paths;
    # only a body that breaks a limit is walked again to name where.
    if not _within_limits(document, limits, strings=strings):
        _refuse_shape(document, limits)


def _small_enough(text: str, limits: WebhookLimits) -> bool:
    """
    True when ``text`` is too short to break a shape limit, whatever JSON it holds.

    A decoded string is never longer than the text it came from; an array or object of
    ``n`` items takes at least ``2n + 1`` characters; nesting ``d`` levels deep takes ``d + 1``
    opening brackets (counted inside strings too: an overcount only means a closer look).
    """
    size = len(text)
    return (
        size <= limits.max_string_length
        and size <= 2 * limits.max_list_length
        and text.count("[") + text.count("{") <= limits.max_depth
    )


def _within_limits(document: object, limits: WebhookLimits, *, strings: bool = True) -> bool:
    """
    True when no string, array or object of ``document`` breaks ``limits``.

    The same checks as :func:`_refuse_shape` (strings, keys included, no longer than the
    string limit; arrays and objects no deeper than the depth limit and no longer than the
    item limit), without paths. ``json.loads`` gives exact ``dict``, ``list`` and ``str``.
    ``strings=False`` skips the strings: the caller knows the text too short to hold a long one.
    """
    max_depth, max_items = limits.max_depth, limits.max_list_length
    max_string = limits.max_string_length if strings else -1
    kind = type(document)
    if kind is str:
        return not strings or len(document) <= max_string  # type: ignore[arg-type]
    if kind is not dict and kind is not list:
        return True
    stack: list[tuple[Any, int]] = [(document, 0)]
    pop, push = stack.pop, stack.append
    while stack:
        value, depth = pop()
        if depth >= max_depth or len(value) > max_items:
            return False
        depth += 1
        if type(value) is dict:
            if strings and value and max(map(len, value)) > max_string:
                return False
            value = value.values()
        for item in value:
            kind = type(item)
            if kind is dict or kind is list:
                push((item, depth))
            elif strings and kind is str and len(item) > max_string:
                return False
    return True


def _refuse_shape(document: object, limits: WebhookLimits) -> None:
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


def _obj(value: object, path: _Path) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise _wrong_type(path, "object")
    return value


def _list(value: object, path: _Path) -> list[Any]:
    if not isinstance(value, list):
        raise _wrong_type(path, "list")
    return value


def _opt_list(obj: Mapping[str, Any], key: str, path: _Path) -> list[Any]:
    value = obj.get(key)
    if value is None:
        return []
    if type(value) is list:
        return value
    return _list(value, (path, key))


def _opt_str(obj: Mapping[str, Any], key: str, path: _Path) -> str | None:
    value = obj.get(key)
    if value is None:
        return None
    if type(value) is str and value.isascii():
        return value  # the common case: nothing to check further
    where = _at((path, key))
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


def _req_str(obj: Mapping[str, Any], key: str, path: _Path) -> str:
    value = _opt_str(obj, key, path)
    if value is None or not value:
        raise _missing((path, key))
    return value


def _opt_bool(obj: Mapping[str, Any], key: str, path: _Path) -> bool:
    value = obj.get(key)
    if value is None:
        return False
    if not isinstance(value, bool):
        raise _wrong_type((path, key), "boolean")
    return value


def _timestamp(obj: Mapping[str, Any], key: str, path: _Path) -> pendulum.DateTime:
    value = obj.get(key)
    if value is None:
        raise _missing((path, key))
    # WhatsApp sends a string of epoch seconds; an integer is taken too.
    if type(value) is str and value.isascii() and value.isdigit() and len(value) <= 11:
        seconds = int(value)  # [0-9]{1,11}, without a regular expression
    elif isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 10**11:
        seconds = value
    else:
        where = _at((path, key))
        raise _error(
            "invalid_timestamp",
            where,
            f"Stempel waktu di {where} bukan detik epoch yang sah.",
            f"The timestamp at {where} is not valid epoch seconds.",
        )
    # pendulum.from_timestamp(seconds, tz="UTC"), exactly, for a tenth of its cost.
    return _DateTime(*_gmtime(seconds)[:6], 0, _UTC)


def _platform_error(raw: object, path: _Path) -> PlatformErrorInfo:
    obj = _obj(raw, path)
    code = obj.get("code")
    if code is None:
        raise _missing((path, "code"))
    if isinstance(code, bool) or not isinstance(code, int):
        raise _wrong_type((path, "code"), "integer")
    data = obj.get("error_data")
    details = None if data is None else _opt_str(_obj(data, (path, "error_data")), "details", path)
    return PlatformErrorInfo(
        code=code,
        title=_opt_str(obj, "title", path),
        message=_opt_str(obj, "message", path),
        details=details,
        href=_opt_str(obj, "href", path),
    )


def _platform_errors(obj: Mapping[str, Any], path: _Path) -> tuple[PlatformErrorInfo, ...]:
    raw = obj.get("errors")
    if raw is None:
        return ()
    where = (path, "errors")
    return tuple(_platform_error(item, (where, i)) for i, item in enumerate(_list(raw, where)))


class _Contact(NamedTuple):
    wa_id: str | None
    user_id: str | None
    parent_user_id: str | None
    username: str | None
    name: str | None


def _contact(raw: object, path: _Path) -> _Contact:
    obj = _obj(raw, path)
    profile_raw = obj.get("profile")
    where = (path, "profile")
    profile = {} if profile_raw is None else _obj(profile_raw, where)
    return _Contact(
        _opt_str(obj, "wa_id", path),
        _opt_str(obj, "user_id", path),
        _opt_str(obj, "parent_user_id", path),
        _opt_str(profile, "username", where),
        _opt_str(profile, "name", where),
    )


class _Contacts:
    """The contacts of a change, in order, indexed by user_id and wa_id (first of each)."""

    __slots__ = ("all", "by_user_id", "by_wa_id")

    def __init__(self, contacts: Sequence[_Contact]) -> None:
        self.all = tuple(contacts)
        self.by_user_id: dict[str, int] = {}
        self.by_wa_id: dict[str, int] = {}
        for n, contact in enumerate(self.all):
            if contact.user_id is not None:
                self.by_user_id.setdefault(contact.user_id, n)
            if contact.wa_id is not None:
                self.by_wa_id.setdefault(contact.wa_id, n)


_NONE = 1 << 62  # no index


def _sender(obj: Mapping[str, Any], contacts: _Contacts, path: _Path) -> Sender:
    wa_id = _opt_str(obj, "from", path)
    user_id = _opt_str(obj, "from_user_id", path)
    contact: _Contact | None = None
    # The first contact with the sender's user_id or wa_id, found through the indexes.
    first = min(
        _NONE if user_id is None else contacts.by_user_id.get(user_id, _NONE),
        _NONE if wa_id is None else contacts.by_wa_id.get(wa_id, _NONE),
    )
    if first != _NONE:
        contact = contacts.all[first]
    elif wa_id is None and user_id is None and len(contacts.all) == 1:
        contact = contacts.all[0]
    if contact is not None:
        wa_id = wa_id if wa_id is not None else contact.wa_id
        user_id = user_id if user_id is not None else contact.user_id
    if not wa_id and not user_id:
        where = _at(path)
        raise _error(
            "unknown_sender",
            where,
            f"Pengirim pesan di {where} tidak dikenali (tidak ada user_id maupun wa_id).",
            f"The sender of the message at {where} is unknown (no user_id and no wa_id).",
        )
    if wa_id is not None and not (wa_id.isascii() and wa_id.isdigit() and 5 <= len(wa_id) <= 20):
        where = _at(path)
        raise _error(
            "invalid_wa_id",
            f"{where}.from",
            f"wa_id di {where} bukan nomor WhatsApp yang sah.",
            f"The wa_id at {where} is not a valid WhatsApp number.",
        )
    if user_id is not None and not _USER_ID.fullmatch(user_id):
        where = _at(path)
        raise _error(
            "invalid_user_id",
            f"{where}.from_user_id",
            f"user_id di {where} tidak sah.",
            f"The user_id at {where} is not valid.",
        )
    if contact is None:
        return Sender(user_id=user_id or None, wa_id=wa_id or None)
    return Sender(
        user_id=user_id or None,
        wa_id=wa_id or None,
        parent_user_id=contact.parent_user_id,
        username=contact.username,
        profile_name=contact.name,
    )


def _context(obj: Mapping[str, Any], path: _Path) -> MessageContext | None:
    raw = obj.get("context")
    if raw is None:
        return None
    where = (path, "context")
    ctx = _obj(raw, where)
    return MessageContext(
        replied_to_id=_opt_str(ctx, "id", where),
        replied_to_from=_opt_str(ctx, "from", where),
        forwarded=_opt_bool(ctx, "forwarded", where),
        frequently_forwarded=_opt_bool(ctx, "frequently_forwarded", where),
    )


def _media(obj: Mapping[str, Any], kind: MessageKind, path: _Path) -> MediaRef:
    where = (path, kind.value)
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


def _interactive(obj: Mapping[str, Any], path: _Path) -> InteractiveReply | None:
    # The answer picked from a list or reply buttons; None for another interactive type
    # (a flow's answer, ...), which this library does not take.
    where = (path, "interactive")
    raw = obj.get("interactive")
    if raw is None:
        raise _missing(where)
    interactive = _obj(raw, where)
    kind = _req_str(interactive, "type", where)
    if kind not in _REPLY_KINDS:
        return None
    inner = (where, kind)
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
        at = _at(inner)
        raise _error(
            "invalid_interactive_reply",
            inner,
            f"Jawaban interaktif di {at} tidak sah (terlalu panjang atau berisi karakter kendali).",
            f"The interactive reply at {at} is not valid (too long, or control characters).",
            field=e.field,
        ) from None


class _Change(NamedTuple):
    phone_number_id: str | None
    business_account_id: str | None
    contacts: _Contacts
    display_phone_number: str | None = None


_MESSAGE_KINDS = {kind.value: kind for kind in MessageKind}
_DELIVERY_STATUSES = {status.value: status for status in DeliveryStatus}


def _message(raw: object, path: _Path, change: _Change) -> InboundMessage | SkippedItem:
    obj = _obj(raw, path)
    message_id = _req_str(obj, "id", path)
    raw_type = _req_str(obj, "type", path)
    kind = _MESSAGE_KINDS.get(raw_type)
    if kind is None:
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
            path=_at(path),
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
                path=_at(path),
                item_type=kind.value,
                message_id=message_id,
                sender_key=sender.key,
                error_codes=tuple(e.code for e in _platform_errors(obj, path)),
            )
    elif kind is MessageKind.TEXT:
        raw_text = obj.get("text")
        where = (path, "text")
        if raw_text is None:
            raise _missing(where)
        body = _opt_str(_obj(raw_text, where), "body", where)
        if body is None:
            raise _missing((where, "body"))
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


def _status(raw: object, path: _Path, change: _Change) -> StatusUpdate | SkippedItem:
    obj = _obj(raw, path)
    message_id = _req_str(obj, "id", path)
    raw_status = _req_str(obj, "status", path)
    status = _DELIVERY_STATUSES.get(raw_status)
    if status is None:
        return SkippedItem(
            code="unsupported_status",
            path=_at(path),
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


def _reported(raw: object, path: _Path, change: _Change) -> ReportedError:
    return ReportedError(_platform_error(raw, path), _at(path), change.phone_number_id)


_Item = InboundMessage | StatusUpdate | ReportedError | SkippedItem


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

    def malformed(self, error: WebhookPayloadError, path: _Path, item_type: str) -> None:
        if self.strict:
            raise error
        _log.warning("WhatsApp webhook item malformed: code=%s path=%s", error.code, error.path)
        self.skipped.append(
            SkippedItem(
                code="malformed_item", path=_at(path), item_type=item_type, detail=error.code
            )
        )

    def result(self) -> ParsedWebhook:
        return ParsedWebhook(
            messages=tuple(self.messages),
            statuses=tuple(self.statuses),
            errors=tuple(self.errors),
            skipped=tuple(self.skipped),
        )


def _parse_change(
    raw: object, path: _Path, entry_id: str | None, only: str | None, out: _Collector
) -> None:
    change = _obj(raw, path)
    field = change.get("field")
    if not isinstance(field, str):
        where = (path, "field")
        raise _missing(where) if field is None else _wrong_type(where, "string")
    if field != "messages":
        out.skip(
            SkippedItem(code="unsupported_field", path=_at(path), item_type=_safe_token(field))
        )
        return
    vpath = (path, "value")
    if change.get("value") is None:
        raise _missing(vpath)
    value = _obj(change["value"], vpath)
    metadata_raw = value.get("metadata")
    mpath = (vpath, "metadata")
    metadata = {} if metadata_raw is None else _obj(metadata_raw, mpath)
    phone_number_id = _opt_str(metadata, "phone_number_id", mpath)
    display = _opt_str(metadata, "display_phone_number", mpath)
    if only is not None and phone_number_id != only:
        out.skip(SkippedItem(code="other_phone_number", path=_at(path), item_type=field))
        return
    contacts: list[_Contact] = []
    cpath = (vpath, "contacts")
    for i, item in enumerate(_opt_list(value, "contacts", vpath)):
        try:
            contacts.append(_contact(item, (cpath, i)))
        except WebhookPayloadError as e:
            out.malformed(e, (cpath, i), "contact")
    context = _Change(phone_number_id, entry_id, _Contacts(contacts), display)
    _take_items(value, vpath, "messages", _message, change=context, out=out)
    _take_items(value, vpath, "statuses", _status, change=context, out=out)
    _take_items(value, vpath, "errors", _reported, change=context, out=out)


_ITEM_TYPES = {"messages": "message", "statuses": "status", "errors": "error"}


def _take_items(
    value: Mapping[str, Any],
    vpath: _Path,
    key: str,
    parse: Callable[[object, _Path, _Change], _Item],
    *,
    change: _Change,
    out: _Collector,
) -> None:
    items = value.get(key)
    if items is None:
        return
    where = (vpath, key)
    for i, raw in enumerate(_list(items, where)):
        path = (where, i)
        try:
            item = parse(raw, path, change)
        except WebhookPayloadError as e:
            out.malformed(e, path, _ITEM_TYPES[key])
            continue
        if isinstance(item, InboundMessage):
            out.messages.append(item)
        elif isinstance(item, SkippedItem):
            out.skip(item)
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
        document = _decode(body if type(body) is bytes else bytes(body), limits)
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
            epath = ("entry", e)
            entry = _obj(raw_entry, epath)
            entry_id = _opt_str(entry, "id", epath)
            cpath = (epath, "changes")
            if entry.get("changes") is None:
                raise _missing(cpath)
            for c, raw_change in enumerate(_list(entry["changes"], cpath)):
                _parse_change(raw_change, (cpath, c), entry_id, phone_number_id, out)
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
