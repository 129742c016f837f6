"""
The service layer: the desk, the dispatcher and the composition root that wires their ports.

- :mod:`~layanan_aduan.service_layer.bootstrap`: :func:`compose` (every port given) and
  :func:`bootstrap` (the embedded default: a SQLite file and an evidence directory);
- :mod:`~layanan_aduan.service_layer.desk`: :class:`Desk`, from webhooks to the five steps and
  the transactional outbox;
- :mod:`~layanan_aduan.service_layer.dispatcher`: :class:`Dispatcher`, sending the outbox with
  retries, backoff with jitter and dead letters;
- :mod:`~layanan_aduan.service_layer.routing`: :class:`OfficeRouter`, sending each webhook to
  the desk of the office that owns the receiving business number;
- :mod:`~layanan_aduan.service_layer.report_stream`: reports over the storage ports (load,
  save, number and project them).

Importing builds nothing: no connection, file or client exists until :func:`compose` or
:func:`bootstrap` is called.
"""

from __future__ import annotations

from layanan_aduan.service_layer.bootstrap import Services, bootstrap, compose, evidence_dir_for
from layanan_aduan.service_layer.desk import (
    Desk,
    IngestResult,
    OutboxEntry,
    ReportLine,
    SlaState,
    StepResult,
    parse_details,
)
from layanan_aduan.service_layer.dispatcher import (
    DEFAULT_RETRY_POLICY,
    Dispatcher,
    DispatchSummary,
    RetryPolicy,
)
from layanan_aduan.service_layer.reprojection import (
    DeadlineReason,
    ReprojectedReport,
    ReprojectionResult,
)
from layanan_aduan.service_layer.routing import OfficeRouter

__all__ = [
    "DEFAULT_RETRY_POLICY",
    "DeadlineReason",
    "Desk",
    "DispatchSummary",
    "Dispatcher",
    "IngestResult",
    "OfficeRouter",
    "OutboxEntry",
    "ReportLine",
    "ReprojectedReport",
    "ReprojectionResult",
    "RetryPolicy",
    "Services",
    "SlaState",
    "StepResult",
    "bootstrap",
    "compose",
    "evidence_dir_for",
    "parse_details",
]
