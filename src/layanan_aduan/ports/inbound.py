"""
Inbound values: what a channel delivers to the desk, whatever the channel.

A channel adapter (the WhatsApp Cloud API webhook parser,
:mod:`layanan_aduan.adapters.whatsapp.inbound`) translates its payloads into these immutable
values; the service layer takes only these, so a report can come from any channel that
produces them.

- :class:`InboundMessage`: one message a person sent to the office's business number, with
  its :class:`Sender`, :class:`MediaRef`, :class:`MessageContext` and, for an answer picked
  from an interactive message, its :class:`InteractiveReply`;
- :class:`StatusUpdate` and :class:`DeliveryStatus`: what became of a message we sent;
- :class:`ParsedWebhook`: everything one delivery carried (messages, statuses, errors the
  platform reported, and the :class:`SkippedItem` parts that were not taken).
"""

from __future__ import annotations

import enum
from typing import Any, Literal

import attrs
import pendulum

from layanan_aduan.exceptions import InvalidMessageError
from layanan_aduan.privacy import mask, mask_name

__all__ = [
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
]


class MessageKind(enum.Enum):
    """
    The inbound message types this library takes: a report's text and its evidence, and an
    answer picked from an interactive message (a list row or a reply button).
    """

    TEXT = "text"
    IMAGE = "image"
    DOCUMENT = "document"
    INTERACTIVE = "interactive"


class DeliveryStatus(enum.Enum):
    """
    The status of a message we sent, as a status callback reports it.
    """

    SENT = "sent"
    DELIVERED = "delivered"
    READ = "read"
    FAILED = "failed"
    PLAYED = "played"


def _masked(value: str | None) -> str:
    return "None" if value is None else repr(mask(value))


@attrs.frozen(repr=False)
class Sender:
    """
    Who sent an inbound message.

    Since 2026 WhatsApp identifies a user to a business by a business-scoped user id
    (BSUID, ``user_id``, e.g. ``"ID.13491208655302741918"``) and may omit the telephone
    number (``wa_id``) of users who adopted a username. :attr:`key` is therefore the
    ``user_id`` when present, else the ``wa_id``.

    Attributes:
        user_id: The business-scoped user id, or ``None`` (payloads before the rollout).
        wa_id: The WhatsApp number, digits with country code and no ``+``, or ``None``.
        parent_user_id: The parent BSUID of linked business portfolios, or ``None``.
        username: The user's WhatsApp username, or ``None`` (not a stable identifier).
        profile_name: The name in the user's WhatsApp profile, or ``None``.

    >>> s = Sender(user_id=None, wa_id="6281234567890", profile_name="Budi Santoso")
    >>> s.key, s.key_kind, s.phone
    ('6281234567890', 'wa_id', '+6281234567890')
    >>> s
    Sender(key='628*******890', key_kind='wa_id', profile_name='B*** S******')
    """

    user_id: str | None
    wa_id: str | None
    parent_user_id: str | None = None
    username: str | None = None
    profile_name: str | None = None

    def __attrs_post_init__(self) -> None:
        if not self.user_id and not self.wa_id:
            raise InvalidMessageError(
                "Pengirim harus memiliki user_id atau wa_id.",
                "A sender needs a user_id or a wa_id.",
                field="sender",
            )

    @property
    def key(self) -> str:
        """
        The stable key of this sender: the ``user_id`` when present, else the ``wa_id``.
        """
        key = self.user_id if self.user_id is not None else self.wa_id
        assert key is not None  # noqa: S101 - the validator requires one of the two
        return key

    @property
    def key_kind(self) -> Literal["user_id", "wa_id"]:
        """
        Which identifier :attr:`key` is.
        """
        return "user_id" if self.user_id is not None else "wa_id"

    @property
    def phone(self) -> str | None:
        """
        The telephone number in E.164 form (``+62…``), or ``None`` when WhatsApp withheld it.
        """
        return None if self.wa_id is None else "+" + self.wa_id

    def __repr__(self) -> str:
        name = "None" if self.profile_name is None else repr(mask_name(self.profile_name))
        return f"Sender(key={mask(self.key)!r}, key_kind={self.key_kind!r}, profile_name={name})"


@attrs.frozen(repr=False)
class MediaRef:
    """
    The media of an image or document message: fetch it by :attr:`media_id`.

    Attributes:
        media_id: The media id; it expires 7 days after the webhook (fetch promptly).
        mime_type: The MIME type WhatsApp reports, or ``None``.
        sha256: The hash WhatsApp reports, kept as an opaque string: examples show both
            hex and base64 forms, so its format is not checked.
        caption: The caption the user typed, or ``None``.
        filename: The document's file name, or ``None``.
        url: A download URL, sent since late 2025 to some accounts only; nothing here
            depends on it (fetch through the media id).
    """

    media_id: str
    mime_type: str | None = None
    sha256: str | None = None
    caption: str | None = None
    filename: str | None = None
    url: str | None = None

    def __repr__(self) -> str:
        caption = "None" if self.caption is None else f"<{len(self.caption)} chars>"
        return (
            f"MediaRef(media_id={self.media_id!r}, mime_type={self.mime_type!r}, caption={caption})"
        )


#: The longest id of a list row or a reply button WhatsApp allows (a button's: 256).
MAX_REPLY_ID_LENGTH = 256
#: The longest title of a list row (24) or a reply button (20).
MAX_REPLY_TITLE_LENGTH = 24
#: The longest description of a list row.
MAX_REPLY_DESCRIPTION_LENGTH = 72


def _check_reply_text(limit: int, *, required: bool) -> Any:
    def check(_instance: object, attribute: attrs.Attribute[str | None], value: object) -> None:
        if value is None and not required:
            return
        if not isinstance(value, str) or not 0 < len(value) <= limit or not value.isprintable():
            raise InvalidMessageError(
                f"{attribute.name} jawaban interaktif harus 1-{limit} karakter tanpa karakter "
                "kendali.",
                f"The interactive reply's {attribute.name} must be 1-{limit} characters without "
                "control characters.",
                field=f"interactive.{attribute.name}",
            )

    return check


@attrs.frozen(repr=False)
class InteractiveReply:
    """
    What a person picked from an interactive message we sent: a list row or a reply button.

    The id is the one we gave the row or button; it comes back from the person's device, so
    it is a claim: the desk acts on it only for the sender's own report.

    Attributes:
        kind: ``"list_reply"`` or ``"button_reply"``.
        id: The row's or button's id (1 to :data:`MAX_REPLY_ID_LENGTH` characters).
        title: What the row or button showed (1 to :data:`MAX_REPLY_TITLE_LENGTH`).
        description: The list row's description, or ``None``.

    >>> InteractiveReply("list_reply", "rating:5:r-1", "5", "Sangat puas")
    InteractiveReply(kind='list_reply', id='rating:5:r-1', title='5')
    >>> InteractiveReply("list_reply", "", "5")
    Traceback (most recent call last):
    ...
    layanan_aduan.exceptions.InvalidMessageError: id jawaban interaktif harus 1-256 karakter tanpa karakter kendali.
    """  # noqa: E501 - a doctest's expected output is one line

    kind: Literal["list_reply", "button_reply"] = attrs.field(
        validator=attrs.validators.in_(("list_reply", "button_reply"))
    )
    id: str = attrs.field(validator=_check_reply_text(MAX_REPLY_ID_LENGTH, required=True))
    title: str = attrs.field(validator=_check_reply_text(MAX_REPLY_TITLE_LENGTH, required=True))
    description: str | None = attrs.field(
        default=None,
        validator=_check_reply_text(MAX_REPLY_DESCRIPTION_LENGTH, required=False),
    )

    def __repr__(self) -> str:
        return f"InteractiveReply(kind={self.kind!r}, id={self.id!r}, title={self.title!r})"


@attrs.frozen(repr=False)
class MessageContext:
    """
    What an inbound message refers to: the message it replies to, or that it was forwarded.
    """

    replied_to_id: str | None = None
    replied_to_from: str | None = None
    forwarded: bool = False
    frequently_forwarded: bool = False

    def __repr__(self) -> str:
        return (
            f"MessageContext(replied_to_id={_masked(self.replied_to_id)}, "
            f"forwarded={self.forwarded!r}, frequently_forwarded={self.frequently_forwarded!r})"
        )


@attrs.frozen
class PlatformErrorInfo:
    """
    An error WhatsApp reports inside a webhook (on a message, a failed status, or a value).

    Attributes:
        code: The Cloud API error code, e.g. ``131047``.
        title: Short title, or ``None``.
        message: Message, or ``None``.
        details: ``error_data.details``, or ``None``.
        href: Link to the error-code reference, or ``None``.
    """

    code: int
    title: str | None = None
    message: str | None = None
    details: str | None = None
    href: str | None = None


@attrs.frozen(repr=False)
class InboundMessage:
    """
    One message a user sent to the business number.

    Attributes:
        message_id: The WhatsApp message id (``wamid.…``); redeliveries repeat it.
        kind: Text, image, document, or an interactive answer.
        sender: Who sent it.
        sent_at: When the user sent it (UTC).
        text: The text of a text message, else ``None``.
        media: The media of an image or document, else ``None``.
        context: What the message replies to, or ``None``.
        errors: Errors WhatsApp attached to the message.
        phone_number_id: The business number it was sent to (``metadata.phone_number_id``).
        business_account_id: The WhatsApp Business Account id (``entry[].id``).
        display_phone_number: The business number as the platform displays it
            (``metadata.display_phone_number``), or ``None``.
        reply: What was picked from an interactive message (``kind`` interactive), else
            ``None``.
    """

    message_id: str
    kind: MessageKind
    sender: Sender
    sent_at: pendulum.DateTime
    text: str | None = None
    media: MediaRef | None = None
    context: MessageContext | None = None
    errors: tuple[PlatformErrorInfo, ...] = ()
    phone_number_id: str | None = None
    business_account_id: str | None = None
    display_phone_number: str | None = None
    reply: InteractiveReply | None = None

    @property
    def sender_key(self) -> str:
        """
        The sender's stable key (see :attr:`Sender.key`).
        """
        return self.sender.key

    @property
    def dedupe_key(self) -> str:
        """
        The key redeliveries share: the message id.
        """
        return self.message_id

    @property
    def text_content(self) -> str | None:
        """
        What the user wrote: the text, or the caption of an image or document.
        """
        if self.text is not None:
            return self.text
        return None if self.media is None else self.media.caption

    def __repr__(self) -> str:
        content = self.text_content
        shown = "None" if content is None else f"<{len(content)} chars>"
        return (
            f"InboundMessage(kind={self.kind.value!r}, message_id={mask(self.message_id)!r}, "
            f"sender={self.sender!r}, sent_at={self.sent_at.isoformat()!r}, text={shown})"
        )


@attrs.frozen(repr=False)
class StatusUpdate:
    """
    A status callback for a message the business sent.

    Attributes:
        message_id: The id of our message (as the send answered it).
        status: Sent, delivered, read, failed or played.
        at: When the status changed (UTC).
        recipient_id: The recipient's WhatsApp number, or ``None`` (BSUID-only recipients).
        recipient_user_id: The recipient's business-scoped user id, or ``None``.
        callback_data: ``biz_opaque_callback_data`` as sent with the message; this library
            sends the notification's idempotency key there.
        errors: Why a ``failed`` message failed.
        phone_number_id: The business number that sent it.
        display_phone_number: That number as the platform displays it, or ``None``.
    """

    message_id: str
    status: DeliveryStatus
    at: pendulum.DateTime
    recipient_id: str | None = None
    recipient_user_id: str | None = None
    callback_data: str | None = None
    errors: tuple[PlatformErrorInfo, ...] = ()
    phone_number_id: str | None = None
    display_phone_number: str | None = None

    @property
    def dedupe_key(self) -> str:
        """
        The key redeliveries share: the message id and the status.
        """
        return f"{self.message_id}#{self.status.value}"

    def __repr__(self) -> str:
        codes = [e.code for e in self.errors]
        return (
            f"StatusUpdate(status={self.status.value!r}, message_id={mask(self.message_id)!r}, "
            f"at={self.at.isoformat()!r}, callback_data={self.callback_data!r}, "
            f"error_codes={codes!r})"
        )


@attrs.frozen
class ReportedError:
    """
    A value-level error (``entry[].changes[].value.errors[]``): a problem WhatsApp reports
    out of band, not tied to one message.
    """

    error: PlatformErrorInfo
    path: str
    phone_number_id: str | None = None


@attrs.frozen(repr=False)
class SkippedItem:
    """
    A part of a webhook that was not taken, and why.

    Codes: ``unsupported_field`` (a change other than ``messages``), ``other_phone_number``
    (a change for another business number), ``unsupported_message_type`` (audio, sticker,
    reaction...), ``unsupported_status``, and ``malformed_item`` (``detail`` holds the
    :class:`~layanan_aduan.exceptions.WebhookPayloadError` code, ``path`` where it is).

    Attributes:
        code: Why it was skipped.
        path: Where it is, e.g. ``entry[0].changes[0].value.messages[3]``.
        item_type: The message type, status or field name when it is a short plain word,
            else ``"other"``.
        detail: For ``malformed_item``, the code of the problem.
        message_id: The message id, when it could be read (to answer the user).
        sender_key: The sender's key, when it could be read (to answer the user).
        error_codes: Cloud API error codes attached to the item.
    """

    code: str
    path: str
    item_type: str | None = None
    detail: str | None = None
    message_id: str | None = None
    sender_key: str | None = None
    error_codes: tuple[int, ...] = ()

    def __repr__(self) -> str:
        return (
            f"SkippedItem(code={self.code!r}, path={self.path!r}, item_type={self.item_type!r}, "
            f"detail={self.detail!r}, sender_key={_masked(self.sender_key)})"
        )


@attrs.frozen
class ParsedWebhook:
    """
    Everything a webhook body carried, in payload order across every entry and change.
    """

    messages: tuple[InboundMessage, ...] = ()
    statuses: tuple[StatusUpdate, ...] = ()
    errors: tuple[ReportedError, ...] = ()
    skipped: tuple[SkippedItem, ...] = ()
