"""
The report's kind: recognised from the words where unambiguous, corrected by the officer as an
event, and listed and filtered by the desk with the other listing filters and pages.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from layanan_aduan.adapters.evidence_store import InMemoryEvidenceStore
from layanan_aduan.adapters.messaging import InMemoryMediaFetcher, InMemoryMessenger
from layanan_aduan.adapters.staff import InMemoryStaffDirectory
from layanan_aduan.adapters.storage import InMemoryStorage, SqliteStorage
from layanan_aduan.adapters.whatsapp.inbound import parse_webhook
from layanan_aduan.clock import FixedClock
from layanan_aduan.domain.kinds import ALLEGATION_WORDS, QUESTION_OPENINGS, recognise_kind
from layanan_aduan.domain.report import ReportKind
from layanan_aduan.domain.staff import Assignment, StaffMember, StaffRole
from layanan_aduan.entrypoints.cli import main
from layanan_aduan.exceptions import ReportInputError, TransitionNotAllowedError
from layanan_aduan.service_layer import Services, compose
from layanan_aduan.service_layer.desk import SlaState

EXAMPLES = resources.files("layanan_aduan.examples")
T0 = pendulum.datetime(2026, 1, 12, 2, 5, tz="UTC")  # Monday 09:05 WIB


@pytest.mark.parametrize(
    "text",
    [
        "Apa syarat mengurus SKCK di kejaksaan?",
        "Selamat pagi pak, mohon informasi jam layanan PTSP",
        "Kapan jadwal sidang perkara nomor 12/Pid.B/2025?",
        "Assalamualaikum, bagaimana cara mengambil barang bukti yang dikembalikan",
        "Izin bertanya, berkas tilang diambil di mana ya",
    ],
)
def test_plain_questions_are_requests_for_information(text: str) -> None:
    """A question that alleges nothing is recognised as a request for information."""
    assert recognise_kind(text) is ReportKind.PERMOHONAN_INFORMASI


@pytest.mark.parametrize(
    "text",
    [
        "Saya melaporkan pungli di kantor kelurahan",
        "Kenapa petugas minta uang pelicin?",
        "Apakah benar kepala desa korupsi dana desa?",
        "Dugaan penipuan oleh oknum yang mengaku jaksa",
        "Terlampir bukti transfer",
        "",
    ],
)
def test_allegations_and_statements_are_not(text: str) -> None:
    """Any word of wrongdoing, or no question at all, leaves the kind to the desk's default."""
    assert recognise_kind(text) is None


@given(
    before=st.text(max_size=40),
    word=st.sampled_from(ALLEGATION_WORDS),
    after=st.text(max_size=40),
    opening=st.sampled_from(QUESTION_OPENINGS),
)
def test_a_text_with_an_allegation_is_never_a_request_for_information(
    before: str, word: str, after: str, opening: str
) -> None:
    """However a question is phrased, an allegation word in it keeps it a report."""
    text = f"{opening} {before} {word.upper() if len(before) % 2 else word}{after}?"
    assert recognise_kind(text) is None


@given(st.text(alphabet=st.characters(blacklist_characters="?\uff1f\ufe56"), max_size=80))
def test_without_a_question_there_is_no_request_for_information(text: str) -> None:
    """A text with no question mark that does not open with a question word is never one."""
    from layanan_aduan.domain.kinds import _GREETING, _OPENING, _plain

    if _OPENING.match(_GREETING.sub("", _plain(text))):
        return
    assert recognise_kind(text) is None


def _text_webhook(body: str, message_id: str, sender: str = "6281234567890") -> bytes:
    document = json.loads((EXAMPLES / "pesan-whatsapp.json").read_bytes())
    value = document["entry"][0]["changes"][0]["value"]
    value["messages"] = [
        {
            "from": sender,
            "id": message_id,
            "timestamp": str(int(T0.subtract(minutes=5).timestamp())),
            "type": "text",
            "text": {"body": body},
        }
    ]
    return json.dumps(document).encode()


@pytest.fixture(params=["memory", "sqlite"])
def services(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Services]:
    storage = (
        InMemoryStorage() if request.param == "memory" else SqliteStorage.open(tmp_path / "db")
    )
    with compose(
        storage=storage,
        evidence=InMemoryEvidenceStore(),
        messenger=InMemoryMessenger(),
        media=InMemoryMediaFetcher(),
        clock=FixedClock(T0),
        staff=InMemoryStaffDirectory(
            {
                "KNJP": [
                    StaffMember(
                        "petugas-01",
                        "Rina Wulandari",
                        phone="+6281311112222",
                        assignments=(Assignment(StaffRole.OFFICER, "KNJP"),),
                    )
                ]
            }
        ),
    ) as built:
        yield built


def test_the_desk_recognises_and_the_officer_corrects_the_kind(services: Services) -> None:
    """A plain question becomes a request for information; the officer corrects a kind as an
    event that changes neither the state nor the deadline; a refusal changes nothing."""
    desk = services.desk
    question = "Apa syarat pengambilan barang bukti?\nNama: Budi Santoso\nNIK: 3171010101900001"
    (asked,) = desk.ingest(parse_webhook(_text_webhook(question, "wamid.Q1"))).steps
    report = desk.report(asked.report_id)
    assert report.kind is ReportKind.PERMOHONAN_INFORMASI
    complaint = "Nama: Sari\nNIK: 3171010101900001\nPungli di kelurahan."
    (told,) = desk.ingest(
        parse_webhook(_text_webhook(complaint, "wamid.C1", "6281299990000"))
    ).steps
    assert desk.report(told.report_id).kind is ReportKind.ADUAN

    [before] = [line for line in desk.list_reports() if line.report_id == asked.report_id]
    result = desk.correct_kind(asked.report_id, officer="petugas-01", kind="laporan", note="-")
    after = desk.report(asked.report_id)
    assert after.kind is ReportKind.LAPORAN
    assert after.state == report.state
    assert result.actions == ("correct_kind",)
    assert result.notifications == ()
    [line] = [x for x in desk.list_reports() if x.report_id == asked.report_id]
    assert (line.kind, line.deadline) == ("laporan", before.deadline)
    for wrong in ("laporan", "rahasia"):
        with pytest.raises(ReportInputError):
            desk.correct_kind(asked.report_id, officer="petugas-01", kind=wrong)
    assert desk.report(asked.report_id).version == after.version


def test_listing_filters_and_pages(services: Services) -> None:
    """list_reports and page_reports filter by kind, state, openness and deadline, and page
    through every report once."""
    desk = services.desk
    ids = []
    for i in range(5):
        text = f"Nama: Budi\nNIK: 3171010101900001\nPungli nomor {i}."
        (step,) = desk.ingest(
            parse_webhook(_text_webhook(text, f"w{i}", f"62812999900{i:02d}"))
        ).steps
        ids.append(step.report_id)
    desk.receive(ids[0], officer="petugas-01")
    desk.close(ids[1], officer="petugas-01", reason="duplicate")
    desk.correct_kind(ids[2], officer="petugas-01", kind="permohonan_informasi")
    assert [x.report_id for x in desk.list_reports(kind="permohonan_informasi")] == [ids[2]]
    assert [x.report_id for x in desk.list_reports(state="received")] == [ids[0]]
    assert ids[1] not in [x.report_id for x in desk.list_reports(open_only=True)]
    due = desk.list_reports()[0].deadline
    assert due is not None
    assert desk.list_reports(due_before=due) == ()
    assert len(desk.list_reports(due_before=due.add(seconds=1))) == 4
    seen, after = [], None
    while True:
        page = desk.page_reports(limit=2, after=after)
        seen += [x.report_id for x in page.items]
        if page.next_cursor is None:
            break
        after = page.next_cursor
    assert seen == ids
    assert all(x.sla is SlaState.ON_TIME for x in desk.list_reports(open_only=True))
    assert desk.list_reports()[0].deadline.timezone_name == "Asia/Jakarta"  # type: ignore[union-attr]


def test_a_closed_report_cannot_change_kind(services: Services) -> None:
    """A report that is closed keeps the kind it had."""
    desk = services.desk
    (step,) = desk.ingest(parse_webhook(_text_webhook("Pungli.\nNIK: 3171010101900001", "x"))).steps
    desk.close(step.report_id, officer="petugas-01", reason="duplicate")
    with pytest.raises(TransitionNotAllowedError):
        desk.correct_kind(step.report_id, officer="petugas-01", kind="laporan")


def test_the_command_line_filters_pages_and_corrects(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """daftar --jenis/--terbuka/--batas/--setelah and ubah-jenis work on a SQLite desk."""
    db = str(tmp_path / "desk.sqlite3")
    at = "2026-01-12T09:05:00+07:00"
    staff = tmp_path / "staf.toml"
    staff.write_text(
        '[[staff]]\nid = "petugas-01"\nname = "Rina Wulandari"\nphone = "+6281311112222"\n'
        'roles = ["officer"]\n',
        encoding="utf-8",
    )
    for i in range(3):
        payload = tmp_path / f"p{i}.json"
        text = f"Nama: Budi\nNIK: 3171010101900001\nPungli {i}."
        payload.write_bytes(_text_webhook(text, f"c{i}", f"62812888800{i:02d}"))
        assert main(["terima", str(payload), "--db", db, "--waktu", at]) == 0
    capsys.readouterr()
    assert main(["daftar", "--db", db, "--waktu", at, "--batas", "2", "--json"]) == 0
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert len(lines) == 3
    assert "next_cursor" in lines[-1]
    cursor = lines[-1]["next_cursor"]
    assert main(["daftar", "--db", db, "--waktu", at, "--setelah", cursor, "--json"]) == 0
    rest = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert [r["number"] for r in rest] == ["LAP/KNJP/2026/000003"]
    number = lines[0]["number"]
    argv = ["ubah-jenis", number, "--jenis", "laporan", "--petugas", "petugas-01"]
    assert main([*argv, "--db", db, "--waktu", at, "--staf", str(staff)]) == 0
    capsys.readouterr()
    assert main(["daftar", "--db", db, "--waktu", at, "--jenis", "laporan", "--json"]) == 0
    [only] = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert (only["number"], only["kind"]) == (number, "laporan")


@pytest.mark.parametrize("bad_id", ["wamid.\x00bad", "wamid." + "x" * 300])
def test_one_bad_item_is_refused_alone(services: Services, bad_id: str) -> None:
    """A message whose id the storage cannot hold is refused alone: its sibling in the same
    webhook is taken, and a redelivery refuses it again without failing."""
    document = json.loads(_text_webhook("Nama: Budi\nNIK: 3171010101900001\nPungli.", "wamid.OK"))
    value = document["entry"][0]["changes"][0]["value"]
    bad = dict(value["messages"][0], id=bad_id, **{"from": "6281299998888"})
    value["messages"].append(bad)
    value["contacts"].append({"profile": {"name": "Lain"}, "wa_id": "6281299998888"})
    body = json.dumps(document).encode()
    first = services.desk.ingest(parse_webhook(body))
    assert (len(first.steps), first.refused) == (1, 1)
    again = services.desk.ingest(parse_webhook(body))
    assert (again.steps, again.refused, again.duplicates) == ((), 1, 1)
    assert len(services.desk.list_reports()) == 1


@pytest.mark.parametrize(
    ("claimed", "recorded"),
    [
        (T0.add(years=74), T0),  # the year 2100: not believed
        (pendulum.datetime(1970, 1, 1, tz="UTC"), T0),  # timestamp 0: not believed
        (T0.add(seconds=3), T0),  # a little clock skew: never later than now
        (T0.subtract(minutes=7), T0.subtract(minutes=7)),  # an ordinary delay: believed
    ],
)
def test_a_messages_own_timestamp_is_bounded_by_the_clock(
    services: Services, claimed: pendulum.DateTime, recorded: pendulum.DateTime
) -> None:
    """received_at is the message's timestamp bounded by the clock; the claim is kept in the
    event when it is not believed; the officer can receive and close the report at once."""
    document = json.loads(_text_webhook("Nama: Budi\nNIK: 3171010101900001\nPungli.", "wamid.T"))
    document["entry"][0]["changes"][0]["value"]["messages"][0]["timestamp"] = str(
        int(claimed.timestamp())
    )
    (step,) = services.desk.ingest(parse_webhook(json.dumps(document).encode())).steps
    report = services.desk.report(step.report_id)
    assert report.received_at == recorded
    assert step.number == "LAP/KNJP/2026/000001"
    claim = report.events[0].payload.get("claimed_at")
    assert (claim is None) == (claimed == recorded)
    services.desk.receive(step.report_id, officer="petugas-01")
    closed = services.desk.close(step.report_id, officer="petugas-01", reason="duplicate")
    assert closed.state.value == "closed"


def test_antrean_lists_the_outbox_and_daftar_shows_the_zone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`antrean` lists the office's outbox by status without payloads; `daftar` prints each
    deadline with its zone (WIB)."""
    db = str(tmp_path / "desk.sqlite3")
    at = "2026-01-12T09:05:00+07:00"
    payload = tmp_path / "p.json"
    payload.write_bytes(_text_webhook("Nama: Budi\nNIK: 3171010101900001\nPungli.", "o1"))
    assert main(["terima", str(payload), "--db", db, "--waktu", at]) == 0
    capsys.readouterr()
    assert main(["antrean", "--db", db, "--waktu", at, "--json"]) == 0
    rows = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert {r["notification"] for r in rows} == {"acknowledgement", "missing_requirements"}
    assert all(r["status"] == "pending" for r in rows)
    assert all("6281234567890" not in json.dumps(r) for r in rows)
    assert main(["antrean", "--db", db, "--waktu", at, "--status", "sent"]) == 0
    assert "antrean kosong" in capsys.readouterr().out
    assert main(["daftar", "--db", db, "--waktu", at]) == 0
    assert "tenggat 2026-01-12 12:00 WIB" in capsys.readouterr().out
