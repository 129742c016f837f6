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


@pytest.mark.parametrize(
    "field", ["updated_at", "received_at", "sla_deadline", "sla_at_risk_from", "sla_breached_from"]
)
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
    risk=st.none() | st.integers(0, 300),
    breach=st.none() | st.integers(0, 300),
)
def test_at_risk_and_breached_split_time_at_the_given_instants(
    at: pendulum.DateTime, risk: int | None, breach: int | None
) -> None:
    """Never both at risk and breached; each holds exactly from its instant on."""
    base = pendulum.datetime(2026, 6, 1, tz="UTC")
    if risk is not None and breach is not None:
        risk = min(risk, breach)
    p = ReportProjection(
        "received",
        T0,
        sla_at_risk_from=None if risk is None else base.add(minutes=risk),
        sla_breached_from=None if breach is None else base.add(minutes=breach),
    )
    assert not (p.is_at_risk(at) and p.is_breached(at))
    assert p.is_breached(at) == (breach is not None and at >= base.add(minutes=breach))
    if risk is None or at < base.add(minutes=risk):
        assert not p.is_at_risk(at)


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
