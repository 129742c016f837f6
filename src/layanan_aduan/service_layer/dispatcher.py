"""
The dispatcher: sends what the desk put in the transactional outbox.

It leases due messages (:meth:`~layanan_aduan.ports.Outbox.claim_due`), sends each through
:func:`~layanan_aduan.messaging.deliver` on the :class:`~layanan_aduan.messaging.Messenger`
port (the approved template replaces text refused outside the 24-hour window), and marks it
sent. A failure the error calls retryable (``error.retryable``: rate limits, outages, an
unreachable recipient) is tried again after an exponential backoff with jitter, never
sooner than the provider's ``retry_after``; a refusal that cannot succeed unchanged, or
the ``max_attempts``-th failure, makes it a dead letter, which an operator lists
(:meth:`Dispatcher.dead_letters`) and puts back (:meth:`Dispatcher.retry_dead_letter`).

Delivery is at least once: a dispatcher that dies between the send and the mark leaves the
message leased; when the lease ends another run sends it again, under the same idempotency
key (the Cloud API adapter sends it as ``biz_opaque_callback_data``, and a status callback
for it marks the message sent: :meth:`~layanan_aduan.service_layer.desk.Desk.record_statuses`).

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
DispatchSummary(claimed=1, sent=1, retried=0, dead=0)
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
    """

    claimed: int = 0
    sent: int = 0
    retried: int = 0
    dead: int = 0

    def __add__(self, other: DispatchSummary) -> DispatchSummary:
        return DispatchSummary(
            self.claimed + other.claimed,
            self.sent + other.sent,
            self.retried + other.retried,
            self.dead + other.dead,
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
        lease_seconds: How long a leased message is this dispatcher's; choose it longer
            than a send can take (the Cloud API adapter's timeout and retries).
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
        now = self.clock.now()
        try:
            message = OutboundMessage.from_payload(item.payload)
        except InvalidMessageError as e:
            self._fail(item, now, e, retry=False)
            return DispatchSummary(dead=1)
        try:
            deliver(self.messenger, message)
        except MessagingError as e:
            return self._fail(item, now, e, retry=e.retryable)
        self.outbox.mark_sent(item.key, at=self.clock.now())
        return DispatchSummary(sent=1)

    def _fail(
        self, item: OutboxMessage, now: pendulum.DateTime, error: MessagingError, *, retry: bool
    ) -> DispatchSummary:
        failures = item.attempts + 1
        next_at: pendulum.DateTime | None = None
        if retry and failures < self.policy.max_attempts:
            wait = self.policy.delay(failures, self._random())
            if isinstance(error, MessagingRetryLaterError) and error.retry_after is not None:
                wait = max(wait, float(error.retry_after))
            next_at = now.add(microseconds=round(wait * 1_000_000))
        updated = self.outbox.mark_failed(
            item.key,
            at=now,
            error=f"{error.code}: {error.message}"[:500],
            next_attempt_at=next_at,
            max_attempts=self.policy.max_attempts,
        )
        _log.warning("send failed (%s), attempt %d, %s", error.code, failures, updated.status.value)
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
