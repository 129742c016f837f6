"""
The SLA sweep's alerts against a slow reference: every open report's own ``sla()``.

The sweep finds its reports with one narrow query (ids and stored instants) and drops the
alerts already queued with one bulk outbox lookup; the reference loads every report of the
office, asks the domain for its SLA status at the sweep's instant and looks each key up in the
outbox one by one. For generated report sets (arrival times, closed or not, other offices'
reports, alerts queued by an earlier sweep) both must name the same alerts in the same order.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pendulum
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from layanan_aduan.adapters.evidence_store import InMemoryEvidenceStore
from layanan_aduan.adapters.messaging import InMemoryMediaFetcher, InMemoryMessenger
from layanan_aduan.adapters.staff import InMemoryStaffDirectory
from layanan_aduan.adapters.storage import InMemoryStorage, SqliteStorage
from layanan_aduan.clock import FixedClock
from layanan_aduan.domain.report import Actor, Report, ReporterDetails
from layanan_aduan.domain.staff import Assignment, StaffMember, StaffRole
from layanan_aduan.domain.worktime import SlaStatus
from layanan_aduan.exceptions import OutboxMessageNotFoundError
from layanan_aduan.notifications import NotificationKind
from layanan_aduan.ports import Storage
from layanan_aduan.service_layer.bootstrap import Services, compose
from layanan_aduan.service_layer.report_stream import assign_report_number, project, save_report

T0 = pendulum.datetime(2026, 1, 12, 8, tz="Asia/Jakarta")  # a Monday
OFFICER = Actor("196801011990031001", "officer")
PDF = b"%PDF-1.4\n%%EOF\n"

_AT_RISK = (NotificationKind.SLA_AT_RISK,)
_BREACHED = (NotificationKind.SLA_BREACHED, NotificationKind.SERVICE_COMPLAINT_CHANNEL)

# One report: minutes after T0 it arrived, whether an officer received it, whether it was
# closed, and whether it belongs to another office.
_REPORT = st.tuples(
    st.integers(min_value=0, max_value=600),
    st.booleans(),
    st.booleans(),
    st.integers(min_value=0, max_value=5).map(lambda n: n == 0),
)


def _services(storage: Storage) -> Services:
    section_head = StaffMember(
        "kasi-intel-01",
        "Andi Pratama",
        phone="+6281100002222",
        assignments=(Assignment(StaffRole.SECTION_HEAD, "KNJP"),),
    )
    return compose(
        storage=storage,
        evidence=InMemoryEvidenceStore(),
        messenger=InMemoryMessenger(),
        media=InMemoryMediaFetcher(),
        clock=FixedClock(T0),
        staff=InMemoryStaffDirectory({"KNJP": [section_head]}),
    )


def _store(services: Services, reports: list[tuple[int, bool, bool, bool]]) -> None:
    desk = services.desk
    with services.storage.unit_of_work() as uow:
        for i, (minutes, received, closed, elsewhere) in enumerate(reports):
            at = T0.add(minutes=minutes)
            phone = f"+62812{i:08d}"
            report = Report.submit(
                id=f"r-{i:04d}",
                at=at,
                actor=Actor(phone, "reporter"),
                kind="aduan",
                details=ReporterDetails(name="Budi Santoso", nik="3171010101900001", phone=phone),
                message="Dugaan pungutan liar.",
                evidence=[PDF],
            )
            if received or closed:
                report.receive(at=at.add(minutes=1), actor=OFFICER)
            if closed:
                report.close(at=at.add(minutes=2), actor=OFFICER, reason="duplicate")
            office = "OTHER" if elsewhere else desk.office
            assign_report_number(uow.reports, report, office=office, year=2026)
            projection = project(
                report,
                desk.working_time,
                office=office,
                goal=desk.standard.completion_time,
                thresholds=desk.thresholds,
            )
            save_report(uow.reports, report, projection)
        uow.commit()


def _queued(storage: Storage, key: str) -> bool:
    try:
        storage.outbox.get(key)
    except OutboxMessageNotFoundError:
        return False
    return True


def _reference(services: Services) -> list[tuple[str, NotificationKind]]:
    """The alerts a sweep owes now: every open report of the office, its SLA from its events."""
    desk = services.desk
    now = desk.clock.now()
    risky: list[str] = []
    breached: list[str] = []
    for line in desk.list_reports(open_only=True):
        report = desk.report(line.report_id)
        status = report.sla(
            now, desk.working_time, goal=desk.standard.completion_time, thresholds=desk.thresholds
        ).status
        if status is SlaStatus.BREACHED:
            breached.append(report.id)
        elif status in (SlaStatus.AT_RISK, SlaStatus.CRITICAL):
            risky.append(report.id)
    plan = [(r, _AT_RISK) for r in risky] + [(r, _BREACHED) for r in breached]
    return [
        (f"{r}:{k.value}", k)
        for r, kinds in plan
        for k in kinds
        if not _queued(services.storage, f"{r}:{k.value}")
    ]


def _advance_to(services: Services, minutes: int) -> None:
    clock = services.desk.clock
    assert isinstance(clock, FixedClock)
    clock.set(T0.add(minutes=minutes))


@pytest.fixture(params=["memory", "sqlite"])
def make_storage(request: pytest.FixtureRequest, tmp_path: Path) -> Callable[[], Storage]:
    counter = iter(range(10**6))

    def make() -> Storage:
        if request.param == "memory":
            return InMemoryStorage()
        return SqliteStorage.open(tmp_path / f"db{next(counter)}")

    return make


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    reports=st.lists(_REPORT, max_size=10),
    first=st.none() | st.integers(min_value=0, max_value=900),
    later=st.integers(min_value=0, max_value=1500),
)
def test_sweep_alerts_what_every_open_reports_sla_calls_for(
    make_storage: Callable[[], Storage],
    reports: list[tuple[int, bool, bool, bool]],
    first: int | None,
    later: int,
) -> None:
    """Alerts (keys, kinds, order) equal the reference's, with and without an earlier sweep;
    a sweep run again alerts nothing."""
    storage = make_storage()
    with _services(storage) as services:
        _store(services, reports)
        # Sweeps come after every report's last event (a reading before it is refused).
        base = max((r[0] for r in reports), default=0) + 3
        sweeps = [base + later] if first is None else [base + first, base + first + later]
        for minutes in sweeps:
            _advance_to(services, minutes)
            expected = _reference(services)
            got = [(e.key, e.kind) for e in services.desk.sweep_sla()]
            assert got == expected
            assert services.desk.sweep_sla() == ()
