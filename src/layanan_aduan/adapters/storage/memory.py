"""
The in-memory storage adapter: thread-safe, nothing written to disk.

It implements the same ports as the SQLite and PostgreSQL adapters and passes the same contract
suite, so it is a real adapter (for tests, demos and single-process tools), not a fake. Data
lives as long as the object.

Isolation matches the SQLite adapter: one writing unit of work at a time (others wait up to
``busy_timeout`` seconds, then get ``StorageUnavailableError``), while read-only units of work
read a consistent snapshot and never wait. Committed state is immutable and replaced whole at
commit (copy on write: a writing unit of work copies each table it changes), so a reader never
sees half a step; that copy makes it an adapter for thousands of reports, not millions.

>>> import pendulum
>>> from layanan_aduan.ports import ReportProjection
>>> storage = InMemoryStorage()
>>> at = pendulum.datetime(2026, 1, 9, 9, tz="Asia/Jakarta")
>>> with storage.unit_of_work() as uow:
...     uow.reports.append("r-1", 0, [{"kind": "received"}], ReportProjection("received", at))
...     uow.commit()
1
>>> with storage.unit_of_work(read_only=True) as uow:
...     uow.reports.get("r-1").events
({'kind': 'received'},)
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable, Iterator, Mapping
from types import TracebackType
from typing import Any, Self

import attrs
import pendulum

from layanan_aduan.adapters.field_cipher import PlainFieldCipher
from layanan_aduan.adapters.storage import _common as c
from layanan_aduan.adapters.storage._logins import MemoryLoginFailures
from layanan_aduan.adapters.storage._retention import MemoryRetentionRuns
from layanan_aduan.adapters.storage._webhooks import MemoryReceivedWebhooks
from layanan_aduan.ports import (
    FieldCipher,
    OutboxMessage,
    OutboxStatus,
    Page,
    PersonalErasure,
    ReportEvents,
    ReportProjection,
    ReportSummary,
    SenderActivity,
    SlaDue,
    StoredReport,
)

__all__ = ["InMemoryStorage"]

# The in-memory index of a sender's inbox entries: (office, sender).
_SenderKey = tuple[str | None, str]


@attrs.frozen
class _Report:
    position: int
    report_id: str
    version: int
    projection: ReportProjection  # its reporter keys dropped: they are in the two indexes
    events: tuple[str, ...]
    # The vault: each sealed entry by seq, and the reporter's blind indexes.
    personal: Mapping[int, str] = attrs.Factory(dict)
    phone_index: str | None = None
    user_index: str | None = None
    evidence: frozenset[str] = frozenset()

    def summary(self) -> ReportSummary:
        return ReportSummary(self.report_id, self.version, self.projection)

    def stored(self, cipher: FieldCipher, after: int = 0) -> StoredReport:
        return StoredReport(
            self.report_id,
            self.version,
            self.projection,
            c.open_vault(
                cipher,
                self.report_id,
                [c.load_json(e) for e in self.events[after:]],
                after + 1,
                ((seq, sealed) for seq, sealed in self.personal.items() if seq > after),
            ),
        )

    def events_only(self) -> tuple[dict[str, Any], ...]:
        return tuple(c.load_json(e) for e in self.events)


@attrs.frozen
class _Message:
    """
    An outbox row: the message and its position. Its payload dict is never handed out.
    """

    position: int
    stored: OutboxMessage

    def message(self) -> OutboxMessage:
        return attrs.evolve(self.stored, payload=copy.deepcopy(self.stored.payload))


@attrs.frozen
class _Entry:
    """
    An inbox row: the report it went to, and who sent it when (for the sender index).
    """

    report_id: str | None
    office: str | None = None
    sender: str | None = None
    received_at: pendulum.DateTime | None = None
    throttled: bool = False


@attrs.frozen
class _State:
    """
    One committed state. Never mutated once published: a commit publishes a new one.
    """

    reports: Mapping[str, _Report] = attrs.Factory(dict)
    numbers: Mapping[str, str] = attrs.Factory(dict)
    counters: Mapping[tuple[str, int], int] = attrs.Factory(dict)
    outbox: Mapping[str, _Message] = attrs.Factory(dict)
    inbox: Mapping[str, _Entry] = attrs.Factory(dict)
    # Each sender's inbox entries, oldest recorded first: the index activity() reads.
    senders: Mapping[_SenderKey, tuple[_Entry, ...]] = attrs.Factory(dict)
    # Sent messages by (office, provider id): the index by_provider_id() reads.
    provider_ids: Mapping[tuple[str | None, str], str] = attrs.Factory(dict)
    audit: Mapping[str, tuple[tuple[pendulum.DateTime, str], ...]] = attrs.Factory(dict)
    next_position: int = 1


class _Draft:
    """
    A copy-on-write working copy of a state: each table is copied on its first change.
    """

    def __init__(self, base: _State) -> None:
        self.reports: Mapping[str, _Report] = base.reports
        self.numbers: Mapping[str, str] = base.numbers
        self.counters: Mapping[tuple[str, int], int] = base.counters
        self.outbox: Mapping[str, _Message] = base.outbox
        self.inbox: Mapping[str, _Entry] = base.inbox
        self.senders: Mapping[_SenderKey, tuple[_Entry, ...]] = base.senders
        self.provider_ids: Mapping[tuple[str | None, str], str] = base.provider_ids
        self.audit: Mapping[str, tuple[tuple[pendulum.DateTime, str], ...]] = base.audit
        self.next_position = base.next_position
        self._copied: set[str] = set()

    def _writable(self, name: str) -> dict[Any, Any]:
        if name not in self._copied:
            setattr(self, name, dict(getattr(self, name)))
            self._copied.add(name)
        table: dict[Any, Any] = getattr(self, name)
        return table

    def put_report(self, row: _Report) -> None:
        self._writable("reports")[row.report_id] = row

    def put_number(self, number: str, report_id: str) -> None:
        self._writable("numbers")[number] = report_id

    def drop_number(self, number: str) -> None:
        del self._writable("numbers")[number]

    def put_counter(self, key: tuple[str, int], value: int) -> None:
        self._writable("counters")[key] = value

    def put_message(self, row: _Message) -> None:
        self._writable("outbox")[row.stored.key] = row
        provider_id = row.stored.provider_message_id
        if provider_id is not None:
            # Two messages with one provider id (a faulty channel): the newest one is found.
            index = (row.stored.office, provider_id)
            holder = self.provider_ids.get(index)
            if holder is None or self.outbox[holder].position <= row.position:
                self._writable("provider_ids")[index] = row.stored.key

    def rekey_inbox(self, report_id: str, index: Callable[[str], str]) -> None:
        # An erased report's inbox entries, kept under a blind index of their message id.
        inbox = self._writable("inbox")
        for message_id in [m for m, e in inbox.items() if e.report_id == report_id]:
            inbox[index(message_id)] = inbox.pop(message_id)

    def forget_provider_id(self, message: OutboxMessage) -> None:
        index = (message.office, message.provider_message_id or "")
        if self.provider_ids.get(index) == message.key:
            del self._writable("provider_ids")[index]

    def put_inbox(self, message_id: str, entry: _Entry) -> None:
        self._writable("inbox")[message_id] = entry
        if entry.sender is not None:
            senders = self._writable("senders")
            key = (entry.office, entry.sender)
            senders[key] = (*senders.get(key, ()), entry)

    def put_audit(self, report_id: str, at: pendulum.DateTime, text: str) -> int:
        table = self._writable("audit")
        table[report_id] = (*table.get(report_id, ()), (at, text))
        return len(table[report_id])

    def take_position(self) -> int:
        self.next_position += 1
        return self.next_position - 1

    def freeze(self) -> _State:
        return _State(
            reports=self.reports,
            numbers=self.numbers,
            counters=self.counters,
            outbox=self.outbox,
            inbox=self.inbox,
            audit=self.audit,
            senders=self.senders,
            provider_ids=self.provider_ids,
            next_position=self.next_position,
        )


def _matches(row: _Report, f: c.ReportFilter) -> bool:
    p = row.projection
    reporter = f.phone is None and f.user_id is None
    if not reporter:
        reporter = (f.phone is not None and row.phone_index in f.phone) or (
            f.user_id is not None and row.user_index in f.user_id
        )
    due = f.due_before is None or (
        not p.sla_stopped and p.sla_deadline is not None and p.sla_deadline < f.due_before
    )
    return (
        (f.office is None or p.office == f.office)
        and (f.state is None or p.state == f.state)
        and reporter
        and (f.at_risk_at is None or p.is_at_risk(f.at_risk_at))
        and (f.breached_at is None or p.is_breached(f.breached_at))
        and (f.kind is None or p.kind == f.kind)
        and not (f.open_only and p.sla_stopped)
        and (f.stale_for is None or p.calendar_fingerprint != f.stale_for)
        and due
        and _received_in(p, f)
    )


def _received_in(p: ReportProjection, f: c.ReportFilter) -> bool:
    if f.received_from is None and f.received_before is None:
        return True
    at = p.received_at
    return (
        at is not None
        and (f.received_from is None or f.received_from <= at)
        and (f.received_before is None or at < f.received_before)
    )


def _page(rows: Iterator[tuple[int, Any]], limit: int) -> tuple[list[Any], str | None]:
    items: list[Any] = []
    last = 0
    for position, item in rows:
        if len(items) == limit:
            return items, c.encode_cursor(last)
        items.append(item)
        last = position
    return items, None


class _Repository(c.RepositoryChecks):
    def __init__(self, uow: _UnitOfWork) -> None:
        self._uow = uow

    @property
    def _cipher(self) -> FieldCipher:
        return self._uow._storage.cipher

    def _find(self, column: str, value: str, after: int) -> StoredReport | None:
        view = self._uow.view()
        report_id = value if column == "report_id" else view.numbers.get(value)
        row = None if report_id is None else view.reports.get(report_id)
        return None if row is None else row.stored(self._cipher, after)

    def _erase(self, report_id: str) -> PersonalErasure:
        draft = self._uow.writable()
        row = draft.reports.get(report_id)
        if row is None:
            raise c.report_not_found("report_id", report_id)
        draft.put_report(
            attrs.evolve(row, personal={}, phone_index=None, user_index=None, evidence=frozenset())
        )
        held = {d for r in draft.reports.values() for d in r.evidence}
        orphaned = tuple(sorted(row.evidence - held))
        draft.rekey_inbox(report_id, lambda m: self._cipher.blind_index(m, c.MESSAGE_INDEX))
        for message in [m for m in draft.outbox.values() if m.stored.report_id == report_id]:
            m = message.stored
            pending = m.status is OutboxStatus.PENDING
            draft.forget_provider_id(m)
            draft.put_message(
                attrs.evolve(
                    message,
                    stored=attrs.evolve(
                        m,
                        payload=dict(c.ERASED_PAYLOAD),
                        provider_message_id=None,
                        claimed_until=None,
                        claim_token=None,
                        status=OutboxStatus.DEAD if pending else m.status,
                        last_error=c.ERASED_ERROR if pending else m.last_error,
                    ),
                )
            )
        return PersonalErasure(len(row.personal), orphaned)

    def _write(
        self,
        report_id: str,
        expected_version: int,
        step: c.SealedStep,
        projection: ReportProjection,
    ) -> int:
        encoded = step.events
        draft = self._uow.writable()
        row = draft.reports.get(report_id)
        actual = 0 if row is None else row.version
        if row is None and expected_version > 0:
            raise c.report_not_found("report_id", report_id)
        if actual != expected_version:
            raise c.conflict(report_id, expected_version, actual)
        number = projection.number
        if number is not None and draft.numbers.get(number, report_id) != report_id:
            raise c.duplicate_number(number)
        old_number = None if row is None else row.projection.number
        if old_number is not None and old_number != number:
            draft.drop_number(old_number)
        if number is not None:
            draft.put_number(number, report_id)
        position = draft.take_position() if row is None else row.position
        version = expected_version + len(encoded)
        previous = () if row is None else row.events
        personal = {} if row is None else dict(row.personal)
        personal.update((seq, sealed) for seq, sealed, _ in step.personal)
        draft.put_report(
            _Report(
                position,
                report_id,
                version,
                attrs.evolve(projection, reporter_phone=None, reporter_user_id=None),
                previous + tuple(encoded),
                personal,
                step.phone_index,
                step.user_index,
                (frozenset() if row is None else row.evidence) | step.evidence,
            )
        )
        return version

    def _add_audit(self, report_id: str, text: str, recorded_at: pendulum.DateTime) -> int:
        draft = self._uow.writable()
        if report_id not in draft.reports:
            raise c.report_not_found("report_id", report_id)
        return draft.put_audit(report_id, recorded_at, text)

    def _audit(self, report_id: str) -> list[tuple[int, pendulum.DateTime, str]]:
        rows = self._uow.view().audit.get(report_id, ())
        return [(n, at, text) for n, (at, text) in enumerate(rows, start=1)]

    def _next_number(self, office: str, year: int) -> int:
        draft = self._uow.writable()
        value = draft.counters.get((office, year), 0) + 1
        draft.put_counter((office, year), value)
        return value

    def _select(self, f: c.ReportFilter, limit: int, start: int) -> Page[ReportSummary]:
        rows = self._uow.view().reports.values()
        selected = (
            (r.position, r.summary()) for r in rows if r.position > start and _matches(r, f)
        )
        items, cursor = _page(selected, limit)
        return Page(tuple(items), cursor)

    def _sla_due(self, at: pendulum.DateTime, office: str | None) -> tuple[SlaDue, ...]:
        due: list[SlaDue] = []
        for r in self._uow.view().reports.values():
            p = r.projection
            if office is not None and p.office != office:
                continue
            risk, breach = p.sla_at_risk_from, p.sla_breached_from
            if (risk is not None and risk <= at) or (breach is not None and breach <= at):
                due.append(SlaDue(r.report_id, risk, breach))
        return tuple(due)

    def _select_events(self, f: c.ReportFilter, limit: int, start: int) -> Page[ReportEvents]:
        rows = self._uow.view().reports.values()
        selected = (
            (r.position, ReportEvents(r.report_id, r.events_only()))
            for r in rows
            if r.position > start and _matches(r, f)
        )
        items, cursor = _page(selected, limit)
        return Page(tuple(items), cursor)


class _OutboxWriter(c.OutboxWriterChecks):
    def __init__(self, uow: _UnitOfWork) -> None:
        self._uow = uow

    def _insert(self, message: OutboxMessage, text: str) -> bool:
        draft = self._uow.writable()
        existing = draft.outbox.get(message.key)
        if existing is not None:
            if c.canonical_json(existing.stored.payload, "payload") != text:
                raise c.idempotency_conflict(message.key)
            return False
        draft.put_message(_Message(draft.take_position(), message))
        return True


class _Inbox(c.InboxChecks):
    def __init__(self, uow: _UnitOfWork) -> None:
        self._uow = uow

    @property
    def _cipher(self) -> FieldCipher:
        return self._uow._storage.cipher

    def _record(  # noqa: PLR0917 - the checked arguments of record() in order
        self,
        message_id: str,
        instant: pendulum.DateTime,
        report_id: str | None,
        office: str | None,
        sender: str | None,
        throttled: bool,
    ) -> bool:
        draft = self._uow.writable()
        if message_id in draft.inbox:
            return False
        draft.put_inbox(message_id, _Entry(report_id, office, sender, instant, throttled))
        return True

    def _report_of(self, message_id: str) -> str | None:
        entry = self._uow.view().inbox.get(message_id)
        return None if entry is None else entry.report_id

    def _seen(self, message_id: str) -> bool:
        return message_id in self._uow.view().inbox

    def _activity(
        self, sender: str, since: pendulum.DateTime, office: str | None
    ) -> SenderActivity:
        view = self._uow.view()
        keys = (
            [(office, sender)]
            if office is not None
            else [k for k in view.senders if k[1] == sender]
        )
        messages = throttled = 0
        for key in keys:
            # Entries are appended as recorded; an instant may still be older than a later
            # one's, so every entry of the sender is compared (few: one sender's).
            for entry in view.senders.get(key, ()):
                if entry.received_at is not None and entry.received_at > since:
                    messages += 1
                    throttled += entry.throttled
        return SenderActivity(messages, throttled)


class _UnitOfWork:
    def __init__(self, storage: InMemoryStorage, *, read_only: bool) -> None:
        self._storage = storage
        self.read_only = read_only
        self._draft: _Draft | None = None
        self._finished = False
        self._reports = _Repository(self)
        self._outbox = _OutboxWriter(self)
        self._inbox = _Inbox(self)

    @property
    def reports(self) -> _Repository:
        return self._reports

    @property
    def outbox(self) -> _OutboxWriter:
        return self._outbox

    @property
    def inbox(self) -> _Inbox:
        return self._inbox

    def __enter__(self) -> Self:
        self._draft = self._storage._begin(read_only=self.read_only)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if not self._finished:
            self.rollback()

    def lock(self, name: str) -> None:
        # Writers are serialised by the storage's writer lock: holding a writing unit of
        # work is already holding every name.
        c.check_text(name, "name")
        self.writable()

    def view(self) -> _Draft:
        if self._finished:
            raise c.unit_finished()
        if self._draft is None:
            raise c.unit_not_started()
        return self._draft

    def writable(self) -> _Draft:
        draft = self.view()
        if self.read_only:
            raise c.read_only()
        return draft

    def commit(self) -> None:
        draft = self.view()
        self._finished = True
        self._storage._end(draft if not self.read_only else None, read_only=self.read_only)

    def rollback(self) -> None:
        if self._finished:
            return
        self._finished = True
        if self._draft is not None:
            self._storage._end(None, read_only=self.read_only)


class _Outbox(c.OutboxChecks):
    def __init__(self, storage: InMemoryStorage) -> None:
        self._storage = storage

    def _change(self, fn: Callable[[_Draft], Any]) -> Any:
        draft = self._storage._begin(read_only=False)
        try:
            result = fn(draft)
        except BaseException:
            self._storage._end(None, read_only=False)
            raise
        self._storage._end(draft, read_only=False)
        return result

    def _claim_due(
        self,
        instant: pendulum.DateTime,
        until: pendulum.DateTime,
        limit: int,
        office: str | None,
        token: str,
    ) -> list[OutboxMessage]:
        def claim(draft: _Draft) -> list[OutboxMessage]:
            due = sorted(
                (
                    m
                    for m in draft.outbox.values()
                    if m.stored.status is OutboxStatus.PENDING
                    and (office is None or m.stored.office == office)
                    and m.stored.next_attempt_at <= instant
                    and (m.stored.claimed_until is None or m.stored.claimed_until <= instant)
                ),
                key=lambda m: (m.stored.next_attempt_at, m.position),
            )[:limit]
            claimed = [
                _Message(m.position, attrs.evolve(m.stored, claimed_until=until, claim_token=token))
                for m in due
            ]
            for m in claimed:
                draft.put_message(m)
            return [m.message() for m in claimed]

        result: list[OutboxMessage] = self._change(claim)
        return result

    def _existing(self, draft: _Draft, key: str) -> _Message:
        row = draft.outbox.get(key)
        if row is None:
            raise c.outbox_not_found(key)
        return row

    def _renew(self, key: str, token: str, until: pendulum.DateTime) -> bool:
        def renew(draft: _Draft) -> bool:
            row = self._existing(draft, key)
            if row.stored.status is not OutboxStatus.PENDING or row.stored.claim_token != token:
                return False
            draft.put_message(_Message(row.position, attrs.evolve(row.stored, claimed_until=until)))
            return True

        result: bool = self._change(renew)
        return result

    def _mark_sent(
        self, key: str, instant: pendulum.DateTime, provider_message_id: str | None
    ) -> OutboxMessage:
        def sent(draft: _Draft) -> OutboxMessage:
            row = self._existing(draft, key)
            outcome = c.sent_outcome(
                row.stored.status, row.stored.provider_message_id, provider_message_id
            )
            if outcome == "keep":
                return row.message()
            if outcome == "fill":
                changed = attrs.evolve(row.stored, provider_message_id=provider_message_id)
            else:
                changed = attrs.evolve(
                    row.stored,
                    status=OutboxStatus.SENT,
                    sent_at=instant,
                    claimed_until=None,
                    claim_token=None,
                    provider_message_id=provider_message_id,
                )
            new = _Message(row.position, changed)
            draft.put_message(new)
            return new.message()

        result: OutboxMessage = self._change(sent)
        return result

    def _by_provider_id(self, provider_message_id: str, office: str | None) -> OutboxMessage | None:
        state = self._storage._snapshot()
        if office is not None:
            key = state.provider_ids.get((office, provider_message_id))
            return None if key is None else state.outbox[key].message()
        found = [
            state.outbox[k]
            for (_, pid), k in state.provider_ids.items()
            if pid == provider_message_id
        ]
        newest = max(found, key=lambda m: m.position, default=None)
        return None if newest is None else newest.message()

    def _mark_failed(
        self,
        key: str,
        text: str,
        nxt: pendulum.DateTime | None,
        max_attempts: int,
        token: str | None,
    ) -> OutboxMessage:
        def failed(draft: _Draft) -> OutboxMessage:
            row = self._existing(draft, key)
            if not c.failure_outcome(key, row.stored.status, row.stored.claim_token, token):
                return row.message()
            attempts = row.stored.attempts + 1
            dead = nxt is None or attempts >= max_attempts
            new = _Message(
                row.position,
                attrs.evolve(
                    row.stored,
                    attempts=attempts,
                    last_error=text,
                    claimed_until=None,
                    claim_token=None,
                    status=OutboxStatus.DEAD if dead else OutboxStatus.PENDING,
                    next_attempt_at=row.stored.next_attempt_at if nxt is None else nxt,
                ),
            )
            draft.put_message(new)
            return new.message()

        result: OutboxMessage = self._change(failed)
        return result

    def _list(
        self,
        status: OutboxStatus | None,
        office: str | None,
        limit: int,
        start: int,
        report_id: str | None,
    ) -> Page[OutboxMessage]:
        rows = sorted(self._storage._snapshot().outbox.values(), key=lambda m: m.position)
        selected = (
            (m.position, m.message())
            for m in rows
            if m.position > start
            and (status is None or m.stored.status is status)
            and (office is None or m.stored.office == office)
            and (report_id is None or m.stored.report_id == report_id)
        )
        items, cursor = _page(selected, limit)
        return Page(tuple(items), cursor)

    def _retry(self, key: str, instant: pendulum.DateTime) -> OutboxMessage:
        def retry(draft: _Draft) -> OutboxMessage:
            row = self._existing(draft, key)
            if row.stored.status is not OutboxStatus.DEAD:
                raise c.outbox_transition(key, row.stored.status, "retry")
            if row.stored.last_error == c.ERASED_ERROR:
                raise c.erased_message(key)
            new = _Message(
                row.position,
                attrs.evolve(
                    row.stored,
                    status=OutboxStatus.PENDING,
                    attempts=0,
                    next_attempt_at=instant,
                    claimed_until=None,
                    claim_token=None,
                ),
            )
            draft.put_message(new)
            return new.message()

        result: OutboxMessage = self._change(retry)
        return result

    def _get(self, key: str) -> OutboxMessage:
        row = self._storage._snapshot().outbox.get(key)
        if row is None:
            raise c.outbox_not_found(key)
        return row.message()

    def _stored_keys(self, keys: list[str]) -> frozenset[str]:
        outbox = self._storage._snapshot().outbox
        return frozenset(k for k in keys if k in outbox)

    def _counts(self, office: str | None) -> dict[OutboxStatus, int]:
        result = dict.fromkeys(OutboxStatus, 0)
        for m in self._storage._snapshot().outbox.values():
            if office is None or m.stored.office == office:
                result[m.stored.status] += 1
        return result


class InMemoryStorage:
    """
    Reports, outbox and inbox held in memory; safe to share between threads.

    Args:
        busy_timeout: Seconds a writing unit of work waits for another one to finish before
            raising ``StorageUnavailableError`` (code ``storage_busy``).
        cipher: What seals personal data and makes its blind indexes, as the SQL adapters'
            (:class:`~layanan_aduan.adapters.field_cipher.PlainFieldCipher` by default).
    """

    def __init__(self, *, busy_timeout: float = 5.0, cipher: FieldCipher | None = None) -> None:
        self.cipher: FieldCipher = PlainFieldCipher() if cipher is None else cipher
        self._busy_timeout = busy_timeout
        self._writer = threading.Lock()
        self._state = _State()
        self._closed = False
        self._outbox = _Outbox(self)
        self._webhooks = MemoryReceivedWebhooks(self._check_open)
        self._login_failures = MemoryLoginFailures(self._check_open)
        self._retention_runs = MemoryRetentionRuns(self._check_open)

    def __repr__(self) -> str:
        return f"InMemoryStorage(reports={len(self._state.reports)}, closed={self._closed})"

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def unit_of_work(self, *, read_only: bool = False) -> _UnitOfWork:
        """
        Start a unit of work (see :class:`layanan_aduan.ports.UnitOfWork`).
        """
        self._check_open()
        return _UnitOfWork(self, read_only=read_only)

    @property
    def outbox(self) -> _Outbox:
        """
        The dispatcher's view of the outbox (see :class:`layanan_aduan.ports.Outbox`).
        """
        return self._outbox

    @property
    def login_failures(self) -> MemoryLoginFailures:
        """
        The console's failed logins (see :class:`layanan_aduan.ports.passwords.LoginFailures`).
        """
        return self._login_failures

    @property
    def webhooks(self) -> MemoryReceivedWebhooks:
        """
        The webhook bodies received (see :class:`layanan_aduan.ports.ReceivedWebhooks`).
        """
        return self._webhooks

    @property
    def retention_runs(self) -> MemoryRetentionRuns:
        """
        The record of retention runs (see :class:`layanan_aduan.ports.RetentionRuns`).
        """
        return self._retention_runs

    def sealed_by_key(self) -> dict[str, int]:
        """
        How many vault entries each key id seals (see :class:`~layanan_aduan.ports.Resealable`;
        memory keeps outbox payloads as they are).
        """
        counts: dict[str, int] = {}
        for row in self._state.reports.values():
            for sealed in row.personal.values():
                key_id = self.cipher.sealed_key_id(sealed)
                counts[key_id] = counts.get(key_id, 0) + 1
        return counts

    def unindexed_reporters(self, *, limit: int = 500) -> list[str]:
        """
        Reports whose reporter keys are not indexed under the current key (see
        :class:`~layanan_aduan.ports.Resealable`).
        """
        if not self.cipher.encrypts:
            return []
        prefix = f"{self.cipher.key_id}:"
        rows = sorted(self._state.reports.values(), key=lambda r: r.position)
        return [
            r.report_id
            for r in rows
            if any(
                i is not None and not i.startswith(prefix) for i in (r.phone_index, r.user_index)
            )
        ][:limit]

    def reseal_personal(self, *, batch: int = 500) -> int:
        """
        Re-seal up to ``batch`` vault entries not sealed under the current key, in one unit of
        work (see :class:`~layanan_aduan.ports.Resealable`).
        """
        cipher = self.cipher
        if not cipher.encrypts:
            return 0
        done = 0
        with self.unit_of_work() as uow:
            draft = uow.writable()
            for row in list(draft.reports.values()):
                stale = {
                    seq: sealed
                    for seq, sealed in row.personal.items()
                    if cipher.sealed_key_id(sealed) != cipher.key_id
                }
                if not stale or done >= batch:
                    continue
                personal = dict(row.personal)
                for seq, sealed in list(stale.items())[: batch - done]:
                    context = c.vault_context(row.report_id, seq)
                    personal[seq] = cipher.seal(cipher.open(sealed, context), context)
                    done += 1
                draft.put_report(attrs.evolve(row, personal=personal))
            uow.commit()
        return done

    def ping(self) -> None:
        """
        Health check: memory always answers while the storage is open.
        """
        self._check_open()

    def close(self) -> None:
        """
        Close the storage; later calls raise ``StorageStateError``. Data is dropped.
        """
        self._closed = True

    def _check_open(self) -> None:
        if self._closed:
            raise c.storage_closed()

    def _snapshot(self) -> _State:
        self._check_open()
        return self._state

    def _begin(self, *, read_only: bool) -> _Draft:
        self._check_open()
        if not read_only and not self._writer.acquire(timeout=self._busy_timeout):
            raise c.busy(self._busy_timeout)
        return _Draft(self._state)

    def _end(self, draft: _Draft | None, *, read_only: bool) -> None:
        if read_only:
            return
        try:
            if draft is not None:
                self._state = draft.freeze()
        finally:
            self._writer.release()
