"""
Field ciphers for personal data at rest (the :class:`~layanan_aduan.ports.FieldCipher` port).

- :class:`PlainFieldCipher` keeps values readable: what storage uses when no personal-data key
  is configured. The vault is still kept apart from the hash chain (so erasure works), but a
  copy of the database reveals what it holds; its blind indexes are an unkeyed SHA-256, which
  a guess of a telephone number can be checked against. Use it for tests and demos.
- :class:`AesGcmFieldCipher` seals values with AES-256-GCM under the keys of a
  :class:`~layanan_aduan.ports.DataKeyring` and derives keyed blind indexes (HMAC-SHA256).
  ``cryptography`` is the ``personal-data`` extra, imported when the cipher is built.

:func:`field_cipher_from_config` builds the cipher an office configuration's
``[personal_data]`` names (:class:`PlainFieldCipher` without one).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final

from layanan_aduan.exceptions import (
    PersonalDataKeyError,
    PersonalDataUnreadableError,
    missing_extra,
)

if TYPE_CHECKING:
    from layanan_aduan.adapters.office_config import OfficeConfig, PersonalDataSettings
    from layanan_aduan.ports.personal_data import DataKeyring, FieldCipher

__all__ = ["PLAIN_KEY_ID", "AesGcmFieldCipher", "PlainFieldCipher", "field_cipher_from_config"]

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


#: The version tag of :class:`AesGcmFieldCipher`'s sealed values.
_VERSION: Final = "v1"
_NONCE_BYTES: Final = 12
_TAG_BYTES: Final = 16
_KEY_ID_MAX: Final = 64
_INDEX_HEX: Final = 32
_SEAL_INFO: Final = b"layanan-aduan/personal-data/seal/aes-256-gcm/v1"
_INDEX_INFO: Final = b"layanan-aduan/personal-data/blind-index/hmac-sha256/v1"
# Text is encoded so that any Python string round-trips (a lone surrogate included).
_ERRORS: Final = "surrogatepass"


def _aesgcm() -> Any:
    try:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    except ImportError as e:
        raise missing_extra("cryptography", "personal-data") from e
    return AESGCM


def _hkdf(key: bytes, info: bytes) -> bytes:
    # Only reached after _aesgcm() has imported cryptography (or refused with missing_extra).
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    derived: bytes = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(key)
    return derived


def _where(context: str) -> str:
    # What an error may say about where the value was kept: its kind, never a row's content.
    return context.split("/", 1)[0]


def _unreadable(context: str) -> PersonalDataUnreadableError:
    return PersonalDataUnreadableError(
        "Data pribadi tersegel tidak dapat dibuka: diubah, atau disegel untuk tempat lain.",
        "Sealed personal data does not open: altered, or sealed for another place.",
        code="personal_data_unreadable",
        details={"context": _where(context)},
    )


class AesGcmFieldCipher:
    """
    A :class:`~layanan_aduan.ports.FieldCipher` sealing with AES-256-GCM under a keyring's keys.

    From each 32-byte key, HKDF-SHA256 derives two keys with distinct labels: one seals, the
    other keys the blind indexes (so neither use weakens the other).

    - A sealed value is ``v1:<key id>:<base64url(nonce || ciphertext || tag)>`` (no padding):
      a random 96-bit nonce, and the ``context`` (UTF-8) as associated data, so a value copied
      to another row does not open there.
    - A value PlainFieldCipher sealed (``plain:...``) opens too, and its key id is
      ``"plain"``: a database started without a key is sealed later by a rotation. Once
      every value is sealed, ``accept_plain=False`` refuses such values
      (``personal_data_unreadable``): a readable value put in a row is not taken as sealed.
    - Keys are derived once per key id and kept: build a new cipher over a changed keyring.
    - A blind index is ``<key id>:<32 hex>``: HMAC-SHA256 of ``purpose``, a NUL and the value,
      under the index key; the key id tells rows indexed under an old key.

    >>> from layanan_aduan.adapters.data_keys import StaticKeyring
    >>> cipher = AesGcmFieldCipher(StaticKeyring([bytes(range(32))]))
    >>> sealed = cipher.seal('{"nik": "3171010101900001"}', "report_personal/r1/1")
    >>> sealed.startswith(f"v1:{cipher.key_id}:"), "3171" in sealed
    (True, False)
    >>> cipher.open(sealed, "report_personal/r1/1")
    '{"nik": "3171010101900001"}'
    >>> cipher.open(sealed, "report_personal/r2/1")
    Traceback (most recent call last):
    ...
    layanan_aduan.exceptions.PersonalDataUnreadableError: Data pribadi tersegel tidak dapat ...
    >>> cipher.blind_index("+6281234567890", "reporter_phone").split(":")[0] == cipher.key_id
    True

    Raises:
        MissingDependencyError: ``cryptography`` (the ``personal-data`` extra) is not
            installed.
        PersonalDataKeyError: The keyring's current key is not held or not 32 bytes.
    """

    encrypts: Final = True

    def __init__(self, keyring: DataKeyring, *, accept_plain: bool = True) -> None:
        self._accept_plain = accept_plain
        self._aead_class = _aesgcm()
        from cryptography.exceptions import InvalidTag  # imported by _aesgcm() already

        self._invalid_tag: type[Exception] = InvalidTag
        self._keyring = keyring
        self._derived: dict[str, tuple[Any, bytes]] = {}
        self._derive(keyring.current_key_id)  # refuses a keyring without its current key

    @property
    def key_id(self) -> str:
        return self._keyring.current_key_id

    @property
    def keyring(self) -> DataKeyring:
        """
        The keyring the cipher takes its keys from.
        """
        return self._keyring

    def _derive(self, key_id: str) -> tuple[Any, bytes]:
        found = self._derived.get(key_id)
        if found is None:
            key = self._keyring.key(key_id)
            if len(key) != 32:
                raise PersonalDataKeyError(
                    f"Kunci data pribadi {key_id!r} harus 32 bita.",
                    f"The personal-data key {key_id!r} must be 32 bytes.",
                    code="personal_data_key_invalid",
                    field="key_id",
                    details={"reason": "length", "key_id": key_id},
                )
            found = (self._aead_class(_hkdf(key, _SEAL_INFO)), _hkdf(key, _INDEX_INFO))
            self._derived[key_id] = found
        return found

    def seal(self, plaintext: str, context: str) -> str:
        key_id = self._keyring.current_key_id
        aead, _ = self._derive(key_id)
        nonce = os.urandom(_NONCE_BYTES)
        body = aead.encrypt(
            nonce, plaintext.encode("utf-8", _ERRORS), context.encode("utf-8", _ERRORS)
        )
        encoded = base64.urlsafe_b64encode(nonce + body).rstrip(b"=").decode("ascii")
        return f"{_VERSION}:{key_id}:{encoded}"

    def open(self, sealed: str, context: str) -> str:
        if sealed.startswith(_PREFIX):
            if not self._accept_plain:
                raise _unreadable(context)
            return sealed[len(_PREFIX) :]
        key_id, raw = self._split(sealed, context)
        try:
            aead, _ = self._derive(key_id)
        except PersonalDataKeyError as e:
            if e.code != "personal_data_key_unknown":
                raise
            raise PersonalDataUnreadableError(
                f"Data pribadi ini tersegel dengan kunci {key_id!r}, yang tidak dipegang lagi.",
                f"This personal data is sealed with the key {key_id!r}, which is no longer held.",
                code="personal_data_key_unknown",
                details={"context": _where(context), "key_id": key_id},
            ) from None
        try:
            plain: bytes = aead.decrypt(
                raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], context.encode("utf-8", _ERRORS)
            )
        except self._invalid_tag:
            raise _unreadable(context) from None
        return plain.decode("utf-8", _ERRORS)

    def _split(self, sealed: str, context: str) -> tuple[str, bytes]:
        parts = sealed.split(":")
        if len(parts) != 3 or parts[0] != _VERSION or not 0 < len(parts[1]) <= _KEY_ID_MAX:
            raise _unreadable(context)
        _, key_id, encoded = parts
        try:
            raw = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
        except (binascii.Error, ValueError):
            raise _unreadable(context) from None
        # Only the one canonical text of the bytes opens: base64 decoding forgives stray
        # characters and unused bits, which would let an altered value open unchanged.
        canonical = base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")
        if canonical != encoded or len(raw) < _NONCE_BYTES + _TAG_BYTES:
            raise _unreadable(context)
        return key_id, raw

    def sealed_key_id(self, sealed: str) -> str:
        if sealed.startswith(_PREFIX):
            return PLAIN_KEY_ID
        return self._split(sealed, "")[0]

    def blind_index(self, value: str, purpose: str) -> str:
        return self._index(self._keyring.current_key_id, value, purpose)

    def blind_indexes(self, value: str, purpose: str) -> tuple[str, ...]:
        current = self._keyring.current_key_id
        others = sorted(self._keyring.key_ids - {current})
        return tuple(self._index(key_id, value, purpose) for key_id in (current, *others))

    def _index(self, key_id: str, value: str, purpose: str) -> str:
        _, index_key = self._derive(key_id)
        message = f"{purpose}\x00{value}".encode("utf-8", _ERRORS)
        digest = hmac.digest(index_key, message, "sha256").hex()[:_INDEX_HEX]
        return f"{key_id}:{digest}"

    def __repr__(self) -> str:
        # Key ids only: never a key.
        return (
            f"AesGcmFieldCipher(key_id={self.key_id!r}, key_ids={sorted(self._keyring.key_ids)!r})"
        )


def field_cipher_from_config(
    config: OfficeConfig | PersonalDataSettings | None,
    environ: Mapping[str, str] | None = None,
) -> FieldCipher:
    """
    The field cipher an office configuration's ``[personal_data]`` names: AES-GCM under the
    keys of its ``key_file`` or ``key_env``; :class:`PlainFieldCipher` without the section.

    Raises:
        PersonalDataKeyError: The key file or variable cannot be read or holds no valid keys.
        MissingDependencyError: ``cryptography`` (the ``personal-data`` extra) is not installed.
    """
    from layanan_aduan.adapters.data_keys import EnvironmentKeyring, KeyFileKeyring
    from layanan_aduan.adapters.office_config import OfficeConfig

    settings = config.personal_data if isinstance(config, OfficeConfig) else config
    if settings is None:
        return PlainFieldCipher()
    keyring: DataKeyring
    if settings.key_file is not None:
        keyring = KeyFileKeyring.load(settings.key_file)
    elif settings.key_env is not None:
        keyring = EnvironmentKeyring.from_env(settings.key_env, environ)
    else:
        return PlainFieldCipher()
    return AesGcmFieldCipher(keyring)
