"""
Flood throttling at intake: a sender who floods is not answered message by message.

Every message is still taken as received: recorded in the inbox and made into (or added to)
the sender's report exactly as without a flood, so nothing is lost. What a flood changes is
the desk's replies to that sender (:data:`HELD_BACK`: what is missing, the menu, a status
answer, "not supported", a staff help text, "no direction awaited", the offer to keep one's
identity confidential): while the sender floods
(:class:`~layanan_aduan.domain.flood.FloodPolicy`) they are not put in the outbox, and the
sender gets one short answer instead
(:meth:`~layanan_aduan.notifications.NotificationRenderer.throttled`), at most once per window.
The acknowledgement of a new report is never held back: it carries the report's number and
deadline (the receipt the service standard promises), and a flood makes at most one new
report, since its messages join the sender's report still open on their side.

:func:`check_flood` counts from the storage inbox (:meth:`~layanan_aduan.ports.Inbox.activity`,
an indexed lookup by office, sender and recorded instant) over the instants the desk's clock
recorded, never the timestamps the messages claim. It runs in the sender's locked unit of
work, so one sender's concurrent webhooks count each other. The inbox knows a sender by a
digest (:func:`sender_digest`), never by the number itself.
"""

from __future__ import annotations

import hashlib
from typing import Final

import pendulum

from layanan_aduan.domain.flood import FloodCheck, FloodPolicy
from layanan_aduan.notifications import NotificationKind
from layanan_aduan.ports import Inbox

__all__ = ["HELD_BACK", "check_flood", "sender_digest"]

#: The replies held back from a sender who floods. The acknowledgement of a new report is
#: not one of them, nor anything sent to someone else (the handover to the section head).
HELD_BACK: Final = frozenset(
    {
        NotificationKind.MISSING_REQUIREMENTS,
        NotificationKind.STATUS,
        NotificationKind.STATUS_NOT_FOUND,
        NotificationKind.MENU,
        NotificationKind.UNSUPPORTED,
        NotificationKind.STAFF_HELP,
        NotificationKind.DIRECTION_NOT_AWAITED,
        NotificationKind.CONFIDENTIALITY_OFFER,
    }
)


def sender_digest(office: str, sender_key: str) -> str:
    """
    How the inbox knows a sender: a digest of the office and the sender's key (a WhatsApp
    number or user id), so the inbox holds no number.

    >>> d = sender_digest("KNJP", "6281234567890")
    >>> len(d), d == sender_digest("KNJP", "6281234567890")
    (32, True)
    >>> d == sender_digest("KMKS", "6281234567890"), "6281234567890" in d
    (False, False)
    """
    return hashlib.sha256("\x1f".join(("sender", office, sender_key)).encode()).hexdigest()[:32]


def check_flood(
    inbox: Inbox,
    policy: FloodPolicy,
    *,
    office: str,
    sender: str,
    now: pendulum.DateTime,
    arriving: int,
) -> FloodCheck:
    """
    Whether ``arriving`` messages of ``sender`` (a :func:`sender_digest`), recorded at
    ``now``, make a flood, and whether this is the flood's one answer; asked before they are
    recorded, in the unit of work that records them.
    """
    recent = inbox.activity(sender=sender, since=now - policy.window, office=office)
    return policy.judge(recent=recent.messages, throttled=recent.throttled, arriving=arriving)
