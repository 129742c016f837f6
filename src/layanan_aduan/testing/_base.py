"""
Strategies for instants, the reporter's identity and evidence files.

The implementation behind :mod:`layanan_aduan.testing.strategies`, which is the public
module: import from there.

**Warm-up.** The first use of some things is slow: hypothesis' first ``st.characters`` or
``st.emails`` builds tables (seconds on a cold machine), the first telephone number loads
libphonenumber's metadata, the first deadline in a year loads the python-holidays data and
the time zones. Under hypothesis' defaults, that cost in a draw trips the ``too_slow``
health check and in a test body the 200 ms deadline (then a flaky error on the fast
replay). So the strategies that lead there are :func:`hypothesis.strategies.deferred`: their
definition runs once, when ``@given`` validates its strategies before the first example,
outside both timings, and warms those caches first (once per process).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import struct
import zlib
from collections.abc import Callable, Collection, Sequence
from typing import Final, TypeVar

import pendulum
import phonenumbers
from hypothesis import strategies as st

from layanan_aduan.domain.evidence import (
    EvidenceLimits,
    MediaType,
)
from layanan_aduan.domain.identity import (
    EMAIL_MAX_LENGTH,
    NIK_LENGTH,
    PROVINCES,
    Nik,
    PhoneNumber,
    Reporter,
    WhatsAppUserId,
)

__all__ = [
    "NIK_STRUCTURE_FAULTS",
    "PHONE_INPUT_FORMS",
    "RETIRED_REGENCY_CODES",
    "evidence_files",
    "instants",
    "invalid_evidence",
    "invalid_niks",
    "invalid_phone_numbers",
    "names",
    "niks",
    "phone_input_forms",
    "phone_numbers",
    "reporters",
    "whatsapp_user_ids",
]

_ZONES = ("Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura", "UTC")

_T = TypeVar("_T")
#: At most this many years of holiday data are loaded ahead by :func:`instants`.
_WARM_YEARS: Final = 12


def _warmed(
    define: Callable[[], st.SearchStrategy[_T]], *warm: Callable[[], None]
) -> st.SearchStrategy[_T]:
    """
    ``define()``'s strategy, built (after the ``warm`` calls) when first validated.
    """

    def definition() -> st.SearchStrategy[_T]:
        for step in warm:
            step()
        return define()

    return st.deferred(definition)


@functools.cache
def _warm_calendar(min_year: int, max_year: int) -> None:
    """
    Load, once per process, what the first deadline in each year of the range needs.
    """
    from layanan_aduan.adapters.holidays_id import indonesian_calendar
    from layanan_aduan.domain.worktime import WorkingTime
    from layanan_aduan.exceptions import LayananAduanError

    working_time = WorkingTime(indonesian_calendar())
    first = max(min_year, 1)
    for year in range(first, min(max_year, 9998, first + _WARM_YEARS - 1) + 1):
        # Warming is best effort: a year the calendar refuses is refused in the test too.
        with contextlib.suppress(LayananAduanError):
            working_time.add(pendulum.datetime(year, 6, 1, 9, tz="Asia/Jakarta"), dt.timedelta(1))
    for zone in _ZONES:
        pendulum.timezone(zone)


@functools.cache
def _warm_identity() -> None:
    """
    Build, once per process, the tables behind names, e-mails and telephone numbers.
    """
    # Validation builds hypothesis' character tables: st.emails() draws its domain labels
    # from a regex over UTF-8 characters, whose table (seconds on a cold machine) it would
    # otherwise build inside its first draw. Parsing loads libphonenumber's metadata for
    # Indonesia and the regions foreign numbers come from.
    for strategy in (
        names(),
        st.emails(),
        st.characters(codec="utf-8"),
        st.from_regex(r"[a-z0-9-]{1,8}", fullmatch=True),
        _indonesian_mobile_nsns(),
        whatsapp_user_ids(),
    ):
        strategy.validate()
    PhoneNumber.parse("081234567890")
    for region in _FOREIGN_REGIONS:
        phonenumbers.example_number_for_type(region, phonenumbers.PhoneNumberType.MOBILE)
    Nik.parse("3171010101900001")


def instants(
    *,
    min_year: int = 2020,
    max_year: int = 2027,
    zones: tuple[str, ...] = _ZONES,
) -> st.SearchStrategy[pendulum.DateTime]:
    """
    Aware instants, to the second, between ``min_year`` and ``max_year`` inclusive.

    Each is expressed in one of ``zones`` (WIB, WITA, WIT and UTC by default), so
    tests also check that answers do not depend on the input's time zone. The holiday
    data and time zones of the range's first years are loaded before the first example
    (see the module's note on warm-up), so a test's first deadline in a year is fast.
    """
    return _warmed(
        lambda: _instants(min_year=min_year, max_year=max_year, zones=zones),
        lambda: _warm_calendar(min_year, max_year),
    )


@st.composite
def _instants(
    draw: st.DrawFn, *, min_year: int, max_year: int, zones: tuple[str, ...]
) -> pendulum.DateTime:
    naive = draw(
        st.datetimes(
            min_value=dt.datetime(min_year, 1, 1),  # noqa: DTZ001 - hypothesis wants naive bounds
            max_value=dt.datetime(max_year, 12, 31, 23, 59, 59),  # noqa: DTZ001
        )
    ).replace(microsecond=0)
    utc = pendulum.instance(naive, tz="UTC")
    return utc.in_timezone(draw(st.sampled_from(zones)))


# --- NIK --------------------------------------------------------------------------------------

#: Regency codes a NIK can carry although today's Kemendagri list has moved the regency
#: (retired code -> (name, today's code)); the notes' examples from the 2022 split of
#: Papua (cahyadsn/wilayah ``db/archive/wilayah_2022.sql`` against ``db/wilayah.sql``).
RETIRED_REGENCY_CODES: Final = {
    "9101": ("Kabupaten Merauke", "9301"),
    "9271": ("Kota Sorong", "9671"),
}

#: The structure faults :func:`invalid_niks` can combine in one 16-digit NIK.
NIK_STRUCTURE_FAULTS: Final = (
    "nik_unknown_province",
    "nik_invalid_regency",
    "nik_invalid_district",
    "nik_invalid_birth_date",
    "nik_zero_serial",
)
_UNKNOWN_PROVINCES: Final = tuple(f"{n:02d}" for n in range(100) if f"{n:02d}" not in PROVINCES)
_REGENCIES: Final = tuple(range(1, 70)) + tuple(range(71, 100))


def _birth_part(date: dt.date, female: bool) -> str:
    return f"{date.day + (40 if female else 0):02d}{date.month:02d}{date.year % 100:02d}"


@st.composite
def niks(
    draw: st.DrawFn,
    *,
    female: bool | None = None,
    historical: bool | None = False,
    province: str | None = None,
    separators: bool = False,
) -> str:
    """
    Valid NIKs as a reporter types them (16 digits; with ``separators``, spaced or dotted).

    Args:
        female: ``True`` for women (day of birth plus 40), ``False`` for men, ``None``
            for either.
        historical: ``True`` for a NIK with a retired regency code
            (:data:`RETIRED_REGENCY_CODES`, e.g. Merauke's pre-2022 ``9101``), ``False``
            (the default) for any province of :data:`~layanan_aduan.domain.identity.PROVINCES`,
            ``None`` for either.
        province: Fix the two-digit province code (ignored for historical NIKs).
        separators: Group the digits with spaces, dots or hyphens, as people write them.
    """
    use_retired = draw(st.booleans()) if historical is None else historical
    if use_retired:
        prefix = draw(st.sampled_from(sorted(RETIRED_REGENCY_CODES)))
    else:
        code = province if province is not None else draw(st.sampled_from(sorted(PROVINCES)))
        prefix = f"{code}{draw(st.sampled_from(_REGENCIES)):02d}"
    district = draw(st.integers(1, 99))
    is_female = draw(st.booleans()) if female is None else female
    born = draw(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2099, 12, 31)))
    serial = draw(st.integers(1, 9999))
    value = f"{prefix}{district:02d}{_birth_part(born, is_female)}{serial:04d}"
    if separators:
        sep = draw(st.sampled_from([" ", ".", "-"]))
        value = sep.join([value[0:6], value[6:12], value[12:16]])
    return value


def _invalid_birth_parts() -> st.SearchStrategy[str]:
    day_bad = st.tuples(
        st.sampled_from([0, *range(32, 41), *range(72, 100)]),
        st.integers(1, 12),
        st.integers(0, 99),
    )
    month_bad = st.tuples(
        st.integers(1, 71).filter(lambda d: d <= 31 or d >= 41),
        st.sampled_from([0, *range(13, 100)]),
        st.integers(0, 99),
    )
    # Days that exist in no month given, in either century: 30-31 February, 31 of a
    # 30-day month, 29 February of a year that is a leap year in neither century.
    no_such_day = st.one_of(
        st.tuples(st.sampled_from([30, 31]), st.just(2), st.integers(0, 99)),
        st.tuples(st.just(31), st.sampled_from([4, 6, 9, 11]), st.integers(0, 99)),
        st.tuples(st.just(29), st.just(2), st.integers(1, 99).filter(lambda y: y % 4 != 0)),
    )
    return st.tuples(st.one_of(day_bad, month_bad, no_such_day), st.booleans()).map(
        lambda t: (
            f"{t[0][0] + (40 if t[1] and 1 <= t[0][0] <= 31 else 0):02d}{t[0][1]:02d}{t[0][2]:02d}"
        )
    )


@st.composite
def _nik_with_faults(draw: st.DrawFn, faults: frozenset[str]) -> str:
    valid = draw(niks(historical=None))
    province = (
        draw(st.sampled_from(_UNKNOWN_PROVINCES))
        if "nik_unknown_province" in faults
        else valid[0:2]
    )
    regency = draw(st.sampled_from(["00", "70"])) if "nik_invalid_regency" in faults else valid[2:4]
    district = "00" if "nik_invalid_district" in faults else valid[4:6]
    birth = draw(_invalid_birth_parts()) if "nik_invalid_birth_date" in faults else valid[6:12]
    serial = "0000" if "nik_zero_serial" in faults else valid[12:16]
    return province + regency + district + birth + serial


_SINGLE_NIK_CODES: Final = ("nik_missing", "nik_invalid_characters", "nik_invalid_length")


def invalid_niks(*, codes: Collection[str] | None = None) -> st.SearchStrategy[str]:
    """
    NIKs that :func:`~layanan_aduan.domain.identity.nik_problems` refuses.

    Args:
        codes: The problem codes the NIK must have, exactly: ``{"nik_missing"}``,
            ``{"nik_invalid_characters"}``, ``{"nik_invalid_length"}``, or any non-empty
            subset of :data:`NIK_STRUCTURE_FAULTS` (a 16-digit NIK with exactly those
            faults). ``None`` draws one of these at random.

    Raises:
        ValueError: when no NIK can have exactly ``codes``.
    """
    if codes is None:
        return st.one_of(
            st.sampled_from(_SINGLE_NIK_CODES).flatmap(lambda c: _invalid_nik(frozenset({c}))),
            st.sets(st.sampled_from(NIK_STRUCTURE_FAULTS), min_size=1).flatmap(
                lambda faults: _invalid_nik(frozenset(faults))
            ),
        )
    wanted = frozenset(codes)
    single = len(wanted) == 1 and next(iter(wanted)) in _SINGLE_NIK_CODES
    if not single and not (wanted and wanted <= set(NIK_STRUCTURE_FAULTS)):
        raise ValueError(f"cannot build a NIK with exactly the codes {sorted(wanted)}")
    return _invalid_nik(wanted)


@st.composite
def _invalid_nik(draw: st.DrawFn, wanted: frozenset[str]) -> str:
    if wanted == {"nik_missing"}:
        return draw(st.sampled_from(["", " ", "\t", "   "]))
    if wanted == {"nik_invalid_characters"}:
        valid = draw(niks())
        position = draw(st.integers(0, len(valid) - 1))
        bad = draw(st.sampled_from(list("OoIlSB/,_*#abcxyz")))
        return valid[:position] + bad + valid[position + 1 :]
    if wanted == {"nik_invalid_length"}:
        length = draw(st.integers(1, 24).filter(lambda n: n != NIK_LENGTH))
        return draw(st.text(alphabet="0123456789", min_size=length, max_size=length))
    return draw(_nik_with_faults(wanted))


# --- telephone --------------------------------------------------------------------------------

#: The input forms :func:`phone_numbers` writes an Indonesian mobile number in.
PHONE_INPUT_FORMS: Final = (
    "08",  # 081234567890
    "08-dashed",  # 0812-3456-7890
    "8",  # 81234567890
    "628",  # 6281234567890
    "+628",  # +6281234567890
    "+62-spaced",  # +62 812 3456 7890
    "(+62)",  # (+62) 812-3456-7890
    "+62(0)",  # +62 (0) 812 3456 7890
    "0062",  # 0062 812 3456 7890
)

_FOREIGN_REGIONS: Final = ("MY", "SG", "SA", "HK", "TW", "AE", "AU", "NL", "GB", "US")


def _groups(nsn: str) -> list[str]:
    return [nsn[0:3], nsn[3:7], nsn[7:]]


def phone_input_forms(nsn: str) -> dict[str, str]:
    """
    An Indonesian mobile number (national significant number, ``8…``) in every input form.

    >>> phone_input_forms("81234567890")["08-dashed"]
    '0812-3456-7890'
    """
    g = _groups(nsn)
    return {
        "08": "0" + nsn,
        "08-dashed": "0" + "-".join(g),
        "8": nsn,
        "628": "62" + nsn,
        "+628": "+62" + nsn,
        "+62-spaced": "+62 " + " ".join(g),
        "(+62)": "(+62) " + "-".join(g),
        "+62(0)": "+62 (0) " + " ".join(g),
        "0062": "0062 " + " ".join(g),
    }


def _indonesian_mobile_nsns() -> st.SearchStrategy[str]:
    # libphonenumber's ID mobile pattern: 8[1-35-9]\d{7,10} (notes §2b).
    return st.tuples(
        st.sampled_from("12356789"),
        st.text(alphabet="0123456789", min_size=7, max_size=10),
    ).map(lambda t: "8" + t[0] + t[1])


def phone_numbers(
    *,
    forms: Sequence[str] = PHONE_INPUT_FORMS,
    foreign: bool = False,
) -> st.SearchStrategy[str]:
    """
    Telephone numbers that :meth:`PhoneNumber.parse` accepts, as people write them.

    libphonenumber's metadata is loaded before the first example (see the module's note
    on warm-up).

    Args:
        forms: Which of :data:`PHONE_INPUT_FORMS` to write Indonesian numbers in.
        foreign: ``True`` for a foreign mobile number (Malaysia, Saudi Arabia, Hong
            Kong, …) written ``+CC …`` or ``00CC…`` instead of an Indonesian one.
    """
    return _warmed(lambda: _phone_numbers(forms=forms, foreign=foreign), _warm_identity)


@st.composite
def _phone_numbers(draw: st.DrawFn, *, forms: Sequence[str], foreign: bool) -> str:
    if foreign:
        region = draw(st.sampled_from(_FOREIGN_REGIONS))
        example = phonenumbers.example_number_for_type(region, phonenumbers.PhoneNumberType.MOBILE)
        if example is None:  # every region listed has a mobile example in the metadata
            raise ValueError(f"no mobile example number for {region}")
        e164 = phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.E164)
        return draw(st.sampled_from([e164, "00" + e164[1:]]))
    nsn = draw(_indonesian_mobile_nsns())
    return phone_input_forms(nsn)[draw(st.sampled_from(list(forms)))]


def invalid_phone_numbers() -> st.SearchStrategy[str]:
    """
    Telephone numbers that :meth:`PhoneNumber.parse` refuses.

    Too short or too long, letters, Indonesian landlines (``021…``), toll-free
    (``0800…``) and premium numbers, and prefixes outside the mobile plan (``084…``).
    """
    digits = st.text(alphabet="0123456789", min_size=1, max_size=6)
    return st.one_of(
        digits.map(lambda d: "08" + d[:5]),  # too short
        st.text(alphabet="0123456789", min_size=13, max_size=16).map(lambda d: "08" + d),
        st.sampled_from(["0812-ABCD-7890", "nomor saya", "+62 812 34x5 6789", "++6281234567"]),
        st.text(alphabet="0123456789", min_size=7, max_size=8).map(lambda d: "021" + d),
        st.text(alphabet="0123456789", min_size=7, max_size=7).map(lambda d: "0800" + d),
        st.text(alphabet="0123456789", min_size=7, max_size=9).map(lambda d: "084" + d),
        st.text(alphabet="0123456789", min_size=7, max_size=9).map(lambda d: "080" + d),
    )


def whatsapp_user_ids() -> st.SearchStrategy[str]:
    """
    WhatsApp business-scoped user ids, ``CC.<alnum>`` (e.g. ``ID.13491208655302741918``).
    """
    return st.tuples(
        st.sampled_from(["ID", "US", "MY", "SG", "SA", "NL"]),
        st.text(
            alphabet="0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
            min_size=8,
            max_size=32,
        ),
    ).map(lambda t: f"{t[0]}.{t[1]}")


# --- reporter ---------------------------------------------------------------------------------

_GIVEN_NAMES: Final = (
    "Budi", "Siti", "Agus", "Dewi", "Ahmad", "Sri", "Rina", "Hendra", "Putri", "Wahyu",
    "Nur", "Eko", "Yusuf", "Ketut", "Made", "Ni", "Wayan", "Maria", "Yohanes", "Fransiska",
)  # fmt: skip
_FAMILY_NAMES: Final = (
    "Santoso", "Wijaya", "Rahmawati", "Saputra", "Hidayat", "Kurniawan", "Pratama",
    "Nasution", "Siregar", "Simanjuntak", "Lestari", "Halim", "Ma'ruf", "Daeng Ngalle",
)  # fmt: skip


def names() -> st.SearchStrategy[str]:
    """
    Plausible full names: Indonesian given and family names, or random letters.
    """
    listed = st.lists(st.sampled_from(_GIVEN_NAMES + _FAMILY_NAMES), min_size=1, max_size=4).map(
        " ".join
    )
    letters = st.lists(
        st.text(alphabet=st.characters(categories=["Lu", "Ll"]), min_size=2, max_size=12),
        min_size=1,
        max_size=4,
    ).map(" ".join)
    return st.one_of(listed, letters)


def reporters(
    *,
    with_phone: bool | None = None,
    with_user_id: bool | None = None,
) -> st.SearchStrategy[Reporter]:
    """
    Valid reporters: name, NIK, at least one contact, sometimes address and e-mail.

    Args:
        with_phone: Force a telephone number (``True``) or none (``False``).
        with_user_id: Force a WhatsApp user id (``True``) or none (``False``). Left
            ``None``, each is drawn, always leaving at least one contact.

    Raises:
        ValueError: when both are ``False`` (a reporter needs a contact).
    """
    if with_phone is False and with_user_id is False:
        raise ValueError("a reporter needs a telephone number or a WhatsApp user id")
    return _warmed(lambda: _reporters(with_phone, with_user_id), _warm_identity)


@st.composite
def _reporters(draw: st.DrawFn, with_phone: bool | None, with_user_id: bool | None) -> Reporter:
    has_phone = draw(st.booleans()) if with_phone is None else with_phone
    has_user_id = draw(st.booleans()) if with_user_id is None else with_user_id
    if not (has_phone or has_user_id):
        # Only reachable with a None knob: give the reporter the contact left free.
        has_phone = with_phone is None
        has_user_id = not has_phone
    return Reporter(
        name=draw(names()),
        nik=Nik.parse(draw(niks(historical=None))),
        phone=PhoneNumber.parse(draw(phone_numbers())) if has_phone else None,
        whatsapp_user_id=WhatsAppUserId(draw(whatsapp_user_ids())) if has_user_id else None,
        address=draw(
            st.none()
            | st.sampled_from(
                ["Jl. Merpati Blok B-XII No. 5, Kemayoran", "Jl. Kenari II No. 7, Senen"]
            )
        ),
        email=draw(st.none() | st.emails().filter(lambda e: len(e) <= EMAIL_MAX_LENGTH)),
    )


# --- evidence ---------------------------------------------------------------------------------

# A real 1x1 grey baseline JPEG (written by libjpeg through Pillow; 331 bytes).
_JPEG_1X1: Final = bytes.fromhex(
    "ffd8ffe000104a46494600010100000100010000ffdb004300100b0c0e0c0a100e0d0e121110131828"
    "1a181616183123251d283a333d3c3933383740485c4e404457453738506d51575f626768673e4d7179"
    "7064785c656763ffc0000b080001000101011100ffc4001f000001050101010101010000000000000000"
    "0102030405060708090a0bffc400b5100002010303020403050504040000017d010203000411051221"
    "31410613516107227114328191a1082342b1c11552d1f02433627282090a161718191a25262728292a"
    "3435363738393a434445464748494a535455565758595a636465666768696a737475767778797a8384"
    "85868788898a92939495969798999aa2a3a4a5a6a7a8a9aab2b3b4b5b6b7b8b9bac2c3c4c5c6c7c8c9"
    "cad2d3d4d5d6d7d8d9dae1e2e3e4e5e6e7e8e9eaf1f2f3f4f5f6f7f8f9faffda0008010100003f002b"
    "ffd9"
)
_JFIF_END: Final = 20  # SOI (2) + APP0 JFIF segment (18): a COM segment may follow it

# Real 1x1 WebP files: lossy (VP8), lossless (VP8L), extended with alpha and animated
# (VP8X), the four feature probes widely used by browsers' WebP detection.
_WEBPS: Final = tuple(
    bytes.fromhex(h)
    for h in (
        "52494646220000005745425056503820160000003001009d012a010001000ec0fe25a400037000000000",
        "524946461a000000574542505650384c0d0000002f00000010071011118888fe0700",
        "524946464a00000057454250565038580a00000010000000000000000000414c50480c00000011071011"
        "fd0f4444ff03000056503820180000001401009d012a010001000000fe00000dc000fee6b5000000",
        "524946465200000057454250565038580a00000012000000000000000000414e494d06000000ffffffff"
        "0000414e4d4626000000000000000000000000000000640000005650384c0d0000002f00000010071011"
        "118888fe0700",
    )
)


def _png_chunk(kind: bytes, payload: bytes) -> bytes:
    return (
        struct.pack(">I", len(payload))
        + kind
        + payload
        + struct.pack(">I", zlib.crc32(kind + payload))
    )


@st.composite
def _pngs(draw: st.DrawFn) -> bytes:
    width, height = draw(st.integers(1, 16)), draw(st.integers(1, 16))
    colour_type, channels = draw(st.sampled_from([(0, 1), (2, 3), (6, 4)]))
    pixels = draw(st.binary(min_size=width * height * channels, max_size=width * height * channels))
    row = width * channels
    raw = b"".join(b"\x00" + pixels[y * row : (y + 1) * row] for y in range(height))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, colour_type, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", ihdr)
        + _png_chunk(b"IDAT", zlib.compress(raw))
        + _png_chunk(b"IEND", b"")
    )


@st.composite
def _jpeg_parts(draw: st.DrawFn) -> tuple[bytes, bytes]:
    """
    A whole JPEG up to its end-of-image marker, and a trailer to append after it.
    """
    comment = draw(st.binary(max_size=64))
    body = _JPEG_1X1
    if comment:
        com = b"\xff\xfe" + struct.pack(">H", len(comment) + 2) + comment
        body = body[:_JFIF_END] + com + body[_JFIF_END:]
    # Phones append data after the end-of-image marker (e.g. motion photos).
    return body, draw(st.sampled_from([b"", b"\x00\x00", b"MotionPhoto_Data"]))


def _jpegs() -> st.SearchStrategy[bytes]:
    return _jpeg_parts().map(lambda parts: parts[0] + parts[1])


def _pdf(text: str, version: str) -> bytes:
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(f"%PDF-{version}\n%\xe2\xe3\xcf\xd3\n".encode("latin-1"))
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return bytes(out)


def _pdfs() -> st.SearchStrategy[bytes]:
    text = st.text(
        alphabet="abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.,", max_size=80
    )
    return st.builds(_pdf, text, st.sampled_from(["1.3", "1.4", "1.5", "1.7", "2.0"]))


def evidence_files(
    *, media_types: Collection[MediaType] = tuple(MediaType)
) -> st.SearchStrategy[bytes]:
    """
    The bytes of real, minimal, whole evidence files that decoders open.

    PDF: a one-page document with a line of text; JPEG: a 1x1 baseline image, sometimes
    with a comment segment and bytes after its end marker; PNG: a random small image
    (grey, RGB or RGBA); WebP: 1x1 lossy, lossless, alpha and animated files. Each is
    far below the default size limits.

    Args:
        media_types: Which formats to draw.
    """
    makers = {
        MediaType.PDF: _pdfs(),
        MediaType.JPEG: _jpegs(),
        MediaType.PNG: _pngs(),
        MediaType.WEBP: st.sampled_from(_WEBPS),
    }
    return st.one_of([makers[m] for m in MediaType if m in media_types])


_ACTIVE_DICTIONARIES: Final = (
    b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >>",
    b"/OpenAction << /S /Launch /F (cmd.exe) >>",
    b"/Names << /EmbeddedFiles << /Names [(a.exe) 9 0 R] >> >>",
    b"/AA << /O << /S /J#61vaScript /JS (x) >> >>",
)


def _active_pdfs() -> st.SearchStrategy[bytes]:
    """
    Whole PDFs whose catalogue runs a script, launches a program or carries a file.
    """
    return st.tuples(_pdfs(), st.sampled_from(_ACTIVE_DICTIONARIES)).map(
        lambda t: t[0].replace(b"/Type /Catalog", b"/Type /Catalog " + t[1], 1)
    )


@st.composite
def _pixel_bombs(draw: st.DrawFn, max_pixels: int) -> bytes:
    """
    A whole, small PNG whose header declares more than ``max_pixels`` pixels.
    """
    side = 2**31 - 1  # the largest a PNG header allows
    width = draw(st.integers(max_pixels // side + 1, side))
    least = max_pixels // width + 1  # the smallest height past the limit at this width
    height = draw(st.integers(least, min(2**31 - 1, least + 1000)))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", ihdr)
        + _png_chunk(b"IDAT", zlib.compress(b"\x00" * 16))
        + _png_chunk(b"IEND", b"")
    )


@st.composite
def _truncated(draw: st.DrawFn) -> bytes:
    """
    A whole file cut short: it keeps its magic number but loses its end.
    """
    kind = draw(st.sampled_from(list(MediaType)))
    if kind is MediaType.JPEG:
        body, _ = draw(_jpeg_parts())
        return body[: draw(st.integers(3, len(body) - 1))]
    whole = draw(evidence_files(media_types=[kind]))
    if kind is MediaType.PDF:
        return whole[: draw(st.integers(9, whole.rindex(b"%%EOF")))]
    return whole[: draw(st.integers(12 if kind is MediaType.WEBP else 8, len(whole) - 1))]


@st.composite
def invalid_evidence(draw: st.DrawFn, *, limits: EvidenceLimits | None = None) -> bytes:
    """
    Bytes that :func:`~layanan_aduan.domain.evidence.inspect_evidence` refuses.

    Empty files; random bytes without a known magic number; GIF, ZIP (``docx``) and
    HTML files; whole files cut short; PDFs with active content (a script run on opening,
    a launch action, an embedded file) and PNGs declaring more pixels than the limit,
    when those checks block (they do by default). With ``limits``, also whole files
    padded past those limits (pass small limits: the defaults would need megabytes), and
    the content faults only as far as ``limits.blocking`` refuses them.
    """
    from layanan_aduan.domain.evidence import (
        ACTIVE_CONTENT,
        DEFAULT_LIMITS,
        TOO_MANY_PIXELS,
        recognise,
    )

    choices: list[st.SearchStrategy[bytes]] = [
        st.just(b""),
        st.binary(min_size=1, max_size=256).filter(lambda b: recognise(b) is None),
        st.sampled_from(
            [b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", b"PK\x03\x04\x14\x00\x06\x00", b"<html>"]
        ),
        _truncated(),
    ]
    policy = DEFAULT_LIMITS if limits is None else limits
    if ACTIVE_CONTENT in policy.blocking:
        choices.append(_active_pdfs())
    if TOO_MANY_PIXELS in policy.blocking and policy.max_pixels < (2**31 - 1) ** 2:
        choices.append(_pixel_bombs(policy.max_pixels))
    if limits is not None:
        padding = b"x" * max(limits.document_bytes, limits.image_bytes)
        # A comment line in a PDF, a text chunk in a PNG: still whole files, only larger.
        choices.append(_pdfs().map(lambda pdf: pdf.replace(b"\n%", b"\n%" + padding, 1)))
        choices.append(_pngs().map(lambda png: png[:33] + _png_chunk(b"tEXt", padding) + png[33:]))
    return draw(st.one_of(choices))
