"""
Storage ports: reports and their unit of work, the outbox, the inbox, and the evidence store.

A port is a :class:`typing.Protocol`: the service layer depends on it, adapters implement it
(``layanan_aduan.adapters.storage`` for reports and the outbox,
``layanan_aduan.adapters.evidence_store`` for evidence files), and the contract suites in
``layanan_aduan.testing.contracts`` prove that an adapter honours it.

Reports are stored as an **event stream**: each report is the ordered list of its events (the
canonical JSON dicts of ``layanan_aduan.domain.history``), its ``version`` is the number of events,
and a step appends its events against the version it was decided on. Beside the stream the
adapter keeps a :class:`ReportProjection`: the few columns the desk queries (state, number,
reporter, SLA instants), computed by the caller from the report at each append. Storage never
recomputes the SLA; it only compares the instants it was given.

The values here are what the ports speak; they hold no behaviour beyond validation.

>>> import pendulum
>>> p = ReportProjection(
...     state="received",
...     updated_at=pendulum.datetime(2026, 1, 9, 8, tz="Asia/Jakarta"),
...     reporter_phone="+6281212313170",
... )
>>> p.updated_at.isoformat()
'2026-01-09T01:00:00+00:00'
>>> p
ReportProjection(state='received', number=None, office=None, reporter_phone='+62********170', ...)
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import Iterable, Mapping, Sequence
from types import TracebackType
from typing import IO, Any, Generic, NamedTuple, Protocol, Self, TypeVar, runtime_checkable

import attrs
import pendulum

from layanan_aduan.exceptions import NaiveDatetimeError, StorageInputError
from layanan_aduan.privacy import mask

__all__ = [
    "DEFAULT_PAGE_SIZE",
    "MAX_PAGE_SIZE",
    "EvidenceStore",
    "Inbox",
    "Outbox",
    "OutboxMessage",
    "OutboxStatus",
    "OutboxWriter",
    "Page",
    "ReceivedWebhook",
    "ReceivedWebhooks",
    "ReportEvents",
    "ReportProjection",
    "ReportRepository",
    "ReportSummary",
    "ReportTimeline",
    "RetentionRun",
    "RetentionRuns",
    "SenderActivity",
    "SlaDue",
    "Storage",
    "StoredReport",
    "UnitOfWork",
]

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 1000

_E164 = re.compile(r"\+[1-9][0-9]{6,14}")

T = TypeVar("T")


def _utc(value: dt.datetime, field: str) -> pendulum.DateTime:
    """
    Turn an aware datetime into a pendulum instant in UTC; refuse naive ones.
    """
    if value.tzinfo is None or value.utcoffset() is None:
        raise NaiveDatetimeError(
            "Waktu tanpa zona waktu tidak diterima.",
            "A datetime without a time zone is not accepted.",
            field=field,
        )
    if type(value) is pendulum.DateTime and value.tzinfo is pendulum.UTC:
        return value  # already an instant in UTC (the common case): no copy
    instant: pendulum.DateTime = pendulum.instance(value).in_timezone("UTC")
    return instant


def _updated_at(value: dt.datetime) -> pendulum.DateTime:
    return _utc(value, "updated_at")


def _received_at(value: dt.datetime | None) -> pendulum.DateTime | None:
    return None if value is None else _utc(value, "received_at")


def _sla_stopped_at(value: dt.datetime | None) -> pendulum.DateTime | None:
    return None if value is None else _utc(value, "sla_stopped_at")


def _sla_deadline(value: dt.datetime | None) -> pendulum.DateTime | None:
    return None if value is None else _utc(value, "sla_deadline")


def _sla_at_risk_from(value: dt.datetime | None) -> pendulum.DateTime | None:
    return None if value is None else _utc(value, "sla_at_risk_from")


def _sla_breached_from(value: dt.datetime | None) -> pendulum.DateTime | None:
    return None if value is None else _utc(value, "sla_breached_from")


def _text_or_none(field: str, max_length: int = 200) -> Any:
    def check(_instance: Any, _attribute: Any, value: str | None) -> None:
        if value is None:
            return
        if not isinstance(value, str) or not value.strip() or len(value) > max_length:
            raise StorageInputError(
                f"Nilai {field} harus teks tidak kosong, paling panjang {max_length} karakter.",
                f"{field} must be non-empty text of at most {max_length} characters.",
                code="invalid_text",
                field=field,
            )

    return check


def _check_phone(_instance: Any, _attribute: Any, value: str | None) -> None:
    if value is not None and (not isinstance(value, str) or not _E164.fullmatch(value)):
        raise StorageInputError(
            "Nomor telepon harus dalam format E.164 (mis. +62812...).",
            "The telephone number must be in E.164 form (e.g. +62812...).",
            code="invalid_phone_number",
            field="reporter_phone",
        )


def _masked(value: str | None) -> str:
    return repr(None if value is None else mask(value))


def _check_sla_order(instance: ReportProjection, _attribute: Any, value: Any) -> None:
    risk, breach = instance.sla_at_risk_from, instance.sla_breached_from
    if risk is not None and breach is not None and risk > breach:
        raise StorageInputError(
            "Saat mulai berisiko tidak boleh sesudah saat mulai terlambat.",
            "The at-risk instant cannot be after the breached instant.",
            code="invalid_sla_instants",
            field="sla_at_risk_from",
        )


@attrs.frozen(repr=False)
class ReportProjection:
    """
    The queryable columns of a report, as the caller computed them after a step.

    Storage keeps them beside the event stream and replaces them on every append; it never
    derives them itself. Instants are converted to UTC.

    The SLA columns are the domain's answers, precomputed (see
    ``layanan_aduan.service_layer.report_stream.project``): they state the report's SLA status
    from ``updated_at`` until the next append, and storage only compares instants with them.
    At an instant ``at`` the report is breached when ``sla_breached_from <= at``, and at risk
    (the domain's at risk or critical) when ``sla_at_risk_from <= at`` and it is not breached.
    ``None`` means "not reached while nothing else happens" (a paused or stopped clock).

    Attributes:
        state: The workflow state after the step (the domain's state name).
        updated_at: The instant of the last event.
        number: The human-readable report number, once assigned; unique in the storage.
        office: The code of the office that handles the report.
        reporter_phone: The reporter's telephone number in E.164 form, when known. A lookup
            key, not data: storage keeps only its blind index (a keyed HMAC) and a projection
            read back has ``None`` here (:meth:`ReportRepository.by_reporter` finds by it).
        reporter_user_id: The reporter's WhatsApp business-scoped user id, when known; kept
            and read back like ``reporter_phone``.
        received_at: The instant the report was received (the SLA clock's start).
        head_hash: The hash of the last event: the history's anchor, kept beside the stream.
        sla_deadline: The SLA deadline as the domain computed it, or ``None``.
        sla_at_risk_from: The first instant at which the report is at risk, or ``None``.
        sla_breached_from: The first instant at which the report is breached, or ``None``.
        sla_paused: True while the SLA clock is paused (waiting for the reporter).
        sla_stopped: True once the SLA clock stopped (step 5 done, or the report closed).
        kind: The report's kind (``laporan``, ``aduan``, ``permohonan_informasi``), when known.
        head_signature: The signature (base64) of the head (office, report id, version and
            ``head_hash``) by the desk's key, when the desk signs (see
            :mod:`layanan_aduan.service_layer.signing`); the key is never in storage.
        head_key_id: The id of the key that made ``head_signature``.
        calendar_fingerprint: The fingerprint of the working calendar the SLA columns were
            computed with (``WorkingTime.calendar_fingerprint``); ``None`` when unknown (a
            projection stored before fingerprints were kept): such a report is re-projected.
        sla_stopped_at: The instant the SLA clock stopped (the follow-up, or the closing), once
            it did; ``None`` while it runs (and for projections stored before it was kept).
    """

    state: str = attrs.field(validator=_text_or_none("state", 64))
    updated_at: pendulum.DateTime = attrs.field(converter=_updated_at)
    number: str | None = attrs.field(default=None, validator=_text_or_none("number", 64))
    office: str | None = attrs.field(default=None, validator=_text_or_none("office", 64))
    reporter_phone: str | None = attrs.field(default=None, validator=_check_phone)
    reporter_user_id: str | None = attrs.field(
        default=None, validator=_text_or_none("reporter_user_id", 200)
    )
    received_at: pendulum.DateTime | None = attrs.field(default=None, converter=_received_at)
    head_hash: str | None = attrs.field(default=None, validator=_text_or_none("head_hash", 128))
    sla_deadline: pendulum.DateTime | None = attrs.field(default=None, converter=_sla_deadline)
    sla_at_risk_from: pendulum.DateTime | None = attrs.field(
        default=None, converter=_sla_at_risk_from
    )
    sla_breached_from: pendulum.DateTime | None = attrs.field(
        default=None, converter=_sla_breached_from, validator=_check_sla_order
    )
    sla_paused: bool = attrs.field(default=False, converter=bool)
    sla_stopped: bool = attrs.field(default=False, converter=bool)
    kind: str | None = attrs.field(default=None, validator=_text_or_none("kind", 64))
    head_signature: str | None = attrs.field(
        default=None, validator=_text_or_none("head_signature", 200)
    )
    head_key_id: str | None = attrs.field(default=None, validator=_text_or_none("head_key_id", 64))
    calendar_fingerprint: str | None = attrs.field(
        default=None, validator=_text_or_none("calendar_fingerprint", 128)
    )
    sla_stopped_at: pendulum.DateTime | None = attrs.field(default=None, converter=_sla_stopped_at)

    def is_breached(self, at: pendulum.DateTime) -> bool:
        """
        True when the report is breached at ``at``: ``sla_breached_from <= at``.
        """
        return self.sla_breached_from is not None and self.sla_breached_from <= at

    def is_at_risk(self, at: pendulum.DateTime) -> bool:
        """
        True when the report is at risk at ``at``: ``sla_at_risk_from <= at``, not breached.
        """
        return (
            self.sla_at_risk_from is not None
            and self.sla_at_risk_from <= at
            and not self.is_breached(at)
        )

    def __repr__(self) -> str:
        return (
            f"ReportProjection(state={self.state!r}, number={self.number!r}, "
            f"office={self.office!r}, reporter_phone={_masked(self.reporter_phone)}, "
            f"reporter_user_id={_masked(self.reporter_user_id)}, "
            f"sla_deadline={self.sla_deadline!r}, sla_paused={self.sla_paused!r}, "
            f"sla_stopped={self.sla_stopped!r})"
        )


@attrs.frozen
class ReportSummary:
    """
    A report as the queries return it: id, version and projection, without the events.
    """

    report_id: str
    version: int
    projection: ReportProjection


class SlaDue(NamedTuple):
    """
    A report whose SLA alert may be due, as :meth:`ReportRepository.sla_due` returns it: its
    id and its two stored SLA instants, nothing else (no projection to build).

    The instants are plain aware :class:`datetime.datetime` values (compare them with any
    aware instant), or ``None``; they are what the projection stored, not re-derived. A named
    tuple: a sweep builds tens of thousands of them.

    >>> import datetime as dt
    >>> due = SlaDue("r1", dt.datetime(2026, 1, 9, 1, tzinfo=dt.UTC), None)
    >>> due.is_breached(dt.datetime(2026, 1, 9, 2, tzinfo=dt.UTC))
    False
    """

    report_id: str
    at_risk_from: dt.datetime | None
    breached_from: dt.datetime | None

    def is_breached(self, at: dt.datetime) -> bool:
        """
        True when the report is breached at ``at`` (``breached_from <= at``); otherwise a
        report :meth:`ReportRepository.sla_due` returned is at risk at ``at``.
        """
        return self.breached_from is not None and self.breached_from <= at


@attrs.frozen(repr=False)
class StoredReport:
    """
    A report as loaded from storage: its projection and its whole event stream, oldest first.

    ``events`` are fresh dicts decoded from storage on every load: changing them changes nothing
    stored. ``version == len(events)``. An event stored with ``personal_data`` (see
    :meth:`layanan_aduan.domain.history.Event.to_dict`) reads with it, from the vault storage
    keeps it in apart (sealed by its cipher), until it is erased.
    """

    report_id: str
    version: int
    projection: ReportProjection
    events: tuple[dict[str, Any], ...]

    def __repr__(self) -> str:
        return (
            f"StoredReport(report_id={self.report_id!r}, version={self.version!r}, "
            f"projection={self.projection!r}, events=<{len(self.events)} events>)"
        )


@attrs.frozen(repr=False)
class ReportEvents:
    """
    A report's id and whole event stream, oldest first, without its projection: what
    :meth:`ReportRepository.received_between` lists (statistics read events only). The events
    come without their ``personal_data``: statistics never read a person's data.
    """

    report_id: str
    events: tuple[dict[str, Any], ...]

    def __repr__(self) -> str:
        return f"ReportEvents(report_id={self.report_id!r}, events=<{len(self.events)} events>)"


@attrs.frozen(repr=False)
class ReportTimeline:
    """
    A report's id and, for each of its events oldest first, the few values statistics read:
    what :meth:`ReportRepository.received_timelines` lists. Each row is
    :func:`layanan_aduan.domain.statistics.event_row` of the stored event (action, state
    after, ``at``, ``recorded_at``, actor's role, the payload's ``kind``, channel ``medium``,
    closing ``reason`` and ``rating``), a tuple or a list: nothing personal, no dict per event.
    """

    report_id: str
    rows: tuple[Sequence[Any], ...]

    def __repr__(self) -> str:
        return f"ReportTimeline(report_id={self.report_id!r}, rows=<{len(self.rows)} events>)"


@attrs.frozen
class PersonalErasure:
    """
    What :meth:`ReportRepository.erase_personal` deleted.

    Attributes:
        entries: The vault entries deleted (one per event that held personal values).
        orphaned_evidence: The SHA-256 digests of the report's evidence files that no other
            report names: the files the evidence store may now delete.
    """

    entries: int
    orphaned_evidence: tuple[str, ...]


@attrs.frozen
class Page(Generic[T]):
    """
    One page of a listing in a stable order; pass ``next_cursor`` as ``after`` for the next one.

    ``next_cursor`` is ``None`` on the last page. Cursors are opaque strings.
    """

    items: tuple[T, ...]
    next_cursor: str | None


class OutboxStatus(enum.StrEnum):
    """
    Where an outbox message is: waiting to be sent (again), sent, or given up (dead letter).
    """

    PENDING = "pending"
    SENT = "sent"
    DEAD = "dead"


@attrs.frozen(repr=False)
class OutboxMessage:
    """
    A notification waiting in, or done with, the transactional outbox.

    Attributes:
        key: The idempotency key: unique in the outbox, also the message's identifier.
        payload: The notification as the messaging layer wrote it (opaque to storage).
        report_id: The report it belongs to, if any.
        created_at: When it was put in the outbox (the instant of the step).
        status: Pending, sent or dead.
        attempts: Failed delivery attempts so far.
        next_attempt_at: Earliest instant of the next delivery attempt.
        claimed_until: While a dispatcher holds it, the end of its lease.
        claim_token: While a dispatcher holds it, the token of that lease (a fresh, opaque
            value for each :meth:`Outbox.claim_due` call): what :meth:`Outbox.renew` and
            :meth:`Outbox.mark_failed` check, so a dispatcher touches only its own lease.
        last_error: What the last failure said (written by the dispatcher, no personal data).
        sent_at: When it was sent.
        office: The code of the office whose desk put it (and whose business number sends
            it), or ``None`` for a storage used by one office only.
        provider_message_id: The channel's id of the message once sent (WhatsApp's
            ``wamid.…``, which embeds the recipient's number: never shown whole): what a reply
            names in its ``context.id``, found again with :meth:`Outbox.by_provider_id`.
    """

    key: str
    payload: dict[str, Any]
    report_id: str | None
    created_at: pendulum.DateTime
    status: OutboxStatus
    attempts: int
    next_attempt_at: pendulum.DateTime
    claimed_until: pendulum.DateTime | None = None
    last_error: str | None = None
    sent_at: pendulum.DateTime | None = None
    office: str | None = None
    claim_token: str | None = None
    provider_message_id: str | None = None

    def __repr__(self) -> str:
        # The payload carries personal data (telephone numbers, report text): never shown,
        # nor the provider's id (a wamid embeds the recipient's number).
        return (
            f"OutboxMessage(key={self.key!r}, office={self.office!r}, "
            f"status={self.status.value!r}, attempts={self.attempts!r}, "
            f"next_attempt_at={self.next_attempt_at!r})"
        )


def _count(_instance: Any, attribute: Any, value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise StorageInputError(
            f"{attribute.name} harus bilangan bulat nol atau lebih.",
            f"{attribute.name} must be an integer, zero or more.",
            code="invalid_count",
            field=attribute.name,
        )


@attrs.frozen
class SenderActivity:
    """
    What the inbox holds of one sender since an instant (:meth:`Inbox.activity`).

    Attributes:
        messages: Messages of the sender recorded since then.
        throttled: How many of them were taken while the sender flooded (recorded with
            ``throttled=True``: the desk's replies to them were held back).
    """

    messages: int = attrs.field(validator=_count)
    throttled: int = attrs.field(default=0, validator=_count)


@runtime_checkable
class ReportRepository(Protocol):
    """
    Port: the reports of one unit of work (reads see the unit's own uncommitted appends).

    Listings return pages in a stable order (the order reports were first stored) and take
    ``limit`` (1 to :data:`MAX_PAGE_SIZE`) and ``after`` (a cursor from a previous page).
    """

    def get(self, report_id: str, *, after: int = 0) -> StoredReport:
        """
        Load a report with its events; raise ``ReportNotFoundError`` when there is none.

        With ``after``, only the events after that version (``seq > after``) are read: a
        caller that holds the report verified up to ``after`` reads what was added since. The
        version and projection are always the stored ones.
        """
        ...

    def get_by_number(self, number: str, *, after: int = 0) -> StoredReport:
        """
        Load a report by its human-readable number; raise ``ReportNotFoundError`` when none.

        ``after`` as for :meth:`get`.
        """
        ...

    def append(
        self,
        report_id: str,
        expected_version: int,
        events: Sequence[Mapping[str, Any]],
        projection: ReportProjection,
    ) -> int:
        """
        Append the events of one step and replace the projection; return the new version.

        ``expected_version`` is the version the step was decided on (0 creates the report).
        When the stored version differs, raise ``ConcurrencyConflictError`` and change nothing.
        Events must be JSON objects (str keys; str, int, float, bool, None, lists and dicts).
        Creating a report takes at least one event; later, no events only replaces the
        projection (a number assigned, SLA instants recomputed), still checking the version.
        A number already held by another report raises ``DuplicateReportNumberError``.
        """
        ...

    def allocate_number(self, office: str, year: int) -> int:
        """
        Return the next report sequence number of ``office`` in ``year``, starting at 1.

        The counter moves only if the unit of work commits: numbers are gap-free.
        """
        ...

    def list_all(
        self,
        *,
        office: str | None = None,
        state: str | None = None,
        kind: str | None = None,
        open_only: bool = False,
        due_before: dt.datetime | None = None,
        limit: int = DEFAULT_PAGE_SIZE,
        after: str | None = None,
    ) -> Page[ReportSummary]:
        """
        List reports; every condition given must hold: of one ``office``, in one ``state``, of
        one ``kind``, ``open_only`` (the SLA clock not stopped: neither followed up nor
        closed), ``due_before`` (an SLA deadline before that instant, the clock not stopped).
        """
        ...

    def by_state(
        self,
        state: str,
        *,
        office: str | None = None,
        limit: int = DEFAULT_PAGE_SIZE,
        after: str | None = None,
    ) -> Page[ReportSummary]:
        """
        List the reports in ``state``.
        """
        ...

    def by_reporter(
        self,
        *,
        phone: str | None = None,
        user_id: str | None = None,
        office: str | None = None,
        limit: int = DEFAULT_PAGE_SIZE,
        after: str | None = None,
    ) -> Page[ReportSummary]:
        """
        List the reports of a reporter known by telephone (E.164) or WhatsApp user id, or both.

        With both, a report matches when either matches (a reporter first known by number may
        later write from a username). At least one is required. With ``office``, only that
        office's reports. Storage matches blind indexes, under every key its cipher holds.
        """
        ...

    def erase_personal(self, report_id: str) -> PersonalErasure:
        """
        Delete the personal data kept apart from the events of ``report_id`` (each event's
        ``personal_data``, its vault entry), clear the reporter's lookup keys, and keep its
        notifications without their payloads (a pending one is given up); say how many
        entries went and which evidence files no other report holds any more (0 and none the
        second time).

        Called in the unit of work that appends the report's ``erase_personal_data`` event:
        the events keep their hashes, so the history still verifies. Raise
        ``ReportNotFoundError`` when there is no such report.
        """
        ...

    def at_risk(
        self,
        at: pendulum.DateTime,
        *,
        office: str | None = None,
        limit: int = DEFAULT_PAGE_SIZE,
        after: str | None = None,
    ) -> Page[ReportSummary]:
        """
        List the reports at risk (not breached) at ``at`` (:meth:`ReportProjection.is_at_risk`).
        """
        ...

    def breached(
        self,
        at: pendulum.DateTime,
        *,
        office: str | None = None,
        limit: int = DEFAULT_PAGE_SIZE,
        after: str | None = None,
    ) -> Page[ReportSummary]:
        """
        List the reports breached at ``at`` (see :meth:`ReportProjection.is_breached`).
        """
        ...

    def sla_due(self, at: pendulum.DateTime, *, office: str | None = None) -> tuple[SlaDue, ...]:
        """
        Every report at risk or breached at ``at`` (the union of :meth:`at_risk` and
        :meth:`breached`, with ``office``: of that office), in the order reports were first
        stored: ids and the two SLA instants only, all at once (the SLA watch's sweep).
        """
        ...

    def add_audit_record(
        self, report_id: str, record: Mapping[str, Any], *, recorded_at: pendulum.DateTime
    ) -> int:
        """
        Append a JSON object to the report's audit log, beside its event stream; return its
        sequence number (1, 2, ...).

        The audit log records what the service did to a report without being a step of it
        (e.g. a deadline re-projected with a new calendar): it is append-only, commits with
        the unit of work, and changes neither the version nor the history. A report that is
        not stored raises ``ReportNotFoundError``.
        """
        ...

    def audit_records(self, report_id: str) -> tuple[dict[str, Any], ...]:
        """
        The report's audit log, oldest first: each record as appended, with ``seq`` and
        ``recorded_at`` (ISO 8601, UTC) added. Empty for a report with none.
        """
        ...

    def received_between(
        self,
        start: dt.datetime,
        end: dt.datetime,
        *,
        office: str | None = None,
        limit: int = DEFAULT_PAGE_SIZE,
        after: str | None = None,
    ) -> Page[ReportEvents]:
        """
        List the reports received in the half-open span ``[start, end)`` (their projection's
        ``received_at``), of one ``office`` when given, with their events and without their
        projections, in the order they were first stored: what period statistics read. A
        report without ``received_at`` is never listed. ``start`` after ``end`` raises
        ``StorageInputError``.
        """
        ...

    def received_timelines(
        self,
        start: dt.datetime,
        end: dt.datetime,
        *,
        office: str | None = None,
        limit: int = DEFAULT_PAGE_SIZE,
        after: str | None = None,
    ) -> Page[ReportTimeline]:
        """
        Like :meth:`received_between` (the same reports, order, cursors and refusals), giving
        each report's event rows (:class:`ReportTimeline`) instead of its events: the narrow
        read that period statistics make, which an adapter may answer from its query
        language without reading whole events.
        """
        ...

    def stale_projections(
        self,
        calendar_fingerprint: str,
        *,
        office: str | None = None,
        limit: int = DEFAULT_PAGE_SIZE,
        after: str | None = None,
    ) -> Page[ReportSummary]:
        """
        List the open reports (SLA clock not stopped) whose projection was computed with
        another calendar: its ``calendar_fingerprint`` differs from the one given, or is
        unknown (``None``).
        """
        ...


@runtime_checkable
class OutboxWriter(Protocol):
    """
    Port: the outbox as a unit of work sees it: notifications committed with the step.
    """

    def put(
        self,
        key: str,
        payload: Mapping[str, Any],
        *,
        created_at: pendulum.DateTime,
        report_id: str | None = None,
        not_before: pendulum.DateTime | None = None,
        office: str | None = None,
    ) -> bool:
        """
        Add a notification; return False when ``key`` is already there with the same payload.

        The same key with a different payload raises ``IdempotencyKeyConflictError``. The
        message becomes due at ``not_before`` (default: ``created_at``). ``office`` is the
        code of the office that sends it (see :attr:`OutboxMessage.office`).
        """
        ...


@runtime_checkable
class Inbox(Protocol):
    """
    Port: inbound message ids already handled, for idempotent ingestion of redelivered webhooks.
    """

    def record(
        self,
        message_id: str,
        *,
        received_at: pendulum.DateTime,
        report_id: str | None = None,
        office: str | None = None,
        sender: str | None = None,
        throttled: bool = False,
    ) -> bool:
        """
        Record ``message_id`` as handled (by ``office``'s desk); False when already recorded.

        Message ids are unique across business numbers, so the record is too: a message is
        taken once whichever desk sees it. ``sender`` is an opaque key of who sent it (the
        desk gives a digest, never the number itself) and ``throttled`` says the message was
        taken while its sender flooded; :meth:`activity` counts them.
        """
        ...

    def activity(
        self, *, sender: str, since: dt.datetime, office: str | None = None
    ) -> SenderActivity:
        """
        Count the messages of ``sender`` recorded with a ``received_at`` strictly after
        ``since`` (with ``office``, only that office's), and how many of them were throttled.

        An indexed lookup (office, sender, instant): its cost follows the sender's recent
        messages, not the inbox's size.
        """
        ...

    def report_of(self, message_id: str) -> str | None:
        """
        Return the report id recorded with ``message_id``; ``None`` when unknown or none given.
        """
        ...

    def seen(self, message_id: str) -> bool:
        """
        True when ``message_id`` was recorded.
        """
        ...


@runtime_checkable
class UnitOfWork(Protocol):
    """
    Port: one atomic transaction over reports, the outbox and the inbox.

    Use it as a context manager and call :meth:`commit`; leaving the block without committing
    (or with an exception) rolls everything back. A unit of work is used once.
    """

    @property
    def reports(self) -> ReportRepository:
        """
        The reports seen by this unit of work.
        """
        ...

    @property
    def outbox(self) -> OutboxWriter:
        """
        The outbox: messages put here are committed with the step.
        """
        ...

    @property
    def inbox(self) -> Inbox:
        """
        Inbound message ids already handled.
        """
        ...

    def lock(self, name: str) -> None:
        """
        Hold an exclusive lock on ``name`` (e.g. one sender of one office) until this unit of
        work ends: a writing unit of work of any thread or process that asks for the same
        name waits for this one to commit or roll back, and then reads what it committed.

        Only a writing unit of work takes a lock. Adapters whose writers are serialised
        already (in-memory, SQLite) answer at once; PostgreSQL takes a transaction-scoped
        advisory lock, so two webhooks of one sender at read committed make one report (at
        serializable the waiter reads its snapshot from before the wait, and a conflicting
        write is refused at commit with ``serialization_conflict`` instead).
        """
        ...

    def commit(self) -> None:
        """
        Make every change of this unit of work durable, all or nothing.
        """
        ...

    def rollback(self) -> None:
        """
        Discard every change of this unit of work.
        """
        ...

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...


@runtime_checkable
class Outbox(Protocol):
    """
    Port: the outbox as the dispatcher sees it. Every call is its own transaction (so do not
    call it inside a writing unit of work of the same storage: it would wait for that one).

    A message is ``pending`` until sent; :meth:`claim_due` leases due messages to one
    dispatcher; :meth:`mark_failed` schedules the next attempt or, after ``max_attempts``
    failures, moves the message to ``dead``; :meth:`retry` puts a dead letter back.

    A lease names its holder by a claim token (``OutboxMessage.claim_token``). A dispatcher
    that sends a leased batch one message at a time calls :meth:`renew` immediately before
    each send: the renewal is a conditional update that succeeds only while the token is
    still the message's, so once another dispatcher has claimed the message (after the first
    lease ran out) the first one learns it and does not send. Two live dispatchers therefore
    never send the same message, provided one send takes less than ``lease_seconds``.
    """

    def claim_due(
        self,
        now: pendulum.DateTime,
        *,
        limit: int = 10,
        lease_seconds: int = 300,
        office: str | None = None,
    ) -> list[OutboxMessage]:
        """
        Lease up to ``limit`` pending messages due at ``now`` and not leased, oldest first
        (with ``office``, only that office's).

        A leased message is not claimed again until ``now + lease_seconds`` has passed, so a
        dispatcher that dies mid-send lets another one take over: delivery is at least once.
        Every message of one call carries the same new ``claim_token``.
        """
        ...

    def renew(
        self, key: str, *, claim: str, at: pendulum.DateTime, lease_seconds: int = 300
    ) -> bool:
        """
        Extend the lease ``claim`` holds on ``key`` to ``at + lease_seconds``, atomically.

        True when the message is pending and ``claim`` is still its claim token (even when the
        lease has run out, as long as nobody claimed the message since); False, changing
        nothing, when another dispatcher holds it now, or it was sent, failed or dead-lettered
        since. Raises ``OutboxMessageNotFoundError`` when there is no such message.
        """
        ...

    def mark_sent(
        self, key: str, *, at: pendulum.DateTime, provider_message_id: str | None = None
    ) -> OutboxMessage:
        """
        Record that the message was sent, with the channel's id for it when known (the
        ``provider_message_id`` of :class:`~layanan_aduan.messaging.SendResult`, or of a
        status callback). Marking a sent message again changes nothing, except that a
        provider id is recorded on a sent message that has none yet.
        """
        ...

    def by_provider_id(
        self, provider_message_id: str, *, office: str | None
    ) -> OutboxMessage | None:
        """
        The sent message the channel knows as ``provider_message_id``, of ``office``
        (``None``: any office, for a storage used by one office only); ``None`` when there
        is none. When a faulty channel gave two messages the same id, the newest one.

        An indexed lookup (office, provider id): how a reply's ``context.id`` finds the
        message it answers.
        """
        ...

    def mark_failed(
        self,
        key: str,
        *,
        at: pendulum.DateTime,
        error: str,
        next_attempt_at: pendulum.DateTime | None,
        max_attempts: int,
        claim: str | None = None,
    ) -> OutboxMessage:
        """
        Record a failed attempt; dead-letter after ``max_attempts`` or when no next attempt.

        A message already sent is returned unchanged (a late failure report is harmless). With
        ``claim``, the failure is recorded only while ``claim`` is the message's claim token;
        otherwise ``OutboxLeaseLostError`` is raised and nothing changes (the lease, which
        another dispatcher may hold now, is not released). Without ``claim`` (an operator's
        call) a dead letter raises ``OutboxStateError``.
        """
        ...

    def dead_letters(
        self, *, office: str | None = None, limit: int = DEFAULT_PAGE_SIZE, after: str | None = None
    ) -> Page[OutboxMessage]:
        """
        List the dead letters, oldest first (with ``office``, only that office's).
        """
        ...

    def list(
        self,
        *,
        status: OutboxStatus | None = None,
        office: str | None = None,
        limit: int = DEFAULT_PAGE_SIZE,
        after: str | None = None,
        report_id: str | None = None,
    ) -> Page[OutboxMessage]:
        """
        List messages in the order they were put, optionally of one status, one office and one
        report: what an operator reads (nothing is leased or changed).

        With ``report_id``, only that report's messages: an indexed lookup (report, order put)
        whose cost follows the report's notifications, not the outbox's size (what the evidence
        pack and a subject access export read).
        """
        ...

    def retry(self, key: str, *, at: pendulum.DateTime) -> OutboxMessage:
        """
        Put a dead letter back to pending, due at ``at``, with its attempt count reset.
        """
        ...

    def get(self, key: str) -> OutboxMessage:
        """
        Return one message; raise ``OutboxMessageNotFoundError`` when there is none.
        """
        ...

    def counts(self, *, office: str | None = None) -> dict[OutboxStatus, int]:
        """
        Count the messages in each status (with ``office``, only that office's).
        """
        ...

    def stored_keys(self, keys: Iterable[str]) -> frozenset[str]:
        """
        The keys among ``keys`` that name a message in the outbox, whatever its status: one
        bulk lookup (what :meth:`get` answers key by key, without building the messages).
        """
        ...


@attrs.frozen(repr=False)
class ReceivedWebhook:
    """
    One webhook body as it was received, before (or after) it was ingested.

    Attributes:
        webhook_id: The store's id for it (increasing in the order received).
        route: Where it was routed when received (the offices' codes, comma-separated).
        received_at: When it was received, by the clock port (never the payload's claim).
        body: The raw bytes exactly as received (their signature was checked on receipt),
            kept (sealed by the storage's cipher) until it is ingested; empty afterwards:
            the reports and the inbox hold what was taken from it.
        processed_at: When it was ingested; ``None`` while it waits.
    """

    webhook_id: int
    route: str
    received_at: pendulum.DateTime
    body: bytes
    processed_at: pendulum.DateTime | None = None

    def __repr__(self) -> str:
        # The body holds personal data (numbers, names, texts): only its size is shown.
        return (
            f"ReceivedWebhook(webhook_id={self.webhook_id}, route={self.route!r}, "
            f"bytes={len(self.body)}, processed={self.processed_at is not None})"
        )


@runtime_checkable
class ReceivedWebhooks(Protocol):
    """
    Port: the webhook bodies a service received, kept until they are ingested.

    An HTTP endpoint records a body (one transaction) before it answers 200, and ingests it
    afterwards; after a crash it ingests every body still unprocessed. Ingesting twice is
    harmless (the inbox dedupes message ids), so the store needs no lease. Every call is its
    own transaction.
    """

    def record(self, body: bytes, *, route: str, received_at: pendulum.DateTime) -> int:
        """
        Store a body, unprocessed; return its id.
        """
        ...

    def record_many(
        self, bodies: Sequence[tuple[bytes, str]], *, received_at: pendulum.DateTime
    ) -> list[int]:
        """
        Store several ``(body, route)`` pairs in one transaction (one flush to disk for all of
        them); return their ids in the same order. All are stored or none.
        """
        ...

    def unprocessed(
        self, *, limit: int = DEFAULT_PAGE_SIZE, after: int | None = None
    ) -> list[ReceivedWebhook]:
        """
        The oldest unprocessed bodies, in the order received (with ``after``, only those with
        a greater id: a caller skipping one it cannot ingest yet pages on past it).
        """
        ...

    def mark_processed(self, webhook_id: int, *, at: pendulum.DateTime) -> None:
        """
        Record that the body was ingested and forget its bytes: they held the sender's
        number, name and words, which the reports now keep (and can erase). Marking it again
        changes nothing.
        """
        ...

    def get(self, webhook_id: int) -> ReceivedWebhook:
        """
        One body; raise ``WebhookNotFoundError`` when there is none.
        """
        ...

    def count(self, *, processed: bool | None = None) -> int:
        """
        How many bodies are stored (only the processed, or unprocessed, ones when given).
        """
        ...


def _run_counts(value: Mapping[str, int]) -> dict[str, int]:
    out: dict[str, int] = {}
    for key, n in dict(value).items():
        if not isinstance(key, str) or isinstance(n, bool) or not isinstance(n, int) or n < 0:
            raise StorageInputError(
                "Hitungan pelaksanaan retensi harus nama dan bilangan bulat nol atau lebih.",
                "A retention run's counts must be names and integers, zero or more.",
                code="invalid_count",
                field="counts",
            )
        out[key] = n
    return out


def _run_reports(value: Iterable[Mapping[str, Any]]) -> tuple[dict[str, Any], ...]:
    return tuple(dict(item) for item in value)


def _run_policy(value: Mapping[str, Any]) -> dict[str, Any]:
    return dict(value)


def _started_at(value: dt.datetime) -> pendulum.DateTime:
    return _utc(value, "started_at")


def _finished_at(value: dt.datetime) -> pendulum.DateTime:
    return _utc(value, "finished_at")


@attrs.frozen
class RetentionRun:
    """
    One run of the retention job (``layanan-aduan retensi``), dry or not, as recorded.

    It names reports by id and number only: never a personal value.

    Attributes:
        started_at: When the run started (the clock port's instant), in UTC.
        finished_at: When it finished, in UTC.
        actor_id: Who ran it (a staff id, or ``"system"`` for a scheduled job).
        dry_run: True when it only listed what was due.
        policy: The retention policy applied (``personal_data_days``, ``evidence_days``).
        counts: What it counted (``due``, ``held``, ``erased``, ``failed``, ...).
        reports: The reports it erased (or, for a dry run, would erase): each a JSON object
            with ``report_id`` and ``number``, and what was erased.
        office: The office whose reports it swept, or ``None`` for every office.
        run_id: The store's id for it (increasing), ``None`` until recorded.
    """

    started_at: pendulum.DateTime = attrs.field(converter=_started_at)
    finished_at: pendulum.DateTime = attrs.field(converter=_finished_at)
    actor_id: str = attrs.field(validator=_text_or_none("actor_id", 200))
    dry_run: bool = attrs.field(validator=attrs.validators.instance_of(bool))
    policy: dict[str, Any] = attrs.field(converter=_run_policy)
    counts: dict[str, int] = attrs.field(converter=_run_counts)
    reports: tuple[dict[str, Any], ...] = attrs.field(converter=_run_reports, default=())
    office: str | None = attrs.field(default=None, validator=_text_or_none("office", 64))
    run_id: int | None = None


@runtime_checkable
class RetentionRuns(Protocol):
    """
    Port: the record of every retention run. Every call is its own transaction.
    """

    def record(self, run: RetentionRun) -> int:
        """
        Store a run; return its id (increasing). ``run.run_id`` is ignored.
        """
        ...

    def recent(
        self,
        *,
        office: str | None = None,
        limit: int = DEFAULT_PAGE_SIZE,
        before: int | None = None,
    ) -> list[RetentionRun]:
        """
        The newest runs first (with ``office``, only the runs of that office; with ``before``,
        only those with a smaller id: the next page).
        """
        ...


@runtime_checkable
class Storage(Protocol):
    """
    Port: a report storage. Hands out units of work and the dispatcher's view of the outbox.
    """

    def unit_of_work(self, *, read_only: bool = False) -> UnitOfWork:
        """
        Start a unit of work. A read-only one refuses changes and never blocks writers.
        """
        ...

    @property
    def outbox(self) -> Outbox:
        """
        The dispatcher's view of the outbox.
        """
        ...

    @property
    def webhooks(self) -> ReceivedWebhooks:
        """
        The webhook bodies received and not yet (or already) ingested.
        """
        ...

    @property
    def retention_runs(self) -> RetentionRuns:
        """
        The record of the retention job's runs.
        """
        ...

    def ping(self) -> None:
        """
        Health check: return when the storage answers, else raise ``StorageUnavailableError``.
        """
        ...

    def close(self) -> None:
        """
        Release connections and files. Closing twice is harmless.
        """
        ...


@runtime_checkable
class EvidenceStore(Protocol):
    """
    Port: evidence files, content-addressed by their SHA-256 digest (lowercase hex).

    Bytes are written atomically and checked against their digest on every read. Names are
    digests, never anything a user sent.
    """

    def put(self, data: bytes) -> str:
        """
        Store ``data`` and return its SHA-256 hex digest; storing it again changes nothing.
        """
        ...

    def put_stream(self, stream: IO[bytes]) -> str:
        """
        Store the bytes read from ``stream`` (a binary file, from its position to its end)
        and return their SHA-256 hex digest, computed while reading; storing them again
        changes nothing. They are read and written in pieces, never whole into memory
        (unless memory is where the store keeps them). The stream is not closed.
        """
        ...

    def get(self, digest: str) -> bytes:
        """
        Return the bytes; raise ``EvidenceNotFoundError`` or ``EvidenceCorruptedError``.
        """
        ...

    def contains(self, digest: str) -> bool:
        """
        True when a file with this digest is stored (its content is not checked).
        """
        ...

    def delete(self, digest: str) -> bool:
        """
        Delete the file with this digest (its report's personal data was erased, and no
        other report names it); True when there was one, False when there was none.
        Durable when it returns.
        """
        ...

    def ping(self) -> None:
        """
        Health check: return when the store is usable, else raise ``StorageUnavailableError``.
        """
        ...
