"""
Benchmark: what sealing personal data costs a durable five-step case (issue 11).

Run from the repository root (``cryptography``, the ``personal-data`` extra, installed)::

    eval "$(bash .ci/postgres.sh)"                       # optional: PostgreSQL too
    python benchmarks/bench_personal_data.py             # under a minute a database
    python benchmarks/bench_personal_data.py --quick     # about 10 s
    python benchmarks/bench_personal_data.py --cases 40 --rounds 9 --events 500   # steadier

The same five-step case as ``bench_steps.py`` (imported from ``_case.py``: a WhatsApp message
with name, NIK and a screenshot ingested into a numbered report through the desk, then
``receive``, ``forward``, ``give_direction``, ``deliver_follow_up``, each a unit of work),
on three desks in one process, each on its own database with the storage's cipher:

a. :class:`PlainFieldCipher`: no key; the vault is kept apart but readable (the anchor);
b. :class:`AesGcmFieldCipher` with one key: every vault entry and outbox payload sealed with
   AES-256-GCM, the reporter's columns and inbox senders HMAC blind indexes;
c. AES-GCM with two keys (a rotation in progress): each lookup matches the blind indexes of
   both keys (``blind_indexes``).

The desks take turns, ``--cases`` cases each, for ``--rounds`` rounds (the order rotates every
round, so none always runs first); per round, wall time (``time.perf_counter``: includes the
fsyncs) and CPU time (``time.process_time``: this process's work, which is what a cipher adds)
a case. Printed: cases/s and ms a case (medians over rounds), and the overhead of b and c over a
(``b/a - 1``): the median of the rounds' paired ratios. Target: under 15 % of a case on SQLite.

Then the load of a report of ``--events`` events, every event after the first two carrying a
staff note (so each has a sealed vault entry): ``ReportRepository.get`` and the rebuild
(``Event.from_dict`` + ``Report.from_events``, the whole chain verified), median of ``--loads``
loads taken in turn on the three databases.

SQLite files with the adapter's own settings (WAL, ``synchronous=FULL``) in a temporary directory
(``--dir``); PostgreSQL at ``--dsn`` on throwaway schemas, dropped afterwards. On a machine
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
import uuid
from collections.abc import Callable, Iterator, Sequence
from importlib.metadata import version
from pathlib import Path

from _case import Desk

from layanan_aduan.adapters.data_keys import StaticKeyring
from layanan_aduan.adapters.field_cipher import AesGcmFieldCipher, PlainFieldCipher
from layanan_aduan.adapters.storage import PostgresStorage
from layanan_aduan.domain.history import Event
from layanan_aduan.domain.report import Report
from layanan_aduan.ports import FieldCipher, Storage

KEY, OLD_KEY = bytes(range(32)), bytes(range(1, 33))
NOTE = "Dikoreksi setelah klarifikasi dengan Bapak Budi Santoso melalui telepon."


def ciphers() -> list[tuple[str, FieldCipher]]:
    """The three ciphers compared, the anchor first."""
    return [
        ("plain (no key)", PlainFieldCipher()),
        ("AES-GCM, 1 key", AesGcmFieldCipher(StaticKeyring([KEY]))),
        ("AES-GCM, 2 keys (rotation)", AesGcmFieldCipher(StaticKeyring([KEY, OLD_KEY]))),
    ]


@contextlib.contextmanager
def sqlite_desks(folder: Path) -> Iterator[list[Desk]]:
    desks = [
        Desk.sqlite(folder / f"desk-{n}.sqlite3", cipher=cipher)
        for n, (_, cipher) in enumerate(ciphers())
    ]
    try:
        yield desks
    finally:
        for desk in desks:
            desk.close()


@contextlib.contextmanager
def postgres_desks(dsn: str) -> Iterator[list[Desk]]:
    desks: list[Desk] = []
    try:
        for _, cipher in ciphers():
            schema = f"bench_personal_{uuid.uuid4().hex[:10]}"
            desks.append(Desk(PostgresStorage.open(dsn, schema=schema, max_size=2, cipher=cipher)))
        yield desks
    finally:
        for desk in desks:
            storage = desk.storage
            if isinstance(storage, PostgresStorage):
                storage.drop_schema()  # closes it, and with it the desk's only resource


def timed(run: Callable[[], None]) -> tuple[float, float]:
    """Wall and CPU seconds of ``run``."""
    wall, cpu = time.perf_counter(), time.process_time()
    run()
    return time.perf_counter() - wall, time.process_time() - cpu


def check_sealed(desks: Sequence[Desk]) -> None:
    """Stop unless each desk's vault holds entries sealed with its own cipher's current key."""
    for desk, (name, cipher) in zip(desks, ciphers(), strict=True):
        with desk.storage.unit_of_work(read_only=True) as uow:
            rows = uow.execute("SELECT DISTINCT key_id FROM report_personal").fetchall()  # type: ignore[attr-defined]
        if [row[0] for row in rows] != [cipher.key_id]:
            raise SystemExit(f"{name}: the vault is not sealed with its key ({len(rows)} key ids)")


def case_rounds(desks: Sequence[Desk], cases: int, rounds: int) -> list[list[tuple[float, float]]]:
    """Per desk, per round: wall and CPU seconds a case."""
    for desk in desks:  # warm-up: caches, the engine's timeline, derived keys
        desk.case(desk.webhooks(1)[0])
    check_sealed(desks)
    results: list[list[tuple[float, float]]] = [[] for _ in desks]
    for r in range(rounds):
        order = [(r + k) % len(desks) for k in range(len(desks))]
        for n in order:
            desk = desks[n]
            hooks = desk.webhooks(cases)

            def run(desk: Desk = desk, hooks: Sequence[object] = hooks) -> None:
                for parsed in hooks:
                    desk.case(parsed)  # type: ignore[arg-type]

            wall, cpu = timed(run)
            results[n].append((wall / cases, cpu / cases))
    return results


Load = tuple[float, float, float, float]  # wall and CPU seconds of the get, then of the whole


def load_rounds(desks: Sequence[Desk], events: int, loads: int) -> list[list[Load]]:
    """Per desk, per load of a report of ``events`` events: the get's and the whole's times."""
    ids = [desk.long_report(events, note=NOTE)[1] for desk in desks]
    results: list[list[Load]] = [[] for _ in desks]
    for r in range(loads + 1):
        for n in [(r + k) % len(desks) for k in range(len(desks))]:
            storage: Storage = desks[n].storage
            with storage.unit_of_work(read_only=True) as uow:
                wall, cpu = time.perf_counter(), time.process_time()
                stored = uow.reports.get(ids[n])
                got_wall, got_cpu = time.perf_counter(), time.process_time()
                report = Report.from_events(
                    [Event.from_dict(e) for e in stored.events],
                    number=stored.projection.number,
                    version=stored.version,
                    head=stored.projection.head_hash,
                )
                done_wall, done_cpu = time.perf_counter(), time.process_time()
            if report.version != events or "personal_data" not in stored.events[-1]:
                raise SystemExit("the long report did not load whole")
            if r:  # the first load of each is a warm-up
                results[n].append(
                    (got_wall - wall, got_cpu - cpu, done_wall - wall, done_cpu - cpu)
                )
    return results


def overhead(rows: list[list[float]], n: int) -> float:
    """The median over rounds of desk ``n``'s figure over the anchor's, minus one."""
    return statistics.median(x / a - 1 for x, a in zip(rows[n], rows[0], strict=True))


def report(title: str, args: argparse.Namespace, desks: Sequence[Desk]) -> None:
    names = [name for name, _ in ciphers()]
    per_case = case_rounds(desks, args.cases, args.rounds)
    loads = load_rounds(desks, args.events, args.loads)
    walls = [[w for w, _ in rounds] for rounds in per_case]
    cpus = [[c for _, c in rounds] for rounds in per_case]
    print(title)
    print(
        f"  five-step cases, {args.cases} a cipher x {args.rounds} interleaved rounds;"
        " medians; overhead = median of the rounds' paired ratios - 1"
    )
    print(
        f"  {'cipher':<28} {'cases/s':>8} {'ms a case':>10} {'CPU ms':>8}"
        f" {'overhead wall':>14} {'overhead CPU':>13}"
    )
    for n, name in enumerate(names):
        wall, cpu = statistics.median(walls[n]), statistics.median(cpus[n])
        extra = (
            f" {overhead(walls, n):>+13.1%} {overhead(cpus, n):>+13.1%}"
            if n
            else f" {'(anchor)':>14} {'(anchor)':>13}"
        )
        print(f"  {name:<28} {1 / wall:8.1f} {wall * 1e3:10.2f} {cpu * 1e3:8.2f}{extra}")
    print("  target: overhead under 15 % of a case (SQLite)")
    print(
        f"  load of a report of {args.events} events, each after the second with a sealed note:"
        f" get + Report.from_events, median of {args.loads} loads in turn"
    )
    print(
        f"  {'cipher':<28} {'ms':>8} {'get ms':>8} {'CPU ms':>8} {'get CPU':>8}"
        f" {'overhead wall':>14} {'overhead CPU':>13} {'get CPU':>8}"
    )
    columns = [[[load[c] for load in rounds] for rounds in loads] for c in range(4)]
    get_wall, get_cpu, whole_wall, whole_cpu = columns
    for n, name in enumerate(names):
        figures = " ".join(
            f"{statistics.median(col[n]) * 1e3:8.2f}"
            for col in (whole_wall, get_wall, whole_cpu, get_cpu)
        )
        extra = f" {'(anchor)':>14} {'(anchor)':>13} {'':>8}"
        if n:
            extra = (
                f" {overhead(whole_wall, n):>+13.1%} {overhead(whole_cpu, n):>+13.1%}"
                f" {overhead(get_cpu, n):>+8.1%}"
            )
        print(f"  {name:<28} {figures}{extra}".rstrip())
    print()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("--cases", type=int, help="cases a cipher a round (25; --quick 15)")
    parser.add_argument("--rounds", type=int, help="interleaved rounds, median (7; --quick 5)")
    parser.add_argument("--events", type=int, help="events of the loaded report (500; --quick 200)")
    parser.add_argument("--loads", type=int, help="loads of it a cipher, median (15; --quick 9)")
    parser.add_argument("--quick", action="store_true", help="a short run (about 10 s)")
    parser.add_argument("--dir", help="where the SQLite files go (default: a temporary one)")
    parser.add_argument(
        "--dsn",
        default=os.environ.get("LAYANAN_ADUAN_TEST_POSTGRES_DSN", ""),
        help="PostgreSQL DSN (default: $LAYANAN_ADUAN_TEST_POSTGRES_DSN; skipped without one)",
    )
    args = parser.parse_args(argv)
    sizes = {"cases": (25, 15), "rounds": (7, 5), "events": (500, 200), "loads": (15, 9)}
    for name, (normal, quick) in sizes.items():  # what is given explicitly wins over --quick
        if getattr(args, name) is None:
            setattr(args, name, quick if args.quick else normal)
    if min(args.cases, args.rounds, args.loads) < 1 or args.events < 3:
        parser.error("--cases, --rounds and --loads must be at least 1, --events at least 3")

    print(
        f"Python {platform.python_version()}, layanan-aduan {version('layanan-aduan')},"
        f" cryptography {version('cryptography')}; load average"
        f" {' '.join(f'{x:.1f}' for x in os.getloadavg())}"
    )
    print()
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp, sqlite_desks(Path(tmp)) as desks:
        mode, level = desks[0].pragmas()
        title = f"SQLite {sqlite3.sqlite_version} (journal_mode={mode}, synchronous={level})"
        report(title, args, desks)
    if not args.dsn:
        print("PostgreSQL skipped: no --dsn and no $LAYANAN_ADUAN_TEST_POSTGRES_DSN")
        return 0
    with postgres_desks(args.dsn) as desks:
        with desks[0].storage.unit_of_work(read_only=True) as uow:
            server = uow.execute("SHOW server_version").fetchone()[0]  # type: ignore[attr-defined]
        report(f"PostgreSQL {str(server).split()[0]}", args, desks)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
