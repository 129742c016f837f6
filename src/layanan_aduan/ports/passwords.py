"""
The password port: checks a staff member's console password without handing out its hash.

Adapter: :class:`layanan_aduan.adapters.passwords.PasswordFile` (a private TOML file of
staff id to scrypt hash).
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

__all__ = ["PasswordStore"]


@runtime_checkable
class PasswordStore(Protocol):
    """
    Port: whether a password is a staff member's console password.
    """

    def check(self, staff_id: str, password: str) -> bool | None:
        """
        ``True`` when ``password`` is the one set for ``staff_id``, ``False`` when it is
        not, ``None`` when no password is set for ``staff_id`` (the caller spends the same
        time either way: an adapter hashes a dummy then).
        """
        ...
