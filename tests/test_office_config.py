"""
The office configuration file: what it can say, every problem at once with its line, and a desk
built from it (the embedded default stays Kejaksaan Negeri Jakarta Pusat).
"""

from __future__ import annotations

import datetime as dt
import json
import textwrap
from pathlib import Path

import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from layanan_aduan.adapters.messaging import InMemoryMediaFetcher, InMemoryMessenger
from layanan_aduan.adapters.office_config import (
    OfficeConfig,
    check_office_config,
    load_office_config,
    parse_office_config,
)
from layanan_aduan.adapters.whatsapp.inbound import parse_webhook
from layanan_aduan.clock import FixedClock
from layanan_aduan.domain.calendar import DayKind
from layanan_aduan.domain.standard import KEJARI_JAKARTA_PUSAT
from layanan_aduan.exceptions import (
    ConfigurationError,
    StaffAuthorizationError,
    UnknownBusinessNumberError,
)
from layanan_aduan.service_layer.bootstrap import bootstrap

MAKASSAR = textwrap.dedent(
    """\
    # Kejaksaan Negeri Makassar
    [office]
    code = "KMKS"
    name = "Kejaksaan Negeri Makassar"
    address = "Jl. Amanagappa No. 1, Makassar"
    telephone = "(0411) 3617380"
    whatsapp = "0811-4100-2200"
    website = "https://kejari-makassar.kejaksaan.go.id"
    timezone = "Asia/Makassar"

    [office.hours]
    friday = ["07:30-11:30", "13:00-16:30"]

    [standard]
    completion_hours = 2
    section_head_title = "Kepala Seksi Intelijen dan Penerangan Hukum"

    [standard.requirements]
    identity = ["name", "contact"]
    evidence = false

    [complaints]
    by_letter = false

    [whatsapp]
    phone_number_ids = ["207651463353033"]
    access_token_env = "KMKS_WHATSAPP_TOKEN"

    [sla]
    at_risk = 0.6
    critical = 0.8

    [notifications]
    language = "id"

    [storage]
    sqlite = "kmks.sqlite3"

    [intake]
    draft_window_minutes = 10

    [calendar.closed]
    2026-02-02 = { name = "Libur lokal HUT Kota Makassar", kind = "local_override" }

    [[staff]]
    id = "petugas-01"
    name = "Rina Wulandari"
    phone = "+6281311112222"
    roles = ["officer"]

    [[staff]]
    id = "kasi-intel"
    name = "Andi Pratama"
    phone = "+6281233334444"
    roles = ["section_head"]

    [[staff]]
    id = "plh-kasi"
    name = "Sari Dewi"
    phone = "+6281255556666"
    roles = [{ role = "acting_section_head", from = 2026-01-19, until = 2026-01-23 }]
    """
)


def test_a_full_file_configures_every_part_of_the_office(tmp_path: Path) -> None:
    """Every section of the file reaches the configuration: office, hours, goal, complaint
    channel, numbers, secret names, thresholds, storage, draft window and a local closure."""
    file = tmp_path / "kmks.toml"
    file.write_text(MAKASSAR, encoding="utf-8")
    config = load_office_config(file)
    standard = config.standard
    assert standard.office.code == "KMKS"
    assert standard.office.timezone == "Asia/Makassar"
    assert standard.completion_time == dt.timedelta(hours=2)
    assert standard.complaints.by_letter is False
    assert standard.schedule.weekly[4][0].start == dt.time(7, 30)
    assert standard.schedule.weekly[0][0].end == dt.time(16)
    assert config.business_numbers == ("207651463353033",)
    assert config.whatsapp.access_token_env == "KMKS_WHATSAPP_TOKEN"  # noqa: S105 - a name
    assert (config.thresholds.at_risk, config.thresholds.critical) == (0.6, 0.8)
    assert config.storage.sqlite_path == tmp_path / "kmks.sqlite3"
    assert config.draft_window == dt.timedelta(minutes=10)
    [closed] = config.overrides.closed
    assert (closed.date, closed.kind) == (dt.date(2026, 2, 2), DayKind.LOCAL_OVERRIDE)
    assert config.source == file
    assert standard.section_head_title == "Kepala Seksi Intelijen dan Penerangan Hukum"
    assert [m.staff_id for m in config.staff] == ["petugas-01", "kasi-intel", "plh-kasi"]
    policy = standard.requirement_policy
    assert (policy.nik_required, policy.evidence_required) == (False, False)


def test_no_file_means_kejaksaan_negeri_jakarta_pusat() -> None:
    """The embedded default is the seed's office, standard and goal."""
    config = OfficeConfig.default()
    assert config.standard == KEJARI_JAKARTA_PUSAT
    assert parse_office_config("").standard == KEJARI_JAKARTA_PUSAT


def test_every_problem_is_reported_at_once_with_its_line(tmp_path: Path) -> None:
    """A file with many mistakes gets all of them, in file order, each with line and code."""
    file = tmp_path / "bad.toml"
    file.write_text(
        textwrap.dedent(
            """\
            [office]
            code = "kmks"
            name = "Kejaksaan Negeri Makassar"
            address = "Jl. Amanagappa No. 1"
            telephone = "12"
            whatsapp = "0811-4100-2200"
            website = "kejari-makassar"
            colour = "red"

            [whatsapp]
            phone_number_ids = [207651463353033]
            access_token_env = "EAAG-secret-token-value"

            [sla]
            at_risk = 0.9
            critical = 0.5

            [storage]
            sqlite = "a.sqlite3"
            postgres_dsn_env = "DSN"

            [notifications]
            language = "jv"

            [extra]
            """
        ),
        encoding="utf-8",
    )
    problems = check_office_config(file)
    found = [(p.line, p.path, p.code) for p in problems]
    assert (2, "office.code", "service_standard_invalid") in found or any(
        line == 2 and path.startswith("office.code") for line, path, _ in found
    )
    assert any(line == 5 and path.startswith("office.telephone") for line, path, _ in found)
    assert any(line == 7 and path.startswith("office.website") for line, path, _ in found)
    assert (8, "office.colour", "unknown_key") in found
    assert (11, "whatsapp.phone_number_ids", "invalid_type") in found
    assert (12, "whatsapp.access_token_env", "invalid_env_name") in found
    assert any(line == 15 and path.startswith("sla.") for line, path, _ in found)
    assert any(code == "conflicting_storage" for _, _, code in found)
    assert (23, "notifications.language", "invalid_language") in found
    assert (25, "extra", "unknown_key") in found
    assert [p.line or 0 for p in problems] == sorted(p.line or 0 for p in problems)
    with pytest.raises(ConfigurationError) as info:
        load_office_config(file)
    assert len(info.value.problems) == len(problems)
    assert "baris 12" in str(info.value)
    assert "EAAG-secret-token-value" not in str(info.value)


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"[office\n", "config_syntax"),
        (b"\xff\xfe\x00", "config_file_unreadable"),
    ],
)
def test_a_file_that_is_not_toml_is_refused_with_one_problem(
    tmp_path: Path, content: bytes, code: str
) -> None:
    """Bad syntax or bad encoding is one problem with its code, never a traceback."""
    file = tmp_path / "x.toml"
    file.write_bytes(content)
    [problem] = check_office_config(file)
    assert problem.code == code


@pytest.mark.parametrize("hours", ["1e20", "-1e20", "nan", "inf", "10001"])
def test_a_completion_time_beyond_the_engines_maximum_is_a_problem(
    tmp_path: Path, hours: str
) -> None:
    """A completion time that is not finite or over 10,000 hours is one problem, not a crash."""
    file = tmp_path / "x.toml"
    file.write_text(MAKASSAR.replace("completion_hours = 2", f"completion_hours = {hours}"))
    [problem] = check_office_config(file)
    assert (problem.code, problem.path) == ("invalid_completion_time", "standard.completion_hours")


def test_a_missing_file_is_a_typed_refusal(tmp_path: Path) -> None:
    """A configuration path that does not exist raises ConfigurationError."""
    with pytest.raises(ConfigurationError) as info:
        load_office_config(tmp_path / "missing.toml")
    assert info.value.problems[0].code == "config_file_not_found"


@given(st.text(max_size=300))
def test_any_text_gives_a_configuration_or_problems_never_a_crash(text: str) -> None:
    """Whatever the text, checking it answers a list of typed problems."""
    problems = check_office_config(text + "\n")
    assert all(p.code and p.message and p.message_en for p in problems)


def _webhook(number_id: str, display: str, message_id: str) -> bytes:
    value = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": display, "phone_number_id": number_id},
        "contacts": [{"profile": {"name": "Pelapor"}, "wa_id": "6281234500001"}],
        "messages": [
            {
                "from": "6281234500001",
                "id": message_id,
                "timestamp": str(int(pendulum.datetime(2026, 1, 12, 2, tz="UTC").timestamp())),
                "type": "text",
                "text": {"body": "Nama: Budi\nNIK: 3171010101900001\nDugaan pungli."},
            }
        ],
    }
    return json.dumps(
        {
            "object": "whatsapp_business_account",
            "entry": [{"id": "1", "changes": [{"field": "messages", "value": value}]}],
        }
    ).encode()


def test_a_desk_built_from_the_file_is_that_offices_desk(tmp_path: Path) -> None:
    """bootstrap(config=...) opens the file's SQLite storage and binds the desk to its office,
    number, goal and thresholds; a webhook to another number is refused."""
    file = tmp_path / "kmks.toml"
    file.write_text(MAKASSAR, encoding="utf-8")
    config = load_office_config(file)
    clock = FixedClock(pendulum.datetime(2026, 1, 12, 2, 5, tz="UTC"))
    with bootstrap(
        config=config, messenger=InMemoryMessenger(), media=InMemoryMediaFetcher(), clock=clock
    ) as services:
        desk = services.desk
        assert desk.office == "KMKS"
        assert desk.thresholds == config.thresholds
        assert desk.draft_window == dt.timedelta(minutes=10)
        (step,) = desk.ingest(
            parse_webhook(_webhook("207651463353033", "6281141002200", "w1"))
        ).steps
        assert step.number == "LAP/KMKS/2026/000001"
        [line] = desk.list_reports()
        # Monday 10:00 WITA + 2 working hours.
        assert line.deadline is not None
        assert line.deadline.in_timezone("Asia/Makassar").hour == 12
        with pytest.raises(UnknownBusinessNumberError):
            desk.ingest(parse_webhook(_webhook("106540352242922", "6281212313170", "w2")))
        # The staff of the file act; the section head's title is the file's.
        desk.receive(step.report_id, officer="petugas-01")
        desk.forward(step.report_id, officer="petugas-01")
        with pytest.raises(StaffAuthorizationError):
            desk.give_direction(step.report_id, section_head="petugas-01", direction="x")
        desk.give_direction(step.report_id, section_head="kasi-intel", direction="Klarifikasi.")
        handover = [
            m for m in services.storage.outbox.list(limit=10).items if m.key.endswith("handover")
        ]
        assert "Kepala Seksi Intelijen dan Penerangan Hukum" in json.dumps(handover[0].payload)
        assert "6281233334444" in json.dumps(handover[0].payload)
    assert (tmp_path / "kmks.sqlite3").exists()


def test_staff_problems_are_reported_with_their_lines(tmp_path: Path) -> None:
    """A bad member is one problem at its own line; members are checked one by one."""
    file = tmp_path / "kmks.toml"
    bad = MAKASSAR.replace('roles = ["officer"]', 'roles = ["jaksa"]').replace(
        "from = 2026-01-19, until = 2026-01-23", "from = 2026-01-19"
    )
    file.write_text(bad, encoding="utf-8")
    problems = check_office_config(file)
    paths = {p.path: p.line for p in problems}
    assert any(path.startswith("staff[0].roles") for path in paths)
    assert any(path.startswith("staff[2].roles") for path in paths)
    lines = MAKASSAR.splitlines()
    first = next(i for i, line in enumerate(lines, 1) if 'roles = ["officer"]' in line)
    assert min(line for path, line in paths.items() if path.startswith("staff[0]")) <= first


def test_the_files_language_and_escalation_reach_the_desk(tmp_path: Path) -> None:
    """notifications.language = "en" makes the desk write in English; [sla]
    escalate_to_office_head reaches the desk."""
    file = tmp_path / "kmks.toml"
    text = MAKASSAR.replace('language = "id"', 'language = "en"').replace(
        "critical = 0.8", "critical = 0.8\nescalate_to_office_head = true"
    )
    file.write_text(text, encoding="utf-8")
    config = load_office_config(file)
    assert (config.language, config.escalate_breaches_to_office_head) == ("en", True)
    clock = FixedClock(pendulum.datetime(2026, 1, 12, 2, 5, tz="UTC"))
    with bootstrap(
        config=config, messenger=InMemoryMessenger(), media=InMemoryMediaFetcher(), clock=clock
    ) as services:
        assert services.desk.escalate_breaches_to_office_head
        services.desk.ingest(parse_webhook(_webhook("207651463353033", "6281141002200", "w1")))
        [ack] = services.storage.outbox.list(limit=5).items
    body = json.dumps(ack.payload)
    assert "Thank you" in body
    assert "Terima kasih" not in body
    assert "WITA" in body


def test_terima_refuses_an_unsigned_body_when_an_app_secret_is_configured(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """With the office's app secret in its environment variable, a body without a signature is
    refused (exit 2, nothing stored); with the right signature it is taken."""
    from layanan_aduan.adapters.whatsapp.inbound import compute_signature
    from layanan_aduan.entrypoints.cli import main

    file = tmp_path / "kmks.toml"
    file.write_text(MAKASSAR.replace("[sla]", 'app_secret_env = "KMKS_SECRET"\n\n[sla]'), "utf-8")
    monkeypatch.setenv("KMKS_SECRET", "rahasia-aplikasi")
    payload = tmp_path / "webhook.json"
    body = _webhook("207651463353033", "6281141002200", "w1")
    payload.write_bytes(body)
    # A configured office acts at the system clock (--waktu is refused): the clock port is fixed.
    instant = pendulum.parse("2026-01-12T10:05+08:00")
    monkeypatch.setattr("layanan_aduan.clock.SystemClock.now", lambda self: instant)
    argv = ["terima", str(payload), "--konfigurasi", str(file)]
    assert main(argv) == 2
    assert "signature_missing" in capsys.readouterr().err
    signature = compute_signature(body, "rahasia-aplikasi")
    assert main([*argv, "--tanda-tangan", signature]) == 0
    assert "LAP/KMKS/2026/000001" in capsys.readouterr().out
