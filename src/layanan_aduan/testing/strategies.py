"""
Hypothesis strategies for test suites built on layanan-aduan.

Install the ``testing`` extra. Every strategy is public API: downstream systems use
them to generate the library's inputs in their own property-based tests.

- instants: :func:`instants` (aware, in WIB/WITA/WIT/UTC);
- identity, as raw input strings: :func:`niks`, :func:`invalid_niks`,
  :func:`phone_numbers`, :func:`invalid_phone_numbers`, :func:`whatsapp_user_ids`,
  :func:`names`; as values: :func:`reporters`;
- evidence, as raw bytes: :func:`evidence_files` (real, minimal, decodable PDF, JPEG,
  PNG and WebP files) and :func:`invalid_evidence`;
- the office and its standard: :func:`office_schedules`, :func:`offices`,
  :func:`requirement_policies`, :func:`service_standards`; the calendar:
  :func:`calendar_overrides`;
- the procedure: :func:`roles`, :func:`actors`, :func:`workflow_actions`,
  :func:`report_kinds`, :func:`close_reasons`, :func:`reporter_details`, and
  :func:`reports` (reports driven through the workflow to any state by legal actions);
- the office's staff: :func:`staff_ids`, :func:`assignments`, :func:`staff_members`.

Hypothesis registers :func:`type_strategies` through its entry point, so
``st.from_type(Nik)`` (and ``PhoneNumber``, ``WhatsAppUserId``, ``Reporter``,
``EvidenceFile``, ``Report``, ``Actor``, ``Office``, ``OfficeSchedule``,
``ServiceStandard``, ``RequirementPolicy``, ``Overrides``, ``pendulum.DateTime``) work in
any test.

>>> from hypothesis import given
>>> from layanan_aduan.domain.identity import Nik, PhoneNumber
>>> @given(instants(min_year=2026, max_year=2026))
... def test_instants_are_aware(t):
...     assert t.tzinfo is not None
>>> test_instants_are_aware()
>>> @given(niks(female=True), phone_numbers())
... def test_valid_inputs_parse(nik, phone):
...     assert Nik.parse(nik).sex.value == "female"
...     assert PhoneNumber.parse(phone).e164.startswith("+628")
>>> test_valid_inputs_parse()
>>> from layanan_aduan.domain.report import Report
>>> from hypothesis import settings, strategies as st
>>> @settings(max_examples=10)
... @given(st.from_type(Report))
... def test_reports_rebuild_from_events(report):
...     assert Report.from_events(report.events).state == report.state
>>> test_reports_rebuild_from_events()
"""

from __future__ import annotations

from typing import Any

import pendulum
from hypothesis import strategies as st

from layanan_aduan.domain.calendar import OfficeSchedule, Overrides
from layanan_aduan.domain.evidence import EvidenceFile
from layanan_aduan.domain.identity import Nik, PhoneNumber, Reporter, WhatsAppUserId
from layanan_aduan.domain.report import Actor, Report
from layanan_aduan.domain.standard import Office, RequirementPolicy, ServiceStandard
from layanan_aduan.testing._base import (
    NIK_STRUCTURE_FAULTS,
    PHONE_INPUT_FORMS,
    RETIRED_REGENCY_CODES,
    evidence_files,
    instants,
    invalid_evidence,
    invalid_niks,
    invalid_phone_numbers,
    names,
    niks,
    phone_input_forms,
    phone_numbers,
    reporters,
    whatsapp_user_ids,
)
from layanan_aduan.testing._reports import (
    actors,
    close_reasons,
    report_kinds,
    reporter_details,
    reports,
    roles,
    workflow_actions,
)
from layanan_aduan.testing._staff import assignments, staff_ids, staff_members
from layanan_aduan.testing._standard import (
    INDONESIAN_ZONES,
    OFFICE_PLACES,
    SECTION_HEAD_TITLES,
    calendar_overrides,
    office_schedules,
    offices,
    requirement_policies,
    service_standards,
)

__all__ = [
    "INDONESIAN_ZONES",
    "NIK_STRUCTURE_FAULTS",
    "OFFICE_PLACES",
    "PHONE_INPUT_FORMS",
    "RETIRED_REGENCY_CODES",
    "SECTION_HEAD_TITLES",
    "actors",
    "assignments",
    "calendar_overrides",
    "close_reasons",
    "evidence_files",
    "instants",
    "invalid_evidence",
    "invalid_niks",
    "invalid_phone_numbers",
    "names",
    "niks",
    "office_schedules",
    "offices",
    "phone_input_forms",
    "phone_numbers",
    "register_type_strategies",
    "report_kinds",
    "reporter_details",
    "reporters",
    "reports",
    "requirement_policies",
    "roles",
    "service_standards",
    "staff_ids",
    "staff_members",
    "type_strategies",
    "whatsapp_user_ids",
    "workflow_actions",
]


def type_strategies() -> dict[type, st.SearchStrategy[Any]]:
    """
    The strategy this module offers for each of the library's types.

    >>> Nik in type_strategies() and Report in type_strategies()
    True
    """
    return {
        pendulum.DateTime: instants(),
        # Requirements (Persyaratan): identity and evidence.
        Nik: niks(historical=None).map(Nik.parse),
        PhoneNumber: phone_numbers().map(PhoneNumber.parse),
        WhatsAppUserId: whatsapp_user_ids().map(WhatsAppUserId),
        Reporter: reporters(),
        EvidenceFile: evidence_files().map(EvidenceFile.from_bytes),
        # The procedure: reports driven through the workflow, and who acts on them.
        Report: reports(),
        Actor: actors(),
        # The office, its standard and its calendar.
        OfficeSchedule: office_schedules(),
        Office: offices(),
        RequirementPolicy: requirement_policies(),
        ServiceStandard: service_standards(),
        Overrides: calendar_overrides(),
    }


def register_type_strategies() -> None:
    """
    Register :func:`type_strategies` with ``st.register_type_strategy``.

    Hypothesis already registers them through its entry point (lazily, see
    :mod:`layanan_aduan.testing._hypothesis_plugin`); calling this again is harmless.
    """
    for type_, strategy in type_strategies().items():
        st.register_type_strategy(type_, strategy)
