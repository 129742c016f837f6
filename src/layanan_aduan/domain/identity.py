"""
The reporter's identity (*Data Diri Pelapor*, requirement 1 of the service standard).

Values:

- :class:`Nik`: the 16-digit *Nomor Induk Kependudukan*, checked for structure;
- :class:`PhoneNumber`: a WhatsApp telephone number, normalised to E.164;
- :class:`WhatsAppUserId`: WhatsApp's business-scoped user id (BSUID, ``CC.<alnum>``);
- :class:`Reporter`: the reporter (*pelapor*): full name, NIK, contact, optional address and e-mail.

**Personal data.** Every field of these values is personal data: the name, the NIK (and
what it encodes: place of first registration, birth date, sex), the telephone number, the
WhatsApp user id, the address and the e-mail. None of them appears whole in a ``repr``, a
``str`` or an error message; read them through their attributes (``nik.value``,
``phone.e164``) only where the whole value is needed.

>>> nik = Nik.parse("3171 0101 0190 0001")
>>> nik
Nik('3171********0001')
>>> nik.province_name, nik.sex.value
('DKI Jakarta', 'male')
>>> PhoneNumber.parse("0812-3456-7890").e164
'+6281234567890'

Each ``*_problems`` function returns every problem of one raw field without raising; the
value constructors raise a :class:`~layanan_aduan.exceptions.ValidationError` carrying
the first problem's code and all codes in ``details["codes"]``.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
import unicodedata
from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

import attrs
import phonenumbers

from layanan_aduan.domain._problem import Problem
from layanan_aduan.exceptions import (
    InvalidNikError,
    InvalidPhoneNumberError,
    InvalidTypeError,
    InvalidWhatsAppUserIdError,
    RequirementsNotMetError,
)
from layanan_aduan.privacy import mask, mask_name

__all__ = [
    "ADDRESS_MAX_LENGTH",
    "EMAIL_MAX_LENGTH",
    "NAME_MAX_LENGTH",
    "NIK_LENGTH",
    "PROVINCES",
    "Nik",
    "PhoneNumber",
    "Reporter",
    "Sex",
    "WhatsAppUserId",
    "address_problems",
    "email_problems",
    "name_problems",
    "nik_problems",
    "phone_problems",
    "whatsapp_user_id_problems",
]

NIK_LENGTH: Final = 16

#: Kemendagri province codes (*kode wilayah*) with today's province names: the 38 codes
#: of Kepmendagri 300.2.2-2138/2025, which are also the union with every earlier list a
#: NIK can carry (Permendagri 137/2017 and 58/2021, Kepmendagri 050-145/2022 and
#: 100.1.1-6117/2022): no province code has ever been retired, only added (65 in 2012;
#: 93-96 in 2022). A NIK keeps the code of the place it was first registered, so a NIK
#: issued in Merauke before 2022 starts ``9101`` (Papua), not ``9301`` (Papua Selatan).
PROVINCES: Final[Mapping[str, str]] = MappingProxyType(
    {
        "11": "Aceh",
        "12": "Sumatera Utara",
        "13": "Sumatera Barat",
        "14": "Riau",
        "15": "Jambi",
        "16": "Sumatera Selatan",
        "17": "Bengkulu",
        "18": "Lampung",
        "19": "Kepulauan Bangka Belitung",
        "21": "Kepulauan Riau",
        "31": "DKI Jakarta",
        "32": "Jawa Barat",
        "33": "Jawa Tengah",
        "34": "DI Yogyakarta",
        "35": "Jawa Timur",
        "36": "Banten",
        "51": "Bali",
        "52": "Nusa Tenggara Barat",
        "53": "Nusa Tenggara Timur",
        "61": "Kalimantan Barat",
        "62": "Kalimantan Tengah",
        "63": "Kalimantan Selatan",
        "64": "Kalimantan Timur",
        "65": "Kalimantan Utara",
        "71": "Sulawesi Utara",
        "72": "Sulawesi Tengah",
        "73": "Sulawesi Selatan",
        "74": "Sulawesi Tenggara",
        "75": "Gorontalo",
        "76": "Sulawesi Barat",
        "81": "Maluku",
        "82": "Maluku Utara",
        "91": "Papua",
        "92": "Papua Barat",
        "93": "Papua Selatan",
        "94": "Papua Tengah",
        "95": "Papua Pegunungan",
        "96": "Papua Barat Daya",
    }
)

# What may stand between the digits, once folded by NFKC (full-width forms onto ASCII): white
# space of any kind, dashes of any kind and invisible format characters are allowed too (see
# _is_separator).
_NIK_SEPARATORS: Final = frozenset(".-")
_PHONE_SEPARATORS: Final = frozenset(".-()/")
_ACCEPTED_PHONE_TYPES: Final = frozenset(
    {phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE}
)
_USER_ID: Final = re.compile(r"[A-Z]{2}\.[A-Za-z0-9]{1,128}")
_EMAIL: Final = re.compile(r"[^@\s]+@[^@\s.]+(?:\.[^@\s.]+)+")
NAME_MAX_LENGTH: Final = 200
ADDRESS_MAX_LENGTH: Final = 500
EMAIL_MAX_LENGTH: Final = 254


class Sex(enum.Enum):
    """
    Sex as a NIK encodes it (the birth day plus 40 for women).
    """

    MALE = "male"
    FEMALE = "female"


def _problem(code: str, field: str, message: str, message_en: str) -> Problem:
    return Problem(code=code, field=field, message=message, message_en=message_en)


def _not_text(code: str, field: str, label: str, label_en: str) -> Problem:
    # The type is named, never the value: it may be a NIK or a number given as an int.
    return _problem(code, field, f"{label} harus berupa teks.", f"{label_en} must be text.")


def _is_separator(ch: str, separators: frozenset[str]) -> bool:
    """
    Whether ``ch`` separates digit groups: one of ``separators`` or its full-width form
    (U+FF0E, U+FF08), white space of any kind (tab, no-break and ideographic spaces), a dash
    of any kind (hyphen, en and em dash, U+FF0D, the minus sign) or an invisible format
    character (the direction marks a phone adds when a number is copied).
    """
    if ch.isspace() or unicodedata.category(ch) in ("Pd", "Cf") or ch == "\u2212":
        return True
    return unicodedata.normalize("NFKC", ch) in separators


def _ascii_digits(text: str, separators: frozenset[str]) -> str:
    """
    Drop separators and turn any Unicode decimal digit (e.g. full-width) into ASCII.
    """
    out: list[str] = []
    for ch in text:
        if _is_separator(ch, separators):
            continue
        digit = unicodedata.decimal(ch, None)
        out.append(str(digit) if digit is not None else ch)
    return "".join(out)


# --- NIK --------------------------------------------------------------------------------------


def _birth_date_candidates(day_part: int, month: int, year2: int) -> tuple[dt.date, ...]:
    day = day_part - 40 if day_part > 40 else day_part
    if not (1 <= day_part <= 31 or 41 <= day_part <= 71):
        return ()
    found: list[dt.date] = []
    for century in (1900, 2000):
        try:
            found.append(dt.date(century + year2, month, day))
        except ValueError:
            continue
    return tuple(found)


def nik_problems(text: str | None, *, field: str = "nik") -> tuple[Problem, ...]:
    """
    Every structure problem of a NIK as typed, or ``()`` when it is valid.

    Spaces, dots and hyphens between digits are ignored, in any of their forms: white space
    of any kind (tabs, no-break and ideographic spaces), full-width dots, dashes of any kind
    (en and em dashes, the full-width hyphen, the minus sign) and invisible format
    characters; full-width and other Unicode digits are read as digits. Characters and length are
    checked first; when they are wrong nothing else is reported. Otherwise each part is
    checked on its own and every broken rule is reported:

    - ``PP`` a province code in :data:`PROVINCES` (current and historical Kemendagri);
    - ``KK`` a regency (*kabupaten*, 01-69) or city (*kota*, 71-99) code;
    - ``CC`` a district (*kecamatan*) code, 01-99;
    - ``DDMMYY`` a real date in 19YY or 20YY, the day plus 40 for women;
    - ``SSSS`` a serial from 0001.

    >>> nik_problems("3171010101900001")
    ()
    >>> [p.code for p in nik_problems("0070003299990000")]
    ['nik_unknown_province', 'nik_invalid_regency', 'nik_invalid_district',
     'nik_invalid_birth_date', 'nik_zero_serial']
    >>> [p.code for p in nik_problems("31710101900001")]
    ['nik_invalid_length']
    """
    if text is not None and not isinstance(text, str):
        return (_not_text("nik_not_text", field, "NIK", "The NIK"),)
    if text is None or not text.strip():
        return (
            _problem(
                "nik_missing",
                field,
                "NIK belum diisi.",
                "The NIK is missing.",
            ),
        )
    digits = _ascii_digits(text, _NIK_SEPARATORS)
    if not digits.isascii() or not digits.isdigit():
        return (
            _problem(
                "nik_invalid_characters",
                field,
                "NIK hanya boleh berisi angka, dipisah spasi, titik atau tanda hubung.",
                "The NIK may contain digits only, separated by spaces, dots or hyphens.",
            ),
        )
    if len(digits) != NIK_LENGTH:
        return (
            _problem(
                "nik_invalid_length",
                field,
                f"NIK harus 16 digit angka; yang dikirim {len(digits)} digit.",
                f"The NIK must have 16 digits; {len(digits)} were sent.",
            ),
        )
    found: list[Problem] = []
    if digits[0:2] not in PROVINCES:
        found.append(
            _problem(
                "nik_unknown_province",
                field,
                "Dua digit pertama NIK bukan kode provinsi yang dikenal.",
                "The first two digits of the NIK are not a known province code.",
            )
        )
    regency = int(digits[2:4])
    if not (1 <= regency <= 69 or 71 <= regency <= 99):
        found.append(
            _problem(
                "nik_invalid_regency",
                field,
                "Digit ke-3 dan ke-4 NIK bukan kode kabupaten/kota yang sah.",
                "Digits 3-4 of the NIK are not a valid regency or city code.",
            )
        )
    if digits[4:6] == "00":
        found.append(
            _problem(
                "nik_invalid_district",
                field,
                "Digit ke-5 dan ke-6 NIK bukan kode kecamatan yang sah.",
                "Digits 5-6 of the NIK are not a valid district code.",
            )
        )
    if not _birth_date_candidates(int(digits[6:8]), int(digits[8:10]), int(digits[10:12])):
        found.append(
            _problem(
                "nik_invalid_birth_date",
                field,
                "Digit ke-7 sampai ke-12 NIK bukan tanggal lahir yang sah.",
                "Digits 7-12 of the NIK are not a valid birth date.",
            )
        )
    if digits[12:16] == "0000":
        found.append(
            _problem(
                "nik_zero_serial",
                field,
                "Empat digit terakhir NIK (nomor urut) tidak boleh 0000.",
                "The last four digits of the NIK (the serial) cannot be 0000.",
            )
        )
    return tuple(found)


def _raise_first(
    error: type[InvalidNikError | InvalidPhoneNumberError | InvalidWhatsAppUserIdError],
    problems: tuple[Problem, ...],
) -> None:
    if problems:
        first = problems[0]
        raise error(
            first.message,
            first.message_en,
            code=first.code,
            field=first.field,
            details={"codes": [p.code for p in problems]},
        )


def _check_nik(_instance: object, _attribute: object, value: str) -> None:
    if not isinstance(value, str) or (value and not (value.isascii() and value.isdigit())):
        # The canonical form is a string of bare ASCII digits; parse() is the forgiving reader.
        _raise_first(InvalidNikError, nik_problems("x"))
    _raise_first(InvalidNikError, nik_problems(value))


@attrs.frozen(repr=False)
class Nik:
    """
    A *Nomor Induk Kependudukan*: 16 digits ``PP KK CC DDMMYY SSSS``, checked for structure.

    Personal data. Build it with :meth:`parse` from what a reporter typed, or directly
    from the canonical 16 ASCII digits. A NIK is valid *in form* only: it has no check
    digit, and only Dukcapil can say it was issued. It is permanent, so its birth-date
    part is never cross-checked against a stated birth date (it is not changed when a
    birth date is corrected), and its place part is where it was *first* registered.

    Attributes:
        value: The 16 digits (personal data: never log it).

    Raises:
        InvalidNikError: with the first problem's code; ``details["codes"]`` lists all.

    >>> nik = Nik("3171014101000001")
    >>> nik.sex.value, nik.birth_date_candidates
    ('female', (datetime.date(1900, 1, 1), datetime.date(2000, 1, 1)))
    >>> nik.birth_date(dt.date(2026, 3, 1))
    datetime.date(2000, 1, 1)
    >>> str(nik)
    '3171********0001'
    >>> Nik("9901010101900001")
    Traceback (most recent call last):
    ...
    layanan_aduan.exceptions.InvalidNikError: Dua digit pertama NIK bukan kode provinsi
    yang dikenal.
    """

    value: str = attrs.field(validator=_check_nik)

    @classmethod
    def parse(cls, text: str) -> Nik:
        """
        Read a NIK as typed: separators (spaces, dots, hyphens) and non-ASCII digits allowed.

        >>> Nik.parse("31.71.01 010190 0001").value == "3171010101900001"
        True
        """
        _raise_first(InvalidNikError, nik_problems(text))
        return cls(_ascii_digits(text, _NIK_SEPARATORS))

    @property
    def masked(self) -> str:
        """
        The NIK with its middle hidden, e.g. ``3171********0001``.
        """
        return mask(self.value)

    @property
    def province_code(self) -> str:
        """
        Two-digit Kemendagri code of the province of first registration, e.g. ``"31"``.
        """
        return self.value[0:2]

    @property
    def province_name(self) -> str:
        """
        Today's name of the province that :attr:`province_code` denotes.
        """
        return PROVINCES[self.province_code]

    @property
    def regency_code(self) -> str:
        """
        Four-digit code of the regency or city (*kabupaten/kota*), e.g. ``"3171"``.
        """
        return self.value[0:4]

    @property
    def is_city(self) -> bool:
        """
        Whether the regency part is a city (*kota*, 71-99) rather than a *kabupaten*.
        """
        return int(self.value[2:4]) >= 71

    @property
    def district_code(self) -> str:
        """
        Six-digit code of the district (*kecamatan*), e.g. ``"317101"``.
        """
        return self.value[0:6]

    @property
    def sex(self) -> Sex:
        """
        :attr:`Sex.FEMALE` when the day part is 41-71, else :attr:`Sex.MALE`.
        """
        return Sex.FEMALE if int(self.value[6:8]) > 40 else Sex.MALE

    @property
    def serial(self) -> str:
        """
        The four-digit issue serial (*nomor urut*), from ``"0001"``.
        """
        return self.value[12:16]

    @property
    def birth_date_candidates(self) -> tuple[dt.date, ...]:
        """
        The real dates the ``DDMMYY`` part can mean: in 19YY and/or 20YY, oldest first.

        The century is not encoded. ``290200`` has one candidate (2000-02-29: 1900 was
        not a leap year); most have two.
        """
        v = self.value
        return _birth_date_candidates(int(v[6:8]), int(v[8:10]), int(v[10:12]))

    def birth_date(self, reference: dt.date) -> dt.date | None:
        """
        The birth date as of ``reference``: the latest candidate on or before it.

        A NIK is issued from birth, so a birth date after ``reference`` is impossible;
        between two past candidates, the one a hundred years earlier is far less likely.
        ``reference`` is usually the day the report was received (the domain never reads
        the clock); a datetime counts as its own calendar date. Returns ``None`` when every
        candidate is after ``reference``.

        Raises:
            InvalidTypeError: ``reference`` is not a date.

        >>> Nik("3171010101300001").birth_date(dt.date(2026, 1, 1))
        datetime.date(1930, 1, 1)
        >>> Nik("3171010101050001").birth_date(dt.date(2026, 1, 1))
        datetime.date(2005, 1, 1)
        """
        if isinstance(reference, dt.datetime):
            reference = reference.date()
        if not isinstance(reference, dt.date):
            raise InvalidTypeError(
                "Tanggal acuan harus berupa tanggal.",
                "The reference must be a date.",
                field="reference",
                details={"type": type(reference).__name__},
            )
        past = [d for d in self.birth_date_candidates if d <= reference]
        return past[-1] if past else None

    def __repr__(self) -> str:
        return f"Nik({self.masked!r})"

    def __str__(self) -> str:
        return self.masked


# --- telephone --------------------------------------------------------------------------------


def _phone_invalid(field: str) -> Problem:
    return _problem(
        "phone_invalid",
        field,
        "Nomor telepon tidak sah; tulis seperti 0812-3456-7890 atau +62 812-3456-7890.",
        "The telephone number is not valid; write it like 0812-3456-7890 or +62 812-3456-7890.",
    )


def _phone_candidates(compact: str) -> list[str]:
    """
    The readings of a compact number (digits, maybe a leading ``+``) to try, in order.
    """
    if compact.startswith("+"):
        return [compact]
    if compact.startswith("00"):
        return ["+" + compact[2:]]
    if compact.startswith("62"):
        return ["+" + compact]
    if compact.startswith("0"):
        return [compact]
    # Bare digits: an Indonesian number without its trunk 0 (8..., the mobile form the
    # notes list) wins; otherwise a wa_id-style international number without "+".
    return [compact, "+" + compact]


def _normalise_phone(text: str | None, field: str) -> tuple[str | None, tuple[Problem, ...]]:
    if text is not None and not isinstance(text, str):
        return None, (_not_text("phone_not_text", field, "Nomor telepon", "The telephone number"),)
    if text is None or not text.strip():
        return None, (
            _problem(
                "phone_missing",
                field,
                "Nomor telepon belum diisi.",
                "The telephone number is missing.",
            ),
        )
    compact = _ascii_digits(text, _PHONE_SEPARATORS)
    body = compact[1:] if compact.startswith("+") else compact
    if not body or not body.isascii() or not body.isdigit():
        return None, (_phone_invalid(field),)
    parsed = None
    for candidate in _phone_candidates(compact):
        try:
            number = phonenumbers.parse(candidate, "ID")
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            parsed = number
            break
    if parsed is None:
        return None, (_phone_invalid(field),)
    if phonenumbers.number_type(parsed) not in _ACCEPTED_PHONE_TYPES:
        return None, (
            _problem(
                "phone_not_mobile",
                field,
                "Nomor telepon harus nomor seluler yang terdaftar di WhatsApp, "
                "bukan nomor telepon rumah/kantor, bebas pulsa atau premium.",
                "The telephone number must be a mobile number registered with WhatsApp, "
                "not a landline, toll-free or premium number.",
            ),
        )
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164), ()


def phone_problems(text: str | None, *, field: str = "phone") -> tuple[Problem, ...]:
    """
    Every problem of a telephone number as typed, or ``()`` when it is accepted.

    >>> phone_problems("+62 812-3456-7890")
    ()
    >>> [p.code for p in phone_problems("021-6585-1958")]
    ['phone_not_mobile']
    """
    return _normalise_phone(text, field)[1]


def _check_e164(_instance: object, _attribute: object, value: str) -> None:
    e164, problems = _normalise_phone(value, "phone")
    _raise_first(InvalidPhoneNumberError, problems)
    if e164 != value:
        raise InvalidPhoneNumberError(
            "Nomor telepon harus dalam bentuk E.164; gunakan PhoneNumber.parse.",
            "The telephone number must be in E.164 form; use PhoneNumber.parse.",
            code="phone_not_e164",
            field="phone",
        )


@attrs.frozen(repr=False)
class PhoneNumber:
    """
    A telephone number that can reach a reporter on WhatsApp, in E.164 form.

    Personal data. Accepted: numbers that libphonenumber's metadata (``phonenumbers``)
    deems valid and of type mobile (or "fixed line or mobile", its label where a plan
    cannot tell them apart, as in the US). Indonesian landlines, toll-free (``0800``),
    shared-cost and premium numbers are refused with ``phone_not_mobile``: the service
    answers over WhatsApp, and a landline typed by hand is almost always the wrong field
    (a reporter on WhatsApp without a usable number is reached by user id instead).
    Foreign mobile numbers are accepted (Indonesians abroad report too); use
    :attr:`region` or :attr:`is_indonesian` to treat them differently.

    Attributes:
        e164: The number in E.164 form, e.g. ``"+6281234567890"``.

    >>> PhoneNumber("+6281234567890")
    PhoneNumber('+62********890')
    >>> PhoneNumber("081234567890")
    Traceback (most recent call last):
    ...
    layanan_aduan.exceptions.InvalidPhoneNumberError: Nomor telepon harus dalam bentuk E.164;
    gunakan PhoneNumber.parse.
    """

    e164: str = attrs.field(validator=_check_e164)

    @classmethod
    def parse(cls, text: str) -> PhoneNumber:
        """
        Read a number as a person types it and normalise it to E.164.

        Accepted forms (spaces, hyphens, dots, parentheses and slashes ignored):

        - ``08…`` national, ``8…`` national without the trunk 0;
        - ``628…`` and ``+628…`` international, also ``+62 (0) 8…``;
        - ``00<country code>…`` international with the ``00`` prefix;
        - any other country as ``+<country code>…``; bare digits that are not a valid
          Indonesian number are read as a WhatsApp ``wa_id`` (country code, no ``+``).

        >>> {PhoneNumber.parse(s).e164 for s in ["081234567890", "6281234567890",
        ...     "+62 812-3456-7890", "81234567890", "0062 812 3456 7890"]}
        {'+6281234567890'}
        >>> PhoneNumber.parse("+1 650-555-1234").region
        'US'
        """
        e164, problems = _normalise_phone(text, "phone")
        _raise_first(InvalidPhoneNumberError, problems)
        assert e164 is not None  # noqa: S101 - no problems means a number was found
        return cls(e164)

    @classmethod
    def from_wa_id(cls, wa_id: str) -> PhoneNumber:
        """
        Read WhatsApp's ``wa_id`` / ``from`` (country code and number, digits, no ``+``).

        >>> PhoneNumber.from_wa_id("6281234567890").e164
        '+6281234567890'
        """
        if not isinstance(wa_id, str):
            _raise_first(InvalidPhoneNumberError, _normalise_phone(wa_id, "phone")[1])
        if not (wa_id.isascii() and wa_id.isdigit()):
            _raise_first(InvalidPhoneNumberError, (_phone_invalid("phone"),))
        return cls.parse("+" + wa_id)

    @property
    def wa_id(self) -> str:
        """
        The number as WhatsApp writes it: digits with the country code, no ``+``.
        """
        return self.e164[1:]

    @property
    def region(self) -> str:
        """
        ISO 3166 region code of the number, e.g. ``"ID"``.
        """
        return str(phonenumbers.region_code_for_number(phonenumbers.parse(self.e164)))

    @property
    def is_indonesian(self) -> bool:
        """
        Whether the number belongs to Indonesia's plan (+62).
        """
        return self.e164.startswith("+62")

    @property
    def national(self) -> str:
        """
        The number as dialled inside its country, digits only, e.g. ``"081234567890"``.
        """
        number = phonenumbers.parse(self.e164)
        formatted = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
        return "".join(ch for ch in formatted if ch.isdigit())

    @property
    def masked(self) -> str:
        """
        The number with its middle hidden, e.g. ``+62********890``.
        """
        return mask(self.e164)

    def __repr__(self) -> str:
        return f"PhoneNumber({self.masked!r})"

    def __str__(self) -> str:
        return self.masked


# --- WhatsApp user id ---------------------------------------------------------------------------


def whatsapp_user_id_problems(
    text: str | None, *, field: str = "whatsapp_user_id"
) -> tuple[Problem, ...]:
    """
    Every problem of a WhatsApp business-scoped user id, or ``()`` when it is valid.

    >>> whatsapp_user_id_problems("US.13491208655302741918")
    ()
    >>> [p.code for p in whatsapp_user_id_problems("6281234567890")]
    ['whatsapp_user_id_invalid']
    """
    if text is not None and not isinstance(text, str):
        return (
            _not_text(
                "whatsapp_user_id_not_text", field, "ID pengguna WhatsApp", "The WhatsApp user id"
            ),
        )
    if text is None or not text.strip():
        return (
            _problem(
                "whatsapp_user_id_missing",
                field,
                "ID pengguna WhatsApp belum diisi.",
                "The WhatsApp user id is missing.",
            ),
        )
    if _USER_ID.fullmatch(text.strip()) is None:
        return (_user_id_invalid(field),)
    return ()


def _user_id_invalid(field: str) -> Problem:
    return _problem(
        "whatsapp_user_id_invalid",
        field,
        "ID pengguna WhatsApp tidak sah: bentuknya dua huruf kode negara, titik, "
        "lalu huruf atau angka (mis. ID.1234567890).",
        "The WhatsApp user id is not valid: its form is a two-letter country code, "
        "a dot, then letters or digits (e.g. ID.1234567890).",
    )


def _check_user_id(_instance: object, _attribute: object, value: str) -> None:
    if isinstance(value, str) and _USER_ID.fullmatch(value):
        return
    # Raw input may carry surrounding white space; the canonical value may not.
    problems = whatsapp_user_id_problems(value)
    _raise_first(InvalidWhatsAppUserIdError, problems or (_user_id_invalid("whatsapp_user_id"),))


@attrs.frozen(repr=False)
class WhatsAppUserId:
    """
    WhatsApp's business-scoped user id (BSUID), e.g. ``US.13491208655302741918``.

    Personal data. From 2026 every messages webhook carries one as ``user_id``; a user who
    adopted a WhatsApp username may arrive with no telephone number at all. The form is
    ``CC.<alnum>``: an upper-case two-letter country prefix, a dot, then 1-128 letters or
    digits. The enterprise ``parent_user_id`` (``US.ENT.…``) is not a user id and is
    refused.

    Attributes:
        value: The id as WhatsApp sends it.

    >>> WhatsAppUserId("US.13491208655302741918")
    WhatsAppUserId('US.1349************1918')
    """

    value: str = attrs.field(validator=_check_user_id)

    @property
    def country(self) -> str:
        """
        The two-letter prefix, e.g. ``"US"``.
        """
        return self.value[:2]

    @property
    def masked(self) -> str:
        """
        The id with the middle of its body hidden.
        """
        return self.value[:3] + mask(self.value[3:])

    def __repr__(self) -> str:
        return f"WhatsAppUserId({self.masked!r})"

    def __str__(self) -> str:
        return self.masked


# --- reporter ---------------------------------------------------------------------------------


def _clean_text(value: str | None) -> str | None:
    if not isinstance(value, str):
        # Not text (or None): left as it is for the checks to report.
        return value
    cleaned = " ".join(value.split())
    return cleaned or None


def name_problems(text: str | None, *, field: str = "name") -> tuple[Problem, ...]:
    """
    Every problem of a reporter's full name, or ``()`` when it is acceptable.

    >>> [p.code for p in name_problems("   ")]
    ['name_missing']
    """
    if text is not None and not isinstance(text, str):
        return (_not_text("name_not_text", field, "Nama lengkap", "The full name"),)
    cleaned = _clean_text(text)
    if cleaned is None:
        return (
            _problem(
                "name_missing",
                field,
                "Nama lengkap pelapor belum diisi.",
                "The reporter's full name is missing.",
            ),
        )
    if len(cleaned) > NAME_MAX_LENGTH:
        return (
            _problem(
                "name_too_long",
                field,
                f"Nama lengkap paling banyak {NAME_MAX_LENGTH} karakter.",
                f"The full name has at most {NAME_MAX_LENGTH} characters.",
            ),
        )
    if not any(ch.isalpha() for ch in cleaned) or not cleaned.isprintable():
        return (
            _problem(
                "name_invalid",
                field,
                "Nama lengkap harus berisi huruf.",
                "The full name must contain letters.",
            ),
        )
    return ()


def address_problems(text: str | None, *, field: str = "address") -> tuple[Problem, ...]:
    """
    Every problem of an (optional) address: ``()`` when it is absent or acceptable.
    """
    if text is not None and not isinstance(text, str):
        return (_not_text("address_not_text", field, "Alamat", "The address"),)
    cleaned = _clean_text(text)
    if cleaned is not None and len(cleaned) > ADDRESS_MAX_LENGTH:
        return (
            _problem(
                "address_too_long",
                field,
                f"Alamat paling banyak {ADDRESS_MAX_LENGTH} karakter.",
                f"The address has at most {ADDRESS_MAX_LENGTH} characters.",
            ),
        )
    return ()


def email_problems(text: str | None, *, field: str = "email") -> tuple[Problem, ...]:
    """
    Every problem of an (optional) e-mail address: ``()`` when absent or acceptable.

    >>> [p.code for p in email_problems("budi@")]
    ['email_invalid']
    """
    if text is not None and not isinstance(text, str):
        return (_not_text("email_not_text", field, "Alamat e-mail", "The e-mail address"),)
    cleaned = _clean_email(text)
    if cleaned is not None and (
        len(cleaned) > EMAIL_MAX_LENGTH or _EMAIL.fullmatch(cleaned) is None
    ):
        return (
            _problem(
                "email_invalid",
                field,
                "Alamat e-mail tidak sah.",
                "The e-mail address is not valid.",
            ),
        )
    return ()


def _contact_missing() -> Problem:
    return _problem(
        "contact_missing",
        "contact",
        "Nomor WhatsApp atau ID pengguna WhatsApp pelapor belum ada.",
        "The reporter's WhatsApp number or WhatsApp user id is missing.",
    )


def _clean_name(value: str) -> str:
    return _clean_text(value) or "" if isinstance(value, str) else value


def _clean_email(value: str | None) -> str | None:
    return value.strip() or None if isinstance(value, str) else value


def _value_problems(
    value: object, kind: type, field: str, label: str, maker: str
) -> tuple[Problem, ...]:
    if value is None and field != "nik":
        return ()
    if isinstance(value, kind):
        return ()
    return (
        _problem(
            f"{field}_invalid_type",
            field,
            f"{label} harus berupa nilai {kind.__name__} (buat dengan {maker}).",
            f"{field} must be a {kind.__name__} value (made with {maker}).",
        ),
    )


@attrs.frozen(repr=False)
class Reporter:
    """
    The reporter (*pelapor*) and their identity: requirement 1, *Data Diri Pelapor*.

    Every field is personal data. Required: the full name, the NIK and at least one way
    to reach the reporter on WhatsApp (a telephone number or a WhatsApp user id).
    Address and e-mail are optional. The name, address and e-mail are stored with runs
    of white space collapsed.

    Raises:
        RequirementsNotMetError: listing every problem (``name_missing``,
            ``contact_missing``, ``email_invalid``, …), a value of the wrong type included
            (``name_not_text``, ``nik_invalid_type`` for a NIK given as text, …).

    >>> reporter = Reporter(
    ...     name="Budi Santoso",
    ...     nik=Nik("3171010101900001"),
    ...     phone=PhoneNumber.parse("081234567890"),
    ... )
    >>> reporter
    Reporter(name='B*** S******', nik=Nik('3171********0001'),
             phone=PhoneNumber('+62********890'), whatsapp_user_id=None, address=None,
             email=None)
    >>> reporter.contact_key
    '+6281234567890'
    """

    name: str = attrs.field(converter=_clean_name)
    nik: Nik
    phone: PhoneNumber | None = None
    whatsapp_user_id: WhatsAppUserId | None = None
    address: str | None = attrs.field(default=None, converter=_clean_text)
    email: str | None = attrs.field(default=None, converter=_clean_email)

    def __attrs_post_init__(self) -> None:
        problems = [
            *name_problems(self.name),
            *_value_problems(self.nik, Nik, "nik", "NIK", "Nik.parse"),
            *_value_problems(
                self.phone, PhoneNumber, "phone", "Nomor telepon", "PhoneNumber.parse"
            ),
            *_value_problems(
                self.whatsapp_user_id,
                WhatsAppUserId,
                "whatsapp_user_id",
                "ID pengguna WhatsApp",
                "WhatsAppUserId",
            ),
            *address_problems(self.address),
            *email_problems(self.email),
        ]
        if self.phone is None and self.whatsapp_user_id is None:
            problems.append(_contact_missing())
        if problems:
            raise RequirementsNotMetError(
                "Data diri pelapor belum lengkap atau tidak sah: "
                + " ".join(p.message for p in problems),
                "The reporter's identity is incomplete or invalid: "
                + " ".join(p.message_en for p in problems),
                problems=tuple(problems),
                field=problems[0].field,
            )

    @property
    def contact_key(self) -> str:
        """
        The key that identifies the reporter across messages (personal data).

        The WhatsApp user id when present (it survives a change of number and exists
        for users with a username and no number), else the E.164 telephone number.
        """
        if self.whatsapp_user_id is not None:
            return self.whatsapp_user_id.value
        assert self.phone is not None  # noqa: S101 - guaranteed by __attrs_post_init__
        return self.phone.e164

    def __repr__(self) -> str:
        return (
            f"Reporter(name={mask_name(self.name)!r}, nik={self.nik!r}, phone={self.phone!r}, "
            f"whatsapp_user_id={self.whatsapp_user_id!r}, "
            f"address={None if self.address is None else '[disamarkan]'!r}, "
            f"email={None if self.email is None else mask(self.email)!r})"
        )

    def __str__(self) -> str:
        return repr(self)
