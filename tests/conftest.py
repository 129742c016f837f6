"""
Test-suite configuration: hypothesis profiles, and the desk the command-line tests share.

``ci`` (used when ``CI`` is set) tries more examples and has no deadline, since
CI shares two cores with a database server; ``dev`` is the quick default. The tests in
``downstream/`` are bound to hypothesis' ``default`` profile instead (see its conftest).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from layanan_aduan import examples

settings.register_profile("dev", max_examples=100, deadline=None)
settings.register_profile(
    "ci",
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    print_blob=True,
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))


#: The staff file of the command-line tests: an officer and the section head of KNJP.
CLI_STAFF = """
[[staff]]
id = "p-01"
name = "Rina Wulandari"
phone = "+6281311112222"
roles = ["officer"]

[[staff]]
id = "k-01"
name = "Andi Pratama"
phone = "0811 0000 2222"
roles = ["section_head"]
"""


@pytest.fixture
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """
    A folder for the desk commands: the database and staff file named by the environment
    (``staf.toml``: :data:`CLI_STAFF`), the example screenshot under ``media/``, and the example
    webhook as ``pesan.json``.
    """
    monkeypatch.setenv("LAYANAN_ADUAN_DB", str(tmp_path / "aduan.sqlite3"))
    staff = tmp_path / "staf.toml"
    staff.write_text(CLI_STAFF, encoding="utf-8")
    monkeypatch.setenv("LAYANAN_ADUAN_STAF", str(staff))
    monkeypatch.delenv("WHATSAPP_APP_SECRET", raising=False)
    media = tmp_path / "media"
    media.mkdir()
    (media / "1480000000000001").write_bytes(examples.screenshot_png())
    (tmp_path / "pesan.json").write_bytes(examples.whatsapp_webhook())
    return tmp_path
