"""
What the desk lists: the office's reports with their SLA status, filtered and paged.
"""

from __future__ import annotations

import datetime as dt
import enum
import logging

import attrs
import pendulum

from layanan_aduan.domain.report import Report
from layanan_aduan.domain.worktime import WorkingTime
from layanan_aduan.exceptions import CalendarError
from layanan_aduan.ports import (
    DEFAULT_PAGE_SIZE,
    Page,
    ReportProjection,
    ReportSummary,
)
from layanan_aduan.service_layer._desk_core import (
    _PAGE,
    DeskCore,
)

__all__ = ["Queries", "ReportLine", "SlaState"]

_log = logging.getLogger("layanan_aduan.desk")


class SlaState(enum.StrEnum):
    """
    A report's SLA status at an instant, as the desk lists it.
    """

    ON_TIME = "on_time"
    AT_RISK = "at_risk"
    BREACHED = "breached"
    PAUSED = "paused"
    STOPPED = "stopped"
    STOPPED_LATE = "stopped_late"
    """Stopped (followed up or closed) after its deadline had passed: the breach stays shown."""

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
    SlaState.STOPPED_LATE: "selesai, terlambat",
}


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
        sla: Its SLA status at the instant asked; a report whose clock stopped after its
            deadline is ``stopped_late`` ("selesai, terlambat"), never plainly ``stopped``.
        kind: The report's kind (``laporan``, ``aduan``, ``permohonan_informasi``), when known.
    """

    report_id: str
    number: str | None
    state: str
    received_at: pendulum.DateTime | None
    deadline: pendulum.DateTime | None
    sla: SlaState
    kind: str | None = None


def _stopped_late(p: ReportProjection, working_time: WorkingTime) -> bool:
    # Late when working time went by between the deadline and the stop (the domain's breach:
    # more working time used than the goal). Only a stop after the deadline is measured. A
    # projection stored before the stop was kept stopped at its last event's SLA instant.
    deadline = p.sla_deadline
    stop = p.updated_at if p.sla_stopped_at is None else p.sla_stopped_at
    if deadline is None or stop <= deadline:
        return False
    try:
        return working_time.elapsed(deadline, stop).duration > dt.timedelta(0)
    except CalendarError:
        # A calendar that cannot measure the span (no data for its year): after the deadline.
        return True


def _sla_state(
    summary: ReportSummary, at: pendulum.DateTime, working_time: WorkingTime
) -> SlaState:
    p = summary.projection
    if p.sla_stopped:
        return SlaState.STOPPED_LATE if _stopped_late(p, working_time) else SlaState.STOPPED
    if p.is_breached(at):
        return SlaState.BREACHED
    if p.sla_paused:
        return SlaState.PAUSED
    if p.is_at_risk(at):
        return SlaState.AT_RISK
    return SlaState.ON_TIME


class Queries(DeskCore):
    """
    The queries of the desk (a mixin of :class:`~layanan_aduan.service_layer.desk.Desk`).
    """

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
                sla=_sla_state(s, instant, self.working_time),
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
