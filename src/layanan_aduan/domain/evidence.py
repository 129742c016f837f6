"""
The evidence (*bukti laporan aduan*, requirement 2): a scanned letter or a phone screenshot.

Evidence is judged by its **bytes** only: the magic number at the start and a minimal
structural check that the file is whole. A file name or a declared MIME type (WhatsApp's
``mime_type``, an e-mail attachment's ``Content-Type``) is never used for a decision; a
file name is kept only as metadata.

Recognised formats: PDF (``application/pdf``), JPEG (``image/jpeg``), PNG
(``image/png``) and WebP (``image/webp``). Nothing else is recognised.

>>> scan = b"%PDF-1.7\\n1 0 obj <<>> endobj\\ntrailer <<>>\\n%%EOF\\n"
>>> evidence = EvidenceFile.from_bytes(scan, file_name="surat.pdf")
>>> evidence.media_type, evidence.size, evidence.sha256[:12]
(<MediaType.PDF: 'application/pdf'>, 48, '4cd9cee060ad')
>>> [p.code for p in inspect_evidence(b"").problems]
['evidence_empty']
"""

from __future__ import annotations

import enum
import hashlib
import re
import struct
import zlib
from typing import Final

import attrs

from layanan_aduan.domain._problem import Problem
from layanan_aduan.exceptions import InvalidEvidenceError, InvalidTypeError, ValidationError
from layanan_aduan.privacy import mask

__all__ = [
    "DEFAULT_LIMITS",
    "MIB",
    "EvidenceFile",
    "EvidenceInspection",
    "EvidenceLimits",
    "MediaType",
    "inspect_evidence",
    "recognise",
]

MIB: Final = 1024 * 1024
_SHA256_HEX: Final = re.compile(r"[0-9a-f]{64}")


class MediaType(enum.Enum):
    """
    A recognised evidence format, valued by its MIME type.
    """

    PDF = "application/pdf"
    JPEG = "image/jpeg"
    PNG = "image/png"
    WEBP = "image/webp"

    @property
    def is_image(self) -> bool:
        """
        Whether WhatsApp would send it as an image (JPEG, PNG, WebP) rather than a document.
        """
        return self is not MediaType.PDF


def _wrong_type(field: str, expected: str, expected_en: str, value: object) -> InvalidTypeError:
    return InvalidTypeError(
        f"{field} harus berupa {expected}.",
        f"{field} must be {expected_en}.",
        field=field,
        details={"type": type(value).__name__},
    )


def _as_bytes(data: object) -> bytes | None:
    if isinstance(data, bytes):
        return data
    if isinstance(data, bytearray | memoryview):
        return bytes(data)
    return None


def _check_media_type(value: object, field: str = "media_type") -> MediaType | None:
    if value is None or isinstance(value, MediaType):
        return value
    raise _wrong_type(field, "MediaType atau None", "a MediaType or None", value)


def _check_limit(_instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValidationError(
            "Batas ukuran bukti harus bilangan bulat lebih dari 0 byte.",
            "An evidence size limit must be an integer of more than 0 bytes.",
            code="evidence_limit_invalid",
            field=attribute.name,
        )


@attrs.frozen
class EvidenceLimits:
    """
    Size limits for evidence, in bytes, per kind of file (inclusive maxima).

    The defaults follow WhatsApp Cloud API media limits: images 5 MB, documents 100 MB.
    "MB" is read as MiB (2**20 bytes), the larger reading, so that a file WhatsApp
    delivered is never refused for a few kilobytes. WebP is held to the image limit
    (WhatsApp lists WebP only for stickers, 100-500 KB, but a screenshot saved as WebP
    is an image). A photo sent "as a document" can exceed 5 MB: an office that wants
    those raises ``image_bytes``.

    Attributes:
        image_bytes: Largest accepted JPEG, PNG or WebP.
        document_bytes: Largest accepted PDF.
    """

    image_bytes: int = attrs.field(default=5 * MIB, validator=_check_limit)
    document_bytes: int = attrs.field(default=100 * MIB, validator=_check_limit)

    def limit_for(self, media_type: MediaType) -> int:
        """
        The largest accepted size for ``media_type``.
        """
        if _check_media_type(media_type) is None:
            raise _wrong_type("media_type", "MediaType", "a MediaType", media_type)
        return self.image_bytes if media_type.is_image else self.document_bytes

    @property
    def largest(self) -> int:
        """
        The largest size any recognised file may have.
        """
        return max(self.image_bytes, self.document_bytes)

    def size_problems(
        self, media_type: MediaType | None, size: int, *, field: str = "evidence"
    ) -> tuple[Problem, ...]:
        """
        ``(evidence_too_large,)`` when ``size`` exceeds the limit for ``media_type``, else ``()``.

        An unrecognised file (``media_type=None``) is held to :attr:`largest`.

        Raises:
            InvalidTypeError: ``media_type`` is not a :class:`MediaType` or ``None``, or
                ``size`` not an integer.

        >>> [p.code for p in EvidenceLimits(image_bytes=1000).size_problems(MediaType.PNG, 1001)]
        ['evidence_too_large']
        """
        _check_media_type(media_type)
        if isinstance(size, bool) or not isinstance(size, int):
            raise _wrong_type("size", "bilangan bulat", "an integer", size)
        limit = self.largest if media_type is None else self.limit_for(media_type)
        if size <= limit:
            return ()
        kind = "berkas" if media_type is None else _LABELS[media_type]
        kind_en = "files" if media_type is None else f"{_LABELS[media_type]} files"
        return (
            Problem(
                "evidence_too_large",
                field,
                f"Berkas bukti terlalu besar: {kind} paling besar {_size_label(limit)}.",
                f"The evidence file is too large: {kind_en} are at most {_size_label(limit)}.",
            ),
        )


DEFAULT_LIMITS: Final = EvidenceLimits()


def _hex_digest(value: str) -> str:
    return value.lower() if isinstance(value, str) else value


def _check_digest(_instance: object, _attribute: object, value: str) -> None:
    if not isinstance(value, str) or _SHA256_HEX.fullmatch(value) is None:
        raise InvalidEvidenceError(
            "Sidik SHA-256 bukti harus 64 karakter heksadesimal.",
            "The evidence SHA-256 digest must be 64 hexadecimal characters.",
            code="evidence_invalid_digest",
            field="sha256",
        )


def _check_size(_instance: object, _attribute: object, value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidEvidenceError(
            "Ukuran bukti harus bilangan bulat.",
            "The evidence size must be an integer.",
            code="evidence_invalid_size",
            field="size",
        )
    if value <= 0:
        raise InvalidEvidenceError(
            "Ukuran bukti harus lebih dari 0 byte.",
            "The evidence size must be more than 0 bytes.",
            code="evidence_empty",
            field="size",
        )


def _check_file_type(_instance: object, _attribute: object, value: MediaType) -> None:
    if not isinstance(value, MediaType):
        raise InvalidEvidenceError(
            "Format bukti harus berupa MediaType.",
            "The evidence format must be a MediaType.",
            code="evidence_invalid_media_type",
            field="media_type",
        )


def _check_file_name(_instance: object, _attribute: object, value: str | None) -> None:
    if value is not None and not isinstance(value, str):
        raise InvalidEvidenceError(
            "Nama berkas bukti harus berupa teks.",
            "The evidence file name must be text.",
            code="evidence_invalid_file_name",
            field="file_name",
        )


@attrs.frozen(repr=False)
class EvidenceFile:
    """
    A recognised evidence file: its SHA-256, format and size (not its bytes).

    The digest lets the evidence be shown unchanged later: whoever holds the bytes can
    recompute it. The original file name is metadata only, never used for a decision,
    and may be personal data (``KTP_Budi.pdf``): it is masked in the ``repr``.

    Attributes:
        sha256: Lower-case hex SHA-256 of the bytes.
        media_type: The format the bytes were recognised as.
        size: Size in bytes (more than 0).
        file_name: The name the file arrived with, if any (metadata only).
    """

    sha256: str = attrs.field(converter=_hex_digest, validator=_check_digest)
    media_type: MediaType = attrs.field(validator=_check_file_type)
    size: int = attrs.field(validator=_check_size)
    file_name: str | None = attrs.field(default=None, validator=_check_file_name)

    @classmethod
    def from_bytes(
        cls,
        data: bytes,
        *,
        limits: EvidenceLimits = DEFAULT_LIMITS,
        file_name: str | None = None,
    ) -> EvidenceFile:
        """
        Recognise ``data`` and describe it, or raise :class:`InvalidEvidenceError`.

        The error carries the first problem's code; ``details["codes"]`` lists all.
        """
        inspection = inspect_evidence(data, limits=limits, file_name=file_name)
        if inspection.evidence is None:
            first = inspection.problems[0]
            raise InvalidEvidenceError(
                first.message,
                first.message_en,
                code=first.code,
                field=first.field,
                details={"codes": [p.code for p in inspection.problems]},
            )
        return inspection.evidence

    def matches(self, data: bytes) -> bool:
        """
        Whether ``data`` is exactly the bytes this evidence describes.

        Raises:
            InvalidTypeError: ``data`` is not bytes.
        """
        data = _require_bytes(data)
        return len(data) == self.size and hashlib.sha256(data).hexdigest() == self.sha256

    def __repr__(self) -> str:
        name = None if self.file_name is None else mask(self.file_name)
        return (
            f"EvidenceFile(sha256={self.sha256!r}, media_type={self.media_type!r}, "
            f"size={self.size!r}, file_name={name!r})"
        )


@attrs.frozen
class EvidenceInspection:
    """
    What :func:`inspect_evidence` found: the evidence when it is acceptable, and every problem.

    Attributes:
        evidence: The recognised file, or ``None`` when any problem was found.
        problems: Every problem found (empty when ``evidence`` is set).
        media_type: The format recognised from the magic number, even when the file is
            refused (truncated, too large), else ``None``.
    """

    evidence: EvidenceFile | None
    problems: tuple[Problem, ...]
    media_type: MediaType | None

    @property
    def ok(self) -> bool:
        """
        Whether the file is acceptable evidence.
        """
        return self.evidence is not None


# --- recognition ------------------------------------------------------------------------------

_PNG_SIGNATURE: Final = b"\x89PNG\r\n\x1a\n"
_PDF_HEADER: Final = re.compile(rb"%PDF-[12]\.[0-9]")
_PDF_TAIL: Final = 1024


def _require_bytes(data: object) -> bytes:
    found = _as_bytes(data)
    if found is None:
        raise _wrong_type("data", "bytes", "bytes", data)
    return found


def recognise(data: bytes) -> MediaType | None:
    """
    The format announced by the magic number at the start of ``data``, if any.

    Only the first bytes are read: a recognised header says what a file claims to be,
    not that it is whole (:func:`inspect_evidence` checks that).

    Raises:
        InvalidTypeError: ``data`` is not bytes (``bytearray`` and ``memoryview`` are read).

    >>> recognise(b"%PDF-1.7\\n...")
    <MediaType.PDF: 'application/pdf'>
    >>> recognise(b"GIF89a") is None
    True
    """
    data = _require_bytes(data)
    if _PDF_HEADER.match(data):
        return MediaType.PDF
    if data.startswith(b"\xff\xd8\xff"):
        return MediaType.JPEG
    if data.startswith(_PNG_SIGNATURE):
        return MediaType.PNG
    if len(data) >= 12 and data[0:4] == b"RIFF" and data[8:12] == b"WEBP":
        return MediaType.WEBP
    return None


# Each structure check returns None when the file is whole, else (code, id, en).
_Fault = tuple[str, str, str]
_TRUNCATED: Final = (
    "evidence_truncated",
    "Berkas bukti terpotong (tidak utuh); mohon kirim ulang.",
    "The evidence file is truncated (incomplete); please send it again.",
)
_MALFORMED: Final = (
    "evidence_malformed",
    "Berkas bukti rusak; mohon kirim ulang.",
    "The evidence file is malformed; please send it again.",
)


def _check_pdf(data: bytes) -> _Fault | None:
    # A whole PDF ends with %%EOF, possibly followed by line ends or padding.
    return None if b"%%EOF" in data[-_PDF_TAIL:] else _TRUNCATED


# JPEG markers without a length field: TEM, RSTn, SOI, EOI.
_JPEG_STANDALONE: Final = frozenset({0x01, *range(0xD0, 0xDA)})
_JPEG_SOF: Final = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}


def _check_jpeg(data: bytes) -> _Fault | None:  # noqa: PLR0911 - one return per way the walk ends
    """
    Walk the marker segments up to the scan; require a frame header and an EOI after it.

    Bytes after the EOI are allowed (phones append trailers, e.g. motion photos).
    """
    pos, seen_frame = 2, False
    while True:
        if pos + 2 > len(data):
            return _TRUNCATED
        if data[pos] != 0xFF:
            return _MALFORMED
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte before a marker
            pos += 1
            continue
        if marker in _JPEG_STANDALONE:
            if marker == 0xD9:
                return _MALFORMED  # an image that ends before any scan
            pos += 2
            continue
        if pos + 4 > len(data):
            return _TRUNCATED
        (length,) = struct.unpack(">H", data[pos + 2 : pos + 4])
        if length < 2:
            return _MALFORMED
        if pos + 2 + length > len(data):
            return _TRUNCATED
        if marker in _JPEG_SOF:
            seen_frame = True
        if marker == 0xDA:  # start of scan: entropy-coded data follows, up to EOI
            if not seen_frame:
                return _MALFORMED
            return None if data.find(b"\xff\xd9", pos + 2 + length) != -1 else _TRUNCATED
        pos += 2 + length


def _check_png(data: bytes) -> _Fault | None:
    """
    Walk the chunks: IHDR first (13 bytes, valid CRC), every chunk inside the file, IEND last.
    """
    pos, first = len(_PNG_SIGNATURE), True
    while True:
        if pos + 8 > len(data):
            return _TRUNCATED
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        end = pos + 8 + length + 4
        if end > len(data):
            return _TRUNCATED
        if first:
            if kind != b"IHDR" or length != 13:
                return _MALFORMED
            (crc,) = struct.unpack(">I", data[end - 4 : end])
            if zlib.crc32(data[pos + 4 : end - 4]) != crc:
                return _MALFORMED
            first = False
        if kind == b"IEND":
            return None
        pos = end


def _check_webp(data: bytes) -> _Fault | None:
    """
    The RIFF size covers the file, and the first chunk is VP8, VP8L or VP8X.
    """
    (riff_size,) = struct.unpack("<I", data[4:8])
    if riff_size % 2 or riff_size < 4 + 8:
        return _MALFORMED
    if 8 + riff_size > len(data):
        return _TRUNCATED
    if data[12:16] not in (b"VP8 ", b"VP8L", b"VP8X"):
        return _MALFORMED
    (chunk_size,) = struct.unpack("<I", data[16:20])
    if 20 + chunk_size > 8 + riff_size:
        return _MALFORMED
    return None


_STRUCTURE_CHECKS: Final = {
    MediaType.PDF: _check_pdf,
    MediaType.JPEG: _check_jpeg,
    MediaType.PNG: _check_png,
    MediaType.WEBP: _check_webp,
}

_LABELS: Final = {
    MediaType.PDF: "PDF",
    MediaType.JPEG: "JPEG",
    MediaType.PNG: "PNG",
    MediaType.WEBP: "WebP",
}


def _size_label(size: int) -> str:
    """
    A size for people: ``5 MB``, ``1.5 MB``, ``100 KB``, ``300 byte``.
    """
    for unit, name in ((MIB, "MB"), (1024, "KB")):
        if size >= unit:
            amount = size / unit
            text = f"{amount:.0f}" if size % unit == 0 else f"{amount:.1f}"
            return f"{text} {name}"
    return f"{size} byte"


def inspect_evidence(
    data: bytes,
    *,
    limits: EvidenceLimits = DEFAULT_LIMITS,
    file_name: str | None = None,
    field: str = "evidence",
) -> EvidenceInspection:
    """
    Recognise ``data`` as evidence and report every problem, without raising.

    Checks, in order: not empty (``evidence_empty``); a known magic number
    (``evidence_unrecognised``; also ``evidence_too_large`` when larger than every
    limit); within the size limit of its format (``evidence_too_large``); and whole
    (``evidence_truncated``, ``evidence_malformed``). A file too large is not parsed
    further. ``file_name`` is stored on the result, never read. ``data`` that is not bytes
    (``bytearray`` and ``memoryview`` are read) is reported as ``evidence_not_bytes``.

    Raises:
        InvalidTypeError: ``limits`` is not an :class:`EvidenceLimits`, or ``file_name`` not
            text (programming errors, not bad input).

    >>> inspect_evidence(b"%PDF-1.4\\n%%EOF\\n").evidence.media_type
    <MediaType.PDF: 'application/pdf'>
    >>> [p.code for p in inspect_evidence(b"%PDF-1.4\\n1 0 obj").problems]
    ['evidence_truncated']
    >>> [p.code for p in inspect_evidence(b"hello").problems]
    ['evidence_unrecognised']
    """
    if not isinstance(limits, EvidenceLimits):
        raise _wrong_type("limits", "EvidenceLimits", "an EvidenceLimits", limits)
    if file_name is not None and not isinstance(file_name, str):
        raise _wrong_type("file_name", "teks", "text", file_name)
    found = _as_bytes(data)
    if found is None:
        problem = Problem(
            "evidence_not_bytes",
            field,
            "Berkas bukti harus berupa isi berkas (bytes).",
            "The evidence file must be the file's contents (bytes).",
        )
        return EvidenceInspection(evidence=None, problems=(problem,), media_type=None)
    data = found
    if not data:
        problem = Problem(
            "evidence_empty",
            field,
            "Berkas bukti kosong (0 byte).",
            "The evidence file is empty (0 bytes).",
        )
        return EvidenceInspection(evidence=None, problems=(problem,), media_type=None)
    media_type = recognise(data)
    problems: list[Problem] = []
    if media_type is None:
        problems.append(
            Problem(
                "evidence_unrecognised",
                field,
                "Berkas bukti tidak dikenali; kirim scan surat (PDF) atau tangkapan layar "
                "(JPEG, PNG atau WebP).",
                "The evidence file is not recognised; send a scanned letter (PDF) or a "
                "screenshot (JPEG, PNG or WebP).",
            )
        )
    problems.extend(limits.size_problems(media_type, len(data), field=field))
    if media_type is not None and not problems:
        fault = _STRUCTURE_CHECKS[media_type](data)
        if fault is not None:
            problems.append(Problem(fault[0], field, fault[1], fault[2]))
    if problems:
        return EvidenceInspection(evidence=None, problems=tuple(problems), media_type=media_type)
    assert media_type is not None  # noqa: S101 - no problems means a format was recognised
    evidence = EvidenceFile(
        sha256=hashlib.sha256(data).hexdigest(),
        media_type=media_type,
        size=len(data),
        file_name=file_name,
    )
    return EvidenceInspection(evidence=evidence, problems=(), media_type=media_type)


def _chunk(kind: bytes, payload: bytes) -> bytes:
    """
    A PNG chunk (used by the examples and the testing strategies).
    """
    crc = zlib.crc32(kind + payload)
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", crc)
