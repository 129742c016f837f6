"""
Every storage and evidence adapter runs every contract case: the matrix is complete.
"""

from __future__ import annotations

import importlib.util
import inspect
from pathlib import Path
from types import ModuleType

import pytest

import layanan_aduan.adapters.evidence_store as evidence_adapters
import layanan_aduan.adapters.staff as staff_adapters
import layanan_aduan.adapters.storage as storage_adapters
from layanan_aduan.testing.contracts import (
    CONTRACTS,
    EvidenceStoreContract,
    StaffDirectoryContract,
    StorageContract,
    contract_cases,
)

TESTS = Path(__file__).parent
MODULES = sorted(
    p
    for p in [
        *TESTS.glob("test_storage_*.py"),
        *TESTS.glob("test_evidence_store*.py"),
        *TESTS.glob("test_staff_directory*.py"),
    ]
    if p.name != Path(__file__).name
)


def _load(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"_matrix_{path.stem}", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _suites() -> list[tuple[str, type, type]]:
    """(module, test class, contract) for every contract subclass in the adapter test modules."""
    found = []
    for path in MODULES:
        for _, cls in inspect.getmembers(_load(path), inspect.isclass):
            for contract in CONTRACTS:
                if issubclass(cls, contract) and cls is not contract:
                    found.append((path.name, cls, contract))
    return found


def _shipped(module: ModuleType, members: tuple[str, ...]) -> set[type]:
    """The public adapter classes of a module: those having every member of the port."""
    classes = (getattr(module, name) for name in module.__all__)
    return {
        c
        for c in classes
        if inspect.isclass(c) and not inspect.isabstract(c) and all(hasattr(c, m) for m in members)
    }


SUITES = _suites()


def test_every_shipped_adapter_runs_its_contract() -> None:
    """Each storage and evidence adapter the package ships has a test class running its contract."""
    storage = _shipped(storage_adapters, ("unit_of_work", "outbox", "ping", "close"))
    evidence = _shipped(evidence_adapters, ("put", "get", "contains", "ping"))
    assert storage == {
        storage_adapters.InMemoryStorage,
        storage_adapters.SqliteStorage,
        storage_adapters.PostgresStorage,
    }
    assert len(evidence) == 2
    tested = {(cls.adapter, contract) for _, cls, contract in SUITES}
    missing = {
        (a.__name__, "StorageContract") for a in storage if (a, StorageContract) not in tested
    }
    missing |= {
        (a.__name__, "EvidenceStoreContract")
        for a in evidence
        if (a, EvidenceStoreContract) not in tested
    }
    assert not missing, f"adapters without a contract test class: {sorted(missing)}"


def test_every_staff_directory_runs_its_contract_on_every_database() -> None:
    """The in-memory directory and the SQL one on SQLite and on PostgreSQL run the staff
    directory contract."""
    members = ("member", "members", "by_contact", "holder", "put", "ping")
    staff = _shipped(staff_adapters, members) | _shipped(storage_adapters, members)
    assert staff == {staff_adapters.InMemoryStaffDirectory, storage_adapters.SqlStaffDirectory}
    tested = {
        (module, cls.adapter)
        for module, cls, contract in SUITES
        if contract is StaffDirectoryContract
    }
    assert tested == {
        ("test_staff_directory.py", staff_adapters.InMemoryStaffDirectory),
        ("test_staff_directory.py", storage_adapters.SqlStaffDirectory),
        ("test_storage_postgres.py", storage_adapters.SqlStaffDirectory),
    }


@pytest.mark.parametrize(
    ("module", "cls", "contract"), SUITES, ids=lambda v: getattr(v, "__name__", v)
)
def test_no_adapter_skips_a_case(module: str, cls: type, contract: type) -> None:
    """A contract test class is collected by pytest and keeps every case of its contract as is."""
    assert cls.__name__.startswith("Test"), f"{module}: {cls.__name__} is not collected"
    assert getattr(cls, "__test__", True), f"{module}: {cls.__name__} disables collection"
    overridden = [
        name
        for name in contract_cases(contract)
        if getattr(cls, name) is not getattr(contract, name)
    ]
    assert not overridden, f"{module}: {cls.__name__} overrides (drops) {overridden}"
    assert contract_cases(cls) == contract_cases(contract)


def test_the_matrix_is_not_empty() -> None:
    """The contracts have cases and the adapter modules were found (a guard on this test itself)."""
    assert len(contract_cases(StorageContract)) >= 40
    assert len(contract_cases(EvidenceStoreContract)) >= 9
    assert len(contract_cases(StaffDirectoryContract)) >= 12
    assert len(SUITES) >= 9
