"""
Staff values, the duty holder rule, authorization of steps, the staff file, and the history's
record of the directory role.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path

import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from layanan_aduan.adapters.staff import read_staff_file, staff_from_mapping
from layanan_aduan.domain.history import Event
from layanan_aduan.domain.report import Actor
from layanan_aduan.domain.staff import (
    Assignment,
    StaffMember,
    StaffRole,
    authorize,
    duty_holder,
)
from layanan_aduan.domain.workflow import Role
from layanan_aduan.exceptions import (
    InvalidPhoneNumberError,
    InvalidStaffError,
    NaiveDatetimeError,
    ReportInputError,
    StaffAuthorizationError,
)

TZ = "Asia/Jakarta"
PLH_FROM, PLH_UNTIL = dt.date(2026, 1, 19), dt.date(2026, 1, 23)
KASI = StaffMember(
    "kasi-intel",
    "Andi Pratama",
    phone="+6281233334444",
    assignments=(Assignment(StaffRole.SECTION_HEAD, "KNJP"),),
)
PLH = StaffMember(
    "plh-kasi",
    "Sari Dewi",
    phone="+6281255556666",
    assignments=(
        Assignment(StaffRole.ACTING_SECTION_HEAD, "KNJP", starts=PLH_FROM, ends=PLH_UNTIL),
    ),
)
RINA = StaffMember(
    "petugas-01",
    "Rina Wulandari",
    phone="+6281311112222",
    assignments=(Assignment(StaffRole.OFFICER, "KNJP"),),
)
FILE = """
[[staff]]
id = "petugas-01"
name = "Rina Wulandari"
phone = "+6281311112222"
roles = ["officer"]
[[staff]]
id = "kasi-intel"
name = "Andi Pratama"
phone = "+6281233334444"
roles = ["section_head"]
[[staff]]
id = "plh-kasi"
name = "Sari Dewi"
phone = "+6281255556666"
roles = [{ role = "acting_section_head", from = 2026-01-19, until = 2026-01-23 }]
"""


def _local(day: dt.date, hour: int = 9, minute: int = 0) -> pendulum.DateTime:
    return pendulum.datetime(day.year, day.month, day.day, hour, minute, tz=TZ)


def test_the_staff_file_of_the_issue_reads_into_three_members() -> None:
    """The three members of the example file read with their roles and the Plh's dates."""
    members = staff_from_mapping(tomllib.loads(FILE), office="KNJP")
    assert members == (RINA, KASI, PLH)


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"roles": ["kepala"]}, "staff[1].roles[0].role", "staff_role_unknown"),
        ({"roles": [{"role": "acting_section_head"}]}, "staff[1].roles[0].from", None),
        (
            {"roles": [{"role": "section_head", "until": "kemarin"}]},
            "staff[1].roles[0].until",
            "assignment_dates_invalid",
        ),
        ({"phone": "021-6585-1958"}, "staff[1].phone", "phone_not_mobile"),
        ({"phon": "+6281233334444"}, "staff[1].phon", "staff_file_invalid"),
        ({"id": "petugas-01"}, "staff[1].id", "duplicate_staff_id"),
        ({"phone": "+6281311112222"}, "staff[1].phone", "duplicate_contact"),
        ({"roles": []}, "staff[1].roles", "staff_invalid"),
        ({"id": "kasi intel"}, "staff[1].id", "staff_id_invalid"),
        ({"name": "1234"}, "staff[1].name", "staff_name_invalid"),
        ({"whatsapp_user_id": "6281"}, "staff[1].whatsapp_user_id", None),
    ],
)
def test_a_bad_staff_file_is_refused_with_the_path_at_fault(
    change: dict[str, object], field: str, code: str | None
) -> None:
    """Each fault of a member is refused with a typed error naming its path in the file."""
    data = tomllib.loads(FILE)
    data["staff"][1].update(change)
    with pytest.raises(InvalidStaffError) as info:
        staff_from_mapping(data, office="KNJP")
    assert info.value.field == field
    if code is not None:
        assert info.value.code == code
    assert "+6281233334444" not in str(info.value)


def test_a_staff_file_that_is_not_toml_or_not_there_is_refused(tmp_path: Path) -> None:
    """A missing file and a file that is not TOML are refused with their own codes."""
    with pytest.raises(InvalidStaffError) as info:
        read_staff_file(tmp_path / "tidak-ada.toml", office="KNJP")
    assert info.value.code == "staff_file_unreadable"
    bad = tmp_path / "staf.toml"
    bad.write_text("[[staff]\n", encoding="utf-8")
    with pytest.raises(InvalidStaffError) as info:
        read_staff_file(bad, office="KNJP")
    assert info.value.code == "staff_file_invalid"
    good = tmp_path / "baik.toml"
    good.write_text(FILE, encoding="utf-8")
    assert len(read_staff_file(good, office="KNJP")) == 3


def test_member_values_are_validated_and_masked() -> None:
    """A member's number must be E.164; its repr shows neither name nor number whole."""
    with pytest.raises(InvalidPhoneNumberError):
        StaffMember("a", "Rina", phone="081311112222")
    with pytest.raises(InvalidStaffError) as info:
        Assignment(StaffRole.SECTION_HEAD, "KNJP", starts=PLH_UNTIL, ends=PLH_FROM)
    assert info.value.code == "assignment_dates_invalid"
    with pytest.raises(InvalidStaffError):
        Assignment(StaffRole.OFFICER, "KNJP", starts=pendulum.datetime(2026, 1, 1))
    text = repr(RINA)
    assert "Rina" not in text
    assert "Wulandari" not in text
    assert "+6281311112222" not in text


@pytest.mark.parametrize(
    ("instant", "roles"),
    [
        (pendulum.datetime(2026, 1, 18, 16, 59, tz="UTC"), set()),  # 23:59 WIB on the 18th
        (pendulum.datetime(2026, 1, 18, 17, 0, tz="UTC"), {"acting_section_head"}),  # 00:00
        (_local(PLH_UNTIL, 23, 59), {"acting_section_head"}),
        (_local(PLH_UNTIL + dt.timedelta(days=1), 0, 0), set()),
    ],
)
def test_acting_dates_are_a_closed_interval_of_local_days(
    instant: pendulum.DateTime, roles: set[str]
) -> None:
    """A Plh holds the role from 00:00 of the first day to 24:00 of the last, office time."""
    assert PLH.roles_at("KNJP", instant, TZ) == roles
    assert PLH.roles_at("KNJM", instant, TZ) == frozenset()


def test_naive_instants_and_unknown_zones_are_refused() -> None:
    """roles_at needs an aware instant and a known time zone."""
    with pytest.raises(NaiveDatetimeError):
        KASI.roles_at("KNJP", dt.datetime(2026, 1, 19, 9), TZ)
    with pytest.raises(InvalidStaffError) as info:
        KASI.roles_at("KNJP", _local(PLH_FROM), "Asia/Atlantis")
    assert info.value.code == "invalid_timezone"


def test_the_acting_section_head_holds_the_duties_on_their_dates_only() -> None:
    """Before, on and after the Plh's dates the duties are the section head's, the Plh's and
    the section head's again."""
    staff = [KASI, PLH, RINA]

    def holder(at: pendulum.DateTime) -> StaffMember | None:
        return duty_holder(staff, "KNJP", StaffRole.SECTION_HEAD, at, TZ)

    assert holder(_local(PLH_FROM - dt.timedelta(days=1))) is KASI
    assert holder(_local(PLH_FROM)) is PLH
    assert holder(_local(PLH_UNTIL)) is PLH
    assert holder(_local(PLH_UNTIL + dt.timedelta(days=1))) is KASI
    assert duty_holder([RINA], "KNJP", StaffRole.SECTION_HEAD, _local(PLH_FROM), TZ) is None
    assert duty_holder(staff, "KNJP", StaffRole.OFFICE_HEAD, _local(PLH_FROM), TZ) is None


def _authorize(
    member: StaffMember | None, needed: Role, at: pendulum.DateTime, reporter: str = "+6285"
) -> StaffRole:
    holder = duty_holder([KASI, PLH, RINA], "KNJP", StaffRole.SECTION_HEAD, at, TZ)
    return authorize(
        member,
        staff_id=member.staff_id if member else "siapa",
        action="give_direction" if needed is Role.SECTION_HEAD else "receive",
        needed=needed,
        office="KNJP",
        at=at,
        timezone=TZ,
        section_head=holder,
        reporter={"phone": reporter, "user_id": None, "id": reporter},
    )


@pytest.mark.parametrize(
    ("member", "needed", "day", "expected"),
    [
        (None, Role.OFFICER, PLH_FROM, "unknown_staff"),
        (RINA, Role.OFFICER, PLH_FROM, StaffRole.OFFICER),
        (RINA, Role.SECTION_HEAD, PLH_FROM, "role_not_held"),
        (KASI, Role.OFFICER, PLH_FROM, "role_not_held"),
        (KASI, Role.SECTION_HEAD, PLH_FROM - dt.timedelta(days=1), StaffRole.SECTION_HEAD),
        (KASI, Role.SECTION_HEAD, PLH_FROM, "duties_delegated"),
        (PLH, Role.SECTION_HEAD, PLH_FROM - dt.timedelta(days=1), "outside_acting_dates"),
        (PLH, Role.SECTION_HEAD, PLH_FROM, StaffRole.ACTING_SECTION_HEAD),
        (PLH, Role.SECTION_HEAD, PLH_UNTIL + dt.timedelta(days=1), "outside_acting_dates"),
        (PLH, Role.OFFICER, PLH_FROM, "role_not_held"),
    ],
)
def test_authorize_grants_exactly_the_role_the_directory_gives_now(
    member: StaffMember | None, needed: Role, day: dt.date, expected: StaffRole | str
) -> None:
    """Each kind of person gets the step's role or the refusal that says why not."""
    at = _local(day)
    if isinstance(expected, StaffRole):
        assert _authorize(member, needed, at) is expected
        return
    with pytest.raises(StaffAuthorizationError) as info:
        _authorize(member, needed, at)
    assert info.value.code == expected
    assert info.value.field == "actor"


def test_the_reporter_never_acts_as_staff_on_their_own_report() -> None:
    """A member whose number is the reporter's is refused even when they hold the role."""
    with pytest.raises(StaffAuthorizationError) as info:
        _authorize(RINA, Role.OFFICER, _local(PLH_FROM), reporter=RINA.phone or "")
    assert info.value.code == "reporter_cannot_act"
    assert "+6281311112222" not in str(info.value)


def test_the_history_records_the_directory_role_beside_the_workflow_role() -> None:
    """An event records actor_staff_role only when given; it is hashed and read back, and an
    event without it keeps the hash it always had."""
    at = pendulum.datetime(2026, 1, 19, 2, tz="UTC")
    base = {
        "report_id": "r-1",
        "action": "submit",
        "actor_id": "+6281234567890",
        "actor_role": "reporter",
        "at": at,
        "from_state": None,
        "to_state": "submitted",
    }
    plain = Event.record(None, **base)  # type: ignore[arg-type]  # keywords of record()
    assert "actor_staff_role" not in plain.to_dict()
    acting = Event.record(
        plain,
        report_id="r-1",
        action="give_direction",
        actor_id="plh-kasi",
        actor_role="section_head",
        at=at,
        from_state="forwarded",
        to_state="directed",
        actor_staff_role="acting_section_head",
    )
    data = acting.to_dict()
    assert data["actor_staff_role"] == "acting_section_head"
    assert Event.from_dict(data) == acting
    assert Event.from_dict(data).is_intact
    assert "as acting_section_head" in repr(acting)
    assert Event.from_dict({**data, "actor_staff_role": "officer"}).is_intact is False


def test_an_actor_s_staff_role_must_act_as_its_role() -> None:
    """A Plh acts as section head; an officer's directory role cannot claim section head."""
    assert Actor("plh-kasi", Role.SECTION_HEAD, staff_role="acting_section_head").staff_role
    with pytest.raises(ReportInputError):
        Actor("petugas-01", Role.SECTION_HEAD, staff_role="officer")


@given(
    starts=st.dates(min_value=dt.date(2025, 1, 1), max_value=dt.date(2027, 12, 31)),
    length=st.integers(min_value=0, max_value=30),
    offset=st.integers(min_value=-40, max_value=40),
    minute=st.integers(min_value=0, max_value=24 * 60 - 1),
)
def test_a_plh_holds_the_role_iff_the_local_day_is_within_its_dates(
    starts: dt.date, length: int, offset: int, minute: int
) -> None:
    """For any Plh dates and any instant, the role is held iff the WIB date is in range."""
    ends = starts + dt.timedelta(days=length)
    member = StaffMember(
        "plh",
        "Sari Dewi",
        assignments=(Assignment("acting_section_head", "KNJP", starts=starts, ends=ends),),
    )
    day = starts + dt.timedelta(days=offset)
    at = _local(day, minute // 60, minute % 60).in_timezone("UTC")
    held = StaffRole.ACTING_SECTION_HEAD in member.roles_at("KNJP", at, TZ)
    assert held == (starts <= day <= ends)
