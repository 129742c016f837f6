"""
The values of outbound messaging: recipients, messages, templates and send results.

The ports that carry them live in :mod:`layanan_aduan.ports`
(:class:`~layanan_aduan.ports.Messenger`, :class:`~layanan_aduan.ports.MediaFetcher`) and are
re-exported here for convenience, as is what a media fetcher answers,
:class:`~layanan_aduan.media.FetchedMedia` (a media file in a private temporary file).

Every refusal is a :class:`~layanan_aduan.exceptions.MessagingError`; its ``retryable`` flag
tells a dispatcher whether the same message may succeed later unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any, Final, Literal

import attrs

from layanan_aduan.exceptions import InvalidMessageError, OutsideCustomerServiceWindowError
from layanan_aduan.media import FetchedMedia
from layanan_aduan.ports.messaging import MediaFetcher, Messenger
from layanan_aduan.privacy import mask

__all__ = [
    "MAX_TEXT_LENGTH",
    "FetchedMedia",
    "MediaFetcher",
    "Messenger",
    "OutboundMessage",
    "Recipient",
    "SendResult",
    "TemplateRef",
    "deliver",
]

#: WhatsApp's limit on the body of a text message, in characters.
MAX_TEXT_LENGTH: Final = 4096
_MAX_TEMPLATE_PARAMETER = 1024
_E164 = re.compile(r"\+[1-9][0-9]{7,14}")
_USER_ID = re.compile(r"[^\s]{1,256}")
_IDEMPOTENCY_KEY = re.compile(r"[\x21-\x7e]{1,256}")
_TEMPLATE_NAME = re.compile(r"[a-z0-9_]{1,512}")
_LANGUAGE = re.compile(r"[a-z]{2,3}(?:_[A-Z]{2})?")
_PARAMETER_FORBIDDEN = re.compile(r"[\n\r\t]| {5,}")


def _refuse(field: str, message: str, message_en: str) -> InvalidMessageError:
    return InvalidMessageError(message, message_en, field=field)


@attrs.frozen(repr=False)
class Recipient:
    """
    Who a message goes to: a telephone number, a business-scoped user id, or both.

    The Cloud API adapter sends to the telephone number when there is one (WhatsApp gives it
    precedence, and some messages cannot go to a user id), else to the user id.

    Attributes:
        phone: E.164 form, e.g. ``"+6281234567890"``, or ``None``.
        user_id: The business-scoped user id (BSUID), or ``None``.

    >>> r = Recipient(phone="+6281234567890")
    >>> r.key
    '+6281234567890'
    >>> r
    Recipient(phone='+62********890', user_id=None)
    >>> Recipient(phone="081234567890")
    Traceback (most recent call last):
    ...
    layanan_aduan.exceptions.InvalidMessageError: Nomor penerima harus berbentuk E.164 (+62...).
    """

    phone: str | None = None
    user_id: str | None = None

    def __attrs_post_init__(self) -> None:
        if self.phone is None and self.user_id is None:
            raise _refuse(
                "recipient",
                "Penerima harus memiliki nomor telepon atau user id.",
                "A recipient needs a telephone number or a user id.",
            )
        if self.phone is not None and not (
            isinstance(self.phone, str) and _E164.fullmatch(self.phone)
        ):
            raise _refuse(
                "phone",
                "Nomor penerima harus berbentuk E.164 (+62...).",
                "The recipient's number must be in E.164 form (+62...).",
            )
        if self.user_id is not None and not (
            isinstance(self.user_id, str) and _USER_ID.fullmatch(self.user_id)
        ):
            raise _refuse(
                "user_id",
                "User id penerima tidak sah.",
                "The recipient's user id is not valid.",
            )

    @classmethod
    def from_wa_id(cls, wa_id: str, *, user_id: str | None = None) -> Recipient:
        """
        The recipient for a WhatsApp number as webhooks give it (digits, no ``+``).
        """
        return cls(phone="+" + wa_id, user_id=user_id)

    @property
    def key(self) -> str:
        """
        A stable key for this recipient: the telephone number, else the user id.
        """
        key = self.phone if self.phone is not None else self.user_id
        assert key is not None  # noqa: S101 - the constructor requires one of the two
        return key

    def __repr__(self) -> str:
        phone = "None" if self.phone is None else repr(mask(self.phone))
        user_id = "None" if self.user_id is None else repr(mask(self.user_id))
        return f"Recipient(phone={phone}, user_id={user_id})"


def _check_parameters(
    _: object, attribute: attrs.Attribute[tuple[str, ...]], value: tuple[str, ...]
) -> None:
    for parameter in value:
        if (
            not isinstance(parameter, str)
            or not parameter.strip()
            or len(parameter) > _MAX_TEMPLATE_PARAMETER
            or _PARAMETER_FORBIDDEN.search(parameter)
        ):
            raise _refuse(
                "parameters",
                "Parameter templat harus berupa teks satu baris, tidak kosong, paling banyak "
                f"{_MAX_TEMPLATE_PARAMETER} karakter, tanpa tab atau lebih dari 4 spasi berurutan.",
                "A template parameter must be one non-empty line of at most "
                f"{_MAX_TEMPLATE_PARAMETER} characters, with no tabs and no run of more than "
                "4 spaces.",
            )


def _to_tuple(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(values)


def _check_template_name(_: object, attribute: attrs.Attribute[str], value: str) -> None:
    if not isinstance(value, str) or not _TEMPLATE_NAME.fullmatch(value):
        raise _refuse(
            "template_name",
            "Nama templat hanya boleh berisi huruf kecil, angka, dan garis bawah.",
            "A template name may hold only lowercase letters, digits and underscores.",
        )


def _check_language(_: object, attribute: attrs.Attribute[str], value: str) -> None:
    if not isinstance(value, str) or not _LANGUAGE.fullmatch(value):
        raise _refuse(
            "language",
            "Kode bahasa templat tidak sah (contoh: id, en, en_US).",
            "The template's language code is not valid (e.g. id, en, en_US).",
        )


@attrs.frozen
class TemplateRef:
    """
    An approved WhatsApp message template and the values of its body's ``{{1}}``, ``{{2}}``...

    Templates are the only messages WhatsApp delivers outside the 24-hour customer-service
    window; they must be approved in WhatsApp Manager first. WhatsApp refuses parameters
    with newlines, tabs or more than four spaces in a row.

    >>> TemplateRef("aduan_tanda_terima", "id", ("LAP-2026-000123", "Senin, 12 Januari 2026"))
    TemplateRef(name='aduan_tanda_terima', language='id', parameters=('LAP-2026-000123', 'Senin, 12 Januari 2026'))
    """  # noqa: E501 - a doctest's expected output is one line

    name: str = attrs.field(validator=_check_template_name)
    language: str = attrs.field(validator=_check_language)
    parameters: tuple[str, ...] = attrs.field(
        default=(), converter=_to_tuple, validator=_check_parameters
    )


@attrs.frozen(repr=False)
class OutboundMessage:
    """
    One message to send: free-form text, or an approved template.

    Attributes:
        recipient: Who it goes to.
        idempotency_key: Names this notification: a dispatcher retries under the same key,
            and the Cloud API adapter sends it as ``biz_opaque_callback_data`` so status
            callbacks come back with it. Printable ASCII without spaces, 1 to 256
            characters.
        text: The text (at most :data:`MAX_TEXT_LENGTH` characters), or ``None``.
        template: The template, or ``None``; exactly one of ``text`` and ``template``.
        reply_to: The id of an inbound message this one answers in thread, or ``None``.
        fallback_template: With ``text``, the approved template to send instead when the
            text is refused outside the 24-hour customer-service window (see :func:`deliver`).

    >>> m = OutboundMessage(Recipient(phone="+6281234567890"), "lap-1:ack", text="Diterima.")
    >>> m.kind
    'text'
    >>> m
    OutboundMessage(kind='text', recipient=Recipient(phone='+62********890', user_id=None), idempotency_key='lap-1:ack', text=<9 chars>, template=None)
    """  # noqa: E501 - a doctest's expected output is one line

    recipient: Recipient
    idempotency_key: str
    text: str | None = None
    template: TemplateRef | None = None
    reply_to: str | None = None
    fallback_template: TemplateRef | None = None

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.recipient, Recipient):
            raise _refuse("recipient", "Penerima tidak sah.", "The recipient is not valid.")
        if not isinstance(self.idempotency_key, str) or not _IDEMPOTENCY_KEY.fullmatch(
            self.idempotency_key
        ):
            raise _refuse(
                "idempotency_key",
                "Kunci idempotensi harus berupa 1-256 karakter ASCII cetak tanpa spasi.",
                "The idempotency key must be 1-256 printable ASCII characters without spaces.",
            )
        if (self.text is None) == (self.template is None):
            raise _refuse(
                "text",
                "Pesan harus berisi tepat satu dari teks atau templat.",
                "A message must hold exactly one of text or template.",
            )
        if self.text is not None and (
            not isinstance(self.text, str)
            or not self.text.strip()
            or len(self.text) > MAX_TEXT_LENGTH
        ):
            raise _refuse(
                "text",
                f"Teks pesan harus berisi 1-{MAX_TEXT_LENGTH} karakter.",
                f"The message text must hold 1-{MAX_TEXT_LENGTH} characters.",
            )
        if self.template is not None and not isinstance(self.template, TemplateRef):
            raise _refuse("template", "Templat tidak sah.", "The template is not valid.")
        if self.fallback_template is not None and (
            self.text is None or not isinstance(self.fallback_template, TemplateRef)
        ):
            raise _refuse(
                "fallback_template",
                "Templat cadangan hanya untuk pesan teks.",
                "A fallback template goes with a text message only.",
            )
        if self.reply_to is not None and not (
            isinstance(self.reply_to, str) and 0 < len(self.reply_to) <= 256
        ):
            raise _refuse(
                "reply_to", "Id pesan yang dibalas tidak sah.", "The replied-to id is not valid."
            )

    @property
    def kind(self) -> Literal["text", "template"]:
        """
        ``"text"`` or ``"template"``.
        """
        return "text" if self.text is not None else "template"

    def with_fallback(self) -> OutboundMessage:
        """
        The fallback template as a message of its own, under the same idempotency key.

        Raises:
            InvalidMessageError: The message has no fallback template.
        """
        if self.fallback_template is None:
            raise _refuse(
                "fallback_template",
                "Pesan ini tidak memiliki templat cadangan.",
                "This message has no fallback template.",
            )
        return OutboundMessage(
            self.recipient,
            self.idempotency_key,
            template=self.fallback_template,
            reply_to=self.reply_to,
        )

    def to_payload(self) -> dict[str, Any]:
        """
        The message as JSON-ready data, e.g. for the transactional outbox.

        >>> m = OutboundMessage(Recipient(phone="+6281234567890"), "k", text="Halo")
        >>> OutboundMessage.from_payload(m.to_payload()) == m
        True
        """

        def template(ref: TemplateRef | None) -> dict[str, Any] | None:
            if ref is None:
                return None
            return {"name": ref.name, "language": ref.language, "parameters": list(ref.parameters)}

        return {
            "version": 1,
            "recipient": {"phone": self.recipient.phone, "user_id": self.recipient.user_id},
            "idempotency_key": self.idempotency_key,
            "text": self.text,
            "template": template(self.template),
            "reply_to": self.reply_to,
            "fallback_template": template(self.fallback_template),
        }

    @classmethod
    def from_payload(cls, payload: Mapping[str, Any]) -> OutboundMessage:
        """
        The message :meth:`to_payload` wrote.

        Raises:
            InvalidMessageError: The payload is not one (``field`` says where).
        """
        try:
            if payload.get("version") != 1:
                raise _refuse(
                    "version",
                    "Versi muatan pesan tidak dikenal.",
                    "Unknown message payload version.",
                )

            def template(data: Any) -> TemplateRef | None:
                if data is None:
                    return None
                return TemplateRef(data["name"], data["language"], tuple(data["parameters"]))

            recipient = payload["recipient"]
            return cls(
                Recipient(phone=recipient.get("phone"), user_id=recipient.get("user_id")),
                payload["idempotency_key"],
                text=payload.get("text"),
                template=template(payload.get("template")),
                reply_to=payload.get("reply_to"),
                fallback_template=template(payload.get("fallback_template")),
            )
        except (KeyError, TypeError, AttributeError) as e:
            raise _refuse(
                "payload", "Muatan pesan tidak lengkap.", "The message payload is incomplete."
            ) from e

    def __repr__(self) -> str:
        text = "None" if self.text is None else f"<{len(self.text)} chars>"
        return (
            f"OutboundMessage(kind={self.kind!r}, recipient={self.recipient!r}, "
            f"idempotency_key={self.idempotency_key!r}, text={text}, template={self.template!r})"
        )


def deliver(messenger: Messenger, message: OutboundMessage) -> SendResult:
    """
    Send ``message``; if its text is refused outside the 24-hour customer-service window and
    it has a fallback template, send the template instead (under the same key).

    >>> from layanan_aduan.adapters.messaging import InMemoryMessenger
    >>> from layanan_aduan.exceptions import OutsideCustomerServiceWindowError
    >>> messenger = InMemoryMessenger()
    >>> messenger.fail_next(OutsideCustomerServiceWindowError("Di luar jendela.", "Outside."))
    >>> message = OutboundMessage(
    ...     Recipient(phone="+6281234567890"), "lap-1:follow-up", text="Tindak lanjut: ...",
    ...     fallback_template=TemplateRef("aduan_tindak_lanjut", "id", ("LAP-1", "...")),
    ... )
    >>> deliver(messenger, message).idempotency_key
    'lap-1:follow-up'
    >>> [m.kind for m in messenger.messages]
    ['template']
    """
    try:
        return messenger.send(message)
    except OutsideCustomerServiceWindowError:
        if message.fallback_template is None:
            raise
        return messenger.send(message.with_fallback())


@attrs.frozen(repr=False)
class SendResult:
    """
    What a messenger answers when it has accepted a message.

    Attributes:
        provider_message_id: The provider's id of the sent message (``wamid.…`` on
            WhatsApp; status callbacks carry it).
        idempotency_key: The key of the message sent.
        channel: Which adapter sent it: ``"whatsapp_cloud"``, ``"memory"``, ``"console"``.
    """

    provider_message_id: str
    idempotency_key: str
    channel: str

    def __repr__(self) -> str:
        # A wamid embeds the recipient's number.
        return (
            f"SendResult(provider_message_id={mask(self.provider_message_id)!r}, "
            f"idempotency_key={self.idempotency_key!r}, channel={self.channel!r})"
        )
