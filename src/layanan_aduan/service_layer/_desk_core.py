"""
The desk's core: its ports and office, and what every use case of the desk shares.

:class:`DeskCore` holds the ports a desk is built from (storage, evidence, media, clock, staff
directory, standard, working time, renderer) and the office it is bound to, and does what the
use cases share: loading and saving a report with its notifications in one unit of work,
looking up who holds a role, and the outbox keys. The use cases live in their own modules
(:mod:`~layanan_aduan.service_layer.intake`, :mod:`~layanan_aduan.service_layer.steps`,
:mod:`~layanan_aduan.service_layer.sla_watch`, :mod:`~layanan_aduan.service_layer.queries`);
:class:`~layanan_aduan.service_layer.desk.Desk` brings them together.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Callable, Iterable, Iterator
from typing import Final, TypeVar

import attrs
import pendulum

from layanan_aduan.clock import Clock
from layanan_aduan.domain.evidence import (
    DEFAULT_LIMITS,
    EvidenceLimits,
)
from layanan_aduan.domain.flood import DEFAULT_FLOOD_POLICY, FloodPolicy
from layanan_aduan.domain.history import Event
from layanan_aduan.domain.report import Actor, Report
from layanan_aduan.domain.staff import StaffMember, StaffRole, authorize
from layanan_aduan.domain.standard import ServiceStandard
from layanan_aduan.domain.workflow import Action, ReportState, Role
from layanan_aduan.domain.worktime import (
    DEFAULT_SLA_THRESHOLDS,
    SlaThresholds,
    WorkingTime,
)
from layanan_aduan.drafts import DEFAULT_DRAFT_WINDOW, Draft
from layanan_aduan.exceptions import (
    StaffRoleVacantError,
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
    EvidenceStore,
    Page,
    ReportRepository,
    ReportSummary,
    StaffDirectory,
    Storage,
    UnitOfWork,
)
from layanan_aduan.ports.inbound import (
    InboundMessage,
    ParsedWebhook,
)
from layanan_aduan.service_layer.report_stream import (
    VerifiedReports,
    load_report,
    load_report_by_number,
    project,
    save_report,
)
from layanan_aduan.service_layer.signing import HeadSigning
from layanan_aduan.service_layer.throttle import HELD_BACK, check_flood, sender_digest

__all__ = ["CUSTOMER_SERVICE_WINDOW", "DeskCore", "OutboxEntry", "StepResult", "Taken"]

_log = logging.getLogger("layanan_aduan.desk")

_PAGE = 500

#: WhatsApp delivers free-form messages (text, interactive lists) only this long after the
#: person's last message: the customer-service window.
CUSTOMER_SERVICE_WINDOW: Final = dt.timedelta(hours=24)


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
class Taken:
    """
    What recording a draft's messages in the inbox gave (true when they were taken).

    Attributes:
        taken: All were recorded now; false when another worker took the same redelivery
            first (leave without committing).
        quiet: Their sender floods: hold back the replies of
            :data:`~layanan_aduan.service_layer.throttle.HELD_BACK`.
        reply: The flood's one answer, when it was put now.
    """

    taken: bool
    quiet: bool = False
    reply: OutboxEntry | None = None

    def __bool__(self) -> bool:
        return self.taken


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


def _staff_text(report: Report, text: str | None, language: str) -> str | None:
    # service_layer/confidential.py's staff_text (imported late: that module builds on this).
    from layanan_aduan.service_layer.confidential import staff_text

    return staff_text(report, text, language)


def _window_open(report: Report, at: pendulum.DateTime) -> bool:
    """
    Whether the reporter's customer-service window is open at ``at`` as far as the report's
    history shows: their last message on it (the submission, an addition, the completion of
    the requirements) less than :data:`CUSTOMER_SERVICE_WINDOW` before.
    """
    last = max(e.at for e in report.events if e.actor_role is Role.REPORTER)
    return at - last < CUSTOMER_SERVICE_WINDOW


class DeskCore:
    """
    The ports, the office and the shared work of a desk (see
    :class:`~layanan_aduan.service_layer.desk.Desk`, which is what callers build).
    """

    #: How far ahead of the clock a message's own timestamp is still believed.
    CLOCK_SKEW: Final = dt.timedelta(minutes=5)
    #: How far back a message's own timestamp is believed: WhatsApp redelivers for 7 days.
    REDELIVERY_WINDOW: Final = dt.timedelta(days=7)

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
        signing: HeadSigning | None = None,
        flood: FloodPolicy = DEFAULT_FLOOD_POLICY,
    ) -> None:
        self.storage = storage
        #: Signs every head saved and verifies every head loaded (``None``: unsigned history).
        self.signing = signing
        self.flood = flood
        #: The reports this desk verified, so a step reads and checks only what was added
        #: (``None``: every load verifies the whole stream again).
        self.verified: VerifiedReports | None = VerifiedReports()
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
        return f"Desk(office={self.office!r}, storage={type(self.storage).__name__})"

    def _key(self, purpose: str, *parts: str) -> str:
        # Outbox keys of answers: message ids and senders embed telephone numbers, so a key
        # carries a digest of them, never the values.
        digest = hashlib.sha256("\x1f".join((self.office, *parts)).encode()).hexdigest()[:32]
        return f"{purpose}:{digest}"

    def _record_inbox(
        self,
        uow: UnitOfWork,
        draft: Draft[InboundMessage],
        report_id: str | None,
        now: pendulum.DateTime,
    ) -> Taken:
        # Records the draft's messages with their sender (a digest) and whether the sender
        # floods now; puts the flood's one answer when it is due (see throttle.py).
        first = draft.messages[0]
        sender = sender_digest(self.office, first.sender.key)
        check = check_flood(
            uow.inbox,
            self.flood,
            office=self.office,
            sender=sender,
            now=now,
            arriving=len(draft.messages),
        )
        taken = [
            uow.inbox.record(
                m.message_id,
                received_at=now,
                report_id=report_id,
                office=self.office,
                sender=sender,
                throttled=check.flooding,
            )
            for m in draft.messages
        ]
        if not all(taken):
            # Another worker took the same redelivery first: leave the block without committing.
            return Taken(taken=False)
        reply = None
        if check.reply:
            recipient = Recipient(phone=first.sender.phone, user_id=first.sender.user_id)
            reply = self._put_throttled(uow, recipient, first.message_id, now)
        return Taken(taken=True, quiet=check.flooding, reply=reply)

    def _put_throttled(
        self, uow: UnitOfWork, recipient: Recipient, message_id: str, now: pendulum.DateTime
    ) -> OutboxEntry:
        # The one answer of a flood, keyed by the message that found it.
        key = self._key(NotificationKind.THROTTLED.value, message_id)
        rendered = self.renderer.throttled(self.flood.window, language=self.language)
        message = rendered.message(recipient, key)
        uow.outbox.put(
            key,
            {**message.to_payload(), "notification": rendered.kind.value},
            created_at=now,
            office=self.office,
        )
        _log.info("a sender floods: replies held back, one answer put")
        return OutboxEntry(key, NotificationKind.THROTTLED)

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

    def _staff_actor(
        self, report: Report, at: pendulum.DateTime, staff_id: str, action: Action
    ) -> Actor:
        # Who the directory says ``staff_id`` is, and the role it gives them now.
        needed = Role.SECTION_HEAD if action is Action.GIVE_DIRECTION else Role.OFFICER
        office = self.office
        timezone = self.standard.office.timezone
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

    def _load(self, reports: ReportRepository, ref: str) -> Report:
        if "/" in ref:
            return load_report_by_number(
                reports, ref, office=self.office, signing=self.signing, verified=self.verified
            )
        return load_report(
            reports, ref, office=self.office, signing=self.signing, verified=self.verified
        )

    def _save(
        self,
        uow: UnitOfWork,
        report: Report,
        before: int,
        now: pendulum.DateTime,
        *,
        handover_summary: str | None = None,
        taken: Taken | None = None,
    ) -> StepResult:
        # ``taken``: how intake recorded the messages of the step. When their sender floods,
        # the notifications of HELD_BACK are not put, and the flood's answer is listed.
        quiet = taken is not None and taken.quiet
        new = report.events[before:]
        projection = project(
            report,
            self.working_time,
            office=self.office,
            goal=self.standard.completion_time,
            thresholds=self.thresholds,
        )
        version = save_report(uow.reports, report, projection, signing=self.signing)
        if self.verified is not None:
            # Kept by its head: if this unit of work does not commit, storage does not hold
            # that head and the next load verifies the stream again.
            self.verified.keep(report)
        entries: list[OutboxEntry] = []
        for event in new:
            for kind, recipient, rendered in self._notifications(report, event, handover_summary):
                if quiet and kind in HELD_BACK:
                    continue
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
        if taken is not None and taken.reply is not None:
            entries.append(taken.reply)
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

    def _confidentiality_notes(
        self, report: Report, event: Event
    ) -> Iterable[tuple[NotificationKind, Recipient, RenderedNotification]]:
        # To the reporter: a confidential request recorded (in the submission or later), or,
        # after the acknowledgement of an ordinary report, the offer when the standard makes it.
        number = report.number if report.number is not None else report.id
        asked = event.action == Action.REQUEST_CONFIDENTIALITY or (
            event.action == Action.SUBMIT and report.confidential
        )
        if asked:
            yield (
                NotificationKind.CONFIDENTIALITY_RECORDED,
                self._reporter(report),
                self.renderer.confidentiality_recorded(
                    number, kind=report.kind, language=self.language
                ),
            )
        elif event.action == Action.SUBMIT and self.standard.offer_confidentiality:
            yield (
                NotificationKind.CONFIDENTIALITY_OFFER,
                self._reporter(report),
                self.renderer.confidentiality_offer(
                    number, report.id, kind=report.kind, language=self.language
                ),
            )

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
                    number,
                    self._deadline(report, event.sla_at),
                    kind=report.kind,
                    language=language,
                ),
            )
        yield from self._confidentiality_notes(report, event)
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
                self._section_head(event.sla_at),
                render.handover(
                    number,
                    report.received_at,
                    self._deadline(report, event.sla_at),
                    # A confidential report's identity is sealed in what the staff read.
                    summary=_staff_text(report, summary, language),
                    fallback_summary=_staff_text(report, report.message, language),
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
            if _window_open(report, event.at):
                # The rating question is an interactive list: a free-form message, delivered
                # only within 24 hours of the reporter's last message. Outside it, none.
                yield (
                    NotificationKind.RATING_QUESTION,
                    self._reporter(report),
                    render.rating_question(number, report.id, kind=report.kind, language=language),
                )
        if action == Action.RATE:
            assert report.rating is not None  # noqa: S101 - the rate event records a rating
            yield (
                NotificationKind.RATING_THANKS,
                self._reporter(report),
                render.rating_thanks(
                    number, report.rating.value, kind=report.kind, language=language
                ),
            )
