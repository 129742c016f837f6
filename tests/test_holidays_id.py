"""
PythonHolidaysSource: Indonesia's libur nasional and cuti bersama, their names and legal basis.
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from layanan_aduan.adapters.holidays_id import (
    DECREED_YEARS,
    PythonHolidaysSource,
    YearDecree,
    indonesian_calendar,
)
from layanan_aduan.domain.calendar import (
    DataPolicy,
    DayKind,
    HolidaySource,
    NonWorkingDay,
    YearHolidays,
)

# Copied from the project's research note on the decrees (2020-2027): the final dates after
# every revision, election days included under libur nasional. Tests never read the note.
REFERENCE: dict[int, tuple[str, str]] = {
    2020: (
        "01-01 01-25 03-22 03-25 04-10 05-01 05-07 05-21 05-24 05-25 06-01 07-31 08-17 "
        "08-20 10-29 12-09 12-25",
        "08-21 10-28 10-30 12-24 12-31",
    ),
    2021: (
        "01-01 02-12 03-11 03-14 04-02 05-01 05-13 05-14 05-26 06-01 07-20 08-11 08-17 10-20 12-25",
        "05-12",
    ),
    2022: (
        "01-01 02-01 02-28 03-03 04-15 05-01 05-02 05-03 05-16 05-26 06-01 07-10 07-30 "
        "08-17 10-08 12-25",
        "04-29 05-04 05-05 05-06",
    ),
    2023: (
        "01-01 01-22 02-18 03-22 04-07 04-22 04-23 05-01 05-18 06-01 06-04 06-29 07-19 "
        "08-17 09-28 12-25",
        "01-23 03-23 04-19 04-20 04-21 04-24 04-25 06-02 06-28 06-30 12-26",
    ),
    2024: (
        "01-01 02-08 02-10 02-14 03-11 03-29 03-31 04-10 04-11 05-01 05-09 05-23 06-01 "
        "06-17 07-07 08-17 09-16 11-27 12-25",
        "02-09 03-12 04-08 04-09 04-12 04-15 05-10 05-24 06-18 12-26",
    ),
    2025: (
        "01-01 01-27 01-29 03-29 03-31 04-01 04-18 04-20 05-01 05-12 05-29 06-01 06-06 "
        "06-27 08-17 09-05 12-25",
        "01-28 03-28 04-02 04-03 04-04 04-07 05-13 05-30 06-09 08-18 12-26",
    ),
    2026: (
        "01-01 01-16 02-17 03-19 03-21 03-22 04-03 04-05 05-01 05-14 05-27 05-31 06-01 "
        "06-16 08-17 08-25 12-25",
        "02-16 03-18 03-20 03-23 03-24 05-15 05-28 12-24",
    ),
    2027: (
        "01-01 01-05 02-06 03-08 03-10 03-11 03-26 03-28 05-01 05-06 05-17 05-20 06-01 "
        "06-06 08-15 08-17 12-25 12-26",
        "02-05 03-09 03-12 03-15 03-25 05-18 05-19 12-24",
    ),
}

COUNTS = {
    2020: (17, 5),
    2021: (15, 1),
    2022: (16, 4),
    2023: (16, 11),
    2024: (19, 10),
    2025: (17, 11),
    2026: (17, 8),
    2027: (18, 8),
}


def _dates(year: int, spec: str) -> set[dt.date]:
    return {dt.date(year, int(d[:2]), int(d[3:])) for d in spec.split()}


@pytest.fixture(scope="module")
def source() -> PythonHolidaysSource:
    return PythonHolidaysSource()


def _kind_dates(year: YearHolidays, kind: DayKind) -> set[dt.date]:
    return {d.date for d in year.days if d.kind is kind}


def test_source_is_a_holiday_source(source: PythonHolidaysSource) -> None:
    """The adapter satisfies the HolidaySource port."""
    assert isinstance(source, HolidaySource)


@pytest.mark.parametrize("year", sorted(REFERENCE))
def test_dates_agree_with_the_reference(source: PythonHolidaysSource, year: int) -> None:
    """Every libur nasional and cuti bersama date of 2020-2027 equals the research note's."""
    public, joint = REFERENCE[year]
    data = source.non_working_days(year)
    assert _kind_dates(data, DayKind.NATIONAL_HOLIDAY) == _dates(year, public)
    assert _kind_dates(data, DayKind.JOINT_LEAVE) == _dates(year, joint)


@pytest.mark.parametrize(("year", "counts"), sorted(COUNTS.items()))
def test_counts_per_year(source: PythonHolidaysSource, year: int, counts: tuple[int, int]) -> None:
    """The number of libur nasional and cuti bersama dates per year equals the decrees'."""
    data = source.non_working_days(year)
    got = (
        len(_kind_dates(data, DayKind.NATIONAL_HOLIDAY)),
        len(_kind_dates(data, DayKind.JOINT_LEAVE)),
    )
    assert got == counts


@pytest.mark.parametrize("year", sorted(REFERENCE))
def test_decreed_years_carry_a_legal_basis_and_no_estimate(
    source: PythonHolidaysSource, year: int
) -> None:
    """Each day of a decreed year names its legal basis and is not estimated."""
    data = source.non_working_days(year)
    assert data.decreed
    assert all(d.legal_basis for d in data.days)
    assert not any(d.estimated for d in data.days)


def test_isra_mikraj_2026(source: PythonHolidaysSource) -> None:
    """16 January 2026 (Isra Mikraj) is a libur nasional under SKB 1497/2025, 2/2025, 5/2025."""
    (day,) = [d for d in source.non_working_days(2026).days if d.date == dt.date(2026, 1, 16)]
    assert day == NonWorkingDay(
        date=dt.date(2026, 1, 16),
        kind=DayKind.NATIONAL_HOLIDAY,
        name="Isra Mikraj Nabi Muhammad",
        name_en="Isra' and Mi'raj",
        legal_basis="SKB 1497/2025, 2/2025, 5/2025",
        estimated=False,
    )


def test_18_august_2025_is_cuti_bersama_by_the_revision(source: PythonHolidaysSource) -> None:
    """18 August 2025 is cuti bersama (not libur nasional), set by the 2025 revision SKB."""
    (day,) = [d for d in source.non_working_days(2025).days if d.date == dt.date(2025, 8, 18)]
    assert day.kind is DayKind.JOINT_LEAVE
    assert day.legal_basis == (
        "SKB 933/2025, 1/2025, 3/2025 (perubahan atas SKB 1017/2024, 2/2024, 2/2024)"
    )


@pytest.mark.parametrize(
    ("day", "basis", "name_en"),
    [
        (dt.date(2024, 2, 14), "Keppres 10/2024", "General Election Day"),
        (dt.date(2024, 11, 27), "Keppres 33/2024", "Local Election Day"),
        (dt.date(2020, 12, 9), "Keppres 22/2020", "Local Election Day"),
    ],
)
def test_election_days_rest_on_a_keppres(
    source: PythonHolidaysSource, day: dt.date, basis: str, name_en: str
) -> None:
    """Election days are libur nasional by presidential decree, not by the SKB."""
    (found,) = [d for d in source.non_working_days(day.year).days if d.date == day]
    assert (found.kind, found.legal_basis, found.name_en) == (
        DayKind.NATIONAL_HOLIDAY,
        basis,
        name_en,
    )


def test_2028_is_not_decreed(source: PythonHolidaysSource) -> None:
    """A year after the bundled decrees is not decreed; its Islamic dates are estimated."""
    data = source.non_working_days(2028)
    assert not data.decreed
    assert all(d.legal_basis is None for d in data.days)
    idul_fitri = [d for d in data.days if d.date == dt.date(2028, 2, 27)]
    assert [(d.name, d.name_en, d.estimated) for d in idul_fitri] == [
        ("Hari Raya Idul Fitri", "Eid al-Fitr", True)
    ]
    assert not any("perkiraan" in d.name or "estimated" in d.name_en for d in data.days)


@given(st.integers(min_value=1, max_value=9999))
def test_every_year_answers(year: int) -> None:
    """Any year from 1 to 9999 gives a YearHolidays of that year, decreed only for 2020-2027."""
    data = PythonHolidaysSource().non_working_days(year)
    assert data.year == year
    assert data.decreed == (year in DECREED_YEARS)
    assert all(d.date.year == year and d.kind is not DayKind.WEEKEND for d in data.days)


def test_two_holidays_on_one_date_keep_their_own_names(source: PythonHolidaysSource) -> None:
    """On 13 May 2021 (Ascension and Idul Fitri) each Indonesian name gets its English one."""
    days = [d for d in source.non_working_days(2021).days if d.date == dt.date(2021, 5, 13)]
    assert sorted((d.name, d.name_en) for d in days) == [
        ("Hari Raya Idul Fitri", "Eid al-Fitr"),
        ("Kenaikan Yesus Kristus", "Ascension Day"),
    ]


def test_replacement_leave_2020_is_spelled_pengganti(source: PythonHolidaysSource) -> None:
    """31 Dec 2020 reads 'Pengganti ...' (python-holidays spells it 'Pegangti') with its basis."""
    (day,) = [d for d in source.non_working_days(2020).days if d.date == dt.date(2020, 12, 31)]
    assert day.name == "Pengganti Cuti Bersama Hari Raya Idul Fitri"
    assert day.legal_basis is not None
    assert day.legal_basis.startswith("SKB 391/2020, 02/2020, 02/2020 (perubahan kedua")
    assert day.legal_basis.endswith("sebagaimana diubah SKB 744/2020, 05/2020, 06/2020")


def test_2027_idul_fitri_is_fixed_by_its_decree(source: PythonHolidaysSource) -> None:
    """python-holidays calls 2027's Idul Fitri estimated; SKB 1205/2026 fixed it, so it is not."""
    days = [d for d in source.non_working_days(2027).days if d.date == dt.date(2027, 3, 10)]
    assert [(d.name, d.estimated, d.legal_basis) for d in days] == [
        ("Hari Raya Idul Fitri", False, "SKB 1205/2026, 3/2026, 2/2026")
    ]


@pytest.mark.parametrize(
    ("day", "basis"),
    [
        (dt.date(2021, 8, 11), "SKB 712/2021, 1/2021, 3/2021 (perubahan kedua atas SKB 642/2020"),
        (dt.date(2022, 7, 10), "SKB 678/2022, 2/2022, 2/2022 (perubahan kedua atas SKB 963/2021"),
        (dt.date(2023, 6, 28), "SKB 624/2023, 2/2023, 2/2023 (perubahan kedua atas SKB 1066/2022"),
        (dt.date(2023, 4, 19), "SKB 327/2023, 1/2023, 1/2023 (perubahan pertama atas SKB 1066"),
        (dt.date(2022, 4, 29), "SKB 375/2022, 1/2022, 1/2022 (perubahan pertama atas SKB 963"),
        (dt.date(2024, 12, 26), "SKB 855/2023, 3/2023, 4/2023"),
        (dt.date(2027, 12, 26), "SKB 1205/2026, 3/2026, 2/2026"),
    ],
)
def test_days_moved_or_added_by_a_revision_cite_it(
    source: PythonHolidaysSource, day: dt.date, basis: str
) -> None:
    """A day a revision moved or added cites that revision; the others cite the base SKB."""
    (found,) = [d for d in source.non_working_days(day.year).days if d.date == day]
    assert found.legal_basis is not None
    assert found.legal_basis.startswith(basis)


def test_year_decree_lists_revisions_and_related_acts(source: PythonHolidaysSource) -> None:
    """The decree of a year gives its title, revisions in order and related Keppres."""
    decree = source.decree(2020)
    assert isinstance(decree, YearDecree)
    assert decree.decree == "SKB 728/2019, 213/2019, 01/2019"
    assert decree.title.startswith("Keputusan Bersama Menteri Agama")
    assert [r.split(" (")[0] for r in decree.revisions] == [
        "SKB 174/2020, 01/2020, 01/2020",
        "SKB 391/2020, 02/2020, 02/2020",
        "SKB 440/2020, 03/2020, 03/2020",
        "SKB 744/2020, 05/2020, 06/2020",
    ]
    assert any(a.startswith("Keppres 22/2020") for a in decree.other_acts)
    later = source.decree(2027)
    assert later is not None
    assert later.confidence == "medium"
    assert source.decree(2019) is None


def test_indonesian_calendar_composes_source_overrides_and_policy() -> None:
    """indonesian_calendar() wires python-holidays, the overrides and the policy together."""
    cal = indonesian_calendar(policy=DataPolicy.STRICT)
    assert isinstance(cal.source, PythonHolidaysSource)
    assert cal.policy is DataPolicy.STRICT
    assert cal.timezone == "Asia/Jakarta"
    assert not cal.is_working_day(dt.date(2024, 2, 14))
