"""
The closed days shipped for the decreed years: identical to python-holidays and the decree table.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from layanan_aduan.adapters import _closed_days_id as shipped
from layanan_aduan.adapters.holidays_id import (
    CLOSED_DAYS_DIGEST,
    DECREED_YEARS,
    PythonHolidaysSource,
    indonesian_calendar,
)
from layanan_aduan.domain.calendar import (
    DEFAULT_OFFICE_SCHEDULE,
    DataPolicy,
    OfficeCalendar,
    Overrides,
)
from layanan_aduan.domain.worktime import WorkingTime
from layanan_aduan.exceptions import LayananAduanError

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "src" / "layanan_aduan" / "adapters" / shipped.DATA_FILE

COMPUTED = PythonHolidaysSource(precomputed=False)
PRECOMPUTED = PythonHolidaysSource()


def _calendar(source: PythonHolidaysSource, policy: DataPolicy) -> OfficeCalendar:
    return OfficeCalendar(DEFAULT_OFFICE_SCHEDULE, source, Overrides(), policy)


def test_the_shipped_years_are_the_decreed_years() -> None:
    """Data is shipped for exactly the years the decree table covers (2020 to 2027)."""
    assert list(shipped.SHIPPED_YEARS) == list(DECREED_YEARS)


@pytest.mark.parametrize("year", list(shipped.SHIPPED_YEARS))
def test_shipped_data_equals_python_holidays_and_the_decrees(year: int) -> None:
    """Every shipped day (date, kind, both names, legal basis, estimate) is what is computed."""
    assert shipped.shipped_year(year) == COMPUTED.non_working_days(year)


def test_the_data_file_is_what_the_tool_writes_now() -> None:
    """Regenerating the file from python-holidays gives the same bytes (bar the version line)."""
    years = [COMPUTED.non_working_days(y) for y in shipped.SHIPPED_YEARS]
    recorded = json.loads(DATA.read_bytes())["source"]
    assert shipped.encode(years, recorded) == DATA.read_bytes()
    assert recorded.startswith("python-holidays ")


def test_the_digest_constant_is_the_files() -> None:
    """CLOSED_DAYS_DIGEST (what a calendar fingerprint records) is the data file's SHA-256."""
    assert shipped.digest_of(DATA.read_bytes()) == CLOSED_DAYS_DIGEST
    assert CLOSED_DAYS_DIGEST == shipped.CLOSED_DAYS_DIGEST


def test_other_years_are_not_shipped() -> None:
    """A year outside the decreed years is computed from python-holidays, as before."""
    for year in (1, 2019, 2028, 9999):
        assert shipped.shipped_year(year) is None
        assert PRECOMPUTED.non_working_days(year) == COMPUTED.non_working_days(year)


def test_the_source_says_where_its_data_comes_from() -> None:
    """The repr and the precomputed flag tell the two modes apart."""
    assert (PRECOMPUTED.precomputed, repr(PRECOMPUTED)) == (True, "PythonHolidaysSource()")
    assert (COMPUTED.precomputed, repr(COMPUTED)) == (
        False,
        "PythonHolidaysSource(precomputed=False)",
    )


@given(
    st.dates(min_value=dt.date(2019, 1, 1), max_value=dt.date(2028, 12, 31)),
    st.sampled_from(DataPolicy),
)
def test_the_calendar_answers_the_same_with_and_without_the_shipped_data(
    day: dt.date, policy: DataPolicy
) -> None:
    """For any date of 2019-2028, open or closed, hours, reasons, names and flags are identical."""
    with_data, without = _calendar(PRECOMPUTED, policy), _calendar(COMPUTED, policy)
    assert _answer(with_data, day) == _answer(without, day)
    assert with_data.is_decreed(day.year) == without.is_decreed(day.year)


def _answer(calendar: OfficeCalendar, day: dt.date) -> object:
    """The day's schedule, or the refusal's type, code and message."""
    try:
        return calendar.schedule_for(day)
    except LayananAduanError as error:
        return type(error), error.code, error.message, error.message_en


@given(st.datetimes(min_value=dt.datetime(2019, 1, 1), max_value=dt.datetime(2028, 6, 30)))
def test_deadlines_are_the_same_with_and_without_the_shipped_data(start: dt.datetime) -> None:
    """The engine over either calendar gives the same deadline and provisional flag."""
    aware = start.replace(tzinfo=dt.UTC)
    goal = dt.timedelta(hours=3)
    assert _ENGINES[0].add(aware, goal) == _ENGINES[1].add(aware, goal)


_ENGINES = (
    WorkingTime(_calendar(PRECOMPUTED, DataPolicy.PROVISIONAL)),
    WorkingTime(_calendar(COMPUTED, DataPolicy.PROVISIONAL)),
)


def test_the_first_deadline_does_not_import_python_holidays() -> None:
    """A fresh process computes a deadline of a decreed year without loading python-holidays."""
    code = (
        "import sys, datetime as dt\n"
        "from layanan_aduan import WorkingTime, indonesian_calendar\n"
        "start = dt.datetime(2026, 1, 9, 8, tzinfo=dt.UTC)\n"
        "print(WorkingTime(indonesian_calendar()).add(start, dt.timedelta(hours=3)).at)\n"
        "print('holidays' in sys.modules)\n"
    )
    out = subprocess.run(  # noqa: S603 - our own interpreter, fixed code
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split("\n")
    assert out[:2] == ["2026-01-12 10:00:00+07:00", "False"]


def test_the_tool_finds_the_data_up_to_date() -> None:
    """tools/regenerate_closed_days.py --check agrees that nothing needs regenerating."""
    if json.loads(DATA.read_bytes())["source"] != f"python-holidays {version('holidays')}":
        pytest.skip("another python-holidays version: the tool would rewrite the version line")
    done = subprocess.run(  # noqa: S603 - our own interpreter and tool
        [sys.executable, str(ROOT / "tools" / "regenerate_closed_days.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "up to date" in done.stdout


def test_indonesian_calendar_reads_the_shipped_data() -> None:
    """indonesian_calendar() uses the precomputed source."""
    source = indonesian_calendar().source
    assert isinstance(source, PythonHolidaysSource)
    assert source.precomputed
