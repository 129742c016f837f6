"""
The clock port: the one place that reads the wall clock.

Domain code never asks for the current time; it takes instants. The service
layer and the command line take a :class:`Clock` so tests can fix the time.
"""

from __future__ import annotations

import datetime as dt
from typing import Protocol, runtime_checkable

import attrs
import pendulum

from layanan_aduan.exceptions import NaiveDatetimeError, NotAnInstantError

__all__ = ["Clock", "FixedClock", "SystemClock"]


@runtime_checkable
class Clock(Protocol):
    """
    Port: a source of the current instant.
    """

    def now(self) -> pendulum.DateTime:
        """
        Return the current instant as an aware pendulum DateTime.
        """
        ...


@attrs.frozen
class SystemClock:
    """
    The real clock (UTC). The only reader of the wall clock in the library.
    """

    def now(self) -> pendulum.DateTime:
        return pendulum.now("UTC")  # noqa: TID251 - this is the clock port itself


@attrs.define
class FixedClock:
    """
    A clock that answers a set instant, for tests and replays.

    :meth:`advance` moves it forward; :meth:`set` puts it at any instant, earlier ones
    included (a replay that starts over).

    >>> clock = FixedClock(pendulum.datetime(2026, 1, 12, 9, 5, tz="Asia/Jakarta"))
    >>> clock.set(pendulum.datetime(2026, 1, 13, 8, 0, tz="Asia/Jakarta"))
    >>> clock.now().isoformat()
    '2026-01-13T08:00:00+07:00'
    >>> import datetime as dt
    >>> clock.set(dt.datetime(2026, 1, 13, 8, 0))
    Traceback (most recent call last):
    ...
    layanan_aduan.exceptions.NaiveDatetimeError: Waktu jam harus memakai zona waktu.
    """

    instant: pendulum.DateTime

    def now(self) -> pendulum.DateTime:
        return self.instant

    def advance(self, duration: pendulum.Duration) -> None:
        """
        Move the clock forward by ``duration``.
        """
        self.instant = self.instant + duration

    def set(self, instant: dt.datetime) -> None:
        """
        Put the clock at ``instant`` (aware; a stdlib datetime is taken as a pendulum one).

        Raises:
            NaiveDatetimeError: ``instant`` has no time zone.
            NotAnInstantError: ``instant`` is not a datetime.
        """
        if not isinstance(instant, dt.datetime):
            raise NotAnInstantError(
                "Waktu jam harus berupa datetime.",
                "The clock's instant must be a datetime.",
                field="instant",
            )
        if instant.utcoffset() is None:
            raise NaiveDatetimeError(
                "Waktu jam harus memakai zona waktu.",
                "The clock's instant must have a time zone.",
                field="instant",
            )
        self.instant = pendulum.instance(instant)
