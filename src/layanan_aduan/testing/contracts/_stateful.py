"""
A hypothesis state machine that drives a storage adapter and a plain-Python model side by side.
"""

# ruff: noqa: S101, PLR0912, PLR0917 - a pytest suite: assertions are its checks; hypothesis rules take their draws as arguments

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs
import pendulum
import pytest
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from layanan_aduan.exceptions import (
    ConcurrencyConflictError,
    DuplicateReportNumberError,
    IdempotencyKeyConflictError,
    OutboxLeaseLostError,
    OutboxStateError,
    ReportNotFoundError,
)
from layanan_aduan.ports import OutboxStatus, ReportProjection, Storage

__all__ = ["storage_state_machine"]

T0 = pendulum.datetime(2026, 1, 9, 1, tz="UTC")

_IDS = st.sampled_from(["r-a", "r-b", "r-c", "r-d", "r-e"])
_STATES = st.sampled_from(["submitted", "received", "forwarded", "closed"])
_NUMBERS = st.none() | st.sampled_from(["N-1", "N-2", "N-3"])
_OFFICES = st.none() | st.sampled_from(["JKT", "BDG"])
_PHONES = st.none() | st.sampled_from(["+6281200000001", "+6281200000002"])
_USERS = st.none() | st.sampled_from(["ID.1", "ID.2"])
_MINUTES = st.integers(min_value=0, max_value=600)
_INSTANTS = _MINUTES.map(lambda m: T0.add(minutes=m))
_EVENTS = st.lists(
    st.fixed_dictionaries({"kind": st.sampled_from(["a", "b"]), "n": st.integers(0, 9)}),
    min_size=1,
    max_size=3,
)
_KEYS = st.sampled_from(["k1", "k2", "k3", "k4"])
_PAYLOADS = st.sampled_from([{"t": 1}, {"t": 2}])


@st.composite
def _projections(draw: st.DrawFn) -> ReportProjection:
    breached = draw(st.none() | _MINUTES)
    risk = draw(st.none() | _MINUTES)
    if risk is not None and breached is not None:
        risk = min(risk, breached)
    return ReportProjection(
        state=draw(_STATES),
        updated_at=T0,
        number=draw(_NUMBERS),
        office=draw(_OFFICES),
        reporter_phone=draw(_PHONES),
        reporter_user_id=draw(_USERS),
        head_hash=draw(st.none() | st.sampled_from(["0" * 64, "f" * 64])),
        sla_deadline=draw(st.none() | _INSTANTS),
        sla_at_risk_from=None if risk is None else T0.add(minutes=risk),
        sla_breached_from=None if breached is None else T0.add(minutes=breached),
        sla_paused=draw(st.booleans()),
        sla_stopped=draw(st.booleans()),
        sla_stopped_at=draw(st.none() | _INSTANTS),
        head_signature=draw(st.none() | st.sampled_from(["AAAA", "c2lnbg=="])),
        head_key_id=draw(st.none() | st.sampled_from(["0123456789abcdef"])),
    )


@attrs.define
class _ModelReport:
    events: list[dict[str, Any]]
    projection: ReportProjection


@attrs.define
class _ModelMessage:
    payload: dict[str, Any]
    status: OutboxStatus = OutboxStatus.PENDING
    attempts: int = 0
    holder: str | None = None  # the claim token of the lease that holds it now
    tokens: list[str] = attrs.Factory(list)  # every claim token it was handed, stale ones too


def _breached(p: ReportProjection, at: pendulum.DateTime) -> bool:
    # Written out again (not p.is_breached) so the model does not share code with adapters.
    return p.sla_breached_from is not None and p.sla_breached_from <= at


def _at_risk(p: ReportProjection, at: pendulum.DateTime) -> bool:
    return p.sla_at_risk_from is not None and p.sla_at_risk_from <= at and not _breached(p, at)


def storage_state_machine(factory: Callable[[], Storage]) -> type[RuleBasedStateMachine]:
    """
    A state machine class whose every run starts from ``factory()``, a new or emptied storage.

    The factory's owner closes the storages it gave (the machine does not).
    """

    class StorageMachine(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.storage = factory()
            self.reports: dict[str, _ModelReport] = {}
            self.counters: dict[tuple[str, int], int] = {}
            self.outbox: dict[str, _ModelMessage] = {}
            self.now = T0  # the dispatchers' clock, moved on by each claim

        def _number_holder(self, number: str | None) -> str | None:
            if number is None:
                return None
            return next((r for r, m in self.reports.items() if m.projection.number == number), None)

        @rule(
            report_id=_IDS,
            events=_EVENTS,
            p=_projections(),
            stale=st.booleans(),
            commit=st.booleans(),
            key=st.none() | _KEYS,
            payload=_PAYLOADS,
        )
        def append(
            self,
            report_id: str,
            events: list[dict[str, Any]],
            p: ReportProjection,
            stale: bool,
            commit: bool,
            key: str | None,
            payload: dict[str, Any],
        ) -> None:
            current = self.reports.get(report_id)
            version = 0 if current is None else len(current.events)
            expected = version - 1 if stale and version > 0 else version
            holder = self._number_holder(p.number)
            with self.storage.unit_of_work() as uow:
                if expected != version:
                    try:
                        uow.reports.append(report_id, expected, events, p)
                    except ConcurrencyConflictError:
                        return
                    raise AssertionError("stale append accepted")
                if holder is not None and holder != report_id:
                    try:
                        uow.reports.append(report_id, expected, events, p)
                    except DuplicateReportNumberError:
                        return
                    raise AssertionError("duplicate number accepted")
                assert uow.reports.append(report_id, expected, events, p) == version + len(events)
                queued = None
                if key is not None:
                    known = self.outbox.get(key)
                    if known is not None and known.payload != payload:
                        try:
                            uow.outbox.put(key, payload, created_at=T0, report_id=report_id)
                        except IdempotencyKeyConflictError:
                            pass
                        else:
                            raise AssertionError("idempotency conflict accepted")
                    else:
                        new = uow.outbox.put(key, payload, created_at=T0, report_id=report_id)
                        assert new == (known is None)
                        queued = key if new else None
                if not commit:
                    return
                uow.commit()
            if current is None:
                self.reports[report_id] = _ModelReport(list(events), p)
            else:
                current.events.extend(events)
                current.projection = p
            if queued is not None:
                self.outbox[queued] = _ModelMessage(payload)

        @rule(report_id=_IDS)
        def load(self, report_id: str) -> None:
            with self.storage.unit_of_work(read_only=True) as uow:
                expected = self.reports.get(report_id)
                if expected is None:
                    try:
                        uow.reports.get(report_id)
                    except ReportNotFoundError:
                        return
                    raise AssertionError("a report that was never committed was found")
                stored = uow.reports.get(report_id)
            assert stored.version == len(expected.events)
            assert list(stored.events) == expected.events
            # The reporter's keys are kept as blind indexes: lookup keys, read back as None.
            assert stored.projection == attrs.evolve(
                expected.projection, reporter_phone=None, reporter_user_id=None
            )

        @rule(number=st.sampled_from(["N-1", "N-2", "N-3"]))
        def load_by_number(self, number: str) -> None:
            holder = self._number_holder(number)
            with self.storage.unit_of_work(read_only=True) as uow:
                if holder is None:
                    try:
                        uow.reports.get_by_number(number)
                    except ReportNotFoundError:
                        return
                    raise AssertionError("an unheld number was found")
                assert uow.reports.get_by_number(number).report_id == holder

        @rule(
            office=st.sampled_from(["JKT", "BDG"]),
            year=st.sampled_from([2026, 2027]),
            commit=st.booleans(),
        )
        def allocate(self, office: str, year: int, commit: bool) -> None:
            with self.storage.unit_of_work() as uow:
                got = uow.reports.allocate_number(office, year)
                assert got == self.counters.get((office, year), 0) + 1
                if commit:
                    uow.commit()
                    self.counters[(office, year)] = got

        @rule(
            query=st.sampled_from(["all", "state", "phone", "user", "either", "risk", "breach"]),
            state=_STATES,
            office=_OFFICES,
            phone=st.sampled_from(["+6281200000001", "+6281200000002"]),
            user=st.sampled_from(["ID.1", "ID.2"]),
            at=_INSTANTS,
            limit=st.integers(min_value=1, max_value=4),
        )
        def query(
            self,
            query: str,
            state: str,
            office: str | None,
            phone: str,
            user: str,
            at: pendulum.DateTime,
            limit: int,
        ) -> None:
            def wanted(p: ReportProjection) -> bool:
                in_office = office is None or p.office == office
                return {
                    "all": in_office,
                    "state": in_office and p.state == state,
                    "phone": p.reporter_phone == phone,
                    "user": p.reporter_user_id == user,
                    "either": p.reporter_phone == phone or p.reporter_user_id == user,
                    "risk": in_office and _at_risk(p, at),
                    "breach": in_office and _breached(p, at),
                }[query]

            with self.storage.unit_of_work(read_only=True) as uow:
                r = uow.reports

                def fetch(after: str | None) -> Any:
                    return {
                        "all": lambda: r.list_all(office=office, limit=limit, after=after),
                        "state": lambda: r.by_state(state, office=office, limit=limit, after=after),
                        "phone": lambda: r.by_reporter(phone=phone, limit=limit, after=after),
                        "user": lambda: r.by_reporter(user_id=user, limit=limit, after=after),
                        "either": lambda: r.by_reporter(
                            phone=phone, user_id=user, limit=limit, after=after
                        ),
                        "risk": lambda: r.at_risk(at, office=office, limit=limit, after=after),
                        "breach": lambda: r.breached(at, office=office, limit=limit, after=after),
                    }[query]()

                got: list[str] = []
                cursor: str | None = None
                while True:
                    page = fetch(cursor)
                    assert len(page.items) <= limit
                    got.extend(s.report_id for s in page.items)
                    cursor = page.next_cursor
                    if cursor is None:
                        break
            # The model's dict keeps first-insertion order: the storage's listing order.
            assert got == [rid for rid, m in self.reports.items() if wanted(m.projection)]

        @precondition(lambda self: bool(self.outbox))
        @rule(data=st.data())
        def dispatch(self, data: st.DataObject) -> None:
            key = data.draw(st.sampled_from(sorted(self.outbox)))
            message = self.outbox[key]
            outcome = data.draw(st.sampled_from(["sent", "failed", "retry"]))
            out = self.storage.outbox
            if outcome == "sent" and message.status is not OutboxStatus.SENT:
                assert out.mark_sent(key, at=T0).status is OutboxStatus.SENT
                message.status = OutboxStatus.SENT
                message.holder = None
            elif outcome == "failed":
                claim = data.draw(st.sampled_from([None, *message.tokens]))
                before = out.get(key)
                lost = claim is not None and (
                    message.status is not OutboxStatus.PENDING or claim != message.holder
                )
                if message.status is OutboxStatus.SENT:
                    late = out.mark_failed(
                        key, at=T0, error="e", next_attempt_at=None, max_attempts=2, claim=claim
                    )
                    assert late == before
                    return
                if lost or message.status is OutboxStatus.DEAD:
                    # A lost lease is an OutboxStateError too; the code tells them apart.
                    expected = OutboxLeaseLostError.code if lost else OutboxStateError.code
                    with pytest.raises(OutboxStateError) as refused:
                        out.mark_failed(
                            key, at=T0, error="e", next_attempt_at=None, max_attempts=2, claim=claim
                        )
                    assert refused.value.code == expected
                    assert out.get(key) == before
                    return
                got = out.mark_failed(
                    key,
                    at=T0,
                    error="e",
                    next_attempt_at=T0.add(minutes=1),
                    max_attempts=2,
                    claim=claim,
                )
                message.attempts += 1
                message.holder = None
                if message.attempts >= 2:
                    message.status = OutboxStatus.DEAD
                assert (got.status, got.attempts) == (message.status, message.attempts)
                assert got.claim_token is None
            elif outcome == "retry" and message.status is OutboxStatus.DEAD:
                assert out.retry(key, at=T0).status is OutboxStatus.PENDING
                message.status = OutboxStatus.PENDING
                message.attempts = 0
                message.holder = None

        @rule()
        def claim(self) -> None:
            # Ten minutes on: every lease (60 s) has run out and every retry (1 min) is due.
            self.now = self.now.add(minutes=10)
            claimed = self.storage.outbox.claim_due(self.now, limit=1000, lease_seconds=60)
            pending = {k for k, m in self.outbox.items() if m.status is OutboxStatus.PENDING}
            assert {m.key for m in claimed} == pending
            tokens = {m.claim_token for m in claimed}
            assert len(tokens) <= 1
            for m in claimed:
                token = m.claim_token
                assert token is not None
                assert all(token not in known.tokens for known in self.outbox.values())
            for m in claimed:
                assert m.claim_token is not None
                self.outbox[m.key].holder = m.claim_token
                self.outbox[m.key].tokens.append(m.claim_token)

        @precondition(lambda self: bool(self.outbox))
        @rule(data=st.data())
        def renew(self, data: st.DataObject) -> None:
            key = data.draw(st.sampled_from(sorted(self.outbox)))
            message = self.outbox[key]
            claim = data.draw(st.sampled_from(["never-handed-out", *message.tokens]))
            before = self.storage.outbox.get(key)
            renewed = self.storage.outbox.renew(key, claim=claim, at=self.now, lease_seconds=60)
            mine = message.status is OutboxStatus.PENDING and claim == message.holder
            assert renewed is mine
            after = self.storage.outbox.get(key)
            if mine:
                assert after.claimed_until == self.now.add(seconds=60)
                assert after.claim_token == claim
            else:
                assert after == before

        @invariant()
        def outbox_agrees(self) -> None:
            counts = dict.fromkeys(OutboxStatus, 0)
            for m in self.outbox.values():
                counts[m.status] += 1
            assert self.storage.outbox.counts() == counts

    return StorageMachine
