"""
The signed history: every head signed with a key outside the database, verified on load and by
a whole-database audit with public keys only, checkpoints, key rotation and the policy for
heads saved before signing was turned on; on memory, SQLite and PostgreSQL.
"""

from __future__ import annotations

import copy
import json
import logging
import uuid
from collections.abc import Iterator
from typing import Any

import attrs
import pendulum
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given
from hypothesis import strategies as st

from layanan_aduan.adapters.holidays_id import indonesian_calendar
from layanan_aduan.adapters.signing_keys import Ed25519Signer, Keyring
from layanan_aduan.adapters.storage import InMemoryStorage, PostgresStorage, SqliteStorage
from layanan_aduan.adapters.storage._common import vault_context
from layanan_aduan.clock import FixedClock
from layanan_aduan.domain.history import Event
from layanan_aduan.domain.report import Actor, Report, ReporterDetails
from layanan_aduan.domain.seal import Checkpoint, Head, head_message, heads_root
from layanan_aduan.domain.workflow import Role
from layanan_aduan.domain.worktime import WorkingTime
from layanan_aduan.exceptions import (
    CheckpointFormatError,
    HistorySignatureError,
    HistoryTamperedError,
    SigningKeyError,
)
from layanan_aduan.ports import ReportProjection, Storage
from layanan_aduan.service_layer.anchoring import (
    FindingKind,
    export_checkpoint,
    resign_heads,
    verify_storage,
)
from layanan_aduan.service_layer.report_stream import load_report, project, save_report
from layanan_aduan.service_layer.signing import HeadSigning
from layanan_aduan.testing.contracts import require_postgres_dsn

T0 = pendulum.datetime(2026, 1, 12, 9, tz="Asia/Jakarta")  # a Monday
REPORTER = Actor("+6281234567890", Role.REPORTER)
OFFICER = Actor("petugas-01", Role.OFFICER)
HEAD = Actor("kasi-intel-01", Role.SECTION_HEAD)
DETAILS = ReporterDetails(name="Budi Santoso", nik="3171010101900001", phone="081234567890")
PDF = b"%PDF-1.4\n%%EOF\n"
WORKING_TIME = WorkingTime(indonesian_calendar())
_TABLES = "reports, report_events, report_personal, report_evidence, report_counters, outbox, inbox"


def new_signer() -> Ed25519Signer:
    return Ed25519Signer(Ed25519PrivateKey.generate())


def keyring(*signers: Ed25519Signer) -> Keyring:
    return Keyring(s.public_key() for s in signers)


@pytest.fixture(params=["memory", "sqlite", "postgres"])
def storage(request: pytest.FixtureRequest, tmp_path: Any) -> Iterator[Storage]:
    """A new, empty storage of each adapter."""
    made: Storage
    if request.param == "memory":
        made = InMemoryStorage()
    elif request.param == "sqlite":
        made = SqliteStorage.open(tmp_path / "aduan.sqlite3")
    else:
        dsn = require_postgres_dsn()
        made = PostgresStorage.open(dsn, schema=f"t_{uuid.uuid4().hex[:16]}", max_size=2)
    yield made
    if isinstance(made, PostgresStorage):
        made.drop_schema()
    made.close()


def directed_report(report_id: str = "r-1") -> Report:
    """A report through step 4 (the section head's direction) and step 5."""
    report = Report.submit(
        id=report_id,
        at=T0,
        actor=REPORTER,
        kind="aduan",
        details=DETAILS,
        evidence=[PDF],
        message="Dugaan pungli.",
    )
    report.receive(at=T0.add(minutes=5), actor=OFFICER)
    report.forward(at=T0.add(minutes=10), actor=OFFICER)
    report.give_direction(at=T0.add(minutes=40), actor=HEAD, direction="Klarifikasi.")
    report.deliver_follow_up(at=T0.add(hours=2), actor=OFFICER, follow_up="Sudah.")
    return report


def save(storage: Storage, report: Report, signing: HeadSigning | None) -> None:
    with storage.unit_of_work() as uow:
        save_report(
            uow.reports, report, project(report, WORKING_TIME, office="KNJP"), signing=signing
        )
        uow.commit()


def load(storage: Storage, report_id: str, signing: HeadSigning | None) -> Report:
    with storage.unit_of_work(read_only=True) as uow:
        return load_report(uow.reports, report_id, signing=signing)


def rewrite_direction(storage: Storage, report_id: str) -> None:
    """
    The insider's rewrite: step 4 gets another actor and direction text, every later event is
    re-chained, and the head hash beside the stream is updated. Through the database itself
    (SQL), or the in-memory adapter's state (what writing its memory would do).
    """
    with storage.unit_of_work(read_only=True) as uow:
        stored = uow.reports.get(report_id)
    events = [copy.deepcopy(e) for e in stored.events]
    previous = events[2]["hash"]
    for data in events[3:]:
        if data["action"] == "give_direction":
            data["actor_id"] = "kasi-lain-99"
            # The direction is a personal value, kept apart: the insider rewrites it there.
            values = data["personal_data"]["values"]["payload"]
            values["direction"] = "Hentikan, tidak perlu klarifikasi."
        if data["action"] == "deliver_follow_up":
            # The follow-up names the direction it answers: the insider rewrites that too.
            data["payload"] = {**data["payload"], "direction_hash": previous}
        data["prev_hash"] = previous
        event = Event.from_dict(data)
        if "personal" in data:
            data["personal"] = event.content()["personal"]
        data["hash"] = event.compute_hash()
        previous = data["hash"]
    head = previous
    assert head != stored.projection.head_hash
    cipher = storage.cipher  # type: ignore[attr-defined]  # every adapter has one
    vault = {
        e["seq"]: cipher.seal(
            json.dumps(e["personal_data"], ensure_ascii=False), vault_context(report_id, e["seq"])
        )
        for e in events
        if "personal_data" in e
    }
    rows = [{k: v for k, v in e.items() if k != "personal_data"} for e in events]
    if isinstance(storage, InMemoryStorage):
        state = storage._state
        row = state.reports[report_id]
        encoded = tuple(json.dumps(e, ensure_ascii=False) for e in rows)
        forged = attrs.evolve(
            row,
            events=encoded,
            personal=vault,
            projection=attrs.evolve(row.projection, head_hash=head),
        )
        storage._state = attrs.evolve(state, reports={**state.reports, report_id: forged})
        return
    with storage.unit_of_work() as uow:
        for data in rows[3:]:
            uow.execute(  # type: ignore[attr-defined]  # a SQL unit of work
                "UPDATE report_events SET payload = ? WHERE report_id = ? AND seq = ?",
                (json.dumps(data, ensure_ascii=False), report_id, data["seq"]),
            )
            if data["seq"] in vault:
                uow.execute(  # type: ignore[attr-defined]  # a SQL unit of work
                    "UPDATE report_personal SET sealed = ? WHERE report_id = ? AND seq = ?",
                    (vault[data["seq"]], report_id, data["seq"]),
                )
        uow.execute(  # type: ignore[attr-defined]  # a SQL unit of work
            "UPDATE reports SET head_hash = ? WHERE report_id = ?", (head, report_id)
        )
        uow.commit()


def test_the_rewrite_attack_passes_the_chain_but_not_the_signature(storage: Storage) -> None:
    """A rewrite of step 4, re-chained with the head hash updated, still verifies as a chain
    (what load_report accepted before) but is refused on load once heads are signed."""
    signing = HeadSigning(signer=new_signer())
    save(storage, directed_report(), signing)
    assert load(storage, "r-1", signing).events[3].payload["direction"] == "Klarifikasi."
    rewrite_direction(storage, "r-1")
    forged = load(storage, "r-1", None)  # the chain alone cannot tell
    assert forged.events[3].payload["direction"].startswith("Hentikan")
    with pytest.raises(HistorySignatureError) as caught:
        load(storage, "r-1", signing)
    error = caught.value
    assert isinstance(error, HistoryTamperedError)
    assert error.code == "head_signature_invalid"
    assert error.message.startswith("Riwayat laporan r-1 tidak dapat dipercaya")
    assert "3171010101900001" not in error.message + error.message_en + repr(error.details)


def test_the_audit_finds_the_rewrite_with_the_public_key_only(storage: Storage) -> None:
    """verify_storage with only the public key finds the rewritten report, and a checkpoint
    taken before the rewrite names the changed version; the other report stays intact."""
    signer = new_signer()
    signing = HeadSigning(signer=signer)
    save(storage, directed_report("r-1"), signing)
    save(storage, directed_report("r-2"), signing)
    clock = FixedClock(T0.add(hours=3))
    checkpoint = export_checkpoint(storage, signing, office="KNJP", clock=clock)
    public = keyring(signer)
    assert verify_storage(storage, public, checkpoint=checkpoint).ok
    rewrite_direction(storage, "r-1")
    result = verify_storage(storage, public, checkpoint=checkpoint)
    assert not result.ok
    assert result.reports == 2
    found = {(f.kind, f.report_id) for f in result.findings}
    assert found == {
        (FindingKind.HEAD_SIGNATURE_INVALID, "r-1"),
        (FindingKind.CHECKPOINT_HISTORY_CHANGED, "r-1"),
    }
    assert result.to_dict()["ok"] is False


def test_history_may_grow_after_a_checkpoint(storage: Storage) -> None:
    """A report that gained events after the checkpoint still matches it at its version."""
    signer = new_signer()
    signing = HeadSigning(signer=signer)
    report = Report.submit(
        id="r-1", at=T0, actor=REPORTER, kind="aduan", details=DETAILS, evidence=[PDF], message="x"
    )
    save(storage, report, signing)
    checkpoint = export_checkpoint(storage, signing, office="KNJP", clock=FixedClock(T0))
    loaded = load(storage, "r-1", signing)
    loaded.receive(at=T0.add(minutes=5), actor=OFFICER)
    save(storage, loaded, signing)
    result = verify_storage(storage, keyring(signer), checkpoint=checkpoint)
    assert result.ok, result.findings
    assert checkpoint.report_count == 1


def test_a_checkpoint_with_a_report_removed_or_a_forged_signature_is_found() -> None:
    """A report the checkpoint lists that is gone, and a checkpoint signed by another key,
    are both findings."""
    signer = new_signer()
    signing = HeadSigning(signer=signer)
    storage = InMemoryStorage()
    save(storage, directed_report("r-1"), signing)
    checkpoint = export_checkpoint(storage, signing, office="KNJP", clock=FixedClock(T0))
    other = InMemoryStorage()
    result = verify_storage(other, keyring(signer), checkpoint=checkpoint)
    assert [f.kind for f in result.findings] == [FindingKind.CHECKPOINT_REPORT_MISSING]
    forged = export_checkpoint(
        storage,
        HeadSigning(signer=new_signer(), verifier=keyring(signer)),
        office="KNJP",
        clock=FixedClock(T0),
    )
    result = verify_storage(storage, keyring(signer), checkpoint=forged)
    assert [f.kind for f in result.findings] == [FindingKind.CHECKPOINT_SIGNATURE_INVALID]


def test_a_checkpoint_is_not_exported_over_a_tampered_history() -> None:
    """Export verifies first: a rewritten report makes it refuse, and nothing is signed."""
    signing = HeadSigning(signer=new_signer())
    storage = InMemoryStorage()
    save(storage, directed_report(), signing)
    rewrite_direction(storage, "r-1")
    with pytest.raises(HistorySignatureError):
        export_checkpoint(storage, signing, office="KNJP", clock=FixedClock(T0))


def test_key_rotation(storage: Storage) -> None:
    """After a rotation old heads still load (old public key kept), new saves use the new key,
    re-signing moves every head to the new key after verifying it, and then the old key can
    go; a head rewritten meanwhile stops the re-signing and nothing changes."""
    old, new = new_signer(), new_signer()
    save(storage, directed_report("r-1"), HeadSigning(signer=old))
    save(storage, directed_report("r-2"), HeadSigning(signer=old))
    rotated = HeadSigning(signer=new, verifier=keyring(old, new))
    assert load(storage, "r-1", rotated).version == 5
    with pytest.raises(HistorySignatureError) as unknown:
        load(storage, "r-1", HeadSigning(signer=new))
    assert unknown.value.code == "head_key_unknown"
    summary = resign_heads(storage, rotated, office="KNJP")
    assert (summary.signed, summary.resigned, summary.unchanged) == (0, 2, 0)
    only_new = HeadSigning(signer=new)
    assert load(storage, "r-2", only_new).version == 5
    assert resign_heads(storage, rotated).unchanged == 2
    assert verify_storage(storage, keyring(new)).ok
    save(storage, directed_report("r-3"), HeadSigning(signer=old))
    rewrite_direction(storage, "r-3")
    with pytest.raises(HistorySignatureError):
        resign_heads(storage, rotated)
    with storage.unit_of_work(read_only=True) as uow:
        assert uow.reports.get("r-1").projection.head_key_id == new.key_id
        assert uow.reports.get("r-3").projection.head_key_id == old.key_id


def test_heads_saved_before_signing_are_refused_warned_or_signed_once(
    storage: Storage, caplog: pytest.LogCaptureFixture
) -> None:
    """An unsigned head is refused by default, loads with a warning under "warn", is left
    alone by re-signing unless asked, and is signed by the one-time backfill."""
    save(storage, directed_report(), None)
    signer = new_signer()
    with pytest.raises(HistorySignatureError) as missing:
        load(storage, "r-1", HeadSigning(signer=signer))
    assert missing.value.code == "head_signature_missing"
    with caplog.at_level(logging.WARNING, logger="layanan_aduan.signing"):
        assert load(storage, "r-1", HeadSigning(signer=signer, unsigned="warn")).version == 5
    assert "not signed" in caplog.text
    with pytest.raises(HistorySignatureError):
        resign_heads(storage, HeadSigning(signer=signer))
    assert resign_heads(storage, HeadSigning(signer=signer), unsigned=True).signed == 1
    assert load(storage, "r-1", HeadSigning(signer=signer)).version == 5
    finding = verify_storage(storage, keyring(new_signer())).findings[0]
    assert finding.kind is FindingKind.HEAD_KEY_UNKNOWN


def test_a_chain_edit_is_still_reported_as_tampering_first() -> None:
    """An event edited without re-chaining is the chain's finding, with its place."""
    signing = HeadSigning(signer=new_signer())
    storage = InMemoryStorage()
    save(storage, directed_report(), signing)
    state = storage._state
    row = state.reports["r-1"]
    events = [json.loads(e) for e in row.events]
    events[1]["actor_id"] = "orang-lain"
    forged = attrs.evolve(row, events=tuple(json.dumps(e) for e in events))
    storage._state = attrs.evolve(state, reports={**state.reports, "r-1": forged})
    with pytest.raises(HistoryTamperedError) as caught:
        load(storage, "r-1", signing)
    assert not isinstance(caught.value, HistorySignatureError)
    result = verify_storage(storage, Keyring([signing.signer.public_key()]))  # type: ignore[union-attr]
    assert [f.kind for f in result.findings] == [FindingKind.HISTORY_TAMPERED]
    assert "diubah" in result.findings[0].message


_FIELDS = st.sampled_from(["office", "report_id", "version", "head_hash"])


@given(
    field=_FIELDS,
    office=st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=8),
    version=st.integers(1, 10**6),
)
def test_a_signature_verifies_for_its_head_only(field: str, office: str, version: int) -> None:
    """A head signature verifies for exactly the office, report, version and hash it was made
    for: moved to any other value of any of them, it does not."""
    signer = _SIGNER
    signing = HeadSigning(signer=signer, verifier=keyring(signer))
    projection = ReportProjection(
        state="received", updated_at=T0, office=office, head_hash="ab" * 32
    )
    sealed = signing.seal("r-1", version, projection)
    assert signing.problem("r-1", version, sealed) is None
    report_id = "r-1"
    if field == "office":
        sealed = attrs.evolve(sealed, office=office + "X")
    elif field == "report_id":
        report_id = "r-2"
    elif field == "version":
        version += 1
    else:
        sealed = attrs.evolve(sealed, head_hash="cd" * 32)
    assert signing.problem(report_id, version, sealed) == "head_signature_invalid"


_SIGNER = new_signer()


def test_the_signed_message_is_domain_separated() -> None:
    """The head message starts with its tag and carries the office, id, version and hash."""
    message = head_message("KNJP", "r-1", 4, "ab" * 32)
    assert message.startswith(b"layanan-aduan/head/v1\x00")
    assert json.loads(message.split(b"\x00", 1)[1]) == {
        "head_hash": "ab" * 32,
        "office": "KNJP",
        "report_id": "r-1",
        "version": 4,
    }


def test_a_signature_that_is_not_base64_is_invalid() -> None:
    """Garbage in the signature column is an invalid signature, not a crash."""
    signing = HeadSigning(signer=_SIGNER)
    p = ReportProjection(
        state="received",
        updated_at=T0,
        head_hash="ab" * 32,
        head_signature="@@",
        head_key_id=_SIGNER.key_id,
    )
    with pytest.raises(HistorySignatureError) as caught:
        signing.check("r-1", 1, p)
    assert caught.value.code == "head_signature_invalid"


def test_resigning_needs_a_signer() -> None:
    """A verifier-only signing cannot re-sign: a typed refusal."""
    with pytest.raises(SigningKeyError) as caught:
        resign_heads(InMemoryStorage(), HeadSigning(verifier=keyring(_SIGNER)))
    assert caught.value.code == "signing_key_missing"


def test_a_desk_with_a_key_signs_every_step_and_refuses_the_rewrite() -> None:
    """Through the desk: each step's head is signed with the desk's key, and after an
    insider's rewrite the desk refuses to show or change the report."""
    from layanan_aduan import examples
    from layanan_aduan.adapters.evidence_store import InMemoryEvidenceStore
    from layanan_aduan.adapters.messaging import InMemoryMediaFetcher, InMemoryMessenger
    from layanan_aduan.adapters.staff import InMemoryStaffDirectory
    from layanan_aduan.adapters.whatsapp.inbound import parse_webhook
    from layanan_aduan.domain.staff import Assignment, StaffMember, StaffRole
    from layanan_aduan.service_layer.bootstrap import compose

    def member(staff_id: str, phone: str, role: StaffRole) -> StaffMember:
        return StaffMember(
            staff_id, "Rina Wulandari", phone=phone, assignments=(Assignment(role, "KNJP"),)
        )

    staff = InMemoryStaffDirectory(
        {
            "KNJP": [
                member("petugas-01", "+6281311112222", StaffRole.OFFICER),
                member("kasi-intel-01", "+6281100002222", StaffRole.SECTION_HEAD),
            ]
        }
    )
    media = InMemoryMediaFetcher()
    media.put("1480000000000001", examples.screenshot_png(), "image/png")
    signer = new_signer()
    storage = InMemoryStorage()
    clock = FixedClock(pendulum.datetime(2026, 1, 12, 2, 5, tz="UTC"))
    services = compose(
        storage=storage,
        evidence=InMemoryEvidenceStore(),
        messenger=InMemoryMessenger(),
        media=media,
        clock=clock,
        staff=staff,
        signing=HeadSigning(signer=signer),
    )
    desk = services.desk
    number = desk.ingest(parse_webhook(examples.whatsapp_webhook())).steps[0].number
    assert number is not None
    for minutes, step in (
        (10, lambda: desk.receive(number, officer="petugas-01")),
        (10, lambda: desk.forward(number, officer="petugas-01", summary="Pungli.")),
        (
            10,
            lambda: desk.give_direction(
                number, section_head="kasi-intel-01", direction="Klarifikasi."
            ),
        ),
    ):
        clock.advance(pendulum.duration(minutes=minutes))
        step()
    with storage.unit_of_work(read_only=True) as uow:
        (summary,) = uow.reports.list_all().items
    assert summary.projection.head_key_id == signer.key_id
    assert verify_storage(storage, keyring(signer)).ok
    rewrite_direction(storage, summary.report_id)
    with pytest.raises(HistorySignatureError):
        desk.report(number)
    with pytest.raises(HistorySignatureError):
        desk.deliver_follow_up(number, officer="petugas-01", follow_up="Sudah.")


_HEADS = st.lists(
    st.builds(
        Head,
        report_id=st.text(min_size=1, max_size=6),
        version=st.integers(1, 50),
        head_hash=st.text("0123456789abcdef", min_size=64, max_size=64),
    ),
    min_size=1,
    max_size=9,
    unique_by=lambda h: h.report_id,
)


@given(heads=_HEADS, data=st.data())
def test_the_heads_root_ignores_order_and_sees_any_change(heads: list[Head], data: Any) -> None:
    """The root is the same in any order, and differs when an entry is changed, added or left
    out."""
    root = heads_root(heads)
    assert heads_root(data.draw(st.permutations(heads))) == root
    i = data.draw(st.integers(0, len(heads) - 1))
    changed = list(heads)
    changed[i] = attrs.evolve(heads[i], version=heads[i].version + 1)
    assert heads_root(changed) != root
    assert heads_root(heads[:i] + heads[i + 1 :]) != root
    assert heads_root([*heads, Head("\x00baru", 1, "0" * 64)]) != root


def test_a_checkpoint_file_round_trips_and_malformed_ones_are_refused() -> None:
    """to_dict/from_dict give the same checkpoint; a count or root that does not match its
    heads, a duplicate report or a wrong format is a typed refusal."""
    signing = HeadSigning(signer=_SIGNER)
    storage = InMemoryStorage()
    save(storage, directed_report("r-1"), signing)
    save(storage, directed_report("r-2"), signing)
    checkpoint = export_checkpoint(storage, signing, office="KNJP", clock=FixedClock(T0))
    data = checkpoint.to_dict()
    assert Checkpoint.from_dict(json.loads(json.dumps(data))) == checkpoint
    broken: list[dict[str, Any]] = [
        {**data, "report_count": 3},
        {**data, "heads_root": "0" * 64},
        {**data, "heads": [data["heads"][0], data["heads"][0]]},
        {**data, "format": "lain"},
        {**data, "created_at": "kemarin"},
        {**data, "heads": [{"report_id": "r-1", "version": True, "head_hash": "0" * 64}]},
        {key: value for key, value in data.items() if key != "signature"},
    ]
    for bad in broken:
        with pytest.raises(CheckpointFormatError):
            Checkpoint.from_dict(bad)


def test_a_rollback_to_an_earlier_signed_head_is_seen_against_a_later_checkpoint() -> None:
    """Restoring an older state whose head the desk did sign passes the signature check (it is
    a genuine old head) but not a checkpoint taken after it: only the checkpoint sees it."""
    signer = new_signer()
    signing = HeadSigning(signer=signer)
    storage = InMemoryStorage()
    report = Report.submit(
        id="r-1", at=T0, actor=REPORTER, kind="aduan", details=DETAILS, evidence=[PDF], message="x"
    )
    save(storage, report, signing)
    earlier = storage._state
    loaded = load(storage, "r-1", signing)
    loaded.receive(at=T0.add(minutes=5), actor=OFFICER)
    save(storage, loaded, signing)
    checkpoint = export_checkpoint(storage, signing, office="KNJP", clock=FixedClock(T0))
    storage._state = earlier
    assert load(storage, "r-1", signing).version == 1
    result = verify_storage(storage, keyring(signer), checkpoint=checkpoint)
    assert [(f.kind, f.report_id) for f in result.findings] == [
        (FindingKind.CHECKPOINT_HISTORY_CHANGED, "r-1")
    ]
