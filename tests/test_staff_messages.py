"""
Messages from staff numbers over WhatsApp: never a report; the section head's direction naming a
report is step 4, recorded with that person as the actor; anything else gets a short help text.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pendulum
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from layanan_aduan import examples
from layanan_aduan.adapters.evidence_store import InMemoryEvidenceStore
from layanan_aduan.adapters.messaging import InMemoryMediaFetcher, InMemoryMessenger
from layanan_aduan.adapters.staff import InMemoryStaffDirectory
from layanan_aduan.adapters.storage import InMemoryStorage
from layanan_aduan.adapters.whatsapp import parse_webhook
from layanan_aduan.clock import FixedClock
from layanan_aduan.domain.staff import Assignment, StaffMember, StaffRole
from layanan_aduan.service_layer import Services, compose

T0 = pendulum.datetime(2026, 1, 12, 2, 5, tz="UTC")  # Monday 09:05 WIB
REPORTER, OFFICER, HEAD = "6281234500001", "6281311112222", "6281100002222"
REPORT = "Nama: Budi Santoso\nNIK: 3171010101900001\nDugaan pungli di kelurahan."


def _services() -> Services:
    def member(staff_id: str, phone: str, role: StaffRole) -> StaffMember:
        return StaffMember(staff_id, "Staf", phone=phone, assignments=(Assignment(role, "KNJP"),))

    media = InMemoryMediaFetcher()
    media.put(examples.SCREENSHOT_MEDIA_ID, examples.screenshot_png(), "image/png")
    return compose(
        storage=InMemoryStorage(),
        evidence=InMemoryEvidenceStore(),
        messenger=InMemoryMessenger(),
        media=media,
        clock=FixedClock(T0),
        staff=InMemoryStaffDirectory(
            {
                "KNJP": [
                    member("petugas-01", f"+{OFFICER}", StaffRole.OFFICER),
                    member("kasi-intel-01", f"+{HEAD}", StaffRole.SECTION_HEAD),
                ]
            }
        ),
    )


@pytest.fixture
def services() -> Iterator[Services]:
    with _services() as built:
        yield built


def _text(sender: str, message_id: str, body: str) -> bytes:
    document = json.loads(examples.whatsapp_webhook())
    value = document["entry"][0]["changes"][0]["value"]
    value["contacts"][0]["wa_id"] = sender
    text = dict(value["messages"][0], id=message_id, **{"from": sender})
    text["text"] = {"body": body}
    text["timestamp"] = str(int(T0.subtract(minutes=1).timestamp()))
    value["messages"] = [text]
    return json.dumps(document).encode()


def _forwarded(services: Services) -> str:
    desk = services.desk
    (made,) = desk.ingest(parse_webhook(examples.whatsapp_webhook())).steps
    desk.receive(made.report_id, officer="petugas-01")
    desk.forward(made.report_id, officer="petugas-01")
    assert made.number is not None
    return made.number


def test_the_section_head_gives_the_direction_over_whatsapp(services: Services) -> None:
    """ "Arahan <number>: <text>" from the section head's number is step 4, by that person."""
    number = _forwarded(services)
    body = f"Arahan {number.lower().replace('/', ' ')}: Klarifikasi ke kantor kelurahan."
    result = services.desk.ingest(parse_webhook(_text(HEAD, "wamid.D1", body)))
    (step,) = result.steps
    assert step.state.value == "directed"
    report = services.desk.report(number)
    assert report.direction == "Klarifikasi ke kantor kelurahan."
    last = report.events[-1]
    assert (last.actor_id, last.actor_role.value) == ("kasi-intel-01", "section_head")
    assert len(services.desk.list_reports()) == 1


@pytest.mark.parametrize(
    ("sender", "body", "note"),
    [
        (HEAD, "Selamat pagi", "tidak menyebut nomor laporan"),
        (OFFICER, "Arahan LAP/KNJP/2026/000001: klarifikasi.", "Kepala Seksi"),
        (HEAD, "Arahan LAP/KNJP/2026/000999: klarifikasi.", "tidak ditemukan"),
    ],
)
def test_anything_else_from_staff_gets_help_and_makes_nothing(
    services: Services, sender: str, body: str, note: str
) -> None:
    """A greeting, a direction by someone who may not give it, or one naming no report gets a
    help text saying why, and changes nothing."""
    number = _forwarded(services)
    before = services.desk.report(number).version
    result = services.desk.ingest(parse_webhook(_text(sender, "wamid.S1", body)))
    assert result.steps == ()
    [key] = result.answers
    text = services.storage.outbox.get(key).payload["text"]
    assert "Arahan LAP/KNJP/2026/" in text
    assert note in text
    assert services.desk.report(number).version == before
    assert len(services.desk.list_reports()) == 1


@settings(max_examples=30, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    sender=st.sampled_from([OFFICER, HEAD]),
    body=st.one_of(
        st.just(REPORT),
        st.just("000001"),
        st.just("Arahan LAP/KNJP/2026/000001: tindak lanjuti."),
        st.text(min_size=1, max_size=200).filter(str.strip),
    ),
)
def test_no_message_from_a_staff_number_ever_makes_a_report(sender: str, body: str) -> None:
    """Whatever a staff number sends, it makes no report and opens no SLA clock."""
    with _services() as services:
        services.desk.ingest(parse_webhook(_text(sender, "wamid.X", body)))
        assert services.desk.list_reports() == ()
