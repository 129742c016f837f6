"""
The staff directory port: who works at an office, and who holds which role when.

- :class:`StaffDirectory` answers the desk: a member by staff id, a member by WhatsApp
  contact (so intake can tell a staff number from a reporter's), and who holds a role's
  duties at an instant (:func:`layanan_aduan.domain.staff.duty_holder`: the acting section
  head on their dates, else the section head);
- :class:`StaffRegistry` adds what an administrator needs: put (insert or replace whole)
  and remove a member, and list an office's staff.

Adapters: :class:`layanan_aduan.adapters.staff.InMemoryStaffDirectory` (also built from a
staff file by :func:`layanan_aduan.adapters.staff.staff_from_mapping`), and the SQLite and
PostgreSQL storages' ``staff_directory()``. Each passes
:class:`layanan_aduan.testing.contracts.StaffDirectoryContract`.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from layanan_aduan.domain.staff import StaffMember, StaffRole

__all__ = ["StaffDirectory", "StaffRegistry"]


@runtime_checkable
class StaffDirectory(Protocol):
    """
    Port: an office's staff and their roles, as the desk asks.

    Offices are keyed by their code (e.g. ``"KNJP"``). Arguments are checked before any
    lookup: a blank office is refused with ``InvalidStaffError`` (``invalid_office``), a
    naive instant with ``NaiveDatetimeError``.
    """

    def member(self, office: str, staff_id: str) -> StaffMember | None:
        """
        The member registered in ``office`` under ``staff_id``, or ``None``.
        """
        ...

    def by_contact(
        self, office: str, *, phone: str | None = None, user_id: str | None = None
    ) -> StaffMember | None:
        """
        The member of ``office`` whose WhatsApp number (E.164) is ``phone`` or whose user id
        is ``user_id`` (the number's match first), or ``None``.

        Raises:
            InvalidStaffError: ``contact_required`` when neither is given.
        """
        ...

    def holder(
        self, office: str, role: StaffRole, at: dt.datetime, timezone: str
    ) -> StaffMember | None:
        """
        Who holds ``role``'s duties in ``office`` at the instant ``at`` (dates read in
        ``timezone``): for the section head, the acting section head on their dates, else the
        section head; when several hold a role, the smallest staff id; ``None`` when nobody.
        """
        ...

    def ping(self) -> None:
        """
        Health check: return when the directory answers, else raise the library's error.
        """
        ...


@runtime_checkable
class StaffRegistry(StaffDirectory, Protocol):
    """
    Port: a staff directory that can be changed.
    """

    def put(self, office: str, member: StaffMember) -> None:
        """
        Register ``member`` in ``office``, replacing whole any member of that staff id.

        Raises:
            InvalidStaffError: ``duplicate_contact`` when another member of the office has
                the same number or user id (nothing is changed).
        """
        ...

    def remove(self, office: str, staff_id: str) -> bool:
        """
        Remove a member; ``False`` when there was none.
        """
        ...

    def members(self, office: str) -> tuple[StaffMember, ...]:
        """
        Every member of ``office``, by staff id.
        """
        ...
