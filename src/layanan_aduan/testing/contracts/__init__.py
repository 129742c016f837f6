"""
Contract suites: the tests every adapter of a port must pass, shipped for other systems too.

Each suite is a pytest class without the ``Test`` prefix (so pytest does not collect it by
itself). To prove an adapter, subclass the suite in a test module, name the adapter class in
``adapter`` and override the suite's fixture; every case then runs against your adapter::

    import pytest
    from layanan_aduan.testing.contracts import StorageContract
    from my_system.storage import OracleStorage

    class TestOracleStorage(StorageContract):
        adapter = OracleStorage

        @pytest.fixture
        def storage_factory(self, tmp_path):
            built = []
            def make():
                built.append(OracleStorage.open(...))  # a new, empty storage each call
                return built[-1]
            yield make
            for storage in built:
                storage.close()

Suites:

- :class:`StorageContract` for :class:`layanan_aduan.ports.Storage` (reports, units of work,
  numbers, queries, outbox, inbox, concurrency, and a hypothesis state machine);
- :class:`EvidenceStoreContract` for :class:`layanan_aduan.ports.EvidenceStore` (override
  ``evidence_store`` and ``corrupt``);
- :class:`StaffDirectoryContract` for :class:`layanan_aduan.ports.StaffRegistry` (a staff
  directory that can be changed; override ``staff_factory``).

:func:`contract_cases` lists a suite's cases, for completeness checks.

>>> "test_stale_version_conflicts_and_changes_nothing" in contract_cases(StorageContract)
True
"""

from __future__ import annotations

import os

import pytest

from layanan_aduan.testing.contracts._evidence import EvidenceStoreContract
from layanan_aduan.testing.contracts._staff import StaffDirectoryContract, StaffRegistryFactory
from layanan_aduan.testing.contracts._stateful import storage_state_machine
from layanan_aduan.testing.contracts._storage import StorageContract, StorageFactory

__all__ = [
    "CONTRACTS",
    "EvidenceStoreContract",
    "StaffDirectoryContract",
    "StaffRegistryFactory",
    "StorageContract",
    "StorageFactory",
    "contract_cases",
    "require_postgres_dsn",
    "storage_state_machine",
]

CONTRACTS: tuple[type, ...] = (StorageContract, EvidenceStoreContract, StaffDirectoryContract)


def contract_cases(contract: type) -> tuple[str, ...]:
    """
    The names of a suite's test cases, sorted.
    """
    return tuple(sorted(n for n in dir(contract) if n.startswith("test_")))


def require_postgres_dsn(variable: str = "LAYANAN_ADUAN_TEST_POSTGRES_DSN") -> str:
    """
    The PostgreSQL DSN for tests, from the environment variable ``variable``.

    Without it the calling test is skipped with the reason, except when ``CI`` is set: then it
    fails, so CI can never pass by skipping the PostgreSQL tests.
    """
    dsn = os.environ.get(variable, "").strip()
    if dsn:
        return dsn
    how = f'start a server and export {variable} (e.g. eval "$(bash .ci/postgres.sh)")'
    if os.environ.get("CI"):
        pytest.fail(f"CI is set but {variable} is not: {how}")
    pytest.skip(f"no PostgreSQL server given: {how}")
