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
DispatchSummary(claimed=0, sent=0, retried=0, dead=0, skipped=0)
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections.abc import Iterable, Mapping
from pathlib import Path

import attrs

from layanan_aduan.adapters.evidence_store import FilesystemEvidenceStore
from layanan_aduan.adapters.field_cipher import field_cipher_from_config
from layanan_aduan.adapters.holidays_id import indonesian_calendar
from layanan_aduan.adapters.office_config import OfficeConfig
from layanan_aduan.adapters.staff import InMemoryStaffDirectory
from layanan_aduan.adapters.storage import SqliteStorage
from layanan_aduan.clock import Clock, SystemClock
from layanan_aduan.domain.calendar import Overrides
from layanan_aduan.domain.evidence import DEFAULT_LIMITS, EvidenceLimits
from layanan_aduan.domain.flood import DEFAULT_FLOOD_POLICY, FloodPolicy
from layanan_aduan.domain.standard import KEJARI_JAKARTA_PUSAT, ServiceStandard
from layanan_aduan.domain.worktime import DEFAULT_SLA_THRESHOLDS, SlaThresholds, WorkingTime
from layanan_aduan.drafts import DEFAULT_DRAFT_WINDOW
from layanan_aduan.exceptions import ConfigurationError, ConfigurationProblem
from layanan_aduan.messaging import MediaFetcher, Messenger
from layanan_aduan.notifications import Language, NotificationRenderer
from layanan_aduan.ports import EvidenceStore, FieldCipher, StaffDirectory, Storage
from layanan_aduan.service_layer.desk import Desk
from layanan_aduan.service_layer.dispatcher import DEFAULT_RETRY_POLICY, Dispatcher, RetryPolicy
from layanan_aduan.service_layer.signing import HeadSigning

_log = logging.getLogger("layanan_aduan.bootstrap")

__all__ = ["Services", "bootstrap", "compose", "evidence_dir_for", "signing_from_config"]


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
    renderer: NotificationRenderer | None = None,
    business_numbers: Iterable[str] = (),
    thresholds: SlaThresholds = DEFAULT_SLA_THRESHOLDS,
    escalate_breaches_to_office_head: bool = False,
    language: Language = "id",
    signing: HeadSigning | None = None,
    reproject_on_start: bool = True,
    flood: FloodPolicy = DEFAULT_FLOOD_POLICY,
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
        renderer: The notification texts (rendered from ``standard`` by default).
        business_numbers: The office's business numbers as the channel names them (the
            WhatsApp ``phone_number_id``); webhooks to other numbers are refused.
        thresholds: When a running SLA clock counts as at risk.
        escalate_breaches_to_office_head: Also send breach alerts to the office head.
        language: The language of the notifications (``"id"`` or ``"en"``).
        signing: Signs every report head saved and verifies every head loaded (unsigned
            history when ``None``).
        reproject_on_start: Re-project the office's open reports stored with another calendar
            before returning (:meth:`Desk.reproject
            <layanan_aduan.service_layer.reprojection.Reprojection.reproject>`); ``False``
            leaves them for an explicit run (``layanan-aduan hitung-ulang``).
        flood: When one sender's messages are a flood, whose replies the desk holds back
            (more than 10 within 60 seconds by default; see docs/desk.md).

    The desk and the dispatcher are bound to the standard's office: several offices share one
    storage, each with its own :func:`compose`.
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
        renderer=renderer,
        business_numbers=business_numbers,
        thresholds=thresholds,
        escalate_breaches_to_office_head=escalate_breaches_to_office_head,
        language=language,
        signing=signing,
        flood=flood,
    )
    dispatcher = Dispatcher(
        storage.outbox, messenger, clock, policy=retry_policy, office=standard.office.code
    )
    if reproject_on_start:
        # Deadlines follow the calendar: a desk started with new overrides or holiday data
        # moves the stored deadlines before it sweeps or lists anything.
        desk.reproject()
    return Services(desk=desk, dispatcher=dispatcher, storage=storage)


def _staff_of(config: OfficeConfig) -> StaffDirectory:
    # The staff the configuration file lists, for the office it configures.
    return InMemoryStaffDirectory({config.standard.office.code: config.staff})


def signing_from_config(
    config: OfficeConfig, environ: Mapping[str, str] | None = None
) -> HeadSigning | None:
    """
    The desk's signing from the configuration's ``[signing]`` (``None`` without one): the
    key from its file or environment variable, the verifier holding its public key and the
    ``public_keys`` listed.

    Raises:
        SigningKeyError: The key or a public key cannot be read, or the key file is open to
            others.
        MissingDependencyError: ``cryptography`` (the ``signing`` extra) is not installed.
    """
    settings = config.signing
    if settings is None:
        return None
    from layanan_aduan.adapters.signing_keys import key_from_env, load_key_file, load_keyring

    if settings.key_file is not None:
        signer = load_key_file(settings.key_file)
    else:
        signer = key_from_env(settings.key_env or "", environ)
    keyring = load_keyring(settings.public_keys).with_keys([signer.public_key()])
    return HeadSigning(signer=signer, verifier=keyring, unsigned=settings.unsigned)


def evidence_dir_for(path: str | os.PathLike[str]) -> Path:
    """
    Where :func:`bootstrap` keeps the evidence files of the SQLite file ``path``.

    >>> evidence_dir_for("/data/layanan-aduan.sqlite3").as_posix()
    '/data/layanan-aduan.sqlite3.bukti'
    """
    p = Path(path)
    return p.with_name(p.name + ".bukti")


def bootstrap(
    path: str | os.PathLike[str] | None = None,
    *,
    messenger: Messenger,
    media: MediaFetcher,
    config: OfficeConfig | None = None,
    staff: StaffDirectory | None = None,
    clock: Clock | None = None,
    standard: ServiceStandard | None = None,
    working_time: WorkingTime | None = None,
    retry_policy: RetryPolicy = DEFAULT_RETRY_POLICY,
    draft_window: dt.timedelta | None = None,
    limits: EvidenceLimits = DEFAULT_LIMITS,
    renderer: NotificationRenderer | None = None,
    business_numbers: Iterable[str] | None = None,
    thresholds: SlaThresholds | None = None,
    flood: FloodPolicy | None = None,
    environ: Mapping[str, str] | None = None,
    signing: HeadSigning | None = None,
    overrides: Overrides | None = None,
    reproject_on_start: bool = True,
    cipher: FieldCipher | None = None,
    warn_unencrypted: bool = True,
) -> Services:
    """
    Build a desk on its storage: the SQLite file ``path`` (created and migrated when new)
    with a filesystem evidence store beside it, or what the office ``config`` says.

    With ``config`` (:func:`~layanan_aduan.adapters.office_config.load_office_config`), the
    standard, business numbers, calendar overrides, SLA thresholds, draft window, flood policy
    and storage come from the office's configuration file; an argument given here wins over the file
    (``path`` over its SQLite file). A PostgreSQL storage reads its DSN from the environment
    variable the file names (``environ``, ``os.environ`` by default); its evidence files go to
    the folder beside the configuration file (``<config>.bukti``). Without ``config`` and
    ``path`` there is nothing to open: ``path`` is required then. Temporary files a crashed
    evidence write left are deleted when older than an hour by ``clock``'s instant. The
    file's ``[signing]`` gives the key that signs the history (:func:`signing_from_config`;
    ``signing`` wins over it). Its ``[personal_data]`` gives the keys that seal personal data
    at rest (:func:`~layanan_aduan.adapters.field_cipher.field_cipher_from_config`; ``cipher``
    wins over it); without either, personal data is kept apart from the history (so it can be
    erased) but readable, and a warning is logged (unless ``cipher`` is given or
    ``warn_unencrypted`` is ``False``: a command line that says so once, where it matters).
    ``overrides`` are merged over the configuration's calendar overrides (they win where both
    name a date). Open reports stored with another calendar are re-projected unless
    ``reproject_on_start`` is ``False`` (see :func:`compose`).
    """
    clock = SystemClock() if clock is None else clock
    config = OfficeConfig.default() if config is None else config
    if cipher is None:
        cipher = field_cipher_from_config(config, environ)
        if not cipher.encrypts and warn_unencrypted:
            _log.warning(
                "Data pribadi tidak dienkripsi: tidak ada kunci data pribadi ([personal_data]). "
                "/ Personal data is not encrypted at rest: no personal-data key is configured."
            )
    storage: Storage
    if path is not None or config.storage.kind == "sqlite":
        db = path if path is not None else config.storage.sqlite_path
        if db is None:
            raise ConfigurationError(
                [
                    ConfigurationProblem(
                        "storage.sqlite",
                        None,
                        "missing_key",
                        "Berkas SQLite belum diberikan (path, atau storage.sqlite di konfigurasi).",
                        "No SQLite file given (path, or storage.sqlite in the configuration).",
                    )
                ]
            )
        storage = SqliteStorage.open(db, cipher=cipher)
        evidence_dir = evidence_dir_for(db)
    else:
        from layanan_aduan.adapters.storage import PostgresStorage

        storage = PostgresStorage.open(
            config.storage.postgres_dsn(environ),
            schema=config.storage.postgres_schema,
            cipher=cipher,
        )
        anchor = config.source if config.source is not None else Path("layanan-aduan")
        evidence_dir = evidence_dir_for(anchor)
    try:
        # Deletes what a crashed evidence write left behind, judged by the desk's own clock.
        evidence = FilesystemEvidenceStore.open(evidence_dir, now=clock.now())
        chosen = config.standard if standard is None else standard
        if working_time is None:
            merged = config.overrides if overrides is None else config.overrides.merge(overrides)
            working_time = WorkingTime(indonesian_calendar(chosen.schedule, merged))
        return compose(
            storage=storage,
            evidence=evidence,
            messenger=messenger,
            media=media,
            clock=clock,
            staff=staff if staff is not None else _staff_of(config),
            standard=chosen,
            working_time=working_time,
            retry_policy=retry_policy,
            draft_window=config.draft_window if draft_window is None else draft_window,
            limits=limits,
            renderer=renderer,
            business_numbers=config.business_numbers
            if business_numbers is None
            else business_numbers,
            thresholds=config.thresholds if thresholds is None else thresholds,
            escalate_breaches_to_office_head=config.escalate_breaches_to_office_head,
            language=config.language,
            signing=signing_from_config(config, environ) if signing is None else signing,
            reproject_on_start=reproject_on_start,
            flood=config.flood if flood is None else flood,
        )
    except BaseException:
        storage.close()
        raise
