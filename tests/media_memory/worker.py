"""
A desk process for tests/test_media_memory.py: ingests a webhook whose media a loopback Graph
API serves, and prints as JSON how far its peak memory rose while it did, what it made, and
what was left in its temporary directory.

Usage: worker.py CONFIG_JSON, with ``graph`` (the loopback server's base URL, token, phone
number id, version), ``warm_up`` and ``body`` (webhook files: the first, with small media, is
ingested before measuring so that the code paths are loaded), ``spool`` (the directory media
are fetched into), ``evidence`` (the evidence store's root) and ``document_bytes`` (the PDF
size limit).

The peak is the kernel's high-water mark of the resident set (VmHWM), reset just before the
measured ingest (``/proc/self/clear_refs``), minus the resident set (VmRSS) at that moment.
"""

from __future__ import annotations

import gc
import json
import sys
from pathlib import Path

import pendulum

from layanan_aduan.adapters.evidence_store import FilesystemEvidenceStore
from layanan_aduan.adapters.messaging import InMemoryMessenger
from layanan_aduan.adapters.storage import InMemoryStorage
from layanan_aduan.adapters.whatsapp.cloud_api import WhatsAppCloudApi
from layanan_aduan.adapters.whatsapp.config import WhatsAppConfig
from layanan_aduan.adapters.whatsapp.inbound import parse_webhook
from layanan_aduan.clock import FixedClock
from layanan_aduan.domain.evidence import EvidenceLimits
from layanan_aduan.exceptions import LayananAduanError
from layanan_aduan.service_layer.bootstrap import compose


def _status_kib(name: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(name + ":"):
            return int(line.split()[1])
    raise LookupError(name)


def main() -> None:
    config = json.loads(sys.argv[1])
    graph = config["graph"]
    api = WhatsAppCloudApi(
        WhatsAppConfig(
            access_token=graph["access_token"],
            phone_number_id=graph["phone_number_id"],
            base_url=graph["base_url"],
            version=graph["version"],
            timeout=60.0,
            max_media_bytes=config["document_bytes"],
        ),
        spool_dir=config["spool"],
    )
    evidence = FilesystemEvidenceStore.open(config["evidence"], fsync=False)
    services = compose(
        storage=InMemoryStorage(),
        evidence=evidence,
        messenger=InMemoryMessenger(),
        media=api,
        clock=FixedClock(pendulum.datetime(2026, 1, 12, 2, 5, tz="UTC")),
        limits=EvidenceLimits(document_bytes=config["document_bytes"]),
    )
    services.desk.ingest(parse_webhook(Path(config["warm_up"]).read_bytes()))
    parsed = parse_webhook(Path(config["body"]).read_bytes())
    gc.collect()
    Path("/proc/self/clear_refs").write_text("5")
    before = _status_kib("VmRSS")
    error = None
    reports = []
    try:
        result = services.desk.ingest(parsed)
    except LayananAduanError as e:
        error = e.code
    else:
        for step in result.steps:
            report = services.desk.report(step.report_id)
            reports.append(
                {
                    "evidence": [[e.sha256, e.size] for e in report.evidence],
                    "problems": [p.code for p in report.problems],
                }
            )
    peak = _status_kib("VmHWM")
    print(
        json.dumps(
            {
                "growth_mib": (peak - before) / 1024,
                "error": error,
                "reports": reports,
                "spool_left": sorted(p.name for p in Path(config["spool"]).iterdir()),
                "stored": [
                    [evidence.path_of(d).name, evidence.path_of(d).stat().st_size]
                    for r in reports
                    for d, _ in r["evidence"]
                ],
            }
        )
    )
    services.close()
    api.close()


if __name__ == "__main__":
    main()
