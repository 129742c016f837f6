"""
Invariants of the intake, whatever the messages: no message from a staff number ever makes a
report, whatever its type, sender form or text; and a status answer never carries another
reporter's data (their report's number, name, NIK, number or deadline).

The third invariant of issue 9, that redeliveries of any conversation change nothing, runs over
the golden transcripts in ``tests/test_transcripts.py``.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pendulum
from hypothesis import given, settings
from hypothesis import strategies as st

from layanan_aduan import examples
from layanan_aduan.adapters.evidence_store import InMemoryEvidenceStore
from layanan_aduan.adapters.messaging import InMemoryMediaFetcher, InMemoryMessenger
from layanan_aduan.adapters.staff import InMemoryStaffDirectory
from layanan_aduan.adapters.storage import InMemoryStorage
from layanan_aduan.adapters.whatsapp import parse_webhook
from layanan_aduan.clock import FixedClock
from layanan_aduan.domain.staff import Assignment, StaffMember, StaffRole
from layanan_aduan.notifications import format_instant
from layanan_aduan.service_layer import Services, compose
from layanan_aduan.testing.messaging import media_messages, text_messages

T0 = pendulum.datetime(2026, 1, 12, 2, 5, tz="UTC")  # Monday 09:05 WIB
ZONE = "Asia/Jakarta"
DISPLAY, NUMBER_ID = "6281212313170", "106540352242922"
REPORTER = "6281234500001"
REPORT = "Nama: Budi Santoso\nNIK: 3171010101900001\nAda pungli di kelurahan."

# (staff id, role, WhatsApp number, business-scoped user id)
STAFF = [
    ("petugas-01", StaffRole.OFFICER, "6281311112222", "ID.11110000222233334444"),
    ("kasi-intel-01", StaffRole.SECTION_HEAD, "6281100002222", None),
    ("kajari", StaffRole.OFFICE_HEAD, "6281277778888", "ID.99990000888877776666"),
]


def _directory() -> InMemoryStaffDirectory:
    members = [
        StaffMember(
            staff_id,
            "Staf",
            phone=f"+{phone}",
            whatsapp_user_id=user_id,
            assignments=(Assignment(role, "KNJP"),),
        )
        for staff_id, role, phone, user_id in STAFF
    ]
    return InMemoryStaffDirectory({"KNJP": members})


def _services(clock: FixedClock) -> Services:
    media = InMemoryMediaFetcher()
    media.put(examples.SCREENSHOT_MEDIA_ID, examples.screenshot_png(), "image/png")
    return compose(
        storage=InMemoryStorage(),
        evidence=InMemoryEvidenceStore(),
        messenger=InMemoryMessenger(),
        media=media,
        clock=clock,
        staff=_directory(),
    )


def _webhook(messages: list[dict[str, Any]], contacts: list[dict[str, Any]]) -> bytes:
    """A Cloud API webhook to the office's business number."""
    value = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": DISPLAY, "phone_number_id": NUMBER_ID},
        "contacts": contacts,
        "messages": messages,
    }
    document = {
        "object": "whatsapp_business_account",
        "entry": [{"id": "102290129340398", "changes": [{"field": "messages", "value": value}]}],
    }
    return json.dumps(document).encode()


def _text(sender: str, message_id: str, at: pendulum.DateTime, body: str) -> bytes:
    message = {
        "from": sender,
        "id": message_id,
        "timestamp": str(int(at.timestamp())),
        "type": "text",
        "text": {"body": body},
    }
    return _webhook([message], [{"profile": {"name": "Pelapor"}, "wa_id": sender}])


def _report(sender: str, message_id: str, at: pendulum.DateTime, body: str) -> bytes:
    """A report's text and its screenshot, in one webhook."""
    document = json.loads(_text(sender, message_id, at, body))
    document["entry"][0]["changes"][0]["value"]["messages"].append(
        {
            "from": sender,
            "id": message_id + ".img",
            "timestamp": str(int(at.timestamp())),
            "type": "image",
            "image": {"id": examples.SCREENSHOT_MEDIA_ID, "mime_type": "image/png"},
        }
    )
    return json.dumps(document).encode()


# --- no message from a staff number ever makes a report -----------------------------------------

_UNUSABLE = {
    "audio": {"id": "1480000000000101", "mime_type": "audio/ogg; codecs=opus", "voice": True},
    "video": {"id": "1480000000000102", "mime_type": "video/mp4"},
    "sticker": {"id": "1480000000000103", "mime_type": "image/webp", "animated": False},
    "location": {"latitude": -6.1753924, "longitude": 106.8271528, "name": "Monas"},
    "contacts": [{"name": {"formatted_name": "Joko"}, "phones": [{"phone": "+6281200001111"}]}],
    "reaction": {"message_id": "wamid.X", "emoji": "\U0001f44d"},
}

_STAFF_TEXTS = st.one_of(
    st.sampled_from(
        [
            "Nama: Rina Wulandari\nNIK: 3171016107900003\nJenis: laporan\nAda pungli di loket.",
            "Arahan LAP/KNJP/2026/000001: klarifikasi ke kelurahan.",
            "arahan lap knjp 2026 1 segera tindak lanjuti",
            "Arahan LAP/KNJP/2026/000999: klarifikasi.",
            "000001",
            "cek status",
            "halo",
            "Terima kasih",
            "",
            "\U0001f44d",
        ]
    ),
    st.text(max_size=300),
)


@st.composite
def _staff_message(draw: st.DrawFn, person: tuple[str | None, str | None]) -> dict[str, Any]:
    kind = draw(st.sampled_from(["text", "media", *_UNUSABLE, "unsupported"]))
    if kind == "text":
        message = draw(text_messages(person))
        message["text"] = {"body": draw(_STAFF_TEXTS)}
    elif kind == "media":
        message = draw(media_messages(person))
        media = message[message["type"]]
        media["id"] = draw(st.sampled_from([examples.SCREENSHOT_MEDIA_ID, media["id"]]))
        if draw(st.booleans()):
            media["caption"] = draw(_STAFF_TEXTS)
    else:
        message = draw(text_messages(person))
        del message["text"]
        message["type"] = kind
        if kind == "unsupported":
            message["errors"] = [{"code": 131051, "title": "Message type unknown"}]
        else:
            message[kind] = _UNUSABLE[kind]
    if draw(st.booleans()):
        message["context"] = {"from": DISPLAY, "id": "memory.2"}
    return message


@st.composite
def _staff_webhooks(draw: st.DrawFn) -> list[bytes]:
    """Webhooks from one staff member (by number, user id or both), one to three messages each."""
    _, _, phone, user_id = draw(st.sampled_from(STAFF))
    shapes = ["wa_id", "both", "user_id"] if user_id is not None else ["wa_id"]
    shape = draw(st.sampled_from(shapes))
    person = (phone if shape != "user_id" else None, user_id if shape != "wa_id" else None)
    contact: dict[str, Any] = {"profile": {"name": "Staf"}}
    if person[0] is not None:
        contact["wa_id"] = person[0]
    if person[1] is not None:
        contact["user_id"] = person[1]
    webhooks = []
    for _ in range(draw(st.integers(1, 3))):
        messages = draw(st.lists(_staff_message(person), min_size=1, max_size=3))
        webhooks.append(_webhook(messages, [contact]))
    return webhooks


@settings(max_examples=60)
@given(webhooks=_staff_webhooks(), forwarded=st.booleans(), minutes=st.integers(0, 600))
def test_no_message_from_a_staff_number_ever_makes_a_report(
    webhooks: list[bytes], forwarded: bool, minutes: int
) -> None:
    """
    Whatever a staff member sends (text of any kind, an image or a document with any caption,
    a voice note, a sticker, a location, a reaction, an unknown type; as a reply or not; known
    by number, user id or both; once or several times), no report is made, no report is added
    to, and nobody is acknowledged: at most the section head's direction is recorded.
    """
    clock = FixedClock(T0)
    with _services(clock) as services:
        desk = services.desk
        (made,) = desk.ingest(parse_webhook(_report(REPORTER, "wamid.R1", T0, REPORT))).steps
        if forwarded:
            desk.receive(made.report_id, officer="petugas-01")
            desk.forward(made.report_id, officer="petugas-01")
        before = desk.report(made.report_id).events
        outbox_before = {m.key for m in services.storage.outbox.list(limit=1000).items}
        clock.advance(pendulum.duration(minutes=minutes))
        for body in webhooks:
            result = desk.ingest(parse_webhook(body))
            assert all(step.actions == ("give_direction",) for step in result.steps)
        assert [line.report_id for line in desk.list_reports()] == [made.report_id]
        after = desk.report(made.report_id).events
        assert after[: len(before)] == before
        assert all(
            (e.action, e.actor_id) == ("give_direction", "kasi-intel-01")
            for e in after[len(before) :]
        )
        new = [
            m.payload["notification"]
            for m in services.storage.outbox.list(limit=1000).items
            if m.key not in outbox_before
        ]
        assert set(new) <= {"staff_help", "unsupported"}


# --- a status answer never carries another reporter's data ----------------------------------------

_NAMES = ["Budi Santoso", "Sari Wulandari", "Eko Prasetyo", "Dewi Lestari"]


@st.composite
def _reports(draw: st.DrawFn) -> list[tuple[int, int, str]]:
    """(reporter, minutes after the previous report, the officer's progress) for each report."""
    count = draw(st.integers(1, 7))
    return [
        (
            draw(st.integers(0, len(_NAMES) - 1)),
            draw(st.integers(6, 300)),
            draw(st.sampled_from(["none", "receive", "forward"])),
        )
        for _ in range(count)
    ]


def _question(spelling: str, serial: int) -> str:
    return {
        "full": f"Bagaimana perkembangan laporan LAP/KNJP/2026/{serial:06d}?",
        "loose": f"lap knjp 2026 {serial}",
        "serial": f"{serial:06d}",
        "words": "cek status laporan saya",
    }[spelling]


@settings(max_examples=60)
@given(
    reports=_reports(),
    asker=st.integers(0, len(_NAMES)),  # len(_NAMES): someone with no report
    spelling=st.sampled_from(["full", "loose", "serial", "words"]),
    serial=st.integers(1, 9),
    later=st.integers(0, 2000),
)
def test_a_status_answer_never_carries_another_reporters_data(
    reports: list[tuple[int, int, str]], asker: int, spelling: str, serial: int, later: int
) -> None:
    """
    Several reporters, each with their reports in several states, and a question in any
    spelling from one of them (or from someone with none): the answer names the asker's own
    report, with that report's deadline, or is the one "not found" answer; it never holds another
    reporter's report number, name, NIK, telephone number or deadline.
    """
    phones = [f"62812345000{i + 10}" for i in range(len(_NAMES) + 1)]
    niks = [f"31710101019000{i + 10}" for i in range(len(_NAMES))]
    clock = FixedClock(T0)
    with _services(clock) as services:
        desk = services.desk
        for i, (who, minutes, progress) in enumerate(reports):
            clock.advance(pendulum.duration(minutes=minutes))
            body = f"Nama: {_NAMES[who]}\nNIK: {niks[who]}\nDugaan pungli nomor {i + 1}."
            (made,) = desk.ingest(
                parse_webhook(_report(phones[who], f"r{i}", clock.now(), body))
            ).steps
            if progress != "none":
                desk.receive(made.report_id, officer="petugas-01")
            if progress == "forward":
                desk.forward(made.report_id, officer="petugas-01")
        clock.advance(pendulum.duration(minutes=later))
        lines = desk.list_reports()
        owner = {line.number: desk.report(line.report_id).details.phone for line in lines}
        mine = [line for line in lines if owner[line.number] == f"+{phones[asker]}"]
        if spelling == "words":
            target = max(mine, key=lambda line: line.received_at, default=None)
        else:
            number = f"LAP/KNJP/2026/{serial:06d}"
            target = next((line for line in mine if line.number == number), None)

        question = _question(spelling, serial)
        result = desk.ingest(parse_webhook(_text(phones[asker], "q", clock.now(), question)))

        assert result.steps == ()
        assert len(desk.list_reports()) == len(lines)
        [key] = result.answers
        answer = services.storage.outbox.get(key).payload["text"]
        assert isinstance(answer, str)
        if target is None:
            assert answer == desk.renderer.status_not_found().text
        else:
            assert re.findall(r"LAP/KNJP/\d{4}/\d{6}", answer) == [target.number]
            if target.deadline is not None:
                assert format_instant(target.deadline, ZONE, "id") in answer
        digits = re.sub(r"\D", "", answer)
        for line in lines:
            if owner[line.number] == f"+{phones[asker]}":
                continue
            assert str(line.number) not in answer
            if line.deadline is None:
                continue
            theirs = format_instant(line.deadline, ZONE, "id")
            if (
                target is None
                or target.deadline is None
                or theirs != format_instant(target.deadline, ZONE, "id")
            ):
                assert theirs not in answer
        for who in range(len(_NAMES)):
            if who != asker:
                assert _NAMES[who] not in answer
                assert niks[who] not in digits
                assert phones[who] not in digits
