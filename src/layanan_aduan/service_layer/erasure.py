"""
Erasing a report's personal data (UU 27/2022): the desk's use case.

:meth:`Erasing.erase_personal_data` takes an ended report (completed or closed), a staff
member the directory makes an officer at the clock's instant, the basis and the reference of
the decision or request, and in one unit of work:

1. records ``erase_personal_data`` on the report (who, when, basis, reference, which events
   and fields; see :mod:`layanan_aduan.domain.erasure`): the history keeps every hash;
2. deletes the report's vault entries (its events' personal values), clears the reporter's
   lookup keys and keeps its notifications without their payloads
   (:meth:`~layanan_aduan.ports.ReportRepository.erase_personal`);

then, once that is committed, deletes the evidence files no other report names and, on
SQLite, truncates the write-ahead log so the deleted pages (zeroed by ``secure_delete``) leave
no copy behind. A refusal (an open report, a second erasure, a report recorded before
personal data was kept apart, someone the directory does not make an officer) changes nothing.

The history still verifies (:func:`~layanan_aduan.domain.history.verify` lists the erased
events); listings still show the report with its number, kind, states and SLA.
"""

from __future__ import annotations

import logging

import attrs

from layanan_aduan.domain.erasure import Erasure, ErasureBasis
from layanan_aduan.domain.workflow import Action
from layanan_aduan.service_layer._desk_core import DeskCore

__all__ = ["Erasing", "ErasureResult"]

_log = logging.getLogger("layanan_aduan.desk")


@attrs.frozen
class ErasureResult:
    """
    What an erasure did.

    Attributes:
        report_id: The report's id.
        number: Its number.
        erasure: The erasure as the history records it.
        vault_entries: The vault entries deleted (events that held personal values).
        evidence_deleted: The digests of the evidence files deleted from the store.
        log_truncated: ``True`` when the storage truncated its write-ahead log afterwards
            (SQLite), ``False`` when a reader kept it from doing so (the deleted pages are
            zeroed in the database file; the log is truncated at a later erasure or
            checkpoint), ``None`` for a storage without one.
    """

    report_id: str
    number: str | None
    erasure: Erasure
    vault_entries: int
    evidence_deleted: tuple[str, ...]
    log_truncated: bool | None


class Erasing(DeskCore):
    """
    The erasure use case of the desk (a mixin of :class:`~layanan_aduan.service_layer.desk.Desk`).
    """

    def erase_personal_data(
        self,
        report: str,
        *,
        officer: str,
        basis: ErasureBasis | str,
        reference: str,
    ) -> ErasureResult:
        """
        Erase the personal data of the ended report ``report`` (number or id), on ``basis``
        with the decision's or request's ``reference``, by the staff member ``officer``.

        Raises:
            ReportNotFoundError: No such report of this desk's office.
            StaffAuthorizationError: The directory does not make ``officer`` an officer now.
            TransitionNotAllowedError: ``report_not_ended``, ``personal_data_already_erased``,
                ``history_not_sealed``.
            ReportInputError: ``invalid_erasure_basis``, ``erasure_reference_required``.
        """
        now = self.clock.now()
        with self.storage.unit_of_work() as uow:
            found = self._load(uow.reports, report)
            before = found.version
            actor = self._staff_actor(found, now, officer, Action.ERASE_PERSONAL_DATA)
            erasure = found.erase_personal_data(
                at=max(now, found.events[-1].recorded_at),
                actor=actor,
                basis=basis,
                reference=reference,
            )
            self._save(uow, found, before, now)
            deleted = uow.reports.erase_personal(found.id)
            uow.commit()
        removed = tuple(d for d in deleted.orphaned_evidence if self.evidence.delete(d))
        truncate = getattr(self.storage, "checkpoint_truncate", None)
        truncated = bool(truncate()) if callable(truncate) else None
        _log.info(
            "personal data erased",
            extra={
                "report_id": found.id,
                "basis": erasure.basis.value,
                "vault_entries": deleted.entries,
                "evidence_deleted": len(removed),
            },
        )
        return ErasureResult(
            report_id=found.id,
            number=found.number,
            erasure=erasure,
            vault_entries=deleted.entries,
            evidence_deleted=removed,
            log_truncated=truncated,
        )
