"""
Reading an evidence file's structure in bounded memory: what :func:`inspect_evidence` and
:func:`inspect_evidence_file` (:mod:`layanan_aduan.domain.evidence`) build on.

A :class:`Source` gives random access to a file's bytes, held in memory (``bytes``) or on
disk (a seekable binary file). Every check below reads through it: small reads at known
offsets (a header, a chunk length), and forward searches in chunks of :data:`CHUNK` bytes
that overlap by the length of what is searched for. A file on disk is therefore never read
whole into memory, and bytes and a file with the same content give the same answers (the
PDF scan is fed the same pieces either way).
"""

from __future__ import annotations

import functools
import hashlib
import re
import struct
import zlib
from collections.abc import Callable, Iterator
from typing import IO, Final

import attrs

from layanan_aduan.exceptions import InvalidEvidenceError

#: How many bytes a forward scan reads at once (a PDF's text, a JPEG's scan data, the hash).
CHUNK: Final = 1024 * 1024
# Small reads at known offsets are served from a window of this many bytes.
_WINDOW: Final = 64 * 1024


class Source:
    """
    Random access to a file's bytes, in memory or on disk, read in bounded pieces.
    """

    def __init__(self, read_at: Callable[[int, int], bytes], size: int, data: bytes | None) -> None:
        self.size = size
        self._read_at = read_at
        self._data = data
        self._window = b""
        self._window_at = 0

    @classmethod
    def of_bytes(cls, data: bytes) -> Source:
        """
        The bytes ``data``.
        """
        return cls(lambda pos, n: data[pos : pos + n], len(data), data)

    @classmethod
    def of_file(cls, file: IO[bytes]) -> Source:
        """
        The whole of ``file`` (a seekable binary file), from its start to its end now.

        A read that ends before that end (the file shrank meanwhile) raises
        :class:`~layanan_aduan.exceptions.InvalidEvidenceError` (``evidence_file_changed``).
        """
        size = file.seek(0, 2)

        def read_at(pos: int, n: int) -> bytes:
            file.seek(pos)
            parts: list[bytes] = []
            wanted = min(n, max(0, size - pos))
            while wanted > 0:
                part = file.read(wanted)
                if not part:
                    raise InvalidEvidenceError(
                        "Berkas bukti berubah saat diperiksa.",
                        "The evidence file changed while it was inspected.",
                        code="evidence_file_changed",
                        field="file",
                        details={"size": size, "offset": pos},
                    )
                parts.append(part)
                wanted -= len(part)
            return b"".join(parts)

        return cls(read_at, size, None)

    def read(self, pos: int, n: int) -> bytes:
        """
        The bytes at ``[pos, pos + n)`` (fewer at the end of the file).
        """
        if self._data is not None:
            return self._data[pos : pos + n]
        start = pos - self._window_at
        if start >= 0 and pos + n <= self._window_at + len(self._window):
            return self._window[start : start + n]
        if n > _WINDOW:
            return self._read_at(pos, n)
        self._window, self._window_at = self._read_at(pos, _WINDOW), pos
        return self._window[:n]

    def chunks(self, start: int = 0) -> Iterator[bytes]:
        """
        The bytes from ``start`` to the end, in pieces of :data:`CHUNK` bytes.
        """
        for pos in range(start, self.size, CHUNK):
            yield self._read_at(pos, CHUNK)

    def find(self, sub: bytes, start: int) -> int:
        """
        The offset of the first ``sub`` at or after ``start``, or -1.
        """
        if self._data is not None:
            return self._data.find(sub, start)
        overlap, step = len(sub) - 1, max(CHUNK, 2 * len(sub))
        pos = start
        while pos < self.size:
            piece = self._read_at(pos, step)
            found = piece.find(sub)
            if found != -1:
                return pos + found
            if len(piece) < step:  # the end of the file (or of what is left of it)
                break
            pos += step - overlap
        return -1

    def sha256(self) -> str:
        """
        The SHA-256 of the whole file, lowercase hex.
        """
        if self._data is not None:
            return hashlib.sha256(self._data).hexdigest()
        digest = hashlib.sha256()
        for piece in self.chunks():
            digest.update(piece)
        return digest.hexdigest()


# --- recognition ------------------------------------------------------------------------------

PNG_SIGNATURE: Final = b"\x89PNG\r\n\x1a\n"
PDF_HEADER: Final = re.compile(rb"%PDF-[12]\.[0-9]")
#: How many bytes at the start of a file recognition reads.
HEAD: Final = 16
_PDF_TAIL: Final = 1024


# Each format's scan says whether the file is whole (a fault, else None) and, for a whole
# file, what the content checks need: where the format ends, the declared image size, and
# the active-content names found in a PDF.
Fault = tuple[str, str, str]
TRUNCATED: Final = (
    "evidence_truncated",
    "Berkas bukti terpotong (tidak utuh); mohon kirim ulang.",
    "The evidence file is truncated (incomplete); please send it again.",
)
MALFORMED: Final = (
    "evidence_malformed",
    "Berkas bukti rusak; mohon kirim ulang.",
    "The evidence file is malformed; please send it again.",
)


@attrs.frozen
class Scan:
    """
    What a format's structural check found.
    """

    fault: Fault | None = None
    end: int = 0  # offset just after the format's end marker
    size: tuple[int, int] | None = None  # (width, height) as the header declares it
    active: tuple[str, ...] = ()  # PDF names of active content, in ACTIVE_NAMES order


_BROKEN: Final = {f: Scan(fault=f) for f in (TRUNCATED, MALFORMED)}

#: Bytes after the end marker that are only padding: PDF white space and NUL, at most this many.
PADDING: Final = b"\x00\t\n\x0c\r "
PADDING_TOLERANCE: Final = 1024

# --- PDF ------------------------------------------------------------------------------------

# The names of active content: scripts (/JavaScript, /JS, also how an /OpenAction or a
# link runs a script), launching programs (/Launch), files carried inside (/EmbeddedFile,
# /EmbeddedFiles) and actions run on events such as opening a page (/AA).
ACTIVE_NAMES: Final = ("JavaScript", "JS", "Launch", "EmbeddedFiles", "EmbeddedFile", "AA")
# A name ends at white space or a delimiter (ISO 32000-1, 7.2.2).
_NAME_END: Final = rb"(?![^\x00\t\n\x0c\r /\[\]<>(){}%])"


def _spellings(letter: str) -> bytes:
    # A letter as a pattern: itself, or a ``#xx`` escape with its hex digits in either case.
    code = f"{ord(letter):02x}"
    escapes = sorted({code, code.upper(), code[0] + code[1].upper(), code[0].upper() + code[1]})
    return b"(?:%s|#(?:%s))" % (re.escape(letter.encode()), b"|".join(e.encode() for e in escapes))


@functools.cache
def _name_regex(name: str) -> re.Pattern[bytes]:
    # A name may write any character as "#" and two hex digits (/J#61vaScript is /JavaScript):
    # each letter is matched in either spelling, so the text is searched as it is, at C speed,
    # with no decoding pass whatever the number of "#" it holds.
    return re.compile(b"/" + b"".join(_spellings(c) for c in name) + _NAME_END)


# The longest match of a name looked for: its slash and every letter escaped.
_LONGEST_NAME: Final = 1 + 3 * max(len(n) for n in ACTIVE_NAMES)


def find_names(text: bytes, names: tuple[str, ...]) -> set[str]:
    """
    Which of ``names`` occur in ``text`` as PDF names (escaped letters too): one search each.
    """
    return {n for n in names if _name_regex(n).search(text)}


class _NameScan:
    """
    :func:`find_names` of :data:`ACTIVE_NAMES` over a text given piece by piece, with the
    same answer as over the whole text.

    The text keeps its last ``_LONGEST_NAME`` bytes, so that a name cut by the end of a piece
    is found in the next; a name that ends a piece is counted only once the byte after it (or
    the end of the text) shows where it ends.
    """

    def __init__(self, found: set[str]) -> None:
        self.found = found
        self._text = b""

    def feed(self, piece: bytes, *, final: bool = False) -> None:
        text = self._text + piece
        for name in ACTIVE_NAMES:
            if name in self.found:
                continue
            match = _name_regex(name).search(text)
            if match is not None and (final or match.end() < len(text)):
                self.found.add(name)
        self._text = text[-_LONGEST_NAME:]

    def finish(self) -> None:
        self.feed(b"", final=True)
        self._text = b""


# The stream keyword after a dictionary; its data runs to "endstream". Stream data
# (images, page content) is skipped, so that binary bytes cannot look like a name; after
# this many streams the rest of a file is scanned whole, to keep the time linear. At most
# _KEYWORD_SPACE bytes of white space may separate the dictionary from the keyword (writers
# put one line end; a file with more is scanned through, which only finds more).
_KEYWORD_SPACE: Final = 1024
_STREAM: Final = re.compile(rb">>[\x00\t\n\x0c\r ]{0,%d}stream(?:\r\n|\n|\r)" % _KEYWORD_SPACE)
_LONGEST_KEYWORD: Final = len(b">>") + _KEYWORD_SPACE + len(b"stream\r\n")
_END_KEYWORD: Final = b"endstream"
_MAX_STREAMS: Final = 100_000
_DICTIONARY_WINDOW: Final = 4096
# Object streams (PDF 1.5) hide dictionaries in compressed data: they are inflated, up to
# this many bytes in all per file, and scanned too.
_OBJECT_STREAM: Final = {"ObjStm", "FlateDecode"}
_INFLATE_BUDGET: Final = 32 * 1024 * 1024


def _next_stream(source: Source, pos: int, names: _NameScan) -> tuple[int, bytes] | None:
    """
    Scan the text from ``pos`` up to the next stream keyword; answer where the stream's data
    starts and the last :data:`_DICTIONARY_WINDOW` bytes of text before the keyword, or
    ``None`` when no stream follows (the rest of the file was scanned).
    """
    window = b""
    carry = b""
    at = pos
    while True:
        piece = source.read(at, CHUNK) if at < source.size else b""
        at += len(piece)
        text = carry + piece
        final = at >= source.size or not piece  # a file that shrank ends where it ends
        match = _STREAM.search(text)
        # A keyword that ends the text read so far may go on ("\r" then "\n"): read on.
        if match is not None and (final or match.end() < len(text)):
            before = text[: match.start()]
            names.feed(before)
            window = (window + before)[-_DICTIONARY_WINDOW:]
            return at - len(text) + match.end(), window
        if final:
            names.feed(text)
            return None
        # Keep what may be the start of a keyword cut by the end of this piece.
        keep = len(text) - match.start() if match is not None else _LONGEST_KEYWORD - 1
        done = text[: max(0, len(text) - keep)]
        names.feed(done)
        window = (window + done)[-_DICTIONARY_WINDOW:]
        carry = text[len(done) :]


def _inflated_names(
    source: Source, start: int, end: int, budget: int
) -> tuple[set[str], int] | None:
    """
    The active names in the Flate data at ``[start, end)``, inflated up to ``budget`` bytes,
    and how many bytes it gave; ``None`` when the data is not Flate after all.
    """
    inflater = zlib.decompressobj()
    found: set[str] = set()
    names = _NameScan(found)
    produced = 0
    pos = start
    try:
        while pos < end and produced < budget:
            pending = source.read(pos, min(CHUNK, end - pos))
            if not pending:
                break
            pos += len(pending)
            while pending and produced < budget:
                out = inflater.decompress(pending, min(CHUNK, budget - produced))
                produced += len(out)
                names.feed(out)
                pending = inflater.unconsumed_tail
                if not out:
                    break
    except zlib.error:
        return None  # not Flate after all: nothing to read
    names.finish()
    return found, produced


def active_names(source: Source) -> tuple[str, ...]:
    """
    The active-content names in a PDF, outside stream data and inside object streams.

    A heuristic byte scan, not a parser: it finds active content as PDF writers produce
    it; a file crafted to hide it from this scan can (so PDFs are best opened in a sandbox).
    """
    found: set[str] = set()
    budget, pos = _INFLATE_BUDGET, 0
    for _ in range(_MAX_STREAMS):
        names = _NameScan(found)
        located = _next_stream(source, pos, names)
        names.finish()
        if located is None:
            return tuple(f"/{n}" for n in ACTIVE_NAMES if n in found)
        data_start, window = located
        end = source.find(_END_KEYWORD, data_start)
        end = source.size if end == -1 else end
        head = window[window.rfind(b"obj") + 1 :]  # this object's dictionary (all, without "obj")
        if budget > 0 and find_names(head, ("ObjStm", "FlateDecode")) == _OBJECT_STREAM:
            inflated = _inflated_names(source, data_start, end, budget)
            if inflated is not None:
                found |= inflated[0]
                budget -= inflated[1]
        pos = end
    names = _NameScan(found)
    for piece in source.chunks(pos):
        names.feed(piece)
    names.finish()
    return tuple(f"/{n}" for n in ACTIVE_NAMES if n in found)


def check_pdf(source: Source) -> Scan:
    """
    A whole PDF has ``%%EOF`` in its last 1024 bytes; the last one there is its end.
    """
    tail_start = max(0, source.size - _PDF_TAIL)
    marker = source.read(tail_start, _PDF_TAIL).rfind(b"%%EOF")
    if marker == -1:
        return _BROKEN[TRUNCATED]
    return Scan(end=tail_start + marker + len(b"%%EOF"), active=active_names(source))


# --- JPEG -----------------------------------------------------------------------------------

# JPEG markers without a length field: TEM, RSTn, SOI, EOI.
_JPEG_STANDALONE: Final = frozenset({0x01, *range(0xD0, 0xDA)})
_JPEG_SOF: Final = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}


def check_jpeg(source: Source) -> Scan:  # noqa: PLR0911, PLR0912 - one branch per way the walk ends
    """
    Walk the marker segments up to the scan; require a frame header and an EOI after it.

    The frame header (SOFn) gives the image size. The first EOI after the scan ends the
    image (entropy-coded data cannot hold one); bytes after it are trailing data.
    """
    pos, size, total = 2, None, source.size
    while True:
        if pos + 2 > total:
            return _BROKEN[TRUNCATED]
        fill, marker = source.read(pos, 2)
        if fill != 0xFF:
            return _BROKEN[MALFORMED]
        if marker == 0xFF:  # fill byte before a marker
            pos += 1
            continue
        if marker in _JPEG_STANDALONE:
            if marker == 0xD9:
                return _BROKEN[MALFORMED]  # an image that ends before any scan
            pos += 2
            continue
        if pos + 4 > total:
            return _BROKEN[TRUNCATED]
        (length,) = struct.unpack(">H", source.read(pos + 2, 2))
        if length < 2:
            return _BROKEN[MALFORMED]
        if pos + 2 + length > total:
            return _BROKEN[TRUNCATED]
        if marker in _JPEG_SOF:
            if length < 8:  # precision, height, width, component count at least
                return _BROKEN[MALFORMED]
            height, width = struct.unpack(">HH", source.read(pos + 5, 4))
            size = (width, height)
        if marker == 0xDA:  # start of scan: entropy-coded data follows, up to EOI
            if size is None:
                return _BROKEN[MALFORMED]
            eoi = source.find(b"\xff\xd9", pos + 2 + length)
            return _BROKEN[TRUNCATED] if eoi == -1 else Scan(end=eoi + 2, size=size)
        pos += 2 + length


# --- PNG ------------------------------------------------------------------------------------

_PNG_MAX_SIDE: Final = 2**31 - 1


def check_png(source: Source) -> Scan:
    """
    Walk the chunks: IHDR first (13 bytes, valid CRC, sides 1 to 2**31-1), every chunk
    inside the file, IEND last.
    """
    pos, size = len(PNG_SIGNATURE), None
    while True:
        if pos + 8 > source.size:
            return _BROKEN[TRUNCATED]
        length, kind = struct.unpack(">I4s", source.read(pos, 8))
        end = pos + 8 + length + 4
        if end > source.size:
            return _BROKEN[TRUNCATED]
        if size is None:
            if kind != b"IHDR" or length != 13:
                return _BROKEN[MALFORMED]
            header = source.read(pos + 4, 4 + 13 + 4)  # type, data, CRC
            (crc,) = struct.unpack(">I", header[-4:])
            if zlib.crc32(header[:-4]) != crc:
                return _BROKEN[MALFORMED]
            size = struct.unpack(">II", header[4:12])
            if not all(1 <= side <= _PNG_MAX_SIDE for side in size):
                return _BROKEN[MALFORMED]
        if kind == b"IEND":
            return Scan(end=end, size=size)
        pos = end


# --- WebP -----------------------------------------------------------------------------------


def _webp_size(kind: bytes, chunk: bytes) -> tuple[int, int] | None:
    """
    The canvas size in a WebP's first chunk, or ``None`` when its header is not there.
    """
    if kind == b"VP8 ":  # frame tag (3), start code 9D 01 2A, 14-bit width and height
        if len(chunk) < 10 or chunk[3:6] != b"\x9d\x01\x2a":
            return None
        width, height = struct.unpack("<HH", chunk[6:10])
        return (width & 0x3FFF, height & 0x3FFF)
    if kind == b"VP8L":  # signature 2F, then width-1 and height-1 in 14 bits each
        if len(chunk) < 5 or chunk[0] != 0x2F:
            return None
        (bits,) = struct.unpack("<I", chunk[1:5])
        return ((bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1)
    # VP8X: flags (1), reserved (3), canvas width-1 and height-1 in 24 bits each
    if len(chunk) < 10:
        return None
    width = int.from_bytes(chunk[4:7], "little") + 1
    height = int.from_bytes(chunk[7:10], "little") + 1
    return (width, height)


# The most of a WebP's first chunk _webp_size reads.
_WEBP_HEADER: Final = 10


def check_webp(source: Source) -> Scan:
    """
    The RIFF size covers the file, and the first chunk is VP8, VP8L or VP8X with its header.
    """
    (riff_size,) = struct.unpack("<I", source.read(4, 4))
    if riff_size % 2 or riff_size < 4 + 8:
        return _BROKEN[MALFORMED]
    if 8 + riff_size > source.size:
        return _BROKEN[TRUNCATED]
    kind = source.read(12, 4)
    if kind not in (b"VP8 ", b"VP8L", b"VP8X"):
        return _BROKEN[MALFORMED]
    (chunk_size,) = struct.unpack("<I", source.read(16, 4))
    if 20 + chunk_size > 8 + riff_size:
        return _BROKEN[MALFORMED]
    size = _webp_size(kind, source.read(20, min(chunk_size, _WEBP_HEADER)))
    if size is None:
        return _BROKEN[MALFORMED]
    return Scan(end=8 + riff_size, size=size)
