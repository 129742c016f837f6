"""
Properties of personal data kept apart from the history, for any report the strategies make:
what the hash chain covers holds none of it, what storage keeps of an event round-trips, and an
erasure leaves a history that verifies and holds nothing personal.
"""

from __future__ import annotations

import json

import pendulum
from hypothesis import given
from hypothesis import strategies as st

from layanan_aduan.adapters.data_keys import StaticKeyring
from layanan_aduan.adapters.field_cipher import AesGcmFieldCipher
from layanan_aduan.adapters.holidays_id import indonesian_calendar
from layanan_aduan.adapters.storage import InMemoryStorage
from layanan_aduan.domain.history import Event, verify
from layanan_aduan.domain.report import Actor, Report
from layanan_aduan.domain.workflow import REPORT_WORKFLOW, Role
from layanan_aduan.domain.worktime import WorkingTime
from layanan_aduan.service_layer.report_stream import load_report, project, save_report
from layanan_aduan.testing._reports import reports

WORKING_TIME = WorkingTime(indonesian_calendar())
CIPHER = AesGcmFieldCipher(StaticKeyring([bytes(range(32))]))
OFFICER = Actor("petugas-erasure", Role.OFFICER)


def _personal_texts(report: Report) -> list[str]:
    """The personal values a report holds, as the JSON strings they would be written as."""
    details = report.details
    values = [
        details.name,
        details.nik,
        details.phone,
        details.whatsapp_user_id,
        details.address,
        details.email,
        report.message,
        report.submitter_id,
    ]
    # Six characters or more: a shorter text could be a code the event holds by right; and not
    # a staff member's id the strategies happened to draw alike (staff ids are kept).
    staff = {e.actor_id for e in report.events if e.actor_role is not Role.REPORTER}
    return [
        json.dumps(v, ensure_ascii=False)
        for v in values
        if v is not None and len(v) >= 6 and v not in staff
    ]


def _hashed_part(event: Event) -> str:
    data = event.to_dict()
    data.pop("personal_data", None)
    return json.dumps(data, ensure_ascii=False)


@given(report=reports())
def test_what_the_chain_covers_holds_no_personal_value(report: Report) -> None:
    """No personal value of any report is in the hashed part of any of its events, and the
    events read back whole from their stored form."""
    secrets = _personal_texts(report)
    for event in report.events:
        hashed = _hashed_part(event)
        assert [s for s in secrets if s in hashed] == []
        assert Event.from_dict(event.to_dict()) == event


@given(report=reports(), later=st.integers(0, 400 * 24 * 60))
def test_an_erased_report_verifies_and_holds_nothing_personal(report: Report, later: int) -> None:
    """Any ended report, erased and stored: its history verifies and lists exactly the events
    that held personal values, nothing personal is left in storage, and it still lists."""
    storage = InMemoryStorage(cipher=CIPHER)
    with storage.unit_of_work() as uow:
        save_report(uow.reports, report, project(report, WORKING_TIME))
        uow.commit()
    secrets = _personal_texts(report)
    sealed = tuple(e.seq for e in report.events if e.seal is not None)
    ended = report.state in REPORT_WORKFLOW.final_states
    if not ended:
        return
    at = report.events[-1].recorded_at + pendulum.duration(minutes=later)
    with storage.unit_of_work() as uow:
        loaded = load_report(uow.reports, report.id)
        before = loaded.version
        loaded.erase_personal_data(at=at, actor=OFFICER, basis="retention", reference="KEP-1")
        save_report(uow.reports, loaded, project(loaded, WORKING_TIME))
        assert uow.reports.erase_personal(report.id).entries == len(sealed)
        uow.commit()
    with storage.unit_of_work(read_only=True) as uow:
        stored = uow.reports.get(report.id)
        listed = [s.report_id for s in uow.reports.list_all().items]
    assert stored.version == before + 1
    events = [Event.from_dict(e) for e in stored.events]
    check = verify(events, version=stored.version, head=stored.projection.head_hash)
    assert check.ok
    assert check.erased == sealed
    text = json.dumps(stored.events, ensure_ascii=False)
    assert [s for s in secrets if s in text] == []
    assert listed == [report.id]
    rebuilt = Report.from_events(events, number=report.number)
    assert rebuilt.is_erased
    assert (rebuilt.state, rebuilt.kind) == (report.state, report.kind)
