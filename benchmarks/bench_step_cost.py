"""
Benchmark: the cost of one desk step against the length of the report's history, and durable
five-step cases on SQLite, with and without the verified-report path (issue 12).

Run from the repository root::

    python benchmarks/bench_step_cost.py                     # a few minutes
    python benchmarks/bench_step_cost.py --cases 40 --steps 15 --long 1000   # quicker

To measure another checkout's code with the same script (e.g. the base branch, "before"), put
its ``src`` first on the path: ``PYTHONPATH=../other/src python benchmarks/bench_step_cost.py``
(a desk without ``verified`` is measured on its one path).

In one run, on SQLite files in a temporary directory, with the adapter's own durability (WAL,
``synchronous=FULL``, read back from its connection):

1. **Step cost by history length**: a received report of 5 events and one of ``--long``
   events (saved at once through the domain and ``report_stream``); then ``--steps`` officer
   steps on each through the desk (``Desk.correct_kind``, back and forth), median wall time
   and median CPU time (``time.process_time``: no waiting for the disk) a step, and the
   ratios long/short. Once with the desk's verified reports (``desk.verified``,
   what a desk does) and once with ``desk.verified = None`` (every load verifies the whole
   stream: the path before).
2. **Five-step cases**: ``--cases`` reports through the desk (a WhatsApp message with name,
   NIK and a screenshot ingested into a numbered report, then receive, forward, direction,
   follow-up, each a unit of work), cases/s, both ways; with ``eventsourcing`` installed, its
   SQLite ``Application`` doing the same case (one transaction per save, its durability read
   back and required to equal ours) in the same run.
3. **Statements and bytes a case**, from one traced pass outside the timing: SQL statements
   (``sqlite3`` ``set_trace_callback``, ``BEGIN``/``COMMIT`` included) and bytes written
   (``wchar`` of ``/proc/self/io``).

Wall time (:func:`time.perf_counter`); on a shared machine compare ratios within one run.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sqlite3
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
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
from layanan_aduan.service_layer.report_stream import assign_report_number, project, save_report

T0 = pendulum.datetime(2026, 1, 12, 2, 0, tz="UTC")  # Monday 09:00 WIB
BUSINESS_NUMBER = "106540352242922"
MEDIA_ID = "1480000000000001"
OFFICE = "KNJP"
STEP = pendulum.duration(minutes=1)
WORKING_TIME = WorkingTime(indonesian_calendar())

_statements = [0]
_connect = sqlite3.connect


def _traced_connect(*args: Any, **kwargs: Any) -> sqlite3.Connection:
    # Every connection the adapter opens counts the statements it runs.
    conn = _connect(*args, **kwargs)
    conn.set_trace_callback(lambda _sql: _statements.__setitem__(0, _statements[0] + 1))
    return conn


sqlite3.connect = _traced_connect  # type: ignore[assignment]


def wchar() -> int:
    """Bytes this process has passed to write calls (Linux), or 0."""
    with contextlib.suppress(OSError):
        for line in Path("/proc/self/io").read_text().splitlines():
            if line.startswith("wchar:"):
                return int(line.split()[1])
    return 0


def staff() -> InMemoryStaffDirectory:
    def member(staff_id: str, name: str, phone: str, role: StaffRole) -> StaffMember:
        return StaffMember(staff_id, name, phone=phone, assignments=(Assignment(role, OFFICE),))

    return InMemoryStaffDirectory(
        {
            OFFICE: [
                member("petugas-01", "Rina Wulandari", "+6281311112222", StaffRole.OFFICER),
                member("kasi-intel-01", "Andi Pratama", "+6281100002222", StaffRole.SECTION_HEAD),
            ]
        }
    )


class Desk:
    """Our desk on a SQLite file, with a clock that moves a minute a step."""

    def __init__(self, path: Path, *, fast: bool) -> None:
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
        if not fast:
            self.services.desk.verified = None  # every load verifies the whole stream
        self.cases = 0
        self.kinds: dict[str, str] = {}

    def webhook(self) -> ParsedWebhook:
        document = json.loads(examples.whatsapp_webhook())
        value = document["entry"][0]["changes"][0]["value"]
        sender = f"62819{self.cases:08d}"
        value["contacts"][0]["wa_id"] = sender
        for n, message in enumerate(value["messages"]):
            message.update({"from": sender, "id": f"wamid.bench.{self.cases}.{n}"})
            message["timestamp"] = str(self.clock.now().int_timestamp)
        return parse_webhook(json.dumps(document).encode())

    def case(self, parsed: ParsedWebhook) -> None:
        desk = self.services.desk
        (made,) = desk.ingest(parsed).steps
        number = made.number
        assert number is not None  # noqa: S101 - a complete message is numbered at once
        for act in (
            lambda: desk.receive(number, officer="petugas-01"),
            lambda: desk.forward(number, officer="petugas-01", summary="Dugaan pungli."),
            lambda: desk.give_direction(
                number, section_head="kasi-intel-01", direction="Klarifikasi."
            ),
            lambda: desk.deliver_follow_up(number, officer="petugas-01", follow_up="Sudah."),
        ):
            self.clock.advance(STEP)
            act()
        self.clock.advance(STEP)
        self.cases += 1

    def durability(self) -> tuple[str, int]:
        with self.storage.unit_of_work(read_only=True) as uow:
            mode = uow.execute("PRAGMA journal_mode").fetchone()[0]  # type: ignore[attr-defined]
            level = uow.execute("PRAGMA synchronous").fetchone()[0]  # type: ignore[attr-defined]
        return str(mode).lower(), int(level)

    def long_report(self, events: int) -> str:
        """A received report with ``events`` events, saved at once; returns its number."""
        at = self.clock.now()
        officer = Actor("petugas-01", "officer")
        report = Report.submit(
            id=str(uuid.uuid4()),
            at=at,
            actor=Actor("+6281299990000", "reporter"),
            kind="aduan",
            details=ReporterDetails(
                name="Budi Santoso", nik="3171010101900001", phone="081299990000"
            ),
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
        kind = "aduan" if self.kinds[number] == "laporan" else "laporan"
        self.services.desk.correct_kind(number, officer="petugas-01", kind=kind)
        self.kinds[number] = kind
        self.clock.advance(STEP)

    def close(self) -> None:
        self.services.close()


def median_time(fn: Callable[[], None], n: int) -> tuple[float, float]:
    """Median wall time and median CPU time of this process (no waiting for the disk)."""
    walls, cpus = [], []
    for _ in range(n):
        start, cpu = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def peer(directory: Path) -> Any:
    """eventsourcing's SQLite Application and its case, or ``None`` when not installed."""
    try:
        from eventsourcing.application import Application
        from eventsourcing.domain import Aggregate, event
    except ImportError:
        return None

    class Case(Aggregate):  # type: ignore[misc]
        @event("Submitted")
        def __init__(self, reporter: str, name: str, nik: str, message: str) -> None:
            self.reporter, self.name, self.nik, self.message = reporter, name, nik, message
            self.state = "submitted"

        @event("Stepped")
        def step(self, actor: str, state: str, text: str) -> None:
            self.actor, self.state, self.text = actor, state, text

    app = Application(
        env={
            "PERSISTENCE_MODULE": "eventsourcing.sqlite",
            "SQLITE_DBNAME": str(directory / "peer.sqlite3"),
        }
    )

    def case(n: int) -> None:
        created = Case(f"+62819{n:08d}", "Budi Santoso", "3171010101900001", "Dugaan pungli.")
        app.save(created)
        for state in ("received", "forwarded", "directed", "completed"):
            loaded = app.repository.get(created.id)
            loaded.step("petugas-01", state, "Klarifikasi.")
            app.save(loaded)

    with app.recorder.datastore.transaction(commit=False) as cursor:
        cursor.execute("PRAGMA journal_mode")
        mode = str(cursor.fetchone()[0]).lower()
        cursor.execute("PRAGMA synchronous")
        level = int(cursor.fetchone()[0])
    return case, (mode, level), app


@contextlib.contextmanager
def measured() -> Iterator[dict[str, int]]:
    counts = {"statements": _statements[0], "bytes": wchar()}
    yield counts
    counts["statements"] = _statements[0] - counts["statements"]
    counts["bytes"] = wchar() - counts["bytes"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--cases", type=int, default=150)
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--long", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        has_fast = hasattr(compose_desk_probe(directory), "verified")
        ways = [("verified", True), ("whole stream", False)] if has_fast else [("one path", False)]
        print(f"SQLite {sqlite3.sqlite_version}; --long {args.long}, --steps {args.steps}")
        print("\nstep cost (median of a desk step, correct_kind):")
        for label, fast in ways:
            desk = Desk(directory / f"steps-{label[0]}.sqlite3", fast=fast)
            short, long = desk.long_report(5), desk.long_report(args.long)
            desk.step_on(short), desk.step_on(long)  # warm; and the desk verifies both once
            w_short, c_short = median_time(lambda d=desk, n=short: d.step_on(n), args.steps)
            w_long, c_long = median_time(lambda d=desk, n=long: d.step_on(n), args.steps)
            print(
                f"  {label:13} wall: 5 events {w_short * 1e3:7.2f} ms, {args.long} events "
                f"{w_long * 1e3:7.2f} ms, ratio {w_long / w_short:5.2f}x   CPU: "
                f"{c_short * 1e3:6.2f} ms, {c_long * 1e3:7.2f} ms, ratio {c_long / c_short:5.2f}x"
            )
            desk.close()
        print(f"\nfive-step cases on a SQLite file ({args.cases} cases):")
        rates: dict[str, float] = {}
        for label, fast in ways:
            desk = Desk(directory / f"cases-{label[0]}.sqlite3", fast=fast)
            durability = desk.durability()
            webhooks = []
            for _ in range(args.cases + 1):
                webhooks.append(desk.webhook())
                desk.cases += 1
            desk.cases = 0
            with measured() as one:
                desk.case(webhooks[0])
            start = time.perf_counter()
            for parsed in webhooks[1:]:
                desk.case(parsed)
            rates[label] = args.cases / (time.perf_counter() - start)
            print(
                f"  {label:13} {rates[label]:7.1f} cases/s   {one['statements']} statements, "
                f"{one['bytes'] / 1024:.0f} KiB written a case   (journal {durability[0]}, "
                f"synchronous {durability[1]})"
            )
            desk.close()
        made = peer(directory)
        if made is None:
            print("  eventsourcing not installed: no peer figure (pip install eventsourcing)")
            return
        case, peer_durability, app = made
        if peer_durability != durability:
            raise SystemExit(f"the peer's durability {peer_durability} is not ours {durability}")
        case(0)
        start = time.perf_counter()
        for n in range(1, args.cases + 1):
            case(n)
        peer_rate = args.cases / (time.perf_counter() - start)
        app.close()
        print(f"  {'eventsourcing':13} {peer_rate:7.1f} cases/s")
        for label, rate in rates.items():
            print(f"  ratio {label} / eventsourcing: {rate / peer_rate:.2f}x")


def compose_desk_probe(directory: Path) -> Any:
    desk = Desk(directory / "probe.sqlite3", fast=True)
    try:
        return desk.services.desk
    finally:
        desk.close()


if __name__ == "__main__":
    main()
