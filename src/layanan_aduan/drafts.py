"""
Idempotent ingest of inbound messages, and their grouping into draft reports.

WhatsApp delivers webhooks at least once and redelivers them for days, in any order.
:func:`select_new` passes on only the messages the storage's
:class:`~layanan_aduan.ports.Inbox` has not recorded, and records them in the same unit of
work. A reporter often sends a report as several messages (the text, then a screenshot):
:class:`DraftAssembler` groups one sender's messages into one :class:`Draft` when each
follows the previous within a short window.

Pure logic: time is injected (``now`` is an argument), nothing is stored here. A desk that
claims message ids should store the claimed messages in the same transaction, and after a
restart :meth:`DraftAssembler.add` those not yet made into reports again: the assembler
ignores a message id it already holds.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable
from typing import Final, Generic, Protocol, TypeVar

import attrs
import pendulum

from layanan_aduan.exceptions import MessagingConfigurationError
from layanan_aduan.notifications import _require_aware
from layanan_aduan.ports.storage import Inbox
from layanan_aduan.privacy import mask

__all__ = [
    "DEFAULT_DRAFT_WINDOW",
    "DEFAULT_MAX_DRAFT_MESSAGES",
    "Deduplicable",
    "Draft",
    "DraftAssembler",
    "Groupable",
    "select_new",
]

#: How long after a sender's previous message a new one still joins the same draft.
DEFAULT_DRAFT_WINDOW: Final = pendulum.duration(minutes=5)
#: A draft closes as soon as it holds this many messages.
DEFAULT_MAX_DRAFT_MESSAGES: Final = 50


class Deduplicable(Protocol):
    """
    Anything with a key that its redeliveries share (a message id; a status and its id).
    """

    @property
    def dedupe_key(self) -> str: ...


class Groupable(Protocol):
    """
    An inbound message as the assembler needs it.
    """

    @property
    def message_id(self) -> str: ...

    @property
    def sender_key(self) -> str: ...

    @property
    def sent_at(self) -> pendulum.DateTime: ...


D = TypeVar("D", bound=Deduplicable)
M = TypeVar("M", bound=Groupable)


def select_new(
    items: Iterable[D],
    inbox: Inbox,
    *,
    received_at: pendulum.DateTime,
    report_id: str | None = None,
) -> tuple[D, ...]:
    """
    The items whose key ``inbox`` had not recorded, in order, each key once; records them.

    Each key is recorded with ``received_at`` and ``report_id`` in the inbox of a unit of
    work: the claims become durable when it commits, together with what was made of the
    items, and a rollback forgets them, so a redelivery is taken again. Of two workers handed
    the same redelivery, one gets the message and the other nothing.

    >>> import attrs, pendulum
    >>> from layanan_aduan.adapters.storage import InMemoryStorage
    >>> @attrs.frozen
    ... class Item:
    ...     dedupe_key: str
    >>> at = pendulum.datetime(2026, 1, 12, 2)
    >>> storage = InMemoryStorage()
    >>> with storage.unit_of_work() as uow:
    ...     select_new([Item("a"), Item("b"), Item("a")], uow.inbox, received_at=at)
    ...     select_new([Item("b"), Item("c")], uow.inbox, received_at=at)
    ...     uow.commit()
    (Item(dedupe_key='a'), Item(dedupe_key='b'))
    (Item(dedupe_key='c'),)
    """
    first: dict[str, D] = {}
    for item in items:
        first.setdefault(item.dedupe_key, item)
    return tuple(
        item
        for key, item in first.items()
        if inbox.record(key, received_at=received_at, report_id=report_id)
    )


@attrs.frozen(repr=False)
class Draft(Generic[M]):
    """
    One sender's messages that belong to one report, ordered by the instant they were sent.

    Attributes:
        sender_key: The sender's key (business-scoped user id, else WhatsApp number).
        messages: The messages, ordered by ``(sent_at, message_id)``.
    """

    sender_key: str
    messages: tuple[M, ...]

    @property
    def draft_id(self) -> str:
        """
        The id of the first message: stable once the draft is closed.
        """
        return self.messages[0].message_id

    @property
    def first_at(self) -> pendulum.DateTime:
        """
        When the first message was sent.
        """
        return self.messages[0].sent_at

    @property
    def last_at(self) -> pendulum.DateTime:
        """
        When the last message was sent.
        """
        return self.messages[-1].sent_at

    @property
    def message_ids(self) -> tuple[str, ...]:
        """
        The ids of the messages, in order.
        """
        return tuple(m.message_id for m in self.messages)

    def __repr__(self) -> str:
        return (
            f"Draft(sender_key={mask(self.sender_key)!r}, messages={len(self.messages)}, "
            f"first_at={self.first_at.isoformat()!r}, last_at={self.last_at.isoformat()!r})"
        )


def _order(message: Groupable) -> tuple[pendulum.DateTime, str]:
    return (message.sent_at, message.message_id)


class DraftAssembler(Generic[M]):
    """
    Groups each sender's messages into drafts: a message joins a draft when it was sent
    within ``window`` of a message of that draft.

    So a draft is a run of one sender's messages in which each was sent at most ``window``
    after the previous one (the closed interval: a gap of exactly ``window`` joins). The
    result does not depend on the order messages arrive in; a message that arrives out of
    order can join two drafts into one. A draft is *due* once ``now`` is strictly after its
    last message plus ``window``; a draft reaching ``max_messages`` closes at once.

    Not thread-safe: one assembler per worker, fed in one thread.

    >>> import attrs, pendulum
    >>> @attrs.frozen
    ... class Msg:
    ...     message_id: str
    ...     sender_key: str
    ...     sent_at: pendulum.DateTime
    >>> t0 = pendulum.datetime(2026, 1, 12, 3, 0, tz="UTC")
    >>> assembler = DraftAssembler(window=pendulum.duration(minutes=5))
    >>> for i, minutes in enumerate([0, 2, 30]):
    ...     _ = assembler.add(Msg(f"m{i}", "6281234567890", t0.add(minutes=minutes)))
    >>> assembler.due(t0.add(minutes=10))
    (Draft(sender_key='628*******890', messages=2, first_at='2026-01-12T03:00:00+00:00', last_at='2026-01-12T03:02:00+00:00'),)
    >>> [d.message_ids for d in assembler.drain()]
    [('m2',)]
    """  # noqa: E501 - a doctest's expected output is one line

    def __init__(
        self,
        *,
        window: dt.timedelta = DEFAULT_DRAFT_WINDOW,
        max_messages: int = DEFAULT_MAX_DRAFT_MESSAGES,
    ) -> None:
        if not isinstance(window, dt.timedelta) or window <= dt.timedelta(0):
            raise MessagingConfigurationError(
                "Jendela draf harus berupa durasi positif.",
                "The draft window must be a positive duration.",
                field="window",
            )
        if isinstance(max_messages, bool) or not isinstance(max_messages, int) or max_messages < 1:
            raise MessagingConfigurationError(
                "max_messages harus berupa bilangan bulat positif.",
                "max_messages must be a positive integer.",
                field="max_messages",
            )
        self.window = window
        self.max_messages = max_messages
        # sender key -> that sender's open drafts, each sorted, the drafts sorted by start.
        self._open: dict[str, list[list[M]]] = {}

    def add(self, message: M) -> tuple[Draft[M], ...]:
        """
        Take a message; answer the drafts it closed by reaching ``max_messages`` (usually none).

        A message id already held is ignored.
        """
        _require_aware(message.sent_at, "sent_at")
        key = message.sender_key
        runs = self._open.get(key, [])
        if any(m.message_id == message.message_id for run in runs for m in run):
            return ()
        at = message.sent_at
        touching = [
            r for r in runs if r[0].sent_at - self.window <= at <= r[-1].sent_at + self.window
        ]
        merged = sorted(itertools.chain([message], *touching), key=_order)
        rest = [r for r in runs if not any(r is t for t in touching)]
        if len(merged) >= self.max_messages:
            closed = tuple(
                Draft(key, tuple(merged[i : i + self.max_messages]))
                for i in range(0, len(merged), self.max_messages)
            )
        else:
            rest.append(merged)
            closed = ()
        if rest:
            self._open[key] = sorted(rest, key=lambda r: _order(r[0]))
        else:
            self._open.pop(key, None)
        return closed

    def add_all(self, messages: Iterable[M]) -> tuple[Draft[M], ...]:
        """
        :meth:`add` each message; answer every draft closed on the way.
        """
        return tuple(d for m in messages for d in self.add(m))

    def due(self, now: pendulum.DateTime) -> tuple[Draft[M], ...]:
        """
        Close and answer the drafts whose window has passed at ``now``.

        Pass ``now`` minus the delivery delay you allow for: a message reaches the webhook
        some seconds after it was sent.
        """
        _require_aware(now, "now")
        closed: list[Draft[M]] = []
        for key in list(self._open):
            keep = []
            for run in self._open[key]:
                if now > run[-1].sent_at + self.window:
                    closed.append(Draft(key, tuple(run)))
                else:
                    keep.append(run)
            if keep:
                self._open[key] = keep
            else:
                del self._open[key]
        return tuple(sorted(closed, key=lambda d: (d.first_at, d.sender_key)))

    def drain(self) -> tuple[Draft[M], ...]:
        """
        Close and answer every open draft (at shutdown, or to flush a batch).
        """
        closed = self.open_drafts
        self._open.clear()
        return closed

    @property
    def open_drafts(self) -> tuple[Draft[M], ...]:
        """
        The drafts still open, without closing them.
        """
        drafts = [Draft(key, tuple(run)) for key, runs in self._open.items() for run in runs]
        return tuple(sorted(drafts, key=lambda d: (d.first_at, d.sender_key)))

    def next_due_at(self) -> pendulum.DateTime | None:
        """
        The instant after which the earliest open draft is due, or ``None`` if none is open.
        """
        ends = [run[-1].sent_at + self.window for runs in self._open.values() for run in runs]
        return min(ends) if ends else None
