"""
The tamper-evident history: immutable, hash-chained events and their verification.
"""

from __future__ import annotations

import copy
import hashlib
import itertools
import json
import pickle
from collections.abc import Callable
from typing import Any

import attrs
import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from layanan_aduan.domain.history import (
    GENESIS_HASH,
    Event,
    FrozenMap,
    TamperKind,
    canonical_json,
    to_instant,
    verify,
)
from layanan_aduan.domain.workflow import Role
from layanan_aduan.exceptions import (
    EventFormatError,
    HistoryTamperedError,
    NaiveDatetimeError,
    ValidationError,
)

T0 = pendulum.datetime(2026, 1, 9, 8, tz="Asia/Jakarta")


def make_chain(n: int, report_id: str = "r-1", texts: list[str] | None = None) -> list[Event]:
    events: list[Event] = []
    previous = None
    for i in range(n):
        text = texts[i] if texts else f"langkah {i}"
        previous = Event.record(
            previous,
            report_id=report_id,
            action="submit" if i == 0 else f"action_{i}",
            actor_id="+6281234567890" if i == 0 else f"petugas-{i}",
            actor_role=Role.REPORTER if i == 0 else Role.OFFICER,
            at=T0.add(minutes=i),
            from_state=None if i == 0 else f"s{i - 1}",
            to_state=f"s{i}",
            payload={"text": text, "i": i, "nested": {"list": [i, None, True]}},
            salt=bytes(16),  # the reporter's event is sealed: a fixed salt, one chain
        )
        events.append(previous)
    return events


def kinds(events: list[Event], n: int, head: str) -> set[tuple[TamperKind, int]]:
    return {(p.kind, p.index) for p in verify(events, version=n, head=head).problems}


# --- events -----------------------------------------------------------------------------------


def test_hash_is_sha256_of_the_documented_canonical_json() -> None:
    """The hash is SHA-256 over sorted, compact JSON of every field but the hash (pinned)."""
    event = Event.record(
        None,
        report_id="r-1",
        action="submit",
        actor_id="petugas-01",
        actor_role="officer",
        at=T0,
        from_state=None,
        to_state="submitted",
        payload={"n": 1, "kind": "aduan"},
    )
    text = (
        '{"action":"submit","actor_id":"petugas-01","actor_role":"officer",'
        '"at":"2026-01-09T01:00:00Z","from_state":null,'
        '"payload":{"kind":"aduan","n":1},'
        '"prev_hash":"' + "0" * 64 + '","report_id":"r-1","seq":1,"to_state":"submitted"}'
    )
    assert event.seal is None
    assert event.hash == hashlib.sha256(text.encode()).hexdigest()


def test_a_sealed_event_hashes_the_commitment_not_the_personal_values() -> None:
    """A reporter's event hashes a salted commitment, not its actor id and message (pinned)."""
    event = Event.record(
        None,
        report_id="r-1",
        action="submit",
        actor_id="US.1234567890",
        actor_role="reporter",
        at=T0,
        from_state=None,
        to_state="submitted",
        payload={"n": 1, "message": "Dugaan pungli"},
        salt=bytes(16),
    )
    values = '{"actor_id":"US.1234567890","payload":{"message":"Dugaan pungli"}}'
    commitment = hashlib.sha256(
        b"layanan-aduan/personal/v1\x00" + bytes(16) + values.encode()
    ).hexdigest()
    text = (
        '{"action":"submit","actor_id":"","actor_role":"reporter",'
        '"at":"2026-01-09T01:00:00Z","from_state":null,'
        '"payload":{"n":1},"personal":"' + commitment + '",'
        '"prev_hash":"' + "0" * 64 + '","report_id":"r-1","seq":1,"to_state":"submitted"}'
    )
    assert event.hash == hashlib.sha256(text.encode()).hexdigest()
    assert event.hash == "84f333b671ce5924021dfbdf19290fb2ba843caad7e6dc5a7af7e3bdc386e833"
    assert event.prev_hash == GENESIS_HASH == "0" * 64


def test_chain_numbers_and_links_events() -> None:
    """Each event has the next seq and carries the hash of the one before."""
    events = make_chain(4)
    assert [e.seq for e in events] == [1, 2, 3, 4]
    assert events[0].prev_hash == GENESIS_HASH
    for before, after in itertools.pairwise(events):
        assert after.prev_hash == before.hash
    assert all(e.is_intact for e in events)
    assert verify(events, version=4, head=events[-1].hash).ok


def test_instants_are_kept_in_utc() -> None:
    """An event's instant is stored in UTC, whatever zone it was given in."""
    event = make_chain(1)[0]
    assert event.at.timezone_name == "UTC"
    assert event.at == T0
    assert event.to_dict()["at"] == "2026-01-09T01:00:00Z"


def test_microseconds_survive_serialisation() -> None:
    """An instant with microseconds is written with them and read back equal."""
    event = attrs.evolve(make_chain(1)[0], at=T0.add(microseconds=1234))
    assert event.to_dict()["at"] == "2026-01-09T01:00:00.001234Z"
    assert Event.from_dict(event.to_dict()) == event


def test_naive_instant_is_refused() -> None:
    """A datetime without a time zone is no instant."""
    with pytest.raises(NaiveDatetimeError):
        to_instant(pendulum.naive(2026, 1, 9, 8))  # type: ignore[arg-type]  # naive on purpose
    with pytest.raises(EventFormatError):
        to_instant("2026-01-09")  # type: ignore[arg-type]  # not a datetime on purpose


@given(st.integers(min_value=1, max_value=6), st.lists(st.text(max_size=20), min_size=6))
def test_to_dict_from_dict_round_trip(n: int, texts: list[str]) -> None:
    """An event read back from its dict (or its JSON text) equals it, hash included."""
    for event in make_chain(n, texts=texts):
        data = json.loads(event.to_json())
        again = Event.from_dict(data)
        assert again == event
        assert again.hash == event.hash
        assert again.is_intact
        assert canonical_json(again.to_dict()) == event.to_json()


def test_payload_is_immutable_and_json_only() -> None:
    """A payload is frozen (no item assignment) and accepts JSON values only."""
    event = make_chain(1)[0]
    with pytest.raises(TypeError):
        event.payload["text"] = "x"  # type: ignore[index]  # proving it is refused
    assert event.payload["nested"]["list"] == (0, None, True)
    with pytest.raises(EventFormatError) as info:
        FrozenMap({"x": 1.5})
    assert info.value.code == "invalid_payload"
    with pytest.raises(EventFormatError):
        FrozenMap({1: "x"})  # type: ignore[dict-item]  # a non-string key on purpose


def test_events_copy_pickle_and_hash() -> None:
    """Events survive copy.deepcopy and pickle, and can be set members."""
    event = make_chain(2)[1]
    assert copy.deepcopy(event) == event
    assert pickle.loads(pickle.dumps(event)) == event  # noqa: S301 - our own bytes
    assert len({event, copy.deepcopy(event)}) == 1


def test_repr_hides_personal_data() -> None:
    """An event's repr masks the actor id and shows only the payload's keys."""
    event = Event.record(
        None,
        report_id="r-1",
        action="submit",
        actor_id="+6281234567890",
        actor_role="reporter",
        at=T0,
        from_state=None,
        to_state="submitted",
        payload={"details": {"nik": "3171010101900001", "name": "Budi Santoso"}},
    )
    text = repr(event)
    assert "+6281234567890" not in text
    assert "3171010101900001" not in text
    assert "Budi" not in text
    assert "payload_keys=[details]" in text


@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        (lambda d: d.pop("seq"), "missing_key", "seq"),
        (lambda d: d.update(extra=1), "unknown_key", "extra"),
        (lambda d: d.update(seq="1"), "wrong_type", "seq"),
        (lambda d: d.update(seq=True), "wrong_type", "seq"),
        (lambda d: d.update(payload=[1]), "wrong_type", "payload"),
        (lambda d: d.update(hash="ABC"), "invalid_hash", "hash"),
        (lambda d: d.update(prev_hash="g" * 64), "invalid_hash", "prev_hash"),
        (lambda d: d.update(at="2026-01-09T08:00:00+07:00"), "invalid_instant", "at"),
        (lambda d: d.update(at="kemarin"), "invalid_instant", "at"),
        (lambda d: d.update(actor_role="admin"), "invalid_role", "actor_role"),
    ],
)
def test_from_dict_refuses_malformed_events(change: Any, code: str, field: str) -> None:
    """A malformed event dict is refused with the key at fault."""
    data = make_chain(1)[0].to_dict()
    change(data)
    with pytest.raises(EventFormatError) as info:
        Event.from_dict(data)
    assert (info.value.code, info.value.field) == (code, field)
    assert isinstance(info.value, ValidationError)


@pytest.mark.parametrize(
    ("change", "code"),
    [
        (lambda d: d.update({"3171010101900001": 1}), "unknown_key"),
        (lambda d: d.update(actor_role="0812-3456-7890"), "invalid_role"),
    ],
)
def test_event_refusals_mask_identifiers_in_the_data(change: Any, code: str) -> None:
    """A NIK or telephone number where a key or role belongs never appears whole in the refusal."""
    data = make_chain(1)[0].to_dict()
    change(data)
    with pytest.raises(EventFormatError) as info:
        Event.from_dict(data)
    shown = " ".join([str(info.value), info.value.message_en, repr(info.value)])
    assert info.value.code == code
    assert "3171010101900001" not in shown
    assert "0812-3456-7890" not in shown


def test_from_dict_refuses_a_non_mapping() -> None:
    """Anything but a JSON object is no event."""
    with pytest.raises(EventFormatError):
        Event.from_dict([1, 2])  # type: ignore[arg-type]  # wrong type on purpose


def test_from_dict_keeps_a_tampered_event_for_verify() -> None:
    """Reading does not check the hash, so verify can say where the history was changed."""
    data = make_chain(1)[0].to_dict()
    data["payload"]["text"] = "diubah"
    event = Event.from_dict(data)
    assert not event.is_intact
    assert [(p.kind, p.index) for p in verify([event]).problems] == [(TamperKind.EDITED, 0)]


# --- verification: examples -------------------------------------------------------------------


def test_edited_event_is_found() -> None:
    """Changing an event's content without its hash shows as edited, at its place."""
    events = make_chain(5)
    events[2] = attrs.evolve(events[2], to_state="completed")
    assert kinds(events, 5, events[-1].hash) == {(TamperKind.EDITED, 2)}


def test_rehashed_edit_is_found_by_the_next_link() -> None:
    """An edited event given a fresh hash breaks the next event's link: edited, at its place."""
    events = make_chain(5)
    forged = attrs.evolve(events[2], actor_id="someone-else")
    events[2] = attrs.evolve(forged, hash=forged.compute_hash())
    assert kinds(events, 5, make_chain(5)[-1].hash) == {(TamperKind.EDITED, 2)}


def test_rehashed_last_event_is_found_only_by_the_anchor() -> None:
    """A re-hashed last event is found against the recorded head, not without it."""
    events = make_chain(3)
    head = events[-1].hash
    forged = attrs.evolve(events[2], payload={"text": "lain"})
    events[2] = attrs.evolve(forged, hash=forged.compute_hash())
    assert verify(events).ok
    assert kinds(events, 3, head) == {(TamperKind.EDITED, 2)}


def test_removed_event_is_found() -> None:
    """A removed event shows as removed, where it belongs."""
    events = make_chain(5)
    head = events[-1].hash
    del events[1]
    problems = verify(events, version=5, head=head).problems
    assert [(p.kind, p.index, p.seq) for p in problems] == [(TamperKind.REMOVED, 1, 2)]


def test_removed_last_event_is_found_only_by_the_anchor() -> None:
    """Truncating the history is found against the recorded version."""
    events = make_chain(4)
    head = events[-1].hash
    truncated = events[:-1]
    assert verify(truncated).ok
    problems = verify(truncated, version=4, head=head).problems
    assert [(p.kind, p.index, p.seq) for p in problems] == [(TamperKind.REMOVED, 3, 4)]


def test_reordered_events_are_found() -> None:
    """Swapping two events shows both as reordered."""
    events = make_chain(5)
    events[1], events[3] = events[3], events[1]
    assert kinds(events, 5, events[-1].hash) == {
        (TamperKind.REORDERED, 1),
        (TamperKind.REORDERED, 3),
    }


def test_inserted_copy_is_found() -> None:
    """A copy of an event slipped in elsewhere shows as inserted."""
    events = make_chain(4)
    events.insert(1, events[3])
    assert kinds(events, 4, events[-1].hash) == {(TamperKind.INSERTED, 1)}


def test_inserted_forgery_is_found() -> None:
    """A well-formed forged event chained into the middle shows as inserted."""
    events = make_chain(4)
    head = events[-1].hash
    forged = Event.record(
        events[1],
        report_id="r-1",
        action="close",
        actor_id="x",
        actor_role="officer",
        at=T0.add(minutes=2),
        from_state="s1",
        to_state="closed",
    )
    events.insert(2, forged)
    assert kinds(events, 4, head) == {(TamperKind.INSERTED, 2)}


def test_appended_forgery_is_found_only_by_the_anchor() -> None:
    """An event appended at the end is found against the recorded version."""
    events = make_chain(3)
    head = events[-1].hash
    events.append(
        Event.record(
            events[-1],
            report_id="r-1",
            action="close",
            actor_id="x",
            actor_role="officer",
            at=T0.add(hours=1),
            from_state="s2",
            to_state="closed",
        )
    )
    assert verify(events).ok
    assert kinds(events, 3, head) == {(TamperKind.INSERTED, 3)}


def test_event_of_another_report_is_found() -> None:
    """An event taken from another report's history shows as inserted."""
    events = make_chain(3)
    events.insert(1, make_chain(2, report_id="r-2")[1])
    assert kinds(events, 3, events[-1].hash) == {(TamperKind.INSERTED, 1)}


def test_empty_history_against_an_anchor() -> None:
    """An empty list is intact alone, and a removal against a recorded version."""
    assert verify([]).ok
    assert verify([], version=0).ok
    problems = verify([], version=2, head="a" * 64).problems
    assert [(p.kind, p.seq) for p in problems] == [(TamperKind.REMOVED, 1)]
    assert "seq 1-2" in problems[0].message
    assert [p.kind for p in verify([], head="a" * 64).problems] == [TamperKind.REMOVED]


def test_first_event_must_start_from_genesis() -> None:
    """A first event re-hashed onto another prev_hash shows as edited."""
    first = make_chain(1)[0]
    forged = attrs.evolve(first, prev_hash="f" * 64)
    forged = attrs.evolve(forged, hash=forged.compute_hash())
    assert [(p.kind, p.index) for p in verify([forged]).problems] == [(TamperKind.EDITED, 0)]


def test_raising_form_carries_every_problem() -> None:
    """raise_if_tampered raises HistoryTamperedError with the first problem in details."""
    events = make_chain(4)
    head = events[-1].hash
    del events[2]
    result = verify(events, version=4, head=head)
    with pytest.raises(HistoryTamperedError) as info:
        result.raise_if_tampered()
    err = info.value
    assert err.code == "history_tampered"
    assert err.field == "events"
    assert (err.details["kind"], err.details["index"], err.details["seq"]) == ("removed", 2, 3)
    assert err.details["problems"] == [{"index": 2, "kind": "removed", "seq": 3}]
    assert err.problems == result.problems
    assert "dihapus" in str(err)
    assert "removed" in err.message_en
    verify(make_chain(2)).raise_if_tampered()


# --- verification: properties -----------------------------------------------------------------

CHAINS = st.integers(min_value=1, max_value=8)


@given(CHAINS)
def test_intact_history_verifies(n: int) -> None:
    """An untouched history verifies, with and without its anchor."""
    events = make_chain(n)
    assert verify(events).ok
    assert verify(events, version=n, head=events[-1].hash).ok


@given(CHAINS, st.data(), st.booleans())
def test_any_single_edit_is_found(n: int, data: st.DataObject, rehash: bool) -> None:
    """Changing any field of any one event (re-hashed or not) is found, at that event."""
    events = make_chain(n)
    head = events[-1].hash
    i = data.draw(st.integers(0, n - 1))
    field = data.draw(st.sampled_from(["action", "actor_id", "to_state", "payload", "at"]))
    value: Any = {
        "action": "close",
        "actor_id": "penyusup",
        "to_state": "closed",
        "payload": {"text": "palsu"},
        "at": T0.add(days=3),
    }[field]
    edited = attrs.evolve(events[i], **{field: value})
    if rehash:
        edited = attrs.evolve(edited, hash=edited.compute_hash())
    events[i] = edited
    assert kinds(events, n, head) == {(TamperKind.EDITED, i)}


@given(CHAINS, st.data())
def test_any_single_removal_is_found(n: int, data: st.DataObject) -> None:
    """Removing any one event is found, where it was."""
    events = make_chain(n)
    head = events[-1].hash
    i = data.draw(st.integers(0, n - 1))
    del events[i]
    assert kinds(events, n, head) == {(TamperKind.REMOVED, i)}


@given(st.integers(min_value=2, max_value=8), st.data())
def test_any_single_swap_is_found(n: int, data: st.DataObject) -> None:
    """Swapping any two events is found at both places."""
    events = make_chain(n)
    head = events[-1].hash
    i = data.draw(st.integers(0, n - 2))
    j = data.draw(st.integers(i + 1, n - 1))
    events[i], events[j] = events[j], events[i]
    assert kinds(events, n, head) == {(TamperKind.REORDERED, i), (TamperKind.REORDERED, j)}


@given(CHAINS, st.data())
def test_any_single_insertion_is_found(n: int, data: st.DataObject) -> None:
    """Inserting a copy, a forgery or another report's event anywhere is found, as inserted."""
    events = make_chain(n)
    head = events[-1].hash
    p = data.draw(st.integers(0, n))
    how = data.draw(st.sampled_from(["copy", "forgery", "foreign"]))
    if how == "copy":
        extra = events[data.draw(st.integers(0, n - 1))]
    elif how == "foreign":
        extra = data.draw(st.sampled_from(make_chain(n, report_id="r-2")))
    else:
        extra = Event.record(
            events[p - 1] if p else None,
            report_id="r-1",
            action="forged",
            actor_id="penyusup",
            actor_role="officer",
            at=T0.add(days=1),
            from_state=None,
            to_state="closed",
        )
    events.insert(p, extra)
    found = verify(events, version=n, head=head).problems
    assert [p.kind for p in found] == [TamperKind.INSERTED]
    assert events[found[0].index] == extra


@pytest.mark.parametrize(
    "edit",
    [
        lambda d: d["payload"].update(message="disisipkan"),
        lambda d: d["payload"].update(note="disisipkan"),
        lambda d: d.update(actor_id="+6289999999999"),
        lambda d: d["personal_data"]["values"].update(payload={"message": "disisipkan"}),
        lambda d: d["personal_data"]["values"].update(actor_id="+6289999999999"),
        lambda d: d["personal_data"].update(salt="AQEBAQEBAQEBAQEBAQEBAQ=="),
        lambda d: d.update(personal="0" * 64),
    ],
)
def test_any_edit_of_a_sealed_event_or_its_personal_values_is_found(
    edit: Callable[[dict[str, Any]], None],
) -> None:
    """A sealed event edited anywhere (its hashed part, a personal key slipped into it, or the
    personal values kept apart) no longer matches its hash."""
    data = copy.deepcopy(make_chain(1)[0].to_dict())
    assert Event.from_dict(copy.deepcopy(data)).is_intact
    edit(data)
    assert not Event.from_dict(data).is_intact


def test_an_erased_event_still_verifies_and_an_edit_of_it_is_found() -> None:
    """Erasing keeps the hash; putting anything personal back, or editing what is left, shows."""
    events = make_chain(3)
    erased = [e.erased() for e in events]
    assert [e.hash for e in erased] == [e.hash for e in events]
    stored = [{k: v for k, v in e.to_dict().items() if k != "personal_data"} for e in events]
    loaded = [Event.from_dict(d) for d in stored]
    assert loaded == erased
    check = verify(loaded, version=3, head=events[-1].hash)
    assert check.ok
    assert check.erased == (1,)
    assert loaded[0].personal_values() == {}
    for edit in ({"text": "kembali"}, {"message": "kembali"}):
        forged = {**stored[0], "payload": {**stored[0]["payload"], **edit}}
        assert not Event.from_dict(forged).is_intact
    assert not Event.from_dict({**stored[0], "actor_id": "+6281234567890"}).is_intact
