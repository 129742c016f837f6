"""
The contract every :class:`layanan_aduan.ports.StaffRegistry` adapter must pass.
"""

# ruff: noqa: S101 - a pytest suite: assertions are its checks

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterator
from typing import Any, ClassVar

import pendulum
import pytest
from hypothesis import HealthCheck, given, settings

from layanan_aduan.domain.staff import Assignment, StaffMember, StaffRole
from layanan_aduan.exceptions import (
    InvalidPhoneNumberError,
    InvalidStaffError,
    NaiveDatetimeError,
)
from layanan_aduan.ports import StaffDirectory, StaffRegistry
from layanan_aduan.testing._staff import staff_members

__all__ = ["StaffDirectoryContract", "StaffRegistryFactory"]

StaffRegistryFactory = Callable[[], StaffRegistry]

TZ = "Asia/Jakarta"
PLH_FROM, PLH_UNTIL = dt.date(2026, 1, 19), dt.date(2026, 1, 23)


def _member(
    staff_id: str,
    *roles: StaffRole | Assignment,
    phone: str | None = None,
    user_id: str | None = None,
    office: str = "KNJP",
) -> StaffMember:
    return StaffMember(
        staff_id,
        "Rina Wulandari",
        phone=phone,
        whatsapp_user_id=user_id,
        assignments=tuple(r if isinstance(r, Assignment) else Assignment(r, office) for r in roles),
    )


KASI = _member("kasi-intel", StaffRole.SECTION_HEAD, phone="+6281233334444")
PLH = _member(
    "plh-kasi",
    Assignment(StaffRole.ACTING_SECTION_HEAD, "KNJP", starts=PLH_FROM, ends=PLH_UNTIL),
    phone="+6281255556666",
)
RINA = _member(
    "petugas-01",
    StaffRole.OFFICER,
    phone="+6281311112222",
    user_id="ID.13491208655302741918",
)


def _local(day: dt.date, hour: int = 9, minute: int = 0) -> pendulum.DateTime:
    return pendulum.datetime(day.year, day.month, day.day, hour, minute, tz=TZ)


class StaffDirectoryContract:
    """
    Contract cases for a :class:`layanan_aduan.ports.StaffRegistry` adapter (the
    :class:`~layanan_aduan.ports.StaffDirectory` port and its put, remove and members).

    Subclass it as ``TestMyStaffDirectory(StaffDirectoryContract)``, set ``adapter`` to the
    adapter's class and override the ``staff_factory`` fixture: a callable that gives a new,
    empty directory on each call, all cleaned up when the test ends.
    """

    adapter: ClassVar[type[Any]]

    @pytest.fixture
    def staff_factory(self) -> Iterator[StaffRegistryFactory]:
        """
        Override: yield a callable that returns a new, empty registry of ``adapter``.
        """
        raise NotImplementedError("override the staff_factory fixture")

    @pytest.fixture
    def staff(self, staff_factory: StaffRegistryFactory) -> StaffRegistry:
        """
        One new, empty registry.
        """
        return staff_factory()

    def test_implements_the_port(self, staff: StaffRegistry) -> None:
        """The directory is an instance of its adapter class and of both ports; ping() answers."""
        assert isinstance(staff, self.adapter)
        assert isinstance(staff, StaffDirectory)
        assert isinstance(staff, StaffRegistry)
        staff.ping()

    def test_a_member_put_is_read_back_whole(self, staff: StaffRegistry) -> None:
        """A member with several assignments, dates and contacts is read back equal."""
        member = _member(
            "nip.197001012000031001",
            StaffRole.OFFICER,
            Assignment(StaffRole.ACTING_SECTION_HEAD, "KNJP", starts=PLH_FROM, ends=PLH_UNTIL),
            Assignment(StaffRole.OFFICER, "KNJU", ends=PLH_UNTIL),
            phone="+6281311119999",
            user_id="ID.1349120865530274",
        )
        staff.put("KNJP", member)
        assert staff.member("KNJP", member.staff_id) == member
        assert staff.members("KNJP") == (member,)

    def test_an_unknown_id_or_another_office_is_none(self, staff: StaffRegistry) -> None:
        """A member is found only in the office they are registered in, by their exact id."""
        staff.put("KNJP", RINA)
        assert staff.member("KNJP", "petugas-02") is None
        assert staff.member("KNJU", RINA.staff_id) is None
        assert staff.member("KNJP", "PETUGAS-01") is None
        assert staff.member("KNJP", "petugas 01") is None
        assert staff.members("KNJU") == ()

    def test_put_replaces_a_member_whole(self, staff: StaffRegistry) -> None:
        """Putting a member again replaces their name, contacts and every assignment."""
        staff.put(
            "KNJP", _member("p-1", StaffRole.OFFICER, StaffRole.SECTION_HEAD, phone=RINA.phone)
        )
        changed = StaffMember(
            "p-1",
            "Rina W",
            whatsapp_user_id="ID.99",
            assignments=(Assignment(StaffRole.OFFICE_HEAD, "KNJP"),),
        )
        staff.put("KNJP", changed)
        assert staff.member("KNJP", "p-1") == changed
        assert staff.by_contact("KNJP", phone=RINA.phone) is None
        assert staff.holder("KNJP", StaffRole.SECTION_HEAD, _local(PLH_FROM), TZ) is None

    def test_members_are_listed_by_staff_id_and_removed(self, staff: StaffRegistry) -> None:
        """members() lists an office's staff by id; remove() takes one out, once."""
        for m in (RINA, PLH, KASI):
            staff.put("KNJP", m)
        staff.put("KNJU", _member("other", StaffRole.OFFICER, office="KNJU"))
        assert [m.staff_id for m in staff.members("KNJP")] == [
            "kasi-intel",
            "petugas-01",
            "plh-kasi",
        ]
        assert staff.remove("KNJP", "plh-kasi") is True
        assert staff.remove("KNJP", "plh-kasi") is False
        assert staff.remove("KNJP", "not an id") is False
        assert [m.staff_id for m in staff.members("KNJP")] == ["kasi-intel", "petugas-01"]
        assert staff.member("KNJP", "plh-kasi") is None
        assert [m.staff_id for m in staff.members("KNJU")] == ["other"]

    def test_by_contact_finds_a_member_by_number_or_user_id(self, staff: StaffRegistry) -> None:
        """A number or a user id finds its member in that office only; the number comes first."""
        staff.put("KNJP", RINA)
        staff.put("KNJP", KASI)
        assert staff.by_contact("KNJP", phone=RINA.phone) == RINA
        assert staff.by_contact("KNJP", user_id=RINA.whatsapp_user_id) == RINA
        assert staff.by_contact("KNJP", phone=KASI.phone, user_id=RINA.whatsapp_user_id) == KASI
        assert staff.by_contact("KNJP", phone="+6281234567890") is None
        assert staff.by_contact("KNJU", phone=RINA.phone) is None

    def test_by_contact_needs_a_valid_contact(self, staff: StaffRegistry) -> None:
        """Neither contact, or a number not in E.164 form, is refused."""
        with pytest.raises(InvalidStaffError) as info:
            staff.by_contact("KNJP")
        assert info.value.code == "contact_required"
        with pytest.raises(InvalidPhoneNumberError):
            staff.by_contact("KNJP", phone="081311112222")

    def test_a_contact_of_another_member_is_refused_and_nothing_changes(
        self, staff: StaffRegistry
    ) -> None:
        """Two members of one office never share a number or a user id; the refused put
        changes nothing, while another office may use the same number."""
        staff.put("KNJP", RINA)
        staff.put("KNJP", KASI)
        for clash in (
            _member("p-2", StaffRole.OFFICER, phone=RINA.phone),
            _member("p-2", StaffRole.OFFICER, user_id=RINA.whatsapp_user_id),
            _member("kasi-intel", StaffRole.OFFICER, phone=RINA.phone),
        ):
            with pytest.raises(InvalidStaffError) as info:
                staff.put("KNJP", clash)
            assert info.value.code == "duplicate_contact"
        assert staff.members("KNJP") == (KASI, RINA)
        elsewhere = _member("p-2", StaffRole.OFFICER, phone=RINA.phone, office="KNJU")
        staff.put("KNJU", elsewhere)
        assert staff.by_contact("KNJU", phone=RINA.phone) == elsewhere

    @pytest.mark.parametrize(
        ("instant", "expected"),
        [
            (_local(PLH_FROM - dt.timedelta(days=1), 23, 59), "kasi-intel"),
            (pendulum.datetime(2026, 1, 18, 17, 0, tz="UTC"), "plh-kasi"),  # 00:00 WIB, 19th
            (_local(PLH_UNTIL, 23, 59), "plh-kasi"),
            (_local(PLH_UNTIL + dt.timedelta(days=1), 0, 0), "kasi-intel"),
        ],
    )
    def test_the_plh_holds_the_section_head_s_duties_on_their_dates(
        self, staff: StaffRegistry, instant: pendulum.DateTime, expected: str
    ) -> None:
        """The acting section head holds the duties from 00:00 of the first day to 24:00 of
        the last (office time), and the section head before and after."""
        for m in (KASI, PLH, RINA):
            staff.put("KNJP", m)
        holder = staff.holder("KNJP", StaffRole.SECTION_HEAD, instant, TZ)
        assert holder is not None
        assert holder.staff_id == expected
        acting = staff.holder("KNJP", StaffRole.ACTING_SECTION_HEAD, instant, TZ)
        assert (acting is not None) == (expected == "plh-kasi")

    def test_a_role_nobody_holds_has_no_holder(self, staff: StaffRegistry) -> None:
        """Without a section head or an office head, their holder is None."""
        staff.put("KNJP", RINA)
        staff.put("KNJP", PLH)
        at = _local(PLH_UNTIL + dt.timedelta(days=1))
        assert staff.holder("KNJP", StaffRole.SECTION_HEAD, at, TZ) is None
        assert staff.holder("KNJP", StaffRole.OFFICE_HEAD, at, TZ) is None
        assert staff.holder("KNJU", StaffRole.OFFICER, at, TZ) is None

    def test_of_several_holders_the_smallest_staff_id_holds(self, staff: StaffRegistry) -> None:
        """When several members hold a role, the one with the smallest id is the holder."""
        for sid in ("p-3", "p-1", "p-2"):
            staff.put("KNJP", _member(sid, StaffRole.OFFICER))
        holder = staff.holder("KNJP", StaffRole.OFFICER, _local(PLH_FROM), TZ)
        assert holder is not None
        assert holder.staff_id == "p-1"

    def test_arguments_are_checked(self, staff: StaffRegistry) -> None:
        """A blank office, a naive instant, an unknown zone and a non-member are refused."""
        with pytest.raises(InvalidStaffError) as info:
            staff.member(" ", "p-1")
        assert info.value.code == "invalid_office"
        with pytest.raises(NaiveDatetimeError):
            staff.holder("KNJP", StaffRole.OFFICER, dt.datetime(2026, 1, 19, 9), TZ)  # noqa: DTZ001 - the refusal is the point
        with pytest.raises(InvalidStaffError) as info:
            staff.holder("KNJP", StaffRole.OFFICER, _local(PLH_FROM), "Asia/Atlantis")
        assert info.value.code == "invalid_timezone"
        with pytest.raises(InvalidStaffError):
            staff.put("KNJP", {"staff_id": "p-1"})  # type: ignore[arg-type]  # the refusal is the point
        assert staff.members("KNJP") == ()

    # Each adapter's subclass runs this same method: differing executors are the design here.
    @settings(
        max_examples=25,
        deadline=None,
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.differing_executors,
        ],
    )
    @given(member=staff_members(office="KNJP"))
    def test_any_member_is_read_back_equal(self, staff: StaffRegistry, member: StaffMember) -> None:
        """Any valid member put in a fresh office is read back equal, by id and by contact."""
        office = f"K-{uuid.uuid4().hex[:12]}"
        staff.put(office, member)
        assert staff.member(office, member.staff_id) == member
        if member.phone is not None:
            assert staff.by_contact(office, phone=member.phone) == member
        if member.whatsapp_user_id is not None:
            assert staff.by_contact(office, user_id=member.whatsapp_user_id) == member
