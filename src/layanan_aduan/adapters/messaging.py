"""
Messaging adapters that need no network: in-memory (recording) and console.

- :class:`InMemoryMessenger` records every message, can be told to fail, and is
  thread-safe: for this library's tests and for the tests of systems built on it;
- :class:`ConsoleMessenger` writes each message to a text stream or a logger, with the
  recipient masked: for demos and for running without a WhatsApp account;
- :class:`InMemoryMediaFetcher` serves media bytes put into it.

Which inbound messages were taken is the storage's inbox (:class:`layanan_aduan.ports.Inbox`).
Each passes the port's contract suite in :mod:`layanan_aduan.testing.messaging`.
"""

from __future__ import annotations

import collections
import hashlib
import logging
import os
import threading
from collections.abc import Callable
from typing import TextIO

import attrs

from layanan_aduan.exceptions import (
    MediaNotFoundError,
    MessagingConfigurationError,
    MessagingError,
    MessagingUnavailableError,
)
from layanan_aduan.media import FetchedMedia, media_too_large
from layanan_aduan.messaging import OutboundMessage, SendResult
from layanan_aduan.privacy import mask

__all__ = [
    "ConsoleMessenger",
    "InMemoryMediaFetcher",
    "InMemoryMessenger",
    "SendAttempt",
]

FailureRule = Callable[[OutboundMessage], MessagingError | None]


@attrs.frozen
class SendAttempt:
    """
    One call of :meth:`InMemoryMessenger.send`: the message and its result or error.
    """

    message: OutboundMessage
    result: SendResult | None
    error: MessagingError | None


class InMemoryMessenger:
    """
    A messenger that records what it is asked to send, and fails when told to.

    >>> from layanan_aduan.messaging import OutboundMessage, Recipient
    >>> from layanan_aduan.exceptions import MessagingRateLimitedError
    >>> messenger = InMemoryMessenger()
    >>> message = OutboundMessage(Recipient(phone="+6281234567890"), "lap-1:ack", text="Diterima.")
    >>> messenger.fail_next(MessagingRateLimitedError("Batas laju.", "Rate limited."))
    >>> messenger.send(message)
    Traceback (most recent call last):
    ...
    layanan_aduan.exceptions.MessagingRateLimitedError: Batas laju.
    >>> messenger.send(message).provider_message_id
    'memory.1'
    >>> [m.text for m in messenger.messages], len(messenger.attempts)
    (['Diterima.'], 2)
    """

    channel = "memory"

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._attempts: list[SendAttempt] = []
        self._queued: collections.deque[MessagingError] = collections.deque()
        self._rule: FailureRule | None = None
        self._ping_error: MessagingError | None = None
        self._count = 0

    def send(self, message: OutboundMessage) -> SendResult:
        """
        Record ``message`` and answer a result, or raise the failure it was told to.
        """
        if not isinstance(message, OutboundMessage):
            raise TypeError(f"message must be an OutboundMessage, not {type(message).__name__}")
        with self._lock:
            error = self._queued.popleft() if self._queued else None
            if error is None and self._rule is not None:
                error = self._rule(message)
            if error is not None:
                self._attempts.append(SendAttempt(message, None, error))
                raise error
            self._count += 1
            result = SendResult(f"memory.{self._count}", message.idempotency_key, self.channel)
            self._attempts.append(SendAttempt(message, result, None))
            return result

    def ping(self) -> None:
        """
        Return, or raise the error set with :meth:`fail_ping`.
        """
        with self._lock:
            error = self._ping_error
        if error is not None:
            raise error

    def fail_next(self, *errors: MessagingError) -> None:
        """
        Make the next sends raise ``errors``, one per send, in order.
        """
        with self._lock:
            self._queued.extend(errors)

    def fail_when(self, rule: FailureRule | None) -> None:
        """
        Make every send for which ``rule`` answers an error raise it; ``None`` stops.
        """
        with self._lock:
            self._rule = rule

    def fail_ping(self, error: MessagingError | None) -> None:
        """
        Make :meth:`ping` raise ``error``; ``None`` makes it healthy again.
        """
        with self._lock:
            self._ping_error = error

    @property
    def attempts(self) -> tuple[SendAttempt, ...]:
        """
        Every call of :meth:`send`, failed ones included, in order.
        """
        with self._lock:
            return tuple(self._attempts)

    @property
    def messages(self) -> tuple[OutboundMessage, ...]:
        """
        The messages sent successfully, in order.
        """
        return tuple(a.message for a in self.attempts if a.result is not None)

    def sent_with_key(self, idempotency_key: str) -> tuple[OutboundMessage, ...]:
        """
        The messages sent successfully under ``idempotency_key`` (more than one means a
        duplicate delivery).
        """
        return tuple(m for m in self.messages if m.idempotency_key == idempotency_key)

    def sent_to(self, recipient_key: str) -> tuple[OutboundMessage, ...]:
        """
        The messages sent successfully to the recipient with this key.
        """
        return tuple(m for m in self.messages if m.recipient.key == recipient_key)

    def clear(self) -> None:
        """
        Forget every attempt and every failure set up.
        """
        with self._lock:
            self._attempts.clear()
            self._queued.clear()
            self._rule = None
            self._ping_error = None

    def __repr__(self) -> str:
        return f"InMemoryMessenger(attempts={len(self.attempts)})"


class ConsoleMessenger:
    """
    A messenger that writes each message to a text stream or a logger.

    The recipient is masked; the text is written whole (it is what the person would read).

    >>> import io
    >>> from layanan_aduan.messaging import OutboundMessage, Recipient
    >>> out = io.StringIO()
    >>> console = ConsoleMessenger(out)
    >>> _ = console.send(
    ...     OutboundMessage(Recipient(phone="+6281234567890"), "lap-1:ack", text="Diterima.")
    ... )
    >>> print(out.getvalue(), end="")
    --- WhatsApp teks -> +62********890 [lap-1:ack]
    Diterima.
    """

    channel = "console"

    def __init__(self, stream: TextIO | None = None, *, logger: logging.Logger | None = None):
        if (stream is None) == (logger is None):
            raise MessagingConfigurationError(
                "Berikan tepat satu dari stream atau logger.",
                "Give exactly one of stream or logger.",
                field="stream",
            )
        self._stream = stream
        self._logger = logger
        self._lock = threading.Lock()
        self._count = 0

    @staticmethod
    def render(message: OutboundMessage) -> str:
        """
        The lines written for ``message``.
        """
        who = mask(message.recipient.key)
        if message.text is not None:
            head = f"--- WhatsApp teks -> {who} [{message.idempotency_key}]"
            return f"{head}\n{message.text}\n"
        if message.interactive is not None:
            listed = message.interactive
            head = f"--- WhatsApp daftar interaktif -> {who} [{message.idempotency_key}]"
            lines = [head]
            lines += [x for x in (listed.header, listed.body, listed.footer) if x is not None]
            lines.append(f"[{listed.button}]")
            for section in listed.sections:
                if section.title is not None:
                    lines.append(f"  {section.title}")
                for row in section.rows:
                    about = "" if row.description is None else f" - {row.description}"
                    lines.append(f"  ( ) {row.title}{about}")
            return "\n".join(lines) + "\n"
        template = message.template
        assert template is not None  # noqa: S101 - a message holds text, a template or a list
        head = (
            f"--- WhatsApp templat {template.name} ({template.language}) -> {who} "
            f"[{message.idempotency_key}]"
        )
        lines = [f"{{{{{i}}}}} = {p}" for i, p in enumerate(template.parameters, start=1)]
        return "\n".join([head, *lines]) + "\n"

    def send(self, message: OutboundMessage) -> SendResult:
        """
        Write ``message``; raise ``MessagingUnavailableError`` if the stream cannot be written.
        """
        text = self.render(message)
        with self._lock:
            try:
                if self._stream is not None:
                    self._stream.write(text)
                    self._stream.flush()
                else:
                    assert self._logger is not None  # noqa: S101 - one of the two is set
                    self._logger.info("%s", text.rstrip("\n"))
            except (OSError, ValueError) as e:
                raise MessagingUnavailableError(
                    "Keluaran konsol tidak dapat ditulisi.",
                    "The console output cannot be written.",
                    code="console_unavailable",
                ) from e
            self._count += 1
            return SendResult(f"console.{self._count}", message.idempotency_key, self.channel)

    def ping(self) -> None:
        """
        Raise ``MessagingUnavailableError`` if the stream is closed.
        """
        if self._stream is not None and self._stream.closed:
            raise MessagingUnavailableError(
                "Keluaran konsol sudah ditutup.",
                "The console output is closed.",
                code="console_unavailable",
            )

    def __repr__(self) -> str:
        target = "logger" if self._logger is not None else "stream"
        return f"ConsoleMessenger(target={target!r})"


class InMemoryMediaFetcher:
    """
    A media fetcher serving the files put into it (each fetch spools a private temporary
    file, as every :class:`~layanan_aduan.messaging.MediaFetcher` answers).

    >>> fetcher = InMemoryMediaFetcher(max_bytes=1024)
    >>> fetcher.put("2754859441498128", b"%PDF-1.7 ...", "application/pdf")
    >>> with fetcher.fetch("2754859441498128") as media:
    ...     media.size, media.read_bytes()
    (12, b'%PDF-1.7 ...')
    >>> fetcher.fetch("404")
    Traceback (most recent call last):
    ...
    layanan_aduan.exceptions.MediaNotFoundError: Media tidak ditemukan atau sudah kedaluwarsa.

    Args:
        max_bytes: The adapter's own size limit.
        spool_dir: Where fetched media are spooled (default: the system's temporary directory).
    """

    def __init__(
        self,
        *,
        max_bytes: int = 100 * 1024 * 1024,
        spool_dir: str | os.PathLike[str] | None = None,
    ) -> None:
        self.max_bytes = max_bytes
        self.spool_dir = spool_dir
        self._files: dict[str, tuple[bytes, str]] = {}
        self._lock = threading.Lock()

    def put(self, media_id: str, content: bytes, mime_type: str) -> None:
        """
        Serve ``content`` under ``media_id``.
        """
        with self._lock:
            self._files[media_id] = (bytes(content), mime_type)

    def fetch(self, media_id: str, *, max_bytes: int | None = None) -> FetchedMedia:
        """
        The file put under ``media_id`` (see :class:`~layanan_aduan.messaging.MediaFetcher`).
        """
        with self._lock:
            found = self._files.get(media_id)
        if found is None:
            raise MediaNotFoundError(
                "Media tidak ditemukan atau sudah kedaluwarsa.",
                "The media was not found or has expired.",
                field="media_id",
            )
        content, mime_type = found
        limit = self.max_bytes if max_bytes is None else min(max_bytes, self.max_bytes)
        if len(content) > limit:
            raise media_too_large(limit, len(content))
        return FetchedMedia.from_bytes(
            media_id,
            content,
            mime_type,
            reported_sha256=hashlib.sha256(content).hexdigest(),
            directory=self.spool_dir,
        )
