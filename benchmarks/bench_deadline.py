"""
Benchmark: the 3-hour deadline of 100,000 random instants, three ways, on the same holidays.

Run from the repository root with the ``bench`` extra installed::

    python benchmarks/bench_deadline.py            # the full run (about a minute)
    python benchmarks/bench_deadline.py --n 20000  # quicker

It computes the deadline (3 hours of working time, 08:00-16:00 Monday to Friday,
Asia/Jakarta) of the same random instants of 2024-2027 (fixed seed) with

- ``layanan_aduan`` (:class:`WorkingTime` over ``indonesian_calendar()``),
- ``businesstimedelta`` (``WorkDayRule`` + ``HolidayRule``), and
- pandas ``CustomBusinessHour``,

all three on identical holiday data: the weekdays ``indonesian_calendar()`` closes in
2024-2028. It checks that the answers agree, apart from pandas' end-of-day convention
(a budget used up exactly at 16:00 is answered as 08:00 on the next working day, where
this library answers 16:00), which it counts. Then it compares the cost of an elapsed-time
query over five years with one over a day.

Timings are the process's CPU time (:func:`time.process_time`; ``--clock wall`` for
:func:`time.perf_counter`) with the garbage collector paused (as :mod:`timeit` does); each
is the median of ``--repeat`` runs over the whole set. Our engine is measured warm (its
timeline built by a first pass, as in a long-running service), with one goal object for
every call and with a new ``timedelta(hours=3)`` per call (built before the timing, as a
caller's own goal would be), and cold (a fresh engine: the calendar's years, the timeline
and the offset memo are built inside the timed run). businesstimedelta gets naive wall
times, its cheapest path (it reads them as UTC; every instant here is WIB, so its answers
are WIB wall times). Exit status 1 when the
libraries disagree beyond pandas' convention.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import platform
import random
import statistics
import sys
import time
import warnings
from collections.abc import Callable, Sequence
from importlib.metadata import version
from typing import Any, TypeVar

import pendulum

from layanan_aduan.adapters.holidays_id import indonesian_calendar
from layanan_aduan.domain.worktime import WorkingTime

try:
    import businesstimedelta as btd
    import pandas as pd
except ImportError:
    sys.exit("Install the bench extra first: pip install -e '.[bench]'")

WIB = "Asia/Jakarta"
GOAL = dt.timedelta(hours=3)
OPEN, CLOSE = dt.time(8), dt.time(16)
SEED = 20260109
T = TypeVar("T")


def closed_weekdays(first: int, last: int) -> list[dt.date]:
    """Weekdays the Indonesian calendar closes (libur nasional, cuti bersama) in the years."""
    calendar = indonesian_calendar()
    days = []
    day = dt.date(first, 1, 1)
    while day.year <= last:
        schedule = calendar.schedule_for(day)
        if day.weekday() < 5:
            if not schedule.intervals:
                days.append(day)
            elif [(i.start, i.end) for i in schedule.intervals] != [(OPEN, CLOSE)]:
                sys.exit(f"{day}: special hours; the other libraries cannot model them")
        day += dt.timedelta(days=1)
    return days


def random_wall_times(n: int, seed: int) -> list[dt.datetime]:
    """``n`` naive WIB wall times, to the second, uniform over 2024-2027."""
    rng = random.Random(seed)
    start = dt.datetime(2024, 1, 1)
    span = int((dt.datetime(2028, 1, 1) - start).total_seconds())
    return [start + dt.timedelta(seconds=rng.randrange(span)) for _ in range(n)]


CLOCK: Callable[[], float] = time.process_time


def timed(fn: Callable[[], T], repeat: int) -> tuple[float, T]:
    """Median wall time of ``repeat`` runs of ``fn`` and the result of the last."""
    times = []
    result: Any = None
    for _ in range(repeat):
        result = None
        gc.collect()
        gc.disable()  # as timeit does: a collection inside one library's run is noise
        try:
            t0 = CLOCK()
            result = fn()
            times.append(CLOCK() - t0)
        finally:
            gc.enable()
    return statistics.median(times), result


def naive_wib(value: dt.datetime) -> dt.datetime:
    """A result as a naive WIB wall time, for comparison."""
    local = pendulum.instance(value).in_timezone(WIB)
    return dt.datetime(local.year, local.month, local.day, local.hour, local.minute, local.second)


def rate(n: int, seconds: float) -> str:
    return f"{n / seconds:>12,.0f} /s  ({seconds / n * 1e6:7.2f} µs each)"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--n", type=int, default=100_000, help="instants (default 100000)")
    parser.add_argument("--repeat", type=int, default=5, help="runs per timing (median)")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument(
        "--clock", choices=("cpu", "wall"), default="cpu", help="CPU time (default) or wall time"
    )
    args = parser.parse_args(argv)
    n, repeat = args.n, args.repeat
    global CLOCK  # noqa: PLW0603 - one switch for every timing of the run
    CLOCK = time.process_time if args.clock == "cpu" else time.perf_counter

    holidays = closed_weekdays(2024, 2028)
    walls = random_wall_times(n, args.seed)
    ours_in = [pendulum.instance(w, tz=WIB) for w in walls]
    stdlib_in = [w.replace(tzinfo=pendulum.timezone(WIB)) for w in walls]

    # --- layanan_aduan -----------------------------------------------------------------
    def ours_cold() -> list[Any]:
        engine = WorkingTime(indonesian_calendar())
        return [engine.add(t, GOAL) for t in ours_in]

    engine = WorkingTime(indonesian_calendar())
    add = engine.add
    [add(t, GOAL) for t in ours_in]  # warm-up: builds the timeline and the offset memo
    ours_s, ours = timed(lambda: [add(t, GOAL) for t in ours_in], repeat)
    stdlib_s, _ = timed(lambda: [add(t, GOAL) for t in stdlib_in], repeat)
    # A new timedelta(hours=3) per call, as a caller that builds its goal each time passes.
    goals = [dt.timedelta(hours=3) for _ in ours_in]
    fresh_s, fresh = timed(
        lambda: [add(t, goal) for t, goal in zip(ours_in, goals, strict=True)], repeat
    )
    if fresh != ours:
        sys.exit("a new timedelta per call gave other deadlines")
    cold_s, _ = timed(ours_cold, repeat)

    # --- businesstimedelta ---------------------------------------------------------------
    rule = btd.Rules(
        [
            btd.WorkDayRule(start_time=OPEN, end_time=CLOSE, working_days=[0, 1, 2, 3, 4]),
            btd.HolidayRule(set(holidays)),
        ]
    )
    delta = btd.BusinessTimeDelta(rule, hours=3)
    # Naive inputs: businesstimedelta treats them as UTC; all wall times are WIB, so its
    # cheapest path gives WIB wall-clock answers.
    btd_s, btd_out = timed(lambda: [w + delta for w in walls], repeat)

    # --- pandas CustomBusinessHour ----------------------------------------------------------
    cbh = pd.offsets.CustomBusinessHour(
        n=3, start="08:00", end="16:00", weekmask="Mon Tue Wed Thu Fri", holidays=holidays
    )
    stamps = pd.DatetimeIndex(walls)
    with warnings.catch_warnings():
        # DatetimeIndex + CustomBusinessHour is applied element by element (it says so).
        warnings.simplefilter("ignore", pd.errors.PerformanceWarning)
        pandas_s, pandas_out = timed(lambda: stamps + cbh, repeat)

    # --- agreement --------------------------------------------------------------------------
    mismatches: list[str] = []
    end_of_day = 0
    provisional = 0
    for wall, mine, theirs, pandas_answer in zip(
        walls, ours, btd_out, pandas_out.to_pydatetime(), strict=True
    ):
        mine_wall = naive_wib(mine.at)
        provisional += mine.provisional
        if theirs.replace(tzinfo=None) != mine_wall:
            mismatches.append(f"businesstimedelta {wall}: {theirs} vs {mine.at}")
        if pandas_answer != mine_wall:
            if mine_wall.time() == CLOSE and pandas_answer == naive_wib(
                engine.next_opening(mine.at)
            ):
                end_of_day += 1
            else:
                mismatches.append(f"pandas {wall}: {pandas_answer} vs {mine.at}")

    # --- the examples, where the conventions show ------------------------------------
    examples = [
        dt.datetime(2026, 1, 9, 15),
        dt.datetime(2026, 1, 7, 16),
        dt.datetime(2026, 1, 7, 13),
        dt.datetime(2026, 1, 10, 10),
        dt.datetime(2026, 1, 16, 10),
    ]

    # --- elapsed: five years against one day ------------------------------------------------
    pairs = min(n, 100_000)
    five_years = dt.timedelta(days=5 * 365 + 1)
    starts = ours_in[:pairs]
    day_ends = [t + dt.timedelta(days=1) for t in starts]
    five_ends = [t + five_years for t in starts]
    elapsed = engine.elapsed
    [elapsed(a, b) for a, b in zip(starts, five_ends, strict=True)]  # warm-up: years to 2032
    day_s, _ = timed(lambda: [elapsed(a, b) for a, b in zip(starts, day_ends, strict=True)], repeat)
    five_s, _ = timed(
        lambda: [elapsed(a, b) for a, b in zip(starts, five_ends, strict=True)], repeat
    )
    # businesstimedelta walks period by period; its HolidayRule needs holidays ahead of every
    # date it visits, so this rule knows the (partly provisional) closed weekdays to 2037.
    long_rule = btd.Rules(
        [
            btd.WorkDayRule(start_time=OPEN, end_time=CLOSE, working_days=[0, 1, 2, 3, 4]),
            btd.HolidayRule(set(closed_weekdays(2024, 2037))),
        ]
    )
    few = 50
    btd_day_s, _ = timed(
        lambda: [long_rule.difference(w, w + dt.timedelta(days=1)) for w in walls[:few]], 1
    )
    btd_five_s, _ = timed(lambda: [long_rule.difference(w, w + five_years) for w in walls[:few]], 1)

    # --- the SLA clock read one hour after the start: full report and lean instants -----------
    readings = [(t, t + dt.timedelta(hours=1)) for t in ours_in[: min(n, 20_000)]]
    sla_s, _ = timed(lambda: [engine.sla(a, b) for a, b in readings], repeat)
    lean = getattr(engine, "sla_instants", None)  # absent before issue 12
    lean_s = timed(lambda: [lean(a, b) for a, b in readings], repeat)[0] if lean else None

    # --- summary ------------------------------------------------------------------------------
    print("Deadline of 3 working hours (08:00-16:00 Mon-Fri, Asia/Jakarta)")
    print(
        f"  {n:,} random instants of 2024-2027 (seed {args.seed}), {len(holidays)} closed"
        f" weekdays 2024-2028 from indonesian_calendar(); median of {repeat} runs,"
        f" {args.clock} time"
    )
    print(
        f"  Python {platform.python_version()}, layanan-aduan {version('layanan-aduan')},"
        f" businesstimedelta {version('businesstimedelta')}, pandas {pd.__version__}"
    )
    print()
    print(f"  layanan_aduan (pendulum in, warm) {rate(n, ours_s)}")
    print(f"  layanan_aduan (stdlib in, warm)   {rate(n, stdlib_s)}")
    print(f"  layanan_aduan (new goal per call) {rate(n, fresh_s)}")
    print(f"  layanan_aduan (cold engine)       {rate(n, cold_s)}")
    print(f"  businesstimedelta                 {rate(n, btd_s)}")
    print(f"  pandas CustomBusinessHour         {rate(n, pandas_s)}")
    print()
    print(
        f"  speed-up vs businesstimedelta: {btd_s / ours_s:6.1f}x warm,"
        f" {btd_s / fresh_s:.1f}x warm with a new goal per call, {btd_s / cold_s:.1f}x cold"
    )
    print(
        f"  speed-up vs pandas CBH:        {pandas_s / ours_s:6.1f}x warm,"
        f" {pandas_s / fresh_s:.1f}x warm with a new goal per call, {pandas_s / cold_s:.1f}x cold"
    )
    print()
    print(f"  businesstimedelta agrees on {n - sum(m.startswith('b') for m in mismatches):,}/{n:,}")
    print(
        f"  pandas agrees on {n - end_of_day - sum(m.startswith('p') for m in mismatches):,}/{n:,};"
        f" {end_of_day} differ only by its end-of-day convention (16:00 -> next 08:00)"
    )
    print(f"  {provisional:,} deadlines are provisional (they reach 2028, not yet decreed)")
    for line in mismatches[:10]:
        print(f"  MISMATCH {line}")
    print()
    print("  The issue's examples (WIB):  layanan_aduan | businesstimedelta | pandas CBH")
    for wall in examples:
        mine = naive_wib(add(pendulum.instance(wall, tz=WIB), GOAL).at)
        theirs = (wall + delta).replace(tzinfo=None)
        pandas_answer = (pd.Timestamp(wall) + cbh).to_pydatetime()
        print(
            f"    {wall:%a %Y-%m-%d %H:%M} -> {mine:%a %d %H:%M} | {theirs:%a %d %H:%M}"
            f" | {pandas_answer:%a %d %H:%M}"
        )
    print()
    print("Elapsed working time, layanan_aduan (warm)")
    print(f"  one-day spans   {rate(pairs, day_s)}")
    print(f"  five-year spans {rate(pairs, five_s)}")
    print(f"  five years cost {five_s / day_s:.2f}x one day (target <= 2x)")
    print(
        f"  (businesstimedelta Rules.difference, {few} spans: one day"
        f" {btd_day_s / few * 1e6:,.0f} µs, five years {btd_five_s / few * 1e6:,.0f} µs each)"
    )
    print()
    print(f"SLA clock read an hour after the start, {len(readings):,} readings (warm)")
    print(f"  sla() (full report)       {rate(len(readings), sla_s)}")
    if lean_s is not None:
        print(f"  sla_instants() (lean)     {rate(len(readings), lean_s)}   {sla_s / lean_s:.1f}x")
    return 1 if mismatches else 0


if __name__ == "__main__":
    raise SystemExit(main())
