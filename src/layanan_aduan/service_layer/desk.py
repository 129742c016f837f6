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
  ``Email:`` lines of the text, the kind from a ``Jenis:`` line (``aduan`` by default).
  A new report gets its number and the acknowledgement (number and deadline), and the
  list of what is missing when something is; a message from a sender whose report awaits
  completion completes it instead. WhatsApp delivers the text and the screenshot sent after
  it in separate webhooks: a message from a sender whose most recent report is still
  ``submitted`` (no officer has received it) and within the draft window of its last
  message is added to it (``add_to_submission``) with no second acknowledgement; the
  reporter hears again only when what is missing changed and something still is.
- :meth:`Desk.receive`, :meth:`Desk.forward`, :meth:`Desk.give_direction`,
  :meth:`Desk.deliver_follow_up` (steps 2 to 5), :meth:`Desk.request_completion` and
  :meth:`Desk.close` act as an officer or the section head; the events record who.
- :meth:`Desk.sweep_sla` enqueues the at-risk and breached alerts (and, on a breach, the
  channel for complaints about the service) once per report.
- :meth:`Desk.record_statuses` marks outbox messages sent when WhatsApp confirms them.

A refused operation raises the library's typed error and changes nothing.
"""

from __future__ import annotations

import datetime as dt
import enum
import logging
import re
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Final, TypeVar

import attrs
import pendulum

from layanan_aduan.adapters.storage.reports import (
    assign_report_number,
    load_report,
    load_report_by_number,
    project,
    save_report,
)
from layanan_aduan.adapters.whatsapp.inbound import (
    DeliveryStatus,
    InboundMessage,
    ParsedWebhook,
    Sender,
    StatusUpdate,
)
from layanan_aduan.clock import Clock
from layanan_aduan.domain.evidence import (
    DEFAULT_LIMITS,
    EvidenceFile,
    EvidenceLimits,
    inspect_evidence,
)
from layanan_aduan.domain.history import Event
from layanan_aduan.domain.report import Actor, CloseReason, Report, ReporterDetails, ReportKind
from layanan_aduan.domain.standard import ServiceStandard
from layanan_aduan.domain.workflow import Action, ReportState, Role
from layanan_aduan.domain.worktime import WorkingTime
from layanan_aduan.drafts import DEFAULT_DRAFT_WINDOW, Draft, DraftAssembler
from layanan_aduan.exceptions import (
    IdempotencyKeyConflictError,
    MediaFetchError,
    MessagingConfigurationError,
    OutboxMessageNotFoundError,
    OutboxStateError,
    ReportInputError,
)
from layanan_aduan.messaging import MediaFetcher, Recipient
from layanan_aduan.notifications import (
    NotificationKind,
    NotificationRenderer,
    OfficeProfile,
    RenderedNotification,
)
from layanan_aduan.ports import (
    EvidenceStore,
    OutboxStatus,
    Page,
    ReportRepository,
    ReportSummary,
    Storage,
    UnitOfWork,
)
from layanan_aduan.privacy import mask

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
_T = TypeVar("_T")


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
    """
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
    """

    steps: tuple[StepResult, ...] = ()
    duplicates: int = 0
    ignored: int = 0
    statuses: int = 0


@attrs.frozen
class ReportLine:
    """
    One report as :meth:`Desk.list_reports` lists it (no personal data).

    Attributes:
        report_id: The id.
        number: The number.
        state: The workflow state.
        received_at: When it arrived.
        deadline: Its SLA deadline (``None`` once stopped).
        sla: Its SLA status at the instant asked.
    """

    report_id: str
    number: str | None
    state: str
    received_at: pendulum.DateTime | None
    deadline: pendulum.DateTime | None
    sla: SlaState


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
class _Media:
    content: bytes
    file_name: str | None


def _missing_in(event: Event) -> list[str]:
    items: list[str] = []
    for p in event.payload.get("problems", ()):
        if p["blocking"] and p["message"] not in items:
            items.append(p["message"])
    return items


def _missing_before(report: Report, event: Event) -> list[str]:
    # What the last requirements check before ``event`` found missing.
    for earlier in reversed(report.events[: event.seq - 1]):
        if "problems" in earlier.payload:
            return _missing_in(earlier)
    return []


class Desk:
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
        section_head: The Head of the Intelligence Section's WhatsApp; without it a step
            that would notify them is refused (``MessagingConfigurationError``).
        renderer: The notification templates (the standard's office by default).
        draft_window: How close one sender's messages must be to make one report: within
            a batch, and across webhooks while the report is still ``submitted``.
        limits: Evidence size limits.
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
        section_head: Recipient | None = None,
        renderer: NotificationRenderer | None = None,
        draft_window: dt.timedelta = DEFAULT_DRAFT_WINDOW,
        limits: EvidenceLimits = DEFAULT_LIMITS,
    ) -> None:
        self.storage = storage
        self.evidence = evidence
        self.media = media
        self.clock = clock
        self.standard = standard
        self.working_time = working_time
        self.section_head = section_head
        self.renderer = (
            renderer
            if renderer is not None
            else NotificationRenderer(OfficeProfile.from_standard(standard))
        )
        self.draft_window = draft_window
        self.limits = limits

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
        """
        unique: dict[str, InboundMessage] = {}
        for m in parsed.messages:
            unique.setdefault(m.message_id, m)
        with self.storage.unit_of_work(read_only=True) as uow:
            fresh = [m for m in unique.values() if not uow.inbox.seen(m.message_id)]
        duplicates = len(parsed.messages) - len(fresh)
        media = {m.message_id: self._fetch(m) for m in fresh if m.media is not None}
        assembler: DraftAssembler[InboundMessage] = DraftAssembler(window=self.draft_window)
        drafts = [*assembler.add_all(fresh), *assembler.drain()]
        drafts.sort(key=lambda d: (d.first_at, d.draft_id))
        steps: list[StepResult] = []
        ignored = 0
        for draft in drafts:
            try:
                outcome = self._take_draft(draft, media)
            except ReportInputError as e:
                # Input no report can be made of (a text beyond the bound, ...): taken, so a
                # redelivery does not fail again forever, and logged without its content.
                _log.warning("messages not made into a report: %s", e.code)
                outcome = self._take_unusable(draft)
            if outcome is None:
                duplicates += len(draft.messages)
            elif isinstance(outcome, int):
                ignored += outcome
            else:
                steps.append(outcome)
        statuses = self.record_statuses(parsed.statuses)
        return IngestResult(
            steps=tuple(steps), duplicates=duplicates, ignored=ignored, statuses=statuses
        )

    def _fetch(self, message: InboundMessage) -> _Media | None:
        assert message.media is not None  # noqa: S101 - only media messages are fetched
        try:
            fetched = self.media.fetch(message.media.media_id, max_bytes=self.limits.largest)
        except MediaFetchError as e:
            _log.warning("media not fetched: %s", e.code)
            return None
        return _Media(fetched.content, message.media.filename)

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
        with self.storage.unit_of_work() as uow:
            report = self._open_report(uow.reports, sender, actor.id, draft)
            before = 0 if report is None else report.version
            if report is not None:
                at = max(draft.last_at, report.events[-1].at)
                try:
                    if report.state is ReportState.AWAITING_COMPLETION:
                        report.complete_requirements(
                            at=at,
                            actor=actor,
                            details=details,
                            evidence=evidence,
                            limits=self.limits,
                        )
                    else:
                        report.add_to_submission(
                            at=at,
                            actor=actor,
                            message=rest,
                            details=details,
                            evidence=evidence,
                            limits=self.limits,
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
                    at=draft.first_at,
                    actor=actor,
                    kind=kind if kind is not None else ReportKind.ADUAN,
                    details=details.merged(contact),
                    message=rest,
                    evidence=evidence,
                    channel=self.standard.channel,
                    limits=self.limits,
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

    def _evidence_of(
        self, draft: Draft[InboundMessage], media: dict[str, _Media | None]
    ) -> list[bytes | EvidenceFile]:
        evidence: list[bytes | EvidenceFile] = []
        for m in draft.messages:
            file = media.get(m.message_id)
            if file is None:
                continue
            inspection = inspect_evidence(
                file.content, limits=self.limits, file_name=file.file_name
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
                uow.inbox.record(m.message_id, received_at=now, report_id=None)
                for m in draft.messages
            ]
            if not all(taken):
                return None
            uow.commit()
        return len(draft.messages)

    @staticmethod
    def _record_inbox(
        uow: UnitOfWork, draft: Draft[InboundMessage], report_id: str, now: pendulum.DateTime
    ) -> bool:
        taken = [
            uow.inbox.record(m.message_id, received_at=now, report_id=report_id)
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
        waiting = self._awaiting_completion(reports, sender.phone, sender.user_id)
        if waiting is not None:
            report = load_report(reports, waiting)
            if report.submitter_id == actor_id:
                return report
        latest = self._latest(reports, sender.phone, sender.user_id)
        if latest is None or latest.projection.state != ReportState.SUBMITTED:
            return None
        report = load_report(reports, latest.report_id)
        if report.submitter_id != actor_id or report.state is not ReportState.SUBMITTED:
            return None
        # The gap between the draft's span and the report's, whichever arrived first.
        gap = max(
            draft.first_at - report.events[-1].at,
            report.received_at - draft.last_at,
            dt.timedelta(0),
        )
        return report if gap <= self.draft_window else None

    @staticmethod
    def _latest(
        reports: ReportRepository, phone: str | None, user_id: str | None
    ) -> ReportSummary | None:
        if phone is None and user_id is None:
            return None
        latest: ReportSummary | None = None
        for s in _every(
            lambda after: reports.by_reporter(
                phone=phone, user_id=user_id, limit=_PAGE, after=after
            )
        ):
            received = s.projection.received_at
            if received is None:
                continue
            if latest is None or (received, s.report_id) > (
                latest.projection.received_at,
                latest.report_id,
            ):
                latest = s
        return latest

    @staticmethod
    def _awaiting_completion(
        reports: ReportRepository, phone: str | None, user_id: str | None
    ) -> str | None:
        # Few reports await completion at once; a reporter may have many reports.
        found = [
            s
            for s in _every(
                lambda after: reports.by_state(
                    ReportState.AWAITING_COMPLETION, limit=_PAGE, after=after
                )
            )
            if (phone is not None and s.projection.reporter_phone == phone)
            or (user_id is not None and s.projection.reporter_user_id == user_id)
        ]
        if not found:
            return None
        return max(found, key=lambda s: s.projection.updated_at).report_id

    # --- the steps ------------------------------------------------------------------------

    def receive(self, report: str, *, officer: str) -> StepResult:
        """
        Step 2: the officer receives the report (by number or id).
        """
        actor = Actor(officer, Role.OFFICER)
        return self._step(report, lambda r, at: r.receive(at=at, actor=actor))

    def request_completion(self, report: str, *, officer: str) -> StepResult:
        """
        Side path: the officer asks the reporter to complete the requirements (the SLA
        clock pauses); the reporter is told what is missing.
        """
        actor = Actor(officer, Role.OFFICER)
        return self._step(report, lambda r, at: r.request_completion(at=at, actor=actor))

    def forward(self, report: str, *, officer: str, summary: str | None = None) -> StepResult:
        """
        Step 3: the officer passes the report to the Head of the Intelligence Section, who
        is notified (with ``summary``, when given).
        """
        actor = Actor(officer, Role.OFFICER)
        return self._step(
            report, lambda r, at: r.forward(at=at, actor=actor), handover_summary=summary
        )

    def give_direction(self, report: str, *, section_head: str, direction: str) -> StepResult:
        """
        Step 4: the Head of the Intelligence Section gives the direction for the follow-up.
        """
        actor = Actor(section_head, Role.SECTION_HEAD)
        return self._step(
            report, lambda r, at: r.give_direction(at=at, actor=actor, direction=direction)
        )

    def deliver_follow_up(self, report: str, *, officer: str, follow_up: str) -> StepResult:
        """
        Step 5: the officer delivers the follow-up; the reporter receives it.
        """
        actor = Actor(officer, Role.OFFICER)
        return self._step(
            report, lambda r, at: r.deliver_follow_up(at=at, actor=actor, follow_up=follow_up)
        )

    def close(
        self, report: str, *, officer: str, reason: CloseReason | str, note: str = ""
    ) -> StepResult:
        """
        Side path: the officer closes a message that is not a report.
        """
        actor = Actor(officer, Role.OFFICER)
        return self._step(
            report, lambda r, at: r.close(at=at, actor=actor, reason=reason, note=note)
        )

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

    @staticmethod
    def _load(reports: ReportRepository, ref: str) -> Report:
        if "/" in ref:
            return load_report_by_number(reports, ref)
        return load_report(reports, ref)

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
            office=self.standard.office.code,
            goal=self.standard.completion_time,
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

    def _section_head(self) -> Recipient:
        if self.section_head is None:
            raise MessagingConfigurationError(
                "Nomor WhatsApp Kepala Seksi Intelijen belum diatur.",
                "The Head of the Intelligence Section's WhatsApp number is not set.",
                field="section_head",
            )
        return self.section_head

    def _reporter(self, report: Report) -> Recipient:
        d = report.details
        return Recipient(phone=d.phone, user_id=d.whatsapp_user_id)

    def _deadline(self, report: Report, at: pendulum.DateTime) -> pendulum.DateTime:
        sla = report.sla(at, self.working_time, goal=self.standard.completion_time)
        return sla.deadline

    def _missing(self, report: Report) -> list[str]:
        items: list[str] = []
        for p in report.blocking_problems:
            if p.message not in items:
                items.append(p.message)
        return items

    def _notifications(
        self, report: Report, event: Event, summary: str | None
    ) -> Iterable[tuple[NotificationKind, Recipient, RenderedNotification]]:
        number = report.number if report.number is not None else report.id
        render = self.renderer
        action = event.action
        if action == Action.SUBMIT:
            yield (
                NotificationKind.ACKNOWLEDGEMENT,
                self._reporter(report),
                render.acknowledgement(number, self._deadline(report, event.at)),
            )
        if action in (Action.SUBMIT, Action.REQUEST_COMPLETION, Action.SUPPLEMENT_REQUIREMENTS):
            missing = self._missing(report)
            if missing:
                yield (
                    NotificationKind.MISSING_REQUIREMENTS,
                    self._reporter(report),
                    render.missing_requirements(number, missing),
                )
        if action == Action.ADD_TO_SUBMISSION:
            # No second acknowledgement: the reporter hears again only when what is missing
            # changed and something still is; once complete the officer's steps follow.
            missing = _missing_in(event)
            if missing and missing != _missing_before(report, event):
                yield (
                    NotificationKind.MISSING_REQUIREMENTS,
                    self._reporter(report),
                    render.missing_requirements(number, missing),
                )
        if action == Action.FORWARD:
            yield (
                NotificationKind.HANDOVER,
                self._section_head(),
                render.handover(
                    number,
                    report.received_at,
                    self._deadline(report, event.at),
                    summary=summary,
                ),
            )
        if action == Action.DELIVER_FOLLOW_UP:
            assert report.follow_up is not None  # noqa: S101 - step 5 records the follow-up
            yield (
                NotificationKind.FOLLOW_UP,
                self._reporter(report),
                render.follow_up(number, report.follow_up),
            )

    # --- SLA ------------------------------------------------------------------------------

    def sweep_sla(self) -> tuple[OutboxEntry, ...]:
        """
        Enqueue the SLA alerts due at the clock's instant, each once per report.

        At risk: an alert to the section head (``sla_at_risk``). Breached: an alert to the
        section head (``sla_breached``) and, to the reporter, the channel for complaints
        about the service (``service_complaint_channel``). Keys are
        ``<report id>:<notification>``: a sweep run again enqueues nothing new.
        """
        now = self.clock.now()
        with self.storage.unit_of_work(read_only=True) as uow:
            reports = uow.reports
            risky = list(_every(lambda after: reports.at_risk(now, limit=_PAGE, after=after)))
            breached = list(_every(lambda after: reports.breached(now, limit=_PAGE, after=after)))
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
                report = load_report(uow.reports, report_id)
                number = report.number if report.number is not None else report.id
                sla = report.sla(now, self.working_time, goal=self.standard.completion_time)
                for kind in kinds:
                    key = f"{report_id}:{kind.value}"
                    if kind is NotificationKind.SLA_AT_RISK:
                        rendered = self.renderer.sla_at_risk(number, sla.deadline, sla.remaining)
                        recipient = self._section_head()
                    elif kind is NotificationKind.SLA_BREACHED:
                        rendered = self.renderer.sla_breached(number, sla.deadline, sla.overrun)
                        recipient = self._section_head()
                    else:
                        rendered = self.renderer.service_complaint_channel(number, sla.deadline)
                        recipient = self._reporter(report)
                    message = rendered.message(recipient, key)
                    uow.outbox.put(
                        key,
                        {**message.to_payload(), "notification": kind.value},
                        created_at=now,
                        report_id=report_id,
                    )
                    entries.append(OutboxEntry(key, kind))
                uow.commit()
        except IdempotencyKeyConflictError:
            # A concurrent sweep enqueued the same alert first (with other figures): keep it.
            return []
        return entries

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
            try:
                message = self.storage.outbox.get(key)
                if message.status is OutboxStatus.PENDING:
                    self.storage.outbox.mark_sent(key, at=status.at)
                    applied += 1
            except (OutboxMessageNotFoundError, OutboxStateError):
                _log.info("status for an unknown outbox message (%s)", mask(key))
        return applied

    # --- queries --------------------------------------------------------------------------

    def list_reports(self, *, at: pendulum.DateTime | None = None) -> tuple[ReportLine, ...]:
        """
        Every report, in the order it was first stored, with its SLA status at ``at`` (the
        clock's instant by default).
        """
        instant = self.clock.now() if at is None else at
        with self.storage.unit_of_work(read_only=True) as uow:
            reports = uow.reports
            return tuple(
                ReportLine(
                    report_id=s.report_id,
                    number=s.projection.number,
                    state=s.projection.state,
                    received_at=s.projection.received_at,
                    deadline=None if s.projection.sla_stopped else s.projection.sla_deadline,
                    sla=_sla_state(s, instant),
                )
                for s in _every(lambda after: reports.list_all(limit=_PAGE, after=after))
            )

    def report(self, ref: str) -> Report:
        """
        Load one report (by number or id), its history verified.
        """
        with self.storage.unit_of_work(read_only=True) as uow:
            return self._load(uow.reports, ref)
