"""
Tests that the service standard drives what people read: the office, the section head's
title, the goal, the working hours and zone, the fee and the complaint channel in every
notification, the workflow's labels, the requirement check, and the report's kind.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable

import attrs
import pendulum
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from layanan_aduan.adapters.evidence_store import InMemoryEvidenceStore
from layanan_aduan.adapters.messaging import InMemoryMediaFetcher, InMemoryMessenger
from layanan_aduan.adapters.staff import InMemoryStaffDirectory
from layanan_aduan.adapters.storage import InMemoryStorage
from layanan_aduan.adapters.whatsapp.inbound import parse_webhook
from layanan_aduan.clock import FixedClock
from layanan_aduan.domain.calendar import OfficeSchedule, Overrides, WorkingInterval
from layanan_aduan.domain.overrides import format_overrides, parse_overrides
from layanan_aduan.domain.report import ReportKind
from layanan_aduan.domain.requirements import check_requirements
from layanan_aduan.domain.staff import Assignment, StaffMember, StaffRole
from layanan_aduan.domain.standard import (
    DEFAULT_REQUIREMENT_POLICY,
    KEJARI_JAKARTA_PUSAT,
    ComplaintChannel,
    Office,
    RequirementPolicy,
    ServiceStandard,
    describe_goal,
    describe_schedule,
    zone_name,
)
from layanan_aduan.domain.workflow import REPORT_WORKFLOW, Role, to_mermaid
from layanan_aduan.exceptions import ServiceStandardError
from layanan_aduan.notifications import (
    FALLBACK_SUMMARY_LENGTH,
    Language,
    NotificationKind,
    NotificationRenderer,
    RenderedNotification,
)
from layanan_aduan.service_layer.bootstrap import Services, compose
from layanan_aduan.testing.strategies import (
    calendar_overrides,
    evidence_files,
    names,
    niks,
    office_schedules,
    offices,
    phone_numbers,
    report_kinds,
    service_standards,
)

NUMBER = "LAP-2026-000123"
RECEIVED = pendulum.datetime(2026, 1, 12, 1, 30, tz="UTC")
DEADLINE = pendulum.datetime(2026, 1, 12, 4, 30, tz="UTC")

MAKASSAR = ServiceStandard.for_office(
    Office(
        name="Kejaksaan Negeri Makassar",
        address="Jl. Ahmad Yani No. 1, Makassar",
        telephone="(0411) 871234",
        whatsapp="0811 4100 2222",
        website="https://kejari-makassar.kejaksaan.go.id",
        code="KNMKS",
        schedule=OfficeSchedule("Asia/Makassar"),
    ),
    completion_time=dt.timedelta(hours=2),
    section_head_title="Kepala Seksi Intelijen dan Penerangan Hukum",
    section_head_title_en="Head of the Intelligence and Legal Information Section",
    fee_idr=5000,
    complaints=ComplaintChannel(
        "PTSP", "Pelayanan Terpadu Satu Pintu", by_letter=False, telephone="(0411) 871234"
    ),
)


def render_every_kind(
    renderer: NotificationRenderer, language: str, kind: ReportKind | None = None
) -> dict[NotificationKind, RenderedNotification]:
    """Every notification the renderer makes, one per NotificationKind."""
    lang: Language = "en" if language == "en" else "id"
    methods: dict[NotificationKind, Callable[[], RenderedNotification]] = {
        NotificationKind.ACKNOWLEDGEMENT: lambda: renderer.acknowledgement(
            NUMBER, DEADLINE, kind=kind, language=lang
        ),
        NotificationKind.MISSING_REQUIREMENTS: lambda: renderer.missing_requirements(
            NUMBER,
            ["NIK belum diisi.", "Bukti laporan belum dilampirkan."],
            kind=kind,
            language=lang,
        ),
        NotificationKind.HANDOVER: lambda: renderer.handover(
            NUMBER, RECEIVED, DEADLINE, summary="Dugaan pungli.", kind=kind, language=lang
        ),
        NotificationKind.FOLLOW_UP: lambda: renderer.follow_up(
            NUMBER, "Sudah diklarifikasi.", kind=kind, language=lang
        ),
        NotificationKind.SLA_AT_RISK: lambda: renderer.sla_at_risk(
            NUMBER, DEADLINE, dt.timedelta(minutes=30), kind=kind, language=lang
        ),
        NotificationKind.SLA_BREACHED: lambda: renderer.sla_breached(
            NUMBER, DEADLINE, dt.timedelta(minutes=30), kind=kind, language=lang
        ),
        NotificationKind.SERVICE_COMPLAINT_CHANNEL: lambda: renderer.service_complaint_channel(
            NUMBER, DEADLINE, kind=kind, language=lang
        ),
        NotificationKind.STATUS: lambda: renderer.status(
            NUMBER, "diterima petugas pelaksana", DEADLINE, "on_time", kind=kind, language=lang
        ),
        NotificationKind.STATUS_NOT_FOUND: lambda: renderer.status_not_found(language=lang),
        NotificationKind.STAFF_HELP: lambda: renderer.staff_help(
            NUMBER, "belum diteruskan", language=lang
        ),
        NotificationKind.MENU: lambda: renderer.menu(NUMBER, language=lang),
        NotificationKind.DEADLINE_MOVED: lambda: renderer.deadline_moved(
            NUMBER, DEADLINE, ["18 Agustus 2025: Cuti bersama"], kind=kind, language=lang
        ),
        NotificationKind.UNSUPPORTED: lambda: renderer.unsupported(language=lang),
        NotificationKind.RATING_QUESTION: lambda: renderer.rating_question(
            NUMBER, "9b2f6c1e-0000-4000-8000-000000000001", kind=kind, language=lang
        ),
        NotificationKind.CONFIDENTIALITY_OFFER: lambda: renderer.confidentiality_offer(
            NUMBER, "9b2f6c1e-0000-4000-8000-000000000001", kind=kind, language=lang
        ),
        NotificationKind.CONFIDENTIALITY_RECORDED: lambda: renderer.confidentiality_recorded(
            NUMBER, kind=kind, language=lang
        ),
        NotificationKind.RATING_THANKS: lambda: renderer.rating_thanks(
            NUMBER, 4, kind=kind, language=lang
        ),
        NotificationKind.DIRECTION_NOT_AWAITED: lambda: renderer.direction_not_awaited(
            NUMBER, "arahan diberikan", kind=kind, language=lang
        ),
        NotificationKind.THROTTLED: lambda: renderer.throttled(
            dt.timedelta(seconds=60), language=lang
        ),
    }
    public = {
        name
        for name in dir(NotificationRenderer)
        if not name.startswith("_") and name not in ("template_bodies",)
    }
    assert public == {k.value for k in NotificationKind}, "a renderer method is not covered"
    return {k: make() for k, make in methods.items()}


def hydrated(renderer: NotificationRenderer, note: RenderedNotification) -> str:
    """The template body filled in with the notification's parameters."""
    language: Language = "en" if note.language == "en" else "id"
    kind = "permohonan_informasi" if note.template.name.startswith("informasi_") else None
    body = renderer.template_bodies(language, kind)[note.kind]
    return re.sub(r"\{\{(\d+)\}\}", lambda m: note.template.parameters[int(m.group(1)) - 1], body)


def distinct(a: str, b: str) -> bool:
    """Neither text holds the other, so finding one is not finding the other."""
    return a not in b and b not in a


# --- every notification follows its standard --------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(service_standards(), service_standards(), st.sampled_from(["id", "en"]))
def test_every_notification_names_its_own_standard_and_no_other(
    a: ServiceStandard, b: ServiceStandard, language: str
) -> None:
    """Rendered with standard A, no notification names B's office, title or goal, and each
    names A's wherever the kind of notification says them."""
    lang: Language = "en" if language == "en" else "id"
    assume(distinct(a.office.name, b.office.name))
    assume(distinct(a.section_head(lang), b.section_head(lang)))
    assume(distinct(a.goal_text(lang), b.goal_text(lang)))
    renderer = NotificationRenderer(a)
    notes = render_every_kind(renderer, language)
    for kind, note in notes.items():
        for form in (note.text, hydrated(renderer, note)):
            assert b.office.name not in form, kind
            assert b.section_head(lang) not in form, kind
            assert b.goal_text(lang) not in form, kind
            if kind not in (
                NotificationKind.MISSING_REQUIREMENTS,
                NotificationKind.FOLLOW_UP,
                NotificationKind.STATUS_NOT_FOUND,
                NotificationKind.STAFF_HELP,
                NotificationKind.UNSUPPORTED,
                NotificationKind.RATING_QUESTION,
                NotificationKind.RATING_THANKS,
                NotificationKind.DIRECTION_NOT_AWAITED,
                NotificationKind.THROTTLED,
                NotificationKind.CONFIDENTIALITY_OFFER,
                NotificationKind.CONFIDENTIALITY_RECORDED,
            ):
                assert a.goal_text(lang) in form, kind
    for kind in NotificationKind:
        if kind is not NotificationKind.SLA_AT_RISK and kind is not NotificationKind.SLA_BREACHED:
            assert a.office.name in notes[kind].text
    handover = notes[NotificationKind.HANDOVER].text
    assert a.section_head(lang) in handover
    complaint = notes[NotificationKind.SERVICE_COMPLAINT_CHANNEL].text
    assert a.complaints.unit in complaint
    assert ("bersurat" in complaint or "by letter" in complaint) is a.complaints.by_letter
    phone = a.complaints.telephone_display
    assert (phone is not None and phone in complaint) is (phone is not None)
    ack = notes[NotificationKind.ACKNOWLEDGEMENT].text
    assert a.hours_text(lang) in ack
    assert ("tidak dipungut biaya" in ack or "free of charge" in ack) is a.is_free


@settings(max_examples=20, deadline=None)
@given(service_standards(), report_kinds(), st.sampled_from(["id", "en"]))
def test_text_and_template_say_the_same(
    standard: ServiceStandard, kind: ReportKind, language: str
) -> None:
    """For any standard and report kind, each text equals its filled-in template body."""
    renderer = NotificationRenderer(standard)
    for note in render_every_kind(renderer, language, kind).values():
        assert note.text == hydrated(renderer, note)


def test_makassar_standard_in_its_notifications() -> None:
    """Makassar's WITA, 2-hour goal, section head, fee and phone-only PTSP are what it says."""
    renderer = NotificationRenderer(MAKASSAR)
    notes = render_every_kind(renderer, "id")
    ack = notes[NotificationKind.ACKNOWLEDGEMENT].text
    assert "dalam 2 jam kerja (Senin-Jumat 08.00-16.00 WITA, di luar hari libur)" in ack
    assert "pukul 12.30 WITA" in ack
    assert "Biaya layanan ini Rp5.000." in ack
    assert "tidak dipungut biaya" not in ack
    handover = notes[NotificationKind.HANDOVER].text
    assert handover.startswith(
        "Yth. Kepala Seksi Intelijen dan Penerangan Hukum Kejaksaan Negeri Makassar,"
    )
    complaint = notes[NotificationKind.SERVICE_COMPLAINT_CHANNEL].text
    assert complaint.endswith("PTSP Kejaksaan Negeri Makassar melalui nomor telepon (0411) 871234.")
    assert "bersurat" not in complaint
    for note in notes.values():
        assert "Jakarta" not in note.text
        assert "Kepala Seksi Intelijen Kejaksaan" not in note.text
        assert "3 jam" not in note.text
        assert "WIB" not in note.text
    english = render_every_kind(renderer, "en")[NotificationKind.HANDOVER].text
    assert english.startswith(
        "To the Head of the Intelligence and Legal Information Section, Kejaksaan Negeri Makassar:"
    )


# --- the standard's texts ---------------------------------------------------------------------


def test_completion_text_follows_the_goal_and_the_zone() -> None:
    """A standard built with a 2-hour goal in WITA says 2 jam and WITA, not 3 jam or a zone id."""
    assert "paling lambat 2 jam selama Jam Kerja (Senin-Jumat 08.00-16.00 WITA)" in (
        MAKASSAR.completion_text
    )
    assert "Asia/Makassar" not in MAKASSAR.completion_text
    assert "3 jam" not in MAKASSAR.completion_text
    assert "within 2 working hours (Monday-Friday 08:00-16:00 WITA)" in MAKASSAR.completion_text_en
    assert MAKASSAR.fee_text == "Rp5.000"
    assert MAKASSAR.procedure[2].text.endswith(
        "kepada Kepala Seksi Intelijen dan Penerangan Hukum untuk petunjuk selanjutnya."
    )
    assert MAKASSAR.complaints.text.endswith("PTSP melalui nomor telepon (0411) 871234")


@pytest.mark.parametrize(
    ("goal", "indonesian", "english"),
    [
        (dt.timedelta(hours=3), "3 jam kerja", "3 working hours"),
        (dt.timedelta(hours=2), "2 jam kerja", "2 working hours"),
        (dt.timedelta(hours=1), "1 jam kerja", "1 working hour"),
        (dt.timedelta(minutes=90), "90 menit kerja", "90 working minutes"),
        (dt.timedelta(minutes=1), "1 menit kerja", "1 working minute"),
        (dt.timedelta(days=2), "48 jam kerja", "48 working hours"),
        (dt.timedelta(seconds=3601), "3601 detik kerja", "3601 working seconds"),
    ],
)
def test_goals_in_words(goal: dt.timedelta, indonesian: str, english: str) -> None:
    """A goal is said exactly, in the largest unit that divides it."""
    assert describe_goal(goal) == indonesian
    assert describe_goal(goal, "en") == english


@given(st.integers(1, 10**7))
def test_every_goal_in_words_says_its_length(seconds: int) -> None:
    """The words of any whole-second goal give back its length."""
    count, unit = describe_goal(dt.timedelta(seconds=seconds)).split()[:2]
    assert int(count) * {"jam": 3600, "menit": 60, "detik": 1}[unit] == seconds


@pytest.mark.parametrize(
    ("zone", "name"),
    [
        ("Asia/Jakarta", "WIB"),
        ("Asia/Pontianak", "WIB"),
        ("Asia/Makassar", "WITA"),
        ("Asia/Jayapura", "WIT"),
        ("Asia/Singapore", "UTC+08:00"),
        ("UTC", "UTC+00:00"),
        ("Asia/Kolkata", "UTC+05:30"),
        ("Europe/Amsterdam", "Europe/Amsterdam"),
    ],
)
def test_zones_as_indonesians_write_them(zone: str, name: str) -> None:
    """Indonesia's zones by name, another by its UTC offset (its IANA name when it shifts)."""
    assert zone_name(zone) == name


def test_zone_at_an_instant_gives_that_instants_offset() -> None:
    """A zone with summer time is named by its offset at the instant shown."""
    summer = pendulum.datetime(2026, 7, 1, tz="UTC")
    assert zone_name("Europe/Amsterdam", summer) == "UTC+02:00"
    assert zone_name("Asia/Makassar", summer) == "WITA"


@pytest.mark.parametrize(
    ("changes", "code", "field"),
    [
        ({"completion_time": dt.timedelta(hours=2)}, "completion_text_mismatch", "completion_text"),
        ({"completion_time": dt.timedelta(seconds=1.5)}, "invalid_completion_time", None),
        ({"fee_idr": 10000}, "fee_mismatch", "fee_text"),
        ({"section_head_title": " "}, "required", "section_head_title"),
    ],
)
def test_a_standard_that_contradicts_itself_is_refused(
    changes: dict[str, object], code: str, field: str | None
) -> None:
    """Changing the goal or the fee while keeping the old sentence is refused, not printed."""
    with pytest.raises(ServiceStandardError) as caught:
        attrs.evolve(KEJARI_JAKARTA_PUSAT, **changes)  # type: ignore[arg-type]  # deliberately bad
    assert caught.value.code == code
    if field is not None:
        assert caught.value.field == field


def test_bad_complaint_channel_and_zone_are_refused() -> None:
    """A complaint channel with neither letter nor telephone, or an unknown zone, is refused."""
    with pytest.raises(ServiceStandardError) as caught:
        ComplaintChannel("PTSP", "Pelayanan Terpadu Satu Pintu", by_letter=False)
    assert caught.value.code == "complaint_channel_empty"
    with pytest.raises(ServiceStandardError) as caught:
        attrs.evolve(KEJARI_JAKARTA_PUSAT.office, schedule=OfficeSchedule("Asia/Nowhere"))
    assert (caught.value.code, caught.value.field) == ("invalid_timezone", "schedule.timezone")
    with pytest.raises(ServiceStandardError) as caught:
        attrs.evolve(KEJARI_JAKARTA_PUSAT.office, schedule=OfficeSchedule(weekly=((),) * 7))
    assert caught.value.code == "no_working_hours"


def test_letter_only_complaints() -> None:
    """A PTSP that takes letters only is told as such, with no telephone."""
    channel = ComplaintChannel("PTSP", "Pelayanan Terpadu Satu Pintu", by_letter=True)
    assert channel.route() == "dengan bersurat"
    assert channel.route("en") == "by letter"
    assert channel.telephone_display is None


def test_workflow_labels_and_roles_take_the_standards_title() -> None:
    """The standard's workflow names its own section head; the bundled one is unchanged."""
    table = MAKASSAR.workflow
    assert table.state("forwarded").label == (
        "diteruskan ke Kepala Seksi Intelijen dan Penerangan Hukum"
    )
    assert "Intelijen dan Penerangan Hukum" in to_mermaid(table)
    assert MAKASSAR.role_label(Role.SECTION_HEAD) == "Kepala Seksi Intelijen dan Penerangan Hukum"
    assert MAKASSAR.role_label(Role.OFFICER, "en") == "officer"
    assert KEJARI_JAKARTA_PUSAT.workflow is REPORT_WORKFLOW
    assert REPORT_WORKFLOW.state("forwarded").label == "diteruskan ke Kepala Seksi Intelijen"
    assert [t.action for t in table.transitions] == [t.action for t in REPORT_WORKFLOW.transitions]


# --- the requirement policy -------------------------------------------------------------------


@settings(max_examples=30, deadline=None)
@given(
    st.none() | names(),
    st.none() | niks(),
    st.none() | phone_numbers(),
    st.lists(evidence_files(), max_size=1),
)
def test_the_default_policy_is_the_published_standards(
    name: str | None, nik: str | None, phone: str | None, evidence: list[bytes]
) -> None:
    """Without a policy, and with the default one, the check finds exactly the same."""
    fields = {"name": name, "nik": nik, "phone": phone, "evidence": evidence}
    assert check_requirements(**fields) == check_requirements(  # type: ignore[arg-type]
        **fields,  # type: ignore[arg-type]
        policy=DEFAULT_REQUIREMENT_POLICY,
    )
    assert KEJARI_JAKARTA_PUSAT.requirement_policy == DEFAULT_REQUIREMENT_POLICY


def test_a_policy_without_nik_or_evidence() -> None:
    """An office that asks for neither a NIK nor evidence finds nothing missing without them."""
    policy = RequirementPolicy(required_identity={"name", "contact"}, evidence_required=False)
    check = check_requirements(name="Budi Santoso", phone="0812-3456-7890", policy=policy)
    assert check.is_complete
    assert check.codes == ()
    wrong = check_requirements(name="Budi Santoso", phone="0812-3456-7890", nik="12", policy=policy)
    assert wrong.is_complete
    assert wrong.codes == ("nik_invalid_length",)


def test_a_policy_asking_for_an_address_and_email() -> None:
    """An office that asks for an address and an e-mail blocks without them."""
    policy = RequirementPolicy(
        required_identity={"name", "nik", "contact", "address", "email"}, evidence_required=True
    )
    check = check_requirements(
        name="Siti Aminah",
        nik="3171014101000001",
        phone="0812-3456-7890",
        email="siti@",
        evidence=[b"%PDF-1.4\n%%EOF"],
        policy=policy,
    )
    assert not check.is_complete
    assert check.codes == ("address_missing", "email_invalid")
    assert all(p.blocking for p in check.problems)
    assert check.reporter is None


def test_unknown_identity_field_is_refused() -> None:
    """A policy naming a field the check does not know is refused with a typed error."""
    with pytest.raises(ServiceStandardError) as caught:
        RequirementPolicy(required_identity={"name", "shoe_size"})
    assert caught.value.code == "unknown_identity_field"


# --- issue 15: the full stop, the summary, the kind ------------------------------------------


@given(
    st.lists(
        st.tuples(
            st.from_regex(r"[A-Za-z0-9(][A-Za-z0-9 ,.;()]{0,30}[A-Za-z0-9)]", fullmatch=True),
            st.sampled_from(["", ".", ". ", ";", "..", " .\n"]),
        ).map("".join),
        min_size=1,
        max_size=5,
    )
)
def test_missing_requirements_end_with_one_full_stop(items: list[str]) -> None:
    """However the items end, the list ends with exactly one full stop, never '..'."""
    listed = NotificationRenderer().missing_requirements(NUMBER, items)
    first_line = listed.template.parameters[1]
    assert first_line.endswith(".")
    assert not first_line.endswith("..")


def test_missing_requirements_from_the_check_read_cleanly() -> None:
    """The check's own messages, which end with a full stop, are listed without '..'."""
    check = check_requirements(name="Budi Santoso", phone="0812-3456-7890")
    note = NotificationRenderer().missing_requirements(
        NUMBER, [p.message for p in check.blocking_problems]
    )
    assert "1) NIK belum diisi; 2) Bukti laporan belum dilampirkan.\n" in note.text
    assert ".." not in note.text


def test_handover_falls_back_to_the_reports_own_text() -> None:
    """Without a summary the handover shows the report's text, shortened and redacted."""
    renderer = NotificationRenderer()
    text = "Saya dimintai uang oleh oknum, hubungi saya di 0812-3456-7890. " + "Rincian " * 40
    note = renderer.handover(NUMBER, RECEIVED, DEADLINE, fallback_summary=text)
    shown = note.template.parameters[3]
    assert shown.startswith("Saya dimintai uang oleh oknum, hubungi saya di 081*-****-*890.")
    assert shown.endswith("…")
    assert len(shown) <= FALLBACK_SUMMARY_LENGTH
    assert "0812-3456-7890" not in note.text
    chosen = renderer.handover(NUMBER, RECEIVED, DEADLINE, summary="Pungli.", fallback_summary=text)
    assert chosen.template.parameters[3] == "Pungli."
    assert "Ringkasan: -\n" in renderer.handover(NUMBER, RECEIVED, DEADLINE, summary=" ").text


def test_a_request_for_information_is_not_called_a_complaint() -> None:
    """Reporter texts for a request for information say so, under their own template names."""
    renderer = NotificationRenderer()
    notes = render_every_kind(renderer, "id", ReportKind.PERMOHONAN_INFORMASI)
    ack = notes[NotificationKind.ACKNOWLEDGEMENT]
    assert ack.text.startswith("Terima kasih. Permohonan informasi Anda telah kami terima")
    assert ack.template.name == "informasi_tanda_terima"
    for kind, note in notes.items():
        if kind in (
            NotificationKind.STATUS_NOT_FOUND,
            NotificationKind.STAFF_HELP,
            NotificationKind.MENU,
            NotificationKind.UNSUPPORTED,
            NotificationKind.THROTTLED,
        ):
            continue  # about no known report, or to staff: no report's kind to follow
        assert "aduan Anda" not in note.text
        assert note.template.name.startswith("informasi_")
    english = renderer.acknowledgement(NUMBER, DEADLINE, kind="permohonan_informasi", language="en")
    assert "Your request for information has been received" in english.text
    for kind in (None, ReportKind.ADUAN, ReportKind.LAPORAN):
        default = renderer.acknowledgement(NUMBER, DEADLINE, kind=kind)
        assert default.text.startswith("Terima kasih. Laporan/aduan Anda")
        assert default.template.name == "aduan_tanda_terima"


def _services(standard: ServiceStandard) -> tuple[Services, InMemoryMessenger]:
    """A desk on in-memory storage for ``standard``, and the messenger it sends through."""
    from importlib import resources

    examples = resources.files("layanan_aduan.examples")
    media = InMemoryMediaFetcher()
    media.put("1480000000000001", (examples / "tangkapan-layar.png").read_bytes(), "image/png")
    messenger = InMemoryMessenger()
    services = compose(
        storage=InMemoryStorage(),
        evidence=InMemoryEvidenceStore(),
        messenger=messenger,
        media=media,
        clock=FixedClock(pendulum.datetime(2026, 1, 12, 2, 5, tz="UTC")),
        staff=InMemoryStaffDirectory(
            {
                standard.office.code: [
                    StaffMember(
                        "petugas-01",
                        "Rina Wulandari",
                        phone="+6281311112222",
                        assignments=(Assignment(StaffRole.OFFICER, standard.office.code),),
                    ),
                    StaffMember(
                        "kasi-01",
                        "Andi Pratama",
                        phone="+6281100002222",
                        assignments=(Assignment(StaffRole.SECTION_HEAD, standard.office.code),),
                    ),
                ]
            }
        ),
        standard=standard,
    )
    return services, messenger


def test_the_desk_acknowledges_by_kind_and_hands_over_the_reports_text() -> None:
    """At the desk a request for information is acknowledged as one, and a handover without
    a summary carries the start of the report's own text."""
    from importlib import resources

    body = resources.files("layanan_aduan.examples") / "pesan-whatsapp.json"
    document = json.loads(body.read_bytes())
    message = document["entry"][0]["changes"][0]["value"]["messages"][0]["text"]
    message["body"] = message["body"].replace("Jenis: aduan", "Jenis: permohonan informasi")
    # Sent to Makassar's own business number: a desk refuses another office's webhooks.
    document["entry"][0]["changes"][0]["value"]["metadata"] = {
        "display_phone_number": MAKASSAR.office.whatsapp.removeprefix("+")
    }
    services, messenger = _services(MAKASSAR)
    with services:
        desk = services.desk
        (step,) = desk.ingest(parse_webhook(json.dumps(document).encode())).steps
        assert step.number is not None
        desk.receive(step.number, officer="petugas-01")
        desk.forward(step.number, officer="petugas-01")
        services.dispatcher.run()
    ack, handover = messenger.messages
    assert ack.text is not None
    assert handover.text is not None
    assert ack.text.startswith("Terima kasih. Permohonan informasi Anda")
    assert "2 jam kerja" in ack.text
    assert "WITA" in ack.text
    assert "Ringkasan: Saya dimintai uang Rp500.000 oleh oknum" in handover.text
    assert handover.text.startswith("Yth. Kepala Seksi Intelijen dan Penerangan Hukum")


# --- strategies -------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", [Office, OfficeSchedule, ServiceStandard, Overrides])
def test_from_type_gives_the_librarys_values(kind: type) -> None:
    """st.from_type works for offices, schedules, standards and overrides."""

    @settings(max_examples=10, deadline=None)
    @given(st.from_type(kind))
    def run(value: object) -> None:
        assert isinstance(value, kind)

    run()


@settings(max_examples=50, deadline=None)
@given(service_standards())
def test_generated_standards_round_trip_through_json(standard: ServiceStandard) -> None:
    """A generated standard written to JSON and read back is equal, and renders."""
    data = json.loads(json.dumps(standard.to_dict()))
    assert ServiceStandard.from_dict(data) == standard
    NotificationRenderer(standard).acknowledgement(NUMBER, DEADLINE)


@settings(max_examples=50, deadline=None)
@given(office_schedules(), offices())
def test_generated_offices_and_schedules_are_valid(
    schedule: OfficeSchedule, office: Office
) -> None:
    """Generated schedules have hours somewhere and a zone the standard names; offices are valid."""
    assert any(schedule.weekly)
    assert describe_schedule(schedule)
    assert attrs.evolve(office, schedule=schedule).schedule == schedule
    assert office.whatsapp.startswith("+628")
    assert office.website.startswith("https://")


@settings(max_examples=50, deadline=None)
@given(calendar_overrides())
def test_generated_overrides_round_trip_through_toml(overrides: Overrides) -> None:
    """Generated overrides written as TOML read back equal."""
    assert parse_overrides(format_overrides(overrides)) == overrides


@pytest.mark.parametrize(
    ("path", "value", "code", "field"),
    [
        (("office",), None, "missing_key", "office"),
        (("fee_idr",), "gratis", "invalid_type", "fee_idr"),
        (("office", "schedule", "weekly", "friday"), ["8-16"], "invalid_interval", None),
        (("office", "schedule", "weekly", "someday"), ["08:00-16:00"], "unknown_key", None),
        (("completion_time_seconds",), 7200, "completion_text_mismatch", "completion_text"),
    ],
)
def test_a_bad_standard_document_is_refused_with_its_path(
    path: tuple[str, ...], value: object, code: str, field: str | None
) -> None:
    """Reading a standard refuses a missing key, a wrong type or a bad value by its path."""
    data = KEJARI_JAKARTA_PUSAT.to_dict()
    here = data
    for key in path[:-1]:
        here = here[key]
    if value is None:
        del here[path[-1]]
    else:
        here[path[-1]] = value
    with pytest.raises(ServiceStandardError) as caught:
        ServiceStandard.from_dict(data)
    assert caught.value.code == code
    assert caught.value.field == (field if field is not None else ".".join(path))


def test_hours_with_a_break_read_as_indonesians_write_them() -> None:
    """A day with a break lists both intervals, in Indonesian and English."""
    day = (
        WorkingInterval(dt.time(7, 30), dt.time(12)),
        WorkingInterval(dt.time(13), dt.time(16)),
    )
    schedule = OfficeSchedule("Asia/Jayapura", (day,) * 5 + ((), ()))
    assert describe_schedule(schedule) == "Senin-Jumat 07.30-12.00, 13.00-16.00 WIT"
    assert describe_schedule(schedule, "en") == "Monday-Friday 07:30-12:00, 13:00-16:00 WIT"
