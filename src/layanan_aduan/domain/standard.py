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
from collections.abc import Iterable, Mapping
from typing import Any

import attrs
import phonenumbers

from layanan_aduan.domain.calendar import DEFAULT_OFFICE_SCHEDULE, OfficeSchedule
from layanan_aduan.domain.workflow import REPORT_WORKFLOW, Action
from layanan_aduan.exceptions import ServiceStandardError

__all__ = [
    "DEFAULT_REQUIREMENTS",
    "KEJARI_JAKARTA_PUSAT",
    "Channel",
    "ComplaintChannel",
    "Office",
    "ProcedureStep",
    "ServiceStandard",
    "StatedRequirement",
    "default_procedure",
    "describe_schedule",
]

_DAY_NAMES = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
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


@attrs.frozen
class ComplaintChannel:
    """
    Where to complain about the service itself (Pengaduan Layanan).

    Attributes:
        unit: The unit that takes complaints, e.g. ``"PTSP"``.
        unit_name: Its full name, e.g. ``"Pelayanan Terpadu Satu Pintu"``.
        by_letter: Whether a letter (bersurat) is accepted.
        telephone: The telephone for complaints, E.164.
        text: The standard's sentence, in Indonesian.
        text_en: The same in English.
    """

    unit: str = attrs.field(validator=_not_blank)
    unit_name: str = attrs.field(validator=_not_blank)
    by_letter: bool
    telephone: str = attrs.field(converter=_complaints_telephone)
    text: str = attrs.field(validator=_not_blank)
    text_en: str = attrs.field(validator=_not_blank)

    @property
    def telephone_display(self) -> str:
        """
        The telephone as Indonesians write it.
        """
        return _national(self.telephone)


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


def default_procedure(whatsapp_display: str) -> tuple[ProcedureStep, ...]:
    """
    The five steps of the standard, with the office's WhatsApp number in the first.

    >>> default_procedure("0812-0000-0000")[0].text.endswith("melalui nomor 0812-0000-0000")
    True
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
            "diterima kepada Kepala Seksi Intelijen untuk petunjuk selanjutnya.",
            "The officer passes the request or complaint received to the Head of the "
            "Intelligence Section for further instructions.",
        ),
        ProcedureStep(
            4,
            Action.GIVE_DIRECTION,
            "Kepala Seksi Intelijen memberi arahan tindak lanjut kepada Petugas Pelaksana",
            "The Head of the Intelligence Section gives the officer the direction for the "
            "follow-up",
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
    instance: object, attribute: attrs.Attribute[dt.timedelta], value: object
) -> None:
    if not isinstance(value, dt.timedelta) or value <= dt.timedelta(0):
        raise ServiceStandardError(
            "Waktu penyelesaian harus berupa durasi positif.",
            "The completion time must be a positive duration.",
            code="invalid_completion_time",
            field="completion_time",
        )


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


@attrs.frozen
class ServiceStandard:
    """
    Everything a service standard page states, as one value.

    Attributes:
        service_name: The name of the service.
        decree_number: The decree (No. SK) that sets the standard, or ``None`` (the published
            Kejari Jakarta Pusat page leaves it blank).
        requirements: Persyaratan, as stated (the checks live in
            :mod:`layanan_aduan.domain.requirements`).
        procedure: Sistem, Mekanisme dan Prosedur: five steps, each tied to its workflow action.
        completion_time: Waktu Penyelesaian, in working time (3 hours).
        completion_text: The standard's sentence on the completion time.
        fee_idr: Biaya/Tarif in rupiah (0: no fee).
        fee_text: The standard's words on the fee.
        products: Produk Pelayanan.
        office: The office, its numbers and its schedule (Jam Kerja, time zone).
        complaints: Pengaduan Layanan: where to complain about the service itself.
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
    completion_text: str = ""
    fee_idr: int = attrs.field(default=0, validator=_check_fee)
    fee_text: str = "Tidak dipungut biaya"
    products: tuple[str, ...] = attrs.field(
        converter=_tuple, default=("Layanan daring melalui Aplikasi WhatsApp",)
    )
    decree_number: str | None = None

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

    @classmethod
    def for_office(cls, office: Office, **changes: Any) -> ServiceStandard:
        """
        The standard of the WhatsApp complaint service, for another office.

        The procedure names the office's own WhatsApp number; complaints about the service
        go to the office's PTSP at its own telephone. Any field can be changed by keyword
        (``completion_time=...``, ``complaints=...``, ...).
        """
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
                text=(
                    "Apabila terdapat keluhan dalam pelayanan Laporan dan Aduan Masyarakat "
                    "Melalui Aplikasi WhatsApp dapat menghubungi PTSP dengan bersurat atau "
                    f"melalui nomor telepon {_national(office.telephone)}"
                ),
                text_en=(
                    "Complaints about the service can be sent to the PTSP by letter or by "
                    f"telephone on {_national(office.telephone)}"
                ),
            ),
            "procedure": default_procedure(_national(office.whatsapp)),
            "completion_text": (
                "Penyelesaian setiap aduan ataupun laporan yang disampaikan oleh masyarakat "
                "akan segera ditindaklanjuti oleh Petugas dengan jangka waktu paling lambat "
                f"3 jam selama Jam Kerja ({describe_schedule(office.schedule)}), kecuali "
                "Cuti Bersama dan Hari Libur Nasional"
            ),
        }
        fields.update(changes)
        return cls(**fields)


def describe_schedule(schedule: OfficeSchedule) -> str:
    """
    The office week in words, consecutive days with the same hours grouped.

    >>> describe_schedule(KEJARI_JAKARTA_PUSAT.schedule)
    'Senin-Jumat 08:00-16:00 Asia/Jakarta'
    """
    groups: list[tuple[int, int, str]] = []
    for day, intervals in enumerate(schedule.weekly):
        hours = ", ".join(_interval_text(i.start, i.end) for i in intervals)
        if groups and groups[-1][2] == hours and groups[-1][1] == day - 1:
            groups[-1] = (groups[-1][0], day, hours)
        else:
            groups.append((day, day, hours))
    parts = []
    for first, last, hours in groups:
        if not hours:
            continue
        days = _DAY_NAMES[first] if first == last else f"{_DAY_NAMES[first]}-{_DAY_NAMES[last]}"
        parts.append(f"{days} {hours}")
    return "; ".join(parts) + f" {schedule.timezone}"


def _interval_text(start: dt.time, end: dt.time) -> str:
    end_text = "24:00" if end == dt.time(0) else end.strftime("%H:%M")
    return f"{start.strftime('%H:%M')}-{end_text}"


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
    fee_idr=0,
    fee_text="Tidak dipungut biaya",
    products=("Layanan daring melalui Aplikasi Whatsapp",),
    decree_number=None,
)
"""The published standard of Kejaksaan Negeri Jakarta Pusat, the library's default."""
