"""
A sender who floods (many messages in a short time) gets at most one open report and one
throttling answer per window; every message is still taken as received (inbox, and added to
their report as without a flood); the desk's other replies to them are held back meanwhile.
Counted from the inbox by the instants the clock recorded. Run on in-memory, SQLite and
PostgreSQL storage.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
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
from layanan_aduan.adapters.office_config import check_office_config, parse_office_config
from layanan_aduan.adapters.staff import InMemoryStaffDirectory
from layanan_aduan.adapters.storage import InMemoryStorage, SqliteStorage
from layanan_aduan.adapters.whatsapp import parse_webhook
from layanan_aduan.clock import FixedClock
from layanan_aduan.domain.flood import DEFAULT_FLOOD_POLICY, FloodPolicy
from layanan_aduan.domain.staff import Assignment, StaffMember, StaffRole
from layanan_aduan.exceptions import MessagingConfigurationError
from layanan_aduan.ports import OutboxMessage, Storage
from layanan_aduan.service_layer import Services, bootstrap, compose
from layanan_aduan.service_layer.throttle import HELD_BACK, sender_digest
from layanan_aduan.testing.contracts import require_postgres_dsn

T0 = pendulum.datetime(2026, 1, 12, 2, 5, tz="UTC")  # Monday 09:05 WIB
ALICE, BOB, OFFICER = "6281234500001", "6281234500002", "6281311112222"
REPORT = "Nama: Budi Santoso\nNIK: 3171010101900001\nDugaan pungutan liar di kelurahan."
POLICY = FloodPolicy(messages=10, window=dt.timedelta(seconds=60))


def _storage(kind: str, tmp_path: Path) -> Storage:
    if kind == "memory":
        return InMemoryStorage()
    if kind == "sqlite":
        return SqliteStorage.open(tmp_path / f"flood-{uuid.uuid4().hex}.sqlite3")
    from layanan_aduan.adapters.storage import PostgresStorage

    return PostgresStorage.open(require_postgres_dsn(), schema=f"flood_{uuid.uuid4().hex[:12]}")


def _services(storage: Storage, policy: FloodPolicy = POLICY) -> Services:
    officer = StaffMember(
        "petugas-01",
        "Staf",
        phone=f"+{OFFICER}",
        assignments=(Assignment(StaffRole.OFFICER, "KNJP"),),
    )
    media = InMemoryMediaFetcher()
    media.put(examples.SCREENSHOT_MEDIA_ID, examples.screenshot_png(), "image/png")
    return compose(
        storage=storage,
        evidence=InMemoryEvidenceStore(),
        messenger=InMemoryMessenger(),
        media=media,
        clock=FixedClock(T0),
        staff=InMemoryStaffDirectory({"KNJP": [officer]}),
        flood=policy,
    )


@pytest.fixture(params=["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def services(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Services]:
    with _services(_storage(request.param, tmp_path)) as built:
        yield built


def _message(sender: str, message_id: str, kind: str, at: pendulum.DateTime) -> dict[str, Any]:
    message: dict[str, Any] = {
        "from": sender,
        "id": message_id,
        "timestamp": str(int(at.timestamp())),
    }
    if kind == "image":
        message.update(
            type="image", image={"id": examples.SCREENSHOT_MEDIA_ID, "mime_type": "image/png"}
        )
    elif kind == "audio":
        message.update(type="audio", audio={"id": "9900000000000001", "mime_type": "audio/ogg"})
    else:
        body = {"report": REPORT, "greeting": "halo", "status": "cek status", "more": "tambahan"}
        message.update(type="text", text={"body": body.get(kind, kind)})
    return message


def _webhook(messages: list[dict[str, Any]], sender: str = ALICE) -> bytes:
    document = json.loads(examples.whatsapp_webhook())
    value = document["entry"][0]["changes"][0]["value"]
    value["contacts"][0]["wa_id"] = sender
    value["messages"] = messages
    return json.dumps(document).encode()


def _outbox(services: Services) -> list[OutboxMessage]:
    page = services.storage.outbox.list(limit=1000)
    assert page.next_cursor is None
    return list(page.items)


def _kinds(services: Services) -> list[str]:
    return [str(m.payload["notification"]) for m in _outbox(services)]


def _open(services: Services) -> list[str]:
    return [
        line.number or line.report_id
        for line in services.desk.list_reports()
        if line.state in ("submitted", "awaiting_completion")
    ]


def test_fifty_messages_in_a_minute_make_one_report_and_one_answer(services: Services) -> None:
    """50 texts in one minute, one webhook each: one report holding every text, one
    acknowledgement, one throttling answer, and every message id taken."""
    desk, clock = services.desk, services.desk.clock
    assert isinstance(clock, FixedClock)
    ids = [f"wamid.F{i:02d}" for i in range(50)]
    results = []
    for i, message_id in enumerate(ids):
        kind = "report" if i == 0 else f"tambahan ke-{i}"
        results.append(
            desk.ingest(parse_webhook(_webhook([_message(ALICE, message_id, kind, clock.now())])))
        )
        clock.advance(pendulum.duration(seconds=1.2))
    (line,) = desk.list_reports()
    report = desk.report(line.report_id)
    assert all(f"tambahan ke-{i}" in report.message for i in range(1, 50))
    kinds = _kinds(services)
    assert kinds.count("acknowledgement") == 1
    assert kinds.count("throttled") == 1
    # The 11th message found the flood: its step lists the answer instead of a reply.
    assert [n.kind.value for n in results[10].steps[0].notifications] == ["throttled"]
    assert all(not r.steps or not r.steps[0].notifications for r in results[11:])
    with services.storage.unit_of_work(read_only=True) as uow:
        assert all(uow.inbox.seen(m) for m in ids)
    throttled = next(m for m in _outbox(services) if m.payload["notification"] == "throttled")
    assert throttled.payload["recipient"]["phone"] == f"+{ALICE}"
    assert throttled.payload["text"].startswith(
        "Kami menerima banyak pesan dari nomor ini dalam waktu singkat."
    )
    assert "tunggu sekitar 1 menit" in throttled.payload["text"]


def test_held_back_replies_resume_after_a_quiet_window(services: Services) -> None:
    """During a flood greetings and questions get no menu or status answer; once the sender
    has been quiet for a window they are answered again, and a new flood gets a new answer."""
    desk, clock = services.desk, services.desk.clock
    assert isinstance(clock, FixedClock)
    batch = [_message(ALICE, f"wamid.G{i}", "greeting", clock.now()) for i in range(12)]
    first = desk.ingest(parse_webhook(_webhook(batch)))
    # One webhook of twelve greetings is one draft: twelve messages at once are a flood.
    assert (first.steps, len(first.answers)) == ((), 1)
    assert _kinds(services) == ["throttled"]
    clock.advance(pendulum.duration(seconds=30))
    held = desk.ingest(
        parse_webhook(_webhook([_message(ALICE, "wamid.G12", "status", clock.now())]))
    )
    assert (held.answers, held.ignored) == ((), 1)
    clock.advance(pendulum.duration(seconds=61))
    answered = desk.ingest(
        parse_webhook(_webhook([_message(ALICE, "wamid.G13", "greeting", clock.now())]))
    )
    assert len(answered.answers) == 1
    assert _kinds(services) == ["throttled", "menu"]
    clock.advance(pendulum.duration(seconds=61))
    again = [_message(ALICE, f"wamid.H{i}", "greeting", clock.now()) for i in range(11)]
    desk.ingest(parse_webhook(_webhook(again)))
    assert _kinds(services) == ["throttled", "menu", "throttled"]


def test_a_flood_that_goes_on_is_answered_once(services: Services) -> None:
    """Eleven messages every 50 seconds for five minutes: the sender always floods, and gets
    one throttling answer, not one per window."""
    desk, clock = services.desk, services.desk.clock
    assert isinstance(clock, FixedClock)
    n = 0
    for _ in range(6):
        for _ in range(11):
            desk.ingest(
                parse_webhook(_webhook([_message(ALICE, f"wamid.L{n}", "greeting", clock.now())]))
            )
            n += 1
        clock.advance(pendulum.duration(seconds=50))
    assert _kinds(services).count("throttled") == 1
    assert _kinds(services).count("menu") == 10


def test_unsupported_messages_count_and_are_held_back(services: Services) -> None:
    """Voice notes count toward a flood; one that finds the flood gets the throttling answer,
    and no "not supported" answer is sent meanwhile."""
    desk, clock = services.desk, services.desk.clock
    assert isinstance(clock, FixedClock)
    for i in range(10):
        desk.ingest(
            parse_webhook(_webhook([_message(ALICE, f"wamid.T{i}", f"teks {i}", clock.now())]))
        )
    voice = desk.ingest(
        parse_webhook(_webhook([_message(ALICE, "wamid.A1", "audio", clock.now())]))
    )
    assert len(voice.answers) == 1
    more = desk.ingest(parse_webhook(_webhook([_message(ALICE, "wamid.A2", "audio", clock.now())])))
    assert (more.answers, more.ignored) == ((), 1)
    kinds = _kinds(services)
    assert kinds.count("throttled") == 1
    assert "unsupported" not in kinds


def test_another_sender_is_not_throttled(services: Services) -> None:
    """One sender's flood holds back nobody else's replies."""
    desk, clock = services.desk, services.desk.clock
    assert isinstance(clock, FixedClock)
    flood = [_message(ALICE, f"wamid.X{i}", "greeting", clock.now()) for i in range(20)]
    desk.ingest(parse_webhook(_webhook(flood)))
    bob = desk.ingest(
        parse_webhook(_webhook([_message(BOB, "wamid.B", "greeting", clock.now())], BOB))
    )
    assert len(bob.answers) == 1
    assert _kinds(services) == ["throttled", "menu"]


def test_the_claimed_timestamp_does_not_count(services: Services) -> None:
    """Messages claiming instants spread over hours but arriving within seconds are a flood:
    the count is by the instant the clock recorded."""
    desk, clock = services.desk, services.desk.clock
    assert isinstance(clock, FixedClock)
    for i in range(11):
        claimed = clock.now().subtract(hours=11 - i)
        desk.ingest(parse_webhook(_webhook([_message(ALICE, f"wamid.C{i}", "greeting", claimed)])))
        clock.advance(pendulum.duration(seconds=1))
    assert _kinds(services).count("throttled") == 1


def test_the_inbox_keeps_no_number(tmp_path: Path) -> None:
    """The inbox knows a sender by a keyed blind index of its digest: the telephone number is in
    no inbox row, nor the plain digest a guess could be checked against."""
    with _services(SqliteStorage.open(tmp_path / "digest.sqlite3")) as services:
        body = _webhook([_message(ALICE, "wamid.D", "report", T0)])
        services.desk.ingest(parse_webhook(body))
        storage = services.storage
        assert isinstance(storage, SqliteStorage)
        with storage.unit_of_work(read_only=True) as uow:
            rows = uow.execute("SELECT * FROM inbox").fetchall()
        assert rows
        assert all(ALICE not in str(row) and ALICE[2:] not in str(row) for row in rows)
        digest = sender_digest("KNJP", ALICE)
        assert rows[0][-2] == storage.cipher.blind_index(digest, "inbox_sender")
        assert all(digest not in str(row) for row in rows)


def test_concurrent_webhooks_of_one_flood_answer_it_once(services: Services) -> None:
    """Four threads delivering one sender's 40 messages at once: one report, one throttling
    answer, every message taken (the sender's lock orders their counts)."""
    desk = services.desk
    barrier = threading.Barrier(4)
    errors: list[BaseException] = []

    def deliver(t: int) -> None:
        try:
            barrier.wait(10)
            for i in range(10):
                kind = "report" if (t, i) == (0, 0) else f"tambahan {t}-{i}"
                desk.ingest(parse_webhook(_webhook([_message(ALICE, f"wamid.P{t}.{i}", kind, T0)])))
        except BaseException as e:  # reported by the assertion below
            errors.append(e)

    threads = [threading.Thread(target=deliver, args=(t,)) for t in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert errors == []
    assert _kinds(services).count("throttled") == 1
    assert len(_open(services)) == 1
    with services.storage.unit_of_work(read_only=True) as uow:
        assert all(uow.inbox.seen(f"wamid.P{t}.{i}") for t in range(4) for i in range(10))


_KINDS = st.sampled_from(["report", "more", "greeting", "status", "image", "audio", "kata"])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    kinds=st.lists(_KINDS, min_size=1, max_size=40),
    gaps=st.lists(st.floats(min_value=0, max_value=1.4), min_size=40, max_size=40),
    cuts=st.sets(st.integers(1, 39), max_size=10),
    policy=st.builds(
        FloodPolicy,
        messages=st.integers(1, 15),
        window=st.integers(60, 600).map(lambda s: dt.timedelta(seconds=s)),
    ),
)
def test_a_flood_within_a_window_gets_one_answer_and_one_report(
    kinds: list[str], gaps: list[float], cuts: set[int], policy: FloodPolicy
) -> None:
    """For any N messages of one sender within one window, in webhooks cut anywhere: at most
    one throttling answer, at most one open report, every message id taken, and no held-back
    reply after the flood began."""
    with _services(InMemoryStorage(), policy) as services:
        desk, clock = services.desk, services.desk.clock
        assert isinstance(clock, FixedClock)
        ids = [f"wamid.Q{i}" for i in range(len(kinds))]
        batches: list[list[dict[str, Any]]] = [[]]
        for i, kind in enumerate(kinds):
            if i in cuts and batches[-1]:
                batches.append([])
            batches[-1].append(_message(ALICE, ids[i], kind, clock.now()))
        for gap, batch in zip(gaps, batches, strict=False):
            desk.ingest(parse_webhook(_webhook(batch)))
            # At most 40 gaps of 1.4 s: 56 s in all, within the shortest window drawn (60 s).
            clock.advance(pendulum.duration(seconds=gap))
        out = _kinds(services)
        held = {kind.value for kind in HELD_BACK}
        assert out.count("throttled") <= 1
        assert len(_open(services)) <= 1
        with services.storage.unit_of_work(read_only=True) as uow:
            assert all(uow.inbox.seen(m) for m in ids)
        assert len([k for k in out if k in held]) <= policy.messages
        if "throttled" in out:
            assert not held & set(out[out.index("throttled") :])
        assert out.count("throttled") == (1 if len(kinds) > policy.messages else 0)


def test_the_policy_refuses_limits_out_of_range() -> None:
    """A flood policy's limits are checked when it is built, with a typed, bilingual error."""
    for bad in (
        {"messages": 0},
        {"messages": True},
        {"window": dt.timedelta(0)},
        {"window": dt.timedelta(days=2)},
    ):
        with pytest.raises(MessagingConfigurationError) as info:
            FloodPolicy(**bad)
        assert info.value.code == "invalid_flood_policy"
        assert info.value.message
        assert info.value.message_en
    assert (DEFAULT_FLOOD_POLICY.messages, DEFAULT_FLOOD_POLICY.window) == (
        10,
        dt.timedelta(seconds=60),
    )


def test_the_office_configuration_sets_the_policy(tmp_path: Path) -> None:
    """[intake] flood_messages and flood_window_seconds configure the desk's policy; values
    out of range are reported with their line and key, all at once."""
    base = """
[office]
code = "KMKS"
name = "Kejaksaan Negeri Makassar"
address = "Jl. Amanagappa No. 1, Makassar"
telephone = "(0411) 3617380"
whatsapp = "0811-4100-2200"
website = "https://kejari-makassar.kejaksaan.go.id"
timezone = "Asia/Makassar"
"""
    config = parse_office_config(
        base + "[intake]\nflood_messages = 20\nflood_window_seconds = 120\n"
    )
    assert config.flood == FloodPolicy(messages=20, window=dt.timedelta(seconds=120))
    assert parse_office_config(base).flood == DEFAULT_FLOOD_POLICY
    only = parse_office_config(base + "[intake]\nflood_messages = 5\n")
    assert only.flood == FloodPolicy(messages=5)
    problems = check_office_config(base + "[intake]\nflood_messages = 0\n")
    assert [(p.path, p.code, p.line) for p in problems] == [
        ("intake.flood_messages", "invalid_flood_policy", 11)
    ]
    problems = check_office_config(base + "[intake]\nflood_window_seconds = 999999999999\n")
    assert [(p.path, p.code) for p in problems] == [
        ("intake.flood_window_seconds", "invalid_flood_policy")
    ]
    problems = check_office_config(base + '[intake]\nflood_window_seconds = "60"\n')
    assert [(p.path, p.code) for p in problems] == [("intake.flood_window_seconds", "invalid_type")]
    path = tmp_path / "kmks.toml"
    path.write_text(base + '[intake]\nflood_messages = 3\n[storage]\nsqlite = "kmks.sqlite3"\n')
    from layanan_aduan.adapters.office_config import load_office_config

    services = bootstrap(
        messenger=InMemoryMessenger(),
        media=InMemoryMediaFetcher(),
        config=load_office_config(path),
        clock=FixedClock(T0),
    )
    with services:
        assert services.desk.flood == FloodPolicy(messages=3)
    with bootstrap(
        tmp_path / "other.sqlite3",
        messenger=InMemoryMessenger(),
        media=InMemoryMediaFetcher(),
        config=load_office_config(path),
        clock=FixedClock(T0),
        flood=FloodPolicy(messages=7),
    ) as chosen:
        assert chosen.desk.flood == FloodPolicy(messages=7)
