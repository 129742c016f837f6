"""
The in-memory and filesystem evidence stores pass the evidence-store contract.
"""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path
from typing import Any

import pytest

from layanan_aduan.adapters.evidence_store import FilesystemEvidenceStore, InMemoryEvidenceStore
from layanan_aduan.exceptions import EvidenceCorruptedError, StorageUnavailableError
from layanan_aduan.testing.contracts import EvidenceStoreContract


class TestInMemoryEvidenceStore(EvidenceStoreContract):
    adapter = InMemoryEvidenceStore

    @pytest.fixture
    def evidence_store(self) -> InMemoryEvidenceStore:
        return InMemoryEvidenceStore()

    def corrupt(self, store: Any, digest: str) -> None:
        store._blobs[digest] = b"flipped" + store._blobs[digest][7:]


class TestFilesystemEvidenceStore(EvidenceStoreContract):
    adapter = FilesystemEvidenceStore

    @pytest.fixture
    def evidence_store(self, tmp_path: Path) -> FilesystemEvidenceStore:
        return FilesystemEvidenceStore.open(tmp_path / "evidence")

    def corrupt(self, store: Any, digest: str) -> None:
        path = store.path_of(digest)
        data = bytearray(path.read_bytes())
        data[len(data) // 2] ^= 0x01  # one flipped bit, as a failing disk would
        path.write_bytes(bytes(data))


def test_files_are_fanned_out_by_digest(tmp_path: Path) -> None:
    """The file for a digest lives at <root>/<2 hex>/<2 hex>/<digest>, and nothing else is left."""
    store = FilesystemEvidenceStore.open(tmp_path)
    digest = store.put(b"%PDF-1.7 surat")
    expected = tmp_path / digest[:2] / digest[2:4] / digest
    assert store.path_of(digest) == expected
    assert expected.read_bytes() == b"%PDF-1.7 surat"
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert files == [expected]


def test_files_are_private_to_the_owner(tmp_path: Path) -> None:
    """Evidence files are readable by their owner only (mode 0600): they are personal data."""
    store = FilesystemEvidenceStore.open(tmp_path)
    path = store.path_of(store.put(b"\xff\xd8\xff foto ktp"))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_failed_write_leaves_no_partial_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When the flush fails mid-write, neither the final file nor a temporary file remains."""
    store = FilesystemEvidenceStore.open(tmp_path)

    def failing_fsync(fd: int) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "fsync", failing_fsync)
    with pytest.raises(StorageUnavailableError):
        store.put(b"%PDF-1.7 surat")
    monkeypatch.undo()
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []
    digest = hashlib.sha256(b"%PDF-1.7 surat").hexdigest()
    assert not store.contains(digest)


def test_a_truncated_file_is_corrupted_not_short(tmp_path: Path) -> None:
    """A file cut short (e.g. a disk full after a copy) is reported corrupted on read."""
    store = FilesystemEvidenceStore.open(tmp_path)
    digest = store.put(b"%PDF-1.7 " + b"x" * 1000)
    path = store.path_of(digest)
    path.write_bytes(path.read_bytes()[:100])
    with pytest.raises(EvidenceCorruptedError) as info:
        store.get(digest)
    assert info.value.details["size"] == 100
    assert digest[:12] in str(info.value)


def test_ping_fails_when_the_root_is_gone(tmp_path: Path) -> None:
    """ping() raises StorageUnavailableError when the root directory is missing."""
    store = FilesystemEvidenceStore(tmp_path / "never-created")
    with pytest.raises(StorageUnavailableError):
        store.ping()


def test_the_constructor_does_no_io(tmp_path: Path) -> None:
    """Building the object creates nothing; open() creates the root."""
    FilesystemEvidenceStore(tmp_path / "root")
    assert not (tmp_path / "root").exists()
    FilesystemEvidenceStore.open(tmp_path / "root")
    assert (tmp_path / "root").is_dir()
