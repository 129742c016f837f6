"""
Indonesia's libur nasional and cuti bersama of the decreed years, precomputed and shipped.

Computing a year with python-holidays costs tens of milliseconds, most of it importing
python-holidays itself (some 350 modules): the first deadline of a fresh process paid for
it. The years the bundled decree table covers (2020 to 2027) are instead read from
``_closed_days_id.json`` beside this module, once, on first use: every day with its kind,
Indonesian and English names, legal basis and estimate flag, exactly as
:class:`~layanan_aduan.adapters.holidays_id.PythonHolidaysSource` computes them from
python-holidays and the decree table (``tests/test_closed_days_id.py`` compares the two
on every run, so they cannot drift). Other years are still computed from python-holidays.

The file is written by ``tools/regenerate_closed_days.py``, which also updates
:data:`CLOSED_DAYS_DIGEST` below (the tests check that the two match; the digest is not
recomputed on the load path, which would import hashlib for nothing).

>>> import datetime as dt
>>> year = shipped_year(2026)
>>> year.decreed, len(year.days)
(True, 25)
>>> [d.name for d in year.days if d.date == dt.date(2026, 1, 16)]
['Isra Mikraj Nabi Muhammad']
>>> shipped_year(2028) is None
True
>>> CLOSED_DAYS_DIGEST.startswith("sha256:")
True
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import os
from collections.abc import Iterable
from typing import Final

from layanan_aduan.domain.calendar import DayKind, NonWorkingDay, YearHolidays

__all__ = [
    "CLOSED_DAYS_DIGEST",
    "DATA_FILE",
    "SHIPPED_YEARS",
    "digest_of",
    "encode",
    "shipped_year",
]

DATA_FILE: Final = "_closed_days_id.json"
"""The data file's name, in this package (``layanan_aduan.adapters``)."""

SHIPPED_YEARS: Final = range(2020, 2028)
"""The years the data file carries (the decreed years)."""

CLOSED_DAYS_DIGEST: Final = (
    "sha256:0a75ac0307ed98ddd94d85a7a539f90b38bbbf5de1fe01d9b3a7270debc72342"
)
"""
The SHA-256 of the shipped data file: what a calendar fingerprint records so that a
projection computed with other holiday data is found stale. Rewritten by the tool.
"""

_FORMAT = 1


def digest_of(data: bytes) -> str:
    """
    The digest of data file bytes, in the form of :data:`CLOSED_DAYS_DIGEST`.
    """
    import hashlib  # only the tool and the tests compute it: not on the load path

    return "sha256:" + hashlib.sha256(data).hexdigest()


def encode(years: Iterable[YearHolidays], source: str) -> bytes:
    """
    The data file for ``years``: UTF-8 JSON, one day a line, keys and days in order.

    Args:
        years: The years to write, each as python-holidays and the decree table give it.
        source: What the data was computed with (e.g. ``"python-holidays 0.109"``).
    """
    lines = ["{", f'"format": {_FORMAT},', f'"source": {_text(source)},', '"years": {']
    blocks = []
    for year in sorted(years, key=lambda y: y.year):
        days = ",\n".join(
            "  ["
            + ", ".join(
                (
                    _text(d.date.isoformat()),
                    _text(d.kind.value),
                    _text(d.name),
                    _text(d.name_en),
                    "null" if d.legal_basis is None else _text(d.legal_basis),
                    "true" if d.estimated else "false",
                )
            )
            + "]"
            for d in year.days
        )
        decreed = "true" if year.decreed else "false"
        blocks.append(f'"{year.year}": {{"decreed": {decreed}, "days": [\n{days}\n]}}')
    lines.append(",\n".join(blocks))
    lines.extend(["}", "}", ""])
    return "\n".join(lines).encode("utf-8")


def _text(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def shipped_year(year: int) -> YearHolidays | None:
    """
    ``year``'s libur nasional and cuti bersama from the shipped data, or ``None`` for a
    year the data does not carry (compute it from python-holidays instead).

    """
    if year not in SHIPPED_YEARS:
        return None
    return _shipped().get(year)


@functools.cache
def _shipped() -> dict[int, YearHolidays]:
    # Beside this module (importlib.resources would import some 20 ms of modules).
    with open(os.path.join(os.path.dirname(__file__), DATA_FILE), "rb") as file:
        data = file.read()
    document = json.loads(data)
    return {int(key): _year(int(key), value) for key, value in document["years"].items()}


def _year(year: int, value: dict[str, object]) -> YearHolidays:
    rows = value["days"]
    assert isinstance(rows, list)  # noqa: S101 - the file is ours, written by the tool
    days = [
        NonWorkingDay(
            date=dt.date.fromisoformat(day),
            kind=DayKind(kind),
            name=name,
            name_en=name_en,
            legal_basis=basis,
            estimated=estimated,
        )
        for day, kind, name, name_en, basis, estimated in rows
    ]
    return YearHolidays(year, days, decreed=value["decreed"] is True)
