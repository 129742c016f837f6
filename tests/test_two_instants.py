"""
The two instants of every event (issue 10): the instant a step is about, as the actor says it,
and the instant the desk recorded it, from its clock. Domain rules, old histories, and the
property that no claimed instant moves an SLA figure.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from layanan_aduan.adapters.holidays_id import indonesian_calendar
from layanan_aduan.domain.history import Event, verify
from layanan_aduan.domain.report import (
    CLAIMED_INSTANT_TOLERANCE,
    LATE_ENTRY_REASON_LIMIT,
    Actor,
    Report,
    ReporterDetails,
)
from layanan_aduan.domain.workflow import Role
from layanan_aduan.domain.worktime import SlaStatus, WorkingTime
from layanan_aduan.exceptions import (
    EventFormatError,
    EventInstantError,
    HistoryTamperedError,
    ReportInputError,
)
from layanan_aduan.service_layer.report_stream import project

WIB = "Asia/Jakarta"
T0 = pendulum.datetime(2026, 1, 12, 9, tz=WIB)  # Monday 09:00 WIB
REPORTER = Actor("+6281234567890", Role.REPORTER)
OFFICER = Actor("petugas-01", Role.OFFICER, staff_role="officer")
HEAD = Actor("kasi-intel-01", Role.SECTION_HEAD, staff_role="section_head")
DETAILS = ReporterDetails(name="Budi Santoso", nik="3171010101900001", phone="081234567890")
PDF = b"%PDF-1.4\n%%EOF\n"

#: A report's five steps as the library wrote them before events had two instants (commit
#: 5682395), one JSON text a line: no ``recorded_at`` key. They must load, verify and keep their
#: bytes and hashes.
OLD_EVENTS = tuple(
    (Path(__file__).parent / "events_before_two_instants.jsonl").read_text("utf-8").splitlines()
)

WORKING_TIME = WorkingTime(indonesian_calendar())


def _submitted(at: pendulum.DateTime = T0, **kw: Any) -> Report:
    return Report.submit(
        id="11111111-2222-4333-8444-555555555555",
        at=at,
        actor=REPORTER,
        kind="aduan",
        details=DETAILS,
        evidence=[PDF],
        message="Dugaan pungli.",
        number="LAP/KNJP/2026/000001",
        **kw,
    )


def _snapshot(report: Report) -> tuple[Any, ...]:
    return (report.version, report.events, report.state, report.head_hash)


def _event(previous: Event, action: str, at: dt.datetime, **kw: Any) -> Event:
    states = {"receive": ("submitted", "received"), "forward": ("received", "forwarded")}
    states["add_to_submission"] = ("submitted", "submitted")
    role = "reporter" if action == "add_to_submission" else "officer"
    actor = REPORTER.id if role == "reporter" else OFFICER.id
    return Event.record(
        previous,
        report_id=previous.report_id,
        action=action,
        actor_id=actor,
        actor_role=role,
        at=at,
        from_state=states[action][0],
        to_state=states[action][1],
        **kw,
    )


# --- the event ----------------------------------------------------------------------------


def test_a_staff_step_keeps_both_instants_and_the_hash_covers_them() -> None:
    """The claimed instant is ``at``, the clock's is ``recorded_at``; both are written, both
    are hashed, and the SLA counts the recorded one."""
    report = _submitted()
    recorded = T0.add(minutes=20)
    report.receive(at=T0.add(minutes=17), recorded_at=recorded, actor=OFFICER)
    event = report.events[-1]
    assert (event.at, event.recorded_at, event.sla_at) == (T0.add(minutes=17), recorded, recorded)
    data = event.to_dict()
    assert (data["at"], data["recorded_at"]) == ("2026-01-12T02:17:00Z", "2026-01-12T02:20:00Z")
    assert Event.from_dict(data) == event
    assert "recorded=2026-01-12T02:20:00Z" in repr(event)
    forged = dict(data, recorded_at="2026-01-12T02:18:00Z")
    assert verify([report.events[0], Event.from_dict(forged)]).problems[0].kind.value == "edited"
    without = {k: v for k, v in data.items() if k != "recorded_at"}
    assert not verify([report.events[0], Event.from_dict(without)]).ok


def test_an_event_recorded_when_it_happened_is_written_as_before() -> None:
    """No ``recorded_at`` key when it equals ``at``: a staff step without personal data is written
    as the library always wrote it (only its link to the sealed submission differs)."""
    report = _submitted()
    report.receive(at=T0.add(minutes=10), actor=OFFICER)
    assert all("recorded_at" not in e.to_dict() for e in report.events)
    unlinked = {"hash", "prev_hash"}
    new, old = report.events[1].to_dict(), json.loads(OLD_EVENTS[1])
    assert {k: v for k, v in new.items() if k not in unlinked} == {
        k: v for k, v in old.items() if k not in unlinked
    }


def test_old_events_load_verify_and_read_recorded_when_they_happened() -> None:
    """Events stored before the two instants existed load as they are, verify byte for byte,
    rebuild the report, and read ``recorded_at == at``."""
    events = [Event.from_dict(json.loads(text)) for text in OLD_EVENTS]
    assert [e.to_json() for e in events] == list(OLD_EVENTS)
    assert all(e.is_intact and e.recorded_at == e.at == e.sla_at for e in events)
    report = Report.from_events(events, version=5, head=events[-1].hash)
    assert report.state.value == "completed"
    assert report.sla(T0.add(hours=3), WORKING_TIME).status is SlaStatus.ON_TIME
    assert report.clock_stopped_at == events[-1].at


@pytest.mark.parametrize("bad", ["2026-01-12T09:20:00+07:00", "kemarin", 5])
def test_a_malformed_recorded_instant_is_refused_like_at(bad: object) -> None:
    """``recorded_at`` is read exactly as ``at`` is: UTC, written the canonical way."""
    data = json.loads(OLD_EVENTS[1])
    with pytest.raises(EventFormatError) as e:
        Event.from_dict(dict(data, recorded_at=bad))
    assert e.value.field == "recorded_at"


# --- the bounds ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("minutes", "recorded", "reason", "code"),
    [
        (40, 35, None, "instant_in_future"),
        (9, 35, None, "instant_before_previous_event"),
        (12, 20, None, "recorded_before_previous_event"),
        (20, 60, None, "late_entry_required"),
        (20, 60, "  ", "late_entry_reason_required"),
        (20, 60, "x" * (LATE_ENTRY_REASON_LIMIT + 1), "late_entry_reason_too_long"),
    ],
)
def test_an_instant_out_of_bounds_is_refused_and_changes_nothing(
    minutes: int, recorded: int, reason: str | None, code: str
) -> None:
    """Each bound of the two instants is a typed refusal with its own code; nothing is recorded."""
    report = _submitted(recorded_at=T0.add(minutes=5))
    report.receive(at=T0.add(minutes=10), recorded_at=T0.add(minutes=30), actor=OFFICER)
    before = _snapshot(report)
    with pytest.raises(ReportInputError) as e:
        report.forward(
            at=T0.add(minutes=minutes),
            recorded_at=T0.add(minutes=recorded),
            late_entry_reason=reason,
            actor=OFFICER,
        )
    assert e.value.code == code
    assert e.value.message
    assert e.value.message_en
    assert isinstance(e.value, EventInstantError) == (not code.startswith("late_entry_reason"))
    assert _snapshot(report) == before
    assert [x.action for x in report.collect_new_events()] == ["submit", "receive"]


def test_a_submission_recorded_before_its_message_arrived_is_refused() -> None:
    """The reporter's message cannot arrive after the desk recorded it."""
    with pytest.raises(EventInstantError) as e:
        _submitted(recorded_at=T0.subtract(minutes=1))
    assert e.value.code == "instant_in_future"


def test_the_tolerance_is_measured_from_the_last_recorded_instant() -> None:
    """A claim up to the tolerance before the last recorded instant is an ordinary entry; one
    microsecond more needs a late entry."""
    report = _submitted()
    recorded = T0.add(minutes=30)
    report.receive(at=T0.add(minutes=2), recorded_at=recorded, late_entry_reason="x", actor=OFFICER)
    edge = recorded - CLAIMED_INSTANT_TOLERANCE
    with pytest.raises(EventInstantError) as e:
        report.forward(at=edge - dt.timedelta(microseconds=1), recorded_at=recorded, actor=OFFICER)
    assert e.value.code == "late_entry_required"
    assert e.value.details["earliest"] == "2026-01-12T02:25:00Z"
    report.forward(at=edge, recorded_at=recorded.add(minutes=1), actor=OFFICER)
    assert report.events[-1].late_entry_reason is None


def test_a_late_entry_is_recorded_with_its_reason_and_never_hides_a_breach() -> None:
    """The attack of issue 10 in the domain: received at 09:00, four steps entered at 15:00
    claiming 09:10 to 09:30 as late entries. The events keep the claims and the reason; the
    SLA counts 15:00, so the report is breached."""
    report = _submitted(claimed_at=T0, recorded_at=T0.add(minutes=5))
    late = T0.set(hour=15)
    reason = "Dicatat belakangan: aplikasi tidak dapat dibuka pagi tadi."
    # Nothing was recorded since 09:05: a claim of 09:10 is within bounds (and moves nothing).
    report.receive(at=T0.add(minutes=10), recorded_at=late, actor=OFFICER)
    assert report.events[-1].late_entry_reason is None
    # The receipt was recorded at 15:00: a claim of 09:15 now needs a late entry.
    with pytest.raises(EventInstantError) as e:
        report.forward(at=T0.add(minutes=15), recorded_at=late, actor=OFFICER)
    assert e.value.code == "late_entry_required"
    kw: dict[str, Any] = {"recorded_at": late, "late_entry_reason": reason}
    report.forward(at=T0.add(minutes=15), actor=OFFICER, **kw)
    report.give_direction(at=T0.add(minutes=20), actor=HEAD, direction="Klarifikasi.", **kw)
    report.deliver_follow_up(at=T0.add(minutes=30), actor=OFFICER, follow_up="Sudah.", **kw)
    assert [e.late_entry_reason for e in report.events[1:]] == [None, reason, reason, reason]
    claimed = [e.at.in_timezone(WIB).format("HH:mm") for e in report.events[1:]]
    assert claimed == ["09:10", "09:15", "09:20", "09:30"]
    assert report.clock_stopped_at == late
    sla = report.sla(late, WORKING_TIME)
    assert sla.status is SlaStatus.BREACHED
    assert str(sla.overrun) == "3 hours"
    rebuilt = Report.from_events(report.events, version=report.version, head=report.head_hash)
    assert rebuilt == report


def test_a_stored_event_that_breaks_the_bounds_is_inconsistent() -> None:
    """A history written around the domain does not rebuild, though its hashes are intact: a
    claim far before the last record without a late entry, a late entry on the reporter's
    event, a recorded instant before the claim."""
    first = _submitted().events[0]
    received = _event(first, "receive", T0.add(hours=1), recorded_at=T0.add(hours=6))
    backdated = _event(received, "forward", T0.add(hours=2), recorded_at=T0.add(hours=7))
    reporter_late = _event(
        first,
        "add_to_submission",
        T0.add(minutes=1),
        payload={
            "details": {},
            "evidence": [],
            "message": "Tambahan.",
            "problems": [],
            "late_entry_reason": "x",
        },
    )
    future = _event(first, "receive", T0.add(hours=1), recorded_at=T0.add(minutes=59))
    for history in ([first, received, backdated], [first, reporter_late], [first, future]):
        assert verify(history).ok
        with pytest.raises(HistoryTamperedError) as e:
            Report.from_events(history)
        assert e.value.code == "history_inconsistent"
    assert Report.from_events([first, received]).state.value == "received"


# --- the property -------------------------------------------------------------------------

_STEPS = ("receive", "forward", "give_direction", "deliver_follow_up")


def _take(
    report: Report, step: str, at: dt.datetime, recorded: dt.datetime, reason: str | None
) -> None:
    kw: dict[str, Any] = {"at": at, "recorded_at": recorded, "late_entry_reason": reason}
    if step == "receive":
        report.receive(actor=OFFICER, **kw)
    elif step == "forward":
        report.forward(actor=OFFICER, **kw)
    elif step == "give_direction":
        report.give_direction(actor=HEAD, direction="Klarifikasi.", **kw)
    elif step == "deliver_follow_up":
        report.deliver_follow_up(actor=OFFICER, follow_up="Sudah.", **kw)
    else:
        kind = "laporan" if report.kind.value == "aduan" else "aduan"
        report.correct_kind(actor=OFFICER, kind=kind, **kw)


_claims = st.tuples(
    st.integers(min_value=0, max_value=600),  # minutes after the previous record
    st.integers(min_value=-3 * 24 * 60, max_value=30),  # the claim, in minutes from the record
    st.one_of(st.none(), st.text(max_size=3)),  # a late entry's reason
    st.booleans(),  # a correction of the kind before the step
)


@given(
    steps=st.lists(_claims, min_size=1, max_size=4),
    reads=st.lists(st.integers(min_value=0, max_value=6000), max_size=4),
)
def test_no_claimed_instant_moves_an_sla_figure(
    steps: list[tuple[int, int, str | None, bool]], reads: list[int]
) -> None:
    """Whatever staff steps claim (late entries included), the SLA read at any instant, and the
    projection's SLA columns, are those of the same steps taken at their recorded instants; a
    refused claim changes nothing."""
    claimed = _submitted()
    honest = _submitted()
    recorded = T0
    plan: list[tuple[str, int, int, str | None]] = []
    for n, (gap, offset, reason, correct) in enumerate(steps):
        plan.extend([("correct_kind", gap, offset, reason)] if correct else [])
        plan.append((_STEPS[n], gap, offset, reason))
    for step, gap, offset, reason in plan:
        recorded = recorded.add(minutes=gap)
        before = _snapshot(claimed)
        try:
            _take(claimed, step, recorded.add(minutes=offset), recorded, reason)
        except ReportInputError:
            assert _snapshot(claimed) == before
            _take(claimed, step, recorded, recorded, None)
        _take(honest, step, recorded, recorded, None)
    assert [e.sla_at for e in claimed.events] == [e.recorded_at for e in honest.events]
    assert claimed.pauses() == honest.pauses()
    assert claimed.clock_stopped_at == honest.clock_stopped_at
    for minutes in [0, *reads]:
        at = T0.add(minutes=minutes)
        mine, theirs = claimed.sla(at, WORKING_TIME), honest.sla(at, WORKING_TIME)
        assert (mine.status, mine.deadline, mine.elapsed, mine.stopped_at) == (
            theirs.status,
            theirs.deadline,
            theirs.elapsed,
            theirs.stopped_at,
        )
    columns = ("updated_at", "sla_deadline", "sla_at_risk_from", "sla_breached_from", "sla_stopped")
    mine_p, theirs_p = project(claimed, WORKING_TIME), project(honest, WORKING_TIME)
    assert [getattr(mine_p, c) for c in columns] == [getattr(theirs_p, c) for c in columns]
