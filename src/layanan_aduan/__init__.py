"""
layanan-aduan: the domain library behind Kejaksaan public-complaint services over WhatsApp.

The public surface is re-exported here; implementation lives in private or layered modules:

- ``layanan_aduan.domain``: pure rules (calendar values, working time, reports, workflow);
- ``layanan_aduan.adapters``: technology behind the ports (holiday data, storage, WhatsApp);
- ``layanan_aduan.service_layer``: the desk that wires ports together;
- ``layanan_aduan.entrypoints``: the ``layanan-aduan`` command line;
- ``layanan_aduan.testing``: hypothesis strategies and contract suites for downstream tests;
- ``layanan_aduan.examples``: the bundled example webhook and screenshot (used by the demo).

``layanan_aduan.__version__`` is the installed distribution's version, read from its
metadata on first access (nothing is read at import time).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from layanan_aduan.adapters.evidence_store import (
    FilesystemEvidenceStore,
    InMemoryEvidenceStore,
)
from layanan_aduan.adapters.holidays_id import (
    PythonHolidaysSource,
    indonesian_calendar,
)
from layanan_aduan.adapters.messaging import (
    ConsoleMessenger,
    InboxSeenMessages,
    InMemoryMediaFetcher,
    InMemoryMessenger,
    InMemorySeenMessages,
)
from layanan_aduan.adapters.overrides_file import (
    load_overrides,
)
from layanan_aduan.adapters.storage.memory import (
    InMemoryStorage,
)
from layanan_aduan.adapters.storage.reports import (
    assign_report_number,
    load_report,
    load_report_by_number,
    save_report,
)
from layanan_aduan.adapters.storage.reports import project as project_report
from layanan_aduan.adapters.storage.sqlite import (
    SqliteStorage,
)
from layanan_aduan.adapters.whatsapp.inbound import (
    WhatsAppWebhook,
    compute_signature,
    parse_webhook,
)
from layanan_aduan.clock import (
    Clock,
    FixedClock,
    SystemClock,
)
from layanan_aduan.domain.calendar import (
    DEFAULT_OFFICE_SCHEDULE,
    DataPolicy,
    DayKind,
    DaySchedule,
    HolidaySource,
    NonWorkingDay,
    OfficeCalendar,
    OfficeSchedule,
    Overrides,
    Reopening,
    SpecialHours,
    WorkingCalendar,
    WorkingInterval,
    YearHolidays,
)
from layanan_aduan.domain.evidence import (
    EvidenceFile,
    EvidenceInspection,
    EvidenceLimits,
    MediaType,
    inspect_evidence,
    recognise,
)
from layanan_aduan.domain.history import (
    GENESIS_HASH,
    Event,
    TamperKind,
    TamperProblem,
    Verification,
    canonical_json,
    verify,
)
from layanan_aduan.domain.identity import (
    Nik,
    PhoneNumber,
    Reporter,
    Sex,
    WhatsAppUserId,
)
from layanan_aduan.domain.overrides import (
    format_overrides,
    parse_overrides,
)
from layanan_aduan.domain.report import (
    Actor,
    CloseReason,
    Report,
    ReporterDetails,
    ReportKind,
    format_report_number,
)
from layanan_aduan.domain.requirements import (
    Problem,
    Requirement,
    RequirementsCheck,
    check_requirements,
)
from layanan_aduan.domain.standard import (
    KEJARI_JAKARTA_PUSAT,
    Channel,
    ComplaintChannel,
    Office,
    ProcedureStep,
    ServiceStandard,
    StatedRequirement,
)
from layanan_aduan.domain.workflow import (
    REPORT_WORKFLOW,
    Action,
    ReportState,
    Role,
    StateSpec,
    Transition,
    Workflow,
    to_mermaid,
)
from layanan_aduan.domain.worktime import (
    DEFAULT_SLA_GOAL,
    DEFAULT_SLA_THRESHOLDS,
    Deadline,
    SlaReport,
    SlaStatus,
    SlaThresholds,
    WorkingDuration,
    WorkingTime,
)
from layanan_aduan.drafts import (
    Draft,
    DraftAssembler,
    select_new,
)
from layanan_aduan.exceptions import (
    CalendarDataMissingError,
    CalendarError,
    ConcurrencyConflictError,
    DuplicateReportNumberError,
    EventFormatError,
    EvidenceCorruptedError,
    EvidenceNotFoundError,
    HistoryTamperedError,
    IdempotencyKeyConflictError,
    InstantOrderError,
    InstantOutOfRangeError,
    InvalidDurationError,
    InvalidEvidenceError,
    InvalidMessageError,
    InvalidNikError,
    InvalidPhoneNumberError,
    InvalidRecipientError,
    InvalidThresholdError,
    InvalidWhatsAppUserIdError,
    LayananAduanError,
    MediaFetchError,
    MediaNotFoundError,
    MediaTooLargeError,
    MessageRejectedError,
    MessagingAuthError,
    MessagingConfigurationError,
    MessagingError,
    MessagingRateLimitedError,
    MessagingRetryLaterError,
    MessagingUnavailableError,
    NaiveDatetimeError,
    NotAnInstantError,
    NoWorkingTimeError,
    OutboxMessageNotFoundError,
    OutboxStateError,
    OutsideCustomerServiceWindowError,
    OverridesError,
    RecipientIdNotSupportedError,
    RecipientUnreachableError,
    ReportInputError,
    ReportNotFoundError,
    RequirementsAlreadyMetError,
    RequirementsNotMetError,
    SchemaVersionError,
    ServiceStandardError,
    StorageError,
    StorageInputError,
    StorageStateError,
    StorageUnavailableError,
    TransitionNotAllowedError,
    ValidationError,
    WebhookPayloadError,
    WebhookSignatureError,
    WebhookVerificationError,
    WorkflowDefinitionError,
    WorkflowError,
)
from layanan_aduan.messaging import (
    FetchedMedia,
    MediaFetcher,
    Messenger,
    OutboundMessage,
    Recipient,
    SeenMessages,
    SendResult,
    TemplateRef,
    deliver,
)
from layanan_aduan.notifications import (
    NotificationKind,
    NotificationRenderer,
    OfficeProfile,
    RenderedNotification,
)
from layanan_aduan.ports import (
    EvidenceStore,
    Inbox,
    Outbox,
    OutboxMessage,
    OutboxStatus,
    OutboxWriter,
    Page,
    ReportProjection,
    ReportRepository,
    ReportSummary,
    Storage,
    StoredReport,
    UnitOfWork,
)
from layanan_aduan.service_layer import (
    Desk,
    Dispatcher,
    DispatchSummary,
    IngestResult,
    RetryPolicy,
    Services,
    SlaState,
    StepResult,
    bootstrap,
    compose,
)

__all__ = [
    "DEFAULT_OFFICE_SCHEDULE",
    "DEFAULT_SLA_GOAL",
    "DEFAULT_SLA_THRESHOLDS",
    "GENESIS_HASH",
    "KEJARI_JAKARTA_PUSAT",
    "REPORT_WORKFLOW",
    "Action",
    "Actor",
    "CalendarDataMissingError",
    "CalendarError",
    "Channel",
    "Clock",
    "CloseReason",
    "ComplaintChannel",
    "ConcurrencyConflictError",
    "ConsoleMessenger",
    "DataPolicy",
    "DayKind",
    "DaySchedule",
    "Deadline",
    "Desk",
    "DispatchSummary",
    "Dispatcher",
    "Draft",
    "DraftAssembler",
    "DuplicateReportNumberError",
    "Event",
    "EventFormatError",
    "EvidenceCorruptedError",
    "EvidenceFile",
    "EvidenceInspection",
    "EvidenceLimits",
    "EvidenceNotFoundError",
    "EvidenceStore",
    "FetchedMedia",
    "FilesystemEvidenceStore",
    "FixedClock",
    "HistoryTamperedError",
    "HolidaySource",
    "IdempotencyKeyConflictError",
    "InMemoryEvidenceStore",
    "InMemoryMediaFetcher",
    "InMemoryMessenger",
    "InMemorySeenMessages",
    "InMemoryStorage",
    "Inbox",
    "InboxSeenMessages",
    "IngestResult",
    "InstantOrderError",
    "InstantOutOfRangeError",
    "InvalidDurationError",
    "InvalidEvidenceError",
    "InvalidMessageError",
    "InvalidNikError",
    "InvalidPhoneNumberError",
    "InvalidRecipientError",
    "InvalidThresholdError",
    "InvalidWhatsAppUserIdError",
    "LayananAduanError",
    "MediaFetchError",
    "MediaFetcher",
    "MediaNotFoundError",
    "MediaTooLargeError",
    "MediaType",
    "MessageRejectedError",
    "MessagingAuthError",
    "MessagingConfigurationError",
    "MessagingError",
    "MessagingRateLimitedError",
    "MessagingRetryLaterError",
    "MessagingUnavailableError",
    "Messenger",
    "NaiveDatetimeError",
    "Nik",
    "NoWorkingTimeError",
    "NonWorkingDay",
    "NotAnInstantError",
    "NotificationKind",
    "NotificationRenderer",
    "Office",
    "OfficeCalendar",
    "OfficeProfile",
    "OfficeSchedule",
    "OutboundMessage",
    "Outbox",
    "OutboxMessage",
    "OutboxMessageNotFoundError",
    "OutboxStateError",
    "OutboxStatus",
    "OutboxWriter",
    "OutsideCustomerServiceWindowError",
    "Overrides",
    "OverridesError",
    "Page",
    "PhoneNumber",
    "Problem",
    "ProcedureStep",
    "PythonHolidaysSource",
    "Recipient",
    "RecipientIdNotSupportedError",
    "RecipientUnreachableError",
    "RenderedNotification",
    "Reopening",
    "Report",
    "ReportInputError",
    "ReportKind",
    "ReportNotFoundError",
    "ReportProjection",
    "ReportRepository",
    "ReportState",
    "ReportSummary",
    "Reporter",
    "ReporterDetails",
    "Requirement",
    "RequirementsAlreadyMetError",
    "RequirementsCheck",
    "RequirementsNotMetError",
    "RetryPolicy",
    "Role",
    "SchemaVersionError",
    "SeenMessages",
    "SendResult",
    "ServiceStandard",
    "ServiceStandardError",
    "Services",
    "Sex",
    "SlaReport",
    "SlaState",
    "SlaStatus",
    "SlaThresholds",
    "SpecialHours",
    "SqliteStorage",
    "StateSpec",
    "StatedRequirement",
    "StepResult",
    "Storage",
    "StorageError",
    "StorageInputError",
    "StorageStateError",
    "StorageUnavailableError",
    "StoredReport",
    "SystemClock",
    "TamperKind",
    "TamperProblem",
    "TemplateRef",
    "Transition",
    "TransitionNotAllowedError",
    "UnitOfWork",
    "ValidationError",
    "Verification",
    "WebhookPayloadError",
    "WebhookSignatureError",
    "WebhookVerificationError",
    "WhatsAppUserId",
    "WhatsAppWebhook",
    "Workflow",
    "WorkflowDefinitionError",
    "WorkflowError",
    "WorkingCalendar",
    "WorkingDuration",
    "WorkingInterval",
    "WorkingTime",
    "YearHolidays",
    "assign_report_number",
    "bootstrap",
    "canonical_json",
    "check_requirements",
    "compose",
    "compute_signature",
    "deliver",
    "format_overrides",
    "format_report_number",
    "indonesian_calendar",
    "inspect_evidence",
    "load_overrides",
    "load_report",
    "load_report_by_number",
    "parse_overrides",
    "parse_webhook",
    "project_report",
    "recognise",
    "save_report",
    "select_new",
    "to_mermaid",
    "verify",
]


_UNKNOWN_VERSION: Final = "0+unknown"

if TYPE_CHECKING:
    __version__: str
else:
    # A module ``__getattr__`` (as attrs does) reads the metadata on first use only. Type
    # checkers see just ``__version__: str``, so a typo in another name is still caught.
    def __getattr__(name: str) -> str:
        if name == "__version__":
            from importlib import metadata

            try:
                return metadata.version("layanan-aduan")
            except metadata.PackageNotFoundError:
                # Run from a source tree without being installed (e.g. PYTHONPATH=src).
                return _UNKNOWN_VERSION
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
