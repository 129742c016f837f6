"""
The public hypothesis strategies: their knobs, their promises and their type registration.
"""

from __future__ import annotations

import importlib.metadata
import subprocess
import sys

import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from layanan_aduan.domain.evidence import EvidenceFile, MediaType, inspect_evidence, recognise
from layanan_aduan.domain.identity import (
    PROVINCES,
    Nik,
    PhoneNumber,
    Reporter,
    Sex,
    WhatsAppUserId,
    nik_problems,
)
from layanan_aduan.testing.strategies import (
    PHONE_INPUT_FORMS,
    RETIRED_REGENCY_CODES,
    evidence_files,
    invalid_niks,
    niks,
    phone_numbers,
    register_type_strategies,
    reporters,
    whatsapp_user_ids,
)


@given(niks(female=True))
def test_female_niks_add_forty_to_the_day(text: str) -> None:
    """female=True gives women's NIKs (day part 41-71)."""
    assert Nik.parse(text).sex is Sex.FEMALE
    assert 41 <= int(text[6:8]) <= 71


@given(niks(female=False))
def test_male_niks(text: str) -> None:
    """female=False gives men's NIKs (day part 01-31)."""
    assert Nik.parse(text).sex is Sex.MALE


@given(niks(historical=True))
def test_historical_niks_carry_retired_regency_codes(text: str) -> None:
    """historical=True gives NIKs whose regency code today's list has moved."""
    nik = Nik.parse(text)
    assert nik.regency_code in RETIRED_REGENCY_CODES
    assert RETIRED_REGENCY_CODES[nik.regency_code][1] != nik.regency_code


def test_retired_codes_moved_to_the_2022_papua_provinces() -> None:
    """Each retired code's new home is one of the provinces created in 2022."""
    for _name, new_code in RETIRED_REGENCY_CODES.values():
        assert PROVINCES[new_code[:2]] in {
            "Papua Selatan",
            "Papua Tengah",
            "Papua Pegunungan",
            "Papua Barat Daya",
        }


@given(niks(province="65"))
def test_province_knob(text: str) -> None:
    """province= fixes the province code."""
    assert Nik.parse(text).province_name == "Kalimantan Utara"


@given(niks(separators=True))
def test_separated_niks_parse_to_sixteen_digits(text: str) -> None:
    """separators=True writes the NIK in groups, which Nik.parse reads."""
    assert len(text) == 18
    assert len(Nik.parse(text).value) == 16


def test_invalid_niks_refuses_impossible_requests() -> None:
    """Asking for codes the strategy cannot produce together is an error, not a silent lie."""
    with pytest.raises(ValueError, match="cannot build"):
        invalid_niks(codes={"nik_missing", "nik_zero_serial"})


@given(invalid_niks(codes={"nik_invalid_characters"}))
def test_invalid_niks_with_a_single_code(text: str) -> None:
    """codes= with one non-structural code gives exactly that problem."""
    assert [p.code for p in nik_problems(text)] == ["nik_invalid_characters"]


@given(st.sampled_from(PHONE_INPUT_FORMS).flatmap(lambda f: phone_numbers(forms=[f])))
def test_phone_numbers_are_indonesian_mobiles(text: str) -> None:
    """phone_numbers() gives Indonesian mobile numbers in the accepted forms."""
    phone = PhoneNumber.parse(text)
    assert phone.is_indonesian
    assert phone.e164.startswith("+628")


@given(phone_numbers(foreign=True))
def test_foreign_phone_numbers(text: str) -> None:
    """foreign=True gives foreign mobile numbers written with + or 00."""
    assert text.startswith(("+", "00"))
    assert not PhoneNumber.parse(text).is_indonesian


@given(whatsapp_user_ids())
def test_user_ids_are_valid(text: str) -> None:
    """whatsapp_user_ids() gives valid BSUIDs."""
    assert WhatsAppUserId(text).value == text


@given(reporters(with_phone=False))
def test_reporters_without_a_phone(reporter: Reporter) -> None:
    """with_phone=False gives reporters known only by a user id."""
    assert reporter.phone is None
    assert reporter.whatsapp_user_id is not None
    assert reporter.contact_key == reporter.whatsapp_user_id.value


@given(reporters(with_user_id=False))
def test_reporters_without_a_user_id(reporter: Reporter) -> None:
    """with_user_id=False gives reporters known by their telephone number."""
    assert reporter.phone is not None
    assert reporter.contact_key == reporter.phone.e164


def test_reporters_refuse_no_contact() -> None:
    """A reporter strategy without any contact is refused."""
    with pytest.raises(ValueError, match="needs"):
        reporters(with_phone=False, with_user_id=False)


@pytest.mark.parametrize("media_type", list(MediaType))
def test_evidence_files_by_media_type(media_type: MediaType) -> None:
    """media_types= limits the formats drawn, and each is accepted as that format."""

    @given(evidence_files(media_types=[media_type]))
    def run(data: bytes) -> None:
        assert recognise(data) is media_type
        assert inspect_evidence(data).ok

    run()


def test_registered_through_the_hypothesis_entry_point() -> None:
    """The package declares hypothesis' entry point to the registration hook."""
    points = importlib.metadata.entry_points(group="hypothesis")
    assert any(p.value.startswith("layanan_aduan.testing._hypothesis_plugin") for p in points)


@pytest.mark.parametrize(
    "kind", [Nik, PhoneNumber, WhatsAppUserId, Reporter, EvidenceFile, pendulum.DateTime]
)
def test_type_strategies_are_registered(kind: type) -> None:
    """st.from_type works for the library's value types, and registering twice is harmless."""
    register_type_strategies()
    register_type_strategies()

    @given(st.from_type(kind))
    def run(value: object) -> None:
        assert isinstance(value, kind)

    run()


SCRIPT_IMPORTING_STRATEGIES_FIRST = """
import layanan_aduan.testing.strategies
from hypothesis import given, strategies as st
from layanan_aduan.domain.identity import Nik

@given(st.from_type(Nik))
def run(nik):
    assert isinstance(nik, Nik)

run()
"""


@pytest.mark.slow
def test_importing_the_strategies_before_hypothesis_works() -> None:
    """A fresh process that imports the strategies before hypothesis still gets them registered."""
    result = subprocess.run(  # noqa: S603 - our own interpreter and a fixed script
        [sys.executable, "-c", SCRIPT_IMPORTING_STRATEGIES_FIRST],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
