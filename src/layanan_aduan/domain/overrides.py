"""
Calendar overrides as TOML: closed days, reopened days, special hours.

An operator changes the calendar without a library upgrade by writing a small TOML
file (read by :func:`layanan_aduan.adapters.overrides_file.load_overrides`) or a string
given to :func:`parse_overrides`. Keys are English; names and notes are Indonesian.

A cuti bersama announced at short notice is one line under ``[closed]``::

    [closed]
    2025-08-18 = "Cuti bersama HUT RI ke-80"

A plain name's kind follows its first words: ``"Cuti bersama ..."`` is cuti bersama
(``joint_leave``), ``"Libur nasional ..."`` / ``"Hari libur nasional ..."`` a libur
nasional (``national_holiday``), anything else a local closure (``local_override``).
The table form says everything explicitly (as a sub-table, or an inline table on one
line)::

    [closed.2026-07-22]
    name = "Peringatan Hari Bhakti Adhyaksa"
    kind = "local_override"
    name_en = "Prosecution Service Day"
    legal_basis = "Surat Edaran Kajari"

    [reopened]
    2021-12-24 = "Cuti bersama Natal dihapus SKB 712/2021"

    [[special_hours]]
    from = 2026-02-19
    to = 2026-03-19
    note = "Jam kerja Ramadan 1447 H"
    days = ["08:00-15:00"]          # every ordinarily open day ...
    friday = ["08:00-15:30"]        # ... except those named: monday ... sunday

``decreed_years = [2028]`` (top level) declares years whose decree the file carries in
full, so their answers are no longer provisional.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections.abc import Mapping
from typing import Any

from layanan_aduan.domain.calendar import (
    DayKind,
    Intervals,
    NonWorkingDay,
    Overrides,
    Reopening,
    SpecialHours,
    WorkingInterval,
)
from layanan_aduan.exceptions import OverridesError, ValidationError

__all__ = ["format_overrides", "infer_kind", "overrides_from_mapping", "parse_overrides"]

_TOP = ("closed", "reopened", "special_hours", "decreed_years")
_CLOSED_KEYS = ("name", "kind", "name_en", "legal_basis")
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_SPECIAL_KEYS = ("from", "to", "note", "days", *_WEEKDAYS)
_KINDS = {k.value: k for k in DayKind if k is not DayKind.WEEKEND}
_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
_POSITION_RE = re.compile(r"\(at line (\d+), column (\d+)\)")


def _error(code: str, field: str | None, message: str, message_en: str) -> OverridesError:
    return OverridesError(message, message_en, code=code, field=field)


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def infer_kind(name: str) -> DayKind:
    """
    The kind of a closed day given by name only, from its first words.

    >>> infer_kind("Cuti bersama HUT RI ke-80").label
    'cuti bersama'
    >>> infer_kind("Hari libur nasional Pilkada").label
    'libur nasional'
    >>> infer_kind("Rapat kerja kantor").label
    'libur lokal'
    """
    text = " ".join(name.lower().split())
    if text.startswith("cuti bersama"):
        return DayKind.JOINT_LEAVE
    if text.startswith(("libur nasional", "hari libur nasional")):
        return DayKind.NATIONAL_HOLIDAY
    return DayKind.LOCAL_OVERRIDE


def _date(value: object, field: str) -> dt.date:
    if type(value) is dt.date:
        return value
    if isinstance(value, str) and _DATE_RE.fullmatch(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise _error(
        "invalid_date",
        field,
        f"Tanggal {_shown(value)} tidak valid: tulis TTTT-BB-HH, misalnya 2025-08-18.",
        f"Date {_shown(value)} is not valid: write YYYY-MM-DD, e.g. 2025-08-18.",
    )


def _text(value: object, field: str) -> str:
    if not isinstance(value, str):
        raise _error(
            "invalid_type",
            field,
            f"{field} harus berupa teks (string).",
            f"{field} must be a string.",
        )
    return value


def _table(value: object, field: str) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise _error(
            "invalid_type",
            field,
            f"{field} harus berupa tabel TOML.",
            f"{field} must be a TOML table.",
        )
    return value


def _no_unknown(table: Mapping[str, Any], allowed: tuple[str, ...], prefix: str) -> None:
    for key in table:
        if key not in allowed:
            field = f"{prefix}{key}"
            raise _error(
                "unknown_key",
                field,
                f"Kunci {field!r} tidak dikenal; yang dikenal: {', '.join(allowed)}.",
                f"Unknown key {field!r}; known keys: {', '.join(allowed)}.",
            )


def _required(table: Mapping[str, Any], key: str, prefix: str) -> Any:
    if key not in table:
        field = f"{prefix}{key}"
        raise _error(
            "missing_key",
            field,
            f"Kunci {field!r} wajib diisi.",
            f"Key {field!r} is required.",
        )
    return table[key]


def _rewrap(error: OverridesError, prefix: str) -> OverridesError:
    field = f"{prefix}.{error.field}" if error.field else prefix
    return _error(error.code, field, error.message, error.message_en)


def _closed(section: Mapping[str, Any]) -> list[NonWorkingDay]:
    days = []
    for key, value in section.items():
        field = f"closed.{key}"
        day = _date(key, field)
        if isinstance(value, str):
            entry: Mapping[str, Any] = {"name": value}
        else:
            entry = _table(value, field)
            _no_unknown(entry, _CLOSED_KEYS, f"{field}.")
        name = _text(_required(entry, "name", f"{field}."), f"{field}.name")
        kind = infer_kind(name)
        if "kind" in entry:
            raw_kind = _text(entry["kind"], f"{field}.kind")
            if raw_kind not in _KINDS:
                raise _error(
                    "invalid_kind",
                    f"{field}.kind",
                    f"Jenis {_shown(raw_kind)} tidak dikenal; pilih {', '.join(_KINDS)}.",
                    f"Unknown kind {_shown(raw_kind)}; choose {', '.join(_KINDS)}.",
                )
            kind = _KINDS[raw_kind]
        name_en = _text(entry.get("name_en", name), f"{field}.name_en")
        basis = entry.get("legal_basis")
        days.append(
            NonWorkingDay(
                date=day,
                kind=kind,
                name=name,
                name_en=name_en,
                legal_basis=None if basis is None else _text(basis, f"{field}.legal_basis"),
            )
        )
    return days


def _reopened(section: Mapping[str, Any]) -> list[Reopening]:
    found = []
    for key, value in section.items():
        field = f"reopened.{key}"
        day = _date(key, field)
        if isinstance(value, str):
            reason = value
        else:
            entry = _table(value, field)
            _no_unknown(entry, ("reason",), f"{field}.")
            reason = _text(_required(entry, "reason", f"{field}."), f"{field}.reason")
        found.append(Reopening(day, reason))
    return found


def _intervals(value: object, field: str) -> Intervals:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list):
        raise _error(
            "invalid_type",
            field,
            f'{field} harus berupa daftar jam, misalnya ["08:00-15:00"].',
            f'{field} must be a list of hours, e.g. ["08:00-15:00"].',
        )
    found = []
    for i, item in enumerate(items):
        where = f"{field}[{i}]"
        try:
            found.append(WorkingInterval.parse(_text(item, where)))
        except OverridesError:
            raise
        except ValidationError as e:
            raise _error(e.code, where, e.message, e.message_en) from None
    return tuple(found)


def _special(items: object) -> list[SpecialHours]:
    if not isinstance(items, list):
        raise _error(
            "invalid_type",
            "special_hours",
            "special_hours harus berupa daftar tabel [[special_hours]].",
            "special_hours must be an array of tables [[special_hours]].",
        )
    found = []
    for i, item in enumerate(items):
        prefix = f"special_hours[{i}]"
        entry = _table(item, prefix)
        _no_unknown(entry, _SPECIAL_KEYS, f"{prefix}.")
        start = _date(_required(entry, "from", f"{prefix}."), f"{prefix}.from")
        end = _date(_required(entry, "to", f"{prefix}."), f"{prefix}.to")
        note = _text(_required(entry, "note", f"{prefix}."), f"{prefix}.note")
        days = entry.get("days")
        try:
            found.append(
                SpecialHours(
                    start,
                    end,
                    note,
                    days=None if days is None else _intervals(days, f"{prefix}.days"),
                    weekdays=tuple(
                        _intervals(entry[w], f"{prefix}.{w}") if w in entry else None
                        for w in _WEEKDAYS
                    ),
                )
            )
        except OverridesError as e:
            if e.field and e.field.startswith(prefix):
                raise
            raise _rewrap(e, prefix) from None
    return found


def _years(value: object) -> list[int]:
    if not isinstance(value, list):
        value = [value]
    years = []
    for i, year in enumerate(value):
        if isinstance(year, bool) or not isinstance(year, int) or not 1 <= year <= 9999:
            raise _error(
                "invalid_year",
                f"decreed_years[{i}]",
                f"Tahun {_shown(year)} tidak valid (1 sampai 9999).",
                f"Year {_shown(year)} is not valid (1 to 9999).",
            )
        years.append(year)
    return years


def parse_overrides(text: str) -> Overrides:
    """
    Read overrides from TOML text.

    Raises:
        OverridesError: The text is not TOML (``overrides_syntax``) or a value is refused
            (``invalid_date``, ``invalid_interval``, ``unknown_key``, ``missing_key``,
            ``invalid_kind``, ``invalid_type``, ``invalid_range``, ``conflicting_override``,
            ...); ``field`` is the key path at fault.

    >>> o = parse_overrides('''
    ... [closed]
    ... 2025-08-18 = "Cuti bersama HUT RI ke-80"
    ... ''')
    >>> o.closed[0].date, o.closed[0].kind.label
    (datetime.date(2025, 8, 18), 'cuti bersama')
    >>> parse_overrides("[closed]\\n2025-02-30 = 'Libur'")
    Traceback (most recent call last):
    ...
    layanan_aduan.exceptions.OverridesError: Tanggal '2025-02-30' tidak valid: tulis TTTT-BB-HH, misalnya 2025-08-18.
    """  # noqa: E501 (a doctest's expected traceback line cannot be wrapped)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        m = _POSITION_RE.search(str(e))
        where = f" (baris {m[1]}, kolom {m[2]})" if m else ""
        where_en = f" (line {m[1]}, column {m[2]})" if m else ""
        raise OverridesError(
            f"Berkas override bukan TOML yang sah{where}.",
            f"The overrides are not valid TOML{where_en}: {e}.",
            code="overrides_syntax",
            details={"line": int(m[1]), "column": int(m[2])} if m else {},
        ) from None
    except RecursionError:
        # tomllib parses nested arrays and inline tables recursively.
        raise OverridesError(
            "Berkas override bukan TOML yang sah (susunan bersarang terlalu dalam).",
            "The overrides are not valid TOML (nesting too deep).",
            code="overrides_syntax",
        ) from None
    return overrides_from_mapping(data)


def overrides_from_mapping(data: Mapping[str, Any]) -> Overrides:
    """
    Read overrides from an already parsed TOML table (``closed``, ``reopened``,
    ``special_hours``, ``decreed_years``): what :func:`parse_overrides` does after parsing,
    for a file that embeds the overrides in a table of its own (the office configuration's
    ``[calendar]``).

    Raises:
        OverridesError: As :func:`parse_overrides`, but never ``overrides_syntax``.
    """
    table = _table(data, "calendar")
    _no_unknown(table, _TOP, "")
    return Overrides(
        closed=_closed(_table(table.get("closed", {}), "closed")),
        reopened=_reopened(_table(table.get("reopened", {}), "reopened")),
        special_hours=_special(table.get("special_hours", [])),
        decreed_years=_years(table.get("decreed_years", [])),
    )


def _toml_string(value: str) -> str:
    out = ['"']
    for c in value:
        if c in ('"', "\\"):
            out.append("\\" + c)
        elif ord(c) < 0x20 or ord(c) == 0x7F:
            out.append(f"\\u{ord(c):04X}")
        else:
            out.append(c)
    out.append('"')
    return "".join(out)


def _toml_hours(hours: Intervals) -> str:
    return "[" + ", ".join(_toml_string(i.isoformat()) for i in hours) + "]"


def format_overrides(overrides: Overrides) -> str:
    """
    Write overrides as TOML that :func:`parse_overrides` reads back to an equal value.

    >>> import datetime as dt
    >>> from layanan_aduan.domain.calendar import Reopening
    >>> print(format_overrides(Overrides(reopened=[Reopening(dt.date(2021, 12, 24), "Dihapus")])))
    [reopened]
    2021-12-24 = "Dihapus"
    <BLANKLINE>
    """
    lines: list[str] = []
    if overrides.decreed_years:
        lines += [f"decreed_years = {sorted(overrides.decreed_years)}", ""]
    if overrides.closed:
        lines.append("[closed]")
        for day in overrides.closed:
            fields = [
                f"name = {_toml_string(day.name)}",
                f"kind = {_toml_string(day.kind.value)}",
                f"name_en = {_toml_string(day.name_en)}",
            ]
            if day.legal_basis is not None:
                fields.append(f"legal_basis = {_toml_string(day.legal_basis)}")
            lines.append(f"{day.date.isoformat()} = {{ {', '.join(fields)} }}")
        lines.append("")
    if overrides.reopened:
        lines.append("[reopened]")
        lines += [f"{r.date.isoformat()} = {_toml_string(r.reason)}" for r in overrides.reopened]
        lines.append("")
    for special in overrides.special_hours:
        lines += [
            "[[special_hours]]",
            f"from = {special.start.isoformat()}",
            f"to = {special.end.isoformat()}",
            f"note = {_toml_string(special.note)}",
        ]
        if special.days is not None:
            lines.append(f"days = {_toml_hours(special.days)}")
        lines += [
            f"{name} = {_toml_hours(hours)}"
            for name, hours in zip(_WEEKDAYS, special.weekdays, strict=True)
            if hours is not None
        ]
        lines.append("")
    return "\n".join(lines)
