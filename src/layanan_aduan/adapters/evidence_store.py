"""
Evidence stores: the bytes of evidence files, content-addressed by SHA-256.

Both adapters implement :class:`layanan_aduan.ports.EvidenceStore`: ``put`` returns the
lowercase hex SHA-256 digest of the bytes and storing the same bytes again changes nothing;
``put_stream`` does the same for the bytes of a binary file, read in pieces (a 100 MB scan
costs the filesystem store a megabyte of memory, not a hundred);
``get`` checks the bytes against their digest on every read and raises
``EvidenceCorruptedError`` when they no longer match. Names are always validated digests,
never anything a user sent (a file name from WhatsApp never reaches the file system).

>>> store = InMemoryEvidenceStore()
>>> digest = store.put(b"%PDF-1.7 surat aduan")
>>> digest[:16], store.get(digest)
('0c0b2712e4d28c02', b'%PDF-1.7 surat aduan')
>>> import io
>>> store.put_stream(io.BytesIO(b"%PDF-1.7 surat aduan")) == digest
True
>>> store.get("../../etc/passwd")
Traceback (most recent call last):
...
layanan_aduan.exceptions.StorageInputError: Digest bukti harus 64 karakter heksadesimal huruf kecil.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import io
import os
import re
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Final

from layanan_aduan._files import private_dir, private_temp_file
from layanan_aduan.adapters.storage import _common as c
from layanan_aduan.exceptions import (
    EvidenceCorruptedError,
    EvidenceNotFoundError,
    InvalidDurationError,
    NaiveDatetimeError,
    StorageInputError,
)

__all__ = ["DEFAULT_STALE_AFTER", "FilesystemEvidenceStore", "InMemoryEvidenceStore"]

_DIGEST = re.compile(r"[0-9a-f]{64}")
# Streams are copied in pieces of this many bytes.
_COPY = 1024 * 1024
_FAN_OUT = re.compile(r"[0-9a-f]{2}")
# The names private_temp_file (mkstemp) gives in _write_atomically and put_stream (".tmp-*.part").
_TEMPORARY = re.compile(r"\.tmp-[A-Za-z0-9_]+\.part")

#: How old a leftover temporary file must be before :class:`FilesystemEvidenceStore` deletes
#: it: far longer than any write takes, so a write in progress elsewhere is never touched.
DEFAULT_STALE_AFTER: Final = dt.timedelta(hours=1)


def _check_digest(digest: object) -> str:
    if not isinstance(digest, str) or not _DIGEST.fullmatch(digest):
        raise StorageInputError(
            "Digest bukti harus 64 karakter heksadesimal huruf kecil.",
            "An evidence digest must be 64 lowercase hexadecimal characters.",
            code="invalid_evidence_digest",
            field="digest",
        )
    return digest


def _check_bytes(data: object) -> bytes:
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise StorageInputError(
            "Isi bukti harus berupa bytes.",
            "Evidence content must be bytes.",
            code="invalid_evidence_content",
            field="data",
        )
    return bytes(data)


def _check_stream(stream: object) -> IO[bytes]:
    if not callable(getattr(stream, "read", None)) or isinstance(stream, io.TextIOBase):
        raise StorageInputError(
            "Sumber bukti harus berupa berkas biner yang dapat dibaca.",
            "The evidence source must be a readable binary file.",
            code="invalid_evidence_content",
            field="stream",
        )
    return stream  # type: ignore[return-value]  # a binary file, as far as can be checked


def _pieces(stream: IO[bytes]) -> Iterator[bytes]:
    # The stream's bytes in pieces of _COPY bytes; anything but bytes is refused.
    while True:
        piece = stream.read(_COPY)
        if not isinstance(piece, bytes | bytearray | memoryview):
            raise StorageInputError(
                "Sumber bukti harus berupa berkas biner yang dapat dibaca.",
                "The evidence source must be a readable binary file.",
                code="invalid_evidence_content",
                field="stream",
            )
        if not piece:
            return
        yield bytes(piece)


def _file_digest(path: Path) -> str:
    # The SHA-256 of a stored file, read in pieces.
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for piece in _pieces(f):
            digest.update(piece)
    return digest.hexdigest()


def _not_found(digest: str) -> EvidenceNotFoundError:
    return EvidenceNotFoundError(
        f"Berkas bukti {digest[:12]}… tidak ditemukan.",
        f"Evidence file {digest[:12]}… not found.",
        field="digest",
        details={"digest": digest},
    )


def _verified(digest: str, data: bytes) -> bytes:
    actual = hashlib.sha256(data).hexdigest()
    if actual != digest:
        raise EvidenceCorruptedError(
            f"Berkas bukti {digest[:12]}… rusak: isinya tidak cocok dengan SHA-256-nya.",
            f"Evidence file {digest[:12]}… is corrupted: its content does not match its SHA-256.",
            field="digest",
            details={"digest": digest, "actual_digest": actual, "size": len(data)},
        )
    return data


class InMemoryEvidenceStore:
    """
    Evidence bytes in memory; thread-safe. For tests, demos and single-process tools.
    """

    def __init__(self) -> None:
        self._blobs: dict[str, bytes] = {}
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"InMemoryEvidenceStore(files={len(self._blobs)})"

    def put(self, data: bytes) -> str:
        """
        Store ``data``; return its SHA-256 hex digest.
        """
        content = _check_bytes(data)
        digest = hashlib.sha256(content).hexdigest()
        with self._lock:
            existing = self._blobs.get(digest)
            # A corrupted copy is replaced by the good bytes.
            if existing is None or hashlib.sha256(existing).hexdigest() != digest:
                self._blobs[digest] = content
        return digest

    def put_stream(self, stream: IO[bytes]) -> str:
        """
        Store the bytes read from ``stream`` (to its end); return their SHA-256 hex digest.
        """
        return self.put(b"".join(_pieces(_check_stream(stream))))

    def get(self, digest: str) -> bytes:
        """
        Return the bytes stored under ``digest``, checked against it.
        """
        _check_digest(digest)
        with self._lock:
            data = self._blobs.get(digest)
        if data is None:
            raise _not_found(digest)
        return _verified(digest, data)

    def contains(self, digest: str) -> bool:
        """
        True when bytes are stored under ``digest``.
        """
        _check_digest(digest)
        with self._lock:
            return digest in self._blobs

    def delete(self, digest: str) -> bool:
        """
        Forget the bytes stored under ``digest``; True when there were some.
        """
        _check_digest(digest)
        with self._lock:
            return self._blobs.pop(digest, None) is not None

    def ping(self) -> None:
        """
        Health check: memory always answers.
        """


def _fsync_dir(path: Path) -> None:
    # A rename or a new entry is durable only once its directory is flushed (POSIX).
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _subdirectories(directory: Path) -> list[Path]:
    # Fan-out directories only (two lower-case hex digits), never through a symbolic link.
    with os.scandir(directory) as entries:
        return [
            Path(e.path)
            for e in entries
            if _FAN_OUT.fullmatch(e.name) and e.is_dir(follow_symlinks=False)
        ]


class FilesystemEvidenceStore:
    """
    Evidence files under a root directory, named by digest with two levels of fan-out.

    The file for digest ``ab12cd...`` is ``<root>/ab/12/ab12cd...``. A write goes to a temporary
    file in the same directory (in the root for :meth:`put_stream`, whose digest is known only
    at the end), is flushed (``fsync``), renamed over the final name (atomic) and the
    directories are flushed, so a crash leaves either no file or the whole file, never a
    partial one. A crash can leave the temporary ``.tmp-*.part`` file behind:
    :meth:`remove_stale_temporaries` deletes those older than a bound, and :meth:`open` does
    so when given the current instant. Files are created with mode 0600 and folders with
    mode 0700, whatever the umask (evidence is personal data).

    Build it with :meth:`open`, which creates the root directory (0700, and any missing
    parent folder 0700). An existing root open to the group or others is made private (0755
    becomes 0700) with a warning logged on ``layanan_aduan.files``, or refused with
    ``FilePermissionError`` (``file_permissions``) when another user owns it.

    Args:
        root: The directory that holds the files.
        fsync: Flush files and directories to disk (turn off only for throwaway stores).
    """

    def __init__(self, root: str | os.PathLike[str], *, fsync: bool = True) -> None:
        self.root = Path(root)
        self._fsync = fsync

    @classmethod
    def open(
        cls,
        root: str | os.PathLike[str],
        *,
        fsync: bool = True,
        now: dt.datetime | None = None,
        stale_after: dt.timedelta = DEFAULT_STALE_AFTER,
    ) -> FilesystemEvidenceStore:
        """
        Create the root directory if needed and return the store.

        With ``now`` (the current instant, from the caller's clock: the store never reads
        the wall clock), temporary files a crashed write left behind are deleted first
        (see :meth:`remove_stale_temporaries`).

        Raises:
            StorageUnavailableError: The directory cannot be created or cleaned.
            FilePermissionError: The root is open to others and another user's.
            NaiveDatetimeError: ``now`` has no time zone.
            InvalidDurationError: ``stale_after`` is not positive.
        """
        store = cls(root, fsync=fsync)
        try:
            private_dir(store.root, parents=True, what="folder bukti")
        except OSError as e:
            raise c.unavailable(type(e).__name__) from e
        store.ping()
        if now is not None:
            store.remove_stale_temporaries(now, older_than=stale_after)
        return store

    def remove_stale_temporaries(
        self, now: dt.datetime, *, older_than: dt.timedelta = DEFAULT_STALE_AFTER
    ) -> int:
        """
        Delete the temporary files of writes that never finished; return how many.

        A temporary file (``<root>/xx/yy/.tmp-*.part`` or ``<root>/.tmp-*.part``) is deleted
        when its modification
        time lies strictly more than ``older_than`` before ``now``; one as old or younger,
        or dated after ``now``, may belong to a write in progress and is kept. The age is
        judged against the given ``now`` (from the caller's clock), never the wall clock.
        Stored evidence, other files, symbolic links and anything outside the root and the
        two fan-out levels are never touched.

        Raises:
            NaiveDatetimeError: ``now`` has no time zone.
            InvalidDurationError: ``older_than`` is not positive.
            StorageUnavailableError: The directory cannot be read or a file not deleted.
        """
        if not isinstance(now, dt.datetime) or now.utcoffset() is None:
            raise NaiveDatetimeError(
                "Waktu sekarang harus memakai zona waktu.",
                "The current instant must have a time zone.",
                field="now",
            )
        if not isinstance(older_than, dt.timedelta) or older_than <= dt.timedelta(0):
            raise InvalidDurationError(
                "Batas umur berkas sementara harus lebih dari 0.",
                "The age bound for temporary files must be more than 0.",
                field="older_than",
            )
        cutoff = now.timestamp() - older_than.total_seconds()
        removed = 0
        try:
            for path in self._temporaries():
                try:
                    if path.lstat().st_mtime < cutoff:
                        path.unlink()
                        removed += 1
                except FileNotFoundError:  # renamed or removed meanwhile by another process
                    continue
        except OSError as e:
            raise c.unavailable(type(e).__name__) from e
        return removed

    def _temporaries(self) -> list[Path]:
        found: list[Path] = []
        with os.scandir(self.root) as entries:  # put_stream's, before the digest is known
            found.extend(
                Path(e.path)
                for e in entries
                if _TEMPORARY.fullmatch(e.name) and e.is_file(follow_symlinks=False)
            )
        for first in _subdirectories(self.root):
            for second in _subdirectories(first):
                with os.scandir(second) as entries:
                    found.extend(
                        Path(e.path)
                        for e in entries
                        if _TEMPORARY.fullmatch(e.name) and e.is_file(follow_symlinks=False)
                    )
        return found

    def __repr__(self) -> str:
        return f"FilesystemEvidenceStore(root={str(self.root)!r})"

    def path_of(self, digest: str) -> Path:
        """
        The file that holds ``digest`` (whether or not it exists).
        """
        _check_digest(digest)
        return self.root / digest[:2] / digest[2:4] / digest

    def put(self, data: bytes) -> str:
        """
        Store ``data`` atomically; return its SHA-256 hex digest.
        """
        content = _check_bytes(data)
        digest = hashlib.sha256(content).hexdigest()
        path = self.path_of(digest)
        try:
            if path.is_file() and _file_digest(path) == digest:
                return digest
            self._make_dirs(path.parent)
            self._write_atomically(path, [content])
        except OSError as e:
            raise c.unavailable(type(e).__name__) from e
        return digest

    def put_stream(self, stream: IO[bytes]) -> str:
        """
        Store the bytes read from ``stream`` (to its end) atomically, copied in pieces of
        1 MiB; return their SHA-256 hex digest, computed while copying.

        The bytes go to a temporary file in the root directory first (the digest, hence the
        final name, is known only at the end), then are renamed into place.
        """
        source = _check_stream(stream)
        digest = hashlib.sha256()
        try:
            fd, tmp = private_temp_file(self.root, prefix=".tmp-", suffix=".part")
            try:
                with os.fdopen(fd, "wb") as f:
                    for piece in _pieces(source):
                        digest.update(piece)
                        f.write(piece)
                    f.flush()
                    if self._fsync:
                        os.fsync(f.fileno())
                path = self.path_of(digest.hexdigest())
                if path.is_file() and _file_digest(path) == digest.hexdigest():
                    os.unlink(tmp)
                    return digest.hexdigest()
                self._make_dirs(path.parent)
                os.replace(tmp, path)
            except BaseException:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(tmp)
                raise
            if self._fsync:
                _fsync_dir(path.parent)
                _fsync_dir(self.root)
        except OSError as e:
            raise c.unavailable(type(e).__name__) from e
        return digest.hexdigest()

    def get(self, digest: str) -> bytes:
        """
        Return the bytes stored under ``digest``, checked against it.
        """
        path = self.path_of(digest)
        try:
            data = path.read_bytes()
        except FileNotFoundError as e:
            raise _not_found(digest) from e
        except OSError as e:
            raise c.unavailable(type(e).__name__) from e
        return _verified(digest, data)

    def contains(self, digest: str) -> bool:
        """
        True when a file is stored under ``digest`` (its content is checked on :meth:`get`).
        """
        return self.path_of(digest).is_file()

    def delete(self, digest: str) -> bool:
        """
        Unlink the file stored under ``digest`` and flush its folder; True when there was one.
        """
        path = self.path_of(digest)
        try:
            path.unlink()
        except FileNotFoundError:
            return False
        except OSError as e:
            raise c.unavailable(type(e).__name__) from e
        if self._fsync:
            _fsync_dir(path.parent)
        return True

    def ping(self) -> None:
        """
        Health check: the root is a directory this process can write into.
        """
        if not self.root.is_dir() or not os.access(self.root, os.W_OK | os.X_OK):
            raise c.unavailable("evidence_root_not_writable")

    def _make_dirs(self, directory: Path) -> None:
        missing = []
        d = directory
        while not d.is_dir():
            missing.append(d)
            if d == self.root:
                break
            d = d.parent
        for d in reversed(missing):
            private_dir(d, what="folder bukti")
            if self._fsync:
                _fsync_dir(d.parent)

    def _write_atomically(self, path: Path, pieces: Iterable[bytes]) -> None:
        fd, tmp = private_temp_file(path.parent, prefix=".tmp-", suffix=".part")
        try:
            with os.fdopen(fd, "wb") as f:
                for piece in pieces:
                    f.write(piece)
                f.flush()
                if self._fsync:
                    os.fsync(f.fileno())
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise
        if self._fsync:
            _fsync_dir(path.parent)
