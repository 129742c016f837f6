"""
Tests of idempotent ingest (select_new, the seen-messages record) and draft grouping.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from typing import Any

import attrs
import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from layanan_aduan.adapters.storage.memory import InMemoryStorage
from layanan_aduan.adapters.whatsapp import MessageKind, parse_webhook
from layanan_aduan.drafts import DEFAULT_DRAFT_WINDOW, Draft, DraftAssembler, select_new
from layanan_aduan.exceptions import MessagingConfigurationError, NaiveDatetimeError

T0 = pendulum.datetime(2026, 1, 12, 3, 0, tz="UTC")
WINDOW = pendulum.duration(minutes=5)


@attrs.frozen
class Msg:
    """A minimal inbound message."""

    message_id: str
    sender_key: str
    sent_at: pendulum.DateTime

    @property
    def dedupe_key(self) -> str:
        return self.message_id


def msg(i: int, seconds: int, sender: str = "6281234567890") -> Msg:
    """Message ``i`` from ``sender``, sent ``seconds`` after T0."""
    return Msg(f"wamid.{i}", sender, T0.add(seconds=seconds))


def ids(drafts: tuple[Draft[Msg], ...]) -> list[tuple[str, ...]]:
    """The message ids of each draft."""
    return [d.message_ids for d in drafts]


# --- the seen-messages record and select_new ----------------------------------------------------


def _select(items: list[Any], storage: InMemoryStorage, report_id: str | None = None) -> list[Any]:
    with storage.unit_of_work() as uow:
        fresh = select_new(items, uow.inbox, received_at=T0, report_id=report_id)
        uow.commit()
    return list(fresh)


def test_select_new_passes_each_key_once_in_order() -> None:
    """select_new keeps first occurrences, in order, and only keys the inbox never recorded."""
    storage = InMemoryStorage()
    _select([msg(1, 0)], storage)
    batch = [msg(1, 0), msg(2, 1), msg(3, 2), msg(2, 1)]
    assert [m.message_id for m in _select(batch, storage)] == ["wamid.2", "wamid.3"]
    assert _select(batch, storage) == []
    assert _select([], storage) == []


@given(st.lists(st.lists(st.integers(min_value=0, max_value=15), max_size=8), max_size=8))
def test_redeliveries_pass_each_message_exactly_once(deliveries: list[list[int]]) -> None:
    """Over any sequence of (re)deliveries, each distinct message is passed on exactly once."""
    storage = InMemoryStorage()
    passed: list[str] = []
    for delivery in deliveries:
        passed.extend(m.message_id for m in _select([msg(i, i) for i in delivery], storage))
    expected = list(dict.fromkeys(f"wamid.{i}" for d in deliveries for i in d))
    assert passed == expected


def test_inbox_claims_commit_and_roll_back_with_the_unit_of_work() -> None:
    """Claims through a storage inbox last when committed and are forgotten on rollback."""
    storage = InMemoryStorage()
    with storage.unit_of_work() as uow:
        batch = [Msg("wamid.A", "x", T0), Msg("wamid.B", "x", T0), Msg("wamid.A", "x", T0)]
        fresh = select_new(batch, uow.inbox, received_at=T0)
        assert [m.message_id for m in fresh] == ["wamid.A", "wamid.B"]
        assert select_new(batch[1:2], uow.inbox, received_at=T0) == ()
        uow.rollback()
    assert [m.message_id for m in _select([Msg("wamid.A", "x", T0)], storage, "r-1")] == ["wamid.A"]
    with storage.unit_of_work(read_only=True) as uow:
        assert uow.inbox.seen("wamid.A")
        assert not uow.inbox.seen("wamid.B")
        assert uow.inbox.report_of("wamid.A") == "r-1"
    assert _select([msg(0, 0), Msg("wamid.A", "x", T0)], storage) == [msg(0, 0)]


# --- grouping: examples -------------------------------------------------------------------------


def test_text_then_screenshot_become_one_draft() -> None:
    """A text and a screenshot two minutes later form one draft; later messages another."""
    assembler: DraftAssembler[Msg] = DraftAssembler(window=WINDOW)
    assembler.add_all([msg(1, 0), msg(2, 120), msg(3, 120 + 301)])
    assert assembler.due(T0.add(seconds=120 + 300)) == ()
    [first] = assembler.due(T0.add(seconds=120 + 301))
    assert first.message_ids == ("wamid.1", "wamid.2")
    assert (first.first_at, first.last_at) == (T0, T0.add(seconds=120))
    assert first.draft_id == "wamid.1"
    assert ids(assembler.drain()) == [("wamid.3",)]
    assert assembler.open_drafts == ()


def test_gap_of_exactly_the_window_joins() -> None:
    """A message sent exactly one window after the previous joins its draft."""
    assembler: DraftAssembler[Msg] = DraftAssembler(window=WINDOW)
    assembler.add_all([msg(1, 0), msg(2, 300), msg(3, 601)])
    assert ids(assembler.drain()) == [("wamid.1", "wamid.2"), ("wamid.3",)]


def test_senders_never_share_a_draft() -> None:
    """Messages from two senders at the same instant form two drafts."""
    assembler: DraftAssembler[Msg] = DraftAssembler(window=WINDOW)
    assembler.add_all([msg(1, 0, "A"), msg(2, 0, "B"), msg(3, 10, "A")])
    drafts = assembler.drain()
    assert sorted(ids(drafts)) == [("wamid.1", "wamid.3"), ("wamid.2",)]
    assert {d.sender_key for d in drafts} == {"A", "B"}


def test_a_late_message_bridges_two_drafts_into_one() -> None:
    """A message arriving late, sent between two drafts, joins them."""
    assembler: DraftAssembler[Msg] = DraftAssembler(window=WINDOW)
    assembler.add_all([msg(1, 0), msg(3, 600)])
    assert len(assembler.open_drafts) == 2
    assembler.add(msg(2, 300))
    assert ids(assembler.drain()) == [("wamid.1", "wamid.2", "wamid.3")]


def test_a_message_id_already_held_is_ignored() -> None:
    """Adding the same message twice (a restart) keeps it once."""
    assembler: DraftAssembler[Msg] = DraftAssembler(window=WINDOW)
    assembler.add_all([msg(1, 0), msg(1, 0), msg(2, 10)])
    assert ids(assembler.drain()) == [("wamid.1", "wamid.2")]


def test_a_full_draft_closes_at_once() -> None:
    """A draft reaching max_messages is returned by add() and no longer open."""
    assembler: DraftAssembler[Msg] = DraftAssembler(window=WINDOW, max_messages=3)
    assert assembler.add(msg(1, 0)) == ()
    assert assembler.add(msg(2, 1)) == ()
    [full] = assembler.add(msg(3, 2))
    assert full.message_ids == ("wamid.1", "wamid.2", "wamid.3")
    assert assembler.open_drafts == ()


def test_next_due_at_is_the_earliest_closing_instant() -> None:
    """next_due_at is the last message of the earliest draft plus the window."""
    assembler: DraftAssembler[Msg] = DraftAssembler(window=WINDOW)
    assert assembler.next_due_at() is None
    assembler.add_all([msg(1, 0, "A"), msg(2, 100, "B"), msg(3, 50, "A")])
    assert assembler.next_due_at() == T0.add(seconds=50) + WINDOW
    assert assembler.window == DEFAULT_DRAFT_WINDOW


def test_assembler_refuses_bad_settings_and_naive_instants() -> None:
    """A non-positive window, a bad max_messages, or a naive instant is refused."""
    with pytest.raises(MessagingConfigurationError):
        DraftAssembler(window=dt.timedelta(0))
    with pytest.raises(MessagingConfigurationError):
        DraftAssembler(max_messages=0)
    assembler: DraftAssembler[Msg] = DraftAssembler()
    naive = dt.datetime(2026, 1, 12, 10)
    with pytest.raises(NaiveDatetimeError):
        assembler.add(Msg("wamid.1", "A", naive))  # deliberately naive
    with pytest.raises(NaiveDatetimeError):
        assembler.due(naive)  # deliberately naive


def test_draft_repr_masks_the_sender() -> None:
    """A draft's repr does not show the sender's number whole."""
    assembler: DraftAssembler[Msg] = DraftAssembler()
    assembler.add(msg(1, 0))
    [draft] = assembler.drain()
    assert "6281234567890" not in repr(draft)


def test_parsed_webhooks_flow_into_one_draft_and_redeliveries_are_dropped() -> None:
    """A text and an image parsed from a webhook form one draft; a redelivery adds nothing."""
    value = {
        "messaging_product": "whatsapp",
        "metadata": {"phone_number_id": "106540352242922"},
        "contacts": [{"profile": {"name": "Budi"}, "wa_id": "6281234567890"}],
        "messages": [
            {
                "from": "6281234567890",
                "id": "wamid.T",
                "timestamp": "1760000000",
                "type": "text",
                "text": {"body": "Ada pungli di kantor desa."},
            },
            {
                "from": "6281234567890",
                "id": "wamid.I",
                "timestamp": "1760000090",
                "type": "image",
                "image": {"id": "2754859441498128", "mime_type": "image/jpeg"},
            },
        ],
    }
    raw = json.dumps(
        {
            "object": "whatsapp_business_account",
            "entry": [{"id": "1", "changes": [{"field": "messages", "value": value}]}],
        }
    ).encode()
    storage = InMemoryStorage()
    assembler = DraftAssembler(window=WINDOW)
    assembler.add_all(_select(list(parse_webhook(raw).messages), storage))
    assembler.add_all(_select(list(parse_webhook(raw).messages), storage))
    [draft] = assembler.drain()
    assert [m.kind for m in draft.messages] == [MessageKind.TEXT, MessageKind.IMAGE]
    assert draft.sender_key == "6281234567890"


# --- grouping: properties -----------------------------------------------------------------------

_offsets = st.lists(st.integers(min_value=0, max_value=3600), min_size=1, max_size=25)
_senders = st.sampled_from(["A", "B", "C"])


@st.composite
def inboxes(draw: st.DrawFn) -> list[Msg]:
    """Messages from a few senders at random instants within an hour."""
    offsets = draw(_offsets)
    return [msg(i, off, draw(_senders)) for i, off in enumerate(offsets)]


def reference_drafts(messages: list[Msg], window: dt.timedelta) -> set[tuple[str, ...]]:
    """Per sender, sort by instant and cut wherever a gap exceeds the window."""
    drafts: set[tuple[str, ...]] = set()
    by_sender: dict[str, list[Msg]] = {}
    for m in messages:
        by_sender.setdefault(m.sender_key, []).append(m)
    for group in by_sender.values():
        group.sort(key=lambda m: (m.sent_at, m.message_id))
        run = [group[0]]
        for m in group[1:]:
            if m.sent_at - run[-1].sent_at > window:
                drafts.add(tuple(x.message_id for x in run))
                run = []
            run.append(m)
        drafts.add(tuple(x.message_id for x in run))
    return drafts


@given(inboxes(), st.randoms(use_true_random=False))
def test_drafts_are_the_gap_clusters_whatever_the_arrival_order(
    messages: list[Msg], rnd: random.Random
) -> None:
    """Drafts are each sender's runs with gaps of at most the window, in any arrival order."""
    shuffled = list(messages)
    rnd.shuffle(shuffled)
    assembler: DraftAssembler[Msg] = DraftAssembler(window=WINDOW, max_messages=1000)
    assert assembler.add_all(shuffled) == ()
    drafts = assembler.drain()
    assert set(ids(drafts)) == reference_drafts(messages, WINDOW)
    for draft in drafts:
        assert list(draft.messages) == sorted(
            draft.messages, key=lambda m: (m.sent_at, m.message_id)
        )
        assert {m.sender_key for m in draft.messages} == {draft.sender_key}


@given(inboxes(), st.integers(min_value=0, max_value=4000))
def test_due_closes_exactly_the_drafts_whose_window_passed(messages: list[Msg], at: int) -> None:
    """due(now) takes the drafts with last + window < now; the rest stay open; nothing is lost."""
    assembler: DraftAssembler[Msg] = DraftAssembler(window=WINDOW, max_messages=1000)
    assembler.add_all(messages)
    now = T0.add(seconds=at)
    due = assembler.due(now)
    for draft in due:
        assert draft.last_at + WINDOW < now
    for draft in assembler.open_drafts:
        assert draft.last_at + WINDOW >= now
    rest = assembler.drain()
    assert set(ids(due)) | set(ids(rest)) == reference_drafts(messages, WINDOW)


@given(inboxes(), st.integers(min_value=1, max_value=6))
def test_no_draft_exceeds_max_messages_and_none_is_lost(messages: list[Msg], cap: int) -> None:
    """With any cap, every message lands in exactly one draft of at most cap messages."""
    assembler: DraftAssembler[Msg] = DraftAssembler(window=WINDOW, max_messages=cap)
    closed = assembler.add_all(messages)
    drafts = closed + assembler.drain()
    placed = [m for d in drafts for m in d.message_ids]
    assert sorted(placed) == sorted(m.message_id for m in messages)
    assert all(1 <= len(d.messages) <= cap for d in drafts)
