"""
Loading a report with :class:`VerifiedReports`: only what was stored after the version verified
last is read and checked, and the result equals the report rebuilt and verified from every event;
tampering with a new event, the head or its signature is still refused on load; an old event
rewritten after it was verified is found by every full verification. On memory, SQLite and
PostgreSQL.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import attrs
import pendulum
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from layanan_aduan.adapters.holidays_id import indonesian_calendar
from layanan_aduan.adapters.signing_keys import Ed25519Signer
from layanan_aduan.adapters.storage import InMemoryStorage, PostgresStorage, SqliteStorage
from layanan_aduan.domain.history import Event
from layanan_aduan.domain.report import Actor, Report, ReporterDetails
from layanan_aduan.domain.workflow import Role
from layanan_aduan.domain.worktime import WorkingTime
from layanan_aduan.exceptions import (
    HistorySignatureError,
    HistoryTamperedError,
    ReportNotFoundError,
    StorageInputError,
)
from layanan_aduan.ports import Storage
from layanan_aduan.service_layer.report_stream import (
    VerifiedReports,
    assign_report_number,
    load_report,
    load_report_by_number,
    project,
    save_report,
)
from layanan_aduan.service_layer.signing import HeadSigning
from layanan_aduan.testing.contracts import require_postgres_dsn

T0 = pendulum.datetime(2026, 1, 12, 9, tz="Asia/Jakarta")  # a Monday
REPORTER = Actor("+6281234567890", Role.REPORTER)
OFFICER = Actor("petugas-01", Role.OFFICER)
HEAD = Actor("kasi-intel-01", Role.SECTION_HEAD)
DETAILS = ReporterDetails(name="Budi Santoso", nik="3171010101900001", phone="081234567890")
WORKING_TIME = WorkingTime(indonesian_calendar())


def _open(kind: str, tmp_path: Any) -> Storage:
    if kind == "memory":
        return InMemoryStorage()
    if kind == "sqlite":
        return SqliteStorage.open(tmp_path / f"aduan-{uuid.uuid4().hex[:8]}.sqlite3")
    dsn = require_postgres_dsn()
    return PostgresStorage.open(dsn, schema=f"t_{uuid.uuid4().hex[:16]}", max_size=2)


def _close(made: Storage) -> None:
    if isinstance(made, PostgresStorage):
        made.drop_schema()
    made.close()  # type: ignore[attr-defined]  # every adapter closes


@pytest.fixture(params=["memory", "sqlite", "postgres"])
def storage(request: pytest.FixtureRequest, tmp_path: Any) -> Iterator[Storage]:
    made = _open(request.param, tmp_path)
    yield made
    _close(made)


# The main path and its side paths, as steps a test can take one after another.
def _receive(r: Report, at: pendulum.DateTime) -> None:
    r.receive(at=at, actor=OFFICER)


def _add(r: Report, at: pendulum.DateTime) -> None:
    r.add_to_submission(at=at, actor=REPORTER, message="Tambahan.")


def _forward(r: Report, at: pendulum.DateTime) -> None:
    r.forward(at=at, actor=OFFICER)


def _direct(r: Report, at: pendulum.DateTime) -> None:
    r.give_direction(at=at, actor=HEAD, direction="Klarifikasi.")


def _follow_up(r: Report, at: pendulum.DateTime) -> None:
    r.deliver_follow_up(at=at, actor=OFFICER, follow_up="Sudah.")


def _rate(r: Report, at: pendulum.DateTime) -> None:
    r.rate(at=at, actor=REPORTER, rating=4, message_id=f"wamid.{at.int_timestamp}")


PATH: tuple[Callable[[Report, pendulum.DateTime], None], ...] = (
    _receive,
    _forward,
    _direct,
    _follow_up,
    _rate,
)


def submitted(report_id: str = "r-1") -> Report:
    return Report.submit(
        id=report_id,
        at=T0,
        actor=REPORTER,
        kind="aduan",
        details=DETAILS,
        message="Dugaan pungli.",
        evidence=[b"%PDF-1.4\n%%EOF\n"],
    )


def save(storage: Storage, report: Report, signing: HeadSigning | None = None) -> None:
    with storage.unit_of_work() as uow:
        projection = project(report, WORKING_TIME, office="KNJP")
        save_report(uow.reports, report, projection, signing=signing)
        uow.commit()


def load(
    storage: Storage,
    ref: str,
    verified: VerifiedReports | None = None,
    signing: HeadSigning | None = None,
) -> Report:
    with storage.unit_of_work(read_only=True) as uow:
        if "/" in ref:
            return load_report_by_number(uow.reports, ref, verified=verified, signing=signing)
        return load_report(uow.reports, ref, verified=verified, signing=signing)


def step(
    storage: Storage,
    verified: VerifiedReports,
    action: Callable[[Report, pendulum.DateTime], None],
    at: pendulum.DateTime,
    signing: HeadSigning | None = None,
) -> None:
    """One desk step: load through ``verified``, act, save, commit."""
    with storage.unit_of_work() as uow:
        report = load_report(uow.reports, "r-1", verified=verified, signing=signing)
        action(report, at)
        save_report(
            uow.reports, report, project(report, WORKING_TIME, office="KNJP"), signing=signing
        )
        uow.commit()


def edit_event(storage: Storage, report_id: str, seq: int, change: dict[str, Any]) -> None:
    """Rewrite one stored event's JSON (its hash left as it was) through the database itself."""
    with storage.unit_of_work(read_only=True) as uow:
        stored = uow.reports.get(report_id)
    data = {**stored.events[seq - 1], **change}
    text = json.dumps(data, ensure_ascii=False)
    if isinstance(storage, InMemoryStorage):
        state = storage._state
        row = state.reports[report_id]
        events = (*row.events[: seq - 1], text, *row.events[seq:])
        forged = attrs.evolve(row, events=events)
        storage._state = attrs.evolve(state, reports={**state.reports, report_id: forged})
        return
    with storage.unit_of_work() as uow:
        uow.execute(  # type: ignore[attr-defined]  # a SQL unit of work
            "UPDATE report_events SET payload = ? WHERE report_id = ? AND seq = ?",
            (text, report_id, seq),
        )
        uow.commit()


def same_report(fast: Report, full: Report) -> None:
    assert fast == full
    assert (fast.state, fast.version, fast.head_hash, fast.number) == (
        full.state,
        full.version,
        full.head_hash,
        full.number,
    )
    assert fast.reporter == full.reporter
    assert fast.events == full.events
    at = fast.events[-1].sla_at.add(hours=1)
    assert fast.sla(at, WORKING_TIME) == full.sla(at, WORKING_TIME)
    assert project(fast, WORKING_TIME, office="KNJP") == project(full, WORKING_TIME, office="KNJP")


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    kind=st.sampled_from(["memory", "sqlite"]),
    adds=st.integers(min_value=0, max_value=3),
    steps=st.integers(min_value=0, max_value=len(PATH)),
    loads=st.sets(st.integers(min_value=0, max_value=len(PATH) + 3)),
    by_number=st.booleans(),
)
def test_a_fast_load_equals_the_report_rebuilt_from_every_event(
    tmp_path_factory: pytest.TempPathFactory,
    kind: str,
    adds: int,
    steps: int,
    loads: set[int],
    by_number: bool,
) -> None:
    """Whatever was verified before (nothing, an early version, the current one), a load
    through ``VerifiedReports`` equals the report rebuilt and verified from every event: same
    state, version, head, number, reporter, SLA and projection."""
    storage = _open(kind, tmp_path_factory.mktemp("s"))
    try:
        verified = VerifiedReports()
        report = submitted()
        with storage.unit_of_work() as uow:
            assign_report_number(uow.reports, report, office="KNJP", year=2026)
            save_report(uow.reports, report, project(report, WORKING_TIME, office="KNJP"))
            uow.commit()
        actions = [_add] * adds + list(PATH[:steps])
        at = T0
        for i, action in enumerate(actions):
            if i in loads:
                load(storage, "r-1", verified)
            at = at.add(minutes=7)
            step(storage, verified, action, at)
        ref = report.number if by_number and report.number is not None else "r-1"
        same_report(load(storage, ref, verified), load(storage, ref))
        assert len(verified) == 1
    finally:
        _close(storage)


def test_a_step_reads_only_the_events_after_the_verified_version(storage: Storage) -> None:
    """The port gives the events after ``after`` only, with the stored version and head."""
    save(storage, submitted())
    verified = VerifiedReports()
    for i, action in enumerate(PATH[:3], start=1):
        step(storage, verified, action, T0.add(minutes=10 * i))
    with storage.unit_of_work(read_only=True) as uow:
        whole = uow.reports.get("r-1")
        tail = uow.reports.get("r-1", after=2)
        nothing = uow.reports.get("r-1", after=4)
        with pytest.raises(StorageInputError) as caught:
            uow.reports.get("r-1", after=-1)
    assert caught.value.code == "invalid_version"
    assert (
        (tail.version, tail.projection) == (whole.version, whole.projection) == (4, tail.projection)
    )
    assert tail.events == whole.events[2:]
    assert nothing.events == ()


@pytest.mark.parametrize("seq", [3, 5])
def test_an_edited_event_after_the_verified_version_is_refused(storage: Storage, seq: int) -> None:
    """Events stored after the verified version are checked (intact, linked, reaching the
    anchor): an edit is refused on the fast load exactly as on a full one."""
    report = submitted()
    save(storage, report)
    verified = VerifiedReports()
    load(storage, "r-1", verified)
    step(storage, verified, _receive, T0.add(minutes=5))
    load(storage, "r-1", verified)  # verified up to version 2
    for i, action in enumerate(PATH[1:4], start=2):
        # Another desk (process) takes these steps: this one stays verified at version 2.
        step(storage, VerifiedReports(), action, T0.add(minutes=10 * i))
    edit_event(storage, "r-1", seq, {"actor_id": "petugas-lain-99"})
    with pytest.raises(HistoryTamperedError) as fast:
        load(storage, "r-1", verified)
    with pytest.raises(HistoryTamperedError) as full:
        load(storage, "r-1")
    assert fast.value.code == full.value.code == "history_tampered"
    assert fast.value.details == full.value.details
    assert fast.value.details["seq"] == seq
    assert len(verified) == 0  # what did not continue is forgotten


def test_a_removed_event_after_the_verified_version_is_refused(storage: Storage) -> None:
    """A stream that stops short of the stored version is not a continuation: the whole
    stream is verified, and the removal reported."""
    save(storage, submitted())
    verified = VerifiedReports()
    step(storage, verified, _receive, T0.add(minutes=5))
    load(storage, "r-1", verified)  # verified at version 2
    step(storage, VerifiedReports(), _forward, T0.add(minutes=10))
    if isinstance(storage, InMemoryStorage):
        state = storage._state
        row = state.reports["r-1"]
        forged = attrs.evolve(row, events=row.events[:2])
        storage._state = attrs.evolve(state, reports={**state.reports, "r-1": forged})
    else:
        with storage.unit_of_work() as uow:
            uow.execute(  # type: ignore[attr-defined]  # a SQL unit of work
                "DELETE FROM report_events WHERE report_id = ? AND seq = 3", ("r-1",)
            )
            uow.commit()
    with pytest.raises(HistoryTamperedError) as caught:
        load(storage, "r-1", verified)
    assert caught.value.details["kind"] == "removed"


def test_an_old_event_rewritten_later_is_found_by_every_full_verification(
    storage: Storage, tmp_path: Any
) -> None:
    """The trust argument's limit, pinned: an event stored before the verified version and
    rewritten afterwards is not read by the next step, which decides on the verified history
    (its new event chains to the verified head, the direction it answers is the verified
    one); a full load (a new process, no ``verified``) refuses the stream."""
    save(storage, submitted())
    verified = VerifiedReports()
    for i, action in enumerate(PATH[:3], start=1):
        step(storage, verified, action, T0.add(minutes=10 * i))
    load(storage, "r-1", verified)
    edit_event(storage, "r-1", 4, {"payload": {"direction": "Hentikan."}})
    step(storage, verified, _follow_up, T0.add(minutes=50))
    with storage.unit_of_work(read_only=True) as uow:
        stored = uow.reports.get("r-1")
    answered = Event.from_dict(stored.events[4])
    assert answered.payload["direction_hash"] == stored.events[3]["hash"]  # the verified one
    with pytest.raises(HistoryTamperedError) as caught:
        load(storage, "r-1")
    assert caught.value.details == {**caught.value.details, "kind": "edited", "seq": 4}
    with pytest.raises(HistoryTamperedError):
        load(storage, "r-1", VerifiedReports())  # a new process verifies the whole stream


def test_with_a_signer_the_head_signature_is_checked_on_every_fast_load(storage: Storage) -> None:
    """The verified copy does not stand in for the signature: a head re-signed with another key
    or rewritten is refused although the events after the verified version are intact."""
    signing = HeadSigning(signer=Ed25519Signer(Ed25519PrivateKey.generate()))
    save(storage, submitted(), signing)
    verified = VerifiedReports()
    step(storage, verified, _receive, T0.add(minutes=5), signing)
    load(storage, "r-1", verified, signing)
    other = HeadSigning(signer=Ed25519Signer(Ed25519PrivateKey.generate()))
    with storage.unit_of_work() as uow:
        stored = uow.reports.get("r-1")
        forged = other.seal("r-1", stored.version, stored.projection)
        uow.reports.append("r-1", stored.version, [], forged)
        uow.commit()
    with pytest.raises(HistorySignatureError) as caught:
        load(storage, "r-1", verified, signing)
    assert caught.value.code == "head_key_unknown"
    assert len(verified) == 1  # the events are still the verified ones


def test_another_office_is_not_found_on_the_fast_path(storage: Storage) -> None:
    save(storage, submitted())
    verified = VerifiedReports()
    load(storage, "r-1", verified)
    with storage.unit_of_work(read_only=True) as uow, pytest.raises(ReportNotFoundError):
        load_report(uow.reports, "r-1", office="KNJB", verified=verified)


def test_the_kept_copy_is_not_the_one_a_step_changes() -> None:
    """A step's actions (rolled back or not) never reach the kept copy."""
    storage = InMemoryStorage()
    save(storage, submitted())
    verified = VerifiedReports()
    with storage.unit_of_work() as uow:
        report = load_report(uow.reports, "r-1", verified=verified)
        report.receive(at=T0.add(minutes=5), actor=OFFICER)
        uow.rollback()
    again = load(storage, "r-1", verified)
    assert (again.version, str(again.state)) == (1, "submitted")
    assert again.collect_new_events() == ()


def test_capacity_drops_the_least_recently_used() -> None:
    storage = InMemoryStorage()
    for report_id in ("r-1", "r-2", "r-3"):
        save(storage, submitted(report_id))
    verified = VerifiedReports(capacity=2)
    load(storage, "r-1", verified)
    load(storage, "r-2", verified)
    load(storage, "r-1", verified)
    load(storage, "r-3", verified)
    assert len(verified) == 2
    assert verified._find("report_id", "r-2") is None
    assert verified._find("report_id", "r-1") is not None
    assert repr(verified) == "VerifiedReports(2 of 2)"
    with pytest.raises(StorageInputError) as caught:
        VerifiedReports(capacity=0)
    assert caught.value.code == "invalid_capacity"


def test_a_report_continues_only_from_its_own_head() -> None:
    """The domain's check: the new events must be intact, numbered and linked on from the
    report's head, and reach the anchor given."""
    report = submitted()
    report.receive(at=T0.add(minutes=5), actor=OFFICER)
    report.forward(at=T0.add(minutes=10), actor=OFFICER)
    events = report.collect_new_events()
    first = Report.from_events(events[:1])
    whole = first.continued(events[1:], version=3, head=events[-1].hash)
    assert whole == Report.from_events(events)
    assert first.version == 1  # unchanged
    edited = attrs.evolve(events[2], actor_id="petugas-lain")
    for bad, version, head in [
        (events[2:], 3, events[-1].hash),  # a gap
        ((events[1], edited), 3, events[-1].hash),  # an edit
        (events[1:], 4, events[-1].hash),  # short of the version
        (events[1:], 3, events[1].hash),  # another head
    ]:
        with pytest.raises(HistoryTamperedError) as caught:
            first.continued(bad, version=version, head=head)
        assert caught.value.code == "history_not_continued"


def test_a_saved_report_is_kept_and_trusted_only_if_storage_holds_its_head() -> None:
    """A desk keeps the report it saved before its unit of work commits: committed, the next
    step has nothing to check; rolled back, storage does not hold that head and the stream
    is verified again (the report is as stored, not as the rolled-back step left it)."""
    storage = InMemoryStorage()
    save(storage, submitted())
    verified = VerifiedReports()
    with storage.unit_of_work() as uow:
        report = load_report(uow.reports, "r-1", verified=verified)
        report.receive(at=T0.add(minutes=5), actor=OFFICER)
        with pytest.raises(StorageInputError) as caught:
            verified.keep(report)
        assert caught.value.code == "events_not_saved"
        save_report(uow.reports, report, project(report, WORKING_TIME, office="KNJP"))
        verified.keep(report)
        uow.rollback()
    assert verified._find("report_id", "r-1") is not None
    again = load(storage, "r-1", verified)
    assert (again.version, str(again.state)) == (1, "submitted")
    with storage.unit_of_work() as uow:
        report = load_report(uow.reports, "r-1", verified=verified)
        report.receive(at=T0.add(minutes=5), actor=OFFICER)
        save_report(uow.reports, report, project(report, WORKING_TIME, office="KNJP"))
        verified.keep(report)
        uow.commit()
    kept = verified._find("report_id", "r-1")
    assert kept is not None
    assert kept.version == 2
    same_report(load(storage, "r-1", verified), load(storage, "r-1"))


def _walked_pauses(
    report: Report, until: pendulum.DateTime
) -> tuple[tuple[pendulum.DateTime, pendulum.DateTime], ...]:
    # The definition, walking every event (what Report.pauses did before it folded them).
    spans = []
    start = None
    for event in report.events:
        if event.sla_at > until:
            break
        if event.action == "request_completion":
            start = event.sla_at
        elif start is not None and event.to_state != "awaiting_completion":
            spans.append((start, event.sla_at))
            start = None
    if start is not None:
        spans.append((start, until))
    return tuple(spans)


@settings(max_examples=40, deadline=None)
@given(
    waited=st.integers(min_value=1, max_value=6000),
    finish=st.sampled_from(["open", "follow_up", "close"]),
    open_pause=st.booleans(),
)
def test_the_folded_pauses_and_stop_equal_a_walk_of_the_events(
    waited: int, finish: str, open_pause: bool
) -> None:
    """The pauses and the stopped clock kept with the events equal what walking every event
    finds, as of any instant, and survive a rebuild and a continuation."""
    report = Report.submit(
        id="r-1",
        at=T0,
        actor=REPORTER,
        kind="aduan",
        details=ReporterDetails(name="Budi Santoso", phone="081234567890"),  # no NIK yet
        message="Dugaan pungli.",
        evidence=[b"%PDF-1.4\n%%EOF\n"],
    )
    at = T0.add(minutes=5)
    report.receive(at=at, actor=OFFICER)
    at = at.add(minutes=3)
    report.request_completion(at=at, actor=OFFICER)
    if not open_pause:
        at = at.add(minutes=waited)
        report.complete_requirements(at=at, actor=REPORTER, details=DETAILS)
        at = at.add(minutes=3)
        if finish == "close":
            report.close(at=at, actor=OFFICER, reason="spam")
        elif finish == "follow_up":
            report.forward(at=at, actor=OFFICER)
            at = at.add(minutes=3)
            report.give_direction(at=at, actor=HEAD, direction="Klarifikasi.")
            at = at.add(minutes=3)
            report.deliver_follow_up(at=at, actor=OFFICER, follow_up="Sudah.")
    events = report.collect_new_events()
    rebuilt = Report.from_events(events)
    continued = Report.from_events(events[:2]).continued(
        events[2:], version=len(events), head=events[-1].hash
    )
    instants = [e.sla_at for e in events]
    for r in (report, rebuilt, continued):
        for until in [*instants, instants[-1].add(hours=5)]:
            assert r.pauses(until) == _walked_pauses(r, until)
        assert r.pauses() == _walked_pauses(r, instants[-1])
        finals = [e.sla_at for e in events if e.to_state in ("completed", "closed")]
        assert r.clock_stopped_at == (finals[0] if finals else None)
