"""
The desk: the service layer that turns WhatsApp messages into reports and runs the five steps.

A :class:`Desk` is built from its ports by the composition root
(:func:`layanan_aduan.service_layer.bootstrap.compose`); it holds no connection of its own.
Each operation is one unit of work of the storage: the report's new events, its projection
and the notifications the step causes are committed together or not at all, so a
notification is never lost and never put twice (its idempotency key names the report, the
event and the notification). The dispatcher (:mod:`layanan_aduan.service_layer.dispatcher`)
sends them afterwards.

- :meth:`Desk.ingest` takes a parsed webhook: each message is taken once (the storage
  inbox records its id in the same unit of work), one sender's messages of a batch sent
  within the draft window make one report, media are fetched through the media port,
  checked with :func:`~layanan_aduan.domain.evidence.inspect_evidence` and kept in the
  evidence store. The reporter's contact comes from the sender (the domain never fills it
  itself); name, NIK, address and e-mail from ``Nama:``, ``NIK:``, ``Alamat:``,
  ``Email:`` lines of the text, the kind from a ``Jenis:`` line, else a request for
  information when the text plainly asks and alleges nothing
  (:func:`~layanan_aduan.domain.kinds.recognise_kind`), else ``aduan``; the officer corrects
  it with :meth:`Desk.correct_kind`.
  A new report gets its number and the acknowledgement (number and deadline), and the
  list of what is missing when something is; a message from a sender whose report awaits
  completion completes it instead. WhatsApp delivers the text and the screenshot sent after
  it in separate webhooks: a message from a sender whose most recent report is still
  ``submitted`` (no officer has received it) and within the draft window of its last
  message is added to it (``add_to_submission``) with no second acknowledgement; the
  reporter hears again only when what is missing changed and something still is.
- :meth:`Desk.receive`, :meth:`Desk.forward`, :meth:`Desk.give_direction`,
  :meth:`Desk.deliver_follow_up` (steps 2 to 5), :meth:`Desk.request_completion` and
  :meth:`Desk.close` take the acting person's staff id; the role is never taken on trust:
  the office's staff directory must give them the step's role at the clock's instant
  (:func:`~layanan_aduan.domain.staff.authorize`: officers for the officer's steps, whoever
  holds the section head's duties, a Plh on their dates, for the direction), and the
  reporter never acts as staff on their own report. The events record who, the workflow
  role and the directory role (``actor_staff_role``).
- The handover and the SLA alerts go to whoever holds the section head's duties at that
  instant (the Plh on their dates); with ``escalate_breaches_to_office_head`` a breach
  alert also goes to the office head.
- :meth:`Desk.sweep_sla` enqueues the at-risk and breached alerts (and, on a breach, the
  channel for complaints about the service) once per report.
- :meth:`Desk.record_statuses` marks outbox messages sent when WhatsApp confirms them.
- :meth:`Desk.erase_personal_data` erases an ended report's personal data (UU 27/2022) and
  keeps its history verifiable (see :mod:`~layanan_aduan.service_layer.erasure`).
- :meth:`Desk.reseal_personal_data` re-seals personal data under a new key while the desk
  serves (see :mod:`~layanan_aduan.service_layer.key_rotation`).
- :meth:`Desk.reproject` recomputes the SLA projections of open reports stored with another
  calendar (run when the desk starts; see :mod:`~layanan_aduan.service_layer.reprojection`).
- A staff member's WhatsApp reply to the handover (``context.id`` names the message replied
  to, whose channel id the outbox keeps) is the section head's direction for that report;
  a sender who floods is answered once, not message by message (docs/desk.md).

A refused operation raises the library's typed error and changes nothing.
"""

from __future__ import annotations

from layanan_aduan.service_layer._desk_core import DeskCore, OutboxEntry, StepResult
from layanan_aduan.service_layer.erasure import Erasing, ErasureResult
from layanan_aduan.service_layer.intake import (
    REPORT_ID_NAMESPACE,
    IngestResult,
    Intake,
    parse_details,
)
from layanan_aduan.service_layer.key_rotation import KeyRotation, ResealResult
from layanan_aduan.service_layer.queries import Queries, ReportLine, SlaState
from layanan_aduan.service_layer.reprojection import Reprojection
from layanan_aduan.service_layer.sla_watch import SlaWatch
from layanan_aduan.service_layer.steps import Steps

__all__ = [
    "REPORT_ID_NAMESPACE",
    "Desk",
    "DeskCore",
    "ErasureResult",
    "IngestResult",
    "OutboxEntry",
    "ReportLine",
    "ResealResult",
    "SlaState",
    "StepResult",
    "parse_details",
]


class Desk(Intake, Steps, SlaWatch, Queries, Reprojection, Erasing, KeyRotation):
    """
    The service desk over its ports (build it with
    :func:`~layanan_aduan.service_layer.bootstrap.compose`).

    Args:
        storage: Reports, outbox and inbox.
        evidence: Where evidence files are kept.
        media: Fetches inbound media.
        clock: The current instant.
        standard: The service standard (office code, completion time, complaint channel).
        working_time: The office's working-time engine.
        staff: The office's staff directory: who may take which step, and where the section
            head's (and the office head's) notifications go. A step that would notify a
            role nobody holds is refused (``StaffRoleVacantError``).
        renderer: The notification templates (the standard's office by default).
        draft_window: How close one sender's messages must be to make one report: within
            a batch, and across webhooks while the report is still ``submitted``.
        limits: Evidence size limits.
        escalate_breaches_to_office_head: Also send each breach alert to the office head
            (Kepala Kejaksaan Negeri), when the directory has one.
        business_numbers: The office's business numbers as the channel names them (the
            WhatsApp ``phone_number_id``, or a display number); the office's own WhatsApp
            number always belongs. :meth:`ingest` refuses a webhook sent to any other.
        thresholds: When a running SLA clock counts as at risk (the sweep's first alert).
        language: The language of the notifications (``"id"``, or ``"en"``).
        clock_skew: How far in the future a message's own timestamp is believed (see
            :meth:`bounded`).
        redelivery_window: How old a message's own timestamp is believed.
        signing: Signs every report head saved and verifies every head loaded with the
            office's key (:class:`~layanan_aduan.service_layer.signing.HeadSigning`); a
            rewrite by someone with database access only is then refused on load
            (``HistorySignatureError``).
        flood: When one sender's messages are a flood: every message is still taken, but
            the desk's replies to that sender are held back and they get one answer saying so
            (see :mod:`~layanan_aduan.service_layer.throttle`).

    A desk is bound to the office of its standard (``standard.office.code``): it stores every
    report, outbox message and inbox entry as that office's, and its steps, listings and
    sweeps see that office's reports only; another office's report is not found.
    """
