"""
Keys for personal data at rest (the :class:`~layanan_aduan.ports.DataKeyring` port): a key
file, an environment variable, or keys given in code.

A key is 32 random bytes. Its *key id* is the first 16 hex digits of the SHA-256 of a fixed
label and the key bytes: it names the key beside every sealed value without revealing it.

The key file is TOML (or the same as one JSON object), readable by its owner only (mode
0600)::

    # layanan-aduan: kunci data pribadi (personal-data keys). Jangan dibagikan.
    current = "3f1c0a9be2d47e65"

    [keys]
    "3f1c0a9be2d47e65" = "q4V0...base64 of 32 bytes...="
    "91d2e0c4a7b35f18" = "Zx3m...an older key, kept to read older values...="

- :func:`generate_data_key_file` writes a new file with one key (never over an existing one);
- :func:`rotate_data_key_file` adds a new key and makes it current, keeping the old ones so
  values sealed under them still open (the storage re-seals them, then the old key is retired);
- :func:`retire_data_key` drops an old key that is no longer current;
- :meth:`KeyFileKeyring.load` reads the file and refuses one that group or others may read;
- :meth:`EnvironmentKeyring.from_env` reads the same content (TOML, or JSON on one line:
  ``{"current": "<id>", "keys": {"<id>": "<base64>"}}``), or a single base64 key, from an
  environment variable (``LAYANAN_ADUAN_DATA_KEYS``);
- :class:`StaticKeyring` holds keys given in code (tests, demos).

Every refusal is a :class:`~layanan_aduan.exceptions.PersonalDataKeyError` whose message never
holds key material: ``personal_data_key_invalid`` (with ``details["reason"]``: ``missing``,
``unreadable``, ``permissions``, ``exists``, ``format``, ``base64``, ``length``, ``key_id``,
``current``, ``retire_current``), ``personal_data_key_missing`` (an unset variable) and
``personal_data_key_unknown`` (a key id not held).

>>> keyring = StaticKeyring([bytes(32)])
>>> keyring.current_key_id == data_key_id(bytes(32))
True
>>> len(keyring.key(keyring.current_key_id))
32
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import fcntl
import hashlib
import json
import os
import re
import secrets
import stat
import tomllib
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, Final

from layanan_aduan._files import open_private
from layanan_aduan.exceptions import PersonalDataKeyError

__all__ = [
    "DATA_KEY_BYTES",
    "ENV_DATA_KEYS",
    "EnvironmentKeyring",
    "KeyFileKeyring",
    "StaticKeyring",
    "data_key_id",
    "generate_data_key_file",
    "new_data_key",
    "retire_data_key",
    "rotate_data_key_file",
]

#: The length of a personal-data key, in bytes (AES-256).
DATA_KEY_BYTES: Final = 32
#: The environment variable :meth:`EnvironmentKeyring.from_env` reads by default.
ENV_DATA_KEYS: Final = "LAYANAN_ADUAN_DATA_KEYS"
_KEY_ID_HEX: Final = 16
_ONE_KEY: Final = re.compile(r"[A-Za-z0-9+/]+={0,2}")
_KEY_ID_LABEL: Final = b"layanan-aduan personal-data key id v1\x00"
_HEADER: Final = (
    "# layanan-aduan: kunci data pribadi (personal-data keys). Jangan dibagikan; mode 0600.\n"
    "# Do not share. `current` seals new values; the others are kept to read older ones.\n"
)


def data_key_id(key: bytes) -> str:
    """
    The key id of a 32-byte key: 16 hex digits of the SHA-256 of a fixed label and the key.

    >>> data_key_id(bytes(32))
    '6b130b4ee8c6d94a'
    """
    return hashlib.sha256(_KEY_ID_LABEL + key).hexdigest()[:_KEY_ID_HEX]


def new_data_key() -> bytes:
    """
    A new random 32-byte key (from the operating system's CSPRNG).
    """
    return secrets.token_bytes(DATA_KEY_BYTES)


def _error(
    reason: str, message: str, message_en: str, *, field: str, code: str | None = None
) -> PersonalDataKeyError:
    return PersonalDataKeyError(
        message,
        message_en,
        code=code or "personal_data_key_invalid",
        field=field,
        details={"reason": reason},
    )


class _Keys:
    """
    Keys by id and the current one (shared by the keyrings below).
    """

    def __init__(self, keys: Mapping[str, bytes], current: str) -> None:
        self._keys = dict(keys)
        self._current = current

    @property
    def current_key_id(self) -> str:
        return self._current

    @property
    def key_ids(self) -> frozenset[str]:
        return frozenset(self._keys)

    def key(self, key_id: str) -> bytes:
        try:
            return self._keys[key_id]
        except KeyError:
            raise PersonalDataKeyError(
                f"Kunci data pribadi {key_id[:_KEY_ID_HEX]!r} tidak dipegang.",
                f"The personal-data key {key_id[:_KEY_ID_HEX]!r} is not held.",
                code="personal_data_key_unknown",
                field="key_id",
                details={"key_id": key_id[:_KEY_ID_HEX]},
            ) from None

    def __repr__(self) -> str:
        # Key ids only: never a key.
        return (
            f"{type(self).__name__}(current_key_id={self._current!r}, "
            f"key_ids={sorted(self._keys)!r})"
        )


class StaticKeyring(_Keys):
    """
    A keyring of keys given in code; the first is current.

    >>> old, new = bytes(32), bytes(range(32))
    >>> ring = StaticKeyring([new, old])
    >>> ring.current_key_id == data_key_id(new), ring.key_ids == {data_key_id(old),
    ...     data_key_id(new)}
    (True, True)

    Raises:
        PersonalDataKeyError: No key given, or a key that is not 32 bytes.
    """

    def __init__(self, keys: Iterable[bytes]) -> None:
        given = [bytes(k) for k in keys]
        if not given:
            raise _error(
                "missing",
                "Tidak ada kunci data pribadi.",
                "No personal-data key was given.",
                field="keys",
            )
        for key in given:
            _check_length(key, "keys", "Kunci data pribadi")
        super().__init__({data_key_id(k): k for k in given}, data_key_id(given[0]))


class KeyFileKeyring(_Keys):
    """
    The keys of a key file (TOML, mode 0600; see the module's documentation).
    """

    def __init__(self, keys: Mapping[str, bytes], current: str, path: Path) -> None:
        super().__init__(keys, current)
        self.path = path

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> KeyFileKeyring:
        """
        Read the key file at ``path``; it must be its owner's alone.

        Raises:
            PersonalDataKeyError: ``personal_data_key_invalid``: the file is missing or
                unreadable, group or others may read or write it (``chmod 600``), or it does
                not hold valid keys (bad base64, not 32 bytes, a key id that does not match its
                key, a ``current`` not among the keys).
        """
        file = Path(path)
        text = _read_key_file(file)
        keys, current = _parse(text, f"Berkas kunci {file.name!r}", f"The key file {file.name!r}")
        return cls(keys, current, file)

    def __repr__(self) -> str:
        return (
            f"KeyFileKeyring(path={self.path.name!r}, current_key_id={self.current_key_id!r}, "
            f"key_ids={sorted(self.key_ids)!r})"
        )


class EnvironmentKeyring(_Keys):
    """
    The keys held by an environment variable: the key file's TOML text, or one base64 key
    (then it is current).
    """

    @classmethod
    def from_env(
        cls, name: str = ENV_DATA_KEYS, environ: Mapping[str, str] | None = None
    ) -> EnvironmentKeyring:
        """
        Read the keys from the environment variable ``name``.

        Raises:
            PersonalDataKeyError: ``personal_data_key_missing`` when the variable is unset or
                empty; ``personal_data_key_invalid`` when it holds no valid key.
        """
        env = os.environ if environ is None else environ
        value = env.get(name, "").strip()
        if not value:
            raise PersonalDataKeyError(
                f"Variabel lingkungan {name} (kunci data pribadi) belum diisi.",
                f"The environment variable {name} (the personal-data keys) is not set.",
                code="personal_data_key_missing",
                field="key_env",
                details={"reason": "missing"},
            )
        where_id, where_en = f"Variabel lingkungan {name}", f"The environment variable {name}"
        if _ONE_KEY.fullmatch(value):
            key = _decode_key(value, where_id, where_en, "key_env")
            return cls({data_key_id(key): key}, data_key_id(key))
        keys, current = _parse(value, where_id, where_en, field="key_env")
        return cls(keys, current)


def _check_length(key: bytes, field: str, where: str, where_en: str = "") -> None:
    if len(key) != DATA_KEY_BYTES:
        where_en = where_en or "A personal-data key"
        raise _error(
            "length",
            f"{where} harus {DATA_KEY_BYTES} bita (diberikan {len(key)}).",
            f"{where_en} must be {DATA_KEY_BYTES} bytes (given {len(key)}).",
            field=field,
        )


def _decode_key(text: str, where: str, where_en: str, field: str) -> bytes:
    try:
        key = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise _error(
            "base64",
            f"{where} bukan base64 yang sah.",
            f"{where_en} is not valid base64.",
            field=field,
        ) from None
    _check_length(key, field, where, where_en)
    return key


def _parse(
    text: str, where: str, where_en: str, *, field: str = "key_file"
) -> tuple[dict[str, bytes], str]:
    data: Any
    try:
        data = json.loads(text) if text.lstrip().startswith("{") else tomllib.loads(text)
    except (ValueError, RecursionError):  # TOMLDecodeError and JSONDecodeError are ValueErrors
        data = None
    keys = data.get("keys") if isinstance(data, dict) else None
    current = data.get("current") if isinstance(data, dict) else None
    if (
        not isinstance(keys, dict)
        or not keys
        or not isinstance(current, str)
        or not all(isinstance(v, str) for v in keys.values())
    ):
        raise _error(
            "format",
            f'{where} harus TOML dengan current = "<id>" dan tabel [keys] (id = base64).',
            f'{where_en} must be TOML with current = "<id>" and a [keys] table (id = base64).',
            field=field,
        )
    found: dict[str, bytes] = {}
    for key_id, encoded in keys.items():
        key = _decode_key(
            encoded, f"{where}: kunci {key_id!r}", f"{where_en}: key {key_id!r}", field
        )
        if data_key_id(key) != key_id:
            raise _error(
                "key_id",
                f"{where}: id kunci {key_id!r} tidak cocok dengan kuncinya.",
                f"{where_en}: the key id {key_id!r} does not match its key.",
                field=field,
            )
        found[key_id] = key
    if current not in found:
        raise _error(
            "current",
            f"{where}: current {current!r} tidak ada di [keys].",
            f"{where_en}: current {current!r} is not in [keys].",
            field=field,
        )
    return found, current


def _read_key_file(file: Path) -> str:
    try:
        mode = file.stat().st_mode
        raw = file.read_bytes()
    except FileNotFoundError:
        raise _error(
            "missing",
            f"Berkas kunci data pribadi {file.name!r} tidak ditemukan.",
            f"The personal-data key file {file.name!r} was not found.",
            field="key_file",
        ) from None
    except OSError as e:
        reason = e.strerror or type(e).__name__
        raise _error(
            "unreadable",
            f"Berkas kunci data pribadi {file.name!r} tidak dapat dibaca ({reason}).",
            f"The personal-data key file {file.name!r} cannot be read ({reason}).",
            field="key_file",
        ) from None
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise _error(
            "permissions",
            f"Berkas kunci data pribadi {file.name!r} dapat dibaca orang lain "
            f"(mode {stat.S_IMODE(mode):o}); jalankan chmod 600.",
            f"The personal-data key file {file.name!r} is open to others "
            f"(mode {stat.S_IMODE(mode):o}); run chmod 600.",
            field="key_file",
        )
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise _error(
            "format",
            f"Berkas kunci data pribadi {file.name!r} bukan teks UTF-8.",
            f"The personal-data key file {file.name!r} is not UTF-8 text.",
            field="key_file",
        ) from None


def _render(keys: Mapping[str, bytes], current: str) -> bytes:
    lines = [_HEADER, f'current = "{current}"\n', "\n[keys]\n"]
    # The current key first, then the others in the order they were kept.
    for key_id in sorted(keys, key=lambda k: k != current):
        lines.append(f'"{key_id}" = "{base64.b64encode(keys[key_id]).decode("ascii")}"\n')
    return "".join(lines).encode("ascii")


def _write_new(file: Path, content: bytes) -> None:
    try:
        fd = open_private(file)
    except FileExistsError:
        raise _error(
            "exists",
            f"Berkas {file.name!r} sudah ada; kunci lama tidak ditimpa.",
            f"The file {file.name!r} exists already; an old key is never overwritten.",
            field="key_file",
        ) from None
    except OSError as e:
        reason = e.strerror or type(e).__name__
        raise _error(
            "unreadable",
            f"Berkas kunci data pribadi {file.name!r} tidak dapat ditulis ({reason}).",
            f"The personal-data key file {file.name!r} cannot be written ({reason}).",
            field="key_file",
        ) from None
    try:
        f = os.fdopen(fd, "wb")
    except BaseException:
        os.close(fd)
        raise
    with f:
        f.write(content)
        f.flush()
        os.fsync(f.fileno())


def _replace(file: Path, content: bytes) -> None:
    # Written beside the file (same file system), made durable, then renamed over it: a
    # reader sees the old keys or the new ones, never half a file.
    temporary = file.with_name(f".{file.name}.{secrets.token_hex(4)}.tmp")
    try:
        _write_new(temporary, content)
        os.replace(temporary, file)
    except OSError as e:
        temporary.unlink(missing_ok=True)
        reason = e.strerror or type(e).__name__
        raise _error(
            "unreadable",
            f"Berkas kunci data pribadi {file.name!r} tidak dapat diganti ({reason}).",
            f"The personal-data key file {file.name!r} cannot be replaced ({reason}).",
            field="key_file",
        ) from None
    try:
        folder = os.open(file.parent, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(folder)
    except OSError:
        pass
    finally:
        os.close(folder)


@contextlib.contextmanager
def _changing(file: Path) -> Iterator[None]:
    # One change of a key file at a time: two rotations at once would each keep only their
    # own new key. The lock is on the folder (the file itself is replaced, not rewritten) and
    # ends with the process (the library runs on POSIX: its files are 0600 by os.fchmod).
    try:
        folder = os.open(file.parent, os.O_RDONLY)
    except OSError:
        yield  # the load that follows says what is wrong with the path
        return
    try:
        fcntl.flock(folder, fcntl.LOCK_EX)
        yield
    finally:
        os.close(folder)


def generate_data_key_file(path: str | os.PathLike[str]) -> KeyFileKeyring:
    """
    Write a new key file at ``path`` (mode 0600, never over an existing file) holding one new
    key, current; return its keyring.

    Raises:
        PersonalDataKeyError: ``personal_data_key_invalid`` (``reason`` ``exists`` when
            ``path`` exists, ``unreadable`` when it cannot be written).
    """
    file = Path(path)
    key = new_data_key()
    key_id = data_key_id(key)
    _write_new(file, _render({key_id: key}, key_id))
    return KeyFileKeyring({key_id: key}, key_id, file)


def rotate_data_key_file(path: str | os.PathLike[str]) -> KeyFileKeyring:
    """
    Add a new key to the key file at ``path`` and make it current, keeping the old keys (so
    values sealed under them still open until they are re-sealed); the file is replaced
    atomically. Return the new keyring (its ``current_key_id`` is the new key's).

    Raises:
        PersonalDataKeyError: The file cannot be read (as :meth:`KeyFileKeyring.load`) or
            replaced.
    """
    file = Path(path)
    with _changing(file):
        ring = KeyFileKeyring.load(file)
        key = new_data_key()
        key_id = data_key_id(key)
        keys = {key_id: key, **{k: ring.key(k) for k in ring.key_ids}}
        _replace(file, _render(keys, key_id))
    return KeyFileKeyring(keys, key_id, file)


def retire_data_key(path: str | os.PathLike[str], key_id: str) -> KeyFileKeyring:
    """
    Drop the old key ``key_id`` from the key file at ``path`` (atomically); values still
    sealed under it no longer open, so re-seal them first. Return the new keyring.

    Raises:
        PersonalDataKeyError: ``personal_data_key_unknown`` when the file holds no such key;
            ``personal_data_key_invalid`` (``reason`` ``retire_current``) when it is the
            current key; or the file cannot be read or replaced.
    """
    file = Path(path)
    with _changing(file):
        ring = KeyFileKeyring.load(file)
        ring.key(key_id)  # personal_data_key_unknown when not held
        if key_id == ring.current_key_id:
            raise _error(
                "retire_current",
                f"Kunci {key_id!r} adalah kunci sekarang; putar dulu (kunci-data putar), lalu "
                "pensiunkan kunci lama.",
                f"The key {key_id!r} is the current key; rotate first (kunci-data putar), then "
                "retire the old key.",
                field="key_id",
            )
        keys = {k: ring.key(k) for k in ring.key_ids if k != key_id}
        _replace(file, _render(keys, ring.current_key_id))
    return KeyFileKeyring(keys, ring.current_key_id, file)
