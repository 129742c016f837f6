"""
A step's result carries the report's version after the step, as storage holds it.

"""

from __future__ import annotations

import pendulum

from layanan_aduan import examples
from layanan_aduan.adapters.evidence_store import InMemoryEvidenceStore
from layanan_aduan.adapters.messaging import InMemoryMediaFetcher, InMemoryMessenger
from layanan_aduan.adapters.staff import InMemoryStaffDirectory
from layanan_aduan.adapters.storage import InMemoryStorage
from layanan_aduan.adapters.whatsapp.inbound import parse_webhook
from layanan_aduan.clock import FixedClock
from layanan_aduan.domain.staff import Assignment, StaffMember, StaffRole
from layanan_aduan.service_layer.bootstrap import compose


def test_each_step_reports_the_version_storage_holds_after_it() -> None:
    """StepResult.version is the report's stored version after ingest, receive and forward."""
    media = InMemoryMediaFetcher()
    media.put(examples.SCREENSHOT_MEDIA_ID, examples.screenshot_png(), "image/png")
    services = compose(
        storage=InMemoryStorage(),
        evidence=InMemoryEvidenceStore(),
        messenger=InMemoryMessenger(),
        media=media,
        clock=FixedClock(pendulum.datetime(2026, 1, 12, 2, 5, tz="UTC")),
        staff=InMemoryStaffDirectory(
            {
                "KNJP": [
                    StaffMember(
                        "petugas-01",
                        "Rina Wulandari",
                        phone="+6281311112222",
                        assignments=(Assignment(StaffRole.OFFICER, "KNJP"),),
                    ),
                    StaffMember(
                        "kasi-intel-01",
                        "Andi Pratama",
                        phone="+6281100002222",
                        assignments=(Assignment(StaffRole.SECTION_HEAD, "KNJP"),),
                    ),
                ]
            }
        ),
    )
    with services:
        desk = services.desk
        (made,) = desk.ingest(parse_webhook(examples.whatsapp_webhook())).steps
        assert made.version == desk.report(made.report_id).version == len(made.actions)
        received = desk.receive(made.report_id, officer="petugas-01")
        assert received.version == made.version + 1 == desk.report(made.report_id).version
        forwarded = desk.forward(made.report_id, officer="petugas-01")
        assert forwarded.version == received.version + 1
        assert forwarded.version == desk.report(made.report_id).version
