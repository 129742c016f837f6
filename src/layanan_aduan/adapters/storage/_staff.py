"""
The staff directory kept in an SQL storage's database (SQLite or PostgreSQL).

Tables ``staff_members`` and ``staff_assignments`` (migration 3). Get one with
``storage.staff_directory()``; every call is its own unit of work of the storage.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from layanan_aduan.adapters.staff import StaffRegistryChecks, _duplicate_contact
from layanan_aduan.adapters.storage._sql import UniqueViolation
from layanan_aduan.domain.staff import Assignment, StaffMember

if TYPE_CHECKING:
    from layanan_aduan.adapters.storage._sql import SqlStorage, SqlUnitOfWork

__all__ = ["SqlStaffDirectory"]

_MEMBER_COLUMNS = "staff_id, name, phone, whatsapp_user_id"
_ASSIGNMENT_COLUMNS = "staff_id, role, role_office, starts, ends"


def _read_date(value: Any) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.date):
        return dt.date(value.year, value.month, value.day)
    return dt.date.fromisoformat(value)


class SqlStaffDirectory(StaffRegistryChecks):
    """
    Offices' staff in the storage's database (see
    :class:`layanan_aduan.ports.StaffRegistry`). Thread-safe as the storage is.

    >>> import pathlib, tempfile
    >>> from layanan_aduan.adapters.storage import SqliteStorage
    >>> from layanan_aduan.domain.staff import Assignment, StaffMember
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "aduan.sqlite3"
    >>> with SqliteStorage.open(path) as storage:
    ...     staff = storage.staff_directory()
    ...     staff.put("KNJP", StaffMember("petugas-01", "Rina Wulandari",
    ...               assignments=(Assignment("officer", "KNJP"),)))
    ...     [m.staff_id for m in staff.members("KNJP")]
    ['petugas-01']
    """

    def __init__(self, storage: SqlStorage) -> None:
        self._storage = storage

    def __repr__(self) -> str:
        return f"SqlStaffDirectory(storage={type(self._storage).__name__})"

    def ping(self) -> None:
        self._storage.ping()

    def _date(self, uow: SqlUnitOfWork, value: dt.date | None) -> Any:
        if value is None:
            return None
        # SQLite keeps ISO text (its date adapter is deprecated); PostgreSQL a date.
        return value.isoformat() if uow._dialect.name == "sqlite" else value

    def _load(
        self, uow: SqlUnitOfWork, office: str, where: str = "", params: Sequence[Any] = ()
    ) -> tuple[StaffMember, ...]:
        rows = uow.execute(
            f"SELECT {_MEMBER_COLUMNS} FROM staff_members WHERE office = ?{where} "  # noqa: S608 - constant columns and clause
            "ORDER BY staff_id",
            (office, *params),
        ).fetchall()
        if not rows:
            return ()
        ids = [r[0] for r in rows]
        marks = ", ".join("?" for _ in ids)
        found: dict[str, list[Assignment]] = {i: [] for i in ids}
        for sid, role, role_office, starts, ends in uow.execute(
            f"SELECT {_ASSIGNMENT_COLUMNS} FROM staff_assignments "  # noqa: S608 - constant columns, placeholders only
            f"WHERE office = ? AND staff_id IN ({marks}) ORDER BY staff_id, seq",
            (office, *ids),
        ).fetchall():
            found[sid].append(Assignment(role, role_office, _read_date(starts), _read_date(ends)))
        return tuple(
            StaffMember(r[0], r[1], phone=r[2], whatsapp_user_id=r[3], assignments=found[r[0]])
            for r in rows
        )

    def _member(self, office: str, staff_id: str) -> StaffMember | None:
        with self._storage.unit_of_work(read_only=True) as uow:
            found = self._load(uow, office, " AND staff_id = ?", (staff_id,))
        return found[0] if found else None

    def _members(self, office: str) -> tuple[StaffMember, ...]:
        with self._storage.unit_of_work(read_only=True) as uow:
            return self._load(uow, office)

    def _by_contact(
        self, office: str, phone: str | None, user_id: str | None
    ) -> StaffMember | None:
        with self._storage.unit_of_work(read_only=True) as uow:
            for column, value in (("phone", phone), ("whatsapp_user_id", user_id)):
                if value is None:
                    continue
                found = self._load(uow, office, f" AND {column} = ?", (value,))
                if found:
                    return found[0]
        return None

    def _put(self, office: str, member: StaffMember) -> None:
        m = member
        with self._storage.unit_of_work() as uow:
            for column, value in (("phone", m.phone), ("whatsapp_user_id", m.whatsapp_user_id)):
                if value is None:
                    continue
                taken = uow.execute(
                    f"SELECT 1 FROM staff_members WHERE office = ? AND {column} = ? "  # noqa: S608 - constant column
                    "AND staff_id <> ?",
                    (office, value, m.staff_id),
                ).fetchone()
                if taken is not None:
                    raise _duplicate_contact(column)
            try:
                uow.execute(
                    "DELETE FROM staff_assignments WHERE office = ? AND staff_id = ?",
                    (office, m.staff_id),
                )
                uow.execute(
                    f"INSERT INTO staff_members (office, {_MEMBER_COLUMNS}) "  # noqa: S608 - constant columns
                    "VALUES (?, ?, ?, ?, ?) ON CONFLICT (office, staff_id) DO UPDATE SET "
                    "name = excluded.name, phone = excluded.phone, "
                    "whatsapp_user_id = excluded.whatsapp_user_id",
                    (office, m.staff_id, m.name, m.phone, m.whatsapp_user_id),
                )
                uow.executemany(
                    "INSERT INTO staff_assignments "
                    "(office, staff_id, seq, role, role_office, starts, ends) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [
                        (
                            office,
                            m.staff_id,
                            seq,
                            a.role.value,
                            a.office,
                            self._date(uow, a.starts),
                            self._date(uow, a.ends),
                        )
                        for seq, a in enumerate(m.assignments, start=1)
                    ],
                )
            except UniqueViolation as e:
                # Another writer registered the same number or user id first.
                raise _duplicate_contact("phone") from e
            uow.commit()

    def _remove(self, office: str, staff_id: str) -> bool:
        with self._storage.unit_of_work() as uow:
            uow.execute(
                "DELETE FROM staff_assignments WHERE office = ? AND staff_id = ?",
                (office, staff_id),
            )
            cur = uow.execute(
                "DELETE FROM staff_members WHERE office = ? AND staff_id = ?", (office, staff_id)
            )
            removed = bool(cur.rowcount == 1)
            uow.commit()
        return removed
