"""
Retention (*retensi*): what is due for erasure under the office's policy, legal holds, and the
recorded runs of ``layanan-aduan retensi``.

The rule itself is :func:`layanan_aduan.domain.retention.due_for_erasure`; this module feeds it
the desk's ended reports and carries out what is due:

- :func:`retention_candidates` reads the office's ended reports (completed or closed), each
  loaded with its history verified, and says for each when it ended, whether it is held,
  erased already, and whether evidence files of it are still kept;
- :func:`run_retention` lists what is due at the desk's instant and, unless it is a dry run,
  erases each due report through the desk's own erasure (``Desk.erase_personal_data``); every
  run, dry or not, is recorded (``storage.retention_runs``) with the policy, the counts and
  the reports by id and number, never a personal value;
- :func:`place_legal_hold` and :func:`release_legal_hold` put a report under a *legal hold*
  (a case that still needs it) and take it off: an annotation in the report's audit log
  (beside its hash-chained history, append-only), by an authorised member of staff, with a
  reason. A held report is never due.

Erasing needs a member of the office's staff directory who is an officer at the desk's instant
(the desk's erasure takes an officer, as every step does); holding and releasing need the section
head, the acting section head or the office head (:data:`HOLD_ROLES`): whether a case still needs
a report is their decision. A dry run needs nobody.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Final

import attrs

from layanan_aduan.domain.report import Report
from layanan_aduan.domain.retention import (
    ErasureDue,
    RetentionCandidate,
    RetentionPolicy,
    due_for_erasure,
)
from layanan_aduan.domain.staff import StaffRole
from layanan_aduan.domain.workflow import ReportState
from layanan_aduan.exceptions import (
    LayananAduanError,
    RetentionRefusedError,
    StaffAuthorizationError,
    ValidationError,
)
from layanan_aduan.ports import ReportRepository, RetentionRun
from layanan_aduan.privacy import redact_identifiers
from layanan_aduan.service_layer.desk import Desk
from layanan_aduan.service_layer.report_stream import load_report, load_report_by_number

__all__ = [
    "ERASURE_ACTION",
    "ERASURE_ROLES",
    "HOLD_ROLES",
    "LEGAL_HOLD_RECORD",
    "REFERENCE_LIMIT",
    "RETENTION_BASIS",
    "SUBJECT_BASES",
    "SYSTEM_ACTOR",
    "Eraser",
    "LegalHold",
    "RetentionOutcome",
    "authorise_erasure",
    "authorise_hold",
    "check_reason",
    "default_eraser",
    "holds",
    "is_erased",
    "legal_hold_of",
    "place_legal_hold",
    "release_legal_hold",
    "retention_candidates",
    "run_retention",
]

HOLD_ROLES: Final = frozenset(
    {StaffRole.SECTION_HEAD, StaffRole.ACTING_SECTION_HEAD, StaffRole.OFFICE_HEAD}
)
"""The staff directory's roles that may put a report under a legal hold and release it."""
ERASURE_ROLES: Final = frozenset({StaffRole.OFFICER})
"""The staff directory's role the desk's erasure takes (an officer, as for every step)."""
LEGAL_HOLD_RECORD: Final = "legal_hold"
"""The ``kind`` of a legal-hold record in a report's audit log."""
ERASURE_ACTION: Final = "erase_personal_data"
"""The action of the event that records a report's erasure."""
SYSTEM_ACTOR: Final = "system"
"""The actor a dry run is recorded with when nobody is named (a scheduled job)."""
_PAGE: Final = 500
_MAX_REASON: Final = 500

RETENTION_BASIS: Final = "retention"
"""The erasure basis of a retention run (the retention period after the report ended)."""
SUBJECT_BASES: Final = ("subject_request", "consent_withdrawn", "unlawfully_obtained")
"""The erasure bases a subject's erasure may give (UU 27/2022): the subject's request (the
default), consent withdrawn, or data obtained or processed unlawfully."""
REFERENCE_LIMIT: Final = 300
"""The longest reference an erasure records."""

Eraser = Callable[[Desk, ErasureDue, str, str, str], None]
"""Erases one due report: ``(desk, due, actor_id, basis, reference)``, ``basis`` one of
:data:`RETENTION_BASIS` and :data:`SUBJECT_BASES`; raises to refuse."""


@attrs.frozen
class LegalHold:
    """
    The legal hold on a report, as its last hold record says.

    Attributes:
        report_id: The report's id.
        number: Its number, when assigned.
        held: True while the hold is on.
        actor_id: Who placed (or released) it.
        reason: Why (redacted of any NIK or telephone number typed in it).
        reference: A case or letter reference, if given.
        recorded_at: When it was recorded (ISO 8601, UTC).
    """

    report_id: str
    number: str | None
    held: bool
    actor_id: str
    reason: str
    reference: str | None
    recorded_at: str


@attrs.frozen
class RetentionOutcome:
    """
    What a retention run found and did.

    Attributes:
        run: The run as recorded (with its ``run_id``).
        due: Every report due at the run's instant.
        held: The ended reports under a legal hold (never due), by number or id.
        erased: The due reports erased (empty for a dry run).
        failed: The due reports whose erasure was refused, each with the error's code.
        unreadable: The ended reports that could not be read (a history that does not verify):
            never erased by a run, each with the error's code.
    """

    run: RetentionRun
    due: tuple[ErasureDue, ...]
    held: tuple[str, ...] = ()
    erased: tuple[ErasureDue, ...] = ()
    failed: tuple[tuple[ErasureDue, str], ...] = ()
    unreadable: tuple[tuple[str, str], ...] = ()


def _authorise(
    desk: Desk, actor_id: str | None, action: str, roles: frozenset[StaffRole], needed: StaffRole
) -> str:
    member = (
        None if actor_id is None or desk.staff is None else desk.staff.member(desk.office, actor_id)
    )
    if member is None:
        raise StaffAuthorizationError(
            "Penghapusan data pribadi dan penahanan laporan hanya oleh staf yang terdaftar di "
            "direktori staf kantor.",
            "Erasing personal data and holding reports is done only by staff listed in the "
            "office's staff directory.",
            action=action,
            needed=needed.value,
            code="unknown_staff",
        )
    if not member.roles_at(desk.office, desk.clock.now(), desk.working_time.timezone) & roles:
        if needed is StaffRole.OFFICER:
            said = (
                "Penghapusan data pribadi dijalankan oleh petugas pelaksana.",
                "Personal data is erased by an officer.",
            )
        else:
            said = (
                "Hanya Kepala Seksi (atau Plh-nya) dan Kepala Kejaksaan yang dapat menahan "
                "laporan atau mencabut penahanannya.",
                "Only the section head (or acting) and the office head may hold a report or "
                "release it.",
            )
        raise StaffAuthorizationError(
            *said, action=action, needed=needed.value, code="role_not_held"
        )
    return member.staff_id


def authorise_erasure(desk: Desk, actor_id: str | None, action: str) -> str:
    """
    The staff id of ``actor_id`` when the office's directory makes them an officer at the
    desk's instant: who the desk's erasure takes (checked once before a run or a subject's
    erasure starts, so a refusal changes nothing).

    Raises:
        StaffAuthorizationError: ``unknown_staff`` (not in the directory, or none given) or
            ``role_not_held``; ``action`` names what was attempted.
    """
    return _authorise(desk, actor_id, action, ERASURE_ROLES, StaffRole.OFFICER)


def authorise_hold(desk: Desk, actor_id: str | None, action: str) -> str:
    """
    The staff id of ``actor_id`` when the office's directory gives them, at the desk's
    instant, a role of :data:`HOLD_ROLES`.

    Raises:
        StaffAuthorizationError: ``unknown_staff`` or ``role_not_held``.
    """
    return _authorise(desk, actor_id, action, HOLD_ROLES, StaffRole.SECTION_HEAD)


def is_erased(report: Report) -> bool:
    """
    True once the report's personal data was erased (an ``erase_personal_data`` event).
    """
    return report.is_erased


def legal_hold_of(
    report_id: str, number: str | None, records: Iterable[Mapping[str, Any]]
) -> LegalHold | None:
    """
    The report's last legal-hold record, or ``None`` when it never had one.
    """
    last: Mapping[str, Any] | None = None
    for record in records:
        if record.get("kind") == LEGAL_HOLD_RECORD:
            last = record
    if last is None:
        return None
    return LegalHold(
        report_id=report_id,
        number=number,
        held=bool(last.get("held")),
        actor_id=str(last.get("actor_id")),
        reason=str(last.get("reason")),
        reference=last.get("reference"),
        recorded_at=str(last.get("recorded_at")),
    )


def _evidence_digests(report: Report) -> tuple[str, ...]:
    found: list[str] = []
    for event in report.events:
        for item in event.payload.get("evidence", ()):
            digest = item.get("sha256") if isinstance(item, Mapping) else None
            if isinstance(digest, str) and digest not in found:
                found.append(digest)
    return tuple(found)


def _load(desk: Desk, reports: ReportRepository, ref: str) -> Report:
    load = load_report_by_number if "/" in ref else load_report
    return load(reports, ref, office=desk.office, signing=desk.signing)


def retention_candidates(
    desk: Desk,
) -> tuple[tuple[RetentionCandidate, ...], tuple[tuple[str, str], ...]]:
    """
    The desk's ended reports as the retention rule sees them, and those that could not be read
    (number or id, and the error's code).

    Each report is loaded with its history verified (and its head signature, when the desk
    signs); one that does not verify is listed as unreadable, never erased.
    """
    found: list[RetentionCandidate] = []
    unreadable: list[tuple[str, str]] = []
    with desk.storage.unit_of_work(read_only=True) as uow:
        for state in (ReportState.COMPLETED, ReportState.CLOSED):
            after: str | None = None
            while True:
                page = uow.reports.list_all(
                    office=desk.office, state=state.value, limit=_PAGE, after=after
                )
                for summary in page.items:
                    shown = summary.projection.number or summary.report_id
                    try:
                        report = load_report(
                            uow.reports, summary.report_id, office=desk.office, signing=desk.signing
                        )
                    except LayananAduanError as e:
                        unreadable.append((shown, e.code))
                        continue
                    hold = legal_hold_of(
                        report.id, report.number, uow.reports.audit_records(report.id)
                    )
                    digests = _evidence_digests(report)
                    found.append(
                        RetentionCandidate(
                            report_id=report.id,
                            number=report.number,
                            office=summary.projection.office,
                            ended_at=report.clock_stopped_at,
                            held=hold is not None and hold.held,
                            erased=is_erased(report),
                            has_evidence=any(desk.evidence.contains(d) for d in digests),
                        )
                    )
                if page.next_cursor is None:
                    break
                after = page.next_cursor
    return tuple(found), tuple(unreadable)


def default_eraser() -> Eraser:
    """
    The eraser of this installation: the desk's own erasure
    (:meth:`Desk.erase_personal_data
    <layanan_aduan.service_layer.erasure.Erasing.erase_personal_data>`): the erasure event in
    the history, the sealed values and the notifications' payloads deleted, then the evidence
    files no other report names.

    An ``evidence`` erasure alone (a shorter evidence period) is refused per report with
    ``erasure_unavailable``: the desk erases a report's personal data and its evidence files
    together.
    """

    def erase(desk: Desk, due: ErasureDue, actor_id: str, basis: str, reference: str) -> None:
        if due.scope != "personal_data":
            raise RetentionRefusedError(
                "Penghapusan berkas bukti saja belum tersedia pada instalasi ini.",
                "Erasing the evidence files alone is not available in this installation.",
                code="erasure_unavailable",
            )
        desk.erase_personal_data(due.report_id, officer=actor_id, basis=basis, reference=reference)

    return erase


def _reference(policy: RetentionPolicy, due: ErasureDue, started: str) -> str:
    days = policy.personal_data_days if due.scope == "personal_data" else policy.evidence_days
    return (
        f"retensi {started}: {days} hari setelah laporan berakhir / "
        f"retention run {started}: {days} days after the report ended"
    )


def _shown(due: ErasureDue) -> dict[str, Any]:
    return {
        "report_id": due.report_id,
        "number": due.number,
        "scope": due.scope,
        "ended_at": due.ended_at.isoformat(),
        "due_since": due.due_since.isoformat(),
    }


def run_retention(
    desk: Desk,
    *,
    actor_id: str | None = None,
    dry_run: bool = True,
    erase: Eraser | None = None,
    policy: RetentionPolicy | None = None,
) -> RetentionOutcome:
    """
    List the desk's reports due for erasure now and, unless ``dry_run``, erase them; record
    the run either way.

    Args:
        desk: The office's desk: its storage, evidence store, clock, staff and standard.
        actor_id: Who runs it: for a real run a staff id the directory makes an officer
            (:func:`authorise_erasure`); a dry run is recorded with :data:`SYSTEM_ACTOR` when
            ``None``.
        dry_run: Only list and record (the default).
        erase: What erases one due report (:func:`default_eraser` when ``None``).
        policy: The policy (the desk's standard's ``retention`` when ``None``).

    Raises:
        StaffAuthorizationError: A real run by someone who may not erase (nothing changed,
            nothing recorded).
        RetentionRefusedError: ``erasure_unavailable`` for a real run in an installation that
            cannot erase (nothing changed, nothing recorded).
    """
    applied = desk.standard.retention if policy is None else policy
    started = desk.clock.now()
    if dry_run:
        actor = SYSTEM_ACTOR if actor_id is None else actor_id
        eraser: Eraser | None = None
    else:
        actor = authorise_erasure(desk, actor_id, "retention_run")
        eraser = default_eraser() if erase is None else erase
    candidates, unreadable = retention_candidates(desk)
    due = due_for_erasure(candidates, applied, started)
    held = tuple(c.number or c.report_id for c in candidates if c.held and not c.erased)
    erased: list[ErasureDue] = []
    failed: list[tuple[ErasureDue, str]] = []
    if eraser is not None:
        stamp = started.in_timezone("UTC").isoformat().replace("+00:00", "Z")
        for item in due:
            try:
                eraser(desk, item, actor, RETENTION_BASIS, _reference(applied, item, stamp))
            except LayananAduanError as e:
                failed.append((item, e.code))
                continue
            erased.append(item)
    finished = desk.clock.now()
    listed = due if dry_run else tuple(erased)
    run = RetentionRun(
        started_at=started,
        finished_at=finished,
        actor_id=actor,
        dry_run=dry_run,
        policy=applied.to_dict(),
        counts={
            "ended": sum(1 for c in candidates if c.ended_at is not None),
            "due": len(due),
            "held": len(held),
            "erased": len(erased),
            "failed": len(failed),
            "unreadable": len(unreadable),
        },
        reports=tuple(_shown(d) for d in listed),
        office=desk.office,
    )
    run_id = desk.storage.retention_runs.record(run)
    return RetentionOutcome(
        run=attrs.evolve(run, run_id=run_id),
        due=due,
        held=held,
        erased=tuple(erased),
        failed=tuple(failed),
        unreadable=unreadable,
    )


def check_reason(reason: str, field: str = "reason") -> str:
    """
    A reason, basis or reference as recorded: non-empty, at most 500 characters, on one line,
    any NIK or telephone number typed in it redacted.

    Raises:
        ValidationError: Empty or too long (``invalid_reason``).
    """
    if not isinstance(reason, str) or not reason.strip() or len(reason) > _MAX_REASON:
        raise ValidationError(
            f"Alasan harus teks tidak kosong, paling panjang {_MAX_REASON} karakter.",
            f"The reason must be non-empty text of at most {_MAX_REASON} characters.",
            code="invalid_reason",
            field=field,
        )
    # Whoever types a reason may type a NIK or a number in it: kept redacted.
    return redact_identifiers(" ".join(reason.split()))


def _hold(
    desk: Desk, ref: str, *, actor_id: str, reason: str, reference: str | None, held: bool
) -> LegalHold:
    action = "place_legal_hold" if held else "release_legal_hold"
    text = check_reason(reason)
    ref_text = None if reference is None else check_reason(reference, "reference")
    actor = authorise_hold(desk, actor_id, action)
    now = desk.clock.now()
    with desk.storage.unit_of_work() as uow:
        report = _load(desk, uow.reports, ref)
        current = legal_hold_of(report.id, report.number, uow.reports.audit_records(report.id))
        is_held = current is not None and current.held
        shown = report.number or report.id
        if held and is_held:
            raise RetentionRefusedError(
                f"Laporan {shown} sudah ditahan (legal hold).",
                f"Report {shown} is under a legal hold already.",
                code="already_held",
                details={"report": shown},
            )
        if not held and not is_held:
            raise RetentionRefusedError(
                f"Laporan {shown} tidak sedang ditahan.",
                f"Report {shown} is not under a legal hold.",
                code="not_held",
                details={"report": shown},
            )
        record = {
            "kind": LEGAL_HOLD_RECORD,
            "held": held,
            "actor_id": actor,
            "reason": text,
            "reference": ref_text,
        }
        uow.reports.add_audit_record(report.id, record, recorded_at=now)
        uow.commit()
    return LegalHold(
        report_id=report.id,
        number=report.number,
        held=held,
        actor_id=actor,
        reason=text,
        reference=ref_text,
        recorded_at=now.in_timezone("UTC").isoformat(),
    )


def place_legal_hold(
    desk: Desk, ref: str, *, actor_id: str, reason: str, reference: str | None = None
) -> LegalHold:
    """
    Put the report ``ref`` (number or id) under a legal hold: never due for erasure until it
    is released.

    Raises:
        StaffAuthorizationError: ``actor_id`` may not hold reports.
        ValidationError: An empty or too long reason or reference (``invalid_reason``).
        ReportNotFoundError: No such report of the desk's office.
        RetentionRefusedError: ``already_held``.
    """
    return _hold(desk, ref, actor_id=actor_id, reason=reason, reference=reference, held=True)


def release_legal_hold(
    desk: Desk, ref: str, *, actor_id: str, reason: str, reference: str | None = None
) -> LegalHold:
    """
    Take the legal hold off the report ``ref``: it becomes due again when its period is over.

    Raises:
        StaffAuthorizationError: ``actor_id`` may not release holds.
        ValidationError: An empty or too long reason or reference (``invalid_reason``).
        ReportNotFoundError: No such report of the desk's office.
        RetentionRefusedError: ``not_held``.
    """
    return _hold(desk, ref, actor_id=actor_id, reason=reason, reference=reference, held=False)


def holds(desk: Desk, refs: Sequence[str]) -> tuple[LegalHold | None, ...]:
    """
    The legal hold of each report of ``refs`` (number or id), ``None`` for one never held.
    """
    out: list[LegalHold | None] = []
    with desk.storage.unit_of_work(read_only=True) as uow:
        for ref in refs:
            report = _load(desk, uow.reports, ref)
            out.append(
                legal_hold_of(report.id, report.number, uow.reports.audit_records(report.id))
            )
    return tuple(out)
