"""
Evidence recognition by content: magic numbers, structure, size limits and SHA-256.
"""

from __future__ import annotations

import hashlib
import struct
import zlib
from typing import Any

import pytest
from hypothesis import Phase, assume, find, given, settings
from hypothesis import strategies as st

from layanan_aduan.domain.evidence import (
    CONTENT_CHECKS,
    DEFAULT_BLOCKING,
    DEFAULT_LIMITS,
    DEFAULT_MAX_PIXELS,
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
    "evidence_active_content",
    "evidence_too_many_pixels",
    "evidence_trailing_data",
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
    assert codes_of(soi + app0 + sof0 + sos + scan + eoi + b"trailer") == ["evidence_trailing_data"]
    assert inspect_evidence(soi + app0 + sof0 + sos + scan + eoi + b"trailer").ok
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
    assert inspection.ok != bool(inspection.blocking_problems)
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


@pytest.mark.parametrize(
    "limits",
    [
        # Small sizes: the strategy pads files past them (the defaults would need megabytes).
        EvidenceLimits(image_bytes=2000, document_bytes=4000, blocking=frozenset()),
        EvidenceLimits(image_bytes=2000, document_bytes=4000, max_pixels=10**6),
        EvidenceLimits(image_bytes=2000, document_bytes=4000, max_pixels=(2**31 - 1) ** 2),
    ],
    ids=["nothing-blocks", "one-megapixel", "no-pixel-limit"],
)
def test_invalid_evidence_follows_the_blocking_policy(limits: EvidenceLimits) -> None:
    """Under any policy every file the strategy calls invalid is refused under that policy."""

    @given(invalid_evidence(limits=limits))
    def refused(data: bytes) -> None:
        assert not inspect_evidence(data, limits=limits).ok

    refused()


@pytest.mark.parametrize("code", ["evidence_active_content", "evidence_too_many_pixels"])
def test_invalid_evidence_includes_content_faults(code: str) -> None:
    """The strategy draws whole files refused only for active content or too many pixels."""
    found = find(
        invalid_evidence(),
        lambda data: [p.code for p in inspect_evidence(data).problems] == [code],
        settings=settings(max_examples=500, database=None, phases=[Phase.generate]),
    )
    assert recognise(found) is not None


@given(invalid_evidence(limits=EvidenceLimits(image_bytes=200, document_bytes=400)))
def test_invalid_evidence_respects_given_limits(data: bytes) -> None:
    """With small limits the strategy also yields oversized files, all refused."""
    assert not inspect_evidence(data, limits=EvidenceLimits(image_bytes=200, document_bytes=400)).ok


# --- content checks: active content, pixel bombs, trailing data ------------------------------

WEBP_LOSSY = bytes.fromhex(
    "52494646220000005745425056503820160000003001009d012a010001000ec0fe25a400037000000000"
)
WEBP_LOSSLESS = bytes.fromhex(
    "524946461a000000574542505650384c0d0000002f00000010071011118888fe0700"
)
WEBP_EXTENDED = bytes.fromhex(
    "524946464a00000057454250565038580a00000010000000000000000000414c50480c00000011071011"
    "fd0f4444ff03000056503820180000001401009d012a010001000000fe00000dc000fee6b5000000"
)
STRICT = EvidenceLimits(blocking=CONTENT_CHECKS)
LENIENT = EvidenceLimits(blocking=frozenset())


def png_of_size(width: int, height: int) -> bytes:
    """A whole PNG whose header declares ``width`` x ``height`` (its pixel data is not)."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", ihdr)
        + png_chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + png_chunk(b"IEND", b"")
    )


def jpeg_of_size(width: int, height: int) -> bytes:
    """A whole baseline JPEG whose frame header declares ``width`` x ``height``."""
    sof0 = b"\xff\xc0\x00\x0b\x08" + struct.pack(">HH", height, width) + b"\x01\x01\x11\x00"
    sos = b"\xff\xda\x00\x08\x01\x01\x00\x00\x3f\x00"
    return b"\xff\xd8" + sof0 + sos + b"\x2b\x00" + b"\xff\xd9"


def webp_of_size(kind: str, width: int, height: int) -> bytes:
    """One of the real WebP files with its canvas size rewritten in the first chunk's header."""
    if kind == "VP8 ":
        data = bytearray(WEBP_LOSSY)
        data[26:30] = struct.pack("<HH", width, height)
    elif kind == "VP8L":
        data = bytearray(WEBP_LOSSLESS)
        (bits,) = struct.unpack("<I", data[21:25])
        bits = (bits & ~0x0FFFFFFF) | (width - 1) | ((height - 1) << 14)
        data[21:25] = struct.pack("<I", bits)
    else:
        data = bytearray(WEBP_EXTENDED)
        data[24:27] = (width - 1).to_bytes(3, "little")
        data[27:30] = (height - 1).to_bytes(3, "little")
    return bytes(data)


def pdf_with(body: bytes) -> bytes:
    """A minimal whole PDF with ``body`` as its one object's dictionary."""
    return b"%PDF-1.7\n1 0 obj\n" + body + b"\nendobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def object_stream_pdf(inner: bytes) -> bytes:
    """A PDF 1.5 whose catalogue sits compressed in an object stream (/Type /ObjStm)."""
    packed = zlib.compress(inner)
    return (
        b"%PDF-1.5\n1 0 obj\n<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length "
        + str(len(packed)).encode()
        + b" >>\nstream\n"
        + packed
        + b"\nendstream\nendobj\n%%EOF\n"
    )


@pytest.mark.parametrize(
    ("body", "names"),
    [
        (b"<< /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>", ["/JavaScript", "/JS"]),
        (b"<< /OpenAction 2 0 R >> 2 0 obj << /S /JS /JS 3 0 R >>", ["/JS"]),
        (b"<< /S /Launch /F (cmd.exe) >>", ["/Launch"]),
        (b"<< /Names << /EmbeddedFiles 4 0 R >> >>", ["/EmbeddedFiles"]),
        (b"<< /Type /EmbeddedFile /Length 0 >>", ["/EmbeddedFile"]),
        (b"<< /Type /Page /AA << /O 5 0 R >> >>", ["/AA"]),
        (b"<< /S /J#61vaScript /J#53 (x) >>", ["/JavaScript", "/JS"]),
        (b"<</S/JavaScript/JS(x)>>", ["/JavaScript", "/JS"]),
    ],
)
def test_active_content_in_a_pdf_is_refused_by_default(body: bytes, names: list[str]) -> None:
    """Scripts, launch actions, embedded files and additional actions (hex-escaped names too)
    are a blocking evidence_active_content problem that names what was found."""
    inspection = inspect_evidence(pdf_with(body))
    assert not inspection.ok
    (problem,) = inspection.problems
    assert (problem.code, problem.blocking) == ("evidence_active_content", True)
    for name in names:
        assert name in problem.message
        assert name in problem.message_en


@pytest.mark.parametrize(
    "body",
    [
        b"<< /Type /Catalog /OpenAction [3 0 R /FitH null] >>",  # open at page 1: no script
        b"<< /JSON true /AAB 1 /Launcher (x) /EmbeddedFilesystem 1 >>",  # longer names
        b"<< /Title (a letter) /URI (https://kejaksaan.go.id) >>",
        b"<< /javascript 1 /js 2 /aa 3 >>",  # names are case-sensitive
        b"<< /Length 12 >>\nstream\n/JS /AA /Launch\nendstream",  # stream data is not a name
    ],
)
def test_ordinary_pdf_names_are_not_active_content(body: bytes) -> None:
    """Page-opening actions, links, lookalike names and bytes inside stream data pass."""
    assert codes_of(pdf_with(body)) == []


def test_escaped_names_are_found_however_many_escapes_a_file_has() -> None:
    """A hex-escaped /JavaScript is found beside a few escapes and beside thousands of them."""
    script = b"<< /S /J#61v#61Script /JS (x) >>"
    few = pdf_with(b"<< /BaseFont /Arial#20Bold >> " + script)
    many = pdf_with(b"<< /BaseFont /Arial#20Bold >> " * 20_000 + script)
    for data in (few, many):
        (problem,) = inspect_evidence(data).problems
        assert problem.code == "evidence_active_content"
        assert "/JavaScript" in problem.message_en
    assert codes_of(pdf_with(b"<< /BaseFont /Arial#20Bold >> " * 20_000)) == []


def test_active_content_inside_a_compressed_object_stream_is_found() -> None:
    """A script dictionary compressed in an object stream is inflated (bounded) and found."""
    inspection = inspect_evidence(object_stream_pdf(b"1 0 << /S /JavaScript /JS (x) >>"))
    assert [p.code for p in inspection.problems] == ["evidence_active_content"]
    assert codes_of(object_stream_pdf(b"1 0 << /Type /Catalog /Pages 2 0 R >>")) == []


def test_a_corrupt_object_stream_does_not_crash() -> None:
    """An object stream whose data is not Flate is skipped, not an exception."""
    data = object_stream_pdf(b"x").replace(b"stream\nx", b"stream\n\xff\xff\xff", 1)
    assert inspect_evidence(data).media_type is MediaType.PDF


def test_a_png_declaring_fifty_thousand_pixels_square_is_refused() -> None:
    """A 50,000 x 50,000 PNG in a tiny file (a decompression bomb) is evidence_too_many_pixels."""
    data = png_of_size(50_000, 50_000)
    assert len(data) < 20_000
    inspection = inspect_evidence(data)
    (problem,) = inspection.problems
    assert (problem.code, problem.blocking) == ("evidence_too_many_pixels", True)
    assert "50000 x 50000" in problem.message
    assert "50 megapixels" in problem.message_en
    assert "50 megapiksel" in problem.message


@pytest.mark.parametrize(
    "make",
    [
        png_of_size,
        jpeg_of_size,
        lambda w, h: webp_of_size("VP8 ", w, h),
        lambda w, h: webp_of_size("VP8L", w, h),
        lambda w, h: webp_of_size("VP8X", w, h),
    ],
    ids=["png", "jpeg", "webp-vp8", "webp-vp8l", "webp-vp8x"],
)
def test_pixel_limit_is_inclusive_in_every_image_format(make: Any) -> None:
    """Each format's header is read: width x height at the limit passes, one pixel more fails."""
    limits = EvidenceLimits(max_pixels=100 * 50)
    assert codes_of(make(100, 50), limits) == []
    assert codes_of(make(101, 50), limits) == ["evidence_too_many_pixels"]
    assert codes_of(make(101, 50)) == []


def test_the_default_pixel_limit_is_fifty_megapixels() -> None:
    """DEFAULT_MAX_PIXELS is 50,000,000: 10,000 x 5,000 passes, 10,000 x 5,001 does not."""
    assert DEFAULT_MAX_PIXELS == DEFAULT_LIMITS.max_pixels == 50_000_000
    assert codes_of(png_of_size(10_000, 5_000)) == []
    assert codes_of(png_of_size(10_000, 5_001)) == ["evidence_too_many_pixels"]


def test_a_webp_whose_first_chunk_lacks_its_header_is_malformed() -> None:
    """A VP8 chunk without its start code, or too short for its header, is evidence_malformed."""
    no_start_code = WEBP_LOSSY[:23] + b"\x00\x00\x00" + WEBP_LOSSY[26:]
    assert codes_of(no_start_code) == ["evidence_malformed"]
    short = bytearray(WEBP_LOSSLESS)
    short[20] = 0x00  # not the VP8L signature
    assert codes_of(bytes(short)) == ["evidence_malformed"]


def test_a_png_with_a_zero_side_is_malformed() -> None:
    """A PNG header with width or height 0 is evidence_malformed, not an empty image."""
    assert codes_of(png_of_size(0, 10)) == ["evidence_malformed"]


@pytest.mark.parametrize(
    "whole",
    [MINIMAL_PDF, minimal_png(), WEBP_LOSSLESS, jpeg_of_size(1, 1)],
    ids=["pdf", "png", "webp", "jpeg"],
)
def test_trailing_data_is_reported_and_blocks_only_when_the_office_says(whole: bytes) -> None:
    """A ZIP appended after the end marker is a note by default and a refusal when blocking."""
    data = whole + b"PK\x03\x04" + b"\x00" * 40
    inspection = inspect_evidence(data)
    assert inspection.ok
    (note,) = inspection.problems
    assert (note.code, note.blocking) == ("evidence_trailing_data", False)
    after_end = len(data) - len(whole.rstrip(b"\n"))  # a PDF's last line end counts too
    assert f"{after_end} bytes" in note.message_en
    refused = inspect_evidence(data, limits=STRICT)
    assert not refused.ok
    assert [(p.code, p.blocking) for p in refused.problems] == [("evidence_trailing_data", True)]


@pytest.mark.parametrize("padding", [b"\n", b"\r\n\r\n", b"\x00" * 512, b" \t\x0c" * 300])
def test_a_little_padding_after_the_end_is_not_trailing_data(padding: bytes) -> None:
    """Up to 1024 bytes of white space or NUL after the end marker is tolerated in any format."""
    for whole in (MINIMAL_PDF, minimal_png(), jpeg_of_size(1, 1), WEBP_LOSSLESS):
        assert codes_of(whole + padding, STRICT) == []
    assert codes_of(minimal_png() + b"\x00" * 1025, STRICT) == ["evidence_trailing_data"]


def test_a_pdf_with_html_after_its_end_is_trailing_data() -> None:
    """An HTML page appended after %%EOF (a polyglot) is trailing data, found in the tail."""
    data = MINIMAL_PDF + b"<html><script>alert(1)</script></html>"
    assert [(p.code, p.blocking) for p in inspect_evidence(data).problems] == [
        ("evidence_trailing_data", False)
    ]


def test_which_checks_block_is_the_offices_choice() -> None:
    """With no blocking content checks, active content and pixel bombs are notes, not refusals."""
    for data in (pdf_with(b"<< /S /JavaScript /JS (x) >>"), png_of_size(50_000, 50_000)):
        inspection = inspect_evidence(data, limits=LENIENT)
        assert inspection.ok
        assert inspection.problems
        assert not any(p.blocking for p in inspection.problems)
    assert {"evidence_active_content", "evidence_too_many_pixels"} == DEFAULT_BLOCKING
    assert DEFAULT_LIMITS.blocking == DEFAULT_BLOCKING


@pytest.mark.parametrize(
    ("kwargs", "code", "field"),
    [
        ({"blocking": {"evidence_macro"}}, "evidence_blocking_invalid", "blocking"),
        ({"blocking": "evidence_trailing_data"}, "evidence_blocking_invalid", "blocking"),
        ({"blocking": {"evidence_too_large"}}, "evidence_blocking_invalid", "blocking"),
        ({"max_pixels": 0}, "evidence_limit_invalid", "max_pixels"),
        ({"max_pixels": True}, "evidence_limit_invalid", "max_pixels"),
    ],
)
def test_a_bad_policy_is_a_typed_refusal(kwargs: dict[str, Any], code: str, field: str) -> None:
    """Unknown check codes, a lone string, and a non-positive pixel limit are refused."""
    with pytest.raises(ValidationError) as info:
        EvidenceLimits(**kwargs)
    assert (info.value.code, info.value.field) == (code, field)
    assert info.value.message_en


def test_from_bytes_reports_the_first_blocking_code() -> None:
    """A non-blocking note before a blocking problem does not become the error's code."""
    limits = EvidenceLimits(blocking={"evidence_trailing_data"})
    data = pdf_with(b"<< /S /JavaScript /JS (x) >>") + b"<html>"
    with pytest.raises(InvalidEvidenceError) as info:
        EvidenceFile.from_bytes(data, limits=limits)
    assert info.value.code == "evidence_trailing_data"
    assert info.value.details["codes"] == ["evidence_active_content", "evidence_trailing_data"]
    with pytest.raises(InvalidEvidenceError) as default:
        EvidenceFile.from_bytes(data)  # by default the script blocks, the HTML is a note
    assert default.value.code == "evidence_active_content"


@given(evidence_files(), st.binary(min_size=1, max_size=256))
def test_bytes_after_a_real_file_are_noticed_unless_padding(data: bytes, tail: bytes) -> None:
    """Appending bytes that are not mere padding is reported as trailing data, never a crash."""
    assume(b"%%EOF" not in tail)  # a PDF end marker in the tail would end the file there
    inspection = inspect_evidence(data + tail, limits=STRICT)
    codes = {p.code for p in inspection.problems}
    if tail.strip(b"\x00\t\n\x0c\r "):
        assert "evidence_trailing_data" in codes
    assert codes <= EVIDENCE_CODES


@given(
    st.sampled_from([png_of_size, jpeg_of_size]),
    st.integers(1, 65_535),
    st.integers(1, 65_535),
    st.integers(1, 10**9),
)
def test_pixel_check_matches_the_declared_area(
    make: Any, width: int, height: int, max_pixels: int
) -> None:
    """An image has too many pixels exactly when its declared width x height exceeds the limit."""
    codes = codes_of(make(width, height), EvidenceLimits(max_pixels=max_pixels))
    assert ("evidence_too_many_pixels" in codes) == (width * height > max_pixels)


@given(evidence_files())
def test_real_files_raise_no_blocking_content_problem(data: bytes) -> None:
    """The strategy's real files pass every content check that blocks by default."""
    inspection = inspect_evidence(data)
    assert inspection.ok
    assert not inspection.blocking_problems
    assert {p.code for p in inspection.problems} <= {"evidence_trailing_data"}
