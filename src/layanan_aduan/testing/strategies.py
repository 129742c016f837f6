"""
Hypothesis strategies for test suites built on layanan-aduan.

Install the ``testing`` extra. Every strategy is public API: downstream systems use
them to generate the library's inputs in their own property-based tests.

>>> from hypothesis import given
>>> @given(instants(min_year=2026, max_year=2026))
... def test_instants_are_aware(t):
...     assert t.tzinfo is not None
>>> test_instants_are_aware()
"""

from __future__ import annotations

import datetime as dt

import pendulum
from hypothesis import strategies as st

__all__ = ["instants", "register_type_strategies"]

_ZONES = ("Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura", "UTC")


@st.composite
def instants(
    draw: st.DrawFn,
    *,
    min_year: int = 2020,
    max_year: int = 2027,
    zones: tuple[str, ...] = _ZONES,
) -> pendulum.DateTime:
    """
    Aware instants, to the second, between ``min_year`` and ``max_year`` inclusive.

    Each is expressed in one of ``zones`` (WIB, WITA, WIT and UTC by default), so
    tests also check that answers do not depend on the input's time zone.
    """
    naive = draw(
        st.datetimes(
            min_value=dt.datetime(min_year, 1, 1),  # noqa: DTZ001 - hypothesis wants naive bounds
            max_value=dt.datetime(max_year, 12, 31, 23, 59, 59),  # noqa: DTZ001
        )
    ).replace(microsecond=0)
    utc = pendulum.instance(naive, tz="UTC")
    return utc.in_timezone(draw(st.sampled_from(zones)))


def register_type_strategies() -> None:
    """
    Register strategies for the library's types with ``st.register_type_strategy``.

    Called by hypothesis itself through the entry point; calling it again is harmless.
    """
    st.register_type_strategy(pendulum.DateTime, instants())
