"""
Tests of the intake's media path (issue 9): each media item is fetched into its own temporary
file and inspected there; an accepted file is copied into the evidence store when its report
is made; every temporary file is gone when ingest returns; a transient failure stores nothing.
"""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import pendulum
import pytest

from layanan_aduan import examples
from layanan_aduan.adapters.evidence_store import FilesystemEvidenceStore
from layanan_aduan.adapters.messaging import InMemoryMediaFetcher, InMemoryMessenger
from layanan_aduan.adapters.storage import InMemoryStorage, SqliteStorage
from layanan_aduan.adapters.whatsapp.inbound import parse_webhook
from layanan_aduan.clock import FixedClock
from layanan_aduan.domain.evidence import EvidenceLimits
from layanan_aduan.exceptions import MediaSpoolError, MessagingUnavailableError
from layanan_aduan.media import FetchedMedia
from layanan_aduan.service_layer.bootstrap import Services, compose

T0 = pendulum.datetime(2026, 1, 12, 2, 5, tz="UTC")  # Monday 09:05 WIB
PNG = examples.screenshot_png()
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n" + b"% isi surat\n" * 500 + b"%%EOF\n"


def webhook(*media: tuple[str, str]) -> bytes:
    """The reporter's identity and report, then one image or document per (kind, media id)."""
    messages: list[dict[str, Any]] = [
        {
            "from": "6281234567890",
            "id": "wamid.MEDIA.0000",
            "timestamp": "1768183200",
            "type": "text",
            "text": {"body": "Nama: Budi Santoso\nNIK: 3171010101900001\nAda pungli di loket."},
        }
    ]
    for i, (kind, media_id) in enumerate(media, start=1):
        mime = "image/png" if kind == "image" else "application/pdf"
        messages.append(
            {
                "from": "6281234567890",
                "id": f"wamid.MEDIA.{i:04d}",
                "timestamp": str(1768183200 + i),
                "type": kind,
                kind: {"mime_type": mime, "id": media_id},
            }
        )
    value = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "6281212313170", "phone_number_id": "106540352242922"},
        "contacts": [{"profile": {"name": "Budi Santoso"}, "wa_id": "6281234567890"}],
        "messages": messages,
    }
    return json.dumps(
        {
            "object": "whatsapp_business_account",
            "entry": [{"id": "1", "changes": [{"field": "messages", "value": value}]}],
        }
    ).encode()


class Fetcher(InMemoryMediaFetcher):
    """Serves the files put into it; fails once on the ids in ``fail_once``; keeps what it
    answered, to check that each was closed."""

    def __init__(self, spool: Path) -> None:
        super().__init__(spool_dir=spool)
        self.fail_once: set[str] = set()
        self.answered: list[FetchedMedia] = []

    def fetch(self, media_id: str, *, max_bytes: int | None = None) -> FetchedMedia:
        if media_id in self.fail_once:
            self.fail_once.discard(media_id)
            raise MessagingUnavailableError("Sementara tidak tersedia.", "Unavailable.")
        media = super().fetch(media_id, max_bytes=max_bytes)
        self.answered.append(media)
        return media


@pytest.fixture(params=["memory", "sqlite"])
def desk_world(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[tuple[Services, Fetcher, FilesystemEvidenceStore, Path]]:
    spool = tmp_path / "spool"
    spool.mkdir()
    fetcher = Fetcher(spool)
    fetcher.put("7000000000000001", PNG, "image/png")
    fetcher.put("7000000000000002", PDF, "application/pdf")
    fetcher.put("7000000000000003", b"GIF89a" + b"\x00" * 64, "image/gif")
    evidence = FilesystemEvidenceStore.open(tmp_path / "bukti", fsync=False)
    storage = (
        InMemoryStorage() if request.param == "memory" else SqliteStorage.open(tmp_path / "db")
    )
    services = compose(
        storage=storage,
        evidence=evidence,
        messenger=InMemoryMessenger(),
        media=fetcher,
        clock=FixedClock(T0),
        limits=EvidenceLimits(document_bytes=len(PDF) + 1),
    )
    with services:
        yield services, fetcher, evidence, spool


def stored(evidence: FilesystemEvidenceStore) -> list[str]:
    """The digests of the files in the evidence store."""
    return sorted(p.name for p in evidence.root.rglob("*") if p.is_file())


def test_each_accepted_file_is_stored_and_every_temporary_file_is_gone(
    desk_world: tuple[Services, Fetcher, FilesystemEvidenceStore, Path],
) -> None:
    """An image and a PDF become the report's evidence, stored under their digests, and every
    media the fetcher answered is closed when ingest returns."""
    services, fetcher, evidence, spool = desk_world
    body = webhook(("image", "7000000000000001"), ("document", "7000000000000002"))
    (step,) = services.desk.ingest(parse_webhook(body)).steps
    report = services.desk.report(step.report_id)
    digests = [hashlib.sha256(PNG).hexdigest(), hashlib.sha256(PDF).hexdigest()]
    assert [e.sha256 for e in report.evidence] == digests
    assert stored(evidence) == sorted(digests)
    assert [m.closed for m in fetcher.answered] == [True, True]
    assert list(spool.iterdir()) == []


def test_a_transient_failure_on_a_later_item_stores_nothing(
    desk_world: tuple[Services, Fetcher, FilesystemEvidenceStore, Path],
) -> None:
    """When the second media fails for now, ingest raises, nothing is taken or stored and the
    first item's temporary file is deleted; the redelivery is taken whole."""
    services, fetcher, evidence, spool = desk_world
    fetcher.fail_once.add("7000000000000002")
    body = webhook(("image", "7000000000000001"), ("document", "7000000000000002"))
    with pytest.raises(MessagingUnavailableError):
        services.desk.ingest(parse_webhook(body))
    assert services.desk.list_reports() == ()
    assert stored(evidence) == []
    assert [m.closed for m in fetcher.answered] == [True]
    assert list(spool.iterdir()) == []
    (step,) = services.desk.ingest(parse_webhook(body)).steps
    assert len(services.desk.report(step.report_id).evidence) == 2
    assert list(spool.iterdir()) == []


def test_a_file_refused_as_evidence_is_recorded_not_stored(
    desk_world: tuple[Services, Fetcher, FilesystemEvidenceStore, Path],
) -> None:
    """A file that is not recognised is recorded as the report's problem, at its place among
    the evidence, and never reaches the evidence store."""
    services, _, evidence, spool = desk_world
    (step,) = services.desk.ingest(parse_webhook(webhook(("image", "7000000000000003")))).steps
    report = services.desk.report(step.report_id)
    assert report.evidence == ()
    assert ("evidence_unrecognised", "evidence[0]") in [(p.code, p.field) for p in report.problems]
    assert stored(evidence) == []
    assert list(spool.iterdir()) == []


def test_a_pdf_over_its_limit_is_recorded_too_large(
    desk_world: tuple[Services, Fetcher, FilesystemEvidenceStore, Path],
) -> None:
    """A PDF over the document limit (yet within what any evidence may weigh) is fetched,
    found too large from its size on disk, and recorded so, not stored."""
    services, fetcher, evidence, spool = desk_world
    fetcher.put("7000000000000004", PDF + b"%" * 4096, "application/pdf")
    (step,) = services.desk.ingest(parse_webhook(webhook(("document", "7000000000000004")))).steps
    report = services.desk.report(step.report_id)
    assert report.evidence == ()
    assert ("evidence_too_large", "evidence[0]") in [(p.code, p.field) for p in report.problems]
    assert stored(evidence) == []
    assert list(spool.iterdir()) == []


def test_a_file_larger_than_any_evidence_is_not_fetched(
    desk_world: tuple[Services, Fetcher, FilesystemEvidenceStore, Path],
) -> None:
    """A media file larger than any evidence may be is refused by the fetcher: the report
    records the evidence as missing and nothing is stored or left behind."""
    services, fetcher, evidence, spool = desk_world
    fetcher.put("7000000000000005", b"\x89PNG" + b"\x00" * (6 * 1024 * 1024), "image/png")
    (step,) = services.desk.ingest(parse_webhook(webhook(("image", "7000000000000005")))).steps
    report = services.desk.report(step.report_id)
    assert report.evidence == ()
    assert "evidence_missing" in [p.code for p in report.problems]
    assert stored(evidence) == []
    assert fetcher.answered == []
    assert list(spool.iterdir()) == []


class _ChangingStore(FilesystemEvidenceStore):
    """An evidence store that stores other bytes than it was given (a file changed between its
    inspection and its storing, or a faulty store)."""

    def put_stream(self, stream: IO[bytes]) -> str:
        return super().put_stream(io.BytesIO(stream.read() + b"changed"))


def test_bytes_stored_other_than_those_inspected_make_nothing(tmp_path: Path) -> None:
    """When the store answers another digest than the inspected one, ingest raises a retryable
    MediaSpoolError and takes nothing: a report never names evidence the store does not hold."""
    fetcher = Fetcher(tmp_path)
    fetcher.put("7000000000000001", PNG, "image/png")
    services = compose(
        storage=InMemoryStorage(),
        evidence=_ChangingStore.open(tmp_path / "bukti", fsync=False),
        messenger=InMemoryMessenger(),
        media=fetcher,
        clock=FixedClock(T0),
    )
    with services:
        with pytest.raises(MediaSpoolError) as caught:
            services.desk.ingest(parse_webhook(webhook(("image", "7000000000000001"))))
        assert caught.value.retryable
        assert services.desk.list_reports() == ()
    assert [p.name for p in tmp_path.iterdir()] == ["bukti"]
