"""
The report (laporan, aduan or permohonan informasi) and the actions of the procedure on it.

A :class:`Report` is an entity whose state is the fold of its events
(:mod:`layanan_aduan.domain.history`): each action checks the workflow table
(:data:`~layanan_aduan.domain.workflow.REPORT_WORKFLOW`) for the actor's role and the
report's state, checks its input, then records one event and applies it. A refused action
raises and changes nothing. :meth:`Report.from_events` rebuilds a report from its events
alone, with the same code path, so the rebuilt report equals the live one.

Time is injected: every action takes the instant it happened (``at``) and who did it
(``actor``). The domain never reads the clock, sends a message or writes a file: the
service layer collects the new events (:meth:`Report.collect_new_events`), stores them and
publishes them.

**Two instants.** The service layer also passes the instant it records the action from its
clock (``recorded_at``; ``at`` when not given). For a staff step ``at`` is only what the actor
says: it may not be after ``recorded_at``, nor before the previous event's instant, nor more
than :data:`CLAIMED_INSTANT_TOLERANCE` before the previous event's recorded instant unless
the step is an explicit late entry (``late_entry_reason``, kept in the event). The SLA clock
counts a staff step at its recorded instant (:attr:`Event.sla_at
<layanan_aduan.domain.history.Event.sla_at>`), so no claimed instant moves a deadline or
hides a breach.

**Requirements.** What the reporter sent is kept as sent (:class:`ReporterDetails`, the
accepted :class:`~layanan_aduan.domain.evidence.EvidenceFile` values) and checked with
:func:`~layanan_aduan.domain.requirements.check_requirements` whenever it changes; the
problems found are recorded in the event. Until an officer receives it, the reporter may
add to the report (``add_to_submission``: more text, details or evidence, e.g. the screenshot
that follows the text). A report whose requirements are not met is kept: the officer asks for
completion (``request_completion``), the reporter sends more
(``supplement_requirements`` while something is still missing, ``complete_requirements``
when nothing is), and only a complete report can be forwarded.

**Personal data.** The reporter's details, the message, the direction and the follow-up are
personal data; the reprs of :class:`Report`, :class:`Actor` and :class:`ReporterDetails`
never show them whole.

>>> import pendulum
>>> t0 = pendulum.datetime(2026, 1, 9, 9, tz="Asia/Jakarta")
>>> reporter = Actor("+6281234567890", Role.REPORTER)
>>> officer = Actor("petugas-01", Role.OFFICER)
>>> report = Report.submit(
...     id="9b2f6c1e-0000-4000-8000-000000000001",
...     at=t0,
...     actor=reporter,
...     kind=ReportKind.ADUAN,
...     details=ReporterDetails(
...         name="Budi Santoso", nik="3171010101900001", phone="0812-3456-7890"
...     ),
...     message="Dugaan pungutan liar di kantor kelurahan.",
...     evidence=[b"%PDF-1.4\\n%%EOF\\n"],
... )
>>> report.state, report.version, report.requirements_met
(<ReportState.SUBMITTED: 'submitted'>, 1, True)
>>> report.receive(at=t0.add(minutes=5), actor=officer)
>>> report
Report(id='9b2f6c1e-0000-4000-8000-000000000001', number=None, kind='aduan',
       state='received', version=2)
>>> [e.action for e in report.collect_new_events()]
['submit', 'receive']
"""

from __future__ import annotations

import copy as _copy
import datetime as dt
import enum
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final

import attrs
import pendulum

from layanan_aduan.domain._problem import Problem
from layanan_aduan.domain.confidential import UNSEAL_REASON_LIMIT, UNSEALING_ROLES
from layanan_aduan.domain.erasure import Erasure, ErasureBasis, erasure_payload, read_erasure
from layanan_aduan.domain.evidence import (
    DEFAULT_LIMITS,
    EvidenceFile,
    EvidenceInspection,
    EvidenceLimits,
    MediaType,
)
from layanan_aduan.domain.history import (
    Event,
    _format_instant,
    to_instant,
    verify,
)
from layanan_aduan.domain.identity import Reporter
from layanan_aduan.domain.rating import Rating, is_rating_value
from layanan_aduan.domain.requirements import RequirementsCheck, check_requirements
from layanan_aduan.domain.staff import StaffRole
from layanan_aduan.domain.standard import (
    DEFAULT_REQUIREMENT_POLICY,
    KEJARI_JAKARTA_PUSAT,
    Channel,
    RequirementPolicy,
)
from layanan_aduan.domain.workflow import REPORT_WORKFLOW, Action, ReportState, Role
from layanan_aduan.domain.worktime import (
    DEFAULT_SLA_THRESHOLDS,
    SlaReport,
    SlaThresholds,
    WorkingTime,
)
from layanan_aduan.exceptions import (
    EventInstantError,
    HistoryTamperedError,
    RatingNotAllowedError,
    ReportInputError,
    RequirementsAlreadyMetError,
    TransitionNotAllowedError,
)
from layanan_aduan.privacy import mask, mask_name, redact_identifiers

__all__ = [
    "CLAIMED_INSTANT_TOLERANCE",
    "LATE_ENTRY_REASON_LIMIT",
    "Actor",
    "CloseReason",
    "Report",
    "ReportKind",
    "ReporterDetails",
    "format_report_number",
]

_NUMBER_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9/._-]{0,63}")
_TEXT_LIMIT = 4096  # the longest text one WhatsApp message can carry: a follow-up must fit
# A report's text may gather several WhatsApp messages of one sender: a looser bound.
_MESSAGE_LIMIT = 65_536

#: How far before the previous event's recorded instant a staff step may still claim to have
#: happened without being a late entry: the minutes two people at one desk may take to record
#: steps that followed each other.
CLAIMED_INSTANT_TOLERANCE: Final = dt.timedelta(minutes=5)
#: The longest reason a late entry may give (characters).
LATE_ENTRY_REASON_LIMIT: Final = 500


class ReportKind(enum.StrEnum):
    """
    What the applicant sends: a report, a complaint or a request for information.
    """

    LAPORAN = "laporan"
    ADUAN = "aduan"
    PERMOHONAN_INFORMASI = "permohonan_informasi"

    @property
    def label(self) -> str:
        """
        The Indonesian name, as the service standard says it.
        """
        return self.value.replace("_", " ")


class CloseReason(enum.StrEnum):
    """
    Why a message was closed as not a report (the ``close`` action).
    """

    SPAM = "spam"
    """Spam, advertising, abuse."""
    DUPLICATE = "duplicate"
    """The same matter as another report (name it in the note)."""
    NOT_A_REPORT = "not_a_report"
    """A greeting, a test, a message with no report or request in it."""
    OUT_OF_SCOPE = "out_of_scope"
    """Not for this office (bukan wewenang): e.g. misconduct of staff, which goes to e-PROWAS."""
    ABANDONED = "abandoned"
    """The reporter never completed the requirements."""
    OTHER = "other"
    """Another reason, stated in the note (required)."""

    @property
    def label(self) -> str:
        """
        The Indonesian description.
        """
        return _CLOSE_LABELS[self]


_CLOSE_LABELS = {
    CloseReason.SPAM: "spam",
    CloseReason.DUPLICATE: "duplikat laporan lain",
    CloseReason.NOT_A_REPORT: "bukan laporan, aduan atau permohonan informasi",
    CloseReason.OUT_OF_SCOPE: "bukan wewenang kantor ini",
    CloseReason.ABANDONED: "persyaratan tidak dilengkapi pelapor",
    CloseReason.OTHER: "alasan lain",
}


def format_report_number(office_code: str, year: int, serial: int, *, prefix: str = "LAP") -> str:
    """
    A human-readable report number, per office and year: ``LAP/KNJP/2026/000123``.

    Storage allocates ``serial`` (1, 2, ... per office and year); the domain only formats it.

    >>> format_report_number("KNJP", 2026, 123)
    'LAP/KNJP/2026/000123'
    """
    if serial < 1 or not 1000 <= year <= 9999:
        raise ReportInputError(
            "Nomor urut harus >= 1 dan tahun empat digit.",
            "The serial must be >= 1 and the year four digits.",
            code="invalid_report_number",
            field="number",
        )
    return f"{prefix}/{office_code}/{year:04d}/{serial:06d}"


def _check_number(value: str | None) -> str | None:
    if value is not None and (not isinstance(value, str) or not _NUMBER_RE.fullmatch(value)):
        raise ReportInputError(
            "Nomor laporan harus 1-64 huruf, angka atau '/._-', mis. 'LAP/KNJP/2026/000123'.",
            "A report number is 1-64 letters, digits or '/._-', e.g. 'LAP/KNJP/2026/000123'.",
            code="invalid_report_number",
            field="number",
        )
    return value


def _required_text(value: object, field: str, label: str, label_en: str) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        raise ReportInputError(
            f"{label} wajib diisi.",
            f"{label_en} is required.",
            code=f"{field}_required",
            field=field,
        )
    if len(text) > _TEXT_LIMIT:
        raise ReportInputError(
            f"{label} paling panjang {_TEXT_LIMIT} karakter.",
            f"{label_en} is at most {_TEXT_LIMIT} characters.",
            code=f"{field}_too_long",
            field=field,
        )
    return text


def _to_role(value: Role | str) -> Role:
    try:
        return Role(value)
    except ValueError:
        shown = redact_identifiers(str(value))
        raise ReportInputError(
            f"Peran {shown!r} tidak dikenal.",
            f"Unknown role {shown!r}.",
            code="invalid_role",
            field="role",
        ) from None


def _check_actor_id(instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    if not isinstance(value, str) or not value.strip() or len(value) > 256:
        raise ReportInputError(
            "Id pelaku wajib diisi (paling panjang 256 karakter).",
            "The actor id is required (at most 256 characters).",
            code="actor_id_required",
            field="actor.id",
        )


def _to_staff_role(value: StaffRole | str | None) -> StaffRole | None:
    if value is None:
        return None
    try:
        return StaffRole(value)
    except ValueError:
        raise ReportInputError(
            f"Peran staf '{value}' tidak dikenal.",
            f"Unknown staff role '{value}'.",
            code="invalid_role",
            field="staff_role",
        ) from None


@attrs.frozen(repr=False)
class Actor:
    """
    Who performs an action: an id, a role and, for staff, the directory's role.

    The reporter's id is their WhatsApp key (user id or E.164 number); staff ids are the
    office's own (e.g. an employee number). Ids are personal data: masked in the repr.
    ``staff_role`` is the role the office's staff directory gave a staff member at the
    instant (e.g. ``acting_section_head`` acting as ``section_head``); the history records
    it beside the workflow role (:attr:`Event.actor_staff_role`).

    >>> Actor("+6281234567890", "reporter")
    Actor(id='+62********890', role='reporter')
    >>> Actor("plh-kasi", "section_head", staff_role="acting_section_head")
    Actor(id='pl****si', role='section_head', staff_role='acting_section_head')
    """

    id: str = attrs.field(validator=_check_actor_id)
    role: Role = attrs.field(converter=_to_role)
    staff_role: StaffRole | None = attrs.field(default=None, kw_only=True, converter=_to_staff_role)

    def __attrs_post_init__(self) -> None:
        if self.staff_role is not None and self.staff_role.workflow_role is not self.role:
            raise ReportInputError(
                f"Peran staf '{self.staff_role}' tidak bertindak sebagai '{self.role}'.",
                f"The staff role '{self.staff_role}' does not act as '{self.role}'.",
                code="invalid_role",
                field="staff_role",
            )

    def __repr__(self) -> str:
        staff = "" if self.staff_role is None else f", staff_role={self.staff_role.value!r}"
        return f"Actor(id={mask(self.id)!r}, role={self.role.value!r}{staff})"


def _opt_text(value: str | None) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ReportInputError(
            "Data diri pelapor harus berupa teks.",
            "The reporter's details must be text.",
            code="invalid_details",
            field="details",
        )
    return value


_DETAIL_FIELDS = ("name", "nik", "phone", "whatsapp_user_id", "address", "email")


@attrs.frozen(repr=False)
class ReporterDetails:
    """
    The reporter's identity as sent (Data Diri Pelapor), before or after it is complete.

    Fields hold the raw text the reporter typed, ``None`` when not (yet) given; the
    checks of :func:`~layanan_aduan.domain.requirements.check_requirements` decide what is
    missing and :attr:`Report.reporter` holds the checked
    :class:`~layanan_aduan.domain.identity.Reporter` once they pass. Every field is personal
    data.

    >>> ReporterDetails(name="Budi Santoso", nik="3171010101900001")
    ReporterDetails(name='B*** S******', nik='3171********0001', phone=None,
                    whatsapp_user_id=None, address=None, email=None)
    """

    name: str | None = attrs.field(default=None, converter=_opt_text)
    nik: str | None = attrs.field(default=None, converter=_opt_text)
    phone: str | None = attrs.field(default=None, converter=_opt_text)
    whatsapp_user_id: str | None = attrs.field(default=None, converter=_opt_text)
    address: str | None = attrs.field(default=None, converter=_opt_text)
    email: str | None = attrs.field(default=None, converter=_opt_text)

    @property
    def is_empty(self) -> bool:
        """
        True when no field is given.
        """
        return all(getattr(self, f) is None for f in _DETAIL_FIELDS)

    def merged(self, newer: ReporterDetails) -> ReporterDetails:
        """
        These details with every field ``newer`` gives taking the place of the old one.

        >>> ReporterDetails(name="Budi", nik="1").merged(ReporterDetails(nik="2")).nik
        '2'
        """
        return ReporterDetails(
            **{
                f: getattr(newer, f) if getattr(newer, f) is not None else getattr(self, f)
                for f in _DETAIL_FIELDS
            }
        )

    def to_dict(self) -> dict[str, str]:
        """
        The given fields as JSON values (absent fields left out).
        """
        return {f: getattr(self, f) for f in _DETAIL_FIELDS if getattr(self, f) is not None}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ReporterDetails:
        """
        Read details written by :meth:`to_dict`.
        """
        unknown = sorted(set(data) - set(_DETAIL_FIELDS))
        if unknown:
            raise ReportInputError(
                f"Data diri pelapor memuat kunci yang tidak dikenal: {unknown}.",
                f"The reporter's details hold unknown keys: {unknown}.",
                code="invalid_details",
                field="details",
            )
        return cls(**{f: data.get(f) for f in _DETAIL_FIELDS})

    def __repr__(self) -> str:
        def shown(field: str) -> str | None:
            value: str | None = getattr(self, field)
            if value is None:
                return None
            if field == "name":
                return mask_name(value)
            if field == "address":
                return "[disamarkan]"
            return mask(value)

        inner = ", ".join(f"{f}={shown(f)!r}" for f in _DETAIL_FIELDS)
        return f"ReporterDetails({inner})"


def _events_tuple(value: Iterable[Event]) -> tuple[Event, ...]:
    return tuple(value)


def _evidence_to_dict(item: EvidenceFile) -> dict[str, Any]:
    return {
        "file_name": item.file_name,
        "media_type": item.media_type.value,
        "sha256": item.sha256,
        "size": item.size,
    }


def _evidence_from_dict(data: Mapping[str, Any]) -> EvidenceFile:
    return EvidenceFile(
        sha256=data["sha256"],
        media_type=MediaType(data["media_type"]),
        size=data["size"],
        file_name=data["file_name"],
    )


def _problem_to_dict(problem: Problem) -> dict[str, Any]:
    return {
        "blocking": problem.blocking,
        "code": problem.code,
        "field": problem.field,
        "message": problem.message,
        "message_en": problem.message_en,
    }


def _problem_from_dict(data: Mapping[str, Any]) -> Problem:
    return Problem(
        code=data["code"],
        field=data["field"],
        message=data["message"],
        message_en=data["message_en"],
        blocking=data["blocking"],
    )


def _check(
    details: ReporterDetails,
    evidence: Sequence[bytes | EvidenceFile | EvidenceInspection],
    limits: EvidenceLimits,
    policy: RequirementPolicy = DEFAULT_REQUIREMENT_POLICY,
) -> RequirementsCheck:
    return check_requirements(
        name=details.name,
        nik=details.nik,
        phone=details.phone,
        whatsapp_user_id=details.whatsapp_user_id,
        address=details.address,
        email=details.email,
        evidence=evidence,
        limits=limits,
        policy=policy,
    )


def _claim(claimed_at: dt.datetime | None, at: dt.datetime) -> dict[str, str]:
    # The channel's claimed instant, kept beside the bounded one when they differ.
    if claimed_at is None:
        return {}
    claimed = to_instant(claimed_at, "claimed_at")
    if claimed == to_instant(at, "at"):
        return {}
    return {"claimed_at": _format_instant(claimed)}


def _reason(value: object, *, limit: int, field: str, code: str, what: str, what_en: str) -> str:
    # A staff member's stated reason, checked: not empty once stripped, at most ``limit``.
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        raise ReportInputError(
            f"{what} wajib diisi.",
            f"{what_en} is required.",
            code=f"{code}_required",
            field=field,
        )
    if len(text) > limit:
        raise ReportInputError(
            f"{what} paling panjang {limit} karakter.",
            f"{what_en} is at most {limit} characters.",
            code=f"{code}_too_long",
            field=field,
        )
    return text


def _late_entry(reason: str | None) -> dict[str, str]:
    # The late-entry reason a staff step records, checked; nothing for an ordinary entry.
    if reason is None:
        return {}
    text = _reason(
        reason,
        limit=LATE_ENTRY_REASON_LIMIT,
        field="late_entry_reason",
        code="late_entry_reason",
        what="Alasan entri terlambat",
        what_en="A late entry's reason",
    )
    return {"late_entry_reason": text}


def _instant_problem(last: Event | None, event: Event) -> EventInstantError | None:
    """
    The rule of the two instants ``event`` breaks after ``last`` (its previous event), if any.

    The instant an event is about (``at``) is never after the instant it was recorded, nor
    before the previous event's; recorded instants never go back; the reporter's events are
    never before the instant the SLA counts for the previous event; a staff step claiming an
    instant more than :data:`CLAIMED_INSTANT_TOLERANCE` before the previous event's recorded
    instant is a late entry and says why.
    """
    shown = _format_instant(event.at)
    if last is not None and (
        event.at < last.at or (not event.is_staff_step and event.at < last.sla_at)
    ):
        return EventInstantError(
            "Waktu tindakan tidak boleh sebelum peristiwa terakhir laporan.",
            "An action cannot happen before the report's last event.",
            code="instant_before_previous_event",
            field="at",
            details={"last_seq": last.seq},
        )
    if event.at > event.recorded_at:
        return EventInstantError(
            f"Waktu kejadian {shown} setelah waktu pencatatannya "
            f"{_format_instant(event.recorded_at)}: tindakan tidak dapat dicatat sebelum terjadi.",
            f"The instant {shown} is after the instant it is recorded "
            f"({_format_instant(event.recorded_at)}): an action cannot be recorded before it "
            "happens.",
            code="instant_in_future",
            field="at",
        )
    if last is None:
        return None
    if event.recorded_at < last.recorded_at:
        return EventInstantError(
            "Waktu pencatatan tidak boleh sebelum pencatatan peristiwa terakhir laporan "
            f"({_format_instant(last.recorded_at)}).",
            "An action cannot be recorded before the report's last event was "
            f"({_format_instant(last.recorded_at)}).",
            code="recorded_before_previous_event",
            field="recorded_at",
            details={"last_seq": last.seq},
        )
    bound = last.recorded_at - CLAIMED_INSTANT_TOLERANCE
    if event.is_staff_step and event.late_entry_reason is None and event.at < bound:
        minutes = int(CLAIMED_INSTANT_TOLERANCE.total_seconds() // 60)
        return EventInstantError(
            f"Waktu kejadian {shown} lebih dari {minutes} menit sebelum peristiwa terakhir "
            f"dicatat ({_format_instant(last.recorded_at)}); catat sebagai entri terlambat "
            "dengan alasannya.",
            f"The instant {shown} is more than {minutes} minutes before the last event was "
            f"recorded ({_format_instant(last.recorded_at)}); record it as a late entry with "
            "its reason.",
            code="late_entry_required",
            field="at",
            details={"last_seq": last.seq, "earliest": _format_instant(bound)},
        )
    return None


def _joined(message: str, more: str) -> str:
    # Text added to a report goes on a new line; an empty part adds no blank line.
    return "\n".join(part for part in (message, more.strip()) if part)


def _not_continued(report: Report, seq: int) -> HistoryTamperedError:
    return HistoryTamperedError(
        f"Riwayat tersimpan tidak melanjutkan riwayat yang sudah diverifikasi "
        f"(versi {report.version}) sampai peristiwa {seq}.",
        f"The stored history does not continue the verified one (version {report.version}) "
        f"up to event {seq}.",
        code="history_not_continued",
        details={"verified_version": report.version, "seq": seq},
    )


_CONFIDENTIALITY_MEDIA = frozenset({"keyword", "button"})


def _confidential_submission(confidential: bool, anonymous: bool) -> dict[str, bool]:
    # Recorded only when true, so a submission that asks nothing hashes as it always did.
    if not isinstance(confidential, bool) or not isinstance(anonymous, bool):
        raise ReportInputError(
            "Kerahasiaan laporan harus true atau false.",
            "A report's confidentiality must be true or false.",
            code="invalid_confidentiality",
            field="confidential",
        )
    if anonymous:
        return {"anonymous": True, "confidential": True}
    return {"confidential": True} if confidential else {}


def _reporter_of(details: ReporterDetails) -> Reporter | None:
    # The reporter depends on the identity fields only; evidence does not change it.
    return _check(details, (), DEFAULT_LIMITS).reporter


@attrs.define(repr=False, on_setattr=attrs.setters.frozen)
class Report:
    """
    A report and its history; its state is the fold of its events.

    Made by :meth:`submit` (a new report) or :meth:`from_events` (a stored one; calling the
    class itself folds the events without verifying their chain); changed only by its
    action methods. Attributes cannot be assigned from outside
    (:meth:`assign_number` is the one exception, for the number storage allocates).

    Stable for storage: :attr:`id`, :attr:`number`, :attr:`version`, :attr:`state`,
    :attr:`head_hash`, :meth:`collect_new_events`, :meth:`from_events`.

    Attributes:
        id: Opaque id given by the caller (e.g. a UUID string); the domain never makes one.
        number: Human-readable number per office and year (``LAP/KNJP/2026/000123``),
            allocated by storage; ``None`` until given.
        events: Every event, oldest first (the history).
        kind: Laporan, aduan or permohonan informasi.
        details: The reporter's identity as sent (personal data).
        message: The text of the report (personal data).
        evidence: The accepted evidence files (their digests; the bytes live in storage).
        channel: Where it arrived (WhatsApp, the office's number).
        received_at: The instant the WhatsApp message arrived: the SLA clock starts here.
        state: The current state.
        problems: What the last requirements check found (blocking and not).
        reporter: The checked reporter, once requirement 1 is met; else ``None``.
        direction: The direction (arahan tindak lanjut) of step 4, once given.
        follow_up: The follow-up (tindak lanjut) of step 5, once delivered.
        close_reason: Why it was closed as not a report, if it was.
        close_note: The officer's note on closing.
        rating: The reporter's rating of the service after the follow-up (``rate``), once
            given; ``None`` before (and forever, when the reporter never answers).
        erasure: The erasure of its personal data (``erase_personal_data``), once recorded;
            then ``details``, ``message``, ``evidence``, ``direction``, ``follow_up`` and
            ``close_note`` read empty, and the history still verifies.
        confidential: True when the reporter asked that their identity be kept confidential
            (in the submission, or ``request_confidentiality`` later), or sent the report
            anonymously (:mod:`~layanan_aduan.domain.confidential`).
        anonymous: True when the report was accepted without a name and NIK (a standard
            with ``accept_anonymous``); such a report is confidential by construction.
        identity_unsealed_by: The staff id of the section head (or acting) who unsealed a
            confidential report's identity (``unseal_identity``), once done; else ``None``.
        identity_unseal_reason: The reason they stated.
    """

    id: str
    events: tuple[Event, ...] = attrs.field(converter=_events_tuple)
    number: str | None = attrs.field(default=None, converter=_check_number)
    kind: ReportKind = attrs.field(init=False)
    details: ReporterDetails = attrs.field(init=False)
    message: str = attrs.field(init=False)
    evidence: tuple[EvidenceFile, ...] = attrs.field(init=False)
    channel: Channel = attrs.field(init=False)
    received_at: pendulum.DateTime = attrs.field(init=False)
    state: ReportState = attrs.field(init=False)
    problems: tuple[Problem, ...] = attrs.field(init=False)
    reporter: Reporter | None = attrs.field(init=False)
    direction: str | None = attrs.field(init=False)
    follow_up: str | None = attrs.field(init=False)
    close_reason: CloseReason | None = attrs.field(init=False)
    close_note: str | None = attrs.field(init=False)
    rating: Rating | None = attrs.field(init=False)
    erasure: Erasure | None = attrs.field(init=False)
    confidential: bool = attrs.field(init=False)
    anonymous: bool = attrs.field(init=False)
    identity_unsealed_by: str | None = attrs.field(init=False)
    identity_unseal_reason: str | None = attrs.field(init=False)
    _direction_event: Event | None = attrs.field(init=False, eq=False)
    _pending: list[Event] = attrs.field(init=False, eq=False)
    # Folded with the events, so a step's SLA does not walk the whole history: the closed
    # pauses, the start of an open one, the latest SLA instant of any event, and when the
    # clock stopped for good.
    _closed_pauses: tuple[tuple[pendulum.DateTime, pendulum.DateTime], ...] = attrs.field(
        init=False, eq=False
    )
    _pause_start: pendulum.DateTime | None = attrs.field(init=False, eq=False)
    _latest_sla_at: pendulum.DateTime | None = attrs.field(init=False, eq=False)
    _stopped_at: pendulum.DateTime | None = attrs.field(init=False, eq=False)

    def __attrs_post_init__(self) -> None:
        events = self.events
        if not events:
            raise HistoryTamperedError(
                "Laporan tanpa peristiwa tidak ada: riwayat kosong.",
                "A report with no events does not exist: the history is empty.",
                code="history_empty",
            )
        self._set(events=(), _pending=[], direction=None, follow_up=None)
        self._set(close_reason=None, close_note=None, _direction_event=None, rating=None)
        self._set(erasure=None)
        self._set(confidential=False, anonymous=False)
        self._set(identity_unsealed_by=None, identity_unseal_reason=None)
        self._set(_closed_pauses=(), _pause_start=None, _latest_sla_at=None, _stopped_at=None)
        for event in events:
            self._apply(event)

    # --- construction ----------------------------------------------------------------------

    @classmethod
    def submit(
        cls,
        *,
        id: str,
        at: dt.datetime,
        actor: Actor,
        kind: ReportKind | str,
        details: ReporterDetails,
        message: str = "",
        evidence: Sequence[bytes | EvidenceFile | EvidenceInspection] = (),
        channel: Channel | None = None,
        number: str | None = None,
        limits: EvidenceLimits = DEFAULT_LIMITS,
        policy: RequirementPolicy = DEFAULT_REQUIREMENT_POLICY,
        claimed_at: dt.datetime | None = None,
        recorded_at: dt.datetime | None = None,
        confidential: bool = False,
        anonymous: bool = False,
    ) -> Report:
        """
        Step 1: the applicant sends a report or request; a new report in state ``submitted``.

        The requirements are checked at once and every problem is recorded: an incomplete
        report is kept (the officer receives it, then asks for completion).

        Args:
            id: Opaque id chosen by the caller (e.g. ``str(uuid.uuid4())``).
            at: The instant the WhatsApp message arrived (``received_at``).
            actor: The reporter (role ``reporter``; the id is their WhatsApp key).
            kind: Laporan, aduan or permohonan informasi.
            details: The reporter's identity as sent.
            message: The text of the report (may be empty when only evidence was sent).
            evidence: Evidence bytes (recognised here) or recognised files.
            channel: Where it arrived; the WhatsApp number of
                :data:`~layanan_aduan.domain.standard.KEJARI_JAKARTA_PUSAT` by default.
            number: The report number, when storage has allocated it already.
            limits: Size limits for evidence.
            policy: What the office's standard requires (the seed's by default: name, NIK,
                a contact and evidence); the problems it finds are recorded with the event.
            claimed_at: The instant the channel claimed for the message, when ``at`` is not
                it (the desk bounds a claim by its clock): kept in the event for the record.
            recorded_at: The instant the desk records the report, from its clock (``at``
                when not given; never before ``at``).
            confidential: The reporter asked in the submission that their identity be kept
                confidential (recorded in the payload only when true).
            anonymous: The report is accepted without a name and NIK (the standard's
                ``accept_anonymous``): confidential too, whatever ``confidential`` says.

        Raises:
            TransitionNotAllowedError: The actor is not a reporter.
            ReportInputError: Bad input (an empty id, a message too long, ...).
            NaiveDatetimeError: ``at`` has no time zone.
        """
        REPORT_WORKFLOW.transition(Action.SUBMIT, None, actor.role)
        if not isinstance(id, str) or not id.strip() or len(id) > 128:
            raise ReportInputError(
                "Id laporan wajib diisi (paling panjang 128 karakter).",
                "The report id is required (at most 128 characters).",
                code="report_id_required",
                field="id",
            )
        try:
            kind = ReportKind(kind)
        except ValueError:
            raise ReportInputError(
                f"Jenis laporan '{kind}' tidak dikenal.",
                f"Unknown report kind '{kind}'.",
                code="invalid_kind",
                field="kind",
            ) from None
        if not isinstance(message, str) or len(message) > _MESSAGE_LIMIT:
            raise ReportInputError(
                f"Isi laporan harus teks, paling panjang {_MESSAGE_LIMIT} karakter.",
                f"The message must be text of at most {_MESSAGE_LIMIT} characters.",
                code="message_too_long",
                field="message",
            )
        _check_number(number)
        check = _check(details, evidence, limits, policy)
        channel = KEJARI_JAKARTA_PUSAT.channel if channel is None else channel
        payload = {
            "channel": channel.to_dict(),
            "details": details.to_dict(),
            "evidence": [_evidence_to_dict(e) for e in check.evidence],
            "kind": kind.value,
            "message": message,
            "number": number,
            "problems": [_problem_to_dict(p) for p in check.problems],
            **_claim(claimed_at, at),
            **_confidential_submission(confidential, anonymous),
        }
        event = Event.record(
            None,
            report_id=id,
            action=Action.SUBMIT,
            actor_id=actor.id,
            actor_role=actor.role,
            at=at,
            from_state=None,
            to_state=REPORT_WORKFLOW.initial_state,
            payload=payload,
            recorded_at=recorded_at,
        )
        problem = _instant_problem(None, event)
        if problem is not None:
            raise problem
        report = cls(id=id, events=(event,), number=number)
        report._pending.append(event)
        return report

    @classmethod
    def from_events(
        cls,
        events: Iterable[Event],
        *,
        number: str | None = None,
        version: int | None = None,
        head: str | None = None,
    ) -> Report:
        """
        Rebuild a report from its events alone; it equals the live report they came from.

        The history is verified first (against ``version`` and ``head`` when given: the
        anchor storage keeps beside the stream), then every event is applied through the
        workflow table again.

        Args:
            events: The report's events, oldest first.
            number: The report number, when it was assigned after submission.
            version: The number of events the report is known to have.
            head: The hash of its last event.

        Raises:
            HistoryTamperedError: The history is not intact or not a history of one report.
            TransitionNotAllowedError: An event the workflow table does not allow.
        """
        events = tuple(events)
        verify(events, version=version, head=head).raise_if_tampered()
        if not events:
            raise HistoryTamperedError(
                "Laporan tanpa peristiwa tidak ada: riwayat kosong.",
                "A report with no events does not exist: the history is empty.",
                code="history_empty",
            )
        return cls(id=events[0].report_id, events=events, number=number)

    def continued(
        self, events: Iterable[Event], *, version: int, head: str, number: str | None = None
    ) -> Report:
        """
        A copy of this report with ``events``, stored after it, applied; this one is unchanged.

        Only the new events are checked: each must be intact (its hash matches its content),
        of this report, numbered on from this report's version and linked to the hash before it
        (the first to this report's :attr:`head_hash`), and the result must reach the anchor
        storage keeps (``version`` and ``head``). So when this report was itself verified from
        its whole history, the copy is as verified as :meth:`from_events` over the whole stream
        would make it, and equals it, at the cost of the new events alone.

        Args:
            events: The events stored after this report's version, oldest first.
            version: The number of events storage says the report has.
            head: The hash storage keeps for its last event.
            number: The report number storage keeps (this report's when ``None``).

        Raises:
            HistoryTamperedError: ``history_not_continued``: the events do not continue this
                report up to the anchor (verify the whole stream with :meth:`from_events` to
                learn where and how it was changed).
            TransitionNotAllowedError: An event the workflow table does not allow.
        """
        added = tuple(events)
        seq, link = self.version, self.head_hash
        for event in added:
            if event.seq != seq + 1 or event.prev_hash != link or not event.is_intact:
                raise _not_continued(self, event.seq)
            seq, link = event.seq, event.hash
        if seq != version or link != head:
            raise _not_continued(self, seq)
        copy = _copy.copy(self)  # no re-fold: the fields are immutable values
        copy._set(_pending=[], number=self.number if number is None else _check_number(number))
        for event in added:
            copy._apply(event)
        return copy

    # --- reading ---------------------------------------------------------------------------

    @property
    def version(self) -> int:
        """
        The number of events (pending ones included): the version storage checks.
        """
        return len(self.events)

    @property
    def has_unsaved_events(self) -> bool:
        """
        True while events recorded by its actions wait for :meth:`collect_new_events`.
        """
        return bool(self._pending)

    @property
    def head_hash(self) -> str:
        """
        The hash of the last event: with :attr:`version`, the anchor of the history.
        """
        return self.events[-1].hash

    @property
    def submitter_id(self) -> str:
        """
        The id of the reporter who submitted it (personal data).
        """
        return self.events[0].actor_id

    @property
    def blocking_problems(self) -> tuple[Problem, ...]:
        """
        The problems that leave a requirement unmet.
        """
        return tuple(p for p in self.problems if p.blocking)

    @property
    def requirements_met(self) -> bool:
        """
        True when no requirement is unmet.
        """
        return not self.blocking_problems

    def requirements_check(self) -> RequirementsCheck:
        """
        The last requirements check, e.g. for
        :meth:`~layanan_aduan.domain.requirements.RequirementsCheck.reporter_message`.
        """
        return RequirementsCheck(
            problems=self.problems, reporter=self.reporter, evidence=self.evidence
        )

    @property
    def is_final(self) -> bool:
        """
        True when nothing more may happen (follow-up delivered, or closed).
        """
        return self.state in REPORT_WORKFLOW.final_states

    @property
    def direction_event(self) -> Event | None:
        """
        The event of step 4 (the direction the follow-up refers to), once given.
        """
        return self._direction_event

    # --- SLA -------------------------------------------------------------------------------

    def pauses(
        self, at: dt.datetime | None = None
    ) -> tuple[tuple[pendulum.DateTime, pendulum.DateTime], ...]:
        """
        The spans during which the SLA clock was paused, waiting for the reporter, as of ``at``.

        A pause starts with ``request_completion`` and ends with ``complete_requirements``
        (or when the report is closed meanwhile); events after ``at`` are not yet known,
        and a pause still open at ``at`` ends there. Without ``at``: as of the last event.
        Staff steps count at their recorded instants (:attr:`Event.sla_at
        <layanan_aduan.domain.history.Event.sla_at>`).
        """
        until = self.events[-1].sla_at if at is None else to_instant(at, "at")
        latest = self._latest_sla_at
        if latest is not None and until >= latest:
            # No event is after ``until``: the spans folded with the events are the answer.
            open_from = self._pause_start
            closed = self._closed_pauses
            return closed if open_from is None else (*closed, (open_from, until))
        spans: list[tuple[pendulum.DateTime, pendulum.DateTime]] = []
        start: pendulum.DateTime | None = None
        for event in self.events:
            instant = event.sla_at
            if instant > until:
                break
            if event.action == Action.REQUEST_COMPLETION:
                start = instant
            elif start is not None and event.to_state != ReportState.AWAITING_COMPLETION:
                spans.append((start, instant))
                start = None
        if start is not None:
            spans.append((start, until))
        return tuple(spans)

    @property
    def clock_stopped_at(self) -> pendulum.DateTime | None:
        """
        When the SLA clock stopped for good: the follow-up delivered (step 5), or the report
        closed as not a report, at the instant that step was recorded; ``None`` while it runs
        or is paused.

        It is the instant of the event that entered the final state: an annotation recorded
        later (the reporter's rating) does not move it.
        """
        if not self.is_final:
            return None
        return self._stopped_at

    @property
    def is_paused(self) -> bool:
        """
        True while the office waits for the reporter to complete the requirements.
        """
        return self.state is ReportState.AWAITING_COMPLETION

    def sla(
        self,
        at: dt.datetime,
        working_time: WorkingTime,
        *,
        goal: dt.timedelta | None = None,
        thresholds: SlaThresholds = DEFAULT_SLA_THRESHOLDS,
    ) -> SlaReport:
        """
        The report's SLA clock read at ``at``: deadline, elapsed, remaining, status, whether
        it is provisional, and why (the closures and pauses that moved the deadline).

        The clock starts at :attr:`received_at` (the WhatsApp message's instant), runs in the
        office's working time only, pauses while the report awaits completion of the
        requirements (:meth:`pauses`), and stops when the follow-up is delivered, or when the
        report is closed as not a report (:attr:`clock_stopped_at`). Staff steps count at the
        instants they were recorded, whatever instant they claim (a late entry never hides a
        breach). Only what had been recorded by ``at`` counts, so the clock can be read for any
        past instant too.

        Args:
            at: The instant to read the clock at (not before :attr:`received_at`).
            working_time: The office's working-time engine
                (:class:`~layanan_aduan.domain.worktime.WorkingTime` over its calendar).
            goal: The completion time; the service standard's 3 working hours by default
                (:attr:`~layanan_aduan.domain.standard.ServiceStandard.completion_time`).
            thresholds: When a running clock counts as at risk and critical.

        Raises:
            InstantOrderError: ``at`` is before :attr:`received_at`.
        """
        return working_time.sla(
            self.received_at,
            at,
            goal=KEJARI_JAKARTA_PUSAT.completion_time if goal is None else goal,
            pauses=self.pauses(at),
            stopped_at=self.clock_stopped_at,
            thresholds=thresholds,
        )

    def available_actions(self, role: Role | None = None) -> tuple[str, ...]:
        """
        The actions the workflow table allows now (only ``role``'s, when given); an action
        the table allows once (the rating) is not offered again once recorded; the
        confidentiality annotations only where they apply (a request on a report that is not
        confidential, an unsealing on one whose identity is sealed); none of the reporter's
        once their personal data is erased (nobody is known to be the reporter any more).
        """
        done = {e.action for e in self.events}
        erased = self.erasure is not None
        return tuple(
            t.action
            for t in REPORT_WORKFLOW.available(self.state, role)
            if not (t.once and t.action in done)
            and self._confidentiality_offers(t.action)
            and not (erased and t.role is Role.REPORTER)
        )

    # --- actions ---------------------------------------------------------------------------

    def receive(
        self,
        *,
        at: dt.datetime,
        actor: Actor,
        recorded_at: dt.datetime | None = None,
        late_entry_reason: str | None = None,
    ) -> None:
        """
        Step 2: the officer receives the report.

        Every staff step takes, beside ``at`` (the instant the actor says it happened) and
        ``actor``:

        Args:
            recorded_at: The instant the desk records the step, from its clock (``at`` when
                not given). The SLA counts the step at this instant.
            late_entry_reason: Why the step is entered late: makes it a late entry, whose
                ``at`` may be earlier than the previous event's recorded instant minus
                :data:`CLAIMED_INSTANT_TOLERANCE` (never before the previous event's ``at``).

        Raises:
            EventInstantError: ``instant_in_future``, ``instant_before_previous_event``,
                ``recorded_before_previous_event``, ``late_entry_required``.
            ReportInputError: ``late_entry_reason_required`` (blank),
                ``late_entry_reason_too_long``.
        """
        self._record(
            Action.RECEIVE,
            at,
            actor,
            {},
            recorded_at=recorded_at,
            late_entry_reason=late_entry_reason,
        )

    def forward(
        self,
        *,
        at: dt.datetime,
        actor: Actor,
        recorded_at: dt.datetime | None = None,
        late_entry_reason: str | None = None,
    ) -> None:
        """
        Step 3: the officer passes the report to the Head of the Intelligence Section
        (``recorded_at`` and ``late_entry_reason`` as for :meth:`receive`).

        Raises:
            RequirementsNotMetError: A requirement is unmet: ask for completion first.
        """
        self._allowed(Action.FORWARD, actor)
        if not self.requirements_met:
            self.requirements_check().raise_if_incomplete()
        self._record(
            Action.FORWARD,
            at,
            actor,
            {},
            recorded_at=recorded_at,
            late_entry_reason=late_entry_reason,
        )

    def give_direction(
        self,
        *,
        at: dt.datetime,
        actor: Actor,
        direction: str,
        recorded_at: dt.datetime | None = None,
        late_entry_reason: str | None = None,
    ) -> None:
        """
        Step 4: the Head of the Intelligence Section gives the direction for the follow-up
        (``recorded_at`` and ``late_entry_reason`` as for :meth:`receive`).

        Raises:
            ReportInputError: ``direction_required`` when the text is empty.
        """
        self._allowed(Action.GIVE_DIRECTION, actor)
        text = _required_text(direction, "direction", "Arahan tindak lanjut", "The direction")
        self._record(
            Action.GIVE_DIRECTION,
            at,
            actor,
            {"direction": text},
            recorded_at=recorded_at,
            late_entry_reason=late_entry_reason,
        )

    def deliver_follow_up(
        self,
        *,
        at: dt.datetime,
        actor: Actor,
        follow_up: str,
        recorded_at: dt.datetime | None = None,
        late_entry_reason: str | None = None,
    ) -> None:
        """
        Step 5: the officer delivers the follow-up to the applicant, as directed
        (``recorded_at`` and ``late_entry_reason`` as for :meth:`receive`).

        The event refers to the direction of step 4 by its ``seq`` and ``hash``.

        Raises:
            ReportInputError: ``follow_up_required`` when the text is empty.
        """
        self._allowed(Action.DELIVER_FOLLOW_UP, actor)
        text = _required_text(follow_up, "follow_up", "Tindak lanjut", "The follow-up")
        direction = self._direction_event
        assert direction is not None  # noqa: S101 - the table allows step 5 only after step 4
        payload = {"direction_hash": direction.hash, "direction_seq": direction.seq}
        self._record(
            Action.DELIVER_FOLLOW_UP,
            at,
            actor,
            {**payload, "follow_up": text},
            recorded_at=recorded_at,
            late_entry_reason=late_entry_reason,
        )

    def request_completion(
        self,
        *,
        at: dt.datetime,
        actor: Actor,
        recorded_at: dt.datetime | None = None,
        late_entry_reason: str | None = None,
    ) -> None:
        """
        Side path: the officer asks the reporter to complete the requirements; the SLA
        clock pauses until they do, from the instant this is recorded (``recorded_at`` and
        ``late_entry_reason`` as for :meth:`receive`).

        The event records what is missing (the blocking problems).

        Raises:
            RequirementsAlreadyMetError: Nothing is missing.
        """
        self._allowed(Action.REQUEST_COMPLETION, actor)
        missing = self.blocking_problems
        if not missing:
            raise RequirementsAlreadyMetError(
                "Persyaratan laporan sudah lengkap; tidak ada yang perlu dilengkapi.",
                "The report's requirements are met; nothing needs completing.",
                field="requirements",
            )
        payload = {"missing": [_problem_to_dict(p) for p in missing]}
        self._record(
            Action.REQUEST_COMPLETION,
            at,
            actor,
            payload,
            recorded_at=recorded_at,
            late_entry_reason=late_entry_reason,
        )

    def complete_requirements(
        self,
        *,
        at: dt.datetime,
        actor: Actor,
        details: ReporterDetails | None = None,
        evidence: Sequence[bytes | EvidenceFile | EvidenceInspection] = (),
        limits: EvidenceLimits = DEFAULT_LIMITS,
        policy: RequirementPolicy = DEFAULT_REQUIREMENT_POLICY,
        claimed_at: dt.datetime | None = None,
        recorded_at: dt.datetime | None = None,
    ) -> None:
        """
        Side path: the reporter sends more data or evidence, and the requirements are
        checked again.

        When nothing is missing any more the report resumes (``complete_requirements``,
        back to ``received``, the SLA clock runs again); otherwise it keeps waiting
        (``supplement_requirements``), and the event records what is still missing.

        Args:
            at: When the reporter's message arrived (the desk bounds it by its clock).
            recorded_at: The instant the desk records it, from its clock (``at`` when not
                given).
            actor: The reporter who submitted the report.
            details: Fields of the identity sent now; each replaces the old one.
            evidence: More evidence (bytes or recognised files), added to what was accepted.
            limits: Size limits for evidence.

        Raises:
            ReportInputError: ``nothing_supplied`` when neither details nor evidence is given.
        """
        self._allowed(Action.COMPLETE_REQUIREMENTS, actor)
        check, payload = self._added_data(details, evidence, limits, policy=policy)
        payload.update(_claim(claimed_at, at))
        action = (
            Action.COMPLETE_REQUIREMENTS if check.is_complete else Action.SUPPLEMENT_REQUIREMENTS
        )
        self._record(action, at, actor, payload, recorded_at=recorded_at)

    def add_to_submission(
        self,
        *,
        at: dt.datetime,
        actor: Actor,
        message: str = "",
        details: ReporterDetails | None = None,
        evidence: Sequence[bytes | EvidenceFile | EvidenceInspection] = (),
        limits: EvidenceLimits = DEFAULT_LIMITS,
        policy: RequirementPolicy = DEFAULT_REQUIREMENT_POLICY,
        claimed_at: dt.datetime | None = None,
        recorded_at: dt.datetime | None = None,
    ) -> None:
        """
        Side path: the reporter adds to a report no officer has received yet (the
        screenshot sent a minute after the text), and the requirements are checked again.

        The report stays ``submitted``; the event records the text, details and evidence
        added and what the check found, exactly as :meth:`complete_requirements` does. The
        text is appended to :attr:`message` on a new line.

        Args:
            at: When the reporter's message arrived (the desk bounds it by its clock).
            recorded_at: The instant the desk records it, from its clock (``at`` when not
                given).
            actor: The reporter who submitted the report.
            message: More text of the report (may be empty when only evidence is sent).
            details: Fields of the identity sent now; each replaces the old one.
            evidence: More evidence (bytes or recognised files), added to what was accepted.
            limits: Size limits for evidence.

        Raises:
            TransitionNotAllowedError: The report is no longer ``submitted``
                (``transition_not_allowed``), or the actor is not its reporter
                (``role_not_allowed``, ``actor_not_allowed``).
            ReportInputError: ``nothing_supplied`` when no text, details or evidence is
                given; ``message_too_long`` when the text is not text or the report's text
                would grow beyond its bound.
        """
        self._allowed(Action.ADD_TO_SUBMISSION, actor)
        if not isinstance(message, str) or len(_joined(self.message, message)) > _MESSAGE_LIMIT:
            raise ReportInputError(
                f"Isi laporan harus teks, paling panjang {_MESSAGE_LIMIT} karakter.",
                f"The message must be text of at most {_MESSAGE_LIMIT} characters.",
                code="message_too_long",
                field="message",
            )
        text = message.strip()
        _, payload = self._added_data(details, evidence, limits, text=text, policy=policy)
        payload = {**payload, "message": text, **_claim(claimed_at, at)}
        self._record(Action.ADD_TO_SUBMISSION, at, actor, payload, recorded_at=recorded_at)

    def close(
        self,
        *,
        at: dt.datetime,
        actor: Actor,
        reason: CloseReason | str,
        note: str = "",
        recorded_at: dt.datetime | None = None,
        late_entry_reason: str | None = None,
    ) -> None:
        """
        Side path: the officer closes a message that is not a report, with a reason
        (``recorded_at`` and ``late_entry_reason`` as for :meth:`receive`).

        Raises:
            ReportInputError: ``invalid_close_reason``, or ``note_required`` when the reason
                is ``other`` and the note is empty.
        """
        self._allowed(Action.CLOSE, actor)
        try:
            reason = CloseReason(reason)
        except ValueError:
            raise ReportInputError(
                f"Alasan penutupan '{reason}' tidak dikenal.",
                f"Unknown reason for closing '{reason}'.",
                code="invalid_close_reason",
                field="reason",
            ) from None
        if reason is CloseReason.OTHER or not isinstance(note, str) or len(note) > _TEXT_LIMIT:
            # An empty note is fine for a named reason; "other" must say what it is.
            note = _required_text(note, "note", "Catatan penutupan", "The note on closing")
        payload = {"note": note.strip(), "reason": reason.value}
        self._record(
            Action.CLOSE,
            at,
            actor,
            payload,
            recorded_at=recorded_at,
            late_entry_reason=late_entry_reason,
        )

    def correct_kind(
        self,
        *,
        at: dt.datetime,
        actor: Actor,
        kind: ReportKind | str,
        note: str = "",
        recorded_at: dt.datetime | None = None,
        late_entry_reason: str | None = None,
    ) -> None:
        """
        Side path: the officer corrects what the report is (a request for information sent
        as a complaint, ...), with an optional note; the state and the SLA clock do not change
        (``recorded_at`` and ``late_entry_reason`` as for :meth:`receive`).

        Raises:
            ReportInputError: ``invalid_kind`` for a kind that does not exist, ``kind_unchanged``
                when the report already is of that kind.
        """
        self._allowed(Action.CORRECT_KIND, actor)
        try:
            new = ReportKind(kind)
        except ValueError:
            raise ReportInputError(
                "Jenis harus laporan, aduan atau permohonan_informasi.",
                "The kind must be laporan, aduan or permohonan_informasi.",
                code="invalid_kind",
                field="kind",
            ) from None
        if new is self.kind:
            raise ReportInputError(
                f"Laporan ini sudah berjenis {new.label}.",
                f"This report already is a {new.value}.",
                code="kind_unchanged",
                field="kind",
            )
        if not isinstance(note, str) or len(note) > _TEXT_LIMIT:
            note = _required_text(note, "note", "Catatan", "The note")
        payload = {"kind": new.value, "note": note.strip(), "previous": self.kind.value}
        self._record(
            Action.CORRECT_KIND,
            at,
            actor,
            payload,
            recorded_at=recorded_at,
            late_entry_reason=late_entry_reason,
        )

    def rate(
        self,
        *,
        at: dt.datetime,
        actor: Actor,
        rating: int,
        message_id: str,
        claimed_at: dt.datetime | None = None,
    ) -> None:
        """
        After the follow-up: the reporter rates the service from 1 (sangat tidak puas) to 5
        (sangat puas), once (Survei Kepuasan Masyarakat).

        An annotation: the report stays ``completed``, the SLA clock stays stopped where the
        follow-up stopped it, and the event (covered by the hash chain like every other)
        records the rating and the id of the reporter's message that gave it.

        Args:
            at: When the reporter's message arrived.
            actor: The reporter who submitted the report.
            rating: A whole number from 1 to 5.
            message_id: The id of the reporter's message (1-256 characters, no control
                characters).
            claimed_at: The instant the channel claimed for the message, when ``at`` is not it.

        Raises:
            RatingNotAllowedError: ``report_not_completed`` before the follow-up is delivered
                (or on a closed report); ``rating_already_given`` when the report has its
                rating.
            TransitionNotAllowedError: The actor is not the report's reporter
                (``role_not_allowed``, ``actor_not_allowed``).
            ReportInputError: ``rating_out_of_range`` for anything but a whole number from 1
                to 5; ``invalid_message_id``.
        """
        role = str(actor.role) if isinstance(actor, Actor) else "?"
        if self.state is not ReportState.COMPLETED:
            raise self._not_now(
                Action.RATE,
                role,
                "report_not_completed",
                "Penilaian hanya dapat diberikan setelah tindak lanjut disampaikan.",
                "A rating can only be given once the follow-up has been delivered.",
                error=RatingNotAllowedError,
            )
        self._allowed(Action.RATE, actor)
        if self.rating is not None:
            raise self._not_now(
                Action.RATE,
                role,
                "rating_already_given",
                "Penilaian untuk laporan ini sudah diberikan; penilaian pertama yang berlaku.",
                "This report has been rated already; the first rating stands.",
                error=RatingNotAllowedError,
            )
        if not is_rating_value(rating):
            raise ReportInputError(
                "Penilaian harus bilangan bulat 1 sampai 5.",
                "A rating must be a whole number from 1 to 5.",
                code="rating_out_of_range",
                field="rating",
            )
        if (
            not isinstance(message_id, str)
            or not 0 < len(message_id) <= 256
            or not message_id.isprintable()
        ):
            raise ReportInputError(
                "Id pesan penilaian harus 1-256 karakter tanpa karakter kendali.",
                "The rating's message id must be 1-256 characters without control characters.",
                code="invalid_message_id",
                field="message_id",
            )
        payload = {"message_id": message_id, "rating": rating, **_claim(claimed_at, at)}
        self._record(Action.RATE, at, actor, payload)

    def erase_personal_data(
        self,
        *,
        at: dt.datetime,
        actor: Actor,
        basis: ErasureBasis | str,
        reference: str,
    ) -> Erasure:
        """
        After the report ended (completed or closed): record that its personal data is erased,
        and forget it here.

        The ``erase_personal_data`` event names the basis, the reference of the decision or
        request, and which events and fields are erased; storage deletes the values when it
        saves the event. Every event keeps its hash (each sealed one's commitment stays), so
        the history still verifies. The report reads on without them: ``details`` empty,
        ``message`` ``""``, no ``evidence``, ``direction``, ``follow_up`` or ``close_note``,
        no reporter; its number, kind, states and SLA stay.

        Args:
            at: When the erasure is recorded (the desk's clock).
            actor: The officer who erases (or the retention run, acting as an officer).
            basis: Why (:class:`~layanan_aduan.domain.erasure.ErasureBasis`).
            reference: The decision's or the request's reference (1-300 characters).

        Raises:
            TransitionNotAllowedError: ``report_not_ended`` while the report is open;
                ``personal_data_already_erased`` the second time; ``role_not_allowed`` for
                a role other than the officer's; ``history_not_sealed`` for a report recorded
                before personal data was kept apart (its values are inside the hashes).
            ReportInputError: ``invalid_erasure_basis``, ``erasure_reference_required``.
        """
        role = str(actor.role) if isinstance(actor, Actor) else "?"
        if self.state not in REPORT_WORKFLOW.final_states:
            raise self._not_now(
                Action.ERASE_PERSONAL_DATA,
                role,
                "report_not_ended",
                "Data pribadi hanya dapat dihapus setelah laporan selesai atau ditutup.",
                "Personal data can only be erased once the report is completed or closed.",
            )
        if self.erasure is not None:
            raise self._not_now(
                Action.ERASE_PERSONAL_DATA,
                role,
                "personal_data_already_erased",
                "Data pribadi laporan ini sudah dihapus.",
                "This report's personal data has been erased already.",
            )
        self._allowed(Action.ERASE_PERSONAL_DATA, actor)
        if self.events[0].seal is None:
            raise self._not_now(
                Action.ERASE_PERSONAL_DATA,
                role,
                "history_not_sealed",
                "Riwayat laporan ini dicatat sebelum data pribadi dipisahkan dari rantai hash: "
                "data pribadinya tidak dapat dihapus tanpa merusak riwayat.",
                "This report's history was recorded before personal data was kept apart from "
                "the hash chain: its personal data cannot be erased without breaking the history.",
            )
        sealed = [e for e in self.events if e.seal is not None and not e.is_erased]
        fields = {k for e in sealed for k in e.personal_values().get("payload", {})}
        if any(e.actor_role is Role.REPORTER for e in sealed):
            fields.add("actor_id")
        payload = erasure_payload(basis, reference, [e.seq for e in sealed], sorted(fields))
        self._record(Action.ERASE_PERSONAL_DATA, at, actor, payload, recorded_at=at)
        self._forget_personal_data()
        assert self.erasure is not None  # noqa: S101 - folded from the event just recorded
        return self.erasure

    def _forget_personal_data(self) -> None:
        # Fold the erased events again: what the report reads once storage has deleted them.
        pending = [e.erased() for e in self._pending]
        fresh = Report(id=self.id, events=[e.erased() for e in self.events], number=self.number)
        for field in attrs.fields(Report):
            if field.name != "_pending":
                self._set(**{field.name: getattr(fresh, field.name)})
        self._set(_pending=pending)

    @property
    def is_erased(self) -> bool:
        """
        True once the report's personal data was erased (:attr:`erasure`).
        """
        return self.erasure is not None

    # --- confidential reports (domain/confidential.py) --------------------------------------

    @property
    def identity_sealed(self) -> bool:
        """
        True while the reporter's identity is hidden from the staff: a confidential report
        whose identity no section head has unsealed.
        """
        return self.confidential and self.identity_unsealed_by is None

    def request_confidentiality(
        self,
        *,
        at: dt.datetime,
        actor: Actor,
        medium: str = "keyword",
        message_id: str | None = None,
        claimed_at: dt.datetime | None = None,
        recorded_at: dt.datetime | None = None,
    ) -> None:
        """
        The reporter asks, after the submission, that their identity be kept confidential
        (a keyword in a later message, or the reply button offered): an annotation, the state
        and the SLA clock do not change.

        Args:
            at: When the reporter's message arrived.
            actor: The reporter who submitted the report.
            medium: How they asked: ``"keyword"`` or ``"button"``.
            message_id: The id of their message (1-256 characters), when known.
            claimed_at: The instant the channel claimed for the message, when not ``at``.
            recorded_at: The instant the desk records it (``at`` when not given).

        Raises:
            TransitionNotAllowedError: On a final report (``transition_not_allowed``), or by
                anyone but the report's reporter (``role_not_allowed``, ``actor_not_allowed``).
            ReportInputError: ``already_confidential``; ``invalid_medium``;
                ``invalid_message_id``.
        """
        self._allowed(Action.REQUEST_CONFIDENTIALITY, actor)
        if self.confidential:
            raise ReportInputError(
                "Laporan ini sudah dirahasiakan.",
                "This report is confidential already.",
                code="already_confidential",
                field="confidential",
            )
        if medium not in _CONFIDENTIALITY_MEDIA:
            raise ReportInputError(
                "Cara permintaan kerahasiaan harus 'keyword' atau 'button'.",
                "The way confidentiality was asked must be 'keyword' or 'button'.",
                code="invalid_medium",
                field="medium",
            )
        payload: dict[str, Any] = {"medium": medium, **_claim(claimed_at, at)}
        if message_id is not None:
            if (
                not isinstance(message_id, str)
                or not 0 < len(message_id) <= 256
                or not message_id.isprintable()
            ):
                raise ReportInputError(
                    "Id pesan harus 1-256 karakter tanpa karakter kendali.",
                    "The message id must be 1-256 characters without control characters.",
                    code="invalid_message_id",
                    field="message_id",
                )
            payload["message_id"] = message_id
        self._record(Action.REQUEST_CONFIDENTIALITY, at, actor, payload, recorded_at=recorded_at)

    def unseal_identity(
        self,
        *,
        at: dt.datetime,
        actor: Actor,
        reason: str,
        recorded_at: dt.datetime | None = None,
    ) -> None:
        """
        The section head (or the acting section head) unseals a confidential report's
        identity, stating why: an annotation recorded with the reason (the state and the SLA
        clock do not change). The service layer checks in the staff directory that the actor
        holds one of :data:`~layanan_aduan.domain.confidential.UNSEALING_ROLES`; the domain
        checks the workflow role, and that ``actor.staff_role`` (when given) is one of them.

        Raises:
            TransitionNotAllowedError: ``role_not_allowed`` for anyone but the section head.
            ReportInputError: ``not_confidential``, ``already_unsealed``,
                ``unseal_reason_required`` (empty), ``unseal_reason_too_long``.
        """
        self._allowed(Action.UNSEAL_IDENTITY, actor)
        if not self.confidential:
            raise ReportInputError(
                "Laporan ini tidak dirahasiakan; tidak ada identitas yang perlu dibuka.",
                "This report is not confidential; there is no identity to unseal.",
                code="not_confidential",
                field="confidential",
            )
        if self.identity_unsealed_by is not None:
            raise ReportInputError(
                "Identitas pelapor laporan ini sudah dibuka.",
                "This report's identity has been unsealed already.",
                code="already_unsealed",
                field="confidential",
            )
        text = _reason(
            reason,
            limit=UNSEAL_REASON_LIMIT,
            field="reason",
            code="unseal_reason",
            what="Alasan membuka identitas pelapor",
            what_en="The reason for unsealing the reporter's identity",
        )
        self._record(
            Action.UNSEAL_IDENTITY, at, actor, {"unseal_reason": text}, recorded_at=recorded_at
        )

    def _confidentiality_offers(self, action: str) -> bool:
        if action == Action.REQUEST_CONFIDENTIALITY:
            return not self.confidential
        if action == Action.UNSEAL_IDENTITY:
            return self.identity_sealed
        return True

    def _apply_submitted_confidentiality(self, event: Event) -> None:
        p = event.payload
        anonymous = p.get("anonymous", False)
        confidential = p.get("confidential", False)
        if not isinstance(anonymous, bool) or not isinstance(confidential, bool):
            raise _inconsistent(event, "its confidentiality is not true or false")
        if anonymous and not confidential:
            raise _inconsistent(event, "an anonymous report that is not confidential")
        self._set(confidential=confidential, anonymous=anonymous)

    def _apply_confidentiality(self, event: Event) -> None:
        if self.confidential or event.payload.get("medium") not in _CONFIDENTIALITY_MEDIA:
            raise _inconsistent(event, "a request for confidentiality it cannot hold")
        self._set(confidential=True)

    def _apply_unseal(self, event: Event) -> None:
        reason = event.payload.get("unseal_reason")
        if not self.confidential or self.identity_unsealed_by is not None:
            raise _inconsistent(event, "an unsealing of an identity that is not sealed")
        if event.actor_staff_role not in (None, *(r.value for r in UNSEALING_ROLES)):
            raise _inconsistent(event, "an unsealing by a role that may not unseal")
        if not event.is_erased and (not isinstance(reason, str) or not reason.strip()):
            raise _inconsistent(event, "an unsealing without a reason")
        self._set(identity_unsealed_by=event.actor_id, identity_unseal_reason=reason)

    def assign_number(self, number: str) -> None:
        """
        Give the report its human-readable number (once; storage allocates it).

        Assigning the same number again is harmless. The number is a label kept beside the
        history, not an event: pass it to :meth:`from_events` when rebuilding.

        Raises:
            ReportInputError: ``invalid_report_number``, or ``number_already_assigned`` when
                the report has another number.
        """
        _check_number(number)
        if self.number is not None and self.number != number:
            raise ReportInputError(
                f"Laporan sudah bernomor {self.number}.",
                f"The report already has the number {self.number}.",
                code="number_already_assigned",
                field="number",
            )
        self._set(number=number)

    def collect_new_events(self) -> tuple[Event, ...]:
        """
        The events recorded since the last call (or since it was made), and forget them.

        The service layer stores and publishes these. The first one's ``seq - 1`` is the
        version storage must still hold (optimistic concurrency).
        """
        pending = tuple(self._pending)
        self._pending.clear()
        return pending

    # --- internals -------------------------------------------------------------------------

    def _added_data(
        self,
        details: ReporterDetails | None,
        evidence: Sequence[bytes | EvidenceFile | EvidenceInspection],
        limits: EvidenceLimits,
        *,
        text: str = "",
        policy: RequirementPolicy = DEFAULT_REQUIREMENT_POLICY,
    ) -> tuple[RequirementsCheck, dict[str, Any]]:
        # What the reporter adds (complete_requirements, add_to_submission), checked with
        # what the report holds already; the payload both record.
        added = details if details is not None else ReporterDetails()
        if added.is_empty and not evidence and not text:
            raise ReportInputError(
                "Tidak ada data diri atau bukti baru yang dikirim.",
                "No new identity data or evidence was sent.",
                code="nothing_supplied",
                field="details",
            )
        check = _check(self.details.merged(added), [*self.evidence, *evidence], limits, policy)
        # Files already held are not added twice (a reporter may send the same one again).
        new_evidence = [e for e in check.evidence if e not in self.evidence]
        payload = {
            "details": added.to_dict(),
            "evidence": [_evidence_to_dict(e) for e in new_evidence],
            "problems": [_problem_to_dict(p) for p in check.problems],
        }
        return check, payload

    def _set(self, **values: Any) -> None:
        # The entity refuses assignment from outside (on_setattr=frozen); its own methods
        # change it here, after every check has passed.
        for name, value in values.items():
            object.__setattr__(self, name, value)

    def _not_now(
        self,
        action: Action,
        role: str,
        code: str,
        message: str,
        message_en: str,
        *,
        error: type[TransitionNotAllowedError] = TransitionNotAllowedError,
    ) -> TransitionNotAllowedError:
        # A refusal of ``action`` in the report's current state, for ``role``.
        return error(
            message,
            message_en,
            action=str(action),
            state=str(self.state),
            role=role,
            code=code,
        )

    def _allowed(self, action: Action, actor: Actor) -> None:
        REPORT_WORKFLOW.transition(action, self.state, actor.role)
        if actor.role is Role.REPORTER and actor.id != self.submitter_id:
            raise TransitionNotAllowedError(
                f"Tindakan '{action}' hanya boleh dilakukan oleh pemohon yang mengirim laporan.",
                f"Action '{action}' may only be performed by the applicant who sent the report.",
                action=str(action),
                state=str(self.state),
                role=str(actor.role),
                code="actor_not_allowed",
            )

    def _record(
        self,
        action: Action,
        at: dt.datetime,
        actor: Actor,
        payload: Mapping[str, Any],
        *,
        recorded_at: dt.datetime | None = None,
        late_entry_reason: str | None = None,
    ) -> None:
        self._allowed(action, actor)
        instant = to_instant(at, "at")
        recorded = instant if recorded_at is None else to_instant(recorded_at, "recorded_at")
        if actor.role is not Role.REPORTER:
            payload = {**payload, **_late_entry(late_entry_reason)}
        last = self.events[-1]
        target = REPORT_WORKFLOW.transition(action, self.state, actor.role).target
        event = Event.record(
            last,
            report_id=self.id,
            action=action,
            actor_id=actor.id,
            actor_role=actor.role,
            at=instant,
            from_state=self.state,
            to_state=target,
            payload=payload,
            actor_staff_role=None if actor.staff_role is None else actor.staff_role.value,
            recorded_at=recorded,
        )
        problem = _instant_problem(last, event)
        if problem is not None:
            raise problem
        self._apply(event)
        self._pending.append(event)

    def _apply(self, event: Event) -> None:
        state = None if not self.events else self.state
        transition = REPORT_WORKFLOW.transition(event.action, state, event.actor_role)
        if event.from_state != state or event.to_state != transition.target:
            raise _inconsistent(event, "its states do not follow the workflow table")
        if event.report_id != self.id:
            raise _inconsistent(event, "it belongs to another report")
        reporter_acts = state is not None and event.actor_role is Role.REPORTER
        if reporter_acts and event.actor_id != self.submitter_id:
            raise _inconsistent(event, "a reporter other than the submitter acted")
        staff_role = event.actor_staff_role
        if staff_role is not None and _STAFF_ACTS_AS.get(staff_role) is not event.actor_role:
            raise _inconsistent(event, "its staff role does not act as its role")
        if _instant_problem(self.events[-1] if self.events else None, event) is not None:
            raise _inconsistent(event, "its instants break the rule of the two instants")
        reason = event.late_entry_reason
        if "late_entry_reason" in event.payload and (
            not event.is_staff_step
            or reason is None
            or _late_entry(reason) != {"late_entry_reason": reason}
        ):
            raise _inconsistent(event, "a late entry that is not a staff step's")
        handler = _APPLY[Action(event.action)]
        handler(self, event)
        self._fold_clock(event)
        self._set(events=(*self.events, event), state=ReportState(event.to_state))

    def _fold_clock(self, event: Event) -> None:
        # What pauses() and clock_stopped_at would find walking the events, one event on.
        instant = event.sla_at
        latest = self._latest_sla_at
        if latest is None or instant > latest:
            self._set(_latest_sla_at=instant)
        if event.action == Action.REQUEST_COMPLETION:
            self._set(_pause_start=instant)
        elif self._pause_start is not None and event.to_state != ReportState.AWAITING_COMPLETION:
            self._set(
                _closed_pauses=(*self._closed_pauses, (self._pause_start, instant)),
                _pause_start=None,
            )
        if self._stopped_at is None and event.to_state in REPORT_WORKFLOW.final_states:
            self._set(_stopped_at=instant)

    def _apply_submit(self, event: Event) -> None:
        p = event.payload
        # An erased event reads without its personal keys: no details, message or evidence.
        details = ReporterDetails.from_dict(p.get("details", {}))
        self._set(
            kind=ReportKind(p["kind"]),
            details=details,
            message=p.get("message", ""),
            evidence=tuple(_evidence_from_dict(e) for e in p.get("evidence", ())),
            channel=Channel.from_dict(p["channel"]),
            received_at=event.at,
            problems=tuple(_problem_from_dict(x) for x in p["problems"]),
            reporter=_reporter_of(details),
        )
        if p["number"] is not None and self.number not in (None, p["number"]):
            raise _inconsistent(event, "the number given differs from the one submitted")
        if p["number"] is not None:
            self._set(number=p["number"])
        self._apply_submitted_confidentiality(event)

    def _apply_plain(self, event: Event) -> None:
        return None

    def _apply_direction(self, event: Event) -> None:
        self._set(direction=event.payload.get("direction"), _direction_event=event)

    def _apply_follow_up(self, event: Event) -> None:
        d = self._direction_event
        p = event.payload
        if d is None or p["direction_seq"] != d.seq or p["direction_hash"] != d.hash:
            raise _inconsistent(event, "the follow-up does not refer to the direction given")
        self._set(follow_up=p.get("follow_up"))

    def _apply_requirements(self, event: Event) -> None:
        p = event.payload
        details = self.details.merged(ReporterDetails.from_dict(p.get("details", {})))
        problems = tuple(_problem_from_dict(x) for x in p["problems"])
        complete = not any(x.blocking for x in problems)
        if complete != (event.action == Action.COMPLETE_REQUIREMENTS):
            raise _inconsistent(event, "the action does not match the problems recorded")
        self._set(
            details=details,
            evidence=(*self.evidence, *(_evidence_from_dict(e) for e in p.get("evidence", ()))),
            problems=problems,
            reporter=_reporter_of(details),
        )

    def _apply_addition(self, event: Event) -> None:
        p = event.payload
        details = self.details.merged(ReporterDetails.from_dict(p.get("details", {})))
        self._set(
            details=details,
            message=_joined(self.message, p.get("message", "")),
            evidence=(*self.evidence, *(_evidence_from_dict(e) for e in p.get("evidence", ()))),
            problems=tuple(_problem_from_dict(x) for x in p["problems"]),
            reporter=_reporter_of(details),
        )

    def _apply_kind(self, event: Event) -> None:
        p = event.payload
        if p["previous"] != self.kind.value or p["kind"] == p["previous"]:
            raise _inconsistent(event, "the kind corrected is not the report's kind")
        self._set(kind=ReportKind(p["kind"]))

    def _apply_rating(self, event: Event) -> None:
        p = event.payload
        if self.rating is not None:
            raise _inconsistent(event, "the report was rated before")
        message_id = p.get("message_id", "")  # erased with the personal data
        if not is_rating_value(p["rating"]) or not isinstance(message_id, str):
            raise _inconsistent(event, "its rating is not a whole number from 1 to 5")
        self._set(rating=Rating(p["rating"], event.at, message_id))

    def _apply_close(self, event: Event) -> None:
        self._set(
            close_reason=CloseReason(event.payload["reason"]),
            close_note=event.payload.get("note"),
        )

    def _apply_erasure(self, event: Event) -> None:
        erasure = read_erasure(event.seq, event.recorded_at, event.actor_id, event.payload)
        if erasure is None or self.erasure is not None:
            raise _inconsistent(event, "an erasure not recorded once as this library records it")
        sealed = {e.seq for e in self.events if e.seal is not None}
        if not set(erasure.erased_seqs) <= sealed:
            raise _inconsistent(event, "it names events without personal data apart")
        self._set(erasure=erasure)

    def __repr__(self) -> str:
        return (
            f"Report(id={self.id!r}, number={self.number!r}, kind={self.kind.value!r}, "
            f"state={self.state.value!r}, version={self.version})"
        )


_STAFF_ACTS_AS = {r.value: r.workflow_role for r in StaffRole}


def _inconsistent(event: Event, why: str) -> HistoryTamperedError:
    return HistoryTamperedError(
        f"Peristiwa seq {event.seq} tidak konsisten dengan riwayat laporan.",
        f"Event seq {event.seq} is inconsistent with the report's history: {why}.",
        code="history_inconsistent",
        details={"seq": event.seq, "action": event.action},
    )


_APPLY = {
    Action.SUBMIT: Report._apply_submit,
    Action.RECEIVE: Report._apply_plain,
    Action.FORWARD: Report._apply_plain,
    Action.GIVE_DIRECTION: Report._apply_direction,
    Action.DELIVER_FOLLOW_UP: Report._apply_follow_up,
    Action.REQUEST_COMPLETION: Report._apply_plain,
    Action.SUPPLEMENT_REQUIREMENTS: Report._apply_requirements,
    Action.COMPLETE_REQUIREMENTS: Report._apply_requirements,
    Action.ADD_TO_SUBMISSION: Report._apply_addition,
    Action.CLOSE: Report._apply_close,
    Action.CORRECT_KIND: Report._apply_kind,
    Action.ERASE_PERSONAL_DATA: Report._apply_erasure,
    Action.RATE: Report._apply_rating,
    Action.REQUEST_CONFIDENTIALITY: Report._apply_confidentiality,
    Action.UNSEAL_IDENTITY: Report._apply_unseal,
}
