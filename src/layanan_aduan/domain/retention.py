"""
Retention as data: how long a report's personal data and evidence files are kept after it ends.

A report **ends** when it enters a final state (the follow-up delivered, or closed as not a
report): its end is the instant its SLA clock stopped
(:attr:`Report.clock_stopped_at <layanan_aduan.domain.report.Report.clock_stopped_at>`), the
*recorded* instant of the event that entered the final state. The recorded instant, not the
instant the event claims, because a late entry may claim an earlier one: retention never
starts before the office actually recorded the end. An annotation recorded later (the
reporter's rating, the erasure itself) does not move it.

A :class:`RetentionPolicy` says, in whole days after the end, how long the **personal data**
(identity, texts, the reporter's ids) and the **evidence files** are kept; evidence files are
personal data too (photos of a KTP, screenshots), so they are never kept longer than the rest
(``evidence_days <= personal_data_days``). The default (:data:`DEFAULT_RETENTION`) is two years
for both: see docs/personal-data.md for the reasoning.

:func:`due_for_erasure` is the whole rule, a pure function: a report is due once its end plus
the period has passed, never while it is open, never under a *legal hold*, never twice.

>>> import pendulum

from layanan_aduan.domain.history import to_instant
>>> end = pendulum.datetime(2026, 1, 12, 10, tz="Asia/Jakarta")
>>> report = RetentionCandidate("r-1", "LAP/KNJP/2026/000001", "KNJP", ended_at=end)
>>> policy = RetentionPolicy(personal_data_days=730, evidence_days=365)
>>> due_for_erasure([report], policy, end.add(days=364))
()
>>> [(d.number, d.scope, d.due_since.date().isoformat())
...  for d in due_for_erasure([report], policy, end.add(days=400))]
[('LAP/KNJP/2026/000001', 'evidence', '2027-01-12')]
>>> [d.scope for d in due_for_erasure([report], policy, end.add(days=800))]
['personal_data']
>>> due_for_erasure([attrs.evolve(report, held=True)], policy, end.add(days=800))
()
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, Final, Literal

import attrs
import pendulum

from layanan_aduan.domain.history import to_instant
from layanan_aduan.exceptions import ValidationError

__all__ = [
    "DEFAULT_RETENTION",
    "MAX_RETENTION_DAYS",
    "ErasureDue",
    "ErasureScope",
    "RetentionCandidate",
    "RetentionPolicy",
    "due_for_erasure",
]

#: One hundred years: a longer period is a typo, not a policy.
MAX_RETENTION_DAYS: Final = 36_525

ErasureScope = Literal["evidence", "personal_data"]
"""What is due: only the evidence files, or the personal data (with the evidence files)."""


def _days(field: str) -> Any:
    def check(_instance: object, _attribute: object, value: object) -> None:
        if (
            isinstance(value, bool)
            or not isinstance(value, int)
            or not 1 <= value <= MAX_RETENTION_DAYS
        ):
            raise ValidationError(
                f"{field} harus bilangan bulat hari, 1 sampai {MAX_RETENTION_DAYS}.",
                f"{field} must be a whole number of days, 1 to {MAX_RETENTION_DAYS}.",
                code="invalid_retention_days",
                field=field,
            )

    return check


@attrs.frozen
class RetentionPolicy:
    """
    How long after a report ends its personal data and its evidence files are kept, in days.

    Attributes:
        personal_data_days: Days the personal data is kept after the end (1 to
            :data:`MAX_RETENTION_DAYS`).
        evidence_days: Days the evidence files are kept after the end; at most
            ``personal_data_days`` (evidence files are personal data too).

    >>> RetentionPolicy(personal_data_days=30, evidence_days=60)
    Traceback (most recent call last):
    ...
    layanan_aduan.exceptions.ValidationError: Berkas bukti tidak boleh disimpan lebih lama daripada data pribadi (60 > 30 hari).
    """  # noqa: E501 - a doctest's expected line cannot be wrapped

    personal_data_days: int = attrs.field(default=730, validator=_days("personal_data_days"))
    evidence_days: int = attrs.field(default=730, validator=_days("evidence_days"))

    def __attrs_post_init__(self) -> None:
        if self.evidence_days > self.personal_data_days:
            raise ValidationError(
                "Berkas bukti tidak boleh disimpan lebih lama daripada data pribadi "
                f"({self.evidence_days} > {self.personal_data_days} hari).",
                "Evidence files may not be kept longer than the personal data "
                f"({self.evidence_days} > {self.personal_data_days} days).",
                code="evidence_outlives_personal_data",
                field="evidence_days",
            )

    @property
    def personal_data_period(self) -> dt.timedelta:
        """
        :attr:`personal_data_days` as a duration.
        """
        return dt.timedelta(days=self.personal_data_days)

    @property
    def evidence_period(self) -> dt.timedelta:
        """
        :attr:`evidence_days` as a duration.
        """
        return dt.timedelta(days=self.evidence_days)

    def to_dict(self) -> dict[str, int]:
        """
        The policy as JSON values (what a retention run records).

        >>> DEFAULT_RETENTION.to_dict()
        {'personal_data_days': 730, 'evidence_days': 730}
        """
        return {"personal_data_days": self.personal_data_days, "evidence_days": self.evidence_days}


DEFAULT_RETENTION: Final = RetentionPolicy()
"""Two years for personal data and evidence files alike (docs/personal-data.md says why)."""


def _instant_or_none(value: dt.datetime | None) -> pendulum.DateTime | None:
    return None if value is None else to_instant(value, "ended_at")


@attrs.frozen
class RetentionCandidate:
    """
    What the retention rule needs to know of one report, and nothing personal.

    Attributes:
        report_id: The report's id.
        number: Its number, when assigned.
        office: The code of its office.
        ended_at: When it ended (its SLA clock's stop), ``None`` while it is open.
        held: True while a legal hold is on it (it is then never due).
        erased: True once its personal data was erased (it is then never due again).
        has_evidence: True while evidence files of it are kept (an ``evidence`` erasure is
            due only then).
    """

    report_id: str
    number: str | None
    office: str | None
    ended_at: pendulum.DateTime | None = attrs.field(default=None, converter=_instant_or_none)
    held: bool = False
    erased: bool = False
    has_evidence: bool = True


@attrs.frozen
class ErasureDue:
    """
    One report due for erasure: what is due (:data:`ErasureScope`) and since when.
    """

    report_id: str
    number: str | None
    office: str | None
    ended_at: pendulum.DateTime
    due_since: pendulum.DateTime
    scope: ErasureScope


def due_for_erasure(
    reports: Iterable[RetentionCandidate], policy: RetentionPolicy, at: dt.datetime
) -> tuple[ErasureDue, ...]:
    """
    The reports due for erasure at ``at``, in the order given.

    A report is due for ``personal_data`` once ``ended_at + personal_data_days <= at``, and,
    before that, for ``evidence`` once ``ended_at + evidence_days <= at`` while it still has
    evidence files. Never while it is open (``ended_at`` is ``None``), never while it is held,
    never once its personal data is erased.

    Raises:
        ValidationError: ``at`` has no time zone (``naive_datetime``).
    """
    instant = to_instant(at, "at")
    due: list[ErasureDue] = []
    for r in reports:
        if r.ended_at is None or r.held or r.erased:
            continue
        personal = r.ended_at + policy.personal_data_period
        evidence = r.ended_at + policy.evidence_period
        if personal <= instant:
            due.append(
                ErasureDue(r.report_id, r.number, r.office, r.ended_at, personal, "personal_data")
            )
        elif r.has_evidence and evidence <= instant:
            due.append(
                ErasureDue(r.report_id, r.number, r.office, r.ended_at, evidence, "evidence")
            )
    return tuple(due)
