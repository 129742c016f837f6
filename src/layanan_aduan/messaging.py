"""
The values of outbound messaging: recipients, messages, templates, interactive lists and send
results.

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
    "InteractiveList",
    "ListRow",
    "ListSection",
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

# The Cloud API's limits on an interactive list message (Meta's "Interactive list messages").
_LIST_BODY = 1024
_LIST_HEADER = 60
_LIST_FOOTER = 60
_LIST_BUTTON = 20
_LIST_SECTIONS = 10
_LIST_SECTION_TITLE = 24
_LIST_ROWS = 10
_ROW_ID = 200
_ROW_TITLE = 24
_ROW_DESCRIPTION = 72


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


def _line(field: str, limit: int, *, required: bool = True) -> Any:
    # One line of 1..limit characters (no control characters); None allowed when optional.
    def check(_instance: object, _attribute: object, value: object) -> None:
        if value is None and not required:
            return
        if (
            not isinstance(value, str)
            or not value.strip()
            or len(value) > limit
            or not value.isprintable()
        ):
            raise _refuse(
                field,
                f"{field} harus berisi 1-{limit} karakter dalam satu baris.",
                f"{field} must hold 1-{limit} characters on one line.",
            )

    return check


@attrs.frozen
class ListRow:
    """
    One row of an interactive list: the id WhatsApp sends back when it is picked, the title
    shown, and an optional description.

    Limits of the Cloud API: id at most 200 characters, title 24, description 72.

    >>> ListRow("rating:5:r-1", "5", "Sangat puas")
    ListRow(id='rating:5:r-1', title='5', description='Sangat puas')
    >>> ListRow("r", "Sangat sangat sangat puas")
    Traceback (most recent call last):
    ...
    layanan_aduan.exceptions.InvalidMessageError: row.title harus berisi 1-24 karakter dalam satu baris.
    """  # noqa: E501 - a doctest's expected output is one line

    id: str = attrs.field(validator=_line("row.id", _ROW_ID))
    title: str = attrs.field(validator=_line("row.title", _ROW_TITLE))
    description: str | None = attrs.field(
        default=None, validator=_line("row.description", _ROW_DESCRIPTION, required=False)
    )


def _rows(values: Iterable[ListRow]) -> tuple[ListRow, ...]:
    return tuple(values)


@attrs.frozen
class ListSection:
    """
    A section of an interactive list: its rows, and a title (at most 24 characters; required
    when the list has more than one section).
    """

    rows: tuple[ListRow, ...] = attrs.field(converter=_rows)
    title: str | None = attrs.field(
        default=None, validator=_line("section.title", _LIST_SECTION_TITLE, required=False)
    )

    def __attrs_post_init__(self) -> None:
        if not self.rows or not all(isinstance(r, ListRow) for r in self.rows):
            raise _refuse(
                "section.rows",
                "Bagian daftar harus berisi baris (ListRow).",
                "A list section must hold rows (ListRow).",
            )


def _sections(values: Iterable[ListSection]) -> tuple[ListSection, ...]:
    return tuple(values)


@attrs.frozen(repr=False)
class InteractiveList:
    """
    An interactive list message: a body, the label of the button that opens the list, and
    sections of rows the person picks one from (WhatsApp sends the row's id back).

    Validated against the Cloud API's limits: body 1-1024 characters, header and footer at
    most 60, button label 1-20, 1-10 sections holding 1-10 rows in all, row ids unique, a
    title on every section when there is more than one. An interactive message is a
    free-form (session) message: WhatsApp delivers it only within 24 hours of the person's
    last message, and there is no template to fall back on.

    >>> rows = [ListRow(str(n), str(n)) for n in range(1, 6)]
    >>> InteractiveList("Seberapa puas Anda?", "Beri nilai", [ListSection(rows)])
    InteractiveList(button='Beri nilai', rows=5, body=<19 chars>)
    >>> InteractiveList("Pilih.", "Pilih", [ListSection([ListRow("1", "1")] * 2)])
    Traceback (most recent call last):
    ...
    layanan_aduan.exceptions.InvalidMessageError: Id baris daftar harus unik.
    """

    body: str
    button: str = attrs.field(validator=_line("button", _LIST_BUTTON))
    sections: tuple[ListSection, ...] = attrs.field(converter=_sections)
    header: str | None = attrs.field(
        default=None, validator=_line("header", _LIST_HEADER, required=False)
    )
    footer: str | None = attrs.field(
        default=None, validator=_line("footer", _LIST_FOOTER, required=False)
    )

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.body, str) or not self.body.strip() or len(self.body) > _LIST_BODY:
            raise _refuse(
                "body",
                f"Isi pesan daftar harus berisi 1-{_LIST_BODY} karakter.",
                f"The list message's body must hold 1-{_LIST_BODY} characters.",
            )
        sections = self.sections
        if not 1 <= len(sections) <= _LIST_SECTIONS or not all(
            isinstance(x, ListSection) for x in sections
        ):
            raise _refuse(
                "sections",
                f"Pesan daftar harus berisi 1-{_LIST_SECTIONS} bagian (ListSection).",
                f"A list message must hold 1-{_LIST_SECTIONS} sections (ListSection).",
            )
        if len(sections) > 1 and any(x.title is None for x in sections):
            raise _refuse(
                "section.title",
                "Setiap bagian perlu judul bila ada lebih dari satu bagian.",
                "Every section needs a title when there is more than one.",
            )
        ids = [r.id for r in self.rows]
        if len(ids) > _LIST_ROWS:
            raise _refuse(
                "rows",
                f"Pesan daftar berisi paling banyak {_LIST_ROWS} baris.",
                f"A list message holds at most {_LIST_ROWS} rows.",
            )
        if len(set(ids)) != len(ids):
            raise _refuse("row.id", "Id baris daftar harus unik.", "List row ids must be unique.")

    @property
    def rows(self) -> tuple[ListRow, ...]:
        """
        Every row, section by section.
        """
        return tuple(r for x in self.sections for r in x.rows)

    def to_dict(self) -> dict[str, Any]:
        """
        JSON values (see :meth:`from_dict`).
        """
        return {
            "body": self.body,
            "button": self.button,
            "header": self.header,
            "footer": self.footer,
            "sections": [
                {
                    "title": x.title,
                    "rows": [
                        {"id": r.id, "title": r.title, "description": r.description} for r in x.rows
                    ],
                }
                for x in self.sections
            ],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> InteractiveList:
        """
        The list :meth:`to_dict` wrote.

        Raises:
            InvalidMessageError: Not one.
        """
        try:
            sections = [
                ListSection(
                    [ListRow(r["id"], r["title"], r.get("description")) for r in x["rows"]],
                    x.get("title"),
                )
                for x in data["sections"]
            ]
            return cls(
                data["body"],
                data["button"],
                sections,
                header=data.get("header"),
                footer=data.get("footer"),
            )
        except (KeyError, TypeError, AttributeError) as e:
            raise _refuse(
                "interactive",
                "Muatan pesan interaktif tidak lengkap.",
                "The interactive message's payload is incomplete.",
            ) from e

    def __repr__(self) -> str:
        return (
            f"InteractiveList(button={self.button!r}, rows={len(self.rows)}, "
            f"body=<{len(self.body) if isinstance(self.body, str) else 0} chars>)"
        )


@attrs.frozen(repr=False)
class OutboundMessage:
    """
    One message to send: free-form text, an approved template, or an interactive list.

    Attributes:
        recipient: Who it goes to.
        idempotency_key: Names this notification: a dispatcher retries under the same key,
            and the Cloud API adapter sends it as ``biz_opaque_callback_data`` so status
            callbacks come back with it. Printable ASCII without spaces, 1 to 256
            characters.
        text: The text (at most :data:`MAX_TEXT_LENGTH` characters), or ``None``.
        template: The template, or ``None``.
        interactive: An interactive list, or ``None``; exactly one of ``text``,
            ``template`` and ``interactive``. Like text, WhatsApp delivers it only within the
            24-hour customer-service window; it has no fallback template.
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
    interactive: InteractiveList | None = None

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
        given = [x for x in (self.text, self.template, self.interactive) if x is not None]
        if len(given) != 1:
            raise _refuse(
                "text",
                "Pesan harus berisi tepat satu dari teks, templat atau daftar interaktif.",
                "A message must hold exactly one of text, template or interactive list.",
            )
        if self.interactive is not None and not isinstance(self.interactive, InteractiveList):
            raise _refuse(
                "interactive", "Daftar interaktif tidak sah.", "The interactive list is not valid."
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
    def kind(self) -> Literal["text", "template", "interactive"]:
        """
        ``"text"``, ``"template"`` or ``"interactive"``.
        """
        if self.text is not None:
            return "text"
        return "template" if self.template is not None else "interactive"

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
            "interactive": None if self.interactive is None else self.interactive.to_dict(),
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
            interactive = payload.get("interactive")
            return cls(
                Recipient(phone=recipient.get("phone"), user_id=recipient.get("user_id")),
                payload["idempotency_key"],
                text=payload.get("text"),
                template=template(payload.get("template")),
                reply_to=payload.get("reply_to"),
                fallback_template=template(payload.get("fallback_template")),
                interactive=None if interactive is None else InteractiveList.from_dict(interactive),
            )
        except (KeyError, TypeError, AttributeError) as e:
            raise _refuse(
                "payload", "Muatan pesan tidak lengkap.", "The message payload is incomplete."
            ) from e

    def __repr__(self) -> str:
        text = "None" if self.text is None else f"<{len(self.text)} chars>"
        interactive = "" if self.interactive is None else f", interactive={self.interactive!r}"
        return (
            f"OutboundMessage(kind={self.kind!r}, recipient={self.recipient!r}, "
            f"idempotency_key={self.idempotency_key!r}, text={text}, template={self.template!r}"
            f"{interactive})"
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
