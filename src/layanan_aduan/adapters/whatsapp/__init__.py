"""
The WhatsApp Business Platform (Cloud API) adapter.

- :mod:`.inbound`: webhooks in (signature, handshake, parsing); pure, no httpx;
- :mod:`.config`: the adapter's settings, from arguments or the environment;
- :mod:`.cloud_api`: sending messages and fetching media over httpx (the ``whatsapp``
  extra); import it explicitly, so that parsing webhooks never needs httpx.
"""

from __future__ import annotations

from layanan_aduan.adapters.whatsapp.config import WhatsAppConfig
from layanan_aduan.adapters.whatsapp.inbound import (
    DEFAULT_WEBHOOK_LIMITS,
    SIGNATURE_HEADER,
    DeliveryStatus,
    InboundMessage,
    InteractiveReply,
    MediaRef,
    MessageContext,
    MessageKind,
    ParsedWebhook,
    PlatformErrorInfo,
    ReportedError,
    Sender,
    SkippedItem,
    StatusUpdate,
    WebhookLimits,
    WhatsAppWebhook,
    answer_subscription,
    compute_signature,
    parse_webhook,
    verify_signature,
)

__all__ = [
    "DEFAULT_WEBHOOK_LIMITS",
    "SIGNATURE_HEADER",
    "DeliveryStatus",
    "InboundMessage",
    "InteractiveReply",
    "MediaRef",
    "MessageContext",
    "MessageKind",
    "ParsedWebhook",
    "PlatformErrorInfo",
    "ReportedError",
    "Sender",
    "SkippedItem",
    "StatusUpdate",
    "WebhookLimits",
    "WhatsAppConfig",
    "WhatsAppWebhook",
    "answer_subscription",
    "compute_signature",
    "parse_webhook",
    "verify_signature",
]
