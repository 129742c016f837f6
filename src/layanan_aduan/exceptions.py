"""
Every error the library raises.

One root, :class:`LayananAduanError`, and one subtree per layer: validation,
calendar and working time, workflow, storage and messaging. Each error carries
a stable machine-readable ``code`` (``snake_case`` English, never changed once
released), the ``field`` at fault where there is one, and a human message in
Indonesian (``message``, also ``str(error)``) with an English one beside it
(``message_en``).

Messages never contain personal data whole: callers pass values through
:func:`layanan_aduan.privacy.mask` before they reach a message.
"""

from __future__ import annotations

from typing import Any


class LayananAduanError(Exception):
    """
    Root of every error raised by layanan-aduan.

    Attributes:
        code: Stable machine-readable code, e.g. ``"naive_datetime"``.
        message: Human message in Indonesian (also ``str(error)``).
        message_en: The same message in English.
        field: The input field at fault, or ``None``.
        details: Extra machine-readable context (never personal data).
    """

    code: str = "layanan_aduan_error"

    def __init__(
        self,
        message: str,
        message_en: str,
        *,
        code: str | None = None,
        field: str | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.message_en = message_en
        if code is not None:
            self.code = code
        self.field = field
        self.details: dict[str, Any] = dict(details or {})

    def localized(self, language: str = "id") -> str:
        """
        Return the message in ``language`` (``"id"`` or ``"en"``).
        """
        return self.message_en if language == "en" else self.message

    def __repr__(self) -> str:
        name = type(self).__name__
        return f"{name}(code={self.code!r}, field={self.field!r}, message={self.message!r})"


# --- validation -------------------------------------------------------------------------------


class ValidationError(LayananAduanError, ValueError):
    """
    Input refused by a validation rule.
    """

    code = "validation_error"


class InvalidTypeError(ValidationError, TypeError):
    """
    A value of the wrong type, e.g. a number or bytes where text is expected.

    ``field`` names the argument; ``details["type"]`` the type given (never the value).
    Value objects refuse a wrong type with their own error instead (``nik_not_text`` is an
    :class:`InvalidNikError`), so that one ``except`` catches every refusal of a field.
    """

    code = "invalid_type"


class NaiveDatetimeError(ValidationError):
    """
    A datetime without a time zone was given where an instant is required.
    """

    code = "naive_datetime"


class InvalidNikError(ValidationError):
    """
    A NIK refused by its structure rules.

    ``code`` is the first rule broken (e.g. ``nik_unknown_province``);
    ``details["codes"]`` lists every rule broken.
    """

    code = "nik_invalid"


class InvalidPhoneNumberError(ValidationError):
    """
    A telephone number that cannot serve as a reporter's WhatsApp number.
    """

    code = "phone_invalid"


class InvalidWhatsAppUserIdError(ValidationError):
    """
    A WhatsApp business-scoped user id (BSUID) that is not of the form ``CC.<alnum>``.
    """

    code = "whatsapp_user_id_invalid"


class InvalidEvidenceError(ValidationError):
    """
    Evidence bytes that are empty, unrecognised, truncated, malformed or too large.
    """

    code = "evidence_invalid"


class RequirementsNotMetError(ValidationError):
    """
    The requirements (Persyaratan) are not met; ``problems`` holds every problem found.

    Each problem has ``code``, ``field``, ``message`` and ``message_en``
    (:class:`layanan_aduan.domain.requirements.Problem`).
    """

    code = "requirements_not_met"

    def __init__(
        self,
        message: str,
        message_en: str,
        *,
        problems: tuple[Any, ...] = (),
        code: str | None = None,
        field: str | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        merged = {"codes": [p.code for p in problems], **(details or {})}
        super().__init__(message, message_en, code=code, field=field, details=merged)
        self.problems: tuple[Any, ...] = tuple(problems)


class ConfigurationProblem:
    """
    One problem of an office configuration file: where it is, what it is, in both languages.

    Attributes:
        path: The key path at fault, e.g. ``"office.code"`` or ``"staff[2].roles[0]"``
            (empty for the file as a whole).
        line: The line of the key in the file, when known.
        code: A stable code, e.g. ``unknown_key``, ``invalid_type``, ``missing_key``.
        message: The problem, in Indonesian.
        message_en: The problem, in English.
    """

    __slots__ = ("code", "line", "message", "message_en", "path")

    def __init__(
        self, path: str, line: int | None, code: str, message: str, message_en: str
    ) -> None:
        self.path = path
        self.line = line
        self.code = code
        self.message = message
        self.message_en = message_en

    def localized(self, language: str = "id") -> str:
        """
        The problem as one line: ``baris 12: office.code: …`` (``line 12: …`` in English).
        """
        text = self.message_en if language == "en" else self.message
        where = ("line" if language == "en" else "baris") if self.line else ""
        prefix = f"{where} {self.line}: " if self.line else ""
        return f"{prefix}{self.path + ': ' if self.path else ''}{text}"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ConfigurationProblem):
            return NotImplemented
        return (self.path, self.line, self.code) == (other.path, other.line, other.code)

    def __hash__(self) -> int:
        return hash((self.path, self.line, self.code))

    def __repr__(self) -> str:
        return f"ConfigurationProblem(path={self.path!r}, line={self.line!r}, code={self.code!r})"


class ConfigurationError(ValidationError):
    """
    An office configuration that cannot be used; ``problems`` holds every problem found, each
    a :class:`ConfigurationProblem` with its line.
    """

    code = "invalid_configuration"

    def __init__(self, problems: Any) -> None:
        found = tuple(problems)
        n = len(found)
        super().__init__(
            f"Konfigurasi kantor memiliki {n} masalah:\n"
            + "\n".join(p.localized("id") for p in found),
            f"The office configuration has {n} problem(s):\n"
            + "\n".join(p.localized("en") for p in found),
            details={"codes": [p.code for p in found]},
        )
        self.problems: tuple[ConfigurationProblem, ...] = found


class PersonalDataKeyError(ValidationError):
    """
    A personal-data key that cannot be used: none configured where one is required
    (``personal_data_key_missing``), a key file or variable that is unreadable, of the wrong
    length or readable by others (``personal_data_key_invalid``), or a key id the keyring does
    not hold (``personal_data_key_unknown``). The message never holds key material.
    """

    code = "personal_data_key_invalid"


# --- installation -----------------------------------------------------------------------------


class MissingDependencyError(LayananAduanError, ImportError):
    """
    An adapter needs an optional extra that is not installed.

    ``details["extra"]`` names the extra (``"postgres"``, ``"whatsapp"``) and
    ``details["module"]`` the module that could not be imported; the message says what to
    install, e.g. ``pip install 'layanan-aduan[postgres]'``.
    """

    code = "missing_extra"


def missing_extra(module: str, extra: str) -> MissingDependencyError:
    """
    The error for ``module`` missing: install ``layanan-aduan[extra]``.

    >>> print(missing_extra("httpx", "whatsapp"))
    Modul httpx belum terpasang: pasang dengan pip install 'layanan-aduan[whatsapp]'.
    """
    command = f"pip install 'layanan-aduan[{extra}]'"
    return MissingDependencyError(
        f"Modul {module} belum terpasang: pasang dengan {command}.",
        f"The module {module} is not installed: install it with {command}.",
        field=extra,
        details={"extra": extra, "module": module},
    )


# --- calendar and working time ----------------------------------------------------------------


class CalendarError(LayananAduanError):
    """
    Errors of the working calendar and the working-time engine.
    """

    code = "calendar_error"


# calendar (layanan_aduan.domain.calendar, .overrides; adapters.holidays_id, .overrides_file)


class CalendarDataMissingError(CalendarError, LookupError):
    """
    Under the strict data policy: a date's year has no decreed holiday data yet (or a date
    in it is only estimated), so no answer can be given without guessing.

    ``details["year"]`` holds the year.
    """

    code = "calendar_data_missing"


class OverridesError(ValidationError, CalendarError):
    """
    Calendar overrides (closed days, reopened days, special hours) refused.

    ``field`` is the TOML key path at fault, e.g. ``closed.2025-08-18`` or
    ``special_hours[0].monday[1]``; ``code`` names the problem (``overrides_syntax``,
    ``invalid_date``, ``invalid_interval``, ``unknown_key``, ...).
    """

    code = "invalid_overrides"


# working-time engine (layanan_aduan.domain.worktime): input refusals are also ValidationErrors.


class NotAnInstantError(ValidationError, CalendarError, TypeError):
    """
    A value that is not a datetime was given where an instant is required.
    """

    code = "not_an_instant"


class InstantOrderError(ValidationError, CalendarError):
    """
    An interval's start lies after its end (elapsed time, a pause, an SLA clock).
    """

    code = "instant_order"


class InstantOutOfRangeError(ValidationError, CalendarError):
    """
    An instant lies in a year the working-time engine does not support (1 to 9998).
    """

    code = "instant_out_of_range"


class InvalidDurationError(ValidationError, CalendarError):
    """
    A working-time budget or SLA goal is negative, zero where it must be positive, or in
    calendar months or years (which have no fixed length in working time).
    """

    code = "invalid_duration"


class InvalidThresholdError(ValidationError, CalendarError):
    """
    SLA thresholds outside ``0 < at_risk <= critical <= 1``.
    """

    code = "invalid_threshold"


class NoWorkingTimeError(CalendarError):
    """
    No working time exists within the search horizon (e.g. an office with an empty week).
    """

    code = "no_working_time"


# --- workflow ---------------------------------------------------------------------------------


class WorkflowError(LayananAduanError):
    """
    Errors of the five-step procedure.
    """

    code = "workflow_error"


# workflow, history, report, standard (layanan_aduan.domain.workflow, .history, .report, .standard)


class WorkflowDefinitionError(WorkflowError):
    """
    A workflow table refused when it is built.

    ``code`` names the rule broken: ``no_start``, ``several_starts``, ``duplicate_state``,
    ``unknown_state``, ``unreachable_state``, ``transition_from_final``, ``dead_end`` or
    ``duplicate_action``; ``details`` names the states and actions at fault.
    """

    code = "workflow_definition_invalid"


class TransitionNotAllowedError(WorkflowError):
    """
    An action refused by the workflow table; nothing was changed.

    ``code`` is ``transition_not_allowed`` (a skipped or out-of-order step, or any action on
    a finished report), ``role_not_allowed`` (the right step by the wrong role),
    ``actor_not_allowed`` (a reporter other than the one who submitted) or ``unknown_action``.

    Attributes:
        action: The action attempted, e.g. ``"give_direction"``.
        state: The report's state when it was attempted (``None`` before it exists).
        role: The role of the actor who attempted it, e.g. ``"officer"``.
    """

    code = "transition_not_allowed"

    def __init__(
        self,
        message: str,
        message_en: str,
        *,
        action: str,
        state: str | None,
        role: str,
        code: str | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        merged = {"action": action, "state": state, "role": role, **(details or {})}
        super().__init__(message, message_en, code=code, field="action", details=merged)
        self.action = action
        self.state = state
        self.role = role


class RatingNotAllowedError(TransitionNotAllowedError):
    """
    The reporter's rating of the service (``rate``) refused; nothing was changed.

    ``code`` is ``report_not_completed`` (the follow-up has not been delivered, or the report
    was closed: there is nothing to rate yet) or ``rating_already_given`` (one rating per
    report; the first one stands). A rating outside 1-5 is a
    :class:`ReportInputError` (``rating_out_of_range``).
    """

    code = "report_not_completed"


class RequirementsAlreadyMetError(WorkflowError):
    """
    Completion of the requirements was requested, but nothing is missing.
    """

    code = "requirements_already_met"


class ReportInputError(WorkflowError, ValidationError):
    """
    Input to a report action refused (``code`` and ``field`` say which), e.g. an empty
    direction (``direction_required``) or an instant before the previous event
    (``instant_before_previous_event``).
    """

    code = "report_input_invalid"


class EventInstantError(ReportInputError):
    """
    The instant an action claims (or the instant it is recorded) falls outside what the
    report's history allows: ``instant_in_future`` (after the instant it is recorded),
    ``instant_before_previous_event``, ``recorded_before_previous_event`` (the clock went
    back), or ``late_entry_required`` (a staff step claimed earlier than the last recorded
    instant minus the tolerance, without a late-entry reason). Nothing is recorded.
    """

    code = "event_instant_refused"


class EventFormatError(WorkflowError, ValidationError):
    """
    A serialised history event that is not a well-formed event (``field`` names the key).
    """

    code = "event_invalid"


class HistoryTamperedError(WorkflowError):
    """
    A report's history failed verification: an event was edited, removed, reordered or
    inserted.

    ``details`` holds the first problem (``kind``, ``index``, ``seq``) and ``problems`` every
    one (:class:`layanan_aduan.domain.history.TamperProblem`).
    """

    code = "history_tampered"

    def __init__(
        self,
        message: str,
        message_en: str,
        *,
        problems: tuple[Any, ...] = (),
        code: str | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message, message_en, code=code, field="events", details=details)
        self.problems: tuple[Any, ...] = tuple(problems)


class HistorySignatureError(HistoryTamperedError):
    """
    A report's head (its version and last event's hash) is not signed by a key the desk
    trusts: the signature is missing (``head_signature_missing``), does not verify
    (``head_signature_invalid``), or names a key the verifier does not hold
    (``head_key_unknown``). A rewrite by someone with database access but not the key.

    ``details`` holds the report id and the key id named, never personal data.
    """

    code = "head_signature_invalid"


class CheckpointFormatError(ValidationError):
    """
    A checkpoint file that is not a checkpoint: a key missing or mistyped, or a count or root
    that does not match the heads it lists.
    """

    code = "checkpoint_invalid"


class EvidencePackFormatError(ValidationError):
    """
    A file given as an evidence pack that is not one (``layanan-aduan periksa-bukti``): not
    JSON, another format, or a key missing or of the wrong type. Nothing can be verified.
    """

    code = "evidence_pack_invalid"


class SigningKeyError(ValidationError):
    """
    A signing or verifying key that cannot be used: a key file readable by others
    (``key_file_permissions``), missing or unreadable (``key_file_unreadable``), not an
    Ed25519 key (``key_invalid``), or an environment variable that is not set
    (``key_env_missing``). The message names the file or variable, never the key.
    """

    code = "key_invalid"


class ServiceStandardError(ValidationError):
    """
    A service standard (office, channel, completion time) refused when it is built.
    """

    code = "service_standard_invalid"


# staff directory and verified roles (layanan_aduan.domain.staff, .ports.staff, the desk)


class InvalidStaffError(ValidationError):
    """
    Staff data refused: a member, an assignment or a staff file (``field`` is the path at
    fault, e.g. ``staff[2].roles[0].until``).

    ``code`` names the rule: ``staff_id_invalid``, ``staff_name_invalid``,
    ``staff_role_unknown``, ``assignment_dates_invalid`` (ends before it starts, or not a
    date), ``acting_without_dates`` (a Plh needs both dates), ``duplicate_staff_id``,
    ``duplicate_contact`` (two members of one office with one number or user id),
    ``contact_required``, ``invalid_office``, ``invalid_timezone``, ``staff_file_unreadable``,
    ``staff_file_invalid``.
    """

    code = "staff_invalid"


class StaffAuthorizationError(WorkflowError):
    """
    A step refused because the staff directory does not let this person take it now;
    nothing was changed.

    ``code`` is ``unknown_staff`` (no such member in the office's directory),
    ``role_not_held`` (the member lacks the role the step needs), ``outside_acting_dates``
    (a Plh outside the dates of their assignment), ``duties_delegated`` (the section head
    during the dates an acting section head holds their duties) or ``reporter_cannot_act``
    (the member's number or user id is the report's reporter's); the console's evidence view
    also says ``identity_sealed`` (a confidential report whose identity is sealed).

    Attributes:
        action: The step attempted, e.g. ``"give_direction"``.
        needed: The directory role the step needs, e.g. ``"section_head"``.
    """

    code = "staff_not_authorized"

    def __init__(
        self,
        message: str,
        message_en: str,
        *,
        action: str,
        needed: str,
        code: str | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        merged = {"action": action, "needed": needed, **(details or {})}
        super().__init__(message, message_en, code=code, field="actor", details=merged)
        self.action = action
        self.needed = needed


class ConsoleAuthError(LayananAduanError):
    """
    The officer console refused a login, a session or a form; nothing was changed.

    ``code`` is ``login_failed`` (an unknown staff id, a wrong password, no password set, or
    a member without a role in the office now: one answer for all, so that nobody learns which
    staff ids exist), ``login_locked`` (too many failed logins for this staff id within the
    window; ``details["retry_after_seconds"]``), ``csrf_invalid`` (a form without the
    session's token, or with another), ``session_expired`` (no session, an expired one, or
    one whose member left the directory), ``password_invalid`` (a new password too short
    or too long), ``password_file_invalid`` (the password file is not TOML of strings),
    ``session_secret_invalid`` (no session secret, or one under 32 characters),
    ``form_invalid`` (a form too large, not UTF-8, or with an action the console does not
    offer) or ``staff_directory_missing`` (a desk without a staff directory).
    """

    code = "console_auth"


class StaffRoleVacantError(WorkflowError, LookupError):
    """
    Nobody in the staff directory holds the role a notification must go to at that instant
    (code ``role_vacant``), or its holder has neither a number nor a user id
    (``holder_without_contact``); ``details["role"]`` names the role.
    """

    code = "role_vacant"


class RetentionRefusedError(WorkflowError):
    """
    A retention or subject-rights operation refused; nothing was changed.

    ``code`` is ``report_still_open`` (a subject's erasure while one of their reports is
    open: ``details["open"]`` lists the numbers), ``legal_hold`` (a report under a legal hold
    may not be erased: ``details["held"]``), ``already_held`` (a hold placed twice),
    ``not_held`` (a hold released that is not there), ``no_reports`` (nobody is found by the
    lookup) or ``erasure_unavailable`` (this installation cannot erase yet).
    """

    code = "retention_refused"


# --- storage ----------------------------------------------------------------------------------


class StorageError(LayananAduanError):
    """
    Errors raised by storage adapters (driver errors are translated into these).
    """

    code = "storage_error"


class StorageInputError(StorageError, ValueError):
    """
    An argument refused by a storage port: a bad cursor, limit, digest, telephone or event.
    """

    code = "storage_input_error"


class StorageUnavailableError(StorageError):
    """
    The storage cannot be reached or stays locked: try again later (``storage_busy`` when locked).
    """

    code = "storage_unavailable"


class StorageStateError(StorageError):
    """
    A storage object used in the wrong state: closed storage, finished or read-only unit of work.
    """

    code = "storage_state_error"


class SchemaVersionError(StorageError):
    """
    The database schema was written by a newer version of the library (``schema_too_new``), its
    version record is unreadable (``schema_unreadable``), or it is not ours (``schema_unknown``,
    ``foreign_database``, ``not_a_database``).
    """

    code = "schema_too_new"


class PersonalDataUnreadableError(StorageError):
    """
    Sealed personal data that does not open: altered, sealed for another row
    (``personal_data_unreadable``), or sealed under a key the keyring no longer holds
    (``personal_data_key_unknown``).
    """

    code = "personal_data_unreadable"


class ReportNotFoundError(StorageError, LookupError):
    """
    No report has the given id or number.
    """

    code = "report_not_found"


class ConcurrencyConflictError(StorageError):
    """
    The report changed since it was loaded (stale version): reload it and decide again.
    """

    code = "concurrency_conflict"


class DuplicateReportNumberError(StorageError):
    """
    The report number is already held by another report.
    """

    code = "duplicate_report_number"


class OutboxMessageNotFoundError(StorageError, LookupError):
    """
    No outbox message has the given idempotency key.
    """

    code = "outbox_message_not_found"


class WebhookNotFoundError(StorageError, LookupError):
    """
    No received webhook has this id.
    """

    code = "webhook_not_found"


class OutboxStateError(StorageError):
    """
    An outbox transition not allowed from the message's status (e.g. failing a sent message).
    """

    code = "outbox_invalid_transition"


class OutboxLeaseLostError(OutboxStateError):
    """
    A dispatcher's lease on an outbox message ran out and another claim (or a final state)
    replaced it: the dispatcher must leave the message alone.
    """

    code = "outbox_lease_lost"


class IdempotencyKeyConflictError(StorageError):
    """
    An outbox message with the same idempotency key but a different payload already exists.
    """

    code = "idempotency_key_conflict"


class EvidenceNotFoundError(StorageError, LookupError):
    """
    No evidence file has the given SHA-256 digest.
    """

    code = "evidence_not_found"


class EvidenceCorruptedError(StorageError):
    """
    A stored evidence file no longer matches its SHA-256 digest.
    """

    code = "evidence_corrupted"


class FilePermissionError(StorageError):
    """
    A file or folder holding personal data is open to the group or others and this user cannot
    make it private (another user owns it): ``file_permissions``; ``details`` give the path, its
    mode and the expected one.
    """

    code = "file_permissions"


# --- messaging --------------------------------------------------------------------------------


class MessagingError(LayananAduanError):
    """
    Errors raised by messaging adapters and webhook parsing.

    ``retryable`` tells a dispatcher whether the same message may succeed later
    unchanged (``True``) or will be refused again as it stands (``False``).
    """

    code = "messaging_error"
    retryable: bool = False


# messaging (layanan_aduan.messaging, .notifications, .drafts; adapters.whatsapp, .messaging)


class WebhookPayloadError(MessagingError, ValueError):
    """
    A webhook body that is malformed, truncated, oversized or hostile.

    ``field`` (also ``path``) is where the problem is, e.g.
    ``entry[0].changes[1].value.messages[2].timestamp``; ``"$"`` is the whole body.
    """

    code = "webhook_payload_invalid"

    @property
    def path(self) -> str:
        """
        Where in the payload the problem is (``"$"`` for the body as a whole).
        """
        return self.field or "$"


class UnknownBusinessNumberError(MessagingError, LookupError):
    """
    A webhook sent to a business number that no office of this deployment owns (or, given to
    one office's desk, to another office's number): refused whole, nothing is stored.
    """

    code = "unknown_business_number"


class WebhookSignatureError(MessagingError):
    """
    The ``X-Hub-Signature-256`` header is missing (``signature_missing``), not of the form
    ``sha256=<hex>`` (``signature_malformed``) or does not match (``signature_mismatch``).
    """

    code = "signature_mismatch"


class WebhookVerificationError(MessagingError):
    """
    A subscription handshake (``hub.mode``/``hub.verify_token``/``hub.challenge``) refused.
    """

    code = "verification_refused"


class InvalidMessageError(MessagingError, ValueError):
    """
    An outbound message, recipient or notification value refused at construction.
    """

    code = "invalid_message"


class MessagingConfigurationError(MessagingError, ValueError):
    """
    A messaging adapter's setting is missing or invalid (e.g. an unset environment variable).
    """

    code = "messaging_configuration_invalid"


class MessagingRetryLaterError(MessagingError):
    """
    The send may succeed later unchanged; ``retry_after`` is the wait the provider asked
    for, in seconds, or ``None``.
    """

    code = "retry_later"
    retryable = True

    def __init__(
        self,
        message: str,
        message_en: str,
        *,
        retry_after: float | None = None,
        code: str | None = None,
        field: str | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        merged = dict(details or {})
        if retry_after is not None:
            merged["retry_after_seconds"] = retry_after
        super().__init__(message, message_en, code=code, field=field, details=merged)
        self.retry_after = retry_after


class MessagingRateLimitedError(MessagingRetryLaterError):
    """
    The provider's rate limit was hit (Cloud API 130429, 131056, 131048, 80007, 4; HTTP 429).
    """

    code = "rate_limited"


class MessagingUnavailableError(MessagingRetryLaterError):
    """
    The provider could not be reached or failed (5xx, timeout, refused connection, unreadable
    answer). ``details["ambiguous"]`` is true when the message may have been sent anyway.
    """

    code = "messaging_unavailable"


class MessagingAuthError(MessagingRetryLaterError):
    """
    The access token was refused (expired, revoked, lacking permission): retryable once an
    operator has renewed it.
    """

    code = "messaging_auth_failed"


class RecipientUnreachableError(MessagingRetryLaterError):
    """
    The provider could not deliver to this recipient for now (Cloud API 131026).
    """

    code = "recipient_unreachable"


class MessageRejectedError(MessagingError):
    """
    The provider refused the message as it stands; resending it unchanged fails again.
    """

    code = "message_rejected"


class OutsideCustomerServiceWindowError(MessageRejectedError):
    """
    Free-form text refused: more than 24 hours since the user's last message (Cloud API
    131047). Send the approved template instead.
    """

    code = "outside_customer_service_window"


class InvalidRecipientError(MessageRejectedError):
    """
    The recipient cannot receive this message (e.g. Cloud API 131021, 131030).
    """

    code = "invalid_recipient"


class RecipientIdNotSupportedError(InvalidRecipientError):
    """
    A business-scoped user id cannot receive this message (Cloud API 131062): send to the
    telephone number instead.
    """

    code = "recipient_id_not_supported"


class MediaFetchError(MessagingError):
    """
    A media file could not be fetched and fetching it again will not help.
    """

    code = "media_fetch_failed"


class MediaNotFoundError(MediaFetchError, LookupError):
    """
    The media id is unknown or expired (webhook media ids expire after 7 days).
    """

    code = "media_not_found"


class MediaTooLargeError(MediaFetchError):
    """
    The media file is larger than the limit the caller set.
    """

    code = "media_too_large"


class MediaSpoolError(MessagingRetryLaterError):
    """
    A fetched media file could not be written to its temporary file (a full disk, a
    temporary directory that is gone): fetch it again later.
    """

    code = "media_spool_failed"


class MediaClosedError(MessagingError, ValueError):
    """
    A fetched media file was read after it was closed (its temporary file is deleted).
    """

    code = "media_closed"
