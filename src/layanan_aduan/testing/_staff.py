"""
Strategies for the office's staff: assignments and members.

The implementation behind :mod:`layanan_aduan.testing.strategies`, which is the public
module: import from there.
"""

from __future__ import annotations

import datetime as dt

from hypothesis import strategies as st

from layanan_aduan.domain.identity import PhoneNumber
from layanan_aduan.domain.staff import Assignment, StaffMember, StaffRole
from layanan_aduan.testing._base import names, phone_numbers, whatsapp_user_ids

__all__ = ["assignments", "staff_ids", "staff_members"]

_FIRST_DAY = dt.date(2025, 1, 1)
_LAST_DAY = dt.date(2027, 12, 31)


def staff_ids() -> st.SearchStrategy[str]:
    """
    Staff ids the directory accepts (``STAFF_ID_PATTERN``), e.g. ``petugas-01`` or an NIP.
    """
    return st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._-]{0,15}", fullmatch=True)


@st.composite
def assignments(
    draw: st.DrawFn,
    *,
    office: str = "KNJP",
    roles: tuple[StaffRole, ...] = tuple(StaffRole),
) -> Assignment:
    """
    An assignment of one of ``roles`` in ``office``: open-ended or on dates between 2025 and
    2027 (an acting section head always on dates).
    """
    role = draw(st.sampled_from(roles))
    dated = role is StaffRole.ACTING_SECTION_HEAD or draw(st.booleans())
    if not dated:
        return Assignment(role, office)
    starts = draw(st.dates(min_value=_FIRST_DAY, max_value=_LAST_DAY))
    ends = starts + dt.timedelta(days=draw(st.integers(min_value=0, max_value=30)))
    if role is not StaffRole.ACTING_SECTION_HEAD:
        open_side = draw(st.sampled_from(["none", "starts", "ends"]))
        if open_side == "starts":
            return Assignment(role, office, ends=ends)
        if open_side == "ends":
            return Assignment(role, office, starts=starts)
    return Assignment(role, office, starts=starts, ends=ends)


@st.composite
def staff_members(
    draw: st.DrawFn,
    *,
    office: str = "KNJP",
    staff_id: st.SearchStrategy[str] | None = None,
    max_assignments: int = 3,
) -> StaffMember:
    """
    Members of ``office`` with up to ``max_assignments`` assignments there, an E.164
    number and a user id each present or not.
    """
    phone = draw(st.none() | phone_numbers().map(lambda p: PhoneNumber.parse(p).e164))
    return StaffMember(
        draw(staff_ids() if staff_id is None else staff_id),
        draw(names()),
        phone=phone,
        whatsapp_user_id=draw(st.none() | whatsapp_user_ids()),
        assignments=tuple(draw(st.lists(assignments(office=office), max_size=max_assignments))),
    )
