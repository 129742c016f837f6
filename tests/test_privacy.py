"""
Masking of personal data: numbers in free text, masks in reprs and messages.
"""

from __future__ import annotations

import re
import unicodedata

import pendulum
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from layanan_aduan.exceptions import InvalidTypeError
from layanan_aduan.notifications import NotificationRenderer
from layanan_aduan.privacy import MIN_IDENTIFIER_DIGITS, mask, redact_identifiers

# What people put between digit groups: spaces of every kind, dashes, dots (also their
# full-width forms typed on a phone keyboard) and invisible characters pasted along.
_SPACES = ["", " ", "  ", "\u00a0", "\t", "\u3000", "\u200b", "\u202f", "\n"]
_MARKS = ["", "", "-", "\u2013", "\u2014", "\u2212", ".", "\uff0d", "\uff0e"]
_FULL_WIDTH = str.maketrans("0123456789", "".join(chr(0xFF10 + d) for d in range(10)))


@st.composite
def identifiers(draw: st.DrawFn) -> str:
    """The digits of a NIK, a KK, an account or an Indonesian telephone number."""
    return draw(
        st.one_of(
            st.from_regex(r"[1-9][0-9]{15}", fullmatch=True),  # NIK, KK
            st.from_regex(r"08[1-9][0-9]{7,10}", fullmatch=True),  # mobile, national
            st.from_regex(r"628[1-9][0-9]{7,10}", fullmatch=True),  # mobile, wa_id
            st.from_regex(r"0[1-9][0-9]{7}", fullmatch=True),  # nine-digit national
            st.from_regex(r"[0-9]{9,16}", fullmatch=True),  # anything else that long
        )
    )


@st.composite
def spellings(draw: st.DrawFn, digits: str) -> str:
    """``digits`` as a person might type them: grouped, separated, bracketed, with a ``+``."""
    groups: list[str] = []
    rest = digits
    while rest:
        size = draw(st.integers(min_value=1, max_value=6))
        groups.append(rest[:size])
        rest = rest[size:]
    if draw(st.booleans()):
        groups = [g.translate(_FULL_WIDTH) for g in groups]
    bracketed = draw(st.integers(min_value=-1, max_value=len(groups) - 1))
    if bracketed >= 0:
        groups[bracketed] = f"({groups[bracketed]})"
    gaps = [
        draw(st.sampled_from(_SPACES))
        + draw(st.sampled_from(_MARKS))
        + draw(st.sampled_from(_SPACES))
        for _ in groups[1:]
    ]
    spelled = groups[0] + "".join(g + group for g, group in zip(gaps, groups[1:], strict=True))
    plus = digits.startswith("62") and draw(st.booleans())
    return ("+" if plus else "") + spelled


@st.composite
def numbers_in_text(draw: st.DrawFn) -> tuple[str, str, str, str]:
    """Surrounding text, a number as typed, more text; and the number's digits."""
    digits = draw(identifiers())
    spelled = draw(spellings(digits))
    prefix = draw(st.text(max_size=30))
    suffix = draw(st.text(max_size=30))
    # The one documented exception: a sum of rupiah, marked as money, is kept whole.
    assume(not re.search(r"(?i)(rp|idr)\W*[\d.]*\Z", prefix))
    assume(not re.match(r"(?i)[\d.]*(,|\s*rupiah)", suffix))
    return prefix, spelled, suffix, digits


def _ascii_digits(text: str) -> str:
    return "".join(
        str(unicodedata.decimal(ch)) for ch in text if unicodedata.decimal(ch, None) is not None
    )


@given(numbers_in_text())
def test_a_number_typed_any_way_never_comes_out_whole(case: tuple[str, str, str, str]) -> None:
    """However a long number is typed and whatever surrounds it, half its digits are hidden."""
    prefix, spelled, suffix, digits = case
    text = prefix + spelled + suffix
    out = redact_identifiers(text)
    assert len(out) == len(text)  # masked in place: the number keeps its shape
    shown = _ascii_digits(out[len(prefix) : len(prefix) + len(spelled)])
    assert 2 * len(shown) <= len(digits)
    assert shown != digits


@given(numbers_in_text(), st.sampled_from(["id", "en"]))
def test_no_notification_shows_a_number_typed_any_way(
    case: tuple[str, str, str, str], language: str
) -> None:
    """A long number in a follow-up, however typed, reaches neither text nor template whole."""
    prefix, spelled, suffix, digits = case
    assume(not any(unicodedata.decimal(ch, None) is not None for ch in prefix + suffix))
    note = NotificationRenderer().follow_up(
        "LAP-2026-000123",
        prefix + " " + spelled + " " + suffix,
        language=language,  # type: ignore[arg-type]
    )
    body = note.text.split("\n", 1)[1].rsplit("\n", 1)[0]
    for shown in (body, note.template.parameters[1]):
        assert digits not in _ascii_digits(shown)


@pytest.mark.parametrize(
    ("typed", "masked"),
    [
        ("0813\u00a09876\u00a05432", "081*\u00a0****\u00a0*432"),
        ("0813  9876  5432", "081*  ****  *432"),
        ("0813\t9876\t5432", "081*\t****\t*432"),
        ("0813 - 9876 - 5432", "081* - **** - *432"),
        ("0813\u20139876\u20135432", "081*\u2013****\u2013*432"),
        ("(0813) 9876 5432", "(081*) **** *432"),
        ("+62 (813) 9876 5432", "+62 (8**) **** *432"),
        ("0811 1234 5", "08** ***4 5"),
        ("3171\u200b0101\u200b0190\u200b0001", "3171\u200b****\u200b****\u200b0001"),
    ],
)
def test_the_spellings_from_issue_15_are_masked(typed: str, masked: str) -> None:
    """No-break or double spaces, tabs, dashes, brackets and nine-digit numbers are masked."""
    assert redact_identifiers(f"HP {typed}.") == f"HP {masked}."


def test_the_plus_of_an_international_number_is_kept() -> None:
    """A masked ``+62…`` number keeps its ``+``: the number's shape stays readable."""
    assert redact_identifiers("+6281398765432") == "+628*******432"
    assert redact_identifiers("WA: +62 813-9876-5432") == "WA: +62 8**-****-*432"


@pytest.mark.parametrize(
    "kept",
    [
        "Rp 150.000.000",
        "Rp1.500.000.000,-",
        "IDR 2.750.000.000",
        "sebesar 150.000.000 rupiah",
        "tanggal 12-01-2026",
        "12/01/2026",
        "LAP/KNJP/2026/000123",
        "pukul 10.00 WIB, 3 orang",
        "nomor 12345678",
    ],
)
def test_amounts_dates_and_short_numbers_are_kept(kept: str) -> None:
    """Marked sums of rupiah, dates, slashed references and short numbers stay whole."""
    assert MIN_IDENTIFIER_DIGITS == 9
    assert redact_identifiers(kept) == kept


def test_an_unmarked_dotted_number_is_masked() -> None:
    """Without a currency mark, a number grouped in threes could be an identifier and is masked."""
    assert redact_identifiers("3.171.010.101.900.001") == "3.171.***.***.**0.001"


def test_kept_numbers_stay_whole() -> None:
    """A number whose digits equal one in ``keep`` is shown whole, however it is spelled there."""
    assert (
        redact_identifiers("hubungi (021) 6585 1958", keep=["(021) 65851958"])
        == "hubungi (021) 6585 1958"
    )


def test_notifications_redact_after_clean_up() -> None:
    """A number split by characters that clean-up removes or folds is masked in the message sent."""
    note = NotificationRenderer().handover(
        "LAP-2026-000123",
        pendulum.datetime(2026, 1, 12, 1, 30, tz="UTC"),
        pendulum.datetime(2026, 1, 12, 4, 30, tz="UTC"),
        summary="Pelapor 0813\u00a09876\u00a05432 dan 0813\u200b9876\u200b5432",
    )
    assert "981" not in note.text
    assert note.template.parameters[3] == "Pelapor 081* **** *432 dan 081******432"


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda: redact_identifiers(6281398765432), "text"),  # type: ignore[arg-type]
        (lambda: redact_identifiers("x", keep="0812"), "keep"),
        (lambda: redact_identifiers("x", keep=[12]), "keep"),  # type: ignore[list-item]
        (lambda: mask(3171010101900001), "value"),  # type: ignore[arg-type]
        (lambda: mask("x", keep=-1), "keep"),
    ],
)
def test_maskers_refuse_a_wrong_type(call: object, field: str) -> None:
    """The masking helpers refuse a non-text value with a typed error naming the argument."""
    with pytest.raises(InvalidTypeError) as info:
        call()  # type: ignore[operator]
    assert info.value.code == "invalid_type"
    assert info.value.field == field
    assert "3171010101900001" not in str(info.value)
