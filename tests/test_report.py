"""
The report entity: the five steps, the side paths, its history and its SLA clock.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable

import attrs
import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from layanan_aduan.adapters.holidays_id import indonesian_calendar
from layanan_aduan.domain.history import Event, TamperKind, verify
from layanan_aduan.domain.report import (
    Actor,
    CloseReason,
    Report,
    ReporterDetails,
    ReportKind,
    format_report_number,
)
from layanan_aduan.domain.standard import KEJARI_JAKARTA_PUSAT, Channel
from layanan_aduan.domain.workflow import Action, ReportState, Role
from layanan_aduan.domain.worktime import SlaStatus, WorkingTime
from layanan_aduan.exceptions import (
    HistoryTamperedError,
    InstantOrderError,
    NaiveDatetimeError,
    ReportInputError,
    RequirementsAlreadyMetError,
    RequirementsNotMetError,
    TransitionNotAllowedError,
    ValidationError,
)
from layanan_aduan.testing import _reports

WIB = "Asia/Jakarta"
T0 = pendulum.datetime(2026, 1, 15, 13, tz=WIB)  # Thursday; Friday 16 January is Isra Mikraj
PDF = b"%PDF-1.4\n%%EOF\n"
NIK = "3171010101900001"
PHONE = "+6281234567890"
REPORTER = Actor(PHONE, Role.REPORTER)
OFFICER = Actor("199001012015031001", Role.OFFICER)
HEAD = Actor("198001012005011001", Role.SECTION_HEAD)
FULL = ReporterDetails(name="Budi Santoso", nik=NIK, phone="0812-3456-7890")


def submit(
    details: ReporterDetails = FULL, evidence: tuple[bytes, ...] = (PDF,), **kw: object
) -> Report:
    return Report.submit(
        id="4f1c2b9e-1d2c-4c0a-9f0e-2a7d3b6c5e10",
        at=kw.pop("at", T0),  # type: ignore[arg-type]  # an instant in the tests
        actor=REPORTER,
        kind=kw.pop("kind", ReportKind.ADUAN),  # type: ignore[arg-type]  # a kind in the tests
        details=details,
        message="Dugaan pungutan liar dalam pengurusan izin.",
        evidence=evidence,
        **kw,  # type: ignore[arg-type]  # the remaining keywords of submit
    )


def finish(report: Report, start: pendulum.DateTime) -> None:
    report.forward(at=start, actor=OFFICER)
    report.give_direction(at=start.add(minutes=20), actor=HEAD, direction="Klarifikasi ke PTSP.")
    report.deliver_follow_up(
        at=start.add(minutes=40), actor=OFFICER, follow_up="Laporan diteruskan ke bidang terkait."
    )


def snapshot(report: Report) -> tuple[object, ...]:
    return (report.state, report.version, report.events, report.problems, report.details)


def test_full_five_step_case() -> None:
    """A complete report goes through the five steps, in order, by their roles."""
    report = submit()
    assert report.state is ReportState.SUBMITTED
    assert report.requirements_met
    assert report.reporter is not None
    assert report.reporter.contact_key == PHONE
    assert report.received_at == T0
    assert report.channel == KEJARI_JAKARTA_PUSAT.channel
    assert [e.sha256 for e in report.evidence] == [hashlib.sha256(PDF).hexdigest()]
    report.receive(at=T0.add(minutes=5), actor=OFFICER)
    finish(report, T0.add(minutes=10))
    assert report.state is ReportState.COMPLETED
    assert report.is_final
    assert report.direction == "Klarifikasi ke PTSP."
    assert report.follow_up == "Laporan diteruskan ke bidang terkait."
    assert [e.action for e in report.events] == [
        "submit",
        "receive",
        "forward",
        "give_direction",
        "deliver_follow_up",
    ]
    assert [e.actor_role for e in report.events] == [
        Role.REPORTER,
        Role.OFFICER,
        Role.OFFICER,
        Role.SECTION_HEAD,
        Role.OFFICER,
    ]
    follow_up = report.events[-1]
    assert report.direction_event is not None
    assert follow_up.payload["direction_seq"] == report.direction_event.seq == 4
    assert follow_up.payload["direction_hash"] == report.direction_event.hash
    assert report.version == 5
    assert report.head_hash == follow_up.hash
    assert verify(report.events, version=5, head=report.head_hash).ok
    # Completed: the procedure is over; the reporter's rating and the erasure of the personal
    # data (each once) may follow.
    assert report.available_actions() == ("rate", "erase_personal_data")
    assert report.available_actions(Role.OFFICER) == ("erase_personal_data",)


def test_new_events_are_collected_once() -> None:
    """collect_new_events returns the events since the last call, then nothing."""
    report = submit()
    report.receive(at=T0.add(minutes=1), actor=OFFICER)
    first = report.collect_new_events()
    assert [e.seq for e in first] == [1, 2]
    assert report.collect_new_events() == ()
    report.forward(at=T0.add(minutes=2), actor=OFFICER)
    batch = report.collect_new_events()
    assert [e.seq for e in batch] == [3]
    assert batch[0].seq - 1 == 2  # the version storage must still hold


def test_rebuilt_report_equals_the_live_one() -> None:
    """A report rebuilt from its events, or from their JSON dicts, equals the live one."""
    report = submit()
    report.receive(at=T0.add(minutes=1), actor=OFFICER)
    finish(report, T0.add(minutes=2))
    rebuilt = Report.from_events(report.events, version=report.version, head=report.head_hash)
    assert rebuilt == report
    stored = [Event.from_dict(e.to_dict()) for e in report.events]
    assert Report.from_events(stored) == report
    assert rebuilt.collect_new_events() == ()


def test_step_cannot_be_skipped_or_done_by_another_role() -> None:
    """A skipped step or the wrong role raises with action, state and role; nothing changes."""
    report = submit()
    before = snapshot(report)
    with pytest.raises(TransitionNotAllowedError) as info:
        report.forward(at=T0.add(minutes=1), actor=OFFICER)
    assert (info.value.code, info.value.action, info.value.state, info.value.role) == (
        "transition_not_allowed",
        "forward",
        "submitted",
        "officer",
    )
    with pytest.raises(TransitionNotAllowedError) as info:
        report.receive(at=T0.add(minutes=1), actor=HEAD)
    assert (info.value.code, info.value.role) == ("role_not_allowed", "section_head")
    with pytest.raises(TransitionNotAllowedError):
        report.give_direction(at=T0.add(minutes=1), actor=HEAD, direction="x")
    assert snapshot(report) == before


def test_only_the_submitting_reporter_completes() -> None:
    """Another reporter cannot complete someone else's report."""
    report = submit(evidence=())
    report.receive(at=T0.add(minutes=1), actor=OFFICER)
    report.request_completion(at=T0.add(minutes=2), actor=OFFICER)
    with pytest.raises(TransitionNotAllowedError) as info:
        report.complete_requirements(
            at=T0.add(minutes=3), actor=Actor("+6281111111111", Role.REPORTER), evidence=[PDF]
        )
    assert info.value.code == "actor_not_allowed"
    assert report.state is ReportState.AWAITING_COMPLETION


def test_submit_is_by_a_reporter_only() -> None:
    """An officer cannot submit a report in the reporter's name."""
    with pytest.raises(TransitionNotAllowedError) as info:
        Report.submit(id="r", at=T0, actor=OFFICER, kind="aduan", details=FULL)
    assert (info.value.code, info.value.state) == ("role_not_allowed", None)


def test_direction_and_follow_up_text_are_required() -> None:
    """Steps 4 and 5 refuse empty text, naming the field; nothing changes."""
    report = submit()
    report.receive(at=T0.add(minutes=1), actor=OFFICER)
    report.forward(at=T0.add(minutes=2), actor=OFFICER)
    with pytest.raises(ReportInputError) as info:
        report.give_direction(at=T0.add(minutes=3), actor=HEAD, direction="   ")
    assert (info.value.code, info.value.field) == ("direction_required", "direction")
    assert isinstance(info.value, ValidationError)
    assert report.state is ReportState.FORWARDED
    report.give_direction(at=T0.add(minutes=3), actor=HEAD, direction="  Tindak lanjuti.  ")
    assert report.direction == "Tindak lanjuti."
    with pytest.raises(ReportInputError) as info:
        report.deliver_follow_up(at=T0.add(minutes=4), actor=OFFICER, follow_up="")
    assert info.value.code == "follow_up_required"
    with pytest.raises(ReportInputError) as info:
        report.deliver_follow_up(at=T0.add(minutes=4), actor=OFFICER, follow_up="x" * 5000)
    assert info.value.code == "follow_up_too_long"
    assert report.state is ReportState.DIRECTED


def test_awaiting_completion_and_resume() -> None:
    """An incomplete report waits for the reporter, records what is missing, then resumes."""
    report = submit(details=ReporterDetails(name="Budi Santoso", phone=PHONE), evidence=())
    assert not report.requirements_met
    assert [p.code for p in report.blocking_problems] == ["nik_missing", "evidence_missing"]
    assert report.reporter is None
    report.receive(at=T0.add(minutes=5), actor=OFFICER)
    with pytest.raises(RequirementsNotMetError) as info:
        report.forward(at=T0.add(minutes=6), actor=OFFICER)
    assert [p.code for p in info.value.problems] == ["nik_missing", "evidence_missing"]
    assert report.state is ReportState.RECEIVED
    report.request_completion(at=T0.add(minutes=6), actor=OFFICER)
    assert report.state is ReportState.AWAITING_COMPLETION
    assert report.is_paused
    assert [m["code"] for m in report.events[-1].payload["missing"]] == [
        "nik_missing",
        "evidence_missing",
    ]
    message = report.requirements_check().reporter_message()
    assert "NIK" in message
    assert NIK not in message

    report.complete_requirements(
        at=T0.add(minutes=30), actor=REPORTER, details=ReporterDetails(nik=NIK)
    )
    assert report.state is ReportState.AWAITING_COMPLETION
    assert report.events[-1].action == Action.SUPPLEMENT_REQUIREMENTS
    assert [p.code for p in report.blocking_problems] == ["evidence_missing"]
    assert report.reporter is not None

    report.complete_requirements(at=T0.add(minutes=40), actor=REPORTER, evidence=[PDF])
    assert report.state is ReportState.RECEIVED
    assert report.events[-1].action == Action.COMPLETE_REQUIREMENTS
    assert report.requirements_met
    assert len(report.evidence) == 1
    finish(report, T0.add(minutes=45))
    assert report.state is ReportState.COMPLETED
    assert Report.from_events(report.events) == report


def test_completion_needs_something_new_and_something_missing() -> None:
    """Asking to complete a complete report, or completing with nothing, is refused."""
    report = submit()
    report.receive(at=T0.add(minutes=1), actor=OFFICER)
    with pytest.raises(RequirementsAlreadyMetError):
        report.request_completion(at=T0.add(minutes=2), actor=OFFICER)
    incomplete = submit(evidence=())
    incomplete.receive(at=T0.add(minutes=1), actor=OFFICER)
    incomplete.request_completion(at=T0.add(minutes=2), actor=OFFICER)
    with pytest.raises(ReportInputError) as info:
        incomplete.complete_requirements(at=T0.add(minutes=3), actor=REPORTER)
    assert info.value.code == "nothing_supplied"
    assert incomplete.version == 3


def test_evidence_sent_again_is_kept_once() -> None:
    """A file the reporter sends again is not added twice."""
    report = submit(details=ReporterDetails(name="Budi Santoso", phone=PHONE))
    report.receive(at=T0.add(minutes=1), actor=OFFICER)
    report.request_completion(at=T0.add(minutes=2), actor=OFFICER)
    report.complete_requirements(
        at=T0.add(minutes=3), actor=REPORTER, details=ReporterDetails(nik=NIK), evidence=[PDF]
    )
    assert report.state is ReportState.RECEIVED
    assert len(report.evidence) == 1
    assert Report.from_events(report.events) == report


def test_bad_evidence_is_recorded_not_kept() -> None:
    """Unrecognised evidence bytes leave a problem and no file; a good file is kept."""
    report = submit(evidence=(b"bukan berkas",))
    assert [p.code for p in report.blocking_problems] == ["evidence_unrecognised"]
    assert report.evidence == ()
    report.receive(at=T0.add(minutes=1), actor=OFFICER)
    report.request_completion(at=T0.add(minutes=2), actor=OFFICER)
    report.complete_requirements(at=T0.add(minutes=3), actor=REPORTER, evidence=[PDF])
    assert report.state is ReportState.RECEIVED
    assert [e.media_type.value for e in report.evidence] == ["application/pdf"]


def test_adding_to_a_submission_completes_it_before_it_is_received() -> None:
    """The screenshot sent after the text is added to the submitted report and checked again."""
    report = submit(evidence=())
    assert [p.code for p in report.blocking_problems] == ["evidence_missing"]
    report.add_to_submission(
        at=T0.add(minutes=2), actor=REPORTER, message="  Ini buktinya. ", evidence=[PDF]
    )
    assert report.state is ReportState.SUBMITTED
    assert report.requirements_met
    assert report.message == "Dugaan pungutan liar dalam pengurusan izin.\nIni buktinya."
    assert [e.media_type.value for e in report.evidence] == ["application/pdf"]
    event = report.events[-1]
    assert (event.action, event.from_state, event.to_state) == (
        "add_to_submission",
        "submitted",
        "submitted",
    )
    assert event.payload["message"] == "Ini buktinya."
    assert event.payload["problems"] == ()
    assert Report.from_events(report.events) == report
    report.receive(at=T0.add(minutes=5), actor=OFFICER)
    report.forward(at=T0.add(minutes=6), actor=OFFICER)
    assert report.state is ReportState.FORWARDED


def test_adding_details_or_text_only() -> None:
    """Details alone replace the old fields; evidence alone adds no blank line to the text."""
    report = submit(details=ReporterDetails(name="Budi Santoso", phone=PHONE))
    report.add_to_submission(at=T0.add(minutes=1), actor=REPORTER, details=ReporterDetails(nik=NIK))
    assert report.details.nik == NIK
    assert report.requirements_met
    assert report.message == "Dugaan pungutan liar dalam pengurusan izin."
    report.add_to_submission(at=T0.add(minutes=2), actor=REPORTER, message="Tambahan.")
    assert report.message.endswith("izin.\nTambahan.")
    assert [e.action for e in report.events] == ["submit", *["add_to_submission"] * 2]
    assert Report.from_events(report.events) == report


def test_adding_to_a_submission_is_refused_when_it_cannot_be() -> None:
    """Nothing new, too long a text, another sender, staff, or a received report: refused."""
    report = submit(evidence=())
    before = snapshot(report)
    refusals: list[tuple[Callable[[], None], type[Exception], str]] = [
        (
            lambda: report.add_to_submission(at=T0.add(minutes=1), actor=REPORTER, message=" "),
            ReportInputError,
            "nothing_supplied",
        ),
        (
            lambda: report.add_to_submission(
                at=T0.add(minutes=1), actor=REPORTER, message="x" * 65_536
            ),
            ReportInputError,
            "message_too_long",
        ),
        (
            lambda: report.add_to_submission(
                at=T0.add(minutes=1),
                actor=REPORTER,
                message=42,  # type: ignore[arg-type]  # bad input
            ),
            ReportInputError,
            "message_too_long",
        ),
        (
            lambda: report.add_to_submission(
                at=T0.add(minutes=1), actor=Actor("+6281111111111", Role.REPORTER), message="Hai"
            ),
            TransitionNotAllowedError,
            "actor_not_allowed",
        ),
        (
            lambda: report.add_to_submission(at=T0.add(minutes=1), actor=OFFICER, message="Hai"),
            TransitionNotAllowedError,
            "role_not_allowed",
        ),
        (
            lambda: report.add_to_submission(
                at=T0.subtract(minutes=1), actor=REPORTER, message="Hai"
            ),
            ReportInputError,
            "instant_before_previous_event",
        ),
    ]
    for act, error, code in refusals:
        with pytest.raises(error) as info:
            act()
        assert info.value.code == code  # type: ignore[attr-defined]  # every library error has one
        assert snapshot(report) == before
        assert report.message == "Dugaan pungutan liar dalam pengurusan izin."
    report.receive(at=T0.add(minutes=1), actor=OFFICER)
    with pytest.raises(TransitionNotAllowedError) as not_now:
        report.add_to_submission(at=T0.add(minutes=2), actor=REPORTER, evidence=[PDF])
    assert (not_now.value.code, not_now.value.state) == ("transition_not_allowed", "received")
    assert report.version == 2


@given(st.lists(st.text(max_size=40), max_size=5), st.lists(st.booleans(), max_size=5))
def test_additions_rebuild_and_keep_the_text_in_order(
    texts: list[str], with_pdf: list[bool]
) -> None:
    """Any run of additions keeps the earlier text as a prefix and rebuilds to the live report."""
    report = submit(evidence=())
    for i, (text, pdf) in enumerate(zip(texts, with_pdf, strict=False)):
        previous = report.message
        if not text.strip() and not pdf:
            with pytest.raises(ReportInputError, match="bukti baru"):
                report.add_to_submission(at=T0.add(minutes=i), actor=REPORTER, message=text)
            continue
        report.add_to_submission(
            at=T0.add(minutes=i), actor=REPORTER, message=text, evidence=[PDF] if pdf else []
        )
        assert report.message.startswith(previous)
        assert report.requirements_met == any(p for p in with_pdf[: i + 1])
    assert report.state is ReportState.SUBMITTED
    assert Report.from_events(report.events) == report


def test_close_as_spam() -> None:
    """A message that is not a report is closed with a reason; nothing happens after."""
    report = submit(details=ReporterDetails(phone=PHONE), evidence=())
    report.close(at=T0.add(minutes=3), actor=OFFICER, reason=CloseReason.SPAM)
    assert report.state is ReportState.CLOSED
    assert report.is_final
    assert (report.close_reason, report.close_note) == (CloseReason.SPAM, "")
    with pytest.raises(TransitionNotAllowedError):
        report.receive(at=T0.add(minutes=4), actor=OFFICER)
    assert Report.from_events(report.events) == report


def test_close_needs_a_known_reason_and_a_note_for_other() -> None:
    """Closing for 'other' needs a note; an unknown reason is refused; only officers close."""
    report = submit()
    with pytest.raises(ReportInputError) as info:
        report.close(at=T0.add(minutes=1), actor=OFFICER, reason="other")
    assert (info.value.code, info.value.field) == ("note_required", "note")
    with pytest.raises(ReportInputError) as info:
        report.close(at=T0.add(minutes=1), actor=OFFICER, reason="bosan")
    assert info.value.code == "invalid_close_reason"
    with pytest.raises(TransitionNotAllowedError):
        report.close(at=T0.add(minutes=1), actor=HEAD, reason="spam")
    report.close(
        at=T0.add(minutes=1), actor=OFFICER, reason="duplicate", note="Sama dengan LAP/KNJP/2026/7"
    )
    assert report.close_reason is CloseReason.DUPLICATE


def test_forwarded_report_cannot_be_closed() -> None:
    """Once forwarded, the section head's direction decides: the officer cannot close it."""
    report = submit()
    report.receive(at=T0.add(minutes=1), actor=OFFICER)
    report.forward(at=T0.add(minutes=2), actor=OFFICER)
    with pytest.raises(TransitionNotAllowedError) as info:
        report.close(at=T0.add(minutes=3), actor=OFFICER, reason="spam")
    assert info.value.state == "forwarded"


@pytest.mark.parametrize(
    "act",
    [
        lambda r: r.receive(at=T0.subtract(minutes=1), actor=OFFICER),
        lambda r: r.receive(at=dt.datetime(2026, 1, 15, 14), actor=OFFICER),
    ],
)
def test_bad_instants_are_refused(act: Callable[[Report], None]) -> None:
    """An instant before the last event, or without a time zone, is refused; nothing changes."""
    report = submit()
    before = snapshot(report)
    with pytest.raises((ReportInputError, NaiveDatetimeError)):
        act(report)
    assert snapshot(report) == before


def test_submit_refuses_bad_input() -> None:
    """An empty id, an unknown kind, a too long message or a bad number is refused."""
    with pytest.raises(ReportInputError) as info:
        Report.submit(id=" ", at=T0, actor=REPORTER, kind="aduan", details=FULL)
    assert info.value.code == "report_id_required"
    with pytest.raises(ReportInputError) as info:
        Report.submit(id="r", at=T0, actor=REPORTER, kind="keluhan", details=FULL)
    assert info.value.code == "invalid_kind"
    with pytest.raises(ReportInputError) as info:
        Report.submit(
            id="r", at=T0, actor=REPORTER, kind="aduan", details=FULL, message="x" * 70_000
        )
    assert info.value.code == "message_too_long"
    with pytest.raises(ReportInputError) as info:
        Report.submit(id="r", at=T0, actor=REPORTER, kind="aduan", details=FULL, number="LAP 1")
    assert info.value.code == "invalid_report_number"
    with pytest.raises(ReportInputError):
        Actor("", Role.OFFICER)
    with pytest.raises(ReportInputError):
        Actor("x", "admin")


def test_request_for_information_is_a_kind() -> None:
    """A permohonan informasi goes through the same procedure."""
    report = submit(kind="permohonan_informasi")
    assert report.kind is ReportKind.PERMOHONAN_INFORMASI
    assert report.kind.label == "permohonan informasi"


def test_number_is_given_once() -> None:
    """The number is given at submission or assigned once later, and kept when rebuilt."""
    number = format_report_number("KNJP", 2026, 123)
    assert number == "LAP/KNJP/2026/000123"
    report = submit()
    report.assign_number(number)
    report.assign_number(number)
    with pytest.raises(ReportInputError) as info:
        report.assign_number("LAP/KNJP/2026/000124")
    assert info.value.code == "number_already_assigned"
    assert Report.from_events(report.events, number=number) == report
    assert submit(number=number).number == number
    assert Report.from_events(submit(number=number).events).number == number
    with pytest.raises(HistoryTamperedError):
        Report.from_events(submit(number=number).events, number="LAP/KNJP/2026/000999")
    with pytest.raises(ReportInputError):
        format_report_number("KNJP", 26, 1)


def test_attributes_cannot_be_assigned() -> None:
    """The state changes only through the actions, never by assignment."""
    report = submit()
    with pytest.raises(attrs.exceptions.FrozenAttributeError):
        report.state = ReportState.COMPLETED  # type: ignore[misc]  # proving it is refused
    with pytest.raises(attrs.exceptions.FrozenAttributeError):
        report.number = "LAP/X/2026/000001"  # type: ignore[misc]  # proving it is refused


def test_reprs_hide_personal_data() -> None:
    """Report, actor and details reprs never show the name, NIK, number or message whole."""
    report = submit()
    texts = [repr(report), repr(REPORTER), repr(report.details), repr(report.events[0])]
    for text in texts:
        for secret in (NIK, PHONE, "Budi", "Santoso", "pungutan", "0812-3456-7890"):
            assert secret not in text


def test_tampered_history_is_not_rebuilt() -> None:
    """Rebuilding from an edited or truncated history raises HistoryTamperedError."""
    report = submit()
    report.receive(at=T0.add(minutes=1), actor=OFFICER)
    report.forward(at=T0.add(minutes=2), actor=OFFICER)
    edited = list(report.events)
    edited[1] = attrs.evolve(edited[1], actor_id="orang-lain")
    with pytest.raises(HistoryTamperedError) as info:
        Report.from_events(edited)
    assert info.value.details["kind"] == TamperKind.EDITED
    with pytest.raises(HistoryTamperedError):
        Report.from_events(report.events[:2], version=3, head=report.head_hash)
    with pytest.raises(HistoryTamperedError) as info:
        Report.from_events([])
    assert info.value.code == "history_empty"


def test_well_chained_but_illegal_history_is_not_rebuilt() -> None:
    """A forged, correctly hashed event the workflow does not allow is refused on rebuild."""
    report = submit()
    forged = Event.record(
        report.events[-1],
        report_id=report.id,
        action="deliver_follow_up",
        actor_id=OFFICER.id,
        actor_role="officer",
        at=T0.add(minutes=1),
        from_state="submitted",
        to_state="completed",
        payload={"follow_up": "x", "direction_seq": 1, "direction_hash": "0" * 64},
    )
    with pytest.raises(TransitionNotAllowedError):
        Report.from_events([*report.events, forged])
    lying = Event.record(
        report.events[-1],
        report_id=report.id,
        action="receive",
        actor_id=OFFICER.id,
        actor_role="officer",
        at=T0.add(minutes=1),
        from_state="submitted",
        to_state="completed",
    )
    with pytest.raises(HistoryTamperedError) as info:
        Report.from_events([*report.events, lying])
    assert info.value.code == "history_inconsistent"


def test_details_merge_and_round_trip() -> None:
    """Newer details replace older fields one by one and survive to_dict/from_dict."""
    old = ReporterDetails(name="Budi", nik="1", phone=PHONE)
    new = old.merged(ReporterDetails(nik=NIK, email="budi@example.id"))
    assert (new.name, new.nik, new.phone, new.email) == ("Budi", NIK, PHONE, "budi@example.id")
    assert ReporterDetails.from_dict(new.to_dict()) == new
    assert ReporterDetails().is_empty
    with pytest.raises(ReportInputError):
        ReporterDetails.from_dict({"ktp": NIK})
    with pytest.raises(ReportInputError):
        ReporterDetails(nik=3171010101900001)  # type: ignore[arg-type]  # wrong type on purpose


def test_channel_defaults_to_the_office_whatsapp() -> None:
    """A report arrives on the office's WhatsApp number unless another channel is given."""
    other = Channel("whatsapp", "+6281148000000")
    assert submit(channel=other).channel == other
    assert submit().channel.address == "+6281212313170"


# --- SLA ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def working_time() -> WorkingTime:
    return WorkingTime(indonesian_calendar())


def test_sla_runs_across_a_national_holiday(working_time: WorkingTime) -> None:
    """Received Thursday 15:00: the Friday holiday and the weekend push the deadline to Monday."""
    report = submit(at=pendulum.datetime(2026, 1, 15, 15, tz=WIB))
    sla = report.sla(pendulum.datetime(2026, 1, 15, 15, 30, tz=WIB), working_time)
    assert sla.deadline == pendulum.datetime(2026, 1, 19, 10, tz=WIB)
    assert sla.elapsed == dt.timedelta(minutes=30)
    assert sla.remaining == dt.timedelta(hours=2, minutes=30)
    assert sla.status is SlaStatus.ON_TIME
    assert not sla.provisional
    assert sla.closures[0].name == "Isra Mikraj Nabi Muhammad"
    assert "Isra Mikraj" in sla.explain()
    late = report.sla(pendulum.datetime(2026, 1, 19, 10, 1, tz=WIB), working_time)
    assert late.status is SlaStatus.BREACHED


def test_sla_pauses_while_awaiting_completion_across_the_holiday(
    working_time: WorkingTime,
) -> None:
    """Waiting for the reporter from Thursday to Monday pauses the clock; step 5 stops it."""
    report = submit(evidence=())
    report.receive(at=T0.add(minutes=10), actor=OFFICER)
    report.request_completion(at=T0.add(hours=1), actor=OFFICER)  # 1 h used, Thu 14:00
    waiting = report.sla(pendulum.datetime(2026, 1, 19, 9, tz=WIB), working_time)
    assert waiting.elapsed == dt.timedelta(hours=1)
    assert waiting.pauses == ((T0.add(hours=1), pendulum.datetime(2026, 1, 19, 9, tz=WIB)),)
    monday = pendulum.datetime(2026, 1, 19, 10, tz=WIB)
    report.complete_requirements(at=monday, actor=REPORTER, evidence=[PDF])
    sla = report.sla(monday.add(hours=1), working_time)
    assert sla.elapsed == dt.timedelta(hours=2)
    assert sla.deadline == monday.add(hours=2)
    assert sla.pauses == ((T0.add(hours=1), monday),)
    assert report.pauses() == ((T0.add(hours=1), monday),)
    assert sla.status is SlaStatus.AT_RISK
    finish(report, monday.add(minutes=30))
    done = report.sla(monday.add(days=3), working_time)
    assert done.stopped_at == monday.add(minutes=70)
    assert done.status is SlaStatus.ON_TIME
    assert done.elapsed == dt.timedelta(hours=2, minutes=10)
    assert report.clock_stopped_at == monday.add(minutes=70)


def test_sla_can_be_read_for_a_past_instant(working_time: WorkingTime) -> None:
    """Reading the clock before later events ignores them (a pause not yet begun, the stop)."""
    report = submit()
    report.receive(at=T0.add(minutes=5), actor=OFFICER)
    finish(report, T0.add(minutes=10))
    past = report.sla(T0.add(minutes=30), working_time)
    assert past.stopped_at is None
    assert past.elapsed == dt.timedelta(minutes=30)
    with pytest.raises(InstantOrderError):
        report.sla(T0.subtract(minutes=1), working_time)


def test_sla_stops_when_closed_while_waiting(working_time: WorkingTime) -> None:
    """Closing a report that waits for the reporter ends the pause and stops the clock."""
    report = submit(evidence=())
    report.receive(at=T0.add(minutes=10), actor=OFFICER)
    report.request_completion(at=T0.add(minutes=20), actor=OFFICER)
    closed_at = pendulum.datetime(2026, 2, 2, 9, tz=WIB)
    report.close(at=closed_at, actor=OFFICER, reason="abandoned")
    sla = report.sla(closed_at.add(days=1), working_time)
    assert sla.stopped_at == closed_at
    assert sla.elapsed == dt.timedelta(minutes=20)
    assert report.pauses() == ((T0.add(minutes=20), closed_at),)


def test_sla_goal_follows_the_standard(working_time: WorkingTime) -> None:
    """Another office's completion time is passed as the goal."""
    report = submit()
    sla = report.sla(T0.add(minutes=30), working_time, goal=dt.timedelta(hours=1))
    assert sla.deadline == T0.add(hours=1)
    assert sla.status is SlaStatus.AT_RISK


# --- public strategies ------------------------------------------------------------------------


@given(st.sets(st.sampled_from(ReportState), min_size=1), st.data())
def test_reports_strategy_reaches_the_states_asked(
    states: set[ReportState], data: st.DataObject
) -> None:
    """reports() ends in one of the states asked, by legal steps whose history verifies."""
    report = data.draw(_reports.reports(states=states))
    assert report.state in states
    assert verify(report.events, version=report.version, head=report.head_hash).ok
    assert Report.from_events(report.events) == report
    assert [e.seq for e in report.collect_new_events()] == list(range(1, report.version + 1))


@given(_reports.reporter_details(complete=True), _reports.reporter_details(complete=False))
def test_reporter_details_strategy_meets_requirement_one_or_not(
    whole: ReporterDetails, spoiled: ReporterDetails
) -> None:
    """Complete details make a reporter; incomplete ones leave a blocking identity problem."""
    assert submit(details=whole).reporter is not None
    report = submit(details=spoiled)
    assert report.reporter is None
    assert any(not p.field.startswith("evidence") for p in report.blocking_problems)


@given(_reports.roles().flatmap(lambda r: st.tuples(st.just(r), _reports.actors(r))))
def test_actors_strategy_gives_the_role_asked(pair: tuple[Role, Actor]) -> None:
    """actors(role) gives actors of that role, with ids that are never shown whole."""
    role, actor = pair
    assert actor.role is role
    assert actor.id not in repr(actor)
