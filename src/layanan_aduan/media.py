"""
Inbound media files, fetched to a private temporary file: :class:`FetchedMedia`.

A :class:`~layanan_aduan.messaging.MediaFetcher` answers a :class:`FetchedMedia`: the bytes
of one media file written, as they arrive, to a temporary file of their own (mode 0600, in a
new directory of mode 0700), with their SHA-256 computed on the way and the size limit
checked on every piece. A file of any size thus costs a few pieces of memory, never its
whole size. Read it through :meth:`FetchedMedia.open` (a new binary file each time); close
it, or use it as a context manager, to delete the file. One left open is deleted when it is
garbage-collected or when the interpreter exits.

>>> media = FetchedMedia(
...     "2754859441498128", [b"%PDF-1.7\\n", b"1 0 obj <<>> endobj\\n%%EOF\\n"],
...     "application/pdf", max_bytes=1024,
... )
>>> media
FetchedMedia(media_id='2754859441498128', mime_type='application/pdf', size=35)
>>> with media, media.open() as f:
...     f.read(8)
b'%PDF-1.7'
>>> media.closed
True
>>> FetchedMedia("2754859441498129", [b"x" * 600, b"x" * 600], "image/png", max_bytes=1000)
Traceback (most recent call last):
...
layanan_aduan.exceptions.MediaTooLargeError: Media lebih besar dari batas 1000 bita.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import os
import weakref
from collections.abc import Iterable
from pathlib import Path
from types import TracebackType
from typing import IO, Final

from layanan_aduan._files import open_private, private_temp_dir
from layanan_aduan.exceptions import (
    InvalidTypeError,
    MediaClosedError,
    MediaSpoolError,
    MediaTooLargeError,
)

__all__ = ["SPOOL_PREFIX", "FetchedMedia", "media_too_large"]

#: The name of every temporary directory a :class:`FetchedMedia` makes starts with this.
SPOOL_PREFIX: Final = "layanan-aduan-media-"
_FILE_NAME: Final = "media"
_CREATE: Final = (
    os.O_WRONLY
    | os.O_CREAT
    | os.O_EXCL
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_CLOEXEC", 0)
)


def media_too_large(limit: int, size: int | None = None) -> MediaTooLargeError:
    """
    The error for a media file larger than ``limit`` bytes (``size`` when it is known).

    >>> media_too_large(1000, 5000).details
    {'limit': 1000, 'size': 5000}
    """
    return MediaTooLargeError(
        f"Media lebih besar dari batas {limit} bita.",
        f"The media is larger than the limit of {limit} bytes.",
        field="media_id",
        details={"limit": limit, "size": size},
    )


def _remove(directory: str) -> None:
    # Delete the spool directory and its one file; what is already gone is not an error.
    with contextlib.suppress(FileNotFoundError):
        os.unlink(os.path.join(directory, _FILE_NAME))
    with contextlib.suppress(FileNotFoundError):
        os.rmdir(directory)


def _wrong_type(field: str, expected: str, expected_en: str, value: object) -> InvalidTypeError:
    return InvalidTypeError(
        f"{field} harus berupa {expected}.",
        f"{field} must be {expected_en}.",
        field=field,
        details={"type": type(value).__name__},
    )


class FetchedMedia:
    """
    The bytes of an inbound media file, in a private temporary file.

    Building one writes ``chunks`` to the file, piece by piece: the SHA-256 is computed on
    the way (never taken from the provider), and the file is refused with
    :class:`~layanan_aduan.exceptions.MediaTooLargeError` as soon as more than ``max_bytes``
    have arrived. A refused or failed write leaves no file behind, and an error raised by
    ``chunks`` itself (a dropped connection) goes through unchanged.

    Args:
        media_id: The media id it was fetched by.
        chunks: The bytes, in pieces as they arrive.
        mime_type: The MIME type the provider reports (never used for a decision: the
            evidence checks read the bytes).
        max_bytes: The most bytes accepted (inclusive).
        reported_sha256: The hash the provider reported (opaque: hex or base64), or ``None``.
        directory: Where to make the private temporary directory (default: the system's
            temporary directory, ``$TMPDIR``).

    Attributes:
        media_id: As given.
        mime_type: As given.
        size: The number of bytes.
        sha256: Their SHA-256, lowercase hex (computed here).
        reported_sha256: As given.

    Raises:
        MediaTooLargeError: More than ``max_bytes`` bytes arrived.
        MediaSpoolError: The temporary file could not be written (retryable).
        InvalidTypeError: ``max_bytes`` is not a non-negative integer, or a piece not bytes.
    """

    def __init__(
        self,
        media_id: str,
        chunks: Iterable[bytes],
        mime_type: str,
        *,
        max_bytes: int,
        reported_sha256: str | None = None,
        directory: str | os.PathLike[str] | None = None,
    ) -> None:
        if isinstance(max_bytes, bool) or not isinstance(max_bytes, int) or max_bytes < 0:
            raise _wrong_type("max_bytes", "bilangan bulat >= 0", "an integer >= 0", max_bytes)
        self.media_id = media_id
        self.mime_type = mime_type
        self.reported_sha256 = reported_sha256
        try:
            spool = private_temp_dir(prefix=SPOOL_PREFIX, directory=directory)
        except OSError as e:
            raise self._spool_failed(e) from e
        self._directory = spool
        self._finalizer = weakref.finalize(self, _remove, spool)
        try:
            self.size, self.sha256 = self._write(chunks, max_bytes)
        except BaseException:
            self._finalizer()
            raise

    def _write(self, chunks: Iterable[bytes], max_bytes: int) -> tuple[int, str]:
        digest = hashlib.sha256()
        size = 0
        try:
            fd = open_private(os.path.join(self._directory, _FILE_NAME), _CREATE)
        except OSError as e:
            raise self._spool_failed(e) from e
        with os.fdopen(fd, "wb") as file:
            for chunk in chunks:
                if not isinstance(chunk, bytes | bytearray | memoryview):
                    raise _wrong_type("chunks", "bytes", "bytes", chunk)
                size += len(chunk)
                if size > max_bytes:
                    raise media_too_large(max_bytes)
                digest.update(chunk)
                try:
                    file.write(chunk)
                except OSError as e:
                    raise self._spool_failed(e) from e
            try:
                file.flush()
            except OSError as e:
                raise self._spool_failed(e) from e
        return size, digest.hexdigest()

    @staticmethod
    def _spool_failed(error: OSError) -> MediaSpoolError:
        return MediaSpoolError(
            "Berkas media tidak dapat ditulis ke berkas sementara; coba lagi nanti.",
            "The media file cannot be written to a temporary file; retry later.",
            details={"error": type(error).__name__},
        )

    @classmethod
    def from_bytes(
        cls,
        media_id: str,
        content: bytes,
        mime_type: str,
        *,
        reported_sha256: str | None = None,
        directory: str | os.PathLike[str] | None = None,
    ) -> FetchedMedia:
        """
        The media holding ``content`` (for adapters that have the bytes at hand).
        """
        if not isinstance(content, bytes | bytearray | memoryview):
            raise _wrong_type("content", "bytes", "bytes", content)
        return cls(
            media_id,
            (bytes(content),),
            mime_type,
            max_bytes=len(content),
            reported_sha256=reported_sha256,
            directory=directory,
        )

    @property
    def closed(self) -> bool:
        """
        Whether the media is closed (its temporary file deleted).
        """
        return not self._finalizer.alive

    @property
    def path(self) -> Path:
        """
        The temporary file (mode 0600, alone in a directory of mode 0700).

        Raises:
            MediaClosedError: The media is closed.
        """
        if self.closed:
            raise MediaClosedError(
                "Berkas media sudah ditutup dan dihapus.",
                "The media file is closed and deleted.",
                field="media",
            )
        return Path(self._directory, _FILE_NAME)

    def open(self) -> IO[bytes]:
        """
        A new binary file reading the bytes from the start; close it after use.

        Raises:
            MediaClosedError: The media is closed.
        """
        return self.path.open("rb")

    def read_bytes(self) -> bytes:
        """
        All the bytes at once (for small files: prefer :meth:`open` and read in pieces).

        Raises:
            MediaClosedError: The media is closed.
        """
        return self.path.read_bytes()

    def close(self) -> None:
        """
        Delete the temporary file and its directory; closing again does nothing.
        """
        self._finalizer()

    def __enter__(self) -> FetchedMedia:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @property
    def reported_hash_matches(self) -> bool | None:
        """
        Whether the reported hash equals the bytes', in hex or base64; ``None`` if none
        was reported.
        """
        if self.reported_sha256 is None:
            return None
        digest = bytes.fromhex(self.sha256)
        forms = {self.sha256, base64.b64encode(digest).decode("ascii")}
        forms.add(base64.urlsafe_b64encode(digest).decode("ascii"))
        return self.reported_sha256.strip() in forms | {f.rstrip("=") for f in forms}

    def __repr__(self) -> str:
        return (
            f"FetchedMedia(media_id={self.media_id!r}, mime_type={self.mime_type!r}, "
            f"size={self.size})"
        )
