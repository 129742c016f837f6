"""
SQLite's page layout for the step path: append-ordered history tables (migration 12), no vault
key index, 2 KiB pages for a new file; what it keeps: every event and vault entry, one seq once.
"""

from __future__ import annotations

import sqlite3
import tempfile
from pathlib import Path

import pendulum
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from layanan_aduan.adapters.storage import SqliteStorage
from layanan_aduan.adapters.storage._migrations import shipped
from layanan_aduan.adapters.storage.sqlite import PAGE_SIZE
from layanan_aduan.exceptions import ConcurrencyConflictError
from layanan_aduan.ports import ReportProjection

T0 = pendulum.datetime(2026, 1, 9, 9, tz="Asia/Jakarta")
# The migrations before the one that makes the history tables append-ordered.
BEFORE = tuple(m for m in shipped("sqlite") if m.version < 12)


def _history(n: int, report: int) -> list[dict[str, object]]:
    return [
        {"n": k, "personal_data": {"note": f"catatan {report}-{k}"}} if k % 2 else {"n": k}
        for k in range(n)
    ]


def _save(storage: SqliteStorage, histories: list[int]) -> None:
    # Steps of the reports interleaved, one event a step, as a desk writes them.
    with storage.unit_of_work() as uow:
        versions = dict.fromkeys(range(len(histories)), 0)
        for k in range(max(histories, default=0)):
            for report, n in enumerate(histories):
                if k < n:
                    uow.reports.append(
                        f"r-{report}",
                        versions[report],
                        [_history(n, report)[k]],
                        ReportProjection("received", T0),
                    )
                    versions[report] += 1
        uow.commit()


def _read(storage: SqliteStorage, count: int) -> list[tuple[dict[str, object], ...]]:
    with storage.unit_of_work(read_only=True) as uow:
        return [uow.reports.get(f"r-{r}").events for r in range(count)]


def _indexes(path: Path) -> set[str]:
    conn = sqlite3.connect(path)
    try:
        rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'").fetchall()
    finally:
        conn.close()
    return {str(r[0]) for r in rows}


def test_a_new_file_has_two_kib_pages_and_keeps_its_durability(tmp_path: Path) -> None:
    """A new database file is made with 2 KiB pages, still in WAL mode with synchronous=FULL."""
    path = tmp_path / "a.sqlite3"
    with SqliteStorage.open(path) as storage, storage.unit_of_work(read_only=True) as uow:
        assert uow.execute("PRAGMA page_size").fetchone()[0] == PAGE_SIZE == 2048
        assert uow.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert uow.execute("PRAGMA synchronous").fetchone()[0] == 2


def test_an_existing_file_keeps_its_page_size(tmp_path: Path) -> None:
    """A file made with SQLite's 4 KiB pages is opened and migrated without changing them."""
    path = tmp_path / "old.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA page_size=4096")
    conn.execute("CREATE TABLE t (x)")  # fixes the page size of the file
    conn.execute("DROP TABLE t")
    conn.close()
    with SqliteStorage.open(path) as storage, storage.unit_of_work(read_only=True) as uow:
        assert uow.execute("PRAGMA page_size").fetchone()[0] == 4096


def test_the_vault_has_no_key_index_and_history_tables_have_their_unique_key(
    tmp_path: Path,
) -> None:
    """The unused vault index is gone; events and vault entries are unique on (report_id, seq)."""
    path = tmp_path / "a.sqlite3"
    SqliteStorage.open(path).close()
    names = _indexes(path)
    assert "report_personal_key" not in names
    conn = sqlite3.connect(path)
    try:
        for table in ("report_events", "report_personal"):
            unique = [
                [c[2] for c in conn.execute(f"PRAGMA index_info('{row[1]}')")]
                for row in conn.execute(f"PRAGMA index_list('{table}')")
                if row[2] == 1
            ]
            assert unique == [["report_id", "seq"]]
    finally:
        conn.close()


def test_a_second_event_of_one_seq_is_refused_as_a_conflict(tmp_path: Path) -> None:
    """An event row already at the next seq makes the append a conflict that writes nothing."""
    with SqliteStorage.open(tmp_path / "a.sqlite3") as storage:
        _save(storage, [1])
        with storage.unit_of_work() as uow:
            # A stray event at seq 2 (the projection still says version 1).
            uow.execute(
                "INSERT INTO report_events (report_id, seq, payload) VALUES ('r-0', 2, '{}')"
            )
            uow.commit()
        with storage.unit_of_work() as uow:
            with pytest.raises(ConcurrencyConflictError):
                uow.reports.append("r-0", 1, [{"n": 1}], ReportProjection("forwarded", T0))
            assert uow.reports.get("r-0").version == 1
            assert uow.reports.get("r-0").projection.state == "received"


def test_upgrading_keeps_every_event_and_vault_entry(tmp_path: Path) -> None:
    """A file written before migration 12 reads the same events and personal data after it."""
    path = tmp_path / "a.sqlite3"
    histories = [3, 1, 4]
    with SqliteStorage.open(path, migrations=BEFORE) as storage:
        _save(storage, histories)
        before = _read(storage, len(histories))
    assert "report_personal_key" in _indexes(path)
    with SqliteStorage.open(path) as storage:
        assert _read(storage, len(histories)) == before
        with storage.unit_of_work() as uow:
            uow.reports.append("r-1", 1, [{"n": 9}], ReportProjection("forwarded", T0))
            uow.commit()
        assert _read(storage, 2)[1][-1] == {"n": 9}
    assert "report_personal_key" not in _indexes(path)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.integers(min_value=1, max_value=5), min_size=1, max_size=4))
def test_the_migration_keeps_any_history_byte_for_byte(histories: list[int]) -> None:
    """For any set of interleaved histories, migration 12 keeps every row's text and seq."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "a.sqlite3"
        with SqliteStorage.open(path, migrations=BEFORE) as storage:
            _save(storage, histories)
        query = (
            "SELECT 'e', report_id, seq, payload FROM report_events UNION ALL "
            "SELECT 'p', report_id, seq, sealed FROM report_personal ORDER BY 1, 2, 3"
        )
        conn = sqlite3.connect(path)
        rows = conn.execute(query).fetchall()
        conn.close()
        with SqliteStorage.open(path) as storage, storage.unit_of_work(read_only=True) as uow:
            assert uow.execute(query).fetchall() == rows
            assert [uow.reports.get(f"r-{r}").events for r in range(len(histories))] == [
                tuple(_history(n, r)) for r, n in enumerate(histories)
            ]


def test_a_step_reads_the_report_row_once(tmp_path: Path) -> None:
    """A load then a save in one unit of work reads the reports row once, not again to write."""
    with SqliteStorage.open(tmp_path / "a.sqlite3") as storage:
        _save(storage, [2])
        with storage.unit_of_work() as uow:
            statements: list[str] = []
            uow.connection().set_trace_callback(statements.append)
            uow.reports.get("r-0")
            uow.reports.append("r-0", 2, [{"n": 2}], ReportProjection("forwarded", T0))
            uow.connection().set_trace_callback(None)
            uow.commit()
        reads = [s for s in statements if s.startswith("SELECT") and "FROM reports" in s]
        assert len(reads) == 1
        with storage.unit_of_work(read_only=True) as uow:
            assert uow.reports.get("r-0").projection.state == "forwarded"


def test_a_row_changed_after_the_load_is_read_again(tmp_path: Path) -> None:
    """A statement that changes rows after the load makes the save read the row again."""
    with SqliteStorage.open(tmp_path / "a.sqlite3") as storage:
        _save(storage, [1])
        with storage.unit_of_work() as uow:
            uow.reports.get("r-0")
            uow.execute("UPDATE reports SET kind = 'laporan' WHERE report_id = 'r-0'")
            # The projection says no kind: the column must be written back to NULL.
            uow.reports.append("r-0", 1, [{"n": 1}], ReportProjection("received", T0))
            uow.commit()
        with storage.unit_of_work(read_only=True) as uow:
            assert uow.reports.get("r-0").projection.kind is None


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=2),
            st.sampled_from(["received", "forwarded", "directed"]),
            st.sampled_from([None, "aduan", "laporan"]),
            st.booleans(),
        ),
        min_size=1,
        max_size=8,
    )
)
def test_the_stored_projection_is_the_last_one_saved(
    steps: list[tuple[int, str, str | None, bool]],
) -> None:
    """Loads and saves of several reports in one unit of work leave each its last projection."""
    with (
        tempfile.TemporaryDirectory() as tmp,
        SqliteStorage.open(Path(tmp) / "a.sqlite3") as storage,
    ):
        _save(storage, [1, 1, 1])
        last: dict[str, ReportProjection] = {}
        with storage.unit_of_work() as uow:
            for report, state, kind, load in steps:
                report_id = f"r-{report}"
                version = uow.reports.get(report_id).version if load else None
                if version is None:
                    (row,) = uow.execute(
                        "SELECT version FROM reports WHERE report_id = ?", (report_id,)
                    ).fetchall()
                    version = int(row[0])
                projection = ReportProjection(state, T0, kind=kind)
                uow.reports.append(report_id, version, [{"n": version}], projection)
                last[report_id] = projection
            uow.commit()
        with storage.unit_of_work(read_only=True) as uow:
            for report_id, projection in last.items():
                stored = uow.reports.get(report_id).projection
                assert (stored.state, stored.kind) == (projection.state, projection.kind)
