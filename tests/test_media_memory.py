"""
Peak memory of ingesting large media (issue 9): a desk process (tests/media_memory/worker.py)
fetches documents of 100 MiB from the loopback Graph API, which generates them while it sends
them, and reports how far its resident set rose. Before, one such download cost +212 MiB and
five in one webhook +629 MiB; each item is now streamed to a temporary file, inspected and
copied into the evidence store in pieces.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from layanan_aduan.testing.graph_server import LoopbackGraphApi

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not Path("/proc/self/clear_refs").exists(), reason="needs Linux /proc to read peak RSS"
    ),
]

MIB = 1024 * 1024
WORKER = Path(__file__).parent / "media_memory" / "worker.py"
#: The bound the issue sets on the peak resident-set growth of one webhook.
BOUND_MIB = 32
_BLOCK = b"1 0 obj << /Type /Page /Contents 2 0 R >> endobj\n" + bytes(range(32, 127)) * 8 + b"\n"
_PIECE = (_BLOCK * (64 * 1024 // len(_BLOCK) + 1))[: 64 * 1024]
_HEAD, _TAIL = b"%PDF-1.7\n", b"\n%%EOF\n"


def pdf_of(size: int) -> Callable[[], Iterator[bytes]]:
    """A whole PDF of exactly ``size`` bytes, generated in 64 KiB pieces each time it is asked."""

    def pieces() -> Iterator[bytes]:
        yield _HEAD
        left = size - len(_HEAD) - len(_TAIL)
        while left > 0:
            yield _PIECE[: min(left, len(_PIECE))]
            left -= len(_PIECE)
        yield _TAIL

    return pieces


def sha256_of(pieces: Callable[[], Iterator[bytes]]) -> str:
    digest = hashlib.sha256()
    for piece in pieces():
        digest.update(piece)
    return digest.hexdigest()


def webhook(phone: str, media_ids: list[str], first_id: int) -> bytes:
    """A WhatsApp webhook: the reporter's identity and report, then one document per media id."""
    messages: list[dict[str, Any]] = [
        {
            "from": phone,
            "id": f"wamid.MEMORI.{first_id:04d}",
            "timestamp": "1768183200",
            "type": "text",
            "text": {
                "body": "Nama: Budi Santoso\nNIK: 3171010101900001\nJenis: aduan\n"
                "Saya dimintai uang untuk mempercepat pengurusan surat di kelurahan."
            },
        }
    ]
    for i, media_id in enumerate(media_ids, start=1):
        messages.append(
            {
                "from": phone,
                "id": f"wamid.MEMORI.{first_id + i:04d}",
                "timestamp": str(1768183200 + 10 * i),
                "type": "document",
                "document": {
                    "mime_type": "application/pdf",
                    "id": media_id,
                    "filename": "surat.pdf",
                },
            }
        )
    value = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "6281212313170", "phone_number_id": "106540352242922"},
        "contacts": [{"profile": {"name": "Budi Santoso"}, "wa_id": phone}],
        "messages": messages,
    }
    document = {
        "object": "whatsapp_business_account",
        "entry": [{"id": "102290129340398", "changes": [{"field": "messages", "value": value}]}],
    }
    return json.dumps(document).encode("utf-8")


def run_worker(
    graph: LoopbackGraphApi, tmp_path: Path, body: bytes, document_bytes: int
) -> dict[str, Any]:
    """Ingest ``body`` in a fresh process (after a small warm-up webhook); its JSON report."""
    graph.add_streamed_media(
        "9000000000000000", pdf_of(64 * 1024), "application/pdf", size=64 * 1024
    )
    (tmp_path / "warm.json").write_bytes(webhook("6281234567891", ["9000000000000000"], 1))
    (tmp_path / "body.json").write_bytes(body)
    spool = tmp_path / "spool"
    spool.mkdir()
    config = {
        "graph": {
            "base_url": graph.base_url,
            "access_token": graph.access_token,
            "phone_number_id": graph.phone_number_id,
            "version": graph.version,
        },
        "warm_up": str(tmp_path / "warm.json"),
        "body": str(tmp_path / "body.json"),
        "spool": str(spool),
        "evidence": str(tmp_path / "bukti"),
        "document_bytes": document_bytes,
    }
    done = subprocess.run(  # noqa: S603 - our own worker script, arguments we built
        [sys.executable, str(WORKER), json.dumps(config)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    return result


@pytest.fixture
def graph() -> Iterator[LoopbackGraphApi]:
    with LoopbackGraphApi() as server:
        yield server


def test_a_hundred_mib_document_is_ingested_in_bounded_memory(
    graph: LoopbackGraphApi, tmp_path: Path
) -> None:
    """A 100 MiB PDF becomes the report's evidence, stored under the SHA-256 of the bytes
    served, with the process's peak resident set rising by less than 32 MiB and no
    temporary file left behind."""
    pieces = pdf_of(100 * MIB)
    graph.add_streamed_media("9100000000000001", pieces, "application/pdf", size=100 * MIB)
    result = run_worker(
        graph, tmp_path, webhook("6281234567890", ["9100000000000001"], 100), 128 * MIB
    )
    assert result["error"] is None
    [report] = result["reports"]
    expected = sha256_of(pieces)
    assert report["evidence"] == [[expected, 100 * MIB]]
    assert result["stored"] == [[expected, 100 * MIB]]
    assert result["spool_left"] == []
    assert result["growth_mib"] < BOUND_MIB, result


def test_five_documents_in_one_webhook_stay_bounded(
    graph: LoopbackGraphApi, tmp_path: Path
) -> None:
    """Five 100 MiB PDFs in one webhook are fetched one at a time: the peak stays under the
    bound of one, and each is stored under its own digest."""
    ids = [f"92000000000000{i:02d}" for i in range(5)]
    sizes = [100 * MIB - i * 4096 for i in range(5)]  # five different files
    for media_id, size in zip(ids, sizes, strict=True):
        graph.add_streamed_media(media_id, pdf_of(size), "application/pdf", size=size)
    result = run_worker(graph, tmp_path, webhook("6281234567890", ids, 200), 128 * MIB)
    assert result["error"] is None
    [report] = result["reports"]
    assert report["evidence"] == [[sha256_of(pdf_of(s)), s] for s in sizes]
    assert result["spool_left"] == []
    assert result["growth_mib"] < BOUND_MIB, result


def test_a_download_past_the_limit_is_refused_mid_stream_in_bounded_memory(
    graph: LoopbackGraphApi, tmp_path: Path
) -> None:
    """A 100 MiB download that declares no size, against a 10 MiB limit, is cut off while
    streaming: the report records the evidence as missing, nothing is stored, no temporary
    file is left and the peak stays bounded."""
    graph.add_streamed_media("9300000000000001", pdf_of(100 * MIB), "application/pdf", size=None)
    result = run_worker(
        graph, tmp_path, webhook("6281234567890", ["9300000000000001"], 300), 10 * MIB
    )
    assert result["error"] is None
    [report] = result["reports"]
    assert report["evidence"] == []
    assert "evidence_missing" in report["problems"]
    assert result["spool_left"] == []
    assert result["growth_mib"] < BOUND_MIB, result
