"""
Tests of the notification templates: Indonesian and English texts, the template form,
WhatsApp's length limits, and that no NIK or telephone number is ever sent whole.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

import attrs
import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from layanan_aduan.domain.calendar import OfficeSchedule
from layanan_aduan.domain.standard import KEJARI_JAKARTA_PUSAT, ServiceStandard
from layanan_aduan.exceptions import InvalidMessageError, NaiveDatetimeError
from layanan_aduan.messaging import MAX_TEXT_LENGTH, Recipient
from layanan_aduan.notifications import (
    MAX_TEMPLATE_BODY_LENGTH,
    NotificationKind,
    NotificationRenderer,
    RenderedNotification,
    format_duration,
    format_instant,
    redact_identifiers,
)
from layanan_aduan.testing.strategies import instants

RENDERER = NotificationRenderer()
NUMBER = "LAP-2026-000123"
RECEIVED = pendulum.datetime(2026, 1, 12, 1, 30, tz="UTC")  # Senin 08.30 WIB
DEADLINE = pendulum.datetime(2026, 1, 12, 4, 30, tz="UTC")  # Senin 11.30 WIB


def hydrated(note: RenderedNotification) -> str:
    """The template body with its parameters filled in, as WhatsApp would show it."""
    body = RENDERER.template_bodies(note.language)[note.kind]  # type: ignore[arg-type]  # "id"/"en"
    return re.sub(r"\{\{(\d+)\}\}", lambda m: note.template.parameters[int(m.group(1)) - 1], body)


def visible(text: str) -> bool:
    """Whether ``text`` has a character a person would see (not space, not control)."""
    hidden = ("Cc", "Cf", "Cs", "Co", "Cn")
    return any(not ch.isspace() and unicodedata.category(ch) not in hidden for ch in text)


def render_all(free_text: str, language: str = "id") -> list[RenderedNotification]:
    """Every notification, with ``free_text`` wherever one takes free text."""
    lang = "en" if language == "en" else "id"
    required = free_text if visible(free_text) else "-"
    return [
        RENDERER.acknowledgement(NUMBER, DEADLINE, language=lang),
        RENDERER.missing_requirements(NUMBER, [required, "bukti"], language=lang),
        RENDERER.handover(NUMBER, RECEIVED, DEADLINE, summary=free_text, language=lang),
        RENDERER.follow_up(NUMBER, required, language=lang),
        RENDERER.sla_at_risk(NUMBER, DEADLINE, dt.timedelta(minutes=45), language=lang),
        RENDERER.sla_breached(NUMBER, DEADLINE, dt.timedelta(hours=2, minutes=5), language=lang),
        RENDERER.service_complaint_channel(NUMBER, DEADLINE, language=lang),
    ]


# --- formatting -------------------------------------------------------------------------------


def test_instants_read_as_the_office_reads_them() -> None:
    """Deadlines show the weekday, date, time and zone in Indonesian or English."""
    t = pendulum.datetime(2026, 1, 12, 3, 0, tz="UTC")
    assert format_instant(t) == "Senin, 12 Januari 2026 pukul 10.00 WIB"
    assert format_instant(t, language="en") == "Monday, 12 January 2026 at 10:00 WIB"
    assert format_instant(t, "Asia/Makassar") == "Senin, 12 Januari 2026 pukul 11.00 WITA"
    assert format_instant(t, "Asia/Jayapura") == "Senin, 12 Januari 2026 pukul 12.00 WIT"
    assert format_instant(t.add(days=5, hours=14)) == "Minggu, 18 Januari 2026 pukul 00.00 WIB"
    assert format_instant(t, "UTC", "en") == "Monday, 12 January 2026 at 03:00 UTC+00:00"


def test_naive_instants_and_unknown_languages_are_refused() -> None:
    """A naive datetime or a language other than id/en is refused."""
    with pytest.raises(NaiveDatetimeError):
        format_instant(dt.datetime(2026, 1, 12, 10))
    with pytest.raises(InvalidMessageError):
        format_instant(DEADLINE, language="jv")  # type: ignore[arg-type]  # the point of the test


@given(instants())
def test_formatted_instants_name_the_local_weekday_and_date(t: pendulum.DateTime) -> None:
    """The formatted weekday, day, year and time are those of the instant in WIB."""
    local = t.in_timezone("Asia/Jakarta")
    shown = format_instant(t)
    days = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
    assert shown.startswith(f"{days[local.weekday()]}, {local.day} ")
    assert shown.endswith(f"{local.year} pukul {local.hour:02d}.{local.minute:02d} WIB")


def test_durations_in_hours_and_minutes() -> None:
    """Durations read as hours and minutes, with singulars in English."""
    assert format_duration(dt.timedelta(minutes=45)) == "45 menit"
    assert format_duration(dt.timedelta(hours=2)) == "2 jam"
    assert format_duration(dt.timedelta(hours=26, minutes=1), "en") == "26 hours 1 minute"
    assert format_duration(dt.timedelta(hours=1, minutes=2), "en") == "1 hour 2 minutes"
    assert format_duration(dt.timedelta(0), "en") == "less than 1 minute"
    with pytest.raises(InvalidMessageError):
        format_duration(dt.timedelta(minutes=-1))


@given(st.integers(min_value=60, max_value=10**7))
def test_durations_keep_every_whole_minute(seconds: int) -> None:
    """The hours and minutes shown add up to the duration's whole minutes."""
    shown = format_duration(dt.timedelta(seconds=seconds))
    hours = int(m.group(1)) if (m := re.search(r"(\d+) jam", shown)) else 0
    minutes = int(m.group(1)) if (m := re.search(r"(\d+) menit", shown)) else 0
    assert hours * 60 + minutes == seconds // 60


# --- redaction --------------------------------------------------------------------------------


def test_redaction_masks_identifiers_and_keeps_ordinary_numbers() -> None:
    """NIKs and phone numbers in any usual form are masked; dates and amounts are kept."""
    text = (
        "NIK 3171 2345 6789 0001, HP +62 812-3456-7890 / 081234567890, WA 6281234567890, "
        "tanggal 12-01-2026, Rp 150.000.000, kantor (021) 65851958"
    )
    redacted = redact_identifiers(text, keep=["(021) 65851958"])
    for whole in ("3171234567890001", "81234567890", "6281234567890"):
        assert whole not in re.sub(r"\D", "", redacted)
    assert "12-01-2026" in redacted
    assert "Rp 150.000.000" in redacted
    assert "(021) 65851958" in redacted


def _digit_runs(text: str) -> list[str]:
    return [re.sub(r"\D", "", run) for run in re.findall(r"\d(?:[ .\-()/+]?\d)*", text)]


@st.composite
def niks(draw: st.DrawFn) -> tuple[str, str]:
    """A NIK as written (with or without group separators) and its digits."""
    digits = draw(st.from_regex(r"[1-9][0-9]{15}", fullmatch=True))
    sep = draw(st.sampled_from(["", " ", "-", "."]))
    return sep.join(digits[i : i + 4] for i in range(0, 16, 4)), digits


@st.composite
def phones(draw: st.DrawFn) -> tuple[str, str]:
    """An Indonesian mobile number as people write it, and its national significant digits."""
    nsn = "8" + draw(st.from_regex(r"[1-35-9][0-9]{7,10}", fullmatch=True))
    prefix = draw(st.sampled_from(["0", "62", "+62", "+62 "]))
    sep = draw(st.sampled_from(["", " ", "-"]))
    groups = [nsn[:3], nsn[3:7], nsn[7:]]
    return prefix + sep.join(g for g in groups if g), nsn


def _leaks(output: str, digits: str) -> bool:
    return any(digits in run for run in _digit_runs(output))


@given(
    st.lists(st.one_of(niks(), phones()), min_size=1, max_size=3),
    st.lists(st.text(max_size=60), min_size=4, max_size=4),
    st.sampled_from(["id", "en"]),
)
def test_no_notification_carries_a_nik_or_phone_whole(
    identifiers: list[tuple[str, str]], filler: list[str], language: str
) -> None:
    """Whatever free text holds NIKs or phone numbers, no notification shows one whole."""
    pieces = [filler[0]]
    for i, (written, _) in enumerate(identifiers):
        pieces += [" ", written, " ", filler[(i + 1) % 4]]
    free_text = "".join(pieces)
    for note in render_all(free_text, language):
        for output in (note.text, hydrated(note), *note.template.parameters):
            for written, digits in identifiers:
                assert written not in output
                assert not _leaks(output, digits)


@given(st.text(max_size=6000), st.sampled_from(["id", "en"]))
def test_every_notification_fits_whatsapps_limits(free_text: str, language: str) -> None:
    """Texts stay within 4096 characters and filled-in templates within 1024, always."""
    for note in render_all(free_text, language):
        assert len(note.text) <= MAX_TEXT_LENGTH
        assert len(hydrated(note)) <= MAX_TEMPLATE_BODY_LENGTH
        recipient = Recipient(phone="+6281234567890")
        assert note.message(recipient, "k").text == note.text
        assert note.message(recipient, "k", as_template=True).template == note.template


# --- each notification ------------------------------------------------------------------------


def test_acknowledgement_to_the_reporter() -> None:
    """The acknowledgement gives the report number and the deadline in WIB."""
    note = RENDERER.acknowledgement(NUMBER, DEADLINE)
    assert note.kind is NotificationKind.ACKNOWLEDGEMENT
    assert note.kind.audience == "reporter"
    assert note.text == (
        "Terima kasih. Laporan/aduan Anda telah kami terima dengan nomor LAP-2026-000123.\n"
        "Petugas akan menindaklanjutinya dalam 3 jam kerja (Senin-Jumat 08.00-16.00 WIB, di "
        "luar hari libur), paling lambat Senin, 12 Januari 2026 pukul 11.30 WIB.\n"
        "Layanan ini tidak dipungut biaya. Simpan nomor laporan untuk menanyakan "
        "perkembangannya.\nKejaksaan Negeri Jakarta Pusat"
    )
    assert note.text == hydrated(note)
    english = RENDERER.acknowledgement(NUMBER, DEADLINE, language="en")
    assert "no later than Monday, 12 January 2026 at 11:30 WIB" in english.text
    assert english.template.language == "en"


def test_missing_requirements_lists_what_is_missing() -> None:
    """The missing-requirements notice numbers each missing item."""
    note = RENDERER.missing_requirements(
        NUMBER, ["data diri pelapor (NIK)", "bukti laporan berupa scan surat atau tangkapan layar"]
    )
    assert (
        "persyaratan berikut belum lengkap: 1) data diri pelapor (NIK); "
        "2) bukti laporan berupa scan surat atau tangkapan layar." in note.text
    )
    assert "Mohon lengkapi dengan membalas pesan ini." in note.text
    assert note.template.name == "aduan_persyaratan_belum_lengkap"


def test_handover_to_the_head_of_the_intelligence_section() -> None:
    """The handover names the section head, the received instant, the deadline and summary."""
    note = RENDERER.handover(
        NUMBER, RECEIVED, DEADLINE, summary="Dugaan pungli di kantor desa.\nPelapor: 0812 3456 7890"
    )
    assert note.kind.audience == "section_head"
    assert note.text.startswith("Yth. Kepala Seksi Intelijen Kejaksaan Negeri Jakarta Pusat,\n")
    assert "diterima pada Senin, 12 Januari 2026 pukul 08.30 WIB" in note.text
    assert "Batas waktu penyelesaian (3 jam kerja): Senin, 12 Januari 2026 pukul 11.30 WIB." in (
        note.text
    )
    assert "Ringkasan: Dugaan pungli di kantor desa.\nPelapor: 081* **** *890\n" in note.text
    assert note.template.parameters[3] == "Dugaan pungli di kantor desa. Pelapor: 081* **** *890"
    assert "Ringkasan: -\n" in RENDERER.handover(NUMBER, RECEIVED, DEADLINE).text


def test_follow_up_to_the_reporter() -> None:
    """The follow-up carries the direction's text, keeping its line breaks in the text form."""
    note = RENDERER.follow_up(
        NUMBER, "Laporan Anda diteruskan ke Bidang Pengawasan.\nNomor kantor: (021) 65851958"
    )
    assert note.text.startswith("Tindak lanjut atas laporan/aduan Anda nomor LAP-2026-000123:\n")
    assert "Bidang Pengawasan.\nNomor kantor: (021) 65851958\n" in note.text
    assert note.template.parameters[1] == (
        "Laporan Anda diteruskan ke Bidang Pengawasan. Nomor kantor: (021) 65851958"
    )


def test_sla_alerts_to_the_section_head() -> None:
    """At-risk and breached alerts give the deadline and the working time left or overdue."""
    at_risk = RENDERER.sla_at_risk(NUMBER, DEADLINE, dt.timedelta(minutes=45))
    assert "sisa waktu kerja 45 menit" in at_risk.text
    assert at_risk.kind.audience == "section_head"
    breached = RENDERER.sla_breached(NUMBER, DEADLINE, dt.timedelta(hours=1, minutes=30))
    assert "telah terlewati (Senin, 12 Januari 2026 pukul 11.30 WIB)" in breached.text
    assert "terlambat 1 jam 30 menit waktu kerja" in breached.text
    assert breached.kind.audience == "section_head"
    english = RENDERER.sla_breached(NUMBER, DEADLINE, dt.timedelta(minutes=1), language="en")
    assert "1 minute of working time overdue" in english.text


def test_service_complaint_channel_on_a_breach() -> None:
    """On a breach the reporter is told to complain to PTSP at (021) 65851958."""
    note = RENDERER.service_complaint_channel(NUMBER, DEADLINE)
    assert note.kind.audience == "reporter"
    assert "menghubungi PTSP Kejaksaan Negeri Jakarta Pusat dengan bersurat" in note.text
    assert note.text.endswith("melalui nomor telepon (021) 65851958.")
    english = RENDERER.service_complaint_channel(NUMBER, DEADLINE, language="en")
    assert "contact the PTSP of Kejaksaan Negeri Jakarta Pusat" in english.text


def test_long_free_text_is_cut_with_a_mark() -> None:
    """A follow-up longer than the limits is cut and marked with an ellipsis in both forms."""
    note = RENDERER.follow_up(NUMBER, "kata " * 3000)
    assert len(note.text) == MAX_TEXT_LENGTH
    assert "…\nTerima kasih" in note.text
    assert note.template.parameters[1].endswith("…")
    assert len(hydrated(note)) <= MAX_TEMPLATE_BODY_LENGTH


def test_a_text_notification_falls_back_to_its_template() -> None:
    """The message built from a notification carries its template as fallback."""
    note = RENDERER.acknowledgement(NUMBER, DEADLINE)
    message = note.message(Recipient(phone="+6281234567890"), "lap-1:ack", reply_to="wamid.X")
    assert message.fallback_template == note.template
    assert message.with_fallback().template == note.template
    assert message.reply_to == "wamid.X"
    assert "Terima kasih" not in repr(note)


# --- templates for approval -------------------------------------------------------------------


@pytest.mark.parametrize("language", ["id", "en"])
def test_template_bodies_are_acceptable_to_whatsapp(language: str) -> None:
    """Bodies neither start nor end with a parameter, number them 1..n, and fit 1024."""
    bodies = RENDERER.template_bodies(language)  # type: ignore[arg-type]  # "id" or "en"
    assert set(bodies) == set(NotificationKind)
    for body in bodies.values():
        numbers = [int(n) for n in re.findall(r"\{\{(\d+)\}\}", body)]
        assert numbers == list(range(1, len(numbers) + 1))
        assert not body.startswith("{{")
        assert not body.endswith("}}")
        assert len(body) <= MAX_TEMPLATE_BODY_LENGTH
        assert "$" not in body


def test_template_names_are_distinct_and_valid() -> None:
    """Each notification has its own WhatsApp template name."""
    names = [kind.template_name for kind in NotificationKind]
    assert len(set(names)) == len(names)
    assert all(re.fullmatch(r"[a-z0-9_]+", n) for n in names)


# --- refusals and offices ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "number", ["", "3171234567890001", "0812-3456-7890", "LAP\n1", "-LAP", "x" * 65, 123]
)
def test_report_numbers_that_are_not_one_are_refused(number: object) -> None:
    """Empty, multi-line, too long, or NIK/phone-looking report numbers are refused."""
    with pytest.raises(InvalidMessageError) as caught:
        RENDERER.acknowledgement(number, DEADLINE)  # type: ignore[arg-type]  # deliberately wrong
    assert caught.value.field == "report_number"


def test_other_refusals() -> None:
    """Empty missing lists, empty follow-ups, naive instants and bad languages are refused."""
    with pytest.raises(InvalidMessageError):
        RENDERER.missing_requirements(NUMBER, [])
    with pytest.raises(InvalidMessageError):
        RENDERER.missing_requirements(NUMBER, "bukti")
    with pytest.raises(InvalidMessageError):
        RENDERER.missing_requirements(NUMBER, ["bukti", "  "])
    with pytest.raises(InvalidMessageError):
        RENDERER.follow_up(NUMBER, " \n ")
    with pytest.raises(NaiveDatetimeError):
        RENDERER.acknowledgement(NUMBER, dt.datetime(2026, 1, 12, 10))
    with pytest.raises(InvalidMessageError):
        RENDERER.acknowledgement(NUMBER, DEADLINE, language="fr")  # type: ignore[arg-type]  # wrong


def test_another_office_in_another_zone() -> None:
    """An office's own name, zone and complaint channel appear in its notifications."""
    office = attrs.evolve(
        KEJARI_JAKARTA_PUSAT.office,
        name="Kejaksaan Negeri Makassar",
        telephone="(0411) 871234",
        schedule=OfficeSchedule("Asia/Makassar"),
    )
    standard = ServiceStandard.for_office(office)
    note = NotificationRenderer(standard).service_complaint_channel(NUMBER, DEADLINE)
    assert "(Senin, 12 Januari 2026 pukul 12.30 WITA)" in note.text
    assert "PTSP Kejaksaan Negeri Makassar" in note.text
    assert note.text.endswith("dengan bersurat atau melalui nomor telepon (0411) 871234.")


def test_a_standard_text_that_cannot_go_into_a_template_is_refused() -> None:
    """An office name over two lines, or holding a placeholder, is refused by the renderer."""
    for name in ("Kejaksaan Negeri\nMakassar", "Kejaksaan Negeri {{1}}"):
        office = attrs.evolve(KEJARI_JAKARTA_PUSAT.office, name=name)
        with pytest.raises(InvalidMessageError) as caught:
            NotificationRenderer(ServiceStandard.for_office(office))
        assert caught.value.field == "office.name"
