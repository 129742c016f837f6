"""
Storage adapters for reports, their histories, the outbox and the inbox.

- :class:`InMemoryStorage`: in memory, thread-safe; tests, demos, single-process tools.
- :class:`SqliteStorage`: one SQLite file, the embedded default for a single machine.
- :class:`PostgresStorage`: a shared PostgreSQL database (install ``layanan-aduan[postgres]``);
  imported on first use, so the extra is needed only by those who use it.

A system that extends the schema opens a storage with
``migrations=[*shipped_migrations("sqlite"), *its_own]`` (each a :class:`Migration`).

Every adapter implements :class:`layanan_aduan.ports.Storage` and passes the contract suite in
``layanan_aduan.testing.contracts``. The SQL storages also keep the offices' staff directories:
``storage.staff_directory()`` gives a :class:`SqlStaffDirectory`
(:class:`layanan_aduan.ports.StaffRegistry`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from layanan_aduan.adapters.storage._migrations import Migration
from layanan_aduan.adapters.storage._migrations import shipped as shipped_migrations
from layanan_aduan.adapters.storage._staff import SqlStaffDirectory
from layanan_aduan.adapters.storage.memory import InMemoryStorage
from layanan_aduan.adapters.storage.sqlite import SqliteStorage

if TYPE_CHECKING:
    from layanan_aduan.adapters.storage.postgres import PostgresStorage

__all__ = [
    "InMemoryStorage",
    "Migration",
    "PostgresStorage",
    "SqlStaffDirectory",
    "SqliteStorage",
    "shipped_migrations",
]


def __getattr__(name: str) -> Any:
    # psycopg is an optional extra: import the PostgreSQL adapter only when asked for.
    if name == "PostgresStorage":
        from layanan_aduan.adapters.storage.postgres import PostgresStorage

        return PostgresStorage
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
