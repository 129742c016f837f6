"""
Verified roles at the desk: every step by every kind of wrong person is refused and changes
nothing; the Plh holds the section head's duties on their dates only; alerts follow the holder;
breaches escalate to the office head when asked; a property over random directories.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from importlib import resources
from typing import Any

import pendulum
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from layanan_aduan.adapters.evidence_store import InMemoryEvidenceStore
from layanan_aduan.adapters.messaging import InMemoryMediaFetcher, InMemoryMessenger
from layanan_aduan.adapters.staff import InMemoryStaffDirectory
from layanan_aduan.adapters.storage import InMemoryStorage
from layanan_aduan.adapters.whatsapp.inbound import parse_webhook
from layanan_aduan.clock import FixedClock
from layanan_aduan.domain.staff import Assignment, StaffMember, StaffRole
from layanan_aduan.domain.workflow import ReportState
from layanan_aduan.exceptions import StaffAuthorizationError, StaffRoleVacantError
from layanan_aduan.notifications import NotificationKind
from layanan_aduan.service_layer.bootstrap import Services, compose
from layanan_aduan.service_layer.desk import Desk

EXAMPLES = resources.files("layanan_aduan.examples")
PNG = (EXAMPLES / "tangkapan-layar.png").read_bytes()
BODY = (EXAMPLES / "pesan-whatsapp.json").read_bytes()
REPORTER = "+6281234567890"  # the example's sender
T0 = pendulum.datetime(2026, 1, 12, 2, 5, tz="UTC")  # Monday 09:05 WIB
MONDAY = dt.date(2026, 1, 12)
OFFICE = "KNJP"


def _member(staff_id: str, phone: str, *roles: StaffRole | Assignment) -> StaffMember:
    return StaffMember(
        staff_id,
        "Rina Wulandari",
        phone=phone,
        assignments=tuple(r if isinstance(r, Assignment) else Assignment(r, OFFICE) for r in roles),
    )


def _plh(starts: dt.date, ends: dt.date) -> StaffMember:
    acting = Assignment(StaffRole.ACTING_SECTION_HEAD, OFFICE, starts=starts, ends=ends)
    return _member("plh-kasi", "+6281255556666", acting)


OFFICER = _member("petugas-01", "+6281311112222", StaffRole.OFFICER)
KASI = _member("kasi-intel", "+6281233334444", StaffRole.SECTION_HEAD)
KAJARI = _member("kajari", "+6281277778888", StaffRole.OFFICE_HEAD)
# The reporter's own number, registered as staff with every role a step needs.
INSIDER = _member("orang-dalam", REPORTER, StaffRole.OFFICER, StaffRole.SECTION_HEAD)


def _services(*members: StaffMember, escalate: bool = False) -> Services:
    media = InMemoryMediaFetcher()
    media.put("1480000000000001", PNG, "image/png")
    return compose(
        storage=InMemoryStorage(),
        evidence=InMemoryEvidenceStore(),
        messenger=InMemoryMessenger(),
        media=media,
        clock=FixedClock(T0),
        staff=InMemoryStaffDirectory({OFFICE: members}),
        escalate_breaches_to_office_head=escalate,
    )


def _advance(desk: Desk, **duration: int) -> None:
    clock = desk.clock
    assert isinstance(clock, FixedClock)
    clock.advance(pendulum.duration(**duration))


def _report_in(desk: Desk, state: ReportState) -> str:
    """A report of the example brought to ``state`` by the legitimate staff."""
    (step,) = desk.ingest(parse_webhook(BODY)).steps
    ref = step.report_id
    if state is ReportState.SUBMITTED:
        return ref
    desk.receive(ref, officer="petugas-01")
    if state is ReportState.RECEIVED:
        return ref
    desk.forward(ref, officer="petugas-01")
    if state is ReportState.FORWARDED:
        return ref
    desk.give_direction(ref, section_head="kasi-intel", direction="Klarifikasi.")
    assert state is ReportState.DIRECTED
    return ref


_STEPS: dict[str, tuple[ReportState, Callable[[Desk, str, str], Any]]] = {
    "receive": (ReportState.SUBMITTED, lambda d, r, who: d.receive(r, officer=who)),
    "request_completion": (
        ReportState.RECEIVED,
        lambda d, r, who: d.request_completion(r, officer=who),
    ),
    "forward": (ReportState.RECEIVED, lambda d, r, who: d.forward(r, officer=who)),
    "give_direction": (
        ReportState.FORWARDED,
        lambda d, r, who: d.give_direction(r, section_head=who, direction="Arahan."),
    ),
    "deliver_follow_up": (
        ReportState.DIRECTED,
        lambda d, r, who: d.deliver_follow_up(r, officer=who, follow_up="Sudah."),
    ),
    "close": (ReportState.RECEIVED, lambda d, r, who: d.close(r, officer=who, reason="spam")),
}
_OFFICER_STEPS = [s for s in _STEPS if s != "give_direction"]


def _refused_and_nothing_changed(
    desk: Desk, step: str, who: str, code: str, *, joins: StaffMember | None = None
) -> None:
    state, act = _STEPS[step]
    ref = _report_in(desk, state)
    if joins is not None:
        # Registered as staff after the report came in: a staff number makes no report.
        desk.staff.put("KNJP", joins)  # type: ignore[attr-defined]  # an in-memory registry
    version = desk.report(ref).version
    with desk.storage.unit_of_work(read_only=True) as uow:
        before = uow.reports.get(ref)
    outbox = desk.storage.outbox.counts()
    with pytest.raises(StaffAuthorizationError) as info:
        act(desk, ref, who)
    assert info.value.code == code
    assert info.value.action == step
    assert desk.report(ref).version == version
    with desk.storage.unit_of_work(read_only=True) as uow:
        assert uow.reports.get(ref) == before
    assert desk.storage.outbox.counts() == outbox


@pytest.mark.parametrize("step", list(_STEPS))
def test_an_unknown_staff_id_takes_no_step(step: str) -> None:
    """An id the directory does not know is refused at every step, changing nothing."""
    services = _services(OFFICER, KASI)
    _refused_and_nothing_changed(services.desk, step, "petugas-99", "unknown_staff")


@pytest.mark.parametrize("step", list(_STEPS))
def test_the_reporter_s_own_number_takes_no_step_on_their_report(step: str) -> None:
    """A member whose number is the reporter's, holding every role, is refused at every step."""
    services = _services(OFFICER, KASI)
    _refused_and_nothing_changed(
        services.desk, step, "orang-dalam", "reporter_cannot_act", joins=INSIDER
    )


def test_an_officer_does_not_give_the_direction() -> None:
    """Step 4 by an officer is refused."""
    services = _services(OFFICER, KASI)
    _refused_and_nothing_changed(services.desk, "give_direction", "petugas-01", "role_not_held")


@pytest.mark.parametrize("step", _OFFICER_STEPS)
def test_the_section_head_does_not_take_the_officer_s_steps(step: str) -> None:
    """The section head, not also an officer, is refused the officer's steps."""
    services = _services(OFFICER, KASI)
    _refused_and_nothing_changed(services.desk, step, "kasi-intel", "role_not_held")


@pytest.mark.parametrize("step", _OFFICER_STEPS)
def test_the_office_head_takes_no_step(step: str) -> None:
    """The office head receives escalations but takes no officer's step."""
    services = _services(OFFICER, KASI, KAJARI)
    _refused_and_nothing_changed(services.desk, step, "kajari", "role_not_held")


def test_a_section_head_who_is_also_an_officer_takes_the_officer_s_steps() -> None:
    """With both roles, one member may receive and forward, and give the direction."""
    both = _member("kasi-intel", "+6281233334444", StaffRole.OFFICER, StaffRole.SECTION_HEAD)
    desk = _services(both).desk
    (step,) = desk.ingest(parse_webhook(BODY)).steps
    desk.receive(step.report_id, officer="kasi-intel")
    desk.forward(step.report_id, officer="kasi-intel")
    done = desk.give_direction(step.report_id, section_head="kasi-intel", direction="Cek.")
    assert done.state is ReportState.DIRECTED
    roles = [(e.actor_role.value, e.actor_staff_role) for e in desk.report(step.report_id).events]
    assert roles[1:] == [
        ("officer", "officer"),
        ("officer", "officer"),
        ("section_head", "section_head"),
    ]


@pytest.mark.parametrize(
    ("starts", "ends", "code"),
    [
        (MONDAY + dt.timedelta(days=1), MONDAY + dt.timedelta(days=4), "outside_acting_dates"),
        (MONDAY, MONDAY, None),
        (MONDAY - dt.timedelta(days=5), MONDAY - dt.timedelta(days=1), "outside_acting_dates"),
    ],
    ids=["before", "on", "after"],
)
def test_the_plh_gives_the_direction_on_their_dates_only(
    starts: dt.date, ends: dt.date, code: str | None
) -> None:
    """Before and after their dates the Plh is refused step 4; on them the direction is theirs,
    recorded as section_head with the directory role acting_section_head."""
    services = _services(OFFICER, KASI, _plh(starts, ends))
    desk = services.desk
    if code is not None:
        _refused_and_nothing_changed(desk, "give_direction", "plh-kasi", code)
        return
    ref = _report_in(desk, ReportState.FORWARDED)
    desk.give_direction(ref, section_head="plh-kasi", direction="Klarifikasi.")
    event = desk.report(ref).events[-1]
    assert (event.actor_id, event.actor_role.value) == ("plh-kasi", "section_head")
    assert event.actor_staff_role == "acting_section_head"


def test_the_section_head_does_not_give_the_direction_during_the_plh_s_dates() -> None:
    """While a Plh holds the duties the section head is refused step 4 (duties_delegated)."""
    services = _services(OFFICER, KASI, _plh(MONDAY, MONDAY))
    _refused_and_nothing_changed(services.desk, "give_direction", "kasi-intel", "duties_delegated")


def test_the_plh_takes_no_officer_step() -> None:
    """An acting section head, even on their dates, is not an officer."""
    services = _services(OFFICER, KASI, _plh(MONDAY, MONDAY))
    _refused_and_nothing_changed(services.desk, "receive", "plh-kasi", "role_not_held")


def _recipient(services: Services, key: str) -> str | None:
    phone: str | None = services.storage.outbox.get(key).payload["recipient"]["phone"]
    return phone


@pytest.mark.parametrize(
    ("starts", "ends", "to"),
    [
        (MONDAY, MONDAY + dt.timedelta(days=2), "+6281255556666"),
        (MONDAY + dt.timedelta(days=1), MONDAY + dt.timedelta(days=2), "+6281233334444"),
    ],
    ids=["on-dates", "off-dates"],
)
def test_the_handover_and_the_alerts_go_to_whoever_holds_the_duties(
    starts: dt.date, ends: dt.date, to: str
) -> None:
    """On the Plh's dates the handover, the at-risk and the breached alerts go to the Plh;
    off them, to the section head."""
    services = _services(OFFICER, KASI, _plh(starts, ends))
    desk = services.desk
    ref = _report_in(desk, ReportState.RECEIVED)
    (handover,) = desk.forward(ref, officer="petugas-01").notifications
    assert _recipient(services, handover.key) == to
    _advance(desk, minutes=150)
    (risk,) = desk.sweep_sla()
    assert _recipient(services, risk.key) == to
    _advance(desk, minutes=60)
    breached, complaint = desk.sweep_sla()
    assert breached.kind is NotificationKind.SLA_BREACHED
    assert _recipient(services, breached.key) == to
    assert _recipient(services, complaint.key) == REPORTER


def test_the_alerts_follow_the_duties_when_the_plh_starts_later() -> None:
    """A report forwarded to the section head on Monday is alerted to the Plh who holds the
    duties from Tuesday."""
    services = _services(
        OFFICER, KASI, _plh(MONDAY + dt.timedelta(days=1), MONDAY + dt.timedelta(days=1))
    )
    desk = services.desk
    ref = _report_in(desk, ReportState.RECEIVED)
    (handover,) = desk.forward(ref, officer="petugas-01").notifications
    assert _recipient(services, handover.key) == KASI.phone
    _advance(desk, days=1)  # Tuesday 09:05 WIB: breached, the Plh's day
    breached = desk.sweep_sla()[0]
    assert _recipient(services, breached.key) == "+6281255556666"


@pytest.mark.parametrize("members", [(OFFICER, KASI, KAJARI), (OFFICER, KASI)])
@pytest.mark.parametrize("escalate", [True, False])
def test_a_breach_escalates_to_the_office_head_when_asked(
    escalate: bool, members: tuple[StaffMember, ...]
) -> None:
    """With escalation on and an office head in the directory, the breach alert also goes to
    them under <report>:sla_breached:office_head; otherwise only to the section head."""
    services = _services(*members, escalate=escalate)
    desk = services.desk
    ref = _report_in(desk, ReportState.SUBMITTED)
    _advance(desk, minutes=210)
    keys = [e.key for e in desk.sweep_sla()]
    escalated = escalate and KAJARI in members
    expected = [f"{ref}:sla_breached"]
    if escalated:
        expected.append(f"{ref}:sla_breached:office_head")
    assert keys == [*expected, f"{ref}:service_complaint_channel"]
    if escalated:
        assert _recipient(services, f"{ref}:sla_breached:office_head") == KAJARI.phone
    assert desk.sweep_sla() == ()


def test_a_forward_with_nobody_holding_the_section_head_s_duties_is_refused() -> None:
    """Without a section head (nor a Plh that day) the handover has no recipient: the forward
    is refused with role_vacant and changes nothing."""
    services = _services(
        OFFICER, _plh(MONDAY + dt.timedelta(days=1), MONDAY + dt.timedelta(days=2))
    )
    desk = services.desk
    ref = _report_in(desk, ReportState.RECEIVED)
    version, outbox = desk.report(ref).version, services.storage.outbox.counts()
    with pytest.raises(StaffRoleVacantError) as info:
        desk.forward(ref, officer="petugas-01")
    assert info.value.code == "role_vacant"
    assert isinstance(info.value, LookupError)
    assert (desk.report(ref).version, services.storage.outbox.counts()) == (version, outbox)


def test_without_a_directory_every_staff_step_says_how_to_register_staff() -> None:
    """compose() without staff gives an empty directory: steps are refused with unknown_staff
    and a message naming the staff file."""
    desk = _services().desk
    (step,) = desk.ingest(parse_webhook(BODY)).steps
    with pytest.raises(StaffAuthorizationError) as info:
        desk.receive(step.report_id, officer="petugas-01")
    assert info.value.code == "unknown_staff"
    assert "[[staff]]" in info.value.message
    assert "petugas-01" not in info.value.message


# --- a property over random directories ------------------------------------------------------

_PHONES = [REPORTER, "+6281311112222", "+6281233334444", "+6281255556666", "+6281277778888"]
_IDS = ["a-1", "b-2", "c-3", "d-4"]


@st.composite
def _directories(draw: st.DrawFn) -> tuple[StaffMember, ...]:
    ids = draw(st.lists(st.sampled_from(_IDS), unique=True, min_size=1, max_size=4))
    phones = draw(st.permutations(_PHONES))
    members = []
    for staff_id, phone in zip(ids, phones, strict=False):
        roles = []
        for _ in range(draw(st.integers(min_value=0, max_value=3))):  # 0: no role at all
            role = draw(st.sampled_from(list(StaffRole)))
            dated = role is StaffRole.ACTING_SECTION_HEAD or draw(st.booleans())
            if dated:
                starts = MONDAY + dt.timedelta(days=draw(st.integers(min_value=-3, max_value=2)))
                ends = starts + dt.timedelta(days=draw(st.integers(min_value=0, max_value=3)))
                roles.append(Assignment(role, OFFICE, starts=starts, ends=ends))
            else:
                roles.append(Assignment(role, OFFICE))
        members.append(_member(staff_id, phone, *roles))
    return tuple(members)


def _held(member: StaffMember, role: StaffRole, day: dt.date) -> bool:
    return any(
        a.role is role
        and a.office == OFFICE
        and (a.starts is None or a.starts <= day)
        and (a.ends is None or day <= a.ends)
        for a in member.assignments
    )


def _may(members: tuple[StaffMember, ...], who: str, step: str, day: dt.date) -> bool:
    """The oracle: the directory grants the role that day and the actor is not the reporter."""
    actor = next((m for m in members if m.staff_id == who), None)
    if actor is None or actor.phone == REPORTER:
        return False
    if step != "give_direction":
        return _held(actor, StaffRole.OFFICER, day)
    for role in (StaffRole.ACTING_SECTION_HEAD, StaffRole.SECTION_HEAD):
        holders = sorted(m.staff_id for m in members if _held(m, role, day))
        if holders:
            return holders[0] == who
    return False


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    members=_directories(),
    data=st.data(),
    step=st.sampled_from(["receive", "give_direction", "deliver_follow_up", "close"]),
    days=st.integers(min_value=0, max_value=1),
)
def test_a_step_succeeds_iff_the_directory_grants_the_role_then(
    members: tuple[StaffMember, ...], data: st.DataObject, step: str, days: int
) -> None:
    """For any directory and actor, a step succeeds iff the directory gives the actor the
    step's role at the clock's instant and the actor is not the reporter; a refusal changes
    nothing."""
    # Mostly a member of the directory, sometimes an id it does not hold.
    who = data.draw(st.sampled_from([m.staff_id for m in members]) | st.sampled_from(_IDS))
    services = _services(OFFICER, KASI)
    desk = services.desk
    state, act = _STEPS[step]
    ref = _report_in(desk, state)
    _advance(desk, days=days)
    desk.staff = InMemoryStaffDirectory({OFFICE: members})
    version = desk.report(ref).version
    outbox = services.storage.outbox.counts()
    day = MONDAY + dt.timedelta(days=days)
    expected = _may(members, who, step, day)
    event(f"{step}: {'allowed' if expected else 'refused'}")
    try:
        act(desk, ref, who)
    except StaffAuthorizationError:
        assert not expected
        assert desk.report(ref).version == version
        assert services.storage.outbox.counts() == outbox
        return
    assert expected
    assert desk.report(ref).events[-1].actor_id == who


def test_an_office_head_without_a_contact_does_not_hold_back_the_breach_alert(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """When the office head has neither number nor user id, the section head still gets the
    breach alert; the missed escalation is logged by its code."""
    silent = StaffMember(
        "kajari", "Bambang Susilo", assignments=(Assignment(StaffRole.OFFICE_HEAD, OFFICE),)
    )
    services = _services(OFFICER, KASI, silent, escalate=True)
    desk = services.desk
    ref = _report_in(desk, ReportState.SUBMITTED)
    _advance(desk, minutes=210)
    assert [e.key for e in desk.sweep_sla()] == [
        f"{ref}:sla_breached",
        f"{ref}:service_complaint_channel",
    ]
    assert "holder_without_contact" in caplog.text
