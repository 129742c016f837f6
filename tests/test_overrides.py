"""
Calendar overrides: the TOML format, its typed refusals, merging, and the file adapter.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from layanan_aduan.adapters.overrides_file import load_overrides
from layanan_aduan.domain.calendar import (
    DayKind,
    NonWorkingDay,
    Overrides,
    Reopening,
    SpecialHours,
    WorkingInterval,
)
from layanan_aduan.domain.overrides import format_overrides, infer_kind, parse_overrides
from layanan_aduan.exceptions import CalendarError, OverridesError, ValidationError

# --- strategies -------------------------------------------------------------------------------

texts = st.text(
    alphabet=st.characters(exclude_categories=("Cc", "Cs")), min_size=1, max_size=30
).filter(lambda s: s.strip())
kinds = st.sampled_from([DayKind.NATIONAL_HOLIDAY, DayKind.JOINT_LEAVE, DayKind.LOCAL_OVERRIDE])


@st.composite
def interval_sets(draw: st.DrawFn) -> tuple[WorkingInterval, ...]:
    """Sorted, non-overlapping intervals of whole seconds (the last may end at midnight)."""
    n = draw(st.integers(1, 3))
    points = sorted(draw(st.sets(st.integers(0, 86_400), min_size=2 * n, max_size=2 * n)))

    def at(s: int) -> dt.time:
        return dt.time(0) if s == 86_400 else dt.time(s // 3600, s // 60 % 60, s % 60)

    return tuple(
        WorkingInterval(at(a), at(b)) for a, b in zip(points[::2], points[1::2], strict=True)
    )


@st.composite
def special_hours(draw: st.DrawFn) -> SpecialHours:
    start = draw(st.dates())
    end = draw(st.dates(min_value=start))
    weekdays = tuple(draw(st.none() | interval_sets()) for _ in range(7))
    days = draw(st.none() | interval_sets())
    if days is None and all(w is None for w in weekdays):
        days = draw(interval_sets())
    return SpecialHours(start, end, draw(texts), days=days, weekdays=weekdays)


@st.composite
def overrides(draw: st.DrawFn) -> Overrides:
    dates = draw(st.lists(st.dates(), unique=True, max_size=8))
    cut = draw(st.integers(0, len(dates)))
    closed = [
        NonWorkingDay(d, draw(kinds), draw(texts), draw(texts), legal_basis=draw(st.none() | texts))
        for d in dates[:cut]
    ]
    reopened = [Reopening(d, draw(texts)) for d in dates[cut:]]
    return Overrides(
        closed=closed,
        reopened=reopened,
        special_hours=draw(st.lists(special_hours(), max_size=3)),
        decreed_years=draw(st.frozensets(st.integers(1, 9999), max_size=3)),
    )


# --- the format -------------------------------------------------------------------------------

RAMADAN_2026 = """
[[special_hours]]
from = 2026-02-19
to = 2026-03-19
note = "Jam kerja Ramadan 1447 H (SE Gubernur DKI 1/SE/2026)"
monday = ["08:00-15:00"]
tuesday = ["08:00-15:00"]
wednesday = ["08:00-15:00"]
thursday = ["08:00-15:00"]
friday = ["08:00-15:30"]
"""


def test_short_notice_cuti_bersama_is_one_line() -> None:
    """A cuti bersama announced at short notice is one line under [closed]."""
    got = parse_overrides('[closed]\n2025-08-18 = "Cuti bersama HUT RI ke-80"\n')
    assert got.closed == (
        NonWorkingDay(
            dt.date(2025, 8, 18),
            DayKind.JOINT_LEAVE,
            "Cuti bersama HUT RI ke-80",
            "Cuti bersama HUT RI ke-80",
        ),
    )


def test_table_form_gives_kind_english_name_and_legal_basis() -> None:
    """The table form of a closed day sets its kind, English name and legal basis."""
    got = parse_overrides(
        "[closed.2029-11-28]\n"
        'name = "Pemungutan suara Pilkada"\n'
        'kind = "national_holiday"\n'
        'name_en = "Local election day"\n'
        'legal_basis = "Keppres 99/2029"\n'
    )
    (day,) = got.closed
    assert (day.kind, day.name_en, day.legal_basis) == (
        DayKind.NATIONAL_HOLIDAY,
        "Local election day",
        "Keppres 99/2029",
    )


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("Cuti bersama HUT RI ke-80", DayKind.JOINT_LEAVE),
        ("  CUTI   BERSAMA Natal", DayKind.JOINT_LEAVE),
        ("Libur nasional Pemilu", DayKind.NATIONAL_HOLIDAY),
        ("Hari libur nasional Pilkada", DayKind.NATIONAL_HOLIDAY),
        ("Kantor tutup: renovasi", DayKind.LOCAL_OVERRIDE),
        ("Cuti", DayKind.LOCAL_OVERRIDE),
    ],
)
def test_kind_of_a_plain_name(name: str, kind: DayKind) -> None:
    """A plain name is cuti bersama or libur nasional by its first words, else a local closure."""
    assert infer_kind(name) is kind


def test_ramadan_hours_2026() -> None:
    """Ramadan 2026 hours: Monday-Thursday 08:00-15:00 and Friday 08:00-15:30, weekend unset."""
    (special,) = parse_overrides(RAMADAN_2026).special_hours
    assert special.start == dt.date(2026, 2, 19)
    assert special.end == dt.date(2026, 3, 19)
    assert [None if w is None else [i.isoformat() for i in w] for w in special.weekdays] == [
        ["08:00-15:00"],
        ["08:00-15:00"],
        ["08:00-15:00"],
        ["08:00-15:00"],
        ["08:00-15:30"],
        None,
        None,
    ]
    assert special.days is None


def test_half_day_and_reopened_day() -> None:
    """'days' sets one set of hours for every open day; [reopened] takes a reason."""
    got = parse_overrides(
        "[reopened]\n"
        '2021-12-24 = "Cuti bersama Natal dihapus SKB 712/2021"\n'
        "[[special_hours]]\n"
        'from = "2026-12-31"\n'
        "to = 2026-12-31\n"
        'note = "Setengah hari"\n'
        'days = "08.00-12.00"\n'
    )
    assert got.reopened == (
        Reopening(dt.date(2021, 12, 24), "Cuti bersama Natal dihapus SKB 712/2021"),
    )
    assert got.special_hours[0].days == (WorkingInterval(dt.time(8), dt.time(12)),)


def test_empty_text_is_no_overrides() -> None:
    """An empty file changes nothing."""
    assert parse_overrides("") == Overrides()


def test_decreed_years() -> None:
    """decreed_years lists the years the file carries in full."""
    assert parse_overrides("decreed_years = [2028, 2029]").decreed_years == {2028, 2029}


@pytest.mark.parametrize(
    ("text", "code", "field"),
    [
        ("[closed\n", "overrides_syntax", None),
        ("holidays = 1", "unknown_key", "holidays"),
        ('[closed]\n2025-02-30 = "Libur"', "invalid_date", "closed.2025-02-30"),
        ('[closed]\n"18-08-2025" = "Libur"', "invalid_date", "closed.18-08-2025"),
        ("[closed]\n2025-08-18 = 1", "invalid_type", "closed.2025-08-18"),
        ('[closed]\n2025-08-18 = ""', "empty_text", "closed.2025-08-18.name"),
        ('[closed]\n2025-08-18 = "a\\nb"', "invalid_text", "closed.2025-08-18.name"),
        ("[closed.2025-08-18]\nkind = 'joint_leave'", "missing_key", "closed.2025-08-18.name"),
        (
            "[closed.2025-08-18]\nname = 'x'\nkind = 'weekend'",
            "invalid_kind",
            "closed.2025-08-18.kind",
        ),
        (
            "[closed.2025-08-18]\nname = 'x'\ntype = 'joint_leave'",
            "unknown_key",
            "closed.2025-08-18.type",
        ),
        ("closed = [1]", "invalid_type", "closed"),
        (
            "[closed]\n2025-08-18 = 'Cuti'\n[reopened]\n2025-08-18 = 'Buka'",
            "conflicting_override",
            "reopened.2025-08-18",
        ),
        ("[reopened]\n2025-08-18 = ' '", "empty_text", "reopened.2025-08-18"),
        ("[reopened.2025-08-18]\nwhy = 'x'", "unknown_key", "reopened.2025-08-18.why"),
        ("[special_hours]\nfrom = 2026-01-01", "invalid_type", "special_hours"),
        ("[[special_hours]]\nto = 2026-01-01", "missing_key", "special_hours[0].from"),
        (
            "[[special_hours]]\nfrom = 2026-01-01T08:00:00\nto = 2026-01-02\nnote = 'x'\n"
            "days = ['08:00-12:00']",
            "invalid_date",
            "special_hours[0].from",
        ),
        (
            "[[special_hours]]\nfrom = 2026-01-02\nto = 2026-01-01\nnote = 'x'\n"
            "days = ['08:00-12:00']",
            "invalid_range",
            "special_hours[0].to",
        ),
        (
            "[[special_hours]]\nfrom = 2026-01-01\nto = 2026-01-02\nnote = 'x'",
            "missing_hours",
            "special_hours[0]",
        ),
        (
            "[[special_hours]]\nfrom = 2026-01-01\nto = 2026-01-02\nnote = 'x'\nmonday = []",
            "empty_hours",
            "special_hours[0].monday",
        ),
        (
            "[[special_hours]]\nfrom = 2026-01-01\nto = 2026-01-02\nnote = 'x'\n"
            "friday = ['08:00-12:00', '13:00-16:00', '16:00-12:00']",
            "invalid_interval",
            "special_hours[0].friday[2]",
        ),
        (
            "[[special_hours]]\nfrom = 2026-01-01\nto = 2026-01-02\nnote = 'x'\n"
            "days = ['08:00-12:00', '11:00-16:00']",
            "overlapping_intervals",
            "special_hours[0].days",
        ),
        (
            "[[special_hours]]\nfrom = 2026-01-01\nto = 2026-01-02\nnote = 'x'\nfriday = 8",
            "invalid_type",
            "special_hours[0].friday",
        ),
        (
            "[[special_hours]]\nfrom = 2026-01-01\nto = 2026-01-02\nnote = 'x'\nfreitag = []",
            "unknown_key",
            "special_hours[0].freitag",
        ),
        (
            "[[special_hours]]\nfrom = 2026-01-01\nto = 2026-01-02\nnote = ''\n"
            "days = ['08:00-12:00']",
            "empty_text",
            "special_hours[0].note",
        ),
        ("decreed_years = [true]", "invalid_year", "decreed_years[0]"),
        ("decreed_years = [10000]", "invalid_year", "decreed_years[0]"),
    ],
)
def test_refusals_are_typed(text: str, code: str, field: str | None) -> None:
    """Each problem is an OverridesError with its code and the TOML key path at fault."""
    with pytest.raises(OverridesError) as info:
        parse_overrides(text)
    err = info.value
    assert (err.code, err.field) == (code, field)
    assert isinstance(err, ValidationError)
    assert isinstance(err, CalendarError)
    assert err.message
    assert err.message_en
    assert err.message != err.message_en


def test_deep_nesting_is_a_syntax_error() -> None:
    """Nesting deep enough to exhaust tomllib's recursion is refused as overrides_syntax."""
    with pytest.raises(OverridesError) as info:
        parse_overrides("a = " + "[" * 5000 + "]" * 5000)
    assert info.value.code == "overrides_syntax"


def test_syntax_error_names_line_and_column() -> None:
    """A TOML syntax error says where, in Indonesian, with the position in details."""
    with pytest.raises(OverridesError) as info:
        parse_overrides('[closed]\n2025-08-18 = "Cuti\n')
    assert "baris 2" in info.value.message
    assert info.value.details["line"] == 2


@given(overrides())
def test_format_then_parse_round_trips(value: Overrides) -> None:
    """Writing overrides as TOML and reading them back gives an equal value."""
    assert parse_overrides(format_overrides(value)) == value


TOML_PIECES = st.sampled_from(
    [
        "[closed]",
        "[reopened]",
        "[[special_hours]]",
        "[closed.2025-08-18]",
        '2025-08-18 = "Cuti bersama"',
        "2025-08-18 = 3",
        '2025-13-01 = "x"',
        "from = 2026-02-19",
        "to = 2026-02-01",
        'note = "x"',
        'days = ["08:00-15:00"]',
        'monday = ["25:00-26:00"]',
        "friday = []",
        'kind = "joint_leave"',
        'kind = "x"',
        'name = "x"',
        "decreed_years = [2028]",
        "x = 1",
        "=",
        '"',
    ]
)


@given(st.lists(TOML_PIECES, max_size=10).map("\n".join) | st.text(max_size=60))
def test_parse_never_crashes(text: str) -> None:
    """Any text gives Overrides or an OverridesError, never another exception."""
    result: Overrides | OverridesError
    try:
        result = parse_overrides(text)
    except OverridesError as e:
        result = e
    assert isinstance(result, Overrides) or (result.code and result.message)


# --- merging ----------------------------------------------------------------------------------


@given(overrides(), overrides())
def test_merge_lets_the_second_win(a: Overrides, b: Overrides) -> None:
    """Merging keeps b's closed and reopened days and whatever of a's dates b leaves alone."""
    merged = a.merge(b)
    taken = {d.date for d in b.closed} | {r.date for r in b.reopened}
    assert set(merged.closed) == {d for d in a.closed if d.date not in taken} | set(b.closed)
    assert set(merged.reopened) == {r for r in a.reopened if r.date not in taken} | set(b.reopened)
    assert merged.special_hours == a.special_hours + b.special_hours
    assert merged.decreed_years == a.decreed_years | b.decreed_years


@given(overrides())
def test_merge_with_nothing_is_identity(value: Overrides) -> None:
    """Merging with empty overrides, on either side, changes nothing."""
    assert value.merge(Overrides()) == value
    assert Overrides().merge(value) == value


def test_in_code_refusals() -> None:
    """Overrides built in code are refused like parsed ones (duplicate date, weekend kind)."""
    day = dt.date(2025, 8, 18)
    leave = NonWorkingDay(day, DayKind.JOINT_LEAVE, "Cuti bersama", "Joint leave")
    with pytest.raises(OverridesError) as info:
        Overrides(closed=[leave, leave])
    assert (info.value.code, info.value.field) == ("duplicate_date", "closed.2025-08-18")
    with pytest.raises(OverridesError) as info:
        Overrides(closed=[NonWorkingDay(day, DayKind.WEEKEND, "Sabtu", "Saturday")])
    assert info.value.code == "invalid_kind"
    with pytest.raises(OverridesError) as info:
        SpecialHours.of(day, day, "x", sabtu="08:00-12:00")
    assert (info.value.code, info.value.field) == ("unknown_key", "sabtu")


# --- the file adapter -------------------------------------------------------------------------


def test_load_overrides_reads_utf8_with_or_without_bom(tmp_path: Path) -> None:
    """A UTF-8 file (a byte-order mark tolerated) is read like the text."""
    path = tmp_path / "overrides.toml"
    text = '[closed]\n2025-08-18 = "Cuti bersama HUT RI ke-80 — tambahan"\n'
    path.write_bytes(b"\xef\xbb\xbf" + text.encode())
    assert load_overrides(path) == parse_overrides(text)
    path.write_text(text, encoding="utf-8")
    assert load_overrides(str(path)) == parse_overrides(text)


def test_load_overrides_missing_file(tmp_path: Path) -> None:
    """A missing file is overrides_file_not_found, with the path in details."""
    path = tmp_path / "absent.toml"
    with pytest.raises(OverridesError) as info:
        load_overrides(path)
    assert (info.value.code, info.value.field) == ("overrides_file_not_found", "path")
    assert info.value.details["path"] == str(path)


def test_load_overrides_unreadable(tmp_path: Path) -> None:
    """A directory or a non-UTF-8 file is overrides_file_unreadable."""
    with pytest.raises(OverridesError) as info:
        load_overrides(tmp_path)
    assert info.value.code == "overrides_file_unreadable"
    path = tmp_path / "latin1.toml"
    path.write_bytes('[closed]\n2025-08-18 = "Café"\n'.encode("latin-1"))
    with pytest.raises(OverridesError) as info:
        load_overrides(path)
    assert info.value.code == "overrides_file_unreadable"


def test_load_overrides_parse_error_names_the_file(tmp_path: Path) -> None:
    """A refused value in a file keeps its code and field and names the file."""
    path = tmp_path / "bad.toml"
    path.write_text('[closed]\n2025-02-30 = "Libur"\n', encoding="utf-8")
    with pytest.raises(OverridesError) as info:
        load_overrides(path)
    assert (info.value.code, info.value.field) == ("invalid_date", "closed.2025-02-30")
    assert info.value.details["path"] == str(path)
