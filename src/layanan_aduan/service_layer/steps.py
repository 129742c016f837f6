"""
The five steps and the side paths, as the staff take them.

Every step takes the acting person's staff id and raises ``StaffAuthorizationError``, changing
nothing, unless the staff directory gives them the step's role at the clock's instant.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import pendulum

from layanan_aduan.domain.report import CloseReason, Report, ReportKind
from layanan_aduan.domain.workflow import Action
from layanan_aduan.service_layer._desk_core import (
    DeskCore,
    StepResult,
)

__all__ = ["Steps"]

_log = logging.getLogger("layanan_aduan.desk")


class Steps(DeskCore):
    """
    The steps use case of the desk (a mixin of :class:`~layanan_aduan.service_layer.desk.Desk`).
    """

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
