"""
The evidence pack of one report (``bukti``) and its offline re-verification
(``periksa-bukti``): a pack verifies; any edit is found; masking never leaks a whole NIK,
telephone number or name; only a section head or office head may see personal data; on
memory, SQLite and PostgreSQL.
"""

from __future__ import annotations

import copy
import json
import re
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pendulum
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import HealthCheck, given, settings

from layanan_aduan.adapters.evidence_store import InMemoryEvidenceStore
from layanan_aduan.adapters.holidays_id import indonesian_calendar
from layanan_aduan.adapters.messaging import InMemoryMediaFetcher, InMemoryMessenger
from layanan_aduan.adapters.signing_keys import Ed25519Signer, Keyring
from layanan_aduan.adapters.staff import InMemoryStaffDirectory, staff_from_mapping
from layanan_aduan.adapters.storage import InMemoryStorage, PostgresStorage, SqliteStorage
from layanan_aduan.clock import FixedClock
from layanan_aduan.domain.overrides import parse_overrides
from layanan_aduan.domain.report import Actor, Report, ReporterDetails
from layanan_aduan.domain.workflow import Role
from layanan_aduan.domain.worktime import WorkingTime
from layanan_aduan.exceptions import (
    EvidencePackFormatError,
    HistoryTamperedError,
    StaffAuthorizationError,
)
from layanan_aduan.ports import Storage
from layanan_aduan.service_layer.bootstrap import compose
from layanan_aduan.service_layer.desk import Desk
from layanan_aduan.service_layer.evidence_check import PackFindingKind, verify_evidence_pack
from layanan_aduan.service_layer.evidence_html import render_evidence_html
from layanan_aduan.service_layer.evidence_pack import build_evidence_pack
from layanan_aduan.service_layer.report_stream import assign_report_number, project, save_report
from layanan_aduan.service_layer.signing import HeadSigning
from layanan_aduan.testing import strategies
from layanan_aduan.testing.contracts import require_postgres_dsn

WIB = "Asia/Jakarta"
T0 = pendulum.datetime(2026, 1, 9, 14, tz=WIB)  # Friday 14:00: two hours that day
OFFICER = Actor("petugas-01", Role.OFFICER)
HEAD = Actor("kasi-intel-01", Role.SECTION_HEAD)
NIK = "3171010101900001"
PHONE = "+6281234567890"
NAME = "Budi Santoso"
STAFF = staff_from_mapping(
    {
        "staff": [
            {
                "id": "petugas-01",
                "name": "Rina Wulandari",
                "phone": "+6281311112222",
                "roles": ["officer"],
            },
            {
                "id": "kasi-intel-01",
                "name": "Andi Pratama",
                "phone": "+6281100002222",
                "roles": ["section_head"],
            },
            {
                "id": "kajari-01",
                "name": "Siti Rahma",
                "phone": "+6281100003333",
                "roles": ["office_head"],
            },
        ]
    },
    office="KNJP",
)
LEAVE = parse_overrides('[closed]\n2026-01-12 = "Cuti bersama (pengumuman mendadak)"\n')
SIGNER = Ed25519Signer(Ed25519PrivateKey.generate())
KEYS = Keyring([SIGNER.public_key()])


def _report(
    report_id: str = "r-1", *, name: str = NAME, nik: str = NIK, phone: str = PHONE, steps: int = 3
) -> Report:
    report = Report.submit(
        id=report_id,
        at=T0,
        recorded_at=T0.add(minutes=1),
        kind="aduan",
        actor=Actor(phone, Role.REPORTER),
        details=ReporterDetails(name=name, nik=nik, phone=phone),
        message=f"Saya {name}, NIK {nik}, telp {phone}: dugaan pungli.",
        evidence=[b"%PDF-1.4\n%%EOF\n"],
    )
    if steps >= 1:
        report.receive(at=T0.add(minutes=5), actor=OFFICER)
    if steps >= 2:
        report.forward(at=T0.add(minutes=10), actor=OFFICER)
    if steps >= 3:
        report.give_direction(
            at=T0.add(minutes=20),
            recorded_at=T0.add(hours=1),
            actor=HEAD,
            late_entry_reason=f"Lupa dicatat; pelapor {name} ({phone}) sudah dihubungi.",
            direction=f"Klarifikasi ke kelurahan; hubungi {name}.",
        )
    return report


def _store(storage: Storage, report: Report, working_time: WorkingTime, signing: Any) -> str:
    with storage.unit_of_work() as uow:
        number = assign_report_number(uow.reports, report, office="KNJP", year=2026)
        save_report(
            uow.reports, report, project(report, working_time, office="KNJP"), signing=signing
        )
        uow.commit()
    return number


def _desk(storage: Storage, *, signing: HeadSigning | None, at: pendulum.DateTime) -> Desk:
    return compose(
        storage=storage,
        evidence=InMemoryEvidenceStore(),
        messenger=InMemoryMessenger(),
        media=InMemoryMediaFetcher(),
        clock=FixedClock(at),
        signing=signing,
        staff=InMemoryStaffDirectory({"KNJP": STAFF}),
        working_time=WorkingTime(indonesian_calendar(overrides=LEAVE)),
    ).desk


@pytest.fixture(params=["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def storage(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Storage]:
    made: Storage
    if request.param == "memory":
        made = InMemoryStorage()
    elif request.param == "sqlite":
        made = SqliteStorage.open(tmp_path / "aduan.sqlite3")
    else:
        made = PostgresStorage.open(
            require_postgres_dsn(), schema=f"t_{uuid.uuid4().hex[:16]}", max_size=2
        )
    yield made
    if isinstance(made, PostgresStorage):
        made.drop_schema()
    made.close()


@pytest.fixture
def signed(storage: Storage) -> tuple[Desk, str]:
    signing = HeadSigning(signer=SIGNER)
    # Stored with the calendar of before the cuti bersama: the desk re-projects on start.
    number = _store(storage, _report(), WorkingTime(indonesian_calendar()), signing)
    return _desk(storage, signing=signing, at=T0.add(hours=2)), number


def test_a_pack_holds_the_history_chain_sla_notifications_and_evidence(
    signed: tuple[Desk, str],
) -> None:
    desk, number = signed
    pack = build_evidence_pack(desk, number)
    assert pack["format"] == "layanan-aduan/bukti/v1"
    assert [e["event"]["action"] for e in pack["events"]] == [
        "submit",
        "receive",
        "forward",
        "give_direction",
    ]
    direction = pack["events"][3]
    assert direction["event"]["at"] == "2026-01-09T07:20:00Z"
    assert direction["event"]["recorded_at"] == "2026-01-09T08:00:00Z"
    assert direction["sla_at"] == "2026-01-09T08:00:00Z"
    # The reason is staff text kept apart from the hash; a masked pack shows it masked beside.
    assert "sudah dihubungi" in direction["late_entry_reason"]
    assert "late_entry_reason" not in direction["event"]["payload"]
    assert pack["chain"] == {
        "version": 4,
        "head_hash": pack["events"][-1]["hash"],
        "verified": True,
    }
    assert pack["head"]["key_id"] == SIGNER.key_id
    assert pack["head"]["check"] == "verified"
    sla = pack["sla"]
    # Monday 12 January is a cuti bersama (an override): the deadline moved to Tuesday.
    assert sla["deadline"] == "2026-01-13T02:00:00Z"
    leave = [c for c in sla["closures"] if c["date"] == "2026-01-12"]
    assert leave == [
        {
            "date": "2026-01-12",
            "day_kind": "joint_leave",
            "name": "Cuti bersama (pengumuman mendadak)",
            "name_en": "Cuti bersama (pengumuman mendadak)",
            "legal_basis": None,
            "estimated": False,
            "override": True,
        }
    ]
    assert sla["calendar_fingerprint"] == desk.working_time.calendar_fingerprint
    (record,) = pack["reprojections"]
    assert record["kind"] == "sla_reprojected"
    assert record["new_deadline"] == "2026-01-13T02:00:00+00:00"
    kinds = {n["kind"] for n in pack["notifications"]}
    assert "deadline_moved" in kinds
    assert all(n["status"] == "pending" for n in pack["notifications"])
    (pdf,) = pack["evidence"]
    assert pdf["media_type"] == "application/pdf"
    assert pdf["size"] == 15
    assert set(pdf) == {"seq", "sha256", "size", "media_type"}
    assert pack["signature"]["key_id"] == SIGNER.key_id


def test_a_legal_basis_is_carried_for_a_decreed_holiday(storage: Storage) -> None:
    # Isra Mikraj 2026 (16 January, a Friday) closes the office by the SKB of three ministers.
    at = pendulum.datetime(2026, 1, 15, 15, tz=WIB)
    report = Report.submit(
        id="r-9",
        at=at,
        actor=Actor(PHONE, Role.REPORTER),
        kind="aduan",
        details=ReporterDetails(name=NAME, nik=NIK, phone=PHONE),
        message="Pungli.",
        evidence=[b"%PDF-1.4\n%%EOF\n"],
    )
    number = _store(storage, report, WorkingTime(indonesian_calendar(overrides=LEAVE)), None)
    pack = build_evidence_pack(_desk(storage, signing=None, at=at.add(hours=1)), number)
    holidays = [c for c in pack["sla"]["closures"] if c["day_kind"] == "national_holiday"]
    assert holidays
    assert all(c["legal_basis"] for c in holidays)
    assert any("SKB" in c["legal_basis"] or "Keputusan" in c["legal_basis"] for c in holidays)
    assert pack["head"]["check"] == "not_checked"
    assert pack["signature"] is None


def test_a_pack_verifies_offline(signed: tuple[Desk, str]) -> None:
    desk, number = signed
    for reveal in (False, True):
        pack = build_evidence_pack(
            desk, number, reveal_personal_data=reveal, viewer="kasi-intel-01" if reveal else None
        )
        text = json.dumps(pack)  # what the file holds
        result = verify_evidence_pack(json.loads(text), KEYS)
        assert result.ok, result.findings
        assert result.signatures_checked
        assert result.rehashed + len(result.masked) == 4
    # Masked too, every event re-hashes: personal values are apart from what the hashes cover.
    masked = build_evidence_pack(desk, number)
    assert verify_evidence_pack(masked).masked == ()
    states = [e["personal_data"] for e in masked["events"]]
    assert states == ["withheld", None, None, "withheld"]


def _edit_at(pack: dict[str, Any]) -> None:
    pack["events"][2]["event"]["at"] = "2026-01-09T07:11:00Z"


def _edit_recorded_at_masked(pack: dict[str, Any]) -> None:
    pack["events"][3]["event"]["recorded_at"] = "2026-01-09T07:21:00Z"


def _edit_state(pack: dict[str, Any]) -> None:
    pack["events"][1]["event"]["to_state"] = "completed"


def _edit_hash(pack: dict[str, Any]) -> None:
    pack["events"][1]["hash"] = "ab" * 32
    pack["events"][1]["event"]["hash"] = "ab" * 32


def _reorder(pack: dict[str, Any]) -> None:
    events = pack["events"]
    events[1], events[2] = events[2], events[1]


def _remove_middle(pack: dict[str, Any]) -> None:
    del pack["events"][2]


def _remove_last_and_move_head(pack: dict[str, Any]) -> None:
    del pack["events"][-1]
    pack["chain"]["version"] = 3
    pack["chain"]["head_hash"] = pack["events"][-1]["hash"]


def _forge_head_signature(pack: dict[str, Any]) -> None:
    pack["head"]["signature"] = Ed25519Signer(Ed25519PrivateKey.generate()).sign(b"x").hex()


def _strip_signatures(pack: dict[str, Any]) -> None:
    pack["signature"] = None


def _edit_deadline(pack: dict[str, Any]) -> None:
    pack["sla"]["deadline"] = "2026-01-12T02:00:00Z"


def _edit_notification(pack: dict[str, Any]) -> None:
    pack["notifications"][0]["status"] = "sent"


def _edit_evidence(pack: dict[str, Any]) -> None:
    pack["evidence"][0]["sha256"] = "0" * 64


EDITS: dict[str, Callable[[dict[str, Any]], None]] = {
    "event field": _edit_state,
    "instant": _edit_at,
    "instant of a masked event": _edit_recorded_at_masked,
    "hash": _edit_hash,
    "reordered": _reorder,
    "removed": _remove_middle,
    "removed last, head moved": _remove_last_and_move_head,
    "forged head signature": _forge_head_signature,
    "pack signature stripped": _strip_signatures,
    "sla deadline": _edit_deadline,
    "notification status": _edit_notification,
    "evidence digest": _edit_evidence,
}


@pytest.mark.parametrize("reveal", [False, True], ids=["masked", "revealed"])
@pytest.mark.parametrize("edit", list(EDITS), ids=list(EDITS))
def test_any_edit_is_found_with_the_public_key(
    signed: tuple[Desk, str], edit: str, reveal: bool
) -> None:
    desk, number = signed
    pack = build_evidence_pack(
        desk, number, reveal_personal_data=reveal, viewer="kajari-01" if reveal else None
    )
    tampered = copy.deepcopy(pack)
    EDITS[edit](tampered)
    assert not verify_evidence_pack(tampered, KEYS).ok


CHAIN_EDITS = ["event field", "instant", "hash", "reordered", "removed"]


@pytest.mark.parametrize("edit", CHAIN_EDITS)
def test_the_chain_alone_finds_edits_of_a_revealed_pack_without_keys(
    signed: tuple[Desk, str], edit: str
) -> None:
    desk, number = signed
    pack = build_evidence_pack(desk, number, reveal_personal_data=True, viewer="kasi-intel-01")
    tampered = copy.deepcopy(pack)
    EDITS[edit](tampered)
    result = verify_evidence_pack(tampered)
    assert not result.ok
    assert not result.signatures_checked


def test_findings_name_what_was_changed(signed: tuple[Desk, str]) -> None:
    desk, number = signed
    pack = build_evidence_pack(desk, number)
    edited = copy.deepcopy(pack)
    _edit_at(edited)
    kinds = {f.kind for f in verify_evidence_pack(edited, KEYS).findings}
    assert kinds == {PackFindingKind.EVENT_HASH_MISMATCH, PackFindingKind.PACK_SIGNATURE_INVALID}
    moved = copy.deepcopy(pack)
    _reorder(moved)
    kinds = {f.kind for f in verify_evidence_pack(moved).findings}
    assert PackFindingKind.SEQUENCE_BROKEN in kinds
    assert PackFindingKind.CHAIN_BROKEN in kinds
    other = Keyring([Ed25519Signer(Ed25519PrivateKey.generate()).public_key()])
    kinds = {f.kind for f in verify_evidence_pack(pack, other).findings}
    assert kinds == {PackFindingKind.HEAD_KEY_UNKNOWN, PackFindingKind.PACK_KEY_UNKNOWN}


def test_a_file_that_is_no_pack_is_refused() -> None:
    for data in ({}, {"format": "layanan-aduan/bukti/v1"}, [], {"format": "other"}):
        with pytest.raises(EvidencePackFormatError) as caught:
            verify_evidence_pack(data)
        assert caught.value.code == "evidence_pack_invalid"


def test_only_the_section_head_or_office_head_may_see_personal_data(
    signed: tuple[Desk, str],
) -> None:
    desk, number = signed
    for viewer, code in (
        ("petugas-01", "role_not_held"),
        ("nobody", "unknown_staff"),
        (None, "unknown_staff"),
    ):
        with pytest.raises(StaffAuthorizationError) as caught:
            build_evidence_pack(desk, number, reveal_personal_data=True, viewer=viewer)
        assert caught.value.code == code
    for viewer in ("kasi-intel-01", "kajari-01"):
        pack = build_evidence_pack(desk, number, reveal_personal_data=True, viewer=viewer)
        assert pack["revealed_to"] == viewer
        vault = pack["events"][0]["event"]["personal_data"]
        assert vault["values"]["payload"]["details"]["nik"] == NIK


def test_a_tampered_history_gets_no_pack(tmp_path: Path) -> None:
    db = tmp_path / "aduan.sqlite3"
    with SqliteStorage.open(db) as storage:
        number = _store(storage, _report(), WorkingTime(indonesian_calendar()), None)
    import sqlite3

    with sqlite3.connect(db) as conn:
        (text,) = conn.execute("SELECT payload FROM report_events WHERE seq = 2").fetchone()
        event = json.loads(text)
        event["at"] = "2026-01-09T07:04:00Z"
        conn.execute("UPDATE report_events SET payload = ? WHERE seq = 2", (json.dumps(event),))
    conn.close()
    with SqliteStorage.open(db) as storage, pytest.raises(HistoryTamperedError):
        build_evidence_pack(_desk(storage, signing=None, at=T0.add(hours=2)), number)


def _leaks(secret: str, text: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(secret)}(?!\w)", text) is not None


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=strategies.names(),
    nik=strategies.niks(),
    phone=strategies.phone_numbers(forms=("+628",)),
)
def test_masking_never_leaks_a_whole_nik_phone_or_name(name: str, nik: str, phone: str) -> None:
    storage = InMemoryStorage()
    number = _store(
        storage, _report(name=name, nik=nik, phone=phone), WorkingTime(indonesian_calendar()), None
    )
    desk = _desk(storage, signing=None, at=T0.add(hours=2))
    pack = build_evidence_pack(desk, number)
    text = json.dumps(pack, ensure_ascii=False)
    html = render_evidence_html(pack)
    digits = re.sub(r"\D", "", phone)
    for secret in (nik, phone, digits, "0" + digits[2:], name):
        assert not _leaks(secret, text)
        assert not _leaks(secret, html)
    assert verify_evidence_pack(pack).ok


def test_the_html_page_is_self_contained_and_escaped(signed: tuple[Desk, str]) -> None:
    desk, number = signed
    pack = build_evidence_pack(desk, number, reveal_personal_data=True, viewer="kasi-intel-01")
    vault = pack["events"][0]["event"]["personal_data"]
    vault["values"]["payload"]["details"]["name"] = "<script>alert(1)</script>"
    html = render_evidence_html(pack)
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert "http://" not in html
    assert "https://" not in html
    assert "src=" not in html
    assert "Bukti laporan" in html
    assert number in html
    assert "Cuti bersama (pengumuman mendadak)" in html
    assert "@page" in html  # printable on A4


def test_the_pack_is_the_same_on_every_storage(storage: Storage) -> None:
    signing = HeadSigning(signer=SIGNER)
    report = _report()  # one report (its events' salts are random), stored in both
    number = _store(storage, copy.deepcopy(report), WorkingTime(indonesian_calendar()), signing)
    pack = build_evidence_pack(_desk(storage, signing=signing, at=T0.add(hours=2)), number)
    reference = InMemoryStorage()
    _store(reference, report, WorkingTime(indonesian_calendar()), signing)
    expected = build_evidence_pack(_desk(reference, signing=signing, at=T0.add(hours=2)), number)
    assert pack == expected


def test_without_the_key_an_edit_of_a_masked_event_is_still_found(
    signed: tuple[Desk, str],
) -> None:
    """A masked event still re-hashes (its personal values are apart from its hash): an edit of
    its shown fields is found without the public key, and with it the pack signature fails too."""
    desk, number = signed
    pack = build_evidence_pack(desk, number)
    _edit_recorded_at_masked(pack)
    assert not verify_evidence_pack(pack).ok
    kinds = {f.kind for f in verify_evidence_pack(pack, KEYS).findings}
    assert PackFindingKind.EVENT_HASH_MISMATCH in kinds
    assert PackFindingKind.PACK_SIGNATURE_INVALID in kinds
