"""
Tests of inspecting evidence from a file in bounded memory (inspect_evidence_file): it gives
the answer inspect_evidence gives for the same bytes, whatever the size of the pieces it reads,
and a file of a hundred megabytes costs it about a megabyte.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import tracemalloc
import zlib
from collections.abc import Iterator
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import given
from hypothesis import strategies as st

from layanan_aduan.domain import _evidence_scan
from layanan_aduan.domain.evidence import (
    MIB,
    EvidenceLimits,
    MediaType,
    inspect_evidence,
    inspect_evidence_file,
)
from layanan_aduan.exceptions import InvalidEvidenceError, InvalidTypeError
from layanan_aduan.testing.strategies import evidence_files, invalid_evidence


@contextlib.contextmanager
def pieces_of(chunk: int, window: int) -> Iterator[None]:
    """Make the scan read pieces of ``chunk`` bytes and serve small reads from ``window``."""
    with (
        mock.patch.object(_evidence_scan, "CHUNK", chunk),
        mock.patch.object(_evidence_scan, "_WINDOW", window),
    ):
        yield


_TOKENS = [
    b"/JS",
    b"/JavaScript",
    b"/J#61vaScript",
    b"/J#53",
    b"/AA",
    b"/Launch",
    b"/EmbeddedFiles",
    b"/EmbeddedFile",
    b"/JSON",
    b">>",
    b"<<",
    b" ",
    b"\r",
    b"\n",
    b"stream\n",
    b"stream\r\n",
    b"stream\r",
    b"endstream",
    b" obj ",
    b"/ObjStm",
    b"/FlateDecode",
    b"#",
    b"#4",
    b"a",
    b"X",
    b"%%EOF",
]


@st.composite
def pdf_soups(draw: st.DrawFn) -> bytes:
    """PDF-like files made of the pieces the active-content scan reacts to, in any order,
    with object streams whose compressed data holds names too."""
    parts = st.one_of(
        st.sampled_from(_TOKENS),
        st.binary(max_size=24),
        # Text longer than a stream keyword can be, so that the scan reads on past it.
        st.integers(min_value=1, max_value=1500).map(lambda n: b"% " + b"-" * n + b"\n"),
        st.lists(st.sampled_from(_TOKENS), max_size=12).map(
            lambda inner: (
                b"/Type /ObjStm /Filter /FlateDecode >>\nstream\n"
                + zlib.compress(b" ".join(inner))
                + b"\nendstream"
            )
        ),
    )
    body = b"".join(draw(st.lists(parts, max_size=60)))
    return b"%PDF-1.7\n" + body + draw(st.sampled_from([b"\n%%EOF\n", b"", b"%%EOF"]))


@given(
    data=st.one_of(evidence_files(), invalid_evidence(), pdf_soups(), st.binary(max_size=600)),
    chunk=st.sampled_from([16, 17, 31, 64, 257]),
    window=st.sampled_from([8, 13, 64]),
)
def test_a_file_read_in_any_pieces_gets_the_answer_of_its_bytes(
    data: bytes, chunk: int, window: int
) -> None:
    """Inspecting a file, read in pieces of any size, gives what inspecting its bytes gives."""
    expected = inspect_evidence(data, file_name="bukti.pdf")
    with pieces_of(chunk, window):
        found = inspect_evidence_file(io.BytesIO(data), file_name="bukti.pdf")
        assert inspect_evidence(data, file_name="bukti.pdf") == expected
    assert found == expected


@pytest.mark.parametrize("name", [b"/JavaScript", b"/J#61vaScript", b"/EmbeddedFiles"])
def test_a_name_cut_by_the_end_of_a_piece_is_found(name: bytes) -> None:
    """Wherever a piece ends inside an active name (or its escape), the name is found; a
    longer name cut at the same place is not mistaken for it."""
    for offset in range(2000, 2000 + 32):
        # Far enough from both ends of the file that the scan reads it in pieces.
        data = b"%PDF-1.7\n" + b" " * offset + b"<< " + name + b" (x) >>" + b" " * 2000 + b"%%EOF"
        longer = data.replace(name, name + b"X")
        with pieces_of(32, 16):
            codes = [p.code for p in inspect_evidence_file(io.BytesIO(data)).problems]
            assert codes == ["evidence_active_content"]
            assert inspect_evidence_file(io.BytesIO(longer)).ok


def test_a_stream_keyword_cut_by_the_end_of_a_piece_still_hides_stream_data() -> None:
    """Stream data is skipped however the pieces fall on ">> stream" and its line end."""
    for offset in range(2000, 2000 + 48):
        data = (
            b"%PDF-1.7\n"
            + b" " * offset
            + b"<< /Length 9 >>\r\nstream\r\n/JS /AA /Launch\nendstream\n"
            + b" " * 2000
            + b"%%EOF"
        )
        with pieces_of(16, 8):
            assert inspect_evidence_file(io.BytesIO(data)).problems == ()


def test_a_script_deep_in_a_large_object_stream_is_found() -> None:
    """An object stream inflating to many pieces is scanned across them, up to the budget."""
    inner = b"1 0 << /Type /Catalog >> " * 20_000 + b"2 0 << /S /JavaScript /JS (x) >>"
    packed = zlib.compress(inner)
    data = (
        b"%PDF-1.5\n1 0 obj\n<< /Type /ObjStm /Filter /FlateDecode >>\nstream\n"
        + packed
        + b"\nendstream\nendobj\n%%EOF\n"
    )
    for chunk in (64, 4096, _evidence_scan.CHUNK):
        with pieces_of(chunk, 64):
            (problem,) = inspect_evidence_file(io.BytesIO(data)).problems
        assert problem.code == "evidence_active_content"
        assert "/JavaScript" in problem.message_en


def test_names_in_the_good_start_of_a_corrupt_object_stream_count_for_nothing() -> None:
    """A compressed stream that turns out not to be Flate is read as nothing, as its bytes
    are: what its first pieces inflated to is not kept."""
    good = zlib.compress(b"<< /S /JavaScript /JS (x) >>" + bytes(range(256)) * 64)
    data = (
        b"%PDF-1.5\n1 0 obj\n<< /Type /ObjStm /Filter /FlateDecode >>\nstream\n"
        + good[: len(good) // 2]
        + b"\xff" * 64
        + b"\nendstream\nendobj\n%%EOF\n"
    )
    assert inspect_evidence(data).ok
    with pieces_of(16, 8):
        assert inspect_evidence_file(io.BytesIO(data)).ok


def test_more_white_space_before_the_stream_keyword_than_writers_use_is_scanned_through() -> None:
    """Past 1024 bytes of white space between ">>" and "stream" the data is not taken for a
    stream: what it holds is scanned (only more is found that way, never less)."""
    near = b"%PDF-1.7\n<< >>" + b" " * 1024 + b"stream\n/JS\nendstream\n%%EOF\n"
    far = near.replace(b" " * 1024, b" " * 1025)
    assert inspect_evidence(near).ok
    assert [p.code for p in inspect_evidence(far).problems] == ["evidence_active_content"]


def test_a_file_on_disk_is_inspected_with_its_digest(tmp_path: Path) -> None:
    """A real file gives its size, format and SHA-256, and the name given is kept."""
    data = b"%PDF-1.4\n" + b"1 0 obj << >> endobj\n" * 1000 + b"%%EOF\n"
    path = tmp_path / "surat.pdf"
    path.write_bytes(data)
    with path.open("rb") as f:
        inspection = inspect_evidence_file(f, file_name="surat.pdf")
    assert inspection.evidence is not None
    assert inspection.evidence.sha256 == hashlib.sha256(data).hexdigest()
    assert (inspection.evidence.media_type, inspection.evidence.size) == (MediaType.PDF, len(data))
    assert inspection.evidence.file_name == "surat.pdf"


@pytest.mark.parametrize("bad", [b"%PDF-1.4", "teks", io.StringIO("%PDF-1.4"), None])
def test_only_a_binary_file_is_inspected(bad: object) -> None:
    """Bytes, text and text files are not files to inspect: a typed refusal."""
    with pytest.raises(InvalidTypeError) as caught:
        inspect_evidence_file(bad)  # type: ignore[arg-type]  # the refusal is the point
    assert caught.value.field == "file"


def test_a_hundred_megabyte_pdf_costs_about_a_megabyte(tmp_path: Path) -> None:
    """Inspecting a 100 MiB PDF on disk allocates a few MiB at most (traced), not its size."""
    path = tmp_path / "besar.pdf"
    block = b"1 0 obj << /Type /Page >> endobj\n" + bytes(range(32, 127)) * 10 + b"\n"
    with path.open("wb") as f:
        f.write(b"%PDF-1.7\n")
        for _ in range(100 * MIB // len(block)):
            f.write(block)
        f.write(b"%%EOF\n")
    size = path.stat().st_size
    tracemalloc.start()
    try:
        with path.open("rb") as f:
            inspection = inspect_evidence_file(f, limits=EvidenceLimits(document_bytes=2 * size))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert inspection.evidence is not None
    assert inspection.evidence.size == size
    assert peak < 8 * MIB, f"peak {peak / MIB:.1f} MiB"


def test_an_inspection_given_as_evidence_counts_as_its_bytes_would() -> None:
    """check_requirements given the inspection of a file finds what it finds given the file's
    bytes: the same problems at the same place, the same evidence accepted, held to the limits."""
    from layanan_aduan.domain.requirements import check_requirements

    good = b"%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n"
    cut = good[:20]
    for limits in (EvidenceLimits(), EvidenceLimits(document_bytes=10)):
        for files in ([good], [cut], [cut, good], [good, b"GIF89a"]):
            inspected = [inspect_evidence_file(io.BytesIO(f), limits=limits) for f in files]
            by_bytes = check_requirements(evidence=files, limits=limits)
            by_file = check_requirements(evidence=inspected, limits=limits)
            assert by_file.evidence == by_bytes.evidence
            assert by_file.problems == by_bytes.problems
    # Evidence accepted under other limits is still held to the limits of the check.
    lenient = inspect_evidence_file(io.BytesIO(good))
    strict = check_requirements(evidence=[lenient], limits=EvidenceLimits(document_bytes=10))
    assert strict.evidence == ()
    assert ("evidence_too_large", "evidence[0]") in [(p.code, p.field) for p in strict.problems]


def test_a_file_that_shrinks_while_read_is_a_typed_refusal() -> None:
    """A file cut short after its size was taken is refused as evidence_file_changed."""

    class Shrinking(io.BytesIO):
        def seek(self, pos: int, whence: int = 0) -> int:
            where = super().seek(pos, whence)
            if whence == 0 and pos > 0:
                self.truncate(100)
            return where

    data = b"%PDF-1.7\n" + b"1 0 obj << >> endobj\n" * 10_000 + b"%%EOF\n"
    with pytest.raises(InvalidEvidenceError) as caught:
        inspect_evidence_file(Shrinking(data))
    assert caught.value.code == "evidence_file_changed"
