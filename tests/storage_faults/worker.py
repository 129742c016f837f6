"""
A separate process for the storage fault tests (run by tests/test_storage_faults.py, not pytest).

Usage: ``python worker.py '<json>'``. The JSON names the storage (``{"sqlite": path}`` or
``{"postgres": dsn, "schema": name}``), a ``mode``, a ``report_id`` and a ``dir`` for the files
that coordinate with the test:

- ``race``: load the report, perform step 2 (receive) on it, write ``<name>.ready``, wait for
  ``go``, save; print ``saved`` or ``conflict``.
- ``pause``: perform step 2 inside a unit of work (events and outbox message written, not
  committed), write ``paused`` and sleep: the test SIGKILLs it mid-transaction.
- ``committed``: perform step 2, commit, write ``committed`` and sleep until killed.
- ``loop``: append one chained event and one outbox message per unit of work, forever,
  printing each committed event's seq: the test SIGKILLs it at a random moment.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

import pendulum

from layanan_aduan.adapters.holidays_id import indonesian_calendar
from layanan_aduan.adapters.storage import PostgresStorage, SqliteStorage
from layanan_aduan.domain.history import Event
from layanan_aduan.domain.report import Actor
from layanan_aduan.domain.worktime import WorkingTime
from layanan_aduan.exceptions import ConcurrencyConflictError
from layanan_aduan.ports import ReportProjection, Storage
from layanan_aduan.service_layer.report_stream import load_report, project, save_report

T0 = pendulum.datetime(2026, 1, 9, 9, tz="Asia/Jakarta")


def _open(config: dict[str, Any]) -> Storage:
    if "sqlite" in config:
        return SqliteStorage.open(config["sqlite"], busy_timeout=30)
    return PostgresStorage.open(config["postgres"], schema=config["schema"], max_size=1)


def _wait_for(path: Path) -> None:
    while not path.exists():
        time.sleep(0.005)


def main() -> None:
    config = json.loads(sys.argv[1])
    where = Path(config["dir"])
    rid = config["report_id"]
    storage = _open(config)
    officer = Actor(config.get("officer", "196801011990031001"), "officer")
    mode = config["mode"]
    if mode in {"race", "pause", "committed"}:
        working_time = WorkingTime(indonesian_calendar())
        with storage.unit_of_work(read_only=True) as uow:
            report = load_report(uow.reports, rid)
        report.receive(at=T0.add(minutes=5), actor=officer)
        if mode == "race":
            (where / f"{config['name']}.ready").touch()
            _wait_for(where / "go")
        try:
            with storage.unit_of_work() as uow:
                save_report(uow.reports, report, project(report, working_time))
                uow.outbox.put(f"step:{rid}:2", {"by": officer.id}, created_at=T0, report_id=rid)
                if mode == "pause":
                    (where / "paused").touch()
                    time.sleep(600)
                uow.commit()
        except ConcurrencyConflictError:
            print("conflict", flush=True)
            return
        print("saved", flush=True)
        if mode == "committed":
            (where / "committed").touch()
            time.sleep(600)
        return
    if mode == "loop":
        while True:
            with storage.unit_of_work() as uow:
                stored = uow.reports.get(rid)
                last = Event.from_dict(stored.events[-1])
                event = Event.record(
                    last,
                    report_id=rid,
                    action="note",
                    actor_id=officer.id,
                    actor_role="officer",
                    at=T0,
                    from_state="noted",
                    to_state="noted",
                    payload={"n": last.seq + 1},
                )
                projection = ReportProjection("noted", T0, head_hash=event.hash)
                uow.reports.append(rid, stored.version, [event.to_dict()], projection)
                uow.outbox.put(f"step:{rid}:{event.seq}", {"seq": event.seq}, created_at=T0)
                uow.commit()
            print(event.seq, flush=True)
    raise SystemExit(f"unknown mode {mode!r}")


if __name__ == "__main__":
    main()
