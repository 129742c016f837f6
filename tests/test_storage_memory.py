"""
The in-memory storage adapter passes the storage contract.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from layanan_aduan.adapters.storage import InMemoryStorage
from layanan_aduan.exceptions import StorageUnavailableError
from layanan_aduan.testing.contracts import StorageContract, StorageFactory


class TestInMemoryStorage(StorageContract):
    adapter = InMemoryStorage

    @pytest.fixture
    def storage_factory(self) -> Iterator[StorageFactory]:
        built: list[InMemoryStorage] = []

        def make() -> InMemoryStorage:
            built.append(InMemoryStorage())
            return built[-1]

        yield make
        for storage in built:
            storage.close()


def test_a_second_writer_gives_up_after_the_busy_timeout() -> None:
    """A writing unit of work waits busy_timeout for another writer, then raises storage_busy."""
    storage = InMemoryStorage(busy_timeout=0.05)
    with storage.unit_of_work():
        with pytest.raises(StorageUnavailableError) as info:
            storage.unit_of_work().__enter__()
        assert info.value.code == "storage_busy"
    with storage.unit_of_work(read_only=True), storage.unit_of_work() as writer:
        writer.commit()


def test_repr_counts_reports_without_showing_them() -> None:
    """The adapter's repr says how many reports it holds, nothing more."""
    assert repr(InMemoryStorage()) == "InMemoryStorage(reports=0, closed=False)"
