"""
The officer console in-process (Starlette's TestClient): login and logout, wrong passwords and
the lock-out, CSRF and session checks, a reporter who cannot log in, the step forms of the
officer and the section head, refusals shown with their Indonesian message, and the password
file and its command.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import re
import stat
from importlib import resources
from pathlib import Path

import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

pytest.importorskip("jinja2")
pytest.importorskip("itsdangerous")

from starlette.testclient import TestClient

from layanan_aduan.adapters.evidence_store import InMemoryEvidenceStore
from layanan_aduan.adapters.messaging import InMemoryMediaFetcher, InMemoryMessenger
from layanan_aduan.adapters.passwords import (
    PasswordFile,
    hash_password,
    verify_password,
)
from layanan_aduan.adapters.staff import InMemoryStaffDirectory
from layanan_aduan.adapters.storage import InMemoryStorage
from layanan_aduan.adapters.whatsapp.inbound import parse_webhook
from layanan_aduan.clock import FixedClock
from layanan_aduan.domain.staff import Assignment, StaffMember, StaffRole
from layanan_aduan.entrypoints.console import ConsoleSettings
from layanan_aduan.entrypoints.web import create_app
from layanan_aduan.exceptions import ConsoleAuthError
from layanan_aduan.service_layer.bootstrap import Services, compose

EXAMPLES = resources.files("layanan_aduan.examples")
PNG = (EXAMPLES / "tangkapan-layar.png").read_bytes()
BODY = (EXAMPLES / "pesan-whatsapp.json").read_bytes()
REPORTER = "+6281234567890"  # the example's sender
T0 = pendulum.datetime(2026, 1, 12, 2, 5, tz="UTC")  # Monday 09:05 WIB
OFFICE = "KNJP"
SECRET = "k" * 40
PASSWORD = "kuda-lari-cepat-7"  # noqa: S105 - a test password
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def _member(staff_id: str, phone: str, role: StaffRole) -> StaffMember:
    return StaffMember(
        staff_id, "Rina Wulandari", phone=phone, assignments=(Assignment(role, OFFICE),)
    )


OFFICER = _member("petugas-01", "+6281311112222", StaffRole.OFFICER)
KASI = _member("kasi-intel", "+6281233334444", StaffRole.SECTION_HEAD)


class Desk:
    """A desk with an officer and a section head who have passwords, and one report."""

    def __init__(self, tmp_path: Path, **console: object) -> None:
        media = InMemoryMediaFetcher()
        media.put("1480000000000001", PNG, "image/png")
        self.clock = FixedClock(T0)
        self.services: Services = compose(
            storage=InMemoryStorage(),
            evidence=InMemoryEvidenceStore(),
            messenger=InMemoryMessenger(),
            media=media,
            clock=self.clock,
            staff=InMemoryStaffDirectory({OFFICE: [OFFICER, KASI]}),
        )
        self.passwords = PasswordFile(tmp_path / "kata-sandi.toml", cost=2**10)
        for staff_id in ("petugas-01", "kasi-intel", "orang-luar"):
            self.passwords.set(staff_id, PASSWORD)
        (step,) = self.services.desk.ingest(parse_webhook(BODY)).steps
        self.report_id = step.report_id
        self.app = create_app(
            self.services,
            app_secret="test_app_secret",  # noqa: S106 - a test secret
            verify_token=None,
            console=ConsoleSettings(
                passwords=self.passwords,
                secret=SECRET,
                **{"secure_cookies": False, **console},  # type: ignore[arg-type]
            ),
        )

    def client(self) -> TestClient:
        return TestClient(self.app, follow_redirects=False)

    def state(self) -> str:
        return str(self.services.desk.report(self.report_id).state)


def csrf_of(client: TestClient, path: str = "/konsol/masuk") -> str:
    """The CSRF token of the form on ``path``."""
    page = client.get(path)
    match = CSRF.search(page.text)
    assert match is not None, page.text
    return match.group(1)


def log_in(client: TestClient, staff_id: str, password: str = PASSWORD) -> int:
    """Log in through the form; the status of the answer."""
    token = csrf_of(client)
    answer = client.post(
        "/konsol/masuk", data={"csrf": token, "staff_id": staff_id, "password": password}
    )
    return answer.status_code


def take(client: TestClient, report_id: str, action: str, **fields: str) -> int:
    """Take a step through the report page's form; the status of the answer."""
    token = csrf_of(client, f"/konsol/laporan/{report_id}")
    answer = client.post(
        f"/konsol/laporan/{report_id}/langkah", data={"csrf": token, "action": action, **fields}
    )
    return answer.status_code


@pytest.fixture
def desk(tmp_path: Path) -> Desk:
    return Desk(tmp_path)


def test_the_queue_needs_a_login(desk: Desk) -> None:
    """Without a session the queue redirects to the login form, which has a CSRF token."""
    client = desk.client()
    answer = client.get("/konsol/")
    assert answer.status_code == 303
    assert answer.headers["location"].startswith("/konsol/masuk")
    page = client.get("/konsol/masuk")
    assert page.status_code == 200
    assert "Id staf" in page.text
    assert CSRF.search(page.text)


def test_an_officer_logs_in_sees_the_queue_and_logs_out(desk: Desk) -> None:
    """A right password opens the queue (the report, its SLA colour); logging out ends it."""
    client = desk.client()
    assert log_in(client, "petugas-01") == 303
    queue = client.get("/konsol/")
    assert queue.status_code == 200
    assert desk.report_id in queue.text
    assert "sla-on_time" in queue.text
    assert "sisa" in queue.text
    token = CSRF.search(queue.text)
    assert token is not None
    assert client.post("/konsol/keluar", data={"csrf": token.group(1)}).status_code == 303
    assert client.get("/konsol/").status_code == 303


def test_the_session_cookie_is_httponly_strict_and_secure(tmp_path: Path) -> None:
    """The cookie is HttpOnly, SameSite=Strict, Secure, and scoped to the console."""
    d = Desk(tmp_path, secure_cookies=True)
    client = TestClient(d.app, base_url="https://testserver", follow_redirects=False)
    cookie = client.get("/konsol/masuk").headers["set-cookie"].lower()
    assert "httponly" in cookie
    assert "samesite=strict" in cookie
    assert "secure" in cookie
    assert "path=/konsol" in cookie


def test_a_wrong_password_is_refused(desk: Desk) -> None:
    """A wrong password answers 401 with the Indonesian message and opens nothing."""
    client = desk.client()
    token = csrf_of(client)
    answer = client.post(
        "/konsol/masuk", data={"csrf": token, "staff_id": "petugas-01", "password": "salah-x-123"}
    )
    assert answer.status_code == 401
    assert "Id staf atau kata sandi salah." in answer.text
    assert client.get("/konsol/").status_code == 303


def test_a_reporter_cannot_log_in(desk: Desk) -> None:
    """The reporter's number, or an id the directory does not list, cannot log in."""
    client = desk.client()
    assert log_in(client, REPORTER) == 401
    # A password on file is not enough: the directory is the source of truth.
    assert log_in(client, "orang-luar") == 401
    assert client.get("/konsol/").status_code == 303


def test_a_staff_id_is_locked_out_after_repeated_failures(
    desk: Desk, caplog: pytest.LogCaptureFixture
) -> None:
    """Five failures lock the id (even the right password), the window's end frees it."""
    client = desk.client()
    with caplog.at_level(logging.INFO, logger="layanan_aduan.console"):
        for _ in range(5):
            assert log_in(client, "petugas-01", "salah-sandi-1") == 401
        token = csrf_of(client)
        answer = client.post(
            "/konsol/masuk", data={"csrf": token, "staff_id": "petugas-01", "password": PASSWORD}
        )
    assert answer.status_code == 429
    assert "Terlalu banyak percobaan" in answer.text
    # Logged by code and masked id only.
    assert "login_locked" in caplog.text
    assert "petugas-01" not in caplog.text
    assert PASSWORD not in caplog.text
    # Another staff id is not locked.
    assert log_in(desk.client(), "kasi-intel") == 303
    desk.clock.advance(pendulum.duration(minutes=15))
    assert log_in(client, "petugas-01") == 303


@pytest.mark.parametrize("token", [None, "", "not-the-token"])
def test_a_login_form_without_the_right_csrf_token_is_refused(
    desk: Desk, token: str | None
) -> None:
    """A login POST whose CSRF token is missing or wrong answers 403 and logs nobody in."""
    client = desk.client()
    csrf_of(client)
    data = {"staff_id": "petugas-01", "password": PASSWORD}
    if token is not None:
        data["csrf"] = token
    answer = client.post("/konsol/masuk", data=data)
    assert answer.status_code == 403
    assert "CSRF" in answer.text
    assert client.get("/konsol/").status_code == 303


@pytest.mark.parametrize("token", [None, "not-the-token"])
def test_a_step_form_without_the_right_csrf_token_changes_nothing(
    desk: Desk, token: str | None
) -> None:
    """A step POST without the session's CSRF token answers 403; the report is not touched."""
    client = desk.client()
    assert log_in(client, "petugas-01") == 303
    data = {"action": "receive"}
    if token is not None:
        data["csrf"] = token
    answer = client.post(f"/konsol/laporan/{desk.report_id}/langkah", data=data)
    assert answer.status_code == 403
    assert desk.state() == "submitted"


def test_the_token_before_login_is_worthless_after_it(desk: Desk) -> None:
    """Logging in gives a new CSRF token: the login page's one no longer works."""
    client = desk.client()
    before = csrf_of(client)
    client.post(
        "/konsol/masuk", data={"csrf": before, "staff_id": "petugas-01", "password": PASSWORD}
    )
    answer = client.post(
        f"/konsol/laporan/{desk.report_id}/langkah", data={"csrf": before, "action": "receive"}
    )
    assert answer.status_code == 403
    assert desk.state() == "submitted"


def test_a_forged_cookie_opens_nothing(desk: Desk) -> None:
    """A session cookie not signed with the secret is no session."""
    client = desk.client()
    assert log_in(client, "petugas-01") == 303
    real = client.cookies.get("konsol_sesi")
    assert real
    forged = real[:-4] + ("AAAA" if not real.endswith("AAAA") else "BBBB")
    other = desk.client()
    other.cookies.set("konsol_sesi", forged, path="/konsol")
    assert other.get("/konsol/").status_code == 303


def test_a_session_ends_when_idle_and_after_its_lifetime(desk: Desk) -> None:
    """Thirty idle minutes or eight hours after login (on the desk's clock) end a session."""
    client = desk.client()
    assert log_in(client, "petugas-01") == 303
    desk.clock.advance(pendulum.duration(minutes=29))
    assert client.get("/konsol/").status_code == 200
    desk.clock.advance(pendulum.duration(minutes=30))
    assert client.get("/konsol/").status_code == 303
    assert log_in(client, "petugas-01") == 303
    for _ in range(16):  # 16 x 29 minutes: 7 h 44 m after login
        desk.clock.advance(pendulum.duration(minutes=29))
        assert client.get("/konsol/").status_code == 200
    desk.clock.advance(pendulum.duration(minutes=29))
    assert client.get("/konsol/").status_code == 303


def test_a_step_without_a_session_is_refused(desk: Desk) -> None:
    """A step POST without a session answers 401 and changes nothing."""
    answer = desk.client().post(
        f"/konsol/laporan/{desk.report_id}/langkah", data={"csrf": "x", "action": "receive"}
    )
    assert answer.status_code == 401
    assert desk.state() == "submitted"


def test_the_officer_and_the_section_head_take_the_five_steps(desk: Desk) -> None:
    """The officer receives and forwards, the section head directs, the officer delivers."""
    officer = desk.client()
    assert log_in(officer, "petugas-01") == 303
    page = officer.get(f"/konsol/laporan/{desk.report_id}").text
    assert "Terima laporan" in page
    assert "Beri arahan" not in page
    assert take(officer, desk.report_id, "receive") == 303
    assert desk.state() == "received"
    assert take(officer, desk.report_id, "forward", summary="Pungli di kelurahan.") == 303
    assert desk.state() == "forwarded"
    page = officer.get(f"/konsol/laporan/{desk.report_id}").text
    assert "Tidak ada langkah untuk peran Anda" in page

    kasi = desk.client()
    assert log_in(kasi, "kasi-intel") == 303
    page = kasi.get(f"/konsol/laporan/{desk.report_id}").text
    assert "Beri arahan" in page
    assert take(kasi, desk.report_id, "give_direction", direction="Klarifikasi ke lurah.") == 303
    assert desk.state() == "directed"

    assert (
        take(officer, desk.report_id, "deliver_follow_up", follow_up="Sudah diklarifikasi.") == 303
    )
    assert desk.state() == "completed"
    page = officer.get(f"/konsol/laporan/{desk.report_id}").text
    for label in ("Laporan masuk", "Diterima petugas", "Arahan Kepala Seksi", "Tindak lanjut"):
        assert label in page
    # The queue lists open reports only.
    assert desk.report_id not in officer.get("/konsol/").text


def test_a_step_the_role_does_not_allow_shows_the_desks_refusal(desk: Desk) -> None:
    """The officer posting the section head's step gets the desk's refusal; nothing changes."""
    officer = desk.client()
    assert log_in(officer, "petugas-01") == 303
    assert take(officer, desk.report_id, "receive") == 303
    assert take(officer, desk.report_id, "forward") == 303
    version = desk.services.desk.report(desk.report_id).version
    token = csrf_of(officer, f"/konsol/laporan/{desk.report_id}")
    answer = officer.post(
        f"/konsol/laporan/{desk.report_id}/langkah",
        data={"csrf": token, "action": "give_direction", "direction": "Saya sendiri."},
    )
    assert answer.status_code == 403
    assert 'class="error"' in answer.text
    assert desk.services.desk.report(desk.report_id).version == version


def test_an_out_of_order_step_shows_the_refusal(desk: Desk) -> None:
    """Forwarding a report not yet received is refused with the workflow's message (409)."""
    officer = desk.client()
    assert log_in(officer, "petugas-01") == 303
    token = csrf_of(officer, f"/konsol/laporan/{desk.report_id}")
    answer = officer.post(
        f"/konsol/laporan/{desk.report_id}/langkah", data={"csrf": token, "action": "forward"}
    )
    assert answer.status_code == 409
    assert 'class="error"' in answer.text
    assert desk.state() == "submitted"


def test_an_unknown_action_and_report_are_refused(desk: Desk) -> None:
    """An action the console does not offer is a 400; an unknown report a 404."""
    officer = desk.client()
    assert log_in(officer, "petugas-01") == 303
    assert take(officer, desk.report_id, "erase_personal_data") == 400
    assert officer.get("/konsol/laporan/tidak-ada").status_code == 404
    assert desk.state() == "submitted"


def test_personal_data_is_masked_for_the_officer_and_shown_to_the_section_head(desk: Desk) -> None:
    """The officer sees the report masked; the section head sees it whole (the pack's rule)."""
    officer = desk.client()
    assert log_in(officer, "petugas-01") == 303
    page = officer.get(f"/konsol/laporan/{desk.report_id}").text
    assert "disamarkan" in page
    assert "data pribadi disembunyikan" in page
    for whole in ("Budi Santoso", "3171010101900001", "Rp500.000"):
        assert whole not in page
    kasi = desk.client()
    assert log_in(kasi, "kasi-intel") == 303
    page = kasi.get(f"/konsol/laporan/{desk.report_id}").text
    assert "ditampilkan" in page
    assert "Nama: Budi Santoso" in page
    assert "Rp500.000" in page


def test_a_member_removed_from_the_directory_loses_the_session(desk: Desk) -> None:
    """The directory is checked at every request: a removed member's session ends."""
    client = desk.client()
    assert log_in(client, "petugas-01") == 303
    staff = desk.services.desk.staff
    assert isinstance(staff, InMemoryStaffDirectory)
    staff.remove(OFFICE, "petugas-01")
    assert client.get("/konsol/").status_code == 303


def test_pages_carry_security_headers(desk: Desk) -> None:
    """Every console page forbids framing, outside assets and caching."""
    headers = desk.client().get("/konsol/masuk").headers
    assert "default-src 'none'" in headers["content-security-policy"]
    assert headers["cache-control"] == "no-store"
    assert headers["x-frame-options"] == "DENY"


def test_a_short_session_secret_is_refused(tmp_path: Path) -> None:
    """A session secret under 32 characters is refused with a typed error."""
    with pytest.raises(ConsoleAuthError) as e:
        ConsoleSettings(passwords=PasswordFile(tmp_path / "p.toml"), secret="pendek")  # noqa: S106
    assert e.value.code == "session_secret_invalid"


def test_the_password_file_is_private_and_checks(tmp_path: Path) -> None:
    """The file is 0600, holds no password in clear, and refuses a short password."""
    store = PasswordFile(tmp_path / "kata-sandi.toml", cost=2**10)
    store.set("petugas-01", PASSWORD)
    assert stat.S_IMODE((tmp_path / "kata-sandi.toml").stat().st_mode) == 0o600
    assert PASSWORD not in (tmp_path / "kata-sandi.toml").read_text()
    assert store.check("petugas-01", PASSWORD) is True
    assert store.check("petugas-01", PASSWORD + "x") is False
    assert store.check("kasi-intel", PASSWORD) is None
    with pytest.raises(ConsoleAuthError) as e:
        store.set("petugas-01", "pendek")
    assert e.value.code == "password_invalid"
    assert store.check("petugas-01", PASSWORD) is True


def test_a_broken_password_file_is_refused(tmp_path: Path) -> None:
    """A password file that is not TOML of strings is a typed error, not a crash."""
    path = tmp_path / "kata-sandi.toml"
    path.write_text("this is = not toml [")
    path.chmod(0o600)
    with pytest.raises(ConsoleAuthError) as e:
        PasswordFile(path, cost=2**10).check("petugas-01", PASSWORD)
    assert e.value.code == "password_file_invalid"


@settings(max_examples=15, deadline=None)
@given(
    password=st.text(min_size=1, max_size=40),
    other=st.text(min_size=1, max_size=40),
)
def test_a_hash_verifies_its_password_only(password: str, other: str) -> None:
    """Every hash verifies its own password and no other."""
    encoded = hash_password(password, cost=2**8)
    assert verify_password(password, encoded)
    assert verify_password(other, encoded) is (other == password)


@settings(max_examples=30, deadline=None)
@given(
    failures=st.lists(st.integers(min_value=0, max_value=30), min_size=0, max_size=12),
)
def test_the_lock_out_holds_exactly_max_failures_in_the_window(failures: list[int]) -> None:
    """An id is locked exactly when five failures fall within the 15 minutes before the try."""
    from layanan_aduan.service_layer.console_login import ConsoleLogin

    class Passwords:
        def check(self, staff_id: str, password: str) -> bool | None:
            return password == PASSWORD if staff_id == "petugas-01" else None

    clock = FixedClock(T0)
    login = ConsoleLogin(
        InMemoryStaffDirectory({OFFICE: [OFFICER]}), OFFICE, "Asia/Jakarta", Passwords(), clock
    )
    instants = []
    for gap in failures:
        clock.advance(pendulum.duration(minutes=gap))
        try:
            login.log_in("petugas-01", "salah")
        except ConsoleAuthError as e:
            if e.code == "login_failed":
                instants.append(clock.now())
    clock.advance(pendulum.duration(minutes=1))
    now = clock.now()
    recent = [t for t in instants if now - t < dt.timedelta(minutes=15)]
    if len(recent) >= 5:
        with pytest.raises(ConsoleAuthError) as e:
            login.log_in("petugas-01", PASSWORD)
        assert e.value.code == "login_locked"
    else:
        assert login.log_in("petugas-01", PASSWORD).staff_id == "petugas-01"


def test_kata_sandi_sets_a_password_from_stdin(tmp_path: Path) -> None:
    """``layanan-aduan kata-sandi ID`` reads the password from stdin and stores its hash."""
    from layanan_aduan.entrypoints.cli import main

    path = tmp_path / "kata-sandi.toml"
    out = io.StringIO()
    status = main(
        ["kata-sandi", "petugas-01", "--berkas", str(path)],
        stdin=io.StringIO(PASSWORD + "\n"),
        stdout=out,
    )
    assert status == 0
    assert PASSWORD not in out.getvalue()
    assert PasswordFile(path).check("petugas-01", PASSWORD) is True
    status = main(
        ["kata-sandi", "petugas-01", "--berkas", str(path)],
        stdin=io.StringIO("pendek\n"),
        stdout=out,
    )
    assert status != 0
    assert PasswordFile(path).check("petugas-01", PASSWORD) is True


def test_layani_refuses_the_console_without_a_session_secret(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``layani --konsol-petugas`` without $LAYANAN_ADUAN_KONSOL_KUNCI stops with a typed error."""
    from layanan_aduan.entrypoints.cli import main

    monkeypatch.delenv("LAYANAN_ADUAN_KONSOL_KUNCI", raising=False)
    status = main(
        [
            "layani",
            "--konsol-petugas",
            "--tanpa-tanda-tangan",
            "--db",
            str(tmp_path / "layani.sqlite3"),
        ],
        stdin=io.StringIO(),
        stdout=io.StringIO(),
    )
    assert status != 0
    assert "session_secret_invalid" in capsys.readouterr().err


@settings(max_examples=25, deadline=None)
@given(
    token=st.text(alphabet=st.characters(codec="ascii", exclude_categories=("Cc",)), max_size=60)
)
def test_no_token_but_the_sessions_takes_a_step(
    tmp_path_factory: pytest.TempPathFactory, token: str
) -> None:
    """Whatever token a form carries, only the session's own lets a step through."""
    d = Desk(tmp_path_factory.mktemp("csrf"))
    client = d.client()
    assert log_in(client, "petugas-01") == 303
    real = csrf_of(client, f"/konsol/laporan/{d.report_id}")
    answer = client.post(
        f"/konsol/laporan/{d.report_id}/langkah", data={"csrf": token, "action": "receive"}
    )
    if token == real:
        assert answer.status_code == 303
    else:
        assert answer.status_code == 403
        assert d.state() == "submitted"


@pytest.mark.parametrize(
    ("path", "logged"),
    [
        ("/konsol/", "/konsol/"),
        ("/konsol/masuk", "/konsol/masuk"),
        ("/konsol/laporan/abc-123", "/konsol/laporan/{id}"),
        ("/konsol/laporan/abc-123/langkah", "/konsol/laporan/{id}/langkah"),
        ("/konsol/laporan/abc/lain", "(other)"),
        ("/konsol/+6281234567890", "(other)"),
    ],
)
def test_the_access_log_names_console_paths_without_ids(path: str, logged: str) -> None:
    """A console path is logged by its template: never a report id or whatever a client typed."""
    from layanan_aduan.entrypoints.web import _logged_path

    assert _logged_path(path) == logged


def test_the_queue_marks_whose_turn_it_is(desk: Desk) -> None:
    """A forwarded report is the section head's turn in their queue, no longer the officer's."""
    officer = desk.client()
    assert log_in(officer, "petugas-01") == 303
    assert "giliran Anda</strong>" in officer.get("/konsol/").text
    assert take(officer, desk.report_id, "receive") == 303
    assert take(officer, desk.report_id, "forward") == 303
    assert "giliran Anda</strong>" not in officer.get("/konsol/").text
    kasi = desk.client()
    assert log_in(kasi, "kasi-intel") == 303
    queue = kasi.get("/konsol/").text
    assert "menunggu arahan Kepala Seksi" in queue
    assert "giliran Anda</strong>" in queue


def test_a_copy_of_the_cookie_is_worthless_after_logout(desk: Desk) -> None:
    """Logging out revokes the session: the same cookie, kept elsewhere, opens nothing."""
    client = desk.client()
    assert log_in(client, "petugas-01") == 303
    cookie = client.cookies.get("konsol_sesi")
    assert cookie
    token = csrf_of(client, "/konsol/")
    assert client.post("/konsol/keluar", data={"csrf": token}).status_code == 303
    thief = desk.client()
    thief.cookies.set("konsol_sesi", cookie, path="/konsol")
    assert thief.get("/konsol/").status_code == 303
    # Another session of the same person is not touched.
    other = desk.client()
    assert log_in(other, "petugas-01") == 303
    assert other.get("/konsol/").status_code == 200
