"""
A reporter asks about their report over WhatsApp: the answer names the report's step, deadline
and whether it is late, for the sender's own reports only; any other number gets the same "not
found" answer; a question makes no report and starts no SLA clock.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

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
from layanan_aduan.domain.intents import status_question
from layanan_aduan.domain.staff import Assignment, StaffMember, StaffRole
from layanan_aduan.ports import Storage
from layanan_aduan.service_layer import Services, compose

T0 = pendulum.datetime(2026, 1, 12, 2, 5, tz="UTC")  # Monday 09:05 WIB
ALICE, BOB = "6281234500001", "6281234500002"
REPORT = "Nama: Budi Santoso\nNIK: 3171010101900001\nDugaan pungli di kelurahan."


def _staff() -> InMemoryStaffDirectory:
    officer = StaffMember(
        "petugas-01",
        "Rina Wulandari",
        phone="+6281311112222",
        assignments=(Assignment(StaffRole.OFFICER, "KNJP"),),
    )
    return InMemoryStaffDirectory({"KNJP": [officer]})


def _desk(storage: Storage) -> Services:
    return compose(
        storage=storage,
        evidence=InMemoryEvidenceStore(),
        messenger=InMemoryMessenger(),
        media=InMemoryMediaFetcher(),
        clock=FixedClock(T0),
        staff=_staff(),
    )


@pytest.fixture(params=["memory", "sqlite"])
def services(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Services]:
    storage = (
        InMemoryStorage() if request.param == "memory" else SqliteStorage.open(tmp_path / "db")
    )
    with _desk(storage) as built:
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


def _answer(services: Services, key: str) -> str:
    text = services.storage.outbox.get(key).payload["text"]
    assert isinstance(text, str)
    return str(text)


@pytest.mark.parametrize(
    "question",
    [
        "Bagaimana perkembangan laporan LAP/KNJP/2026/000001?",
        "lap knjp 2026 1",
        "000001",
        "cek status laporan saya",
    ],
)
def test_a_reporter_asks_about_their_own_report(services: Services, question: str) -> None:
    """Any usual spelling of the number, or status words alone, answers with the report's
    number, its step and its deadline; no report is made."""
    desk = services.desk
    (made,) = desk.ingest(parse_webhook(_text(ALICE, "w1", REPORT))).steps
    desk.receive(made.report_id, officer="petugas-01")
    result = desk.ingest(parse_webhook(_text(ALICE, "q1", question)))
    assert result.steps == ()
    [key] = result.answers
    answer = _answer(services, key)
    assert "LAP/KNJP/2026/000001" in answer
    assert "diterima petugas pelaksana" in answer
    assert "12.04 WIB (dalam batas waktu)" in answer  # received 09.04 WIB + 3 working hours
    assert len(desk.list_reports()) == 1
    again = desk.ingest(parse_webhook(_text(ALICE, "q1", question)))
    assert (again.answers, again.duplicates) == ((), 1)


def test_someone_elses_number_and_an_unknown_one_get_the_same_answer(services: Services) -> None:
    """A number that is another reporter's, or nobody's, is answered "not found" alike."""
    desk = services.desk
    desk.ingest(parse_webhook(_text(ALICE, "w1", REPORT)))
    others = desk.ingest(parse_webhook(_text(BOB, "q1", "LAP/KNJP/2026/000001")))
    unknown = desk.ingest(parse_webhook(_text(BOB, "q2", "LAP/KNJP/2026/000777")))
    words = desk.ingest(parse_webhook(_text(BOB, "q3", "cek status")))
    texts = {_answer(services, r.answers[0]) for r in (others, unknown, words)}
    assert len(texts) == 1
    (text,) = texts
    assert "tidak menemukan" in text
    assert "000001" not in text
    assert len(desk.list_reports()) == 1


def test_a_late_report_is_said_to_be_late(services: Services) -> None:
    """Past its deadline, the answer says the report is late."""
    desk = services.desk
    desk.ingest(parse_webhook(_text(ALICE, "w1", REPORT)))
    clock = desk.clock
    assert isinstance(clock, FixedClock)
    clock.advance(pendulum.duration(days=1))
    result = desk.ingest(parse_webhook(_text(ALICE, "q1", "000001")))
    assert "(terlambat)" in _answer(services, result.answers[0])


def test_a_question_with_new_content_is_not_only_a_question() -> None:
    """Identity lines, allegations or a long text make a message more than a question."""
    assert status_question("Status laporan saya? Nama: Budi") is None
    assert status_question("000001 ada pungli lagi di kelurahan") is None
    assert status_question("halo selamat pagi") is None
    assert status_question(REPORT) is None


@settings(max_examples=20, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    reports=st.lists(st.sampled_from([ALICE, BOB]), min_size=1, max_size=6),
    asker=st.sampled_from([ALICE, BOB]),
    serial=st.integers(1, 7),
)
def test_an_answer_never_carries_another_reporters_report(
    reports: list[str], asker: str, serial: int
) -> None:
    """Whatever reports exist and whichever serial is asked about, an answer names a report only
    when it is the asker's own."""
    services = _desk(InMemoryStorage())
    for i, sender in enumerate(reports):
        services.desk.ingest(parse_webhook(_text(sender, f"w{i}", REPORT)))
    owners = {
        line.number: services.desk.report(line.report_id).details.phone
        for line in services.desk.list_reports()
    }
    result = services.desk.ingest(parse_webhook(_text(asker, "q", f"{serial:06d}")))
    answer = _answer(services, result.answers[0])
    number = f"LAP/KNJP/2026/{serial:06d}"
    assert (number in answer) is (owners.get(number) == f"+{asker}")
    for other, owner in owners.items():
        if owner != f"+{asker}":
            assert str(other) not in answer


def _audio(sender: str, message_id: str) -> bytes:
    document = json.loads(_text(sender, message_id, "x"))
    message = document["entry"][0]["changes"][0]["value"]["messages"][0]
    message.pop("text")
    message.update(type="audio", audio={"id": "9900000000000001", "mime_type": "audio/ogg"})
    return json.dumps(document).encode()


@pytest.mark.parametrize("greeting", ["halo", "p", "Selamat pagi, min!", "Assalamualaikum wr wb"])
def test_a_greeting_gets_the_menu_and_makes_no_report(services: Services, greeting: str) -> None:
    """A greeting alone is answered with what the service does and takes; no report."""
    result = services.desk.ingest(parse_webhook(_text(ALICE, "g1", greeting)))
    assert result.steps == ()
    [key] = result.answers
    text = _answer(services, key)
    assert "Melampirkan bukti laporan" in text
    assert "3 jam kerja" in text
    assert "LAP/KNJP/2026/000123" in text
    assert services.desk.list_reports() == ()


def test_what_cannot_be_used_is_answered_once_per_window(services: Services) -> None:
    """A voice note is answered with what the service takes, at most once per sender in ten
    minutes, and never becomes a report; a redelivery changes nothing."""
    desk = services.desk
    first = desk.ingest(parse_webhook(_audio(ALICE, "a1")))
    assert (first.steps, len(first.answers)) == ((), 1)
    assert "belum dapat kami terima" in _answer(services, first.answers[0])
    assert desk.ingest(parse_webhook(_audio(ALICE, "a1"))).answers == ()
    assert desk.ingest(parse_webhook(_audio(ALICE, "a2"))).answers == ()
    clock = desk.clock
    assert isinstance(clock, FixedClock)
    clock.advance(pendulum.duration(minutes=11))
    assert len(desk.ingest(parse_webhook(_audio(ALICE, "a3"))).answers) == 1
    assert len(desk.ingest(parse_webhook(_audio(BOB, "b1"))).answers) == 1
    assert desk.list_reports() == ()
    assert all(re.fullmatch(r"unsupported:[0-9a-f]{32}", key) for key in first.answers)


def _transcript() -> list[bytes]:
    """A small conversation: a report, its screenshot, a question, a greeting, a voice note."""
    screenshot = json.loads(examples.whatsapp_webhook())
    value = screenshot["entry"][0]["changes"][0]["value"]
    image = dict(value["messages"][1], id="t.img", **{"from": ALICE})
    image["timestamp"] = str(int(T0.subtract(seconds=30).timestamp()))
    value["messages"] = [image]
    value["contacts"][0]["wa_id"] = ALICE
    return [
        _text(ALICE, "t.report", REPORT),
        json.dumps(screenshot).encode(),
        _text(ALICE, "t.question", "000001"),
        _text(BOB, "t.greeting", "halo"),
        _audio(BOB, "t.audio"),
    ]


@settings(max_examples=30, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_redeliveries_in_any_order_change_nothing(data: st.DataObject) -> None:
    """Each webhook of a conversation delivered again, any number of times and anywhere after
    its first delivery, leaves the same reports and the same outbox as one delivery each."""
    transcript = _transcript()

    def outcome(schedule: list[int]) -> tuple[list[str], list[str]]:
        services = _desk(InMemoryStorage())
        media = services.desk.media
        assert isinstance(media, InMemoryMediaFetcher)
        media.put(examples.SCREENSHOT_MEDIA_ID, examples.screenshot_png(), "image/png")
        for i in schedule:
            services.desk.ingest(parse_webhook(transcript[i]))
        reports = [
            f"{line.number}:{services.desk.report(line.report_id).version}"
            for line in services.desk.list_reports()
        ]
        keys = sorted(m.key for m in services.storage.outbox.list(limit=100).items)
        return reports, keys

    schedule = list(range(len(transcript)))
    for _ in range(data.draw(st.integers(0, 8))):
        i = data.draw(st.integers(0, len(transcript) - 1))
        position = data.draw(st.integers(schedule.index(i) + 1, len(schedule)))
        schedule.insert(position, i)
    once = outcome(list(range(len(transcript))))
    assert once[0] == ["LAP/KNJP/2026/000001:2"]  # the screenshot joined the report
    # acknowledgement, missing requirements (the text came first), status, menu, unsupported
    assert len(once[1]) == 5
    assert outcome(schedule) == once
