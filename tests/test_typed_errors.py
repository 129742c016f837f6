"""
Every public entry point of the domain values and the requirement check refuses a value of
the wrong type with the library's own error, never a bare TypeError or AttributeError.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from layanan_aduan.domain.evidence import (
    DEFAULT_LIMITS,
    EvidenceFile,
    EvidenceLimits,
    MediaType,
    inspect_evidence,
    recognise,
)
from layanan_aduan.domain.identity import (
    Nik,
    PhoneNumber,
    Reporter,
    WhatsAppUserId,
    address_problems,
    email_problems,
    name_problems,
    nik_problems,
    phone_problems,
    whatsapp_user_id_problems,
)
from layanan_aduan.domain.report import ReporterDetails
from layanan_aduan.domain.requirements import Problem, Requirement, check_requirements
from layanan_aduan.exceptions import (
    InvalidNikError,
    InvalidTypeError,
    LayananAduanError,
    RequirementsNotMetError,
)
from layanan_aduan.privacy import mask, mask_name, redact_identifiers
from layanan_aduan.service_layer.desk import parse_details

NIK = "3171010101900001"
PHONE = "+6281234567890"
PDF = b"%PDF-1.4\n%%EOF\n"
FILE = EvidenceFile.from_bytes(PDF)
CHECK = check_requirements(name="Budi", nik=NIK, phone=PHONE, evidence=[PDF])

# Each public entry point, and a valid value for each of its arguments: the property replaces
# one argument at a time by an arbitrary value.
ENTRY_POINTS: dict[str, tuple[Callable[..., object], dict[str, Any]]] = {
    "Nik": (Nik, {"value": NIK}),
    "Nik.parse": (Nik.parse, {"text": NIK}),
    "Nik.birth_date": (Nik(NIK).birth_date, {"reference": dt.date(2026, 1, 1)}),
    "nik_problems": (nik_problems, {"text": NIK, "field": "nik"}),
    "PhoneNumber": (PhoneNumber, {"e164": PHONE}),
    "PhoneNumber.parse": (PhoneNumber.parse, {"text": "0812-3456-7890"}),
    "PhoneNumber.from_wa_id": (PhoneNumber.from_wa_id, {"wa_id": PHONE[1:]}),
    "phone_problems": (phone_problems, {"text": PHONE, "field": "phone"}),
    "WhatsAppUserId": (WhatsAppUserId, {"value": "ID.13491208655302741918"}),
    "whatsapp_user_id_problems": (
        whatsapp_user_id_problems,
        {"text": "ID.1349", "field": "whatsapp_user_id"},
    ),
    "name_problems": (name_problems, {"text": "Budi", "field": "name"}),
    "address_problems": (address_problems, {"text": "Jl. Merdeka 1", "field": "address"}),
    "email_problems": (email_problems, {"text": "budi@example.id", "field": "email"}),
    "Reporter": (
        Reporter,
        {
            "name": "Budi Santoso",
            "nik": Nik(NIK),
            "phone": PhoneNumber(PHONE),
            "whatsapp_user_id": None,
            "address": None,
            "email": None,
        },
    ),
    "ReporterDetails": (ReporterDetails, {"name": "Budi", "nik": NIK, "phone": PHONE}),
    "check_requirements": (
        check_requirements,
        {
            "name": "Budi Santoso",
            "nik": NIK,
            "phone": PHONE,
            "whatsapp_user_id": "ID.1349",
            "address": "Jl. Merdeka 1",
            "email": "budi@example.id",
            "evidence": [PDF, FILE],
            "limits": DEFAULT_LIMITS,
        },
    ),
    "RequirementsCheck.reporter_message": (CHECK.reporter_message, {"language": "id"}),
    "Requirement.of": (Requirement.of, {"problem": Problem("nik_missing", "nik", "a", "b")}),
    "inspect_evidence": (
        inspect_evidence,
        {"data": PDF, "limits": DEFAULT_LIMITS, "file_name": "surat.pdf", "field": "evidence"},
    ),
    "recognise": (recognise, {"data": PDF}),
    "EvidenceFile": (
        EvidenceFile,
        {"sha256": "a" * 64, "media_type": MediaType.PDF, "size": 10, "file_name": None},
    ),
    "EvidenceFile.from_bytes": (
        EvidenceFile.from_bytes,
        {"data": PDF, "limits": DEFAULT_LIMITS, "file_name": None},
    ),
    "EvidenceFile.matches": (FILE.matches, {"data": PDF}),
    "EvidenceLimits": (EvidenceLimits, {"image_bytes": 10, "document_bytes": 10}),
    "EvidenceLimits.limit_for": (DEFAULT_LIMITS.limit_for, {"media_type": MediaType.PNG}),
    "EvidenceLimits.size_problems": (
        DEFAULT_LIMITS.size_problems,
        {"media_type": MediaType.PNG, "size": 10, "field": "evidence"},
    ),
    "parse_details": (parse_details, {"text": "Nama: Budi\nAda pungli."}),
    "mask": (mask, {"value": NIK, "keep": 4, "fill": "*"}),
    "mask_name": (mask_name, {"name": "Budi Santoso"}),
    "redact_identifiers": (redact_identifiers, {"text": f"NIK {NIK}", "keep": ["LAP-1"]}),
}

# Entry points that report bad input as problems: for their input arguments nothing raises.
NEVER_RAISE: dict[str, set[str]] = {
    "check_requirements": {"name", "nik", "phone", "whatsapp_user_id", "address", "email"}
    | {"evidence"},
    "inspect_evidence": {"data"},
    "nik_problems": {"text"},
    "phone_problems": {"text"},
    "whatsapp_user_id_problems": {"text"},
    "name_problems": {"text"},
    "address_problems": {"text"},
    "email_problems": {"text"},
}

anything = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.binary(max_size=24),
    st.text(max_size=24),
    st.lists(st.one_of(st.integers(), st.text(max_size=4), st.binary(max_size=4)), max_size=3),
    st.dictionaries(st.one_of(st.text(max_size=4), st.integers()), st.integers(), max_size=3),
    st.tuples(st.integers(), st.text(max_size=4)),
    st.sampled_from(
        [
            int(NIK),
            NIK.encode(),
            bytearray(PDF),
            memoryview(PDF),
            dt.date(2026, 1, 1),
            dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
            MediaType.JPEG,
            Nik(NIK),
            PhoneNumber(PHONE),
            FILE,
            DEFAULT_LIMITS,
            object(),
            1j,
            {1, 2},
            frozenset(),
            range(3),
            b"",
        ]
    ),
)


@settings(max_examples=600)  # about 30 entry points, 80 arguments: search wide
@given(st.sampled_from(sorted(ENTRY_POINTS)), st.data())
def test_a_wrong_type_is_refused_with_the_librarys_error(name: str, data: st.DataObject) -> None:
    """Any value for any argument of a public entry point yields a result or a LayananAduanError."""
    function, valid = ENTRY_POINTS[name]
    argument = data.draw(st.sampled_from(sorted(valid)), label="argument")
    value = data.draw(anything, label="value")
    try:
        function(**{**valid, argument: value})
    except LayananAduanError:
        assert argument not in NEVER_RAISE.get(name, set()), f"{name} raised for {argument}"
    except Exception as e:  # the property: nothing else escapes
        pytest.fail(f"{name}({argument}={value!r}) raised {type(e).__name__}: {e}")


def test_every_entry_point_runs_with_its_valid_arguments() -> None:
    """The table's valid arguments are accepted: a refusal the property sees is the value's."""
    for function, valid in ENTRY_POINTS.values():
        function(**valid)


@pytest.mark.parametrize("typed", [int(NIK), NIK.encode(), 3171.01, [NIK]])
def test_nik_parse_refuses_a_nik_that_is_not_text(typed: object) -> None:
    """``Nik.parse`` of an int, bytes, float or list raises InvalidNikError ``nik_not_text``."""
    with pytest.raises(InvalidNikError) as info:
        Nik.parse(typed)  # type: ignore[arg-type]
    assert info.value.code == "nik_not_text"
    assert NIK not in str(info.value) + info.value.message_en + repr(info.value.details)


def test_check_requirements_reports_wrong_types_as_problems() -> None:
    """Fields of the wrong type are problems with codes, never an AttributeError."""
    check = check_requirements(
        name=123,  # type: ignore[arg-type]
        nik=int(NIK),  # type: ignore[arg-type]
        phone=6281234567890,  # type: ignore[arg-type]
        email=1,  # type: ignore[arg-type]
        evidence=PDF,  # type: ignore[arg-type]
    )
    assert check.codes == (
        "name_not_text",
        "nik_not_text",
        "phone_not_text",
        "email_not_text",
        "evidence_not_a_list",
    )
    assert not check.is_complete
    assert "NIK harus berupa teks." in check.reporter_message()


def test_reporter_refuses_raw_text_where_a_value_object_belongs() -> None:
    """A NIK or telephone given as text to ``Reporter`` is a problem, not attrs' TypeError."""
    with pytest.raises(RequirementsNotMetError) as info:
        Reporter(name="Budi", nik=NIK, phone=PHONE)  # type: ignore[arg-type]
    assert [p.code for p in info.value.problems] == ["nik_invalid_type", "phone_invalid_type"]
    assert NIK not in str(info.value)


def test_inspect_evidence_reports_data_that_is_not_bytes() -> None:
    """Non-bytes data is ``evidence_not_bytes``; a bytearray or memoryview is read as bytes."""
    assert [p.code for p in inspect_evidence("%PDF-1.4").problems] == ["evidence_not_bytes"]  # type: ignore[arg-type]
    assert inspect_evidence(bytearray(PDF)).ok
    assert inspect_evidence(memoryview(PDF)).ok
    with pytest.raises(InvalidTypeError):
        check_requirements(name="Budi", nik=NIK, limits={"image_bytes": 1})  # type: ignore[arg-type]
