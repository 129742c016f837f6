"""
When one sender's messages are a flood: the limits, as configuration data, and the rule.

A sender *floods* while the messages of theirs the desk recorded in the last
:attr:`FloodPolicy.window` (the arriving ones included) are **more than**
:attr:`FloodPolicy.messages`. The desk then keeps taking every message, but holds back its
replies, and answers the flood once: only when none of the sender's messages in the last
window was already taken as part of a flood (``throttled``). So two such answers are always
more than a window apart, and a flood that goes on gets one. The service layer counts from the
inbox (:mod:`layanan_aduan.service_layer.throttle`); this module only decides.

>>> import datetime as dt
>>> policy = FloodPolicy(messages=10, window=dt.timedelta(seconds=60))
>>> policy.judge(recent=10, throttled=0, arriving=1)
FloodCheck(flooding=True, reply=True)
>>> policy.judge(recent=12, throttled=2, arriving=1)
FloodCheck(flooding=True, reply=False)
>>> policy.judge(recent=9, throttled=0, arriving=1)
FloodCheck(flooding=False, reply=False)
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Final

import attrs

from layanan_aduan.exceptions import MessagingConfigurationError

__all__ = ["DEFAULT_FLOOD_POLICY", "MAX_FLOOD_WINDOW", "FloodCheck", "FloodPolicy"]

#: The longest window a flood policy may count over: a day.
MAX_FLOOD_WINDOW: Final = dt.timedelta(days=1)
#: The largest ``messages`` limit a flood policy takes.
_MAX_MESSAGES: Final = 100_000


def _messages(_instance: Any, _attribute: Any, value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= _MAX_MESSAGES:
        raise MessagingConfigurationError(
            f"Batas pesan banjir harus bilangan bulat antara 1 dan {_MAX_MESSAGES}.",
            f"The flood limit must be an integer between 1 and {_MAX_MESSAGES}.",
            code="invalid_flood_policy",
            field="messages",
        )


def _window(_instance: Any, _attribute: Any, value: dt.timedelta) -> None:
    if (
        not isinstance(value, dt.timedelta)
        or value < dt.timedelta(seconds=1)
        or value > MAX_FLOOD_WINDOW
    ):
        raise MessagingConfigurationError(
            "Jendela banjir harus antara 1 detik dan 1 hari.",
            "The flood window must be between 1 second and 1 day.",
            code="invalid_flood_policy",
            field="window",
        )


def _count(value: int, field: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise MessagingConfigurationError(
            f"{field} harus bilangan bulat nol atau lebih.",
            f"{field} must be an integer, zero or more.",
            code="invalid_count",
            field=field,
        )


@attrs.frozen
class FloodCheck:
    """
    What the desk does with a sender's arriving messages.

    Attributes:
        flooding: The sender floods: take the messages, hold back the desk's replies.
        reply: Send the one answer of this flood (``throttled``).
    """

    flooding: bool
    reply: bool


@attrs.frozen
class FloodPolicy:
    """
    When one sender's messages are a flood; with the defaults, the 11th message within 60
    seconds is the first one throttled.

    Attributes:
        messages: How many messages within ``window`` are still answered one by one
            (1 to 100,000; default 10).
        window: How far back the messages are counted, by the instants the desk's clock
            recorded (1 second to 1 day; default 60 seconds).

    Raises:
        MessagingConfigurationError: A limit outside its range (``invalid_flood_policy``).
    """

    messages: int = attrs.field(default=10, validator=_messages)
    window: dt.timedelta = attrs.field(default=dt.timedelta(seconds=60), validator=_window)

    def judge(self, *, recent: int, throttled: int, arriving: int) -> FloodCheck:
        """
        The check for ``arriving`` messages of a sender who sent ``recent`` messages in the
        last :attr:`window` before them, ``throttled`` of which were taken during a flood.

        Raises:
            MessagingConfigurationError: A count that is not an integer, zero or more
                (``invalid_count``).
        """
        _count(recent, "recent")
        _count(throttled, "throttled")
        _count(arriving, "arriving")
        flooding = recent + arriving > self.messages
        return FloodCheck(flooding=flooding, reply=flooding and throttled == 0)


#: More than 10 messages within 60 seconds.
DEFAULT_FLOOD_POLICY: Final = FloodPolicy()
