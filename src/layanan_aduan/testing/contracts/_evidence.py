"""
The contract every :class:`layanan_aduan.ports.EvidenceStore` adapter must pass.
"""

# ruff: noqa: S101 - a pytest suite: assertions are its checks; hypothesis rules take their draws as arguments

from __future__ import annotations

import hashlib
import io
import threading
from typing import Any, ClassVar

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from layanan_aduan.exceptions import (
    EvidenceCorruptedError,
    EvidenceNotFoundError,
    StorageInputError,
)
from layanan_aduan.ports import EvidenceStore

__all__ = ["EvidenceStoreContract"]

_PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


class EvidenceStoreContract:
    """
    Contract cases for a :class:`layanan_aduan.ports.EvidenceStore` adapter.

    Subclass it as ``TestMyEvidenceStore(EvidenceStoreContract)``, set ``adapter`` to the
    adapter's class, and override the ``evidence_store`` fixture (a new, empty store) and the
    :meth:`corrupt` method (change the stored bytes of a digest behind the store's back, as a
    failing disk or an intruder would).
    """

    adapter: ClassVar[type[Any]]

    @pytest.fixture
    def evidence_store(self) -> EvidenceStore:
        """
        Override: return a new, empty store of ``adapter``.
        """
        raise NotImplementedError("override the evidence_store fixture")

    def corrupt(self, store: Any, digest: str) -> None:
        """
        Override: change the bytes stored under ``digest`` without going through the port.
        """
        raise NotImplementedError("override corrupt()")

    def test_implements_the_port(self, evidence_store: EvidenceStore) -> None:
        """The store is an instance of its adapter class and satisfies the port; ping() answers."""
        assert isinstance(evidence_store, self.adapter)
        assert isinstance(evidence_store, EvidenceStore)
        evidence_store.ping()

    def test_put_returns_the_sha256_and_get_returns_the_bytes(
        self, evidence_store: EvidenceStore
    ) -> None:
        """put() names the bytes by their lowercase hex SHA-256; get() returns them unchanged."""
        digest = evidence_store.put(_PNG)
        assert digest == hashlib.sha256(_PNG).hexdigest()
        assert evidence_store.contains(digest)
        assert evidence_store.get(digest) == _PNG

    # Each adapter's subclass runs this same method: differing executors are the design here.
    @settings(
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.differing_executors,
        ],
        deadline=None,
    )
    @given(data=st.binary(max_size=4096))
    def test_any_bytes_come_back(self, evidence_store: EvidenceStore, data: bytes) -> None:
        """Any bytes, empty included, are stored and read back equal."""
        assert evidence_store.get(evidence_store.put(data)) == data

    def test_put_is_idempotent(self, evidence_store: EvidenceStore) -> None:
        """Storing the same bytes twice gives the same digest and one readable file."""
        first = evidence_store.put(b"%PDF-1.7")
        assert evidence_store.put(b"%PDF-1.7") == first
        assert evidence_store.get(first) == b"%PDF-1.7"

    def test_delete_removes_the_file_once(self, evidence_store: EvidenceStore) -> None:
        """delete() removes the file (True), then finds none (False); other files stay."""
        gone = evidence_store.put(b"%PDF-1.7 KTP")
        kept = evidence_store.put(b"%PDF-1.7 surat")
        assert evidence_store.delete(gone) is True
        assert not evidence_store.contains(gone)
        with pytest.raises(EvidenceNotFoundError):
            evidence_store.get(gone)
        assert evidence_store.delete(gone) is False
        assert evidence_store.get(kept) == b"%PDF-1.7 surat"
        with pytest.raises(StorageInputError):
            evidence_store.delete("../etc/passwd")

    def test_missing_digest_is_not_found(self, evidence_store: EvidenceStore) -> None:
        """get() of a well-formed digest that was never stored raises EvidenceNotFoundError."""
        digest = hashlib.sha256(b"never stored").hexdigest()
        assert not evidence_store.contains(digest)
        with pytest.raises(EvidenceNotFoundError) as info:
            evidence_store.get(digest)
        assert isinstance(info.value, LookupError)
        assert info.value.code == "evidence_not_found"

    @pytest.mark.parametrize(
        "digest",
        [
            "../../etc/passwd",
            "A" * 64,
            "0" * 63,
            "0" * 65,
            "/" + "0" * 63,
            "0" * 62 + "/.",
            "",
            "g" * 64,
        ],
    )
    def test_names_are_only_validated_digests(
        self, evidence_store: EvidenceStore, digest: str
    ) -> None:
        """Anything but 64 lowercase hex characters is refused before touching storage."""
        for call in (evidence_store.get, evidence_store.contains):
            with pytest.raises(StorageInputError) as info:
                call(digest)
            assert info.value.code == "invalid_evidence_digest"

    def test_content_must_be_bytes(self, evidence_store: EvidenceStore) -> None:
        """put() refuses text and other non-bytes content."""
        with pytest.raises(StorageInputError) as info:
            evidence_store.put("teks")  # type: ignore[arg-type]  # the refusal is the point
        assert info.value.code == "invalid_evidence_content"

    def test_corrupted_bytes_are_detected_on_read(self, evidence_store: EvidenceStore) -> None:
        """Bytes changed behind the store's back raise EvidenceCorruptedError on every read."""
        digest = evidence_store.put(_PNG)
        self.corrupt(evidence_store, digest)
        for _ in range(2):
            with pytest.raises(EvidenceCorruptedError) as info:
                evidence_store.get(digest)
            assert info.value.code == "evidence_corrupted"
            assert info.value.details["digest"] == digest
            assert info.value.details["actual_digest"] != digest

    def test_putting_good_bytes_again_repairs_a_corrupted_file(
        self, evidence_store: EvidenceStore
    ) -> None:
        """Storing the original bytes again replaces a corrupted copy."""
        digest = evidence_store.put(_PNG)
        self.corrupt(evidence_store, digest)
        assert evidence_store.put(_PNG) == digest
        assert evidence_store.get(digest) == _PNG

    def test_concurrent_puts_are_safe(self, evidence_store: EvidenceStore) -> None:
        """Threads storing the same and different bytes at once all read back correctly."""
        blobs = [_PNG, b"%PDF-1.7 a", b"%PDF-1.7 b"] * 4
        barrier = threading.Barrier(len(blobs))
        digests: list[str] = []
        lock = threading.Lock()

        def put(data: bytes) -> None:
            barrier.wait()
            d = evidence_store.put(data)
            with lock:
                digests.append(d)

        threads = [threading.Thread(target=put, args=(b,)) for b in blobs]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        assert len(digests) == len(blobs)
        for data in set(blobs):
            assert evidence_store.get(hashlib.sha256(data).hexdigest()) == data

    # Each adapter's subclass runs this same method: differing executors are the design here.
    @settings(
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.differing_executors,
        ],
        deadline=None,
    )
    @given(data=st.binary(max_size=4096), skip=st.integers(min_value=0, max_value=16))
    def test_put_stream_stores_what_put_stores(
        self, evidence_store: EvidenceStore, data: bytes, skip: int
    ) -> None:
        """put_stream() stores the bytes from the stream's position to its end, under the
        same digest put() gives them, and reads them back equal."""
        stream = io.BytesIO(b"x" * skip + data)
        stream.seek(skip)
        digest = evidence_store.put_stream(stream)
        assert digest == hashlib.sha256(data).hexdigest()
        assert evidence_store.get(digest) == data
        assert evidence_store.put(data) == digest

    def test_put_stream_reads_a_large_file_in_pieces(self, evidence_store: EvidenceStore) -> None:
        """A stream of several megabytes is read in pieces of bounded size, never whole."""
        data = bytes(range(256)) * (3 * 4096 + 7)  # 3 MiB and a little
        reads: list[int] = []

        class Recorder(io.BytesIO):
            def read(self, size: int | None = -1) -> bytes:
                reads.append(-1 if size is None else size)
                return super().read(size)

        digest = evidence_store.put_stream(Recorder(data))
        assert digest == hashlib.sha256(data).hexdigest()
        assert evidence_store.get(digest) == data
        assert reads
        assert all(0 < size <= 1024 * 1024 for size in reads)

    def test_put_stream_repairs_a_corrupted_file(self, evidence_store: EvidenceStore) -> None:
        """Streaming the original bytes again replaces a corrupted copy."""
        digest = evidence_store.put(_PNG)
        self.corrupt(evidence_store, digest)
        assert evidence_store.put_stream(io.BytesIO(_PNG)) == digest
        assert evidence_store.get(digest) == _PNG

    @pytest.mark.parametrize("stream", ["teks", io.StringIO("teks"), b"bytes", None])
    def test_put_stream_needs_a_binary_file(
        self, evidence_store: EvidenceStore, stream: object
    ) -> None:
        """put_stream() refuses text, text files and anything that is not a binary file."""
        with pytest.raises(StorageInputError) as info:
            evidence_store.put_stream(stream)  # type: ignore[arg-type]  # the refusal is the point
        assert info.value.code == "invalid_evidence_content"
