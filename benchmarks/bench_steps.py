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
import json
import os
import platform
import sqlite3
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pendulum

from layanan_aduan import examples
from layanan_aduan.adapters.evidence_store import InMemoryEvidenceStore
from layanan_aduan.adapters.holidays_id import indonesian_calendar
from layanan_aduan.adapters.messaging import InMemoryMediaFetcher, InMemoryMessenger
from layanan_aduan.adapters.staff import InMemoryStaffDirectory
from layanan_aduan.adapters.storage import SqliteStorage
from layanan_aduan.adapters.whatsapp import parse_webhook
from layanan_aduan.clock import FixedClock
from layanan_aduan.domain.report import Actor, Report, ReporterDetails
from layanan_aduan.domain.staff import Assignment, StaffMember, StaffRole
from layanan_aduan.domain.worktime import WorkingTime
from layanan_aduan.ports.inbound import ParsedWebhook
from layanan_aduan.service_layer.bootstrap import Services, compose
from layanan_aduan.service_layer.report_stream import (
    assign_report_number,
    project,
    save_report,
)

try:
    from eventsourcing.application import Application
    from eventsourcing.domain import Aggregate, event
    from eventsourcing.sqlite import SQLiteConnectionPool
except ImportError as missing:
    raise SystemExit("Install the bench extra first: pip install -e '.[bench]'") from missing

T0 = pendulum.datetime(2026, 1, 12, 2, 0, tz="UTC")  # Monday 09:00 WIB
BUSINESS_NUMBER = "106540352242922"
MEDIA_ID = "1480000000000001"
OFFICE = "KNJP"
NAME, NIK = "Budi Santoso", "3171010101900001"
STEP = pendulum.duration(minutes=1)
WORKING_TIME = WorkingTime(indonesian_calendar())


# --- our desk -----------------------------------------------------------------------------------


def staff() -> InMemoryStaffDirectory:
    """Two officers and the section head of the office."""

    def member(staff_id: str, name: str, phone: str, role: StaffRole) -> StaffMember:
        return StaffMember(staff_id, name, phone=phone, assignments=(Assignment(role, OFFICE),))

    return InMemoryStaffDirectory(
        {
            OFFICE: [
                member("petugas-01", "Rina Wulandari", "+6281311112222", StaffRole.OFFICER),
                member("petugas-02", "Dedi Kurniawan", "+6281311113333", StaffRole.OFFICER),
                member("kasi-intel-01", "Andi Pratama", "+6281100002222", StaffRole.SECTION_HEAD),
            ]
        }
    )


def webhook(case: int, at: pendulum.DateTime) -> ParsedWebhook:
    """The bundled example (text with name and NIK, and a screenshot) from sender ``case``."""
    document = json.loads(examples.whatsapp_webhook())
    value = document["entry"][0]["changes"][0]["value"]
    sender = f"62819{case:08d}"
    value["contacts"][0]["wa_id"] = sender
    for n, message in enumerate(value["messages"]):
        message.update({"from": sender, "id": f"wamid.bench.{case}.{n}"})
        message["timestamp"] = str(at.int_timestamp)
    return parse_webhook(json.dumps(document).encode())


class Desk:
    """Our desk on a SQLite file, with a clock that moves a minute a step."""

    def __init__(self, path: Path) -> None:
        media = InMemoryMediaFetcher()
        media.put(MEDIA_ID, examples.screenshot_png(), "image/png")
        self.clock = FixedClock(T0)
        self.storage = SqliteStorage.open(path)
        self.services: Services = compose(
            business_numbers=(BUSINESS_NUMBER,),
            storage=self.storage,
            evidence=InMemoryEvidenceStore(),
            messenger=InMemoryMessenger(),
            media=media,
            clock=self.clock,
            staff=staff(),
            working_time=WORKING_TIME,
        )
        self.cases = 0
        self.kinds: dict[str, str] = {}  # number -> kind, so a timed step reads nothing else

    def webhooks(self, n: int) -> list[ParsedWebhook]:
        """The next ``n`` cases' webhooks, parsed (outside the timing)."""
        at = self.clock.now()
        return [webhook(self.cases + k, at.add(minutes=5 * k)) for k in range(n)]

    def case(self, parsed: ParsedWebhook) -> None:
        """One report through the five steps."""
        desk = self.services.desk
        (made,) = desk.ingest(parsed).steps
        number = made.number
        assert number is not None  # noqa: S101 - a complete message is numbered at once
        self.clock.advance(STEP)
        desk.receive(number, officer="petugas-01")
        self.clock.advance(STEP)
        desk.forward(number, officer="petugas-01", summary="Dugaan pungli di kelurahan.")
        self.clock.advance(STEP)
        desk.give_direction(number, section_head="kasi-intel-01", direction="Klarifikasi.")
        self.clock.advance(STEP)
        desk.deliver_follow_up(number, officer="petugas-02", follow_up="Sudah diklarifikasi.")
        self.clock.advance(STEP)
        self.cases += 1

    def pragmas(self) -> tuple[str, int]:
        with contextlib.closing(sqlite3.connect(self.storage.path)) as conn:
            mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
        # synchronous is per connection: read it from the adapter's own connection.
        with self.storage.unit_of_work(read_only=True) as uow:
            level = uow.execute("PRAGMA synchronous").fetchone()[0]  # type: ignore[attr-defined]
        return str(mode).lower(), int(level)

    def long_report(self, events: int) -> str:
        """A received report with ``events`` events, saved at once; returns its number."""
        at = self.clock.now()
        reporter = Actor("+6281299990000", "reporter")
        officer = Actor("petugas-01", "officer")
        report = Report.submit(
            id=str(uuid.uuid4()),
            at=at,
            actor=reporter,
            kind="aduan",
            details=ReporterDetails(name=NAME, nik=NIK, phone="081299990000"),
            message="Dugaan pungutan liar di kantor kelurahan.",
            evidence=[examples.screenshot_png()],
        )
        report.receive(at=at, actor=officer)
        for n in range(events - 2):
            report.correct_kind(at=at, actor=officer, kind="laporan" if n % 2 == 0 else "aduan")
        with self.storage.unit_of_work() as uow:
            number = assign_report_number(uow.reports, report, office=OFFICE, year=at.year)
            save_report(uow.reports, report, project(report, WORKING_TIME, office=OFFICE))
            uow.commit()
        self.clock.advance(STEP)
        self.kinds[number] = str(report.kind)
        return number

    def step_on(self, number: str) -> None:
        """One more officer's step on the report: correct its kind back and forth."""
        kind = "aduan" if self.kinds[number] == "laporan" else "laporan"
        self.services.desk.correct_kind(number, officer="petugas-01", kind=kind)
        self.kinds[number] = kind
        self.clock.advance(STEP)

    def close(self) -> None:
        self.services.close()


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
        desk = Desk(folder / "traced-desk.sqlite3")
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
        desk, peer = Desk(folder / "desk.sqlite3"), Peer(folder / "peer.sqlite3")
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

            short_numbers = [desk.long_report(4) for _ in range(args.steps)]
            ours_short = step_cost(lambda: desk.step_on(short_numbers.pop()), args.steps)
            long_number = desk.long_report(args.long - 1)
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
