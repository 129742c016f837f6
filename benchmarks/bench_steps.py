"""
Benchmark: durable five-step cases on SQLite, our desk against the eventsourcing library's peer.

Run from the repository root with the ``bench`` extra installed::

    python -m pip install -e '.[bench]'           # eventsourcing, businesstimedelta, pandas
    python benchmarks/bench_steps.py              # 3 rounds of 200 cases each side (a few minutes)
    python benchmarks/bench_steps.py --cases 50 --rounds 1 --long 300   # quicker

In the same run, on files in one temporary directory (``--dir``), alternating round by round:

1. **Our desk** through its public service layer (``compose`` over ``SqliteStorage`` on a
   file, with the adapter's own settings: WAL, ``synchronous=FULL``): a complete WhatsApp
   message (text with name and NIK, and a screenshot) ingested into a numbered report, then
   ``receive``, ``forward``, ``give_direction`` and ``deliver_follow_up``, each a unit of
   work of its own. The webhooks are parsed before the timing; evidence goes to an in-memory
   store and notifications stay in the outbox (no dispatcher), so the figure is the step path.
2. **eventsourcing**'s ``Application`` on its SQLite persistence module (WAL, one transaction
   per ``save``), doing the same case: an aggregate created with the same reporter data, then
   four commands, each ``repository.get``, the command, ``save``. Its durability is read back
   from its connection (``PRAGMA journal_mode``, ``PRAGMA synchronous``) and must equal ours,
   or the script stops.
3. **A bare sqlite3 loop**: one small ``INSERT`` per fsync'd transaction on a long-lived WAL
   file (warmed up first, so the WAL is at its working size): the disk's limit. Five commits a
   case cap cases/s at a fifth of it.

It prints cases/s for each side (median of ``--rounds``), the ratio, each side as a share of the
fsync limit, and, from one traced pass outside the timing, SQL statements, commits and bytes
written (``wchar`` of ``/proc/self/io``) per case. Then the cost of one more step on a report
with ``--long`` events against one with 5 (our desk: an officer's ``correct_kind``; the peer: one
more command on an aggregate of as many events), median of ``--steps`` steps each. The long
history is saved through the domain and ``report_stream`` in one unit of work (building it
step by step would take minutes); the step measured goes through the desk.

Wall time (:func:`time.perf_counter`): the figures include waiting for the disk. On a machine
shared with other work compare the ratios of one run, not absolute figures across runs.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from importlib.metadata import version
from pathlib import Path
from typing import Any

from _case import NAME, NIK, Desk

from layanan_aduan.adapters.storage import SqliteStorage

try:
    from eventsourcing.application import Application
    from eventsourcing.domain import Aggregate, event
    from eventsourcing.sqlite import SQLiteConnectionPool
except ImportError as missing:
    raise SystemExit("Install the bench extra first: pip install -e '.[bench]'") from missing

# --- the peer: eventsourcing ---------------------------------------------------------------------


class Case(Aggregate):
    """The same five-step case as an eventsourcing aggregate."""

    @event("Submitted")
    def __init__(self, reporter: str, name: str, nik: str, message: str, evidence: str) -> None:
        self.reporter, self.name, self.nik = reporter, name, nik
        self.message, self.evidence = message, evidence
        self.state, self.kind = "submitted", "aduan"

    @event("Received")
    def receive(self, officer: str) -> None:
        self.state, self.officer = "received", officer

    @event("Forwarded")
    def forward(self, officer: str, summary: str) -> None:
        self.state, self.summary = "forwarded", summary

    @event("DirectionGiven")
    def give_direction(self, section_head: str, direction: str) -> None:
        self.state, self.direction = "directed", direction

    @event("FollowUpDelivered")
    def deliver_follow_up(self, officer: str, follow_up: str) -> None:
        self.state, self.follow_up = "completed", follow_up

    @event("KindCorrected")
    def correct_kind(self, officer: str, kind: str) -> None:
        self.kind = kind


class Peer:
    """eventsourcing's Application on its SQLite module, one transaction per save."""

    def __init__(self, path: Path) -> None:
        self.app = Application(
            env={"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(path)}
        )

    def case(self, n: int) -> None:
        app = self.app
        sha = "52351778b9a7b8d81161e3f611c4108df8b5c12fd57e8aa08c07abadedea6473"
        created = Case(f"+62819{n:08d}", NAME, NIK, "Dugaan pungutan liar.", sha)
        app.save(created)
        steps: list[tuple[str, dict[str, str]]] = [
            ("receive", {"officer": "petugas-01"}),
            ("forward", {"officer": "petugas-01", "summary": "Dugaan pungli di kelurahan."}),
            ("give_direction", {"section_head": "kasi-intel-01", "direction": "Klarifikasi."}),
            ("deliver_follow_up", {"officer": "petugas-02", "follow_up": "Sudah diklarifikasi."}),
        ]
        for command, kwargs in steps:
            case = app.repository.get(created.id)
            getattr(case, command)(**kwargs)
            app.save(case)

    def pragmas(self) -> tuple[str, int]:
        with self.app.recorder.datastore.transaction(commit=False) as cursor:  # type: ignore[attr-defined]
            cursor.execute("PRAGMA journal_mode")
            mode = cursor.fetchone()[0]
            cursor.execute("PRAGMA synchronous")
            level = cursor.fetchone()[0]
        return str(mode).lower(), int(level)

    def long_case(self, events: int) -> Any:
        case = Case("+6281299990000", NAME, NIK, "Dugaan pungutan liar.", "0" * 64)
        case.receive(officer="petugas-01")
        for n in range(events - 2):
            case.correct_kind(officer="petugas-01", kind="laporan" if n % 2 == 0 else "aduan")
        self.app.save(case)
        return case.id

    def step_on(self, case_id: Any) -> None:
        case = self.app.repository.get(case_id)
        case.correct_kind(
            officer="petugas-01", kind="aduan" if case.kind == "laporan" else "laporan"
        )
        self.app.save(case)

    def close(self) -> None:
        self.app.close()


# --- the disk's limit ----------------------------------------------------------------------------


def fsync_rate(path: Path, transactions: int) -> float:
    """Transactions/s of a bare loop on a long-lived WAL file, synchronous=FULL."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, payload BLOB)")
        payload = os.urandom(200)

        def one() -> None:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("INSERT INTO t (payload) VALUES (?)", (payload,))
            conn.execute("COMMIT")

        for _ in range(max(transactions, 2000)):  # the WAL grows to its working size
            one()
        start = time.perf_counter()
        for _ in range(transactions):
            one()
        return transactions / (time.perf_counter() - start)
    finally:
        conn.close()


# --- tracing (outside the timing) ----------------------------------------------------------------


def wchar() -> int:
    """Bytes this process has passed to write calls (Linux), or 0."""
    try:
        for line in Path("/proc/self/io").read_text().splitlines():
            if line.startswith("wchar:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


@contextlib.contextmanager
def tracing(
    cls: type, method: str, raw: Callable[[Any], sqlite3.Connection]
) -> Iterator[list[str]]:
    """
    Collect every SQL statement run on the connections ``cls.method`` makes meanwhile.

    Only objects built inside the block trace: the timed ones keep their own connections.
    """
    statements: list[str] = []
    original = getattr(cls, method)

    def traced(self: Any) -> Any:
        conn = original(self)
        raw(conn).set_trace_callback(statements.append)
        return conn

    setattr(cls, method, traced)
    try:
        yield statements
    finally:
        setattr(cls, method, original)


def per_case(
    statements: list[str], warm: Callable[[], None], run: Callable[[], None], cases: int
) -> tuple[float, float, float]:
    """Statements, commits and bytes written per case, over ``cases`` traced cases."""
    warm()
    statements.clear()  # the schema and the first case's caches are not a case's cost
    before = wchar()
    for _ in range(cases):
        run()
    written = wchar() - before
    commits = sum(s.strip().upper().startswith(("COMMIT", "END")) for s in statements)
    return len(statements) / cases, commits / cases, written / cases


def trace_ours(folder: Path, cases: int) -> tuple[float, float, float]:
    with tracing(SqliteStorage, "_connect", lambda conn: conn) as statements:
        desk = Desk.sqlite(folder / "traced-desk.sqlite3")
        try:
            hooks = iter(desk.webhooks(cases + 1))
            return per_case(
                statements, lambda: desk.case(next(hooks)), lambda: desk.case(next(hooks)), cases
            )
        finally:
            desk.close()


def trace_peer(folder: Path, cases: int) -> tuple[float, float, float]:
    with tracing(
        SQLiteConnectionPool, "_create_connection", lambda c: c._sqlite_conn
    ) as statements:
        peer = Peer(folder / "traced-peer.sqlite3")
        try:
            counter = iter(range(cases + 1))
            return per_case(
                statements,
                lambda: peer.case(next(counter)),
                lambda: peer.case(next(counter)),
                cases,
            )
        finally:
            peer.close()


# --- the run ------------------------------------------------------------------------------------


def timed_cases(run: Callable[[Any], None], items: Sequence[Any]) -> float:
    """Cases/s of ``run`` over ``items`` (one case each)."""
    start = time.perf_counter()
    for item in items:
        run(item)
    return len(items) / (time.perf_counter() - start)


def step_cost(step: Callable[[], None], steps: int) -> float:
    times = []
    for _ in range(steps):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("--cases", type=int, default=200, help="cases per side per round")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds (median)")
    parser.add_argument("--fsyncs", type=int, default=3000, help="transactions of the bare loop")
    parser.add_argument("--long", type=int, default=1000, help="events of the long history")
    parser.add_argument("--steps", type=int, default=20, help="steps timed on each history")
    parser.add_argument("--dir", help="where the database files go (default: a temporary one)")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        folder = Path(tmp)
        desk, peer = Desk.sqlite(folder / "desk.sqlite3"), Peer(folder / "peer.sqlite3")
        try:
            ours_durability, peer_durability = desk.pragmas(), peer.pragmas()
            if ours_durability != peer_durability:
                raise SystemExit(
                    f"not the same durability: ours {ours_durability}, peer {peer_durability}"
                )
            desk.case(desk.webhooks(1)[0])  # warm-up: caches, the engine's timeline
            peer.case(0)
            ours_rates, peer_rates, fsyncs = [], [], []
            for n in range(args.rounds):
                ours_rates.append(timed_cases(desk.case, desk.webhooks(args.cases)))
                first = 1 + n * args.cases
                peer_rates.append(timed_cases(peer.case, range(first, first + args.cases)))
                fsyncs.append(fsync_rate(folder / f"bare-{n}.sqlite3", args.fsyncs))
            ours_trace, peer_trace = trace_ours(folder, 20), trace_peer(folder, 20)

            short_numbers = [desk.long_report(4)[0] for _ in range(args.steps)]
            ours_short = step_cost(lambda: desk.step_on(short_numbers.pop()), args.steps)
            long_number, _ = desk.long_report(args.long - 1)
            ours_long = step_cost(lambda: desk.step_on(long_number), args.steps)
            short_ids = [peer.long_case(4) for _ in range(args.steps)]
            peer_short = step_cost(lambda: peer.step_on(short_ids.pop()), args.steps)
            long_id = peer.long_case(args.long - 1)
            peer_long = step_cost(lambda: peer.step_on(long_id), args.steps)
        finally:
            desk.close()
            peer.close()

    ours, theirs, limit = (statistics.median(x) for x in (ours_rates, peer_rates, fsyncs))
    mode, level = ours_durability
    print("Durable five-step cases on SQLite, same run")
    print(
        f"  Python {platform.python_version()}, SQLite {sqlite3.sqlite_version},"
        f" layanan-aduan {version('layanan-aduan')}, eventsourcing {version('eventsourcing')};"
        f" {args.cases} cases a side x {args.rounds} rounds (median)"
    )
    print(
        f"  durability read back: ours journal_mode={mode} synchronous={level};"
        f" eventsourcing journal_mode={peer_durability[0]} synchronous={peer_durability[1]}"
    )
    print()
    print(f"  our desk (public service layer)   {ours:8.1f} cases/s  ({1e3 / ours:6.2f} ms a case)")
    print(f"  eventsourcing Application         {theirs:8.1f} cases/s  ({1e3 / theirs:6.2f} ms)")
    print(
        f"  bare fsync'd transactions         {limit:8.1f} /s  (5 commits: {limit / 5:.0f} cases/s)"
    )
    print()
    print(f"  ours / eventsourcing              {ours / theirs:8.2f}x   (target >= 1.0x)")
    print(
        f"  share of the fsync limit          ours {ours * 5 / limit:6.1%}   eventsourcing"
        f" {theirs * 5 / limit:6.1%}   (target >= 35 %)"
    )
    for name, (statements, commits, written) in (
        ("ours", ours_trace),
        ("eventsourcing", peer_trace),
    ):
        print(
            f"  per case, {name:<14} {statements:5.1f} SQL statements, {commits:4.1f} commits,"
            f" {written / 1024:6.1f} KiB written"
        )
    print()
    print(f"Cost of one more step, {args.long:,} events against 5 (median of {args.steps})")
    print(
        f"  our desk       {ours_short * 1e3:7.2f} ms at 5 events, {ours_long * 1e3:8.2f} ms at"
        f" {args.long:,}: {ours_long / ours_short:6.1f}x   (target <= 1.3x)"
    )
    print(
        f"  eventsourcing  {peer_short * 1e3:7.2f} ms at 5 events, {peer_long * 1e3:8.2f} ms at"
        f" {args.long:,}: {peer_long / peer_short:6.1f}x   (no snapshots)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
