"""
Several offices on one storage: each desk sees, numbers, notifies and sweeps only its own
reports; webhooks are routed by the business number they were sent to; a number no office
owns is refused whole. Run on in-memory, SQLite and PostgreSQL storage.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

import pendulum
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from layanan_aduan.adapters.evidence_store import InMemoryEvidenceStore
from layanan_aduan.adapters.messaging import InMemoryMediaFetcher, InMemoryMessenger
from layanan_aduan.adapters.staff import InMemoryStaffDirectory
from layanan_aduan.adapters.storage import InMemoryStorage, SqliteStorage
from layanan_aduan.adapters.whatsapp.inbound import parse_webhook
from layanan_aduan.clock import FixedClock
from layanan_aduan.domain.calendar import OfficeSchedule
from layanan_aduan.domain.staff import Assignment, StaffMember, StaffRole
from layanan_aduan.domain.standard import KEJARI_JAKARTA_PUSAT, Office, ServiceStandard
from layanan_aduan.exceptions import (
    MessagingConfigurationError,
    OutboxMessageNotFoundError,
    ReportNotFoundError,
    UnknownBusinessNumberError,
)
from layanan_aduan.ports import OutboxStatus, Storage
from layanan_aduan.service_layer import OfficeRouter, Services, compose
from layanan_aduan.testing.contracts import require_postgres_dsn
from layanan_aduan.testing.strategies import service_standards

EXAMPLES = resources.files("layanan_aduan.examples")
PNG = (EXAMPLES / "tangkapan-layar.png").read_bytes()
T0 = pendulum.datetime(2026, 1, 12, 2, 5, tz="UTC")  # Monday 09:05 WIB, 10:05 WITA

JAKARTA_ID = "106540352242922"
MAKASSAR_ID = "207651463353033"
MAKASSAR = ServiceStandard.for_office(
    Office(
        name="Kejaksaan Negeri Makassar",
        address="Jl. Amanagappa No. 1, Makassar",
        telephone="(0411) 3617380",
        whatsapp="0811-4100-2200",
        website="https://kejari-makassar.kejaksaan.go.id",
        code="KMKS",
        schedule=OfficeSchedule(timezone="Asia/Makassar"),
    ),
    completion_time=dt.timedelta(hours=2),
)
OFFICES = {"KNJP": (KEJARI_JAKARTA_PUSAT, JAKARTA_ID), "KMKS": (MAKASSAR, MAKASSAR_ID)}
SECTION_HEADS = {"KNJP": "+6281100002222", "KMKS": "+6281100003333"}
OFFICERS = {"KNJP": "+6281311112222", "KMKS": "+6281311114444"}


def _storage(kind: str, tmp_path: Path) -> Storage:
    if kind == "memory":
        return InMemoryStorage()
    if kind == "sqlite":
        return SqliteStorage.open(tmp_path / f"offices-{uuid.uuid4().hex}.sqlite3")
    from layanan_aduan.adapters.storage import PostgresStorage

    dsn = require_postgres_dsn()
    return PostgresStorage.open(dsn, schema=f"offices_{uuid.uuid4().hex[:12]}")


class World:
    """Two offices' desks on one storage, one router, one messenger per office."""

    def __init__(
        self,
        storage: Storage,
        offices: dict[str, tuple[ServiceStandard, str]] | None = None,
    ) -> None:
        offices = OFFICES if offices is None else offices
        self.offices = offices
        self.storage = storage
        self.clock = FixedClock(T0)
        self.media = InMemoryMediaFetcher()
        self.messengers = {code: InMemoryMessenger() for code in offices}
        self.services: dict[str, Services] = {
            code: compose(
                storage=storage,
                evidence=InMemoryEvidenceStore(),
                messenger=self.messengers[code],
                media=self.media,
                clock=self.clock,
                staff=InMemoryStaffDirectory(
                    {
                        code: [
                            StaffMember(
                                f"kasi-{code.lower()}",
                                "Kepala Seksi",
                                phone=SECTION_HEADS.get(code, f"+628110000{i:04d}"),
                                assignments=(Assignment(StaffRole.SECTION_HEAD, code),),
                            ),
                            StaffMember(
                                f"petugas-{code.lower()}",
                                "Petugas",
                                phone=OFFICERS.get(code, f"+628131111{i:04d}"),
                                assignments=(Assignment(StaffRole.OFFICER, code),),
                            ),
                        ]
                    }
                ),
                standard=standard,
                business_numbers=(number_id,),
            )
            for i, (code, (standard, number_id)) in enumerate(offices.items())
        }
        self.router = OfficeRouter(s.desk for s in self.services.values())


@pytest.fixture(params=["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def world(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[World]:
    storage = _storage(request.param, tmp_path)
    try:
        yield World(storage)
    finally:
        storage.close()


def _webhook(
    office: str,
    sender: str,
    message_id: str,
    text: str,
    *,
    at: pendulum.DateTime = T0,
    offices: dict[str, tuple[ServiceStandard, str]] | None = None,
) -> bytes:
    """A text message to ``office``'s business number, as WhatsApp sends it."""
    standard, number_id = (OFFICES if offices is None else offices)[office]
    value = {
        "messaging_product": "whatsapp",
        "metadata": {
            "display_phone_number": standard.office.whatsapp.removeprefix("+"),
            "phone_number_id": number_id,
        },
        "contacts": [{"profile": {"name": "Pelapor"}, "wa_id": sender}],
        "messages": [
            {
                "from": sender,
                "id": message_id,
                "timestamp": str(int(at.timestamp())),
                "type": "text",
                "text": {"body": text},
            }
        ],
    }
    return json.dumps(
        {
            "object": "whatsapp_business_account",
            "entry": [{"id": "1", "changes": [{"field": "messages", "value": value}]}],
        }
    ).encode()


REPORT_TEXT = "Nama: Budi Santoso\nNIK: 3171010101900001\nDugaan pungutan liar di kelurahan."


def _texts(world: World, office: str) -> list[str]:
    page = world.storage.outbox.list(office=office, limit=1000)
    assert page.next_cursor is None
    return [json.dumps(m.payload, ensure_ascii=False) for m in page.items]


def test_interleaved_webhooks_give_each_office_only_its_own_reports(world: World) -> None:
    """Webhooks to both numbers, interleaved, make each office's reports, numbered from 1 per
    office, listed, stepped, swept and notified by that office's desk only."""
    senders = ["6281234500001", "6281234500002", "6281234500003", "6281234500004"]
    for i, sender in enumerate(senders):
        office = "KNJP" if i % 2 == 0 else "KMKS"
        body = _webhook(office, sender, f"wamid.{office}.{i}", REPORT_TEXT)
        world.router.ingest(parse_webhook(body))
    jakarta, makassar = world.services["KNJP"].desk, world.services["KMKS"].desk
    assert [line.number for line in jakarta.list_reports()] == [
        "LAP/KNJP/2026/000001",
        "LAP/KNJP/2026/000002",
    ]
    assert [line.number for line in makassar.list_reports()] == [
        "LAP/KMKS/2026/000001",
        "LAP/KMKS/2026/000002",
    ]
    # A desk does not find, let alone act on, the other office's report: the refusal is
    # the one a number nobody holds gets.
    with pytest.raises(ReportNotFoundError) as foreign:
        makassar.report("LAP/KNJP/2026/000001")
    with pytest.raises(ReportNotFoundError) as missing:
        makassar.report("LAP/KNJP/2026/000099")
    assert (foreign.value.code, foreign.value.field) == (missing.value.code, missing.value.field)
    assert foreign.value.message == missing.value.message.replace("000099", "000001")
    jakarta_id = jakarta.list_reports()[0].report_id
    with pytest.raises(ReportNotFoundError):
        makassar.report(jakarta_id)
    # Outbox messages belong to the office whose desk put them, and name only that office.
    for code, other in (("KNJP", "Makassar"), ("KMKS", "Jakarta")):
        texts = _texts(world, code)
        assert texts, code
        assert all(other not in t for t in texts), (code, other)
    assert all("LAP/KMKS" not in t for t in _texts(world, "KNJP"))
    assert all("LAP/KNJP" not in t for t in _texts(world, "KMKS"))
    # Each dispatcher sends its own office's messages only, through its own messenger.
    world.services["KMKS"].dispatcher.run_once()
    assert world.storage.outbox.counts(office="KMKS")[OutboxStatus.PENDING] == 0
    assert world.storage.outbox.counts(office="KNJP")[OutboxStatus.PENDING] > 0
    assert not world.messengers["KNJP"].messages
    assert world.messengers["KMKS"].messages
    # The SLA sweep of one office alerts its own section head about its own reports only.
    world.clock.advance(pendulum.duration(days=3))
    jakarta_alerts = world.services["KNJP"].desk.sweep_sla()
    makassar_alerts = world.services["KMKS"].desk.sweep_sla()
    assert {e.key.split(":")[0] for e in jakarta_alerts} == {
        line.report_id for line in jakarta.list_reports()
    }
    assert {e.key.split(":")[0] for e in makassar_alerts} == {
        line.report_id for line in makassar.list_reports()
    }
    for code in OFFICES:
        other = "KMKS" if code == "KNJP" else "KNJP"
        alerts = [m for m in world.storage.outbox.list(office=code, limit=1000).items]
        assert any(SECTION_HEADS[code] in json.dumps(m.payload) for m in alerts)
        assert all(SECTION_HEADS[other] not in json.dumps(m.payload) for m in alerts)


def test_a_desk_refuses_a_webhook_sent_to_another_offices_number(world: World) -> None:
    """Given straight to Makassar's desk, a webhook for Jakarta's number is refused whole."""
    body = _webhook("KNJP", "6281234500001", "wamid.X.1", REPORT_TEXT)
    with pytest.raises(UnknownBusinessNumberError) as info:
        world.services["KMKS"].desk.ingest(parse_webhook(body))
    assert info.value.code == "unknown_business_number"
    with world.storage.unit_of_work(read_only=True) as uow:
        assert not uow.inbox.seen("wamid.X.1")
        assert uow.reports.list_all().items == ()


def test_a_webhook_to_a_number_no_office_owns_is_refused_and_nothing_stored(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    """One item for an unknown number refuses the whole webhook: no office stores anything."""
    good = json.loads(_webhook("KNJP", "6281234500001", "wamid.G.1", REPORT_TEXT))
    stray = json.loads(_webhook("KMKS", "6281234500002", "wamid.S.1", REPORT_TEXT))
    stray_value = stray["entry"][0]["changes"][0]["value"]
    stray_value["metadata"] = {"display_phone_number": "6281999999999", "phone_number_id": "9"}
    good["entry"].append(stray["entry"][0])
    with pytest.raises(UnknownBusinessNumberError):
        world.router.ingest(parse_webhook(json.dumps(good).encode()))
    assert "unknown_business_number" in caplog.text
    with world.storage.unit_of_work(read_only=True) as uow:
        assert not uow.inbox.seen("wamid.G.1")
        assert not uow.inbox.seen("wamid.S.1")
        assert uow.reports.list_all().items == ()


def test_status_callbacks_and_dead_letters_stay_with_their_office(world: World) -> None:
    """A status for one office's message does not touch another's; a dispatcher cannot retry
    another office's dead letter."""
    world.router.ingest(parse_webhook(_webhook("KNJP", "6281234500001", "wamid.J.1", REPORT_TEXT)))
    [message] = world.storage.outbox.list(office="KNJP", limit=1).items
    with pytest.raises(OutboxMessageNotFoundError):
        world.services["KMKS"].dispatcher.retry_dead_letter(message.key)
    assert world.services["KMKS"].dispatcher.dead_letters() == ()


def test_the_router_refuses_two_desks_for_one_number(world: World) -> None:
    """A deployment cannot give one business number to two offices."""
    twin = compose(
        storage=world.storage,
        evidence=InMemoryEvidenceStore(),
        messenger=InMemoryMessenger(),
        media=world.media,
        clock=world.clock,
        standard=MAKASSAR,
        business_numbers=(JAKARTA_ID,),
    )
    with pytest.raises(MessagingConfigurationError) as info:
        OfficeRouter([world.services["KNJP"].desk, twin.desk])
    assert info.value.code == "duplicate_business_number"
    with pytest.raises(MessagingConfigurationError) as info:
        OfficeRouter([world.services["KNJP"].desk, world.services["KNJP"].desk])
    assert info.value.code == "duplicate_office"


_SENDERS = [f"62812345{n:05d}" for n in range(6)]


@st.composite
def _offices_and_schedules(
    draw: st.DrawFn,
) -> tuple[dict[str, tuple[ServiceStandard, str]], list[tuple[str, str, int]]]:
    """Two or three generated offices (distinct codes and numbers) and who writes to which."""
    standards = draw(
        st.lists(
            service_standards(),
            min_size=2,
            max_size=3,
            unique_by=(lambda s: s.office.code, lambda s: s.office.whatsapp),
        )
    )
    offices = {s.office.code: (s, f"10654035224{i:04d}") for i, s in enumerate(standards)}
    schedule = draw(
        st.lists(
            st.tuples(
                st.sampled_from(sorted(offices)), st.sampled_from(_SENDERS), st.integers(0, 600)
            ),
            min_size=1,
            max_size=10,
        )
    )
    return offices, schedule


@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(_offices_and_schedules())
def test_no_office_ever_sees_or_notifies_about_another_offices_report(
    generated: tuple[dict[str, tuple[ServiceStandard, str]], list[tuple[str, str, int]]],
) -> None:
    """For generated offices and any interleaving of senders writing to them, every report,
    outbox message and alert an office holds is its own, and names no other office."""
    offices, schedule = generated
    world = World(InMemoryStorage(), offices)
    for i, (office, sender, seconds) in enumerate(schedule):
        at = T0.subtract(seconds=seconds)
        body = _webhook(office, sender, f"wamid.{i}", REPORT_TEXT, at=at, offices=offices)
        world.router.ingest(parse_webhook(body))
    world.clock.advance(pendulum.duration(days=3))
    for services in world.services.values():
        services.desk.sweep_sla()
    for code, (standard, _) in offices.items():
        desk = world.services[code].desk
        mine = {line.report_id for line in desk.list_reports()}
        assert all((line.number or "").startswith(f"LAP/{code}/") for line in desk.list_reports())
        others = [o.office for c, (o, _) in offices.items() if c != code]
        for message in world.storage.outbox.list(office=code, limit=1000).items:
            assert message.report_id in mine
            text = json.dumps(message.payload, ensure_ascii=False)
            assert all(f"LAP/{other.code}/" not in text for other in others)
            assert all(
                other.name not in text for other in others if other.name not in standard.office.name
            )
    sent_to = {code: sum(1 for o, _, _ in schedule if o == code) for code in offices}
    for code in offices:
        with world.storage.unit_of_work(read_only=True) as uow:
            reports = uow.reports.list_all(office=code, limit=1000).items
        assert (len(reports) == 0) == (sent_to[code] == 0)
