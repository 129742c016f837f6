"""
What every storage adapter shares: argument checks, canonical JSON, instants, cursors and errors.

Kept in one place so the in-memory, SQLite and PostgreSQL adapters refuse the same inputs with
the same codes, which the contract suite checks. The public methods of the ports live here too
(:class:`RepositoryChecks`, :class:`OutboxWriterChecks`, :class:`InboxChecks`,
:class:`OutboxChecks`): each checks its arguments and hands the checked values to a private
method that the adapter supplies, so an adapter holds only what differs.
"""

from __future__ import annotations

import abc
import datetime as dt
import json
import re
import uuid
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final, Literal

import attrs
import pendulum

from layanan_aduan.adapters.field_cipher import PlainFieldCipher
from layanan_aduan.domain.statistics import event_row
from layanan_aduan.exceptions import (
    ConcurrencyConflictError,
    DuplicateReportNumberError,
    IdempotencyKeyConflictError,
    NaiveDatetimeError,
    OutboxLeaseLostError,
    OutboxMessageNotFoundError,
    OutboxStateError,
    ReportNotFoundError,
    StorageInputError,
    StorageStateError,
    StorageUnavailableError,
)
from layanan_aduan.ports import (
    DEFAULT_PAGE_SIZE,
    MAX_PAGE_SIZE,
    FieldCipher,
    OutboxMessage,
    OutboxStatus,
    Page,
    PersonalErasure,
    ReportEvents,
    ReportProjection,
    ReportSummary,
    ReportTimeline,
    SenderActivity,
    SlaDue,
    StoredReport,
)
from layanan_aduan.privacy import redact_identifiers

_E164 = re.compile(r"\+[1-9][0-9]{6,14}")
_MAX_ID = 200
_MAX_ERROR_TEXT = 1000

# --- instants ---------------------------------------------------------------------------------


def utc(value: dt.datetime, field: str) -> pendulum.DateTime:
    """
    Return ``value`` as a pendulum instant in UTC; refuse a naive datetime.
    """
    if not isinstance(value, dt.datetime):
        raise StorageInputError(
            f"Nilai {field} harus berupa waktu.",
            f"{field} must be a datetime.",
            code="invalid_instant",
            field=field,
        )
    if value.tzinfo is None or value.utcoffset() is None:
        raise NaiveDatetimeError(
            "Waktu tanpa zona waktu tidak diterima.",
            "A datetime without a time zone is not accepted.",
            field=field,
        )
    if type(value) is pendulum.DateTime and value.tzinfo is pendulum.UTC:
        return value  # already what is asked: no copy (most instants a step passes)
    return pendulum.instance(value).in_timezone("UTC")


def instant_text(value: dt.datetime) -> str:
    """
    Fixed-width UTC text for an instant, so text order is time order (SQLite columns).

    >>> instant_text(pendulum.datetime(2026, 1, 9, 8, tz="Asia/Jakarta"))
    '2026-01-09T01:00:00.000000Z'
    """
    return utc(value, "instant").strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_instant_text(text: str) -> pendulum.DateTime:
    """
    Read an instant written by :func:`instant_text`.

    >>> parse_instant_text('2026-01-09T01:00:00.000000Z').isoformat()
    '2026-01-09T01:00:00+00:00'
    """
    if len(text) == 27 and text[10] == "T" and text[19] == "." and text[26] == "Z":
        naive = dt.datetime.fromisoformat(text[:26])  # the stdlib's fast parser
    else:  # not the fixed width written: the strict parser says what is wrong
        naive = dt.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ")  # noqa: DTZ007 - Z is UTC
    if naive.tzinfo is not None:
        raise ValueError(f"not an instant written by instant_text: {text!r}")
    return pendulum.DateTime(
        naive.year,
        naive.month,
        naive.day,
        naive.hour,
        naive.minute,
        naive.second,
        naive.microsecond,
        tzinfo=pendulum.UTC,
    )


# --- JSON -------------------------------------------------------------------------------------


def canonical_json(value: Mapping[str, Any], field: str) -> str:
    """
    Encode a JSON object canonically (sorted keys, no spaces, UTF-8); refuse what would not
    come back equal (tuples, non-str keys, NaN, objects).

    >>> canonical_json({"b": 1, "a": [True, None, "é"]}, "event")
    '{"a":[true,null,"é"],"b":1}'
    """
    error = StorageInputError(
        f"Nilai {field} harus objek JSON yang kembali utuh saat dibaca.",
        f"{field} must be a JSON object that reads back unchanged.",
        code="not_json_object",
        field=field,
    )
    if not isinstance(value, Mapping):
        raise error
    try:
        text = json.dumps(
            dict(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
        )
    except (TypeError, ValueError) as e:
        raise error from e
    if json.loads(text) != value:
        raise error
    return text


def load_json(text: str) -> dict[str, Any]:
    """
    Decode a JSON object written by :func:`canonical_json`.
    """
    value = json.loads(text)
    if not isinstance(value, dict):
        raise TypeError("stored JSON is not an object")
    return value


# --- argument checks --------------------------------------------------------------------------


def check_text(value: object, field: str, max_length: int = _MAX_ID) -> str:
    """
    Return ``value`` when it is non-empty text of at most ``max_length`` characters.
    """
    if (
        not isinstance(value, str)
        or not value.strip()
        or len(value) > max_length
        or any(ord(c) < 32 for c in value)
    ):
        raise StorageInputError(
            f"Nilai {field} harus teks tidak kosong, paling panjang {max_length} karakter.",
            f"{field} must be non-empty text of at most {max_length} characters.",
            code="invalid_text",
            field=field,
        )
    return value


_CONTROL = re.compile(r"[\x00-\x1f]")


def check_keys(values: Iterable[object], field: str) -> list[str]:
    """
    The texts of ``values``, each checked as :func:`check_text` checks one, without repeats,
    in order. Checked all at once (a bulk lookup checks thousands of keys); when one fails,
    :func:`check_text` names it.
    """
    items = list(values)
    texts: list[str] = [v for v in items if type(v) is str]
    if not (
        len(texts) == len(items)
        and max(map(len, texts), default=0) <= _MAX_ID
        and all(map(str.strip, texts))
        and _CONTROL.search("".join(texts)) is None
    ):
        texts = [check_text(value, field) for value in items]
    return list(dict.fromkeys(texts))


def check_version(value: object, field: str = "expected_version") -> int:
    """
    Return ``value`` when it is a version number (an int, zero or more).
    """
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise StorageInputError(
            "Versi laporan harus bilangan bulat nol atau lebih.",
            "The report version must be an integer, zero or more.",
            code="invalid_version",
            field=field,
        )
    return value


def encode_events(events: Sequence[Mapping[str, Any]], expected_version: int) -> list[str]:
    """
    Canonical JSON of each event of a step; creating a report takes at least one event.
    """
    if isinstance(events, (str, bytes, Mapping)) or not isinstance(events, Sequence):
        raise StorageInputError(
            "Peristiwa harus berupa daftar objek JSON.",
            "Events must be a list of JSON objects.",
            code="not_json_object",
            field="events",
        )
    if not events and expected_version == 0:
        raise StorageInputError(
            "Laporan baru harus membawa paling sedikit satu peristiwa.",
            "A new report must carry at least one event.",
            code="no_events",
            field="events",
        )
    return [canonical_json(e, "events") for e in events]


# --- personal data: the vault beside the events, blind indexes ---------------------------------

#: The blind-index purposes of the columns that find a reporter and count a sender.
PHONE_INDEX: Final = "reporter_phone"
USER_INDEX: Final = "reporter_user_id"
SENDER_INDEX: Final = "inbox_sender"


def vault_context(report_id: str, seq: int) -> str:
    """
    What a vault entry is sealed for: its report and event (a sealed entry copied to another
    row does not open there).
    """
    return f"report_personal/{report_id}/{seq}"


@attrs.frozen
class SealedStep:
    """
    One step as an adapter stores it: the events' canonical JSON without their personal data,
    the sealed vault entries ``(seq, sealed, key_id)``, and the reporter's blind indexes (what
    the projection's ``reporter_phone`` / ``reporter_user_id`` columns hold).
    """

    events: list[str]
    personal: list[tuple[int, str, str]]
    phone_index: str | None
    user_index: str | None
    evidence: frozenset[str] = frozenset()


def seal_step(
    cipher: FieldCipher,
    report_id: str,
    expected_version: int,
    events: Sequence[Mapping[str, Any]],
    projection: ReportProjection,
) -> SealedStep:
    """
    Split each event's ``personal_data`` off into a vault entry sealed by ``cipher``, and index
    the projection's reporter keys: what a step writes holds no personal value in the clear.
    """
    texts = encode_events(events, expected_version)
    personal: list[tuple[int, str, str]] = []
    evidence: set[str] = set()
    for offset, event in enumerate(events, start=1):
        vault = event.get("personal_data")
        if vault is None:
            continue
        if not isinstance(vault, Mapping):
            raise StorageInputError(
                "Data pribadi peristiwa harus berupa objek JSON.",
                "An event's personal data must be a JSON object.",
                code="not_json_object",
                field="events",
            )
        seq = expected_version + offset
        rest = {k: v for k, v in event.items() if k != "personal_data"}
        texts[offset - 1] = canonical_json(rest, "events")
        sealed = cipher.seal(canonical_json(vault, "events"), vault_context(report_id, seq))
        personal.append((seq, sealed, cipher.key_id))  # sealed under the current key
        evidence.update(_evidence_digests(vault))
    phone, user = projection.reporter_phone, projection.reporter_user_id
    return SealedStep(
        texts,
        personal,
        None if phone is None else cipher.blind_index(phone, PHONE_INDEX),
        None if user is None else cipher.blind_index(user, USER_INDEX),
        frozenset(evidence),
    )


def _evidence_digests(vault: Mapping[str, Any]) -> set[str]:
    # The evidence files a vault entry names (``values.payload.evidence[].sha256``).
    values = vault.get("values")
    payload = values.get("payload") if isinstance(values, Mapping) else None
    files = payload.get("evidence") if isinstance(payload, Mapping) else None
    if not isinstance(files, Sequence) or isinstance(files, str):
        return set()
    return {
        f["sha256"] for f in files if isinstance(f, Mapping) and isinstance(f.get("sha256"), str)
    }


def open_vault(
    cipher: FieldCipher,
    report_id: str,
    events: list[dict[str, Any]],
    first_seq: int,
    entries: Iterable[tuple[int, str]],
) -> tuple[dict[str, Any], ...]:
    """
    ``events`` (``seq`` ``first_seq``, ``first_seq + 1``, ...) with their vault entries opened
    back into ``personal_data``. An event whose entry was erased reads without it.
    """
    for seq, sealed in entries:
        index = seq - first_seq
        if 0 <= index < len(events):
            text = cipher.open(sealed, vault_context(report_id, seq))
            events[index]["personal_data"] = load_json(text)
    return tuple(events)


#: The payload an outbox message keeps once its report's personal data was erased.
ERASED_PAYLOAD: Final = {"erased": True}
#: The ``last_error`` of a message that was still pending when its report was erased.
ERASED_ERROR: Final = "personal_data_erased"


def seal_payload(cipher: FieldCipher, key: str, text: str) -> str:
    """
    An outbox payload (canonical JSON) as stored: sealed for its key when ``cipher``
    encrypts (a notification holds a telephone number and may name the reporter).
    """
    return cipher.seal(text, f"outbox/{key}") if cipher.encrypts else text


def open_payload_text(cipher: FieldCipher, key: str, stored: str) -> str:
    """
    The canonical JSON of a stored outbox payload (one stored before sealing, or with a
    cipher that does not encrypt, is JSON already).
    """
    return stored if stored.startswith("{") else cipher.open(stored, f"outbox/{key}")


_PLAIN: Final = PlainFieldCipher()
#: The blind-index purpose of the inbox's message ids once their report's data is erased.
MESSAGE_INDEX: Final = "inbox_message"


def erased_message_indexes(cipher: FieldCipher, message_id: str) -> tuple[str, ...]:
    """
    The indexes an erased report's inbox entry for ``message_id`` may be kept under (every key
    held, and the unkeyed digest), current first.
    """
    unkeyed = _PLAIN.blind_index(message_id, MESSAGE_INDEX)
    return tuple(dict.fromkeys((*cipher.blind_indexes(message_id, MESSAGE_INDEX), unkeyed)))


def reporter_indexes(cipher: FieldCipher, value: str | None, purpose: str) -> tuple[str, ...]:
    """
    The blind indexes a lookup of ``value`` matches: under every key held (a rotation in
    progress), the unkeyed digest a storage without a key wrote, and the value itself, which a
    row written before blind indexes (schema version 9 and older) holds; the last two until
    the re-sealing of a key rotation re-indexes them
    (:meth:`~layanan_aduan.service_layer.key_rotation.KeyRotation.reseal_personal_data`).
    """
    if value is None:
        return ()
    unkeyed = _PLAIN.blind_index(value, purpose)
    return tuple(dict.fromkeys((*cipher.blind_indexes(value, purpose), unkeyed, value)))


def check_limit(limit: object) -> int:
    """
    Return ``limit`` when it is a page size from 1 to ``MAX_PAGE_SIZE``.
    """
    if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= MAX_PAGE_SIZE:
        raise StorageInputError(
            f"Ukuran halaman harus 1 sampai {MAX_PAGE_SIZE}.",
            f"The page size must be from 1 to {MAX_PAGE_SIZE}.",
            code="invalid_limit",
            field="limit",
        )
    return limit


def cursor_position(after: object) -> int:
    """
    The position a cursor points after (0 for the first page).

    >>> cursor_position(None), cursor_position(encode_cursor(42))
    (0, 42)
    """
    if after is None:
        return 0
    if isinstance(after, str) and re.fullmatch(r"p[1-9][0-9]{0,18}", after):
        return int(after[1:])
    raise StorageInputError(
        "Penunjuk halaman tidak dikenal.",
        "Unknown page cursor.",
        code="invalid_cursor",
        field="after",
    )


def encode_cursor(position: int) -> str:
    """
    The opaque cursor for the item at ``position``.
    """
    return f"p{position}"


def check_phone(phone: object) -> str:
    """
    Return ``phone`` when it is an E.164 telephone number.
    """
    if not isinstance(phone, str) or not _E164.fullmatch(phone):
        raise StorageInputError(
            "Nomor telepon harus dalam format E.164 (mis. +62812...).",
            "The telephone number must be in E.164 form (e.g. +62812...).",
            code="invalid_phone_number",
            field="phone",
        )
    return phone


def check_reporter_query(phone: str | None, user_id: str | None) -> None:
    """
    A reporter query names a telephone number, a WhatsApp user id, or both.
    """
    if phone is None and user_id is None:
        raise StorageInputError(
            "Sebutkan nomor telepon atau id pengguna WhatsApp pelapor.",
            "Give the reporter's telephone number or WhatsApp user id.",
            code="missing_reporter_key",
            field="phone",
        )
    if phone is not None:
        check_phone(phone)
    if user_id is not None:
        check_text(user_id, "user_id")


def check_year(year: object) -> int:
    """
    Return ``year`` when it is a plausible calendar year.
    """
    if not isinstance(year, int) or isinstance(year, bool) or not 1900 <= year <= 9999:
        raise StorageInputError(
            "Tahun harus antara 1900 dan 9999.",
            "The year must be between 1900 and 9999.",
            code="invalid_year",
            field="year",
        )
    return year


def check_max_attempts(value: object) -> int:
    """
    Return ``value`` when it is a positive number of attempts.
    """
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise StorageInputError(
            "Jumlah percobaan maksimum harus 1 atau lebih.",
            "The maximum number of attempts must be 1 or more.",
            code="invalid_max_attempts",
            field="max_attempts",
        )
    return value


def check_lease(value: object) -> int:
    """
    Return ``value`` when it is a positive lease in seconds.
    """
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise StorageInputError(
            "Masa sewa pesan harus 1 detik atau lebih.",
            "The lease must be 1 second or more.",
            code="invalid_lease",
            field="lease_seconds",
        )
    return value


def error_text(error: object) -> str:
    """
    The failure text kept with an outbox message, cut to a bounded length.
    """
    if not isinstance(error, str):
        raise StorageInputError(
            "Keterangan kegagalan harus teks.",
            "The failure description must be text.",
            code="invalid_text",
            field="error",
        )
    return error[:_MAX_ERROR_TEXT]


# --- report filters ---------------------------------------------------------------------------


@attrs.frozen
class ReportFilter:
    """
    The conditions of a report listing; every given condition must hold.

    ``phone``/``user_id`` hold the blind indexes a reporter lookup matches (one per key held);
    a report matches when either matches. ``at_risk_at``/``breached_at`` select the reports at
    risk (not breached) / breached at that instant.
    """

    office: str | None = None
    state: str | None = None
    phone: tuple[str, ...] | None = None
    user_id: tuple[str, ...] | None = None
    at_risk_at: pendulum.DateTime | None = None
    breached_at: pendulum.DateTime | None = None
    kind: str | None = None
    open_only: bool = False
    due_before: pendulum.DateTime | None = None
    stale_for: str | None = None
    received_from: pendulum.DateTime | None = None
    received_before: pendulum.DateTime | None = None


# --- the ports, checked: each adapter extends these and supplies the private methods ----------


def _office(office: str | None) -> str | None:
    if office is not None:
        check_text(office, "office", 64)
    return office


class RepositoryChecks(abc.ABC):
    """
    The :class:`layanan_aduan.ports.ReportRepository`, its arguments checked once for every
    adapter.

    Each method checks its arguments, then asks a private method, which the adapter supplies
    with the checked values: :meth:`_find`, :meth:`_write`, :meth:`_next_number`, :meth:`_select`.
    """

    @abc.abstractmethod
    def _find(self, column: str, value: str, after: int) -> StoredReport | None:
        """
        The report whose ``column`` (``report_id`` or ``number``) is ``value``, if any, with
        its events after version ``after``.
        """

    @property
    @abc.abstractmethod
    def _cipher(self) -> FieldCipher:
        """
        What seals the vault and makes the blind indexes (the storage's).
        """

    @abc.abstractmethod
    def _write(
        self,
        report_id: str,
        expected_version: int,
        step: SealedStep,
        projection: ReportProjection,
    ) -> int:
        """
        Append the events and their vault entries (``step``) and replace the projection (its
        reporter columns hold ``step``'s blind indexes).
        """

    @abc.abstractmethod
    def _erase(self, report_id: str) -> PersonalErasure:
        """
        Delete the vault entries and evidence references of ``report_id``, clear its reporter
        indexes and its notifications' payloads. Raise ``ReportNotFoundError`` when there is
        no such report.
        """

    @abc.abstractmethod
    def _next_number(self, office: str, year: int) -> int:
        """
        Move the report counter of ``office`` in ``year`` on; return its new value.
        """

    @abc.abstractmethod
    def _select(self, f: ReportFilter, limit: int, start: int) -> Page[ReportSummary]:
        """
        One page of the reports matching ``f``, in position order, after position ``start``.
        """

    @abc.abstractmethod
    def _sla_due(self, at: pendulum.DateTime, office: str | None) -> tuple[SlaDue, ...]:
        """
        The reports at risk or breached at ``at`` (of ``office`` when given), position order.
        """

    @abc.abstractmethod
    def _select_events(self, f: ReportFilter, limit: int, start: int) -> Page[ReportEvents]:
        """
        Like :meth:`_select`, giving each report's events instead of its projection.
        """

    def _select_timelines(self, f: ReportFilter, limit: int, start: int) -> Page[ReportTimeline]:
        """
        Like :meth:`_select_events`, giving each report's event rows; by default read from
        its events (an SQL adapter builds the rows in its query instead).
        """
        page = self._select_events(f, limit, start)
        return Page(
            tuple(ReportTimeline(r.report_id, tuple(map(event_row, r.events))) for r in page.items),
            page.next_cursor,
        )

    @abc.abstractmethod
    def _add_audit(self, report_id: str, text: str, recorded_at: pendulum.DateTime) -> int:
        """
        Append the audit record ``text`` (canonical JSON) to the stored report ``report_id``;
        return its sequence number. Raise ``ReportNotFoundError`` when there is no such report.
        """

    @abc.abstractmethod
    def _audit(self, report_id: str) -> list[tuple[int, pendulum.DateTime, str]]:
        """
        The audit records of ``report_id`` as ``(seq, recorded_at, text)``, oldest first.
        """

    def add_audit_record(
        self, report_id: str, record: Mapping[str, Any], *, recorded_at: pendulum.DateTime
    ) -> int:
        check_text(report_id, "report_id")
        text = canonical_json(record, "record")
        return self._add_audit(report_id, text, utc(recorded_at, "recorded_at"))

    def audit_records(self, report_id: str) -> tuple[dict[str, Any], ...]:
        check_text(report_id, "report_id")
        return tuple(
            {**load_json(text), "seq": seq, "recorded_at": at.isoformat()}
            for seq, at, text in self._audit(report_id)
        )

    def get(self, report_id: str, *, after: int = 0) -> StoredReport:
        check_text(report_id, "report_id")
        check_version(after, "after")
        found = self._find("report_id", report_id, after)
        if found is None:
            raise report_not_found("report_id", report_id)
        return found

    def get_by_number(self, number: str, *, after: int = 0) -> StoredReport:
        check_text(number, "number", 64)
        check_version(after, "after")
        found = self._find("number", number, after)
        if found is None:
            raise report_not_found("number", number)
        return found

    def append(
        self,
        report_id: str,
        expected_version: int,
        events: Sequence[Mapping[str, Any]],
        projection: ReportProjection,
    ) -> int:
        check_text(report_id, "report_id")
        check_version(expected_version)
        if not isinstance(projection, ReportProjection):
            raise TypeError("projection must be a ReportProjection")
        step = seal_step(self._cipher, report_id, expected_version, events, projection)
        return self._write(report_id, expected_version, step, projection)

    def erase_personal(self, report_id: str) -> PersonalErasure:
        check_text(report_id, "report_id")
        return self._erase(report_id)

    def allocate_number(self, office: str, year: int) -> int:
        check_text(office, "office", 64)
        check_year(year)
        return self._next_number(office, year)

    def _query(self, f: ReportFilter, limit: int, after: str | None) -> Page[ReportSummary]:
        check_limit(limit)
        return self._select(f, limit, cursor_position(after))

    def list_all(
        self,
        *,
        office: str | None = None,
        state: str | None = None,
        kind: str | None = None,
        open_only: bool = False,
        due_before: dt.datetime | None = None,
        limit: int = DEFAULT_PAGE_SIZE,
        after: str | None = None,
    ) -> Page[ReportSummary]:
        if state is not None:
            check_text(state, "state", 64)
        if kind is not None:
            check_text(kind, "kind", 64)
        f = ReportFilter(
            office=_office(office),
            state=state,
            kind=kind,
            open_only=bool(open_only),
            due_before=None if due_before is None else utc(due_before, "due_before"),
        )
        return self._query(f, limit, after)

    def by_state(
        self,
        state: str,
        *,
        office: str | None = None,
        limit: int = DEFAULT_PAGE_SIZE,
        after: str | None = None,
    ) -> Page[ReportSummary]:
        check_text(state, "state", 64)
        return self._query(ReportFilter(office=_office(office), state=state), limit, after)

    def by_reporter(
        self,
        *,
        phone: str | None = None,
        user_id: str | None = None,
        office: str | None = None,
        limit: int = DEFAULT_PAGE_SIZE,
        after: str | None = None,
    ) -> Page[ReportSummary]:
        check_reporter_query(phone, user_id)
        cipher = self._cipher
        f = ReportFilter(
            office=_office(office),
            phone=None if phone is None else reporter_indexes(cipher, phone, PHONE_INDEX),
            user_id=None if user_id is None else reporter_indexes(cipher, user_id, USER_INDEX),
        )
        return self._query(f, limit, after)

    def at_risk(
        self,
        at: pendulum.DateTime,
        *,
        office: str | None = None,
        limit: int = DEFAULT_PAGE_SIZE,
        after: str | None = None,
    ) -> Page[ReportSummary]:
        instant = utc(at, "at")
        return self._query(ReportFilter(office=_office(office), at_risk_at=instant), limit, after)

    def breached(
        self,
        at: pendulum.DateTime,
        *,
        office: str | None = None,
        limit: int = DEFAULT_PAGE_SIZE,
        after: str | None = None,
    ) -> Page[ReportSummary]:
        instant = utc(at, "at")
        return self._query(ReportFilter(office=_office(office), breached_at=instant), limit, after)

    def sla_due(self, at: pendulum.DateTime, *, office: str | None = None) -> tuple[SlaDue, ...]:
        return self._sla_due(utc(at, "at"), _office(office))

    def received_between(
        self,
        start: dt.datetime,
        end: dt.datetime,
        *,
        office: str | None = None,
        limit: int = DEFAULT_PAGE_SIZE,
        after: str | None = None,
    ) -> Page[ReportEvents]:
        f = self._received_filter(start, end, office, limit)
        return self._select_events(f, limit, cursor_position(after))

    @staticmethod
    def _received_filter(
        start: dt.datetime, end: dt.datetime, office: str | None, limit: int
    ) -> ReportFilter:
        lo, hi = utc(start, "start"), utc(end, "end")
        if lo > hi:
            raise StorageInputError(
                "Awal rentang tidak boleh sesudah akhirnya.",
                "The span's start cannot be after its end.",
                code="invalid_span",
                field="start",
            )
        check_limit(limit)
        return ReportFilter(office=_office(office), received_from=lo, received_before=hi)

    def received_timelines(
        self,
        start: dt.datetime,
        end: dt.datetime,
        *,
        office: str | None = None,
        limit: int = DEFAULT_PAGE_SIZE,
        after: str | None = None,
    ) -> Page[ReportTimeline]:
        f = self._received_filter(start, end, office, limit)
        return self._select_timelines(f, limit, cursor_position(after))

    def stale_projections(
        self,
        calendar_fingerprint: str,
        *,
        office: str | None = None,
        limit: int = DEFAULT_PAGE_SIZE,
        after: str | None = None,
    ) -> Page[ReportSummary]:
        check_text(calendar_fingerprint, "calendar_fingerprint", 128)
        f = ReportFilter(office=_office(office), open_only=True, stale_for=calendar_fingerprint)
        return self._query(f, limit, after)


class OutboxWriterChecks(abc.ABC):
    """
    The ``put`` of :class:`layanan_aduan.ports.OutboxWriter`, checked once for every adapter.

    ``put`` checks its arguments, then asks :meth:`_insert`, which the adapter supplies.
    """

    @abc.abstractmethod
    def _insert(self, message: OutboxMessage, text: str) -> bool:
        """
        Add the pending ``message`` (``text``: its payload as canonical JSON) unless its key is
        there.

        Return False when it is there with the same payload; raise
        ``IdempotencyKeyConflictError`` when it is there with another.
        """

    def put(
        self,
        key: str,
        payload: Mapping[str, Any],
        *,
        created_at: pendulum.DateTime,
        report_id: str | None = None,
        not_before: pendulum.DateTime | None = None,
        office: str | None = None,
    ) -> bool:
        check_text(key, "key")
        text = canonical_json(payload, "payload")
        created = utc(created_at, "created_at")
        due = created if not_before is None else utc(not_before, "not_before")
        if report_id is not None:
            check_text(report_id, "report_id")
        message = OutboxMessage(
            key=key,
            payload=load_json(text),
            report_id=report_id,
            created_at=created,
            status=OutboxStatus.PENDING,
            attempts=0,
            next_attempt_at=due,
            office=_office(office),
        )
        return self._insert(message, text)


class InboxChecks(abc.ABC):
    """
    The :class:`layanan_aduan.ports.Inbox`, its arguments checked once for every adapter.

    Each method checks its arguments, then asks the private method of the same name, which the
    adapter supplies with the checked values.
    """

    @property
    @abc.abstractmethod
    def _cipher(self) -> FieldCipher:
        """
        What makes the senders' blind indexes (the storage's).
        """

    @abc.abstractmethod
    def _record(  # noqa: PLR0917 - private; the checked arguments of record() in order
        self,
        message_id: str,
        instant: pendulum.DateTime,
        report_id: str | None,
        office: str | None,
        sender: str | None,
        throttled: bool,
    ) -> bool:
        """
        Record ``message_id`` unless it is there; False when it is.
        """

    @abc.abstractmethod
    def _report_of(self, message_id: str) -> str | None:
        """
        The report id recorded with ``message_id``, if any.
        """

    @abc.abstractmethod
    def _seen(self, message_id: str) -> bool:
        """
        True when ``message_id`` is recorded.
        """

    @abc.abstractmethod
    def _activity(
        self, sender: str, since: pendulum.DateTime, office: str | None
    ) -> SenderActivity:
        """
        The messages of ``sender`` (of ``office`` when given) recorded after ``since``.
        """

    def record(
        self,
        message_id: str,
        *,
        received_at: pendulum.DateTime,
        report_id: str | None = None,
        office: str | None = None,
        sender: str | None = None,
        throttled: bool = False,
    ) -> bool:
        check_text(message_id, "message_id")
        instant = utc(received_at, "received_at")
        if report_id is not None:
            check_text(report_id, "report_id")
        if sender is not None:
            check_text(sender, "sender")
        if not isinstance(throttled, bool):
            raise StorageInputError(
                "Nilai throttled harus true atau false.",
                "throttled must be true or false.",
                code="invalid_flag",
                field="throttled",
            )
        # The sender (already a digest of its key) is kept as a keyed blind index: without the
        # key, nobody can test a guessed telephone number against the inbox.
        if sender is not None:
            sender = self._cipher.blind_index(sender, SENDER_INDEX)
        if self._erased_id(message_id) is not None:
            return False  # taken once, by a report whose personal data was erased since
        return self._record(message_id, instant, report_id, _office(office), sender, throttled)

    def _erased_id(self, message_id: str) -> str | None:
        # A message id of an erased report's inbox entry is kept as its blind index (a
        # WhatsApp message id embeds the sender's number): the index it is kept under, if any.
        for index in erased_message_indexes(self._cipher, message_id):
            if self._seen(index):
                return index
        return None

    def report_of(self, message_id: str) -> str | None:
        check_text(message_id, "message_id")
        found = self._report_of(message_id)
        if found is None:
            index = self._erased_id(message_id)
            found = None if index is None else self._report_of(index)
        return found

    def seen(self, message_id: str) -> bool:
        check_text(message_id, "message_id")
        return self._seen(message_id) or self._erased_id(message_id) is not None

    def activity(
        self, *, sender: str, since: dt.datetime, office: str | None = None
    ) -> SenderActivity:
        check_text(sender, "sender")
        # The current key's index: a rotation splits one sender's count for one flood window.
        index = self._cipher.blind_index(sender, SENDER_INDEX)
        return self._activity(index, utc(since, "since"), _office(office))


class OutboxChecks(abc.ABC):
    """
    The dispatcher's :class:`layanan_aduan.ports.Outbox`, its arguments checked once for every
    adapter.

    Each method checks its arguments, then asks the private method of the same name, which the
    adapter supplies with the checked values (and ``counts``, which takes none).
    """

    @abc.abstractmethod
    def _claim_due(
        self,
        instant: pendulum.DateTime,
        until: pendulum.DateTime,
        limit: int,
        office: str | None,
        token: str,
    ) -> list[OutboxMessage]:
        """
        Lease the due messages until ``until`` under the claim ``token``.
        """

    @abc.abstractmethod
    def _renew(self, key: str, token: str, until: pendulum.DateTime) -> bool:
        """
        Extend the lease to ``until`` if the message is pending and ``token`` is its claim.
        """

    @abc.abstractmethod
    def _mark_sent(
        self, key: str, instant: pendulum.DateTime, provider_message_id: str | None
    ) -> OutboxMessage:
        """
        Record that the message was sent at ``instant`` (as ``provider_message_id``, when
        given): see :func:`sent_outcome`.
        """

    @abc.abstractmethod
    def _by_provider_id(self, provider_message_id: str, office: str | None) -> OutboxMessage | None:
        """
        The newest message recorded with ``provider_message_id`` (of ``office`` when given).
        """

    @abc.abstractmethod
    def _mark_failed(
        self,
        key: str,
        text: str,
        nxt: pendulum.DateTime | None,
        max_attempts: int,
        token: str | None,
    ) -> OutboxMessage:
        """
        Record a failed attempt (``text``: the error, ``nxt``: the next attempt, if any).

        Adapters decide with :func:`failure_outcome` on the locked row.
        """

    @abc.abstractmethod
    def _list(
        self,
        status: OutboxStatus | None,
        office: str | None,
        limit: int,
        start: int,
        report_id: str | None,
    ) -> Page[OutboxMessage]:
        """
        The messages (of ``status``, ``office`` and ``report_id`` when given) after position
        ``start``.
        """

    @abc.abstractmethod
    def _retry(self, key: str, instant: pendulum.DateTime) -> OutboxMessage:
        """
        Put a dead letter back to pending, due at ``instant``.
        """

    @abc.abstractmethod
    def _get(self, key: str) -> OutboxMessage:
        """
        One message.
        """

    @abc.abstractmethod
    def _counts(self, office: str | None) -> dict[OutboxStatus, int]:
        """
        Count the messages (of ``office`` when given) in each status.
        """

    @abc.abstractmethod
    def _stored_keys(self, keys: list[str]) -> frozenset[str]:
        """
        The keys among ``keys`` (checked, without repeats) that are in the outbox.
        """

    def stored_keys(self, keys: Iterable[str]) -> frozenset[str]:
        if isinstance(keys, str):
            raise TypeError("keys must be an iterable of keys, not one key")
        wanted = check_keys(keys, "key")
        return self._stored_keys(wanted) if wanted else frozenset()

    def counts(self, *, office: str | None = None) -> dict[OutboxStatus, int]:
        return self._counts(_office(office))

    def claim_due(
        self,
        now: pendulum.DateTime,
        *,
        limit: int = 10,
        lease_seconds: int = 300,
        office: str | None = None,
    ) -> list[OutboxMessage]:
        instant = utc(now, "now")
        check_limit(limit)
        check_lease(lease_seconds)
        until = instant.add(seconds=lease_seconds)
        # A fresh token per call names this lease; renew and mark_failed compare against it.
        return self._claim_due(instant, until, limit, _office(office), uuid.uuid4().hex)

    def renew(
        self, key: str, *, claim: str, at: pendulum.DateTime, lease_seconds: int = 300
    ) -> bool:
        check_text(key, "key")
        check_text(claim, "claim")
        instant = utc(at, "at")
        check_lease(lease_seconds)
        return self._renew(key, claim, instant.add(seconds=lease_seconds))

    def mark_sent(
        self, key: str, *, at: pendulum.DateTime, provider_message_id: str | None = None
    ) -> OutboxMessage:
        check_text(key, "key")
        instant = utc(at, "at")
        if provider_message_id is not None:
            check_text(provider_message_id, "provider_message_id")
        return self._mark_sent(key, instant, provider_message_id)

    def by_provider_id(
        self, provider_message_id: str, *, office: str | None
    ) -> OutboxMessage | None:
        check_text(provider_message_id, "provider_message_id")
        return self._by_provider_id(provider_message_id, _office(office))

    def mark_failed(
        self,
        key: str,
        *,
        at: pendulum.DateTime,
        error: str,
        next_attempt_at: pendulum.DateTime | None,
        max_attempts: int,
        claim: str | None = None,
    ) -> OutboxMessage:
        check_text(key, "key")
        utc(at, "at")
        text = error_text(error)
        nxt = None if next_attempt_at is None else utc(next_attempt_at, "next_attempt_at")
        check_max_attempts(max_attempts)
        if claim is not None:
            check_text(claim, "claim")
        return self._mark_failed(key, text, nxt, max_attempts, claim)

    def dead_letters(
        self, *, office: str | None = None, limit: int = DEFAULT_PAGE_SIZE, after: str | None = None
    ) -> Page[OutboxMessage]:
        return self.list(status=OutboxStatus.DEAD, office=office, limit=limit, after=after)

    def list(
        self,
        *,
        status: OutboxStatus | None = None,
        office: str | None = None,
        limit: int = DEFAULT_PAGE_SIZE,
        after: str | None = None,
        report_id: str | None = None,
    ) -> Page[OutboxMessage]:
        if status is not None and not isinstance(status, OutboxStatus):
            try:
                status = OutboxStatus(status)
            except ValueError:
                raise StorageInputError(
                    "Status outbox tidak dikenal (pending, sent, dead).",
                    "Unknown outbox status (pending, sent, dead).",
                    code="invalid_status",
                    field="status",
                ) from None
        check_limit(limit)
        if report_id is not None:
            check_text(report_id, "report_id")
        return self._list(status, _office(office), limit, cursor_position(after), report_id)

    def retry(self, key: str, *, at: pendulum.DateTime) -> OutboxMessage:
        check_text(key, "key")
        return self._retry(key, utc(at, "at"))

    def get(self, key: str) -> OutboxMessage:
        check_text(key, "key")
        return self._get(key)


# --- errors -----------------------------------------------------------------------------------


def shown(value: object) -> str:
    """
    A caller's id, number or key as an error may show it: any number long enough to be a
    NIK or a telephone number masked (an operator may type one by mistake).

    >>> shown("3171010101900001"), shown("LAP/KNJP/2026/000123")
    ('3171********0001', 'LAP/KNJP/2026/000123')
    """
    return redact_identifiers(value if isinstance(value, str) else repr(value))


def report_not_found(field: str, value: str) -> ReportNotFoundError:
    """
    No report with this id or number (shown masked where it could be a NIK or a telephone).
    """
    what_id, what_en = ("nomor", "number") if field == "number" else ("id", "id")
    return ReportNotFoundError(
        f"Laporan dengan {what_id} {shown(value)!r} tidak ditemukan.",
        f"No report with {what_en} {shown(value)!r}.",
        field=field,
        details={field: shown(value)},
    )


def conflict(report_id: str, expected: int, actual: int) -> ConcurrencyConflictError:
    """
    The report's stored version is not the one the step was decided on.
    """
    rid = shown(report_id)
    return ConcurrencyConflictError(
        f"Laporan {rid!r} sudah diubah orang lain (versi {actual}, bukan {expected}); "
        "muat ulang lalu putuskan lagi.",
        f"Report {rid!r} was changed by someone else (version {actual}, not {expected}); "
        "reload it and decide again.",
        field="expected_version",
        details={
            "report_id": rid,
            "expected_version": expected,
            "actual_version": actual,
        },
    )


def serialization_conflict(sqlstate: str | None) -> ConcurrencyConflictError:
    """
    The database refused the transaction because a concurrent one touched the same data.
    """
    return ConcurrencyConflictError(
        "Transaksi bertabrakan dengan transaksi lain; ulangi.",
        "The transaction collided with a concurrent one; retry it.",
        code="serialization_conflict",
        details={"sqlstate": sqlstate},
    )


def duplicate_number(number: str) -> DuplicateReportNumberError:
    """
    The number is already held by another report.
    """
    return DuplicateReportNumberError(
        f"Nomor laporan {shown(number)!r} sudah dipakai laporan lain.",
        f"Report number {shown(number)!r} is already used by another report.",
        field="number",
        details={"number": shown(number)},
    )


def storage_closed() -> StorageStateError:
    """
    The storage was closed (or never opened).
    """
    return StorageStateError(
        "Penyimpanan sudah ditutup.",
        "The storage is closed.",
        code="storage_closed",
    )


def unit_finished() -> StorageStateError:
    """
    The unit of work already committed or rolled back.
    """
    return StorageStateError(
        "Unit kerja ini sudah selesai (commit atau rollback); buka unit kerja baru.",
        "This unit of work is finished (committed or rolled back); start a new one.",
        code="unit_of_work_finished",
    )


def unit_not_started() -> StorageStateError:
    """
    The unit of work was used outside its ``with`` block.
    """
    return StorageStateError(
        "Unit kerja belum dimulai: gunakan di dalam blok 'with'.",
        "The unit of work has not started: use it inside a 'with' block.",
        code="unit_of_work_not_started",
    )


def read_only() -> StorageStateError:
    """
    A change was asked of a read-only unit of work.
    """
    return StorageStateError(
        "Unit kerja baca-saja tidak dapat mengubah data.",
        "A read-only unit of work cannot change data.",
        code="unit_of_work_read_only",
    )


def busy(seconds: float) -> StorageUnavailableError:
    """
    The storage stayed locked by another writer for the whole busy timeout.
    """
    return StorageUnavailableError(
        f"Penyimpanan sedang dikunci penulis lain lebih dari {seconds:g} detik; coba lagi.",
        f"The storage stayed locked by another writer for over {seconds:g} seconds; retry.",
        code="storage_busy",
        details={"busy_timeout": seconds},
    )


def unavailable(reason: str) -> StorageUnavailableError:
    """
    The storage cannot be reached; ``reason`` names the failure without personal data.
    """
    return StorageUnavailableError(
        "Penyimpanan tidak dapat dihubungi.",
        "The storage cannot be reached.",
        details={"reason": reason},
    )


def outbox_not_found(key: str) -> OutboxMessageNotFoundError:
    """
    No outbox message has this key.
    """
    return OutboxMessageNotFoundError(
        f"Pesan keluar dengan kunci {shown(key)!r} tidak ditemukan.",
        f"No outbox message with key {shown(key)!r}.",
        field="key",
        details={"key": shown(key)},
    )


def outbox_transition(key: str, status: OutboxStatus, action: str) -> OutboxStateError:
    """
    ``action`` is not allowed from the message's ``status``.
    """
    masked = shown(key)
    return OutboxStateError(
        f"Pesan keluar {masked!r} berstatus {status.value!r}; tindakan {action!r} tidak diizinkan.",
        f"Outbox message {masked!r} is {status.value!r}; {action!r} is not allowed.",
        field="key",
        details={"key": masked, "status": status.value, "action": action},
    )


def erased_message(key: str) -> OutboxStateError:
    """
    A message whose report's personal data was erased cannot be sent again: it has no payload.
    """
    masked = shown(key)
    return OutboxStateError(
        f"Pesan keluar {masked!r} milik laporan yang data pribadinya telah dihapus; "
        "pesan itu tidak dapat dikirim ulang.",
        f"Outbox message {masked!r} belongs to a report whose personal data was erased; it "
        "cannot be sent again.",
        code="message_erased",
        field="key",
        details={"key": masked},
    )


def failure_outcome(key: str, status: OutboxStatus, held_by: str | None, claim: str | None) -> bool:
    """
    Whether ``mark_failed`` records the failure on a message in ``status`` whose claim token is
    ``held_by``, asked by the holder of ``claim``; the same rule for every adapter.

    False: the message was sent, and a late failure report leaves it unchanged. Raises
    :class:`OutboxLeaseLostError` when ``claim`` is given and no longer the message's (another
    dispatcher claimed it, or it became a dead letter), and :class:`OutboxStateError` for an
    operator's failure report on a dead letter.
    """
    if status is OutboxStatus.SENT:
        return False
    if claim is not None and (status is not OutboxStatus.PENDING or held_by != claim):
        masked = shown(key)
        raise OutboxLeaseLostError(
            f"Sewa pesan keluar {masked!r} sudah berakhir dan diambil alih; pesan dibiarkan.",
            f"The lease on outbox message {masked!r} ran out and was taken over; left alone.",
            field="claim",
            details={"key": masked, "status": status.value},
        )
    if status is not OutboxStatus.PENDING:
        raise outbox_transition(key, status, "mark_failed")
    return True


def sent_outcome(
    status: OutboxStatus, recorded: str | None, given: str | None
) -> Literal["mark", "fill", "keep"]:
    """
    What ``mark_sent`` does to a message in ``status`` whose provider id is ``recorded``,
    given ``given``; the same rule for every adapter.

    ``"mark"``: mark it sent now (with ``given``); ``"fill"``: it was sent already, without a
    provider id, and one is given: record the id only; ``"keep"``: change nothing.

    >>> sent_outcome(OutboxStatus.PENDING, None, None), sent_outcome(OutboxStatus.SENT, None, "w")
    ('mark', 'fill')
    >>> sent_outcome(OutboxStatus.SENT, "w1", "w2")
    'keep'
    """
    if status is not OutboxStatus.SENT:
        return "mark"
    return "fill" if recorded is None and given is not None else "keep"


def idempotency_conflict(key: str) -> IdempotencyKeyConflictError:
    """
    The key is taken by a message with another payload.
    """
    return IdempotencyKeyConflictError(
        f"Kunci idempoten {shown(key)!r} sudah dipakai pesan lain dengan isi berbeda.",
        f"Idempotency key {shown(key)!r} is already used by a message with a different payload.",
        field="key",
        details={"key": shown(key)},
    )
