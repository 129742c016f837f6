"""
Hypothesis entry point: registers the library's strategies for its types, so that
``st.from_type(Nik)`` works in downstream test suites with nothing to call.

Hypothesis calls :func:`_hypothesis_setup_hook` while it is itself being imported
(through the ``hypothesis`` entry point in ``pyproject.toml``). The strategies module
imports hypothesis, so it cannot be imported here: each type is registered with a
resolver that imports it on first use, when hypothesis is whole.
"""

from __future__ import annotations

from typing import Any


def _resolve(type_: type) -> Any:
    from layanan_aduan.testing.strategies import type_strategies

    return type_strategies()[type_]


def _hypothesis_setup_hook() -> None:
    import pendulum
    from hypothesis import strategies as st

    from layanan_aduan.domain.calendar import OfficeSchedule, Overrides
    from layanan_aduan.domain.evidence import EvidenceFile
    from layanan_aduan.domain.identity import Nik, PhoneNumber, Reporter, WhatsAppUserId
    from layanan_aduan.domain.report import Actor, Report
    from layanan_aduan.domain.standard import Office, RequirementPolicy, ServiceStandard

    types: tuple[type, ...] = (
        pendulum.DateTime,
        Nik,
        PhoneNumber,
        WhatsAppUserId,
        Reporter,
        EvidenceFile,
        Report,
        Actor,
        OfficeSchedule,
        Office,
        RequirementPolicy,
        ServiceStandard,
        Overrides,
    )
    for type_ in types:
        st.register_type_strategy(type_, _resolve)
