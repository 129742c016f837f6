"""
The downstream suite (``tests/downstream``) passes in a fresh interpreter, where every cache
is cold: the first draw and the first calendar year are then at their slowest.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

DOWNSTREAM = Path(__file__).parent / "downstream" / "test_default_settings.py"


@pytest.mark.slow
def test_the_downstream_suite_passes_cold_under_default_settings(tmp_path: Path) -> None:
    """A new process runs the strategies under hypothesis' default profile without a deadline
    error, a flaky error or a too_slow health check."""
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "HYPOTHESIS_PROFILE")}
    done = subprocess.run(  # noqa: S603 - our own interpreter and test file
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(DOWNSTREAM)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]


FIRST_DEADLINE = """
import holidays, pendulum
from layanan_aduan import WorkingTime, indonesian_calendar
from layanan_aduan.testing.strategies import instants

instants(min_year=2026, max_year=2027).validate()  # what @given does before the first example


def consulted(*args, **kwargs):
    raise AssertionError("python-holidays was consulted inside the test")


holidays.country_holidays = consulted
working_time = WorkingTime(indonesian_calendar())  # a calendar of the test's own
for year in (2026, 2027):
    start = pendulum.datetime(year, 3, 2, 9, tz="Asia/Jakarta")
    working_time.add(start, pendulum.duration(hours=3))
"""


def test_instants_load_the_holiday_data_before_the_first_example() -> None:
    """Once instants() is validated, a first deadline in its years (on a new calendar) loads
    no holiday data: that cost is paid outside the test's timed body."""
    done = subprocess.run(  # noqa: S603 - our own interpreter and a fixed script
        [sys.executable, "-c", FIRST_DEADLINE], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
