"""
Receiving webhooks durably: store the body first, ingest it afterwards, lose nothing.

An HTTP endpoint must answer a webhook quickly, and must not lose one it answered 200. The
:class:`WebhookIntake` splits the work in two:

1. :meth:`~WebhookIntake.receive` (on the request path): parse the verified body, place every
   item with the :class:`~layanan_aduan.service_layer.routing.OfficeRouter` (a body for a number
   no office owns is refused whole, nothing stored), and record the raw bytes in the storage's
   :class:`~layanan_aduan.ports.ReceivedWebhooks` in one short transaction;
2. :meth:`~WebhookIntake.process_pending` (off the request path, and again at start-up and
   periodically): ingest every stored body not yet processed with its office's desk, then mark
   it processed.

A crash between the two leaves the body unprocessed, and the next run ingests it. Ingesting a
body twice is harmless: the inbox dedupes message ids, so a redelivery (WhatsApp's or our
own after a crash) makes no second report.

The parser is injected (the WhatsApp adapter's :func:`parse_webhook` in the composition), so
this module names no adapter.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence

import attrs

from layanan_aduan.clock import Clock
from layanan_aduan.exceptions import LayananAduanError, StorageUnavailableError
from layanan_aduan.ports.inbound import ParsedWebhook
from layanan_aduan.ports.storage import ReceivedWebhook, Storage
from layanan_aduan.service_layer.routing import OfficeRouter

__all__ = ["PendingSummary", "WebhookIntake"]

_log = logging.getLogger("layanan_aduan.webhooks")

_BATCH = 100
# The longest an ingest run yields to records in progress before it goes on anyway (seconds).
_RECORD_WAIT = 5.0


@attrs.frozen
class PendingSummary:
    """
    What one :meth:`WebhookIntake.process_pending` run did.

    Attributes:
        processed: Bodies ingested and marked processed.
        failed: Bodies left unprocessed for the next run (an error while ingesting).
    """

    processed: int = 0
    failed: int = 0


class WebhookIntake:
    """
    Record verified webhook bodies durably, and ingest the stored ones with their desks.

    Args:
        router: The desks of the deployment, by business number.
        storage: Where the received bodies are kept (the desks' storage).
        clock: The source of ``received_at`` and ``processed_at``.
        parse: Turns a raw body into a :class:`~layanan_aduan.ports.ParsedWebhook`, raising a
            typed error for a body that is none.
    """

    def __init__(
        self,
        router: OfficeRouter,
        storage: Storage,
        clock: Clock,
        parse: Callable[[bytes], ParsedWebhook],
    ) -> None:
        self.router = router
        self.storage = storage
        self.clock = clock
        self._parse = parse
        # One ingest run at a time in this process (several processes may run side by side:
        # the inbox dedupes what two of them both ingest).
        self._running = threading.Lock()
        # Recording goes first: an ingest run waits between two bodies while a record is
        # writing, so the acknowledgements never queue behind a long backlog of ingests.
        self._recording = 0
        self._turn = threading.Condition()

    def __repr__(self) -> str:
        return f"WebhookIntake(offices={sorted(self.router.desks)!r})"

    def route(self, body: bytes) -> str | None:
        """
        Check and place a verified body without storing it: the offices' codes it goes to,
        comma-separated (``None``: nothing in it to ingest).

        Raises:
            WebhookPayloadError: The body is not a webhook.
            UnknownBusinessNumberError: An item was sent to a number no office owns.
        """
        parts = self.router.split(self._parse(body))
        # No parts: only skipped items or platform errors, which the parser logged.
        return ",".join(sorted(parts)) if parts else None

    def receive(self, body: bytes) -> int | None:
        """
        Check, route and store a verified body; return its id (``None``: nothing to ingest).

        Raises:
            WebhookPayloadError: The body is not a webhook; nothing stored.
            UnknownBusinessNumberError: An item was sent to a number no office owns; nothing
                stored.
        """
        route = self.route(body)
        if route is None:
            return None
        [webhook_id] = self.record_many([(body, route)])
        return webhook_id

    def record_many(self, bodies: Sequence[tuple[bytes, str]]) -> list[int]:
        """
        Store routed bodies (``(body, route)`` from :meth:`route`) in one transaction.
        """
        with self._turn:
            self._recording += 1
        try:
            return self.storage.webhooks.record_many(bodies, received_at=self.clock.now())
        finally:
            with self._turn:
                self._recording -= 1
                self._turn.notify_all()

    def _wait_for_records(self) -> None:
        with self._turn:
            self._turn.wait_for(lambda: self._recording == 0, timeout=_RECORD_WAIT)

    def process(self, webhook: ReceivedWebhook) -> None:
        """
        Ingest one stored body with its offices' desks and mark it processed.
        """
        for office, part in self.router.split(self._parse(webhook.body)).items():
            self.router.desks[office].ingest(part)
        self.storage.webhooks.mark_processed(webhook.webhook_id, at=self.clock.now())

    def process_pending(self) -> PendingSummary:
        """
        Ingest every stored body not yet processed, oldest first.

        A body that fails is logged by its error code and left for the next run; the others
        go on. Returns at once with nothing done when another run of this intake is going on.
        """
        if not self._running.acquire(blocking=False):
            return PendingSummary()
        processed = failed = 0
        try:
            after: int | None = None
            while True:
                batch = self.storage.webhooks.unprocessed(limit=_BATCH, after=after)
                if not batch:
                    break
                for webhook in batch:
                    after = webhook.webhook_id
                    self._wait_for_records()
                    try:
                        self.process(webhook)
                    except StorageUnavailableError as e:
                        # The storage is gone for now: the rest would fail the same way.
                        _log.warning("webhook %d left for later: %s", webhook.webhook_id, e.code)
                        return PendingSummary(processed, failed + 1)
                    except LayananAduanError as e:
                        failed += 1
                        _log.warning("webhook %d not ingested: %s", webhook.webhook_id, e.code)
                    else:
                        processed += 1
        finally:
            self._running.release()
        return PendingSummary(processed, failed)
