"""
Contract cases for the received-webhook store of a storage (:class:`ReceivedWebhooks`).

Mixed into :class:`~layanan_aduan.testing.contracts.StorageContract`, so every storage adapter
runs them with its own ``storage`` fixture.
"""
# ruff: noqa: S101 - a pytest suite: assertions are its checks

from __future__ import annotations

import threading

import pendulum
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from layanan_aduan.exceptions import (
    InvalidTypeError,
    NaiveDatetimeError,
    StorageInputError,
    StorageStateError,
    WebhookNotFoundError,
)
from layanan_aduan.ports import ReceivedWebhooks, Storage

__all__ = ["ReceivedWebhooksCases"]

_AT = pendulum.datetime(2026, 1, 12, 9, 5, tz="Asia/Jakarta")


class ReceivedWebhooksCases:
    """
    The received-webhook cases of the storage contract.
    """

    def test_received_webhooks_implement_the_port(self, storage: Storage) -> None:
        """storage.webhooks satisfies the ReceivedWebhooks port and starts empty."""
        assert isinstance(storage.webhooks, ReceivedWebhooks)
        assert storage.webhooks.count() == 0
        assert storage.webhooks.unprocessed() == []

    @settings(
        max_examples=15,
        deadline=None,
        # Each adapter's test class runs this one method (fsspec's tests/abstract pattern).
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.differing_executors,
        ],
    )
    @given(body=st.binary(max_size=2048) | st.binary(max_size=64).map(b"layanan-aduan/".__add__))
    def test_a_body_comes_back_byte_for_byte(self, storage: Storage, body: bytes) -> None:
        """Whatever bytes are recorded are given back exactly, with route and instant in UTC."""
        webhook_id = storage.webhooks.record(body, route="KNJP", received_at=_AT)
        got = storage.webhooks.get(webhook_id)
        assert got.body == body
        assert got.route == "KNJP"
        assert got.received_at == _AT
        assert got.received_at.timezone_name == "UTC"
        assert got.processed_at is None
        assert str(len(body)) in repr(got)

    def test_unprocessed_in_order_until_marked(self, storage: Storage) -> None:
        """Bodies wait in the order received; a marked one leaves the waiting list; marking
        twice keeps the first instant."""
        hooks = storage.webhooks
        ids = [hooks.record(f"b{i}".encode(), route="KNJP", received_at=_AT) for i in range(5)]
        assert ids == sorted(ids)
        assert len(set(ids)) == 5
        assert [w.webhook_id for w in hooks.unprocessed()] == ids
        assert [w.webhook_id for w in hooks.unprocessed(limit=2)] == ids[:2]
        assert [w.webhook_id for w in hooks.unprocessed(after=ids[2])] == ids[3:]
        first = _AT.add(minutes=1)
        hooks.mark_processed(ids[1], at=first)
        hooks.mark_processed(ids[1], at=first.add(minutes=5))
        assert hooks.get(ids[1]).processed_at == first
        # Once ingested its bytes are forgotten (they held the sender's data); the rest stay.
        assert hooks.get(ids[1]).body == b""
        assert hooks.get(ids[0]).body == b"b0"
        assert [w.webhook_id for w in hooks.unprocessed()] == [ids[0], *ids[2:]]
        assert (hooks.count(), hooks.count(processed=True), hooks.count(processed=False)) == (
            5,
            1,
            4,
        )

    def test_webhook_refusals_change_nothing(self, storage: Storage) -> None:
        """Unknown ids, a naive instant, a non-bytes body, an empty route and a bad limit are
        refused with typed errors, and nothing is stored."""
        hooks = storage.webhooks
        with pytest.raises(WebhookNotFoundError):
            hooks.get(424242)
        with pytest.raises(WebhookNotFoundError):
            hooks.mark_processed(424242, at=_AT)
        with pytest.raises(NaiveDatetimeError):
            hooks.record(b"x", route="KNJP", received_at=_AT.naive())
        with pytest.raises(InvalidTypeError):
            hooks.record("x", route="KNJP", received_at=_AT)  # type: ignore[arg-type]
        with pytest.raises(StorageInputError):
            hooks.record(b"x", route="", received_at=_AT)
        with pytest.raises(StorageInputError):
            hooks.unprocessed(limit=0)
        assert hooks.count() == 0

    def test_concurrent_records_get_distinct_ids(self, storage: Storage) -> None:
        """Eight threads recording at once: every body is kept under its own id."""
        hooks = storage.webhooks
        ids: list[int] = []
        lock = threading.Lock()

        def work(n: int) -> None:
            for i in range(10):
                got = hooks.record(f"{n}-{i}".encode(), route="KNJP", received_at=_AT)
                with lock:
                    ids.append(got)

        threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert len(set(ids)) == 80
        assert hooks.count(processed=False) == 80

    def test_closed_storage_refuses_webhooks(self, storage: Storage) -> None:
        """After close() the store refuses work."""
        storage.close()
        with pytest.raises(StorageStateError):
            storage.webhooks.record(b"x", route="KNJP", received_at=_AT)

    def test_record_many_keeps_order_and_is_all_or_nothing(self, storage: Storage) -> None:
        """Several bodies in one call get increasing ids in their order; one bad item refuses
        the whole call and nothing is stored."""
        hooks = storage.webhooks
        ids = hooks.record_many([(b"a", "KNJP"), (b"b", "KMKS"), (b"c", "KNJP")], received_at=_AT)
        assert ids == sorted(ids)
        assert [hooks.get(i).body for i in ids] == [b"a", b"b", b"c"]
        assert hooks.get(ids[1]).route == "KMKS"
        with pytest.raises(StorageInputError):
            hooks.record_many([(b"d", "KNJP"), (b"e", "")], received_at=_AT)
        assert hooks.count() == 3
