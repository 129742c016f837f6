"""
What a desk signs to anchor its histories outside the database: heads and checkpoints.

A report's history is hash-chained (:mod:`layanan_aduan.domain.history`), and its anchor (the
version and the hash of the last event, the *head*) is kept beside it. Whoever can write the
database can rewrite an event, re-chain the hashes and update the anchor: the chain still
verifies. A signature with a key the database does not hold closes that gap: the desk signs
each head, and a rewrite without the key no longer verifies.

**Head message.** :func:`head_message` is what is signed for one report: the domain tag
``layanan-aduan/head/v1``, a NUL byte, then the canonical JSON of the office, the report id,
the version and the head hash. The tag keeps a head signature from ever passing for a
checkpoint's, and the office and report id keep it from being moved to another report.

**Checkpoint.** A :class:`Checkpoint` lists every report of an office at one instant as
``(report_id, version, head_hash)``; :func:`heads_root` is the Merkle root of that list
(RFC 6962's tree hash over the canonical JSON of each entry, in report-id order), and the
checkpoint's signature covers the office, the instant, the count and the root. A second party
keeps the file; history written after it may grow, never change.

This module is pure: it builds bytes and digests. Keys and signatures are the signing port's
(:mod:`layanan_aduan.ports.signing`).

>>> head_message("KNJP", "r-1", 4, "ab" * 32)[:22]
b'layanan-aduan/head/v1\\x00'
>>> heads_root([]) == hashlib.sha256(b"").hexdigest()
True
>>> one = Head("r-1", 4, "ab" * 32)
>>> heads_root([one]) == hashlib.sha256(b"\\x00" + one.leaf()).hexdigest()
True
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
from collections.abc import Iterable, Mapping
from typing import Any

import attrs
import pendulum

from layanan_aduan.domain.history import canonical_json, to_instant
from layanan_aduan.exceptions import CheckpointFormatError

__all__ = [
    "CHECKPOINT_TAG",
    "HEAD_TAG",
    "Checkpoint",
    "Head",
    "checkpoint_message",
    "decode_signature",
    "encode_signature",
    "head_message",
    "heads_root",
]

HEAD_TAG = "layanan-aduan/head/v1"
"""The domain tag of a head signature."""
CHECKPOINT_TAG = "layanan-aduan/checkpoint/v1"
"""The domain tag of a checkpoint signature."""

_HEX = frozenset("0123456789abcdef")


def head_message(office: str | None, report_id: str, version: int, head_hash: str) -> bytes:
    """
    The bytes a desk signs for one report's head.
    """
    body = canonical_json(
        {"head_hash": head_hash, "office": office, "report_id": report_id, "version": version}
    )
    return HEAD_TAG.encode() + b"\x00" + body.encode("utf-8")


def encode_signature(signature: bytes) -> str:
    """
    A signature as stored and written: standard base64.

    >>> encode_signature(bytes(3))
    'AAAA'
    """
    return base64.b64encode(signature).decode("ascii")


def decode_signature(text: str) -> bytes | None:
    """
    The signature bytes of ``text``, or ``None`` when it is not base64.

    >>> decode_signature("AAAA"), decode_signature("not base64!")
    (b'\\x00\\x00\\x00', None)
    """
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError):
        return None


@attrs.frozen
class Head:
    """
    One report's anchor: its id, its version (number of events) and its last event's hash.
    """

    report_id: str
    version: int
    head_hash: str

    def leaf(self) -> bytes:
        """
        The entry as it enters the Merkle tree: canonical JSON, UTF-8.
        """
        data = {"head_hash": self.head_hash, "report_id": self.report_id, "version": self.version}
        return canonical_json(data).encode("utf-8")

    def to_dict(self) -> dict[str, Any]:
        """
        The entry as JSON values.
        """
        return {"head_hash": self.head_hash, "report_id": self.report_id, "version": self.version}


def _tree(leaves: list[bytes]) -> bytes:
    # RFC 6962, section 2.1: MTH of n > 1 leaves splits at the largest power of two below n.
    if len(leaves) == 1:
        return hashlib.sha256(b"\x00" + leaves[0]).digest()
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return hashlib.sha256(b"\x01" + _tree(leaves[:k]) + _tree(leaves[k:])).digest()


def heads_root(heads: Iterable[Head]) -> str:
    """
    The Merkle root (hex) of ``heads`` taken in report-id order: any change of any entry,
    or an entry added or left out, changes it.
    """
    ordered = sorted(heads, key=lambda h: h.report_id)
    if not ordered:
        return hashlib.sha256(b"").hexdigest()
    return _tree([h.leaf() for h in ordered]).hex()


def _format_instant(value: pendulum.DateTime) -> str:
    return value.in_timezone("UTC").isoformat().replace("+00:00", "Z")


def checkpoint_message(
    office: str, created_at: dt.datetime, report_count: int, root: str, key_id: str
) -> bytes:
    """
    The bytes a desk signs for a checkpoint.
    """
    body = canonical_json(
        {
            "created_at": _format_instant(to_instant(created_at, "created_at")),
            "heads_root": root,
            "key_id": key_id,
            "office": office,
            "report_count": report_count,
        }
    )
    return CHECKPOINT_TAG.encode() + b"\x00" + body.encode("utf-8")


def _bad(message: str, message_en: str, field: str) -> CheckpointFormatError:
    return CheckpointFormatError(
        f"Berkas titik periksa tidak sah: {message}.",
        f"The checkpoint file is not valid: {message_en}.",
        field=field,
    )


def _created_at(value: dt.datetime) -> pendulum.DateTime:
    return to_instant(value, "created_at")


def _sorted_heads(heads: Iterable[Head]) -> tuple[Head, ...]:
    return tuple(sorted(heads, key=lambda h: h.report_id))


@attrs.frozen
class Checkpoint:
    """
    A signed list of an office's report heads at one instant, for a second party to keep.

    Attributes:
        office: The office's code.
        created_at: When it was made (the desk's clock).
        heads: Every report of the office then, in report-id order.
        key_id: The id of the key that signed it.
        signature: The signature over :meth:`message` (base64).
    """

    office: str
    created_at: pendulum.DateTime = attrs.field(converter=_created_at)
    heads: tuple[Head, ...] = attrs.field(converter=_sorted_heads)
    key_id: str
    signature: str

    @property
    def report_count(self) -> int:
        """
        How many reports it lists.
        """
        return len(self.heads)

    @property
    def root(self) -> str:
        """
        The Merkle root of its heads (:func:`heads_root`).
        """
        return heads_root(self.heads)

    def message(self) -> bytes:
        """
        The signed bytes: office, instant, count, root and key id under the checkpoint tag.
        """
        return checkpoint_message(
            self.office, self.created_at, self.report_count, self.root, self.key_id
        )

    def to_dict(self) -> dict[str, Any]:
        """
        The checkpoint as JSON values (what the file holds).
        """
        return {
            "format": CHECKPOINT_TAG,
            "office": self.office,
            "created_at": _format_instant(self.created_at),
            "report_count": self.report_count,
            "heads_root": self.root,
            "key_id": self.key_id,
            "signature": self.signature,
            "heads": [h.to_dict() for h in self.heads],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Checkpoint:
        """
        Read a checkpoint file's JSON; its count and root must match its heads.

        Raises:
            CheckpointFormatError: A key missing or of the wrong type, or a count or root
                that does not match the heads listed.
        """
        if not isinstance(data, Mapping) or data.get("format") != CHECKPOINT_TAG:
            raise _bad(
                f"format harus {CHECKPOINT_TAG!r}", f"format must be {CHECKPOINT_TAG!r}", "format"
            )
        for key, kind in (
            ("office", str),
            ("created_at", str),
            ("report_count", int),
            ("heads_root", str),
            ("key_id", str),
            ("signature", str),
            ("heads", list),
        ):
            value = data.get(key)
            if not isinstance(value, kind) or isinstance(value, bool):
                raise _bad(
                    f"{key} tidak ada atau salah jenis", f"{key} is missing or mistyped", key
                )
        heads = []
        for entry in data["heads"]:
            ok = (
                isinstance(entry, Mapping)
                and isinstance(entry.get("report_id"), str)
                and isinstance(entry.get("version"), int)
                and not isinstance(entry.get("version"), bool)
                and isinstance(entry.get("head_hash"), str)
                and len(entry["head_hash"]) == 64
                and set(entry["head_hash"]) <= _HEX
            )
            if not ok:
                raise _bad("entri heads salah bentuk", "an entry of heads is malformed", "heads")
            heads.append(Head(entry["report_id"], entry["version"], entry["head_hash"]))
        if len({h.report_id for h in heads}) != len(heads):
            raise _bad("satu laporan tercantum dua kali", "a report is listed twice", "heads")
        try:
            created = pendulum.parse(data["created_at"])
        except ValueError:  # pendulum's ParserError is a ValueError
            created = None
        if not isinstance(created, pendulum.DateTime) or created.tzinfo is None:
            raise _bad(
                "created_at bukan waktu UTC", "created_at is not a UTC instant", "created_at"
            )
        made = cls(data["office"], created, heads, data["key_id"], data["signature"])
        if made.report_count != data["report_count"]:
            raise _bad(
                "report_count tidak sama dengan jumlah heads",
                "report_count differs from the number of heads",
                "report_count",
            )
        if made.root != data["heads_root"]:
            raise _bad(
                "heads_root tidak cocok dengan heads",
                "heads_root does not match the heads",
                "heads_root",
            )
        return made
