"""
Anchoring a database outside itself: checkpoints, a whole-database verification, re-signing.

- :func:`export_checkpoint` verifies every report of an office (chain and head signature) and
  returns a signed :class:`~layanan_aduan.domain.seal.Checkpoint` of their heads, for a second
  party to keep (``layanan-aduan titik-periksa``);
- :func:`verify_storage` checks a whole storage with public keys only: every report's chain,
  every head signature, and, given a checkpoint, that every report it lists still has, at the
  version it lists, the same event hash (history after a checkpoint may grow, never change)
  (``layanan-aduan verifikasi``);
- :func:`resign_heads` signs the current heads again with the desk's signer after verifying
  them: once when signing is turned on (heads saved before have no signature), and after a
  key rotation (heads signed with the old key) (``layanan-aduan tandatangani-ulang``).
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from typing import Any

import attrs

from layanan_aduan.clock import Clock
from layanan_aduan.domain.history import Event, verify
from layanan_aduan.domain.seal import Checkpoint, Head, decode_signature, encode_signature
from layanan_aduan.exceptions import (
    EventFormatError,
    ReportNotFoundError,
    SigningKeyError,
)
from layanan_aduan.ports import ReportRepository, Storage, StoredReport
from layanan_aduan.ports.signing import HeadSigner, HeadVerifier
from layanan_aduan.service_layer.signing import HeadSigning, signature_error

__all__ = [
    "AuditResult",
    "Finding",
    "FindingKind",
    "ResignSummary",
    "export_checkpoint",
    "resign_heads",
    "verify_storage",
]

_PAGE = 500


class FindingKind(enum.StrEnum):
    """
    What :func:`verify_storage` can find.
    """

    HISTORY_TAMPERED = "history_tampered"
    """The hash chain does not verify against the stored version and head."""
    HEAD_SIGNATURE_MISSING = "head_signature_missing"
    """The head has no signature."""
    HEAD_SIGNATURE_INVALID = "head_signature_invalid"
    """The head's signature does not verify."""
    HEAD_KEY_UNKNOWN = "head_key_unknown"
    """The head is signed by a key none of the public keys given is."""
    CHECKPOINT_SIGNATURE_INVALID = "checkpoint_signature_invalid"
    """The checkpoint's own signature does not verify with the keys given."""
    CHECKPOINT_REPORT_MISSING = "checkpoint_report_missing"
    """A report the checkpoint lists is no longer in the storage (or of another office)."""
    CHECKPOINT_HISTORY_CHANGED = "checkpoint_history_changed"
    """A report's history up to the checkpoint's version is not what the checkpoint holds."""


_TEXTS: dict[FindingKind, tuple[str, str]] = {
    FindingKind.HISTORY_TAMPERED: ("riwayatnya tidak utuh", "its history is not intact"),
    FindingKind.HEAD_SIGNATURE_MISSING: (
        "ujung riwayatnya tidak bertanda tangan",
        "its head is not signed",
    ),
    FindingKind.HEAD_SIGNATURE_INVALID: (
        "tanda tangan ujung riwayatnya tidak cocok",
        "its head signature does not verify",
    ),
    FindingKind.HEAD_KEY_UNKNOWN: (
        "ditandatangani kunci yang tidak ada di kunci publik yang diberikan",
        "signed by a key that is not among the public keys given",
    ),
    FindingKind.CHECKPOINT_SIGNATURE_INVALID: (
        "tanda tangan titik periksa tidak cocok dengan kunci publik yang diberikan",
        "the checkpoint's signature does not verify with the public keys given",
    ),
    FindingKind.CHECKPOINT_REPORT_MISSING: (
        "tercantum di titik periksa tetapi tidak ada lagi di basis data",
        "listed in the checkpoint but no longer in the database",
    ),
    FindingKind.CHECKPOINT_HISTORY_CHANGED: (
        "riwayatnya sampai versi di titik periksa telah berubah",
        "its history up to the checkpoint's version has changed",
    ),
}


@attrs.frozen
class Finding:
    """
    One thing :func:`verify_storage` found wrong.

    Attributes:
        kind: What was found.
        report_id: The report concerned (``None`` for the checkpoint itself).
        detail: More, in Indonesian (e.g. the chain's first problem), or empty.
        detail_en: The same in English.
    """

    kind: FindingKind
    report_id: str | None
    detail: str = ""
    detail_en: str = ""

    @property
    def message(self) -> str:
        """
        The finding in one Indonesian line.
        """
        what = _TEXTS[self.kind][0]
        who = "titik periksa" if self.report_id is None else f"laporan {self.report_id}"
        return f"{who}: {what}" + (f" ({self.detail})" if self.detail else "")

    @property
    def message_en(self) -> str:
        """
        The finding in one English line.
        """
        what = _TEXTS[self.kind][1]
        who = "checkpoint" if self.report_id is None else f"report {self.report_id}"
        return f"{who}: {what}" + (f" ({self.detail_en})" if self.detail_en else "")

    def to_dict(self) -> dict[str, Any]:
        """
        The finding as JSON values.
        """
        return {
            "kind": self.kind.value,
            "report_id": self.report_id,
            "message": self.message,
            "message_en": self.message_en,
        }


@attrs.frozen
class AuditResult:
    """
    What :func:`verify_storage` checked and found.

    Attributes:
        reports: How many reports were checked.
        findings: Everything found wrong, report by report.
        checkpoint: The checkpoint checked against, if any.
    """

    reports: int
    findings: tuple[Finding, ...]
    checkpoint: Checkpoint | None = None

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
            "reports": self.reports,
            "checkpoint": None
            if self.checkpoint is None
            else {
                "office": self.checkpoint.office,
                "created_at": self.checkpoint.to_dict()["created_at"],
                "report_count": self.checkpoint.report_count,
                "heads_root": self.checkpoint.root,
            },
            "findings": [f.to_dict() for f in self.findings],
        }


def _every_report(reports: ReportRepository, office: str | None) -> Iterator[str]:
    after: str | None = None
    while True:
        page = reports.list_all(office=office, limit=_PAGE, after=after)
        for summary in page.items:
            yield summary.report_id
        if page.next_cursor is None:
            return
        after = page.next_cursor


def _chain_problem(stored: StoredReport) -> tuple[str, str] | None:
    try:
        events = [Event.from_dict(e) for e in stored.events]
    except EventFormatError as e:
        return e.message, e.message_en
    result = verify(events, version=stored.version, head=stored.projection.head_hash)
    if result.ok:
        return None
    first = result.problems[0]
    return first.message, first.message_en


def verify_storage(
    storage: Storage,
    verifier: HeadVerifier,
    *,
    office: str | None = None,
    checkpoint: Checkpoint | None = None,
) -> AuditResult:
    """
    Check every report of ``storage`` (of ``office``, or of the checkpoint's office) with
    public keys only.

    Every report's hash chain must verify against its stored version and head, and its head
    signature with one of ``verifier``'s keys. With ``checkpoint``, its own signature must
    verify, and every report it lists must still be there with, at the listed version, the
    listed event hash. Nothing is changed; a read-only unit of work is used.
    """
    if checkpoint is not None:
        office = checkpoint.office
    signing = HeadSigning(verifier=verifier)
    findings: list[Finding] = []
    count = 0
    with storage.unit_of_work(read_only=True) as uow:
        reports = uow.reports
        for report_id in _every_report(reports, office):
            count += 1
            stored = reports.get(report_id)
            chain = _chain_problem(stored)
            if chain is not None:
                findings.append(Finding(FindingKind.HISTORY_TAMPERED, report_id, *chain))
            code = signing.problem(report_id, stored.version, stored.projection)
            if code is not None:
                findings.append(Finding(FindingKind(code), report_id))
        if checkpoint is not None:
            findings.extend(_against(reports, verifier, checkpoint))
    return AuditResult(count, tuple(findings), checkpoint)


def _against(
    reports: ReportRepository, verifier: HeadVerifier, checkpoint: Checkpoint
) -> list[Finding]:
    found: list[Finding] = []
    raw = decode_signature(checkpoint.signature)
    if raw is None or not verifier.verify(checkpoint.message(), raw, checkpoint.key_id):
        found.append(Finding(FindingKind.CHECKPOINT_SIGNATURE_INVALID, None))
    for head in checkpoint.heads:
        try:
            stored = reports.get(head.report_id)
        except ReportNotFoundError:
            found.append(Finding(FindingKind.CHECKPOINT_REPORT_MISSING, head.report_id))
            continue
        if stored.projection.office != checkpoint.office:
            found.append(Finding(FindingKind.CHECKPOINT_REPORT_MISSING, head.report_id))
            continue
        at = stored.events[head.version - 1] if 0 < head.version <= len(stored.events) else None
        if at is None or at.get("hash") != head.head_hash or at.get("seq") != head.version:
            found.append(
                Finding(
                    FindingKind.CHECKPOINT_HISTORY_CHANGED,
                    head.report_id,
                    f"versi {head.version}",
                    f"version {head.version}",
                )
            )
    return found


def _verified_head(
    reports: ReportRepository, report_id: str, signing: HeadSigning, *, unsigned_ok: bool
) -> tuple[StoredReport, str | None]:
    # The stored report after its chain verifies, and its signature's problem code, if any;
    # a problem other than a missing signature (accepted only when ``unsigned_ok``) raises.
    stored = reports.get(report_id)
    events = [Event.from_dict(e) for e in stored.events]
    verify(events, version=stored.version, head=stored.projection.head_hash).raise_if_tampered()
    code = signing.problem(report_id, stored.version, stored.projection)
    if code is not None and not (code == "head_signature_missing" and unsigned_ok):
        raise signature_error(code, report_id, stored.projection.head_key_id)
    return stored, code


def export_checkpoint(
    storage: Storage, signing: HeadSigning, *, office: str, clock: Clock
) -> Checkpoint:
    """
    A checkpoint of every report of ``office`` at ``clock``'s instant, signed with
    ``signing``'s signer.

    Each report's chain and head signature are verified first (with ``signing``'s verifier):
    a checkpoint never anchors a history that does not verify.

    Raises:
        SigningKeyError: ``signing`` has no signer.
        HistoryTamperedError: A report's chain does not verify.
        HistorySignatureError: A report's head signature is missing, invalid or unknown.
    """
    signer = _signer_of(signing)
    heads: list[Head] = []
    with storage.unit_of_work(read_only=True) as uow:
        for report_id in _every_report(uow.reports, office):
            stored, _ = _verified_head(uow.reports, report_id, signing, unsigned_ok=False)
            head_hash = stored.projection.head_hash or ""
            heads.append(Head(report_id, stored.version, head_hash))
    unsigned = Checkpoint(office, clock.now(), heads, signer.key_id, "")
    signature = encode_signature(signer.sign(unsigned.message()))
    return attrs.evolve(unsigned, signature=signature)


def _signer_of(signing: HeadSigning) -> HeadSigner:
    if signing.signer is None:
        raise SigningKeyError(
            "Tidak ada kunci tanda tangan; atur [signing] key_file atau key_env di konfigurasi.",
            "No signing key; set [signing] key_file or key_env in the configuration.",
            code="signing_key_missing",
            field="signing",
        )
    return signing.signer


@attrs.frozen
class ResignSummary:
    """
    What :func:`resign_heads` did.

    Attributes:
        signed: Heads that had no signature and are signed now.
        resigned: Heads signed with another (older) key and signed with the current one now.
        unchanged: Heads signed with the current key already.
    """

    signed: int
    resigned: int
    unchanged: int


def resign_heads(
    storage: Storage, signing: HeadSigning, *, office: str | None = None, unsigned: bool = False
) -> ResignSummary:
    """
    Sign every current head of ``office`` with ``signing``'s signer, after verifying it.

    Each report's chain must verify, and its head signature with ``signing``'s verifier (the
    old public keys stay in it after a rotation); a head with no signature is signed only with
    ``unsigned=True`` (once, when signing is turned on for a database written before). All or
    nothing: one unit of work.

    Raises:
        SigningKeyError: ``signing`` has no signer.
        HistoryTamperedError: A report's chain does not verify; nothing is signed.
        HistorySignatureError: A signature that does not verify, by an unknown key, or missing
            without ``unsigned``; nothing is signed.
    """
    signer = _signer_of(signing)
    signed = resigned = unchanged = 0
    with storage.unit_of_work() as uow:
        for report_id in list(_every_report(uow.reports, office)):
            stored, code = _verified_head(uow.reports, report_id, signing, unsigned_ok=unsigned)
            if code is None and stored.projection.head_key_id == signer.key_id:
                unchanged += 1
                continue
            sealed = signing.seal(report_id, stored.version, stored.projection)
            uow.reports.append(report_id, stored.version, [], sealed)
            if code is None:
                resigned += 1
            else:
                signed += 1
        uow.commit()
    return ResignSummary(signed, resigned, unchanged)
