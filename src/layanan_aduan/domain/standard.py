"""
The service standard (Standar Pelayanan) as data.

:data:`KEJARI_JAKARTA_PUSAT` holds what the published standard of Kejaksaan Negeri Jakarta
Pusat says (*Pelayanan Laporan dan Aduan Masyarakat Melalui WhatsApp*): the requirements
(Persyaratan), the five-step procedure (Sistem, Mekanisme dan Prosedur), the completion time
(Waktu Penyelesaian, 3 working hours), the fee (Biaya/Tarif: none), the product (Produk
Pelayanan), the office and its schedule, and where to complain about the service itself
(Pengaduan Layanan: PTSP).

Another office builds its own standard from data, without changing code, with
:meth:`ServiceStandard.for_office` (see docs/workflow.md).

>>> KEJARI_JAKARTA_PUSAT.completion_time
datetime.timedelta(seconds=10800)
>>> KEJARI_JAKARTA_PUSAT.office.whatsapp, KEJARI_JAKARTA_PUSAT.office.whatsapp_display
('+6281212313170', '0812-1231-3170')
>>> KEJARI_JAKARTA_PUSAT.procedure[3].text
'Kepala Seksi Intelijen memberi arahan tindak lanjut kepada Petugas Pelaksana'
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from collections.abc import Iterable, Mapping
from typing import Any, Final, Literal

import attrs
import phonenumbers

from layanan_aduan.domain.calendar import (
    DEFAULT_OFFICE_SCHEDULE,
    OfficeSchedule,
    WorkingInterval,
)
from layanan_aduan.domain.retention import DEFAULT_RETENTION, RetentionPolicy
from layanan_aduan.domain.workflow import (
    REPORT_WORKFLOW,
    SECTION_HEAD_TITLE,
    SECTION_HEAD_TITLE_EN,
    Action,
    Role,
    Workflow,
)
from layanan_aduan.exceptions import ServiceStandardError, ValidationError

__all__ = [
    "DEFAULT_REQUIREMENTS",
    "DEFAULT_REQUIREMENT_POLICY",
    "IDENTITY_FIELDS",
    "KEJARI_JAKARTA_PUSAT",
    "Channel",
    "ComplaintChannel",
    "Office",
    "ProcedureStep",
    "RequirementPolicy",
    "ServiceStandard",
    "StatedRequirement",
    "default_procedure",
    "describe_duration",
    "describe_goal",
    "describe_schedule",
    "format_rupiah",
    "zone_name",
]

Language = Literal["id", "en"]

_DAY_NAMES = {
    "id": ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}
# Indonesia's three zones by their official names; Asia/Pontianak keeps WIB.
_ZONE_NAMES: Final = {
    "Asia/Jakarta": "WIB",
    "Asia/Pontianak": "WIB",
    "Asia/Makassar": "WITA",
    "Asia/Jayapura": "WIT",
}
# A zone outside Indonesia is named by its UTC offset; without an instant, by the offset it
# keeps all year (checked at both solstices of a fixed year, so nothing reads the clock).
_ZONE_PROBES: Final = (
    dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
    dt.datetime(2026, 7, 1, tzinfo=dt.UTC),
)
_CODE_RE = re.compile(r"[A-Z0-9]{2,12}")
_WEB_RE = re.compile(r"https?://[a-z0-9.-]+\.[a-z]{2,}(/\S*)?")


def _to_e164(value: str, field: str, *, mobile: bool) -> str:
    try:
        number = phonenumbers.parse(str(value), "ID")
    except phonenumbers.NumberParseException:
        number = None
    mobile_kinds = {
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    }
    if (
        number is None
        or not phonenumbers.is_valid_number(number)
        or (mobile and phonenumbers.number_type(number) not in mobile_kinds)
    ):
        what, what_en = ("nomor seluler", "mobile number") if mobile else ("nomor", "number")
        raise ServiceStandardError(
            f"'{field}' bukan {what} telepon yang valid.",
            f"'{field}' is not a valid telephone {what_en}.",
            code="invalid_phone",
            field=field,
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _telephone(value: str) -> str:
    return _to_e164(value, "telephone", mobile=False)


def _whatsapp(value: str) -> str:
    return _to_e164(value, "whatsapp", mobile=True)


def _complaints_telephone(value: str) -> str:
    return _to_e164(value, "complaints.telephone", mobile=False)


def _national(e164: str) -> str:
    number = phonenumbers.parse(e164, "ID")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)


def _standard_error(code: str, field: str, message: str, message_en: str) -> ServiceStandardError:
    return ServiceStandardError(message, message_en, code=code, field=field)


def _check_language(language: str) -> None:
    if language not in ("id", "en"):
        raise _standard_error(
            "invalid_language",
            "language",
            "Bahasa harus id atau en.",
            "The language must be id or en.",
        )


def _offset_text(offset: dt.timedelta) -> str:
    minutes = int(offset.total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    hours, minutes = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{minutes:02d}"


def zone_name(timezone: str, at: dt.datetime | None = None) -> str:
    """
    A time zone as Indonesians write it: WIB, WITA or WIT; another zone by its UTC offset.

    Asia/Jakarta and Asia/Pontianak are WIB, Asia/Makassar WITA, Asia/Jayapura WIT. Another
    zone is its offset at ``at`` (an aware instant); without ``at``, the offset it keeps all
    year, or its IANA name when it changes offset (summer time).

    Raises:
        ServiceStandardError: ``invalid_timezone`` for a zone the IANA database does not know.

    >>> zone_name("Asia/Makassar"), zone_name("Asia/Pontianak"), zone_name("Asia/Singapore")
    ('WITA', 'WIB', 'UTC+08:00')
    >>> zone_name("Europe/Amsterdam"), zone_name("America/St_Johns", _ZONE_PROBES[0])
    ('Europe/Amsterdam', 'UTC-03:30')
    """
    named = _ZONE_NAMES.get(timezone)
    if named is not None:
        return named
    zone = _zone(timezone, "timezone")
    probes = _ZONE_PROBES if at is None else (at,)
    offsets = {probe.astimezone(zone).utcoffset() for probe in probes}
    if len(offsets) != 1 or None in offsets:
        return timezone
    (offset,) = offsets
    assert offset is not None  # noqa: S101 - an aware instant has an offset
    return _offset_text(offset)


def _zone(timezone: object, field: str) -> zoneinfo.ZoneInfo:
    try:
        if not isinstance(timezone, str):
            raise ValueError(timezone)
        return zoneinfo.ZoneInfo(timezone)
    except (ValueError, zoneinfo.ZoneInfoNotFoundError):
        raise _standard_error(
            "invalid_timezone",
            field,
            "Zona waktu kantor tidak dikenal (tulis nama IANA, mis. 'Asia/Makassar').",
            "The office time zone is unknown (write an IANA name, e.g. 'Asia/Makassar').",
        ) from None


_UNITS: Final = (
    (3600, "jam", "hour"),
    (60, "menit", "minute"),
    (1, "detik", "second"),
)


def _duration_parts(duration: dt.timedelta) -> tuple[int, str, str]:
    if (
        not isinstance(duration, dt.timedelta)
        or duration <= dt.timedelta(0)
        or duration.microseconds
    ):
        raise _standard_error(
            "invalid_completion_time",
            "completion_time",
            "Waktu penyelesaian harus berupa durasi positif dalam detik utuh.",
            "The completion time must be a positive duration of whole seconds.",
        )
    seconds = int(duration.total_seconds())
    for size, unit, unit_en in _UNITS:
        if seconds % size == 0:
            return seconds // size, unit, unit_en
    raise AssertionError("unreachable: every whole number of seconds divides by 1")


def describe_duration(duration: dt.timedelta, language: Language = "id") -> str:
    """
    A goal's duration in the largest unit that states it exactly: hours, minutes or seconds.

    >>> import datetime as dt
    >>> describe_duration(dt.timedelta(hours=3)), describe_duration(dt.timedelta(minutes=90))
    ('3 jam', '90 menit')
    >>> describe_duration(dt.timedelta(hours=1), "en"), describe_duration(dt.timedelta(minutes=90), "en")
    ('1 hour', '90 minutes')
    """  # noqa: E501 - a doctest's input is one line
    _check_language(language)
    count, unit, unit_en = _duration_parts(duration)
    if language == "id":
        return f"{count} {unit}"
    return f"{count} {unit_en}" + ("" if count == 1 else "s")


def describe_goal(duration: dt.timedelta, language: Language = "id") -> str:
    """
    A completion goal in working time, as the standard states it.

    >>> import datetime as dt
    >>> describe_goal(dt.timedelta(hours=2)), describe_goal(dt.timedelta(minutes=90))
    ('2 jam kerja', '90 menit kerja')
    >>> describe_goal(dt.timedelta(hours=3), "en"), describe_goal(dt.timedelta(hours=1), "en")
    ('3 working hours', '1 working hour')
    """
    _check_language(language)
    count, unit, unit_en = _duration_parts(duration)
    if language == "id":
        return f"{count} {unit} kerja"
    return f"{count} working {unit_en}" + ("" if count == 1 else "s")


def format_rupiah(amount: int, language: Language = "id") -> str:
    """
    An amount of rupiah as written in Indonesian (``Rp10.000``) or English (``Rp10,000``).

    >>> format_rupiah(150000), format_rupiah(150000, "en")
    ('Rp150.000', 'Rp150,000')
    """
    _check_language(language)
    grouped = f"{amount:,}"
    return "Rp" + (grouped.replace(",", ".") if language == "id" else grouped)


def _not_blank(instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    if not isinstance(value, str) or not value.strip():
        raise ServiceStandardError(
            f"'{attribute.name}' tidak boleh kosong.",
            f"'{attribute.name}' must not be empty.",
            code="required",
            field=attribute.name,
        )


def _check_code(instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    if not isinstance(value, str) or not _CODE_RE.fullmatch(value):
        raise ServiceStandardError(
            "Kode kantor harus 2-12 huruf besar atau angka (dipakai dalam nomor laporan).",
            "The office code must be 2-12 capital letters or digits (used in report numbers).",
            code="invalid_office_code",
            field="code",
        )


def _check_website(instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    if not isinstance(value, str) or not _WEB_RE.fullmatch(value):
        raise ServiceStandardError(
            "Alamat situs harus berupa URL http(s), mis. 'https://kejari-contoh.kejaksaan.go.id'.",
            "The web address must be an http(s) URL, e.g. 'https://kejari-contoh.kejaksaan.go.id'.",
            code="invalid_website",
            field="website",
        )


@attrs.frozen
class Office:
    """
    A Kejaksaan office that runs the service.

    Telephone numbers are given in any common Indonesian form (``0812 1231 3170``,
    ``(021) 65851958``, ``+62...``) and kept in E.164; they are the office's public numbers,
    not personal data.

    Attributes:
        name: e.g. ``"Kejaksaan Negeri Jakarta Pusat"``.
        address: Postal address.
        telephone: The office telephone, E.164.
        whatsapp: The WhatsApp number reports are sent to, E.164 (a mobile number).
        website: The office's web address (an http(s) URL).
        code: Short capital code used in report numbers, e.g. ``"KNJP"``.
        schedule: Working hours and time zone
            (:class:`~layanan_aduan.domain.calendar.OfficeSchedule`).
    """

    name: str = attrs.field(validator=_not_blank)
    address: str = attrs.field(validator=_not_blank)
    telephone: str = attrs.field(converter=_telephone)
    whatsapp: str = attrs.field(converter=_whatsapp)
    website: str = attrs.field(validator=_check_website)
    code: str = attrs.field(validator=_check_code)
    schedule: OfficeSchedule = attrs.field(
        default=DEFAULT_OFFICE_SCHEDULE, validator=attrs.validators.instance_of(OfficeSchedule)
    )

    @schedule.validator
    def _check_schedule(self, _a: attrs.Attribute[OfficeSchedule], value: OfficeSchedule) -> None:
        _zone(value.timezone, "schedule.timezone")
        if not any(value.weekly):
            raise _standard_error(
                "no_working_hours",
                "schedule.weekly",
                "Jadwal kantor harus memuat jam kerja pada sedikitnya satu hari.",
                "The office schedule must hold working hours on at least one day.",
            )

    @property
    def timezone(self) -> str:
        """
        The office's IANA time zone.
        """
        return self.schedule.timezone

    @property
    def telephone_display(self) -> str:
        """
        The telephone as Indonesians write it, e.g. ``"(021) 65851958"``.
        """
        return _national(self.telephone)

    @property
    def whatsapp_display(self) -> str:
        """
        The WhatsApp number as Indonesians write it, e.g. ``"0812-1231-3170"``.
        """
        return _national(self.whatsapp)

    @property
    def whatsapp_link(self) -> str:
        """
        The ``wa.me`` link that opens a chat with the office.

        >>> KEJARI_JAKARTA_PUSAT.office.whatsapp_link
        'https://wa.me/6281212313170'
        """
        return "https://wa.me/" + self.whatsapp.removeprefix("+")


@attrs.frozen
class Channel:
    """
    The channel a report arrived by: the medium and the office's address on it.

    >>> Channel.from_dict(KEJARI_JAKARTA_PUSAT.channel.to_dict())
    Channel(medium='whatsapp', address='+6281212313170')
    """

    medium: str = attrs.field(validator=_not_blank)
    address: str = attrs.field(validator=_not_blank)

    def to_dict(self) -> dict[str, str]:
        """
        The channel as JSON values.
        """
        return {"address": self.address, "medium": self.medium}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Channel:
        """
        Read a channel written by :meth:`to_dict`.
        """
        return cls(medium=data["medium"], address=data["address"])


def _optional_complaints_telephone(value: str | None) -> str | None:
    return None if value is None else _complaints_telephone(value)


def _complaint_text(channel: ComplaintChannel) -> str:
    return (
        "Apabila terdapat keluhan dalam pelayanan Laporan dan Aduan Masyarakat Melalui "
        f"Aplikasi WhatsApp dapat menghubungi {channel.unit} {channel.route('id')}"
    )


def _complaint_text_en(channel: ComplaintChannel) -> str:
    return f"Complaints about the service can be sent to the {channel.unit} {channel.route('en')}"


@attrs.frozen
class ComplaintChannel:
    """
    Where to complain about the service itself (Pengaduan Layanan): by letter (bersurat),
    by telephone, or both, as the standard says.

    Attributes:
        unit: The unit that takes complaints, e.g. ``"PTSP"``.
        unit_name: Its full name, e.g. ``"Pelayanan Terpadu Satu Pintu"``.
        by_letter: Whether a letter (bersurat) is accepted.
        telephone: The telephone for complaints, E.164, or ``None`` when there is none.
        text: The standard's sentence, in Indonesian (by default written from the fields).
        text_en: The same in English.

    >>> ComplaintChannel("PTSP", "Pelayanan Terpadu Satu Pintu", by_letter=False,
    ...                  telephone="(0411) 871234").route()
    'melalui nomor telepon (0411) 871234'
    """

    unit: str = attrs.field(validator=_not_blank)
    unit_name: str = attrs.field(validator=_not_blank)
    by_letter: bool = attrs.field(default=True, validator=attrs.validators.instance_of(bool))
    telephone: str | None = attrs.field(default=None, converter=_optional_complaints_telephone)
    text: str = attrs.field(
        default=attrs.Factory(_complaint_text, takes_self=True), validator=_not_blank
    )
    text_en: str = attrs.field(
        default=attrs.Factory(_complaint_text_en, takes_self=True), validator=_not_blank
    )

    def __attrs_post_init__(self) -> None:
        if not self.by_letter and self.telephone is None:
            raise _standard_error(
                "complaint_channel_empty",
                "complaints",
                "Pengaduan layanan harus dapat disampaikan dengan bersurat, melalui telepon, "
                "atau keduanya.",
                "Complaints about the service must be accepted by letter, by telephone, or both.",
            )

    @property
    def telephone_display(self) -> str | None:
        """
        The telephone as Indonesians write it, or ``None``.
        """
        return None if self.telephone is None else _national(self.telephone)

    def route(self, language: Language = "id") -> str:
        """
        How to reach the unit, as the end of a sentence: ``"dengan bersurat atau melalui
        nomor telepon (021) 65851958"``, ``"by letter"``, ...
        """
        _check_language(language)
        phone = self.telephone_display
        if language == "id":
            parts = ["dengan bersurat"] * self.by_letter
            parts += [f"melalui nomor telepon {phone}"] * (phone is not None)
        else:
            parts = ["by letter"] * self.by_letter
            parts += [f"by telephone at {phone}"] * (phone is not None)
        return (" atau " if language == "id" else " or ").join(parts)


#: The identity fields a requirement policy can require (requirement 1, Data Diri).
IDENTITY_FIELDS: Final = ("name", "nik", "contact", "address", "email")


def _identity_set(value: Iterable[str]) -> frozenset[str]:
    if isinstance(value, str):
        value = (value,)
    return frozenset(value)


def _check_identity(
    instance: object, attribute: attrs.Attribute[frozenset[str]], value: frozenset[str]
) -> None:
    unknown = sorted(str(v) for v in value if v not in IDENTITY_FIELDS)
    if unknown:
        raise _standard_error(
            "unknown_identity_field",
            "requirement_policy.required_identity",
            f"Data diri {unknown} tidak dikenal; pilih dari {', '.join(IDENTITY_FIELDS)}.",
            f"Identity fields {unknown} are unknown; choose from {', '.join(IDENTITY_FIELDS)}.",
        )


@attrs.frozen
class RequirementPolicy:
    """
    What the standard's Persyaratan demand, as the requirement check applies them.

    The published standard asks for the reporter's identity (full name, NIK and a way to
    reach them on WhatsApp) and for evidence: :data:`DEFAULT_REQUIREMENT_POLICY`. Another
    office may ask for less (no NIK, no evidence) or more (an address, an e-mail).
    Give it to :func:`~layanan_aduan.domain.requirements.check_requirements`.

    Attributes:
        required_identity: The identity fields that must be given and valid, from
            :data:`IDENTITY_FIELDS` (``"contact"``: a telephone number or a WhatsApp user id).
        evidence_required: Whether at least one acceptable evidence file is required.

    >>> RequirementPolicy(required_identity={"name", "contact"}, evidence_required=False).nik_required
    False
    """  # noqa: E501 - a doctest's input is one line

    required_identity: frozenset[str] = attrs.field(
        default=frozenset({"name", "nik", "contact"}),
        converter=_identity_set,
        validator=_check_identity,
    )
    evidence_required: bool = attrs.field(
        default=True, validator=attrs.validators.instance_of(bool)
    )

    @property
    def nik_required(self) -> bool:
        """
        Whether the reporter's NIK is required.
        """
        return "nik" in self.required_identity

    def requires(self, field: str) -> bool:
        """
        Whether the identity field ``field`` (one of :data:`IDENTITY_FIELDS`) is required.
        """
        return field in self.required_identity


DEFAULT_REQUIREMENT_POLICY: Final = RequirementPolicy()
"""The published standard's requirements: name, NIK, contact, and evidence."""


@attrs.frozen
class StatedRequirement:
    """
    One requirement (persyaratan) as the standard states it.
    """

    number: int
    text: str
    text_en: str


@attrs.frozen
class ProcedureStep:
    """
    One step of the procedure, as the standard states it, and the workflow action that
    performs it (:data:`~layanan_aduan.domain.workflow.REPORT_WORKFLOW`).
    """

    number: int
    action: Action = attrs.field(converter=Action)
    text: str
    text_en: str


def default_procedure(
    whatsapp_display: str,
    section_head_title: str = SECTION_HEAD_TITLE,
    section_head_title_en: str = SECTION_HEAD_TITLE_EN,
) -> tuple[ProcedureStep, ...]:
    """
    The five steps of the standard, with the office's WhatsApp number in the first and its
    section head's title in the third and fourth.

    >>> default_procedure("0812-0000-0000")[0].text.endswith("melalui nomor 0812-0000-0000")
    True
    >>> default_procedure("0812-0000-0000", "Kepala Seksi Pidana Umum")[3].text[:24]
    'Kepala Seksi Pidana Umum'
    """
    return (
        ProcedureStep(
            1,
            Action.SUBMIT,
            "Pemohon menyampaikan permohonan informasi atau aduan yang ditujukan kepada "
            f"Petugas Pelaksana melalui nomor {whatsapp_display}",
            "The applicant sends the request for information or complaint to the officer "
            f"through the number {whatsapp_display}",
        ),
        ProcedureStep(
            2,
            Action.RECEIVE,
            "Permohonan informasi atau aduan diterima petugas pelaksana",
            "The officer receives the request for information or complaint",
        ),
        ProcedureStep(
            3,
            Action.FORWARD,
            "Petugas pelaksana menyampaikan permohonan informasi atau aduan yang telah "
            f"diterima kepada {section_head_title} untuk petunjuk selanjutnya.",
            "The officer passes the request or complaint received to the "
            f"{section_head_title_en} for further instructions.",
        ),
        ProcedureStep(
            4,
            Action.GIVE_DIRECTION,
            f"{section_head_title} memberi arahan tindak lanjut kepada Petugas Pelaksana",
            f"The {section_head_title_en} gives the officer the direction for the follow-up",
        ),
        ProcedureStep(
            5,
            Action.DELIVER_FOLLOW_UP,
            "Petugas pelaksana menyampaikan tindak lanjut sesuai arahan Penanggungjawab "
            "kepada Pemohon",
            "The officer delivers the follow-up to the applicant as directed by the person "
            "in charge",
        ),
    )


DEFAULT_REQUIREMENTS: tuple[StatedRequirement, ...] = (
    StatedRequirement(1, "Mencantumkan Data Diri sebagai Pelapor", "State the reporter's identity"),
    StatedRequirement(
        2,
        "Melampirkan bukti laporan aduan berupa scan surat atau tangkapan layar ponsel",
        "Attach evidence of the report: a scanned letter or a phone screenshot",
    ),
)

_WORKFLOW_STEPS = {t.step: t.action for t in REPORT_WORKFLOW.transitions if t.step is not None}


def _check_procedure(
    instance: object,
    attribute: attrs.Attribute[tuple[ProcedureStep, ...]],
    value: tuple[ProcedureStep, ...],
) -> None:
    steps = {s.number: str(s.action) for s in value if isinstance(s, ProcedureStep)}
    if len(value) != len(_WORKFLOW_STEPS) or steps != _WORKFLOW_STEPS:
        raise ServiceStandardError(
            "Prosedur harus memuat langkah 1-5 dengan tindakan alur kerja yang sesuai.",
            "The procedure must hold steps 1-5 with their matching workflow actions.",
            code="procedure_mismatch",
            field="procedure",
        )


def _check_completion_time(
    instance: object, attribute: attrs.Attribute[dt.timedelta], value: dt.timedelta
) -> None:
    _duration_parts(value)


_STATED_GOAL = re.compile(r"paling lambat\s+((?:\d+\s*(?:jam|menit|detik)\b\s*)+)", re.I)
_STATED_PART = re.compile(r"(\d+)\s*(jam|menit|detik)", re.I)
_UNIT_SECONDS = {"jam": 3600, "menit": 60, "detik": 1}


def _stated_goal(text: str) -> dt.timedelta | None:
    match = _STATED_GOAL.search(text)
    if match is None:
        return None
    seconds = sum(
        int(n) * _UNIT_SECONDS[unit.lower()] for n, unit in _STATED_PART.findall(match[1])
    )
    return dt.timedelta(seconds=seconds)


def _check_fee(instance: object, attribute: attrs.Attribute[int], value: object) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ServiceStandardError(
            "Biaya harus bilangan bulat rupiah, tidak negatif.",
            "The fee must be a non-negative whole number of rupiah.",
            code="invalid_fee",
            field="fee_idr",
        )


def _tuple(value: Iterable[Any]) -> tuple[Any, ...]:
    return tuple(value)


def _completion_text(standard: ServiceStandard) -> str:
    return (
        "Penyelesaian setiap aduan ataupun laporan yang disampaikan oleh masyarakat akan "
        "segera ditindaklanjuti oleh Petugas dengan jangka waktu paling lambat "
        f"{describe_duration(standard.completion_time)} selama Jam Kerja "
        f"({describe_schedule(standard.schedule)}), kecuali Cuti Bersama dan Hari Libur "
        "Nasional"
    )


def _completion_text_en(standard: ServiceStandard) -> str:
    return (
        "Every report or complaint from the public is followed up by an officer within "
        f"{describe_goal(standard.completion_time, 'en')} "
        f"({describe_schedule(standard.schedule, 'en')}), except joint leave days and "
        "national holidays"
    )


def _fee_text(standard: ServiceStandard) -> str:
    return "Tidak dipungut biaya" if standard.fee_idr == 0 else format_rupiah(standard.fee_idr)


@attrs.frozen
class ServiceStandard:
    """
    Everything a service standard page states, as one value.

    Every text a person reads (notifications, workflow labels, the completion sentence) is
    written from these fields: the office's name, the section head's title, the goal, the
    working hours and zone, the fee and the complaint channel.

    Attributes:
        service_name: The name of the service.
        decree_number: The decree (No. SK) that sets the standard, or ``None`` (the published
            Kejari Jakarta Pusat page leaves it blank).
        requirements: Persyaratan, as stated (the checks live in
            :mod:`layanan_aduan.domain.requirements`).
        requirement_policy: What the requirement check demands
            (:class:`RequirementPolicy`; name, NIK, contact and evidence by default).
        procedure: Sistem, Mekanisme dan Prosedur: five steps, each tied to its workflow action.
        section_head_title: The person in charge who gives the direction (step 4), e.g.
            ``"Kepala Seksi Intelijen"``.
        section_head_title_en: The same in English (``"Head of the Intelligence Section"``).
        completion_time: Waktu Penyelesaian, in working time (3 hours), whole seconds.
        completion_text: The standard's sentence on the completion time (written from the
            goal and the schedule when not given; one that says ``paling lambat N jam`` must
            say the goal).
        completion_text_en: The same in English.
        fee_idr: Biaya/Tarif in rupiah (0: no fee).
        fee_text: The standard's words on the fee (``"Tidak dipungut biaya"`` when free, the
            amount otherwise, when not given; a fee with "tidak dipungut biaya" is refused).
        products: Produk Pelayanan.
        office: The office, its numbers and its schedule (Jam Kerja, time zone).
        complaints: Pengaduan Layanan: where to complain about the service itself.
        retention: How long a report's personal data and evidence files are kept after it
            ends (:class:`~layanan_aduan.domain.retention.RetentionPolicy`; two years by
            default, see docs/personal-data.md).
        accept_anonymous: Whether a report without the reporter's name and NIK is accepted
            (an anonymous report, confidential by construction; see
            :mod:`layanan_aduan.domain.confidential`). ``False`` by default: the published
            standard requires the reporter's identity.
        offer_confidentiality: Whether the acknowledgement of a new report is followed by the
            offer to keep the reporter's identity confidential (an interactive list of one
            row, within WhatsApp's 24-hour window); ``False`` by default (the keyword
            ``RAHASIA`` works either way).
    """

    service_name: str = attrs.field(validator=_not_blank)
    office: Office = attrs.field(validator=attrs.validators.instance_of(Office))
    complaints: ComplaintChannel = attrs.field(
        validator=attrs.validators.instance_of(ComplaintChannel)
    )
    procedure: tuple[ProcedureStep, ...] = attrs.field(converter=_tuple, validator=_check_procedure)
    requirements: tuple[StatedRequirement, ...] = attrs.field(
        converter=_tuple, default=DEFAULT_REQUIREMENTS
    )
    completion_time: dt.timedelta = attrs.field(
        default=dt.timedelta(hours=3), validator=_check_completion_time
    )
    completion_text: str = attrs.field(
        default=attrs.Factory(_completion_text, takes_self=True), validator=_not_blank
    )
    fee_idr: int = attrs.field(default=0, validator=_check_fee)
    fee_text: str = attrs.field(
        default=attrs.Factory(_fee_text, takes_self=True), validator=_not_blank
    )
    products: tuple[str, ...] = attrs.field(
        converter=_tuple, default=("Layanan daring melalui Aplikasi WhatsApp",)
    )
    decree_number: str | None = None
    section_head_title: str = attrs.field(default=SECTION_HEAD_TITLE, validator=_not_blank)
    section_head_title_en: str = attrs.field(default=SECTION_HEAD_TITLE_EN, validator=_not_blank)
    completion_text_en: str = attrs.field(
        default=attrs.Factory(_completion_text_en, takes_self=True), validator=_not_blank
    )
    requirement_policy: RequirementPolicy = attrs.field(
        default=DEFAULT_REQUIREMENT_POLICY,
        validator=attrs.validators.instance_of(RequirementPolicy),
    )
    retention: RetentionPolicy = attrs.field(
        default=DEFAULT_RETENTION, validator=attrs.validators.instance_of(RetentionPolicy)
    )
    accept_anonymous: bool = attrs.field(
        default=False, validator=attrs.validators.instance_of(bool), kw_only=True
    )
    offer_confidentiality: bool = attrs.field(
        default=False, validator=attrs.validators.instance_of(bool), kw_only=True
    )

    @property
    def anonymous_policy(self) -> RequirementPolicy:
        """
        What an anonymous report must still meet: the :attr:`requirement_policy` without the
        name and the NIK (the contact, the WhatsApp sender, is always given).

        >>> sorted(KEJARI_JAKARTA_PUSAT.anonymous_policy.required_identity)
        ['contact']
        """
        return RequirementPolicy(
            required_identity=self.requirement_policy.required_identity - {"name", "nik"},
            evidence_required=self.requirement_policy.evidence_required,
        )

    def __attrs_post_init__(self) -> None:
        stated = _stated_goal(self.completion_text)
        if stated is not None and stated != self.completion_time:
            raise _standard_error(
                "completion_text_mismatch",
                "completion_text",
                f"Teks waktu penyelesaian menyebut {describe_duration(stated)}, padahal waktu "
                f"penyelesaian {describe_duration(self.completion_time)}.",
                f"The completion text says {describe_duration(stated, 'en')}, but the "
                f"completion time is {describe_duration(self.completion_time, 'en')}.",
            )
        if self.fee_idr > 0 and "tidak dipungut biaya" in self.fee_text.lower():
            raise _standard_error(
                "fee_mismatch",
                "fee_text",
                "Teks biaya menyatakan tidak dipungut biaya, padahal biayanya "
                f"{format_rupiah(self.fee_idr)}.",
                f"The fee text says there is no fee, but the fee is "
                f"{format_rupiah(self.fee_idr, 'en')}.",
            )

    @property
    def schedule(self) -> OfficeSchedule:
        """
        The office's working hours and time zone (Jam Kerja).
        """
        return self.office.schedule

    @property
    def channel(self) -> Channel:
        """
        The channel reports arrive by: WhatsApp, at the office's number.
        """
        return Channel("whatsapp", self.office.whatsapp)

    @property
    def is_free(self) -> bool:
        """
        Whether the service is free of charge (tidak dipungut biaya).
        """
        return self.fee_idr == 0

    @property
    def workflow(self) -> Workflow:
        """
        :data:`~layanan_aduan.domain.workflow.REPORT_WORKFLOW` with this standard's
        section-head title in its labels.
        """
        if (self.section_head_title, self.section_head_title_en) == (
            SECTION_HEAD_TITLE,
            SECTION_HEAD_TITLE_EN,
        ):
            return REPORT_WORKFLOW
        return REPORT_WORKFLOW.with_section_head(
            self.section_head_title, self.section_head_title_en
        )

    def section_head(self, language: Language = "id") -> str:
        """
        The section head's title in ``language``.
        """
        _check_language(language)
        return self.section_head_title if language == "id" else self.section_head_title_en

    def role_label(self, role: Role, language: Language = "id") -> str:
        """
        The name of ``role`` in this office: the section head by this standard's title.

        >>> KEJARI_JAKARTA_PUSAT.role_label(Role.SECTION_HEAD, "en")
        'Head of the Intelligence Section'
        """
        if Role(role) is Role.SECTION_HEAD:
            return self.section_head(language)
        _check_language(language)
        return role.label if language == "id" else role.label_en

    def goal_text(self, language: Language = "id") -> str:
        """
        The completion goal in working time: ``"3 jam kerja"``, ``"90 working minutes"``.
        """
        return describe_goal(self.completion_time, language)

    def hours_text(self, language: Language = "id") -> str:
        """
        The working hours and zone: ``"Senin-Jumat 08.00-16.00 WIB"``.
        """
        return describe_schedule(self.schedule, language)

    def fee_sentence(self, language: Language = "id") -> str:
        """
        One sentence on the fee, as told to a reporter.

        >>> KEJARI_JAKARTA_PUSAT.fee_sentence()
        'Layanan ini tidak dipungut biaya.'
        >>> attrs.evolve(KEJARI_JAKARTA_PUSAT, fee_idr=10000, fee_text="Rp10.000").fee_sentence("en")
        'The fee for this service is Rp10,000.'
        """  # noqa: E501 - a doctest's input is one line
        _check_language(language)
        if self.is_free:
            if language == "id":
                return "Layanan ini tidak dipungut biaya."
            return "This service is free of charge."
        if language == "id":
            return f"Biaya layanan ini {format_rupiah(self.fee_idr)}."
        return f"The fee for this service is {format_rupiah(self.fee_idr, 'en')}."

    def to_dict(self) -> dict[str, Any]:
        """
        The standard as JSON and TOML values (telephones in E.164, the goal in seconds,
        working hours as ``"08:00-16:00"`` strings by weekday; no ``None``: an absent
        complaints telephone or decree number is left out). :meth:`from_dict` reads it
        back to an equal standard.

        >>> ServiceStandard.from_dict(KEJARI_JAKARTA_PUSAT.to_dict()) == KEJARI_JAKARTA_PUSAT
        True
        >>> KEJARI_JAKARTA_PUSAT.to_dict()["office"]["schedule"]["weekly"]["friday"]
        ['08:00-16:00']
        """
        return _standard_to_dict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ServiceStandard:
        """
        Read a standard written by :meth:`to_dict` (from JSON, or a TOML table).

        Raises:
            ServiceStandardError: ``missing_key``, ``invalid_type``, ``unknown_key``,
                ``invalid_interval`` or any refusal of the fields themselves; ``field`` is
                the key path at fault, e.g. ``"office.schedule.weekly.friday"``.
        """
        return _standard_from_dict(data)

    @classmethod
    def for_office(cls, office: Office, **changes: Any) -> ServiceStandard:
        """
        The standard of the WhatsApp complaint service, for another office.

        The procedure names the office's own WhatsApp number and section head (give
        ``section_head_title=...`` and ``section_head_title_en=...``); complaints about the
        service go to the office's PTSP, by letter or at its own telephone; the completion
        sentence is written from the goal and the schedule. Any field can be changed by
        keyword (``completion_time=...``, ``complaints=...``, ``fee_idr=...``, ...).

        >>> import datetime as dt
        >>> std = ServiceStandard.for_office(
        ...     KEJARI_JAKARTA_PUSAT.office, completion_time=dt.timedelta(hours=2)
        ... )
        >>> "paling lambat 2 jam selama Jam Kerja (Senin-Jumat 08.00-16.00 WIB)" in std.completion_text
        True
        """  # noqa: E501 - a doctest's input is one line
        title = changes.get("section_head_title", SECTION_HEAD_TITLE)
        title_en = changes.get("section_head_title_en", SECTION_HEAD_TITLE_EN)
        fields: dict[str, Any] = {
            "service_name": (
                f"Pelayanan Laporan dan Aduan Masyarakat Melalui WhatsApp {office.name}"
            ),
            "office": office,
            "complaints": ComplaintChannel(
                unit="PTSP",
                unit_name="Pelayanan Terpadu Satu Pintu",
                by_letter=True,
                telephone=office.telephone,
            ),
            "procedure": default_procedure(office.whatsapp_display, title, title_en),
        }
        fields.update(changes)
        return cls(**fields)


def describe_schedule(schedule: OfficeSchedule, language: Language = "id") -> str:
    """
    The office week in words, consecutive days with the same hours grouped, and the zone
    as Indonesians write it (:func:`zone_name`). Indonesian writes ``08.00``, English
    ``08:00``.

    >>> describe_schedule(KEJARI_JAKARTA_PUSAT.schedule)
    'Senin-Jumat 08.00-16.00 WIB'
    >>> describe_schedule(KEJARI_JAKARTA_PUSAT.schedule, "en")
    'Monday-Friday 08:00-16:00 WIB'
    """
    _check_language(language)
    groups: list[tuple[int, int, str]] = []
    for day, intervals in enumerate(schedule.weekly):
        hours = ", ".join(_interval_text(i.start, i.end, language) for i in intervals)
        if groups and groups[-1][2] == hours and groups[-1][1] == day - 1:
            groups[-1] = (groups[-1][0], day, hours)
        else:
            groups.append((day, day, hours))
    names = _DAY_NAMES[language]
    parts = []
    for first, last, hours in groups:
        if not hours:
            continue
        days = names[first] if first == last else f"{names[first]}-{names[last]}"
        parts.append(f"{days} {hours}")
    return "; ".join(parts) + f" {zone_name(schedule.timezone)}"


def _clock(t: dt.time, separator: str) -> str:
    text = f"{t.hour:02d}{separator}{t.minute:02d}"
    return text + (f"{separator}{t.second:02d}" if t.second else "")


def _interval_text(start: dt.time, end: dt.time, language: Language) -> str:
    separator = "." if language == "id" else ":"
    end_text = f"24{separator}00" if end == dt.time(0) else _clock(end, separator)
    return f"{_clock(start, separator)}-{end_text}"


# --- serialisation ----------------------------------------------------------------------------

_WEEKDAYS: Final = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _key(data: Mapping[str, Any], key: str, prefix: str, kind: type | tuple[type, ...]) -> Any:
    field = f"{prefix}{key}"
    if not isinstance(data, Mapping):
        raise _standard_error(
            "invalid_type",
            prefix.rstrip(".") or "standard",
            f"'{prefix.rstrip('.') or 'standard'}' harus berupa tabel.",
            f"'{prefix.rstrip('.') or 'standard'}' must be a table.",
        )
    if key not in data:
        raise _standard_error(
            "missing_key", field, f"Kunci '{field}' wajib diisi.", f"Key '{field}' is required."
        )
    value = data[key]
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise _standard_error(
            "invalid_type",
            field,
            f"Nilai '{field}' berjenis salah.",
            f"The value of '{field}' has the wrong type.",
        )
    return value


def _schedule_to_dict(schedule: OfficeSchedule) -> dict[str, Any]:
    return {
        "timezone": schedule.timezone,
        "weekly": {
            name: [i.isoformat() for i in day]
            for name, day in zip(_WEEKDAYS, schedule.weekly, strict=True)
            if day
        },
    }


def _schedule_from_dict(data: Mapping[str, Any], prefix: str) -> OfficeSchedule:
    weekly = _key(data, "weekly", prefix, Mapping)
    unknown = sorted(set(weekly) - set(_WEEKDAYS))
    if unknown:
        raise _standard_error(
            "unknown_key",
            f"{prefix}weekly.{unknown[0]}",
            f"Hari '{unknown[0]}' tidak dikenal; pakai monday ... sunday.",
            f"Unknown day '{unknown[0]}'; use monday ... sunday.",
        )
    days = []
    for name in _WEEKDAYS:
        hours = weekly.get(name, [])
        field = f"{prefix}weekly.{name}"
        if not isinstance(hours, list) or not all(isinstance(h, str) for h in hours):
            raise _standard_error(
                "invalid_type",
                field,
                f"'{field}' harus berupa daftar jam, mis. [\"08:00-16:00\"].",
                f"'{field}' must be a list of hours, e.g. [\"08:00-16:00\"].",
            )
        try:
            days.append(tuple(WorkingInterval.parse(h) for h in hours))
        except ValidationError as e:
            raise _standard_error(e.code, field, e.message, e.message_en) from None
    try:
        return OfficeSchedule(_key(data, "timezone", prefix, str), tuple(days))
    except ValueError as e:
        raise _standard_error(
            "invalid_schedule",
            f"{prefix}weekly",
            "Jam kerja dalam satu hari harus berurutan dan tidak tumpang tindih.",
            "A day's working intervals must be sorted and must not overlap.",
        ) from e


def _standard_to_dict(standard: ServiceStandard) -> dict[str, Any]:
    office = standard.office
    complaints = standard.complaints
    data: dict[str, Any] = {
        "service_name": standard.service_name,
        "office": {
            "name": office.name,
            "address": office.address,
            "telephone": office.telephone,
            "whatsapp": office.whatsapp,
            "website": office.website,
            "code": office.code,
            "schedule": _schedule_to_dict(office.schedule),
        },
        "section_head_title": standard.section_head_title,
        "section_head_title_en": standard.section_head_title_en,
        "completion_time_seconds": int(standard.completion_time.total_seconds()),
        "completion_text": standard.completion_text,
        "completion_text_en": standard.completion_text_en,
        "fee_idr": standard.fee_idr,
        "fee_text": standard.fee_text,
        "products": list(standard.products),
        "complaints": {
            "unit": complaints.unit,
            "unit_name": complaints.unit_name,
            "by_letter": complaints.by_letter,
            "text": complaints.text,
            "text_en": complaints.text_en,
        },
        "requirements": [
            {"number": r.number, "text": r.text, "text_en": r.text_en}
            for r in standard.requirements
        ],
        "requirement_policy": {
            "required_identity": sorted(standard.requirement_policy.required_identity),
            "evidence_required": standard.requirement_policy.evidence_required,
        },
        "procedure": [
            {"number": s.number, "action": str(s.action), "text": s.text, "text_en": s.text_en}
            for s in standard.procedure
        ],
    }
    data["retention"] = standard.retention.to_dict()
    if complaints.telephone is not None:
        data["complaints"]["telephone"] = complaints.telephone
    if standard.decree_number is not None:
        data["decree_number"] = standard.decree_number
    return data


def _standard_from_dict(data: Mapping[str, Any]) -> ServiceStandard:
    office = _key(data, "office", "", Mapping)
    complaints = _key(data, "complaints", "", Mapping)
    policy = _key(data, "requirement_policy", "", Mapping)
    telephone = complaints.get("telephone")
    if telephone is not None and not isinstance(telephone, str):
        raise _standard_error(
            "invalid_type",
            "complaints.telephone",
            "Nilai 'complaints.telephone' berjenis salah.",
            "The value of 'complaints.telephone' has the wrong type.",
        )
    decree = data.get("decree_number")
    if decree is not None and not isinstance(decree, str):
        raise _standard_error(
            "invalid_type",
            "decree_number",
            "Nilai 'decree_number' berjenis salah.",
            "The value of 'decree_number' has the wrong type.",
        )
    try:
        procedure = tuple(
            ProcedureStep(
                _key(s, "number", f"procedure[{i}].", int),
                _key(s, "action", f"procedure[{i}].", str),
                _key(s, "text", f"procedure[{i}].", str),
                _key(s, "text_en", f"procedure[{i}].", str),
            )
            for i, s in enumerate(_key(data, "procedure", "", list))
        )
    except ValueError as e:
        if isinstance(e, ServiceStandardError):
            raise
        raise _standard_error(
            "procedure_mismatch",
            "procedure",
            "Tindakan prosedur tidak dikenal.",
            "A procedure action is unknown.",
        ) from e
    return ServiceStandard(
        service_name=_key(data, "service_name", "", str),
        office=Office(
            name=_key(office, "name", "office.", str),
            address=_key(office, "address", "office.", str),
            telephone=_key(office, "telephone", "office.", str),
            whatsapp=_key(office, "whatsapp", "office.", str),
            website=_key(office, "website", "office.", str),
            code=_key(office, "code", "office.", str),
            schedule=_schedule_from_dict(
                _key(office, "schedule", "office.", Mapping), "office.schedule."
            ),
        ),
        complaints=ComplaintChannel(
            unit=_key(complaints, "unit", "complaints.", str),
            unit_name=_key(complaints, "unit_name", "complaints.", str),
            by_letter=_key(complaints, "by_letter", "complaints.", bool),
            telephone=telephone,
            text=_key(complaints, "text", "complaints.", str),
            text_en=_key(complaints, "text_en", "complaints.", str),
        ),
        procedure=procedure,
        requirements=tuple(
            StatedRequirement(
                _key(r, "number", f"requirements[{i}].", int),
                _key(r, "text", f"requirements[{i}].", str),
                _key(r, "text_en", f"requirements[{i}].", str),
            )
            for i, r in enumerate(_key(data, "requirements", "", list))
        ),
        requirement_policy=RequirementPolicy(
            required_identity=_key(policy, "required_identity", "requirement_policy.", list),
            evidence_required=_key(policy, "evidence_required", "requirement_policy.", bool),
        ),
        completion_time=dt.timedelta(seconds=_key(data, "completion_time_seconds", "", int)),
        completion_text=_key(data, "completion_text", "", str),
        completion_text_en=_key(data, "completion_text_en", "", str),
        fee_idr=_key(data, "fee_idr", "", int),
        fee_text=_key(data, "fee_text", "", str),
        products=tuple(_key(data, "products", "", list)),
        decree_number=decree,
        section_head_title=_key(data, "section_head_title", "", str),
        section_head_title_en=_key(data, "section_head_title_en", "", str),
        retention=_retention_from_dict(data),
    )


def _retention_from_dict(data: Mapping[str, Any]) -> RetentionPolicy:
    # Optional: a standard written before retention was data keeps the default.
    if "retention" not in data:
        return DEFAULT_RETENTION
    table = _key(data, "retention", "", Mapping)
    try:
        return RetentionPolicy(
            personal_data_days=_key(table, "personal_data_days", "retention.", int),
            evidence_days=_key(table, "evidence_days", "retention.", int),
        )
    except ValidationError as e:
        if isinstance(e, ServiceStandardError):
            raise
        raise _standard_error(e.code, f"retention.{e.field}", e.message, e.message_en) from None


_KNJP_OFFICE = Office(
    name="Kejaksaan Negeri Jakarta Pusat",
    address=(
        "Jl. Merpati Blok B-XII No.5, Kel. Gunung Sahari Selatan, Kec. Kemayoran, "
        "Jakarta Pusat 10720"
    ),
    telephone="02165851958",
    whatsapp="0812 1231 3170",
    # The published page links the site once as "kejar-jakartapusat..." (a typo) and once as
    # "kejari-jakartapusat..."; the second follows the kejari-<place> pattern of the other
    # Kejaksaan Negeri sites, so it is the one kept. The page links it over plain http.
    website="http://kejari-jakartapusat.kejaksaan.go.id",
    # The library's own short code for report numbers (LAP/KNJP/2026/000123), not an
    # official Kejaksaan code.
    code="KNJP",
    schedule=DEFAULT_OFFICE_SCHEDULE,
)

KEJARI_JAKARTA_PUSAT = ServiceStandard(
    service_name=(
        "Pelayanan Laporan dan Aduan Masyarakat Melalui Whatsapp Kejaksaan Negeri Jakarta Pusat"
    ),
    office=_KNJP_OFFICE,
    complaints=ComplaintChannel(
        unit="PTSP",
        unit_name="Pelayanan Terpadu Satu Pintu",
        by_letter=True,
        telephone="(021) 65851958",
        text=(
            "Apabila terdapat keluhan dalam pelayanan Laporan dan Aduan Masyarakat Melalui "
            "Aplikasi Whatsapp dapat menghubungi PTSP dengan bersurat atau melalui nomor "
            "telepon (021) 65851958"
        ),
        text_en=(
            "Complaints about the WhatsApp report and complaint service can be sent to the "
            "PTSP by letter or by telephone on (021) 65851958"
        ),
    ),
    procedure=default_procedure("0812 1231 3170"),
    requirements=DEFAULT_REQUIREMENTS,
    completion_time=dt.timedelta(hours=3),
    completion_text=(
        "Penyelesaian setiap aduan ataupun laporan yang disampaikan oleh masyarakat yang "
        "menggunakan layanan Laporan dan Aduan Masyarakat Melalui Aplikasi Whatsapp akan "
        "segera ditindaklanjuti oleh Petugas dengan jangka waktu paling lambat 3 jam selama "
        "Jam Kerja (08.00-16.00) di Hari Kerja (Senin-Jumat kecuali Cuti Bersama dan Hari "
        "Libur Nasional)"
    ),
    completion_text_en=(
        "Every report or complaint sent by the public through the WhatsApp report and "
        "complaint service is followed up promptly by an officer within at most 3 hours of "
        "working time (08:00-16:00 WIB) on working days (Monday to Friday except joint leave "
        "days and national holidays)"
    ),
    fee_idr=0,
    fee_text="Tidak dipungut biaya",
    products=("Layanan daring melalui Aplikasi Whatsapp",),
    decree_number=None,
    section_head_title=SECTION_HEAD_TITLE,
    section_head_title_en=SECTION_HEAD_TITLE_EN,
    requirement_policy=DEFAULT_REQUIREMENT_POLICY,
)
"""The published standard of Kejaksaan Negeri Jakarta Pusat, the library's default."""
