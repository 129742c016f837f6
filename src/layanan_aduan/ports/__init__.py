"""
The ports: every boundary the service layer depends on, in one place.

A port is a :class:`typing.Protocol`: the service layer depends on it, adapters implement it,
and the contract suites in :mod:`layanan_aduan.testing.contracts` prove that an adapter
honours it. Only the composition root (:mod:`layanan_aduan.service_layer.bootstrap`) names
adapters.

- :mod:`~layanan_aduan.ports.storage`: reports as event streams and their unit of work, the
  outbox (writer and dispatcher side), the inbox of messages taken, and the evidence store;
- :mod:`~layanan_aduan.ports.messaging`: sending notifications and fetching inbound media;
- :mod:`~layanan_aduan.ports.inbound`: the channel-neutral values a channel adapter delivers
  (messages, senders, media, delivery statuses);
- :mod:`~layanan_aduan.ports.staff`: the office's staff directory (who holds which role when);
- :mod:`~layanan_aduan.ports.signing`: the key a desk signs history heads with, and the public
  keys that verify them;
- :mod:`~layanan_aduan.ports.personal_data`: the keys personal data is sealed with, and the
  cipher and blind indexes storage keeps it by.
"""

from __future__ import annotations

from layanan_aduan.ports.inbound import (
    DeliveryStatus,
    InboundMessage,
    MediaRef,
    MessageContext,
    MessageKind,
    ParsedWebhook,
    PlatformErrorInfo,
    ReportedError,
    Sender,
    SkippedItem,
    StatusUpdate,
)
from layanan_aduan.ports.messaging import MediaFetcher, Messenger
from layanan_aduan.ports.personal_data import DataKeyring, FieldCipher, Resealable
from layanan_aduan.ports.signing import HeadSigner, HeadVerifier
from layanan_aduan.ports.staff import StaffDirectory, StaffRegistry
from layanan_aduan.ports.storage import (
    DEFAULT_PAGE_SIZE,
    MAX_PAGE_SIZE,
    EvidenceStore,
    Inbox,
    Outbox,
    OutboxMessage,
    OutboxStatus,
    OutboxWriter,
    Page,
    PersonalErasure,
    ReceivedWebhook,
    ReceivedWebhooks,
    ReportEvents,
    ReportProjection,
    ReportRepository,
    ReportSummary,
    ReportTimeline,
    RetentionRun,
    RetentionRuns,
    SenderActivity,
    SlaDue,
    Storage,
    StoredReport,
    UnitOfWork,
)

__all__ = [
    "DEFAULT_PAGE_SIZE",
    "MAX_PAGE_SIZE",
    "DataKeyring",
    "DeliveryStatus",
    "EvidenceStore",
    "FieldCipher",
    "HeadSigner",
    "HeadVerifier",
    "InboundMessage",
    "Inbox",
    "MediaFetcher",
    "MediaRef",
    "MessageContext",
    "MessageKind",
    "Messenger",
    "Outbox",
    "OutboxMessage",
    "OutboxStatus",
    "OutboxWriter",
    "Page",
    "ParsedWebhook",
    "PersonalErasure",
    "PlatformErrorInfo",
    "ReceivedWebhook",
    "ReceivedWebhooks",
    "ReportEvents",
    "ReportProjection",
    "ReportRepository",
    "ReportSummary",
    "ReportTimeline",
    "ReportedError",
    "Resealable",
    "RetentionRun",
    "RetentionRuns",
    "Sender",
    "SenderActivity",
    "SkippedItem",
    "SlaDue",
    "StaffDirectory",
    "StaffRegistry",
    "StatusUpdate",
    "Storage",
    "StoredReport",
    "UnitOfWork",
]
