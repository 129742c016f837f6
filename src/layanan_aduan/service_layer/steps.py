"""
The five steps and the side paths, as the staff take them.

Every step takes the acting person's staff id and raises ``StaffAuthorizationError``, changing
nothing, unless the staff directory gives them the step's role at the clock's instant.

Every step is recorded at the clock's instant (``recorded_at``), which the SLA counts. The
instant the step is about is the clock's too, unless the caller says when it happened
(``occurred_at``): a claim the report bounds (never after the clock's instant, never before
the previous event's instant, and not more than
:data:`~layanan_aduan.domain.report.CLAIMED_INSTANT_TOLERANCE` before the previous event's
recorded instant unless the step is an explicit late entry, ``late_entry_reason``).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

import attrs
import pendulum

from layanan_aduan.domain.history import to_instant
from layanan_aduan.domain.report import CloseReason, Report, ReportKind
from layanan_aduan.domain.workflow import Action
from layanan_aduan.exceptions import ReportInputError
from layanan_aduan.service_layer._desk_core import (
    DeskCore,
    StepResult,
)

__all__ = ["Steps"]

_log = logging.getLogger("layanan_aduan.desk")


@attrs.frozen
class _When:
    # The two instants of a step: what the actor says (at) and the clock's (recorded_at).
    at: pendulum.DateTime
    recorded_at: pendulum.DateTime
    late_entry_reason: str | None


class Steps(DeskCore):
    """
    The steps use case of the desk (a mixin of :class:`~layanan_aduan.service_layer.desk.Desk`).

    Each step takes, beside the report and the acting person, ``occurred_at`` (the instant the
    step happened, when it is not the clock's; an aware datetime) and ``late_entry_reason``
    (makes the step an explicit late entry, which ``occurred_at`` must then give). The clock's
    instant is what the SLA counts, whatever the step claims.
    """

    def receive(
        self,
        report: str,
        *,
        officer: str,
        occurred_at: dt.datetime | None = None,
        late_entry_reason: str | None = None,
    ) -> StepResult:
        """
        Step 2: the officer ``officer`` (a staff id) receives the report (by number or id).
        """

        def act(r: Report, w: _When) -> None:
            actor = self._staff_actor(r, w.recorded_at, officer, Action.RECEIVE)
            r.receive(
                at=w.at,
                recorded_at=w.recorded_at,
                late_entry_reason=w.late_entry_reason,
                actor=actor,
            )

        return self._step(report, act, occurred_at, late_entry_reason)

    def request_completion(
        self,
        report: str,
        *,
        officer: str,
        occurred_at: dt.datetime | None = None,
        late_entry_reason: str | None = None,
    ) -> StepResult:
        """
        Side path: the officer asks the reporter to complete the requirements (the SLA
        clock pauses); the reporter is told what is missing.
        """

        def act(r: Report, w: _When) -> None:
            actor = self._staff_actor(r, w.recorded_at, officer, Action.REQUEST_COMPLETION)
            r.request_completion(
                at=w.at,
                recorded_at=w.recorded_at,
                late_entry_reason=w.late_entry_reason,
                actor=actor,
            )

        return self._step(report, act, occurred_at, late_entry_reason)

    def forward(
        self,
        report: str,
        *,
        officer: str,
        summary: str | None = None,
        occurred_at: dt.datetime | None = None,
        late_entry_reason: str | None = None,
    ) -> StepResult:
        """
        Step 3: the officer passes the report to the Head of the Intelligence Section, who
        is notified (with ``summary``, when given): whoever holds the section head's duties
        then, the acting section head (Plh) on their dates.
        """

        def act(r: Report, w: _When) -> None:
            actor = self._staff_actor(r, w.recorded_at, officer, Action.FORWARD)
            r.forward(
                at=w.at,
                recorded_at=w.recorded_at,
                late_entry_reason=w.late_entry_reason,
                actor=actor,
            )

        return self._step(report, act, occurred_at, late_entry_reason, handover_summary=summary)

    def give_direction(
        self,
        report: str,
        *,
        section_head: str,
        direction: str,
        occurred_at: dt.datetime | None = None,
        late_entry_reason: str | None = None,
    ) -> StepResult:
        """
        Step 4: the Head of the Intelligence Section gives the direction for the follow-up;
        ``section_head`` is the staff id of whoever holds the section head's duties at the
        clock's instant (the acting section head, Plh, on their dates).
        """

        def act(r: Report, w: _When) -> None:
            actor = self._staff_actor(r, w.recorded_at, section_head, Action.GIVE_DIRECTION)
            r.give_direction(
                at=w.at,
                recorded_at=w.recorded_at,
                late_entry_reason=w.late_entry_reason,
                actor=actor,
                direction=direction,
            )

        return self._step(report, act, occurred_at, late_entry_reason)

    def deliver_follow_up(
        self,
        report: str,
        *,
        officer: str,
        follow_up: str,
        occurred_at: dt.datetime | None = None,
        late_entry_reason: str | None = None,
    ) -> StepResult:
        """
        Step 5: the officer delivers the follow-up; the reporter receives it.
        """

        def act(r: Report, w: _When) -> None:
            actor = self._staff_actor(r, w.recorded_at, officer, Action.DELIVER_FOLLOW_UP)
            r.deliver_follow_up(
                at=w.at,
                recorded_at=w.recorded_at,
                late_entry_reason=w.late_entry_reason,
                actor=actor,
                follow_up=follow_up,
            )

        return self._step(report, act, occurred_at, late_entry_reason)

    def close(
        self,
        report: str,
        *,
        officer: str,
        reason: CloseReason | str,
        note: str = "",
        occurred_at: dt.datetime | None = None,
        late_entry_reason: str | None = None,
    ) -> StepResult:
        """
        Side path: the officer closes a message that is not a report.

        Closing works on any report whatever its instants: a report stored before the desk
        bounded message timestamps may hold an event later than the clock; the closing is
        then recorded at that event's instant rather than refused.
        """

        def act(r: Report, w: _When) -> None:
            actor = self._staff_actor(r, w.recorded_at, officer, Action.CLOSE)
            last = r.events[-1]
            r.close(
                at=max(w.at, last.at) if occurred_at is None else w.at,
                recorded_at=max(w.recorded_at, last.recorded_at),
                late_entry_reason=w.late_entry_reason,
                actor=actor,
                reason=reason,
                note=note,
            )

        return self._step(report, act, occurred_at, late_entry_reason)

    def correct_kind(
        self,
        report: str,
        *,
        officer: str,
        kind: ReportKind | str,
        note: str = "",
        occurred_at: dt.datetime | None = None,
        late_entry_reason: str | None = None,
    ) -> StepResult:
        """
        Side path: the officer corrects the report's kind (a request for information sent as
        a complaint, ...); the state and the SLA clock do not change.
        """

        def act(r: Report, w: _When) -> None:
            actor = self._staff_actor(r, w.recorded_at, officer, Action.CORRECT_KIND)
            r.correct_kind(
                at=w.at,
                recorded_at=w.recorded_at,
                late_entry_reason=w.late_entry_reason,
                actor=actor,
                kind=kind,
                note=note,
            )

        return self._step(report, act, occurred_at, late_entry_reason)

    def _step(
        self,
        ref: str,
        act: Callable[[Report, _When], None],
        occurred_at: dt.datetime | None,
        late_entry_reason: str | None,
        *,
        handover_summary: str | None = None,
    ) -> StepResult:
        now = self.clock.now()
        if late_entry_reason is not None and occurred_at is None:
            raise ReportInputError(
                "Entri terlambat harus menyebut kapan langkah itu terjadi.",
                "A late entry must say when the step happened.",
                code="late_entry_without_instant",
                field="occurred_at",
            )
        claimed = now if occurred_at is None else to_instant(occurred_at, "occurred_at")
        when = _When(claimed, now, late_entry_reason)
        with self.storage.unit_of_work() as uow:
            report = self._load(uow.reports, ref)
            before = report.version
            act(report, when)
            result = self._save(uow, report, before, now, handover_summary=handover_summary)
            uow.commit()
        return result
