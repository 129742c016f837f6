"""
What happens to a message: the intake of the desk.

:meth:`Intake.ingest` takes a parsed webhook. Each sender's messages (a draft) go through the
routing table of docs/desk.md, in its order: a staff number never makes a report (the section
head's direction is step 4, anything else gets a help text); the reporter's rating after the
follow-up is recorded (:mod:`~layanan_aduan.service_layer.rating`); a question about one's own
report is answered; an addition to the sender's open report is added; content makes a new report; a
greeting alone gets the menu; what the service cannot use is answered once per sender per ten
minutes. Every message is taken once (the storage inbox records it in the same unit of work as
what was made of it), its timestamp bounded by the clock.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import enum
import logging
import re
import uuid
from collections.abc import Iterable, Sequence
from typing import Final, Literal

import attrs
import pendulum

from layanan_aduan.domain.confidential import asks_confidentiality
from layanan_aduan.domain.evidence import (
    EvidenceFile,
    EvidenceInspection,
    inspect_evidence_file,
)
from layanan_aduan.domain.intents import (
    StatusQuestion,
    is_greeting,
    reply_direction,
    staff_direction,
    status_question,
)
from layanan_aduan.domain.kinds import recognise_kind
from layanan_aduan.domain.report import Actor, Report, ReporterDetails, ReportKind
from layanan_aduan.domain.staff import StaffMember
from layanan_aduan.domain.workflow import Action, ReportState, Role
from layanan_aduan.domain.worktime import (
    SlaStatus,
)
from layanan_aduan.drafts import Draft, DraftAssembler
from layanan_aduan.exceptions import (
    InvalidMessageError,
    InvalidTypeError,
    MediaFetchError,
    MediaSpoolError,
    OutboxMessageNotFoundError,
    OutboxStateError,
    ReportInputError,
    ReportNotFoundError,
    StaffAuthorizationError,
    StorageInputError,
    TransitionNotAllowedError,
)
from layanan_aduan.media import FetchedMedia
from layanan_aduan.messaging import Recipient
from layanan_aduan.notifications import (
    RenderedNotification,
)
from layanan_aduan.ports import (
    OutboxMessage,
    OutboxStatus,
    ReportRepository,
    UnitOfWork,
)
from layanan_aduan.ports.inbound import (
    DeliveryStatus,
    InboundMessage,
    MessageKind,
    ParsedWebhook,
    Sender,
    SkippedItem,
    StatusUpdate,
)
from layanan_aduan.privacy import mask
from layanan_aduan.service_layer._desk_core import (
    StepResult,
)
from layanan_aduan.service_layer.confidential import NOT_A_REQUEST, Confidentiality
from layanan_aduan.service_layer.rating import Ratings, RatingVerdict
from layanan_aduan.service_layer.replies import replied_handover
from layanan_aduan.service_layer.report_stream import (
    assign_report_number,
    load_report,
)
from layanan_aduan.service_layer.throttle import HELD_BACK, check_flood, sender_digest

__all__ = ["REPORT_ID_NAMESPACE", "IngestResult", "Intake", "parse_details"]

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


#: A sender who sends what the service cannot use is answered at most once in this many seconds.
_UNUSABLE_WINDOW_SECONDS: Final = 600


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


@attrs.frozen
class IngestResult:
    """
    What :meth:`Desk.ingest` made of a webhook.

    Attributes:
        steps: One result per report made, added to, completed or rated, in order.
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


def _reporter_id(message: InboundMessage) -> str:
    # The phone number when WhatsApp gives it, so the id matches the report's contact.
    sender = message.sender
    return sender.phone if sender.phone is not None else sender.key


@attrs.frozen
class _Answered:
    # A question answered: how many messages it took, and the answer's outbox key.
    messages: int
    key: str


def _unreadable(error: OSError | None) -> MediaSpoolError:
    # A fetched media file's temporary file could not be read back as it was written: the
    # webhook is taken again on its redelivery.
    return MediaSpoolError(
        "Berkas media sementara tidak dapat dibaca utuh; coba lagi nanti.",
        "The temporary media file cannot be read back whole; retry later.",
        details={"error": None if error is None else type(error).__name__},
    )


class _Reply(enum.Enum):
    # A reply to a handover that names another report's full number: the text rule decides.
    NAMES_ANOTHER_REPORT = "names_another_report"


@attrs.frozen
class _Media:
    # A fetched media file (in its temporary file) and what its bytes are as evidence.
    file: FetchedMedia
    inspection: EvidenceInspection


class Intake(Ratings, Confidentiality):
    """
    The intake use case of the desk (a mixin of :class:`~layanan_aduan.service_layer.desk.Desk`).
    """

    def ingest(self, parsed: ParsedWebhook) -> IngestResult:
        """
        Take a parsed webhook: make or complete reports, enqueue their notifications, and
        apply its status callbacks.

        Each message is taken once: a redelivered message is counted in ``duplicates``.
        Media are fetched before the unit of work, one at a time, each streamed into a private
        temporary file and inspected there, so memory stays bounded whatever their number and
        size; an accepted file is copied into the evidence store in pieces when its report is
        made, and every temporary file is deleted before ``ingest`` returns. A transient fetch
        failure (``MessagingRetryLaterError``) raises and nothing is taken or stored, so the
        redelivery is taken whole. A media file that is gone or too large is left out and the
        report records the evidence as missing.

        Raises:
            UnknownBusinessNumberError: A message or status of the webhook was sent to a
                business number that is not this office's; nothing is taken.
        """
        with contextlib.ExitStack() as media_files:
            return self._ingest(parsed, media_files)

    def _ingest(self, parsed: ParsedWebhook, media_files: contextlib.ExitStack) -> IngestResult:
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
        media = {m.message_id: self._fetch(m, media_files) for m in fresh if m.media is not None}
        assembler: DraftAssembler[InboundMessage] = DraftAssembler(window=self.draft_window)
        # An answer picked from an interactive message is a draft of its own (rule 1b).
        picked = [m for m in fresh if m.kind is MessageKind.INTERACTIVE]
        drafts = [
            *assembler.add_all(m for m in fresh if m.kind is not MessageKind.INTERACTIVE),
            *assembler.drain(),
            *(Draft(m.sender_key, (m,)) for m in picked),
        ]
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

    def _fetch(self, message: InboundMessage, media_files: contextlib.ExitStack) -> _Media | None:
        # Fetch one media file into its temporary file (deleted when media_files closes) and
        # inspect it there; None when it is gone or too large.
        assert message.media is not None  # noqa: S101 - only media messages are fetched
        try:
            fetched = self.media.fetch(message.media.media_id, max_bytes=self.limits.largest)
        except MediaFetchError as e:
            _log.warning("media not fetched: %s", e.code)
            return None
        media_files.enter_context(fetched)
        try:
            with fetched.open() as f:
                inspection = inspect_evidence_file(
                    f, limits=self.limits, file_name=message.media.filename
                )
        except OSError as e:
            raise _unreadable(e) from e
        return _Media(fetched, inspection)

    def _route(  # noqa: PLR0911 - one return per row of the routing table
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
        # 1c. The reporter asks that their identity be kept confidential: the reply picked
        # from the offer, or a message that only says so, for a report that is not final.
        asked = self._take_confidentiality_request(draft, text)
        if asked is not NOT_A_REQUEST:
            return asked
        # 1a. The reporter's rating after the follow-up; an interactive reply that is none
        # is input the service cannot use (rule 6).
        rated = self._take_rating(draft, self.bounded(draft.last_at, self.clock.now()))
        if rated is RatingVerdict.UNUSABLE:
            return self._answer_unusable_draft(draft)
        if not isinstance(rated, RatingVerdict):
            return rated
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

    def _answer(
        self, draft: Draft[InboundMessage], rendered: RenderedNotification, purpose: str
    ) -> _Answered | int | None:
        # Take the draft's messages and answer their sender; nothing else is made.
        first = draft.messages[0]
        now = self.clock.now()
        key = self._key(purpose, first.message_id)
        with self.storage.unit_of_work() as uow:
            uow.lock(f"sender:{self.office}:{first.sender.key}")
            answered = self._put_answer(uow, draft, rendered, key, now)
            if answered is None:
                return None
            uow.commit()
        return answered

    def _put_answer(
        self,
        uow: UnitOfWork,
        draft: Draft[InboundMessage],
        rendered: RenderedNotification,
        key: str,
        now: pendulum.DateTime,
        *,
        report_id: str | None = None,
    ) -> _Answered | int | None:
        # Take the draft's messages and put the answer to their sender, in ``uow``; None when
        # another worker took the same redelivery first (leave without committing). When the
        # sender floods the answer is held back: the flood's answer, if put now, is the one
        # listed, else the messages count as taken (throttle.py).
        taken = self._record_inbox(uow, draft, None, now)
        if not taken:
            return None
        if taken.quiet and rendered.kind in HELD_BACK:
            return (
                len(draft.messages)
                if taken.reply is None
                else _Answered(len(draft.messages), taken.reply.key)
            )
        sender = draft.messages[0].sender
        message = rendered.message(Recipient(phone=sender.phone, user_id=sender.user_id), key)
        uow.outbox.put(
            key,
            {**message.to_payload(), "notification": rendered.kind.value},
            created_at=now,
            report_id=report_id,
            office=self.office,
        )
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
                    digest = sender_digest(self.office, sender)
                    flood = check_flood(
                        uow.inbox,
                        self.flood,
                        office=self.office,
                        sender=digest,
                        now=now,
                        arriving=1,
                    )
                    if not uow.inbox.record(
                        item.message_id,
                        received_at=now,
                        report_id=None,
                        office=self.office,
                        sender=digest,
                        throttled=flood.flooding,
                    ):
                        continue
                    put = False
                    if flood.reply:
                        # A flood: its one answer instead (throttle.py).
                        key = self._put_throttled(uow, recipient, item.message_id, now).key
                        put = True
                    elif not flood.flooding:
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

    def _answer_unusable_draft(self, draft: Draft[InboundMessage]) -> _Answered | int | None:
        # Rule 6 for messages parsed whole that the service still cannot use (an interactive
        # reply that is no rating): the same answer, once per sender per ten minutes.
        items = [
            SkippedItem(
                code="unsupported_message_type",
                path="interactive",
                item_type=m.kind.value,
                message_id=m.message_id,
                sender_key=m.sender.key,
            )
            for m in draft.messages
        ]
        answers, taken = self._answer_unusable(items)
        if answers:
            return _Answered(taken, answers[0])
        return taken or None

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
                # Never before what the SLA counts for the last event, never recorded before it.
                last = report.events[-1]
                at, recorded = max(last_at, last.sla_at), max(now, last.recorded_at)
                policy = (
                    self.standard.anonymous_policy
                    if report.anonymous
                    else self.standard.requirement_policy
                )
                try:
                    if report.state is ReportState.AWAITING_COMPLETION:
                        report.complete_requirements(
                            at=at,
                            actor=actor,
                            details=details,
                            evidence=evidence,
                            limits=self.limits,
                            policy=policy,
                            claimed_at=draft.last_at,
                            recorded_at=recorded,
                        )
                    else:
                        report.add_to_submission(
                            at=at,
                            actor=actor,
                            message=rest,
                            details=details,
                            evidence=evidence,
                            limits=self.limits,
                            policy=policy,
                            claimed_at=draft.last_at,
                            recorded_at=recorded,
                        )
                    if asks_confidentiality(rest) and not report.confidential:
                        # The addition asks for confidentiality too: recorded after it.
                        report.request_confidentiality(
                            at=report.events[-1].at,
                            actor=actor,
                            message_id=first.message_id,
                            recorded_at=report.events[-1].recorded_at,
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
                # A standard that accepts anonymous reports takes one without name and NIK
                # (confidential by construction); otherwise the identity is required.
                anonymous = (
                    self.standard.accept_anonymous and details.name is None and details.nik is None
                )
                report = Report.submit(
                    id=report_id,
                    at=first_at,
                    claimed_at=draft.first_at,
                    recorded_at=now,
                    actor=actor,
                    kind=kind or recognise_kind(rest) or ReportKind.ADUAN,
                    details=details.merged(contact),
                    message=rest,
                    evidence=evidence,
                    channel=self.standard.channel,
                    limits=self.limits,
                    policy=(
                        self.standard.anonymous_policy
                        if anonymous
                        else self.standard.requirement_policy
                    ),
                    confidential=asks_confidentiality(rest),
                    anonymous=anonymous,
                )
                before = 0
                year = report.received_at.in_timezone(self.standard.office.timezone).year
                assign_report_number(uow.reports, report, office=self.office, year=year)
            taken = self._record_inbox(uow, draft, report.id, now)
            if not taken:
                return None
            result = self._save(uow, report, before, now, taken=taken)
            uow.commit()
        return result

    def _take_staff_message(
        self, draft: Draft[InboundMessage], member: StaffMember, text: str
    ) -> StepResult | _Answered | int | None:
        """
        A message from a staff number: the section head's direction (step 4) when it names a
        report by its full number and says the direction, recorded with that person as the
        actor; anything else (or a direction the directory or the workflow refuses) is
        answered with a short help text and makes nothing.
        """
        handover = replied_handover(self.storage.outbox, self.office, draft.messages)
        if handover is not None:
            # A reply to a handover: the direction for its report (unless it names another).
            replied = self._take_handover_reply(draft, member, text, handover)
            if replied is not _Reply.NAMES_ANOTHER_REPORT:
                return replied
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
                    report.give_direction(
                        at=now, recorded_at=now, actor=actor, direction=direction.text
                    )
                except (
                    ReportNotFoundError,
                    StaffAuthorizationError,
                    TransitionNotAllowedError,
                    ReportInputError,
                ) as e:
                    _log.info("a staff message was not a direction: %s", e.code)
                    note_id, note_en = e.message, e.message_en
                else:
                    taken = self._record_inbox(uow, draft, report.id, now)
                    if not taken:
                        return None
                    result = self._save(uow, report, before, now, taken=taken)
                    uow.commit()
                    return result
            rendered = self.renderer.staff_help(
                example, note_en if self.language == "en" else note_id, language=self.language
            )
            key = self._key("staff_help", first.message_id)
            answered = self._put_answer(uow, draft, rendered, key, now)
            if answered is None:
                return None
            uow.commit()
        return answered

    def _take_handover_reply(
        self,
        draft: Draft[InboundMessage],
        member: StaffMember,
        text: str,
        handover: OutboxMessage,
    ) -> StepResult | _Answered | int | _Reply | None:
        """
        A staff member's WhatsApp reply to the handover of a report (``context.id`` names it):
        the direction (step 4) for that report, recorded with that person as the actor, even
        when the text does not name the report's number. The directory decides who may give
        it (whoever holds the section head's duties now); anyone else gets the staff help
        text saying why. A report that no longer awaits a direction gets a short answer
        saying so (``direction_not_awaited``). Neither answer changes the report. A reply that
        names another report's full number is left to the text rule
        (:attr:`_Reply.NAMES_ANOTHER_REPORT`).
        """
        assert handover.report_id is not None  # noqa: S101 - replied_handover finds only these
        first = draft.messages[0]
        now = self.clock.now()
        with self.storage.unit_of_work() as uow:
            uow.lock(f"sender:{self.office}:{first.sender.key}")
            report = load_report(uow.reports, handover.report_id, office=self.office)
            number = report.number if report.number is not None else report.id
            given = reply_direction(text, number)
            if given is None:
                return _Reply.NAMES_ANOTHER_REPORT
            if any(m.media is not None for m in draft.messages):
                given = ""  # a direction is given as text, as by the number rule
            before = report.version
            try:
                actor = self._staff_actor(report, now, member.staff_id, Action.GIVE_DIRECTION)
                report.give_direction(at=now, actor=actor, direction=given)
            except (StaffAuthorizationError, TransitionNotAllowedError, ReportInputError) as e:
                _log.info("a reply to a handover was not a direction: %s", e.code)
                if e.code == "transition_not_allowed":
                    state = self.standard.workflow.state(str(report.state))
                    label = state.label_en if self.language == "en" else state.label
                    rendered = self.renderer.direction_not_awaited(
                        number, label, kind=report.kind, language=self.language
                    )
                else:
                    note = e.message_en if self.language == "en" else e.message
                    rendered = self.renderer.staff_help(number, note, language=self.language)
                key = self._key(rendered.kind.value, first.message_id)
                answered = self._put_answer(uow, draft, rendered, key, now, report_id=report.id)
                if answered is None:
                    return None
                uow.commit()
                return answered
            taken = self._record_inbox(uow, draft, report.id, now)
            if not taken:
                return None
            result = self._save(uow, report, before, now, taken=taken)
            uow.commit()
        return result

    def _answer_status(
        self, draft: Draft[InboundMessage], question: StatusQuestion
    ) -> _Answered | int | None:
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
                report = load_report(
                    uow.reports, target.report_id, office=self.office, signing=self.signing
                )
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
            answered = self._put_answer(uow, draft, rendered, key, now, report_id=report_id)
            if answered is None:
                return None
            uow.commit()
        return answered

    def _evidence_of(
        self, draft: Draft[InboundMessage], media: dict[str, _Media | None]
    ) -> list[EvidenceFile | EvidenceInspection]:
        evidence: list[EvidenceFile | EvidenceInspection] = []
        for m in draft.messages:
            item = media.get(m.message_id)
            if item is None:
                continue
            accepted = item.inspection.evidence
            if accepted is None:
                # The inspection itself: the report records what is wrong with the file.
                evidence.append(item.inspection)
                continue
            try:
                with item.file.open() as f:
                    stored = self.evidence.put_stream(f)
            except OSError as e:
                raise _unreadable(e) from e
            if stored != accepted.sha256:
                # The temporary file changed after it was inspected: nothing is made of it.
                raise _unreadable(None)
            evidence.append(accepted)
        return evidence

    def _take_unusable(self, draft: Draft[InboundMessage]) -> int | None:
        now = self.clock.now()
        with self.storage.unit_of_work() as uow:
            if not self._record_inbox(uow, draft, None, now):
                return None
            uow.commit()
        return len(draft.messages)

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
            report = load_report(
                reports, newest.report_id, office=self.office, signing=self.signing
            )
            if report.submitter_id == actor_id:
                return report
        received = [x for x in mine if x.projection.received_at is not None]
        if not received:
            return None
        latest = max(received, key=lambda x: (x.projection.received_at, x.report_id))
        if latest.projection.state != ReportState.SUBMITTED:
            return None
        report = load_report(reports, latest.report_id, office=self.office, signing=self.signing)
        if report.submitter_id != actor_id or report.state is not ReportState.SUBMITTED:
            return None
        # The gap between the draft's span and the report's, whichever arrived first.
        gap = max(
            draft.first_at - report.events[-1].sla_at,
            report.received_at - draft.last_at,
            dt.timedelta(0),
        )
        return report if gap <= self.draft_window else None

    def record_statuses(self, statuses: Iterable[StatusUpdate]) -> int:
        """
        Mark outbox messages sent when WhatsApp reports them sent, delivered or read.

        The outbox key comes back in ``biz_opaque_callback_data``. This closes the gap of a
        dispatcher that sent a message and died before marking it: the message is not sent
        again. The channel's id of the message (``wamid.…``) is recorded with it, also on a
        message marked sent without one, so a reply naming it is found. A ``failed`` status
        is logged (with its error codes); the storage's outbox does not move a sent message
        back to pending. Returns how many statuses were applied.
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
                pending = message.status is OutboxStatus.PENDING
                if pending or (
                    message.status is OutboxStatus.SENT and message.provider_message_id is None
                ):
                    applied += self._mark_sent_by_status(key, status, pending=pending)
            except (OutboxMessageNotFoundError, OutboxStateError):
                _log.info("status for an unknown outbox message (%s)", mask(key))
        return applied

    def _mark_sent_by_status(self, key: str, status: StatusUpdate, *, pending: bool) -> bool:
        # With the channel's id the callback carries (what a reply's context.id names); an id
        # the storage cannot hold is left out, and a pending message is still marked sent.
        # True when something changed.
        try:
            self.storage.outbox.mark_sent(key, at=status.at, provider_message_id=status.message_id)
        except StorageInputError as e:
            _log.warning("status callback's message id not kept: %s", e.code)
            if not pending:
                return False
            self.storage.outbox.mark_sent(key, at=status.at)
        return True
