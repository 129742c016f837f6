"""
The data subject's rights (UU 27/2022 Pasal 7 and 8): access to everything held about one
reporter, and erasure on request.

- :func:`export_subject` gathers, for an access request, every report of one reporter found by
  telephone number or WhatsApp user id (in every office of the storage): its identity and text
  as held, its events (each decoded, with both instants), its evidence files' digests and
  whether they are still kept, its legal hold, and the notifications sent for it with their
  status (a message's text only when it went to the reporter; a message to staff by its kind
  and status). Format ``layanan-aduan/akses-subjek/v1``, JSON values.
- :func:`erase_subject` erases every ended report of one reporter at the desk's office through
  the same erasure as retention
  (:func:`layanan_aduan.service_layer.retention.default_eraser`), by an authorised member of
  staff, with the request's basis and reference. It refuses, changing nothing, while one of
  them is open or under a legal hold.

The lookup value is personal data: it is never logged, and refusals show it masked.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from typing import Any, Final

import attrs
import pendulum

from layanan_aduan.domain.report import Report
from layanan_aduan.domain.retention import ErasureDue
from layanan_aduan.exceptions import LayananAduanError, RetentionRefusedError, ValidationError
from layanan_aduan.ports import OutboxMessage, ReportRepository, ReportSummary, Storage
from layanan_aduan.privacy import mask
from layanan_aduan.service_layer.desk import Desk
from layanan_aduan.service_layer.report_stream import load_report
from layanan_aduan.service_layer.retention import (
    REFERENCE_LIMIT,
    SUBJECT_BASES,
    Eraser,
    authorise_erasure,
    check_reason,
    default_eraser,
    is_erased,
    legal_hold_of,
)

__all__ = [
    "SUBJECT_EXPORT_FORMAT",
    "SubjectErasure",
    "erase_subject",
    "export_subject",
    "subject_reports",
]

SUBJECT_EXPORT_FORMAT: Final = "layanan-aduan/akses-subjek/v1"
"""The ``format`` of a subject access export."""
_PAGE: Final = 500


def _iso(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    return pendulum.instance(value).in_timezone("UTC").isoformat().replace("+00:00", "Z")


def _check_lookup(phone: str | None, user_id: str | None) -> None:
    if phone is None and user_id is None:
        raise ValidationError(
            "Sebutkan nomor telepon atau id pengguna WhatsApp pelapor.",
            "Give the reporter's telephone number or WhatsApp user id.",
            code="lookup_missing",
            field="phone",
        )


def subject_reports(
    reports: ReportRepository,
    *,
    phone: str | None = None,
    user_id: str | None = None,
    office: str | None = None,
) -> Iterator[ReportSummary]:
    """
    Every report of the reporter known by ``phone`` or ``user_id`` (of ``office`` when
    given), in the order first stored.
    """
    _check_lookup(phone, user_id)
    after: str | None = None
    while True:
        page = reports.by_reporter(
            phone=phone, user_id=user_id, office=office, limit=_PAGE, after=after
        )
        yield from page.items
        if page.next_cursor is None:
            return
        after = page.next_cursor


def _outbox(storage: Storage, report_id: str) -> Iterator[OutboxMessage]:
    after: str | None = None
    while True:
        page = storage.outbox.list(report_id=report_id, limit=_PAGE, after=after)
        yield from page.items
        if page.next_cursor is None:
            return
        after = page.next_cursor


def _to_subject(payload: Mapping[str, Any], phone: str | None, user_id: str | None) -> bool:
    recipient = payload.get("recipient")
    if not isinstance(recipient, Mapping):
        return False
    return (phone is not None and recipient.get("phone") == phone) or (
        user_id is not None and recipient.get("user_id") == user_id
    )


def _notification(message: OutboxMessage, phone: str | None, user_id: str | None) -> dict[str, Any]:
    payload = message.payload
    mine = _to_subject(payload, phone, user_id)
    template = payload.get("template")
    return {
        "key": message.key,
        "kind": payload.get("notification"),
        "to": "subject" if mine else "staff",
        "status": message.status.value,
        "attempts": message.attempts,
        "created_at": _iso(message.created_at),
        "sent_at": _iso(message.sent_at),
        # What was said to the reporter is theirs; a message to staff is shown by its kind.
        "text": payload.get("text") if mine else None,
        "template": template.get("name") if mine and isinstance(template, Mapping) else None,
    }


def _report_entry(
    desk: Desk,
    reports: ReportRepository,
    summary: ReportSummary,
    phone: str | None,
    uid: str | None,
) -> dict[str, Any]:
    projection = summary.projection
    try:
        report = load_report(reports, summary.report_id)
    except LayananAduanError as e:
        # A history that does not verify is exported as what storage says of it, flagged.
        return {
            "report_id": summary.report_id,
            "number": projection.number,
            "office": projection.office,
            "state": projection.state,
            "readable": False,
            "error": e.code,
        }
    hold = legal_hold_of(report.id, report.number, reports.audit_records(report.id))
    evidence = []
    for event in report.events:
        for item in event.payload.get("evidence", ()):
            if isinstance(item, Mapping) and isinstance(item.get("sha256"), str):
                evidence.append(
                    {
                        "seq": event.seq,
                        "sha256": item["sha256"],
                        "size": item.get("size"),
                        "media_type": item.get("media_type"),
                        "kept": desk.evidence.contains(item["sha256"]),
                    }
                )
    return {
        "report_id": report.id,
        "number": report.number,
        "office": projection.office,
        "kind": projection.kind,
        "state": report.state.value,
        "readable": True,
        "received_at": _iso(report.received_at),
        "ended_at": _iso(report.clock_stopped_at),
        "erased": is_erased(report),
        "legal_hold": hold is not None and hold.held,
        "details": report.details.to_dict(),
        "message": report.message,
        "events": [
            {
                "seq": e.seq,
                "action": e.action,
                "at": _iso(e.at),
                "recorded_at": _iso(e.recorded_at),
                "sla_at": _iso(e.sla_at),
                "hash": e.hash,
                "event": e.to_dict(),
            }
            for e in report.events
        ],
        "evidence": evidence,
        "notifications": [_notification(m, phone, uid) for m in _outbox(desk.storage, report.id)],
    }


def export_subject(
    desk: Desk, *, phone: str | None = None, user_id: str | None = None
) -> dict[str, Any]:
    """
    Everything held about the reporter known by ``phone`` (E.164) or ``user_id`` (either
    matching), in every office of the desk's storage, as JSON values.

    The lookup values are the subject's own and appear in the export; they are never logged.
    An export of nobody holds no reports (what the office answers: nothing is held).

    Raises:
        ValidationError: Neither ``phone`` nor ``user_id`` (``lookup_missing``).
        StorageInputError: A telephone number that is not E.164, or a bad user id.
    """
    _check_lookup(phone, user_id)
    now = desk.clock.now()
    with desk.storage.unit_of_work(read_only=True) as uow:
        found = list(subject_reports(uow.reports, phone=phone, user_id=user_id))
        reports = [_report_entry(desk, uow.reports, s, phone, user_id) for s in found]
    return {
        "format": SUBJECT_EXPORT_FORMAT,
        "generated_at": _iso(now),
        "generated_by_office": desk.office,
        "subject": {"phone": phone, "whatsapp_user_id": user_id},
        "reports": reports,
    }


@attrs.frozen
class SubjectErasure:
    """
    What :func:`erase_subject` erased.

    Attributes:
        erased: The reports erased, by number (or id).
        already_erased: The reports whose personal data was erased before.
        other_offices: How many reports of the reporter belong to other offices (erased by
            their own desk, not this one).
        failed: Reports whose erasure was refused midway, with the error's code (each report
            is erased in its own transaction: those before stay erased).
    """

    erased: tuple[str, ...]
    already_erased: tuple[str, ...] = ()
    other_offices: int = 0
    failed: tuple[tuple[str, str], ...] = ()


def _request_reference(basis: str, reference: str) -> str:
    if basis not in SUBJECT_BASES:
        raise ValidationError(
            f"Dasar penghapusan tidak dikenal; pilih: {', '.join(SUBJECT_BASES)}.",
            f"Unknown erasure basis; choose one of: {', '.join(SUBJECT_BASES)}.",
            code="invalid_erasure_basis",
            field="basis",
        )
    text = check_reason(reference, "reference")
    if len(text) > REFERENCE_LIMIT:
        raise ValidationError(
            f"Rujukan penghapusan paling panjang {REFERENCE_LIMIT} karakter.",
            f"The erasure's reference is at most {REFERENCE_LIMIT} characters.",
            code="invalid_reason",
            field="reference",
        )
    return text


def erase_subject(
    desk: Desk,
    *,
    phone: str | None = None,
    user_id: str | None = None,
    actor_id: str,
    reference: str,
    basis: str = "subject_request",
    erase: Eraser | None = None,
) -> SubjectErasure:
    """
    Erase the personal data of every ended report of the reporter known by ``phone`` or
    ``user_id`` at the desk's office, on the subject's request.

    Args:
        desk: The office's desk.
        phone: The reporter's telephone number (E.164).
        user_id: The reporter's WhatsApp user id.
        actor_id: The staff member who erases (section head, acting, or office head).
        reference: The request's reference (its letter's number and date, or how it was
            made), recorded in each erasure event; at most 300 characters.
        basis: The erasure's legal basis, one of
            :data:`~layanan_aduan.service_layer.retention.SUBJECT_BASES` (the subject's request
            by default; consent withdrawn; data obtained or processed unlawfully).
        erase: What erases one report (:func:`~layanan_aduan.service_layer.retention.
            default_eraser` when ``None``).

    Raises:
        ValidationError: No lookup (``lookup_missing``), an empty or too long reference
            (``invalid_reason``), or an unknown basis (``invalid_erasure_basis``).
        StaffAuthorizationError: ``actor_id`` may not erase.
        RetentionRefusedError: ``no_reports`` (none of this office), ``report_still_open``
            (``details["open"]`` lists them), ``legal_hold`` (``details["held"]``) or
            ``erasure_unavailable``; nothing was changed.
    """
    _check_lookup(phone, user_id)
    text = _request_reference(basis, reference)
    actor = authorise_erasure(desk, actor_id, "erase_subject")
    shown = mask(phone) if phone is not None else mask(user_id or "")
    now = desk.clock.now()
    mine: list[Report] = []
    others = 0
    with desk.storage.unit_of_work(read_only=True) as uow:
        held: list[str] = []
        for summary in subject_reports(uow.reports, phone=phone, user_id=user_id):
            if summary.projection.office != desk.office:
                others += 1
                continue
            report = load_report(
                uow.reports, summary.report_id, office=desk.office, signing=desk.signing
            )
            hold = legal_hold_of(report.id, report.number, uow.reports.audit_records(report.id))
            if hold is not None and hold.held:
                held.append(report.number or report.id)
            mine.append(report)
    if not mine:
        raise RetentionRefusedError(
            f"Tidak ada laporan pelapor {shown} di kantor ini.",
            f"No report of the reporter {shown} at this office.",
            code="no_reports",
            details={"other_offices": others},
        )
    ended = [(r, at) for r in mine if (at := r.clock_stopped_at) is not None]
    still_open = [r.number or r.id for r in mine if r.clock_stopped_at is None]
    if still_open:
        raise RetentionRefusedError(
            f"Laporan pelapor ini masih berjalan ({', '.join(still_open)}); data pribadi "
            "dihapus setelah semua laporannya selesai atau ditutup.",
            f"A report of this reporter is still open ({', '.join(still_open)}); personal "
            "data is erased once all of them are completed or closed.",
            code="report_still_open",
            details={"open": still_open},
        )
    if held:
        raise RetentionRefusedError(
            f"Laporan ditahan untuk keperluan hukum ({', '.join(held)}); tidak dapat dihapus "
            "sebelum penahanan dicabut.",
            f"A report is under a legal hold ({', '.join(held)}); it cannot be erased before "
            "the hold is released.",
            code="legal_hold",
            details={"held": held},
        )
    eraser = default_eraser() if erase is None else erase
    erased: list[str] = []
    before: list[str] = []
    failed: list[tuple[str, str]] = []
    for report, ended_at in ended:  # every one of them: an open report was refused above
        name = report.number or report.id
        if is_erased(report):
            before.append(name)
            continue
        due = ErasureDue(report.id, report.number, desk.office, ended_at, now, "personal_data")
        try:
            eraser(desk, due, actor, basis, text)
        except LayananAduanError as e:
            failed.append((name, e.code))
            continue
        erased.append(name)
    return SubjectErasure(
        erased=tuple(erased),
        already_erased=tuple(before),
        other_offices=others,
        failed=tuple(failed),
    )
