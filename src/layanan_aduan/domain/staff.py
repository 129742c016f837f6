"""
The office's staff: who holds which role, from when to when, and what that lets them do.

A :class:`StaffMember` is an employee of an office with a staff id (the office's own, e.g.
``petugas-01`` or an NIP), a name, the WhatsApp number or user id notifications reach them
by, and :class:`Assignment` s: a :class:`StaffRole` in an office, optionally bounded by
dates. The desk never believes a role it is told: it looks the acting person up in the
office's staff directory (:class:`layanan_aduan.ports.StaffDirectory`) and asks
:func:`authorize` whether the role they hold *at the instant of the step* lets them take it.

**Dates.** An assignment's ``starts`` and ``ends`` are calendar dates in the office's time
zone and the interval is closed: ``[starts, ends]``, both days included whole (from 00:00
of ``starts`` to 24:00 of ``ends``, local time). ``None`` leaves that side open. An acting
section head (*Pelaksana Harian*, Plh) always has both dates.

**Whose duties.** At any instant one person holds the section head's duties
(:func:`duty_holder`): the acting section head on the dates of their assignment, otherwise
the section head. The handover, the SLA alerts and the direction of step 4 follow that
person: during a Plh's dates the section head's duties, the right to give the direction
included, are the Plh's.

>>> import datetime as dt, pendulum
>>> kasi = StaffMember("kasi-intel", "Andi Pratama", phone="+6281233334444",
...                    assignments=(Assignment(StaffRole.SECTION_HEAD, "KNJP"),))
>>> plh = StaffMember("plh-kasi", "Sari Dewi", phone="+6281255556666", assignments=(
...     Assignment(StaffRole.ACTING_SECTION_HEAD, "KNJP",
...                starts=dt.date(2026, 1, 19), ends=dt.date(2026, 1, 23)),))
>>> plh
StaffMember(staff_id='pl****si', name='S*** D***', phone='+62********666',
            whatsapp_user_id=None, roles=('acting_section_head 2026-01-19..2026-01-23@KNJP',))
>>> monday = pendulum.datetime(2026, 1, 19, 0, 30, tz="Asia/Jakarta")
>>> sorted(plh.roles_at("KNJP", monday, "Asia/Jakarta"))
[<StaffRole.ACTING_SECTION_HEAD: 'acting_section_head'>]
>>> duty_holder([kasi, plh], "KNJP", StaffRole.SECTION_HEAD, monday, "Asia/Jakarta").staff_id
'plh-kasi'
>>> duty_holder([kasi, plh], "KNJP", StaffRole.SECTION_HEAD, monday.subtract(hours=1),
...             "Asia/Jakarta").staff_id
'kasi-intel'
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import Iterable, Mapping
from typing import Any, Final

import attrs
import pendulum

from layanan_aduan.domain.history import to_instant
from layanan_aduan.domain.identity import PhoneNumber, WhatsAppUserId
from layanan_aduan.domain.workflow import Role
from layanan_aduan.exceptions import InvalidStaffError, StaffAuthorizationError
from layanan_aduan.privacy import mask, mask_name

__all__ = [
    "NAME_MAX_LENGTH",
    "STAFF_ID_PATTERN",
    "Assignment",
    "StaffMember",
    "StaffRole",
    "authorize",
    "check_office",
    "duty_holder",
    "local_date",
]

#: A staff id: a letter or digit, then up to 63 letters, digits, dots, hyphens or underscores.
STAFF_ID_PATTERN: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
NAME_MAX_LENGTH: Final = 200
_OFFICE_MAX_LENGTH: Final = 64


class StaffRole(enum.StrEnum):
    """
    A role an office gives one of its staff.
    """

    OFFICER = "officer"
    """The officer on duty (petugas pelaksana): steps 2, 3 and 5 and the side paths."""
    SECTION_HEAD = "section_head"
    """The Head of the Intelligence Section (Kepala Seksi Intelijen, Kasi Intel)."""
    ACTING_SECTION_HEAD = "acting_section_head"
    """The acting section head (Pelaksana Harian, Plh): the section head's duties, on dates."""
    OFFICE_HEAD = "office_head"
    """The Head of the District Prosecutor's Office (Kepala Kejaksaan Negeri, Kajari)."""

    @property
    def label(self) -> str:
        """
        The Indonesian name of the role.
        """
        return _LABELS[self][0]

    @property
    def label_en(self) -> str:
        """
        The English name of the role.
        """
        return _LABELS[self][1]

    @property
    def workflow_role(self) -> Role | None:
        """
        The workflow role this role acts as (``None``: it takes no step of the procedure).

        >>> StaffRole.ACTING_SECTION_HEAD.workflow_role
        <Role.SECTION_HEAD: 'section_head'>
        """
        return _ACTS_AS[self]


_LABELS = {
    StaffRole.OFFICER: ("petugas pelaksana", "officer"),
    StaffRole.SECTION_HEAD: ("Kepala Seksi Intelijen", "Head of the Intelligence Section"),
    StaffRole.ACTING_SECTION_HEAD: (
        "Pelaksana Harian (Plh) Kepala Seksi Intelijen",
        "acting Head of the Intelligence Section",
    ),
    StaffRole.OFFICE_HEAD: ("Kepala Kejaksaan Negeri", "Head of the District Prosecutor's Office"),
}
_ACTS_AS: dict[StaffRole, Role | None] = {
    StaffRole.OFFICER: Role.OFFICER,
    StaffRole.SECTION_HEAD: Role.SECTION_HEAD,
    StaffRole.ACTING_SECTION_HEAD: Role.SECTION_HEAD,
    StaffRole.OFFICE_HEAD: None,
}


def _to_staff_role(value: StaffRole | str) -> StaffRole:
    try:
        return StaffRole(value)
    except ValueError:
        known = ", ".join(r.value for r in StaffRole)
        raise InvalidStaffError(
            f"Peran staf tidak dikenal (yang dikenal: {known}).",
            f"Unknown staff role (known: {known}).",
            code="staff_role_unknown",
            field="role",
        ) from None


def check_office(value: object, field: str = "office") -> str:
    """
    An office code as given (a non-blank string of at most 64 characters), or refused.
    """
    if not isinstance(value, str) or not value.strip() or len(value) > _OFFICE_MAX_LENGTH:
        raise InvalidStaffError(
            "Kode kantor wajib diisi (paling panjang 64 karakter).",
            "The office code is required (at most 64 characters).",
            code="invalid_office",
            field=field,
        )
    return value


def _check_office(_instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    check_office(value, attribute.name)


def _check_date(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    # A datetime is a date too; an assignment's bounds are whole days.
    if value is not None and (not isinstance(value, dt.date) or isinstance(value, dt.datetime)):
        raise InvalidStaffError(
            "Tanggal penugasan harus berupa tanggal (YYYY-MM-DD), tanpa jam.",
            "An assignment's date must be a date (YYYY-MM-DD), without a time.",
            code="assignment_dates_invalid",
            field=attribute.name,
        )


@attrs.frozen
class Assignment:
    """
    One role of a member in one office, on the closed interval of dates ``[starts, ends]``
    in the office's time zone (``None``: open on that side).

    >>> Assignment("acting_section_head", "KNJP")
    Traceback (most recent call last):
    ...
    layanan_aduan.exceptions.InvalidStaffError: Plh harus memiliki tanggal mulai dan selesai.
    """

    role: StaffRole = attrs.field(converter=_to_staff_role)
    office: str = attrs.field(validator=_check_office)
    starts: dt.date | None = attrs.field(default=None, validator=_check_date)
    ends: dt.date | None = attrs.field(default=None, validator=_check_date)

    def __attrs_post_init__(self) -> None:
        if self.starts is not None and self.ends is not None and self.ends < self.starts:
            raise InvalidStaffError(
                "Tanggal selesai penugasan tidak boleh sebelum tanggal mulainya.",
                "An assignment cannot end before it starts.",
                code="assignment_dates_invalid",
                field="ends",
            )
        if self.role is StaffRole.ACTING_SECTION_HEAD and (
            self.starts is None or self.ends is None
        ):
            raise InvalidStaffError(
                "Plh harus memiliki tanggal mulai dan selesai.",
                "An acting section head (Plh) needs a start and an end date.",
                code="acting_without_dates",
                field="starts" if self.starts is None else "ends",
            )

    def covers(self, day: dt.date) -> bool:
        """
        Whether ``day`` (a date in the office's time zone) is within ``[starts, ends]``.
        """
        return (self.starts is None or self.starts <= day) and (
            self.ends is None or day <= self.ends
        )

    def describe(self) -> str:
        """
        The assignment in one short line, e.g. ``acting_section_head 2026-01-19..2026-01-23@KNJP``.
        """
        if self.starts is None and self.ends is None:
            return f"{self.role.value}@{self.office}"
        start = "" if self.starts is None else self.starts.isoformat()
        end = "" if self.ends is None else self.ends.isoformat()
        return f"{self.role.value} {start}..{end}@{self.office}"


def _check_staff_id(_instance: object, attribute: attrs.Attribute[str], value: object) -> None:
    if not isinstance(value, str) or STAFF_ID_PATTERN.fullmatch(value) is None:
        raise InvalidStaffError(
            "Id staf wajib diisi: huruf, angka, titik, tanda hubung atau garis bawah "
            "(paling panjang 64 karakter).",
            "The staff id is required: letters, digits, dots, hyphens or underscores "
            "(at most 64 characters).",
            code="staff_id_invalid",
            field=attribute.name,
        )


def _clean_name(value: object) -> str:
    if not isinstance(value, str):
        value = ""
    cleaned = " ".join(value.split())
    if (
        not cleaned
        or len(cleaned) > NAME_MAX_LENGTH
        or not any(ch.isalpha() for ch in cleaned)
        or not cleaned.isprintable()
    ):
        raise InvalidStaffError(
            f"Nama staf wajib diisi dengan huruf (paling panjang {NAME_MAX_LENGTH} karakter).",
            f"The staff member's name is required, with letters (at most {NAME_MAX_LENGTH} "
            "characters).",
            code="staff_name_invalid",
            field="name",
        )
    return cleaned


def _check_phone(_instance: object, _attribute: object, value: str | None) -> None:
    if value is not None:
        PhoneNumber(value)  # refuses a non-string too


def _check_user_id(_instance: object, _attribute: object, value: str | None) -> None:
    if value is not None:
        WhatsAppUserId(value)  # refuses a non-string too


def _assignments(value: Iterable[Assignment]) -> tuple[Assignment, ...]:
    items = tuple(value)
    for i, item in enumerate(items):
        if not isinstance(item, Assignment):
            raise InvalidStaffError(
                "Setiap penugasan harus berupa Assignment.",
                "Every assignment must be an Assignment.",
                code="staff_role_unknown",
                field=f"assignments[{i}]",
            )
    return items


def local_date(at: dt.datetime, timezone: str) -> dt.date:
    """
    The calendar date of the aware instant ``at`` in ``timezone``.

    Raises:
        NaiveDatetimeError: ``at`` has no time zone.
        InvalidStaffError: ``invalid_timezone`` when the zone is unknown.

    >>> import pendulum
    >>> local_date(pendulum.datetime(2026, 1, 18, 17, 30, tz="UTC"), "Asia/Jakarta")
    datetime.date(2026, 1, 19)
    """
    instant = to_instant(at, "at")
    try:
        zone = pendulum.timezone(timezone)
    except (ValueError, TypeError, LookupError):
        zone = None
    if not isinstance(zone, pendulum.Timezone):
        raise InvalidStaffError(
            "Zona waktu kantor tidak dikenal.",
            "The office's time zone is unknown.",
            code="invalid_timezone",
            field="timezone",
        )
    local = instant.in_timezone(zone)
    return dt.date(local.year, local.month, local.day)


@attrs.frozen(repr=False)
class StaffMember:
    """
    An employee of an office, as the staff directory knows them.

    Personal data: the name, number and user id are masked in the repr; the staff id too
    (it may be an NIP, which holds a birth date).

    Attributes:
        staff_id: The office's id for them (what a step's ``officer=`` names).
        name: Their name (white space collapsed).
        phone: Their WhatsApp number in E.164 form, or ``None``.
        whatsapp_user_id: Their WhatsApp business-scoped user id, or ``None``.
        assignments: Their roles, each in an office and on dates.
    """

    staff_id: str = attrs.field(validator=_check_staff_id)
    name: str = attrs.field(converter=_clean_name)
    phone: str | None = attrs.field(default=None, validator=_check_phone)
    whatsapp_user_id: str | None = attrs.field(default=None, validator=_check_user_id)
    assignments: tuple[Assignment, ...] = attrs.field(default=(), converter=_assignments)

    def roles_at(self, office: str, at: dt.datetime, timezone: str) -> frozenset[StaffRole]:
        """
        The roles this member holds in ``office`` at the instant ``at`` (its date in the
        office's ``timezone`` within an assignment's closed interval of dates).
        """
        day = local_date(at, timezone)
        return frozenset(a.role for a in self.assignments if a.office == office and a.covers(day))

    def ever_holds(self, office: str, role: StaffRole) -> bool:
        """
        Whether any assignment, on any dates, gives this member ``role`` in ``office``.
        """
        return any(a.office == office and a.role is role for a in self.assignments)

    def has_contact(self, *, phone: str | None = None, user_id: str | None = None) -> bool:
        """
        Whether ``phone`` (E.164) or ``user_id`` is this member's number or user id.
        """
        return (phone is not None and phone == self.phone) or (
            user_id is not None and user_id == self.whatsapp_user_id
        )

    def __repr__(self) -> str:
        phone = None if self.phone is None else mask(self.phone)
        user = None if self.whatsapp_user_id is None else WhatsAppUserId(self.whatsapp_user_id)
        shown_user = None if user is None else user.masked
        roles = tuple(a.describe() for a in self.assignments)
        return (
            f"StaffMember(staff_id={mask(self.staff_id)!r}, name={mask_name(self.name)!r}, "
            f"phone={phone!r}, whatsapp_user_id={shown_user!r}, roles={roles!r})"
        )


def duty_holder(
    members: Iterable[StaffMember],
    office: str,
    role: StaffRole,
    at: dt.datetime,
    timezone: str,
) -> StaffMember | None:
    """
    Who holds ``role``'s duties in ``office`` at ``at``, among ``members``.

    For :attr:`StaffRole.SECTION_HEAD`, the acting section head whose dates cover that day
    comes first, then the section head. For any role, when several members hold it, the
    one with the smallest staff id; ``None`` when nobody does.
    """
    role = _to_staff_role(role)
    day_members = sorted(members, key=lambda m: m.staff_id)
    wanted = [role]
    if role is StaffRole.SECTION_HEAD:
        wanted = [StaffRole.ACTING_SECTION_HEAD, StaffRole.SECTION_HEAD]
    for candidate in wanted:
        for member in day_members:
            if candidate in member.roles_at(office, at, timezone):
                return member
    return None


def _refuse(
    code: str, action: str, needed: StaffRole, message: str, message_en: str
) -> StaffAuthorizationError:
    return StaffAuthorizationError(
        message, message_en, action=action, needed=needed.value, code=code
    )


def authorize(
    member: StaffMember | None,
    *,
    staff_id: str,
    action: str,
    needed: Role,
    office: str,
    at: dt.datetime,
    timezone: str,
    section_head: StaffMember | None,
    reporter: Mapping[str, str | None],
) -> StaffRole:
    """
    The directory role that lets ``member`` take ``action`` at ``at``, or the refusal.

    Args:
        member: The directory's answer for ``staff_id`` in ``office`` (``None``: unknown).
        staff_id: The id the caller gave (masked in messages).
        action: The step, e.g. ``"give_direction"``.
        needed: The workflow role the step needs (officer or section head).
        office: The office whose directory answered.
        at: The instant of the step.
        timezone: The office's time zone (assignment dates are its dates).
        section_head: Who holds the section head's duties at ``at``
            (:func:`duty_holder`); only the direction needs it.
        reporter: The report's reporter's contact: ``phone``, ``user_id`` and ``id`` (the
            submitter's key).

    Raises:
        StaffAuthorizationError: ``unknown_staff``, ``reporter_cannot_act``,
            ``role_not_held``, ``outside_acting_dates`` or ``duties_delegated``.
    """
    wanted = StaffRole.OFFICER if needed is Role.OFFICER else StaffRole.SECTION_HEAD
    who = mask(staff_id)
    if member is None:
        raise _refuse(
            "unknown_staff",
            action,
            wanted,
            f"Staf '{who}' tidak terdaftar di direktori staf kantor {office}; daftarkan dulu "
            "(berkas staf, [[staff]]).",
            f"Staff member '{who}' is not in office {office}'s staff directory; register them "
            "first (the staff file, [[staff]]).",
        )
    reporter_id = reporter.get("id")
    if (
        member.has_contact(phone=reporter.get("phone"), user_id=reporter.get("user_id"))
        or (reporter_id is not None and reporter_id in (member.phone, member.whatsapp_user_id))
        or member.staff_id == reporter_id
    ):
        raise _refuse(
            "reporter_cannot_act",
            action,
            wanted,
            "Pelapor tidak boleh bertindak sebagai staf atas laporannya sendiri.",
            "The reporter cannot act as staff on their own report.",
        )
    held = member.roles_at(office, at, timezone)
    if wanted is StaffRole.OFFICER:
        if StaffRole.OFFICER in held:
            return StaffRole.OFFICER
        raise _refuse(
            "role_not_held",
            action,
            wanted,
            f"Staf '{who}' bukan petugas pelaksana saat ini.",
            f"Staff member '{who}' is not an officer at this time.",
        )
    if section_head is not None and section_head.staff_id == member.staff_id:
        if StaffRole.ACTING_SECTION_HEAD in held:
            return StaffRole.ACTING_SECTION_HEAD
        return StaffRole.SECTION_HEAD
    if held & {StaffRole.SECTION_HEAD, StaffRole.ACTING_SECTION_HEAD}:
        raise _refuse(
            "duties_delegated",
            action,
            wanted,
            "Pada tanggal ini tugas Kepala Seksi Intelijen dijalankan oleh orang lain (Plh); "
            "arahan diberikan olehnya.",
            "On this date someone else (the acting section head, Plh) holds the section "
            "head's duties and gives the direction.",
        )
    if member.ever_holds(office, StaffRole.ACTING_SECTION_HEAD):
        raise _refuse(
            "outside_acting_dates",
            action,
            wanted,
            f"Staf '{who}' adalah Plh Kepala Seksi Intelijen, tetapi tidak pada tanggal ini.",
            f"Staff member '{who}' is the acting section head, but not on this date.",
        )
    raise _refuse(
        "role_not_held",
        action,
        wanted,
        f"Staf '{who}' bukan Kepala Seksi Intelijen atau Plh-nya saat ini.",
        f"Staff member '{who}' is neither the section head nor its acting head at this time.",
    )
