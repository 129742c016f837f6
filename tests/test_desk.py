"""
Tests of the desk through its public API, on in-memory and SQLite storage: webhook to report,
the five steps, the outbox and the dispatcher, redeliveries, the SLA sweep and refusals.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from layanan_aduan import examples
from layanan_aduan.adapters.evidence_store import InMemoryEvidenceStore
from layanan_aduan.adapters.messaging import InMemoryMediaFetcher, InMemoryMessenger
from layanan_aduan.adapters.staff import InMemoryStaffDirectory
from layanan_aduan.adapters.storage import InMemoryStorage, SqliteStorage
from layanan_aduan.adapters.whatsapp.inbound import parse_webhook
from layanan_aduan.clock import FixedClock
from layanan_aduan.domain.staff import Assignment, StaffMember, StaffRole
from layanan_aduan.domain.workflow import ReportState
from layanan_aduan.exceptions import (
    MessagingUnavailableError,
    ReportNotFoundError,
    TransitionNotAllowedError,
)
from layanan_aduan.messaging import Recipient
from layanan_aduan.notifications import NotificationKind
from layanan_aduan.ports import OutboxStatus
from layanan_aduan.service_layer.bootstrap import Services, compose
from layanan_aduan.service_layer.desk import SlaState, parse_details

PNG = examples.screenshot_png()
BODY = examples.whatsapp_webhook()
MEDIA_ID = "1480000000000001"
SECTION_HEAD = Recipient(phone="+6281100002222")
T0 = pendulum.datetime(2026, 1, 12, 2, 5, tz="UTC")  # Monday 09:05 WIB


def _staff() -> InMemoryStaffDirectory:
    """Two officers and the section head of the office (KNJP)."""

    def member(staff_id: str, name: str, phone: str, role: StaffRole) -> StaffMember:
        return StaffMember(staff_id, name, phone=phone, assignments=(Assignment(role, "KNJP"),))

    return InMemoryStaffDirectory(
        {
            "KNJP": [
                member("petugas-01", "Rina Wulandari", "+6281311112222", StaffRole.OFFICER),
                member("petugas-02", "Dedi Kurniawan", "+6281311113333", StaffRole.OFFICER),
                member("kasi-intel-01", "Andi Pratama", "+6281100002222", StaffRole.SECTION_HEAD),
            ]
        }
    )


class _FailingFetcher(InMemoryMediaFetcher):
    def __init__(self) -> None:
        super().__init__()
        self.failures = 1

    def fetch(self, media_id: str, *, max_bytes: int | None = None) -> Any:
        if self.failures:
            self.failures -= 1
            raise MessagingUnavailableError("Sementara tidak tersedia.", "Unavailable.")
        return super().fetch(media_id, max_bytes=max_bytes)


@pytest.fixture(params=["memory", "sqlite"])
def storage_kind(request: pytest.FixtureRequest) -> str:
    kind: str = request.param
    return kind


@pytest.fixture
def world(storage_kind: str, tmp_path: Path) -> Iterator[tuple[Services, InMemoryMessenger]]:
    storage = InMemoryStorage() if storage_kind == "memory" else SqliteStorage.open(tmp_path / "db")
    media = InMemoryMediaFetcher()
    media.put(MEDIA_ID, PNG, "image/png")
    messenger = InMemoryMessenger()
    services = compose(
        business_numbers=("106540352242922",),
        storage=storage,
        evidence=InMemoryEvidenceStore(),
        messenger=messenger,
        media=media,
        clock=FixedClock(T0),
        staff=_staff(),
    )
    with services:
        yield services, messenger


def _advance(services: Services, minutes: int) -> None:
    clock = services.desk.clock
    assert isinstance(clock, FixedClock)
    clock.advance(pendulum.duration(minutes=minutes))


def _text_only(text: str, message_id: str = "wamid.T.1", at: int = 1768183200) -> bytes:
    document = json.loads(BODY)
    value = document["entry"][0]["changes"][0]["value"]
    value["messages"] = [
        {
            "from": "6281234567890",
            "id": message_id,
            "timestamp": str(at),
            "type": "text",
            "text": {"body": text},
        }
    ]
    return json.dumps(document).encode()


def _image_only(message_id: str, at: int) -> bytes:
    document = json.loads(BODY)
    value = document["entry"][0]["changes"][0]["value"]
    image = value["messages"][1]
    value["messages"] = [{**image, "id": message_id, "timestamp": str(at)}]
    return json.dumps(document).encode()


def test_webhook_to_follow_up_delivers_each_notification_exactly_once(
    world: tuple[Services, InMemoryMessenger],
) -> None:
    """A webhook becomes a numbered report; the five steps and the dispatcher deliver the
    acknowledgement, the handover, the follow-up and the rating question once each, to the
    right people."""
    services, messenger = world
    desk = services.desk
    result = desk.ingest(parse_webhook(BODY))
    (step,) = result.steps
    number = step.number
    assert number == "LAP/KNJP/2026/000001"
    _advance(services, 10)
    desk.receive(number, officer="petugas-01")
    _advance(services, 10)
    desk.forward(number, officer="petugas-01", summary="Dugaan pungli di kelurahan.")
    _advance(services, 10)
    desk.give_direction(number, section_head="kasi-intel-01", direction="Klarifikasi.")
    _advance(services, 10)
    final = desk.deliver_follow_up(number, officer="petugas-02", follow_up="Sudah diklarifikasi.")
    assert final.state is ReportState.COMPLETED
    summary = services.dispatcher.run()
    assert summary.sent == 4
    assert services.dispatcher.run().claimed == 0
    kinds = [m.idempotency_key.rsplit(":", 1)[1] for m in messenger.messages]
    assert kinds == ["acknowledgement", "handover", "follow_up", "rating_question"]
    assert len({m.idempotency_key for m in messenger.messages}) == 4
    ack, handover, follow_up, question = messenger.messages
    assert (question.kind, question.recipient) == ("interactive", ack.recipient)
    assert ack.recipient == Recipient(phone="+6281234567890")
    assert handover.recipient == SECTION_HEAD
    assert follow_up.text is not None
    assert "Sudah diklarifikasi." in follow_up.text
    assert ack.text is not None
    assert number in ack.text
    assert "12.00 WIB" in ack.text
    report = desk.report(number)
    assert [(e.action, e.actor_id, str(e.actor_role)) for e in report.events] == [
        ("submit", "+6281234567890", "reporter"),
        ("receive", "petugas-01", "officer"),
        ("forward", "petugas-01", "officer"),
        ("give_direction", "kasi-intel-01", "section_head"),
        ("deliver_follow_up", "petugas-02", "officer"),
    ]
    assert report.details.phone == "+6281234567890"
    assert len(report.evidence) == 1
    assert services.desk.evidence.contains(report.evidence[0].sha256)


def test_redelivered_webhook_is_ingested_once(world: tuple[Services, InMemoryMessenger]) -> None:
    """A webhook delivered twice makes one report and one acknowledgement."""
    services, _ = world
    first = services.desk.ingest(parse_webhook(BODY))
    again = services.desk.ingest(parse_webhook(BODY))
    assert len(first.steps) == 1
    assert again.steps == ()
    assert again.duplicates == 2
    assert len(services.desk.list_reports()) == 1
    assert services.storage.outbox.counts()[OutboxStatus.PENDING] == 1


def test_incomplete_report_is_told_what_is_missing_and_completed_later(
    world: tuple[Services, InMemoryMessenger],
) -> None:
    """A report without NIK and evidence is acknowledged with what is missing; after the
    officer asks, the reporter's next messages complete it and it goes back to received."""
    services, messenger = world
    desk = services.desk
    (step,) = desk.ingest(parse_webhook(_text_only("Nama: Budi Santoso\nAda pungli."))).steps
    assert [n.kind for n in step.notifications] == [
        NotificationKind.ACKNOWLEDGEMENT,
        NotificationKind.MISSING_REQUIREMENTS,
    ]
    assert step.number is not None
    desk.receive(step.number, officer="petugas-01")
    asked = desk.request_completion(step.number, officer="petugas-01")
    assert asked.state is ReportState.AWAITING_COMPLETION
    assert [n.kind for n in asked.notifications] == [NotificationKind.MISSING_REQUIREMENTS]
    _advance(services, 30)
    body = _text_only("NIK: 3171010101900001", message_id="wamid.T.2", at=1768185000)
    (supplemented,) = desk.ingest(parse_webhook(body)).steps
    assert supplemented.actions == ("supplement_requirements",)
    (completed,) = desk.ingest(parse_webhook(_image_only("wamid.T.3", 1768185060))).steps
    assert completed.actions == ("complete_requirements",)
    assert completed.state is ReportState.RECEIVED
    assert completed.report_id == step.report_id
    services.dispatcher.run()
    missing = [m for m in messenger.messages if "missing_requirements" in m.idempotency_key]
    assert len(missing) == 3
    assert all("3171010101900001" not in (m.text or "") for m in messenger.messages)


TEXT = "Nama: Budi Santoso\nNIK: 3171010101900001\nAda pungli di kelurahan."
AT = 1768183200  # 02:00 UTC, 09:00 WIB


def test_screenshot_in_a_second_webhook_joins_the_submitted_report(
    world: tuple[Services, InMemoryMessenger],
) -> None:
    """A text and, two minutes later in another webhook, its screenshot make one complete
    report: no second acknowledgement, and a redelivery of the second webhook changes nothing."""
    services, messenger = world
    desk = services.desk
    (made,) = desk.ingest(parse_webhook(_text_only(TEXT, at=AT))).steps
    assert [n.kind for n in made.notifications] == [
        NotificationKind.ACKNOWLEDGEMENT,
        NotificationKind.MISSING_REQUIREMENTS,
    ]
    _advance(services, 2)
    second = _image_only("wamid.I.1", AT + 120)
    (added,) = desk.ingest(parse_webhook(second)).steps
    assert (added.report_id, added.number) == (made.report_id, made.number)
    assert added.actions == ("add_to_submission",)
    assert added.state is ReportState.SUBMITTED
    assert added.notifications == ()
    report = desk.report(made.report_id)
    assert report.requirements_met
    assert len(report.evidence) == 1
    assert report.message.endswith("Tangkapan layar percakapan permintaan uang")
    assert report.received_at == pendulum.from_timestamp(AT)
    outbox = services.storage.outbox.counts()
    again = desk.ingest(parse_webhook(second))
    assert (again.steps, again.duplicates) == ((), 1)
    assert desk.report(made.report_id) == report
    assert services.storage.outbox.counts() == outbox
    assert len(desk.list_reports()) == 1
    services.dispatcher.run()
    kinds = [m.idempotency_key.rsplit(":", 1)[1] for m in messenger.messages]
    assert kinds == ["acknowledgement", "missing_requirements"]
    desk.receive(made.report_id, officer="petugas-01")
    assert desk.forward(made.report_id, officer="petugas-01").state is ReportState.FORWARDED


def test_additions_tell_the_reporter_only_when_what_is_missing_changes(
    world: tuple[Services, InMemoryMessenger],
) -> None:
    """The NIK sent a minute later changes what is missing (told again); a text that changes
    nothing missing is added silently."""
    services, _ = world
    desk = services.desk
    first = _text_only("Nama: Budi Santoso\nAda pungli.", at=AT)
    (made,) = desk.ingest(parse_webhook(first)).steps
    nik = _text_only("NIK: 3171010101900001", message_id="wamid.T.2", at=AT + 60)
    (told,) = desk.ingest(parse_webhook(nik)).steps
    assert told.report_id == made.report_id
    assert [n.kind for n in told.notifications] == [NotificationKind.MISSING_REQUIREMENTS]
    more = _text_only("Kejadian kemarin siang.", message_id="wamid.T.3", at=AT + 240)
    (silent,) = desk.ingest(parse_webhook(more)).steps
    assert (silent.report_id, silent.notifications) == (made.report_id, ())
    report = desk.report(made.report_id)
    assert report.details.nik == "3171010101900001"
    assert report.message == "Ada pungli.\nKejadian kemarin siang."
    assert [e.action for e in report.events] == ["submit", *["add_to_submission"] * 2]


def test_a_message_after_the_window_makes_a_new_report(
    world: tuple[Services, InMemoryMessenger],
) -> None:
    """A second message ten minutes after the first starts a report of its own."""
    services, _ = world
    desk = services.desk
    (first,) = desk.ingest(parse_webhook(_text_only(TEXT, at=AT))).steps
    _advance(services, 10)
    (second,) = desk.ingest(parse_webhook(_image_only("wamid.I.1", AT + 600))).steps
    assert second.report_id != first.report_id
    assert second.actions == ("submit",)
    assert NotificationKind.ACKNOWLEDGEMENT in [n.kind for n in second.notifications]
    assert desk.report(first.report_id).version == 1
    assert len(desk.list_reports()) == 2


def test_a_message_after_the_officer_received_the_report_makes_a_new_report(
    world: tuple[Services, InMemoryMessenger],
) -> None:
    """Once the officer has received the report, even a message within the window is a new
    report: what an officer has seen does not change under them."""
    services, _ = world
    desk = services.desk
    (first,) = desk.ingest(parse_webhook(_text_only(TEXT, at=AT))).steps
    desk.receive(first.report_id, officer="petugas-01")
    (second,) = desk.ingest(parse_webhook(_image_only("wamid.I.1", AT + 120))).steps
    assert second.report_id != first.report_id
    assert second.actions == ("submit",)
    assert desk.report(first.report_id).evidence == ()


def test_a_text_too_long_to_add_makes_a_report_of_its_own(
    world: tuple[Services, InMemoryMessenger],
) -> None:
    """A text within the window that the submitted report cannot hold is not lost: it starts
    a new report and the first report is left as it was."""
    services, _ = world
    desk = services.desk
    (first,) = desk.ingest(parse_webhook(_text_only("x" * 40_000, at=AT))).steps
    long = _text_only("y" * 40_000, message_id="wamid.T.2", at=AT + 60)
    (second,) = desk.ingest(parse_webhook(long)).steps
    assert second.report_id != first.report_id
    assert second.actions == ("submit",)
    assert desk.report(first.report_id).version == 1
    assert desk.report(second.report_id).message == "y" * 40_000


def test_refused_step_raises_and_changes_nothing(world: tuple[Services, InMemoryMessenger]) -> None:
    """Forwarding a report the officer has not received raises the workflow's typed error
    and leaves the report and the outbox as they were."""
    services, _ = world
    (step,) = services.desk.ingest(parse_webhook(BODY)).steps
    assert step.number is not None
    before = services.storage.outbox.counts()
    with pytest.raises(TransitionNotAllowedError) as caught:
        services.desk.forward(step.number, officer="petugas-01")
    assert caught.value.code == "transition_not_allowed"
    assert services.desk.report(step.number).version == 1
    assert services.storage.outbox.counts() == before
    with pytest.raises(ReportNotFoundError):
        services.desk.receive("LAP/KNJP/2026/999999", officer="petugas-01")


def test_transient_media_failure_takes_nothing_so_the_redelivery_is_taken_whole(
    storage_kind: str, tmp_path: Path
) -> None:
    """When a media fetch fails transiently the ingest raises and records nothing; the
    redelivered webhook then makes the report with its evidence."""
    storage = InMemoryStorage() if storage_kind == "memory" else SqliteStorage.open(tmp_path / "db")
    media = _FailingFetcher()
    media.put(MEDIA_ID, PNG, "image/png")
    services = compose(
        business_numbers=("106540352242922",),
        storage=storage,
        evidence=InMemoryEvidenceStore(),
        messenger=InMemoryMessenger(),
        media=media,
        clock=FixedClock(T0),
        staff=_staff(),
    )
    with services:
        with pytest.raises(MessagingUnavailableError):
            services.desk.ingest(parse_webhook(BODY))
        assert services.desk.list_reports() == ()
        (step,) = services.desk.ingest(parse_webhook(BODY)).steps
        assert step.number is not None
        assert services.desk.report(step.number).requirements_met


def test_sla_sweep_enqueues_each_alert_once(world: tuple[Services, InMemoryMessenger]) -> None:
    """The sweep enqueues the at-risk alert once, then on the breach the breached alert and
    the service-complaint channel once each, to the section head and the reporter."""
    services, messenger = world
    desk = services.desk
    (step,) = desk.ingest(parse_webhook(BODY)).steps
    assert step.number is not None
    assert desk.sweep_sla() == ()
    _advance(services, 150)  # 11:35 WIB: 2h35 of the 3 working hours used
    assert desk.list_reports()[0].sla is SlaState.AT_RISK
    assert [e.kind for e in desk.sweep_sla()] == [NotificationKind.SLA_AT_RISK]
    assert desk.sweep_sla() == ()
    _advance(services, 60)
    assert desk.list_reports()[0].sla is SlaState.BREACHED
    assert [e.kind for e in desk.sweep_sla()] == [
        NotificationKind.SLA_BREACHED,
        NotificationKind.SERVICE_COMPLAINT_CHANNEL,
    ]
    assert desk.sweep_sla() == ()
    services.dispatcher.run()
    complaint = messenger.sent_with_key(f"{step.report_id}:service_complaint_channel")
    assert complaint[0].recipient.phone == "+6281234567890"
    assert "(021) 65851958" in (complaint[0].text or "")
    assert messenger.sent_with_key(f"{step.report_id}:sla_breached")[0].recipient == SECTION_HEAD


def test_status_callback_marks_a_pending_message_sent(
    world: tuple[Services, InMemoryMessenger],
) -> None:
    """A 'delivered' status carrying an outbox key marks that message sent, so a dispatcher
    that died after sending it does not send it again."""
    services, messenger = world
    (step,) = services.desk.ingest(parse_webhook(BODY)).steps
    key = step.notifications[0].key
    status = {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "id": "1",
                "changes": [
                    {
                        "field": "messages",
                        "value": {
                            "messaging_product": "whatsapp",
                            "metadata": {"phone_number_id": "106540352242922"},
                            "statuses": [
                                {
                                    "id": "wamid.OUT.1",
                                    "status": "delivered",
                                    "timestamp": "1768183300",
                                    "recipient_id": "6281234567890",
                                    "biz_opaque_callback_data": key,
                                }
                            ],
                        },
                    }
                ],
            }
        ],
    }
    result = services.desk.ingest(parse_webhook(json.dumps(status).encode()))
    assert result.statuses == 1
    assert services.storage.outbox.get(key).status is OutboxStatus.SENT
    assert services.dispatcher.run().claimed == 0
    assert messenger.messages == ()


def test_parse_details_reads_labelled_lines_and_keeps_the_rest() -> None:
    """Labelled lines fill the details and the kind; other lines stay the report's text."""
    details, kind, rest = parse_details(
        "nama lengkap = Siti Aminah\nEmail: siti@example.org\nJenis: permohonan informasi\n"
        "Alamat: Jl. Merdeka 1\nMohon informasi perkara."
    )
    assert (details.name, details.email, details.address) == (
        "Siti Aminah",
        "siti@example.org",
        "Jl. Merdeka 1",
    )
    assert str(kind) == "permohonan_informasi"
    assert rest == "Mohon informasi perkara."
    assert parse_details("Nama:\nhalo") == (parse_details("")[0], None, "Nama:\nhalo")


def test_messages_no_report_can_hold_are_taken_once_and_the_rest_kept(
    world: tuple[Services, InMemoryMessenger], caplog: pytest.LogCaptureFixture
) -> None:
    """Two long texts whose sum exceeds a report's bound are taken without a report and
    logged by code only; a redelivery is a duplicate, not a failure."""
    services, _ = world
    document = json.loads(_text_only("x" * 40_000))
    value = document["entry"][0]["changes"][0]["value"]
    second = {**value["messages"][0], "id": "wamid.T.9", "timestamp": "1768183230"}
    value["messages"].append(second)
    body = json.dumps(document).encode()
    result = services.desk.ingest(parse_webhook(body))
    assert (result.steps, result.ignored) == ((), 2)
    assert "message_too_long" in caplog.text
    assert "xxxxxxxxxx" not in caplog.text
    assert services.desk.ingest(parse_webhook(body)).duplicates == 2
    assert services.desk.list_reports() == ()


@given(order=st.lists(st.sampled_from(["both", "text", "image", "later"]), min_size=1))
def test_any_redelivery_schedule_makes_each_report_and_notification_once(
    order: list[str],
) -> None:
    """However WhatsApp redelivers and reorders the example's batches, each batch's first
    delivery makes its report once and the outbox holds each notification once."""
    bodies = {
        "both": BODY,
        "text": _text_only(
            "Nama: Budi Santoso\nAda pungli.", message_id="wamid.X.1", at=1768195000
        ),
        "image": _image_only("wamid.X.2", 1768190000),
        "later": _text_only("Ada pungli lagi.", message_id="wamid.X.3", at=1768200000),
    }
    media = InMemoryMediaFetcher()
    media.put(MEDIA_ID, PNG, "image/png")
    services = compose(
        business_numbers=("106540352242922",),
        storage=InMemoryStorage(),
        evidence=InMemoryEvidenceStore(),
        messenger=InMemoryMessenger(),
        media=media,
        clock=FixedClock(T0.add(hours=3)),
        staff=_staff(),
    )
    made: list[str] = []
    for name in order:
        for step in services.desk.ingest(parse_webhook(bodies[name])).steps:
            made.append(step.report_id)
    assert len(made) == len(set(made)) == len(set(order))
    numbers = [line.number for line in services.desk.list_reports()]
    assert numbers == [f"LAP/KNJP/2026/{i:06d}" for i in range(1, len(set(order)) + 1)]
    messenger = services.dispatcher.messenger
    assert isinstance(messenger, InMemoryMessenger)
    services.dispatcher.run()
    keys = [m.idempotency_key for m in messenger.messages]
    assert len(keys) == len(set(keys))


def test_a_broken_screenshot_is_not_kept_and_the_reporter_is_told() -> None:
    """A truncated PNG is not stored as evidence; the report records the evidence as
    missing and the reporter gets the list of what is missing."""
    media = InMemoryMediaFetcher()
    media.put(MEDIA_ID, PNG[:30], "image/png")
    evidence = InMemoryEvidenceStore()
    services = compose(
        business_numbers=("106540352242922",),
        storage=InMemoryStorage(),
        evidence=evidence,
        messenger=InMemoryMessenger(),
        media=media,
        clock=FixedClock(T0),
        staff=_staff(),
    )
    (step,) = services.desk.ingest(parse_webhook(BODY)).steps
    assert [n.kind for n in step.notifications][-1] is NotificationKind.MISSING_REQUIREMENTS
    report = services.desk.report(step.report_id)
    assert report.evidence == ()
    assert "evidence_truncated" in [p.code for p in report.problems]
    assert not evidence.contains(hashlib.sha256(PNG[:30]).hexdigest())
