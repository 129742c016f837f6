"""
Rotating the personal-data key without downtime: the desk's use case.

A rotation has three steps, and the desk serves throughout:

1. ``layanan-aduan kunci-data putar BERKAS``: the key file gets a new key, made current; the old
   ones stay, so every value sealed under them still opens (restart the services so they load
   the new keyring: new values are sealed under the new key from then on);
2. :meth:`KeyRotation.reseal_personal_data` (``layanan-aduan kunci-data segel-ulang``): every
   stored value not sealed under the current key (vault entries, outbox payloads; values kept
   readable before a key was configured too) is re-sealed, a batch per unit of work, and every
   report whose reporter lookup keys are blind indexes under an older key is re-projected, so
   the reporter stays findable: lookups match the indexes of every key held meanwhile (each
   office's desk re-indexes its own reports: run it with each office's configuration);
3. ``layanan-aduan kunci-data pensiun BERKAS ID_KUNCI`` once nothing is sealed under the old key
   (:attr:`ResealResult.remaining` is empty).

The events and their hashes are untouched: personal values are apart from what the chain covers.
"""

from __future__ import annotations

import attrs

from layanan_aduan.exceptions import StorageError
from layanan_aduan.ports import Resealable
from layanan_aduan.service_layer._desk_core import DeskCore
from layanan_aduan.service_layer.report_stream import load_report, project, save_report

__all__ = ["KeyRotation", "ResealResult"]


@attrs.frozen
class ResealResult:
    """
    What a re-sealing did.

    Attributes:
        key_id: The current key, which everything is now sealed under.
        resealed: Values re-sealed (vault entries and outbox payloads).
        reindexed: Reports whose reporter lookup keys were re-indexed.
        remaining: What is still sealed under another key, by key id (empty when done).
    """

    key_id: str
    resealed: int
    reindexed: int
    remaining: dict[str, int]


class KeyRotation(DeskCore):
    """
    The key-rotation use case of the desk (a mixin of
    :class:`~layanan_aduan.service_layer.desk.Desk`).
    """

    def reseal_personal_data(self, *, batch: int = 500) -> ResealResult:
        """
        Re-seal every stored personal value under the storage cipher's current key and
        re-index the reporters, ``batch`` values (or reports) per unit of work.

        Raises:
            StorageError: ``reseal_not_supported`` for a storage that cannot re-seal.
            PersonalDataUnreadableError: A value sealed under a key the keyring no longer holds.
        """
        storage = self.storage
        if not isinstance(storage, Resealable):
            raise StorageError(
                "Penyimpanan ini tidak dapat menyegel ulang data pribadi.",
                "This storage cannot re-seal personal data.",
                code="reseal_not_supported",
            )
        resealed = 0
        while done := storage.reseal_personal(batch=batch):
            resealed += done
        reindexed = 0
        seen: set[str] = set()
        while ids := [i for i in storage.unindexed_reporters(limit=batch) if i not in seen]:
            for report_id in ids:
                seen.add(report_id)
                reindexed += self._reindex(report_id)
        counts = storage.sealed_by_key()
        key_id = getattr(storage, "cipher").key_id  # noqa: B009 - every adapter has one
        remaining = {k: n for k, n in counts.items() if k != key_id and n}
        return ResealResult(key_id, resealed, reindexed, remaining)

    def _reindex(self, report_id: str) -> int:
        # The projection saved again (no new event): its reporter keys indexed anew. Another
        # office's report is left to that office's desk (its calendar, its standard).
        with self.storage.unit_of_work() as uow:
            if uow.reports.get(report_id).projection.office not in (None, self.office):
                return 0
            report = load_report(uow.reports, report_id, signing=self.signing)
            projection = project(
                report,
                self.working_time,
                office=self.office,
                goal=self.standard.completion_time,
                thresholds=self.thresholds,
            )
            save_report(uow.reports, report, projection, signing=self.signing)
            uow.commit()
        return 1
