"""
The legal basis of Indonesia's libur nasional and cuti bersama, 2020 to 2027.

Derived from the project's research note on the joint decrees (SKB) of the Minister of
Religious Affairs, the Minister of Manpower and the Minister of State Apparatus
Empowerment (Menag / Menaker / MenPANRB), their revisions, and the presidential decrees
(Keppres) that made election days holidays. Each year gives the **final** state after
every revision; each date names the act that set it in that form. The dates agree with
python-holidays 0.109 for every year (pinned by ``tests/test_holidays_id.py``).

A decree number reads as the three ministers' numbers in that order: ``SKB 1497/2025,
2/2025, 5/2025`` is Keputusan Bersama Menteri Agama No. 1497 Tahun 2025, Menteri
Ketenagakerjaan No. 2 Tahun 2025 and Menteri PANRB No. 5 Tahun 2025.
"""

from __future__ import annotations

import datetime as dt
import functools

import attrs

__all__ = ["DECREED_YEARS", "YearDecree", "year_decree"]


@attrs.frozen
class YearDecree:
    """
    The acts behind one year's libur nasional and cuti bersama.

    Attributes:
        year: The year the decree governs.
        decree: Short citation of the base SKB, e.g. ``"SKB 1497/2025, 2/2025, 5/2025"``.
        title: Its full Indonesian title.
        revisions: The SKB's revisions in order, each with what it changed (Indonesian).
        other_acts: Related presidential decrees (election days, cuti bersama for ASN).
        national_holidays: ``(date, legal basis)`` of each libur nasional, by date.
        joint_leave: ``(date, legal basis)`` of each cuti bersama, by date.
        confidence: ``"high"``, or ``"medium"`` where the research rests on secondary
            transcriptions of the decree (2027).
    """

    year: int
    decree: str
    title: str
    revisions: tuple[str, ...]
    other_acts: tuple[str, ...]
    national_holidays: tuple[tuple[dt.date, str], ...]
    joint_leave: tuple[tuple[dt.date, str], ...]
    confidence: str = "high"


DECREED_YEARS = range(2020, 2028)
"""The years whose decrees this table carries."""

_ORDINALS = ("", "pertama", "kedua", "ketiga", "keempat")
_MINISTERS = (
    "Menteri Agama, Menteri Ketenagakerjaan, dan Menteri Pendayagunaan Aparatur Negara "
    "dan Reformasi Birokrasi"
)


@attrs.frozen
class _Raw:
    base: tuple[str, str, str]
    revisions: tuple[tuple[tuple[str, str, str], str], ...]
    other_acts: tuple[str, ...]
    # "MM-DD" for the base SKB, "MM-DD:n" for revision n, "MM-DD:n+m" for revision n as
    # amended by revision m, "MM-DD:K10/2024" for a presidential decree.
    national: str
    joint: str
    confidence: str = "high"


_RAW: dict[int, _Raw] = {
    2020: _Raw(
        base=("728/2019", "213/2019", "01/2019"),
        revisions=(
            (
                ("174/2020", "01/2020", "01/2020"),
                "9 Maret 2020: menambah cuti bersama 28-29 Mei, 21 Agustus dan 30 Oktober",
            ),
            (
                ("391/2020", "02/2020", "02/2020"),
                "April 2020: cuti bersama Idul Fitri dipindah ke 28-31 Desember; menambah "
                "cuti bersama 28 Oktober",
            ),
            (
                ("440/2020", "03/2020", "03/2020"),
                "20 Mei 2020: menghapus cuti bersama 22 Mei",
            ),
            (
                ("744/2020", "05/2020", "06/2020"),
                "1 Desember 2020: menghapus cuti bersama 28, 29 dan 30 Desember",
            ),
        ),
        other_acts=(
            "Keppres 22/2020: 9 Desember 2020 (Pilkada serentak) hari libur nasional",
            "Keppres 17/2020 sebagaimana diubah Keppres 23/2020: cuti bersama ASN",
        ),
        national="01-01 01-25 03-22 03-25 04-10 05-01 05-07 05-21 05-24 05-25 06-01 07-31 "
        "08-17 08-20 10-29 12-09:K22/2020 12-25",
        joint="08-21:1 10-28:2 10-30:1 12-24 12-31:2+4",
    ),
    2021: _Raw(
        base=("642/2020", "4/2020", "4/2020"),
        revisions=(
            (
                ("281/2021", "1/2021", "1/2021"),
                "22 Februari 2021: cuti bersama dikurangi dari 7 menjadi 2 hari",
            ),
            (
                ("712/2021", "1/2021", "3/2021"),
                "Juni 2021: Tahun Baru Islam dipindah ke 11 Agustus, Maulid Nabi ke "
                "20 Oktober; cuti bersama 24 Desember dihapus",
            ),
        ),
        other_acts=(),
        national="01-01 02-12 03-11 03-14 04-02 05-01 05-13 05-14 05-26 06-01 07-20 08-11:2 "
        "08-17 10-20:2 12-25",
        joint="05-12",
    ),
    2022: _Raw(
        base=("963/2021", "3/2021", "4/2021"),
        revisions=(
            (
                ("375/2022", "1/2022", "1/2022"),
                "7 April 2022: menambah cuti bersama 29 April dan 4-6 Mei",
            ),
            (
                ("678/2022", "2/2022", "2/2022"),
                "7 Juli 2022: Idul Adha dipindah dari 9 ke 10 Juli",
            ),
        ),
        other_acts=("Keppres 4/2022: cuti bersama ASN",),
        national="01-01 02-01 02-28 03-03 04-15 05-01 05-02 05-03 05-16 05-26 06-01 07-10:2 "
        "07-30 08-17 10-08 12-25",
        joint="04-29:1 05-04:1 05-05:1 05-06:1",
    ),
    2023: _Raw(
        base=("1066/2022", "3/2022", "3/2022"),
        revisions=(
            (
                ("327/2023", "1/2023", "1/2023"),
                "Maret 2023: cuti bersama Idul Fitri menjadi 19, 20, 21, 24 dan 25 April",
            ),
            (
                ("624/2023", "2/2023", "2/2023"),
                "16 Juni 2023: menambah cuti bersama 28 dan 30 Juni",
            ),
        ),
        other_acts=(
            "Keppres 24/2022 sebagaimana diubah Keppres 8/2023 dan Keppres 16/2023: "
            "cuti bersama ASN",
        ),
        national="01-01 01-22 02-18 03-22 04-07 04-22 04-23 05-01 05-18 06-01 06-04 06-29 "
        "07-19 08-17 09-28 12-25",
        joint="01-23 03-23 04-19:1 04-20:1 04-21:1 04-24:1 04-25:1 06-02 06-28:2 06-30:2 12-26",
    ),
    2024: _Raw(
        base=("855/2023", "3/2023", "4/2023"),
        revisions=(),
        other_acts=(
            "Keppres 8/2024: Hari-hari Libur (Paskah; 'Isa Almasih' menjadi 'Yesus Kristus')",
            "Keppres 10/2024: 14 Februari 2024 (Pemilu) hari libur nasional",
            "Keppres 33/2024: 27 November 2024 (Pilkada serentak) hari libur nasional",
            "Keppres 7/2024: cuti bersama ASN",
        ),
        national="01-01 02-08 02-10 02-14:K10/2024 03-11 03-29 03-31 04-10 04-11 05-01 "
        "05-09 05-23 06-01 06-17 07-07 08-17 09-16 11-27:K33/2024 12-25",
        joint="02-09 03-12 04-08 04-09 04-12 04-15 05-10 05-24 06-18 12-26",
    ),
    2025: _Raw(
        base=("1017/2024", "2/2024", "2/2024"),
        revisions=(
            (
                ("933/2025", "1/2025", "3/2025"),
                "7 Agustus 2025: menambah cuti bersama 18 Agustus 2025 (HUT ke-80 RI)",
            ),
        ),
        other_acts=("Keppres 2/2025: cuti bersama ASN",),
        national="01-01 01-27 01-29 03-29 03-31 04-01 04-18 04-20 05-01 05-12 05-29 06-01 "
        "06-06 06-27 08-17 09-05 12-25",
        joint="01-28 03-28 04-02 04-03 04-04 04-07 05-13 05-30 06-09 08-18:1 12-26",
    ),
    2026: _Raw(
        base=("1497/2025", "2/2025", "5/2025"),
        revisions=(),
        other_acts=("Keppres 42/2025: cuti bersama ASN",),
        national="01-01 01-16 02-17 03-19 03-21 03-22 04-03 04-05 05-01 05-14 05-27 05-31 "
        "06-01 06-16 08-17 08-25 12-25",
        joint="02-16 03-18 03-20 03-23 03-24 05-15 05-28 12-24",
    ),
    2027: _Raw(
        base=("1205/2026", "3/2026", "2/2026"),
        revisions=(),
        other_acts=(),
        national="01-01 01-05 02-06 03-08 03-10 03-11 03-26 03-28 05-01 05-06 05-17 05-20 "
        "06-01 06-06 08-15 08-17 12-25 12-26",
        joint="02-05 03-09 03-12 03-15 03-25 05-18 05-19 12-24",
        confidence="medium",
    ),
}


def _skb(numbers: tuple[str, str, str]) -> str:
    return "SKB " + ", ".join(numbers)


def _title(numbers: tuple[str, str, str], year: int) -> str:
    parts = ", ".join("Nomor {} Tahun {}".format(*n.split("/")) for n in numbers)
    return (
        f"Keputusan Bersama {_MINISTERS} {parts} tentang Hari Libur Nasional dan Cuti Bersama "
        f"Tahun {year}"
    )


def _ordinal(raw: _Raw, n: int) -> str:
    return f" {_ORDINALS[n]}" if len(raw.revisions) > 1 else ""


def _revision(raw: _Raw, n: int, numbers: tuple[str, str, str], text: str) -> str:
    when, _, what = text.partition(": ")
    return f"{_skb(numbers)} (perubahan{_ordinal(raw, n)}, {when}): {what}"


def _basis(raw: _Raw, code: str) -> str:
    base = _skb(raw.base)
    if not code:
        return base
    if code.startswith("K"):
        return f"Keppres {code[1:]}"
    first, _, amended = code.partition("+")
    n = int(first)
    text = f"{_skb(raw.revisions[n - 1][0])} (perubahan{_ordinal(raw, n)} atas {base})"
    if amended:
        text += f", sebagaimana diubah {_skb(raw.revisions[int(amended) - 1][0])}"
    return text


def _days(raw: _Raw, year: int, spec: str) -> tuple[tuple[dt.date, str], ...]:
    found = []
    for item in spec.split():
        day, _, code = item.partition(":")
        month, dom = (int(p) for p in day.split("-"))
        found.append((dt.date(year, month, dom), _basis(raw, code)))
    return tuple(found)


@functools.cache
def year_decree(year: int) -> YearDecree | None:
    """
    The decrees behind ``year``'s libur nasional and cuti bersama, or ``None`` when this
    table does not carry the year.

    >>> decree = year_decree(2026)
    >>> decree.decree
    'SKB 1497/2025, 2/2025, 5/2025'
    >>> dict(decree.joint_leave)[dt.date(2026, 12, 24)]
    'SKB 1497/2025, 2/2025, 5/2025'
    >>> dict(year_decree(2025).joint_leave)[dt.date(2025, 8, 18)]
    'SKB 933/2025, 1/2025, 3/2025 (perubahan atas SKB 1017/2024, 2/2024, 2/2024)'
    >>> dict(year_decree(2024).national_holidays)[dt.date(2024, 2, 14)]
    'Keppres 10/2024'
    >>> year_decree(2028) is None
    True
    """
    raw = _RAW.get(year)
    if raw is None:
        return None
    return YearDecree(
        year=year,
        decree=_skb(raw.base),
        title=_title(raw.base, year),
        revisions=tuple(
            _revision(raw, i, numbers, text)
            for i, (numbers, text) in enumerate(raw.revisions, start=1)
        ),
        other_acts=raw.other_acts,
        national_holidays=_days(raw, year, raw.national),
        joint_leave=_days(raw, year, raw.joint),
        confidence=raw.confidence,
    )
