"""
Replies to the desk's own messages: which handover a staff member's WhatsApp reply answers.

WhatsApp names the message a reply answers by the channel's id for it (``context.id``, a
``wamid.…``). The dispatcher records that id on each outbox message it sends
(:meth:`~layanan_aduan.ports.Outbox.mark_sent`), so the desk finds the message again with an
office-scoped, indexed lookup (:meth:`~layanan_aduan.ports.Outbox.by_provider_id`). A reply to
the handover of a report is the section head's direction for that report (step 4), even when
its text does not name the report's number: see
:meth:`~layanan_aduan.service_layer.intake.Intake.ingest` and docs/desk.md.

Only a handover counts: a reply to any other message (an SLA alert, a help text), to another
office's message, or to a message the desk does not know is an ordinary staff message.
"""

from __future__ import annotations

from collections.abc import Iterable

from layanan_aduan.exceptions import StorageInputError
from layanan_aduan.notifications import NotificationKind
from layanan_aduan.ports import InboundMessage, Outbox, OutboxMessage

__all__ = ["replied_handover"]


def replied_handover(
    outbox: Outbox, office: str, messages: Iterable[InboundMessage]
) -> OutboxMessage | None:
    """
    The handover of ``office`` that the first of ``messages`` replying to one answers, or
    ``None`` when none replies to a handover of that office.

    Asked outside any writing unit of work (each outbox call is its own transaction). An id
    the storage could not hold (a control character, too long) is no message of the desk's.
    """
    for message in messages:
        context = message.context
        if context is None or context.replied_to_id is None:
            continue
        try:
            found = outbox.by_provider_id(context.replied_to_id, office=office)
        except StorageInputError:
            continue
        if (
            found is not None
            and found.office == office
            and found.report_id is not None
            and found.payload.get("notification") == NotificationKind.HANDOVER.value
        ):
            return found
    return None
