"""
Golden conversation transcripts: WhatsApp webhooks in, notifications out, on every storage.

Each file under ``tests/transcripts/`` is one scenario (the format is in
``tests/transcripts/README.md``): a start instant, the people and the staff directory, then
steps (a webhook as WhatsApp posts it, a staff step at the desk, an SLA sweep, a dispatcher
run), each with what it must give; and at the end the reports made and what the inbox
recorded. The files are the reviewed truth: this runner replays each one on the in-memory,
SQLite and PostgreSQL storages (PostgreSQL skipped without a server, as elsewhere) and compares.

``UPDATE_TRANSCRIPTS=1`` rewrites the ``expect`` parts from an in-memory replay (after checking
that this adapter's replay gives the same), leaving the inputs alone; review the diff before
committing it.

The corpus also feeds the redelivery property: any transcript, with its webhooks delivered
again any number of times anywhere after their first delivery, leaves the same reports and the
same outbox as one delivery each.
"""

from __future__ import annotations

import copy
import json
import os
import re
import uuid
from collections.abc import Callable, Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import pendulum
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from layanan_aduan.adapters.evidence_store import InMemoryEvidenceStore
from layanan_aduan.adapters.messaging import InMemoryMediaFetcher, InMemoryMessenger
from layanan_aduan.adapters.staff import InMemoryStaffDirectory, staff_from_mapping
from layanan_aduan.adapters.storage import InMemoryStorage, PostgresStorage, SqliteStorage
from layanan_aduan.adapters.whatsapp import parse_webhook
from layanan_aduan.clock import FixedClock
from layanan_aduan.domain.history import Event, canonical_json
from layanan_aduan.exceptions import LayananAduanError
from layanan_aduan.ports import MAX_PAGE_SIZE, Storage
from layanan_aduan.privacy import mask
from layanan_aduan.service_layer import Services, compose
from layanan_aduan.testing.contracts import require_postgres_dsn

HERE = Path(__file__).parent
TRANSCRIPTS = HERE / "transcripts"
FILES = sorted(TRANSCRIPTS.glob("*.json"))
UPDATE = os.environ.get("UPDATE_TRANSCRIPTS", "") not in ("", "0")
OFFICE = "KNJP"
ZONE = "Asia/Jakarta"

_TOP_KEYS = {"title", "about", "rows", "start", "people", "staff", "media", "steps", "expect"}
_STEP_KEYS = {"note", "at", "advance", "webhook", "repeat", "desk", "sweep", "dispatch", "expect"}
_ACTIONS = {"webhook", "desk", "sweep", "dispatch"}
#: The keyword that names the acting staff member of each desk step.
_ACTOR_KEYWORD = {"give_direction": "section_head", "unseal_identity": "section_head"}


# --- reading a transcript ---------------------------------------------------------------------


def load(path: Path) -> dict[str, Any]:
    """The transcript in ``path``, its shape checked (an unknown key is a typo, not ignored)."""
    transcript: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    unknown = set(transcript) - _TOP_KEYS
    assert not unknown, f"{path.name}: unknown keys {sorted(unknown)}"
    for key in ("title", "rows", "start", "steps"):
        assert key in transcript, f"{path.name}: {key!r} is required"
    for i, step in enumerate(transcript["steps"]):
        unknown = set(step) - _STEP_KEYS
        assert not unknown, f"{path.name} step {i}: unknown keys {sorted(unknown)}"
        actions = _ACTIONS & set(step)
        assert len(actions) == 1, f"{path.name} step {i}: one of {sorted(_ACTIONS)} is required"
        assert not ("at" in step and "advance" in step), f"{path.name} step {i}: at or advance"
        assert "repeat" not in step or "webhook" in step, f"{path.name} step {i}: repeat a webhook"
    return transcript


def _instant(text: str) -> pendulum.DateTime:
    parsed = pendulum.parse(text)
    assert isinstance(parsed, pendulum.DateTime)
    assert parsed.tzinfo is not None, f"{text}: an instant needs its offset"
    return parsed


def _duration(text: str) -> pendulum.Duration:
    parsed = pendulum.parse(text)
    assert isinstance(parsed, pendulum.Duration), f"{text}: not an ISO 8601 duration"
    return parsed


def deliveries(step: dict[str, Any]) -> list[dict[str, Any]]:
    """
    The webhook documents a webhook step delivers: the one given, or with ``repeat``
    (``{"times": N, "every": "PT2S"}``) N copies, the i-th (from 0) with ``.i`` appended to
    each message id and its timestamp ``i * every`` later (the replay's clock, too, moves
    ``every`` between copies: a flood).
    """
    document: dict[str, Any] = step["webhook"]
    repeat = step.get("repeat")
    if repeat is None:
        return [document]
    every = int(_duration(repeat["every"]).total_seconds())
    copies = []
    for i in range(repeat["times"]):
        copied = copy.deepcopy(document)
        for entry in copied["entry"]:
            for change in entry["changes"]:
                for message in change["value"].get("messages", []):
                    message["id"] = f"{message['id']}.{i}"
                    message["timestamp"] = str(int(message["timestamp"]) + i * every)
        copies.append(copied)
    return copies


def message_ids(transcript: dict[str, Any]) -> list[str]:
    """Every inbound message id of the transcript's webhooks, in order, once each."""
    ids: list[str] = []
    for step in transcript["steps"]:
        if "webhook" not in step:
            continue
        for document in deliveries(step):
            for entry in document["entry"]:
                for change in entry["changes"]:
                    for message in change["value"].get("messages", []):
                        if message["id"] not in ids:
                            ids.append(message["id"])
    return ids


# --- replaying it -----------------------------------------------------------------------------


class _People:
    """Who an address or an actor id is: a person of the transcript, a staff id, or masked."""

    def __init__(self, transcript: dict[str, Any]) -> None:
        self.names: dict[str, str] = {}
        for name, entry in transcript.get("people", {}).items():
            person = {"wa_id": entry} if isinstance(entry, str) else entry
            if person.get("wa_id"):
                self.names["+" + person["wa_id"]] = name
            if person.get("user_id"):
                self.names[person["user_id"]] = name
        for member in transcript.get("staff", []):
            if member.get("phone"):
                self.names["+" + re.sub(r"\D", "", member["phone"])] = member["id"]
            if member.get("whatsapp_user_id"):
                self.names[member["whatsapp_user_id"]] = member["id"]
            self.names[member["id"]] = member["id"]

    def __call__(self, *addresses: str | None) -> str:
        for address in addresses:
            if address is not None and address in self.names:
                return self.names[address]
        known = next((a for a in addresses if a), None)
        return "nobody" if known is None else mask(known)


def _when(instant: pendulum.DateTime | None) -> str | None:
    if instant is None:
        return None
    return instant.in_timezone(ZONE).format("YYYY-MM-DD HH:mm:ss") + " WIB"


def _interactive(data: dict[str, Any]) -> dict[str, Any]:
    """
    An interactive list as a reader checks it: its body (one string per line), the button's
    label, the header and footer when there are, and each row as ``"<id>: <title> (<description>)"``
    (the id is what WhatsApp sends back when the row is picked).
    """
    shown: dict[str, Any] = {"body": data["body"].split("\n"), "button": data["button"]}
    for name in ("header", "footer"):
        if data.get(name) is not None:
            shown[name] = data[name]
    shown["rows"] = [
        f"{row['id']}: {row['title']}"
        + ("" if row.get("description") is None else f" ({row['description']})")
        for section in data["sections"]
        for row in section["rows"]
    ]
    return shown


class Replay:
    """One replay of a transcript on one storage: the desk, its clock and what it has seen."""

    def __init__(self, transcript: dict[str, Any], storage: Storage) -> None:
        self.transcript = transcript
        self.who = _People(transcript)
        self.clock = FixedClock(_instant(transcript["start"]))
        media = InMemoryMediaFetcher()
        examples = resources.files("layanan_aduan.examples")
        for media_id, item in transcript.get("media", {}).items():
            media.put(media_id, (examples / item["file"]).read_bytes(), item["mime_type"])
        staff = staff_from_mapping({"staff": transcript.get("staff", [])}, office=OFFICE)
        self.services: Services = compose(
            storage=storage,
            evidence=InMemoryEvidenceStore(),
            messenger=InMemoryMessenger(),
            media=media,
            clock=self.clock,
            staff=InMemoryStaffDirectory({OFFICE: staff}),
        )
        self.seen: set[str] = set()

    # Each step returns what it gave, in the shape of its ``expect``.

    def step(self, step: dict[str, Any]) -> dict[str, Any]:
        if "at" in step:
            self.clock.set(_instant(step["at"]))
        elif "advance" in step:
            self.clock.advance(_duration(step["advance"]))
        if "webhook" in step:
            observed = self._webhooks(step)
        elif "desk" in step:
            observed = self._desk(step["desk"])
        elif "sweep" in step:
            observed = {"alerts": [e.kind.value for e in self.services.desk.sweep_sla()]}
        else:
            observed = self._dispatch()
        observed["outbox"] = self._new_outbox()
        return observed

    def deliver(self, document: dict[str, Any]) -> None:
        """Ingest one webhook again (a redelivery), noting nothing."""
        self.services.desk.ingest(parse_webhook(json.dumps(document).encode()))

    def _webhooks(self, step: dict[str, Any]) -> dict[str, Any]:
        # Repeated copies arrive ``every`` apart by the clock too, as a flood would.
        every = _duration(step["repeat"]["every"]) if "repeat" in step else None
        made: list[str] = []
        answers: list[str] = []
        counts = {"duplicates": 0, "ignored": 0, "refused": 0, "statuses": 0}
        for i, document in enumerate(deliveries(step)):
            if i and every is not None:
                self.clock.advance(every)
            result = self.services.desk.ingest(parse_webhook(json.dumps(document).encode()))
            made.extend(
                f"{s.number} {s.state.value} ({', '.join(s.actions)})" for s in result.steps
            )
            answers.extend(key.split(":", 1)[0] for key in result.answers)
            for name in counts:
                counts[name] += getattr(result, name)
        return {
            "ingest": {
                "reports": made,
                "answers": answers,
                **{k: v for k, v in counts.items() if v},
            }
        }

    def _desk(self, order: dict[str, Any]) -> dict[str, Any]:
        arguments = dict(order)
        action, report, by = arguments.pop("action"), arguments.pop("report"), arguments.pop("by")
        arguments[_ACTOR_KEYWORD.get(action, "officer")] = by
        try:
            result = getattr(self.services.desk, action)(report, **arguments)
        except LayananAduanError as e:
            return {"refused": e.code}
        return {"step": f"{result.number} {result.state.value} ({', '.join(result.actions)})"}

    def _dispatch(self) -> dict[str, Any]:
        messenger = self.services.dispatcher.messenger
        assert isinstance(messenger, InMemoryMessenger)
        before = len(messenger.attempts)
        self.services.dispatcher.run()
        sent = []
        for attempt in messenger.attempts[before:]:
            assert attempt.result is not None
            recipient = attempt.message.recipient
            kind = self.services.storage.outbox.get(attempt.message.idempotency_key).payload.get(
                "notification"
            )
            sent.append(
                f"{attempt.result.provider_message_id} {kind} to "
                f"{self.who(recipient.phone, recipient.user_id)}"
            )
        return {"sent": sent}

    def outbox(self) -> list[Any]:
        """Every outbox message, in the order put."""
        items: list[Any] = []
        after: str | None = None
        while True:
            page = self.services.storage.outbox.list(limit=MAX_PAGE_SIZE, after=after)
            items.extend(page.items)
            if page.next_cursor is None:
                return items
            after = page.next_cursor

    def _new_outbox(self) -> list[dict[str, Any]]:
        new = []
        for message in self.outbox():
            if message.key in self.seen:
                continue
            self.seen.add(message.key)
            payload = message.payload
            recipient = payload["recipient"]
            entry: dict[str, Any] = {
                "kind": payload.get("notification"),
                "to": self.who(recipient["phone"], recipient["user_id"]),
            }
            if payload["text"] is not None:
                entry["text"] = payload["text"].split("\n")
            for name in ("template", "fallback_template"):
                if payload.get(name) is not None:
                    entry[name] = payload[name]["name"]
            if payload.get("interactive") is not None:
                entry["interactive"] = _interactive(payload["interactive"])
            new.append(entry)
        return new

    def final(self) -> dict[str, Any]:
        """The reports made and what the inbox recorded, once every step ran."""
        desk = self.services.desk
        reports = []
        numbers: dict[str, str] = {}
        for line in desk.list_reports():
            report = desk.report(line.report_id)
            numbers[report.id] = str(report.number)
            events = []
            for e in report.events:
                event = f"{_when(e.at)} {e.action} by {self.who(e.actor_id)} ({e.actor_role.value})"
                claimed = e.payload.get("claimed_at")
                if claimed is not None:
                    event += f", claimed {_when(_instant(str(claimed)))}"
                events.append(event)
            shown: dict[str, Any] = {
                "number": report.number,
                "state": report.state.value,
                "kind": report.kind.value,
                "reporter": self.who(report.details.phone, report.details.whatsapp_user_id),
                "evidence": len(report.evidence),
                "requirements_met": report.requirements_met,
                "deadline": _when(line.deadline),
                "sla": line.sla.value,
                "events": events,
            }
            if report.rating is not None:
                shown["rating"] = f"{report.rating.value} ({report.rating.label})"
            if report.confidential:
                shown["identity"] = "sealed" if report.identity_sealed else "unsealed"
            reports.append(shown)
        inbox: dict[str, str | None] = {}
        with self.services.storage.unit_of_work(read_only=True) as uow:
            for message_id in message_ids(self.transcript):
                try:
                    taken = uow.inbox.seen(message_id)
                except LayananAduanError as e:
                    inbox[message_id] = f"refused ({e.code})"
                    continue
                report_id = uow.inbox.report_of(message_id) if taken else None
                inbox[message_id] = (
                    "not taken"
                    if not taken
                    else "taken"
                    if report_id is None
                    else numbers.get(report_id, report_id)
                )
        return {"reports": reports, "inbox": inbox}

    def state(self) -> tuple[list[Any], list[Any]]:
        """Everything stored: each report's events, and the outbox (keys, payloads, instants)."""
        desk = self.services.desk
        reports = [
            [(e.seq, e.action, e.at, _content(e)) for e in desk.report(line.report_id).events]
            for line in desk.list_reports()
        ]
        outbox = [
            (m.key, m.payload, m.report_id, m.created_at, m.status.value) for m in self.outbox()
        ]
        return reports, outbox


def _content(event: Event) -> str:
    """An event's whole content but its salt (random per run) and the hashes that depend on it."""
    data = event.to_dict()
    for key in ("hash", "prev_hash", "personal"):
        data.pop(key, None)
    vault = data.pop("personal_data", None)
    if vault is not None:
        data["personal_values"] = vault["values"]
    data["payload"].pop("direction_hash", None)  # a hash too
    return canonical_json(data)


def replay(transcript: dict[str, Any], storage: Storage) -> dict[str, Any]:
    """Every step's outcome and the final state: the transcript's ``expect`` parts."""
    run = Replay(transcript, storage)
    steps = [run.step(step) for step in transcript["steps"]]
    return {"steps": steps, "final": run.final()}


def expected(transcript: dict[str, Any]) -> dict[str, Any]:
    """The ``expect`` parts as the file states them."""
    return {
        "steps": [step.get("expect") for step in transcript["steps"]],
        "final": transcript.get("expect"),
    }


def write(path: Path, transcript: dict[str, Any], outcome: dict[str, Any]) -> None:
    """Put ``outcome`` into the transcript's ``expect`` parts and write it back."""
    for step, observed in zip(transcript["steps"], outcome["steps"], strict=True):
        step["expect"] = observed
    transcript["expect"] = outcome["final"]
    path.write_text(json.dumps(transcript, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


# --- the storages -----------------------------------------------------------------------------

StorageFactory = Callable[[], Storage]


@pytest.fixture(
    params=["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)],
)
def make_storage(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[StorageFactory]:
    """Gives a new, empty storage of one adapter on each call."""
    built: list[Storage] = []

    def make() -> Storage:
        if request.param == "memory":
            built.append(InMemoryStorage())
        elif request.param == "sqlite":
            built.append(SqliteStorage.open(tmp_path / f"{uuid.uuid4().hex}.sqlite3"))
        else:
            dsn = require_postgres_dsn()
            schema = f"transcript_{uuid.uuid4().hex[:12]}"
            built.append(PostgresStorage.open(dsn, schema=schema, max_size=2))
        return built[-1]

    yield make
    for storage in built:
        if isinstance(storage, PostgresStorage):
            storage.drop_schema()
        storage.close()


# --- the tests --------------------------------------------------------------------------------


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_transcript(path: Path, make_storage: StorageFactory) -> None:
    """The transcript replays to exactly what the file says, step by step and at the end."""
    transcript = load(path)
    outcome = replay(transcript, make_storage())
    if UPDATE:
        truth = replay(transcript, InMemoryStorage())
        assert outcome == truth, "this adapter's replay differs from the in-memory one"
        write(path, transcript, truth)
        return
    want = expected(transcript)
    for i, (got, step) in enumerate(zip(outcome["steps"], want["steps"], strict=True)):
        note = transcript["steps"][i].get("note", "")
        assert got == step, f"{path.name}, step {i} ({note})"
    assert outcome["final"] == want["final"], f"{path.name}, the final state"


def _routing_rows() -> set[str]:
    """The rows of docs/desk.md's routing table by their first cell: ``1``, ``1a``, ``any``..."""
    text = (HERE.parent / "docs" / "desk.md").read_text(encoding="utf-8")
    section = text.split("## What happens to a message", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^\| (\d+[a-z]?|any) \|", section, flags=re.MULTILINE))


def test_the_transcripts_cover_every_row_of_the_routing_table() -> None:
    """Every row of docs/desk.md's routing table has a transcript, and each unusable type."""
    transcripts = [load(path) for path in FILES]
    rows = _routing_rows()
    assert rows == {"1", "1a", "1b", "1c", "2", "3", "4", "5", "6", "any"}
    covered = {str(row) for t in transcripts for row in t["rows"]}
    assert rows <= covered, f"no transcript covers rows {sorted(rows - covered)}"
    types = {
        message["type"]
        for t in transcripts
        for step in t["steps"]
        if "webhook" in step
        for entry in step["webhook"]["entry"]
        for change in entry["changes"]
        for message in change["value"].get("messages", [])
    }
    unusable = {"audio", "video", "sticker", "location", "contacts", "reaction", "unsupported"}
    assert {"text", "image", *unusable} <= types


def test_every_transcript_expects_something() -> None:
    """No step and no transcript goes unchecked: each has its expected outcome written down."""
    for path in FILES:
        transcript = load(path)
        assert transcript.get("expect"), f"{path.name}: no final expectation"
        for i, step in enumerate(transcript["steps"]):
            assert step.get("expect") is not None, f"{path.name}, step {i}: no expectation"


@settings(max_examples=25, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_redeliveries_of_any_transcript_change_nothing(data: st.DataObject) -> None:
    """
    Any transcript, each of its webhooks delivered again any number of times, in any order,
    anywhere after its first delivery, leaves the same reports and the same outbox as one
    delivery of each.
    """
    transcript = load(data.draw(st.sampled_from(FILES), label="transcript"))
    webhooks = [
        (i, document)
        for i, step in enumerate(transcript["steps"])
        if "webhook" in step
        for document in deliveries(step)
    ]
    if not webhooks:
        return
    count = len(transcript["steps"])
    later: list[list[dict[str, Any]]] = [[] for _ in range(count)]
    for _ in range(data.draw(st.integers(0, 10), label="redeliveries")):
        first, document = data.draw(st.sampled_from(webhooks))
        later[data.draw(st.integers(first, count - 1), label="after step")].append(document)
    once = Replay(transcript, InMemoryStorage())
    for step in transcript["steps"]:
        once.step(step)
    again = Replay(transcript, InMemoryStorage())
    for step, redelivered in zip(transcript["steps"], later, strict=True):
        again.step(step)
        for document in redelivered:
            again.deliver(document)
    assert again.state() == once.state()
