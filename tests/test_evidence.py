"""
Evidence recognition by content: magic numbers, structure, size limits and SHA-256.
"""

from __future__ import annotations

import hashlib
import struct
import zlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from layanan_aduan.domain.evidence import (
    DEFAULT_LIMITS,
    MIB,
    EvidenceFile,
    EvidenceLimits,
    MediaType,
    inspect_evidence,
    recognise,
)
from layanan_aduan.exceptions import InvalidEvidenceError, ValidationError
from layanan_aduan.testing.strategies import evidence_files, invalid_evidence

MAGIC = {
    MediaType.PDF: b"%PDF-",
    MediaType.JPEG: b"\xff\xd8\xff",
    MediaType.PNG: b"\x89PNG\r\n\x1a\n",
    MediaType.WEBP: b"RIFF",
}
EVIDENCE_CODES = {
    "evidence_empty",
    "evidence_unrecognised",
    "evidence_truncated",
    "evidence_malformed",
    "evidence_too_large",
}
MINIMAL_PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def png_chunk(kind: bytes, payload: bytes) -> bytes:
    return (
        struct.pack(">I", len(payload))
        + kind
        + payload
        + struct.pack(">I", zlib.crc32(kind + payload))
    )


def minimal_png() -> bytes:
    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", ihdr)
        + png_chunk(b"IDAT", zlib.compress(b"\x00\x80"))
        + png_chunk(b"IEND", b"")
    )


def codes_of(data: bytes, limits: EvidenceLimits = DEFAULT_LIMITS) -> list[str]:
    return [p.code for p in inspect_evidence(data, limits=limits).problems]


# --- examples ---------------------------------------------------------------------------------


def test_default_limits_follow_whatsapp() -> None:
    """Images up to 5 MB and documents up to 100 MB, MB read as MiB."""
    assert DEFAULT_LIMITS.limit_for(MediaType.JPEG) == 5 * MIB
    assert DEFAULT_LIMITS.limit_for(MediaType.PNG) == 5 * MIB
    assert DEFAULT_LIMITS.limit_for(MediaType.WEBP) == 5 * MIB
    assert DEFAULT_LIMITS.limit_for(MediaType.PDF) == 100 * MIB


def test_a_recognised_file_records_its_digest_type_size_and_name() -> None:
    """The evidence value holds SHA-256, media type, size and the name as metadata."""
    evidence = EvidenceFile.from_bytes(MINIMAL_PDF, file_name="surat aduan.pdf")
    assert evidence.sha256 == hashlib.sha256(MINIMAL_PDF).hexdigest()
    assert evidence.media_type is MediaType.PDF
    assert evidence.size == len(MINIMAL_PDF)
    assert evidence.file_name == "surat aduan.pdf"
    assert evidence.matches(MINIMAL_PDF)
    assert not evidence.matches(MINIMAL_PDF + b" ")


def test_file_name_and_declared_type_never_decide() -> None:
    """A PDF named like a photo is a PDF; an HTML page named like a PDF is refused."""
    assert EvidenceFile.from_bytes(MINIMAL_PDF, file_name="foto.jpg").media_type is MediaType.PDF
    assert codes_of(b"<html>not a pdf</html>") == ["evidence_unrecognised"]
    with pytest.raises(InvalidEvidenceError):
        EvidenceFile.from_bytes(b"<html></html>", file_name="surat.pdf")


def test_file_name_is_masked_in_repr() -> None:
    """A file name may hold personal data, so the repr masks it."""
    evidence = EvidenceFile.from_bytes(MINIMAL_PDF, file_name="KTP_Budi_Santoso.pdf")
    assert "Budi_Santoso" not in repr(evidence)
    assert "media_type=<MediaType.PDF" in repr(evidence)


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "evidence_empty"),
        (b"GIF89a\x01\x00\x01\x00", "evidence_unrecognised"),
        (b"PK\x03\x04", "evidence_unrecognised"),
        (b"%PDF-1.7\n1 0 obj", "evidence_truncated"),
        (b"%PDF-x.y\n%%EOF", "evidence_unrecognised"),
        (b"\xff\xd8\xff", "evidence_truncated"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "evidence_truncated"),
        (b"\x89PNG\r\n\x1a\n", "evidence_truncated"),
        (b"RIFF\x1a\x00\x00\x00WEBPVP8L", "evidence_truncated"),
    ],
)
def test_refused_files_have_codes(data: bytes, code: str) -> None:
    """Empty, unknown and cut-short files are refused with their own codes."""
    assert codes_of(data) == [code]


def test_jpeg_structure() -> None:
    """A JPEG needs a frame header before its scan and an end marker after it."""
    soi, eoi = b"\xff\xd8", b"\xff\xd9"
    app0 = b"\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    sof0 = b"\xff\xc0\x00\x0b\x08\x00\x01\x00\x01\x01\x01\x11\x00"
    sos = b"\xff\xda\x00\x08\x01\x01\x00\x00\x3f\x00"
    scan = b"\x2b\x00"
    assert codes_of(soi + app0 + sof0 + sos + scan + eoi) == []
    assert codes_of(soi + app0 + sof0 + sos + scan + eoi + b"trailer") == []
    assert codes_of(soi + app0 + sos + scan + eoi) == ["evidence_malformed"]
    assert codes_of(soi + app0 + eoi) == ["evidence_malformed"]
    assert codes_of(soi + app0 + sof0 + sos + scan) == ["evidence_truncated"]
    assert codes_of(soi + b"\xff\xe0\x00\x01") == ["evidence_malformed"]
    assert codes_of(soi + b"\xff\xe0\x00\x40JFIF") == ["evidence_truncated"]
    assert codes_of(soi + app0 + b"\x00\x00\x00") == ["evidence_malformed"]


def test_png_structure() -> None:
    """A PNG needs IHDR first with a valid CRC, and IEND at the end."""
    png = minimal_png()
    assert codes_of(png) == []
    broken_crc = png[:29] + bytes([png[29] ^ 0xFF]) + png[30:]
    assert codes_of(broken_crc) == ["evidence_malformed"]
    no_ihdr = b"\x89PNG\r\n\x1a\n" + png_chunk(b"IEND", b"")
    assert codes_of(no_ihdr) == ["evidence_malformed"]
    assert codes_of(png[: -len(png_chunk(b"IEND", b""))]) == ["evidence_truncated"]


def test_webp_structure() -> None:
    """A WebP's RIFF size covers the file and its first chunk is VP8, VP8L or VP8X."""
    good = bytes.fromhex("524946461a000000574542505650384c0d0000002f00000010071011118888fe0700")
    assert codes_of(good) == []
    assert codes_of(good[:-1]) == ["evidence_truncated"]
    odd_size = good[:4] + struct.pack("<I", 27) + good[8:]
    assert codes_of(odd_size) == ["evidence_malformed"]
    other_chunk = good[:12] + b"ICCP" + good[16:]
    assert codes_of(other_chunk) == ["evidence_malformed"]
    chunk_overruns = good[:16] + struct.pack("<I", 200) + good[20:]
    assert codes_of(chunk_overruns) == ["evidence_malformed"]


def test_size_limits_are_inclusive_and_configurable() -> None:
    """A file exactly at its limit passes; one byte more is too large."""
    png = minimal_png()
    assert codes_of(png, EvidenceLimits(image_bytes=len(png))) == []
    assert codes_of(png, EvidenceLimits(image_bytes=len(png) - 1)) == ["evidence_too_large"]
    pdf_limits = EvidenceLimits(document_bytes=len(MINIMAL_PDF) - 1)
    assert codes_of(MINIMAL_PDF, pdf_limits) == ["evidence_too_large"]
    problem = inspect_evidence(png, limits=EvidenceLimits(image_bytes=10)).problems[0]
    assert "PNG" in problem.message
    assert "PNG" in problem.message_en


def test_too_large_and_unrecognised_are_both_reported() -> None:
    """An unknown file beyond every limit reports both problems."""
    limits = EvidenceLimits(image_bytes=10, document_bytes=20)
    assert codes_of(b"x" * 21, limits) == ["evidence_unrecognised", "evidence_too_large"]
    inspection = inspect_evidence(b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, limits=limits)
    assert inspection.media_type is MediaType.PNG
    assert [p.code for p in inspection.problems] == ["evidence_too_large"]


def test_limits_refuse_non_positive_values() -> None:
    """A limit of zero bytes or less is a typed validation error."""
    with pytest.raises(ValidationError) as info:
        EvidenceLimits(image_bytes=0)
    assert info.value.code == "evidence_limit_invalid"
    assert info.value.field == "image_bytes"


def test_evidence_file_validates_its_fields() -> None:
    """A digest must be 64 hex characters (stored lower-case) and a size positive."""
    digest = hashlib.sha256(b"x").hexdigest()
    assert EvidenceFile(digest.upper(), MediaType.PNG, 1).sha256 == digest
    with pytest.raises(InvalidEvidenceError) as info:
        EvidenceFile("abc", MediaType.PNG, 1)
    assert info.value.code == "evidence_invalid_digest"
    with pytest.raises(InvalidEvidenceError) as info:
        EvidenceFile(digest, MediaType.PNG, 0)
    assert info.value.code == "evidence_empty"


def test_from_bytes_error_lists_every_code() -> None:
    """The raising form carries the first code and all codes."""
    with pytest.raises(InvalidEvidenceError) as info:
        EvidenceFile.from_bytes(b"y" * 30, limits=EvidenceLimits(image_bytes=5, document_bytes=5))
    assert info.value.code == "evidence_unrecognised"
    assert info.value.details["codes"] == ["evidence_unrecognised", "evidence_too_large"]


# --- properties -------------------------------------------------------------------------------


@given(evidence_files())
def test_real_files_are_recognised_with_their_digest(data: bytes) -> None:
    """Every real file is accepted, typed by its magic, with its exact SHA-256 and size."""
    inspection = inspect_evidence(data)
    assert inspection.ok, inspection.problems
    evidence = inspection.evidence
    assert evidence is not None
    assert data.startswith(MAGIC[evidence.media_type])
    assert evidence.media_type is recognise(data)
    assert evidence.sha256 == hashlib.sha256(data).hexdigest()
    assert evidence.size == len(data)


@given(st.binary(max_size=2048))
def test_random_bytes_never_crash_and_acceptance_needs_magic(data: bytes) -> None:
    """Random bytes never raise; anything accepted starts with its format's magic."""
    inspection = inspect_evidence(data)
    assert inspection.ok != bool(inspection.problems)
    assert {p.code for p in inspection.problems} <= EVIDENCE_CODES
    if inspection.evidence is not None:
        assert data.startswith(MAGIC[inspection.evidence.media_type])


@given(st.sampled_from(sorted(MAGIC.values())), st.binary(max_size=512))
def test_magic_followed_by_random_bytes_never_crashes(magic: bytes, tail: bytes) -> None:
    """A real magic number followed by garbage is recognised or refused, never a crash."""
    data = magic + (b"\x00\x00\x00\x00WEBP" if magic == b"RIFF" else b"") + tail
    inspection = inspect_evidence(data)
    assert inspection.media_type is recognise(data)
    assert {p.code for p in inspection.problems} <= EVIDENCE_CODES


@given(invalid_evidence())
def test_invalid_evidence_is_refused(data: bytes) -> None:
    """Every file the strategy calls invalid is refused with a known code."""
    inspection = inspect_evidence(data)
    assert not inspection.ok
    assert inspection.problems
    assert {p.code for p in inspection.problems} <= EVIDENCE_CODES


def whole_length(data: bytes) -> int:
    """How many leading bytes make the file whole: a PDF may lose its last line end."""
    return data.rindex(b"%%EOF") + 5 if data.startswith(b"%PDF") else len(data)


@given(
    evidence_files(media_types=[MediaType.PNG, MediaType.WEBP, MediaType.PDF]).flatmap(
        lambda data: st.tuples(st.just(data), st.integers(1, whole_length(data) - 1))
    )
)
def test_cutting_a_file_short_is_always_noticed(case: tuple[bytes, int]) -> None:
    """Any prefix of a PNG, WebP or PDF that loses part of the file's end is refused."""
    data, keep = case
    assert not inspect_evidence(data[:keep]).ok


@given(evidence_files(), st.text(max_size=40), st.text(max_size=40))
def test_file_name_does_not_change_the_outcome(data: bytes, name1: str, name2: str) -> None:
    """The same bytes give the same result whatever their file name."""
    first = inspect_evidence(data, file_name=name1)
    second = inspect_evidence(data, file_name=name2)
    assert first.problems == second.problems
    assert first.evidence is not None
    assert second.evidence is not None
    assert first.evidence.sha256 == second.evidence.sha256
    assert first.evidence.media_type is second.evidence.media_type


@given(invalid_evidence(limits=EvidenceLimits(image_bytes=200, document_bytes=400)))
def test_invalid_evidence_respects_given_limits(data: bytes) -> None:
    """With small limits the strategy also yields oversized files, all refused."""
    assert not inspect_evidence(data, limits=EvidenceLimits(image_bytes=200, document_bytes=400)).ok
