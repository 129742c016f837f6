"""
Messaging ports: sending notifications and fetching inbound media.

- :class:`Messenger` sends one :class:`~layanan_aduan.messaging.OutboundMessage` and answers a
  :class:`~layanan_aduan.messaging.SendResult`; adapters: in-memory and console
  (:mod:`layanan_aduan.adapters.messaging`), the WhatsApp Cloud API
  (:mod:`layanan_aduan.adapters.whatsapp.cloud_api`);
- :class:`MediaFetcher` fetches the bytes of an inbound media id into a private temporary
  file (:class:`~layanan_aduan.media.FetchedMedia`), never whole into memory.

Which inbound messages were already taken is the storage's :class:`~layanan_aduan.ports.Inbox`,
recorded in the same unit of work as what was made of them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from layanan_aduan.media import FetchedMedia
    from layanan_aduan.messaging import OutboundMessage, SendResult

__all__ = ["MediaFetcher", "Messenger"]


@runtime_checkable
class Messenger(Protocol):
    """
    Port: sends notifications to people (reporters, officers, the section head).

    Adapters raise :class:`~layanan_aduan.exceptions.MessagingError` subclasses; check
    ``error.retryable`` (and :class:`~layanan_aduan.exceptions.OutsideCustomerServiceWindowError`,
    which asks for the approved template instead of text).
    """

    def send(self, message: OutboundMessage) -> SendResult:
        """
        Send one message, or raise a :class:`~layanan_aduan.exceptions.MessagingError`.
        """
        ...

    def ping(self) -> None:
        """
        Health check: return if the channel is usable, else raise a ``MessagingError``.
        """
        ...


@runtime_checkable
class MediaFetcher(Protocol):
    """
    Port: fetches the bytes of an inbound media file by its media id.

    An adapter streams the bytes into a :class:`~layanan_aduan.media.FetchedMedia` (a
    private temporary file, hashed and size-checked while it is written), refusing a file
    over the limit as early as it can tell: from a declared size first, and in any case as
    soon as more bytes than the limit have arrived. The caller closes what it gets.
    """

    def fetch(self, media_id: str, *, max_bytes: int | None = None) -> FetchedMedia:
        """
        Fetch a media file into a temporary file; close the answer when done with it.

        Raises:
            MediaNotFoundError: The id is unknown or expired.
            MediaTooLargeError: The file is larger than ``max_bytes`` (or the adapter's limit);
                nothing is left behind.
            MessagingRetryLaterError: A transient failure (also
                :class:`~layanan_aduan.exceptions.MediaSpoolError`); fetch again later.
        """
        ...
