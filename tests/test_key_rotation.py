"""
Rotating the personal-data key while the desk serves: old values open under the new keyring,
re-sealing moves everything to the new key (and a database started without a key to its first
one), reporters stay findable throughout, and the old key can then be retired.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pendulum
import pytest

from layanan_aduan import examples
from layanan_aduan.adapters.data_keys import StaticKeyring
from layanan_aduan.adapters.evidence_store import InMemoryEvidenceStore
from layanan_aduan.adapters.field_cipher import AesGcmFieldCipher, PlainFieldCipher
from layanan_aduan.adapters.messaging import InMemoryMediaFetcher, InMemoryMessenger
from layanan_aduan.adapters.staff import InMemoryStaffDirectory
from layanan_aduan.adapters.storage import InMemoryStorage, PostgresStorage, SqliteStorage
from layanan_aduan.adapters.whatsapp.inbound import parse_webhook
from layanan_aduan.clock import FixedClock
from layanan_aduan.domain.staff import Assignment, StaffMember, StaffRole
from layanan_aduan.exceptions import PersonalDataUnreadableError
from layanan_aduan.ports import FieldCipher, Storage
from layanan_aduan.service_layer.bootstrap import Services, compose
from layanan_aduan.testing.contracts import require_postgres_dsn

OLD, NEW = bytes(range(32)), bytes(range(1, 33))
T0 = pendulum.datetime(2026, 1, 12, 2, 5, tz="UTC")
PHONE = "+6281234567890"


def _aes(*keys: bytes) -> AesGcmFieldCipher:
    return AesGcmFieldCipher(StaticKeyring(list(keys)))


class Place:
    """One database, opened again with whatever cipher a step of the rotation holds."""

    def __init__(self, kind: str, tmp_path: Path) -> None:
        self.kind = kind
        self.db = tmp_path / "aduan.sqlite3"
        self.schema = f"rotation_{uuid.uuid4().hex[:12]}"
        self.memory: InMemoryStorage | None = None
        self.opened: list[Storage] = []

    def open(self, cipher: FieldCipher) -> Storage:
        storage: Storage
        if self.kind == "memory":
            if self.memory is None:
                self.memory = InMemoryStorage(cipher=cipher)
            self.memory.cipher = cipher
            storage = self.memory
        elif self.kind == "sqlite":
            storage = SqliteStorage.open(self.db, cipher=cipher)
        else:
            storage = PostgresStorage.open(
                require_postgres_dsn(), schema=self.schema, max_size=2, cipher=cipher
            )
        self.opened.append(storage)
        return storage

    def desk(self, cipher: FieldCipher) -> Services:
        media = InMemoryMediaFetcher()
        media.put("1480000000000001", examples.screenshot_png(), "image/png")
        officer = StaffMember(
            "petugas-01",
            "Rina",
            phone="+6281311112222",
            assignments=(Assignment(StaffRole.OFFICER, "KNJP"),),
        )
        head = StaffMember(
            "kasi-01",
            "Andi",
            phone="+6281100002222",
            assignments=(Assignment(StaffRole.SECTION_HEAD, "KNJP"),),
        )
        return compose(
            business_numbers=("106540352242922",),
            storage=self.open(cipher),
            evidence=InMemoryEvidenceStore(),
            messenger=InMemoryMessenger(),
            media=media,
            clock=FixedClock(T0),
            staff=InMemoryStaffDirectory({"KNJP": [officer, head]}),
        )

    def close(self) -> None:
        for storage in self.opened:
            if isinstance(storage, PostgresStorage) and storage is self.opened[-1]:
                storage.drop_schema()
        if self.kind != "memory":
            for storage in self.opened:
                storage.close()


@pytest.fixture(
    params=["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)],
)
def place(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Place]:
    built = Place(request.param, tmp_path)
    yield built
    built.close()


def _found(storage: Storage) -> int:
    with storage.unit_of_work(read_only=True) as uow:
        return len(uow.reports.by_reporter(phone=PHONE).items)


def _readable(storage: Storage, number: str) -> bool:
    with storage.unit_of_work(read_only=True) as uow:
        stored = uow.reports.get_by_number(number)
    return any("personal_data" in e for e in stored.events)


@pytest.mark.parametrize("first", ["key", "none"], ids=["old-key", "no-key"])
def test_a_rotation_moves_everything_to_the_new_key_while_serving(place: Place, first: str) -> None:
    """Old values open under the new keyring and are re-sealed in batches; the reporter is
    found throughout; after re-sealing the old key (or no key) is no longer needed."""
    before: FieldCipher = _aes(OLD) if first == "key" else PlainFieldCipher()
    services = place.desk(before)
    (step,) = services.desk.ingest(parse_webhook(examples.whatsapp_webhook())).steps
    number = step.number
    assert number is not None
    services.dispatcher.run()
    old_id = before.key_id
    rotated = place.desk(_aes(NEW, OLD) if first == "key" else _aes(NEW))
    storage = rotated.storage
    assert _readable(storage, number)
    assert _found(storage) == 1
    assert rotated.desk.reseal_personal_data(batch=1).remaining == {}
    # A second run finds nothing left to do.
    again = rotated.desk.reseal_personal_data()
    assert (again.resealed, again.reindexed, again.remaining) == (0, 0, {})
    retired = place.desk(_aes(NEW))
    assert _readable(retired.storage, number)
    assert _found(retired.storage) == 1
    assert old_id not in retired.storage.sealed_by_key()  # type: ignore[attr-defined]
    if place.kind != "memory":
        for cipher in (_aes(OLD), PlainFieldCipher()):
            with pytest.raises(PersonalDataUnreadableError):
                _readable(place.open(cipher), number)


def test_a_key_the_keyring_no_longer_holds_is_a_typed_refusal(place: Place) -> None:
    """Retiring a key before re-sealing leaves its values unreadable: a typed error names the
    key, and re-sealing refuses rather than guess."""
    services = place.desk(_aes(OLD))
    (step,) = services.desk.ingest(parse_webhook(examples.whatsapp_webhook())).steps
    number = step.number
    assert number is not None
    early = place.desk(_aes(NEW))
    with pytest.raises(PersonalDataUnreadableError) as info:
        _readable(early.storage, number)
    assert info.value.code == "personal_data_key_unknown"
    with pytest.raises(PersonalDataUnreadableError):
        early.desk.reseal_personal_data()
