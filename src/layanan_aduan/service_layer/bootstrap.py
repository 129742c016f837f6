"""
The composition root: the one place that builds the desk and the dispatcher from their ports.

:func:`compose` takes every port (storage, evidence store, messenger, media fetcher, clock,
service standard, working time) and wires them; nothing is built at import time or in a
default argument. :func:`bootstrap` is the embedded default: a SQLite file and a filesystem
evidence store beside it (``<file>.bukti/``), the Indonesian calendar, the Kejari Jakarta
Pusat standard and the system clock unless told otherwise.

>>> import pendulum
>>> from layanan_aduan.adapters.evidence_store import InMemoryEvidenceStore
>>> from layanan_aduan.adapters.messaging import InMemoryMediaFetcher, InMemoryMessenger
>>> from layanan_aduan.adapters.storage import InMemoryStorage
>>> from layanan_aduan.clock import FixedClock
>>> from layanan_aduan.messaging import Recipient
>>> services = compose(
...     storage=InMemoryStorage(),
...     evidence=InMemoryEvidenceStore(),
...     messenger=InMemoryMessenger(),
...     media=InMemoryMediaFetcher(),
...     clock=FixedClock(pendulum.datetime(2026, 1, 12, 2, tz="UTC")),
...     section_head=Recipient(phone="+6281100002222"),
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
from layanan_aduan.adapters.storage import SqliteStorage
from layanan_aduan.clock import Clock, SystemClock
from layanan_aduan.domain.evidence import DEFAULT_LIMITS, EvidenceLimits
from layanan_aduan.domain.standard import KEJARI_JAKARTA_PUSAT, ServiceStandard
from layanan_aduan.domain.worktime import WorkingTime
from layanan_aduan.drafts import DEFAULT_DRAFT_WINDOW
from layanan_aduan.messaging import MediaFetcher, Messenger, Recipient
from layanan_aduan.ports import EvidenceStore, Storage
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
    section_head: Recipient | None = None,
    standard: ServiceStandard | None = None,
    working_time: WorkingTime | None = None,
    retry_policy: RetryPolicy = DEFAULT_RETRY_POLICY,
    draft_window: dt.timedelta = DEFAULT_DRAFT_WINDOW,
    limits: EvidenceLimits = DEFAULT_LIMITS,
) -> Services:
    """
    Build the desk and the dispatcher from their ports.

    Args:
        storage: Reports, outbox and inbox.
        evidence: Where evidence files are kept.
        messenger: The channel notifications go out by.
        media: Fetches inbound media.
        clock: The current instant.
        section_head: Where the Head of the Intelligence Section's notifications go (a
            step that would notify them is refused while it is ``None``).
        standard: The service standard (Kejari Jakarta Pusat's by default).
        working_time: The office's working time (the Indonesian calendar by default).
        retry_policy: The dispatcher's backoff and dead-letter policy.
        draft_window: How close one sender's messages must be to make one report.
        limits: Evidence size limits.
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
        section_head=section_head,
        draft_window=draft_window,
        limits=limits,
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
    section_head: Recipient | None = None,
    clock: Clock | None = None,
    standard: ServiceStandard | None = None,
    working_time: WorkingTime | None = None,
    retry_policy: RetryPolicy = DEFAULT_RETRY_POLICY,
) -> Services:
    """
    The embedded default: the SQLite file ``path`` (created and migrated when new) and a
    filesystem evidence store beside it, wired by :func:`compose`. Temporary files a crashed
    evidence write left there are deleted when older than an hour by ``clock``'s instant.
    """
    clock = SystemClock() if clock is None else clock
    storage = SqliteStorage.open(path)
    # Deletes what a crashed evidence write left behind, judged by the desk's own clock.
    evidence = FilesystemEvidenceStore.open(evidence_dir_for(path), now=clock.now())
    return compose(
        storage=storage,
        evidence=evidence,
        messenger=messenger,
        media=media,
        clock=clock,
        section_head=section_head,
        standard=standard,
        working_time=working_time,
        retry_policy=retry_policy,
    )
