"""
The composition root: the one place that builds the desk and the dispatcher from their ports.

:func:`compose` takes every port (storage, evidence store, messenger, media fetcher, clock,
staff directory, service standard, working time) and wires them; nothing is built at import
time or in a default argument. Without a staff directory the desk gets an empty one: every
staff step is then refused (``unknown_staff``) until staff are registered. :func:`bootstrap`
is the embedded default: a SQLite file and a filesystem evidence store beside it
(``<file>.bukti/``), the Indonesian calendar, the Kejari Jakarta Pusat standard and the
system clock unless told otherwise.

>>> import pendulum
>>> from layanan_aduan.adapters.evidence_store import InMemoryEvidenceStore
>>> from layanan_aduan.adapters.messaging import InMemoryMediaFetcher, InMemoryMessenger
>>> from layanan_aduan.adapters.staff import InMemoryStaffDirectory
>>> from layanan_aduan.adapters.storage import InMemoryStorage
>>> from layanan_aduan.clock import FixedClock
>>> from layanan_aduan.domain.staff import Assignment, StaffMember
>>> kasi = StaffMember("kasi-intel-01", "Andi Pratama", phone="+6281100002222",
...                    assignments=(Assignment("section_head", "KNJP"),))
>>> services = compose(
...     storage=InMemoryStorage(),
...     evidence=InMemoryEvidenceStore(),
...     messenger=InMemoryMessenger(),
...     media=InMemoryMediaFetcher(),
...     clock=FixedClock(pendulum.datetime(2026, 1, 12, 2, tz="UTC")),
...     staff=InMemoryStaffDirectory({"KNJP": [kasi]}),
... )
>>> services.desk
Desk(office='KNJP', storage=InMemoryStorage)
>>> services.dispatcher.run_once()
DispatchSummary(claimed=0, sent=0, retried=0, dead=0)
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import attrs

from layanan_aduan.adapters.evidence_store import FilesystemEvidenceStore
from layanan_aduan.adapters.holidays_id import indonesian_calendar
from layanan_aduan.adapters.staff import InMemoryStaffDirectory
from layanan_aduan.adapters.storage import SqliteStorage
from layanan_aduan.clock import Clock, SystemClock
from layanan_aduan.domain.evidence import DEFAULT_LIMITS, EvidenceLimits
from layanan_aduan.domain.standard import KEJARI_JAKARTA_PUSAT, ServiceStandard
from layanan_aduan.domain.worktime import WorkingTime
from layanan_aduan.drafts import DEFAULT_DRAFT_WINDOW
from layanan_aduan.messaging import MediaFetcher, Messenger
from layanan_aduan.ports import EvidenceStore, StaffDirectory, Storage
from layanan_aduan.service_layer.desk import Desk
from layanan_aduan.service_layer.dispatcher import DEFAULT_RETRY_POLICY, Dispatcher, RetryPolicy

__all__ = ["Services", "bootstrap", "compose", "evidence_dir_for"]


@attrs.frozen
class Services:
    """
    What the composition root built: the desk, the dispatcher and the storage they share.

    Call :meth:`close` (or use it as a context manager) to release the storage.
    """

    desk: Desk
    dispatcher: Dispatcher
    storage: Storage

    def close(self) -> None:
        """
        Release the storage's connections and files.
        """
        self.storage.close()

    def __enter__(self) -> Services:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def compose(
    *,
    storage: Storage,
    evidence: EvidenceStore,
    messenger: Messenger,
    media: MediaFetcher,
    clock: Clock,
    staff: StaffDirectory | None = None,
    standard: ServiceStandard | None = None,
    working_time: WorkingTime | None = None,
    retry_policy: RetryPolicy = DEFAULT_RETRY_POLICY,
    draft_window: dt.timedelta = DEFAULT_DRAFT_WINDOW,
    limits: EvidenceLimits = DEFAULT_LIMITS,
    escalate_breaches_to_office_head: bool = False,
) -> Services:
    """
    Build the desk and the dispatcher from their ports.

    Args:
        storage: Reports, outbox and inbox.
        evidence: Where evidence files are kept.
        messenger: The channel notifications go out by.
        media: Fetches inbound media.
        clock: The current instant.
        staff: The office's staff directory: who may take which step and where the section
            head's notifications go (an empty one when ``None``: every staff step is then
            refused with ``unknown_staff``).
        standard: The service standard (Kejari Jakarta Pusat's by default).
        working_time: The office's working time (the Indonesian calendar by default).
        retry_policy: The dispatcher's backoff and dead-letter policy.
        draft_window: How close one sender's messages must be to make one report.
        limits: Evidence size limits.
        escalate_breaches_to_office_head: Also send breach alerts to the office head.
    """
    standard = KEJARI_JAKARTA_PUSAT if standard is None else standard
    if working_time is None:
        working_time = WorkingTime(indonesian_calendar(standard.schedule))
    desk = Desk(
        storage=storage,
        evidence=evidence,
        media=media,
        clock=clock,
        standard=standard,
        working_time=working_time,
        staff=InMemoryStaffDirectory() if staff is None else staff,
        draft_window=draft_window,
        limits=limits,
        escalate_breaches_to_office_head=escalate_breaches_to_office_head,
    )
    dispatcher = Dispatcher(storage.outbox, messenger, clock, policy=retry_policy)
    return Services(desk=desk, dispatcher=dispatcher, storage=storage)


def evidence_dir_for(path: str | os.PathLike[str]) -> Path:
    """
    Where :func:`bootstrap` keeps the evidence files of the SQLite file ``path``.

    >>> evidence_dir_for("/data/layanan-aduan.sqlite3").as_posix()
    '/data/layanan-aduan.sqlite3.bukti'
    """
    p = Path(path)
    return p.with_name(p.name + ".bukti")


def bootstrap(
    path: str | os.PathLike[str],
    *,
    messenger: Messenger,
    media: MediaFetcher,
    staff: StaffDirectory | None = None,
    clock: Clock | None = None,
    standard: ServiceStandard | None = None,
    working_time: WorkingTime | None = None,
    retry_policy: RetryPolicy = DEFAULT_RETRY_POLICY,
) -> Services:
    """
    The embedded default: the SQLite file ``path`` (created and migrated when new) and a
    filesystem evidence store beside it, wired by :func:`compose`.
    """
    storage = SqliteStorage.open(path)
    evidence = FilesystemEvidenceStore.open(evidence_dir_for(path))
    return compose(
        storage=storage,
        evidence=evidence,
        messenger=messenger,
        media=media,
        clock=SystemClock() if clock is None else clock,
        staff=staff,
        standard=standard,
        working_time=working_time,
        retry_policy=retry_policy,
    )
