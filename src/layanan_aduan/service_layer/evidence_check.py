"""
Re-verifying an evidence pack offline, from its JSON alone (``layanan-aduan periksa-bukti``).

:func:`verify_evidence_pack` needs nothing but the pack (and, for the signatures, the
office's public key): no database, no desk. It checks:

1. **Each event's hash**: an event the pack carries whole (every event of a pack with
   personal data revealed; in a masked pack, every event with no personal data in it) is
   read back and its SHA-256 recomputed from its canonical JSON (``event_hash_mismatch``);
   its ``seq``, ``hash`` and ``report_id`` must be the entry's (``event_mismatch``).
2. **The order**: entries numbered 1, 2, 3, ... (``sequence_broken``: an event removed,
   inserted or moved).
3. **The chain**: each event's ``prev_hash`` is the hash of the entry before (the first's,
   64 zeros) (``chain_broken``).
4. **The anchor**: as many entries as the chain's version, the last one's hash the head hash
   (``head_mismatch``).
5. With public keys: **the head signature** over office, report id, version and head hash
   (``head_signature_missing``, ``head_key_unknown``, ``head_signature_invalid``), the same
   bytes the desk signed when it saved the head; and **the pack signature** over the whole
   pack (``pack_signature_missing``, ``pack_signature_invalid``).

What a masked pack cannot prove by itself: an event shown masked cannot be re-hashed (its
canonical bytes hold the personal data that was masked), so an edit of its shown fields
(an instant, an actor, a state) is caught only by the pack signature; the SLA timeline,
notifications and evidence digests are derived from the history and the outbox, and are
covered by the pack signature only. The hashes of masked events are still pinned: by the
``prev_hash`` of the next event carried whole, and the last one by the signed head. Without
public keys a pack's signatures are not checked and the result says so
(``signatures_checked``).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Any

import attrs

from layanan_aduan.domain.history import GENESIS_HASH, Event
from layanan_aduan.domain.seal import decode_signature, head_message
from layanan_aduan.exceptions import EventFormatError, EvidencePackFormatError
from layanan_aduan.ports.signing import HeadVerifier
from layanan_aduan.service_layer.evidence_pack import EVIDENCE_PACK_FORMAT, pack_message

__all__ = ["PackFinding", "PackFindingKind", "PackVerification", "verify_evidence_pack"]


class PackFindingKind(enum.StrEnum):
    """
    What :func:`verify_evidence_pack` can find wrong.
    """

    EVENT_HASH_MISMATCH = "event_hash_mismatch"
    EVENT_MISMATCH = "event_mismatch"
    EVENT_MALFORMED = "event_malformed"
    SEQUENCE_BROKEN = "sequence_broken"
    CHAIN_BROKEN = "chain_broken"
    HEAD_MISMATCH = "head_mismatch"
    HEAD_SIGNATURE_MISSING = "head_signature_missing"
    HEAD_KEY_UNKNOWN = "head_key_unknown"
    HEAD_SIGNATURE_INVALID = "head_signature_invalid"
    PACK_SIGNATURE_MISSING = "pack_signature_missing"
    PACK_KEY_UNKNOWN = "pack_key_unknown"
    PACK_SIGNATURE_INVALID = "pack_signature_invalid"


_TEXTS: dict[PackFindingKind, tuple[str, str]] = {
    PackFindingKind.EVENT_HASH_MISMATCH: (
        "isi peristiwa tidak cocok dengan hash-nya",
        "the event's content does not match its hash",
    ),
    PackFindingKind.EVENT_MISMATCH: (
        "nomor urut, hash atau laporan peristiwa berbeda dari entrinya",
        "the event's seq, hash or report differs from its entry",
    ),
    PackFindingKind.EVENT_MALFORMED: ("peristiwa salah bentuk", "the event is malformed"),
    PackFindingKind.SEQUENCE_BROKEN: (
        "urutan peristiwa terputus (dihapus, disisipkan atau dipindah)",
        "the events are out of sequence (removed, inserted or moved)",
    ),
    PackFindingKind.CHAIN_BROKEN: (
        "prev_hash tidak sama dengan hash peristiwa sebelumnya",
        "prev_hash is not the previous event's hash",
    ),
    PackFindingKind.HEAD_MISMATCH: (
        "jumlah peristiwa atau hash terakhir tidak cocok dengan ujung riwayat",
        "the number of events or the last hash does not match the head",
    ),
    PackFindingKind.HEAD_SIGNATURE_MISSING: (
        "ujung riwayat tidak bertanda tangan",
        "the head is not signed",
    ),
    PackFindingKind.HEAD_KEY_UNKNOWN: (
        "ujung riwayat ditandatangani kunci yang tidak diberikan",
        "the head is signed by a key not given",
    ),
    PackFindingKind.HEAD_SIGNATURE_INVALID: (
        "tanda tangan ujung riwayat tidak cocok",
        "the head signature does not verify",
    ),
    PackFindingKind.PACK_SIGNATURE_MISSING: (
        "berkas bukti tidak bertanda tangan",
        "the pack is not signed",
    ),
    PackFindingKind.PACK_KEY_UNKNOWN: (
        "berkas bukti ditandatangani kunci yang tidak diberikan",
        "the pack is signed by a key not given",
    ),
    PackFindingKind.PACK_SIGNATURE_INVALID: (
        "tanda tangan berkas bukti tidak cocok (isinya diubah)",
        "the pack signature does not verify (its content was changed)",
    ),
}

_HEAD_PROBLEMS = {
    "missing": PackFindingKind.HEAD_SIGNATURE_MISSING,
    "unknown": PackFindingKind.HEAD_KEY_UNKNOWN,
    "invalid": PackFindingKind.HEAD_SIGNATURE_INVALID,
}
_PACK_PROBLEMS = {
    "missing": PackFindingKind.PACK_SIGNATURE_MISSING,
    "unknown": PackFindingKind.PACK_KEY_UNKNOWN,
    "invalid": PackFindingKind.PACK_SIGNATURE_INVALID,
}


@attrs.frozen
class PackFinding:
    """
    One thing found wrong in a pack: its kind and the entry concerned (1-based position in
    ``events``; ``None`` for the head or the pack).
    """

    kind: PackFindingKind
    position: int | None = None

    @property
    def message(self) -> str:
        """
        The finding in one Indonesian line.
        """
        where = "" if self.position is None else f"peristiwa ke-{self.position}: "
        return where + _TEXTS[self.kind][0]

    @property
    def message_en(self) -> str:
        """
        The finding in one English line.
        """
        where = "" if self.position is None else f"event #{self.position}: "
        return where + _TEXTS[self.kind][1]

    def to_dict(self) -> dict[str, Any]:
        """
        The finding as JSON values.
        """
        return {"kind": self.kind.value, "position": self.position, "message": self.message}


@attrs.frozen
class PackVerification:
    """
    What :func:`verify_evidence_pack` checked and found.

    Attributes:
        report_id: The pack's report.
        events: How many events the pack holds.
        rehashed: How many of them were re-hashed from their content.
        masked: The positions of the events shown masked (not re-hashable from the pack).
        signatures_checked: True when public keys were given (both signatures checked).
        findings: Everything found wrong, in order.
    """

    report_id: str
    events: int
    rehashed: int
    masked: tuple[int, ...]
    signatures_checked: bool
    findings: tuple[PackFinding, ...]

    @property
    def ok(self) -> bool:
        """
        True when nothing was found wrong.
        """
        return not self.findings

    def to_dict(self) -> dict[str, Any]:
        """
        The result as JSON values.
        """
        return {
            "ok": self.ok,
            "report_id": self.report_id,
            "events": self.events,
            "rehashed": self.rehashed,
            "masked": list(self.masked),
            "signatures_checked": self.signatures_checked,
            "findings": [f.to_dict() for f in self.findings],
        }


def _bad(what: str, what_en: str, field: str) -> EvidencePackFormatError:
    return EvidencePackFormatError(
        f"Berkas bukti tidak sah: {what}.",
        f"The evidence pack is not valid: {what_en}.",
        field=field,
    )


def _require(data: Mapping[str, Any], key: str, kind: type | tuple[type, ...]) -> Any:
    value = data.get(key)
    if not isinstance(value, kind) or (isinstance(value, bool) and bool not in _tuple(kind)):
        raise _bad(f"{key} tidak ada atau salah jenis", f"{key} is missing or mistyped", key)
    return value


def _tuple(kind: type | tuple[type, ...]) -> tuple[type, ...]:
    return kind if isinstance(kind, tuple) else (kind,)


def _shape(data: Any) -> tuple[list[Mapping[str, Any]], Mapping[str, Any], Mapping[str, Any]]:
    if not isinstance(data, Mapping) or data.get("format") != EVIDENCE_PACK_FORMAT:
        raise _bad(
            f"format harus {EVIDENCE_PACK_FORMAT!r}",
            f"format must be {EVIDENCE_PACK_FORMAT!r}",
            "format",
        )
    _require(data, "report_id", str)
    events = _require(data, "events", list)
    chain = _require(data, "chain", Mapping)
    head = _require(data, "head", Mapping)
    _require(chain, "version", int)
    _require(chain, "head_hash", str)
    for entry in events:
        if not isinstance(entry, Mapping):
            raise _bad("entri events bukan objek", "an entry of events is not an object", "events")
        _require(entry, "seq", int)
        _require(entry, "hash", str)
        _require(entry, "masked", bool)
        _require(entry, "event", Mapping)
    return events, chain, head


def _signature_problem(
    verifier: HeadVerifier, message: bytes, signature: Any, key_id: Any
) -> str | None:
    if not isinstance(signature, str) or not isinstance(key_id, str):
        return "missing"
    if key_id not in verifier.key_ids:
        return "unknown"
    raw = decode_signature(signature)
    if raw is None or not verifier.verify(message, raw, key_id):
        return "invalid"
    return None


def _entry_findings(
    report_id: str, entries: list[Mapping[str, Any]]
) -> tuple[list[PackFinding], int, list[int]]:
    found: list[PackFinding] = []
    rehashed = 0
    masked: list[int] = []
    previous = GENESIS_HASH
    for position, entry in enumerate(entries, start=1):
        event = entry["event"]
        if entry["seq"] != position:
            found.append(PackFinding(PackFindingKind.SEQUENCE_BROKEN, position))
        same = (
            event.get("seq") == entry["seq"]
            and event.get("hash") == entry["hash"]
            and event.get("report_id") == report_id
        )
        if not same:
            found.append(PackFinding(PackFindingKind.EVENT_MISMATCH, position))
        if event.get("prev_hash") != previous:
            found.append(PackFinding(PackFindingKind.CHAIN_BROKEN, position))
        previous = entry["hash"]
        if entry["masked"]:
            masked.append(position)
            continue
        try:
            whole = Event.from_dict(event)
        except EventFormatError:
            found.append(PackFinding(PackFindingKind.EVENT_MALFORMED, position))
            continue
        rehashed += 1
        if whole.compute_hash() != entry["hash"]:
            found.append(PackFinding(PackFindingKind.EVENT_HASH_MISMATCH, position))
    return found, rehashed, masked


def verify_evidence_pack(data: Any, verifier: HeadVerifier | None = None) -> PackVerification:
    """
    Re-verify the evidence pack ``data`` (its parsed JSON) from itself alone; with
    ``verifier`` (the office's public keys), its head and pack signatures too.

    Raises:
        EvidencePackFormatError: ``data`` is not an evidence pack of this format (a key
            missing or of the wrong type): nothing to verify.
    """
    entries, chain, head = _shape(data)
    report_id: str = data["report_id"]
    found, rehashed, masked = _entry_findings(report_id, entries)
    last = entries[-1]["hash"] if entries else None
    if chain["version"] != len(entries) or last != chain["head_hash"]:
        found.append(PackFinding(PackFindingKind.HEAD_MISMATCH))
    if verifier is not None:
        office = data.get("office")
        message = head_message(
            office if isinstance(office, str) else None,
            report_id,
            chain["version"],
            chain["head_hash"],
        )
        problem = _signature_problem(verifier, message, head.get("signature"), head.get("key_id"))
        if problem is not None:
            found.append(PackFinding(_HEAD_PROBLEMS[problem]))
        signature = data.get("signature")
        sig = signature if isinstance(signature, Mapping) else {}
        problem = _signature_problem(
            verifier, pack_message(dict(data)), sig.get("value"), sig.get("key_id")
        )
        if problem is not None:
            found.append(PackFinding(_PACK_PROBLEMS[problem]))
    return PackVerification(
        report_id=report_id,
        events=len(entries),
        rehashed=rehashed,
        masked=tuple(masked),
        signatures_checked=verifier is not None,
        findings=tuple(found),
    )
