"""
Checking the requirements (Persyaratan): every problem at once, blocking rules, messages.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from layanan_aduan.domain.evidence import EvidenceFile, EvidenceLimits, MediaType
from layanan_aduan.domain.identity import Nik, PhoneNumber, Reporter
from layanan_aduan.domain.requirements import (
    Problem,
    Requirement,
    RequirementsCheck,
    check_requirements,
)
from layanan_aduan.exceptions import RequirementsNotMetError, ValidationError
from layanan_aduan.testing.strategies import (
    NIK_STRUCTURE_FAULTS,
    evidence_files,
    invalid_niks,
    invalid_phone_numbers,
    names,
    niks,
    phone_numbers,
    whatsapp_user_ids,
)

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
COMPLETE: dict[str, Any] = {
    "name": "Siti Aminah",
    "nik": "3171014101000001",
    "phone": "0812-3456-7890",
    "evidence": [PDF],
}


def check(**changes: Any) -> RequirementsCheck:
    return check_requirements(**{**COMPLETE, **changes})


# --- examples ---------------------------------------------------------------------------------


def test_complete_input_meets_both_requirements() -> None:
    """Name, NIK, a contact and one recognised file make a complete report."""
    result = check()
    assert result.is_complete
    assert result.problems == ()
    assert result.unmet == ()
    assert result.reporter is not None
    assert result.reporter.nik == Nik("3171014101000001")
    assert result.reporter.phone == PhoneNumber("+6281234567890")
    assert [e.media_type for e in result.evidence] == [MediaType.PDF]
    assert result.reporter_message() == "Persyaratan laporan Anda sudah lengkap."
    result.raise_if_incomplete()


def test_nothing_given_reports_every_requirement() -> None:
    """An empty submission lists the name, NIK, contact and evidence as missing."""
    result = check_requirements()
    assert result.codes == ("name_missing", "nik_missing", "contact_missing", "evidence_missing")
    assert result.unmet == (Requirement.REPORTER_IDENTITY, Requirement.EVIDENCE)
    assert result.reporter is None
    assert result.evidence == ()


def test_user_id_alone_is_a_contact() -> None:
    """A reporter known only by a WhatsApp user id meets requirement 1."""
    result = check(phone=None, whatsapp_user_id="ID.13491208655302741918")
    assert result.is_complete
    assert result.reporter is not None
    assert result.reporter.phone is None
    assert result.reporter.contact_key == "ID.13491208655302741918"


def test_a_bad_second_contact_does_not_block() -> None:
    """A bad number beside a valid user id is reported as a note, not a blocker."""
    result = check(phone="021 6585 1958", whatsapp_user_id="ID.1234567890")
    assert result.is_complete
    assert result.codes == ("phone_not_mobile",)
    assert not result.problems[0].blocking
    assert result.reporter is not None
    assert result.reporter.phone is None


def test_bad_contacts_only_block() -> None:
    """When every contact given is bad, the contact problems block."""
    result = check(phone="0812", whatsapp_user_id="nope")
    assert not result.is_complete
    assert result.codes == ("phone_invalid", "whatsapp_user_id_invalid")
    assert all(p.blocking for p in result.problems)


def test_optional_fields_never_block() -> None:
    """A bad e-mail or an overlong address is noted, and left out of the reporter."""
    result = check(email="siti@", address="x" * 600)
    assert result.is_complete
    assert result.codes == ("address_too_long", "email_invalid")
    assert result.reporter is not None
    assert result.reporter.email is None
    assert result.reporter.address is None


def test_a_bad_extra_file_does_not_block() -> None:
    """One acceptable file is enough; a bad one beside it is a note naming the file."""
    result = check(evidence=[b"GIF89a", PDF])
    assert result.is_complete
    assert result.codes == ("evidence_unrecognised",)
    assert result.problems[0].field == "evidence[0]"
    assert len(result.evidence) == 1
    assert "Berkas ke-1:" in result.reporter_message()
    assert "File 1:" in result.reporter_message("en")


def test_only_bad_files_block() -> None:
    """When no file is acceptable, each file's problem blocks requirement 2."""
    result = check(evidence=[b"", b"%PDF-1.4 cut"])
    assert result.codes == ("evidence_empty", "evidence_truncated")
    assert result.unmet == (Requirement.EVIDENCE,)
    assert result.reporter is not None


def test_recognised_files_are_held_to_the_limits() -> None:
    """Already-recognised evidence is accepted, unless beyond the given limits."""
    evidence = EvidenceFile.from_bytes(PDF)
    assert check(evidence=[evidence]).evidence == (evidence,)
    small = EvidenceLimits(document_bytes=10)
    result = check(evidence=[evidence], limits=small)
    assert result.codes == ("evidence_too_large",)
    assert not result.is_complete


def test_reporter_message_tells_exactly_what_is_missing() -> None:
    """The message groups blocking problems under the standard's two requirements."""
    result = check(nik="31710141010000", evidence=[], email="x@")
    assert result.reporter_message() == (
        "Laporan Anda belum lengkap. Mohon lengkapi persyaratan berikut:\n"
        "1. Data diri pelapor:\n"
        "   - NIK harus 16 digit angka; yang dikirim 14 digit.\n"
        "2. Bukti laporan aduan (scan surat atau tangkapan layar ponsel):\n"
        "   - Bukti laporan belum dilampirkan.\n"
        "Catatan (tidak menghambat laporan Anda):\n"
        "   - Alamat e-mail tidak sah."
    )
    assert result.reporter_message("en").startswith("Your report is incomplete.")


def test_raising_form_carries_every_problem() -> None:
    """raise_if_incomplete raises a ValidationError holding all problems, notes included."""
    result = check(name="", email="x@", evidence=[])
    with pytest.raises(RequirementsNotMetError) as info:
        result.raise_if_incomplete()
    error = info.value
    assert isinstance(error, ValidationError)
    assert error.code == "requirements_not_met"
    assert error.field == "name"
    assert error.problems == result.problems
    assert error.details["codes"] == ["name_missing", "email_invalid", "evidence_missing"]
    assert "Alamat e-mail" not in str(error)  # only blocking problems in the message


def test_problem_is_localised() -> None:
    """A problem answers in Indonesian by default and in English on request."""
    problem = check_requirements().problems[0]
    assert isinstance(problem, Problem)
    assert problem.localized() == "Nama lengkap pelapor belum diisi."
    assert problem.localized("en") == "The reporter's full name is missing."


# --- properties -------------------------------------------------------------------------------

FAULTS: dict[str, st.SearchStrategy[dict[str, Any]]] = {
    "name_missing": st.sampled_from(["", "  ", None]).map(lambda v: {"name": v}),
    "nik": st.sets(st.sampled_from(NIK_STRUCTURE_FAULTS), min_size=1).flatmap(
        lambda faults: invalid_niks(codes=faults).map(lambda n: {"nik": n, "_codes": faults})
    ),
    "contact_missing": st.just({"phone": None, "whatsapp_user_id": " "}),
    "email_invalid": st.sampled_from(["budi@", "@x.id", "a b@c.id"]).map(lambda e: {"email": e}),
    "address_too_long": st.just({"address": "Jl. " + "x" * 600}),
    "evidence_missing": st.just({"evidence": []}),
}


@given(
    st.sets(st.sampled_from(sorted(FAULTS)), min_size=1).flatmap(
        lambda keys: st.fixed_dictionaries({k: FAULTS[k] for k in keys})
    )
)
def test_independent_faults_are_all_reported_at_once(faults: dict[str, dict[str, Any]]) -> None:
    """A combination of independent faults yields every one of their codes together."""
    fields: dict[str, Any] = {}
    expected: set[str] = set()
    for key, fault in faults.items():
        change = dict(fault)
        expected |= set(change.pop("_codes", {key}))
        fields.update(change)
    result = check(**fields)
    assert set(result.codes) == expected
    blocking = expected - {"email_invalid", "address_too_long"}
    assert result.is_complete == (not blocking)


@given(
    names(),
    niks(historical=None, separators=True),
    phone_numbers(),
    st.none() | whatsapp_user_ids(),
    st.lists(evidence_files(), min_size=1, max_size=3),
)
def test_valid_input_is_always_complete(
    name: str, nik: str, phone: str, user_id: str | None, files: list[bytes]
) -> None:
    """Whatever valid values are drawn, the report is complete and carries them."""
    result = check_requirements(
        name=name, nik=nik, phone=phone, whatsapp_user_id=user_id, evidence=files
    )
    assert result.is_complete, result.problems
    assert isinstance(result.reporter, Reporter)
    assert len(result.evidence) == len(files)


@given(
    invalid_niks(),
    st.one_of(invalid_phone_numbers(), phone_numbers()),
    names(),
)
def test_messages_and_errors_never_leak_personal_data(nik: str, phone: str, name: str) -> None:
    """No message, error or repr built from random personal data contains it whole."""
    result = check_requirements(name=name, nik=nik, phone=phone, evidence=[])
    shown = [result.reporter_message(), result.reporter_message("en"), repr(result)]
    with pytest.raises(RequirementsNotMetError) as info:
        result.raise_if_incomplete()
    error = info.value
    shown += [str(error), repr(error), error.message_en, repr(error.details)]
    text = "\n".join(shown)
    digits = "".join(ch for ch in nik if ch.isdigit())
    if len(digits) >= 8:
        assert digits not in text
    if len(phone) >= 8:
        assert phone not in text
    if result.reporter is not None and result.reporter.phone is not None:
        assert result.reporter.phone.e164 not in text
    assert f"'{name}'" not in text
