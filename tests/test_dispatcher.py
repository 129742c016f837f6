"""
Tests of the dispatcher: retries with backoff and jitter, retry_after, dead letters and their
retry, properties under random failure schedules, and delivery through the WhatsApp Cloud API
adapter against a loopback Graph API that fails, times out and rate-limits.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator

import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from layanan_aduan.adapters.messaging import InMemoryMessenger
from layanan_aduan.adapters.storage import InMemoryStorage
from layanan_aduan.clock import FixedClock
from layanan_aduan.exceptions import (
    InvalidRecipientError,
    MessagingConfigurationError,
    MessagingRateLimitedError,
    MessagingUnavailableError,
    OutboxStateError,
)
from layanan_aduan.messaging import OutboundMessage, Recipient
from layanan_aduan.ports import OutboxStatus
from layanan_aduan.service_layer.dispatcher import Dispatcher, RetryPolicy
from layanan_aduan.testing.graph_server import LoopbackGraphApi, graph_error, slow

T0 = pendulum.datetime(2026, 1, 12, 2, tz="UTC")
PHONE = Recipient(phone="+6281234567890")


def _enqueue(storage: InMemoryStorage, keys: list[str]) -> None:
    with storage.unit_of_work() as uow:
        for key in keys:
            message = OutboundMessage(PHONE, key, text=f"Pesan {key}.")
            uow.outbox.put(key, message.to_payload(), created_at=T0)
        uow.commit()


def _dispatcher(
    storage: InMemoryStorage,
    messenger: object,
    clock: FixedClock,
    policy: RetryPolicy | None = None,
) -> Dispatcher:
    def sleep(seconds: float) -> None:
        clock.advance(pendulum.duration(seconds=seconds))

    return Dispatcher(
        storage.outbox,
        messenger,  # type: ignore[arg-type]  # every messenger passed here implements the port
        clock,
        policy=policy if policy is not None else RetryPolicy(base_delay=10, max_delay=80),
        random=random.Random(7).random,
        sleep=sleep,
    )


def _unavailable() -> MessagingUnavailableError:
    return MessagingUnavailableError("Tidak tersedia.", "Unavailable.")


def test_a_retryable_failure_is_retried_after_the_backoff() -> None:
    """A failed send stays pending until its backoff has passed, then is sent."""
    storage, messenger, clock = InMemoryStorage(), InMemoryMessenger(), FixedClock(T0)
    _enqueue(storage, ["k1"])
    messenger.fail_next(_unavailable())
    dispatcher = _dispatcher(storage, messenger, clock)
    assert dispatcher.run_once().retried == 1
    stored = storage.outbox.get("k1")
    assert stored.attempts == 1
    assert stored.last_error is not None
    wait = (stored.next_attempt_at - T0).total_seconds()
    assert 5.0 <= wait <= 10.0
    assert dispatcher.run_once().claimed == 0
    clock.advance(pendulum.duration(seconds=wait))
    assert dispatcher.run_once().sent == 1
    assert storage.outbox.get("k1").status is OutboxStatus.SENT


def test_retry_after_is_honoured() -> None:
    """A rate limit's retry_after pushes the next attempt later than the backoff would."""
    storage, messenger, clock = InMemoryStorage(), InMemoryMessenger(), FixedClock(T0)
    _enqueue(storage, ["k1"])
    messenger.fail_next(MessagingRateLimitedError("Batas laju.", "Rate.", retry_after=120))
    _dispatcher(storage, messenger, clock).run_once()
    assert storage.outbox.get("k1").next_attempt_at == T0.add(seconds=120)


def test_a_refusal_that_cannot_succeed_is_a_dead_letter_an_operator_can_retry() -> None:
    """A non-retryable refusal dead-letters at once; the operator lists it, retries it, and
    it is delivered under the same idempotency key."""
    storage, messenger, clock = InMemoryStorage(), InMemoryMessenger(), FixedClock(T0)
    _enqueue(storage, ["k1", "k2"])
    messenger.fail_next(InvalidRecipientError("Penerima salah.", "Bad recipient."))
    dispatcher = _dispatcher(storage, messenger, clock)
    summary = dispatcher.run()
    assert (summary.sent, summary.dead) == (1, 1)
    (dead,) = dispatcher.dead_letters()
    assert dead.key == "k1"
    with pytest.raises(OutboxStateError):
        dispatcher.retry_dead_letter("k2")
    dispatcher.retry_dead_letter("k1")
    assert dispatcher.run().sent == 1
    assert [m.idempotency_key for m in messenger.messages] == ["k2", "k1"]
    assert dispatcher.dead_letters() == ()


def test_max_attempts_failures_make_a_dead_letter() -> None:
    """After max_attempts retryable failures the message is a dead letter, not retried."""
    storage, messenger, clock = InMemoryStorage(), InMemoryMessenger(), FixedClock(T0)
    _enqueue(storage, ["k1"])
    messenger.fail_when(lambda _m: _unavailable())
    policy = RetryPolicy(base_delay=1, max_delay=4, max_attempts=3)
    dispatcher = _dispatcher(storage, messenger, clock, policy)
    summary = dispatcher.run(max_iterations=50, until_idle=False, idle_sleep=5)
    assert (summary.retried, summary.dead) == (2, 1)
    assert storage.outbox.get("k1").status is OutboxStatus.DEAD
    assert len(messenger.attempts) == 3
    messenger.fail_when(None)
    assert len(dispatcher.retry_all_dead_letters()) == 1
    assert dispatcher.run().sent == 1


def test_a_malformed_payload_is_a_dead_letter() -> None:
    """A payload that is not a message dead-letters instead of blocking the queue."""
    storage, messenger, clock = InMemoryStorage(), InMemoryMessenger(), FixedClock(T0)
    with storage.unit_of_work() as uow:
        uow.outbox.put("bad", {"version": 99}, created_at=T0)
        uow.commit()
    assert _dispatcher(storage, messenger, clock).run_once().dead == 1


def test_bad_settings_are_refused() -> None:
    """Policies and dispatchers refuse nonsense settings with a typed error."""
    with pytest.raises(MessagingConfigurationError):
        RetryPolicy(jitter=2)
    with pytest.raises(MessagingConfigurationError):
        RetryPolicy(max_attempts=0)
    with pytest.raises(MessagingConfigurationError):
        Dispatcher(InMemoryStorage().outbox, InMemoryMessenger(), FixedClock(T0), batch_size=0)


@given(
    base=st.floats(0.1, 100),
    factor=st.floats(1, 4),
    cap=st.floats(1, 10_000),
    jitter=st.floats(0, 1),
    draw=st.floats(0, 1),
)
def test_backoff_is_bounded_and_monotone_in_attempts(
    base: float, factor: float, cap: float, jitter: float, draw: float
) -> None:
    """For one random draw the delay never shrinks with more failures, never exceeds the cap,
    and stays within the jitter band below its ceiling."""
    policy = RetryPolicy(base_delay=base, factor=factor, max_delay=cap, jitter=jitter)
    delays = [policy.delay(n, draw) for n in range(1, 40)]
    assert all(a <= b * (1 + 1e-12) for a, b in itertools.pairwise(delays))
    for n, d in enumerate(delays, start=1):
        ceiling = policy.ceiling(n)
        assert ceiling <= cap
        assert ceiling * (1 - jitter) * (1 - 1e-12) <= d <= ceiling


@given(
    schedule=st.lists(st.booleans(), max_size=60),
    count=st.integers(1, 8),
    seed=st.integers(0, 2**32),
)
def test_no_notification_is_lost_under_random_failures(
    schedule: list[bool], count: int, seed: int
) -> None:
    """Whatever sends fail, every notification ends sent or dead, each key sent at least once
    once its dead letters are retried, and never twice."""
    storage, messenger, clock = InMemoryStorage(), InMemoryMessenger(), FixedClock(T0)
    keys = [f"k{i}" for i in range(count)]
    _enqueue(storage, keys)
    failures = iter(schedule)
    messenger.fail_when(lambda _m: _unavailable() if next(failures, False) else None)
    policy = RetryPolicy(base_delay=1, max_delay=8, max_attempts=4)
    dispatcher = _dispatcher(storage, messenger, clock, policy)
    # Vary the jitter per example.
    dispatcher._random = random.Random(seed).random
    for _ in range(30):
        dispatcher.run(max_iterations=200, until_idle=False, idle_sleep=10)
        if not dispatcher.retry_all_dead_letters():
            break
    counts = storage.outbox.counts()
    assert counts.get(OutboxStatus.SENT, 0) == count
    assert sorted(m.idempotency_key for m in messenger.messages) == keys


@pytest.fixture
def graph() -> Iterator[LoopbackGraphApi]:
    with LoopbackGraphApi() as server:
        yield server


def test_delivery_through_the_cloud_api_resumes_after_failures_timeouts_and_429(
    graph: LoopbackGraphApi,
) -> None:
    """Against the loopback Graph API, outages, a timeout and a 429 delay delivery; every
    message is delivered once the server recovers, with no request beyond the retries."""
    from layanan_aduan.adapters.whatsapp.cloud_api import WhatsAppCloudApi

    storage, clock = InMemoryStorage(), FixedClock(T0)
    _enqueue(storage, ["k1", "k2", "k3"])
    graph.enqueue(
        graph_error(2, status=503, message="Service temporarily unavailable"),
        slow(1.0),
        graph_error(130429, status=429, message="Rate limit hit", headers={"Retry-After": "30"}),
        graph_error(131000, status=500, message="Something went wrong"),
    )
    api = WhatsAppCloudApi(graph.config(timeout=0.3))
    try:
        dispatcher = _dispatcher(storage, api, clock)
        summary = dispatcher.run(max_iterations=100, until_idle=False, idle_sleep=15)
    finally:
        api.close()
    assert summary.sent == 3
    assert storage.outbox.counts().get(OutboxStatus.SENT) == 3
    keys = [m["biz_opaque_callback_data"] for m in graph.sent_messages()]
    assert sorted(set(keys)) == ["k1", "k2", "k3"]
    # Four scripted failures, then one accepted request per message: nothing more was sent.
    assert len(keys) == 7
