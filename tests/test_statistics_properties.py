"""
Property tests of the period statistics: they agree with a slow reference computed from each
report's events one by one, count every report exactly once, and their shares add up.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import tempfile
from pathlib import Path
from typing import Any

import pendulum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from layanan_aduan.adapters.holidays_id import indonesian_calendar
from layanan_aduan.adapters.storage import SqliteStorage
from layanan_aduan.domain.periods import Period, PeriodKind
from layanan_aduan.domain.report import Report
from layanan_aduan.domain.statistics import compute_statistics, plain_utc, report_facts
from layanan_aduan.domain.worktime import SlaStatus, WorkingTime
from layanan_aduan.service_layer.report_stream import project
from layanan_aduan.service_layer.statistics import period_statistics
from layanan_aduan.testing.strategies import reports

TZ = "Asia/Jakarta"
GOAL = dt.timedelta(hours=3)
# After every generated event (the strategy's instants end in 2027, plus a few hours a step).
AT = pendulum.datetime(2028, 6, 1, tz="UTC")
REPORT_SETS = st.lists(reports(rated=None), min_size=1, max_size=6)


@functools.cache
def working_time() -> WorkingTime:
    return WorkingTime(indonesian_calendar())


def _dicts(report: Report) -> list[dict[str, Any]]:
    return [e.to_dict() for e in report.events]


def _rank(values: list[float], p: float) -> float | None:
    values = sorted(values)
    return values[max(math.ceil(p * len(values)), 1) - 1] if values else None


def _summary(values: list[dt.timedelta]) -> dict[str, Any]:
    seconds = [v.total_seconds() for v in values]
    return {
        "count": len(seconds),
        "median": _rank(seconds, 0.5),
        "p90": _rank(seconds, 0.9),
        "max": max(seconds) if seconds else None,
    }


def _reference(rs: list[Report], period: Period) -> dict[str, Any]:
    """The figures, from Report objects and their SLA clocks, one report at a time."""
    wt = working_time()
    inside = [r for r in rs if period.start <= r.received_at < period.end]
    out: dict[str, Any] = {"received": len(inside), "by_kind": {}, "ratings": []}
    outcomes = dict.fromkeys(
        ("completed_on_time", "completed_late", "open_on_time", "open_overdue", "closed"), 0
    )
    time_to: dict[str, list[dt.timedelta]] = {"receipt": [], "direction": [], "follow_up": []}
    steps: dict[str, list[dt.timedelta]] = {"receipt": [], "direction": [], "follow_up": []}
    late: list[dt.timedelta] = []
    causes: dict[str, int] = {}
    paused = 0
    for r in inside:
        out["by_kind"][r.kind.value] = out["by_kind"].get(r.kind.value, 0) + 1
        if r.rating is not None:
            out["ratings"].append(r.rating.value)
        pauses = r.pauses(AT)
        paused += bool(pauses)
        firsts: dict[str, pendulum.DateTime] = {}
        for e in r.events:
            firsts.setdefault(e.action, e.sla_at)
        marks = [firsts.get(a) for a in ("receive", "give_direction", "deliver_follow_up")]
        begin: pendulum.DateTime | None = r.received_at
        for name, end in zip(time_to, marks, strict=True):
            if end is not None:
                time_to[name].append(wt.elapsed(r.received_at, end, pauses=pauses).duration)
                assert begin is not None
                steps[name].append(wt.elapsed(begin, end, pauses=pauses).duration)
            begin = end
        if r.state.value == "closed":
            outcomes["closed"] += 1
            continue
        sla = r.sla(AT, wt, goal=GOAL)
        breached = sla.status is SlaStatus.BREACHED
        if breached:
            late.append(sla.overrun)
            known = [e for e in r.events if e.sla_at <= sla.deadline]
            cause = Report.from_events(known).state.value
            causes[cause] = causes.get(cause, 0) + 1
        done = "completed" if r.state.value == "completed" else "open"
        lateness = ("late" if breached else "on_time") if done == "completed" else None
        key = (
            f"completed_{lateness}"
            if lateness
            else ("open_overdue" if breached else "open_on_time")
        )
        outcomes[key] += 1
    out.update(
        outcomes=outcomes,
        time_to={k: _summary(v) for k, v in time_to.items()},
        step_time={k: _summary(v) for k, v in steps.items()},
        late=_summary(late),
        causes=causes,
        paused=paused,
    )
    return out


def _computed(rs: list[Report], period: Period) -> dict[str, Any]:
    facts = [report_facts(_dicts(r), AT) for r in rs]
    stats = compute_statistics(
        [f for f in facts if f is not None],
        period=period,
        working_time=working_time(),
        at=AT,
        goal=GOAL,
    ).to_dict()
    sla = stats["sla"]
    ratings = stats["ratings"]
    return {
        "received": stats["received"],
        "by_kind": {k: v for k, v in stats["by_kind"].items() if v},
        "ratings": ratings,
        "outcomes": {k: sla[k] for k in sla if k not in ("shares", "followed_up_within_goal")},
        "time_to": stats["time_to"],
        "step_time": stats["step_time"],
        "late": stats["breaches"]["late"],
        "causes": {k: v for k, v in stats["breaches"]["by_cause"].items() if v},
        "paused": stats["pauses"]["reports"],
    }


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(REPORT_SETS, st.sampled_from(list(PeriodKind)), st.data())
def test_statistics_agree_with_the_slow_reference(
    rs: list[Report], kind: PeriodKind, data: st.DataObject
) -> None:
    """Every figure equals the one computed report by report from Report objects, their
    pauses and their SLA clocks (ratings included)."""
    chosen = data.draw(st.sampled_from(rs))
    period = Period.containing(kind, chosen.received_at, TZ)
    expected = _reference(rs, period)
    got = _computed(rs, period)
    values = sorted(expected.pop("ratings"))
    rated = got.pop("ratings")
    assert got == expected
    assert rated["count"] == len(values)
    assert rated["distribution"] == {str(v): values.count(v) for v in range(1, 6)}
    if values:
        assert rated["mean"] == sum(values) / len(values)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(REPORT_SETS, st.sampled_from(list(PeriodKind)))
def test_every_report_counts_in_exactly_one_period_and_shares_add_up(
    rs: list[Report], kind: PeriodKind
) -> None:
    """Over the periods that hold the reports, each report is counted once; each period's
    outcome shares lie in [0, 1] and add up to 1, and its counts (by outcome, kind, channel
    and shorter period) add up to those received."""
    facts = [f for f in (report_facts(_dicts(r), AT) for r in rs) if f is not None]
    periods = {Period.containing(kind, r.received_at, TZ) for r in rs}
    total = 0
    for period in periods:
        stats = compute_statistics(
            facts, period=period, working_time=working_time(), at=AT, goal=GOAL
        )
        total += stats.received
        shares = stats.sla.shares
        assert all(0 <= s <= 1 for s in shares.values())
        assert math.isclose(sum(shares.values()), 1)
        assert stats.sla.total == stats.received == stats.completed + stats.closed + stats.open
        assert sum(stats.by_kind.values()) == sum(stats.by_channel.values()) == stats.received
        share = stats.sla.followed_up_within_goal
        assert share is None or 0 <= share <= 1
        if kind is not PeriodKind.DAY:
            assert sum(p.received for p in stats.series) == stats.received
    assert total == len(rs)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(REPORT_SETS, st.sampled_from(list(PeriodKind)), st.data())
def test_statistics_read_from_sqlite_equal_those_from_the_events(
    rs: list[Report], kind: PeriodKind, data: st.DataObject
) -> None:
    """The statistics period_statistics reads from SQLite (event rows the database extracts)
    equal those computed from the reports' whole events."""
    wt = working_time()
    anchor = data.draw(st.sampled_from([r.events[0].at for r in rs]))
    period = Period.containing(kind, anchor, TZ)
    with tempfile.TemporaryDirectory() as d, SqliteStorage.open(Path(d) / "s.sqlite3") as db:
        with db.unit_of_work() as uow:
            for r in rs:
                events = [e.to_dict() for e in r.events]
                uow.reports.append(r.id, 0, events, project(r, wt, office="KNJP"))
            uow.commit()
        stored = period_statistics(
            db, office="KNJP", working_time=wt, period=period, at=AT, goal=GOAL
        ).to_dict()
    facts = [f for f in (report_facts(_dicts(r), AT) for r in rs) if f is not None]

    def direct(p: Period) -> Any:
        return compute_statistics(facts, period=p, working_time=wt, at=AT, goal=GOAL, office="KNJP")

    expected = compute_statistics(
        facts,
        period=period,
        working_time=wt,
        at=AT,
        goal=GOAL,
        office="KNJP",
        previous=direct(period.previous()),
    ).to_dict()
    assert stored == expected


def test_plain_utc_keeps_the_instant_as_a_stdlib_utc_datetime() -> None:
    """plain_utc gives the same instant as a stdlib UTC datetime, and a plain one itself."""
    at = pendulum.datetime(2026, 3, 1, 23, 59, 59, 999_999, tz="Asia/Jayapura")
    plain = plain_utc(at)
    assert type(plain) is dt.datetime
    assert plain.tzinfo is dt.UTC
    assert plain == at
    assert plain_utc(plain) is plain
