"""
Tests of the dispatcher: retries with backoff and jitter, retry_after, dead letters and their
retry, properties under random failure schedules, and delivery through the WhatsApp Cloud API
adapter against a loopback Graph API that fails, times out and rate-limits.
"""

from __future__ import annotations

import itertools
import logging
import random
from collections.abc import Callable, Iterator

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
from layanan_aduan.messaging import OutboundMessage, Recipient, SendResult
from layanan_aduan.ports import OutboxMessage, OutboxStatus
from layanan_aduan.service_layer.dispatcher import Dispatcher, DispatchSummary, RetryPolicy
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


# --- several dispatchers, lost leases and crashing messengers (issue 10) ----------------------


class _SlowMessenger:
    """
    Delivers into ``sink`` and advances the shared clock by ``seconds`` per send; ``during``
    runs once, inside the send that first reaches ``at`` (another dispatcher's pass).
    """

    channel = "test"

    def __init__(
        self,
        clock: FixedClock,
        sink: list[str],
        seconds: float,
        *,
        fail: Exception | None = None,
        during: Callable[[], object] | None = None,
        at: pendulum.DateTime | None = None,
    ) -> None:
        self.clock, self.sink, self.seconds = clock, sink, seconds
        self.fail, self.during, self.at = fail, during, at

    def send(self, message: OutboundMessage) -> SendResult:
        self.clock.advance(pendulum.duration(seconds=self.seconds))
        if self.during is not None and self.at is not None and self.clock.now() >= self.at:
            during, self.during = self.during, None
            during()
        if self.fail is not None:
            raise self.fail
        self.sink.append(message.idempotency_key)
        return SendResult("id-" + message.idempotency_key, message.idempotency_key, self.channel)

    def ping(self) -> None:
        return None


def _two_dispatchers(
    storage: InMemoryStorage, clock: FixedClock, first: object, second: object
) -> tuple[Dispatcher, Dispatcher]:
    def make(messenger: object) -> Dispatcher:
        return Dispatcher(
            storage.outbox,
            messenger,  # type: ignore[arg-type]  # every messenger passed here implements the port
            clock,
            policy=RetryPolicy(base_delay=10, max_delay=80),
            random=random.Random(7).random,
            batch_size=20,
            lease_seconds=120,
        )

    return make(first), make(second)


def test_a_live_dispatcher_never_sends_what_another_claimed_after_its_lease() -> None:
    """With 20 messages leased for 120 s and 8 s sends, a second dispatcher polling after the
    lease takes the unsent tail and the first one skips it: 20 sends, each message once."""
    storage, clock = InMemoryStorage(), FixedClock(T0)
    sent: list[str] = []
    keys = [f"k{i:02d}" for i in range(20)]
    _enqueue(storage, keys)
    second_summary: list[DispatchSummary] = []
    first_messenger = _SlowMessenger(clock, sent, 8, at=T0.add(seconds=128))
    first, second = _two_dispatchers(
        storage, clock, first_messenger, _SlowMessenger(clock, sent, 8)
    )
    first_messenger.during = lambda: second_summary.append(second.run_once())
    summary = first.run_once()
    assert sorted(sent) == keys
    assert len(sent) == len(keys)
    assert second_summary[0].sent == summary.skipped > 0
    assert summary.sent + summary.skipped == summary.claimed == 20
    assert storage.outbox.counts()[OutboxStatus.SENT] == 20


def test_a_failure_after_another_dispatcher_sent_the_message_is_harmless() -> None:
    """A send that fails after its lease ran out and another dispatcher sent the message is
    skipped: nothing raises, the message stays sent, the pass goes on."""
    storage, clock = InMemoryStorage(), FixedClock(T0)
    sent: list[str] = []
    _enqueue(storage, ["k1", "k2"])
    failing = _SlowMessenger(clock, sent, 130, fail=_unavailable(), at=T0)
    first, second = _two_dispatchers(storage, clock, failing, _SlowMessenger(clock, sent, 1))
    failing.during = second.run_once
    summary = first.run_once()
    assert (summary.claimed, summary.skipped, summary.retried) == (2, 2, 0)
    assert sent == ["k1", "k2"]
    assert storage.outbox.get("k1").status is OutboxStatus.SENT
    assert storage.outbox.get("k1").attempts == 0


def test_a_failure_under_a_lease_another_dispatcher_holds_is_not_recorded() -> None:
    """A failure reported after another dispatcher claimed the message is skipped and logged
    by its code, leaving that dispatcher's lease and the attempt count alone."""
    storage, clock = InMemoryStorage(), FixedClock(T0)
    sent: list[str] = []
    _enqueue(storage, ["k1"])
    failing = _SlowMessenger(clock, sent, 130, fail=_unavailable(), at=T0)
    first, _ = _two_dispatchers(storage, clock, failing, InMemoryMessenger())
    held: list[OutboxMessage] = []
    failing.during = lambda: held.extend(storage.outbox.claim_due(clock.now(), lease_seconds=600))
    summary = first.run_once()
    assert (summary.claimed, summary.skipped, summary.retried) == (1, 1, 0)
    assert storage.outbox.get("k1") == held[0]
    assert storage.outbox.get("k1").attempts == 0


def test_a_lost_lease_is_logged_by_code(caplog: pytest.LogCaptureFixture) -> None:
    """A message whose lease another dispatcher took is skipped with a log line naming the
    code outbox_lease_lost, and the dispatcher does not send it."""
    storage, messenger, clock = InMemoryStorage(), InMemoryMessenger(), FixedClock(T0)
    _enqueue(storage, ["k1"])
    dispatcher = _dispatcher(storage, messenger, clock)
    [claimed] = storage.outbox.claim_due(T0, lease_seconds=1)
    storage.outbox.claim_due(T0.add(seconds=1), lease_seconds=600)
    with caplog.at_level(logging.WARNING, logger="layanan_aduan.dispatcher"):
        assert dispatcher._dispatch(claimed) == DispatchSummary(skipped=1)
    assert "outbox_lease_lost" in caplog.text
    assert messenger.attempts == ()


class _CrashingMessenger:
    """
    Raises a programming error (not a MessagingError) for some keys, quoting the recipient.
    """

    channel = "test"

    def __init__(self, crash: Callable[[str], bool]) -> None:
        self.crash = crash
        self.sent: list[str] = []

    def send(self, message: OutboundMessage) -> SendResult:
        if self.crash(message.idempotency_key):
            raise ValueError("cannot send to +6281234567890")
        self.sent.append(message.idempotency_key)
        return SendResult("id-" + message.idempotency_key, message.idempotency_key, self.channel)

    def ping(self) -> None:
        return None


def test_a_messenger_crash_fails_only_its_message(caplog: pytest.LogCaptureFixture) -> None:
    """A messenger raising a non-messaging exception on one message in three still lets run()
    send the others, retries the crashed ones and dead-letters them after max_attempts, and
    logs the exception's type, never its text."""
    storage, clock = InMemoryStorage(), FixedClock(T0)
    keys = [f"k{i:02d}" for i in range(30)]
    _enqueue(storage, keys)
    crashing = {k for i, k in enumerate(keys) if i % 3 == 0}
    messenger = _CrashingMessenger(lambda key: key in crashing)
    policy = RetryPolicy(base_delay=1, max_delay=4, max_attempts=3)
    dispatcher = _dispatcher(storage, messenger, clock, policy)
    with caplog.at_level(logging.WARNING, logger="layanan_aduan.dispatcher"):
        summary = dispatcher.run(max_iterations=50, until_idle=False, idle_sleep=5)
    assert (summary.sent, summary.retried, summary.dead) == (20, 20, 10)
    assert sorted(messenger.sent) == sorted(set(keys) - crashing)
    dead = storage.outbox.get(sorted(crashing)[0])
    assert (dead.status, dead.attempts) == (OutboxStatus.DEAD, 3)
    assert dead.last_error == "unexpected_error: ValueError"
    assert "unexpected_error" in caplog.text
    assert "+6281234567890" not in caplog.text
    assert "234567890" not in caplog.text


def test_a_messenger_crash_once_is_retried_and_delivered() -> None:
    """A messenger that crashes once with a non-messaging exception delivers on the retry."""
    storage, clock = InMemoryStorage(), FixedClock(T0)
    _enqueue(storage, ["k1"])
    crashes = iter([True])
    messenger = _CrashingMessenger(lambda _key: next(crashes, False))
    dispatcher = _dispatcher(storage, messenger, clock)
    summary = dispatcher.run(max_iterations=50, until_idle=False, idle_sleep=5)
    assert (summary.sent, summary.retried, summary.dead) == (1, 1, 0)
    assert messenger.sent == ["k1"]
