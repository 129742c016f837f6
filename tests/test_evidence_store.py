"""
The in-memory and filesystem evidence stores pass the evidence-store contract.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from layanan_aduan.adapters.evidence_store import FilesystemEvidenceStore, InMemoryEvidenceStore
from layanan_aduan.adapters.messaging import InMemoryMediaFetcher, InMemoryMessenger
from layanan_aduan.clock import FixedClock
from layanan_aduan.exceptions import (
    EvidenceCorruptedError,
    InvalidDurationError,
    NaiveDatetimeError,
    StorageUnavailableError,
)
from layanan_aduan.service_layer.bootstrap import bootstrap, evidence_dir_for
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


# --- leftovers of crashed writes --------------------------------------------------------------

NOW = pendulum.datetime(2026, 1, 12, 2, 0, tz="UTC")
HOUR = 3600


def _aged(path: Path, seconds_before_now: float) -> Path:
    """Give ``path`` a modification time ``seconds_before_now`` before NOW (no wall clock)."""
    stamp = NOW.timestamp() - seconds_before_now
    os.utime(path, (stamp, stamp), follow_symlinks=False)
    return path


def _leftover(root: Path, name: str, age: float, fan_out: str = "ab/cd") -> Path:
    directory = root / fan_out
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_bytes(b"%PDF-1.7 half a file")
    return _aged(path, age)


def test_a_crash_mid_write_leaves_a_temporary_that_a_later_open_deletes(tmp_path: Path) -> None:
    """A process killed between write and rename leaves a .tmp-*.part file; open(now=…) an hour
    later deletes it and the evidence can be stored again."""
    root = tmp_path / "bukti"
    crash = (
        "import os, sys\n"
        "from layanan_aduan.adapters.evidence_store import FilesystemEvidenceStore\n"
        "store = FilesystemEvidenceStore.open(sys.argv[1])\n"
        "os.replace = lambda *args: os._exit(0)  # the process dies before the rename\n"
        "store.put(b'%PDF-1.7 surat')\n"
    )
    subprocess.run([sys.executable, "-c", crash, str(root)], check=True)  # noqa: S603 - fixed script
    (leftover,) = [p for p in root.rglob("*") if p.is_file()]
    assert leftover.name.startswith(".tmp-")
    assert leftover.name.endswith(".part")
    _aged(leftover, 2 * HOUR)
    store = FilesystemEvidenceStore.open(root, now=NOW)
    assert not leftover.exists()
    digest = store.put(b"%PDF-1.7 surat")
    assert [p for p in root.rglob("*") if p.is_file()] == [store.path_of(digest)]


def test_a_crash_mid_stream_leaves_a_temporary_in_the_root_that_open_deletes(
    tmp_path: Path,
) -> None:
    """A process killed while put_stream copies leaves a .tmp-*.part file in the root; open(now=…)
    an hour later deletes it and nothing half-written is ever taken for evidence."""
    root = tmp_path / "bukti"
    crash = (
        "import io, os, sys\n"
        "from layanan_aduan.adapters.evidence_store import FilesystemEvidenceStore\n"
        "store = FilesystemEvidenceStore.open(sys.argv[1])\n"
        "class Dying(io.BytesIO):\n"
        "    def read(self, size=-1):\n"
        "        if self.tell():\n"
        "            os._exit(0)  # the process dies after the first piece\n"
        "        return super().read(size)\n"
        "store.put_stream(Dying(b'%PDF-1.7 surat' * 200_000))\n"
    )
    subprocess.run([sys.executable, "-c", crash, str(root)], check=True)  # noqa: S603 - fixed script
    (leftover,) = [p for p in root.rglob("*") if p.is_file()]
    assert leftover.parent == root
    assert leftover.name.startswith(".tmp-")
    _aged(leftover, 2 * HOUR)
    FilesystemEvidenceStore.open(root, now=NOW)
    assert [p for p in root.rglob("*") if p.is_file()] == []


@given(
    st.lists(
        st.tuples(
            st.sampled_from(
                [".tmp-a1b2c3.part", ".tmp-Zz_9.part", ".tmp-x.part.bak", "tmp-a.part"]
            ),
            st.integers(-3 * HOUR, 3 * HOUR),
            st.sampled_from(["ab/cd", "00/ff", "zz/cd", "ab", "."]),
        ),
        max_size=8,
        unique_by=lambda t: (t[0], t[2]),
    )
)
def test_only_temporaries_older_than_the_bound_are_deleted(
    tmp_path_factory: pytest.TempPathFactory, files: list[tuple[str, int, str]]
) -> None:
    """Exactly the mkstemp-named files in fan-out directories or the root (put_stream's) aged
    strictly more than the bound before now are deleted and counted; stored evidence, other
    names and places are kept."""
    root = tmp_path_factory.mktemp("bukti")
    store = FilesystemEvidenceStore.open(root)
    kept_evidence = _aged(store.path_of(store.put(b"%PDF-1.7 lama")), 5 * HOUR)
    paths = {_leftover(root, name, age, where): (name, age, where) for name, age, where in files}
    removed = store.remove_stale_temporaries(NOW, older_than=pendulum.duration(hours=1))
    expected_gone = {
        p
        for p, (name, age, where) in paths.items()
        if name.endswith(".part")
        and name.startswith(".tmp-")
        and where in ("ab/cd", "00/ff", ".")
        and age > HOUR
    }
    assert removed == len(expected_gone)
    for path in paths:
        assert path.exists() == (path not in expected_gone)
    assert kept_evidence.exists()


def test_a_temporary_exactly_at_the_bound_or_from_the_future_is_kept(tmp_path: Path) -> None:
    """A file aged exactly the bound, or dated after now (clock skew), may be a live write."""
    store = FilesystemEvidenceStore.open(tmp_path)
    at_bound = _leftover(tmp_path, ".tmp-bound.part", HOUR)
    future = _leftover(tmp_path, ".tmp-future.part", -HOUR)
    assert store.remove_stale_temporaries(NOW, older_than=pendulum.duration(hours=1)) == 0
    assert at_bound.exists()
    assert future.exists()


def test_open_without_now_deletes_nothing(tmp_path: Path) -> None:
    """Without an instant the store cannot judge age, so open() leaves every file alone."""
    leftover = _leftover(tmp_path, ".tmp-old.part", 100 * HOUR)
    FilesystemEvidenceStore.open(tmp_path)
    assert leftover.exists()


def test_a_symbolic_link_named_like_a_temporary_is_not_followed(tmp_path: Path) -> None:
    """A link named .tmp-*.part (and its target) is never deleted: only regular files are."""
    target = tmp_path / "elsewhere.pdf"
    target.write_bytes(b"%PDF-1.7 not ours")
    (tmp_path / "bukti" / "ab" / "cd").mkdir(parents=True)
    link = tmp_path / "bukti" / "ab" / "cd" / ".tmp-link.part"
    link.symlink_to(target)
    _aged(link, 5 * HOUR)
    _aged(target, 5 * HOUR)
    FilesystemEvidenceStore.open(tmp_path / "bukti", now=NOW)
    assert link.is_symlink()
    assert target.exists()


def test_clean_up_refuses_a_naive_now_and_a_non_positive_bound(tmp_path: Path) -> None:
    """A naive instant or a bound of zero or less is a typed refusal, and nothing is deleted."""
    leftover = _leftover(tmp_path, ".tmp-old.part", 5 * HOUR)
    store = FilesystemEvidenceStore.open(tmp_path)
    with pytest.raises(NaiveDatetimeError) as naive:
        store.remove_stale_temporaries(dt.datetime(2026, 1, 12, 9, 0))
    assert (naive.value.code, naive.value.field) == ("naive_datetime", "now")
    with pytest.raises(InvalidDurationError) as bound:
        FilesystemEvidenceStore.open(tmp_path, now=NOW, stale_after=dt.timedelta(0))
    assert (bound.value.code, bound.value.field) == ("invalid_duration", "older_than")
    assert leftover.exists()


def test_bootstrap_cleans_up_with_its_clock(tmp_path: Path) -> None:
    """bootstrap() deletes stale temporaries of its evidence store, aged by the given clock."""
    leftover = _leftover(evidence_dir_for(tmp_path / "db.sqlite3"), ".tmp-old.part", 2 * HOUR)
    fresh = _leftover(evidence_dir_for(tmp_path / "db.sqlite3"), ".tmp-new.part", 60)
    with bootstrap(
        tmp_path / "db.sqlite3",
        messenger=InMemoryMessenger(),
        media=InMemoryMediaFetcher(),
        clock=FixedClock(NOW),
    ):
        assert not leftover.exists()
        assert fresh.exists()
