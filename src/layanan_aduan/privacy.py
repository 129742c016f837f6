"""
Masking of personal data for reprs, logs, error messages and texts sent to people.

Personal data in this library: the reporter's name, NIK, telephone number,
WhatsApp user id, address and e-mail, and the free text of a report. None of it
may appear whole in a ``repr``, ``str``, log line, exception message or a
notification.

:func:`redact_identifiers` finds the numbers in free text that could be a NIK, a
family-card (KK) number, a bank account or a telephone number, however they are
typed, and masks their middle digits in place.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from typing import Final

from layanan_aduan.exceptions import InvalidTypeError

__all__ = ["MIN_IDENTIFIER_DIGITS", "mask", "mask_name", "redact_identifiers"]

#: A number with this many digits or more in free text is masked: Indonesia's shortest
#: national numbers (``0811 1234 5``, ``(0370) 12345``) have nine digits with the trunk 0.
MIN_IDENTIFIER_DIGITS: Final = 9
# Punctuation people put between the digit groups of one number (NFKC folds the full-width
# forms onto these); every dash (Unicode category Pd) and the minus sign count too.
_JOINING_MARKS: Final = frozenset(".()\u2212\u00b7")
_MAX_MARKS_PER_GAP: Final = 2
_PLUS: Final = frozenset("+\uff0b")
_AMOUNT: Final = re.compile(r"[1-9][0-9]{0,2}(?:\.[0-9]{3})+")
_CURRENCY_BEFORE: Final = re.compile(r"(?:\b[Rr][Pp]|\bIDR)\.?\s*\Z")
_CURRENCY_AFTER: Final = re.compile(r"(?:,-|,00\b|\s*rupiah\b)", re.IGNORECASE)


def _text(value: object, field: str) -> str:
    if not isinstance(value, str):
        raise InvalidTypeError(
            f"{field} harus berupa teks, bukan {type(value).__name__}.",
            f"{field} must be text, not {type(value).__name__}.",
            field=field,
            details={"type": type(value).__name__},
        )
    return value


def mask(value: str, *, keep: int = 4, fill: str = "*") -> str:
    """
    Mask the middle of ``value``, leaving at most half of it visible.

    Up to ``keep`` characters stay at each end; shorter values keep fewer so that
    at least half is always hidden.

    Raises:
        InvalidTypeError: ``value`` or ``fill`` is not text, or ``keep`` not an integer
            of 0 or more.

    >>> mask("3171234567890001")
    '3171********0001'
    >>> mask("+6281234567890")
    '+62********890'
    >>> mask("12345")
    '1***5'
    >>> mask("123")
    '***'
    """
    _text(value, "value")
    _text(fill, "fill")
    if isinstance(keep, bool) or not isinstance(keep, int) or keep < 0:
        raise InvalidTypeError(
            "keep harus bilangan bulat 0 atau lebih.",
            "keep must be an integer of 0 or more.",
            field="keep",
        )
    side = min(keep, len(value) // 4)
    if side == 0:
        return fill * len(value)
    return value[:side] + fill * (len(value) - 2 * side) + value[-side:]


def mask_name(name: str) -> str:
    """
    Keep the first letter of each word of a person's name; a one-letter word is hidden whole.

    >>> mask_name("Budi Santoso")
    'B*** S******'
    >>> mask_name("A Yani")
    '* Y***'
    """
    _text(name, "name")
    return " ".join(w[:1] + "*" * (len(w) - 1) if len(w) > 1 else "*" for w in name.split())


def _is_digit(ch: str) -> bool:
    return unicodedata.decimal(ch, None) is not None


def _is_gap(ch: str) -> bool:
    # White space of any kind (tabs, no-break and ideographic spaces, line breaks) and
    # invisible format characters (zero-width space, soft hyphen) never end a number.
    return ch.isspace() or unicodedata.category(ch) == "Cf"


def _is_mark(ch: str) -> bool:
    folded = unicodedata.normalize("NFKC", ch)
    return len(folded) == 1 and (folded in _JOINING_MARKS or unicodedata.category(folded) == "Pd")


def _runs(text: str) -> Iterator[tuple[int, int]]:
    """
    The spans ``[start, end)`` of the numbers in ``text``: digit groups joined by gaps of
    white space with at most two punctuation marks, with a leading ``+``.
    """
    i, n = 0, len(text)
    while i < n:
        if not _is_digit(text[i]):
            i += 1
            continue
        start = i - 1 if i > 0 and text[i - 1] in _PLUS else i
        end = i
        while True:
            while end < n and _is_digit(text[end]):
                end += 1
            k, marks = end, 0
            while k < n and not _is_digit(text[k]):
                if _is_gap(text[k]):
                    k += 1
                elif marks < _MAX_MARKS_PER_GAP and _is_mark(text[k]):
                    marks += 1
                    k += 1
                else:
                    break
            if k < n and _is_digit(text[k]) and k > end:
                end = k
                continue
            break
        yield start, end
        i = end


def _is_amount(text: str, start: int, end: int) -> bool:
    # "Rp 150.000.000", "150.000.000,-", "1.500.000 rupiah": a sum of money in rupiah,
    # thousands grouped with dots as Indonesians write them, not an identifier.
    return bool(
        _AMOUNT.fullmatch(text, start, end)
        and (
            _CURRENCY_BEFORE.search(text[max(0, start - 6) : start])
            or _CURRENCY_AFTER.match(text, end)
        )
    )


def _digits(text: str) -> str:
    return "".join(str(unicodedata.decimal(ch)) for ch in text if _is_digit(ch))


def redact_identifiers(text: str, *, keep: Iterable[str] = ()) -> str:
    """
    Mask every number in ``text`` long enough to be a NIK, a KK, an account or a telephone
    number (:data:`MIN_IDENTIFIER_DIGITS` digits or more), however it is typed.

    A number is a run of digit groups (any Unicode decimal digits, e.g. full-width) joined
    by gaps of white space of any kind (spaces, no-break spaces, tabs, line breaks,
    invisible format characters) holding at most two punctuation marks among dots, dashes
    of any kind (hyphen, en and em dash, minus, full-width hyphen) and parentheses, with an
    optional leading ``+``. So ``0813 - 9876 - 5432``, ``(0813) 9876 5432`` and
    ``+62 (813) 9876 5432`` are each one number. A slash or a comma ends a number:
    ``12/01/2026`` is three numbers, ``0812… / 0857…`` two.

    The middle digits are replaced by ``*`` in place, the rest of the number's shape (its
    ``+``, spaces, dashes, parentheses) kept: at most a quarter of the digits, and never
    more than four, stay visible at each end. Kept whole: a sum of rupiah written with
    thousands dots and marked as money (``Rp 150.000.000``, ``150.000.000,-``), and a number
    whose digits equal those of one in ``keep`` (a report number, the office's telephone).

    Raises:
        InvalidTypeError: ``text`` is not text, or ``keep`` not an iterable of texts.

    >>> redact_identifiers("NIK 3171234567890001, HP 0812-3456-7890, Rp 150.000.000")
    'NIK 3171********0001, HP 081*-****-*890, Rp 150.000.000'
    >>> redact_identifiers("WA +6281398765432 atau (0813)\\u00a09876\\u00a05432")
    'WA +628*******432 atau (081*)\\xa0****\\xa0*432'
    >>> redact_identifiers("laporan LAP-2026-000123", keep=["LAP-2026-000123"])
    'laporan LAP-2026-000123'
    """
    _text(text, "text")
    if isinstance(keep, str | bytes) or not isinstance(keep, Iterable):
        raise InvalidTypeError(
            "keep harus berupa daftar teks.",
            "keep must be a collection of texts.",
            field="keep",
        )
    kept = {_digits(_text(k, "keep")) for k in keep}
    kept.discard("")
    out: list[str] = []
    last = 0
    for start, end in _runs(text):
        digits = _digits(text[start:end])
        if len(digits) < MIN_IDENTIFIER_DIGITS or digits in kept or _is_amount(text, start, end):
            continue
        side = min(4, len(digits) // 4)
        seen = 0
        masked: list[str] = []
        for ch in text[start:end]:
            if _is_digit(ch):
                seen += 1
                hidden = side < seen <= len(digits) - side
                masked.append("*" if hidden else ch)
            else:
                masked.append(ch)
        out.append(text[last:start])
        out.append("".join(masked))
        last = end
    out.append(text[last:])
    return "".join(out)
