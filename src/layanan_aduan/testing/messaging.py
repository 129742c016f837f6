"""
Contract suites for the messaging ports, and hypothesis strategies for WhatsApp webhooks.

Every adapter of a port passes the same suite: subclass the contract in a test module (as
``TestSomething``) and provide its fixtures.

- :class:`MessengerContract` needs ``messenger`` (a :class:`~layanan_aduan.messaging.Messenger`);
- :class:`MediaFetcherContract` needs ``media_fetcher`` and ``put_media`` (a callable that
  makes ``(media_id, content, mime_type)`` fetchable).

>>> import pytest
>>> from layanan_aduan.adapters.messaging import InMemoryMessenger
>>> class TestInMemoryMessenger(MessengerContract):
...     @pytest.fixture
...     def messenger(self):
...         return InMemoryMessenger()

The strategies build webhook documents as WhatsApp sends them:

>>> from hypothesis import given
>>> @given(webhook_documents())
... def test_documents_are_whatsapp_webhooks(document):
...     assert document["object"] == "whatsapp_business_account"
>>> test_documents_are_whatsapp_webhooks()
"""

# ruff: noqa: S101 - contract suites are pytest tests: assert is how they check

from __future__ import annotations

import hashlib
import stat
import threading
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import strategies as st

from layanan_aduan.exceptions import MediaClosedError, MediaNotFoundError, MediaTooLargeError
from layanan_aduan.messaging import (
    InteractiveList,
    ListRow,
    ListSection,
    MediaFetcher,
    Messenger,
    OutboundMessage,
    Recipient,
    TemplateRef,
)

__all__ = [
    "MediaFetcherContract",
    "MessengerContract",
    "bsuids",
    "media_messages",
    "text_messages",
    "wa_ids",
    "webhook_documents",
]


# --- strategies -------------------------------------------------------------------------------


def wa_ids() -> st.SearchStrategy[str]:
    """
    WhatsApp numbers as webhooks give them: Indonesian mobiles, ``62`` and 9 to 12 digits.
    """
    return st.builds(
        lambda rest: "628" + rest,
        st.text(alphabet="0123456789", min_size=8, max_size=11),
    )


def bsuids() -> st.SearchStrategy[str]:
    """
    Business-scoped user ids, ``CC.<digits>`` (e.g. ``ID.13491208655302741918``).
    """
    return st.builds(
        lambda cc, rest: f"{cc}.{rest}",
        st.sampled_from(["ID", "US", "SG"]),
        st.text(alphabet="0123456789", min_size=10, max_size=20),
    )


_timestamps = st.integers(min_value=1_600_000_000, max_value=1_900_000_000).map(str)
_message_ids = st.text(
    alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789=",
    min_size=8,
    max_size=40,
).map(lambda s: "wamid." + s)


@st.composite
def _people(draw: st.DrawFn, max_size: int = 3) -> list[tuple[str | None, str | None]]:
    # Each person is (wa_id, user_id): before the BSUID rollout a number only; after it
    # both; a username user may have a user id only. Identifiers are unique per person.
    size = draw(st.integers(min_value=1, max_value=max_size))
    numbers = draw(st.lists(wa_ids(), min_size=size, max_size=size, unique=True))
    user_ids = draw(st.lists(bsuids(), min_size=size, max_size=size, unique=True))
    shapes = draw(
        st.lists(st.sampled_from(["wa_id", "both", "user_id"]), min_size=size, max_size=size)
    )
    return [
        (number if shape != "user_id" else None, user_id if shape != "wa_id" else None)
        for number, user_id, shape in zip(numbers, user_ids, shapes, strict=True)
    ]


@st.composite
def _sender_fields(
    draw: st.DrawFn, person: tuple[str | None, str | None] | None = None
) -> dict[str, str]:
    wa_id, user_id = person if person is not None else draw(_people(max_size=1))[0]
    fields: dict[str, str] = {}
    if wa_id is not None:
        fields["from"] = wa_id
    # The message may leave the user id to the contact when the number identifies it.
    if user_id is not None and (wa_id is None or draw(st.booleans())):
        fields["from_user_id"] = user_id
    return fields


@st.composite
def text_messages(
    draw: st.DrawFn, person: tuple[str | None, str | None] | None = None
) -> dict[str, Any]:
    """
    ``messages[]`` items of type ``text``, from ``person`` (``(wa_id, user_id)``) if given.
    """
    return {
        **draw(_sender_fields(person)),
        "id": draw(_message_ids),
        "timestamp": draw(_timestamps),
        "type": "text",
        "text": {"body": draw(st.text(min_size=1, max_size=200))},
    }


@st.composite
def media_messages(
    draw: st.DrawFn, person: tuple[str | None, str | None] | None = None
) -> dict[str, Any]:
    """
    ``messages[]`` items of type ``image`` or ``document``, with or without caption and url,
    from ``person`` (``(wa_id, user_id)``) if given.
    """
    kind = draw(st.sampled_from(["image", "document"]))
    media: dict[str, Any] = {
        "id": draw(st.text(alphabet="0123456789", min_size=10, max_size=19)),
        "mime_type": "image/jpeg" if kind == "image" else "application/pdf",
        "sha256": draw(st.sampled_from(["81d3bd8a8db4868c9520ed47186e8b7c", "grwfwe/ZPx0="])),
    }
    if draw(st.booleans()):
        media["caption"] = draw(st.text(max_size=100))
    if kind == "document":
        media["filename"] = "laporan.pdf"
    if draw(st.booleans()):
        media["url"] = "https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=1"
    return {
        **draw(_sender_fields(person)),
        "id": draw(_message_ids),
        "timestamp": draw(_timestamps),
        "type": kind,
        kind: media,
    }


@st.composite
def _values(draw: st.DrawFn, max_messages: int) -> dict[str, Any]:
    people = draw(_people())
    messages = []
    for _ in range(draw(st.integers(min_value=0, max_value=max_messages))):
        person = draw(st.sampled_from(people))
        messages.append(draw(st.one_of(text_messages(person), media_messages(person))))
    contacts = []
    for wa_id, user_id in people:
        contact: dict[str, Any] = {"profile": {"name": "Budi Santoso"}}
        if wa_id is not None:
            contact["wa_id"] = wa_id
        if user_id is not None:
            contact["user_id"] = user_id
        contacts.append(contact)
    return {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "6281100001111", "phone_number_id": "106540352242922"},
        "contacts": contacts,
        "messages": messages,
    }


@st.composite
def webhook_documents(
    draw: st.DrawFn, *, max_entries: int = 3, max_changes: int = 3, max_messages: int = 4
) -> dict[str, Any]:
    """
    Whole webhook documents: several entries, each with several ``messages`` changes.
    """
    entries = []
    for _ in range(draw(st.integers(min_value=0, max_value=max_entries))):
        changes = [
            {"field": "messages", "value": draw(_values(max_messages))}
            for _ in range(draw(st.integers(min_value=0, max_value=max_changes)))
        ]
        entries.append({"id": "102290129340398", "changes": changes})
    return {"object": "whatsapp_business_account", "entry": entries}


# --- contracts --------------------------------------------------------------------------------

_PHONE = Recipient(phone="+6281234567890")


class MessengerContract:
    """
    What every :class:`~layanan_aduan.messaging.Messenger` does. Provide ``messenger``.
    """

    def test_is_a_messenger(self, messenger: Messenger) -> None:
        """The adapter satisfies the port."""
        assert isinstance(messenger, Messenger)

    def test_text_is_sent_under_its_key(self, messenger: Messenger) -> None:
        """A text message is accepted and the result names its idempotency key."""
        result = messenger.send(OutboundMessage(_PHONE, "contract:text", text="Uji pesan."))
        assert result.idempotency_key == "contract:text"
        assert result.provider_message_id

    def test_template_is_sent(self, messenger: Messenger) -> None:
        """A template message is accepted."""
        template = TemplateRef("aduan_tanda_terima", "id", ("LAP-2026-000123", "Senin"))
        result = messenger.send(OutboundMessage(_PHONE, "contract:template", template=template))
        assert result.idempotency_key == "contract:template"

    def test_interactive_list_is_sent(self, messenger: Messenger) -> None:
        """An interactive list (the rating question's form) is accepted."""
        rows = [ListRow(f"contract:{n}", str(n), f"Nilai {n}") for n in range(1, 6)]
        listed = InteractiveList("Seberapa puas Anda?", "Beri penilaian", [ListSection(rows)])
        result = messenger.send(OutboundMessage(_PHONE, "contract:list", interactive=listed))
        assert result.idempotency_key == "contract:list"
        assert result.provider_message_id

    def test_user_id_recipient_is_sent(self, messenger: Messenger) -> None:
        """A recipient known only by a business-scoped user id can be sent to."""
        recipient = Recipient(user_id="ID.13491208655302741918")
        result = messenger.send(OutboundMessage(recipient, "contract:bsuid", text="Uji."))
        assert result.provider_message_id

    def test_each_send_gets_its_own_id(self, messenger: Messenger) -> None:
        """Two sends, even under one key (a retry), answer two provider ids."""
        first = messenger.send(OutboundMessage(_PHONE, "contract:twice", text="Satu."))
        second = messenger.send(OutboundMessage(_PHONE, "contract:twice", text="Satu."))
        assert first.provider_message_id != second.provider_message_id

    def test_concurrent_sends_are_all_answered(self, messenger: Messenger) -> None:
        """Sends from several threads each get a distinct provider id."""
        results: list[str] = []
        lock = threading.Lock()

        def send(i: int) -> None:
            result = messenger.send(OutboundMessage(_PHONE, f"contract:thread-{i}", text="Uji."))
            with lock:
                results.append(result.provider_message_id)

        threads = [threading.Thread(target=send, args=(i,)) for i in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert len(set(results)) == 8

    def test_ping_passes_when_healthy(self, messenger: Messenger) -> None:
        """A healthy adapter's health check returns without raising."""
        messenger.ping()


class MediaFetcherContract:
    """
    What every :class:`~layanan_aduan.messaging.MediaFetcher` does. Provide
    ``media_fetcher`` and ``put_media``.
    """

    def test_is_a_media_fetcher(self, media_fetcher: MediaFetcher) -> None:
        """The adapter satisfies the port."""
        assert isinstance(media_fetcher, MediaFetcher)

    def test_fetch_answers_the_bytes(
        self, media_fetcher: MediaFetcher, put_media: Callable[[str, bytes, str], None]
    ) -> None:
        """A known media id answers its bytes (in a temporary file), MIME type and SHA-256."""
        content = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
        put_media("1234567890987654321", content, "image/png")
        with media_fetcher.fetch("1234567890987654321") as fetched:
            assert fetched.read_bytes() == content
            with fetched.open() as f:
                assert f.read() == content
            assert fetched.mime_type == "image/png"
            assert fetched.size == len(content)
            assert fetched.sha256 == hashlib.sha256(content).hexdigest()
            assert fetched.reported_hash_matches in (True, None)

    def test_closing_deletes_the_temporary_file(
        self, media_fetcher: MediaFetcher, put_media: Callable[[str, bytes, str], None]
    ) -> None:
        """The media's temporary file is private (0600, alone in a 0700 directory) and closing
        the media deletes it and its directory; reading it afterwards is a typed refusal."""
        put_media("1234567890987654322", b"%PDF-1.7\n%%EOF\n", "application/pdf")
        fetched = media_fetcher.fetch("1234567890987654322")
        path = fetched.path
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
        assert [p.name for p in path.parent.iterdir()] == [path.name]
        fetched.close()
        fetched.close()
        assert fetched.closed
        assert not path.exists()
        assert not path.parent.exists()
        with pytest.raises(MediaClosedError):
            fetched.open()

    def test_unknown_media_is_not_found(self, media_fetcher: MediaFetcher) -> None:
        """An unknown media id raises MediaNotFoundError, a LookupError."""
        with pytest.raises(MediaNotFoundError) as caught:
            media_fetcher.fetch("999000999000")
        assert isinstance(caught.value, LookupError)

    def test_file_beyond_the_limit_is_refused(
        self, media_fetcher: MediaFetcher, put_media: Callable[[str, bytes, str], None]
    ) -> None:
        """A file larger than max_bytes raises MediaTooLargeError."""
        put_media("5550001112223", b"x" * 2048, "application/pdf")
        with pytest.raises(MediaTooLargeError):
            media_fetcher.fetch("5550001112223", max_bytes=1024)
        with media_fetcher.fetch("5550001112223", max_bytes=2048) as fetched:
            assert fetched.size == 2048
