"""
Confidential reports at the desk: the reporter's requests, the unsealing, the sealed texts.

The rules are the domain's (:mod:`layanan_aduan.domain.confidential`); this module takes them
to the desk:

- a later message that only asks for confidentiality ("RAHASIA", "tolong rahasiakan identitas
  saya"), from a sender with a report that is not final, records ``request_confidentiality``
  on their most recent such report (row 1c of docs/desk.md); the answer picked from an
  interactive row :func:`~layanan_aduan.domain.confidential.confidential_reply_id` does the
  same for the report it names, when it is the sender's own;
- :meth:`Confidentiality.unseal_identity`: the section head (or the acting section head)
  unseals a confidential report's identity, stating a reason; the staff directory decides
  who may (:func:`~layanan_aduan.domain.confidential.authorize_unseal`);
- :func:`staff_text`: a free text the staff see (the handover's summary), with a sealed
  report's identity replaced by :data:`~layanan_aduan.domain.confidential.SEALED`.
"""

from __future__ import annotations

import enum
import logging
from typing import Final

import pendulum

from layanan_aduan.domain.confidential import (
    SEALED,
    SEALED_EN,
    authorize_unseal,
    identity_values,
    only_asks_confidentiality,
    parse_confidential_reply,
    seal_text,
)
from layanan_aduan.domain.report import Actor, Report
from layanan_aduan.domain.workflow import ReportState, Role
from layanan_aduan.drafts import Draft
from layanan_aduan.exceptions import ReportInputError, TransitionNotAllowedError
from layanan_aduan.ports.inbound import InboundMessage, MessageKind
from layanan_aduan.service_layer._desk_core import DeskCore, StepResult
from layanan_aduan.service_layer.report_stream import load_report

__all__ = ["NOT_A_REQUEST", "Confidentiality", "sealed_label", "staff_text"]

_log = logging.getLogger("layanan_aduan.desk")

_FINAL = (ReportState.COMPLETED, ReportState.CLOSED)


class _NotARequest(enum.Enum):
    NOT_A_REQUEST = "not_a_request"


#: What :meth:`Confidentiality._take_confidentiality_request` answers for a draft that asks
#: no confidentiality: the next rows of the routing table decide.
NOT_A_REQUEST: Final = _NotARequest.NOT_A_REQUEST


def sealed_label(language: str = "id") -> str:
    """
    What the staff see in place of a sealed identity value, in ``language``.

    >>> sealed_label(), sealed_label("en")
    ('[dirahasiakan]', '[confidential]')
    """
    return SEALED_EN if language == "en" else SEALED


def staff_text(report: Report, text: str | None, language: str = "id") -> str | None:
    """
    ``text`` as the staff may read it: unchanged unless the report's identity is sealed, then
    with the reporter's name (and each of its words), NIK, telephone, WhatsApp id, address,
    e-mail and WhatsApp key replaced by :func:`sealed_label`, and identity lines emptied.
    """
    if text is None or not report.identity_sealed:
        return text
    values = identity_values(report.details.to_dict(), report.submitter_id)
    return seal_text(text, values, sealed=sealed_label(language))


def _reporter_id(message: InboundMessage) -> str:
    # As the report's submitter id was made: the number when WhatsApp gives it.
    sender = message.sender
    return sender.phone if sender.phone is not None else sender.key


class Confidentiality(DeskCore):
    """
    The confidentiality use case of the desk (a base of
    :class:`~layanan_aduan.service_layer.intake.Intake`).
    """

    def unseal_identity(self, report: str, *, section_head: str, reason: str) -> StepResult:
        """
        Unseal the identity of the confidential report ``report`` (by number or id):
        ``section_head`` is the staff id of the section head or the acting section head
        (the directory decides, at the clock's instant); ``reason`` says why (required).
        Recorded as the annotation ``unseal_identity`` with the reason; nothing is sent.

        Raises:
            StaffAuthorizationError: ``unknown_staff``, ``reporter_cannot_act``,
                ``role_not_held`` (an officer, or a Plh outside their dates).
            ReportInputError: ``not_confidential``, ``already_unsealed``,
                ``unseal_reason_required``, ``unseal_reason_too_long``.
        """
        now = self.clock.now()
        timezone = self.standard.office.timezone
        with self.storage.unit_of_work() as uow:
            loaded = self._load(uow.reports, report)
            before = loaded.version
            details = loaded.details
            granted = authorize_unseal(
                self.staff.member(self.office, section_head),
                staff_id=section_head,
                office=self.office,
                at=now,
                timezone=timezone,
                reporter={
                    "phone": details.phone,
                    "user_id": details.whatsapp_user_id,
                    "id": loaded.submitter_id,
                },
            )
            actor = Actor(section_head, Role.SECTION_HEAD, staff_role=granted)
            last = loaded.events[-1]
            loaded.unseal_identity(
                at=max(now, last.at),
                recorded_at=max(now, last.recorded_at),
                actor=actor,
                reason=reason,
            )
            result = self._save(uow, loaded, before, now)
            uow.commit()
        _log.info("identity unsealed (report %s)", loaded.number or loaded.id)
        return result

    def _take_confidentiality_request(
        self, draft: Draft[InboundMessage], text: str
    ) -> StepResult | int | _NotARequest | None:
        """
        Row 1c of the routing table: the reply picked from a confidentiality offer, or a
        message that only asks for confidentiality from a sender with a report that is not
        final, taken (see :meth:`_take_confidentiality`); else :data:`NOT_A_REQUEST`.
        """
        first = draft.messages[0]
        at = self.bounded_instant(draft.last_at)
        if first.kind is MessageKind.INTERACTIVE and len(draft.messages) == 1:
            reply = first.reply
            if reply is not None and parse_confidential_reply(reply.id) is not None:
                return self._take_confidentiality(draft, at, medium="button")
        if (
            all(m.media is None and m.kind is MessageKind.TEXT for m in draft.messages)
            and only_asks_confidentiality(text)
            and self._has_unfinished_report(first)
        ):
            return self._take_confidentiality(draft, at, medium="keyword")
        return NOT_A_REQUEST

    def bounded_instant(self, claimed: pendulum.DateTime) -> pendulum.DateTime:
        """
        A message's claimed instant bounded by the clock, as the intake bounds it.
        """
        now = self.clock.now()
        if claimed > now + self.clock_skew or claimed < now - self.redelivery_window:
            return now
        return min(claimed, now)

    def _take_confidentiality(
        self, draft: Draft[InboundMessage], at: pendulum.DateTime, *, medium: str
    ) -> StepResult | int | None:
        """
        Record the sender's request for confidentiality (``medium`` ``"keyword"`` or
        ``"button"``) on their report: the one an interactive reply names, else their most
        recent report that is not final. The step, the number of messages taken without a
        change (already confidential, or no such report), or ``None`` when another worker
        took them first.
        """
        first = draft.messages[0]
        named = None
        if first.kind is MessageKind.INTERACTIVE and first.reply is not None:
            named = parse_confidential_reply(first.reply.id)
        actor = Actor(_reporter_id(first), Role.REPORTER)
        now = self.clock.now()
        with self.storage.unit_of_work() as uow:
            uow.lock(f"sender:{self.office}:{first.sender.key}")
            mine = self._sender_reports(uow.reports, first.sender.phone, first.sender.user_id)
            open_ = [
                x
                for x in mine
                if x.projection.state not in _FINAL and (named is None or x.report_id == named)
            ]
            target: Report | None = None
            if open_:
                newest = max(open_, key=lambda x: (x.projection.updated_at, x.report_id))
                loaded = load_report(
                    uow.reports, newest.report_id, office=self.office, signing=self.signing
                )
                if loaded.submitter_id == actor.id:
                    target = loaded
            before = 0 if target is None else target.version
            if target is not None:
                last = target.events[-1]
                try:
                    target.request_confidentiality(
                        at=max(at, last.sla_at),
                        actor=actor,
                        medium=medium,
                        message_id=first.message_id,
                        claimed_at=draft.last_at,
                        recorded_at=max(now, last.recorded_at),
                    )
                except (ReportInputError, TransitionNotAllowedError) as e:
                    _log.info("confidentiality not recorded: %s", e.code)
                    target = None
            report_id = None if target is None else target.id
            taken = self._record_inbox(uow, draft, report_id, now)
            if not taken:
                return None
            if target is None:
                uow.commit()
                return len(draft.messages)
            result = self._save(uow, target, before, now, taken=taken)
            uow.commit()
        return result

    def _has_unfinished_report(self, message: InboundMessage) -> bool:
        with self.storage.unit_of_work(read_only=True) as uow:
            mine = self._sender_reports(uow.reports, message.sender.phone, message.sender.user_id)
        return any(x.projection.state not in _FINAL for x in mine)
