"""
The dispatcher: sends what the desk put in the transactional outbox.

It leases due messages (:meth:`~layanan_aduan.ports.Outbox.claim_due`), sends each through
:func:`~layanan_aduan.messaging.deliver` on the :class:`~layanan_aduan.messaging.Messenger`
port (the approved template replaces text refused outside the 24-hour window), and marks it
sent, with the channel's id for it (``SendResult.provider_message_id``, WhatsApp's
``wamid.…``: what a reply's ``context.id`` names). A failure the error calls retryable
(``error.retryable``: rate limits, outages, an unreachable recipient) is tried again after
an exponential backoff with jitter, never sooner than the provider's ``retry_after``; a
refusal that cannot succeed unchanged, or the ``max_attempts``-th failure, makes it a dead
letter, which an operator lists (:meth:`Dispatcher.dead_letters`) and puts back
(:meth:`Dispatcher.retry_dead_letter`).

Immediately before each send the dispatcher renews its lease on that one message
(:meth:`~layanan_aduan.ports.Outbox.renew`, a conditional update on the lease's claim
token). When a batch takes longer than ``lease_seconds`` and another dispatcher has claimed
the tail in the meantime, the renewal fails and the first dispatcher skips those messages
(logged as ``outbox_lease_lost``): live dispatchers never send the same message twice, as
long as one send takes less than ``lease_seconds``.

Delivery is at least once only for a dispatcher that dies between the send and the mark: the
message stays leased; when the lease ends another run sends it again, under the same
idempotency key (the Cloud API adapter sends it as ``biz_opaque_callback_data``, and a status
callback for it marks the message sent:
:meth:`~layanan_aduan.service_layer.desk.Desk.record_statuses`). So each dead dispatcher causes
at most one duplicate.

A messenger that raises something other than a
:class:`~layanan_aduan.exceptions.MessagingError` (a bug, a driver's own exception) fails only
that message: the failure is counted and retried like an outage (code ``unexpected_error``,
the exception's type name kept, never its text, which may hold personal data), and the pass
carries on with the other messages.

Time, randomness and sleeping are injected, so tests run without waiting.

>>> import pendulum
>>> from layanan_aduan.adapters.messaging import InMemoryMessenger
>>> from layanan_aduan.adapters.storage import InMemoryStorage
>>> from layanan_aduan.clock import FixedClock
>>> from layanan_aduan.messaging import OutboundMessage, Recipient
>>> storage, messenger = InMemoryStorage(), InMemoryMessenger()
>>> clock = FixedClock(pendulum.datetime(2026, 1, 12, 2, tz="UTC"))
>>> message = OutboundMessage(Recipient(phone="+6281234567890"), "r-1:1:ack", text="Diterima.")
>>> with storage.unit_of_work() as uow:
...     uow.outbox.put(message.idempotency_key, message.to_payload(), created_at=clock.now())
...     uow.commit()
True
>>> dispatcher = Dispatcher(storage.outbox, messenger, clock)
>>> dispatcher.run_once()
DispatchSummary(claimed=1, sent=1, retried=0, dead=0, skipped=0)
>>> [m.text for m in messenger.messages]
['Diterima.']
"""

from __future__ import annotations

import logging
import random as _random
import time as _time
from collections.abc import Callable
from typing import Final

import attrs
import pendulum

from layanan_aduan.clock import Clock
from layanan_aduan.exceptions import (
    InvalidMessageError,
    MessagingConfigurationError,
    MessagingError,
    MessagingRetryLaterError,
    OutboxLeaseLostError,
    OutboxMessageNotFoundError,
)
from layanan_aduan.messaging import Messenger, OutboundMessage, deliver
from layanan_aduan.ports import Outbox, OutboxMessage, OutboxStatus

__all__ = [
    "DEFAULT_RETRY_POLICY",
    "DispatchSummary",
    "Dispatcher",
    "RetryPolicy",
]

_log = logging.getLogger("layanan_aduan.dispatcher")

_UNEXPECTED: Final = "unexpected_error"  # the failure code of a messenger's unknown exception


def _positive(_: object, attribute: attrs.Attribute[float], value: float) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
        raise MessagingConfigurationError(
            f"{attribute.name} harus bilangan positif.",
            f"{attribute.name} must be a positive number.",
            field=attribute.name,
        )


def _fraction(_: object, attribute: attrs.Attribute[float], value: float) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise MessagingConfigurationError(
            f"{attribute.name} harus di antara 0 dan 1.",
            f"{attribute.name} must be between 0 and 1.",
            field=attribute.name,
        )


def _check_count(name: str, value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise MessagingConfigurationError(
            f"{name} harus bilangan bulat >= 1.",
            f"{name} must be an integer >= 1.",
            field=name,
        )


def _at_least_one(_: object, attribute: attrs.Attribute[int], value: int) -> None:
    _check_count(attribute.name, value)


@attrs.frozen
class RetryPolicy:
    """
    When to try a failed message again, and when to give up.

    The delay before attempt ``n + 1`` after the ``n``-th failure is
    ``min(max_delay, base_delay * factor ** (n - 1))`` scaled by a random factor in
    ``[1 - jitter, 1]`` ("equal jitter"): bounded by ``max_delay``, and for the same random
    draw never shorter for a later attempt. A provider's ``retry_after`` raises it.

    Attributes:
        base_delay: Seconds before the second attempt, before jitter.
        factor: Growth per failure.
        max_delay: The longest wait, in seconds.
        jitter: The share of the delay that is random (0: none, 1: full jitter).
        max_attempts: Failures after which a message becomes a dead letter.

    >>> policy = RetryPolicy(base_delay=10, factor=2, max_delay=60, jitter=0.5)
    >>> [policy.delay(n, 1.0) for n in (1, 2, 3, 4, 5)]
    [10.0, 20.0, 40.0, 60.0, 60.0]
    >>> policy.delay(3, 0.0)
    20.0
    """

    base_delay: float = attrs.field(default=30.0, validator=_positive)
    factor: float = attrs.field(default=2.0, validator=_positive)
    max_delay: float = attrs.field(default=3600.0, validator=_positive)
    jitter: float = attrs.field(default=0.5, validator=_fraction)
    max_attempts: int = attrs.field(default=8, validator=_at_least_one)

    def ceiling(self, failures: int) -> float:
        """
        The delay after ``failures`` failures, before jitter.
        """
        if failures < 1:
            raise MessagingConfigurationError(
                "Jumlah kegagalan harus >= 1.",
                "The number of failures must be >= 1.",
                field="failures",
            )
        exponent = min(failures - 1, 64)  # beyond this the cap has long been reached
        return float(min(self.max_delay, self.base_delay * self.factor**exponent))

    def delay(self, failures: int, draw: float) -> float:
        """
        The delay after ``failures`` failures for a uniform random ``draw`` in ``[0, 1]``.
        """
        draw = min(1.0, max(0.0, draw))
        return self.ceiling(failures) * (1.0 - self.jitter + self.jitter * draw)


DEFAULT_RETRY_POLICY: Final = RetryPolicy()


@attrs.frozen
class DispatchSummary:
    """
    What one or more dispatcher passes did.

    Attributes:
        claimed: Messages leased.
        sent: Messages sent and marked sent.
        retried: Failures scheduled for another attempt.
        dead: Messages that became dead letters.
        skipped: Messages left alone because this dispatcher's lease on them was lost to
            another dispatcher (or they were sent or dead-lettered meanwhile).
    """

    claimed: int = 0
    sent: int = 0
    retried: int = 0
    dead: int = 0
    skipped: int = 0

    def __add__(self, other: DispatchSummary) -> DispatchSummary:
        return DispatchSummary(
            self.claimed + other.claimed,
            self.sent + other.sent,
            self.retried + other.retried,
            self.dead + other.dead,
            self.skipped + other.skipped,
        )


class Dispatcher:
    """
    Sends due outbox messages through a messenger, with retries and dead letters.

    Args:
        outbox: The storage's outbox (``storage.outbox``).
        messenger: The channel.
        clock: The current instant.
        policy: Backoff and dead-letter policy.
        random: A source of uniform draws in ``[0, 1)`` for the jitter
            (``random.Random().random`` by default).
        sleep: Waits between idle passes of :meth:`run` (``time.sleep`` by default).
        batch_size: Messages leased per pass.
        lease_seconds: How long a leased message is this dispatcher's, counted from its
            claim and again from the renewal just before its send; choose it longer than one
            send can take (the Cloud API adapter's timeout and retries). A batch may take
            longer than this.
        office: The office whose messages this dispatcher sends (through that office's
            business number: ``messenger``); ``None`` sends every office's, for a storage
            that serves one office only.
    """

    def __init__(
        self,
        outbox: Outbox,
        messenger: Messenger,
        clock: Clock,
        *,
        policy: RetryPolicy = DEFAULT_RETRY_POLICY,
        random: Callable[[], float] | None = None,
        sleep: Callable[[float], None] | None = None,
        batch_size: int = 20,
        lease_seconds: int = 120,
        office: str | None = None,
    ) -> None:
        _check_count("batch_size", batch_size)
        _check_count("lease_seconds", lease_seconds)
        self.outbox = outbox
        self.messenger = messenger
        self.clock = clock
        self.policy = policy
        self._random = random if random is not None else _random.Random().random  # noqa: S311 - jitter, not secrecy
        self._sleep = sleep if sleep is not None else _time.sleep
        self.batch_size = batch_size
        self.lease_seconds = lease_seconds
        self.office = office

    def __repr__(self) -> str:
        return (
            f"Dispatcher(office={self.office!r}, messenger={type(self.messenger).__name__}, "
            f"policy={self.policy!r})"
        )

    def run_once(self) -> DispatchSummary:
        """
        Lease the messages due now and try each once.
        """
        claimed = self.outbox.claim_due(
            self.clock.now(),
            limit=self.batch_size,
            lease_seconds=self.lease_seconds,
            office=self.office,
        )
        summary = DispatchSummary(claimed=len(claimed))
        for item in claimed:
            summary = summary + self._dispatch(item)
        return summary

    def run(
        self,
        *,
        max_iterations: int | None = 100,
        until_idle: bool = True,
        idle_sleep: float = 1.0,
    ) -> DispatchSummary:
        """
        Run passes until nothing is due (``until_idle``) or ``max_iterations`` passes ran.

        With ``until_idle=False`` an empty pass sleeps ``idle_sleep`` seconds (through the
        injected ``sleep``) and tries again: a long-running dispatcher, bounded by
        ``max_iterations`` (``None``: forever).
        """
        total = DispatchSummary()
        iterations = 0
        while max_iterations is None or iterations < max_iterations:
            iterations += 1
            summary = self.run_once()
            total = total + summary
            if summary.claimed == 0:
                if until_idle:
                    break
                self._sleep(idle_sleep)
        return total

    def _dispatch(self, item: OutboxMessage) -> DispatchSummary:
        if not self._renew(item):
            return DispatchSummary(skipped=1)
        now = self.clock.now()
        try:
            message = OutboundMessage.from_payload(item.payload)
        except InvalidMessageError as e:
            return self._fail(item, now, e.code, e.message, retry=False)
        try:
            result = deliver(self.messenger, message)
        except MessagingError as e:
            retry_after = e.retry_after if isinstance(e, MessagingRetryLaterError) else None
            return self._fail(
                item,
                now,
                e.code,
                e.message,
                retry=e.retryable,
                retry_after=None if retry_after is None else float(retry_after),
            )
        except Exception as e:  # one message's crash must not stop the others
            # Only the type: an unknown exception's text may quote the recipient or the message.
            return self._fail(item, now, _UNEXPECTED, type(e).__name__, retry=True)
        # The channel's id for it: a reply that names it (context.id) finds this message.
        self.outbox.mark_sent(
            item.key, at=self.clock.now(), provider_message_id=result.provider_message_id
        )
        return DispatchSummary(sent=1)

    def _renew(self, item: OutboxMessage) -> bool:
        """
        Renew this dispatcher's lease on ``item`` just before sending it; False to skip it.
        """
        if item.claim_token is None:
            # An outbox adapter without claim tokens: the batch lease is all there is.
            return True
        try:
            renewed = self.outbox.renew(
                item.key,
                claim=item.claim_token,
                at=self.clock.now(),
                lease_seconds=self.lease_seconds,
            )
        except OutboxMessageNotFoundError as e:
            _log.warning("message skipped (%s)", e.code)
            return False
        if not renewed:
            _log.warning("message skipped (%s)", OutboxLeaseLostError.code)
        return renewed

    def _fail(
        self,
        item: OutboxMessage,
        now: pendulum.DateTime,
        code: str,
        text: str,
        *,
        retry: bool,
        retry_after: float | None = None,
    ) -> DispatchSummary:
        failures = item.attempts + 1
        next_at: pendulum.DateTime | None = None
        if retry and failures < self.policy.max_attempts:
            wait = self.policy.delay(failures, self._random())
            if retry_after is not None:
                wait = max(wait, retry_after)
            next_at = now.add(microseconds=round(wait * 1_000_000))
        try:
            updated = self.outbox.mark_failed(
                item.key,
                at=now,
                error=f"{code}: {text}"[:500],
                next_attempt_at=next_at,
                max_attempts=self.policy.max_attempts,
                claim=item.claim_token,
            )
        except OutboxLeaseLostError as e:
            _log.warning("send failed (%s), not recorded (%s)", code, e.code)
            return DispatchSummary(skipped=1)
        if updated.status is OutboxStatus.SENT:
            _log.warning("send failed (%s), message already sent", code)
            return DispatchSummary(skipped=1)
        _log.warning("send failed (%s), attempt %d, %s", code, failures, updated.status.value)
        if updated.status is OutboxStatus.DEAD:
            return DispatchSummary(dead=1)
        return DispatchSummary(retried=1)

    # --- operator functions ---------------------------------------------------------------

    def dead_letters(self) -> tuple[OutboxMessage, ...]:
        """
        Every dead letter, oldest first.
        """
        items: list[OutboxMessage] = []
        after: str | None = None
        while True:
            page = self.outbox.dead_letters(office=self.office, limit=500, after=after)
            items.extend(page.items)
            if page.next_cursor is None:
                return tuple(items)
            after = page.next_cursor

    def retry_dead_letter(self, key: str) -> OutboxMessage:
        """
        Put the dead letter ``key`` back, due now, its attempts reset.

        Raises:
            OutboxMessageNotFoundError: No message has this key.
            OutboxStateError: The message is not a dead letter.
        """
        if self.office is not None and self.outbox.get(key).office != self.office:
            # Another office's message is answered like a missing one.
            raise OutboxMessageNotFoundError(
                "Pesan outbox tidak ditemukan.",
                "No outbox message with this key.",
                field="key",
            )
        return self.outbox.retry(key, at=self.clock.now())

    def retry_all_dead_letters(self) -> tuple[OutboxMessage, ...]:
        """
        Put every dead letter back, due now.
        """
        return tuple(self.retry_dead_letter(m.key) for m in self.dead_letters())
