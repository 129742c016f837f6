"""
Personal-data ports: the keys personal data is sealed with, and the cipher storage seals it by.

Personal data (the reporter's name, NIK, telephone, WhatsApp user id, address, e-mail and the
free text of a report) is kept apart from what the hash chain covers, in a per-event *vault*
that storage seals with a :class:`FieldCipher` (AES-GCM in
:mod:`layanan_aduan.adapters.field_cipher`) and erases on request. Columns that need equality
(a reporter found by telephone or WhatsApp user id, a sender counted in a flood window) hold a
*blind index*, a keyed HMAC of the value, never the value.

The keys come from a :class:`DataKeyring` (a key file or an environment variable; a KMS would be
another adapter) and never from the database they protect: a copy of the database without the
keyring reveals no personal field. Each key is named by a short *key id* stored beside every
sealed value, so a keyring that holds the old key and the new one reads both during a rotation.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

__all__ = ["DataKeyring", "FieldCipher", "Resealable"]


@runtime_checkable
class DataKeyring(Protocol):
    """
    Port: the secret keys personal data is sealed with, found by key id.
    """

    @property
    def current_key_id(self) -> str:
        """
        The id of the key new values are sealed and indexed with.
        """
        ...

    @property
    def key_ids(self) -> frozenset[str]:
        """
        The ids of every key held: the current one and those kept to read older values.
        """
        ...

    def key(self, key_id: str) -> bytes:
        """
        The 32 secret bytes of ``key_id``.

        Raises:
            PersonalDataKeyError: No key of that id is held (``personal_data_key_unknown``).
        """
        ...


@runtime_checkable
class FieldCipher(Protocol):
    """
    Port: seals personal values at rest and derives their blind indexes.

    ``context`` binds a sealed value to where it is kept (e.g. ``"report_personal/r1/3"``):
    a value copied to another row does not open there.
    """

    @property
    def encrypts(self) -> bool:
        """
        False for a cipher that keeps values readable (no key configured); True otherwise.
        """
        ...

    @property
    def key_id(self) -> str:
        """
        The id of the key new values are sealed with (``"plain"`` when nothing is encrypted).
        """
        ...

    def seal(self, plaintext: str, context: str) -> str:
        """
        ``plaintext`` sealed for ``context``, as ASCII text that names the key it was sealed
        with.
        """
        ...

    def open(self, sealed: str, context: str) -> str:
        """
        The plaintext of a value :meth:`seal` made for ``context``.

        Raises:
            PersonalDataUnreadableError: The value was altered, sealed for another context,
                or under a key no longer held.
        """
        ...

    def sealed_key_id(self, sealed: str) -> str:
        """
        The id of the key ``sealed`` was sealed with (a rotation re-seals the others).
        """
        ...

    def blind_index(self, value: str, purpose: str) -> str:
        """
        The blind index of ``value`` for ``purpose`` (e.g. ``"reporter_phone"``) under the
        current key: equal values give equal indexes, and nothing about the value can be read
        from it without the key.
        """
        ...

    def blind_indexes(self, value: str, purpose: str) -> tuple[str, ...]:
        """
        The blind index of ``value`` under every key held, current first: what a lookup
        matches during a rotation, while some rows are still indexed under the old key.
        """
        ...


@runtime_checkable
class Resealable(Protocol):
    """
    Port: a storage whose sealed values can be re-sealed under its cipher's current key, a
    batch at a time, while it serves (a key rotation without downtime).
    """

    def sealed_by_key(self) -> dict[str, int]:
        """
        How many stored values each key id seals (``"plain"`` for values kept readable):
        the vault entries, the outbox payloads and the webhook bodies waiting to be ingested.
        """
        ...

    def reseal_personal(self, *, batch: int = 500) -> int:
        """
        Re-seal up to ``batch`` stored values that are not sealed under the current key, each
        batch in its own unit of work; return how many were (0 when none is left).

        Raises:
            PersonalDataUnreadableError: A value sealed under a key the cipher no longer holds.
        """
        ...

    def unindexed_reporters(self, *, limit: int = 500) -> list[str]:
        """
        The ids of up to ``limit`` reports whose reporter lookup keys are not blind indexes
        under the current key (written under an older key, or before blind indexes): what a
        rotation re-projects, so that a reporter stays findable once the old key is retired.
        """
        ...
