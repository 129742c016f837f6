"""
After the follow-up the reporter is asked for a rating over WhatsApp (an interactive list, inside
the 24-hour window) and answers by picking a row or typing a digit: recorded once on the report,
thanked; anything else goes on through the routing table. On memory, SQLite and PostgreSQL.
"""

from __future__ import annotations

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
from layanan_aduan.domain.history import verify
from layanan_aduan.domain.staff import Assignment, StaffMember, StaffRole
from layanan_aduan.ports import OutboxStatus, Storage
from layanan_aduan.service_layer import Services, compose
from layanan_aduan.service_layer.desk import Desk, StepResult
from layanan_aduan.testing.contracts import require_postgres_dsn

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
    head = StaffMember(
        "kasi-intel-01",
        "Andi Pratama",
        phone="+6281100002222",
        assignments=(Assignment(StaffRole.SECTION_HEAD, "KNJP"),),
    )
    return InMemoryStaffDirectory({"KNJP": [officer, head]})


def _compose(storage: Storage) -> Services:
    media = InMemoryMediaFetcher()
    media.put(examples.SCREENSHOT_MEDIA_ID, examples.screenshot_png(), "image/png")
    return compose(
        storage=storage,
        evidence=InMemoryEvidenceStore(),
        messenger=InMemoryMessenger(),
        media=media,
        clock=FixedClock(T0),
        staff=_staff(),
    )


def _storage(kind: str, tmp_path: Path) -> Storage:
    if kind == "memory":
        return InMemoryStorage()
    if kind == "sqlite":
        return SqliteStorage.open(tmp_path / f"rating-{uuid.uuid4().hex}.sqlite3")
    from layanan_aduan.adapters.storage import PostgresStorage

    dsn = require_postgres_dsn()
    return PostgresStorage.open(dsn, schema=f"rating_{uuid.uuid4().hex[:12]}")


@pytest.fixture(params=["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def services(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Services]:
    with _compose(_storage(request.param, tmp_path)) as built:
        yield built


def _clock(services: Services) -> FixedClock:
    clock = services.desk.clock
    assert isinstance(clock, FixedClock)
    return clock


def _webhook(sender: str, message: dict[str, Any], at: pendulum.DateTime) -> bytes:
    document = json.loads(examples.whatsapp_webhook())
    value = document["entry"][0]["changes"][0]["value"]
    value["contacts"][0]["wa_id"] = sender
    value["messages"] = [
        {"from": sender, "timestamp": str(int(at.timestamp())), **message},
    ]
    return json.dumps(document).encode()


def _text(services: Services, sender: str, message_id: str, body: str) -> bytes:
    at = _clock(services).now()
    return _webhook(sender, {"id": message_id, "type": "text", "text": {"body": body}}, at)


def _pick(services: Services, sender: str, message_id: str, row_id: str, title: str) -> bytes:
    picked = {"type": "list_reply", "list_reply": {"id": row_id, "title": title}}
    message = {
        "id": message_id,
        "type": "interactive",
        "interactive": picked,
        "context": {"from": "6281212313170", "id": "wamid.QUESTION"},
    }
    return _webhook(sender, message, _clock(services).now())


def _report(services: Services, sender: str, message_id: str) -> bytes:
    """A complete report from ``sender``: the identity and the text, and a screenshot."""
    document = json.loads(examples.whatsapp_webhook())
    value = document["entry"][0]["changes"][0]["value"]
    value["contacts"][0]["wa_id"] = sender
    at = str(int(_clock(services).now().timestamp()))
    text, image = value["messages"]
    value["messages"] = [
        {**text, "from": sender, "id": message_id, "timestamp": at, "text": {"body": REPORT}},
        {**image, "from": sender, "id": f"{message_id}.img", "timestamp": at},
    ]
    return json.dumps(document).encode()


def _follow_up(services: Services, sender: str = ALICE, message_id: str = "w1") -> StepResult:
    """A complete report from ``sender`` through the five steps, ten minutes apart."""
    desk, clock = services.desk, _clock(services)
    (made,) = desk.ingest(parse_webhook(_report(services, sender, message_id))).steps
    steps = (
        lambda: desk.receive(made.report_id, officer="petugas-01"),
        lambda: desk.forward(made.report_id, officer="petugas-01"),
        lambda: desk.give_direction(made.report_id, section_head="kasi-intel-01", direction="Cek."),
        lambda: desk.deliver_follow_up(made.report_id, officer="petugas-01", follow_up="Sudah."),
    )
    result = made
    for step in steps:
        clock.advance(pendulum.duration(minutes=10))
        result = step()
    return result


def _payload(services: Services, key: str) -> dict[str, Any]:
    payload = services.storage.outbox.get(key).payload
    assert isinstance(payload, dict)
    return payload


def _outbox_size(services: Services) -> int:
    return sum(services.storage.outbox.counts().values())


def test_step_5_asks_the_reporter_once_with_a_list(services: Services) -> None:
    """The follow-up comes with the rating question to the reporter: an interactive list of
    five rows naming the report, sent as such by the dispatcher, with no template."""
    done = _follow_up(services)
    assert [n.kind.value for n in done.notifications] == ["follow_up", "rating_question"]
    question = _payload(services, done.notifications[1].key)
    assert question["recipient"]["phone"] == f"+{ALICE}"
    assert (question["text"], question["template"], question["fallback_template"]) == (
        None,
        None,
        None,
    )
    rows = question["interactive"]["sections"][0]["rows"]
    assert [r["id"] for r in rows] == [f"rating:{n}:{done.report_id}" for n in range(1, 6)]
    services.dispatcher.run()
    messenger = services.dispatcher.messenger
    assert isinstance(messenger, InMemoryMessenger)
    [sent] = messenger.sent_with_key(done.notifications[1].key)
    assert sent.kind == "interactive"


def test_a_picked_row_rates_the_report_once_and_is_thanked(services: Services) -> None:
    """The row picked rates the report it names: recorded on the report (still completed,
    its history intact) and thanked; a redelivery changes nothing; a second pick is taken
    and changes nothing."""
    desk = services.desk
    done = _follow_up(services)
    _clock(services).advance(pendulum.duration(minutes=3))
    result = desk.ingest(
        parse_webhook(_pick(services, ALICE, "p1", f"rating:5:{done.report_id}", "5"))
    )
    (rated,) = result.steps
    assert (rated.actions, rated.state.value) == (("rate",), "completed")
    [thanks] = rated.notifications
    assert thanks.kind.value == "rating_thanks"
    text = _payload(services, thanks.key)["text"]
    assert "LAP/KNJP/2026/000001: 5 (Sangat puas)" in text
    report = desk.report(done.report_id)
    assert report.rating is not None
    assert (report.rating.value, report.rating.message_id) == (5, "p1")
    assert report.rating.at == _clock(services).now()
    assert verify(report.events, version=report.version, head=report.head_hash).ok
    size = _outbox_size(services)
    again = desk.ingest(
        parse_webhook(_pick(services, ALICE, "p1", f"rating:5:{done.report_id}", "5"))
    )
    assert (again.steps, again.duplicates) == ((), 1)
    second = desk.ingest(
        parse_webhook(_pick(services, ALICE, "p2", f"rating:1:{done.report_id}", "1"))
    )
    assert (second.steps, second.ignored, second.answers) == ((), 1, ())
    assert _outbox_size(services) == size
    rating = desk.report(done.report_id).rating
    assert rating is not None
    assert rating.value == 5
    (line,) = desk.list_reports()
    assert (line.state, line.sla.value) == ("completed", "stopped")


def test_a_typed_digit_rates_the_report_once_its_question_was_sent(services: Services) -> None:
    """A digit 1-5 with only punctuation around it is the rating once the question was sent
    to the reporter; before that it is no rating and goes on through the table."""
    desk = services.desk
    done = _follow_up(services)
    early = desk.ingest(parse_webhook(_text(services, ALICE, "d0", "4")))
    assert [s.actions for s in early.steps] == [("submit",)]
    assert desk.report(done.report_id).rating is None
    services.dispatcher.run()
    assert services.storage.outbox.get(done.notifications[1].key).status is OutboxStatus.SENT
    result = desk.ingest(parse_webhook(_text(services, ALICE, "d1", " (4). ")))
    (rated,) = result.steps
    assert (rated.report_id, rated.actions) == (done.report_id, ("rate",))
    rating = desk.report(done.report_id).rating
    assert rating is not None
    assert rating.value == 4
    later = desk.ingest(parse_webhook(_text(services, ALICE, "d2", "2")))
    assert all(s.report_id != done.report_id for s in later.steps)


@pytest.mark.parametrize("text", ["6", "0", "45", "5 bintang"])
def test_other_short_answers_are_no_rating(services: Services, text: str) -> None:
    """Other digits, numbers and words are no rating: the table goes on (here the text
    starts a report of its own) and the completed report stays unrated."""
    done = _follow_up(services)
    services.dispatcher.run()
    result = services.desk.ingest(parse_webhook(_text(services, ALICE, "x1", text)))
    assert [s.actions for s in result.steps] == [("submit",)]
    assert services.desk.report(done.report_id).rating is None


def test_stars_alone_are_no_rating_and_no_report(services: Services) -> None:
    """Stars alone are no rating either: like any message of only emoji they get the menu
    (rule 5), open no report, and the completed report stays unrated."""
    done = _follow_up(services)
    services.dispatcher.run()
    result = services.desk.ingest(parse_webhook(_text(services, ALICE, "x1", "⭐⭐⭐⭐⭐")))
    assert result.steps == ()
    assert [key.split(":")[0] for key in result.answers] == ["menu"]
    assert services.desk.report(done.report_id).rating is None


def test_a_digit_from_someone_without_a_report_awaiting_a_rating_is_no_rating(
    services: Services,
) -> None:
    """Another sender's digit, and the reporter's digit after the rating window, go on
    through the table: the report stays unrated."""
    desk = services.desk
    done = _follow_up(services)
    services.dispatcher.run()
    other = desk.ingest(parse_webhook(_text(services, BOB, "b1", "5")))
    assert [s.actions for s in other.steps] == [("submit",)]
    assert other.steps[0].report_id != done.report_id
    _clock(services).advance(Desk.RATING_WINDOW + pendulum.duration(minutes=1))
    late = desk.ingest(parse_webhook(_text(services, ALICE, "a1", "5")))
    assert [s.actions for s in late.steps] == [("submit",)]
    assert desk.report(done.report_id).rating is None


def test_an_interactive_reply_that_is_no_rating_gets_the_unusable_answer(
    services: Services,
) -> None:
    """A picked row that names no rating, or names someone else's report or one not yet
    completed, is answered as rule 6 answers what the service cannot use; nothing is rated
    and no report is made."""
    desk = services.desk
    done = _follow_up(services, sender=BOB, message_id="wb")
    (open_report,) = desk.ingest(parse_webhook(_text(services, ALICE, "wa", REPORT))).steps
    for message_id, row_id in (
        ("i1", "menu:status"),
        ("i2", f"rating:5:{done.report_id}"),
        ("i3", f"rating:5:{open_report.report_id}"),
        ("i4", "rating:5:no-such-report"),
    ):
        _clock(services).advance(pendulum.duration(minutes=11))
        result = desk.ingest(parse_webhook(_pick(services, ALICE, message_id, row_id, "5")))
        assert result.steps == ()
        [key] = result.answers
        assert key.startswith("unsupported:")
        assert "belum dapat kami terima" in _payload(services, key)["text"]
    assert desk.report(done.report_id).rating is None
    assert len(desk.list_reports()) == 2


def test_no_question_outside_the_reporters_24_hour_window(services: Services) -> None:
    """A follow-up delivered more than 24 hours after the reporter last wrote asks nothing:
    an interactive list could not be delivered, and there is no template to fall back on."""
    desk, clock = services.desk, _clock(services)
    (made,) = desk.ingest(parse_webhook(_report(services, ALICE, "w1"))).steps
    desk.receive(made.report_id, officer="petugas-01")
    desk.forward(made.report_id, officer="petugas-01")
    desk.give_direction(made.report_id, section_head="kasi-intel-01", direction="Cek.")
    clock.advance(pendulum.duration(hours=24, minutes=1))
    done = desk.deliver_follow_up(made.report_id, officer="petugas-01", follow_up="Sudah.")
    assert [n.kind.value for n in done.notifications] == ["follow_up"]
    services.dispatcher.run()
    result = desk.ingest(parse_webhook(_text(services, ALICE, "d1", "5")))
    assert [s.actions for s in result.steps] == [("submit",)]
    assert desk.report(made.report_id).rating is None


def test_a_staff_number_never_rates(services: Services) -> None:
    """A digit from a staff number is the staff rule's, never a rating."""
    done = _follow_up(services)
    services.dispatcher.run()
    result = services.desk.ingest(parse_webhook(_text(services, "6281311112222", "s1", "5")))
    assert result.steps == ()
    assert [k.split(":")[0] for k in result.answers] == ["staff_help"]
    assert services.desk.report(done.report_id).rating is None


_ANSWERS = st.lists(
    st.one_of(
        st.tuples(st.just("pick"), st.integers(1, 5)),
        st.tuples(st.just("text"), st.sampled_from(["1", "3.", " 5 ", "6", "halo", "(2)"])),
    ),
    min_size=1,
    max_size=5,
)


@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(answers=_ANSWERS)
def test_whatever_the_reporter_answers_the_first_rating_stands(
    answers: list[tuple[str, object]],
) -> None:
    """Any sequence of picks and typed answers records exactly one rating, the first one,
    and nothing else on the report; the history verifies."""
    with _compose(InMemoryStorage()) as services:
        done = _follow_up(services)
        services.dispatcher.run()
        expected = None
        for i, (how, value) in enumerate(answers):
            _clock(services).advance(pendulum.duration(minutes=1))
            if how == "pick":
                row = f"rating:{value}:{done.report_id}"
                body = _pick(services, ALICE, f"a{i}", row, str(value))
            else:
                body = _text(services, ALICE, f"a{i}", str(value))
            if expected is None:
                typed = str(value).strip(" .()")
                if how == "pick" or typed in {"1", "2", "3", "4", "5"}:
                    expected = int(typed)
            services.desk.ingest(parse_webhook(body))
        report = services.desk.report(done.report_id)
        rates = [e for e in report.events if e.action == "rate"]
        assert len(rates) == (0 if expected is None else 1)
        assert (None if report.rating is None else report.rating.value) == expected
        assert report.state.value == "completed"
        assert verify(report.events, version=report.version, head=report.head_hash).ok
