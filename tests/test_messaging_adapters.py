"""
Tests of the messaging values (recipients, messages, templates, payloads) and of the
in-memory and console adapters.
"""

from __future__ import annotations

import base64
import hashlib
import io
import logging
import threading
from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from layanan_aduan.adapters.messaging import (
    ConsoleMessenger,
    InMemoryMediaFetcher,
    InMemoryMessenger,
)
from layanan_aduan.exceptions import (
    InvalidMessageError,
    MediaTooLargeError,
    MessageRejectedError,
    MessagingConfigurationError,
    MessagingError,
    MessagingRateLimitedError,
    MessagingRetryLaterError,
    MessagingUnavailableError,
    OutsideCustomerServiceWindowError,
)
from layanan_aduan.messaging import (
    MAX_TEXT_LENGTH,
    FetchedMedia,
    MediaFetcher,
    Messenger,
    OutboundMessage,
    Recipient,
    TemplateRef,
    deliver,
)
from layanan_aduan.testing.messaging import (
    MediaFetcherContract,
    MessengerContract,
    bsuids,
    wa_ids,
)

PHONE = Recipient(phone="+6281234567890")
TEMPLATE = TemplateRef("aduan_tindak_lanjut", "id", ("LAP-2026-000123", "Sudah ditindaklanjuti"))


def text(key: str = "lap-1:ack", body: str = "Laporan diterima.") -> OutboundMessage:
    """A text message to PHONE."""
    return OutboundMessage(PHONE, key, text=body)


# --- values -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({}, "recipient"),
        ({"phone": "081234567890"}, "phone"),
        ({"phone": "+62"}, "phone"),
        ({"phone": "+0812345678"}, "phone"),
        ({"user_id": "with space"}, "user_id"),
        ({"user_id": ""}, "user_id"),
    ],
)
def test_recipient_refusals(kwargs: dict[str, str], field: str) -> None:
    """A recipient needs an E.164 number or a user id without spaces."""
    with pytest.raises(InvalidMessageError) as caught:
        Recipient(**kwargs)
    assert caught.value.field == field


def test_recipient_key_prefers_the_phone_and_repr_masks() -> None:
    """The key is the phone when known; reprs mask both identifiers."""
    both = Recipient.from_wa_id("6281234567890", user_id="ID.13491208655302741918")
    assert both.key == "+6281234567890"
    assert Recipient(user_id="ID.13491208655302741918").key == "ID.13491208655302741918"
    assert "6281234567890" not in repr(both)
    assert "13491208655302741918" not in repr(both)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"idempotency_key": ""}, "idempotency_key"),
        ({"idempotency_key": "has space"}, "idempotency_key"),
        ({"idempotency_key": "k" * 257}, "idempotency_key"),
        ({"text": None}, "text"),
        ({"text": "x", "template": TEMPLATE}, "text"),
        ({"text": "   "}, "text"),
        ({"text": "x" * (MAX_TEXT_LENGTH + 1)}, "text"),
        ({"text": None, "template": TEMPLATE, "fallback_template": TEMPLATE}, "fallback_template"),
        ({"reply_to": ""}, "reply_to"),
    ],
)
def test_outbound_message_refusals(kwargs: dict[str, object], field: str) -> None:
    """A message needs a printable key and exactly one of text (<= 4096) or template."""
    arguments: dict[str, object] = {"idempotency_key": "k", "text": "Halo"}
    arguments.update(kwargs)
    with pytest.raises(InvalidMessageError) as caught:
        OutboundMessage(PHONE, **arguments)  # type: ignore[arg-type]  # deliberately wrong
    assert caught.value.field == field


def test_text_of_exactly_the_limit_is_accepted() -> None:
    """A text of exactly 4096 characters is accepted."""
    assert text(body="x" * MAX_TEXT_LENGTH).kind == "text"


@pytest.mark.parametrize(
    ("name", "language", "parameters", "field"),
    [
        ("Aduan", "id", (), "template_name"),
        ("aduan-1", "id", (), "template_name"),
        ("aduan", "indonesian", (), "language"),
        ("aduan", "id", ("",), "parameters"),
        ("aduan", "id", ("two\nlines",), "parameters"),
        ("aduan", "id", ("tab\there",), "parameters"),
        ("aduan", "id", ("five     spaces",), "parameters"),
        ("aduan", "id", ("x" * 1025,), "parameters"),
    ],
)
def test_template_refusals(
    name: str, language: str, parameters: tuple[str, ...], field: str
) -> None:
    """Template names, language codes and parameters follow WhatsApp's rules."""
    with pytest.raises(InvalidMessageError) as caught:
        TemplateRef(name, language, parameters)
    assert caught.value.field == field


def test_message_repr_shows_no_text_and_no_number() -> None:
    """A message's repr shows the text's length, not the text, and masks the recipient."""
    shown = repr(text(body="NIK saya 3171234567890001"))
    assert "3171234567890001" not in shown
    assert "6281234567890" not in shown
    assert "<25 chars>" in shown


_messages = st.builds(
    OutboundMessage,
    st.one_of(
        st.builds(Recipient, phone=wa_ids().map(lambda w: "+" + w)),
        st.builds(Recipient, user_id=bsuids()),
    ),
    st.text(alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=1),
    text=st.text(min_size=1, max_size=50).filter(str.strip),
    reply_to=st.none() | st.just("wamid.ABC"),
    fallback_template=st.none() | st.just(TEMPLATE),
) | st.builds(
    OutboundMessage,
    st.just(PHONE),
    st.just("k"),
    template=st.builds(
        TemplateRef,
        st.just("aduan_tanda_terima"),
        st.sampled_from(["id", "en", "en_US"]),
        st.lists(st.text(alphabet="abc 123", min_size=1).filter(str.strip), max_size=3).map(tuple),
    ),
)


@given(_messages)
def test_payload_round_trips(message: OutboundMessage) -> None:
    """Every message survives to_payload/from_payload unchanged (the outbox's format)."""
    assert OutboundMessage.from_payload(message.to_payload()) == message


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"version": 2},
        {"version": 1, "recipient": {"phone": "+6281234567890"}},
        {"version": 1, "recipient": None, "idempotency_key": "k", "text": "x"},
        {"version": 1, "recipient": {"phone": "+6281234567890"}, "idempotency_key": "k"},
    ],
)
def test_broken_payloads_are_refused(payload: dict[str, object]) -> None:
    """A payload that is not a message is refused with InvalidMessageError."""
    with pytest.raises(InvalidMessageError):
        OutboundMessage.from_payload(payload)


def test_fetched_media_recognises_hex_and_base64_hashes() -> None:
    """The reported hash matches in hex or base64; a different one does not; None is unknown."""
    content = b"evidence"
    digest = hashlib.sha256(content).digest()
    hexed = digest.hex()
    for reported, expected in [
        (hexed, True),
        (base64.b64encode(digest).decode(), True),
        (base64.b64encode(digest).decode().rstrip("="), True),
        ("grwfwe/ZPx0=", False),
        (None, None),
    ]:
        with FetchedMedia.from_bytes("1", content, "image/png", reported_sha256=reported) as media:
            assert media.reported_hash_matches is expected
    assert "evidence" not in repr(media)


# --- errors -----------------------------------------------------------------------------------


def test_retryable_flags_follow_the_hierarchy() -> None:
    """Retry-later errors are retryable and carry retry_after; rejections are not."""
    limited = MessagingRateLimitedError("Batas.", "Limited.", retry_after=6.0)
    assert limited.retryable
    assert limited.retry_after == 6.0
    assert limited.details["retry_after_seconds"] == 6.0
    assert isinstance(limited, MessagingRetryLaterError)
    assert not OutsideCustomerServiceWindowError("a", "b").retryable
    assert isinstance(OutsideCustomerServiceWindowError("a", "b"), MessageRejectedError)
    assert not MessagingError("a", "b").retryable


# --- in-memory messenger ----------------------------------------------------------------------


class TestInMemoryMessenger(MessengerContract):
    """The in-memory messenger passes the Messenger contract."""

    @pytest.fixture
    def messenger(self) -> Messenger:
        return InMemoryMessenger()


def test_in_memory_records_and_queries() -> None:
    """Sent messages are recorded and found by key and by recipient."""
    messenger = InMemoryMessenger()
    messenger.send(text("a"))
    messenger.send(text("b"))
    messenger.send(text("a"))
    assert len(messenger.sent_with_key("a")) == 2
    assert len(messenger.sent_to("+6281234567890")) == 3
    assert messenger.sent_to("+6200000000") == ()
    messenger.clear()
    assert messenger.attempts == ()


def test_in_memory_fails_when_told() -> None:
    """Queued failures come first, in order; a rule fails matching messages; ping can fail."""
    messenger = InMemoryMessenger()
    down = MessagingUnavailableError("Tidak tersedia.", "Unavailable.")
    limited = MessagingRateLimitedError("Batas.", "Limited.")
    messenger.fail_next(down, limited)
    with pytest.raises(MessagingUnavailableError):
        messenger.send(text())
    with pytest.raises(MessagingRateLimitedError):
        messenger.send(text())
    assert messenger.send(text()).channel == "memory"
    messenger.fail_when(lambda m: limited if m.idempotency_key.startswith("x") else None)
    with pytest.raises(MessagingRateLimitedError):
        messenger.send(text("x-1"))
    assert messenger.send(text("y-1")).idempotency_key == "y-1"
    messenger.fail_when(None)
    assert messenger.send(text("x-2")).idempotency_key == "x-2"
    assert [a.error is None for a in messenger.attempts] == [False, False, True, False, True, True]
    messenger.fail_ping(down)
    with pytest.raises(MessagingUnavailableError):
        messenger.ping()
    messenger.fail_ping(None)
    messenger.ping()


def test_in_memory_refuses_what_is_not_a_message() -> None:
    """Sending something other than an OutboundMessage is a programming error."""
    with pytest.raises(TypeError):
        InMemoryMessenger().send("hello")  # type: ignore[arg-type]  # the point of the test


def test_in_memory_is_thread_safe_under_failures() -> None:
    """Concurrent sends with queued failures lose nothing: every attempt is recorded."""
    messenger = InMemoryMessenger()
    messenger.fail_next(*[MessagingUnavailableError("x", "x") for _ in range(50)])
    outcomes: list[bool] = []
    lock = threading.Lock()

    def worker(n: int) -> None:
        for i in range(25):
            try:
                messenger.send(text(f"t{n}-{i}"))
                ok = True
            except MessagingUnavailableError:
                ok = False
            with lock:
                outcomes.append(ok)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes.count(False) == 50
    assert len(messenger.attempts) == 100
    assert len({m.idempotency_key for m in messenger.messages}) == 50


# --- deliver: the 24-hour window fallback -------------------------------------------------------


def test_deliver_falls_back_to_the_template_outside_the_window() -> None:
    """Text refused with 131047 is sent again as its fallback template, under the same key."""
    messenger = InMemoryMessenger()
    messenger.fail_when(
        lambda m: (
            OutsideCustomerServiceWindowError("Di luar.", "Outside.") if m.kind == "text" else None
        )
    )
    message = OutboundMessage(PHONE, "lap-1:fu", text="Tindak lanjut.", fallback_template=TEMPLATE)
    result = deliver(messenger, message)
    assert result.idempotency_key == "lap-1:fu"
    [sent] = messenger.messages
    assert sent.template == TEMPLATE
    assert sent.idempotency_key == "lap-1:fu"


def test_deliver_without_fallback_or_other_errors_raises() -> None:
    """Without a fallback the window error propagates; other errors are never masked."""
    messenger = InMemoryMessenger()
    messenger.fail_next(OutsideCustomerServiceWindowError("Di luar.", "Outside."))
    with pytest.raises(OutsideCustomerServiceWindowError):
        deliver(messenger, text())
    messenger.fail_next(MessagingRateLimitedError("Batas.", "Limited."))
    with pytest.raises(MessagingRateLimitedError):
        deliver(messenger, OutboundMessage(PHONE, "k", text="x", fallback_template=TEMPLATE))
    with pytest.raises(InvalidMessageError):
        text().with_fallback()
    assert deliver(messenger, text()).channel == "memory"


# --- console messenger ------------------------------------------------------------------------


class TestConsoleMessenger(MessengerContract):
    """The console messenger passes the Messenger contract."""

    @pytest.fixture
    def messenger(self) -> Messenger:
        return ConsoleMessenger(io.StringIO())


def test_console_writes_text_and_templates_with_recipient_masked() -> None:
    """Text and template messages are written with the recipient masked."""
    out = io.StringIO()
    console = ConsoleMessenger(out)
    console.send(text(body="Laporan diterima."))
    console.send(
        OutboundMessage(Recipient(user_id="ID.13491208655302741918"), "k2", template=TEMPLATE)
    )
    written = out.getvalue()
    assert "Laporan diterima." in written
    assert "aduan_tindak_lanjut (id)" in written
    assert "{{2}} = Sudah ditindaklanjuti" in written
    assert "6281234567890" not in written
    assert "13491208655302741918" not in written


def test_console_writes_to_a_logger(caplog: pytest.LogCaptureFixture) -> None:
    """Given a logger, the console messenger logs each message."""
    logger = logging.getLogger("test.console.messenger")
    caplog.set_level(logging.INFO, logger="test.console.messenger")
    ConsoleMessenger(logger=logger).send(text())
    assert "Laporan diterima." in caplog.text
    assert "6281234567890" not in caplog.text
    assert repr(ConsoleMessenger(logger=logger)) == "ConsoleMessenger(target='logger')"


def test_console_needs_exactly_one_target_and_reports_a_closed_stream() -> None:
    """Neither or both targets are refused; a closed stream fails ping and send."""
    with pytest.raises(MessagingConfigurationError):
        ConsoleMessenger()
    with pytest.raises(MessagingConfigurationError):
        ConsoleMessenger(io.StringIO(), logger=logging.getLogger("x"))
    stream = io.StringIO()
    console = ConsoleMessenger(stream)
    stream.close()
    with pytest.raises(MessagingUnavailableError) as caught:
        console.ping()
    assert caught.value.code == "console_unavailable"
    with pytest.raises(MessagingUnavailableError):
        console.send(text())


# --- in-memory media --------------------------------------------------------------------------


class TestInMemoryMediaFetcher(MediaFetcherContract):
    """The in-memory media fetcher passes the MediaFetcher contract."""

    @pytest.fixture
    def fetcher(self) -> InMemoryMediaFetcher:
        return InMemoryMediaFetcher()

    @pytest.fixture
    def media_fetcher(self, fetcher: InMemoryMediaFetcher) -> MediaFetcher:
        return fetcher

    @pytest.fixture
    def put_media(self, fetcher: InMemoryMediaFetcher) -> Callable[[str, bytes, str], None]:
        return fetcher.put


def test_in_memory_media_has_its_own_limit() -> None:
    """The fetcher's own limit caps a larger max_bytes."""
    fetcher = InMemoryMediaFetcher(max_bytes=4)
    fetcher.put("1", b"12345", "text/plain")
    with pytest.raises(MediaTooLargeError) as caught:
        fetcher.fetch("1", max_bytes=100)
    assert caught.value.details == {"size": 5, "limit": 4}
