"""
The evidence (*bukti laporan aduan*, requirement 2): a scanned letter or a phone screenshot.

Evidence is judged by its **bytes** only: the magic number at the start and a minimal
structural check that the file is whole. A file name or a declared MIME type (WhatsApp's
``mime_type``, an e-mail attachment's ``Content-Type``) is never used for a decision; a
file name is kept only as metadata.

Recognised formats: PDF (``application/pdf``), JPEG (``image/jpeg``), PNG
(``image/png``) and WebP (``image/webp``). Nothing else is recognised.

A whole file is then scanned, without decoding it, for three things an office may refuse
(:data:`CONTENT_CHECKS`): active content in a PDF (``evidence_active_content``), an image
declaring more pixels than :attr:`EvidenceLimits.max_pixels` (``evidence_too_many_pixels``,
a decompression bomb), and bytes after the format's end marker (``evidence_trailing_data``).
Which of them refuse the file and which are only reported is :attr:`EvidenceLimits.blocking`.

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
import io
import re
import struct
import zlib
from typing import IO, Final

import attrs

from layanan_aduan.domain import _evidence_scan as _scan
from layanan_aduan.domain._problem import Problem
from layanan_aduan.exceptions import InvalidEvidenceError, InvalidTypeError, ValidationError
from layanan_aduan.privacy import mask

__all__ = [
    "ACTIVE_CONTENT",
    "CONTENT_CHECKS",
    "DEFAULT_BLOCKING",
    "DEFAULT_LIMITS",
    "DEFAULT_MAX_PIXELS",
    "MIB",
    "TOO_MANY_PIXELS",
    "TRAILING_DATA",
    "EvidenceFile",
    "EvidenceInspection",
    "EvidenceLimits",
    "MediaType",
    "inspect_evidence",
    "inspect_evidence_file",
    "recognise",
]

MIB: Final = 1024 * 1024
_SHA256_HEX: Final = re.compile(r"[0-9a-f]{64}")

#: Problem code: a PDF with JavaScript, a launch action, embedded files or additional actions.
ACTIVE_CONTENT: Final = "evidence_active_content"
#: Problem code: an image whose header declares more pixels than the limit.
TOO_MANY_PIXELS: Final = "evidence_too_many_pixels"
#: Problem code: bytes (other than a little padding) after the format's end marker.
TRAILING_DATA: Final = "evidence_trailing_data"
#: The content checks whose outcome an office chooses: refuse the file, or only report it.
CONTENT_CHECKS: Final = frozenset({ACTIVE_CONTENT, TOO_MANY_PIXELS, TRAILING_DATA})
#: The content checks that refuse a file unless an office decides otherwise. Trailing data
#: is only reported: phones append it to ordinary photos (motion photos, maker notes).
DEFAULT_BLOCKING: Final = frozenset({ACTIVE_CONTENT, TOO_MANY_PIXELS})
#: The default pixel limit: 50 megapixels, above any phone camera or A4 scan at 600 dpi
#: (about 35 megapixels), below what a decoder can be made to allocate by a 20 KB file.
DEFAULT_MAX_PIXELS: Final = 50_000_000


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


def _check_pixels(_instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValidationError(
            "Batas piksel bukti harus bilangan bulat lebih dari 0.",
            "An evidence pixel limit must be an integer of more than 0.",
            code="evidence_limit_invalid",
            field=attribute.name,
        )


def _to_checks(value: object) -> frozenset[str]:
    # A lone string would become a set of its characters: refuse it instead.
    if isinstance(value, (str, bytes)) or not isinstance(value, (set, frozenset, list, tuple)):
        raise ValidationError(
            "Pemeriksaan yang menolak bukti harus berupa himpunan kode.",
            "The blocking evidence checks must be a set of codes.",
            code="evidence_blocking_invalid",
            field="blocking",
        )
    checks = frozenset(value)
    unknown = checks - CONTENT_CHECKS
    if unknown:
        raise ValidationError(
            "Kode pemeriksaan bukti tidak dikenal: " + ", ".join(sorted(map(str, unknown))) + ".",
            "Unknown evidence check codes: " + ", ".join(sorted(map(str, unknown))) + ".",
            code="evidence_blocking_invalid",
            field="blocking",
            details={"unknown": sorted(map(str, unknown)), "known": sorted(CONTENT_CHECKS)},
        )
    return checks


@attrs.frozen
class EvidenceLimits:
    """
    Limits and policy for evidence: sizes in bytes per kind of file (inclusive maxima), a
    pixel limit for images, and which content checks refuse a file.

    The defaults follow WhatsApp Cloud API media limits: images 5 MB, documents 100 MB.
    "MB" is read as MiB (2**20 bytes), the larger reading, so that a file WhatsApp
    delivered is never refused for a few kilobytes. WebP is held to the image limit
    (WhatsApp lists WebP only for stickers, 100-500 KB, but a screenshot saved as WebP
    is an image). A photo sent "as a document" can exceed 5 MB: an office that wants
    those raises ``image_bytes``.

    The content checks (:data:`CONTENT_CHECKS`) always run; ``blocking`` says which of
    them refuse the file. The others are reported as non-blocking problems beside the
    accepted evidence (a note to the reporter and the officer). An office whose standard
    wants every trailing byte refused passes ``blocking=CONTENT_CHECKS``; one that accepts
    PDFs with form scripts leaves out ``ACTIVE_CONTENT``.

    >>> strict = EvidenceLimits(blocking=CONTENT_CHECKS)
    >>> sorted(strict.blocking - DEFAULT_LIMITS.blocking)
    ['evidence_trailing_data']

    Attributes:
        image_bytes: Largest accepted JPEG, PNG or WebP.
        document_bytes: Largest accepted PDF.
        max_pixels: Largest accepted image area, width times height as the header declares
            it (inclusive; default :data:`DEFAULT_MAX_PIXELS`, 50 megapixels).
        blocking: The content checks that refuse a file (default :data:`DEFAULT_BLOCKING`:
            active content and too many pixels; trailing data is only reported).
    """

    image_bytes: int = attrs.field(default=5 * MIB, validator=_check_limit)
    document_bytes: int = attrs.field(default=100 * MIB, validator=_check_limit)
    max_pixels: int = attrs.field(default=DEFAULT_MAX_PIXELS, validator=_check_pixels)
    blocking: frozenset[str] = attrs.field(default=DEFAULT_BLOCKING, converter=_to_checks)

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

        The error carries the first blocking problem's code; ``details["codes"]`` lists
        every problem's. Non-blocking problems do not stop the file being described.
        """
        inspection = inspect_evidence(data, limits=limits, file_name=file_name)
        if inspection.evidence is None:
            first = inspection.blocking_problems[0]
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
        evidence: The recognised file, or ``None`` when a blocking problem was found.
        problems: Every problem found. Beside accepted evidence only non-blocking ones: the
            content checks an office chose not to refuse (:attr:`EvidenceLimits.blocking`).
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

    @property
    def blocking_problems(self) -> tuple[Problem, ...]:
        """
        The problems that refuse the file (empty exactly when :attr:`ok`).
        """
        return tuple(p for p in self.problems if p.blocking)


# --- recognition ------------------------------------------------------------------------------


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
    if _scan.PDF_HEADER.match(data):
        return MediaType.PDF
    if data.startswith(b"\xff\xd8\xff"):
        return MediaType.JPEG
    if data.startswith(_scan.PNG_SIGNATURE):
        return MediaType.PNG
    if len(data) >= 12 and data[0:4] == b"RIFF" and data[8:12] == b"WEBP":
        return MediaType.WEBP
    return None


_STRUCTURE_CHECKS: Final = {
    MediaType.PDF: _scan.check_pdf,
    MediaType.JPEG: _scan.check_jpeg,
    MediaType.PNG: _scan.check_png,
    MediaType.WEBP: _scan.check_webp,
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
    limit); within the size limit of its format (``evidence_too_large``); whole
    (``evidence_truncated``, ``evidence_malformed``); and, for a whole file, the content
    checks: no active content in a PDF (``evidence_active_content``), no more pixels
    than ``limits.max_pixels`` (``evidence_too_many_pixels``) and nothing but up to 1024
    bytes of padding (white space, NUL) after the end marker (``evidence_trailing_data``).
    A content problem blocks when its code is in ``limits.blocking``; otherwise it is
    reported with ``blocking=False`` and the file is accepted. A file too large is not
    parsed further. ``file_name`` is stored on the result, never read. ``data`` that is not bytes
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
    >>> script = b"%PDF-1.4\\n1 0 obj << /OpenAction << /S /JavaScript /JS (x) >> >> endobj\\n%%EOF"
    >>> [(p.code, p.blocking) for p in inspect_evidence(script).problems]
    [('evidence_active_content', True)]
    >>> padded = inspect_evidence(b"%PDF-1.4\\n%%EOF\\n<html>...</html>")
    >>> padded.ok, [(p.code, p.blocking) for p in padded.problems]
    (True, [('evidence_trailing_data', False)])
    """
    _check_inspection_arguments(limits, file_name)
    found = _as_bytes(data)
    if found is None:
        problem = Problem(
            "evidence_not_bytes",
            field,
            "Berkas bukti harus berupa isi berkas (bytes).",
            "The evidence file must be the file's contents (bytes).",
        )
        return EvidenceInspection(evidence=None, problems=(problem,), media_type=None)
    return _inspect(_scan.Source.of_bytes(found), limits, file_name, field)


def inspect_evidence_file(
    file: IO[bytes],
    *,
    limits: EvidenceLimits = DEFAULT_LIMITS,
    file_name: str | None = None,
    field: str = "evidence",
) -> EvidenceInspection:
    """
    :func:`inspect_evidence` of the whole of a seekable binary file, in bounded memory.

    The file is read from its start to its end through reads of at most 1 MiB at a time
    (the magic number from its first bytes, the structure at known offsets, the content
    checks and the SHA-256 in forward passes), so a 100 MB PDF costs about as much memory
    as a small one. The answer is the one :func:`inspect_evidence` gives for the same bytes.
    The file's position afterwards is unspecified; it is not closed.

    Raises:
        InvalidTypeError: ``file`` is not a readable, seekable binary file, ``limits`` not an
            :class:`EvidenceLimits`, or ``file_name`` not text.
        InvalidEvidenceError: The file shrank while it was read (``evidence_file_changed``).

    >>> import io
    >>> inspection = inspect_evidence_file(io.BytesIO(b"%PDF-1.4\\n%%EOF\\n"), file_name="a.pdf")
    >>> inspection.evidence.media_type, inspection.evidence.size
    (<MediaType.PDF: 'application/pdf'>, 15)
    >>> [p.code for p in inspect_evidence_file(io.BytesIO(b"GIF89a")).problems]
    ['evidence_unrecognised']
    """
    _check_inspection_arguments(limits, file_name)
    if not (
        callable(getattr(file, "read", None))
        and callable(getattr(file, "seek", None))
        and not isinstance(file, io.TextIOBase)
    ):
        raise _wrong_type("file", "berkas biner", "a binary file", file)
    return _inspect(_scan.Source.of_file(file), limits, file_name, field)


def _check_inspection_arguments(limits: object, file_name: object) -> None:
    if not isinstance(limits, EvidenceLimits):
        raise _wrong_type("limits", "EvidenceLimits", "an EvidenceLimits", limits)
    if file_name is not None and not isinstance(file_name, str):
        raise _wrong_type("file_name", "teks", "text", file_name)


def _inspect(
    source: _scan.Source, limits: EvidenceLimits, file_name: str | None, field: str
) -> EvidenceInspection:
    # The checks of inspect_evidence, in its order, over bytes or a file alike.
    if not source.size:
        problem = Problem(
            "evidence_empty",
            field,
            "Berkas bukti kosong (0 byte).",
            "The evidence file is empty (0 bytes).",
        )
        return EvidenceInspection(evidence=None, problems=(problem,), media_type=None)
    media_type = recognise(source.read(0, _scan.HEAD))
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
    problems.extend(limits.size_problems(media_type, source.size, field=field))
    if media_type is not None and not problems:
        scan = _STRUCTURE_CHECKS[media_type](source)
        if scan.fault is not None:
            problems.append(Problem(scan.fault[0], field, scan.fault[1], scan.fault[2]))
        else:
            problems.extend(_content_problems(source, media_type, scan, limits, field))
    if any(p.blocking for p in problems):
        return EvidenceInspection(evidence=None, problems=tuple(problems), media_type=media_type)
    assert media_type is not None  # noqa: S101 - no blocking problem means a format was recognised
    evidence = EvidenceFile(
        sha256=source.sha256(),
        media_type=media_type,
        size=source.size,
        file_name=file_name,
    )
    return EvidenceInspection(evidence=evidence, problems=tuple(problems), media_type=media_type)


def _content_problems(
    source: _scan.Source,
    media_type: MediaType,
    scan: _scan.Scan,
    limits: EvidenceLimits,
    field: str,
) -> list[Problem]:
    """
    The content checks of a whole file, each blocking as ``limits.blocking`` says.
    """
    label = _LABELS[media_type]
    found: list[tuple[str, str, str]] = []
    if scan.active:
        names = ", ".join(scan.active)
        found.append(
            (
                ACTIVE_CONTENT,
                f"Berkas PDF bukti memuat konten aktif ({names}); kirim PDF tanpa skrip, "
                "aksi atau berkas tersemat, misalnya hasil cetak ulang ke PDF atau scan.",
                f"The evidence PDF holds active content ({names}); send a PDF without scripts, "
                "actions or embedded files, e.g. printed again to PDF, or a scan.",
            )
        )
    if scan.size is not None and scan.size[0] * scan.size[1] > limits.max_pixels:
        width, height = scan.size
        found.append(
            (
                TOO_MANY_PIXELS,
                f"Gambar bukti terlalu besar: {width} x {height} piksel; paling banyak "
                f"{_pixels_label(limits.max_pixels, 'megapiksel', 'piksel')}.",
                f"The evidence image is too large: {width} x {height} pixels; at most "
                f"{_pixels_label(limits.max_pixels, 'megapixels', 'pixels')}.",
            )
        )
    trailing = source.size - scan.end
    if trailing > _scan.PADDING_TOLERANCE or source.read(scan.end, trailing).strip(_scan.PADDING):
        found.append(
            (
                TRAILING_DATA,
                f"Berkas bukti memuat {trailing} byte data tambahan setelah akhir berkas {label}.",
                f"The evidence file holds {trailing} bytes of extra data after the end "
                f"of the {label} file.",
            )
        )
    return [
        Problem(code, field, message, message_en, blocking=code in limits.blocking)
        for code, message, message_en in found
    ]


def _pixels_label(pixels: int, mega: str, unit: str) -> str:
    """
    A pixel count for people: ``50 megapixels``, ``1.5 megapixels``, ``300 pixels``.
    """
    if pixels >= 1_000_000:
        amount = pixels / 1_000_000
        text = f"{amount:.0f}" if pixels % 1_000_000 == 0 else f"{amount:.1f}"
        return f"{text} {mega}"
    return f"{pixels} {unit}"


def _chunk(kind: bytes, payload: bytes) -> bytes:
    """
    A PNG chunk (used by the examples and the testing strategies).
    """
    crc = zlib.crc32(kind + payload)
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", crc)
