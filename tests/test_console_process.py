"""
The officer console served by ``layanan-aduan layani --konsol-petugas`` as a process on
loopback: a password set with ``layanan-aduan kata-sandi`` (read from stdin) logs the officer
in, the queue answers, a wrong password does not, and the access log names console paths
without ids, passwords or tokens.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

pytest.importorskip("uvicorn")
pytest.importorskip("jinja2")

pytestmark = pytest.mark.slow

PASSWORD = "kuda-lari-cepat-7"  # noqa: S105 - a test password
STAFF = """
[[staff]]
id = "petugas-01"
name = "Rina Wulandari"
phone = "+6281311112222"
roles = ["officer"]
"""
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _cli(*args: str, stdin: str = "", env: dict[str, str] | None = None) -> None:
    subprocess.run(  # noqa: S603 - our own command line
        [sys.executable, "-m", "layanan_aduan.entrypoints.cli", *args],
        input=stdin.encode(),
        env=env,
        check=True,
        capture_output=True,
        timeout=60,
    )


def test_layani_serves_the_console(tmp_path: Path) -> None:
    """kata-sandi sets the password; layani --konsol-petugas logs the officer in on loopback."""
    staff = tmp_path / "staf.toml"
    staff.write_text(STAFF)
    passwords = tmp_path / "kata-sandi.toml"
    _cli("kata-sandi", "petugas-01", "--berkas", str(passwords), stdin=PASSWORD + "\n")
    assert PASSWORD not in passwords.read_text()

    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "WHATSAPP_APP_SECRET": "process-test-secret",
        "LAYANAN_ADUAN_KONSOL_KUNCI": "k" * 48,
    }
    log = tmp_path / "layani.log"
    with log.open("ab") as out:
        process = subprocess.Popen(  # noqa: S603 - our own command line
            [
                sys.executable,
                "-m",
                "layanan_aduan.entrypoints.cli",
                "layani",
                "--db",
                str(tmp_path / "konsol.sqlite3"),
                "--port",
                str(port),
                "--staf",
                str(staff),
                "--konsol-petugas",
                "--konsol-tanpa-https",
                "--berkas-kata-sandi",
                str(passwords),
            ],
            env=env,
            stdout=out,
            stderr=out,
        )
        try:
            deadline = time.monotonic() + 60
            while True:
                assert process.poll() is None, log.read_text(errors="replace")
                try:
                    if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert time.monotonic() < deadline, "layani did not start"
                time.sleep(0.05)
            with httpx.Client(base_url=url, follow_redirects=False, timeout=10) as client:
                token = CSRF.search(client.get("/konsol/masuk").text)
                assert token is not None
                wrong = client.post(
                    "/konsol/masuk",
                    data={"csrf": token.group(1), "staff_id": "petugas-01", "password": "salah-1"},
                )
                assert wrong.status_code == 401
                right = client.post(
                    "/konsol/masuk",
                    data={"csrf": token.group(1), "staff_id": "petugas-01", "password": PASSWORD},
                )
                assert right.status_code == 303
                queue = client.get("/konsol/")
                assert queue.status_code == 200
                assert "Antrean laporan terbuka" in queue.text
                assert client.get("/konsol/laporan/tidak-ada").status_code == 404
        finally:
            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=60) == 0
    text = log.read_text(errors="replace")
    assert '"path":"/konsol/masuk"' in text
    assert '"path":"/konsol/laporan/{id}"' in text
    assert "tidak-ada" not in text
    assert PASSWORD not in text
    assert token.group(1) not in text
