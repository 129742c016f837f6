"""
The tamper-evident history of a report: immutable, hash-chained events.

Every transition of a report is one :class:`Event`: who (actor id and role), when (two
instants, kept in UTC: ``at``, the instant the event is about, and ``recorded_at``, the
instant the desk recorded it from its clock), what (the action), from which state to which,
and the action's data (the ``payload``: the direction text, the follow-up text, the reason
for closing, ...).

**Canonical form.** :meth:`Event.to_dict` gives plain JSON types; :func:`canonical_json`
writes them with sorted keys, no whitespace, UTF-8 and no floats; instants are written in
UTC as ``YYYY-MM-DDTHH:MM:SS[.ffffff]Z``.

**Chain.** Events of one report are numbered ``seq`` = 1, 2, 3, ... Each carries the
``prev_hash`` of the one before it (the first carries :data:`GENESIS_HASH`, 64 zeros) and
its own ``hash``: the SHA-256, in lower-case hex, of the canonical JSON of every field but
``hash`` itself (so ``prev_hash`` is covered). Changing any byte of any event, or removing,
reordering or inserting one, breaks the chain; :func:`verify` says where and how.

``recorded_at`` is written (and hashed) only when it differs from ``at``: an event without it
was recorded at the instant it is about, which is what every event stored before the two
instants existed says, so their hashes stay as they were.

A chain can only vouch for what it holds: a removed *last* event or a rewritten tail is
detected only against an anchor kept elsewhere, the report's ``version`` (number of events)
and the ``hash`` of its last event. Storage keeps both beside the stream and passes them to
:func:`verify`.

>>> import pendulum
>>> first = Event.record(
...     None,
...     report_id="r-1",
...     action="submit",
...     actor_id="US.1234567890",
...     actor_role="reporter",
...     at=pendulum.datetime(2026, 1, 9, 8, tz="Asia/Jakarta"),
...     from_state=None,
...     to_state="submitted",
... )
>>> first.seq, first.prev_hash == GENESIS_HASH, first.to_dict()["at"]
(1, True, '2026-01-09T01:00:00Z')
>>> verify([first], version=1, head=first.hash).ok
True
>>> verify([attrs.evolve(first, to_state="completed")]).problems[0].kind
<TamperKind.EDITED: 'edited'>
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import enum
import hashlib
import json
import secrets
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, Final

import attrs
import pendulum

from layanan_aduan.domain.workflow import Role
from layanan_aduan.exceptions import EventFormatError, HistoryTamperedError, NaiveDatetimeError
from layanan_aduan.privacy import mask, redact_identifiers

__all__ = [
    "GENESIS_HASH",
    "PERSONAL_PAYLOAD_KEYS",
    "Event",
    "FrozenMap",
    "PersonalSeal",
    "TamperKind",
    "TamperProblem",
    "Verification",
    "canonical_json",
    "to_instant",
    "verify",
]

GENESIS_HASH = "0" * 64
"""The ``prev_hash`` of the first event of every report."""

_HEX = frozenset("0123456789abcdef")

PERSONAL_PAYLOAD_KEYS: Final = frozenset(
    {
        "details",
        "direction",
        "evidence",
        "follow_up",
        "late_entry_reason",
        "message",
        "message_id",
        "note",
        "unseal_reason",
    }
)
"""
The payload keys that hold personal data, kept out of what an event's hash covers (see
:class:`PersonalSeal`): the reporter's identity (``details``), their words (``message``),
the evidence they sent (file names are theirs), and the staff's free texts, which may name
people (``direction``, ``follow_up``, ``note``, ``late_entry_reason``, ``unseal_reason``), and the
id of the reporter's WhatsApp message (``message_id``: it embeds their number). The reporter's own
``actor_id`` is sealed too.
"""

_SALT_BYTES: Final = 16
_COMMITMENT_LABEL: Final = b"layanan-aduan/personal/v1\x00"


def to_instant(value: dt.datetime, field: str = "at") -> pendulum.DateTime:
    """
    The aware datetime ``value`` as a pendulum instant in UTC.

    Raises:
        NaiveDatetimeError: When ``value`` has no time zone (it would be a wall-clock
            reading, not an instant).
        EventFormatError: When ``value`` is not a datetime.

    >>> to_instant(pendulum.datetime(2026, 1, 9, 8, tz="Asia/Jakarta")).isoformat()
    '2026-01-09T01:00:00+00:00'
    """
    if not isinstance(value, dt.datetime):
        raise EventFormatError(
            f"'{field}' harus berupa waktu (datetime).",
            f"'{field}' must be a datetime.",
            code="not_an_instant",
            field=field,
        )
    if value.tzinfo is None or value.utcoffset() is None:
        raise NaiveDatetimeError(
            f"Waktu '{field}' tanpa zona waktu tidak diterima.",
            f"A datetime without a time zone is not accepted for '{field}'.",
            field=field,
        )
    if type(value) is pendulum.DateTime and value.tzinfo is pendulum.UTC:
        return value  # already an instant in UTC: no copy
    return pendulum.instance(value).in_timezone("UTC")


def _utc_instant(naive: dt.datetime) -> pendulum.DateTime:
    # A naive wall time read as UTC, as a pendulum instant (without pendulum's conversions).
    return pendulum.DateTime(
        naive.year,
        naive.month,
        naive.day,
        naive.hour,
        naive.minute,
        naive.second,
        naive.microsecond,
        tzinfo=pendulum.UTC,
    )


def _format_instant(value: pendulum.DateTime) -> str:
    if value.tzinfo is not pendulum.UTC:
        value = value.in_timezone("UTC")
    return value.isoformat().replace("+00:00", "Z")


class FrozenMap(Mapping[str, Any]):
    """
    An immutable, hashable mapping of JSON values (nested mappings frozen, lists as tuples).

    >>> m = FrozenMap({"b": [1, {"c": None}], "a": "x"})
    >>> m["b"]
    (1, FrozenMap({'c': None}))
    >>> m.thaw()
    {'a': 'x', 'b': [1, {'c': None}]}
    """

    __slots__ = ("_data", "_hash")

    def __init__(self, data: Mapping[str, Any] | Iterable[tuple[str, Any]] = ()) -> None:
        items = dict(data)
        frozen: dict[str, Any] = {}
        for key in sorted(items):
            if not isinstance(key, str):
                raise EventFormatError(
                    "Kunci data peristiwa harus berupa teks.",
                    "Event data keys must be strings.",
                    code="invalid_payload",
                    field="payload",
                )
            frozen[key] = _freeze(items[key], key)
        self._data = frozen
        self._hash: int | None = None

    def __getitem__(self, key: str) -> Any:
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __hash__(self) -> int:
        if self._hash is None:
            self._hash = hash(tuple(self._data.items()))
        return self._hash

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Mapping):
            return dict(self.items()) == dict(other.items())
        return NotImplemented

    def __repr__(self) -> str:
        return f"FrozenMap({self._data!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (FrozenMap, (self.thaw(),))

    def thaw(self) -> dict[str, Any]:
        """
        A plain, mutable ``dict`` copy with lists for tuples (JSON types only).
        """
        return {k: _thaw(v) for k, v in self._data.items()}


def _freeze(value: Any, field: str) -> Any:
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, FrozenMap):
        return value
    if isinstance(value, Mapping):
        return FrozenMap(value)
    if isinstance(value, list | tuple):
        return tuple(_freeze(v, field) for v in value)
    raise EventFormatError(
        f"Data peristiwa '{field}' bukan nilai JSON yang diterima "
        "(teks, bilangan bulat, boolean, null, daftar, objek).",
        f"Event data '{field}' is not an accepted JSON value "
        "(string, integer, boolean, null, list, object).",
        code="invalid_payload",
        field="payload",
    )


def _thaw(value: Any) -> Any:
    if isinstance(value, FrozenMap):
        return value.thaw()
    if isinstance(value, tuple):
        return [_thaw(v) for v in value]
    return value


def canonical_json(data: Mapping[str, Any]) -> str:
    """
    The canonical JSON text of ``data``: sorted keys, no whitespace, non-ASCII kept.

    >>> canonical_json({"b": 1, "a": ["é", None]})
    '{"a":["é",null],"b":1}'
    """
    return json.dumps(
        _thaw(data) if isinstance(data, FrozenMap) else data,
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        allow_nan=False,
    )


def _to_role(value: Role | str) -> Role:
    try:
        return Role(value)
    except ValueError:
        shown = redact_identifiers(str(value))
        raise EventFormatError(
            f"Peran {shown!r} tidak dikenal.",
            f"Unknown role {shown!r}.",
            code="invalid_role",
            field="actor_role",
        ) from None


def _to_payload(value: Mapping[str, Any]) -> FrozenMap:
    return value if isinstance(value, FrozenMap) else FrozenMap(value)


def _at_converter(value: dt.datetime) -> pendulum.DateTime:
    return to_instant(value, "at")


def _recorded_at_converter(value: dt.datetime) -> pendulum.DateTime:
    return to_instant(value, "recorded_at")


def _parse_instant(data: Mapping[str, Any], key: str) -> pendulum.DateTime:
    # An instant as :meth:`Event.to_dict` writes it, and only so.
    text = data[key]
    value: pendulum.DateTime | None = None
    if isinstance(text, str) and text.endswith("Z"):
        # The stdlib's parser (about a hundred times pendulum.parse's speed); the exact
        # round trip below refuses every form but the one written.
        try:
            parsed = dt.datetime.fromisoformat(text[:-1])
        except ValueError:
            parsed = None
        if parsed is not None and parsed.tzinfo is None:
            value = _utc_instant(parsed)
    if value is None or _format_instant(value) != text:
        raise EventFormatError(
            f"'{key}' harus waktu UTC berbentuk YYYY-MM-DDTHH:MM:SS[.ffffff]Z.",
            f"'{key}' must be a UTC instant written YYYY-MM-DDTHH:MM:SS[.ffffff]Z.",
            code="invalid_instant",
            field=key,
        )
    return value


@attrs.frozen
class PersonalSeal:
    """
    How an event keeps its personal values out of the hash chain.

    The hash covers ``commitment``, the SHA-256 of a random ``salt`` and the canonical JSON of
    the personal values (the payload's :data:`PERSONAL_PAYLOAD_KEYS` and a reporter's
    ``actor_id``), not the values themselves. The values and the salt are kept beside the
    event (storage keeps them in a separate, encrypted vault); erasing them leaves the
    commitment, so the history still verifies, and without the salt nobody can test a guess
    (a telephone number, a NIK) against it.

    Attributes:
        commitment: 64 lower-case hex digits.
        salt: The salt, base64; ``None`` once the personal values were erased.
        stray: Personal keys found inside the hashed payload of a stored event (never written
            by this library: an edit), kept so that the event's content, and so its hash, show
            the edit; ``stray_actor_id`` likewise for a reporter's id found in the hashed part.
    """

    commitment: str
    salt: str | None
    stray: FrozenMap | None = attrs.field(default=None, kw_only=True)
    stray_actor_id: str | None = attrs.field(default=None, kw_only=True)

    @property
    def is_erased(self) -> bool:
        """
        True once the personal values (and the salt) were erased.
        """
        return self.salt is None


def _commitment(salt: str, values: Mapping[str, Any]) -> str:
    raw = base64.b64decode(salt.encode("ascii"), validate=True)
    return hashlib.sha256(
        _COMMITMENT_LABEL + raw + canonical_json(values).encode("utf-8")
    ).hexdigest()


@attrs.frozen(repr=False)
class Event:
    """
    One transition of one report, immutable and hash-chained.

    Attributes:
        report_id: The report's opaque id.
        seq: Position in the report's history, 1 for the submission.
        action: The workflow action, e.g. ``"give_direction"``.
        actor_id: Who acted: the reporter's key (WhatsApp user id or number) or an
            employee's id. Personal data: masked in the repr.
        actor_role: The actor's role.
        actor_staff_role: For staff, the role the office's staff directory gave them at
            that instant (e.g. ``"acting_section_head"`` for a Plh acting as
            ``section_head``); ``None`` for the reporter and for events recorded before the
            directory existed. Written (and hashed) only when set, so older histories keep
            their hashes.
        at: The instant the event is about, in UTC: for a staff step what the actor says
            (the report bounds it by the instants recorded), for the reporter's events the
            instant their message arrived, bounded by the desk's clock.
        recorded_at: The instant the desk recorded the event, from its clock (never from
            the caller); ``at`` when not given. Written (and hashed) only when it differs
            from ``at``, so events stored before it existed keep their hashes and read with
            ``recorded_at == at``.
        from_state: The state before (``None`` for the submission).
        to_state: The state after.
        payload: The action's data (JSON values). The submission's holds the reporter's
            identity and message: personal data, never shown in the repr.
        prev_hash: The ``hash`` of the event before (:data:`GENESIS_HASH` for ``seq`` 1).
        hash: SHA-256 of the canonical JSON of every other field (see the module docstring).
        seal: How the personal values are kept out of the hash (:class:`PersonalSeal`);
            ``None`` for an event without personal data and for events recorded before
            sealing existed, whose hash covers their personal values themselves.
    """

    report_id: str
    seq: int
    action: str
    actor_id: str
    actor_role: Role = attrs.field(converter=_to_role)
    at: pendulum.DateTime = attrs.field(converter=_at_converter)
    from_state: str | None
    to_state: str
    payload: FrozenMap = attrs.field(converter=_to_payload)
    prev_hash: str
    hash: str
    actor_staff_role: str | None = attrs.field(default=None, kw_only=True)
    recorded_at: pendulum.DateTime = attrs.field(
        default=attrs.Factory(lambda self: self.at, takes_self=True),
        kw_only=True,
        converter=_recorded_at_converter,
    )
    seal: PersonalSeal | None = attrs.field(default=None, kw_only=True)

    @property
    def is_erased(self) -> bool:
        """
        True when this event's personal values were erased (its hash still verifies).
        """
        return self.seal is not None and self.seal.salt is None

    def personal_values(self) -> dict[str, Any]:
        """
        The personal values the seal commits to: ``{"payload": {...}}`` with the payload's
        personal keys, and ``"actor_id"`` for the reporter's events. Empty once erased.
        """
        if self.is_erased:
            return {}
        values: dict[str, Any] = {}
        personal = {k: v for k, v in self.payload.items() if k in PERSONAL_PAYLOAD_KEYS}
        if personal:
            values["payload"] = FrozenMap(personal).thaw()
        if self.actor_role is Role.REPORTER:
            values["actor_id"] = self.actor_id
        return values

    def erased(self) -> Event:
        """
        This event as it reads once its personal values are erased: the personal payload keys
        and a reporter's ``actor_id`` gone, the salt gone, the commitment and the hash kept.
        An event without a seal is returned as it is (it has nothing apart to erase).
        """
        if self.seal is None or self.is_erased:
            return self
        commitment = _commitment(self.seal.salt or "", self.personal_values())
        return attrs.evolve(
            self,
            actor_id="" if self.actor_role is Role.REPORTER else self.actor_id,
            payload={k: v for k, v in self.payload.items() if k not in PERSONAL_PAYLOAD_KEYS},
            seal=PersonalSeal(commitment, None),
        )

    @property
    def is_staff_step(self) -> bool:
        """
        True for an event recorded by staff (an officer or the section head), whose ``at`` is
        what the actor says; False for the reporter's events.
        """
        return self.actor_role is not Role.REPORTER

    @property
    def sla_at(self) -> pendulum.DateTime:
        """
        The instant the SLA clock, the listings and the sweeps count for this event: the
        recorded instant of a staff step (a claimed instant never moves a deadline), the
        bounded arrival instant (``at``) of the reporter's events.
        """
        return self.recorded_at if self.is_staff_step else self.at

    @property
    def late_entry_reason(self) -> str | None:
        """
        Why a staff step was entered late (its ``at`` before the bound the report allows),
        as the actor wrote it; ``None`` for an ordinary entry.
        """
        reason = self.payload.get("late_entry_reason")
        return reason if isinstance(reason, str) else None

    @classmethod
    def record(
        cls,
        previous: Event | None,
        *,
        report_id: str,
        action: str,
        actor_id: str,
        actor_role: Role | str,
        at: dt.datetime,
        from_state: str | None,
        to_state: str,
        payload: Mapping[str, Any] | None = None,
        actor_staff_role: str | None = None,
        recorded_at: dt.datetime | None = None,
        salt: bytes | None = None,
    ) -> Event:
        """
        A new event chained after ``previous`` (``None`` for a report's first event): its
        ``seq``, ``prev_hash`` and ``hash`` are computed here. ``recorded_at`` is ``at``
        when not given.

        An event with personal values (a reporter's, or a payload with one of
        :data:`PERSONAL_PAYLOAD_KEYS`) is sealed (:class:`PersonalSeal`) with ``salt``, 16
        random bytes drawn here when not given (give one only to reproduce a hash).
        """
        seq = 1 if previous is None else previous.seq + 1
        prev_hash = GENESIS_HASH if previous is None else previous.hash
        draft = cls(
            report_id=report_id,
            seq=seq,
            action=str(action),
            actor_id=actor_id,
            actor_role=actor_role,
            at=at,
            from_state=None if from_state is None else str(from_state),
            to_state=str(to_state),
            payload=FrozenMap(payload or {}),
            prev_hash=prev_hash,
            hash="",
            actor_staff_role=None if actor_staff_role is None else str(actor_staff_role),
            recorded_at=at if recorded_at is None else recorded_at,
        )
        values = draft.personal_values()
        if values:
            raw = secrets.token_bytes(_SALT_BYTES) if salt is None else bytes(salt)
            text = base64.b64encode(raw).decode("ascii")
            draft = attrs.evolve(draft, seal=PersonalSeal(_commitment(text, values), text))
        return attrs.evolve(draft, hash=draft.compute_hash())

    def content(self) -> dict[str, Any]:
        """
        Every field but ``hash``, as JSON values: what the hash covers. A sealed event's
        personal values are not in it: their commitment is (``personal``), computed from the
        values and the salt while they are held, kept as stored once they are erased.
        """
        seal = self.seal
        payload = self.payload.thaw()
        actor_id = self.actor_id
        if seal is not None and seal.salt is not None:
            # Held: the commitment covers them. Once erased the event holds none, and any
            # added back would change the hash.
            payload = {k: v for k, v in payload.items() if k not in PERSONAL_PAYLOAD_KEYS}
            if seal.stray is not None:
                payload.update(seal.stray.thaw())
            if self.actor_role is Role.REPORTER:
                actor_id = seal.stray_actor_id or ""
        content: dict[str, Any] = {
            "action": self.action,
            "actor_id": actor_id,
            "actor_role": self.actor_role.value,
            "at": _format_instant(self.at),
            "from_state": self.from_state,
            "payload": payload,
            "prev_hash": self.prev_hash,
            "report_id": self.report_id,
            "seq": self.seq,
            "to_state": self.to_state,
        }
        if self.actor_staff_role is not None:
            content["actor_staff_role"] = self.actor_staff_role
        if self.recorded_at != self.at:
            content["recorded_at"] = _format_instant(self.recorded_at)
        if seal is not None:
            content["personal"] = (
                seal.commitment
                if seal.salt is None
                else _commitment(seal.salt, self.personal_values())
            )
        return content

    def compute_hash(self) -> str:
        """
        The hash this event's content calls for (equal to ``hash`` unless it was tampered with).
        """
        return hashlib.sha256(canonical_json(self.content()).encode("utf-8")).hexdigest()

    @property
    def is_intact(self) -> bool:
        """
        True when ``hash`` matches the content (and a sealed event's stored commitment matches
        the personal values it holds).
        """
        content = self.content()
        seal = self.seal
        if seal is not None and seal.salt is not None and content["personal"] != seal.commitment:
            return False
        return self.hash == hashlib.sha256(canonical_json(content).encode("utf-8")).hexdigest()

    def to_dict(self) -> dict[str, Any]:
        """
        The event as plain JSON values, ``hash`` included; :meth:`from_dict` reads it back.

        Keys: ``action``, ``actor_id``, ``actor_role``, ``at``, ``from_state``, ``hash``,
        ``payload``, ``prev_hash``, ``report_id``, ``seq``, ``to_state``,
        ``actor_staff_role`` when set, and ``recorded_at`` when it is not ``at``. A sealed
        event adds ``personal`` (the commitment, hashed) and, while its personal values are
        held, ``personal_data`` (not hashed): ``{"salt": ..., "values": ...}``, which storage
        keeps apart, in its vault, so that it can be erased. Stable: storage writes the rest
        as it is.
        """
        data = {**self.content(), "hash": self.hash}
        seal = self.seal
        if seal is not None and seal.salt is not None:
            data["personal_data"] = {"salt": seal.salt, "values": self.personal_values()}
        return data

    def to_json(self) -> str:
        """
        :meth:`to_dict` as canonical JSON text.
        """
        return canonical_json(self.to_dict())

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Event:
        """
        Read an event written by :meth:`to_dict`, as it is: the hash is not checked here
        (:func:`verify` does that, and says where a history was tampered with).

        Raises:
            EventFormatError: When a key is missing or unknown, or a value has the wrong type.
        """
        if not isinstance(data, Mapping):
            raise EventFormatError(
                "Peristiwa harus berupa objek JSON.",
                "An event must be a JSON object.",
                code="invalid_event",
            )
        expected = set(_FIELD_TYPES)
        keys = set(data) - set(_OPTIONAL_FIELD_TYPES)
        for key in sorted(expected - keys):
            raise EventFormatError(
                f"Peristiwa tidak memuat '{key}'.",
                f"The event has no '{key}'.",
                code="missing_key",
                field=key,
            )
        for key in sorted(keys - expected, key=str):
            # Stored data, possibly tampered with: shown masked like any caller's input.
            unknown = redact_identifiers(str(key))
            raise EventFormatError(
                f"Peristiwa memuat kunci yang tidak dikenal {unknown!r}.",
                f"The event has an unknown key {unknown!r}.",
                code="unknown_key",
                field=unknown,
            )
        optional = {k: t for k, t in _OPTIONAL_FIELD_TYPES.items() if k in data}
        for key, types in {**_FIELD_TYPES, **optional}.items():
            value = data[key]
            if not isinstance(value, types) or (isinstance(value, bool) and bool not in types):
                raise EventFormatError(
                    f"Nilai '{key}' pada peristiwa bertipe salah.",
                    f"The event's '{key}' has the wrong type.",
                    code="wrong_type",
                    field=key,
                )
        for key in ("hash", "prev_hash", "personal"):
            if key in data and (len(data[key]) != 64 or not set(data[key]) <= _HEX):
                raise EventFormatError(
                    f"'{key}' harus 64 digit heksadesimal huruf kecil.",
                    f"'{key}' must be 64 lower-case hexadecimal digits.",
                    code="invalid_hash",
                    field=key,
                )
        at = _parse_instant(data, "at")
        recorded_at = _parse_instant(data, "recorded_at") if "recorded_at" in data else at
        actor_id: str = data["actor_id"]
        payload: Mapping[str, Any] = data["payload"]
        seal = None
        role = _to_role(data["actor_role"])
        if "personal" in data:
            seal, payload, actor_id = _unsealed(data, role, payload, actor_id)
        elif "personal_data" in data:
            raise _vault_error("personal_data without a commitment")
        return cls(
            report_id=data["report_id"],
            seq=data["seq"],
            action=data["action"],
            actor_id=actor_id,
            actor_role=role,
            at=at,
            from_state=data["from_state"],
            to_state=data["to_state"],
            payload=payload,
            prev_hash=data["prev_hash"],
            hash=data["hash"],
            actor_staff_role=data.get("actor_staff_role"),
            recorded_at=recorded_at,
            seal=seal,
        )

    def __repr__(self) -> str:
        keys = ",".join(self.payload)
        as_staff = "" if self.actor_staff_role is None else f" as {self.actor_staff_role}"
        recorded = (
            "" if self.recorded_at == self.at else f"recorded={_format_instant(self.recorded_at)}, "
        )
        return (
            f"Event(seq={self.seq}, action={self.action!r}, "
            f"actor={self.actor_role.value}:{mask(self.actor_id)}{as_staff}, "
            f"at={_format_instant(self.at)}, {recorded}"
            f"{self.from_state} -> {self.to_state}, payload_keys=[{keys}], "
            f"hash={self.hash[:12]}...)"
        )


_FIELD_TYPES: dict[str, tuple[type, ...]] = {
    "action": (str,),
    "actor_id": (str,),
    "actor_role": (str,),
    "at": (str,),
    "from_state": (str, type(None)),
    "hash": (str,),
    "payload": (Mapping,),
    "prev_hash": (str,),
    "report_id": (str,),
    "seq": (int,),
    "to_state": (str,),
}
# Keys an event may lack (written only when set, so older events keep their hashes).
_OPTIONAL_FIELD_TYPES: dict[str, tuple[type, ...]] = {
    "actor_staff_role": (str,),
    "personal": (str,),
    "personal_data": (Mapping,),
    "recorded_at": (str,),
}


def _vault_error(why: str) -> EventFormatError:
    return EventFormatError(
        "Data pribadi peristiwa tidak berbentuk yang ditulis pustaka ini.",
        f"The event's personal data is not in the form this library writes ({why}).",
        code="invalid_personal_data",
        field="personal_data",
    )


def _unsealed(
    data: Mapping[str, Any], role: Role, payload: Mapping[str, Any], actor_id: str
) -> tuple[PersonalSeal, Mapping[str, Any], str]:
    # A sealed event as stored: its personal values from ``personal_data`` when held.
    commitment: str = data["personal"]
    vault = data.get("personal_data")
    if vault is None:
        # Erased: a personal key found in the payload is hashed as it stands (an edit).
        return PersonalSeal(commitment, None), payload, actor_id
    stray = {k: v for k, v in payload.items() if k in PERSONAL_PAYLOAD_KEYS}
    if stray:
        payload = {k: v for k, v in payload.items() if k not in PERSONAL_PAYLOAD_KEYS}
    salt, values = vault.get("salt"), vault.get("values")
    if set(vault) != {"salt", "values"} or not isinstance(salt, str):
        raise _vault_error("keys")
    try:
        raw = base64.b64decode(salt.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError):
        raise _vault_error("salt") from None
    if len(raw) != _SALT_BYTES or not isinstance(values, Mapping):
        raise _vault_error("salt")
    personal = values.get("payload", {})
    if (
        not set(values) <= {"actor_id", "payload"}
        or not isinstance(personal, Mapping)
        or not set(personal) <= PERSONAL_PAYLOAD_KEYS
    ):
        raise _vault_error("values")
    stray_actor = None
    if role is Role.REPORTER:
        reporter = values.get("actor_id")
        if not isinstance(reporter, str):
            raise _vault_error("actor_id")
        stray_actor = actor_id or None  # the hashed part holds "" for a reporter
        actor_id = reporter
    elif "actor_id" in values:
        raise _vault_error("actor_id")
    seal = PersonalSeal(
        commitment,
        salt,
        stray=FrozenMap(stray) if stray else None,
        stray_actor_id=stray_actor,
    )
    return seal, {**payload, **personal}, actor_id


class TamperKind(enum.StrEnum):
    """
    How a history departs from an intact chain.
    """

    EDITED = "edited"
    """An event's content does not match its hash, or was re-hashed and no longer links."""
    REMOVED = "removed"
    """One or more events are missing (a gap in ``seq``, or fewer than the version)."""
    REORDERED = "reordered"
    """An event is out of its place in the order."""
    INSERTED = "inserted"
    """An event that does not belong: a second event for one place, another report's event,
    or more events than the version."""

    @property
    def label(self) -> str:
        """
        The Indonesian word for the kind.
        """
        return _TAMPER_LABELS[self]


_TAMPER_LABELS = {
    TamperKind.EDITED: "diubah",
    TamperKind.REMOVED: "dihapus",
    TamperKind.REORDERED: "diubah urutannya",
    TamperKind.INSERTED: "disisipkan",
}


@attrs.frozen
class TamperProblem:
    """
    One place where a history is not intact.

    Attributes:
        kind: Edited, removed, reordered or inserted.
        index: Position in the list given to :func:`verify` (for a removal, where the
            missing event belongs; ``len(events)`` for the end).
        seq: The ``seq`` concerned (the missing one, for a removal).
        message: What was found, in Indonesian.
        message_en: The same in English.
    """

    kind: TamperKind
    index: int
    seq: int | None
    message: str
    message_en: str

    def to_dict(self) -> dict[str, Any]:
        """
        The problem as JSON values.
        """
        return {"index": self.index, "kind": self.kind.value, "seq": self.seq}


@attrs.frozen
class Verification:
    """
    The result of :func:`verify`: every problem found, in list order.
    """

    problems: tuple[TamperProblem, ...]
    erased: tuple[int, ...] = ()
    """The ``seq`` of every event whose personal values were erased (its hash still verifies)."""

    @property
    def ok(self) -> bool:
        """
        True when the history is intact.
        """
        return not self.problems

    def raise_if_tampered(self) -> None:
        """
        Raise when the history is not intact.

        Raises:
            HistoryTamperedError: With the first problem in ``details`` and all of them in
                ``problems``.
        """
        if not self.problems:
            return
        first = self.problems[0]
        raise HistoryTamperedError(
            f"Riwayat laporan tidak utuh: {first.message} ({len(self.problems)} masalah).",
            f"The report's history is not intact: {first.message_en} "
            f"({len(self.problems)} problem(s)).",
            problems=self.problems,
            details={**first.to_dict(), "problems": [p.to_dict() for p in self.problems]},
        )


def verify(
    events: Iterable[Event], *, version: int | None = None, head: str | None = None
) -> Verification:
    """
    Check a report's history, and say where and how it was tampered with.

    Args:
        events: The report's events, in stored order.
        version: The number of events the report is known to have (kept beside the stream);
            without it a removal or insertion at the very end cannot be seen.
        head: The ``hash`` of the report's last event (kept beside the stream); without it
            a re-hashed last event cannot be seen.

    Checks, in order: each event's hash against its content (``edited``); events of another
    report (``inserted``); two events for one ``seq`` (the one that does not fit the chain is
    ``inserted``); events out of ``seq`` order (``reordered``, each misplaced one); gaps in
    ``seq`` (``removed``); a ``prev_hash`` that does not match the event before (the event
    before was re-hashed: ``edited``); and the anchor (``removed``/``inserted`` at the end, or
    ``edited`` when the last hash is not ``head``). One problem is reported per index and kind.

    Detection is certain; the kind is the simplest explanation of what was found (an
    event re-hashed after its ``seq`` was changed may show as several kinds).
    """
    return _Verifier(list(events), version, head).run()


class _Verifier:
    def __init__(self, events: list[Event], version: int | None, head: str | None) -> None:
        self.evs = events
        self.n = len(events)
        self.version = version
        self.head = head
        self.found: dict[tuple[int, TamperKind], TamperProblem] = {}
        self.edited = {i for i, e in enumerate(events) if not e.is_intact}
        self.intruders: set[int] = set()

    def add(self, kind: TamperKind, index: int, seq: int | None, why: str, why_en: str) -> None:
        if kind is TamperKind.REMOVED:
            # A removal has no event of its own: say where the missing ones belong.
            at = f"sebelum peristiwa ke-{index + 1}" if index < self.n else "di akhir riwayat"
            at_en = f"before event #{index + 1}" if index < self.n else "at the end"
            message, message_en = f"{kind.label} {at}: {why}", f"{kind.value} {at_en}: {why_en}"
        else:
            seq_text = "" if seq is None else f" (seq {seq})"
            message = f"peristiwa ke-{index + 1}{seq_text} {kind.label}: {why}"
            message_en = f"event #{index + 1}{seq_text} {kind.value}: {why_en}"
        self.found.setdefault((index, kind), TamperProblem(kind, index, seq, message, message_en))

    def run(self) -> Verification:
        for i in sorted(self.edited):
            self.add(
                TamperKind.EDITED,
                i,
                self.evs[i].seq,
                "isinya tidak cocok dengan hash-nya",
                "its content does not match its hash",
            )
        self.foreign()
        self.duplicates()
        rest = [i for i in range(self.n) if i not in self.intruders]
        by_seq = {self.evs[i].seq: i for i in rest}
        self.order(rest)
        self.gaps(by_seq)
        self.links(by_seq)
        self.anchor(by_seq)
        order = list(TamperKind)
        problems = sorted(self.found.values(), key=lambda p: (p.index, order.index(p.kind)))
        erased = tuple(e.seq for e in self.evs if e.is_erased)
        return Verification(tuple(problems), erased)

    def foreign(self) -> None:
        if not self.evs:
            return
        report_id = self.stream_id()
        for i, e in enumerate(self.evs):
            if e.report_id != report_id:
                self.intruders.add(i)
                self.add(
                    TamperKind.INSERTED,
                    i,
                    e.seq,
                    "milik laporan lain",
                    "it belongs to another report",
                )
            elif e.seq < 1:
                self.intruders.add(i)
                self.add(TamperKind.INSERTED, i, e.seq, "seq kurang dari 1", "its seq is below 1")

    def stream_id(self) -> str:
        # The report the history belongs to: the recorded head's, else the most common id
        # (ties go to the id of an event that starts from the genesis hash).
        for e in self.evs:
            if self.head is not None and e.hash == self.head:
                return e.report_id
        ids = Counter(e.report_id for e in self.evs)
        top = max(ids.values())
        tied = [e for e in self.evs if ids[e.report_id] == top]
        rooted = [e for e in tied if e.prev_hash == GENESIS_HASH]
        return (rooted or tied)[0].report_id

    def duplicates(self) -> None:
        evs = self.evs
        groups: dict[int, list[int]] = defaultdict(list)
        for i, e in enumerate(evs):
            if i not in self.intruders:
                groups[e.seq].append(i)
        hashes = {s: {evs[i].hash for i in idxs} for s, idxs in groups.items()}
        prevs = {s: {evs[i].prev_hash for i in idxs} for s, idxs in groups.items()}

        def fit(i: int) -> tuple[bool, bool, bool, bool, int]:
            # Of two events claiming one seq, keep the one the chain vouches for: referenced by
            # the next event (or the recorded head), in its place after the event before it,
            # linked to an event of the seq before, intact; then the earlier one.
            e = evs[i]
            referenced = e.hash in prevs.get(e.seq + 1, set()) or e.hash == self.head
            j = i - 1
            while j >= 0 and j in self.intruders:
                j -= 1
            in_place = (j < 0 and e.seq == 1) or (
                j >= 0 and evs[j].seq == e.seq - 1 and evs[j].hash == e.prev_hash
            )
            linked = (e.seq == 1 and e.prev_hash == GENESIS_HASH) or e.prev_hash in hashes.get(
                e.seq - 1, set()
            )
            return (referenced, in_place, linked, i not in self.edited, -i)

        for seq, idxs in sorted(groups.items()):
            if len(idxs) < 2:
                continue
            keep = max(idxs, key=fit)
            for i in idxs:
                if i != keep:
                    self.intruders.add(i)
                    self.add(
                        TamperKind.INSERTED,
                        i,
                        seq,
                        "seq yang sama sudah dipakai peristiwa lain",
                        "another event holds the same seq",
                    )

    def order(self, rest: list[int]) -> None:
        seqs = [self.evs[i].seq for i in rest]
        for k, (i, want) in enumerate(zip(rest, sorted(seqs), strict=True)):
            if seqs[k] != want:
                self.add(
                    TamperKind.REORDERED,
                    i,
                    seqs[k],
                    f"tempatnya seharusnya diisi seq {want}",
                    f"seq {want} belongs in its place",
                )

    def gaps(self, by_seq: dict[int, int]) -> None:
        ordered = sorted(by_seq)
        previous = 0
        for s in ordered:
            if s > previous + 1:
                self.removed(previous + 1, s - 1, by_seq[s], "", "")
            previous = s

    def removed(self, first: int, last: int, index: int, why: str, why_en: str) -> None:
        seqs = f"seq {first}" if first == last else f"seq {first}-{last}"
        self.add(
            TamperKind.REMOVED,
            index,
            first,
            f"{seqs} tidak ada{why}",
            f"{seqs} is missing{why_en}",
        )

    def links(self, by_seq: dict[int, int]) -> None:
        evs, edited = self.evs, self.edited
        for s, i in sorted(by_seq.items()):
            if i in edited:
                continue
            if s == 1 and evs[i].prev_hash != GENESIS_HASH:
                self.add(
                    TamperKind.EDITED,
                    i,
                    s,
                    "peristiwa pertama tidak berawal dari hash genesis",
                    "the first event does not start from the genesis hash",
                )
            j = by_seq.get(s - 1)
            if j is not None and j not in edited and evs[i].prev_hash != evs[j].hash:
                self.add(
                    TamperKind.EDITED,
                    j,
                    s - 1,
                    f"hash-nya tidak lagi dirujuk oleh seq {s} (diubah lalu di-hash ulang)",
                    f"its hash is no longer referenced by seq {s} (edited and re-hashed)",
                )

    def anchor(self, by_seq: dict[int, int]) -> None:
        top = max(by_seq, default=0)
        version, head = self.version, self.head
        if version is not None:
            if top < version:
                self.removed(
                    top + 1,
                    version,
                    self.n,
                    f" (riwayat berhenti sebelum versi {version})",
                    f" (the history ends before version {version})",
                )
            for s, i in sorted(by_seq.items()):
                if s > version:
                    self.add(
                        TamperKind.INSERTED,
                        i,
                        s,
                        f"melebihi versi {version}",
                        f"beyond version {version}",
                    )
        if head is None or (version is not None and top != version):
            return
        if not by_seq:
            self.add(
                TamperKind.REMOVED,
                self.n,
                None,
                "riwayat kosong padahal ada hash terakhir",
                "the history is empty but a last hash is recorded",
            )
        elif self.evs[by_seq[top]].hash != head:
            self.add(
                TamperKind.EDITED,
                by_seq[top],
                top,
                "peristiwa terakhir bukan yang tercatat (hash terakhir berbeda)",
                "the last event is not the recorded one (its hash differs)",
            )
