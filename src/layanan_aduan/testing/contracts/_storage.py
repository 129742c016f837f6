"""
The contract every :class:`layanan_aduan.ports.Storage` adapter must pass.
"""

# ruff: noqa: S101 - a pytest suite: assertions are its checks; hypothesis rules take their draws as arguments

from __future__ import annotations

import datetime as dt
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any, ClassVar, cast

import attrs
import pendulum
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import run_state_machine_as_test

from layanan_aduan.domain.statistics import event_row
from layanan_aduan.exceptions import (
    ConcurrencyConflictError,
    DuplicateReportNumberError,
    IdempotencyKeyConflictError,
    LayananAduanError,
    NaiveDatetimeError,
    OutboxLeaseLostError,
    OutboxMessageNotFoundError,
    OutboxStateError,
    ReportNotFoundError,
    StorageError,
    StorageInputError,
    StorageStateError,
)
from layanan_aduan.ports import (
    MAX_PAGE_SIZE,
    Outbox,
    OutboxMessage,
    OutboxStatus,
    Page,
    ReportEvents,
    ReportProjection,
    ReportRepository,
    ReportSummary,
    ReportTimeline,
    RetentionRun,
    SenderActivity,
    SlaDue,
    Storage,
    StoredReport,
    UnitOfWork,
)
from layanan_aduan.testing.contracts._stateful import storage_state_machine
from layanan_aduan.testing.contracts._webhooks import ReceivedWebhooksCases

__all__ = ["StorageContract", "StorageFactory"]

StorageFactory = Callable[[], Storage]

T0 = pendulum.datetime(2026, 1, 9, 9, tz="Asia/Jakarta")

_JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**53), max_value=2**53)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
_EVENT = st.dictionaries(st.text(max_size=12), _JSON, max_size=6)


def _id() -> str:
    return f"r-{uuid.uuid4().hex}"


def projection(state: str = "submitted", **changes: Any) -> ReportProjection:
    """
    A projection at the contract's reference instant, with ``changes`` applied.
    """
    values: dict[str, Any] = {"state": state, "updated_at": T0}
    values.update(changes)
    return ReportProjection(**values)


def create(
    storage: Storage,
    report_id: str | None = None,
    events: list[dict[str, Any]] | None = None,
    **changes: Any,
) -> str:
    """
    Store a new report with one event (by default) in its own unit of work; return its id.
    """
    rid = report_id or _id()
    with storage.unit_of_work() as uow:
        uow.reports.append(
            rid, 0, events or [{"action": "submit", "seq": 1}], projection(**changes)
        )
        uow.commit()
    return rid


def step(storage: Storage, report_id: str, expected: int, state: str = "received") -> int:
    """
    Append one step to a stored report in its own unit of work; return the new version.
    """
    with storage.unit_of_work() as uow:
        version = uow.reports.append(
            report_id, expected, [{"action": state, "seq": expected + 1}], projection(state)
        )
        uow.commit()
    return version


def load(storage: Storage, report_id: str) -> StoredReport:
    """
    Load one report in a read-only unit of work.
    """
    with storage.unit_of_work(read_only=True) as uow:
        return uow.reports.get(report_id)


def every(fetch: Callable[[str | None], Any]) -> list[Any]:
    """
    Follow the cursors of a listing to its end; return all items in order.
    """
    items: list[Any] = []
    cursor: str | None = None
    while True:
        page = fetch(cursor)
        items.extend(page.items)
        cursor = page.next_cursor
        if cursor is None:
            return items


class StorageContract(ReceivedWebhooksCases):
    """
    Contract cases for a :class:`layanan_aduan.ports.Storage` adapter.

    Subclass it in a test module as ``TestMyStorage(StorageContract)``, set ``adapter`` to the
    adapter's class and override the ``storage_factory`` fixture: it returns a callable that
    gives a new or emptied, open storage on each call, and closes and cleans up every storage it
    gave when the test ends (the suite never closes a storage except to test closing).
    """

    adapter: ClassVar[type[Any]]
    #: False for an adapter whose transactions read one snapshot taken before a lock is
    #: granted (PostgreSQL at serializable): there a conflicting write is refused at commit
    #: instead (``serialization_conflict``), and a waiter may not see the holder's rows.
    locks_refresh_snapshot: ClassVar[bool] = True

    @pytest.fixture
    def storage_factory(self) -> Iterator[StorageFactory]:
        """
        Override: yield a callable that returns a new, empty, open storage of ``adapter``.
        """
        raise NotImplementedError("override the storage_factory fixture")

    @pytest.fixture
    def storage(self, storage_factory: StorageFactory) -> Storage:
        """
        One new, empty storage, checked to be an instance of ``adapter``.
        """
        built = storage_factory()
        assert isinstance(built, self.adapter), f"{built!r} is not a {self.adapter.__name__}"
        return cast(Storage, built)

    # --- the port ---------------------------------------------------------------------------

    def test_implements_the_ports(self, storage: Storage) -> None:
        """The storage, its unit of work and its outbox satisfy the port protocols."""
        assert isinstance(storage, Storage)
        assert isinstance(storage.outbox, Outbox)
        with storage.unit_of_work() as uow:
            assert isinstance(uow, UnitOfWork)
            assert isinstance(uow.reports, ReportRepository)

    def test_ping_answers_then_close_refuses_work(self, storage: Storage) -> None:
        """ping() answers while open; after close() work is refused; closing twice is harmless."""
        storage.ping()
        storage.close()
        storage.close()
        with pytest.raises(StorageStateError) as info:
            storage.unit_of_work()
        assert info.value.code == "storage_closed"

    # --- loading and appending --------------------------------------------------------------

    def test_missing_report_is_not_found(self, storage: Storage) -> None:
        """Loading an unknown id or number raises ReportNotFoundError, also a LookupError."""
        with storage.unit_of_work(read_only=True) as uow:
            with pytest.raises(ReportNotFoundError) as info:
                uow.reports.get("nope")
            assert isinstance(info.value, LookupError)
            assert info.value.code == "report_not_found"
            assert info.value.field == "report_id"
            with pytest.raises(ReportNotFoundError) as by_number:
                uow.reports.get_by_number("LAP/NOPE/2026/1")
            assert by_number.value.field == "number"

    def test_refusals_mask_a_nik_typed_as_a_reference(self, storage: Storage) -> None:
        """A NIK given as a report id, number or outbox key never appears whole in the refusal."""
        nik = "3171010101900001"
        refusals: list[LayananAduanError] = []
        with storage.unit_of_work(read_only=True) as uow:
            with pytest.raises(ReportNotFoundError) as by_id:
                uow.reports.get(nik)
            with pytest.raises(ReportNotFoundError) as by_number:
                uow.reports.get_by_number("3171 0101 0190 0001")
            refusals += [by_id.value, by_number.value]
        with pytest.raises(OutboxMessageNotFoundError) as by_key:
            storage.outbox.get(nik)
        refusals.append(by_key.value)
        for error in refusals:
            shown = " ".join([str(error), error.message_en, repr(error), repr(error.details)])
            assert nik not in shown.replace(" ", "")
            assert "3171********0001" in error.message or "3171 **** **** 0001" in error.message

    def test_created_report_loads_back_whole(self, storage: Storage) -> None:
        """A created report loads with its id, version, projection and events unchanged."""
        p = projection(
            "received",
            number="LAP/JKT/2026/000001",
            office="JKT",
            reporter_phone="+6281234567890",
            reporter_user_id="ID.1234567890",
            received_at=T0,
            head_hash="ab" * 32,
            sla_deadline=T0.add(hours=3),
            sla_at_risk_from=T0.add(hours=1, minutes=30),
            sla_breached_from=T0.add(hours=3, microseconds=1),
            sla_paused=True,
            head_signature="c2lnbmF0dXJl" * 7,
            head_key_id="0123456789abcdef",
        )
        events: list[dict[str, Any]] = [
            {"seq": 1, "action": "submit", "text": "Aduan pungli 😀"},
            {"seq": 2, "n": 1.5},
        ]
        with storage.unit_of_work() as uow:
            assert uow.reports.append("r-1", 0, events, p) == 2
            uow.commit()
        stored = load(storage, "r-1")
        assert stored.report_id == "r-1"
        assert stored.version == 2
        assert stored.events == tuple(events)
        # The reporter's keys are kept as blind indexes: lookup keys, read back as None.
        assert stored.projection == attrs.evolve(p, reporter_phone=None, reporter_user_id=None)
        assert stored.projection.received_at is not None
        assert stored.projection.received_at.timezone_name == "UTC"

    # Each adapter's subclass runs this same method: differing executors are the design here.
    @settings(
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.differing_executors,
        ],
        deadline=None,
    )
    @given(events=st.lists(_EVENT, min_size=1, max_size=3))
    def test_any_json_events_come_back_equal(
        self, storage: Storage, events: list[dict[str, Any]]
    ) -> None:
        """Any JSON object events are stored and loaded back equal, in order."""
        rid = create(storage, events=events)
        assert load(storage, rid).events == tuple(events)

    def test_loaded_events_are_copies(self, storage: Storage) -> None:
        """Changing loaded events changes nothing stored."""
        rid = create(storage, events=[{"seq": 1, "items": [1]}])
        first = load(storage, rid)
        first.events[0]["items"].append(2)
        assert load(storage, rid).events == ({"seq": 1, "items": [1]},)

    def test_append_advances_the_version_by_the_events(self, storage: Storage) -> None:
        """Appending n events against the current version returns version + n and keeps order."""
        rid = create(storage)
        with storage.unit_of_work() as uow:
            version = uow.reports.append(rid, 1, [{"seq": 2}, {"seq": 3}], projection("received"))
            uow.commit()
        assert version == 3
        stored = load(storage, rid)
        assert [e["seq"] for e in stored.events] == [1, 2, 3]
        assert stored.projection.state == "received"

    def test_stale_version_conflicts_and_changes_nothing(self, storage: Storage) -> None:
        """Appending against a stale version raises ConcurrencyConflictError and changes nothing."""
        rid = create(storage)
        step(storage, rid, 1)
        with storage.unit_of_work() as uow:
            with pytest.raises(ConcurrencyConflictError) as info:
                uow.reports.append(rid, 1, [{"seq": 2, "late": True}], projection("late"))
            assert info.value.code == "concurrency_conflict"
            assert info.value.details["actual_version"] == 2
            uow.commit()
        stored = load(storage, rid)
        assert stored.version == 2
        assert stored.projection.state == "received"
        assert all("late" not in e for e in stored.events)

    def test_unit_of_work_stays_usable_after_a_refused_append(self, storage: Storage) -> None:
        """A conflict inside a unit of work does not undo its other changes."""
        rid = create(storage)
        with storage.unit_of_work() as uow:
            uow.reports.append("r-other", 0, [{"seq": 1}], projection())
            with pytest.raises(ConcurrencyConflictError):
                uow.reports.append(rid, 0, [{"seq": 1}], projection())
            uow.commit()
        assert load(storage, "r-other").version == 1
        assert load(storage, rid).version == 1

    def test_creating_an_existing_report_conflicts(self, storage: Storage) -> None:
        """Version 0 means 'create': it conflicts when the report already exists."""
        rid = create(storage)
        with storage.unit_of_work() as uow, pytest.raises(ConcurrencyConflictError):
            uow.reports.append(rid, 0, [{"seq": 1}], projection())
        assert load(storage, rid).version == 1

    def test_appending_to_a_missing_report_is_not_found(self, storage: Storage) -> None:
        """A version above 0 for an unknown report raises ReportNotFoundError."""
        with storage.unit_of_work() as uow, pytest.raises(ReportNotFoundError):
            uow.reports.append("ghost", 3, [{"seq": 4}], projection())

    @pytest.mark.parametrize(
        ("events", "code"),
        [
            ([], "no_events"),
            ({"seq": 1}, "not_json_object"),
            ([{"t": (1, 2)}], "not_json_object"),
            ([{"n": float("nan")}], "not_json_object"),
            ([{1: "int key"}], "not_json_object"),
            ([{"o": object()}], "not_json_object"),
            (["not an object"], "not_json_object"),
        ],
    )
    def test_events_that_would_not_read_back_are_refused(
        self, storage: Storage, events: list[dict[str, Any]], code: str
    ) -> None:
        """Events that are not JSON objects reading back equal are refused, storing nothing."""
        with storage.unit_of_work() as uow:
            with pytest.raises(StorageInputError) as info:
                uow.reports.append("r-bad", 0, events, projection())
            assert info.value.code == code
            assert isinstance(info.value, ValueError)
            uow.commit()
        with pytest.raises(ReportNotFoundError):
            load(storage, "r-bad")

    @pytest.mark.parametrize(
        ("report_id", "version"),
        [("", 0), ("x" * 201, 0), ("line\nbreak", 0), ("ok", -1), ("ok", True)],
    )
    def test_bad_ids_and_versions_are_refused(
        self, storage: Storage, report_id: str, version: Any
    ) -> None:
        """Empty, overlong or control-character ids and negative versions are refused."""
        with storage.unit_of_work() as uow, pytest.raises(StorageInputError):
            uow.reports.append(report_id, version, [{"seq": 1}], projection())

    # --- transactions -------------------------------------------------------------------------

    def test_leaving_without_commit_rolls_back(self, storage: Storage) -> None:
        """Changes of a unit of work left without commit() are discarded, outbox included."""
        with storage.unit_of_work() as uow:
            uow.reports.append("r-1", 0, [{"seq": 1}], projection())
            uow.outbox.put("k-1", {"to": "x"}, created_at=T0)
            uow.inbox.record("wamid.1", received_at=T0)
        with storage.unit_of_work(read_only=True) as uow:
            with pytest.raises(ReportNotFoundError):
                uow.reports.get("r-1")
            assert not uow.inbox.seen("wamid.1")
        with pytest.raises(OutboxMessageNotFoundError):
            storage.outbox.get("k-1")

    def test_an_exception_rolls_back(self, storage: Storage) -> None:
        """An exception inside the block rolls the unit of work back and propagates."""
        rid = create(storage)

        class Boom(Exception):
            pass

        def fail_mid_step() -> None:
            with storage.unit_of_work() as uow:
                uow.reports.append(rid, 1, [{"seq": 2}], projection("received"))
                raise Boom

        with pytest.raises(Boom):
            fail_mid_step()
        assert load(storage, rid).version == 1

    def test_rollback_then_commit_is_refused(self, storage: Storage) -> None:
        """After rollback() (or commit()) a unit of work refuses further use."""
        with storage.unit_of_work() as uow:
            uow.reports.append("r-1", 0, [{"seq": 1}], projection())
            uow.rollback()
            uow.rollback()
            with pytest.raises(StorageStateError) as info:
                uow.commit()
            assert info.value.code == "unit_of_work_finished"
        with storage.unit_of_work() as uow:
            uow.commit()
            with pytest.raises(StorageStateError):
                uow.reports.get("r-1")

    def test_a_unit_of_work_is_used_inside_its_with_block(self, storage: Storage) -> None:
        """A unit of work not entered with 'with' refuses reads and commits."""
        uow = storage.unit_of_work()
        for attempt in (lambda: uow.reports.get("r-1"), uow.commit):
            with pytest.raises(StorageStateError) as info:
                attempt()
            assert info.value.code == "unit_of_work_not_started"

    def test_reads_see_the_units_own_writes(self, storage: Storage) -> None:
        """Inside a unit of work, reads and queries see its uncommitted appends."""
        with storage.unit_of_work() as uow:
            uow.reports.append("r-1", 0, [{"seq": 1}], projection(number="N-1"))
            assert uow.reports.get("r-1").version == 1
            assert uow.reports.get_by_number("N-1").report_id == "r-1"
            assert [s.report_id for s in uow.reports.by_state("submitted").items] == ["r-1"]
            uow.commit()

    def test_read_only_refuses_every_change(self, storage: Storage) -> None:
        """A read-only unit of work refuses appends, numbers, outbox and inbox writes."""
        with storage.unit_of_work(read_only=True) as uow:
            attempts: list[Callable[[], Any]] = [
                lambda: uow.reports.append("r", 0, [{"seq": 1}], projection()),
                lambda: uow.reports.allocate_number("JKT", 2026),
                lambda: uow.outbox.put("k", {}, created_at=T0),
                lambda: uow.inbox.record("m", received_at=T0),
            ]
            for attempt in attempts:
                with pytest.raises(StorageStateError) as info:
                    attempt()
                assert info.value.code == "unit_of_work_read_only"

    def test_read_only_reads_one_snapshot(self, storage: Storage) -> None:
        """A read-only unit of work keeps reading the state it first saw, whatever commits later."""
        rid = create(storage)
        with storage.unit_of_work(read_only=True) as reader:
            assert reader.reports.get(rid).version == 1
            step(storage, rid, 1)
            assert reader.reports.get(rid).version == 1
        assert load(storage, rid).version == 2

    # --- numbers ------------------------------------------------------------------------------

    def test_numbers_count_per_office_and_year(self, storage: Storage) -> None:
        """allocate_number counts from 1 separately for each office and year."""
        with storage.unit_of_work() as uow:
            got = [
                uow.reports.allocate_number("JKT", 2026),
                uow.reports.allocate_number("JKT", 2026),
                uow.reports.allocate_number("BDG", 2026),
                uow.reports.allocate_number("JKT", 2027),
                uow.reports.allocate_number("JKT", 2026),
            ]
            uow.commit()
        assert got == [1, 2, 1, 1, 3]

    def test_rolled_back_numbers_are_given_back(self, storage: Storage) -> None:
        """A number allocated in a rolled-back unit of work is allocated again: no gaps."""
        with storage.unit_of_work() as uow:
            assert uow.reports.allocate_number("JKT", 2026) == 1
        with storage.unit_of_work() as uow:
            assert uow.reports.allocate_number("JKT", 2026) == 1
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.reports.allocate_number("JKT", 2026) == 2

    @pytest.mark.parametrize(("office", "year"), [("", 2026), ("JKT", 1800), ("JKT", "2026")])
    def test_bad_number_keys_are_refused(self, storage: Storage, office: str, year: Any) -> None:
        """An empty office or an implausible year is refused."""
        with storage.unit_of_work() as uow, pytest.raises(StorageInputError):
            uow.reports.allocate_number(office, year)

    def test_report_found_by_number_and_number_can_change(self, storage: Storage) -> None:
        """A report is found by its number; a new number replaces the old one in lookups."""
        rid = create(storage)
        with storage.unit_of_work() as uow:
            uow.reports.append(rid, 1, [{"seq": 2}], projection(number="N-1"))
            uow.commit()
        with storage.unit_of_work(read_only=True) as uow:
            assert uow.reports.get_by_number("N-1").report_id == rid
        with storage.unit_of_work() as uow:
            uow.reports.append(rid, 2, [{"seq": 3}], projection(number="N-2"))
            uow.commit()
        with storage.unit_of_work(read_only=True) as uow:
            assert uow.reports.get_by_number("N-2").version == 3
            with pytest.raises(ReportNotFoundError):
                uow.reports.get_by_number("N-1")

    def test_a_number_held_by_another_report_is_refused(self, storage: Storage) -> None:
        """Giving a report a number another report holds raises and changes nothing."""
        create(storage, "r-1", number="N-1")
        rid = create(storage, "r-2")
        with storage.unit_of_work() as uow:
            with pytest.raises(DuplicateReportNumberError) as info:
                uow.reports.append(rid, 1, [{"seq": 2}], projection(number="N-1"))
            assert info.value.field == "number"
            uow.commit()
        assert load(storage, rid).version == 1
        with pytest.raises(DuplicateReportNumberError):
            create(storage, "r-3", number="N-1")

    # --- queries ------------------------------------------------------------------------------

    def test_listing_pages_cover_everything_once_in_order(self, storage: Storage) -> None:
        """Following cursors lists every report once, in the order they were first stored."""
        ids = [create(storage, f"r-{i:02d}", office="JKT" if i % 2 else "BDG") for i in range(7)]
        step(storage, ids[0], 1)
        with storage.unit_of_work(read_only=True) as uow:
            got = every(lambda a: uow.reports.list_all(limit=3, after=a))
            jkt = every(lambda a: uow.reports.list_all(office="JKT", limit=2, after=a))
            last = uow.reports.list_all(limit=7)
        assert [s.report_id for s in got] == ids
        assert [s.report_id for s in jkt] == ids[1::2]
        assert last.next_cursor is None
        assert all(isinstance(s, ReportSummary) for s in got)
        assert got[0].version == 2

    def test_by_state_lists_only_that_state(self, storage: Storage) -> None:
        """by_state lists the reports whose current state is the one asked, per office too."""
        a = create(storage, office="JKT")
        b = create(storage, office="BDG")
        create(storage, state="closed", office="JKT")
        step(storage, a, 1, "received")
        with storage.unit_of_work(read_only=True) as uow:
            assert [s.report_id for s in uow.reports.by_state("submitted").items] == [b]
            assert [s.report_id for s in uow.reports.by_state("received").items] == [a]
            assert uow.reports.by_state("submitted", office="JKT").items == ()

    def test_personal_data_is_kept_apart_and_erased(self, storage: Storage) -> None:
        """An event's ``personal_data`` loads back whole until erase_personal deletes it: the rest
        of the events stay byte for byte, the reporter is no longer found, the report's
        notifications keep no payload, and a second erasure deletes nothing."""
        digest, shared = "ab" * 32, "cd" * 32
        vault = {
            "salt": "AAAAAAAAAAAAAAAAAAAAAA==",
            "values": {
                "actor_id": "+6281234567890",
                "payload": {
                    "details": {"name": "Budi Santoso", "nik": "3171010101900001"},
                    "evidence": [{"sha256": digest}, {"sha256": shared}],
                },
            },
        }
        events: list[dict[str, Any]] = [
            {"action": "submit", "seq": 1, "personal": "ef" * 32, "personal_data": vault},
            {"action": "receive", "seq": 2},
        ]
        other = {**vault, "values": {"payload": {"evidence": [{"sha256": shared}]}}}
        rid = create(storage, events=events, reporter_phone="+6281234567890")
        keep = create(storage, events=[{"action": "submit", "seq": 1, "personal_data": other}])
        wamid = "wamid.HBgNNjI4MTIzNDU2Nzg5MBUCABIYFDNBMDAwMDAwMDAwMDAwMDAwMDAA"
        with storage.unit_of_work() as uow:
            uow.outbox.put("n1", {"recipient": "+6281234567890"}, created_at=T0, report_id=rid)
            assert uow.inbox.record(wamid, received_at=T0, report_id=rid)
            uow.commit()
        assert list(load(storage, rid).events) == events
        with storage.unit_of_work() as uow:
            assert [s.report_id for s in uow.reports.by_reporter(phone="+6281234567890").items] == [
                rid
            ]
            erased = uow.reports.erase_personal(rid)
            uow.commit()
        assert (erased.entries, erased.orphaned_evidence) == (1, (digest,))
        stored = load(storage, rid)
        assert list(stored.events) == [
            {k: v for k, v in events[0].items() if k != "personal_data"},
            events[1],
        ]
        assert load(storage, keep).events[0]["personal_data"] == other
        with storage.unit_of_work() as uow:
            # The inbox still knows the message (a redelivery is not taken again), by its index.
            assert uow.inbox.seen(wamid)
            assert uow.inbox.report_of(wamid) == rid
            assert not uow.inbox.record(wamid, received_at=T0, report_id=rid)
            assert uow.reports.by_reporter(phone="+6281234567890").items == ()
            assert uow.reports.erase_personal(rid).entries == 0
            with pytest.raises(ReportNotFoundError):
                uow.reports.erase_personal("no-such-report")
            uow.commit()
        message = storage.outbox.get("n1")
        assert message.payload == {"erased": True}
        assert (message.status.value, message.last_error) == ("dead", "personal_data_erased")
        with pytest.raises(OutboxStateError) as refused:
            storage.outbox.retry("n1", at=T0)
        assert refused.value.code == "message_erased"
        with storage.unit_of_work() as uow:
            gone = uow.reports.erase_personal(keep)
            uow.commit()
        assert gone.orphaned_evidence == (shared,)

    def test_by_reporter_matches_phone_or_user_id(self, storage: Storage) -> None:
        """by_reporter finds reports by E.164 number, by WhatsApp user id, or by either."""
        by_phone = create(storage, reporter_phone="+6281234567890")
        by_user = create(storage, reporter_user_id="ID.777")
        both = create(storage, reporter_phone="+6281234567890", reporter_user_id="ID.777")
        create(storage, reporter_phone="+6289999999999")
        with storage.unit_of_work(read_only=True) as uow:
            phone = uow.reports.by_reporter(phone="+6281234567890").items
            user = uow.reports.by_reporter(user_id="ID.777").items
            either = uow.reports.by_reporter(phone="+6281234567890", user_id="ID.777").items
        assert [s.report_id for s in phone] == [by_phone, both]
        assert [s.report_id for s in user] == [by_user, both]
        assert [s.report_id for s in either] == [by_phone, by_user, both]

    @pytest.mark.parametrize(
        ("kwargs", "code"),
        [
            ({}, "missing_reporter_key"),
            ({"phone": "081234567890"}, "invalid_phone_number"),
            ({"phone": "+62 812"}, "invalid_phone_number"),
            ({"user_id": ""}, "invalid_text"),
        ],
    )
    def test_bad_reporter_queries_are_refused(
        self, storage: Storage, kwargs: dict[str, Any], code: str
    ) -> None:
        """A reporter query needs an E.164 number or a user id."""
        with storage.unit_of_work(read_only=True) as uow, pytest.raises(StorageInputError) as info:
            uow.reports.by_reporter(**kwargs)
        assert info.value.code == code

    def test_sla_queries_compare_the_given_instants(self, storage: Storage) -> None:
        """at_risk is [at_risk_from, breached_from), breached is from breached_from on."""
        risk = T0.add(hours=1, minutes=30)
        breach = T0.add(hours=3, microseconds=1)
        both = create(storage, sla_at_risk_from=risk, sla_breached_from=breach, office="JKT")
        risk_only = create(storage, sla_at_risk_from=risk, sla_paused=True)
        breach_only = create(storage, sla_breached_from=breach)
        create(storage, sla_deadline=breach, sla_stopped=True)

        def ids(page: Any) -> list[str]:
            return [s.report_id for s in page.items]

        with storage.unit_of_work(read_only=True) as uow:
            r = uow.reports
            assert ids(r.at_risk(risk.subtract(microseconds=1))) == []
            assert ids(r.at_risk(risk)) == [both, risk_only]
            assert ids(r.at_risk(breach.subtract(microseconds=1))) == [both, risk_only]
            assert ids(r.breached(breach.subtract(microseconds=1))) == []
            assert ids(r.at_risk(breach)) == [risk_only]
            assert ids(r.breached(breach)) == [both, breach_only]
            assert ids(r.breached(breach.add(days=1), office="JKT")) == [both]
            assert ids(r.at_risk(risk.in_timezone("Asia/Jayapura"))) == [both, risk_only]

    def test_sla_due_is_the_union_of_at_risk_and_breached_as_ids_and_instants(
        self, storage: Storage
    ) -> None:
        """sla_due lists what at_risk and breached list, in storage order, with both instants."""
        risk = T0.add(hours=1, minutes=30)
        breach = T0.add(hours=3, microseconds=1)
        both = create(storage, sla_at_risk_from=risk, sla_breached_from=breach, office="JKT")
        risk_only = create(storage, sla_at_risk_from=risk, sla_paused=True, office="JKT")
        create(storage, sla_at_risk_from=risk, sla_breached_from=breach, office="BDG")
        breach_only = create(storage, sla_breached_from=breach, office="JKT")
        create(storage, sla_deadline=breach, sla_stopped=True, office="JKT")
        later = create(
            storage,
            sla_at_risk_from=breach.add(days=1),
            sla_breached_from=breach.add(days=2),
            office="JKT",
        )

        def listed(at: pendulum.DateTime) -> list[str]:
            with storage.unit_of_work(read_only=True) as uow:
                r = uow.reports
                risky = every(lambda x: r.at_risk(at, after=x, office="JKT"))
                late = every(lambda x: r.breached(at, after=x, office="JKT"))
                union = {s.report_id for s in [*risky, *late]}
                due = r.sla_due(at, office="JKT")
            assert {d.report_id for d in due} == union
            return [d.report_id for d in due]

        assert listed(risk.subtract(microseconds=1)) == []
        assert listed(risk) == [both, risk_only]
        assert listed(breach) == [both, risk_only, breach_only]
        assert listed(breach.add(days=1)) == [both, risk_only, breach_only, later]
        assert listed(risk.in_timezone("Asia/Jayapura")) == [both, risk_only]
        with storage.unit_of_work(read_only=True) as uow:
            due = uow.reports.sla_due(breach)
            assert len(due) == 4  # every office's
            first = uow.reports.sla_due(breach, office="JKT")[0]
            assert isinstance(first, SlaDue)
            assert (first.at_risk_from, first.breached_from) == (risk, breach)
            assert first.at_risk_from is not None
            assert first.at_risk_from.utcoffset() is not None
            assert first.is_breached(breach)
            assert not first.is_breached(breach.subtract(microseconds=1))
            with pytest.raises(NaiveDatetimeError):
                uow.reports.sla_due(dt.datetime(2026, 1, 1))  # type: ignore[arg-type]  # noqa: DTZ001 - naive on purpose
            with pytest.raises(StorageInputError):
                uow.reports.sla_due(breach, office="")

    def test_sla_due_sees_the_units_own_appends(self, storage: Storage) -> None:
        """A report appended in the unit of work is in its sla_due; rolled back, it is gone."""
        with storage.unit_of_work() as uow:
            uow.reports.append("r-due", 0, [{"seq": 1}], projection(sla_breached_from=T0))
            assert [d.report_id for d in uow.reports.sla_due(T0)] == ["r-due"]
        with storage.unit_of_work(read_only=True) as uow:
            assert uow.reports.sla_due(T0) == ()

    def test_listing_filters_by_state_kind_openness_and_deadline(self, storage: Storage) -> None:
        """list_all's filters each hold: state, kind, open only, deadline before an instant."""
        due = T0.add(hours=3)
        a = create(storage, office="JKT", kind="aduan", sla_deadline=due)
        b = create(
            storage,
            state="received",
            office="JKT",
            kind="permohonan_informasi",
            sla_deadline=due.add(days=1),
        )
        c = create(storage, office="JKT", kind="aduan", sla_deadline=due, sla_stopped=True)
        create(storage, office="BDG", kind="aduan", sla_deadline=due)

        def ids(**kw: Any) -> list[str]:
            with storage.unit_of_work(read_only=True) as uow:
                pages = every(lambda x: uow.reports.list_all(office="JKT", limit=2, after=x, **kw))
                return [s.report_id for s in pages]

        assert ids() == [a, b, c]
        assert ids(kind="aduan") == [a, c]
        assert ids(state="received") == [b]
        assert ids(open_only=True) == [a, b]
        assert ids(due_before=due.add(microseconds=1)) == [a]
        assert ids(due_before=due) == []
        assert ids(kind="aduan", open_only=True) == [a]
        with storage.unit_of_work(read_only=True) as uow:
            assert uow.reports.get(a).projection.kind == "aduan"
            with pytest.raises(NaiveDatetimeError):
                uow.reports.list_all(due_before=dt.datetime(2026, 1, 1))  # noqa: DTZ001 - naive on purpose

    def test_stale_projections_are_the_open_ones_of_another_calendar(
        self, storage: Storage
    ) -> None:
        """stale_projections lists the open reports of the office whose calendar fingerprint
        differs from the one given or is unknown (NULL), in order; the fingerprint reads back."""
        now, old = "a" * 64, "b" * 64
        current = create(storage, office="JKT", calendar_fingerprint=now)
        other = create(storage, office="JKT", calendar_fingerprint=old)
        unknown = create(storage, office="JKT")
        create(storage, office="JKT", calendar_fingerprint=old, sla_stopped=True)
        create(storage, office="BDG", calendar_fingerprint=old)

        def ids(fingerprint: str, office: str | None = "JKT") -> list[str]:
            with storage.unit_of_work(read_only=True) as uow:
                pages = every(
                    lambda x: uow.reports.stale_projections(
                        fingerprint, office=office, limit=1, after=x
                    )
                )
                return [s.report_id for s in pages]

        assert ids(now) == [other, unknown]
        assert ids(old) == [current, unknown]
        assert len(ids(now, office=None)) == 3
        assert load(storage, current).projection.calendar_fingerprint == now
        with storage.unit_of_work() as uow:
            uow.reports.append(other, 1, [], projection(office="JKT", calendar_fingerprint=now))
            uow.commit()
        assert ids(now) == [unknown]
        with storage.unit_of_work(read_only=True) as uow, pytest.raises(StorageInputError):
            uow.reports.stale_projections("")

    def test_received_between_is_half_open_per_office_with_events(self, storage: Storage) -> None:
        """received_between lists the office's reports received in [start, end), in stored
        order, each with all its events; one without received_at is never listed; a reversed
        span is refused."""
        start, end = T0, T0.add(days=1)
        first = create(storage, office="JKT", received_at=start)
        with storage.unit_of_work() as uow:
            again = projection("received", office="JKT", received_at=start)
            uow.reports.append(first, 1, [{"action": "receive", "seq": 2}], again)
            uow.commit()
        create(storage, office="JKT", received_at=end)
        create(storage, office="JKT", received_at=start.subtract(microseconds=1))
        create(storage, office="JKT")
        create(storage, office="BDG", received_at=start)
        last = create(storage, office="JKT", received_at=end.subtract(microseconds=1))

        def found(office: str | None = "JKT") -> list[ReportEvents]:
            with storage.unit_of_work(read_only=True) as uow:
                return every(
                    lambda x: uow.reports.received_between(
                        start.in_timezone("Asia/Makassar"), end, office=office, limit=1, after=x
                    )
                )

        reports = found()
        assert [r.report_id for r in reports] == [first, last]
        assert [len(r.events) for r in reports] == [2, 1]
        assert reports[0].events == load(storage, first).events
        assert len(found(office=None)) == 3
        with storage.unit_of_work(read_only=True) as uow:
            assert uow.reports.received_between(start, start, office="JKT").items == ()
            with pytest.raises(StorageInputError):
                uow.reports.received_between(end, start)
            with pytest.raises(NaiveDatetimeError):
                uow.reports.received_between(dt.datetime(2026, 1, 1), end)  # noqa: DTZ001 - naive on purpose

    def test_received_timelines_are_the_event_rows_of_received_between(
        self, storage: Storage
    ) -> None:
        """received_timelines lists the same reports as received_between, page by page, each
        with exactly the event rows event_row reads from its events (values from the payload,
        None where absent); a reversed span is refused."""
        start, end = T0, T0.add(days=1)
        first = create(storage, office="JKT", received_at=start)
        events = [
            {
                "action": "close",
                "to_state": "closed",
                "at": "2026-01-05T02:00:00.5Z",
                "recorded_at": "2026-01-05T02:00:01Z",
                "actor_role": "officer",
                "payload": {"reason": "spam", "note": "x"},
                "seq": 2,
            },
            {"action": "rate", "seq": 3, "payload": {"rating": 4}},
            {"action": "correct_kind", "seq": 4, "payload": {"kind": "aduan"}},
        ]
        with storage.unit_of_work() as uow:
            again = projection("closed", office="JKT", received_at=start)
            uow.reports.append(first, 1, events, again)
            uow.commit()
        create(storage, office="JKT", received_at=end)
        create(storage, office="BDG", received_at=start)
        last = create(storage, office="JKT", received_at=end.subtract(microseconds=1))

        def both(office: str | None) -> tuple[list[ReportEvents], list[ReportTimeline]]:
            with storage.unit_of_work(read_only=True) as uow:
                return every(
                    lambda x: uow.reports.received_between(
                        start, end, office=office, limit=1, after=x
                    )
                ), every(
                    lambda x: uow.reports.received_timelines(
                        start, end, office=office, limit=1, after=x
                    )
                )

        for office in ("JKT", None):
            whole, narrow = both(office)
            assert [r.report_id for r in narrow] == [r.report_id for r in whole]
            for w, n in zip(whole, narrow, strict=True):
                assert [tuple(row) for row in n.rows] == [event_row(e) for e in w.events]
        _, narrow = both("JKT")
        assert [r.report_id for r in narrow] == [first, last]
        assert tuple(narrow[0].rows[1]) == (
            "close",
            "closed",
            "2026-01-05T02:00:00.5Z",
            "2026-01-05T02:00:01Z",
            "officer",
            None,
            None,
            "spam",
            None,
        )
        assert "rows=<4 events>" in repr(narrow[0])
        with storage.unit_of_work(read_only=True) as uow, pytest.raises(StorageInputError):
            uow.reports.received_timelines(end, start)

    def test_audit_records_append_beside_the_stream(self, storage: Storage) -> None:
        """Audit records are appended in order, commit with the unit of work, leave the version
        and events alone, and need a stored report."""
        rid = create(storage)
        with storage.unit_of_work() as uow:
            assert uow.reports.add_audit_record(rid, {"kind": "a", "n": [1]}, recorded_at=T0) == 1
            uow.rollback()
        with storage.unit_of_work() as uow:
            assert uow.reports.add_audit_record(rid, {"kind": "a"}, recorded_at=T0) == 1
            later = T0.add(minutes=1).in_timezone("Asia/Makassar")
            assert uow.reports.add_audit_record(rid, {"kind": "b"}, recorded_at=later) == 2
            uow.commit()
        with storage.unit_of_work(read_only=True) as uow:
            records = uow.reports.audit_records(rid)
            assert records == (
                {"kind": "a", "seq": 1, "recorded_at": T0.in_timezone("UTC").isoformat()},
                {"kind": "b", "seq": 2, "recorded_at": later.in_timezone("UTC").isoformat()},
            )
            assert uow.reports.audit_records("r-none") == ()
            with pytest.raises(StorageStateError):
                uow.reports.add_audit_record(rid, {"kind": "c"}, recorded_at=T0)
        assert load(storage, rid).version == 1
        with storage.unit_of_work() as uow:
            with pytest.raises(ReportNotFoundError):
                uow.reports.add_audit_record("r-none", {"kind": "c"}, recorded_at=T0)
            with pytest.raises(StorageInputError):
                uow.reports.add_audit_record(rid, {"bad": (1, 2)}, recorded_at=T0)
            with pytest.raises(NaiveDatetimeError):
                uow.reports.add_audit_record(rid, {"kind": "c"}, recorded_at=T0.naive())

    def test_outbox_and_inbox_rows_keep_their_office(self, storage: Storage) -> None:
        """Outbox messages carry their office; claims, listings, counts and dead letters filter
        on it; the inbox records the office beside the message id."""
        with storage.unit_of_work() as uow:
            uow.outbox.put("j1", {"n": 1}, created_at=T0, office="JKT")
            uow.outbox.put("b1", {"n": 2}, created_at=T0, office="BDG")
            uow.outbox.put("j2", {"n": 3}, created_at=T0.add(minutes=1), office="JKT")
            assert uow.inbox.record("wamid.J", received_at=T0, office="JKT")
            uow.commit()
        out = storage.outbox
        assert out.get("b1").office == "BDG"
        assert [m.key for m in out.list(office="JKT").items] == ["j1", "j2"]
        assert [m.key for m in out.list().items] == ["j1", "b1", "j2"]
        assert out.counts(office="BDG")[OutboxStatus.PENDING] == 1
        assert [m.key for m in out.claim_due(T0.add(hours=1), office="BDG")] == ["b1"]
        assert [m.key for m in out.claim_due(T0.add(hours=1), office="BDG")] == []
        out.mark_failed("j1", at=T0, error="e", next_attempt_at=None, max_attempts=1)
        assert [m.key for m in out.dead_letters(office="JKT").items] == ["j1"]
        assert out.dead_letters(office="BDG").items == ()
        assert [m.key for m in out.list(status=OutboxStatus.DEAD).items] == ["j1"]
        assert [m.key for m in every(lambda x: out.list(limit=1, after=x))] == ["j1", "b1", "j2"]
        with pytest.raises(StorageInputError):
            out.list(status="lost")  # type: ignore[arg-type]
        with storage.unit_of_work(read_only=True) as uow:
            assert uow.inbox.seen("wamid.J")

    def test_outbox_lists_one_reports_messages(self, storage: Storage) -> None:
        """list(report_id=...) gives that report's messages only, in the order put, across
        pages and with the other filters; an unknown report gives none; a bad id is refused."""
        with storage.unit_of_work() as uow:
            uow.outbox.put("a1", {"n": 1}, created_at=T0, report_id="r-a", office="JKT")
            uow.outbox.put("b1", {"n": 2}, created_at=T0, report_id="r-b", office="JKT")
            uow.outbox.put("x1", {"n": 3}, created_at=T0)
            uow.outbox.put("a2", {"n": 4}, created_at=T0, report_id="r-a", office="JKT")
            uow.outbox.put("a3", {"n": 5}, created_at=T0, report_id="r-a", office="BDG")
            uow.commit()
        out = storage.outbox
        out.mark_failed("a2", at=T0, error="e", next_attempt_at=None, max_attempts=1)
        assert [m.key for m in out.list(report_id="r-a").items] == ["a1", "a2", "a3"]
        assert all(m.report_id == "r-a" for m in out.list(report_id="r-a").items)
        assert [m.key for m in out.list(report_id="r-a", office="JKT").items] == ["a1", "a2"]
        dead = out.list(report_id="r-a", status=OutboxStatus.DEAD).items
        assert [m.key for m in dead] == ["a2"]
        paged = every(lambda x: out.list(report_id="r-a", limit=1, after=x))
        assert [m.key for m in paged] == ["a1", "a2", "a3"]
        assert out.list(report_id="r-none").items == ()
        assert out.list(report_id="r-none").next_cursor is None
        for bad in ("", " ", "x" * 1000, "a\nb"):
            with pytest.raises(StorageInputError):
                out.list(report_id=bad)

    @settings(
        max_examples=20,
        deadline=None,
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.differing_executors,
        ],
    )
    @given(
        owners=st.lists(st.sampled_from(["r-1", "r-2", "r-3", None]), min_size=0, max_size=12),
        limit=st.integers(min_value=1, max_value=4),
    )
    def test_outbox_report_filter_agrees_with_a_scan(
        self, storage_factory: StorageFactory, owners: list[str | None], limit: int
    ) -> None:
        """For any outbox, the report filter lists exactly the messages a whole scan finds
        with that report id, in the same order."""
        storage = storage_factory()
        with storage.unit_of_work() as uow:
            for i, owner in enumerate(owners):
                uow.outbox.put(f"k{i}", {"i": i}, created_at=T0, report_id=owner)
            uow.commit()
        scan = every(lambda x: storage.outbox.list(limit=limit, after=x))
        for rid in ("r-1", "r-2", "r-3"):

            def of_report(after: str | None, rid: str = rid) -> Page[OutboxMessage]:
                return storage.outbox.list(report_id=rid, limit=limit, after=after)

            got = every(of_report)
            assert [m.key for m in got] == [m.key for m in scan if m.report_id == rid]

    # --- retention runs ---------------------------------------------------------------------

    def test_retention_runs_are_recorded_and_listed_newest_first(self, storage: Storage) -> None:
        """Recorded runs come back whole with increasing ids, newest first, per office and
        paged by ``before``."""
        runs = storage.retention_runs
        assert runs.recent() == []
        first = RetentionRun(
            started_at=T0,
            finished_at=T0.add(seconds=3),
            actor_id="staf-1",
            dry_run=True,
            policy={"personal_data_days": 730, "evidence_days": 365},
            counts={"due": 2, "held": 1, "erased": 0},
            reports=({"report_id": "r-1", "number": "LAP/JKT/2026/000001"},),
            office="JKT",
        )
        second = attrs.evolve(first, dry_run=False, office="BDG", reports=(), counts={"due": 0})
        third = attrs.evolve(first, started_at=T0.add(days=1), finished_at=T0.add(days=1))
        ids = [runs.record(r) for r in (first, second, third)]
        assert ids == sorted(ids)
        assert len(set(ids)) == 3
        got = runs.recent()
        assert [r.run_id for r in got] == ids[::-1]
        assert got[2] == attrs.evolve(first, run_id=ids[0])
        assert got[2].started_at == T0
        assert got[2].started_at.tzinfo is not None
        assert [r.run_id for r in runs.recent(office="JKT")] == [ids[2], ids[0]]
        assert [r.run_id for r in runs.recent(limit=1)] == [ids[2]]
        assert [r.run_id for r in runs.recent(before=ids[2], limit=1)] == [ids[1]]
        assert runs.recent(office="XYZ") == []

    def test_bad_retention_runs_are_refused_and_change_nothing(self, storage: Storage) -> None:
        """A run that is not a RetentionRun, or whose values are not JSON, is refused; bad
        pages are refused; nothing is recorded."""
        runs = storage.retention_runs
        good = RetentionRun(
            started_at=T0, finished_at=T0, actor_id="system", dry_run=True, policy={}, counts={}
        )
        with pytest.raises(LayananAduanError):
            runs.record({"actor_id": "x"})  # type: ignore[arg-type]
        with pytest.raises(StorageInputError):
            runs.record(attrs.evolve(good, policy={"days": float("nan")}))
        with pytest.raises(StorageInputError):
            runs.record(attrs.evolve(good, reports=({"at": T0},)))
        with pytest.raises(StorageInputError):
            RetentionRun(
                started_at=T0,
                finished_at=T0,
                actor_id="x",
                dry_run=True,
                policy={},
                counts={"a": -1},
            )
        with pytest.raises(NaiveDatetimeError):
            RetentionRun(
                started_at=T0.naive(),
                finished_at=T0,
                actor_id="x",
                dry_run=True,
                policy={},
                counts={},
            )
        for limit in (0, -1, MAX_PAGE_SIZE + 1, True):
            with pytest.raises(StorageInputError):
                runs.recent(limit=limit)
        assert runs.recent() == []

    def test_sla_instants_must_be_in_order(self, storage: Storage) -> None:
        """A projection at risk only after it is breached is refused."""
        with pytest.raises(StorageInputError) as info:
            projection(sla_at_risk_from=T0.add(hours=2), sla_breached_from=T0.add(hours=1))
        assert info.value.code == "invalid_sla_instants"

    def test_no_events_only_replaces_the_projection(self, storage: Storage) -> None:
        """Appending no events keeps the version and history but replaces the projection."""
        rid = create(storage)
        step(storage, rid, 1)
        with storage.unit_of_work() as uow:
            assert uow.reports.append(rid, 2, [], projection(number="N-9")) == 2
            with pytest.raises(ConcurrencyConflictError):
                uow.reports.append(rid, 1, [], projection(number="N-8"))
            uow.commit()
        stored = load(storage, rid)
        assert (stored.version, stored.projection.number) == (2, "N-9")
        assert len(stored.events) == 2

    def test_naive_instants_are_refused(self, storage: Storage) -> None:
        """SLA queries and outbox instants refuse naive datetimes."""
        naive = T0.naive()
        with storage.unit_of_work() as uow:
            with pytest.raises(NaiveDatetimeError):
                uow.reports.at_risk(naive)
            with pytest.raises(NaiveDatetimeError):
                uow.outbox.put("k", {}, created_at=naive)

    @pytest.mark.parametrize("limit", [0, -1, 1001, True, 2.5])
    def test_bad_page_sizes_are_refused(self, storage: Storage, limit: Any) -> None:
        """A page size outside 1..1000 is refused."""
        with storage.unit_of_work(read_only=True) as uow, pytest.raises(StorageInputError) as info:
            uow.reports.list_all(limit=limit)
        assert info.value.code == "invalid_limit"

    @pytest.mark.parametrize("cursor", ["", "p0", "42", "p-1", "x1", "p1.5"])
    def test_bad_cursors_are_refused(self, storage: Storage, cursor: str) -> None:
        """A cursor not produced by the storage is refused."""
        with storage.unit_of_work(read_only=True) as uow, pytest.raises(StorageInputError) as info:
            uow.reports.by_state("submitted", after=cursor)
        assert info.value.code == "invalid_cursor"

    # --- outbox -------------------------------------------------------------------------------

    def test_outbox_messages_commit_with_the_step(self, storage: Storage) -> None:
        """Messages put in a unit of work exist after its commit, with their payload and report."""
        with storage.unit_of_work() as uow:
            uow.reports.append("r-1", 0, [{"seq": 1}], projection())
            assert uow.outbox.put(
                "ack:r-1", {"to": "+628", "text": "Diterima"}, created_at=T0, report_id="r-1"
            )
            uow.commit()
        message = storage.outbox.get("ack:r-1")
        assert message.payload == {"to": "+628", "text": "Diterima"}
        assert message.report_id == "r-1"
        assert message.status is OutboxStatus.PENDING
        assert message.attempts == 0
        assert message.created_at == T0
        assert message.next_attempt_at == T0
        assert "+628" not in repr(message)

    def test_outbox_put_is_idempotent_per_key(self, storage: Storage) -> None:
        """The same key and payload again is a no-op; a different payload is refused."""
        with storage.unit_of_work() as uow:
            assert uow.outbox.put("k", {"a": 1}, created_at=T0)
            uow.commit()
        with storage.unit_of_work() as uow:
            assert not uow.outbox.put("k", {"a": 1}, created_at=T0.add(hours=1))
            with pytest.raises(IdempotencyKeyConflictError):
                uow.outbox.put("k", {"a": 2}, created_at=T0)
            uow.commit()
        assert storage.outbox.get("k").payload == {"a": 1}
        assert storage.outbox.counts()[OutboxStatus.PENDING] == 1

    def test_stored_keys_finds_the_given_keys_in_bulk(self, storage: Storage) -> None:
        """stored_keys answers which keys exist, whatever their status, as get does one by one."""
        with storage.unit_of_work() as uow:
            for i in range(2000):
                uow.outbox.put(f"k{i}", {"i": i}, created_at=T0, office="JKT" if i else None)
            uow.commit()
        storage.outbox.mark_sent("k1", at=T0)
        storage.outbox.mark_failed("k2", at=T0, error="gone", next_attempt_at=None, max_attempts=1)
        wanted = [f"k{i}" for i in range(0, 4000, 3)] + ["k1", "k2", "k1", "nope"]
        found = storage.outbox.stored_keys(iter(wanted))
        assert found == {k for k in wanted if k.startswith("k") and int(k[1:]) < 2000}
        assert {"k1", "k2"} <= found
        assert storage.outbox.stored_keys([]) == frozenset()
        assert storage.outbox.stored_keys(["nope"]) == frozenset()
        for key in ("k0", "k1", "k2"):
            assert storage.outbox.get(key).key in found
        with pytest.raises(StorageInputError):
            storage.outbox.stored_keys(["k0", ""])
        with pytest.raises(TypeError):
            storage.outbox.stored_keys("k0")

    def test_claims_lease_due_messages_oldest_first(self, storage: Storage) -> None:
        """claim_due hands out due messages in due order and not again until the lease ends."""
        with storage.unit_of_work() as uow:
            uow.outbox.put("later", {}, created_at=T0, not_before=T0.add(minutes=10))
            uow.outbox.put("first", {}, created_at=T0)
            uow.outbox.put("second", {}, created_at=T0.add(seconds=1))
            uow.commit()
        out = storage.outbox
        first = out.claim_due(T0.add(minutes=1), limit=10, lease_seconds=3600)
        assert [m.key for m in first] == ["first", "second"]
        assert out.claim_due(T0.add(minutes=2)) == []
        claimed = out.claim_due(T0.add(minutes=10), lease_seconds=60)
        assert [m.key for m in claimed] == ["later"]
        assert claimed[0].claimed_until == T0.add(minutes=11)
        # The first two leases end at 1:01; "later" is due again after its lease (0:11).
        again = out.claim_due(T0.add(minutes=61), limit=10)
        assert [m.key for m in again] == ["first", "second", "later"]

    def test_failures_retry_then_dead_letter(self, storage: Storage) -> None:
        """mark_failed schedules the next attempt; failure number max_attempts dead-letters."""
        with storage.unit_of_work() as uow:
            uow.outbox.put("k", {}, created_at=T0)
            uow.commit()
        out = storage.outbox
        first = out.mark_failed(
            "k", at=T0, error="HTTP 503", next_attempt_at=T0.add(minutes=1), max_attempts=2
        )
        assert (first.status, first.attempts, first.last_error) == (
            OutboxStatus.PENDING,
            1,
            "HTTP 503",
        )
        assert out.claim_due(T0.add(seconds=30)) == []
        assert [m.key for m in out.claim_due(T0.add(minutes=1))] == ["k"]
        dead = out.mark_failed(
            "k", at=T0, error="x" * 5000, next_attempt_at=T0.add(minutes=2), max_attempts=2
        )
        assert (dead.status, dead.attempts) == (OutboxStatus.DEAD, 2)
        assert dead.last_error is not None
        assert len(dead.last_error) == 1000
        assert out.claim_due(T0.add(days=1)) == []
        assert [m.key for m in out.dead_letters().items] == ["k"]
        again = out.retry("k", at=T0.add(hours=1))
        assert (again.status, again.attempts) == (OutboxStatus.PENDING, 0)
        assert [m.key for m in out.claim_due(T0.add(hours=1))] == ["k"]
        assert out.mark_sent("k", at=T0.add(hours=1)).status is OutboxStatus.SENT
        assert out.counts() == {OutboxStatus.PENDING: 0, OutboxStatus.SENT: 1, OutboxStatus.DEAD: 0}

    def test_no_next_attempt_dead_letters_at_once(self, storage: Storage) -> None:
        """A failure without a next attempt (a permanent error) dead-letters the message."""
        with storage.unit_of_work() as uow:
            uow.outbox.put("k", {}, created_at=T0)
            uow.commit()
        dead = storage.outbox.mark_failed(
            "k", at=T0, error="invalid recipient", next_attempt_at=None, max_attempts=9
        )
        assert (dead.status, dead.attempts) == (OutboxStatus.DEAD, 1)

    def test_outbox_transitions_are_checked(self, storage: Storage) -> None:
        """Retrying a live message is refused; mark_sent may repeat; failing a sent one is moot."""
        with storage.unit_of_work() as uow:
            uow.outbox.put("k", {}, created_at=T0)
            uow.commit()
        out = storage.outbox
        with pytest.raises(OutboxStateError) as info:
            out.retry("k", at=T0)
        assert info.value.code == "outbox_invalid_transition"
        sent = out.mark_sent("k", at=T0.add(minutes=1))
        assert out.mark_sent("k", at=T0.add(minutes=5)).sent_at == sent.sent_at == T0.add(minutes=1)
        late = out.mark_failed("k", at=T0, error="late", next_attempt_at=None, max_attempts=1)
        assert late == out.get("k") == sent
        with pytest.raises(OutboxMessageNotFoundError) as missing:
            out.mark_sent("nope", at=T0)
        assert isinstance(missing.value, LookupError)
        with pytest.raises(StorageInputError):
            out.mark_failed("k", at=T0, error="e", next_attempt_at=None, max_attempts=0)
        with pytest.raises(StorageInputError):
            out.claim_due(T0, lease_seconds=0)

    def test_failing_a_dead_letter_without_a_claim_is_refused(self, storage: Storage) -> None:
        """An operator's mark_failed on a dead letter raises OutboxStateError, changing nothing."""
        with storage.unit_of_work() as uow:
            uow.outbox.put("k", {}, created_at=T0)
            uow.commit()
        out = storage.outbox
        dead = out.mark_failed("k", at=T0, error="e", next_attempt_at=None, max_attempts=1)
        with pytest.raises(OutboxStateError) as info:
            out.mark_failed("k", at=T0, error="again", next_attempt_at=None, max_attempts=1)
        assert info.value.code == "outbox_invalid_transition"
        assert out.get("k") == dead

    def test_each_claim_has_its_own_token(self, storage: Storage) -> None:
        """One claim_due call gives its messages one new token; a later claim gives another."""
        with storage.unit_of_work() as uow:
            uow.outbox.put("a", {}, created_at=T0)
            uow.outbox.put("b", {}, created_at=T0)
            uow.commit()
        out = storage.outbox
        assert out.get("a").claim_token is None
        first = out.claim_due(T0, lease_seconds=60)
        tokens = {m.claim_token for m in first}
        assert len(tokens) == 1
        assert None not in tokens
        assert [out.get(k).claim_token for k in ("a", "b")] == [m.claim_token for m in first]
        again = out.claim_due(T0.add(minutes=1), lease_seconds=60)
        assert [m.key for m in again] == ["a", "b"]
        assert again[0].claim_token not in tokens

    def test_renew_extends_only_the_holders_lease(self, storage: Storage) -> None:
        """renew is True and keeps others out while the claim holds; False once another claimed."""
        with storage.unit_of_work() as uow:
            uow.outbox.put("k", {}, created_at=T0)
            uow.commit()
        out = storage.outbox
        [mine] = out.claim_due(T0, lease_seconds=60)
        assert mine.claim_token is not None
        # Past the lease, but nobody claimed it since: the holder may still renew.
        assert out.renew("k", claim=mine.claim_token, at=T0.add(seconds=90), lease_seconds=60)
        renewed = out.get("k")
        assert renewed.claimed_until == T0.add(seconds=150)
        assert renewed.claim_token == mine.claim_token
        assert out.claim_due(T0.add(seconds=149)) == []
        [theirs] = out.claim_due(T0.add(seconds=150), lease_seconds=60)
        assert theirs.claim_token is not None
        assert theirs.claim_token != mine.claim_token
        assert not out.renew("k", claim=mine.claim_token, at=T0.add(seconds=151), lease_seconds=60)
        assert out.get("k") == theirs
        assert out.renew("k", claim=theirs.claim_token, at=T0.add(seconds=151), lease_seconds=60)

    def test_renew_is_false_once_the_message_is_done(self, storage: Storage) -> None:
        """A sent or dead-lettered message cannot be renewed; a missing one raises."""
        with storage.unit_of_work() as uow:
            uow.outbox.put("s", {}, created_at=T0)
            uow.outbox.put("d", {}, created_at=T0)
            uow.commit()
        out = storage.outbox
        claimed = {m.key: m for m in out.claim_due(T0, lease_seconds=60)}
        sent = out.mark_sent("s", at=T0)
        dead = out.mark_failed(
            "d",
            at=T0,
            error="e",
            next_attempt_at=None,
            max_attempts=1,
            claim=claimed["d"].claim_token,
        )
        assert (sent.claim_token, sent.claimed_until) == (None, None)
        assert (dead.claim_token, dead.claimed_until) == (None, None)
        for key in ("s", "d"):
            token = claimed[key].claim_token
            assert token is not None
            assert not out.renew(key, claim=token, at=T0)
        assert (out.get("s"), out.get("d")) == (sent, dead)
        with pytest.raises(OutboxMessageNotFoundError):
            out.renew("nope", claim="x", at=T0)
        with pytest.raises(StorageInputError):
            out.renew("s", claim="x", at=T0, lease_seconds=0)
        with pytest.raises(StorageInputError):
            out.renew("s", claim="", at=T0)

    def test_failure_under_a_lost_lease_changes_nothing(self, storage: Storage) -> None:
        """mark_failed with a claim another dispatcher replaced raises, keeping their lease."""
        with storage.unit_of_work() as uow:
            uow.outbox.put("k", {}, created_at=T0)
            uow.commit()
        out = storage.outbox
        [mine] = out.claim_due(T0, lease_seconds=60)
        [theirs] = out.claim_due(T0.add(minutes=2), lease_seconds=60)
        assert mine.claim_token is not None
        with pytest.raises(OutboxLeaseLostError) as info:
            out.mark_failed(
                "k",
                at=T0.add(minutes=2),
                error="e",
                next_attempt_at=T0.add(minutes=3),
                max_attempts=5,
                claim=mine.claim_token,
            )
        assert info.value.code == "outbox_lease_lost"
        assert isinstance(info.value, OutboxStateError)
        assert out.get("k") == theirs
        failed = out.mark_failed(
            "k",
            at=T0.add(minutes=2),
            error="e",
            next_attempt_at=T0.add(minutes=3),
            max_attempts=5,
            claim=theirs.claim_token,
        )
        assert (failed.attempts, failed.claim_token, failed.claimed_until) == (1, None, None)
        # The failure released the lease: the message is due again at its next attempt.
        assert [m.key for m in out.claim_due(T0.add(minutes=3))] == ["k"]

    def test_failure_reported_after_the_send_is_harmless(self, storage: Storage) -> None:
        """mark_failed with a claim on a message another dispatcher sent returns it unchanged."""
        with storage.unit_of_work() as uow:
            uow.outbox.put("k", {}, created_at=T0)
            uow.commit()
        out = storage.outbox
        [mine] = out.claim_due(T0, lease_seconds=60)
        sent = out.mark_sent("k", at=T0.add(seconds=1))
        got = out.mark_failed(
            "k",
            at=T0.add(seconds=2),
            error="e",
            next_attempt_at=None,
            max_attempts=1,
            claim=mine.claim_token,
        )
        assert got == sent == out.get("k")
        assert got.status is OutboxStatus.SENT

    def test_dead_letters_page_in_order(self, storage: Storage) -> None:
        """dead_letters lists every dead letter once, oldest first, across pages."""
        keys = [f"k{i}" for i in range(5)]
        with storage.unit_of_work() as uow:
            for k in [*keys, "alive"]:
                uow.outbox.put(k, {}, created_at=T0)
            uow.commit()
        for k in keys:
            storage.outbox.mark_failed(k, at=T0, error="e", next_attempt_at=None, max_attempts=1)
        got = every(lambda a: storage.outbox.dead_letters(limit=2, after=a))
        assert [m.key for m in got] == keys

    # --- inbox --------------------------------------------------------------------------------

    def test_inbox_records_each_message_once(self, storage: Storage) -> None:
        """record() is True the first time only; seen() and report_of() answer from the record."""
        with storage.unit_of_work() as uow:
            assert uow.inbox.record("wamid.1", received_at=T0, report_id="r-1")
            assert not uow.inbox.record("wamid.1", received_at=T0)
            assert uow.inbox.record("wamid.2", received_at=T0)
            uow.commit()
        with storage.unit_of_work(read_only=True) as uow:
            assert uow.inbox.seen("wamid.1")
            assert not uow.inbox.seen("wamid.3")
            assert uow.inbox.report_of("wamid.1") == "r-1"
            assert uow.inbox.report_of("wamid.2") is None
            assert uow.inbox.report_of("wamid.3") is None

    def test_inbox_counts_a_senders_recent_messages(self, storage: Storage) -> None:
        """activity() counts one sender's messages of one office recorded strictly after an
        instant, and how many were throttled; other senders, offices and older ones are not."""
        rows = [
            ("w1", T0, "s-1", "KNJP", False),
            ("w2", T0.add(seconds=10), "s-1", "KNJP", True),
            ("w3", T0.add(seconds=20), "s-1", "KNJP", True),
            ("w4", T0.add(seconds=20), "s-2", "KNJP", False),
            ("w5", T0.add(seconds=20), "s-1", "BDG", False),
        ]
        with storage.unit_of_work() as uow:
            for message_id, at, sender, office, throttled in rows:
                assert uow.inbox.record(
                    message_id, received_at=at, office=office, sender=sender, throttled=throttled
                )
            assert uow.inbox.record("w6", received_at=T0, office="KNJP")  # no sender: not counted
            # Its own uncommitted records count within the unit of work.
            assert uow.inbox.activity(
                sender="s-1", since=T0.subtract(seconds=1), office="KNJP"
            ) == (SenderActivity(3, 2))
            uow.commit()
        with storage.unit_of_work(read_only=True) as uow:
            inbox = uow.inbox
            assert inbox.activity(sender="s-1", since=T0, office="KNJP") == SenderActivity(2, 2)
            assert inbox.activity(sender="s-1", since=T0.add(seconds=10), office="KNJP") == (
                SenderActivity(1, 1)
            )
            assert inbox.activity(sender="s-1", since=T0.add(seconds=20), office="KNJP") == (
                SenderActivity(0, 0)
            )
            assert inbox.activity(sender="s-2", since=T0, office="KNJP") == SenderActivity(1, 0)
            assert inbox.activity(sender="s-1", since=T0, office="BDG") == SenderActivity(1, 0)
            assert inbox.activity(sender="s-1", since=T0) == SenderActivity(3, 2)
            assert inbox.activity(sender="s-9", since=T0, office="KNJP") == SenderActivity(0, 0)
            with pytest.raises(NaiveDatetimeError):
                inbox.activity(sender="s-1", since=dt.datetime(2026, 1, 1))  # noqa: DTZ001 - naive on purpose
            with pytest.raises(StorageInputError):
                inbox.activity(sender="", since=T0)
        with storage.unit_of_work() as uow:
            with pytest.raises(StorageInputError):
                uow.inbox.record("w7", received_at=T0, sender="s\x00")
            with pytest.raises(StorageInputError):
                uow.inbox.record("w7", received_at=T0, throttled=1)  # type: ignore[arg-type]
            # A record refused changes nothing; a redelivered id is not counted twice.
            assert not uow.inbox.record("w1", received_at=T0.add(seconds=30), sender="s-1")
            uow.commit()
        with storage.unit_of_work(read_only=True) as uow:
            assert not uow.inbox.seen("w7")
            assert uow.inbox.activity(sender="s-1", since=T0, office="KNJP").messages == 2

    def test_sent_messages_are_found_by_their_provider_id(self, storage: Storage) -> None:
        """mark_sent records the channel's id; by_provider_id finds the message by it within
        its office only; a repeated mark keeps the first id and fills in a missing one."""
        with storage.unit_of_work() as uow:
            uow.outbox.put("j1", {"n": 1}, created_at=T0, office="JKT")
            uow.outbox.put("b1", {"n": 2}, created_at=T0, office="BDG")
            uow.outbox.put("j2", {"n": 3}, created_at=T0, office="JKT")
            uow.outbox.put("j3", {"n": 4}, created_at=T0, office="JKT")
            uow.commit()
        out = storage.outbox
        assert out.by_provider_id("wamid.A", office="JKT") is None
        sent = out.mark_sent("j1", at=T0.add(seconds=1), provider_message_id="wamid.A")
        assert (sent.status, sent.provider_message_id) == (OutboxStatus.SENT, "wamid.A")
        assert out.get("j1").provider_message_id == "wamid.A"
        # The same id in another office (one messenger per office numbers its own).
        out.mark_sent("b1", at=T0.add(seconds=1), provider_message_id="wamid.A")
        found = out.by_provider_id("wamid.A", office="JKT")
        assert found is not None
        assert (found.key, found.office) == ("j1", "JKT")
        other = out.by_provider_id("wamid.A", office="BDG")
        assert other is not None
        assert other.key == "b1"
        assert out.by_provider_id("wamid.A", office="XX") is None
        # Marking again keeps the first id and instant.
        again = out.mark_sent("j1", at=T0.add(minutes=5), provider_message_id="wamid.B")
        assert again == out.get("j1") == sent
        assert out.by_provider_id("wamid.B", office="JKT") is None
        # Sent without an id (a channel that gives none), then told it: the id is filled in.
        bare = out.mark_sent("j2", at=T0.add(seconds=2))
        assert bare.provider_message_id is None
        filled = out.mark_sent("j2", at=T0.add(minutes=9), provider_message_id="wamid.C")
        assert (filled.provider_message_id, filled.sent_at) == ("wamid.C", T0.add(seconds=2))
        found = out.by_provider_id("wamid.C", office="JKT")
        assert found is not None
        assert found.key == "j2"
        # A faulty channel giving one id twice: the newest message is found.
        out.mark_sent("j3", at=T0.add(seconds=3), provider_message_id="wamid.C")
        found = out.by_provider_id("wamid.C", office="JKT")
        assert found is not None
        assert found.key == "j3"
        with pytest.raises(StorageInputError):
            out.by_provider_id("", office="JKT")
        with pytest.raises(StorageInputError):
            out.mark_sent("j1", at=T0, provider_message_id="x" * 201)
        with pytest.raises(OutboxMessageNotFoundError):
            out.mark_sent("nope", at=T0, provider_message_id="wamid.Z")
        assert out.by_provider_id("wamid.Z", office=None) is None

    # --- concurrency --------------------------------------------------------------------------

    def test_a_named_lock_waits_for_its_holder(self, storage: Storage) -> None:
        """A unit of work asking for a name another one holds waits for it to commit, then
        reads what it committed; a read-only unit of work takes no lock."""
        held = threading.Event()
        seen: list[list[str]] = []

        def holder() -> None:
            with storage.unit_of_work() as uow:
                uow.lock("sender:KNJP:6281234567890")
                held.set()
                time.sleep(0.3)
                uow.reports.append("r-first", 0, [{"seq": 1}], projection(office="KNJP"))
                uow.commit()

        def waiter() -> None:
            assert held.wait(10)
            with storage.unit_of_work() as uow:
                uow.lock("sender:KNJP:6281234567890")
                seen.append([s.report_id for s in uow.reports.list_all(office="KNJP").items])
                uow.commit()

        threads = [threading.Thread(target=holder), threading.Thread(target=waiter)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        assert (
            seen == [["r-first"]] if self.locks_refresh_snapshot else seen in ([[]], [["r-first"]])
        )
        with storage.unit_of_work(read_only=True) as uow, pytest.raises(StorageStateError):
            uow.lock("sender:KNJP:6281234567890")
        with storage.unit_of_work() as uow, pytest.raises(StorageInputError):
            uow.lock("")

    def test_two_officers_at_once_one_wins(self, storage: Storage) -> None:
        """Two threads append at one version: one commits, the other conflicts; one step kept."""
        rid = create(storage)
        barrier = threading.Barrier(2)
        outcomes: list[str] = []
        lock = threading.Lock()

        def officer(name: str) -> None:
            barrier.wait()
            try:
                with storage.unit_of_work() as uow:
                    uow.reports.append(rid, 1, [{"seq": 2, "by": name}], projection("received"))
                    uow.outbox.put(f"step:{rid}:2:{name}", {"by": name}, created_at=T0)
                    uow.commit()
                result = name
            except ConcurrencyConflictError:
                result = "conflict"
            except BaseException as e:
                result = f"unexpected {e!r}"
            with lock:
                outcomes.append(result)

        threads = [threading.Thread(target=officer, args=(n,)) for n in ("a", "b")]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        assert len(outcomes) == 2
        assert sorted(outcomes)[0] in {"a", "b"}, outcomes
        assert sorted(outcomes)[1] == "conflict", outcomes
        winner = next(o for o in outcomes if o != "conflict")
        stored = load(storage, rid)
        assert stored.version == 2
        assert stored.events[1]["by"] == winner
        assert storage.outbox.counts()[OutboxStatus.PENDING] == 1
        assert storage.outbox.get(f"step:{rid}:2:{winner}").payload == {"by": winner}

    def test_concurrent_numbers_are_distinct_and_gap_free(self, storage: Storage) -> None:
        """Threads allocating numbers (retrying refused transactions) get 1..n, each once."""
        got: list[int] = []
        lock = threading.Lock()
        errors: list[BaseException] = []

        def allocate() -> None:
            done = 0
            try:
                while done < 5:
                    try:
                        with storage.unit_of_work() as uow:
                            n = uow.reports.allocate_number("JKT", 2026)
                            uow.commit()
                    except ConcurrencyConflictError as e:
                        # Serializable databases refuse colliding transactions: retry them.
                        if e.code != "serialization_conflict":
                            raise
                        continue
                    done += 1
                    with lock:
                        got.append(n)
            except StorageError as e:
                errors.append(e)

        threads = [threading.Thread(target=allocate) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        assert errors == []
        assert sorted(got) == list(range(1, 21))

    def test_concurrent_claims_never_share_a_message(self, storage: Storage) -> None:
        """Dispatchers claiming at once never get the same message within a lease."""
        with storage.unit_of_work() as uow:
            for i in range(20):
                uow.outbox.put(f"k{i:02d}", {}, created_at=T0)
            uow.commit()
        claimed: list[str] = []
        errors: list[BaseException] = []
        lock = threading.Lock()

        def dispatcher() -> None:
            try:
                while True:
                    batch = storage.outbox.claim_due(T0.add(minutes=1), limit=3)
                    if not batch:
                        return
                    with lock:
                        claimed.extend(m.key for m in batch)
            except BaseException as e:
                errors.append(e)

        threads = [threading.Thread(target=dispatcher) for _ in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        # claim_due is one whole transaction per call: no dispatcher ever sees a conflict.
        assert errors == [], [(type(e).__name__, getattr(e, "code", None)) for e in errors]
        assert sorted(claimed) == [f"k{i:02d}" for i in range(20)]

    # --- model-based --------------------------------------------------------------------------

    def test_random_use_agrees_with_a_model(self, storage_factory: StorageFactory) -> None:
        """Random saves, loads, steps, numbers, outbox use and queries agree with a simple model."""
        machine = storage_state_machine(storage_factory)
        run_state_machine_as_test(machine)
