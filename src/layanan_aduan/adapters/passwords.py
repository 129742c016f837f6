"""
Console passwords: hashed with scrypt (memory-hard, from the standard library), kept in a
private TOML file of staff id to hash (mode 0600, written through :mod:`layanan_aduan._files`).

A hash reads ``scrypt$N$r$p$SALT$KEY`` (salt and key in URL-safe base64): the cost is kept
with each hash, so raising :data:`DEFAULT_COST` later leaves old hashes valid.

>>> import pathlib, stat, tempfile
>>> path = pathlib.Path(tempfile.mkdtemp()) / "kata-sandi.toml"
>>> store = PasswordFile(path, cost=2**10)
>>> store.set("petugas-01", "kuda-lari-cepat-7")
>>> oct(stat.S_IMODE(path.stat().st_mode))
'0o600'
>>> store.check("petugas-01", "kuda-lari-cepat-7"), store.check("petugas-01", "salah-sandi-99")
(True, False)
>>> print(store.check("kasi-intel", "kuda-lari-cepat-7"))
None
>>> path.read_text().startswith('"petugas-01" = "scrypt$1024$8$1$')
True
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import tomllib
from pathlib import Path
from typing import Final

from layanan_aduan._files import check_private, write_private
from layanan_aduan.domain.staff import STAFF_ID_PATTERN
from layanan_aduan.exceptions import ConsoleAuthError, InvalidStaffError

__all__ = [
    "DEFAULT_COST",
    "MAX_PASSWORD_LENGTH",
    "MIN_PASSWORD_LENGTH",
    "PasswordFile",
    "check_new_password",
    "hash_password",
    "verify_password",
]

#: scrypt's N: 2**14 with r=8 takes 16 MiB and some 50 ms a hash.
DEFAULT_COST: Final = 2**14
MIN_PASSWORD_LENGTH: Final = 10
MAX_PASSWORD_LENGTH: Final = 256
_R: Final = 8
_P: Final = 1
_KEY_BYTES: Final = 32


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(
        password.encode("utf-8"),
        salt=salt,
        n=n,
        r=r,
        p=p,
        maxmem=256 * n * r + 1024 * 1024,
        dklen=_KEY_BYTES,
    )


def check_new_password(password: str) -> str:
    """
    ``password`` when it may be set (10 to 256 characters), else refused.
    """
    if not MIN_PASSWORD_LENGTH <= len(password) <= MAX_PASSWORD_LENGTH:
        raise ConsoleAuthError(
            f"Kata sandi harus {MIN_PASSWORD_LENGTH} sampai {MAX_PASSWORD_LENGTH} karakter.",
            f"A password must have {MIN_PASSWORD_LENGTH} to {MAX_PASSWORD_LENGTH} characters.",
            code="password_invalid",
            field="password",
        )
    return password


def hash_password(password: str, *, cost: int = DEFAULT_COST) -> str:
    """
    The scrypt hash of ``password`` with a fresh random salt.
    """
    salt = secrets.token_bytes(16)
    key = _scrypt(password, salt, cost, _R, _P)
    return f"scrypt${cost}${_R}${_P}${_b64(salt)}${_b64(key)}"


def verify_password(password: str, encoded: str) -> bool:
    """
    Whether ``password`` matches ``encoded`` (a malformed hash matches nothing).
    """
    parts = encoded.split("$")
    if len(parts) != 6 or parts[0] != "scrypt":
        return False
    try:
        n, r, p = int(parts[1]), int(parts[2]), int(parts[3])
        salt, key = _unb64(parts[4]), _unb64(parts[5])
        if not (2 <= n <= 2**20 and 1 <= r <= 32 and 1 <= p <= 16):
            return False
        candidate = _scrypt(password[:MAX_PASSWORD_LENGTH], salt, n, r, p)
    except (ValueError, MemoryError):
        return False
    return hmac.compare_digest(candidate, key)


class PasswordFile:
    """
    The console's passwords: a TOML file of ``"staff id" = "scrypt$..."`` lines, mode 0600.

    Read again at every check, so a password set by ``layanan-aduan kata-sandi`` works at once
    in a running service.
    """

    def __init__(self, path: str | Path, *, cost: int = DEFAULT_COST) -> None:
        self.path = Path(path)
        self.cost = cost
        # Hashed when nobody has a password: an unknown staff id costs the same time.
        self._dummy = hash_password(secrets.token_urlsafe(16), cost=cost)

    def hashes(self) -> dict[str, str]:
        """
        Every staff id's hash (an absent file: none).

        Raises:
            ConsoleAuthError: ``password_file_invalid`` when the file is not such a TOML.
        """
        if not self.path.exists():
            return {}
        check_private(self.path, what="berkas kata sandi")
        try:
            data = tomllib.loads(self.path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError):
            data = None
        if data is None or not all(isinstance(v, str) for v in data.values()):
            raise ConsoleAuthError(
                "Berkas kata sandi konsol tidak sah (harus TOML: id staf = hash).",
                "The console password file is invalid (must be TOML: staff id = hash).",
                code="password_file_invalid",
                field="path",
            )
        return {str(k): str(v) for k, v in data.items()}

    def check(self, staff_id: str, password: str) -> bool | None:
        """
        See :meth:`layanan_aduan.ports.passwords.PasswordStore.check`.
        """
        encoded = self.hashes().get(staff_id)
        if encoded is None:
            verify_password(password, self._dummy)
            return None
        return verify_password(password, encoded)

    def set(self, staff_id: str, password: str) -> None:
        """
        Set (or replace) ``staff_id``'s password.

        Raises:
            InvalidStaffError: ``staff_id_invalid`` for an id the directory could not hold.
            ConsoleAuthError: ``password_invalid`` for a password too short or too long.
        """
        if not STAFF_ID_PATTERN.fullmatch(staff_id):
            raise InvalidStaffError(
                "Id staf tidak sah.",
                "The staff id is invalid.",
                code="staff_id_invalid",
                field="staff_id",
            )
        check_new_password(password)
        hashes = self.hashes()
        hashes[staff_id] = hash_password(password, cost=self.cost)
        text = "".join(f'"{k}" = "{v}"\n' for k, v in sorted(hashes.items()))
        write_private(self.path, text)
