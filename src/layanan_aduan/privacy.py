"""
Masking of personal data for reprs, logs and error messages.

Personal data in this library: the reporter's name, NIK, telephone number,
WhatsApp user id, address and e-mail, and the free text of a report. None of it
may appear whole in a ``repr``, ``str``, log line or exception message.
"""

from __future__ import annotations

__all__ = ["mask", "mask_name"]


def mask(value: str, *, keep: int = 4, fill: str = "*") -> str:
    """
    Mask the middle of ``value``, leaving at most half of it visible.

    Up to ``keep`` characters stay at each end; shorter values keep fewer so that
    at least half is always hidden.

    >>> mask("3171234567890001")
    '3171********0001'
    >>> mask("+6281234567890")
    '+62********890'
    >>> mask("12345")
    '1***5'
    >>> mask("123")
    '***'
    """
    side = min(keep, len(value) // 4)
    if side == 0:
        return fill * len(value)
    return value[:side] + fill * (len(value) - 2 * side) + value[-side:]


def mask_name(name: str) -> str:
    """
    Keep the first letter of each word of a person's name; a one-letter word is hidden whole.

    >>> mask_name("Budi Santoso")
    'B*** S******'
    >>> mask_name("A Yani")
    '* Y***'
    """
    return " ".join(w[:1] + "*" * (len(w) - 1) if len(w) > 1 else "*" for w in name.split())
