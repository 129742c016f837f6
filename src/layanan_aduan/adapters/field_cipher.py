"""
Field ciphers for personal data at rest (the :class:`~layanan_aduan.ports.FieldCipher` port).

- :class:`PlainFieldCipher` keeps values readable: what storage uses when no personal-data key
  is configured. The vault is still kept apart from the hash chain (so erasure works), but a
  copy of the database reveals what it holds; its blind indexes are an unkeyed SHA-256, which
  a guess of a telephone number can be checked against. Use it for tests and demos.
"""

from __future__ import annotations

import hashlib
from typing import Final

from layanan_aduan.exceptions import PersonalDataUnreadableError

__all__ = ["PLAIN_KEY_ID", "PlainFieldCipher"]

#: The key id :class:`PlainFieldCipher` reports: nothing is encrypted.
PLAIN_KEY_ID: Final = "plain"
_PREFIX: Final = "plain:"


class PlainFieldCipher:
    """
    A :class:`~layanan_aduan.ports.FieldCipher` that encrypts nothing (no key configured).

    Sealed values are the plaintext behind a ``plain:`` tag, so storage can tell them from
    encrypted ones (and a rotation to a real key finds them).

    >>> cipher = PlainFieldCipher()
    >>> sealed = cipher.seal('{"nik": "3171"}', "report_personal/r1/1")
    >>> cipher.open(sealed, "report_personal/r1/1")
    '{"nik": "3171"}'
    >>> cipher.sealed_key_id(sealed)
    'plain'
    >>> cipher.blind_index("+6281234567890", "reporter_phone") == cipher.blind_index(
    ...     "+6281234567890", "reporter_phone")
    True
    """

    encrypts: Final = False
    key_id: Final = PLAIN_KEY_ID

    def seal(self, plaintext: str, context: str) -> str:
        del context  # nothing binds a readable value to its row
        return _PREFIX + plaintext

    def open(self, sealed: str, context: str) -> str:
        if not sealed.startswith(_PREFIX):
            raise PersonalDataUnreadableError(
                "Data pribadi ini tersegel dengan kunci, tetapi tidak ada kunci data pribadi "
                "yang dipasang.",
                "This personal data is sealed with a key, but no personal-data key is configured.",
                code="personal_data_key_unknown",
                details={"context": context.split("/", 1)[0]},
            )
        return sealed[len(_PREFIX) :]

    def sealed_key_id(self, sealed: str) -> str:
        return PLAIN_KEY_ID if sealed.startswith(_PREFIX) else sealed.split(":", 1)[0]

    def blind_index(self, value: str, purpose: str) -> str:
        return hashlib.sha256(f"{purpose}\x00{value}".encode()).hexdigest()[:32]

    def blind_indexes(self, value: str, purpose: str) -> tuple[str, ...]:
        return (self.blind_index(value, purpose),)

    def __repr__(self) -> str:
        return "PlainFieldCipher()"
