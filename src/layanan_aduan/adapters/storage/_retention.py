"""
The record of retention runs (:class:`layanan_aduan.ports.RetentionRuns`) in memory and SQL.

A run names reports by id and number only; its policy, counts and reports are stored as JSON
text. Each call is its own transaction.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from layanan_aduan.adapters.storage import _common as c
from layanan_aduan.exceptions import InvalidTypeError, StorageInputError
from layanan_aduan.ports.storage import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, RetentionRun

if TYPE_CHECKING:
    from layanan_aduan.adapters.storage._sql import SqlStorage, SqlUnitOfWork

__all__ = ["MemoryRetentionRuns", "SqlRetentionRuns"]

_COLUMNS = "run_id, started_at, finished_at, actor_id, office, dry_run, policy, counts, reports"


def _check_run(run: object) -> RetentionRun:
    if not isinstance(run, RetentionRun):
        raise InvalidTypeError(
            "Pelaksanaan retensi harus RetentionRun.",
            "A retention run must be a RetentionRun.",
            field="run",
        )
    for field, value in (("policy", run.policy), ("reports", list(run.reports))):
        try:
            json.dumps(value, allow_nan=False)
        except (TypeError, ValueError):
            raise StorageInputError(
                f"Nilai {field} pelaksanaan retensi harus dapat ditulis sebagai JSON.",
                f"A retention run's {field} must be JSON values.",
                code="invalid_json",
                field=field,
            ) from None
    return run


def _check_page(limit: object, before: object) -> tuple[int, int | None]:
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_PAGE_SIZE:
        raise StorageInputError(
            f"limit harus bilangan bulat 1 sampai {MAX_PAGE_SIZE}.",
            f"limit must be an integer from 1 to {MAX_PAGE_SIZE}.",
            code="invalid_limit",
            field="limit",
        )
    if before is not None and (isinstance(before, bool) or not isinstance(before, int)):
        raise InvalidTypeError(
            "before harus bilangan bulat.", "before must be an integer.", field="before"
        )
    return limit, before


def _json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


class MemoryRetentionRuns:
    """
    Retention runs held in memory (for :class:`InMemoryStorage`); safe between threads.
    """

    def __init__(self, check_open: Callable[[], None]) -> None:
        self._check_open = check_open
        self._lock = threading.Lock()
        self._rows: list[str] = []

    def record(self, run: RetentionRun) -> int:
        checked = _check_run(run)
        self._check_open()
        with self._lock:
            run_id = len(self._rows) + 1
            # Kept as JSON text, as SQL keeps it: what is read back is a copy.
            self._rows.append(_json(_to_row(attrs.evolve(checked, run_id=run_id))))
        return run_id

    def recent(
        self,
        *,
        office: str | None = None,
        limit: int = DEFAULT_PAGE_SIZE,
        before: int | None = None,
    ) -> list[RetentionRun]:
        n, start = _check_page(limit, before)
        if office is not None:
            c.check_text(office, "office")
        self._check_open()
        with self._lock:
            rows = [_from_row(json.loads(r)) for r in reversed(self._rows)]
        picked = [
            r
            for r in rows
            if (office is None or r.office == office)
            and (start is None or (r.run_id is not None and r.run_id < start))
        ]
        return picked[:n]


def _to_row(run: RetentionRun) -> dict[str, Any]:
    return {
        "run_id": run.run_id,
        "started_at": run.started_at.isoformat(),
        "finished_at": run.finished_at.isoformat(),
        "actor_id": run.actor_id,
        "office": run.office,
        "dry_run": run.dry_run,
        "policy": run.policy,
        "counts": run.counts,
        "reports": list(run.reports),
    }


def _from_row(row: dict[str, Any]) -> RetentionRun:
    return RetentionRun(
        run_id=row["run_id"],
        started_at=dt.datetime.fromisoformat(row["started_at"]),
        finished_at=dt.datetime.fromisoformat(row["finished_at"]),
        actor_id=row["actor_id"],
        office=row["office"],
        dry_run=row["dry_run"],
        policy=row["policy"],
        counts=row["counts"],
        reports=row["reports"],
    )


class SqlRetentionRuns:
    """
    Retention runs in the ``retention_runs`` table of a SQL storage.
    """

    def __init__(self, storage: SqlStorage) -> None:
        self._storage = storage

    @staticmethod
    def _row(uow: SqlUnitOfWork, row: Sequence[Any]) -> RetentionRun:
        d = uow._dialect
        return RetentionRun(
            run_id=int(row[0]),
            started_at=d.read_instant(row[1]),
            finished_at=d.read_instant(row[2]),
            actor_id=str(row[3]),
            office=row[4],
            dry_run=bool(row[5]),
            policy=json.loads(row[6]),
            counts=json.loads(row[7]),
            reports=json.loads(row[8]),
        )

    def record(self, run: RetentionRun) -> int:
        checked = _check_run(run)
        with self._storage.unit_of_work() as uow:
            d = uow._dialect
            row = uow.execute(
                "INSERT INTO retention_runs (started_at, finished_at, actor_id, office, dry_run, "
                "policy, counts, reports) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING run_id",
                (
                    d.instant(checked.started_at),
                    d.instant(checked.finished_at),
                    checked.actor_id,
                    checked.office,
                    checked.dry_run,
                    _json(checked.policy),
                    _json(checked.counts),
                    _json(list(checked.reports)),
                ),
            ).fetchone()
            uow.commit()
        return int(row[0])

    def recent(
        self,
        *,
        office: str | None = None,
        limit: int = DEFAULT_PAGE_SIZE,
        before: int | None = None,
    ) -> list[RetentionRun]:
        n, start = _check_page(limit, before)
        clauses: list[str] = []
        params: list[Any] = []
        if office is not None:
            clauses.append("office = ?")
            params.append(c.check_text(office, "office"))
        if start is not None:
            clauses.append("run_id < ?")
            params.append(start)
        where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
        with self._storage.unit_of_work(read_only=True) as uow:
            rows = uow.execute(
                f"SELECT {_COLUMNS} FROM retention_runs{where} "  # noqa: S608 - constant columns and clauses
                "ORDER BY run_id DESC LIMIT ?",
                (*params, n),
            ).fetchall()
            return [self._row(uow, r) for r in rows]
