"""
The section head replies on WhatsApp to the handover: the reply (``context.id`` names the
handover's ``wamid``, which the outbox kept when it was sent) is step 4 for that report, by that
person, even when its text names no report number. A reply to anything else, to another
office's message, or by someone who may not give directions is a staff message as before; a
reply to a handover whose report no longer awaits a direction gets a short answer saying so.
Run on in-memory, SQLite and PostgreSQL storage.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pendulum
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from layanan_aduan import examples
from layanan_aduan.adapters.evidence_store import InMemoryEvidenceStore
from layanan_aduan.adapters.messaging import InMemoryMediaFetcher, InMemoryMessenger
from layanan_aduan.adapters.staff import InMemoryStaffDirectory
from layanan_aduan.adapters.storage import InMemoryStorage, SqliteStorage
from layanan_aduan.adapters.whatsapp import parse_webhook
from layanan_aduan.clock import FixedClock
from layanan_aduan.domain.staff import Assignment, StaffMember, StaffRole
from layanan_aduan.domain.standard import KEJARI_JAKARTA_PUSAT, Office, ServiceStandard
from layanan_aduan.messaging import OutboundMessage, SendResult
from layanan_aduan.ports import InboundMessage, OutboxStatus, StatusUpdate, Storage
from layanan_aduan.ports.inbound import DeliveryStatus
from layanan_aduan.service_layer import OfficeRouter, Services, compose
from layanan_aduan.testing.contracts import require_postgres_dsn

T0 = pendulum.datetime(2026, 1, 12, 2, 5, tz="UTC")  # Monday 09:05 WIB
REPORTER = "6281234500001"
OFFICER, HEAD, PLH = "6281311112222", "6281100002222", "6281100003333"
REPORT = "Nama: Budi Santoso\nNIK: 3171010101900001\nDugaan pungutan liar di kelurahan."
JAKARTA_ID, MAKASSAR_ID = "106540352242922", "207651463353033"
MAKASSAR = ServiceStandard.for_office(
    Office(
        name="Kejaksaan Negeri Makassar",
        address="Jl. Amanagappa No. 1, Makassar",
        telephone="(0411) 3617380",
        whatsapp="0811-4100-2200",
        website="https://kejari-makassar.kejaksaan.go.id",
        code="KMKS",
    )
)
STANDARDS = {"KNJP": (KEJARI_JAKARTA_PUSAT, JAKARTA_ID), "KMKS": (MAKASSAR, MAKASSAR_ID)}


class Wamids(InMemoryMessenger):
    """An in-memory messenger answering WhatsApp-like ids, ``wamid.<office>.<n>``."""

    def __init__(self, office: str, *, same_ids: bool = False) -> None:
        super().__init__()
        self.prefix = "wamid.shared" if same_ids else f"wamid.{office}"

    def send(self, message: OutboundMessage) -> SendResult:
        sent = super().send(message)
        n = sent.provider_message_id.rsplit(".", 1)[-1]
        return SendResult(f"{self.prefix}.{n}", sent.idempotency_key, sent.channel)


def _staff(office: str) -> list[StaffMember]:
    # The same people in each office: the office's directory decides what they may do there.
    def member(staff_id: str, phone: str, role: StaffRole, **dates: Any) -> StaffMember:
        return StaffMember(
            staff_id, "Staf", phone=f"+{phone}", assignments=(Assignment(role, office, **dates),)
        )

    return [
        member("petugas-01", OFFICER, StaffRole.OFFICER),
        member("kasi-intel-01", HEAD, StaffRole.SECTION_HEAD),
        member(
            "plh-kasi",
            PLH,
            StaffRole.ACTING_SECTION_HEAD,
            starts=dt.date(2026, 1, 19),
            ends=dt.date(2026, 1, 23),
        ),
    ]


def _storage(kind: str, tmp_path: Path) -> Storage:
    if kind == "memory":
        return InMemoryStorage()
    if kind == "sqlite":
        return SqliteStorage.open(tmp_path / f"replies-{uuid.uuid4().hex}.sqlite3")
    from layanan_aduan.adapters.storage import PostgresStorage

    return PostgresStorage.open(require_postgres_dsn(), schema=f"replies_{uuid.uuid4().hex[:12]}")


class World:
    """Two offices' desks on one storage, each sending through its own messenger."""

    def __init__(self, storage: Storage, *, same_ids: bool = False, language: str = "id") -> None:
        self.storage = storage
        self.clock = FixedClock(T0)
        self.messengers = {code: Wamids(code, same_ids=same_ids) for code in STANDARDS}
        self.media = InMemoryMediaFetcher()
        self.media.put(examples.SCREENSHOT_MEDIA_ID, examples.screenshot_png(), "image/png")
        self.services: dict[str, Services] = {
            code: compose(
                storage=storage,
                evidence=InMemoryEvidenceStore(),
                messenger=self.messengers[code],
                media=self.media,
                clock=self.clock,
                staff=InMemoryStaffDirectory({code: _staff(code)}),
                standard=standard,
                business_numbers=(number_id,),
                language="en" if language == "en" else "id",
            )
            for code, (standard, number_id) in STANDARDS.items()
        }
        self.router = OfficeRouter(s.desk for s in self.services.values())
        self.count = 0

    def send(
        self, office: str, sender: str, text: str, *, replying_to: str | None = None
    ) -> dict[str, Any]:
        """A text from ``sender`` to ``office``'s number (a reply when ``replying_to``)."""
        return self.deliver(self.webhook(office, sender, text, replying_to=replying_to))

    def webhook(
        self,
        office: str,
        sender: str,
        text: str,
        *,
        replying_to: str | None = None,
        image: bool = False,
    ) -> bytes:
        self.count += 1
        standard, number_id = STANDARDS[office]
        message: dict[str, Any] = {
            "from": sender,
            "id": f"wamid.in.{self.count}",
            "timestamp": str(int(self.clock.now().timestamp())),
        }
        if image:
            message.update(
                type="image",
                image={"id": examples.SCREENSHOT_MEDIA_ID, "mime_type": "image/png"},
            )
        else:
            message.update(type="text", text={"body": text})
        if replying_to is not None:
            message["context"] = {"from": number_id, "id": replying_to}
        value = {
            "messaging_product": "whatsapp",
            "metadata": {
                "display_phone_number": standard.office.whatsapp.removeprefix("+"),
                "phone_number_id": number_id,
            },
            "contacts": [{"profile": {"name": "Pengirim"}, "wa_id": sender}],
            "messages": [message],
        }
        return json.dumps(
            {
                "object": "whatsapp_business_account",
                "entry": [{"id": "1", "changes": [{"field": "messages", "value": value}]}],
            }
        ).encode()

    def deliver(self, body: bytes) -> dict[str, Any]:
        return dict(self.router.ingest(parse_webhook(body)))

    def forwarded(self, office: str = "KNJP") -> tuple[str, str]:
        """A report of ``office`` handed over and sent: its number and the handover's wamid."""
        desk = self.services[office].desk
        before = len(desk.list_reports())
        self.send(office, REPORTER, REPORT)
        self.deliver(self.webhook(office, REPORTER, "", image=True))  # the screenshot joins it
        line = desk.list_reports()[before]
        assert line.number is not None
        self.clock.advance(pendulum.duration(minutes=5))
        desk.receive(line.number, officer="petugas-01")
        (handover,) = desk.forward(line.number, officer="petugas-01").notifications
        self.services[office].dispatcher.run()
        wamid = self.storage.outbox.get(handover.key).provider_message_id
        assert wamid is not None
        self.clock.advance(pendulum.duration(minutes=5))
        return line.number, wamid

    def answer(self, office: str, result: dict[str, Any]) -> str:
        [key] = result[office].answers
        text = self.storage.outbox.get(key).payload["text"]
        assert isinstance(text, str)
        return text


@pytest.fixture(params=["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def world(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[World]:
    storage = _storage(request.param, tmp_path)
    try:
        yield World(storage)
    finally:
        storage.close()


def test_a_reply_to_the_handover_is_the_section_heads_direction(world: World) -> None:
    """The section head's reply to the handover, naming no number, is step 4 for that report
    with them as the actor; the outbox kept the handover's wamid when it was sent."""
    number, wamid = world.forwarded()
    result = world.send("KNJP", HEAD, "Klarifikasi ke kantor kelurahan.", replying_to=wamid)
    (step,) = result["KNJP"].steps
    assert (step.number, step.state.value, step.actions) == (
        number,
        "directed",
        ("give_direction",),
    )
    desk = world.services["KNJP"].desk
    report = desk.report(number)
    assert report.direction == "Klarifikasi ke kantor kelurahan."
    last = report.events[-1]
    assert (last.actor_id, last.actor_role.value, last.actor_staff_role) == (
        "kasi-intel-01",
        "section_head",
        "section_head",
    )
    assert len(desk.list_reports()) == 1


def test_a_redelivered_reply_changes_nothing(world: World) -> None:
    """The same reply delivered again is a duplicate: no second direction, no answer."""
    number, wamid = world.forwarded()
    body = world.webhook("KNJP", HEAD, "Arahan: segera klarifikasi.", replying_to=wamid)
    first = world.deliver(body)["KNJP"]
    assert [s.state.value for s in first.steps] == ["directed"]
    version = world.services["KNJP"].desk.report(number).version
    again = world.deliver(body)["KNJP"]
    assert (again.steps, again.answers, again.duplicates) == ((), (), 1)
    assert world.services["KNJP"].desk.report(number).version == version
    assert world.services["KNJP"].desk.report(number).direction == "segera klarifikasi."


def test_the_acting_section_head_replies_on_their_dates(world: World) -> None:
    """During a Plh's dates the handover goes to the Plh, whose reply is the direction, by the
    Plh; the section head's reply to it is refused with the directory's reason."""
    world.clock.set(pendulum.datetime(2026, 1, 19, 2, 5, tz="UTC"))
    number, wamid = world.forwarded()
    handover = world.messengers["KNJP"].messages[-1]
    assert handover.recipient.phone == f"+{PLH}"
    refused = world.send("KNJP", HEAD, "Klarifikasi.", replying_to=wamid)
    assert refused["KNJP"].steps == ()
    assert "Plh" in world.answer("KNJP", refused)
    result = world.send("KNJP", PLH, "Klarifikasi.", replying_to=wamid)
    assert [s.state.value for s in result["KNJP"].steps] == ["directed"]
    last = world.services["KNJP"].desk.report(number).events[-1]
    assert (last.actor_id, last.actor_staff_role) == ("plh-kasi", "acting_section_head")


def test_an_officers_reply_to_the_handover_gets_the_staff_help(world: World) -> None:
    """An officer replying to the handover may not give the direction: the staff help text
    says why, and nothing changes."""
    number, wamid = world.forwarded()
    desk = world.services["KNJP"].desk
    version = desk.report(number).version
    result = world.send("KNJP", OFFICER, "Siap, kami klarifikasi.", replying_to=wamid)
    assert result["KNJP"].steps == ()
    text = world.answer("KNJP", result)
    assert text.startswith("Pesan dari nomor staf Kejaksaan Negeri Jakarta Pusat")
    assert "bukan Kepala Seksi Intelijen" in text
    assert number in text
    assert desk.report(number).version == version
    assert len(desk.list_reports()) == 1


def test_a_reply_to_another_message_is_an_ordinary_staff_message(world: World) -> None:
    """A reply to a message that is not a handover (the acknowledgement), or to an id the
    desk never sent, gets the staff help text; no direction, no report."""
    number, _ = world.forwarded()
    outbox = world.storage.outbox
    ack = next(
        m
        for m in outbox.list(office="KNJP", status=OutboxStatus.SENT).items
        if m.payload["notification"] == "acknowledgement"
    )
    assert ack.provider_message_id is not None
    desk = world.services["KNJP"].desk
    version = desk.report(number).version
    for replied in (ack.provider_message_id, "wamid.never-sent", "x" * 300):
        result = world.send("KNJP", HEAD, "Klarifikasi.", replying_to=replied)
        assert result["KNJP"].steps == ()
        assert "tidak menyebut nomor laporan lengkap" in world.answer("KNJP", result)
    assert desk.report(number).version == version
    assert len(desk.list_reports()) == 1


def test_a_reply_to_another_offices_handover_is_not_found(world: World) -> None:
    """Jakarta's section head replying, to Jakarta's number, to Makassar's handover: the
    Jakarta desk does not find it (office-scoped lookup), and Makassar's report is
    untouched."""
    makassar_number, makassar_wamid = world.forwarded("KMKS")
    result = world.send("KNJP", HEAD, "Klarifikasi.", replying_to=makassar_wamid)
    assert result["KNJP"].steps == ()
    assert "tidak menyebut nomor laporan lengkap" in world.answer("KNJP", result)
    makassar = world.services["KMKS"].desk
    assert makassar.report(makassar_number).state.value == "forwarded"


def test_offices_whose_channels_repeat_ids_find_only_their_own(tmp_path: Path) -> None:
    """Two offices whose messengers give the same ids: a reply to one office's number names
    that office's handover, never the other's."""
    storage = SqliteStorage.open(tmp_path / "same-ids.sqlite3")
    try:
        world = World(storage, same_ids=True)
        makassar_number, makassar_wamid = world.forwarded("KMKS")
        jakarta_number, jakarta_wamid = world.forwarded("KNJP")
        assert world.storage.outbox.by_provider_id(makassar_wamid, office="KNJP") is not None
        result = world.send("KNJP", HEAD, "Klarifikasi.", replying_to=jakarta_wamid)
        (step,) = result["KNJP"].steps
        assert step.number == jakarta_number
        assert world.services["KMKS"].desk.report(makassar_number).state.value == "forwarded"
    finally:
        storage.close()


def test_a_reply_when_no_direction_is_awaited_is_told_so(world: World) -> None:
    """A second reply to the handover of a report already directed gets a short Indonesian
    answer that it no longer awaits a direction; the report keeps the first direction."""
    number, wamid = world.forwarded()
    world.send("KNJP", HEAD, "Klarifikasi.", replying_to=wamid)
    desk = world.services["KNJP"].desk
    version = desk.report(number).version
    result = world.send("KNJP", HEAD, "Tambahan: panggil saksi.", replying_to=wamid)
    assert result["KNJP"].steps == ()
    text = world.answer("KNJP", result)
    assert text == (
        f"Balasan Anda atas penyerahan laporan/aduan nomor {number} tidak dicatat sebagai "
        "arahan: laporan/aduan tersebut tidak lagi menunggu arahan Kepala Seksi Intelijen "
        "(status: arahan tindak lanjut diberikan).\nKejaksaan Negeri Jakarta Pusat"
    )
    [key] = result["KNJP"].answers
    note = world.storage.outbox.get(key)
    assert (note.payload["notification"], note.report_id) == (
        "direction_not_awaited",
        desk.report(number).id,
    )
    assert note.payload["recipient"]["phone"] == f"+{HEAD}"
    assert desk.report(number).version == version
    assert desk.report(number).direction == "Klarifikasi."


def test_the_answer_is_in_english_for_an_english_desk() -> None:
    """With notifications in English, the answer is the English text of the same notice."""
    storage = InMemoryStorage()
    world = World(storage, language="en")
    number, wamid = world.forwarded()
    world.send("KNJP", HEAD, "Clarify.", replying_to=wamid)
    result = world.send("KNJP", HEAD, "Again.", replying_to=wamid)
    assert world.answer("KNJP", result).startswith(
        f"Your reply to the handover of report/complaint number {number} was not recorded"
    )


def test_a_reply_naming_another_report_follows_the_number(world: World) -> None:
    """A reply to one handover that names another report's full number gives the direction
    to the report named; one naming its own report's number is the same as none."""
    first, first_wamid = world.forwarded()
    second, _ = world.forwarded()
    result = world.send("KNJP", HEAD, f"Arahan {second}: panggil pelapor.", replying_to=first_wamid)
    (step,) = result["KNJP"].steps
    assert step.number == second
    desk = world.services["KNJP"].desk
    assert desk.report(first).state.value == "forwarded"
    own = world.send("KNJP", HEAD, f"Arahan {first.lower()}: klarifikasi.", replying_to=first_wamid)
    assert [s.number for s in own["KNJP"].steps] == [first]
    assert desk.report(first).direction == "klarifikasi."


def test_an_empty_reply_gets_the_help_text(world: World) -> None:
    """A reply of only "Arahan" says no direction: the help text says it is required."""
    number, wamid = world.forwarded()
    result = world.send("KNJP", HEAD, "Arahan", replying_to=wamid)
    assert result["KNJP"].steps == ()
    assert "wajib diisi" in world.answer("KNJP", result)
    assert world.services["KNJP"].desk.report(number).state.value == "forwarded"


def test_a_status_callback_keeps_the_wamid_for_replies(world: World) -> None:
    """A message marked sent by its status callback (the dispatcher died before marking it)
    keeps the callback's wamid, so a reply to it is found."""
    desk = world.services["KNJP"].desk
    world.send("KNJP", REPORTER, REPORT)
    world.deliver(world.webhook("KNJP", REPORTER, "", image=True))
    (line,) = desk.list_reports()
    assert line.number is not None
    desk.receive(line.number, officer="petugas-01")
    (handover,) = desk.forward(line.number, officer="petugas-01").notifications
    status = StatusUpdate(
        message_id="wamid.from-callback",
        status=DeliveryStatus.DELIVERED,
        at=T0.add(minutes=1),
        callback_data=handover.key,
    )
    assert desk.record_statuses([status]) == 1
    marked = world.storage.outbox.get(handover.key)
    assert (marked.status, marked.provider_message_id) == (OutboxStatus.SENT, "wamid.from-callback")
    assert desk.record_statuses([status]) == 0
    result = world.send("KNJP", HEAD, "Klarifikasi.", replying_to="wamid.from-callback")
    assert [s.state.value for s in result["KNJP"].steps] == ["directed"]


def test_a_callback_id_the_storage_cannot_hold_still_marks_sent() -> None:
    """A status callback whose message id is too long still marks the message sent (without
    the id), and the webhook is not refused for it."""
    world = World(InMemoryStorage())
    desk = world.services["KNJP"].desk
    world.send("KNJP", REPORTER, REPORT)
    (key,) = [m.key for m in world.storage.outbox.list(office="KNJP").items][:1]
    status = StatusUpdate(
        message_id="w" * 500, status=DeliveryStatus.SENT, at=T0, callback_data=key
    )
    assert desk.record_statuses([status]) == 1
    marked = world.storage.outbox.get(key)
    assert (marked.status, marked.provider_message_id) == (OutboxStatus.SENT, None)
    # Told again with the same bad id, nothing changes; a good id is then kept.
    assert desk.record_statuses([status]) == 0
    good = StatusUpdate(message_id="wamid.OK", status=DeliveryStatus.READ, at=T0, callback_data=key)
    assert desk.record_statuses([good]) == 1
    assert world.storage.outbox.get(key).provider_message_id == "wamid.OK"
    assert world.storage.outbox.get(key).sent_at == marked.sent_at


def _replies(data: st.DataObject) -> tuple[str, str]:
    sender = data.draw(st.sampled_from([OFFICER, HEAD, PLH]), label="sender")
    text = data.draw(
        st.one_of(
            st.just(REPORT),
            st.just("Arahan: klarifikasi."),
            st.just("LAP/KNJP/2026/000001"),
            st.text(min_size=1, max_size=120).filter(str.strip),
        ),
        label="text",
    )
    return sender, text


@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_no_reply_from_staff_ever_makes_a_report(data: st.DataObject) -> None:
    """Whatever a staff member sends as a reply (to a handover or not), no report is made."""
    world = World(InMemoryStorage())
    number, wamid = world.forwarded()
    for _ in range(data.draw(st.integers(1, 4), label="replies")):
        sender, text = _replies(data)
        replied = data.draw(st.sampled_from([wamid, "wamid.other"]), label="replied")
        world.send("KNJP", sender, text, replying_to=replied)
    lines = world.services["KNJP"].desk.list_reports()
    assert [line.number for line in lines] == [number]


def test_inbound_context_is_what_the_desk_reads() -> None:
    """The parsed reply carries the handover's id in its context (the field the desk uses)."""
    world = World(InMemoryStorage())
    parsed = parse_webhook(world.webhook("KNJP", HEAD, "Ok", replying_to="wamid.X"))
    (message,) = parsed.messages
    assert isinstance(message, InboundMessage)
    assert message.context is not None
    assert message.context.replied_to_id == "wamid.X"
