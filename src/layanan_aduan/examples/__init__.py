"""
The bundled example: one WhatsApp webhook and the screenshot it refers to.

The webhook (Cloud API ``messages`` shape) carries two messages from one sender, one minute
apart on Monday 12 January 2026 from 09:00 WIB: a text with ``Nama:``, ``NIK:`` and
``Jenis:`` lines, and a phone screenshot (a PNG, media id :data:`SCREENSHOT_MEDIA_ID`). The
``layanan-aduan demo`` command, the documentation and downstream tests use it; the person
in it is invented.

Nothing is read at import time: each function reads its file (through
:mod:`importlib.resources`, so it works from a wheel or a zip) when called.

>>> from layanan_aduan.adapters.whatsapp import parse_webhook
>>> parsed = parse_webhook(whatsapp_webhook())
>>> [m.kind.value for m in parsed.messages]
['text', 'image']
>>> parsed.messages[1].media.media_id == SCREENSHOT_MEDIA_ID
True
>>> screenshot_png()[:8]
b'\\x89PNG\\r\\n\\x1a\\n'
"""

from __future__ import annotations

from importlib import resources
from typing import Final

__all__ = [
    "SCREENSHOT_MEDIA_ID",
    "SCREENSHOT_MEDIA_TYPE",
    "screenshot_png",
    "whatsapp_webhook",
]

#: The WhatsApp media id under which the webhook refers to :func:`screenshot_png`.
SCREENSHOT_MEDIA_ID: Final = "1480000000000001"
#: The screenshot's MIME type, as WhatsApp declares it.
SCREENSHOT_MEDIA_TYPE: Final = "image/png"


def _read(name: str) -> bytes:
    return (resources.files(__name__) / name).read_bytes()


def whatsapp_webhook() -> bytes:
    """
    The raw body of the example webhook (UTF-8 JSON, as WhatsApp posts it).
    """
    return _read("pesan-whatsapp.json")


def screenshot_png() -> bytes:
    """
    The bytes of the example screenshot (a PNG), the media the webhook's image refers to.
    """
    return _read("tangkapan-layar.png")
