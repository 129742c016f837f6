"""
The reporter's identity: NIK structure, telephone normalisation, WhatsApp user ids, Reporter.
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from layanan_aduan.domain.identity import (
    PROVINCES,
    Nik,
    PhoneNumber,
    Reporter,
    Sex,
    WhatsAppUserId,
    email_problems,
    name_problems,
    nik_problems,
    phone_problems,
    whatsapp_user_id_problems,
)
from layanan_aduan.exceptions import (
    InvalidNikError,
    InvalidPhoneNumberError,
    InvalidWhatsAppUserIdError,
    RequirementsNotMetError,
    ValidationError,
)
from layanan_aduan.testing.strategies import (
    NIK_STRUCTURE_FAULTS,
    PHONE_INPUT_FORMS,
    invalid_niks,
    invalid_phone_numbers,
    niks,
    phone_input_forms,
    phone_numbers,
    reporters,
)

JAKARTA_MAN = "3171010101900001"


def codes(problems: tuple[object, ...]) -> list[str]:
    return [p.code for p in problems]  # type: ignore[attr-defined]


def full_width(digits: str) -> str:
    """The same digits as full-width Unicode digits (U+FF10-U+FF19)."""
    return "".join(chr(0xFF10 + int(d)) for d in digits)


def oracle_accepts(digits: str) -> bool:
    """An independent statement of the NIK structure rules, for comparison."""
    regency, district = int(digits[2:4]), int(digits[4:6])
    day, month, year = int(digits[6:8]), int(digits[8:10]), int(digits[10:12])
    if day > 40:
        day -= 40
    elif day > 31:
        return False
    real_date = False
    for century in (1900, 2000):
        try:
            dt.date(century + year, month, day)
            real_date = True
        except ValueError:
            pass
    return (
        digits[0:2] in PROVINCES
        and (1 <= regency <= 69 or 71 <= regency <= 99)
        and district != 0
        and real_date
        and digits[12:16] != "0000"
    )


# --- NIK: examples ----------------------------------------------------------------------------


def test_nik_exposes_its_parts() -> None:
    """A NIK's place, birth-date, sex and serial parts are readable."""
    nik = Nik(JAKARTA_MAN)
    assert nik.province_code == "31"
    assert nik.province_name == "DKI Jakarta"
    assert nik.regency_code == "3171"
    assert nik.is_city
    assert nik.district_code == "317101"
    assert nik.sex is Sex.MALE
    assert nik.birth_date_candidates == (dt.date(1990, 1, 1), dt.date(2090, 1, 1))
    assert nik.birth_date(dt.date(2026, 5, 1)) == dt.date(1990, 1, 1)
    assert nik.serial == "0001"


def test_women_have_forty_added_to_the_day() -> None:
    """Day 41-71 means a woman born on day 1-31."""
    nik = Nik("3273017112850042")
    assert nik.sex is Sex.FEMALE
    assert nik.birth_date(dt.date(2026, 1, 1)) == dt.date(1985, 12, 31)
    assert nik.is_city  # 32.73 is Kota Bandung


def test_century_is_the_latest_candidate_not_after_the_reference() -> None:
    """The birth century is the most recent one that is not in the future."""
    nik = Nik("3171010101250001")
    assert nik.birth_date(dt.date(2026, 1, 1)) == dt.date(2025, 1, 1)
    assert nik.birth_date(dt.date(2024, 12, 31)) == dt.date(1925, 1, 1)
    assert nik.birth_date(dt.date(1925, 1, 1)) == dt.date(1925, 1, 1)
    assert nik.birth_date(dt.date(1924, 12, 31)) is None


def test_29_february_00_is_2000_only() -> None:
    """29 February 00 exists only in 2000 (1900 was not a leap year), and is valid."""
    nik = Nik("3171012902000001")
    assert nik.birth_date_candidates == (dt.date(2000, 2, 29),)
    assert codes(nik_problems("3171012902010001")) == ["nik_invalid_birth_date"]


@pytest.mark.parametrize(
    ("value", "province"),
    [
        ("9101010101900001", "Papua"),  # Merauke before the 2022 split (now 93.01)
        ("9271010101900001", "Papua Barat"),  # Kota Sorong before 2022 (now 96.71)
        ("9171010101900001", "Papua"),  # Kota Jayapura, mislabelled by python-stdnum
        ("6571010101900001", "Kalimantan Utara"),  # missing from python-stdnum
        ("9301010101900001", "Papua Selatan"),
        ("9401010101900001", "Papua Tengah"),
        ("9501010101900001", "Papua Pegunungan"),
        ("9671010101900001", "Papua Barat Daya"),
    ],
)
def test_current_and_historical_province_codes_are_accepted(value: str, province: str) -> None:
    """Province codes follow Kemendagri, current and historical, not python-stdnum's list."""
    assert Nik(value).province_name == province


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", ["nik_missing"]),
        ("   ", ["nik_missing"]),
        (None, ["nik_missing"]),
        ("3171O10101900001", ["nik_invalid_characters"]),
        ("317101010190001", ["nik_invalid_length"]),
        ("31710101019000011", ["nik_invalid_length"]),
        ("2071010101900001", ["nik_unknown_province"]),
        ("3100010101900001", ["nik_invalid_regency"]),
        ("3170010101900001", ["nik_invalid_regency"]),
        ("3171000101900001", ["nik_invalid_district"]),
        ("3171013201900001", ["nik_invalid_birth_date"]),
        ("3171017201900001", ["nik_invalid_birth_date"]),
        ("3171010013900001", ["nik_invalid_birth_date"]),
        ("3171013104900001", ["nik_invalid_birth_date"]),
        ("3171010101900000", ["nik_zero_serial"]),
    ],
)
def test_each_nik_rule_has_its_code(text: str | None, expected: list[str]) -> None:
    """Each broken NIK rule is reported with its own stable code."""
    assert codes(nik_problems(text)) == expected


def test_nik_parse_accepts_separators_and_unicode_digits() -> None:
    """Spaces, dots, hyphens and full-width digits are read; the value is 16 ASCII digits."""
    assert Nik.parse("3171 0101 0190 0001").value == JAKARTA_MAN
    assert Nik.parse("31.71.01-010190-0001").value == JAKARTA_MAN
    assert Nik.parse(full_width(JAKARTA_MAN)).value == JAKARTA_MAN


# What a phone keyboard puts between digit groups: the separators accepted in ASCII (space,
# dot, hyphen) in their full-width, dash and white-space variants, and invisible marks.
FULL_WIDTH_DIGITS = str.maketrans({str(d): chr(0xFF10 + d) for d in range(10)})
KEYBOARD_SEPARATORS = [
    " ",
    ".",
    "-",
    "\u3000",  # ideographic space
    "\uff0d",  # full-width hyphen-minus
    "\uff0e",  # full-width full stop
    "\u2013",  # en dash
    "\u2014",  # em dash
    "\u2010",  # hyphen
    "\u2011",  # non-breaking hyphen (Android contacts)
    "\u2212",  # minus sign
    "\u00a0",
    "\u202f",  # narrow no-break space
    "\t",
    "\u200e",  # left-to-right mark (pasted with a copied number)
]


@given(
    niks(historical=None).map(lambda text: "".join(ch for ch in text if ch.isdigit())),
    st.lists(st.sampled_from(KEYBOARD_SEPARATORS), min_size=15, max_size=15),
    st.lists(st.booleans(), min_size=15, max_size=15),
)
def test_nik_typed_on_a_phone_keyboard_is_read(
    digits: str, separators: list[str], used: list[bool]
) -> None:
    """Full-width spaces and hyphens, any dash and invisible marks between digits are ignored."""
    typed = digits[0] + "".join(
        (sep if use else "") + d for sep, use, d in zip(separators, used, digits[1:], strict=True)
    )
    assert nik_problems(typed) == ()
    assert Nik.parse(typed).value == digits
    assert Nik.parse(typed.translate(FULL_WIDTH_DIGITS)).value == digits


@pytest.mark.parametrize(
    "typed",
    [
        "3171\u30000101\u30000190\u30000001",
        "3171\uff0d0101\uff0d0190\uff0d0001",
        "3171\u20130101\u20130190\u20130001",
    ],
)
def test_nik_with_issue_15_separators_is_read(typed: str) -> None:
    """U+3000, U+FF0D and the en dash between NIK groups are read as separators."""
    assert Nik.parse(typed).value == JAKARTA_MAN


@pytest.mark.parametrize(
    "typed",
    ["3171/0101/0190/0001", "3171,0101,0190,0001", "3171_0101_0190_0001", "NIK 3171010101900001"],
)
def test_nik_with_other_characters_is_refused_clearly(typed: str) -> None:
    """Slashes, commas, underscores and letters are refused; the message says what is allowed."""
    [problem] = nik_problems(typed)
    assert problem.code == "nik_invalid_characters"
    assert (
        problem.message == "NIK hanya boleh berisi angka, dipisah spasi, titik atau tanda hubung."
    )


@pytest.mark.parametrize(
    "typed",
    [
        "0812\u20133456\u20137890",
        "\u202a+62 812\u20113456\u20117890\u202c",  # as Android copies it
        "\uff08+62\uff09 812\u30003456\u30007890",
        "0812\uff0d3456\uff0d7890",
    ],
)
def test_phone_typed_on_a_phone_keyboard_is_read(typed: str) -> None:
    """A telephone number takes the same full-width, dash and invisible separators as a NIK."""
    assert PhoneNumber.parse(typed).e164 == "+6281234567890"


def test_nik_constructor_takes_only_the_canonical_form() -> None:
    """Nik(...) wants bare digits; separators go through Nik.parse."""
    with pytest.raises(InvalidNikError) as info:
        Nik("3171 0101 0190 0001")
    assert info.value.code == "nik_invalid_characters"
    with pytest.raises(InvalidNikError) as info:
        Nik(3171010101900001)  # type: ignore[arg-type]
    assert info.value.code == "nik_invalid_characters"


def test_nik_error_carries_every_code_and_is_a_validation_error() -> None:
    """The error names the first broken rule and lists all of them."""
    with pytest.raises(InvalidNikError) as info:
        Nik.parse("2070000101900000")
    error = info.value
    assert isinstance(error, ValidationError)
    assert isinstance(error, ValueError)
    assert error.code == "nik_unknown_province"
    assert error.field == "nik"
    assert error.details["codes"] == [
        "nik_unknown_province",
        "nik_invalid_regency",
        "nik_invalid_district",
        "nik_zero_serial",
    ]
    assert "2070000101900000" not in str(error) + repr(error) + error.message_en


def test_nik_repr_and_str_are_masked() -> None:
    """A NIK never shows whole in repr or str."""
    nik = Nik(JAKARTA_MAN)
    assert repr(nik) == "Nik('3171********0001')"
    assert str(nik) == "3171********0001"
    assert f"{nik}" == "3171********0001"


# --- NIK: properties --------------------------------------------------------------------------


@given(niks(historical=None))
def test_generated_valid_niks_are_accepted(text: str) -> None:
    """Every NIK the strategy calls valid has no problem and parses."""
    assert nik_problems(text) == ()
    assert Nik.parse(text).value == text


@given(invalid_niks())
def test_generated_invalid_niks_are_refused(text: str) -> None:
    """Every NIK the strategy calls invalid is refused with the first problem's code."""
    problems = nik_problems(text)
    assert problems
    with pytest.raises(InvalidNikError) as info:
        Nik.parse(text)
    assert info.value.code == problems[0].code


@given(st.sets(st.sampled_from(NIK_STRUCTURE_FAULTS), min_size=1).flatmap(
    lambda faults: st.tuples(st.just(faults), invalid_niks(codes=faults))
))  # fmt: skip
def test_independent_nik_faults_are_all_reported(case: tuple[set[str], str]) -> None:
    """A NIK with several independent faults reports exactly those faults."""
    faults, text = case
    assert set(codes(nik_problems(text))) == faults


@given(
    st.one_of(
        st.text(alphabet="0123456789", min_size=16, max_size=16),
        niks(historical=None).flatmap(
            lambda n: st.tuples(st.integers(0, 15), st.sampled_from("0123456789")).map(
                lambda t: n[: t[0]] + t[1] + n[t[0] + 1 :]
            )
        ),
    )
)
def test_nik_validation_matches_an_independent_oracle(digits: str) -> None:
    """A 16-digit NIK is accepted exactly when the stated structure rules hold."""
    assert (nik_problems(digits) == ()) == oracle_accepts(digits)


@given(
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2099, 12, 31)),
    st.booleans(),
)
def test_birth_date_and_sex_round_trip(born: dt.date, female: bool) -> None:
    """The date and sex written into a NIK are read back from it."""
    day = born.day + (40 if female else 0)
    nik = Nik(f"317101{day:02d}{born.month:02d}{born.year % 100:02d}0001")
    assert born in nik.birth_date_candidates
    assert nik.sex is (Sex.FEMALE if female else Sex.MALE)
    assert nik.birth_date(born) == born


@given(niks(historical=None))
def test_nik_repr_never_leaks_the_whole_value(text: str) -> None:
    """Neither repr nor str of a NIK contains its 16 digits."""
    nik = Nik.parse(text)
    assert text not in repr(nik)
    assert text not in str(nik)


# --- telephone --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "081234567890",
        "0812-3456-7890",
        "0812 3456 7890",
        "81234567890",
        "6281234567890",
        "+6281234567890",
        "+62 812-3456-7890",
        "(+62) 812 3456 7890",
        "+62 (0) 812 3456 7890",
        "0062 812 3456 7890",
        full_width("081234567890"),
    ],
)
def test_accepted_forms_of_one_number_normalise_alike(text: str) -> None:
    """The forms people write an Indonesian mobile number in all give one E.164."""
    phone = PhoneNumber.parse(text)
    assert phone.e164 == "+6281234567890"
    assert phone.wa_id == "6281234567890"
    assert phone.national == "081234567890"
    assert phone.region == "ID"
    assert phone.is_indonesian


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "phone_missing"),
        (None, "phone_missing"),
        ("0812-ABCD-7890", "phone_invalid"),
        ("0812", "phone_invalid"),
        ("08123456789012345", "phone_invalid"),
        ("+62 84 1234 5678", "phone_invalid"),
        ("021-6585-1958", "phone_not_mobile"),
        ("(021) 65851958", "phone_not_mobile"),
        ("0800-1234-567", "phone_not_mobile"),
        ("++6281234567890", "phone_invalid"),
    ],
)
def test_refused_numbers_have_codes(text: str | None, code: str) -> None:
    """Missing, malformed and non-mobile numbers are refused with their own codes."""
    assert codes(phone_problems(text)) == [code]


def test_foreign_mobile_numbers_are_accepted() -> None:
    """A foreign mobile number written with + or 00, or as a wa_id, is accepted."""
    assert PhoneNumber.parse("+60 12-345 6789").region == "MY"
    assert PhoneNumber.parse("0060123456789").e164 == "+60123456789"
    assert PhoneNumber.parse("16505551234").e164 == "+16505551234"
    assert PhoneNumber.from_wa_id("966512345678").region == "SA"
    assert not PhoneNumber.parse("+966 51 234 5678").is_indonesian


def test_bare_digits_valid_in_indonesia_are_read_as_indonesian() -> None:
    """Bare 8... digits are read as Indonesian first, as documented (+81 needs its +)."""
    assert PhoneNumber.parse("819012345678").e164 == "+62819012345678"
    assert PhoneNumber.parse("+819012345678").region == "JP"


def test_phone_constructor_wants_e164_and_from_wa_id_wants_digits() -> None:
    """The canonical constructor refuses other forms; from_wa_id refuses non-digits."""
    with pytest.raises(InvalidPhoneNumberError) as info:
        PhoneNumber("081234567890")
    assert info.value.code == "phone_not_e164"
    with pytest.raises(InvalidPhoneNumberError) as info:
        PhoneNumber.from_wa_id("+6281234567890")
    assert info.value.code == "phone_invalid"
    with pytest.raises(InvalidPhoneNumberError) as info:
        PhoneNumber.parse("021 6585 1958")
    assert info.value.code == "phone_not_mobile"
    assert "6585" not in str(info.value)


def test_phone_repr_and_str_are_masked() -> None:
    """A telephone number never shows whole in repr or str."""
    phone = PhoneNumber("+6281234567890")
    assert repr(phone) == "PhoneNumber('+62********890')"
    assert str(phone) == "+62********890"


@given(phone_numbers().flatmap(lambda text: st.just(PhoneNumber.parse(text).e164[3:])))
def test_every_input_form_of_a_number_normalises_to_the_same_e164(nsn: str) -> None:
    """All accepted input forms of one Indonesian number normalise to one E.164."""
    forms = phone_input_forms(nsn)
    assert set(forms) == set(PHONE_INPUT_FORMS)
    assert {PhoneNumber.parse(text).e164 for text in forms.values()} == {"+62" + nsn}


@given(st.one_of(phone_numbers(), phone_numbers(foreign=True)))
def test_normalisation_is_idempotent(text: str) -> None:
    """Normalising a normalised number changes nothing, whichever form it is read from."""
    phone = PhoneNumber.parse(text)
    assert PhoneNumber.parse(phone.e164) == phone
    assert PhoneNumber(phone.e164) == phone
    assert PhoneNumber.from_wa_id(phone.wa_id) == phone
    if phone.is_indonesian:
        assert PhoneNumber.parse(phone.national) == phone


@given(invalid_phone_numbers())
def test_generated_invalid_numbers_are_refused(text: str) -> None:
    """Every number the strategy calls invalid is refused."""
    problems = phone_problems(text)
    assert codes(problems)[0] in {"phone_invalid", "phone_not_mobile"}
    with pytest.raises(InvalidPhoneNumberError):
        PhoneNumber.parse(text)


@given(phone_numbers())
def test_phone_repr_never_leaks_the_whole_number(text: str) -> None:
    """Neither repr nor str of a number contains its E.164, wa_id or national form."""
    phone = PhoneNumber.parse(text)
    shown = repr(phone) + str(phone)
    for whole in (phone.e164, phone.wa_id, phone.national):
        assert whole not in shown


# --- WhatsApp user id -------------------------------------------------------------------------


def test_user_id_form() -> None:
    """A BSUID is CC.<alnum>; its country prefix is readable and its body masked."""
    user_id = WhatsAppUserId("US.13491208655302741918")
    assert user_id.country == "US"
    assert repr(user_id) == "WhatsAppUserId('US.1349************1918')"
    assert "13491208655302741918" not in str(user_id)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "whatsapp_user_id_missing"),
        ("6281234567890", "whatsapp_user_id_invalid"),
        ("us.1349120865", "whatsapp_user_id_invalid"),
        ("US.ENT.1181234", "whatsapp_user_id_invalid"),
        ("US.", "whatsapp_user_id_invalid"),
        ("USA.123", "whatsapp_user_id_invalid"),
        ("US.12 34", "whatsapp_user_id_invalid"),
    ],
)
def test_refused_user_ids(text: str, code: str) -> None:
    """Ids not of the form CC.<alnum> (including parent ids) are refused."""
    assert codes(whatsapp_user_id_problems(text)) == [code]
    with pytest.raises(InvalidWhatsAppUserIdError):
        WhatsAppUserId(text)


def test_user_id_constructor_refuses_surrounding_space() -> None:
    """The canonical user id has no surrounding white space."""
    with pytest.raises(InvalidWhatsAppUserIdError):
        WhatsAppUserId(" US.1234 ")


# --- reporter ---------------------------------------------------------------------------------


def test_contact_key_prefers_the_user_id() -> None:
    """The user id identifies a reporter when present, else the E.164 number."""
    nik = Nik(JAKARTA_MAN)
    phone = PhoneNumber("+6281234567890")
    user_id = WhatsAppUserId("ID.998877665544")
    assert Reporter(name="Budi", nik=nik, phone=phone).contact_key == "+6281234567890"
    assert Reporter(name="Budi", nik=nik, whatsapp_user_id=user_id).contact_key == user_id.value
    both = Reporter(name="Budi", nik=nik, phone=phone, whatsapp_user_id=user_id)
    assert both.contact_key == user_id.value


def test_reporter_refuses_every_problem_at_once() -> None:
    """A reporter without a name or a contact, with a bad e-mail, is refused with all codes."""
    with pytest.raises(RequirementsNotMetError) as info:
        Reporter(name="  ", nik=Nik(JAKARTA_MAN), email="budi@")
    assert info.value.details["codes"] == ["name_missing", "email_invalid", "contact_missing"]
    assert [p.code for p in info.value.problems] == info.value.details["codes"]


def test_reporter_cleans_white_space() -> None:
    """Runs of white space in the name and address collapse; blank optionals become None."""
    reporter = Reporter(
        name="  Siti   Aminah ",
        nik=Nik(JAKARTA_MAN),
        phone=PhoneNumber("+6281234567890"),
        address="  ",
        email=" siti@example.id ",
    )
    assert reporter.name == "Siti Aminah"
    assert reporter.address is None
    assert reporter.email == "siti@example.id"


def test_reporter_repr_masks_everything() -> None:
    """The reporter's repr shows no name, NIK, number, id, address or e-mail whole."""
    reporter = Reporter(
        name="Budi Santoso",
        nik=Nik(JAKARTA_MAN),
        phone=PhoneNumber("+6281234567890"),
        whatsapp_user_id=WhatsAppUserId("ID.998877665544"),
        address="Jl. Merpati No. 5",
        email="budi@example.id",
    )
    shown = repr(reporter)
    for whole in (
        "Budi Santoso",
        JAKARTA_MAN,
        "+6281234567890",
        "998877665544",
        "Merpati",
        "budi@example.id",
    ):
        assert whole not in shown
    assert str(reporter) == shown
    assert repr(Reporter(name="A B", nik=Nik(JAKARTA_MAN), phone=reporter.phone)).startswith(
        "Reporter(name='* *'"
    )


@pytest.mark.parametrize(
    ("text", "code"),
    [("", "name_missing"), ("1234", "name_invalid"), ("x" * 201, "name_too_long")],
)
def test_name_rules(text: str, code: str) -> None:
    """A full name is required, needs letters and has at most 200 characters."""
    assert codes(name_problems(text)) == [code]


@pytest.mark.parametrize("text", ["budi", "budi@localhost", "a b@example.id", "@example.id"])
def test_email_rules(text: str) -> None:
    """An e-mail needs a local part, an @ and a dotted domain, without spaces."""
    assert codes(email_problems(text)) == ["email_invalid"]


@given(reporters())
def test_reporter_repr_never_leaks_personal_data(reporter: Reporter) -> None:
    """No repr or str of a random reporter contains a whole personal value."""
    shown = repr(reporter) + str(reporter)
    assert reporter.nik.value not in shown
    assert repr(reporter.name) not in shown  # quoted: a short name may occur inside "Nik("
    if reporter.phone is not None:
        assert reporter.phone.e164 not in shown
        assert reporter.phone.wa_id not in shown
    if reporter.whatsapp_user_id is not None:
        assert reporter.whatsapp_user_id.value not in shown
    if reporter.email is not None:
        assert reporter.email not in shown
    if reporter.address is not None:
        assert reporter.address not in shown


@given(reporters(), reporters(), st.sampled_from(["budi@", "x" * 300, "budi @example.id"]))
def test_reporter_errors_never_depend_on_personal_data(
    first: Reporter, second: Reporter, email: str
) -> None:
    """Errors about two different reporters with the same fault read the same, word for word."""

    def error_of(reporter: Reporter) -> RequirementsNotMetError:
        with pytest.raises(RequirementsNotMetError) as info:
            Reporter(
                name=reporter.name,
                nik=reporter.nik,
                phone=reporter.phone,
                whatsapp_user_id=reporter.whatsapp_user_id,
                email=email,
            )
        return info.value

    one, other = error_of(first), error_of(second)
    assert (str(one), one.message_en, one.details) == (str(other), other.message_en, other.details)
    assert first.nik.value not in str(one) + repr(one) + repr(one.problems)
