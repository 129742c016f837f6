"""
Downstream use of ``layanan_aduan.testing.strategies`` under hypothesis' default settings.

Nothing here relaxes a deadline or suppresses a health check: these tests pass only when the
strategies and the first calls a test makes with their values are fast enough for hypothesis'
defaults, as in a downstream project that never heard of this library's conftest.
"""

from __future__ import annotations

import pendulum
from hypothesis import given, settings
from hypothesis import strategies as st

from layanan_aduan import WorkingTime, indonesian_calendar
from layanan_aduan.domain.evidence import EvidenceFile, inspect_evidence
from layanan_aduan.domain.identity import Nik, PhoneNumber, Reporter
from layanan_aduan.domain.report import Report
from layanan_aduan.testing.strategies import evidence_files, instants, niks, phone_numbers

WORKING_TIME = WorkingTime(indonesian_calendar())
# What @given binds below: the profile in force while this module is imported.
BOUND = settings.default


def test_the_default_profile_is_in_force() -> None:
    """These tests run with hypothesis' defaults: a 200 ms deadline and every health check."""
    assert settings.get_profile("default") == BOUND
    assert BOUND is not None
    assert BOUND.deadline is not None
    assert BOUND.deadline.total_seconds() == 0.2
    assert BOUND.suppress_health_check == ()


@given(instants())
def test_a_deadline_in_any_year_meets_the_default_deadline(received: pendulum.DateTime) -> None:
    """The first SLA deadline computed in a year drawn by instants() is within 200 ms."""
    deadline = WORKING_TIME.add(received, pendulum.duration(hours=3))
    assert deadline.at >= received


@given(st.from_type(Reporter))
def test_reporters_from_type_are_fast_enough(reporter: Reporter) -> None:
    """st.from_type(Reporter) draws without tripping the too_slow health check."""
    assert reporter.phone is not None or reporter.whatsapp_user_id is not None


@given(niks(), phone_numbers())
def test_identity_inputs_parse(nik: str, phone: str) -> None:
    """Drawn NIKs and telephone numbers parse within the default deadline."""
    assert Nik.parse(nik).value.isdigit()
    assert PhoneNumber.parse(phone).e164.startswith("+62")


@given(evidence_files())
def test_evidence_files_are_accepted(data: bytes) -> None:
    """Drawn evidence files are accepted evidence within the default deadline."""
    assert inspect_evidence(data).ok


@given(st.from_type(EvidenceFile))
def test_evidence_values_from_type(evidence: EvidenceFile) -> None:
    """st.from_type(EvidenceFile) draws described files within the defaults."""
    assert evidence.size > 0


@given(st.from_type(Report))
def test_reports_from_type_rebuild_from_their_events(report: Report) -> None:
    """st.from_type(Report) draws reports within the defaults; each rebuilds from its events."""
    assert Report.from_events(report.events).state == report.state
