"""
Reports as domain entities through every storage adapter: load, save, numbers, SLA projection.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pendulum
import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from layanan_aduan.adapters.holidays_id import indonesian_calendar
from layanan_aduan.adapters.storage import InMemoryStorage, PostgresStorage, SqliteStorage
from layanan_aduan.domain.history import Event, verify
from layanan_aduan.domain.report import Actor, Report, ReporterDetails
from layanan_aduan.domain.workflow import ReportState, Role
from layanan_aduan.domain.worktime import SlaStatus, WorkingTime
from layanan_aduan.exceptions import ConcurrencyConflictError, HistoryTamperedError
from layanan_aduan.ports import Storage
from layanan_aduan.service_layer.report_stream import (
    assign_report_number,
    load_report,
    load_report_by_number,
    project,
    save_report,
)
from layanan_aduan.testing._reports import reports
from layanan_aduan.testing.contracts import require_postgres_dsn

T0 = pendulum.datetime(2026, 1, 9, 9, tz="Asia/Jakarta")  # a Friday
REPORTER = Actor("+6281234567890", Role.REPORTER)
OFFICER = Actor("196801011990031001", Role.OFFICER)
HEAD = Actor("197001011995031002", Role.SECTION_HEAD)
DETAILS = ReporterDetails(name="Budi Santoso", nik="3171010101900001", phone="081234567890")
PDF = b"%PDF-1.4\n%%EOF\n"
ONE_US = pendulum.duration(microseconds=1)


@pytest.fixture(scope="module")
def working_time() -> WorkingTime:
    return WorkingTime(indonesian_calendar())


_TABLES = (
    "reports, report_events, report_personal, report_evidence, report_audit, report_counters, "
    "outbox, inbox"
)


@pytest.fixture(params=["memory", "sqlite", "postgres"])
def make_storage(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Callable[[], Storage]]:
    """
    Gives a new, empty storage of one adapter on each call (PostgreSQL: one schema, emptied).
    """
    built: list[Storage] = []

    def make() -> Storage:
        if request.param == "memory":
            built.append(InMemoryStorage())
        elif request.param == "sqlite":
            path = tmp_path_factory.mktemp("sqlite") / "aduan.sqlite3"
            built.append(SqliteStorage.open(path))
        elif built:
            with built[0].unit_of_work() as uow:
                uow.execute(f"TRUNCATE {_TABLES} RESTART IDENTITY")  # type: ignore[attr-defined]  # a SQL unit of work
                uow.commit()
        else:
            dsn = require_postgres_dsn()
            schema = f"t_{uuid.uuid4().hex[:16]}"
            built.append(PostgresStorage.open(dsn, schema=schema, max_size=2))
        return built[-1]

    yield make
    for storage in built:
        if isinstance(storage, PostgresStorage):
            storage.drop_schema()
        storage.close()


@pytest.fixture
def storage(make_storage: Callable[[], Storage]) -> Storage:
    return make_storage()


def unsalted(event: Event) -> dict[str, object]:
    """An event's content but its salt and the hashes that depend on it."""
    data = event.to_dict()
    for key in ("hash", "prev_hash", "personal"):
        data.pop(key, None)
    vault = data.pop("personal_data", None)
    if vault is not None:
        data["personal_values"] = vault["values"]
    data["payload"].pop("direction_hash", None)
    return data


def _submit(report_id: str = "r-1", actor: Actor = REPORTER, **kw: object) -> Report:
    values: dict[str, object] = {"details": DETAILS, "evidence": [PDF], "message": "Pungli."}
    values.update(kw)
    return Report.submit(id=report_id, at=T0, actor=actor, kind="aduan", **values)  # type: ignore[arg-type]  # keyword values


def test_five_steps_round_trip(storage: Storage, working_time: WorkingTime) -> None:
    """A report taken through the five steps, one unit of work each, loads equal to the live one."""
    live = _submit()
    with storage.unit_of_work() as uow:
        number = assign_report_number(uow.reports, live, office="KNJP", year=2026)
        save_report(uow.reports, live, project(live, working_time, office="KNJP"))
        uow.outbox.put(f"ack:{live.id}", {"number": number}, created_at=T0, report_id=live.id)
        uow.commit()
    steps = [
        lambda r: r.receive(at=T0.add(minutes=5), actor=OFFICER),
        lambda r: r.forward(at=T0.add(minutes=10), actor=OFFICER),
        lambda r: r.give_direction(at=T0.add(minutes=40), actor=HEAD, direction="Klarifikasi."),
        lambda r: r.deliver_follow_up(at=T0.add(hours=2), actor=OFFICER, follow_up="Sudah."),
    ]
    for act in steps:
        act(live)
        with storage.unit_of_work() as uow:
            stored = load_report(uow.reports, live.id)
            act(stored)
            save_report(uow.reports, stored, project(stored, working_time, office="KNJP"))
            uow.commit()
        live.collect_new_events()
    with storage.unit_of_work(read_only=True) as uow:
        loaded = load_report_by_number(uow.reports, "LAP/KNJP/2026/000001")
        summary = uow.reports.by_state("completed").items
    # Each sealed event drew its own salt (the live copy's differ): equal but for them.
    assert [unsalted(e) for e in loaded.events] == [unsalted(e) for e in live.events]
    assert (loaded.details, loaded.direction, loaded.follow_up) == (
        live.details,
        live.direction,
        live.follow_up,
    )
    assert loaded.number == number == "LAP/KNJP/2026/000001"
    assert verify(loaded.events).ok
    assert [s.report_id for s in summary] == ["r-1"]
    assert summary[0].projection.sla_stopped
    assert summary[0].projection.head_hash == loaded.head_hash


def test_a_stale_report_conflicts(storage: Storage, working_time: WorkingTime) -> None:
    """Two officers acting on the same loaded version: the second save conflicts, one step kept."""
    report = _submit()
    with storage.unit_of_work() as uow:
        save_report(uow.reports, report, project(report, working_time))
        uow.commit()
    with storage.unit_of_work(read_only=True) as uow:
        first, second = load_report(uow.reports, "r-1"), load_report(uow.reports, "r-1")
    for officer in (first, second):
        officer.receive(at=T0.add(minutes=5), actor=OFFICER)
    with storage.unit_of_work() as uow:
        save_report(uow.reports, first, project(first, working_time))
        uow.commit()
    with storage.unit_of_work() as uow, pytest.raises(ConcurrencyConflictError):
        save_report(uow.reports, second, project(second, working_time))
    with storage.unit_of_work(read_only=True) as uow:
        assert load_report(uow.reports, "r-1").version == 2


def test_a_number_can_be_given_after_submission(
    storage: Storage, working_time: WorkingTime
) -> None:
    """A number assigned later is saved without an event and found by number."""
    report = _submit()
    with storage.unit_of_work() as uow:
        save_report(uow.reports, report, project(report, working_time))
        uow.commit()
    with storage.unit_of_work() as uow:
        stored = load_report(uow.reports, "r-1")
        assign_report_number(uow.reports, stored, office="KNJP", year=2026)
        assert save_report(uow.reports, stored, project(stored, working_time)) == 1
        uow.commit()
    with storage.unit_of_work(read_only=True) as uow:
        assert load_report_by_number(uow.reports, "LAP/KNJP/2026/000001").id == "r-1"


def test_a_reporter_known_only_by_user_id_is_found(
    storage: Storage, working_time: WorkingTime
) -> None:
    """A reporter with a WhatsApp user id and no number is stored and queried by that id."""
    user = "ID.13491208655302741918"
    details = ReporterDetails(name="Budi Santoso", nik="3171010101900001", whatsapp_user_id=user)
    report = _submit(actor=Actor(user, Role.REPORTER), details=details)
    p = project(report, working_time)
    assert (p.reporter_phone, p.reporter_user_id) == (None, user)
    with storage.unit_of_work() as uow:
        save_report(uow.reports, report, p)
        uow.commit()
    with storage.unit_of_work(read_only=True) as uow:
        assert [s.report_id for s in uow.reports.by_reporter(user_id=user).items] == ["r-1"]


def test_the_sender_key_identifies_an_incomplete_reporter(working_time: WorkingTime) -> None:
    """Without a valid identity, the WhatsApp key the report came from is the reporter's key."""
    report = _submit(details=ReporterDetails(name="Budi"), evidence=[])
    assert report.reporter is None
    assert project(report, working_time).reporter_phone == "+6281234567890"


def test_a_stopped_clock_raises_no_alert(working_time: WorkingTime) -> None:
    """A closed report has no at-risk or breached instant, whatever its deadline."""
    report = _submit()
    report.close(at=T0.add(days=3), actor=OFFICER, reason="spam")
    p = project(report, working_time)
    assert p.sla_stopped
    assert (p.sla_at_risk_from, p.sla_breached_from) == (None, None)


def test_a_paused_clock_keeps_its_status(working_time: WorkingTime) -> None:
    """Waiting for the reporter freezes the status: on time stays so, breached stays so."""
    early = _submit(details=ReporterDetails(name="Budi"), evidence=[])
    early.receive(at=T0.add(minutes=5), actor=OFFICER)
    early.request_completion(at=T0.add(minutes=10), actor=OFFICER)
    p = project(early, working_time)
    assert p.sla_paused
    assert (p.sla_at_risk_from, p.sla_breached_from) == (None, None)
    late = _submit(details=ReporterDetails(name="Budi"), evidence=[])
    late.receive(at=T0.add(minutes=5), actor=OFFICER)
    late.request_completion(at=T0.add(hours=6), actor=OFFICER)
    p = project(late, working_time)
    assert p.sla_breached_from == p.sla_at_risk_from == T0.add(hours=6)


def test_a_deadline_at_closing_time_is_breached_only_at_the_next_opening(
    working_time: WorkingTime,
) -> None:
    """Due at Friday 16:00, a report is still critical all weekend; breached from Monday 08:00."""
    report = Report.submit(
        id="r-1", at=T0.set(hour=13), actor=REPORTER, kind="aduan", details=DETAILS, evidence=[PDF]
    )
    p = project(report, working_time)
    monday = pendulum.datetime(2026, 1, 12, 8, tz="Asia/Jakarta")
    assert p.sla_deadline == T0.set(hour=16)
    assert p.sla_breached_from == monday.add(microseconds=1)
    assert p.sla_at_risk_from == T0.set(hour=14, minute=30)
    saturday = pendulum.datetime(2026, 1, 10, 12, tz="Asia/Jakarta")
    assert report.sla(saturday, working_time).status is SlaStatus.CRITICAL
    assert p.is_at_risk(saturday)
    assert not p.is_breached(saturday)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(
    report=reports(
        states={"submitted", "received", "awaiting_completion", "forwarded", "directed", "closed"}
    ),
    offset=st.integers(min_value=0, max_value=5 * 24 * 3600),
)
def test_the_projection_agrees_with_the_domain_sla(
    working_time: WorkingTime, report: Report, offset: int
) -> None:
    """At any later instant, and at each boundary, storage's at-risk/breached match the domain."""
    p = project(report, working_time)
    last = report.events[-1].at
    instants = [last.add(seconds=offset), last]
    for boundary in (p.sla_at_risk_from, p.sla_breached_from):
        if boundary is not None and boundary > last:
            instants += [boundary, boundary - ONE_US]
    for at in instants:
        status = report.sla(at, working_time).status
        if report.is_final:
            assert not p.is_at_risk(at)
            assert not p.is_breached(at)
            continue
        assert p.is_breached(at) == (status is SlaStatus.BREACHED), (at, status)
        assert p.is_at_risk(at) == (status in {SlaStatus.AT_RISK, SlaStatus.CRITICAL}), (at, status)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(report=reports())
def test_any_report_loads_back_equal(
    make_storage: Callable[[], Storage], working_time: WorkingTime, report: Report
) -> None:
    """Any report, saved with all its events at once, loads back equal and listed by its state."""
    storage = make_storage()
    with storage.unit_of_work() as uow:
        save_report(uow.reports, report, project(report, working_time))
        uow.commit()
    with storage.unit_of_work(read_only=True) as uow:
        assert load_report(uow.reports, report.id) == report
        listed = {s.report_id for s in uow.reports.by_state(str(report.state), limit=1000).items}
    assert report.id in listed
    assert report.state in ReportState


def test_an_edited_event_is_found_on_load(tmp_path: Path, working_time: WorkingTime) -> None:
    """An event edited in the database file makes load_report raise HistoryTamperedError."""
    path = tmp_path / "aduan.sqlite3"
    report = _submit()
    report.receive(at=T0.add(minutes=5), actor=OFFICER)
    with SqliteStorage.open(path) as storage, storage.unit_of_work() as uow:
        save_report(uow.reports, report, project(report, working_time))
        uow.commit()
    with sqlite3.connect(path) as conn:
        conn.execute(
            "UPDATE report_events SET payload = replace(payload, 'receive', 'forward') "
            "WHERE seq = 2"
        )
    conn.close()
    with (
        SqliteStorage.open(path) as storage,
        storage.unit_of_work(read_only=True) as uow,
        pytest.raises(HistoryTamperedError),
    ):
        load_report(uow.reports, "r-1")


def test_a_removed_last_event_is_found_on_load(tmp_path: Path, working_time: WorkingTime) -> None:
    """Deleting the last event row is caught by the version kept beside the stream."""
    path = tmp_path / "aduan.sqlite3"
    report = _submit()
    report.receive(at=T0.add(minutes=5), actor=OFFICER)
    with SqliteStorage.open(path) as storage, storage.unit_of_work() as uow:
        save_report(uow.reports, report, project(report, working_time))
        uow.commit()
    with sqlite3.connect(path) as conn:
        conn.execute("DELETE FROM report_events WHERE seq = 2")
    conn.close()
    with (
        SqliteStorage.open(path) as storage,
        storage.unit_of_work(read_only=True) as uow,
        pytest.raises(HistoryTamperedError),
    ):
        load_report(uow.reports, "r-1")


def test_postgres_keeps_event_bytes_exactly(working_time: WorkingTime) -> None:
    """PostgreSQL stores event JSON as text: the canonical bytes the hashes cover come back."""
    dsn = require_postgres_dsn()
    schema = f"t_{uuid.uuid4().hex[:16]}"
    report = _submit(message="Ünïcødé 😀 1.0 and 1e2")
    with PostgresStorage.open(dsn, schema=schema, max_size=1) as storage:
        with storage.unit_of_work() as uow:
            save_report(uow.reports, report, project(report, working_time))
            uow.commit()
        with storage.unit_of_work(read_only=True) as uow:
            assert load_report(uow.reports, "r-1") == report
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
