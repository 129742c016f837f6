"""
Notification templates: what the service tells reporters and the Head of the Intelligence
Section, in Indonesian first and in English.

Each notification is rendered from plain values (a report number, instants, durations,
texts) into a :class:`RenderedNotification` that holds both forms WhatsApp needs:

- ``text``: free-form text, allowed within 24 hours of the person's last message
  (at most 4096 characters);
- ``template``: the approved template (name, language, ``{{n}}`` parameters), the only
  form delivered outside that window (at most 1024 characters once filled in).

Both come from one body per notification and language, so what a person reads is the same
either way. :meth:`NotificationRenderer.template_bodies` gives the bodies to submit for
approval in WhatsApp Manager.

Free texts (a summary, a follow-up, the missing requirements) are cleaned up, then pass
through :func:`~layanan_aduan.privacy.redact_identifiers` (re-exported here): a NIK or a
telephone number in them is masked however it is typed, so a notification never carries
one whole. Long free texts are cut to fit, marked with ``…``.

>>> import pendulum
>>> renderer = NotificationRenderer()
>>> ack = renderer.acknowledgement(
...     "LAP-2026-000123", pendulum.datetime(2026, 1, 12, 3, 0, tz="UTC")
... )
>>> print(ack.text)
Terima kasih. Laporan/aduan Anda telah kami terima dengan nomor LAP-2026-000123.
Petugas akan menindaklanjutinya paling lambat Senin, 12 Januari 2026 pukul 10.00 WIB.
Layanan ini tidak dipungut biaya. Simpan nomor laporan untuk menanyakan perkembangannya.
Kejaksaan Negeri Jakarta Pusat
>>> ack.template
TemplateRef(name='aduan_tanda_terima', language='id', parameters=('LAP-2026-000123', 'Senin, 12 Januari 2026 pukul 10.00 WIB'))
"""  # noqa: E501 - a doctest's expected output is one line

from __future__ import annotations

import datetime as dt
import enum
import re
import string
import unicodedata
from collections.abc import Callable, Sequence
from typing import Any, Final, Literal

import attrs
import pendulum
import phonenumbers

from layanan_aduan.domain.standard import ServiceStandard
from layanan_aduan.exceptions import InvalidMessageError, NaiveDatetimeError
from layanan_aduan.messaging import (
    MAX_TEXT_LENGTH,
    OutboundMessage,
    Recipient,
    TemplateRef,
)
from layanan_aduan.privacy import MIN_IDENTIFIER_DIGITS, redact_identifiers

__all__ = [
    "DEFAULT_OFFICE",
    "MAX_TEMPLATE_BODY_LENGTH",
    "Language",
    "NotificationKind",
    "NotificationRenderer",
    "OfficeProfile",
    "RenderedNotification",
    "format_duration",
    "format_instant",
    "redact_identifiers",
]

Language = Literal["id", "en"]

#: WhatsApp's limit on a template body once its parameters are filled in.
MAX_TEMPLATE_BODY_LENGTH: Final = 1024
_ELLIPSIS = "…"
_PLACEHOLDER = re.compile(r"\{\{(\d+)\}\}")
_REPORT_NUMBER = re.compile(r"[A-Za-z0-9][A-Za-z0-9 ./_\-]{0,63}")

_DAYS = {
    "id": ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}
_MONTHS = {
    "id": (
        "Januari",
        "Februari",
        "Maret",
        "April",
        "Mei",
        "Juni",
        "Juli",
        "Agustus",
        "September",
        "Oktober",
        "November",
        "Desember",
    ),
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
}
# Indonesia's three zones by their official names; other zones are shown as a UTC offset.
_ZONE_NAMES = {
    "Asia/Jakarta": "WIB",
    "Asia/Pontianak": "WIB",
    "Asia/Makassar": "WITA",
    "Asia/Jayapura": "WIT",
}


def _refuse(field: str, message: str, message_en: str) -> InvalidMessageError:
    return InvalidMessageError(message, message_en, field=field)


def _check_language(language: str) -> None:
    if language not in ("id", "en"):
        raise _refuse(
            "language",
            "Bahasa harus id atau en.",
            "The language must be id or en.",
        )


def _require_aware(instant: dt.datetime, field: str) -> None:
    if not isinstance(instant, dt.datetime) or instant.utcoffset() is None:
        raise NaiveDatetimeError(
            f"{field} harus berupa waktu dengan zona waktu.",
            f"{field} must be a datetime with a time zone.",
            field=field,
        )


# --- formatting -------------------------------------------------------------------------------


def format_instant(
    instant: dt.datetime, timezone: str = "Asia/Jakarta", language: Language = "id"
) -> str:
    """
    An instant as people in the office read it: day, date, time and zone.

    >>> import pendulum
    >>> t = pendulum.datetime(2026, 1, 12, 3, 0, tz="UTC")
    >>> format_instant(t)
    'Senin, 12 Januari 2026 pukul 10.00 WIB'
    >>> format_instant(t, "Asia/Makassar", "en")
    'Monday, 12 January 2026 at 11:00 WITA'
    >>> format_instant(t, "Europe/Amsterdam")
    'Senin, 12 Januari 2026 pukul 04.00 UTC+01:00'
    """
    _require_aware(instant, "instant")
    _check_language(language)
    local = pendulum.instance(instant).in_timezone(timezone)
    zone = _ZONE_NAMES.get(timezone)
    if zone is None:
        offset = local.format("Z")
        zone = f"UTC{offset}"
    day = _DAYS[language][local.weekday()]
    month = _MONTHS[language][local.month - 1]
    date = f"{day}, {local.day} {month} {local.year}"
    if language == "id":
        return f"{date} pukul {local.hour:02d}.{local.minute:02d} {zone}"
    return f"{date} at {local.hour:02d}:{local.minute:02d} {zone}"


def format_duration(duration: dt.timedelta, language: Language = "id") -> str:
    """
    A duration in hours and minutes (working time, as the SLA clock counts it).

    >>> import datetime as dt
    >>> format_duration(dt.timedelta(hours=1, minutes=30))
    '1 jam 30 menit'
    >>> format_duration(dt.timedelta(minutes=1), "en"), format_duration(dt.timedelta(seconds=20))
    ('1 minute', 'kurang dari 1 menit')
    """
    _check_language(language)
    if not isinstance(duration, dt.timedelta) or duration < dt.timedelta(0):
        raise _refuse(
            "duration",
            "Durasi harus berupa timedelta yang tidak negatif.",
            "The duration must be a non-negative timedelta.",
        )
    minutes_total = int(duration.total_seconds() // 60)
    if minutes_total < 1:
        return "kurang dari 1 menit" if language == "id" else "less than 1 minute"
    hours, minutes = divmod(minutes_total, 60)
    parts = []
    if language == "id":
        parts = [f"{hours} jam"] * bool(hours) + [f"{minutes} menit"] * bool(minutes)
    else:
        if hours:
            parts.append(f"{hours} hour" + ("s" if hours != 1 else ""))
        if minutes:
            parts.append(f"{minutes} minute" + ("s" if minutes != 1 else ""))
    return " ".join(parts)


_HIDDEN = frozenset({"Cc", "Cf", "Cs", "Co", "Cn"})


def _strip_controls(text: str, *, keep_newlines: bool) -> str:
    # Whitespace (tabs, line breaks, other separators) becomes a space, except newlines when
    # kept; other control and format characters are dropped.
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    kept = []
    for ch in text:
        if ch == "\n" and keep_newlines:
            kept.append(ch)
        elif ch.isspace():
            kept.append(" ")
        elif unicodedata.category(ch) not in _HIDDEN:
            kept.append(ch)
    return "".join(kept)


def _one_line(text: str) -> str:
    return " ".join(_strip_controls(text, keep_newlines=False).split())


def _free_text(text: str, *, keep_newlines: bool) -> str:
    if keep_newlines:
        lines = [
            " ".join(line.split()) for line in _strip_controls(text, keep_newlines=True).split("\n")
        ]
        return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    return _one_line(text)


def _hydrate(body: str, parameters: Sequence[str]) -> str:
    return _PLACEHOLDER.sub(lambda m: parameters[int(m.group(1)) - 1], body)


def _fit(body: str, parameters: list[str], shrinkable: Sequence[int], limit: int) -> list[str]:
    fitted = list(parameters)
    while (excess := len(_hydrate(body, fitted)) - limit) > 0:
        candidates = [i for i in shrinkable if len(fitted[i]) > len(_ELLIPSIS)]
        if not candidates:
            raise _refuse(
                "text",
                "Pemberitahuan tidak muat dalam batas panjang WhatsApp.",
                "The notification does not fit WhatsApp's length limit.",
            )
        i = max(candidates, key=lambda j: len(fitted[j]))
        keep = max(0, len(fitted[i]) - excess - len(_ELLIPSIS))
        fitted[i] = fitted[i][:keep].rstrip() + _ELLIPSIS
    return fitted


# --- values -----------------------------------------------------------------------------------


class NotificationKind(enum.Enum):
    """
    The notifications of the service, and who receives each.
    """

    ACKNOWLEDGEMENT = "acknowledgement"
    MISSING_REQUIREMENTS = "missing_requirements"
    HANDOVER = "handover"
    FOLLOW_UP = "follow_up"
    SLA_AT_RISK = "sla_at_risk"
    SLA_BREACHED = "sla_breached"
    SERVICE_COMPLAINT_CHANNEL = "service_complaint_channel"

    @property
    def template_name(self) -> str:
        """
        The name of its WhatsApp template, e.g. ``"aduan_tanda_terima"``.
        """
        return _TEMPLATE_NAMES[self]

    @property
    def audience(self) -> Literal["reporter", "section_head"]:
        """
        Who receives it: the reporter, or the Head of the Intelligence Section.
        """
        return "section_head" if self in _TO_SECTION_HEAD else "reporter"


_TO_SECTION_HEAD = frozenset(
    {NotificationKind.HANDOVER, NotificationKind.SLA_AT_RISK, NotificationKind.SLA_BREACHED}
)
_TEMPLATE_NAMES = {
    NotificationKind.ACKNOWLEDGEMENT: "aduan_tanda_terima",
    NotificationKind.MISSING_REQUIREMENTS: "aduan_persyaratan_belum_lengkap",
    NotificationKind.HANDOVER: "aduan_penyerahan_kasi_intel",
    NotificationKind.FOLLOW_UP: "aduan_tindak_lanjut",
    NotificationKind.SLA_AT_RISK: "aduan_batas_waktu_mendekat",
    NotificationKind.SLA_BREACHED: "aduan_batas_waktu_terlewati",
    NotificationKind.SERVICE_COMPLAINT_CHANNEL: "aduan_saluran_pengaduan_layanan",
}

# Bodies: $office, $complaint_unit and $complaint_phone are the office's fixed text;
# {{1}}, {{2}}... are the template's parameters. WhatsApp refuses a body that starts or ends
# with a parameter, so none does.
_BODIES: Final[dict[NotificationKind, dict[str, str]]] = {
    NotificationKind.ACKNOWLEDGEMENT: {
        "id": (
            "Terima kasih. Laporan/aduan Anda telah kami terima dengan nomor {{1}}.\n"
            "Petugas akan menindaklanjutinya paling lambat {{2}}.\n"
            "Layanan ini tidak dipungut biaya. Simpan nomor laporan untuk menanyakan "
            "perkembangannya.\n$office"
        ),
        "en": (
            "Thank you. Your report/complaint has been received with number {{1}}.\n"
            "An officer will follow it up no later than {{2}}.\n"
            "This service is free of charge. Keep the report number to ask about its "
            "progress.\n$office"
        ),
    },
    NotificationKind.MISSING_REQUIREMENTS: {
        "id": (
            "Laporan/aduan nomor {{1}} belum dapat diproses karena persyaratan berikut belum "
            "lengkap: {{2}}\nMohon lengkapi dengan membalas pesan ini.\n$office"
        ),
        "en": (
            "Report/complaint number {{1}} cannot be processed yet because these "
            "requirements are incomplete: {{2}}\nPlease complete them by replying to this "
            "message.\n$office"
        ),
    },
    NotificationKind.HANDOVER: {
        "id": (
            "Yth. Kepala Seksi Intelijen $office,\n"
            "laporan/aduan masyarakat nomor {{1}} diterima pada {{2}} dan disampaikan untuk "
            "petunjuk selanjutnya. Batas waktu penyelesaian: {{3}}.\n"
            "Ringkasan: {{4}}\n"
            "Mohon arahan tindak lanjut kepada petugas pelaksana."
        ),
        "en": (
            "To the Head of the Intelligence Section, $office:\n"
            "public report/complaint number {{1}} was received on {{2}} and is handed over "
            "for further direction. Completion deadline: {{3}}.\n"
            "Summary: {{4}}\n"
            "Please give the officer direction for the follow-up."
        ),
    },
    NotificationKind.FOLLOW_UP: {
        "id": (
            "Tindak lanjut atas laporan/aduan Anda nomor {{1}}:\n{{2}}\n"
            "Terima kasih telah menggunakan layanan Laporan dan Aduan Masyarakat melalui "
            "WhatsApp $office."
        ),
        "en": (
            "Follow-up on your report/complaint number {{1}}:\n{{2}}\n"
            "Thank you for using the public reports and complaints service over WhatsApp of "
            "$office."
        ),
    },
    NotificationKind.SLA_AT_RISK: {
        "id": (
            "Peringatan: laporan/aduan nomor {{1}} mendekati batas waktu penyelesaian ({{2}}); "
            "sisa waktu kerja {{3}}.\nMohon segera dipastikan tindak lanjutnya."
        ),
        "en": (
            "Warning: report/complaint number {{1}} is close to its completion deadline "
            "({{2}}); {{3}} of working time left.\nPlease make sure it is followed up promptly."
        ),
    },
    NotificationKind.SLA_BREACHED: {
        "id": (
            "Batas waktu penyelesaian laporan/aduan nomor {{1}} telah terlewati ({{2}}); "
            "terlambat {{3}} waktu kerja.\nMohon segera ditindaklanjuti."
        ),
        "en": (
            "The completion deadline of report/complaint number {{1}} has passed ({{2}}); "
            "{{3}} of working time overdue.\nPlease follow it up immediately."
        ),
    },
    NotificationKind.SERVICE_COMPLAINT_CHANNEL: {
        "id": (
            "Mohon maaf, penyelesaian laporan/aduan Anda nomor {{1}} melewati batas waktu "
            "layanan ({{2}}). Laporan Anda tetap kami tindak lanjuti.\n"
            "Apabila terdapat keluhan atas pelayanan ini, Anda dapat menghubungi "
            "$complaint_unit $office dengan bersurat atau melalui nomor telepon "
            "$complaint_phone."
        ),
        "en": (
            "We apologise: the completion of your report/complaint number {{1}} has passed "
            "the service deadline ({{2}}). Your report is still being followed up.\n"
            "If you have a complaint about this service, you can contact the "
            "$complaint_unit of $office by letter or by telephone at $complaint_phone."
        ),
    },
}


def _check_line(limit: int) -> Callable[[object, attrs.Attribute[Any], Any], None]:
    def check(_: object, attribute: attrs.Attribute[Any], value: Any) -> None:
        if (
            not isinstance(value, str)
            or not value.strip()
            or len(value) > limit
            or (_one_line(value) != value)
        ):
            raise _refuse(
                attribute.name,
                f"{attribute.name} harus berupa satu baris teks, paling banyak {limit} karakter.",
                f"{attribute.name} must be one line of text of at most {limit} characters.",
            )

    return check


def _check_timezone(_: object, attribute: attrs.Attribute[str], value: str) -> None:
    try:
        pendulum.timezone(value)
    except (ValueError, TypeError) as e:
        raise _refuse(
            "timezone",
            "Zona waktu kantor tidak dikenal.",
            "The office time zone is unknown.",
        ) from e


@attrs.frozen
class OfficeProfile:
    """
    What notifications say about the office. The defaults are Kejaksaan Negeri Jakarta
    Pusat's service standard; another office builds its own, e.g. with :meth:`from_standard`.

    Attributes:
        name: The office's name.
        timezone: The office's time zone, in which instants are shown.
        complaint_unit: Who takes complaints about the service itself.
        complaint_phone: Their telephone number, as printed.
    """

    name: str = attrs.field(default="Kejaksaan Negeri Jakarta Pusat", validator=_check_line(120))
    timezone: str = attrs.field(default="Asia/Jakarta", validator=_check_timezone)
    complaint_unit: str = attrs.field(default="PTSP", validator=_check_line(60))
    complaint_phone: str = attrs.field(default="(021) 65851958", validator=_check_line(40))

    @classmethod
    def from_standard(cls, standard: ServiceStandard) -> OfficeProfile:
        """
        The profile of the office a service standard describes (its name, time zone and
        channel for complaints about the service, the telephone in national form).

        >>> from layanan_aduan.domain.standard import KEJARI_JAKARTA_PUSAT
        >>> OfficeProfile.from_standard(KEJARI_JAKARTA_PUSAT) == DEFAULT_OFFICE
        True
        """
        telephone = standard.complaints.telephone
        try:
            shown = phonenumbers.format_number(
                phonenumbers.parse(telephone, "ID"), phonenumbers.PhoneNumberFormat.NATIONAL
            )
        except phonenumbers.NumberParseException:
            shown = telephone
        return cls(
            name=standard.office.name,
            timezone=standard.office.timezone,
            complaint_unit=standard.complaints.unit,
            complaint_phone=shown,
        )


DEFAULT_OFFICE: Final = OfficeProfile()


@attrs.frozen(repr=False)
class RenderedNotification:
    """
    One notification, as free-form text and as its approved template.

    Attributes:
        kind: Which notification.
        language: ``"id"`` or ``"en"``.
        text: The text (at most 4096 characters).
        template: The template and its parameters (at most 1024 characters filled in).
    """

    kind: NotificationKind
    language: str
    text: str
    template: TemplateRef

    def message(
        self,
        recipient: Recipient,
        idempotency_key: str,
        *,
        as_template: bool = False,
        reply_to: str | None = None,
    ) -> OutboundMessage:
        """
        The message to send: the text with the template as its fallback (see
        :func:`~layanan_aduan.messaging.deliver`), or the template alone.
        """
        if as_template:
            return OutboundMessage(
                recipient, idempotency_key, template=self.template, reply_to=reply_to
            )
        return OutboundMessage(
            recipient,
            idempotency_key,
            text=self.text,
            reply_to=reply_to,
            fallback_template=self.template,
        )

    def __repr__(self) -> str:
        return (
            f"RenderedNotification(kind={self.kind.value!r}, language={self.language!r}, "
            f"text=<{len(self.text)} chars>, template={self.template.name!r})"
        )


# --- the renderer -----------------------------------------------------------------------------


class NotificationRenderer:
    """
    Renders the service's notifications for one office.

    Every method takes ``language`` (``"id"`` by default, or ``"en"``) and refuses
    malformed values with :class:`~layanan_aduan.exceptions.InvalidMessageError`.
    """

    def __init__(self, office: OfficeProfile = DEFAULT_OFFICE) -> None:
        self.office = office

    def template_bodies(self, language: Language = "id") -> dict[NotificationKind, str]:
        """
        The template bodies to submit for approval in WhatsApp Manager, by notification.

        >>> bodies = NotificationRenderer().template_bodies("id")
        >>> print(bodies[NotificationKind.SLA_BREACHED])
        Batas waktu penyelesaian laporan/aduan nomor {{1}} telah terlewati ({{2}}); terlambat {{3}} waktu kerja.
        Mohon segera ditindaklanjuti.
        """  # noqa: E501 - a doctest's expected output is one line
        _check_language(language)
        return {kind: self._body(kind, language) for kind in NotificationKind}

    def _body(self, kind: NotificationKind, language: Language) -> str:
        return string.Template(_BODIES[kind][language]).substitute(
            office=self.office.name,
            complaint_unit=self.office.complaint_unit,
            complaint_phone=self.office.complaint_phone,
        )

    def _render(
        self,
        kind: NotificationKind,
        language: Language,
        fixed: dict[int, str],
        free: dict[int, str],
        keep: Sequence[str],
    ) -> RenderedNotification:
        _check_language(language)
        body = self._body(kind, language)
        keep = [*keep, self.office.complaint_phone]
        count = len(fixed) + len(free)
        text_parameters = [""] * count
        template_parameters = [""] * count
        for i, value in fixed.items():
            text_parameters[i] = template_parameters[i] = value
        for i, value in free.items():
            # Clean up first, then redact: what a person reads is what was checked.
            text_parameters[i] = redact_identifiers(
                _free_text(value, keep_newlines=True) or "-", keep=keep
            )
            template_parameters[i] = redact_identifiers(
                _free_text(value, keep_newlines=False) or "-", keep=keep
            )
        shrinkable = sorted(free)
        text = _hydrate(body, _fit(body, text_parameters, shrinkable, MAX_TEXT_LENGTH))
        template_parameters = _fit(body, template_parameters, shrinkable, MAX_TEMPLATE_BODY_LENGTH)
        return RenderedNotification(
            kind=kind,
            language=language,
            text=text,
            template=TemplateRef(kind.template_name, language, tuple(template_parameters)),
        )

    def _when(self, instant: dt.datetime, field: str, language: Language) -> str:
        _require_aware(instant, field)
        _check_language(language)
        return format_instant(instant, self.office.timezone, language)

    @staticmethod
    def _report_number(value: str) -> str:
        if (
            not isinstance(value, str)
            or not _REPORT_NUMBER.fullmatch(value)
            or (
                not re.search(r"[A-Za-z]", value)
                and len(re.sub(r"\D", "", value)) >= MIN_IDENTIFIER_DIGITS
            )
        ):
            # A number of nine digits or more without letters could be a NIK or a telephone
            # number passed by mistake: refused rather than sent whole.
            raise _refuse(
                "report_number",
                "Nomor laporan tidak sah.",
                "The report number is not valid.",
            )
        return value

    def acknowledgement(
        self, report_number: str, deadline: dt.datetime, *, language: Language = "id"
    ) -> RenderedNotification:
        """
        To the reporter: the report was received, its number, and the deadline.
        """
        number = self._report_number(report_number)
        return self._render(
            NotificationKind.ACKNOWLEDGEMENT,
            language,
            {0: number, 1: self._when(deadline, "deadline", language)},
            {},
            [number],
        )

    def missing_requirements(
        self, report_number: str, missing: Sequence[str], *, language: Language = "id"
    ) -> RenderedNotification:
        """
        To the reporter: which requirements are missing (each item in ``missing``).

        >>> n = NotificationRenderer().missing_requirements(
        ...     "LAP-2026-000123", ["NIK pelapor", "bukti berupa scan surat atau tangkapan layar"]
        ... )
        >>> print(n.text.splitlines()[0])
        Laporan/aduan nomor LAP-2026-000123 belum dapat diproses karena persyaratan berikut belum lengkap: 1) NIK pelapor; 2) bukti berupa scan surat atau tangkapan layar.
        """  # noqa: E501 - a doctest's expected output is one line
        number = self._report_number(report_number)
        items = [_one_line(m) for m in missing if isinstance(m, str)]
        if isinstance(missing, str) or not items or any(not m for m in items):
            raise _refuse(
                "missing",
                "Daftar persyaratan yang kurang harus berisi teks yang tidak kosong.",
                "The list of missing requirements must hold non-empty texts.",
            )
        listed = "; ".join(f"{i}) {m}" for i, m in enumerate(items, start=1)) + "."
        return self._render(
            NotificationKind.MISSING_REQUIREMENTS, language, {0: number}, {1: listed}, [number]
        )

    def handover(
        self,
        report_number: str,
        received_at: dt.datetime,
        deadline: dt.datetime,
        *,
        summary: str | None = None,
        language: Language = "id",
    ) -> RenderedNotification:
        """
        To the Head of the Intelligence Section: a report handed over for direction.

        ``summary`` is what the officer chose to pass on (numbers that could be a NIK or a
        telephone number are masked); ``"-"`` when ``None``.
        """
        number = self._report_number(report_number)
        return self._render(
            NotificationKind.HANDOVER,
            language,
            {
                0: number,
                1: self._when(received_at, "received_at", language),
                2: self._when(deadline, "deadline", language),
            },
            {3: summary if isinstance(summary, str) else ""},
            [number],
        )

    def follow_up(
        self, report_number: str, follow_up: str, *, language: Language = "id"
    ) -> RenderedNotification:
        """
        To the reporter: the follow-up, as the Head of the Intelligence Section directed it.
        """
        number = self._report_number(report_number)
        if not isinstance(follow_up, str) or not _one_line(follow_up):
            raise _refuse(
                "follow_up",
                "Teks tindak lanjut tidak boleh kosong.",
                "The follow-up text must not be empty.",
            )
        return self._render(
            NotificationKind.FOLLOW_UP, language, {0: number}, {1: follow_up}, [number]
        )

    def sla_at_risk(
        self,
        report_number: str,
        deadline: dt.datetime,
        remaining: dt.timedelta,
        *,
        language: Language = "id",
    ) -> RenderedNotification:
        """
        To the Head of the Intelligence Section: the deadline is near (``remaining`` working
        time left).
        """
        number = self._report_number(report_number)
        return self._render(
            NotificationKind.SLA_AT_RISK,
            language,
            {
                0: number,
                1: self._when(deadline, "deadline", language),
                2: format_duration(remaining, language),
            },
            {},
            [number],
        )

    def sla_breached(
        self,
        report_number: str,
        deadline: dt.datetime,
        overdue: dt.timedelta,
        *,
        language: Language = "id",
    ) -> RenderedNotification:
        """
        To the Head of the Intelligence Section: the deadline passed (``overdue`` working
        time ago).
        """
        number = self._report_number(report_number)
        return self._render(
            NotificationKind.SLA_BREACHED,
            language,
            {
                0: number,
                1: self._when(deadline, "deadline", language),
                2: format_duration(overdue, language),
            },
            {},
            [number],
        )

    def service_complaint_channel(
        self, report_number: str, deadline: dt.datetime, *, language: Language = "id"
    ) -> RenderedNotification:
        """
        To the reporter, on a breach: an apology and where to complain about the service.

        >>> import pendulum
        >>> n = NotificationRenderer().service_complaint_channel(
        ...     "LAP-2026-000123", pendulum.datetime(2026, 1, 12, 3, tz="UTC")
        ... )
        >>> print(n.text.splitlines()[-1])
        Apabila terdapat keluhan atas pelayanan ini, Anda dapat menghubungi PTSP Kejaksaan Negeri Jakarta Pusat dengan bersurat atau melalui nomor telepon (021) 65851958.
        """  # noqa: E501 - a doctest's expected output is one line
        number = self._report_number(report_number)
        return self._render(
            NotificationKind.SERVICE_COMPLAINT_CHANNEL,
            language,
            {0: number, 1: self._when(deadline, "deadline", language)},
            {},
            [number],
        )
