"""
layanan-aduan: the domain library behind Kejaksaan public-complaint services over WhatsApp.

The public surface is re-exported here; implementation lives in private or layered modules:

- ``layanan_aduan.domain``: pure rules (calendar values, working time, reports, workflow);
- ``layanan_aduan.adapters``: technology behind the ports (holiday data, storage, WhatsApp);
- ``layanan_aduan.service_layer``: the desk that wires ports together;
- ``layanan_aduan.entrypoints``: the ``layanan-aduan`` command line;
- ``layanan_aduan.testing``: hypothesis strategies and contract suites for downstream tests.
"""

from __future__ import annotations

from layanan_aduan.clock import Clock, FixedClock, SystemClock
from layanan_aduan.domain.calendar import (
    DEFAULT_OFFICE_SCHEDULE,
    DayKind,
    DaySchedule,
    NonWorkingDay,
    OfficeSchedule,
    WorkingCalendar,
    WorkingInterval,
)
from layanan_aduan.exceptions import (
    CalendarError,
    LayananAduanError,
    MessagingError,
    NaiveDatetimeError,
    StorageError,
    ValidationError,
    WorkflowError,
)

__all__ = [
    "DEFAULT_OFFICE_SCHEDULE",
    "CalendarError",
    "Clock",
    "DayKind",
    "DaySchedule",
    "FixedClock",
    "LayananAduanError",
    "MessagingError",
    "NaiveDatetimeError",
    "NonWorkingDay",
    "OfficeSchedule",
    "StorageError",
    "SystemClock",
    "ValidationError",
    "WorkflowError",
    "WorkingCalendar",
    "WorkingInterval",
]
