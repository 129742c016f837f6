"""
The evidence pack of one report (*bukti per laporan*): what an office hands an auditor.

:func:`build_evidence_pack` loads one report through the desk (its chain verified, and its
head signature when the desk has keys; a history that does not verify is refused, as
everywhere) and returns its pack as JSON values, format ``layanan-aduan/bukti/v1``:

- ``events``: the whole history, each event's canonical JSON (both instants, ``at`` and
  ``recorded_at``, and a late entry's reason in its payload), its hash and whether it is
  shown masked;
- ``chain``: the version and head hash, and the verification done when the pack was made;
- ``head``: the head's signature and key id as storage keeps them, and whether they
  verified when the pack was made;
- ``sla``: the SLA clock read when the pack was made: start, deadline, stop, status, every
  closure (its kind, name and legal basis: the SKB or Keppres number; an override's reason
  and that it is one), every special-hours day and every pause; the calendar fingerprint in
  force and the one the stored projection was computed with; every re-projection record;
- ``notifications``: what the outbox holds for the report (kind, status, attempts, when
  put, when sent), never the text or the recipient's whole number;
- ``evidence``: each file's SHA-256, size and media type (never its content);
- ``signature``: with a signing key, the desk's signature over the whole pack (tag
  ``layanan-aduan/bukti/v1``, a NUL byte, the canonical JSON of every other key), so an
  auditor with the public key detects any edit, the SLA figures and masked events included.

Personal data is masked unless ``reveal_personal_data=True`` *and* ``viewer`` names a member
of the office's staff directory who, at the desk's instant, holds a role that may see it
(:data:`REVEALING_ROLES`: the section head, the acting section head, the office head).
A confidential report whose identity is sealed (:mod:`layanan_aduan.domain.confidential`)
shows no identity at all, even to such a viewer: the reporter's id, every ``details`` value,
the reporter's number among the notifications and every occurrence of their name, NIK or
numbers in a text read ``[dirahasiakan]`` until the section head unseals it
(``unseal_identity``, with a reason); ``identity`` says which (``not_confidential``,
``sealed``, ``unsealed``).
What a masked pack can and cannot prove is in :mod:`layanan_aduan.service_layer.evidence_check`
and docs/statistics.md.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from typing import Any, Final

import pendulum

from layanan_aduan.domain.calendar import DayKind
from layanan_aduan.domain.confidential import SEALED, identity_values
from layanan_aduan.domain.disclosure import PersonalValues, mask_event, seal_event
from layanan_aduan.domain.history import Event, canonical_json, verify
from layanan_aduan.domain.report import Report
from layanan_aduan.domain.seal import encode_signature
from layanan_aduan.domain.staff import StaffRole
from layanan_aduan.exceptions import StaffAuthorizationError
from layanan_aduan.ports import OutboxMessage, StoredReport
from layanan_aduan.privacy import mask
from layanan_aduan.service_layer.desk import Desk
from layanan_aduan.service_layer.report_stream import load_report, load_report_by_number
from layanan_aduan.service_layer.reprojection import deadline_reasons

__all__ = [
    "EVIDENCE_PACK_FORMAT",
    "EVIDENCE_PACK_TAG",
    "REVEALING_ROLES",
    "build_evidence_pack",
    "pack_message",
]

EVIDENCE_PACK_FORMAT: Final = "layanan-aduan/bukti/v1"
"""The ``format`` of a pack's JSON."""
EVIDENCE_PACK_TAG: Final = EVIDENCE_PACK_FORMAT
"""The domain tag of a pack signature."""
REVEALING_ROLES: Final = frozenset(
    {StaffRole.SECTION_HEAD, StaffRole.ACTING_SECTION_HEAD, StaffRole.OFFICE_HEAD}
)
"""The staff directory's roles that may see a pack's personal data."""
_PAGE: Final = 500


def pack_message(pack: dict[str, Any]) -> bytes:
    """
    The bytes a pack's signature covers: the tag, a NUL byte, then the canonical JSON of
    every key of the pack but ``signature``.
    """
    body = {k: v for k, v in pack.items() if k != "signature"}
    return EVIDENCE_PACK_TAG.encode() + b"\x00" + canonical_json(body).encode("utf-8")


def _iso(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    return pendulum.instance(value).in_timezone("UTC").isoformat().replace("+00:00", "Z")


def _seconds(value: dt.timedelta) -> int:
    return int(value.total_seconds())


def _check_viewer(desk: Desk, viewer: str | None, now: pendulum.DateTime) -> str:
    needed = StaffRole.SECTION_HEAD.value
    member = (
        None if viewer is None or desk.staff is None else desk.staff.member(desk.office, viewer)
    )
    if member is None:
        raise StaffAuthorizationError(
            "Data pribadi hanya ditampilkan bagi staf yang terdaftar di direktori staf kantor.",
            "Personal data is shown only to staff listed in the office's staff directory.",
            action="reveal_personal_data",
            needed=needed,
            code="unknown_staff",
        )
    roles = member.roles_at(desk.office, now, desk.working_time.timezone)
    if not roles & REVEALING_ROLES:
        raise StaffAuthorizationError(
            "Data pribadi hanya boleh dilihat Kepala Seksi (atau Plh-nya) dan Kepala Kejaksaan.",
            "Personal data may be seen only by the section head (or acting) and the office head.",
            action="reveal_personal_data",
            needed=needed,
            code="role_not_held",
        )
    return member.staff_id


def _outbox(desk: Desk, report_id: str) -> Iterator[OutboxMessage]:
    after: str | None = None
    while True:
        # The report's own messages, by the outbox's report index (not a scan of the office's).
        page = desk.storage.outbox.list(
            office=desk.office, report_id=report_id, limit=_PAGE, after=after
        )
        yield from page.items
        if page.next_cursor is None:
            return
        after = page.next_cursor


def _notification(
    message: OutboxMessage, reveal: bool, sealed: tuple[str, ...] = ()
) -> dict[str, Any]:
    recipient = message.payload.get("recipient")
    phone = recipient.get("phone") if isinstance(recipient, dict) else None
    shown = phone if reveal or not isinstance(phone, str) else mask(phone)
    if isinstance(phone, str) and phone in sealed:
        # A confidential report's reporter: sealed, whoever asks, until unsealed.
        shown = SEALED
    return {
        "key": message.key,
        "kind": message.payload.get("notification"),
        "recipient_phone": shown,
        "status": message.status.value,
        "attempts": message.attempts,
        "created_at": _iso(message.created_at),
        "sent_at": _iso(message.sent_at),
        "last_error": message.last_error,
    }


def _hashed(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k != "personal_data"}


def _personal_state(event: Event, shown: bool) -> str | None:
    # What the pack says of an event's personal values kept apart from its hash.
    if event.seal is None:
        return None
    if event.is_erased:
        return "erased"
    return "shown" if shown else "withheld"


def _sealed_vault(data: dict[str, Any], sealed: tuple[str, ...]) -> dict[str, Any]:
    # A revealing pack of a confidential report: the personal values kept apart, with the
    # identity sealed in them as seal_event seals it in a payload.
    vault = data["personal_data"]
    values = vault["values"]
    pseudo = {
        "actor_role": data.get("actor_role"),
        "actor_id": values.get("actor_id", ""),
        "payload": values.get("payload", {}),
    }
    out = seal_event(pseudo, sealed)
    shown_values: dict[str, Any] = {"payload": out["payload"]}
    if "actor_id" in values:
        shown_values["actor_id"] = out["actor_id"]
    return {**data, "personal_data": {**vault, "values": shown_values}}


def _events(
    events: tuple[Event, ...], reveal: bool, sealed: tuple[str, ...] = ()
) -> list[dict[str, Any]]:
    raw = [e.to_dict() for e in events]
    known = PersonalValues.of_events(raw)
    out = []
    for event, data in zip(events, raw, strict=True):
        if reveal and sealed and "personal_data" in data:
            shown = _sealed_vault(data, sealed)
        elif not reveal and event.seal is not None:
            # Its personal values are apart from what its hash covers: withheld whole, and
            # the rest re-hashes as it stands.
            shown = {k: v for k, v in data.items() if k != "personal_data"}
        elif sealed:
            # A confidential report whose identity is sealed: no identity, not even masked,
            # whoever asks (the free texts whole for a revealing viewer, withheld otherwise).
            shown = seal_event(data, sealed)
            if not reveal:
                shown = seal_event(mask_event(shown, PersonalValues()), sealed)
        else:
            shown = data if reveal else mask_event(data, known)
        entry: dict[str, Any] = {}
        reason = event.late_entry_reason
        if reason is not None and not reveal and event.seal is not None:
            # What an auditor must read of a late entry, shown masked beside the event.
            masked = mask_event({"payload": {"late_entry_reason": reason}}, known)
            if sealed:
                masked = seal_event(masked, sealed)
            entry["late_entry_reason"] = masked["payload"]["late_entry_reason"]
        out.append(
            {
                **entry,
                "seq": event.seq,
                "hash": event.hash,
                "masked": _hashed(shown) != _hashed(data),
                "personal_data": _personal_state(event, "personal_data" in shown),
                "sla_at": _iso(event.sla_at),
                "event": shown,
            }
        )
    return out


def _sla(desk: Desk, report: Any, stored: StoredReport, now: pendulum.DateTime) -> dict[str, Any]:
    base: dict[str, Any] = {
        "calendar_fingerprint": desk.working_time.calendar_fingerprint,
        "stored_calendar_fingerprint": stored.projection.calendar_fingerprint,
        "timezone": desk.working_time.timezone,
    }
    if report.received_at is None:
        return {**base, "started_at": None}
    sla = report.sla(
        now, desk.working_time, goal=desk.standard.completion_time, thresholds=desk.thresholds
    )
    overrides = {r.date: r for r in deadline_reasons(sla, desk.working_time)}
    closures = []
    for c in sla.closures:
        reason = overrides.get(c.date)
        closures.append(
            {
                "date": c.date.isoformat(),
                "day_kind": c.kind.value,
                "name": c.name,
                "name_en": c.name_en,
                "legal_basis": c.legal_basis,
                "estimated": c.estimated,
                "override": bool(reason is not None and reason.override)
                and c.kind is not DayKind.WEEKEND,
            }
        )
    special = [
        {
            "date": d.date.isoformat(),
            "hours": [f"{i.start.isoformat()}-{i.end.isoformat()}" for i in d.intervals],
            "note": d.note,
            "kind": overrides[d.date].kind if d.date in overrides else "special_hours",
        }
        for d in sla.special_hours
    ]
    return {
        **base,
        "started_at": _iso(sla.started_at),
        "read_at": _iso(sla.at),
        "goal_seconds": _seconds(sla.goal),
        "deadline": _iso(sla.deadline),
        "stopped_at": _iso(sla.stopped_at),
        "status": sla.status.value,
        "elapsed_seconds": _seconds(sla.elapsed),
        "overrun_seconds": _seconds(sla.overrun),
        "provisional": sla.provisional,
        "closures": closures,
        "special_hours": special,
        "pauses": [{"start": _iso(s), "end": _iso(e)} for s, e in sla.pauses],
        "explanation": sla.explain(),
    }


def _sealed_values(report: Report) -> tuple[str, ...]:
    # What a pack of a report whose identity is sealed must not show; () when not sealed.
    if not report.identity_sealed:
        return ()
    return identity_values(report.details.to_dict(), report.submitter_id)


def _identity_state(report: Report) -> str:
    if not report.confidential:
        return "not_confidential"
    return "sealed" if report.identity_sealed else "unsealed"


def build_evidence_pack(
    desk: Desk,
    ref: str,
    *,
    reveal_personal_data: bool = False,
    viewer: str | None = None,
) -> dict[str, Any]:
    """
    The evidence pack of the report ``ref`` (its number or id) as JSON values.

    Args:
        desk: The office's desk: its storage, calendar, keys, staff directory and clock.
        ref: The report's number (``LAP/...``) or id.
        reveal_personal_data: Show the reporter's identity and the free texts whole.
        viewer: The staff id of the person asking to see personal data: looked up in the
            staff directory at the desk's instant, never taken on trust.

    Raises:
        ReportNotFoundError: No such report of the desk's office.
        HistoryTamperedError: The history does not verify (a pack is made only of a history
            that does; an auditor checks a tampered database with ``verifikasi``).
        StaffAuthorizationError: ``reveal_personal_data`` without a ``viewer`` the directory
            lists (``unknown_staff``), or whose roles may not see it (``role_not_held``).
    """
    now = desk.clock.now()
    revealed_by = _check_viewer(desk, viewer, now) if reveal_personal_data else None
    with desk.storage.unit_of_work(read_only=True) as uow:
        load = load_report_by_number if "/" in ref else load_report
        report = load(uow.reports, ref, office=desk.office, signing=desk.signing)
        stored = uow.reports.get(report.id)
        audits = [dict(r) for r in uow.reports.audit_records(report.id)]
    events = report.events
    sealed = _sealed_values(report)
    check = verify(events, version=stored.version, head=stored.projection.head_hash)
    signing = desk.signing
    head_check = (
        "not_checked"
        if signing is None or signing.verifier is None
        else signing.problem(stored.report_id, stored.version, stored.projection) or "verified"
    )
    evidence = [
        {"seq": e.seq, **{k: item[k] for k in ("sha256", "size", "media_type")}}
        for e in events
        for item in e.payload.get("evidence", ())
        if isinstance(item, Mapping)
    ]
    pack: dict[str, Any] = {
        "format": EVIDENCE_PACK_FORMAT,
        "generated_at": _iso(now),
        "office": stored.projection.office,
        "report_id": stored.report_id,
        "number": report.number,
        "kind": stored.projection.kind,
        "state": report.state.value,
        "personal_data": "revealed" if revealed_by is not None else "masked",
        "revealed_to": revealed_by,
        "identity": _identity_state(report),
        "events": _events(events, revealed_by is not None, sealed),
        "chain": {
            "version": stored.version,
            "head_hash": stored.projection.head_hash,
            "verified": check.ok,
        },
        "head": {
            "signature": stored.projection.head_signature,
            "key_id": stored.projection.head_key_id,
            "check": head_check,
        },
        "sla": _sla(desk, report, stored, now),
        "reprojections": audits,
        "notifications": [
            _notification(m, revealed_by is not None, sealed) for m in _outbox(desk, report.id)
        ],
        "evidence": evidence,
        "signature": None,
    }
    signer = None if signing is None else signing.signer
    if signer is not None:
        pack["signature"] = {
            "key_id": signer.key_id,
            "value": encode_signature(signer.sign(pack_message(pack))),
        }
    return pack
