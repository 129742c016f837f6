"""
Deadlines follow the calendar: re-projecting open reports when the calendar changes.

Each stored projection records the fingerprint of the calendar its SLA instants were computed
with (:attr:`~layanan_aduan.ports.ReportProjection.calendar_fingerprint`). When the desk's
calendar differs (new overrides, a new holiday data release, a decree for a year that was
provisional), :meth:`Reprojection.reproject` finds the office's open reports whose fingerprint
differs (or is unknown), recomputes each projection from the report's events with the current
calendar and saves it against the version it read (optimistic concurrency: a report changed
meanwhile is left for the next run, which its own step has re-projected anyway). The history
is not touched: the deadline is a figure derived from the events and the calendar, not an
event. Each applied re-projection is recorded in the report's audit log
(:meth:`~layanan_aduan.ports.ReportRepository.add_audit_record`, kind ``sla_reprojected``):
the old and new deadline, the old and new calendar fingerprint, the reasons and the notice.

The result names each report, its old and new deadline and why: the closed days, reopened
days and special hours between the start of its clock and its deadline, each with its name,
legal basis and whether it comes from the operator's overrides. A reporter whose open report's
deadline moved later because of a closure is told the new deadline and the reason once (the
``deadline_moved`` notification, keyed by report and new deadline).

The composition root runs it when a desk starts (:func:`~layanan_aduan.service_layer.bootstrap.
compose`); ``layanan-aduan hitung-ulang`` shows what would move and, with ``--jalankan``,
applies it.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

import attrs
import pendulum

from layanan_aduan.domain.calendar import DayKind, OfficeCalendar
from layanan_aduan.domain.report import Report
from layanan_aduan.domain.worktime import SlaReport, WorkingTime
from layanan_aduan.exceptions import (
    ConcurrencyConflictError,
    LayananAduanError,
    ValidationError,
)
from layanan_aduan.notifications import NotificationKind
from layanan_aduan.ports import UnitOfWork
from layanan_aduan.service_layer._desk_core import DeskCore, OutboxEntry
from layanan_aduan.service_layer.report_stream import load_report, project, save_report

__all__ = [
    "DEFAULT_BATCH_SIZE",
    "DeadlineReason",
    "ReprojectedReport",
    "Reprojection",
    "ReprojectionResult",
    "deadline_reasons",
]

_log = logging.getLogger("layanan_aduan.desk")

DEFAULT_BATCH_SIZE = 200
"""How many reports one page of the re-projection reads (each report is its own unit of work)."""

_REASON_LABELS = {
    "closed": ("libur", "closed"),
    "reopened": ("dibuka kembali", "reopened"),
    "special_hours": ("jam khusus", "special hours"),
}


@attrs.frozen
class DeadlineReason:
    """
    One day of the calendar that places a deadline where it is.

    Attributes:
        date: The local date.
        kind: ``"closed"`` (a libur nasional, cuti bersama or local closure), ``"reopened"``
            (a decreed day the office works after all) or ``"special_hours"``.
        name: Indonesian name (the holiday's, the reopening's reason, the hours' note).
        name_en: English name (the Indonesian one where the calendar has no other).
        day_kind: For a closed day, what closes it (libur nasional, cuti bersama, ...).
        legal_basis: The decree behind a closed day, when the calendar names one.
        override: True when the day comes from the operator's overrides, not the holiday data.
    """

    date: dt.date
    kind: str
    name: str
    name_en: str
    day_kind: DayKind | None = None
    legal_basis: str | None = None
    override: bool = False

    def describe(self, language: str = "id") -> str:
        """
        The day in words, e.g. ``"2025-08-18: Cuti bersama HUT RI ke-80 (cuti bersama;
        override)"``.

        >>> DeadlineReason(dt.date(2025, 8, 18), "closed", "Cuti bersama HUT RI ke-80",
        ...                "Joint leave", DayKind.JOINT_LEAVE, None, True).describe()
        '2025-08-18: Cuti bersama HUT RI ke-80 (cuti bersama; override)'
        """
        en = language == "en"
        name = self.name_en if en else self.name
        if self.day_kind is not None:
            what = self.day_kind.label_en if en else self.day_kind.label
        else:
            what = _REASON_LABELS[self.kind][1 if en else 0]
        parts = [what]
        if self.legal_basis:
            parts.append(self.legal_basis)
        if self.override:
            parts.append("override")
        return f"{self.date.isoformat()}: {name} ({'; '.join(parts)})"


@attrs.frozen
class ReprojectedReport:
    """
    One report the re-projection looked at.

    Attributes:
        report_id: Its id.
        number: Its number (``None`` before one is assigned).
        old_deadline: The stored SLA deadline (``None`` when none was stored).
        new_deadline: The deadline with the current calendar.
        old_calendar: The fingerprint the stored projection was computed with (``None``:
            unknown).
        reasons: The calendar's days that place the new deadline (see :class:`DeadlineReason`).
        notice: The reporter's ``deadline_moved`` notification, when one was put in the outbox.
    """

    report_id: str
    number: str | None
    old_deadline: pendulum.DateTime | None
    new_deadline: pendulum.DateTime | None
    old_calendar: str | None
    reasons: tuple[DeadlineReason, ...] = ()
    notice: OutboxEntry | None = None

    @property
    def moved(self) -> bool:
        """
        True when the deadline is not where it was stored.
        """
        return self.old_deadline != self.new_deadline

    @property
    def later(self) -> bool:
        """
        True when the deadline moved later.
        """
        old, new = self.old_deadline, self.new_deadline
        return old is not None and new is not None and new > old


@attrs.frozen
class ReprojectionResult:
    """
    What one re-projection run found (and, when ``applied``, saved).

    Attributes:
        calendar: The fingerprint of the desk's current calendar (``None``: the calendar gives
            none, so nothing can be compared and nothing was looked at).
        applied: False for a dry run: nothing was saved or notified.
        reports: Every stale report looked at, in storage order.
        conflicts: Reports changed by someone else meanwhile (left for the next run).
        failures: Reports that could not be re-projected, with the error's code (e.g.
            ``history_tampered``): each is logged and left as stored, and the others go on.
    """

    calendar: str | None
    applied: bool
    reports: tuple[ReprojectedReport, ...] = ()
    conflicts: tuple[str, ...] = ()
    failures: tuple[tuple[str, str], ...] = ()

    @property
    def moved(self) -> tuple[ReprojectedReport, ...]:
        """
        The reports whose deadline moved.
        """
        return tuple(r for r in self.reports if r.moved)

    @property
    def notices(self) -> tuple[OutboxEntry, ...]:
        """
        The reporters' notifications put in the outbox.
        """
        return tuple(r.notice for r in self.reports if r.notice is not None)


def _iso(instant: pendulum.DateTime | None) -> str | None:
    return None if instant is None else instant.in_timezone("UTC").isoformat()


def _audit(
    item: ReprojectedReport, calendar: str | None, notice: OutboxEntry | None
) -> dict[str, Any]:
    """
    The audit record of one re-projection: what an auditor reads beside the history.
    """
    return {
        "kind": "sla_reprojected",
        "old_deadline": _iso(item.old_deadline),
        "new_deadline": _iso(item.new_deadline),
        "old_calendar": item.old_calendar,
        "new_calendar": calendar,
        "reasons": [
            {
                "date": r.date.isoformat(),
                "kind": r.kind,
                "day_kind": None if r.day_kind is None else r.day_kind.value,
                "name": r.name,
                "name_en": r.name_en,
                "legal_basis": r.legal_basis,
                "override": r.override,
            }
            for r in item.reasons
        ],
        "notice": None if notice is None else notice.key,
    }


def deadline_reasons(sla: SlaReport, working_time: WorkingTime) -> tuple[DeadlineReason, ...]:
    """
    The days of ``working_time``'s calendar that place ``sla``'s deadline where it is: each
    closure (not a weekend) with its legal basis, each reopened or special-hours day, and
    whether the operator's overrides set it; in date order.
    """
    calendar = working_time.calendar
    overrides = calendar.overrides if isinstance(calendar, OfficeCalendar) else None
    closed = {(d.date, d.kind) for d in overrides.closed} if overrides is not None else set()
    reopened = {r.date for r in overrides.reopened} if overrides is not None else set()
    reasons = [
        DeadlineReason(
            date=c.date,
            kind="closed",
            name=c.name,
            name_en=c.name_en,
            day_kind=c.kind,
            legal_basis=c.legal_basis,
            override=(c.date, c.kind) in closed,
        )
        for c in sla.closures
        if c.kind is not DayKind.WEEKEND
    ]
    for day in sla.special_hours:
        note = day.note or ""
        is_reopened = day.date in reopened
        reasons.append(
            DeadlineReason(
                date=day.date,
                kind="reopened" if is_reopened else "special_hours",
                name=note,
                name_en=note,
                override=overrides is not None,
            )
        )
    return tuple(sorted(reasons, key=lambda r: r.date))


class Reprojection(DeskCore):
    """
    The re-projection use case of the desk (a mixin of
    :class:`~layanan_aduan.service_layer.desk.Desk`).
    """

    def reproject(
        self, *, apply: bool = True, batch_size: int = DEFAULT_BATCH_SIZE
    ) -> ReprojectionResult:
        """
        Re-project the office's open reports computed with another calendar than the desk's.

        Args:
            apply: Save the new projections and notify reporters (default); ``False`` only
                computes what would move.
            batch_size: Reports read per page (1 to 1000).

        Each report is loaded (its history verified), projected with the current calendar and
        saved with no new event against the version it was read at, in its own unit of work
        with its notification. Running it again finds nothing: it is idempotent.

        Raises:
            ValidationError: ``invalid_batch_size`` for a batch size outside 1 to 1000.
        """
        if isinstance(batch_size, bool) or not isinstance(batch_size, int):
            batch_size = 0
        if not 1 <= batch_size <= 1000:
            raise ValidationError(
                "Ukuran kelompok harus 1 sampai 1000.",
                "The batch size must be 1 to 1000.",
                code="invalid_batch_size",
                field="batch_size",
            )
        fingerprint = self.working_time.calendar_fingerprint
        if fingerprint is None:
            return ReprojectionResult(None, apply)
        now = self.clock.now()
        done: list[ReprojectedReport] = []
        conflicts: list[str] = []
        failures: list[tuple[str, str]] = []
        after: str | None = None
        while True:
            with self.storage.unit_of_work(read_only=True) as uow:
                page = uow.reports.stale_projections(
                    fingerprint, office=self.office, limit=batch_size, after=after
                )
            for summary in page.items:
                try:
                    done.append(self._reproject_one(summary.report_id, summary.version, apply, now))
                except ConcurrencyConflictError:
                    conflicts.append(summary.report_id)
                except LayananAduanError as e:
                    # One report that cannot be re-projected (a history that fails its check,
                    # a reporter with no usable contact) never holds back the others.
                    _log.warning("report not re-projected: %s", e.code)
                    failures.append((summary.report_id, e.code))
            if page.next_cursor is None:
                break
            after = page.next_cursor
        result = ReprojectionResult(
            fingerprint, apply, tuple(done), tuple(conflicts), tuple(failures)
        )
        if apply and done:
            _log.info(
                "re-projected %d report(s) of %s: %d deadline(s) moved, %d notice(s), "
                "%d conflict(s)",
                len(done),
                self.office,
                len(result.moved),
                len(result.notices),
                len(conflicts),
            )
        return result

    def _reproject_one(
        self, report_id: str, version: int, apply: bool, now: pendulum.DateTime
    ) -> ReprojectedReport:
        with self.storage.unit_of_work(read_only=not apply) as uow:
            stored = uow.reports.get(report_id)
            if stored.version != version:
                raise ConcurrencyConflictError(
                    "Laporan berubah saat dihitung ulang.",
                    "The report changed while being re-projected.",
                    field="expected_version",
                )
            report = load_report(uow.reports, report_id, office=self.office, signing=self.signing)
            old = stored.projection
            projection = project(
                report,
                self.working_time,
                office=self.office,
                goal=self.standard.completion_time,
                thresholds=self.thresholds,
            )
            sla = report.sla(
                report.events[-1].at,
                self.working_time,
                goal=self.standard.completion_time,
                thresholds=self.thresholds,
            )
            item = ReprojectedReport(
                report_id=report_id,
                number=report.number,
                old_deadline=old.sla_deadline,
                new_deadline=projection.sla_deadline,
                old_calendar=old.calendar_fingerprint,
                reasons=self._reasons(sla),
            )
            if not apply:
                return item
            save_report(uow.reports, report, projection, signing=self.signing)
            notice = self._notice(uow, report, item, now)
            uow.reports.add_audit_record(
                report_id, _audit(item, projection.calendar_fingerprint, notice), recorded_at=now
            )
            uow.commit()
        return attrs.evolve(item, notice=notice)

    def _reasons(self, sla: SlaReport) -> tuple[DeadlineReason, ...]:
        return deadline_reasons(sla, self.working_time)

    def _notice(
        self, uow: UnitOfWork, report: Report, item: ReprojectedReport, now: pendulum.DateTime
    ) -> OutboxEntry | None:
        # Told once, only when a closure pushed an open report's deadline later.
        closures = [r for r in item.reasons if r.kind == "closed"]
        if not item.later or not closures or item.new_deadline is None:
            return None
        kind = NotificationKind.DEADLINE_MOVED
        key = f"{report.id}:{kind.value}:{item.new_deadline.in_timezone('UTC').isoformat()}"
        en = self.language == "en"
        rendered = self.renderer.deadline_moved(
            report.number if report.number is not None else report.id,
            item.new_deadline,
            [f"{r.date.isoformat()} {r.name_en if en else r.name}" for r in closures],
            kind=report.kind,
            language=self.language,
        )
        message = rendered.message(self._reporter(report), key)
        new = uow.outbox.put(
            key,
            {**message.to_payload(), "notification": kind.value},
            created_at=now,
            report_id=report.id,
            office=self.office,
        )
        return OutboxEntry(key, kind) if new else None
