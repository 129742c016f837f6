"""
The in-memory and the SQLite staff directories pass the staff directory contract (the
PostgreSQL one runs it in test_storage_postgres.py, beside the storage contract).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from layanan_aduan.adapters.staff import InMemoryStaffDirectory
from layanan_aduan.adapters.storage import SqliteStorage, SqlStaffDirectory
from layanan_aduan.domain.staff import Assignment, StaffMember, StaffRole
from layanan_aduan.exceptions import InvalidStaffError
from layanan_aduan.testing.contracts import StaffDirectoryContract, StaffRegistryFactory


class TestInMemoryStaffDirectory(StaffDirectoryContract):
    adapter = InMemoryStaffDirectory

    @pytest.fixture
    def staff_factory(self) -> StaffRegistryFactory:
        return InMemoryStaffDirectory


class TestSqliteStaffDirectory(StaffDirectoryContract):
    adapter = SqlStaffDirectory

    @pytest.fixture
    def staff_factory(
        self, tmp_path_factory: pytest.TempPathFactory
    ) -> Iterator[StaffRegistryFactory]:
        built: list[SqliteStorage] = []

        def make() -> SqlStaffDirectory:
            path = tmp_path_factory.mktemp("staf") / "aduan.sqlite3"
            built.append(SqliteStorage.open(path))
            return built[-1].staff_directory()

        yield make
        for storage in built:
            storage.close()


def test_the_staff_directory_survives_reopening(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Members put in an SQLite file are there, dates included, after it is opened again."""
    path = tmp_path_factory.mktemp("staf") / "aduan.sqlite3"
    plh = StaffMember(
        "plh-kasi",
        "Sari Dewi",
        assignments=(
            Assignment(
                StaffRole.ACTING_SECTION_HEAD,
                "KNJP",
                starts=dt.date(2026, 1, 19),
                ends=dt.date(2026, 1, 23),
            ),
        ),
    )
    with SqliteStorage.open(path) as storage:
        storage.staff_directory().put("KNJP", plh)
    with SqliteStorage.open(path) as storage:
        assert storage.staff_directory().members("KNJP") == (plh,)


def test_the_in_memory_directory_checks_its_initial_members() -> None:
    """Building an in-memory directory with two members sharing a number is refused."""
    a = StaffMember("a", "Rina", phone="+6281311112222")
    b = StaffMember("b", "Dedi", phone="+6281311112222")
    with pytest.raises(InvalidStaffError) as info:
        InMemoryStaffDirectory({"KNJP": [a, b]})
    assert info.value.code == "duplicate_contact"
