"""
The officer console in a real browser: Debian's Chromium driven by Playwright against uvicorn
on loopback. The officer logs in, receives and forwards a report; the section head gives the
direction; the officer delivers the follow-up; a reporter cannot log in; CSRF and session
checks hold. With ``LAYANAN_ADUAN_SCREENSHOTS=DIR`` the queue and a report page are saved to
``DIR/console-antrean.png`` and ``DIR/console-laporan.png`` (the docs' images).
"""

from __future__ import annotations

import os
import re
import socket
import threading
import time
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import pendulum
import pytest

from layanan_aduan.adapters.evidence_store import InMemoryEvidenceStore
from layanan_aduan.adapters.messaging import InMemoryMediaFetcher, InMemoryMessenger
from layanan_aduan.adapters.passwords import PasswordFile
from layanan_aduan.adapters.staff import InMemoryStaffDirectory
from layanan_aduan.adapters.storage import SqliteStorage
from layanan_aduan.adapters.whatsapp.inbound import parse_webhook
from layanan_aduan.clock import FixedClock
from layanan_aduan.domain.staff import Assignment, StaffMember, StaffRole
from layanan_aduan.service_layer.bootstrap import Services, compose
from layanan_aduan.testing.browser import chromium_browser

uvicorn = pytest.importorskip("uvicorn")
pytest.importorskip("jinja2")

pytestmark = [pytest.mark.browser, pytest.mark.slow]

EXAMPLES = resources.files("layanan_aduan.examples")
PNG = (EXAMPLES / "tangkapan-layar.png").read_bytes()
BODY = (EXAMPLES / "pesan-whatsapp.json").read_bytes()
REPORTER = "+6281234567890"  # the example's sender
T0 = pendulum.datetime(2026, 1, 12, 2, 5, tz="UTC")  # Monday 09:05 WIB
OFFICE = "KNJP"
PASSWORD = "kuda-lari-cepat-7"  # noqa: S105 - a test password
VIEWPORT = {"width": 420, "height": 760}  # a phone's screen


def _member(staff_id: str, phone: str, role: StaffRole) -> StaffMember:
    return StaffMember(
        staff_id, "Rina Wulandari", phone=phone, assignments=(Assignment(role, OFFICE),)
    )


class Loopback:
    """An ASGI app served by uvicorn in a thread, on a free port of 127.0.0.1."""

    def __init__(self, app: Any) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        config = uvicorn.Config(app, lifespan="on", access_log=False, log_config=None)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True
        )

    def __enter__(self) -> Loopback:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            assert time.monotonic() < deadline, "the server did not start"
            assert self.thread.is_alive(), "the server thread died"
            time.sleep(0.01)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)
        self.sock.close()


@pytest.fixture
def desk(tmp_path: Path) -> Iterator[tuple[Services, str, str]]:
    from layanan_aduan.entrypoints.console import ConsoleSettings
    from layanan_aduan.entrypoints.web import create_app

    media = InMemoryMediaFetcher()
    media.put("1480000000000001", PNG, "image/png")
    services = compose(
        storage=SqliteStorage.open(tmp_path / "konsol.sqlite3"),
        evidence=InMemoryEvidenceStore(),
        messenger=InMemoryMessenger(),
        media=media,
        clock=FixedClock(T0),
        staff=InMemoryStaffDirectory(
            {
                OFFICE: [
                    _member("petugas-01", "+6281311112222", StaffRole.OFFICER),
                    _member("kasi-intel", "+6281233334444", StaffRole.SECTION_HEAD),
                ]
            }
        ),
    )
    passwords = PasswordFile(tmp_path / "kata-sandi.toml", cost=2**10)
    passwords.set("petugas-01", PASSWORD)
    passwords.set("kasi-intel", PASSWORD)
    try:
        (step,) = services.desk.ingest(parse_webhook(BODY)).steps
        app = create_app(
            services,
            app_secret="test_app_secret",  # noqa: S106 - a test secret
            verify_token=None,
            console=ConsoleSettings(passwords=passwords, secret="s" * 40, secure_cookies=False),
        )
        with Loopback(app) as server:
            yield services, server.url, step.report_id
    finally:
        services.close()


def expect(target: Any) -> Any:
    """Playwright's auto-waiting assertions (imported late: the module may be missing)."""
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(target)


def _log_in(page: Any, url: str, staff_id: str) -> None:
    page.goto(f"{url}/konsol/masuk")
    page.get_by_label("Id staf").fill(staff_id)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_load_state()


def _screenshot(page: Any, name: str, tmp_path: Path) -> None:
    shot = tmp_path / name
    page.screenshot(path=str(shot), full_page=True)
    assert shot.read_bytes().startswith(b"\x89PNG")
    target = os.environ.get("LAYANAN_ADUAN_SCREENSHOTS")
    if target:
        Path(target, name).write_bytes(shot.read_bytes())


def test_the_five_steps_in_the_browser(desk: tuple[Services, str, str], tmp_path: Path) -> None:
    """Officer receives and forwards, section head directs, officer delivers: all by forms."""
    services, url, report_id = desk
    with chromium_browser() as browser:
        officer = browser.new_context(viewport=VIEWPORT).new_page()
        _log_in(officer, url, "petugas-01")
        expect(officer.get_by_role("heading", name="Antrean laporan terbuka")).to_be_visible()
        assert officer.locator(".sla-on_time").count() == 1
        _screenshot(officer, "console-antrean.png", tmp_path)

        officer.locator(f'a[href="/konsol/laporan/{report_id}"]').click()
        officer.get_by_role("button", name="Terima laporan").click()
        expect(officer.locator("main")).to_contain_text("menunggu diteruskan")
        summary = officer.get_by_label("Ringkasan untuk Kepala Seksi Intelijen (opsional)")
        summary.fill("Dugaan pungli.")
        officer.get_by_role("button", name="Teruskan ke Kepala Seksi").click()
        expect(officer.locator("main")).to_contain_text("menunggu arahan Kepala Seksi")
        assert str(services.desk.report(report_id).state) == "forwarded"

        kasi = browser.new_context(viewport=VIEWPORT).new_page()
        _log_in(kasi, url, "kasi-intel")
        kasi.goto(f"{url}/konsol/laporan/{report_id}")
        kasi.get_by_label("Arahan").fill("Klarifikasi ke kelurahan.")
        kasi.get_by_role("button", name="Beri arahan").click()
        expect(kasi.locator("main")).to_contain_text("menunggu tindak lanjut")
        assert str(services.desk.report(report_id).state) == "directed"

        officer.goto(f"{url}/konsol/laporan/{report_id}")
        officer.get_by_label("Tindak lanjut untuk pelapor").fill("Sudah diklarifikasi.")
        officer.get_by_role("button", name="Sampaikan tindak lanjut").click()
        expect(officer.locator("main")).to_contain_text("Tindak lanjut disampaikan")
        assert str(services.desk.report(report_id).state) == "completed"
        _screenshot(officer, "console-laporan.png", tmp_path)


def test_a_reporter_cannot_open_the_console(desk: tuple[Services, str, str]) -> None:
    """The reporter's number is refused at login and the queue stays closed."""
    _, url, _ = desk
    with chromium_browser() as browser:
        page = browser.new_context().new_page()
        _log_in(page, url, REPORTER)
        expect(page.get_by_role("alert")).to_contain_text("Id staf atau kata sandi salah.")
        page.goto(f"{url}/konsol/")
        expect(page).to_have_url(re.compile(r"/konsol/masuk"))


def test_csrf_and_session_checks_hold_in_the_browser(desk: tuple[Services, str, str]) -> None:
    """A form with a changed CSRF token is refused; cleared cookies end the session."""
    services, url, report_id = desk
    with chromium_browser() as browser:
        context = browser.new_context()
        page = context.new_page()
        _log_in(page, url, "petugas-01")
        page.goto(f"{url}/konsol/laporan/{report_id}")
        page.eval_on_selector_all(
            "input[name=csrf]", "nodes => nodes.forEach(n => { n.value = 'palsu'; })"
        )
        with page.expect_response(re.compile(r"/langkah$")) as answer:
            page.get_by_role("button", name="Terima laporan").click()
        assert answer.value.status == 403
        expect(page.get_by_role("alert")).to_contain_text("CSRF")
        assert str(services.desk.report(report_id).state) == "submitted"
        context.clear_cookies()
        page.goto(f"{url}/konsol/")
        expect(page).to_have_url(re.compile(r"/konsol/masuk"))
