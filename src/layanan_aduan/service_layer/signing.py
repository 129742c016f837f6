"""
Signed heads: what :func:`~layanan_aduan.service_layer.report_stream.save_report` and
:func:`~layanan_aduan.service_layer.report_stream.load_report` do when a desk has a key.

A :class:`HeadSigning` holds the desk's signer (what every save signs with), its verifier
(public keys: the signer's own and any older ones kept after a rotation) and the policy for
heads saved before signing was configured:

- every save with a signer stores, beside the head hash, the signature of
  :func:`~layanan_aduan.domain.seal.head_message` (office, report id, version, head hash) and
  the key id (``head_signature``, ``head_key_id``);
- every load with a verifier checks it after the chain: a signature that does not verify, or
  names a key the verifier does not hold, raises
  :class:`~layanan_aduan.exceptions.HistorySignatureError`; a head with no signature raises it
  too (``head_signature_missing``) unless the policy is ``"warn"``, which logs a warning and
  loads. ``"refuse"`` is the default: with ``"warn"`` someone with database access could erase
  a signature and rewrite the history behind it. ``"warn"`` is for the hours between turning
  signing on and running ``layanan-aduan tandatangani-ulang`` once
  (:func:`~layanan_aduan.service_layer.anchoring.resign_heads`).
"""

from __future__ import annotations

import logging
from typing import Literal

import attrs

from layanan_aduan.domain.seal import decode_signature, encode_signature, head_message
from layanan_aduan.exceptions import HistorySignatureError
from layanan_aduan.ports import ReportProjection
from layanan_aduan.ports.signing import HeadSigner, HeadVerifier

__all__ = ["HeadSigning", "UnsignedPolicy"]

_log = logging.getLogger("layanan_aduan.signing")

UnsignedPolicy = Literal["refuse", "warn"]


class _SignerKeys:
    """The signer's own public key, as a verifier (used when no keyring is given)."""

    def __init__(self, signer: HeadSigner) -> None:
        self._signer = signer

    @property
    def key_ids(self) -> frozenset[str]:
        return frozenset({self._signer.key_id})

    def verify(self, message: bytes, signature: bytes, key_id: str) -> bool:
        if key_id != self._signer.key_id:
            return False
        # A signer cannot verify; re-signing is deterministic for Ed25519 (RFC 8032).
        return self._signer.sign(message) == signature


@attrs.frozen
class HeadSigning:
    """
    The desk's signer, its verifier and the policy for unsigned heads.

    Attributes:
        signer: Signs every head saved; ``None`` for a desk that only verifies.
        verifier: Verifies every head loaded; by default one that knows the signer's key.
        unsigned: What a load does with a head that has no signature: ``"refuse"`` (the
            default) or ``"warn"``.
    """

    signer: HeadSigner | None = None
    verifier: HeadVerifier | None = None
    unsigned: UnsignedPolicy = "refuse"

    def __attrs_post_init__(self) -> None:
        if self.verifier is None and self.signer is not None:
            object.__setattr__(self, "verifier", _SignerKeys(self.signer))

    def seal(self, report_id: str, version: int, projection: ReportProjection) -> ReportProjection:
        """
        ``projection`` with the signature of its head at ``version`` (unchanged without a
        signer, or without a head hash).
        """
        if self.signer is None or projection.head_hash is None:
            return projection
        message = head_message(projection.office, report_id, version, projection.head_hash)
        return attrs.evolve(
            projection,
            head_signature=encode_signature(self.signer.sign(message)),
            head_key_id=self.signer.key_id,
        )

    def check(self, report_id: str, version: int, projection: ReportProjection) -> None:
        """
        Verify the signature stored with ``projection`` (nothing to do without a verifier).

        Raises:
            HistorySignatureError: Missing (under ``"refuse"``), not verifying, or by a key
                the verifier does not hold.
        """
        if self.verifier is None:
            return
        problem = self.problem(report_id, version, projection)
        if problem is None:
            return
        if problem == "head_signature_missing" and self.unsigned == "warn":
            _log.warning("report %s: head not signed (signing.unsigned = warn)", report_id)
            return
        raise signature_error(problem, report_id, projection.head_key_id)

    def problem(self, report_id: str, version: int, projection: ReportProjection) -> str | None:
        """
        The code of what is wrong with the stored signature, or ``None`` when it verifies.
        """
        verifier = self.verifier
        if verifier is None:
            return None
        signature, key_id = projection.head_signature, projection.head_key_id
        if signature is None or key_id is None:
            return "head_signature_missing"
        if key_id not in verifier.key_ids:
            return "head_key_unknown"
        raw = decode_signature(signature)
        message = head_message(projection.office, report_id, version, projection.head_hash or "")
        if raw is None or not verifier.verify(message, raw, key_id):
            return "head_signature_invalid"
        return None


_MESSAGES = {
    "head_signature_missing": (
        "ujung riwayatnya tidak bertanda tangan",
        "its head is not signed",
    ),
    "head_key_unknown": (
        "ujung riwayatnya ditandatangani kunci yang tidak dikenal",
        "its head is signed by an unknown key",
    ),
    "head_signature_invalid": (
        "tanda tangan ujung riwayatnya tidak cocok (riwayat diubah tanpa kunci kantor)",
        "its head signature does not verify (the history was changed without the office's key)",
    ),
}


def signature_error(code: str, report_id: str, key_id: str | None) -> HistorySignatureError:
    """
    The error for a head signature problem ``code`` of ``report_id``.
    """
    why, why_en = _MESSAGES[code]
    return HistorySignatureError(
        f"Riwayat laporan {report_id} tidak dapat dipercaya: {why}.",
        f"The history of report {report_id} cannot be trusted: {why_en}.",
        code=code,
        details={"report_id": report_id, "key_id": key_id},
    )
