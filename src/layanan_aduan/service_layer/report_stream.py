"""
Reports as domain entities over the storage ports: load, save, number and project them.

The storage ports speak event streams (canonical event dicts) and a projection; this module is
the thin layer between them and :class:`~layanan_aduan.domain.report.Report`:

- :func:`load_report` rebuilds a report from its stored events with
  :meth:`Report.from_events <layanan_aduan.domain.report.Report.from_events>`, verifying the
  hash chain against the version and head hash kept beside the stream;
- :func:`save_report` appends the report's new events against the version they were decided
  on (optimistic concurrency) with its projection;
- :func:`assign_report_number` allocates the next number of an office and year (gap-free in
  the unit of work) and gives it to the report;
- :func:`project` computes the projection, SLA instants included, with the domain's
  working-time engine: storage only compares the instants it is given.

>>> import pendulum
>>> from layanan_aduan.adapters.storage import InMemoryStorage
>>> from layanan_aduan.domain.report import Actor, Report, ReporterDetails
>>> from layanan_aduan.adapters.holidays_id import indonesian_calendar
>>> from layanan_aduan.domain.worktime import WorkingTime
>>> working_time = WorkingTime(indonesian_calendar())
>>> t0 = pendulum.datetime(2026, 1, 9, 9, tz="Asia/Jakarta")
>>> report = Report.submit(
...     id="r-1", at=t0, actor=Actor("+6281234567890", "reporter"), kind="aduan",
...     details=ReporterDetails(name="Budi Santoso", nik="3171010101900001",
...                             phone="081234567890"),
...     message="Dugaan pungli.", evidence=[b"%PDF-1.4\\n%%EOF\\n"],
... )
>>> storage = InMemoryStorage()
>>> with storage.unit_of_work() as uow:
...     assign_report_number(uow.reports, report, office="KNJP", year=2026)
...     save_report(uow.reports, report, project(report, working_time, office="KNJP"))
...     uow.commit()
'LAP/KNJP/2026/000001'
1
>>> with storage.unit_of_work() as uow:
...     stored = load_report(uow.reports, "r-1")
...     stored.receive(at=t0.add(minutes=5), actor=Actor("petugas-01", "officer"))
...     save_report(uow.reports, stored, project(stored, working_time, office="KNJP"))
...     uow.commit()
2
>>> with storage.unit_of_work(read_only=True) as uow:
...     summary = uow.reports.by_reporter(phone="+6281234567890").items[0]
...     summary.projection.state, summary.projection.sla_deadline.isoformat()
('received', '2026-01-09T05:00:00+00:00')
"""

from __future__ import annotations

import collections
import datetime as dt
import math
import threading

import attrs
import pendulum

from layanan_aduan.domain.history import Event
from layanan_aduan.domain.identity import PhoneNumber, WhatsAppUserId
from layanan_aduan.domain.report import Report, format_report_number
from layanan_aduan.domain.standard import KEJARI_JAKARTA_PUSAT
from layanan_aduan.domain.worktime import (
    DEFAULT_SLA_THRESHOLDS,
    SlaStatus,
    SlaThresholds,
    WorkingTime,
)
from layanan_aduan.exceptions import (
    HistoryTamperedError,
    ReportNotFoundError,
    StorageInputError,
    TransitionNotAllowedError,
    ValidationError,
)
from layanan_aduan.ports import ReportProjection, ReportRepository, StoredReport
from layanan_aduan.privacy import redact_identifiers
from layanan_aduan.service_layer.signing import HeadSigning

__all__ = [
    "VerifiedReports",
    "assign_report_number",
    "load_report",
    "load_report_by_number",
    "project",
    "save_report",
]

_MICROSECOND = dt.timedelta(microseconds=1)


def _us(value: dt.timedelta) -> int:
    # Whole microseconds, exactly (pendulum's Duration does not floor-divide by a timedelta).
    return (value.days * 86_400 + value.seconds) * 1_000_000 + value.microseconds


def _rebuild(stored_events: tuple[dict[str, object], ...], **anchor: object) -> Report:
    events = [Event.from_dict(e) for e in stored_events]
    return Report.from_events(events, **anchor)  # type: ignore[arg-type]  # anchor: number, version, head


def _of_office(stored: StoredReport, office: str | None, field: str, value: str) -> StoredReport:
    if office is not None and stored.projection.office != office:
        # Another office's report is answered exactly like a missing one: a desk learns
        # nothing about reports that are not its own.
        what_id, what_en = ("nomor", "number") if field == "number" else ("id", "id")
        shown = redact_identifiers(value)
        raise ReportNotFoundError(
            f"Laporan dengan {what_id} {shown!r} tidak ditemukan.",
            f"No report with {what_en} {shown!r}.",
            field=field,
            details={field: shown},
        )
    return stored


def _verified(stored: StoredReport, signing: HeadSigning | None) -> Report:
    report = _rebuild(
        stored.events,
        number=stored.projection.number,
        version=stored.version,
        head=stored.projection.head_hash,
    )
    if signing is not None:
        signing.check(stored.report_id, stored.version, stored.projection)
    return report


class VerifiedReports:
    """
    Reports this process has verified from their stored history, kept to continue from.

    A step loads a report with a :class:`VerifiedReports` (``load_report(..., verified=...)``)
    to read and check only what was stored after the version it verified last: the events
    after it (each intact, linked to the verified head hash, and reaching the version and head
    hash stored beside the stream) and, with a signer, the stored head's signature, every time.
    So a step costs the same for a report of 5 events as for one of 1,000.

    The trust argument (docs/storage.md, "Verified reports"): what is kept was verified in
    this process, from the whole stream, and is held in this process's memory, which the
    database cannot rewrite; it is keyed by the head hash it ends at, and a stored stream that
    does not continue it (a different head, a shorter stream, a broken link, an edited new
    event) is verified again from its first event, so a tampered event is reported exactly as
    before. An event stored *before* the kept version and rewritten later is not read by the
    step, so it cannot change what the step decides; it is found by any full verification
    (:func:`load_report` without ``verified``, the audit export, re-projection, a new process).

    Holds at most ``capacity`` reports, the least recently used dropped first; safe to share
    between threads.

    >>> verified = VerifiedReports(capacity=2)
    >>> len(verified)
    0
    """

    def __init__(self, capacity: int = 4096) -> None:
        if capacity < 1:
            raise StorageInputError(
                "Kapasitas laporan terverifikasi harus paling sedikit 1.",
                "The capacity of verified reports must be at least 1.",
                code="invalid_capacity",
                field="capacity",
            )
        self.capacity = capacity
        self._lock = threading.Lock()
        self._by_id: collections.OrderedDict[str, Report] = collections.OrderedDict()
        self._by_number: dict[str, str] = {}

    def __len__(self) -> int:
        return len(self._by_id)

    def __repr__(self) -> str:
        return f"VerifiedReports({len(self)} of {self.capacity})"

    def _find(self, field: str, value: str) -> Report | None:
        with self._lock:
            report_id = value if field == "report_id" else self._by_number.get(value)
            report = None if report_id is None else self._by_id.get(report_id)
            if report is not None:
                self._by_id.move_to_end(report.id)
            return report

    def keep(self, report: Report) -> None:
        """
        Keep ``report``, loaded verified or made by its own actions from such a report and
        saved, with no events waiting to be saved.

        Keeping is safe before the unit of work commits: a kept report is continued only
        from storage holding its very version and head hash, so a step that rolled back (or
        lost a race) leaves nothing a load would trust.

        Raises:
            StorageInputError: ``events_not_saved``: the report has events not yet collected.
        """
        if report.has_unsaved_events:
            raise StorageInputError(
                "Laporan dengan peristiwa yang belum disimpan tidak dapat disimpan sebagai "
                "terverifikasi.",
                "A report with events not yet saved cannot be kept as verified.",
                code="events_not_saved",
                field="report",
            )
        # A copy: the caller's report goes on to take actions the unit of work may roll back.
        kept = report.continued((), version=report.version, head=report.head_hash)
        with self._lock:
            self._by_id[kept.id] = kept
            self._by_id.move_to_end(kept.id)
            if kept.number is not None:
                self._by_number[kept.number] = kept.id
            while len(self._by_id) > self.capacity:
                _, dropped = self._by_id.popitem(last=False)
                if dropped.number is not None:
                    self._by_number.pop(dropped.number, None)

    def _forget(self, report_id: str) -> None:
        with self._lock:
            dropped = self._by_id.pop(report_id, None)
            if dropped is not None and dropped.number is not None:
                self._by_number.pop(dropped.number, None)


def _load(
    reports: ReportRepository,
    field: str,
    value: str,
    *,
    office: str | None,
    signing: HeadSigning | None,
    verified: VerifiedReports | None,
) -> Report:
    fetch = reports.get if field == "report_id" else reports.get_by_number
    known = None if verified is None else verified._find(field, value)
    if verified is not None and known is not None:
        stored = _of_office(fetch(value, after=known.version), office, field, value)
        report: Report | None = None
        head = stored.projection.head_hash
        if stored.report_id == known.id and head is not None:
            try:
                report = known.continued(
                    [Event.from_dict(e) for e in stored.events],
                    version=stored.version,
                    head=head,
                    number=stored.projection.number,
                )
            except (HistoryTamperedError, ValidationError, TransitionNotAllowedError):
                report = None  # not a continuation: verify the whole stream below
        if report is not None:
            if signing is not None:
                signing.check(stored.report_id, stored.version, stored.projection)
            verified.keep(report)
            return report
        verified._forget(known.id)
    stored = _of_office(fetch(value), office, field, value)
    report = _verified(stored, signing)
    if verified is not None:
        verified.keep(report)
    return report


def load_report(
    reports: ReportRepository,
    report_id: str,
    *,
    office: str | None = None,
    signing: HeadSigning | None = None,
    verified: VerifiedReports | None = None,
) -> Report:
    """
    Load and rebuild the report ``report_id``; its history is verified on the way.

    With ``office``, a report of another office is not found. With ``signing``, the head's
    signature is verified after the chain (:meth:`HeadSigning.check
    <layanan_aduan.service_layer.signing.HeadSigning.check>`). With ``verified``, only what
    was stored after the version verified last in this process is read and verified (see
    :class:`VerifiedReports`); the result is the same report.

    Raises:
        ReportNotFoundError: No such report (of ``office``).
        HistoryTamperedError: The stored history is not intact (edited, removed, reordered,
            inserted events, or a stream shorter or longer than the stored version).
        HistorySignatureError: The head is not signed by a key ``signing`` trusts.
    """
    return _load(reports, "report_id", report_id, office=office, signing=signing, verified=verified)


def load_report_by_number(
    reports: ReportRepository,
    number: str,
    *,
    office: str | None = None,
    signing: HeadSigning | None = None,
    verified: VerifiedReports | None = None,
) -> Report:
    """
    Load and rebuild the report with the human-readable ``number`` (see :func:`load_report`).
    """
    return _load(reports, "number", number, office=office, signing=signing, verified=verified)


def save_report(
    reports: ReportRepository,
    report: Report,
    projection: ReportProjection,
    *,
    signing: HeadSigning | None = None,
) -> int:
    """
    Append the report's new events (:meth:`Report.collect_new_events`) and its projection.

    The events are appended against the version the report had before them, so a report
    changed meanwhile by someone else raises ``ConcurrencyConflictError`` and nothing is
    stored: reload it and decide again. The projection's state, number, last-event instant
    (the instant the SLA counts for it: a staff step's recorded instant) and head hash are
    taken from the report itself. With no new events only the projection is replaced (e.g.
    after :func:`assign_report_number`). With ``signing``, the head is signed and the
    signature stored with the projection.

    Returns:
        The report's version in storage.
    """
    new = report.collect_new_events()
    expected = new[0].seq - 1 if new else report.version
    if expected + len(new) != report.version:
        raise StorageInputError(
            "Peristiwa baru laporan tidak berurutan dengan versinya.",
            "The report's new events do not follow on from its version.",
            code="events_out_of_sequence",
            field="events",
            details={"expected_version": expected, "events": len(new), "version": report.version},
        )
    whole = attrs.evolve(
        projection,
        state=str(report.state),
        number=report.number,
        updated_at=report.events[-1].sla_at,
        head_hash=report.head_hash,
    )
    if signing is not None:
        whole = signing.seal(report.id, report.version, whole)
    return reports.append(report.id, expected, [e.to_dict() for e in new], whole)


def assign_report_number(
    reports: ReportRepository, report: Report, *, office: str, year: int, prefix: str = "LAP"
) -> str:
    """
    Allocate the next number of ``office`` in ``year`` and give it to the report.

    The counter moves only if the unit of work commits, so numbers stay gap-free; save the
    report in the same unit of work. ``year`` is the year of receipt in the office's time zone
    (e.g. ``report.received_at.in_timezone("Asia/Jakarta").year``).

    Returns:
        The number, e.g. ``LAP/KNJP/2026/000123``.
    """
    serial = reports.allocate_number(office, year)
    number = format_report_number(office, year, serial, prefix=prefix)
    report.assign_number(number)
    return number


def _first_valid_phone(*candidates: str | None) -> str | None:
    for text in candidates:
        if text is None:
            continue
        try:
            return PhoneNumber.parse(text).e164
        except ValidationError:
            continue
    return None


def _first_valid_user_id(*candidates: str | None) -> str | None:
    for text in candidates:
        if text is None:
            continue
        try:
            return WhatsAppUserId(text).value
        except ValidationError:
            continue
    return None


def _reporter_keys(report: Report) -> tuple[str | None, str | None]:
    """
    The reporter's E.164 number and WhatsApp user id, from the checked identity, the details
    as sent, or the WhatsApp key the report was submitted from.
    """
    checked = report.reporter
    phone = checked.phone.e164 if checked is not None and checked.phone is not None else None
    user = (
        checked.whatsapp_user_id.value
        if checked is not None and checked.whatsapp_user_id is not None
        else None
    )
    sender = report.submitter_id
    details = report.details
    return (
        phone or _first_valid_phone(details.phone, sender if sender.startswith("+") else None),
        user or _first_valid_user_id(details.whatsapp_user_id, sender),
    )


def _budget_us(goal_us: int, fraction: float) -> int:
    # The least whole number of microseconds k with k / goal_us >= fraction, compared exactly as
    # the working-time engine compares them (floats), so both agree to the microsecond.
    k = math.ceil(goal_us * fraction)
    while k > 0 and (k - 1) / goal_us >= fraction:
        k -= 1
    while k / goal_us < fraction:
        k += 1
    return k


def project(
    report: Report,
    working_time: WorkingTime,
    *,
    office: str | None = None,
    goal: dt.timedelta | None = None,
    thresholds: SlaThresholds = DEFAULT_SLA_THRESHOLDS,
) -> ReportProjection:
    """
    The projection storage keeps for ``report``, computed with the domain's SLA engine.

    The SLA clock is read at the report's last event, at the instant the SLA counts for it
    (a staff step's recorded instant, never the instant it claims). From there, until the next
    event:

    - a running clock becomes at risk (the domain's ``AT_RISK`` or ``CRITICAL``) at
      ``sla_at_risk_from`` and breached (elapsed working time greater than the goal) at
      ``sla_breached_from``, the first microsecond at which it is;
    - a paused clock (waiting for the reporter) keeps the status it had: both instants are the
      last event's when it was already breached, ``sla_at_risk_from`` alone when at risk;
    - a stopped clock (follow-up delivered, or closed) raises no alert: both are ``None``.

    Args:
        report: The report, with its new events applied.
        working_time: The office's working-time engine.
        office: The office code stored with the report (queries can filter on it).
        goal: The completion time; the service standard's (3 working hours) by default.
        thresholds: When a running clock counts as at risk.
    """
    last = report.events[-1].sla_at
    goal = KEJARI_JAKARTA_PUSAT.completion_time if goal is None else goal
    sla = report.sla(last, working_time, goal=goal, thresholds=thresholds)
    risk_from: pendulum.DateTime | None = None
    breach_from: pendulum.DateTime | None = None
    stopped = report.clock_stopped_at is not None
    if not stopped:
        if sla.status is SlaStatus.BREACHED:
            risk_from = breach_from = last
        elif report.is_paused:
            if sla.status in (SlaStatus.AT_RISK, SlaStatus.CRITICAL):
                risk_from = last
        else:
            goal_us = _us(goal)
            elapsed_us = _us(sla.elapsed)
            risk_us = _budget_us(goal_us, thresholds.at_risk)
            risk_from = (
                last
                if elapsed_us >= risk_us
                else working_time.add(last, _MICROSECOND * (risk_us - elapsed_us)).at
            )
            breach_from = working_time.add(last, _MICROSECOND * (goal_us - elapsed_us + 1)).at
    phone, user_id = _reporter_keys(report)
    return ReportProjection(
        state=str(report.state),
        updated_at=last,
        number=report.number,
        office=office,
        reporter_phone=phone,
        reporter_user_id=user_id,
        received_at=report.received_at,
        head_hash=report.head_hash,
        sla_deadline=sla.deadline,
        sla_at_risk_from=risk_from,
        sla_breached_from=breach_from,
        sla_paused=report.is_paused,
        sla_stopped=stopped,
        kind=str(report.kind),
        calendar_fingerprint=working_time.calendar_fingerprint,
        sla_stopped_at=report.clock_stopped_at,
    )
