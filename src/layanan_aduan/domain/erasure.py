"""
Erasure of a report's personal data (UU 27/2022 Pelindungan Data Pribadi), as its history
records it.

A report's events keep their personal values apart from what the hash chain covers (see
:class:`~layanan_aduan.domain.history.PersonalSeal`). Erasing them is an annotation on the
ended report, ``erase_personal_data``, recorded once like every other event: who erased, on
what basis (:class:`ErasureBasis`), the reference of the decision or request, and which events
and fields were erased. Storage then deletes the values; the history still verifies and
:class:`Erasure` says what went, when, by whom and why.

>>> ErasureBasis("retention").label
'masa retensi berakhir'
>>> ErasureBasis.SUBJECT_REQUEST.label_en
"the data subject's request"
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from typing import Any, Final

import attrs
import pendulum

from layanan_aduan.exceptions import ReportInputError

__all__ = ["REFERENCE_LIMIT", "Erasure", "ErasureBasis", "erasure_payload", "read_erasure"]

#: The longest reference (a decision's or a letter's number and date) an erasure may carry.
REFERENCE_LIMIT: Final = 300


class ErasureBasis(enum.StrEnum):
    """
    Why personal data is erased: the grounds UU 27/2022 gives for ending processing and
    deleting or destroying personal data.
    """

    RETENTION = "retention"
    """The retention period after the report ended has passed (the office's standard)."""
    SUBJECT_REQUEST = "subject_request"
    """The data subject asked for erasure."""
    CONSENT_WITHDRAWN = "consent_withdrawn"
    """The data subject withdrew the consent the processing rested on."""
    UNLAWFULLY_OBTAINED = "unlawfully_obtained"
    """The data was obtained or processed unlawfully."""

    @property
    def label(self) -> str:
        """
        The basis in Indonesian.
        """
        return _LABELS[self][0]

    @property
    def label_en(self) -> str:
        """
        The basis in English.
        """
        return _LABELS[self][1]


_LABELS = {
    ErasureBasis.RETENTION: ("masa retensi berakhir", "the retention period ended"),
    ErasureBasis.SUBJECT_REQUEST: ("permintaan subjek data", "the data subject's request"),
    ErasureBasis.CONSENT_WITHDRAWN: ("persetujuan ditarik", "consent withdrawn"),
    ErasureBasis.UNLAWFULLY_OBTAINED: (
        "diperoleh atau diproses secara melawan hukum",
        "obtained or processed unlawfully",
    ),
}


@attrs.frozen
class Erasure:
    """
    An erasure as the history records it.

    Attributes:
        seq: The ``seq`` of the ``erase_personal_data`` event.
        at: When it was recorded (the desk's clock).
        actor_id: Who erased (an employee's id, or the retention run's name).
        basis: Why.
        reference: The decision's or the request's reference, as given.
        erased_seqs: The events whose personal values were erased.
        fields: The personal fields they held (payload keys, and ``actor_id`` for the
            reporter's events).
    """

    seq: int
    at: pendulum.DateTime
    actor_id: str
    basis: ErasureBasis
    reference: str
    erased_seqs: tuple[int, ...]
    fields: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """
        As JSON values (instants in ISO 8601 UTC).
        """
        return {
            "seq": self.seq,
            "at": self.at.in_timezone("UTC").isoformat().replace("+00:00", "Z"),
            "actor_id": self.actor_id,
            "basis": self.basis.value,
            "reference": self.reference,
            "erased_seqs": list(self.erased_seqs),
            "fields": list(self.fields),
        }


def _check_reference(reference: object) -> str:
    if (
        not isinstance(reference, str)
        or not reference.strip()
        or len(reference) > REFERENCE_LIMIT
        or not reference.isprintable()
    ):
        raise ReportInputError(
            "Rujukan penghapusan (nomor keputusan atau permintaan) wajib diisi, paling panjang "
            f"{REFERENCE_LIMIT} karakter tanpa karakter kendali.",
            "The erasure's reference (the decision's or request's number) is required: at "
            f"most {REFERENCE_LIMIT} characters without control characters.",
            code="erasure_reference_required",
            field="reference",
        )
    return reference.strip()


def _check_basis(basis: object) -> ErasureBasis:
    try:
        return ErasureBasis(str(basis))
    except ValueError:
        known = ", ".join(b.value for b in ErasureBasis)
        raise ReportInputError(
            f"Dasar penghapusan tidak dikenal; pilih salah satu: {known}.",
            f"Unknown erasure basis; choose one of: {known}.",
            code="invalid_erasure_basis",
            field="basis",
        ) from None


def erasure_payload(
    basis: ErasureBasis | str,
    reference: str,
    erased_seqs: Sequence[int],
    fields: Sequence[str],
) -> dict[str, Any]:
    """
    The payload of an ``erase_personal_data`` event, checked.

    Raises:
        ReportInputError: ``invalid_erasure_basis``, ``erasure_reference_required``.

    >>> erasure_payload("retention", "KEP-01/2031", [1, 3], ["message", "actor_id"])
    {'basis': 'retention', 'erased_seqs': [1, 3], 'fields': ['actor_id', 'message'], \
'reference': 'KEP-01/2031'}
    """
    return {
        "basis": _check_basis(basis).value,
        "erased_seqs": sorted(int(s) for s in erased_seqs),
        "fields": sorted(set(fields)),
        "reference": _check_reference(reference),
    }


def read_erasure(
    seq: int, at: pendulum.DateTime, actor_id: str, payload: Mapping[str, Any]
) -> Erasure | None:
    """
    The :class:`Erasure` an event's payload records, or ``None`` when it is not one written by
    :func:`erasure_payload`.
    """
    try:
        basis = ErasureBasis(payload["basis"])
        reference = payload["reference"]
        seqs = tuple(payload["erased_seqs"])
        fields = tuple(payload["fields"])
    except (KeyError, TypeError, ValueError):
        return None
    if set(payload) != {"basis", "erased_seqs", "fields", "reference"}:
        return None
    if not isinstance(reference, str) or not all(
        isinstance(s, int) and not isinstance(s, bool) for s in seqs
    ):
        return None
    if not all(isinstance(f, str) for f in fields):
        return None
    return Erasure(seq, at, actor_id, basis, reference, seqs, fields)
