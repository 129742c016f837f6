"""
Benchmark: the cost of starting up: ``import layanan_aduan`` and the first deadline of a process.

Run from the repository root::

    python benchmarks/bench_startup.py                       # 15 fresh processes per measure
    python benchmarks/bench_startup.py --before /tmp/base/src # and an older source tree, same run

Each measure runs in a fresh interpreter (``sys.executable``), one after the other, the
measures interleaved so that a busy machine slows them alike:

- ``python -c pass``: the bare interpreter (site, encodings), subtracted from the others;
- ``import layanan_aduan``: the facade alone;
- the first deadline: import ``WorkingTime`` and ``indonesian_calendar`` from the facade,
  build the engine and compute one 3-hour deadline (the calendar year, its holidays and the
  timeline are built inside);
- ``layanan-aduan tenggat 2026-01-09T15:00:00+07:00``: the command line's first answer.

Each measure runs once untimed first, so that the trees' bytecode is written and read from
then on, as for an installed package (``PYTHONDONTWRITEBYTECODE`` is removed from the children's
environment). It prints the median wall time (:func:`time.perf_counter` around the child) and
the median CPU time of the child (user + system, from ``os.wait4``), each minus the bare
interpreter's. On a
machine shared with other work the CPU time is the steadier figure. ``--before SRC`` runs the
same measures with ``PYTHONPATH=SRC`` (e.g. ``git archive`` of an older commit's ``src``) in
the same run, for a before/after comparison (``--after SRC`` for another tree than the one
installed).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence

FIRST_DEADLINE = (
    "import datetime as dt, zoneinfo\n"
    "from layanan_aduan import WorkingTime, indonesian_calendar\n"
    "engine = WorkingTime(indonesian_calendar())\n"
    "start = dt.datetime(2026, 1, 9, 15, tzinfo=zoneinfo.ZoneInfo('Asia/Jakarta'))\n"
    "assert engine.add(start, dt.timedelta(hours=3)).at.hour == 10\n"
)
MEASURES: dict[str, list[str]] = {
    "bare interpreter": ["-c", "pass"],
    "import layanan_aduan": ["-c", "import layanan_aduan"],
    "first deadline": ["-c", FIRST_DEADLINE],
    "tenggat (CLI)": [
        "-c",
        "import sys\nfrom layanan_aduan.entrypoints.cli import main\n"
        "sys.exit(main(['tenggat', '2026-01-09T15:00:00+07:00']))",
    ],
}


def run(args: list[str], src: str | None) -> tuple[float, float]:
    """Wall and CPU seconds of one fresh interpreter running ``args``."""
    env = dict(os.environ)
    # As installed packages are (pip compiles them): bytecode is written once, then read.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if src is not None:
        env["PYTHONPATH"] = src
    start = time.perf_counter()
    child = subprocess.Popen(  # noqa: S603 - our own interpreter, fixed arguments
        [sys.executable, *args], env=env, stdout=subprocess.DEVNULL
    )
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        sys.exit(f"{args!r} failed with status {child.returncode}")
    return wall, usage.ru_utime + usage.ru_stime


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15, help="processes per measure (median)")
    parser.add_argument("--before", metavar="SRC", help="also measure this source tree")
    parser.add_argument(
        "--after", metavar="SRC", help="the source tree to compare with (default: the installed)"
    )
    args = parser.parse_args(argv)
    trees: dict[str, str | None] = {"this tree": args.after}
    if args.before:
        trees = {"before": args.before, "after": args.after}
    walls: dict[tuple[str, str], list[float]] = {}
    cpus: dict[tuple[str, str], list[float]] = {}
    for src in trees.values():  # untimed: writes each tree's bytecode (__pycache__)
        for argv_ in MEASURES.values():
            run(argv_, src)
    for _ in range(args.repeat):
        for tree, src in trees.items():
            for name, argv_ in MEASURES.items():
                wall, cpu = run(argv_, src)
                walls.setdefault((tree, name), []).append(wall)
                cpus.setdefault((tree, name), []).append(cpu)

    print(
        f"Start-up costs, median of {args.repeat} fresh processes, Python {sys.version.split()[0]}"
    )
    print("(each minus the bare interpreter; wall and CPU time of the child)")
    for tree in trees:
        bare_wall = statistics.median(walls[tree, "bare interpreter"])
        bare_cpu = statistics.median(cpus[tree, "bare interpreter"])
        print(
            f"  {tree}: bare interpreter {bare_wall * 1e3:.1f} ms wall, {bare_cpu * 1e3:.1f} ms CPU"
        )
        for name in list(MEASURES)[1:]:
            wall = statistics.median(walls[tree, name]) - bare_wall
            cpu = statistics.median(cpus[tree, name]) - bare_cpu
            print(f"    {name:<22} {wall * 1e3:7.1f} ms wall {cpu * 1e3:7.1f} ms CPU")
    if args.before:
        print("  after / before (CPU):")
        for name in list(MEASURES)[1:]:
            before = statistics.median(cpus["before", name]) - statistics.median(
                cpus["before", "bare interpreter"]
            )
            after = statistics.median(cpus["after", name]) - statistics.median(
                cpus["after", "bare interpreter"]
            )
            print(f"    {name:<22} {after / before:5.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
