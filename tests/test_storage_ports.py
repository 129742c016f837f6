"""
The values the storage ports speak: projections validate and mask, pages and messages behave.
"""

from __future__ import annotations

import datetime as dt

import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from layanan_aduan.exceptions import NaiveDatetimeError, StorageInputError
from layanan_aduan.ports import OutboxMessage, OutboxStatus, ReportProjection
from layanan_aduan.testing.strategies import instants

T0 = pendulum.datetime(2026, 1, 9, 9, tz="Asia/Jakarta")


def test_instants_are_kept_in_utc() -> None:
    """Every instant of a projection is converted to UTC without changing the moment."""
    p = ReportProjection("received", T0, received_at=T0, sla_deadline=T0.add(hours=3))
    assert p.updated_at == T0
    assert p.updated_at.timezone_name == "UTC"
    assert p.sla_deadline is not None
    assert p.sla_deadline.timezone_name == "UTC"


@pytest.mark.parametrize("field", ["updated_at", "received_at", "sla_deadline", "sla_at_risk_at"])
def test_naive_instants_are_refused(field: str) -> None:
    """A naive datetime in any instant field raises NaiveDatetimeError naming the field."""
    values = {"state": "received", "updated_at": T0, field: dt.datetime(2026, 1, 9, 9)}
    with pytest.raises(NaiveDatetimeError) as info:
        ReportProjection(**values)  # type: ignore[arg-type]  # the refusal is the point
    assert info.value.field == field


@pytest.mark.parametrize("phone", ["081234567890", "+0812345678", "+62 812 345", "+62812a45678"])
def test_telephone_numbers_must_be_e164(phone: str) -> None:
    """A reporter telephone number outside E.164 is refused."""
    with pytest.raises(StorageInputError) as info:
        ReportProjection("received", T0, reporter_phone=phone)
    assert info.value.code == "invalid_phone_number"


@pytest.mark.parametrize("state", ["", "   ", "x" * 65])
def test_states_must_be_short_text(state: str) -> None:
    """An empty or overlong state name is refused."""
    with pytest.raises(StorageInputError):
        ReportProjection(state, T0)


def test_repr_masks_the_reporter() -> None:
    """Neither the telephone number nor the WhatsApp user id appears whole in the repr."""
    p = ReportProjection(
        "received", T0, reporter_phone="+6281234567890", reporter_user_id="ID.1234567890123"
    )
    assert "+6281234567890" not in repr(p)
    assert "ID.1234567890123" not in repr(p)


@given(
    at=instants(min_year=2026, max_year=2026),
    risk=st.integers(0, 300),
    due=st.integers(0, 300),
    paused=st.booleans(),
    stopped=st.booleans(),
)
def test_at_risk_and_breached_never_overlap(
    at: pendulum.DateTime, risk: int, due: int, paused: bool, stopped: bool
) -> None:
    """A report is never both at risk and breached, and neither unless its clock runs."""
    base = pendulum.datetime(2026, 6, 1, tz="UTC")
    p = ReportProjection(
        "received",
        T0,
        sla_deadline=base.add(minutes=due),
        sla_at_risk_at=base.add(minutes=min(risk, due)),
        sla_paused=paused,
        sla_stopped=stopped,
    )
    assert not (p.is_at_risk(at) and p.is_breached(at))
    if paused or stopped:
        assert not p.is_at_risk(at)
        assert not p.is_breached(at)


def test_outbox_message_repr_hides_the_payload() -> None:
    """An outbox message's repr shows its key and status, never its payload."""
    m = OutboxMessage(
        key="ack:r-1",
        payload={"to": "+6281234567890", "text": "Laporan Anda diterima"},
        report_id="r-1",
        created_at=T0,
        status=OutboxStatus.PENDING,
        attempts=0,
        next_attempt_at=T0,
    )
    assert "ack:r-1" in repr(m)
    assert "+6281234567890" not in repr(m)
    assert "diterima" not in repr(m)
