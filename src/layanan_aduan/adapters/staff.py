"""
Staff directory adapters: in memory, and read from a staff file.

- :class:`InMemoryStaffDirectory`: an office's staff held in memory (tests, the demo, the
  command line's ``--staf FILE``); a :class:`layanan_aduan.ports.StaffRegistry`.
- :func:`staff_from_mapping`: members from a parsed TOML (or JSON) table with a ``staff``
  array, the ``[[staff]]`` tables of a staff or office configuration file;
  :func:`read_staff_file` reads such a file.
- The SQLite and PostgreSQL storages keep a directory in their database:
  ``storage.staff_directory()`` (:class:`layanan_aduan.adapters.storage.SqlStaffDirectory`).

Every adapter checks its arguments through :class:`StaffRegistryChecks` and passes
:class:`layanan_aduan.testing.contracts.StaffDirectoryContract`.

A staff file::

    [[staff]]
    id = "petugas-01"
    name = "Rina Wulandari"
    phone = "+6281311112222"
    roles = ["officer"]

    [[staff]]
    id = "plh-kasi"
    name = "Sari Dewi"
    phone = "+6281255556666"
    roles = [{ role = "acting_section_head", from = 2026-01-19, until = 2026-01-23 }]

Keys of a member: ``id``, ``name``, ``roles`` (required), ``phone`` and
``whatsapp_user_id`` (optional). A role is its name, or a table with ``role`` and the
optional dates ``from`` and ``until`` (TOML dates or ``YYYY-MM-DD`` text, both days
included, in the office's time zone). Unknown keys are refused, so a misspelt ``phone``
does not pass silently.

>>> import tomllib
>>> members = staff_from_mapping(tomllib.loads('''
... [[staff]]
... id = "kasi-intel"
... name = "Andi Pratama"
... phone = "0812-3333-4444"
... roles = ["section_head"]
... [[staff]]
... id = "plh-kasi"
... name = "Sari Dewi"
... roles = [{ role = "acting_section_head", from = 2026-01-23, until = 2026-01-19 }]
... '''), office="KNJP")
Traceback (most recent call last):
...
layanan_aduan.exceptions.InvalidStaffError: staff[1].roles[0].until: Tanggal selesai
penugasan tidak boleh sebelum tanggal mulainya.
"""

from __future__ import annotations

import abc
import datetime as dt
import os
import threading
import tomllib
from collections.abc import Iterable, Mapping
from typing import Any

from layanan_aduan.domain.identity import PhoneNumber, WhatsAppUserId
from layanan_aduan.domain.staff import (
    STAFF_ID_PATTERN,
    Assignment,
    StaffMember,
    StaffRole,
    check_office,
    duty_holder,
    local_date,
)
from layanan_aduan.exceptions import InvalidStaffError, LayananAduanError
from layanan_aduan.privacy import mask

__all__ = [
    "InMemoryStaffDirectory",
    "StaffRegistryChecks",
    "read_staff_file",
    "staff_from_mapping",
]


def _duplicate_contact(field: str) -> InvalidStaffError:
    return InvalidStaffError(
        "Nomor WhatsApp atau ID pengguna ini sudah dipakai staf lain di kantor ini.",
        "This WhatsApp number or user id already belongs to another member of this office.",
        code="duplicate_contact",
        field=field,
    )


def _not_member(field: str) -> InvalidStaffError:
    return InvalidStaffError(
        "Yang didaftarkan harus berupa StaffMember.",
        "What is registered must be a StaffMember.",
        code="staff_invalid",
        field=field,
    )


class StaffRegistryChecks(abc.ABC):
    """
    The :class:`layanan_aduan.ports.StaffRegistry`, its arguments checked once for every
    adapter; the adapter supplies the private methods with checked values.
    """

    @abc.abstractmethod
    def _member(self, office: str, staff_id: str) -> StaffMember | None:
        """
        The member of that id, if any.
        """

    @abc.abstractmethod
    def _members(self, office: str) -> tuple[StaffMember, ...]:
        """
        Every member of the office, by staff id.
        """

    @abc.abstractmethod
    def _put(self, office: str, member: StaffMember) -> None:
        """
        Insert or replace whole; raise ``duplicate_contact`` (changing nothing) when another
        member of the office has its number or user id.
        """

    @abc.abstractmethod
    def _remove(self, office: str, staff_id: str) -> bool:
        """
        Remove a member; False when there was none.
        """

    @abc.abstractmethod
    def ping(self) -> None:
        """
        Health check.
        """

    def _by_contact(
        self, office: str, phone: str | None, user_id: str | None
    ) -> StaffMember | None:
        members = self._members(office)
        for m in members:
            if phone is not None and m.phone == phone:
                return m
        for m in members:
            if user_id is not None and m.whatsapp_user_id == user_id:
                return m
        return None

    def member(self, office: str, staff_id: str) -> StaffMember | None:
        check_office(office)
        if not isinstance(staff_id, str):
            raise InvalidStaffError(
                "Id staf harus berupa teks.",
                "The staff id must be text.",
                code="staff_id_invalid",
                field="staff_id",
            )
        if STAFF_ID_PATTERN.fullmatch(staff_id) is None:
            return None
        return self._member(office, staff_id)

    def by_contact(
        self, office: str, *, phone: str | None = None, user_id: str | None = None
    ) -> StaffMember | None:
        check_office(office)
        if phone is None and user_id is None:
            raise InvalidStaffError(
                "Berikan nomor WhatsApp atau ID pengguna yang dicari.",
                "Give the WhatsApp number or the user id to look for.",
                code="contact_required",
                field="phone",
            )
        if phone is not None:
            PhoneNumber(phone)
        if user_id is not None:
            WhatsAppUserId(user_id)
        return self._by_contact(office, phone, user_id)

    def holder(
        self, office: str, role: StaffRole, at: dt.datetime, timezone: str
    ) -> StaffMember | None:
        check_office(office)
        local_date(at, timezone)  # the instant and the zone, checked before any lookup
        return duty_holder(self._members(office), office, role, at, timezone)

    def put(self, office: str, member: StaffMember) -> None:
        check_office(office)
        if not isinstance(member, StaffMember):
            raise _not_member("member")
        self._put(office, member)

    def remove(self, office: str, staff_id: str) -> bool:
        check_office(office)
        if not isinstance(staff_id, str) or STAFF_ID_PATTERN.fullmatch(staff_id) is None:
            return False
        return self._remove(office, staff_id)

    def members(self, office: str) -> tuple[StaffMember, ...]:
        check_office(office)
        return self._members(office)


class InMemoryStaffDirectory(StaffRegistryChecks):
    """
    Offices' staff in memory, thread-safe.

    Args:
        members_by_office: The members of each office, by office code (each checked as
            :meth:`put` does).

    >>> from layanan_aduan.domain.staff import Assignment, StaffMember, StaffRole
    >>> rina = StaffMember("petugas-01", "Rina Wulandari", phone="+6281311112222",
    ...                    assignments=(Assignment(StaffRole.OFFICER, "KNJP"),))
    >>> directory = InMemoryStaffDirectory({"KNJP": [rina]})
    >>> directory.by_contact("KNJP", phone="+6281311112222").staff_id
    'petugas-01'
    >>> directory
    InMemoryStaffDirectory(offices=1, members=1)
    """

    def __init__(
        self, members_by_office: Mapping[str, Iterable[StaffMember]] | None = None
    ) -> None:
        self._offices: dict[str, dict[str, StaffMember]] = {}
        self._lock = threading.Lock()
        for office, members in (members_by_office or {}).items():
            for member in members:
                self.put(office, member)

    def __repr__(self) -> str:
        count = sum(len(m) for m in self._offices.values())
        return f"InMemoryStaffDirectory(offices={len(self._offices)}, members={count})"

    def _member(self, office: str, staff_id: str) -> StaffMember | None:
        with self._lock:
            return self._offices.get(office, {}).get(staff_id)

    def _members(self, office: str) -> tuple[StaffMember, ...]:
        with self._lock:
            found = self._offices.get(office, {})
            return tuple(found[k] for k in sorted(found))

    def _put(self, office: str, member: StaffMember) -> None:
        with self._lock:
            staff = self._offices.setdefault(office, {})
            for other in staff.values():
                if other.staff_id == member.staff_id:
                    continue
                if member.phone is not None and other.phone == member.phone:
                    raise _duplicate_contact("phone")
                if (
                    member.whatsapp_user_id is not None
                    and other.whatsapp_user_id == member.whatsapp_user_id
                ):
                    raise _duplicate_contact("whatsapp_user_id")
            staff[member.staff_id] = member

    def _remove(self, office: str, staff_id: str) -> bool:
        with self._lock:
            return self._offices.get(office, {}).pop(staff_id, None) is not None

    def ping(self) -> None:
        return None


# --- the staff file ---------------------------------------------------------------------------

_MEMBER_KEYS = frozenset({"id", "name", "phone", "whatsapp_user_id", "roles"})
_ROLE_KEYS = frozenset({"role", "from", "until"})
_FIELD_NAMES = {"starts": "from", "ends": "until", "role": "role"}


def _at(path: str, error: LayananAduanError) -> InvalidStaffError:
    return InvalidStaffError(
        f"{path}: {error.message}",
        f"{path}: {error.message_en}",
        code=error.code,
        field=path,
    )


def _invalid(path: str, message: str, message_en: str, code: str) -> InvalidStaffError:
    return InvalidStaffError(f"{path}: {message}", f"{path}: {message_en}", code=code, field=path)


def _text(entry: Mapping[str, Any], key: str, path: str, *, required: bool) -> str | None:
    value = entry.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip():
        raise _invalid(
            f"{path}.{key}", "wajib diisi dengan teks.", "is required, as text.", "staff_invalid"
        )
    return value.strip()


def _date(value: Any, path: str) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    elif isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    raise _invalid(
        path,
        "harus tanggal (YYYY-MM-DD), tanpa jam.",
        "must be a date (YYYY-MM-DD), without a time.",
        "assignment_dates_invalid",
    )


def _assignment(item: Any, office: str, path: str) -> Assignment:
    if isinstance(item, str):
        item = {"role": item}
    if not isinstance(item, Mapping):
        raise _invalid(
            path,
            "peran harus berupa nama peran atau tabel {role, from, until}.",
            "a role must be a role name or a table {role, from, until}.",
            "staff_invalid",
        )
    for key in sorted(set(item) - _ROLE_KEYS, key=str):
        raise _invalid(
            f"{path}.{key}", "kunci tidak dikenal.", "unknown key.", "staff_file_invalid"
        )
    starts = _date(item.get("from"), f"{path}.from")
    ends = _date(item.get("until"), f"{path}.until")
    role: Any = item.get("role")
    try:
        return Assignment(role, office, starts=starts, ends=ends)
    except InvalidStaffError as e:
        raise _at(f"{path}.{_FIELD_NAMES.get(e.field or '', 'role')}", e) from None


def _member(entry: Any, office: str, path: str) -> StaffMember:
    if not isinstance(entry, Mapping):
        raise _invalid(path, "harus berupa tabel.", "must be a table.", "staff_invalid")
    for key in sorted(set(entry) - _MEMBER_KEYS, key=str):
        raise _invalid(
            f"{path}.{key}", "kunci tidak dikenal.", "unknown key.", "staff_file_invalid"
        )
    staff_id = _text(entry, "id", path, required=True)
    name = _text(entry, "name", path, required=True)
    phone = _text(entry, "phone", path, required=False)
    user_id = _text(entry, "whatsapp_user_id", path, required=False)
    if phone is not None:
        try:
            phone = PhoneNumber.parse(phone).e164
        except LayananAduanError as e:
            raise _at(f"{path}.phone", e) from None
    roles = entry.get("roles")
    if not isinstance(roles, list) or not roles:
        raise _invalid(
            f"{path}.roles",
            "wajib berisi paling sedikit satu peran.",
            "needs at least one role.",
            "staff_invalid",
        )
    assignments = tuple(_assignment(r, office, f"{path}.roles[{i}]") for i, r in enumerate(roles))
    try:
        return StaffMember(
            staff_id,  # type: ignore[arg-type]  # _text(required=True) never gives None
            name,
            phone=phone,
            whatsapp_user_id=user_id,
            assignments=assignments,
        )
    except LayananAduanError as e:
        fields = {"staff_id": "id", "name": "name", "phone": "phone"}
        raise _at(f"{path}.{fields.get(e.field or '', 'whatsapp_user_id')}", e) from None


def staff_from_mapping(data: Mapping[str, Any], *, office: str) -> tuple[StaffMember, ...]:
    """
    The members of ``office`` described by ``data["staff"]`` (an array of tables; none
    when the key is absent), in the order given.

    Raises:
        InvalidStaffError: With ``field`` the path at fault, e.g.
            ``staff[2].roles[0].until``: an unknown key or role, a missing id, name or role,
            a bad number, date or user id, a Plh without dates, two members with one id
            (``duplicate_staff_id``) or one number or user id (``duplicate_contact``).
    """
    check_office(office)
    if not isinstance(data, Mapping):
        raise _invalid("staff", "harus berupa tabel.", "must be a table.", "staff_file_invalid")
    entries = data.get("staff", [])
    if not isinstance(entries, list):
        raise _invalid(
            "staff",
            "harus berupa larik tabel [[staff]].",
            "must be an array of tables [[staff]].",
            "staff_file_invalid",
        )
    members: list[StaffMember] = []
    seen_ids: set[str] = set()
    seen_contacts: set[str] = set()
    for i, entry in enumerate(entries):
        path = f"staff[{i}]"
        member = _member(entry, office, path)
        if member.staff_id in seen_ids:
            raise _invalid(
                f"{path}.id",
                f"id '{mask(member.staff_id)}' sudah dipakai staf lain.",
                f"the id '{mask(member.staff_id)}' is already another member's.",
                "duplicate_staff_id",
            )
        seen_ids.add(member.staff_id)
        for key, value in (("phone", member.phone), ("whatsapp_user_id", member.whatsapp_user_id)):
            if value is None:
                continue
            if value in seen_contacts:
                raise _at(f"{path}.{key}", _duplicate_contact(key))
            seen_contacts.add(value)
        members.append(member)
    return tuple(members)


def read_staff_file(path: str | os.PathLike[str], *, office: str) -> tuple[StaffMember, ...]:
    """
    The members of ``office`` in the TOML staff file at ``path`` (see the module docstring).

    Raises:
        InvalidStaffError: ``staff_file_unreadable``, ``staff_file_invalid`` (not TOML), or
            what :func:`staff_from_mapping` refuses.
    """
    try:
        with open(path, "rb") as f:
            data = tomllib.load(f)
    except OSError:
        raise InvalidStaffError(
            "Berkas staf tidak dapat dibaca.",
            "The staff file cannot be read.",
            code="staff_file_unreadable",
            field="staf",
        ) from None
    except UnicodeDecodeError:
        raise InvalidStaffError(
            "Berkas staf bukan teks UTF-8.",
            "The staff file is not UTF-8 text.",
            code="staff_file_unreadable",
            field="staf",
        ) from None
    except tomllib.TOMLDecodeError as e:
        # The parser's message names a line and column, never the file's values.
        raise InvalidStaffError(
            f"Berkas staf bukan TOML yang sah ({e}).",
            f"The staff file is not valid TOML ({e}).",
            code="staff_file_invalid",
            field="staf",
        ) from None
    return staff_from_mapping(data, office=office)
