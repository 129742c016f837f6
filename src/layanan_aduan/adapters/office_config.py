"""
One office described by one TOML file: the configuration a desk is built from.

The file says everything that makes one Kejaksaan office's service its own, so a new office is
configured, not coded: the office and its service standard, its business numbers, its staff,
its calendar overrides, the SLA thresholds, the notification language, where its storage is,
and the *names* of the environment variables that hold its WhatsApp secrets (never the secrets
themselves). Without a file the embedded default stays Kejaksaan Negeri Jakarta Pusat, exactly as
the seed says.

:func:`load_office_config` reads a file and returns an :class:`OfficeConfig`, or raises
:class:`~layanan_aduan.exceptions.ConfigurationError` carrying **every** problem at once, each with
its key path, its line in the file, a stable code and an Indonesian and English message.
:func:`check_office_config` returns the problems instead of raising (what ``layanan-aduan
periksa-konfigurasi`` prints).

>>> config = parse_office_config('''
... [office]
... code = "KMKS"
... name = "Kejaksaan Negeri Makassar"
... address = "Jl. Amanagappa No. 1, Makassar"
... telephone = "(0411) 3617380"
... whatsapp = "0811-4100-2200"
... website = "https://kejari-makassar.kejaksaan.go.id"
... timezone = "Asia/Makassar"
...
... [standard]
... completion_hours = 2
...
... [whatsapp]
... phone_number_ids = ["207651463353033"]
... ''')
>>> config.standard.office.code, config.standard.completion_time
('KMKS', datetime.timedelta(seconds=7200))
>>> config.business_numbers
('207651463353033',)

Every problem is reported at once, with its line:

>>> for problem in check_office_config('''
... [office]
... code = "kmks"
... name = "Kejaksaan Negeri Makassar"
... [sla]
... at_risk = 2
... '''):
...     print(problem.localized())
baris 2: office.address: office.address wajib diisi.
baris 2: office.telephone: office.telephone wajib diisi.
baris 2: office.website: office.website wajib diisi.
baris 2: office.whatsapp: office.whatsapp wajib diisi.
baris 3: office.code: Kode kantor harus 2-12 huruf besar atau angka (dipakai dalam nomor laporan).
baris 6: sla.at_risk: Ambang SLA harus memenuhi 0 < berisiko <= kritis <= 1 (diberikan 2.0 dan 0.75).
"""  # noqa: E501 (a doctest's expected line cannot be wrapped)

from __future__ import annotations

import datetime as dt
import math
import os
import re
import tomllib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Final, Literal

import attrs

from layanan_aduan.domain.calendar import OfficeSchedule, Overrides, WorkingInterval
from layanan_aduan.domain.flood import DEFAULT_FLOOD_POLICY, FloodPolicy
from layanan_aduan.domain.overrides import overrides_from_mapping
from layanan_aduan.domain.retention import DEFAULT_RETENTION, RetentionPolicy
from layanan_aduan.domain.staff import StaffMember
from layanan_aduan.domain.standard import (
    DEFAULT_REQUIREMENT_POLICY,
    IDENTITY_FIELDS,
    KEJARI_JAKARTA_PUSAT,
    ComplaintChannel,
    Office,
    RequirementPolicy,
)
from layanan_aduan.domain.standard import ServiceStandard as _Standard
from layanan_aduan.domain.worktime import DEFAULT_SLA_THRESHOLDS, MAX_DURATION, SlaThresholds
from layanan_aduan.drafts import DEFAULT_DRAFT_WINDOW
from layanan_aduan.exceptions import ConfigurationError, ConfigurationProblem, LayananAduanError

__all__ = [
    "ENV_CONFIG",
    "OfficeConfig",
    "PersonalDataSettings",
    "SigningSettings",
    "StorageSettings",
    "WhatsAppSettings",
    "check_office_config",
    "load_office_config",
    "parse_office_config",
]

#: The environment variable the command line reads the configuration file's path from.
ENV_CONFIG: Final = "LAYANAN_ADUAN_KONFIGURASI"

_TOP = (
    "office",
    "standard",
    "complaints",
    "whatsapp",
    "staff",
    "calendar",
    "sla",
    "notifications",
    "storage",
    "intake",
    "signing",
    "retention",
    "personal_data",
)
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_OFFICE_KEYS = ("code", "name", "address", "telephone", "whatsapp", "website", "timezone", "hours")
_STANDARD_KEYS = (
    "service_name",
    "decree_number",
    "completion_hours",
    "completion_minutes",
    "completion_text",
    "fee_idr",
    "fee_text",
    "products",
    "completion_text_en",
    "section_head_title",
    "section_head_title_en",
    "requirements",
    "accept_anonymous",
    "offer_confidentiality",
)
_COMPLAINT_KEYS = ("unit", "unit_name", "by_letter", "telephone", "text", "text_en")
_WHATSAPP_KEYS = (
    "phone_number_ids",
    "access_token_env",
    "app_secret_env",
    "verify_token_env",
    "graph_base_url_env",
)
_INTERVAL_RE = re.compile(r"(\d{2}):(\d{2})-(\d{2}):(\d{2})")
_ENV_NAME_RE = re.compile(r"[A-Z_][A-Z0-9_]{0,99}")


@attrs.frozen
class StorageSettings:
    """
    Where the office's reports are stored.

    Attributes:
        kind: ``"sqlite"`` (the embedded default) or ``"postgres"``.
        sqlite_path: The SQLite file (relative paths are taken from the configuration file's
            folder), for ``"sqlite"``.
        postgres_dsn_env: The name of the environment variable holding the PostgreSQL DSN (a
            DSN may carry a password: it is never written in the file), for ``"postgres"``.
        postgres_schema: The PostgreSQL schema.
    """

    kind: Literal["sqlite", "postgres"] = "sqlite"
    sqlite_path: Path | None = None
    postgres_dsn_env: str | None = None
    postgres_schema: str = "public"

    def postgres_dsn(self, environ: Mapping[str, str] | None = None) -> str:
        """
        The DSN, read from the environment variable the file names.

        Raises:
            ConfigurationError: The variable is not set.
        """
        env = os.environ if environ is None else environ
        name = self.postgres_dsn_env or ""
        value = env.get(name, "").strip()
        if not value:
            raise ConfigurationError(
                [
                    ConfigurationProblem(
                        "storage.postgres_dsn_env",
                        None,
                        "environment_variable_missing",
                        f"Variabel lingkungan {name} (DSN PostgreSQL) belum diisi.",
                        f"The environment variable {name} (the PostgreSQL DSN) is not set.",
                    )
                ]
            )
        return value


@attrs.frozen
class WhatsAppSettings:
    """
    The names of the environment variables that hold the office's WhatsApp Cloud API secrets.

    The file never holds a secret: a configuration file is shared, copied and committed.
    """

    # Names of environment variables, not secrets (bandit's S105 reads them as passwords).
    access_token_env: str = "WHATSAPP_ACCESS_TOKEN"  # noqa: S105
    app_secret_env: str = "WHATSAPP_APP_SECRET"  # noqa: S105
    verify_token_env: str = "WHATSAPP_VERIFY_TOKEN"  # noqa: S105
    graph_base_url_env: str = "WHATSAPP_GRAPH_BASE_URL"

    def environment(
        self, environ: Mapping[str, str] | None = None, *, phone_number_id: str | None = None
    ) -> dict[str, str]:
        """
        The ``WHATSAPP_*`` variables :meth:`WhatsAppConfig.from_env
        <layanan_aduan.adapters.whatsapp.config.WhatsAppConfig.from_env>` reads, taken from the
        variables this configuration names; ``WHATSAPP_PHONE_NUMBER_ID`` defaults to the
        office's first business number.

        >>> settings = WhatsAppSettings(access_token_env="KMKS_WA_TOKEN")
        >>> env = settings.environment({"KMKS_WA_TOKEN": "t0ken"}, phone_number_id="2076514")
        >>> env["WHATSAPP_ACCESS_TOKEN"], env["WHATSAPP_PHONE_NUMBER_ID"]
        ('t0ken', '2076514')
        """
        env = os.environ if environ is None else environ
        out = {k: v for k, v in env.items() if k.startswith("WHATSAPP_")}
        for target, name in (
            ("WHATSAPP_ACCESS_TOKEN", self.access_token_env),
            ("WHATSAPP_APP_SECRET", self.app_secret_env),
            ("WHATSAPP_VERIFY_TOKEN", self.verify_token_env),
            ("WHATSAPP_GRAPH_BASE_URL", self.graph_base_url_env),
        ):
            if name in env:
                out[target] = env[name]
            else:
                out.pop(target, None)
        if phone_number_id is not None and not out.get("WHATSAPP_PHONE_NUMBER_ID"):
            out["WHATSAPP_PHONE_NUMBER_ID"] = phone_number_id
        return out


@attrs.frozen
class SigningSettings:
    """
    Where the office's signing key comes from, and which public keys verify its history.

    The key is never in the file, nor in the database it protects: a key file readable by its
    owner only (mode 0600), or the name of an environment variable that holds it.

    Attributes:
        key_file: The private key file (PEM Ed25519; relative paths from the configuration
            file's folder).
        key_env: The name of the environment variable holding the private key instead.
        public_keys: Public keys that verify too (PEM files, folders of them, or keyring TOML
            files): the old keys after a rotation. The signing key's own always verifies.
        unsigned: What loading a head saved before signing was turned on does: ``"refuse"``
            (the default) or ``"warn"`` (until ``tandatangani-ulang`` has run once).
    """

    key_file: Path | None = None
    key_env: str | None = None
    public_keys: tuple[Path, ...] = ()
    unsigned: Literal["refuse", "warn"] = "refuse"


@attrs.frozen
class PersonalDataSettings:
    """
    Where the keys that seal the office's personal data at rest come from (``[personal_data]``).

    The keys are never in the file, nor in the database they protect: a key file readable by
    its owner only (mode 0600, written by ``layanan-aduan kunci-data buat``), or the name of
    an environment variable that holds the same content or one base64 key. Without the
    section nothing is encrypted (the values are kept readable, apart from the hash chain).

    Attributes:
        key_file: The key file (relative paths from the configuration file's folder).
        key_env: The name of the environment variable holding the keys instead.
    """

    key_file: Path | None = None
    key_env: str | None = None


@attrs.frozen
class OfficeConfig:
    """
    One office, as its configuration file describes it.

    Attributes:
        standard: The office's service standard (office, numbers, schedule, goal, fee,
            complaint channel).
        business_numbers: The WhatsApp ``phone_number_id`` values of the office's numbers.
        staff: The office's staff from the ``[[staff]]`` tables (ids, names, WhatsApp
            contacts, roles and a Plh's dates): the staff directory of a desk built from it.
        overrides: The office's calendar overrides (local closures, short-notice cuti bersama).
        thresholds: When a running SLA clock counts as at risk.
        language: The language of notifications (``"id"`` or ``"en"``).
        storage: Where the reports are stored.
        whatsapp: The names of the WhatsApp secrets' environment variables.
        draft_window: How close one sender's messages must be to make one report.
        flood: When one sender's messages are a flood (``[intake] flood_messages`` within
            ``flood_window_seconds``): the desk holds back its replies to them.
        escalate_breaches_to_office_head: Whether a breach alert also goes to the office head
            (``[sla] escalate_to_office_head = true``).
        signing: Where the key that signs the history comes from (``[signing]``), or ``None``
            for an unsigned history.
        personal_data: Where the keys that seal personal data at rest come from
            (``[personal_data]``), or ``None`` to keep it unencrypted.
        source: The file it was read from, if any.
    """

    standard: _Standard = KEJARI_JAKARTA_PUSAT
    business_numbers: tuple[str, ...] = ()
    staff: tuple[StaffMember, ...] = ()
    overrides: Overrides = attrs.field(factory=Overrides)
    thresholds: SlaThresholds = DEFAULT_SLA_THRESHOLDS
    language: Literal["id", "en"] = "id"
    storage: StorageSettings = attrs.field(factory=StorageSettings)
    whatsapp: WhatsAppSettings = attrs.field(factory=WhatsAppSettings)
    draft_window: dt.timedelta = DEFAULT_DRAFT_WINDOW
    escalate_breaches_to_office_head: bool = False
    signing: SigningSettings | None = None
    source: Path | None = None
    flood: FloodPolicy = DEFAULT_FLOOD_POLICY
    personal_data: PersonalDataSettings | None = None

    @classmethod
    def default(cls) -> OfficeConfig:
        """
        The embedded default: Kejaksaan Negeri Jakarta Pusat, as the seed says.
        """
        return cls()


# --- where each key is in the file -----------------------------------------------------------

_HEADER_RE = re.compile(r"^\s*\[\s*([^\[\]]+?)\s*\]\s*(?:#.*)?$")
_ARRAY_HEADER_RE = re.compile(r"^\s*\[\[\s*([^\[\]]+?)\s*\]\]\s*(?:#.*)?$")
_KEY_RE = re.compile(r"""^\s*("[^"]*"|'[^']*'|[A-Za-z0-9_\-]+(?:\s*\.\s*[A-Za-z0-9_\-]+)*)\s*=""")


def _key_lines(text: str) -> dict[str, int]:
    """
    The line of each table and key path of a TOML text (``staff[2].roles``, ``office.code``).

    A small scanner, not a parser: keys inside inline tables and multi-line values map to the
    line of the key that holds them. Good enough to point a person at the right line.
    """
    lines: dict[str, int] = {}
    table = ""
    counts: dict[str, int] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        if m := _ARRAY_HEADER_RE.match(raw):
            name = re.sub(r"\s*\.\s*", ".", m[1])
            index = counts.get(name, 0)
            counts[name] = index + 1
            table = f"{name}[{index}]"
            lines.setdefault(table, number)
            lines.setdefault(name, number)
        elif m := _HEADER_RE.match(raw):
            table = re.sub(r"\s*\.\s*", ".", m[1])
            lines.setdefault(table, number)
        elif m := _KEY_RE.match(raw):
            key = re.sub(r"\s*\.\s*", ".", m[1].strip("\"'"))
            lines.setdefault(f"{table}.{key}" if table else key, number)
    return lines


def _line_of(lines: Mapping[str, int], path: str) -> int | None:
    # The key itself, else the nearest enclosing key or table that has a line.
    candidate = path
    while candidate:
        if candidate in lines:
            return lines[candidate]
        cut = max(candidate.rfind("."), candidate.rfind("["))
        candidate = candidate[:cut] if cut > 0 else ""
    return None


# --- reading ---------------------------------------------------------------------------------


class _Reader:
    """Collects every problem instead of stopping at the first."""

    def __init__(self, lines: Mapping[str, int]) -> None:
        self.lines = lines
        self.problems: list[ConfigurationProblem] = []

    def problem(self, path: str, code: str, message: str, message_en: str) -> None:
        self.problems.append(
            ConfigurationProblem(path, _line_of(self.lines, path), code, message, message_en)
        )

    def table(self, data: Mapping[str, Any], key: str, allowed: tuple[str, ...]) -> dict[str, Any]:
        value = data.get(key, {})
        if not isinstance(value, dict):
            self.problem(key, "invalid_type", f"{key} harus tabel.", f"{key} must be a table.")
            return {}
        for unknown in sorted(set(value) - set(allowed)):
            self.problem(
                f"{key}.{unknown}",
                "unknown_key",
                f"Kunci {key}.{unknown} tidak dikenal (yang dikenal: {', '.join(allowed)}).",
                f"Unknown key {key}.{unknown} (known: {', '.join(allowed)}).",
            )
        return value

    def text(self, table: Mapping[str, Any], prefix: str, key: str) -> str | None:
        value = table.get(key)
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip():
            self.problem(
                f"{prefix}.{key}",
                "invalid_type",
                f"{prefix}.{key} harus teks yang tidak kosong.",
                f"{prefix}.{key} must be non-empty text.",
            )
            return None
        return value

    def number(
        self, table: Mapping[str, Any], prefix: str, key: str, *, integer: bool = False
    ) -> float | None:
        value = table.get(key)
        if value is None:
            return None
        ok = isinstance(value, int) if integer else isinstance(value, int | float)
        if isinstance(value, bool) or not ok:
            kind, kind_en = ("bilangan bulat", "an integer") if integer else ("angka", "a number")
            self.problem(
                f"{prefix}.{key}",
                "invalid_type",
                f"{prefix}.{key} harus {kind}.",
                f"{prefix}.{key} must be {kind_en}.",
            )
            return None
        return float(value)

    def env_name(self, table: Mapping[str, Any], prefix: str, key: str, default: str) -> str:
        value = self.text(table, prefix, key)
        if value is None:
            return default
        if not _ENV_NAME_RE.fullmatch(value):
            self.problem(
                f"{prefix}.{key}",
                "invalid_env_name",
                f"{prefix}.{key} harus nama variabel lingkungan (huruf besar, angka, _), "
                "bukan nilai rahasianya.",
                f"{prefix}.{key} must name an environment variable (capitals, digits, _), "
                "not hold the secret.",
            )
            return default
        return value

    def build(self, path: str, make: Callable[[], Any], *, use_field: bool = True) -> Any:
        try:
            return make()
        except LayananAduanError as e:
            field = getattr(e, "field", None) if use_field else None
            where = f"{path}.{field}" if field and not path.endswith(field) else path
            self.problem(where, e.code, e.message, e.message_en)
            return None


def _interval_maker(m: re.Match[str]) -> Callable[[], WorkingInterval]:
    def make() -> WorkingInterval:
        return WorkingInterval(dt.time(int(m[1]), int(m[2])), dt.time(int(m[3]) % 24, int(m[4])))

    return make


def _hours(reader: _Reader, value: Any) -> OfficeSchedule | None:
    if not isinstance(value, dict):
        reader.problem(
            "office.hours",
            "invalid_type",
            "office.hours harus tabel.",
            "office.hours must be a table.",
        )
        return None
    default = OfficeSchedule().weekly
    weekly = list(default)
    for unknown in sorted(set(value) - set(_WEEKDAYS)):
        reader.problem(
            f"office.hours.{unknown}",
            "unknown_key",
            f"Hari {unknown!r} tidak dikenal (monday … sunday).",
            f"Unknown day {unknown!r} (monday … sunday).",
        )
    for i, day in enumerate(_WEEKDAYS):
        if day not in value:
            continue
        raw = value[day]
        items = [raw] if isinstance(raw, str) else raw
        intervals: list[WorkingInterval] = []
        if not isinstance(items, list) or not all(isinstance(x, str) for x in items):
            reader.problem(
                f"office.hours.{day}",
                "invalid_type",
                f'office.hours.{day} harus teks "08:00-16:00" atau daftarnya.',
                f'office.hours.{day} must be "08:00-16:00" or a list of such.',
            )
            continue
        for item in items:
            if item.strip() == "":
                continue
            m = _INTERVAL_RE.fullmatch(item.strip())
            made = None
            if m:
                made = reader.build(
                    f"office.hours.{day}",
                    _interval_maker(m),
                )
            if made is None:
                if not m:
                    reader.problem(
                        f"office.hours.{day}",
                        "invalid_interval",
                        f"Jam {item!r} tidak sah: tulis JJ:MM-JJ:MM, misalnya 08:00-16:00.",
                        f"Hours {item!r} are not valid: write HH:MM-HH:MM, e.g. 08:00-16:00.",
                    )
                continue
            intervals.append(made)
        weekly[i] = tuple(intervals)
    return None if reader.problems else OfficeSchedule(weekly=tuple(weekly))


def _office(reader: _Reader, data: Mapping[str, Any]) -> Office | None:
    table = reader.table(data, "office", _OFFICE_KEYS)
    if "office" not in data:
        return None
    fields: dict[str, Any] = {}
    for key in ("code", "name", "address", "telephone", "whatsapp", "website"):
        value = reader.text(table, "office", key)
        if value is None:
            if key not in table:
                reader.problem(
                    f"office.{key}",
                    "missing_key",
                    f"office.{key} wajib diisi.",
                    f"office.{key} is required.",
                )
            continue
        fields[key] = value
    timezone = reader.text(table, "office", "timezone") or "Asia/Jakarta"
    schedule = OfficeSchedule(timezone=timezone) if "hours" not in table else None
    if "hours" in table:
        before = len(reader.problems)
        weekly = _hours(reader, table["hours"])
        if weekly is not None and len(reader.problems) == before:
            schedule = reader.build(
                "office.timezone", lambda: OfficeSchedule(timezone=timezone, weekly=weekly.weekly)
            )
    else:
        schedule = reader.build("office.timezone", lambda: OfficeSchedule(timezone=timezone))
    # Each field on its own, so every bad one is reported (a constructor stops at the first).
    before = len(reader.problems)
    for key, value in fields.items():
        _check_office_field(reader, key, value)
    if schedule is not None:
        # The schedule against an office that is otherwise fine: its zone and its hours.
        checked: OfficeSchedule = schedule
        made = reader.build(
            "office.timezone", lambda: Office(schedule=checked, **_SAMPLE_OFFICE), use_field=False
        )
        schedule = None if made is None else schedule
    if len(fields) < 6 or schedule is None or len(reader.problems) > before:
        return None
    office: Office | None = reader.build("office", lambda: Office(schedule=schedule, **fields))
    return office


_SAMPLE_OFFICE: Final[Mapping[str, str]] = {
    "code": "KNJP",
    "name": "x",
    "address": "x",
    "telephone": "(021) 65851958",
    "whatsapp": "0812-1231-3170",
    "website": "https://example.go.id",
}


def _check_office_field(reader: _Reader, key: str, value: str) -> None:
    sample: dict[str, Any] = dict(_SAMPLE_OFFICE)
    sample[key] = value
    reader.build(f"office.{key}", lambda: Office(**sample))


def _complaints(
    reader: _Reader, complaints: Mapping[str, Any], current: ComplaintChannel
) -> ComplaintChannel | None:
    if not complaints:
        return None
    values: dict[str, Any] = {
        "unit": current.unit,
        "unit_name": current.unit_name,
        "by_letter": current.by_letter,
        "telephone": current.telephone,
        "text": current.text,
        "text_en": current.text_en,
    }
    if "by_letter" in complaints or "telephone" in complaints:
        # The sentences are written again from the new route unless the file gives them.
        values.pop("text")
        values.pop("text_en")
    for key in ("unit", "unit_name", "telephone", "text", "text_en"):
        value = reader.text(complaints, "complaints", key)
        if value is not None:
            values[key] = value
    if "by_letter" in complaints:
        if isinstance(complaints["by_letter"], bool):
            values["by_letter"] = complaints["by_letter"]
        else:
            reader.problem(
                "complaints.by_letter",
                "invalid_type",
                "complaints.by_letter harus true atau false.",
                "complaints.by_letter must be true or false.",
            )
    channel: ComplaintChannel | None = reader.build(
        "complaints", lambda: ComplaintChannel(**values)
    )
    return channel


def _completion_time(
    reader: _Reader, hours: float | None, minutes: float | None
) -> dt.timedelta | None:
    if hours is None and minutes is None:
        return None
    parts = (hours or 0, (minutes or 0) / 60)
    # Checked before timedelta() is built: TOML's inf, nan and 1e20 would not fit in it (a
    # negative time passes on to the standard's own refusal).
    if all(math.isfinite(p) and abs(p) <= MAX_DURATION / dt.timedelta(hours=1) for p in parts):
        return dt.timedelta(hours=hours or 0, minutes=minutes or 0)
    limit = MAX_DURATION // dt.timedelta(hours=1)
    reader.problem(
        "standard.completion_hours" if hours is not None else "standard.completion_minutes",
        "invalid_completion_time",
        f"Waktu penyelesaian harus bilangan terhingga, paling lama {limit} jam.",
        f"The completion time must be a finite number, at most {limit} hours.",
    )
    return None


def _standard(reader: _Reader, data: Mapping[str, Any], office: Office | None) -> _Standard | None:
    table = reader.table(data, "standard", _STANDARD_KEYS)
    complaints = reader.table(data, "complaints", _COMPLAINT_KEYS)
    hours = reader.number(table, "standard", "completion_hours")
    minutes = reader.number(table, "standard", "completion_minutes")
    changes: dict[str, Any] = {}
    completion_time = _completion_time(reader, hours, minutes)
    if completion_time is not None:
        changes["completion_time"] = completion_time
    for key in (
        "service_name",
        "completion_text",
        "completion_text_en",
        "fee_text",
        "decree_number",
        "section_head_title",
        "section_head_title_en",
    ):
        value = reader.text(table, "standard", key)
        if value is not None:
            changes[key] = value
    fee = reader.number(table, "standard", "fee_idr", integer=True)
    if fee is not None:
        changes["fee_idr"] = int(fee)
    if "products" in table:
        products = table["products"]
        if isinstance(products, list) and products and all(isinstance(p, str) for p in products):
            changes["products"] = tuple(products)
        else:
            reader.problem(
                "standard.products",
                "invalid_type",
                "standard.products harus daftar teks.",
                "standard.products must be a list of texts.",
            )
    policy = _policy(reader, table.get("requirements"))
    if policy is not None:
        changes["requirement_policy"] = policy
    changes.update(_accept_anonymous(reader, table))
    base = KEJARI_JAKARTA_PUSAT if office is None else _Standard.for_office(office)
    channel = _complaints(reader, complaints, base.complaints)
    if channel is not None:
        changes["complaints"] = channel
    if office is None and "office" in data:
        return None
    if office is None and not changes:
        return KEJARI_JAKARTA_PUSAT
    # Texts the file does not give are written from the rest (the goal, the fee, the title).
    where = office if office is not None else KEJARI_JAKARTA_PUSAT.office
    standard: _Standard | None = reader.build(
        "standard", lambda: _Standard.for_office(where, **changes)
    )
    return standard


def _accept_anonymous(reader: _Reader, table: Mapping[str, Any]) -> dict[str, bool]:
    # ``[standard] accept_anonymous = true``: reports without name and NIK are accepted;
    # ``offer_confidentiality = true``: the acknowledgement is followed by the offer.
    found: dict[str, bool] = {}
    for key in ("accept_anonymous", "offer_confidentiality"):
        value = table.get(key)
        if value is None:
            continue
        if not isinstance(value, bool):
            reader.problem(
                f"standard.{key}",
                "invalid_type",
                f"standard.{key} harus true atau false.",
                f"standard.{key} must be true or false.",
            )
            continue
        found[key] = value
    return found


def _policy(reader: _Reader, value: Any) -> RequirementPolicy | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        reader.problem(
            "standard.requirements",
            "invalid_type",
            "standard.requirements harus tabel (identity, evidence).",
            "standard.requirements must be a table (identity, evidence).",
        )
        return None
    for unknown in sorted(set(value) - {"identity", "evidence"}):
        reader.problem(
            f"standard.requirements.{unknown}",
            "unknown_key",
            f"Kunci standard.requirements.{unknown} tidak dikenal (identity, evidence).",
            f"Unknown key standard.requirements.{unknown} (identity, evidence).",
        )
    identity = value.get("identity", sorted(DEFAULT_REQUIREMENT_POLICY.required_identity))
    evidence = value.get("evidence", DEFAULT_REQUIREMENT_POLICY.evidence_required)
    if not isinstance(identity, list) or not all(isinstance(x, str) for x in identity):
        reader.problem(
            "standard.requirements.identity",
            "invalid_type",
            f"standard.requirements.identity harus daftar dari: {', '.join(IDENTITY_FIELDS)}.",
            f"standard.requirements.identity must be a list of: {', '.join(IDENTITY_FIELDS)}.",
        )
        return None
    if not isinstance(evidence, bool):
        reader.problem(
            "standard.requirements.evidence",
            "invalid_type",
            "standard.requirements.evidence harus true atau false.",
            "standard.requirements.evidence must be true or false.",
        )
        return None
    made: RequirementPolicy | None = reader.build(
        "standard.requirements.identity",
        use_field=False,
        make=lambda: RequirementPolicy(
            required_identity=frozenset(identity), evidence_required=evidence
        ),
    )
    return made


def _thresholds(reader: _Reader, data: Mapping[str, Any]) -> SlaThresholds:
    table = reader.table(data, "sla", ("at_risk", "critical", "escalate_to_office_head"))
    at_risk = reader.number(table, "sla", "at_risk")
    critical = reader.number(table, "sla", "critical")
    if at_risk is None and critical is None:
        return DEFAULT_SLA_THRESHOLDS
    made = reader.build(
        "sla.at_risk" if at_risk is not None else "sla.critical",
        use_field=False,
        make=lambda: SlaThresholds(
            at_risk=DEFAULT_SLA_THRESHOLDS.at_risk if at_risk is None else at_risk,
            critical=DEFAULT_SLA_THRESHOLDS.critical if critical is None else critical,
        ),
    )
    return DEFAULT_SLA_THRESHOLDS if made is None else made


def _storage(reader: _Reader, data: Mapping[str, Any], base_dir: Path | None) -> StorageSettings:
    table = reader.table(data, "storage", ("sqlite", "postgres_dsn_env", "postgres_schema"))
    sqlite = reader.text(table, "storage", "sqlite")
    dsn_env = table.get("postgres_dsn_env")
    if sqlite is not None and dsn_env is not None:
        reader.problem(
            "storage",
            "conflicting_storage",
            "Pilih salah satu: storage.sqlite atau storage.postgres_dsn_env.",
            "Choose one: storage.sqlite or storage.postgres_dsn_env.",
        )
    if dsn_env is not None:
        name = reader.env_name(table, "storage", "postgres_dsn_env", "")
        schema = reader.text(table, "storage", "postgres_schema") or "public"
        return StorageSettings(
            kind="postgres", postgres_dsn_env=name or None, postgres_schema=schema
        )
    if sqlite is None:
        return StorageSettings()
    path = Path(sqlite)
    if not path.is_absolute() and base_dir is not None:
        path = base_dir / path
    return StorageSettings(kind="sqlite", sqlite_path=path)


def _path(text: str, base_dir: Path | None) -> Path:
    path = Path(text)
    return base_dir / path if not path.is_absolute() and base_dir is not None else path


def _signing(
    reader: _Reader, data: Mapping[str, Any], base_dir: Path | None
) -> SigningSettings | None:
    if "signing" not in data:
        return None
    table = reader.table(data, "signing", ("key_file", "key_env", "public_keys", "unsigned"))
    key_text = reader.text(table, "signing", "key_file")
    key_env = reader.env_name(table, "signing", "key_env", "") if "key_env" in table else None
    if (key_text is None) == (key_env is None):
        reader.problem(
            "signing",
            "signing_key_source",
            "Isi tepat satu: signing.key_file atau signing.key_env.",
            "Give exactly one of signing.key_file and signing.key_env.",
        )
    key_file = None if key_text is None else _path(key_text, base_dir)
    if key_file is not None:
        try:
            mode = key_file.stat().st_mode
        except OSError:
            reader.problem(
                "signing.key_file",
                "key_file_unreadable",
                "Berkas kunci tanda tangan tidak ditemukan.",
                "The signing key file was not found.",
            )
        else:
            if mode & 0o077:
                reader.problem(
                    "signing.key_file",
                    "key_file_permissions",
                    f"Berkas kunci dapat dibaca orang lain (mode {mode & 0o777:o}); "
                    "jalankan chmod 600.",
                    f"The key file is open to others (mode {mode & 0o777:o}); run chmod 600.",
                )
    given = table.get("public_keys", [])
    public: list[Path] = []
    if not isinstance(given, list) or not all(isinstance(x, str) and x for x in given):
        reader.problem(
            "signing.public_keys",
            "invalid_type",
            "signing.public_keys harus daftar jalur (berkas PEM, folder, atau keyring TOML).",
            "signing.public_keys must be a list of paths (PEM files, folders, keyring TOML).",
        )
    else:
        for text in given:
            path = _path(text, base_dir)
            if not path.exists():
                reader.problem(
                    "signing.public_keys",
                    "public_key_not_found",
                    f"Kunci publik {text!r} tidak ditemukan.",
                    f"Public key {text!r} not found.",
                )
            public.append(path)
    unsigned = table.get("unsigned", "refuse")
    if unsigned not in ("refuse", "warn"):
        reader.problem(
            "signing.unsigned",
            "invalid_choice",
            'signing.unsigned harus "refuse" atau "warn".',
            'signing.unsigned must be "refuse" or "warn".',
        )
        unsigned = "refuse"
    return SigningSettings(
        key_file=key_file, key_env=key_env or None, public_keys=tuple(public), unsigned=unsigned
    )


def _personal_data(
    reader: _Reader, data: Mapping[str, Any], base_dir: Path | None
) -> PersonalDataSettings | None:
    if "personal_data" not in data:
        return None
    table = reader.table(data, "personal_data", ("key_file", "key_env"))
    key_text = reader.text(table, "personal_data", "key_file")
    key_env = reader.env_name(table, "personal_data", "key_env", "") if "key_env" in table else None
    if (key_text is None) == (key_env is None):
        reader.problem(
            "personal_data",
            "personal_data_key_source",
            "Isi tepat satu: personal_data.key_file atau personal_data.key_env.",
            "Give exactly one of personal_data.key_file and personal_data.key_env.",
        )
    key_file = None if key_text is None else _path(key_text, base_dir)
    if key_file is not None:
        try:
            mode = key_file.stat().st_mode
        except OSError:
            reader.problem(
                "personal_data.key_file",
                "personal_data_key_invalid",
                "Berkas kunci data pribadi tidak ditemukan.",
                "The personal-data key file was not found.",
            )
        else:
            if mode & 0o077:
                reader.problem(
                    "personal_data.key_file",
                    "personal_data_key_invalid",
                    f"Berkas kunci data pribadi dapat dibaca orang lain (mode {mode & 0o777:o}); "
                    "jalankan chmod 600.",
                    f"The personal-data key file is open to others (mode {mode & 0o777:o}); "
                    "run chmod 600.",
                )
    return PersonalDataSettings(key_file=key_file, key_env=key_env or None)


def _overrides(reader: _Reader, data: Mapping[str, Any], base_dir: Path | None) -> Overrides:
    calendar = data.get("calendar", {})
    if not isinstance(calendar, dict):
        reader.problem(
            "calendar", "invalid_type", "calendar harus tabel.", "calendar must be a table."
        )
        return Overrides()
    inline = {k: v for k, v in calendar.items() if k != "overrides_file"}
    result: Overrides = reader.build("calendar", lambda: overrides_from_mapping(inline))
    result = Overrides() if result is None else result
    file = calendar.get("overrides_file")
    if file is not None:
        if not isinstance(file, str):
            reader.problem(
                "calendar.overrides_file",
                "invalid_type",
                "calendar.overrides_file harus teks (jalur berkas).",
                "calendar.overrides_file must be text (a path).",
            )
            return result
        from layanan_aduan.adapters.overrides_file import load_overrides

        path = Path(file)
        if not path.is_absolute() and base_dir is not None:
            path = base_dir / path
        loaded = reader.build("calendar.overrides_file", lambda: load_overrides(path))
        if loaded is not None:
            merged = reader.build("calendar", lambda: result.merge(loaded))
            result = result if merged is None else merged
    return result


def _whatsapp(reader: _Reader, data: Mapping[str, Any]) -> tuple[tuple[str, ...], WhatsAppSettings]:
    table = reader.table(data, "whatsapp", _WHATSAPP_KEYS)
    ids = table.get("phone_number_ids", [])
    numbers: tuple[str, ...] = ()
    if isinstance(ids, list) and all(isinstance(x, str) and x.isdigit() for x in ids):
        numbers = tuple(ids)
    else:
        reader.problem(
            "whatsapp.phone_number_ids",
            "invalid_type",
            "whatsapp.phone_number_ids harus daftar ID nomor (angka dalam tanda kutip).",
            "whatsapp.phone_number_ids must be a list of number ids (digits, quoted).",
        )
    defaults = WhatsAppSettings()
    settings = WhatsAppSettings(
        **{
            key: reader.env_name(table, "whatsapp", key, getattr(defaults, key))
            for key in (
                "access_token_env",
                "app_secret_env",
                "verify_token_env",
                "graph_base_url_env",
            )
        }
    )
    return numbers, settings


def _staff(reader: _Reader, data: Mapping[str, Any], office: str | None) -> tuple[StaffMember, ...]:
    from layanan_aduan.adapters.staff import staff_from_mapping

    staff = data.get("staff", [])
    if not isinstance(staff, list) or not all(isinstance(s, dict) for s in staff):
        reader.problem(
            "staff",
            "invalid_type",
            "staff harus daftar tabel [[staff]].",
            "staff must be a list of [[staff]] tables.",
        )
        return ()
    if office is None:
        return ()
    # Each member on its own first, so every bad one is reported with its own line; then all
    # together for what only the whole can show (one id or one number twice).
    before = len(reader.problems)
    for i, entry in enumerate(staff):
        try:
            staff_from_mapping({"staff": [entry]}, office=office)
        except LayananAduanError as e:
            field = getattr(e, "field", None) or "staff[0]"
            path = field.replace("staff[0]", f"staff[{i}]", 1)
            reader.problem(path, e.code, e.message, e.message_en)
    if len(reader.problems) > before:
        return ()
    try:
        return staff_from_mapping({"staff": staff}, office=office)
    except LayananAduanError as e:
        field = getattr(e, "field", None) or "staff"
        reader.problem(field, e.code, e.message, e.message_en)
        return ()


def _read(
    text: str, base_dir: Path | None
) -> tuple[OfficeConfig | None, list[ConfigurationProblem]]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        m = re.search(r"\(at line (\d+), column (\d+)\)", str(e))
        line = int(m[1]) if m else None
        where = f" (baris {line})" if line else ""
        return None, [
            ConfigurationProblem(
                "",
                line,
                "config_syntax",
                f"Berkas konfigurasi bukan TOML yang sah{where}.",
                f"The configuration is not valid TOML: {e}.",
            )
        ]
    except RecursionError:
        return None, [
            ConfigurationProblem(
                "",
                None,
                "config_syntax",
                "Berkas konfigurasi bersarang terlalu dalam.",
                "The configuration is nested too deeply.",
            )
        ]
    reader = _Reader(_key_lines(text))
    for unknown in sorted(set(data) - set(_TOP)):
        reader.problem(
            unknown,
            "unknown_key",
            f"Bagian {unknown!r} tidak dikenal (yang dikenal: {', '.join(_TOP)}).",
            f"Unknown section {unknown!r} (known: {', '.join(_TOP)}).",
        )
    office = _office(reader, data)
    standard = _standard(reader, data, office)
    retention = _retention(reader, data)
    if standard is not None and retention is not None:
        standard = attrs.evolve(standard, retention=retention)
    numbers, whatsapp = _whatsapp(reader, data)
    thresholds = _thresholds(reader, data)
    storage = _storage(reader, data, base_dir)
    overrides = _overrides(reader, data, base_dir)
    signing = _signing(reader, data, base_dir)
    personal_data = _personal_data(reader, data, base_dir)
    # Without a valid office the staff are still checked, against a stand-in code.
    staff = _staff(reader, data, "CEK" if standard is None else standard.office.code)
    notifications = reader.table(data, "notifications", ("language",))
    language = notifications.get("language", "id")
    if language not in ("id", "en"):
        reader.problem(
            "notifications.language",
            "invalid_language",
            'notifications.language harus "id" atau "en".',
            'notifications.language must be "id" or "en".',
        )
        language = "id"
    intake = reader.table(
        data, "intake", ("draft_window_minutes", "flood_messages", "flood_window_seconds")
    )
    window = reader.number(intake, "intake", "draft_window_minutes")
    draft_window: dt.timedelta = DEFAULT_DRAFT_WINDOW
    if window is not None:
        if 0 < window <= 24 * 60:
            draft_window = dt.timedelta(minutes=window)
        else:
            reader.problem(
                "intake.draft_window_minutes",
                "invalid_range",
                "intake.draft_window_minutes harus antara 0 dan 1440.",
                "intake.draft_window_minutes must be between 0 and 1440.",
            )
    flood = _flood(reader, intake)
    sla = data.get("sla", {})
    escalate = sla.get("escalate_to_office_head", False) if isinstance(sla, dict) else False
    if not isinstance(escalate, bool):
        reader.problem(
            "sla.escalate_to_office_head",
            "invalid_type",
            "sla.escalate_to_office_head harus true atau false.",
            "sla.escalate_to_office_head must be true or false.",
        )
    if reader.problems or standard is None:
        return None, reader.problems
    return (
        OfficeConfig(
            standard=standard,
            business_numbers=numbers,
            staff=staff,
            overrides=overrides,
            thresholds=thresholds,
            language=language,
            storage=storage,
            whatsapp=whatsapp,
            draft_window=draft_window,
            escalate_breaches_to_office_head=escalate,
            signing=signing,
            flood=flood,
            personal_data=personal_data,
        ),
        [],
    )


def _retention(reader: _Reader, data: Mapping[str, Any]) -> RetentionPolicy | None:
    # [retention] personal_data_days and evidence_days: whole days after a report ends. Either
    # one alone keeps the other's default (evidence never longer than the personal data).
    if "retention" not in data:
        return None
    table = reader.table(data, "retention", ("personal_data_days", "evidence_days"))
    changes: dict[str, int] = {}
    for key in ("personal_data_days", "evidence_days"):
        value = reader.number(table, "retention", key, integer=True)
        if value is not None:
            # Bounded before it becomes an int the policy checks (TOML integers are 64-bit).
            changes[key] = int(max(-1.0, min(value, 10.0**9)))
    if "personal_data_days" in changes and "evidence_days" not in changes:
        changes["evidence_days"] = min(
            DEFAULT_RETENTION.evidence_days, changes["personal_data_days"]
        )
    try:
        return attrs.evolve(DEFAULT_RETENTION, **changes)
    except LayananAduanError as e:
        key = e.field if e.field in ("personal_data_days", "evidence_days") else "retention"
        path = f"retention.{key}" if key != "retention" else key
        reader.problem(path, e.code, e.message, e.message_en)
        return None


def _flood(reader: _Reader, intake: Mapping[str, Any]) -> FloodPolicy:
    # [intake] flood_messages and flood_window_seconds; either one alone keeps the other's
    # default.
    messages = reader.number(intake, "intake", "flood_messages", integer=True)
    seconds = reader.number(intake, "intake", "flood_window_seconds", integer=True)
    changes: dict[str, Any] = {}
    if messages is not None:
        changes["messages"] = int(messages)
    if seconds is not None:
        # Bounded before it becomes a timedelta: the policy refuses anything beyond a day.
        changes["window"] = dt.timedelta(seconds=max(-1.0, min(seconds, 10.0**9)))
    try:
        return attrs.evolve(DEFAULT_FLOOD_POLICY, **changes)
    except LayananAduanError as e:
        key = "flood_messages" if e.field == "messages" else "flood_window_seconds"
        reader.problem(f"intake.{key}", e.code, e.message, e.message_en)
        return DEFAULT_FLOOD_POLICY


def parse_office_config(
    text: str, *, base_dir: str | os.PathLike[str] | None = None
) -> OfficeConfig:
    """
    Read an office configuration from TOML text; relative paths are taken from ``base_dir``.

    Raises:
        ConfigurationError: Every problem of the text at once (``problems``).
    """
    config, problems = _read(text, None if base_dir is None else Path(base_dir))
    if config is None:
        raise ConfigurationError(problems)
    return config


def _file_text(path: Path) -> tuple[str | None, list[ConfigurationProblem]]:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None, [
            ConfigurationProblem(
                "",
                None,
                "config_file_not_found",
                f"Berkas konfigurasi {str(path)!r} tidak ditemukan.",
                f"Configuration file {str(path)!r} not found.",
            )
        ]
    except OSError as e:
        reason = e.strerror or type(e).__name__
        return None, [
            ConfigurationProblem(
                "",
                None,
                "config_file_unreadable",
                f"Berkas konfigurasi tidak dapat dibaca ({reason}).",
                f"The configuration file cannot be read ({reason}).",
            )
        ]
    try:
        return raw.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        return None, [
            ConfigurationProblem(
                "",
                None,
                "config_file_unreadable",
                "Berkas konfigurasi bukan teks UTF-8.",
                "The configuration file is not UTF-8 text.",
            )
        ]


def check_office_config(source: str | os.PathLike[str]) -> list[ConfigurationProblem]:
    """
    Every problem of a configuration (a file path, or TOML text when it holds a newline),
    in file order; empty when it is good.
    """
    if isinstance(source, str) and "\n" in source:
        return sorted(_read(source, None)[1], key=lambda p: (p.line or 0, p.path))
    path = Path(source)
    text, problems = _file_text(path)
    if text is None:
        return problems
    found = _read(text, path.resolve().parent)[1]
    return sorted(found, key=lambda p: (p.line or 0, p.path))


def load_office_config(path: str | os.PathLike[str]) -> OfficeConfig:
    """
    Read the office configuration file at ``path``.

    Raises:
        ConfigurationError: The file is missing, unreadable, not TOML, or has problems (all
            of them, each with its line).
    """
    file = Path(path)
    text, problems = _file_text(file)
    if text is None:
        raise ConfigurationError(problems)
    config, problems = _read(text, file.resolve().parent)
    if config is None:
        raise ConfigurationError(sorted(problems, key=lambda p: (p.line or 0, p.path)))
    return attrs.evolve(config, source=file)
