"""
Notification templates: what the service tells reporters and the section head (the
Kepala Seksi the office's standard names), in Indonesian first and in English.

Everything a notification says about the office comes from its
:class:`~layanan_aduan.domain.standard.ServiceStandard`: the office's name, the section
head's title, the goal (``3 jam kerja``), the working hours and zone, the fee and where to
complain about the service. Each notification is rendered from plain values (a report number, instants, durations,
texts) into a :class:`RenderedNotification` that holds both forms WhatsApp needs:

- ``text``: free-form text, allowed within 24 hours of the person's last message
  (at most 4096 characters);
- ``template``: the approved template (name, language, ``{{n}}`` parameters), the only
  form delivered outside that window (at most 1024 characters once filled in).

Both come from one body per notification and language, so what a person reads is the same
either way. The rating question after the follow-up is also an interactive list
(``interactive``: five rows, 1 to 5), sent as such within the window and not at all outside it. :meth:`NotificationRenderer.template_bodies` gives the bodies to submit for
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
Petugas akan menindaklanjutinya dalam 3 jam kerja (Senin-Jumat 08.00-16.00 WIB, di luar hari libur), paling lambat Senin, 12 Januari 2026 pukul 10.00 WIB.
Layanan ini tidak dipungut biaya. Simpan nomor laporan untuk menanyakan perkembangannya.
Kejaksaan Negeri Jakarta Pusat
>>> ack.template
TemplateRef(name='aduan_tanda_terima', language='id', parameters=('LAP-2026-000123', 'Senin, 12 Januari 2026 pukul 10.00 WIB'))
"""  # noqa: E501 - a doctest's expected output is one line

from __future__ import annotations

import datetime as dt
import enum
import math
import re
import string
import unicodedata
from collections.abc import Sequence
from typing import Final, Literal

import attrs
import pendulum

from layanan_aduan.domain.confidential import confidential_reply_id
from layanan_aduan.domain.rating import RATING_SCALE, is_rating_value, rating_label, rating_reply_id
from layanan_aduan.domain.report import ReportKind
from layanan_aduan.domain.standard import KEJARI_JAKARTA_PUSAT, ServiceStandard, zone_name
from layanan_aduan.exceptions import InvalidMessageError, NaiveDatetimeError
from layanan_aduan.messaging import (
    MAX_TEXT_LENGTH,
    InteractiveList,
    ListRow,
    ListSection,
    OutboundMessage,
    Recipient,
    TemplateRef,
)
from layanan_aduan.privacy import MIN_IDENTIFIER_DIGITS, redact_identifiers

__all__ = [
    "MAX_TEMPLATE_BODY_LENGTH",
    "Language",
    "NotificationKind",
    "NotificationRenderer",
    "RenderedNotification",
    "format_duration",
    "format_instant",
    "redact_identifiers",
    "shorten",
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
    zone = zone_name(timezone, local)
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
    DEADLINE_MOVED = "deadline_moved"
    STATUS = "status"
    STATUS_NOT_FOUND = "status_not_found"
    STAFF_HELP = "staff_help"
    MENU = "menu"
    UNSUPPORTED = "unsupported"
    RATING_QUESTION = "rating_question"
    RATING_THANKS = "rating_thanks"
    DIRECTION_NOT_AWAITED = "direction_not_awaited"
    THROTTLED = "throttled"
    CONFIDENTIALITY_OFFER = "confidentiality_offer"
    CONFIDENTIALITY_RECORDED = "confidentiality_recorded"

    @property
    def template_name(self) -> str:
        """
        The name of its WhatsApp template, e.g. ``"aduan_tanda_terima"``.
        """
        return _TEMPLATE_NAMES[self]

    def template_name_for(self, report_kind: ReportKind | str | None = None) -> str:
        """
        The name of its template for a report of ``report_kind``: :attr:`template_name`
        for a laporan or aduan, ``informasi_...`` for a request for information.

        >>> NotificationKind.ACKNOWLEDGEMENT.template_name_for("permohonan_informasi")
        'informasi_tanda_terima'
        """
        if _wording(report_kind) == "default":
            return self.template_name
        return "informasi_" + self.template_name.removeprefix("aduan_")

    @property
    def audience(self) -> Literal["reporter", "section_head"]:
        """
        Who receives it: the reporter, or the section head (Kepala Seksi).
        """
        return "section_head" if self in _TO_SECTION_HEAD else "reporter"


_TO_SECTION_HEAD = frozenset(
    {
        NotificationKind.HANDOVER,
        NotificationKind.SLA_AT_RISK,
        NotificationKind.SLA_BREACHED,
        NotificationKind.STAFF_HELP,
        NotificationKind.DIRECTION_NOT_AWAITED,
    }
)
_TEMPLATE_NAMES = {
    NotificationKind.ACKNOWLEDGEMENT: "aduan_tanda_terima",
    NotificationKind.MISSING_REQUIREMENTS: "aduan_persyaratan_belum_lengkap",
    NotificationKind.HANDOVER: "aduan_penyerahan_kasi_intel",
    NotificationKind.FOLLOW_UP: "aduan_tindak_lanjut",
    NotificationKind.SLA_AT_RISK: "aduan_batas_waktu_mendekat",
    NotificationKind.SLA_BREACHED: "aduan_batas_waktu_terlewati",
    NotificationKind.SERVICE_COMPLAINT_CHANNEL: "aduan_saluran_pengaduan_layanan",
    NotificationKind.DEADLINE_MOVED: "aduan_batas_waktu_diperbarui",
    NotificationKind.STATUS: "aduan_status",
    NotificationKind.STATUS_NOT_FOUND: "aduan_status_tidak_ditemukan",
    NotificationKind.STAFF_HELP: "aduan_petunjuk_staf",
    NotificationKind.MENU: "aduan_menu",
    NotificationKind.UNSUPPORTED: "aduan_pesan_tidak_didukung",
    NotificationKind.RATING_QUESTION: "aduan_penilaian_layanan",
    NotificationKind.RATING_THANKS: "aduan_terima_kasih_penilaian",
    NotificationKind.DIRECTION_NOT_AWAITED: "aduan_arahan_tidak_ditunggu",
    NotificationKind.THROTTLED: "aduan_pesan_terlalu_banyak",
    NotificationKind.CONFIDENTIALITY_OFFER: "aduan_tawaran_kerahasiaan",
    NotificationKind.CONFIDENTIALITY_RECORDED: "aduan_kerahasiaan_dicatat",
}

# What a report is called, by its kind: a request for information is not a complaint. The
# default wording ("laporan/aduan") covers reports and complaints, and keeps the template
# names already approved; the other wording has its own templates ("informasi_...").
_WORDING: Final = {
    "default": {
        "id": ("laporan/aduan", "Laporan/aduan"),
        "en": ("report/complaint", "Report/complaint"),
    },
    "information": {
        "id": ("permohonan informasi", "Permohonan informasi"),
        "en": ("request for information", "Request for information"),
    },
}
_Wording = Literal["default", "information"]


def _wording(kind: ReportKind | str | None) -> _Wording:
    if kind is None:
        return "default"
    try:
        report_kind = ReportKind(kind)
    except ValueError:
        raise _refuse(
            "kind",
            "Jenis laporan harus laporan, aduan atau permohonan_informasi.",
            "The report kind must be laporan, aduan or permohonan_informasi.",
        ) from None
    return "information" if report_kind is ReportKind.PERMOHONAN_INFORMASI else "default"


# Bodies: $-names are the standard's fixed text ($office, $section_head, $goal, $hours, $fee,
# $complaint_unit, $complaint_route) and the report's kind ($item, $Item); {{1}}, {{2}}...
# are the template's parameters. WhatsApp refuses a body that starts or ends with a
# parameter, so none does.
_BODIES: Final[dict[NotificationKind, dict[str, str]]] = {
    NotificationKind.ACKNOWLEDGEMENT: {
        "id": (
            "Terima kasih. $Item Anda telah kami terima dengan nomor {{1}}.\n"
            "Petugas akan menindaklanjutinya dalam $goal ($hours, di luar hari libur), "
            "paling lambat {{2}}.\n"
            "$fee Simpan nomor laporan untuk menanyakan perkembangannya.\n$office"
        ),
        "en": (
            "Thank you. Your $item has been received with number {{1}}.\n"
            "An officer will follow it up within $goal ($hours, except holidays), "
            "no later than {{2}}.\n"
            "$fee Keep the report number to ask about its progress.\n$office"
        ),
    },
    NotificationKind.MISSING_REQUIREMENTS: {
        "id": (
            "$Item nomor {{1}} belum dapat diproses karena persyaratan berikut belum "
            "lengkap: {{2}}\nMohon lengkapi dengan membalas pesan ini.\n$office"
        ),
        "en": (
            "$Item number {{1}} cannot be processed yet because these "
            "requirements are incomplete: {{2}}\nPlease complete them by replying to this "
            "message.\n$office"
        ),
    },
    NotificationKind.HANDOVER: {
        "id": (
            "Yth. $section_head $office,\n"
            "$item masyarakat nomor {{1}} diterima pada {{2}} dan disampaikan untuk "
            "petunjuk selanjutnya. Batas waktu penyelesaian ($goal): {{3}}.\n"
            "Ringkasan: {{4}}\n"
            "Mohon arahan tindak lanjut kepada petugas pelaksana."
        ),
        "en": (
            "To the $section_head, $office:\n"
            "public $item number {{1}} was received on {{2}} and is handed over "
            "for further direction. Completion deadline ($goal): {{3}}.\n"
            "Summary: {{4}}\n"
            "Please give the officer direction for the follow-up."
        ),
    },
    NotificationKind.FOLLOW_UP: {
        "id": (
            "Tindak lanjut atas $item Anda nomor {{1}}:\n{{2}}\n"
            "Terima kasih telah menggunakan layanan Laporan dan Aduan Masyarakat melalui "
            "WhatsApp $office."
        ),
        "en": (
            "Follow-up on your $item number {{1}}:\n{{2}}\n"
            "Thank you for using the public reports and complaints service over WhatsApp of "
            "$office."
        ),
    },
    NotificationKind.SLA_AT_RISK: {
        "id": (
            "Peringatan: $item nomor {{1}} mendekati batas waktu penyelesaian $goal "
            "({{2}}); sisa waktu kerja {{3}}.\nMohon segera dipastikan tindak lanjutnya."
        ),
        "en": (
            "Warning: $item number {{1}} is close to its completion deadline of $goal "
            "({{2}}); {{3}} of working time left.\nPlease make sure it is followed up promptly."
        ),
    },
    NotificationKind.SLA_BREACHED: {
        "id": (
            "Batas waktu penyelesaian $goal untuk $item nomor {{1}} telah terlewati ({{2}}); "
            "terlambat {{3}} waktu kerja.\nMohon segera ditindaklanjuti."
        ),
        "en": (
            "The completion deadline of $goal for $item number {{1}} has passed ({{2}}); "
            "{{3}} of working time overdue.\nPlease follow it up immediately."
        ),
    },
    NotificationKind.SERVICE_COMPLAINT_CHANNEL: {
        "id": (
            "Mohon maaf, penyelesaian $item Anda nomor {{1}} melewati batas waktu "
            "layanan $goal ({{2}}). $Item Anda tetap kami tindak lanjuti.\n"
            "Apabila terdapat keluhan atas pelayanan ini, Anda dapat menghubungi "
            "$complaint_unit $office $complaint_route."
        ),
        "en": (
            "We apologise: the completion of your $item number {{1}} has passed "
            "the service deadline of $goal ({{2}}). Your $item is still being followed up.\n"
            "If you have a complaint about this service, you can contact the "
            "$complaint_unit of $office $complaint_route."
        ),
    },
    NotificationKind.DEADLINE_MOVED: {
        "id": (
            "Batas waktu penyelesaian $goal untuk $item Anda nomor {{1}} kini {{2}}, karena "
            "hari libur berikut: {{3}}. $Item Anda tetap kami tindak lanjuti.\n$office"
        ),
        "en": (
            "The completion deadline of $goal for your $item number {{1}} is now {{2}}, "
            "because of these closed days: {{3}}. Your $item is still being followed up.\n"
            "$office"
        ),
    },
    NotificationKind.STATUS: {
        "id": (
            "Status $item Anda nomor {{1}}: {{2}}.\nBatas waktu penyelesaian $goal: {{3}}.\n$office"
        ),
        "en": (
            "Status of your $item number {{1}}: {{2}}.\n"
            "Completion deadline of $goal: {{3}}.\n$office"
        ),
    },
    NotificationKind.STATUS_NOT_FOUND: {
        "id": (
            "Kami tidak menemukan $item dengan nomor tersebut yang dikirim dari nomor WhatsApp "
            "ini. Periksa kembali nomor pada tanda terima yang kami kirimkan.\n$office"
        ),
        "en": (
            "We found no $item with that number sent from this WhatsApp number. Please check "
            "the number on the acknowledgement we sent you.\n$office"
        ),
    },
    NotificationKind.STAFF_HELP: {
        "id": (
            "Pesan dari nomor staf $office tidak dicatat sebagai laporan. Untuk memberi arahan "
            "$section_head, kirim: Arahan {{1}}: isi arahan. Catatan: {{2}}."
        ),
        "en": (
            "A message from a staff number of $office is not taken as a report. To give the "
            "direction of the $section_head, send: Arahan {{1}}: the direction. Note: {{2}}."
        ),
    },
    NotificationKind.MENU: {
        "id": (
            "Selamat datang di layanan Laporan dan Aduan Masyarakat melalui WhatsApp $office. "
            "Kirimkan laporan, aduan atau permohonan informasi Anda dengan: {{1}}. "
            "Ditindaklanjuti dalam $goal ($hours, di luar hari libur). $fee "
            "Untuk menanyakan perkembangan, kirim nomor laporan Anda, misalnya {{2}}."
        ),
        "en": (
            "Welcome to the public reports and complaints service over WhatsApp of $office. "
            "Send your report, complaint or request for information with: {{1}}. "
            "It is followed up within $goal ($hours, except holidays). $fee "
            "To ask about its progress, send your report number, for example {{2}}."
        ),
    },
    NotificationKind.UNSUPPORTED: {
        "id": (
            "Mohon maaf, jenis pesan ini belum dapat kami terima. Kirimkan laporan Anda sebagai "
            "teks, dengan bukti berupa gambar (tangkapan layar) atau dokumen PDF hasil scan.\n"
            "$office"
        ),
        "en": (
            "Sorry, we cannot take this type of message. Please send your report as text, with "
            "evidence as an image (a screenshot) or a scanned PDF document.\n$office"
        ),
    },
    NotificationKind.RATING_QUESTION: {
        "id": (
            "Seberapa puas Anda dengan penanganan $item nomor {{1}} oleh $office? Pilih nilai "
            "1 (sangat tidak puas) sampai 5 (sangat puas), atau balas dengan angka 1-5."
        ),
        "en": (
            "How satisfied are you with how $office handled your $item number {{1}}? Choose "
            "1 (very dissatisfied) to 5 (very satisfied), or reply with a number from 1 to 5."
        ),
    },
    NotificationKind.CONFIDENTIALITY_OFFER: {
        "id": (
            "Bila Anda ingin identitas Anda (nama, NIK, nomor telepon) dirahasiakan dalam "
            "penanganan $item nomor {{1}}, pilih Rahasiakan identitas atau balas dengan kata "
            "RAHASIA.\n$office"
        ),
        "en": (
            "If you want your identity (name, NIK, telephone number) kept confidential while "
            "your $item number {{1}} is handled, choose Keep me confidential or reply with the "
            "word RAHASIA.\n$office"
        ),
    },
    NotificationKind.CONFIDENTIALITY_RECORDED: {
        "id": (
            "Permintaan Anda dicatat: identitas Anda dalam $item nomor {{1}} dirahasiakan dan "
            "tidak ditampilkan kepada petugas yang menanganinya.\n$office"
        ),
        "en": (
            "Your request is recorded: your identity in your $item number {{1}} is kept "
            "confidential and is not shown to the staff handling it.\n$office"
        ),
    },
    NotificationKind.RATING_THANKS: {
        "id": (
            "Terima kasih atas penilaian Anda untuk $item nomor {{1}}: {{2}}. Masukan Anda "
            "membantu kami meningkatkan layanan.\n$office"
        ),
        "en": (
            "Thank you for rating your $item number {{1}}: {{2}}. Your feedback helps us "
            "improve the service.\n$office"
        ),
    },
    NotificationKind.DIRECTION_NOT_AWAITED: {
        "id": (
            "Balasan Anda atas penyerahan $item nomor {{1}} tidak dicatat sebagai arahan: "
            "$item tersebut tidak lagi menunggu arahan $section_head (status: {{2}}).\n$office"
        ),
        "en": (
            "Your reply to the handover of $item number {{1}} was not recorded as a direction: "
            "it no longer awaits the direction of the $section_head (status: {{2}}).\n$office"
        ),
    },
    NotificationKind.THROTTLED: {
        "id": (
            "Kami menerima banyak pesan dari nomor ini dalam waktu singkat. Semua pesan Anda "
            "tetap kami terima dan simpan, tetapi untuk sementara tidak kami balas satu per "
            "satu. Bila memerlukan balasan, tunggu sekitar {{1}} sebelum mengirim pesan "
            "berikutnya.\n$office"
        ),
        "en": (
            "We received many messages from this number in a short time. All your messages "
            "are received and kept, but for now we do not answer them one by one. If you need "
            "an answer, wait about {{1}} before sending the next message.\n$office"
        ),
    },
}

# The confidentiality offer's list: the button that opens it, its one row's title and
# description, by language.
_CONFIDENTIALITY_LIST: Final = {
    "id": ("Pilih", "Rahasiakan identitas", "Nama, NIK dan nomor Anda tidak ditampilkan"),
    "en": ("Choose", "Keep me confidential", "Your name, NIK and number are not shown"),
}

# The rating question's list: the button that opens it and the footer, by language.
_RATING_LIST: Final = {
    "id": ("Beri penilaian", "Survei Kepuasan Masyarakat"),
    "en": ("Rate the service", "Public satisfaction survey"),
}

#: How many characters of the report's own text a handover shows when the officer gives
#: no summary.
FALLBACK_SUMMARY_LENGTH: Final = 160


def shorten(text: str, limit: int = FALLBACK_SUMMARY_LENGTH) -> str:
    """
    ``text`` on one line, cut to at most ``limit`` characters at a word where it can be,
    marked with ``…`` when cut.

    >>> shorten("Dugaan pungutan liar dalam pengurusan izin usaha di kecamatan.", 30)
    'Dugaan pungutan liar dalam…'
    >>> shorten("Singkat.")
    'Singkat.'
    """
    line = _one_line(text)
    if len(line) <= limit:
        return line
    cut = line[: max(0, limit - len(_ELLIPSIS))]
    if " " in cut and not line[len(cut)].isspace():
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.") + _ELLIPSIS


def _standard_text(value: str, field: str) -> str:
    # The standard's texts go into every body: one line each, and never a template
    # placeholder that _hydrate would fill.
    if not value or _one_line(value) != value or "{{" in value or "}}" in value:
        raise _refuse(
            field,
            f"Teks standar '{field}' harus satu baris tanpa '{{{{' atau '}}}}'.",
            f"The standard's text '{field}' must be one line without '{{{{' or '}}}}'.",
        )
    return value


@attrs.frozen(repr=False)
class RenderedNotification:
    """
    One notification, as free-form text and as its approved template.

    Attributes:
        kind: Which notification.
        language: ``"id"`` or ``"en"``.
        text: The text (at most 4096 characters).
        template: The template and its parameters (at most 1024 characters filled in).
        interactive: For the rating question, the interactive list that carries it (its
            body is :attr:`text`); ``None`` for every other notification.
    """

    kind: NotificationKind
    language: str
    text: str
    template: TemplateRef
    interactive: InteractiveList | None = None

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
        :func:`~layanan_aduan.messaging.deliver`), or the template alone. A notification with
        an interactive list is sent as that list, with no fallback: outside the 24-hour
        window it is not sent (the template alone, ``as_template``, stays available).
        """
        if self.interactive is not None and not as_template:
            return OutboundMessage(
                recipient, idempotency_key, interactive=self.interactive, reply_to=reply_to
            )
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
    Renders the service's notifications for the office of one service standard.

    What a notification says about the office (its name, the section head's title, the
    goal, the working hours and zone, the fee, where to complain about the service) comes
    from ``standard`` (:data:`~layanan_aduan.domain.standard.KEJARI_JAKARTA_PUSAT` by
    default); instants are shown in its office's time zone. Every method takes
    ``language`` (``"id"`` by default, or ``"en"``) and refuses malformed values with
    :class:`~layanan_aduan.exceptions.InvalidMessageError`. The methods that name the
    report take its ``kind`` (a request for information is not called a complaint); the
    default wording, "laporan/aduan", is the one for ``None``, laporan and aduan.

    Raises:
        InvalidMessageError: A text of the standard that cannot go into a template (more
            than one line, or a ``{{`` placeholder).
    """

    def __init__(self, standard: ServiceStandard = KEJARI_JAKARTA_PUSAT) -> None:
        self.standard = standard
        office = _standard_text(standard.office.name, "office.name")
        unit = _standard_text(standard.complaints.unit, "complaints.unit")
        self._fixed: dict[str, dict[str, str]] = {
            language: {
                "office": office,
                "section_head": _standard_text(
                    standard.section_head(language), "section_head_title"
                ),
                "goal": standard.goal_text(language),
                "hours": standard.hours_text(language),
                "fee": _standard_text(standard.fee_sentence(language), "fee_text"),
                "complaint_unit": unit,
                "complaint_route": standard.complaints.route(language),
            }
            for language in ("id", "en")
        }
        phone = standard.complaints.telephone_display
        # The office's own numbers are public: never masked as if they were a reporter's.
        self._keep = [n for n in (phone, standard.office.whatsapp_display) if n is not None]

    def __repr__(self) -> str:
        return f"NotificationRenderer(office={self.standard.office.code!r})"

    def template_bodies(
        self, language: Language = "id", kind: ReportKind | str | None = None
    ) -> dict[NotificationKind, str]:
        """
        The template bodies to submit for approval in WhatsApp Manager, by notification
        (for reports of ``kind``: the default wording, or a request for information's,
        under :meth:`NotificationKind.template_name_for`).

        >>> bodies = NotificationRenderer().template_bodies("id")
        >>> print(bodies[NotificationKind.SLA_BREACHED])
        Batas waktu penyelesaian 3 jam kerja untuk laporan/aduan nomor {{1}} telah terlewati ({{2}}); terlambat {{3}} waktu kerja.
        Mohon segera ditindaklanjuti.
        """  # noqa: E501 - a doctest's expected output is one line
        _check_language(language)
        wording = _wording(kind)
        return {n: self._body(n, language, wording) for n in NotificationKind}

    def _body(self, kind: NotificationKind, language: Language, wording: _Wording) -> str:
        item, item_capital = _WORDING[wording][language]
        return string.Template(_BODIES[kind][language]).substitute(
            self._fixed[language], item=item, Item=item_capital
        )

    def _render(  # noqa: PLR0917 - private; every caller passes the same six in order
        self,
        kind: NotificationKind,
        language: Language,
        fixed: dict[int, str],
        free: dict[int, str],
        keep: Sequence[str],
        report_kind: ReportKind | str | None,
    ) -> RenderedNotification:
        _check_language(language)
        wording = _wording(report_kind)
        body = self._body(kind, language, wording)
        keep = [*keep, *self._keep]
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
            template=TemplateRef(
                kind.template_name_for(report_kind), language, tuple(template_parameters)
            ),
        )

    def _when(self, instant: dt.datetime, field: str, language: Language) -> str:
        _require_aware(instant, field)
        _check_language(language)
        return format_instant(instant, self.standard.office.timezone, language)

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
        self,
        report_number: str,
        deadline: dt.datetime,
        *,
        kind: ReportKind | str | None = None,
        language: Language = "id",
    ) -> RenderedNotification:
        """
        To the reporter: the report was received, its number, the goal and the deadline.

        >>> import pendulum
        >>> ack = NotificationRenderer().acknowledgement(
        ...     "LAP-2026-000124", pendulum.datetime(2026, 1, 12, 3, tz="UTC"),
        ...     kind="permohonan_informasi",
        ... )
        >>> ack.text.splitlines()[0], ack.template.name
        ('Terima kasih. Permohonan informasi Anda telah kami terima dengan nomor LAP-2026-000124.', 'informasi_tanda_terima')
        """  # noqa: E501 - a doctest's expected output is one line
        number = self._report_number(report_number)
        return self._render(
            NotificationKind.ACKNOWLEDGEMENT,
            language,
            {0: number, 1: self._when(deadline, "deadline", language)},
            {},
            [number],
            kind,
        )

    def missing_requirements(
        self,
        report_number: str,
        missing: Sequence[str],
        *,
        kind: ReportKind | str | None = None,
        language: Language = "id",
    ) -> RenderedNotification:
        """
        To the reporter: which requirements are missing (each item in ``missing``; an
        item's own closing full stop or semicolon is dropped, so the list ends with one).

        >>> n = NotificationRenderer().missing_requirements(
        ...     "LAP-2026-000123", ["NIK belum diisi.", "Bukti laporan belum dilampirkan."]
        ... )
        >>> print(n.text.splitlines()[0])
        Laporan/aduan nomor LAP-2026-000123 belum dapat diproses karena persyaratan berikut belum lengkap: 1) NIK belum diisi; 2) Bukti laporan belum dilampirkan.
        """  # noqa: E501 - a doctest's expected output is one line
        number = self._report_number(report_number)
        items = [_one_line(m) for m in missing if isinstance(m, str)]
        if isinstance(missing, str) or not items or any(not m for m in items):
            raise _refuse(
                "missing",
                "Daftar persyaratan yang kurang harus berisi teks yang tidak kosong.",
                "The list of missing requirements must hold non-empty texts.",
            )
        # An item's own closing full stop would double the list's ("dilampirkan..").
        items = [m.rstrip(" .;") or m for m in items]
        listed = "; ".join(f"{i}) {m}" for i, m in enumerate(items, start=1)) + "."
        return self._render(
            NotificationKind.MISSING_REQUIREMENTS,
            language,
            {0: number},
            {1: listed},
            [number],
            kind,
        )

    def handover(
        self,
        report_number: str,
        received_at: dt.datetime,
        deadline: dt.datetime,
        *,
        summary: str | None = None,
        fallback_summary: str | None = None,
        kind: ReportKind | str | None = None,
        language: Language = "id",
    ) -> RenderedNotification:
        """
        To the section head: a report handed over for direction.

        ``summary`` is what the officer chose to pass on. Without one, ``fallback_summary``
        (the report's own text, say) is shown cut to :data:`FALLBACK_SUMMARY_LENGTH`
        characters; ``"-"`` when neither has text. Numbers that could be a NIK or a
        telephone number are masked in both.

        >>> import pendulum
        >>> t = pendulum.datetime(2026, 1, 12, 3, tz="UTC")
        >>> n = NotificationRenderer().handover(
        ...     "LAP-2026-000123", t, t.add(hours=3),
        ...     fallback_summary="Dugaan pungli di kantor desa, pelapor 0812-3456-7890.",
        ... )
        >>> n.template.parameters[3]
        'Dugaan pungli di kantor desa, pelapor 081*-****-*890.'
        """
        number = self._report_number(report_number)
        text = summary if isinstance(summary, str) and _one_line(summary) else ""
        if not text and isinstance(fallback_summary, str):
            text = shorten(fallback_summary)
        return self._render(
            NotificationKind.HANDOVER,
            language,
            {
                0: number,
                1: self._when(received_at, "received_at", language),
                2: self._when(deadline, "deadline", language),
            },
            {3: text},
            [number],
            kind,
        )

    def follow_up(
        self,
        report_number: str,
        follow_up: str,
        *,
        kind: ReportKind | str | None = None,
        language: Language = "id",
    ) -> RenderedNotification:
        """
        To the reporter: the follow-up, as the section head directed it.
        """
        number = self._report_number(report_number)
        if not isinstance(follow_up, str) or not _one_line(follow_up):
            raise _refuse(
                "follow_up",
                "Teks tindak lanjut tidak boleh kosong.",
                "The follow-up text must not be empty.",
            )
        return self._render(
            NotificationKind.FOLLOW_UP, language, {0: number}, {1: follow_up}, [number], kind
        )

    def sla_at_risk(
        self,
        report_number: str,
        deadline: dt.datetime,
        remaining: dt.timedelta,
        *,
        kind: ReportKind | str | None = None,
        language: Language = "id",
    ) -> RenderedNotification:
        """
        To the section head: the deadline is near (``remaining`` working time left).
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
            kind,
        )

    def deadline_moved(
        self,
        report_number: str,
        deadline: dt.datetime,
        reasons: Sequence[str],
        *,
        kind: ReportKind | str | None = None,
        language: Language = "id",
    ) -> RenderedNotification:
        """
        To the reporter: the calendar changed (a closure announced at short notice) and the
        report's deadline is now later; ``reasons`` name the closed days (already in
        ``language``), joined with semicolons.

        >>> import pendulum
        >>> n = NotificationRenderer().deadline_moved(
        ...     "LAP-2026-000123", pendulum.datetime(2025, 8, 19, 2, tz="UTC"),
        ...     ["18 Agustus 2025: Cuti bersama HUT RI ke-80"],
        ... )
        >>> print(n.text.splitlines()[0])
        Batas waktu penyelesaian 3 jam kerja untuk laporan/aduan Anda nomor LAP-2026-000123 kini Selasa, 19 Agustus 2025 pukul 09.00 WIB, karena hari libur berikut: 18 Agustus 2025: Cuti bersama HUT RI ke-80. Laporan/aduan Anda tetap kami tindak lanjuti.
        """  # noqa: E501 - a doctest's expected output is one line
        number = self._report_number(report_number)
        text = "; ".join(r.strip().rstrip(".;") for r in reasons if r.strip()) or "-"
        return self._render(
            NotificationKind.DEADLINE_MOVED,
            language,
            {0: number, 1: self._when(deadline, "deadline", language)},
            {2: text},
            [number],
            kind,
        )

    def sla_breached(
        self,
        report_number: str,
        deadline: dt.datetime,
        overdue: dt.timedelta,
        *,
        kind: ReportKind | str | None = None,
        language: Language = "id",
    ) -> RenderedNotification:
        """
        To the section head: the deadline passed (``overdue`` working time ago).
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
            kind,
        )

    def status(
        self,
        report_number: str,
        state: str,
        deadline: dt.datetime | None,
        progress: Literal["on_time", "late", "done"],
        *,
        kind: ReportKind | str | None = None,
        language: Language = "id",
    ) -> RenderedNotification:
        """
        To a reporter who asked: where their report is (its step, as the workflow names it),
        its deadline and whether it is late, or that it was followed up.

        >>> import pendulum
        >>> n = NotificationRenderer().status(
        ...     "LAP/KNJP/2026/000001", "diteruskan ke Kepala Seksi Intelijen",
        ...     pendulum.datetime(2026, 1, 12, 12, tz="Asia/Jakarta"), "on_time")
        >>> print(n.text)
        Status laporan/aduan Anda nomor LAP/KNJP/2026/000001: diteruskan ke Kepala Seksi Intelijen.
        Batas waktu penyelesaian 3 jam kerja: Senin, 12 Januari 2026 pukul 12.00 WIB (dalam batas waktu).
        Kejaksaan Negeri Jakarta Pusat
        """  # noqa: E501 - a doctest's expected output is one line
        number = self._report_number(report_number)
        if not isinstance(state, str) or not _one_line(state):
            raise _refuse("state", "Status laporan wajib diisi.", "The state is required.")
        notes = {
            "id": {"on_time": "dalam batas waktu", "late": "terlambat", "done": "selesai"},
            "en": {"on_time": "on time", "late": "late", "done": "done"},
        }
        _check_language(language)
        if progress not in notes[language]:
            raise _refuse(
                "progress",
                "Kemajuan harus on_time, late atau done.",
                "The progress must be on_time, late or done.",
            )
        when = "-" if deadline is None else self._when(deadline, "deadline", language)
        return self._render(
            NotificationKind.STATUS,
            language,
            {0: number, 1: _one_line(state), 2: f"{when} ({notes[language][progress]})"},
            {},
            [number],
            kind,
        )

    def status_not_found(self, *, language: Language = "id") -> RenderedNotification:
        """
        To a reporter who asked about a number that is not one of their reports: whether it
        does not exist or is someone else's, the answer is the same, so a number tells nobody
        anything about another person's report.
        """
        return self._render(NotificationKind.STATUS_NOT_FOUND, language, {}, {}, [], None)

    def staff_help(
        self, example_number: str, note: str, *, language: Language = "id"
    ) -> RenderedNotification:
        """
        To a staff member whose message the desk could not use: how to give a direction over
        WhatsApp (``example_number`` shows the form), and why this message was not one
        (``note``; the text ends it with a full stop, so the note's own is dropped).

        >>> n = NotificationRenderer().staff_help(
        ...     "LAP/KNJP/2026/000001", "Laporan/aduan tidak ditemukan.")
        >>> n.text.endswith("Catatan: Laporan/aduan tidak ditemukan.")
        True
        """
        number = self._report_number(example_number)
        if not isinstance(note, str) or not _one_line(note).rstrip(". "):
            raise _refuse("note", "Catatan wajib diisi.", "The note is required.")
        return self._render(
            NotificationKind.STAFF_HELP,
            language,
            {0: number, 1: _one_line(note).rstrip(". ")},
            {},
            [number],
            None,
        )

    def menu(self, example_number: str, *, language: Language = "id") -> RenderedNotification:
        """
        To someone who only greeted: what the service does, the standard's requirements, its
        goal and hours, and how to ask about a report (``example_number`` shows the form).
        """
        number = self._report_number(example_number)
        _check_language(language)
        requirements = "; ".join(
            f"{r.number}) {r.text_en if language == 'en' else r.text}"
            for r in self.standard.requirements
        )
        return self._render(
            NotificationKind.MENU, language, {0: requirements, 1: number}, {}, [number], None
        )

    def unsupported(self, *, language: Language = "id") -> RenderedNotification:
        """
        To someone who sent what the service cannot take (a voice note, a video, a sticker, a
        location, a reaction): what it does take.
        """
        return self._render(NotificationKind.UNSUPPORTED, language, {}, {}, [], None)

    def direction_not_awaited(
        self,
        report_number: str,
        state: str,
        *,
        kind: ReportKind | str | None = None,
        language: Language = "id",
    ) -> RenderedNotification:
        """
        To a staff member who replied on WhatsApp to the handover of a report that no longer
        awaits the section head's direction (given already, or closed): the reply was not
        recorded, and where the report is (``state``, as the workflow names it).

        >>> n = NotificationRenderer().direction_not_awaited(
        ...     "LAP/KNJP/2026/000001", "arahan diberikan")
        >>> print(n.text)
        Balasan Anda atas penyerahan laporan/aduan nomor LAP/KNJP/2026/000001 tidak dicatat sebagai arahan: laporan/aduan tersebut tidak lagi menunggu arahan Kepala Seksi Intelijen (status: arahan diberikan).
        Kejaksaan Negeri Jakarta Pusat
        """  # noqa: E501 - a doctest's expected output is one line
        number = self._report_number(report_number)
        if not isinstance(state, str) or not _one_line(state):
            raise _refuse("state", "Status laporan wajib diisi.", "The state is required.")
        return self._render(
            NotificationKind.DIRECTION_NOT_AWAITED,
            language,
            {0: number, 1: _one_line(state)},
            {},
            [number],
            kind,
        )

    def throttled(self, wait: dt.timedelta, *, language: Language = "id") -> RenderedNotification:
        """
        To someone who sent many messages in a short time (a flood): every message is kept,
        but the desk holds back its replies for a while; ``wait`` (rounded up to whole
        minutes) says how long before a new message is answered again.

        >>> import datetime as dt
        >>> print(NotificationRenderer().throttled(dt.timedelta(seconds=60)).text)
        Kami menerima banyak pesan dari nomor ini dalam waktu singkat. Semua pesan Anda tetap kami terima dan simpan, tetapi untuk sementara tidak kami balas satu per satu. Bila memerlukan balasan, tunggu sekitar 1 menit sebelum mengirim pesan berikutnya.
        Kejaksaan Negeri Jakarta Pusat
        """  # noqa: E501 - a doctest's expected output is one line
        if not isinstance(wait, dt.timedelta) or wait <= dt.timedelta(0):
            raise _refuse(
                "wait",
                "Lama menunggu harus berupa timedelta positif.",
                "The wait must be a positive timedelta.",
            )
        minutes = math.ceil(wait.total_seconds() / 60)
        text = format_duration(dt.timedelta(minutes=minutes), language)
        return self._render(NotificationKind.THROTTLED, language, {0: text}, {}, [], None)

    def service_complaint_channel(
        self,
        report_number: str,
        deadline: dt.datetime,
        *,
        kind: ReportKind | str | None = None,
        language: Language = "id",
    ) -> RenderedNotification:
        """
        To the reporter, on a breach: an apology and where to complain about the service
        (by letter, by telephone, or both, as the standard's complaint channel says).

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
            kind,
        )

    def rating_question(
        self,
        report_number: str,
        report_id: str,
        *,
        kind: ReportKind | str | None = None,
        language: Language = "id",
    ) -> RenderedNotification:
        """
        To the reporter, after the follow-up: how satisfied they are (Survei Kepuasan
        Masyarakat), as an interactive list of five rows, 1 (sangat tidak puas) to 5 (sangat
        puas); each row's id names the report (``report_id``) and the rating
        (:func:`~layanan_aduan.domain.rating.rating_reply_id`). The text is the list's body.

        >>> n = NotificationRenderer().rating_question("LAP/KNJP/2026/000001", "r-1")
        >>> [(row.id, row.title, row.description) for row in n.interactive.rows][::4]
        [('rating:1:r-1', '1', 'Sangat tidak puas'), ('rating:5:r-1', '5', 'Sangat puas')]
        >>> n.interactive.button, n.message(Recipient(phone="+6281234567890"), "k").kind
        ('Beri penilaian', 'interactive')
        """
        number = self._report_number(report_number)
        rendered = self._render(
            NotificationKind.RATING_QUESTION, language, {0: number}, {}, [number], kind
        )
        try:
            rows = [
                ListRow(rating_reply_id(report_id, n), str(n), rating_label(n, language))
                for n in RATING_SCALE
            ]
        except ValueError:
            raise _refuse(
                "report_id",
                "Id laporan tidak dapat dipakai dalam daftar penilaian.",
                "The report id cannot be used in the rating list.",
            ) from None
        button, footer = _RATING_LIST[language]
        listed = InteractiveList(rendered.text, button, [ListSection(rows)], footer=footer)
        return attrs.evolve(rendered, interactive=listed)

    def confidentiality_offer(
        self,
        report_number: str,
        report_id: str,
        *,
        kind: ReportKind | str | None = None,
        language: Language = "id",
    ) -> RenderedNotification:
        """
        To the reporter, after the acknowledgement (when the standard offers it): whether
        they want their identity kept confidential, as an interactive list of one row whose id
        names the report (:func:`~layanan_aduan.domain.confidential.confidential_reply_id`).

        >>> n = NotificationRenderer().confidentiality_offer("LAP/KNJP/2026/000001", "r-1")
        >>> [(row.id, row.title) for row in n.interactive.rows]
        [('rahasia:r-1', 'Rahasiakan identitas')]
        """
        number = self._report_number(report_number)
        rendered = self._render(
            NotificationKind.CONFIDENTIALITY_OFFER, language, {0: number}, {}, [number], kind
        )
        try:
            row_id = confidential_reply_id(report_id)
        except ValueError:
            raise _refuse(
                "report_id",
                "Id laporan tidak dapat dipakai dalam tawaran kerahasiaan.",
                "The report id cannot be used in the confidentiality offer.",
            ) from None
        button, title, description = _CONFIDENTIALITY_LIST[language]
        listed = InteractiveList(
            rendered.text, button, [ListSection([ListRow(row_id, title, description)])]
        )
        return attrs.evolve(rendered, interactive=listed)

    def confidentiality_recorded(
        self,
        report_number: str,
        *,
        kind: ReportKind | str | None = None,
        language: Language = "id",
    ) -> RenderedNotification:
        """
        To the reporter who asked: their identity in the report is kept confidential.

        >>> print(NotificationRenderer().confidentiality_recorded("LAP/KNJP/2026/000001").text)
        Permintaan Anda dicatat: identitas Anda dalam laporan/aduan nomor LAP/KNJP/2026/000001 dirahasiakan dan tidak ditampilkan kepada petugas yang menanganinya.
        Kejaksaan Negeri Jakarta Pusat
        """  # noqa: E501 - a doctest's expected output is one line
        number = self._report_number(report_number)
        return self._render(
            NotificationKind.CONFIDENTIALITY_RECORDED, language, {0: number}, {}, [number], kind
        )

    def rating_thanks(
        self,
        report_number: str,
        rating: int,
        *,
        kind: ReportKind | str | None = None,
        language: Language = "id",
    ) -> RenderedNotification:
        """
        To the reporter who rated: thanks, and the rating recorded (the first one given).

        >>> print(NotificationRenderer().rating_thanks("LAP/KNJP/2026/000001", 4).text)
        Terima kasih atas penilaian Anda untuk laporan/aduan nomor LAP/KNJP/2026/000001: 4 (Puas). Masukan Anda membantu kami meningkatkan layanan.
        Kejaksaan Negeri Jakarta Pusat
        """  # noqa: E501 - a doctest's expected output is one line
        number = self._report_number(report_number)
        _check_language(language)
        if not is_rating_value(rating):
            raise _refuse("rating", "Penilaian harus 1 sampai 5.", "A rating is 1 to 5.")
        shown = f"{rating} ({rating_label(rating, language)})"
        return self._render(
            NotificationKind.RATING_THANKS, language, {0: number, 1: shown}, {}, [number], kind
        )
