"""
Ed25519 keys for signed histories, from ``cryptography``: key files, environment variables,
and public keyrings for auditors.

- :func:`generate_key_file` writes a new private key (PEM, PKCS #8) readable by its owner
  only (mode 0600) and its public key beside it (``<file>.pub``);
- :func:`load_key_file` reads a private key file and refuses one that group or others may
  read (:class:`~layanan_aduan.exceptions.SigningKeyError`, ``key_file_permissions``);
- :func:`key_from_env` reads a private key from an environment variable (PEM text, or base64
  of the 32-byte seed or of the PKCS #8 DER);
- :class:`Keyring` holds public keys by key id and verifies; :func:`load_keyring` reads PEM
  files, folders of them (``*.pem``, ``*.pub``), or a keyring TOML file
  (``[[keys]]`` tables with ``public_key`` holding PEM text, or ``file``).

A key id is the first 16 hex digits of the SHA-256 of the raw 32-byte public key.

``cryptography`` is the ``signing`` extra: it is imported when a key is used, so the base
install works without it as long as no key is configured.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import stat
import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from layanan_aduan._files import is_private, open_private, write_private
from layanan_aduan.exceptions import SigningKeyError, missing_extra

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import (
        Ed25519PrivateKey,
        Ed25519PublicKey,
    )

__all__ = [
    "Ed25519Signer",
    "Keyring",
    "generate_key_file",
    "key_from_env",
    "key_id_of",
    "load_key_file",
    "load_keyring",
    "public_key_pem",
]

_KEY_ID_HEX = 16


def _ed25519() -> Any:
    try:
        from cryptography.hazmat.primitives.asymmetric import ed25519
    except ImportError as e:
        raise missing_extra("cryptography", "signing") from e
    return ed25519


def _serialization() -> Any:
    try:
        from cryptography.hazmat.primitives import serialization
    except ImportError as e:
        raise missing_extra("cryptography", "signing") from e
    return serialization


def key_id_of(public_raw: bytes) -> str:
    """
    The key id of a raw public key: 16 hex digits of its SHA-256.

    >>> key_id_of(bytes(32))
    '66687aadf862bd77'
    """
    return hashlib.sha256(public_raw).hexdigest()[:_KEY_ID_HEX]


def _raw_public(key: Ed25519PublicKey) -> bytes:
    s = _serialization()
    raw: bytes = key.public_bytes(s.Encoding.Raw, s.PublicFormat.Raw)
    return raw


class Ed25519Signer:
    """
    A :class:`~layanan_aduan.ports.signing.HeadSigner` over an Ed25519 private key.

    Its repr names the key id only.
    """

    def __init__(self, private_key: Ed25519PrivateKey) -> None:
        self._key = private_key
        self._public = _raw_public(private_key.public_key())
        self._key_id = key_id_of(self._public)

    @property
    def key_id(self) -> str:
        return self._key_id

    def sign(self, message: bytes) -> bytes:
        signature: bytes = self._key.sign(message)
        return signature

    def public_key(self) -> bytes:
        return self._public

    def __repr__(self) -> str:
        return f"Ed25519Signer(key_id={self._key_id!r})"


def public_key_pem(public_raw: bytes) -> str:
    """
    The PEM text (SubjectPublicKeyInfo) of a raw Ed25519 public key: what an auditor keeps.
    """
    s = _serialization()
    key = _ed25519().Ed25519PublicKey.from_public_bytes(public_raw)
    pem: bytes = key.public_bytes(s.Encoding.PEM, s.PublicFormat.SubjectPublicKeyInfo)
    return pem.decode("ascii")


def _key_error(code: str, message: str, message_en: str, field: str) -> SigningKeyError:
    return SigningKeyError(message, message_en, code=code, field=field)


def generate_key_file(path: str | os.PathLike[str]) -> Ed25519Signer:
    """
    Write a new Ed25519 private key to ``path`` (mode 0600, never over an existing file) and
    its public key to ``<path>.pub`` (0600 as well, like every file the library writes: copy
    it to whoever verifies); return the signer.

    Raises:
        SigningKeyError: ``key_file_exists`` when ``path`` exists, ``key_file_unreadable``
            when it cannot be written.
    """
    s = _serialization()
    file = Path(path)
    key = _ed25519().Ed25519PrivateKey.generate()
    pem = key.private_bytes(s.Encoding.PEM, s.PrivateFormat.PKCS8, s.NoEncryption())
    try:
        fd = open_private(file)
    except FileExistsError:
        raise _key_error(
            "key_file_exists",
            f"Berkas kunci {file.name!r} sudah ada; kunci lama tidak ditimpa.",
            f"The key file {file.name!r} exists already; an old key is never overwritten.",
            "key_file",
        ) from None
    except OSError as e:
        reason = e.strerror or type(e).__name__
        raise _key_error(
            "key_file_unreadable",
            f"Berkas kunci {file.name!r} tidak dapat ditulis ({reason}).",
            f"The key file {file.name!r} cannot be written ({reason}).",
            "key_file",
        ) from None
    with os.fdopen(fd, "wb") as f:
        f.write(pem)
    signer = Ed25519Signer(key)
    public = file.with_name(file.name + ".pub")
    write_private(public, public_key_pem(signer.public_key()), encoding="ascii")
    return signer


def _private_from_pem(data: bytes, where: str, field: str) -> Ed25519Signer:
    s = _serialization()
    ed = _ed25519()
    try:
        key = s.load_pem_private_key(data, password=None)
    except (ValueError, TypeError):
        key = None
    if not isinstance(key, ed.Ed25519PrivateKey):
        raise _key_error(
            "key_invalid",
            f"{where} bukan kunci privat Ed25519 (PEM, tanpa kata sandi).",
            f"{where} is not an Ed25519 private key (PEM, unencrypted).",
            field,
        )
    return Ed25519Signer(key)


def load_key_file(path: str | os.PathLike[str]) -> Ed25519Signer:
    """
    Read an Ed25519 private key (PEM) from ``path``; the file must be its owner's alone.

    Raises:
        SigningKeyError: ``key_file_unreadable`` (missing or unreadable),
            ``key_file_permissions`` (group or others may read or write it: ``chmod 600``),
            ``key_invalid`` (not an unencrypted Ed25519 private key).
    """
    file = Path(path)
    try:
        mode = file.stat().st_mode
        data = file.read_bytes()
    except OSError as e:
        reason = e.strerror or type(e).__name__
        raise _key_error(
            "key_file_unreadable",
            f"Berkas kunci {file.name!r} tidak dapat dibaca ({reason}).",
            f"The key file {file.name!r} cannot be read ({reason}).",
            "key_file",
        ) from None
    if not is_private(mode):
        raise _key_error(
            "key_file_permissions",
            f"Berkas kunci {file.name!r} dapat dibaca orang lain (mode {stat.S_IMODE(mode):o}); "
            "jalankan chmod 600.",
            f"The key file {file.name!r} is open to others (mode {stat.S_IMODE(mode):o}); "
            "run chmod 600.",
            "key_file",
        )
    return _private_from_pem(data, f"Berkas kunci {file.name!r}", "key_file")


def key_from_env(name: str, environ: Mapping[str, str] | None = None) -> Ed25519Signer:
    """
    Read an Ed25519 private key from the environment variable ``name``: PEM text, or base64
    of the 32-byte seed or of the PKCS #8 DER.

    Raises:
        SigningKeyError: ``key_env_missing`` when the variable is unset or empty,
            ``key_invalid`` when it holds no Ed25519 private key.
    """
    env = os.environ if environ is None else environ
    value = env.get(name, "").strip()
    if not value:
        raise _key_error(
            "key_env_missing",
            f"Variabel lingkungan {name} (kunci tanda tangan) belum diisi.",
            f"The environment variable {name} (the signing key) is not set.",
            "key_env",
        )
    where = f"Variabel lingkungan {name}"
    if value.startswith("-----BEGIN"):
        return _private_from_pem(value.encode("ascii", "replace"), where, "key_env")
    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    ed = _ed25519()
    if len(raw) == 32:
        return Ed25519Signer(ed.Ed25519PrivateKey.from_private_bytes(raw))
    s = _serialization()
    try:
        key = s.load_der_private_key(raw, password=None) if raw else None
    except (ValueError, TypeError):
        key = None
    if not isinstance(key, ed.Ed25519PrivateKey):
        raise _key_error(
            "key_invalid",
            f"{where} bukan kunci privat Ed25519 (PEM, atau base64 benih 32 bita / DER).",
            f"{where} is not an Ed25519 private key (PEM, or base64 of a 32-byte seed / DER).",
            "key_env",
        )
    return Ed25519Signer(key)


class Keyring:
    """
    A :class:`~layanan_aduan.ports.signing.HeadVerifier` over Ed25519 public keys by key id.

    >>> Keyring([]).key_ids
    frozenset()
    """

    def __init__(self, public_keys: Iterable[bytes]) -> None:
        self._raw = {key_id_of(k): bytes(k) for k in public_keys}
        self._keys: dict[str, Ed25519PublicKey] = {}

    @property
    def key_ids(self) -> frozenset[str]:
        return frozenset(self._raw)

    def with_keys(self, public_keys: Iterable[bytes]) -> Keyring:
        """
        A keyring holding this one's keys and ``public_keys``.
        """
        return Keyring([*self._raw.values(), *public_keys])

    def verify(self, message: bytes, signature: bytes, key_id: str) -> bool:
        raw = self._raw.get(key_id)
        if raw is None:
            return False
        key = self._keys.get(key_id)
        if key is None:
            key = self._keys[key_id] = _ed25519().Ed25519PublicKey.from_public_bytes(raw)
        # _ed25519() has imported cryptography (or refused with missing_extra) by now.
        from cryptography.exceptions import InvalidSignature

        try:
            key.verify(signature, message)
        except InvalidSignature:
            return False
        return True

    def __repr__(self) -> str:
        return f"Keyring(key_ids={sorted(self._raw)!r})"


def _public_from_pem(data: bytes, where: str) -> bytes:
    s = _serialization()
    ed = _ed25519()
    try:
        key = s.load_pem_public_key(data)
    except (ValueError, TypeError):
        key = None
    if isinstance(key, ed.Ed25519PublicKey):
        return _raw_public(key)
    # A private key file given where a public one is expected still yields its public half.
    try:
        private = s.load_pem_private_key(data, password=None)
    except (ValueError, TypeError):
        private = None
    if isinstance(private, ed.Ed25519PrivateKey):
        return _raw_public(private.public_key())
    raise _key_error(
        "key_invalid",
        f"{where} bukan kunci publik Ed25519 (PEM).",
        f"{where} is not an Ed25519 public key (PEM).",
        "public_keys",
    )


def _read(file: Path) -> bytes:
    try:
        return file.read_bytes()
    except OSError as e:
        reason = e.strerror or type(e).__name__
        raise _key_error(
            "key_file_unreadable",
            f"Berkas kunci publik {file.name!r} tidak dapat dibaca ({reason}).",
            f"The public key file {file.name!r} cannot be read ({reason}).",
            "public_keys",
        ) from None


def _keyring_toml(file: Path) -> list[bytes]:
    where = f"Berkas keyring {file.name!r}"
    try:
        data = tomllib.loads(_read(file).decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError):
        data = None
    keys = data.get("keys") if isinstance(data, dict) else None
    if not isinstance(keys, list) or not all(isinstance(k, dict) for k in keys):
        raise _key_error(
            "key_invalid",
            f"{where} harus TOML dengan tabel [[keys]] (public_key atau file).",
            f"{where} must be TOML with [[keys]] tables (public_key or file).",
            "public_keys",
        )
    found = []
    for n, entry in enumerate(keys, start=1):
        if isinstance(entry.get("public_key"), str):
            found.append(_public_from_pem(entry["public_key"].encode("ascii", "replace"), where))
        elif isinstance(entry.get("file"), str):
            path = Path(entry["file"])
            path = path if path.is_absolute() else file.parent / path
            found.append(_public_from_pem(_read(path), f"Berkas kunci publik {path.name!r}"))
        else:
            raise _key_error(
                "key_invalid",
                f"{where}: keys ke-{n} perlu public_key atau file.",
                f"{where}: keys #{n} needs public_key or file.",
                "public_keys",
            )
    return found


def load_keyring(paths: Iterable[str | os.PathLike[str]]) -> Keyring:
    """
    A keyring from PEM public key files, folders of them (``*.pem``, ``*.pub``) and keyring
    TOML files (``*.toml``). A private key file gives its public half.

    Raises:
        SigningKeyError: A file that is missing, unreadable or holds no Ed25519 key.
    """
    found: list[bytes] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            for file in sorted(path.iterdir()):
                if file.suffix in (".pem", ".pub") and file.is_file():
                    found.append(_public_from_pem(_read(file), f"Berkas {file.name!r}"))
                elif file.suffix == ".toml" and file.is_file():
                    found.extend(_keyring_toml(file))
        elif path.suffix == ".toml":
            found.extend(_keyring_toml(path))
        else:
            found.append(_public_from_pem(_read(path), f"Berkas {path.name!r}"))
    return Keyring(found)
