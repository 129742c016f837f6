"""
After the follow-up: the reporter's rating, as the intake takes it (row 1b of docs/desk.md).

When step 5 is recorded the desk puts a rating question in the outbox (an interactive list, 1
to 5, within the reporter's 24-hour window; see
:meth:`~layanan_aduan.service_layer._desk_core.DeskCore._notifications`). The answer comes
back in one of two forms, and this module decides whether a message is one:

- the row picked from that list (``list_reply``, or a ``button_reply``): its id names the
  report and the rating (:func:`~layanan_aduan.domain.rating.parse_rating_reply`). It is taken
  for the sender's own completed report whose question was put in the outbox; a rating reply
  for their report that has its rating already is taken and changes nothing; any other
  interactive reply is input the service cannot use (rule 6);
- a digit typed by hand, 1 to 5 with nothing around it but whitespace and punctuation
  (:func:`~layanan_aduan.domain.rating.rating_answer`), from a reporter whose report awaits
  a rating: completed within :attr:`Ratings.RATING_WINDOW`, not rated, and its question sent.
  Any other digit is not a rating and goes on through the table.

A rating is recorded on the report (``rate``, an annotation: the report stays completed) in
one unit of work with the inbox record and the thank-you (``rating_thanks``).
"""

from __future__ import annotations

import datetime as dt
import enum
import logging
from typing import Final

import pendulum

from layanan_aduan.domain.rating import parse_rating_reply, rating_answer
from layanan_aduan.domain.report import Actor, Report
from layanan_aduan.domain.workflow import Action, ReportState, Role
from layanan_aduan.drafts import Draft
from layanan_aduan.exceptions import OutboxMessageNotFoundError, RatingNotAllowedError
from layanan_aduan.notifications import NotificationKind
from layanan_aduan.ports import OutboxStatus
from layanan_aduan.ports.inbound import InboundMessage, MessageKind
from layanan_aduan.service_layer._desk_core import DeskCore, StepResult
from layanan_aduan.service_layer.report_stream import load_report

__all__ = ["RatingVerdict", "Ratings"]

_log = logging.getLogger("layanan_aduan.desk")


class RatingVerdict(enum.Enum):
    """
    What :meth:`Ratings._take_rating` found when a draft was not taken as a rating.
    """

    NOT_A_RATING = "not_a_rating"
    """Not an answer to a rating question: the next rows of the table decide."""
    UNUSABLE = "unusable"
    """An interactive reply that is no rating the desk can take: rule 6 answers it."""


def _reporter_id(message: InboundMessage) -> str:
    # As the report's submitter id was made: the number when WhatsApp gives it.
    sender = message.sender
    return sender.phone if sender.phone is not None else sender.key


class Ratings(DeskCore):
    """
    The rating use case of the intake (a base of
    :class:`~layanan_aduan.service_layer.intake.Intake`).
    """

    #: How long after the follow-up a digit typed by hand is read as the rating (an answer
    #: picked from the list is taken whenever it comes, once).
    RATING_WINDOW: Final = dt.timedelta(days=7)

    def _take_rating(
        self, draft: Draft[InboundMessage], at: pendulum.DateTime
    ) -> StepResult | int | RatingVerdict | None:
        """
        Take ``draft`` as the sender's rating if it is one, recorded at ``at`` (its instant,
        bounded by the clock): the step (``rate`` and the thank-you), the number of messages
        taken without a change (a repeated answer), ``None`` when another worker took them
        first, or a :class:`RatingVerdict` when it is no rating.
        """
        first = draft.messages[0]
        if first.kind is MessageKind.INTERACTIVE:
            parsed = None if first.reply is None else parse_rating_reply(first.reply.id)
            if len(draft.messages) != 1 or parsed is None:
                return RatingVerdict.UNUSABLE
            report_id, value = parsed
            return self._rate(draft, value, at, named=report_id)
        if any(m.kind is not MessageKind.TEXT for m in draft.messages):
            return RatingVerdict.NOT_A_RATING
        typed = rating_answer("\n".join(m.text or "" for m in draft.messages))
        if typed is None:
            return RatingVerdict.NOT_A_RATING
        return self._rate(draft, typed, at, named=None)

    def _rate(
        self,
        draft: Draft[InboundMessage],
        value: int,
        at: pendulum.DateTime,
        *,
        named: str | None,
    ) -> StepResult | int | RatingVerdict | None:
        first = draft.messages[0]
        actor = Actor(_reporter_id(first), Role.REPORTER)
        now = self.clock.now()
        target = self._awaiting(first, actor, now, named=named)
        if isinstance(target, RatingVerdict):
            return target
        with self.storage.unit_of_work() as uow:
            uow.lock(f"sender:{self.office}:{first.sender.key}")
            report = load_report(uow.reports, target.id, office=self.office)
            before = report.version
            try:
                report.rate(
                    at=max(at, report.events[-1].at),
                    actor=actor,
                    rating=value,
                    message_id=first.message_id,
                    claimed_at=draft.last_at,
                )
            except RatingNotAllowedError as e:
                # A second answer picked from the list (a double tap), or a rating recorded
                # meanwhile: taken, and the first rating stands.
                _log.info("rating not recorded: %s", e.code)
                if not self._record_inbox(uow, draft, report.id, now):
                    return None
                uow.commit()
                return len(draft.messages)
            if not self._record_inbox(uow, draft, report.id, now):
                return None
            result = self._save(uow, report, before, now)
            uow.commit()
        return result

    def _awaiting(
        self,
        message: InboundMessage,
        actor: Actor,
        now: pendulum.DateTime,
        *,
        named: str | None,
    ) -> Report | RatingVerdict:
        """
        The sender's report the answer rates. A digit rates the report awaiting a rating
        that was followed up last (else :attr:`RatingVerdict.NOT_A_RATING`). A picked row
        rates the report it names when that is the sender's own, completed, and its question
        was put in the outbox (rated already or not: the report refuses a second rating);
        else :attr:`RatingVerdict.UNUSABLE`.
        """
        sender = message.sender
        candidates: list[Report] = []
        with self.storage.unit_of_work(read_only=True) as uow:
            mine = self._sender_reports(uow.reports, sender.phone, sender.user_id)
            for summary in mine:
                if summary.projection.state != ReportState.COMPLETED:
                    continue
                if named is not None and summary.report_id != named:
                    continue
                if named is None and summary.projection.updated_at < now - self.RATING_WINDOW:
                    # Its last event (the follow-up, or a rating) is older than the window.
                    continue
                report = load_report(uow.reports, summary.report_id, office=self.office)
                if report.submitter_id == actor.id:
                    candidates.append(report)
        if named is not None:
            if candidates and self._asked(candidates[0], sent_only=False):
                return candidates[0]
            return RatingVerdict.UNUSABLE
        waiting = [
            r
            for r in candidates
            if r.rating is None
            and r.clock_stopped_at is not None
            and r.clock_stopped_at >= now - self.RATING_WINDOW
            and self._asked(r, sent_only=True)
        ]
        if not waiting:
            return RatingVerdict.NOT_A_RATING
        return max(waiting, key=lambda r: (r.clock_stopped_at, r.id))

    def _asked(self, report: Report, *, sent_only: bool) -> bool:
        """
        Whether the report's rating question was put in the outbox (and, ``sent_only``,
        marked sent): a digit is an answer only to a question the reporter received.
        """
        follow_up = next(e for e in report.events if e.action == Action.DELIVER_FOLLOW_UP)
        key = f"{report.id}:{follow_up.seq}:{NotificationKind.RATING_QUESTION.value}"
        try:
            question = self.storage.outbox.get(key)
        except OutboxMessageNotFoundError:
            return False
        if question.office not in (None, self.office):
            return False
        return question.status is OutboxStatus.SENT or not sent_only
