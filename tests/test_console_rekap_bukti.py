"""
The console's statistics page (``/konsol/rekap``) and its evidence view
(``/konsol/laporan/{id}/bukti/{sha256}``), in-process with Starlette's TestClient: the period
picker, the page without matplotlib, who may view evidence, sealed and erased reports, digests
a report does not name, and the headers of a served file.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from importlib import resources
from pathlib import Path
from unittest import mock

import attrs
import pendulum
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytest.importorskip("jinja2")
pytest.importorskip("itsdangerous")

from starlette.testclient import TestClient

from layanan_aduan.adapters.evidence_store import InMemoryEvidenceStore
from layanan_aduan.adapters.messaging import InMemoryMediaFetcher, InMemoryMessenger
from layanan_aduan.adapters.passwords import PasswordFile
from layanan_aduan.adapters.staff import InMemoryStaffDirectory
from layanan_aduan.adapters.storage import InMemoryStorage
from layanan_aduan.adapters.whatsapp.inbound import parse_webhook
from layanan_aduan.clock import FixedClock
from layanan_aduan.domain.periods import Period, PeriodKind
from layanan_aduan.domain.staff import Assignment, StaffMember, StaffRole
from layanan_aduan.domain.standard import KEJARI_JAKARTA_PUSAT
from layanan_aduan.entrypoints.console import (
    INLINE_MEDIA_TYPES,
    ConsoleSettings,
    evidence_disposition,
)
from layanan_aduan.entrypoints.web import create_app
from layanan_aduan.service_layer.bootstrap import Services, compose

EXAMPLES = resources.files("layanan_aduan.examples")
PNG = (EXAMPLES / "tangkapan-layar.png").read_bytes()
PNG_SHA = hashlib.sha256(PNG).hexdigest()
BODY = (EXAMPLES / "pesan-whatsapp.json").read_bytes()
T0 = pendulum.datetime(2026, 1, 12, 2, 5, tz="UTC")  # Monday 09:05 WIB
OFFICE = "KNJP"
SECRET = "k" * 40
PASSWORD = "kuda-lari-cepat-7"  # noqa: S105 - a test password
CSRF = re.compile(r'name="csrf" value="([^"]+)"')
PERSONAL = ("Budi Santoso", "3171010101900001", "81234567890")


def _member(staff_id: str, phone: str, role: StaffRole) -> StaffMember:
    return StaffMember(
        staff_id, "Rina Wulandari", phone=phone, assignments=(Assignment(role, OFFICE),)
    )


OFFICER = _member("petugas-01", "+6281311112222", StaffRole.OFFICER)
KASI = _member("kasi-intel", "+6281233334444", StaffRole.SECTION_HEAD)
KAJARI = _member("kajari", "+6281255556666", StaffRole.OFFICE_HEAD)


def _confidential(body: bytes) -> bytes:
    document = json.loads(body)
    text = document["entry"][0]["changes"][0]["value"]["messages"][0]["text"]
    text["body"] = "RAHASIA\n" + text["body"]
    return json.dumps(document).encode()


class Desk:
    """A desk with an officer, a section head and an office head who have passwords."""

    def __init__(self, tmp_path: Path, *, confidential: bool = False) -> None:
        media = InMemoryMediaFetcher()
        media.put("1480000000000001", PNG, "image/png")
        self.clock = FixedClock(T0)
        self.evidence = InMemoryEvidenceStore()
        self.services: Services = compose(
            storage=InMemoryStorage(),
            evidence=self.evidence,
            messenger=InMemoryMessenger(),
            media=media,
            clock=self.clock,
            staff=InMemoryStaffDirectory({OFFICE: [OFFICER, KASI, KAJARI]}),
            standard=attrs.evolve(KEJARI_JAKARTA_PUSAT, offer_confidentiality=True),
        )
        passwords = PasswordFile(tmp_path / "kata-sandi.toml", cost=2**10)
        for staff_id in ("petugas-01", "kasi-intel", "kajari"):
            passwords.set(staff_id, PASSWORD)
        body = _confidential(BODY) if confidential else BODY
        (step,) = self.services.desk.ingest(parse_webhook(body)).steps
        self.report_id = step.report_id
        self.app = create_app(
            self.services,
            app_secret="test_app_secret",  # noqa: S106 - a test secret
            verify_token=None,
            console=ConsoleSettings(passwords=passwords, secret=SECRET, secure_cookies=False),
        )

    def client(self, staff_id: str | None = None) -> TestClient:
        client = TestClient(self.app, follow_redirects=False)
        if staff_id is not None:
            page = client.get("/konsol/masuk")
            match = CSRF.search(page.text)
            assert match is not None
            answer = client.post(
                "/konsol/masuk",
                data={"csrf": match.group(1), "staff_id": staff_id, "password": PASSWORD},
            )
            assert answer.status_code == 303
        return client

    def bukti(self, digest: str = PNG_SHA) -> str:
        return f"/konsol/laporan/{self.report_id}/bukti/{digest}"


@pytest.fixture
def desk(tmp_path: Path) -> Desk:
    return Desk(tmp_path)


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Desk:
    return Desk(tmp_path_factory.mktemp("konsol"))


# -- the statistics page -------------------------------------------------------------------


def test_the_statistics_page_needs_a_login(desk: Desk) -> None:
    """Without a session the statistics page redirects to the login form."""
    answer = desk.client().get("/konsol/rekap")
    assert answer.status_code == 303
    assert answer.headers["location"].startswith("/konsol/masuk")


def test_an_officer_sees_this_months_figures_and_charts(desk: Desk) -> None:
    """By default the current month (desk's clock): the figures, four inline SVG charts, no
    personal data, nothing loaded from elsewhere; the queue links to it."""
    client = desk.client("petugas-01")
    assert 'href="/konsol/rekap"' in client.get("/konsol/").text
    page = client.get("/konsol/rekap")
    assert page.status_code == 200
    assert "Rekap bulan 2026-01" in page.text
    assert "2026-01-01 s.d. 2026-01-31" in page.text
    assert re.search(r"Laporan diterima</td><td[^>]*>1</td>", page.text)
    assert page.text.count("<svg") == 4
    assert "Kepatuhan tenggat per periode" in page.text
    assert not any(value in page.text for value in PERSONAL)
    assert "http://" not in page.text.replace("http://www.w3.org", "")
    assert "default-src 'none'" in page.headers["content-security-policy"]
    assert page.headers["cache-control"] == "no-store"


@pytest.mark.parametrize(
    ("query", "label"),
    [
        ("periode=kuartal", "Rekap kuartal 2026-Q1"),
        ("periode=tahun", "Rekap tahun 2026"),
        ("periode=bulan&tanggal=2025-12-15", "Rekap bulan 2025-12"),
    ],
)
def test_the_period_picker_chooses_the_period(desk: Desk, query: str, label: str) -> None:
    """A quarter, a year, or the month of a given day are shown as asked."""
    with mock.patch("layanan_aduan.entrypoints._rekap_html.charts_available", return_value=False):
        page = desk.client("kasi-intel").get(f"/konsol/rekap?{query}")
    assert page.status_code == 200
    assert label in page.text


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("periode=minggu", "Periode tidak dikenal"),
        ("periode=abad", "Periode tidak dikenal"),
        ("tanggal=12-01-2026", "Tanggal harus berbentuk YYYY-MM-DD."),
        ("tanggal=2026-02-30", "Tanggal harus berbentuk YYYY-MM-DD."),
    ],
)
def test_a_bad_period_is_refused_in_indonesian(desk: Desk, query: str, message: str) -> None:
    """An unknown period or a malformed day answers 400 with the Indonesian message."""
    page = desk.client("petugas-01").get(f"/konsol/rekap?{query}")
    assert page.status_code == 400
    assert message in page.text


def test_without_matplotlib_the_page_shows_the_figures_and_a_note(desk: Desk) -> None:
    """Without the charts extra: the table, a note on how to get charts, no SVG."""
    with mock.patch("layanan_aduan.entrypoints._rekap_html.charts_available", return_value=False):
        page = desk.client("petugas-01").get("/konsol/rekap")
    assert page.status_code == 200
    assert "Laporan diterima" in page.text
    assert "pasang layanan-aduan[charts]" in page.text
    assert "<svg" not in page.text


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    day=st.dates(min_value=pendulum.date(2000, 1, 1), max_value=pendulum.date(2099, 12, 31)),
    name=st.sampled_from(["bulan", "kuartal", "tahun"]),
)
def test_the_page_shows_the_period_containing_the_day(
    shared: Desk, day: pendulum.Date, name: str
) -> None:
    """For any day and kind the page shows the period that contains the day, and only it."""
    kind = PeriodKind.from_label(name)
    expected = Period.containing(
        kind, pendulum.datetime(day.year, day.month, day.day, 12, tz="Asia/Jakarta"), "Asia/Jakarta"
    )
    with mock.patch("layanan_aduan.entrypoints._rekap_html.charts_available", return_value=False):
        page = shared.client("petugas-01").get(
            f"/konsol/rekap?periode={name}&tanggal={day.isoformat()}"
        )
    assert page.status_code == 200
    assert f"Rekap {kind.label} {expected.label}" in page.text
    received = "1" if expected.contains(T0) else "0"
    assert re.search(rf"Laporan diterima</td><td[^>]*>{received}</td>", page.text)


# -- evidence ------------------------------------------------------------------------------


def test_a_section_head_views_the_screenshot_inline_and_sandboxed(desk: Desk) -> None:
    """The section head's report page links and shows the image; the file comes with its
    media type, inline, sandboxed, not sniffed and not cached."""
    client = desk.client("kasi-intel")
    page = client.get(f"/konsol/laporan/{desk.report_id}")
    assert f'href="{desk.bukti()}"' in page.text
    assert f'<img src="{desk.bukti()}"' in page.text
    assert "img-src 'self'" in page.headers["content-security-policy"]
    answer = client.get(desk.bukti())
    assert answer.status_code == 200
    assert answer.content == PNG
    assert answer.headers["content-type"] == "image/png"
    assert answer.headers["content-security-policy"] == "sandbox"
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert answer.headers["cache-control"] == "no-store"
    assert answer.headers["content-disposition"].startswith("inline;")


def test_the_office_head_may_view_evidence(desk: Desk) -> None:
    """The office head, a role that may see personal data, gets the file."""
    assert desk.client("kajari").get(desk.bukti()).content == PNG


def test_an_officer_may_not_view_evidence(desk: Desk) -> None:
    """An officer's page has no link, and the address answers 403 in Indonesian."""
    client = desk.client("petugas-01")
    page = client.get(f"/konsol/laporan/{desk.report_id}")
    assert "/bukti/" not in page.text
    assert "Bukti hanya dapat dilihat" in page.text
    answer = client.get(desk.bukti())
    assert answer.status_code == 403
    assert "Peran Anda tidak boleh melihat bukti" in answer.text
    assert PNG not in answer.content


def test_evidence_needs_a_login(desk: Desk) -> None:
    """Without a session the evidence address redirects to the login form."""
    answer = desk.client().get(desk.bukti())
    assert answer.status_code == 303
    assert answer.headers["location"].startswith("/konsol/masuk")


def test_a_digest_the_report_does_not_name_is_not_served(desk: Desk) -> None:
    """A file in the store but not in the report's evidence list answers 404."""
    other = desk.evidence.put(b"%PDF-1.4 bukan milik laporan ini")
    answer = desk.client("kasi-intel").get(desk.bukti(other))
    assert answer.status_code == 404
    assert "Bukti tidak ditemukan pada laporan ini." in answer.text


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(digest=st.text(alphabet="0123456789abcdefABCDEF.-_%", min_size=1, max_size=70))
def test_no_other_digest_is_ever_served(shared: Desk, digest: str) -> None:
    """Any digest but the report's answers 404 and changes nothing stored."""
    if digest == PNG_SHA:
        return
    before = shared.services.desk.report(shared.report_id).version
    answer = shared.client("kasi-intel").get(shared.bukti(digest))
    assert answer.status_code == 404
    assert PNG not in answer.content
    assert shared.services.desk.report(shared.report_id).version == before


def test_an_unknown_report_is_404(desk: Desk) -> None:
    """A report id the office does not have answers 404."""
    answer = desk.client("kasi-intel").get(f"/konsol/laporan/tidak-ada/bukti/{PNG_SHA}")
    assert answer.status_code == 404


def test_a_sealed_confidential_report_shows_no_evidence_until_unsealed(tmp_path: Path) -> None:
    """While the identity is sealed even the section head gets 403 and no link; after the
    unsealing the file is served."""
    desk = Desk(tmp_path, confidential=True)
    assert desk.services.desk.report(desk.report_id).identity_sealed
    client = desk.client("kasi-intel")
    page = client.get(f"/konsol/laporan/{desk.report_id}")
    assert page.status_code == 200
    assert "/bukti/" not in page.text
    answer = client.get(desk.bukti())
    assert answer.status_code == 403
    assert "disegel" in answer.text
    desk.services.desk.unseal_identity(
        desk.report_id, section_head="kasi-intel", reason="Perlu memanggil pelapor."
    )
    assert client.get(desk.bukti()).content == PNG


def test_an_erased_report_shows_no_evidence(desk: Desk) -> None:
    """After the personal data's erasure the address answers 404 and the page has no link."""
    d = desk.services.desk
    for step in ("receive", "forward"):
        desk.clock.advance(pendulum.duration(minutes=10))
        getattr(d, step)(desk.report_id, officer="petugas-01")
    desk.clock.advance(pendulum.duration(minutes=10))
    d.give_direction(desk.report_id, section_head="kasi-intel", direction="Panggil pelapor.")
    desk.clock.advance(pendulum.duration(minutes=10))
    d.deliver_follow_up(desk.report_id, officer="petugas-01", follow_up="Sudah ditindak.")
    desk.services.dispatcher.run()
    desk.clock.advance(pendulum.duration(days=400))
    d.erase_personal_data(
        desk.report_id, officer="petugas-01", basis="retention", reference="KEP-12/2027"
    )
    client = desk.client("kasi-intel")
    page = client.get(f"/konsol/laporan/{desk.report_id}")
    assert page.status_code == 200
    assert "/bukti/" not in page.text
    answer = client.get(desk.bukti())
    assert answer.status_code == 404
    assert "sudah dihapus" in answer.text


def test_the_access_log_names_the_evidence_path_by_its_template(
    desk: Desk, caplog: pytest.LogCaptureFixture
) -> None:
    """The access log shows the evidence address by its template, never the id or digest."""
    client = desk.client("kasi-intel")
    with caplog.at_level(logging.INFO, logger="layanan_aduan.access"):
        client.get(desk.bukti())
        client.get("/konsol/rekap?periode=tahun")
    text = caplog.text
    assert "/konsol/laporan/{id}/bukti/{sha256}" in text
    assert '"/konsol/rekap"' in text
    assert PNG_SHA not in text
    assert desk.report_id not in text


@given(media_type=st.text(max_size=30) | st.sampled_from(sorted(INLINE_MEDIA_TYPES)))
def test_only_images_are_shown_inline(media_type: str) -> None:
    """Images are inline; any other media type (a PDF, HTML, an SVG) is an attachment."""
    disposition = evidence_disposition(media_type, PNG_SHA)
    inline = media_type in INLINE_MEDIA_TYPES
    assert disposition.startswith("inline;" if inline else "attachment;")
    assert f"bukti-{PNG_SHA[:12]}." in disposition
