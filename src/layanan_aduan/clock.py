"""
The clock port: the one place that reads the wall clock.

Domain code never asks for the current time; it takes instants. The service
layer and the command line take a :class:`Clock` so tests can fix the time.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

import attrs
import pendulum

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
    A clock that answers a set instant, for tests and replays; :meth:`advance` moves it.
    """

    instant: pendulum.DateTime

    def now(self) -> pendulum.DateTime:
        return self.instant

    def advance(self, duration: pendulum.Duration) -> None:
        """
        Move the clock forward by ``duration``.
        """
        self.instant = self.instant + duration
