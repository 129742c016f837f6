"""
Tests of FetchedMedia: media bytes streamed into a private temporary file, hashed and
size-checked while written, deleted when closed, leaving nothing behind when refused.
"""

from __future__ import annotations

import gc
import hashlib
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from layanan_aduan.exceptions import (
    InvalidTypeError,
    MediaClosedError,
    MediaSpoolError,
    MediaTooLargeError,
    MessagingRetryLaterError,
)
from layanan_aduan.media import SPOOL_PREFIX, FetchedMedia, media_too_large


def leftovers(directory: Path) -> list[str]:
    """What a FetchedMedia left in ``directory``."""
    return sorted(p.name for p in directory.iterdir())


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    pieces=st.lists(st.binary(max_size=300), max_size=12),
    limit=st.integers(min_value=0, max_value=2000),
)
def test_accepted_exactly_when_the_bytes_fit_the_limit(
    tmp_path: Path, pieces: list[bytes], limit: int
) -> None:
    """Bytes are accepted when they add up to at most the limit (inclusive), with their own
    size and SHA-256; refused otherwise; either way nothing is left once it is over."""
    data = b"".join(pieces)
    spool = tmp_path / "spool"
    spool.mkdir(exist_ok=True)
    if len(data) > limit:
        with pytest.raises(MediaTooLargeError) as caught:
            FetchedMedia("1", pieces, "image/png", max_bytes=limit, directory=spool)
        assert caught.value.details == {"limit": limit, "size": None}
    else:
        with FetchedMedia("1", pieces, "image/png", max_bytes=limit, directory=spool) as media:
            assert (media.size, media.sha256) == (len(data), hashlib.sha256(data).hexdigest())
            assert media.read_bytes() == data
            assert leftovers(spool) == [media.path.parent.name]
    assert leftovers(spool) == []


def test_the_limit_stops_reading_at_the_first_piece_past_it(tmp_path: Path) -> None:
    """An endless source is read only until the limit is passed."""
    taken: list[int] = []

    def endless() -> Iterator[bytes]:
        while True:
            taken.append(1)
            yield b"x" * 1000

    with pytest.raises(MediaTooLargeError):
        FetchedMedia("1", endless(), "application/pdf", max_bytes=10_000, directory=tmp_path)
    assert len(taken) == 11
    assert leftovers(tmp_path) == []


def test_the_temporary_file_is_private(tmp_path: Path) -> None:
    """The file is 0600, alone in a new 0700 directory named with the library's prefix."""
    with FetchedMedia.from_bytes("1", b"%PDF-1.7", "application/pdf", directory=tmp_path) as m:
        assert stat.S_IMODE(m.path.stat().st_mode) == 0o600
        assert stat.S_IMODE(m.path.parent.stat().st_mode) == 0o700
        assert m.path.parent.name.startswith(SPOOL_PREFIX)
        assert m.path.parent.parent == tmp_path


def test_a_source_that_fails_leaves_nothing_and_its_error_goes_through(tmp_path: Path) -> None:
    """An error raised by the source itself (a dropped connection) is not replaced, and the
    bytes written so far are deleted."""

    def broken() -> Iterator[bytes]:
        yield b"%PDF-1.7"
        raise ConnectionResetError("peer gone")

    with pytest.raises(ConnectionResetError):
        FetchedMedia("1", broken(), "application/pdf", max_bytes=100, directory=tmp_path)
    assert leftovers(tmp_path) == []


def test_pieces_that_are_not_bytes_are_refused(tmp_path: Path) -> None:
    """Text among the pieces is a typed refusal, and nothing is left."""
    with pytest.raises(InvalidTypeError):
        FetchedMedia("1", [b"ab", "cd"], "image/png", max_bytes=100, directory=tmp_path)  # type: ignore[list-item]
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("limit", [-1, True, 1.5, None])
def test_the_limit_must_be_a_count_of_bytes(tmp_path: Path, limit: object) -> None:
    """A limit that is not a non-negative integer is a typed refusal before anything is made."""
    with pytest.raises(InvalidTypeError):
        FetchedMedia("1", [b"ab"], "image/png", max_bytes=limit, directory=tmp_path)  # type: ignore[arg-type]
    assert leftovers(tmp_path) == []


def test_a_spool_directory_that_cannot_be_written_is_retryable(tmp_path: Path) -> None:
    """A temporary directory that is missing gives MediaSpoolError, a retry-later error."""
    with pytest.raises(MediaSpoolError) as caught:
        FetchedMedia("1", [b"ab"], "image/png", max_bytes=100, directory=tmp_path / "gone")
    assert isinstance(caught.value, MessagingRetryLaterError)
    assert caught.value.retryable
    assert caught.value.code == "media_spool_failed"


def test_closing_deletes_and_reading_after_is_refused(tmp_path: Path) -> None:
    """Closing deletes the file and its directory (twice is harmless); reading it after is
    MediaClosedError."""
    media = FetchedMedia.from_bytes("1", b"abc", "image/png", directory=tmp_path)
    with media.open() as f:
        assert f.read() == b"abc"
    media.close()
    media.close()
    assert media.closed
    assert leftovers(tmp_path) == []
    for read in (media.open, media.read_bytes):
        with pytest.raises(MediaClosedError):
            read()


def test_a_forgotten_media_is_deleted_when_collected(tmp_path: Path) -> None:
    """A media never closed is deleted when it is garbage-collected."""
    media = FetchedMedia.from_bytes("1", b"abc", "image/png", directory=tmp_path)
    assert leftovers(tmp_path) != []
    del media
    gc.collect()
    assert leftovers(tmp_path) == []


def test_the_repr_names_no_content(tmp_path: Path) -> None:
    """The repr shows the id, type and size, never the bytes or the path."""
    with FetchedMedia.from_bytes(
        "77", b"NIK 3171010101900001", "image/png", directory=tmp_path
    ) as m:
        assert repr(m) == "FetchedMedia(media_id='77', mime_type='image/png', size=20)"


def test_the_too_large_error_says_the_limit() -> None:
    """The refusal says the limit in Indonesian and English, with the size when known."""
    error = media_too_large(1000, 5000)
    assert (error.code, error.field) == ("media_too_large", "media_id")
    assert str(error) == "Media lebih besar dari batas 1000 bita."
    assert error.message_en == "The media is larger than the limit of 1000 bytes."
