"""
Period statistics of an office's reports, computed from their stored events.

Two steps, both pure:

- :func:`report_facts` reads one report's stored events (the canonical dicts of
  :mod:`layanan_aduan.domain.history`, as storage returns them) into a :class:`ReportFacts`:
  when it was received, its kind and channel, the instants of its steps, its pauses, how it
  ended, its rating. Only events recorded by ``at`` count. Staff steps count at their
  recorded instants (:attr:`Event.sla_at <layanan_aduan.domain.history.Event.sla_at>`), the
  reporter's at their arrival: the same instants the SLA clock counts.
- :func:`compute_statistics` folds the facts of the reports received in a
  :class:`~layanan_aduan.domain.periods.Period` into a :class:`PeriodStatistics`, measuring
  working time with the office's calendar (:class:`~layanan_aduan.domain.worktime.WorkingTime`).

The figures (each also explained in docs/statistics.md):

- ``received``: reports received in the period (their first message's instant in
  ``[start, end)``), by kind and by channel.
- ``outcomes``: completed (follow-up delivered), closed (as not a report, by reason), open.
- ``sla``: every report received falls in exactly one of ``completed_on_time``,
  ``completed_late``, ``open_on_time``, ``open_overdue``, ``closed``; ``shares`` are these
  counts over ``received`` (they add up to 1), and ``followed_up_within_goal`` is
  ``completed_on_time`` over the reports that are not closed (``None`` when there are none).
- ``time_to``: working time from reception to the officer's receipt (step 2), to the section
  head's direction (step 4) and to the follow-up (step 5), pauses excluded; ``step_time``:
  the same per step (reception to receipt, receipt to direction, direction to follow-up).
  Each as count, median, 90th percentile (nearest rank) and maximum, in seconds.
- ``breaches``: the reports not closed whose working time went over the goal: how late
  (working time beyond the goal) and what they waited on (the state they were in when the
  deadline passed).
- ``pauses``: the reports that waited for the reporter to complete the requirements, how
  often, for how long (working time), and how many still wait.
- ``ratings``: the reporter's ratings (1-5) of the reports received in the period.
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import attrs

from layanan_aduan.domain.periods import Period
from layanan_aduan.domain.worktime import WorkingTime

__all__ = [
    "BreachStatistics",
    "DurationSummary",
    "PauseStatistics",
    "PeriodStatistics",
    "RatingStatistics",
    "ReportFacts",
    "SeriesPoint",
    "SlaOutcomes",
    "compute_statistics",
    "event_row",
    "plain_utc",
    "report_facts",
    "row_facts",
]

KINDS = ("laporan", "aduan", "permohonan_informasi")
CLOSE_REASONS = ("spam", "duplicate", "not_a_report", "out_of_scope", "abandoned", "other")
#: The states a breached report may have waited in, in the procedure's order.
WAITING_STATES = ("submitted", "received", "awaiting_completion", "forwarded", "directed")
OUTCOMES = ("completed_on_time", "completed_late", "open_on_time", "open_overdue", "closed")
_FINAL = frozenset({"completed", "closed"})
_US = 1_000_000
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
# Bucket width of the follow-up time histogram, and how many goals it spans before overflow.
_BUCKET = dt.timedelta(minutes=30)
_HISTOGRAM_GOALS = 2


@attrs.frozen
class ReportFacts:
    """
    What the statistics need of one report, read from its events by :func:`report_facts`.

    Instants are the SLA clock's (:attr:`Event.sla_at
    <layanan_aduan.domain.history.Event.sla_at>`); ``None`` for a step not taken (by ``at``).
    ``waits`` are the report's states from each event's instant on, oldest first.
    """

    received_at: dt.datetime
    kind: str
    channel: str
    state: str
    receipt_at: dt.datetime | None
    direction_at: dt.datetime | None
    follow_up_at: dt.datetime | None
    stopped_at: dt.datetime | None
    close_reason: str | None
    pauses: tuple[tuple[dt.datetime, dt.datetime], ...]
    paused_now: bool
    rating: int | None
    states: tuple[tuple[dt.datetime, str], ...]

    def state_at(self, instant: dt.datetime) -> str:
        """
        The report's state at ``instant`` (that of the last event at or before it).
        """
        state = self.states[0][1]
        for at, name in self.states:
            if at > instant:
                break
            state = name
        return state


#: The fields of an event row (:func:`event_row`): what statistics read of one stored event.
EVENT_ROW_FIELDS = (
    "action",
    "to_state",
    "at",
    "recorded_at",
    "actor_role",
    "kind",
    "medium",
    "reason",
    "rating",
)


def event_row(event: Mapping[str, Any]) -> tuple[Any, ...]:
    """
    The few values statistics read of one stored event (the canonical dict of
    :mod:`layanan_aduan.domain.history`), in the order of :data:`EVENT_ROW_FIELDS`: its
    action, state after, instants (``at``, ``recorded_at``, ISO 8601 text), actor's role, and
    from its payload the report's ``kind``, the channel's ``medium``, the closing ``reason``
    and the ``rating`` (``None`` where absent). Nothing personal is read.

    A storage adapter may build these rows in its query language instead
    (:meth:`ReportRepository.received_timelines
    <layanan_aduan.ports.ReportRepository.received_timelines>`); they must be equal.

    >>> event_row({"action": "close", "to_state": "closed", "at": "2026-01-05T02:00:00Z",
    ...            "actor_role": "officer", "payload": {"reason": "spam"}})
    ('close', 'closed', '2026-01-05T02:00:00Z', None, 'officer', None, None, 'spam', None)
    """
    payload = event.get("payload")
    if not isinstance(payload, Mapping):
        payload = {}
    channel = payload.get("channel")
    return (
        event.get("action"),
        event.get("to_state"),
        event.get("at"),
        event.get("recorded_at"),
        event.get("actor_role"),
        payload.get("kind"),
        channel.get("medium") if isinstance(channel, Mapping) else None,
        payload.get("reason"),
        payload.get("rating"),
    )


def report_facts(events: Sequence[Mapping[str, Any]], at: dt.datetime) -> ReportFacts | None:
    """
    Read one report's stored events, as known at ``at``; ``None`` when it was received later.

    The events are trusted as storage returns them (the history's chain is what
    :func:`~layanan_aduan.domain.history.verify` checks, not this reading).
    """
    return row_facts([event_row(e) for e in events], at)


def row_facts(rows: Sequence[Sequence[Any]], at: dt.datetime) -> ReportFacts | None:
    """
    Like :func:`report_facts`, from the report's event rows (:func:`event_row`), oldest
    first: what :func:`report_facts` computes, without a dict per event.
    """
    fromiso = dt.datetime.fromisoformat
    # Compared once an event: as a stdlib UTC datetime (a pendulum one compares far slower).
    at = plain_utc(at)
    first = rows[0]
    received = fromiso(first[2])
    if received > at:
        return None
    kind: str = first[5]
    channel: str = first[6]
    steps: dict[str, dt.datetime] = {}
    pauses: list[tuple[dt.datetime, dt.datetime]] = []
    states: list[tuple[dt.datetime, str]] = []
    pause_start: dt.datetime | None = None
    state: str = first[1]
    close_reason = rating = None
    stopped: dt.datetime | None = None
    for action, to_state, when, recorded, role, new_kind, _, reason, value in rows:
        # Event.sla_at: a staff step counts at its recorded instant, the reporter's at arrival.
        instant = fromiso(recorded if recorded is not None and role != "reporter" else when)
        if instant > at:
            break
        state = to_state
        states.append((instant, state))
        if action not in steps:
            steps[action] = instant
        if stopped is None and state in _FINAL:
            stopped = instant
        if action == "request_completion":
            pause_start = instant
        elif pause_start is not None and state != "awaiting_completion":
            pauses.append((pause_start, instant))
            pause_start = None
        if action == "correct_kind":
            kind = new_kind
        elif action == "close":
            close_reason = reason
        elif action == "rate":
            rating = value
    if pause_start is not None:
        pauses.append((pause_start, at))
    return ReportFacts(
        received_at=received,
        kind=kind,
        channel=channel,
        state=state,
        receipt_at=steps.get("receive"),
        direction_at=steps.get("give_direction"),
        follow_up_at=steps.get("deliver_follow_up"),
        stopped_at=stopped,
        close_reason=close_reason,
        pauses=tuple(pauses),
        paused_now=pause_start is not None,
        rating=rating,
        states=tuple(states),
    )


@attrs.frozen
class DurationSummary:
    """
    Working-time durations: how many, the median and 90th percentile (nearest rank: the
    smallest value with at least half, nine tenths of the values at or below it) and the
    maximum, in seconds (``None`` when there are none).
    """

    count: int
    median: float | None
    p90: float | None
    max: float | None

    @classmethod
    def of(cls, microseconds: Iterable[int]) -> DurationSummary:
        """
        Summarise durations given in whole microseconds.
        """
        values = sorted(microseconds)
        if not values:
            return cls(0, None, None, None)

        def rank(p: float) -> float:
            return values[max(math.ceil(p * len(values)), 1) - 1] / _US

        return cls(len(values), rank(0.5), rank(0.9), values[-1] / _US)

    def to_dict(self) -> dict[str, Any]:
        """
        The summary as JSON values.
        """
        return attrs.asdict(self)


@attrs.frozen
class SlaOutcomes:
    """
    Where the reports received stand against the goal; each is in exactly one count.
    """

    completed_on_time: int
    completed_late: int
    open_on_time: int
    open_overdue: int
    closed: int

    @property
    def total(self) -> int:
        """
        All reports counted (the reports received).
        """
        return sum(attrs.astuple(self))

    @property
    def shares(self) -> dict[str, float]:
        """
        Each count over :attr:`total` (all zero when there are no reports); they add up to 1.
        """
        total = self.total
        return {k: (v / total if total else 0.0) for k, v in attrs.asdict(self).items()}

    @property
    def followed_up_within_goal(self) -> float | None:
        """
        ``completed_on_time`` over the reports not closed; ``None`` when all were closed.
        """
        counted = self.total - self.closed
        return self.completed_on_time / counted if counted else None

    def to_dict(self) -> dict[str, Any]:
        """
        The counts, their shares and the share followed up within the goal, as JSON values.
        """
        return {
            **attrs.asdict(self),
            "shares": self.shares,
            "followed_up_within_goal": self.followed_up_within_goal,
        }


@attrs.frozen
class BreachStatistics:
    """
    The reports (not closed) whose working time went over the goal.

    ``late`` is the working time beyond the goal; ``by_cause`` counts the state each was in
    when its deadline passed (what it waited on).
    """

    count: int
    late: DurationSummary
    by_cause: dict[str, int]

    def to_dict(self) -> dict[str, Any]:
        """
        As JSON values.
        """
        return {"count": self.count, "late": self.late.to_dict(), "by_cause": self.by_cause}


@attrs.frozen
class PauseStatistics:
    """
    Waiting for the reporter: reports paused at least once, pauses, the working time paused
    per report, and how many wait still.
    """

    reports: int
    pauses: int
    paused_time: DurationSummary
    waiting_now: int

    def to_dict(self) -> dict[str, Any]:
        """
        As JSON values.
        """
        return {
            "reports": self.reports,
            "pauses": self.pauses,
            "paused_time": self.paused_time.to_dict(),
            "waiting_now": self.waiting_now,
        }


@attrs.frozen
class RatingStatistics:
    """
    The reporter's ratings (1 to 5): how many, their mean (``None`` without any), and how
    many of each value.
    """

    count: int
    mean: float | None
    distribution: dict[str, int]

    def to_dict(self) -> dict[str, Any]:
        """
        As JSON values.
        """
        return attrs.asdict(self)


@attrs.frozen
class SeriesPoint:
    """
    One shorter period of the compliance chart: its reports and the share followed up within
    the goal (``None`` when none of them counts).
    """

    label: str
    start: str
    received: int
    completed_on_time: int
    followed_up_within_goal: float | None

    def to_dict(self) -> dict[str, Any]:
        """
        As JSON values.
        """
        return attrs.asdict(self)


@attrs.frozen
class PeriodStatistics:
    """
    The statistics of one office's reports received in one period, as known at ``at``.

    ``previous`` holds the same figures for the period before (without its own previous);
    ``follow_up_histogram`` counts the follow-up times in buckets of 30 minutes of working
    time up to twice the goal, then one bucket for the rest (``upper`` is ``None`` there).
    """

    office: str | None
    period: Period
    at: dt.datetime
    goal: dt.timedelta
    received: int
    by_kind: dict[str, int]
    by_channel: dict[str, int]
    completed: int
    closed: int
    open: int
    closed_by_reason: dict[str, int]
    sla: SlaOutcomes
    time_to: dict[str, DurationSummary]
    step_time: dict[str, DurationSummary]
    breaches: BreachStatistics
    pauses: PauseStatistics
    ratings: RatingStatistics
    series: tuple[SeriesPoint, ...]
    follow_up_histogram: tuple[tuple[float | None, int], ...]
    previous: PeriodStatistics | None = None

    def to_dict(self) -> dict[str, Any]:
        """
        Every figure as JSON values, with English keys (durations in seconds).
        """
        return {
            "office": self.office,
            "period": self.period.to_dict(),
            "at": self.at.isoformat(),
            "goal_seconds": self.goal.total_seconds(),
            "received": self.received,
            "by_kind": self.by_kind,
            "by_channel": self.by_channel,
            "completed": self.completed,
            "closed": self.closed,
            "open": self.open,
            "closed_by_reason": self.closed_by_reason,
            "sla": self.sla.to_dict(),
            "time_to": {k: v.to_dict() for k, v in self.time_to.items()},
            "step_time": {k: v.to_dict() for k, v in self.step_time.items()},
            "breaches": self.breaches.to_dict(),
            "pauses": self.pauses.to_dict(),
            "ratings": self.ratings.to_dict(),
            "series": [p.to_dict() for p in self.series],
            "follow_up_histogram": [
                {"upper_seconds": upper, "count": n} for upper, n in self.follow_up_histogram
            ],
            "previous": None if self.previous is None else self.previous.to_dict(),
        }


@attrs.define
class _Tally:
    """
    The running counts of :func:`compute_statistics` (one pass over the facts).
    """

    received: int = 0
    by_kind: dict[str, int] = attrs.Factory(lambda: dict.fromkeys(KINDS, 0))
    by_channel: dict[str, int] = attrs.Factory(dict)
    reasons: dict[str, int] = attrs.Factory(lambda: dict.fromkeys(CLOSE_REASONS, 0))
    outcomes: dict[str, int] = attrs.Factory(lambda: dict.fromkeys(OUTCOMES, 0))
    time_to: dict[str, list[int]] = attrs.Factory(
        lambda: {"receipt": [], "direction": [], "follow_up": []}
    )
    step_time: dict[str, list[int]] = attrs.Factory(
        lambda: {"receipt": [], "direction": [], "follow_up": []}
    )
    late: list[int] = attrs.Factory(list)
    causes: dict[str, int] = attrs.Factory(lambda: dict.fromkeys(WAITING_STATES, 0))
    paused_reports: int = 0
    pauses: int = 0
    paused_time: list[int] = attrs.Factory(list)
    waiting_now: int = 0
    ratings: dict[str, int] = attrs.Factory(lambda: {str(v): 0 for v in range(1, 6)})
    received_at: list[tuple[dt.datetime, bool, bool]] = attrs.Factory(list)


def _us(value: dt.timedelta) -> int:
    return (value.days * 86_400 + value.seconds) * _US + value.microseconds


def _outcome(f: ReportFacts, breached: bool) -> str:
    if f.state == "closed":
        return "closed"
    if f.state == "completed":
        return "completed_late" if breached else "completed_on_time"
    return "open_overdue" if breached else "open_on_time"


Meter = Callable[[dt.datetime], int]


def _paused(pauses: Sequence[tuple[int, int]], a: int, b: int) -> int:
    # Working time of the pauses inside [a, b] (meter positions), clipped as elapsed() clips.
    out = 0
    for ps, pe in pauses:
        lo, hi = max(ps, a), min(pe, b)
        if lo < hi:
            out += hi - lo
    return out


def _count(
    t: _Tally, f: ReportFacts, wt: WorkingTime, m: Meter, *, at: dt.datetime, goal: dt.timedelta
) -> None:
    t.received += 1
    t.by_kind[f.kind] = t.by_kind.get(f.kind, 0) + 1
    t.by_channel[f.channel] = t.by_channel.get(f.channel, 0) + 1
    if f.close_reason is not None:
        t.reasons[f.close_reason] = t.reasons.get(f.close_reason, 0) + 1
    # Each instant is measured once: positions on the period's meter.
    pauses = [(m(ps), m(pe)) for ps, pe in f.pauses]
    start = m(f.received_at)
    steps = (
        ("receipt", f.receipt_at),
        ("direction", f.direction_at),
        ("follow_up", f.follow_up_at),
    )
    positions = [None if instant is None else m(instant) for _, instant in steps]
    breached = False
    if f.state != "closed":
        stopped, follow_up = f.stopped_at, positions[2]
        # Completed: stopped at the follow-up, already measured.
        reuse = follow_up is not None and stopped is not None and stopped == f.follow_up_at
        end = (
            follow_up if reuse and follow_up is not None else m(at if stopped is None else stopped)
        )
        over = end - start - _paused(pauses, start, end) - _us(goal)
        breached = over > 0
        if breached:
            t.late.append(over)
            if f.pauses:
                deadline = wt.sla(f.received_at, at, goal=goal, pauses=f.pauses).deadline
            else:
                deadline = wt.add(f.received_at, goal).at
            cause = f.state_at(plain_utc(deadline))
            t.causes[cause] = t.causes.get(cause, 0) + 1
    outcome = _outcome(f, breached)
    t.outcomes[outcome] += 1
    t.received_at.append((f.received_at, outcome == "completed_on_time", outcome != "closed"))
    previous: int | None = start
    for (name, _), b in zip(steps, positions, strict=True):
        if b is None:
            previous = None
            continue
        t.time_to[name].append(b - start - _paused(pauses, start, b))
        if previous is not None:
            t.step_time[name].append(b - previous - _paused(pauses, previous, b))
        previous = b
    if pauses:
        t.paused_reports += 1
        t.pauses += len(pauses)
        t.paused_time.append(sum(pe - ps for ps, pe in pauses))
    t.waiting_now += f.paused_now
    if f.rating is not None:
        t.ratings[str(f.rating)] += 1


def plain_utc(instant: dt.datetime) -> dt.datetime:
    """
    ``instant`` as a stdlib ``datetime`` in UTC (itself when it is one already): compared
    many times, it is far cheaper than a pendulum one.

    >>> import pendulum
    >>> plain_utc(pendulum.datetime(2026, 1, 5, 9, tz="Asia/Jakarta"))
    datetime.datetime(2026, 1, 5, 2, 0, tzinfo=datetime.timezone.utc)
    """
    if type(instant) is dt.datetime and instant.tzinfo is dt.UTC:
        return instant
    u = dt.datetime.astimezone(instant, dt.UTC)
    return dt.datetime(
        u.year, u.month, u.day, u.hour, u.minute, u.second, u.microsecond, tzinfo=dt.UTC
    )


def _series(period: Period, tally: _Tally) -> tuple[SeriesPoint, ...]:
    parts = period.parts()
    if not parts:
        return ()
    starts = [plain_utc(p.start) for p in parts]
    counts = [[0, 0, 0] for _ in parts]
    for received, on_time, counted in tally.received_at:
        row = counts[bisect.bisect_right(starts, received) - 1]
        row[0] += 1
        row[1] += on_time
        row[2] += counted
    return tuple(
        SeriesPoint(
            label=part.label,
            start=part.start.isoformat(),
            received=n,
            completed_on_time=on_time,
            followed_up_within_goal=on_time / counted if counted else None,
        )
        for part, (n, on_time, counted) in zip(parts, counts, strict=True)
    )


def _histogram(follow_ups: list[int], goal: dt.timedelta) -> tuple[tuple[float | None, int], ...]:
    width = _us(_BUCKET)
    buckets = max(math.ceil(_HISTOGRAM_GOALS * _us(goal) / width), 1)
    counts = [0] * (buckets + 1)
    for value in follow_ups:
        # Bucket i holds ((i) * width, (i + 1) * width]; zero goes in the first.
        index = max(math.ceil(value / width) - 1, 0)
        counts[min(index, buckets)] += 1
    shown: list[tuple[float | None, int]] = [
        ((i + 1) * width / _US, counts[i]) for i in range(buckets)
    ]
    shown.append((None, counts[buckets]))
    return tuple(shown)


def compute_statistics(
    facts: Iterable[ReportFacts],
    *,
    period: Period,
    working_time: WorkingTime,
    at: dt.datetime,
    goal: dt.timedelta,
    office: str | None = None,
    previous: PeriodStatistics | None = None,
) -> PeriodStatistics:
    """
    The statistics of the reports whose facts are given, as known at ``at``.

    Facts of reports received outside ``period`` are left out: each report counts in exactly
    the period that contains its reception. Working time is measured with
    ``working_time`` (the office's calendar in force) against ``goal``.
    """
    tally = _Tally()
    meter = working_time.meter(period.start, max(at, period.start))
    lo, hi, until = plain_utc(period.start), plain_utc(period.end), plain_utc(at)
    # A stdlib timedelta: the working-time engine's fast path knows it (a pendulum Duration
    # takes its general path).
    budget = dt.timedelta(microseconds=_us(goal))
    for f in facts:
        if lo <= f.received_at < hi and f.received_at <= until:
            _count(tally, f, working_time, meter, at=until, goal=budget)
    o = tally.outcomes
    rated = sum(tally.ratings.values())
    total_rating = sum(int(k) * v for k, v in tally.ratings.items())
    return PeriodStatistics(
        office=office,
        period=period,
        at=at,
        goal=goal,
        received=tally.received,
        by_kind=tally.by_kind,
        by_channel=dict(sorted(tally.by_channel.items())),
        completed=o["completed_on_time"] + o["completed_late"],
        closed=o["closed"],
        open=o["open_on_time"] + o["open_overdue"],
        closed_by_reason=tally.reasons,
        sla=SlaOutcomes(**o),
        time_to={k: DurationSummary.of(v) for k, v in tally.time_to.items()},
        step_time={k: DurationSummary.of(v) for k, v in tally.step_time.items()},
        breaches=BreachStatistics(len(tally.late), DurationSummary.of(tally.late), tally.causes),
        pauses=PauseStatistics(
            tally.paused_reports,
            tally.pauses,
            DurationSummary.of(tally.paused_time),
            tally.waiting_now,
        ),
        ratings=RatingStatistics(rated, total_rating / rated if rated else None, tally.ratings),
        series=_series(period, tally),
        follow_up_histogram=_histogram(tally.time_to["follow_up"], goal),
        previous=previous,
    )
