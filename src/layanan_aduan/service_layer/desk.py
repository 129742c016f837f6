"""
The desk: the service layer that turns WhatsApp messages into reports and runs the five steps.

A :class:`Desk` is built from its ports by the composition root
(:func:`layanan_aduan.service_layer.bootstrap.compose`); it holds no connection of its own.
Each operation is one unit of work of the storage: the report's new events, its projection
and the notifications the step causes are committed together or not at all, so a
notification is never lost and never put twice (its idempotency key names the report, the
event and the notification). The dispatcher (:mod:`layanan_aduan.service_layer.dispatcher`)
sends them afterwards.

- :meth:`Desk.ingest` takes a parsed webhook: each message is taken once (the storage
  inbox records its id in the same unit of work), one sender's messages of a batch sent
  within the draft window make one report, media are fetched through the media port,
  checked with :func:`~layanan_aduan.domain.evidence.inspect_evidence` and kept in the
  evidence store. The reporter's contact comes from the sender (the domain never fills it
  itself); name, NIK, address and e-mail from ``Nama:``, ``NIK:``, ``Alamat:``,
  ``Email:`` lines of the text, the kind from a ``Jenis:`` line, else a request for
  information when the text plainly asks and alleges nothing
  (:func:`~layanan_aduan.domain.kinds.recognise_kind`), else ``aduan``; the officer corrects
  it with :meth:`Desk.correct_kind`.
  A new report gets its number and the acknowledgement (number and deadline), and the
  list of what is missing when something is; a message from a sender whose report awaits
  completion completes it instead. WhatsApp delivers the text and the screenshot sent after
  it in separate webhooks: a message from a sender whose most recent report is still
  ``submitted`` (no officer has received it) and within the draft window of its last
  message is added to it (``add_to_submission``) with no second acknowledgement; the
  reporter hears again only when what is missing changed and something still is.
- :meth:`Desk.receive`, :meth:`Desk.forward`, :meth:`Desk.give_direction`,
  :meth:`Desk.deliver_follow_up` (steps 2 to 5), :meth:`Desk.request_completion` and
  :meth:`Desk.close` take the acting person's staff id; the role is never taken on trust:
  the office's staff directory must give them the step's role at the clock's instant
  (:func:`~layanan_aduan.domain.staff.authorize`: officers for the officer's steps, whoever
  holds the section head's duties, a Plh on their dates, for the direction), and the
  reporter never acts as staff on their own report. The events record who, the workflow
  role and the directory role (``actor_staff_role``).
- The handover and the SLA alerts go to whoever holds the section head's duties at that
  instant (the Plh on their dates); with ``escalate_breaches_to_office_head`` a breach
  alert also goes to the office head.
- :meth:`Desk.sweep_sla` enqueues the at-risk and breached alerts (and, on a breach, the
  channel for complaints about the service) once per report.
- :meth:`Desk.record_statuses` marks outbox messages sent when WhatsApp confirms them.

A refused operation raises the library's typed error and changes nothing.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import logging
import re
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Final, Literal, TypeVar

import attrs
import pendulum

from layanan_aduan.clock import Clock
from layanan_aduan.domain.evidence import (
    DEFAULT_LIMITS,
    EvidenceFile,
    EvidenceLimits,
    inspect_evidence,
)
from layanan_aduan.domain.history import Event
from layanan_aduan.domain.intents import (
    StatusQuestion,
    is_greeting,
    staff_direction,
    status_question,
)
from layanan_aduan.domain.kinds import recognise_kind
from layanan_aduan.domain.report import Actor, CloseReason, Report, ReporterDetails, ReportKind
from layanan_aduan.domain.staff import StaffMember, StaffRole, authorize
from layanan_aduan.domain.standard import ServiceStandard
from layanan_aduan.domain.workflow import Action, ReportState, Role
from layanan_aduan.domain.worktime import (
    DEFAULT_SLA_THRESHOLDS,
    SlaStatus,
    SlaThresholds,
    WorkingTime,
)
from layanan_aduan.drafts import DEFAULT_DRAFT_WINDOW, Draft, DraftAssembler
from layanan_aduan.exceptions import (
    IdempotencyKeyConflictError,
    InvalidMessageError,
    InvalidTypeError,
    MediaFetchError,
    OutboxMessageNotFoundError,
    OutboxStateError,
    ReportInputError,
    ReportNotFoundError,
    StaffAuthorizationError,
    StaffRoleVacantError,
    StorageInputError,
    TransitionNotAllowedError,
    UnknownBusinessNumberError,
)
from layanan_aduan.messaging import MediaFetcher, Recipient
from layanan_aduan.notifications import (
    Language,
    NotificationKind,
    NotificationRenderer,
    RenderedNotification,
)
from layanan_aduan.ports import (
    DEFAULT_PAGE_SIZE,
    EvidenceStore,
    OutboxStatus,
    Page,
    ReportRepository,
    ReportSummary,
    StaffDirectory,
    Storage,
    UnitOfWork,
)
from layanan_aduan.ports.inbound import (
    DeliveryStatus,
    InboundMessage,
    ParsedWebhook,
    Sender,
    SkippedItem,
    StatusUpdate,
)
from layanan_aduan.privacy import mask
from layanan_aduan.service_layer.report_stream import (
    assign_report_number,
    load_report,
    load_report_by_number,
    project,
    save_report,
)

__all__ = [
    "REPORT_ID_NAMESPACE",
    "Desk",
    "IngestResult",
    "OutboxEntry",
    "ReportLine",
    "SlaState",
    "StepResult",
    "parse_details",
]

_log = logging.getLogger("layanan_aduan.desk")

#: The namespace of report ids: a report's id is ``uuid5`` of its first message's id, so a
#: redelivered batch can never make a second report.
REPORT_ID_NAMESPACE: Final = uuid.UUID("6f1c3f4e-58a5-4f0e-9d5c-3b8f0c2a7d11")

_FIELD_LINE = re.compile(
    r"^\s*(nama(?:\s+lengkap)?|nik|alamat|e-?mail|jenis)\s*[:=]\s*(.*?)\s*$", re.IGNORECASE
)
_KINDS = {
    "laporan": ReportKind.LAPORAN,
    "aduan": ReportKind.ADUAN,
    "permohonan informasi": ReportKind.PERMOHONAN_INFORMASI,
    "permohonan_informasi": ReportKind.PERMOHONAN_INFORMASI,
    "informasi": ReportKind.PERMOHONAN_INFORMASI,
}
_PAGE = 500
#: A sender who sends what the service cannot use is answered at most once in this many seconds.
_UNUSABLE_WINDOW_SECONDS: Final = 600
_T = TypeVar("_T")


def _digits(number: str) -> str:
    return "".join(ch for ch in number if ch.isdigit())


def _every(fetch: Callable[[str | None], Page[_T]]) -> Iterator[_T]:
    """
    Every item of a paged listing: ``fetch(after)`` is called until the last page.
    """
    after: str | None = None
    while True:
        page = fetch(after)
        yield from page.items
        if page.next_cursor is None:
            return
        after = page.next_cursor


def parse_details(text: str) -> tuple[ReporterDetails, ReportKind | None, str]:
    """
    Read the reporter's ``Nama:``, ``NIK:``, ``Alamat:``, ``Email:`` and ``Jenis:`` lines.

    Returns:
        The details found, the kind (``None`` when no ``Jenis:`` line names one), and the
        remaining text (the report itself).

    >>> details, kind, rest = parse_details(
    ...     "Nama: Budi Santoso\\nNIK: 3171010101900001\\nJenis: laporan\\nAda pungli."
    ... )
    >>> details
    ReporterDetails(name='B*** S******', nik='3171********0001', phone=None,
                    whatsapp_user_id=None, address=None, email=None)
    >>> kind, rest
    (<ReportKind.LAPORAN: 'laporan'>, 'Ada pungli.')

    Raises:
        InvalidTypeError: ``text`` is not text.
    """
    if not isinstance(text, str):
        raise InvalidTypeError(
            "Isi pesan harus berupa teks.",
            "The message must be text.",
            field="text",
            details={"type": type(text).__name__},
        )
    found: dict[str, str] = {}
    kind: ReportKind | None = None
    rest: list[str] = []
    for line in text.splitlines():
        match = _FIELD_LINE.match(line)
        if match is None or not match.group(2):
            rest.append(line)
            continue
        key, value = match.group(1).lower(), match.group(2)
        if key.startswith("nama"):
            found["name"] = value
        elif key == "nik":
            found["nik"] = value
        elif key == "alamat":
            found["address"] = value
        elif key.startswith("e"):
            found["email"] = value
        else:
            kind = _KINDS.get(value.lower().strip(" ."), kind)
    return ReporterDetails(**found), kind, "\n".join(rest).strip()


class SlaState(enum.StrEnum):
    """
    A report's SLA status at an instant, as the desk lists it.
    """

    ON_TIME = "on_time"
    AT_RISK = "at_risk"
    BREACHED = "breached"
    PAUSED = "paused"
    STOPPED = "stopped"

    @property
    def label(self) -> str:
        """
        The Indonesian label.
        """
        return _SLA_LABELS[self]


_SLA_LABELS = {
    SlaState.ON_TIME: "tepat waktu",
    SlaState.AT_RISK: "mendekati batas",
    SlaState.BREACHED: "terlambat",
    SlaState.PAUSED: "menunggu pelapor",
    SlaState.STOPPED: "selesai",
}


@attrs.frozen
class OutboxEntry:
    """
    A notification the desk put in the outbox.

    Attributes:
        key: Its idempotency key.
        kind: Which notification.
    """

    key: str
    kind: NotificationKind


@attrs.frozen
class StepResult:
    """
    What one step did: the report after it and the notifications it enqueued.

    Attributes:
        report_id: The report's id.
        number: The report number.
        state: The state after the step.
        actions: The actions recorded, in order.
        notifications: The notifications put in the outbox, in order.
        version: The report's version in storage after the step (its number of events):
            the ``expected_version`` a caller's next step is decided on.
    """

    report_id: str
    number: str | None
    state: ReportState
    actions: tuple[str, ...]
    notifications: tuple[OutboxEntry, ...]
    version: int


@attrs.frozen
class IngestResult:
    """
    What :meth:`Desk.ingest` made of a webhook.

    Attributes:
        steps: One result per report made, added to or completed, in order.
        duplicates: Messages already taken before (redeliveries), skipped.
        ignored: Messages taken but not made into a report: nothing new for an open
            report, or input no report can hold (logged by its code).
        statuses: Status callbacks applied to the outbox.
        refused: Messages refused alone, not taken: an id the storage cannot hold (a control
            character, too long). Their siblings in the webhook are taken; a redelivery
            refuses them again, alone, and fails on nothing.
        answers: The outbox keys of the answers to reporters' questions about their reports
            (``status:<message id>``): a question makes no report.
    """

    steps: tuple[StepResult, ...] = ()
    duplicates: int = 0
    ignored: int = 0
    statuses: int = 0
    refused: int = 0
    answers: tuple[str, ...] = ()


@attrs.frozen
class ReportLine:
    """
    One report as :meth:`Desk.list_reports` lists it (no personal data).

    Attributes:
        report_id: The id.
        number: The number.
        state: The workflow state.
        received_at: When it arrived.
        deadline: Its SLA deadline (``None`` once stopped), in the office's time zone.
        sla: Its SLA status at the instant asked.
        kind: The report's kind (``laporan``, ``aduan``, ``permohonan_informasi``), when known.
    """

    report_id: str
    number: str | None
    state: str
    received_at: pendulum.DateTime | None
    deadline: pendulum.DateTime | None
    sla: SlaState
    kind: str | None = None


def _sla_state(summary: ReportSummary, at: pendulum.DateTime) -> SlaState:
    p = summary.projection
    if p.sla_stopped:
        return SlaState.STOPPED
    if p.is_breached(at):
        return SlaState.BREACHED
    if p.sla_paused:
        return SlaState.PAUSED
    if p.is_at_risk(at):
        return SlaState.AT_RISK
    return SlaState.ON_TIME


def _reporter_id(message: InboundMessage) -> str:
    # The phone number when WhatsApp gives it, so the id matches the report's contact.
    sender = message.sender
    return sender.phone if sender.phone is not None else sender.key


@attrs.frozen
class _Answered:
    # A question answered: how many messages it took, and the answer's outbox key.
    messages: int
    key: str


@attrs.frozen
class _Media:
    content: bytes
    file_name: str | None


def _missing_in(event: Event, language: str = "id") -> list[str]:
    field = "message_en" if language == "en" else "message"
    items: list[str] = []
    for p in event.payload.get("problems", ()):
        if p["blocking"] and p[field] not in items:
            items.append(p[field])
    return items


def _missing_before(report: Report, event: Event, language: str = "id") -> list[str]:
    # What the last requirements check before ``event`` found missing.
    for earlier in reversed(report.events[: event.seq - 1]):
        if "problems" in earlier.payload:
            return _missing_in(earlier, language)
    return []


class Desk:
    #: How far ahead of the clock a message's own timestamp is still believed.
    CLOCK_SKEW: Final = dt.timedelta(minutes=5)
    #: How far back a message's own timestamp is believed: WhatsApp redelivers for 7 days.
    REDELIVERY_WINDOW: Final = dt.timedelta(days=7)

    """
    The service desk over its ports (build it with
    :func:`~layanan_aduan.service_layer.bootstrap.compose`).

    Args:
        storage: Reports, outbox and inbox.
        evidence: Where evidence files are kept.
        media: Fetches inbound media.
        clock: The current instant.
        standard: The service standard (office code, completion time, complaint channel).
        working_time: The office's working-time engine.
        staff: The office's staff directory: who may take which step, and where the section
            head's (and the office head's) notifications go. A step that would notify a
            role nobody holds is refused (``StaffRoleVacantError``).
        renderer: The notification templates (the standard's office by default).
        draft_window: How close one sender's messages must be to make one report: within
            a batch, and across webhooks while the report is still ``submitted``.
        limits: Evidence size limits.
        escalate_breaches_to_office_head: Also send each breach alert to the office head
            (Kepala Kejaksaan Negeri), when the directory has one.
        business_numbers: The office's business numbers as the channel names them (the
            WhatsApp ``phone_number_id``, or a display number); the office's own WhatsApp
            number always belongs. :meth:`ingest` refuses a webhook sent to any other.
        thresholds: When a running SLA clock counts as at risk (the sweep's first alert).
        language: The language of the notifications (``"id"``, or ``"en"``).
        clock_skew: How far in the future a message's own timestamp is believed (see
            :meth:`bounded`).
        redelivery_window: How old a message's own timestamp is believed.

    A desk is bound to the office of its standard (``standard.office.code``): it stores every
    report, outbox message and inbox entry as that office's, and its steps, listings and
    sweeps see that office's reports only; another office's report is not found.
    """

    def __init__(
        self,
        *,
        storage: Storage,
        evidence: EvidenceStore,
        media: MediaFetcher,
        clock: Clock,
        standard: ServiceStandard,
        working_time: WorkingTime,
        staff: StaffDirectory,
        renderer: NotificationRenderer | None = None,
        draft_window: dt.timedelta = DEFAULT_DRAFT_WINDOW,
        limits: EvidenceLimits = DEFAULT_LIMITS,
        business_numbers: Iterable[str] = (),
        thresholds: SlaThresholds = DEFAULT_SLA_THRESHOLDS,
        escalate_breaches_to_office_head: bool = False,
        language: Language = "id",
        clock_skew: dt.timedelta = CLOCK_SKEW,
        redelivery_window: dt.timedelta = REDELIVERY_WINDOW,
    ) -> None:
        self.storage = storage
        self.thresholds = thresholds
        self.clock_skew = clock_skew
        self.redelivery_window = redelivery_window
        self.language: Language = language
        self.evidence = evidence
        self.media = media
        self.clock = clock
        self.standard = standard
        self.working_time = working_time
        self.staff = staff
        self.escalate_breaches_to_office_head = escalate_breaches_to_office_head
        self.renderer = renderer if renderer is not None else NotificationRenderer(standard)
        self.draft_window = draft_window
        self.limits = limits
        self.office = standard.office.code
        given = tuple(business_numbers)
        #: The channel's ids of the office's numbers (WhatsApp's ``phone_number_id``).
        self.business_numbers = frozenset(n for n in given if not n.startswith("+"))
        displays = {standard.office.whatsapp, *(n for n in given if n.startswith("+"))}
        self._number_digits = frozenset(_digits(n) for n in displays if _digits(n))

    def owns(self, phone_number_id: str | None, display_phone_number: str | None = None) -> bool:
        """
        Whether a message sent to this business number (as the channel names it) is this
        office's.

        The channel's number id decides when the desk knows its ids (``business_numbers``);
        otherwise the displayed number must be one of the office's (its WhatsApp number, or
        an E.164 number given in ``business_numbers``). A message that names no number at all
        (a channel without numbers) is the office's.
        """
        if phone_number_id is None and display_phone_number is None:
            return True
        if phone_number_id is not None and self.business_numbers:
            return phone_number_id in self.business_numbers
        digits = None if display_phone_number is None else _digits(display_phone_number)
        return bool(digits) and digits in self._number_digits

    def _check_numbers(self, parsed: ParsedWebhook) -> None:
        numbers = [(m.phone_number_id, m.display_phone_number) for m in parsed.messages] + [
            (st.phone_number_id, st.display_phone_number) for st in parsed.statuses
        ]
        foreign = [n for n in numbers if not self.owns(*n)]
        if foreign:
            _log.warning(
                "webhook refused: %d item(s) for another business number (office %s)",
                len(foreign),
                self.office,
            )
            raise UnknownBusinessNumberError(
                f"Webhook ini dikirim ke nomor layanan yang bukan milik {self.office}; "
                "tidak ada yang disimpan.",
                f"This webhook was sent to a business number that is not {self.office}'s; "
                "nothing was stored.",
                field="phone_number_id",
                details={"office": self.office, "items": len(foreign)},
            )

    def __repr__(self) -> str:
        return f"Desk(office={self.standard.office.code!r}, storage={type(self.storage).__name__})"

    # --- inbound --------------------------------------------------------------------------

    def ingest(self, parsed: ParsedWebhook) -> IngestResult:
        """
        Take a parsed webhook: make or complete reports, enqueue their notifications, and
        apply its status callbacks.

        Each message is taken once: a redelivered message is counted in ``duplicates``.
        Media are fetched before the unit of work; a transient fetch failure
        (``MessagingRetryLaterError``) raises and nothing is taken, so the redelivery
        is taken whole. A media file that is gone or too large is left out and the report
        records the evidence as missing.

        Raises:
            UnknownBusinessNumberError: A message or status of the webhook was sent to a
                business number that is not this office's; nothing is taken.
        """
        self._check_numbers(parsed)
        unique: dict[str, InboundMessage] = {}
        for m in parsed.messages:
            unique.setdefault(m.message_id, m)
        fresh: list[InboundMessage] = []
        refused = 0
        with self.storage.unit_of_work(read_only=True) as uow:
            for m in unique.values():
                try:
                    seen = uow.inbox.seen(m.message_id)
                except StorageInputError as e:
                    # One bad item is refused alone: its siblings are still taken.
                    _log.warning("message refused alone: %s (%s)", e.code, e.field)
                    refused += 1
                    continue
                if not seen:
                    fresh.append(m)
        duplicates = len(parsed.messages) - len(fresh) - refused
        media = {m.message_id: self._fetch(m) for m in fresh if m.media is not None}
        assembler: DraftAssembler[InboundMessage] = DraftAssembler(window=self.draft_window)
        drafts = [*assembler.add_all(fresh), *assembler.drain()]
        drafts.sort(key=lambda d: (d.first_at, d.draft_id))
        steps: list[StepResult] = []
        answers: list[str] = []
        ignored = 0
        for draft in drafts:
            try:
                outcome = self._route(draft, media)
            except ReportInputError as e:
                # Input no report can be made of (a text beyond the bound, ...): taken, so a
                # redelivery does not fail again forever, and logged without its content.
                _log.warning("messages not made into a report: %s", e.code)
                outcome = self._take_unusable(draft)
            if outcome is None:
                duplicates += len(draft.messages)
            elif isinstance(outcome, _Answered):
                answers.append(outcome.key)
            elif isinstance(outcome, int):
                ignored += outcome
            else:
                steps.append(outcome)
        unusable, unusable_taken = self._answer_unusable(parsed.skipped)
        answers.extend(unusable)
        ignored += unusable_taken
        statuses = self.record_statuses(parsed.statuses)
        return IngestResult(
            steps=tuple(steps),
            duplicates=duplicates,
            ignored=ignored,
            statuses=statuses,
            refused=refused,
            answers=tuple(answers),
        )

    def bounded(self, claimed: pendulum.DateTime, now: pendulum.DateTime) -> pendulum.DateTime:
        """
        The instant a message is recorded as received: the channel's claim, bounded by the
        clock. Never later than ``now``; a claim further in the future than ``clock_skew``
        or older than ``redelivery_window`` (WhatsApp redelivers for seven days) is not
        believed and the message counts as received ``now``. The claim itself is kept in
        the event (``claimed_at``) whenever it is not the instant recorded.

        >>> import pendulum
        >>> from layanan_aduan.service_layer.desk import Desk
        >>> now = pendulum.datetime(2026, 1, 12, 2, 5, tz="UTC")
        >>> class _Bounds:
        ...     clock_skew, redelivery_window = Desk.CLOCK_SKEW, Desk.REDELIVERY_WINDOW
        >>> [Desk.bounded(_Bounds(), now.add(seconds=s), now).isoformat()  # type: ignore[arg-type]
        ...  for s in (-60, 3, 3600)]
        ['2026-01-12T02:04:00+00:00', '2026-01-12T02:05:00+00:00', '2026-01-12T02:05:00+00:00']
        >>> Desk.bounded(_Bounds(), pendulum.datetime(1970, 1, 1, tz="UTC"), now) == now
        True
        """
        if claimed > now + self.clock_skew or claimed < now - self.redelivery_window:
            return now
        return min(claimed, now)

    def _fetch(self, message: InboundMessage) -> _Media | None:
        assert message.media is not None  # noqa: S101 - only media messages are fetched
        try:
            fetched = self.media.fetch(message.media.media_id, max_bytes=self.limits.largest)
        except MediaFetchError as e:
            _log.warning("media not fetched: %s", e.code)
            return None
        return _Media(fetched.content, message.media.filename)

    def _route(
        self, draft: Draft[InboundMessage], media: dict[str, _Media | None]
    ) -> StepResult | int | _Answered | None:
        # The routing table of docs/desk.md, in its order.
        first = draft.messages[0]
        text = "\n".join(m.text_content for m in draft.messages if m.text_content)
        member = self.staff.by_contact(
            self.office, phone=first.sender.phone, user_id=first.sender.user_id
        )
        if member is not None:
            # 1. A staff number never makes a report.
            return self._take_staff_message(draft, member, text)
        if all(m.media is None for m in draft.messages):
            # 2. A question about one's own report is answered.
            question = status_question(text)
            if question is not None:
                return self._answer_status(draft, question)
            # 5. A greeting, from a sender with nothing open, gets the menu.
            if is_greeting(text) and not self._has_open_report(first):
                return self._answer(
                    draft,
                    self.renderer.menu(self._example_number(), language=self.language),
                    "menu",
                )
        # 3. and 4. An addition to the sender's open report, or a new report.
        return self._take_draft(draft, media)

    def _has_open_report(self, message: InboundMessage) -> bool:
        open_states = (ReportState.SUBMITTED, ReportState.AWAITING_COMPLETION)
        with self.storage.unit_of_work(read_only=True) as uow:
            mine = self._sender_reports(uow.reports, message.sender.phone, message.sender.user_id)
        return any(x.projection.state in open_states for x in mine)

    def _example_number(self) -> str:
        year = self.clock.now().in_timezone(self.standard.office.timezone).year
        return f"LAP/{self.office}/{year}/000123"

    def _key(self, purpose: str, *parts: str) -> str:
        # Outbox keys of answers: message ids and senders embed telephone numbers, so a key
        # carries a digest of them, never the values.
        digest = hashlib.sha256("\x1f".join((self.office, *parts)).encode()).hexdigest()[:32]
        return f"{purpose}:{digest}"

    def _answer(
        self, draft: Draft[InboundMessage], rendered: RenderedNotification, purpose: str
    ) -> _Answered | None:
        # Take the draft's messages and answer their sender; nothing else is made.
        first = draft.messages[0]
        now = self.clock.now()
        key = self._key(purpose, first.message_id)
        with self.storage.unit_of_work() as uow:
            uow.lock(f"sender:{self.office}:{first.sender.key}")
            taken = [
                uow.inbox.record(m.message_id, received_at=now, report_id=None, office=self.office)
                for m in draft.messages
            ]
            if not all(taken):
                return None
            recipient = Recipient(phone=first.sender.phone, user_id=first.sender.user_id)
            message = rendered.message(recipient, key)
            uow.outbox.put(
                key,
                {**message.to_payload(), "notification": rendered.kind.value},
                created_at=now,
                office=self.office,
            )
            uow.commit()
        return _Answered(len(draft.messages), key)

    def _answer_unusable(self, items: Sequence[SkippedItem]) -> tuple[list[str], int]:
        """
        Rule 6: what the service cannot use (a voice note, a video, a sticker, a location, a
        reaction) is taken once and answered with what it does take, at most once per sender
        per ten minutes; never a report. Returns the answers' keys and the items taken.
        """
        answers: list[str] = []
        taken = 0
        now = self.clock.now()
        bucket = str(int(now.timestamp()) // _UNUSABLE_WINDOW_SECONDS)
        rendered = self.renderer.unsupported(language=self.language)
        for item in items:
            if (
                item.code != "unsupported_message_type"
                or not item.message_id
                or not item.sender_key
            ):
                continue
            sender = item.sender_key
            recipient = (
                Recipient(phone="+" + sender) if sender.isdigit() else Recipient(user_id=sender)
            )
            key = self._key("unsupported", sender, bucket)
            try:
                with self.storage.unit_of_work() as uow:
                    uow.lock(f"sender:{self.office}:{sender}")
                    if not uow.inbox.record(
                        item.message_id, received_at=now, report_id=None, office=self.office
                    ):
                        continue
                    message = rendered.message(recipient, key)
                    put = uow.outbox.put(
                        key,
                        {**message.to_payload(), "notification": rendered.kind.value},
                        created_at=now,
                        office=self.office,
                    )
                    uow.commit()
            except (StorageInputError, InvalidMessageError) as e:
                _log.warning("unusable message not answered: %s", e.code)
                continue
            taken += 1
            if put:
                answers.append(key)
        return answers, taken

    def _take_draft(
        self, draft: Draft[InboundMessage], media: dict[str, _Media | None]
    ) -> StepResult | int | None:
        first = draft.messages[0]
        texts = [m.text_content for m in draft.messages if m.text_content]
        details, kind, rest = parse_details("\n".join(t for t in texts if t is not None))
        sender = first.sender
        contact = ReporterDetails(phone=sender.phone, whatsapp_user_id=sender.user_id)
        evidence = self._evidence_of(draft, media)
        actor = Actor(_reporter_id(first), Role.REPORTER)
        now = self.clock.now()
        first_at, last_at = self.bounded(draft.first_at, now), self.bounded(draft.last_at, now)
        with self.storage.unit_of_work() as uow:
            # One sender's webhooks arriving at once (the text, then its screenshot) are taken
            # one after the other, so the second one finds the report the first one made.
            uow.lock(f"sender:{self.office}:{sender.key}")
            report = self._open_report(uow.reports, sender, actor.id, draft)
            before = 0 if report is None else report.version
            if report is not None:
                at = max(last_at, report.events[-1].at)
                try:
                    if report.state is ReportState.AWAITING_COMPLETION:
                        report.complete_requirements(
                            at=at,
                            actor=actor,
                            details=details,
                            evidence=evidence,
                            limits=self.limits,
                            policy=self.standard.requirement_policy,
                            claimed_at=draft.last_at,
                        )
                    else:
                        report.add_to_submission(
                            at=at,
                            actor=actor,
                            message=rest,
                            details=details,
                            evidence=evidence,
                            limits=self.limits,
                            policy=self.standard.requirement_policy,
                            claimed_at=draft.last_at,
                        )
                except ReportInputError as e:
                    if e.code == "message_too_long":
                        # The text does not fit the open report: it becomes a report of its own.
                        report = None
                    elif e.code != "nothing_supplied":
                        raise
                    else:
                        if not self._record_inbox(uow, draft, report.id, now):
                            return None
                        uow.commit()
                        _log.info("message without new data for an open report")
                        return len(draft.messages)
            if report is None:
                # No open report of this sender takes the messages: a new report.
                report_id = str(uuid.uuid5(REPORT_ID_NAMESPACE, draft.draft_id))
                report = Report.submit(
                    id=report_id,
                    at=first_at,
                    claimed_at=draft.first_at,
                    actor=actor,
                    kind=kind or recognise_kind(rest) or ReportKind.ADUAN,
                    details=details.merged(contact),
                    message=rest,
                    evidence=evidence,
                    channel=self.standard.channel,
                    limits=self.limits,
                    policy=self.standard.requirement_policy,
                )
                before = 0
                year = report.received_at.in_timezone(self.standard.office.schedule.timezone).year
                assign_report_number(
                    uow.reports, report, office=self.standard.office.code, year=year
                )
            if not self._record_inbox(uow, draft, report.id, now):
                return None
            result = self._save(uow, report, before, now)
            uow.commit()
        return result

    def _take_staff_message(
        self, draft: Draft[InboundMessage], member: StaffMember, text: str
    ) -> StepResult | _Answered | None:
        """
        A message from a staff number: the section head's direction (step 4) when it names a
        report by its full number and says the direction, recorded with that person as the
        actor; anything else (or a direction the directory or the workflow refuses) is
        answered with a short help text and makes nothing.
        """
        first = draft.messages[0]
        now = self.clock.now()
        direction = staff_direction(text) if all(m.media is None for m in draft.messages) else None
        example = f"LAP/{self.office}/{now.in_timezone(self.standard.office.timezone).year}/000123"
        note_id = "pesan ini tidak menyebut nomor laporan lengkap dan isi arahan"
        note_en = "this message names no full report number and no direction"
        with self.storage.unit_of_work() as uow:
            uow.lock(f"sender:{self.office}:{first.sender.key}")
            if direction is not None:
                r = direction.report
                number = f"LAP/{r.office}/{r.year}/{r.serial:06d}"
                example = number
                try:
                    report = self._load(uow.reports, number)
                    before = report.version
                    actor = self._staff_actor(report, now, member.staff_id, Action.GIVE_DIRECTION)
                    report.give_direction(at=now, actor=actor, direction=direction.text)
                except (
                    ReportNotFoundError,
                    StaffAuthorizationError,
                    TransitionNotAllowedError,
                    ReportInputError,
                ) as e:
                    _log.info("a staff message was not a direction: %s", e.code)
                    note_id, note_en = e.message, e.message_en
                else:
                    if not self._record_inbox(uow, draft, report.id, now):
                        return None
                    result = self._save(uow, report, before, now)
                    uow.commit()
                    return result
            taken = [
                uow.inbox.record(m.message_id, received_at=now, report_id=None, office=self.office)
                for m in draft.messages
            ]
            if not all(taken):
                return None
            rendered = self.renderer.staff_help(
                example, note_en if self.language == "en" else note_id, language=self.language
            )
            key = self._key("staff_help", first.message_id)
            recipient = Recipient(phone=first.sender.phone, user_id=first.sender.user_id)
            message = rendered.message(recipient, key)
            uow.outbox.put(
                key,
                {**message.to_payload(), "notification": rendered.kind.value},
                created_at=now,
                office=self.office,
            )
            uow.commit()
        return _Answered(len(draft.messages), key)

    def _answer_status(
        self, draft: Draft[InboundMessage], question: StatusQuestion
    ) -> _Answered | None:
        """
        Answer a reporter's question about their report: its step, deadline and whether it is
        late, for the sender's own reports only; any other number (someone else's, or none)
        gets the one "not found" answer. No report is made and no SLA clock starts.
        """
        first = draft.messages[0]
        sender = first.sender
        now = self.clock.now()
        key = self._key("status", first.message_id)
        with self.storage.unit_of_work() as uow:
            uow.lock(f"sender:{self.office}:{sender.key}")
            mine = self._sender_reports(uow.reports, sender.phone, sender.user_id)
            if question.serial is None:
                received = [x for x in mine if x.projection.received_at is not None]
                target = max(
                    received, key=lambda x: (x.projection.received_at, x.report_id), default=None
                )
            else:
                target = next((x for x in mine if question.matches(x.projection.number)), None)
            if target is None:
                rendered = self.renderer.status_not_found(language=self.language)
                report_id = None
            else:
                report = load_report(uow.reports, target.report_id, office=self.office)
                sla = report.sla(
                    now,
                    self.working_time,
                    goal=self.standard.completion_time,
                    thresholds=self.thresholds,
                )
                state = self.standard.workflow.state(str(report.state))
                label = state.label_en if self.language == "en" else state.label
                progress: Literal["on_time", "late", "done"] = (
                    "done"
                    if report.clock_stopped_at is not None
                    else "late"
                    if sla.status is SlaStatus.BREACHED
                    else "on_time"
                )
                number = report.number if report.number is not None else report.id
                rendered = self.renderer.status(
                    number,
                    label,
                    sla.deadline,
                    progress,
                    kind=report.kind,
                    language=self.language,
                )
                report_id = report.id
            taken = [
                uow.inbox.record(m.message_id, received_at=now, report_id=None, office=self.office)
                for m in draft.messages
            ]
            if not all(taken):
                return None
            message = rendered.message(Recipient(phone=sender.phone, user_id=sender.user_id), key)
            uow.outbox.put(
                key,
                {**message.to_payload(), "notification": rendered.kind.value},
                created_at=now,
                report_id=report_id,
                office=self.office,
            )
            uow.commit()
        return _Answered(len(draft.messages), key)

    def _evidence_of(
        self, draft: Draft[InboundMessage], media: dict[str, _Media | None]
    ) -> list[bytes | EvidenceFile]:
        evidence: list[bytes | EvidenceFile] = []
        for m in draft.messages:
            file = media.get(m.message_id)
            if file is None:
                continue
            inspection = inspect_evidence(
                file.content,
                limits=self.limits,
                file_name=file.file_name,
            )
            if inspection.evidence is None:
                # Kept as bytes: the report records what is wrong with the file.
                evidence.append(file.content)
            else:
                self.evidence.put(file.content)
                evidence.append(inspection.evidence)
        return evidence

    def _take_unusable(self, draft: Draft[InboundMessage]) -> int | None:
        now = self.clock.now()
        with self.storage.unit_of_work() as uow:
            taken = [
                uow.inbox.record(m.message_id, received_at=now, report_id=None, office=self.office)
                for m in draft.messages
            ]
            if not all(taken):
                return None
            uow.commit()
        return len(draft.messages)

    def _record_inbox(
        self,
        uow: UnitOfWork,
        draft: Draft[InboundMessage],
        report_id: str,
        now: pendulum.DateTime,
    ) -> bool:
        taken = [
            uow.inbox.record(m.message_id, received_at=now, report_id=report_id, office=self.office)
            for m in draft.messages
        ]
        # Another worker took the same redelivery first: leave the block without committing.
        return all(taken)

    def _open_report(
        self,
        reports: ReportRepository,
        sender: Sender,
        actor_id: str,
        draft: Draft[InboundMessage],
    ) -> Report | None:
        """
        The report of this sender that takes the draft's messages, if any.

        A report awaiting completion first (the reporter completes it). Else the sender's
        most recent report when no officer has received it yet (``submitted``) and the
        draft is within the draft window of its messages: every event of a submitted report
        is the reporter's, so the window runs from the first message to the instant of the
        last event (the submission records its draft's first message, each addition its
        last one). Only the reporter who submitted it (the same WhatsApp key) adds to it.
        """
        mine = self._sender_reports(reports, sender.phone, sender.user_id)
        waiting = [x for x in mine if x.projection.state == ReportState.AWAITING_COMPLETION]
        if waiting:
            newest = max(waiting, key=lambda x: (x.projection.updated_at, x.report_id))
            report = load_report(reports, newest.report_id, office=self.office)
            if report.submitter_id == actor_id:
                return report
        received = [x for x in mine if x.projection.received_at is not None]
        if not received:
            return None
        latest = max(received, key=lambda x: (x.projection.received_at, x.report_id))
        if latest.projection.state != ReportState.SUBMITTED:
            return None
        report = load_report(reports, latest.report_id, office=self.office)
        if report.submitter_id != actor_id or report.state is not ReportState.SUBMITTED:
            return None
        # The gap between the draft's span and the report's, whichever arrived first.
        gap = max(
            draft.first_at - report.events[-1].at,
            report.received_at - draft.last_at,
            dt.timedelta(0),
        )
        return report if gap <= self.draft_window else None

    def _sender_reports(
        self, reports: ReportRepository, phone: str | None, user_id: str | None
    ) -> list[ReportSummary]:
        # An indexed lookup by sender: its cost follows the sender's reports, not the office's.
        if phone is None and user_id is None:
            return []
        return list(
            _every(
                lambda after: reports.by_reporter(
                    phone=phone, user_id=user_id, office=self.office, limit=_PAGE, after=after
                )
            )
        )

    # --- the steps ------------------------------------------------------------------------

    # Every step takes the acting person's staff id (``officer=`` / ``section_head=``, the
    # names kept for callers) and raises StaffAuthorizationError, changing nothing, unless
    # the staff directory gives them the step's role at the clock's instant.

    def receive(self, report: str, *, officer: str) -> StepResult:
        """
        Step 2: the officer ``officer`` (a staff id) receives the report (by number or id).
        """

        def act(r: Report, at: pendulum.DateTime) -> None:
            r.receive(at=at, actor=self._staff_actor(r, at, officer, Action.RECEIVE))

        return self._step(report, act)

    def request_completion(self, report: str, *, officer: str) -> StepResult:
        """
        Side path: the officer asks the reporter to complete the requirements (the SLA
        clock pauses); the reporter is told what is missing.
        """

        def act(r: Report, at: pendulum.DateTime) -> None:
            actor = self._staff_actor(r, at, officer, Action.REQUEST_COMPLETION)
            r.request_completion(at=at, actor=actor)

        return self._step(report, act)

    def forward(self, report: str, *, officer: str, summary: str | None = None) -> StepResult:
        """
        Step 3: the officer passes the report to the Head of the Intelligence Section, who
        is notified (with ``summary``, when given): whoever holds the section head's duties
        then, the acting section head (Plh) on their dates.
        """

        def act(r: Report, at: pendulum.DateTime) -> None:
            r.forward(at=at, actor=self._staff_actor(r, at, officer, Action.FORWARD))

        return self._step(report, act, handover_summary=summary)

    def give_direction(self, report: str, *, section_head: str, direction: str) -> StepResult:
        """
        Step 4: the Head of the Intelligence Section gives the direction for the follow-up;
        ``section_head`` is the staff id of whoever holds the section head's duties at the
        clock's instant (the acting section head, Plh, on their dates).
        """

        def act(r: Report, at: pendulum.DateTime) -> None:
            actor = self._staff_actor(r, at, section_head, Action.GIVE_DIRECTION)
            r.give_direction(at=at, actor=actor, direction=direction)

        return self._step(report, act)

    def deliver_follow_up(self, report: str, *, officer: str, follow_up: str) -> StepResult:
        """
        Step 5: the officer delivers the follow-up; the reporter receives it.
        """

        def act(r: Report, at: pendulum.DateTime) -> None:
            actor = self._staff_actor(r, at, officer, Action.DELIVER_FOLLOW_UP)
            r.deliver_follow_up(at=at, actor=actor, follow_up=follow_up)

        return self._step(report, act)

    def close(
        self, report: str, *, officer: str, reason: CloseReason | str, note: str = ""
    ) -> StepResult:
        """
        Side path: the officer closes a message that is not a report.

        Closing works on any report whatever its instants: a report stored before the desk
        bounded message timestamps may hold an event later than the clock; the closing is
        then recorded at that event's instant rather than refused.
        """

        def act(r: Report, at: pendulum.DateTime) -> None:
            actor = self._staff_actor(r, at, officer, Action.CLOSE)
            r.close(at=max(at, r.events[-1].at), actor=actor, reason=reason, note=note)

        return self._step(report, act)

    def _staff_actor(
        self, report: Report, at: pendulum.DateTime, staff_id: str, action: Action
    ) -> Actor:
        # Who the directory says ``staff_id`` is, and the role it gives them now.
        needed = Role.SECTION_HEAD if action is Action.GIVE_DIRECTION else Role.OFFICER
        office = self.standard.office.code
        timezone = self.standard.office.schedule.timezone
        member = self.staff.member(office, staff_id)
        holder = None
        if needed is Role.SECTION_HEAD and member is not None:
            holder = self.staff.holder(office, StaffRole.SECTION_HEAD, at, timezone)
        details = report.details
        granted = authorize(
            member,
            staff_id=staff_id,
            action=action.value,
            needed=needed,
            office=office,
            at=at,
            timezone=timezone,
            section_head=holder,
            reporter={
                "phone": details.phone,
                "user_id": details.whatsapp_user_id,
                "id": report.submitter_id,
            },
        )
        return Actor(staff_id, needed, staff_role=granted)

    def correct_kind(
        self, report: str, *, officer: str, kind: ReportKind | str, note: str = ""
    ) -> StepResult:
        """
        Side path: the officer corrects the report's kind (a request for information sent as
        a complaint, ...); the state and the SLA clock do not change.
        """

        def act(r: Report, at: pendulum.DateTime) -> None:
            actor = self._staff_actor(r, at, officer, Action.CORRECT_KIND)
            r.correct_kind(at=at, actor=actor, kind=kind, note=note)

        return self._step(report, act)

    def _step(
        self,
        ref: str,
        act: Callable[[Report, pendulum.DateTime], None],
        *,
        handover_summary: str | None = None,
    ) -> StepResult:
        now = self.clock.now()
        with self.storage.unit_of_work() as uow:
            report = self._load(uow.reports, ref)
            before = report.version
            act(report, now)
            result = self._save(uow, report, before, now, handover_summary=handover_summary)
            uow.commit()
        return result

    def _load(self, reports: ReportRepository, ref: str) -> Report:
        if "/" in ref:
            return load_report_by_number(reports, ref, office=self.office)
        return load_report(reports, ref, office=self.office)

    def _save(
        self,
        uow: UnitOfWork,
        report: Report,
        before: int,
        now: pendulum.DateTime,
        *,
        handover_summary: str | None = None,
    ) -> StepResult:
        new = report.events[before:]
        projection = project(
            report,
            self.working_time,
            office=self.office,
            goal=self.standard.completion_time,
            thresholds=self.thresholds,
        )
        version = save_report(uow.reports, report, projection)
        entries: list[OutboxEntry] = []
        for event in new:
            for kind, recipient, rendered in self._notifications(report, event, handover_summary):
                key = f"{report.id}:{event.seq}:{kind.value}"
                message = rendered.message(recipient, key)
                uow.outbox.put(
                    key,
                    {**message.to_payload(), "notification": kind.value},
                    created_at=now,
                    report_id=report.id,
                    office=self.office,
                )
                entries.append(OutboxEntry(key, kind))
        return StepResult(
            report_id=report.id,
            number=report.number,
            state=report.state,
            actions=tuple(e.action for e in new),
            notifications=tuple(entries),
            version=version,
        )

    def _section_head(self, at: pendulum.DateTime) -> Recipient:
        recipient = self._holder(StaffRole.SECTION_HEAD, at)
        if recipient is None:
            raise StaffRoleVacantError(
                f"Tidak ada {self.standard.section_head_title} (atau Plh-nya) di direktori staf "
                "pada saat ini; daftarkan peran section_head di berkas staf ([[staff]]).",
                f"Nobody holds the duties of the {self.standard.section_head_title_en} (nor an "
                "acting head) in the staff directory now; register a section_head in the staff "
                "file ([[staff]]).",
                field="staff",
                details={"role": StaffRole.SECTION_HEAD.value},
            )
        return recipient

    def _holder(self, role: StaffRole, at: pendulum.DateTime) -> Recipient | None:
        # Whoever holds ``role``'s duties at ``at``, as a recipient; None when nobody does.
        office = self.standard.office
        member: StaffMember | None = self.staff.holder(
            office.code, role, at, office.schedule.timezone
        )
        if member is None:
            return None
        if member.phone is None and member.whatsapp_user_id is None:
            raise StaffRoleVacantError(
                f"Pemegang peran {role.value} tidak memiliki nomor WhatsApp atau ID pengguna.",
                f"The holder of the role {role.value} has no WhatsApp number or user id.",
                code="holder_without_contact",
                field="staff",
                details={"role": role.value},
            )
        return Recipient(phone=member.phone, user_id=member.whatsapp_user_id)

    def _reporter(self, report: Report) -> Recipient:
        d = report.details
        return Recipient(phone=d.phone, user_id=d.whatsapp_user_id)

    def _deadline(self, report: Report, at: pendulum.DateTime) -> pendulum.DateTime:
        sla = report.sla(
            at, self.working_time, goal=self.standard.completion_time, thresholds=self.thresholds
        )
        return sla.deadline

    def _missing(self, report: Report) -> list[str]:
        items: list[str] = []
        for p in report.blocking_problems:
            text = p.message_en if self.language == "en" else p.message
            if text not in items:
                items.append(text)
        return items

    def _notifications(
        self, report: Report, event: Event, summary: str | None
    ) -> Iterable[tuple[NotificationKind, Recipient, RenderedNotification]]:
        number = report.number if report.number is not None else report.id
        render = self.renderer
        language = self.language
        action = event.action
        if action == Action.SUBMIT:
            yield (
                NotificationKind.ACKNOWLEDGEMENT,
                self._reporter(report),
                render.acknowledgement(
                    number, self._deadline(report, event.at), kind=report.kind, language=language
                ),
            )
        if action in (Action.SUBMIT, Action.REQUEST_COMPLETION, Action.SUPPLEMENT_REQUIREMENTS):
            missing = self._missing(report)
            if missing:
                yield (
                    NotificationKind.MISSING_REQUIREMENTS,
                    self._reporter(report),
                    render.missing_requirements(
                        number, missing, kind=report.kind, language=language
                    ),
                )
        if action == Action.ADD_TO_SUBMISSION:
            # No second acknowledgement: the reporter hears again only when what is missing
            # changed and something still is; once complete the officer's steps follow.
            missing = _missing_in(event, language)
            if missing and missing != _missing_before(report, event, language):
                yield (
                    NotificationKind.MISSING_REQUIREMENTS,
                    self._reporter(report),
                    render.missing_requirements(
                        number, missing, kind=report.kind, language=language
                    ),
                )
        if action == Action.FORWARD:
            yield (
                NotificationKind.HANDOVER,
                self._section_head(event.at),
                render.handover(
                    number,
                    report.received_at,
                    self._deadline(report, event.at),
                    summary=summary,
                    fallback_summary=report.message,
                    kind=report.kind,
                    language=language,
                ),
            )
        if action == Action.DELIVER_FOLLOW_UP:
            assert report.follow_up is not None  # noqa: S101 - step 5 records the follow-up
            yield (
                NotificationKind.FOLLOW_UP,
                self._reporter(report),
                render.follow_up(number, report.follow_up, kind=report.kind, language=language),
            )

    # --- SLA ------------------------------------------------------------------------------

    def sweep_sla(self) -> tuple[OutboxEntry, ...]:
        """
        Enqueue the SLA alerts due at the clock's instant, each once per report.

        At risk: an alert to the section head (``sla_at_risk``). Breached: an alert to the
        section head (``sla_breached``) and, to the reporter, the channel for complaints
        about the service (``service_complaint_channel``). Keys are
        ``<report id>:<notification>``: a sweep run again enqueues nothing new. The section
        head is whoever holds the duties at the clock's instant (the Plh on their dates).
        With ``escalate_breaches_to_office_head``, the breach alert also goes to the office
        head, under ``<report id>:sla_breached:office_head`` (left out, and logged, while
        nobody holds that role).
        """
        now = self.clock.now()
        with self.storage.unit_of_work(read_only=True) as uow:
            reports = uow.reports
            office = self.office
            risky = list(
                _every(lambda after: reports.at_risk(now, office=office, limit=_PAGE, after=after))
            )
            breached = list(
                _every(lambda after: reports.breached(now, office=office, limit=_PAGE, after=after))
            )
        entries: list[OutboxEntry] = []
        plan = [(s, (NotificationKind.SLA_AT_RISK,)) for s in risky] + [
            (s, (NotificationKind.SLA_BREACHED, NotificationKind.SERVICE_COMPLAINT_CHANNEL))
            for s in breached
        ]
        for summary, kinds in plan:
            todo = [k for k in kinds if not self._queued(f"{summary.report_id}:{k.value}")]
            if todo:
                entries.extend(self._alert(summary.report_id, todo, now))
        return tuple(entries)

    def _queued(self, key: str) -> bool:
        try:
            self.storage.outbox.get(key)
        except OutboxMessageNotFoundError:
            return False
        return True

    def _alert(
        self, report_id: str, kinds: Sequence[NotificationKind], now: pendulum.DateTime
    ) -> list[OutboxEntry]:
        entries: list[OutboxEntry] = []
        try:
            with self.storage.unit_of_work() as uow:
                report = load_report(uow.reports, report_id, office=self.office)
                number = report.number if report.number is not None else report.id
                sla = report.sla(
                    now,
                    self.working_time,
                    goal=self.standard.completion_time,
                    thresholds=self.thresholds,
                )
                for kind in kinds:
                    key = f"{report_id}:{kind.value}"
                    if kind is NotificationKind.SLA_AT_RISK:
                        rendered = self.renderer.sla_at_risk(
                            number, sla.deadline, sla.remaining, language=self.language
                        )
                        recipient = self._section_head(now)
                    elif kind is NotificationKind.SLA_BREACHED:
                        rendered = self.renderer.sla_breached(
                            number, sla.deadline, sla.overrun, language=self.language
                        )
                        recipient = self._section_head(now)
                    else:
                        rendered = self.renderer.service_complaint_channel(
                            number, sla.deadline, kind=report.kind, language=self.language
                        )
                        recipient = self._reporter(report)
                    message = rendered.message(recipient, key)
                    uow.outbox.put(
                        key,
                        {**message.to_payload(), "notification": kind.value},
                        created_at=now,
                        report_id=report_id,
                        office=self.office,
                    )
                    entries.append(OutboxEntry(key, kind))
                    head = self._office_head(now) if kind is NotificationKind.SLA_BREACHED else None
                    if head is not None:
                        escalation = f"{key}:office_head"
                        uow.outbox.put(
                            escalation,
                            {
                                **rendered.message(head, escalation).to_payload(),
                                "notification": kind.value,
                            },
                            created_at=now,
                            report_id=report_id,
                            office=self.office,
                        )
                        entries.append(OutboxEntry(escalation, kind))
                uow.commit()
        except IdempotencyKeyConflictError:
            # A concurrent sweep enqueued the same alert first (with other figures): keep it.
            return []
        return entries

    def _office_head(self, at: pendulum.DateTime) -> Recipient | None:
        # The breach escalation's recipient, when the desk escalates and the role is held.
        if not self.escalate_breaches_to_office_head:
            return None
        try:
            head = self._holder(StaffRole.OFFICE_HEAD, at)
        except StaffRoleVacantError as e:
            # An escalation never holds back the section head's alert.
            _log.warning("breach not escalated: %s", e.code)
            return None
        if head is None:
            _log.warning("breach not escalated: nobody holds the role office_head")
        return head

    # --- status callbacks -------------------------------------------------------------------

    def record_statuses(self, statuses: Iterable[StatusUpdate]) -> int:
        """
        Mark outbox messages sent when WhatsApp reports them sent, delivered or read.

        The outbox key comes back in ``biz_opaque_callback_data``. This closes the gap of a
        dispatcher that sent a message and died before marking it: the message is not sent
        again. A ``failed`` status is logged (with its error codes); the storage's outbox
        does not move a sent message back to pending. Returns how many statuses were
        applied.
        """
        applied = 0
        for status in statuses:
            key = status.callback_data
            if key is None:
                continue
            if status.status is DeliveryStatus.FAILED:
                _log.warning(
                    "message %s failed after sending: %s", key, [e.code for e in status.errors]
                )
                continue
            if not self.owns(status.phone_number_id, status.display_phone_number):
                continue
            try:
                message = self.storage.outbox.get(key)
                if message.office not in (None, self.office):
                    continue
                if message.status is OutboxStatus.PENDING:
                    self.storage.outbox.mark_sent(key, at=status.at)
                    applied += 1
            except (OutboxMessageNotFoundError, OutboxStateError):
                _log.info("status for an unknown outbox message (%s)", mask(key))
        return applied

    # --- queries --------------------------------------------------------------------------

    def list_reports(
        self,
        *,
        at: pendulum.DateTime | None = None,
        state: str | None = None,
        kind: str | None = None,
        open_only: bool = False,
        due_before: dt.datetime | None = None,
    ) -> tuple[ReportLine, ...]:
        """
        The office's reports, in the order they were first stored, with their SLA status at
        ``at`` (the clock's instant by default); every filter given must hold (see
        :meth:`page_reports`).
        """
        lines: list[ReportLine] = []
        after: str | None = None
        while True:
            page = self.page_reports(
                at=at,
                state=state,
                kind=kind,
                open_only=open_only,
                due_before=due_before,
                limit=_PAGE,
                after=after,
            )
            lines.extend(page.items)
            if page.next_cursor is None:
                return tuple(lines)
            after = page.next_cursor

    def page_reports(
        self,
        *,
        at: pendulum.DateTime | None = None,
        state: str | None = None,
        kind: str | None = None,
        open_only: bool = False,
        due_before: dt.datetime | None = None,
        limit: int = DEFAULT_PAGE_SIZE,
        after: str | None = None,
    ) -> Page[ReportLine]:
        """
        One page of the office's reports with their SLA status at ``at``.

        Args:
            at: The instant of the SLA status (the clock's by default).
            state: Only reports in this workflow state.
            kind: Only reports of this kind.
            open_only: Only reports whose SLA clock runs or waits (not followed up, not closed).
            due_before: Only open reports whose deadline is before this instant.
            limit: At most this many (1 to 1000).
            after: The previous page's ``next_cursor``.
        """
        instant = self.clock.now() if at is None else at
        zone = self.standard.office.timezone
        with self.storage.unit_of_work(read_only=True) as uow:
            page = uow.reports.list_all(
                office=self.office,
                state=None if state is None else str(state),
                kind=None if kind is None else str(kind),
                open_only=open_only,
                due_before=due_before,
                limit=limit,
                after=after,
            )
        lines = tuple(
            ReportLine(
                report_id=s.report_id,
                number=s.projection.number,
                state=s.projection.state,
                received_at=None
                if s.projection.received_at is None
                else s.projection.received_at.in_timezone(zone),
                deadline=None
                if s.projection.sla_stopped or s.projection.sla_deadline is None
                else s.projection.sla_deadline.in_timezone(zone),
                sla=_sla_state(s, instant),
                kind=s.projection.kind,
            )
            for s in page.items
        )
        return Page(lines, page.next_cursor)

    def report(self, ref: str) -> Report:
        """
        Load one report (by number or id), its history verified.
        """
        with self.storage.unit_of_work(read_only=True) as uow:
            return self._load(uow.reports, ref)
