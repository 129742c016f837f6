"""
Where a durable step's bytes go on SQLite: WAL frames (pages written) per step, by table and index.

Run from the repository root::

    python benchmarks/bench_step_pages.py         # 20 cases on a file holding 1,000 (about 30 s)
    python benchmarks/bench_step_pages.py --before 200 --cases 10 --statements

The five-step case of ``_case.py`` (our desk through its public service layer, on a file with the
adapter's own settings). Before each step the WAL is checkpointed and truncated; after it, every
frame of the WAL is read (its header names the page) and the page is mapped to the table or index
that owns it (SQLite's ``dbstat``). A commit writes each page it dirtied once, so the frames are
the pages the step dirtied; the SQL statements come from ``set_trace_callback``. It prints, per
step and per case, statements, frames and bytes, and the frames by B-tree (means over the cases).
"""

from __future__ import annotations

import argparse
import collections
import functools
import sqlite3
import struct
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from _case import STEP, Desk

from layanan_aduan.adapters.storage import SqliteStorage

_FRAME_HEADER, _WAL_HEADER = 24, 32


def wal_pages(wal: Path) -> tuple[list[int], int]:
    """The page number of every frame in the WAL file, and the page size."""
    data = wal.read_bytes()
    if len(data) < _WAL_HEADER:
        return [], 0
    size = struct.unpack(">I", data[8:12])[0]
    pages, offset = [], _WAL_HEADER
    while offset + _FRAME_HEADER + size <= len(data):
        pages.append(struct.unpack(">I", data[offset : offset + 4])[0])
        offset += _FRAME_HEADER + size
    return pages, size


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("--before", type=int, default=1000, help="cases on the file beforehand")
    parser.add_argument("--cases", type=int, default=20, help="cases measured")
    parser.add_argument("--statements", action="store_true", help="print one case's statements")
    args = parser.parse_args(argv)

    statements: list[str] = []
    original = SqliteStorage._connect

    def traced(self: SqliteStorage) -> sqlite3.Connection:
        conn = original(self)
        conn.set_trace_callback(statements.append)
        return conn

    SqliteStorage._connect = traced  # type: ignore[method-assign]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "pages.sqlite3"
        desk = Desk.sqlite(path)
        side = sqlite3.connect(path, isolation_level=None)
        try:
            for hook in desk.webhooks(args.before):
                desk.case(hook)
            seen: dict[str, tuple[list[str], int, collections.Counter[str]]] = {}
            page_size = 0

            def measure(name: str, step: Callable[[], Any]) -> None:
                nonlocal page_size
                side.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                statements.clear()
                step()
                desk.clock.advance(STEP)
                pages, page_size = wal_pages(Path(f"{path}-wal"))
                owner = dict(side.execute("SELECT pageno, name FROM dbstat").fetchall())
                by = collections.Counter(owner.get(p, "(free)") for p in pages)
                old = seen.get(name, ([], 0, collections.Counter()))
                kept = old[0] or list(statements)
                seen[name] = (kept, old[1] + len(pages), old[2] + by)

            d = desk.services.desk
            numbers: list[str] = []

            def ingest(hook: Any) -> None:
                (made,) = d.ingest(hook).steps
                numbers.append(str(made.number))

            for hook in desk.webhooks(args.cases):
                measure("ingest", functools.partial(ingest, hook))
                n = numbers[-1]
                measure("receive", functools.partial(d.receive, n, officer="petugas-01"))
                measure(
                    "forward",
                    functools.partial(
                        d.forward, n, officer="petugas-01", summary="Dugaan pungli di kelurahan."
                    ),
                )
                measure(
                    "give_direction",
                    functools.partial(
                        d.give_direction, n, section_head="kasi-intel-01", direction="Klarifikasi."
                    ),
                )
                measure(
                    "deliver_follow_up",
                    functools.partial(
                        d.deliver_follow_up,
                        n,
                        officer="petugas-02",
                        follow_up="Sudah diklarifikasi.",
                    ),
                )
                desk.cases += 1
        finally:
            side.close()
            desk.close()
            SqliteStorage._connect = original  # type: ignore[method-assign]

    cases = args.cases
    frame = page_size + _FRAME_HEADER
    total: collections.Counter[str] = collections.Counter()
    count = frames = 0
    print(
        f"SQLite {sqlite3.sqlite_version}, page size {page_size}; {cases} cases after {args.before}"
    )
    for name, (kept, written, by) in seen.items():
        print(
            f"  {name:<18} {len(kept):3d} statements {written / cases:6.1f} frames"
            f" {written / cases * frame / 1024:6.1f} KiB"
        )
        if args.statements:
            for text in kept:
                print(f"      {text[:110]}")
        total += by
        count += len(kept)
        frames += written
    print(
        f"  {'a case':<18} {count:3d} statements {frames / cases:6.1f} frames"
        f" {frames / cases * frame / 1024:6.1f} KiB"
    )
    print("  frames a case by B-tree:")
    for name, k in total.most_common():
        print(f"    {k / cases:6.1f}  {name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
