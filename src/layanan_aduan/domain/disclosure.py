"""
What of a report's history an evidence pack may show without the right to see personal data.

An event's canonical JSON (:meth:`~layanan_aduan.domain.history.Event.to_dict`) holds the
reporter's identity (WhatsApp number or user id as ``actor_id``; name, NIK, telephone,
address and e-mail in ``details``), their messages, and the staff's free texts (a direction,
a follow-up, a note), which may name people. :func:`mask_event` returns the event as a pack
without that right shows it:

- the reporter's ``actor_id`` is masked (:func:`~layanan_aduan.privacy.mask`);
- ``details``: each value masked (a name keeps the first letter of each word);
- free texts (``message``, ``direction``, ``follow_up``, ``note``) are withheld: replaced
  by ``"[disembunyikan: N karakter]"``; an evidence file's ``file_name`` too;
- a late entry's reason (which an auditor must read) is shown with every number that could
  be a NIK or a telephone masked, and every word of the reporter's known names masked;
- codes, hashes, digests, sizes, media types, instants and numbers are shown as they are.
  A key this module does not know is withheld, so a new kind of payload never leaks.

An event whose masked form equals its canonical form carries no personal data (a staff
step without free text): a masked pack carries it whole, and its hash can be recomputed.
One whose masked form differs cannot be re-hashed from what the pack shows.

>>> event = {"action": "forward", "actor_id": "petugas-01", "actor_role": "officer",
...          "payload": {}, "seq": 3}
>>> mask_event(event, PersonalValues()) == event
True
>>> submit = {"action": "submit", "actor_id": "+6281234567890", "actor_role": "reporter",
...           "payload": {"details": {"name": "Budi Santoso", "nik": "3171010101900001"},
...                       "message": "Dugaan pungli."}}
>>> shown = mask_event(submit, PersonalValues())
>>> shown["actor_id"], shown["payload"]["details"]
('+62********890', {'name': 'B*** S******', 'nik': '3171********0001'})
>>> shown["payload"]["message"]
'[disembunyikan: 14 karakter]'
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from layanan_aduan.domain.confidential import SEALED, seal_text
from layanan_aduan.privacy import mask, mask_name, redact_identifiers

__all__ = ["PersonalValues", "mask_event", "seal_event", "with_personal_values", "withheld"]

# Payload keys shown as they are: codes, digests, numbers, instants; never a person's words.
_SHOWN = frozenset(
    {
        "channel",
        "claimed_at",
        "direction_hash",
        "direction_seq",
        "kind",
        "media_type",
        "message_id",
        "number",
        "previous",
        "rating",
        "reason",
        "sha256",
        "size",
        "blocking",
        "code",
        "medium",
        "field",
    }
)
# Free texts: withheld whole.
_WITHHELD = frozenset({"message", "direction", "follow_up", "note", "file_name"})
# Reasons an auditor must read: shown with every known name and number masked.
_SCRUBBED = frozenset({"late_entry_reason", "unseal_reason"})
# Lists of records whose own keys are judged one by one.
_RECORDS = frozenset({"evidence", "problems", "missing"})


def withheld(text: str) -> str:
    """
    What a masked pack shows in place of a free text: its length only.

    >>> withheld("Halo")
    '[disembunyikan: 4 karakter]'
    """
    return f"[disembunyikan: {len(text)} karakter]"


@attrs.frozen
class PersonalValues:
    """
    The reporter's names and identifiers a report's history holds: masked wherever they
    appear in a text a masked pack shows.
    """

    names: frozenset[str] = frozenset()
    identifiers: frozenset[str] = frozenset()

    @classmethod
    def of_events(cls, events: Iterable[Mapping[str, Any]]) -> PersonalValues:
        """
        Collect the reporter's ids, and the names and numbers in every ``details`` block
        (of the payload, or of the personal values a sealed event keeps apart,
        ``personal_data.values``).
        """
        names: set[str] = set()
        ids: set[str] = set()
        for stored in events:
            event = with_personal_values(stored)
            actor = event.get("actor_id")
            if event.get("actor_role") == "reporter" and isinstance(actor, str) and actor:
                ids.add(actor)
            payload = event.get("payload")
            details = payload.get("details") if isinstance(payload, Mapping) else None
            if not isinstance(details, Mapping):
                continue
            for key, value in details.items():
                if not isinstance(value, str) or not value.strip():
                    continue
                if key == "name":
                    names.update(w for w in value.split() if len(w) > 1)
                else:
                    ids.add(value)
        return cls(frozenset(names), frozenset(ids))

    def scrub(self, text: str) -> str:
        """
        ``text`` with every known identifier and name word masked, and every number that
        could be a NIK or a telephone masked.
        """
        for value in sorted(self.identifiers, key=len, reverse=True):
            text = text.replace(value, mask(value))
        for word in sorted(self.names, key=len, reverse=True):
            pattern = re.compile(rf"(?<!\w){re.escape(word)}(?!\w)", re.IGNORECASE)
            text = pattern.sub(lambda m: mask_name(m.group(0)), text)
        return redact_identifiers(text)


def _detail(key: str, value: Any) -> Any:
    if not isinstance(value, str):
        return value
    return mask_name(value) if key == "name" else mask(value)


def _value(key: str, value: Any, known: PersonalValues) -> Any:
    if key == "details" and isinstance(value, Mapping):
        shown: Any = {k: _detail(k, v) for k, v in value.items()}
    elif key in _SCRUBBED and isinstance(value, str):
        shown = known.scrub(value)
    elif key in _RECORDS and isinstance(value, list):
        shown = [_payload(v, known) if isinstance(v, Mapping) else v for v in value]
    elif key in _SHOWN and key not in _WITHHELD:
        # Codes and digests; a channel is the office's (its business number), not a person's.
        shown = value
    else:
        shown = _unknown(value, known)
    return shown


def _unknown(value: Any, known: PersonalValues) -> Any:
    # A free text, or a key this module does not know: withheld; structure kept.
    if isinstance(value, str):
        return withheld(value)
    if isinstance(value, Mapping):
        return _payload(value, known)
    if isinstance(value, list):
        return [_unknown(v, known) for v in value]
    return value


def _payload(data: Mapping[str, Any], known: PersonalValues) -> dict[str, Any]:
    return {key: _value(key, value, known) for key, value in data.items()}


def with_personal_values(event: Mapping[str, Any]) -> Mapping[str, Any]:
    """
    A sealed event's JSON with the personal values it keeps apart (``personal_data``) merged
    back into its payload and ``actor_id``: what a person reads. Any other event as it is.

    >>> values = {"actor_id": "+62812", "payload": {"message": "Halo"}}
    >>> event = {"actor_id": "", "payload": {"kind": "aduan"},
    ...          "personal_data": {"salt": "...", "values": values}}
    >>> with_personal_values(event)["payload"]
    {'kind': 'aduan', 'message': 'Halo'}
    """
    vault = event.get("personal_data")
    values = vault.get("values") if isinstance(vault, Mapping) else None
    if not isinstance(values, Mapping):
        return event
    merged = dict(event)
    personal = values.get("payload")
    if isinstance(personal, Mapping) and isinstance(event.get("payload"), Mapping):
        merged["payload"] = {**event["payload"], **personal}
    if isinstance(values.get("actor_id"), str):
        merged["actor_id"] = values["actor_id"]
    return merged


def mask_event(event: Mapping[str, Any], known: PersonalValues) -> dict[str, Any]:
    """
    ``event`` (an event's JSON, :meth:`~layanan_aduan.domain.history.Event.to_dict`) as a
    masked pack shows it (see the module docstring); a new dict, ``event`` is not changed.
    """
    shown = dict(event)
    if event.get("actor_role") == "reporter" and isinstance(event.get("actor_id"), str):
        shown["actor_id"] = mask(event["actor_id"])
    payload = event.get("payload")
    if isinstance(payload, Mapping):
        shown["payload"] = _payload(payload, known)
    return shown


def _seal_value(value: Any, values: tuple[str, ...], sealed: str) -> Any:
    if isinstance(value, str):
        return seal_text(value, values, sealed=sealed)
    if isinstance(value, Mapping):
        return _seal_payload(value, values, sealed)
    if isinstance(value, list):
        return [_seal_value(v, values, sealed) for v in value]
    return value


def _seal_payload(data: Mapping[str, Any], values: tuple[str, ...], sealed: str) -> dict[str, Any]:
    return {
        key: {k: sealed for k in value}
        if key == "details" and isinstance(value, Mapping)
        else _seal_value(value, values, sealed)
        for key, value in data.items()
    }


def seal_event(
    event: Mapping[str, Any], values: Iterable[str], *, sealed: str = SEALED
) -> dict[str, Any]:
    """
    ``event`` (an event's JSON) with a confidential report's identity sealed: the reporter's
    ``actor_id`` and every ``details`` value replaced by ``sealed`` (not masked), and every
    one of ``values`` (the reporter's name, NIK, numbers, ids:
    :func:`~layanan_aduan.domain.confidential.identity_values`) replaced by ``sealed`` in
    every text of the payload. A new dict; ``event`` is not changed.

    >>> submit = {"action": "submit", "actor_id": "+6281234567890", "actor_role": "reporter",
    ...           "payload": {"details": {"name": "Budi Santoso"},
    ...                       "message": "Saya Budi Santoso melapor."}}
    >>> shown = seal_event(submit, ["Budi Santoso", "+6281234567890"])
    >>> shown["actor_id"], shown["payload"]
    ('[dirahasiakan]', {'details': {'name': '[dirahasiakan]'}, 'message': 'Saya [dirahasiakan] melapor.'})
    """  # noqa: E501 - a doctest's expected output is one line
    given = tuple(values)
    shown = dict(event)
    if event.get("actor_role") == "reporter":
        shown["actor_id"] = sealed
    payload = event.get("payload")
    if isinstance(payload, Mapping):
        shown["payload"] = _seal_payload(payload, given, sealed)
    return shown
