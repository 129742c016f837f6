"""
Confidential reports (laporan rahasia): the reporter asks (a keyword in the submission or a
later message, or the reply picked), the identity is sealed wherever the staff see the report
(listings, handover, alerts, evidence pack, statistics), and only the section head (or the
acting one) unseals it, with a reason, recorded as an event. Anonymous reports are accepted
only when the standard says so.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
from typing import Any

import attrs
import pendulum
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from layanan_aduan import examples
from layanan_aduan.adapters.evidence_store import InMemoryEvidenceStore
from layanan_aduan.adapters.messaging import InMemoryMediaFetcher, InMemoryMessenger
from layanan_aduan.adapters.office_config import parse_office_config
from layanan_aduan.adapters.staff import InMemoryStaffDirectory
from layanan_aduan.adapters.storage import InMemoryStorage
from layanan_aduan.adapters.whatsapp import parse_webhook
from layanan_aduan.clock import FixedClock
from layanan_aduan.domain.confidential import (
    SEALED,
    asks_confidentiality,
    confidential_reply_id,
    only_asks_confidentiality,
    parse_confidential_reply,
)
from layanan_aduan.domain.history import verify
from layanan_aduan.domain.periods import PeriodKind
from layanan_aduan.domain.report import Actor, Report, ReporterDetails
from layanan_aduan.domain.staff import Assignment, StaffMember, StaffRole
from layanan_aduan.domain.standard import KEJARI_JAKARTA_PUSAT
from layanan_aduan.domain.workflow import ReportState, Role
from layanan_aduan.exceptions import (
    ConfigurationError,
    ReportInputError,
    StaffAuthorizationError,
    TransitionNotAllowedError,
)
from layanan_aduan.privacy import mask, mask_name
from layanan_aduan.service_layer import Services, compose
from layanan_aduan.service_layer.evidence_html import render_evidence_html
from layanan_aduan.service_layer.evidence_pack import build_evidence_pack
from layanan_aduan.service_layer.statistics import csv_rows, desk_statistics
from layanan_aduan.testing import strategies

T0 = pendulum.datetime(2026, 1, 12, 2, 5, tz="UTC")  # Monday 09:05 WIB
ALICE = "6281234500001"
NAME, NIK = "Budi Santoso", "3171010101900001"
REPORT = f"Nama: {NAME}\nNIK: {NIK}\nDugaan pungli di kelurahan, kata Budi."
REPORTER = Actor(f"+{ALICE}", Role.REPORTER)
HEAD = Actor("kasi-intel-01", Role.SECTION_HEAD, staff_role=StaffRole.SECTION_HEAD)
OFFICER = Actor("petugas-01", Role.OFFICER)


def _staff() -> InMemoryStaffDirectory:
    officer = StaffMember(
        "petugas-01",
        "Rina Wulandari",
        phone="+6281311112222",
        assignments=(Assignment(StaffRole.OFFICER, "KNJP"),),
    )
    head = StaffMember(
        "kasi-intel-01",
        "Andi Pratama",
        phone="+6281100002222",
        assignments=(Assignment(StaffRole.SECTION_HEAD, "KNJP"),),
    )
    plh = StaffMember(
        "plh-kasi",
        "Sari Dewi",
        phone="+6281255556666",
        assignments=(
            Assignment(
                StaffRole.ACTING_SECTION_HEAD,
                "KNJP",
                starts=dt.date(2026, 1, 12),
                ends=dt.date(2026, 1, 13),
            ),
        ),
    )
    kajari = StaffMember(
        "kajari",
        "Hendra Wijaya",
        phone="+6281277778888",
        assignments=(Assignment(StaffRole.OFFICE_HEAD, "KNJP"),),
    )
    return InMemoryStaffDirectory({"KNJP": [officer, head, plh, kajari]})


def _compose(*, accept_anonymous: bool = False, offer: bool = False) -> Services:
    media = InMemoryMediaFetcher()
    media.put(examples.SCREENSHOT_MEDIA_ID, examples.screenshot_png(), "image/png")
    standard = attrs.evolve(
        KEJARI_JAKARTA_PUSAT, accept_anonymous=accept_anonymous, offer_confidentiality=offer
    )
    return compose(
        storage=InMemoryStorage(),
        evidence=InMemoryEvidenceStore(),
        messenger=InMemoryMessenger(),
        media=media,
        clock=FixedClock(T0),
        staff=_staff(),
        standard=standard,
    )


def _clock(services: Services) -> FixedClock:
    clock = services.desk.clock
    assert isinstance(clock, FixedClock)
    return clock


def _webhook(messages: list[dict[str, Any]], sender: str = ALICE) -> bytes:
    document = json.loads(examples.whatsapp_webhook())
    value = document["entry"][0]["changes"][0]["value"]
    value["contacts"][0]["wa_id"] = sender
    value["messages"] = [{**m, "from": sender} for m in messages]
    return json.dumps(document).encode()


def _report(services: Services, text: str = REPORT, message_id: str = "w1") -> bytes:
    """A report from Alice: ``text`` and the example's screenshot."""
    document = json.loads(examples.whatsapp_webhook())
    image = document["entry"][0]["changes"][0]["value"]["messages"][1]
    at = str(int(_clock(services).now().timestamp()))
    return _webhook(
        [
            {"id": message_id, "timestamp": at, "type": "text", "text": {"body": text}},
            {**image, "id": f"{message_id}.img", "timestamp": at},
        ]
    )


def _text(services: Services, message_id: str, body: str) -> bytes:
    at = str(int(_clock(services).now().timestamp()))
    return _webhook([{"id": message_id, "timestamp": at, "type": "text", "text": {"body": body}}])


def _pick(services: Services, message_id: str, row_id: str, sender: str = ALICE) -> bytes:
    at = str(int(_clock(services).now().timestamp()))
    picked = {"type": "button_reply", "button_reply": {"id": row_id, "title": "Rahasiakan"}}
    message = {"id": message_id, "timestamp": at, "type": "interactive", "interactive": picked}
    return _webhook([message], sender)


def _ingest_one(services: Services, body: bytes) -> str:
    (step,) = services.desk.ingest(parse_webhook(body)).steps
    return step.report_id


def _identity_leaks(text: str, phone: str = f"+{ALICE}") -> list[str]:
    """The forms of the identity (whole or masked) found in ``text``."""
    forms = {NAME, "Budi", "Santoso", NIK, phone, phone[1:], mask(NIK), mask(phone)}
    forms |= {mask_name(NAME), mask_name("Budi")}
    return sorted(f for f in forms if f and f in text)


def _outbox_texts(services: Services, report_id: str) -> list[str]:
    page = services.storage.outbox.list(office="KNJP", limit=1000)
    return [json.dumps(m.payload) for m in page.items if m.report_id == report_id]


def _submit(**kwargs: Any) -> Report:
    return Report.submit(
        id="9b2f6c1e-0000-4000-8000-000000000001",
        at=T0,
        actor=REPORTER,
        kind="aduan",
        details=ReporterDetails(name=NAME, nik=NIK, phone=f"+{ALICE}"),
        message="Dugaan pungli.",
        evidence=[b"%PDF-1.4\n%%EOF\n"],
        **kwargs,
    )


# --- the words ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "asks"),
    [
        ("RAHASIA", True),
        ("#rahasia\nAda pungli.", True),
        ("Mohon identitas saya dirahasiakan.", True),
        ("tolong rahasiakan identitas saya", True),
        ("Keep my identity confidential please", True),
        ("Dokumen rahasia negara dibocorkan oknum.", False),
        ("Ada pungli di kelurahan.", False),
        ("", False),
    ],
)
def test_the_keyword_is_recognised(text: str, asks: bool) -> None:
    """A line of only the keyword, or a phrase, asks for confidentiality; the word inside a
    sentence does not."""
    assert asks_confidentiality(text) is asks


def test_a_message_that_only_asks_is_told_from_a_report() -> None:
    """A short request is only a request; a report that also says RAHASIA is more than that."""
    assert only_asks_confidentiality("RAHASIA")
    assert only_asks_confidentiality("Pak, tolong rahasiakan identitas saya ya")
    assert not only_asks_confidentiality(REPORT + "\nRAHASIA\nsaya melihat sendiri kejadiannya")
    assert not only_asks_confidentiality("Ada pungli di kelurahan.")


def test_the_reply_id_names_the_report() -> None:
    """The reply id round-trips; anything else names no report, and a bad id is refused."""
    assert parse_confidential_reply(confidential_reply_id("r-1")) == "r-1"
    assert parse_confidential_reply("rating:5:r-1") is None
    with pytest.raises(ValueError, match="printable report id"):
        confidential_reply_id("r 1")


# --- the domain -----------------------------------------------------------------------------


def test_a_submission_may_ask_for_confidentiality() -> None:
    """The submission's payload says confidential; the rebuilt report says so too."""
    report = _submit(confidential=True)
    assert report.events[0].payload["confidential"] is True
    assert (report.confidential, report.identity_sealed, report.anonymous) == (True, True, False)
    rebuilt = Report.from_events(report.events)
    assert rebuilt == report
    assert "unseal_identity" in report.available_actions(Role.SECTION_HEAD)


def test_an_ordinary_submission_hashes_as_before() -> None:
    """A submission that asks nothing carries no confidentiality key (old histories stay)."""
    report = _submit()
    assert "confidential" not in report.events[0].payload
    assert (report.confidential, report.identity_sealed) == (False, False)
    assert report.available_actions(Role.SECTION_HEAD) == ()


def test_a_later_request_is_an_annotation() -> None:
    """request_confidentiality keeps the state and the SLA clock, once; by the reporter only."""
    report = _submit()
    report.receive(at=T0.add(minutes=5), actor=OFFICER)
    report.request_confidentiality(at=T0.add(minutes=6), actor=REPORTER, message_id="wamid.r")
    event = report.events[-1]
    assert (event.action, event.from_state, event.to_state) == (
        "request_confidentiality",
        "received",
        "received",
    )
    assert event.payload == {"medium": "keyword", "message_id": "wamid.r"}
    assert report.confidential
    assert report.identity_sealed
    version = report.version
    with pytest.raises(ReportInputError) as again:
        report.request_confidentiality(at=T0.add(minutes=7), actor=REPORTER)
    assert again.value.code == "already_confidential"
    with pytest.raises(TransitionNotAllowedError) as other:
        report.request_confidentiality(
            at=T0.add(minutes=7), actor=Actor("+6281299999999", Role.REPORTER)
        )
    assert other.value.code == "actor_not_allowed"
    assert report.version == version
    assert verify(report.events).ok


def test_no_request_after_a_final_state() -> None:
    """A closed report takes no request for confidentiality."""
    report = _submit()
    report.close(at=T0.add(minutes=5), actor=OFFICER, reason="spam")
    with pytest.raises(TransitionNotAllowedError) as refused:
        report.request_confidentiality(at=T0.add(minutes=6), actor=REPORTER)
    assert refused.value.code == "transition_not_allowed"


def test_unsealing_needs_a_reason_and_a_sealed_identity() -> None:
    """Unsealing without a reason, of a report not confidential, or twice, is refused and
    changes nothing; with a reason it is recorded with it."""
    plain = _submit()
    with pytest.raises(ReportInputError) as not_confidential:
        plain.unseal_identity(at=T0.add(minutes=1), actor=HEAD, reason="Pemeriksaan.")
    assert not_confidential.value.code == "not_confidential"
    report = _submit(confidential=True)
    for reason in ("", "   ", None):
        with pytest.raises(ReportInputError) as empty:
            report.unseal_identity(at=T0.add(minutes=1), actor=HEAD, reason=reason)  # type: ignore[arg-type]
        assert empty.value.code == "unseal_reason_required"
    with pytest.raises(ReportInputError) as long:
        report.unseal_identity(at=T0.add(minutes=1), actor=HEAD, reason="x" * 501)
    assert long.value.code == "unseal_reason_too_long"
    assert report.version == 1
    report.unseal_identity(at=T0.add(minutes=1), actor=HEAD, reason=" Permintaan penyidik. ")
    assert report.events[-1].payload == {"unseal_reason": "Permintaan penyidik."}
    assert (report.identity_unsealed_by, report.identity_unseal_reason) == (
        "kasi-intel-01",
        "Permintaan penyidik.",
    )
    assert report.confidential
    assert not report.identity_sealed
    assert report.state is ReportState.SUBMITTED
    with pytest.raises(ReportInputError) as twice:
        report.unseal_identity(at=T0.add(minutes=2), actor=HEAD, reason="Lagi.")
    assert twice.value.code in ("already_unsealed", "transition_not_allowed")
    assert Report.from_events(report.events) == report


def test_an_officer_cannot_unseal() -> None:
    """The workflow table gives the unsealing to the section head only."""
    report = _submit(confidential=True)
    with pytest.raises(TransitionNotAllowedError) as refused:
        report.unseal_identity(at=T0.add(minutes=1), actor=OFFICER, reason="Ingin tahu.")
    assert refused.value.code == "role_not_allowed"
    assert report.version == 1


def test_an_anonymous_report_is_confidential() -> None:
    """anonymous=True records both flags; the fold refuses an anonymous report that is not
    confidential."""
    report = Report.submit(
        id="r-anon",
        at=T0,
        actor=REPORTER,
        kind="aduan",
        details=ReporterDetails(phone=f"+{ALICE}"),
        message="Ada pungli.",
        evidence=[b"%PDF-1.4\n%%EOF\n"],
        policy=KEJARI_JAKARTA_PUSAT.anonymous_policy,
        anonymous=True,
    )
    assert report.events[0].payload["anonymous"] is True
    assert (report.anonymous, report.confidential, report.requirements_met) == (True, True, True)


# --- the desk: asking -----------------------------------------------------------------------


def test_the_keyword_in_a_submission_makes_it_confidential() -> None:
    """RAHASIA on a line of the submission: the report is confidential from its first event."""
    with _compose() as services:
        report_id = _ingest_one(services, _report(services, "RAHASIA\n" + REPORT))
        report = services.desk.report(report_id)
        assert report.confidential
        assert report.identity_sealed
        assert [e.action for e in report.events] == ["submit"]


def test_a_later_message_asks_for_confidentiality() -> None:
    """A later message that only asks records request_confidentiality on the sender's open
    report (received: the state stays); a redelivery changes nothing."""
    with _compose() as services:
        desk = services.desk
        report_id = _ingest_one(services, _report(services))
        _clock(services).advance(pendulum.duration(minutes=2))
        desk.receive(report_id, officer="petugas-01")
        _clock(services).advance(pendulum.duration(minutes=20))
        body = _text(services, "w2", "Tolong rahasiakan identitas saya")
        (step,) = desk.ingest(parse_webhook(body)).steps
        assert (step.actions, step.state) == (("request_confidentiality",), ReportState.RECEIVED)
        report = desk.report(report_id)
        assert report.confidential
        assert report.events[-1].payload["medium"] == "keyword"
        again = desk.ingest(parse_webhook(body))
        assert (again.steps, again.duplicates) == ((), 1)


def test_a_keyword_added_to_a_submission_is_recorded_after_it() -> None:
    """Within the draft window a message with text and the keyword adds to the report and
    asks for confidentiality, in one unit of work."""
    with _compose() as services:
        desk = services.desk
        report_id = _ingest_one(services, _report(services))
        _clock(services).advance(pendulum.duration(minutes=1))
        body = _text(services, "w2", "Kejadiannya setiap hari Senin pagi di loket dua.\nRAHASIA")
        (step,) = desk.ingest(parse_webhook(body)).steps
        assert step.actions == ("add_to_submission", "request_confidentiality")
        assert desk.report(report_id).confidential


def test_the_reply_picked_asks_for_confidentiality() -> None:
    """The reply naming the sender's own report records the request (medium button); one
    naming another's report changes nothing."""
    with _compose() as services:
        desk = services.desk
        report_id = _ingest_one(services, _report(services))
        _clock(services).advance(pendulum.duration(minutes=1))
        stranger = desk.ingest(
            parse_webhook(_pick(services, "p0", confidential_reply_id(report_id), "6281299990000"))
        )
        assert stranger.steps == ()
        assert not desk.report(report_id).confidential
        (step,) = desk.ingest(
            parse_webhook(_pick(services, "p1", confidential_reply_id(report_id)))
        ).steps
        assert step.actions == ("request_confidentiality",)
        report = desk.report(report_id)
        assert report.confidential
        assert report.events[-1].payload["medium"] == "button"


def test_no_offer_by_default() -> None:
    """The seed standard does not offer confidentiality: the acknowledgement alone."""
    with _compose() as services:
        (step,) = services.desk.ingest(parse_webhook(_report(services))).steps
        assert [n.kind.value for n in step.notifications] == ["acknowledgement"]


def test_the_offer_follows_the_acknowledgement_and_its_row_is_taken() -> None:
    """With offer_confidentiality the acknowledgement is followed by a one-row list naming
    the report; picking the row records the request and confirms it to the reporter."""
    with _compose(offer=True) as services:
        desk = services.desk
        (step,) = desk.ingest(parse_webhook(_report(services))).steps
        assert [n.kind.value for n in step.notifications] == [
            "acknowledgement",
            "confidentiality_offer",
        ]
        offer = services.storage.outbox.get(step.notifications[1].key).payload
        assert offer["recipient"]["phone"] == f"+{ALICE}"
        (row,) = offer["interactive"]["sections"][0]["rows"]
        assert row["id"] == confidential_reply_id(step.report_id)
        _clock(services).advance(pendulum.duration(minutes=2))
        (picked,) = desk.ingest(parse_webhook(_pick(services, "p1", row["id"]))).steps
        assert picked.actions == ("request_confidentiality",)
        assert [n.kind.value for n in picked.notifications] == ["confidentiality_recorded"]
        assert desk.report(step.report_id).identity_sealed


def test_a_confidential_submission_is_confirmed_not_offered() -> None:
    """A submission that asks already is confirmed after the acknowledgement, not offered."""
    with _compose(offer=True) as services:
        body = _report(services, "RAHASIA\n" + REPORT)
        (step,) = services.desk.ingest(parse_webhook(body)).steps
        assert [n.kind.value for n in step.notifications] == [
            "acknowledgement",
            "confidentiality_recorded",
        ]


def test_the_office_file_sets_offer_confidentiality() -> None:
    """[standard] offer_confidentiality = true is read; false by default."""
    assert parse_office_config("").standard.offer_confidentiality is False
    on = parse_office_config("[standard]\noffer_confidentiality = true\n")
    assert on.standard.offer_confidentiality is True
    with pytest.raises(ConfigurationError) as refused:
        parse_office_config("[standard]\noffer_confidentiality = 1\n")
    assert [p.path for p in refused.value.problems] == ["standard.offer_confidentiality"]


# --- the desk: unsealing --------------------------------------------------------------------


def test_the_section_head_unseals_with_a_reason() -> None:
    """The section head unseals: recorded with the reason, the state unchanged."""
    with _compose() as services:
        desk = services.desk
        report_id = _ingest_one(services, _report(services, "RAHASIA\n" + REPORT))
        _clock(services).advance(pendulum.duration(minutes=1))
        result = desk.unseal_identity(
            report_id, section_head="kasi-intel-01", reason="Permintaan penyidik."
        )
        assert (result.actions, result.state, result.notifications) == (
            ("unseal_identity",),
            ReportState.SUBMITTED,
            (),
        )
        report = desk.report(report_id)
        assert report.identity_unsealed_by == "kasi-intel-01"
        assert report.events[-1].actor_staff_role == "section_head"


def test_the_acting_head_unseals_on_their_dates() -> None:
    """The Plh on the dates of their assignment may unseal."""
    with _compose() as services:
        report_id = _ingest_one(services, _report(services, "RAHASIA\n" + REPORT))
        result = services.desk.unseal_identity(
            report_id, section_head="plh-kasi", reason="Gelar perkara."
        )
        assert result.actions == ("unseal_identity",)
        report = services.desk.report(report_id)
        assert report.events[-1].actor_staff_role == "acting_section_head"


@pytest.mark.parametrize(
    ("who", "reason", "error", "code"),
    [
        ("petugas-01", "Ingin tahu.", StaffAuthorizationError, "role_not_held"),
        ("kajari", "Ingin tahu.", StaffAuthorizationError, "role_not_held"),
        ("orang-asing", "Ingin tahu.", StaffAuthorizationError, "unknown_staff"),
        ("kasi-intel-01", "", ReportInputError, "unseal_reason_required"),
        ("kasi-intel-01", "  ", ReportInputError, "unseal_reason_required"),
    ],
)
def test_an_unsealing_refused_changes_nothing(
    who: str, reason: str, error: type[Exception], code: str
) -> None:
    """An officer, the office head, a stranger or an empty reason is refused with its code;
    the report and the outbox stay as they were."""
    with _compose() as services:
        desk = services.desk
        report_id = _ingest_one(services, _report(services, "RAHASIA\n" + REPORT))
        before = desk.report(report_id)
        outbox = services.storage.outbox.counts()
        with pytest.raises(error) as refused:
            desk.unseal_identity(report_id, section_head=who, reason=reason)
        assert getattr(refused.value, "code", None) == code
        after = desk.report(report_id)
        assert (after.version, after.head_hash) == (before.version, before.head_hash)
        assert after.identity_sealed
        assert services.storage.outbox.counts() == outbox


def test_a_report_not_confidential_is_not_unsealed() -> None:
    """Unsealing an ordinary report is refused (not_confidential)."""
    with _compose() as services:
        report_id = _ingest_one(services, _report(services))
        with pytest.raises(ReportInputError) as refused:
            services.desk.unseal_identity(report_id, section_head="kasi-intel-01", reason="X.")
        assert refused.value.code == "not_confidential"


# --- the desk: what the staff see -----------------------------------------------------------


def _through_handover(services: Services, text: str) -> str:
    desk, clock = services.desk, _clock(services)
    report_id = _ingest_one(services, _report(services, text))
    clock.advance(pendulum.duration(minutes=5))
    desk.receive(report_id, officer="petugas-01")
    clock.advance(pendulum.duration(minutes=5))
    desk.forward(report_id, officer="petugas-01")
    return report_id


def test_the_handover_of_an_ordinary_report_names_the_reporter() -> None:
    """Without confidentiality the handover's summary shows the report's text (the name
    whole, numbers masked): what sealing must change."""
    with _compose() as services:
        report_id = _through_handover(services, REPORT + f"\nSaya {NAME} melihat pungli.")
        (handover,) = [t for t in _outbox_texts(services, report_id) if '"handover"' in t]
        assert NAME in handover


def test_the_handover_of_a_confidential_report_shows_no_identity() -> None:
    """The section head's handover names no identity, whole or masked: it reads
    [dirahasiakan]."""
    with _compose() as services:
        report_id = _through_handover(
            services, "RAHASIA\n" + REPORT + f"\nSaya {NAME}, hubungi +{ALICE}."
        )
        (handover,) = [t for t in _outbox_texts(services, report_id) if '"handover"' in t]
        assert _identity_leaks(handover) == []
        assert SEALED in handover


def test_the_officers_summary_is_sealed_too() -> None:
    """A summary the officer types with the reporter's name is sealed in the handover."""
    with _compose() as services:
        desk, clock = services.desk, _clock(services)
        report_id = _ingest_one(services, _report(services, "RAHASIA\n" + REPORT))
        desk.receive(report_id, officer="petugas-01")
        clock.advance(pendulum.duration(minutes=5))
        desk.forward(report_id, officer="petugas-01", summary=f"Pelapor {NAME}: pungli.")
        (handover,) = [t for t in _outbox_texts(services, report_id) if '"handover"' in t]
        assert _identity_leaks(handover) == []


def test_listings_alerts_and_statistics_show_no_identity() -> None:
    """The listing's lines, the SLA alerts to the section head and the statistics carry no
    identity of a confidential report."""
    with _compose() as services:
        desk, clock = services.desk, _clock(services)
        report_id = _through_handover(services, "RAHASIA\n" + REPORT)
        clock.advance(pendulum.duration(days=2))
        alerts = desk.sweep_sla()
        assert alerts
        staff_texts = [
            json.dumps(services.storage.outbox.get(a.key).payload)
            for a in alerts
            if a.kind.value in ("sla_at_risk", "sla_breached")
        ]
        assert staff_texts
        lines = [repr(line) for line in desk.list_reports()]
        stats = desk_statistics(desk, PeriodKind.MONTH, containing=T0)
        exported = [json.dumps(stats.to_dict()), json.dumps(csv_rows(stats))]
        for text in [*staff_texts, *lines, *exported]:
            assert _identity_leaks(text) == [], text
        assert report_id in "".join(lines)


def test_the_pack_of_a_sealed_report_shows_no_identity_to_anyone() -> None:
    """The evidence pack (masked, or revealed to the section head) and its HTML show no
    identity of a sealed report; after the unsealing the revealed pack shows it."""
    with _compose() as services:
        desk = services.desk
        report_id = _through_handover(services, "RAHASIA\n" + REPORT)
        masked = build_evidence_pack(desk, report_id)
        revealed = build_evidence_pack(
            desk, report_id, reveal_personal_data=True, viewer="kasi-intel-01"
        )
        for pack in (masked, revealed):
            assert pack["identity"] == "sealed"
            for text in (json.dumps(pack), render_evidence_html(pack)):
                assert _identity_leaks(text) == []
            # The identity is kept apart from the hashed event: not in it at all (masked), or
            # sealed in the personal values shown beside it (revealed).
            event = pack["events"][0]["event"]
            assert event["actor_id"] == ""
            assert "details" not in event["payload"]
            if pack is revealed:
                values = event["personal_data"]["values"]
                assert values["actor_id"] == SEALED
                assert set(values["payload"]["details"].values()) == {SEALED}
            else:
                assert "personal_data" not in event
        _clock(services).advance(pendulum.duration(minutes=1))
        desk.unseal_identity(report_id, section_head="kasi-intel-01", reason="Penyidikan.")
        opened = build_evidence_pack(
            desk, report_id, reveal_personal_data=True, viewer="kasi-intel-01"
        )
        assert opened["identity"] == "unsealed"
        assert NIK in json.dumps(opened)
        assert "Penyidikan." in json.dumps(opened)


def test_the_reporters_own_messages_are_unchanged() -> None:
    """The acknowledgement to the reporter of a confidential report is what any reporter
    gets, sent to their number."""
    with _compose() as services:
        result = services.desk.ingest(parse_webhook(_report(services, "RAHASIA\n" + REPORT)))
        (step,) = result.steps
        (ack,) = [n for n in step.notifications if n.kind.value == "acknowledgement"]
        payload = services.storage.outbox.get(ack.key).payload
        assert payload["recipient"]["phone"] == f"+{ALICE}"
        assert "LAP/KNJP/2026/000001" in payload["text"]


# --- anonymous reports ----------------------------------------------------------------------


def test_a_report_without_name_and_nik_is_incomplete_by_default() -> None:
    """The seed standard requires the identity: no name and NIK leaves the report incomplete
    and not anonymous."""
    with _compose() as services:
        report_id = _ingest_one(services, _report(services, "Ada pungli di kelurahan."))
        report = services.desk.report(report_id)
        assert not report.requirements_met
        assert (report.anonymous, report.confidential) == (False, False)
        codes = {p.code for p in report.blocking_problems}
        assert {"name_missing", "nik_missing"} <= codes


def test_a_standard_that_accepts_anonymous_reports_takes_one() -> None:
    """With accept_anonymous a report without name and NIK is complete (given its evidence),
    anonymous and confidential by construction; its handover is sealed."""
    with _compose(accept_anonymous=True) as services:
        report_id = _through_handover(services, f"Ada pungli di kelurahan. WA saya +{ALICE}")
        report = services.desk.report(report_id)
        assert report.requirements_met
        assert (report.anonymous, report.confidential, report.identity_sealed) == (
            True,
            True,
            True,
        )
        assert report.state is ReportState.FORWARDED
        (handover,) = [t for t in _outbox_texts(services, report_id) if '"handover"' in t]
        assert _identity_leaks(handover) == []


def test_a_named_report_is_not_anonymous_under_that_standard() -> None:
    """Under accept_anonymous a report that gives its name and NIK is an ordinary one."""
    with _compose(accept_anonymous=True) as services:
        report = services.desk.report(_ingest_one(services, _report(services)))
        assert (report.anonymous, report.confidential, report.requirements_met) == (
            False,
            False,
            True,
        )


def test_the_office_file_sets_accept_anonymous() -> None:
    """[standard] accept_anonymous = true is read; a value that is no boolean is refused."""
    assert parse_office_config("").standard.accept_anonymous is False
    on = parse_office_config("[standard]\naccept_anonymous = true\n")
    assert on.standard.accept_anonymous is True
    with pytest.raises(ConfigurationError) as refused:
        parse_office_config('[standard]\naccept_anonymous = "ya"\n')
    assert [p.path for p in refused.value.problems] == ["standard.accept_anonymous"]


# --- the property ---------------------------------------------------------------------------


def _shown_to_staff(name: str, nik: str, how: str, summary: bool) -> list[str]:
    """Every staff-facing text of a confidential report of ``name`` through the handover and
    the SLA alerts: the outbox's staff messages, the listing, the packs and their HTML."""
    text = f"Nama: {name}\nNIK: {nik}\nPelapor {name} melihat pungli. WA +{ALICE}."
    if how == "submission":
        text = "RAHASIA\n" + text
    with _compose() as services:
        desk, clock = services.desk, _clock(services)
        report_id = _ingest_one(services, _report(services, text))
        clock.advance(pendulum.duration(minutes=1))
        if how == "keyword":
            desk.ingest(parse_webhook(_text(services, "w2", "RAHASIA")))
        elif how == "button":
            desk.ingest(parse_webhook(_pick(services, "p1", confidential_reply_id(report_id))))
        assert desk.report(report_id).identity_sealed
        clock.advance(pendulum.duration(minutes=1))
        desk.receive(report_id, officer="petugas-01")
        clock.advance(pendulum.duration(minutes=1))
        desk.forward(report_id, officer="petugas-01", summary=f"Dari {name}." if summary else None)
        clock.advance(pendulum.duration(days=2))
        desk.sweep_sla()
        staff = [
            t
            for t in _outbox_texts(services, report_id)
            if any(k in t for k in ('"handover"', '"sla_at_risk"', '"sla_breached"'))
        ]
        assert len(staff) >= 2
        packs = [
            build_evidence_pack(desk, report_id),
            build_evidence_pack(desk, report_id, reveal_personal_data=True, viewer="kajari"),
        ]
        return [
            *staff,
            *(repr(line) for line in desk.list_reports()),
            *(json.dumps(p) for p in packs),
            *(render_evidence_html(p) for p in packs),
        ]


@functools.cache
def _baseline_words() -> frozenset[str]:
    # The words the staff-facing texts hold whatever the reporter's name ("true", "null",
    # "laporan"...): a name word that is one of them cannot be told apart, so is not checked.
    texts = _shown_to_staff(NAME, NIK, "submission", summary=True)
    return frozenset(re.findall(r"\w+", "\n".join(texts).lower()))


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    # Words of four letters or more: a shorter one ("ke") is also a word of the texts.
    name=strategies.names().filter(lambda n: all(len(w) >= 4 for w in n.split())),
    nik=strategies.niks(),
    how=st.sampled_from(["submission", "keyword", "button"]),
    summary=st.booleans(),
)
def test_no_staff_facing_text_shows_a_sealed_identity(
    name: str, nik: str, how: str, summary: bool
) -> None:
    """For any confidential report (asked in the submission, later by keyword or by the
    reply), the handover, the alerts, the listing and the evidence packs (masked or revealed)
    carry neither the name (nor a word of it, nor its masked form) nor the NIK nor the
    telephone (nor their masked forms) until the section head unseals it."""
    shown = _shown_to_staff(name, nik, how, summary)
    words = [w.lower() for w in name.split() if w.lower() not in _baseline_words()]
    forbidden = {nik, mask(nik), f"+{ALICE}", ALICE, mask(f"+{ALICE}"), mask_name(name)}
    for item in shown:
        lowered = item.lower()
        for value in forbidden:
            assert value.lower() not in lowered
        for word in words:
            assert re.search(rf"(?<!\w){re.escape(word)}(?!\w)", lowered) is None


def test_the_baseline_holds_no_sealed_name() -> None:
    """The baseline of the property holds no word of the name it was made with (else the
    property would skip what it must check)."""
    assert not {"budi", "santoso"} & _baseline_words()
    assert "true" in _baseline_words()
