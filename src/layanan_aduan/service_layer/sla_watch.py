"""
The SLA watch: the at-risk and breached alerts, each once per report.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence

import pendulum

from layanan_aduan.domain.report import Report
from layanan_aduan.domain.staff import StaffRole
from layanan_aduan.domain.worktime import SlaStatus
from layanan_aduan.exceptions import (
    ConcurrencyConflictError,
    IdempotencyKeyConflictError,
    StaffRoleVacantError,
)
from layanan_aduan.messaging import Recipient
from layanan_aduan.notifications import (
    NotificationKind,
)
from layanan_aduan.ports import UnitOfWork
from layanan_aduan.service_layer._desk_core import (
    DeskCore,
    OutboxEntry,
)
from layanan_aduan.service_layer.report_stream import (
    load_report,
    project,
    save_report,
)

_ALERTED_FROM = {
    NotificationKind.SLA_AT_RISK: frozenset(
        {SlaStatus.AT_RISK, SlaStatus.CRITICAL, SlaStatus.BREACHED}
    ),
    NotificationKind.SLA_BREACHED: frozenset({SlaStatus.BREACHED}),
    NotificationKind.SERVICE_COMPLAINT_CHANNEL: frozenset({SlaStatus.BREACHED}),
}


def _confirmed(kinds: Sequence[NotificationKind], status: SlaStatus) -> list[NotificationKind]:
    """
    The alerts of ``kinds`` that the SLA status the domain computes now still calls for.
    """
    return [k for k in kinds if status in _ALERTED_FROM[k]]


_AT_RISK = (NotificationKind.SLA_AT_RISK,)
_BREACHED = (NotificationKind.SLA_BREACHED, NotificationKind.SERVICE_COMPLAINT_CHANNEL)
_AT_RISK_SUFFIX = f":{NotificationKind.SLA_AT_RISK.value}"
_BREACHED_SUFFIX = f":{NotificationKind.SLA_BREACHED.value}"
_COMPLAINT_SUFFIX = f":{NotificationKind.SERVICE_COMPLAINT_CHANNEL.value}"


def _plain(instant: pendulum.DateTime) -> dt.datetime:
    """
    ``instant`` as a plain aware ``datetime`` in UTC, cheap to compare with stored instants.
    """
    u = instant.in_timezone("UTC")
    return dt.datetime(
        u.year, u.month, u.day, u.hour, u.minute, u.second, u.microsecond, tzinfo=dt.UTC
    )


__all__ = ["SlaWatch"]

_log = logging.getLogger("layanan_aduan.desk")


class SlaWatch(DeskCore):
    """
    The SLA-watch use case of the desk (a mixin of :class:`~layanan_aduan.service_layer.desk.Desk`).
    """

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

        One narrow query (:meth:`~layanan_aduan.ports.ReportRepository.sla_due`: ids and
        stored instants) finds the reports at risk or breached, and one bulk lookup of the
        outbox (:meth:`~layanan_aduan.ports.Outbox.stored_keys`) drops the alerts already
        queued: a sweep with nothing new to alert loads no report.

        The listing compares stored instants; before queuing an alert the sweep re-checks the
        report's SLA from its events with the current calendar and queues only what that
        status calls for (at risk: at risk, critical or breached; breach: breached). A report
        whose stored projection disagrees gets the current calendar's projection instead.
        """
        now = self.clock.now()
        moment = _plain(now)
        with self.storage.unit_of_work(read_only=True) as uow:
            due = uow.reports.sla_due(now, office=self.office)
        # At-risk reports first, then breached ones, each in the order they were first stored.
        risky: list[str] = []
        breached: list[str] = []
        for d in due:
            (breached if d.is_breached(moment) else risky).append(d.report_id)
        # Each alert's outbox key, ``<report id>:<notification>``.
        risk_keys = [r + _AT_RISK_SUFFIX for r in risky]
        breach_keys = [r + _BREACHED_SUFFIX for r in breached]
        complaint_keys = [r + _COMPLAINT_SUFFIX for r in breached]
        # Which alerts are queued already: one bulk lookup, before any report is loaded.
        queued = self.storage.outbox.stored_keys(risk_keys + breach_keys + complaint_keys)
        entries: list[OutboxEntry] = []
        for report_id, key in zip(risky, risk_keys, strict=True):
            if key not in queued:
                entries.extend(self._alert(report_id, _AT_RISK, now))
        for report_id, breach, complaint in zip(breached, breach_keys, complaint_keys, strict=True):
            todo = [
                kind
                for kind, key in zip(_BREACHED, (breach, complaint), strict=True)
                if key not in queued
            ]
            if todo:
                entries.extend(self._alert(report_id, todo, now))
        return tuple(entries)

    def _alert(
        self, report_id: str, kinds: Sequence[NotificationKind], now: pendulum.DateTime
    ) -> list[OutboxEntry]:
        entries: list[OutboxEntry] = []
        try:
            with self.storage.unit_of_work() as uow:
                report = load_report(
                    uow.reports, report_id, office=self.office, signing=self.signing
                )
                number = report.number if report.number is not None else report.id
                sla = report.sla(
                    now,
                    self.working_time,
                    goal=self.standard.completion_time,
                    thresholds=self.thresholds,
                )
                # The listing compared stored instants, which an older calendar may have placed:
                # only what the domain says now, with the current calendar, is alerted.
                due = _confirmed(kinds, sla.status)
                if len(due) < len(kinds):
                    self._refresh(uow, report)
                for kind in due:
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
        except ConcurrencyConflictError:
            # A step saved the report meanwhile (with a fresh projection): the next sweep sees it.
            return []
        except IdempotencyKeyConflictError:
            # A concurrent sweep enqueued the same alert first (with other figures): keep it.
            return []
        return entries

    def _refresh(self, uow: UnitOfWork, report: Report) -> None:
        # The stored projection disagrees with the domain: store the current calendar's.
        projection = project(
            report,
            self.working_time,
            office=self.office,
            goal=self.standard.completion_time,
            thresholds=self.thresholds,
        )
        save_report(uow.reports, report, projection, signing=self.signing)

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
