"""
Example tests of the period statistics and of ``layanan-aduan rekap``: period boundaries,
the JSON, CSV and HTML forms, and refusals.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pendulum
import pytest

from layanan_aduan.adapters.holidays_id import indonesian_calendar
from layanan_aduan.adapters.storage import SqliteStorage
from layanan_aduan.domain.periods import Period, PeriodKind
from layanan_aduan.domain.report import Actor, Report, ReporterDetails
from layanan_aduan.domain.worktime import WorkingTime
from layanan_aduan.entrypoints.cli import main
from layanan_aduan.exceptions import ValidationError
from layanan_aduan.service_layer.report_stream import project
from layanan_aduan.service_layer.statistics import period_statistics

TZ = "Asia/Jakarta"
WT = WorkingTime(indonesian_calendar())
REPORTER = Actor("+6281234567890", "reporter")
OFFICER = Actor("196801011990031001", "officer")
HEAD = Actor("197001011995031002", "section_head")
DETAILS = ReporterDetails(name="Budi Santoso", nik="3171010101900001", phone="081234567890")
# Friday 30 January 2026 is the last working day of the month; 15:59 its last working minute.
LAST_MINUTE = pendulum.datetime(2026, 1, 30, 15, 59, tz=TZ)
NOW = pendulum.datetime(2026, 2, 20, 10, tz=TZ)


def _report(n: int, at: pendulum.DateTime, *, steps: int = 4, rating: int | None = None) -> Report:
    report = Report.submit(
        id=f"r-{n}",
        at=at,
        actor=REPORTER,
        kind="aduan",
        details=DETAILS,
        message="Dugaan pungutan liar.",
        evidence=[b"%PDF-1.4\n%%EOF\n"],
    )
    acts = [
        lambda t: report.receive(at=t, actor=OFFICER),
        lambda t: report.forward(at=t, actor=OFFICER),
        lambda t: report.give_direction(at=t, actor=HEAD, direction="Klarifikasi."),
        lambda t: report.deliver_follow_up(at=t, actor=OFFICER, follow_up="Selesai."),
    ]
    t = at
    for act in acts[:steps]:
        t = t.add(minutes=30)
        act(t)
    if rating is not None:
        report.rate(at=t.add(minutes=5), actor=REPORTER, rating=rating, message_id=f"wamid.{n}x")
    return report


def _store(path: Path, reports: list[Report]) -> None:
    with SqliteStorage.open(path) as storage, storage.unit_of_work() as uow:
        for r in reports:
            events = [e.to_dict() for e in r.collect_new_events()]
            uow.reports.append(r.id, 0, events, project(r, WT, office="KNJP"))
        uow.commit()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "rekap.sqlite3"
    _store(
        path,
        [
            _report(1, LAST_MINUTE, rating=5),  # January, steps after hours
            _report(2, LAST_MINUTE.add(minutes=1), steps=1),  # 16:00: still January
            _report(3, pendulum.datetime(2026, 2, 1, 0, tz=TZ), steps=0),  # February
            _report(4, pendulum.datetime(2026, 1, 5, 8, tz=TZ), rating=3),  # January, on time
        ],
    )
    return path


def test_a_report_on_the_last_working_minute_belongs_to_that_month(db: Path) -> None:
    """Reports received at 15:59 and 16:00 on the last working day of January count in
    January, one received at midnight on 1 February in February, and each once."""
    with SqliteStorage.open(db) as storage:
        january = period_statistics(
            storage,
            office="KNJP",
            working_time=WT,
            period=Period.containing(PeriodKind.MONTH, LAST_MINUTE, TZ),
            at=NOW,
            goal=pendulum.duration(hours=3),
        )
    assert january.received == 3
    assert january.previous is not None
    assert january.previous.received == 0
    # r-4 took 2 h of working time; r-1's steps after 16:00 took none: 1 minute in all.
    assert january.sla.completed_on_time == 2
    assert january.sla.open_overdue == 1  # r-2: received, never forwarded
    assert january.breaches.count == 1
    assert january.breaches.by_cause["received"] == 1
    assert january.ratings.count == 2
    assert january.ratings.mean == 4
    assert january.time_to["follow_up"].count == 2
    assert (january.time_to["follow_up"].median, january.time_to["follow_up"].max) == (60, 7200)


def _rekap(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    status = main(["rekap", *argv, "--waktu", NOW.isoformat()], stdout=out)
    return status, out.getvalue()


def test_rekap_prints_a_table_in_indonesian(db: Path) -> None:
    """The table names the period and the figures in Indonesian."""
    status, text = _rekap("--db", str(db), "--mulai", "2026-01-15")
    assert status == 0
    assert "Rekap bulan 2026-01" in text
    assert re.search(r"Laporan diterima\s+3\s+\(periode sebelumnya 0\)", text)
    assert re.search(r"Tindak lanjut dalam tenggat\s+66,7%", text)


def test_rekap_json_has_the_documented_keys(db: Path) -> None:
    """--json prints one object with the documented English keys and consistent figures."""
    status, text = _rekap("--db", str(db), "--mulai", "2026-02-03", "--json")
    assert status == 0
    data = json.loads(text)
    assert set(data) >= {
        "office", "period", "at", "goal_seconds", "received", "by_kind", "by_channel",
        "completed", "closed", "open", "closed_by_reason", "sla", "time_to", "step_time",
        "breaches", "pauses", "ratings", "series", "follow_up_histogram", "previous",
    }  # fmt: skip
    assert data["period"]["label"] == "2026-02"
    assert data["received"] == 1
    assert data["previous"]["received"] == 3
    assert data["previous"]["previous"] is None
    assert sum(data["sla"]["shares"].values()) == pytest.approx(1)


def test_rekap_csv_opens_with_the_bom(db: Path, tmp_path: Path) -> None:
    """--csv writes UTF-8 with a BOM (for Excel), a header, and a row per figure."""
    target = tmp_path / "rekap.csv"
    status, text = _rekap("--db", str(db), "--mulai", "2026-01-31", "--csv", str(target))
    assert status == 0
    assert text == ""
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == ["figure", "value", "previous"]
    figures = {r[0]: r[1:] for r in rows[1:]}
    assert figures["received"] == ["3", "0"]
    assert figures["ratings.distribution.5"] == ["1", "0"]


def test_rekap_html_has_its_charts_and_no_external_reference(db: Path, tmp_path: Path) -> None:
    """--html writes one page with four inline SVG charts, no address of any kind (references
    only inside the page), and no personal data."""
    target = tmp_path / "rekap.html"
    status, _ = _rekap("--db", str(db), "--mulai", "2026-01-31", "--html", str(target))
    assert status == 0
    page = target.read_text(encoding="utf-8")
    assert page.count("<svg") == 4
    assert page.count("<path") > 10  # bars, axes and the glyphs of the text
    assert "http" not in page
    references = re.findall(r"""(?:src|href)\s*=\s*["']([^"']*)""", page)
    assert all(r.startswith("#") for r in references)  # only the SVG's own glyphs
    for personal in ("Budi", "3171010101900001", "081234567890", "6281234567890"):
        assert personal not in page
    assert "Kepatuhan tenggat per periode" in page
    assert "<html lang='id'>" in page


def test_a_bad_date_or_period_is_one_indonesian_line(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A date that is not YYYY-MM-DD and an unknown period name are refused with status 2."""
    assert _rekap("--db", str(db), "--mulai", "31-01-2026")[0] == 2
    assert "--mulai harus tanggal" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_:
        _rekap("--db", str(db), "--periode", "abad")
    assert exit_.value.code == 2
    assert "galat" in capsys.readouterr().err
    with pytest.raises(ValidationError) as e:
        PeriodKind.from_label("abad")
    assert e.value.code == "invalid_period"


@pytest.mark.parametrize(
    ("kind", "label", "start", "end"),
    [
        (PeriodKind.DAY, "2026-01-30", "2026-01-30", "2026-01-31"),
        (PeriodKind.WEEK, "2026-W05", "2026-01-26", "2026-02-02"),
        (PeriodKind.MONTH, "2026-01", "2026-01-01", "2026-02-01"),
        (PeriodKind.QUARTER, "2026-Q1", "2026-01-01", "2026-04-01"),
        (PeriodKind.YEAR, "2026", "2026-01-01", "2027-01-01"),
    ],
)
def test_periods_are_local_half_open_spans(
    kind: PeriodKind, label: str, start: str, end: str
) -> None:
    """Each kind of period is [local midnight, local midnight) around the instant, and the one
    before it ends where it starts."""
    p = Period.containing(kind, LAST_MINUTE.in_timezone("UTC"), TZ)
    assert (p.label, p.start.to_date_string(), p.end.to_date_string()) == (label, start, end)
    assert p.previous().end == p.start
    assert p.contains(p.start)
    assert not p.contains(p.end)
