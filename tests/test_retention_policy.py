"""
Retention as data: the policy value, its place in the service standard and the office TOML,
and the pure rule :func:`due_for_erasure` (never before end + period, never when open, held or
erased, monotone in time).
"""

from __future__ import annotations

import datetime as dt

import attrs
import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from layanan_aduan.adapters.office_config import check_office_config, parse_office_config
from layanan_aduan.domain.retention import (
    DEFAULT_RETENTION,
    MAX_RETENTION_DAYS,
    RetentionCandidate,
    RetentionPolicy,
    due_for_erasure,
)
from layanan_aduan.domain.standard import KEJARI_JAKARTA_PUSAT, ServiceStandard
from layanan_aduan.exceptions import ServiceStandardError, ValidationError

T0 = pendulum.datetime(2026, 1, 12, 10, tz="Asia/Jakarta")

_days = st.integers(min_value=1, max_value=3000)


@st.composite
def policies(draw: st.DrawFn) -> RetentionPolicy:
    personal = draw(_days)
    evidence = draw(st.integers(min_value=1, max_value=personal))
    return RetentionPolicy(personal_data_days=personal, evidence_days=evidence)


_offsets = st.integers(min_value=-(10**6), max_value=10**6)


@st.composite
def candidates(draw: st.DrawFn) -> RetentionCandidate:
    ended = draw(st.one_of(st.none(), _offsets))
    return RetentionCandidate(
        report_id=f"r-{draw(st.integers(0, 10**6))}",
        number=None,
        office="KNJP",
        ended_at=None if ended is None else T0.add(minutes=ended),
        held=draw(st.booleans()),
        erased=draw(st.booleans()),
        has_evidence=draw(st.booleans()),
    )


def test_default_is_two_years_for_both() -> None:
    """The documented default keeps personal data and evidence two years after the end."""
    assert RetentionPolicy(personal_data_days=730, evidence_days=730) == DEFAULT_RETENTION
    assert KEJARI_JAKARTA_PUSAT.retention == DEFAULT_RETENTION


@pytest.mark.parametrize(
    ("personal", "evidence", "field"),
    [
        (0, 1, "personal_data_days"),
        (10, 0, "evidence_days"),
        (MAX_RETENTION_DAYS + 1, 1, "personal_data_days"),
        (True, 1, "personal_data_days"),
        (10, 1.5, "evidence_days"),
        (10, 11, "evidence_days"),
    ],
)
def test_bad_policies_are_refused(personal: object, evidence: object, field: str) -> None:
    """Days outside 1..MAX, non-integers, and evidence kept longer than personal data are
    refused with a typed error naming the field."""
    with pytest.raises(ValidationError) as info:
        RetentionPolicy(personal_data_days=personal, evidence_days=evidence)  # type: ignore[arg-type]
    assert info.value.field == field


@given(policy=policies(), report=candidates(), minutes=_offsets)
def test_never_due_before_end_plus_period(
    policy: RetentionPolicy, report: RetentionCandidate, minutes: int
) -> None:
    """Whatever is due is due only once its end plus its period has passed, and says since
    when."""
    at = T0.add(minutes=minutes)
    for due in due_for_erasure([report], policy, at):
        assert report.ended_at is not None
        period = policy.personal_data_days if due.scope == "personal_data" else policy.evidence_days
        assert due.due_since == report.ended_at + dt.timedelta(days=period)
        assert due.due_since <= at


@given(policy=policies(), report=candidates(), minutes=_offsets)
def test_never_due_when_open_held_or_erased(
    policy: RetentionPolicy, report: RetentionCandidate, minutes: int
) -> None:
    """An open, held or erased report is never due; an evidence-only erasure needs files."""
    due = due_for_erasure([report], policy, T0.add(minutes=minutes))
    if report.ended_at is None or report.held or report.erased:
        assert due == ()
    for item in due:
        assert item.scope == "personal_data" or report.has_evidence


@given(
    policy=policies(),
    reports=st.lists(candidates(), max_size=6),
    a=_offsets,
    b=st.integers(min_value=0, max_value=10**6),
)
def test_due_is_monotone_in_time(
    policy: RetentionPolicy, reports: list[RetentionCandidate], a: int, b: int
) -> None:
    """A report due at one instant is due at every later one, its scope never narrowing."""
    early = T0.add(minutes=a)
    late = early.add(minutes=b)
    rank = {"evidence": 1, "personal_data": 2}
    before = {d.report_id: d.scope for d in due_for_erasure(reports, policy, early)}
    after = {d.report_id: d.scope for d in due_for_erasure(reports, policy, late)}
    for rid, scope in before.items():
        assert rid in after
        assert rank[after[rid]] >= rank[scope]


@given(policy=policies(), report=candidates())
def test_due_exactly_at_the_end_of_the_period(
    policy: RetentionPolicy, report: RetentionCandidate
) -> None:
    """A held-free, ended, unerased report becomes due for its personal data exactly at end +
    period, not a microsecond earlier."""
    report = attrs.evolve(report, held=False, erased=False)
    if report.ended_at is None:
        return
    edge = report.ended_at + policy.personal_data_period
    assert [d.scope for d in due_for_erasure([report], policy, edge)] == ["personal_data"]
    earlier = due_for_erasure([report], policy, edge - dt.timedelta(microseconds=1))
    assert all(d.scope == "evidence" for d in earlier)


def test_naive_instants_are_refused() -> None:
    """A report's end and the instant asked about must carry a zone."""
    with pytest.raises(ValidationError):
        RetentionCandidate("r", None, None, ended_at=dt.datetime(2026, 1, 1))
    with pytest.raises(ValidationError):
        due_for_erasure([], DEFAULT_RETENTION, dt.datetime(2026, 1, 1))


def test_the_standard_carries_its_policy_through_to_and_from_dict() -> None:
    """A standard's retention survives to_dict/from_dict; a dict without it keeps the
    default; a bad one is refused with its key path."""
    policy = RetentionPolicy(personal_data_days=1825, evidence_days=365)
    standard = attrs.evolve(KEJARI_JAKARTA_PUSAT, retention=policy)
    data = standard.to_dict()
    assert data["retention"] == {"personal_data_days": 1825, "evidence_days": 365}
    assert ServiceStandard.from_dict(data) == standard
    del data["retention"]
    assert ServiceStandard.from_dict(data).retention == DEFAULT_RETENTION
    data["retention"] = {"personal_data_days": 10, "evidence_days": 20}
    with pytest.raises(ServiceStandardError) as info:
        ServiceStandard.from_dict(data)
    assert info.value.field == "retention.evidence_days"
    data["retention"] = {"personal_data_days": "10", "evidence_days": 5}
    with pytest.raises(ServiceStandardError) as info:
        ServiceStandard.from_dict(data)
    assert info.value.code == "invalid_type"


def test_office_toml_sets_the_policy() -> None:
    """[retention] sets both periods; one alone keeps the other's default, never above it."""
    config = parse_office_config("[retention]\npersonal_data_days = 1825\nevidence_days = 365\n")
    assert config.standard.retention == RetentionPolicy(1825, 365)
    config = parse_office_config("[retention]\npersonal_data_days = 100\n")
    assert config.standard.retention == RetentionPolicy(100, 100)
    config = parse_office_config("[retention]\nevidence_days = 100\n")
    assert config.standard.retention == RetentionPolicy(730, 100)
    assert parse_office_config("").standard.retention == DEFAULT_RETENTION


def test_office_toml_problems_come_with_their_lines() -> None:
    """Bad [retention] values are each reported with their key path and line."""
    text = (
        '[standard]\nfee_idr = 0\n[retention]\npersonal_data_days = "lama"\n'
        "evidence_days = 0\nkeep_forever = true\n"
    )
    found = {(p.path, p.line, p.code) for p in check_office_config(text)}
    assert found == {
        ("retention.personal_data_days", 4, "invalid_type"),
        ("retention.evidence_days", 5, "invalid_retention_days"),
        ("retention.keep_forever", 6, "unknown_key"),
    }
    text = "[retention]\npersonal_data_days = 30\nevidence_days = 60\n"
    [problem] = check_office_config(text)
    assert (problem.path, problem.line, problem.code) == (
        "retention.evidence_days",
        3,
        "evidence_outlives_personal_data",
    )
    assert "60 > 30" in problem.localized()
